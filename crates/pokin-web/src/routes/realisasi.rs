//! Realisations: an indicator's value for one period with its narrative (*kendala*, *solusi /
//! tindak lanjut*, *faktor pendorong*) and evidence files (*bukti dukung*), through the workflow
//! draft → diajukan → diverifikasi / dikembalikan, locked when the period closes; and the
//! overview of an organisation's year.
//!
//! The operations (`save`, `step`, `ask_reopen`, `upload_evidence`, `remove_evidence`,
//! `evidence_response`) are shared by the pages here and the JSON API (`api_realisasi`): each
//! checks the permission first ([`can`] with the workflow's [`Action`]), then the state with
//! the domain's rules ([`next_status`]), then makes one audited store call. A refused step
//! changes nothing: 403 for a permission, 422 for input (with the field), 409 for a state that
//! does not allow the step (a locked period, a submitted realisation).
//!
//! Evidence uploads are `multipart/form-data` with the CSRF token in the query (`?_csrf=`,
//! checked by [`crate::auth::session_layer`]); the file is read chunk by chunk and refused (413)
//! as soon as it passes [`MAX_EVIDENCE_BYTES`], so an oversized upload is never held whole in
//! memory. Its kind is recognised from the content by the store, never from the name.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::routes::edit::{capitalise, lenient};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, Utc};
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::format;
use pokin_domain::measure::{
    Action as Step, IndicatorKey, MAX_EVIDENCE_BYTES, Period, RealisationInput, ReopenStatus,
    Status, next_status, periodisation_of, safe_file_name, sniff_evidence,
};
use pokin_domain::{Code, Indicator, Organisation, TargetValue, Unit, UnitKey};
use pokin_store::{
    AuditFilter, Evidence, RealisationRecord, ReopenRequest, StoreError, User, entity,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// Finding things.

/// Today in the server's time zone (the reporting calendar is local).
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A moment as people read it: `28 November 2026 14.05` (server time).
pub(crate) fn when(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&chrono::Local);
    format!(
        "{} {}",
        format::date(local.date_naive()),
        local.format("%H.%M")
    )
}

/// The organisation, if the user may read it (403 for another organisation, 404 when missing).
pub(crate) async fn load_org(
    state: &AppState,
    user: &User,
    id: i64,
) -> Result<Organisation, Error> {
    can(user, Action::Read, Target::Org(id))?;
    state
        .store
        .load_organisation(id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => {
                Error::not_found(format!("Organisasi dengan id {id} tidak ada."))
            }
            other => other.into(),
        })
}

/// An indicator found in an organisation the user may read.
pub(crate) struct Located {
    pub org_id: i64,
    pub org: Organisation,
    pub unit: Unit,
    pub indicator: Indicator,
    pub key: IndicatorKey,
}

impl Located {
    fn target(&self) -> Target<'_> {
        Target::Unit {
            org_id: self.org_id,
            org: &self.org,
            unit: &self.key.unit,
        }
    }

    /// Refuses (403, with the reason) unless the user may do `action` on this indicator.
    pub fn may(&self, user: &User, action: Action) -> Result<(), Error> {
        Ok(can(user, action, self.target())?)
    }

    pub fn allowed(&self, user: &User, action: Action) -> bool {
        can(user, action, self.target()).is_ok()
    }

    /// Why the user may not do `action` on this indicator, if they may not.
    pub fn denial(&self, user: &User, action: Action) -> Option<String> {
        can(user, action, self.target()).err().map(|d| d.0)
    }

    pub fn periodisation(&self) -> Periodisation {
        periodisation_of(&self.indicator)
    }

    /// The indicator's page (built by the indicator pages).
    pub fn path(&self) -> String {
        indicator_path(self.org_id, &self.key.unit, &self.key.code)
    }

    /// The realisation page of `period`.
    pub fn realisation_path(&self, period: Period) -> String {
        format!("{}/realisasi/{}", self.path(), period.slug())
    }

    /// The Rencana Aksi page of `year`.
    pub fn targets_path(&self, year: i32) -> String {
        format!("{}/rencana-aksi/{year}", self.path())
    }

    /// The period named by `slug`, which must match how the indicator is reported (404).
    pub fn period(&self, slug: &str) -> Result<Period, Error> {
        let p = Period::parse(slug).map_err(|m| Error::not_found(capitalise(&m) + "."))?;
        if p.periodisation != self.periodisation() {
            return Err(Error::not_found(format!(
                "Indikator {} dilaporkan {}, sehingga periode '{slug}' tidak berlaku. Contoh \
                 periode yang berlaku: {}.",
                self.key.code,
                match self.periodisation() {
                    Periodisation::Triwulan => "per triwulan",
                    Periodisation::Bulanan => "per bulan",
                },
                Period::all(p.year, self.periodisation())
                    .next()
                    .map(Period::slug)
                    .unwrap_or_default()
            )));
        }
        // A period outside the Renstra (or not a plausible year) cannot be reported.
        super::rencana_aksi::check_year(self, p.year)?;
        Ok(p)
    }
}

pub(crate) fn indicator_path(org_id: i64, unit: &UnitKey, code: &Code) -> String {
    format!("/organisasi/{org_id}/indikator/{unit}/{code}")
}

/// Finds indicator `code` of unit `unit` in an organisation `user` may read.
pub(crate) async fn locate(
    state: &AppState,
    user: &User,
    org_id: i64,
    unit: &str,
    code: &str,
) -> Result<Located, Error> {
    let org = load_org(state, user, org_id).await?;
    locate_in(org, org_id, unit, code)
}

pub(crate) fn locate_in(
    org: Organisation,
    org_id: i64,
    unit: &str,
    code: &str,
) -> Result<Located, Error> {
    let missing = || {
        Error::not_found(format!(
            "Indikator {code} pada unit '{unit}' tidak ada dalam organisasi ini; mungkin kodenya \
             berubah atau sudah dihapus."
        ))
    };
    let unit_key = UnitKey::parse(unit).map_err(|_| missing())?;
    let code_key = Code::parse(code).map_err(|_| missing())?;
    let u = org.unit(&unit_key).ok_or_else(missing)?.clone();
    let indicator = u
        .objectives
        .iter()
        .flat_map(|o| &o.indicators)
        .find(|i| i.code == code_key)
        .ok_or_else(missing)?
        .clone();
    Ok(Located {
        org_id,
        org,
        unit: u,
        indicator,
        key: IndicatorKey {
            unit: unit_key,
            code: code_key,
        },
    })
}

