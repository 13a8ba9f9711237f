//! Login, logout and changing one's own password.

use crate::auth::{
    self, CurrentSession, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_address, cookie,
    set_cookie,
};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pokin_store::{MIN_PASSWORD_LEN, User};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    token: String,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    lanjut: Option<String>,
}

/// Only a path on this site may follow a login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn login_page(status: StatusCode, username: &str, next: &str, error: Option<String>) -> Response {
    let token = match auth::random_token() {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let page = LoginPage {
        layout: Layout::bare("Masuk"),
        token: token.clone(),
        username: username.to_owned(),
        next: next.to_owned(),
        error,
    };
    match render(&page) {
        Ok(html) => (
            status,
            [(
                header::SET_COOKIE,
                set_cookie(LOGIN_CSRF_COOKIE, &token, 3600, false),
            )],
            html,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /masuk`.
pub async fn login_form(
    session: axum::Extension<CurrentSession>,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.lanjut.as_deref());
    if session.0.0.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_page(StatusCode::OK, "", &next, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    lanjut: Option<String>,
}

/// `POST /masuk`: checks the throttle and the password, then opens a new session.
pub async fn login(
    State(state): State<AppState>,
    request_parts: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let username = form.username.trim().to_lowercase();
    let next = safe_next(form.lanjut.as_deref());
    let key = (username.clone(), client_address(&request_parts));
    let cfg = &state.config;
    if !state
        .throttle
        .allowed(&key, cfg.max_failed_logins, cfg.throttle_window)
    {
        return Error::TooManyRequests(format!(
            "Terlalu banyak percobaan masuk yang gagal untuk akun '{username}' dari alamat ini. \
             Tunggu {} menit lalu coba lagi, atau minta Administrator mengatur ulang sandi Anda.",
            cfg.throttle_window.as_secs().div_ceil(60)
        ))
        .into_response();
    }
    let user = match state.store.verify_password(&username, &form.password).await {
        Ok(u) => u,
        Err(e) => return Error::from(e).into_response(),
    };
    let Some(user) = user else {
        state.throttle.fail(key);
        return login_page(
            StatusCode::UNAUTHORIZED,
            &username,
            &next,
            Some("Nama pengguna atau sandi salah, atau akun dinonaktifkan.".into()),
        );
    };
    state.throttle.clear(&key);
    let next = if user.must_change_password {
        "/akun/sandi".to_owned()
    } else {
        next
    };
    match start_session(&state, &user, &next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Opens a new session for `user` and redirects to `to` with its cookie.
async fn start_session(state: &AppState, user: &User, to: &str) -> Result<Response, Error> {
    let s = state
        .store
        .open_session(user, state.config.session_ttl)
        .await?;
    let max_age = (s.expires_at - chrono::Utc::now()).num_seconds().max(0);
    let mut response = Redirect::to(to).into_response();
    let headers = response.headers_mut();
    for c in [
        set_cookie(
            SESSION_COOKIE,
            &s.secret,
            max_age,
            state.config.secure_cookies,
        ),
        set_cookie(LOGIN_CSRF_COOKIE, "", 0, false),
    ] {
        if let Ok(v) = c.parse() {
            headers.append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

/// `POST /keluar`: ends the session.
pub async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
) -> Result<Response, Error> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state
            .store
            .close_session(&current.user.username, secret)
            .await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
        )],
        Redirect::to("/masuk"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    must_change: bool,
    min_len: usize,
    errors: Vec<(String, String)>,
}

impl PasswordPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// `GET /akun/sandi`.
pub async fn password_form(current: CurrentUser) -> Result<Response, Error> {
    let page = PasswordPage {
        must_change: current.user.must_change_password,
        layout: Layout::for_user(&current, "Ganti sandi", "akun"),
        min_len: MIN_PASSWORD_LEN,
        errors: Vec::new(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /akun/sandi`: checks the old password, sets the new one (which ends every session of
/// the user) and opens a fresh session.
pub async fn change_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Error> {
    let user = &current.user;
    let mut errors = Vec::new();
    if state
        .store
        .verify_password(&user.username, &form.old)
        .await?
        .is_none()
    {
        errors.push(("old".to_owned(), "Sandi lama salah.".to_owned()));
    }
    if let Err(e) = pokin_store::check_password(&form.new) {
        errors.push(("new".to_owned(), capitalise(&e.to_string())));
    } else if form.new == form.old {
        errors.push((
            "new".to_owned(),
            "Sandi baru harus berbeda dari sandi lama.".to_owned(),
        ));
    }
    if form.new != form.confirm {
        errors.push((
            "confirm".to_owned(),
            "Ulangan sandi tidak sama dengan sandi baru.".to_owned(),
        ));
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            must_change: user.must_change_password,
            layout: Layout::for_user(&current, "Ganti sandi", "akun"),
            min_len: MIN_PASSWORD_LEN,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    state
        .store
        .set_password(&user.username, user.id, &form.new, false)
        .await?;
    let mut fresh = user.clone();
    fresh.must_change_password = false;
    start_session(&state, &fresh, "/").await
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
