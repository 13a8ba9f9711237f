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
//! - `warna=capaian` (page and SVG; capaian dashboards): the heat tree. Objectives are filled with
//!   the colour of their predicate and carry a label with their capaian and their supporters'
//!   mean (`87,50% · dukungan 92,10%`, `belum dilaporkan`), with the bands as a legend; the span
//!   is `tahun=Y` (default: this year) and optionally `triwulan=1..4`, as on the dashboard. Only
//!   with `warna=capaian` are `tahun`/`triwulan` read, and then a bad value is a 422.
//!
//! The details partial takes `unit=KEY[&sasaran=CODE[&indikator=CODE]]`: without `unit`, or with
//! `indikator` but no `sasaran`, it answers 422; a unit, objective or indicator that does not
//! exist is a 404. Every message is Indonesian.
//! An objective's or indicator's details also show its capaian for `tahun`/`triwulan` (the page
//! passes its own; default: this year), with a link to the indicator's page.

use super::organisations::{IndicatorView, LinkView, indicator_view, link};
use super::organisations::{readable, readable_snapshot};
use crate::auth::CurrentUser;
use crate::cache::OrgSnapshot;
use crate::permission::{Action, Target, can};
use crate::views::{CachedPage, Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pokin_docs::pohon::{PohonOptions, render_svg};
use std::sync::Arc;
// Capaian dashboards: the heat tree.
use crate::capaian::{CapaianView, OrgCapaian, SpanChoice, legend_in, today};
use crate::routes::dasbor::SpanForm;
use crate::routes::dokumen;
use pokin_docs::chart::predicate_tint;
use pokin_domain::{Organisation, Unit, UnitKey};
use std::collections::BTreeSet;

/// The policy of the SVG served alone: it carries its own `<style>` and never a script.
pub(crate) const SVG_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/// The query string as name/value pairs, decoded; a later value of a name wins.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// The search text (`cari`), at most 200 characters.
    pub(crate) fn search(&self) -> String {
        self.get("cari")
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect()
    }

    pub(crate) fn parse(raw: Option<String>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// Whether `name` is given at all (also empty).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every name/value pair, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The last non-empty value of `name`, trimmed.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// `collapsed`: every known unit key among the comma-separated values of every occurrence.
    pub(crate) fn collapsed(&self, org: &Organisation) -> BTreeSet<UnitKey> {
        self.0
            .iter()
            .filter(|(k, _)| k == "collapsed")
            .flat_map(|(_, v)| v.split(','))
            .filter_map(|k| UnitKey::parse(k.trim()).ok())
            .filter(|k| org.unit(k).is_some())
            .collect()
    }

    /// `indikator`: shown unless switched off.
    pub(crate) fn show_indicators(&self) -> bool {
        !matches!(
            self.get("indikator").map(str::to_lowercase).as_deref(),
            Some("0" | "tidak" | "false" | "off")
        )
    }

    /// Capaian dashboards: `warna=capaian`, the heat tree.
    pub(crate) fn heat(&self) -> bool {
        self.get("warna")
            .is_some_and(|v| v.eq_ignore_ascii_case("capaian"))
    }

    /// Capaian dashboards: the span of `tahun` and `triwulan`.
    pub(crate) fn span(&self) -> Result<SpanChoice, Error> {
        SpanChoice::parse(self.get("tahun"), self.get("triwulan"), today())
    }

    fn options(&self, org: &Organisation) -> PohonOptions {
        PohonOptions {
            collapsed: self.collapsed(org),
            show_indicators: self.show_indicators(),
            ..PohonOptions::default()
        }
    }
}

/// Capaian dashboards: the heat tree's span and legend, for the page.
struct Heat {
    choice: SpanChoice,
    legend: Vec<(String, String, String)>,
}

/// The organisation and the diagram's options for a query. With `warna=capaian`, objectives are
/// filled with their predicate's colour and labelled with their capaian and their supporters'
/// mean, computed by [`OrgCapaian`] like the dashboards.
async fn prepare(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    q: &Query,
) -> Result<Prepared, Error> {
    if !q.heat() {
        let (snap, org) = readable_snapshot(state, &current.user, id).await?;
        let opts = q.options(&org);
        return Ok(Prepared {
            snap,
            org,
            opts,
            heat: None,
        });
    }
    let choice = q.span()?;
    let c = OrgCapaian::load(state, &current.user, id, choice).await?;
    let mut opts = q.options(&c.org);
    let bands = c.bands();
    let span = choice.label();
    pokin_docs::pohon::paint_capaian(&mut opts, &c.org, &c.measure.roll_up, bands, &span);
    let heat = Heat {
        choice,
        legend: legend_in(bands, predicate_tint),
    };
    Ok(Prepared {
        snap: c.snapshot().clone(),
        org: c.org,
        opts,
        heat: Some(heat),
    })
}

/// What a diagram is drawn from.
struct Prepared {
    snap: OrgSnapshot,
    org: Arc<Organisation>,
    opts: PohonOptions,
    heat: Option<Heat>,
}

impl Prepared {
    /// The diagram as SVG, drawn once per revision of the organisation's data and options.
    fn svg(&self) -> Arc<String> {
        let key = format!("pohon.svg:{:?}", self.opts);
        self.snap.memo(&key, || render_svg(&self.org, &self.opts))
    }
}

/// `GET /pohon`: the diagram of the user's own organisation (or of the only one an admin has).
pub async fn mine(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    Ok(match own_organisation(&state, &current).await? {
        Some(id) => Redirect::to(&format!("/organisasi/{id}/pohon")).into_response(),
        None => Redirect::to("/organisasi").into_response(),
    })
}

/// The user's own organisation, or the only one an admin may read (shared by `/pohon` and
/// `/dasbor`).
pub(crate) async fn own_organisation(
    state: &AppState,
    current: &CurrentUser,
) -> Result<Option<i64>, Error> {
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
    Ok(id)
}

/// The page's content (without the layout), rendered once per revision, options and search.
#[derive(Template)]
#[template(path = "pohon_body.html")]
pub(crate) struct PohonPage {
    /// `/organisasi/5` or `/pemda/2`: the diagram's SVG, PDF and details are under it.
    pub(crate) base: String,
    /// The link on the name (the organisation's or the pemda's page).
    pub(crate) home: String,
    pub(crate) name: String,
    /// `23 unit kerja`.
    pub(crate) count: String,
    /// The capaian page the heat tree's form links to, and its label.
    pub(crate) dashboard: String,
    pub(crate) dashboard_label: &'static str,
    /// Folded by default: the page always sends `collapsed` (also empty).
    pub(crate) fold_default: bool,
    /// Capaian of whole years only (no quarter choice).
    pub(crate) yearly_only: bool,
    pub(crate) demo: bool,
    /// The diagram, without its `<style>` (the page's CSP forbids inline styles; app.css has
    /// the same rules).
    pub(crate) svg: String,
    pub(crate) search: String,
    /// The effective `collapsed` set, comma-separated.
    pub(crate) collapsed: String,
    /// Units that can be folded below the top level: what "Lipat semua" folds.
    pub(crate) collapsible: String,
    pub(crate) show_indicators: bool,
    // Capaian dashboards: the heat tree.
    /// `warna=capaian&tahun=…[&triwulan=…]` when the heat tree is on, else empty.
    pub(crate) heat_query: String,
    pub(crate) heat_label: Option<String>,
    pub(crate) heat_legend: Vec<(String, String, String)>,
    pub(crate) span_form: SpanForm,
}

/// `GET /organisasi/{id}/pohon`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, Error> {
    let q = Query::parse(raw);
    let prepared = prepare(&state, &current, id, &q).await?;
    let search = q.search();
    let heat_query = prepared.heat.as_ref().map_or_else(String::new, |h| {
        format!("warna=capaian&{}", h.choice.query())
    });
    let key = format!(
        "pohon.page:{:?}:{search:?}:{heat_query}:{}",
        prepared.opts,
        today()
    );
    let layout = Layout::for_user(
        &current,
        format!("Pohon kinerja · {}", prepared.org.name),
        "pohon",
    );
    let body = match prepared.snap.cached::<String>(&key) {
        Some(body) => body,
        None => {
            let body = page_body(&prepared, id, search, heat_query)?;
            prepared.snap.keep(&key, body)
        }
    };
    CachedPage {
        layout,
        script: Some("/aset/pohon-4.js"),
        body,
    }
    .html()
}

