//! The pohon kinerja text parser: reads the text extracted from a performance-tree diagram
//! into units, objectives and indicators, and says what it guessed and what it could not read.
//!
//! [`parse`] never fails: every line of the input ends up in the tree (the `lines` of the title,
//! a unit, an objective or an indicator) or in a [`Diagnostic`] on that line. The stages, each
//! in its own (private) module:
//! 1. `lines`: split the text into lines and tab-separated cells and classify each piece
//!    (label, page number, title, text) without context;
//! 2. `build`: read the pieces in order, with context (wrapped headings and statements,
//!    headless blocks, indicators carrying an objective's label);
//! 3. `infer`: guess each unit's parent and each objective's supported objective from names
//!    and wording (`similarity` holds the word vectors, `crate::stem` the stemming);
//! 4. `spec`: guess each indicator's satuan and polarity from its name;
//! 5. typos, with [`crate::spelling`].
//!
//! Lines are those of [`str::lines`], numbered from 1. Diagnostics are sorted by line; on one
//! line they come in the order of the stages above.

mod build;
mod infer;
pub(crate) mod lines;
mod similarity;
pub(crate) mod spec;

use crate::spelling::{Speller, find_typos};
use pokin_domain::check::Severity;
use pokin_domain::{
    Code, Indicator, Objective, OrganisationDraft, Polarity, Support, Unit, UnitKey, UnitKind,
};
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;

/// The tree read from a pohon kinerja text, with everything the reader had to say about it.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedTree {
    /// The document title (`POHON KINERJA …`), wrapped lines joined, if there was one.
    pub title: Option<String>,
    /// Units in document order.
    pub units: Vec<ParsedUnit>,
    /// Sorted by line; on one line, in the order they were found.
    pub diagnostics: Vec<Diagnostic>,
    /// Lines that held the title (every occurrence of it).
    #[serde(skip)]
    pub title_lines: Vec<usize>,
}

/// A unit (Kepala, Bidang, Seksi …) and its objectives.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedUnit {
    pub key: UnitKey,
    /// The heading as written, wrapped lines joined by one space.
    pub name: String,
    pub kind: UnitKind,
    /// The inferred parent unit.
    pub parent: Option<UnitKey>,
    pub objectives: Vec<ParsedObjective>,
    /// Lines of the heading; for a block without heading, the line where it starts.
    #[serde(skip)]
    pub lines: Vec<usize>,
}

/// An objective (*sasaran*) and its indicators.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedObjective {
    pub code: Code,
    pub statement: String,
    pub indicators: Vec<ParsedIndicator>,
    /// The inferred objectives of the parent unit that this objective supports.
    #[serde(skip)]
    pub supports: Vec<(UnitKey, Code)>,
    #[serde(skip)]
    pub lines: Vec<usize>,
}

/// An indicator with its inferred satuan and polarity.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedIndicator {
    pub code: Code,
    pub name: String,
    pub satuan: Option<String>,
    pub polarity: Option<Polarity>,
    /// Labelled `IKU`: an *indikator kinerja utama*.
    #[serde(skip)]
    pub iku: bool,
    #[serde(skip)]
    pub lines: Vec<usize>,
}

/// Something the reader found on a line: a problem, a guess to confirm, or a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based line number.
    pub line: usize,
    #[serde(serialize_with = "severity_name")]
    pub severity: Severity,
    /// A stable, machine-readable code such as `possible-typo`.
    pub code: String,
    /// What was found and what to do, in Indonesian.
    pub message: String,
}

fn severity_name<S: Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity.as_str())
}

impl Diagnostic {
    pub(crate) fn new(
        line: usize,
        severity: Severity,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            line,
            severity,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// As a compiler prints it: `seed.txt:193: peringatan: …`.
    pub fn render(&self, file_name: &str) -> String {
        format!(
            "{file_name}:{}: {}: {}",
            self.line,
            self.severity.label(),
            self.message
        )
    }
}

/// Reads a pohon kinerja text. With a speller, typos are checked against the Indonesian
/// dictionary too; without one, only against the document's own words.
pub fn parse(source: &str, speller: Option<&Speller>) -> ParsedTree {
    let items = lines::classify(source);
    let mut tree = build::build(&items);
    infer::infer(&mut tree);
    spec::describe_indicators(&mut tree);
    report_typos(&mut tree, source, speller);
    tree.diagnostics.sort_by_key(|d| d.line);
    tree
}

/// Checks the words of every line that is not the title.
fn report_typos(tree: &mut ParsedTree, source: &str, speller: Option<&Speller>) {
    let title_lines: BTreeSet<usize> = tree.title_lines.iter().copied().collect();
    let texts: Vec<(usize, &str)> = source
        .lines()
        .enumerate()
        .map(|(i, text)| (i + 1, text))
        .filter(|(line, _)| !title_lines.contains(line))
        .collect();
    for typo in find_typos(&texts, speller) {
        tree.diagnostics.push(Diagnostic::new(
            typo.location,
            Severity::Warning,
            "possible-typo",
            format!(
                "kemungkinan salah ketik '{}'; maksudnya '{}'?",
                typo.word, typo.suggestion
            ),
        ));
    }
}

impl ParsedTree {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The organisation name the title gives: `POHON KINERJA` removed, capitals turned into
    /// Indonesian title case (`Dinas Penanaman Modal … dan Tenaga Kerja`); `fallback` when there
    /// is no title or nothing is left of it.
    pub fn organisation_name(&self, fallback: &str) -> String {
        self.title
            .as_deref()
            .and_then(name_from_title)
            .unwrap_or_else(|| fallback.to_owned())
    }

