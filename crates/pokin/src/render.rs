//! The performance tree as text for the terminal (`pokin tree`, `pokin parse`).

use pokin_domain::{OrganisationDraft, Unit, UnitKey};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, Default)]
pub struct TreeOptions {
    /// Show each indicator's Renstra targets.
    pub targets: bool,
}

/// Units as a tree (head first, children in document order), each with its objectives and
/// indicators; cascade links shown as `→ unit SSn`.
pub fn tree(org: &OrganisationDraft, opts: TreeOptions) -> String {
    let mut out = String::new();
    let demo = if org.demo { "  [DATA DEMO]" } else { "" };
    let _ = writeln!(out, "{}{demo}", org.name);
    let (u, o, i) = org.counts();
    let renstra = org
        .renstra
        .map(|r| format!("Renstra {}–{} · ", r.start, r.end))
        .unwrap_or_default();
    let _ = writeln!(out, "{renstra}{u} unit · {o} sasaran · {i} indikator");
    let keys: HashSet<&UnitKey> = org.units.iter().map(|u| &u.key).collect();
    let mut children: HashMap<Option<&UnitKey>, Vec<&Unit>> = HashMap::new();
    for unit in &org.units {
        // A parent that is not in the organisation makes the unit a root, so nothing is hidden.
        let parent = unit.parent.as_ref().filter(|p| keys.contains(p));
        children.entry(parent).or_default().push(unit);
    }
    let mut seen = HashSet::new();
    let roots = children.get(&None).cloned().unwrap_or_default();
    for root in roots {
        out.push('\n');
        unit_lines(&mut out, root, "", "", &children, &mut seen, opts);
    }
    // Units caught in a parent cycle are reachable from no root; show them rather than drop them.
    for unit in &org.units {
        if !seen.contains(&unit.key) {
            out.push('\n');
            unit_lines(&mut out, unit, "", "", &children, &mut seen, opts);
        }
    }
    out
}

fn unit_lines<'a>(
    out: &mut String,
    unit: &'a Unit,
    head: &str,
    body: &str,
    children: &HashMap<Option<&'a UnitKey>, Vec<&'a Unit>>,
    seen: &mut HashSet<&'a UnitKey>,
    opts: TreeOptions,
) {
    if !seen.insert(&unit.key) {
        return;
    }
    let _ = writeln!(
        out,
        "{head}{} ({} · {})",
        unit.name,
        unit.kind.label(),
        unit.key
    );
    let kids: &[&Unit] = children.get(&Some(&unit.key)).map_or(&[], Vec::as_slice);
    let bar = if kids.is_empty() { "   " } else { "│  " };
    for official in &unit.officials {
        let _ = writeln!(out, "{body}{bar} Pejabat: {}", official.name);
    }
    for o in &unit.objectives {
        let supports: Vec<String> = o
            .supports
            .iter()
            .map(|s| format!("{} {}", s.unit, s.objective))
            .collect();
        let arrow = if supports.is_empty() {
            String::new()
        } else {
            format!("  → {}", supports.join(", "))
        };
        let _ = writeln!(out, "{body}{bar} {}  {}{arrow}", o.code, o.statement);
        for i in &o.indicators {
            let mut spec = Vec::new();
            if let Some(s) = &i.satuan {
                spec.push(s.clone());
            }
            if let Some(p) = i.polarity {
                spec.push(p.label().to_owned());
            }
            let spec = if spec.is_empty() {
                String::new()
            } else {
                format!("  [{}]", spec.join(" · "))
            };
            let _ = writeln!(out, "{body}{bar}     {}  {}{spec}", i.code, i.name);
            if opts.targets && !i.targets.is_empty() {
                let _ = writeln!(out, "{body}{bar}         target {}", i.targets_text());
            }
        }
    }
    for (n, kid) in kids.iter().enumerate() {
        let last = n + 1 == kids.len();
        let (h, b) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        unit_lines(
            out,
            kid,
            &format!("{body}{h}"),
            &format!("{body}{b}"),
            children,
            seen,
            opts,
        );
    }
}
