//! Small documents, one quirk each, read through the public API.

use pokin_domain::UnitKind;
use pokin_domain::check::Severity;
use pokin_import::text::{ParsedTree, ParsedUnit, parse};

fn read(source: &str) -> ParsedTree {
    let tree = parse(source, None);
    // Whatever the input, the draft must validate.
    if let Err(e) = tree.to_draft("Organisasi").validate() {
        panic!("draft invalid:\n{e}\nfor:\n{source}");
    }
    tree
}

fn unit<'a>(tree: &'a ParsedTree, name: &str) -> &'a ParsedUnit {
    tree.units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit named {name:?} in {:?}", names(tree)))
}

fn names(tree: &ParsedTree) -> Vec<&str> {
    tree.units.iter().map(|u| u.name.as_str()).collect()
}

fn parent<'a>(tree: &'a ParsedTree, name: &str) -> Option<&'a str> {
    let key = unit(tree, name).parent.as_ref()?;
    tree.units
        .iter()
        .find(|u| &u.key == key)
        .map(|u| u.name.as_str())
}

/// Whether a diagnostic with this code and severity stands on this line.
fn has(tree: &ParsedTree, line: usize, code: &str, severity: Severity) -> bool {
    tree.diagnostics
        .iter()
        .any(|d| d.line == line && d.code == code && d.severity == severity)
}

fn codes_on(tree: &ParsedTree, line: usize) -> Vec<&str> {
    tree.diagnostics
        .iter()
        .filter(|d| d.line == line)
        .map(|d| d.code.as_str())
        .collect()
}

/// Statements and indicator names of a unit, as `CODE text` lines.
fn outline(unit: &ParsedUnit) -> Vec<String> {
    let mut out = Vec::new();
    for o in &unit.objectives {
        out.push(format!("{} {}", o.code, o.statement));
        for i in &o.indicators {
            out.push(format!("  {} {}", i.code, i.name));
        }
    }
    out
}

#[test]
fn crlf_bom_and_tabs() {
    let tree = read(
        "\u{feff}KEPALA DINAS\r\n\tSS1. Meningkatnya  kualitas\tlayanan\r\nIK1.\tPersentase layanan\r\nSEKSI\tINDUSTRI AGRO\r\nSS1. Meningkatnya industri\r\nIK1. Jumlah IKM\r\n",
    );
    assert_eq!(names(&tree), ["KEPALA DINAS", "SEKSI INDUSTRI AGRO"]);
    let head = unit(&tree, "KEPALA DINAS");
    // A tab-separated cell right of an objective is its indicator.
    assert_eq!(
        outline(head),
        [
            "SS1 Meningkatnya kualitas",
            "  IK1 layanan",
            "  IK1-2 Persentase layanan"
        ]
    );
    assert!(has(&tree, 2, "tab-indicator", Severity::Info));
    assert!(has(&tree, 3, "duplicate-indicator-code", Severity::Warning));
}

#[test]
fn tab_separated_indicator() {
    let tree = read("BIDANG A\nSS1. Meningkatnya ekspor\tPersentase ekspor\tJumlah eksportir\n");
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya ekspor",
            "  IK1 Persentase ekspor",
            "  IK1.2 Jumlah eksportir"
        ]
    );
    assert_eq!(
        codes_on(&tree, 2)
            .iter()
            .filter(|c| **c == "tab-indicator")
            .count(),
        2
    );
}

#[test]
fn page_numbers() {
    let tree = read(
        "BIDANG A\nSS1. Meningkatnya layanan\nIK1. Persentase SDM yang\n- 2 -\nterlatih\nHalaman 3\n4\n5 / 10\nIK2. Jumlah pelatihan\n",
    );
    for line in [4, 6, 7, 8] {
        assert!(
            has(&tree, line, "page-number", Severity::Info),
            "line {line}"
        );
    }
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya layanan",
            "  IK1 Persentase SDM yang terlatih",
            "  IK2 Jumlah pelatihan"
        ]
    );
}

