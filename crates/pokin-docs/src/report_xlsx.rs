//! XLSX reports built from the domain's document values: the Evaluasi Hasil Renja
//! (Permendagri 86/2017) with live formulas for columns 13–15, the LKjIP Bab III tables and
//! the Rencana Aksi of a Perjanjian Kinerja.
//!
//! Every number is written as a number with an Excel number format (`#,##0`, `#,##0.00`;
//! Excel shows the separators of the reader's locale), every missing value as a blank cell.
//! Formula cells carry their cached result, so readers that do not recalculate (calamine,
//! previewers) show the same values as Excel.

use crate::DocError;
use crate::matrix::{self, Matrix};
use pokin_domain::TargetValue;
use pokin_domain::capaian::{Capaian, Periodisation, Realisation};
use pokin_domain::document::{Lkjip, PerjanjianKinerja, PkIndicator, Renja, RenjaRow};
use pokin_domain::format;
use pokin_domain::program::{ProgramLevel, absorption};
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};

/// Excel number format of the budget (Rp) columns.
const RP: &str = "#,##0";
/// Excel number format of the performance (K) and percentage columns.
const K: &str = "#,##0.00";
/// Excel accepts at most 255 arguments in one function call.
const MAX_ARGS: usize = 255;
/// A4 in Excel's paper size numbering.
const A4: u8 = 9;

fn xlsx_error(e: XlsxError) -> DocError {
    DocError(format!("XLSX: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Shared styles and cell writers.

struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    column_number: Format,
    text: Format,
    text_center: Format,
    k: Format,
    rp: Format,
    formula_k: Format,
    formula_rp: Format,
    total_label: Format,
    total_rp: Format,
    total_k: Format,
    note: Format,
    section: Format,
}

impl Styles {
    fn new() -> Styles {
        let bordered = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top)
            .set_text_wrap();
        let formula_fill = Color::RGB(0xF2F2F2);
        let total_fill = Color::RGB(0xE2EFDA);
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xD9E1F2)),
            column_number: Format::new()
                .set_italic()
                .set_font_size(9)
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xEDEDED)),
            text: bordered.clone(),
            text_center: bordered.clone().set_align(FormatAlign::Center),
            k: bordered.clone().set_num_format(K),
            rp: bordered.clone().set_num_format(RP),
            formula_k: bordered
                .clone()
                .set_num_format(K)
                .set_background_color(formula_fill),
            formula_rp: bordered
                .clone()
                .set_num_format(RP)
                .set_background_color(formula_fill),
            total_label: bordered.clone().set_bold().set_background_color(total_fill),
            total_rp: bordered
                .clone()
                .set_bold()
                .set_num_format(RP)
                .set_background_color(total_fill),
            total_k: bordered
                .clone()
                .set_bold()
                .set_num_format(K)
                .set_background_color(total_fill),
            note: Format::new()
                .set_italic()
                .set_font_size(9)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            section: Format::new().set_bold().set_font_size(11),
        }
    }

    /// The bordered text format indented by the budget item's level (programs in bold).
    fn program(&self, level: ProgramLevel) -> Format {
        match level {
            ProgramLevel::Program => self.text.clone().set_bold(),
            ProgramLevel::Kegiatan => self.text.clone().set_indent(1),
            ProgramLevel::SubKegiatan => self.text.clone().set_indent(2),
        }
    }
}

/// A document title, with the demo mark when the data is not real.
fn title(text: &str, demo: bool) -> String {
    if demo {
        format!("{text} (DATA DEMO)")
    } else {
        text.to_string()
    }
}

/// Title lines merged over columns `0..=last_col`, from row 0; returns the next free row.
fn title_rows(
    ws: &mut Worksheet,
    lines: &[&str],
    last_col: u16,
    st: &Styles,
) -> Result<u32, XlsxError> {
    for (i, line) in lines.iter().enumerate() {
        let row = i as u32;
        let f = if i == 0 { &st.title } else { &st.subtitle };
        ws.merge_range(row, 0, row, last_col, line, f)?;
        ws.set_row_height(row, if i == 0 { 22 } else { 18 })?;
    }
    Ok(lines.len() as u32)
}

