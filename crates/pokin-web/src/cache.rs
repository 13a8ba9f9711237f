//! What the pages compute from an organisation's data, kept between requests and dropped the
//! moment the data changes.
//!
//! Every committed change to an organisation raises its **revision** in the store
//! ([`pokin_store::Store::revision`], bumped in the same transaction as the change and its audit
//! record), so a request first reads the revision (one indexed query) and then uses only what was
//! cached under that same revision: the tree, the measurement settings, a year's measurements,
//! the capaian of a year and span, and whatever else a page derives from them (the diagram's SVG,
//! the reporting state of every indicator). Invalidation is
//! therefore exact, also across processes sharing one PostgreSQL: a change is visible on the very
//! next request, and nothing is recomputed while nothing changed.
//!
//! Values are loaded *after* the revision was read, so a value is never older than the revision
//! it is filed under; if a change lands in between, the value is newer than its revision says and
//! the next request, seeing the raised revision, loads again.
//!
//! Memory is bounded: at most [`MAX_ORGS`] organisations (the least recently used is dropped) and
//! [`MAX_PER_KIND`] years, spans or other values per organisation.

use crate::Error;
use pokin_domain::Organisation;
use pokin_domain::measure::{MeasureSettings, OrganisationMeasure, Span};
use pokin_store::{MemberYear, PemdaOverview, Store, StoreError, YearMeasurements};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Organisations kept at most (a kabupaten has ~40; a national deployment keeps the busiest).
pub(crate) const MAX_ORGS: usize = 512;
/// Years, spans or other values kept per organisation at most.
pub(crate) const MAX_PER_KIND: usize = 32;

/// The cache shared by every request of one server.
#[derive(Default)]
pub struct OrgCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    tick: u64,
    orgs: HashMap<i64, Entry>,
    /// Texts computed from several organisations (the region-wide dashboard), with the
    /// revisions they were computed from.
    combined: HashMap<String, Combined>,
    /// Values computed across a pemda, by a key naming the pemda and what else they depend on.
    pemda: HashMap<String, PemdaMemo>,
}

/// A value computed across a pemda: the pemda's revision, its members' (id, revision) pairs
/// and the value.
struct PemdaMemo {
    revision: i64,
    members: Vec<(i64, i64)>,
    value: Arc<dyn Any + Send + Sync>,
}

/// A text computed from several organisations: their (id, revision) pairs and the text.
type Combined = (Vec<(i64, i64)>, Arc<String>);

struct Entry {
    revision: i64,
    used: u64,
    org: Option<Arc<Organisation>>,
    settings: Option<Arc<MeasureSettings>>,
    years: HashMap<i32, Arc<YearMeasurements>>,
    measures: HashMap<(i32, Span), Arc<OrganisationMeasure>>,
    /// Anything else computed from this revision, by a key naming what else it depends on.
    memos: HashMap<String, Arc<dyn Any + Send + Sync>>,
}

impl Entry {
    fn new(revision: i64) -> Entry {
        Entry {
            revision,
            used: 0,
            org: None,
            settings: None,
            years: HashMap::new(),
            measures: HashMap::new(),
            memos: HashMap::new(),
        }
    }
}

/// Inserts into a per-organisation map, emptying it first when full.
fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= MAX_PER_KIND && !map.contains_key(&key) {
        map.clear();
    }
    map.insert(key, value);
}

/// One organisation's data at one revision: the handle through which a request reads it.
#[derive(Clone)]
pub(crate) struct OrgSnapshot {
    cache: Arc<OrgCache>,
    store: Store,
    pub id: i64,
    pub revision: i64,
}