#[test]
fn title_repeated_on_every_page() {
    let tree = read(
        "POHON KINERJA DINAS CONTOH\n\nBIDANG A\nSS1. Meningkatnya layanan\nIK1. Persentase layanan yang\nPOHON KINERJA DINAS CONTOH\ntepat waktu\n",
    );
    assert_eq!(tree.title.as_deref(), Some("POHON KINERJA DINAS CONTOH"));
    assert_eq!(tree.title_lines, vec![1, 6]);
    assert!(has(&tree, 6, "repeated-title", Severity::Info));
    assert_eq!(
        tree.units[0].objectives[0].indicators[0].name,
        "Persentase layanan yang tepat waktu"
    );
    assert_eq!(tree.organisation_name("x"), "Dinas Contoh");
}

#[test]
fn a_different_second_title_is_a_warning() {
    let tree = read(
        "POHON KINERJA DINAS CONTOH\nBIDANG A\nSS1. Meningkatnya a\nPOHON KINERJA DINAS LAIN\nBIDANG B\nSS1. Meningkatnya b\n",
    );
    assert_eq!(tree.title.as_deref(), Some("POHON KINERJA DINAS CONTOH"));
    assert!(has(&tree, 4, "different-title", Severity::Warning));
}

#[test]
fn title_wrapped_and_glued_to_a_heading() {
    let tree = read(
        "Pohon Kinerja Dinas Pendidikan dan\nKebudayaan\n\nPOHON KINERJA DINAS PENDIDIKAN DAN KEBUDAYAAN SEKSI KURIKULUM\nSS1. Meningkatnya mutu kurikulum\n",
    );
    assert_eq!(
        tree.title.as_deref(),
        Some("Pohon Kinerja Dinas Pendidikan dan Kebudayaan")
    );
    assert!(has(&tree, 4, "repeated-title", Severity::Info));
    assert_eq!(names(&tree), ["SEKSI KURIKULUM"]);
    assert_eq!(unit(&tree, "SEKSI KURIKULUM").lines, vec![4]);
    assert_eq!(tree.to_draft("x").name, "Dinas Pendidikan dan Kebudayaan");
}

#[test]
fn no_title_uses_the_fallback_name() {
    let tree = read("BIDANG A\nSS1. Meningkatnya a\n");
    assert_eq!(tree.title, None);
    assert_eq!(tree.to_draft("Dinas Contoh").name, "Dinas Contoh");
}

#[test]
fn label_variants_and_lower_case_labels() {
    let tree = read(
        "KEPALA DINAS\nss1. Meningkatnya a\nIK1.1 Persentase b\nIK1.2. Persentase c\nIKU 3.Persentase d\nIK4.  Persentase e\nIKU1. Persentase f\nik 5 Jumlah g\nSP2 Meningkatnya h\nIKP2.1: Indeks i\n",
    );
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya a",
            "  IK1.1 Persentase b",
            "  IK1.2 Persentase c",
            "  IKU3 Persentase d",
            "  IK4 Persentase e",
            "  IKU1 Persentase f",
            "  IK5 Jumlah g",
            "SP2 Meningkatnya h",
            "  IKP2.1 Indeks i",
        ]
    );
    let ikus: Vec<bool> = tree.units[0].objectives[0]
        .indicators
        .iter()
        .map(|i| i.iku)
        .collect();
    assert_eq!(ikus, [false, false, true, false, true, false]);
}

#[test]
fn objective_and_indicators_on_one_line() {
    let tree = read(
        "KEPALA DINAS\nSS1. Meningkatnya Kewirausahaan IKU 1.Tingkat Kontribusi Sektor Industri\n\nKecil Menengah (IKM)\nSS2. Terbangunnya Iklim IKU 2. Indeks Kemudahan IKU 3. Nilai Investasi\n",
    );
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya Kewirausahaan",
            "  IKU1 Tingkat Kontribusi Sektor Industri Kecil Menengah (IKM)",
            "SS2 Terbangunnya Iklim",
            "  IKU2 Indeks Kemudahan",
            "  IKU3 Nilai Investasi",
        ]
    );
    // Joined across the blank line, with a note.
    assert!(has(&tree, 4, "continued-after-blank", Severity::Info));
}

