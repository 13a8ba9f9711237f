//! The generator through its public API: deterministic for a seed, the sizes issue 6 asks for,
//! valid trees, the workflow states of each quarter, and capaian spread over the bands.

use pokin_domain::capaian::{Capaian, PredicateBands};
use pokin_domain::check::{Severity, findings};
use pokin_domain::measure::{MeasureSettings, Span, Status, measure_organisation};
use pokin_domain::{Polarity, TargetValue, UnitKind};
use pokin_synth::{
    LAST_QUARTER, ORGS_PER_KABUPATEN, RENSTRA_END, RENSTRA_START, Scale, SyntheticOrg, kabupaten,
    kabupaten_name, organisation, pohon_text,
};
use std::collections::{BTreeMap, HashSet};

fn totals(orgs: &[SyntheticOrg]) -> (usize, usize, usize) {
    (
        orgs.iter().map(SyntheticOrg::unit_count).sum(),
        orgs.iter().map(SyntheticOrg::indicator_count).sum(),
        orgs.iter().map(|o| o.realisations.len()).sum(),
    )
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = kabupaten(1, 3);
    let b = kabupaten(1, 3);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.org, y.org);
        assert_eq!(x.period_targets, y.period_targets);
        assert_eq!(x.realisations, y.realisations);
    }
    // Each organisation can be generated on its own.
    assert_eq!(
        format!("{:?}", organisation(1, 3, 17)),
        format!("{:?}", a[17])
    );
    assert_eq!(
        format!("{:?}", organisation(1, 3, 39)),
        format!("{:?}", a[39])
    );

    let other_seed = kabupaten(2, 3);
    let other_index = kabupaten(1, 4);
    for other in [&other_seed, &other_index] {
        assert_ne!(format!("{a:?}"), format!("{other:?}"));
        let differing_trees = a
            .iter()
            .zip(other.iter())
            .filter(|(x, y)| x.org.units != y.org.units);
        assert!(differing_trees.count() >= 35, "most trees differ");
        let differing_values = a
            .iter()
            .zip(other.iter())
            .filter(|(x, y)| x.realisations != y.realisations);
        assert_eq!(differing_values.count(), ORGS_PER_KABUPATEN);
    }
}

#[test]
fn a_kabupaten_has_the_size_of_issue_6() {
    for (seed, index) in [(1, 0), (2, 11), (3, 549)] {
        let orgs = kabupaten(seed, index);
        assert_eq!(orgs.len(), ORGS_PER_KABUPATEN);
        let (units, indicators, realisations) = totals(&orgs);
        eprintln!(
            "seed {seed} kabupaten {index}: {units} units, {indicators} indicators, {realisations} realisations"
        );
        assert!((850..=1100).contains(&units), "~1000 units, got {units}");
        assert!(
            (3500..=4600).contains(&indicators),
            "~4000 indicators, got {indicators}"
        );
        assert!(
            (65_000..=90_000).contains(&realisations),
            "~80000 realisations, got {realisations}"
        );
        for o in &orgs {
            let n = o.unit_count();
            let kecamatan = o.org.name.starts_with("Kecamatan ");
            let range = if kecamatan { 8..=9 } else { 15..=30 };
            assert!(range.contains(&n), "{}: {n} units", o.org.name);
            // Rencana Aksi: every indicator, every Renstra year, every quarter.
            assert_eq!(o.period_targets.len(), o.indicator_count() * 5 * 4);
        }
    }
    assert_eq!(Scale::parse(" Nasional").map(Scale::kabupaten), Some(550));
    assert_eq!(Scale::parse("provinsi").map(Scale::kabupaten), Some(20));
    assert_eq!(Scale::parse("desa"), None);
}

