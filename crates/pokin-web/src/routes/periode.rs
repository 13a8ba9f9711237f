//! Reporting periods: the quarters of the Renstra years, which are closed (by whom, when), how
//! many realisations of each are not verified yet (a warning before closing), closing a
//! quarter, and the reopen requests waiting for the perencana's decision.
//!
//! [`close_quarter`] and [`decide`] check [`Action::ClosePeriod`] / [`Action::DecideReopen`]
//! first and make one audited store call; a refused step changes nothing.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::routes::edit::{capitalise, lenient};
use crate::routes::realisasi::{
    indicator_path, load_org, today, when, workflow_error, year_choices,
};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use pokin_domain::capaian::Periodisation;
use pokin_domain::measure::{ReopenStatus, Status, periodisation_of};
use pokin_domain::{Organisation, format};
use pokin_store::{ClosedPeriod, ReopenRequest, User};
use serde::Deserialize;

/// The first day after quarter `q` (1–4) of `year`.
pub(crate) fn quarter_end(year: i32, q: u8) -> NaiveDate {
    let (y, m) = if q >= 4 {
        (year + 1, 1)
    } else {
        (year, u32::from(q) * 3 + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
}

/// The quarter of `date`.
pub(crate) fn quarter_of(date: NaiveDate) -> u8 {
    (date.month0() / 3 + 1) as u8
}

/// The years whose quarters are listed: the Renstra period, or the current year.
pub(crate) fn reporting_years(org: &Organisation) -> Vec<i32> {
    year_choices(org, today().year())
}

/// How many periods each indicator reports in one quarter, summed over the organisation.
fn expected_per_quarter(org: &Organisation) -> usize {
    org.units
        .iter()
        .flat_map(|u| u.objectives.iter().flat_map(|o| &o.indicators))
        .map(|i| match periodisation_of(i) {
            Periodisation::Triwulan => 1,
            Periodisation::Bulanan => 3,
        })
        .sum()
}

/// Closes quarter `quarter` of `year` for the whole organisation.
pub(crate) async fn close_quarter(
    state: &AppState,
    user: &User,
    org_id: i64,
    year: i32,
    quarter: u8,
) -> Result<(), Error> {
    can(user, Action::ClosePeriod, Target::Org(org_id))?;
    let org = load_org(state, user, org_id).await?;
    if let Some(r) = org.renstra
        && !r.years().contains(&year)
    {
        return Err(Error::field(
            "tahun",
            format!(
                "Tahun {year} di luar periode Renstra {}–{}; triwulannya tidak dapat ditutup.",
                r.start, r.end
            ),
        ));
    }
    if !(1..=4).contains(&quarter) {
        return Err(Error::not_found(format!(
            "Triwulan {quarter} tidak ada (hanya 1–4)."
        )));
    }
    state
        .store
        .close_period(&user.username, org_id, year, quarter)
        .await
        .map_err(workflow_error)
}

/// Approves or refuses a waiting reopen request (a note is required to refuse).
pub(crate) async fn decide(
    state: &AppState,
    user: &User,
    org_id: i64,
    request_id: i64,
    approve: bool,
    note: &str,
) -> Result<ReopenRequest, Error> {
    let org = load_org(state, user, org_id).await?;
    let request = state
        .store
        .reopen_requests(org_id, false)
        .await?
        .into_iter()
        .find(|r| r.id == request_id)
        .ok_or_else(|| {
            Error::not_found(format!(
                "Permintaan buka kembali dengan id {request_id} tidak ada dalam organisasi ini."
            ))
        })?;
    let target = Target::indicator(org_id, &org, &request.indicator);
    can(user, Action::DecideReopen, target)?;
    if request.status != ReopenStatus::Menunggu {
        return Err(Error::Conflict(format!(
            "Permintaan ini sudah diputuskan ({}) oleh {}.",
            request.status.label().to_lowercase(),
            request.decided_by.as_deref().unwrap_or("-")
        )));
    }
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(Error::field(
            "catatan",
            "Catatan wajib diisi saat menolak: tulis mengapa permintaan ditolak.",
        ));
    }
    state
        .store
        .decide_reopen(
            &user.username,
            org_id,
            request_id,
            approve,
            (!note.is_empty()).then_some(note),
        )
        .await
        .map_err(workflow_error)?;
    Ok(request)
}

// ---------------------------------------------------------------------------------------------
// The page.

struct QuarterRow {
    year: i32,
    quarter: u8,
    label: String,
    closed: Option<String>,
    past_due: bool,
    current: bool,
    unverified: usize,
    /// The counts as shown (`pokin_domain::format`).
    unverified_text: String,
    missing_text: String,
    confirm: String,
}

struct RequestView {
    id: i64,
    indicator: String,
    href: String,
    period: String,
    reason: String,
    requested: String,
    can_decide: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "periode.html")]
struct PeriodsPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    years: Vec<(i32, Vec<QuarterRow>)>,
    can_close: bool,
    close_denied: Option<String>,
    requests: Vec<RequestView>,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodsNotice {
    #[serde(default)]
    pesan: String,
}

