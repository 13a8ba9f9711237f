//! Import with preview: upload a pohon kinerja text or canonical YAML (or paste text), see the
//! tree as it was read and every diagnostic next to its source line, then confirm — one atomic,
//! audited [`pokin_store::Store::import_organisation`] — or cancel.
//!
//! - **Who**: admin (a new organisation, or replacing any); perencana without a unit scope
//!   (replacing its own organisation). Decided by [`can`] (`EditTree` on the organisation; on
//!   [`Target::System`] for a new one), at upload and again at confirmation.
//! - **Reading** is [`pokin_import::read_any`], the same path as `pokin import`: the kind (text
//!   or YAML) is decided by the content, never by the file name; at most [`MAX_UPLOAD`] bytes
//!   of UTF-8.
//! - **CSRF**: the form posts `multipart/form-data` to `/impor?_csrf=TOKEN`; the middleware checks
//!   that query token for multipart requests only (see [`crate::auth`]).
//! - **Pending imports live in memory** ([`PendingImports`], in [`AppState`], the mechanism
//!   shared with the bulk workbook in [`super::pending`]): keyed by a random 256-bit token,
//!   bound to the session that uploaded, expiring after 30 minutes, a few per session. Confirming imports exactly the [`Organisation`] that was previewed. Memory rather
//!   than a table because a preview is a transient, per-session thing: storing it would need a
//!   migration, would write unconfirmed agency data to the database (and its audit log), and
//!   would outlive the session it belongs to; losing previews on a restart only means uploading
//!   again. The bounds ([`MAX_PER_SESSION`], [`MAX_TOTAL`], [`MAX_UPLOAD`]) cap the memory used.

use crate::auth::{CurrentSession, CurrentUser, random_token};
use crate::permission::{Action, Target, can};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Extension;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pokin_domain::check::Severity;
use pokin_domain::{Organisation, UnitKind};
use pokin_import::spelling::Speller;
use pokin_import::{Format, ImportReport};
use pokin_store::{ImportMode, User};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The largest file (or pasted text) accepted.
pub const MAX_UPLOAD: usize = 2 * 1024 * 1024;
/// The request may hold the file, pasted text and a few small fields.
const BODY_LIMIT: usize = 2 * MAX_UPLOAD + 64 * 1024;
/// The upload route's body limit, for axum's multipart reader (its default is 2 MB).
pub fn body_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(BODY_LIMIT)
}

pub use super::pending::{MAX_PER_SESSION, MAX_TOTAL};

/// The Indonesian dictionary, loaded once (when installed).
static SPELLER: OnceLock<Option<Speller>> = OnceLock::new();

/// Whether `user` may open the import page at all: admin, or perencana of a whole organisation.
pub fn may_open(user: &User) -> bool {
    own_tree(user).is_ok()
}

fn own_tree(user: &User) -> Result<(), Error> {
    let own = user.org_id.map_or(Target::System, Target::Org);
    Ok(can(user, Action::EditTree, own)?)
}

/// Where an import goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    New,
    Replace { id: i64, name: String },
}

impl Destination {
    fn mode(&self) -> ImportMode {
        match self {
            Destination::New => ImportMode::New,
            Destination::Replace { .. } => ImportMode::Replace,
        }
    }
}

/// May `user` import to `dest`?
fn allowed(user: &User, dest: &Destination) -> Result<(), Error> {
    match dest {
        Destination::New => can(user, Action::EditTree, Target::System).map_err(|_| {
            Error::forbidden(
                "Hanya Administrator yang dapat membuat organisasi baru dengan impor. Perencana \
                 dapat mengganti pohon kinerja organisasinya sendiri: pilih \"Ganti organisasi \
                 yang ada\".",
            )
        }),
        Destination::Replace { id, .. } => Ok(can(user, Action::EditTree, Target::Org(*id))?),
    }
}

// ---------------------------------------------------------------------------------------------
// Pending imports.

/// An uploaded file waiting for confirmation.
struct Pending {
    destination: Destination,
    /// `Some` when the file can be imported: exactly what confirmation writes.
    organisation: Option<Organisation>,
    preview: Preview,
}

impl super::pending::PendingKind for Pending {
    fn gone() -> Error {
        gone()
    }

