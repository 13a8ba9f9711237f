//! A perangkat daerah's side of the pemda beside answering Bappeda's links (`routes::pemda`):
//! proposing a link from its own objective up to the RPJMD, asking another organisation for
//! crosscutting and answering such requests, and review notes (*catatan reviu*): Bappeda
//! writes them on any node of any tree, Bappeda or the organisation's perencana resolves them.
//! Pages and their JSON API twins share one function per operation; who may act is
//! `permission::can` (`LinkObjectives`, `EditPemda`) checked before anything is read.

use crate::auth::{ApiUser, CurrentUser};
use crate::error::{ApiError, ApiErrorBody, json_body};
use crate::permission::{Action, Target, can};
use crate::routes::edit::lenient;
use crate::routes::pemda::{
    ProposeForm, YearQuery, crosscut_rows, field, new_link, overview, parse_code, parse_source,
    pemda_page, rpjmd_page,
};
use crate::views::render;
use crate::{AppState, Error};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::Datelike;
use pokin_domain::pemda::{LinkAction, LinkSide, OpdSource};
use pokin_domain::{UnitKey, format};
use pokin_store::{NewCrosscut, User};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::OpenApi;

/// The pemda organisation `org_id` belongs to, or a 422 saying it belongs to none.
async fn pemda_of(state: &AppState, org_id: i64) -> Result<i64, Error> {
    state.store.pemda_of(org_id).await?.ok_or_else(|| {
        Error::unprocessable(
            "Organisasi ini belum menjadi anggota pemda mana pun; tautan RPJMD dan crosscutting \
             belum dapat dibuat.",
        )
    })
}

/// A link from the organisation's objective up to the RPJMD, as the form and the API send it:
/// the fields of [`ProposeForm`] (without `organisasi`) and the objective.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UpwardForm {
    /// The sasaran daerah (or tujuan) code, e.g. `S3`.
    #[serde(deserialize_with = "lenient")]
    pub sasaran: String,
    /// Optional: one indicator of it.
    #[serde(deserialize_with = "lenient")]
    pub indikator: String,
    /// The organisation's objective that realises it: `unit SS1` (or `unit SS1 IK1`).
    #[serde(deserialize_with = "lenient")]
    pub sasaran_opd: String,
    /// `pengampu_utama` or `pendukung`.
    #[serde(deserialize_with = "lenient")]
    pub peran: String,
    /// Relative weight (default 1).
    #[serde(deserialize_with = "lenient")]
    pub bobot: String,
}

async fn propose_upward(
    state: &AppState,
    user: &User,
    org_id: i64,
    f: &UpwardForm,
) -> Result<i64, Error> {
    can(user, Action::LinkObjectives, Target::Org(org_id))?;
    let pemda_id = pemda_of(state, org_id).await?;
    let source = parse_source(&f.sasaran_opd)?.ok_or_else(|| {
        field(
            "sasaran_opd",
            "pilih sasaran organisasi Anda yang mewujudkan sasaran daerah itu",
        )
    })?;
    let form = ProposeForm {
        organisasi: org_id.to_string(),
        sasaran: f.sasaran.clone(),
        indikator: f.indikator.clone(),
        peran: f.peran.clone(),
        bobot: f.bobot.clone(),
    };
    let link = new_link(org_id, &form, Some(source), LinkSide::Opd)?;
    Ok(state
        .store
        .propose_link(&user.username, pemda_id, &link)
        .await?)
}

/// A crosscutting request, as the form and the API send it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CrosscutForm {
    /// The asking organisation's objective: `unit SS1`.
    #[serde(deserialize_with = "lenient")]
    pub sasaran_opd: String,
    /// Optional: the code of its indicator whose count target is split.
    #[serde(deserialize_with = "lenient")]
    pub indikator: String,
    /// The id of the organisation asked.
    #[serde(deserialize_with = "lenient")]
    pub organisasi: String,
    /// Optional: the share of the target asked of it.
    #[serde(deserialize_with = "lenient")]
    pub bagian: String,
    #[serde(deserialize_with = "lenient")]
    pub catatan: String,
}

