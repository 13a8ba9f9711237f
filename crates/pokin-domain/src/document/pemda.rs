//! The pemda's documents, built from its RPJMD tree, its members and the cascade links: the
//! Indikator Kinerja Utama of the pemda (as the Lampiran of a Keputusan Kepala Daerah lays it
//! out: misi → tujuan / sasaran daerah → indicator → formula → data source, here with the
//! RPJMD targets per year and the perangkat daerah responsible), the cascading matrix (sasaran
//! daerah → indicator → perangkat daerah → its objective → indicator → program) and the
//! Perjanjian Kinerja of the head of region with the IKU.
//!
//! Only accepted links whose both ends exist count: a waiting, rejected or broken link makes
//! nobody responsible for anything.

use super::{PkIndicator, PkObjective};
use crate::capaian::Periodisation;
use crate::ids::Code;
use crate::org::{Indicator, Organisation, Renstra, TargetValue};
use crate::pemda::{CascadeLink, LinkRole, LinkStatus, Member, Pemda, PemdaLevel, PemdaNode};
use crate::program::ProgramLevel;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The heading every pemda document carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PemdaHeading {
    /// `Pemerintah Kabupaten Contoh`.
    pub name: String,
    /// `Kabupaten Contoh`.
    pub region: String,
    /// `Bupati Contoh`.
    pub head_title: String,
    pub visi: String,
    pub rpjmd: Renstra,
    #[serde(default)]
    pub demo: bool,
}

impl PemdaHeading {
    pub fn of(p: &Pemda) -> Self {
        PemdaHeading {
            name: p.name.clone(),
            region: p.region(),
            head_title: p.head_position(),
            visi: p.visi.clone(),
            rpjmd: p.rpjmd,
            demo: p.demo,
        }
    }
}

/// Whether `year` lies in the RPJMD period, else why not (in Indonesian).
pub fn check_year(p: &Pemda, year: i32) -> Result<(), String> {
    if p.rpjmd.years().contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "tahun {year} di luar periode RPJMD {} ({}–{})",
            p.name, p.rpjmd.start, p.rpjmd.end
        ))
    }
}

/// The accepted links whose both ends exist, with the member realising each.
fn counted<'a>(
    p: &'a Pemda,
    members: &'a [Member<'a>],
    links: &'a [CascadeLink],
) -> impl Iterator<Item = (&'a CascadeLink, &'a Member<'a>)> + 'a {
    links
        .iter()
        .filter(|l| l.status == LinkStatus::Diterima && l.source.is_some())
        .filter_map(move |l| {
            let m = members.iter().find(|m| m.org_id == l.org_id)?;
            (!l.broken(p, Some(m.org))).then_some((l, m))
        })
}

/// The nodes of the RPJMD tree in document order: each misi, then its descendants depth first.
fn tree_order(p: &Pemda) -> Vec<&PemdaNode> {
    fn visit<'a>(p: &'a Pemda, n: &'a PemdaNode, out: &mut Vec<&'a PemdaNode>) {
        if out.iter().any(|x| x.code == n.code) {
            return;
        }
        out.push(n);
        for c in p.children(Some(&n.code)) {
            visit(p, c, out);
        }
    }
    let mut out = Vec::new();
    for root in p.children(None) {
        visit(p, root, &mut out);
    }
    out
}

/// The nodes above `n`, nearest first (bounded by the tree's size, whatever its parents say).
fn ancestors<'a>(p: &'a Pemda, n: &'a PemdaNode) -> impl Iterator<Item = &'a PemdaNode> + 'a {
    std::iter::successors(Some(n), move |c| p.node(c.parent.as_ref()?))
        .skip(1)
        .take(p.nodes.len())
}

/// The misi a node hangs under (itself for a misi).
fn misi_of<'a>(p: &'a Pemda, n: &'a PemdaNode) -> Option<&'a PemdaNode> {
    std::iter::once(n)
        .chain(ancestors(p, n))
        .find(|a| a.level == PemdaLevel::Misi)
}

// ---------------------------------------------------------------------------------------------
// IKU of the pemda.

