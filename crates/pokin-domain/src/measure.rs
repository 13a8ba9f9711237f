//! The measurement cycle around the tree: reporting periods, the realisation workflow
//! (draft → diajukan → diverifikasi / dikembalikan, locked when the period closes), evidence
//! files (*bukti dukung*) recognised by their content, an organisation's measurement settings,
//! and the capaian of a whole organisation for a year or up to a quarter.
//!
//! Pure: the store keeps the values, the web decides who may do what
//! (`pokin-web/src/permission.rs`); this module decides which transitions exist at all.

use crate::capaian::{
    Capaian, Ceiling, IndicatorRule, OrganisationCapaian, PeriodEntry, Periodisation,
    PredicateBands, Realisation, YearToDate, aggregate, capaian, roll_up_organisation,
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
    Ok(kind)
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
    let realisation_at = |i: usize| data.realisations.get(i).cloned().flatten();
    let ra_at = |i: usize| data.targets.get(i).cloned().flatten();
    let has_ra = (0..count).any(|i| ra_at(i).is_some());
    let elapsed = match span {
        Span::Year => count,
        Span::UpToQuarter(q) => (usize::from(q.clamp(1, 4)) * count / 4).max(1),
    };
    if span == Span::Year && (yearly.is_some() || !has_ra) {
        let reported: Vec<Realisation> = (0..count).filter_map(realisation_at).collect();
        let unreported: Vec<usize> = (0..count)
            .filter(|i| realisation_at(*i).is_none())
            .map(|i| i + 1)
            .collect();
        let Some(target) = yearly else {
            return IndicatorMeasure {
                capaian: if reported.is_empty() {
                    Capaian::BelumDilaporkan
                } else {
                    Capaian::TidakDapatDihitung(format!("target tahun {year} belum diisi"))
                },
                target: None,
                realisation: None,
                unreported,
            };
        };
        let realisation = match aggregate_year(aggregation, &reported) {
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
        .map(|i| PeriodEntry::new(ra_at(i).or_else(|| fallback.clone()), realisation_at(i)))
        .collect();
    let ytd: YearToDate = year_to_date(&rule, aggregation, periodisation, &periods, elapsed);
    IndicatorMeasure {
        capaian: ytd.capaian,
        target: ytd.target,
        realisation: ytd.realisation,
        unreported: ytd.unreported,
    }
}

fn aggregate_year(
    aggregation: Aggregation,
    reported: &[Realisation],
) -> Result<Option<Realisation>, String> {
    let texts: Vec<&String> = reported
        .iter()
        .filter_map(|r| match r {
            Realisation::Qualitative(s) => Some(s),
            Realisation::Number(_) => None,
        })
        .collect();
    if !texts.is_empty() {
        if texts.len() < reported.len() {
            return Err("realisasi periode bercampur antara angka dan kualitatif".into());
        }
        // Qualitative values only have a last value.
        return Ok(reported.last().cloned());
    }
    let numbers: Vec<Option<f64>> = reported
        .iter()
        .map(|r| match r {
            Realisation::Number(n) => Some(*n),
            Realisation::Qualitative(_) => None,
        })
        .collect();
    aggregate(aggregation, &numbers)
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
    let mut indicators = HashMap::new();
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
        assert_eq!(sniff_evidence(b"%PDF-1.4\n..."), Ok(EvidenceKind::Pdf));
        assert_eq!(
            sniff_evidence(b"\x89PNG\r\n\x1a\n...."),
            Ok(EvidenceKind::Png)
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
