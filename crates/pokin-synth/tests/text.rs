//! `pohon_text` read back by the pohon kinerja parser (`pokin parse`): no error, the same units,
//! objectives and indicators. What the parser infers differently from the generated trees is
//! asserted too, so a change on either side shows here.

use pokin_domain::UnitKind;
use pokin_domain::check::Severity;
use pokin_import::text::parse;
use pokin_synth::{kabupaten, pohon_text};

#[test]
fn the_parser_reads_three_synthetic_trees() {
    let orgs = kabupaten(1, 0);
    let orgs = &orgs[..3];
    let text = pohon_text(orgs);
    let tree = parse(&text, None);

    let errors: Vec<_> = tree
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // Same units, in the same order, of the same kinds, with the same names (the heads'
    // headings name their organisation).
    let units: Vec<_> = orgs.iter().flat_map(|o| &o.org.units).collect();
    assert_eq!(tree.units.len(), units.len());
    for (parsed, unit) in tree.units.iter().zip(&units) {
        assert_eq!(parsed.kind, unit.kind, "{}", parsed.name);
        if unit.kind != UnitKind::Kepala {
            assert_eq!(parsed.name, unit.name.to_uppercase());
        }
        // Same objectives and indicators, codes, statements and names (wrapped lines joined).
        assert_eq!(
            parsed.objectives.len(),
            unit.objectives.len(),
            "{}",
            unit.name
        );
        for (po, o) in parsed.objectives.iter().zip(&unit.objectives) {
            assert_eq!(po.code, o.code);
            assert_eq!(po.statement, o.statement);
            assert_eq!(
                po.indicators.len(),
                o.indicators.len(),
                "{} {}",
                unit.name,
                o.code
            );
            for (pi, i) in po.indicators.iter().zip(&o.indicators) {
                assert_eq!((&pi.code, &pi.name), (&i.code, &i.name));
                assert_eq!(pi.iku, i.iku);
            }
        }
    }

    // What the parser infers differently:
    // 1. the second and third heads are roots of their own, with a `many-heads` warning each,
    //    and the Sekretariat and Bidang of every organisation stand under the *first* head;
    let many_heads = tree
        .diagnostics
        .iter()
        .filter(|d| d.code == "many-heads")
        .count();
    assert_eq!(many_heads, 2);
    let first_head = &tree.units[0].key;
    for u in tree.units.iter().filter(|u| {
        matches!(
            u.kind,
            UnitKind::Sekretariat | UnitKind::Bidang | UnitKind::Upt
        )
    }) {
        assert_eq!(u.parent.as_ref(), Some(first_head), "{}", u.name);
    }
    // 2. satuan and polarity come from the names' wording, which is silent on some of them
    //    (e.g. "Jumlah kasus pelanggaran …" is counted in `unit`, not `kasus`): count them.
    let generated: Vec<_> = units
        .iter()
        .flat_map(|u| &u.objectives)
        .flat_map(|o| &o.indicators)
        .collect();
    let parsed: Vec<_> = tree
        .units
        .iter()
        .flat_map(|u| &u.objectives)
        .flat_map(|o| &o.indicators)
        .collect();
    let satuan_same = generated
        .iter()
        .zip(&parsed)
        .filter(|(g, p)| g.satuan == p.satuan)
        .count();
    let polarity_same = generated
        .iter()
        .zip(&parsed)
        .filter(|(g, p)| g.polarity == p.polarity)
        .count();
    eprintln!(
        "{} units, {} indicators; satuan as generated: {satuan_same}, polarity as generated: {polarity_same}",
        tree.units.len(),
        parsed.len()
    );
    assert!(
        satuan_same * 100 / parsed.len() >= 60,
        "{satuan_same} of {}",
        parsed.len()
    );
    assert!(
        polarity_same * 100 / parsed.len() >= 80,
        "{polarity_same} of {}",
        parsed.len()
    );
    // 3. a Seksi's parent is the Bidang whose name shares most words with its own: nearly
    //    always its own Bidang, but across organisations a tie can go elsewhere (e.g. "Seksi
    //    Sarana dan Prasarana Kesehatan Masyarakat" shares two words with "Bidang Sarana dan
    //    Prasarana Pendidikan" of the organisation before it).
    let (mut seksi, mut own_bidang) = (0, 0);
    for (parsed, unit) in tree.units.iter().zip(&units) {
        if unit.kind == UnitKind::Seksi {
            seksi += 1;
            let parent = tree
                .units
                .iter()
                .find(|u| Some(&u.key) == parsed.parent.as_ref());
            let expected = units.iter().find(|u| Some(&u.key) == unit.parent.as_ref());
            if parent.map(|p| p.name.clone()) == expected.map(|e| e.name.to_uppercase()) {
                own_bidang += 1;
            }
        }
    }
    eprintln!("{own_bidang} of {seksi} Seksi under their own Bidang");
    assert!(own_bidang * 100 / seksi >= 80, "{own_bidang} of {seksi}");
}
