//! The web layer's one error type. Handlers return `Result<_, Error>` and use `?`; the error
//! renders as an Indonesian HTML page with the right status (403 says why, 422 lists the fields),
//! or as JSON through [`ApiError`] for `/api`.

use crate::views::{ErrorPage, render};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pokin_store::StoreError;
use serde::Serialize;

/// What went wrong, as the user sees it.
#[derive(Debug)]
pub enum Error {
    /// No valid session: pages redirect to the login page, the API answers 401.
    Unauthenticated,
    /// Logged in, but not allowed; the reason is shown.
    Forbidden(String),
    NotFound(String),
    /// The input cannot be accepted; `fields` pairs a field name with what is wrong with it.
    Unprocessable {
        message: String,
        fields: Vec<(String, String)>,
    },
    /// Too many failed logins.
    TooManyRequests(String),
    /// Realisation workflow: the step does not fit the current state (a locked period, a
    /// realisation already submitted…); nothing changed (409).
    Conflict(String),
    /// Realisation workflow: an upload larger than allowed (413).
    TooLarge(String),
    /// A failure that is not the user's: a database error, a template bug.
    Internal(String),
}

impl Error {
    pub fn forbidden(reason: impl Into<String>) -> Error {
        Error::Forbidden(reason.into())
    }

    pub fn not_found(what: impl Into<String>) -> Error {
        Error::NotFound(what.into())
    }

