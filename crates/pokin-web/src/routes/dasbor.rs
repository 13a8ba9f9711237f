//! The organisation's capaian dashboard, `GET /organisasi/{id}/dasbor?tahun=Y[&triwulan=Q]`:
//! the organisation's capaian (the mean of its units), how many indicators were reported and
//! verified for the reporting quarter, capaian per unit and per objective, the predicate
//! distribution of the indicators, the trend per quarter of the year and per year of the
//! Renstra, and the units that are behind with their reports (highlighted once overdue).
//!
//! Every number comes from [`crate::capaian::OrgCapaian`] (the same computation as the API), and
//! every chart has a table with the same numbers beside it: a chart is never the only way to
//! read a value. Charts are server-side SVG ([`pokin_docs::chart`]), inline and without script.

use crate::auth::CurrentUser;
use crate::capaian::{
    self, CapaianView, OrgCapaian, Reporting, ReportingCounts, SpanChoice, legend, overdue,
    quarter_deadline, renstra_years, reporting, today,
};
use crate::permission::{Action, Target, can};
use crate::views::{CachedPage, Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use pokin_docs::chart::{
    BarChart, BarItem, Distribution, LineChart, Series, bar_chart, distribution_chart, line_chart,
    predicate_colour, predicate_legend,
};
use pokin_domain::capaian::{Band, BandsError, Capaian, Ceiling, Periodisation, PredicateBands};
use pokin_domain::format;
use pokin_domain::measure::{IndicatorKey, MeasureSettings, Period, Span, periodisation_of};
use serde::Deserialize;

/// `?tahun=2026&triwulan=2`, both optional; read as text so that a bad value gets the
/// domain's Indonesian message rather than a parse rejection.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SpanQuery {
    /// The year (default: the current year).
    pub tahun: Option<String>,
    /// Up to and including this quarter, 1–4 (default: the whole year).
    pub triwulan: Option<String>,
}

impl SpanQuery {
    pub(crate) fn choice(&self) -> Result<SpanChoice, Error> {
        SpanChoice::parse(self.tahun.as_deref(), self.triwulan.as_deref(), today())
    }
}

/// The year and quarter selects of a span form (`span_form.html`), a GET form that works
/// without JavaScript.
pub(crate) struct SpanForm {
    pub action: String,
    /// Other query parameters the form keeps (name, value).
    pub hidden: Vec<(String, String)>,
    pub years: Vec<i32>,
    pub year: i32,
    pub quarter: Option<u8>,
    pub quarters: Vec<(u8, String)>,
    pub submit: &'static str,
}

impl SpanForm {
    /// The selects for `choice`: the Renstra years, this year and the chosen one.
    pub(crate) fn new(
        action: String,
        renstra: Option<pokin_domain::Renstra>,
        choice: SpanChoice,
    ) -> SpanForm {
        let this_year = today().year();
        let mut years = renstra_years(renstra, this_year);
        years.push(this_year);
        years.push(choice.year);
        years.sort_unstable();
        years.dedup();
        SpanForm {
            action,
            hidden: Vec::new(),
            years,
            year: choice.year,
            quarter: choice.quarter,
            quarters: (1..=4u8)
                .map(|q| (q, Periodisation::Triwulan.label(usize::from(q))))
                .collect(),
            submit: "Tampilkan",
        }
    }

    pub fn quarter_selected(&self, q: &u8) -> bool {
        self.quarter == Some(*q)
    }
}

struct UnitRow {
    key: String,
    name: String,
    view: CapaianView,
    coverage: String,
}

struct ObjectiveRow {
    unit_key: String,
    unit_name: String,
    code: String,
    statement: String,
    view: CapaianView,
    support: Option<CapaianView>,
    coverage: String,
}

struct PointRow {
    label: String,
    view: Option<CapaianView>,
}

struct LagIndicator {
    code: String,
    name: String,
    state: &'static str,
    href: String,
}

struct LagRow {
    key: String,
    name: String,
    unreported: usize,
    waiting: usize,
    indicators: Vec<LagIndicator>,
}

