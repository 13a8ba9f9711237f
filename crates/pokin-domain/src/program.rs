//! Programs, kegiatan and sub kegiatan (Permendagri 90/2019 nomenclature) with their budget
//! (*pagu*) per year, linked to the objectives they serve, and their realised budget per
//! quarter.
//!
//! A budget item belongs to the unit whose Perjanjian Kinerja lists it (the head lists its
//! programs, a Bidang its kegiatan, a Seksi its sub kegiatan). Items form a hierarchy by
//! `parent`; an item without its own pagu for a year is budgeted at the sum of its children.

use crate::ids::{Code, UnitKey};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The level of a budget item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramLevel {
    Program,
    Kegiatan,
    SubKegiatan,
}

impl ProgramLevel {
    pub const ALL: [ProgramLevel; 3] = [
        ProgramLevel::Program,
        ProgramLevel::Kegiatan,
        ProgramLevel::SubKegiatan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProgramLevel::Program => "program",
            ProgramLevel::Kegiatan => "kegiatan",
            ProgramLevel::SubKegiatan => "sub_kegiatan",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// `Program`, `Kegiatan`, `Sub Kegiatan`.
    pub fn label(self) -> &'static str {
        match self {
            ProgramLevel::Program => "Program",
            ProgramLevel::Kegiatan => "Kegiatan",
            ProgramLevel::SubKegiatan => "Sub Kegiatan",
        }
    }

    /// The level an item of this level hangs under.
    pub fn parent_level(self) -> Option<ProgramLevel> {
        match self {
            ProgramLevel::Program => None,
            ProgramLevel::Kegiatan => Some(ProgramLevel::Program),
            ProgramLevel::SubKegiatan => Some(ProgramLevel::Kegiatan),
        }
    }
}

/// A program, kegiatan or sub kegiatan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// The nomenclature code, e.g. `2.18.01` or `2.18.01.2.01.0001`; unique in the
    /// organisation.
    pub code: String,
    pub level: ProgramLevel,
    pub name: String,
    /// The code of the item above (a kegiatan's program, a sub kegiatan's kegiatan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The unit whose Perjanjian Kinerja lists it.
    pub unit: UnitKey,
    /// The objective of `unit` it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<Code>,
    /// Pagu (Rp) by year.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pagu: BTreeMap<i32, f64>,
}

/// The longest accepted program code.
pub const MAX_PROGRAM_CODE: usize = 40;

/// Whether `code` is an acceptable nomenclature code: letters, digits and dots, not starting
/// or ending with a dot, at most [`MAX_PROGRAM_CODE`] characters.
pub fn valid_program_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_PROGRAM_CODE
        && !code.starts_with('.')
        && !code.ends_with('.')
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// Every problem of a program list against the units and objectives that exist, as
/// `(location, message)` in Indonesian.
pub(crate) fn program_problems(
    programs: &[Program],
    objectives: &HashMap<&UnitKey, Vec<&Code>>,
    renstra: Option<crate::org::Renstra>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let by_code: HashMap<&str, &Program> = programs.iter().map(|p| (p.code.as_str(), p)).collect();
    let mut seen = std::collections::HashSet::new();
    for p in programs {
        let loc = format!("{} {}", p.level.label().to_lowercase(), p.code);
        if !valid_program_code(&p.code) {
            out.push((
                loc.clone(),
                "kode hanya boleh berisi huruf, angka dan titik (paling banyak 40 karakter)".into(),
            ));
        }
        if !seen.insert(p.code.as_str()) {
            out.push((loc.clone(), "kode dipakai lebih dari sekali".into()));
        }
        if p.name.trim().is_empty() {
            out.push((loc.clone(), "nama kosong".into()));
        }
        match objectives.get(&p.unit) {
            None => out.push((loc.clone(), format!("unit {} tidak ada", p.unit))),
            Some(codes) => {
                if let Some(o) = &p.objective
                    && !codes.contains(&o)
                {
                    out.push((
                        loc.clone(),
                        format!("sasaran {o} tidak ada pada unit {}", p.unit),
                    ));
                }
            }
        }
        match (&p.parent, p.level.parent_level()) {
            (Some(_), None) => out.push((loc.clone(), "program tidak memiliki induk".into())),
            (None, Some(l)) => out.push((
                loc.clone(),
                format!("induk ({}) belum diisi", l.label().to_lowercase()),
            )),
            (Some(parent), Some(l)) => match by_code.get(parent.as_str()) {
                None => out.push((loc.clone(), format!("induk {parent} tidak ada"))),
                Some(q) if q.level != l => out.push((
                    loc.clone(),
                    format!(
                        "induk {parent} adalah {}, seharusnya {}",
                        q.level.label().to_lowercase(),
                        l.label().to_lowercase()
                    ),
                )),
                Some(_) => {}
            },
            (None, None) => {}
        }
        for (year, v) in &p.pagu {
            if !v.is_finite() || *v < 0.0 {
                out.push((
                    loc.clone(),
                    format!("pagu {year} harus angka tidak negatif"),
                ));
            } else if *v > 1e15 {
                out.push((loc.clone(), format!("pagu {year} terlalu besar")));
            }
            if let Some(r) = renstra
                && !r.years().contains(year)
            {
                out.push((
                    loc.clone(),
                    format!("pagu {year} di luar periode Renstra {}–{}", r.start, r.end),
                ));
            }
        }
    }
    out
}

