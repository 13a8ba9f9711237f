//! The pemda: Bappeda's control page (`/pemda/{pemda}`: the Bupati's IKU and their capaian,
//! the coverage matrix of pemda indicators × perangkat daerah, sasaran daerah no OPD realises,
//! % cascading per OPD ranked, waiting links, review notes), proposing a link, an OPD's page of
//! its links (`/organisasi/{id}/rpjmd`: accept naming its objective, or reject with a reason),
//! and their JSON API twins. Every number comes from [`pokin_store::Store::pemda_overview`],
//! the one computation the CLI (`pokin cakupan`, `pokin capaian --pemda`) uses too, and every
//! JSON shape from [`coverage_json`] / [`capaian_json`], which the CLI prints.

use crate::auth::{ApiUser, CurrentUser};
use crate::cache::PemdaSnapshot;
use crate::error::json_body;
use crate::error::{ApiError, ApiErrorBody};
use crate::permission::{Action, Target, can};
use crate::routes::edit::lenient;
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::Datelike;
use pokin_domain::capaian::{Capaian, Ceiling, PredicateBands};
use pokin_domain::pemda::{
    Cell, LinkAction, LinkRole, LinkSide, LinkStatus, OpdSource, PemdaIndicatorCapaian,
    PemdaSource, PemdaTarget,
};
use pokin_domain::{Code, UnitKey, format};
use pokin_store::{NewLink, PemdaOverview, User};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::OpenApi;

// ---------------------------------------------------------------------------------------------
// JSON shapes (the API's and the CLI's).

fn capaian_fields(c: &Capaian, bands: &PredicateBands, ceiling: Ceiling) -> Value {
    json!({
        "capaian": c.numeric(ceiling),
        "status": c.status_code(),
        "predikat": c.predicate(bands).map(|p| p.label.to_owned()),
        "teks": c.describe(bands),
    })
}

/// One pemda indicator's capaian: numeric `capaian` (`null` when nothing is reported), where it
/// came from (`sumber`: `realisasi_bappeda` or `tautan`) and each link's part.
pub fn indicator_json(o: &PemdaOverview, c: &PemdaIndicatorCapaian) -> Value {
    let (bands, ceiling) = (PredicateBands::default(), Ceiling::DEFAULT);
    let mut v = capaian_fields(&c.capaian, &bands, ceiling);
    let Some((node, ind)) = o.pemda.indicator(&c.code) else {
        return v;
    };
    v["kode"] = json!(c.code.as_str());
    v["nama"] = json!(ind.name);
    v["iku"] = json!(ind.iku);
    v["satuan"] = json!(ind.satuan);
    v["sasaran"] = json!(node.code.as_str());
    v["tingkat"] = json!(node.level.as_str());
    v["target"] = json!(ind.targets.get(&o.year));
    match &c.source {
        PemdaSource::Realisasi { realisasi, .. } => {
            v["sumber"] = json!("realisasi_bappeda");
            v["realisasi"] = json!(realisasi);
            v["tautan"] = json!([]);
        }
        PemdaSource::Tautan { roll_up } => {
            v["sumber"] = json!("tautan");
            v["realisasi"] = Value::Null;
            v["tautan"] = roll_up
                .items
                .iter()
                .map(|it| {
                    let l = o.links.iter().find(|l| l.id == it.key);
                    json!({
                        "id": it.key,
                        "organisasi": l.map(|l| o.org_name(l.org_id)),
                        "sasaran_opd": l.and_then(|l| l.source.as_ref()).map(OpdSource::label),
                        "bobot": it.weight,
                        "capaian": it.capaian.numeric(ceiling),
                        "dihitung": it.contribution.exclusion_reason().is_none(),
                        "keterangan": it.contribution.exclusion_reason(),
                    })
                })
                .collect();
        }
    }
    v
}

/// The pemda's capaian of the overview's year: every indicator, in tree order.
pub fn capaian_json(o: &PemdaOverview) -> Value {
    json!({
        "pemda": o.pemda.name,
        "tahun": o.year,
        "indikator": o.capaian.iter().map(|c| indicator_json(o, c)).collect::<Vec<_>>(),
    })
}

