//! The bulk-entry workbook: the template opens with the expected sheets, headers, values and
//! locks; read back unchanged it changes nothing; filled in, it gives exactly the batch and
//! changes expected; every bad cell is named; what is not a workbook is refused in one message.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::measure::{IndicatorKey, MeasurementBatch, Period, Status};
use pokin_domain::program::BudgetYear;
use pokin_domain::{Code, Organisation, TargetValue, UnitKey};
use pokin_import::xlsx::{
    CellError, CellState, Change, Subject, WorkbookData, parse_cell_text, read, template,
};
use pokin_import::yaml::from_yaml;
use proptest::prelude::*;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::HashSet;
use std::io::Cursor;

const YEAR: i32 = 2026;

const SMALL: &str = r#"format: pokin/1
organisation:
  name: Dinas Uji Coba
  renstra:
    start: 2025
    end: 2027
  units:
  - key: kepala-dinas
    name: Kepala Dinas
    kind: kepala
    parent: null
    objectives:
    - code: SS1
      statement: Meningkatnya mutu layanan
      indicators:
      - code: IKU1
        name: Indeks Kepuasan Masyarakat
        satuan: '%'
        polarity: positive
        baseline: 80.5
        decimals: 2
        targets:
          2025: 82.0
          2026: 84.0
          2027: 86.0
      - code: IKU2
        name: Opini BPK atas laporan keuangan
        satuan: opini
        targets:
          2025: WTP
          2026: WTP
  - key: sekretariat
    name: Sekretariat
    kind: sekretariat
    parent: kepala-dinas
    objectives:
    - code: SS1
      statement: Tertibnya administrasi perencanaan
      indicators:
      - code: IK1
        name: Jumlah dokumen perencanaan tepat waktu
        satuan: dokumen
        decimals: 0
        periodisation: bulanan
        targets:
          2026: 12.0
  - key: bidang-a
    name: Bidang A
    kind: bidang
    parent: kepala-dinas
    objectives:
    - code: SS1
      statement: Terjaganya rasio pelayanan
      indicators:
      - code: IK1
        name: Rasio petugas terhadap pemohon
        polarity: range
        targets:
          2026:
            min: 2.0
            max: 4.0
"#;

fn small() -> Organisation {
    from_yaml(SMALL).expect("the small organisation is valid")
}

fn key(unit: &str, code: &str) -> IndicatorKey {
    IndicatorKey {
        unit: UnitKey::parse(unit).unwrap(),
        code: Code::parse(code).unwrap(),
    }
}

fn state(value: Option<Realisation>, status: Status, locked: bool) -> Option<CellState> {
    Some(CellState {
        value,
        status,
        locked,
    })
}

fn num(n: f64) -> Option<Realisation> {
    Some(Realisation::Number(n))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// The small organisation with Rencana Aksi targets and realisations in every status.
fn small_data(org: &Organisation) -> WorkbookData<'_> {
    let mut data = WorkbookData::new(org, YEAR, today());
    data.period_targets.insert(
        key("kepala-dinas", "IKU1"),
        vec![
            Some(TargetValue::Number(83.0)),
            Some(TargetValue::Number(83.5)),
        ],
    );
    data.period_targets.insert(
        key("sekretariat", "IK1"),
        vec![
            Some(TargetValue::Number(1.0)),
            Some(TargetValue::Number(2.0)),
        ],
    );
    data.realisations.insert(
        key("kepala-dinas", "IKU1"),
        vec![
            state(num(82.5), Status::Diverifikasi, false),
            state(num(83.1), Status::Draft, false),
            state(None, Status::Draft, true),
            None,
        ],
    );
    data.realisations.insert(
        key("kepala-dinas", "IKU2"),
        vec![state(
            Some(Realisation::Qualitative("WTP".into())),
            Status::Draft,
            false,
        )],
    );
    data.realisations.insert(
        key("sekretariat", "IK1"),
        vec![
            state(num(1.0), Status::Diajukan, false),
            state(num(2.0), Status::Dikembalikan, false),
        ],
    );
    data
}

// ---------------------------------------------------------------------------------------------
// A small workbook model for the tests: read any workbook into grids, change cells, write it
// again with rust_xlsxwriter (same sheets, values only — as a spreadsheet program saving it).

#[derive(Debug, Clone)]
struct Sheet {
    name: String,
    cells: Vec<Vec<Data>>,
    /// Cells written with a percent number format.
    percent: HashSet<(u32, u16)>,
}

#[derive(Debug, Clone)]
struct Book(Vec<Sheet>);

/// Zero-based (row, column) of an A1-style name.
fn a1(name: &str) -> (u32, u16) {
    let letters: String = name.chars().take_while(char::is_ascii_alphabetic).collect();
    let row: u32 = name[letters.len()..].parse().unwrap();
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    (row - 1, (col - 1) as u16)
}

impl Book {
    fn open(bytes: &[u8]) -> Book {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("opens with calamine");
        let names = wb.sheet_names();
        Book(
            names
                .into_iter()
                .map(|name| {
                    let range = wb.worksheet_range(&name).expect("sheet reads");
                    let mut cells = Vec::new();
                    if let Some((last_row, last_col)) = range.end() {
                        for r in 0..=last_row {
                            cells.push(
                                (0..=last_col)
                                    .map(|c| range.get_value((r, c)).cloned().unwrap_or_default())
                                    .collect(),
                            );
                        }
                    }
                    Sheet {
                        name,
                        cells,
                        percent: HashSet::new(),
                    }
                })
                .collect(),
        )
    }

