//! The bulk-entry workbook (XLSX): a template a planner fills in Excel, and the reader that
//! turns the uploaded workbook into a [`MeasurementBatch`] and a list of changes to show before
//! anything is applied — or names every cell that stands in the way.
//!
//! # The workbook
//!
//! | sheet | rows | editable columns |
//! |---|---|---|
//! | `Petunjuk` | instructions, organisation, year, generation date | none |
//! | `Target Renstra` | one per indicator, in tree order | `Baseline`, `Target <year>` for each Renstra year (the workbook's year when there is no Renstra) |
//! | `Rencana Aksi <year>` | one per indicator | `TW I`–`TW IV` and `Januari`–`Desember`, those of the indicator's periodisation |
//! | `Realisasi <year>` | one per indicator | as above, where the realisation is still editable (draft or returned, not locked) |
//! | `Anggaran` (only when the organisation has programs) | one per program, kegiatan and sub kegiatan, in hierarchy order ([`program_order`]) | `Pagu <year>` for each Renstra year, `Realisasi TW I <year>`–`Realisasi TW IV <year>` |
//!
//! Every sheet starts with the key columns `Kunci unit` and `Kode IK` and the descriptive
//! columns `Unit`, `Sasaran`, `Indikator`, `Satuan`, `Polaritas`, `Periodisasi`; the period
//! sheets add the year's Renstra target (`Target <year>`), and `Realisasi` a `Status` summary
//! at the end. Grey cells are locked under worksheet protection (no password); editable cells
//! are unlocked. Numbers are written as numbers, ranges and qualitative values as text.
//!
//! `Anggaran` has its own columns: `Kode`, `Tingkat`, `Nama`, `Unit` (grey, locked), then the
//! programs' own pagu per year and the realised budget of the workbook's year per quarter
//! ([`WorkbookData::budget`]), as numbers in rupiah.
//!
//! # Reading
//!
//! [`read`] parses every cell it needs and checks the whole upload against the current data
//! ([`WorkbookData`]); it returns all problems at once ([`CellError`], each naming its sheet and
//! cell), or a [`Preview`]: the batch of the values that differ from the current data and one
//! [`Change`] per value. Descriptive columns (`Unit` … `Target <year>`, `Status`) are not read
//! back, except `Indikator`, which must still name the indicator the key columns point at (so a
//! row whose keys were altered is caught). A deleted row or year column changes nothing.
//!
//! Values are read with [`pokin_domain::format::parse_value`]: `1.234,5`, `1234,5`, `80–90`,
//! `WTP`. Excel numbers are taken as they are stored; a cell formatted as a percentage is
//! refused (Excel stores `85%` as `0,85`), as are booleans, dates, Excel errors and numbers
//! whose magnitude exceeds 10^15.
//!
//! An indicator's values must be of one kind: numbers (or ranges, for targets) or qualitative.
//! The kind expected is the majority among its Renstra baseline and targets after the upload
//! (on a tie, the majority before it, then numbers), or among its Rencana Aksi targets when it
//! has no Renstra value; a *changed* value of the other kind is refused (typically `8O` typed
//! for `80`).
//!
//! On `Anggaran`, values are amounts in rupiah read with [`pokin_domain::format::parse_number`]
//! (an optional leading `Rp` is ignored): not negative, at most 10^15. A row names its item by
//! `Kode`; `Tingkat`, `Nama` and `Unit` must still be what the template wrote.

use calamine::{Data, Range, Reader, StyleRange, Xlsx};
use chrono::{Datelike, NaiveDate};
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::document::program_order;
use pokin_domain::format::{self, parse_value, value_text};
use pokin_domain::measure::{
    IndicatorKey, MeasurementBatch, Period, RealisationInput, Status, periodisation_of,
};
use pokin_domain::program::{BudgetYear, Program};
use pokin_domain::{Code, Indicator, Objective, Organisation, TargetValue, Unit, UnitKey};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Note,
    ProtectionOptions, Workbook, Worksheet,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Cursor;

pub use rust_xlsxwriter::XlsxError;

// ---------------------------------------------------------------------------------------------
// Inputs and outputs.

/// The state of one realisation (one indicator and period) as the store has it.
#[derive(Debug, Clone, PartialEq)]
pub struct CellState {
    pub value: Option<Realisation>,
    pub status: Status,
    /// Its period is closed (and not reopened for it).
    pub locked: bool,
}

impl CellState {
    /// Whether the workbook may change its value: draft or returned, and not locked.
    pub fn editable(&self) -> bool {
        self.status.editable() && !self.locked
    }
}

/// What the workbook shows and what an upload is compared with.
///
/// `period_targets` and `realisations` are indexed by period, in the order of the indicator's
/// periodisation (index 0 is TW I or January); a missing key or a shorter vector means nothing
/// is recorded for the rest. A realisation without a [`CellState`] is editable.
///
/// Beyond the brief's shape: `generated`, the date printed on `Petunjuk` (the caller's "today",
/// so the template is reproducible).
#[derive(Debug, Clone)]
pub struct WorkbookData<'a> {
    pub org: &'a Organisation,
    pub year: i32,
    pub generated: NaiveDate,
    pub period_targets: HashMap<IndicatorKey, Vec<Option<TargetValue>>>,
    pub realisations: HashMap<IndicatorKey, Vec<Option<CellState>>>,
    /// The realised budget of the workbook's year per program code (its own entries, not
    /// rolled up); a missing code means nothing is entered.
    pub budget: HashMap<String, BudgetYear>,
}

impl<'a> WorkbookData<'a> {
    /// The data of an organisation for a year with no Rencana Aksi targets or realisations yet.
    pub fn new(org: &'a Organisation, year: i32, generated: NaiveDate) -> Self {
        WorkbookData {
            org,
            year,
            generated,
            period_targets: HashMap::new(),
            realisations: HashMap::new(),
            budget: HashMap::new(),
        }
    }

    /// The realised budget entered for a program in quarter `q` (1–4).
    fn budget_quarter(&self, code: &str, q: u8) -> Option<f64> {
        self.budget
            .get(code)?
            .quarters
            .get(usize::from(q) - 1)
            .copied()?
    }

    fn period_target(&self, key: &IndicatorKey, i: usize) -> Option<&TargetValue> {
        self.period_targets.get(key)?.get(i)?.as_ref()
    }

    fn realisation(&self, key: &IndicatorKey, i: usize) -> Option<&CellState> {
        self.realisations.get(key)?.get(i)?.as_ref()
    }

    /// The years of the Renstra sheet: the Renstra period, or the workbook's year.
    fn renstra_years(&self) -> Vec<i32> {
        match self.org.renstra {
            Some(r) => r.years().collect(),
            None => vec![self.year],
        }
    }
}

/// One problem with an uploaded workbook, in Indonesian. `cell` is A1-style (`H12`), or `-`
/// for a problem with a whole sheet; `sheet` is empty for a problem with the whole file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    pub sheet: String,
    pub cell: String,
    pub message: String,
}

impl fmt::Display for CellError {
    /// `Realisasi 2026!H12: …`, `Realisasi 2026: …` (whole sheet), or the message alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.sheet.as_str(), self.cell.as_str()) {
            ("", _) => f.write_str(&self.message),
            (sheet, "-" | "") => write!(f, "{sheet}: {}", self.message),
            (sheet, cell) => write!(f, "{sheet}!{cell}: {}", self.message),
        }
    }
}

impl std::error::Error for CellError {}

/// What a change is about: an indicator, or a program, kegiatan or sub kegiatan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Subject {
    Indicator(IndicatorKey),
    /// A budget item (`Anggaran` sheet), by code, with the unit whose Perjanjian Kinerja lists
    /// it.
    Program {
        code: String,
        unit: UnitKey,
    },
}

impl Subject {
    /// The unit the change belongs to (the indicator's, or the one listing the program): what
    /// a permission is checked against.
    pub fn unit(&self) -> &UnitKey {
        match self {
            Subject::Indicator(k) => &k.unit,
            Subject::Program { unit, .. } => unit,
        }
    }

    /// The indicator, when the change is about one.
    pub fn indicator(&self) -> Option<&IndicatorKey> {
        match self {
            Subject::Indicator(k) => Some(k),
            Subject::Program { .. } => None,
        }
    }
}

impl fmt::Display for Subject {
    /// `kepala-dinas IKU1`, or the program's code (`2.18.01`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Indicator(k) => write!(f, "{} {}", k.unit, k.code),
            Subject::Program { code, .. } => f.write_str(code),
        }
    }
}

/// One value an upload changes, to show before applying.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub sheet: String,
    /// A1-style.
    pub cell: String,
    pub subject: Subject,
    /// `Baseline`, `Target 2027`, `Rencana Aksi TW II 2026`, `Realisasi Mei 2026`, `Pagu 2026`,
    /// `Realisasi anggaran TW II 2026`.
    pub what: String,
    /// The value as typed in forms (`85,5`, `80–90`, `WTP`, `1.250.000`); `None` when empty.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What an upload would change: the batch to apply and every change, in sheet, row and column
/// order (the batch's entries in the same order).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Preview {
    pub batch: MeasurementBatch,
    pub changes: Vec<Change>,
}