#[test]
fn every_organisation_validates_and_reads_like_a_real_tree() {
    for (seed, index) in [(1, 0), (7, 1), (42, 200)] {
        for o in kabupaten(seed, index) {
            let org = &o.org;
            let again = org.clone().into_draft().validate();
            assert!(again.is_ok(), "{}: {:?}", org.name, again.err());
            assert!(org.demo);
            let renstra = org.renstra.expect("Renstra");
            assert_eq!((renstra.start, renstra.end), (RENSTRA_START, RENSTRA_END));
            // One head; every unit has a head official with a NIP; codes by level.
            let heads: Vec<_> = org.units.iter().filter(|u| u.parent.is_none()).collect();
            assert_eq!(heads.len(), 1);
            assert_eq!(heads[0].kind, UnitKind::Kepala);
            for u in &org.units {
                assert_eq!(u.officials.len(), 1, "{}", u.key);
                let nip = u.officials[0].nip.as_ref().expect("NIP");
                assert_eq!(nip.as_str().len(), 18);
                // Born 1966–1992, entered the service 1989–2019, gender digit 1 or 2.
                let born: i32 = nip.as_str()[..4].parse().unwrap();
                let cpns: i32 = nip.as_str()[8..12].parse().unwrap();
                assert!((1966..=1992).contains(&born) && cpns > born + 20 && cpns <= 2019);
                assert!(matches!(&nip.as_str()[14..15], "1" | "2"));
                assert!(!u.objectives.is_empty());
                for ob in &u.objectives {
                    assert_eq!(ob.supports.len(), usize::from(u.parent.is_some()));
                    for s in &ob.supports {
                        assert_eq!(Some(&s.unit), u.parent.as_ref(), "cascade to the parent");
                    }
                    for i in &ob.indicators {
                        assert_eq!(i.iku, u.kind == UnitKind::Kepala);
                        assert!(
                            i.satuan.is_some() && i.polarity.is_some() && i.aggregation.is_some()
                        );
                        assert_eq!(i.targets.len(), 5, "{} {}", u.key, i.code);
                    }
                }
            }
            // No structural finding above info (no duplicate indicator, no objective worded
            // like an indicator, every objective below the head supports one…).
            let warnings: Vec<_> = findings(org)
                .into_iter()
                .filter(|f| f.severity >= Severity::Warning)
                .collect();
            assert!(warnings.is_empty(), "{}: {warnings:?}", org.name);
        }
    }
}

#[test]
fn indicators_mix_polarities_targets_and_units_of_measure() {
    let orgs = kabupaten(1, 0);
    let indicators: Vec<_> = orgs
        .iter()
        .flat_map(|o| &o.org.units)
        .flat_map(|u| &u.objectives)
        .flat_map(|o| &o.indicators)
        .collect();
    let share = |f: &dyn Fn(&&pokin_domain::Indicator) -> bool| {
        indicators.iter().filter(|i| f(i)).count() as f64 / indicators.len() as f64
    };
    let negative = share(&|i| i.polarity == Some(Polarity::Negative));
    assert!((0.05..0.3).contains(&negative), "some negative: {negative}");
    let iku = share(&|i| i.iku);
    assert!((0.01..0.1).contains(&iku), "IKU are the heads': {iku}");
    assert!(
        indicators
            .iter()
            .any(|i| i.polarity == Some(Polarity::Range)
                && matches!(i.targets.get(&2026), Some(TargetValue::Range { .. })))
    );
    for q in ["WTP", "A"] {
        assert!(
            indicators
                .iter()
                .any(|i| i.targets.get(&2026) == Some(&TargetValue::Qualitative(q.into()))),
            "a qualitative target {q}"
        );
    }
    let satuan: HashSet<&str> = indicators
        .iter()
        .filter_map(|i| i.satuan.as_deref())
        .collect();
    for s in ["%", "dokumen", "orang", "indeks", "Rp", "hari", "kasus"] {
        assert!(satuan.contains(s), "satuan {s}");
    }
}