    fn sheet(&mut self, name: &str) -> &mut Sheet {
        self.0
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
    }

    fn get(&self, sheet: &str, cell: &str) -> Data {
        let (r, c) = a1(cell);
        let s = self.0.iter().find(|s| s.name == sheet).unwrap();
        s.cells
            .get(r as usize)
            .and_then(|row| row.get(usize::from(c)))
            .cloned()
            .unwrap_or_default()
    }

    fn set(&mut self, sheet: &str, cell: &str, value: Data) -> &mut Self {
        let (r, c) = a1(cell);
        let s = self.sheet(sheet);
        let (r, c) = (r as usize, usize::from(c));
        if s.cells.len() <= r {
            s.cells.resize(r + 1, Vec::new());
        }
        if s.cells[r].len() <= c {
            s.cells[r].resize(c + 1, Data::Empty);
        }
        s.cells[r][c] = value;
        self
    }

    fn text(&mut self, sheet: &str, cell: &str, value: &str) -> &mut Self {
        self.set(sheet, cell, Data::String(value.into()))
    }

    fn percent(&mut self, sheet: &str, cell: &str, value: f64) -> &mut Self {
        self.set(sheet, cell, Data::Float(value));
        let at = a1(cell);
        self.sheet(sheet).percent.insert(at);
        self
    }

    fn write(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let percent = Format::new().set_num_format("0%");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for s in &self.0 {
            let ws = wb.add_worksheet();
            ws.set_name(&s.name).unwrap();
            for (r, row) in s.cells.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        Data::Empty => {}
                        Data::String(v) => {
                            ws.write_string(r, c, v).unwrap();
                        }
                        Data::Float(v) if s.percent.contains(&(r, c)) => {
                            ws.write_number_with_format(r, c, *v, &percent).unwrap();
                        }
                        Data::Float(v) => {
                            ws.write_number(r, c, *v).unwrap();
                        }
                        Data::Int(v) => {
                            ws.write_number(r, c, *v as f64).unwrap();
                        }
                        Data::Bool(v) => {
                            ws.write_boolean(r, c, *v).unwrap();
                        }
                        Data::DateTime(v) => {
                            ws.write_number_with_format(r, c, v.as_f64(), &date)
                                .unwrap();
                        }
                        other => panic!("the test writer does not write {other:?}"),
                    }
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }
}

