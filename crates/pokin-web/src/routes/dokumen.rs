//! Documents: the year's documents page of an organisation (LKjIP, Evaluasi Renja, the poster
//! and every unit's Perjanjian Kinerja status), a unit's Perjanjian Kinerja page with its
//! versions and the forms that establish or amend it, the downloads (PDF, XLSX) and the
//! document settings (region, place of signing, head of region).
//!
//! The documents' content comes from the store (`Store::perjanjian_kinerja`, `lkjip`, `renja`)
//! and is laid out by `pokin-docs`; a failure there is a 500 page. A Perjanjian Kinerja is
//! established from the draft of the live tree on the chosen signing date in one audited store
//! call; every refusal is a 422 that changes nothing.

use super::organisations::{readable, readable_snapshot};
use super::realisasi::when;
use crate::auth::CurrentUser;
use crate::capaian::{renstra_years, today};
use crate::permission::{Action, Target, can};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use pokin_domain::document::{
    Amendment, AmendmentReason, DocumentSettings, PerjanjianKinerja, tree_order,
};
use pokin_domain::{Organisation, UnitKey, format};
use pokin_store::PkVersion;
use serde::Deserialize;
use std::collections::HashMap;

pub(crate) const PDF: &str = "application/pdf";
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// ---------------------------------------------------------------------------------------------
// Parameters.

/// A year from a path or a query: four digits; anything else is a 404 in a path.
fn path_year(s: &str) -> Result<i32, Error> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or_else(|| {
            Error::not_found(format!(
                "Tahun '{s}' tidak dikenal; alamat dokumen memakai tahun empat angka, misalnya 2026."
            ))
        })
}

/// The unit `key` of `org`, or a 404.
fn unit_of(org: &Organisation, key: &str) -> Result<UnitKey, Error> {
    let missing = || Error::not_found(format!("Unit '{key}' tidak ada dalam organisasi ini."));
    let k = UnitKey::parse(key).map_err(|_| missing())?;
    org.unit(&k).ok_or_else(missing)?;
    Ok(k)
}

/// An organisation name as an ASCII-safe file name part.
/// The organisation as a file-name part: its name slugified, else its id.
pub(crate) fn slug(org: &Organisation, id: i64) -> String {
    pokin_domain::slugify(&org.name).map_or_else(|| id.to_string(), |k| k.as_str().to_owned())
}

/// `?tahun=`.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub tahun: Option<String>,
}

/// `?versi=N`.
#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    #[serde(default)]
    pub versi: Option<String>,
}

impl VersionQuery {
    fn version(&self) -> Result<Option<u32>, Error> {
        match self
            .versi
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => Ok(None),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .map(Some)
                .ok_or_else(|| {
                    Error::not_found(format!(
                        "Versi '{v}' tidak dikenal; versi perjanjian kinerja adalah angka 1, 2, …"
                    ))
                }),
        }
    }
}

/// `?pesan=` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    #[serde(default)]
    pub pesan: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Rendering documents.

/// Runs a document renderer off the async threads; its failure is a 500.
pub(crate) async fn build<T, F>(what: &'static str, input: T, f: F) -> Result<Vec<u8>, Error>
where
    T: Send + 'static,
    F: FnOnce(&T) -> Result<Vec<u8>, pokin_docs::DocError> + Send + 'static,
{
    tokio::task::spawn_blocking(move || f(&input))
        .await
        .map_err(|e| Error::Internal(format!("{what} tidak dapat dibuat ({e}).")))?
        .map_err(|e| Error::Internal(format!("{what} tidak dapat dibuat ({e}).")))
}

/// Bytes as a download named `file`.
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    response
}

/// The version part of a file name: `v2`, or `draf` for a draft.
fn version_part(pk: &PerjanjianKinerja) -> String {
    if pk.version == 0 {
        "draf".into()
    } else {
        format!("v{}", pk.version)
    }
}

// ---------------------------------------------------------------------------------------------
// The documents page.

