//! An indicator's page, `GET /organisasi/{id}/indikator/{unit}/{code}`: its manual IK, its
//! Renstra and Rencana Aksi targets against its realisations over the Renstra years (charts and
//! a table per period), the capaian of each period and year to date, the narrative (kendala,
//! solusi, faktor pendorong), the evidence files and the workflow history of its realisations.
//!
//! Capaian counts **verified** realisations only; other values are shown marked "belum
//! diverifikasi". Year and year-to-date capaian come from [`crate::capaian::OrgCapaian`] (the
//! dashboards' computation); a single period's capaian is the domain's year-to-date rule applied
//! to that period alone ([`pokin_domain::measure::indicator_measure`]).

use crate::auth::CurrentUser;
use crate::capaian::{CapaianView, OrgCapaian, SpanChoice, renstra_years, today};
use crate::routes::api_capaian::realisation_text;
use crate::routes::organisations::{IndicatorView, indicator_view};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::Datelike;
use pokin_docs::chart::{LineChart, Series, line_chart};
use pokin_domain::capaian::{Capaian, Realisation};
use pokin_domain::measure::{
    IndicatorKey, IndicatorYear, Period, Span, Status, indicator_measure, periodisation_of,
};
use pokin_domain::{Code, TargetValue, UnitKey, format};
use pokin_store::{AuditFilter, RealisationRecord, entity};
use serde_json::Value;
use std::collections::BTreeSet;

struct PeriodRow {
    label: String,
    slug: String,
    target: Option<String>,
    value: Option<String>,
    status: Option<&'static str>,
    status_class: &'static str,
    /// A value was entered but is not verified: it does not count.
    unverified: bool,
    capaian: Option<CapaianView>,
    /// Year to date, at the end of each quarter.
    to_date: Option<(String, CapaianView)>,
    return_reason: Option<String>,
}

struct YearBlock {
    year: i32,
    renstra_target: Option<String>,
    year_target: Option<String>,
    year_value: Option<String>,
    year_capaian: CapaianView,
    periods: Vec<PeriodRow>,
}

struct Narrative {
    period: String,
    slug: String,
    kendala: Option<String>,
    solusi: Option<String>,
    pendorong: Option<String>,
}

struct EvidenceView {
    id: i64,
    period: String,
    file_name: String,
    kind: &'static str,
    size: String,
    uploaded: String,
}

struct HistoryEntry {
    at: String,
    actor: String,
    period: String,
    what: String,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "indikator.html")]
struct IndicatorPage {
    layout: Layout,
    id: i64,
    org_name: String,
    demo: bool,
    unit_key: String,
    unit_name: String,
    objective_code: String,
    objective_statement: String,
    indicator: IndicatorView,
    periodisation: &'static str,
    aggregation: String,
    years: Vec<YearBlock>,
    values_chart: String,
    capaian_chart: String,
    narratives: Vec<Narrative>,
    evidence: Vec<EvidenceView>,
    history: Vec<HistoryEntry>,
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Diverifikasi => "ok",
        Status::Diajukan => "",
        Status::Draft => "warn",
        Status::Dikembalikan => "err",
    }
}

fn numeric_target(t: &TargetValue) -> Option<f64> {
    match t {
        TargetValue::Number(n) => Some(*n),
        _ => None,
    }
}