fn lines(errors: &[CellError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn header(book: &Book, sheet: &str) -> Vec<String> {
    book.0.iter().find(|s| s.name == sheet).unwrap().cells[0]
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn s(v: &str) -> Data {
    Data::String(v.into())
}

// ---------------------------------------------------------------------------------------------

#[test]
fn template_opens_with_the_expected_sheets_headers_and_values() {
    let org = small();
    let data = small_data(&org);
    let bytes = template(&data).expect("template");
    let book = Book::open(&bytes);
    let names: Vec<&str> = book.0.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Petunjuk",
            "Target Renstra",
            "Rencana Aksi 2026",
            "Realisasi 2026"
        ]
    );

    let leading = [
        "Kunci unit",
        "Kode IK",
        "Unit",
        "Sasaran",
        "Indikator",
        "Satuan",
        "Polaritas",
        "Periodisasi",
    ];
    let mut renstra: Vec<&str> = leading.to_vec();
    renstra.extend(["Baseline", "Target 2025", "Target 2026", "Target 2027"]);
    assert_eq!(header(&book, "Target Renstra"), renstra);
    let mut periods: Vec<&str> = leading.to_vec();
    periods.extend([
        "Target 2026",
        "TW I",
        "TW II",
        "TW III",
        "TW IV",
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]);
    assert_eq!(header(&book, "Rencana Aksi 2026"), periods);
    periods.push("Status");
    assert_eq!(header(&book, "Realisasi 2026"), periods);

    // Tree order: the head's indicators, then its children in document order.
    for sheet in ["Target Renstra", "Rencana Aksi 2026", "Realisasi 2026"] {
        let keys: Vec<String> = (2..=5)
            .map(|r| {
                format!(
                    "{} {}",
                    book.get(sheet, &format!("A{r}")),
                    book.get(sheet, &format!("B{r}"))
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                "kepala-dinas IKU1",
                "kepala-dinas IKU2",
                "sekretariat IK1",
                "bidang-a IK1"
            ],
            "{sheet}"
        );
        assert_eq!(
            book.get(sheet, "A6"),
            Data::Empty,
            "{sheet}: one row per indicator"
        );
    }

    // Petunjuk: organisation, year, date, and the instructions.
    let petunjuk: Vec<String> = book.0[0]
        .cells
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    for expected in [
        "Dinas Uji Coba",
        "2026",
        "28 November 2026",
        "2025–2027",
        "1.234,5",
        "80–90",
        "WTP",
        "abu-abu",
        "Impor",
    ] {
        assert!(
            petunjuk.iter().any(|t| t.contains(expected)),
            "Petunjuk mentions {expected}: {petunjuk:?}"
        );
    }

    // Numbers as numbers, ranges and qualitative values as text.
    assert_eq!(book.get("Target Renstra", "I2"), Data::Float(80.5));
    assert_eq!(book.get("Target Renstra", "K2"), Data::Float(84.0));
    assert_eq!(book.get("Target Renstra", "J3"), s("WTP"));
    assert_eq!(book.get("Target Renstra", "K5"), s("2–4"));
    assert_eq!(book.get("Target Renstra", "H4"), s("Bulanan"));
    assert_eq!(book.get("Target Renstra", "G5"), s("rentang"));
    assert_eq!(book.get("Rencana Aksi 2026", "I2"), Data::Float(84.0));
    assert_eq!(book.get("Rencana Aksi 2026", "K2"), Data::Float(83.5));
    assert_eq!(book.get("Rencana Aksi 2026", "N4"), Data::Float(1.0));
    assert_eq!(book.get("Realisasi 2026", "J2"), Data::Float(82.5));
    assert_eq!(book.get("Realisasi 2026", "J3"), s("WTP"));
    assert_eq!(
        book.get("Realisasi 2026", "Z2"),
        s("TW I: Diverifikasi; TW II: Draf; TW III: Draf (terkunci)")
    );
    assert_eq!(
        book.get("Realisasi 2026", "Z4"),
        s("Januari: Diajukan; Februari: Dikembalikan")
    );
}

#[test]
fn template_locks_what_cannot_be_edited() {
    let org = small();
    let data = small_data(&org);
    let bytes = template(&data).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let mut unlocked = |sheet: &str, cell: &str| -> bool {
        let styles = wb.worksheet_style(sheet).unwrap();
        let (r, c) = a1(cell);
        styles
            .get((r, u32::from(c)))
            .and_then(|s| s.protection.as_ref())
            .is_some_and(|p| !p.locked)
    };
    // Keys and descriptions are read-only everywhere.
    for cell in ["A2", "B2", "E2", "H2"] {
        assert!(!unlocked("Target Renstra", cell), "{cell}");
        assert!(!unlocked("Realisasi 2026", cell), "{cell}");
    }
    // Renstra values are editable.
    for cell in ["I2", "J2", "K2", "L2", "I5", "L5"] {
        assert!(unlocked("Target Renstra", cell), "Target Renstra!{cell}");
    }
    // Rencana Aksi: the indicator's own periods only; the year's target is read-only.
    assert!(!unlocked("Rencana Aksi 2026", "I2"));
    assert!(unlocked("Rencana Aksi 2026", "J2"));
    assert!(unlocked("Rencana Aksi 2026", "M2"));
    assert!(
        !unlocked("Rencana Aksi 2026", "N2"),
        "a month of a quarterly indicator"
    );
    assert!(
        !unlocked("Rencana Aksi 2026", "J4"),
        "a quarter of a monthly indicator"
    );
    assert!(unlocked("Rencana Aksi 2026", "Y4"));
    // Realisasi: verified, submitted and locked periods are read-only.
    assert!(!unlocked("Realisasi 2026", "J2"), "diverifikasi");
    assert!(unlocked("Realisasi 2026", "K2"), "draft");
    assert!(!unlocked("Realisasi 2026", "L2"), "locked");
    assert!(unlocked("Realisasi 2026", "M2"), "nothing recorded");
    assert!(!unlocked("Realisasi 2026", "N4"), "diajukan");
    assert!(unlocked("Realisasi 2026", "O4"), "dikembalikan");
    assert!(!unlocked("Realisasi 2026", "Z2"), "status summary");
}

#[test]
fn unchanged_template_reads_back_to_an_empty_batch() {
    let org = small();
    let data = small_data(&org);
    let bytes = template(&data).unwrap();
    let preview = read(&bytes, &data).unwrap_or_else(|e| panic!("{}", lines(&e)));
    assert!(preview.batch.is_empty(), "{:?}", preview.batch);
    assert!(preview.changes.is_empty());

    // Saved again by a spreadsheet program (values only, no styles): still nothing.
    let again = Book::open(&bytes).write();
    let preview = read(&again, &data).unwrap_or_else(|e| panic!("{}", lines(&e)));
    assert!(preview.batch.is_empty(), "{:?}", preview.batch);
}

#[test]
fn demo_template_reads_back_to_an_empty_batch() {
    let org = from_yaml(include_str!("../../../data/demo/dpmptsp-naker.yaml")).unwrap();
    let data = WorkbookData::new(&org, YEAR, today());
    let bytes = template(&data).unwrap();
    let book = Book::open(&bytes);
    let indicators: usize = org
        .units
        .iter()
        .flat_map(|u| &u.objectives)
        .map(|o| o.indicators.len())
        .sum();
    for sheet in &book.0[1..] {
        let rows = if sheet.name == "Anggaran" {
            org.programs.len()
        } else {
            indicators
        };
        assert_eq!(sheet.cells.len(), rows + 1, "{}", sheet.name);
    }
    let preview = read(&bytes, &data).unwrap_or_else(|e| panic!("{}", lines(&e)));
    assert!(preview.batch.is_empty());
}

#[test]
fn filled_in_workbook_gives_the_exact_batch_and_changes() {
    let org = small();
    let data = small_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    book.text("Target Renstra", "K2", "84,5") // IKU1 2026: 84 → 84,5
        .set("Target Renstra", "J2", Data::Empty) // IKU1 2025 cleared
        .text("Target Renstra", "L3", "WTP") // IKU2 2027: new
        .text("Target Renstra", "I5", "2 - 4") // bidang-a baseline: a range
        .text("Target Renstra", "K5", "2–4") // unchanged, retyped
        .set("Rencana Aksi 2026", "L2", Data::Float(85.0)) // IKU1 TW III: new
        .text("Rencana Aksi 2026", "K2", "83,5") // unchanged, as text
        .text("Rencana Aksi 2026", "N4", "1") // unchanged
        .text("Rencana Aksi 2026", "P4", "1.250") // sekretariat Maret: 1250
        .text("Realisasi 2026", "K2", "83,4") // IKU1 TW II draft: 83,1 → 83,4
        .set("Realisasi 2026", "M2", Data::Int(84)) // IKU1 TW IV: new
        .text("Realisasi 2026", "J3", " WTP ") // unchanged
        .set("Realisasi 2026", "O4", Data::Empty) // sekretariat Februari: cleared
        .text("Realisasi 2026", "J5", "3,5"); // bidang-a TW I
    let preview = read(&book.write(), &data).unwrap_or_else(|e| panic!("{}", lines(&e)));

    let iku1 = key("kepala-dinas", "IKU1");
    let iku2 = key("kepala-dinas", "IKU2");
    let sek = key("sekretariat", "IK1");
    let bid = key("bidang-a", "IK1");
    let tw = |n| Period::new(YEAR, Periodisation::Triwulan, n).unwrap();
    let month = |n| Period::new(YEAR, Periodisation::Bulanan, n).unwrap();
    assert_eq!(
        preview.batch,
        MeasurementBatch {
            pagu: Vec::new(),
            budget_realisations: Vec::new(),
            baselines: vec![(bid.clone(), Some(TargetValue::Range { min: 2.0, max: 4.0 }))],
            yearly_targets: vec![
                (iku1.clone(), 2025, None),
                (iku1.clone(), 2026, Some(TargetValue::Number(84.5))),
                (
                    iku2.clone(),
                    2027,
                    Some(TargetValue::Qualitative("WTP".into()))
                ),
            ],
            period_targets: vec![
                (iku1.clone(), tw(3), Some(TargetValue::Number(85.0))),
                (sek.clone(), month(3), Some(TargetValue::Number(1250.0))),
            ],
            realisations: vec![
                (iku1.clone(), tw(2), num(83.4)),
                (iku1.clone(), tw(4), num(84.0)),
                (sek.clone(), month(2), None),
                (bid.clone(), tw(1), num(3.5)),
            ],
        }
    );
    let changes: Vec<String> = preview
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}!{} {} {}: {} → {}",
                c.sheet,
                c.cell,
                c.subject,
                c.what,
                c.before.as_deref().unwrap_or("(kosong)"),
                c.after.as_deref().unwrap_or("(kosong)")
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            "Target Renstra!J2 kepala-dinas IKU1 Target 2025: 82 → (kosong)",
            "Target Renstra!K2 kepala-dinas IKU1 Target 2026: 84 → 84,5",
            "Target Renstra!L3 kepala-dinas IKU2 Target 2027: (kosong) → WTP",
            "Target Renstra!I5 bidang-a IK1 Baseline: (kosong) → 2–4",
            "Rencana Aksi 2026!L2 kepala-dinas IKU1 Rencana Aksi TW III 2026: (kosong) → 85",
            "Rencana Aksi 2026!P4 sekretariat IK1 Rencana Aksi Maret 2026: (kosong) → 1250",
            "Realisasi 2026!K2 kepala-dinas IKU1 Realisasi TW II 2026: 83,1 → 83,4",
            "Realisasi 2026!M2 kepala-dinas IKU1 Realisasi TW IV 2026: (kosong) → 84",
            "Realisasi 2026!O4 sekretariat IK1 Realisasi Februari 2026: 2 → (kosong)",
            "Realisasi 2026!J5 bidang-a IK1 Realisasi TW I 2026: (kosong) → 3,5",
        ]
    );
}

