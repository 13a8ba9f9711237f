//! The content of the documents an agency signs and files, built from domain values: the
//! Perjanjian Kinerja (PermenPAN-RB 53/2014) with its Rencana Aksi, the LKjIP Bab III tables,
//! and the Evaluasi Hasil Renja (Permendagri 86/2017); in [`pemda`], the pemda's own: the IKU of
//! the pemda, the cascading matrix and the Perjanjian Kinerja of the head of region.
//!
//! These are plain values: `pokin-docs` lays them out as PDF or XLSX, and a Perjanjian
//! Kinerja is kept as a JSON snapshot per version, so an earlier version can be rendered again
//! exactly as it was established.

pub mod pemda;

use crate::capaian::{Capaian, IndicatorRule, Periodisation, PredicateBands, Realisation, capaian};
use crate::ids::{Code, IdError, UnitKey};
use crate::measure::{
    IndicatorKey, IndicatorYear, OrganisationMeasure, Period, RealisationInput, periodisation_of,
};
use crate::org::{Appointment, Official, Organisation, TargetValue, Unit, UnitKind};
use crate::program::{BudgetYear, Program, ProgramLevel, absorption, budget, realised};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Settings.

/// What documents need that the tree does not hold: the region, the place of signing and the
/// head of region (Pihak Kedua of the head of agency).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DocumentSettings {
    /// `Kabupaten Boyolali`.
    pub region: String,
    /// Where documents are signed: `Boyolali`.
    pub place: String,
    /// `Bupati Boyolali`.
    pub head_title: String,
    /// The head of region's name as printed.
    pub head_name: String,
}

impl DocumentSettings {
    /// Every problem, in Indonesian (empty when complete and sane).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (value, label) in [
            (&self.region, "nama daerah"),
            (&self.place, "tempat penandatanganan"),
            (&self.head_title, "jabatan kepala daerah"),
            (&self.head_name, "nama kepala daerah"),
        ] {
            if value.trim().is_empty() {
                out.push(format!("{label} belum diisi"));
            } else if value.chars().count() > 200 {
                out.push(format!(
                    "{label} terlalu panjang (paling banyak 200 karakter)"
                ));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Perjanjian Kinerja.

/// One party of a Perjanjian Kinerja as printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Empty when nobody holds the position on the signing date.
    pub name: String,
    /// The position (*jabatan*), with `Plt.` / `Plh.` in front where the holder acts.
    pub position: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pangkat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub golongan: Option<String>,
    /// As printed: `NIP. 19680101 199403 1 001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nip: Option<String>,
    #[serde(default)]
    pub appointment: Appointment,
}

/// One indicator of a Perjanjian Kinerja with its year target and Rencana Aksi targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PkIndicator {
    pub code: Code,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satuan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// The year's (Renstra) target; `None` when not set.
    pub target: Option<TargetValue>,
    pub periodisation: Periodisation,
    /// Rencana Aksi target per period (4 quarters or 12 months).
    pub period_targets: Vec<Option<TargetValue>>,
}

impl PkIndicator {
    /// The target with its satuan in Indonesian format, `—` when missing.
    pub fn target_text(&self) -> String {
        self.target
            .as_ref()
            .map(|t| crate::format::target(t, self.satuan.as_deref(), self.decimals))
            .unwrap_or_else(|| "—".into())
    }

    /// A period's Rencana Aksi target (without satuan), `—` when missing.
    pub fn period_text(&self, i: usize) -> String {
        match self.period_targets.get(i).cloned().flatten() {
            Some(t) => crate::format::target(&t, None, self.decimals),
            None => "—".into(),
        }
    }
}

/// An objective of a Perjanjian Kinerja.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PkObjective {
    pub code: Code,
    pub statement: String,
    pub indicators: Vec<PkIndicator>,
}

/// One line of the budget table of a Perjanjian Kinerja.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub code: String,
    pub level: ProgramLevel,
    pub name: String,
    /// Pagu of the year (Rp); `None` when not set.
    pub amount: Option<f64>,
}

/// Why a Perjanjian Kinerja was amended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentReason {
    PergantianPejabat,
    PerubahanAnggaran,
    PerubahanStrategi,
}