    pub fn unprocessable(message: impl Into<String>) -> Error {
        Error::Unprocessable {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Error {
        let message = message.into();
        Error::Unprocessable {
            message: message.clone(),
            fields: vec![(field.to_owned(), message)],
        }
    }

    /// A refusal of several fields; the message is theirs, joined.
    pub fn fields(fields: Vec<(String, String)>) -> Error {
        let message = fields
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Error::Unprocessable { message, fields }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The heading and the explanation shown to the user.
    fn text(&self) -> (&'static str, String) {
        match self {
            Error::Unauthenticated => (
                "Perlu masuk",
                "Silakan masuk dengan akun Anda untuk membuka halaman ini.".into(),
            ),
            Error::Forbidden(why) => ("Akses ditolak", why.clone()),
            Error::NotFound(what) => ("Tidak ditemukan", what.clone()),
            Error::Unprocessable { message, .. } => ("Data tidak dapat diterima", message.clone()),
            Error::TooManyRequests(why) => ("Terlalu banyak percobaan", why.clone()),
            Error::Conflict(why) => ("Langkah tidak dapat dilakukan", why.clone()),
            Error::TooLarge(why) => ("Berkas terlalu besar", why.clone()),
            Error::Internal(why) => (
                "Terjadi kesalahan",
                format!("{why} Bila terus terjadi, hubungi pengelola aplikasi."),
            ),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => Error::NotFound(m),
            StoreError::Conflict(m) | StoreError::Invalid(m) => Error::unprocessable(m),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for Error {
    fn from(e: askama::Error) -> Self {
        Error::Internal(format!("halaman tidak dapat disusun ({e})."))
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Unauthenticated = self {
            return Redirect::to("/masuk").into_response();
        }
        let status = self.status();
        let (title, message) = self.text();
        let fields = match self {
            Error::Unprocessable { fields, .. } => fields,
            _ => Vec::new(),
        };
        let page = ErrorPage {
            layout: crate::views::Layout::bare(title),
            status: status.as_u16(),
            title,
            message,
            fields,
        };
        match render(&page) {
            Ok(html) => (status, html).into_response(),
            Err(_) => (status, format!("{title}: {}", page.message)).into_response(),
        }
    }
}

/// An [`Error`] answered as JSON: `{"error": "...", "message": "...", "fields": {...}}`.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError(e.into())
    }
}

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// A stable code: `unauthenticated`, `forbidden`, `not_found`, `unprocessable`,
    /// `too_many_requests`, `conflict`, `too_large`, `internal`.
    pub error: &'static str,
    /// What is wrong, in Indonesian.
    pub message: String,
    /// Field name → what is wrong with it.
    pub fields: std::collections::BTreeMap<String, String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let code = match &self.0 {
            Error::Unauthenticated => "unauthenticated",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Unprocessable { .. } => "unprocessable",
            Error::TooManyRequests(_) => "too_many_requests",
            Error::Conflict(_) => "conflict",
            Error::TooLarge(_) => "too_large",
            Error::Internal(_) => "internal",
        };
        let (_, message) = self.0.text();
        let message = match &self.0 {
            Error::Unauthenticated => "Sertakan header 'Authorization: Bearer TOKEN' dengan token \
                 yang sah (buat dengan `pokin user token NAMA`)."
                .to_owned(),
            _ => message,
        };
        let fields = match self.0 {
            Error::Unprocessable { fields, .. } => fields.into_iter().collect(),
            _ => Default::default(),
        };
        let mut response = (
            status,
            Json(ApiErrorBody {
                error: code,
                message,
                fields,
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Turns axum's own rejections (a path, query or form that does not parse: plain English text
/// with status 400, 415 or 422) into Indonesian errors — an HTML page, or JSON under `/api` — so
/// no handler has to wrap its extractors. Responses built by [`Error`] are left alone.
pub async fn localise_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    let plain_text = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let rejected = matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::PAYLOAD_TOO_LARGE
    );
    if !(plain_text && rejected) {
        return response;
    }
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "Data yang dikirim terlalu besar."
    } else {
        "Alamat atau isian tidak sah: ada nilai yang tidak dapat dibaca (misalnya huruf di tempat \
         angka). Periksa tautan atau isian lalu coba lagi."
    };
    let error = Error::unprocessable(message);
    let mut out = if api {
        ApiError(error).into_response()
    } else {
        error.into_response()
    };
    *out.status_mut() = status;
    out
}

/// The value of an API request's JSON body, or its rejection in Indonesian
/// ([`json_rejection`]): handlers take `Result<Json<T>, JsonRejection>` and call this.
pub(crate) fn json_body<T>(
    b: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    b.map(|axum::Json(t)| t)
        .map_err(|e| ApiError(json_rejection(&e)))
}

/// A JSON body that could not be read, in Indonesian (axum's own text is English and names
/// Rust types). Too large is 413; everything else is 422 with what to do.
pub fn json_rejection(e: &axum::extract::rejection::JsonRejection) -> Error {
    use axum::extract::rejection::JsonRejection as R;
    match e {
        R::JsonDataError(_) => Error::unprocessable(
            "Isi JSON tidak sesuai: ada nilai dengan jenis yang salah (misalnya teks atau objek \
             di tempat angka, atau angka di luar jangkauan). Periksa isiannya dengan contoh di \
             /api/docs lalu kirim lagi.",
        ),
        R::JsonSyntaxError(_) => Error::unprocessable(
            "Isi permintaan bukan JSON yang sah (misalnya tanda kutip atau kurung yang tidak \
             tertutup, teks yang bukan UTF-8, atau susunan yang terlalu dalam). Perbaiki lalu \
             kirim lagi.",
        ),
        R::MissingJsonContentType(_) => Error::unprocessable(
            "Kirim isi permintaan sebagai JSON dengan header 'Content-Type: application/json'.",
        ),
        _ if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Error::TooLarge("Isi permintaan terlalu besar. Kirim data yang lebih kecil.".into())
        }
        _ => Error::unprocessable(
            "Isi permintaan tidak dapat dibaca. Periksa isinya lalu kirim lagi.",
        ),
    }
}

/// The media type of a request's `Content-Type` (lower case, without parameters), if any.
pub fn media_type(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// The largest form or JSON body [`refuse_unreadable_text`] reads: the largest any route
/// accepts (an import of 2 MB sent as JSON), with room for the envelope.
const TEXT_BODY_LIMIT: usize = 2 * 1024 * 1024 + 64 * 1024;

/// Refuses a form (`application/x-www-form-urlencoded`) or JSON body whose text is not UTF-8
/// or holds control characters (NUL, escape…; tab and line breaks are fine): such text cannot
/// be stored (PostgreSQL refuses NUL) nor shown, and would otherwise be replaced silently.
/// Bodies of other types (uploads, plain-text imports) are left to their handlers.
pub async fn refuse_unreadable_text(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let content_type = media_type(req.headers()).unwrap_or_default();
    let form = content_type == "application/x-www-form-urlencoded";
    let json = content_type == "application/json" || content_type.ends_with("+json");
    if !(form || json) {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let respond = |e: Error| {
        if api {
            ApiError(e).into_response()
        } else {
            e.into_response()
        }
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, TEXT_BODY_LIMIT).await else {
        return respond(Error::TooLarge(
            "Isi permintaan terlalu besar. Kirim data yang lebih kecil.".into(),
        ));
    };
    let problem = if form {
        form_text_problem(&bytes)
    } else {
        // What does not parse is left to the handler, which says so.
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| json_text_problem(&v, ""))
    };
    if let Some((field, why)) = problem {
        let shown = if !field.is_empty()
            && field.len() <= 40
            && field
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            format!("Isian '{field}'")
        } else {
            "Salah satu isian".to_owned()
        };
        let message = format!("{shown} {why}");
        return respond(Error::Unprocessable {
            message: message.clone(),
            fields: vec![(field, message)],
        });
    }
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// The longest text one field of a form or JSON body may hold (the longest field the
/// application has, a realisation's narrative, allows 10 000 characters).
const MAX_FIELD_BYTES: usize = 64 * 1024;

const TOO_LONG: &str = "terlalu panjang (lebih dari 64 KB). Persingkat isinya lalu kirim lagi.";

const NOT_UTF8: &str = "bukan teks yang sah (bukan UTF-8). Ketik ulang isinya, jangan menempel \
     dari berkas biner, lalu kirim lagi.";
const CONTROL: &str = "berisi karakter kendali (misalnya NUL atau escape) yang tidak boleh ada \
     dalam teks. Hapus karakter itu lalu kirim lagi.";

fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The first field of a form body that is not UTF-8 or holds a control character.
fn form_text_problem(body: &[u8]) -> Option<(String, &'static str)> {
    for pair in body.split(|b| *b == b'&') {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let key = percent_decode(kv.next().unwrap_or_default());
        let value = percent_decode(kv.next().unwrap_or_default());
        let name = String::from_utf8_lossy(&key).into_owned();
        for part in [&key, &value] {
            if part.len() > MAX_FIELD_BYTES {
                return Some((name, TOO_LONG));
            }
            match std::str::from_utf8(part) {
                Err(_) => return Some((name, NOT_UTF8)),
                Ok(s) if s.chars().any(is_forbidden_control) => return Some((name, CONTROL)),
                Ok(_) => {}
            }
        }
    }
    None
}

/// `application/x-www-form-urlencoded` decoding to bytes (`+` is a space).
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The first string (or key) of a JSON value that holds a control character, with its path.
fn json_text_problem(v: &serde_json::Value, path: &str) -> Option<(String, &'static str)> {
    use serde_json::Value;
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::String(s) if s.len() > MAX_FIELD_BYTES => Some((path.to_owned(), TOO_LONG)),
        Value::String(s) if s.chars().any(is_forbidden_control) => Some((path.to_owned(), CONTROL)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| json_text_problem(x, &join(&i.to_string()))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.chars().any(is_forbidden_control) {
                Some((String::new(), CONTROL))
            } else {
                json_text_problem(x, &join(k))
            }
        }),
        _ => None,
    }
}

/// Runs the handler as its own task so that a panic in it (a bug) answers 500 with an Indonesian
/// page (JSON under `/api`) instead of dropping the connection. Nothing is half-written: the
/// panicking handler's open transaction is dropped, which rolls it back. As a task, a handler
/// also finishes its work when the client goes away mid-request.
pub async fn contain_panics(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    match tokio::spawn(next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            let e = Error::Internal(
                "Permintaan ini terhenti karena kesalahan program di server; tidak ada perubahan \
                 yang tersimpan sebagian."
                    .into(),
            );
            if api {
                ApiError(e).into_response()
            } else {
                e.into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::contain_panics;
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    async fn answer(path: &str) -> (StatusCode, String) {
        async fn boom() -> &'static str {
            panic!("a bug in a handler")
        }
        let app = Router::new()
            .route("/halaman", get(boom))
            .route("/api/v1/x", get(boom))
            .route("/baik", get(|| async { "baik" }))
            .layer(axum::middleware::from_fn(contain_panics));
        let r = app
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = r.status();
        let body = to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_indonesian() {
        let (status, body) = answer("/halaman").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("Terjadi kesalahan"), "{body}");
        assert!(body.contains("<html"), "{body}");
        let (status, body) = answer("/api/v1/x").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("\"error\":\"internal\""), "{body}");
        assert_eq!(answer("/baik").await, (StatusCode::OK, "baik".into()));
    }
}