/// Bappeda's coverage: per OPD its `persen_cascading`, the sasaran daerah without an OPD, the
/// waiting links.
pub fn coverage_json(o: &PemdaOverview) -> Value {
    let now = chrono::Utc::now();
    json!({
        "pemda": o.pemda.name,
        "tahun": o.year,
        "opd": o.coverage.orgs.iter().map(|c| json!({
            "id": c.org_id,
            "nama": c.name,
            "persen_cascading": c.persen_cascading,
            "sasaran_kepala": c.head_objectives,
            "tertaut": c.linked,
            "tanpa_tautan": c.unattached.iter().map(OpdSource::label).collect::<Vec<_>>(),
            "menunggu": c.waiting,
            "ditolak": c.rejected,
            "rusak": c.broken,
        })).collect::<Vec<_>>(),
        "sasaran_tanpa_opd": o.coverage.uncovered.iter().map(|c| json!({
            "kode": c.as_str(),
            "pernyataan": o.pemda.node(c).map(|n| n.statement.clone()),
        })).collect::<Vec<_>>(),
        "tautan_menunggu": o.links.iter().filter(|l| l.status == LinkStatus::Diusulkan).map(|l| json!({
            "id": l.id,
            "organisasi": o.org_name(l.org_id),
            "sasaran_daerah": l.target.node.as_str(),
            "indikator": l.target.indicator.as_ref().map(Code::as_str),
            "diusulkan_oleh": l.proposed_by.as_str(),
            "hari": (now - l.proposed_at).num_days(),
        })).collect::<Vec<_>>(),
        "tautan": o.links.iter().map(|l| link_json(&o.pemda, o.member(l.org_id), l)).collect::<Vec<_>>(),
    })
}

/// A link as the API shows it; `org` is the linked organisation's tree (`None` once deleted).
fn link_json(
    pemda: &pokin_domain::pemda::Pemda,
    org: Option<&pokin_domain::Organisation>,
    l: &pokin_domain::pemda::CascadeLink,
) -> Value {
    json!({
        "id": l.id,
        "organisasi_id": l.org_id,
        "organisasi": org.map(|o| o.name.as_str()),
        "sasaran_daerah": l.target.node.as_str(),
        "indikator": l.target.indicator.as_ref().map(Code::as_str),
        "sasaran_opd": l.source.as_ref().map(OpdSource::label),
        "peran": l.role.as_str(),
        "bobot": l.weight,
        "status": l.status.as_str(),
        "alasan": l.reason,
        "diusulkan_oleh": l.proposed_by.as_str(),
        "rusak": l.broken(pemda, org),
    })
}

// ---------------------------------------------------------------------------------------------
// Shared operations (page and API).

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub tahun: Option<i32>,
}

pub(crate) fn year_of(q: &YearQuery, o_start: i32, o_end: i32) -> Result<i32, Error> {
    let y = q.tahun.unwrap_or_else(|| {
        let now = crate::capaian::today().year();
        // The last full year, within the RPJMD.
        (now - 1).clamp(o_start, o_end)
    });
    if !(o_start..=o_end).contains(&y) {
        return Err(Error::unprocessable(format!(
            "tahun {y} di luar periode RPJMD {o_start}–{o_end}."
        )));
    }
    Ok(y)
}

pub(crate) async fn overview(
    state: &AppState,
    user: &User,
    pemda_id: i64,
    q: &YearQuery,
) -> Result<Arc<PemdaOverview>, Error> {
    Ok(snapshot_overview(state, user, pemda_id, q).await?.1)
}

/// [`overview`] with the pemda snapshot it was read from (for what else is kept under it).
pub(crate) async fn snapshot_overview(
    state: &AppState,
    user: &User,
    pemda_id: i64,
    q: &YearQuery,
) -> Result<(PemdaSnapshot, Arc<PemdaOverview>), Error> {
    can(user, Action::ReadPemda, Target::Pemda(pemda_id))?;
    let snap = state.cache.pemda_snapshot(&state.store, pemda_id).await?;
    let p = snap.pemda().await?;
    let year = year_of(q, p.rpjmd.start, p.rpjmd.end)?;
    let o = snap.overview(year, crate::capaian::today()).await?;
    Ok((snap, o))
}

/// The pemda's overview of `year` through the cache (no permission check: the caller's).
pub(crate) async fn cached_overview(
    state: &AppState,
    pemda_id: i64,
    year: i32,
) -> Result<Arc<PemdaOverview>, Error> {
    let snap = state.cache.pemda_snapshot(&state.store, pemda_id).await?;
    snap.overview(year, crate::capaian::today()).await
}

/// A link to propose, as the form and the API send it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProposeForm {
    /// The perangkat daerah's id.
    #[serde(deserialize_with = "lenient")]
    pub organisasi: String,
    /// The sasaran daerah (or tujuan) code, e.g. `S3`.
    #[serde(deserialize_with = "lenient")]
    pub sasaran: String,
    /// Optional: one indicator of it.
    #[serde(deserialize_with = "lenient")]
    pub indikator: String,
    /// `pengampu_utama` or `pendukung`.
    #[serde(deserialize_with = "lenient")]
    pub peran: String,
    /// Relative weight (default 1).
    #[serde(deserialize_with = "lenient")]
    pub bobot: String,
}