struct UnitRow {
    key: String,
    name: String,
    depth: usize,
    /// `versi 2`, or `None` when not established.
    status: Option<String>,
    signed: String,
    official: String,
}

#[derive(Template)]
#[template(path = "dokumen.html")]
struct OverviewPage {
    layout: Layout,
    id: i64,
    name: String,
    demo: bool,
    year: i32,
    years: Vec<i32>,
    units: Vec<UnitRow>,
    established: usize,
    can_settings: bool,
    settings_missing: Vec<String>,
}

/// `GET /organisasi/{id}/dokumen?tahun=Y`.
pub async fn overview(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, Error> {
    let org = readable(&state, &current, id).await?;
    let year = super::realisasi::year_param(q.tahun.as_deref())?;
    let versions = state.store.pk_versions_of_year(id, year).await?;
    let mut latest: HashMap<&UnitKey, &PkVersion> = HashMap::new();
    for v in &versions {
        let slot = latest.entry(&v.unit).or_insert(v);
        if v.version > slot.version {
            *slot = v;
        }
    }
    let mut depth: HashMap<&UnitKey, usize> = HashMap::new();
    let units: Vec<UnitRow> = tree_order(&org)
        .into_iter()
        .map(|u| {
            let d = u
                .parent
                .as_ref()
                .and_then(|p| depth.get(p))
                .map_or(0, |d| d + 1);
            depth.insert(&u.key, d);
            let v = latest.get(&u.key);
            UnitRow {
                key: u.key.to_string(),
                name: u.name.clone(),
                depth: d,
                status: v.map(|v| format!("versi {}", v.version)),
                signed: v.map_or_else(String::new, |v| format::date(v.signed_on)),
                official: v.map_or_else(String::new, |v| v.first_name.clone()),
            }
        })
        .collect();
    let this_year = today().year();
    let mut years = renstra_years(org.renstra, this_year);
    years.push(this_year);
    years.push(year);
    years.sort_unstable();
    years.dedup();
    let settings = state.store.document_settings(id).await?;
    render(&OverviewPage {
        layout: Layout::for_user(
            &current,
            format!("Dokumen {year} · {}", org.name),
            "organisasi",
        ),
        id,
        name: org.name.clone(),
        demo: org.demo,
        year,
        years,
        established: latest.len(),
        units,
        can_settings: can(&current.user, Action::ConfigureDocuments, Target::Org(id)).is_ok(),
        settings_missing: settings.problems(),
    })
}

// ---------------------------------------------------------------------------------------------
// The Perjanjian Kinerja page.

struct PartyView {
    name: String,
    position: String,
    detail: String,
}

impl PartyView {
    fn new(p: &pokin_domain::document::Party) -> PartyView {
        let detail = [p.pangkat.clone(), p.golongan.clone(), p.nip.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        PartyView {
            name: p.name.clone(),
            position: p.position.clone(),
            detail,
        }
    }
}

struct IndicatorRow {
    code: String,
    name: String,
    target: String,
    periods: String,
}

struct ObjectiveRow {
    code: String,
    statement: String,
    indicators: Vec<IndicatorRow>,
}

struct BudgetRow {
    code: String,
    level: &'static str,
    name: String,
    amount: String,
}

struct VersionRow {
    version: u32,
    signed: String,
    reason: Option<String>,
    note: String,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "dokumen_pk.html")]
struct PkPage {
    layout: Layout,
    id: i64,
    org_name: String,
    key: String,
    unit_name: String,
    year: i32,
    demo: bool,
    /// `Versi 2 (perubahan)`, `Draf (belum ditetapkan)`.
    status: String,
    version: u32,
    region: String,
    place: String,
    signed: String,
    first: PartyView,
    second: PartyView,
    objectives: Vec<ObjectiveRow>,
    budget: Vec<BudgetRow>,
    budget_total: String,
    problems: Vec<String>,
    versions: Vec<VersionRow>,
    can_establish: bool,
    /// The signing date the form proposes (`YYYY-MM-DD`).
    date_value: String,
    reasons: Vec<(&'static str, &'static str)>,
    reason_value: String,
    note_value: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// What the establish/amend form sent back, to show again after a refusal.
#[derive(Debug, Default)]
struct Entered {
    date: String,
    reason: String,
    note: String,
}

/// What the page shows besides the document: the form as sent, a refusal or a notice.
#[derive(Debug, Default)]
struct Shown {
    entered: Option<Entered>,
    error: Option<String>,
    notice: Option<&'static str>,
}

/// The page of `key`'s Perjanjian Kinerja for `year`, with `shown.error` above the form.
async fn pk_page_html(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    key: &str,
    year: &str,
    shown: Shown,
) -> Result<Html<String>, Error> {
    let Shown {
        entered,
        error,
        notice,
    } = shown;
    let org = readable(state, current, id).await?;
    let unit = unit_of(&org, key)?;
    let year = path_year(year)?;
    let pk = state
        .store
        .perjanjian_kinerja(id, &unit, year, None)
        .await?;
    let versions = state.store.pk_versions(id, &unit, year).await?;
    let can_establish = can(
        &current.user,
        Action::EstablishPk,
        Target::Unit {
            org_id: id,
            org: &org,
            unit: &unit,
        },
    )
    .is_ok();
    let t = today();
    let default_date = if t.year() == year {
        t
    } else {
        pokin_store::default_signing_date(year)
    };
    let entered = entered.unwrap_or_default();
    let objectives = pk
        .objectives
        .iter()
        .map(|o| ObjectiveRow {
            code: o.code.to_string(),
            statement: o.statement.clone(),
            indicators: o
                .indicators
                .iter()
                .map(|i| IndicatorRow {
                    code: i.code.to_string(),
                    name: i.name.clone(),
                    target: i.target_text(),
                    periods: (0..i.period_targets.len())
                        .map(|n| i.period_text(n))
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect(),
        })
        .collect();
    let budget = pk
        .budget
        .iter()
        .map(|b| BudgetRow {
            code: b.code.clone(),
            level: b.level.label(),
            name: b.name.clone(),
            amount: b.amount.map_or_else(|| "—".into(), format::rupiah),
        })
        .collect();
    let status = match (pk.version, &pk.amendment) {
        (0, _) => "Draf (belum ditetapkan)".to_owned(),
        (v, Some(_)) => format!("Versi {v} (perubahan)"),
        (v, None) => format!("Versi {v}"),
    };
    render(&PkPage {
        layout: Layout::for_user(
            current,
            format!("Perjanjian Kinerja {year} · {}", pk.unit_name),
            "organisasi",
        ),
        id,
        org_name: org.name.clone(),
        key: unit.to_string(),
        unit_name: pk.unit_name.clone(),
        year,
        demo: pk.demo,
        status,
        version: pk.version,
        region: pk.region.clone(),
        place: pk.place.clone(),
        signed: format::date(pk.signed_on),
        first: PartyView::new(&pk.first),
        second: PartyView::new(&pk.second),
        objectives,
        budget,
        budget_total: format::rupiah(pk.budget_total()),
        problems: pk.problems(),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                signed: format::date(v.signed_on),
                reason: v.amendment.as_ref().map(|a| a.reason.label().to_owned()),
                note: v
                    .amendment
                    .as_ref()
                    .map(|a| a.note.clone())
                    .unwrap_or_default(),
                by: v.created_by.clone(),
                at: when(v.created_at),
            })
            .collect(),
        can_establish,
        date_value: if entered.date.is_empty() {
            default_date.format("%Y-%m-%d").to_string()
        } else {
            entered.date
        },
        reasons: AmendmentReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        reason_value: entered.reason,
        note_value: entered.note,
        notice,
        error,
    })
}

/// `GET /organisasi/{id}/unit/{key}/pk/{year}`.
pub async fn pk_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key, year)): Path<(i64, String, String)>,
    Query(flash): Query<Flash>,
) -> Result<Html<String>, Error> {
    let notice = match flash.pesan.as_deref() {
        Some("ditetapkan") => Some(
            "Perjanjian kinerja ditetapkan dan tercatat di log audit; versinya dapat diunduh di bawah.",
        ),
        Some("diubah") => Some(
            "Perubahan perjanjian kinerja ditetapkan sebagai versi baru; versi sebelumnya tetap dapat diunduh.",
        ),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    pk_page_html(&state, &current, id, &key, &year, shown).await
}

/// The establish/amend form: `tanggal` (YYYY-MM-DD), and for an amendment `alasan` and
/// `catatan`.
#[derive(Debug, Default, Deserialize)]
pub struct EstablishForm {
    #[serde(default)]
    pub tanggal: String,
    #[serde(default)]
    pub alasan: Option<String>,
    #[serde(default)]
    pub catatan: Option<String>,
}

/// Reads the form: the signing date (within the year or the one before) and the amendment.
fn read_establish(f: &EstablishForm, year: i32) -> Result<(NaiveDate, Option<Amendment>), String> {
    let date = NaiveDate::parse_from_str(f.tanggal.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "Tanggal penandatanganan '{}' tidak sah; pilih tanggal pada kalender (misalnya {}).",
            f.tanggal.trim(),
            format::date(pokin_store::default_signing_date(year))
        )
    })?;
    if date.year() != year && date.year() != year - 1 {
        return Err(format!(
            "Tanggal penandatanganan {} di luar masa perjanjian kinerja tahun {year}; pilih \
             tanggal pada tahun {} atau {year}.",
            format::date(date),
            year - 1
        ));
    }
    let amendment = match f.alasan.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(r) => {
            let reason = AmendmentReason::from_str_opt(r).ok_or_else(|| {
                format!(
                    "Alasan perubahan '{r}' tidak dikenal; pilih pergantian pejabat, perubahan \
                     anggaran atau perubahan strategi."
                )
            })?;
            let note = f.catatan.as_deref().unwrap_or("").trim().to_owned();
            if note.is_empty() {
                return Err(
                    "Keterangan perubahan belum diisi. Jelaskan apa yang berubah dan mengapa."
                        .into(),
                );
            }
            Some(Amendment { reason, note })
        }
    };
    Ok((date, amendment))
}

