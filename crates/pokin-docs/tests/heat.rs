//! The heat tree options of the pohon kinerja diagram: objective badges
//! ([`PohonOptions::badges`]) and the colour key under the title ([`PohonOptions::legend`]).

mod common;

use common::{check_layout, code, demo, key, org, synthetic, unit, with_class};
use pokin_docs::chart::{predicate_legend, predicate_tint};
use pokin_docs::pohon::{Layout, PohonOptions, Rect, TextStyle, layout, render_svg};
use pokin_docs::text;
use pokin_domain::capaian::PredicateBands;
use pokin_domain::{Code, Organisation, UnitKey};
use proptest::prelude::*;

const EPS: f64 = 1e-6;

fn badges_for_all(org: &Organisation, text: &dyn Fn(usize) -> String) -> PohonOptions {
    let mut opts = PohonOptions::default();
    let mut k = 0;
    for u in &org.units {
        for o in &u.objectives {
            opts.badges.insert((u.key.clone(), o.code.clone()), text(k));
            k += 1;
        }
    }
    opts
}

/// Badges sit inside their objective, below its statement, above its indicators, hold their
/// lines, and keep the text within the card (through `check_layout`).
fn check_badges(org: &Organisation, opts: &PohonOptions, l: &Layout) -> Result<usize, String> {
    check_layout(org, opts, l)?;
    let mut seen = 0;
    for u in &l.units {
        for o in &u.objectives {
            let want = opts
                .badges
                .get(&(u.key.clone(), o.code.clone()))
                .is_some_and(|t| !t.split_whitespace().collect::<String>().is_empty());
            let Some(b) = &o.badge else {
                if want {
                    return Err(format!("{} {}: badge missing", u.key, o.code));
                }
                continue;
            };
            seen += 1;
            if !o.rect.contains(&b.rect, EPS) {
                return Err(format!("{} {}: badge outside its objective", u.key, o.code));
            }
            if b.lines.is_empty() || b.lines.len() > 2 {
                return Err(format!(
                    "{} {}: {} badge lines",
                    u.key,
                    o.code,
                    b.lines.len()
                ));
            }
            for line in &o.lines {
                let descent = 0.3 * line.style.size();
                if line.y + descent > b.rect.y + EPS {
                    return Err(format!(
                        "{} {}: badge overlaps the statement",
                        u.key, o.code
                    ));
                }
            }
            for i in &o.indicators {
                if i.rect.overlaps(&b.rect) || i.rect.y < b.rect.bottom() - EPS {
                    return Err(format!("{} {}: badge overlaps an indicator", u.key, o.code));
                }
            }
            for line in &b.lines {
                if line.style != TextStyle::ObjectiveBadge {
                    return Err("badge line style".into());
                }
                let size = line.style.size();
                let w = text::width(&line.text, size, true);
                let r = Rect {
                    x: line.x,
                    y: line.y - size,
                    w,
                    h: 1.3 * size,
                };
                if !b.rect.contains(&r, EPS) {
                    return Err(format!("badge line {:?} outside its box", line.text));
                }
            }
        }
    }
    Ok(seen)
}

