//! The capaian of one realisation against one target (rules in the [module docs](super)).

use super::predicate::{Predicate, PredicateBands};
use super::scale::{OrdinalScale, ordinal};
use crate::format;
use crate::org::{Indicator, Polarity, TargetValue};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A finite percentage, never negative: the only number a [`Capaian`] carries.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Percent(f64);

impl Percent {
    pub const ZERO: Percent = Percent(0.0);
    pub const HUNDRED: Percent = Percent(100.0);

    /// `None` unless `v` is finite and ≥ 0.
    pub fn new(v: f64) -> Option<Percent> {
        // `+ 0.0` turns -0.0 into 0.0.
        (v.is_finite() && v >= 0.0).then_some(Percent(v + 0.0))
    }

    pub fn get(self) -> f64 {
        self.0
    }

    /// The value as displayed: rounded to two decimals exactly as [`fmt::Display`] shows it.
    /// Predicates are chosen from this value.
    pub fn displayed(self) -> f64 {
        displayed(self.0)
    }
}

/// `v` rounded to two decimals the way `format!("{:.2}")` (and so [`format::number`]) rounds it.
pub(crate) fn displayed(v: f64) -> f64 {
    format!("{v:.2}").parse().unwrap_or(v)
}

impl fmt::Display for Percent {
    /// `80,00%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", format::number(self.0, 2))
    }
}

/// The achievement of one indicator (or the roll-up of several).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "nilai", rename_all = "snake_case")]
pub enum Capaian {
    /// A computed percentage.
    Persen(Percent),
    /// The realisation passed the target where no ratio exists (a zero target exceeded, a
    /// lower-is-better realisation at or below zero, a ratio too large to represent). Counts
    /// as the [`Ceiling`](super::Ceiling) in roll-ups and earns the highest predicate.
    Melampaui,
    /// No realisation yet. Not 0.
    BelumDilaporkan,
    /// The inputs do not allow a capaian; the reason is in Indonesian.
    TidakDapatDihitung(String),
}

impl Capaian {
    /// A percentage, or a miss (0) or [`Capaian::Melampaui`] when `v` is infinite.
    /// (`v` is never NaN here: every caller divides finite numbers by a non-zero finite number.)
    pub(crate) fn from_f64(v: f64) -> Capaian {
        if v == f64::INFINITY {
            Capaian::Melampaui
        } else if let Some(p) = Percent::new(v) {
            Capaian::Persen(p)
        } else if v.is_nan() {
            Capaian::TidakDapatDihitung("hasil perhitungan tidak terdefinisi".into())
        } else {
            // Negative, including -inf: floored at 0.
            Capaian::Persen(Percent::ZERO)
        }
    }

    pub(crate) fn not_computable(reason: impl Into<String>) -> Capaian {
        Capaian::TidakDapatDihitung(reason.into())
    }

    /// The percentage, if one was computed.
    pub fn persen(&self) -> Option<f64> {
        match self {
            Capaian::Persen(p) => Some(p.get()),
            _ => None,
        }
    }

    /// The number to show or chart: the percentage, `ceiling` for [`Capaian::Melampaui`], `None`
    /// otherwise (JSON `null`).
    pub fn numeric(&self, ceiling: super::Ceiling) -> Option<f64> {
        match self {
            Capaian::Persen(p) => Some(p.get()),
            Capaian::Melampaui => Some(ceiling.get()),
            _ => None,
        }
    }

    /// The machine name of its kind, as in its JSON `status` tag: `persen`, `melampaui`,
    /// `belum_dilaporkan`, `tidak_dapat_dihitung`.
    pub fn status_code(&self) -> &'static str {
        match self {
            Capaian::Persen(_) => "persen",
            Capaian::Melampaui => "melampaui",
            Capaian::BelumDilaporkan => "belum_dilaporkan",
            Capaian::TidakDapatDihitung(_) => "tidak_dapat_dihitung",
        }
    }

    /// Whether a realisation was reported (even if the capaian could not be computed).
    pub fn is_reported(&self) -> bool {
        !matches!(self, Capaian::BelumDilaporkan)
    }

    /// The predicate, for a percentage or [`Capaian::Melampaui`] (the highest band).
    pub fn predicate<'b>(&self, bands: &'b PredicateBands) -> Option<Predicate<'b>> {
        match self {
            Capaian::Persen(p) => Some(bands.classify_percent(*p)),
            Capaian::Melampaui => Some(bands.highest()),
            _ => None,
        }
    }

    /// A short value: `87,50%`, `melampaui target`, `belum dilaporkan`, `tidak dapat dihitung`
    /// (the reason is in [`Capaian::describe`]).
    pub fn short(&self) -> String {
        match self {
            Capaian::TidakDapatDihitung(_) => "tidak dapat dihitung".into(),
            other => other.to_string(),
        }
    }

    /// `80,00% (Tinggi)`, `melampaui target (Sangat Tinggi)`, `belum dilaporkan`.
    pub fn describe(&self, bands: &PredicateBands) -> String {
        match self.predicate(bands) {
            Some(p) => format!("{self} ({})", p.label),
            None => self.to_string(),
        }
    }

    /// An order for comparisons in tests and sorting: the percentage, `+∞` for
    /// [`Capaian::Melampaui`], `None` for the rest.
    pub fn order_key(&self) -> Option<f64> {
        match self {
            Capaian::Persen(p) => Some(p.get()),
            Capaian::Melampaui => Some(f64::INFINITY),
            _ => None,
        }
    }
}

