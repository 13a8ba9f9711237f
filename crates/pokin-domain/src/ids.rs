//! Identifiers that users type: unit keys, objective and indicator codes, NIP.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an identifier was refused; the message is for the user, in Indonesian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(pub String);

/// A unit's key inside its organisation: lower-case ASCII letters, digits and single hyphens,
/// e.g. `bidang-tenaga-kerja`. Stable: URLs, account names and cascade links use it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitKey(String);

impl UnitKey {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let ok = !s.is_empty()
            && s.len() <= 120
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError(format!(
                "kunci unit '{s}' tidak sah: gunakan huruf kecil, angka dan tanda hubung (contoh: bidang-tenaga-kerja)"
            )))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitKey {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        Self::parse(&s)
    }
}
impl From<UnitKey> for String {
    fn from(k: UnitKey) -> String {
        k.0
    }
}
impl fmt::Display for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Turns a heading into a key: `SEKSI INDUSTRI  NON AGRO` → `seksi-industri-non-agro`.
/// Returns `None` when nothing usable is left (no letters or digits).
pub fn slugify(s: &str) -> Option<UnitKey> {
    let mut out = String::new();
    for c in s.chars() {
        let c = fold_ascii(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 100 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    UnitKey::parse(out).ok()
}

fn fold_ascii(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ò'..='ö' | 'Ò'..='Ö' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        _ => c,
    }
}

/// Whether a code labels an objective (`SS1`) or an indicator (`IK1.1`, `IKU1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Objective,
    Indicator,
}

/// An objective or indicator label as printed in the tree, normalised: upper case, no spaces,
/// no trailing dot (`ik 1.1.` → `IK1.1`). Unique within its unit (objectives) or objective
/// (indicators).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let norm: String = s
            .trim()
            .trim_end_matches('.')
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        let ok = !norm.is_empty()
            && norm.len() <= 32
            && norm
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && norm.starts_with(|c: char| c.is_ascii_alphabetic());
        if ok {
            Ok(Self(norm))
        } else {
            Err(IdError(format!(
                "kode '{s}' tidak sah: gunakan huruf lalu angka, misalnya SS1 atau IK1.2"
            )))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        Self::parse(&s)
    }
}
impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Nomor Induk Pegawai: 18 digits (spaces in the printed form are dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nip(String);

impl Nip {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(IdError(format!(
                "NIP '{s}' tidak sah: NIP terdiri atas 18 angka"
            )))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The printed form `19700101 199503 1 001`.
    pub fn printed(&self) -> String {
        let d = &self.0;
        format!("{} {} {} {}", &d[..8], &d[8..14], &d[14..15], &d[15..])
    }
}

impl TryFrom<String> for Nip {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        Self::parse(&s)
    }
}
impl From<Nip> for String {
    fn from(n: Nip) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise() {
        assert_eq!(Code::parse("ik 1.1.").unwrap().as_str(), "IK1.1");
        assert_eq!(Code::parse("IKU 1.").unwrap().as_str(), "IKU1");
        assert!(Code::parse("1.1").is_err());
        assert!(Code::parse("").is_err());
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("SEKSI INDUSTRI  NON AGRO").unwrap().as_str(),
            "seksi-industri-non-agro"
        );
        assert_eq!(
            slugify("SEKSI KERJASAMA, KELEMBAGAAN").unwrap().as_str(),
            "seksi-kerjasama-kelembagaan"
        );
        assert!(slugify("  ,, ").is_none());
    }

    #[test]
    fn nip() {
        let n = Nip::parse("19700101 199503 1 001").unwrap();
        assert_eq!(n.as_str(), "197001011995031001");
        assert_eq!(n.printed(), "19700101 199503 1 001");
        assert!(Nip::parse("123").is_err());
    }
}