#[test]
fn wrapped_headings() {
    let tree = read(
        "SEKSI PELAYANAN DAN PROMOSI PENANAMAN \nMODAL\n\nSS1. Meningkatnya promosi\nIK1. Jumlah promosi\n\nSEKSI KERJASAMA, \nPENGEMBANGAN TEKNOLOGI DAN PERLINDUNGAN \nINDUSTRI\nSS1. Meningkatnya kerjasama\n\nSEKSI PENGAWASAN DAN\nBIDANG USAHA\nSS1. Meningkatnya pengawasan\n",
    );
    assert_eq!(
        names(&tree),
        [
            "SEKSI PELAYANAN DAN PROMOSI PENANAMAN MODAL",
            "SEKSI KERJASAMA, PENGEMBANGAN TEKNOLOGI DAN PERLINDUNGAN INDUSTRI",
            "SEKSI PENGAWASAN DAN BIDANG USAHA",
        ]
    );
    assert_eq!(tree.units[0].lines, vec![1, 2]);
    assert_eq!(tree.units[1].lines, vec![7, 8, 9]);
    assert_eq!(
        tree.units[0].key.as_str(),
        "seksi-pelayanan-dan-promosi-penanaman-modal"
    );
}

#[test]
fn a_heading_in_title_case_after_a_blank_line() {
    let tree = read(
        "Kepala Dinas\nSS1. Meningkatnya tenaga kerja terampil\nIK1. Persentase tenaga kerja terampil\n\nBidang Tenaga Kerja\nSS1. Meningkatnya pelatihan tenaga kerja\nIK1. Jumlah peserta pelatihan di\nBidang Pertanian\n",
    );
    assert_eq!(names(&tree), ["Kepala Dinas", "Bidang Tenaga Kerja"]);
    assert_eq!(unit(&tree, "Bidang Tenaga Kerja").kind, UnitKind::Bidang);
    // `Bidang Pertanian` after `… di` continues the indicator.
    assert_eq!(
        tree.units[1].objectives[0].indicators[0].name,
        "Jumlah peserta pelatihan di Bidang Pertanian"
    );
}

#[test]
fn capitals_after_an_indicator_continue_it() {
    let tree = read(
        "BIDANG A\nSS1. Meningkatnya ketertiban\nIK1. Persentase perusahaan yang menyampaikan\nLKPM\nSS2. Meningkatnya kerjasama pemerintah daerah\ndan badan usaha\n",
    );
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya ketertiban",
            "  IK1 Persentase perusahaan yang menyampaikan LKPM",
            "SS2 Meningkatnya kerjasama pemerintah daerah dan badan usaha",
        ]
    );
}

#[test]
fn indicator_with_an_objective_label() {
    let tree = read(
        "SEKSI A\nSS3. Meningkatnya perlindungan tenaga kerja\nSS3. Persentase peserta sosialisasi jaminan kesehatan\npekerja\n\nSEKSI B\nSS1. Meningkatnya layanan\nSS2. Persentase layanan tepat waktu\nSS2. Meningkatnya mutu\nSS2. Meningkatnya kepuasan\nIK2. Indeks kepuasan\n",
    );
    assert_eq!(
        outline(unit(&tree, "SEKSI A")),
        [
            "SS3 Meningkatnya perlindungan tenaga kerja",
            "  IK3 Persentase peserta sosialisasi jaminan kesehatan pekerja",
        ]
    );
    assert!(has(
        &tree,
        3,
        "indicator-with-objective-label",
        Severity::Warning
    ));
    // Worded like an indicator under an objective without one: an indicator too. A repeated
    // label on an objective-like statement is a duplicate code, made unique.
    assert_eq!(
        outline(unit(&tree, "SEKSI B")),
        [
            "SS1 Meningkatnya layanan",
            "  IK1 Persentase layanan tepat waktu",
            "SS2 Meningkatnya mutu",
            "SS2-2 Meningkatnya kepuasan",
            "  IK2 Indeks kepuasan",
        ]
    );
    assert!(has(
        &tree,
        8,
        "indicator-with-objective-label",
        Severity::Warning
    ));
    assert!(has(
        &tree,
        10,
        "duplicate-objective-code",
        Severity::Warning
    ));
}

#[test]
fn headless_blocks() {
    let tree = read(
        "SS1. Meningkatnya kualitas pelayanan perizinan\nIK1. Persentase pelayanan baik\n\nBIDANG A\nSS1. Meningkatnya a\nSS2. Meningkatnya b\n\nSS1. Meningkatnya c\nIK1. Jumlah c\n",
    );
    let kinds: Vec<(&str, UnitKind)> = tree
        .units
        .iter()
        .map(|u| (u.key.as_str(), u.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("tanpa-judul", UnitKind::Unnamed),
            ("bidang-a", UnitKind::Bidang),
            ("tanpa-judul-2", UnitKind::Unnamed),
        ]
    );
    assert_eq!(tree.units[0].name, "(tanpa judul)");
    assert!(has(&tree, 1, "unnamed-unit", Severity::Warning));
    // Numbering that starts again at 1 after a blank line: a new block whose heading is lost.
    assert!(has(&tree, 8, "unnamed-unit", Severity::Warning));
}

