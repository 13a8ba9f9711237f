//! The JSON API for realisations, their workflow and evidence, and Rencana Aksi targets: the
//! same operations as the pages ([`crate::routes::realisasi`]'s `save`, `step`,
//! `upload_evidence`, `evidence_response` and [`crate::routes::rencana_aksi::set_targets`]:
//! the same permission checks, messages and audited store calls), with a bearer token instead
//! of a session. Refusals: 403 `forbidden`, 404 `not_found`, 409 `conflict` (the state does
//! not allow the step), 413 `too_large`, 422 `unprocessable` with `fields`.

use crate::auth::ApiUser;
use crate::error::json_body;
use crate::error::{ApiError, ApiErrorBody};
use crate::routes::realisasi::{
    self, Located, RealisationForm, ReasonForm, Snapshot, check_length, locate, read_evidence,
};
use crate::routes::rencana_aksi;
use crate::{AppState, Error};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pokin_domain::capaian::Realisation;
use pokin_domain::format;
use pokin_domain::measure::{Action as Step, MAX_EVIDENCE_BYTES, Period};
use pokin_store::Evidence;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

/// One evidence file's metadata; the bytes are at `url`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceItem {
    pub id: i64,
    pub file_name: String,
    /// pdf, png, jpeg, gif, webp, office_zip, office_legacy.
    pub kind: String,
    pub media_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub url: String,
}

/// A realisation as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct RealisationData {
    pub id: i64,
    /// draft, diajukan, diverifikasi, dikembalikan.
    pub status: String,
    /// A number, a text (qualitative), or null.
    #[schema(value_type = Option<Object>)]
    pub nilai: Option<serde_json::Value>,
    pub kendala: Option<String>,
    pub solusi: Option<String>,
    pub pendorong: Option<String>,
    /// The reason given when it was last returned.
    pub return_reason: Option<String>,
    /// Its period is closed: nothing may change until a reopen request is approved.
    pub locked: bool,
    pub reopened: bool,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub evidence: Vec<EvidenceItem>,
}

/// An indicator's realisation for one period, with its targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct RealisationView {
    pub organisation_id: i64,
    pub unit: String,
    pub code: String,
    pub indicator: String,
    pub satuan: Option<String>,
    /// e.g. `2026-tw2` or `2026-m05`.
    pub period: String,
    pub period_label: String,
    /// The Rencana Aksi target of the period, as typed (`85,5`, `80–90`, `WTP`).
    pub target_period: Option<String>,
    /// The Renstra target of the year.
    pub target_year: Option<String>,
    /// The period's quarter is closed.
    pub closed: bool,
    /// Null when nothing was entered yet.
    pub realisation: Option<RealisationData>,
}

/// The status after a workflow step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepResult {
    /// draft, diajukan, diverifikasi, dikembalikan.
    pub status: String,
}

/// An indicator's Rencana Aksi targets for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetsView {
    pub unit: String,
    pub code: String,
    pub year: i32,
    /// triwulan or bulanan.
    pub periodisation: String,
    /// The Renstra target of the year, as typed.
    pub year_target: Option<String>,
    /// Period number (1–4 or 1–12) → target as typed, or null.
    pub targets: BTreeMap<u8, Option<String>>,
}

/// New Rencana Aksi targets: period number → value (`"85,5"`, `85.5`, `"80–90"`, `"WTP"`;
/// empty or null clears it). Periods not named are left as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TargetsBody {
    #[schema(value_type = BTreeMap<String, String>)]
    pub targets: BTreeMap<u8, serde_json::Value>,
}

fn evidence_item(org_id: i64, e: &Evidence) -> EvidenceItem {
    EvidenceItem {
        id: e.id,
        file_name: e.file_name.clone(),
        kind: serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        media_type: e.kind.media_type().to_owned(),
        size: e.size,
        uploaded_by: e.uploaded_by.clone(),
        uploaded_at: e.uploaded_at,
        url: format!("/api/v1/organisations/{org_id}/bukti/{}", e.id),
    }
}