/// The budget of `code` in `year`: its own pagu, else the sum of its children's (recursively);
/// `None` when neither it nor any descendant has one.
pub fn budget(programs: &[Program], code: &str, year: i32) -> Option<f64> {
    fn go(programs: &[Program], code: &str, year: i32, depth: usize) -> Option<f64> {
        let p = programs.iter().find(|p| p.code == code)?;
        if let Some(v) = p.pagu.get(&year) {
            return Some(*v);
        }
        if depth > 3 {
            return None;
        }
        programs
            .iter()
            .filter(|c| c.parent.as_deref() == Some(code))
            .filter_map(|c| go(programs, &c.code, year, depth + 1))
            .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    }
    go(programs, code, year, 0)
}

/// The realised budget of one item in a year, per quarter (index 0 is TW I); `None` where
/// nothing was entered.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct BudgetYear {
    pub quarters: [Option<f64>; 4],
}

impl BudgetYear {
    /// The sum of the entered quarters, `None` when none was.
    pub fn total(&self) -> Option<f64> {
        self.quarters
            .iter()
            .flatten()
            .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    }
}

/// The realised budget of `code` in a year: its own entries, else the sum of its children's
/// (recursively), per quarter.
pub fn realised(
    programs: &[Program],
    data: &HashMap<String, BudgetYear>,
    code: &str,
) -> BudgetYear {
    fn go(
        programs: &[Program],
        data: &HashMap<String, BudgetYear>,
        code: &str,
        depth: usize,
    ) -> BudgetYear {
        if let Some(own) = data.get(code)
            && own.total().is_some()
        {
            return *own;
        }
        let mut out = BudgetYear::default();
        if depth > 3 {
            return out;
        }
        for c in programs
            .iter()
            .filter(|c| c.parent.as_deref() == Some(code))
        {
            let child = go(programs, data, &c.code, depth + 1);
            for (q, v) in child.quarters.iter().enumerate() {
                if let Some(v) = v {
                    out.quarters[q] = Some(out.quarters[q].unwrap_or(0.0) + v);
                }
            }
        }
        out
    }
    go(programs, data, code, 0)
}

/// *Serapan*: realised budget as a percentage of pagu; `None` without a positive pagu.
pub fn absorption(pagu: Option<f64>, realised: Option<f64>) -> Option<f64> {
    match (pagu, realised) {
        (Some(p), Some(r)) if p > 0.0 => Some(r / p * 100.0),
        (Some(p), None) if p > 0.0 => Some(0.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, level: ProgramLevel, parent: Option<&str>, pagu: &[(i32, f64)]) -> Program {
        Program {
            code: code.into(),
            level,
            name: code.into(),
            parent: parent.map(Into::into),
            unit: UnitKey::parse("kepala-dinas").unwrap(),
            objective: None,
            pagu: pagu.iter().copied().collect(),
        }
    }

    #[test]
    fn budget_rolls_up_children_without_own_pagu() {
        let ps = vec![
            item("1", ProgramLevel::Program, None, &[]),
            item("1.1", ProgramLevel::Kegiatan, Some("1"), &[(2026, 100.0)]),
            item("1.2", ProgramLevel::Kegiatan, Some("1"), &[]),
            item(
                "1.2.1",
                ProgramLevel::SubKegiatan,
                Some("1.2"),
                &[(2026, 50.0)],
            ),
            item("2", ProgramLevel::Program, None, &[(2026, 7.0)]),
        ];
        assert_eq!(budget(&ps, "1", 2026), Some(150.0));
        assert_eq!(budget(&ps, "2", 2026), Some(7.0));
        assert_eq!(budget(&ps, "1", 2027), None);
        let data: HashMap<String, BudgetYear> = [(
            "1.2.1".to_string(),
            BudgetYear {
                quarters: [Some(10.0), None, Some(5.0), None],
            },
        )]
        .into();
        assert_eq!(realised(&ps, &data, "1").total(), Some(15.0));
        assert_eq!(absorption(budget(&ps, "1", 2026), Some(15.0)), Some(10.0));
        assert_eq!(absorption(Some(0.0), Some(1.0)), None);
    }

    #[test]
    fn codes() {
        assert!(valid_program_code("2.18.01.2.01.0001"));
        assert!(valid_program_code("X.XX.01"));
        assert!(!valid_program_code(""));
        assert!(!valid_program_code(".1"));
        assert!(!valid_program_code("1 2"));
    }
}