fn text_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: Option<&str>,
    f: &Format,
) -> Result<(), XlsxError> {
    match text.filter(|t| !t.trim().is_empty()) {
        Some(t) => ws.write_string_with_format(row, col, t, f)?,
        None => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

fn number_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    f: &Format,
) -> Result<(), XlsxError> {
    match v.filter(|v| v.is_finite()) {
        Some(v) => ws.write_number_with_format(row, col, v, f)?,
        None => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

/// A formula with its cached result (`None`: the formula's empty text).
fn formula_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    formula: &str,
    cached: Option<f64>,
    f: &Format,
) -> Result<(), XlsxError> {
    let result = cached
        .filter(|v| v.is_finite())
        .map(|v| v.to_string())
        .unwrap_or_default();
    ws.write_formula_with_format(row, col, Formula::new(formula).set_result(result), f)?;
    Ok(())
}

/// The Excel number format for a value of an indicator: its decimals when set, else none for
/// whole numbers and two otherwise; rupiah without decimals.
fn value_format(decimals: Option<u8>, v: f64, satuan: Option<&str>) -> String {
    if satuan == Some("Rp") {
        return RP.into();
    }
    let d = decimals
        .unwrap_or(if v.fract() == 0.0 { 0 } else { 2 })
        .min(6);
    if d == 0 {
        RP.into()
    } else {
        format!("#,##0.{}", "0".repeat(usize::from(d)))
    }
}

/// A target: a number as a number, a range or a qualitative target as its text.
fn target_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    t: Option<&TargetValue>,
    satuan: Option<&str>,
    decimals: Option<u8>,
    st: &Styles,
) -> Result<(), XlsxError> {
    match t {
        Some(TargetValue::Number(v)) if v.is_finite() => {
            let f = st
                .text
                .clone()
                .set_num_format(value_format(decimals, *v, satuan));
            ws.write_number_with_format(row, col, *v, &f)?;
        }
        Some(t) => {
            let text = format::target(t, None, decimals);
            ws.write_string_with_format(row, col, &text, &st.text_center)?;
        }
        None => {
            ws.write_blank(row, col, &st.text)?;
        }
    }
    Ok(())
}

/// A realisation: a number as a number, a qualitative value as its text.
fn realisation_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    r: Option<&Realisation>,
    satuan: Option<&str>,
    decimals: Option<u8>,
    st: &Styles,
) -> Result<(), XlsxError> {
    match r {
        Some(Realisation::Number(v)) if v.is_finite() => {
            let f = st
                .text
                .clone()
                .set_num_format(value_format(decimals, *v, satuan));
            ws.write_number_with_format(row, col, *v, &f)?;
        }
        Some(Realisation::Qualitative(s)) => {
            ws.write_string_with_format(row, col, s, &st.text_center)?;
        }
        _ => {
            ws.write_blank(row, col, &st.text)?;
        }
    }
    Ok(())
}

/// A capaian: the percentage (as displayed, two decimals) as a number, otherwise its text
/// (`melampaui target`, `belum dilaporkan`, `tidak dapat dihitung: …`).
fn capaian_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    c: &Capaian,
    st: &Styles,
) -> Result<(), XlsxError> {
    match c {
        Capaian::Persen(p) => {
            ws.write_number_with_format(row, col, p.displayed(), &st.k)?;
        }
        other => {
            ws.write_string_with_format(row, col, other.to_string(), &st.text_center)?;
        }
    }
    Ok(())
}

/// `SUM(a,b,…)` split into sums of at most 255 arguments, added together.
fn sum_of(cells: &[String]) -> String {
    cells
        .chunks(MAX_ARGS)
        .map(|c| format!("SUM({})", c.join(",")))
        .collect::<Vec<_>>()
        .join("+")
}

/// The sum of the values given, `None` when none is.
fn sum_present(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    values
        .into_iter()
        .flatten()
        .fold(None, |a, v| Some(a.unwrap_or(0.0) + v))
}

/// `part / whole × 100`, `None` when either is missing or `whole` is zero (as the
/// `IF(OR(whole=0,part=""),"",…)` formulas do).
fn percent_of(part: Option<f64>, whole: Option<f64>) -> Option<f64> {
    match (part, whole) {
        (Some(p), Some(w)) if w != 0.0 => Some(p / w * 100.0),
        _ => None,
    }
}

/// `=IF(COUNT(cells)=0,"",SUM(cells))`: the sum, or empty when every input is empty.
fn guarded_sum(cells: &[String]) -> String {
    let list = cells.join(",");
    format!("=IF(COUNT({list})=0,\"\",SUM({list}))")
}

/// `=IF(OR(whole=0,part=""),"",part/whole*100)`.
fn guarded_percent(part: &str, whole: &str) -> String {
    format!("=IF(OR({whole}=0,{part}=\"\"),\"\",{part}/{whole}*100)")
}

/// A worksheet whose formulas without a cached result show empty, not 0, until recalculated.
fn new_sheet() -> Worksheet {
    let mut ws = Worksheet::new();
    ws.set_formula_result_default("");
    ws
}

fn finish(mut wb: Workbook, title: &str) -> Result<Vec<u8>, DocError> {
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("Pokin")
            .set_comment("Dibuat oleh Pokin"),
    );
    wb.save_to_buffer().map_err(xlsx_error)
}

fn landscape(ws: &mut Worksheet) {
    ws.set_landscape()
        .set_paper_size(A4)
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
        .set_footer("&LDicetak dari Pokin&RHalaman &P dari &N");
}

// ---------------------------------------------------------------------------------------------
// Evaluasi Hasil Renja.

/// Column of the K value of report column `n` (6–15); its Rp value is the next column.
const fn k_col(n: u16) -> u16 {
    5 + (n - 6) * 2
}
const RENJA_LAST_COL: u16 = k_col(15) + 1;
/// First header row (0-based), after the title lines and one empty row.
const RENJA_HEADER: u32 = 5;
/// First data row (0-based): two header rows, the column numbers, K / Rp.
const RENJA_DATA: u32 = RENJA_HEADER + 4;

/// The Evaluasi Terhadap Hasil Renja Perangkat Daerah (Permendagri 86/2017) as an XLSX
/// workbook with one sheet, "Evaluasi Renja": columns 1–15 with the K / Rp split; columns 13
/// (= 9 + 10 + 11 + 12), 14 (= 7 + 13) and 15 (= 14 / 6 × 100) are live formulas with cached
/// results; a totals row sums the Rp columns over program rows only (kegiatan and sub
/// kegiatan are part of their program's budget), said in a footnote.
pub fn renja(r: &Renja) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let mut ws = new_sheet();
    write_renja(&mut ws, r).map_err(xlsx_error)?;
    wb.push_worksheet(ws);
    finish(
        wb,
        &format!("Evaluasi Hasil Renja {} Tahun {}", r.organisation, r.year),
    )
}

