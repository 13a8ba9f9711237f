//! User management, for administrators: list, add, change role and scope, disable, reset a
//! password (the user must change it at the next login).

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
use pokin_domain::UnitKey;
use pokin_store::{NewUser, Role, StoreError, User, UserUpdate};
use serde::Deserialize;

fn admin(current: &CurrentUser) -> Result<(), Error> {
    Ok(can(&current.user, Action::ManageUsers, Target::System)?)
}

struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    scope: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    layout: Layout,
    users: Vec<UserRow>,
}

async fn org_names(state: &AppState) -> Result<Vec<(i64, String)>, Error> {
    Ok(state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

fn scope_text(u: &User, orgs: &[(i64, String)]) -> String {
    match (u.org_id, &u.unit) {
        (None, _) => "semua organisasi".into(),
        (Some(o), unit) => {
            let name = orgs.iter().find(|(id, _)| *id == o).map_or_else(
                || format!("organisasi #{o} (tidak ada)"),
                |(_, n)| n.clone(),
            );
            match unit {
                Some(k) => format!("{name} › {k} dan di bawahnya"),
                None => name,
            }
        }
    }
}

/// `GET /pengguna`.
pub async fn list(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    admin(&current)?;
    let orgs = org_names(&state).await?;
    let users = state
        .store
        .users()
        .await?
        .iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.label(),
            scope: scope_text(u, &orgs),
            disabled: u.disabled,
        })
        .collect();
    Ok(render(&ListPage {
        layout: Layout::for_user(&current, "Pengguna", "pengguna"),
        users,
    })?
    .into_response())
}

