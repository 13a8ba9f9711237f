//! The region-wide dashboard, `GET /dasbor/daerah?tahun=Y[&triwulan=Q]`: every organisation
//! the user may read (a kabupaten's ~40 dinas, badan and kecamatan for an admin), each with its
//! capaian, predicate and reporting state for the reporting quarter, a chart of the
//! organisations by capaian and the region's totals.
//!
//! Above them, for every pemda the user may read (Bappeda, the head of region, a pemda-wide
//! inspector, an administrator), the IKU of the head of region with the pemda's capaian of the
//! year through the links ([`pokin_store::Store::pemda_overview`], through the cache).
//!
//! Each organisation's numbers are its own dashboard's ([`OrgCapaian`], with its own predicate
//! bands and ceiling), read through the cache: one query for all revisions, and nothing
//! recomputed for an organisation whose data did not change.

use super::dasbor::{SpanForm, SpanQuery};
use crate::auth::CurrentUser;
use crate::cache::{OrgSnapshot, PemdaSnapshot};
use crate::capaian::{CapaianView, OrgCapaian, ReportingCounts, SpanChoice, legend, today};
use crate::permission::{Action, Target, can};
use crate::views::{CachedPage, Layout};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use pokin_docs::chart::{BarChart, BarItem, bar_chart, predicate_colour, predicate_legend};
use pokin_domain::capaian::{Ceiling, PredicateBands};
use pokin_domain::{Organisation, format};
use pokin_store::Role;

struct OrgRow {
    id: i64,
    name: String,
    view: CapaianView,
    coverage: String,
    counts: ReportingCounts,
    /// `75,0%` of the indicators reported (submitted or verified).
    reported: String,
    demo: bool,
}

/// The IKU of one pemda's head of region, first on the page.
struct PemdaIku {
    id: i64,
    /// `IKU Bupati · Pemerintah Kabupaten Contoh`.
    title: String,
    year: i32,
    /// Why there is no capaian (the year outside the RPJMD period).
    note: Option<String>,
    iku: Vec<super::pemda::IkuRow>,
    chart: String,
}

#[derive(Template)]
#[template(path = "daerah_body.html")]
struct DaerahPage {
    pemdas: Vec<PemdaIku>,
    form: SpanForm,
    /// `tahun=2026[&triwulan=2]`, for the links to each organisation's dashboard.
    query: String,
    label: String,
    reporting_label: String,
    rows: Vec<OrgRow>,
    chart: String,
    /// The mean of the organisations' capaian, each capped at its own ceiling.
    mean: String,
    counted: usize,
    totals: ReportingCounts,
    reported: String,
    legend: Vec<(String, String, String)>,
}

/// `GET /dasbor/daerah`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<SpanQuery>,
) -> Result<Html<String>, Error> {
    let choice = q.choice()?;
    let today = today();
    let rq = choice.reporting_quarter(today);
    // Every organisation's and pemda's revision, in one statement.
    let all = state.store.all_revisions().await?;
    let snapshots: Vec<OrgSnapshot> = state
        .cache
        .snapshots_at(&state.store, &all.orgs)
        .into_iter()
        .filter(|s| can(&current.user, Action::Read, Target::Org(s.id)).is_ok())
        .collect();
    // The pemdas whose IKU this user reads, at their revisions.
    let pemdas: Vec<(i64, i64)> =
        if current.user.role == Role::Admin || current.user.pemda_id.is_some() {
            all.pemdas
                .iter()
                .copied()
                .filter(|(id, _)| can(&current.user, Action::ReadPemda, Target::Pemda(*id)).is_ok())
                .collect()
        } else {
            Vec::new()
        };
    let mut key = format!("daerah:{}:{today}", choice.query());
    for (id, rev) in &pemdas {
        key.push_str(&format!(":pemda{id}@{rev}"));
    }
    let body = match state.cache.combined(&key, &snapshots) {
        Some(body) => body,
        None => {
            let mut sections = Vec::new();
            for (id, _) in &pemdas {
                let snap = state
                    .cache
                    .pemda_snapshot_in(&state.store, *id, all.clone());
                sections.push(pemda_iku(&snap, choice.year).await?);
            }
            let body = std::sync::Arc::new(body(snapshots.clone(), sections, choice, rq).await?);
            state.cache.keep_combined(&key, &snapshots, body.clone());
            body
        }
    };
    CachedPage {
        layout: Layout::for_user(&current, "Dasbor daerah".to_owned(), "dasbor"),
        script: None,
        body,
    }
    .html()
}

