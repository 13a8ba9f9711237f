//! Findings on a tree (`pokin check`): things a planner should look at, none of which stops
//! the tree from being stored.

use crate::org::{Organisation, UnitKind};
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
            if looks_like_indicator(&o.statement) {
                push(
                    Severity::Warning,
                    "objective-worded-like-indicator",
                    oloc.clone(),
                    format!(
                        "sasaran '{}' berbunyi seperti indikator (sesuatu yang diukur), bukan kondisi yang ingin dicapai",
                        o.statement
                    ),
                );
            }
            for i in &o.indicators {
                let iloc = format!("{oloc} {}", i.code);
                if i.satuan.is_none() {
                    push(
                        Severity::Warning,
                        "indicator-without-satuan",
                        iloc.clone(),
                        format!("indikator '{}' belum memiliki satuan", i.name),
                    );
                }
                if i.targets.is_empty() {
                    push(
                        Severity::Warning,
                        "indicator-without-targets",
                        iloc.clone(),
                        format!("indikator '{}' belum memiliki target", i.name),
                    );
                }
                if looks_like_objective(&i.name) {
                    push(
                        Severity::Warning,
                        "indicator-worded-like-objective",
                        iloc.clone(),
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
                        iloc.clone(),
                        format!("indikator '{}' sama dengan {first} di unit ini", i.name),
                    );
                }
            }
        }
    }
    out
}