/// A store refusal of a workflow step: a state conflict is 409, bad input 422.
pub(crate) fn workflow_error(e: StoreError) -> Error {
    match e {
        StoreError::Conflict(m) => Error::Conflict(capitalise(&m)),
        StoreError::Invalid(m) => Error::unprocessable(capitalise(&m)),
        other => other.into(),
    }
}

fn locked_message(period: Period) -> String {
    format!(
        "Periode {} sudah ditutup, sehingga realisasinya terkunci dan tidak dapat diubah. Ajukan \
         permintaan buka kembali dengan alasannya kepada perencana.",
        period.label()
    )
}

// ---------------------------------------------------------------------------------------------
// What the pages and the API show.

/// A realisation with what surrounds it: the targets it is measured against and the state of
/// its period.
pub(crate) struct Snapshot {
    pub record: Option<RealisationRecord>,
    /// The Rencana Aksi target of the period.
    pub period_target: Option<TargetValue>,
    /// The Renstra target of the year.
    pub year_target: Option<TargetValue>,
    /// The period's quarter is closed.
    pub closed: bool,
    /// A reopen request for it waiting for a decision.
    pub waiting_request: Option<ReopenRequest>,
}

impl Snapshot {
    /// Locked: a record that says so, or no record yet in a closed quarter.
    pub fn locked(&self) -> bool {
        match &self.record {
            Some(r) => r.locked,
            None => self.closed,
        }
    }

    /// Values and evidence may change now (status and lock), whoever asks.
    pub fn editable(&self) -> bool {
        !self.locked() && self.record.as_ref().is_none_or(|r| r.status.editable())
    }

    /// Whether the value is expected as text (the targets are qualitative).
    pub fn qualitative(&self) -> bool {
        [&self.period_target, &self.year_target]
            .into_iter()
            .flatten()
            .any(|t| matches!(t, TargetValue::Qualitative(_)))
    }
}

/// Whether quarter `quarter` of `year` is closed.
pub(crate) async fn is_closed(
    state: &AppState,
    org_id: i64,
    year: i32,
    quarter: u8,
) -> Result<bool, Error> {
    Ok(state
        .store
        .closed_periods(org_id)
        .await?
        .iter()
        .any(|c| c.year == year && c.quarter == quarter))
}

/// The Rencana Aksi targets of the indicator for `year`, one per period (index 0 = TW I or
/// January).
pub(crate) async fn period_targets(
    state: &AppState,
    loc: &Located,
    year: i32,
) -> Result<Vec<Option<TargetValue>>, Error> {
    let mut out = vec![None; loc.periodisation().count()];
    for t in state.store.period_targets(loc.org_id, year).await? {
        if t.indicator == loc.key
            && t.period.periodisation == loc.periodisation()
            && let Some(slot) = out.get_mut(usize::from(t.period.n) - 1)
        {
            *slot = Some(t.target);
        }
    }
    Ok(out)
}

pub(crate) async fn snapshot(
    state: &AppState,
    loc: &Located,
    period: Period,
) -> Result<Snapshot, Error> {
    let record = state
        .store
        .realisation_at(loc.org_id, &loc.key, period)
        .await?;
    let period_target = period_targets(state, loc, period.year)
        .await?
        .get(usize::from(period.n) - 1)
        .cloned()
        .flatten();
    let closed = is_closed(state, loc.org_id, period.year, period.quarter()).await?;
    let waiting_request = match &record {
        Some(r) if r.locked => state
            .store
            .reopen_requests(loc.org_id, true)
            .await?
            .into_iter()
            .find(|q| q.realisation_id == r.id && q.status == ReopenStatus::Menunggu),
        _ => None,
    };
    Ok(Snapshot {
        record,
        period_target,
        year_target: loc.indicator.targets.get(&period.year).cloned(),
        closed,
        waiting_request,
    })
}

// ---------------------------------------------------------------------------------------------
// The operations, shared with the API.

/// A realisation as typed: the value (a number in Indonesian format such as `1.250,5`, or a
/// text such as `WTP` when the target is qualitative) and the narrative.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RealisationForm {
    /// The value: `85,5`, `1.250` (or a JSON number); a text when the target is qualitative;
    /// empty for none yet.
    #[serde(deserialize_with = "number_as_text")]
    #[schema(value_type = String)]
    pub nilai: String,
    /// *Kendala*: what held it back.
    #[serde(deserialize_with = "lenient")]
    pub kendala: String,
    /// *Solusi / tindak lanjut*.
    #[serde(deserialize_with = "lenient")]
    pub solusi: String,
    /// *Faktor pendorong*.
    #[serde(deserialize_with = "lenient")]
    pub pendorong: String,
}

/// A JSON number as the Indonesian text the form would carry (`1.125` → `1,125`, never read
/// as thousands); text as it is.
pub(crate) fn number_as_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => String::new(),
        Value::String(s) => s,
        Value::Number(n) => n.as_f64().map_or_else(
            || n.to_string(),
            |f| format::value_text(&TargetValue::Number(f)),
        ),
        other => other.to_string(),
    })
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The text of a value as the form shows it back (no thousands separators).
pub(crate) fn value_text(v: &Realisation) -> String {
    match v {
        Realisation::Number(n) => format::value_text(&TargetValue::Number(*n)),
        Realisation::Qualitative(s) => s.clone(),
    }
}

/// A value as shown: `1.250,5 dokumen`, `WTP`.
pub(crate) fn value_shown(v: &Realisation, indicator: &Indicator) -> String {
    match v {
        Realisation::Number(n) => format::target(
            &TargetValue::Number(*n),
            indicator.satuan.as_deref(),
            indicator.decimals,
        ),
        Realisation::Qualitative(s) => s.clone(),
    }
}

