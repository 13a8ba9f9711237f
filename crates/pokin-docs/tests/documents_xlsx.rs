//! The XLSX reports read back through calamine: the Evaluasi Hasil Renja with its live
//! formulas, the LKjIP Bab III tables and the Rencana Aksi. The files are kept in
//! `target/documents/` for a person to open.

mod common;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use pokin_docs::report_xlsx;
use pokin_domain::capaian::{Capaian, Periodisation, PredicateBands, Realisation};
use pokin_domain::document::{
    DocumentSettings, Lkjip, LkjipInput, PerjanjianKinerja, Renja, lkjip, perjanjian_kinerja, renja,
};
use pokin_domain::measure::{
    IndicatorKey, IndicatorYear, MeasureSettings, Period, RealisationInput, Span,
    measure_organisation,
};
use pokin_domain::program::{BudgetYear, Program, ProgramLevel};
use pokin_domain::{
    Indicator, Objective, Organisation, OrganisationDraft, Renstra, Support, TargetValue, Unit,
    UnitKind,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::PathBuf;

use common::{code, key};

const YEAR: i32 = 2026;
const HEAD: &str = "kepala-dinas";
const BIDANG: &str = "bidang-penanaman-modal";
const ORG: &str = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu";
const REGION: &str = "Kabupaten Boyolali";

// ---------------------------------------------------------------------------------------------
// Fixture: a head with two indicators (a count and an index) and a Bidang with a monthly one;
// a program with a kegiatan and a sub kegiatan, and a second program.

fn indicator(
    c: &str,
    name: &str,
    satuan: &str,
    targets: &[(i32, f64)],
    periodisation: Option<Periodisation>,
) -> Indicator {
    Indicator {
        satuan: Some(satuan.into()),
        periodisation,
        targets: targets
            .iter()
            .map(|(y, v)| (*y, TargetValue::Number(*v)))
            .collect(),
        ..Indicator::new(code(c), name)
    }
}

fn program(
    c: &str,
    level: ProgramLevel,
    name: &str,
    parent: Option<&str>,
    unit: &str,
    objective: Option<&str>,
    pagu: &[(i32, f64)],
) -> Program {
    Program {
        code: c.into(),
        level,
        name: name.into(),
        parent: parent.map(String::from),
        unit: key(unit),
        objective: objective.map(code),
        pagu: pagu.iter().copied().collect::<BTreeMap<_, _>>(),
    }
}

fn agency(demo: bool) -> Organisation {
    let head = Unit {
        key: key(HEAD),
        name: "Kepala Dinas".into(),
        kind: UnitKind::Kepala,
        parent: None,
        officials: Vec::new(),
        objectives: vec![Objective {
            code: code("SS1"),
            statement: "Meningkatnya realisasi investasi daerah".into(),
            supports: Vec::new(),
            indicators: vec![
                indicator(
                    "IK1",
                    "Jumlah izin usaha yang diterbitkan",
                    "izin",
                    &[(2025, 80.0), (YEAR, 100.0), (2029, 500.0)],
                    None,
                ),
                indicator(
                    "IK2",
                    "Indeks kepuasan masyarakat",
                    "indeks",
                    &[(YEAR, 85.0), (2029, 90.0)],
                    None,
                ),
            ],
        }],
    };
    let bidang = Unit {
        key: key(BIDANG),
        name: "Bidang Penanaman Modal".into(),
        kind: UnitKind::Bidang,
        parent: Some(key(HEAD)),
        officials: Vec::new(),
        objectives: vec![Objective {
            code: code("SS1"),
            statement: "Meningkatnya fasilitasi pelaku usaha".into(),
            supports: vec![Support {
                unit: key(HEAD),
                objective: code("SS1"),
                weight: 1.0,
            }],
            indicators: vec![indicator(
                "IK1",
                "Jumlah pelaku usaha yang difasilitasi",
                "pelaku usaha",
                &[(YEAR, 120.0), (2029, 600.0)],
                Some(Periodisation::Bulanan),
            )],
        }],
    };
    OrganisationDraft {
        name: ORG.into(),
        title: None,
        demo,
        renstra: Some(Renstra {
            start: 2025,
            end: 2029,
        }),
        units: vec![head, bidang],
        programs: vec![
            program(
                "2.18.01",
                ProgramLevel::Program,
                "PROGRAM PENGEMBANGAN IKLIM PENANAMAN MODAL",
                None,
                HEAD,
                Some("SS1"),
                &[(2025, 1_000_000_000.0), (YEAR, 1_200_000_000.0)],
            ),
            program(
                "2.18.01.2.01",
                ProgramLevel::Kegiatan,
                "Fasilitasi Pelaku Usaha",
                Some("2.18.01"),
                BIDANG,
                Some("SS1"),
                &[(YEAR, 700_000_000.0)],
            ),
            program(
                "2.18.01.2.01.0001",
                ProgramLevel::SubKegiatan,
                "Pendampingan Perizinan Berusaha",
                Some("2.18.01.2.01"),
                BIDANG,
                None,
                &[(YEAR, 400_000_000.0)],
            ),
            program(
                "2.18.02",
                ProgramLevel::Program,
                "PROGRAM PELAYANAN PENANAMAN MODAL",
                None,
                HEAD,
                None,
                &[(YEAR, 300_000_000.0)],
            ),
        ],
    }
    .validate()
    .expect("the test agency is valid")
}

fn settings() -> DocumentSettings {
    DocumentSettings {
        region: REGION.into(),
        place: "Boyolali".into(),
        head_title: "Bupati Boyolali".into(),
        head_name: "AGUS IRAWAN".into(),
    }
}

fn ik(unit: &str, c: &str) -> IndicatorKey {
    IndicatorKey {
        unit: key(unit),
        code: code(c),
    }
}

fn numbers(values: &[Option<f64>]) -> Vec<Option<Realisation>> {
    values.iter().map(|v| v.map(Realisation::Number)).collect()
}

/// Verified realisations per indicator and year.
fn history() -> HashMap<IndicatorKey, HashMap<i32, IndicatorYear>> {
    let year = |targets: Vec<Option<TargetValue>>, r: &[Option<f64>]| IndicatorYear {
        targets,
        realisations: numbers(r),
    };
    HashMap::from([
        (
            ik(HEAD, "IK1"),
            HashMap::from([
                (2024, year(vec![], &[Some(3.0); 4])),
                (2025, year(vec![], &[Some(5.0); 4])),
                (
                    YEAR,
                    year(
                        [25.0, 50.0, 75.0, 100.0]
                            .map(|t| Some(TargetValue::Number(t)))
                            .to_vec(),
                        &[Some(10.0), Some(20.0), Some(30.0), Some(40.0)],
                    ),
                ),
            ]),
        ),
        (
            ik(HEAD, "IK2"),
            HashMap::from([(YEAR, year(vec![], &[Some(80.0), Some(82.0), None, None]))]),
        ),
        (
            ik(BIDANG, "IK1"),
            HashMap::from([(YEAR, year(vec![], &[Some(5.0); 12]))]),
        ),
    ])
}

fn spent() -> HashMap<i32, HashMap<String, BudgetYear>> {
    let q = |v: [Option<f64>; 4]| BudgetYear { quarters: v };
    HashMap::from([
        (
            2025,
            HashMap::from([(
                "2.18.01".to_string(),
                q([Some(900_000_000.0), None, None, None]),
            )]),
        ),
        (
            YEAR,
            HashMap::from([
                (
                    "2.18.01".to_string(),
                    q([
                        Some(100_000_000.0),
                        Some(200_000_000.0),
                        Some(300_000_000.0),
                        None,
                    ]),
                ),
                (
                    "2.18.01.2.01".to_string(),
                    q([Some(80_000_000.0), None, None, None]),
                ),
                (
                    "2.18.02".to_string(),
                    q([Some(50_000_000.0), None, None, None]),
                ),
            ]),
        ),
    ])
}

fn renja_of(demo: bool) -> Renja {
    renja(&agency(demo), &settings(), YEAR, &history(), &spent())
}

// ---------------------------------------------------------------------------------------------
// Reading the workbook back.

fn keep(name: &str, bytes: &[u8]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/documents");
    std::fs::create_dir_all(&dir).expect("target/documents");
    std::fs::write(dir.join(format!("{name}.xlsx")), bytes).expect("write xlsx");
}

struct Sheet {
    values: Range<Data>,
    formulas: Range<String>,
}

fn sheet(bytes: &[u8], name: &str) -> Sheet {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an XLSX");
    Sheet {
        values: wb.worksheet_range(name).expect("the sheet exists"),
        formulas: wb.worksheet_formula(name).expect("formulas readable"),
    }
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an XLSX");
    wb.sheet_names()
}

/// `A1`-style name of a 0-based cell.
fn cell_name(row: u32, col: u32) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

impl Sheet {
    fn value(&self, row: u32, col: u32) -> Data {
        self.values
            .get_value((row, col))
            .cloned()
            .unwrap_or(Data::Empty)
    }

    fn text(&self, row: u32, col: u32) -> String {
        match self.value(row, col) {
            Data::String(s) => s,
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    }

    /// A number cell's value; panics on text, so numbers written as text fail.
    fn number(&self, row: u32, col: u32) -> f64 {
        match self.value(row, col) {
            Data::Float(v) => v,
            Data::Int(v) => v as f64,
            other => panic!("{} is not a number: {other:?}", cell_name(row, col)),
        }
    }

    fn is_blank(&self, row: u32, col: u32) -> bool {
        match self.value(row, col) {
            Data::Empty => true,
            Data::String(s) => s.is_empty(),
            _ => false,
        }
    }

    fn formula(&self, row: u32, col: u32) -> String {
        self.formulas
            .get_value((row, col))
            .cloned()
            .unwrap_or_default()
    }

    /// Every cell whose text is exactly `text`, as absolute (row, col).
    fn find_all(&self, text: &str) -> Vec<(u32, u32)> {
        let (r0, c0) = self.values.start().unwrap_or((0, 0));
        self.values
            .cells()
            .filter(|(_, _, v)| matches!(v, Data::String(s) if s == text))
            .map(|(r, c, _)| (r0 + r as u32, c0 + c as u32))
            .collect()
    }

    fn find(&self, text: &str) -> (u32, u32) {
        let all = self.find_all(text);
        assert_eq!(all.len(), 1, "{text:?} appears once, found at {all:?}");
        all[0]
    }

    /// Whether some cell contains `text`.
    fn contains(&self, text: &str) -> bool {
        self.values
            .cells()
            .any(|(_, _, v)| matches!(v, Data::String(s) if s.contains(text)))
    }

    /// Row of the cell in column `col` whose text is `text`.
    fn row_of(&self, col: u32, text: &str) -> u32 {
        let rows: Vec<u32> = self
            .find_all(text)
            .into_iter()
            .filter(|(_, c)| *c == col)
            .map(|(r, _)| r)
            .collect();
        assert_eq!(rows.len(), 1, "{text:?} once in column {col}: {rows:?}");
        rows[0]
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(close(actual, expected), "{what}: {actual} ≠ {expected}");
}

// ---------------------------------------------------------------------------------------------
// Evaluasi Hasil Renja.

/// Columns of the Renja sheet found from its column-number row: K of report column n (6–15)
/// and the fixed columns 1–5.
struct RenjaCols {
    fixed: [u32; 5],
    k: HashMap<u16, u32>,
}

impl RenjaCols {
    fn of(s: &Sheet) -> RenjaCols {
        let (number_row, c13) = s.find("13 = 9 + 10 + 11 + 12");
        let mut k = HashMap::from([(13, c13)]);
        k.insert(14, s.find("14 = 7 + 13").1);
        k.insert(15, s.find("15 = 14 / 6 x 100").1);
        for n in 6..=12u16 {
            let cols: Vec<u32> = s
                .find_all(&n.to_string())
                .into_iter()
                .filter(|(r, _)| *r == number_row)
                .map(|(_, c)| c)
                .collect();
            assert_eq!(cols.len(), 1, "column number {n} once");
            k.insert(n, cols[0]);
        }
        let fixed = [1u16, 2, 3, 4, 5].map(|n| {
            let c: Vec<u32> = s
                .find_all(&n.to_string())
                .into_iter()
                .filter(|(r, _)| *r == number_row)
                .map(|(_, c)| c)
                .collect();
            c[0]
        });
        // Under every numbered column: K then Rp.
        for n in 6..=15u16 {
            assert_eq!(s.text(number_row + 1, k[&n]), "K", "K under column {n}");
            assert_eq!(
                s.text(number_row + 1, k[&n] + 1),
                "Rp.",
                "Rp under column {n}"
            );
        }
        RenjaCols { fixed, k }
    }
    fn k(&self, n: u16) -> u32 {
        self.k[&n]
    }
    fn rp(&self, n: u16) -> u32 {
        self.k[&n] + 1
    }
}

#[test]
fn renja_has_the_permendagri_headers_and_every_row() {
    let r = renja_of(false);
    let bytes = report_xlsx::renja(&r).expect("renja xlsx");
    keep("evaluasi-renja", &bytes);
    assert_eq!(sheet_names(&bytes), vec!["Evaluasi Renja".to_string()]);
    let s = sheet(&bytes, "Evaluasi Renja");

    for text in [
        "Evaluasi Terhadap Hasil Renja Perangkat Daerah",
        ORG,
        REGION,
        "Tahun 2026",
        "No",
        "Sasaran",
        "Program/Kegiatan/Sub Kegiatan",
        "Satuan",
    ] {
        s.find(text);
    }
    assert!(s.contains("Indikator Kinerja"));
    assert!(!s.contains("DATA DEMO"));
    assert!(s.contains("Target Renstra Perangkat Daerah s.d. Tahun 2029"));
    assert!(s.contains("s.d. Renja Perangkat Daerah Tahun 2025"));
    assert!(s.contains("Tahun Berjalan (Tahun 2026)"));
    assert!(s.contains("Realisasi Kinerja dan Anggaran pada Triwulan"));
    for roman in ["I", "II", "III", "IV"] {
        s.find(roman);
    }
    let cols = RenjaCols::of(&s);
    assert_eq!(
        cols.fixed.map(|c| c as usize),
        [0, 1, 2, 3, 4],
        "columns 1–5 come first"
    );

    // Every row of the Renja, with its values as numbers.
    let mut seen = 0;
    for row in &r.rows {
        let Some(ind) = &row.indicator else {
            let x = s.row_of(2, &format!("{} {}", row.code, row.program));
            assert!(s.is_blank(x, 3), "{} has no indicator", row.code);
            assert_close(s.number(x, cols.rp(8)), row.target_rp.unwrap(), "pagu");
            seen += 1;
            continue;
        };
        let x = s.row_of(3, ind);
        seen += 1;
        if row.carries_budget {
            assert_eq!(s.text(x, 2), format!("{} {}", row.code, row.program));
        }
        assert_eq!(s.text(x, 4), row.satuan.clone().unwrap_or_default());
        let pairs = [
            (6, row.renstra_k, row.renstra_rp),
            (7, row.previous_k, row.previous_rp),
            (8, row.target_k, row.target_rp),
            (9, row.quarters_k[0], row.quarters_rp[0]),
            (10, row.quarters_k[1], row.quarters_rp[1]),
            (11, row.quarters_k[2], row.quarters_rp[2]),
            (12, row.quarters_k[3], row.quarters_rp[3]),
        ];
        for (n, k, rp) in pairs {
            for (col, v) in [(cols.k(n), k), (cols.rp(n), rp)] {
                match v {
                    Some(v) => assert_close(s.number(x, col), v, &format!("{ind} col {n}")),
                    None => assert!(s.is_blank(x, col), "{ind} col {n}: empty is blank"),
                }
            }
        }
    }
    assert_eq!(seen, r.rows.len());

    // Objectives on the first row of their item.
    s.row_of(1, "Meningkatnya realisasi investasi daerah");
    s.row_of(1, "Meningkatnya fasilitasi pelaku usaha");
}

#[test]
fn renja_columns_13_to_15_are_live_formulas_with_cached_results() {
    let r = renja_of(false);
    let bytes = report_xlsx::renja(&r).expect("renja xlsx");
    let s = sheet(&bytes, "Evaluasi Renja");
    let cols = RenjaCols::of(&s);
    let at = |x: u32, n: u16, rp: bool| {
        let c = if rp { cols.rp(n) } else { cols.k(n) };
        cell_name(x, c)
    };

    // Quarters 10, 20, 30, 40 (a count); 20 before this year (5 × 4 in 2025, 2024 is before
    // the Renstra); Renstra end target 500.
    let x = s.row_of(3, "Jumlah izin usaha yang diterbitkan");
    assert_close(s.number(x, cols.k(13)), 100.0, "col 13 K = 9+10+11+12");
    assert_close(s.number(x, cols.k(14)), 20.0 + 100.0, "col 14 K = 7+13");
    assert_close(
        s.number(x, cols.k(15)),
        120.0 / 500.0 * 100.0,
        "col 15 K = 14/6x100",
    );
    for rp in [false, true] {
        let f13 = s.formula(x, if rp { cols.rp(13) } else { cols.k(13) });
        let quarters = (9..=12).map(|n| at(x, n, rp)).collect::<Vec<_>>().join(",");
        assert!(
            f13.contains(&format!("SUM({quarters})")),
            "col 13 sums the quarters: {f13}"
        );
        let f14 = s.formula(x, if rp { cols.rp(14) } else { cols.k(14) });
        assert!(
            f14.contains(&format!("SUM({},{})", at(x, 7, rp), at(x, 13, rp))),
            "col 14 = 7 + 13: {f14}"
        );
        let f15 = s.formula(x, if rp { cols.rp(15) } else { cols.k(15) });
        let (c14, c6) = (at(x, 14, rp), at(x, 6, rp));
        assert!(
            f15.contains(&format!("{c14}/{c6}*100")),
            "col 15 = 14 / 6 x 100: {f15}"
        );
        assert!(
            f15.contains(&format!("{c6}=0")),
            "col 15 guards a zero target: {f15}"
        );
    }

    // Rp: quarters 100, 200, 300 million and an empty fourth; 900 million realised in 2025;
    // Renstra pagu 1.0 + 1.2 billion.
    assert_close(s.number(x, cols.rp(13)), 600_000_000.0, "col 13 Rp");
    assert!(s.is_blank(x, cols.rp(12)), "an empty quarter stays blank");
    assert_close(s.number(x, cols.rp(14)), 1_500_000_000.0, "col 14 Rp");
    assert_close(
        s.number(x, cols.rp(15)),
        1_500_000_000.0 / 2_200_000_000.0 * 100.0,
        "col 15 Rp",
    );

    // An index (last value): increments 80 and 2 add up to 82; nothing before this year; the
    // second indicator of the program repeats no budget, so its Rp formulas are empty.
    let y = s.row_of(3, "Indeks kepuasan masyarakat");
    assert_close(s.number(y, cols.k(9)), 80.0, "TW I");
    assert_close(s.number(y, cols.k(10)), 2.0, "TW II increment");
    assert!(s.is_blank(y, cols.k(11)) && s.is_blank(y, cols.k(7)));
    assert_close(s.number(y, cols.k(13)), 82.0, "col 13 K");
    assert_close(s.number(y, cols.k(14)), 82.0, "col 14 K");
    assert_close(s.number(y, cols.k(15)), 82.0 / 90.0 * 100.0, "col 15 K");
    for n in [6, 8, 13, 14, 15] {
        assert!(s.is_blank(y, cols.rp(n)), "col {n} Rp is blank");
    }
    assert!(
        s.formula(y, cols.rp(13)).contains("SUM("),
        "still a formula"
    );

    // Monthly realisations of 5 give 15 per quarter.
    let z = s.row_of(3, "Jumlah pelaku usaha yang difasilitasi");
    for n in 9..=12 {
        assert_close(s.number(z, cols.k(n)), 15.0, "quarter of months");
    }
    assert_close(s.number(z, cols.k(13)), 60.0, "col 13 of months");
}

#[test]
fn renja_totals_sum_program_rows_only() {
    let r = renja_of(false);
    let bytes = report_xlsx::renja(&r).expect("renja xlsx");
    let s = sheet(&bytes, "Evaluasi Renja");
    let cols = RenjaCols::of(&s);
    let (t, _) = s.find("JUMLAH ANGGARAN (PROGRAM)");
    let p1 = s.row_of(3, "Jumlah izin usaha yang diterbitkan");
    let p2 = s.row_of(2, "2.18.02 PROGRAM PELAYANAN PENANAMAN MODAL");
    let kegiatan = s.row_of(3, "Jumlah pelaku usaha yang difasilitasi");

    // Pagu 2026: the two programs (1.2 billion + 300 million); the kegiatan's 700 million and
    // the sub kegiatan's 400 million are inside the first program.
    assert_close(s.number(t, cols.rp(8)), 1_500_000_000.0, "total pagu");
    assert_close(
        s.number(t, cols.rp(6)),
        2_500_000_000.0,
        "total Renstra pagu",
    );
    assert_close(s.number(t, cols.rp(9)), 150_000_000.0, "total TW I");
    assert_close(s.number(t, cols.rp(13)), 650_000_000.0, "total col 13");
    assert_close(s.number(t, cols.rp(14)), 1_550_000_000.0, "total col 14");
    assert_close(
        s.number(t, cols.rp(15)),
        1_550_000_000.0 / 2_500_000_000.0 * 100.0,
        "total col 15",
    );
    let f = s.formula(t, cols.rp(8));
    let c = |x: u32| cell_name(x, cols.rp(8));
    assert!(
        f.contains(&c(p1)) && f.contains(&c(p2)),
        "sums programs: {f}"
    );
    assert!(!f.contains(&c(kegiatan)), "not the kegiatan: {f}");
    assert!(
        s.contains("hanya menjumlahkan baris program"),
        "the footnote"
    );
}

#[test]
fn renja_of_demo_data_says_so() {
    let bytes = report_xlsx::renja(&renja_of(true)).expect("renja xlsx");
    let s = sheet(&bytes, "Evaluasi Renja");
    assert!(s.text(0, 0).contains("DATA DEMO"), "{}", s.text(0, 0));
}

// ---------------------------------------------------------------------------------------------
// LKjIP.

fn lkjip_of(org: &Organisation) -> Lkjip {
    let h = history();
    let data = |y: i32| -> HashMap<IndicatorKey, IndicatorYear> {
        h.iter()
            .filter_map(|(k, years)| years.get(&y).map(|d| (k.clone(), d.clone())))
            .collect()
    };
    let ms = MeasureSettings::default();
    let current = measure_organisation(org, YEAR, Span::Year, &data(YEAR), &ms);
    let before =
        [YEAR - 2, YEAR - 1].map(|y| measure_organisation(org, y, Span::Year, &data(y), &ms));
    let spent = spent();
    let key = ik(HEAD, "IK1");
    let narrative = RealisationInput {
        value: Some(Realisation::Number(40.0)),
        kendala: Some("Sistem OSS sempat terganggu".into()),
        solusi: Some("Pendampingan langsung di mal pelayanan publik".into()),
        pendorong: Some("Sosialisasi perizinan ke kecamatan".into()),
    };
    let period = Period::new(YEAR, Periodisation::Triwulan, 4).unwrap();
    lkjip(LkjipInput {
        org,
        settings: &settings(),
        bands: &PredicateBands::default(),
        current: &current,
        previous: [&before[0], &before[1]],
        budget: &spent[&YEAR],
        narratives: vec![(&key, period, &narrative)],
    })
}

#[test]
fn lkjip_capaian_sheet_lists_every_indicator_with_target_and_capaian() {
    let org = agency(false);
    let l = lkjip_of(&org);
    let bytes = report_xlsx::lkjip(&l).expect("lkjip xlsx");
    keep("lkjip", &bytes);
    assert_eq!(
        sheet_names(&bytes),
        [
            "Capaian Kinerja",
            "Realisasi Anggaran",
            "Efisiensi",
            "Narasi"
        ]
        .map(String::from)
    );
    let s = sheet(&bytes, "Capaian Kinerja");
    let (h, _) = s.find("Capaian (%)");
    let headers: Vec<String> = (0..13).map(|c| s.text(h, c)).collect();
    assert_eq!(
        headers,
        [
            "No",
            "Unit Kerja",
            "Sasaran",
            "Indikator Kinerja",
            "Satuan",
            "Realisasi 2024",
            "Realisasi 2025",
            "Target 2026",
            "Realisasi 2026",
            "Capaian (%)",
            "Predikat",
            "Target Akhir Renstra (2029)",
            "Capaian thd Renstra (%)",
        ]
        .map(String::from)
    );
    let mut n = 0;
    for o in &l.objectives {
        for i in &o.indicators {
            n += 1;
            let x = s.row_of(3, &i.name);
            let Some(TargetValue::Number(t)) = i.target else {
                panic!("fixture targets are numbers")
            };
            assert_close(s.number(x, 7), t, "target");
            match &i.realisation {
                Some(Realisation::Number(v)) => assert_close(s.number(x, 8), *v, "realisasi"),
                _ => assert!(s.is_blank(x, 8)),
            }
            for (col, prev) in [(5, &i.previous[0]), (6, &i.previous[1])] {
                match prev {
                    Some(Realisation::Number(v)) => assert_close(s.number(x, col), *v, "prev"),
                    _ => assert!(s.is_blank(x, col), "unreported previous year is blank"),
                }
            }
            match &i.capaian {
                Capaian::Persen(p) => {
                    assert_close(s.number(x, 9), p.displayed(), "capaian");
                    assert_eq!(Some(s.text(x, 10)), i.predicate.clone());
                }
                other => assert_eq!(s.text(x, 9), other.to_string()),
            }
            let (_, end) = i.renstra_end.clone().expect("renstra end target");
            let TargetValue::Number(end) = end else {
                panic!()
            };
            assert_close(s.number(x, 11), end, "target akhir Renstra");
        }
    }
    assert_eq!(n, 3);
    // The count: 10 + 20 + 30 + 40 against 100 → 100 %, by hand; 2024 and 2025 summed.
    let x = s.row_of(3, "Jumlah izin usaha yang diterbitkan");
    assert_close(s.number(x, 9), 100.0, "capaian by hand");
    // 2024 precedes the Renstra: no target, so the domain reports no realisation for it.
    assert!(s.is_blank(x, 5), "2024");
    assert_close(s.number(x, 6), 20.0, "2025");
    assert_close(s.number(x, 11), 500.0, "Renstra end");
    assert_close(s.number(x, 12), 20.0, "100 of 500");
}

#[test]
fn lkjip_budget_sheet_has_serapan_formulas_and_program_totals() {
    let org = agency(false);
    let l = lkjip_of(&org);
    let bytes = report_xlsx::lkjip(&l).expect("lkjip xlsx");
    let s = sheet(&bytes, "Realisasi Anggaran");
    let (h, _) = s.find("Serapan (%)");
    let headers: Vec<String> = (0..6).map(|c| s.text(h, c)).collect();
    assert_eq!(
        headers,
        [
            "Kode",
            "Program/Kegiatan/Sub Kegiatan",
            "Unit Kerja",
            "Pagu (Rp)",
            "Realisasi (Rp)",
            "Serapan (%)"
        ]
        .map(String::from)
    );
    let mut program_rows = Vec::new();
    for b in &l.budget {
        let x = s.row_of(0, &b.code);
        assert_eq!(s.text(x, 1), b.name);
        assert_close(s.number(x, 3), b.pagu.unwrap(), "pagu");
        let f = s.formula(x, 5);
        assert!(
            f.contains(&format!("N({})/{}*100", cell_name(x, 4), cell_name(x, 3))),
            "serapan formula: {f}"
        );
        match b.realised {
            Some(r) => {
                assert_close(s.number(x, 4), r, "realisasi");
                assert_close(s.number(x, 5), r / b.pagu.unwrap() * 100.0, "serapan");
            }
            None => {
                assert!(s.is_blank(x, 4), "nothing realised is blank");
                assert_close(s.number(x, 5), 0.0, "nothing of a pagu absorbed");
            }
        }
        assert_eq!(Some(s.number(x, 5)), b.absorption);
        if b.level == ProgramLevel::Program {
            program_rows.push(x);
        }
    }
    // By hand: program 1 spent 600 of 1 200 million (50 %).
    let p1 = s.row_of(0, "2.18.01");
    assert_close(s.number(p1, 5), 50.0, "serapan by hand");

    let (t, _) = s.find("TOTAL");
    let (pagu, realised, serapan) = l.budget_total();
    assert_close(s.number(t, 3), pagu, "total pagu");
    assert_close(pagu, 1_500_000_000.0, "two programs");
    assert_close(s.number(t, 4), realised, "total realisasi");
    assert_close(s.number(t, 5), serapan.unwrap(), "total serapan");
    let f = s.formula(t, 3);
    for x in &program_rows {
        assert!(f.contains(&cell_name(*x, 3)), "{f} sums program row {x}");
    }
    let kegiatan = s.row_of(0, "2.18.01.2.01");
    assert!(!f.contains(&cell_name(kegiatan, 3)), "{f} skips kegiatan");
}

#[test]
fn lkjip_efficiency_and_narratives() {
    let org = agency(false);
    let l = lkjip_of(&org);
    let bytes = report_xlsx::lkjip(&l).expect("lkjip xlsx");
    let s = sheet(&bytes, "Efisiensi");
    for h in [
        "Sasaran",
        "Capaian (%)",
        "Serapan (%)",
        "Selisih (poin)",
        "Keterangan",
    ] {
        s.find(h);
    }
    assert!(!l.efficiency.is_empty());
    for e in &l.efficiency {
        let x = s.row_of(2, &e.statement);
        let f = s.formula(x, 5);
        assert!(
            f.contains(&format!("{}-{}", cell_name(x, 3), cell_name(x, 4))),
            "selisih formula: {f}"
        );
        match e.difference {
            Some(d) => {
                assert_close(s.number(x, 5), d, "selisih");
                assert_close(s.number(x, 3) - s.number(x, 4), d, "capaian − serapan");
            }
            None => assert!(s.is_blank(x, 5)),
        }
    }
    let n = sheet(&bytes, "Narasi");
    for h in [
        "Unit Kerja",
        "Indikator Kinerja",
        "Periode",
        "Faktor Pendorong",
        "Kendala",
    ] {
        n.find(h);
    }
    let x = n.row_of(1, "Jumlah izin usaha yang diterbitkan");
    assert_eq!(n.text(x, 0), "Kepala Dinas");
    assert_eq!(n.text(x, 2), "TW IV 2026");
    assert_eq!(n.text(x, 3), "Sosialisasi perizinan ke kecamatan");
    assert_eq!(n.text(x, 4), "Sistem OSS sempat terganggu");
    assert_eq!(
        n.text(x, 5),
        "Pendampingan langsung di mal pelayanan publik"
    );
}

// ---------------------------------------------------------------------------------------------
// Rencana Aksi.

fn pk_of(org: &Organisation, unit: &str) -> PerjanjianKinerja {
    let h = history();
    let plans: HashMap<IndicatorKey, IndicatorYear> = h
        .iter()
        .filter_map(|(k, years)| years.get(&YEAR).map(|d| (k.clone(), d.clone())))
        .collect();
    perjanjian_kinerja(
        org,
        &key(unit),
        YEAR,
        chrono::NaiveDate::from_ymd_opt(YEAR, 1, 2).unwrap(),
        &settings(),
        &plans,
    )
    .expect("unit exists")
}

#[test]
fn rencana_aksi_of_quarterly_indicators() {
    let org = agency(false);
    let pk = pk_of(&org, HEAD);
    let bytes = report_xlsx::rencana_aksi(&pk).expect("rencana aksi xlsx");
    keep("rencana-aksi-kepala-dinas", &bytes);
    let s = sheet(&bytes, "Rencana Aksi");
    s.find("RENCANA AKSI ATAS PERJANJIAN KINERJA");
    s.find(&pk.first.position);
    s.find("TAHUN 2026");
    let (h, _) = s.find("TW I");
    let headers: Vec<String> = (0..9).map(|c| s.text(h, c)).collect();
    assert_eq!(
        headers,
        [
            "No",
            "Sasaran",
            "Indikator Kinerja",
            "Satuan",
            "Target 2026",
            "TW I",
            "TW II",
            "TW III",
            "TW IV"
        ]
        .map(String::from)
    );
    assert!(s.find_all("Januari").is_empty(), "no monthly table");
    for i in pk.indicators() {
        let x = s.row_of(2, &i.name);
        let Some(TargetValue::Number(t)) = i.target else {
            panic!()
        };
        assert_close(s.number(x, 4), t, "year target");
        for (q, pt) in i.period_targets.iter().enumerate() {
            match pt {
                Some(TargetValue::Number(v)) => {
                    assert_close(s.number(x, 5 + q as u32), *v, "quarter target")
                }
                _ => assert!(s.is_blank(x, 5 + q as u32)),
            }
        }
    }
    // By hand: the count's Rencana Aksi is 25, 50, 75, 100.
    let x = s.row_of(2, "Jumlah izin usaha yang diterbitkan");
    assert_eq!(
        (5..9).map(|c| s.number(x, c)).collect::<Vec<_>>(),
        vec![25.0, 50.0, 75.0, 100.0]
    );
    assert_eq!(s.text(x, 1), "Meningkatnya realisasi investasi daerah");
    let y = s.row_of(2, "Indeks kepuasan masyarakat");
    assert!(s.is_blank(y, 1), "the objective is written once");
}

#[test]
fn rencana_aksi_with_monthly_and_text_targets() {
    let org = agency(true);
    let mut pk = pk_of(&org, HEAD);
    // The index becomes a band target reported monthly; the count's TW II a text target.
    {
        let o = &mut pk.objectives[0];
        o.indicators[0].period_targets[1] = Some(TargetValue::Qualitative("Baik".into()));
        let i = &mut o.indicators[1];
        i.periodisation = Periodisation::Bulanan;
        i.target = Some(TargetValue::Range {
            min: 80.0,
            max: 90.0,
        });
        i.period_targets = (1..=12)
            .map(|m| Some(TargetValue::Number(70.0 + m as f64)))
            .collect();
    }
    let bytes = report_xlsx::rencana_aksi(&pk).expect("rencana aksi xlsx");
    keep("rencana-aksi-bulanan", &bytes);
    let s = sheet(&bytes, "Rencana Aksi");
    assert!(s.text(0, 0).contains("DATA DEMO"));
    let (hq, _) = s.find("TW IV");
    let (hm, _) = s.find("Desember");
    assert!(hm > hq, "the monthly table follows the quarterly one");
    assert_eq!(s.text(hm, 5), "Januari");
    assert_eq!(s.text(hm, 4), "Target 2026");

    let x = s.row_of(2, "Jumlah izin usaha yang diterbitkan");
    assert!(x < hm);
    assert_eq!(s.text(x, 6), "Baik", "a text target as text");
    assert_close(s.number(x, 7), 75.0, "numbers stay numbers");

    let y = s.row_of(2, "Indeks kepuasan masyarakat");
    assert!(y > hm);
    assert!(
        matches!(s.value(y, 4), Data::String(ref t) if t.contains("80") && t.contains("90")),
        "a band target as text: {:?}",
        s.value(y, 4)
    );
    for m in 0..12u32 {
        assert_close(s.number(y, 5 + m), 71.0 + m as f64, "monthly target");
    }
}

#[test]
fn rencana_aksi_of_a_monthly_unit_has_only_the_monthly_table() {
    let org = agency(false);
    let pk = pk_of(&org, BIDANG);
    let bytes = report_xlsx::rencana_aksi(&pk).expect("rencana aksi xlsx");
    let s = sheet(&bytes, "Rencana Aksi");
    assert!(s.find_all("TW I").is_empty(), "no quarterly table");
    s.find("Januari");
    let x = s.row_of(2, "Jumlah pelaku usaha yang difasilitasi");
    assert_close(s.number(x, 4), 120.0, "year target");
    // No Rencana Aksi targets were planned: the months are blank, not 0.
    for m in 0..12 {
        assert!(s.is_blank(x, 5 + m));
    }
}