impl AmendmentReason {
    pub const ALL: [AmendmentReason; 3] = [
        AmendmentReason::PergantianPejabat,
        AmendmentReason::PerubahanAnggaran,
        AmendmentReason::PerubahanStrategi,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentReason::PergantianPejabat => "pergantian_pejabat",
            AmendmentReason::PerubahanAnggaran => "perubahan_anggaran",
            AmendmentReason::PerubahanStrategi => "perubahan_strategi",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            AmendmentReason::PergantianPejabat => "Pergantian pejabat",
            AmendmentReason::PerubahanAnggaran => "Perubahan anggaran",
            AmendmentReason::PerubahanStrategi => "Perubahan strategi",
        }
    }
}

/// An amendment's reason and explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub reason: AmendmentReason,
    pub note: String,
}

/// A Perjanjian Kinerja of one unit for one year, with its Rencana Aksi.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerjanjianKinerja {
    /// The agency: `Dinas Penanaman Modal, …`.
    pub organisation: String,
    /// `Kabupaten Boyolali`.
    pub region: String,
    pub unit: UnitKey,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub year: i32,
    /// The unit head as of `signed_on`.
    pub first: Party,
    /// The direct superior, or the head of region for the head of agency.
    pub second: Party,
    pub place: String,
    pub signed_on: NaiveDate,
    pub objectives: Vec<PkObjective>,
    pub budget: Vec<BudgetLine>,
    /// 1 for the first established version; 0 for a draft not yet established.
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<Amendment>,
    #[serde(default)]
    pub demo: bool,
}

impl PerjanjianKinerja {
    /// The sum of the budget lines that have an amount.
    pub fn budget_total(&self) -> f64 {
        self.budget.iter().filter_map(|b| b.amount).sum()
    }

    /// Every indicator in order.
    pub fn indicators(&self) -> impl Iterator<Item = &PkIndicator> {
        self.objectives.iter().flat_map(|o| &o.indicators)
    }

    /// What keeps it from being signed as it is, in Indonesian (empty when ready).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.first.name.trim().is_empty() {
            out.push(format!(
                "belum ada pejabat {} pada {}",
                self.first.position,
                crate::format::date(self.signed_on)
            ));
        }
        if self.second.name.trim().is_empty() {
            out.push(format!(
                "pihak kedua ({}) belum diketahui",
                self.second.position
            ));
        }
        if self.objectives.is_empty() {
            out.push("unit ini belum memiliki sasaran".into());
        }
        for i in self.indicators() {
            if i.target.is_none() {
                out.push(format!(
                    "indikator {} belum memiliki target {}",
                    i.code, self.year
                ));
            }
        }
        if self.region.trim().is_empty() || self.place.trim().is_empty() {
            out.push("pengaturan dokumen (daerah, tempat) belum diisi".into());
        }
        out
    }
}

/// The position a unit's head holds: `Kepala Dinas …`, `Sekretaris`, `Kepala Bidang …`.
pub fn position_title(org: &Organisation, unit: &Unit) -> String {
    let name = unit.name.trim();
    match unit.kind {
        UnitKind::Kepala => {
            let agency = org.name.trim();
            let first = agency.split_whitespace().next().unwrap_or("");
            if name.eq_ignore_ascii_case(&format!("Kepala {first}")) || name == "Kepala" {
                format!("Kepala {agency}")
            } else if name.to_lowercase().starts_with("kepala") {
                name.to_string()
            } else {
                format!("Kepala {agency}")
            }
        }
        UnitKind::Sekretariat => "Sekretaris".into(),
        _ if name.to_lowercase().starts_with("kepala") => name.to_string(),
        _ => format!("Kepala {name}"),
    }
}

/// The official holding `unit`'s head position on `date`: the one whose period covers it
/// (a definitive holder before an acting one), else the latest without an end.
pub fn official_on(unit: &Unit, date: NaiveDate) -> Option<&Official> {
    let covers =
        |o: &&Official| o.since.is_none_or(|s| s <= date) && o.until.is_none_or(|u| u >= date);
    unit.officials
        .iter()
        .filter(covers)
        .min_by_key(|o| o.appointment != Appointment::Definitif)
        .or_else(|| unit.officials.iter().rev().find(|o| o.until.is_none()))
}