impl RealisationForm {
    pub(crate) fn of(input: &RealisationInput) -> RealisationForm {
        RealisationForm {
            nilai: input.value.as_ref().map(value_text).unwrap_or_default(),
            kendala: input.kendala.clone().unwrap_or_default(),
            solusi: input.solusi.clone().unwrap_or_default(),
            pendorong: input.pendorong.clone().unwrap_or_default(),
        }
    }

    /// The input, or every problem with it by field.
    fn check(&self, qualitative: bool) -> Result<RealisationInput, Error> {
        let mut fields: Vec<(String, String)> = Vec::new();
        let text = self.nilai.trim();
        let value = if text.is_empty() {
            None
        } else if qualitative {
            Some(Realisation::Qualitative(text.to_owned()))
        } else {
            match format::parse_value(text) {
                Ok(Some(TargetValue::Number(n))) => Some(Realisation::Number(n)),
                Ok(Some(TargetValue::Qualitative(s))) if format::parse_number(&s).is_none() => {
                    fields.push((
                        "nilai".into(),
                        format!(
                            "'{s}' bukan angka. Tulis angka dengan koma untuk desimal (85,5) dan \
                             titik untuk ribuan (1.250); nilai berupa teks hanya untuk indikator \
                             dengan target kualitatif."
                        ),
                    ));
                    None
                }
                Ok(_) => {
                    fields.push((
                        "nilai".into(),
                        "Realisasi harus satu angka, bukan rentang, misalnya 85,5.".into(),
                    ));
                    None
                }
                Err(m) => {
                    fields.push(("nilai".into(), capitalise(&m)));
                    None
                }
            }
        };
        let input = RealisationInput {
            value,
            kendala: opt(&self.kendala),
            solusi: opt(&self.solusi),
            pendorong: opt(&self.pendorong),
        };
        for problem in input.problems() {
            let field = if problem.starts_with("kendala") {
                "kendala"
            } else if problem.starts_with("solusi") {
                "solusi"
            } else if problem.starts_with("faktor") {
                "pendorong"
            } else {
                "nilai"
            };
            if !fields.iter().any(|(f, _)| f == field) {
                fields.push((field.into(), capitalise(&problem) + "."));
            }
        }
        if fields.is_empty() {
            return Ok(input);
        }
        Err(Error::fields(fields))
    }
}

/// Refuses (409) unless values and evidence may change now.
fn editable_now(snap: &Snapshot, period: Period) -> Result<(), Error> {
    if snap.locked() {
        return Err(Error::Conflict(locked_message(period)));
    }
    match &snap.record {
        Some(r) if !r.status.editable() => Err(Error::Conflict(format!(
            "Realisasi {} berstatus {}, sehingga tidak dapat diubah. {}",
            period.label(),
            r.status.label().to_lowercase(),
            match r.status {
                Status::Diajukan =>
                    "Tunggu hasil verifikasi, atau minta verifikator mengembalikannya.",
                _ =>
                    "Realisasi yang sudah diverifikasi hanya dapat diubah bila dikembalikan oleh verifikator.",
            }
        ))),
        _ => Ok(()),
    }
}

/// Saves the values and narrative (creating a draft when there is none). Returns its id.
pub(crate) async fn save(
    state: &AppState,
    user: &User,
    loc: &Located,
    period: Period,
    form: &RealisationForm,
) -> Result<i64, Error> {
    loc.may(user, Action::EnterRealisation)?;
    let snap = snapshot(state, loc, period).await?;
    let input = form.check(snap.qualitative())?;
    editable_now(&snap, period)?;
    state
        .store
        .save_realisation(&user.username, loc.org_id, &loc.key, period, &input)
        .await
        .map_err(workflow_error)
}

/// Applies a workflow step: *ajukan* (who enters realisations), *verifikasi* and *kembalikan*
/// (the verifier; a reason is required to return). Returns the new status.
pub(crate) async fn step(
    state: &AppState,
    user: &User,
    loc: &Located,
    period: Period,
    action: Step,
    reason: Option<&str>,
) -> Result<Status, Error> {
    loc.may(
        user,
        match action {
            Step::Ajukan => Action::EnterRealisation,
            Step::Verifikasi | Step::Kembalikan => Action::Verify,
        },
    )?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let snap = snapshot(state, loc, period).await?;
    let Some(record) = &snap.record else {
        if snap.closed {
            return Err(Error::Conflict(locked_message(period)));
        }
        return Err(Error::Conflict(format!(
            "Realisasi {} belum diisi, sehingga belum dapat {}. Isi dan simpan nilainya dulu.",
            period.label(),
            match action {
                Step::Ajukan => "diajukan",
                Step::Verifikasi => "diverifikasi",
                Step::Kembalikan => "dikembalikan",
            }
        )));
    };
    let has_value = record.input.value.is_some();
    if let Err(why) = next_status(record.status, action, record.locked, has_value, reason) {
        // The step itself is possible; only the input is missing: 422 at the field.
        let possible = next_status(record.status, action, record.locked, true, Some("-")).is_ok();
        return Err(match (possible, action) {
            (true, Step::Kembalikan) => Error::field(
                "alasan",
                "Alasan pengembalian wajib diisi: tulis apa yang perlu diperbaiki operator.",
            ),
            (true, _) => Error::field("nilai", capitalise(&why) + "."),
            (false, _) if record.locked => Error::Conflict(locked_message(period)),
            (false, _) => Error::Conflict(capitalise(&why) + "."),
        });
    }
    state
        .store
        .transition_realisation(&user.username, loc.org_id, record.id, action, reason)
        .await
        .map_err(workflow_error)
}

