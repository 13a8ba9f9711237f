//! Pokin's web application: Indonesian HTML pages (askama templates, htmx), a JSON API under
//! `/api/v1` with its OpenAPI document, accounts, sessions and permissions.
//!
//! Invariants:
//! - **Only this crate knows HTTP and HTML, and it writes no SQL**: every read and write goes
//!   through [`pokin_store::Store`], so every change is audited there.
//! - **One place decides authorisation**: [`permission::can`], used by pages and API alike.
//! - **One route table**: the router is built from [`routes::table`], which records every
//!   method and path with who may use it, so tests can prove every route is covered.
//! - **CSRF is checked in one middleware** ([`auth::session_layer`]) for every state-changing
//!   request outside `/api`, before any handler runs: a handler cannot forget it.
//! - **Nothing is loaded from elsewhere**: htmx, our JS and CSS are embedded in the binary
//!   ([`assets`]); the Content-Security-Policy allows scripts only from this origin.

pub mod assets;
pub mod auth;
pub mod cache;
// Capaian dashboards: the one capaian computation shared by pages and API.
pub(crate) mod capaian;
pub mod error;
pub mod permission;
pub mod routes;
mod views;

pub use error::Error;
pub use routes::{RouteSpec, table};

use axum::Router;
use pokin_store::Store;
use std::sync::Arc;

/// How the server behaves; [`Config::default`] suits a local run over plain HTTP.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (set when served over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// How long a login lasts.
    pub session_ttl: chrono::Duration,
    /// Failed logins allowed per user name and address within [`Config::throttle_window`].
    pub max_failed_logins: usize,
    pub throttle_window: std::time::Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            session_ttl: chrono::Duration::hours(8),
            max_failed_logins: 5,
            throttle_window: std::time::Duration::from_secs(15 * 60),
        }
    }
}

/// What every handler gets: the store, the configuration and the login throttle.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub throttle: Arc<auth::Throttle>,
    /// Import: uploaded files waiting in preview for confirmation (in memory, with expiry).
    pub imports: Arc<routes::import::PendingImports>,
    /// What pages compute from an organisation's data, valid while its revision stands.
    pub cache: Arc<cache::OrgCache>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            throttle: Arc::new(auth::Throttle::default()),
            imports: Arc::new(routes::import::PendingImports::default()),
            cache: Arc::default(),
        }
    }
}

/// The whole application: every route of [`routes::table`], the session and CSRF middleware,
/// and the security headers.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Serves the application on `listener` until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
}