fn party(org: &Organisation, unit: &Unit, date: NaiveDate) -> Party {
    let title = position_title(org, unit);
    match official_on(unit, date) {
        Some(o) => Party {
            name: o.name.clone(),
            position: match o.appointment {
                Appointment::Definitif => title,
                a => format!("{} {title}", a.label()),
            },
            pangkat: o.pangkat.clone(),
            golongan: o.golongan.clone(),
            nip: o.nip.as_ref().map(|n| format!("NIP. {}", n.printed())),
            appointment: o.appointment,
        },
        None => Party {
            name: String::new(),
            position: title,
            pangkat: None,
            golongan: None,
            nip: None,
            appointment: Appointment::Definitif,
        },
    }
}

/// The Perjanjian Kinerja of `unit` for `year` signed on `signed_on`, from the tree, the
/// Rencana Aksi targets (`plans`, keyed by unit and indicator code) and the settings. A draft
/// (version 0); the store numbers established versions.
pub fn perjanjian_kinerja(
    org: &Organisation,
    unit: &UnitKey,
    year: i32,
    signed_on: NaiveDate,
    settings: &DocumentSettings,
    plans: &HashMap<IndicatorKey, IndicatorYear>,
) -> Result<PerjanjianKinerja, IdError> {
    let u = org
        .units
        .iter()
        .find(|u| &u.key == unit)
        .ok_or_else(|| IdError(format!("unit {unit} tidak ada")))?;
    let second = match u
        .parent
        .as_ref()
        .and_then(|p| org.units.iter().find(|x| &x.key == p))
    {
        Some(parent) => party(org, parent, signed_on),
        None => Party {
            name: settings.head_name.clone(),
            position: settings.head_title.clone(),
            pangkat: None,
            golongan: None,
            nip: None,
            appointment: Appointment::Definitif,
        },
    };
    let objectives = u
        .objectives
        .iter()
        .map(|o| PkObjective {
            code: o.code.clone(),
            statement: o.statement.clone(),
            indicators: o
                .indicators
                .iter()
                .map(|i| {
                    let periodisation = periodisation_of(i);
                    let key = IndicatorKey {
                        unit: u.key.clone(),
                        code: i.code.clone(),
                    };
                    let mut period_targets = plans
                        .get(&key)
                        .map(|d| d.targets.clone())
                        .unwrap_or_default();
                    period_targets.resize(periodisation.count(), None);
                    PkIndicator {
                        code: i.code.clone(),
                        name: i.name.clone(),
                        satuan: i.satuan.clone(),
                        decimals: i.decimals,
                        target: i.targets.get(&year).cloned(),
                        periodisation,
                        period_targets,
                    }
                })
                .collect(),
        })
        .collect();
    let budget = org
        .programs
        .iter()
        .filter(|p| &p.unit == unit)
        .map(|p| BudgetLine {
            code: p.code.clone(),
            level: p.level,
            name: p.name.clone(),
            amount: budget(&org.programs, &p.code, year),
        })
        .collect();
    Ok(PerjanjianKinerja {
        organisation: org.name.clone(),
        region: settings.region.clone(),
        unit: u.key.clone(),
        unit_name: u.name.clone(),
        unit_kind: u.kind,
        year,
        first: party(org, u, signed_on),
        second,
        place: settings.place.clone(),
        signed_on,
        objectives,
        budget,
        version: 0,
        amendment: None,
        demo: org.demo,
    })
}

// ---------------------------------------------------------------------------------------------
// LKjIP Bab III.

/// One indicator row of the LKjIP capaian table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LkjipIndicator {
    pub code: Code,
    pub name: String,
    pub satuan: Option<String>,
    pub decimals: Option<u8>,
    pub target: Option<TargetValue>,
    pub realisation: Option<Realisation>,
    pub capaian: Capaian,
    /// The predicate label, when a capaian was computed.
    pub predicate: Option<String>,
    /// Realisations of the two previous years: `[year − 2, year − 1]`.
    pub previous: [Option<Realisation>; 2],
    /// The Renstra end year and its target.
    pub renstra_end: Option<(i32, TargetValue)>,
    /// This year's realisation against the Renstra end target.
    pub capaian_renstra: Capaian,
}

