//! The RPJMD text reader through its public function: a realistic extract (snapshot of the tree
//! and the diagnostics), every refusal with its line, and a property: any tree written out as
//! text in the documented form reads back as the same tree.

use pokin_domain::check::Severity;
use pokin_domain::pemda::PemdaLevel;
use pokin_import::rpjmd::parse;
use proptest::prelude::*;

const SUKAMAJU: &str = include_str!("fixtures/rpjmd_sukamaju.txt");

#[test]
fn a_diagram_extract_reads_into_the_tree() {
    let r = parse(SUKAMAJU, None);
    let lines: Vec<String> = r
        .diagnostics
        .iter()
        .map(|d| d.render("rpjmd.txt"))
        .collect();
    assert!(!r.has_errors(), "{lines:#?}");
    let p = r.pemda.as_ref().expect("valid");
    assert_eq!(p.name, "Pemerintah Kabupaten Sukamaju");
    assert_eq!((p.rpjmd.start, p.rpjmd.end), (2025, 2029));
    assert_eq!(p.visi, "Sukamaju yang Maju, Sejahtera dan Berdaya Saing");
    insta::assert_yaml_snapshot!("sukamaju_tree", &r.draft);
    insta::assert_snapshot!("sukamaju_diagnostics", lines.join("\n"));
}

fn errors(text: &str) -> Vec<(usize, String)> {
    parse(text, None)
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.line, d.message))
        .collect()
}

#[test]
fn what_cannot_be_read_is_said_on_its_line() {
    let head = "RPJMD KABUPATEN CONTOH 2025-2029\nVISI Contoh maju\n";
    // A sasaran with no tujuan above it.
    let e = errors(&format!("{head}MISI 1 Misi\nSASARAN 1.1.1 Sasaran\n"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, 4);
    assert!(e[0].1.contains("tanpa induk"), "{e:?}");
    // An indicator under a misi.
    let e = errors(&format!("{head}MISI 1 Misi\nIKU 1 Indeks\n"));
    assert_eq!(e[0].0, 4);
    assert!(e[0].1.contains("misi"), "{e:?}");
    // A target that is not a number.
    let e = errors(&format!(
        "{head}MISI 1 Misi\nTUJUAN 1.1 Tujuan\nIKU 1\tIndeks kepuasan\tindeks\t70\t7o,5\n"
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, 5);
    assert!(
        e[0].1.contains("target 2025") && e[0].1.contains("7o,5"),
        "{e:?}"
    );
    // Two nodes with one number.
    let e = errors(&format!("{head}MISI 1 Misi\nTUJUAN 1.1 A\nTUJUAN 1.1 B\n"));
    assert_eq!(e.iter().map(|x| x.0).collect::<Vec<_>>(), vec![4], "{e:?}");
    assert!(e[0].1.contains("lebih dari sekali"), "{e:?}");
    // No title, no visi.
    let e = errors("MISI 1 Misi\n");
    assert!(e.iter().any(|x| x.1.contains("periode RPJMD")), "{e:?}");
    assert!(e.iter().any(|x| x.1.contains("nama pemda")), "{e:?}");
    assert!(
        e.iter().any(|x| x.1.contains("visi tidak ditemukan")),
        "{e:?}"
    );
    // --name gives the name the title does not.
    let r = parse(
        "RPJMD 2025-2029\nVISI V\nMISI 1 M\n",
        Some("Pemerintah Kota Contoh"),
    );
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(r.pemda.unwrap().name, "Pemerintah Kota Contoh");
}

/// Misi → tujuan (with a tematik level?) → sasaran → the baselines of each sasaran's
/// indicators (0–2 of them).
type Tree = Vec<Vec<(bool, Vec<Vec<u8>>)>>;

/// A small random tree: misi → tujuan → [tematik →] sasaran, each tujuan and sasaran with up to
/// two indicators with targets.
fn tree() -> impl Strategy<Value = Tree> {
    prop::collection::vec(
        prop::collection::vec(
            (
                any::<bool>(),
                prop::collection::vec(prop::collection::vec(0u8..=100, 0..=2), 1..=3),
            ),
            1..=2,
        ),
        1..=3,
    )
}

fn render(t: &Tree) -> String {
    let mut s = String::from("RPJMD PROVINSI CONTOH RAYA 2026-2030\nVISI\nProvinsi yang maju\n");
    for (m, tujuan) in t.iter().enumerate() {
        let m = m + 1;
        s += &format!("MISI {m}. Misi nomor {m}\n");
        for (j, (tematik, sasaran)) in tujuan.iter().enumerate() {
            let tj = format!("{m}.{}", j + 1);
            s += &format!(
                "TUJUAN {tj} Meningkatnya tujuan {tj}\nIKU {tj}\tIndeks tujuan {tj}\tindeks\t50\t51\t52\t53\t54\t55\n"
            );
            let under = if *tematik {
                s += &format!("TEMATIK {tj}.1 Tema {tj}\n");
                format!("{tj}.1")
            } else {
                tj.clone()
            };
            for (k, inds) in sasaran.iter().enumerate() {
                let sc = format!("{under}.{}", k + 1);
                s += &format!("SASARAN {sc} Meningkatnya sasaran\n{sc} yang panjang\n");
                for (n, v) in inds.iter().enumerate() {
                    s += &format!(
                        "IKU {sc}.{}\tPersentase capaian {sc}\t%\t{v}\t{v},5\t\t\t\t{}\n",
                        n + 1,
                        u32::from(*v) + 10
                    );
                }
            }
        }
    }
    s
}

proptest! {
    #[test]
    fn a_written_tree_reads_back(t in tree()) {
        let text = render(&t);
        let r = parse(&text, None);
        prop_assert!(!r.has_errors(), "{:?}\n{}", r.diagnostics, text);
        let p = r.pemda.unwrap();
        prop_assert_eq!(p.name.as_str(), "Pemerintah Provinsi Contoh Raya");
        let count = |l: PemdaLevel| p.nodes.iter().filter(|n| n.level == l).count();
        prop_assert_eq!(count(PemdaLevel::Misi), t.len());
        prop_assert_eq!(count(PemdaLevel::Tujuan), t.iter().map(Vec::len).sum::<usize>());
        let sasaran: Vec<&Vec<u8>> = t.iter().flatten().flat_map(|(_, s)| s).collect();
        prop_assert_eq!(count(PemdaLevel::Sasaran), sasaran.len());
        for n in p.nodes.iter().filter(|n| n.level == PemdaLevel::Sasaran) {
            let parent = p.node(n.parent.as_ref().unwrap()).unwrap();
            prop_assert!(matches!(parent.level, PemdaLevel::Tujuan | PemdaLevel::Tematik));
            prop_assert!(n.statement.ends_with("yang panjang"), "{}", n.statement);
            // The targets in their years: the first and the last, the empty cells skipped.
            for i in &n.indicators {
                prop_assert_eq!(i.satuan.as_deref(), Some("%"));
                prop_assert_eq!(i.targets.keys().copied().collect::<Vec<_>>(), vec![2026, 2030]);
            }
        }
        let indicators: usize = sasaran.iter().map(|s| s.len()).sum::<usize>() + count(PemdaLevel::Tujuan);
        prop_assert_eq!(p.indicators().count(), indicators);
    }
}
