//! The LKjIP Bab III (Akuntabilitas Kinerja) tables as PDF.
//!
//! [`pdf`] lays out, on A4 landscape: Tabel 3.1 (capaian per objective and indicator, grouped
//! by unit, with the two previous years' realisations and the Renstra end target), Tabel 3.2
//! (pagu, realisasi and serapan of the programs), Tabel 3.3 (capaian against serapan per
//! objective) and the narratives (faktor pendorong, kendala, solusi). Every string is prepared
//! here with [`pokin_domain::format`]; the template only lays it out.

use crate::DocError;
use crate::pdf::render;
use crate::pk::{breakable, template};
use pokin_domain::capaian::{Capaian, Realisation};
use pokin_domain::document::{Lkjip, LkjipIndicator};
use pokin_domain::format;
use pokin_domain::program::ProgramLevel;
use serde::Serialize;

const LKJIP: &str = include_str!("../templates/lkjip.typ");

#[derive(Debug, Serialize)]
struct Cell {
    no: String,
    text: String,
    span: usize,
}

#[derive(Debug, Serialize)]
struct Row {
    /// A unit heading row (then the other fields are empty).
    unit: Option<String>,
    objective: Option<Cell>,
    cells: Vec<String>,
}

#[derive(Debug, Serialize)]
struct BudgetRow {
    code: String,
    name: String,
    /// 0 program, 1 kegiatan, 2 sub kegiatan.
    depth: u8,
    bold: bool,
    pagu: String,
    realised: String,
    absorption: String,
}

#[derive(Debug, Serialize)]
struct EfficiencyRow {
    statement: String,
    unit: String,
    capaian: String,
    absorption: String,
    difference: String,
    remark: String,
}

