//! Periods: quarters (TW I–IV) or months, their aggregation into a year, and year-to-date capaian.

use super::value::{Capaian, IndicatorRule, Realisation, capaian};
use crate::org::{Aggregation, TargetValue};
use serde::{Deserialize, Serialize};

/// How a year is divided for an indicator's Rencana Aksi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periodisation {
    /// Four quarters, TW I–IV.
    Triwulan,
    /// Twelve months.
    Bulanan,
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

impl Periodisation {
    pub fn as_str(self) -> &'static str {
        match self {
            Periodisation::Triwulan => "triwulan",
            Periodisation::Bulanan => "bulanan",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        [Periodisation::Triwulan, Periodisation::Bulanan]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    /// Periods in a year.
    pub fn count(self) -> usize {
        match self {
            Periodisation::Triwulan => 4,
            Periodisation::Bulanan => 12,
        }
    }

    /// `TW II` or `Mei` for period `n` (counted from 1); `periode n` out of range.
    pub fn label(self, n: usize) -> String {
        let name = match self {
            Periodisation::Triwulan => ROMAN.get(n.wrapping_sub(1)).map(|r| format!("TW {r}")),
            Periodisation::Bulanan => MONTHS.get(n.wrapping_sub(1)).map(|m| (*m).to_owned()),
        };
        name.unwrap_or_else(|| format!("periode {n}"))
    }

    fn labels(self, ns: &[usize]) -> String {
        ns.iter()
            .map(|n| self.label(*n))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A sum or mean that left the range of finite numbers (or an input that was not finite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("jumlah nilai periode tidak terhingga atau melampaui batas angka")]
pub struct Overflow;

/// The year's (or year-to-date) value of an indicator from its periods, `None` entries being
/// unreported periods: *kumulatif* sums the reported periods, *nilai akhir* takes the last
/// reported one, *rata-rata* their mean. `Ok(None)` when no period is reported.
pub fn aggregate(
    aggregation: Aggregation,
    values: &[Option<f64>],
) -> Result<Option<f64>, Overflow> {
    aggregate_reported(aggregation, values.iter().flatten().copied())
}

/// [`aggregate`] over the reported values only, in period order, without collecting them (the
/// iterator is walked more than once).
pub(crate) fn aggregate_reported(
    aggregation: Aggregation,
    reported: impl Iterator<Item = f64> + Clone,
) -> Result<Option<f64>, Overflow> {
    if reported.clone().any(|v| !v.is_finite()) {
        return Err(Overflow);
    }
    let Some(last) = reported.clone().last() else {
        return Ok(None);
    };
    let v = match aggregation {
        Aggregation::NilaiAkhir => last,
        Aggregation::Kumulatif => {
            let s: f64 = reported.sum();
            if !s.is_finite() {
                return Err(Overflow);
            }
            s
        }
        Aggregation::RataRata => {
            // Σ (x / n) cannot overflow where Σ x / n might; the mean lies between min and max.
            let n = reported.clone().count() as f64;
            let m: f64 = reported.clone().map(|x| x / n).sum();
            let (lo, hi) = reported.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
            m.clamp(lo, hi)
        }
    };
    Ok(Some(v))
}

/// One period of an indicator's year: its Rencana Aksi target and its realisation, either of
/// which may be missing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PeriodEntry {
    #[serde(default)]
    pub target: Option<TargetValue>,
    #[serde(default)]
    pub realisation: Option<Realisation>,
}

impl PeriodEntry {
    pub fn new(target: Option<TargetValue>, realisation: Option<Realisation>) -> Self {
        PeriodEntry {
            target,
            realisation,
        }
    }

    /// A numeric target with a numeric realisation (`None`: unreported).
    pub fn numbers(target: f64, realisation: Option<f64>) -> Self {
        PeriodEntry {
            target: Some(TargetValue::Number(target)),
            realisation: realisation.map(Realisation::Number),
        }
    }
}

/// A year-to-date capaian with what it was computed from. Periods are numbered from 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearToDate {
    pub capaian: Capaian,
    /// The aggregated target of the periods used.
    pub target: Option<TargetValue>,
    /// The aggregated realisation of the periods used.
    pub realisation: Option<Realisation>,
    /// Elapsed periods with a target and a realisation: the ones compared.
    pub used: Vec<usize>,
    /// Elapsed periods without a realisation: left out on both sides.
    pub unreported: Vec<usize>,
    /// Elapsed periods with a realisation but no target: left out on both sides.
    pub without_target: Vec<usize>,
}

/// The capaian up to and including period `elapsed` (e.g. `2` for *s.d. TW II*): the aggregate
/// of the realisations against the aggregate of the targets of the same periods — the elapsed
/// periods that have both. `periods[0]` is the first period; periods past `elapsed` are ignored.
pub fn year_to_date(
    rule: &IndicatorRule,
    aggregation: Aggregation,
    periodisation: Periodisation,
    periods: &[PeriodEntry],
    elapsed: usize,
) -> YearToDate {
    let mut used = Vec::new();
    let mut unreported = Vec::new();
    let mut without_target = Vec::new();
    let mut targets = Vec::new();
    let mut realisations = Vec::new();
    for (i, p) in periods.iter().take(elapsed).enumerate() {
        let n = i + 1;
        match (&p.target, &p.realisation) {
            (_, None) => unreported.push(n),
            (None, Some(_)) => without_target.push(n),
            (Some(t), Some(r)) => {
                used.push(n);
                targets.push(t);
                realisations.push(r);
            }
        }
    }
    let mut out = YearToDate {
        capaian: Capaian::BelumDilaporkan,
        target: None,
        realisation: None,
        used,
        unreported,
        without_target,
    };
    if out.used.is_empty() {
        if !out.without_target.is_empty() {
            out.capaian = Capaian::not_computable(format!(
                "periode yang dilaporkan ({}) tidak memiliki target",
                periodisation.labels(&out.without_target)
            ));
        }
        return out;
    }
    let target = match aggregate_targets(aggregation, &targets) {
        Ok(t) => t,
        Err(why) => {
            out.capaian = Capaian::TidakDapatDihitung(why);
            return out;
        }
    };
    let realisation = match aggregate_realisations(aggregation, &realisations) {
        Ok(r) => r,
        Err(why) => {
            out.capaian = Capaian::TidakDapatDihitung(why);
            return out;
        }
    };
    out.capaian = capaian(rule, &target, Some(&realisation));
    out.target = Some(target);
    out.realisation = Some(realisation);
    out
}

const QUALITATIVE_NOT_SUMMABLE: &str =
    "nilai kualitatif tidak dapat dijumlahkan atau dirata-ratakan; gunakan nilai akhir";

fn aggregate_targets(aggregation: Aggregation, ts: &[&TargetValue]) -> Result<TargetValue, String> {
    let qualitative = ts
        .iter()
        .filter(|t| matches!(t, TargetValue::Qualitative(_)))
        .count();
    if qualitative > 0 {
        if qualitative < ts.len() {
            return Err("target periode bercampur antara angka dan kualitatif".into());
        }
        if aggregation != Aggregation::NilaiAkhir {
            return Err(QUALITATIVE_NOT_SUMMABLE.into());
        }
        return ts
            .last()
            .map(|t| (*t).clone())
            .ok_or_else(|| "tidak ada target periode".into());
    }
    // Every target is a number or a band here.
    let bound = |lower: bool| {
        ts.iter().filter_map(move |t| match t {
            TargetValue::Number(n) => Some(*n),
            TargetValue::Range { min, max } => Some(if lower { *min } else { *max }),
            TargetValue::Qualitative(_) => None,
        })
    };
    let min = aggregate_reported(aggregation, bound(true)).map_err(|e| e.to_string())?;
    let max = aggregate_reported(aggregation, bound(false)).map_err(|e| e.to_string())?;
    let (Some(min), Some(max)) = (min, max) else {
        return Err("tidak ada target periode".into());
    };
    if ts.iter().all(|t| matches!(t, TargetValue::Number(_))) {
        Ok(TargetValue::Number(min))
    } else {
        Ok(TargetValue::Range { min, max })
    }
}

fn aggregate_realisations(
    aggregation: Aggregation,
    rs: &[&Realisation],
) -> Result<Realisation, String> {
    let count = rs
        .iter()
        .filter(|r| matches!(r, Realisation::Number(_)))
        .count();
    if count == rs.len() {
        let numbers = rs.iter().filter_map(|r| match r {
            Realisation::Number(n) => Some(*n),
            Realisation::Qualitative(_) => None,
        });
        return match aggregate_reported(aggregation, numbers).map_err(|e| e.to_string())? {
            Some(v) => Ok(Realisation::Number(v)),
            None => Err("tidak ada realisasi periode".into()),
        };
    }
    if count > 0 {
        return Err("realisasi periode bercampur antara angka dan kualitatif".into());
    }
    if aggregation != Aggregation::NilaiAkhir {
        return Err(QUALITATIVE_NOT_SUMMABLE.into());
    }
    rs.last()
        .map(|r| (*r).clone())
        .ok_or_else(|| "tidak ada realisasi periode".into())
}