/// The dashboard's content (without the layout): the same for every user who may see it on
/// the same day, so it is rendered once per revision of the data ([`crate::cache`]).
#[derive(Template)]
#[template(path = "dasbor_body.html")]
struct DasborPage {
    id: i64,
    name: String,
    demo: bool,
    form: SpanForm,
    label: String,
    query: String,
    overall: CapaianView,
    overall_coverage: String,
    counts: ReportingCounts,
    /// `TW III 2026`.
    reporting_label: String,
    deadline: String,
    overdue: bool,
    grace_days: u64,
    units_chart: String,
    units: Vec<UnitRow>,
    top_chart: String,
    objectives: Vec<ObjectiveRow>,
    distribution_chart: String,
    distribution: Vec<(String, usize, String)>,
    quarters_chart: String,
    quarters: Vec<PointRow>,
    years_chart: String,
    years: Vec<PointRow>,
    lagging: Vec<LagRow>,
    legend: Vec<(String, String, String)>,
    ceiling: String,
    can_settings: bool,
}

/// `GET /dasbor`: the dashboard of the user's own organisation (or of the only one an admin
/// has).
pub async fn mine(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    Ok(
        match super::pohon::own_organisation(&state, &current).await? {
            Some(id) => Redirect::to(&format!("/organisasi/{id}/dasbor")).into_response(),
            None => Redirect::to("/organisasi").into_response(),
        },
    )
}

/// `GET /organisasi/{id}/dasbor`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<SpanQuery>,
) -> Result<Html<String>, Error> {
    let choice = q.choice()?;
    let c = OrgCapaian::load(&state, &current.user, id, choice).await?;
    let today = today();
    let can_settings = can(&current.user, Action::ConfigureCapaian, Target::Org(id)).is_ok();
    let key = format!("dasbor:{}:{today}:{can_settings}", choice.query());
    let body = match c.snapshot().cached::<String>(&key) {
        Some(body) => body,
        None => c
            .snapshot()
            .keep(&key, body(&state, &c, today, can_settings).await?),
    };
    CachedPage {
        layout: Layout::for_user(
            &current,
            format!("Dasbor capaian · {}", c.org.name),
            "dasbor",
        ),
        script: None,
        body,
    }
    .html()
}