fn write_renja(ws: &mut Worksheet, r: &Renja) -> Result<(), XlsxError> {
    let st = Styles::new();
    ws.set_name("Evaluasi Renja")?;
    let head = title("Evaluasi Terhadap Hasil Renja Perangkat Daerah", r.demo);
    let year_line = format!("Tahun {}", r.year);
    title_rows(
        ws,
        &[&head, &r.organisation, &r.region, &year_line],
        RENJA_LAST_COL,
        &st,
    )?;

    // Headers, as in the Permendagri 86/2017 layout.
    let h = RENJA_HEADER;
    let end = match r.renstra_end {
        Some(y) => format!("s.d. Tahun {y} (Akhir Periode Renstra Perangkat Daerah)"),
        None => "pada Akhir Periode Renstra Perangkat Daerah".into(),
    };
    let fixed = [
        "No",
        "Sasaran",
        "Program/Kegiatan/Sub Kegiatan",
        "Indikator Kinerja Program (Outcome)/Kegiatan (Output)",
        "Satuan",
    ];
    for (c, text) in fixed.iter().enumerate() {
        let c = c as u16;
        ws.merge_range(h, c, h + 1, c, text, &st.header)?;
        ws.write_string_with_format(h + 2, c, (c + 1).to_string(), &st.column_number)?;
        ws.write_blank(h + 3, c, &st.column_number)?;
    }
    let spanning = [
        (6, format!("Target Renstra Perangkat Daerah {end}")),
        (
            7,
            format!(
                "Realisasi Capaian Kinerja Renstra Perangkat Daerah s.d. Renja Perangkat Daerah Tahun {}",
                r.year - 1
            ),
        ),
        (
            8,
            format!(
                "Target Kinerja dan Anggaran Renja Perangkat Daerah Tahun Berjalan (Tahun {}) yang Dievaluasi",
                r.year
            ),
        ),
        (
            13,
            format!(
                "Realisasi Capaian Kinerja dan Anggaran Renja Perangkat Daerah yang Dievaluasi (Tahun {})",
                r.year
            ),
        ),
        (
            14,
            format!(
                "Realisasi Kinerja dan Anggaran Renstra Perangkat Daerah s.d. Tahun {}",
                r.year
            ),
        ),
        (
            15,
            format!(
                "Tingkat Capaian Kinerja dan Realisasi Anggaran Renstra Perangkat Daerah {end} (%)"
            ),
        ),
    ];
    for (n, text) in &spanning {
        let c = k_col(*n);
        ws.merge_range(h, c, h + 1, c + 1, text, &st.header)?;
    }
    ws.merge_range(
        h,
        k_col(9),
        h,
        k_col(12) + 1,
        &format!(
            "Realisasi Kinerja dan Anggaran pada Triwulan (Tahun {})",
            r.year
        ),
        &st.header,
    )?;
    for (i, roman) in ["I", "II", "III", "IV"].iter().enumerate() {
        let c = k_col(9 + i as u16);
        ws.merge_range(h + 1, c, h + 1, c + 1, roman, &st.header)?;
    }
    for n in 6..=15u16 {
        let c = k_col(n);
        let label = match n {
            13 => "13 = 9 + 10 + 11 + 12".to_string(),
            14 => "14 = 7 + 13".to_string(),
            15 => "15 = 14 / 6 x 100".to_string(),
            n => n.to_string(),
        };
        ws.merge_range(h + 2, c, h + 2, c + 1, &label, &st.column_number)?;
        ws.write_string_with_format(h + 3, c, "K", &st.header)?;
        ws.write_string_with_format(h + 3, c + 1, "Rp.", &st.header)?;
    }
    ws.set_row_height(h, 66)?;
    ws.set_row_height(h + 1, 18)?;

    // Rows.
    let mut row = RENJA_DATA;
    let mut item = 0u32;
    let mut totals: Vec<(u32, &RenjaRow, RenjaComputed)> = Vec::new();
    for rr in &r.rows {
        let computed = write_renja_row(ws, row, rr, &mut item, &st)?;
        if rr.level == ProgramLevel::Program && rr.carries_budget {
            totals.push((row, rr, computed));
        }
        row += 1;
    }
    if r.rows.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            RENJA_LAST_COL,
            "Belum ada program, kegiatan atau sub kegiatan.",
            &st.text,
        )?;
        row += 1;
    }

    // Totals of the Rp columns over program rows.
    let total_row = row;
    ws.merge_range(
        total_row,
        0,
        total_row,
        4,
        "JUMLAH ANGGARAN (PROGRAM)",
        &st.total_label,
    )?;
    let rp_inputs: [(u16, RpOf); 9] = [
        (k_col(6) + 1, |r, _| r.renstra_rp),
        (k_col(7) + 1, |r, _| r.previous_rp),
        (k_col(8) + 1, |r, _| r.target_rp),
        (k_col(9) + 1, |r, _| r.quarters_rp[0]),
        (k_col(10) + 1, |r, _| r.quarters_rp[1]),
        (k_col(11) + 1, |r, _| r.quarters_rp[2]),
        (k_col(12) + 1, |r, _| r.quarters_rp[3]),
        (k_col(13) + 1, |_, c| c.year_rp),
        (k_col(14) + 1, |_, c| c.to_date_rp),
    ];
    let mut total_of = std::collections::HashMap::new();
    for (col, value) in rp_inputs {
        let cells: Vec<String> = totals
            .iter()
            .map(|(r, _, _)| row_col_to_cell(*r, col))
            .collect();
        // SUM of nothing is 0 in Excel as here.
        let cached: f64 = totals.iter().filter_map(|(_, r, c)| value(r, c)).sum();
        let formula = if cells.is_empty() {
            "=0".to_string()
        } else {
            format!("={}", sum_of(&cells))
        };
        formula_cell(ws, total_row, col, &formula, Some(cached), &st.total_rp)?;
        total_of.insert(col, cached);
    }
    for n in 6..=15u16 {
        ws.write_blank(total_row, k_col(n), &st.total_label)?;
    }
    let (c6, c14, c15) = (k_col(6) + 1, k_col(14) + 1, k_col(15) + 1);
    formula_cell(
        ws,
        total_row,
        c15,
        &guarded_percent(
            &row_col_to_cell(total_row, c14),
            &row_col_to_cell(total_row, c6),
        ),
        percent_of(total_of.get(&c14).copied(), total_of.get(&c6).copied()),
        &st.total_k,
    )?;

    let note_row = total_row + 1;
    ws.merge_range(
        note_row,
        0,
        note_row,
        RENJA_LAST_COL,
        "Catatan: K = kinerja (nilai indikator), Rp. = anggaran. Kolom 13, 14 dan 15 dihitung \
         dengan rumus. Jumlah anggaran hanya menjumlahkan baris program, karena anggaran \
         kegiatan dan sub kegiatan sudah termasuk dalam anggaran programnya; indikator kedua \
         dan seterusnya dari satu program/kegiatan tidak mengulang anggarannya.",
        &st.note,
    )?;
    ws.set_row_height(note_row, 30)?;

    // Layout and printing.
    let widths: [(u16, f64); 5] = [(0, 5.0), (1, 28.0), (2, 40.0), (3, 34.0), (4, 10.0)];
    for (c, w) in widths {
        ws.set_column_width(c, w)?;
    }
    for n in 6..=15u16 {
        ws.set_column_width(k_col(n), 10)?;
        ws.set_column_width(k_col(n) + 1, if n == 15 { 10 } else { 16 })?;
    }
    ws.set_freeze_panes(RENJA_DATA, 0)?;
    ws.set_repeat_rows(RENJA_HEADER, RENJA_DATA - 1)?;
    landscape(ws);
    Ok(())
}