#[test]
fn unknown_capitals_line() {
    let tree = read(
        "KEPALA DINAS\nSS1. Meningkatnya a\nIK1. Persentase a\n\nKELOMPOK JABATAN FUNGSIONAL\nSS1. Meningkatnya b\nIK1. Persentase b\n",
    );
    let u = unit(&tree, "KELOMPOK JABATAN FUNGSIONAL");
    assert_eq!(u.kind, UnitKind::Unnamed);
    assert_eq!(u.key.as_str(), "kelompok-jabatan-fungsional");
    assert!(has(&tree, 5, "unknown-heading", Severity::Warning));
    assert_eq!(
        parent(&tree, "KELOMPOK JABATAN FUNGSIONAL"),
        Some("KEPALA DINAS")
    );
}

#[test]
fn sub_bagian_under_sekretariat_and_upt_under_head() {
    let tree = read(
        "KEPALA DINAS\nSS1. Meningkatnya akuntabilitas kinerja\nIK1. Nilai SAKIP\n\nSEKRETARIAT\nSS1. Meningkatnya akuntabilitas\nIK1. Nilai SAKIP\n\nSUB BAGIAN UMUM DAN KEPEGAWAIAN\nSS1. Meningkatnya layanan umum\nIK1. Persentase layanan umum\n\nSUBBAG KEUANGAN\nSS1. Meningkatnya akuntabilitas keuangan\nIK1. Opini BPK\n\nUPTD BALAI LATIHAN KERJA\nSS1. Meningkatnya lulusan pelatihan\nIK1. Jumlah lulusan\n",
    );
    assert_eq!(parent(&tree, "KEPALA DINAS"), None);
    assert_eq!(parent(&tree, "SEKRETARIAT"), Some("KEPALA DINAS"));
    assert_eq!(
        parent(&tree, "SUB BAGIAN UMUM DAN KEPEGAWAIAN"),
        Some("SEKRETARIAT")
    );
    assert_eq!(parent(&tree, "SUBBAG KEUANGAN"), Some("SEKRETARIAT"));
    assert_eq!(unit(&tree, "SUBBAG KEUANGAN").kind, UnitKind::SubBagian);
    assert_eq!(
        parent(&tree, "UPTD BALAI LATIHAN KERJA"),
        Some("KEPALA DINAS")
    );
    assert_eq!(unit(&tree, "UPTD BALAI LATIHAN KERJA").kind, UnitKind::Upt);
    // The Sekretariat's objective supports the head's.
    let sekretariat = unit(&tree, "SEKRETARIAT");
    assert_eq!(sekretariat.objectives[0].supports[0].1.as_str(), "SS1");
}

const FIELDS: &str = "KEPALA DINAS
SS1. Meningkatnya pelestarian budaya
IK1. Jumlah cagar budaya yang dilestarikan
SS2. Meningkatnya daya saing industri
IK2. Persentase pertumbuhan industri kecil
SS3. Meningkatnya hubungan kerja yang harmonis
IK3. Persentase perselisihan kerja yang diselesaikan

BIDANG KEBUDAYAAN
SS1. Meningkatnya pelestarian cagar budaya
IK1. Jumlah cagar budaya yang dilestarikan

BIDANG PERINDUSTRIAN
SS1. Meningkatnya pertumbuhan industri kecil
IK1. Jumlah IKM baru

BIDANG HUBUNGAN KERJA
SS1. Meningkatnya penyelesaian perselisihan kerja
IK1. Persentase perselisihan yang diselesaikan

SEKSI CAGAR BUDAYA
SS1. Meningkatnya cagar budaya yang terpelihara
IK1. Jumlah cagar budaya yang dipugar

SEKSI INDUSTRI KECIL
SS1. Meningkatnya jumlah industri kecil
IK1. Jumlah IKM yang dibina

SEKSI PENYELESAIAN PERSELISIHAN INDUSTRIAL
SS1. Meningkatnya perselisihan yang selesai melalui mediasi
IK1. Persentase perselisihan selesai melalui mediasi