/// An objective of the LKjIP with its indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LkjipObjective {
    pub unit: UnitKey,
    pub unit_name: String,
    pub code: Code,
    pub statement: String,
    pub indicators: Vec<LkjipIndicator>,
    /// The objective's own capaian (mean of its indicators).
    pub capaian: Capaian,
}

/// One line of the budget table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LkjipBudget {
    pub code: String,
    pub level: ProgramLevel,
    pub name: String,
    pub unit_name: String,
    pub pagu: Option<f64>,
    pub realised: Option<f64>,
    /// Serapan %.
    pub absorption: Option<f64>,
}

/// Capaian against serapan for the programs linked to an objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LkjipEfficiency {
    pub unit_name: String,
    pub statement: String,
    pub capaian: Option<f64>,
    pub absorption: Option<f64>,
    /// `capaian − serapan` in percentage points; positive means efficient.
    pub difference: Option<f64>,
}

/// A narrative of a verified realisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LkjipNarrative {
    pub unit_name: String,
    pub indicator: String,
    pub period: String,
    pub pendorong: Option<String>,
    pub kendala: Option<String>,
    pub solusi: Option<String>,
}

/// The LKjIP Bab III tables of an organisation for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lkjip {
    pub organisation: String,
    pub region: String,
    pub year: i32,
    pub demo: bool,
    pub objectives: Vec<LkjipObjective>,
    pub budget: Vec<LkjipBudget>,
    pub efficiency: Vec<LkjipEfficiency>,
    pub narratives: Vec<LkjipNarrative>,
    /// The organisation's overall capaian.
    pub overall: Capaian,
}

impl Lkjip {
    /// Total pagu, realised budget and serapan of the programs (top level lines only).
    pub fn budget_total(&self) -> (f64, f64, Option<f64>) {
        let top = self
            .budget
            .iter()
            .filter(|b| b.level == ProgramLevel::Program);
        let (p, r) = top.fold((0.0, 0.0), |(p, r), b| {
            (p + b.pagu.unwrap_or(0.0), r + b.realised.unwrap_or(0.0))
        });
        (p, r, absorption(Some(p), Some(r)))
    }
}

/// The inputs of [`lkjip`] for one organisation and year.
pub struct LkjipInput<'a> {
    pub org: &'a Organisation,
    pub settings: &'a DocumentSettings,
    pub bands: &'a PredicateBands,
    /// The year's measure ([`crate::measure::Span::Year`]).
    pub current: &'a OrganisationMeasure,
    /// The measures of the two previous years: `[year − 2, year − 1]`.
    pub previous: [&'a OrganisationMeasure; 2],
    /// Realised budget of the year per program code.
    pub budget: &'a HashMap<String, BudgetYear>,
    /// Verified realisations of the year with their narratives, in period order.
    pub narratives: Vec<(&'a IndicatorKey, Period, &'a RealisationInput)>,
}