impl fmt::Display for Capaian {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capaian::Persen(p) => write!(f, "{p}"),
            Capaian::Melampaui => f.write_str("melampaui target"),
            Capaian::BelumDilaporkan => f.write_str("belum dilaporkan"),
            Capaian::TidakDapatDihitung(why) => write!(f, "tidak dapat dihitung: {why}"),
        }
    }
}

/// Which formula a lower-is-better indicator uses (chosen per indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NegativeFormula {
    /// `(2T − R) / T × 100`, floored at 0 (PermenPAN-RB 6/2022 "kondisi khusus"). The default.
    #[default]
    Deviation,
    /// `T / R × 100`.
    Inverse,
}

impl NegativeFormula {
    pub fn as_str(self) -> &'static str {
        match self {
            NegativeFormula::Deviation => "deviation",
            NegativeFormula::Inverse => "inverse",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        [NegativeFormula::Deviation, NegativeFormula::Inverse]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
    /// The formula as a planner writes it.
    pub fn label(self) -> &'static str {
        match self {
            NegativeFormula::Deviation => "(2 × target − realisasi) / target × 100",
            NegativeFormula::Inverse => "target / realisasi × 100",
        }
    }
}

/// A realisation: a number, or a qualitative value such as `WTP`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Realisation {
    Number(f64),
    Qualitative(String),
}

/// How an indicator's capaian is computed: its polarity, the negative formula, and for
/// qualitative targets the ordinal scale (`None`: recognise Opini BPK or predikat SAKIP).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRule {
    pub polarity: Polarity,
    pub negative_formula: NegativeFormula,
    pub scale: Option<OrdinalScale>,
}

impl Default for IndicatorRule {
    /// Positive polarity, the deviation formula, scale recognised from the values.
    fn default() -> Self {
        IndicatorRule::new(Polarity::Positive)
    }
}

impl IndicatorRule {
    pub fn new(polarity: Polarity) -> Self {
        IndicatorRule {
            polarity,
            negative_formula: NegativeFormula::default(),
            scale: None,
        }
    }

    /// The rule for an indicator: its polarity, positive where none is recorded.
    pub fn for_indicator(indicator: &Indicator) -> Self {
        IndicatorRule::new(indicator.polarity.unwrap_or(Polarity::Positive))
    }

    pub fn with_negative_formula(mut self, f: NegativeFormula) -> Self {
        self.negative_formula = f;
        self
    }

    pub fn with_scale(mut self, scale: OrdinalScale) -> Self {
        self.scale = Some(scale);
        self
    }
}

/// The capaian of `realisation` against `target` under `rule`; `None` is
/// [`Capaian::BelumDilaporkan`].
pub fn capaian(
    rule: &IndicatorRule,
    target: &TargetValue,
    realisation: Option<&Realisation>,
) -> Capaian {
    let Some(realisation) = realisation else {
        return Capaian::BelumDilaporkan;
    };
    match (target, realisation) {
        (TargetValue::Qualitative(t), Realisation::Qualitative(r)) => match &rule.scale {
            Some(scale) => ordinal(scale, t, r),
            None => match OrdinalScale::builtin_for(t, r) {
                Some(scale) => ordinal(&scale, t, r),
                None => Capaian::not_computable(format!(
                    "skala nilai untuk target '{}' dan realisasi '{}' tidak dikenal",
                    t.trim(),
                    r.trim()
                )),
            },
        },
        (TargetValue::Qualitative(t), Realisation::Number(_)) => Capaian::not_computable(format!(
            "target kualitatif '{}' tetapi realisasi berupa angka",
            t.trim()
        )),
        (_, Realisation::Qualitative(r)) => Capaian::not_computable(format!(
            "target berupa angka tetapi realisasi kualitatif '{}'",
            r.trim()
        )),
        (TargetValue::Number(t), Realisation::Number(r)) => match rule.polarity {
            Polarity::Positive => higher_is_better(*t, *r),
            Polarity::Negative => lower_is_better(*t, *r, rule.negative_formula),
            Polarity::Range => range_band(*t, *t, *r),
        },
        (TargetValue::Range { min, max }, Realisation::Number(r)) => match rule.polarity {
            Polarity::Range => range_band(*min, *max, *r),
            p => range_directed(p, rule.negative_formula, *min, *max, *r),
        },
    }
}

