//! The pemda (a kabupaten, kota or provinsi government) and its RPJMD tree, and the links that
//! say which perangkat daerah realises what.
//!
//! - [`PemdaDraft`] / [`Pemda`]: visi, then a tree of [`PemdaNode`]s (misi → tujuan → optional
//!   tematik / sub-tematik → sasaran daerah), tujuan and below carrying [`Indicator`]s exactly like
//!   an OPD's (satuan, polarity, baseline, targets per year of the RPJMD). A node is not a unit:
//!   it has no officials and no cascade inside; OPD objectives reach it through links.
//! - [`CascadeLink`]: an OPD objective or indicator realises a pemda node or indicator, with a
//!   role and a weight, through the lifecycle *diusulkan → diterima | ditolak* ([`link_step`]).
//! - [`Crosscut`]: one OPD asks another to contribute to one of its objectives, with the same
//!   lifecycle; a count target may be split in shares ([`share_balance`]).
//! - [`coverage`]: Bappeda's control figures; [`pemda_capaian`]: the kabupaten's capaian through
//!   the accepted links (the roll-up engine of [`crate::capaian`]) or Bappeda's own realisation.

use crate::capaian::{
    Capaian, Ceiling, IndicatorRule, Realisation, RollUp, RollUpInput, capaian, roll_up,
};
use crate::ids::{Code, UnitKey};
use crate::org::{Indicator, Organisation, Renstra, ValidationError, ValidationErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which kind of region a pemda governs (names its head: Bupati, Wali Kota, Gubernur).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Kabupaten,
    Kota,
    Provinsi,
}

impl RegionKind {
    pub const ALL: [RegionKind; 3] = [
        RegionKind::Kabupaten,
        RegionKind::Kota,
        RegionKind::Provinsi,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::Kabupaten => "kabupaten",
            RegionKind::Kota => "kota",
            RegionKind::Provinsi => "provinsi",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The title of the head of region: `Bupati`, `Wali Kota`, `Gubernur`.
    pub fn head_title(self) -> &'static str {
        match self {
            RegionKind::Kabupaten => "Bupati",
            RegionKind::Kota => "Wali Kota",
            RegionKind::Provinsi => "Gubernur",
        }
    }
}

/// The level of a node of the RPJMD tree (the visi stands above, once, as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PemdaLevel {
    Misi,
    Tujuan,
    /// A thematic level between tujuan and sasaran (e.g. *kemiskinan*, *stunting*).
    Tematik,
    SubTematik,
    /// Sasaran daerah: what perangkat daerah realise.
    Sasaran,
}

impl PemdaLevel {
    pub const ALL: [PemdaLevel; 5] = [
        PemdaLevel::Misi,
        PemdaLevel::Tujuan,
        PemdaLevel::Tematik,
        PemdaLevel::SubTematik,
        PemdaLevel::Sasaran,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PemdaLevel::Misi => "misi",
            PemdaLevel::Tujuan => "tujuan",
            PemdaLevel::Tematik => "tematik",
            PemdaLevel::SubTematik => "sub_tematik",
            PemdaLevel::Sasaran => "sasaran",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// `Misi`, `Tujuan`, `Tematik`, `Sub Tematik`, `Sasaran Daerah`.
    pub fn label(self) -> &'static str {
        match self {
            PemdaLevel::Misi => "Misi",
            PemdaLevel::Tujuan => "Tujuan",
            PemdaLevel::Tematik => "Tematik",
            PemdaLevel::SubTematik => "Sub Tematik",
            PemdaLevel::Sasaran => "Sasaran Daerah",
        }
    }

    /// The levels a node of this level may hang under (`None`: a root).
    pub fn parents(self) -> &'static [PemdaLevel] {
        match self {
            PemdaLevel::Misi => &[],
            PemdaLevel::Tujuan => &[PemdaLevel::Misi],
            PemdaLevel::Tematik => &[PemdaLevel::Tujuan],
            PemdaLevel::SubTematik => &[PemdaLevel::Tematik],
            PemdaLevel::Sasaran => &[
                PemdaLevel::Tujuan,
                PemdaLevel::Tematik,
                PemdaLevel::SubTematik,
            ],
        }
    }
}

/// One node of the RPJMD tree: a misi, tujuan, thematic level or sasaran daerah.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PemdaNode {
    /// Unique in the pemda, e.g. `M1`, `T1.1`, `S1.1.1`.
    pub code: Code,
    pub level: PemdaLevel,
    pub statement: String,
    /// The node above (a code of this pemda); `None` only for a misi.
    #[serde(default)]
    pub parent: Option<Code>,
    /// The indicators (IKU of the head of region at tujuan and sasaran level); codes unique
    /// across the whole pemda, so a link names one by its code alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
}

/// A pemda as read, before its cross-references are checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PemdaDraft {
    /// e.g. `Pemerintah Kabupaten Contoh`; unique in a database.
    pub name: String,
    pub kind: RegionKind,
    /// The RPJMD period; every indicator target falls inside it.
    pub rpjmd: Renstra,
    pub visi: String,
    /// The head of region's name, for the documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_name: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    #[serde(default)]
    pub nodes: Vec<PemdaNode>,
}