async fn ask_crosscut(
    state: &AppState,
    user: &User,
    org_id: i64,
    f: &CrosscutForm,
) -> Result<i64, Error> {
    can(user, Action::LinkObjectives, Target::Org(org_id))?;
    let pemda_id = pemda_of(state, org_id).await?;
    let mut from = parse_source(&f.sasaran_opd)?
        .ok_or_else(|| field("sasaran_opd", "pilih sasaran organisasi Anda"))?;
    if !f.indikator.trim().is_empty() {
        from.indicator = Some(parse_code("indikator", &f.indikator)?);
    }
    let to_org: i64 = f
        .organisasi
        .trim()
        .parse()
        .map_err(|_| field("organisasi", "pilih organisasi yang diminta berkontribusi"))?;
    let share = match f.bagian.trim() {
        "" => None,
        s => Some(
            format::parse_number(s)
                .ok_or_else(|| field("bagian", format!("bagian '{s}' bukan angka")))?,
        ),
    };
    let c = NewCrosscut {
        from_org: org_id,
        from,
        to_org,
        share,
        note: Some(f.catatan.clone()),
    };
    Ok(state
        .store
        .propose_crosscut(&user.username, pemda_id, &c)
        .await?)
}

/// An answer to a crosscut or a link: the objective (accepting) or the reason (rejecting).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AnswerForm {
    /// Accepting: the organisation's objective that contributes, as `unit SS1`.
    #[serde(deserialize_with = "lenient")]
    pub sasaran_opd: String,
    /// Rejecting: why (required).
    #[serde(deserialize_with = "lenient")]
    pub alasan: String,
}

async fn answer_crosscut(
    state: &AppState,
    user: &User,
    org_id: i64,
    crosscut_id: i64,
    action: &str,
    f: &AnswerForm,
) -> Result<pokin_domain::pemda::Crosscut, Error> {
    can(user, Action::LinkObjectives, Target::Org(org_id))?;
    let action = match LinkAction::from_str_opt(action) {
        Some(a @ (LinkAction::Terima | LinkAction::Tolak)) => a,
        _ => {
            return Err(Error::not_found(
                "Langkah crosscutting itu tidak ada (terima atau tolak).",
            ));
        }
    };
    let pemda_id = pemda_of(state, org_id).await?;
    let asked = state
        .store
        .crosscuts(pemda_id)
        .await?
        .into_iter()
        .any(|c| c.id == crosscut_id && c.to_org == org_id);
    if !asked {
        return Err(Error::not_found(
            "Permintaan crosscutting itu tidak ada untuk organisasi ini.",
        ));
    }
    let to = parse_source(&f.sasaran_opd)?;
    Ok(state
        .store
        .decide_crosscut(
            &user.username,
            pemda_id,
            crosscut_id,
            action,
            to.as_ref(),
            Some(f.alasan.as_str()),
        )
        .await?)
}

/// A review note, as the form and the API send it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NoteForm {
    /// The organisation whose tree it is on (empty: the RPJMD).
    #[serde(deserialize_with = "lenient")]
    pub organisasi: String,
    /// On an organisation's tree: `unit KODE` (an objective or indicator of that unit); on the
    /// RPJMD: the code of a node or indicator.
    #[serde(deserialize_with = "lenient")]
    pub pada: String,
    #[serde(deserialize_with = "lenient")]
    pub isi: String,
}

async fn write_note(
    state: &AppState,
    user: &User,
    pemda_id: i64,
    f: &NoteForm,
) -> Result<i64, Error> {
    can(user, Action::EditPemda, Target::Pemda(pemda_id))?;
    let parts: Vec<&str> = f.pada.split_whitespace().collect();
    let id = match f.organisasi.trim() {
        "" => {
            let [code] = parts.as_slice() else {
                return Err(field(
                    "pada",
                    "tulis satu kode simpul atau indikator RPJMD, misalnya S1",
                ));
            };
            let code = parse_code("pada", code)?;
            state
                .store
                .add_review_note(&user.username, pemda_id, None, &code, &f.isi)
                .await?
        }
        org => {
            let org_id: i64 = org
                .parse()
                .map_err(|_| field("organisasi", "pilih perangkat daerah"))?;
            let [unit, code] = parts.as_slice() else {
                return Err(field(
                    "pada",
                    "tulis kunci unit lalu kode sasaran atau indikator, misalnya kepala-dinas SS1",
                ));
            };
            let unit = UnitKey::parse(unit).map_err(|e| field("pada", e.0))?;
            let code = parse_code("pada", code)?;
            state
                .store
                .add_review_note(
                    &user.username,
                    pemda_id,
                    Some((org_id, &unit)),
                    &code,
                    &f.isi,
                )
                .await?
        }
    };
    Ok(id)
}

