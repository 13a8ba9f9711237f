//! The measurement cycle around the tree: reporting periods, the realisation workflow
//! (draft → diajukan → diverifikasi / dikembalikan, locked when the period closes), evidence
//! files (*bukti dukung*) recognised by their content, an organisation's measurement settings,
//! and the capaian of a whole organisation for a year or up to a quarter.
//!
//! Pure: the store keeps the values, the web decides who may do what
//! (`pokin-web/src/permission.rs`); this module decides which transitions exist at all.

use crate::capaian::{
    Capaian, Ceiling, IndicatorRule, OrganisationCapaian, PeriodEntry, Periodisation,
    PredicateBands, Realisation, YearToDate, aggregate_reported, capaian, roll_up_organisation,
    year_to_date,
};
use crate::ids::{Code, UnitKey};
use crate::org::{Aggregation, Indicator, Organisation, TargetValue};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// Periods.

/// One reporting period of an indicator: a quarter (TW I–IV) or a month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub periodisation: Periodisation,
    /// 1-based: 1–4 for quarters, 1–12 for months.
    pub n: u8,
}

impl Period {
    /// A period, or why it does not exist (`TW 5`, month 13, a year outside 1900–9999).
    pub fn new(year: i32, periodisation: Periodisation, n: u8) -> Result<Self, String> {
        if !(1900..=9999).contains(&year) {
            return Err(format!("tahun {year} tidak masuk akal"));
        }
        if n == 0 || usize::from(n) > periodisation.count() {
            return Err(match periodisation {
                Periodisation::Triwulan => format!("triwulan {n} tidak ada (hanya 1–4)"),
                Periodisation::Bulanan => format!("bulan {n} tidak ada (hanya 1–12)"),
            });
        }
        Ok(Period {
            year,
            periodisation,
            n,
        })
    }

    /// The quarter (1–4) the period falls in.
    pub fn quarter(self) -> u8 {
        match self.periodisation {
            Periodisation::Triwulan => self.n,
            Periodisation::Bulanan => (self.n - 1) / 3 + 1,
        }
    }

    /// `TW II 2026`, `Mei 2026`.
    pub fn label(self) -> String {
        format!(
            "{} {}",
            self.periodisation.label(usize::from(self.n)),
            self.year
        )
    }

    /// A compact, URL-safe name: `2026-tw2`, `2026-m05`. Parsed back by [`Period::parse`].
    pub fn slug(self) -> String {
        match self.periodisation {
            Periodisation::Triwulan => format!("{}-tw{}", self.year, self.n),
            Periodisation::Bulanan => format!("{}-m{:02}", self.year, self.n),
        }
    }

    /// Parses [`Period::slug`]'s form.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("periode '{s}' tidak dikenal; contoh: 2026-tw2 atau 2026-m05");
        let (year, rest) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let rest = rest.to_ascii_lowercase();
        let (periodisation, n) = if let Some(n) = rest.strip_prefix("tw") {
            (Periodisation::Triwulan, n)
        } else if let Some(n) = rest.strip_prefix('m') {
            (Periodisation::Bulanan, n)
        } else {
            return Err(bad());
        };
        let n: u8 = n.parse().map_err(|_| bad())?;
        Period::new(year, periodisation, n)
    }

    /// Every period of `year` under `periodisation`, in order.
    pub fn all(year: i32, periodisation: Periodisation) -> impl Iterator<Item = Period> {
        (1..=periodisation.count() as u8).map(move |n| Period {
            year,
            periodisation,
            n,
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// How an indicator is reported: quarterly unless its manual IK says monthly.
pub fn periodisation_of(indicator: &Indicator) -> Periodisation {
    indicator.periodisation.unwrap_or(Periodisation::Triwulan)
}

/// How an indicator's periods add up: its manual IK's aggregation, or *kumulatif* for counts
/// and *nilai akhir* for percentages, indices and scores when none is recorded.
pub fn aggregation_of(indicator: &Indicator) -> Aggregation {
    if let Some(a) = indicator.aggregation {
        return a;
    }
    let satuan = indicator.satuan.as_deref().unwrap_or("").to_lowercase();
    let level_like = [
        "%", "persen", "indeks", "nilai", "skor", "predikat", "opini", "rasio",
    ];
    if level_like.iter().any(|w| satuan.contains(w)) {
        Aggregation::NilaiAkhir
    } else {
        Aggregation::Kumulatif
    }
}

// ---------------------------------------------------------------------------------------------
// Workflow.

/// Where a realisation is in its workflow. Locking is not a status: a realisation is locked
/// when its period is closed and no reopen request for it has been approved since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled in by the operator.
    Draft,
    /// Submitted for verification.
    Diajukan,
    /// Verified by the unit's superior; counts in capaian.
    Diverifikasi,
    /// Returned to the operator with a reason.
    Dikembalikan,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Diajukan,
        Status::Diverifikasi,
        Status::Dikembalikan,
    ];

    /// The machine name stored in the database and used in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Diajukan => "diajukan",
            Status::Diverifikasi => "diverifikasi",
            Status::Dikembalikan => "dikembalikan",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// How a person names it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draf",
            Status::Diajukan => "Diajukan",
            Status::Diverifikasi => "Diverifikasi",
            Status::Dikembalikan => "Dikembalikan",
        }
    }

    /// Whether the operator may change the values and evidence in this status (when not
    /// locked).
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Dikembalikan)
    }
}