/// The dashboard's content for `today`.
async fn body(
    state: &AppState,
    c: &OrgCapaian,
    today: chrono::NaiveDate,
    can_settings: bool,
) -> Result<String, Error> {
    let choice = c.choice;
    let id = c.snapshot().id;
    let bands = c.bands();
    let levels = bands.bands().len();
    let ceiling = c.settings.ceiling;
    let m = &c.measure;
    let org = &c.org;
    let label = choice.label();

    // The organisation: the mean of its units.
    let overall = m.roll_up.overall();

    // Units.
    let mut unit_items = Vec::new();
    let mut units = Vec::new();
    for (u, uc) in org.units.iter().zip(&m.roll_up.units) {
        let mut item = BarItem::from_capaian(u.name.clone(), uc.capaian(), bands, ceiling);
        item.href = Some(format!("/organisasi/{id}/unit/{}", u.key));
        unit_items.push(item);
        units.push(UnitRow {
            key: u.key.to_string(),
            name: u.name.clone(),
            view: CapaianView::new(uc.capaian(), bands),
            coverage: uc.roll_up.coverage("sasaran"),
        });
    }
    let legend_colours = predicate_legend(bands, predicate_colour);
    let units_chart = bar_chart(&BarChart {
        title: format!("Capaian per unit · {label}"),
        items: unit_items,
        ceiling: ceiling.get(),
        legend: legend_colours.clone(),
    });

    // Objectives: the top units' in the chart, all in the table.
    let mut top_items = Vec::new();
    let mut objectives = Vec::new();
    for (u, uc) in org.units.iter().zip(&m.roll_up.units) {
        for (o, oc) in u.objectives.iter().zip(&uc.objectives) {
            if u.parent.is_none() {
                let mut item = BarItem::from_capaian(
                    format!("{} {}", o.code, o.statement),
                    oc.capaian(),
                    bands,
                    ceiling,
                );
                item.href = Some(format!(
                    "/organisasi/{id}/unit/{}#sasaran-{}",
                    u.key, o.code
                ));
                top_items.push(item);
            }
            objectives.push(ObjectiveRow {
                unit_key: u.key.to_string(),
                unit_name: u.name.clone(),
                code: o.code.to_string(),
                statement: o.statement.clone(),
                view: CapaianView::new(oc.capaian(), bands),
                support: oc
                    .supporters
                    .as_ref()
                    .map(|s| CapaianView::new(&s.capaian, bands)),
                coverage: oc.indicators.coverage("indikator"),
            });
        }
    }
    let top_chart = bar_chart(&BarChart {
        title: format!("Capaian sasaran pimpinan · {label}"),
        items: top_items,
        ceiling: ceiling.get(),
        legend: Vec::new(),
    });

    // Indicators: the predicate distribution and the reporting state.
    let mut indicator_capaian: Vec<&Capaian> = Vec::new();
    let rq = choice.reporting_quarter(today);
    let counts = *c.reporting_counts(rq);
    let mut lagging = Vec::new();
    let statuses = c.statuses();
    for u in &org.units {
        let mut row = LagRow {
            key: u.key.to_string(),
            name: u.name.clone(),
            unreported: 0,
            waiting: 0,
            indicators: Vec::new(),
        };
        for o in &u.objectives {
            for i in &o.indicators {
                let key = IndicatorKey {
                    unit: u.key.clone(),
                    code: i.code.clone(),
                };
                if let Some(im) = m.indicators.get(&key) {
                    indicator_capaian.push(&im.capaian);
                }
                let state = match reporting(&statuses, choice.year, &key, i, rq) {
                    Reporting::Verified => continue,
                    Reporting::Waiting => {
                        row.waiting += 1;
                        "belum diverifikasi"
                    }
                    Reporting::Unreported => {
                        row.unreported += 1;
                        "belum dilaporkan"
                    }
                };
                let href = match periodisation_of(i) {
                    Periodisation::Triwulan => {
                        Period::new(choice.year, Periodisation::Triwulan, rq)
                            .map(|p| {
                                format!(
                                    "/organisasi/{id}/indikator/{}/{}/realisasi/{}",
                                    u.key,
                                    i.code,
                                    p.slug()
                                )
                            })
                            .unwrap_or_default()
                    }
                    Periodisation::Bulanan => {
                        format!("/organisasi/{id}/indikator/{}/{}", u.key, i.code)
                    }
                };
                row.indicators.push(LagIndicator {
                    code: i.code.to_string(),
                    name: i.name.clone(),
                    state,
                    href,
                });
            }
        }
        if row.unreported + row.waiting > 0 {
            lagging.push(row);
        }
    }
    let dist = Distribution::of_capaian(
        format!("Sebaran predikat indikator · {label}"),
        bands,
        indicator_capaian,
    );
    let distribution = dist
        .bands
        .iter()
        .map(|b| {
            let colour = predicate_colour(b.level, levels);
            (
                b.label.clone(),
                b.count,
                format!("pk-{}", colour.trim_start_matches('#')),
            )
        })
        .collect();
    let distribution_svg = distribution_chart(&dist);

    // Trend per quarter of the year (quarters not started yet are left empty).
    let started = |year: i32, q: u8| {
        year < today.year() || (year == today.year() && u32::from(q) <= today.month0() / 3 + 1)
    };
    let mut quarters = Vec::new();
    let mut quarter_points = Vec::new();
    for q in 1..=4u8 {
        let label = format!("s.d. {}", Periodisation::Triwulan.label(usize::from(q)));
        let value =
            started(choice.year, q).then(|| c.with_span(Span::UpToQuarter(q)).roll_up.overall());
        quarter_points.push(value.as_ref().and_then(|r| r.capaian.numeric(ceiling)));
        quarters.push(PointRow {
            label,
            view: value.map(|r| CapaianView::new(&r.capaian, bands)),
        });
    }
    let quarters_chart = line_chart(&LineChart {
        title: format!("Capaian organisasi per triwulan {}", choice.year),
        categories: quarters.iter().map(|p| p.label.clone()).collect(),
        series: vec![Series {
            name: "Capaian organisasi".into(),
            points: quarter_points,
            dashed: false,
        }],
        y_label: None,
        percent: true,
    });

    // Trend per year over the Renstra (years not started yet are left empty).
    let mut years = Vec::new();
    let mut year_points = Vec::new();
    for y in renstra_years(org.renstra, choice.year) {
        let value = if y > today.year() {
            None
        } else if y == choice.year && choice.quarter.is_none() {
            Some(overall.clone())
        } else {
            Some(c.other_year(state, y, Span::Year).await?.roll_up.overall())
        };
        year_points.push(value.as_ref().and_then(|r| r.capaian.numeric(ceiling)));
        years.push(PointRow {
            label: y.to_string(),
            view: value.map(|r| CapaianView::new(&r.capaian, bands)),
        });
    }
    let years_chart = line_chart(&LineChart {
        title: "Capaian organisasi per tahun".into(),
        categories: years.iter().map(|p| p.label.clone()).collect(),
        series: vec![Series {
            name: "Capaian organisasi".into(),
            points: year_points,
            dashed: false,
        }],
        y_label: None,
        percent: true,
    });

    let reporting_label =
        Periodisation::Triwulan.label(usize::from(rq)) + " " + &choice.year.to_string();
    Ok(DasborPage {
        id,
        name: org.name.clone(),
        demo: org.demo,
        form: SpanForm::new(format!("/organisasi/{id}/dasbor"), org.renstra, choice),
        query: choice.query(),
        overall: CapaianView::new(&overall.capaian, bands),
        overall_coverage: overall.coverage("unit"),
        counts,
        reporting_label,
        deadline: quarter_deadline(choice.year, rq).map_or_else(String::new, format::date),
        overdue: overdue(choice.year, rq, today),
        grace_days: capaian::GRACE_DAYS,
        units_chart,
        units,
        top_chart,
        objectives,
        distribution_chart: distribution_svg,
        distribution,
        quarters_chart,
        quarters,
        years_chart,
        years,
        lagging,
        legend: legend(bands),
        ceiling: format::number_trimmed(ceiling.get(), 2),
        can_settings,
        label,
    }
    .render()?)
}