/// Reads one Rp value of a row (an input or a computed column).
type RpOf = fn(&RenjaRow, &RenjaComputed) -> Option<f64>;

/// The values of the formula columns of one row, as the formulas compute them.
#[derive(Debug, Clone, Copy, Default)]
struct RenjaComputed {
    year_rp: Option<f64>,
    to_date_rp: Option<f64>,
}

fn write_renja_row(
    ws: &mut Worksheet,
    row: u32,
    r: &RenjaRow,
    item: &mut u32,
    st: &Styles,
) -> Result<RenjaComputed, XlsxError> {
    if r.carries_budget {
        *item += 1;
        ws.write_number_with_format(row, 0, f64::from(*item), &st.text_center)?;
    } else {
        ws.write_blank(row, 0, &st.text_center)?;
    }
    text_cell(ws, row, 1, r.objective.as_deref(), &st.text)?;
    if r.carries_budget {
        let name = format!("{} {}", r.code, r.program);
        ws.write_string_with_format(row, 2, name.trim(), &st.program(r.level))?;
    } else {
        ws.write_blank(row, 2, &st.text)?;
    }
    text_cell(ws, row, 3, r.indicator.as_deref(), &st.text)?;
    text_cell(ws, row, 4, r.satuan.as_deref(), &st.text_center)?;

    let inputs: [(u16, Option<f64>, Option<f64>); 7] = [
        (6, r.renstra_k, r.renstra_rp),
        (7, r.previous_k, r.previous_rp),
        (8, r.target_k, r.target_rp),
        (9, r.quarters_k[0], r.quarters_rp[0]),
        (10, r.quarters_k[1], r.quarters_rp[1]),
        (11, r.quarters_k[2], r.quarters_rp[2]),
        (12, r.quarters_k[3], r.quarters_rp[3]),
    ];
    for (n, k, rp) in inputs {
        number_cell(ws, row, k_col(n), k, &st.k)?;
        number_cell(ws, row, k_col(n) + 1, rp, &st.rp)?;
    }

    let cell = |c: u16| row_col_to_cell(row, c);
    let mut computed = RenjaComputed::default();
    // K then Rp: the same three formulas on each half of the pair.
    for (offset, quarters, previous, renstra) in [
        (0u16, r.quarters_k, r.previous_k, r.renstra_k),
        (1u16, r.quarters_rp, r.previous_rp, r.renstra_rp),
    ] {
        let (fmt, pct_fmt) = if offset == 0 {
            (&st.formula_k, &st.formula_k)
        } else {
            (&st.formula_rp, &st.formula_k)
        };
        let c = |n: u16| k_col(n) + offset;
        let year = sum_present(quarters);
        let quarter_cells: Vec<String> = (9..=12).map(|n| cell(c(n))).collect();
        formula_cell(ws, row, c(13), &guarded_sum(&quarter_cells), year, fmt)?;
        let to_date = sum_present([previous, year]);
        formula_cell(
            ws,
            row,
            c(14),
            &guarded_sum(&[cell(c(7)), cell(c(13))]),
            to_date,
            fmt,
        )?;
        formula_cell(
            ws,
            row,
            c(15),
            &guarded_percent(&cell(c(14)), &cell(c(6))),
            percent_of(to_date, renstra),
            pct_fmt,
        )?;
        if offset == 1 {
            computed = RenjaComputed {
                year_rp: year,
                to_date_rp: to_date,
            };
        }
    }
    Ok(computed)
}

