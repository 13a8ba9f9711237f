//! The seed document, read through the public API: the tree the design brief describes, its
//! quirks, its typos, and snapshots of the JSON and of every diagnostic.

use pokin_domain::UnitKind;
use pokin_domain::check::Severity;
use pokin_import::spelling::Speller;
use pokin_import::text::{ParsedTree, ParsedUnit, parse};

const SEED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/seed/pohon-kinerja-dpmptsp-naker.txt"
));

/// The Indonesian dictionary; its absence fails the test instead of skipping the check.
fn speller() -> Speller {
    Speller::load_system().unwrap_or_else(|| {
        panic!(
            "the Indonesian hunspell dictionary (/usr/share/hunspell/id_ID.aff and .dic) is \
             missing, so the typo checks cannot run: run scripts/test, which installs hunspell-id \
             (or `apt-get install hunspell-id`)"
        )
    })
}

fn seed_without_dictionary() -> ParsedTree {
    parse(SEED, None)
}

fn seed() -> ParsedTree {
    parse(SEED, Some(&speller()))
}

fn unit<'a>(tree: &'a ParsedTree, name: &str) -> &'a ParsedUnit {
    tree.units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit named {name}"))
}

fn parent_name<'a>(tree: &'a ParsedTree, name: &str) -> Option<&'a str> {
    let parent = unit(tree, name).parent.as_ref()?;
    tree.units
        .iter()
        .find(|u| &u.key == parent)
        .map(|u| u.name.as_str())
}

#[test]
fn counts_and_title() {
    let tree = seed_without_dictionary();
    let objectives: usize = tree.units.iter().map(|u| u.objectives.len()).sum();
    let indicators: usize = tree
        .units
        .iter()
        .flat_map(|u| &u.objectives)
        .map(|o| o.indicators.len())
        .sum();
    assert_eq!((tree.units.len(), objectives, indicators), (23, 46, 65));
    assert_eq!(
        tree.title.as_deref(),
        Some(
            "POHON KINERJA DINAS PENANAMAN MODAL PELAYANAN TERPADU SATU PINTU PERINDUSTRIAN DAN TENAGA KERJA"
        )
    );
    assert_eq!(tree.title_lines, vec![172, 173]);
    assert!(!tree.has_errors());
}

#[test]
fn every_parent_per_the_design_table() {
    let tree = seed_without_dictionary();
    let expected: &[(&str, &[&str])] = &[
        (
            "(tanpa judul)",
            &[
                "SEKSI PROSES PERIZINAN I SEKTOR A",
                "SEKSI PROSES PERIZINAN II SEKTOR A",
                "SEKSI ADMINISTRASI DAN PENYERAHAN IZIN SEKTOR A",
                "SEKSI PROSES PERIZINAN I SEKTOR B",
                "SEKSI PROSES PERIZINAN II SEKTOR B",
                "SEKSI ADMINISTRASI DAN PENYERAHAN IZIN SEKTOR B",
                "SEKSI INFORMASI DATA DAN PELAPORAN PERIZINAN",
                "SEKSI PELAYANAN DAN PENGADUAN PERIZINAN",
                "SEKSI PENGELOLAAN DAN PENGENDALIAN PROGRAM",
            ],
        ),
        (
            "BIDANG PENANAMAN MODAL",
            &[
                "SEKSI PELAYANAN DAN PROMOSI PENANAMAN MODAL",
                "SEKSI PENGEMBANGAN IKLIM PENANAMAN MODAL DAN POTENSI INVESTASI",
                "SEKSI PENGENDALIAN SISTEM INFORMASI DATA PENANAMAN MODAL",
            ],
        ),
        (
            "BIDANG PERINDUSTRIAN",
            &[
                "SEKSI INDUSTRI AGRO",
                "SEKSI INDUSTRI NON AGRO",
                "SEKSI KERJASAMA, KELEMBAGAAN, PENGEMBANGAN TEKNOLOGI DAN PERLINDUNGAN INDUSTRI",
            ],
        ),
        (
            "BIDANG TENAGA KERJA",
            &[
                "SEKSI PELATIHAN DAN PRODUKTIFITAS TENAGA KERJA",
                "SEKSI PENEMPATAN DAN PEMBERDAYAAN TENAGA KERJA",
                "SEKSI PEMBINAAN TENAGA KERJA DAN HUBUNGAN INDUSTRIAL",
            ],
        ),
    ];
    assert_eq!(parent_name(&tree, "KEPALA DINAS"), None);
    for (bidang, seksi) in expected {
        assert_eq!(parent_name(&tree, bidang), Some("KEPALA DINAS"), "{bidang}");
        for s in *seksi {
            assert_eq!(parent_name(&tree, s), Some(*bidang), "{s}");
        }
    }
    let listed = 1 + expected.iter().map(|(_, s)| 1 + s.len()).sum::<usize>();
    assert_eq!(listed, tree.units.len());
}

