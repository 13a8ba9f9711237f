//! The JSON API for what the admin pages do: import (with a dry run), accounts and their API
//! tokens, and the diagram as SVG. Every handler reuses the page's logic
//! ([`crate::routes::import`]'s `destination`/`read`/`blocker`/`write`, [`crate::routes::users`]'s
//! validation, [`crate::routes::tokens::revoke_token`], [`crate::routes::pohon::svg_response`]),
//! so the permission checks, messages and audit records are the same as the pages'.

use crate::auth::{ApiUser, CurrentUser};
use crate::error::json_body;
use crate::error::{ApiError, ApiErrorBody};
use crate::permission::{Action, Target, can};
use crate::routes::api_edit::Created;
use crate::routes::{import, pohon, tokens, users};
use crate::{AppState, Error};
use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pokin_import::Format;
use pokin_store::{NewUser, User, UserUpdate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn admin(user: &User) -> Result<(), ApiError> {
    can(user, Action::ManageUsers, Target::System).map_err(|d| ApiError(d.into()))
}

/// An [`ApiError`] answered with another status (413, 415).
fn with_status(status: StatusCode, message: &str) -> Response {
    let mut r = ApiError(Error::unprocessable(message)).into_response();
    *r.status_mut() = status;
    r
}

// ---------------------------------------------------------------------------------------------
// Import.

/// Where and how to import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ImportQuery {
    /// `true`: only read the file and report, write nothing.
    pub dry_run: bool,
    /// The id of the organisation whose tree is replaced; without it a new organisation is made
    /// (admin only).
    pub replace: Option<i64>,
    /// The new organisation's name (otherwise the file's title).
    pub name: Option<String>,
}

/// One diagnostic of the text parser (or the YAML syntax error).
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticItem {
    pub line: usize,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    pub code: String,
    pub message: String,
}

/// What reading a file found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportBody {
    /// `text` or `yaml`.
    pub format: &'static str,
    pub units: usize,
    pub objectives: usize,
    pub indicators: usize,
    pub diagnostics: Vec<DiagnosticItem>,
    /// Problems without a line (validation of the tree, an organisation name already taken).
    pub problems: Vec<String>,
    /// Whether importing would write the organisation.
    pub importable: bool,
    /// Why nothing was written (only when an import is refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn report_body(reading: &pokin_import::Reading, blocker: Option<String>) -> ImportReportBody {
    let report = &reading.report;
    let (units, objectives, indicators) = match (&reading.organisation, &report.tree) {
        (Some(org), _) => (
            org.units.len(),
            org.units.iter().map(|u| u.objectives.len()).sum(),
            org.units
                .iter()
                .flat_map(|u| &u.objectives)
                .map(|o| o.indicators.len())
                .sum(),
        ),
        (None, Some(tree)) => (
            tree.units.len(),
            tree.units.iter().map(|u| u.objectives.len()).sum(),
            tree.units
                .iter()
                .flat_map(|u| &u.objectives)
                .map(|o| o.indicators.len())
                .sum(),
        ),
        (None, None) => (0, 0, 0),
    };
    let importable = reading.organisation.is_some() && blocker.is_none();
    let mut problems = report.problems.clone();
    problems.extend(blocker);
    ImportReportBody {
        format: match report.format {
            Format::Text => "text",
            Format::Yaml => "yaml",
        },
        units,
        objectives,
        indicators,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| DiagnosticItem {
                line: d.line,
                severity: d.severity.as_str(),
                code: d.code.clone(),
                message: d.message.clone(),
            })
            .collect(),
        problems,
        importable,
        message: None,
    }
}

const TOO_LARGE: &str = "Berkas terlalu besar: paling besar 2 MB. Pisahkan pohon kinerjanya atau \
     hapus bagian yang tidak perlu, lalu kirim lagi.";

