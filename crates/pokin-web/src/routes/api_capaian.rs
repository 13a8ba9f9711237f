//! `GET /api/v1/organisations/{id}/capaian?tahun=Y[&triwulan=Q]`: an organisation's capaian per
//! unit, objective and indicator, from the same computation as the dashboards
//! ([`crate::capaian::OrgCapaian`]), so the API and the pages always agree.

use crate::AppState;
use crate::auth::ApiUser;
use crate::capaian::OrgCapaian;
use crate::capaian::SpanChoice;
use crate::error::{ApiError, ApiErrorBody};
use crate::routes::dasbor::SpanQuery;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pokin_domain::TargetValue;
use pokin_domain::capaian::{Capaian, Ceiling, PredicateBands, Realisation};
use pokin_domain::format;
use pokin_domain::measure::IndicatorKey;
use serde::Serialize;
use utoipa::ToSchema;

/// A value as given: a number, or text (a band `80–90`, a qualitative value such as `WTP`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ValueBody {
    Angka(f64),
    Teks(String),
}

/// The capaian fields every level shares.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapaianBody {
    /// The percentage (`melampaui`: the ceiling); `null` when nothing is reported or it cannot
    /// be computed.
    pub capaian: Option<f64>,
    /// `persen`, `melampaui`, `belum_dilaporkan` or `tidak_dapat_dihitung`.
    pub status: &'static str,
    /// The predicate band; `null` without a value.
    pub predikat: Option<String>,
    /// In words: `80,00% (Tinggi)`, `belum dilaporkan`, `tidak dapat dihitung: …`.
    pub teks: String,
}