/// One indicator row of the IKU of the pemda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IkuPemdaIndicator {
    pub code: Code,
    pub name: String,
    /// Marked as an IKU of the head of region.
    pub iku: bool,
    pub satuan: Option<String>,
    pub decimals: Option<u8>,
    /// *Kondisi awal*.
    pub baseline: Option<TargetValue>,
    /// One per RPJMD year, in order.
    pub targets: Vec<Option<TargetValue>>,
    /// *Penjelasan / formulasi*: the formula, else the definition.
    pub formula: Option<String>,
    pub data_source: Option<String>,
    /// The perangkat daerah realising it through accepted links: pengampu utama first, each
    /// once, in member order; for a node without links of its own, those of the nodes under it.
    pub responsible: Vec<String>,
}

/// A tujuan, thematic level or sasaran daerah with its indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IkuPemdaNode {
    pub code: Code,
    pub level: PemdaLevel,
    pub statement: String,
    pub indicators: Vec<IkuPemdaIndicator>,
}

/// A misi and the nodes with indicators under it (`misi` is `None` for nodes under none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IkuPemdaMisi {
    pub misi: Option<(Code, String)>,
    pub nodes: Vec<IkuPemdaNode>,
}

/// The Indikator Kinerja Utama of a pemda for its RPJMD period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IkuPemda {
    pub heading: PemdaHeading,
    pub years: Vec<i32>,
    pub misi: Vec<IkuPemdaMisi>,
}

impl IkuPemda {
    /// Every indicator in order.
    pub fn indicators(&self) -> impl Iterator<Item = &IkuPemdaIndicator> {
        self.misi
            .iter()
            .flat_map(|m| &m.nodes)
            .flat_map(|n| &n.indicators)
    }
}

/// The perangkat daerah answering for indicator `code` of `node`: those whose accepted links
/// name it (pengampu utama first); for a node nobody links to directly (a tujuan, say), those
/// realising the nodes under it.
fn responsible(
    p: &Pemda,
    members: &[Member<'_>],
    counted: &[(&CascadeLink, &Member<'_>)],
    node: &Code,
    code: &Code,
) -> Vec<String> {
    let names = |hit: &dyn Fn(&CascadeLink) -> bool| {
        let mut out: Vec<String> = Vec::new();
        for role in LinkRole::ALL {
            for m in members {
                let named = counted
                    .iter()
                    .any(|(l, lm)| lm.org_id == m.org_id && l.role == role && hit(l));
                if named && !out.iter().any(|n| n == m.name) {
                    out.push(m.name.to_string());
                }
            }
        }
        out
    };
    let direct = names(&|l| l.covers(node, code));
    if !direct.is_empty() {
        return direct;
    }
    names(&|l| {
        p.node(&l.target.node)
            .is_some_and(|n| ancestors(p, n).any(|a| &a.code == node))
    })
}

/// The IKU of the pemda: every node below a misi that has indicators, with the indicators'
/// RPJMD targets and who realises them.
pub fn iku_pemda(p: &Pemda, members: &[Member<'_>], links: &[CascadeLink]) -> IkuPemda {
    let years: Vec<i32> = p.rpjmd.years().collect();
    let counted: Vec<_> = counted(p, members, links).collect();
    let mut misi: Vec<IkuPemdaMisi> = Vec::new();
    for n in tree_order(p) {
        if n.level == PemdaLevel::Misi || n.indicators.is_empty() {
            continue;
        }
        let head = misi_of(p, n).map(|m| (m.code.clone(), m.statement.clone()));
        let node = IkuPemdaNode {
            code: n.code.clone(),
            level: n.level,
            statement: n.statement.clone(),
            indicators: n
                .indicators
                .iter()
                .map(|i| IkuPemdaIndicator {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    iku: i.iku,
                    satuan: i.satuan.clone(),
                    decimals: i.decimals,
                    baseline: i.baseline.clone(),
                    targets: years.iter().map(|y| i.targets.get(y).cloned()).collect(),
                    formula: i.formula.clone().or_else(|| i.definition.clone()),
                    data_source: i.data_source.clone(),
                    responsible: responsible(p, members, &counted, &n.code, &i.code),
                })
                .collect(),
        };
        match misi.last_mut() {
            Some(last) if last.misi == head => last.nodes.push(node),
            _ => misi.push(IkuPemdaMisi {
                misi: head,
                nodes: vec![node],
            }),
        }
    }
    IkuPemda {
        heading: PemdaHeading::of(p),
        years,
        misi,
    }
}

// ---------------------------------------------------------------------------------------------
// Cascading matrix.

/// An objective or indicator with its target of the year, as a matrix cell shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CascadingIndicator {
    pub code: Code,
    pub name: String,
    pub satuan: Option<String>,
    pub decimals: Option<u8>,
    pub target: Option<TargetValue>,
}

impl CascadingIndicator {
    fn of(i: &Indicator, year: i32) -> Self {
        CascadingIndicator {
            code: i.code.clone(),
            name: i.name.clone(),
            satuan: i.satuan.clone(),
            decimals: i.decimals,
            target: i.targets.get(&year).cloned(),
        }
    }

    /// The target with its satuan, `—` when none.
    pub fn target_text(&self) -> String {
        self.target
            .as_ref()
            .map(|t| crate::format::target(t, self.satuan.as_deref(), self.decimals))
            .unwrap_or_else(|| "—".into())
    }
}

/// What one perangkat daerah contributes to one pemda indicator: its objective, one of the
/// objective's indicators (or none) and the programs serving the objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CascadingOpd {
    pub organisation: String,
    pub role: LinkRole,
    pub weight: f64,
    pub unit: String,
    pub objective: (Code, String),
    pub indicator: Option<CascadingIndicator>,
    /// `code name` of each program (else kegiatan, else sub kegiatan) serving the objective.
    pub programs: Vec<String>,
}

/// One row of the matrix: a pemda indicator (or a node without indicators) and one
/// contribution to it (`None`: no perangkat daerah realises it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CascadingRow {
    pub node: (Code, String),
    pub level: PemdaLevel,
    pub indicator: Option<CascadingIndicator>,
    pub opd: Option<CascadingOpd>,
}

/// The cascading of the RPJMD to the perangkat daerah for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cascading {
    pub heading: PemdaHeading,
    pub year: i32,
    pub rows: Vec<CascadingRow>,
}

