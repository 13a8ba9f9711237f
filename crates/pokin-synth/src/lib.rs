//! Synthetic agencies for scale tests and benchmarks (`pokin demo --synthetic`, `scripts/bench`).
//!
//! A *kabupaten* is [`ORGS_PER_KABUPATEN`] organisations: 36 perangkat daerah (every dinas and
//! badan of a typical kabupaten, and its RSUD), each a tree of 20–30 units (Kepala →
//! Sekretariat → Sub Bagian, Bidang → Seksi / Sub Bidang, UPT), and 4 kecamatan (Camat,
//! Sekretariat Kecamatan and its Sub Bagian, 4–5 Seksi): ~940 units, ~4,200 indicators (~4.5 per
//! unit), five Renstra years of targets ([`RENSTRA_START`]..=[`RENSTRA_END`]), quarterly
//! Rencana Aksi targets (~84,000) and quarterly realisations (~78,000) in realistic workflow
//! states (older quarters verified, the latest ones a mix of draft, submitted, returned and
//! missing). A *provinsi* is 20 kabupaten, the *nasional* aggregator 550 (~2.3 million
//! indicators, ~43 million realisations).
//!
//! The head's objectives and key indicators (IKU) are the organisation's own (angka kematian
//! ibu, opini BPK, tingkat inflasi as a band, predikat SAKIP…); lower units' objectives and
//! indicators come from wording templates about the unit's subject, with satuan, polarity
//! (about one in six lower-is-better), aggregation, baseline and targets. Every unit has a head
//! official with a plausible name, rank and a NIP whose digits agree with them.
//!
//! Each kabupaten has its pemda ([`pemda`]): an RPJMD tree over the same period (three misi,
//! six tujuan with the Bupati's IKU, twelve sasaran daerah) and every head objective proposed to
//! a sasaran daerah, most links accepted, some waiting, some rejected with a reason.
//!
//! Everything is a pure function of `(seed, kabupaten index, organisation index)` (SplitMix64
//! streams, no clock, no global RNG): the same seed gives the same data, byte for byte, on every
//! machine and every day, and each organisation can be generated on its own ([`organisation`]).
//! Kabupaten are generated one at a time so that nasional scale streams in bounded memory.
//!
//! Invariant: depends only on `pokin-domain`; no I/O.

mod catalogue;
mod pemda;
mod rng;
mod text;
mod tree;
mod values;

use pokin_domain::capaian::Realisation;
use pokin_domain::measure::{
    IndicatorKey, IndicatorYear, Period, Status, periodisation_of, verified_year,
};
use pokin_domain::{Organisation, TargetValue, slugify};
use std::collections::HashMap;

pub use pemda::{LinkOutcome, REJECTION, SyntheticLink, SyntheticPemda, pemda};
pub use tree::kabupaten_name;

/// Organisations per kabupaten.
pub const ORGS_PER_KABUPATEN: usize = 40;
/// The Renstra period of every synthetic organisation (fixed, so data does not depend on the clock).
pub const RENSTRA_START: i32 = 2022;
pub const RENSTRA_END: i32 = 2026;
/// The last quarter with realisations in [`RENSTRA_END`] (the "current" quarter of the data).
pub const LAST_QUARTER: u8 = 3;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// One kabupaten: 40 organisations.
    Kabupaten,
    /// 20 kabupaten.
    Provinsi,
    /// 550 kabupaten.
    Nasional,
}

impl Scale {
    /// How many kabupaten.
    pub fn kabupaten(self) -> usize {
        match self {
            Scale::Kabupaten => 1,
            Scale::Provinsi => 20,
            Scale::Nasional => 550,
        }
    }

    /// `kabupaten`, `provinsi`, `nasional`.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Kabupaten => "kabupaten",
            Scale::Provinsi => "provinsi",
            Scale::Nasional => "nasional",
        }
    }

    /// From its name (as on the command line).
    pub fn parse(s: &str) -> Option<Scale> {
        [Scale::Kabupaten, Scale::Provinsi, Scale::Nasional]
            .into_iter()
            .find(|sc| sc.name() == s.trim().to_lowercase())
    }
}

/// One realisation as an operator left it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticRealisation {
    pub indicator: IndicatorKey,
    pub period: Period,
    pub value: Realisation,
    pub status: Status,
    /// Set when `status` is [`Status::Dikembalikan`].
    pub return_reason: Option<String>,
    /// Who entered it (an operator's user name).
    pub updated_by: String,
}