/// Asks the perencana to reopen a locked realisation; the reason is required. Returns the
/// request's id.
pub(crate) async fn ask_reopen(
    state: &AppState,
    user: &User,
    loc: &Located,
    period: Period,
    reason: &str,
) -> Result<i64, Error> {
    loc.may(user, Action::RequestReopen)?;
    let snap = snapshot(state, loc, period).await?;
    let Some(record) = snap.record.as_ref().filter(|r| r.locked) else {
        return Err(Error::Conflict(format!(
            "Realisasi {} tidak terkunci, sehingga tidak perlu dibuka kembali.",
            period.label()
        )));
    };
    if snap.waiting_request.is_some() {
        return Err(Error::Conflict(
            "Permintaan buka kembali untuk realisasi ini sudah diajukan dan masih menunggu \
             keputusan perencana."
                .into(),
        ));
    }
    if reason.trim().is_empty() {
        return Err(Error::field(
            "alasan",
            "Alasan permintaan buka kembali wajib diisi: tulis apa yang perlu dikoreksi.",
        ));
    }
    state
        .store
        .request_reopen(&user.username, loc.org_id, record.id, reason.trim())
        .await
        .map_err(workflow_error)
}

/// Adds an evidence file (creating a draft realisation when there is none). The kind is
/// recognised from the content; a refused file changes nothing.
pub(crate) async fn upload_evidence(
    state: &AppState,
    user: &User,
    loc: &Located,
    period: Period,
    file_name: &str,
    bytes: &[u8],
) -> Result<Evidence, Error> {
    loc.may(user, Action::EnterRealisation)?;
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(too_large());
    }
    if let Err(why) = sniff_evidence(bytes) {
        return Err(Error::field("bukti", capitalise(&why) + "."));
    }
    let snap = snapshot(state, loc, period).await?;
    editable_now(&snap, period)?;
    let id = match &snap.record {
        Some(r) => r.id,
        None => state
            .store
            .save_realisation(
                &user.username,
                loc.org_id,
                &loc.key,
                period,
                &RealisationInput::default(),
            )
            .await
            .map_err(workflow_error)?,
    };
    state
        .store
        .add_evidence(
            &user.username,
            loc.org_id,
            id,
            &safe_file_name(file_name),
            bytes,
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => Error::field("bukti", capitalise(&m)),
            other => workflow_error(other),
        })
}

/// An evidence file's row and the realisation it belongs to, if the user may read them.
async fn evidence_of(
    state: &AppState,
    user: &User,
    org_id: i64,
    evidence_id: i64,
) -> Result<(Evidence, Vec<u8>, RealisationRecord, Organisation), Error> {
    let org = load_org(state, user, org_id).await?;
    let gone = || {
        Error::not_found(format!(
            "Bukti dukung dengan id {evidence_id} tidak ada dalam organisasi ini; mungkin sudah \
             dihapus."
        ))
    };
    let (evidence, bytes) = state
        .store
        .evidence_file(org_id, evidence_id)
        .await?
        .ok_or_else(gone)?;
    let record = state
        .store
        .realisation(org_id, evidence.realisation_id)
        .await?
        .ok_or_else(gone)?;
    Ok((evidence, bytes, record, org))
}

/// Removes an evidence file from an editable realisation. Returns the indicator and period it
/// belonged to.
pub(crate) async fn remove_evidence(
    state: &AppState,
    user: &User,
    org_id: i64,
    evidence_id: i64,
) -> Result<(Located, Period), Error> {
    let (_, _, record, org) = evidence_of(state, user, org_id, evidence_id).await?;
    let loc = locate_in(
        org,
        org_id,
        record.indicator.unit.as_str(),
        record.indicator.code.as_str(),
    )?;
    loc.may(user, Action::EnterRealisation)?;
    let snap = snapshot(state, &loc, record.period).await?;
    editable_now(&snap, record.period)?;
    state
        .store
        .delete_evidence(&user.username, org_id, evidence_id)
        .await
        .map_err(workflow_error)?;
    Ok((loc, record.period))
}

/// `filename*` of RFC 5987: UTF-8, percent-encoded.
fn rfc5987(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The download of an evidence file (anyone who may read the organisation): its sniffed
/// media type, always as an attachment with its safe name, never sniffed or cached by others.
pub(crate) async fn evidence_response(
    state: &AppState,
    user: &User,
    org_id: i64,
    evidence_id: i64,
) -> Result<Response, Error> {
    let (evidence, bytes, _, _) = evidence_of(state, user, org_id, evidence_id).await?;
    let name = safe_file_name(&evidence.file_name);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '\\' && *c != '"')
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(&name)
    );
    let mut response = Body::from(bytes).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(evidence.kind.media_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox; frame-ancestors 'none'"),
    );
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Reading an uploaded file without holding more than the limit.

pub(crate) fn too_large() -> Error {
    Error::TooLarge(format!(
        "Berkas bukti dukung terlalu besar: paling besar {} MB. Perkecil berkasnya (misalnya \
         pindai dengan resolusi lebih rendah atau pisahkan halamannya), lalu unggah lagi.",
        MAX_EVIDENCE_BYTES / 1_048_576
    ))
}

/// The upload routes' body limit: one file of [`MAX_EVIDENCE_BYTES`] with room for the
/// multipart framing; beyond it the reader stops with 413.
pub fn evidence_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)
}

/// Refuses a request whose declared length is beyond a file of `limit` bytes (with room for
/// the multipart framing) before reading any of it.
pub(crate) fn check_length(
    headers: &HeaderMap,
    limit: usize,
    too_large: fn() -> Error,
) -> Result<(), Error> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > limit + 64 * 1024 => Err(too_large()),
        _ => Ok(()),
    }
}

fn multipart_error(e: MultipartError, too_large: fn() -> Error) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        Error::field(
            "bukti",
            "Unggahan tidak dapat dibaca. Pilih berkas lewat formulir lalu kirim lagi.",
        )
    }
}

/// A multipart upload: its file (field `berkas`: name and bytes) and its small text fields.
#[derive(Default)]
pub(crate) struct Upload {
    pub file: Option<(String, Vec<u8>)>,
    pub fields: HashMap<String, String>,
}

/// Reads a multipart body chunk by chunk, refusing with `too_large` as soon as the file passes
/// `limit` bytes (or a text field passes 4 KB), so no more than the limit is ever held.
pub(crate) async fn read_upload(
    mut multipart: Multipart,
    limit: usize,
    too_large: fn() -> Error,
) -> Result<Upload, Error> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e, too_large))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "berkas";
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let cap = if is_file { limit } else { 4096 };
        let mut data = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| multipart_error(e, too_large))?
        {
            if data.len() + chunk.len() > cap {
                return Err(too_large());
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            upload.file = Some((file_name, data));
        } else {
            upload
                .fields
                .insert(name, String::from_utf8_lossy(&data).trim().to_owned());
        }
    }
    Ok(upload)
}