fn view(loc: &Located, period: Period, snap: &Snapshot) -> RealisationView {
    RealisationView {
        organisation_id: loc.org_id,
        unit: loc.key.unit.to_string(),
        code: loc.key.code.to_string(),
        indicator: loc.indicator.name.clone(),
        satuan: loc.indicator.satuan.clone(),
        period: period.slug(),
        period_label: period.label(),
        target_period: snap.period_target.as_ref().map(format::value_text),
        target_year: snap.year_target.as_ref().map(format::value_text),
        closed: snap.closed,
        realisation: snap.record.as_ref().map(|r| RealisationData {
            id: r.id,
            status: r.status.as_str().to_owned(),
            nilai: r.input.value.as_ref().map(|v| match v {
                Realisation::Number(n) => serde_json::json!(n),
                Realisation::Qualitative(s) => serde_json::json!(s),
            }),
            kendala: r.input.kendala.clone(),
            solusi: r.input.solusi.clone(),
            pendorong: r.input.pendorong.clone(),
            return_reason: r.return_reason.clone(),
            locked: r.locked,
            reopened: r.reopened,
            updated_by: r.updated_by.clone(),
            updated_at: r.updated_at,
            evidence: r
                .evidence
                .iter()
                .map(|e| evidence_item(loc.org_id, e))
                .collect(),
        }),
    }
}

async fn located(
    state: &AppState,
    user: &pokin_store::User,
    id: i64,
    unit: &str,
    code: &str,
    period: &str,
) -> Result<(Located, Period), Error> {
    let loc = locate(state, user, id, unit, code).await?;
    let p = loc.period(period)?;
    Ok((loc, p))
}

async fn current_view(
    state: &AppState,
    loc: &Located,
    period: Period,
) -> Result<RealisationView, Error> {
    let snap = realisasi::snapshot(state, loc, period).await?;
    Ok(view(loc, period, &snap))
}

/// An indicator's realisation for a period (null `realisation` when nothing was entered).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("unit" = String, Path, description = "kunci unit"),
        ("code" = String, Path, description = "kode indikator"), ("period" = String, Path, description = "periode, mis. 2026-tw2 atau 2026-m05")),
    responses((status = 200, body = RealisationView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn get_realisation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit, code, period)): Path<(i64, String, String, String)>,
) -> Result<Json<RealisationView>, ApiError> {
    let (loc, p) = located(&state, &user, id, &unit, &code, &period).await?;
    Ok(Json(current_view(&state, &loc, p).await?))
}

/// Saves the value and narrative as a draft (or over a draft / returned realisation).
#[utoipa::path(put, path = "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("unit" = String, Path, description = "kunci unit"),
        ("code" = String, Path, description = "kode indikator"), ("period" = String, Path, description = "periode, mis. 2026-tw2")),
    request_body = RealisationForm,
    responses((status = 200, body = RealisationView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn put_realisation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit, code, period)): Path<(i64, String, String, String)>,
    b: Result<Json<RealisationForm>, JsonRejection>,
) -> Result<Json<RealisationView>, ApiError> {
    let (loc, p) = located(&state, &user, id, &unit, &code, &period).await?;
    let form = json_body(b)?;
    realisasi::save(&state, &user, &loc, p, &form).await?;
    Ok(Json(current_view(&state, &loc, p).await?))
}

/// A workflow step: `ajukan`, `verifikasi`, or `kembalikan` with `{"alasan": "…"}`.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/{action}", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("unit" = String, Path, description = "kunci unit"),
        ("code" = String, Path, description = "kode indikator"), ("period" = String, Path, description = "periode, mis. 2026-tw2"),
        ("action" = String, Path, description = "ajukan, verifikasi atau kembalikan")),
    request_body = ReasonForm,
    responses((status = 200, body = StepResult), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn post_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit, code, period, action)): Path<(i64, String, String, String, String)>,
    body: Bytes,
) -> Result<Json<StepResult>, ApiError> {
    let Some(action) = Step::from_str_opt(&action) else {
        return Err(Error::not_found(format!(
            "Langkah '{action}' tidak dikenal; gunakan ajukan, verifikasi atau kembalikan."
        ))
        .into());
    };
    let (loc, p) = located(&state, &user, id, &unit, &code, &period).await?;
    let reason: ReasonForm = if body.iter().all(u8::is_ascii_whitespace) {
        ReasonForm::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| {
            Error::unprocessable(
                "Isi permintaan bukan JSON yang sah atau tidak sesuai. Contoh: {\"alasan\": \"…\"}.",
            )
        })?
    };
    let reason = (!reason.alasan.trim().is_empty()).then_some(reason.alasan.as_str());
    let status = realisasi::step(&state, &user, &loc, p, action, reason).await?;
    Ok(Json(StepResult {
        status: status.as_str().to_owned(),
    }))
}