#[test]
fn every_bad_cell_is_named() {
    let org = small();
    let data = small_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    let date = match calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(date_workbook()))
        .unwrap()
        .worksheet_range("Sheet1")
        .unwrap()
        .get_value((0, 0))
    {
        Some(d @ Data::DateTime(_)) => d.clone(),
        other => panic!("expected a date, got {other:?}"),
    };
    book.text("Target Renstra", "K2", "12,3,4") // not a number
        .text("Target Renstra", "J5", "90–80") // inverted range
        .set("Target Renstra", "K3", Data::Float(95.0)) // a number for a qualitative indicator
        .text("Target Renstra", "L2", "8O") // a letter O for a zero
        .text("Target Renstra", "M1", "Target 2030") // outside the Renstra
        .set("Target Renstra", "M2", Data::Float(90.0))
        .text("Target Renstra", "N1", "Catatan") // an unknown column
        .text("Target Renstra", "N2", "lihat lampiran");
    // A duplicated row.
    let row2 = book.sheet("Target Renstra").cells[1].clone();
    book.sheet("Target Renstra").cells.push(row2);
    book.percent("Rencana Aksi 2026", "J2", 0.85) // 85% typed in Excel
        .text("Rencana Aksi 2026", "N2", "5") // a month of a quarterly indicator
        .set("Rencana Aksi 2026", "K4", Data::Float(7.0)) // a quarter of a monthly indicator
        .set("Rencana Aksi 2026", "M2", Data::Float(1e16)) // too large
        .text("Rencana Aksi 2026", "A5", "sekretariat") // key altered: another indicator
        .text("Rencana Aksi 2026", "A7", "") // a row added without keys
        .text("Rencana Aksi 2026", "J7", "10");
    book.text("Realisasi 2026", "K2", "abc") // not a number
        .set("Realisasi 2026", "J2", Data::Float(90.0)) // verified
        .set("Realisasi 2026", "L2", Data::Float(1.0)) // locked
        .set("Realisasi 2026", "M2", Data::Bool(true)) // a boolean
        .set("Realisasi 2026", "K3", date) // a date
        .text("Realisasi 2026", "A4", "bidang-x") // unknown unit
        .text("Realisasi 2026", "J5", "2–3") // a range as a realisation
        .text("Realisasi 2026", "B6", "IK9") // unknown code
        .text("Realisasi 2026", "A6", "bidang-a");

    let errors = read(&book.write(), &data).expect_err("refused");
    let cells: Vec<String> = errors
        .iter()
        .map(|e| format!("{}!{}", e.sheet, e.cell))
        .collect();
    assert_eq!(
        cells,
        [
            "Target Renstra!M1",
            "Target Renstra!N1",
            "Target Renstra!K2",
            "Target Renstra!L2",
            "Target Renstra!K3",
            "Target Renstra!J5",
            "Target Renstra!A6",
            "Rencana Aksi 2026!J2",
            "Rencana Aksi 2026!M2",
            "Rencana Aksi 2026!N2",
            "Rencana Aksi 2026!K4",
            "Rencana Aksi 2026!B5",
            "Rencana Aksi 2026!A7",
            "Realisasi 2026!J2",
            "Realisasi 2026!K2",
            "Realisasi 2026!L2",
            "Realisasi 2026!M2",
            "Realisasi 2026!K3",
            "Realisasi 2026!A4",
            "Realisasi 2026!J5",
            "Realisasi 2026!B6",
        ]
    );
    insta::assert_snapshot!("bad_cells", lines(&errors));
}