// ---------------------------------------------------------------------------------------------
// LKjIP Bab III.

/// The LKjIP Bab III tables as an XLSX workbook: "Capaian Kinerja" (the capaian table),
/// "Realisasi Anggaran" (pagu, realisasi and serapan = realisasi / pagu × 100 as a live
/// formula, with a TOTAL row over program rows), "Efisiensi" (capaian against serapan, the
/// difference as a formula) and "Narasi" (faktor pendorong, kendala, solusi).
pub fn lkjip(l: &Lkjip) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let st = Styles::new();
    for write in [
        write_lkjip_capaian as fn(&mut Worksheet, &Lkjip, &Styles) -> Result<(), XlsxError>,
        write_lkjip_budget,
        write_lkjip_efficiency,
        write_lkjip_narratives,
    ] {
        let mut ws = new_sheet();
        write(&mut ws, l, &st).map_err(xlsx_error)?;
        wb.push_worksheet(ws);
    }
    finish(wb, &format!("LKjIP {} Tahun {}", l.organisation, l.year))
}

/// Title lines, the header row and the sheet's print setup; returns the first data row.
fn lkjip_sheet(
    ws: &mut Worksheet,
    name: &str,
    heading: &str,
    l: &Lkjip,
    headers: &[(String, f64)],
    st: &Styles,
) -> Result<u32, XlsxError> {
    ws.set_name(name)?;
    let last = headers.len() as u16 - 1;
    let head = title(&format!("{heading} Tahun {}", l.year), l.demo);
    let next = title_rows(ws, &[&head, &l.organisation, &l.region], last, st)?;
    let header_row = next + 1;
    for (c, (text, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, text, &st.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_height(header_row, 36)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_repeat_rows(header_row, header_row)?;
    landscape(ws);
    Ok(header_row + 1)
}

fn write_lkjip_capaian(ws: &mut Worksheet, l: &Lkjip, st: &Styles) -> Result<(), XlsxError> {
    let y = l.year;
    let end = l
        .objectives
        .iter()
        .flat_map(|o| &o.indicators)
        .find_map(|i| i.renstra_end.as_ref().map(|(y, _)| *y));
    let renstra_head = match end {
        Some(e) => format!("Target Akhir Renstra ({e})"),
        None => "Target Akhir Renstra".into(),
    };
    let headers: Vec<(String, f64)> = vec![
        ("No".into(), 5.0),
        ("Unit Kerja".into(), 22.0),
        ("Sasaran".into(), 32.0),
        ("Indikator Kinerja".into(), 36.0),
        ("Satuan".into(), 10.0),
        (format!("Realisasi {}", y - 2), 12.0),
        (format!("Realisasi {}", y - 1), 12.0),
        (format!("Target {y}"), 12.0),
        (format!("Realisasi {y}"), 12.0),
        ("Capaian (%)".into(), 14.0),
        ("Predikat".into(), 14.0),
        (renstra_head, 14.0),
        ("Capaian thd Renstra (%)".into(), 14.0),
    ];
    let mut row = lkjip_sheet(ws, "Capaian Kinerja", "Capaian Kinerja", l, &headers, st)?;
    let mut n = 0u32;
    for o in &l.objectives {
        let mut first = true;
        let rows = o.indicators.len().max(1);
        for k in 0..rows {
            let i = o.indicators.get(k);
            if i.is_some() {
                n += 1;
                ws.write_number_with_format(row, 0, f64::from(n), &st.text_center)?;
            } else {
                ws.write_blank(row, 0, &st.text)?;
            }
            let (unit, statement) = if first {
                (Some(o.unit_name.as_str()), Some(o.statement.as_str()))
            } else {
                (None, None)
            };
            first = false;
            text_cell(ws, row, 1, unit, &st.text)?;
            text_cell(ws, row, 2, statement, &st.text)?;
            let Some(i) = i else {
                text_cell(ws, row, 3, Some("(belum ada indikator)"), &st.text)?;
                for c in 4..=12 {
                    ws.write_blank(row, c, &st.text)?;
                }
                row += 1;
                continue;
            };
            let (satuan, decimals) = (i.satuan.as_deref(), i.decimals);
            text_cell(ws, row, 3, Some(&i.name), &st.text)?;
            text_cell(ws, row, 4, satuan, &st.text_center)?;
            realisation_cell(ws, row, 5, i.previous[0].as_ref(), satuan, decimals, st)?;
            realisation_cell(ws, row, 6, i.previous[1].as_ref(), satuan, decimals, st)?;
            target_cell(ws, row, 7, i.target.as_ref(), satuan, decimals, st)?;
            realisation_cell(ws, row, 8, i.realisation.as_ref(), satuan, decimals, st)?;
            capaian_cell(ws, row, 9, &i.capaian, st)?;
            text_cell(ws, row, 10, i.predicate.as_deref(), &st.text_center)?;
            target_cell(
                ws,
                row,
                11,
                i.renstra_end.as_ref().map(|(_, t)| t),
                satuan,
                decimals,
                st,
            )?;
            capaian_cell(ws, row, 12, &i.capaian_renstra, st)?;
            row += 1;
        }
    }
    if l.objectives.is_empty() {
        ws.merge_range(row, 0, row, 12, "Belum ada sasaran.", &st.text)?;
        row += 1;
    }
    ws.merge_range(
        row,
        0,
        row,
        8,
        "Capaian kinerja organisasi",
        &st.total_label,
    )?;
    match &l.overall {
        Capaian::Persen(p) => ws.write_number_with_format(row, 9, p.displayed(), &st.total_k)?,
        other => ws.write_string_with_format(row, 9, other.to_string(), &st.total_label)?,
    };
    for c in 10..=12 {
        ws.write_blank(row, c, &st.total_label)?;
    }
    Ok(())
}

fn write_lkjip_budget(ws: &mut Worksheet, l: &Lkjip, st: &Styles) -> Result<(), XlsxError> {
    let headers: Vec<(String, f64)> = vec![
        ("Kode".into(), 20.0),
        ("Program/Kegiatan/Sub Kegiatan".into(), 46.0),
        ("Unit Kerja".into(), 24.0),
        ("Pagu (Rp)".into(), 18.0),
        ("Realisasi (Rp)".into(), 18.0),
        ("Serapan (%)".into(), 12.0),
    ];
    let mut row = lkjip_sheet(
        ws,
        "Realisasi Anggaran",
        "Realisasi Anggaran",
        l,
        &headers,
        st,
    )?;
    let mut programs = Vec::new();
    for b in &l.budget {
        ws.write_string_with_format(row, 0, &b.code, &st.text)?;
        ws.write_string_with_format(row, 1, &b.name, &st.program(b.level))?;
        text_cell(ws, row, 2, Some(&b.unit_name), &st.text)?;
        number_cell(ws, row, 3, b.pagu, &st.rp)?;
        number_cell(ws, row, 4, b.realised, &st.rp)?;
        formula_cell(ws, row, 5, &serapan(row), b.absorption, &st.formula_k)?;
        if b.level == ProgramLevel::Program {
            programs.push((row, b));
        }
        row += 1;
    }
    if l.budget.is_empty() {
        ws.merge_range(row, 0, row, 5, "Belum ada program.", &st.text)?;
        row += 1;
    }
    ws.merge_range(row, 0, row, 2, "TOTAL", &st.total_label)?;
    let mut totals = [0.0; 2];
    for (k, col) in [3u16, 4].into_iter().enumerate() {
        let cells: Vec<String> = programs
            .iter()
            .map(|(r, _)| row_col_to_cell(*r, col))
            .collect();
        totals[k] = programs
            .iter()
            .filter_map(|(_, b)| if col == 3 { b.pagu } else { b.realised })
            .sum();
        let formula = if cells.is_empty() {
            "=0".to_string()
        } else {
            format!("={}", sum_of(&cells))
        };
        formula_cell(ws, row, col, &formula, Some(totals[k]), &st.total_rp)?;
    }
    formula_cell(
        ws,
        row,
        5,
        &serapan(row),
        absorption(Some(totals[0]), Some(totals[1])),
        &st.total_k,
    )?;
    ws.merge_range(
        row + 1,
        0,
        row + 1,
        5,
        "Catatan: TOTAL menjumlahkan baris program saja (anggaran kegiatan dan sub kegiatan \
         sudah termasuk dalam programnya). Serapan = realisasi / pagu x 100.",
        &st.note,
    )?;
    ws.set_row_height(row + 1, 26)?;
    Ok(())
}

/// Serapan of a row of the budget sheet, as [`absorption`] computes it: realisasi / pagu × 100
/// when there is a pagu (an empty realisation counting as 0), else empty.
fn serapan(row: u32) -> String {
    let (pagu, realised) = (row_col_to_cell(row, 3), row_col_to_cell(row, 4));
    format!("=IF(N({pagu})>0,N({realised})/{pagu}*100,\"\")")
}

fn write_lkjip_efficiency(ws: &mut Worksheet, l: &Lkjip, st: &Styles) -> Result<(), XlsxError> {
    let headers: Vec<(String, f64)> = vec![
        ("No".into(), 5.0),
        ("Unit Kerja".into(), 24.0),
        ("Sasaran".into(), 44.0),
        ("Capaian (%)".into(), 13.0),
        ("Serapan (%)".into(), 13.0),
        ("Selisih (poin)".into(), 13.0),
        ("Keterangan".into(), 18.0),
    ];
    let mut row = lkjip_sheet(
        ws,
        "Efisiensi",
        "Efisiensi Penggunaan Sumber Daya",
        l,
        &headers,
        st,
    )?;
    for (n, e) in l.efficiency.iter().enumerate() {
        ws.write_number_with_format(row, 0, (n + 1) as f64, &st.text_center)?;
        text_cell(ws, row, 1, Some(&e.unit_name), &st.text)?;
        text_cell(ws, row, 2, Some(&e.statement), &st.text)?;
        number_cell(ws, row, 3, e.capaian, &st.k)?;
        number_cell(ws, row, 4, e.absorption, &st.k)?;
        let (cap, abs, diff) = (
            row_col_to_cell(row, 3),
            row_col_to_cell(row, 4),
            row_col_to_cell(row, 5),
        );
        let difference = e.capaian.zip(e.absorption).map(|(c, a)| c - a);
        formula_cell(
            ws,
            row,
            5,
            &format!("=IF(OR({cap}=\"\",{abs}=\"\"),\"\",{cap}-{abs})"),
            difference,
            &st.formula_k,
        )?;
        let remark = difference.map(efficiency_remark).unwrap_or_default();
        ws.write_formula_with_format(
            row,
            6,
            Formula::new(format!(
                "=IF({diff}=\"\",\"\",IF({diff}>=0,\"{}\",\"{}\"))",
                efficiency_remark(0.0),
                efficiency_remark(-1.0)
            ))
            .set_result(remark),
            &st.text_center,
        )?;
        row += 1;
    }
    if l.efficiency.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            6,
            "Belum ada program yang ditautkan ke sasaran.",
            &st.text,
        )?;
        row += 1;
    }
    ws.merge_range(
        row,
        0,
        row,
        6,
        "Catatan: selisih = capaian kinerja − serapan anggaran (poin persen); selisih positif \
         berarti capaian kinerja lebih tinggi daripada penyerapan anggaran.",
        &st.note,
    )?;
    ws.set_row_height(row, 26)?;
    Ok(())
}

