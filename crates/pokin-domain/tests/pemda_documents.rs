//! The pemda's documents as values: only accepted links whose both ends exist make a
//! perangkat daerah responsible or put it in the cascading matrix; the head's Perjanjian
//! Kinerja carries the head's IKU with the year's targets.

use chrono::{NaiveDate, TimeZone, Utc};
use pokin_domain::document::pemda::{cascading, check_year, iku_pemda, pk_kepala_daerah};
use pokin_domain::pemda::{
    CascadeLink, LinkRole, LinkSide, LinkStatus, Member, OpdSource, Pemda, PemdaDraft, PemdaLevel,
    PemdaNode, PemdaTarget, RegionKind,
};
use pokin_domain::program::{Program, ProgramLevel};
use pokin_domain::{
    Code, Indicator, Objective, Organisation, OrganisationDraft, Renstra, TargetValue, Unit,
    UnitKey, UnitKind,
};

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn indicator(c: &str, name: &str, iku: bool, target: f64) -> Indicator {
    let mut i = Indicator::new(code(c), name);
    i.iku = iku;
    i.satuan = Some("%".into());
    for y in 2025..=2029 {
        i.targets
            .insert(y, TargetValue::Number(target + f64::from(y - 2025)));
    }
    i
}

fn node(c: &str, level: PemdaLevel, parent: Option<&str>, indicators: Vec<Indicator>) -> PemdaNode {
    PemdaNode {
        code: code(c),
        level,
        statement: format!("Pernyataan {c}"),
        parent: parent.map(code),
        indicators,
    }
}

fn pemda() -> Pemda {
    PemdaDraft {
        name: "Pemerintah Kota Contoh".into(),
        kind: RegionKind::Kota,
        rpjmd: Renstra {
            start: 2025,
            end: 2029,
        },
        visi: "Contoh yang Maju".into(),
        head_name: None,
        demo: false,
        nodes: vec![
            node("M1", PemdaLevel::Misi, None, vec![]),
            node(
                "T1",
                PemdaLevel::Tujuan,
                Some("M1"),
                vec![indicator("IT1", "Indeks tujuan", false, 60.0)],
            ),
            node(
                "S1",
                PemdaLevel::Sasaran,
                Some("T1"),
                vec![
                    indicator("IS1", "Indikator satu", true, 70.0),
                    indicator("IS2", "Indikator dua", false, 80.0),
                ],
            ),
            node(
                "S2",
                PemdaLevel::Sasaran,
                Some("T1"),
                vec![indicator("IS3", "Indikator tiga", true, 90.0)],
            ),
        ],
    }
    .validate()
    .unwrap()
}

fn org(name: &str) -> Organisation {
    let head = UnitKey::parse("kepala").unwrap();
    OrganisationDraft {
        name: name.into(),
        title: None,
        demo: false,
        renstra: None,
        programs: vec![Program {
            code: "1.02.01".into(),
            level: ProgramLevel::Program,
            name: "PROGRAM CONTOH".into(),
            parent: None,
            unit: head.clone(),
            objective: Some(code("SS1")),
            pagu: Default::default(),
        }],
        units: vec![Unit {
            key: head,
            name: "Kepala Dinas".into(),
            kind: UnitKind::Kepala,
            parent: None,
            officials: vec![],
            objectives: ["SS1", "SS2"]
                .into_iter()
                .map(|c| Objective {
                    code: code(c),
                    statement: format!("Sasaran {c} {name}"),
                    supports: vec![],
                    indicators: vec![indicator(
                        &format!("IK{c}"),
                        &format!("Ik {c}"),
                        false,
                        50.0,
                    )],
                })
                .collect(),
        }],
    }
    .validate()
    .unwrap()
}

fn link(
    id: i64,
    org_id: i64,
    node: &str,
    ind: Option<&str>,
    objective: &str,
    status: LinkStatus,
) -> CascadeLink {
    CascadeLink {
        id,
        org_id,
        target: PemdaTarget {
            node: code(node),
            indicator: ind.map(code),
        },
        source: Some(OpdSource {
            unit: UnitKey::parse("kepala").unwrap(),
            objective: code(objective),
            indicator: None,
        }),
        role: if id == 2 {
            LinkRole::Pendukung
        } else {
            LinkRole::PengampuUtama
        },
        weight: 1.0,
        status,
        reason: (status == LinkStatus::Ditolak).then(|| "bukan urusan kami".into()),
        proposed_by: LinkSide::Pemda,
        proposer: "bappeda".into(),
        proposed_at: Utc.with_ymd_and_hms(2025, 1, 6, 8, 0, 0).unwrap(),
        decided_by: None,
        decided_at: None,
    }
}

