//! Property tests: whatever the text, the parser does not panic, accounts for every line, and
//! gives a draft that validates.
//!
//! A line counts as blank when it holds only whitespace and invisible characters (byte-order
//! mark, zero-width spaces); lines are those of `str::lines`.

use pokin_import::text::{ParsedTree, parse};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Realistic fragments of extracted pohon kinerja text, quirks included.
const FRAGMENTS: &[&str] = &[
    "KEPALA DINAS",
    "BIDANG TENAGA KERJA",
    "BIDANG PERINDUSTRIAN",
    "SEKSI PELAYANAN DAN PROMOSI PENANAMAN ",
    "MODAL",
    "SEKSI KERJASAMA, ",
    "SUB BAGIAN UMUM",
    "SEKRETARIAT",
    "UPTD BALAI LATIHAN KERJA",
    "Bidang Pertanian",
    "KELOMPOK JABATAN FUNGSIONAL",
    "SS1. Meningkatnya kualitas pelayanan perizinan ",
    "ss2. meningkatnya investasi",
    "SS3. Persentase peserta sosialisasi",
    "SS1.",
    "SP1 Terwujudnya tata kelola",
    "IK1.1 Besaran peningkatan pencari kerja ",
    "IK1.  Persentase unsur pelayanan",
    "IK2.1. Persentase penurunan kasus",
    "IKU 1.Tingkat Kontribusi Sektor Industri",
    "IKU5. Cakupan BPJS",
    "IK1.",
    "SS1. Meningkatnya X IKU 1.Tingkat Y IKU 2. Z",
    "SS1. Meningkatnya ekspor\tPersentase ekspor",
    "Kecil Menengah (IKM)",
    "dan badan usaha",
    "LKPM",
    "Persentase investasu digiltal",
    "Meningkatnya mutu",
    "POHON KINERJA DINAS PENANAMAN MODAL ",
    "TERPADU SATU PINTU DAN ",
    " SEKSI PROSES PERIZINAN II SEKTOR A",
    "POHON KINERJA DINAS X SEKSI Y",
    "- 2 -",
    "Halaman 3",
    "4",
    "2 / 10",
    "",
    "   ",
    "\t",
    "\t\tSS2. x\t\tIK2. y",
    "\u{feff}",
    "———",
    "\u{200b}IK9.9.9.9.9 x",
    "IK12345 Persentase",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
        2 => (prop::sample::select(FRAGMENTS), prop::sample::select(FRAGMENTS))
            .prop_map(|(a, b)| format!("{a}\t{b}")),
        1 => any::<String>(),
        1 => "[A-Za-z0-9 .,()\t-]{0,40}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, bom)| {
            let body = lines.join(if crlf { "\r\n" } else { "\n" });
            if bom { format!("\u{feff}{body}") } else { body }
        })
}

fn is_blank(line: &str) -> bool {
    line.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
            )
    })
}

/// Every line number the tree or its diagnostics mention.
fn accounted(tree: &ParsedTree) -> BTreeSet<usize> {
    let mut lines: BTreeSet<usize> = tree.title_lines.iter().copied().collect();
    for unit in &tree.units {
        lines.extend(&unit.lines);
        for objective in &unit.objectives {
            lines.extend(&objective.lines);
            for indicator in &objective.indicators {
                lines.extend(&indicator.lines);
            }
        }
    }
    lines.extend(tree.diagnostics.iter().map(|d| d.line));
    lines
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_line_is_accounted_for(source in document()) {
        let tree = parse(&source, None);
        let accounted = accounted(&tree);
        let count = source.lines().count();
        for (index, text) in source.lines().enumerate() {
            if !is_blank(text) {
                prop_assert!(accounted.contains(&(index + 1)), "line {} {:?} unaccounted", index + 1, text);
            }
        }
        for line in &accounted {
            prop_assert!(*line >= 1 && *line <= count.max(1), "line {} out of range", line);
        }
        prop_assert!(tree.diagnostics.windows(2).all(|w| w[0].line <= w[1].line));
    }

    #[test]
    fn the_draft_always_validates(source in document()) {
        let tree = parse(&source, None);
        let draft = tree.to_draft("Organisasi");
        if let Err(e) = draft.validate() {
            prop_assert!(false, "invalid draft: {e}");
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(source in any::<String>()) {
        let tree = parse(&source, None);
        prop_assert!(tree.to_draft("Organisasi").validate().is_ok());
    }
}