/// A workflow step a person takes on a realisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The operator submits for verification.
    Ajukan,
    /// The verifier accepts.
    Verifikasi,
    /// The verifier returns it with a reason.
    Kembalikan,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::Ajukan, Action::Verifikasi, Action::Kembalikan];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Ajukan => "ajukan",
            Action::Verifikasi => "verifikasi",
            Action::Kembalikan => "kembalikan",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            Action::Ajukan => "Ajukan untuk verifikasi",
            Action::Verifikasi => "Verifikasi",
            Action::Kembalikan => "Kembalikan",
        }
    }
}

/// The status after `action` on a realisation in `from`, or why the step is not possible, in
/// Indonesian. `locked`: its period is closed (and not reopened for it). `has_value`: a value
/// (number or qualitative) has been entered. `reason`: the text given with the step, required
/// for [`Action::Kembalikan`].
pub fn next_status(
    from: Status,
    action: Action,
    locked: bool,
    has_value: bool,
    reason: Option<&str>,
) -> Result<Status, String> {
    if locked {
        return Err(
            "periode ini sudah ditutup; nilainya terkunci. Ajukan permintaan \
                    pembukaan kembali dengan alasannya kepada perencana."
                .into(),
        );
    }
    match (action, from) {
        (Action::Ajukan, Status::Draft | Status::Dikembalikan) => {
            if has_value {
                Ok(Status::Diajukan)
            } else {
                Err("isi nilai realisasi sebelum mengajukan".into())
            }
        }
        (Action::Verifikasi, Status::Diajukan) => Ok(Status::Diverifikasi),
        (Action::Kembalikan, Status::Diajukan | Status::Diverifikasi) => {
            if reason.is_some_and(|r| !r.trim().is_empty()) {
                Ok(Status::Dikembalikan)
            } else {
                Err("alasan pengembalian wajib diisi".into())
            }
        }
        (action, from) => Err(format!(
            "langkah '{}' tidak dapat dilakukan pada realisasi berstatus {}",
            action.label().to_lowercase(),
            from.label().to_lowercase()
        )),
    }
}

/// A request to correct a realisation after its period was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReopenStatus {
    Menunggu,
    Disetujui,
    Ditolak,
}

impl ReopenStatus {
    pub const ALL: [ReopenStatus; 3] = [
        ReopenStatus::Menunggu,
        ReopenStatus::Disetujui,
        ReopenStatus::Ditolak,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReopenStatus::Menunggu => "menunggu",
            ReopenStatus::Disetujui => "disetujui",
            ReopenStatus::Ditolak => "ditolak",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReopenStatus::Menunggu => "Menunggu keputusan",
            ReopenStatus::Disetujui => "Disetujui",
            ReopenStatus::Ditolak => "Ditolak",
        }
    }
}

/// What the operator enters for one indicator and period.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RealisationInput {
    pub value: Option<Realisation>,
    /// *Kendala*: what held it back.
    pub kendala: Option<String>,
    /// *Solusi / tindak lanjut*.
    pub solusi: Option<String>,
    /// *Faktor pendorong*.
    pub pendorong: Option<String>,
}

