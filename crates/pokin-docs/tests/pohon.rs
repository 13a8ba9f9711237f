//! The pohon kinerja diagram of the demo organisation and of hand-made trees, through the public
//! API: geometry ([`layout`]) and the SVG document ([`render_svg`]).

mod common;

use common::{check_layout, code, demo, key, org, unit, with_class};
use pokin_docs::pohon::{PohonOptions, layout, render_svg};
use pokin_domain::{Appointment, Indicator, Official, OrganisationDraft, Support, UnitKind};

#[test]
fn demo_svg_snapshot() {
    insta::assert_snapshot!("demo_svg", render_svg(&demo(), &PohonOptions::default()));
}

#[test]
fn demo_layout_keeps_the_rules() {
    let org = demo();
    let opts = PohonOptions::default();
    let l = layout(&org, &opts);
    check_layout(&org, &opts, &l).unwrap();
    assert_eq!(l.units.len(), 23);
    // Bidang Pelayanan Perizinan's nine Seksi are stacked; the three-Seksi Bidang are not.
    let stacked: Vec<_> = l.units.iter().filter(|u| u.stacked).collect();
    assert_eq!(stacked.len(), 9);
    assert!(
        stacked
            .iter()
            .all(|u| u.parent == Some(key("bidang-pelayanan-perizinan")))
    );
    // The head is alone on the top row, the four Bidang on the next.
    assert_eq!(l.units.iter().filter(|u| u.depth == 1).count(), 4);
}

#[test]
fn demo_svg_has_every_node_link_and_hook() {
    let org = demo();
    let svg = render_svg(&org, &PohonOptions::default());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );

    let units = with_class(&doc, "g", "unit");
    let objectives = with_class(&doc, "g", "objective");
    let indicators = with_class(&doc, "g", "indicator");
    assert_eq!(
        (units.len(), objectives.len(), indicators.len()),
        (23, 46, 65)
    );
    for u in &org.units {
        let g = units
            .iter()
            .find(|g| g.attribute("data-unit") == Some(u.key.as_str()))
            .unwrap_or_else(|| panic!("unit {} missing", u.key));
        assert_eq!(g.attribute("id"), Some(format!("u-{}", u.key).as_str()));
        assert_eq!(g.attribute("data-kind"), Some(u.kind.as_str()));
        let search = g.attribute("data-search").unwrap();
        assert!(search.contains(&u.name.to_lowercase()), "{search}");
        assert!(g.children().any(|c| c.has_tag_name("title")));
        for o in &u.objectives {
            let og = g
                .descendants()
                .find(|n| {
                    n.attribute("class") == Some("objective")
                        && n.attribute("data-code") == Some(o.code.as_str())
                })
                .unwrap();
            assert_eq!(og.attribute("data-unit"), Some(u.key.as_str()));
            assert!(og.children().any(|c| c.has_tag_name("title")));
            for i in &o.indicators {
                assert!(og.descendants().any(|n| {
                    n.attribute("class") == Some("indicator")
                        && n.attribute("data-code") == Some(i.code.as_str())
                        && n.attribute("data-search")
                            .is_some_and(|s| s.contains(&i.name.to_lowercase()))
                }));
            }
        }
    }

    // One path per support link, crosscutting ones marked, weight in the tooltip.
    let links = with_class(&doc, "path", "link");
    let supports: Vec<_> = org
        .units
        .iter()
        .flat_map(|u| {
            u.objectives
                .iter()
                .flat_map(move |o| o.supports.iter().map(move |s| (u, o, s)))
        })
        .collect();
    assert_eq!(links.len(), 43);
    assert_eq!(links.len(), supports.len());
    let crosscutting = links
        .iter()
        .filter(|p| p.attribute("class").unwrap().contains("crosscutting"))
        .count();
    assert_eq!(crosscutting, 2);
    for (u, o, s) in &supports {
        let p = links
            .iter()
            .find(|p| {
                p.attribute("data-from-unit") == Some(u.key.as_str())
                    && p.attribute("data-from-objective") == Some(o.code.as_str())
                    && p.attribute("data-to-unit") == Some(s.unit.as_str())
                    && p.attribute("data-to-objective") == Some(s.objective.as_str())
            })
            .unwrap();
        let is_cross = u.parent.as_ref() != Some(&s.unit);
        let classes = p.attribute("class").unwrap();
        assert_eq!(classes.contains("crosscutting"), is_cross, "{classes}");
        assert_eq!(classes.contains("cascade"), !is_cross, "{classes}");
        let tip = p.children().find(|c| c.has_tag_name("title")).unwrap();
        let weight = pokin_domain::format::number_trimmed(s.weight, 2);
        assert!(tip.text().unwrap().contains(&format!("Bobot {weight}")));
        assert!(p.attribute("marker-end").is_some());
    }

    // Toggles on the five units with children, all expanded.
    let toggles = with_class(&doc, "g", "toggle");
    assert_eq!(toggles.len(), 5);
    assert!(
        toggles
            .iter()
            .all(|t| t.attribute("data-collapsed") == Some("false"))
    );

    // Demo data is marked, and there is a legend and a style block.
    assert_eq!(root.attribute("data-demo"), Some("true"));
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("text") && n.text() == Some("DATA DEMO"))
    );
    assert_eq!(with_class(&doc, "g", "legend").len(), 1);
    assert!(doc.descendants().any(|n| n.has_tag_name("style")));
    assert!(!svg.contains("<script"));
}