    fn other_session() -> Error {
        Error::forbidden(
            "Pratinjau impor ini dibuat dari sesi lain, sehingga tidak dapat dibuka, \
             dikonfirmasi atau dibatalkan dari sesi ini. Unggah berkasnya lagi dari sesi Anda.",
        )
    }
}

/// Uploaded files in preview, by token (see the module docs): the shared store of previews.
pub type PendingImports = super::pending::PendingStore;

fn gone() -> Error {
    Error::not_found(
        "Pratinjau impor ini tidak ada atau sudah kedaluwarsa (pratinjau disimpan 30 menit). \
         Unggah berkasnya lagi.",
    )
}

pub(crate) fn session_id(s: &CurrentSession) -> Result<i64, Error> {
    s.0.as_ref().map(|s| s.id).ok_or(Error::Unauthenticated)
}

// ---------------------------------------------------------------------------------------------
// The form.

/// What the form shows again after a refusal.
#[derive(Debug, Default, Clone)]
struct FormValues {
    destination: String,
    name: String,
    org: Option<i64>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    layout: Layout,
    can_new: bool,
    /// Organisations the user may replace.
    orgs: Vec<(i64, String)>,
    form: FormValues,
    error: Option<String>,
    max_size: &'static str,
}

impl FormPage {
    fn replace_chosen(&self) -> bool {
        self.form.destination == "ganti" || !self.can_new
    }
    fn org_selected(&self, id: &i64) -> bool {
        self.form.org == Some(*id)
    }
}

