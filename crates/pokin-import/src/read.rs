//! Reading a file to import, whatever its kind: the one path from bytes to an
//! [`Organisation`] (or everything that stands in the way), shared by `pokin import` and the web
//! application's import preview.
//!
//! The kind is decided by the content, never by the file name: canonical YAML (or the same
//! structure as JSON) when [`yaml::is_canonical`] says so, pohon kinerja text otherwise.

use crate::spelling::Speller;
use crate::text::{self, Diagnostic, ParsedTree};
use crate::yaml::{self, YamlError};
use pokin_domain::Organisation;
use pokin_domain::check::Severity;

/// What kind of input a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pohon kinerja text.
    Text,
    /// Canonical YAML (`format: pokin/1`) or its JSON equivalent.
    Yaml,
}

/// Everything said about a file read for import.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub format: Format,
    /// The decoded text (a leading byte order mark removed); empty when it was not UTF-8.
    pub source: String,
    /// For text: the parsed tree, also when it has errors (to show what was read).
    pub tree: Option<ParsedTree>,
    /// Problems on a line: the text parser's diagnostics, or the YAML syntax error.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems without a line, in Indonesian: not UTF-8, empty, an unknown format, every
    /// validation problem of the tree.
    pub problems: Vec<String>,
}

impl ImportReport {
    /// Whether anything stands in the way of importing: an error diagnostic or a problem.
    pub fn has_errors(&self) -> bool {
        !self.problems.is_empty()
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }

    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The errors as lines of text (`baris N: …` for diagnostics), for a terminal.
    pub fn error_lines(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("baris {}: {}", d.line, d.message))
            .chain(self.problems.iter().cloned())
            .collect()
    }
}

/// The result of [`read_any`]: the organisation when nothing stands in the way, and the report.
#[derive(Debug, Clone)]
pub struct Reading {
    /// `Some` exactly when [`ImportReport::has_errors`] is false.
    pub organisation: Option<Organisation>,
    pub report: ImportReport,
}

/// The text of an uploaded or read file, or an Indonesian message saying why it is not text.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "bukan teks UTF-8 (bita tidak sah di posisi {}). Simpan ulang berkas sebagai UTF-8.",
            e.valid_up_to()
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Reads a file to import: canonical YAML, or pohon kinerja text that must parse without
/// errors. `fallback_name` names a text without a title; `name` (when given) replaces whatever
/// name the file gives. `speller` is asked for only when the file is text.
pub fn read_any<'s>(
    bytes: &[u8],
    fallback_name: &str,
    name: Option<&str>,
    speller: impl FnOnce() -> Option<&'s Speller>,
) -> Reading {
    let failed = |format, source: &str, problem: String| Reading {
        organisation: None,
        report: ImportReport {
            format,
            source: source.to_owned(),
            tree: None,
            diagnostics: Vec::new(),
            problems: vec![problem],
        },
    };
    let source = match decode(bytes) {
        Ok(s) => s,
        Err(why) => return failed(Format::Text, "", why),
    };
    if source.trim().is_empty() {
        return failed(
            Format::Text,
            source,
            "berkas kosong: tidak ada teks pohon kinerja atau YAML untuk diimpor.".into(),
        );
    }
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let mut report = ImportReport {
        format: Format::Text,
        source: source.to_owned(),
        tree: None,
        diagnostics: Vec::new(),
        problems: Vec::new(),
    };
    let draft = if yaml::is_canonical(source) {
        report.format = Format::Yaml;
        match yaml::from_yaml(source) {
            Ok(org) => Some(org.into_draft()),
            Err(YamlError::Syntax { line, message }) => {
                report.diagnostics.push(Diagnostic {
                    line,
                    severity: Severity::Error,
                    code: "yaml-syntax".into(),
                    message,
                });
                None
            }
            Err(e @ (YamlError::Format(_) | YamlError::WrongKind(..))) => {
                report.problems.push(e.to_string());
                None
            }
            Err(YamlError::Invalid(errs)) => {
                report.problems.extend(errs.iter().map(ToString::to_string));
                None
            }
        }
    } else {
        let tree = text::parse(source, speller());
        let draft = (!tree.has_errors()).then(|| tree.to_draft(fallback_name));
        report.diagnostics.clone_from(&tree.diagnostics);
        report.tree = Some(tree);
        draft
    };
    let organisation = draft.and_then(|mut draft| {
        if let Some(n) = name {
            n.clone_into(&mut draft.name);
        }
        match draft.validate() {
            Ok(org) => Some(org),
            Err(e) => {
                report.problems.extend(e.0.iter().map(ToString::to_string));
                None
            }
        }
    });
    Reading {
        organisation,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], name: Option<&str>) -> Reading {
        read_any(bytes, "Cadangan", name, || None)
    }

    #[test]
    fn text_yaml_and_refusals() {
        let r = read(
            "KEPALA DINAS\nSS1. Meningkatnya mutu\nIKU1. Indeks mutu\n".as_bytes(),
            None,
        );
        assert_eq!(r.report.format, Format::Text);
        assert_eq!(r.organisation.expect("imports").name, "Cadangan");

        let yaml = "format: pokin/1\norganisation:\n  name: X\n  units: []\n";
        let r = read(yaml.as_bytes(), Some("Nama Baru"));
        assert_eq!(r.report.format, Format::Yaml);
        assert_eq!(r.organisation.expect("imports").name, "Nama Baru");

        let r = read(
            b"format: pokin/1\norganisation:\n  name: X\n  unit: []\n",
            None,
        );
        assert!(r.organisation.is_none());
        assert_eq!(r.report.diagnostics[0].line, 4);

        let r = read(b"\xff\xfe", None);
        assert!(r.report.problems[0].contains("UTF-8"));
        let r = read(b" \n\n", None);
        assert!(r.report.problems[0].contains("kosong"));
        assert!(r.report.has_errors());
    }
}