fn numeric_realisation(r: &Realisation) -> Option<f64> {
    match r {
        Realisation::Number(n) => Some(*n),
        Realisation::Qualitative(_) => None,
    }
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `GET /organisasi/{id}/indikator/{unit}/{code}`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, unit, code)): Path<(i64, String, String)>,
) -> Result<Html<String>, Error> {
    let this_year = today().year();
    let c = OrgCapaian::load(
        &state,
        &current.user,
        id,
        SpanChoice {
            year: this_year,
            quarter: None,
        },
    )
    .await?;
    let org = &c.org;
    let bands = c.bands();
    let missing_unit =
        || Error::not_found(format!("Unit '{unit}' tidak ada dalam organisasi ini."));
    let unit_key = UnitKey::parse(&unit).map_err(|_| missing_unit())?;
    let u = org.unit(&unit_key).ok_or_else(missing_unit)?;
    let missing = || {
        Error::not_found(format!(
            "Indikator '{code}' tidak ada pada unit '{}'.",
            u.name
        ))
    };
    let code = Code::parse(&code).map_err(|_| missing())?;
    let (objective, indicator) = u
        .objectives
        .iter()
        .flat_map(|o| o.indicators.iter().map(move |i| (o, i)))
        .find(|(_, i)| i.code == code)
        .ok_or_else(missing)?;
    let key = IndicatorKey {
        unit: unit_key.clone(),
        code: code.clone(),
    };
    let periodisation = periodisation_of(indicator);
    let satuan = indicator.satuan.as_deref();
    let records: Vec<RealisationRecord> = state.store.indicator_realisations(id, &key).await?;

    // Years: the Renstra's (or the five up to this year), plus any with targets or values.
    let mut years: BTreeSet<i32> = renstra_years(org.renstra, this_year).into_iter().collect();
    years.extend(indicator.targets.keys().copied());
    years.extend(records.iter().map(|r| r.period.year));

    let mut blocks = Vec::new();
    let mut categories = Vec::new();
    let (mut target_points, mut value_points) = (Vec::new(), Vec::new());
    let (mut period_points, mut to_date_points) = (Vec::new(), Vec::new());
    let ceiling = c.settings.ceiling;
    for year in years {
        let data = c.year_data(&state, year).await?;
        let year_measure = c.measure_data(&data, year, Span::Year);
        let year_m = year_measure.indicator(&unit_key, &code);
        let to_date: Vec<Option<Capaian>> = (1..=4u8)
            .map(|q| {
                c.measure_data(&data, year, Span::UpToQuarter(q))
                    .indicator(&unit_key, &code)
                    .map(|m| m.capaian.clone())
            })
            .collect();
        let plan = data.verified.get(&key).cloned().unwrap_or_default();
        let mut periods = Vec::new();
        for (i, period) in Period::all(year, periodisation).enumerate() {
            let record = records.iter().find(|r| r.period == period);
            let target = plan.targets.get(i).cloned().flatten();
            let verified = plan.realisations.get(i).cloned().flatten();
            // This period alone: its target against its verified value, by the domain's rule.
            let alone = IndicatorYear {
                targets: plan.targets.clone(),
                realisations: (0..periodisation.count())
                    .map(|j| if j == i { verified.clone() } else { None })
                    .collect(),
            };
            let capaian = verified.as_ref().map(|_| {
                indicator_measure(
                    indicator,
                    year,
                    Span::UpToQuarter(period.quarter()),
                    Some(&alone),
                )
                .capaian
            });
            let quarter_end = usize::from(period.n) * 4 % periodisation.count() == 0;
            let ytd = if quarter_end {
                to_date
                    .get(usize::from(period.quarter()) - 1)
                    .cloned()
                    .flatten()
            } else {
                None
            };
            categories.push(period.label());
            target_points.push(target.as_ref().and_then(numeric_target));
            value_points.push(verified.as_ref().and_then(numeric_realisation));
            period_points.push(capaian.as_ref().and_then(|x| x.numeric(ceiling)));
            to_date_points.push(ytd.as_ref().and_then(|x| x.numeric(ceiling)));
            let value = record.and_then(|r| r.input.value.as_ref());
            periods.push(PeriodRow {
                label: period.label(),
                slug: period.slug(),
                target: target
                    .as_ref()
                    .map(|t| format::target(t, satuan, indicator.decimals)),
                value: value.map(|v| realisation_text(v, satuan, indicator.decimals)),
                status: record.map(|r| r.status.label()),
                status_class: record.map_or("", |r| status_class(r.status)),
                unverified: value.is_some()
                    && record.is_some_and(|r| r.status != Status::Diverifikasi),
                capaian: capaian.as_ref().map(|x| CapaianView::new(x, bands)),
                to_date: ytd.as_ref().map(|x| {
                    (
                        format!(
                            "s.d. {}",
                            pokin_domain::capaian::Periodisation::Triwulan
                                .label(usize::from(period.quarter()))
                        ),
                        CapaianView::new(x, bands),
                    )
                }),
                return_reason: record
                    .filter(|r| r.status == Status::Dikembalikan)
                    .and_then(|r| text(&r.return_reason)),
            });
        }
        blocks.push(YearBlock {
            year,
            renstra_target: indicator
                .targets
                .get(&year)
                .map(|t| format::target(t, satuan, indicator.decimals)),
            year_target: year_m
                .and_then(|m| m.target.as_ref())
                .map(|t| format::target(t, satuan, indicator.decimals)),
            year_value: year_m
                .and_then(|m| m.realisation.as_ref())
                .map(|r| realisation_text(r, satuan, indicator.decimals)),
            year_capaian: CapaianView::new(
                &year_m.map_or(Capaian::BelumDilaporkan, |m| m.capaian.clone()),
                bands,
            ),
            periods,
        });
    }
    let y_label = Some(match satuan {
        Some(s) => format!("{} ({s})", indicator.name),
        None => indicator.name.clone(),
    });
    let values_chart = line_chart(&LineChart {
        title: "Target dan realisasi terverifikasi per periode".into(),
        categories: categories.clone(),
        series: vec![
            Series {
                name: "Target Rencana Aksi".into(),
                points: target_points,
                dashed: true,
            },
            Series {
                name: "Realisasi terverifikasi".into(),
                points: value_points,
                dashed: false,
            },
        ],
        y_label,
        percent: false,
    });
    let capaian_chart = line_chart(&LineChart {
        title: "Capaian per periode".into(),
        categories,
        series: vec![
            Series {
                name: "Capaian periode".into(),
                points: period_points,
                dashed: false,
            },
            Series {
                name: "Capaian s.d. triwulan".into(),
                points: to_date_points,
                dashed: true,
            },
        ],
        y_label: None,
        percent: true,
    });

    // Narrative, evidence and history, per realisation (newest period first).
    let mut narratives = Vec::new();
    let mut evidence = Vec::new();
    let mut history = Vec::new();
    for r in records.iter().rev() {
        let (k, s, p) = (
            text(&r.input.kendala),
            text(&r.input.solusi),
            text(&r.input.pendorong),
        );
        if k.is_some() || s.is_some() || p.is_some() {
            narratives.push(Narrative {
                period: r.period.label(),
                slug: r.period.slug(),
                kendala: k,
                solusi: s,
                pendorong: p,
            });
        }
        if let Some(full) = state.store.realisation(id, r.id).await? {
            for e in full.evidence {
                evidence.push(EvidenceView {
                    id: e.id,
                    period: r.period.label(),
                    file_name: e.file_name,
                    kind: e.kind.label(),
                    size: size_text(e.size),
                    uploaded: format!(
                        "{} · {}",
                        e.uploaded_by,
                        format::date(e.uploaded_at.date_naive())
                    ),
                });
            }
        }
        let records = state
            .store
            .audit_log(&AuditFilter {
                org_id: Some(id),
                entity: Some(entity::REALISATION.into()),
                entity_id: Some(r.id),
                ..AuditFilter::default()
            })
            .await?;
        for a in records {
            history.push((
                a.at,
                HistoryEntry {
                    at: format!(
                        "{} {}",
                        format::date(a.at.date_naive()),
                        a.at.format("%H:%M UTC")
                    ),
                    actor: a.actor.clone(),
                    period: r.period.label(),
                    what: describe_change(
                        a.before.as_ref(),
                        a.after.as_ref(),
                        satuan,
                        indicator.decimals,
                    ),
                    reason: a
                        .after
                        .as_ref()
                        .and_then(|v| v.get("return_reason"))
                        .and_then(Value::as_str)
                        .filter(|s| !s.trim().is_empty())
                        .filter(|_| field(a.after.as_ref(), "status") == Some("dikembalikan"))
                        .map(str::to_owned),
                },
            ));
        }
    }
    history.sort_by_key(|h| std::cmp::Reverse(h.0));
    let history = history.into_iter().map(|(_, h)| h).collect();

    render(&IndicatorPage {
        layout: Layout::for_user(
            &current,
            format!("{} · {}", indicator.code, indicator.name),
            "organisasi",
        ),
        id,
        org_name: org.name.clone(),
        demo: org.demo,
        unit_key: u.key.to_string(),
        unit_name: u.name.clone(),
        objective_code: objective.code.to_string(),
        objective_statement: objective.statement.clone(),
        indicator: indicator_view(indicator),
        periodisation: match periodisation {
            pokin_domain::capaian::Periodisation::Triwulan => "triwulanan",
            pokin_domain::capaian::Periodisation::Bulanan => "bulanan",
        },
        aggregation: pokin_domain::measure::aggregation_of(indicator)
            .as_str()
            .replace('_', " "),
        years: blocks,
        values_chart,
        capaian_chart,
        narratives,
        evidence,
        history,
    })
}

