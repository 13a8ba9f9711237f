//! Writes sample charts to a folder (default `/tmp`) to look at:
//! `bar-chart.svg`, `line-chart.svg`, `line-chart-percent.svg`, `distribution-chart.svg`,
//! `empty-chart.svg`, and `heat-tree.svg` (the demo pohon kinerja coloured by made-up capaian,
//! with badges and the colour key).
//!
//! ```sh
//! cargo run -p pokin-docs --example charts -- /tmp
//! rsvg-convert -z 2 /tmp/bar-chart.svg -o /tmp/bar-chart.png
//! ```

use pokin_docs::chart::{
    BarChart, BarItem, Distribution, LineChart, Series, bar_chart, distribution_chart, line_chart,
    predicate_colour, predicate_legend, predicate_tint,
};
use pokin_docs::pohon::{PohonOptions, render_svg};
use pokin_domain::capaian::{Capaian, Ceiling, Percent, PredicateBands};
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp".into()));
    let bands = PredicateBands::default();
    let ceiling = Ceiling::DEFAULT;
    let persen = |v: f64| Capaian::Persen(Percent::new(v).expect("a percentage"));
    let units = [
        ("Sekretariat", persen(96.4)),
        ("Bidang Penanaman Modal", persen(87.5)),
        (
            "Bidang Pelayanan Perizinan dan Non Perizinan Terpadu Satu Pintu Kabupaten",
            persen(71.25),
        ),
        ("Bidang Perindustrian", persen(58.0)),
        ("Bidang Tenaga Kerja dan Transmigrasi", persen(42.9)),
        ("UPT Balai Latihan Kerja", Capaian::Melampaui),
        ("Bidang Pengendalian & Pengawasan", Capaian::BelumDilaporkan),
        ("Sub Bagian Keuangan", persen(112.0)),
    ];
    let items = units
        .iter()
        .enumerate()
        .map(|(i, (label, c))| BarItem {
            href: Some(format!("/capaian/unit/{i}")),
            ..BarItem::from_capaian(*label, c, &bands, ceiling)
        })
        .collect();
    let bar = bar_chart(&BarChart {
        title: "Capaian sasaran per unit kerja, Tahun 2025".into(),
        items,
        ceiling: ceiling.get(),
        legend: predicate_legend(&bands, predicate_colour),
    });

    let line = line_chart(&LineChart {
        title: "Jumlah investor baru per triwulan".into(),
        categories: [
            "TW I 2025",
            "TW II 2025",
            "TW III 2025",
            "TW IV 2025",
            "TW I 2026",
            "TW II 2026",
            "TW III 2026",
        ]
        .map(String::from)
        .to_vec(),
        series: vec![
            Series {
                name: "Target".into(),
                points: vec![
                    Some(1200.0),
                    Some(1300.0),
                    Some(1400.0),
                    Some(1500.0),
                    Some(1600.0),
                    Some(1700.0),
                    Some(1800.0),
                ],
                dashed: true,
            },
            Series {
                name: "Realisasi".into(),
                points: vec![
                    Some(1150.0),
                    Some(1420.5),
                    None,
                    Some(1610.0),
                    Some(1580.0),
                    None,
                    None,
                ],
                dashed: false,
            },
        ],
        y_label: Some("Investor (orang)".into()),
        percent: false,
    });

    let line_percent = line_chart(&LineChart {
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
            Series {
                name: "Tingkat pengangguran terbuka".into(),
                points: vec![Some(61.0), Some(70.0), Some(68.0), Some(80.0), Some(79.0)],
                dashed: false,
            },
        ],
        y_label: None,
        percent: true,
    });

    let capaian: Vec<Capaian> = [
        96.0, 92.0, 100.0, 120.0, 88.0, 80.0, 77.0, 70.0, 69.0, 55.0, 40.0, 95.0, 91.0, 101.0,
    ]
    .into_iter()
    .map(persen)
    .chain([
        Capaian::BelumDilaporkan,
        Capaian::BelumDilaporkan,
        Capaian::BelumDilaporkan,
        Capaian::Melampaui,
    ])
    .collect();
    let dist = distribution_chart(&Distribution::of_capaian(
        "Sebaran predikat capaian indikator, Tahun 2025",
        &bands,
        &capaian,
    ));
    let empty = bar_chart(&BarChart {
        title: "Capaian sasaran per unit kerja".into(),
        ..BarChart::default()
    });

    let heat = heat_tree(&bands);

    for (name, svg) in [
        ("heat-tree.svg", heat),
        ("bar-chart.svg", bar),
        ("line-chart.svg", line),
        ("line-chart-percent.svg", line_percent),
        ("distribution-chart.svg", dist),
        ("empty-chart.svg", empty),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, svg).expect("write the chart");
        eprintln!("{}", path.display());
    }
}

/// The demo tree with a made-up capaian per objective: tinted by predicate, with a badge.
fn heat_tree(bands: &PredicateBands) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/demo/dpmptsp-naker.yaml"
    );
    let text = std::fs::read_to_string(path).expect("demo file");
    let org = pokin_import::yaml::from_yaml(&text).expect("valid demo");
    let mut opts = PohonOptions {
        legend: predicate_legend(bands, predicate_tint),
        ..PohonOptions::default()
    };
    let n = bands.bands().len();
    let mut seed = 7u64;
    for u in &org.units {
        for o in &u.objectives {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (u.key.clone(), o.code.clone());
            if seed.is_multiple_of(7) {
                opts.fills.insert(k.clone(), predicate_tint(None, n).into());
                opts.badges.insert(k, "belum dilaporkan".into());
                continue;
            }
            let v = 40.0 + ((seed >> 33) % 8000) as f64 / 100.0;
            let p = bands.classify(v).expect("a number");
            opts.fills
                .insert(k.clone(), predicate_tint(Some(p.level), n).into());
            let support = v * 0.9 + 12.0;
            opts.badges.insert(
                k,
                format!(
                    "{}% · dukungan {}%",
                    pokin_domain::format::number(v, 2),
                    pokin_domain::format::number(support, 2)
                ),
            );
        }
    }
    render_svg(&org, &opts)
}