/// The longest narrative field accepted, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 10_000;

impl RealisationInput {
    /// Every problem with the input, in Indonesian (empty when it is acceptable).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.value {
            Some(Realisation::Number(v)) if !v.is_finite() => {
                out.push("nilai realisasi harus angka terhingga".into())
            }
            Some(Realisation::Number(v)) if v.abs() > 1e15 => {
                out.push("nilai realisasi terlalu besar".into())
            }
            Some(Realisation::Qualitative(s)) if s.trim().is_empty() => {
                out.push("nilai realisasi kualitatif kosong".into())
            }
            Some(Realisation::Qualitative(s)) if s.chars().count() > 200 => out.push(
                "nilai realisasi kualitatif terlalu panjang (paling banyak 200 huruf)".into(),
            ),
            _ => {}
        }
        for (name, v) in [
            ("kendala", &self.kendala),
            ("solusi / tindak lanjut", &self.solusi),
            ("faktor pendorong", &self.pendorong),
        ] {
            if v.as_ref()
                .is_some_and(|s| s.chars().count() > MAX_NARRATIVE_CHARS)
            {
                out.push(format!(
                    "{name} terlalu panjang (paling banyak {} huruf)",
                    crate::format::number(MAX_NARRATIVE_CHARS as f64, 0)
                ));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Bulk changes (the XLSX workbook).

/// One indicator, named as everywhere outside the store: its unit's key and its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndicatorKey {
    pub unit: UnitKey,
    pub code: Code,
}

/// A set of value changes to apply at once, all or nothing (from an uploaded workbook). `None`
/// clears a value. Realisations are written as drafts (or over a draft / returned one); a
/// change to a submitted, verified or locked realisation is refused by the store.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MeasurementBatch {
    /// Renstra baseline per indicator.
    pub baselines: Vec<(IndicatorKey, Option<TargetValue>)>,
    /// Renstra (yearly) target per indicator and year.
    pub yearly_targets: Vec<(IndicatorKey, i32, Option<TargetValue>)>,
    /// Rencana Aksi target per indicator and period.
    pub period_targets: Vec<(IndicatorKey, Period, Option<TargetValue>)>,
    /// Realisation value per indicator and period (narratives are kept as they are).
    pub realisations: Vec<(IndicatorKey, Period, Option<Realisation>)>,
    /// Pagu (Rp) per program code and year.
    #[serde(default)]
    pub pagu: Vec<(String, i32, Option<f64>)>,
    /// Realised budget (Rp) per program code, year and quarter (1–4).
    #[serde(default)]
    pub budget_realisations: Vec<(String, i32, u8, Option<f64>)>,
}

impl MeasurementBatch {
    /// How many values it changes.
    pub fn len(&self) -> usize {
        self.baselines.len()
            + self.yearly_targets.len()
            + self.period_targets.len()
            + self.realisations.len()
            + self.pagu.len()
            + self.budget_realisations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence (bukti dukung).

/// The largest evidence file accepted: 10 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// A kind of evidence file Pokin accepts, recognised from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// Word, Excel or PowerPoint (OOXML: .docx/.xlsx/.pptx) or OpenDocument.
    OfficeZip,
    /// Word, Excel or PowerPoint 97–2003 (.doc/.xls/.ppt).
    OfficeLegacy,
}

impl EvidenceKind {
    /// The media type served on download.
    pub fn media_type(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "application/pdf",
            EvidenceKind::Png => "image/png",
            EvidenceKind::Jpeg => "image/jpeg",
            EvidenceKind::Gif => "image/gif",
            EvidenceKind::Webp => "image/webp",
            EvidenceKind::OfficeZip => "application/octet-stream",
            EvidenceKind::OfficeLegacy => "application/octet-stream",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "PDF",
            EvidenceKind::Png => "gambar PNG",
            EvidenceKind::Jpeg => "gambar JPEG",
            EvidenceKind::Gif => "gambar GIF",
            EvidenceKind::Webp => "gambar WebP",
            EvidenceKind::OfficeZip => "dokumen Office",
            EvidenceKind::OfficeLegacy => "dokumen Office 97–2003",
        }
    }

