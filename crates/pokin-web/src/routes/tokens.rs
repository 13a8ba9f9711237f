//! API tokens of an account, for administrators: list (name, created, last used), create (the
//! secret is shown once, on the page that answers the creation, and never stored in clear) and
//! revoke. Everything goes through the store's audited token methods.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::routes::session::capitalise;
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use pokin_store::{StoreError, User};
use serde::Deserialize;

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: Option<String>,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    layout: Layout,
    user: User,
    tokens: Vec<TokenRow>,
    /// The token just made: shown this once.
    new_token: Option<(String, String)>,
    name: String,
    error: Option<String>,
}

fn when(t: DateTime<Utc>) -> String {
    format!(
        "{} {}",
        pokin_domain::format::date(t.date_naive()),
        t.format("%H:%M UTC")
    )
}

async fn user_or_404(state: &AppState, id: i64) -> Result<User, Error> {
    state
        .store
        .user(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Pengguna dengan id {id} tidak ada.")))
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    user: User,
    new_token: Option<(String, String)>,
    name: String,
    error: Option<String>,
) -> Result<Response, Error> {
    let tokens = state
        .store
        .api_tokens(user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: when(t.created_at),
            last_used: t.last_used_at.map(when),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = format!("Token API · {}", user.username);
    let page = TokensPage {
        layout: Layout::for_user(current, title, "pengguna"),
        user,
        tokens,
        new_token,
        name,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

fn admin(current: &CurrentUser) -> Result<(), Error> {
    Ok(can(&current.user, Action::ManageUsers, Target::System)?)
}

/// `GET /pengguna/{id}/token`.
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, Error> {
    admin(&current)?;
    let user = user_or_404(&state, id).await?;
    page(&state, &current, user, None, String::new(), None).await
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
}

/// `POST /pengguna/{id}/token`: makes a token and shows it once.
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NewToken>,
) -> Result<Response, Error> {
    admin(&current)?;
    let user = user_or_404(&state, id).await?;
    match state
        .store
        .create_api_token(&current.user.username, id, &form.name)
        .await
    {
        Ok(secret) => {
            let shown = Some((form.name.trim().to_owned(), secret));
            page(&state, &current, user, shown, String::new(), None).await
        }
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            page(
                &state,
                &current,
                user,
                None,
                form.name,
                Some(capitalise(&m)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /pengguna/{id}/token/{token_id}/cabut`: revokes a token of this account.
pub async fn revoke(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, token_id)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    admin(&current)?;
    revoke_token(&state, &current.user, id, token_id).await?;
    Ok(Redirect::to(&format!("/pengguna/{id}/token")).into_response())
}

/// Revokes token `token_id` of account `id` (404 when the account has no such token); shared
/// with the JSON API.
pub(crate) async fn revoke_token(
    state: &AppState,
    actor: &User,
    id: i64,
    token_id: i64,
) -> Result<(), Error> {
    let user = user_or_404(state, id).await?;
    let owns = state
        .store
        .api_tokens(user.id)
        .await?
        .iter()
        .any(|t| t.id == token_id);
    if !owns {
        return Err(Error::not_found(format!(
            "Token dengan id {token_id} tidak ada pada akun '{}'.",
            user.username
        )));
    }
    state
        .store
        .delete_api_token(&actor.username, token_id)
        .await?;
    Ok(())
}