/// The LKjIP Bab III tables. Objectives appear unit by unit in tree order (the head first).
pub fn lkjip(input: LkjipInput<'_>) -> Lkjip {
    let LkjipInput {
        org,
        settings,
        bands,
        current,
        previous,
        budget: spent,
        narratives,
    } = input;
    let year = current.year;
    let end = org.renstra.map(|r| r.end);
    let mut objectives = Vec::new();
    for u in tree_order(org) {
        let unit_roll = current.roll_up.unit(&u.key);
        for o in &u.objectives {
            let indicators = o
                .indicators
                .iter()
                .map(|i| {
                    let m = current.indicator(&u.key, &i.code);
                    let realisation = m.and_then(|m| m.realisation.clone());
                    let cap = m
                        .map(|m| m.capaian.clone())
                        .unwrap_or(Capaian::BelumDilaporkan);
                    let renstra_end = end.and_then(|y| i.targets.get(&y).map(|t| (y, t.clone())));
                    let capaian_renstra = match &renstra_end {
                        Some((_, t)) => {
                            capaian(&IndicatorRule::for_indicator(i), t, realisation.as_ref())
                        }
                        None => {
                            Capaian::TidakDapatDihitung("target akhir Renstra belum diisi".into())
                        }
                    };
                    LkjipIndicator {
                        code: i.code.clone(),
                        name: i.name.clone(),
                        satuan: i.satuan.clone(),
                        decimals: i.decimals,
                        target: i.targets.get(&year).cloned(),
                        predicate: cap.predicate(bands).map(|p| p.label.to_string()),
                        capaian: cap,
                        previous: previous.map(|p| {
                            p.indicator(&u.key, &i.code)
                                .and_then(|m| m.realisation.clone())
                        }),
                        realisation,
                        renstra_end,
                        capaian_renstra,
                    }
                })
                .collect();
            let capaian = unit_roll
                .and_then(|r| r.objective(&o.code))
                .map(|c| c.capaian().clone())
                .unwrap_or(Capaian::BelumDilaporkan);
            objectives.push(LkjipObjective {
                unit: u.key.clone(),
                unit_name: u.name.clone(),
                code: o.code.clone(),
                statement: o.statement.clone(),
                indicators,
                capaian,
            });
        }
    }
    let unit_name = |k: &UnitKey| {
        org.units
            .iter()
            .find(|u| &u.key == k)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let budget_lines: Vec<LkjipBudget> = program_order(&org.programs)
        .into_iter()
        .map(|p| {
            let pagu = budget(&org.programs, &p.code, year);
            let r = realised(&org.programs, spent, &p.code).total();
            LkjipBudget {
                code: p.code.clone(),
                level: p.level,
                name: p.name.clone(),
                unit_name: unit_name(&p.unit),
                pagu,
                realised: r,
                absorption: absorption(pagu, r),
            }
        })
        .collect();
    let ceiling = crate::capaian::Ceiling::default();
    let efficiency = objectives
        .iter()
        .filter_map(|o| {
            let linked: Vec<&Program> = org
                .programs
                .iter()
                .filter(|p| p.unit == o.unit && p.objective.as_ref() == Some(&o.code))
                .collect();
            if linked.is_empty() {
                return None;
            }
            let pagu: f64 = linked
                .iter()
                .filter_map(|p| budget(&org.programs, &p.code, year))
                .sum();
            let spent_sum: Option<f64> = linked
                .iter()
                .filter_map(|p| realised(&org.programs, spent, &p.code).total())
                .fold(None, |a, v| Some(a.unwrap_or(0.0) + v));
            let absorption = absorption(Some(pagu), spent_sum);
            let capaian = o.capaian.numeric(ceiling);
            Some(LkjipEfficiency {
                unit_name: o.unit_name.clone(),
                statement: o.statement.clone(),
                capaian,
                absorption,
                difference: capaian.zip(absorption).map(|(c, a)| c - a),
            })
        })
        .collect();
    let names: HashMap<(&UnitKey, &Code), &str> = org
        .units
        .iter()
        .flat_map(|u| {
            u.objectives
                .iter()
                .flat_map(|o| &o.indicators)
                .map(move |i| ((&u.key, &i.code), i.name.as_str()))
        })
        .collect();
    let narratives = narratives
        .into_iter()
        .filter(|(_, _, r)| r.kendala.is_some() || r.solusi.is_some() || r.pendorong.is_some())
        .filter_map(|(k, period, r)| {
            let name = names.get(&(&k.unit, &k.code))?;
            Some(LkjipNarrative {
                unit_name: unit_name(&k.unit),
                indicator: (*name).to_string(),
                period: period.label(),
                pendorong: r.pendorong.clone(),
                kendala: r.kendala.clone(),
                solusi: r.solusi.clone(),
            })
        })
        .collect();
    Lkjip {
        organisation: org.name.clone(),
        region: settings.region.clone(),
        year,
        demo: org.demo,
        objectives,
        budget: budget_lines,
        efficiency,
        narratives,
        overall: current.roll_up.overall().capaian,
    }
}

/// Units in tree order: the root(s) first, then each unit's children depth first, in the
/// order they were listed.
pub fn tree_order(org: &Organisation) -> Vec<&Unit> {
    fn visit<'a>(org: &'a Organisation, u: &'a Unit, out: &mut Vec<&'a Unit>, depth: usize) {
        out.push(u);
        if depth > org.units.len() {
            return;
        }
        for c in org
            .units
            .iter()
            .filter(|c| c.parent.as_ref() == Some(&u.key))
        {
            visit(org, c, out, depth + 1);
        }
    }
    let mut out = Vec::new();
    for root in org.units.iter().filter(|u| u.parent.is_none()) {
        visit(org, root, &mut out, 0);
    }
    out
}