    /// Whether a browser may show it inline (images and PDF); others are downloaded.
    pub fn inline(self) -> bool {
        !matches!(self, EvidenceKind::OfficeZip | EvidenceKind::OfficeLegacy)
    }
}

/// The kind of an evidence file from its first bytes, or why it is refused (in Indonesian).
/// The name is not consulted: a `.pdf` that is an executable is refused.
pub fn sniff_evidence(bytes: &[u8]) -> Result<EvidenceKind, String> {
    if bytes.is_empty() {
        return Err("berkas kosong".into());
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(format!(
            "berkas terlalu besar ({} MB); paling besar {} MB",
            crate::format::number(bytes.len() as f64 / 1_048_576.0, 1),
            MAX_EVIDENCE_BYTES / 1_048_576
        ));
    }
    let kind = if bytes.starts_with(b"%PDF-") {
        EvidenceKind::Pdf
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        EvidenceKind::Png
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        EvidenceKind::Jpeg
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        EvidenceKind::Gif
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        EvidenceKind::Webp
    } else if bytes.starts_with(b"PK\x03\x04") && office_zip(bytes) {
        EvidenceKind::OfficeZip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        EvidenceKind::OfficeLegacy
    } else {
        return Err(
            "jenis berkas tidak diterima (dikenali dari isinya, bukan dari namanya); \
                    unggah PDF, gambar (PNG, JPEG, GIF, WebP) atau dokumen Office"
                .into(),
        );
    };
    if !complete(kind, bytes) {
        return Err(format!(
            "berkas {} ini terpotong atau rusak (akhir berkasnya tidak ada); unggah ulang \
             berkas utuhnya",
            kind.label()
        ));
    }
    Ok(kind)
}

/// Whether a file of a recognised kind has the end its format requires: an upload cut short (a
/// dropped connection, a half-copied file) is refused instead of kept as evidence nobody can
/// open. Lenient where real files carry trailing bytes (PDF, JPEG) or vary (Office 97–2003).
fn complete(kind: EvidenceKind, bytes: &[u8]) -> bool {
    let tail = |n: usize| &bytes[bytes.len().saturating_sub(n)..];
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    match kind {
        // Readers accept bytes after the last %%EOF; 1 KiB is their usual window.
        EvidenceKind::Pdf => contains(tail(1024), b"%%EOF"),
        EvidenceKind::Png => contains(tail(64), b"IEND\xAE\x42\x60\x82"),
        // The end-of-image marker; cameras may append data after it.
        EvidenceKind::Jpeg => contains(&bytes[2..], &[0xFF, 0xD9]),
        EvidenceKind::Gif => tail(16).contains(&0x3B),
        EvidenceKind::Webp => {
            let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
            bytes.len() >= declared.saturating_add(8)
        }
        // The end of central directory record: within its maximum distance from the end.
        EvidenceKind::OfficeZip => contains(tail(65_557), b"PK\x05\x06"),
        EvidenceKind::OfficeLegacy => true,
    }
}

/// A ZIP whose entries name an Office Open XML or OpenDocument part (a plain ZIP is refused).
fn office_zip(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    [
        &b"[Content_Types].xml"[..],
        b"mimetypeapplication/vnd.oasis.opendocument",
    ]
    .iter()
    .any(|needle| head.windows(needle.len()).any(|w| w == *needle))
}

/// A file name safe to show and to send in `Content-Disposition`: the last path component,
/// control characters, quotes and separators removed, at most 120 characters; `berkas` when
/// nothing is left.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>' | '`'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let cut: String = cleaned.chars().take(120).collect();
    if cut.is_empty() { "berkas".into() } else { cut }
}

// ---------------------------------------------------------------------------------------------
// Settings and the capaian of an organisation.

/// An organisation's measurement settings: its predicate bands and the roll-up ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MeasureSettings {
    pub bands: PredicateBands,
    pub ceiling: Ceiling,
}

/// An indicator's year: the Rencana Aksi target and the realisation of each period, in order
/// (index 0 is TW I or January); shorter vectors mean the rest is missing.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IndicatorYear {
    pub targets: Vec<Option<TargetValue>>,
    pub realisations: Vec<Option<Realisation>>,
}