/// `text` without a leading `word` (any case) and the spaces after it; `None` when it does not
/// start with the word.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let rest = text.get(word.len()..)?;
    (head.eq_ignore_ascii_case(word) && rest.starts_with(' ')).then(|| rest.trim_start())
}

/// A validated pemda: unique codes, parents that exist at an allowed level, sane indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PemdaDraft", into = "PemdaDraft")]
pub struct Pemda(PemdaDraft);

impl TryFrom<PemdaDraft> for Pemda {
    type Error = ValidationErrors;
    fn try_from(d: PemdaDraft) -> Result<Self, ValidationErrors> {
        d.validate()
    }
}

impl From<Pemda> for PemdaDraft {
    fn from(p: Pemda) -> Self {
        p.0
    }
}

impl std::ops::Deref for Pemda {
    type Target = PemdaDraft;
    fn deref(&self) -> &PemdaDraft {
        &self.0
    }
}

impl PemdaDraft {
    /// The region without `Pemerintah` in front: `Kabupaten Contoh`.
    pub fn region(&self) -> String {
        let name = self.name.trim();
        strip_word(name, "Pemerintah")
            .map(str::to_string)
            .unwrap_or_else(|| name.to_string())
    }

    /// The region's own name, where documents are signed: `Contoh` (of `Kabupaten Contoh`).
    pub fn place(&self) -> String {
        let region = self.region();
        ["Kabupaten", "Kota", "Provinsi"]
            .into_iter()
            .find_map(|w| strip_word(&region, w))
            .map(str::to_string)
            .unwrap_or(region)
    }

    /// The head of region's position as printed: `Bupati Contoh`, `Gubernur Jawa Barat`.
    pub fn head_position(&self) -> String {
        format!("{} {}", self.kind.head_title(), self.place())
    }

    /// Checks every reference and value; returns all problems at once.
    pub fn validate(self) -> Result<Pemda, ValidationErrors> {
        let mut errs = Vec::new();
        let mut err =
            |location: String, message: String| errs.push(ValidationError { location, message });
        if self.name.trim().is_empty() {
            err(String::new(), "nama pemerintah daerah kosong".into());
        }
        if self.visi.trim().is_empty() {
            err("visi".into(), "visi RPJMD kosong".into());
        }
        let r = self.rpjmd;
        if r.start > r.end || r.end - r.start > 10 || r.start < 1900 {
            err(
                "rpjmd".into(),
                format!("periode RPJMD {}–{} tidak masuk akal", r.start, r.end),
            );
        }
        let levels: HashMap<&Code, PemdaLevel> =
            self.nodes.iter().map(|n| (&n.code, n.level)).collect();
        let mut codes = HashSet::new();
        let mut indicator_codes = HashSet::new();
        for n in &self.nodes {
            let loc = format!("{} {}", n.level.as_str(), n.code);
            if !codes.insert(&n.code) {
                err(loc.clone(), "kode dipakai lebih dari sekali".into());
            }
            if n.statement.trim().is_empty() {
                err(loc.clone(), "pernyataan kosong".into());
            }
            match (&n.parent, n.level.parents()) {
                (None, []) => {}
                (Some(_), []) => err(loc.clone(), "misi tidak berinduk".into()),
                (None, allowed) => err(
                    loc.clone(),
                    format!("induk wajib diisi ({})", level_names(allowed)),
                ),
                (Some(p), allowed) => match levels.get(p) {
                    None => err(loc.clone(), format!("induk '{p}' tidak ada")),
                    Some(l) if !allowed.contains(l) => err(
                        loc.clone(),
                        format!(
                            "induk '{p}' adalah {}; {} harus berada di bawah {}",
                            l.label(),
                            n.level.label(),
                            level_names(allowed)
                        ),
                    ),
                    Some(_) => {}
                },
            }
            if n.level == PemdaLevel::Misi && !n.indicators.is_empty() {
                err(loc.clone(), "misi tidak memiliki indikator".into());
            }
            for i in &n.indicators {
                let loc = format!("indikator {}", i.code);
                if !indicator_codes.insert(&i.code) {
                    err(
                        loc.clone(),
                        "kode indikator dipakai lebih dari sekali dalam RPJMD ini".into(),
                    );
                }
                if codes.contains(&i.code) || levels.contains_key(&i.code) {
                    err(
                        loc.clone(),
                        "kode indikator sama dengan kode sasaran/tujuan".into(),
                    );
                }
                for p in crate::org::indicator_problems(i, Some(self.rpjmd), "RPJMD") {
                    err(loc.clone(), p);
                }
            }
        }
        if errs.is_empty() {
            Ok(Pemda(self))
        } else {
            Err(ValidationErrors(errs))
        }
    }
}

fn level_names(levels: &[PemdaLevel]) -> String {
    levels
        .iter()
        .map(|l| l.label())
        .collect::<Vec<_>>()
        .join(" atau ")
}

impl Pemda {
    pub fn into_draft(self) -> PemdaDraft {
        self.0
    }

    pub fn node(&self, code: &Code) -> Option<&PemdaNode> {
        self.0.nodes.iter().find(|n| &n.code == code)
    }

    /// The node holding indicator `code`, and the indicator.
    pub fn indicator(&self, code: &Code) -> Option<(&PemdaNode, &Indicator)> {
        self.0.nodes.iter().find_map(|n| {
            n.indicators
                .iter()
                .find(|i| &i.code == code)
                .map(|i| (n, i))
        })
    }