/// Programs in hierarchy order: each program followed by its kegiatan, each kegiatan by its
/// sub kegiatan, in the order they were listed.
pub fn program_order(programs: &[Program]) -> Vec<&Program> {
    fn visit<'a>(all: &'a [Program], p: &'a Program, out: &mut Vec<&'a Program>, depth: usize) {
        out.push(p);
        if depth > 3 {
            return;
        }
        for c in all
            .iter()
            .filter(|c| c.parent.as_deref() == Some(p.code.as_str()))
        {
            visit(all, c, out, depth + 1);
        }
    }
    let mut out = Vec::new();
    for p in programs.iter().filter(|p| p.parent.is_none()) {
        visit(programs, p, &mut out, 0);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Evaluasi Hasil Renja (Permendagri 86/2017).

/// One row of the Evaluasi Hasil Renja: a program, kegiatan or sub kegiatan with one of the
/// indicators of the objective it serves (or none). K = kinerja (the indicator's value), Rp =
/// anggaran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenjaRow {
    /// Column 2: the objective (*sasaran*) served, on the first row of each item.
    pub objective: Option<String>,
    pub level: ProgramLevel,
    pub code: String,
    /// Column 3.
    pub program: String,
    /// Column 4: the indicator (empty when the objective has none).
    pub indicator: Option<String>,
    /// Column 5.
    pub satuan: Option<String>,
    /// Column 6: the Renstra end-year target (K) and the Renstra pagu (Rp, sum of the
    /// Renstra years).
    pub renstra_k: Option<f64>,
    pub renstra_rp: Option<f64>,
    /// Column 7: realisation up to the previous year (K only for a cumulative indicator;
    /// Rp the sum of previous years' realised budget).
    pub previous_k: Option<f64>,
    pub previous_rp: Option<f64>,
    /// Column 8: this year's target and pagu.
    pub target_k: Option<f64>,
    pub target_rp: Option<f64>,
    /// Columns 9–12: per quarter, K (the increment for a non-cumulative indicator, so that
    /// column 13 is the year's value) and Rp.
    pub quarters_k: [Option<f64>; 4],
    pub quarters_rp: [Option<f64>; 4],
    /// Whether the Rp columns belong to this row (the first row of each item); later rows of the
    /// same item (further indicators) leave them empty so the totals count each budget once.
    pub carries_budget: bool,
}

/// The Evaluasi Hasil Renja of an organisation for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renja {
    pub organisation: String,
    pub region: String,
    pub year: i32,
    pub renstra_end: Option<i32>,
    pub demo: bool,
    pub rows: Vec<RenjaRow>,
}

/// The realised values of one indicator: per year, its [`IndicatorYear`] (verified).
pub type IndicatorHistory = HashMap<i32, IndicatorYear>;