#[test]
fn badges_render_escaped_and_do_not_overlap() {
    let org = demo();
    let hostile = |k: usize| {
        if k.is_multiple_of(3) {
            format!("{},50% · dukungan 92,10%", 80 + k)
        } else {
            format!(
                "<script>alert({k})</script> & \"dq\" 'sq' </g></svg> \u{7} {}",
                "panjang sekali ".repeat(k % 7)
            )
        }
    };
    let opts = badges_for_all(&org, &hostile);
    let l = layout(&org, &opts);
    let seen = check_badges(&org, &opts, &l).unwrap();
    assert_eq!(seen, opts.badges.len());

    let svg = render_svg(&org, &opts);
    assert!(!svg.contains("<script"));
    assert!(!svg.contains('\u{7}'));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    let badges = with_class(&doc, "g", "obj-badge");
    assert_eq!(badges.len(), opts.badges.len());
    // The text survives as text, inside the objective's group, and whole in its tooltip.
    let head = l.unit(&key("kepala-dinas")).unwrap();
    let first = &head.objectives[0];
    let b = first.badge.as_ref().unwrap();
    assert_eq!(b.lines.len(), 1);
    assert_eq!(b.lines[0].text, "80,50% · dukungan 92,10%");
    let second = head.objectives[1].badge.as_ref().unwrap();
    assert!(
        second.lines[0]
            .text
            .starts_with("<script>alert(1)</script> &")
    );
    let obj = with_class(&doc, "g", "objective")
        .into_iter()
        .find(|g| {
            g.attribute("data-unit") == Some("kepala-dinas")
                && g.attribute("data-code") == Some("SS2")
        })
        .unwrap();
    let texts: Vec<_> = obj
        .descendants()
        .filter(|n| n.attribute("class") == Some("obj-badge-text"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(texts[0], second.lines[0].text);
    let tip = obj.children().find(|n| n.has_tag_name("title")).unwrap();
    assert!(tip.text().unwrap().contains("<script>alert(1)</script>"));
}

#[test]
fn badges_grow_their_cards_and_blank_ones_change_nothing() {
    let org = org(vec![
        unit(0, None, 2, 1),
        unit(1, Some(0), 1, 2),
        unit(2, Some(0), 1, 0),
    ]);
    let plain = layout(&org, &PohonOptions::default());

    let mut opts = PohonOptions::default();
    opts.badges
        .insert((key("u1"), code("SS1")), "87,50% · dukungan 92,10%".into());
    let l = layout(&org, &opts);
    check_badges(&org, &opts, &l).unwrap();
    let grown = l.unit(&key("u1")).unwrap();
    let before = plain.unit(&key("u1")).unwrap();
    let badge = grown.objectives[0].badge.as_ref().unwrap();
    assert!(
        (grown.rect.h - before.rect.h - (badge.rect.h + 3.0)).abs() < EPS,
        "the card grows by the badge"
    );
    // The indicators moved down with it.
    assert!(grown.objectives[0].indicators[0].rect.y > badge.rect.bottom());

    // Blank and unknown badges: the same layout and the same bytes as without options.
    let mut blank = PohonOptions::default();
    blank
        .badges
        .insert((key("u1"), code("SS1")), " \n\t ".into());
    blank
        .badges
        .insert((key("u9"), Code::parse("SS1").unwrap()), "x".into());
    blank.legend.push(("Tinggi".into(), "url(#x)".into()));
    assert_eq!(layout(&org, &blank), plain);
    assert_eq!(
        render_svg(&org, &blank),
        render_svg(&org, &PohonOptions::default())
    );
}

#[test]
fn long_badges_are_cut_to_two_lines() {
    let org = org(vec![unit(0, None, 1, 1)]);
    let mut opts = PohonOptions::default();
    opts.badges.insert(
        (key("u0"), code("SS1")),
        "capaian 87,50% dengan catatan yang sangat panjang sekali sehingga tidak muat dalam dua \
         baris kotak sasaran dan harus dipotong"
            .into(),
    );
    let l = layout(&org, &opts);
    check_badges(&org, &opts, &l).unwrap();
    let b = l.units[0].objectives[0].badge.as_ref().unwrap();
    assert_eq!(b.lines.len(), 2);
    assert!(b.lines[1].text.ends_with('…'));
}

#[test]
fn legend_sits_under_the_title() {
    let org = demo();
    let bands = PredicateBands::default();
    let mut opts = PohonOptions {
        legend: predicate_legend(&bands, predicate_tint),
        ..PohonOptions::default()
    };
    opts.legend
        .push(("Bukan warna".into(), "red\" onload=\"alert(1)".into()));
    opts.legend.push((
        format!("<b>Label</b> & {}", "sangat panjang ".repeat(40)),
        "#abcdef".into(),
    ));
    let plain = layout(&org, &PohonOptions::default());
    let l = layout(&org, &opts);
    check_layout(&org, &opts, &l).unwrap();
    let sw = &l.header.swatches;
    assert_eq!(sw.len(), 7, "the unsafe colour is left out");
    assert_eq!(sw[0].label.text, "Sangat Tinggi");
    assert_eq!(sw[0].colour, "#bbf7d0");
    assert!(sw[6].label.text.ends_with('…'));
    let title_bottom = l.header.lines.iter().map(|t| t.y).fold(0.0, f64::max);
    let legend_box = l.header.legend.rect;
    for (i, s) in sw.iter().enumerate() {
        assert!(s.rect.y > title_bottom, "under the title");
        let right = s.label.x + s.label.width;
        assert!(right <= legend_box.x + EPS, "left of the legend box");
        assert!(s.rect.x >= 0.0 && right <= l.width);
        for t in &sw[..i] {
            let a = Rect {
                x: s.rect.x,
                y: s.rect.y,
                w: right - s.rect.x,
                h: s.rect.h,
            };
            let b = Rect {
                x: t.rect.x,
                y: t.rect.y,
                w: t.label.x + t.label.width - t.rect.x,
                h: t.rect.h,
            };
            assert!(!a.overlaps(&b), "swatches {i} overlap");
        }
    }
    // The tree moved down to make room, and nothing else changed shape.
    let dy = l.units[0].rect.y - plain.units[0].rect.y;
    assert!(dy > 0.0);
    assert!(
        l.units
            .iter()
            .all(|u| u.rect.y > sw.last().unwrap().rect.bottom())
    );

    let svg = render_svg(&org, &opts);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let g = with_class(&doc, "g", "heat-legend");
    assert_eq!(g.len(), 1);
    let fills: Vec<_> = g[0]
        .children()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill"))
        .collect();
    assert_eq!(fills.len(), 7);
    assert!(!doc.descendants().any(|n| n.attribute("onload").is_some()));
    assert!(svg.contains("&lt;b&gt;Label&lt;/b&gt; &amp;"));
}

/// Badge text: short and long words, accents, markup.
const TEXT: &str = "[ -~éÉ—·<>&\"']{0,40}( [a-z]{20,45}){0,3}";

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_badges_keep_the_layout_rules(
        n in 1usize..40,
        texts in prop::collection::vec(prop::option::of(TEXT), 1..40),
        legend in prop::collection::vec((TEXT, "#[0-9a-f]{6}|[a-z]{3,8}|x\\(\\)"), 0..10),
        collapse in any::<bool>(),
    ) {
        let org = synthetic(n);
        let mut opts = PohonOptions { legend, ..PohonOptions::default() };
        let objectives: Vec<(UnitKey, Code)> = org
            .units
            .iter()
            .flat_map(|u| u.objectives.iter().map(move |o| (u.key.clone(), o.code.clone())))
            .collect();
        for (k, t) in objectives.into_iter().zip(texts) {
            if let Some(t) = t {
                opts.badges.insert(k, t);
            }
        }
        if collapse && n > 8 {
            opts.collapsed.insert(key("u1"));
        }
        let l = layout(&org, &opts);
        check_badges(&org, &opts, &l).map_err(TestCaseError::fail)?;
        for s in &l.header.swatches {
            prop_assert!(s.label.x + s.label.width <= l.header.legend.rect.x + EPS);
        }
        let svg = render_svg(&org, &opts);
        prop_assert!(!svg.contains("<script"));
        roxmltree::Document::parse(&svg)
            .map_err(|e| TestCaseError::fail(format!("not XML: {e}")))?;
    }
}