/// The diagram page's content.
fn page_body(
    prepared: &Prepared,
    id: i64,
    search: String,
    heat_query: String,
) -> Result<String, Error> {
    let svg = without_style(&prepared.svg());
    let Prepared {
        org, opts, heat, ..
    } = prepared;
    Ok(PohonPage {
        base: format!("/organisasi/{id}"),
        home: format!("/organisasi/{id}"),
        count: format!("{} unit kerja", org.units.len()),
        dashboard: format!("/organisasi/{id}/dasbor"),
        dashboard_label: "Dasbor capaian",
        fold_default: false,
        yearly_only: false,
        name: org.name.clone(),
        demo: org.demo,
        svg,
        search,
        collapsed: key_list(&opts.collapsed),
        collapsible: collapsible(org),
        show_indicators: opts.show_indicators,
        heat_query,
        heat_label: heat.as_ref().map(|h| h.choice.label()),
        span_form: SpanForm::new(
            format!("/organisasi/{id}/pohon"),
            org.renstra,
            heat.as_ref().map_or(
                SpanChoice {
                    year: chrono::Datelike::year(&today()),
                    quarter: None,
                },
                |h| h.choice,
            ),
        ),
        heat_legend: heat.as_ref().map(|h| h.legend.clone()).unwrap_or_default(),
    }
    .render()?)
}

