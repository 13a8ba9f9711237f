//! Property tests over random trees (depths, fan-outs, text lengths, folds), and the cost on
//! large trees.

mod common;

use common::{check_layout, code, key, org, synthetic, unit, visible_keys, with_class};
use pokin_docs::pohon::{PohonOptions, layout, render_svg};
use pokin_domain::{Indicator, Objective, Organisation, Support, Unit, UnitKind};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Text with short and long words, wide letters, accents, dashes and XML specials.
const TEXT: &str = "[A-Za-z][a-zWM]{0,10}( ([A-Za-z0-9éÉ—–/<>&\"']{1,14}|[a-z]{20,45})){0,9}";

#[derive(Debug, Clone)]
struct Spec {
    pick: u32,
    kind: usize,
    name: String,
    objectives: Vec<(String, Vec<(String, bool)>)>,
    crosscut: Option<u32>,
    collapse: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<u32>(),
        0usize..UnitKind::ALL.len(),
        TEXT,
        prop::collection::vec(
            (TEXT, prop::collection::vec((TEXT, any::<bool>()), 0..4)),
            0..4,
        ),
        prop::option::weighted(0.2, any::<u32>()),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(pick, kind, name, objectives, crosscut, collapse)| Spec {
            pick,
            kind,
            name,
            objectives,
            crosscut,
            collapse,
        })
}

/// Shapes: 0 uniform random attachment (bushy), 1 deep (chains), 2 few parents with many
/// children (stacks), 3 a mix.
fn build(specs: Vec<Spec>, shape: u8) -> (Organisation, PohonOptions) {
    let mut units: Vec<Unit> = Vec::new();
    let mut opts = PohonOptions::default();
    for (i, s) in specs.iter().enumerate() {
        let p = s.pick as usize;
        let parent = (i > 0).then(|| match (shape, p % 2) {
            (0, _) | (3, 0) => p % i,
            (1, _) => i - 1 - p % i.min(2),
            _ => p % i.div_ceil(4),
        });
        let parent_objectives = parent.map_or(0, |q| units[q].objectives.len());
        let mut u = unit(i, parent, 0, 0);
        u.kind = UnitKind::ALL[s.kind];
        u.name = s.name.clone();
        for (o, (statement, indicators)) in s.objectives.iter().enumerate() {
            let mut supports = Vec::new();
            if let Some(q) = parent
                && parent_objectives > 0
            {
                supports.push(Support {
                    unit: key(&format!("u{q}")),
                    objective: code(&format!("SS{}", 1 + (p + o) % parent_objectives)),
                    weight: 1.0 + (o % 3) as f64 * 0.5,
                });
            }
            if let Some(c) = s.crosscut {
                let j = c as usize % (i + 1);
                let target = format!("SS{}", 1 + o % 2);
                let exists = if j == i {
                    s.objectives.len() > o % 2 && o % 2 != o
                } else {
                    units[j]
                        .objectives
                        .iter()
                        .any(|x| x.code.as_str() == target)
                };
                let duplicate = supports
                    .iter()
                    .any(|x| x.unit.as_str() == format!("u{j}") && x.objective.as_str() == target);
                if exists && !duplicate {
                    supports.push(Support {
                        unit: key(&format!("u{j}")),
                        objective: code(&target),
                        weight: 0.5,
                    });
                }
            }
            u.objectives.push(Objective {
                code: code(&format!("SS{}", o + 1)),
                statement: statement.clone(),
                supports,
                indicators: indicators
                    .iter()
                    .enumerate()
                    .map(|(k, (name, with_satuan))| Indicator {
                        satuan: with_satuan.then(|| name.chars().take(12).collect()),
                        ..Indicator::new(code(&format!("IK{}.{}", o + 1, k + 1)), name.clone())
                    })
                    .collect(),
            });
        }
        if s.collapse {
            opts.collapsed.insert(u.key.clone());
        }
        units.push(u);
    }
    opts.show_indicators = specs.first().is_none_or(|s| s.pick % 7 != 0);
    (org(units), opts)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_trees_keep_the_layout_rules(
        specs in prop::collection::vec(spec(), 1..40),
        shape in 0u8..4,
    ) {
        let (org, opts) = build(specs, shape);
        let l = layout(&org, &opts);
        if let Err(e) = check_layout(&org, &opts, &l) {
            return Err(TestCaseError::fail(e));
        }

        let svg = render_svg(&org, &opts);
        prop_assert!(!svg.contains("<script"));
        let doc = roxmltree::Document::parse(&svg)
            .map_err(|e| TestCaseError::fail(format!("not XML: {e}")))?;
        let visible = visible_keys(&org, &opts);
        prop_assert_eq!(with_class(&doc, "g", "unit").len(), visible.len());
        let objectives: usize = org
            .units
            .iter()
            .filter(|u| visible.contains(&u.key))
            .map(|u| u.objectives.len())
            .sum();
        prop_assert_eq!(with_class(&doc, "g", "objective").len(), objectives);
        prop_assert_eq!(with_class(&doc, "path", "link").len(), l.links.len());
    }
}

/// Debug builds are 10–30 times slower than release; these bounds only catch a layout that
/// went quadratic (or worse), which would take minutes here.
#[test]
fn large_trees_are_fast() {
    let big = synthetic(2000);
    let opts = PohonOptions::default();
    let t = Instant::now();
    let l = layout(&big, &opts);
    let svg = render_svg(&big, &opts);
    let took = t.elapsed();
    check_layout(&big, &opts, &l).unwrap();
    assert_eq!(l.units.len(), 2000);
    roxmltree::Document::parse(&svg).unwrap();
    assert!(took < Duration::from_secs(10), "2,000 units took {took:?}");

    // A chain 1,500 deep: no recursion to overflow, contours stay cheap.
    let chain: Vec<Unit> = (0..1500).map(|i| unit(i, i.checked_sub(1), 1, 0)).collect();
    let chain = org(chain);
    let t = Instant::now();
    let l = layout(&chain, &opts);
    let took = t.elapsed();
    assert!(took < Duration::from_secs(10), "chain took {took:?}");
    let x = l.units[0].rect.x;
    assert!(l.units.iter().all(|u| (u.rect.x - x).abs() < 1e-6));
}
