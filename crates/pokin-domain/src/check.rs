//! Findings on a tree (`pokin check`): things a planner should look at, none of which stops
//! the tree from being stored.

use crate::org::{Indicator, Organisation, Renstra, UnitKind};
use crate::pemda::{Pemda, PemdaLevel};
use crate::wording::{looks_like_indicator, looks_like_objective};
use std::collections::HashMap;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    /// The word printed before the message, as a compiler would.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "peringatan",
            Severity::Error => "kesalahan",
        }
    }
}

/// One finding: where (unit, objective or indicator code), a stable code, and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    /// e.g. `seksi-industri-agro SS1 IK1`.
    pub location: String,
    pub message: String,
}

type Push<'a> = dyn FnMut(Severity, &'static str, String, String) + 'a;

/// An objective (or sasaran daerah) statement that reads like a measure.
fn statement_findings(statement: &str, loc: &str, push: &mut Push<'_>) {
    if looks_like_indicator(statement) {
        push(
            Severity::Warning,
            "objective-worded-like-indicator",
            loc.to_owned(),
            format!(
                "sasaran '{statement}' berbunyi seperti indikator (sesuatu yang diukur), bukan kondisi yang ingin dicapai"
            ),
        );
    }
}

/// An indicator's findings, OPD's and pemda's alike: no satuan, no targets (or, given the
/// `period`, years of it without one), worded like an objective, the same name as another
/// in `names` (the unit's, or the whole RPJMD's).
fn indicator_findings<'a>(
    i: &'a Indicator,
    loc: &str,
    period: Option<Renstra>,
    names: &mut HashMap<String, &'a str>,
    push: &mut Push<'_>,
) {
    if i.satuan.is_none() {
        push(
            Severity::Warning,
            "indicator-without-satuan",
            loc.to_owned(),
            format!("indikator '{}' belum memiliki satuan", i.name),
        );
    }
    if i.targets.is_empty() {
        push(
            Severity::Warning,
            "indicator-without-targets",
            loc.to_owned(),
            format!("indikator '{}' belum memiliki target", i.name),
        );
    } else if let Some(p) = period {
        let missing: Vec<String> = p
            .years()
            .filter(|y| !i.targets.contains_key(y))
            .map(|y| y.to_string())
            .collect();
        if !missing.is_empty() {
            push(
                Severity::Warning,
                "indicator-missing-years",
                loc.to_owned(),
                format!(
                    "indikator '{}' belum memiliki target tahun {}",
                    i.name,
                    missing.join(", ")
                ),
            );
        }
    }
    if looks_like_objective(&i.name) {
        push(
            Severity::Warning,
            "indicator-worded-like-objective",
            loc.to_owned(),
            format!(
                "indikator '{}' berbunyi seperti sasaran, bukan ukuran",
                i.name
            ),
        );
    }
    let norm = i
        .name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if let Some(first) = names.insert(norm, i.code.as_str()) {
        push(
            Severity::Warning,
            "duplicate-indicator",
            loc.to_owned(),
            format!("indikator '{}' sama dengan {first}", i.name),
        );
    }
}

/// Findings on a pemda's RPJMD tree, in document order: a misi without tujuan, a tujuan
/// without sasaran daerah, a tujuan or sasaran without indicators, and each indicator's
/// findings (with the RPJMD years without a target).
pub fn pemda_findings(pemda: &Pemda) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |severity, code, location: String, message: String| {
        out.push(Finding {
            severity,
            code,
            location,
            message,
        })
    };
    let mut names: HashMap<String, &str> = HashMap::new();
    let under = |code: &crate::Code, level: PemdaLevel| {
        // Whether a node of `level` lies anywhere below `code`.
        let mut stack = vec![code];
        while let Some(c) = stack.pop() {
            for n in pemda.children(Some(c)) {
                if n.level == level {
                    return true;
                }
                stack.push(&n.code);
            }
        }
        false
    };
    for n in &pemda.nodes {
        let loc = n.code.to_string();
        match n.level {
            PemdaLevel::Misi if !under(&n.code, PemdaLevel::Tujuan) => push(
                Severity::Warning,
                "misi-without-tujuan",
                loc.clone(),
                format!("misi '{}' belum memiliki tujuan", n.statement),
            ),
            PemdaLevel::Tujuan if !under(&n.code, PemdaLevel::Sasaran) => push(
                Severity::Warning,
                "tujuan-without-sasaran",
                loc.clone(),
                format!("tujuan '{}' belum memiliki sasaran daerah", n.statement),
            ),
            _ => {}
        }
        if matches!(n.level, PemdaLevel::Tujuan | PemdaLevel::Sasaran) {
            if n.indicators.is_empty() {
                push(
                    Severity::Warning,
                    "objective-without-indicators",
                    loc.clone(),
                    format!(
                        "{} '{}' tidak memiliki indikator",
                        n.level.label().to_lowercase(),
                        n.statement
                    ),
                );
            }
            statement_findings(&n.statement, &loc, &mut push);
        }
        for i in &n.indicators {
            indicator_findings(
                i,
                &format!("{loc} {}", i.code),
                Some(pemda.rpjmd),
                &mut names,
                &mut push,
            );
        }
    }
    out
}