#[test]
fn cascade_of_the_head() {
    let tree = seed_without_dictionary();
    let supports = |unit_name: &str, code: &str| {
        let u = unit(&tree, unit_name);
        let o = u
            .objectives
            .iter()
            .find(|o| o.code.as_str() == code)
            .unwrap_or_else(|| panic!("{unit_name} has no {code}"));
        o.supports
            .iter()
            .map(|(k, c)| format!("{k} {c}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(supports("BIDANG TENAGA KERJA", "SS1"), ["kepala-dinas SS3"]);
    assert_eq!(supports("BIDANG TENAGA KERJA", "SS2"), ["kepala-dinas SS4"]);
    assert_eq!(
        supports("BIDANG PENANAMAN MODAL", "SS1"),
        ["kepala-dinas SS2"]
    );
    assert_eq!(
        supports("BIDANG PENANAMAN MODAL", "SS2"),
        ["kepala-dinas SS2"]
    );
    assert_eq!(
        supports("BIDANG PERINDUSTRIAN", "SS1"),
        ["kepala-dinas SS1"]
    );
    assert_eq!(
        supports("BIDANG PERINDUSTRIAN", "SS2"),
        ["kepala-dinas SS1"]
    );
    assert_eq!(supports("(tanpa judul)", "SS1"), ["kepala-dinas SS5"]);
    // Every objective below the head supports something of its parent.
    for u in tree.units.iter().filter(|u| u.parent.is_some()) {
        for o in &u.objectives {
            assert_eq!(o.supports.len(), 1, "{} {}", u.name, o.code);
            assert_eq!(Some(&o.supports[0].0), u.parent.as_ref());
        }
    }
}

#[test]
fn headless_first_block() {
    let tree = seed_without_dictionary();
    let first = &tree.units[0];
    assert_eq!(first.kind, UnitKind::Unnamed);
    assert_eq!(first.key.as_str(), "tanpa-judul");
    assert_eq!(first.name, "(tanpa judul)");
    assert!(
        tree.diagnostics
            .iter()
            .any(|d| d.line == 2 && d.code == "unnamed-unit" && d.severity == Severity::Warning)
    );
}

#[test]
fn indicator_carrying_an_objective_label() {
    let tree = seed_without_dictionary();
    let seksi = unit(
        &tree,
        "SEKSI PEMBINAAN TENAGA KERJA DAN HUBUNGAN INDUSTRIAL",
    );
    let third = &seksi.objectives[2];
    assert_eq!(third.code.as_str(), "SS3");
    assert_eq!(third.statement, "Meningkatnya perlindungan tenaga kerja");
    assert_eq!(third.indicators.len(), 1);
    let indicator = &third.indicators[0];
    assert_eq!(indicator.code.as_str(), "IK3");
    assert_eq!(
        indicator.name,
        "Persentase peserta sosialisasi jaminan kesehatan pekerja"
    );
    assert_eq!(indicator.lines, vec![169, 170]);
    assert!(tree.diagnostics.iter().any(|d| d.line == 169
        && d.code == "indicator-with-objective-label"
        && d.severity == Severity::Warning));
}

#[test]
fn wrapped_text_and_headings() {
    let tree = seed_without_dictionary();
    let head = unit(&tree, "KEPALA DINAS");
    assert_eq!(
        head.objectives[0].indicators[0].name,
        "Tingkat Kontribusi Sektor Industri Pengolahan Kecil Menengah (IKM)"
    );
    assert!(head.objectives[0].indicators[0].iku);
    assert_eq!(head.objectives[3].indicators.len(), 2);
    let seksi = unit(&tree, "SEKSI PELAYANAN DAN PROMOSI PENANAMAN MODAL");
    assert_eq!(seksi.lines, vec![11, 12]);
    let lkpm = &unit(
        &tree,
        "SEKSI PENGENDALIAN SISTEM INFORMASI DATA PENANAMAN MODAL",
    )
    .objectives[0]
        .indicators[0];
    assert_eq!(lkpm.name, "Persentase perusahaan yang menyampaikan LKPM");
    let glued = unit(&tree, "SEKSI PROSES PERIZINAN II SEKTOR A");
    assert_eq!(glued.lines, vec![174]);
}

#[test]
fn typos_with_suggestions() {
    let tree = seed();
    let typos: Vec<&str> = tree
        .diagnostics
        .iter()
        .filter(|d| d.code == "possible-typo")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        typos,
        [
            "kemungkinan salah ketik 'investasu'; maksudnya 'investasi'?",
            "kemungkinan salah ketik 'Angkata'; maksudnya 'Angkatan'?",
            "kemungkinan salah ketik 'memilki'; maksudnya 'memiliki'?",
            "kemungkinan salah ketik 'digiltal'; maksudnya 'digital'?",
            "kemungkinan salah ketik 'manajeman'; maksudnya 'manajemen'?",
            "kemungkinan salah ketik 'kepentngan'; maksudnya 'kepentingan'?",
        ]
    );
}

#[test]
fn draft_validates() {
    let tree = seed_without_dictionary();
    let org = tree
        .to_draft("Organisasi")
        .validate()
        .unwrap_or_else(|e| panic!("seed draft invalid:\n{e}"));
    assert_eq!(
        org.name,
        "Dinas Penanaman Modal Pelayanan Terpadu Satu Pintu Perindustrian dan Tenaga Kerja"
    );
    assert_eq!(org.counts(), (23, 46, 65));
    let iku: usize = org
        .units
        .iter()
        .flat_map(|u| &u.objectives)
        .flat_map(|o| &o.indicators)
        .filter(|i| i.iku)
        .count();
    assert_eq!(iku, 6);
    assert!(
        org.units
            .iter()
            .flat_map(|u| &u.objectives)
            .flat_map(|o| &o.supports)
            .all(|s| s.weight == 1.0)
    );
}

#[test]
fn diagnostics_sorted_and_every_indicator_specified() {
    let tree = seed_without_dictionary();
    assert!(tree.diagnostics.windows(2).all(|w| w[0].line <= w[1].line));
    let specs = tree
        .diagnostics
        .iter()
        .filter(|d| d.code == "inferred-spec")
        .count();
    assert_eq!(specs, 65);
}

#[test]
fn snapshot_json() {
    let tree = seed();
    let json = serde_json::to_string_pretty(&tree).expect("serialisable");
    insta::assert_snapshot!("seed_json", json);
}

#[test]
fn snapshot_diagnostics() {
    let tree = seed();
    let rendered: Vec<String> = tree
        .diagnostics
        .iter()
        .map(|d| d.render("seed.txt"))
        .collect();
    insta::assert_snapshot!("seed_diagnostics", rendered.join("\n"));
}
