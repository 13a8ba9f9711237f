//! The whole-kabupaten diagram: the pemda's RPJMD tree on top (visi → misi → tujuan → optional
//! tematik levels → sasaran daerah) and, under each node, the perangkat daerah objectives that
//! realise it through accepted links, each on a card of its unit with that unit's subtree below
//! (folded by default: one click opens it).
//!
//! It is drawn by the same layout and SVG writer as an organisation's diagram, from a *drawing*
//! tree: [`kabupaten`] turns the pemda and its members into an `Organisation` value whose units
//! are cards (an RPJMD node is a card with one box, its statement and indicators; an OPD unit is
//! its own card) and [`PohonOptions`] with the card labels, the folds and the heat colours. That
//! value exists only to be drawn; it is never stored, exported or measured. Card keys are
//! positional (`n3` for the fourth RPJMD node, `n3-o12-u5` for unit 5 of organisation 12 under
//! it), so a folded/unfolded set in a URL stays valid while the trees do not change.
//!
//! Only accepted, unbroken links are drawn; an indicator's targets and baselines are not (the
//! diagram shows codes and names, as an organisation's does).

use super::PohonOptions;
use crate::chart::{predicate_legend, predicate_tint};
use pokin_domain::ValidationErrors;
use pokin_domain::capaian::{Ceiling, OrganisationCapaian, PredicateBands};
use pokin_domain::pemda::{CascadeLink, LinkStatus, Pemda, PemdaIndicatorCapaian, PemdaLevel};
use pokin_domain::{
    Code, Indicator, Objective, Organisation, OrganisationDraft, Support, Unit, UnitKey, UnitKind,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A member organisation, with its capaian for the heat tree.
pub struct KabupatenMember<'a> {
    pub id: i64,
    pub org: &'a Organisation,
    /// The organisation's capaian of the span shown and its own predicate bands.
    pub capaian: Option<(&'a OrganisationCapaian, &'a PredicateBands)>,
}

/// The heat tree's data: the pemda's capaian of its indicators, the bands they are read with and
/// the span's label (`Tahun 2025`).
pub struct KabupatenHeat<'a> {
    pub capaian: &'a [PemdaIndicatorCapaian],
    pub bands: &'a PredicateBands,
    pub span: &'a str,
}

/// What a card of the drawing stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardOrigin {
    /// The top card: the visi.
    Visi,
    /// An RPJMD node, by code.
    Node(Code),
    /// A unit of a member organisation.
    Opd { org_id: i64, unit: UnitKey },
}

/// The drawing tree and its options.
pub struct Kabupaten {
    /// The cards as units, to hand to [`super::layout`], [`super::render_svg`] or the poster.
    pub org: Organisation,
    /// Labels, folds (every OPD card that has units below it) and, with heat, the colours.
    pub opts: PohonOptions,
    /// What each card stands for.
    pub origins: BTreeMap<UnitKey, CardOrigin>,
    /// The OPD cards placed directly under an RPJMD node (the folds' default).
    pub opd_cards: Vec<UnitKey>,
}

fn key(s: String) -> UnitKey {
    // Built from digits, lower-case letters and single hyphens only.
    UnitKey::parse(&s).unwrap_or_else(|_| unreachable!("card key {s}"))
}

/// An indicator as drawn: code, name, satuan and polarity; no targets.
fn drawn(i: &Indicator) -> Indicator {
    let mut i = i.clone();
    i.targets.clear();
    i.baseline = None;
    i
}

