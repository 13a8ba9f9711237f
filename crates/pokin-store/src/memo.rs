//! The reads every request makes (its session or API token, revisions) kept in memory while
//! the database is unchanged, on a SQLite file.
//!
//! SQLite's `PRAGMA data_version`, asked on one connection, changes whenever any *other*
//! connection commits to the database — of this process or of another one (the CLI while the
//! server runs). The memo keeps its own connection, the **probe**, which only ever asks that
//! (`query_only`, never inside a transaction, so it holds no snapshot and blocks no
//! checkpoint), on the calling thread: a few microseconds, where a statement through sqlx's
//! SQLite worker thread costs two thread hand-offs per row. Values are filed under the version
//! read *before* they were loaded, so they are never older than it, and served only while the
//! probe still reads that version: exact, like the revisions it keeps.
//!
//! PostgreSQL has no such counter; there every read runs its statement.

use crate::error::Result;
use std::any::Any;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What is kept. Bounded: when [`MAX_ENTRIES`] are kept, the next one clears them all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// A session by the hash of its secret.
    Session(String),
    /// An API token and its owner by the hash of its secret.
    Token(String),
    /// One organisation's revision.
    OrgRevision(i64),
    /// One pemda's revision.
    PemdaRevision(i64),
    /// Every organisation's and pemda's revision.
    AllRevisions,
    /// One pemda's revision and its members'.
    PemdaRevisions(i64),
}

const MAX_ENTRIES: usize = 4096;

type Value = Arc<dyn Any + Send + Sync>;

/// The probe connection and what was read at its last version.
pub(crate) struct Memo {
    probe: Mutex<rusqlite::Connection>,
    kept: Mutex<Kept>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Kept {
    version: i64,
    values: HashMap<Key, Value>,
}

impl Memo {
    /// Opens the probe on the database file at `path` (already created, in WAL mode, by the
    /// pool). `None` when it cannot be opened: every read then runs its statement.
    pub(crate) fn open(path: &Path) -> Option<Memo> {
        use rusqlite::OpenFlags;
        let probe = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        probe.pragma_update(None, "query_only", true).ok()?;
        let memo = Memo {
            probe: Mutex::new(probe),
            kept: Mutex::default(),
        };
        memo.version()?;
        Some(memo)
    }

    /// The database's version as the probe sees it now; `None` if it cannot be read.
    fn version(&self) -> Option<i64> {
        let probe = self.probe.lock().ok()?;
        let mut statement = probe.prepare_cached("PRAGMA data_version").ok()?;
        statement.query_row([], |row| row.get(0)).ok()
    }

    /// The value under `key` if it was read at the database's current version, else `load`'s
    /// (kept for the next caller when the version has not moved).
    pub(crate) async fn get_or_load<T>(
        &self,
        key: Key,
        load: impl AsyncFnOnce() -> Result<T>,
    ) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
    {
        let Some(version) = self.version() else {
            return load().await;
        };
        if let Some(hit) = self.kept(version, &key) {
            return Ok(hit);
        }
        let value = load().await?;
        self.keep(version, key, Arc::new(value.clone()));
        Ok(value)
    }

    fn kept<T: Clone + 'static>(&self, version: i64, key: &Key) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        if kept.version != version {
            return None;
        }
        kept.values.get(key)?.downcast_ref::<T>().cloned()
    }

    fn keep(&self, version: i64, key: Key, value: Value) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        // The probe's version only grows: a value read at an older one is dropped.
        if version < kept.version {
            return;
        }
        if version > kept.version || kept.values.len() >= MAX_ENTRIES {
            kept.version = version;
            kept.values.clear();
        }
        kept.values.insert(key, value);
    }
}
