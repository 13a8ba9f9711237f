//! The organisation and its performance tree.
//!
//! [`OrganisationDraft`] is the plain shape that importers and the canonical YAML produce;
//! [`Organisation`] is a draft that passed [`OrganisationDraft::validate`]. Only the latter is
//! stored or rendered, so every consumer can rely on its cross-references.

use crate::ids::{Code, Nip, UnitKey};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// The kind of a unit, from the first words of its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Kepala Dinas / Kepala Badan: the root (JPT Pratama, eselon II).
    Kepala,
    Sekretariat,
    Bidang,
    SubBagian,
    Seksi,
    Upt,
    /// A block whose heading was lost in extraction.
    Unnamed,
}

impl UnitKind {
    pub const ALL: [UnitKind; 7] = [
        UnitKind::Kepala,
        UnitKind::Sekretariat,
        UnitKind::Bidang,
        UnitKind::SubBagian,
        UnitKind::Seksi,
        UnitKind::Upt,
        UnitKind::Unnamed,
    ];

    /// The machine name used in JSON, YAML and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Kepala => "kepala",
            UnitKind::Sekretariat => "sekretariat",
            UnitKind::Bidang => "bidang",
            UnitKind::SubBagian => "sub_bagian",
            UnitKind::Seksi => "seksi",
            UnitKind::Upt => "upt",
            UnitKind::Unnamed => "unnamed",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How a person names the kind, in Indonesian.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Kepala => "Kepala",
            UnitKind::Sekretariat => "Sekretariat",
            UnitKind::Bidang => "Bidang",
            UnitKind::SubBagian => "Sub Bagian",
            UnitKind::Seksi => "Seksi",
            UnitKind::Upt => "UPT",
            UnitKind::Unnamed => "Tanpa judul",
        }
    }
}

/// Whether a higher or a lower realisation is better, or a band is the goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Positive,
    Negative,
    Range,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
            Polarity::Range => "range",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        [Polarity::Positive, Polarity::Negative, Polarity::Range]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Polarity::Positive => "positif",
            Polarity::Negative => "negatif",
            Polarity::Range => "rentang",
        }
    }
}

/// How an indicator's periods add up to a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Sum of the periods (counts).
    Kumulatif,
    /// The last reported period (percentages, indices).
    NilaiAkhir,
    /// The mean of the reported periods.
    RataRata,
}

impl Aggregation {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Kumulatif => "kumulatif",
            Aggregation::NilaiAkhir => "nilai_akhir",
            Aggregation::RataRata => "rata_rata",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        [
            Aggregation::Kumulatif,
            Aggregation::NilaiAkhir,
            Aggregation::RataRata,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// How an official holds a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Appointment {
    #[default]
    Definitif,
    /// Pelaksana Tugas.
    Plt,
    /// Pelaksana Harian.
    Plh,
}

impl Appointment {
    pub fn as_str(self) -> &'static str {
        match self {
            Appointment::Definitif => "definitif",
            Appointment::Plt => "plt",
            Appointment::Plh => "plh",
        }
    }
    /// How a document or page names it: `Definitif`, `Plt.`, `Plh.`.
    pub fn label(self) -> &'static str {
        match self {
            Appointment::Definitif => "Definitif",
            Appointment::Plt => "Plt.",
            Appointment::Plh => "Plh.",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        [Appointment::Definitif, Appointment::Plt, Appointment::Plh]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// A target or baseline: a number, a band, or a qualitative value (e.g. `WTP`, `A`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TargetValue {
    Number(f64),
    Range { min: f64, max: f64 },
    Qualitative(String),
}

impl TargetValue {
    fn problem(&self) -> Option<String> {
        match self {
            TargetValue::Number(v) if !v.is_finite() => Some("angka tidak terhingga".into()),
            TargetValue::Range { min, max } if !min.is_finite() || !max.is_finite() => {
                Some("batas rentang tidak terhingga".into())
            }
            TargetValue::Range { min, max } if min > max => Some(format!(
                "batas bawah {min} lebih besar dari batas atas {max}"
            )),
            TargetValue::Qualitative(s) if s.trim().is_empty() => Some("nilai kosong".into()),
            _ => None,
        }
    }
}

/// The holder of a unit's head position over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Official {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nip: Option<Nip>,
    /// e.g. `Pembina Utama Muda`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pangkat: Option<String>,
    /// e.g. `IV/c`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub golongan: Option<String>,
    #[serde(default)]
    pub appointment: Appointment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

/// A cascade link: this objective supports `objective` of `unit`, with a weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    pub unit: UnitKey,
    pub objective: Code,
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An indicator with its specification (*manual IK*) and Renstra targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: Code,
    pub name: String,
    /// Indikator Kinerja Utama (the head's indicators).
    #[serde(default, skip_serializing_if = "is_false")]
    pub iku: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satuan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polarity: Option<Polarity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<Aggregation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<TargetValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Reported per quarter (the default) or per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periodisation: Option<crate::capaian::Periodisation>,
    /// Renstra targets by year.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<i32, TargetValue>,
}