/// Unit keys, comma-separated (as `collapsed` takes them).
pub(crate) fn key_list(keys: &BTreeSet<UnitKey>) -> String {
    keys.iter()
        .map(UnitKey::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// The units that can be folded below the top level (what "Lipat semua" folds), comma-separated.
pub(crate) fn collapsible(org: &Organisation) -> String {
    let has_children = |u: &Unit| org.children(Some(&u.key)).next().is_some();
    org.units
        .iter()
        .filter(|u| u.parent.is_some() && has_children(u))
        .map(|u| u.key.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The SVG without its `<style>` element, for inlining into a page.
pub(crate) fn without_style(svg: &str) -> String {
    match (svg.find("<style>"), svg.find("</style>")) {
        (Some(start), Some(end)) if start < end => {
            [&svg[..start], &svg[end + "</style>".len()..]].concat()
        }
        _ => svg.to_owned(),
    }
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
    let q = Query::parse(raw);
    let prepared = prepare(state, current, id, &q).await?;
    let body = prepared.svg().as_str().to_owned();
    let org = prepared.org;
    let mut response = (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, SVG_CSP),
        ],
        body,
    )
        .into_response();
    if q.get("unduh").is_some_and(|v| v != "0") {
        let slug = dokumen::slug(&org, id);
        let disposition = format!("attachment; filename=\"pohon-kinerja-{slug}.svg\"");
        if let Ok(v) = header::HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(response)
}

/// Documents: `GET /organisasi/{id}/pohon.pdf`, the poster (same query as the SVG; coloured by
/// capaian with `warna=capaian`), always a download.
pub async fn pdf(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Error> {
    let q = Query::parse(raw);
    let Prepared {
        org, opts, heat, ..
    } = prepare(&state, &current, id, &q).await?;
    let suffix = heat
        .as_ref()
        .map_or_else(String::new, |h| format!("-capaian-{}", h.choice.year));
    let file = format!("pohon-kinerja-{}{suffix}.pdf", dokumen::slug(&org, id));
    let bytes = dokumen::build("Poster", (org, opts), |(org, opts)| {
        pokin_docs::poster::pdf(org, opts)
    })
    .await?;
    Ok(dokumen::attachment(bytes, dokumen::PDF, &file))
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
    /// Code, name and (capaian dashboards) capaian.
    indicators: Vec<(String, String, Option<CapaianView>)>,
}

/// Capaian dashboards: the capaian shown in the details panel.
struct DetailCapaian {
    /// `Tahun 2026`, `s.d. TW II 2026`.
    label: String,
    /// The objective's (or the indicator's) own.
    own: CapaianView,
    /// The objective's supporters' mean, when something supports it.
    support: Option<CapaianView>,
    /// The indicator's target and realisation compared, formatted.
    target: Option<String>,
    realisation: Option<String>,
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
    /// Capaian dashboards: the objective's or indicator's capaian.
    capaian: Option<DetailCapaian>,
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
            .map(|i| (i.code.to_string(), i.name.clone(), None))
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
    let q = Query::parse(raw);
    // Capaian dashboards: an objective's or indicator's details show its capaian.
    let measured = match q.get("sasaran") {
        Some(_) => Some(OrgCapaian::load(&state, &current.user, id, q.span()?).await?),
        None => None,
    };
    let loaded;
    let org = match &measured {
        Some(c) => &c.org,
        None => {
            loaded = readable(&state, &current, id).await?;
            &loaded
        }
    };
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
        capaian: None,
    };
    let (sasaran, indikator) = (q.get("sasaran"), q.get("indikator"));
    let Some(code) = sasaran else {
        if indikator.is_some() {
            return Err(Error::field(
                "sasaran",
                "Parameter 'indikator' memerlukan 'sasaran': sebutkan kode sasaran indikator itu.",
            ));
        }
        partial.unit = Some(unit_detail(org, unit));
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
    let mut detail = objective_detail(org, unit, objective);
    if let Some(c) = &measured {
        let bands = c.bands();
        let label = c.choice.label();
        let measure_of = |code: &pokin_domain::Code| c.measure.indicator(&unit.key, code);
        for (ic, _, cap) in &mut detail.indicators {
            if let Some(m) = pokin_domain::Code::parse(ic)
                .ok()
                .as_ref()
                .and_then(measure_of)
            {
                *cap = Some(CapaianView::new(&m.capaian, bands));
            }
        }
        partial.capaian = match indikator.and_then(|i| pokin_domain::Code::parse(i).ok()) {
            Some(icode) => objective
                .indicators
                .iter()
                .find(|i| i.code == icode)
                .and_then(|i| measure_of(&i.code).map(|m| (i, m)))
                .map(|(i, m)| DetailCapaian {
                    label,
                    own: CapaianView::new(&m.capaian, bands),
                    support: None,
                    target: m
                        .target
                        .as_ref()
                        .map(|t| pokin_domain::format::target(t, i.satuan.as_deref(), i.decimals)),
                    realisation: m.realisation.as_ref().map(|r| {
                        crate::routes::api_capaian::realisation_text(
                            r,
                            i.satuan.as_deref(),
                            i.decimals,
                        )
                    }),
                }),
            None => c
                .measure
                .roll_up
                .objective(&unit.key, &objective.code)
                .map(|oc| DetailCapaian {
                    label,
                    own: CapaianView::new(oc.capaian(), bands),
                    support: oc
                        .supporters
                        .as_ref()
                        .map(|s| CapaianView::new(&s.capaian, bands)),
                    target: None,
                    realisation: None,
                }),
        };
    }
    partial.objective = Some(detail);
    render(&partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_is_removed_once() {
        let s = without_style("<svg><title>x</title><style>.a{}</style><g/></svg>");
        assert_eq!(s, "<svg><title>x</title><g/></svg>");
        assert_eq!(without_style("<svg/>"), "<svg/>");
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