#[test]
fn only_accepted_unbroken_links_count() {
    let p = pemda();
    let (a, b, c) = (org("Dinas A"), org("Dinas B"), org("Dinas C"));
    let members = [
        Member {
            org_id: 1,
            name: &a.name,
            org: &a,
        },
        Member {
            org_id: 2,
            name: &b.name,
            org: &b,
        },
        Member {
            org_id: 3,
            name: &c.name,
            org: &c,
        },
    ];
    let links = vec![
        // B supports S1 (pendukung) and A leads it: A listed first whatever the member order.
        link(2, 2, "S1", None, "SS1", LinkStatus::Diterima),
        link(1, 1, "S1", Some("IS1"), "SS1", LinkStatus::Diterima),
        // Waiting, rejected and broken (objective SS9 does not exist): counted nowhere.
        link(3, 3, "S2", None, "SS1", LinkStatus::Diusulkan),
        link(4, 3, "S2", None, "SS2", LinkStatus::Ditolak),
        link(5, 3, "S1", None, "SS9", LinkStatus::Diterima),
    ];
    let iku = iku_pemda(&p, &members, &links);
    let by = |c: &str| {
        iku.indicators()
            .find(|i| i.code.as_str() == c)
            .unwrap()
            .clone()
    };
    assert_eq!(by("IS1").responsible, ["Dinas A", "Dinas B"]);
    assert_eq!(
        by("IS2").responsible,
        ["Dinas B"],
        "A's link names IS1 only"
    );
    assert!(by("IS3").responsible.is_empty());
    // The tujuan has no link of its own: those realising the sasaran under it.
    assert_eq!(by("IT1").responsible, ["Dinas A", "Dinas B"]);
    assert_eq!(by("IS1").targets.len(), 5);
    assert_eq!(iku.misi.len(), 1);
    assert_eq!(iku.misi[0].nodes.len(), 3);

    let m = cascading(&p, &members, &links, 2026);
    let rows: Vec<(String, Option<String>, Option<String>)> = m
        .rows
        .iter()
        .map(|r| {
            (
                r.node.0.to_string(),
                r.indicator.as_ref().map(|i| i.code.to_string()),
                r.opd.as_ref().map(|o| o.organisation.clone()),
            )
        })
        .collect();
    let row = |n: &str, i: &str, o: Option<&str>| {
        (n.to_string(), Some(i.to_string()), o.map(String::from))
    };
    assert_eq!(
        rows,
        [
            row("S1", "IS1", Some("Dinas A")),
            row("S1", "IS1", Some("Dinas B")),
            row("S1", "IS2", Some("Dinas B")),
            row("S2", "IS3", None),
        ]
    );
    let first = m.rows[0].opd.as_ref().unwrap();
    assert_eq!(first.programs, ["1.02.01 PROGRAM CONTOH"]);
    assert_eq!(first.indicator.as_ref().unwrap().target_text(), "51%");
    assert_eq!(m.rows[0].indicator.as_ref().unwrap().target_text(), "71%");
    assert_eq!(m.uncovered().count(), 1);
}

#[test]
fn the_heads_agreement_carries_the_marked_iku_of_the_year() {
    let p = pemda();
    let pk = pk_kepala_daerah(&p, 2027, NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
    assert_eq!(pk.heading.head_title, "Wali Kota Contoh");
    assert_eq!(pk.heading.region, "Kota Contoh");
    assert_eq!(pk.place, "Contoh");
    let codes: Vec<String> = pk
        .objectives
        .iter()
        .flat_map(|o| o.indicators.iter().map(|i| i.code.to_string()))
        .collect();
    assert_eq!(codes, ["IS1", "IS3"], "the indicators marked IKU");
    assert_eq!(pk.objectives.len(), 2, "grouped by their sasaran");
    assert_eq!(pk.objectives[0].indicators[0].target_text(), "72%");
    assert_eq!(
        pk.problems(),
        ["nama Wali Kota Contoh belum diisi pada pohon RPJMD"]
    );
    assert!(check_year(&p, 2029).is_ok());
    assert_eq!(
        check_year(&p, 2030).unwrap_err(),
        "tahun 2030 di luar periode RPJMD Pemerintah Kota Contoh (2025–2029)"
    );
}