/// `POST /organisasi/{id}/unit/{key}/pk/{year}`: establishes version 1 (no `alasan`) or an
/// amendment (with `alasan` and `catatan`) from the draft of the live tree on `tanggal`.
pub async fn pk_establish(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key, year_text)): Path<(i64, String, String)>,
    axum::Form(form): axum::Form<EstablishForm>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let unit = unit_of(&org, &key)?;
    let year = path_year(&year_text)?;
    can(
        &current.user,
        Action::EstablishPk,
        Target::Unit {
            org_id: id,
            org: &org,
            unit: &unit,
        },
    )?;
    let entered = || Entered {
        date: form.tanggal.trim().to_owned(),
        reason: form.alasan.clone().unwrap_or_default(),
        note: form.catatan.clone().unwrap_or_default(),
    };
    let refused = async |message: String| -> Result<Response, Error> {
        let shown = Shown {
            entered: Some(entered()),
            error: Some(message),
            notice: None,
        };
        let page = pk_page_html(&state, &current, id, &key, &year_text, shown).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let (date, amendment) = match read_establish(&form, year) {
        Ok(v) => v,
        Err(m) => return refused(m).await,
    };
    let amended = amendment.is_some();
    let doc = state.store.pk_draft(id, &unit, year, date).await?;
    match state
        .store
        .establish_pk(&current.user.username, id, &doc, amendment)
        .await
    {
        Ok(_) => {}
        Err(pokin_store::StoreError::Invalid(m) | pokin_store::StoreError::Conflict(m)) => {
            return refused(sentence(&m)).await;
        }
        Err(e) => return Err(e.into()),
    }
    let code = if amended { "diubah" } else { "ditetapkan" };
    Ok(Redirect::to(&format!(
        "/organisasi/{id}/unit/{unit}/pk/{year}?pesan={code}"
    ))
    .into_response())
}