    /// The nodes under `parent` (the misi for `None`), in document order.
    pub fn children<'a>(&'a self, parent: Option<&'a Code>) -> impl Iterator<Item = &'a PemdaNode> {
        self.0
            .nodes
            .iter()
            .filter(move |n| n.parent.as_ref() == parent)
    }

    /// Every indicator with its node, in document order.
    pub fn indicators(&self) -> impl Iterator<Item = (&PemdaNode, &Indicator)> {
        self.0
            .nodes
            .iter()
            .flat_map(|n| n.indicators.iter().map(move |i| (n, i)))
    }

    /// The IKU of the head of region: the indicators marked IKU, else (none marked) those of
    /// the tujuan; in document order. The region dashboard and the head's Perjanjian Kinerja
    /// show these.
    pub fn head_iku(&self) -> Vec<(&PemdaNode, &Indicator)> {
        let any_marked = self.indicators().any(|(_, i)| i.iku);
        self.indicators()
            .filter(|(n, i)| {
                if any_marked {
                    i.iku
                } else {
                    n.level == PemdaLevel::Tujuan
                }
            })
            .collect()
    }

    /// Whether `target` names a node (and indicator) of this pemda.
    pub fn resolves(&self, target: &PemdaTarget) -> bool {
        match &target.indicator {
            Some(i) => self
                .indicator(i)
                .is_some_and(|(n, _)| n.code == target.node),
            None => self.node(&target.node).is_some(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Links

/// Where a link or crosscut stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Diusulkan,
    Diterima,
    Ditolak,
}

impl LinkStatus {
    pub const ALL: [LinkStatus; 3] = [
        LinkStatus::Diusulkan,
        LinkStatus::Diterima,
        LinkStatus::Ditolak,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Diusulkan => "diusulkan",
            LinkStatus::Diterima => "diterima",
            LinkStatus::Ditolak => "ditolak",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// `Menunggu`, `Diterima`, `Ditolak`.
    pub fn label(self) -> &'static str {
        match self {
            LinkStatus::Diusulkan => "Menunggu",
            LinkStatus::Diterima => "Diterima",
            LinkStatus::Ditolak => "Ditolak",
        }
    }
}

/// A step of the link lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkAction {
    /// Propose (again, after a rejection).
    Usulkan,
    Terima,
    Tolak,
}

impl LinkAction {
    pub const ALL: [LinkAction; 3] = [LinkAction::Usulkan, LinkAction::Terima, LinkAction::Tolak];
    pub fn as_str(self) -> &'static str {
        match self {
            LinkAction::Usulkan => "usulkan",
            LinkAction::Terima => "terima",
            LinkAction::Tolak => "tolak",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The next status of a link or crosscut in `current` (`None`: not yet proposed) after
/// `action`: proposing is allowed when new or rejected, accepting and rejecting only while
/// proposed; rejecting needs a reason. The one place that decides which steps exist.
pub fn link_step(
    current: Option<LinkStatus>,
    action: LinkAction,
    reason: Option<&str>,
) -> Result<LinkStatus, String> {
    use LinkAction::*;
    use LinkStatus::*;
    match (current, action) {
        (None | Some(Ditolak), Usulkan) => Ok(Diusulkan),
        (Some(Diusulkan), Terima) => Ok(Diterima),
        (Some(Diusulkan), Tolak) => {
            if reason.is_some_and(|r| !r.trim().is_empty()) {
                Ok(Ditolak)
            } else {
                Err("alasan penolakan wajib diisi: tuliskan mengapa tautan ini ditolak".into())
            }
        }
        (Some(Diusulkan), Usulkan) => Err("tautan ini sudah diusulkan dan menunggu jawaban".into()),
        (Some(Diterima), _) => Err("tautan ini sudah diterima".into()),
        (None, _) => Err("tautan belum diusulkan".into()),
        (Some(Ditolak), _) => Err("tautan ini sudah ditolak; usulkan kembali bila perlu".into()),
    }
}

/// The part a perangkat daerah plays for a pemda node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkRole {
    PengampuUtama,
    Pendukung,
}

impl LinkRole {
    pub const ALL: [LinkRole; 2] = [LinkRole::PengampuUtama, LinkRole::Pendukung];
    pub fn as_str(self) -> &'static str {
        match self {
            LinkRole::PengampuUtama => "pengampu_utama",
            LinkRole::Pendukung => "pendukung",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            LinkRole::PengampuUtama => "Pengampu utama",
            LinkRole::Pendukung => "Pendukung",
        }
    }
}

/// Which side proposed a link (the other side answers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSide {
    /// Bappeda proposed: the perangkat daerah answers.
    Pemda,
    /// The perangkat daerah proposed upward: Bappeda answers.
    Opd,
}

impl LinkSide {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkSide::Pemda => "pemda",
            LinkSide::Opd => "opd",
        }
    }
    pub fn from_str_opt(s: &str) -> Option<Self> {
        [LinkSide::Pemda, LinkSide::Opd]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A pemda node, or one of its indicators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PemdaTarget {
    pub node: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Code>,
}

/// An objective of a perangkat daerah, or one of its indicators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpdSource {
    pub unit: UnitKey,
    pub objective: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Code>,
}

