//! Roll-up: indicators → objective (weighted, capped), objectives → unit, supporters beside each
//! objective. Every result says which inputs it used, which it capped and which it left out.

use super::value::{Capaian, Percent};
use crate::ids::{Code, UnitKey};
use crate::org::{Indicator, Objective, Organisation, Unit};
use serde::{Deserialize, Serialize};

/// The highest capaian an input may bring into a roll-up (default 120), so one over-achievement
/// cannot hide a miss. At least 100.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Ceiling(f64);

#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("batas atas capaian harus angka terhingga paling sedikit 100, bukan {0}")]
pub struct CeilingError(pub f64);

impl Ceiling {
    pub const DEFAULT: Ceiling = Ceiling(120.0);

    pub fn new(v: f64) -> Result<Self, CeilingError> {
        if v.is_finite() && v >= 100.0 {
            Ok(Ceiling(v))
        } else {
            Err(CeilingError(v))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for Ceiling {
    fn default() -> Self {
        Ceiling::DEFAULT
    }
}

impl TryFrom<f64> for Ceiling {
    type Error = CeilingError;
    fn try_from(v: f64) -> Result<Self, CeilingError> {
        Ceiling::new(v)
    }
}

impl From<Ceiling> for f64 {
    fn from(c: Ceiling) -> f64 {
        c.0
    }
}

/// One input of a roll-up: whose capaian, and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct RollUpInput<K> {
    pub key: K,
    pub capaian: Capaian,
    pub weight: f64,
}

impl<K> RollUpInput<K> {
    pub fn new(key: K, capaian: Capaian, weight: f64) -> Self {
        RollUpInput {
            key,
            capaian,
            weight,
        }
    }

    /// Weight 1.
    pub fn unweighted(key: K, capaian: Capaian) -> Self {
        RollUpInput::new(key, capaian, 1.0)
    }
}

/// What one input did in a roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Contribution {
    /// Counted with this value (after the ceiling); `capped` when the ceiling lowered it.
    Used { value: f64, capped: bool },
    /// Left out: nothing reported yet.
    Unreported,
    /// Left out: its capaian could not be computed.
    NotComputable { reason: String },
    /// Left out: weight 0.
    ZeroWeight,
    /// Left out: a weight that is negative or not a finite number.
    InvalidWeight,
}

impl Contribution {
    /// Why an input was left out, in Indonesian; `None` when it was used.
    pub fn exclusion_reason(&self) -> Option<String> {
        match self {
            Contribution::Used { .. } => None,
            Contribution::Unreported => Some("belum dilaporkan".into()),
            Contribution::NotComputable { reason } => {
                Some(format!("tidak dapat dihitung: {reason}"))
            }
            Contribution::ZeroWeight => Some("bobot 0".into()),
            Contribution::InvalidWeight => Some("bobot tidak sah".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollUpItem<K> {
    pub key: K,
    pub capaian: Capaian,
    pub weight: f64,
    pub contribution: Contribution,
}

/// A roll-up's result and how it came about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollUp<K> {
    pub capaian: Capaian,
    pub items: Vec<RollUpItem<K>>,
}

impl<K> RollUp<K> {
    /// Inputs in all.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// Inputs counted in the mean.
    pub fn counted(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.contribution, Contribution::Used { .. }))
            .count()
    }

    /// Inputs not reported yet.
    pub fn unreported(&self) -> impl Iterator<Item = &K> {
        self.items
            .iter()
            .filter(|i| i.contribution == Contribution::Unreported)
            .map(|i| &i.key)
    }

    /// Inputs lowered to the ceiling.
    pub fn capped(&self) -> impl Iterator<Item = &K> {
        self.items
            .iter()
            .filter(|i| matches!(i.contribution, Contribution::Used { capped: true, .. }))
            .map(|i| &i.key)
    }

    /// Inputs left out, for any reason.
    pub fn excluded(&self) -> impl Iterator<Item = &RollUpItem<K>> {
        self.items
            .iter()
            .filter(|i| !matches!(i.contribution, Contribution::Used { .. }))
    }

    /// `3 dari 4 indikator dihitung` (with `noun` = `indikator`).
    pub fn coverage(&self, noun: &str) -> String {
        format!("{} dari {} {noun} dihitung", self.counted(), self.total())
    }
}

/// The weighted mean of the inputs' capaian, each capped at `ceiling` ([`Capaian::Melampaui`]
/// counts as the ceiling). Unreported and uncomputable inputs, and weights that are 0, negative
/// or not finite, are left out and listed. The result lies between the smallest and the largest
/// value used. Nothing used: [`Capaian::BelumDilaporkan`] when every input is unreported,
/// otherwise [`Capaian::TidakDapatDihitung`].
pub fn roll_up<K>(inputs: impl IntoIterator<Item = RollUpInput<K>>, ceiling: Ceiling) -> RollUp<K> {
    let items: Vec<RollUpItem<K>> = inputs
        .into_iter()
        .map(|i| {
            let contribution = contribution(&i.capaian, i.weight, ceiling);
            RollUpItem {
                key: i.key,
                capaian: i.capaian,
                weight: i.weight,
                contribution,
            }
        })
        .collect();
    let used = items.iter().filter_map(|i| match i.contribution {
        Contribution::Used { value, .. } => Some((value, i.weight)),
        _ => None,
    });
    let capaian = if used.clone().next().is_none() {
        if items.is_empty() {
            Capaian::not_computable("tidak ada nilai untuk dirata-ratakan")
        } else if items
            .iter()
            .all(|i| i.contribution == Contribution::Unreported)
        {
            Capaian::BelumDilaporkan
        } else if items
            .iter()
            .any(|i| matches!(i.contribution, Contribution::NotComputable { .. }))
        {
            Capaian::not_computable("tidak ada nilai yang dapat dihitung")
        } else {
            Capaian::not_computable("semua nilai yang dilaporkan berbobot 0 atau tidak sah")
        }
    } else {
        Capaian::Persen(weighted_mean(used))
    };
    RollUp { capaian, items }
}

fn contribution(c: &Capaian, weight: f64, ceiling: Ceiling) -> Contribution {
    let (raw, over) = match c {
        Capaian::BelumDilaporkan => return Contribution::Unreported,
        Capaian::TidakDapatDihitung(reason) => {
            return Contribution::NotComputable {
                reason: reason.clone(),
            };
        }
        Capaian::Persen(p) => (p.get(), p.get() > ceiling.get()),
        Capaian::Melampaui => (ceiling.get(), true),
    };
    if !weight.is_finite() || weight < 0.0 {
        Contribution::InvalidWeight
    } else if weight == 0.0 {
        Contribution::ZeroWeight
    } else {
        Contribution::Used {
            value: raw.min(ceiling.get()),
            capped: over,
        }
    }
}

/// Σ wx / Σ w for finite x ≥ 0 and finite w > 0 (`used`: (x, w) pairs, walked twice), never
/// overflowing (weights are scaled by the largest first) and clamped between min and max of x
/// against rounding.
fn weighted_mean(used: impl Iterator<Item = (f64, f64)> + Clone) -> Percent {
    let w_max = used.clone().map(|(_, w)| w).fold(0.0, f64::max);
    let (mut num, mut den) = (0.0, 0.0);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, w) in used {
        let w = w / w_max;
        num += w * x;
        den += w;
        lo = lo.min(x);
        hi = hi.max(x);
    }
    let m = if den > 0.0 { num / den } else { lo };
    Percent::new(m.clamp(lo, hi)).unwrap_or(Percent::ZERO)
}

/// An objective named by its unit and code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ObjectiveRef {
    pub unit: UnitKey,
    pub objective: Code,
}

