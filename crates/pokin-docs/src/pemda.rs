//! The pemda's documents: the IKU of the pemda and the cascading matrix, each as PDF (A4
//! landscape) and XLSX from one [`Matrix`], and the Perjanjian Kinerja of the head of region
//! (A4 portrait).
//!
//! The IKU follows the Lampiran of a Keputusan Kepala Daerah on IKU (Jawa Barat 2015: misi as
//! headings, then sasaran, indicator, formula, data source) with the RPJMD targets per year
//! and the perangkat daerah responsible; the cascading matrix the chain of the RPJMD cascading
//! (sasaran daerah → indikator → perangkat daerah → sasaran → indikator → program).

use crate::DocError;
use crate::matrix::{Cell, Matrix, Style};
use crate::pdf::render;
use crate::pk::{PartyView, SignatureView, template};
use pokin_domain::document::Party;
use pokin_domain::document::pemda::{Cascading, IkuPemda, PemdaHeading, PkKepalaDaerah};
use pokin_domain::{Appointment, format};
use serde::Serialize;

const PK_KEPALA_DAERAH: &str = include_str!("../templates/pk_kepala_daerah.typ");

/// The page footer's notes: what the document is, and the demo mark.
fn footer(h: &PemdaHeading, document: String) -> Vec<String> {
    let mut out = vec![document];
    if h.demo {
        out.push("DATA DEMO".into());
    }
    out
}

fn or_dash(s: Option<&str>) -> String {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("—")
        .to_string()
}

