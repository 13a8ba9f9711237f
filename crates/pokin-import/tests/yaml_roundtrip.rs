//! The canonical YAML reads back to the same organisation, and writes back to the same bytes,
//! whatever the texts and numbers in it (property test), and refuses what is not valid.

use pokin_domain::{
    Aggregation, Appointment, Code, Indicator, Nip, Objective, Official, Organisation,
    OrganisationDraft, Polarity, Renstra, Support, TargetValue, Unit, UnitKey, UnitKind,
};
use pokin_import::yaml::{YamlError, from_yaml, to_yaml};
use proptest::prelude::*;

/// Texts that trip YAML writers: look-alikes of other types, indicators, quotes, unicode, spaces.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z ()/,.-]{0,40}",
        Just("null".to_owned()),
        Just("yes".to_owned()),
        Just("1.0".to_owned()),
        Just("- item".to_owned()),
        Just("a: b".to_owned()),
        Just("# bukan komentar".to_owned()),
        Just("'kutip' \"ganda\"".to_owned()),
        Just("  spasi di tepi  ".to_owned()),
        Just("baris\nkedua".to_owned()),
        Just("Rp 1.234,56 × 100% ÷ Σ – ½".to_owned()),
        "\\PC{1,30}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e15f64..1e15,
        Just(0.0),
        Just(-0.0),
        Just(0.1),
        Just(1e-9),
        Just(123456789012.0)
    ]
}

