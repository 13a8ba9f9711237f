//! Qualitative targets on an ordinal scale (Opini BPK, predikat SAKIP, or any ordered list).

use super::value::{Capaian, Percent};
use serde::Serialize;

/// An ordered list of levels, worst first. Values are matched ignoring case and repeated
/// spaces; a level may have aliases (e.g. `Wajar Tanpa Pengecualian` for `WTP`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrdinalScale {
    name: String,
    levels: Vec<String>,
    /// (normalised alias, index into `levels`).
    #[serde(skip)]
    aliases: Vec<(String, usize)>,
}

/// Why a list of levels is not a scale.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    #[error("skala '{0}' perlu sedikitnya dua tingkat")]
    TooFew(String),
    #[error("skala '{scale}': tingkat ke-{index} kosong")]
    EmptyLevel { scale: String, index: usize },
    #[error("skala '{scale}': tingkat '{level}' disebut lebih dari sekali")]
    Duplicate { scale: String, level: String },
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

impl OrdinalScale {
    /// A scale from its levels, worst first, e.g. `["Kurang", "Cukup", "Baik"]`.
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        levels: impl IntoIterator<Item = S>,
    ) -> Result<Self, ScaleError> {
        let name = name.into();
        let levels: Vec<String> = levels
            .into_iter()
            .map(|l| l.into().trim().to_owned())
            .collect();
        if levels.len() < 2 {
            return Err(ScaleError::TooFew(name));
        }
        let mut seen = Vec::new();
        for (i, l) in levels.iter().enumerate() {
            if l.is_empty() {
                return Err(ScaleError::EmptyLevel {
                    scale: name,
                    index: i + 1,
                });
            }
            let n = normalise(l);
            if seen.contains(&n) {
                return Err(ScaleError::Duplicate {
                    scale: name,
                    level: l.clone(),
                });
            }
            seen.push(n);
        }
        Ok(OrdinalScale {
            name,
            levels,
            aliases: Vec::new(),
        })
    }

    fn builtin(name: &str, levels: &[&str], aliases: &[(&str, usize)]) -> Self {
        let mut s = OrdinalScale::new(name, levels.iter().copied()).expect("built-in scale");
        s.aliases = aliases.iter().map(|(a, i)| (normalise(a), *i)).collect();
        s
    }

    /// Opini BPK on the financial statements: TMP < TW < WDP < WTP.
    pub fn opini_bpk() -> Self {
        OrdinalScale::builtin(
            "Opini BPK",
            &["TMP", "TW", "WDP", "WTP"],
            &[
                ("Tidak Menyatakan Pendapat", 0),
                ("Disclaimer", 0),
                ("Tidak Wajar", 1),
                ("Wajar Dengan Pengecualian", 2),
                ("Wajar Tanpa Pengecualian", 3),
            ],
        )
    }

    /// Predikat SAKIP (PermenPAN-RB 88/2021): D < C < CC < B < BB < A < AA.
    pub fn predikat_sakip() -> Self {
        OrdinalScale::builtin(
            "Predikat SAKIP",
            &["D", "C", "CC", "B", "BB", "A", "AA"],
            &[],
        )
    }

    /// The built-in scale that knows both values (Opini BPK first), if any.
    pub fn builtin_for(target: &str, realisation: &str) -> Option<Self> {
        [OrdinalScale::opini_bpk(), OrdinalScale::predikat_sakip()]
            .into_iter()
            .find(|s| s.rank(target).is_some() && s.rank(realisation).is_some())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The levels, worst first.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The rank of a value, 1 for the worst level; `None` when the scale does not know it.
    pub fn rank(&self, value: &str) -> Option<usize> {
        let v = normalise(value);
        self.levels
            .iter()
            .position(|l| normalise(l) == v)
            .or_else(|| self.aliases.iter().find(|(a, _)| *a == v).map(|(_, i)| *i))
            .map(|i| i + 1)
    }
}

/// Reaching or passing the target's level → 100; below it, `rank(R) / rank(T) × 100` with
/// ranks counted from 1 at the worst level (target WTP = 4, realisation WDP = 3 → 75).
pub fn ordinal(scale: &OrdinalScale, target: &str, realisation: &str) -> Capaian {
    let unknown = |v: &str| {
        Capaian::not_computable(format!(
            "nilai '{}' tidak ada pada skala {} ({})",
            v.trim(),
            scale.name,
            scale.levels.join(", ")
        ))
    };
    let Some(t) = scale.rank(target) else {
        return unknown(target);
    };
    let Some(r) = scale.rank(realisation) else {
        return unknown(realisation);
    };
    if r >= t {
        Capaian::Persen(Percent::HUNDRED)
    } else {
        // Ranks are small positive integers: exact, finite, in (0, 100).
        Capaian::from_f64(r as f64 / t as f64 * 100.0)
    }
}