// ---------------------------------------------------------------------------------------------
// Settings: predicate bands and the ceiling.

/// Blank rows offered under the bands, so a band can be added without JavaScript (a row
/// cleared entirely is removed).
const BLANK_ROWS: usize = 3;
/// Rows read from a submitted form at most.
const MAX_ROWS: usize = 40;

struct BandRow {
    label: String,
    from: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pengaturan_capaian.html")]
struct SettingsPage {
    layout: Layout,
    id: i64,
    name: String,
    rows: Vec<BandRow>,
    ceiling: String,
    ceiling_error: Option<String>,
    /// What is wrong, above the form.
    problem: Option<String>,
    notice: Option<&'static str>,
    defaults: Vec<(String, String, String)>,
}

impl SettingsPage {
    /// The form of organisation `id` showing `rows` and `ceiling`, without message.
    fn new(
        current: &CurrentUser,
        id: i64,
        org: &pokin_domain::Organisation,
        rows: Vec<BandRow>,
        ceiling: String,
    ) -> SettingsPage {
        SettingsPage {
            layout: Layout::for_user(
                current,
                format!("Pengaturan capaian · {}", org.name),
                "dasbor",
            ),
            id,
            name: org.name.clone(),
            rows,
            ceiling,
            ceiling_error: None,
            problem: None,
            notice: None,
            defaults: legend(&PredicateBands::default()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsFlash {
    pub pesan: Option<String>,
}

fn number_text(v: f64) -> String {
    format::value_text(&pokin_domain::TargetValue::Number(v))
}

fn band_rows(bands: &PredicateBands) -> Vec<BandRow> {
    bands
        .bands()
        .iter()
        .map(|b| BandRow {
            label: b.label.clone(),
            from: number_text(b.from),
            error: None,
        })
        .chain((0..BLANK_ROWS).map(|_| BandRow {
            label: String::new(),
            from: String::new(),
            error: None,
        }))
        .collect()
}

/// Loads the organisation for the settings page, if the user may change its settings.
async fn configurable(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<std::sync::Arc<pokin_domain::Organisation>, Error> {
    can(&current.user, Action::ConfigureCapaian, Target::Org(id))?;
    super::organisations::readable(state, current, id).await
}

/// `GET /organisasi/{id}/pengaturan-capaian`.
pub async fn settings_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(flash): Query<SettingsFlash>,
) -> Result<Html<String>, Error> {
    let org = configurable(&state, &current, id).await?;
    let settings = state.store.measure_settings(id).await?;
    render(&SettingsPage {
        notice: (flash.pesan.as_deref() == Some("disimpan")).then_some(
            "Pengaturan capaian disimpan; dasbor dan pohon kinerja memakainya sekarang.",
        ),
        ..SettingsPage::new(
            &current,
            id,
            &org,
            band_rows(&settings.bands),
            number_text(settings.ceiling.get()),
        )
    })
}

/// A message as a sentence: capital first letter, full stop.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(c.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The settings a submitted form asks for, or the form again with a message next to each
/// field that is wrong.
fn read_settings(
    form: &std::collections::HashMap<String, String>,
) -> Result<MeasureSettings, (Vec<BandRow>, String, Option<String>, String)> {
    if form.contains_key("bawaan") {
        return Ok(MeasureSettings::default());
    }
    let field = |k: String| {
        form.get(&k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut rows: Vec<BandRow> = (0..MAX_ROWS)
        .map(|i| BandRow {
            label: field(format!("label_{i}")),
            from: field(format!("batas_{i}")),
            error: None,
        })
        .collect();
    while rows
        .last()
        .is_some_and(|r| r.label.is_empty() && r.from.is_empty())
    {
        rows.pop();
    }
    let ceiling_text = field("batas_atas".into());
    let mut ceiling_error = None;
    let ceiling = match format::parse_number(&ceiling_text) {
        None => {
            ceiling_error = Some(format!(
                "Batas atas '{ceiling_text}' bukan angka; tulis misalnya 120 atau 110,5."
            ));
            None
        }
        Some(v) => match Ceiling::new(v) {
            Ok(c) => Some(c),
            Err(e) => {
                ceiling_error = Some(sentence(&e.to_string()));
                None
            }
        },
    };
    // Rows with something in them, by their index in the form.
    let used: Vec<usize> = (0..rows.len())
        .filter(|i| !(rows[*i].label.is_empty() && rows[*i].from.is_empty()))
        .collect();
    let mut bands = Vec::new();
    for &i in &used {
        match format::parse_number(&rows[i].from) {
            Some(v) => bands.push(Band::new(rows[i].label.clone(), v)),
            None if rows[i].from.is_empty() => {
                rows[i].error = Some("Isi batas bawah predikat ini (angka persen).".into());
            }
            None => {
                rows[i].error = Some(format!(
                    "Batas bawah '{}' bukan angka; tulis misalnya 76 atau 90,5.",
                    rows[i].from
                ));
            }
        }
    }
    let mut problem = None;
    let bands = if rows.iter().any(|r| r.error.is_some()) {
        None
    } else {
        match PredicateBands::new(bands) {
            Ok(b) => Some(b),
            Err(e) => {
                let row_of = |label: &str, nth: usize| {
                    used.iter()
                        .copied()
                        .filter(|i| rows[*i].label == label)
                        .nth(nth)
                };
                let at = match &e {
                    BandsError::Empty => None,
                    BandsError::EmptyLabel(n) => used.get(n.saturating_sub(1)).copied(),
                    BandsError::DuplicateLabel(l) => row_of(l, 1),
                    BandsError::NotFinite(l)
                    | BandsError::LowestNotZero(l)
                    | BandsError::NotDescending { label: l, .. } => row_of(l, 0),
                };
                let message = sentence(&e.to_string());
                match at {
                    Some(i) => rows[i].error = Some(message),
                    None => problem = Some(message),
                }
                None
            }
        }
    };
    match (bands, ceiling) {
        (Some(bands), Some(ceiling)) => Ok(MeasureSettings { bands, ceiling }),
        _ => {
            rows.extend((0..BLANK_ROWS).map(|_| BandRow {
                label: String::new(),
                from: String::new(),
                error: None,
            }));
            Err((
                rows,
                ceiling_text,
                ceiling_error,
                problem.unwrap_or_else(|| {
                    "Pengaturan belum disimpan: perbaiki isian yang ditandai.".into()
                }),
            ))
        }
    }
}

/// `POST /organisasi/{id}/pengaturan-capaian`: validated by the domain
/// ([`PredicateBands::new`], [`Ceiling::new`]); saved (and audited) by the store.
pub async fn settings_save(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> Result<Response, Error> {
    let org = configurable(&state, &current, id).await?;
    match read_settings(&form) {
        Ok(settings) => {
            state
                .store
                .set_measure_settings(&current.user.username, id, &settings)
                .await?;
            Ok(Redirect::to(&format!(
                "/organisasi/{id}/pengaturan-capaian?pesan=disimpan"
            ))
            .into_response())
        }
        Err((rows, ceiling, ceiling_error, problem)) => {
            let page = render(&SettingsPage {
                ceiling_error,
                problem: Some(problem),
                ..SettingsPage::new(&current, id, &org, rows, ceiling)
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