fn efficiency_remark(difference: f64) -> &'static str {
    if difference >= 0.0 {
        "Efisien"
    } else {
        "Kurang efisien"
    }
}

fn write_lkjip_narratives(ws: &mut Worksheet, l: &Lkjip, st: &Styles) -> Result<(), XlsxError> {
    let headers: Vec<(String, f64)> = vec![
        ("Unit Kerja".into(), 22.0),
        ("Indikator Kinerja".into(), 34.0),
        ("Periode".into(), 12.0),
        ("Faktor Pendorong".into(), 36.0),
        ("Kendala".into(), 36.0),
        ("Solusi / Tindak Lanjut".into(), 36.0),
    ];
    let mut row = lkjip_sheet(ws, "Narasi", "Narasi Capaian Kinerja", l, &headers, st)?;
    for n in &l.narratives {
        text_cell(ws, row, 0, Some(&n.unit_name), &st.text)?;
        text_cell(ws, row, 1, Some(&n.indicator), &st.text)?;
        text_cell(ws, row, 2, Some(&n.period), &st.text_center)?;
        text_cell(ws, row, 3, n.pendorong.as_deref(), &st.text)?;
        text_cell(ws, row, 4, n.kendala.as_deref(), &st.text)?;
        text_cell(ws, row, 5, n.solusi.as_deref(), &st.text)?;
        row += 1;
    }
    if l.narratives.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            5,
            "Belum ada narasi pada realisasi yang sudah diverifikasi.",
            &st.text,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rencana Aksi.

/// The Rencana Aksi of a Perjanjian Kinerja as an XLSX workbook with one sheet, "Rencana
/// Aksi": every indicator with its year target and its targets per quarter (TW I–IV), then,
/// in a second table, the indicators reported monthly (Januari–Desember). A table without
/// indicators is left out.
pub fn rencana_aksi(pk: &PerjanjianKinerja) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let mut ws = new_sheet();
    write_rencana_aksi(&mut ws, pk).map_err(xlsx_error)?;
    wb.push_worksheet(ws);
    finish(
        wb,
        &format!("Rencana Aksi {} Tahun {}", pk.first.position, pk.year),
    )
}