    /// The tree as a draft for the domain: units with parents, objectives with their inferred
    /// supports (weight 1.0), indicators with satuan, polarity and IKU mark. It validates
    /// whenever the fallback name is not blank (keys and codes are made unique while parsing).
    pub fn to_draft(&self, fallback_name: &str) -> OrganisationDraft {
        OrganisationDraft {
            programs: Vec::new(),
            name: self.organisation_name(fallback_name),
            title: self.title.clone(),
            demo: false,
            renstra: None,
            units: self.units.iter().map(ParsedUnit::to_unit).collect(),
        }
    }
}

impl ParsedUnit {
    fn to_unit(&self) -> Unit {
        Unit {
            key: self.key.clone(),
            name: self.name.clone(),
            kind: self.kind,
            parent: self.parent.clone(),
            officials: Vec::new(),
            objectives: self
                .objectives
                .iter()
                .map(ParsedObjective::to_objective)
                .collect(),
        }
    }
}

impl ParsedObjective {
    fn to_objective(&self) -> Objective {
        Objective {
            code: self.code.clone(),
            statement: self.statement.clone(),
            supports: self
                .supports
                .iter()
                .map(|(unit, objective)| Support {
                    unit: unit.clone(),
                    objective: objective.clone(),
                    weight: 1.0,
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(ParsedIndicator::to_indicator)
                .collect(),
        }
    }
}

impl ParsedIndicator {
    fn to_indicator(&self) -> Indicator {
        Indicator {
            iku: self.iku,
            satuan: self.satuan.clone(),
            polarity: self.polarity,
            ..Indicator::new(self.code.clone(), self.name.clone())
        }
    }
}

/// `POHON KINERJA DINAS X DAN Y` → `Dinas X dan Y`; `None` if nothing is left.
fn name_from_title(title: &str) -> Option<String> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let starts_with_pohon_kinerja = words.len() >= 2
        && words[0].eq_ignore_ascii_case("pohon")
        && words[1]
            .trim_end_matches([':', ',', '.'])
            .eq_ignore_ascii_case("kinerja");
    let rest = if starts_with_pohon_kinerja {
        &words[2..]
    } else {
        &words[..]
    };
    let rest: Vec<&str> = rest
        .iter()
        .map(|w| w.trim_matches(|c: char| matches!(c, ':' | '-' | '–')))
        .filter(|w| !w.is_empty())
        .collect();
    if rest.is_empty() {
        return None;
    }
    let joined = rest.join(" ");
    if !lines::is_all_caps(&joined) {
        return Some(joined);
    }
    let titled: Vec<String> = rest
        .iter()
        .enumerate()
        .map(|(i, w)| title_case_word(w, i == 0))
        .collect();
    Some(titled.join(" "))
}

/// One capitalised word in Indonesian title case. Words without a vowel (`DPRD`) and Roman
/// numerals stay in capitals; small words (`dan`, `di` …) go to lower case except first.
fn title_case_word(word: &str, first: bool) -> String {
    let lower = word.to_lowercase();
    if !first && lines::SMALL_WORDS.contains(&lower.as_str()) {
        return lower;
    }
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    let roman = !letters.is_empty() && letters.chars().all(|c| "IVXL".contains(c));
    let vowelless = !letters.is_empty() && !letters.chars().any(|c| "AEIOUaeiou".contains(c));
    if roman || vowelless {
        return word.to_owned();
    }
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_names() {
        assert_eq!(
            name_from_title(
                "POHON KINERJA DINAS PENANAMAN MODAL PELAYANAN TERPADU SATU PINTU PERINDUSTRIAN DAN TENAGA KERJA"
            )
            .as_deref(),
            Some(
                "Dinas Penanaman Modal Pelayanan Terpadu Satu Pintu Perindustrian dan Tenaga Kerja"
            )
        );
        assert_eq!(
            name_from_title("POHON KINERJA SEKRETARIAT DPRD").as_deref(),
            Some("Sekretariat DPRD")
        );
        assert_eq!(
            name_from_title("Pohon Kinerja Dinas Kesehatan").as_deref(),
            Some("Dinas Kesehatan")
        );
        assert_eq!(name_from_title("POHON KINERJA"), None);
    }

    #[test]
    fn render() {
        let d = Diagnostic::new(193, Severity::Warning, "x", "pesan");
        assert_eq!(d.render("seed.txt"), "seed.txt:193: peringatan: pesan");
    }
}