/// One pemda's IKU section for `year`: its head of region's IKU (the indicators marked IKU, else
/// those of its tujuan) with their capaian and a chart.
async fn pemda_iku(snap: &PemdaSnapshot, year: i32) -> Result<PemdaIku, Error> {
    let id = snap.id;
    let p = snap.pemda().await?;
    let title = format!("IKU {} · {}", p.kind.head_title(), p.name);
    if !(p.rpjmd.start..=p.rpjmd.end).contains(&year) {
        return Ok(PemdaIku {
            id,
            title,
            year,
            note: Some(format!(
                "Tahun {year} di luar periode RPJMD {}–{}: pilih tahun lain untuk melihat capaian IKU.",
                p.rpjmd.start, p.rpjmd.end
            )),
            iku: Vec::new(),
            chart: String::new(),
        });
    }
    let o = snap.overview(year, today()).await?;
    let head: std::collections::HashSet<&pokin_domain::Code> = o
        .pemda
        .head_iku()
        .into_iter()
        .map(|(_, i)| &i.code)
        .collect();
    let iku = super::pemda::iku_rows(&o, |i| head.contains(&i.code));
    let bands = PredicateBands::default();
    let items = o
        .capaian
        .iter()
        .filter(|c| iku.iter().any(|r| r.code == c.code.as_str()))
        .filter_map(|c| {
            let (_, i) = o.pemda.indicator(&c.code)?;
            let mut item = BarItem::from_capaian(
                format!("{} {}", c.code, i.name),
                &c.capaian,
                &bands,
                Ceiling::DEFAULT,
            );
            item.href = Some(format!("/pemda/{id}?tahun={year}#iku"));
            Some(item)
        })
        .collect();
    let chart = bar_chart(&BarChart {
        title: format!("{title} · capaian {year}"),
        items,
        ceiling: 120.0,
        legend: predicate_legend(&bands, predicate_colour),
    });
    Ok(PemdaIku {
        id,
        title,
        year,
        note: None,
        iku,
        chart,
    })
}

/// The page's content for these organisations, after the pemdas' IKU sections.
async fn body(
    snapshots: Vec<OrgSnapshot>,
    pemdas: Vec<PemdaIku>,
    choice: SpanChoice,
    rq: u8,
) -> Result<String, Error> {
    let label = choice.label();
    let mut rows = Vec::new();
    let mut items = Vec::new();
    let mut totals = ReportingCounts::default();
    let mut values = Vec::new();
    let mut form_org: Option<std::sync::Arc<Organisation>> = None;
    for snap in snapshots {
        let org = match snap.organisation().await {
            Ok(org) => org,
            // Deleted between the list and now.
            Err(pokin_store::StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let id = snap.id;
        let c = OrgCapaian::of(snap, org, choice).await?;
        let overall = c.measure.roll_up.overall();
        let bands = c.bands();
        let ceiling = c.settings.ceiling;
        if let Some(v) = overall.capaian.numeric(ceiling) {
            values.push(v);
        }
        let counts = *c.reporting_counts(rq);
        totals.total += counts.total;
        totals.verified += counts.verified;
        totals.waiting += counts.waiting;
        totals.unreported += counts.unreported;
        let mut item = BarItem::from_capaian(c.org.name.clone(), &overall.capaian, bands, ceiling);
        item.href = Some(format!("/organisasi/{id}/dasbor?{}", choice.query()));
        items.push(item);
        rows.push(OrgRow {
            id,
            name: c.org.name.clone(),
            view: CapaianView::new(&overall.capaian, bands),
            coverage: overall.coverage("unit"),
            counts,
            reported: share(counts.verified + counts.waiting, counts.total),
            demo: c.org.demo,
        });
        form_org.get_or_insert_with(|| c.org.clone());
    }
    // The table by name, as the list of organisations; the chart by capaian, highest first and
    // unreported last.
    rows.sort_by(|a, b| {
        (a.name.to_lowercase(), &a.name, a.id).cmp(&(b.name.to_lowercase(), &b.name, b.id))
    });
    items.sort_by(|a, b| {
        b.value
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.value.unwrap_or(f64::NEG_INFINITY))
    });
    let bands = PredicateBands::default();
    let chart = bar_chart(&BarChart {
        title: format!("Capaian per organisasi · {label}"),
        items,
        ceiling: 120.0,
        legend: predicate_legend(&bands, predicate_colour),
    });
    let mean = if values.is_empty() {
        "—".to_owned()
    } else {
        format!(
            "{}%",
            format::number(values.iter().sum::<f64>() / values.len() as f64, 2)
        )
    };
    let form = SpanForm::new(
        "/dasbor/daerah".into(),
        form_org.as_ref().and_then(|o| o.renstra),
        choice,
    );
    Ok(DaerahPage {
        pemdas,
        form,
        reporting_label: format!(
            "{} {}",
            pokin_domain::capaian::Periodisation::Triwulan.label(usize::from(rq)),
            choice.year
        ),
        query: choice.query(),
        label,
        counted: values.len(),
        mean,
        reported: share(totals.verified + totals.waiting, totals.total),
        totals,
        rows,
        chart,
        legend: legend(&bands),
    }
    .render()?)
}

/// `part` of `whole` as a percentage, `—` when there is no whole.
fn share(part: usize, whole: usize) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{}%", format::number(part as f64 * 100.0 / whole as f64, 1))
    }
}