impl Indicator {
    /// An indicator with a name and nothing else specified.
    pub fn new(code: Code, name: impl Into<String>) -> Self {
        Indicator {
            code,
            name: name.into(),
            iku: false,
            satuan: None,
            polarity: None,
            aggregation: None,
            definition: None,
            formula: None,
            data_source: None,
            responsible: None,
            baseline: None,
            decimals: None,
            periodisation: None,
            targets: BTreeMap::new(),
        }
    }

    /// Its targets by year as people read them: `2025: 85,5% · 2026: 87%`.
    pub fn targets_text(&self) -> String {
        self.targets
            .iter()
            .map(|(y, v)| {
                format!(
                    "{y}: {}",
                    crate::format::target(v, self.satuan.as_deref(), self.decimals)
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// An objective (*sasaran*) and its indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub code: Code,
    pub statement: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<Support>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// A unit of the organisation and its objectives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub key: UnitKey,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub parent: Option<UnitKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub officials: Vec<Official>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
}

/// The five-year strategic plan period, e.g. 2025–2029.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renstra {
    pub start: i32,
    pub end: i32,
}

impl Renstra {
    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        self.start..=self.end
    }
}

/// An organisation as read, before its cross-references are checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationDraft {
    pub name: String,
    /// The title of the pohon kinerja document, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Demo data is marked wherever it is shown.
    #[serde(default, skip_serializing_if = "is_false")]
    pub demo: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renstra: Option<Renstra>,
    pub units: Vec<Unit>,
    /// Programs, kegiatan and sub kegiatan with their pagu, linked to objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<crate::program::Program>,
}

/// One problem found by [`OrganisationDraft::validate`]: where, and what, in Indonesian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub location: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

/// A list of validation errors, shown one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl OrganisationDraft {
    /// Counts of units, objectives and indicators.
    pub fn counts(&self) -> (usize, usize, usize) {
        let objectives = self.units.iter().map(|u| u.objectives.len()).sum();
        let indicators = self
            .units
            .iter()
            .flat_map(|u| &u.objectives)
            .map(|o| o.indicators.len())
            .sum();
        (self.units.len(), objectives, indicators)
    }

