//! The charts through the public API: snapshots of representative inputs, the document's
//! promises (standalone, inert, accessible, text inside the drawing) on those and on hostile
//! random inputs.

use pokin_docs::chart::{
    BarChart, BarItem, Distribution, DistributionBand, LineChart, PALETTE, Series, WIDTH,
    bar_chart, distribution_chart, line_chart, predicate_colour, predicate_legend,
};
use pokin_docs::text;
use pokin_domain::capaian::{Capaian, Ceiling, Percent, PredicateBands};
use proptest::prelude::*;

fn persen(v: f64) -> Capaian {
    Capaian::Persen(Percent::new(v).unwrap())
}

fn sample_bar() -> BarChart {
    let bands = PredicateBands::default();
    let ceiling = Ceiling::DEFAULT;
    let units = [
        ("Sekretariat", persen(96.4)),
        ("Bidang Penanaman Modal", persen(87.5)),
        (
            "Bidang Pelayanan Perizinan dan Non Perizinan Terpadu Satu Pintu Kabupaten",
            persen(71.25),
        ),
        ("Bidang Perindustrian", persen(58.0)),
        ("Bidang Tenaga Kerja & Transmigrasi", persen(42.9)),
        ("UPT Balai Latihan Kerja", Capaian::Melampaui),
        ("Bidang Pengawasan", Capaian::BelumDilaporkan),
        (
            "Sub Bagian Keuangan",
            Capaian::TidakDapatDihitung("target bukan angka".into()),
        ),
    ];
    BarChart {
        title: "Capaian sasaran per unit kerja, Tahun 2025".into(),
        items: units
            .iter()
            .enumerate()
            .map(|(i, (label, c))| BarItem {
                href: (i < 2).then(|| format!("/capaian/unit/{i}")),
                ..BarItem::from_capaian(*label, c, &bands, ceiling)
            })
            .collect(),
        ceiling: ceiling.get(),
        legend: predicate_legend(&bands, predicate_colour),
    }
}

fn sample_line() -> LineChart {
    LineChart {
        title: "Jumlah investor baru per triwulan".into(),
        categories: (2025..=2026)
            .flat_map(|y| ["I", "II", "III", "IV"].map(|q| format!("TW {q} {y}")))
            .take(7)
            .collect(),
        series: vec![
            Series {
                name: "Target".into(),
                points: (0..7)
                    .map(|k| Some(1200.0 + 100.0 * f64::from(k)))
                    .collect(),
                dashed: true,
            },
            Series {
                name: "Realisasi".into(),
                points: vec![
                    Some(1150.0),
                    Some(1420.5),
                    None,
                    Some(1610.0),
                    Some(f64::NAN),
                    Some(1580.0),
                ],
                dashed: false,
            },
        ],
        y_label: Some("Investor (orang)".into()),
        percent: false,
    }
}

fn sample_percent_line() -> LineChart {
    LineChart {
        title: "Capaian IKU per tahun".into(),
        categories: ["2022", "2023", "2024", "2025", "2026"]
            .map(String::from)
            .to_vec(),
        series: vec![
            Series {
                name: "Persentase perizinan terbit tepat waktu".into(),
                points: vec![Some(82.0), Some(91.5), Some(104.2), Some(98.0), None],
                dashed: false,
            },
            Series {
                name: "Indeks kepuasan masyarakat".into(),
                points: vec![Some(76.0), None, Some(88.0), Some(93.0), Some(95.5)],
                dashed: false,
            },
        ],
        y_label: None,
        percent: true,
    }
}

fn sample_distribution() -> Distribution {
    let capaian: Vec<Capaian> = [96.0, 92.0, 100.0, 88.0, 80.0, 70.0, 55.0, 40.0, 95.0]
        .into_iter()
        .map(persen)
        .chain([
            Capaian::BelumDilaporkan,
            Capaian::BelumDilaporkan,
            Capaian::Melampaui,
            Capaian::TidakDapatDihitung("x".into()),
        ])
        .collect();
    Distribution::of_capaian(
        "Sebaran predikat capaian indikator, Tahun 2025",
        &PredicateBands::default(),
        &capaian,
    )
}