impl OpdSource {
    /// Whether the objective (and indicator) exist in `org`.
    pub fn resolves(&self, org: &Organisation) -> bool {
        org.unit(&self.unit)
            .and_then(|u| u.objectives.iter().find(|o| o.code == self.objective))
            .is_some_and(|o| match &self.indicator {
                Some(i) => o.indicators.iter().any(|x| &x.code == i),
                None => true,
            })
    }

    /// `kepala-dinas SS1` or `kepala-dinas SS1 IKU1`.
    pub fn label(&self) -> String {
        match &self.indicator {
            Some(i) => format!("{} {} {i}", self.unit, self.objective),
            None => format!("{} {}", self.unit, self.objective),
        }
    }
}

/// A link: perangkat daerah `org_id` realises `target` of its pemda with `source` (named when
/// accepted, or by the proposing perangkat daerah).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CascadeLink {
    pub id: i64,
    pub org_id: i64,
    pub target: PemdaTarget,
    pub source: Option<OpdSource>,
    pub role: LinkRole,
    pub weight: f64,
    pub status: LinkStatus,
    /// Why it was rejected (the latest rejection).
    pub reason: Option<String>,
    pub proposed_by: LinkSide,
    pub proposer: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl CascadeLink {
    /// Whether one end no longer exists (deleted or renamed away): shown as broken to both
    /// sides, never dropped, and counted nowhere.
    pub fn broken(&self, pemda: &Pemda, org: Option<&Organisation>) -> bool {
        !pemda.resolves(&self.target)
            || match (&self.source, org) {
                (Some(s), Some(o)) => !s.resolves(o),
                (Some(_), None) => true,
                (None, _) => false,
            }
    }

    /// Whether this link says something about pemda indicator `code` of node `node`: it names
    /// the indicator, or the node as a whole.
    pub fn covers(&self, node: &Code, code: &Code) -> bool {
        &self.target.node == node && self.target.indicator.as_ref().is_none_or(|i| i == code)
    }
}

/// A crosscutting request between two perangkat daerah of one pemda: `from_org` asks `to_org`
/// to contribute to objective `from` (optionally to one of its indicators, with a `share` of a
/// count target); `to_org` answers by naming its objective `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crosscut {
    pub id: i64,
    pub from_org: i64,
    pub from: OpdSource,
    pub to_org: i64,
    pub to: Option<OpdSource>,
    pub share: Option<f64>,
    pub status: LinkStatus,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub proposer: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Shares of a split count target against the parent's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareBalance {
    Kurang,
    Pas,
    Lebih,
}

impl ShareBalance {
    pub fn label(self) -> &'static str {
        match self {
            ShareBalance::Kurang => "kurang",
            ShareBalance::Pas => "pas",
            ShareBalance::Lebih => "lebih",
        }
    }
}

/// Whether `shares` add up to `target` (within a millionth of it, against rounding): *kurang*,
/// *pas* or *lebih*.
pub fn share_balance(target: f64, shares: impl IntoIterator<Item = f64>) -> ShareBalance {
    let sum: f64 = shares.into_iter().sum();
    let tolerance = target.abs().max(1.0) * 1e-6;
    if (sum - target).abs() <= tolerance {
        ShareBalance::Pas
    } else if sum < target {
        ShareBalance::Kurang
    } else {
        ShareBalance::Lebih
    }
}

/// An objective of one organisation: its id and the objective.
pub type OrgObjective = (i64, OpdSource);

/// Whether adding the support edge `from → to` (objective `from` contributes to `to`) to the
/// existing edges `edges` (cascade inside organisations and accepted or waiting crosscuts, each
/// objective named by organisation and source) would close a cycle, or links an objective to
/// itself.
pub fn closes_cycle(
    edges: &[(OrgObjective, OrgObjective)],
    from: &OrgObjective,
    to: &OrgObjective,
) -> bool {
    let objective = |(org, s): &(i64, OpdSource)| (*org, s.unit.clone(), s.objective.clone());
    let (from, to) = (objective(from), objective(to));
    if from == to {
        return true;
    }
    let mut next: HashMap<_, Vec<_>> = HashMap::new();
    for (a, b) in edges {
        next.entry(objective(a)).or_default().push(objective(b));
    }
    // A cycle appears when `from` is reachable from `to`.
    let mut stack = vec![to];
    let mut seen = HashSet::new();
    while let Some(n) = stack.pop() {
        if n == from {
            return true;
        }
        if seen.insert(n.clone())
            && let Some(ns) = next.get(&n)
        {
            stack.extend(ns.iter().cloned());
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Coverage

/// One perangkat daerah as coverage sees it.
pub struct Member<'a> {
    pub org_id: i64,
    pub name: &'a str,
    pub org: &'a Organisation,
}

/// A cell of the coverage matrix: the best state of the links of one perangkat daerah to one
/// pemda indicator (accepted before waiting before rejected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Diterima,
    Menunggu,
    Ditolak,
    Rusak,
}

impl Cell {
    pub fn label(self) -> &'static str {
        match self {
            Cell::Diterima => "diterima",
            Cell::Menunggu => "menunggu",
            Cell::Ditolak => "ditolak",
            Cell::Rusak => "rusak",
        }
    }
}

