//! `pokin report` as a user runs it on the demo agency: every document and format, read back
//! (PDF text with poppler's `pdftotext`, XLSX with calamine), on SQLite and, when
//! `POKIN_TEST_DATABASE_URL` is set, PostgreSQL.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use pokin_domain::format;
use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::Env;

trait Report {
    fn report(&self, args: &[&str], file: &str) -> PathBuf;
}

impl Report for Env {
    /// `pokin report ARGS --out FILE` in the test's directory; the file's path.
    fn report(&self, args: &[&str], file: &str) -> PathBuf {
        let out = self.path(file);
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out.to_str().unwrap()]);
        self.ok(&all);
        out
    }
}

/// The PDF's text, whitespace collapsed (cells wrap across lines).
fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{200b}', "")
}

fn demo_org() -> pokin_domain::Organisation {
    pokin_import::yaml::from_yaml(include_str!("../../../data/demo/dpmptsp-naker.yaml")).unwrap()
}

#[test]
fn perjanjian_kinerja_of_the_head_names_the_parties_targets_and_budget() {
    let org = demo_org();
    let head = org.units.iter().find(|u| u.parent.is_none()).unwrap();
    for env in Env::all() {
        env.ok(&["demo"]);
        let pdf = env.report(&["pk", "--tahun", "2026"], "pk.pdf");
        let text = pdf_text(&pdf);
        assert!(text.contains("PERJANJIAN KINERJA TAHUN 2026"), "{text}");
        assert!(text.contains("Pihak Pertama") && text.contains("Pihak Kedua"));
        // Pihak Pertama: the head's official with pangkat and NIP; Pihak Kedua: the Bupati.
        let official = &head.officials[0];
        assert!(text.contains(&official.name), "{text}");
        assert!(
            text.contains(&official.nip.as_ref().unwrap().printed()),
            "{text}"
        );
        assert!(text.contains(official.pangkat.as_deref().unwrap()));
        assert!(text.contains("Bupati Sukamaju") && text.contains("H. Ahmad Fauzi"));
        assert!(text.contains("Sukamaju, 2 Januari 2026"), "{text}");
        // Every indicator with its 2026 target in Indonesian format.
        for o in &head.objectives {
            for i in &o.indicators {
                let t = format::target(&i.targets[&2026], i.satuan.as_deref(), i.decimals);
                assert!(text.contains(&i.name), "missing {}", i.name);
                assert!(text.contains(&t), "missing target {t} of {}", i.name);
            }
        }
        // The budget lines of the head's programs and their total in rupiah.
        let total: f64 = org
            .programs
            .iter()
            .filter(|p| p.unit == head.key)
            .map(|p| pokin_domain::program::budget(&org.programs, &p.code, 2026).unwrap())
            .sum();
        assert!(total > 1e9);
        assert!(text.contains("TOTAL ANGGARAN"));
        assert!(
            text.contains(&format::rupiah(total)),
            "missing {}",
            format::rupiah(total)
        );
        assert!(text.contains("Halaman 1 dari"), "{text}");
        // Established by the demo: version 1, not a draft.
        assert!(!text.contains("DRAF"));
    }
}

#[test]
fn an_amended_pk_keeps_its_earlier_version() {
    let unit = "seksi-pelatihan-dan-produktifitas-tenaga-kerja";
    for env in Env::all() {
        env.ok(&["demo"]);
        let latest = pdf_text(&env.report(&["pk", "--unit", unit, "--tahun", "2026"], "v2.pdf"));
        let first = pdf_text(&env.report(
            &["pk", "--unit", unit, "--tahun", "2026", "--versi", "1"],
            "v1.pdf",
        ));
        assert!(latest.contains("Perubahan ke-1"), "{latest}");
        assert!(latest.contains("Perubahan anggaran"), "{latest}");
        assert!(latest.contains("15 Juli 2026"), "{latest}");
        assert!(!first.contains("Perubahan ke-1"));
        assert!(first.contains("2 Januari 2026"));
        // Pihak Kedua of a Seksi is the head of its Bidang.
        assert!(first.contains("Kepala Bidang Tenaga Kerja"), "{first}");
        let missing = env.pokin(&[
            "report",
            "pk",
            "--unit",
            unit,
            "--tahun",
            "2026",
            "--versi",
            "9",
            "--out",
            env.path("v9.pdf").to_str().unwrap(),
        ]);
        assert!(!missing.status.success());
        assert!(String::from_utf8_lossy(&missing.stderr).contains("versi 9 tidak ada"));
        assert!(!env.path("v9.pdf").exists());
    }
}