/// The file of an evidence upload (field `berkas`): its name and bytes.
pub(crate) async fn read_evidence(multipart: Multipart) -> Result<(String, Vec<u8>), Error> {
    let upload = read_upload(multipart, MAX_EVIDENCE_BYTES, too_large).await?;
    match upload.file {
        Some((_, data)) if data.is_empty() => Err(Error::field(
            "bukti",
            "Berkas kosong atau belum dipilih. Pilih berkas bukti dukung lalu unggah.",
        )),
        Some(f) => Ok(f),
        None => Err(Error::field(
            "bukti",
            "Belum ada berkas yang dipilih. Pilih berkas bukti dukung lalu unggah.",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Status badges, evidence and history as shown.

/// A status as a badge: a colour class and the text (never colour alone).
pub(crate) struct Badge {
    pub class: &'static str,
    pub label: &'static str,
    /// The machine name (`draft`, …; `kosong` when nothing was entered), for `data-status`.
    pub value: &'static str,
}

pub(crate) fn badge(status: Option<Status>) -> Badge {
    match status {
        None => Badge {
            class: "st-kosong",
            label: "Belum diisi",
            value: "kosong",
        },
        Some(s) => Badge {
            class: match s {
                Status::Draft => "st-draft",
                Status::Diajukan => "st-diajukan",
                Status::Diverifikasi => "st-diverifikasi",
                Status::Dikembalikan => "st-dikembalikan",
            },
            label: s.label(),
            value: s.as_str(),
        },
    }
}

pub(crate) fn size_text(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{} MB", format::number_trimmed(b / 1_048_576.0, 1))
    } else {
        format!("{} KB", format::number_trimmed((b / 1024.0).max(0.1), 1))
    }
}

pub(crate) struct EvidenceView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub size: String,
    pub by: String,
    pub at: String,
}

fn evidence_view(e: &Evidence) -> EvidenceView {
    EvidenceView {
        id: e.id,
        name: e.file_name.clone(),
        kind: e.kind.label(),
        size: size_text(e.size),
        by: e.uploaded_by.clone(),
        at: when(e.uploaded_at),
    }
}

/// One step of a realisation's history.
pub(crate) struct HistoryView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub detail: Option<String>,
}

/// A field of a recorded realisation, wherever the store put it (top level or in `input`).
fn recorded<'a>(v: Option<&'a Value>, name: &str) -> Option<&'a Value> {
    let v = v?;
    v.get(name)
        .or_else(|| v.get("input").and_then(|i| i.get(name)))
        .filter(|x| !x.is_null())
}

fn recorded_text(v: Option<&Value>, name: &str) -> Option<String> {
    recorded(v, name).map(|x| match x {
        Value::String(s) => s.clone(),
        Value::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |f| format::number_trimmed(f, 6)),
        other => other.to_string(),
    })
}

fn status_label(v: Option<&Value>) -> Option<&'static str> {
    recorded(v, "status")
        .and_then(Value::as_str)
        .and_then(Status::from_str_opt)
        .map(Status::label)
}

/// The realisation's audit records as steps, oldest first.
pub(crate) async fn history(
    state: &AppState,
    org_id: i64,
    realisation_id: i64,
) -> Result<Vec<HistoryView>, Error> {
    let records = state
        .store
        .audit_log(&AuditFilter {
            org_id: Some(org_id),
            entity: Some(entity::REALISATION.to_owned()),
            entity_id: Some(realisation_id),
            limit: Some(200),
            ..AuditFilter::default()
        })
        .await?;
    Ok(records
        .iter()
        .rev()
        .map(|r| {
            let (before, after) = (r.before.as_ref(), r.after.as_ref());
            let (sb, sa) = (status_label(before), status_label(after));
            let reason = recorded_text(after, "return_reason")
                .or_else(|| recorded_text(after, "reason"))
                .filter(|_| {
                    recorded(after, "status").and_then(Value::as_str) == Some("dikembalikan")
                });
            let value_of = |v| {
                recorded_text(v, "value_number")
                    .or_else(|| recorded_text(v, "value_text"))
                    .or_else(|| recorded_text(v, "value"))
            };
            let value = |v| value_of(v).unwrap_or_else(|| "—".into());
            let (what, detail) = match (before, sb, sa) {
                (None, _, _) => (
                    format!("Dibuat ({})", sa.unwrap_or("Draf").to_lowercase()),
                    value_of(after).map(|v| format!("Nilai: {v}")),
                ),
                (_, Some(b), Some(a)) if b != a => (
                    match a {
                        "Diajukan" => "Diajukan untuk verifikasi".to_owned(),
                        "Diverifikasi" => "Diverifikasi".to_owned(),
                        "Dikembalikan" => "Dikembalikan".to_owned(),
                        other => format!("Status {} → {}", b.to_lowercase(), other.to_lowercase()),
                    },
                    reason.map(|r| format!("Alasan: {r}")),
                ),
                _ if r.after.is_none() => ("Dihapus".to_owned(), None),
                _ => {
                    let (vb, va) = (value(before), value(after));
                    (
                        "Isian diubah".to_owned(),
                        (vb != va).then(|| format!("Nilai: {vb} → {va}")),
                    )
                }
            };
            HistoryView {
                at: when(r.at),
                actor: r.actor.clone(),
                what,
                detail,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The realisation page.

/// `?pesan=` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    pub pesan: String,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "disimpan" => "Realisasi disimpan sebagai draf.",
        "diajukan" => "Realisasi diajukan untuk verifikasi.",
        "diverifikasi" => "Realisasi diverifikasi.",
        "dikembalikan" => "Realisasi dikembalikan kepada operator dengan alasannya.",
        "buka-diminta" => "Permintaan buka kembali dikirim kepada perencana.",
        "bukti-diunggah" => "Bukti dukung diunggah.",
        "bukti-dihapus" => "Bukti dukung dihapus.",
        _ => return None,
    })
}

/// A link to another period.
pub(crate) struct PeriodLink {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "realisasi.html")]
struct RealisasiPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    demo: bool,
    unit_key: String,
    unit_name: String,
    code: String,
    name: String,
    iku: bool,
    satuan: String,
    period_label: String,
    period_slug: String,
    indicator_href: String,
    action: String,
    targets_href: String,
    prev: Option<PeriodLink>,
    next: Option<PeriodLink>,
    period_target: Option<String>,
    year_target: Option<String>,
    year: i32,
    qualitative: bool,
    badge: Badge,
    locked: bool,
    reopened: bool,
    return_reason: Option<String>,
    updated: Option<String>,
    shown_value: Option<String>,
    form: RealisationForm,
    errors: Vec<(String, String)>,
    /// A refusal not tied to a field (shown at the top).
    refusal: Option<String>,
    notice: Option<&'static str>,
    can_edit: bool,
    can_submit: bool,
    can_verify: bool,
    can_return: bool,
    can_request_reopen: bool,
    /// Why the user sees the page read-only, when they do.
    read_only_reason: Option<String>,
    waiting_request: Option<String>,
    evidence: Vec<EvidenceView>,
    max_evidence: String,
    history: Vec<HistoryView>,
}