#[test]
fn viewbox_matches_the_layout() {
    let org = demo();
    let l = layout(&org, &PohonOptions::default());
    let svg = render_svg(&org, &PohonOptions::default());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let vb: Vec<f64> = doc
        .root_element()
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(vb[0], 0.0);
    assert_eq!(vb[1], 0.0);
    assert!((vb[2] - l.width).abs() <= 0.05 && (vb[3] - l.height).abs() <= 0.05);
}

#[test]
fn rendering_is_deterministic() {
    let org = demo();
    let opts = PohonOptions::default();
    assert_eq!(render_svg(&org, &opts), render_svg(&org, &opts));
    assert_eq!(
        render_svg(&org, &opts),
        render_svg(&org.clone(), &opts.clone())
    );
}

#[test]
fn collapsed_units_hide_their_descendants() {
    let org = demo();
    let mut opts = PohonOptions::default();
    opts.collapsed.insert(key("bidang-pelayanan-perizinan"));
    // Folding a leaf does nothing.
    opts.collapsed.insert(key("seksi-industri-agro"));
    let l = layout(&org, &opts);
    check_layout(&org, &opts, &l).unwrap();
    assert_eq!(l.units.len(), 14);
    let svg = render_svg(&org, &opts);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let units = with_class(&doc, "g", "unit");
    assert_eq!(units.len(), 14);
    assert!(
        !units
            .iter()
            .any(|u| u.attribute("data-parent") == Some("bidang-pelayanan-perizinan"))
    );
    assert!(!svg.contains("seksi-proses-perizinan-i-sektor-a"));
    let toggle = with_class(&doc, "g", "toggle")
        .into_iter()
        .find(|t| t.attribute("data-unit") == Some("bidang-pelayanan-perizinan"))
        .unwrap();
    assert_eq!(toggle.attribute("data-collapsed"), Some("true"));
    assert_eq!(toggle.attribute("data-hidden"), Some("9"));
    assert!(toggle.descendants().any(|n| n.text() == Some("+9 unit")));
    // The twelve links out of the hidden Seksi (one of them crosscutting) are left out.
    assert_eq!(l.hidden_links, 12);
    let links = with_class(&doc, "path", "link");
    assert_eq!(links.len(), 43 - 12);
    let crosscutting = links
        .iter()
        .filter(|p| p.attribute("class").unwrap().contains("crosscutting"))
        .count();
    assert_eq!(crosscutting, 1);

    // Folding the head leaves one card.
    let mut opts = PohonOptions::default();
    opts.collapsed.insert(key("kepala-dinas"));
    let l = layout(&org, &opts);
    check_layout(&org, &opts, &l).unwrap();
    assert_eq!(l.units.len(), 1);
    assert!(l.links.is_empty());
    let svg = render_svg(&org, &opts);
    assert!(svg.contains(">+22 unit</text>"));
}