fn target() -> impl Strategy<Value = TargetValue> {
    prop_oneof![
        number().prop_map(TargetValue::Number),
        (number(), 0.0f64..1e6).prop_map(|(min, w)| TargetValue::Range { min, max: min + w }),
        "[A-Z]{1,3}|[A-Za-z ]{1,20}[a-z]"
            .prop_filter("non-blank", |s| !s.trim().is_empty())
            .prop_map(TargetValue::Qualitative),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn indicator(n: usize) -> impl Strategy<Value = Indicator> {
    (
        (
            text(),
            any::<bool>(),
            opt_text(),
            0..4usize,
            0..4usize,
            opt_text(),
            opt_text(),
        ),
        (
            opt_text(),
            opt_text(),
            proptest::option::of(target()),
            proptest::option::of(0u8..=6),
        ),
        proptest::collection::btree_map(2025i32..=2029, target(), 0..5),
    )
        .prop_map(
            move |((name, iku, satuan, p, a, definition, formula), rest, targets)| {
                let (data_source, responsible, baseline, decimals) = rest;
                let mut i = Indicator::new(Code::parse(&format!("IK{n}")).unwrap(), name);
                i.iku = iku;
                i.satuan = satuan;
                i.polarity = [Polarity::Positive, Polarity::Negative, Polarity::Range]
                    .get(p)
                    .copied();
                i.aggregation = [
                    Aggregation::Kumulatif,
                    Aggregation::NilaiAkhir,
                    Aggregation::RataRata,
                ]
                .get(a)
                .copied();
                i.definition = definition;
                i.formula = formula;
                i.data_source = data_source;
                i.responsible = responsible;
                i.baseline = baseline;
                i.decimals = decimals;
                i.targets = targets;
                i
            },
        )
}

fn official() -> impl Strategy<Value = Official> {
    (
        text(),
        proptest::option::of("[0-9]{18}"),
        opt_text(),
        0..3usize,
        proptest::option::of(0u32..3000),
    )
        .prop_map(|(name, nip, pangkat, a, day)| Official {
            name,
            nip: nip.map(|n| Nip::parse(&n).unwrap()),
            pangkat,
            golongan: Some("IV/a".into()),
            appointment: [Appointment::Definitif, Appointment::Plt, Appointment::Plh][a],
            since: day.map(|d| {
                chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d.into())
            }),
            until: None,
        })
}

/// A valid organisation: a head and up to 5 units below it, each with objectives and indicators;
/// every non-head objective supports the head's first objective (with a random weight).
fn organisation() -> impl Strategy<Value = Organisation> {
    let unit = (
        text().prop_filter("non-blank", |s| !s.trim().is_empty()),
        proptest::collection::vec(official(), 0..2),
        proptest::collection::vec(
            (
                text().prop_filter("non-blank", |s| !s.trim().is_empty()),
                0.01f64..10.0,
            ),
            1..3,
        ),
        proptest::collection::vec(indicator(1), 0..3),
    );
    (
        text().prop_filter("non-blank", |s| !s.trim().is_empty()),
        opt_text(),
        any::<bool>(),
        proptest::collection::vec(unit, 1..6),
    )
        .prop_map(|(name, title, demo, units)| {
            let head = UnitKey::parse("kepala").unwrap();
            let mut out = Vec::new();
            for (n, (uname, officials, objectives, indicators)) in units.into_iter().enumerate() {
                let key = if n == 0 {
                    head.clone()
                } else {
                    UnitKey::parse(&format!("unit-{n}")).unwrap()
                };
                let objectives = objectives
                    .into_iter()
                    .enumerate()
                    .map(|(k, (statement, weight))| Objective {
                        code: Code::parse(&format!("SS{}", k + 1)).unwrap(),
                        statement,
                        supports: if n == 0 {
                            vec![]
                        } else {
                            vec![Support {
                                unit: head.clone(),
                                objective: Code::parse("SS1").unwrap(),
                                weight,
                            }]
                        },
                        // Indicator codes are unique per unit: number them across objectives.
                        indicators: if k == 0 {
                            indicators
                                .iter()
                                .enumerate()
                                .map(|(j, i)| Indicator {
                                    code: Code::parse(&format!("IK{}", j + 1)).unwrap(),
                                    ..i.clone()
                                })
                                .collect()
                        } else {
                            vec![]
                        },
                    })
                    .collect();
                out.push(Unit {
                    key,
                    name: uname,
                    kind: if n == 0 {
                        UnitKind::Kepala
                    } else {
                        UnitKind::Bidang
                    },
                    parent: if n == 0 { None } else { Some(head.clone()) },
                    officials,
                    objectives,
                });
            }
            OrganisationDraft {
                programs: Vec::new(),
                name,
                title,
                demo,
                renstra: Some(Renstra {
                    start: 2025,
                    end: 2029,
                }),
                units: out,
            }
            .validate()
            .expect("generated organisations are valid")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn yaml_round_trips(org in organisation()) {
        let text = to_yaml(&org);
        let back = from_yaml(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &org);
        prop_assert_eq!(to_yaml(&back), text);
    }
}

#[test]
fn invalid_files_list_every_problem() {
    let text = "format: pokin/1
organisation:
  name: Dinas Uji
  renstra: {start: 2025, end: 2029}
  units:
  - key: kepala
    name: Kepala
    kind: kepala
    objectives:
    - code: SS1
      statement: Meningkatnya sesuatu
      indicators:
      - code: IK1
        name: Persentase sesuatu
        targets: {2031: 5}
  - key: bidang
    name: Bidang
    kind: bidang
    parent: tidak-ada
    objectives:
    - code: SS1
      statement: Meningkatnya hal lain
      supports: [{unit: kepala, objective: SS7, weight: 0}]
";
    let Err(YamlError::Invalid(errs)) = from_yaml(text) else {
        panic!("expected validation errors")
    };
    let all = errs
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("target 2031 di luar periode Renstra"), "{all}");
    assert!(all.contains("induk 'tidak-ada' tidak ada"), "{all}");
    assert!(all.contains("SS7"), "{all}");
    assert!(all.contains("bobot 0"), "{all}");
    assert_eq!(errs.len(), 4, "{all}");
}

#[test]
fn json_with_the_same_structure_is_accepted() {
    let json = r#"{"format": "pokin/1", "organisation": {"name": "X", "units": [
        {"key": "kepala", "name": "Kepala", "kind": "kepala", "objectives": []}]}}"#;
    let org = from_yaml(json).unwrap();
    assert_eq!(org.units.len(), 1);
}
