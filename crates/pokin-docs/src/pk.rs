//! The Perjanjian Kinerja (PermenPAN-RB 53/2014) and its Rencana Aksi as PDF.
//!
//! [`pdf`] lays out the agreement on A4 portrait: the title block, the statement with both
//! parties, the signatures, and the Lampiran with the targets (`No | Sasaran | Indikator
//! Kinerja | Target`) and the budget (`No | Program/Kegiatan | Anggaran | Ket`, with the total).
//! [`rencana_aksi_pdf`] lays out the quarterly (or monthly) targets of every indicator on A4
//! landscape. Every string is prepared here with [`pokin_domain::format`]; the Typst templates
//! only lay it out.

use crate::DocError;
use crate::pdf::render;
use pokin_domain::Appointment;
use pokin_domain::capaian::Periodisation;
use pokin_domain::document::{Party, PerjanjianKinerja, PkIndicator};
use pokin_domain::format;
use pokin_domain::program::ProgramLevel;
use serde::Serialize;

pub(crate) const COMMON: &str = include_str!("../templates/common.typ");
const PK: &str = include_str!("../templates/pk.typ");
const RENCANA_AKSI: &str = include_str!("../templates/rencana_aksi.typ");

/// A template with the shared definitions in front of it.
pub(crate) fn template(body: &str) -> String {
    format!("{COMMON}\n{body}")
}

/// A number or value that may sit in a narrow cell: a zero-width space after each thousands
/// dot of a long one, so that it can wrap instead of overflowing.
pub(crate) fn breakable(s: String) -> String {
    if s.chars().count() <= 9 {
        return s;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if *c == '.' && between_digits {
            out.push('\u{200B}');
        }
    }
    out
}

/// A party as a signature block and statement line show it.
#[derive(Debug, Serialize)]
pub(crate) struct PartyView {
    /// `None` when nobody holds the position (a dotted line is printed).
    name: Option<String>,
    position: String,
    /// `Pembina Utama Muda (IV/c)`.
    rank: Option<String>,
    nip: Option<String>,
}

impl PartyView {
    pub(crate) fn new(p: &Party) -> Self {
        let rank = match (&p.pangkat, &p.golongan) {
            (Some(p), Some(g)) => Some(format!("{p} ({g})")),
            (Some(p), None) => Some(p.clone()),
            (None, Some(g)) => Some(g.clone()),
            (None, None) => None,
        };
        PartyView {
            name: Some(p.name.trim().to_string()).filter(|n| !n.is_empty()),
            position: p.position.clone(),
            rank,
            nip: p.nip.clone(),
        }
    }
}

/// One signature block: the line above (place and date), the heading lines, the party.
#[derive(Debug, Serialize)]
pub(crate) struct SignatureView {
    top: Option<String>,
    heads: Vec<String>,
    party: PartyView,
}