fn check_finite(t: f64, r: f64) -> Option<Capaian> {
    if !t.is_finite() {
        Some(Capaian::not_computable("target bukan angka terhingga"))
    } else if !r.is_finite() {
        Some(Capaian::not_computable("realisasi bukan angka terhingga"))
    } else {
        None
    }
}

/// Positive polarity: `R / T × 100` (for `T < 0`: `100 + (R − T)/|T| × 100`); `T = 0`:
/// `R = 0` → 100, `R > 0` → melampaui, `R < 0` → 0. Floored at 0.
pub fn higher_is_better(target: f64, realisation: f64) -> Capaian {
    if let Some(c) = check_finite(target, realisation) {
        return c;
    }
    toward_higher(target, realisation)
}

/// Negative polarity with the chosen formula (see [`NegativeFormula`] and the module docs).
pub fn lower_is_better(target: f64, realisation: f64, formula: NegativeFormula) -> Capaian {
    if let Some(c) = check_finite(target, realisation) {
        return c;
    }
    match formula {
        NegativeFormula::Deviation => toward_lower(target, realisation),
        NegativeFormula::Inverse => inverse(target, realisation),
    }
}

/// A band to stay in (polarity *rentang*): 100 inside `[min, max]`; below, the positive
/// formula against `min`; above, the negative (deviation) formula against `max`, floored at 0.
pub fn range_band(min: f64, max: f64, realisation: f64) -> Capaian {
    if let Some(c) = check_range(min, max, realisation) {
        return c;
    }
    if realisation < min {
        toward_higher(min, realisation)
    } else if realisation > max {
        toward_lower(max, realisation)
    } else {
        Capaian::Persen(Percent::HUNDRED)
    }
}

/// A range target on a positive or negative indicator (PermenPAN-RB 6/2022): 100 inside; outside,
/// the indicator's own formula against the bound on the realisation's side (the upper bound when
/// the realisation is above, the lower bound when below). `Polarity::Range` gives [`range_band`].
pub fn range_directed(
    polarity: Polarity,
    formula: NegativeFormula,
    min: f64,
    max: f64,
    realisation: f64,
) -> Capaian {
    if let Some(c) = check_range(min, max, realisation) {
        return c;
    }
    let bound = if realisation < min {
        min
    } else if realisation > max {
        max
    } else {
        return Capaian::Persen(Percent::HUNDRED);
    };
    match polarity {
        Polarity::Positive => toward_higher(bound, realisation),
        Polarity::Negative => lower_is_better(bound, realisation, formula),
        Polarity::Range => range_band(min, max, realisation),
    }
}

fn check_range(min: f64, max: f64, r: f64) -> Option<Capaian> {
    if !min.is_finite() || !max.is_finite() {
        Some(Capaian::not_computable(
            "batas rentang bukan angka terhingga",
        ))
    } else if min > max {
        Some(Capaian::not_computable(format!(
            "batas bawah {} lebih besar dari batas atas {}",
            format::number_trimmed(min, 4),
            format::number_trimmed(max, 4)
        )))
    } else {
        check_finite(min, r)
    }
}

/// Higher is better, finite inputs.
fn toward_higher(t: f64, r: f64) -> Capaian {
    if t == 0.0 {
        return if r > 0.0 {
            Capaian::Melampaui
        } else if r == 0.0 {
            Capaian::Persen(Percent::HUNDRED)
        } else {
            Capaian::Persen(Percent::ZERO)
        };
    }
    if t > 0.0 {
        Capaian::from_f64(r / t * 100.0)
    } else {
        // (R − T)/|T| = R/|T| + 1, without computing R − T (which may overflow).
        Capaian::from_f64(100.0 + (r / -t + 1.0) * 100.0)
    }
}

/// Lower is better, `(2T − R)/T`, finite inputs.
fn toward_lower(t: f64, r: f64) -> Capaian {
    if t == 0.0 {
        return if r < 0.0 {
            Capaian::Melampaui
        } else if r == 0.0 {
            Capaian::Persen(Percent::HUNDRED)
        } else {
            Capaian::Persen(Percent::ZERO)
        };
    }
    if t > 0.0 {
        Capaian::from_f64(200.0 - r / t * 100.0)
    } else {
        Capaian::from_f64(100.0 - (r / -t + 1.0) * 100.0)
    }
}

/// Lower is better, `T / R`, finite inputs.
fn inverse(t: f64, r: f64) -> Capaian {
    if t < 0.0 {
        return Capaian::not_computable(
            "rumus target / realisasi tidak berlaku untuk target negatif",
        );
    }
    if r > 0.0 {
        Capaian::from_f64(t / r * 100.0)
    } else if r == 0.0 && t == 0.0 {
        Capaian::Persen(Percent::HUNDRED)
    } else {
        // R ≤ 0 against T ≥ 0 (not both zero): lower than any ratio can express.
        Capaian::Melampaui
    }
}