#[test]
fn indicators_can_be_hidden() {
    let org = demo();
    let opts = PohonOptions {
        show_indicators: false,
        ..PohonOptions::default()
    };
    let l = layout(&org, &opts);
    check_layout(&org, &opts, &l).unwrap();
    let full = layout(&org, &PohonOptions::default());
    assert!(l.height < full.height);
    let svg = render_svg(&org, &opts);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(with_class(&doc, "g", "indicator").len(), 0);
    assert_eq!(with_class(&doc, "g", "objective").len(), 46);
}

#[test]
fn fills_colour_objectives_and_bad_colours_are_ignored() {
    let org = demo();
    let mut opts = PohonOptions::default();
    opts.fills
        .insert((key("kepala-dinas"), code("SS1")), "#c6f6d5".into());
    opts.fills.insert(
        (key("kepala-dinas"), code("SS2")),
        "red\" onload=\"alert(1)".into(),
    );
    let l = layout(&org, &opts);
    let head = l.unit(&key("kepala-dinas")).unwrap();
    assert_eq!(head.objectives[0].fill.as_deref(), Some("#c6f6d5"));
    assert_eq!(head.objectives[1].fill, None);
    let svg = render_svg(&org, &opts);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let filled = with_class(&doc, "rect", "obj-fill");
    assert_eq!(filled.len(), 1);
    assert_eq!(filled[0].attribute("fill"), Some("#c6f6d5"));
    assert!(!doc.descendants().any(|n| n.attribute("onload").is_some()));
}

#[test]
fn user_text_is_escaped_everywhere() {
    let hostile = "<script>alert(1)</script> \"dq\" 'sq' & co </g></svg>\u{7}";
    let mut head = unit(0, None, 1, 1);
    head.name = hostile.into();
    head.objectives[0].statement = hostile.into();
    head.objectives[0].indicators[0].name = hostile.into();
    head.objectives[0].indicators[0].satuan = Some(hostile.into());
    head.officials.push(Official {
        name: hostile.into(),
        nip: None,
        pangkat: None,
        golongan: None,
        appointment: Appointment::Plt,
        since: None,
        until: None,
    });
    let mut child = unit(1, Some(0), 1, 1);
    child.name = hostile.into();
    child.objectives[0].supports[0].weight = 0.5;
    let org = OrganisationDraft {
        programs: Vec::new(),
        name: hostile.into(),
        title: Some(hostile.into()),
        demo: false,
        renstra: None,
        units: vec![head, child],
    }
    .validate()
    .unwrap();
    let opts = PohonOptions {
        title: Some(format!("{hostile} (judul)")),
        ..PohonOptions::default()
    };
    let l = layout(&org, &opts);
    check_layout(&org, &opts, &l).unwrap();
    let svg = render_svg(&org, &opts);
    assert!(!svg.contains("<script"), "unescaped markup");
    assert!(!svg.contains('\u{7}'));
    let doc = roxmltree::Document::parse(&svg).expect("still well-formed");
    assert_eq!(with_class(&doc, "g", "unit").len(), 2);
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    // The text survives as text: in attributes and in the wrapped name lines.
    let g = with_class(&doc, "g", "unit")
        .into_iter()
        .find(|g| g.attribute("data-unit") == Some("u0"))
        .unwrap();
    let collapsed: String = hostile
        .replace('\u{7}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        g.attribute("data-search").unwrap(),
        format!("kepala {}", collapsed.to_lowercase())
    );
    let name: Vec<&str> = g
        .children()
        .filter(|n| n.attribute("class") == Some("name"))
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(name.join(" "), collapsed);
    let doc_title = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert!(
        doc_title
            .text()
            .unwrap()
            .starts_with("<script>alert(1)</script>")
    );
}