SEKSI ANEKA URUSAN
SS1. Terlaksananya urusan lain
IK1. Jumlah urusan lain
";

#[test]
fn seksi_parent_by_name_with_affixes() {
    let tree = read(FIELDS);
    assert_eq!(
        parent(&tree, "SEKSI CAGAR BUDAYA"),
        Some("BIDANG KEBUDAYAAN")
    );
    assert_eq!(
        parent(&tree, "SEKSI INDUSTRI KECIL"),
        Some("BIDANG PERINDUSTRIAN")
    );
    assert!(has(&tree, 21, "inferred-parent", Severity::Info));
    assert!(has(&tree, 25, "inferred-parent", Severity::Info));
}

#[test]
fn seksi_parent_by_similarity_not_by_industrial() {
    let tree = read(FIELDS);
    // `industrial` is not `industri`: the wording decides, with a warning naming the choice.
    assert_eq!(
        parent(&tree, "SEKSI PENYELESAIAN PERSELISIHAN INDUSTRIAL"),
        Some("BIDANG HUBUNGAN KERJA")
    );
    let warning = tree
        .diagnostics
        .iter()
        .find(|d| d.line == 29 && d.code == "inferred-parent")
        .expect("a parent diagnostic");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("BIDANG HUBUNGAN KERJA"));
}

#[test]
fn seksi_parent_by_nearest_fallback() {
    let tree = read(FIELDS);
    assert_eq!(
        parent(&tree, "SEKSI ANEKA URUSAN"),
        Some("BIDANG HUBUNGAN KERJA")
    );
    let warning = tree
        .diagnostics
        .iter()
        .find(|d| d.line == 33 && d.code == "inferred-parent")
        .expect("a parent diagnostic");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("terdekat"));
    // Nothing shared with its parent's objectives: no support, and a warning.
    assert!(has(&tree, 34, "no-support", Severity::Warning));
}

#[test]
fn supports_follow_the_wording() {
    let tree = read(FIELDS);
    let supports = |name: &str| {
        unit(&tree, name).objectives[0]
            .supports
            .iter()
            .map(|(k, c)| format!("{k} {c}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(supports("BIDANG KEBUDAYAAN"), ["kepala-dinas SS1"]);
    assert_eq!(supports("BIDANG PERINDUSTRIAN"), ["kepala-dinas SS2"]);
    assert_eq!(supports("BIDANG HUBUNGAN KERJA"), ["kepala-dinas SS3"]);
    assert_eq!(supports("SEKSI CAGAR BUDAYA"), ["bidang-kebudayaan SS1"]);
}

#[test]
fn seksi_without_bidang_or_head() {
    let tree = read("SEKSI A\nSS1. Meningkatnya a\n");
    assert_eq!(tree.units[0].parent, None);
    assert!(has(&tree, 1, "no-parent", Severity::Warning));
}

#[test]
fn a_second_head() {
    let tree = read("KEPALA DINAS\nSS1. Meningkatnya a\n\nKEPALA BADAN\nSS1. Meningkatnya b\n");
    assert!(tree.units.iter().all(|u| u.parent.is_none()));
    assert!(has(&tree, 4, "many-heads", Severity::Warning));
}

#[test]
fn duplicates_are_made_unique() {
    let tree = read(
        "BIDANG A\nSS1. Meningkatnya a\nIK1. Persentase a\nSS1. Meningkatnya b\nIK1. Persentase b\n\nBIDANG A\nSS1. Meningkatnya c\n",
    );
    let keys: Vec<&str> = tree.units.iter().map(|u| u.key.as_str()).collect();
    assert_eq!(keys, ["bidang-a", "bidang-a-2"]);
    assert!(has(&tree, 7, "duplicate-unit", Severity::Warning));
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya a",
            "  IK1 Persentase a",
            "SS1-2 Meningkatnya b",
            "  IK1-2 Persentase b"
        ]
    );
    assert!(has(&tree, 4, "duplicate-objective-code", Severity::Warning));
    assert!(has(&tree, 5, "duplicate-indicator-code", Severity::Warning));
}

#[test]
fn lines_that_cannot_be_placed() {
    let tree = read(
        "Dicetak dari aplikasi\nBIDANG A\nIK1. Persentase a\nyang terlambat\nSS1. Meningkatnya a\n",
    );
    assert!(has(&tree, 1, "unplaced-text", Severity::Warning));
    assert!(has(
        &tree,
        3,
        "indicator-without-objective",
        Severity::Error
    ));
    assert!(has(&tree, 4, "unplaced-text", Severity::Warning));
    assert!(tree.has_errors());
    assert_eq!(outline(&tree.units[0]), ["SS1 Meningkatnya a"]);
}

#[test]
fn unlabelled_objective_and_indicator() {
    let tree = read(
        "BIDANG A\nSS1. Meningkatnya ekspor\nPersentase pertumbuhan ekspor\nMeningkatnya mutu produk\nIK2. Jumlah produk bersertifikat\n",
    );
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya ekspor",
            "  IK1 Persentase pertumbuhan ekspor",
            "SS2 Meningkatnya mutu produk",
            "  IK2 Jumlah produk bersertifikat",
        ]
    );
    assert!(has(&tree, 3, "unlabelled-indicator", Severity::Warning));
    assert!(has(&tree, 4, "unlabelled-objective", Severity::Warning));
}