/// An objective's capaian (from its indicators) and, beside it, its supporters' mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveCapaian {
    pub code: Code,
    /// The weighted mean of its indicators, keyed by indicator code.
    pub indicators: RollUp<Code>,
    /// The mean of the objectives that support it, weighted by each link's weight; `None` when
    /// nothing supports it.
    pub supporters: Option<RollUp<ObjectiveRef>>,
}

impl ObjectiveCapaian {
    pub fn capaian(&self) -> &Capaian {
        &self.indicators.capaian
    }
}

/// A unit's capaian: the mean of its objectives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCapaian {
    pub unit: UnitKey,
    /// The mean of its objectives, keyed by objective code.
    pub roll_up: RollUp<Code>,
    pub objectives: Vec<ObjectiveCapaian>,
}

impl UnitCapaian {
    pub fn capaian(&self) -> &Capaian {
        &self.roll_up.capaian
    }

    pub fn objective(&self, code: &Code) -> Option<&ObjectiveCapaian> {
        self.objectives.iter().find(|o| &o.code == code)
    }
}

/// Capaian of every objective and unit of an organisation, in document order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganisationCapaian {
    pub ceiling: Ceiling,
    pub units: Vec<UnitCapaian>,
}

impl OrganisationCapaian {
    pub fn unit(&self, key: &UnitKey) -> Option<&UnitCapaian> {
        self.units.iter().find(|u| &u.unit == key)
    }

    pub fn objective(&self, unit: &UnitKey, code: &Code) -> Option<&ObjectiveCapaian> {
        self.unit(unit).and_then(|u| u.objective(code))
    }

