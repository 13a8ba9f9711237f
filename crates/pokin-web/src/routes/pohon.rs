//! The pohon kinerja diagram in the browser: the page (the SVG of [`pokin_docs::pohon`] inline,
//! with pan, zoom, search, collapse and a details panel driven by `assets/pohon.js`), the SVG
//! alone (also as a download) and the details partial the panel loads.
//!
//! Query parameters, all optional; a bad value never fails the page:
//! - `collapsed=key1,key2` (page and SVG): units drawn folded. Keys that are malformed or not in
//!   the organisation are ignored, so an old link still opens.
//! - `indikator=0` (also `tidak`, `false`, `off`): without indicators; any other value shows them.
//! - `cari=TEXT` (page): the search the page opens with (applied in the browser).
//! - `unduh=1` (SVG): served as an attachment, "download as SVG".
//!
//! The details partial takes `unit=KEY[&sasaran=CODE[&indikator=CODE]]`: without `unit`, or with
//! `indikator` but no `sasaran`, it answers 422; a unit, objective or indicator that does not
//! exist is a 404. Every message is Indonesian.

use super::organisations::readable;
use super::organisations::{IndicatorView, LinkView, indicator_view, link};
use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pokin_docs::pohon::{PohonOptions, render_svg};
use pokin_domain::{Organisation, Unit, UnitKey};
use std::collections::BTreeSet;

/// The policy of the SVG served alone: it carries its own `<style>` and never a script.
const SVG_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The query string as name/value pairs, decoded; a later value of a name wins.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<String>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The last non-empty value of `name`, trimmed.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// `collapsed`: every known unit key among the comma-separated values of every occurrence.
    fn collapsed(&self, org: &Organisation) -> BTreeSet<UnitKey> {
        self.0
            .iter()
            .filter(|(k, _)| k == "collapsed")
            .flat_map(|(_, v)| v.split(','))
            .filter_map(|k| UnitKey::parse(k.trim()).ok())
            .filter(|k| org.unit(k).is_some())
            .collect()
    }

    /// `indikator`: shown unless switched off.
    fn show_indicators(&self) -> bool {
        !matches!(
            self.get("indikator").map(str::to_lowercase).as_deref(),
            Some("0" | "tidak" | "false" | "off")
        )
    }

    fn options(&self, org: &Organisation) -> PohonOptions {
        PohonOptions {
            collapsed: self.collapsed(org),
            show_indicators: self.show_indicators(),
            ..PohonOptions::default()
        }
    }
}

/// `GET /pohon`: the diagram of the user's own organisation (or of the only one an admin has).
pub async fn mine(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    let id = match current.user.org_id {
        Some(id) => Some(id),
        None => {
            let readable: Vec<i64> = state
                .store
                .organisations()
                .await?
                .into_iter()
                .map(|o| o.id)
                .filter(|id| can(&current.user, Action::Read, Target::Org(*id)).is_ok())
                .collect();
            match readable[..] {
                [one] => Some(one),
                _ => None,
            }
        }
    };
    Ok(match id {
        Some(id) => Redirect::to(&format!("/organisasi/{id}/pohon")).into_response(),
        None => Redirect::to("/organisasi").into_response(),
    })
}

#[derive(Template)]
#[template(path = "pohon.html")]
struct PohonPage {
    layout: Layout,
    id: i64,
    name: String,
    demo: bool,
    /// The diagram, without its `<style>` (the page's CSP forbids inline styles; app.css has
    /// the same rules).
    svg: String,
    search: String,
    /// The effective `collapsed` set, comma-separated.
    collapsed: String,
    /// Units that can be folded below the top level: what "Lipat semua" folds.
    collapsible: String,
    show_indicators: bool,
    units: usize,
}

/// `GET /organisasi/{id}/pohon`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, Error> {
    let org = readable(&state, &current, id).await?;
    let q = Query::parse(raw);
    let opts = q.options(&org);
    let svg = without_style(render_svg(&org, &opts));
    let has_children = |u: &Unit| org.children(Some(&u.key)).next().is_some();
    let collapsible = org
        .units
        .iter()
        .filter(|u| u.parent.is_some() && has_children(u))
        .map(|u| u.key.as_str())
        .collect::<Vec<_>>()
        .join(",");
    render(&PohonPage {
        layout: Layout::for_user(&current, format!("Pohon kinerja · {}", org.name), "pohon"),
        id,
        name: org.name.clone(),
        demo: org.demo,
        svg,
        search: q
            .get("cari")
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
        collapsed: opts
            .collapsed
            .iter()
            .map(UnitKey::as_str)
            .collect::<Vec<_>>()
            .join(","),
        collapsible,
        show_indicators: opts.show_indicators,
        units: org.units.len(),
    })
}

/// The SVG without its `<style>` element, for inlining into a page.
fn without_style(mut svg: String) -> String {
    if let (Some(start), Some(end)) = (svg.find("<style>"), svg.find("</style>"))
        && start < end
    {
        svg.replace_range(start..end + "</style>".len(), "");
    }
    svg
}