#[test]
fn empty_documents_are_errors() {
    for source in ["", "\n\n  \n", "- 1 -\n", "———\n"] {
        let tree = read(source);
        assert!(tree.units.is_empty());
        assert!(tree.has_errors(), "{source:?}");
        assert!(tree.diagnostics.iter().any(|d| d.code == "empty-document"));
    }
}

#[test]
fn labels_without_text() {
    let tree = read("BIDANG A\nSS1.\nMeningkatnya a\nIK1.\nSS2.\n");
    assert_eq!(
        outline(&tree.units[0]),
        [
            "SS1 Meningkatnya a",
            "  IK1 (tanpa nama)",
            "SS2 (tanpa pernyataan)"
        ]
    );
    assert!(has(&tree, 4, "empty-indicator", Severity::Warning));
    assert!(has(&tree, 5, "empty-statement", Severity::Warning));
}

#[test]
fn satuan_and_polarity_are_inferred_and_noted() {
    let tree = read(
        "BIDANG A\nSS1. Menurunnya konflik\nIK1. Jumlah kasus konflik\nIK2. Persentase kasus yang tertangani\nIK3. Tingkat inflasi\n",
    );
    let specs: Vec<(Option<&str>, Option<&str>)> = tree.units[0].objectives[0]
        .indicators
        .iter()
        .map(|i| (i.satuan.as_deref(), i.polarity.map(|p| p.as_str())))
        .collect();
    assert_eq!(
        specs,
        [
            (Some("unit"), Some("negative")),
            (Some("%"), Some("positive")),
            (Some("%"), Some("range")),
        ]
    );
    for line in 3..=5 {
        assert!(has(&tree, line, "inferred-spec", Severity::Info));
    }
}

#[test]
fn json_has_exactly_the_documented_fields() {
    let tree = read(
        "POHON KINERJA X\nKEPALA DINAS\nSS1. Meningkatnya a\nIKU1. Persentase a\n\nBIDANG B\nSS1. Meningkatnya a\nIK1. Persentase b\n",
    );
    let value = serde_json::to_value(&tree).expect("serialisable");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(keys(&value), ["diagnostics", "title", "units"]);
    let unit = &value["units"][1];
    assert_eq!(keys(unit), ["key", "kind", "name", "objectives", "parent"]);
    assert_eq!(unit["parent"], "kepala-dinas");
    assert_eq!(unit["kind"], "bidang");
    let objective = &unit["objectives"][0];
    assert_eq!(keys(objective), ["code", "indicators", "statement"]);
    assert_eq!(
        keys(&objective["indicators"][0]),
        ["code", "name", "polarity", "satuan"]
    );
    assert_eq!(
        keys(&value["diagnostics"][0]),
        ["code", "line", "message", "severity"]
    );
    assert!(
        value["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|d| ["error", "warning", "info"].contains(&d["severity"].as_str().unwrap_or("")))
    );
    assert_eq!(value["units"][0]["parent"], serde_json::Value::Null);
}

#[test]
fn diagnostics_render_like_a_compiler() {
    let tree = read("Teks lepas\nBIDANG A\nSS1. Meningkatnya a\n");
    let first = &tree.diagnostics[0];
    assert!(
        first
            .render("pokin.txt")
            .starts_with("pokin.txt:1: peringatan: teks 'Teks lepas'")
    );
}