fn label_of(r: &ReopenRequest) -> String {
    r.period.label()
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    org_id: i64,
    notice: Option<&'static str>,
    error: Option<(Option<i64>, String)>,
    status: StatusCode,
) -> Result<Response, Error> {
    let user = &current.user;
    let org = load_org(state, user, org_id).await?;
    let closed: Vec<ClosedPeriod> = state.store.closed_periods(org_id).await?;
    let expected = expected_per_quarter(&org);
    let now = today();
    let mut years = Vec::new();
    for year in reporting_years(&org) {
        let measured = state.store.year_measurements(org_id, year).await?;
        let rows = (1..=4u8)
            .map(|q| {
                let in_q: Vec<_> = measured
                    .realisations
                    .iter()
                    .filter(|r| r.period.quarter() == q)
                    .collect();
                let unverified = in_q
                    .iter()
                    .filter(|r| r.status != Status::Diverifikasi)
                    .count();
                let missing = expected.saturating_sub(in_q.len());
                let c = closed.iter().find(|c| c.year == year && c.quarter == q);
                let label = format!("{} {year}", Periodisation::Triwulan.label(usize::from(q)));
                let unverified_text = format::number(unverified as f64, 0);
                let missing_text = format::number(missing as f64, 0);
                QuarterRow {
                    year,
                    quarter: q,
                    closed: c.map(|c| format!("{} oleh {}", when(c.closed_at), c.closed_by)),
                    past_due: c.is_none() && now >= quarter_end(year, q),
                    current: year == now.year() && q == quarter_of(now),
                    unverified,
                    confirm: format!(
                        "Tutup {label}? {unverified_text} realisasi belum diverifikasi dan \
                         {missing_text} belum diisi; setelah ditutup semuanya terkunci."
                    ),
                    unverified_text,
                    missing_text,
                    label,
                }
            })
            .collect();
        years.push((year, rows));
    }
    let close_denied = can(user, Action::ClosePeriod, Target::Org(org_id))
        .err()
        .map(|d| d.0);
    let (error_for, error_text) = match error {
        Some((id, m)) => (id, Some(m)),
        None => (None, None),
    };
    let requests = state
        .store
        .reopen_requests(org_id, true)
        .await?
        .into_iter()
        .map(|r| {
            let target = Target::indicator(org_id, &org, &r.indicator);
            RequestView {
                id: r.id,
                indicator: format!("{} {}", r.indicator.unit, r.indicator.code),
                href: format!(
                    "{}/realisasi/{}",
                    indicator_path(org_id, &r.indicator.unit, &r.indicator.code),
                    r.period.slug()
                ),
                period: label_of(&r),
                reason: r.reason.clone(),
                requested: format!("{} oleh {}", when(r.requested_at), r.requested_by),
                can_decide: can(user, Action::DecideReopen, target).is_ok(),
                error: (error_for == Some(r.id))
                    .then(|| error_text.clone())
                    .flatten(),
            }
        })
        .collect();
    let page = PeriodsPage {
        layout: Layout::for_user(current, "Periode pelaporan", "realisasi"),
        org_id,
        org_name: org.name.clone(),
        years,
        can_close: close_denied.is_none(),
        close_denied,
        requests,
        notice,
        error: if error_for.is_none() {
            error_text
        } else {
            None
        },
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /organisasi/{id}/periode`.
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(n): Query<PeriodsNotice>,
) -> Result<Response, Error> {
    let notice = match n.pesan.as_str() {
        "ditutup" => Some("Triwulan ditutup; realisasinya kini terkunci."),
        "disetujui" => Some("Permintaan buka kembali disetujui; realisasinya dapat dikoreksi."),
        "ditolak" => Some("Permintaan buka kembali ditolak."),
        _ => None,
    };
    page(&state, &current, id, notice, None, StatusCode::OK).await
}

/// `POST /organisasi/{id}/periode/{year}/{quarter}/tutup`.
pub async fn close(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, year, quarter)): Path<(i64, i32, u8)>,
) -> Result<Response, Error> {
    close_quarter(&state, &current.user, id, year, quarter).await?;
    Ok(Redirect::to(&format!("/organisasi/{id}/periode?pesan=ditutup")).into_response())
}

/// The perencana's note with a decision.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionForm {
    /// Required when refusing.
    #[serde(deserialize_with = "lenient")]
    pub catatan: String,
}

async fn decide_form(
    state: AppState,
    current: CurrentUser,
    id: i64,
    request_id: i64,
    approve: bool,
    note: String,
) -> Result<Response, Error> {
    match decide(&state, &current.user, id, request_id, approve, &note).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/organisasi/{id}/periode?pesan={}",
            if approve { "disetujui" } else { "ditolak" }
        ))
        .into_response()),
        Err(Error::Unprocessable { message, .. }) => {
            page(
                &state,
                &current,
                id,
                None,
                Some((Some(request_id), capitalise(&message))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// `POST /organisasi/{id}/periode/buka-kembali/{request_id}/setujui` (optional `catatan`).
pub async fn approve(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, request_id)): Path<(i64, i64)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, Error> {
    decide_form(state, current, id, request_id, true, f.catatan).await
}

/// `POST /organisasi/{id}/periode/buka-kembali/{request_id}/tolak` (`catatan` required).
pub async fn refuse(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, request_id)): Path<(i64, i64)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, Error> {
    decide_form(state, current, id, request_id, false, f.catatan).await
}
