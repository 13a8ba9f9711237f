//! The JSON API under `/api/v1`, authenticated with `Authorization: Bearer TOKEN` (tokens from
//! `pokin user token USERNAME`), with the same permission checks as the pages; its OpenAPI
//! document at `/api/openapi.json` and Swagger UI (vendored in the binary) at `/api/docs`.

use crate::auth::ApiUser;
use crate::error::{ApiError, ApiErrorBody};
use crate::permission::{Action, Target, can};
use crate::routes::audit::{self, AuditQuery};
use crate::{AppState, Error};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// An organisation in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationItem {
    pub id: i64,
    pub name: String,
}

/// An organisation's tree: the shape of `pokin parse --format json`'s units, plus ids.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tree {
    pub id: i64,
    pub name: String,
    pub title: Option<String>,
    pub units: Vec<TreeUnit>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TreeUnit {
    pub id: i64,
    pub key: String,
    pub name: String,
    /// kepala, sekretariat, bidang, sub_bagian, seksi, upt, unnamed.
    pub kind: String,
    /// The parent unit's key.
    pub parent: Option<String>,
    pub objectives: Vec<TreeObjective>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TreeObjective {
    pub id: i64,
    pub code: String,
    pub statement: String,
    pub indicators: Vec<TreeIndicator>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TreeIndicator {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub satuan: Option<String>,
    /// positive, negative, range.
    pub polarity: Option<String>,
}

/// One audit record; `before` and `after` are the entity as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub org_id: Option<i64>,
    pub entity: String,
    pub entity_id: Option<i64>,
    /// create, update, delete, import, replace.
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

/// The organisations the token's user may read.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisasi",
    responses(
        (status = 200, body = Vec<OrganisationItem>),
        (status = 401, body = ApiErrorBody),
    ),
    security(("token" = [])))]
pub async fn organisations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<OrganisationItem>>, ApiError> {
    Ok(Json(
        state
            .store
            .organisations()
            .await?
            .into_iter()
            .filter(|o| can(&user, Action::Read, Target::Org(o.id)).is_ok())
            .map(|o| OrganisationItem {
                id: o.id,
                name: o.name,
            })
            .collect(),
    ))
}

/// An organisation's units, objectives and indicators, with their ids.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/tree", tag = "organisasi",
    params(("id" = i64, Path, description = "id organisasi")),
    responses(
        (status = 200, body = Tree),
        (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("token" = [])))]
pub async fn tree(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Tree>, ApiError> {
    can(&user, Action::Read, Target::Org(id)).map_err(Error::from)?;
    let t = state
        .store
        .load_tree_with_ids(id)
        .await
        .map_err(|e| match e {
            pokin_store::StoreError::NotFound(_) => {
                Error::not_found(format!("Organisasi dengan id {id} tidak ada."))
            }
            other => other.into(),
        })?;
    let org = &t.organisation;
    let units = org
        .units
        .iter()
        .zip(&t.units)
        .map(|(u, ids)| TreeUnit {
            id: ids.id,
            key: u.key.to_string(),
            name: u.name.clone(),
            kind: u.kind.as_str().to_owned(),
            parent: u.parent.as_ref().map(ToString::to_string),
            objectives: u
                .objectives
                .iter()
                .zip(&ids.objectives)
                .map(|(o, oids)| TreeObjective {
                    id: oids.id,
                    code: o.code.to_string(),
                    statement: o.statement.clone(),
                    indicators: o
                        .indicators
                        .iter()
                        .zip(&oids.indicators)
                        .map(|(i, iids)| TreeIndicator {
                            id: iids.id,
                            code: i.code.to_string(),
                            name: i.name.clone(),
                            satuan: i.satuan.clone(),
                            polarity: i.polarity.map(|p| p.as_str().to_owned()),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(Tree {
        id,
        name: org.name.clone(),
        title: org.title.clone(),
        units,
    }))
}

/// Audit records the token's user may read, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, body = Vec<AuditEntry>),
        (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("token" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let records = audit::query(&state, &user, &q).await?;
    Ok(Json(
        records
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                org_id: r.org_id,
                entity: r.entity,
                entity_id: r.entity_id,
                action: r.action.as_str().to_owned(),
                before: r.before,
                after: r.after,
            })
            .collect(),
    ))
}

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Pokin API", description = "Pohon kinerja perangkat daerah: organisasi, pohon, log audit. Autentikasi: `Authorization: Bearer TOKEN` (buat dengan `pokin user token NAMA`)."),
    paths(organisations, tree, audit),
    components(schemas(OrganisationItem, Tree, TreeUnit, TreeObjective, TreeIndicator, AuditEntry, ApiErrorBody)),
    modifiers(&BearerToken)
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    #[allow(unused_mut)]
    let mut doc = ApiDoc::openapi();
    // Editing: the tree-editing endpoints.
    doc.merge(crate::routes::api_edit::EditApiDoc::openapi());
    // API: import, users, tokens.
    doc.merge(crate::routes::api_admin::AdminApiDoc::openapi());
    // Realisation workflow.
    doc.merge(crate::routes::api_realisasi::RealisasiApiDoc::openapi());
    // Capaian dashboards.
    doc.merge(crate::routes::api_capaian::CapaianApiDoc::openapi());
    // The pemda.
    doc.merge(crate::routes::pemda::PemdaApiDoc::openapi());
    doc.merge(crate::routes::pemda_opd::PemdaOpdApiDoc::openapi());
    Json(doc)
}

/// Swagger UI at `/api/docs`, reading `/api/openapi.json`.
pub fn swagger() -> Router {
    utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .config(utoipa_swagger_ui::Config::new(["/api/openapi.json"]))
        .into()
}
