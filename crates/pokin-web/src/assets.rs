//! Front-end files embedded in the binary and served under `/aset/`, with long cache headers:
//! each file name carries a version (`app-<N>.css`), so a changed file gets a new name.
//! Third-party files live in `assets/vendor/` and are recorded in `assets/vendor/VENDOR.md`.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// An embedded file: its URL name, content type and bytes.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

/// Every embedded file. Templates link to them as `/aset/NAME`.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "htmx-2.0.11.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/vendor/htmx-2.0.11.min.js"),
    },
    Asset {
        name: "app-2.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/app.css"),
    },
    Asset {
        name: "app-1.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/app.js"),
    },
    // Editing
    Asset {
        name: "edit-1.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/edit.js"),
    },
    Asset {
        name: "pohon-4.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/pohon.js"),
    },
];

/// `GET /aset/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            a.bytes,
        )
            .into_response(),
        None => crate::Error::not_found(format!("Berkas '{name}' tidak ada.")).into_response(),
    }
}