    /// The organisation's overall capaian: the unweighted mean of its units.
    pub fn overall(&self) -> RollUp<UnitKey> {
        roll_up(
            self.units
                .iter()
                .map(|u| RollUpInput::unweighted(u.unit.clone(), u.capaian().clone())),
            self.ceiling,
        )
    }
}

/// Rolls an organisation up. `indicator` gives each indicator's capaian for the period wanted
/// and its weight in its objective (1 when the organisation weighs them equally); it is called
/// once per indicator, in document order.
pub fn roll_up_organisation(
    org: &Organisation,
    ceiling: Ceiling,
    mut indicator: impl FnMut(&Unit, &Objective, &Indicator) -> (Capaian, f64),
) -> OrganisationCapaian {
    // Objectives are numbered in document order; `first[u]` is unit u's first objective.
    let mut first = Vec::with_capacity(org.units.len() + 1);
    let mut n = 0;
    for u in &org.units {
        first.push(n);
        n += u.objectives.len();
    }
    first.push(n);

    // Objective capaian first, from the indicators.
    let mut own: Vec<RollUp<Code>> = Vec::with_capacity(n);
    for u in &org.units {
        for o in &u.objectives {
            let mut r = roll_up(
                o.indicators.iter().map(|i| {
                    let (c, w) = indicator(u, o, i);
                    RollUpInput::new(i.code.clone(), c, w)
                }),
                ceiling,
            );
            if r.items.is_empty() {
                r.capaian = Capaian::not_computable("sasaran belum memiliki indikator");
            }
            own.push(r);
        }
    }

    // Who supports whom, as (supported, supporter, weight) by objective number, in the order
    // of the supported objective and then of the supporters in the document. Units are found
    // by key in a sorted list (no hashing of user-chosen keys).
    let mut links: Vec<(usize, usize, f64)> = Vec::new();
    if org
        .units
        .iter()
        .any(|u| u.objectives.iter().any(|o| !o.supports.is_empty()))
    {
        let mut by_key: Vec<(&UnitKey, usize)> = org
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (&u.key, i))
            .collect();
        by_key.sort_unstable();
        let find = |key: &UnitKey, code: &Code| -> Option<usize> {
            // Unit keys are unique, so the first match is the unit (`validate`); so are the
            // objective codes within a unit.
            let at = by_key.partition_point(|(k, _)| *k < key);
            let &(k, u) = by_key.get(at)?;
            if k != key {
                return None;
            }
            let o = org.units[u]
                .objectives
                .iter()
                .position(|o| &o.code == code)?;
            Some(first[u] + o)
        };
        for (ui, u) in org.units.iter().enumerate() {
            for (oi, o) in u.objectives.iter().enumerate() {
                for s in &o.supports {
                    if let Some(target) = find(&s.unit, &s.objective) {
                        links.push((target, first[ui] + oi, s.weight));
                    }
                }
            }
        }
        // Stable: supporters stay in document order.
        links.sort_by_key(|&(target, _, _)| target);
    }
    let objective_ref = |number: usize| {
        let u = first.partition_point(|&f| f <= number) - 1;
        let unit = &org.units[u];
        ObjectiveRef {
            unit: unit.key.clone(),
            objective: unit.objectives[number - first[u]].code.clone(),
        }
    };
    // The supporters' means read the objectives' capaian, so they come before the objectives'
    // roll-ups are moved into the result.
    let mut supporters: Vec<Option<RollUp<ObjectiveRef>>> = Vec::with_capacity(n);
    let mut rest = links.as_slice();
    for target in 0..n {
        let here = rest.partition_point(|&(t, _, _)| t == target);
        let (list, after) = rest.split_at(here);
        rest = after;
        supporters.push((!list.is_empty()).then(|| {
            roll_up(
                list.iter().map(|&(_, supporter, w)| {
                    RollUpInput::new(objective_ref(supporter), own[supporter].capaian.clone(), w)
                }),
                ceiling,
            )
        }));
    }

    let mut own = own.into_iter();
    let mut supporters = supporters.into_iter();
    let units = org
        .units
        .iter()
        .map(|u| {
            let objectives: Vec<ObjectiveCapaian> = u
                .objectives
                .iter()
                .map(|o| ObjectiveCapaian {
                    code: o.code.clone(),
                    indicators: own.next().expect("one roll-up per objective"),
                    supporters: supporters.next().expect("one entry per objective"),
                })
                .collect();
            let mut roll = roll_up(
                objectives
                    .iter()
                    .map(|o| RollUpInput::unweighted(o.code.clone(), o.capaian().clone())),
                ceiling,
            );
            if roll.items.is_empty() {
                roll.capaian = Capaian::not_computable("unit belum memiliki sasaran");
            }
            UnitCapaian {
                unit: u.key.clone(),
                roll_up: roll,
                objectives,
            }
        })
        .collect();
    OrganisationCapaian { ceiling, units }
}