/// One synthetic organisation: its tree (with Renstra targets in the indicators) and its
/// measurements.
#[derive(Debug, Clone)]
pub struct SyntheticOrg {
    pub org: Organisation,
    /// Rencana Aksi targets per quarter, for every indicator and Renstra year.
    pub period_targets: Vec<(IndicatorKey, Period, TargetValue)>,
    /// Realisations up to [`RENSTRA_END`] TW [`LAST_QUARTER`], in workflow states.
    pub realisations: Vec<SyntheticRealisation>,
}

impl SyntheticOrg {
    /// How many indicators the tree has.
    pub fn indicator_count(&self) -> usize {
        self.org
            .units
            .iter()
            .flat_map(|u| &u.objectives)
            .map(|o| o.indicators.len())
            .sum()
    }

    /// How many units the tree has.
    pub fn unit_count(&self) -> usize {
        self.org.units.len()
    }

    /// The input of capaian for `year`, exactly as the store would build it from these
    /// measurements ([`pokin_domain::measure::verified_year`]): Rencana Aksi targets and
    /// verified realisations per indicator.
    pub fn verified(&self, year: i32) -> HashMap<IndicatorKey, IndicatorYear> {
        let current: HashMap<IndicatorKey, _> = self
            .org
            .units
            .iter()
            .flat_map(|u| {
                u.objectives.iter().flat_map(move |o| {
                    o.indicators.iter().map(move |i| {
                        let key = IndicatorKey {
                            unit: u.key.clone(),
                            code: i.code.clone(),
                        };
                        (key, periodisation_of(i))
                    })
                })
            })
            .collect();
        verified_year(
            year,
            |k| current.get(k).copied(),
            self.period_targets
                .iter()
                .filter(|(_, p, _)| p.year == year)
                .map(|(k, p, t)| (k, *p, t)),
            self.realisations
                .iter()
                .filter(|r| r.period.year == year)
                .map(|r| (&r.indicator, r.period, r.status, Some(&r.value))),
        )
    }
}

/// The user name that entered an organisation's realisations: `operator-<slug of its name>`.
pub fn operator_name(org_name: &str) -> String {
    match slugify(org_name) {
        Some(slug) => format!("operator-{slug}"),
        None => "operator".into(),
    }
}

/// The organisations of kabupaten number `index` (0-based) for `seed`: [`ORGS_PER_KABUPATEN`]
/// of them, names unique across all kabupaten of any scale (the kabupaten's name is part of
/// each organisation's name).
pub fn kabupaten(seed: u64, index: usize) -> Vec<SyntheticOrg> {
    (0..ORGS_PER_KABUPATEN)
        .map(|o| organisation(seed, index, o))
        .collect()
}

/// Organisation number `org_index` (`0..ORGS_PER_KABUPATEN`) of kabupaten `index`, generated on
/// its own (the same as `kabupaten(seed, index)[org_index]`): the perangkat daerah first (dinas,
/// then badan), then the kecamatan.
///
/// # Panics
///
/// When `org_index` is out of range, or (a bug) when the generated tree does not validate.
pub fn organisation(seed: u64, index: usize, org_index: usize) -> SyntheticOrg {
    assert!(
        org_index < ORGS_PER_KABUPATEN,
        "a kabupaten has {ORGS_PER_KABUPATEN} organisations, not {}",
        org_index + 1
    );
    let rng = rng::Rng::new(&[seed, index as u64, org_index as u64]);
    let draft = tree::draft(seed, index, org_index, &mut rng.fork(0));
    let org = draft
        .validate()
        .unwrap_or_else(|e| panic!("synthetic organisation does not validate (a bug):\n{e}"));
    let operator = operator_name(&org.name);
    let mut period_targets = Vec::new();
    let mut realisations = Vec::new();
    let values = rng.fork(1);
    let mut n = 0u64;
    for u in &org.units {
        for o in &u.objectives {
            for i in &o.indicators {
                let key = IndicatorKey {
                    unit: u.key.clone(),
                    code: i.code.clone(),
                };
                values::indicator_values(
                    i,
                    &key,
                    &operator,
                    &mut values.fork(n),
                    &mut period_targets,
                    &mut realisations,
                );
                n += 1;
            }
        }
    }
    SyntheticOrg {
        org,
        period_targets,
        realisations,
    }
}

/// One large pohon kinerja text (the format `pokin parse` reads, like the seed agency's file)
/// holding the trees of `orgs` as one organisation: for parser throughput. Each head's heading
/// names its organisation (`KEPALA DINAS KESEHATAN`); the parser reads the later heads as
/// further roots (a `many-heads` warning each) and infers parents and supports from wording.
pub fn pohon_text(orgs: &[SyntheticOrg]) -> String {
    text::pohon_text(orgs)
}
