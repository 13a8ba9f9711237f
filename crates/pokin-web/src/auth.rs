//! Sessions, CSRF, login throttling and the extractors that give handlers the current user.
//!
//! - The session cookie (`pokin_sesi`) holds a random secret; the store keeps only its hash.
//!   It is `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` when [`crate::Config`] says so.
//!   Every login makes a new session (no fixation); logout and a password change end it.
//! - **CSRF**: [`session_layer`] refuses every POST/PUT/PATCH/DELETE outside `/api` whose token
//!   (form field `_csrf` or header `X-CSRF-Token`, which our JS adds to htmx requests) does not
//!   equal the session's token. The login form, before any session exists, uses a
//!   double-submit cookie (`pokin_pra`). The refusal is a 403 page that says why.
//! - **Uploads** (`multipart/form-data`, the import page): the body is not read here — it is
//!   streamed to the handler, which applies its own size limit — so the token comes from the
//!   `X-CSRF-Token` header or, for a plain HTML form, from the `_csrf` query parameter of the
//!   form's `action` (`/impor?_csrf=…`). Only multipart requests may carry it in the query; the
//!   check is the same (equal to the session's token), so the rule "every state-changing
//!   request carries the session's CSRF token" holds for uploads too. The query token is only
//!   ever sent to this origin (`Referrer-Policy: same-origin`), and the upload answers with a
//!   redirect, so the address stays out of the history.
//! - **Throttling** is kept in memory (per process, lost on restart): at most
//!   `max_failed_logins` failures per user name and client address within `throttle_window`;
//!   further attempts get a 429 page until the window has passed.
//! - The API authenticates with `Authorization: Bearer TOKEN` only ([`ApiUser`]); it needs no
//!   CSRF token because browsers never send that header by themselves.

use crate::{AppState, Error};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pokin_store::{Session, User};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

pub const SESSION_COOKIE: &str = "pokin_sesi";
pub const LOGIN_CSRF_COOKIE: &str = "pokin_pra";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Forms bigger than this are refused (imports, later, will use their own limit).
const FORM_LIMIT: usize = 1024 * 1024;

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with Pokin's attributes; `max_age` 0 deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// 32 random bytes as hex, for the login form's CSRF token.
pub fn random_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("bilangan acak tidak tersedia ({e}).")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Constant-time comparison of two tokens.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The session of the request, if it has a valid one; put in the request's extensions by
/// [`session_layer`].
#[derive(Clone, Debug)]
pub struct CurrentSession(pub Option<Session>);

/// Loads the session from its cookie and refuses state-changing requests without the right
/// CSRF token; see the module docs.
pub async fn session_layer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let session = match cookie(&parts.headers, SESSION_COOKIE) {
        Some(secret) => match state.store.session(secret).await {
            Ok(s) => s,
            Err(e) => return Error::from(e).into_response(),
        },
        None => None,
    };
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let api = parts.uri.path().starts_with("/api/");
    // Uploads: multipart bodies are left to the handler (see the module docs).
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let body = if unsafe_method && !api {
        let (bytes, body) = if multipart {
            (None, body)
        } else {
            match to_bytes(body, FORM_LIMIT).await {
                // `Bytes` clones share the buffer.
                Ok(b) => (Some(b.clone()), Body::from(b)),
                Err(_) => {
                    return Error::unprocessable("Isian formulir terlalu besar.").into_response();
                }
            }
        };
        let expected = match &session {
            Some(s) => Some(s.csrf_token.clone()),
            None if parts.uri.path() == "/masuk" => {
                cookie(&parts.headers, LOGIN_CSRF_COOKIE).map(str::to_owned)
            }
            None => None,
        };
        let given = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                let fields = match &bytes {
                    Some(b) => b.as_ref(),
                    None => parts.uri.query().unwrap_or("").as_bytes(),
                };
                form_urlencoded::parse(fields)
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v.into_owned())
            });
        let refusal = match (expected, given) {
            (None, _) if session.is_none() && parts.uri.path() != "/masuk" => Some(
                "Sesi Anda sudah berakhir atau Anda belum masuk, sehingga permintaan ini tidak \
                 dapat diproses. Silakan masuk lagi lalu ulangi.",
            ),
            (None, _) => Some(
                "Token keamanan formulir masuk tidak ada (cookie diblokir?). Muat ulang halaman \
                 masuk lalu coba lagi.",
            ),
            (Some(_), None) => Some(
                "Permintaan ditolak karena token keamanan (CSRF) tidak disertakan. Muat ulang \
                 halaman lalu kirim formulir dari halaman Pokin.",
            ),
            (Some(e), Some(g)) if !same(&e, &g) => Some(
                "Permintaan ditolak karena token keamanan (CSRF) tidak cocok — formulir mungkin \
                 sudah kedaluwarsa atau dikirim dari situs lain. Muat ulang halaman lalu coba \
                 lagi.",
            ),
            _ => None,
        };
        if let Some(why) = refusal {
            return Error::forbidden(why).into_response();
        }
        body
    } else {
        body
    };
    parts.extensions.insert(CurrentSession(session));
    next.run(Request::from_parts(parts, body)).await
}

/// A logged-in user with a valid session, for pages. Without one, the page redirects to the
/// login page. A user who must change the password is sent to that page first.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    pub csrf_token: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let session = parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|s| s.0.clone());
        let Some(session) = session else {
            let next = parts.uri.path();
            let to = if next == "/" {
                "/masuk".to_owned()
            } else {
                format!("/masuk?lanjut={}", encode(next))
            };
            return Err(axum::response::Redirect::to(&to).into_response());
        };
        let path = parts.uri.path();
        if session.user.must_change_password && path != "/akun/sandi" && path != "/keluar" {
            return Err(axum::response::Redirect::to("/akun/sandi").into_response());
        }
        Ok(CurrentUser {
            user: session.user,
            csrf_token: session.csrf_token,
        })
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The user of an API request, from its bearer token. Without a valid token: 401 (JSON).
#[derive(Clone, Debug)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Error::Unauthenticated)?;
        match state.store.user_for_api_token(token).await? {
            Some(user) => Ok(ApiUser(user)),
            None => Err(Error::Unauthenticated.into()),
        }
    }
}

/// The client's address as the throttle sees it (the TCP peer; `-` in in-process tests).
pub fn client_address(parts_extensions: &axum::http::Extensions) -> String {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_owned(), |c| c.0.ip().to_string())
}

/// Failed logins per (user name, address), in memory.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<(String, String), Vec<Instant>>>,
}

impl Throttle {
    /// Whether another attempt is allowed now.
    pub fn allowed(&self, key: &(String, String), max: usize, window: std::time::Duration) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let entry = map.entry(key.clone()).or_default();
        entry.retain(|t| now.duration_since(*t) < window);
        let ok = entry.len() < max;
        if entry.is_empty() {
            map.remove(key);
        }
        ok
    }

    pub fn fail(&self, key: (String, String)) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_default().push(Instant::now());
    }

    pub fn clear(&self, key: &(String, String)) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}