    /// Checks every cross-reference and value; returns all problems at once.
    pub fn validate(self) -> Result<Organisation, ValidationErrors> {
        let mut errs = Vec::new();
        let mut err =
            |location: String, message: String| errs.push(ValidationError { location, message });
        if self.name.trim().is_empty() {
            err(String::new(), "nama organisasi kosong".into());
        }
        if let Some(r) = self.renstra
            && (r.start > r.end || r.end - r.start > 10 || r.start < 1900)
        {
            err(
                "renstra".into(),
                format!("periode Renstra {}–{} tidak masuk akal", r.start, r.end),
            );
        }
        let mut keys = HashSet::new();
        let mut objectives: HashSet<(&UnitKey, &Code)> = HashSet::new();
        for u in &self.units {
            if !keys.insert(&u.key) {
                err(
                    format!("unit {}", u.key),
                    "kunci unit dipakai lebih dari sekali".into(),
                );
            }
            if u.name.trim().is_empty() {
                err(format!("unit {}", u.key), "nama unit kosong".into());
            }
            let mut indicator_codes = HashSet::new();
            for o in &u.objectives {
                if !objectives.insert((&u.key, &o.code)) {
                    err(
                        format!("unit {} sasaran {}", u.key, o.code),
                        "kode sasaran dipakai lebih dari sekali dalam unit ini".into(),
                    );
                }
                if o.statement.trim().is_empty() {
                    err(
                        format!("unit {} sasaran {}", u.key, o.code),
                        "pernyataan sasaran kosong".into(),
                    );
                }
                for i in &o.indicators {
                    let loc = format!("unit {} indikator {}", u.key, i.code);
                    if !indicator_codes.insert(&i.code) {
                        err(
                            loc.clone(),
                            "kode indikator dipakai lebih dari sekali dalam unit ini".into(),
                        );
                    }
                    for p in indicator_problems(i, self.renstra, "Renstra") {
                        err(loc.clone(), p);
                    }
                }
            }
        }
        let parents: HashMap<&UnitKey, Option<&UnitKey>> = self
            .units
            .iter()
            .map(|u| (&u.key, u.parent.as_ref()))
            .collect();
        for u in &self.units {
            let loc = format!("unit {}", u.key);
            match &u.parent {
                Some(p) if p == &u.key => {
                    err(loc, "unit tidak boleh menjadi induk dirinya sendiri".into())
                }
                Some(p) if !parents.contains_key(p) => {
                    err(loc, format!("induk '{p}' tidak ada dalam organisasi ini"))
                }
                Some(_) => {
                    // Walk up; a chain longer than the unit count is a cycle.
                    let mut cur = u.parent.as_ref();
                    let mut steps = 0;
                    while let Some(k) = cur {
                        steps += 1;
                        if steps > self.units.len() {
                            err(loc.clone(), "susunan induk membentuk lingkaran".into());
                            break;
                        }
                        cur = parents.get(k).copied().flatten();
                    }
                }
                None => {}
            }
            for o in &u.objectives {
                let mut seen = HashSet::new();
                for s in &o.supports {
                    let loc = format!("unit {} sasaran {}", u.key, o.code);
                    if !objectives.contains(&(&s.unit, &s.objective)) {
                        err(
                            loc.clone(),
                            format!(
                                "mendukung sasaran {} pada unit {} yang tidak ada",
                                s.objective, s.unit
                            ),
                        );
                    }
                    if s.unit == u.key && s.objective == o.code {
                        err(
                            loc.clone(),
                            "sasaran tidak boleh mendukung dirinya sendiri".into(),
                        );
                    }
                    if !(s.weight.is_finite() && s.weight > 0.0) {
                        err(
                            loc.clone(),
                            format!("bobot {} harus lebih dari 0", s.weight),
                        );
                    }
                    if !seen.insert((&s.unit, &s.objective)) {
                        err(
                            loc,
                            format!("dukungan ke {} {} tercatat dua kali", s.unit, s.objective),
                        );
                    }
                }
            }
        }
        let unit_objectives: HashMap<&UnitKey, Vec<&Code>> = self
            .units
            .iter()
            .map(|u| (&u.key, u.objectives.iter().map(|o| &o.code).collect()))
            .collect();
        for (location, message) in
            crate::program::program_problems(&self.programs, &unit_objectives, self.renstra)
        {
            err(location, message);
        }
        if errs.is_empty() {
            Ok(Organisation(self))
        } else {
            Err(ValidationErrors(errs))
        }
    }
}

/// What is wrong with one indicator's own values (name, decimals, baseline, targets), each in
/// Indonesian; targets must fall inside `period` (the Renstra, or the RPJMD for a pemda
/// indicator: `period_name` says which). Shared by the OPD tree and the pemda tree.
pub(crate) fn indicator_problems(
    i: &Indicator,
    period: Option<Renstra>,
    period_name: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    if i.name.trim().is_empty() {
        out.push("nama indikator kosong".into());
    }
    if i.decimals.is_some_and(|d| d > 6) {
        out.push("jumlah desimal paling banyak 6".into());
    }
    if let Some(p) = i.baseline.as_ref().and_then(TargetValue::problem) {
        out.push(format!("baseline: {p}"));
    }
    for (year, t) in &i.targets {
        if let Some(p) = t.problem() {
            out.push(format!("target {year}: {p}"));
        }
        if let Some(r) = period
            && !r.years().contains(year)
        {
            out.push(format!(
                "target {year} di luar periode {period_name} {}–{}",
                r.start, r.end
            ));
        }
    }
    out
}

/// A validated organisation: every reference resolves and every value is sane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OrganisationDraft", into = "OrganisationDraft")]
pub struct Organisation(OrganisationDraft);

impl TryFrom<OrganisationDraft> for Organisation {
    type Error = ValidationErrors;
    fn try_from(d: OrganisationDraft) -> Result<Self, ValidationErrors> {
        d.validate()
    }
}

impl From<Organisation> for OrganisationDraft {
    fn from(o: Organisation) -> Self {
        o.0
    }
}

impl std::ops::Deref for Organisation {
    type Target = OrganisationDraft;
    fn deref(&self) -> &OrganisationDraft {
        &self.0
    }
}

impl Organisation {
    /// Gives the draft back for editing; validate it again to get an organisation.
    pub fn into_draft(self) -> OrganisationDraft {
        self.0
    }

    pub fn unit(&self, key: &UnitKey) -> Option<&Unit> {
        self.0.units.iter().find(|u| &u.key == key)
    }

    /// The units whose parent is `key` (or the roots for `None`), in document order.
    pub fn children<'a>(&'a self, key: Option<&'a UnitKey>) -> impl Iterator<Item = &'a Unit> + 'a {
        self.0
            .units
            .iter()
            .filter(move |u| u.parent.as_ref() == key)
    }
}
