//! `pokin hitung` (one capaian by hand) and `pokin capaian` (an organisation's capaian).

use crate::{ParseFormat, Polaritas, RumusNegatif};
use anyhow::{Result, bail};
use pokin_domain::capaian::{
    Capaian, Ceiling, IndicatorRule, NegativeFormula, PredicateBands, Realisation, capaian,
};
use pokin_domain::format::{self, parse_number, parse_value};
use pokin_domain::measure::{Span, measure_organisation};
use pokin_domain::{Organisation, Polarity, TargetValue};
use pokin_store::Store;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

/// `pokin hitung`: prints `capaian 80,00% (Tinggi)` with the default predicate bands.
pub fn hitung(
    target: Option<&str>,
    realisasi: &str,
    polaritas: Polaritas,
    rentang: Option<&str>,
    rumus: RumusNegatif,
) -> Result<ExitCode> {
    let target = match (rentang, target) {
        (Some(r), _) => match parse_value(r).map_err(anyhow::Error::msg)? {
            Some(t @ TargetValue::Range { .. }) => t,
            Some(TargetValue::Number(n)) => TargetValue::Range { min: n, max: n },
            _ => bail!("--rentang harus berupa dua angka, misalnya 80-90 atau 7,5–8"),
        },
        (None, Some(t)) => match parse_value(t).map_err(anyhow::Error::msg)? {
            Some(t) => t,
            None => bail!("--target kosong"),
        },
        (None, None) => bail!("sebutkan --target ANGKA atau --rentang A-B"),
    };
    let realisation = match parse_number(realisasi) {
        Some(n) => Realisation::Number(n),
        None => match parse_value(realisasi).map_err(anyhow::Error::msg)? {
            Some(TargetValue::Qualitative(q)) => Realisation::Qualitative(q),
            Some(_) => bail!("--realisasi harus satu angka atau satu nilai kualitatif"),
            None => bail!("--realisasi kosong"),
        },
    };
    let polarity = match polaritas {
        Polaritas::Positif => Polarity::Positive,
        Polaritas::Negatif => Polarity::Negative,
        Polaritas::Rentang => Polarity::Range,
    };
    let formula = match rumus {
        RumusNegatif::Deviasi => NegativeFormula::Deviation,
        RumusNegatif::Kebalikan => NegativeFormula::Inverse,
    };
    let rule = IndicatorRule::new(polarity).with_negative_formula(formula);
    let c = capaian(&rule, &target, Some(&realisation));
    println!("capaian {}", c.describe(&PredicateBands::default()));
    Ok(match c {
        Capaian::TidakDapatDihitung(_) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

/// `pokin capaian`: every indicator, objective and unit of an organisation for a year or up
/// to a quarter, from verified realisations, with the organisation's bands and ceiling.
pub async fn capaian_report(
    store: &Store,
    org_id: i64,
    org: &Organisation,
    tahun: i32,
    triwulan: Option<u8>,
    format: ParseFormat,
) -> Result<ExitCode> {
    let span = triwulan.map_or(Span::Year, Span::UpToQuarter);
    let settings = store.measure_settings(org_id).await?;
    let data = store.year_measurements(org_id, tahun).await?;
    let m = measure_organisation(org, tahun, span, &data.verified, &settings);
    let bands = &settings.bands;
    let ceiling = settings.ceiling;
    let mut out = String::new();
    match format {
        ParseFormat::Text => {
            writeln!(out, "Capaian {} — {}", org.name, span.label(tahun))?;
            for u in &org.units {
                let Some(uc) = m.roll_up.unit(&u.key) else {
                    continue;
                };
                writeln!(
                    out,
                    "\n{} [{}]: {}",
                    u.name,
                    u.key,
                    uc.capaian().describe(bands)
                )?;
                for o in &u.objectives {
                    let Some(oc) = uc.objective(&o.code) else {
                        continue;
                    };
                    let support = oc
                        .supporters
                        .as_ref()
                        .map(|s| format!("; dukungan {}", s.capaian.describe(bands)))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "  {} {}: {}{support}",
                        o.code,
                        o.statement,
                        oc.capaian().describe(bands)
                    )?;
                    for i in &o.indicators {
                        let Some(im) = m.indicator(&u.key, &i.code) else {
                            continue;
                        };
                        let satuan = i.satuan.as_deref();
                        let t = im
                            .target
                            .as_ref()
                            .map(|t| format::target(t, satuan, i.decimals))
                            .unwrap_or_else(|| "—".into());
                        let r = im
                            .realisation
                            .as_ref()
                            .map(|r| realisation_text(r, satuan, i.decimals))
                            .unwrap_or_else(|| "—".into());
                        writeln!(
                            out,
                            "    {} {}: target {t}, realisasi {r} → {}",
                            i.code,
                            i.name,
                            im.capaian.describe(bands)
                        )?;
                    }
                }
            }
        }
        ParseFormat::Json => {
            let units: Vec<Value> = org
                .units
                .iter()
                .filter_map(|u| {
                    let uc = m.roll_up.unit(&u.key)?;
                    let objectives: Vec<Value> = u
                        .objectives
                        .iter()
                        .filter_map(|o| {
                            let oc = uc.objective(&o.code)?;
                            let indicators: Vec<Value> = o
                                .indicators
                                .iter()
                                .filter_map(|i| {
                                    let im = m.indicator(&u.key, &i.code)?;
                                    let mut v = capaian_json(&im.capaian, bands, ceiling);
                                    v["kode"] = json!(i.code.as_str());
                                    v["nama"] = json!(i.name);
                                    v["target"] = json!(im.target);
                                    v["realisasi"] = json!(im.realisation);
                                    Some(v)
                                })
                                .collect();
                            let mut v = capaian_json(oc.capaian(), bands, ceiling);
                            v["kode"] = json!(o.code.as_str());
                            v["sasaran"] = json!(o.statement);
                            v["dukungan"] = json!(
                                oc.supporters
                                    .as_ref()
                                    .and_then(|s| s.capaian.numeric(ceiling))
                            );
                            v["indikator"] = json!(indicators);
                            Some(v)
                        })
                        .collect();
                    let mut v = capaian_json(uc.capaian(), bands, ceiling);
                    v["unit"] = json!(u.key.as_str());
                    v["nama"] = json!(u.name);
                    v["sasaran"] = json!(objectives);
                    Some(v)
                })
                .collect();
            let json_out = json!({
                "organisasi": org.name,
                "tahun": tahun,
                "triwulan": triwulan,
                "batas_atas": ceiling.get(),
                "unit": units,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&json_out)?)?;
        }
    }
    // A reader that stops early (`| head`) is not an error.
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The JSON of one capaian: `capaian` (number or null), `status`, `predikat`, `teks`.
fn capaian_json(c: &Capaian, bands: &PredicateBands, ceiling: Ceiling) -> Value {
    json!({
        "capaian": c.numeric(ceiling),
        "status": c.status_code(),
        "predikat": c.predicate(bands).map(|p| p.label.to_owned()),
        "teks": c.describe(bands),
    })
}

pub(crate) fn realisation_text(
    r: &Realisation,
    satuan: Option<&str>,
    decimals: Option<u8>,
) -> String {
    match r {
        Realisation::Number(n) => format::target(&TargetValue::Number(*n), satuan, decimals),
        Realisation::Qualitative(q) => q.clone(),
    }
}
