//! The canonical YAML form of an organisation (documented in `docs/formats.md`).
//!
//! Canonical means one text per organisation: fields in a fixed order, empty fields left out,
//! numbers in their shortest form. Export, import into an empty database and export again gives
//! the same bytes, so the file can live in version control and diff cleanly.

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

/// Why a YAML file could not be read; every message is for the user, in Indonesian.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlError {
    #[error("baris {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("format '{0}' tidak dikenal; berkas ini harus diawali 'format: {FORMAT}'")]
    Format(String),
    #[error("isi berkas tidak sah:\n{}", list(.0))]
    Invalid(Vec<ValidationError>),
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
    let doc: Document<OrganisationDraft> =
        serde_yaml_ng::from_str(text).map_err(|e| YamlError::Syntax {
            line: e.location().map_or(0, |l| l.line()),
            message: translate(&e.to_string()),
        })?;
    if doc.format != FORMAT {
        return Err(YamlError::Format(doc.format));
    }
    doc.organisation
        .validate()
        .map_err(|e| YamlError::Invalid(e.0))
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
