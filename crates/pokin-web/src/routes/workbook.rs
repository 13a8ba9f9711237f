//! The bulk workbook (*lembar kerja*, XLSX): download a template of an organisation's year
//! (Renstra targets, Rencana Aksi, realisations; [`pokin_import::xlsx::template`]), fill it in
//! Excel, upload it, see every change (sheet, cell, what, before → after) or every bad cell
//! (sheet, cell, why), then apply it — one atomic, audited
//! [`pokin_store::Store::apply_measurements`] — or cancel.
//!
//! - **Who**: anyone who may read the organisation downloads the template. An upload's changes
//!   are checked cell by cell: target sheets (Renstra, Rencana Aksi) need
//!   [`Action::EditTargets`] on the indicator's unit, realisation cells
//!   [`Action::EnterRealisation`]; changes outside the user's scope are refused, naming the
//!   cells, and nothing is kept. Checked again when applying.
//! - **Previews** wait in memory in the store of pending previews shared with the import page
//!   ([`super::pending`]): bound to the session that uploaded, 30 minutes.
//! - **CSRF**: the upload posts `multipart/form-data` with the token in the query.

use crate::auth::{CurrentSession, CurrentUser, random_token};
use crate::permission::{Action, Target, can};
use crate::routes::import::session_id;
use crate::routes::pending::PendingKind;
use crate::routes::realisasi::{
    check_length, indicator_at, load_org, read_upload, today, year_choices, year_param,
};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Extension;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use pokin_domain::Organisation;
use pokin_domain::measure::{IndicatorKey, MeasurementBatch, Period, periodisation_of};
use pokin_import::xlsx::{self, CellError, CellState, WorkbookData};
use pokin_store::User;
use serde::Deserialize;
use std::collections::HashMap;

/// The largest workbook accepted.
pub const MAX_WORKBOOK_BYTES: usize = 10 * 1024 * 1024;

/// The upload route's body limit.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_WORKBOOK_BYTES + 64 * 1024)
}

fn too_large() -> Error {
    Error::TooLarge(format!(
        "Lembar kerja terlalu besar: paling besar {} MB. Unggah lembar kerja dari Pokin tanpa \
         gambar atau lembar tambahan.",
        MAX_WORKBOOK_BYTES / 1_048_576
    ))
}

/// The current Rencana Aksi targets and realisations of a year, as the workbook compares them.
pub(crate) async fn current_values(
    state: &AppState,
    org_id: i64,
    org: &Organisation,
    year: i32,
) -> Result<
    (
        HashMap<IndicatorKey, Vec<Option<pokin_domain::TargetValue>>>,
        HashMap<IndicatorKey, Vec<Option<CellState>>>,
    ),
    Error,
> {
    let mut targets = HashMap::new();
    for t in state.store.period_targets(org_id, year).await? {
        put_in_slot(&mut targets, org, &t.indicator, t.period, t.target);
    }
    let mut realisations = HashMap::new();
    for r in state
        .store
        .year_measurements(org_id, year)
        .await?
        .realisations
    {
        let cell = CellState {
            value: r.input.value.clone(),
            status: r.status,
            locked: r.locked,
        };
        put_in_slot(&mut realisations, org, &r.indicator, r.period, cell);
    }
    Ok((targets, realisations))
}

/// Puts `value` in its period's slot of the indicator's row (one slot per period of the
/// indicator's current periodisation); a value of an indicator no longer in the tree, or of
/// another periodisation, is left out.
fn put_in_slot<T: Clone>(
    rows: &mut HashMap<IndicatorKey, Vec<Option<T>>>,
    org: &Organisation,
    key: &IndicatorKey,
    period: Period,
    value: T,
) {
    let current = indicator_at(org, key).map(periodisation_of);
    if current != Some(period.periodisation) {
        return;
    }
    let slots = rows
        .entry(key.clone())
        .or_insert(vec![None; period.periodisation.count()]);
    if let Some(slot) = slots.get_mut(usize::from(period.n) - 1) {
        *slot = Some(value);
    }
}

/// `?tahun=2026`.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub tahun: Option<String>,
    /// After applying: how many values changed.
    #[serde(default)]
    pub diterapkan: Option<usize>,
}