fn write_rencana_aksi(ws: &mut Worksheet, pk: &PerjanjianKinerja) -> Result<(), XlsxError> {
    let st = Styles::new();
    ws.set_name("Rencana Aksi")?;
    let blocks: Vec<(Periodisation, &str)> = vec![
        (Periodisation::Triwulan, "Target Triwulanan"),
        (Periodisation::Bulanan, "Target Bulanan"),
    ];
    let widest = blocks
        .iter()
        .filter(|(p, _)| pk.indicators().any(|i| i.periodisation == *p))
        .map(|(p, _)| p.count())
        .max()
        .unwrap_or(4);
    let last_col = (5 + widest - 1) as u16;
    let head = title("RENCANA AKSI ATAS PERJANJIAN KINERJA", pk.demo);
    let year_line = format!("TAHUN {}", pk.year);
    let mut row = title_rows(
        ws,
        &[&head, &pk.first.position, &pk.organisation, &year_line],
        last_col,
        &st,
    )? + 1;

    let mut any = false;
    for (periodisation, heading) in blocks {
        let rows: Vec<(&str, &PkIndicator, bool)> = pk
            .objectives
            .iter()
            .flat_map(|o| {
                o.indicators
                    .iter()
                    .filter(move |i| i.periodisation == periodisation)
                    .enumerate()
                    .map(move |(k, i)| (o.statement.as_str(), i, k == 0))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        any = true;
        ws.write_string_with_format(row, 0, heading, &st.section)?;
        row += 1;
        let mut headers = vec![
            "No".to_string(),
            "Sasaran".into(),
            "Indikator Kinerja".into(),
            "Satuan".into(),
            format!("Target {}", pk.year),
        ];
        headers.extend((1..=periodisation.count()).map(|n| periodisation.label(n)));
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, h, &st.header)?;
        }
        ws.set_row_height(row, 30)?;
        row += 1;
        for (n, (statement, i, first)) in rows.into_iter().enumerate() {
            let satuan = i.satuan.as_deref();
            ws.write_number_with_format(row, 0, (n + 1) as f64, &st.text_center)?;
            text_cell(ws, row, 1, first.then_some(statement), &st.text)?;
            text_cell(ws, row, 2, Some(&i.name), &st.text)?;
            text_cell(ws, row, 3, satuan, &st.text_center)?;
            target_cell(ws, row, 4, i.target.as_ref(), satuan, i.decimals, &st)?;
            for p in 0..periodisation.count() {
                let t = i.period_targets.get(p).and_then(|t| t.as_ref());
                target_cell(ws, row, 5 + p as u16, t, satuan, i.decimals, &st)?;
            }
            row += 1;
        }
        row += 1;
    }
    if !any {
        ws.merge_range(
            row,
            0,
            row,
            last_col,
            "Belum ada indikator kinerja.",
            &st.text,
        )?;
    }

    let widths: [(u16, f64); 5] = [(0, 5.0), (1, 34.0), (2, 40.0), (3, 10.0), (4, 12.0)];
    for (c, w) in widths {
        ws.set_column_width(c, w)?;
    }
    for c in 5..=last_col {
        ws.set_column_width(c, 10)?;
    }
    landscape(ws);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Matrices (the pemda's IKU and cascading).

/// A [`Matrix`] as a workbook of one sheet: the title merged over the columns, the header
/// rows frozen, merged cells as in the PDF, targets as numbers with their satuan in the number
/// format.
pub(crate) fn matrix(m: &Matrix) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let mut ws = new_sheet();
    write_matrix(&mut ws, m).map_err(xlsx_error)?;
    wb.push_worksheet(ws);
    finish(wb, m.title.first().map_or("", String::as_str))
}

/// The Excel format of a numeric matrix cell: the value's decimals, the satuan as a literal.
fn satuan_format(decimals: Option<u8>, v: f64, satuan: Option<&str>) -> String {
    let base = value_format(decimals, v, satuan);
    match satuan
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "Rp")
    {
        Some("%") => format!("{base}\"%\""),
        Some(s) => format!("{base}\" {}\"", s.replace('"', "'")),
        None => base,
    }
}