impl Cascading {
    /// The pemda indicators no perangkat daerah realises.
    pub fn uncovered(&self) -> impl Iterator<Item = &CascadingRow> {
        self.rows.iter().filter(|r| r.opd.is_none())
    }
}

/// The items serving `objective` of unit `unit`: programs, else kegiatan, else sub kegiatan.
fn programs_of(org: &Organisation, unit: &crate::UnitKey, objective: &Code) -> Vec<String> {
    let serving: Vec<_> = org
        .programs
        .iter()
        .filter(|p| &p.unit == unit && p.objective.as_ref() == Some(objective))
        .collect();
    ProgramLevel::ALL
        .into_iter()
        .map(|level| {
            serving
                .iter()
                .filter(|p| p.level == level)
                .map(|p| format!("{} {}", p.code, p.name))
                .collect::<Vec<_>>()
        })
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

/// The cascading matrix for `year`: every sasaran daerah (and every other node an accepted link
/// names) in document order, each indicator with each contribution of an accepted, unbroken
/// link: pengampu utama before pendukung, then by member.
pub fn cascading(p: &Pemda, members: &[Member<'_>], links: &[CascadeLink], year: i32) -> Cascading {
    let counted: Vec<_> = counted(p, members, links).collect();
    let mut rows = Vec::new();
    for n in tree_order(p) {
        let linked = counted.iter().any(|(l, _)| l.target.node == n.code);
        if n.level != PemdaLevel::Sasaran && !linked {
            continue;
        }
        let targets: Vec<Option<&Indicator>> = if n.indicators.is_empty() {
            vec![None]
        } else {
            n.indicators.iter().map(Some).collect()
        };
        for i in targets {
            let mut contributions: Vec<_> = counted
                .iter()
                .filter(|(l, _)| match i {
                    Some(i) => l.covers(&n.code, &i.code),
                    None => l.target.node == n.code,
                })
                .collect();
            contributions.sort_by_key(|(l, m)| {
                (
                    l.role != LinkRole::PengampuUtama,
                    members.iter().position(|x| x.org_id == m.org_id),
                )
            });
            let row = |opd| CascadingRow {
                node: (n.code.clone(), n.statement.clone()),
                level: n.level,
                indicator: i.map(|i| CascadingIndicator::of(i, year)),
                opd,
            };
            if contributions.is_empty() {
                rows.push(row(None));
            }
            for (l, m) in contributions {
                let Some(s) = &l.source else { continue };
                let Some(u) = m.org.unit(&s.unit) else {
                    continue;
                };
                let Some(o) = u.objectives.iter().find(|o| o.code == s.objective) else {
                    continue;
                };
                let indicators: Vec<Option<&Indicator>> = match &s.indicator {
                    Some(c) => vec![o.indicators.iter().find(|x| &x.code == c)],
                    None if o.indicators.is_empty() => vec![None],
                    None => o.indicators.iter().map(Some).collect(),
                };
                let programs = programs_of(m.org, &s.unit, &s.objective);
                for oi in indicators {
                    rows.push(row(Some(CascadingOpd {
                        organisation: m.name.to_string(),
                        role: l.role,
                        weight: l.weight,
                        unit: u.name.clone(),
                        objective: (o.code.clone(), o.statement.clone()),
                        indicator: oi.map(|x| CascadingIndicator::of(x, year)),
                        programs: programs.clone(),
                    })));
                }
            }
        }
    }
    Cascading {
        heading: PemdaHeading::of(p),
        year,
        rows,
    }
}

// ---------------------------------------------------------------------------------------------
// Perjanjian Kinerja of the head of region.

/// The Perjanjian Kinerja of the head of region for a year: the IKU of the head
/// ([`Pemda::head_iku`]) grouped by their node, with the year's RPJMD target. Signed by the
/// head alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PkKepalaDaerah {
    pub heading: PemdaHeading,
    pub year: i32,
    /// Empty when the pemda does not name its head.
    pub head_name: String,
    pub place: String,
    pub signed_on: NaiveDate,
    /// Each tujuan or sasaran daerah as an objective (its code and statement) with its IKU.
    pub objectives: Vec<PkObjective>,
}

impl PkKepalaDaerah {
    /// What keeps it from being signed as it is, in Indonesian (empty when ready).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.head_name.trim().is_empty() {
            out.push(format!(
                "nama {} belum diisi pada pohon RPJMD",
                self.heading.head_title
            ));
        }
        if self.objectives.is_empty() {
            out.push("RPJMD belum memiliki indikator kinerja utama".into());
        }
        for i in self.objectives.iter().flat_map(|o| &o.indicators) {
            if i.target.is_none() {
                out.push(format!(
                    "indikator {} belum memiliki target {}",
                    i.code, self.year
                ));
            }
        }
        out
    }
}

/// The Perjanjian Kinerja of the head of region of `p` for `year`, signed on `signed_on`.
pub fn pk_kepala_daerah(p: &Pemda, year: i32, signed_on: NaiveDate) -> PkKepalaDaerah {
    let mut objectives: Vec<PkObjective> = Vec::new();
    for (n, i) in p.head_iku() {
        let indicator = PkIndicator {
            code: i.code.clone(),
            name: i.name.clone(),
            satuan: i.satuan.clone(),
            decimals: i.decimals,
            target: i.targets.get(&year).cloned(),
            periodisation: Periodisation::Triwulan,
            period_targets: Vec::new(),
        };
        match objectives.last_mut() {
            Some(o) if o.code == n.code => o.indicators.push(indicator),
            _ => objectives.push(PkObjective {
                code: n.code.clone(),
                statement: n.statement.clone(),
                indicators: vec![indicator],
            }),
        }
    }
    PkKepalaDaerah {
        heading: PemdaHeading::of(p),
        year,
        head_name: p.head_name.clone().unwrap_or_default(),
        place: p.place(),
        signed_on,
        objectives,
    }
}