/// A message as a sentence: capital first letter, full stop.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(c.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Downloads.

/// One download made from a unit's Perjanjian Kinerja (the given version, else the latest
/// established, else the draft): `{prefix}-{unit}-{year}-{version}.{ext}`.
async fn pk_download(
    state: &AppState,
    current: &CurrentUser,
    (id, key, year): (i64, String, String),
    q: VersionQuery,
    (what, prefix, ext, content_type): (&'static str, &str, &str, &'static str),
    render: fn(&PerjanjianKinerja) -> Result<Vec<u8>, pokin_docs::DocError>,
) -> Result<Response, Error> {
    let version = q.version()?;
    let (snap, org) = readable_snapshot(state, &current.user, id).await?;
    // The document depends on the organisation's data and, for a draft, on today's date (the
    // official in office, the signing date).
    let memo = format!("{prefix}.{ext}:{key}:{year}:{version:?}:{}", today());
    let made = match snap.cached::<(String, Vec<u8>)>(&memo) {
        Some(made) => made,
        None => {
            let unit = unit_of(&org, &key)?;
            let year = path_year(&year)?;
            let pk = state
                .store
                .perjanjian_kinerja(id, &unit, year, version)
                .await?;
            let file = format!(
                "{prefix}-{}-{}-{}.{ext}",
                pk.unit,
                pk.year,
                version_part(&pk)
            );
            let bytes = build(what, pk, render).await?;
            snap.keep(&memo, (file, bytes))
        }
    };
    Ok(attachment(made.1.clone(), content_type, &made.0))
}

