//! The JSON API for editing the tree: the same changes as the edit pages
//! ([`crate::routes::edit`]'s `apply_*` functions: same permission check, same validation, one
//! audited store transaction each), with a bearer token instead of a session. Bodies are JSON
//! with text fields as typed in the forms (`"weight": "0,5"` or `0.5`); refusals are
//! `422 {"error": "unprocessable", "message", "fields": {field: message}}`.

use crate::auth::ApiUser;
use crate::error::json_body;
use crate::error::{ApiError, ApiErrorBody};
use crate::routes::edit::{
    self, IndicatorForm, ObjectiveForm, OfficialForm, SupportForm, UnitForm,
};
use crate::{AppState, Error};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pokin_store::Direction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The id of what was created or changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A new weight for a cascade link.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WeightBody {
    /// A number greater than 0 (`1`, `0.5`, or `"0,5"`).
    #[schema(value_type = String)]
    pub weight: serde_json::Value,
}

/// Which way to move a unit or an objective among its siblings.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MoveBody {
    /// `up` or `down`.
    pub direction: String,
}

fn created(id: i64) -> Response {
    (StatusCode::CREATED, Json(Created { id })).into_response()
}

fn direction(d: &str) -> Result<Direction, ApiError> {
    match d {
        "up" => Ok(Direction::Up),
        "down" => Ok(Direction::Down),
        _ => Err(ApiError(Error::field(
            "direction",
            "Arah harus 'up' atau 'down'.",
        ))),
    }
}