impl CapaianBody {
    fn new(c: &Capaian, bands: &PredicateBands, ceiling: Ceiling) -> CapaianBody {
        CapaianBody {
            capaian: c.numeric(ceiling),
            status: c.status_code(),
            predikat: c.predicate(bands).map(|p| p.label.to_owned()),
            teks: c.describe(bands),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CapaianIndicator {
    pub code: String,
    pub name: String,
    pub satuan: Option<String>,
    #[serde(flatten)]
    pub capaian: CapaianBody,
    /// The target compared (for a quarter: the aggregate of the Rencana Aksi targets used).
    pub target: Option<ValueBody>,
    /// The target with its satuan, e.g. `80%`.
    pub target_teks: Option<String>,
    /// The verified realisation compared (aggregated over the periods used).
    pub realisasi: Option<ValueBody>,
    pub realisasi_teks: Option<String>,
    /// Elapsed periods (1-based: TW or month) without a verified realisation.
    pub periode_belum_dilaporkan: Vec<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CapaianObjective {
    pub code: String,
    pub statement: String,
    /// The mean of its indicators (capped at the ceiling).
    #[serde(flatten)]
    pub capaian: CapaianBody,
    /// The weighted mean of the objectives that support it; `null` when nothing supports it
    /// or none of them has a value.
    pub dukungan: Option<f64>,
    /// The supporters' mean in words; `null` when nothing supports it.
    pub dukungan_teks: Option<String>,
    pub indicators: Vec<CapaianIndicator>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CapaianUnit {
    pub key: String,
    pub name: String,
    /// The mean of its objectives.
    #[serde(flatten)]
    pub capaian: CapaianBody,
    pub objectives: Vec<CapaianObjective>,
}

/// An organisation's capaian for a year, or up to a quarter.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapaianReport {
    pub id: i64,
    pub name: String,
    pub tahun: i32,
    /// `null`: the whole year.
    pub triwulan: Option<u8>,
    /// `Tahun 2026`, `s.d. TW II 2026`.
    pub periode: String,
    /// The roll-up ceiling.
    pub batas_atas: f64,
    /// The organisation: the mean of its units.
    #[serde(flatten)]
    pub capaian: CapaianBody,
    pub units: Vec<CapaianUnit>,
}

fn value_body(v: &TargetValue) -> ValueBody {
    match v {
        TargetValue::Number(n) => ValueBody::Angka(*n),
        other => ValueBody::Teks(format::value_text(other)),
    }
}

fn realisation_body(r: &Realisation) -> ValueBody {
    match r {
        Realisation::Number(n) => ValueBody::Angka(*n),
        Realisation::Qualitative(s) => ValueBody::Teks(s.clone()),
    }
}

/// A realisation with the indicator's satuan, like a target.
pub(crate) fn realisation_text(
    r: &Realisation,
    satuan: Option<&str>,
    decimals: Option<u8>,
) -> String {
    let v = match r {
        Realisation::Number(n) => TargetValue::Number(*n),
        Realisation::Qualitative(s) => TargetValue::Qualitative(s.clone()),
    };
    format::target(&v, satuan, decimals)
}

/// An organisation's capaian per unit, objective and indicator, computed from verified
/// realisations: the same numbers as the dashboard page.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/capaian", tag = "capaian",
    params(("id" = i64, Path, description = "id organisasi"), SpanQuery),
    responses(
        (status = 200, body = CapaianReport),
        (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("token" = [])))]
pub async fn capaian(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<SpanQuery>,
) -> Result<Response, ApiError> {
    let choice = q.choice()?;
    let c = OrgCapaian::load(&state, &user, id, choice).await?;
    // The same JSON for everyone who may read it: serialised once per revision of the data.
    let json = c.memo(&format!("api.capaian:{}", choice.query()), || {
        serde_json::to_vec(&report(&c, id, choice))
            .map(Bytes::from)
            .map_err(|e| e.to_string())
    });
    match json.as_ref() {
        Ok(bytes) => {
            Ok(([(header::CONTENT_TYPE, "application/json")], bytes.clone()).into_response())
        }
        Err(e) => {
            Err(crate::Error::Internal(format!("laporan capaian tidak dapat dibuat ({e}).")).into())
        }
    }
}

/// The report of [`capaian`].
fn report(c: &OrgCapaian, id: i64, choice: SpanChoice) -> CapaianReport {
    let bands = c.bands();
    let ceiling = c.settings.ceiling;
    let m = &c.measure;
    let body = |x: &Capaian| CapaianBody::new(x, bands, ceiling);
    let units = c
        .org
        .units
        .iter()
        .zip(&m.roll_up.units)
        .map(|(u, uc)| CapaianUnit {
            key: u.key.to_string(),
            name: u.name.clone(),
            capaian: body(uc.capaian()),
            objectives: u
                .objectives
                .iter()
                .zip(&uc.objectives)
                .map(|(o, oc)| CapaianObjective {
                    code: o.code.to_string(),
                    statement: o.statement.clone(),
                    capaian: body(oc.capaian()),
                    dukungan: oc
                        .supporters
                        .as_ref()
                        .and_then(|s| s.capaian.numeric(ceiling)),
                    dukungan_teks: oc.supporters.as_ref().map(|s| s.capaian.describe(bands)),
                    indicators: o
                        .indicators
                        .iter()
                        .map(|i| {
                            let key = IndicatorKey {
                                unit: u.key.clone(),
                                code: i.code.clone(),
                            };
                            let im = m.indicators.get(&key);
                            let cap = im.map_or(Capaian::BelumDilaporkan, |x| x.capaian.clone());
                            let target = im.and_then(|x| x.target.as_ref());
                            let real = im.and_then(|x| x.realisation.as_ref());
                            CapaianIndicator {
                                code: i.code.to_string(),
                                name: i.name.clone(),
                                satuan: i.satuan.clone(),
                                capaian: body(&cap),
                                target: target.map(value_body),
                                target_teks: target
                                    .map(|t| format::target(t, i.satuan.as_deref(), i.decimals)),
                                realisasi: real.map(realisation_body),
                                realisasi_teks: real
                                    .map(|r| realisation_text(r, i.satuan.as_deref(), i.decimals)),
                                periode_belum_dilaporkan: im
                                    .map(|x| x.unreported.clone())
                                    .unwrap_or_default(),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let all = m.roll_up.overall();
    CapaianReport {
        id,
        name: c.org.name.clone(),
        tahun: choice.year,
        triwulan: choice.quarter,
        periode: choice.label(),
        batas_atas: ceiling.get(),
        capaian: body(&all.capaian),
        units,
    }
}

/// The endpoint above, merged into the main OpenAPI document by `api::openapi_json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(capaian),
    components(schemas(
        CapaianReport,
        CapaianUnit,
        CapaianObjective,
        CapaianIndicator,
        CapaianBody,
        ValueBody
    ))
)]
pub struct CapaianApiDoc;