fn write_matrix(ws: &mut Worksheet, m: &Matrix) -> Result<(), XlsxError> {
    let st = Styles::new();
    let name: String = m
        .sheet
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    ws.set_name(&name)?;
    let last_col = m.widths.len().saturating_sub(1) as u16;
    let mut lines: Vec<String> = m.title.clone();
    if let Some(first) = lines.first_mut() {
        *first = title(first, m.demo);
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let top = title_rows(ws, &refs, last_col, &st)? + 1;
    let style = |s: matrix::Style| match s {
        matrix::Style::Text => &st.text,
        matrix::Style::Center => &st.text_center,
        matrix::Style::Value => &st.text,
        matrix::Style::Head => &st.header,
        matrix::Style::Section => &st.total_label,
    };
    let write_rows = |ws: &mut Worksheet,
                      rows: &[Vec<Option<matrix::Cell>>],
                      first: u32|
     -> Result<u32, XlsxError> {
        for (r, cells) in rows.iter().enumerate() {
            let row = first + r as u32;
            for (c, cell) in cells.iter().enumerate() {
                let Some(cell) = cell else { continue };
                let col = c as u16;
                let f = match cell.number {
                    Some((v, d, ref s)) => {
                        st.text
                            .clone()
                            .set_num_format(satuan_format(d, v, s.as_deref()))
                    }
                    None => style(cell.style).clone(),
                };
                if cell.rowspan > 1 || cell.colspan > 1 {
                    let last_row = row + cell.rowspan as u32 - 1;
                    let end_col = col + cell.colspan as u16 - 1;
                    ws.merge_range(row, col, last_row, end_col, "", &f)?;
                }
                match cell.number {
                    Some((v, ..)) => ws.write_number_with_format(row, col, v, &f)?,
                    None if cell.text.trim().is_empty() => ws.write_blank(row, col, &f)?,
                    None => ws.write_string_with_format(row, col, &cell.text, &f)?,
                };
            }
        }
        Ok(first + rows.len() as u32)
    };
    let body = write_rows(ws, &m.head, top)?;
    ws.set_freeze_panes(body, 0)?;
    let mut end = write_rows(ws, &m.rows, body)?;
    if m.rows.is_empty() {
        ws.merge_range(end, 0, end, last_col, &m.empty, &st.text_center)?;
        end += 1;
    }
    for (i, n) in m.notes.iter().enumerate() {
        let row = end + 1 + i as u32;
        ws.merge_range(row, 0, row, last_col, n, &st.note)?;
    }
    for (c, w) in m.widths.iter().enumerate() {
        ws.set_column_width(c as u16, (w * 6.0).clamp(5.0, 60.0))?;
    }
    ws.set_repeat_rows(top, body.saturating_sub(1))?;
    landscape(ws);
    Ok(())
}