/// A perangkat daerah's share of head objectives attached to the RPJMD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgCoverage {
    pub org_id: i64,
    pub name: String,
    /// Objectives of the head of the organisation (root units).
    pub head_objectives: usize,
    /// Of those, how many realise a pemda node through an accepted link.
    pub linked: usize,
    /// `linked / head_objectives × 100`; `None` without head objectives.
    pub persen_cascading: Option<f64>,
    /// The head objectives attached to nothing.
    pub unattached: Vec<OpdSource>,
    pub waiting: usize,
    pub rejected: usize,
    pub broken: usize,
}

/// Bappeda's control figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Per perangkat daerah, ranked by `persen_cascading` (highest first, then by name).
    pub orgs: Vec<OrgCoverage>,
    /// Sasaran daerah (and their indicators) that no perangkat daerah realises (no accepted,
    /// unbroken link).
    pub uncovered: Vec<Code>,
    /// Per pemda indicator code, per organisation id: the matrix.
    pub matrix: BTreeMap<Code, BTreeMap<i64, Cell>>,
    /// Waiting links older than the limit, oldest first: (link id, days waiting).
    pub stale: Vec<(i64, i64)>,
}

/// The coverage of `pemda` by `members` through `links`; a waiting link older than
/// `stale_days` days at `now` is listed as stale.
pub fn coverage(
    pemda: &Pemda,
    members: &[Member<'_>],
    links: &[CascadeLink],
    now: DateTime<Utc>,
    stale_days: i64,
) -> Coverage {
    let by_org: HashMap<i64, &Member> = members.iter().map(|m| (m.org_id, m)).collect();
    let broken = |l: &CascadeLink| l.broken(pemda, by_org.get(&l.org_id).map(|m| m.org));
    let live_accepted = |l: &CascadeLink| l.status == LinkStatus::Diterima && !broken(l);
    let mut orgs: Vec<OrgCoverage> = members
        .iter()
        .map(|m| {
            let own: Vec<&CascadeLink> = links.iter().filter(|l| l.org_id == m.org_id).collect();
            let attached: HashSet<(&UnitKey, &Code)> = own
                .iter()
                .filter(|l| live_accepted(l))
                .filter_map(|l| l.source.as_ref().map(|s| (&s.unit, &s.objective)))
                .collect();
            let head: Vec<OpdSource> = m
                .org
                .children(None)
                .flat_map(|u| {
                    u.objectives.iter().map(|o| OpdSource {
                        unit: u.key.clone(),
                        objective: o.code.clone(),
                        indicator: None,
                    })
                })
                .collect();
            let unattached: Vec<OpdSource> = head
                .iter()
                .filter(|s| !attached.contains(&(&s.unit, &s.objective)))
                .cloned()
                .collect();
            let linked = head.len() - unattached.len();
            OrgCoverage {
                org_id: m.org_id,
                name: m.name.to_owned(),
                head_objectives: head.len(),
                linked,
                persen_cascading: (!head.is_empty())
                    .then(|| linked as f64 / head.len() as f64 * 100.0),
                unattached,
                waiting: own
                    .iter()
                    .filter(|l| l.status == LinkStatus::Diusulkan)
                    .count(),
                rejected: own
                    .iter()
                    .filter(|l| l.status == LinkStatus::Ditolak)
                    .count(),
                broken: own.iter().filter(|l| broken(l)).count(),
            }
        })
        .collect();
    orgs.sort_by(|a, b| {
        b.persen_cascading
            .unwrap_or(-1.0)
            .total_cmp(&a.persen_cascading.unwrap_or(-1.0))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    let uncovered = pemda
        .nodes
        .iter()
        .filter(|n| n.level == PemdaLevel::Sasaran)
        .filter(|n| {
            !links
                .iter()
                .any(|l| live_accepted(l) && l.target.node == n.code)
        })
        .map(|n| n.code.clone())
        .collect();
    let mut matrix: BTreeMap<Code, BTreeMap<i64, Cell>> = BTreeMap::new();
    for (node, i) in pemda.indicators() {
        let row = matrix.entry(i.code.clone()).or_default();
        for l in links.iter().filter(|l| l.covers(&node.code, &i.code)) {
            let cell = if broken(l) {
                Cell::Rusak
            } else {
                match l.status {
                    LinkStatus::Diterima => Cell::Diterima,
                    LinkStatus::Diusulkan => Cell::Menunggu,
                    LinkStatus::Ditolak => Cell::Ditolak,
                }
            };
            let rank = |c: Cell| match c {
                Cell::Diterima => 0,
                Cell::Menunggu => 1,
                Cell::Ditolak => 2,
                Cell::Rusak => 3,
            };
            row.entry(l.org_id)
                .and_modify(|c| {
                    if rank(cell) < rank(*c) {
                        *c = cell
                    }
                })
                .or_insert(cell);
        }
    }
    let mut stale: Vec<(i64, i64)> = links
        .iter()
        .filter(|l| l.status == LinkStatus::Diusulkan)
        .map(|l| (l.id, (now - l.proposed_at).num_days()))
        .filter(|(_, days)| *days > stale_days)
        .collect();
    stale.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Coverage {
        orgs,
        uncovered,
        matrix,
        stale,
    }
}

// ---------------------------------------------------------------------------------------------
// Capaian

/// Where a pemda indicator's capaian came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "sumber", rename_all = "snake_case")]
pub enum PemdaSource {
    /// Bappeda recorded the realisation itself; it counts instead of the links.
    Realisasi {
        target: Option<crate::TargetValue>,
        realisasi: Realisation,
    },
    /// The weighted roll-up of the accepted links' capaian (link ids as keys).
    Tautan { roll_up: RollUp<i64> },
}

/// The capaian of one pemda indicator for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PemdaIndicatorCapaian {
    pub node: Code,
    pub code: Code,
    pub capaian: Capaian,
    pub source: PemdaSource,
}

/// The capaian a link brings: of the OPD indicator it names, else of its objective (the
/// roll-up of `measure`, the OPD's measurement of the year); a broken link or one without its
/// organisation's data cannot be computed, and says why.
pub fn link_capaian(
    pemda: &Pemda,
    link: &CascadeLink,
    org: Option<&Organisation>,
    measure: Option<&crate::measure::OrganisationMeasure>,
) -> Capaian {
    if link.broken(pemda, org) {
        return Capaian::TidakDapatDihitung(
            "tautan rusak: sasaran atau indikator di salah satu ujungnya sudah tidak ada".into(),
        );
    }
    let (Some(source), Some(m)) = (&link.source, measure) else {
        return Capaian::TidakDapatDihitung("sasaran perangkat daerah belum disebut".into());
    };
    let found = match &source.indicator {
        Some(i) => m.indicator(&source.unit, i).map(|x| x.capaian.clone()),
        None => m
            .roll_up
            .objective(&source.unit, &source.objective)
            .map(|o| o.capaian().clone()),
    };
    found.unwrap_or_else(|| Capaian::TidakDapatDihitung("capaian sasaran tidak ditemukan".into()))
}

/// The capaian of every indicator of `pemda` in `year`, in document order.
///
/// An indicator with Bappeda's own realisation (`own`) is measured from it against its RPJMD
/// target of the year (the polarity formulas of [`crate::capaian::capaian`]). Otherwise it is the
/// weighted roll-up ([`roll_up`], capped at `ceiling`) of the capaian of the accepted, unbroken
/// links that cover it (naming it, or its node), each weighing its link's weight;
/// `link_capaian(link)` gives a link's capaian (of the OPD indicator it names, else of its
/// objective). Unreported links are left out and listed; no link at all is *belum dilaporkan*
/// with nothing to roll up (an empty roll-up says why).
pub fn pemda_capaian(
    pemda: &Pemda,
    year: i32,
    links: &[&CascadeLink],
    own: &HashMap<Code, Realisation>,
    ceiling: Ceiling,
    mut link_capaian: impl FnMut(&CascadeLink) -> Capaian,
) -> Vec<PemdaIndicatorCapaian> {
    let mut cache: HashMap<i64, Capaian> = HashMap::new();
    pemda
        .indicators()
        .map(|(node, i)| {
            if let Some(r) = own.get(&i.code) {
                let target = i.targets.get(&year).cloned();
                let c = match &target {
                    Some(t) => capaian(&IndicatorRule::for_indicator(i), t, Some(r)),
                    None => Capaian::TidakDapatDihitung(format!("target tahun {year} belum diisi")),
                };
                return PemdaIndicatorCapaian {
                    node: node.code.clone(),
                    code: i.code.clone(),
                    capaian: c,
                    source: PemdaSource::Realisasi {
                        target,
                        realisasi: r.clone(),
                    },
                };
            }
            let inputs: Vec<RollUpInput<i64>> = links
                .iter()
                .filter(|l| l.status == LinkStatus::Diterima && l.covers(&node.code, &i.code))
                .map(|l| {
                    let c = cache.entry(l.id).or_insert_with(|| link_capaian(l)).clone();
                    RollUpInput::new(l.id, c, l.weight)
                })
                .collect();
            let r = roll_up(inputs, ceiling);
            let c = if r.items.is_empty() {
                Capaian::BelumDilaporkan
            } else {
                r.capaian.clone()
            };
            PemdaIndicatorCapaian {
                node: node.code.clone(),
                code: i.code.clone(),
                capaian: c,
                source: PemdaSource::Tautan { roll_up: r },
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The pemda as a file

/// A pemda as its canonical file carries it (`docs/formats.md`): the RPJMD tree, the member
/// organisations by name, and the links and crosscuts between them, objectives named by unit
/// key and code. Who proposed and decided what, and when, stays in the audit log: a file says
/// where each link stands, not how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct PemdaFile {
    pub pemda: Pemda,
    /// Names of the member organisations, as stored.
    pub members: Vec<String>,
    pub links: Vec<LinkEntry>,
    pub crosscuts: Vec<CrosscutEntry>,
}

/// A link in a [`PemdaFile`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkEntry {
    /// The member organisation that realises the target.
    pub organisation: String,
    pub target: PemdaTarget,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<OpdSource>,
    pub role: LinkRole,
    pub weight: f64,
    pub proposed_by: LinkSide,
    pub status: LinkStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A crosscut in a [`PemdaFile`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosscutEntry {
    /// The organisation asking for a contribution to its objective `from`.
    pub from_organisation: String,
    pub from: OpdSource,
    /// The organisation asked; `to` is its objective once it accepted.
    pub to_organisation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<OpdSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    pub status: LinkStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PemdaFile {
    /// What makes the file's links and crosscuts meaningless whatever the database holds:
    /// organisations that are not members, a rejection without a reason, an acceptance that
    /// names no objective, a weight that is not positive, the same link twice, a crosscut of
    /// an organisation with itself. Ends that do not resolve are not problems here: a link to
    /// a deleted objective is kept and shown as broken ([`CascadeLink::broken`]).
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut errs = Vec::new();
        let mut err = |location: String, message: String| {
            errs.push(ValidationError { location, message });
        };
        let mut names = HashSet::new();
        for m in &self.members {
            if m.trim().is_empty() {
                err("members".into(), "nama organisasi kosong".into());
            } else if !names.insert(m.as_str()) {
                err(
                    format!("members {m}"),
                    "organisasi disebut lebih dari sekali".into(),
                );
            }
        }
        let member = |name: &str| names.contains(name);
        let mut seen = HashSet::new();
        for (n, l) in self.links.iter().enumerate() {
            let loc = format!("links {}", n + 1);
            if !member(&l.organisation) {
                err(
                    loc.clone(),
                    format!("organisasi '{}' tidak ada di members", l.organisation),
                );
            }
            if !(l.weight.is_finite() && l.weight > 0.0 && l.weight <= 1e6) {
                err(
                    loc.clone(),
                    format!("bobot {} harus lebih dari 0", l.weight),
                );
            }
            match (l.status, &l.source, &l.reason) {
                (LinkStatus::Ditolak, _, None) => {
                    err(loc.clone(), "tautan ditolak tanpa alasan (reason)".into())
                }
                (LinkStatus::Diterima, None, _) => err(
                    loc.clone(),
                    "tautan diterima harus menyebut sasaran perangkat daerah (source)".into(),
                ),
                (LinkStatus::Diusulkan | LinkStatus::Diterima, _, Some(_)) => err(
                    loc.clone(),
                    "alasan (reason) hanya untuk tautan yang ditolak".into(),
                ),
                _ => {}
            }
            if l.proposed_by == LinkSide::Opd && l.source.is_none() {
                err(
                    loc.clone(),
                    "usulan perangkat daerah harus menyebut sasarannya (source)".into(),
                );
            }
            if l.status != LinkStatus::Ditolak
                && !seen.insert((&l.organisation, &l.target, &l.source))
            {
                err(loc, "tautan yang sama disebut lebih dari sekali".into());
            }
        }
        for (n, c) in self.crosscuts.iter().enumerate() {
            let loc = format!("crosscuts {}", n + 1);
            for o in [&c.from_organisation, &c.to_organisation] {
                if !member(o) {
                    err(
                        loc.clone(),
                        format!("organisasi '{o}' tidak ada di members"),
                    );
                }
            }
            if c.from_organisation == c.to_organisation {
                err(
                    loc.clone(),
                    "crosscutting harus antara dua organisasi yang berbeda".into(),
                );
            }
            if c.share.is_some_and(|s| !(s.is_finite() && s >= 0.0)) {
                err(
                    loc.clone(),
                    "bagian (share) harus angka 0 atau lebih".into(),
                );
            }
            if c.to.as_ref().is_some_and(|t| t.indicator.is_some()) {
                err(
                    loc.clone(),
                    "sasaran penerima (to) menyebut unit dan sasaran saja, tanpa indikator".into(),
                );
            }
            match (c.status, &c.to, &c.reason) {
                (LinkStatus::Ditolak, _, None) => {
                    err(loc, "crosscutting ditolak tanpa alasan (reason)".into())
                }
                (LinkStatus::Diterima, None, _) => err(
                    loc,
                    "crosscutting diterima harus menyebut sasaran penerimanya (to)".into(),
                ),
                _ => {}
            }
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TargetValue;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn node(c: &str, level: PemdaLevel, parent: Option<&str>) -> PemdaNode {
        PemdaNode {
            code: code(c),
            level,
            statement: format!("Pernyataan {c}"),
            parent: parent.map(code),
            indicators: Vec::new(),
        }
    }

    fn draft() -> PemdaDraft {
        let mut s = node("S1", PemdaLevel::Sasaran, Some("T1"));
        let mut i = Indicator::new(code("IKU1"), "Indeks Pembangunan Manusia");
        i.targets.insert(2025, TargetValue::Number(70.0));
        s.indicators.push(i);
        PemdaDraft {
            name: "Pemerintah Kabupaten Contoh".into(),
            kind: RegionKind::Kabupaten,
            rpjmd: Renstra {
                start: 2025,
                end: 2029,
            },
            visi: "Contoh yang maju".into(),
            head_name: None,
            demo: false,
            nodes: vec![
                node("M1", PemdaLevel::Misi, None),
                node("T1", PemdaLevel::Tujuan, Some("M1")),
                s,
            ],
        }
    }

    #[test]
    fn a_sound_tree_validates_and_every_fault_is_named() {
        let p = draft().validate().unwrap();
        assert!(p.indicator(&code("IKU1")).is_some());
        let mut d = draft();
        d.nodes[1].parent = Some(code("S1")); // tujuan under a sasaran
        d.nodes[2].indicators[0]
            .targets
            .insert(2031, TargetValue::Number(1.0));
        d.nodes.push(node("S2", PemdaLevel::Sasaran, Some("X9")));
        d.nodes.push(node("M1", PemdaLevel::Misi, Some("T1")));
        let errs = d.validate().unwrap_err().to_string();
        assert!(
            errs.contains("tujuan T1: induk 'S1' adalah Sasaran Daerah"),
            "{errs}"
        );
        assert!(errs.contains("di luar periode RPJMD 2025–2029"), "{errs}");
        assert!(errs.contains("induk 'X9' tidak ada"), "{errs}");
        assert!(
            errs.contains("misi M1: kode dipakai lebih dari sekali"),
            "{errs}"
        );
        assert!(errs.contains("misi tidak berinduk"), "{errs}");
    }

    #[test]
    fn lifecycle() {
        use LinkAction::*;
        use LinkStatus::*;
        assert_eq!(link_step(None, Usulkan, None), Ok(Diusulkan));
        assert!(link_step(Some(Diusulkan), Tolak, None).is_err());
        assert!(link_step(Some(Diusulkan), Tolak, Some("  ")).is_err());
        assert_eq!(
            link_step(Some(Diusulkan), Tolak, Some("bukan urusan kami")),
            Ok(Ditolak)
        );
        assert_eq!(link_step(Some(Ditolak), Usulkan, None), Ok(Diusulkan));
        assert_eq!(link_step(Some(Diusulkan), Terima, None), Ok(Diterima));
        for a in LinkAction::ALL {
            assert!(link_step(Some(Diterima), a, Some("x")).is_err());
        }
        assert!(link_step(None, Terima, None).is_err());
        assert!(link_step(Some(Ditolak), Terima, None).is_err());
    }

    #[test]
    fn shares() {
        assert_eq!(share_balance(100.0, [60.0, 40.0]), ShareBalance::Pas);
        assert_eq!(share_balance(100.0, [60.0]), ShareBalance::Kurang);
        assert_eq!(share_balance(100.0, [60.0, 50.0]), ShareBalance::Lebih);
        assert_eq!(share_balance(0.3, [0.1, 0.2]), ShareBalance::Pas);
    }

    #[test]
    fn cycles() {
        let o = |org, u: &str, c: &str| {
            (
                org,
                OpdSource {
                    unit: UnitKey::parse(u).unwrap(),
                    objective: code(c),
                    indicator: None,
                },
            )
        };
        let edges = vec![
            (o(1, "a", "SS1"), o(2, "b", "SS1")),
            (o(2, "b", "SS1"), o(3, "c", "SS1")),
        ];
        assert!(closes_cycle(&edges, &o(3, "c", "SS1"), &o(1, "a", "SS1")));
        assert!(!closes_cycle(&edges, &o(1, "a", "SS1"), &o(3, "c", "SS1")));
        assert!(closes_cycle(&edges, &o(1, "a", "SS1"), &o(1, "a", "SS1")));
    }

    fn link(id: i64, status: LinkStatus, weight: f64, indicator: Option<&str>) -> CascadeLink {
        CascadeLink {
            id,
            org_id: id,
            target: PemdaTarget {
                node: code("S1"),
                indicator: indicator.map(code),
            },
            source: None,
            role: LinkRole::Pendukung,
            weight,
            status,
            reason: None,
            proposed_by: LinkSide::Pemda,
            proposer: "bappeda".into(),
            proposed_at: DateTime::<Utc>::MIN_UTC,
            decided_by: None,
            decided_at: None,
        }
    }

    #[test]
    fn capaian_through_links_and_own_realisation() {
        let p = draft().validate().unwrap();
        let links = [
            link(1, LinkStatus::Diterima, 1.0, None),
            link(2, LinkStatus::Diterima, 3.0, Some("IKU1")),
            link(3, LinkStatus::Diusulkan, 1.0, None),
            link(4, LinkStatus::Diterima, 1.0, None),
        ];
        let refs: Vec<&CascadeLink> = links.iter().collect();
        let of = |l: &CascadeLink| match l.id {
            1 => Capaian::Persen(crate::capaian::Percent::new(80.0).unwrap()),
            2 => Capaian::Persen(crate::capaian::Percent::new(200.0).unwrap()),
            4 => Capaian::BelumDilaporkan,
            _ => panic!("a waiting link is never asked"),
        };
        let c = pemda_capaian(&p, 2025, &refs, &HashMap::new(), Ceiling::DEFAULT, of);
        // (80 × 1 + 120 × 3) / 4 = 110; link 4 is unreported and listed.
        assert_eq!(c[0].capaian.persen(), Some(110.0));
        let PemdaSource::Tautan { roll_up } = &c[0].source else {
            panic!()
        };
        assert_eq!(roll_up.unreported().collect::<Vec<_>>(), vec![&4]);
        let own = HashMap::from([(code("IKU1"), Realisation::Number(63.0))]);
        let c = pemda_capaian(&p, 2025, &refs, &own, Ceiling::DEFAULT, |_| unreachable!());
        assert_eq!(c[0].capaian.persen(), Some(90.0));
        let none: Vec<&CascadeLink> = Vec::new();
        let c = pemda_capaian(
            &p,
            2025,
            &none,
            &HashMap::new(),
            Ceiling::DEFAULT,
            |_| unreachable!(),
        );
        assert_eq!(c[0].capaian, Capaian::BelumDilaporkan);
    }
}