/// Uploads an evidence file (multipart field `berkas`, at most 10 MB; the kind is recognised
/// from the content: PDF, PNG, JPEG, GIF, WebP, Office).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/bukti", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("unit" = String, Path, description = "kunci unit"),
        ("code" = String, Path, description = "kode indikator"), ("period" = String, Path, description = "periode, mis. 2026-tw2")),
    request_body(content_type = "multipart/form-data", description = "field `berkas`: the file"),
    responses((status = 201, body = EvidenceItem), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 413, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn post_evidence(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit, code, period)): Path<(i64, String, String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let (loc, p) = located(&state, &user, id, &unit, &code, &period).await?;
    loc.may(&user, crate::permission::Action::EnterRealisation)?;
    check_length(&headers, MAX_EVIDENCE_BYTES, realisasi::too_large)?;
    let (name, bytes) = read_evidence(multipart).await?;
    let e = realisasi::upload_evidence(&state, &user, &loc, p, &name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(evidence_item(id, &e))).into_response())
}

/// Downloads an evidence file.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/bukti/{evidence_id}", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("evidence_id" = i64, Path, description = "id bukti dukung")),
    responses((status = 200, description = "the file, as an attachment"), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn get_evidence(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, evidence_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    Ok(realisasi::evidence_response(&state, &user, id, evidence_id).await?)
}

async fn targets_view(state: &AppState, loc: &Located, year: i32) -> Result<TargetsView, Error> {
    let stored = realisasi::period_targets(state, loc, year).await?;
    Ok(TargetsView {
        unit: loc.key.unit.to_string(),
        code: loc.key.code.to_string(),
        year,
        periodisation: loc.periodisation().as_str().to_owned(),
        year_target: loc.indicator.targets.get(&year).map(format::value_text),
        targets: stored
            .iter()
            .enumerate()
            .map(|(i, t)| ((i + 1) as u8, t.as_ref().map(format::value_text)))
            .collect(),
    })
}

/// An indicator's Rencana Aksi targets for a year.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("unit" = String, Path, description = "kunci unit"),
        ("code" = String, Path, description = "kode indikator"), ("year" = i32, Path, description = "tahun")),
    responses((status = 200, body = TargetsView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn get_targets(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit, code, year)): Path<(i64, String, String, i32)>,
) -> Result<Json<TargetsView>, ApiError> {
    let loc = locate(&state, &user, id, &unit, &code).await?;
    rencana_aksi::check_year(&loc, year)?;
    Ok(Json(targets_view(&state, &loc, year).await?))
}

/// Sets Rencana Aksi targets (perencana of the unit, admin).
#[utoipa::path(put, path = "/api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}", tag = "realisasi",
    params(("id" = i64, Path, description = "id organisasi"), ("unit" = String, Path, description = "kunci unit"),
        ("code" = String, Path, description = "kode indikator"), ("year" = i32, Path, description = "tahun")),
    request_body = TargetsBody,
    responses((status = 200, body = TargetsView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn put_targets(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit, code, year)): Path<(i64, String, String, i32)>,
    b: Result<Json<TargetsBody>, JsonRejection>,
) -> Result<Json<TargetsView>, ApiError> {
    let loc = locate(&state, &user, id, &unit, &code).await?;
    let body = json_body(b)?;
    let values = body
        .targets
        .into_iter()
        .map(|(n, v)| {
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(x) => x.as_f64().map_or_else(
                    || x.to_string(),
                    |f| format::value_text(&pokin_domain::TargetValue::Number(f)),
                ),
                other => other.to_string(),
            };
            (n, text)
        })
        .collect();
    rencana_aksi::set_targets(&state, &user, &loc, year, &values).await?;
    Ok(Json(targets_view(&state, &loc, year).await?))
}

/// The realisation endpoints' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        get_realisation,
        put_realisation,
        post_step,
        post_evidence,
        get_evidence,
        get_targets,
        put_targets
    ),
    components(schemas(
        RealisationView,
        RealisationData,
        EvidenceItem,
        StepResult,
        TargetsView,
        TargetsBody,
        RealisationForm,
        ReasonForm
    ))
)]
pub struct RealisasiApiDoc;