pub(crate) fn field(name: &str, message: impl Into<String>) -> Error {
    let message = message.into();
    Error::Unprocessable {
        message: message.clone(),
        fields: vec![(name.to_owned(), message)],
    }
}

pub(crate) fn parse_code(name: &str, s: &str) -> Result<Code, Error> {
    Code::parse(s).map_err(|e| field(name, e.0))
}

async fn propose(
    state: &AppState,
    user: &User,
    pemda_id: i64,
    f: &ProposeForm,
) -> Result<i64, Error> {
    can(user, Action::EditPemda, Target::Pemda(pemda_id))?;
    let org_id: i64 = f
        .organisasi
        .trim()
        .parse()
        .map_err(|_| field("organisasi", "pilih perangkat daerah yang dituju"))?;
    let link = new_link(org_id, f, None, LinkSide::Pemda)?;
    Ok(state
        .store
        .propose_link(&user.username, pemda_id, &link)
        .await?)
}

/// The link a proposal form describes, from `side`, with the OPD's `source` when it names one.
pub(crate) fn new_link(
    org_id: i64,
    f: &ProposeForm,
    source: Option<OpdSource>,
    side: LinkSide,
) -> Result<NewLink, Error> {
    let node = parse_code("sasaran", &f.sasaran)?;
    let indicator = match f.indikator.trim() {
        "" => None,
        s => Some(parse_code("indikator", s)?),
    };
    let role = match f.peran.trim() {
        "" => LinkRole::PengampuUtama,
        s => LinkRole::from_str_opt(s)
            .ok_or_else(|| field("peran", "peran harus pengampu_utama atau pendukung"))?,
    };
    let weight = match f.bobot.trim() {
        "" => 1.0,
        s => format::parse_number(s)
            .ok_or_else(|| field("bobot", format!("bobot '{s}' bukan angka")))?,
    };
    Ok(NewLink {
        org_id,
        target: PemdaTarget { node, indicator },
        source,
        role,
        weight,
        side,
    })
}

/// An answer to a link, as the form and the API send it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecideForm {
    /// Accepting: the unit key and objective code of the organisation's own objective, as
    /// `unit SS1` (or `unit SS1 IK1` for one indicator). May be left out when the link names it.
    #[serde(deserialize_with = "lenient")]
    pub sasaran_opd: String,
    /// Rejecting: why (required).
    #[serde(deserialize_with = "lenient")]
    pub alasan: String,
}

pub(crate) fn parse_source(s: &str) -> Result<Option<OpdSource>, Error> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let bad = || {
        field(
            "sasaran_opd",
            "pilih sasaran organisasi Anda (unit dan kode sasaran)",
        )
    };
    match parts.as_slice() {
        [] => Ok(None),
        [u, o] | [u, o, _] => Ok(Some(OpdSource {
            unit: UnitKey::parse(u).map_err(|_| bad())?,
            objective: Code::parse(o).map_err(|_| bad())?,
            indicator: parts
                .get(2)
                .map(|i| Code::parse(i))
                .transpose()
                .map_err(|_| bad())?,
        })),
        _ => Err(bad()),
    }
}