#[test]
fn quarters_are_in_realistic_workflow_states() {
    let orgs = kabupaten(5, 2);
    let mut by_quarter: BTreeMap<(i32, u8), BTreeMap<&'static str, usize>> = BTreeMap::new();
    let mut indicators = 0;
    for o in &orgs {
        indicators += o.indicator_count();
        for r in &o.realisations {
            assert!(r.period.year <= RENSTRA_END && r.period.year >= RENSTRA_START);
            assert!(r.period.year < RENSTRA_END || r.period.n <= LAST_QUARTER);
            assert_eq!(r.return_reason.is_some(), r.status == Status::Dikembalikan);
            assert!(r.updated_by.starts_with("operator-"));
            *by_quarter
                .entry((r.period.year, r.period.n))
                .or_default()
                .entry(r.status.as_str())
                .or_default() += 1;
        }
        let operator = pokin_synth::operator_name(&o.org.name);
        assert!(o.realisations.iter().all(|r| r.updated_by == operator));
    }
    let count = |q: (i32, u8), s: &str| {
        by_quarter
            .get(&q)
            .and_then(|m| m.get(s))
            .copied()
            .unwrap_or(0)
    };
    let reported = |q: (i32, u8)| by_quarter.get(&q).map_or(0, |m| m.values().sum::<usize>());
    for year in RENSTRA_START..RENSTRA_END {
        for n in 1..=4 {
            // Verified, a few missing.
            assert_eq!(reported((year, n)), count((year, n), "diverifikasi"));
            let missing = indicators - reported((year, n));
            assert!(
                missing > 0 && missing < indicators / 20,
                "{year} TW{n}: {missing} missing"
            );
        }
    }
    let tw2 = (RENSTRA_END, 2);
    assert!(count(tw2, "diverifikasi") > reported(tw2) * 8 / 10);
    assert!(count(tw2, "diajukan") > 0);
    let tw3 = (RENSTRA_END, 3);
    for s in ["draft", "diajukan", "dikembalikan"] {
        assert!(
            count(tw3, s) > indicators / 20,
            "TW III {s}: {}",
            count(tw3, s)
        );
    }
    assert!(
        reported(tw3) < indicators * 85 / 100,
        "TW III partly missing"
    );
    assert!(!by_quarter.contains_key(&(RENSTRA_END, 4)));
}

#[test]
fn capaian_spreads_over_the_predicate_bands() {
    let orgs = kabupaten(1, 0);
    let bands = PredicateBands::default();
    let mut by_band: BTreeMap<String, usize> = BTreeMap::new();
    let (mut over, mut total, mut normal) = (0, 0, 0);
    for o in &orgs {
        let verified = o.verified(2025);
        // Only verified realisations count.
        let counted: usize = verified
            .values()
            .map(|y| y.realisations.iter().flatten().count())
            .sum();
        let verified_2025 = o
            .realisations
            .iter()
            .filter(|r| r.period.year == 2025 && r.status == Status::Diverifikasi)
            .count();
        assert_eq!(counted, verified_2025);
        let m = measure_organisation(
            &o.org,
            2025,
            Span::Year,
            &verified,
            &MeasureSettings::default(),
        );
        for im in m.indicators.values() {
            total += 1;
            match &im.capaian {
                Capaian::Persen(p) => {
                    let v = p.get();
                    if v > 110.0 {
                        over += 1;
                    }
                    if (80.0..=110.0).contains(&v) {
                        normal += 1;
                    }
                    *by_band
                        .entry(bands.classify_percent(*p).label.to_string())
                        .or_default() += 1;
                }
                other => panic!("{}: {other:?}", o.org.name),
            }
        }
    }
    eprintln!("{by_band:?}, {over} over 110 %, {normal} in 80–110 % of {total}");
    assert_eq!(
        by_band.len(),
        bands.bands().len(),
        "every band: {by_band:?}"
    );
    assert!(normal * 100 / total >= 55, "most in 80–110 %");
    assert!(over * 100 / total >= 3, "some over 110 %");
}

#[test]
fn names_are_unique_across_kabupaten() {
    let mut names = HashSet::new();
    for index in [0, 1] {
        for o in kabupaten(9, index) {
            assert!(
                o.org.name.ends_with(&kabupaten_name(index)),
                "{}",
                o.org.name
            );
            assert!(names.insert(o.org.name.clone()), "twice: {}", o.org.name);
        }
    }
    assert_eq!(names.len(), 2 * ORGS_PER_KABUPATEN);
    assert_eq!(kabupaten_name(549), "Kabupaten Sintetis 550");
    // Within an organisation, unit names are unique (so are keys: the tree validated).
    for o in kabupaten(9, 0) {
        let unit_names: HashSet<&str> = o.org.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(unit_names.len(), o.unit_count(), "{}", o.org.name);
    }
}

