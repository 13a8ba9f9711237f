//! Rencana Aksi targets per quarter and the operators' realisations, in workflow states.
//!
//! Quarterly targets follow the demo agency's rules (`crates/pokin/src/demo.rs`): a *kumulatif*
//! indicator's year target is split over the quarters (the quarters add up to the year exactly),
//! a *nilai akhir* level climbs from last year's target to this year's, a *rata-rata* level and a
//! band or qualitative target hold in every quarter. Realisations are per quarter (not running
//! totals), so [`pokin_domain::measure::indicator_measure`] aggregates them as it would real ones.
//!
//! Each indicator has a performance profile (most land at 90–107 % of target, some above, some
//! well below), drifting a little per year and per quarter, so capaian spreads over every
//! predicate band.

use crate::rng::Rng;
use crate::tree::round;
use crate::{LAST_QUARTER, RENSTRA_END, RENSTRA_START, SyntheticRealisation};
use pokin_domain::capaian::{OrdinalScale, Periodisation, Realisation};
use pokin_domain::measure::{IndicatorKey, Period, Status};
use pokin_domain::{Aggregation, Indicator, Polarity, TargetValue};

/// Cumulative share of a year's count reached by the end of each quarter.
const CUMULATIVE_SHARE: [f64; 4] = [0.2, 0.45, 0.7, 1.0];

/// The Rencana Aksi targets of one year: quarter 1–4.
fn quarter_targets(ind: &Indicator, year: i32) -> Option<[TargetValue; 4]> {
    let target = ind.targets.get(&year)?;
    let decimals = ind.decimals.unwrap_or(2);
    let aggregation = ind.aggregation.unwrap_or(Aggregation::NilaiAkhir);
    let previous = ind
        .targets
        .get(&(year - 1))
        .or(ind.baseline.as_ref())
        .and_then(|t| match t {
            TargetValue::Number(n) => Some(*n),
            _ => None,
        });
    let quarter = |q: usize| -> TargetValue {
        match target {
            TargetValue::Number(t) => TargetValue::Number(match aggregation {
                Aggregation::Kumulatif => {
                    let before = if q == 0 {
                        0.0
                    } else {
                        round(t * CUMULATIVE_SHARE[q - 1], decimals)
                    };
                    round(round(t * CUMULATIVE_SHARE[q], decimals) - before, decimals)
                }
                Aggregation::NilaiAkhir => {
                    let start = previous.unwrap_or(*t);
                    round(start + (t - start) * (q + 1) as f64 / 4.0, decimals)
                }
                Aggregation::RataRata => *t,
            }),
            other => other.clone(),
        }
    };
    Some([quarter(0), quarter(1), quarter(2), quarter(3)])
}

/// How well an indicator does, as a share of its target: most near 100 %, some above, some
/// below, a few far below.
fn profile(rng: &mut Rng) -> f64 {
    match rng.below(100) {
        0..=67 => rng.uniform(0.9, 1.07),
        68..=79 => rng.uniform(1.05, 1.3),
        80..=93 => rng.uniform(0.68, 0.9),
        _ => rng.uniform(0.25, 0.65),
    }
}

/// What the operator reports for a quarter whose Rencana Aksi target is `target`, doing at
/// `share` of it.
fn realise(ind: &Indicator, target: &TargetValue, share: f64, rng: &mut Rng) -> Realisation {
    let decimals = ind.decimals.unwrap_or(2);
    let percent = ind.satuan.as_deref() == Some("%");
    match target {
        TargetValue::Number(t) => {
            let v = match ind.polarity {
                Some(Polarity::Negative) => t * (2.0 - share),
                _ => t * share,
            };
            let v = if percent {
                v.clamp(0.0, 100.0)
            } else {
                v.max(0.0)
            };
            Realisation::Number(round(v, decimals))
        }
        TargetValue::Range { min, max } => {
            let width = max - min;
            let v = if share >= 0.9 {
                rng.uniform(min + 0.1 * width, max - 0.1 * width)
            } else if rng.chance(0.5) {
                rng.uniform(*max, max + width * (1.0 - share))
            } else {
                rng.uniform(min - width * (1.0 - share), *min)
            };
            Realisation::Number(round(v, decimals))
        }
        TargetValue::Qualitative(t) => {
            let lower = OrdinalScale::builtin_for(t, t).and_then(|scale| {
                let rank = scale.rank(t)?;
                (rank >= 2).then(|| scale.levels()[rank - 2].clone())
            });
            match lower {
                Some(l) if share < 0.9 => Realisation::Qualitative(l),
                _ => Realisation::Qualitative(t.clone()),
            }
        }
    }
}

/// The workflow state of a realisation of `year` quarter `q`, `None` when nothing was entered.
/// Up to [`RENSTRA_END`] TW I everything is verified (a few missing); TW II is mostly verified,
/// some still submitted; TW III ([`LAST_QUARTER`]) is being worked on.
fn status(year: i32, q: u8, rng: &mut Rng) -> Option<Status> {
    let roll = rng.below(100);
    if year < RENSTRA_END || q == 1 {
        return (roll >= 2).then_some(Status::Diverifikasi);
    }
    match (q, roll) {
        (2, 0..=1) => None,
        (2, 2..=11) => Some(Status::Diajukan),
        (2, _) => Some(Status::Diverifikasi),
        (_, 0..=24) => None,
        (_, 25..=54) => Some(Status::Draft),
        (_, 55..=84) => Some(Status::Diajukan),
        _ => Some(Status::Dikembalikan),
    }
}

/// The Rencana Aksi targets and realisations of one indicator, appended to `targets` and
/// `realisations`.
pub(crate) fn indicator_values(
    ind: &Indicator,
    key: &IndicatorKey,
    operator: &str,
    rng: &mut Rng,
    targets: &mut Vec<(IndicatorKey, Period, TargetValue)>,
    realisations: &mut Vec<SyntheticRealisation>,
) {
    let share = profile(rng);
    for year in RENSTRA_START..=RENSTRA_END {
        let Some(quarters) = quarter_targets(ind, year) else {
            continue;
        };
        let year_share = share * rng.uniform(0.94, 1.06);
        let last = if year == RENSTRA_END { LAST_QUARTER } else { 4 };
        for (i, target) in quarters.into_iter().enumerate() {
            let q = i as u8 + 1;
            let period = Period {
                year,
                periodisation: Periodisation::Triwulan,
                n: q,
            };
            if q <= last
                && let Some(status) = status(year, q, rng)
            {
                let value = realise(ind, &target, year_share * rng.uniform(0.97, 1.03), rng);
                let return_reason = (status == Status::Dikembalikan)
                    .then(|| (*rng.pick(crate::catalogue::RETURN_REASONS)).to_owned());
                realisations.push(SyntheticRealisation {
                    indicator: key.clone(),
                    period,
                    value,
                    status,
                    return_reason,
                    updated_by: operator.to_owned(),
                });
            }
            targets.push((key.clone(), period, target));
        }
    }
}