impl OrgCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot of organisation `id` at its current revision (one query).
    pub(crate) async fn snapshot(
        self: &Arc<Self>,
        store: &Store,
        id: i64,
    ) -> Result<OrgSnapshot, Error> {
        let revision = store.revision(id).await?;
        Ok(self.at(store, id, revision))
    }

    /// Snapshots of every organisation at the revisions read with
    /// [`Store::all_revisions`], by id.
    pub(crate) fn snapshots_at(
        self: &Arc<Self>,
        store: &Store,
        revisions: &HashMap<i64, i64>,
    ) -> Vec<OrgSnapshot> {
        let mut revisions: Vec<(i64, i64)> = revisions.iter().map(|(i, r)| (*i, *r)).collect();
        revisions.sort_unstable();
        revisions
            .into_iter()
            .map(|(id, revision)| self.at(store, id, revision))
            .collect()
    }

    fn at(self: &Arc<Self>, store: &Store, id: i64, revision: i64) -> OrgSnapshot {
        OrgSnapshot {
            cache: self.clone(),
            store: store.clone(),
            id,
            revision,
        }
    }

    /// The text kept under `key` for exactly these organisations at these revisions.
    pub(crate) fn combined(&self, key: &str, snaps: &[OrgSnapshot]) -> Option<Arc<String>> {
        let inner = self.lock();
        let (revisions, text) = inner.combined.get(key)?;
        let same = revisions.len() == snaps.len()
            && revisions
                .iter()
                .zip(snaps)
                .all(|(r, s)| *r == (s.id, s.revision));
        same.then(|| text.clone())
    }

    /// Keeps a text computed from these organisations at these revisions.
    pub(crate) fn keep_combined(&self, key: &str, snaps: &[OrgSnapshot], text: Arc<String>) {
        let revisions = snaps.iter().map(|s| (s.id, s.revision)).collect();
        let mut inner = self.lock();
        bounded_insert(&mut inner.combined, key.to_owned(), (revisions, text));
    }

    /// The pemda `id` at its current revision, with its members' revisions (one statement).
    pub(crate) async fn pemda_snapshot(
        self: &Arc<Self>,
        store: &Store,
        id: i64,
    ) -> Result<PemdaSnapshot, Error> {
        let revisions = store.pemda_revisions(id).await?;
        Ok(self.pemda_snapshot_in(store, id, revisions))
    }

    /// The pemda `id` at the revisions already read with [`Store::all_revisions`] (the region
    /// dashboard, which shows every pemda, reads them once).
    pub(crate) fn pemda_snapshot_in(
        self: &Arc<Self>,
        store: &Store,
        id: i64,
        revisions: Arc<pokin_store::Revisions>,
    ) -> PemdaSnapshot {
        PemdaSnapshot {
            cache: self.clone(),
            store: store.clone(),
            id,
            revision: revisions.pemda(id),
            revisions,
        }
    }

    /// How many organisations are cached (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.lock().orgs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl OrgSnapshot {
    /// Reads from this revision's entry, if the cache holds that revision.
    fn get<T>(&self, f: impl FnOnce(&Entry) -> Option<T>) -> Option<T> {
        let mut inner = self.cache.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.orgs.get_mut(&self.id)?;
        if entry.revision != self.revision {
            return None;
        }
        entry.used = tick;
        f(entry)
    }

    /// Files a value under this revision: replaces an entry of an older revision, leaves one of
    /// a newer revision alone (this value may be older than it).
    fn put(&self, f: impl FnOnce(&mut Entry)) {
        let mut inner = self.cache.lock();
        inner.tick += 1;
        let tick = inner.tick;
        if !inner.orgs.contains_key(&self.id) && inner.orgs.len() >= MAX_ORGS {
            let oldest = inner
                .orgs
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                inner.orgs.remove(&k);
            }
        }
        let entry = inner
            .orgs
            .entry(self.id)
            .or_insert_with(|| Entry::new(self.revision));
        if entry.revision < self.revision {
            *entry = Entry::new(self.revision);
        }
        if entry.revision == self.revision {
            entry.used = tick;
            f(entry);
        }
    }

    /// The organisation's tree.
    pub(crate) async fn organisation(&self) -> Result<Arc<Organisation>, StoreError> {
        if let Some(org) = self.get(|e| e.org.clone()) {
            return Ok(org);
        }
        let org = Arc::new(self.store.load_organisation(self.id).await?);
        self.put(|e| e.org = Some(org.clone()));
        Ok(org)
    }

    /// Its predicate bands and ceiling.
    pub(crate) async fn settings(&self) -> Result<Arc<MeasureSettings>, StoreError> {
        if let Some(s) = self.get(|e| e.settings.clone()) {
            return Ok(s);
        }
        let s = Arc::new(self.store.measure_settings(self.id).await?);
        self.put(|e| e.settings = Some(s.clone()));
        Ok(s)
    }

    /// A year's measurements.
    pub(crate) async fn year(&self, year: i32) -> Result<Arc<YearMeasurements>, StoreError> {
        if let Some(y) = self.get(|e| e.years.get(&year).cloned()) {
            return Ok(y);
        }
        let y = Arc::new(self.store.year_measurements(self.id, year).await?);
        self.put(|e| bounded_insert(&mut e.years, year, y.clone()));
        Ok(y)
    }

    /// The cached capaian of `year` and `span`, if any.
    pub(crate) fn cached_measure(&self, year: i32, span: Span) -> Option<Arc<OrganisationMeasure>> {
        self.get(|e| e.measures.get(&(year, span)).cloned())
    }

    /// Files the capaian of `year` and `span`.
    pub(crate) fn keep_measure(&self, year: i32, span: Span, m: Arc<OrganisationMeasure>) {
        self.put(|e| bounded_insert(&mut e.measures, (year, span), m));
    }

    /// The value kept under `key` for this revision, if any and of type `T`.
    pub(crate) fn cached<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        self.get(|e| e.memos.get(key).cloned())
            .and_then(|v| v.downcast::<T>().ok())
    }

    /// Keeps `value` under `key` for this revision (for values computed asynchronously; see
    /// [`OrgSnapshot::memo`]).
    pub(crate) fn keep<T: Any + Send + Sync>(&self, key: &str, value: T) -> Arc<T> {
        let v = Arc::new(value);
        let stored: Arc<dyn Any + Send + Sync> = v.clone();
        self.put(|e| bounded_insert(&mut e.memos, key.to_owned(), stored));
        v
    }

    /// A value computed from this revision's data by `make` (`key` must name everything else it
    /// depends on, and one key always holds one type), computed when not cached.
    pub(crate) fn memo<T: Any + Send + Sync>(&self, key: &str, make: impl FnOnce() -> T) -> Arc<T> {
        match self.cached(key) {
            Some(v) => v,
            None => self.keep(key, make()),
        }
    }
}