#[test]
fn every_unit_in_one_zip() {
    let org = demo_org();
    for env in Env::all().into_iter().take(1) {
        env.ok(&["demo"]);
        let zip = env.report(&["pk", "--all-units", "--tahun", "2026"], "semua.zip");
        let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
        assert_eq!(archive.len(), org.units.len());
        let mut first = Vec::new();
        archive
            .by_index(0)
            .unwrap()
            .read_to_end(&mut first)
            .unwrap();
        assert!(first.starts_with(b"%PDF-"));
        assert!(
            archive
                .by_index(0)
                .unwrap()
                .name()
                .unwrap()
                .contains("kepala-dinas")
        );
    }
}

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let bytes = std::fs::read(path).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    wb.worksheet_range(name).unwrap()
}

fn formulas(path: &Path, name: &str) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    wb.worksheet_formula(name)
        .unwrap()
        .used_cells()
        .map(|(_, _, f)| f.clone())
        .filter(|f| !f.is_empty())
        .collect()
}

#[test]
fn renja_and_lkjip_workbooks_carry_values_and_live_formulas() {
    let org = demo_org();
    for env in Env::all() {
        env.ok(&["demo"]);
        let renja = env.report(&["renja", "--tahun", "2025"], "renja.xlsx");
        let cells = sheet(&renja, "Evaluasi Renja");
        let text: Vec<String> = cells.used_cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(text.iter().any(|t| t.contains("Evaluasi")));
        assert!(text.iter().any(|t| t.contains("13 = 9 + 10 + 11 + 12")));
        for p in &org.programs {
            assert!(
                text.iter().any(|t| t.contains(&p.name)),
                "missing {}",
                p.name
            );
        }
        let f = formulas(&renja, "Evaluasi Renja");
        assert!(f.iter().any(|f| f.contains("SUM(")), "{f:?}");
        assert!(f.iter().any(|f| f.contains("*100")), "{f:?}");

        let lkjip = env.report(&["lkjip", "--tahun", "2025"], "lkjip.xlsx");
        let capaian = sheet(&lkjip, "Capaian Kinerja");
        let names: Vec<String> = capaian
            .used_cells()
            .map(|(_, _, c)| c.to_string())
            .collect();
        for u in &org.units {
            for i in u.objectives.iter().flat_map(|o| &o.indicators) {
                assert!(names.contains(&i.name), "missing {}", i.name);
            }
        }
        let f = formulas(&lkjip, "Realisasi Anggaran");
        assert!(f.iter().any(|f| f.contains("*100")), "{f:?}");

        let pdf = pdf_text(&env.report(&["lkjip", "--tahun", "2025"], "lkjip.pdf"));
        assert!(pdf.contains("BAB III"), "{pdf}");
        assert!(pdf.contains("Realisasi Anggaran"));
        let ra = pdf_text(&env.report(&["rencana-aksi", "--tahun", "2026"], "ra.pdf"));
        assert!(ra.contains("RENCANA AKSI"), "{ra}");
        assert!(ra.contains("TW IV"));
    }
}

#[test]
fn the_tree_as_svg_and_poster() {
    for env in Env::all().into_iter().take(1) {
        env.ok(&["demo"]);
        let svg =
            std::fs::read_to_string(env.report(&["pohon", "--tahun", "2025"], "p.svg")).unwrap();
        assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
        let plain = pdf_text(&env.report(&["pohon", "--tahun", "2025"], "p.pdf"));
        let heat =
            pdf_text(&env.report(&["pohon", "--tahun", "2025", "--warna-capaian"], "heat.pdf"));
        assert!(plain.contains("Halaman 1 dari"));
        assert!(heat.contains("capaian Tahun 2025"), "{heat}");
        assert!(!plain.contains("capaian Tahun 2025"));
    }
}

#[test]
fn wrong_requests_get_an_indonesian_error_and_no_file() {
    for env in Env::all().into_iter().take(1) {
        env.ok(&["demo"]);
        for (args, expected) in [
            (
                vec!["renja", "--tahun", "2025"],
                "tidak tersedia untuk laporan ini",
            ),
            (
                vec!["pk", "--tahun", "2026", "--unit", "tidak-ada"],
                "tidak ada",
            ),
            (
                vec!["lkjip", "--all-units", "--tahun", "2026"],
                "--all-units hanya",
            ),
        ] {
            let out_file = env.path("salah.pdf");
            let mut all = vec!["report"];
            all.extend(args.iter().copied());
            all.extend_from_slice(&["--out", out_file.to_str().unwrap()]);
            let out = env.pokin(&all);
            assert!(!out.status.success(), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(expected), "{args:?}: {err}");
            assert!(!out_file.exists(), "{args:?} left a file");
        }
    }
}