/// The Evaluasi Hasil Renja for `year`: every budget item in hierarchy order with the
/// indicators of the objective it serves. `history` holds verified realisations per indicator
/// and year (the Renstra years up to `year`); `spent` realised budget per program and year.
pub fn renja(
    org: &Organisation,
    settings: &DocumentSettings,
    year: i32,
    history: &HashMap<IndicatorKey, IndicatorHistory>,
    spent: &HashMap<i32, HashMap<String, BudgetYear>>,
) -> Renja {
    let start = org.renstra.map(|r| r.start).unwrap_or(year);
    let end = org.renstra.map(|r| r.end);
    let empty_spent = HashMap::new();
    let spent_in = |y: i32| spent.get(&y).unwrap_or(&empty_spent);
    let mut rows = Vec::new();
    for p in program_order(&org.programs) {
        let renstra_rp = org.renstra.map(|r| {
            r.years()
                .filter_map(|y| budget(&org.programs, &p.code, y))
                .sum::<f64>()
        });
        let previous_rp = (start..year)
            .filter_map(|y| realised(&org.programs, spent_in(y), &p.code).total())
            .fold(None, |a: Option<f64>, v| Some(a.unwrap_or(0.0) + v));
        let this = realised(&org.programs, spent_in(year), &p.code);
        let objective = p.objective.as_ref().and_then(|c| {
            org.units
                .iter()
                .find(|u| u.key == p.unit)
                .and_then(|u| u.objectives.iter().find(|o| &o.code == c))
        });
        let indicators: Vec<_> = objective
            .map(|o| o.indicators.iter().collect())
            .unwrap_or_default();
        let base = RenjaRow {
            objective: objective.map(|o| o.statement.clone()),
            level: p.level,
            code: p.code.clone(),
            program: p.name.clone(),
            indicator: None,
            satuan: None,
            renstra_k: None,
            renstra_rp,
            previous_k: None,
            previous_rp,
            target_k: None,
            target_rp: budget(&org.programs, &p.code, year),
            quarters_k: [None; 4],
            quarters_rp: this.quarters,
            carries_budget: true,
        };
        if indicators.is_empty() {
            rows.push(base);
            continue;
        }
        for (n, i) in indicators.into_iter().enumerate() {
            let key = IndicatorKey {
                unit: p.unit.clone(),
                code: i.code.clone(),
            };
            let number = |t: Option<&TargetValue>| match t {
                Some(TargetValue::Number(v)) => Some(*v),
                _ => None,
            };
            let kumulatif = crate::measure::aggregation_of(i) == crate::org::Aggregation::Kumulatif;
            let years = history.get(&key);
            let quarter_values = |y: i32| -> [Option<f64>; 4] {
                let mut q = [None; 4];
                let Some(d) = years.and_then(|h| h.get(&y)) else {
                    return q;
                };
                let per = periodisation_of(i).count() / 4;
                for (qi, slot) in q.iter_mut().enumerate() {
                    let vals: Vec<f64> = (qi * per..(qi + 1) * per)
                        .filter_map(|k| match d.realisations.get(k).cloned().flatten() {
                            Some(Realisation::Number(v)) => Some(v),
                            _ => None,
                        })
                        .collect();
                    if !vals.is_empty() {
                        *slot = Some(if kumulatif {
                            vals.iter().sum()
                        } else {
                            *vals.last().unwrap_or(&0.0)
                        });
                    }
                }
                q
            };
            let mut quarters_k = quarter_values(year);
            if !kumulatif {
                // Increments: the columns add up (col. 13) to the latest value.
                let mut last = 0.0;
                for slot in quarters_k.iter_mut() {
                    if let Some(v) = *slot {
                        *slot = Some(v - last);
                        last = v;
                    }
                }
            }
            let previous_k = kumulatif
                .then(|| {
                    (start..year)
                        .flat_map(|y| quarter_values(y).into_iter().flatten())
                        .fold(None, |a: Option<f64>, v| Some(a.unwrap_or(0.0) + v))
                })
                .flatten();
            let first = n == 0;
            rows.push(RenjaRow {
                objective: if first { base.objective.clone() } else { None },
                indicator: Some(i.name.clone()),
                satuan: i.satuan.clone(),
                renstra_k: end.and_then(|y| number(i.targets.get(&y))),
                previous_k,
                target_k: number(i.targets.get(&year)),
                quarters_k,
                carries_budget: first,
                renstra_rp: if first { base.renstra_rp } else { None },
                previous_rp: if first { base.previous_rp } else { None },
                target_rp: if first { base.target_rp } else { None },
                quarters_rp: if first { base.quarters_rp } else { [None; 4] },
                ..base.clone()
            });
        }
    }
    Renja {
        organisation: org.name.clone(),
        region: settings.region.clone(),
        year,
        renstra_end: end,
        demo: org.demo,
        rows,
    }
}