/// `GET /organisasi/{id}/lembar-kerja?tahun=Y`: the template, prefilled.
pub async fn download(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let org = load_org(&state, &current.user, id).await?;
    let year = year_param(q.tahun.as_deref())?;
    let (period_targets, realisations) = current_values(&state, id, &org, year).await?;
    let budget = state.store.budget_realisations(id, year).await?;
    let name =
        pokin_domain::slugify(&org.name).map_or_else(|| id.to_string(), |k| k.as_str().to_owned());
    let generated = today();
    let bytes = tokio::task::spawn_blocking(move || {
        let data = WorkbookData {
            org: &org,
            year,
            generated,
            period_targets,
            realisations,
            budget,
        };
        xlsx::template(&data)
    })
    .await
    .map_err(|e| Error::Internal(format!("lembar kerja tidak dapat dibuat ({e}).")))?
    .map_err(|e| Error::Internal(format!("lembar kerja tidak dapat dibuat ({e}).")))?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"lembar-kerja-{name}-{year}.xlsx\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Who may change which cell.

/// The action a change of `sheet` needs: realisation cells need `EnterRealisation`, target
/// cells `EditTargets`.
fn needed(c: &xlsx::Change, year: i32) -> Action {
    let realised_budget = c.sheet == xlsx::SHEET_ANGGARAN && !c.what.starts_with("Pagu");
    if c.sheet == xlsx::sheet_realisasi(year) || realised_budget {
        Action::EnterRealisation
    } else {
        Action::EditTargets
    }
}

/// Whether `user` may upload a workbook to the organisation at all (some unit they may fill).
fn may_upload(user: &User, org_id: i64, org: &Organisation) -> Result<(), Error> {
    let any = org.units.iter().any(|u| {
        [Action::EditTargets, Action::EnterRealisation]
            .into_iter()
            .any(|a| {
                can(
                    user,
                    a,
                    Target::Unit {
                        org_id,
                        org,
                        unit: &u.key,
                    },
                )
                .is_ok()
            })
    });
    if any {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "Peran {} tidak dapat mengunggah lembar kerja: hanya Perencana (target), Operator \
             (realisasi) dan Administrator yang dapat, dalam lingkupnya.",
            user.role.label()
        )))
    }
}