/// The measurements of `year` that capaian counts, per indicator: the Rencana Aksi targets
/// (`targets`) and the **verified** realisations that have a value (`realisations` in any
/// status; the others are left out here, so that no draft, submitted or returned value ever
/// moves a number). Periods of other years are ignored.
///
/// Each indicator is measured under its current periodisation, `current(key)` (from the tree);
/// a measurement under another periodisation (an indicator switched from quarterly to monthly)
/// is left out. An indicator `current` does not know (no longer in the tree) keeps the
/// periodisation of its first measurement: the first target in `targets`' order, else the
/// first verified realisation in `realisations`' order.
///
/// Every indicator with at least one counted measurement gets an [`IndicatorYear`] whose
/// vectors are as long as its periodisation's count. A later value for the same indicator and
/// period replaces an earlier one.
pub fn verified_year<'a>(
    year: i32,
    current: impl Fn(&IndicatorKey) -> Option<Periodisation>,
    targets: impl IntoIterator<Item = (&'a IndicatorKey, Period, &'a TargetValue)>,
    realisations: impl IntoIterator<Item = (&'a IndicatorKey, Period, Status, Option<&'a Realisation>)>,
) -> HashMap<IndicatorKey, IndicatorYear> {
    let mut years = YearSlots {
        year,
        current,
        first_seen: HashMap::new(),
        out: HashMap::new(),
    };
    for (key, period, target) in targets {
        if let Some((y, i)) = years.slot(key, period) {
            y.targets[i] = Some(target.clone());
        }
    }
    for (key, period, status, value) in realisations {
        if status != Status::Diverifikasi {
            continue;
        }
        if let Some(value) = value
            && let Some((y, i)) = years.slot(key, period)
        {
            y.realisations[i] = Some(value.clone());
        }
    }
    years.out
}

/// The state of [`verified_year`]: where each measurement goes.
struct YearSlots<F> {
    year: i32,
    current: F,
    /// Periodisations of indicators `current` does not know, from their first measurement.
    first_seen: HashMap<IndicatorKey, Periodisation>,
    out: HashMap<IndicatorKey, IndicatorYear>,
}

impl<F: Fn(&IndicatorKey) -> Option<Periodisation>> YearSlots<F> {
    /// The place of `period` in the year of indicator `key` (created empty when new), or `None`
    /// when the period is of another year, not under the indicator's periodisation, or out of
    /// its range.
    fn slot(&mut self, key: &IndicatorKey, period: Period) -> Option<(&mut IndicatorYear, usize)> {
        if period.year != self.year {
            return None;
        }
        let periodisation = match (self.current)(key) {
            Some(p) => p,
            None => *self
                .first_seen
                .entry(key.clone())
                .or_insert(period.periodisation),
        };
        let count = periodisation.count();
        let index = usize::from(period.n).checked_sub(1)?;
        if periodisation != period.periodisation || index >= count {
            return None;
        }
        if !self.out.contains_key(key) {
            self.out.insert(
                key.clone(),
                IndicatorYear {
                    targets: vec![None; count],
                    realisations: vec![None; count],
                },
            );
        }
        Some((self.out.get_mut(key)?, index))
    }
}

/// How much of a year to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Span {
    /// The whole year: the aggregate of the reported periods against the year's target.
    Year,
    /// Year-to-date up to and including quarter 1–4: the aggregate of the realisations
    /// against the aggregate of the Rencana Aksi targets of the same periods.
    UpToQuarter(u8),
}

impl Span {
    /// `Tahun 2026`, `s.d. TW II 2026`.
    pub fn label(self, year: i32) -> String {
        match self {
            Span::Year => format!("Tahun {year}"),
            Span::UpToQuarter(q) => format!(
                "s.d. {} {year}",
                Periodisation::Triwulan.label(usize::from(q))
            ),
        }
    }
}

/// The capaian of one indicator for a span, with the target and realisation it compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorMeasure {
    pub capaian: Capaian,
    pub target: Option<TargetValue>,
    pub realisation: Option<Realisation>,
    /// Elapsed periods (1-based) with no realisation counted.
    pub unreported: Vec<usize>,
}

