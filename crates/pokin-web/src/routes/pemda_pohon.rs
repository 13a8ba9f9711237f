//! The whole-kabupaten diagram: `/pemda/{pemda}/pohon` (the page, the organisation diagram's
//! page and script), `.svg` (also as a download), `.pdf` (the A3 poster) and `/pohon/detail` (the
//! details panel). The RPJMD tree on top; under each node the perangkat daerah objectives that
//! realise it through accepted links, each OPD's subtree folded until opened
//! ([`pokin_docs::pohon::kabupaten`]). Search works across every organisation drawn.
//!
//! Query parameters as on an organisation's diagram (`collapsed`, `indikator`, `cari`, `unduh`,
//! `warna=capaian&tahun=Y`), except that the pemda's capaian is of whole years (a `triwulan` is
//! a 422) and that without `collapsed` every OPD card is folded (`collapsed=` opens them all).
//!
//! The drawing, its SVG and the page are kept under the pemda's revision and its members'
//! (`cache::PemdaSnapshot`): a warm page costs the session and the snapshot (two statements on
//! PostgreSQL, none on SQLite, whose store keeps both while the database is unchanged).

use super::pohon::{PohonPage, Query, SVG_CSP, collapsible, key_list, without_style};
use crate::auth::CurrentUser;
use crate::cache::PemdaSnapshot;
use crate::capaian::{CapaianView, OrgCapaian, SpanChoice, legend_in, today};
use crate::permission::{Action, Target, can};
use crate::routes::dasbor::SpanForm;
use crate::routes::dokumen;
use crate::views::{CachedPage, Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use pokin_docs::chart::predicate_tint;
use pokin_docs::pohon::{
    CardOrigin, Kabupaten, KabupatenHeat, KabupatenMember, PohonOptions, kabupaten, render_svg,
};
use pokin_domain::UnitKey;
use pokin_domain::capaian::{Capaian, PredicateBands};
use pokin_domain::pemda::LinkStatus;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The drawing and the members it was computed from: every member, drawn or not (a member's
/// change may break or mend its links, adding or removing its cards).
struct Drawn {
    kabupaten: Kabupaten,
    members: Vec<i64>,
}

/// What the diagram is drawn from: the pemda snapshot, the drawing, the options of this query.
struct Prepared {
    snap: PemdaSnapshot,
    drawn: Arc<Drawn>,
    /// The folding asked for (`None`: the drawing's default, every OPD card folded).
    collapsed: Option<BTreeSet<UnitKey>>,
    show_indicators: bool,
    heat: Option<SpanChoice>,
    /// The year of the links and capaian drawn.
    year: i32,
    /// Everything in the query that changes the drawing, for the cache keys.
    key: String,
}

impl Prepared {
    fn drawing(&self) -> &Kabupaten {
        &self.drawn.kabupaten
    }

    /// The folding drawn.
    fn collapsed(&self) -> &BTreeSet<UnitKey> {
        self.collapsed
            .as_ref()
            .unwrap_or(&self.drawn.kabupaten.opts.collapsed)
    }

    /// The drawing's options with this query's folding and indicators. Made only when
    /// something is drawn (cold): for a whole kabupaten they hold thousands of strings.
    fn opts(&self) -> PohonOptions {
        let mut opts = self.drawn.kabupaten.opts.clone();
        if let Some(c) = &self.collapsed {
            opts.collapsed = c.clone();
        }
        opts.show_indicators = self.show_indicators;
        opts
    }

    /// The value kept under `key` for this drawing, else `make`'s, kept under the drawing's
    /// members.
    fn derived(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<String, Error>,
    ) -> Result<Arc<String>, Error> {
        if let Some(v) = self.snap.cached::<String>(key) {
            return Ok(v);
        }
        Ok(self.snap.keep(key, &self.drawn.members, make()?))
    }

    fn svg(&self) -> Result<Arc<String>, Error> {
        let key = format!("pohon.svg:{}", self.key);
        self.derived(&key, || Ok(render_svg(&self.drawing().org, &self.opts())))
    }

    /// How many member organisations have cards.
    fn organisations_drawn(&self) -> usize {
        self.drawing()
            .origins
            .values()
            .filter_map(|o| match o {
                CardOrigin::Opd { org_id, .. } => Some(*org_id),
                _ => None,
            })
            .collect::<BTreeSet<i64>>()
            .len()
    }
}

/// Without the heat tree: last year's links and capaian (the year being reported), inside the
/// RPJMD period.
fn default_year(pemda: &pokin_domain::pemda::Pemda) -> i32 {
    (chrono::Datelike::year(&today()) - 1).clamp(pemda.rpjmd.start, pemda.rpjmd.end)
}

/// The year of the heat tree, checked against the RPJMD period; quarters are refused.
fn heat_choice(q: &Query, start: i32, end: i32) -> Result<Option<SpanChoice>, Error> {
    if !q.heat() {
        return Ok(None);
    }
    let choice = q.span()?;
    if choice.quarter.is_some() {
        return Err(Error::field(
            "triwulan",
            "Capaian pemda dihitung per tahun: hapus pilihan triwulan.",
        ));
    }
    if !(start..=end).contains(&choice.year) {
        return Err(Error::field(
            "tahun",
            format!("Tahun {} di luar periode RPJMD {start}–{end}.", choice.year),
        ));
    }
    Ok(Some(choice))
}

async fn prepare(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    q: &Query,
) -> Result<Prepared, Error> {
    can(&current.user, Action::ReadPemda, Target::Pemda(id))?;
    let snap = state.cache.pemda_snapshot(&state.store, id).await?;
    let pemda = snap.pemda().await?;
    let heat = heat_choice(q, pemda.rpjmd.start, pemda.rpjmd.end)?;
    let day = today();
    let year = heat.map_or_else(|| default_year(&pemda), |c| c.year);
    let drawing_key = format!("kabupaten:{id}:{:?}", heat.map(|c| c.year));
    let drawn = match snap.cached::<Drawn>(&drawing_key) {
        Some(d) => d,
        None => {
            let o = snap.overview(year, day).await?;
            let mut measured = HashMap::new();
            if let Some(choice) = heat {
                for (org_id, _) in &o.members {
                    let org_snap = snap.member(*org_id);
                    let org = org_snap.organisation().await?;
                    measured.insert(*org_id, OrgCapaian::of(org_snap, org, choice).await?);
                }
            }
            let members: Vec<KabupatenMember> = o
                .members
                .iter()
                .map(|(org_id, org)| KabupatenMember {
                    id: *org_id,
                    org,
                    capaian: measured
                        .get(org_id)
                        .map(|c| (&c.measure.roll_up, c.bands())),
                })
                .collect();
            let bands = PredicateBands::default();
            let span = heat.map(|c| c.label()).unwrap_or_default();
            let heat_data = heat.map(|_| KabupatenHeat {
                capaian: &o.capaian,
                bands: &bands,
                span: &span,
            });
            let kabupaten =
                kabupaten(&o.pemda, &members, &o.links, heat_data.as_ref()).map_err(|e| {
                    Error::unprocessable(format!("Diagram kabupaten tidak dapat disusun: {e}"))
                })?;
            let ids: Vec<i64> = o.members.iter().map(|(i, _)| *i).collect();
            let drawn = Drawn {
                kabupaten,
                members: ids.clone(),
            };
            snap.keep(&drawing_key, &ids, drawn)
        }
    };
    let collapsed = q
        .has("collapsed")
        .then(|| q.collapsed(&drawn.kabupaten.org));
    let show_indicators = q.show_indicators();
    let key = format!(
        "{drawing_key}:{}:{show_indicators}",
        collapsed.as_ref().map_or_else(|| "-".into(), key_list)
    );
    Ok(Prepared {
        snap,
        drawn,
        collapsed,
        show_indicators,
        heat,
        year,
        key,
    })
}

/// `GET /pemda/{pemda}/pohon`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, Error> {
    let q = Query::parse(raw);
    let p = prepare(&state, &current, id, &q).await?;
    let search = q.search();
    let key = format!("pohon.page:{}:{search:?}:{}", p.key, today());
    let name = p.drawing().org.name.clone();
    let body = p.derived(&key, || page_body(&p, id, search))?;
    CachedPage {
        layout: Layout::for_user(
            &current,
            format!("Pohon kinerja kabupaten · {name}"),
            "pemda",
        ),
        script: Some("/aset/pohon-4.js"),
        body,
    }
    .html()
}

fn page_body(p: &Prepared, id: i64, search: String) -> Result<String, Error> {
    let org = &p.drawing().org;
    let opds = p.organisations_drawn();
    let cards = p
        .drawing()
        .origins
        .values()
        .filter(|o| matches!(o, CardOrigin::Opd { .. }))
        .count();
    let choice = p.heat.unwrap_or(SpanChoice {
        year: org.renstra.map_or(2025, |r| r.start),
        quarter: None,
    });
    let bands = PredicateBands::default();
    Ok(PohonPage {
        base: format!("/pemda/{id}"),
        home: format!("/pemda/{id}"),
        name: org.name.clone(),
        count: format!(
            "{} simpul RPJMD · {cards} kartu dari {opds} perangkat daerah",
            org.units.len() - cards - 1
        ),
        dashboard: format!("/pemda/{id}"),
        dashboard_label: "Capaian dan cakupan pemda",
        fold_default: true,
        yearly_only: true,
        demo: org.demo,
        svg: without_style(&p.svg()?),
        search,
        collapsed: key_list(p.collapsed()),
        collapsible: collapsible(org),
        show_indicators: p.show_indicators,
        heat_query: p
            .heat
            .map_or_else(String::new, |c| format!("warna=capaian&{}", c.query())),
        heat_label: p.heat.map(|c| c.label()),
        heat_legend: if p.heat.is_some() {
            legend_in(&bands, predicate_tint)
        } else {
            Vec::new()
        },
        span_form: SpanForm::new(format!("/pemda/{id}/pohon"), org.renstra, choice),
    }
    .render()?)
}

/// `GET /pemda/{pemda}/pohon.svg`.
pub async fn svg(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Error> {
    let q = Query::parse(raw);
    let p = prepare(&state, &current, id, &q).await?;
    let mut response = (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, SVG_CSP),
        ],
        p.svg()?.as_str().to_owned(),
    )
        .into_response();
    if q.get("unduh").is_some_and(|v| v != "0") {
        let file = format!("pohon-kinerja-{}.svg", file_stem(&p, id));
        if let Ok(v) = header::HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(response)
}

fn file_stem(p: &Prepared, id: i64) -> String {
    let stem = dokumen::slug(&p.drawing().org, id);
    match p.heat {
        Some(c) => format!("{stem}-capaian-{}", c.year),
        None => stem,
    }
}

/// `GET /pemda/{pemda}/pohon.pdf`: the A3 poster of what the page shows, always a download.
pub async fn pdf(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Error> {
    let q = Query::parse(raw);
    let p = prepare(&state, &current, id, &q).await?;
    let file = format!("pohon-kinerja-{}.pdf", file_stem(&p, id));
    let bytes = dokumen::build("Poster", (p.drawn.clone(), p.opts()), |(d, opts)| {
        pokin_docs::poster::pdf(&d.kabupaten.org, opts)
    })
    .await?;
    Ok(dokumen::attachment(bytes, dokumen::PDF, &file))
}

/// The details of an RPJMD node: its indicators with their capaian and who realises it.
#[derive(Template)]
#[template(path = "pemda_pohon_detail.html")]
struct NodeDetail {
    /// An OPD card: that organisation's own details panel, and its id and name.
    opd_body: Option<String>,
    opd: (i64, String),
    pemda_id: i64,
    unit_key: String,
    level: &'static str,
    code: String,
    statement: String,
    year: i32,
    indicators: Vec<(String, String, String, CapaianView)>,
    /// (organisation id, name, its objective, role, status label)
    links: Vec<(i64, String, String, &'static str, &'static str)>,
}

/// `GET /pemda/{pemda}/pohon/detail?unit=KEY[&sasaran=CODE[&indikator=CODE]]`: an RPJMD node's
/// details, or, for an OPD card, that organisation's own details panel with a link to its
/// diagram.
pub async fn detail(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, Error> {
    let q = Query::parse(raw);
    let p = prepare(&state, &current, id, &q).await?;
    let key = q.get("unit").ok_or_else(|| {
        Error::field(
            "unit",
            "Parameter 'unit' wajib diisi dengan kunci kartu yang ingin dilihat.",
        )
    })?;
    let not_found = || Error::not_found(format!("Kartu '{key}' tidak ada dalam diagram ini."));
    let card = UnitKey::parse(key).map_err(|_| not_found())?;
    let origin = p
        .drawing()
        .origins
        .get(&card)
        .cloned()
        .ok_or_else(not_found)?;
    match origin {
        CardOrigin::Opd { org_id, unit } => {
            let mut pairs: Vec<(String, String)> = q.pairs().to_vec();
            pairs.retain(|(k, _)| k != "unit");
            pairs.push(("unit".into(), unit.to_string()));
            let raw = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            let Html(body) =
                super::pohon::detail(State(state), current, Path(org_id), RawQuery(Some(raw)))
                    .await?;
            let name = p
                .drawing()
                .opts
                .kind_labels
                .get(&card)
                .cloned()
                .unwrap_or_default();
            render(&NodeDetail {
                opd_body: Some(body),
                opd: (org_id, name),
                pemda_id: id,
                unit_key: key.to_owned(),
                level: "",
                code: String::new(),
                statement: String::new(),
                year: 0,
                indicators: Vec::new(),
                links: Vec::new(),
            })
        }
        CardOrigin::Visi => Err(Error::not_found(
            "Visi tidak memiliki detail; pilih misi, tujuan atau sasaran daerah.",
        )),
        CardOrigin::Node(code) => {
            let year = p.year;
            let o = p.snap.overview(year, today()).await?;
            let node = o
                .pemda
                .node(&code)
                .ok_or_else(|| Error::not_found(format!("Simpul {code} tidak ada.")))?;
            let bands = PredicateBands::default();
            let indicators = node
                .indicators
                .iter()
                .map(|i| {
                    let c = o.capaian.iter().find(|c| c.code == i.code);
                    (
                        i.code.to_string(),
                        i.name.clone(),
                        i.targets
                            .get(&year)
                            .map(|t| {
                                pokin_domain::format::target(t, i.satuan.as_deref(), i.decimals)
                            })
                            .unwrap_or_else(|| "—".into()),
                        CapaianView::new(
                            c.map_or(&Capaian::BelumDilaporkan, |c| &c.capaian),
                            &bands,
                        ),
                    )
                })
                .collect();
            let links = o
                .links
                .iter()
                .filter(|l| l.target.node == code && l.status != LinkStatus::Ditolak)
                .map(|l| {
                    (
                        l.org_id,
                        o.org_name(l.org_id),
                        l.source
                            .as_ref()
                            .map_or_else(|| "belum disebut".into(), |s| s.label()),
                        l.role.label(),
                        l.status.label(),
                    )
                })
                .collect();
            render(&NodeDetail {
                opd_body: None,
                opd: (0, String::new()),
                pemda_id: id,
                unit_key: key.to_owned(),
                level: node.level.label(),
                code: code.to_string(),
                statement: node.statement.clone(),
                year,
                indicators,
                links,
            })
        }
    }
}