/// Builds the whole-kabupaten drawing. `links` may hold links in any state; only accepted,
/// unbroken ones are drawn. With `heat`, RPJMD boxes are coloured by the mean of their
/// indicators' capaian and labelled with each indicator's, OPD objectives by their own capaian
/// (as on their organisation's heat tree).
pub fn kabupaten(
    pemda: &Pemda,
    members: &[KabupatenMember<'_>],
    links: &[CascadeLink],
    heat: Option<&KabupatenHeat<'_>>,
) -> Result<Kabupaten, ValidationErrors> {
    let mut units = Vec::new();
    let mut opts = PohonOptions::default();
    let mut origins = BTreeMap::new();
    let mut opd_cards = Vec::new();
    let node_key: HashMap<&Code, UnitKey> = pemda
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (&n.code, key(format!("n{i}"))))
        .collect();

    let visi = key("visi".into());
    units.push(Unit {
        key: visi.clone(),
        name: pemda.name.clone(),
        kind: UnitKind::Kepala,
        parent: None,
        officials: Vec::new(),
        objectives: vec![Objective {
            code: Code::parse("VISI").unwrap_or_else(|_| unreachable!()),
            statement: pemda.visi.clone(),
            supports: Vec::new(),
            indicators: Vec::new(),
        }],
    });
    opts.kind_labels.insert(visi.clone(), "Visi".into());
    origins.insert(visi.clone(), CardOrigin::Visi);

    let member: HashMap<i64, &KabupatenMember> = members.iter().map(|m| (m.id, m)).collect();
    let capaian_of: HashMap<&Code, &PemdaIndicatorCapaian> = heat
        .map(|h| h.capaian.iter().map(|c| (&c.code, c)).collect())
        .unwrap_or_default();

    let mut parts: HashMap<i64, MemberParts> = HashMap::new();
    for n in &pemda.nodes {
        let k = node_key[&n.code].clone();
        units.push(Unit {
            key: k.clone(),
            name: n.code.to_string(),
            kind: match n.level {
                PemdaLevel::Misi | PemdaLevel::Tujuan => UnitKind::Kepala,
                PemdaLevel::Sasaran => UnitKind::Bidang,
                _ => UnitKind::Sekretariat,
            },
            parent: Some(
                n.parent
                    .as_ref()
                    .and_then(|p| node_key.get(p))
                    .cloned()
                    .unwrap_or_else(|| visi.clone()),
            ),
            officials: Vec::new(),
            objectives: vec![Objective {
                code: n.code.clone(),
                statement: n.statement.clone(),
                supports: Vec::new(),
                indicators: n.indicators.iter().map(drawn).collect(),
            }],
        });
        opts.kind_labels
            .insert(k.clone(), n.level.label().to_owned());
        origins.insert(k.clone(), CardOrigin::Node(n.code.clone()));
        if let Some(h) = heat {
            let parts: Vec<&PemdaIndicatorCapaian> = n
                .indicators
                .iter()
                .filter_map(|i| capaian_of.get(&i.code).copied())
                .collect();
            if !parts.is_empty() {
                let values: Vec<f64> = parts
                    .iter()
                    .filter_map(|c| c.capaian.numeric(Ceiling::DEFAULT))
                    .collect();
                let level = (!values.is_empty())
                    .then(|| values.iter().sum::<f64>() / values.len() as f64)
                    .and_then(|mean| h.bands.classify(mean))
                    .map(|p| p.level);
                let levels = h.bands.bands().len();
                let id = (k.clone(), n.code.clone());
                opts.fills
                    .insert(id.clone(), predicate_tint(level, levels).to_owned());
                let badge = parts
                    .iter()
                    .map(|c| format!("{} {}", c.code, c.capaian.short()))
                    .collect::<Vec<_>>()
                    .join(" · ");
                opts.badges.insert(id, badge);
            }
        }

        // The perangkat daerah that realise this node: one card per (organisation, unit), its
        // linked objectives in link order.
        let mut cards: Vec<(i64, UnitKey, Vec<Code>)> = Vec::new();
        for l in links.iter().filter(|l| {
            l.status == LinkStatus::Diterima
                && l.target.node == n.code
                && !l.broken(pemda, member.get(&l.org_id).map(|m| m.org))
        }) {
            let Some(src) = &l.source else { continue };
            match cards
                .iter_mut()
                .find(|(o, u, _)| *o == l.org_id && *u == src.unit)
            {
                Some((_, _, codes)) if !codes.contains(&src.objective) => {
                    codes.push(src.objective.clone())
                }
                Some(_) => {}
                None => cards.push((l.org_id, src.unit.clone(), vec![src.objective.clone()])),
            }
        }
        for (org_id, unit, codes) in cards {
            let Some(m) = member.get(&org_id) else {
                continue;
            };
            let m = parts.entry(org_id).or_insert_with(|| MemberParts::of(m));
            let top = opd_subtree(&k, m, &unit, &codes, &mut units, &mut opts, &mut origins);
            if let Some(top) = top {
                opd_cards.push(top);
            }
        }
    }

    // Fold every OPD card that has units below it.
    let with_children: BTreeSet<&UnitKey> =
        units.iter().filter_map(|u| u.parent.as_ref()).collect();
    opts.collapsed = opd_cards
        .iter()
        .filter(|k| with_children.contains(k))
        .cloned()
        .collect();
    match heat {
        Some(h) => {
            opts.title = Some(format!("{} · capaian {}", pemda.name, h.span));
            opts.legend = predicate_legend(h.bands, predicate_tint);
        }
        None => opts.title = Some(format!("Pohon kinerja {}", pemda.name)),
    }
    let draft = OrganisationDraft {
        name: pemda.name.clone(),
        title: opts.title.clone(),
        demo: pemda.demo,
        renstra: Some(pemda.rpjmd),
        units,
        programs: Vec::new(),
    };
    // Valid by construction (keys unique, parents and supports inside the drawing, texts from
    // validated trees); checked anyway, so a surprise is an error, never a wrong drawing.
    let org = draft.validate()?;
    Ok(Kabupaten {
        org,
        opts,
        origins,
        opd_cards,
    })
}