/// Every promise of a chart document that can be checked from the outside; returns the
/// parsed text contents for further checks.
fn check_chart(svg: &str) -> Result<Vec<String>, String> {
    if svg.contains("<script") {
        return Err("script in the document".into());
    }
    let doc = roxmltree::Document::parse(svg).map_err(|e| format!("not XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg"
        || root.tag_name().namespace() != Some("http://www.w3.org/2000/svg")
    {
        return Err("root is not an SVG element".into());
    }
    let num = |n: roxmltree::Node, a: &str| -> Result<f64, String> {
        n.attribute(a)
            .ok_or(format!("{} without {a}", n.tag_name().name()))?
            .parse::<f64>()
            .map_err(|e| format!("{a}: {e}"))
    };
    let (w, h) = (num(root, "width")?, num(root, "height")?);
    if w != WIDTH || !(h > 0.0 && h.is_finite()) {
        return Err(format!("size {w} × {h}"));
    }
    if root.attribute("viewBox") != Some(format!("0 0 {w:.1} {h:.1}").as_str()) {
        return Err(format!("viewBox {:?}", root.attribute("viewBox")));
    }
    if !matches!(root.attribute("role"), Some("img" | "group")) {
        return Err("role".into());
    }
    let kids: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    if kids.len() < 2
        || !kids[0].has_tag_name("title")
        || !kids[1].has_tag_name("desc")
        || kids[0].text().is_none_or(|t| t.trim().is_empty())
        || kids[1].text().is_none_or(|t| t.trim().is_empty())
    {
        return Err("title and desc must come first".into());
    }
    let mut texts = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        if !matches!(
            name,
            "svg" | "title" | "desc" | "g" | "a" | "rect" | "path" | "circle" | "text"
        ) {
            return Err(format!("unexpected element {name}"));
        }
        for a in n.attributes() {
            let an = a.name();
            if an.starts_with("on")
                || an == "style"
                || a.namespace().is_some()
                || a.value().contains("url(")
            {
                return Err(format!("attribute {an} on {name}"));
            }
            if an == "href" {
                let v = a.value().trim_start().to_ascii_lowercase();
                if name != "a" || !(v.starts_with('/') || v.starts_with("http")) {
                    return Err(format!("href {:?} on {name}", a.value()));
                }
            }
            for colour_attr in ["fill", "stroke"] {
                let v = a.value();
                let plain = v.starts_with('#') || v.bytes().all(|b| b.is_ascii_alphabetic());
                if an == colour_attr && !plain {
                    return Err(format!("{an}={:?}", a.value()));
                }
            }
        }
        if name == "rect" {
            let (x, y) = (num(n, "x").unwrap_or(0.0), num(n, "y").unwrap_or(0.0));
            let (rw, rh) = (num(n, "width")?, num(n, "height")?);
            if x < -0.05 || y < -0.05 || x + rw > w + 0.15 || y + rh > h + 0.15 || rw < 0.0 {
                return Err(format!("rect {x} {y} {rw} {rh} outside {w} × {h}"));
            }
        }
        if name == "text" {
            let t = n.text().unwrap_or("");
            if t.is_empty() {
                return Err("empty text element".into());
            }
            let size = num(n, "font-size")?;
            let bold = n.attribute("font-weight") == Some("bold");
            let tw = text::width(t, size, bold);
            let (x, y) = (num(n, "x")?, num(n, "y")?);
            let left = match n.attribute("text-anchor") {
                Some("middle") => x - tw / 2.0,
                Some("end") => x - tw,
                _ => x,
            };
            if left < -0.2 || left + tw > w + 0.2 || y - size < -0.2 || y + 0.3 * size > h + 0.2 {
                return Err(format!(
                    "text {t:?} ({left:.1}..{:.1}, {y:.1}) outside",
                    left + tw
                ));
            }
            texts.push(t.to_owned());
        }
    }
    Ok(texts)
}

#[test]
fn bar_chart_snapshot() {
    insta::assert_snapshot!("bar_chart", bar_chart(&sample_bar()));
}

#[test]
fn line_chart_snapshot() {
    insta::assert_snapshot!("line_chart", line_chart(&sample_line()));
}

#[test]
fn percent_line_chart_snapshot() {
    insta::assert_snapshot!("percent_line_chart", line_chart(&sample_percent_line()));
}

#[test]
fn distribution_chart_snapshot() {
    insta::assert_snapshot!(
        "distribution_chart",
        distribution_chart(&sample_distribution())
    );
}

#[test]
fn bar_chart_values_colours_and_links() {
    let chart = sample_bar();
    let svg = bar_chart(&chart);
    let texts = check_chart(&svg).unwrap();
    for v in ["96,40%", "87,50%", "71,25%", "58,00%", "42,90%", "120,00%"] {
        assert!(texts.iter().any(|t| t == v), "{v} missing in {texts:?}");
    }
    // No bar for the unreported or uncomputable items: their text instead.
    assert!(texts.iter().any(|t| t == "belum dilaporkan"));
    assert!(
        texts.iter().any(|t| t.starts_with("tidak dapat dihitung")),
        "{texts:?}"
    );
    // A long label wraps to two lines and is cut.
    assert!(texts.iter().any(|t| t.ends_with('…')), "{texts:?}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.attribute("height") == Some("16.0")
                && n.attribute("fill") != Some(PALETTE.background)
        })
        .collect();
    assert_eq!(bars.len(), 6, "one bar per item with a value");
    let expected: Vec<&str> = chart
        .items
        .iter()
        .filter(|i| i.value.is_some())
        .map(|i| predicate_colour(i.level, i.levels))
        .collect();
    let got: Vec<&str> = bars.iter().map(|b| b.attribute("fill").unwrap()).collect();
    assert_eq!(got, expected);
    assert_eq!(expected[0], "#15803d", "Sangat Tinggi is green");
    // Links: two items have one; the chart is then a group so they stay reachable.
    let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].attribute("href"), Some("/capaian/unit/0"));
    assert_eq!(doc.root_element().attribute("role"), Some("group"));
    // The description reads the values out.
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        desc.contains("Sekretariat: 96,40% (Sangat Tinggi)"),
        "{desc}"
    );
    assert!(
        desc.contains("Bidang Pengawasan: belum dilaporkan"),
        "{desc}"
    );
    // The 100 % line is dashed.
    assert!(svg.contains("stroke-dasharray=\"4 3\""));
}