// ---------------------------------------------------------------------------------------------
// Names and layout.

/// The instructions sheet.
pub const SHEET_PETUNJUK: &str = "Petunjuk";
/// The Renstra sheet (baseline and yearly targets).
pub const SHEET_RENSTRA: &str = "Target Renstra";

/// `Rencana Aksi 2026`.
pub fn sheet_rencana_aksi(year: i32) -> String {
    format!("Rencana Aksi {year}")
}

/// `Realisasi 2026`.
pub fn sheet_realisasi(year: i32) -> String {
    format!("Realisasi {year}")
}

/// The budget sheet (present only when the organisation has programs).
pub const SHEET_ANGGARAN: &str = "Anggaran";

/// The key and descriptive columns of the budget sheet, with their widths.
const ANGGARAN_LEADING: [(&str, f64); 4] = [
    ("Kode", 22.0),
    ("Tingkat", 13.0),
    ("Nama", 50.0),
    ("Unit", 26.0),
];
/// The first pagu column of the budget sheet.
const COL_FIRST_PAGU: u16 = ANGGARAN_LEADING.len() as u16;

/// The headers of the budget sheet: the leading columns, `Pagu <year>` for each Renstra year,
/// and `Realisasi TW I <year>`…`Realisasi TW IV <year>`.
fn anggaran_headers(data: &WorkbookData<'_>) -> Vec<String> {
    let mut h: Vec<String> = ANGGARAN_LEADING
        .iter()
        .map(|(h, _)| (*h).to_owned())
        .collect();
    h.extend(data.renstra_years().iter().map(|y| format!("Pagu {y}")));
    h.extend((1..=4).map(|q| {
        format!(
            "Realisasi {} {}",
            Periodisation::Triwulan.label(q),
            data.year
        )
    }));
    h
}

/// The unit name shown for a program (its key when the unit is gone).
fn program_unit_name(org: &Organisation, p: &Program) -> String {
    org.unit(&p.unit)
        .map_or_else(|| p.unit.to_string(), |u| u.name.clone())
}

/// The key and descriptive columns every data sheet starts with, with their widths.
const LEADING: [(&str, f64); 8] = [
    ("Kunci unit", 20.0),
    ("Kode IK", 9.0),
    ("Unit", 26.0),
    ("Sasaran", 38.0),
    ("Indikator", 44.0),
    ("Satuan", 10.0),
    ("Polaritas", 10.0),
    ("Periodisasi", 11.0),
];
const COL_UNIT_KEY: u16 = 0;
const COL_CODE: u16 = 1;
const COL_INDICATOR: u16 = 4;
/// The first column after the leading ones: `Baseline` (Renstra) or `Target <year>` (periods).
const COL_AFTER_LEADING: u16 = LEADING.len() as u16;
/// The first period column of the period sheets (TW I); months follow the quarters.
const COL_FIRST_PERIOD: u16 = COL_AFTER_LEADING + 1;
/// The period columns: the quarters, then the months.
const PERIOD_COLUMNS: usize = 16;
/// `Status` on the realisation sheet.
const COL_STATUS: u16 = COL_FIRST_PERIOD + PERIOD_COLUMNS as u16;

/// The periodisation and 1-based number of period column `i` (0-based from TW I).
fn period_column(i: usize) -> (Periodisation, usize) {
    if i < 4 {
        (Periodisation::Triwulan, i + 1)
    } else {
        (Periodisation::Bulanan, i - 3)
    }
}

fn periodisation_label(p: Periodisation) -> &'static str {
    match p {
        Periodisation::Triwulan => "Triwulan",
        Periodisation::Bulanan => "Bulanan",
    }
}

/// Which of the two period sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodSheet {
    RencanaAksi,
    Realisasi,
}

impl PeriodSheet {
    fn name(self, year: i32) -> String {
        match self {
            PeriodSheet::RencanaAksi => sheet_rencana_aksi(year),
            PeriodSheet::Realisasi => sheet_realisasi(year),
        }
    }

    fn headers(self, year: i32) -> Vec<String> {
        let mut h: Vec<String> = LEADING.iter().map(|(h, _)| (*h).to_owned()).collect();
        h.push(format!("Target {year}"));
        for i in 0..PERIOD_COLUMNS {
            let (p, n) = period_column(i);
            h.push(p.label(n));
        }
        if self == PeriodSheet::Realisasi {
            h.push("Status".into());
        }
        h
    }

    /// The order of the sheet's problems in the error list.
    fn order(self) -> u8 {
        match self {
            PeriodSheet::RencanaAksi => 2,
            PeriodSheet::Realisasi => 3,
        }
    }
}

/// A1-style name of a zero-based cell: `(11, 7)` → `H12`.
pub fn cell_name(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut c = u32::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// An indicator with its unit and objective, in tree order.
struct Row<'a> {
    unit: &'a Unit,
    objective: &'a Objective,
    indicator: &'a Indicator,
    key: IndicatorKey,
}

/// Every indicator in tree order: depth first from the roots, units in document order.
fn tree_rows(org: &Organisation) -> Vec<Row<'_>> {
    fn visit<'a>(
        org: &'a Organisation,
        unit: &'a Unit,
        seen: &mut HashSet<&'a UnitKey>,
        out: &mut Vec<&'a Unit>,
    ) {
        if !seen.insert(&unit.key) {
            return;
        }
        out.push(unit);
        for child in org.children(Some(&unit.key)) {
            visit(org, child, seen, out);
        }
    }
    let mut seen = HashSet::new();
    let mut units = Vec::new();
    for root in org.children(None) {
        visit(org, root, &mut seen, &mut units);
    }
    // A validated organisation has no unreachable unit; keep any anyway, in document order.
    for unit in &org.units {
        visit(org, unit, &mut seen, &mut units);
    }
    let mut rows = Vec::new();
    for unit in units {
        for objective in &unit.objectives {
            for indicator in &objective.indicators {
                rows.push(Row {
                    unit,
                    objective,
                    indicator,
                    key: IndicatorKey {
                        unit: unit.key.clone(),
                        code: indicator.code.clone(),
                    },
                });
            }
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Writing the template.

const GREY: u32 = 0xE4E4E4;
const KEY_FONT: u32 = 0x6B6B6B;
const BORDER: u32 = 0xBFBFBF;

fn base() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(BORDER))
        .set_align(FormatAlign::Top)
}

fn header_format() -> Format {
    base()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xC9D7EA))
}

/// A read-only descriptive cell (grey, locked).
fn info_format(wrap: bool) -> Format {
    let f = base().set_background_color(Color::RGB(GREY));
    if wrap { f.set_text_wrap() } else { f }
}

/// A key cell: grey, locked, dimmed text.
fn key_format() -> Format {
    info_format(false).set_font_color(Color::RGB(KEY_FONT))
}

/// A value cell: editable (unlocked, white) or read-only (grey, locked), with a number format
/// from the indicator's decimals (`#,##0.00`; `General` when unspecified). Excel shows it with
/// the reader's separators (`1.234,50` in an Indonesian Excel).
fn value_format(editable: bool, decimals: Option<u8>) -> Format {
    let f = base();
    let f = if editable {
        f.set_unlocked()
    } else {
        f.set_background_color(Color::RGB(GREY))
    };
    match decimals {
        None => f,
        Some(0) => f.set_num_format("#,##0"),
        Some(d) => f.set_num_format(format!("#,##0.{}", "0".repeat(usize::from(d.min(6))))),
    }
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&TargetValue>,
    editable: bool,
    decimals: Option<u8>,
) -> Result<(), XlsxError> {
    let f = value_format(editable, decimals);
    match value {
        None => ws.write_blank(row, col, &f)?,
        Some(TargetValue::Number(n)) => ws.write_number_with_format(row, col, *n, &f)?,
        Some(v) => ws.write_string_with_format(row, col, value_text(v), &f)?,
    };
    Ok(())
}

fn realisation_value(r: &Realisation) -> TargetValue {
    match r {
        Realisation::Number(n) => TargetValue::Number(*n),
        Realisation::Qualitative(s) => TargetValue::Qualitative(s.clone()),
    }
}

fn realisation_text(r: &Realisation) -> String {
    value_text(&realisation_value(r))
}

/// Protection that still lets people filter, resize and select; no password.
fn protect(ws: &mut Worksheet) {
    ws.protect_with_options(&ProtectionOptions {
        use_autofilter: true,
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::new()
    });
}

/// The header row (frozen), the leading columns' widths, and the leading cells of every row.
fn leading_columns(
    ws: &mut Worksheet,
    headers: &[String],
    rows: &[Row<'_>],
) -> Result<(), XlsxError> {
    let header = header_format();
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, h, &header)?;
    }
    for (col, (_, width)) in LEADING.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let key = key_format();
    let info = info_format(false);
    let wrap = info_format(true);
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, r.unit.key.as_str(), &key)?;
        ws.write_string_with_format(row, 1, r.indicator.code.as_str(), &key)?;
        ws.write_string_with_format(row, 2, &r.unit.name, &wrap)?;
        ws.write_string_with_format(
            row,
            3,
            format!("{} {}", r.objective.code, r.objective.statement),
            &wrap,
        )?;
        ws.write_string_with_format(row, 4, &r.indicator.name, &wrap)?;
        ws.write_string_with_format(row, 5, r.indicator.satuan.as_deref().unwrap_or(""), &info)?;
        ws.write_string_with_format(
            row,
            6,
            r.indicator.polarity.map_or("", |p| p.label()),
            &info,
        )?;
        ws.write_string_with_format(
            row,
            7,
            periodisation_label(periodisation_of(r.indicator)),
            &info,
        )?;
    }
    let last_row = rows.len() as u32;
    ws.autofilter(0, 0, last_row, headers.len() as u16 - 1)?;
    protect(ws);
    Ok(())
}