/// The capaian of `indicator` in `year` for `span` from its periods (`data`, `None` when
/// nothing was entered).
///
/// - [`Span::Year`]: the reported periods aggregated by [`aggregation_of`] against the year's
///   target (the Renstra target of that year, i.e. the PK target); where the indicator has no
///   yearly target, against the aggregate of its Rencana Aksi targets.
/// - [`Span::UpToQuarter`]: [`year_to_date`] over the elapsed periods (3 months per quarter for
///   monthly indicators) against the Rencana Aksi targets. An indicator aggregated as *nilai
///   akhir* or *rata-rata* without Rencana Aksi targets is measured against its yearly target in
///   every period (a level promised for the year holds in each quarter); a *kumulatif* one
///   cannot be, and says so.
pub fn indicator_measure(
    indicator: &Indicator,
    year: i32,
    span: Span,
    data: Option<&IndicatorYear>,
) -> IndicatorMeasure {
    let rule = IndicatorRule::for_indicator(indicator);
    let aggregation = aggregation_of(indicator);
    let periodisation = periodisation_of(indicator);
    let count = periodisation.count();
    let empty = IndicatorYear::default();
    let data = data.unwrap_or(&empty);
    let yearly = indicator.targets.get(&year).cloned();
    let realisation_at = |i: usize| data.realisations.get(i).and_then(Option::as_ref);
    let ra_at = |i: usize| data.targets.get(i).and_then(Option::as_ref);
    let has_ra = (0..count).any(|i| ra_at(i).is_some());
    let elapsed = match span {
        Span::Year => count,
        Span::UpToQuarter(q) => (usize::from(q.clamp(1, 4)) * count / 4).max(1),
    };
    if span == Span::Year && (yearly.is_some() || !has_ra) {
        let reported = (0..count).filter_map(realisation_at);
        let unreported: Vec<usize> = (0..count)
            .filter(|i| realisation_at(*i).is_none())
            .map(|i| i + 1)
            .collect();
        let Some(target) = yearly else {
            return IndicatorMeasure {
                capaian: if reported.clone().next().is_none() {
                    Capaian::BelumDilaporkan
                } else {
                    Capaian::TidakDapatDihitung(format!("target tahun {year} belum diisi"))
                },
                target: None,
                realisation: None,
                unreported,
            };
        };
        let realisation = match aggregate_year(aggregation, reported) {
            Ok(r) => r,
            Err(why) => {
                return IndicatorMeasure {
                    capaian: Capaian::TidakDapatDihitung(why),
                    target: Some(target),
                    realisation: None,
                    unreported,
                };
            }
        };
        return IndicatorMeasure {
            capaian: capaian(&rule, &target, realisation.as_ref()),
            target: Some(target),
            realisation,
            unreported,
        };
    }
    let fallback = (!has_ra && aggregation != Aggregation::Kumulatif)
        .then_some(yearly)
        .flatten();
    let periods: Vec<PeriodEntry> = (0..count)
        .map(|i| {
            PeriodEntry::new(
                ra_at(i).cloned().or_else(|| fallback.clone()),
                realisation_at(i).cloned(),
            )
        })
        .collect();
    let ytd: YearToDate = year_to_date(&rule, aggregation, periodisation, &periods, elapsed);
    IndicatorMeasure {
        capaian: ytd.capaian,
        target: ytd.target,
        realisation: ytd.realisation,
        unreported: ytd.unreported,
    }
}

/// The year's value from the reported periods (in order): numbers by `aggregation`, a
/// qualitative value as the last one; a mix is refused.
fn aggregate_year<'a>(
    aggregation: Aggregation,
    reported: impl Iterator<Item = &'a Realisation> + Clone,
) -> Result<Option<Realisation>, String> {
    let (texts, total) = reported.clone().fold((0, 0), |(t, n), r| {
        (
            t + usize::from(matches!(r, Realisation::Qualitative(_))),
            n + 1,
        )
    });
    if texts > 0 {
        if texts < total {
            return Err("realisasi periode bercampur antara angka dan kualitatif".into());
        }
        // Qualitative values only have a last value.
        return Ok(reported.last().cloned());
    }
    let numbers = reported.filter_map(|r| match r {
        Realisation::Number(n) => Some(*n),
        Realisation::Qualitative(_) => None,
    });
    aggregate_reported(aggregation, numbers)
        .map(|v| v.map(Realisation::Number))
        .map_err(|e| e.to_string())
}

