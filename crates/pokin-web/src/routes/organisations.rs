//! Organisation pages: the list, an organisation's overview (units, heads, counts, findings)
//! and a unit's page (objectives, indicators with their full specification and targets, cascade
//! links both ways, officials).

use super::realisasi::units_in_order;
use crate::auth::CurrentUser;
use crate::cache::OrgSnapshot;
use crate::permission::{Action, Target, can};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use pokin_domain::{Organisation, Unit, UnitKey, check, format};
use pokin_store::{OrgSummary, User};
use std::sync::Arc;

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListPage {
    layout: Layout,
    orgs: Vec<OrgSummary>,
}

/// `GET /organisasi`: the organisations the user may read.
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Html<String>, Error> {
    let orgs = state
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|o| can(&current.user, Action::Read, Target::Org(o.id)).is_ok())
        .collect();
    render(&ListPage {
        layout: Layout::for_user(&current, "Organisasi", "organisasi"),
        orgs,
    })
}

/// Loads an organisation the user may read, or says why not.
pub(crate) async fn readable(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<Arc<Organisation>, Error> {
    Ok(readable_snapshot(state, &current.user, id).await?.1)
}

/// [`readable`], with the snapshot of the organisation's data it was read from (for the rest of
/// what a page computes from the same revision, [`crate::cache`]).
pub(crate) async fn readable_snapshot(
    state: &AppState,
    user: &User,
    id: i64,
) -> Result<(OrgSnapshot, Arc<Organisation>), Error> {
    can(user, Action::Read, Target::Org(id))?;
    let snap = state.cache.snapshot(&state.store, id).await?;
    let org = snap.organisation().await.map_err(|e| match e {
        pokin_store::StoreError::NotFound(_) => {
            Error::not_found(format!("Organisasi dengan id {id} tidak ada."))
        }
        other => other.into(),
    })?;
    Ok((snap, org))
}

/// A unit in the overview's indented list.
struct UnitLine {
    key: String,
    name: String,
    kind: &'static str,
    depth: usize,
    head: Option<String>,
    objectives: usize,
    indicators: usize,
}

pub(crate) struct FindingLine {
    pub(crate) severity: &'static str,
    pub(crate) class: &'static str,
    pub(crate) location: String,
    pub(crate) message: String,
}

/// Findings as the pages list them (the organisation's overview, Bappeda's control page).
pub(crate) fn finding_lines(findings: Vec<check::Finding>) -> Vec<FindingLine> {
    findings
        .into_iter()
        .map(|f| FindingLine {
            severity: f.severity.label(),
            class: match f.severity {
                check::Severity::Info => "",
                check::Severity::Warning => "warn",
                _ => "err",
            },
            location: f.location,
            message: f.message,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OverviewPage {
    layout: Layout,
    id: i64,
    name: String,
    title: Option<String>,
    demo: bool,
    renstra: Option<String>,
    units: Vec<UnitLine>,
    objectives: usize,
    indicators: usize,
    findings: Vec<FindingLine>,
}

fn head_of(unit: &Unit) -> Option<String> {
    unit.officials.first().map(|o| {
        let acting = match o.appointment {
            pokin_domain::Appointment::Definitif => "",
            other => other.as_str(),
        };
        if acting.is_empty() {
            o.name.clone()
        } else {
            format!("{} ({})", o.name, acting.to_uppercase())
        }
    })
}

/// `GET /organisasi/{id}`.
pub async fn overview(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, Error> {
    let org = readable(&state, &current, id).await?;
    let (_, objectives, indicators) = org.counts();
    let units = units_in_order(&org)
        .into_iter()
        .map(|(depth, u)| UnitLine {
            key: u.key.to_string(),
            name: u.name.clone(),
            kind: u.kind.label(),
            depth,
            head: head_of(u),
            objectives: u.objectives.len(),
            indicators: u.objectives.iter().map(|o| o.indicators.len()).sum(),
        })
        .collect();
    let findings = finding_lines(check::findings(&org));
    render(&OverviewPage {
        layout: Layout::for_user(&current, org.name.clone(), "organisasi"),
        id,
        name: org.name.clone(),
        title: org.title.clone(),
        demo: org.demo,
        renstra: org.renstra.map(|r| format!("{}–{}", r.start, r.end)),
        units,
        objectives,
        indicators,
        findings,
    })
}

/// A cascade link as shown on the unit page and in the diagram's details panel.
pub(crate) struct LinkView {
    pub(crate) unit_key: String,
    pub(crate) unit_name: String,
    pub(crate) code: String,
    pub(crate) statement: String,
    pub(crate) weight: String,
}

/// An indicator's manual IK and targets, formatted (unit page and diagram details panel).
pub(crate) struct IndicatorView {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) iku: bool,
    pub(crate) spec: Vec<(&'static str, String)>,
    pub(crate) targets: Vec<(i32, String)>,
}

struct ObjectiveView {
    code: String,
    statement: String,
    supports: Vec<LinkView>,
    supported_by: Vec<LinkView>,
    indicators: Vec<IndicatorView>,
}

struct OfficialView {
    name: String,
    details: String,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    demo: bool,
    key: String,
    name: String,
    kind: &'static str,
    parent: Option<(String, String)>,
    children: Vec<(String, String)>,
    officials: Vec<OfficialView>,
    objectives: Vec<ObjectiveView>,
    /// Editing: edit buttons (when allowed) and the confirmation after a change.
    edit: crate::routes::edit::UnitTools,
}

pub(crate) fn link(
    org: &Organisation,
    unit: &UnitKey,
    code: &pokin_domain::Code,
    weight: f64,
) -> LinkView {
    let u = org.unit(unit);
    LinkView {
        unit_key: unit.to_string(),
        unit_name: u.map_or_else(|| unit.to_string(), |u| u.name.clone()),
        code: code.to_string(),
        statement: u
            .and_then(|u| u.objectives.iter().find(|o| &o.code == code))
            .map_or_else(String::new, |o| o.statement.clone()),
        weight: format::number_trimmed(weight, 2),
    }
}

pub(crate) fn indicator_view(i: &pokin_domain::Indicator) -> IndicatorView {
    let mut spec = Vec::new();
    let mut put = |label: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            spec.push((label, v));
        }
    };
    put("Satuan", i.satuan.clone());
    put("Polaritas", i.polarity.map(|p| p.label().to_owned()));
    put(
        "Agregasi",
        i.aggregation.map(|a| a.as_str().replace('_', " ")),
    );
    put("Definisi", i.definition.clone());
    put("Formula", i.formula.clone());
    put("Sumber data", i.data_source.clone());
    put("Penanggung jawab", i.responsible.clone());
    put(
        "Baseline",
        i.baseline
            .as_ref()
            .map(|b| format::target(b, i.satuan.as_deref(), i.decimals)),
    );
    put("Desimal", i.decimals.map(|d| d.to_string()));
    IndicatorView {
        code: i.code.to_string(),
        name: i.name.clone(),
        iku: i.iku,
        spec,
        targets: i
            .targets
            .iter()
            .map(|(y, v)| (*y, format::target(v, i.satuan.as_deref(), i.decimals)))
            .collect(),
    }
}

/// `GET /organisasi/{id}/unit/{key}`.
pub async fn unit(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    // Editing: `?pesan=` after a change.
    axum::extract::Query(flash): axum::extract::Query<crate::routes::edit::Flash>,
) -> Result<Html<String>, Error> {
    let org = readable(&state, &current, id).await?;
    let org = &org;
    let missing = || Error::not_found(format!("Unit '{key}' tidak ada dalam organisasi ini."));
    let unit_key = UnitKey::parse(&key).map_err(|_| missing())?;
    let unit = org.unit(&unit_key).ok_or_else(missing)?;
    let objectives = unit
        .objectives
        .iter()
        .map(|o| {
            let supported_by = org
                .units
                .iter()
                .flat_map(|u| u.objectives.iter().map(move |lo| (u, lo)))
                .flat_map(|(u, lo)| {
                    lo.supports
                        .iter()
                        .filter(|s| s.unit == unit.key && s.objective == o.code)
                        .map(move |s| link(org, &u.key, &lo.code, s.weight))
                })
                .collect();
            ObjectiveView {
                code: o.code.to_string(),
                statement: o.statement.clone(),
                supports: o
                    .supports
                    .iter()
                    .map(|s| link(org, &s.unit, &s.objective, s.weight))
                    .collect(),
                supported_by,
                indicators: o.indicators.iter().map(indicator_view).collect(),
            }
        })
        .collect();
    let officials = unit
        .officials
        .iter()
        .map(|o| OfficialView {
            name: o.name.clone(),
            details: official_details(o),
        })
        .collect();
    let parent = unit
        .parent
        .as_ref()
        .and_then(|p| org.unit(p))
        .map(|p| (p.key.to_string(), p.name.clone()));
    let children = org
        .children(Some(&unit.key))
        .map(|c| (c.key.to_string(), c.name.clone()))
        .collect();
    render(&UnitPage {
        layout: Layout::for_user(&current, unit.name.clone(), "organisasi"),
        org_id: id,
        org_name: org.name.clone(),
        demo: org.demo,
        key: unit.key.to_string(),
        name: unit.name.clone(),
        kind: unit.kind.label(),
        parent,
        children,
        officials,
        objectives,
        // Editing
        edit: crate::routes::edit::unit_tools(&state, &current, id, &unit.key, &flash).await?,
    })
}

/// One line about an official: appointment, NIP (printed form), pangkat, golongan, period.
pub(crate) fn official_details(o: &pokin_domain::Official) -> String {
    let mut d = vec![o.appointment.label().to_owned()];
    if let Some(n) = &o.nip {
        d.push(format!("NIP {}", n.printed()));
    }
    d.extend(o.pangkat.clone());
    d.extend(o.golongan.clone());
    if let Some(s) = o.since {
        d.push(format!("sejak {}", format::date(s)));
    }
    if let Some(u) = o.until {
        d.push(format!("sampai {}", format::date(u)));
    }
    d.join(" · ")
}