/// A member with its unit index and its own heat-tree colours, made once however many cards
/// it has.
struct MemberParts<'a> {
    m: &'a KabupatenMember<'a>,
    index: HashMap<&'a UnitKey, usize>,
    own: PohonOptions,
}

impl<'a> MemberParts<'a> {
    fn of(m: &'a KabupatenMember<'a>) -> Self {
        let index = m
            .org
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (&u.key, i))
            .collect();
        let mut own = PohonOptions::default();
        if let Some((roll_up, bands)) = m.capaian {
            super::paint_capaian(&mut own, m.org, roll_up, bands, "");
        }
        MemberParts { m, index, own }
    }
}

/// Adds the card of `unit` of member `m` under `parent` with only the `codes` objectives, and
/// the unit's whole subtree below it with the supports that stay inside it. Returns the card's
/// key (`None` when the unit is gone).
fn opd_subtree(
    parent: &UnitKey,
    parts: &MemberParts<'_>,
    unit: &UnitKey,
    codes: &[Code],
    units: &mut Vec<Unit>,
    opts: &mut PohonOptions,
    origins: &mut BTreeMap<UnitKey, CardOrigin>,
) -> Option<UnitKey> {
    let MemberParts { m, index, own } = parts;
    let org = m.org;
    let top = *index.get(unit)?;
    // The subtree in pre-order.
    let mut order = Vec::new();
    let mut stack = vec![top];
    while let Some(i) = stack.pop() {
        order.push(i);
        let kids: Vec<usize> = org
            .children(Some(&org.units[i].key))
            .filter_map(|c| index.get(&c.key).copied())
            .collect();
        stack.extend(kids.into_iter().rev());
    }
    let new_key = |i: usize| key(format!("{parent}-o{}-u{i}", m.id));
    let mapped: HashMap<&UnitKey, UnitKey> = order
        .iter()
        .map(|&i| (&org.units[i].key, new_key(i)))
        .collect();
    // The organisation's own heat-tree colours move onto the new keys.
    for &i in &order {
        let u = &org.units[i];
        let k = mapped[&u.key].clone();
        let objectives = u
            .objectives
            .iter()
            .filter(|o| i != top || codes.contains(&o.code))
            .map(|o| Objective {
                code: o.code.clone(),
                statement: o.statement.clone(),
                supports: o
                    .supports
                    .iter()
                    .filter_map(|s| {
                        let to = mapped.get(&s.unit)?;
                        let target = &org.units[index[&s.unit]];
                        let kept = index[&s.unit] != top || codes.contains(&s.objective);
                        (kept && target.objectives.iter().any(|t| t.code == s.objective)).then(
                            || Support {
                                unit: to.clone(),
                                objective: s.objective.clone(),
                                weight: s.weight,
                            },
                        )
                    })
                    .collect(),
                indicators: o.indicators.iter().map(drawn).collect(),
            })
            .collect::<Vec<_>>();
        for o in &objectives {
            let from = (u.key.clone(), o.code.clone());
            if let Some(f) = own.fills.get(&from) {
                opts.fills.insert((k.clone(), o.code.clone()), f.clone());
            }
            if let Some(b) = own.badges.get(&from) {
                opts.badges.insert((k.clone(), o.code.clone()), b.clone());
            }
        }
        if i == top {
            opts.kind_labels.insert(k.clone(), org.name.clone());
        }
        origins.insert(
            k.clone(),
            CardOrigin::Opd {
                org_id: m.id,
                unit: u.key.clone(),
            },
        );
        units.push(Unit {
            key: k,
            name: u.name.clone(),
            kind: u.kind,
            parent: Some(if i == top {
                parent.clone()
            } else {
                u.parent
                    .as_ref()
                    .and_then(|p| mapped.get(p))
                    .cloned()
                    .unwrap_or_else(|| parent.clone())
            }),
            officials: u.officials.clone(),
            objectives,
        });
    }
    Some(mapped[unit].clone())
}