/// Imports a pohon kinerja text or canonical YAML (the request body, at most 2 MB): with
/// `dry_run=true` only reports what was read; otherwise writes it atomically (201) or, when it
/// cannot be imported, answers 422 with the report and writes nothing.
#[utoipa::path(post, path = "/api/v1/import", tag = "impor",
    params(ImportQuery),
    request_body(content = String, content_type = "text/plain",
        description = "Teks pohon kinerja atau YAML kanonik"),
    responses(
        (status = 200, body = ImportReportBody, description = "dry_run"),
        (status = 201, body = Created),
        (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody),
        (status = 413, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody),
        (status = 422, body = ImportReportBody),
    ),
    security(("token" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    request: Body,
) -> Result<Response, ApiError> {
    let content_type = crate::error::media_type(&headers);
    let accepted = content_type.as_deref().is_none_or(|t| {
        matches!(
            t,
            "text/plain"
                | "application/yaml"
                | "application/x-yaml"
                | "text/yaml"
                | "text/x-yaml"
                | "application/json"
        )
    });
    if !accepted {
        return Ok(with_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Kirim teks pohon kinerja atau YAML sebagai isi permintaan (Content-Type text/plain, \
             application/yaml atau application/json).",
        ));
    }
    let destination = import::destination(&state, &user, q.replace).await?;
    let Ok(bytes) = to_bytes(request, import::MAX_UPLOAD).await else {
        return Ok(with_status(StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE));
    };
    let reading = import::read(
        bytes.to_vec(),
        "Organisasi hasil impor".into(),
        &destination,
        q.name.clone(),
    )
    .await?;
    let blocker = import::blocker(&state, &reading, &destination).await?;
    let mut report = report_body(&reading, blocker);
    if q.dry_run {
        return Ok(Json(report).into_response());
    }
    if !report.importable {
        report.message = Some(
            "Impor ditolak: berkas ini tidak dapat diimpor (lihat diagnostics dan problems), \
             sehingga tidak ada yang disimpan."
                .into(),
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(report)).into_response());
    }
    match import::write(&state, &user, reading.organisation.as_ref(), &destination).await {
        Ok(id) => Ok((StatusCode::CREATED, Json(Created { id })).into_response()),
        Err(Error::Unprocessable { message, .. }) => {
            report.importable = false;
            report.problems.push(message.clone());
            report.message = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(report)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts.

/// An account (never its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserItem {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin, perencana, operator, verifikator, pimpinan, inspektorat.
    pub role: &'static str,
    /// `null` for administrators (all organisations).
    pub org_id: Option<i64>,
    /// The unit key that narrows the scope to its subtree.
    pub unit: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserItem {
    fn from(u: User) -> Self {
        UserItem {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.as_str(),
            org_id: u.org_id,
            unit: u.unit.map(|k| k.to_string()),
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// A new account. Without `password` one is generated and returned once; either way the user
/// must change it at the first login.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub unit: Option<String>,
    pub password: Option<String>,
}

/// An account's changeable fields.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UserChangeBody {
    pub display_name: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub unit: Option<String>,
    pub disabled: bool,
}

/// A new password; without one a password is generated and returned once.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PasswordBody {
    pub password: Option<String>,
}

/// The id of a new account, and its password when it was generated (shown only this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A password that was set; `password` only when it was generated (shown only this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordSet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A 16-character password from an alphabet without look-alikes.
fn generate_password() -> Result<String, Error> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("bilangan acak tidak tersedia ({e}).")))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// The given password, or a generated one (`true`).
fn password_or_generated(p: Option<String>) -> Result<(String, bool), Error> {
    match p.filter(|p| !p.is_empty()) {
        Some(p) => Ok((p, false)),
        None => Ok((generate_password()?, true)),
    }
}

/// Field messages as a 422.
fn field_errors(errors: users::FieldErrors) -> ApiError {
    ApiError(Error::fields(errors))
}

fn store_refusal(e: pokin_store::StoreError) -> ApiError {
    match users::store_errors(e) {
        Ok(errors) => field_errors(errors),
        Err(e) => ApiError(e),
    }
}

/// The form the user pages validate, from an API body.
fn form(
    username: String,
    display_name: String,
    role: String,
    org_id: Option<i64>,
    unit: Option<String>,
) -> users::UserForm {
    users::UserForm {
        username,
        display_name,
        role,
        org: org_id.map_or_else(String::new, |o| o.to_string()),
        unit: unit.unwrap_or_default(),
        ..Default::default()
    }
}

/// All accounts, by user name (admin only).
#[utoipa::path(get, path = "/api/v1/users", tag = "pengguna",
    responses((status = 200, body = Vec<UserItem>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<UserItem>>, ApiError> {
    admin(&user)?;
    Ok(Json(
        state
            .store
            .users()
            .await?
            .into_iter()
            .map(UserItem::from)
            .collect(),
    ))
}

/// Adds an account (admin only).
#[utoipa::path(post, path = "/api/v1/users", tag = "pengguna",
    request_body = NewUserBody,
    responses((status = 201, body = CreatedUser), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    b: Result<Json<NewUserBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    admin(&user)?;
    let b = json_body(b)?;
    let f = form(b.username, b.display_name, b.role, b.org_id, b.unit);
    let (role, org_id, unit) = users::parse_scope(&f).map_err(field_errors)?;
    let (password, generated) = password_or_generated(b.password)?;
    let new = NewUser {
        username: f.username.trim().to_lowercase(),
        display_name: f.display_name.clone(),
        role,
        org_id,
        pemda_id: None,
        unit,
        password: password.clone(),
        must_change_password: true,
    };
    let id = state
        .store
        .create_user(&user.username, &new)
        .await
        .map_err(store_refusal)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            id,
            password: generated.then_some(password),
        }),
    )
        .into_response())
}

