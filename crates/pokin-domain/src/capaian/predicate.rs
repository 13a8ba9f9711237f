//! Predicates: the capaian bands of Permendagri 86/2017 (configurable per organisation) and the
//! AKIP evaluation predicate of PermenPAN-RB 88/2021.

use super::value::{Percent, displayed};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One band: capaian from `from` (inclusive, on the displayed two-decimal value) up to the next
/// higher band's `from`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub label: String,
    pub from: f64,
}

impl Band {
    pub fn new(label: impl Into<String>, from: f64) -> Self {
        Band {
            label: label.into(),
            from,
        }
    }
}

/// Validated predicate bands, highest first, the lowest starting at 0, so every capaian (never
/// negative) falls in exactly one band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Band>", into = "Vec<Band>")]
pub struct PredicateBands(Vec<Band>);

/// Why a list of bands was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BandsError {
    #[error("daftar predikat kosong")]
    Empty,
    #[error("predikat ke-{0} tidak bernama")]
    EmptyLabel(usize),
    #[error("predikat '{0}' disebut lebih dari sekali")]
    DuplicateLabel(String),
    #[error("batas bawah predikat '{0}' bukan angka terhingga")]
    NotFinite(String),
    #[error(
        "predikat '{label}' harus dimulai di bawah predikat '{above}' (urutkan dari yang tertinggi)"
    )]
    NotDescending { label: String, above: String },
    #[error("predikat terendah '{0}' harus dimulai dari 0 agar setiap capaian tercakup")]
    LowestNotZero(String),
}

/// The band a capaian falls in: its label and its level (0 = the highest band).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Predicate<'a> {
    pub label: &'a str,
    pub level: usize,
    /// How many bands there are (for colour scales).
    pub levels: usize,
}

impl PredicateBands {
    /// Bands, highest first: labels non-empty and unique, lower bounds finite and strictly
    /// decreasing, the last one 0.
    pub fn new(bands: Vec<Band>) -> Result<Self, BandsError> {
        let Some(last) = bands.last() else {
            return Err(BandsError::Empty);
        };
        for (i, b) in bands.iter().enumerate() {
            if b.label.trim().is_empty() {
                return Err(BandsError::EmptyLabel(i + 1));
            }
            if bands[..i].iter().any(|o| o.label.trim() == b.label.trim()) {
                return Err(BandsError::DuplicateLabel(b.label.clone()));
            }
            if !b.from.is_finite() {
                return Err(BandsError::NotFinite(b.label.clone()));
            }
            if i > 0 && b.from >= bands[i - 1].from {
                return Err(BandsError::NotDescending {
                    label: b.label.clone(),
                    above: bands[i - 1].label.clone(),
                });
            }
        }
        if last.from != 0.0 {
            return Err(BandsError::LowestNotZero(last.label.clone()));
        }
        Ok(PredicateBands(bands))
    }

    /// Permendagri 86/2017: Sangat Tinggi ≥ 91, Tinggi 76–90, Sedang 66–75, Rendah 51–65,
    /// Sangat Rendah ≤ 50 (as bands: [91, ∞), [76, 91), [66, 76), [51, 66), [0, 51)).
    pub fn permendagri_86_2017() -> Self {
        PredicateBands(vec![
            Band::new("Sangat Tinggi", 91.0),
            Band::new("Tinggi", 76.0),
            Band::new("Sedang", 66.0),
            Band::new("Rendah", 51.0),
            Band::new("Sangat Rendah", 0.0),
        ])
    }

    /// The bands, highest first.
    pub fn bands(&self) -> &[Band] {
        &self.0
    }

    /// The band of a percentage, chosen on its displayed (two-decimal) value; `None` for NaN.
    /// Values below 0 (never a capaian) fall in the lowest band, `+∞` in the highest.
    pub fn classify(&self, persen: f64) -> Option<Predicate<'_>> {
        if persen.is_nan() {
            return None;
        }
        let shown = if persen.is_finite() {
            displayed(persen)
        } else {
            persen
        };
        let level = self
            .0
            .iter()
            .position(|b| shown >= b.from)
            .unwrap_or(self.0.len() - 1);
        Some(self.at(level))
    }

    /// The band of a [`Percent`].
    pub fn classify_percent(&self, p: Percent) -> Predicate<'_> {
        self.classify(p.get()).unwrap_or_else(|| self.highest())
    }

    /// The highest band.
    pub fn highest(&self) -> Predicate<'_> {
        self.at(0)
    }

    fn at(&self, level: usize) -> Predicate<'_> {
        Predicate {
            label: &self.0[level].label,
            level,
            levels: self.0.len(),
        }
    }
}

impl Default for PredicateBands {
    fn default() -> Self {
        PredicateBands::permendagri_86_2017()
    }
}

impl TryFrom<Vec<Band>> for PredicateBands {
    type Error = BandsError;
    fn try_from(v: Vec<Band>) -> Result<Self, BandsError> {
        PredicateBands::new(v)
    }
}

impl From<PredicateBands> for Vec<Band> {
    fn from(b: PredicateBands) -> Self {
        b.0
    }
}

/// The predicate of an AKIP evaluation score (PermenPAN-RB 88/2021).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PredikatAkip {
    D,
    C,
    CC,
    B,
    BB,
    A,
    AA,
}

impl PredikatAkip {
    pub fn as_str(self) -> &'static str {
        match self {
            PredikatAkip::AA => "AA",
            PredikatAkip::A => "A",
            PredikatAkip::BB => "BB",
            PredikatAkip::B => "B",
            PredikatAkip::CC => "CC",
            PredikatAkip::C => "C",
            PredikatAkip::D => "D",
        }
    }

    /// The regulation's reading of the predicate.
    pub fn interpretation(self) -> &'static str {
        match self {
            PredikatAkip::AA => "Sangat Memuaskan",
            PredikatAkip::A => "Memuaskan",
            PredikatAkip::BB => "Sangat Baik",
            PredikatAkip::B => "Baik",
            PredikatAkip::CC => "Cukup (Memadai)",
            PredikatAkip::C => "Kurang",
            PredikatAkip::D => "Sangat Kurang",
        }
    }
}

impl fmt::Display for PredikatAkip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// AA > 90, A > 80, BB > 70, B > 60, CC > 50, C > 30, D ≤ 30, on the score as displayed (two
/// decimals): 90,00 is A, 90,01 is AA. `None` for NaN.
pub fn predikat_akip(nilai: f64) -> Option<PredikatAkip> {
    if nilai.is_nan() {
        return None;
    }
    let n = if nilai.is_finite() {
        displayed(nilai)
    } else {
        nilai
    };
    Some(if n > 90.0 {
        PredikatAkip::AA
    } else if n > 80.0 {
        PredikatAkip::A
    } else if n > 70.0 {
        PredikatAkip::BB
    } else if n > 60.0 {
        PredikatAkip::B
    } else if n > 50.0 {
        PredikatAkip::CC
    } else if n > 30.0 {
        PredikatAkip::C
    } else {
        PredikatAkip::D
    })
}