fn size_text(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{} MB", format::number(b / 1_048_576.0, 1))
    } else {
        format!("{} KB", format::number((b / 1024.0).max(0.1), 1))
    }
}

fn field<'a>(v: Option<&'a Value>, name: &str) -> Option<&'a str> {
    v.and_then(|v| v.get(name)).and_then(Value::as_str)
}

/// What an audit record of a realisation did, in words: the workflow step (from the status
/// before and after) or the value entered.
fn describe_change(
    before: Option<&Value>,
    after: Option<&Value>,
    satuan: Option<&str>,
    decimals: Option<u8>,
) -> String {
    let status = |v: Option<&Value>| field(v, "status").and_then(Status::from_str_opt);
    let value = |v: Option<&Value>| {
        let v = v?;
        if let Some(n) = v.get("value_number").and_then(Value::as_f64) {
            return Some(realisation_text(&Realisation::Number(n), satuan, decimals));
        }
        v.get("value_text")
            .and_then(Value::as_str)
            .map(|s| s.to_owned())
    };
    let (from, to) = (status(before), status(after));
    match (before, from, to) {
        (None, _, _) => match value(after) {
            Some(v) => format!("Realisasi diisi: {v} (draf)"),
            None => "Realisasi dibuat (draf)".into(),
        },
        (_, Some(a), Some(b)) if a != b => match b {
            Status::Diajukan => "Diajukan untuk verifikasi".into(),
            Status::Diverifikasi => "Diverifikasi".into(),
            Status::Dikembalikan => "Dikembalikan".into(),
            Status::Draft => "Kembali menjadi draf".into(),
        },
        _ if after.is_none() => "Realisasi dihapus".into(),
        _ => {
            let (old, new) = (value(before), value(after));
            if old != new {
                format!(
                    "Nilai diubah: {} → {}",
                    old.unwrap_or_else(|| "—".into()),
                    new.unwrap_or_else(|| "—".into())
                )
            } else {
                "Isian diubah (narasi)".into()
            }
        }
    }
}