#[test]
fn pohon_text_reads_like_the_seed() {
    let orgs = kabupaten(1, 0);
    let text = pohon_text(&orgs[..2]);
    assert!(text.starts_with("POHON KINERJA 2 PERANGKAT DAERAH SINTETIS\n"));
    assert!(text.contains("\nKEPALA DINAS PENDIDIKAN\n"));
    assert!(text.contains("\nSEKRETARIAT\n"));
    assert!(text.contains("\nSS1. Meningkatnya akses dan mutu pendidikan dasar\n"));
    assert!(text.contains("\nIKU1. Angka partisipasi murni SD/MI\n"));
    assert!(text.lines().all(|l| l.chars().count() <= 90), "wrapped");
    let one = pohon_text(&orgs[..1]);
    assert!(one.starts_with("POHON KINERJA DINAS PENDIDIKAN KABUPATEN SINTETIS 001\n"));
}

#[test]
fn a_kabupaten_has_its_pemda_with_links_in_every_state() {
    use pokin_domain::check::pemda_findings;
    use pokin_domain::pemda::{LinkRole, PemdaLevel};
    use pokin_synth::{LinkOutcome, pemda};
    let orgs = kabupaten(1, 2);
    let p = pemda(1, 2, &orgs);
    assert_eq!(format!("{p:?}"), format!("{:?}", pemda(1, 2, &orgs)));
    assert_ne!(
        format!("{:?}", p.links),
        format!("{:?}", pemda(2, 2, &kabupaten(2, 2)).links)
    );
    let t = &p.pemda;
    assert_eq!(t.name, format!("Pemerintah {}", kabupaten_name(2)));
    assert_eq!((t.rpjmd.start, t.rpjmd.end), (RENSTRA_START, RENSTRA_END));
    let count = |l: PemdaLevel| t.nodes.iter().filter(|n| n.level == l).count();
    assert_eq!(
        (
            count(PemdaLevel::Misi),
            count(PemdaLevel::Tujuan),
            count(PemdaLevel::Sasaran)
        ),
        (3, 6, 12)
    );
    // Every tujuan and sasaran daerah measured, a target each RPJMD year: no finding.
    let problems: Vec<_> = pemda_findings(t)
        .into_iter()
        .filter(|f| f.severity == Severity::Error || f.severity == Severity::Warning)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");

    // Every organisation's head objectives are proposed; most accepted, some waiting, some
    // rejected; each link names an existing head objective and a sasaran daerah.
    assert!(p.links.len() >= ORGS_PER_KABUPATEN);
    for o in 0..ORGS_PER_KABUPATEN {
        assert!(p.links.iter().any(|l| l.org_index == o), "organisation {o}");
    }
    let outcomes = |w: LinkOutcome| p.links.iter().filter(|l| l.outcome == w).count();
    let accepted = outcomes(LinkOutcome::Accepted);
    assert!(accepted * 10 >= p.links.len() * 7, "{accepted}");
    assert!(outcomes(LinkOutcome::Waiting) > 0);
    assert!(outcomes(LinkOutcome::Rejected) > 0);
    for l in &p.links {
        let org = &orgs[l.org_index].org;
        let head = org.children(None).next().expect("head");
        assert_eq!(l.source.unit, head.key);
        assert!(head.objectives.iter().any(|o| o.code == l.source.objective));
        let node = t.node(&l.target.node).expect("node");
        assert_eq!(node.level, PemdaLevel::Sasaran);
        assert!(l.weight > 0.0);
    }
    assert!(p.links.iter().any(|l| l.role == LinkRole::Pendukung));
    // Bappeda's own realisation of each tujuan IKU, every RPJMD year but the last.
    for n in t.nodes.iter().filter(|n| n.level == PemdaLevel::Tujuan) {
        let years: Vec<i32> = p
            .own
            .iter()
            .filter(|(c, _, _)| *c == n.indicators[0].code)
            .map(|(_, y, _)| *y)
            .collect();
        assert_eq!(years, (RENSTRA_START..RENSTRA_END).collect::<Vec<_>>());
    }
    // Every sasaran daerah is realised by someone, whatever the seed.
    for (seed, index) in [(1, 2), (3, 0), (7, 5), (11, 9)] {
        let p = pemda(seed, index, &kabupaten(seed, index));
        for n in p
            .pemda
            .nodes
            .iter()
            .filter(|n| n.level == PemdaLevel::Sasaran)
        {
            assert!(
                p.links
                    .iter()
                    .any(|l| l.target.node == n.code && l.outcome == LinkOutcome::Accepted),
                "seed {seed}, kabupaten {index}: {}",
                n.code
            );
        }
    }
}