/// Changes an account's role, scope, name or disabled flag (admin only; not one's own role or
/// disabled flag). Disabling ends its sessions.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "pengguna",
    params(("id" = i64, Path, description = "id pengguna")),
    request_body = UserChangeBody,
    responses((status = 200, body = UserItem), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn update_user(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    b: Result<Json<UserChangeBody>, JsonRejection>,
) -> Result<Json<UserItem>, ApiError> {
    admin(&user)?;
    let target = users::user_or_404(&state, id).await?;
    let b = json_body(b)?;
    let f = form(
        target.username.clone(),
        b.display_name,
        b.role,
        b.org_id,
        b.unit,
    );
    let (role, org_id, unit) = users::parse_scope(&f).map_err(field_errors)?;
    if let Some(errors) = users::self_lockout(&user, &target, role, b.disabled) {
        return Err(field_errors(errors));
    }
    let change = UserUpdate {
        display_name: f.display_name.clone(),
        role,
        org_id,
        pemda_id: None,
        unit,
        disabled: b.disabled,
    };
    state
        .store
        .update_user(&user.username, id, &change)
        .await
        .map_err(store_refusal)?;
    Ok(Json(users::user_or_404(&state, id).await?.into()))
}

/// Sets a new password that the user must change at the next login (generated and returned
/// once when none is given); ends the user's sessions (admin only).
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "pengguna",
    params(("id" = i64, Path, description = "id pengguna")),
    request_body = PasswordBody,
    responses((status = 200, body = PasswordSet), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn set_password(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    b: Result<Json<PasswordBody>, JsonRejection>,
) -> Result<Json<PasswordSet>, ApiError> {
    admin(&user)?;
    users::user_or_404(&state, id).await?;
    let b = json_body(b)?;
    let (password, generated) = password_or_generated(b.password)?;
    state
        .store
        .set_password(&user.username, id, &password, true)
        .await
        .map_err(store_refusal)?;
    Ok(Json(PasswordSet {
        password: generated.then_some(password),
    }))
}

// ---------------------------------------------------------------------------------------------
// API tokens.

/// An API token as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenItem {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// To the hour.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new token's name.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewTokenBody {
    pub name: String,
}

/// A token just made: `token` is shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    pub token: String,
}

async fn token_items(state: &AppState, user_id: i64) -> Result<Vec<TokenItem>, Error> {
    Ok(state
        .store
        .api_tokens(user_id)
        .await?
        .into_iter()
        .map(|t| TokenItem {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect())
}

/// An account's API tokens (admin only).
#[utoipa::path(get, path = "/api/v1/users/{id}/tokens", tag = "pengguna",
    params(("id" = i64, Path, description = "id pengguna")),
    responses((status = 200, body = Vec<TokenItem>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<TokenItem>>, ApiError> {
    admin(&user)?;
    users::user_or_404(&state, id).await?;
    Ok(Json(token_items(&state, id).await?))
}

/// Makes an API token for the account and returns it once (admin only).
#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "pengguna",
    params(("id" = i64, Path, description = "id pengguna")),
    request_body = NewTokenBody,
    responses((status = 201, body = CreatedToken), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    b: Result<Json<NewTokenBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    admin(&user)?;
    users::user_or_404(&state, id).await?;
    let b = json_body(b)?;
    let token = state
        .store
        .create_api_token(&user.username, id, &b.name)
        .await?;
    let newest = token_items(&state, id)
        .await?
        .into_iter()
        .max_by_key(|t| t.id)
        .ok_or_else(|| Error::Internal("token baru tidak ditemukan.".into()))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: newest.id,
            name: newest.name,
            token,
        }),
    )
        .into_response())
}

/// Revokes an API token of the account (admin only).
#[utoipa::path(delete, path = "/api/v1/users/{id}/tokens/{token_id}", tag = "pengguna",
    params(("id" = i64, Path, description = "id pengguna"),
        ("token_id" = i64, Path, description = "id token")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, token_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    admin(&user)?;
    tokens::revoke_token(&state, &user, id, token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// The diagram.

/// The pohon kinerja diagram as standalone SVG, the same as the page's download (`?unduh=1`
/// adds a file name).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/pohon.svg", tag = "organisasi",
    params(("id" = i64, Path, description = "id organisasi")),
    responses((status = 200, content_type = "image/svg+xml", body = String),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn pohon_svg(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let current = CurrentUser {
        user,
        csrf_token: String::new(),
    };
    Ok(pohon::svg_response(&state, &current, id, raw).await?)
}

/// The endpoints above, merged into the main OpenAPI document by `api::openapi_json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        import,
        list_users,
        create_user,
        update_user,
        set_password,
        list_tokens,
        create_token,
        revoke_token,
        pohon_svg
    ),
    components(schemas(
        DiagnosticItem,
        ImportReportBody,
        UserItem,
        NewUserBody,
        UserChangeBody,
        PasswordBody,
        CreatedUser,
        PasswordSet,
        TokenItem,
        NewTokenBody,
        CreatedToken
    ))
)]
pub struct AdminApiDoc;