/// The measures of every indicator and the roll-up of an organisation for `year` and `span`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganisationMeasure {
    pub year: i32,
    pub span: Span,
    /// Per indicator, keyed by unit and indicator code.
    pub indicators: HashMap<IndicatorKey, IndicatorMeasure>,
    pub roll_up: OrganisationCapaian,
}

impl OrganisationMeasure {
    pub fn indicator(&self, unit: &UnitKey, code: &Code) -> Option<&IndicatorMeasure> {
        self.indicators.get(&IndicatorKey {
            unit: unit.clone(),
            code: code.clone(),
        })
    }
}

/// Measures every indicator of `org` from `data` (keyed by unit and indicator code) and rolls
/// them up with the organisation's ceiling. Every indicator weighs 1 in its objective.
pub fn measure_organisation(
    org: &Organisation,
    year: i32,
    span: Span,
    data: &HashMap<IndicatorKey, IndicatorYear>,
    settings: &MeasureSettings,
) -> OrganisationMeasure {
    let count = org
        .units
        .iter()
        .flat_map(|u| &u.objectives)
        .map(|o| o.indicators.len())
        .sum();
    let mut indicators = HashMap::with_capacity(count);
    let roll_up = roll_up_organisation(org, settings.ceiling, |u, _o, i| {
        let key = IndicatorKey {
            unit: u.key.clone(),
            code: i.code.clone(),
        };
        let m = indicator_measure(i, year, span, data.get(&key));
        let c = m.capaian.clone();
        indicators.insert(key, m);
        (c, 1.0)
    });
    OrganisationMeasure {
        year,
        span,
        indicators,
        roll_up,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_slugs_round_trip() {
        for p in Period::all(2026, Periodisation::Triwulan)
            .chain(Period::all(2026, Periodisation::Bulanan))
        {
            assert_eq!(Period::parse(&p.slug()).unwrap(), p);
        }
        assert!(Period::parse("2026-tw5").is_err());
        assert!(Period::parse("2026-m13").is_err());
        assert!(Period::parse("x").is_err());
        assert_eq!(Period::parse("2026-m05").unwrap().quarter(), 2);
        assert_eq!(Period::parse("2026-tw3").unwrap().label(), "TW III 2026");
    }

    #[test]
    fn verified_year_counts_verified_values_under_the_current_periodisation() {
        let key = |u: &str, c: &str| IndicatorKey {
            unit: UnitKey::parse(u).unwrap(),
            code: Code::parse(c).unwrap(),
        };
        let (a, b, gone) = (key("a", "IK1"), key("b", "IK1"), key("c", "IK1"));
        let tw = |n| Period::new(2026, Periodisation::Triwulan, n).unwrap();
        let month = |n| Period::new(2026, Periodisation::Bulanan, n).unwrap();
        let t = |v| TargetValue::Number(v);
        let r = |v| Realisation::Number(v);
        let (t1, t2, t3, t9) = (t(1.0), t(2.0), t(3.0), t(9.0));
        let (r5, r6, r7, r8) = (r(5.0), r(6.0), r(7.0), r(8.0));
        let last_year = Period::new(2025, Periodisation::Triwulan, 1).unwrap();
        let targets = vec![
            (&a, tw(1), &t1),
            (&a, month(2), &t9), // not under a's periodisation
            (&a, last_year, &t9),
            (&gone, month(3), &t2), // decides gone's periodisation: monthly
            (&gone, tw(1), &t9),
            (&b, tw(4), &t3),
        ];
        let realisations = vec![
            (&a, tw(1), Status::Diverifikasi, Some(&r5)),
            (&a, tw(2), Status::Diajukan, Some(&r6)),
            (&a, tw(3), Status::Draft, Some(&r6)),
            (&a, tw(4), Status::Dikembalikan, Some(&r6)),
            (&b, tw(2), Status::Diverifikasi, None),
            (&gone, month(3), Status::Diverifikasi, Some(&r7)),
            (&gone, tw(2), Status::Diverifikasi, Some(&r8)),
        ];
        let current =
            |k: &IndicatorKey| (k.unit.as_str() != "c").then_some(Periodisation::Triwulan);
        let year = verified_year(2026, current, targets, realisations);
        assert_eq!(year.len(), 3);
        assert_eq!(
            year[&a],
            IndicatorYear {
                targets: vec![Some(t(1.0)), None, None, None],
                realisations: vec![Some(r(5.0)), None, None, None],
            }
        );
        assert_eq!(year[&b].targets, vec![None, None, None, Some(t(3.0))]);
        assert_eq!(year[&b].realisations, vec![None; 4]);
        let mut monthly = IndicatorYear {
            targets: vec![None; 12],
            realisations: vec![None; 12],
        };
        monthly.targets[2] = Some(t(2.0));
        monthly.realisations[2] = Some(r(7.0));
        assert_eq!(year[&gone], monthly);
        // Nothing verified and no target: no entry.
        let only_drafts = verified_year(
            2026,
            |_: &IndicatorKey| Some(Periodisation::Triwulan),
            Vec::new(),
            vec![(&a, tw(1), Status::Draft, Some(&r5))],
        );
        assert!(only_drafts.is_empty());
    }

    #[test]
    fn workflow_transitions() {
        use Action::*;
        use Status::*;
        assert_eq!(next_status(Draft, Ajukan, false, true, None), Ok(Diajukan));
        assert!(next_status(Draft, Ajukan, false, false, None).is_err());
        assert_eq!(
            next_status(Diajukan, Verifikasi, false, true, None),
            Ok(Diverifikasi)
        );
        assert!(next_status(Diajukan, Kembalikan, false, true, Some("  ")).is_err());
        assert_eq!(
            next_status(Diajukan, Kembalikan, false, true, Some("bukti kurang")),
            Ok(Dikembalikan)
        );
        assert_eq!(
            next_status(Dikembalikan, Ajukan, false, true, None),
            Ok(Diajukan)
        );
        assert!(next_status(Draft, Verifikasi, false, true, None).is_err());
        assert!(next_status(Diverifikasi, Ajukan, false, true, None).is_err());
        for s in Status::ALL {
            for a in Action::ALL {
                assert!(next_status(s, a, true, true, Some("x")).is_err());
            }
        }
    }

    #[test]
    fn evidence_is_recognised_by_content() {
        assert_eq!(
            sniff_evidence(b"%PDF-1.4\n...\n%%EOF\n"),
            Ok(EvidenceKind::Pdf)
        );
        assert_eq!(
            sniff_evidence(b"\x89PNG\r\n\x1a\n....\0\0\0\0IEND\xAE\x42\x60\x82"),
            Ok(EvidenceKind::Png)
        );
        // Cut short: the format's end is missing.
        for truncated in [
            &b"%PDF-1.4\n1 0 obj << /Type /Catalog >>"[..],
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            b"\xFF\xD8\xFF\xE0\0\x10JFIF",
            b"GIF89a\x01\0\x01\0\x80\0\0",
            b"RIFF\xff\0\0\0WEBPVP8 ",
            b"PK\x03\x04[Content_Types].xml",
        ] {
            let why = sniff_evidence(truncated).expect_err("truncated");
            assert!(why.contains("terpotong"), "{why}");
        }
        assert_eq!(
            sniff_evidence(b"\xFF\xD8\xFF\xE0 data \xFF\xD9 appended"),
            Ok(EvidenceKind::Jpeg)
        );
        assert_eq!(
            sniff_evidence(b"PK\x03\x04[Content_Types].xml ... PK\x05\x06\0\0"),
            Ok(EvidenceKind::OfficeZip)
        );
        assert!(sniff_evidence(b"MZ\x90\x00 pretending to be a pdf").is_err());
        assert!(sniff_evidence(b"").is_err());
        assert!(sniff_evidence(b"PK\x03\x04 plain zip").is_err());
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\0b\".pdf"), "ab.pdf");
        assert_eq!(safe_file_name("..."), "berkas");
        assert_eq!(safe_file_name("C:\\x\\laporan.pdf"), "laporan.pdf");
    }
}