/// A pemda at one revision, with the revisions of its members read at the same moment:
/// what is computed across the pemda (its overview of a year, the whole-kabupaten diagram) is
/// kept under these and used again only while the pemda and each of its members are unchanged.
/// Membership changes raise the pemda's revision, so the members a value was computed from are
/// the members still.
#[derive(Clone)]
pub(crate) struct PemdaSnapshot {
    cache: Arc<OrgCache>,
    store: Store,
    pub id: i64,
    pub revision: i64,
    /// At least the pemda's and its members' revisions.
    revisions: Arc<pokin_store::Revisions>,
}

impl PemdaSnapshot {
    fn org_revision(&self, id: i64) -> i64 {
        self.revisions.orgs.get(&id).copied().unwrap_or(0)
    }

    /// Organisation `id` at the revision read with this snapshot (no statement).
    pub(crate) fn member(&self, id: i64) -> OrgSnapshot {
        self.cache.at(&self.store, id, self.org_revision(id))
    }

    /// The value kept under `key` (which must name this pemda and everything else the value
    /// depends on) for this revision of the pemda and of its members.
    pub(crate) fn cached<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        let inner = self.cache.lock();
        let memo = inner.pemda.get(key)?;
        let same = memo.revision == self.revision
            && memo
                .members
                .iter()
                .all(|(id, rev)| self.org_revision(*id) == *rev);
        if !same {
            return None;
        }
        memo.value.clone().downcast::<T>().ok()
    }

    /// Keeps `value`, computed from these members (ids) after this snapshot was read.
    pub(crate) fn keep<T: Any + Send + Sync>(
        &self,
        key: &str,
        members: &[i64],
        value: T,
    ) -> Arc<T> {
        let v = Arc::new(value);
        let memo = PemdaMemo {
            revision: self.revision,
            members: members
                .iter()
                .map(|id| (*id, self.org_revision(*id)))
                .collect(),
            value: v.clone(),
        };
        let mut inner = self.cache.lock();
        bounded_insert(&mut inner.pemda, key.to_owned(), memo);
        v
    }

    /// The value kept under `key`, else `make`'s, kept under this snapshot and the members of
    /// `o`, the overview it is computed from.
    pub(crate) async fn derived_from<T: Any + Send + Sync>(
        &self,
        o: &PemdaOverview,
        key: &str,
        make: impl AsyncFnOnce() -> Result<T, Error>,
    ) -> Result<Arc<T>, Error> {
        if let Some(v) = self.cached(key) {
            return Ok(v);
        }
        let members: Vec<i64> = o.members.iter().map(|(m, _)| *m).collect();
        Ok(self.keep(key, &members, make().await?))
    }

    /// The pemda's RPJMD tree.
    pub(crate) async fn pemda(&self) -> Result<Arc<pokin_domain::pemda::Pemda>, Error> {
        let key = format!("tree:{}", self.id);
        if let Some(p) = self.cached(&key) {
            return Ok(p);
        }
        let p = self.store.load_pemda(self.id).await?;
        Ok(self.keep(&key, &[], p))
    }

    /// The pemda's overview of `year` ([`Store::pemda_overview_of`]: coverage and capaian
    /// through the links, from each member's cached tree and capaian), computed when the pemda
    /// or one of its members changed. `day` is today's
    /// date: the list of links waiting too long depends on it.
    pub(crate) async fn overview(
        &self,
        year: i32,
        day: chrono::NaiveDate,
    ) -> Result<Arc<PemdaOverview>, Error> {
        let key = format!("overview:{}:{year}:{day}", self.id);
        if let Some(o) = self.cached::<PemdaOverview>(&key) {
            return Ok(o);
        }
        // Each member's tree and capaian of the year from its own cache entry, at the revision
        // read with this snapshot: after one realisation only that member is measured again.
        let ids = self.store.pemda_members(self.id).await?;
        let mut parts = Vec::with_capacity(ids.len());
        for id in &ids {
            let snap = self.member(*id);
            let org = snap.organisation().await?;
            let settings = snap.settings().await?;
            let data = snap.year(year).await?;
            let measure = crate::capaian::measured(&snap, &org, &data, &settings, year, Span::Year);
            parts.push(MemberYear {
                id: *id,
                org,
                measure,
            });
        }
        let o = self.store.pemda_overview_of(self.id, year, parts).await?;
        Ok(self.keep(&key, &ids, o))
    }
}