async fn decide(
    state: &AppState,
    user: &User,
    pemda_id: i64,
    link_id: i64,
    action: &str,
    f: &DecideForm,
) -> Result<pokin_domain::pemda::CascadeLink, Error> {
    let action = match LinkAction::from_str_opt(action) {
        Some(a @ (LinkAction::Terima | LinkAction::Tolak)) => a,
        _ => {
            return Err(Error::not_found(
                "Langkah tautan itu tidak ada (terima atau tolak).",
            ));
        }
    };
    let link = state.store.link(pemda_id, link_id).await?;
    can(
        user,
        Action::DecideLink,
        Target::Link {
            pemda_id,
            org_id: link.org_id,
            by_pemda: link.proposed_by == LinkSide::Pemda,
        },
    )?;
    let source = parse_source(&f.sasaran_opd)?;
    let reason = Some(f.alasan.as_str());
    Ok(state
        .store
        .decide_link(
            &user.username,
            pemda_id,
            link_id,
            action,
            source.as_ref(),
            reason,
        )
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Pages.

pub(crate) struct IkuRow {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) node: String,
    pub(crate) level: &'static str,
    pub(crate) target: String,
    pub(crate) capaian: String,
    pub(crate) predicate_class: String,
    pub(crate) source: String,
    pub(crate) numeric: String,
}

struct MatrixRow {
    code: String,
    name: String,
    cells: Vec<(&'static str, &'static str)>,
}

struct OrgRow {
    id: i64,
    name: String,
    persen: String,
    bar: u32,
    detail: String,
}

struct LinkRow {
    id: i64,
    org: String,
    target: String,
    source: String,
    role: &'static str,
    status: &'static str,
    status_label: &'static str,
    reason: String,
    by: &'static str,
    broken: bool,
    can_decide: bool,
}

pub(crate) struct NoteRow {
    id: i64,
    on: String,
    body: String,
    author: String,
    open: bool,
    /// Where the "selesai" form posts, when the user may resolve it.
    resolve: Option<String>,
}

/// A crosscutting request as the pages show it.
pub(crate) struct CrosscutRow {
    id: i64,
    from: String,
    to: String,
    to_org: i64,
    share: String,
    status: &'static str,
    status_label: &'static str,
    reason: String,
    note: String,
    /// The receiving organisation may answer it (and the objectives it may name).
    can_decide: bool,
}

impl CrosscutRow {
    /// The share against the asking objective's target (`bagian 40 dari target 100: kurang`),
    /// empty without a share.
    pub(crate) fn share_text(&self) -> &str {
        &self.share
    }
}

/// Every crosscut of the pemda (or those `org_id` asks or is asked), with the shares of a
/// split count target against the asking objective's target of the year.
pub(crate) fn crosscut_rows(
    o: &PemdaOverview,
    user: &User,
    org_id: Option<i64>,
) -> Vec<CrosscutRow> {
    use pokin_domain::pemda::share_balance;
    o.crosscuts
        .iter()
        .filter(|c| org_id.is_none_or(|id| c.from_org == id || c.to_org == id))
        .map(|c| {
            let target = o.member(c.from_org).and_then(|org| {
                let ind = org
                    .unit(&c.from.unit)?
                    .objectives
                    .iter()
                    .find(|ob| ob.code == c.from.objective)?
                    .indicators
                    .iter()
                    .find(|i| Some(&i.code) == c.from.indicator.as_ref())?;
                match ind.targets.get(&o.year)? {
                    pokin_domain::TargetValue::Number(n) => Some(*n),
                    _ => None,
                }
            });
            let shares = o
                .crosscuts
                .iter()
                .filter(|x| {
                    x.from_org == c.from_org && x.from == c.from && x.status != LinkStatus::Ditolak
                })
                .filter_map(|x| x.share);
            let share = match (c.share, target) {
                (Some(s), Some(t)) => format!(
                    "bagian {} dari target {}: {}",
                    format::number_trimmed(s, 2),
                    format::number_trimmed(t, 2),
                    share_balance(t, shares).label()
                ),
                (Some(s), None) => format!("bagian {}", format::number_trimmed(s, 2)),
                _ => String::new(),
            };
            CrosscutRow {
                id: c.id,
                from: format!("{} · {}", o.org_name(c.from_org), c.from.label()),
                to: match &c.to {
                    Some(t) => format!("{} · {}", o.org_name(c.to_org), t.label()),
                    None => o.org_name(c.to_org),
                },
                to_org: c.to_org,
                share,
                status: c.status.as_str(),
                status_label: c.status.label(),
                reason: c.reason.clone().unwrap_or_default(),
                note: c.note.clone().unwrap_or_default(),
                can_decide: c.status == LinkStatus::Diusulkan
                    && can(user, Action::LinkObjectives, Target::Org(c.to_org)).is_ok(),
            }
        })
        .collect()
}

/// A review note as the pages show it; `resolve` is where its "selesai" form posts when
/// `user` may resolve it (Bappeda on its page, the OPD's perencana on the OPD's).
fn note_row(
    o: &PemdaOverview,
    n: &pokin_store::ReviewNote,
    user: &User,
    on_org_page: bool,
) -> NoteRow {
    let resolve = n.open.then(|| match (on_org_page, n.org_id) {
        (true, Some(org)) => can(user, Action::LinkObjectives, Target::Org(org))
            .is_ok()
            .then(|| format!("/organisasi/{org}/catatan/{}/selesai", n.id)),
        _ => can(user, Action::EditPemda, Target::Pemda(o.id))
            .is_ok()
            .then(|| format!("/pemda/{}/catatan/{}/selesai", o.id, n.id)),
    });
    NoteRow {
        id: n.id,
        on: match (n.org_id, &n.unit) {
            (Some(_), Some(u)) if on_org_page => format!("{u} {}", n.code),
            (Some(org), Some(u)) => format!("{} · {u} {}", o.org_name(org), n.code),
            _ => format!("RPJMD · {}", n.code),
        },
        body: n.body.clone(),
        author: format!("{} · {}", n.author, format::date(n.created_at.date_naive())),
        open: n.open,
        resolve: resolve.flatten(),
    }
}

/// The nodes a link may name (every node but a misi), for the proposal forms.
fn node_choices(o: &PemdaOverview) -> Vec<(String, String)> {
    o.pemda
        .nodes
        .iter()
        .filter(|n| n.level != pokin_domain::pemda::PemdaLevel::Misi)
        .map(|n| {
            (
                n.code.to_string(),
                format!("{} {} — {}", n.level.label(), n.code, n.statement),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pemda.html")]
pub(crate) struct PemdaPage {
    layout: Layout,
    id: i64,
    name: String,
    visi: String,
    rpjmd: String,
    year: i32,
    years: Vec<i32>,
    notice: Option<&'static str>,
    error: Option<String>,
    iku: Vec<IkuRow>,
    org_names: Vec<(i64, String)>,
    matrix: Vec<MatrixRow>,
    uncovered: Vec<(String, String)>,
    orgs: Vec<OrgRow>,
    links: Vec<LinkRow>,
    notes: Vec<NoteRow>,
    crosscuts: Vec<CrosscutRow>,
    /// `pokin check --pemda` on the RPJMD tree.
    findings: Vec<crate::routes::organisations::FindingLine>,
    can_edit: bool,
    node_choices: Vec<(String, String)>,
    pemda_id_of_links: i64,
    /// Bappeda answers links that name their OPD objective already.
    objectives_of_links: Vec<(String, String)>,
}

fn cell(c: Option<&Cell>) -> (&'static str, &'static str) {
    match c {
        Some(Cell::Diterima) => ("diterima", "✓ diterima"),
        Some(Cell::Menunggu) => ("menunggu", "… menunggu"),
        Some(Cell::Ditolak) => ("ditolak", "✗ ditolak"),
        Some(Cell::Rusak) => ("rusak", "! rusak"),
        None => ("kosong", "—"),
    }
}

fn link_rows(o: &PemdaOverview, user: &User, only_org: Option<i64>) -> Vec<LinkRow> {
    o.links
        .iter()
        .filter(|l| only_org.is_none_or(|id| l.org_id == id))
        .map(|l| {
            let target = match &l.target.indicator {
                Some(i) => format!("{} · {i}", l.target.node),
                None => l.target.node.to_string(),
            };
            let statement = o
                .pemda
                .node(&l.target.node)
                .map(|n| n.statement.clone())
                .unwrap_or_default();
            LinkRow {
                id: l.id,
                org: o.org_name(l.org_id),
                target: format!("{target} {statement}"),
                source: l
                    .source
                    .as_ref()
                    .map_or_else(|| "belum disebut".into(), OpdSource::label),
                role: l.role.label(),
                status: l.status.as_str(),
                status_label: l.status.label(),
                reason: l.reason.clone().unwrap_or_default(),
                by: if l.proposed_by == LinkSide::Pemda {
                    "Bappeda"
                } else {
                    "perangkat daerah"
                },
                broken: l.broken(&o.pemda, o.member(l.org_id)),
                can_decide: l.status == LinkStatus::Diusulkan
                    && can(
                        user,
                        Action::DecideLink,
                        Target::Link {
                            pemda_id: o.id,
                            org_id: l.org_id,
                            by_pemda: l.proposed_by == LinkSide::Pemda,
                        },
                    )
                    .is_ok(),
            }
        })
        .collect()
}

/// The rows of the pemda indicators `keep` selects with their capaian of the overview's year
/// (the control page's table, and the IKU of the head of region on the region dashboard).
pub(crate) fn iku_rows(
    o: &PemdaOverview,
    keep: impl Fn(&pokin_domain::Indicator) -> bool,
) -> Vec<IkuRow> {
    let bands = PredicateBands::default();
    o.capaian
        .iter()
        .filter_map(|c| {
            let (node, i) = o.pemda.indicator(&c.code)?;
            if !keep(i) {
                return None;
            }
            Some(IkuRow {
                code: c.code.to_string(),
                name: i.name.clone(),
                node: format!("{} {}", node.code, node.statement),
                level: node.level.label(),
                target: i
                    .targets
                    .get(&o.year)
                    .map(|t| format::target(t, i.satuan.as_deref(), i.decimals))
                    .unwrap_or_else(|| "—".into()),
                capaian: c.capaian.describe(&bands),
                predicate_class: c
                    .capaian
                    .predicate(&bands)
                    .map_or_else(|| "none".into(), |p| format!("p{}", p.level)),
                source: match &c.source {
                    PemdaSource::Realisasi { realisasi, .. } => format!(
                        "realisasi Bappeda: {}",
                        match realisasi {
                            pokin_domain::capaian::Realisation::Number(n) => format::target(
                                &pokin_domain::TargetValue::Number(*n),
                                i.satuan.as_deref(),
                                i.decimals
                            ),
                            pokin_domain::capaian::Realisation::Qualitative(q) => q.clone(),
                        }
                    ),
                    PemdaSource::Tautan { roll_up } => {
                        let unreported = roll_up.unreported().count();
                        let mut s = format!("dari tautan: {}", roll_up.coverage("tautan"));
                        if unreported > 0 {
                            s.push_str(&format!(", {unreported} belum dilaporkan"));
                        }
                        s
                    }
                },
                numeric: c
                    .capaian
                    .numeric(Ceiling::DEFAULT)
                    .map_or_else(String::new, |v| format!("{v}")),
            })
        })
        .collect()
}

pub(crate) fn pemda_page(
    current: &CurrentUser,
    o: &PemdaOverview,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PemdaPage {
    let iku = iku_rows(o, |_| true);
    let org_names: Vec<(i64, String)> = o
        .members
        .iter()
        .map(|(id, org)| (*id, org.name.clone()))
        .collect();
    let matrix = o
        .pemda
        .indicators()
        .map(|(_, i)| MatrixRow {
            code: i.code.to_string(),
            name: i.name.clone(),
            cells: org_names
                .iter()
                .map(|(id, _)| cell(o.coverage.matrix.get(&i.code).and_then(|r| r.get(id))))
                .collect(),
        })
        .collect();
    let uncovered = o
        .coverage
        .uncovered
        .iter()
        .map(|c| {
            (
                c.to_string(),
                o.pemda
                    .node(c)
                    .map(|n| n.statement.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let orgs = o
        .coverage
        .orgs
        .iter()
        .map(|c| OrgRow {
            id: c.org_id,
            name: c.name.clone(),
            persen: c
                .persen_cascading
                .map_or_else(|| "—".into(), |p| format!("{}%", format::number(p, 2))),
            bar: c
                .persen_cascading
                .map_or(0, |p| p.round().clamp(0.0, 100.0) as u32),
            detail: format!(
                "{} dari {} sasaran Kepala tertaut · menunggu {} · ditolak {}{}",
                c.linked,
                c.head_objectives,
                c.waiting,
                c.rejected,
                if c.broken > 0 {
                    format!(" · rusak {}", c.broken)
                } else {
                    String::new()
                }
            ),
        })
        .collect();
    let notes = o
        .notes
        .iter()
        .map(|n| note_row(o, n, &current.user, false))
        .collect();
    PemdaPage {
        layout: Layout::for_user(current, format!("Pemda — {}", o.pemda.name), "pemda"),
        id: o.id,
        name: o.pemda.name.clone(),
        visi: o.pemda.visi.clone(),
        rpjmd: format!("RPJMD {}–{}", o.pemda.rpjmd.start, o.pemda.rpjmd.end),
        year: o.year,
        years: o.pemda.rpjmd.years().collect(),
        notice,
        error,
        iku,
        org_names,
        matrix,
        uncovered,
        orgs,
        links: link_rows(o, &current.user, None),
        notes,
        can_edit: can(&current.user, Action::EditPemda, Target::Pemda(o.id)).is_ok(),
        pemda_id_of_links: o.id,
        objectives_of_links: Vec::new(),
        node_choices: node_choices(o),
        crosscuts: crosscut_rows(o, &current.user, None),
        findings: crate::routes::organisations::finding_lines(pokin_domain::check::pemda_findings(
            &o.pemda,
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    // The year and the message of the last step.
    pub tahun: Option<i32>,
    pub pesan: String,
}

pub(crate) fn notice(pesan: &str) -> Option<&'static str> {
    match pesan {
        "diusulkan" => {
            Some("Tautan diusulkan; perangkat daerah yang dituju melihatnya di halaman RPJMD-nya.")
        }
        "diterima" => Some("Tautan diterima."),
        "ditolak" => Some("Tautan ditolak; alasannya tercatat."),
        "crosscutting" => Some("Permintaan crosscutting terkirim ke organisasi yang dituju."),
        "crosscutting-diterima" => Some("Crosscutting diterima."),
        "crosscutting-ditolak" => Some("Crosscutting ditolak; alasannya tercatat."),
        "catatan" => Some("Catatan reviu tersimpan; perangkat daerah melihatnya di halamannya."),
        "catatan-selesai" => Some("Catatan reviu ditandai selesai."),
        _ => None,
    }
}

/// `GET /pemda`: the pemda the user may read.
pub async fn list(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    if let Some(p) = current.user.pemda_id {
        return Ok(Redirect::to(&format!("/pemda/{p}")).into_response());
    }
    let items: Vec<_> = state
        .store
        .pemdas()
        .await?
        .into_iter()
        .filter(|p| can(&current.user, Action::ReadPemda, Target::Pemda(p.id)).is_ok())
        .collect();
    if items.len() == 1 {
        return Ok(Redirect::to(&format!("/pemda/{}", items[0].id)).into_response());
    }
    #[derive(Template)]
    #[template(path = "pemda_list.html")]
    struct ListPage {
        layout: Layout,
        items: Vec<pokin_store::PemdaSummary>,
    }
    Ok(render(&ListPage {
        layout: Layout::for_user(&current, "Pemda", "pemda"),
        items,
    })?
    .into_response())
}

/// `GET /pemda/{pemda}?tahun=Y`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(pemda_id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, Error> {
    let o = overview(
        &state,
        &current.user,
        pemda_id,
        &YearQuery { tahun: q.tahun },
    )
    .await?;
    render(&pemda_page(&current, &o, notice(&q.pesan), None))
}

/// `POST /pemda/{pemda}/tautan`: Bappeda proposes a link.
pub async fn propose_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(pemda_id): Path<i64>,
    Form(f): Form<ProposeForm>,
) -> Result<Response, Error> {
    match propose(&state, &current.user, pemda_id, &f).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/pemda/{pemda_id}?pesan=diusulkan#tautan")).into_response())
        }
        Err(Error::Unprocessable { message, .. }) => {
            let o = overview(&state, &current.user, pemda_id, &YearQuery::default()).await?;
            let mut r = render(&pemda_page(&current, &o, None, Some(message)))?.into_response();
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

/// `POST /pemda/{pemda}/tautan/{link}/{action}` (`terima` with `sasaran_opd`, `tolak` with
/// `alasan`): from Bappeda's page or the OPD's; back to where it came from (`kembali`).
pub async fn decide_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((pemda_id, link_id, action)): Path<(i64, i64, String)>,
    Form(f): Form<DecideForm>,
) -> Result<Response, Error> {
    let back = |l: &pokin_domain::pemda::CascadeLink| match current.user.pemda_id {
        Some(_) => format!("/pemda/{pemda_id}"),
        None => format!("/organisasi/{}/rpjmd", l.org_id),
    };
    match decide(&state, &current.user, pemda_id, link_id, &action, &f).await {
        Ok(l) => Ok(Redirect::to(&format!(
            "{}?pesan={}#tautan-{link_id}",
            back(&l),
            l.status.as_str()
        ))
        .into_response()),
        Err(Error::Unprocessable { message, .. }) => {
            let o = cached_overview(&state, pemda_id, crate::capaian::today().year() - 1).await;
            let org_id = o
                .as_ref()
                .ok()
                .and_then(|o| o.links.iter().find(|l| l.id == link_id).map(|l| l.org_id));
            let mut r = match (current.user.pemda_id, org_id, o) {
                (None, Some(org), Ok(o)) => {
                    render(&rpjmd_page(&current, &o, org, None, Some(message)))?.into_response()
                }
                (_, _, Ok(o)) => {
                    render(&pemda_page(&current, &o, None, Some(message)))?.into_response()
                }
                (_, _, Err(e)) => return Err(e),
            };
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "rpjmd.html")]
pub(crate) struct RpjmdPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    pemda_id_of_links: i64,
    pemda_name: String,
    notice: Option<&'static str>,
    error: Option<String>,
    links: Vec<LinkRow>,
    objectives_of_links: Vec<(String, String)>,
    notes: Vec<NoteRow>,
    crosscuts: Vec<CrosscutRow>,
    /// The organisation's perencana proposes links and crosscutting here.
    can_link: bool,
    node_choices: Vec<(String, String)>,
    other_orgs: Vec<(i64, String)>,
}

pub(crate) fn rpjmd_page(
    current: &CurrentUser,
    o: &PemdaOverview,
    org_id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> RpjmdPage {
    let org = o.member(org_id);
    RpjmdPage {
        layout: Layout::for_user(current, "Tautan RPJMD", "organisasi"),
        org_id,
        org_name: o.org_name(org_id),
        pemda_id_of_links: o.id,
        pemda_name: o.pemda.name.clone(),
        notice,
        error,
        links: link_rows(o, &current.user, Some(org_id)),
        objectives_of_links: org
            .map(|org| {
                org.units
                    .iter()
                    .flat_map(|u| {
                        u.objectives.iter().map(move |ob| {
                            (
                                format!("{} {}", u.key, ob.code),
                                format!("{} · {} {}", u.name, ob.code, ob.statement),
                            )
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        notes: o
            .notes
            .iter()
            .filter(|n| n.org_id == Some(org_id))
            .map(|n| note_row(o, n, &current.user, true))
            .collect(),
        crosscuts: crosscut_rows(o, &current.user, Some(org_id)),
        can_link: can(&current.user, Action::LinkObjectives, Target::Org(org_id)).is_ok(),
        node_choices: node_choices(o),
        other_orgs: o
            .members
            .iter()
            .filter(|(id, _)| *id != org_id)
            .map(|(id, org)| (*id, org.name.clone()))
            .collect(),
    }
}

/// `GET /organisasi/{id}/rpjmd`: the organisation's links to its pemda's RPJMD and the review
/// notes on its tree.
pub async fn rpjmd(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(org_id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, Error> {
    can(&current.user, Action::Read, Target::Org(org_id))?;
    let Some(pemda_id) = state.store.pemda_of(org_id).await? else {
        return Err(Error::not_found(
            "Organisasi ini belum menjadi anggota pemda mana pun, jadi belum ada tautan RPJMD.",
        ));
    };
    let snap = state.cache.pemda_snapshot(&state.store, pemda_id).await?;
    let p = snap.pemda().await?;
    let year = year_of(&YearQuery { tahun: q.tahun }, p.rpjmd.start, p.rpjmd.end)?;
    let o = snap.overview(year, crate::capaian::today()).await?;
    render(&rpjmd_page(&current, &o, org_id, notice(&q.pesan), None))
}

// ---------------------------------------------------------------------------------------------
// API.

#[utoipa::path(get, path = "/api/v1/pemda/{pemda}/cakupan", tag = "pemda",
    params(("pemda" = i64, Path, description = "id pemda"), ("tahun" = Option<i32>, Query, description = "tahun (bawaan: tahun lalu)")),
    responses((status = 200, description = "persen cascading per OPD, sasaran daerah tanpa OPD, tautan menunggu, semua tautan"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_coverage(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(pemda_id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    // Not kept: the days a link has waited are counted from the moment of the request.
    let o = overview(&state, &user, pemda_id, &q).await?;
    Ok(Json(coverage_json(&o)).into_response())
}

#[utoipa::path(get, path = "/api/v1/pemda/{pemda}/capaian", tag = "pemda",
    params(("pemda" = i64, Path, description = "id pemda"), ("tahun" = Option<i32>, Query, description = "tahun (bawaan: tahun lalu)")),
    responses((status = 200, description = "capaian setiap indikator pemda (null bila belum dilaporkan), sumbernya dan bagian setiap tautan"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_capaian(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(pemda_id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    // Serialised once and kept under the pemda snapshot, like the overview: it names no user
    // (the permission is checked first) and reads no clock.
    let (snap, o) = snapshot_overview(&state, &user, pemda_id, &q).await?;
    let key = format!(
        "pemda{pemda_id}:api:capaian:{}:{}",
        o.year,
        crate::capaian::today()
    );
    let body = snap
        .derived_from(&o, &key, async || {
            serde_json::to_vec(&capaian_json(&o))
                .map_err(|e| Error::Internal(format!("JSON tidak dapat disusun ({e}).")))
        })
        .await?;
    let content_type = (axum::http::header::CONTENT_TYPE, "application/json");
    Ok(([content_type], body.to_vec()).into_response())
}

#[utoipa::path(post, path = "/api/v1/pemda/{pemda}/tautan", tag = "pemda", request_body = ProposeForm,
    params(("pemda" = i64, Path, description = "id pemda")),
    responses((status = 201, description = "id tautan baru (atau yang diusulkan kembali)"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_propose(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(pemda_id): Path<i64>,
    b: Result<Json<ProposeForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let f = json_body(b)?;
    let id = propose(&state, &user, pemda_id, &f).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

#[utoipa::path(post, path = "/api/v1/pemda/{pemda}/tautan/{link}/{action}", tag = "pemda", request_body = DecideForm,
    params(("pemda" = i64, Path, description = "id pemda"), ("link" = i64, Path, description = "id tautan"), ("action" = String, Path, description = "terima atau tolak")),
    responses((status = 200, description = "tautan sesudah langkah itu"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((pemda_id, link_id, action)): Path<(i64, i64, String)>,
    b: Result<Json<DecideForm>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let f = json_body(b)?;
    let l = decide(&state, &user, pemda_id, link_id, &action, &f).await?;
    let pemda = state
        .store
        .load_pemda(pemda_id)
        .await
        .map_err(Error::from)?;
    let org = state
        .store
        .load_organisation(l.org_id)
        .await
        .map_err(Error::from)?;
    Ok(Json(link_json(&pemda, Some(&org), &l)))
}

/// The pemda endpoints of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(api_coverage, api_capaian, api_propose, api_decide),
    components(schemas(ProposeForm, DecideForm))
)]
pub struct PemdaApiDoc;