/// A workbook whose Sheet1!A1 is a date, as Excel stores one.
fn date_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_number_with_format(0, 0, 46023.0, &Format::new().set_num_format("dd/mm/yyyy"))
        .unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_read_only_realisation_cannot_be_changed() {
    let org = small();
    let data = small_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    book.set("Realisasi 2026", "J2", Data::Float(90.0));
    let errors = read(&book.write(), &data).expect_err("refused");
    assert_eq!(errors.len(), 1, "{}", lines(&errors));
    assert_eq!(
        errors[0].to_string(),
        "Realisasi 2026!J2: realisasi TW I 2026 berstatus diverifikasi; nilainya ('82,5') tidak \
         dapat diubah menjadi '90' dari buku kerja"
    );

    // Emptying a submitted one is a change too.
    let mut book = Book::open(&template(&data).unwrap());
    book.set("Realisasi 2026", "N4", Data::Empty);
    let errors = read(&book.write(), &data).expect_err("refused");
    assert_eq!(errors.len(), 1, "{}", lines(&errors));
    assert!(errors[0].message.contains("diajukan"), "{}", errors[0]);
    assert!(errors[0].message.contains("kosong"), "{}", errors[0]);

    // A locked period, even in draft.
    let mut book = Book::open(&template(&data).unwrap());
    book.text("Realisasi 2026", "L2", "80");
    let errors = read(&book.write(), &data).expect_err("refused");
    assert_eq!(errors.len(), 1, "{}", lines(&errors));
    assert!(errors[0].message.contains("terkunci"), "{}", errors[0]);
}

#[test]
fn a_missing_or_renamed_sheet_is_named() {
    let org = small();
    let data = small_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    book.sheet("Realisasi 2026").name = "Realisasi 2025".into();
    book.0.retain(|s| s.name != "Target Renstra");
    let errors = read(&book.write(), &data).expect_err("refused");
    let shown: Vec<String> = errors
        .iter()
        .map(|e| format!("{}!{}", e.sheet, e.cell))
        .collect();
    assert_eq!(shown, ["Target Renstra!-", "Realisasi 2026!-"]);
    assert!(
        errors[1]
            .to_string()
            .starts_with("Realisasi 2026: lembar 'Realisasi 2026' tidak ditemukan")
    );
    assert!(
        errors[1].message.contains("'Realisasi 2025'"),
        "{}",
        errors[1]
    );

    // The workbook of another year: Petunjuk says so, and its sheets are missing.
    let other = WorkbookData::new(&org, 2027, today());
    let errors = read(&template(&data).unwrap(), &other).expect_err("refused");
    assert_eq!(errors[0].sheet, "Petunjuk");
    assert!(
        errors[0].message.contains("tahun '2026', bukan 2027"),
        "{}",
        errors[0]
    );
    assert_eq!(errors.len(), 3, "{}", lines(&errors));
}

#[test]
fn what_is_not_a_workbook_is_refused_in_one_message() {
    let org = small();
    let data = small_data(&org);
    for bytes in [
        &b"Kunci unit;Kode IK\nkepala-dinas;IKU1\n"[..],
        b"",
        b"PK\x03\x04 not really a zip",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
    ] {
        let errors = read(bytes, &data).expect_err("refused");
        assert_eq!(errors.len(), 1, "{}", lines(&errors));
        assert_eq!(errors[0].sheet, "");
        assert_eq!(errors[0].cell, "-");
        let m = &errors[0].message;
        assert!(m.contains(".xlsx"), "{m}");
        assert_eq!(errors[0].to_string(), *m);
    }
}

#[test]
fn an_organisation_without_values_reads_back_to_nothing() {
    // An organisation without any value: the template, read back, is empty too.
    let org = from_yaml(
        r"format: pokin/1
organisation:
  name: Kosong
  units:
  - key: kepala
    name: Kepala
    kind: kepala
    objectives:
    - code: SS1
      statement: Sasaran
      indicators:
      - code: IK1
        name: Indikator
",
    )
    .unwrap();
    let data = WorkbookData::new(&org, YEAR, today());
    let bytes = template(&data).unwrap();
    let book = Book::open(&bytes);
    // Without a Renstra, the workbook's year is the only year column.
    assert_eq!(book.get("Target Renstra", "J1"), s("Target 2026"));
    assert_eq!(book.get("Target Renstra", "K1"), Data::Empty);
    let preview = read(&bytes, &data).unwrap();
    assert_eq!(preview, Default::default());
}