/// Adds a unit (below `parent`, a unit key; empty for a top unit).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/units", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi")),
    request_body = UnitForm,
    responses((status = 201, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    b: Result<Json<UnitForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    let (uid, _) = edit::apply_create_unit(&state, &user, &tree, &form).await?;
    Ok(created(uid))
}

/// Changes a unit's key, name, kind or parent.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/units/{unit_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("unit_id" = i64, Path, description = "id unit")),
    request_body = UnitForm,
    responses((status = 200, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn update_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    b: Result<Json<UnitForm>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    edit::apply_update_unit(&state, &user, &tree, unit_id, &form).await?;
    Ok(Json(Created { id: unit_id }))
}

/// Deletes a unit with its officials, objectives, indicators and links (refused while it has
/// sub-units).
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/units/{unit_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("unit_id" = i64, Path, description = "id unit")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn delete_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    edit::apply_delete_unit(&state, &user, &tree, unit_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves a unit one place up or down among the units with the same parent.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/units/{unit_id}/move", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("unit_id" = i64, Path, description = "id unit")),
    request_body = MoveBody,
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn move_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let m = json_body(b)?;
    edit::apply_move_unit(&state, &user, &tree, unit_id, direction(&m.direction)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an official to a unit.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/units/{unit_id}/officials", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("unit_id" = i64, Path, description = "id unit")),
    request_body = OfficialForm,
    responses((status = 201, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_official(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    b: Result<Json<OfficialForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    Ok(created(
        edit::apply_create_official(&state, &user, &tree, unit_id, &form).await?,
    ))
}

/// Changes an official.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/officials/{official_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("official_id" = i64, Path, description = "id pejabat")),
    request_body = OfficialForm,
    responses((status = 200, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn update_official(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, official_id)): Path<(i64, i64)>,
    b: Result<Json<OfficialForm>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    edit::apply_update_official(&state, &user, &tree, official_id, &form).await?;
    Ok(Json(Created { id: official_id }))
}

/// Removes an official.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/officials/{official_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("official_id" = i64, Path, description = "id pejabat")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn delete_official(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, official_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    edit::apply_delete_official(&state, &user, &tree, official_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an objective to a unit.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/units/{unit_id}/objectives", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("unit_id" = i64, Path, description = "id unit")),
    request_body = ObjectiveForm,
    responses((status = 201, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_objective(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, unit_id)): Path<(i64, i64)>,
    b: Result<Json<ObjectiveForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    Ok(created(
        edit::apply_create_objective(&state, &user, &tree, unit_id, &form).await?,
    ))
}

/// Changes an objective's code or statement.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/objectives/{objective_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("objective_id" = i64, Path, description = "id sasaran")),
    request_body = ObjectiveForm,
    responses((status = 200, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn update_objective(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, objective_id)): Path<(i64, i64)>,
    b: Result<Json<ObjectiveForm>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    edit::apply_update_objective(&state, &user, &tree, objective_id, &form).await?;
    Ok(Json(Created { id: objective_id }))
}

/// Deletes an objective with its indicators, targets and cascade links.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/objectives/{objective_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("objective_id" = i64, Path, description = "id sasaran")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn delete_objective(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, objective_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    edit::apply_delete_objective(&state, &user, &tree, objective_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves an objective one place up or down within its unit.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/objectives/{objective_id}/move", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("objective_id" = i64, Path, description = "id sasaran")),
    request_body = MoveBody,
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn move_objective(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, objective_id)): Path<(i64, i64)>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let m = json_body(b)?;
    edit::apply_move_objective(&state, &user, &tree, objective_id, direction(&m.direction)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an indicator (full manual IK and Renstra targets) to an objective.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/objectives/{objective_id}/indicators", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("objective_id" = i64, Path, description = "id sasaran")),
    request_body = IndicatorForm,
    responses((status = 201, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_indicator(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, objective_id)): Path<(i64, i64)>,
    b: Result<Json<IndicatorForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    Ok(created(
        edit::apply_create_indicator(&state, &user, &tree, objective_id, &form).await?,
    ))
}

/// Replaces an indicator's specification and all of its targets.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/indicators/{indicator_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("indicator_id" = i64, Path, description = "id indikator")),
    request_body = IndicatorForm,
    responses((status = 200, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn update_indicator(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, indicator_id)): Path<(i64, i64)>,
    b: Result<Json<IndicatorForm>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    edit::apply_update_indicator(&state, &user, &tree, indicator_id, &form).await?;
    Ok(Json(Created { id: indicator_id }))
}

/// Deletes an indicator with its targets.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/indicators/{indicator_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("indicator_id" = i64, Path, description = "id indikator")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn delete_indicator(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, indicator_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    edit::apply_delete_indicator(&state, &user, &tree, indicator_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records that the objective supports another objective of the organisation (any unit).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/objectives/{objective_id}/supports", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("objective_id" = i64, Path, description = "id sasaran yang mendukung")),
    request_body = SupportForm,
    responses((status = 201, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn create_support(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, objective_id)): Path<(i64, i64)>,
    b: Result<Json<SupportForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let form = json_body(b)?;
    Ok(created(
        edit::apply_create_support(&state, &user, &tree, objective_id, &form).await?,
    ))
}

/// Changes a cascade link's weight.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/supports/{support_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("support_id" = i64, Path, description = "id dukungan")),
    request_body = WeightBody,
    responses((status = 200, body = Created), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn update_support(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, support_id)): Path<(i64, i64)>,
    b: Result<Json<WeightBody>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    let w = json_body(b)?;
    let weight = match w.weight {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    edit::apply_update_support(&state, &user, &tree, support_id, &weight).await?;
    Ok(Json(Created { id: support_id }))
}

/// Removes a cascade link.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/supports/{support_id}", tag = "ubah pohon",
    params(("id" = i64, Path, description = "id organisasi"), ("support_id" = i64, Path, description = "id dukungan")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("token" = [])))]
pub async fn delete_support(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, support_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let tree = edit::load(&state, &user, id).await?;
    edit::apply_delete_support(&state, &user, &tree, support_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The editing endpoints, merged into the main OpenAPI document by `api::ApiDoc`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_unit,
        update_unit,
        delete_unit,
        move_unit,
        create_official,
        update_official,
        delete_official,
        create_objective,
        update_objective,
        delete_objective,
        move_objective,
        create_indicator,
        update_indicator,
        delete_indicator,
        create_support,
        update_support,
        delete_support
    ),
    components(schemas(
        Created,
        WeightBody,
        MoveBody,
        UnitForm,
        OfficialForm,
        ObjectiveForm,
        IndicatorForm,
        SupportForm
    ))
)]
pub struct EditApiDoc;