/// `GET /organisasi/{id}/pohon.svg`.
pub async fn svg(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Error> {
    svg_response(&state, &current, id, raw).await
}

/// The diagram as an SVG response (a download with `?unduh=1`); shared with the JSON API.
pub(crate) async fn svg_response(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    raw: Option<String>,
) -> Result<Response, Error> {
    let org = readable(state, current, id).await?;
    let q = Query::parse(raw);
    let body = render_svg(&org, &q.options(&org));
    let mut response = (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, SVG_CSP),
        ],
        body,
    )
        .into_response();
    if q.get("unduh").is_some_and(|v| v != "0") {
        let slug = pokin_domain::slugify(&org.name)
            .map_or_else(|| id.to_string(), |k| k.as_str().to_owned());
        let disposition = format!("attachment; filename=\"pohon-kinerja-{slug}.svg\"");
        if let Ok(v) = header::HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(response)
}

struct UnitDetail {
    kind: &'static str,
    head: Option<String>,
    head_details: String,
    parent: Option<(String, String)>,
    children: usize,
    objectives: usize,
    indicators: usize,
}

struct ObjectiveDetail {
    code: String,
    statement: String,
    supports: Vec<LinkView>,
    supported_by: Vec<LinkView>,
    indicators: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "pohon_detail.html")]
struct DetailPartial {
    org_id: i64,
    unit_key: String,
    unit_name: String,
    unit: Option<UnitDetail>,
    objective: Option<ObjectiveDetail>,
    indicator: Option<IndicatorView>,
}

fn unit_detail(org: &Organisation, unit: &Unit) -> UnitDetail {
    // The current head: the last appointment without an end date, else the first listed.
    let head = unit
        .officials
        .iter()
        .rev()
        .find(|o| o.until.is_none())
        .or(unit.officials.first());
    let head_details = head.map_or_else(String::new, super::organisations::official_details);
    UnitDetail {
        kind: unit.kind.label(),
        head: head.map(|o| o.name.clone()),
        head_details,
        parent: unit
            .parent
            .as_ref()
            .and_then(|p| org.unit(p))
            .map(|p| (p.key.to_string(), p.name.clone())),
        children: org.children(Some(&unit.key)).count(),
        objectives: unit.objectives.len(),
        indicators: unit.objectives.iter().map(|o| o.indicators.len()).sum(),
    }
}

fn objective_detail(
    org: &Organisation,
    unit: &Unit,
    o: &pokin_domain::Objective,
) -> ObjectiveDetail {
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
    ObjectiveDetail {
        code: o.code.to_string(),
        statement: o.statement.clone(),
        supports: o
            .supports
            .iter()
            .map(|s| link(org, &s.unit, &s.objective, s.weight))
            .collect(),
        supported_by,
        indicators: o
            .indicators
            .iter()
            .map(|i| (i.code.to_string(), i.name.clone()))
            .collect(),
    }
}

/// `GET /organisasi/{id}/pohon/detail?unit=KEY[&sasaran=CODE[&indikator=CODE]]`.
pub async fn detail(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, Error> {
    let org = readable(&state, &current, id).await?;
    let q = Query::parse(raw);
    let key = q.get("unit").ok_or_else(|| {
        Error::field(
            "unit",
            "Parameter 'unit' wajib diisi dengan kunci unit yang ingin dilihat.",
        )
    })?;
    let unit = UnitKey::parse(key)
        .ok()
        .and_then(|k| org.unit(&k))
        .ok_or_else(|| Error::not_found(format!("Unit '{key}' tidak ada dalam organisasi ini.")))?;
    let mut partial = DetailPartial {
        org_id: id,
        unit_key: unit.key.to_string(),
        unit_name: unit.name.clone(),
        unit: None,
        objective: None,
        indicator: None,
    };
    let (sasaran, indikator) = (q.get("sasaran"), q.get("indikator"));
    let Some(code) = sasaran else {
        if indikator.is_some() {
            return Err(Error::field(
                "sasaran",
                "Parameter 'indikator' memerlukan 'sasaran': sebutkan kode sasaran indikator itu.",
            ));
        }
        partial.unit = Some(unit_detail(&org, unit));
        return render(&partial);
    };
    let objective = unit
        .objectives
        .iter()
        .find(|o| o.code.as_str() == code)
        .ok_or_else(|| {
            Error::not_found(format!(
                "Sasaran '{code}' tidak ada pada unit '{}'.",
                unit.name
            ))
        })?;
    if let Some(icode) = indikator {
        let indicator = objective
            .indicators
            .iter()
            .find(|i| i.code.as_str() == icode)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "Indikator '{icode}' tidak ada pada sasaran {code} unit '{}'.",
                    unit.name
                ))
            })?;
        partial.indicator = Some(indicator_view(indicator));
    }
    partial.objective = Some(objective_detail(&org, unit, objective));
    render(&partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_is_removed_once() {
        let s = without_style("<svg><title>x</title><style>.a{}</style><g/></svg>".into());
        assert_eq!(s, "<svg><title>x</title><g/></svg>");
        assert_eq!(without_style("<svg/>".into()), "<svg/>");
    }

    #[test]
    fn indicator_switch() {
        for (raw, shown) in [
            ("", true),
            ("indikator=0", false),
            ("indikator=TIDAK", false),
            ("indikator=1", true),
            ("indikator=%3Cx%3E", true),
            ("indikator=0&indikator=1", true),
        ] {
            assert_eq!(
                Query::parse(Some(raw.into())).show_indicators(),
                shown,
                "{raw}"
            );
        }
    }
}