#[test]
fn bar_chart_without_links_is_an_image_and_refuses_script_links() {
    let mut chart = sample_bar();
    for item in &mut chart.items {
        item.href = Some(" javascript:alert(1)".into());
    }
    chart.items[0].href = Some("data:text/html,<b>".into());
    let svg = bar_chart(&chart);
    check_chart(&svg).unwrap();
    assert!(!svg.contains("<a "));
    assert!(!svg.contains("javascript"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
}

#[test]
fn bar_axis_grows_past_the_ceiling() {
    let chart = BarChart {
        title: "Capaian".into(),
        items: vec![BarItem {
            label: "Sekretariat".into(),
            value: Some(180.0),
            level: Some(0),
            levels: 5,
            ..BarItem::default()
        }],
        ceiling: f64::NAN,
        legend: vec![("Merah".into(), "red\" onload=\"x".into())],
    };
    let texts = check_chart(&bar_chart(&chart)).unwrap();
    assert!(texts.iter().any(|t| t == "200%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "180,00%"));
    assert!(
        !texts.iter().any(|t| t == "Merah"),
        "unsafe legend colour left out"
    );
}

#[test]
fn line_chart_gaps_are_not_zero() {
    let chart = sample_line();
    let svg = line_chart(&chart);
    let texts = check_chart(&svg).unwrap();
    for t in [
        "0",
        "500",
        "1.000",
        "1.500",
        "2.000",
        "Investor (orang)",
        "Target",
    ] {
        assert!(texts.iter().any(|x| x == t), "{t} missing in {texts:?}");
    }
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let series: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .collect();
    assert_eq!(series.len(), 2);
    let path = |g: &roxmltree::Node| {
        g.children()
            .find(|n| n.has_tag_name("path"))
            .and_then(|n| n.attribute("d"))
            .unwrap()
            .to_owned()
    };
    // Target: one unbroken line of seven points.
    assert_eq!(path(&series[0]).matches('M').count(), 1);
    assert_eq!(path(&series[0]).matches('L').count(), 6);
    // Realisasi: points 1–2, then 4 alone, then 6 (NaN at 5 is a gap; nothing at 7).
    let d = path(&series[1]);
    assert_eq!(d.matches('M').count(), 3, "{d}");
    assert_eq!(d.matches('L').count(), 1, "{d}");
    let markers = series[1].children().filter(|n| n.has_tag_name("g")).count();
    assert_eq!(markers, 4);
    let tips: Vec<_> = series[1]
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        tips.contains(&"Realisasi · TW II 2025: 1.420,5"),
        "{tips:?}"
    );
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(desc.contains("TW III 2025 tidak ada data"), "{desc}");
}

#[test]
fn percent_line_chart_marks_one_hundred() {
    let svg = line_chart(&sample_percent_line());
    let texts = check_chart(&svg).unwrap();
    assert!(texts.iter().any(|t| t == "100%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Persen (%)"));
    assert!(svg.contains("stroke-dasharray=\"4 3\""));
}

#[test]
fn many_categories_thin_their_labels() {
    let chart = LineChart {
        title: "Capaian per bulan".into(),
        categories: (1..=36)
            .map(|m| format!("Bulan ke-{m} tahun anggaran"))
            .collect(),
        series: vec![Series {
            name: "Capaian".into(),
            points: (0..36).map(|k| Some(f64::from(k) * 3.0)).collect(),
            dashed: false,
        }],
        y_label: None,
        percent: true,
    };
    let texts = check_chart(&line_chart(&chart)).unwrap();
    let first_lines = texts.iter().filter(|t| t.starts_with("Bulan")).count();
    assert!(
        (1..36).contains(&first_lines),
        "{first_lines} category labels"
    );
}

#[test]
fn distribution_counts_and_shares() {
    let d = sample_distribution();
    let labels: Vec<_> = d.bands.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Sangat Tinggi",
            "Tinggi",
            "Sedang",
            "Rendah",
            "Sangat Rendah",
            "Belum dilaporkan",
            "Tidak dapat dihitung"
        ]
    );
    let counts: Vec<_> = d.bands.iter().map(|b| b.count).collect();
    assert_eq!(counts, [5, 2, 1, 1, 1, 2, 1]);
    let svg = distribution_chart(&d);
    let texts = check_chart(&svg).unwrap();
    for t in [
        "38,46%",
        "15,38%",
        "7,69%",
        "13",
        "100,00%",
        "Belum dilaporkan",
    ] {
        assert!(texts.iter().any(|x| x == t), "{t} missing in {texts:?}");
    }
    // The two level-less bands get different greys.
    assert!(svg.contains(PALETTE.neutral[0]) && svg.contains(PALETTE.neutral[1]));
}

#[test]
fn empty_inputs_say_so() {
    let svgs = [
        bar_chart(&BarChart::default()),
        line_chart(&LineChart::default()),
        line_chart(&LineChart {
            categories: vec!["2025".into()],
            series: vec![Series {
                name: "Realisasi".into(),
                points: vec![Some(f64::INFINITY)],
                dashed: false,
            }],
            ..LineChart::default()
        }),
        distribution_chart(&Distribution::default()),
        distribution_chart(&Distribution {
            title: "Sebaran".into(),
            bands: vec![DistributionBand {
                label: "Tinggi".into(),
                count: 0,
                level: Some(0),
            }],
            levels: 1,
        }),
    ];
    for svg in svgs {
        let texts = check_chart(&svg).unwrap();
        assert!(texts.iter().any(|t| t == "Belum ada data"), "{texts:?}");
    }
}

#[test]
fn charts_are_deterministic() {
    assert_eq!(bar_chart(&sample_bar()), bar_chart(&sample_bar()));
    assert_eq!(line_chart(&sample_line()), line_chart(&sample_line()));
}

/// Labels with markup, quotes, ampersands, control characters, long words and other scripts.
const HOSTILE: &str =
    "(<script>alert\\(1\\)</script>|&amp;|[\"'<>&]|\\PC{0,12}|[a-z]{30,60}|\u{7}|\u{fffe}| ){0,12}";

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        Just(Some(f64::INFINITY)),
        Just(Some(f64::NEG_INFINITY)),
        Just(Some(f64::MAX)),
        Just(Some(-f64::MAX)),
        Just(Some(f64::MIN_POSITIVE / 4.0)),
        any::<f64>().prop_map(Some),
        (0.0f64..300.0).prop_map(Some),
        (-1e9f64..1e9).prop_map(Some),
    ]
}