// ---------------------------------------------------------------------------------------------
// The Anggaran sheet.

/// The small organisation with programs: the sub kegiatan is listed before its kegiatan, and a
/// second program after them, so hierarchy order differs from document order.
const PROGRAMS: &str = r#"  programs:
  - code: '2.18.01'
    level: program
    name: Program Penunjang Urusan Pemerintahan Daerah
    unit: kepala-dinas
    objective: SS1
    pagu:
      2025: 1000000000
      2026: 1250000000
  - code: '2.18.01.2.01.0001'
    level: sub_kegiatan
    name: Penyusunan Dokumen Perencanaan Perangkat Daerah
    parent: '2.18.01.2.01'
    unit: sekretariat
    pagu:
      2026: 150000000.5
  - code: '2.18.01.2.01'
    level: kegiatan
    name: Perencanaan, Penganggaran, dan Evaluasi Kinerja
    parent: '2.18.01'
    unit: sekretariat
    objective: SS1
    pagu:
      2026: 300000000
  - code: '2.18.02'
    level: program
    name: Program Pelayanan Penanaman Modal
    unit: bidang-a
"#;

fn with_programs() -> Organisation {
    from_yaml(&format!("{SMALL}{PROGRAMS}")).expect("the organisation with programs is valid")
}

const SUB: &str = "2.18.01.2.01.0001";

/// `small_data` plus the realised budget of the sub kegiatan in TW I and TW II.
fn budget_data(org: &Organisation) -> WorkbookData<'_> {
    let mut data = small_data(org);
    data.budget.insert(
        SUB.into(),
        BudgetYear {
            quarters: [Some(50_000_000.0), Some(25_000_000.0), None, None],
        },
    );
    data
}

fn change_lines(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!(
                "{}!{} {} {}: {} → {}",
                c.sheet,
                c.cell,
                c.subject,
                c.what,
                c.before.as_deref().unwrap_or("(kosong)"),
                c.after.as_deref().unwrap_or("(kosong)")
            )
        })
        .collect()
}

#[test]
fn anggaran_sheet_lists_programs_in_hierarchy_order_with_their_budget() {
    let org = with_programs();
    let data = budget_data(&org);
    let bytes = template(&data).unwrap();
    let book = Book::open(&bytes);
    let names: Vec<&str> = book.0.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Petunjuk",
            "Target Renstra",
            "Rencana Aksi 2026",
            "Realisasi 2026",
            "Anggaran"
        ]
    );
    assert_eq!(
        header(&book, "Anggaran"),
        [
            "Kode",
            "Tingkat",
            "Nama",
            "Unit",
            "Pagu 2025",
            "Pagu 2026",
            "Pagu 2027",
            "Realisasi TW I 2026",
            "Realisasi TW II 2026",
            "Realisasi TW III 2026",
            "Realisasi TW IV 2026",
        ]
    );
    let rows: Vec<String> = (2..=6)
        .map(|r| {
            ["A", "B", "D"]
                .iter()
                .map(|c| book.get("Anggaran", &format!("{c}{r}")).to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2.18.01 | Program | Kepala Dinas",
            "2.18.01.2.01 | Kegiatan | Sekretariat",
            "2.18.01.2.01.0001 | Sub Kegiatan | Sekretariat",
            "2.18.02 | Program | Bidang A",
            " |  | ",
        ]
    );
    assert_eq!(
        book.get("Anggaran", "C3"),
        s("Perencanaan, Penganggaran, dan Evaluasi Kinerja")
    );
    // Each item's own pagu (not rolled up) and the realised budget, as numbers.
    assert_eq!(book.get("Anggaran", "E2"), Data::Float(1_000_000_000.0));
    assert_eq!(book.get("Anggaran", "F2"), Data::Float(1_250_000_000.0));
    assert_eq!(book.get("Anggaran", "G2"), Data::Empty);
    assert_eq!(book.get("Anggaran", "F4"), Data::Float(150_000_000.5));
    assert_eq!(book.get("Anggaran", "F5"), Data::Empty);
    assert_eq!(book.get("Anggaran", "H4"), Data::Float(50_000_000.0));
    assert_eq!(book.get("Anggaran", "I4"), Data::Float(25_000_000.0));
    assert_eq!(book.get("Anggaran", "J4"), Data::Empty);
    assert_eq!(book.get("Anggaran", "H3"), Data::Empty);

    // Kode, Tingkat, Nama, Unit locked; amounts editable, in a rupiah number format.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let styles = wb.worksheet_style("Anggaran").unwrap();
    let style = |cell: &str| {
        let (r, c) = a1(cell);
        styles.get((r, u32::from(c))).cloned()
    };
    let unlocked = |cell: &str| {
        style(cell)
            .and_then(|s| s.protection)
            .is_some_and(|p| !p.locked)
    };
    for cell in ["A2", "B2", "C2", "D2", "A5", "D5"] {
        assert!(!unlocked(cell), "Anggaran!{cell} locked");
    }
    for cell in ["E2", "G2", "H2", "K2", "F4", "K5"] {
        assert!(unlocked(cell), "Anggaran!{cell} editable");
        let code = style(cell)
            .and_then(|s| s.number_format)
            .map(|f| f.format_code)
            .unwrap_or_default();
        assert!(code.contains("Rp"), "Anggaran!{cell}: {code}");
    }

    // Petunjuk explains the sheet.
    let petunjuk: Vec<String> = book.0[0]
        .cells
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    let line = petunjuk
        .iter()
        .position(|t| t == "Anggaran")
        .map(|i| &petunjuk[i + 1])
        .expect("Petunjuk lists the Anggaran sheet");
    for expected in [
        "Pagu",
        "realisasi anggaran 2026",
        "1.250.000.000",
        "negatif",
    ] {
        assert!(line.contains(expected), "{expected}: {line}");
    }
}