/// Resolves note `note_id`: by Bappeda (`org_id` `None`, through the pemda) or by the
/// perencana of the organisation it is on.
async fn resolve_note(
    state: &AppState,
    user: &User,
    pemda_or_org: Target<'_>,
    note_id: i64,
) -> Result<pokin_store::ReviewNote, Error> {
    match pemda_or_org {
        Target::Pemda(_) => can(user, Action::EditPemda, pemda_or_org)?,
        _ => can(user, Action::LinkObjectives, pemda_or_org)?,
    }
    let note = state.store.review_note(note_id).await?;
    let belongs = match pemda_or_org {
        Target::Pemda(p) => note.pemda_id == p,
        Target::Org(o) => note.org_id == Some(o),
        _ => false,
    };
    if !belongs {
        return Err(Error::not_found("Catatan reviu itu tidak ada di sini."));
    }
    Ok(state
        .store
        .resolve_review_note(&user.username, note_id)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Pages: each step redirects back with a message; a refusal shows the page again with it (422).

/// The OPD's page again with `message` (422).
async fn org_page_refused(
    state: &AppState,
    current: &CurrentUser,
    org_id: i64,
    message: String,
) -> Result<Response, Error> {
    let pemda_id = pemda_of(state, org_id).await?;
    let o =
        super::pemda::cached_overview(state, pemda_id, crate::capaian::today().year() - 1).await?;
    let mut r = render(&rpjmd_page(current, &o, org_id, None, Some(message)))?.into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

fn back(url: String) -> Response {
    Redirect::to(&url).into_response()
}

/// `POST /organisasi/{id}/rpjmd/tautan`: the organisation proposes a link upward.
pub async fn propose_upward_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(org_id): Path<i64>,
    Form(f): Form<UpwardForm>,
) -> Result<Response, Error> {
    match propose_upward(&state, &current.user, org_id, &f).await {
        Ok(_) => Ok(back(format!(
            "/organisasi/{org_id}/rpjmd?pesan=diusulkan#tautan"
        ))),
        Err(Error::Unprocessable { message, .. }) => {
            org_page_refused(&state, &current, org_id, message).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /organisasi/{id}/crosscutting`: the organisation asks another for a contribution.
pub async fn ask_crosscut_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(org_id): Path<i64>,
    Form(f): Form<CrosscutForm>,
) -> Result<Response, Error> {
    match ask_crosscut(&state, &current.user, org_id, &f).await {
        Ok(_) => Ok(back(format!(
            "/organisasi/{org_id}/rpjmd?pesan=crosscutting#crosscutting"
        ))),
        Err(Error::Unprocessable { message, .. }) => {
            org_page_refused(&state, &current, org_id, message).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /organisasi/{id}/crosscutting/{crosscut}/{action}` (`terima` with `sasaran_opd`,
/// `tolak` with `alasan`): the organisation asked answers.
pub async fn answer_crosscut_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((org_id, crosscut_id, action)): Path<(i64, i64, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, Error> {
    match answer_crosscut(&state, &current.user, org_id, crosscut_id, &action, &f).await {
        Ok(c) => Ok(back(format!(
            "/organisasi/{org_id}/rpjmd?pesan=crosscutting-{}#crosscutting-{crosscut_id}",
            c.status.as_str()
        ))),
        Err(Error::Unprocessable { message, .. }) => {
            org_page_refused(&state, &current, org_id, message).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /pemda/{pemda}/catatan`: Bappeda writes a review note.
pub async fn write_note_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(pemda_id): Path<i64>,
    Form(f): Form<NoteForm>,
) -> Result<Response, Error> {
    match write_note(&state, &current.user, pemda_id, &f).await {
        Ok(_) => Ok(back(format!("/pemda/{pemda_id}?pesan=catatan#catatan"))),
        Err(Error::Unprocessable { message, .. }) => {
            let o = overview(&state, &current.user, pemda_id, &YearQuery::default()).await?;
            let mut r = render(&pemda_page(&current, &o, None, Some(message)))?.into_response();
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

/// `POST /pemda/{pemda}/catatan/{note}/selesai`: Bappeda resolves a note.
pub async fn resolve_pemda_note_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((pemda_id, note_id)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    resolve_note(&state, &current.user, Target::Pemda(pemda_id), note_id).await?;
    Ok(back(format!(
        "/pemda/{pemda_id}?pesan=catatan-selesai#catatan-{note_id}"
    )))
}

/// `POST /organisasi/{id}/catatan/{note}/selesai`: the organisation's perencana resolves a
/// note on its tree.
pub async fn resolve_org_note_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((org_id, note_id)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    resolve_note(&state, &current.user, Target::Org(org_id), note_id).await?;
    Ok(back(format!(
        "/organisasi/{org_id}/rpjmd?pesan=catatan-selesai#catatan-{note_id}"
    )))
}

// ---------------------------------------------------------------------------------------------
// API.

#[utoipa::path(post, path = "/api/v1/organisations/{id}/rpjmd/tautan", tag = "pemda", request_body = UpwardForm,
    params(("id" = i64, Path, description = "id organisasi")),
    responses((status = 201, description = "id tautan yang diusulkan organisasi ke RPJMD pemdanya"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_propose_upward(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org_id): Path<i64>,
    b: Result<Json<UpwardForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let f = json_body(b)?;
    let id = propose_upward(&state, &user, org_id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/crosscutting", tag = "pemda", request_body = CrosscutForm,
    params(("id" = i64, Path, description = "id organisasi yang meminta")),
    responses((status = 201, description = "id permintaan crosscutting"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_ask_crosscut(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org_id): Path<i64>,
    b: Result<Json<CrosscutForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let f = json_body(b)?;
    let id = ask_crosscut(&state, &user, org_id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/crosscutting/{crosscut}/{action}", tag = "pemda", request_body = AnswerForm,
    params(("id" = i64, Path, description = "id organisasi yang diminta"), ("crosscut" = i64, Path, description = "id crosscutting"), ("action" = String, Path, description = "terima atau tolak")),
    responses((status = 200, description = "crosscutting sesudah langkah itu"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_answer_crosscut(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((org_id, crosscut_id, action)): Path<(i64, i64, String)>,
    b: Result<Json<AnswerForm>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let f = json_body(b)?;
    let c = answer_crosscut(&state, &user, org_id, crosscut_id, &action, &f).await?;
    Ok(Json(crosscut_json(&c)))
}

fn crosscut_json(c: &pokin_domain::pemda::Crosscut) -> Value {
    json!({
        "id": c.id,
        "dari_organisasi_id": c.from_org,
        "dari": c.from.label(),
        "ke_organisasi_id": c.to_org,
        "ke": c.to.as_ref().map(OpdSource::label),
        "bagian": c.share,
        "status": c.status.as_str(),
        "alasan": c.reason,
        "catatan": c.note,
    })
}

#[utoipa::path(get, path = "/api/v1/pemda/{pemda}/crosscutting", tag = "pemda",
    params(("pemda" = i64, Path, description = "id pemda"), ("tahun" = Option<i32>, Query, description = "tahun target yang dibagi (bawaan: tahun lalu)")),
    responses((status = 200, description = "setiap crosscutting pemda, dengan keseimbangan bagian target (kurang/pas/lebih)"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_crosscuts(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(pemda_id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let o = overview(&state, &user, pemda_id, &q).await?;
    let rows = crosscut_rows(&o, &user, None);
    Ok(Json(json!({
        "pemda": o.pemda.name,
        "tahun": o.year,
        "crosscutting": o.crosscuts.iter().zip(rows).map(|(c, r)| {
            let mut v = crosscut_json(c);
            v["keseimbangan"] = json!(r.share_text());
            v
        }).collect::<Vec<_>>(),
    })))
}

#[utoipa::path(post, path = "/api/v1/pemda/{pemda}/catatan", tag = "pemda", request_body = NoteForm,
    params(("pemda" = i64, Path, description = "id pemda")),
    responses((status = 201, description = "id catatan reviu"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn api_write_note(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(pemda_id): Path<i64>,
    b: Result<Json<NoteForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let f = json_body(b)?;
    let id = write_note(&state, &user, pemda_id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// The endpoints of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        api_propose_upward,
        api_ask_crosscut,
        api_answer_crosscut,
        api_crosscuts,
        api_write_note
    ),
    components(schemas(UpwardForm, CrosscutForm, AnswerForm, NoteForm))
)]
pub struct PemdaOpdApiDoc;