fn bar_item() -> impl Strategy<Value = BarItem> {
    (
        HOSTILE,
        value(),
        prop::option::of(0usize..12),
        0usize..10,
        prop::option::of(HOSTILE),
        prop::option::of("(javascript:|/|https://x\\.id/|data:)[a-z<>\"&]{0,8}"),
    )
        .prop_map(|(label, value, level, levels, note, href)| BarItem {
            label,
            value,
            level,
            levels,
            note,
            href,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_bar_chart_is_a_clean_document(
        title in HOSTILE,
        items in prop::collection::vec(bar_item(), 0..40),
        ceiling in value(),
        legend in prop::collection::vec((HOSTILE, "#[0-9a-f]{6}|red|url\\(#x\\)|\"><script>"), 0..8),
    ) {
        let svg = bar_chart(&BarChart { title, items, ceiling: ceiling.unwrap_or(120.0), legend });
        prop_assert!(!svg.contains("<script"));
        check_chart(&svg).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn any_line_chart_is_a_clean_document(
        title in HOSTILE,
        categories in prop::collection::vec(HOSTILE, 0..30),
        series in prop::collection::vec((HOSTILE, prop::collection::vec(value(), 0..32), any::<bool>()), 0..8),
        y_label in prop::option::of(HOSTILE),
        percent: bool,
    ) {
        let series = series
            .into_iter()
            .map(|(name, points, dashed)| Series { name, points, dashed })
            .collect();
        let svg = line_chart(&LineChart { title, categories, series, y_label, percent });
        prop_assert!(!svg.contains("<script"));
        check_chart(&svg).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn any_distribution_is_a_clean_document(
        title in HOSTILE,
        bands in prop::collection::vec(
            (HOSTILE, prop_oneof![0usize..50, Just(usize::MAX)], prop::option::of(0usize..9)),
            0..12,
        ),
        levels in 0usize..9,
    ) {
        let bands = bands
            .into_iter()
            .map(|(label, count, level)| DistributionBand { label, count, level })
            .collect();
        let svg = distribution_chart(&Distribution { title, bands, levels });
        prop_assert!(!svg.contains("<script"));
        check_chart(&svg).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn two_hundred_hostile_items() {
    let items: Vec<BarItem> = (0..200)
        .map(|i| BarItem {
            label: format!(
                "<script>alert({i})</script> & \"unit\" 'ke-{i}' {}",
                "x".repeat(i)
            ),
            value: match i % 5 {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(f64::INFINITY),
                _ => Some(i as f64),
            },
            level: Some(i % 7),
            levels: 5,
            note: Some("</desc><script>".into()),
            href: Some(format!("/unit/{i}?a=1&b=\"2\"")),
        })
        .collect();
    let svg = bar_chart(&BarChart {
        title: "<script>".into(),
        items,
        ceiling: 120.0,
        legend: Vec::new(),
    });
    assert!(!svg.contains("<script"));
    check_chart(&svg).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("a")).count(),
        200
    );
    assert!(
        doc.descendants()
            .filter_map(|n| n.attribute("href"))
            .all(|h| h.starts_with("/unit/"))
    );
}

#[test]
fn large_axes_are_shortened_the_indonesian_way() {
    let chart = LineChart {
        title: "Nilai investasi".into(),
        categories: vec!["2025".into(), "2026".into(), "2027".into()],
        series: vec![Series {
            name: "Realisasi".into(),
            points: vec![Some(2.5e9), None, Some(7.9e9)],
            dashed: false,
        }],
        y_label: Some("Rupiah".into()),
        percent: false,
    };
    let texts = check_chart(&line_chart(&chart)).unwrap();
    assert!(texts.iter().any(|x| x == "8 M"), "{texts:?}");
    assert!(
        !texts.iter().any(|x| x.contains("000.000.000")),
        "{texts:?}"
    );
}