#[test]
fn anggaran_template_reads_back_to_an_empty_batch() {
    let org = with_programs();
    let data = budget_data(&org);
    let bytes = template(&data).unwrap();
    let preview = read(&bytes, &data).unwrap_or_else(|e| panic!("{}", lines(&e)));
    assert_eq!(preview, Default::default());
    let again = Book::open(&bytes).write();
    let preview = read(&again, &data).unwrap_or_else(|e| panic!("{}", lines(&e)));
    assert_eq!(preview, Default::default());
}

#[test]
fn edited_budget_gives_the_exact_batch_and_changes() {
    let org = with_programs();
    let data = budget_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    book.text("Realisasi 2026", "K2", "83,4") // an indicator change comes first
        .text("Anggaran", "F2", "1.300.000.000") // program pagu 2026 changed
        .text("Anggaran", "E3", "Rp 200.000.000") // kegiatan pagu 2025: new, with Rp
        .text("Anggaran", "F3", "300.000.000") // unchanged, as text
        .set("Anggaran", "F4", Data::Empty) // sub kegiatan pagu 2026 cleared
        .set("Anggaran", "H4", Data::Int(50_000_000)) // unchanged, as an integer
        .text("Anggaran", "I4", "27.500.000,25") // TW II changed
        .set("Anggaran", "K4", Data::Float(10_000_000.0)) // TW IV: new
        .text("Anggaran", "G5", "75000000"); // the second program, pagu 2027
    let preview = read(&book.write(), &data).unwrap_or_else(|e| panic!("{}", lines(&e)));

    let tw2 = Period::new(YEAR, Periodisation::Triwulan, 2).unwrap();
    assert_eq!(
        preview.batch,
        MeasurementBatch {
            realisations: vec![(key("kepala-dinas", "IKU1"), tw2, num(83.4))],
            pagu: vec![
                ("2.18.01".into(), 2026, Some(1_300_000_000.0)),
                ("2.18.01.2.01".into(), 2025, Some(200_000_000.0)),
                (SUB.into(), 2026, None),
                ("2.18.02".into(), 2027, Some(75_000_000.0)),
            ],
            budget_realisations: vec![
                (SUB.into(), YEAR, 2, Some(27_500_000.25)),
                (SUB.into(), YEAR, 4, Some(10_000_000.0)),
            ],
            ..MeasurementBatch::default()
        }
    );
    assert_eq!(
        change_lines(&preview.changes),
        [
            "Realisasi 2026!K2 kepala-dinas IKU1 Realisasi TW II 2026: 83,1 → 83,4",
            "Anggaran!F2 2.18.01 Pagu 2026: 1.250.000.000 → 1.300.000.000",
            "Anggaran!E3 2.18.01.2.01 Pagu 2025: (kosong) → 200.000.000",
            "Anggaran!F4 2.18.01.2.01.0001 Pagu 2026: 150.000.000,5 → (kosong)",
            "Anggaran!I4 2.18.01.2.01.0001 Realisasi anggaran TW II 2026: 25.000.000 → \
             27.500.000,25",
            "Anggaran!K4 2.18.01.2.01.0001 Realisasi anggaran TW IV 2026: (kosong) → 10.000.000",
            "Anggaran!G5 2.18.02 Pagu 2027: (kosong) → 75.000.000",
        ]
    );
    // A budget change names its item and the unit listing it (for permission checks).
    let sub = &preview.changes[3].subject;
    assert_eq!(sub.unit().as_str(), "sekretariat");
    assert!(sub.indicator().is_none());
    assert!(matches!(sub, Subject::Program { code, .. } if code == SUB));
    assert_eq!(
        preview.changes[0].subject.indicator(),
        Some(&key("kepala-dinas", "IKU1"))
    );
}

#[test]
fn every_bad_budget_cell_is_named() {
    let org = with_programs();
    let data = budget_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    book.text("Anggaran", "E2", "satu miliar") // not a number
        .text("Anggaran", "F2", "-5.000") // negative
        .set("Anggaran", "G2", Data::Float(2e15)) // too large
        .text("Anggaran", "H2", "NaN") // not a number either
        .set("Anggaran", "I2", Data::Bool(false)) // a boolean
        .text("Anggaran", "C3", "Kegiatan lain") // a protected cell changed
        .text("Anggaran", "B4", "Kegiatan") // another one
        .percent("Anggaran", "J4", 0.5) // percent-formatted
        .text("Anggaran", "A5", "9.99.99") // not a program of the organisation
        .text("Anggaran", "F5", "100")
        .text("Anggaran", "A7", "") // a row added without Kode
        .text("Anggaran", "F7", "100");
    // A duplicated row.
    let row2 = book.sheet("Anggaran").cells[1].clone();
    book.sheet("Anggaran").cells[5] = row2;

    let errors = read(&book.write(), &data).expect_err("refused");
    let cells: Vec<String> = errors
        .iter()
        .map(|e| format!("{}!{}", e.sheet, e.cell))
        .collect();
    assert_eq!(
        cells,
        [
            "Anggaran!E2",
            "Anggaran!F2",
            "Anggaran!G2",
            "Anggaran!H2",
            "Anggaran!I2",
            "Anggaran!C3",
            "Anggaran!B4",
            "Anggaran!J4",
            "Anggaran!A5",
            "Anggaran!A6",
            "Anggaran!A7",
        ]
    );
    insta::assert_snapshot!("bad_budget_cells", lines(&errors));
}

