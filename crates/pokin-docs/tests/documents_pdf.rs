//! The PDF documents read back as text: the Perjanjian Kinerja, its Rencana Aksi, the LKjIP
//! Bab III and the pohon kinerja poster. The rendered files are kept in `target/documents/` for
//! a person to look at.

mod common;

use pokin_docs::pohon::PohonOptions;
use pokin_docs::{lkjip, pk, poster};
use pokin_domain::capaian::{Periodisation, PredicateBands, Realisation};
use pokin_domain::document::{
    Amendment, AmendmentReason, DocumentSettings, LkjipInput, PerjanjianKinerja,
    lkjip as build_lkjip, perjanjian_kinerja,
};
use pokin_domain::measure::{
    IndicatorKey, IndicatorYear, MeasureSettings, Period, RealisationInput, Span,
    measure_organisation,
};
use pokin_domain::program::{BudgetYear, Program, ProgramLevel};
use pokin_domain::{Appointment, Nip, Official, Organisation, TargetValue, UnitKey, format};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;

use common::{code, key};

const YEAR: i32 = 2026;
const TRICKY: &str = "Budi #1 *Tebal* <script>alert(1)</script>";

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/documents");
    std::fs::create_dir_all(&dir).expect("target/documents");
    dir
}

/// Writes the PDF to `target/documents/<name>.pdf` and returns its path.
fn keep(name: &str, pdf: &[u8]) -> PathBuf {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is a PDF");
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write pdf");
    path
}

/// The text of a PDF in content order, whitespace collapsed (wrapped cells read as one line).
fn text_of(path: &PathBuf) -> String {
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed on {path:?}");
    let raw = String::from_utf8(out.stdout).expect("utf-8 text");
    raw.replace('\u{200B}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The number of pages, from `pdfinfo`.
fn pages_of(path: &PathBuf) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout).to_string();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

/// The font names embedded in a PDF, from `pdffonts`.
fn fonts_of(path: &PathBuf) -> Vec<String> {
    let out = Command::new("pdffonts")
        .arg(path)
        .output()
        .expect("pdffonts");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn assert_bundled_fonts(path: &PathBuf) {
    let fonts = fonts_of(path);
    assert!(!fonts.is_empty(), "{path:?} embeds its fonts");
    for f in fonts {
        let name = f.split_once('+').map_or(f.as_str(), |(_, n)| n);
        assert!(
            name.starts_with("LiberationSans") || name.starts_with("DejaVuSans"),
            "{path:?}: unexpected font {f}"
        );
    }
}

fn has(text: &str, needle: &str) {
    let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&needle), "missing {needle:?} in:\n{text}");
}

