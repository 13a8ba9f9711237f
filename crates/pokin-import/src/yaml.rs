//! The canonical YAML form of an organisation and of a pemda (documented in
//! `docs/formats.md`).
//!
//! Canonical means one text per organisation (or pemda): fields in a fixed order, empty fields
//! left out, numbers in their shortest form. Export, import into an empty database and export
//! again gives the same bytes, so the file can live in version control and diff cleanly. A
//! pemda file carries its RPJMD tree, its members by name and the links and crosscuts by
//! organisation name, unit key and objective code ([`pemda_to_yaml`], [`pemda_from_yaml`]).

use pokin_domain::pemda::{CrosscutEntry, LinkEntry, PemdaDraft, PemdaFile};
use pokin_domain::{Organisation, OrganisationDraft, ValidationError};
use serde::{Deserialize, Serialize};

/// The format marker on the first line of every canonical file.
pub const FORMAT: &str = "pokin/1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<O> {
    format: String,
    organisation: O,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PemdaDocument<P> {
    format: String,
    pemda: P,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<LinkEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    crosscuts: Vec<CrosscutEntry>,
}

/// Why a YAML file could not be read; every message is for the user, in Indonesian.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlError {
    #[error("baris {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("format '{0}' tidak dikenal; berkas ini harus diawali 'format: {FORMAT}'")]
    Format(String),
    #[error("isi berkas tidak sah:\n{}", list(.0))]
    Invalid(Vec<ValidationError>),
    #[error(
        "berkas ini berisi {0}, bukan {1}; impor dengan `pokin import BERKAS` (yang mengenali \
         keduanya)"
    )]
    WrongKind(&'static str, &'static str),
}

fn list(errs: &[ValidationError]) -> String {
    errs.iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The canonical text of an organisation.
pub fn to_yaml(org: &Organisation) -> String {
    let doc = Document {
        format: FORMAT.to_owned(),
        organisation: org,
    };
    // Serialising plain data to a String cannot fail; a failure would be a bug in the types.
    serde_yaml_ng::to_string(&doc).expect("organisation serialises to YAML")
}

/// Reads a canonical file; reports syntax errors with their line and every validation problem.
pub fn from_yaml(text: &str) -> Result<Organisation, YamlError> {
    if is_pemda(text) {
        return Err(YamlError::WrongKind("pemda", "organisasi"));
    }
    let doc: Document<OrganisationDraft> = parse(text)?;
    check_format(&doc.format)?;
    doc.organisation
        .validate()
        .map_err(|e| YamlError::Invalid(e.0))
}

/// The canonical text of a pemda.
pub fn pemda_to_yaml(file: &PemdaFile) -> String {
    let doc = PemdaDocument {
        format: FORMAT.to_owned(),
        pemda: &file.pemda,
        members: file.members.clone(),
        links: file.links.clone(),
        crosscuts: file.crosscuts.clone(),
    };
    serde_yaml_ng::to_string(&doc).expect("pemda serialises to YAML")
}

/// Reads a canonical pemda file: syntax errors with their line; every problem of the tree and
/// of the links and crosscuts at once.
pub fn pemda_from_yaml(text: &str) -> Result<PemdaFile, YamlError> {
    if !is_pemda(text) {
        return Err(YamlError::WrongKind("organisasi", "pemda"));
    }
    let doc: PemdaDocument<PemdaDraft> = parse(text)?;
    check_format(&doc.format)?;
    // The tree first: the links' problems are reported once it is sound.
    let file = PemdaFile {
        pemda: doc.pemda.validate().map_err(|e| YamlError::Invalid(e.0))?,
        members: doc.members,
        links: doc.links,
        crosscuts: doc.crosscuts,
    };
    let problems = file.problems();
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(YamlError::Invalid(problems))
    }
}

/// Whether a canonical text is a pemda's (a top-level `pemda` key) rather than an
/// organisation's.
pub fn is_pemda(text: &str) -> bool {
    is_canonical(text)
        && serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text)
            .ok()
            .and_then(|v| v.as_mapping().map(|m| m.contains_key("pemda")))
            .unwrap_or(false)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml_ng::from_str(text).map_err(|e| YamlError::Syntax {
        line: e.location().map_or(0, |l| l.line()),
        message: translate(&e.to_string()),
    })
}

fn check_format(format: &str) -> Result<(), YamlError> {
    if format == FORMAT {
        Ok(())
    } else {
        Err(YamlError::Format(format.to_owned()))
    }
}

/// Whether a text looks like a canonical YAML file (or the same structure as JSON, which YAML
/// reads too) rather than a pohon kinerja text.
pub fn is_canonical(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .is_some_and(|l| l.trim_start().starts_with("format:") || l.trim_start().starts_with('{'))
}

/// serde's messages are English; give the common ones in Indonesian and keep the detail.
fn translate(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("missing field ") {
        format!("kolom {rest} wajib diisi")
    } else if let Some(rest) = msg.split("unknown field ").nth(1) {
        let field = rest.split(',').next().unwrap_or(rest);
        format!("kolom {field} tidak dikenal (periksa ejaan; lihat docs/formats.md)")
    } else if let Some(rest) = msg.split("unknown variant ").nth(1) {
        format!("nilai {rest}")
            .replace("expected one of", "yang diperbolehkan:")
            .replace("expected", "yang diperbolehkan:")
    } else if msg.starts_with("invalid type") {
        format!("jenis nilai salah ({msg})")
    } else {
        msg.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_have_lines_and_indonesian_messages() {
        let e = from_yaml("format: pokin/1\norganisation:\n  name: X\n  unitz: []\n").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("tidak dikenal"), "{s}");
        assert!(matches!(e, YamlError::Syntax { line: 4, .. }), "{e:?}");
        let e = from_yaml("format: lain/2\norganisation:\n  name: X\n  units: []\n").unwrap_err();
        assert!(matches!(e, YamlError::Format(_)));
    }

    #[test]
    fn detects_canonical() {
        assert!(is_canonical("\n# x\nformat: pokin/1\n"));
        assert!(!is_canonical("SS1. Meningkatnya"));
    }
}