fn petunjuk(ws: &mut Worksheet, data: &WorkbookData<'_>) -> Result<(), XlsxError> {
    ws.set_name(SHEET_PETUNJUK)?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 100)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold().set_align(FormatAlign::Top);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let year_format = Format::new()
        .set_num_format("0")
        .set_align(FormatAlign::Left);
    ws.write_string_with_format(0, 0, "Buku Kerja Isian Pokin", &title)?;
    ws.write_string_with_format(2, 0, "Organisasi", &bold)?;
    ws.write_string_with_format(2, 1, &data.org.name, &text)?;
    ws.write_string_with_format(3, 0, "Tahun", &bold)?;
    ws.write_number_with_format(3, 1, f64::from(data.year), &year_format)?;
    ws.write_string_with_format(4, 0, "Periode Renstra", &bold)?;
    let renstra = data.org.renstra.map_or_else(
        || "belum ditetapkan".to_owned(),
        |r| format!("{}–{}", r.start, r.end),
    );
    ws.write_string_with_format(4, 1, renstra, &text)?;
    ws.write_string_with_format(5, 0, "Dibuat", &bold)?;
    ws.write_string_with_format(5, 1, format::date(data.generated), &text)?;

    let year = data.year;
    let mut sheets = vec![
        (
            SHEET_RENSTRA.to_owned(),
            "Baseline dan target tahunan setiap indikator selama periode Renstra.".to_owned(),
        ),
        (
            sheet_rencana_aksi(year),
            format!(
                "Target Rencana Aksi {year} per triwulan (TW I–TW IV) atau per bulan \
                 (Januari–Desember), sesuai periodisasi indikator; kolom periode yang tidak \
                 berlaku berwarna abu-abu."
            ),
        ),
        (
            sheet_realisasi(year),
            format!(
                "Realisasi {year} per triwulan atau per bulan. Realisasi yang sudah diajukan, \
                 diverifikasi atau terkunci (periodenya ditutup) berwarna abu-abu dan tidak \
                 dapat diubah; catatan pada selnya menyebut statusnya, dan kolom Status \
                 merangkum status setiap periode."
            ),
        ),
    ];
    if !data.org.programs.is_empty() {
        sheets.push((
            SHEET_ANGGARAN.to_owned(),
            format!(
                "Pagu (Rp) setiap program, kegiatan dan sub kegiatan per tahun Renstra, dan \
                 realisasi anggaran {year} per triwulan (Realisasi TW I–TW IV). Kolom Kode, \
                 Tingkat, Nama dan Unit berwarna abu-abu dan tidak dapat diubah. Tulis jumlah \
                 rupiah tanpa 'Rp', misalnya 1.250.000.000; nilai tidak boleh negatif. Pagu yang \
                 kosong dihitung dari jumlah pagu rincian di bawahnya."
            ),
        ));
    }
    let rules = [
        "Angka: tulis dengan titik sebagai pemisah ribuan dan koma sebagai desimal (1.234,5), \
         atau angka biasa (1234,5). Angka yang disimpan Excel sebagai angka juga diterima; \
         jangan memakai format persen (tulis 85, bukan 85%).",
        "Rentang (hanya untuk target): tulis batas bawah lalu batas atas, misalnya 80–90 atau \
         80 - 90.",
        "Nilai kualitatif: tulis teksnya, misalnya WTP atau A.",
        "Mengosongkan sel yang berisi nilai berarti menghapus nilai itu.",
        "Sel berwarna abu-abu hanya untuk dibaca dan dikunci. Jangan mengubah kolom kunci \
         (Kunci unit, Kode IK; Kode pada lembar Anggaran), nama lembar, atau judul kolom, dan \
         jangan menambah baris atau kolom.",
        "Jangan mengisi tanggal, TRUE/FALSE, atau rumus yang menghasilkan galat. Jika Excel \
         mengubah isian menjadi tanggal, awali isian dengan tanda petik (').",
        "Setelah selesai, simpan sebagai .xlsx lalu unggah di halaman Impor. Setiap perubahan \
         ditampilkan untuk diperiksa sebelum disimpan; jika ada yang salah, setiap sel yang \
         salah disebutkan dan tidak ada yang disimpan.",
    ];
    let mut row = 7;
    ws.write_string_with_format(row, 0, "Lembar", &bold)?;
    row += 1;
    for (name, what) in &sheets {
        ws.write_string_with_format(row, 0, name, &bold)?;
        ws.write_string_with_format(row, 1, what, &text)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "Cara mengisi", &bold)?;
    row += 1;
    for (i, rule) in rules.iter().enumerate() {
        ws.write_string_with_format(row, 0, format!("{}.", i + 1), &bold)?;
        ws.write_string_with_format(row, 1, *rule, &text)?;
        row += 1;
    }
    ws.protect();
    Ok(())
}

fn renstra_sheet(
    ws: &mut Worksheet,
    data: &WorkbookData<'_>,
    rows: &[Row<'_>],
) -> Result<(), XlsxError> {
    ws.set_name(SHEET_RENSTRA)?;
    let years = data.renstra_years();
    let mut headers: Vec<String> = LEADING.iter().map(|(h, _)| (*h).to_owned()).collect();
    headers.push("Baseline".into());
    headers.extend(years.iter().map(|y| format!("Target {y}")));
    leading_columns(ws, &headers, rows)?;
    ws.set_column_range_width(COL_AFTER_LEADING, headers.len() as u16 - 1, 12)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let d = r.indicator.decimals;
        write_value(
            ws,
            row,
            COL_AFTER_LEADING,
            r.indicator.baseline.as_ref(),
            true,
            d,
        )?;
        for (j, y) in years.iter().enumerate() {
            let col = COL_AFTER_LEADING + 1 + j as u16;
            write_value(ws, row, col, r.indicator.targets.get(y), true, d)?;
        }
    }
    Ok(())
}

fn period_sheet(
    ws: &mut Worksheet,
    data: &WorkbookData<'_>,
    rows: &[Row<'_>],
    kind: PeriodSheet,
) -> Result<(), XlsxError> {
    let year = data.year;
    ws.set_name(kind.name(year))?;
    let headers = kind.headers(year);
    leading_columns(ws, &headers, rows)?;
    ws.set_column_width(COL_AFTER_LEADING, 12)?;
    ws.set_column_range_width(
        COL_FIRST_PERIOD,
        COL_FIRST_PERIOD + PERIOD_COLUMNS as u16 - 1,
        10,
    )?;
    if kind == PeriodSheet::Realisasi {
        ws.set_column_width(COL_STATUS, 40)?;
    }
    let wrap = info_format(true);
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let d = r.indicator.decimals;
        let own = periodisation_of(r.indicator);
        write_value(
            ws,
            row,
            COL_AFTER_LEADING,
            r.indicator.targets.get(&year),
            false,
            d,
        )?;
        let mut statuses = Vec::new();
        for c in 0..PERIOD_COLUMNS {
            let col = COL_FIRST_PERIOD + c as u16;
            let (p, n) = period_column(c);
            if p != own {
                write_value(ws, row, col, None, false, d)?;
                continue;
            }
            match kind {
                PeriodSheet::RencanaAksi => {
                    write_value(ws, row, col, data.period_target(&r.key, n - 1), true, d)?;
                }
                PeriodSheet::Realisasi => {
                    let state = data.realisation(&r.key, n - 1);
                    let value = state.and_then(|s| s.value.as_ref()).map(realisation_value);
                    let editable = state.is_none_or(CellState::editable);
                    write_value(ws, row, col, value.as_ref(), editable, d)?;
                    if let Some(s) = state {
                        let mut label = format!("{}: {}", p.label(n), s.status.label());
                        if s.locked {
                            label.push_str(" (terkunci)");
                        }
                        statuses.push(label);
                        if !editable {
                            ws.insert_note(
                                row,
                                col,
                                &Note::new(read_only_note(s)).add_author_prefix(false),
                            )?;
                        }
                    }
                }
            }
        }
        if kind == PeriodSheet::Realisasi {
            ws.write_string_with_format(row, COL_STATUS, statuses.join("; "), &wrap)?;
        }
    }
    Ok(())
}

/// An amount in rupiah: editable (unlocked, white), shown as `Rp 1.250.000`.
fn money_format() -> Format {
    base().set_unlocked().set_num_format("\"Rp\" #,##0")
}

