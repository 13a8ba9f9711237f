//! How long one Perjanjian Kinerja takes to build and render, against the PDF engine's floor
//! (an empty one-page document) measured in the same run. Typst memoizes across compilations:
//! "dingin" empties its cache before every round (a new document each time), "hangat" keeps it
//! (the same document requested again). Run by `scripts/bench-documents`:
//!
//! cargo run --release -p pokin-docs --example bench_pk -- [ROUNDS]

use pokin_docs::pdf;
use pokin_domain::document::{DocumentSettings, perjanjian_kinerja};
use pokin_domain::{Organisation, UnitKey};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/demo/dpmptsp-naker.yaml"
    ))
    .expect("demo file");
    let org: Organisation = pokin_import::yaml::from_yaml(&text).expect("demo is valid");
    let settings = DocumentSettings {
        region: "Kabupaten Sukamaju".into(),
        place: "Sukamaju".into(),
        head_title: "Bupati Sukamaju".into(),
        head_name: "H. Ahmad Fauzi, S.H., M.Si.".into(),
    };
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
    let plans = HashMap::new();
    let units = [
        "kepala-dinas",
        "seksi-pelatihan-dan-produktifitas-tenaga-kerja",
    ];

    // Warm up: fonts parsed, library built (once per process).
    let floor_doc = "#set page(paper: \"a4\")\n#let d = json(\"/data.json\")\n#d.x";
    pdf::render(floor_doc, &serde_json::json!({"x": "."}), vec![], "floor").unwrap();

    println!("| dokumen | cache | putaran | p50 | p99 | rasio p50 thd. halaman kosong |");
    println!("|---|---|---:|---:|---:|---:|");
    for cold in [true, false] {
        let cache = if cold { "dingin" } else { "hangat" };
        let floor = time(rounds, cold, || {
            pdf::render(floor_doc, &serde_json::json!({"x": "."}), vec![], "floor").unwrap();
        });
        let floor_p50 = median(&floor);
        row(
            "halaman kosong (batas mesin PDF)",
            cache,
            rounds,
            &floor,
            floor_p50,
        );
        for u in units {
            let key = UnitKey::parse(u).unwrap();
            let mut bytes = 0;
            let t = time(rounds, cold, || {
                let doc = perjanjian_kinerja(&org, &key, 2026, date, &settings, &plans).unwrap();
                bytes = pokin_docs::pk::pdf(&doc).unwrap().len();
            });
            let name = format!("PK {u} ({} KB)", bytes / 1024);
            row(&name, cache, rounds, &t, floor_p50);
        }
    }
}

fn time(rounds: usize, cold: bool, mut f: impl FnMut()) -> Vec<Duration> {
    let mut out: Vec<Duration> = (0..rounds)
        .map(|_| {
            if cold {
                typst::comemo::evict(0);
            }
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    out.sort();
    out
}

fn median(d: &[Duration]) -> Duration {
    d[d.len() / 2]
}

fn row(name: &str, cache: &str, rounds: usize, d: &[Duration], floor: Duration) {
    let p99 = d[((d.len() * 99) / 100).min(d.len() - 1)];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0).replace('.', ",");
    println!(
        "| {name} | {cache} | {rounds} | {} | {} | {} |",
        ms(median(d)),
        ms(p99),
        format!("{:.1}×", median(d).as_secs_f64() / floor.as_secs_f64()).replace('.', ",")
    );
}