/// All structural findings on an organisation's tree, in document order.
pub fn findings(org: &Organisation) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |severity, code, location: String, message: String| {
        out.push(Finding {
            severity,
            code,
            location,
            message,
        })
    };
    let roots = org.units.iter().filter(|u| u.parent.is_none()).count();
    if roots > 1 {
        push(
            Severity::Warning,
            "many-roots",
            String::new(),
            format!(
                "ada {roots} unit tanpa induk; pohon kinerja semestinya berpuncak pada satu Kepala"
            ),
        );
    }
    for u in &org.units {
        let loc = u.key.to_string();
        if u.kind == UnitKind::Unnamed {
            push(
                Severity::Warning,
                "unnamed-unit",
                loc.clone(),
                format!("unit '{}' belum bernama", u.name),
            );
        }
        if u.objectives.is_empty() {
            push(
                Severity::Warning,
                "unit-without-objectives",
                loc.clone(),
                "unit tidak memiliki sasaran".into(),
            );
        }
        let mut names: HashMap<String, &str> = HashMap::new();
        for o in &u.objectives {
            let oloc = format!("{loc} {}", o.code);
            if o.indicators.is_empty() {
                push(
                    Severity::Warning,
                    "objective-without-indicators",
                    oloc.clone(),
                    format!("sasaran '{}' tidak memiliki indikator", o.statement),
                );
            }
            if u.parent.is_some() && o.supports.is_empty() {
                push(
                    Severity::Warning,
                    "objective-supports-nothing",
                    oloc.clone(),
                    format!(
                        "sasaran '{}' tidak mendukung sasaran unit di atasnya",
                        o.statement
                    ),
                );
            }
            for s in &o.supports {
                if u.parent.as_ref() != Some(&s.unit) {
                    push(
                        Severity::Info,
                        "crosscutting",
                        oloc.clone(),
                        format!(
                            "sasaran mendukung {} {} di luar unit induknya (crosscutting)",
                            s.unit, s.objective
                        ),
                    );
                }
            }
            statement_findings(&o.statement, &oloc, &mut push);
            for i in &o.indicators {
                let iloc = format!("{oloc} {}", i.code);
                indicator_findings(i, &iloc, None, &mut names, &mut push);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pemda::{PemdaDraft, PemdaNode, RegionKind};
    use crate::{Code, TargetValue};

    fn node(code: &str, level: PemdaLevel, parent: Option<&str>, ind: Vec<Indicator>) -> PemdaNode {
        PemdaNode {
            code: Code::parse(code).unwrap(),
            level,
            statement: format!("Meningkatnya kondisi {code}"),
            parent: parent.map(|p| Code::parse(p).unwrap()),
            indicators: ind,
        }
    }

    #[test]
    fn pemda_findings_name_the_gaps() {
        let mut i = Indicator::new(Code::parse("IKS1").unwrap(), "Indeks kepuasan");
        i.satuan = Some("indeks".into());
        i.targets.insert(2025, TargetValue::Number(80.0));
        let mut twin = i.clone();
        twin.code = Code::parse("IKS2").unwrap();
        let p = PemdaDraft {
            name: "Pemkab".into(),
            kind: RegionKind::Kabupaten,
            rpjmd: Renstra {
                start: 2025,
                end: 2026,
            },
            visi: "Maju".into(),
            head_name: None,
            demo: false,
            nodes: vec![
                node("M1", PemdaLevel::Misi, None, vec![]),
                node("M2", PemdaLevel::Misi, None, vec![]),
                node("T1", PemdaLevel::Tujuan, Some("M1"), vec![]),
                node("S1", PemdaLevel::Sasaran, Some("T1"), vec![i]),
                node("T2", PemdaLevel::Tujuan, Some("M1"), vec![]),
                node("S2", PemdaLevel::Sasaran, Some("T1"), vec![twin]),
            ],
        }
        .validate()
        .unwrap();
        let got: Vec<(&str, String)> = pemda_findings(&p)
            .into_iter()
            .map(|f| (f.code, f.location))
            .collect();
        assert_eq!(
            got,
            vec![
                ("misi-without-tujuan", "M2".into()),
                ("objective-without-indicators", "T1".into()),
                ("indicator-missing-years", "S1 IKS1".into()),
                ("tujuan-without-sasaran", "T2".into()),
                ("objective-without-indicators", "T2".into()),
                ("indicator-missing-years", "S2 IKS2".into()),
                ("duplicate-indicator", "S2 IKS2".into()),
            ]
        );
    }
}
