//! Shared by the pohon tests: the demo organisation, tree builders, and the layout invariants.
#![allow(dead_code)]

use pokin_docs::pohon::{CARD_PADDING, Layout, PohonOptions, Rect, STACK_THRESHOLD};
use pokin_docs::text;
use pokin_domain::{
    Code, Indicator, Objective, Organisation, OrganisationDraft, Support, Unit, UnitKey, UnitKind,
};
use std::collections::{BTreeMap, BTreeSet};

const EPS: f64 = 1e-6;

pub fn demo() -> Organisation {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/demo/dpmptsp-naker.yaml"
    );
    let text = std::fs::read_to_string(path).expect("demo file");
    pokin_import::yaml::from_yaml(&text).expect("demo is valid")
}

pub fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).unwrap()
}

pub fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

/// A unit `u{i}` with `objectives` objectives of `indicators` indicators each, each objective
/// supporting the parent's `SS1` when there is a parent.
pub fn unit(i: usize, parent: Option<usize>, objectives: usize, indicators: usize) -> Unit {
    Unit {
        key: key(&format!("u{i}")),
        name: format!("Unit Kerja {i}"),
        kind: if parent.is_none() {
            UnitKind::Kepala
        } else {
            UnitKind::Seksi
        },
        parent: parent.map(|p| key(&format!("u{p}"))),
        officials: Vec::new(),
        objectives: (1..=objectives)
            .map(|o| Objective {
                code: code(&format!("SS{o}")),
                statement: format!("Meningkatnya kualitas layanan {i}.{o} bagi masyarakat"),
                supports: parent
                    .map(|p| Support {
                        unit: key(&format!("u{p}")),
                        objective: code("SS1"),
                        weight: 1.0,
                    })
                    .into_iter()
                    .collect(),
                indicators: (1..=indicators)
                    .map(|k| Indicator {
                        satuan: Some("%".into()),
                        ..Indicator::new(
                            code(&format!("IK{o}.{k}")),
                            format!("Persentase capaian {i}.{o}.{k}"),
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn org(units: Vec<Unit>) -> Organisation {
    OrganisationDraft {
        programs: Vec::new(),
        name: "Organisasi Uji".into(),
        title: None,
        demo: false,
        renstra: None,
        units,
    }
    .validate()
    .expect("test organisation is valid")
}

/// `n` units: a head with seven children, then each unit under a pseudo-random earlier one
/// (depth about log n, fan-outs from 1 to dozens); each with one objective supporting the
/// parent's objective and two indicators, except a few with none.
pub fn synthetic(n: usize) -> Organisation {
    let mut seed = 42u64;
    let mut rnd = move |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    let units = (0..n)
        .map(|i| {
            let parent = match i {
                0 => None,
                _ if i < 8 => Some(0),
                _ => Some(1 + rnd(i - 1)),
            };
            let objectives = |i: usize| if i % 17 == 5 { 0 } else { 1 };
            let mut u = unit(i, parent, objectives(i), 2);
            if parent.is_some_and(|p| objectives(p) == 0) {
                u.objectives.iter_mut().for_each(|o| o.supports.clear());
            }
            u
        })
        .collect();
    org(units)
}

/// Units not under a collapsed ancestor.
pub fn visible_keys(org: &Organisation, opts: &PohonOptions) -> BTreeSet<UnitKey> {
    let parent: BTreeMap<&UnitKey, Option<&UnitKey>> = org
        .units
        .iter()
        .map(|u| (&u.key, u.parent.as_ref()))
        .collect();
    org.units
        .iter()
        .filter(|u| {
            let mut cur = u.parent.as_ref();
            while let Some(p) = cur {
                if opts.collapsed.contains(p) {
                    return false;
                }
                cur = parent[p];
            }
            true
        })
        .map(|u| u.key.clone())
        .collect()
}

pub fn descendants(org: &Organisation, k: &UnitKey) -> usize {
    org.children(Some(k))
        .map(|c| 1 + descendants(org, &c.key))
        .sum()
}

fn inside(outer: &Rect, inner: &Rect, what: &str) -> Result<(), String> {
    if outer.contains(inner, EPS) {
        Ok(())
    } else {
        Err(format!("{what}: {inner:?} not inside {outer:?}"))
    }
}

/// Every promise of the layout rules that can be checked from the outside.
pub fn check_layout(org: &Organisation, opts: &PohonOptions, l: &Layout) -> Result<(), String> {
    let frame = Rect {
        x: 0.0,
        y: 0.0,
        w: l.width,
        h: l.height,
    };
    // The right units, each once, parents before children.
    let shown: Vec<&UnitKey> = l.units.iter().map(|u| &u.key).collect();
    let shown_set: BTreeSet<UnitKey> = shown.iter().map(|k| (*k).clone()).collect();
    if shown_set.len() != shown.len() {
        return Err("a unit is drawn twice".into());
    }
    if shown_set != visible_keys(org, opts) {
        return Err(format!(
            "drawn units {shown_set:?} are not the visible ones"
        ));
    }
    for (i, u) in l.units.iter().enumerate() {
        if let Some(p) = &u.parent
            && !shown[..i].contains(&p)
        {
            return Err(format!("{} drawn before its parent", u.key));
        }
    }

    for u in &l.units {
        let src = org.unit(&u.key).unwrap();
        inside(&frame, &u.rect, &format!("card {}", u.key))?;
        inside(&u.rect, &u.header, &format!("header of {}", u.key))?;
        // Text fits: every line between the paddings, measured afresh from its text.
        for line in u.all_lines() {
            let size = line.style.size();
            let w = text::width(&line.text, size, line.style.bold());
            if line.x < u.rect.x + CARD_PADDING - EPS
                || line.x + w > u.rect.right() - CARD_PADDING + EPS
            {
                return Err(format!(
                    "line {:?} ({w:.1} px at x {:.1}) overflows card {} ({:.1}..{:.1})",
                    line.text,
                    line.x,
                    u.key,
                    u.rect.x,
                    u.rect.right()
                ));
            }
            if line.y - size < u.rect.y - EPS || line.y + 0.3 * size > u.rect.bottom() + EPS {
                return Err(format!(
                    "line {:?} outside card {} vertically",
                    line.text, u.key
                ));
            }
        }
        if u.objectives.len() != src.objectives.len() {
            return Err(format!("{}: objectives missing", u.key));
        }
        for (o, so) in u.objectives.iter().zip(&src.objectives) {
            inside(&u.rect, &o.rect, &format!("objective {} {}", u.key, o.code))?;
            let expected = if opts.show_indicators {
                so.indicators.len()
            } else {
                0
            };
            if o.indicators.len() != expected {
                return Err(format!("{} {}: indicators missing", u.key, o.code));
            }
            for i in &o.indicators {
                inside(&o.rect, &i.rect, &format!("indicator {} {}", u.key, i.code))?;
            }
        }
        // Toggles on units with children only; collapsed ones count what they hide.
        let has_children = org.children(Some(&u.key)).next().is_some();
        match (&u.toggle, has_children) {
            (None, false) => {}
            (Some(t), true) => {
                let collapsed = opts.collapsed.contains(&u.key);
                if t.collapsed != collapsed {
                    return Err(format!("{}: toggle state", u.key));
                }
                if collapsed {
                    let n = descendants(org, &u.key);
                    let badge = t.badge.as_ref().ok_or("collapsed without badge")?;
                    if t.hidden != n || badge.label.text != format!("+{n} unit") {
                        return Err(format!(
                            "{}: badge says {:?}, hides {n}",
                            u.key, badge.label.text
                        ));
                    }
                    inside(&frame, &badge.rect, "badge")?;
                }
            }
            _ => return Err(format!("{}: toggle on a leaf or missing", u.key)),
        }
    }

    // No two cards (or badges) overlap.
    let mut boxes: Vec<(String, Rect)> = Vec::new();
    for u in &l.units {
        boxes.push((u.key.to_string(), u.rect));
        if let Some(b) = u.toggle.as_ref().and_then(|t| t.badge.as_ref()) {
            boxes.push((format!("badge of {}", u.key), b.rect));
        }
    }
    boxes.sort_by(|a, b| a.1.x.total_cmp(&b.1.x));
    for (i, (ka, a)) in boxes.iter().enumerate() {
        for (kb, b) in &boxes[i + 1..] {
            if b.x >= a.right() {
                break;
            }
            if a.overlaps(b) {
                return Err(format!("{ka} {a:?} overlaps {kb} {b:?}"));
            }
        }
    }

    // Parents centred over their children's span, children below, rows aligned.
    let mut children: BTreeMap<&UnitKey, Vec<&pokin_docs::pohon::UnitBox>> = BTreeMap::new();
    for u in &l.units {
        if let Some(p) = &u.parent {
            children.entry(p).or_default().push(u);
        }
    }
    for p in &l.units {
        let Some(kids) = children.get(&p.key) else {
            continue;
        };
        let left = kids.iter().map(|k| k.rect.x).fold(f64::INFINITY, f64::min);
        let right = kids
            .iter()
            .map(|k| k.rect.right())
            .fold(f64::NEG_INFINITY, f64::max);
        if (p.rect.centre_x() - (left + right) / 2.0).abs() > EPS {
            return Err(format!("{} not centred over its children", p.key));
        }
        let stacked = kids.iter().filter(|k| k.stacked).count();
        let all_leaves = kids
            .iter()
            .all(|k| org.children(Some(&k.key)).next().is_none());
        let should_stack = kids.len() > STACK_THRESHOLD && all_leaves;
        if (stacked == kids.len()) != should_stack || (stacked != 0 && stacked != kids.len()) {
            return Err(format!("{}: children stacked wrongly", p.key));
        }
        for k in kids {
            if k.rect.y <= p.rect.bottom() {
                return Err(format!("{} not below its parent", k.key));
            }
            if k.depth != p.depth + 1 {
                return Err(format!("{}: depth", k.key));
            }
        }
    }
    let mut row_top: BTreeMap<usize, f64> = BTreeMap::new();
    for u in l.units.iter().filter(|u| !u.stacked) {
        let top = *row_top.entry(u.depth).or_insert(u.rect.y);
        if (top - u.rect.y).abs() > EPS {
            return Err(format!("{} not on its row", u.key));
        }
    }

    // Header text stays left of the legend and inside the drawing.
    let legend = &l.header.legend;
    inside(&frame, &legend.rect, "legend")?;
    for line in &l.header.lines {
        if line.x + line.width > legend.rect.x + EPS {
            return Err(format!("title line {:?} runs into the legend", line.text));
        }
    }

    // Links: one per support between drawn units, ends on the sides of their cards.
    let total: usize = org
        .units
        .iter()
        .flat_map(|u| &u.objectives)
        .map(|o| o.supports.len())
        .sum();
    if l.links.len() + l.hidden_links != total {
        return Err("links do not add up".into());
    }
    for link in &l.links {
        let a = l.unit(&link.from_unit).ok_or("link from a hidden unit")?;
        let b = l.unit(&link.to_unit).ok_or("link to a hidden unit")?;
        let (first, last) = (link.points[0], link.points[link.points.len() - 1]);
        let on_side = |r: &Rect, x: f64| (x - r.x).abs() < EPS || (x - r.right()).abs() < EPS;
        if !on_side(&a.rect, first.x) || !on_side(&b.rect, last.x) {
            return Err(format!(
                "link {link:?} does not start and end on card sides"
            ));
        }
        for p in &link.points {
            if p.x < 0.0 || p.y < 0.0 || p.x > l.width || p.y > l.height {
                return Err("link outside the drawing".into());
            }
        }
        let crosscutting =
            org.unit(&link.from_unit).unwrap().parent.as_ref() != Some(&link.to_unit);
        if crosscutting != link.crosscutting {
            return Err("crosscutting flag".into());
        }
    }
    Ok(())
}

/// Elements of the parsed SVG with `name` whose class list holds `class`.
pub fn with_class<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    name: &str,
    class: &str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name(name)
                && n.attribute("class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == class))
        })
        .collect()
}
