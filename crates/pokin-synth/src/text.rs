//! The trees as one pohon kinerja text, the way text extracted from the diagrams reads
//! (`data/seed/pohon-kinerja-dpmptsp-naker.txt`): a title, then per unit its heading in capitals,
//! a blank line, `SS1. …` objectives and `IK1.1. …` indicators, long lines wrapped.

use crate::SyntheticOrg;
use pokin_domain::{UnitKind, wording};
use std::fmt::Write;

/// Where statements and headings wrap, in characters (the seed's lines are 40–60 long).
const WIDTH: usize = 60;

pub(crate) fn pohon_text(orgs: &[SyntheticOrg]) -> String {
    let mut out = String::with_capacity(orgs.len() * 64 * 1024);
    let title = match orgs {
        [one] => one
            .org
            .title
            .clone()
            .unwrap_or_else(|| format!("POHON KINERJA {}", one.org.name.to_uppercase())),
        _ => format!("POHON KINERJA {} PERANGKAT DAERAH SINTETIS", orgs.len()),
    };
    out.push_str(&title);
    out.push_str("\n\n");
    for o in orgs {
        // The head's heading names its organisation, so the trees read apart.
        let base = base_name(&o.org.name);
        for u in &o.org.units {
            let heading = if u.kind == UnitKind::Kepala {
                format!("KEPALA {}", base.to_uppercase())
            } else {
                u.name.to_uppercase()
            };
            wrapped(&mut out, "", &heading, true);
            out.push('\n');
            for ob in &u.objectives {
                wrapped(&mut out, &format!("{}. ", ob.code), &ob.statement, false);
                for i in &ob.indicators {
                    wrapped(&mut out, &format!("{}. ", i.code), &i.name, false);
                }
            }
            out.push('\n');
        }
    }
    out
}

/// `Dinas Kesehatan` from `Dinas Kesehatan Kabupaten Sintetis 017`.
fn base_name(name: &str) -> &str {
    name.find(" Kabupaten ").map_or(name, |i| &name[..i])
}

/// Writes `label` + `text` over as many lines as needed at [`WIDTH`], breaking between words
/// only where the rest cannot be mistaken for something else: a statement's continuation has
/// lower case, starts with no label and no word that opens an indicator or an objective; a
/// heading's continuation names no unit kind.
fn wrapped(out: &mut String, label: &str, text: &str, heading: bool) {
    let mut line = String::from(label);
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let fits = line.chars().count() + 1 + w.chars().count() <= WIDTH;
        if !fits && line.len() > label.len() && safe_break(&words[i..], heading) {
            let _ = writeln!(out, "{}", line.trim_end());
            line.clear();
        }
        if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(w);
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

fn safe_break(rest: &[&str], heading: bool) -> bool {
    let first = rest[0].to_lowercase();
    if heading {
        let kind_words = [
            "kepala",
            "sekretariat",
            "sekretaris",
            "bidang",
            "seksi",
            "sub",
            "subbagian",
            "upt",
            "uptd",
            "unit",
            "kabid",
            "kasi",
        ];
        return !kind_words.contains(&first.as_str());
    }
    let joined = rest.join(" ");
    joined.chars().any(char::is_lowercase)
        && !starts_like_label(&joined)
        && !wording::is_measure_word(&first)
        && !wording::is_condition_word(&first)
}

/// Whether text starts like `SS1`, `IK 2.`, `SK3`: a continuation must not.
fn starts_like_label(text: &str) -> bool {
    let upper: String = text.chars().take(6).collect::<String>().to_uppercase();
    ["SS", "SP", "SK", "IK"].iter().any(|p| {
        upper.starts_with(p)
            && upper[p.len()..]
                .trim_start_matches(['U', 'P', 'K', ' ', '-'])
                .starts_with(|c: char| c.is_ascii_digit())
    })
}