fn anggaran_sheet(ws: &mut Worksheet, data: &WorkbookData<'_>) -> Result<(), XlsxError> {
    ws.set_name(SHEET_ANGGARAN)?;
    let headers = anggaran_headers(data);
    let header = header_format();
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, h, &header)?;
    }
    for (col, (_, width)) in ANGGARAN_LEADING.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    ws.set_column_range_width(COL_FIRST_PAGU, headers.len() as u16 - 1, 17)?;
    ws.set_freeze_panes(1, 1)?;
    let key = key_format();
    let info = info_format(false);
    let wrap = info_format(true);
    let money = money_format();
    let years = data.renstra_years();
    let programs = program_order(&data.org.programs);
    for (i, p) in programs.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, &p.code, &key)?;
        ws.write_string_with_format(row, 1, p.level.label(), &info)?;
        ws.write_string_with_format(row, 2, &p.name, &wrap)?;
        ws.write_string_with_format(row, 3, program_unit_name(data.org, p), &wrap)?;
        let quarters = (1..=4).map(|q| data.budget_quarter(&p.code, q));
        let values = years.iter().map(|y| p.pagu.get(y).copied()).chain(quarters);
        for (j, v) in values.enumerate() {
            let col = COL_FIRST_PAGU + j as u16;
            match v {
                Some(v) => ws.write_number_with_format(row, col, v, &money)?,
                None => ws.write_blank(row, col, &money)?,
            };
        }
    }
    ws.autofilter(0, 0, programs.len() as u32, headers.len() as u16 - 1)?;
    protect(ws);
    Ok(())
}

fn read_only_note(s: &CellState) -> String {
    let mut note = format!("Status: {}.", s.status.label());
    if s.locked {
        note.push_str(" Periode sudah ditutup; nilai terkunci.");
    }
    note.push_str(" Nilai ini tidak dapat diubah dari buku kerja.");
    note
}

/// The workbook to fill in, prefilled with the tree and the current values (see the module
/// documentation for its layout).
pub fn template(data: &WorkbookData<'_>) -> Result<Vec<u8>, XlsxError> {
    let rows = tree_rows(data.org);
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title(format!("Isian Pokin {} — {}", data.year, data.org.name))
        .set_author("Pokin")
        .set_company(&data.org.name);
    // The document's creation date is the generation date (not the clock), so a template is
    // reproducible; a date Excel cannot hold is left out.
    let created = u16::try_from(data.generated.year()).ok().and_then(|y| {
        ExcelDateTime::from_ymd(y, data.generated.month() as u8, data.generated.day() as u8).ok()
    });
    if let Some(date) = created {
        props = props.set_creation_datetime(&date);
    }
    wb.set_properties(&props);
    petunjuk(wb.add_worksheet(), data)?;
    renstra_sheet(wb.add_worksheet(), data, &rows)?;
    period_sheet(wb.add_worksheet(), data, &rows, PeriodSheet::RencanaAksi)?;
    period_sheet(wb.add_worksheet(), data, &rows, PeriodSheet::Realisasi)?;
    if !data.org.programs.is_empty() {
        anggaran_sheet(wb.add_worksheet(), data)?;
    }
    wb.save_to_buffer()
}

// ---------------------------------------------------------------------------------------------
// Reading one cell.

/// The largest magnitude accepted for a number (as [`RealisationInput::problems`]).
const MAX_MAGNITUDE: f64 = 1e15;
/// The longest qualitative value accepted, in characters (as [`RealisationInput::problems`]).
const MAX_TEXT_CHARS: usize = 200;

/// A cell's text as typed, read as a value: empty (none), a number (`1.234,5`, `85.5`), a range
/// (`80–90`) or a qualitative value (`WTP`); or why not, in Indonesian, quoting the text.
/// This is the string path of every value cell of [`read`].
pub fn parse_cell_text(s: &str) -> Result<Option<TargetValue>, String> {
    let v = parse_value(s)?;
    if let Some(v) = &v {
        check_value(v, s.trim())?;
    }
    Ok(v)
}

fn check_value(v: &TargetValue, seen: &str) -> Result<(), String> {
    let number = |n: f64| {
        if !n.is_finite() {
            Err(format!("'{seen}' bukan angka terhingga"))
        } else if n.abs() > MAX_MAGNITUDE {
            Err(format!(
                "'{seen}' terlalu besar: paling besar {}",
                format::number(MAX_MAGNITUDE, 0)
            ))
        } else {
            Ok(())
        }
    };
    match v {
        TargetValue::Number(n) => number(*n),
        TargetValue::Range { min, max } => {
            number(*min)?;
            number(*max)?;
            if min > max {
                return Err(format!(
                    "rentang '{seen}' terbalik: batas bawah harus lebih kecil dari batas atas"
                ));
            }
            Ok(())
        }
        TargetValue::Qualitative(q) if q.chars().count() > MAX_TEXT_CHARS => Err(format!(
            "nilai kualitatif terlalu panjang ({} huruf; paling banyak {MAX_TEXT_CHARS})",
            q.chars().count()
        )),
        TargetValue::Qualitative(_) => Ok(()),
    }
}

/// How a stored number is quoted in a message.
fn number_seen(n: f64) -> String {
    if n.is_finite() && n.abs() <= MAX_MAGNITUDE {
        value_text(&TargetValue::Number(n))
    } else if n.is_finite() && n.abs() < 1e21 {
        format::number(n, 0)
    } else {
        format!("{n:e}")
    }
}

/// Whether a number format shows a percentage (`0%`, `0.00%`), outside quoted text.
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A value cell read: the value, its trimmed text when it held text, and how to quote it.
#[derive(Debug, Clone)]
struct Parsed {
    row: u32,
    col: u16,
    value: Option<TargetValue>,
    text: Option<String>,
}

impl Parsed {
    fn cell(&self) -> String {
        cell_name(self.row, self.col)
    }
}

/// A value cell's value, and its trimmed text when it held text.
type CellValue = (Option<TargetValue>, Option<String>);

/// One value cell: `percent` when Excel formats it as a percentage.
fn parse_cell(cell: &Data, percent: bool) -> Result<CellValue, String> {
    let number = |n: f64| -> Result<CellValue, String> {
        let seen = number_seen(n);
        if percent {
            return Err(format!(
                "sel berformat persen: Excel menyimpan '{}%' sebagai {seen}. Hapus format \
                 persen dan tulis angkanya saja (85 untuk 85%).",
                number_seen(n * 100.0)
            ));
        }
        let v = TargetValue::Number(n);
        check_value(&v, &seen)?;
        Ok((Some(v), None))
    };
    match cell {
        Data::Empty => Ok((None, None)),
        Data::String(s) => {
            let v = parse_cell_text(s)?;
            let text = v.as_ref().map(|_| s.trim().to_owned());
            Ok((v, text))
        }
        Data::Float(f) => number(*f),
        Data::Int(i) => number(*i as f64),
        Data::Bool(b) => Err(format!(
            "'{}' adalah nilai benar/salah, bukan angka atau teks; isi angka, rentang atau \
             nilai kualitatif",
            if *b { "TRUE" } else { "FALSE" }
        )),
        Data::DateTime(d) => Err(format!(
            "sel berisi tanggal/waktu (nilai Excel {d}), bukan angka atau teks; Excel mungkin \
             mengubah isian menjadi tanggal. Hapus format tanggalnya, atau awali isian dengan \
             tanda petik (')."
        )),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Err(format!(
            "sel berisi tanggal/waktu ('{s}'), bukan angka atau teks; awali isian dengan tanda \
             petik (') agar tidak diubah Excel"
        )),
        Data::Error(e) => Err(format!(
            "sel berisi galat Excel {e}; perbaiki rumusnya atau tulis nilainya langsung"
        )),
    }
}

/// An amount in rupiah on the `Anggaran` sheet: empty (none), a number Excel stores, or text
/// read with [`format::parse_number`] (`1.250.000`, `1250000`, `Rp 1.250.000,50`); not
/// negative, at most 10^15. `percent` when Excel formats the cell as a percentage.
fn parse_money(cell: &Data, percent: bool) -> Result<Option<f64>, String> {
    let (n, seen) = match cell {
        Data::Empty => return Ok(None),
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let digits = match t.get(..2) {
                Some(p) if p.eq_ignore_ascii_case("rp") => t[2..].trim_start(),
                _ => t,
            };
            match format::parse_number(digits) {
                Some(n) => (n, t.to_owned()),
                None => {
                    return Err(format!(
                        "'{t}' bukan jumlah rupiah yang sah; tulis angka seperti 1.250.000.000 \
                         (titik untuk ribuan, koma untuk desimal) tanpa teks lain"
                    ));
                }
            }
        }
        Data::Float(f) => (*f, number_seen(*f)),
        Data::Int(i) => (*i as f64, number_seen(*i as f64)),
        Data::Bool(b) => {
            return Err(format!(
                "'{}' adalah nilai benar/salah, bukan jumlah rupiah; tulis angka seperti \
                 1.250.000.000",
                if *b { "TRUE" } else { "FALSE" }
            ));
        }
        // Dates, times and Excel errors: the same reasons as any value cell.
        other => return parse_cell(other, false).map(|_| None),
    };
    if percent && matches!(cell, Data::Float(_) | Data::Int(_)) {
        return Err(format!(
            "sel berformat persen (Excel menyimpan '{}%' sebagai {seen}); hapus format persen \
             dan tulis jumlah rupiahnya",
            number_seen(n * 100.0)
        ));
    }
    if !n.is_finite() {
        Err(format!("'{seen}' bukan angka terhingga"))
    } else if n < 0.0 {
        Err(format!("'{seen}' negatif; anggaran tidak boleh negatif"))
    } else if n > MAX_MAGNITUDE {
        Err(format!(
            "'{seen}' terlalu besar: paling besar {}",
            format::number(MAX_MAGNITUDE, 0)
        ))
    } else {
        Ok(Some(n))
    }
}