/// `GET /organisasi/{id}/unit/{key}/pk/{year}/pdf[?versi=N]`.
pub async fn pk_pdf(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(path): Path<(i64, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    let kind = ("Perjanjian kinerja", "pk", "pdf", PDF);
    pk_download(&state, &current, path, q, kind, pokin_docs::pk::pdf).await
}

/// `GET /organisasi/{id}/unit/{key}/rencana-aksi/{year}/pdf[?versi=N]`.
pub async fn ra_pdf(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(path): Path<(i64, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    let kind = ("Rencana aksi", "rencana-aksi", "pdf", PDF);
    pk_download(
        &state,
        &current,
        path,
        q,
        kind,
        pokin_docs::pk::rencana_aksi_pdf,
    )
    .await
}

/// `GET /organisasi/{id}/unit/{key}/rencana-aksi/{year}/xlsx[?versi=N]`.
pub async fn ra_xlsx(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(path): Path<(i64, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    let kind = ("Rencana aksi", "rencana-aksi", "xlsx", XLSX);
    let render = pokin_docs::report_xlsx::rencana_aksi;
    pk_download(&state, &current, path, q, kind, render).await
}

/// The organisation-wide documents of a year.
#[derive(Clone, Copy)]
enum YearDocument {
    LkjipPdf,
    LkjipXlsx,
    RenjaXlsx,
}

/// One organisation-wide download of a year, after the read check:
/// `{lkjip|evaluasi-renja}-{organisation}-{year}.{ext}`.
async fn year_download(
    state: &AppState,
    current: &CurrentUser,
    (id, year): (i64, String),
    doc: YearDocument,
) -> Result<Response, Error> {
    let org = readable(state, current, id).await?;
    let year = path_year(&year)?;
    let store = &state.store;
    let (bytes, prefix, ext, content_type) = match doc {
        YearDocument::LkjipPdf => {
            let l = store.lkjip(id, year).await?;
            let bytes = build("LKjIP", l, pokin_docs::lkjip::pdf).await?;
            (bytes, "lkjip", "pdf", PDF)
        }
        YearDocument::LkjipXlsx => {
            let l = store.lkjip(id, year).await?;
            let bytes = build("LKjIP", l, pokin_docs::report_xlsx::lkjip).await?;
            (bytes, "lkjip", "xlsx", XLSX)
        }
        YearDocument::RenjaXlsx => {
            let r = store.renja(id, year).await?;
            let bytes = build("Evaluasi Renja", r, pokin_docs::report_xlsx::renja).await?;
            (bytes, "evaluasi-renja", "xlsx", XLSX)
        }
    };
    let file = format!("{prefix}-{}-{year}.{ext}", slug(&org, id));
    Ok(attachment(bytes, content_type, &file))
}

/// `GET /organisasi/{id}/dokumen/{year}/lkjip.pdf`.
pub async fn lkjip_pdf(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(path): Path<(i64, String)>,
) -> Result<Response, Error> {
    year_download(&state, &current, path, YearDocument::LkjipPdf).await
}

/// `GET /organisasi/{id}/dokumen/{year}/lkjip.xlsx`.
pub async fn lkjip_xlsx(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(path): Path<(i64, String)>,
) -> Result<Response, Error> {
    year_download(&state, &current, path, YearDocument::LkjipXlsx).await
}

/// `GET /organisasi/{id}/dokumen/{year}/renja.xlsx`.
pub async fn renja_xlsx(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(path): Path<(i64, String)>,
) -> Result<Response, Error> {
    year_download(&state, &current, path, YearDocument::RenjaXlsx).await
}

// ---------------------------------------------------------------------------------------------
// Document settings.

#[derive(Template)]
#[template(path = "dokumen_pengaturan.html")]
struct SettingsPage {
    layout: Layout,
    id: i64,
    name: String,
    settings: DocumentSettings,
    problems: Vec<String>,
    notice: Option<&'static str>,
}

/// The organisation, if the user may configure its documents.
async fn configurable(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<std::sync::Arc<Organisation>, Error> {
    can(&current.user, Action::ConfigureDocuments, Target::Org(id))?;
    readable(state, current, id).await
}

/// `GET /organisasi/{id}/pengaturan-dokumen`.
pub async fn settings_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Html<String>, Error> {
    let org = configurable(&state, &current, id).await?;
    let settings = state.store.document_settings(id).await?;
    render(&SettingsPage {
        layout: Layout::for_user(
            &current,
            format!("Pengaturan dokumen · {}", org.name),
            "organisasi",
        ),
        id,
        name: org.name.clone(),
        settings,
        problems: Vec::new(),
        notice: (flash.pesan.as_deref() == Some("disimpan"))
            .then_some("Pengaturan dokumen disimpan; dokumen berikutnya memakainya."),
    })
}

/// The settings form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub daerah: String,
    #[serde(default)]
    pub tempat: String,
    #[serde(default)]
    pub jabatan_kepala: String,
    #[serde(default)]
    pub nama_kepala: String,
}

/// `POST /organisasi/{id}/pengaturan-dokumen`.
pub async fn settings_save(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<SettingsForm>,
) -> Result<Response, Error> {
    let org = configurable(&state, &current, id).await?;
    let settings = DocumentSettings {
        region: form.daerah.trim().to_owned(),
        place: form.tempat.trim().to_owned(),
        head_title: form.jabatan_kepala.trim().to_owned(),
        head_name: form.nama_kepala.trim().to_owned(),
    };
    let problems: Vec<String> = settings.problems().iter().map(|p| sentence(p)).collect();
    if problems.is_empty() {
        state
            .store
            .set_document_settings(&current.user.username, id, &settings)
            .await?;
        return Ok(Redirect::to(&format!(
            "/organisasi/{id}/pengaturan-dokumen?pesan=disimpan"
        ))
        .into_response());
    }
    let page = render(&SettingsPage {
        layout: Layout::for_user(
            &current,
            format!("Pengaturan dokumen · {}", org.name),
            "organisasi",
        ),
        id,
        name: org.name.clone(),
        settings,
        problems,
        notice: None,
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