async fn form_page(
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    mut form: FormValues,
    error: Option<String>,
) -> Result<Response, Error> {
    let orgs: Vec<(i64, String)> = state
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|o| can(&current.user, Action::EditTree, Target::Org(o.id)).is_ok())
        .map(|o| (o.id, o.name))
        .collect();
    if form.org.is_none() {
        form.org = current.user.org_id.or(orgs.first().map(|o| o.0));
    }
    let page = FormPage {
        layout: Layout::for_user(current, "Impor pohon kinerja", "organisasi"),
        can_new: can(&current.user, Action::EditTree, Target::System).is_ok(),
        orgs,
        form,
        error,
        max_size: "2 MB",
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /impor`.
pub async fn form(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    own_tree(&current.user)?;
    form_page(
        &state,
        &current,
        StatusCode::OK,
        FormValues::default(),
        None,
    )
    .await
}

/// The fields of an upload.
#[derive(Default)]
struct Upload {
    file_name: Option<String>,
    file: Vec<u8>,
    text: Vec<u8>,
    values: FormValues,
}

const TOO_LARGE: &str = "Berkas terlalu besar: paling besar 2 MB. Pisahkan pohon kinerjanya atau \
     hapus bagian yang tidak perlu, lalu unggah lagi.";

/// Reads the multipart body, or says (as the form page's message) why not.
async fn read_upload(
    state: &AppState,
    request: Request,
) -> Result<Upload, (StatusCode, String, FormValues)> {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            TOO_LARGE.to_owned(),
            FormValues::default(),
        )
    })?;
    let unreadable = |values: &FormValues| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unggahan tidak dapat dibaca. Kirim berkas lewat formulir di halaman ini.".to_owned(),
            values.clone(),
        )
    };
    let mut multipart =
        Multipart::from_request(Request::from_parts(parts, Body::from(bytes)), state)
            .await
            .map_err(|_| unreadable(&FormValues::default()))?;
    let mut upload = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| unreadable(&upload.values))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = field
            .bytes()
            .await
            .map_err(|_| unreadable(&upload.values))?;
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "berkas" => {
                upload.file_name = file_name.filter(|n| !n.trim().is_empty());
                upload.file = data.to_vec();
            }
            "teks" => upload.text = data.to_vec(),
            "tujuan" => upload.values.destination = text(),
            "nama" => upload.values.name = text(),
            "organisasi" => upload.values.org = text().parse().ok(),
            _ => {}
        }
    }
    if upload.file.len() > MAX_UPLOAD || upload.text.len() > MAX_UPLOAD {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            TOO_LARGE.to_owned(),
            upload.values,
        ));
    }
    Ok(upload)
}

/// `POST /impor` (multipart, CSRF token in the query): reads the file, keeps it as a pending
/// import and redirects to its preview.
pub async fn upload(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    request: Request,
) -> Result<Response, Error> {
    own_tree(&current.user)?;
    let session_id = session_id(&session)?;
    let upload = match read_upload(&state, request).await {
        Ok(u) => u,
        Err((status, message, values)) => {
            return form_page(&state, &current, status, values, Some(message)).await;
        }
    };
    let values = upload.values.clone();
    let refuse = |message: String| {
        form_page(
            &state,
            &current,
            StatusCode::UNPROCESSABLE_ENTITY,
            values.clone(),
            Some(message),
        )
    };
    let has_file = !upload.file.is_empty() || upload.file_name.is_some();
    let uploaded_file = upload.file_name.is_some();
    let has_text = !upload.text.iter().all(u8::is_ascii_whitespace);
    let (bytes, file_name) = match (has_file, has_text) {
        (true, true) => {
            return refuse(
                "Pilih salah satu: unggah berkas atau tempel teks, jangan keduanya.".into(),
            )
            .await;
        }
        (true, false) => (
            upload.file,
            upload.file_name.unwrap_or_else(|| "berkas".into()),
        ),
        (false, true) => (upload.text, "teks yang ditempel".to_owned()),
        (false, false) => {
            return refuse(
                "Belum ada yang diimpor: pilih berkas pohon kinerja (.txt) atau YAML (.yaml), \
                 atau tempel teksnya."
                    .into(),
            )
            .await;
        }
    };
    let replace = match values.destination.as_str() {
        "baru" => None,
        "ganti" => {
            let Some(id) = values.org else {
                return refuse("Pilih organisasi yang akan diganti.".into()).await;
            };
            Some(id)
        }
        _ => {
            return refuse("Pilih tujuan impor: organisasi baru atau ganti yang ada.".into()).await;
        }
    };
    let destination = match destination(&state, &current.user, replace).await {
        Ok(d) => d,
        Err(Error::Unprocessable { message, .. }) => return refuse(message).await,
        Err(other) => return Err(other),
    };
    let fallback = std::path::Path::new(&file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_owned())
        .filter(|s| !s.is_empty() && uploaded_file)
        .unwrap_or_else(|| "Organisasi hasil impor".into());
    let reading = read(bytes, fallback, &destination, Some(values.name.clone())).await?;
    let report = &reading.report;
    if report.format == Format::Text && report.tree.is_none() {
        // Nothing could be read: not UTF-8, or empty.
        let why = report.problems.join(" ");
        return refuse(format!("'{file_name}' tidak dapat diimpor: {why}")).await;
    }
    let blocker = blocker(&state, &reading, &destination).await?;
    let preview = Preview::build(
        &file_name,
        &destination,
        reading.organisation.as_ref(),
        report,
        blocker,
    );
    let token = random_token()?;
    state.imports.insert(
        token.clone(),
        &current.user,
        session_id,
        Pending {
            destination,
            organisation: reading.organisation,
            preview,
        },
    );
    Ok(Redirect::to(&format!("/impor/{token}")).into_response())
}

// Shared with the JSON API (`api_admin`): who may import where, reading, what blocks a write,
// and the write itself.

/// Where an import goes, checked for `user`: a new organisation when `replace` is `None`
/// (admin only), else replacing organisation `replace` (`EditTree` on it; 422 when it does not
/// exist).
pub(crate) async fn destination(
    state: &AppState,
    user: &User,
    replace: Option<i64>,
) -> Result<Destination, Error> {
    let destination = match replace {
        None => Destination::New,
        Some(id) => {
            can(user, Action::EditTree, Target::Org(id))?;
            let summary = state
                .store
                .organisations()
                .await?
                .into_iter()
                .find(|o| o.id == id);
            let Some(summary) = summary else {
                return Err(Error::unprocessable(format!(
                    "Organisasi dengan id {id} tidak ada."
                )));
            };
            Destination::Replace {
                id,
                name: summary.name,
            }
        }
    };
    allowed(user, &destination)?;
    Ok(destination)
}

/// Reads `bytes` with [`pokin_import::read_any`] (off the async threads): a new organisation is
/// named `name` when given, a replaced one keeps its name.
pub(crate) async fn read(
    bytes: Vec<u8>,
    fallback: String,
    destination: &Destination,
    name: Option<String>,
) -> Result<pokin_import::Reading, Error> {
    let name = match destination {
        Destination::New => name.filter(|n| !n.is_empty()),
        Destination::Replace { name, .. } => Some(name.clone()),
    };
    // Control characters (NUL, escape…) are in no pohon kinerja or YAML, cannot be stored
    // (PostgreSQL refuses NUL) and would slip through the parsers as part of a name.
    if let Some(line) = control_line(&bytes) {
        return Err(Error::field(
            "berkas",
            format!(
                "Berkas berisi karakter kendali (misalnya NUL) di baris {line}, sehingga bukan \
                 teks pohon kinerja atau YAML. Simpan ulang sebagai teks biasa (UTF-8) lalu \
                 unggah lagi."
            ),
        ));
    }
    if name
        .as_deref()
        .is_some_and(|n| n.chars().any(|c| c.is_control()))
    {
        return Err(Error::field(
            "nama",
            "Nama organisasi berisi karakter kendali (misalnya NUL). Ketik ulang namanya lalu \
             kirim lagi.",
        ));
    }
    tokio::task::spawn_blocking(move || {
        pokin_import::read_any(&bytes, &fallback, name.as_deref(), || {
            SPELLER.get_or_init(Speller::load_system).as_ref()
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("berkas tidak dapat dibaca ({e}).")))
}

/// The line (from 1) of the first control character other than tab and line breaks.
fn control_line(bytes: &[u8]) -> Option<usize> {
    let at = bytes
        .iter()
        .position(|b| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0x7F)?;
    Some(bytes[..at].iter().filter(|b| **b == b'\n').count() + 1)
}

/// What stops an importable file from being written: a new organisation's name already taken.
pub(crate) async fn blocker(
    state: &AppState,
    reading: &pokin_import::Reading,
    destination: &Destination,
) -> Result<Option<String>, Error> {
    Ok(match (&reading.organisation, destination) {
        (Some(org), Destination::New) => state
            .store
            .organisation_by_name(&org.name)
            .await?
            .map(|_| name_taken(&org.name)),
        _ => None,
    })
}

fn name_taken(name: &str) -> String {
    format!(
        "Organisasi bernama '{name}' sudah ada. Unggah lagi dengan nama lain, atau pilih \
         \"Ganti organisasi yang ada\" untuk mengganti pohon kinerjanya."
    )
}

// ---------------------------------------------------------------------------------------------
// The preview.

struct IndicatorView {
    code: String,
    name: String,
    iku: bool,
    satuan: Option<String>,
    polarity: Option<&'static str>,
}

struct ObjectiveView {
    code: String,
    statement: String,
    supports: Vec<String>,
    indicators: Vec<IndicatorView>,
}

struct UnitView {
    depth: usize,
    key: String,
    name: String,
    kind: &'static str,
    parent: Option<String>,
    indicators: usize,
    objectives: Vec<ObjectiveView>,
}

struct DiagnosticView {
    severity: Severity,
    label: &'static str,
    class: &'static str,
    code: String,
    message: String,
}

/// One source line with what was said about it.
struct LineView {
    number: usize,
    text: String,
    class: &'static str,
    diagnostics: Vec<DiagnosticView>,
}

/// Everything the preview page shows, computed once at upload.
struct Preview {
    file_name: String,
    format: &'static str,
    destination: String,
    org_name: Option<String>,
    units: Vec<UnitView>,
    objectives: usize,
    indicators: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    lines: Vec<LineView>,
    problems: Vec<String>,
    blocker: Option<String>,
}

fn class(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warn",
        _ => "err",
    }
}

/// Indices of `units` (key, parent) in tree order with their depth; units whose parent is
/// missing become roots, and a cycle cannot loop.
fn tree_order(units: &[(String, Option<String>)]) -> Vec<(usize, usize)> {
    let keys: HashSet<&str> = units.iter().map(|(k, _)| k.as_str()).collect();
    let mut seen = vec![false; units.len()];
    let mut out = Vec::new();
    fn walk(
        units: &[(String, Option<String>)],
        parent: &str,
        depth: usize,
        seen: &mut [bool],
        out: &mut Vec<(usize, usize)>,
    ) {
        for (i, (key, p)) in units.iter().enumerate() {
            if !seen[i] && p.as_deref() == Some(parent) {
                seen[i] = true;
                out.push((i, depth));
                walk(units, key, depth + 1, seen, out);
            }
        }
    }
    for (i, (key, parent)) in units.iter().enumerate() {
        let root = parent.as_deref().is_none_or(|p| !keys.contains(p));
        if root && !seen[i] {
            seen[i] = true;
            out.push((i, 0));
            walk(units, key, 1, &mut seen, &mut out);
        }
    }
    for (i, s) in seen.iter().enumerate() {
        if !s {
            out.push((i, 0));
        }
    }
    out
}

/// A unit as the preview needs it, whichever way it was read.
struct RawUnit {
    key: String,
    name: String,
    kind: UnitKind,
    parent: Option<String>,
    objectives: Vec<ObjectiveView>,
}

fn units_view(raw: Vec<RawUnit>) -> Vec<UnitView> {
    let pairs: Vec<(String, Option<String>)> = raw
        .iter()
        .map(|u| (u.key.clone(), u.parent.clone()))
        .collect();
    let names: HashMap<String, String> = raw
        .iter()
        .map(|u| (u.key.clone(), u.name.clone()))
        .collect();
    let mut raw: Vec<Option<RawUnit>> = raw.into_iter().map(Some).collect();
    tree_order(&pairs)
        .into_iter()
        .filter_map(|(i, depth)| {
            let u = raw[i].take()?;
            Some(UnitView {
                depth,
                parent: u
                    .parent
                    .as_ref()
                    .map(|p| names.get(p).cloned().unwrap_or_else(|| p.clone())),
                key: u.key,
                name: u.name,
                kind: u.kind.label(),
                indicators: u.objectives.iter().map(|o| o.indicators.len()).sum(),
                objectives: u.objectives,
            })
        })
        .collect()
}

fn from_organisation(org: &Organisation) -> Vec<RawUnit> {
    org.units
        .iter()
        .map(|u| RawUnit {
            key: u.key.to_string(),
            name: u.name.clone(),
            kind: u.kind,
            parent: u.parent.as_ref().map(ToString::to_string),
            objectives: u
                .objectives
                .iter()
                .map(|o| ObjectiveView {
                    code: o.code.to_string(),
                    statement: o.statement.clone(),
                    supports: o
                        .supports
                        .iter()
                        .map(|s| format!("{} {}", s.unit, s.objective))
                        .collect(),
                    indicators: o
                        .indicators
                        .iter()
                        .map(|i| IndicatorView {
                            code: i.code.to_string(),
                            name: i.name.clone(),
                            iku: i.iku,
                            satuan: i.satuan.clone(),
                            polarity: i.polarity.map(|p| p.label()),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

fn from_parsed(tree: &pokin_import::text::ParsedTree) -> Vec<RawUnit> {
    tree.units
        .iter()
        .map(|u| RawUnit {
            key: u.key.to_string(),
            name: u.name.clone(),
            kind: u.kind,
            parent: u.parent.as_ref().map(ToString::to_string),
            objectives: u
                .objectives
                .iter()
                .map(|o| ObjectiveView {
                    code: o.code.to_string(),
                    statement: o.statement.clone(),
                    supports: o
                        .supports
                        .iter()
                        .map(|(unit, code)| format!("{unit} {code}"))
                        .collect(),
                    indicators: o
                        .indicators
                        .iter()
                        .map(|i| IndicatorView {
                            code: i.code.to_string(),
                            name: i.name.clone(),
                            iku: i.iku,
                            satuan: i.satuan.clone(),
                            polarity: i.polarity.map(|p| p.label()),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

impl Preview {
    fn build(
        file_name: &str,
        destination: &Destination,
        org: Option<&Organisation>,
        report: &ImportReport,
        blocker: Option<String>,
    ) -> Preview {
        let raw = match (org, &report.tree) {
            (Some(org), _) => from_organisation(org),
            (None, Some(tree)) => from_parsed(tree),
            (None, None) => Vec::new(),
        };
        let units = units_view(raw);
        let objectives = units.iter().map(|u| u.objectives.len()).sum();
        let indicators = units.iter().map(|u| u.indicators).sum();
        let source: Vec<&str> = report.source.lines().collect();
        let mut lines: Vec<LineView> = Vec::new();
        for d in &report.diagnostics {
            let view = DiagnosticView {
                severity: d.severity,
                label: d.severity.label(),
                class: class(d.severity),
                code: d.code.clone(),
                message: d.message.clone(),
            };
            match lines.last_mut() {
                Some(l) if l.number == d.line => l.diagnostics.push(view),
                _ => lines.push(LineView {
                    number: d.line,
                    text: d
                        .line
                        .checked_sub(1)
                        .and_then(|i| source.get(i))
                        .map_or_else(String::new, |t| (*t).to_owned()),
                    class: "",
                    diagnostics: vec![view],
                }),
            }
        }
        for l in &mut lines {
            let worst = l.diagnostics.iter().map(|d| d.severity).max();
            l.class = worst.map_or("info", class);
        }
        Preview {
            file_name: file_name.to_owned(),
            format: match report.format {
                Format::Text => "teks pohon kinerja",
                Format::Yaml => "YAML kanonik",
            },
            destination: match destination {
                Destination::New => "organisasi baru".into(),
                Destination::Replace { name, .. } => {
                    format!("mengganti pohon kinerja '{name}'")
                }
            },
            org_name: org.map(|o| o.name.clone()),
            units,
            objectives,
            indicators,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            lines,
            problems: report.problems.clone(),
            blocker,
        }
    }
}

/// The severity filter of the diagnostics list.
#[derive(Debug, Default, Deserialize)]
pub struct FilterQuery {
    #[serde(default)]
    tampil: String,
}

/// One tab of the filter.
struct FilterTab {
    value: &'static str,
    label: &'static str,
    count: usize,
    current: bool,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage<'a> {
    layout: Layout,
    token: &'a str,
    p: &'a Preview,
    can_confirm: bool,
    /// Why confirmation is not possible, when it is not.
    why_not: Option<String>,
    /// A refusal from the last confirmation attempt.
    error: Option<String>,
    tabs: Vec<FilterTab>,
    lines: Vec<(&'a LineView, Vec<&'a DiagnosticView>)>,
    filter_label: &'static str,
}

fn render_preview(
    current: &CurrentUser,
    token: &str,
    pending: &Pending,
    filter: &str,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, Error> {
    let p = &pending.preview;
    let wanted = |s: Severity| match filter {
        "kesalahan" => s == Severity::Error,
        "peringatan" => s == Severity::Warning,
        "info" => s == Severity::Info,
        "semua" => true,
        _ => s != Severity::Info,
    };
    let filter = match filter {
        "kesalahan" | "peringatan" | "info" | "semua" => filter,
        _ => "",
    };
    let lines = p
        .lines
        .iter()
        .map(|l| {
            let shown: Vec<&DiagnosticView> = l
                .diagnostics
                .iter()
                .filter(|d| wanted(d.severity))
                .collect();
            (l, shown)
        })
        .filter(|(_, shown)| !shown.is_empty())
        .collect();
    let tab = |value: &'static str, label: &'static str, count: usize| FilterTab {
        value,
        label,
        count,
        current: filter == value,
    };
    let tabs = vec![
        tab("", "Kesalahan dan peringatan", p.errors + p.warnings),
        tab("kesalahan", "Kesalahan", p.errors),
        tab("peringatan", "Peringatan", p.warnings),
        tab("info", "Info", p.infos),
        tab("semua", "Semua", p.errors + p.warnings + p.infos),
    ];
    let why_not = if pending.organisation.is_none() {
        let n = p.errors + p.problems.len();
        Some(format!(
            "Impor belum dapat dikonfirmasi: ada {n} kesalahan. Perbaiki berkasnya (lihat daftar \
             di bawah), lalu unggah lagi."
        ))
    } else {
        p.blocker.clone()
    };
    let page = PreviewPage {
        layout: Layout::for_user(current, "Pratinjau impor", "organisasi"),
        token,
        p,
        can_confirm: why_not.is_none(),
        why_not,
        error,
        tabs,
        lines,
        filter_label: match filter {
            "kesalahan" => "kesalahan",
            "peringatan" => "peringatan",
            "info" => "info",
            "semua" => "diagnosis",
            _ => "kesalahan atau peringatan",
        },
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /impor/{token}`: the preview.
pub async fn preview(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path(token): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Response, Error> {
    own_tree(&current.user)?;
    state.imports.with(
        &token,
        &current.user,
        session_id(&session)?,
        |pending: &Pending| {
            render_preview(&current, &token, pending, &q.tampil, StatusCode::OK, None)
        },
    )?
}

/// `POST /impor/{token}/konfirmasi`: imports exactly what was previewed, in one audited
/// transaction, and opens the organisation.
pub async fn confirm(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    own_tree(&current.user)?;
    // Taken out while it is imported, so two confirmations cannot both write.
    let taken = state
        .imports
        .take::<Pending>(&token, &current.user, session_id(&session)?)?;
    let pending = &taken.value;
    let result = import(&state, &current, pending).await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/organisasi/{id}#diimpor")).into_response()),
        Err(Error::Forbidden(why)) => {
            state.imports.put_back(token, taken);
            Err(Error::Forbidden(why))
        }
        Err(Error::Unprocessable { message, .. }) => {
            let page = render_preview(
                &current,
                &token,
                pending,
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
            );
            state.imports.put_back(token, taken);
            page
        }
        Err(other) => {
            state.imports.put_back(token, taken);
            Err(other)
        }
    }
}

async fn import(state: &AppState, current: &CurrentUser, pending: &Pending) -> Result<i64, Error> {
    write(
        state,
        &current.user,
        pending.organisation.as_ref(),
        &pending.destination,
    )
    .await
}

/// Writes `org` to `destination` in one audited transaction, after checking the permission
/// again and that nothing changed in the way (shared with the JSON API).
pub(crate) async fn write(
    state: &AppState,
    user: &User,
    org: Option<&Organisation>,
    destination: &Destination,
) -> Result<i64, Error> {
    allowed(user, destination)?;
    let Some(org) = org else {
        return Err(Error::unprocessable(
            "Impor ditolak: berkas ini masih berisi kesalahan, sehingga tidak ada yang disimpan. \
             Perbaiki berkasnya lalu unggah lagi.",
        ));
    };
    match destination {
        Destination::New => {
            if state.store.organisation_by_name(&org.name).await?.is_some() {
                return Err(Error::unprocessable(name_taken(&org.name)));
            }
        }
        Destination::Replace { id, name } => {
            let now = state
                .store
                .organisations()
                .await?
                .into_iter()
                .find(|o| o.id == *id);
            if now.is_none_or(|o| &o.name != name) {
                return Err(Error::unprocessable(format!(
                    "Organisasi '{name}' sudah dihapus atau berganti nama sejak pratinjau dibuat; \
                     tidak ada yang disimpan. Unggah berkasnya lagi."
                )));
            }
        }
    }
    Ok(state
        .store
        .import_organisation(&user.username, org, destination.mode())
        .await?)
}

/// `POST /impor/{token}/batal`: discards the preview.
pub async fn cancel(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(session): Extension<CurrentSession>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    own_tree(&current.user)?;
    state
        .imports
        .take::<Pending>(&token, &current.user, session_id(&session)?)?;
    Ok(Redirect::to("/impor").into_response())
}

#[cfg(test)]
mod tests {
    use super::tree_order;

    #[test]
    fn tree_order_puts_children_under_parents_and_survives_cycles() {
        let u = |k: &str, p: Option<&str>| (k.to_owned(), p.map(str::to_owned));
        let units = [
            u("seksi", Some("bidang")),
            u("kepala", None),
            u("bidang", Some("kepala")),
            u("yatim", Some("hilang")),
            u("a", Some("b")),
            u("b", Some("a")),
        ];
        assert_eq!(
            tree_order(&units),
            vec![(1, 0), (2, 1), (0, 2), (3, 0), (4, 0), (5, 0)]
        );
    }
}
