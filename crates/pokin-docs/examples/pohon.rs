//! Renders an organisation's pohon kinerja to SVG and times it.
//!
//! ```sh
//! cargo run --release -p pokin-docs --example pohon -- data/demo/dpmptsp-naker.yaml /tmp/pohon.svg
//! cargo run --release -p pokin-docs --example pohon -- --synthetic 2000 /tmp/big.svg
//! ```
//! Further arguments `--collapse KEY` fold units; `--no-indicators` hides indicators.

use pokin_docs::pohon::{PohonOptions, layout, render_svg};
use pokin_domain::{
    Code, Indicator, Objective, Organisation, OrganisationDraft, Support, Unit, UnitKey, UnitKind,
};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = PohonOptions::default();
    let mut positional = Vec::new();
    let mut synthetic = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--collapse" => {
                let k = it.next().expect("--collapse KEY");
                opts.collapsed.insert(UnitKey::parse(k).expect("unit key"));
            }
            "--no-indicators" => opts.show_indicators = false,
            "--synthetic" => {
                synthetic = Some(it.next().expect("count").parse::<usize>().expect("count"))
            }
            _ => positional.push(a.clone()),
        }
    }
    let (org, out) = match synthetic {
        Some(n) => (synthetic_org(n), positional.first().cloned()),
        None => {
            let text = std::fs::read_to_string(&positional[0]).expect("read input");
            let org = pokin_import::yaml::from_yaml(&text).expect("valid YAML");
            (org, positional.get(1).cloned())
        }
    };
    let svg = render_svg(&org, &opts);
    let runs = if org.units.len() > 500 { 20 } else { 500 };
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(layout(&org, &opts));
    }
    let lay = t.elapsed() / runs;
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(render_svg(&org, &opts));
    }
    let ren = t.elapsed() / runs;
    eprintln!(
        "{} units: layout {:?}, render_svg {:?} (mean of {runs}); {} bytes",
        org.units.len(),
        lay,
        ren,
        svg.len()
    );
    if let Some(out) = out {
        std::fs::write(out, svg).expect("write output");
    }
}

/// A tree of `n` units: a head, then Bidang of 3–12 Seksi each, some Seksi with sub-units,
/// two objectives with two indicators per unit, each objective supporting its parent's.
fn synthetic_org(n: usize) -> Organisation {
    let mut units: Vec<Unit> = Vec::with_capacity(n);
    let mut seed = 12345u64;
    let mut rnd = move |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    for i in 0..n {
        let parent = match i {
            0 => None,
            _ if i < 8 => Some(0),
            _ => Some(1 + rnd(i - 1)),
        };
        let key = UnitKey::parse(&format!("unit-{i}")).unwrap();
        let objectives = (1..=2)
            .map(|o| Objective {
                code: Code::parse(&format!("SS{o}")).unwrap(),
                statement: format!(
                    "Meningkatnya kualitas layanan nomor {i} bagian {o} bagi masyarakat"
                ),
                supports: parent
                    .map(|p| Support {
                        unit: UnitKey::parse(&format!("unit-{p}")).unwrap(),
                        objective: Code::parse("SS1").unwrap(),
                        weight: 1.0,
                    })
                    .into_iter()
                    .collect(),
                indicators: (1..=2)
                    .map(|k| Indicator {
                        satuan: Some("%".into()),
                        ..Indicator::new(
                            Code::parse(&format!("IK{o}.{k}")).unwrap(),
                            format!("Persentase capaian kegiatan {i} bagian {o}.{k}"),
                        )
                    })
                    .collect(),
            })
            .collect();
        units.push(Unit {
            key,
            name: format!("Unit Kerja Nomor {i}"),
            kind: if i == 0 {
                UnitKind::Kepala
            } else {
                UnitKind::Seksi
            },
            parent: parent.map(|p| UnitKey::parse(&format!("unit-{p}")).unwrap()),
            officials: Vec::new(),
            objectives,
        });
    }
    OrganisationDraft {
        programs: Vec::new(),
        name: "Organisasi Sintetis".into(),
        title: None,
        demo: false,
        renstra: None,
        units,
    }
    .validate()
    .expect("synthetic organisation is valid")
}