/// A full grid row from its cells, each covering `colspan` positions.
fn grid_row(cells: Vec<Cell>) -> Vec<Option<Cell>> {
    let mut out = Vec::new();
    for c in cells {
        let span = c.colspan;
        out.push(Some(c));
        out.extend((1..span).map(|_| None));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// IKU.

fn iku_matrix(iku: &IkuPemda) -> Matrix {
    let h = &iku.heading;
    let years = iku.years.len();
    let columns = 8 + years;
    let tall = |t: &str| Some(Cell::head(t).span(2, 1));
    let mut top = vec![
        tall("No"),
        tall("Tujuan / Sasaran"),
        tall("Indikator Kinerja Utama"),
        tall("Satuan"),
        tall("Kondisi Awal"),
        Some(Cell::head("Target").span(1, years)),
    ];
    top.extend((1..years).map(|_| None));
    top.extend([
        tall("Penjelasan / Formulasi"),
        tall("Sumber Data"),
        tall("Perangkat Daerah Penanggung Jawab"),
    ]);
    let mut second: Vec<Option<Cell>> = vec![None; 5];
    second.extend(iku.years.iter().map(|y| Some(Cell::head(y.to_string()))));
    second.extend([None, None, None]);

    let mut rows = Vec::new();
    let mut no = 0;
    for (m, group) in iku.misi.iter().enumerate() {
        let heading = match &group.misi {
            Some((code, statement)) => format!("MISI {} ({code}): {statement}", m + 1),
            None => "Di luar misi".to_string(),
        };
        rows.push(grid_row(vec![
            Cell::new(heading, Style::Section).span(1, columns),
        ]));
        for n in &group.nodes {
            no += 1;
            let node_key = format!("{}", n.code);
            for i in &n.indicators {
                let satuan = i.satuan.as_deref();
                let mut row = vec![
                    Cell::new(format!("{no}."), Style::Center).keyed(&node_key),
                    Cell::text(format!("{} {}: {}", n.level.label(), n.code, n.statement))
                        .keyed(&node_key),
                    Cell::text(if i.iku {
                        format!("{} (IKU)", i.name)
                    } else {
                        i.name.clone()
                    }),
                    Cell::new(or_dash(satuan), Style::Center),
                    Cell::target(i.baseline.as_ref(), satuan, i.decimals, false),
                ];
                row.extend(
                    i.targets
                        .iter()
                        .map(|t| Cell::target(t.as_ref(), satuan, i.decimals, false)),
                );
                row.extend([
                    Cell::text(or_dash(i.formula.as_deref())),
                    Cell::text(or_dash(i.data_source.as_deref())),
                    Cell::text(if i.responsible.is_empty() {
                        "Belum ada perangkat daerah".to_string()
                    } else {
                        i.responsible.join("; ")
                    }),
                ]);
                rows.push(grid_row(row));
            }
        }
    }
    let mut widths = vec![0.45, 2.6, 2.6, 0.8, 0.9];
    widths.extend(std::iter::repeat_n(0.75, years));
    widths.extend([2.2, 1.3, 1.9]);
    let mut m = Matrix {
        title: vec![
            "INDIKATOR KINERJA UTAMA".into(),
            h.name.to_uppercase(),
            format!("RPJMD {}–{}", h.rpjmd.start, h.rpjmd.end),
        ],
        widths,
        head: vec![top, second],
        rows,
        empty: "RPJMD belum memiliki indikator.".into(),
        notes: vec![
            format!("Visi: {}", h.visi),
            format!(
                "(IKU) menandai indikator kinerja utama {}; perangkat daerah penanggung jawab \
                 menurut tautan cascading yang diterima (untuk tujuan tanpa tautan langsung: \
                 perangkat daerah yang merealisasikan sasaran di bawahnya).",
                h.head_title
            ),
        ],
        footer: footer(h, format!("IKU {}", h.name)),
        sheet: "IKU".into(),
        font_size: 7.5,
        demo: h.demo,
    };
    m.merge();
    m
}

/// The IKU of the pemda as a PDF (A4 landscape).
pub fn iku_pdf(iku: &IkuPemda) -> Result<Vec<u8>, DocError> {
    iku_matrix(iku).pdf(&format!(
        "iku-pemda-{}-{}",
        iku.heading.rpjmd.start, iku.heading.rpjmd.end
    ))
}

/// The IKU of the pemda as XLSX (one sheet, the same table).
pub fn iku_xlsx(iku: &IkuPemda) -> Result<Vec<u8>, DocError> {
    crate::report_xlsx::matrix(&iku_matrix(iku))
}

// ---------------------------------------------------------------------------------------------
// Cascading.

fn cascading_matrix(c: &Cascading) -> Matrix {
    let h = &c.heading;
    let y = c.year;
    let head = grid_row(
        [
            "No".to_string(),
            "Sasaran Daerah".into(),
            "Indikator Sasaran Daerah".into(),
            format!("Target {y}"),
            "Perangkat Daerah".into(),
            "Peran".into(),
            "Sasaran Perangkat Daerah".into(),
            "Indikator Sasaran Perangkat Daerah".into(),
            format!("Target {y}"),
            "Program".into(),
        ]
        .into_iter()
        .map(Cell::head)
        .collect(),
    );
    let mut rows = Vec::new();
    let mut no = 0;
    let mut last_node = None;
    for r in &c.rows {
        if last_node != Some(&r.node.0) {
            no += 1;
            last_node = Some(&r.node.0);
        }
        let node_key = r.node.0.to_string();
        let ind_key = format!(
            "{node_key}/{}",
            r.indicator.as_ref().map_or("", |i| i.code.as_str())
        );
        let mut row = vec![
            Cell::new(format!("{no}."), Style::Center).keyed(&node_key),
            Cell::text(format!("{} {}: {}", r.level.label(), r.node.0, r.node.1)).keyed(&node_key),
        ];
        match &r.indicator {
            Some(i) => {
                let satuan = i.satuan.as_deref();
                row.push(Cell::text(format!("{} {}", i.code, i.name)).keyed(&ind_key));
                row.push(Cell::target(i.target.as_ref(), satuan, i.decimals, true).keyed(&ind_key));
            }
            None => {
                row.push(Cell::new("—", Style::Center).keyed(&ind_key));
                row.push(Cell::new("—", Style::Center).keyed(&ind_key));
            }
        }
        match &r.opd {
            None => {
                row.push(
                    Cell::new(
                        "Belum ada perangkat daerah yang merealisasikan",
                        Style::Text,
                    )
                    .span(1, 6),
                );
            }
            Some(o) => {
                let org_key = format!("{ind_key}/{}", o.organisation);
                let obj_key = format!("{org_key}/{}/{}", o.unit, o.objective.0);
                row.push(Cell::text(&o.organisation).keyed(&org_key));
                row.push(
                    Cell::new(
                        format!(
                            "{} (bobot {})",
                            o.role.label(),
                            format::number_trimmed(o.weight, 2)
                        ),
                        Style::Center,
                    )
                    .keyed(&org_key),
                );
                row.push(
                    Cell::text(format!("{}: {} {}", o.unit, o.objective.0, o.objective.1))
                        .keyed(&obj_key),
                );
                match &o.indicator {
                    Some(i) => {
                        row.push(Cell::text(format!("{} {}", i.code, i.name)));
                        row.push(Cell::target(
                            i.target.as_ref(),
                            i.satuan.as_deref(),
                            i.decimals,
                            true,
                        ));
                    }
                    None => {
                        row.push(Cell::new("—", Style::Center));
                        row.push(Cell::new("—", Style::Center));
                    }
                }
                row.push(
                    Cell::text(if o.programs.is_empty() {
                        "—".to_string()
                    } else {
                        o.programs.join("\n")
                    })
                    .keyed(&obj_key),
                );
            }
        }
        rows.push(grid_row(row));
    }
    let uncovered = c.uncovered().count();
    let mut notes = vec![format!(
        "Hanya tautan cascading yang diterima dan kedua ujungnya masih ada; {} indikator \
         sasaran daerah belum direalisasikan perangkat daerah.",
        format::number(uncovered as f64, 0)
    )];
    notes.push(format!("Visi: {}", h.visi));
    let mut m = Matrix {
        title: vec![
            "MATRIKS CASCADING KINERJA".into(),
            h.name.to_uppercase(),
            format!("RPJMD {}–{} · TAHUN {y}", h.rpjmd.start, h.rpjmd.end),
        ],
        widths: vec![0.45, 2.2, 2.0, 0.9, 1.5, 1.0, 2.2, 2.0, 0.9, 2.0],
        head: vec![head],
        rows,
        empty: "RPJMD belum memiliki sasaran daerah.".into(),
        notes,
        footer: footer(h, format!("Cascading {} {y}", h.name)),
        sheet: format!("Cascading {y}"),
        font_size: 7.5,
        demo: h.demo,
    };
    m.merge();
    m
}

/// The cascading matrix as a PDF (A4 landscape).
pub fn cascading_pdf(c: &Cascading) -> Result<Vec<u8>, DocError> {
    cascading_matrix(c).pdf(&format!("cascading-{}", c.year))
}

/// The cascading matrix as XLSX.
pub fn cascading_xlsx(c: &Cascading) -> Result<Vec<u8>, DocError> {
    crate::report_xlsx::matrix(&cascading_matrix(c))
}

// ---------------------------------------------------------------------------------------------
// Perjanjian Kinerja of the head of region.

#[derive(Serialize)]
struct PkRow {
    objective: Option<(String, String, usize)>,
    indicator: String,
    target: String,
}

#[derive(Serialize)]
struct PkView {
    title: Vec<String>,
    head: PartyView,
    visi: String,
    lampiran_title: Vec<String>,
    rows: Vec<PkRow>,
    sign: SignatureView,
    footer: Vec<String>,
}

/// The Perjanjian Kinerja of the head of region as a PDF (A4 portrait): the statement signed by
/// the head, then the Lampiran with the IKU and their targets of the year, signed again.
pub fn pk_kepala_daerah_pdf(pk: &PkKepalaDaerah) -> Result<Vec<u8>, DocError> {
    let h = &pk.heading;
    let party = Party {
        name: pk.head_name.clone(),
        position: h.head_title.clone(),
        pangkat: None,
        golongan: None,
        nip: None,
        appointment: Appointment::Definitif,
    };
    let subject = h.head_title.to_uppercase();
    let mut rows = Vec::new();
    for (n, o) in pk.objectives.iter().enumerate() {
        let mut cell = Some((
            format!("{}.", n + 1),
            o.statement.clone(),
            o.indicators.len().max(1),
        ));
        for i in &o.indicators {
            rows.push(PkRow {
                objective: cell.take(),
                indicator: i.name.clone(),
                target: crate::pk::breakable(i.target_text().replacen("Rp ", "Rp\u{A0}", 1)),
            });
        }
    }
    let place_date = if pk.place.trim().is_empty() {
        format::date(pk.signed_on)
    } else {
        format!("{}, {}", pk.place.trim(), format::date(pk.signed_on))
    };
    let foot = footer(
        h,
        format!("Perjanjian Kinerja {} Tahun {}", h.head_title, pk.year),
    );
    let view = PkView {
        title: vec![
            format!("PERJANJIAN KINERJA TAHUN {}", pk.year),
            subject.clone(),
        ],
        head: PartyView::new(&party),
        visi: h.visi.clone(),
        lampiran_title: vec![
            "LAMPIRAN PERJANJIAN KINERJA".into(),
            format!("{subject} TAHUN {}", pk.year),
        ],
        rows,
        sign: SignatureView::new(Some(place_date), vec![subject], &party),
        footer: foot,
    };
    render(
        &template(PK_KEPALA_DAERAH),
        &view,
        vec![],
        &format!("pk-kepala-daerah-{}", pk.year),
    )
}