impl RealisasiPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn neighbours(loc: &Located, period: Period) -> (Option<Period>, Option<Period>) {
    let p = loc.periodisation();
    let count = p.count() as u8;
    let (first_year, last_year) = loc
        .org
        .renstra
        .map_or((i32::MIN, i32::MAX), |r| (r.start, r.end));
    let prev = if period.n > 1 {
        Period::new(period.year, p, period.n - 1).ok()
    } else if period.year > first_year {
        Period::new(period.year - 1, p, count).ok()
    } else {
        None
    };
    let next = if period.n < count {
        Period::new(period.year, p, period.n + 1).ok()
    } else if period.year < last_year {
        Period::new(period.year + 1, p, 1).ok()
    } else {
        None
    };
    (prev, next)
}

/// What the form shows after a refusal: the input kept and the messages by field.
struct Refused {
    form: Option<RealisationForm>,
    errors: Vec<(String, String)>,
    status: StatusCode,
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    loc: &Located,
    period: Period,
    notice: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<Response, Error> {
    let user = &current.user;
    let snap = snapshot(state, loc, period).await?;
    let record = snap.record.as_ref();
    let status = record.map(|r| r.status);
    let may_enter = loc.allowed(user, Action::EnterRealisation);
    let may_verify = loc.allowed(user, Action::Verify);
    let can_edit = may_enter && snap.editable();
    let possible = |action: Step| {
        record.is_some_and(|r| next_status(r.status, action, r.locked, true, Some("-")).is_ok())
    };
    let can_submit = may_enter && possible(Step::Ajukan);
    let can_verify = may_verify && possible(Step::Verifikasi);
    let can_return = may_verify && possible(Step::Kembalikan);
    let can_request_reopen = loc.allowed(user, Action::RequestReopen)
        && record.is_some_and(|r| r.locked)
        && snap.waiting_request.is_none();
    let read_only_reason = if may_enter || may_verify {
        None
    } else {
        loc.denial(user, Action::EnterRealisation)
    };
    let history = match record {
        Some(r) => history(state, loc.org_id, r.id).await?,
        None => Vec::new(),
    };
    let (prev, next) = neighbours(loc, period);
    let link = |p: Period| PeriodLink {
        href: loc.realisation_path(p),
        label: p.label(),
    };
    let show = |t: &TargetValue| {
        format::target(t, loc.indicator.satuan.as_deref(), loc.indicator.decimals)
    };
    let (form, errors, status_code) = match refused {
        Some(r) => (
            r.form.unwrap_or_else(|| {
                record
                    .map(|r| RealisationForm::of(&r.input))
                    .unwrap_or_default()
            }),
            r.errors,
            r.status,
        ),
        None => (
            record
                .map(|r| RealisationForm::of(&r.input))
                .unwrap_or_default(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let refusal = errors
        .iter()
        .find(|(f, _)| f == "_")
        .map(|(_, m)| m.clone());
    let page = RealisasiPage {
        layout: Layout::for_user(
            current,
            format!("Realisasi {} {}", loc.key.code, period.label()),
            "realisasi",
        ),
        org_id: loc.org_id,
        org_name: loc.org.name.clone(),
        demo: loc.org.demo,
        unit_key: loc.key.unit.to_string(),
        unit_name: loc.unit.name.clone(),
        code: loc.key.code.to_string(),
        name: loc.indicator.name.clone(),
        iku: loc.indicator.iku,
        satuan: loc.indicator.satuan.clone().unwrap_or_default(),
        period_label: period.label(),
        period_slug: period.slug(),
        indicator_href: loc.path(),
        action: loc.realisation_path(period),
        targets_href: loc.targets_path(period.year),
        prev: prev.map(link),
        next: next.map(link),
        period_target: snap.period_target.as_ref().map(show),
        year_target: snap.year_target.as_ref().map(show),
        year: period.year,
        qualitative: snap.qualitative(),
        badge: badge(status),
        locked: snap.locked(),
        reopened: record.is_some_and(|r| r.reopened),
        return_reason: record
            .filter(|r| r.status == Status::Dikembalikan)
            .and_then(|r| r.return_reason.clone()),
        updated: record.map(|r| format!("{} oleh {}", when(r.updated_at), r.updated_by)),
        shown_value: record
            .and_then(|r| r.input.value.as_ref())
            .map(|v| value_shown(v, &loc.indicator)),
        form,
        errors,
        refusal,
        notice,
        can_edit,
        can_submit,
        can_verify,
        can_return,
        can_request_reopen,
        read_only_reason,
        waiting_request: snap.waiting_request.as_ref().map(|q| {
            format!(
                "Permintaan buka kembali dari {} ({}) menunggu keputusan perencana. Alasan: {}",
                q.requested_by,
                when(q.requested_at),
                q.reason
            )
        }),
        evidence: record
            .map(|r| r.evidence.iter().map(evidence_view).collect())
            .unwrap_or_default(),
        max_evidence: format!("{} MB", MAX_EVIDENCE_BYTES / 1_048_576),
        history,
    };
    Ok((status_code, render(&page)?).into_response())
}

/// The path parameters of a realisation page.
#[derive(Debug, Deserialize)]
pub struct RealisationPath {
    pub id: i64,
    pub unit: String,
    pub code: String,
    pub period: String,
}

async fn located(
    state: &AppState,
    user: &User,
    p: &RealisationPath,
) -> Result<(Located, Period), Error> {
    let loc = locate(state, user, p.id, &p.unit, &p.code).await?;
    let period = loc.period(&p.period)?;
    Ok((loc, period))
}

fn done(loc: &Located, period: Period, code: &str) -> Response {
    Redirect::to(&format!("{}?pesan={code}", loc.realisation_path(period))).into_response()
}

/// Turns a refusal into the page again (422 with messages by field) or the error page (403,
/// 404, 409, 413).
async fn respond(
    state: &AppState,
    current: &CurrentUser,
    loc: &Located,
    period: Period,
    result: Result<Response, Error>,
    form: Option<RealisationForm>,
    rename: &[(&str, &str)],
) -> Result<Response, Error> {
    match result {
        Ok(r) => Ok(r),
        Err(Error::Unprocessable { message, fields }) => {
            let mut errors: Vec<(String, String)> = fields
                .into_iter()
                .map(|(f, m)| {
                    let f = rename
                        .iter()
                        .find(|(from, _)| *from == f)
                        .map_or(f, |(_, to)| (*to).to_owned());
                    (f, m)
                })
                .collect();
            if errors.is_empty() {
                errors.push(("_".into(), message));
            }
            let refused = Refused {
                form,
                errors,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            page(state, current, loc, period, None, Some(refused)).await
        }
        Err(other) => Err(other),
    }
}

/// `GET /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}`.
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
    Query(n): Query<Notice>,
) -> Result<Response, Error> {
    let (loc, period) = located(&state, &current.user, &p).await?;
    page(&state, &current, &loc, period, notice_text(&n.pesan), None).await
}

/// `POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}`: saves as draft.
pub async fn save_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
    Form(form): Form<RealisationForm>,
) -> Result<Response, Error> {
    let (loc, period) = located(&state, &current.user, &p).await?;
    let result = save(&state, &current.user, &loc, period, &form)
        .await
        .map(|_| done(&loc, period, "disimpan"));
    respond(&state, &current, &loc, period, result, Some(form), &[]).await
}

/// The reason of *kembalikan* and *buka kembali*.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReasonForm {
    /// Why: what to correct (required to return and to ask for reopening).
    #[serde(deserialize_with = "lenient")]
    pub alasan: String,
}

async fn step_form(
    state: AppState,
    current: CurrentUser,
    p: RealisationPath,
    action: Step,
    reason: Option<String>,
) -> Result<Response, Error> {
    let (loc, period) = located(&state, &current.user, &p).await?;
    let result = step(
        &state,
        &current.user,
        &loc,
        period,
        action,
        reason.as_deref(),
    )
    .await
    .map(|s| done(&loc, period, s.as_str()));
    respond(&state, &current, &loc, period, result, None, &[]).await
}

/// `POST …/realisasi/{period}/ajukan`.
pub async fn submit(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
) -> Result<Response, Error> {
    step_form(state, current, p, Step::Ajukan, None).await
}

/// `POST …/realisasi/{period}/verifikasi`.
pub async fn verify(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
) -> Result<Response, Error> {
    step_form(state, current, p, Step::Verifikasi, None).await
}

/// `POST …/realisasi/{period}/kembalikan` (field `alasan`).
pub async fn give_back(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, Error> {
    step_form(state, current, p, Step::Kembalikan, Some(f.alasan)).await
}

/// `POST …/realisasi/{period}/buka-kembali` (field `alasan`).
pub async fn reopen(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, Error> {
    let (loc, period) = located(&state, &current.user, &p).await?;
    let result = ask_reopen(&state, &current.user, &loc, period, &f.alasan)
        .await
        .map(|_| done(&loc, period, "buka-diminta"));
    respond(
        &state,
        &current,
        &loc,
        period,
        result,
        None,
        &[("alasan", "alasan_buka")],
    )
    .await
}

/// `POST …/realisasi/{period}/bukti?_csrf=…` (multipart, field `berkas`).
pub async fn upload(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(p): Path<RealisationPath>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, Error> {
    let (loc, period) = located(&state, &current.user, &p).await?;
    // The permission and the declared size first: nothing is read for a refused upload.
    loc.may(&current.user, Action::EnterRealisation)?;
    check_length(&headers, MAX_EVIDENCE_BYTES, too_large)?;
    let result = match read_evidence(multipart).await {
        Ok((name, bytes)) => upload_evidence(&state, &current.user, &loc, period, &name, &bytes)
            .await
            .map(|_| done(&loc, period, "bukti-diunggah")),
        Err(e) => Err(e),
    };
    respond(&state, &current, &loc, period, result, None, &[]).await
}

/// `GET /organisasi/{id}/bukti/{evidence_id}`: the file, as an attachment.
pub async fn download(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, evidence_id)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    evidence_response(&state, &current.user, id, evidence_id).await
}

/// `POST /organisasi/{id}/bukti/{evidence_id}/hapus`.
pub async fn delete_evidence(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, evidence_id)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let (loc, period) = remove_evidence(&state, &current.user, id, evidence_id).await?;
    Ok(done(&loc, period, "bukti-dihapus"))
}

// ---------------------------------------------------------------------------------------------
// The overview of a year.

/// `?tahun=2026&unit=bidang-x`.
#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    pub tahun: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
}

/// One cell: a period's status, linking to its realisation page.
pub(crate) struct Cell {
    pub href: String,
    pub label: String,
    pub badge: Badge,
    pub locked: bool,
    pub value: Option<String>,
}

pub(crate) struct Row {
    pub code: String,
    pub name: String,
    pub href: String,
    /// Per quarter: one cell (quarterly) or the quarter's three months (monthly).
    pub quarters: Vec<Vec<Cell>>,
}

pub(crate) struct UnitTable {
    pub key: String,
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "realisasi_overview.html")]
struct OverviewPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    demo: bool,
    year: i32,
    years: Vec<i32>,
    unit: String,
    units: Vec<(String, String, usize)>,
    tables: Vec<UnitTable>,
    quarter_heads: Vec<(String, bool)>,
    /// How many periods are in each status, as shown.
    counts: Vec<(Badge, String)>,
}