#[test]
fn demo_mark_only_on_demo_data() {
    let org = org(vec![unit(0, None, 1, 1)]);
    let svg = render_svg(&org, &PohonOptions::default());
    assert!(!svg.contains("DATA DEMO"));
    assert!(svg.contains("data-demo=\"false\""));
    assert!(layout(&org, &PohonOptions::default()).header.demo.is_none());
}

#[test]
fn odd_shapes_lay_out() {
    // No units at all.
    let empty = org(vec![]);
    let l = layout(&empty, &PohonOptions::default());
    assert!(l.units.is_empty() && l.width > 0.0 && l.height > 0.0);
    roxmltree::Document::parse(&render_svg(&empty, &PohonOptions::default())).unwrap();

    // Two roots, a unit without objectives, a self-unit support, a support pointing down, a
    // long unbreakable name and a long code.
    let mut a = unit(0, None, 2, 1);
    a.objectives[1].supports.push(Support {
        unit: key("u0"),
        objective: code("SS1"),
        weight: 1.0,
    });
    a.objectives[0].supports.push(Support {
        unit: key("u2"),
        objective: code("SSWWWWWWWWWWWWWWWWWWWWWWWWWWWW1"),
        weight: 0.25,
    });
    let b = unit(1, None, 0, 0);
    let mut c = unit(2, Some(0), 1, 3);
    c.name = "Seksi".to_owned() + &"W".repeat(80);
    c.kind = UnitKind::Unnamed;
    c.objectives[0].code = code("SSWWWWWWWWWWWWWWWWWWWWWWWWWWWW1");
    c.objectives[0].indicators[0] = Indicator {
        satuan: Some("orang per seribu penduduk usia kerja".into()),
        ..Indicator::new(code("IKWWWWWWWWWWWWWWWWWWWWWWWWWW1.1"), "x".repeat(200))
    };
    let o = org(vec![a, b, c]);
    let opts = PohonOptions::default();
    let l = layout(&o, &opts);
    check_layout(&o, &opts, &l).unwrap();
    assert_eq!(l.units[0].depth, 0);
    assert_eq!(l.unit(&key("u1")).unwrap().depth, 0);
    assert_eq!(l.links.len(), 3);
    let svg = render_svg(&o, &opts);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(with_class(&doc, "path", "link").len(), 3);
    assert!(svg.contains("Belum ada sasaran"));
}

#[test]
fn wide_flat_tree_is_stacked_into_columns() {
    // Twelve leaves under one head: three rows of four columns (rows = ⌈√(12/2)⌉ = 3).
    let mut units = vec![unit(0, None, 1, 1)];
    units.extend((1..=12).map(|i| unit(i, Some(0), 1, 1)));
    let o = org(units);
    let opts = PohonOptions::default();
    let l = layout(&o, &opts);
    check_layout(&o, &opts, &l).unwrap();
    let mut columns: Vec<f64> = l.units[1..].iter().map(|u| u.rect.x).collect();
    columns.dedup();
    assert_eq!(columns.len(), 4);
    // Document order runs down each column first.
    assert_eq!(l.units[1].rect.x, l.units[2].rect.x);
    assert!(l.units[2].rect.y > l.units[1].rect.bottom());

    // Four leaves stay on one row.
    let mut units = vec![unit(0, None, 1, 1)];
    units.extend((1..=4).map(|i| unit(i, Some(0), 1, 1)));
    let o = org(units);
    let l = layout(&o, &opts);
    check_layout(&o, &opts, &l).unwrap();
    assert!(l.units.iter().all(|u| !u.stacked));
}

#[test]
fn objectives_keep_their_order_and_anchor_inside() {
    let l = layout(&demo(), &PohonOptions::default());
    for u in &l.units {
        for w in u.objectives.windows(2) {
            assert!(w[0].rect.bottom() <= w[1].rect.y);
        }
        for o in &u.objectives {
            assert!(o.anchor_y > o.rect.y && o.anchor_y < o.rect.bottom());
        }
    }
}