/// How an amount in rupiah is shown in a change (`1.250.000`, `1.250.000,5`).
fn money_text(v: f64) -> String {
    format::number_trimmed(v, 2)
}

/// The text of a key or descriptive cell.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => number_seen(*f),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Reading the workbook.

/// What a value cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Baseline,
    Year(i32),
    /// 0-based index in the indicator's periodisation.
    Period(usize),
}

/// One data row: the indicator and the value cells read.
struct SheetRow {
    key: IndicatorKey,
    cells: Vec<(Slot, Parsed)>,
}

/// What a budget cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BudgetSlot {
    Pagu(i32),
    /// 1–4.
    Quarter(u8),
}

/// A budget cell read.
struct Money {
    row: u32,
    col: u16,
    value: Option<f64>,
}

/// One row of the `Anggaran` sheet: the item and the value cells read.
struct BudgetRow<'a> {
    program: &'a Program,
    cells: Vec<(BudgetSlot, Money)>,
}

/// The order of the `Anggaran` sheet's problems in the error list.
const ORDER_ANGGARAN: u8 = 4;

/// A problem, with where it sorts: (sheet order, row, column).
struct Found {
    order: (u8, u32, u16),
    error: CellError,
}

struct Scan<'d, 'a> {
    data: &'d WorkbookData<'a>,
    indicators: HashMap<IndicatorKey, &'a Indicator>,
    programs: HashMap<&'a str, &'a Program>,
    found: Vec<Found>,
}

static EMPTY: Data = Data::Empty;

fn at(range: &Range<Data>, row: u32, col: u16) -> &Data {
    range.get_value((row, u32::from(col))).unwrap_or(&EMPTY)
}

/// The last row and column the range covers (`None` when empty).
fn extent(range: &Range<Data>) -> Option<(u32, u16)> {
    range
        .end()
        .map(|(r, c)| (r, u16::try_from(c).unwrap_or(u16::MAX)))
}

impl<'d, 'a> Scan<'d, 'a> {
    fn new(data: &'d WorkbookData<'a>) -> Self {
        let indicators = tree_rows(data.org)
            .into_iter()
            .map(|r| (r.key, r.indicator))
            .collect();
        let programs = data
            .org
            .programs
            .iter()
            .map(|p| (p.code.as_str(), p))
            .collect();
        Scan {
            data,
            indicators,
            programs,
            found: Vec::new(),
        }
    }

    fn error(&mut self, order: u8, sheet: &str, row: u32, col: u16, message: String) {
        self.found.push(Found {
            order: (order, row, col),
            error: CellError {
                sheet: sheet.to_owned(),
                cell: cell_name(row, col),
                message,
            },
        });
    }

    fn sheet_error(&mut self, order: u8, sheet: &str, message: String) {
        self.found.push(Found {
            order: (order, 0, 0),
            error: CellError {
                sheet: sheet.to_owned(),
                cell: "-".into(),
                message,
            },
        });
    }