/// What the form shows: the values entered and the messages per field.
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub disabled: Option<String>,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct FormPage {
    layout: Layout,
    /// `None` when adding.
    id: Option<i64>,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    fn org_selected(&self, id: &i64) -> bool {
        self.form.org == id.to_string()
    }
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

async fn form_page(
    state: &AppState,
    current: &CurrentUser,
    id: Option<i64>,
    form: UserForm,
    errors: Vec<(String, String)>,
    notice: Option<String>,
) -> Result<Response, Error> {
    let title = if id.is_some() {
        "Ubah pengguna"
    } else {
        "Tambah pengguna"
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FormPage {
        layout: Layout::for_user(current, title, "pengguna"),
        id,
        form,
        roles: roles(),
        orgs: org_names(state).await?,
        errors,
        notice,
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /pengguna/baru`.
pub async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, Error> {
    admin(&current)?;
    form_page(
        &state,
        &current,
        None,
        UserForm::default(),
        Vec::new(),
        None,
    )
    .await
}

/// Field name → what is wrong with it.
pub(crate) type FieldErrors = Vec<(String, String)>;

/// The role and scope of a submitted form, or the messages per field.
pub(crate) fn parse_scope(
    form: &UserForm,
) -> Result<(Role, Option<i64>, Option<UnitKey>), FieldErrors> {
    let mut errors = Vec::new();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(("role".into(), "Pilih peran.".into()));
    }
    let org = match form.org.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(("org".into(), "Pilih organisasi dari daftar.".into()));
                None
            }
        },
    };
    let unit = match form.unit.trim() {
        "" => None,
        s => match UnitKey::parse(s) {
            Ok(k) => Some(k),
            Err(_) => {
                errors.push(("unit".into(), format!("Kunci unit '{s}' tidak sah.")));
                None
            }
        },
    };
    match role {
        Some(r) if errors.is_empty() => Ok((r, org, unit)),
        _ => Err(errors),
    }
}

/// Puts a store refusal next to the field it is about.
pub(crate) fn store_errors(e: StoreError) -> Result<Vec<(String, String)>, Error> {
    let field = |m: &str| {
        if m.contains("nama pengguna") {
            "username"
        } else if m.contains("sandi") {
            "password"
        } else if m.contains("unit") {
            "unit"
        } else if m.contains("organisasi") {
            "org"
        } else if m.contains("nama lengkap") {
            "display_name"
        } else {
            "role"
        }
    };
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::NotFound(m) => {
            Ok(vec![(field(&m).to_owned(), capitalise(&m))])
        }
        other => Err(other.into()),
    }
}

/// `POST /pengguna`.
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<UserForm>,
) -> Result<Response, Error> {
    admin(&current)?;
    let (role, org_id, unit) = match parse_scope(&form) {
        Ok(v) => v,
        Err(errors) => return form_page(&state, &current, None, form, errors, None).await,
    };
    let new = NewUser {
        username: form.username.trim().to_lowercase(),
        display_name: form.display_name.clone(),
        role,
        org_id,
        pemda_id: None,
        unit,
        password: form.password.clone(),
        must_change_password: true,
    };
    match state.store.create_user(&current.user.username, &new).await {
        Ok(_) => Ok(Redirect::to("/pengguna").into_response()),
        Err(e) => {
            let errors = store_errors(e)?;
            form_page(&state, &current, None, form, errors, None).await
        }
    }
}

pub(crate) async fn user_or_404(state: &AppState, id: i64) -> Result<User, Error> {
    state
        .store
        .user(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Pengguna dengan id {id} tidak ada.")))
}

/// `GET /pengguna/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, Error> {
    admin(&current)?;
    let u = user_or_404(&state, id).await?;
    let form = UserForm {
        username: u.username,
        display_name: u.display_name,
        role: u.role.as_str().into(),
        org: u.org_id.map_or_else(String::new, |o| o.to_string()),
        unit: u.unit.map_or_else(String::new, |k| k.to_string()),
        password: String::new(),
        disabled: u.disabled.then(|| "on".into()),
    };
    form_page(&state, &current, Some(id), form, Vec::new(), None).await
}

/// `POST /pengguna/{id}`: role, scope, name, disabled.
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Form(mut form): Form<UserForm>,
) -> Result<Response, Error> {
    admin(&current)?;
    let u = user_or_404(&state, id).await?;
    form.username = u.username.clone();
    let (role, org_id, unit) = match parse_scope(&form) {
        Ok(v) => v,
        Err(errors) => return form_page(&state, &current, Some(id), form, errors, None).await,
    };
    let disabled = form.disabled.is_some();
    if let Some(errors) = self_lockout(&current.user, &u, role, disabled) {
        return form_page(&state, &current, Some(id), form, errors, None).await;
    }
    let change = UserUpdate {
        display_name: form.display_name.clone(),
        role,
        org_id,
        pemda_id: None,
        unit,
        disabled,
    };
    match state
        .store
        .update_user(&current.user.username, id, &change)
        .await
    {
        Ok(()) => Ok(Redirect::to("/pengguna").into_response()),
        Err(e) => {
            let errors = store_errors(e)?;
            form_page(&state, &current, Some(id), form, errors, None).await
        }
    }
}

/// Refuses an administrator disabling or demoting their own account (shared with the API).
pub(crate) fn self_lockout(
    current: &User,
    target: &User,
    role: Role,
    disabled: bool,
) -> Option<FieldErrors> {
    (target.id == current.id && (disabled || role != Role::Admin)).then(|| {
        vec![(
            "role".to_owned(),
            "Anda tidak dapat menonaktifkan akun Anda sendiri atau melepas peran Administrator \
             Anda sendiri; minta Administrator lain melakukannya."
                .to_owned(),
        )]
    })
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// `POST /pengguna/{id}/sandi`: sets a new password that the user must change at the next
/// login; ends the user's sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Form(reset): Form<ResetForm>,
) -> Result<Response, Error> {
    admin(&current)?;
    let u = user_or_404(&state, id).await?;
    let form = UserForm {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.as_str().into(),
        org: u.org_id.map_or_else(String::new, |o| o.to_string()),
        unit: u.unit.as_ref().map_or_else(String::new, |k| k.to_string()),
        password: String::new(),
        disabled: u.disabled.then(|| "on".into()),
    };
    match state
        .store
        .set_password(&current.user.username, id, &reset.password, true)
        .await
    {
        Ok(()) => {
            let notice = format!(
                "Sandi '{}' telah diatur ulang; pengguna harus menggantinya saat masuk berikutnya.",
                u.username
            );
            form_page(&state, &current, Some(id), form, Vec::new(), Some(notice)).await
        }
        Err(e) => {
            let errors = store_errors(e)?;
            form_page(&state, &current, Some(id), form, errors, None).await
        }
    }
}
