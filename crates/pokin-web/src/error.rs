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