    /// The organisation and year on `Petunjuk`, when the sheet is there.
    fn petunjuk(&mut self, range: &Range<Data>) {
        let Some((last_row, _)) = extent(range) else {
            return;
        };
        for row in 0..=last_row.min(50) {
            let label = cell_text(at(range, row, 0));
            let value = at(range, row, 1);
            match label.as_str() {
                "Organisasi" => {
                    let name = cell_text(value);
                    if squash(&name) != squash(&self.data.org.name) {
                        self.error(
                            0,
                            SHEET_PETUNJUK,
                            row,
                            1,
                            format!(
                                "buku kerja ini dibuat untuk '{name}', bukan untuk '{}'; \
                                 unduh templat organisasi ini",
                                self.data.org.name
                            ),
                        );
                    }
                }
                "Tahun" => {
                    let year = match value {
                        Data::Float(f) => Some(*f),
                        Data::Int(i) => Some(*i as f64),
                        Data::String(s) => s.trim().parse::<f64>().ok(),
                        _ => None,
                    };
                    if year != Some(f64::from(self.data.year)) {
                        self.error(
                            0,
                            SHEET_PETUNJUK,
                            row,
                            1,
                            format!(
                                "buku kerja ini untuk tahun '{}', bukan {}; unduh templat \
                                 tahun {}",
                                cell_text(value),
                                self.data.year,
                                self.data.year
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// Checks the fixed headers; false when the columns cannot be trusted.
    fn headers(
        &mut self,
        order: u8,
        sheet: &str,
        range: &Range<Data>,
        expected: &[String],
    ) -> bool {
        if (0..expected.len() as u16).all(|col| is_blank(at(range, 0, col))) {
            self.sheet_error(
                order,
                sheet,
                "lembar ini kosong atau baris judulnya terhapus; unduh templat baru dan isi \
                 lagi"
                    .into(),
            );
            return false;
        }
        let mut ok = true;
        for (col, want) in expected.iter().enumerate() {
            let col = col as u16;
            let seen = cell_text(at(range, 0, col));
            if !seen.eq_ignore_ascii_case(want) {
                ok = false;
                let message = if seen.is_empty() {
                    format!("judul kolom '{want}' hilang; jangan menghapus atau memindahkan kolom")
                } else {
                    format!(
                        "judul kolom seharusnya '{want}', tertulis '{seen}'; jangan mengubah, \
                         menghapus atau memindahkan kolom"
                    )
                };
                self.error(order, sheet, 0, col, message);
            }
        }
        ok
    }

    /// A column after the known ones that holds anything: refused at its header.
    fn extra_columns(&mut self, order: u8, sheet: &str, range: &Range<Data>, from: u16) {
        let Some((last_row, last_col)) = extent(range) else {
            return;
        };
        for col in from..=last_col {
            if (0..=last_row).any(|row| !is_blank(at(range, row, col))) {
                let h = cell_text(at(range, 0, col));
                self.error(
                    order,
                    sheet,
                    0,
                    col,
                    format!(
                        "kolom tambahan '{h}' tidak dikenal; isian di kolom ini tidak dibaca. \
                         Hapus kolom ini."
                    ),
                );
            }
        }
    }

    /// The indicator of a data row, or `None` (with the problem recorded) when the row is
    /// empty, has no or unknown keys, does not match its indicator, or repeats an earlier row.
    fn row_key(
        &mut self,
        order: u8,
        sheet: &str,
        range: &Range<Data>,
        row: u32,
        last_col: u16,
        seen: &mut HashMap<IndicatorKey, u32>,
    ) -> Option<IndicatorKey> {
        if (0..=last_col).all(|col| is_blank(at(range, row, col))) {
            return None;
        }
        let unit_text = cell_text(at(range, row, COL_UNIT_KEY));
        let code_text = cell_text(at(range, row, COL_CODE));
        if unit_text.is_empty() && code_text.is_empty() {
            self.error(
                order,
                sheet,
                row,
                COL_UNIT_KEY,
                "baris tanpa Kunci unit dan Kode IK; jangan menambah baris. Isian baris ini \
                 tidak dibaca."
                    .into(),
            );
            return None;
        }
        let unit = UnitKey::parse(&unit_text)
            .ok()
            .and_then(|k| self.data.org.unit(&k));
        let Some(unit) = unit else {
            self.error(
                order,
                sheet,
                row,
                COL_UNIT_KEY,
                format!(
                    "kunci unit '{unit_text}' tidak dikenal dalam organisasi ini; jangan \
                     mengubah kolom kunci"
                ),
            );
            return None;
        };
        let key = Code::parse(&code_text).ok().map(|code| IndicatorKey {
            unit: unit.key.clone(),
            code,
        });
        let Some((key, indicator)) = key.and_then(|k| {
            let i = self.indicators.get(&k).copied()?;
            Some((k, i))
        }) else {
            self.error(
                order,
                sheet,
                row,
                COL_CODE,
                format!(
                    "kode IK '{code_text}' tidak ada pada unit '{}'; jangan mengubah kolom kunci",
                    unit.key
                ),
            );
            return None;
        };
        let name = cell_text(at(range, row, COL_INDICATOR));
        if squash(&name) != squash(&indicator.name) {
            self.error(
                order,
                sheet,
                row,
                COL_CODE,
                format!(
                    "kolom kunci tidak cocok dengan barisnya: {} {} adalah '{}', tetapi kolom \
                     Indikator berisi '{name}'. Jangan mengubah kolom kunci; unduh templat \
                     terbaru jika indikatornya diganti.",
                    key.unit, key.code, indicator.name
                ),
            );
            return None;
        }
        if let Some(first) = seen.get(&key) {
            self.error(
                order,
                sheet,
                row,
                COL_UNIT_KEY,
                format!(
                    "indikator {} {} sudah ada di baris {}; setiap indikator hanya satu baris",
                    key.unit,
                    key.code,
                    first + 1
                ),
            );
            return None;
        }
        seen.insert(key.clone(), row);
        Some(key)
    }

    /// Reads one value cell; a problem is recorded and `None` returned.
    fn value(
        &mut self,
        order: u8,
        sheet: &str,
        range: &Range<Data>,
        styles: &StyleRange,
        row: u32,
        col: u16,
    ) -> Option<Parsed> {
        let cell = at(range, row, col);
        let percent = matches!(cell, Data::Float(_) | Data::Int(_)) && percent_at(styles, row, col);
        match parse_cell(cell, percent) {
            Ok((value, text)) => Some(Parsed {
                row,
                col,
                value,
                text,
            }),
            Err(message) => {
                self.error(order, sheet, row, col, message);
                None
            }
        }
    }

    /// The `Anggaran` sheet: one row per budget item, named by `Kode`.
    fn anggaran(&mut self, range: &Range<Data>, styles: &StyleRange) -> Vec<BudgetRow<'a>> {
        const ORDER: u8 = ORDER_ANGGARAN;
        let sheet = SHEET_ANGGARAN;
        let headers = anggaran_headers(self.data);
        if !self.headers(ORDER, sheet, range, &headers) {
            return Vec::new();
        }
        self.extra_columns(ORDER, sheet, range, headers.len() as u16);
        let Some((last_row, last_col)) = extent(range) else {
            return Vec::new();
        };
        let years = self.data.renstra_years();
        let slots: Vec<BudgetSlot> = years
            .iter()
            .map(|y| BudgetSlot::Pagu(*y))
            .chain((1..=4).map(BudgetSlot::Quarter))
            .collect();
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut out = Vec::new();
        for row in 1..=last_row {
            if (0..=last_col).all(|col| is_blank(at(range, row, col))) {
                continue;
            }
            let code = cell_text(at(range, row, 0));
            if code.is_empty() {
                self.error(
                    ORDER,
                    sheet,
                    row,
                    0,
                    "baris tanpa Kode; jangan menambah baris. Isian baris ini tidak dibaca.".into(),
                );
                continue;
            }
            let Some(program) = self.programs.get(code.as_str()).copied() else {
                self.error(
                    ORDER,
                    sheet,
                    row,
                    0,
                    format!(
                        "kode '{code}' bukan program, kegiatan atau sub kegiatan organisasi ini; \
                         jangan mengubah kolom Kode. Unduh templat terbaru jika programnya \
                         diubah."
                    ),
                );
                continue;
            };
            if let Some(first) = seen.get(program.code.as_str()) {
                self.error(
                    ORDER,
                    sheet,
                    row,
                    0,
                    format!(
                        "{} {} sudah ada di baris {}; setiap kode hanya satu baris",
                        program.level.label(),
                        program.code,
                        first + 1
                    ),
                );
                continue;
            }
            seen.insert(program.code.as_str(), row);
            let expected = [
                (1, program.level.label().to_owned()),
                (2, program.name.clone()),
                (3, program_unit_name(self.data.org, program)),
            ];
            for (col, want) in expected {
                let got = cell_text(at(range, row, col));
                if squash(&got) != squash(&want) {
                    self.error(
                        ORDER,
                        sheet,
                        row,
                        col,
                        format!(
                            "kolom {} dikunci dan tidak boleh diubah: untuk kode {} seharusnya \
                             '{want}', tertulis '{got}'. Unduh templat terbaru jika datanya \
                             sudah diubah.",
                            ANGGARAN_LEADING[usize::from(col)].0,
                            program.code
                        ),
                    );
                }
            }
            let mut cells = Vec::new();
            for (j, slot) in slots.iter().enumerate() {
                let col = COL_FIRST_PAGU + j as u16;
                let cell = at(range, row, col);
                let percent = percent_at(styles, row, col);
                match parse_money(cell, percent) {
                    Ok(value) => cells.push((*slot, Money { row, col, value })),
                    Err(message) => self.error(ORDER, sheet, row, col, message),
                }
            }
            out.push(BudgetRow { program, cells });
        }
        out
    }

    fn renstra(&mut self, range: &Range<Data>, styles: &StyleRange) -> Vec<SheetRow> {
        const ORDER: u8 = 1;
        let sheet = SHEET_RENSTRA;
        let mut fixed: Vec<String> = LEADING.iter().map(|(h, _)| (*h).to_owned()).collect();
        fixed.push("Baseline".into());
        if !self.headers(ORDER, sheet, range, &fixed) {
            return Vec::new();
        }
        let Some((last_row, last_col)) = extent(range) else {
            return Vec::new();
        };
        let allowed = self.data.renstra_years();
        let period = match self.data.org.renstra {
            Some(r) => format!("periode Renstra {}–{}", r.start, r.end),
            None => format!("tahun {} (Renstra belum ditetapkan)", self.data.year),
        };
        // The year columns: `Target <year>` within the Renstra, each once.
        let mut columns: Vec<(u16, i32)> = Vec::new();
        for col in COL_AFTER_LEADING + 1..=last_col {
            let header = cell_text(at(range, 0, col));
            let used = (1..=last_row).any(|row| !is_blank(at(range, row, col)));
            if header.is_empty() && !used {
                continue;
            }
            let year = header
                .strip_prefix("Target")
                .map(str::trim)
                .and_then(|y| y.parse::<i32>().ok());
            let message = match year {
                None => format!(
                    "judul kolom '{header}' tidak dikenal; kolom tahun ditulis 'Target 2026'. \
                     Isian kolom ini tidak dibaca."
                ),
                Some(y) if !allowed.contains(&y) => {
                    format!("tahun {y} di luar {period}; kolom ini tidak dibaca. Hapus kolomnya.")
                }
                Some(y) if columns.iter().any(|(_, seen)| *seen == y) => {
                    format!("kolom Target {y} muncul lebih dari sekali")
                }
                Some(y) => {
                    columns.push((col, y));
                    continue;
                }
            };
            self.error(ORDER, sheet, 0, col, message);
        }
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for row in 1..=last_row {
            let Some(key) = self.row_key(ORDER, sheet, range, row, last_col, &mut seen) else {
                continue;
            };
            let mut cells = Vec::new();
            if let Some(p) = self.value(ORDER, sheet, range, styles, row, COL_AFTER_LEADING) {
                cells.push((Slot::Baseline, p));
            }
            for (col, year) in &columns {
                if let Some(p) = self.value(ORDER, sheet, range, styles, row, *col) {
                    cells.push((Slot::Year(*year), p));
                }
            }
            out.push(SheetRow { key, cells });
        }
        out
    }

    fn periods(
        &mut self,
        kind: PeriodSheet,
        range: &Range<Data>,
        styles: &StyleRange,
    ) -> Vec<SheetRow> {
        let order = kind.order();
        let sheet = kind.name(self.data.year);
        let headers = kind.headers(self.data.year);
        if !self.headers(order, &sheet, range, &headers) {
            return Vec::new();
        }
        self.extra_columns(order, &sheet, range, headers.len() as u16);
        let Some((last_row, last_col)) = extent(range) else {
            return Vec::new();
        };
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for row in 1..=last_row {
            let Some(key) = self.row_key(order, &sheet, range, row, last_col, &mut seen) else {
                continue;
            };
            let own = periodisation_of(self.indicators[&key]);
            let mut cells = Vec::new();
            for c in 0..PERIOD_COLUMNS {
                let col = COL_FIRST_PERIOD + c as u16;
                let (p, n) = period_column(c);
                if p != own {
                    let cell = at(range, row, col);
                    if !is_blank(cell) {
                        self.error(
                            order,
                            &sheet,
                            row,
                            col,
                            format!(
                                "indikator ini dilaporkan {}; kolom {} harus kosong (berisi '{}')",
                                match own {
                                    Periodisation::Triwulan => "per triwulan",
                                    Periodisation::Bulanan => "per bulan",
                                },
                                p.label(n),
                                cell_text(cell)
                            ),
                        );
                    }
                    continue;
                }
                if let Some(parsed) = self.value(order, &sheet, range, styles, row, col) {
                    cells.push((Slot::Period(n - 1), parsed));
                }
            }
            out.push(SheetRow { key, cells });
        }
        out
    }
}

/// Whether Excel formats a cell as a percentage.
fn percent_at(styles: &StyleRange, row: u32, col: u16) -> bool {
    styles
        .get((row, u32::from(col)))
        .and_then(|s| s.number_format.as_ref())
        .is_some_and(|f| is_percent_format(&f.format_code) || matches!(f.format_id, Some(9 | 10)))
}

/// Numbers and ranges, or qualitative values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Numeric,
    Qualitative,
}

fn kind(v: &TargetValue) -> Kind {
    match v {
        TargetValue::Qualitative(_) => Kind::Qualitative,
        _ => Kind::Numeric,
    }
}

/// How many values are numeric and how many qualitative.
fn tally<'v>(values: impl IntoIterator<Item = &'v TargetValue>) -> (usize, usize) {
    values.into_iter().fold((0, 0), |(n, q), v| match kind(v) {
        Kind::Numeric => (n + 1, q),
        Kind::Qualitative => (n, q + 1),
    })
}

/// The kind most of `after` have; on a tie the kind most of `before` have, then numbers.
/// `None` when `after` is empty.
fn majority(after: (usize, usize), before: (usize, usize)) -> Option<Kind> {
    let pick = |(n, q): (usize, usize)| match n.cmp(&q) {
        std::cmp::Ordering::Greater => Some(Kind::Numeric),
        std::cmp::Ordering::Less => Some(Kind::Qualitative),
        std::cmp::Ordering::Equal => None,
    };
    if after == (0, 0) {
        return None;
    }
    pick(after).or_else(|| pick(before)).or(Some(Kind::Numeric))
}

/// Whether an uploaded value is the current one: equal, equal as typed in forms, or the
/// current qualitative text written again.
fn unchanged(current: Option<&TargetValue>, new: &Parsed) -> bool {
    match (current, new.value.as_ref()) {
        (None, None) => true,
        (Some(TargetValue::Qualitative(c)), _) if new.text.as_deref() == Some(c.trim()) => true,
        (Some(c), Some(n)) => {
            c == n
                || (kind(c) == kind(n)
                    && match (c, n) {
                        (TargetValue::Qualitative(a), TargetValue::Qualitative(b)) => {
                            a.trim() == b.trim()
                        }
                        _ => value_text(c) == value_text(n),
                    })
        }
        _ => false,
    }
}

/// Why a typed target does not fit the kind the indicator's values have (`want`), if it does
/// not.
fn target_kind_problem(want: Option<Kind>, p: &Parsed) -> Option<String> {
    let (want, v) = (want?, p.value.as_ref()?);
    if kind(v) == want {
        return None;
    }
    let seen = p.text.clone().unwrap_or_else(|| value_text(v));
    Some(kind_message(want, &seen, false))
}

fn kind_message(expected: Kind, seen: &str, realisation: bool) -> String {
    match expected {
        Kind::Numeric => format!(
            "'{seen}' bukan angka yang sah; indikator ini diukur dengan angka. Tulis angka \
             seperti 85,5 atau 1.250.000{}",
            if realisation {
                ""
            } else {
                ", atau rentang seperti 80–90"
            }
        ),
        Kind::Qualitative => format!(
            "'{seen}' berupa angka, padahal indikator ini diukur dengan nilai kualitatif \
             (misalnya WTP); tulis nilai kualitatifnya"
        ),
    }
}

/// Reads an uploaded workbook against the current data: the values that differ, or every
/// problem found (see the module documentation).
pub fn read(bytes: &[u8], data: &WorkbookData<'_>) -> Result<Preview, Vec<CellError>> {
    // calamine parses untrusted bytes and can panic on a malformed archive (fuzzing found an
    // arithmetic overflow on a mangled cell reference): the uploader gets an error, not a dropped
    // connection.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook(bytes, data)))
        .unwrap_or_else(|_| {
            Err(vec![CellError {
                sheet: String::new(),
                cell: "-".into(),
                message: "berkas ini rusak atau bukan buku kerja Excel (.xlsx) yang dapat dibaca; \
                          buka di Excel, simpan sebagai Excel Workbook (.xlsx) lalu unggah lagi"
                    .into(),
            }])
        })
}

fn read_workbook(bytes: &[u8], data: &WorkbookData<'_>) -> Result<Preview, Vec<CellError>> {
    let mut wb = match Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => return Err(vec![not_a_workbook(bytes, &e)]),
    };
    let names = wb.sheet_names();
    let mut scan = Scan::new(data);
    if names.iter().any(|n| n == SHEET_PETUNJUK)
        && let Ok(range) = wb.worksheet_range(SHEET_PETUNJUK)
    {
        scan.petunjuk(&range);
    }
    let mut load =
        |name: &str, order: u8, scan: &mut Scan<'_, '_>| -> Option<(Range<Data>, StyleRange)> {
            if !names.iter().any(|n| n == name) {
                let present = names
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                scan.sheet_error(
                    order,
                    name,
                    format!(
                        "lembar '{name}' tidak ditemukan (lembar yang ada: {present}); jangan \
                     mengganti nama atau menghapus lembar, dan pastikan buku kerjanya untuk \
                     tahun {}",
                        data.year
                    ),
                );
                return None;
            }
            match wb.worksheet_range(name) {
                Ok(range) => {
                    let styles = wb
                        .worksheet_style(name)
                        .unwrap_or_else(|_| StyleRange::empty());
                    Some((range, styles))
                }
                Err(e) => {
                    scan.sheet_error(order, name, format!("lembar tidak dapat dibaca ({e})"));
                    None
                }
            }
        };
    let renstra = load(SHEET_RENSTRA, 1, &mut scan)
        .map(|(range, styles)| scan.renstra(&range, &styles))
        .unwrap_or_default();
    let ra = load(&sheet_rencana_aksi(data.year), 2, &mut scan)
        .map(|(range, styles)| scan.periods(PeriodSheet::RencanaAksi, &range, &styles))
        .unwrap_or_default();
    let real = load(&sheet_realisasi(data.year), 3, &mut scan)
        .map(|(range, styles)| scan.periods(PeriodSheet::Realisasi, &range, &styles))
        .unwrap_or_default();
    let budget = if data.org.programs.is_empty() && !names.iter().any(|n| n == SHEET_ANGGARAN) {
        Vec::new()
    } else {
        load(SHEET_ANGGARAN, ORDER_ANGGARAN, &mut scan)
            .map(|(range, styles)| scan.anggaran(&range, &styles))
            .unwrap_or_default()
    };
    let mut preview = compare(&mut scan, &renstra, &ra, &real);
    compare_budget(data, &budget, &mut preview);
    if scan.found.is_empty() {
        Ok(preview)
    } else {
        let mut found = scan.found;
        found.sort_by_key(|f| f.order);
        Err(found.into_iter().map(|f| f.error).collect())
    }
}

fn not_a_workbook(bytes: &[u8], e: &calamine::XlsxError) -> CellError {
    let message = if bytes.is_empty() {
        "berkas kosong; unggah buku kerja Excel (.xlsx) hasil unduhan templat".to_owned()
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "berkas ini buku kerja Excel 97–2003 (.xls) atau terlindungi sandi; simpan sebagai \
         Excel Workbook (.xlsx) tanpa sandi lalu unggah lagi"
            .to_owned()
    } else if bytes.starts_with(b"PK\x03\x04") {
        format!(
            "berkas ini bukan buku kerja Excel (.xlsx) yang dapat dibaca ({e}); simpan sebagai \
             Excel Workbook (.xlsx) lalu unggah lagi"
        )
    } else {
        "berkas ini bukan buku kerja Excel (.xlsx); unggah templat yang diunduh dari Pokin \
         setelah diisi dan disimpan sebagai .xlsx"
            .to_owned()
    };
    CellError {
        sheet: String::new(),
        cell: "-".into(),
        message,
    }
}

/// Compares the rows read with the current data: the batch and changes, with problems
/// recorded in `scan`.
fn compare(
    scan: &mut Scan<'_, '_>,
    renstra: &[SheetRow],
    ra: &[SheetRow],
    real: &[SheetRow],
) -> Preview {
    let data = scan.data;
    let year = data.year;
    // The indicator's Renstra and Rencana Aksi values after the upload, for the expected kind.
    let mut renstra_after: HashMap<
        &IndicatorKey,
        (Option<TargetValue>, BTreeMap<i32, TargetValue>),
    > = HashMap::new();
    for r in renstra {
        let indicator = scan.indicators[&r.key];
        let (baseline, targets) = renstra_after
            .entry(&r.key)
            .or_insert_with(|| (indicator.baseline.clone(), indicator.targets.clone()));
        for (slot, p) in &r.cells {
            match (slot, &p.value) {
                (Slot::Baseline, v) => baseline.clone_from(v),
                (Slot::Year(y), Some(v)) => {
                    targets.insert(*y, v.clone());
                }
                (Slot::Year(y), None) => {
                    targets.remove(y);
                }
                (Slot::Period(_), _) => {}
            }
        }
    }
    let mut ra_after: HashMap<&IndicatorKey, Vec<Option<TargetValue>>> = HashMap::new();
    for r in ra {
        let count = periodisation_of(scan.indicators[&r.key]).count();
        let values = ra_after.entry(&r.key).or_insert_with(|| {
            (0..count)
                .map(|i| data.period_target(&r.key, i).cloned())
                .collect()
        });
        for (slot, p) in &r.cells {
            if let Slot::Period(i) = slot
                && let Some(v) = values.get_mut(*i)
            {
                v.clone_from(&p.value);
            }
        }
    }
    let expected = |key: &IndicatorKey| -> Option<Kind> {
        let indicator = scan.indicators[key];
        let renstra_before = tally(indicator.baseline.iter().chain(indicator.targets.values()));
        let from_renstra = match renstra_after.get(key) {
            Some((b, t)) => majority(tally(b.iter().chain(t.values())), renstra_before),
            None => majority(renstra_before, renstra_before),
        };
        from_renstra.or_else(|| {
            let ra_before = tally(data.period_targets.get(key).into_iter().flatten().flatten());
            match ra_after.get(key) {
                Some(v) => majority(tally(v.iter().flatten()), ra_before),
                None => majority(ra_before, ra_before),
            }
        })
    };

    let mut preview = Preview::default();
    let mut problems: Vec<(u8, String, u32, u16, String)> = Vec::new();
    let shown = |v: Option<&TargetValue>| v.map(value_text);

    // Target Renstra.
    for r in renstra {
        let indicator = scan.indicators[&r.key];
        let want = expected(&r.key);
        for (slot, p) in &r.cells {
            let (current, what) = match slot {
                Slot::Baseline => (indicator.baseline.as_ref(), "Baseline".to_owned()),
                Slot::Year(y) => (indicator.targets.get(y), format!("Target {y}")),
                Slot::Period(_) => continue,
            };
            if unchanged(current, p) {
                continue;
            }
            if let Some(message) = target_kind_problem(want, p) {
                problems.push((1, SHEET_RENSTRA.into(), p.row, p.col, message));
                continue;
            }
            match slot {
                Slot::Baseline => preview
                    .batch
                    .baselines
                    .push((r.key.clone(), p.value.clone())),
                Slot::Year(y) => {
                    preview
                        .batch
                        .yearly_targets
                        .push((r.key.clone(), *y, p.value.clone()))
                }
                Slot::Period(_) => {}
            }
            preview.changes.push(Change {
                sheet: SHEET_RENSTRA.into(),
                cell: p.cell(),
                subject: Subject::Indicator(r.key.clone()),
                what,
                before: shown(current),
                after: shown(p.value.as_ref()),
            });
        }
    }

    // Rencana Aksi.
    let ra_sheet = sheet_rencana_aksi(year);
    for r in ra {
        let own = periodisation_of(scan.indicators[&r.key]);
        let want = expected(&r.key);
        for (slot, p) in &r.cells {
            let Slot::Period(i) = *slot else { continue };
            let current = data.period_target(&r.key, i);
            if unchanged(current, p) {
                continue;
            }
            if let Some(message) = target_kind_problem(want, p) {
                problems.push((2, ra_sheet.clone(), p.row, p.col, message));
                continue;
            }
            let period = match Period::new(year, own, i as u8 + 1) {
                Ok(period) => period,
                Err(why) => {
                    problems.push((2, ra_sheet.clone(), p.row, p.col, why));
                    continue;
                }
            };
            preview
                .batch
                .period_targets
                .push((r.key.clone(), period, p.value.clone()));
            preview.changes.push(Change {
                sheet: ra_sheet.clone(),
                cell: p.cell(),
                subject: Subject::Indicator(r.key.clone()),
                what: format!("Rencana Aksi {}", period.label()),
                before: shown(current),
                after: shown(p.value.as_ref()),
            });
        }
    }

    // Realisasi.
    let real_sheet = sheet_realisasi(year);
    for r in real {
        let own = periodisation_of(scan.indicators[&r.key]);
        let want = expected(&r.key);
        for (slot, p) in &r.cells {
            let Slot::Period(i) = *slot else { continue };
            let state = data.realisation(&r.key, i);
            let current = state.and_then(|s| s.value.as_ref()).map(realisation_value);
            if unchanged(current.as_ref(), p) {
                continue;
            }
            let mut problem = |message: String| {
                problems.push((3, real_sheet.clone(), p.row, p.col, message));
            };
            let period = match Period::new(year, own, i as u8 + 1) {
                Ok(period) => period,
                Err(why) => {
                    problem(why);
                    continue;
                }
            };
            let seen = p
                .text
                .clone()
                .or_else(|| p.value.as_ref().map(value_text))
                .unwrap_or_default();
            if let Some(s) = state
                && !s.editable()
            {
                let before = current
                    .as_ref()
                    .map_or_else(|| "kosong".to_owned(), |v| format!("'{}'", value_text(v)));
                let after = if seen.is_empty() {
                    "kosong".to_owned()
                } else {
                    format!("'{seen}'")
                };
                problem(if s.locked {
                    format!(
                        "realisasi {} terkunci karena periodenya sudah ditutup; nilainya \
                         ({before}) tidak dapat diubah menjadi {after}. Ajukan permintaan \
                         pembukaan kembali kepada perencana.",
                        period.label()
                    )
                } else {
                    format!(
                        "realisasi {} berstatus {}; nilainya ({before}) tidak dapat diubah \
                         menjadi {after} dari buku kerja",
                        period.label(),
                        s.status.label().to_lowercase()
                    )
                });
                continue;
            }
            let value = match &p.value {
                None => None,
                Some(TargetValue::Range { .. }) => {
                    problem(format!(
                        "'{seen}' adalah rentang; realisasi harus satu nilai (angka atau nilai \
                         kualitatif)"
                    ));
                    continue;
                }
                Some(v) if want.is_some_and(|w| w != kind(v)) => {
                    problem(kind_message(want.unwrap_or(Kind::Numeric), &seen, true));
                    continue;
                }
                Some(TargetValue::Number(n)) => Some(Realisation::Number(*n)),
                Some(TargetValue::Qualitative(s)) => Some(Realisation::Qualitative(s.clone())),
            };
            let input = RealisationInput {
                value: value.clone(),
                ..RealisationInput::default()
            };
            let issues = input.problems();
            if !issues.is_empty() {
                problem(issues.join("; "));
                continue;
            }
            preview
                .batch
                .realisations
                .push((r.key.clone(), period, value.clone()));
            preview.changes.push(Change {
                sheet: real_sheet.clone(),
                cell: p.cell(),
                subject: Subject::Indicator(r.key.clone()),
                what: format!("Realisasi {}", period.label()),
                before: current.as_ref().map(value_text),
                after: value.as_ref().map(realisation_text),
            });
        }
    }
    for (order, sheet, row, col, message) in problems {
        scan.error(order, &sheet, row, col, message);
    }
    preview
}

/// The budget cells that differ from the current data, appended to the preview.
fn compare_budget(data: &WorkbookData<'_>, rows: &[BudgetRow<'_>], preview: &mut Preview) {
    let year = data.year;
    for r in rows {
        let p = r.program;
        for (slot, m) in &r.cells {
            let current = match slot {
                BudgetSlot::Pagu(y) => p.pagu.get(y).copied(),
                BudgetSlot::Quarter(q) => data.budget_quarter(&p.code, *q),
            };
            let same = match (current, m.value) {
                (None, None) => true,
                (Some(a), Some(b)) => {
                    a == b
                        || value_text(&TargetValue::Number(a))
                            == value_text(&TargetValue::Number(b))
                }
                _ => false,
            };
            if same {
                continue;
            }
            let what = match slot {
                BudgetSlot::Pagu(y) => {
                    preview.batch.pagu.push((p.code.clone(), *y, m.value));
                    format!("Pagu {y}")
                }
                BudgetSlot::Quarter(q) => {
                    preview
                        .batch
                        .budget_realisations
                        .push((p.code.clone(), year, *q, m.value));
                    format!(
                        "Realisasi anggaran {} {year}",
                        Periodisation::Triwulan.label(usize::from(*q))
                    )
                }
            };
            preview.changes.push(Change {
                sheet: SHEET_ANGGARAN.into(),
                cell: cell_name(m.row, m.col),
                subject: Subject::Program {
                    code: p.code.clone(),
                    unit: p.unit.clone(),
                },
                what,
                before: current.map(money_text),
                after: m.value.map(money_text),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 7), "H12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(9, 701), "ZZ10");
        assert_eq!(cell_name(0, 702), "AAA1");
    }

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(!is_percent_format("#,##0.00"));
        assert!(!is_percent_format("0\"%\""));
        assert!(!is_percent_format("0\\%"));
    }

    #[test]
    fn cells() {
        assert_eq!(
            parse_cell(&Data::Float(85.5), false).unwrap().0,
            Some(TargetValue::Number(85.5))
        );
        assert!(
            parse_cell(&Data::Float(0.855), true)
                .unwrap_err()
                .contains("85,5%")
        );
        assert!(parse_cell(&Data::Bool(true), false).is_err());
        assert!(
            parse_cell(&Data::Float(2e15), false)
                .unwrap_err()
                .contains("terlalu besar")
        );
        assert!(parse_cell(&Data::Float(f64::NAN), false).is_err());
        assert_eq!(
            parse_cell(&Data::String("  ".into()), false).unwrap(),
            (None, None)
        );
        assert!(parse_cell_text("2.000.000.000.000.000").is_err());
        assert!(parse_cell_text("90–80").is_err());
        assert!(parse_cell_text(&"x".repeat(201)).is_err());
    }

    #[test]
    fn kinds() {
        let n = TargetValue::Number(1.0);
        let q = TargetValue::Qualitative("WTP".into());
        assert_eq!(tally([&n, &q, &q]), (1, 2));
        assert_eq!(majority((1, 1), (0, 0)), Some(Kind::Numeric));
        assert_eq!(majority((1, 1), (0, 2)), Some(Kind::Qualitative));
        assert_eq!(majority((1, 2), (3, 0)), Some(Kind::Qualitative));
        assert_eq!(majority((0, 0), (3, 0)), None);
    }
}