#[test]
fn an_organisation_without_programs_has_no_anggaran_sheet() {
    let org = small();
    assert!(org.programs.is_empty());
    let data = small_data(&org);
    let bytes = template(&data).unwrap();
    let book = Book::open(&bytes);
    assert!(book.0.iter().all(|s| s.name != "Anggaran"));
    let petunjuk: Vec<String> = book.0[0]
        .cells
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    assert!(!petunjuk.iter().any(|t| t == "Anggaran"), "{petunjuk:?}");
    assert!(read(&bytes, &data).unwrap().batch.is_empty());

    // With programs, the sheet is required like the others.
    let org = with_programs();
    let data = budget_data(&org);
    let mut book = Book::open(&template(&data).unwrap());
    book.0.retain(|s| s.name != "Anggaran");
    let errors = read(&book.write(), &data).expect_err("refused");
    assert_eq!(errors.len(), 1, "{}", lines(&errors));
    assert_eq!(errors[0].sheet, "Anggaran");
    assert_eq!(errors[0].cell, "-");
}

// ---------------------------------------------------------------------------------------------
// Property tests.

fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9.,\\- –—%]{0,14}",
        "-?[0-9]{1,20}([.,][0-9]{0,8})?",
        "[0-9]{1,4} ?[-–] ?[0-9]{1,4}",
        "[A-Za-z]{1,5}",
        "\\PC{0,40}",
        Just("NaN".to_owned()),
        Just("inf".to_owned()),
        Just("1e300".to_owned()),
        Just("9".repeat(400)),
    ]
}

proptest! {
    /// Any text reads as a sane value or an Indonesian error quoting what was seen; never a
    /// panic, never a non-finite or huge number.
    #[test]
    fn cell_text_reads_as_a_value_or_an_error(text in cell_text()) {
        match parse_cell_text(&text) {
            Ok(None) => prop_assert!(text.trim().is_empty()),
            Ok(Some(TargetValue::Number(n))) => prop_assert!(n.is_finite() && n.abs() <= 1e15),
            Ok(Some(TargetValue::Range { min, max })) => {
                prop_assert!(min.is_finite() && max.is_finite() && min <= max);
                prop_assert!(min.abs() <= 1e15 && max.abs() <= 1e15);
            }
            Ok(Some(TargetValue::Qualitative(q))) => {
                prop_assert!(!q.trim().is_empty() && q.chars().count() <= 200);
            }
            Err(e) => {
                prop_assert!(!e.is_empty());
                prop_assert!(
                    ["bukan", "terlalu", "terbalik", "rentang"].iter().any(|w| e.contains(w)),
                    "not an Indonesian reason: {}", e
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same through a whole workbook: a draft realisation cell typed with anything gives
    /// one change or errors naming that cell.
    #[test]
    fn any_text_in_a_workbook_is_a_change_or_named(text in cell_text()) {
        let org = small();
        let data = small_data(&org);
        let mut book = Book::open(&template(&data).unwrap());
        book.text("Realisasi 2026", "K2", &text);
        match read(&book.write(), &data) {
            Ok(preview) => prop_assert!(preview.changes.len() <= 1),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert_eq!(&e.cell, "K2", "{}", e);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A budget cell typed with anything gives one change or errors naming that cell; a
    /// number it accepts is finite, not negative and not huge.
    #[test]
    fn any_text_in_a_budget_cell_is_a_change_or_named(text in cell_text()) {
        let org = with_programs();
        let data = budget_data(&org);
        let mut book = Book::open(&template(&data).unwrap());
        book.text("Anggaran", "I4", &text);
        match read(&book.write(), &data) {
            Ok(preview) => {
                prop_assert!(preview.changes.len() <= 1);
                for (_, _, _, v) in &preview.batch.budget_realisations {
                    prop_assert!(v.is_none_or(|v| v.is_finite() && (0.0..=1e15).contains(&v)));
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert_eq!(&e.cell, "I4", "{}", e);
                }
            }
        }
    }
}

#[test]
fn keys_are_what_they_seem() {
    // The helper's A1 parsing agrees with the library's.
    for (r, c) in [(0u32, 0u16), (11, 7), (3, 25), (3, 26), (99, 701)] {
        assert_eq!(a1(&pokin_import::xlsx::cell_name(r, c)), (r, c));
    }
}

/// Inputs the fuzzer (`scripts/fuzz`) found crashing the reader, kept as regressions: each is
/// refused with one Indonesian message instead of a panic.
#[test]
fn fuzzer_findings_are_refused_not_panics() {
    let org = from_yaml(include_str!("../../../data/demo/dpmptsp-naker.yaml")).unwrap();
    let data = WorkbookData::new(&org, YEAR, today());
    // A cell reference whose row number overflows inside calamine.
    let bytes = include_bytes!("fuzz-regressions/xlsx-cell-reference-overflow.xlsx");
    let errors = read(bytes, &data).expect_err("a mangled workbook is refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("buku kerja Excel (.xlsx)"),
        "{}",
        errors[0].message
    );
}
