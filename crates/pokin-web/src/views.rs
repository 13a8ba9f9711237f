//! What every page shares: the layout (title, the logged-in user, navigation, the CSRF token),
//! the error page, and rendering a template into a response.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use askama::Template;
use axum::response::Html;
use pokin_store::Role;

/// The parts of `base.html` that depend on the request.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    /// Which navigation entry is current (`organisasi`, `audit`, `pengguna`, `akun`).
    pub section: &'static str,
    pub can_audit: bool,
    pub can_users: bool,
    /// Import: whether the import page is open to this user.
    pub can_import: bool,
    /// The pemda page of a pemda-wide account (`/pemda/{id}`), or the list for an admin.
    pub pemda_href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NavUser {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
}

impl Layout {
    /// A page without a logged-in user (login, errors).
    pub fn bare(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            user: None,
            csrf: String::new(),
            section: "",
            can_audit: false,
            can_users: false,
            can_import: false,
            pemda_href: None,
        }
    }

    pub fn for_user(
        current: &CurrentUser,
        title: impl Into<String>,
        section: &'static str,
    ) -> Layout {
        let u = &current.user;
        let own = u.org_id.map_or(Target::System, Target::Org);
        Layout {
            title: title.into(),
            user: Some(NavUser {
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: u.role.label(),
            }),
            csrf: current.csrf_token.clone(),
            section,
            can_audit: u.role == Role::Admin || can(u, Action::ReadAudit, own).is_ok(),
            can_users: can(u, Action::ManageUsers, Target::System).is_ok(),
            can_import: crate::routes::import::may_open(u),
            pemda_href: match (u.role, u.pemda_id) {
                (_, Some(p)) => Some(format!("/pemda/{p}")),
                (Role::Admin, None) => Some("/pemda".into()),
                _ => None,
            },
        }
    }
}

/// A page whose content was rendered before (and cached with the data it shows,
/// [`crate::cache`]): only the layout around it — the user's name, navigation and CSRF token —
/// is rendered per request.
#[derive(Template)]
#[template(path = "cached.html")]
pub(crate) struct CachedPage {
    pub layout: Layout,
    /// A script the page needs (`/aset/…`), loaded in the head.
    pub script: Option<&'static str>,
    pub body: std::sync::Arc<String>,
}

impl CachedPage {
    /// The page, rendered into one allocation sized for the kept body (the template's own size
    /// hint cannot know it, and growing a string to a diagram's size copies it several times).
    pub fn html(&self) -> Result<Html<String>, crate::Error> {
        let mut out = String::with_capacity(self.body.len() + 16 * 1024);
        self.render_into(&mut out)?;
        Ok(Html(out))
    }
}

/// Renders a template as an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, crate::Error> {
    Ok(Html(t.render()?))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
    pub fields: Vec<(String, String)>,
}
