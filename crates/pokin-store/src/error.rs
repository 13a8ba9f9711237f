//! The store's error type.
//!
//! Every variant a user can meet reads as an Indonesian sentence that says what is wrong and
//! what to do. [`StoreError::Database`] wraps the underlying sqlx error with the operation that
//! was running, for logs and bug reports.

/// Why a store operation failed. Nothing was written when an operation returns an error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The organisation, unit, objective… asked for does not exist (the message names it).
    #[error("{0}")]
    NotFound(String),
    /// The change collides with existing data: a name, key or code already in use, a link that
    /// exists already, a unit that still has sub-units.
    #[error("{0}")]
    Conflict(String),
    /// The input is not acceptable (empty name, bad value, a cycle…); the message says why.
    #[error("{0}")]
    Invalid(String),
    /// Stored data does not have the shape Pokin writes, e.g. it was edited outside Pokin.
    #[error(
        "data tersimpan tidak sesuai dengan format Pokin: {0}. Data mungkin diubah di luar \
         Pokin; pulihkan dari cadangan atau hubungi pengelola aplikasi."
    )]
    Corrupt(String),
    /// The database schema cannot be prepared (e.g. it was made by a newer Pokin).
    #[error("struktur basis data tidak dapat disiapkan: {0}")]
    Schema(String),
    /// The database refused or failed; `context` names the operation, in Indonesian.
    #[error(
        "kesalahan basis data saat {context}: {source}. Periksa apakah basis data dapat \
         dihubungi lalu coba lagi; bila terus terjadi, hubungi pengelola aplikasi."
    )]
    Database {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

impl StoreError {
    /// Wraps a sqlx error; a unique-constraint violation becomes a [`StoreError::Conflict`]
    /// (the checks before each write give a more precise message; this is the backstop for
    /// concurrent writers).
    pub(crate) fn db(context: &'static str, source: sqlx::Error) -> Self {
        if let Some(e) = source.as_database_error()
            && e.is_unique_violation()
        {
            return StoreError::Conflict(format!(
                "gagal {context}: data yang sama sudah ada (mungkin baru saja disimpan oleh \
                 pengguna lain). Muat ulang data lalu coba lagi."
            ));
        }
        StoreError::Database { context, source }
    }
}

/// Shorthand for this crate's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