impl OverviewPage {
    fn unit_selected(&self, key: &str) -> bool {
        self.unit == key
    }
}

/// The indicator an [`IndicatorKey`] names in `org`, if it is (still) there.
pub(crate) fn indicator_at<'a>(org: &'a Organisation, key: &IndicatorKey) -> Option<&'a Indicator> {
    org.unit(&key.unit)?
        .objectives
        .iter()
        .flat_map(|o| &o.indicators)
        .find(|i| i.code == key.code)
}

/// Units in tree order with their depth.
pub(crate) fn units_in_order(org: &Organisation) -> Vec<(usize, &Unit)> {
    fn walk<'a>(
        org: &'a Organisation,
        key: Option<&'a UnitKey>,
        depth: usize,
        out: &mut Vec<(usize, &'a Unit)>,
    ) {
        for u in org.children(key) {
            out.push((depth, u));
            if depth < org.units.len() {
                walk(org, Some(&u.key), depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(org, None, 0, &mut out);
    out
}

/// The years a page offers: the Renstra period, and the given year.
pub(crate) fn year_choices(org: &Organisation, year: i32) -> Vec<i32> {
    let mut years: Vec<i32> = org.renstra.map(|r| r.years().collect()).unwrap_or_default();
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable();
    }
    years
}

/// `tahun=` or the current year; 422 when it is not a year.
pub(crate) fn year_param(s: Option<&str>) -> Result<i32, Error> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today().year()),
        Some(t) => t
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=9999).contains(y))
            .ok_or_else(|| {
                Error::field(
                    "tahun",
                    format!("Tahun '{t}' tidak sah; tulis empat angka, misalnya 2026."),
                )
            }),
    }
}

