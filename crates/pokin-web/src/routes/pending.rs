//! Uploads waiting in preview for confirmation, in memory: the import page's files and the
//! bulk workbook's changes share this one mechanism (it lives in [`crate::AppState`] as
//! `imports`).
//!
//! Each preview is keyed by a random 256-bit token, bound to the user and session that
//! uploaded it, and expires after [`TTL`]. At most [`MAX_PER_SESSION`] previews of one kind
//! are kept per session and [`MAX_TOTAL`] in all; the oldest is dropped for a new one. Memory
//! rather than a table because a preview is a transient, per-session thing: storing it would
//! write unconfirmed agency data to the database and outlive the session it belongs to; losing
//! previews on a restart only means uploading again.

use crate::Error;
use pokin_store::User;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a preview waits for confirmation.
pub const TTL: Duration = Duration::from_secs(30 * 60);
/// Previews of one kind kept per session; an older one is dropped for a new one.
pub const MAX_PER_SESSION: usize = 3;
/// Previews kept in all; the oldest is dropped for a new one.
pub const MAX_TOTAL: usize = 64;

/// A kind of preview, with what the user is told when it is missing or not theirs.
pub(crate) trait PendingKind: Any + Send + Sync {
    /// The preview does not exist or has expired (404).
    fn gone() -> Error;
    /// The preview was made from another session (403).
    fn other_session() -> Error;
}

struct Entry {
    user_id: i64,
    session_id: i64,
    created: Instant,
    kind: TypeId,
    value: Box<dyn Any + Send + Sync>,
}

/// A preview taken out of the store (put it back with [`PendingStore::put_back`]).
pub(crate) struct Taken<T> {
    pub value: T,
    user_id: i64,
    session_id: i64,
    created: Instant,
}

/// Previews by token (see the module docs).
#[derive(Default)]
pub struct PendingStore {
    map: Mutex<HashMap<String, Entry>>,
}

impl PendingStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, p| p.created.elapsed() < TTL);
        map
    }

    fn store(&self, token: String, entry: Entry) {
        let mut map = self.lock();
        let oldest = |map: &HashMap<String, Entry>, of: Option<(i64, TypeId)>| {
            map.iter()
                .filter(|(_, p)| of.is_none_or(|(s, k)| p.session_id == s && p.kind == k))
                .min_by_key(|(_, p)| p.created)
                .map(|(k, _)| k.clone())
        };
        let mine = (entry.session_id, entry.kind);
        while map
            .values()
            .filter(|p| (p.session_id, p.kind) == mine)
            .count()
            >= MAX_PER_SESSION
        {
            match oldest(&map, Some(mine)) {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        while map.len() >= MAX_TOTAL {
            match oldest(&map, None) {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(token, entry);
    }

    /// Keeps `value` under `token` for `user`'s session.
    pub(crate) fn insert<T: PendingKind>(
        &self,
        token: String,
        user: &User,
        session_id: i64,
        value: T,
    ) {
        self.store(
            token,
            Entry {
                user_id: user.id,
                session_id,
                created: Instant::now(),
                kind: TypeId::of::<T>(),
                value: Box::new(value),
            },
        );
    }

    /// The entry, if it exists, is of kind `T` and belongs to this session.
    fn owned<'a, T: PendingKind>(
        entry: Option<&'a Entry>,
        user: &User,
        session_id: i64,
    ) -> Result<&'a Entry, Error> {
        let entry = entry
            .filter(|e| e.kind == TypeId::of::<T>())
            .ok_or_else(T::gone)?;
        if entry.user_id != user.id || entry.session_id != session_id {
            return Err(T::other_session());
        }
        Ok(entry)
    }

    /// Takes the preview `token` out if it belongs to this session.
    pub(crate) fn take<T: PendingKind>(
        &self,
        token: &str,
        user: &User,
        session_id: i64,
    ) -> Result<Taken<T>, Error> {
        let mut map = self.lock();
        Self::owned::<T>(map.get(token), user, session_id)?;
        let entry = map.remove(token).ok_or_else(T::gone)?;
        let value = entry.value.downcast::<T>().map_err(|_| T::gone())?;
        Ok(Taken {
            value: *value,
            user_id: entry.user_id,
            session_id: entry.session_id,
            created: entry.created,
        })
    }

    /// Runs `f` on the preview `token` if it belongs to this session.
    pub(crate) fn with<T: PendingKind, R>(
        &self,
        token: &str,
        user: &User,
        session_id: i64,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, Error> {
        let map = self.lock();
        let entry = Self::owned::<T>(map.get(token), user, session_id)?;
        let value = entry.value.downcast_ref::<T>().ok_or_else(T::gone)?;
        Ok(f(value))
    }

    /// Puts a taken preview back (it keeps its age).
    pub(crate) fn put_back<T: PendingKind>(&self, token: String, taken: Taken<T>) {
        self.store(
            token,
            Entry {
                user_id: taken.user_id,
                session_id: taken.session_id,
                created: taken.created,
                kind: TypeId::of::<T>(),
                value: Box::new(taken.value),
            },
        );
    }

    /// How many previews are waiting (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