/// Every change of `changes` the user may not make, as a bad cell naming the reason.
fn out_of_scope(
    user: &User,
    org_id: i64,
    org: &Organisation,
    year: i32,
    changes: &[xlsx::Change],
) -> Vec<CellError> {
    changes
        .iter()
        .filter_map(|c| {
            let action = needed(c, year);
            let target = Target::Unit {
                org_id,
                org,
                unit: c.subject.unit(),
            };
            can(user, action, target).err().map(|d| CellError {
                sheet: c.sheet.clone(),
                cell: c.cell.clone(),
                message: format!("{}: {}", c.subject, d.0),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Pending previews.

/// One change as the preview shows it.
pub(crate) struct ChangeView {
    pub sheet: String,
    pub cell: String,
    pub indicator: String,
    pub what: String,
    pub before: String,
    pub after: String,
}

/// An uploaded workbook waiting for confirmation: exactly what applying writes.
struct PendingWorkbook {
    org_id: i64,
    year: i32,
    file_name: String,
    batch: MeasurementBatch,
    /// The changes, to check the scope again when applying.
    changes: Vec<xlsx::Change>,
}

impl PendingKind for PendingWorkbook {
    fn gone() -> Error {
        Error::not_found(
            "Pratinjau lembar kerja ini tidak ada atau sudah kedaluwarsa (pratinjau disimpan 30 \
             menit). Unggah lembar kerjanya lagi.",
        )
    }

    fn other_session() -> Error {
        Error::forbidden(
            "Pratinjau lembar kerja ini dibuat dari sesi lain, sehingga tidak dapat dibuka, \
             diterapkan atau dibatalkan dari sesi ini. Unggah lembar kerjanya lagi.",
        )
    }
}

fn change_views(changes: &[xlsx::Change]) -> Vec<ChangeView> {
    changes
        .iter()
        .map(|c| ChangeView {
            sheet: c.sheet.clone(),
            cell: c.cell.clone(),
            indicator: c.subject.to_string(),
            what: c.what.clone(),
            before: c.before.clone().unwrap_or_else(|| "(kosong)".into()),
            after: c.after.clone().unwrap_or_else(|| "(kosong)".into()),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The pages.

#[derive(Template)]
#[template(path = "workbook_upload.html")]
struct UploadPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    year: i32,
    years: Vec<i32>,
    error: Option<String>,
    /// How many values the last workbook changed, as shown.
    applied: Option<String>,
    max_size: String,
}

async fn upload_page(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    year: i32,
    status: StatusCode,
    error: Option<String>,
    applied: Option<usize>,
) -> Result<Response, Error> {
    let org = load_org(state, &current.user, id).await?;
    may_upload(&current.user, id, &org)?;
    let page = UploadPage {
        layout: Layout::for_user(current, "Unggah lembar kerja", "realisasi"),
        org_id: id,
        org_name: org.name.clone(),
        year,
        years: year_choices(&org, year),
        error,
        applied: applied.map(|n| pokin_domain::format::number(n as f64, 0)),
        max_size: format!("{} MB", MAX_WORKBOOK_BYTES / 1_048_576),
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /organisasi/{id}/lembar-kerja/unggah`.
pub async fn form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let year = year_param(q.tahun.as_deref())?;
    upload_page(
        &state,
        &current,
        id,
        year,
        StatusCode::OK,
        None,
        q.diterapkan,
    )
    .await
}

#[derive(Template)]
#[template(path = "workbook_preview.html")]
struct PreviewPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    year: i32,
    file_name: String,
    token: Option<String>,
    changes: Vec<ChangeView>,
    errors: Vec<CellError>,
    error: Option<String>,
}

impl PreviewPage {
    /// How many changes or bad cells, as shown.
    fn changes_text(&self) -> String {
        pokin_domain::format::number(self.changes.len() as f64, 0)
    }
    fn errors_text(&self) -> String {
        pokin_domain::format::number(self.errors.len() as f64, 0)
    }
}

/// `POST /organisasi/{id}/lembar-kerja/unggah?_csrf=…` (multipart: `tahun`, `berkas`).
pub async fn upload(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, Error> {
    let org = load_org(&state, &current.user, id).await?;
    may_upload(&current.user, id, &org)?;
    let session_id = session_id(&session)?;
    check_length(&headers, MAX_WORKBOOK_BYTES, too_large)?;
    let upload = read_upload(multipart, MAX_WORKBOOK_BYTES, too_large).await?;
    let year = match year_param(upload.fields.get("tahun").map(String::as_str)) {
        Ok(y) => y,
        Err(Error::Unprocessable { message, .. }) => {
            let y = today().year();
            return upload_page(
                &state,
                &current,
                id,
                y,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
                None,
            )
            .await;
        }
        Err(e) => return Err(e),
    };
    let Some((file_name, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
        return upload_page(
            &state,
            &current,
            id,
            year,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Belum ada berkas yang dipilih. Pilih lembar kerja (.xlsx) lalu unggah.".into()),
            None,
        )
        .await;
    };
    let file_name = pokin_domain::measure::safe_file_name(&file_name);
    let (period_targets, realisations) = current_values(&state, id, &org, year).await?;
    let budget = state.store.budget_realisations(id, year).await?;
    let generated = today();
    let org_for_read = org.clone();
    let read = tokio::task::spawn_blocking(move || {
        let data = WorkbookData {
            org: &org_for_read,
            year,
            generated,
            period_targets,
            realisations,
            budget,
        };
        xlsx::read(&bytes, &data)
    })
    .await
    .map_err(|e| Error::Internal(format!("lembar kerja tidak dapat dibaca ({e}).")))?;
    let refused = |errors: Vec<CellError>| PreviewPage {
        layout: Layout::for_user(&current, "Lembar kerja ditolak", "realisasi"),
        org_id: id,
        org_name: org.name.clone(),
        year,
        file_name: file_name.clone(),
        token: None,
        changes: Vec::new(),
        errors,
        error: None,
    };
    let preview = match read {
        Ok(p) => p,
        Err(errors) => {
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&refused(errors))?).into_response(),
            );
        }
    };
    let denied = out_of_scope(&current.user, id, &org, year, &preview.changes);
    if !denied.is_empty() {
        return Ok((StatusCode::FORBIDDEN, render(&refused(denied))?).into_response());
    }
    let token = random_token()?;
    state.imports.insert(
        token.clone(),
        &current.user,
        session_id,
        PendingWorkbook {
            org_id: id,
            year,
            file_name,
            batch: preview.batch,
            changes: preview.changes,
        },
    );
    Ok(Redirect::to(&format!("/organisasi/{id}/lembar-kerja/{token}")).into_response())
}

fn preview_page(
    current: &CurrentUser,
    org_name: String,
    token: &str,
    p: &PendingWorkbook,
    error: Option<String>,
) -> PreviewPage {
    PreviewPage {
        layout: Layout::for_user(current, "Pratinjau lembar kerja", "realisasi"),
        org_id: p.org_id,
        org_name,
        year: p.year,
        file_name: p.file_name.clone(),
        token: Some(token.to_owned()),
        changes: change_views(&p.changes),
        errors: Vec::new(),
        error,
    }
}

fn same_org(p: &PendingWorkbook, id: i64) -> Result<(), Error> {
    if p.org_id == id {
        Ok(())
    } else {
        Err(PendingWorkbook::gone())
    }
}

/// `GET /organisasi/{id}/lembar-kerja/{token}`: every change, before anything is written.
pub async fn preview(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path((id, token)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let org = load_org(&state, &current.user, id).await?;
    let page = state.imports.with(
        &token,
        &current.user,
        session_id(&session)?,
        |p: &PendingWorkbook| -> Result<PreviewPage, Error> {
            same_org(p, id)?;
            Ok(preview_page(&current, org.name.clone(), &token, p, None))
        },
    )??;
    Ok(render(&page)?.into_response())
}

/// `POST /organisasi/{id}/lembar-kerja/{token}/terapkan`: applies exactly what was
/// previewed, all or nothing.
pub async fn apply(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path((id, token)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let org = load_org(&state, &current.user, id).await?;
    // Taken out while it is applied, so two confirmations cannot both write.
    let taken =
        state
            .imports
            .take::<PendingWorkbook>(&token, &current.user, session_id(&session)?)?;
    let p = &taken.value;
    if let Err(e) = same_org(p, id) {
        state.imports.put_back(token, taken);
        return Err(e);
    }
    let denied = out_of_scope(&current.user, id, &org, p.year, &p.changes);
    if let Some(first) = denied.first() {
        let message = format!(
            "Lembar kerja tidak diterapkan: {} perubahan di luar lingkup Anda, misalnya {first}.",
            denied.len()
        );
        state.imports.put_back(token, taken);
        return Err(Error::forbidden(message));
    }
    let count = p.batch.len();
    let year = p.year;
    match state
        .store
        .apply_measurements(&current.user.username, id, &p.batch)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/organisasi/{id}/lembar-kerja/unggah?tahun={year}&diterapkan={count}"
        ))
        .into_response()),
        Err(e @ (pokin_store::StoreError::Invalid(_) | pokin_store::StoreError::Conflict(_))) => {
            let page = preview_page(
                &current,
                org.name.clone(),
                &token,
                p,
                Some(format!(
                    "Tidak ada yang diterapkan: {}",
                    crate::routes::edit::capitalise(&e.to_string())
                )),
            );
            state.imports.put_back(token, taken);
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(other) => {
            state.imports.put_back(token, taken);
            Err(other.into())
        }
    }
}

/// `POST /organisasi/{id}/lembar-kerja/{token}/batal`: discards the preview.
pub async fn cancel(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path((id, token)): Path<(i64, String)>,
) -> Result<Response, Error> {
    load_org(&state, &current.user, id).await?;
    let taken =
        state
            .imports
            .take::<PendingWorkbook>(&token, &current.user, session_id(&session)?)?;
    if let Err(e) = same_org(&taken.value, id) {
        state.imports.put_back(token, taken);
        return Err(e);
    }
    Ok(Redirect::to(&format!("/organisasi/{id}/lembar-kerja/unggah")).into_response())
}