/// Every needle is in the document's text.
fn says_all(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

/// A sheet as lines of cells (` | ` between them; a merged-away cell is empty), for snapshots.
fn grid(path: &Path, name: &str) -> String {
    let cells = sheet(path, name);
    cells
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string().replace('\n', " / "))
                .collect::<Vec<_>>()
                .join(" | ")
                .trim_end_matches([' ', '|'])
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_pemda_documents_iku_cascading_and_the_bupati_pk() {
    let mut first: Option<(String, String)> = None;
    for env in Env::all() {
        env.ok(&["demo"]);
        let iku = env.report(&["iku-pemda", "--tahun", "2025"], "iku.xlsx");
        let cascading = env.report(&["cascading", "--tahun", "2025"], "cascading.xlsx");
        let grids = (grid(&iku, "IKU"), grid(&cascading, "Cascading 2025"));
        match &first {
            // The same document from either database.
            Some(f) => assert_eq!(f, &grids),
            None => {
                insta::assert_snapshot!("iku_pemda_xlsx", grids.0);
                insta::assert_snapshot!("cascading_xlsx", grids.1);
                first = Some(grids);
            }
        }
        // Targets are numbers in the workbook, not text.
        let cells = sheet(&iku, "IKU");
        assert!(
            cells
                .used_cells()
                .any(|(_, _, c)| matches!(c, Data::Float(v) if (*v - 70.6).abs() < 1e-9))
        );

        let iku_pdf = pdf_text(&env.report(&["iku-pemda", "--tahun", "2025"], "iku.pdf"));
        says_all(
            &iku_pdf,
            &[
                "INDIKATOR KINERJA UTAMA",
                "PEMERINTAH KABUPATEN SUKAMAJU",
                "RPJMD 2025–2029",
                "Indeks Pembangunan Manusia (IKU)",
                "Kondisi Awal",
                "Dinas Kesehatan",
                "Belum ada perangkat daerah",
            ],
        );
        let c_pdf = pdf_text(&env.report(&["cascading", "--tahun", "2025"], "c.pdf"));
        says_all(
            &c_pdf,
            &[
                "MATRIKS CASCADING KINERJA",
                "TAHUN 2025",
                "Sasaran Perangkat Daerah",
                "Belum ada perangkat daerah yang merealisasikan",
                "PROGRAM PENGEMBANGAN IKLIM PENANAMAN MODAL",
            ],
        );
        let pk = pdf_text(&env.report(&["pk-kepala-daerah", "--tahun", "2026"], "pk.pdf"));
        says_all(
            &pk,
            &[
                "PERJANJIAN KINERJA TAHUN 2026",
                "BUPATI SUKAMAJU",
                "Nama : H. Ahmad Fauzi, S.H., M.Si.",
                "LAMPIRAN PERJANJIAN KINERJA",
                "Indeks Pembangunan Manusia",
                // IKT1's 2026 target.
                "71,1 poin",
                "Sukamaju, 2 Januari 2026",
            ],
        );
    }
}

#[test]
fn wrong_pemda_document_requests_are_refused_and_write_nothing() {
    for env in Env::all().into_iter().take(1) {
        env.ok(&["demo"]);
        for (args, file, expected) in [
            (
                vec!["cascading", "--tahun", "2031"],
                "c.pdf",
                "di luar periode RPJMD",
            ),
            (
                vec!["pk-kepala-daerah", "--tahun", "2024"],
                "pk.pdf",
                "di luar periode RPJMD",
            ),
            (
                vec!["pk-kepala-daerah", "--tahun", "2025"],
                "pk.xlsx",
                "tidak tersedia untuk laporan ini",
            ),
            (
                vec!["iku-pemda", "--tahun", "2025"],
                "iku.svg",
                "tidak tersedia untuk laporan ini",
            ),
            (
                vec!["iku-pemda", "--tahun", "2025", "--pemda", "Kota Antah"],
                "iku.pdf",
                "pemda 'Kota Antah' tidak ditemukan",
            ),
            (
                vec!["cascading", "--tahun", "2025", "--unit", "kepala-dinas"],
                "c.pdf",
                "tidak berlaku untuk dokumen pemda",
            ),
            (
                vec!["lkjip", "--tahun", "2025", "--pemda", "x"],
                "l.pdf",
                "--pemda hanya untuk",
            ),
        ] {
            let out_file = env.path(file);
            let mut all = vec!["report"];
            all.extend(args.iter().copied());
            all.extend_from_slice(&["--out", out_file.to_str().unwrap()]);
            let out = env.pokin(&all);
            assert!(!out.status.success(), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(expected), "{args:?}: {err}");
            assert!(!out_file.exists(), "{args:?} left a file");
        }
    }
}