fn settings() -> DocumentSettings {
    DocumentSettings {
        region: "Kabupaten Boyolali".into(),
        place: "Boyolali".into(),
        head_title: "Bupati Boyolali".into(),
        head_name: "AGUS IRAWAN".into(),
    }
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn program(
    code: &str,
    level: ProgramLevel,
    name: &str,
    parent: Option<&str>,
    unit: &str,
    objective: Option<&str>,
    pagu: Option<f64>,
) -> Program {
    Program {
        code: code.into(),
        level,
        name: name.into(),
        parent: parent.map(String::from),
        unit: key(unit),
        objective: objective.map(code_of),
        pagu: pagu
            .map(|p| BTreeMap::from([(YEAR, p)]))
            .unwrap_or_default(),
    }
}

fn code_of(s: &str) -> pokin_domain::Code {
    code(s)
}

const HEAD: &str = "kepala-dinas";
const ACTING: &str = "bidang-penanaman-modal";
const TRICKY_UNIT: &str = "bidang-perindustrian";

/// The demo agency with programs, a monthly indicator, an acting head of a Bidang and an
/// official whose name looks like markup.
fn agency() -> Organisation {
    let mut d = common::demo().into_draft();
    for u in &mut d.units {
        match u.key.as_str() {
            HEAD => {
                let i = &mut u.objectives[0].indicators[0];
                i.targets.insert(YEAR, TargetValue::Number(85.5));
                i.targets.insert(2029, TargetValue::Number(90.0));
                i.periodisation = Some(Periodisation::Bulanan);
            }
            ACTING => {
                u.officials = vec![Official {
                    name: "Rina Kusuma, S.Sos.".into(),
                    nip: Some(Nip::parse("198506122010012003").unwrap()),
                    pangkat: Some("Penata Tingkat I".into()),
                    golongan: Some("III/d".into()),
                    appointment: Appointment::Plt,
                    since: Some(date(2025, 6, 1)),
                    until: None,
                }];
            }
            TRICKY_UNIT => u.officials[0].name = TRICKY.into(),
            _ => {}
        }
    }
    d.programs = vec![
        program(
            "2.18.01",
            ProgramLevel::Program,
            "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA",
            None,
            HEAD,
            Some("SS1"),
            Some(5_294_655_000.0),
        ),
        program(
            "2.18.02",
            ProgramLevel::Program,
            "PROGRAM PENGEMBANGAN IKLIM PENANAMAN MODAL",
            None,
            HEAD,
            Some("SS2"),
            Some(827_924_000.0),
        ),
        program(
            "2.18.02.2.01",
            ProgramLevel::Kegiatan,
            "Penetapan Pemberian Fasilitas/Insentif di Bidang Penanaman Modal",
            Some("2.18.02"),
            ACTING,
            Some("SS1"),
            Some(300_000_000.0),
        ),
        program(
            "2.18.02.2.02",
            ProgramLevel::Kegiatan,
            "Pembuatan Peta Potensi Investasi Kabupaten",
            Some("2.18.02"),
            ACTING,
            None,
            None,
        ),
    ];
    d.validate().expect("the test agency is valid")
}

fn plans(org: &Organisation) -> HashMap<IndicatorKey, IndicatorYear> {
    let mut out = HashMap::new();
    for u in &org.units {
        for i in u.objectives.iter().flat_map(|o| &o.indicators) {
            let n = pokin_domain::measure::periodisation_of(i).count();
            let Some(TargetValue::Number(t)) = i.targets.get(&YEAR) else {
                continue;
            };
            let targets = (1..=n)
                .map(|k| Some(TargetValue::Number(t * k as f64 / n as f64)))
                .collect();
            out.insert(
                IndicatorKey {
                    unit: u.key.clone(),
                    code: i.code.clone(),
                },
                IndicatorYear {
                    targets,
                    realisations: Vec::new(),
                },
            );
        }
    }
    out
}

fn pk_of(org: &Organisation, unit: &str) -> PerjanjianKinerja {
    perjanjian_kinerja(
        org,
        &UnitKey::parse(unit).unwrap(),
        YEAR,
        date(YEAR, 1, 2),
        &settings(),
        &plans(org),
    )
    .expect("unit exists")
}

#[test]
fn perjanjian_kinerja_of_the_head_reads_as_signed() {
    let org = agency();
    let mut pk = pk_of(&org, HEAD);
    pk.version = 1;
    let path = keep("pk-kepala-dinas", &pk::pdf(&pk).unwrap());
    let text = text_of(&path);
    has(&text, &format!("PERJANJIAN KINERJA TAHUN {YEAR}"));
    has(&text, "KABUPATEN BOYOLALI");
    has(
        &text,
        "Dalam rangka mewujudkan manajemen pemerintahan yang efektif",
    );
    has(&text, "selanjutnya disebut Pihak Pertama");
    has(&text, "PIHAK KEDUA");
    has(&text, "PIHAK PERTAMA");
    // Both parties: the head of agency and the head of region.
    has(&text, &pk.first.name);
    has(&text, &pk.first.position);
    has(&text, pk.first.nip.as_deref().unwrap());
    has(&text, "Pembina Utama Muda (IV/c)");
    has(&text, "AGUS IRAWAN");
    has(&text, "Bupati Boyolali");
    has(&text, &format!("Boyolali, {}", format::date(pk.signed_on)));
    // The Lampiran: every indicator with its target in Indonesian format.
    has(&text, "LAMPIRAN PERJANJIAN KINERJA");
    for o in &pk.objectives {
        has(&text, &o.statement);
    }
    for i in pk.indicators() {
        has(&text, &i.name);
        has(&text, &i.target_text());
    }
    has(&text, "85,5%");
    // The budget with its total.
    has(&text, "Program");
    has(&text, "PROGRAM PENGEMBANGAN IKLIM PENANAMAN MODAL");
    has(&text, "TOTAL ANGGARAN");
    has(&text, &format::rupiah(pk.budget_total()));
    has(&text, "Rp 6.122.579.000");
    has(&text, "Menyetujui");
    // Established: no draft mark; page numbers on every page.
    assert!(!text.contains("DRAF"), "version 1 is not a draft");
    has(&text, "DATA DEMO");
    let pages = pages_of(&path);
    assert!(pages >= 2, "statement and Lampiran");
    for p in 1..=pages {
        has(&text, &format!("Halaman {p} dari {pages}"));
    }
    assert_bundled_fonts(&path);
}

#[test]
fn a_draft_of_an_acting_heads_agreement_is_marked_and_names_print_literally() {
    let org = agency();
    let pk = pk_of(&org, ACTING);
    assert_eq!(pk.version, 0);
    assert_eq!(pk.first.appointment, Appointment::Plt);
    let path = keep("pk-plt-draf", &pk::pdf(&pk).unwrap());
    let text = text_of(&path);
    has(&text, "DRAF — belum ditetapkan");
    has(&text, "Plt. Kepala Bidang Penanaman Modal");
    has(&text, "Plt. KEPALA BIDANG PENANAMAN MODAL");
    has(&text, "Rina Kusuma, S.Sos.");
    has(&text, "NIP. 19850612 201001 2 003");
    has(&text, "Penata Tingkat I (III/d)");
    // The superior is the head of agency, with NIP.
    has(&text, &pk.second.name);
    has(&text, pk.second.nip.as_deref().unwrap());
    // Budget header follows the levels present; an item without pagu shows a dash.
    has(&text, "Kegiatan");
    has(&text, "Rp 300.000.000");

    // A name that looks like markup prints as written.
    let tricky = pk_of(&org, TRICKY_UNIT);
    let path = keep("pk-nama-aneh", &pk::pdf(&tricky).unwrap());
    let text = text_of(&path);
    has(&text, TRICKY);
}

#[test]
fn an_amendment_and_a_missing_official_still_render() {
    let org = agency();
    let mut pk = pk_of(&org, HEAD);
    pk.version = 2;
    pk.amendment = Some(Amendment {
        reason: AmendmentReason::PerubahanAnggaran,
        note: "APBD Perubahan 2026".into(),
    });
    pk.first.name = String::new();
    pk.first.nip = None;
    pk.first.pangkat = None;
    pk.first.golongan = None;
    let path = keep("pk-perubahan-tanpa-pejabat", &pk::pdf(&pk).unwrap());
    let text = text_of(&path);
    has(
        &text,
        "Perubahan ke-1: Perubahan anggaran — APBD Perubahan 2026",
    );
    has(&text, ". . . . . . . .");
    assert!(!text.contains("DRAF"));
    has(&text, "Halaman 1 dari");
}

#[test]
fn rencana_aksi_lists_quarterly_and_monthly_targets_in_their_own_tables() {
    let org = agency();
    let pk = pk_of(&org, HEAD);
    let path = keep(
        "rencana-aksi-kepala-dinas",
        &pk::rencana_aksi_pdf(&pk).unwrap(),
    );
    let text = text_of(&path);
    has(&text, "RENCANA AKSI ATAS PERJANJIAN KINERJA");
    has(&text, &format!("Target Tahun {YEAR}"));
    has(&text, "TW I");
    has(&text, "TW IV");
    has(&text, "Jan");
    has(&text, "Des");
    for i in pk.indicators() {
        has(&text, &i.name);
        has(&text, &i.target_text());
        for k in 0..i.periodisation.count() {
            has(&text, &i.period_text(k));
        }
    }
    // The monthly indicator's March target (85,5 × 3 / 12).
    has(&text, "21,38");
    has(&text, &pk.first.name);
    has(&text, "Halaman 1 dari");
    assert_bundled_fonts(&path);

    // Only quarterly indicators: no month columns.
    let pk = pk_of(&org, ACTING);
    let path = keep("rencana-aksi-plt", &pk::rencana_aksi_pdf(&pk).unwrap());
    let text = text_of(&path);
    has(&text, "TW III");
    assert!(!text.contains(" Agu "), "no monthly table");
}

#[test]
fn lkjip_bab_iii_shows_capaian_budget_efficiency_and_narratives() {
    let org = agency();
    let mut data: HashMap<i32, HashMap<IndicatorKey, IndicatorYear>> = HashMap::new();
    let head = key(HEAD);
    let iku = |c: &str| IndicatorKey {
        unit: head.clone(),
        code: code(c),
    };
    for (year, v) in [(2024, 80.25), (2025, 83.0), (2026, 84.0)] {
        let mut monthly = vec![None; 12];
        monthly[11] = Some(Realisation::Number(v));
        data.entry(year).or_default().insert(
            iku("IKU1"),
            IndicatorYear {
                // 2024 is before the Renstra: measured against its Rencana Aksi.
                targets: vec![Some(TargetValue::Number(80.0)); 12],
                realisations: monthly,
            },
        );
    }
    data.entry(2026).or_default().insert(
        iku("IKU2"),
        IndicatorYear {
            targets: Vec::new(),
            realisations: vec![None, None, None, Some(Realisation::Number(3.9))],
        },
    );
    let settings_m = MeasureSettings::default();
    let m = |y: i32| {
        measure_organisation(
            &org,
            y,
            Span::Year,
            data.get(&y).unwrap_or(&HashMap::new()),
            &settings_m,
        )
    };
    let (current, y1, y2) = (m(2026), m(2025), m(2024));
    let spent = HashMap::from([
        (
            "2.18.01".to_string(),
            BudgetYear {
                quarters: [Some(1_000_000_000.0), Some(1_500_000_000.0), None, None],
            },
        ),
        (
            "2.18.02".to_string(),
            BudgetYear {
                quarters: [Some(800_000_000.0), None, None, None],
            },
        ),
    ]);
    let k1 = iku("IKU1");
    let narrative = RealisationInput {
        value: Some(Realisation::Number(84.0)),
        kendala: Some("Data BPS terlambat dirilis".into()),
        solusi: Some("Koordinasi dengan BPS sejak triwulan III".into()),
        pendorong: Some(format!("Dukungan {TRICKY}")),
    };
    let bands = PredicateBands::default();
    let settings = settings();
    let l = build_lkjip(LkjipInput {
        org: &org,
        settings: &settings,
        bands: &bands,
        current: &current,
        previous: [&y2, &y1],
        budget: &spent,
        narratives: vec![(
            &k1,
            Period::new(2026, Periodisation::Bulanan, 12).unwrap(),
            &narrative,
        )],
    });
    let path = keep("lkjip-bab-iii", &lkjip::pdf(&l).unwrap());
    let text = text_of(&path);
    has(&text, "BAB III AKUNTABILITAS KINERJA");
    has(&text, "Tabel 3.1 Capaian Kinerja Tahun 2026");
    has(&text, "Realisasi 2024");
    has(&text, "Realisasi 2025");
    has(&text, "Target Akhir Renstra (2029)");
    has(&text, "Capaian thd Renstra");
    for o in &l.objectives {
        has(&text, &o.unit_name);
        has(&text, &o.statement);
        for i in &o.indicators {
            has(&text, &i.name);
            has(&text, &i.capaian.to_string());
        }
    }
    // The head's first indicator: realisations of three years, capaian and predicate.
    let first = &l.objectives[0].indicators[0];
    has(&text, "80,25");
    has(&text, "85,5");
    has(&text, &first.capaian.to_string());
    has(&text, first.predicate.as_deref().unwrap());
    has(&text, "belum dilaporkan");
    // Budget and efficiency.
    has(&text, "Tabel 3.2 Realisasi Anggaran");
    let (pagu, realised, _) = l.budget_total();
    has(&text, &format::rupiah(pagu));
    has(&text, &format::rupiah(realised));
    has(&text, "Tabel 3.3 Efisiensi");
    for e in &l.efficiency {
        has(&text, &e.statement);
    }
    assert!(
        text.contains("Efisien") || text.contains("Kurang efisien"),
        "efficiency remarks"
    );
    // Narratives and the overall sentence.
    has(&text, "Faktor pendorong, kendala dan solusi");
    has(&text, "Data BPS terlambat dirilis");
    has(&text, "Koordinasi dengan BPS sejak triwulan III");
    has(&text, TRICKY);
    has(&text, &format!("capaian kinerja {}", org.name));
    has(&text, &l.overall.to_string());
    has(&text, "Halaman 1 dari");
    has(&text, "DATA DEMO");
    assert_bundled_fonts(&path);
}

#[test]
fn poster_of_a_small_tree_fits_one_page() {
    let small = common::org(vec![
        common::unit(0, None, 2, 2),
        common::unit(1, Some(0), 1, 2),
        common::unit(2, Some(0), 1, 1),
        common::unit(3, Some(1), 1, 1),
    ]);
    let path = keep(
        "poster-kecil",
        &poster::pdf(&small, &PohonOptions::default()).unwrap(),
    );
    assert_eq!(pages_of(&path), 1);
    let text = text_of(&path);
    has(&text, "Organisasi Uji");
    has(&text, "Halaman 1 dari 1");
    assert!(!text.contains("Bagian"));
    assert_bundled_fonts(&path);
}

#[test]
fn poster_of_the_agency_coloured_by_capaian_renders() {
    let org = agency();
    let levels = PredicateBands::default().bands().len();
    let fills = org
        .units
        .iter()
        .flat_map(|u| {
            u.objectives
                .iter()
                .map(move |o| (u.key.clone(), o.code.clone()))
        })
        .enumerate()
        .map(|(n, k)| {
            (
                k,
                pokin_docs::chart::predicate_tint(Some(n % levels), levels).to_string(),
            )
        })
        .collect();
    let options = PohonOptions {
        fills,
        legend: pokin_docs::chart::predicate_legend(
            &PredicateBands::default(),
            pokin_docs::chart::predicate_tint,
        ),
        ..PohonOptions::default()
    };
    let path = keep(
        "poster-dinas-capaian",
        &poster::pdf(&org, &options).unwrap(),
    );
    let pages = pages_of(&path);
    let text = text_of(&path);
    has(&text, &format!("Halaman {pages} dari {pages}"));
    has(&text, "DATA DEMO");
    assert_bundled_fonts(&path);
}

#[test]
fn poster_of_a_very_wide_tree_is_tiled_with_a_key_page() {
    // 30 Bidang, each with a Seksi under it: too wide to stack, far too wide for one page.
    let mut units = vec![common::unit(0, None, 1, 1)];
    for b in 1..=30 {
        units.push(common::unit(b, Some(0), 1, 1));
        units.push(common::unit(100 + b, Some(b), 1, 1));
    }
    let org = common::org(units);
    let path = keep(
        "poster-lebar",
        &poster::pdf(&org, &PohonOptions::default()).unwrap(),
    );
    let pages = pages_of(&path);
    assert!(pages > 2, "tiled over several pages, got {pages}");
    let text = text_of(&path);
    has(&text, "Kunci halaman");
    // "Bagian 1,1 dari R×C": one page per tile after the key page, every tile labelled.
    let grid = text
        .split("Bagian 1,1 dari ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the first tile's label");
    let (rows, cols) = grid.split_once('×').expect("R×C");
    let (rows, cols): (usize, usize) = (rows.parse().unwrap(), cols.parse().unwrap());
    assert!(cols > 1);
    assert_eq!(rows * cols, pages - 1);
    for r in 1..=rows {
        for c in 1..=cols {
            has(&text, &format!("Bagian {r},{c} dari {grid}"));
        }
    }
    has(&text, &format!("Halaman {pages} dari {pages}"));
    assert_bundled_fonts(&path);
}