impl SignatureView {
    pub(crate) fn new(top: Option<String>, heads: Vec<String>, party: &Party) -> Self {
        SignatureView {
            top,
            heads,
            party: PartyView::new(party),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct SignaturePair {
    left: Option<SignatureView>,
    right: Option<SignatureView>,
}

#[derive(Debug, Serialize)]
struct ObjectiveCell {
    no: String,
    text: String,
    span: usize,
}

#[derive(Debug, Serialize)]
struct TargetRow {
    /// Present on the first row of each objective.
    objective: Option<ObjectiveCell>,
    indicator: Option<String>,
    target: Option<String>,
}

#[derive(Debug, Serialize)]
struct BudgetRow {
    no: String,
    code: String,
    name: String,
    amount: String,
}

#[derive(Debug, Serialize)]
struct PkView {
    title: Vec<String>,
    amendment: Option<String>,
    first: PartyView,
    second: PartyView,
    sign1: SignaturePair,
    lampiran_title: Vec<String>,
    rows: Vec<TargetRow>,
    budget_header: String,
    budget: Vec<BudgetRow>,
    budget_total: String,
    footer: Vec<String>,
    sign2: SignaturePair,
}

/// The position without `Plt.` / `Plh.` in front: what the unit's head is called.
fn bare_position(p: &Party) -> String {
    let pos = p.position.trim();
    match p.appointment {
        Appointment::Definitif => pos.to_string(),
        a => pos
            .strip_prefix(a.label())
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| pos.to_string()),
    }
}

/// The words naming whose agreement this is: the position, the agency (unless the position
/// already names it) and the region, upper case.
fn subject_lines(pk: &PerjanjianKinerja) -> Vec<String> {
    let position = bare_position(&pk.first);
    let mut out = vec![position.to_uppercase()];
    let org = pk.organisation.trim();
    if !org.is_empty() && !position.to_lowercase().contains(&org.to_lowercase()) {
        out.push(org.to_uppercase());
    }
    if !pk.region.trim().is_empty() {
        out.push(pk.region.trim().to_uppercase());
    }
    out
}

fn footer_notes(pk: &PerjanjianKinerja, document: &str) -> Vec<String> {
    let mut out = vec![format!("{document} {} Tahun {}", pk.unit_name, pk.year)];
    if pk.version == 0 {
        out.push("DRAF — belum ditetapkan".into());
    } else {
        out.push(format!("Versi {}", pk.version));
    }
    if pk.demo {
        out.push("DATA DEMO".into());
    }
    out
}

fn place_date(pk: &PerjanjianKinerja) -> String {
    let place = pk.place.trim();
    if place.is_empty() {
        format::date(pk.signed_on)
    } else {
        format!("{place}, {}", format::date(pk.signed_on))
    }
}

fn amendment_line(pk: &PerjanjianKinerja) -> Option<String> {
    pk.amendment.as_ref().map(|a| {
        let n = pk.version.saturating_sub(1);
        let head = if n == 0 {
            "Perubahan".to_string()
        } else {
            format!("Perubahan ke-{n}")
        };
        let note = a.note.trim();
        if note.is_empty() {
            format!("{head}: {}", a.reason.label())
        } else {
            format!("{head}: {} — {note}", a.reason.label())
        }
    })
}

/// The header of the budget column: the levels present, `Program/Kegiatan`.
fn budget_header(pk: &PerjanjianKinerja) -> String {
    let levels: Vec<&str> = ProgramLevel::ALL
        .into_iter()
        .filter(|l| pk.budget.iter().any(|b| b.level == *l))
        .map(|l| l.label())
        .collect();
    if levels.is_empty() {
        "Program/Kegiatan/Sub Kegiatan".into()
    } else {
        levels.join("/")
    }
}

/// The Perjanjian Kinerja as a PDF (A4 portrait): the statement and signatures, then the
/// Lampiran with the targets, the budget and the signatures again.
pub fn pdf(pk: &PerjanjianKinerja) -> Result<Vec<u8>, DocError> {
    let mut title = vec![format!("PERJANJIAN KINERJA TAHUN {}", pk.year)];
    title.extend(subject_lines(pk));
    let mut lampiran_title = vec!["LAMPIRAN PERJANJIAN KINERJA".to_string()];
    lampiran_title.push(format!("{} TAHUN {}", subject_lines(pk).join(" "), pk.year));

    let mut rows = Vec::new();
    for (n, o) in pk.objectives.iter().enumerate() {
        let cell = ObjectiveCell {
            no: format!("{}.", n + 1),
            text: o.statement.clone(),
            span: o.indicators.len().max(1),
        };
        if o.indicators.is_empty() {
            rows.push(TargetRow {
                objective: Some(cell),
                indicator: Some("—".into()),
                target: Some("—".into()),
            });
            continue;
        }
        let mut cell = Some(cell);
        for i in &o.indicators {
            rows.push(TargetRow {
                objective: cell.take(),
                indicator: Some(i.name.clone()),
                target: Some(target_cell(i.target_text())),
            });
        }
    }
    let budget = pk
        .budget
        .iter()
        .enumerate()
        .map(|(n, b)| BudgetRow {
            no: format!("{}.", n + 1),
            code: b.code.clone(),
            name: b.name.clone(),
            amount: b.amount.map(format::rupiah).unwrap_or_else(|| "—".into()),
        })
        .collect();

    let first_heads = |formal: bool| {
        if formal {
            vec![signing_position(&pk.first)]
        } else {
            vec!["PIHAK PERTAMA,".to_string()]
        }
    };
    let second_heads = |formal: bool| {
        if formal {
            vec!["Menyetujui,".to_string(), pk.second.position.to_uppercase()]
        } else {
            vec!["PIHAK KEDUA,".to_string()]
        }
    };
    let pair = |formal: bool| SignaturePair {
        left: Some(SignatureView::new(None, second_heads(formal), &pk.second)),
        right: Some(SignatureView::new(
            Some(place_date(pk)),
            first_heads(formal),
            &pk.first,
        )),
    };
    let view = PkView {
        title,
        amendment: amendment_line(pk),
        first: PartyView::new(&pk.first),
        second: PartyView::new(&pk.second),
        sign1: pair(false),
        lampiran_title,
        rows,
        budget_header: budget_header(pk),
        budget,
        budget_total: format::rupiah(pk.budget_total()),
        footer: footer_notes(pk, "Perjanjian Kinerja"),
        sign2: pair(true),
    };
    render(
        &template(PK),
        &view,
        vec![],
        &format!("pk-{}-{}-{}", pk.unit, pk.year, pk.version),
    )
}

/// The position as a signature block heads it, upper case: `KEPALA BIDANG …`, with `Plt.` /
/// `Plh.` kept as written in front where the holder acts.
fn signing_position(p: &Party) -> String {
    match p.appointment {
        Appointment::Definitif => p.position.trim().to_uppercase(),
        a => format!("{} {}", a.label(), bare_position(p).to_uppercase()),
    }
}

/// A target for a table cell: `Rp` kept with its number, long numbers allowed to wrap.
fn target_cell(s: String) -> String {
    breakable(s.replacen("Rp ", "Rp\u{A0}", 1))
}

#[derive(Debug, Serialize)]
struct RaRow {
    objective: Option<ObjectiveCell>,
    indicator: String,
    target: String,
    periods: Vec<String>,
}

#[derive(Debug, Serialize)]
struct RaTable {
    /// `Target Triwulan` / `Target Bulan`.
    group: String,
    periods: Vec<String>,
    rows: Vec<RaRow>,
}

#[derive(Debug, Serialize)]
struct RaView {
    title: Vec<String>,
    amendment: Option<String>,
    year_header: String,
    tables: Vec<RaTable>,
    sign: SignaturePair,
    footer: Vec<String>,
}

const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];

fn ra_table(pk: &PerjanjianKinerja, periodisation: Periodisation) -> Option<RaTable> {
    let mut rows = Vec::new();
    let mut no = 0;
    for o in &pk.objectives {
        let mine: Vec<&PkIndicator> = o
            .indicators
            .iter()
            .filter(|i| i.periodisation == periodisation)
            .collect();
        if mine.is_empty() {
            continue;
        }
        no += 1;
        let mut cell = Some(ObjectiveCell {
            no: format!("{no}."),
            text: o.statement.clone(),
            span: mine.len(),
        });
        for i in mine {
            rows.push(RaRow {
                objective: cell.take(),
                indicator: i.name.clone(),
                target: target_cell(i.target_text()),
                periods: (0..periodisation.count())
                    .map(|k| breakable(i.period_text(k)))
                    .collect(),
            });
        }
    }
    if rows.is_empty() {
        return None;
    }
    let (group, periods) = match periodisation {
        Periodisation::Triwulan => (
            "Target Triwulan".to_string(),
            ["TW I", "TW II", "TW III", "TW IV"]
                .map(String::from)
                .to_vec(),
        ),
        Periodisation::Bulanan => (
            "Target Bulan".to_string(),
            MONTHS_SHORT.map(String::from).to_vec(),
        ),
    };
    Some(RaTable {
        group,
        periods,
        rows,
    })
}

/// The Rencana Aksi of a Perjanjian Kinerja as a PDF (A4 landscape): every indicator with its
/// year target and its quarterly targets (monthly indicators in a table of their own), signed by
/// Pihak Pertama.
pub fn rencana_aksi_pdf(pk: &PerjanjianKinerja) -> Result<Vec<u8>, DocError> {
    let subject = subject_lines(pk);
    let mut title = vec!["RENCANA AKSI ATAS PERJANJIAN KINERJA".to_string()];
    title.push(format!("{} TAHUN {}", subject.join(" "), pk.year));
    let tables: Vec<RaTable> = [Periodisation::Triwulan, Periodisation::Bulanan]
        .into_iter()
        .filter_map(|p| ra_table(pk, p))
        .collect();
    let view = RaView {
        title,
        amendment: amendment_line(pk),
        year_header: format!("Target Tahun {}", pk.year),
        tables,
        sign: SignaturePair {
            left: None,
            right: Some(SignatureView::new(
                Some(place_date(pk)),
                vec![signing_position(&pk.first)],
                &pk.first,
            )),
        },
        footer: footer_notes(pk, "Rencana Aksi"),
    };
    render(
        &template(RENCANA_AKSI),
        &view,
        vec![],
        &format!("rencana-aksi-{}-{}-{}", pk.unit, pk.year, pk.version),
    )
}

#[cfg(test)]
mod tests {
    use super::breakable;

    #[test]
    fn long_numbers_get_break_opportunities_between_thousands() {
        assert_eq!(breakable("85,5".into()), "85,5");
        assert_eq!(
            breakable("1.250.000.000".into()),
            "1.\u{200B}250.\u{200B}000.\u{200B}000"
        );
        assert_eq!(breakable("Catatan. Sesuatu".into()), "Catatan. Sesuatu");
    }
}