/// `GET /organisasi/{id}/realisasi?tahun=Y&unit=KEY`.
pub async fn overview(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, Error> {
    let org = load_org(&state, &current.user, id).await?;
    let year = year_param(q.tahun.as_deref())?;
    let unit = q.unit.clone().unwrap_or_default().trim().to_owned();
    if !unit.is_empty() && !org.units.iter().any(|u| u.key.as_str() == unit) {
        return Err(Error::field(
            "unit",
            format!("Unit '{unit}' tidak ada dalam organisasi ini."),
        ));
    }
    let measured = state.store.year_measurements(id, year).await?;
    let by_key: HashMap<(IndicatorKey, Period), &RealisationRecord> = measured
        .realisations
        .iter()
        .map(|r| ((r.indicator.clone(), r.period), r))
        .collect();
    let closed: Vec<bool> = (1..=4u8)
        .map(|q| {
            measured
                .closed
                .iter()
                .any(|c| c.year == year && c.quarter == q)
        })
        .collect();
    let mut counts: BTreeMap<&'static str, (Badge, usize)> = BTreeMap::new();
    let order = units_in_order(&org);
    let scope_key = UnitKey::parse(&unit).ok();
    let mut tables = Vec::new();
    for (_, u) in &order {
        if let Some(s) = &scope_key
            && !crate::permission::in_subtree(&org, s, &u.key)
        {
            continue;
        }
        let mut rows = Vec::new();
        for i in u.objectives.iter().flat_map(|o| &o.indicators) {
            let key = IndicatorKey {
                unit: u.key.clone(),
                code: i.code.clone(),
            };
            let base = indicator_path(id, &u.key, &i.code);
            let p = periodisation_of(i);
            let mut quarters: Vec<Vec<Cell>> = (0..4).map(|_| Vec::new()).collect();
            for period in Period::all(year, p) {
                let r = by_key.get(&(key.clone(), period));
                let b = badge(r.map(|r| r.status));
                let entry = counts
                    .entry(b.value)
                    .or_insert((badge(r.map(|r| r.status)), 0));
                entry.1 += 1;
                quarters[usize::from(period.quarter()) - 1].push(Cell {
                    href: format!("{base}/realisasi/{}", period.slug()),
                    label: p.label(usize::from(period.n)),
                    badge: b,
                    locked: r.map_or(closed[usize::from(period.quarter()) - 1], |r| r.locked),
                    value: r
                        .and_then(|r| r.input.value.as_ref())
                        .map(|v| value_shown(v, i)),
                });
            }
            rows.push(Row {
                code: i.code.to_string(),
                name: i.name.clone(),
                href: base,
                quarters,
            });
        }
        if !rows.is_empty() {
            tables.push(UnitTable {
                key: u.key.to_string(),
                name: u.name.clone(),
                rows,
            });
        }
    }
    let units = order
        .iter()
        .map(|(d, u)| (u.key.to_string(), u.name.clone(), *d))
        .collect();
    let page = OverviewPage {
        layout: Layout::for_user(&current, format!("Realisasi {year}"), "realisasi"),
        org_id: id,
        org_name: org.name.clone(),
        demo: org.demo,
        year,
        years: year_choices(&org, year),
        unit,
        units,
        tables,
        quarter_heads: closed
            .iter()
            .enumerate()
            .map(|(i, c)| (Periodisation::Triwulan.label(i + 1), *c))
            .collect(),
        counts: [
            "kosong",
            "draft",
            "diajukan",
            "dikembalikan",
            "diverifikasi",
        ]
        .iter()
        .filter_map(|k| counts.remove(k))
        .map(|(b, n)| (b, format::number(n as f64, 0)))
        .collect(),
    };
    Ok(render(&page)?.into_response())
}

/// `GET /realisasi`: the overview of the user's organisation, or the organisation list.
pub async fn mine(current: CurrentUser) -> Response {
    match current.user.org_id {
        Some(id) => Redirect::to(&format!("/organisasi/{id}/realisasi")).into_response(),
        None => Redirect::to("/organisasi").into_response(),
    }
}