#[derive(Debug, Serialize)]
struct Narrative {
    heading: String,
    items: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
struct View {
    heading: String,
    subtitle: String,
    overall: String,
    table1_title: String,
    table1_head: Vec<String>,
    rows: Vec<Row>,
    table2_title: String,
    budget: Vec<BudgetRow>,
    budget_total: [String; 3],
    table3_title: String,
    efficiency: Vec<EfficiencyRow>,
    narratives: Vec<Narrative>,
    footer: Vec<String>,
}

fn realisation_text(r: Option<&Realisation>, decimals: Option<u8>) -> String {
    match r {
        Some(Realisation::Number(v)) => {
            breakable(format::number_trimmed(*v, decimals.unwrap_or(2)))
        }
        Some(Realisation::Qualitative(s)) => s.clone(),
        None => "—".into(),
    }
}

/// A capaian as the domain prints it (`80,00%`, `belum dilaporkan`); "tidak dapat dihitung:
/// <why>" is kept whole, the reason is what a reader needs.
fn capaian_text(c: &Capaian) -> String {
    c.to_string()
}

fn percent(v: Option<f64>) -> String {
    v.map(|v| format::number(v, 2))
        .unwrap_or_else(|| "—".into())
}

fn indicator_cells(i: &LkjipIndicator) -> Vec<String> {
    let target = |t: Option<&pokin_domain::TargetValue>| {
        t.map(|t| breakable(format::target(t, None, i.decimals)))
            .unwrap_or_else(|| "—".into())
    };
    vec![
        i.name.clone(),
        i.satuan.clone().unwrap_or_else(|| "—".into()),
        realisation_text(i.previous[0].as_ref(), i.decimals),
        realisation_text(i.previous[1].as_ref(), i.decimals),
        target(i.target.as_ref()),
        realisation_text(i.realisation.as_ref(), i.decimals),
        capaian_text(&i.capaian),
        i.predicate.clone().unwrap_or_else(|| "—".into()),
        target(i.renstra_end.as_ref().map(|(_, t)| t)),
        capaian_text(&i.capaian_renstra),
    ]
}

fn overall_sentence(l: &Lkjip) -> String {
    match &l.overall {
        Capaian::Persen(_) | Capaian::Melampaui => format!(
            "Secara keseluruhan, capaian kinerja {} tahun {} adalah {}.",
            l.organisation, l.year, l.overall
        ),
        Capaian::BelumDilaporkan => format!(
            "Capaian kinerja {} tahun {} belum dapat dihitung karena realisasi belum dilaporkan.",
            l.organisation, l.year
        ),
        Capaian::TidakDapatDihitung(why) => format!(
            "Capaian kinerja {} tahun {} tidak dapat dihitung: {why}.",
            l.organisation, l.year
        ),
    }
}

/// The LKjIP Bab III as a PDF (A4 landscape).
pub fn pdf(l: &Lkjip) -> Result<Vec<u8>, DocError> {
    let y = l.year;
    let end = l
        .objectives
        .iter()
        .flat_map(|o| &o.indicators)
        .find_map(|i| i.renstra_end.as_ref().map(|(e, _)| *e));
    let end_label = end.map(|e| format!(" ({e})")).unwrap_or_default();
    let table1_head = vec![
        "No".to_string(),
        "Sasaran".into(),
        "Indikator".into(),
        "Satuan".into(),
        format!("Realisasi {}", y - 2),
        format!("Realisasi {}", y - 1),
        format!("Target {y}"),
        format!("Realisasi {y}"),
        "Capaian (%)".into(),
        "Predikat".into(),
        format!("Target Akhir Renstra{end_label}"),
        "Capaian thd Renstra".into(),
    ];

    let mut rows = Vec::new();
    let mut current_unit = None;
    let mut no = 0;
    for o in &l.objectives {
        if current_unit != Some(&o.unit) {
            current_unit = Some(&o.unit);
            rows.push(Row {
                unit: Some(o.unit_name.clone()),
                objective: None,
                cells: Vec::new(),
            });
        }
        no += 1;
        let mut cell = Some(Cell {
            no: format!("{no}."),
            text: o.statement.clone(),
            span: o.indicators.len().max(1),
        });
        if o.indicators.is_empty() {
            rows.push(Row {
                unit: None,
                objective: cell.take(),
                cells: std::iter::once("Belum ada indikator".to_string())
                    .chain(std::iter::repeat_n("—".to_string(), 9))
                    .collect(),
            });
        }
        for i in &o.indicators {
            rows.push(Row {
                unit: None,
                objective: cell.take(),
                cells: indicator_cells(i),
            });
        }
    }

    let budget = l
        .budget
        .iter()
        .map(|b| BudgetRow {
            code: b.code.clone(),
            name: b.name.clone(),
            depth: match b.level {
                ProgramLevel::Program => 0,
                ProgramLevel::Kegiatan => 1,
                ProgramLevel::SubKegiatan => 2,
            },
            bold: b.level == ProgramLevel::Program,
            pagu: b.pagu.map(format::rupiah).unwrap_or_else(|| "—".into()),
            realised: b.realised.map(format::rupiah).unwrap_or_else(|| "—".into()),
            absorption: percent(b.absorption),
        })
        .collect();
    let (pagu, realised, absorption) = l.budget_total();

    let efficiency = l
        .efficiency
        .iter()
        .map(|e| EfficiencyRow {
            statement: e.statement.clone(),
            unit: e.unit_name.clone(),
            capaian: percent(e.capaian),
            absorption: percent(e.absorption),
            difference: percent(e.difference),
            remark: match e.difference {
                Some(d) if d >= 0.0 => "Efisien".into(),
                Some(_) => "Kurang efisien".into(),
                None => "Tidak dapat dibandingkan".into(),
            },
        })
        .collect();

    let narratives = l
        .narratives
        .iter()
        .map(|n| Narrative {
            heading: format!("{} ({}, {})", n.indicator, n.unit_name, n.period),
            items: [
                ("Faktor pendorong", &n.pendorong),
                ("Kendala", &n.kendala),
                ("Solusi / tindak lanjut", &n.solusi),
            ]
            .into_iter()
            .filter_map(|(label, v)| {
                v.as_ref()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| (label.to_string(), s.clone()))
            })
            .collect(),
        })
        .collect();

    let mut footer = vec![format!("LKjIP {} Tahun {y}", l.organisation)];
    if l.demo {
        footer.push("DATA DEMO".into());
    }
    let view = View {
        heading: "BAB III AKUNTABILITAS KINERJA".into(),
        subtitle: if l.region.trim().is_empty() {
            format!("{} Tahun {y}", l.organisation)
        } else {
            format!("{} {} Tahun {y}", l.organisation, l.region.trim())
        },
        overall: overall_sentence(l),
        table1_title: format!("Tabel 3.1 Capaian Kinerja Tahun {y}"),
        table1_head,
        rows,
        table2_title: format!("Tabel 3.2 Realisasi Anggaran Tahun {y}"),
        budget,
        budget_total: [
            format::rupiah(pagu),
            format::rupiah(realised),
            percent(absorption),
        ],
        table3_title: format!("Tabel 3.3 Efisiensi Penggunaan Sumber Daya Tahun {y}"),
        efficiency,
        narratives,
        footer,
    };
    render(
        &template(LKJIP),
        &view,
        vec![],
        &format!("lkjip-{}-{y}", l.organisation),
    )
}
