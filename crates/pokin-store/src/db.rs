//! The backend layer: one connection pool for SQLite or PostgreSQL, transactions over either,
//! and generic helpers that run one query text on both.
//!
//! Every query in this crate is a `&'static str` written once in portable SQL with `$1`, `$2`…
//! placeholders. PostgreSQL takes them natively; sqlx-sqlite binds a parameter named `$N` to the
//! N-th argument (SQLite itself accepts `$NAME` parameters), so no rewriting is needed. Arguments
//! travel as [`Param`] values and rows come back as types deriving `sqlx::FromRow`, which works
//! for both backends ([`Record`]).
//!
//! Why not sea-query (named in the design brief): the SQL here is plain portable SQL, so a
//! builder would add a dependency and indirection for no difference between the backends; the
//! only differences are column types in the DDL, handled by placeholders in
//! [`crate::schema`]. Plain `&'static str` queries also satisfy sqlx 0.9's `SqlSafeStr` without
//! `AssertSqlSafe` (only migrations, which are rendered, use it).
//!
//! Reads go through [`Conn::run`] (a read-only transaction, one snapshot). Writes are only
//! possible through [`WriteTx`], whose only way to persist anything is
//! [`WriteTx::commit`], which takes the audit record and writes it in the same transaction.
//! Dropping a `WriteTx` rolls it back. With the `fault-injection` feature a `WriteTx` can be told
//! to fail at its N-th write statement, to prove atomicity.

use crate::audit::{ADVANCE_CHAIN, Audit, ChainHead, SET_CHAIN_HASH};
use crate::error::{Result, StoreError};
use crate::memo::{self, Memo};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Arguments, Database, Encode, FromRow, Postgres, Sqlite, Transaction, Type};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Which database a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite: one file (WAL journal), or memory.
    Sqlite,
    /// PostgreSQL (and Citus, which shards by organisation).
    Postgres,
}

impl Backend {
    /// A lower-case name for logs and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool to either backend, and the count of statements run through it.
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    kind: PoolKind,
    /// Statements run (reads and writes, not BEGIN/COMMIT), shared by clones: what
    /// [`crate::Store::statements`] reports, so tests can count the queries of a page.
    statements: Arc<AtomicU64>,
    /// On a SQLite file: the session and revisions kept while the database is unchanged.
    memo: Option<Arc<Memo>>,
}

#[derive(Clone, Debug)]
enum PoolKind {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    pub(crate) fn backend(&self) -> Backend {
        match self.kind {
            PoolKind::Sqlite(_) => Backend::Sqlite,
            PoolKind::Postgres(_) => Backend::Postgres,
        }
    }

    /// How many statements have run through this pool (and its clones) so far.
    pub(crate) fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Runs one read statement on its own, outside any transaction (one round trip instead of
    /// three): for the lookups every request makes (its session, an organisation's revision),
    /// which read a single row or table and need no snapshot shared with another statement.
    pub(crate) async fn fetch_single<T: Record>(
        &self,
        context: &'static str,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Vec<T>> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let r = match &self.kind {
            PoolKind::Sqlite(p) => match arguments::<Sqlite>(params) {
                Ok(args) => {
                    sqlx::query_as_with::<Sqlite, T, _>(sql, args)
                        .fetch_all(p)
                        .await
                }
                Err(e) => Err(sqlx::Error::Encode(e)),
            },
            PoolKind::Postgres(p) => match arguments::<Postgres>(params) {
                Ok(args) => {
                    sqlx::query_as_with::<Postgres, T, _>(sql, args)
                        .fetch_all(p)
                        .await
                }
                Err(e) => Err(sqlx::Error::Encode(e)),
            },
        };
        r.map_err(|e| StoreError::db(context, e))
    }

    /// `load`'s value, or the one it gave at the database's current version when the memo
    /// kept it (SQLite files; see [`crate::memo`]). Only for reads of one statement whose
    /// result is all the database decides (no clock: a caller checks expiry itself).
    pub(crate) async fn memoised<T>(
        &self,
        key: memo::Key,
        load: impl AsyncFnOnce() -> Result<T>,
    ) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
    {
        match &self.memo {
            Some(memo) => memo.get_or_load(key, load).await,
            None => load().await,
        }
    }

    fn wrap(kind: PoolKind, memo: Option<Memo>) -> Pool {
        Pool {
            kind,
            statements: Arc::default(),
            memo: memo.map(Arc::new),
        }
    }

    /// Opens a pool for `url`: `sqlite://PATH` (file and parent folders are created),
    /// `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
    pub(crate) async fn connect(url: &str) -> Result<Pool> {
        const CONTEXT: &str = "menghubungkan ke basis data";
        if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let opts = SqliteConnectOptions::from_str(url).map_err(|e| {
                StoreError::Invalid(format!(
                    "alamat basis data SQLite '{url}' tidak sah ({e}). Contoh yang benar: \
                     sqlite://data/pokin.db atau sqlite::memory:"
                ))
            })?;
            let opts = opts
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let path = (!memory).then(|| opts.get_filename().to_path_buf());
            let pool = if memory {
                // Every connection to `:memory:` would be a different database: keep exactly one,
                // open for the life of the pool.
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(opts)
                    .await
            } else {
                let path = opts.get_filename().to_path_buf();
                if let Some(dir) = path.parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Invalid(format!(
                            "folder basis data '{}' tidak dapat dibuat ({e}). Periksa hak akses \
                             folder itu atau pilih lokasi lain.",
                            dir.display()
                        ))
                    })?;
                }
                // FULL: a commit is on disk before it is acknowledged, so an acknowledged
                // realisation survives a power cut too, not only a crashed process (NORMAL in WAL
                // mode may roll the last commits back after an OS crash). One fsync per write
                // transaction; reads are unaffected.
                let opts = opts
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full);
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(opts)
                    .await
            };
            let pool = pool.map_err(|e| StoreError::db(CONTEXT, e))?;
            // The pool has opened the file (in WAL mode) before the probe does.
            let memo = path.as_deref().and_then(Memo::open);
            Ok(Pool::wrap(PoolKind::Sqlite(pool), memo))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await
                .map(|p| Pool::wrap(PoolKind::Postgres(p), None))
                .map_err(|e| StoreError::db(CONTEXT, e))
        } else {
            Err(StoreError::Invalid(
                "alamat basis data tidak dikenal: gunakan sqlite://BERKAS (misalnya \
                 sqlite://data/pokin.db), sqlite::memory:, atau postgres://PENGGUNA@HOST/NAMA"
                    .into(),
            ))
        }
    }
}

/// One bind argument. Nulls are typed so PostgreSQL knows the parameter's type.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(Some(v))
    }
}
impl From<Option<i64>> for Param {
    fn from(v: Option<i64>) -> Self {
        Param::Int(v)
    }
}
impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Real(Some(v))
    }
}
impl From<Option<f64>> for Param {
    fn from(v: Option<f64>) -> Self {
        Param::Real(v)
    }
}
impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(Some(v.to_owned()))
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(Some(v))
    }
}
impl From<Option<&str>> for Param {
    fn from(v: Option<&str>) -> Self {
        Param::Text(v.map(str::to_owned))
    }
}
impl From<Option<String>> for Param {
    fn from(v: Option<String>) -> Self {
        Param::Text(v)
    }
}
impl From<bool> for Param {
    fn from(v: bool) -> Self {
        Param::Bool(v)
    }
}
impl From<DateTime<Utc>> for Param {
    fn from(v: DateTime<Utc>) -> Self {
        Param::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Param {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Param::Time(v)
    }
}
impl From<Option<NaiveDate>> for Param {
    fn from(v: Option<NaiveDate>) -> Self {
        Param::Date(v)
    }
}

/// Builds a `Vec<Param>` from values convertible into [`Param`].
macro_rules! params {
    ($($v:expr),* $(,)?) => {
        vec![$($crate::db::Param::from($v)),*]
    };
}
pub(crate) use params;

/// Turns parameters into the backend's argument buffer.
fn arguments<DB>(params: Vec<Param>) -> Result<DB::Arguments, BoxDynError>
where
    DB: Database,
    for<'a> Option<i64>: Encode<'a, DB> + Type<DB>,
    for<'a> Option<f64>: Encode<'a, DB> + Type<DB>,
    for<'a> Option<String>: Encode<'a, DB> + Type<DB>,
    for<'a> bool: Encode<'a, DB> + Type<DB>,
    for<'a> Option<DateTime<Utc>>: Encode<'a, DB> + Type<DB>,
    for<'a> Option<NaiveDate>: Encode<'a, DB> + Type<DB>,
{
    let mut args = DB::Arguments::default();
    for p in params {
        match p {
            Param::Int(v) => args.add(v)?,
            Param::Real(v) => args.add(v)?,
            Param::Text(v) => args.add(v)?,
            Param::Bool(v) => args.add(v)?,
            Param::Time(v) => args.add(v)?,
            Param::Date(v) => args.add(v)?,
        }
    }
    Ok(args)
}

/// A row type that decodes from both backends (derive `sqlx::FromRow`).
pub(crate) trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// `INSERT … RETURNING id`.
#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
}

/// The current time, truncated to microseconds so that it reads back equal from PostgreSQL.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Runs `$run` on the connection's backend: `$db` names the backend's `sqlx::Database`,
/// `$args` holds `$params` encoded for it and `$tx` is its transaction. An encoding failure
/// becomes `sqlx::Error::Encode` without running anything.
macro_rules! bound {
    ($conn:ident, $params:ident, |$db:ident, $args:ident, $tx:ident| $run:expr) => {
        match &mut $conn.inner {
            Inner::Sqlite($tx) => {
                type $db = Sqlite;
                match arguments::<$db>($params) {
                    Ok($args) => $run,
                    Err(e) => Err(sqlx::Error::Encode(e)),
                }
            }
            Inner::Postgres($tx) => {
                type $db = Postgres;
                match arguments::<$db>($params) {
                    Ok($args) => $run,
                    Err(e) => Err(sqlx::Error::Encode(e)),
                }
            }
        }
    };
}

enum Inner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An open transaction that can only read. Reads of a whole tree see one snapshot.
pub(crate) struct Conn {
    inner: Inner,
    context: &'static str,
    statements: Arc<AtomicU64>,
}

impl Conn {
    /// Runs `f` in a read-only transaction (one snapshot) and ends the transaction, also when
    /// `f` fails; `context` names the operation in error messages.
    pub(crate) async fn run<T>(
        pool: &Pool,
        context: &'static str,
        f: impl AsyncFnOnce(&mut Conn) -> Result<T>,
    ) -> Result<T> {
        let inner = match &pool.kind {
            PoolKind::Sqlite(p) => p.begin().await.map(Inner::Sqlite),
            PoolKind::Postgres(p) => p
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
                .map(Inner::Postgres),
        }
        .map_err(|e| StoreError::db(context, e))?;
        let mut conn = Conn {
            inner,
            context,
            statements: pool.statements.clone(),
        };
        match f(&mut conn).await {
            Ok(value) => {
                conn.commit().await?;
                Ok(value)
            }
            Err(e) => {
                conn.rollback().await;
                Err(e)
            }
        }
    }

    async fn commit(self) -> Result<()> {
        let context = self.context;
        match self.inner {
            Inner::Sqlite(tx) => tx.commit().await,
            Inner::Postgres(tx) => tx.commit().await,
        }
        .map_err(|e| StoreError::db(context, e))
    }

    /// Rolls back now rather than when the connection is next used, so that no lock or
    /// snapshot outlives the operation. A failure here is moot: the operation already failed,
    /// and sqlx discards a connection whose rollback failed.
    async fn rollback(self) {
        let _ = match self.inner {
            Inner::Sqlite(tx) => tx.rollback().await,
            Inner::Postgres(tx) => tx.rollback().await,
        };
    }

    fn err(&self, e: sqlx::Error) -> StoreError {
        StoreError::db(self.context, e)
    }

    fn count(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) async fn fetch_all<T: Record>(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Vec<T>> {
        self.count();
        let r = bound!(self, params, |Db, args, tx| {
            sqlx::query_as_with::<Db, T, _>(sql, args)
                .fetch_all(&mut **tx)
                .await
        });
        r.map_err(|e| self.err(e))
    }

    pub(crate) async fn fetch_optional<T: Record>(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Option<T>> {
        self.count();
        let r = bound!(self, params, |Db, args, tx| {
            sqlx::query_as_with::<Db, T, _>(sql, args)
                .fetch_optional(&mut **tx)
                .await
        });
        r.map_err(|e| self.err(e))
    }

    pub(crate) async fn fetch_one<T: Record>(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<T> {
        match self.fetch_optional(sql, params).await? {
            Some(row) => Ok(row),
            None => Err(self.err(sqlx::Error::RowNotFound)),
        }
    }

    /// Runs a statement that changes data. Private to this module: callers write through
    /// [`WriteTx`].
    async fn execute(&mut self, sql: &'static str, params: Vec<Param>) -> Result<u64> {
        self.count();
        let r = bound!(self, params, |Db, args, tx| {
            sqlx::query_with::<Db, _>(sql, args)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected())
        });
        r.map_err(|e| self.err(e))
    }
}

/// The fault-injection switch shared by clones of a store.
#[cfg(feature = "fault-injection")]
#[derive(Clone, Debug, Default)]
pub(crate) struct FaultSwitch(std::sync::Arc<std::sync::Mutex<Option<usize>>>);

#[cfg(feature = "fault-injection")]
impl FaultSwitch {
    pub(crate) fn arm(&self, after_writes: usize) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(after_writes);
    }
    fn take(&self) -> Option<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Raises an organisation's revision by one (creating it at 1).
const BUMP_REVISION: &str = "INSERT INTO org_revisions (org_id, revision) VALUES ($1, 1) \
     ON CONFLICT (org_id) DO UPDATE SET revision = org_revisions.revision + 1";

/// Raises a pemda's revision by one (creating it at 1).
const BUMP_PEMDA_REVISION: &str = "INSERT INTO pemda_revisions (pemda_id, revision) \
     VALUES ($1, 1) ON CONFLICT (pemda_id) DO UPDATE SET revision = pemda_revisions.revision + 1";

/// A transaction that writes. It exists only inside [`WriteTx::run`], whose closure must hand
/// back the audit record of its change: the record is written in the same transaction, just
/// before the commit. On any error the transaction is rolled back.
pub(crate) struct WriteTx {
    conn: Conn,
    actor: String,
    /// Organisations whose data this transaction's audit records name: their revision is
    /// raised at commit ([`crate::Store::revision`]).
    orgs: Vec<i64>,
    /// Pemda whose data (RPJMD tree, links, crosscuts, notes, own realisations) this
    /// transaction changed ([`WriteTx::touch_pemda`]): their revision is raised at commit.
    pemdas: Vec<i64>,
    /// Audit records written before the last ([`WriteTx::audit`]) with their time, appended to
    /// the chain at commit.
    pending: Vec<(Audit, DateTime<Utc>)>,
    #[cfg(feature = "fault-injection")]
    fail_after: Option<usize>,
    #[cfg(feature = "fault-injection")]
    writes: usize,
}

impl WriteTx {
    /// Runs `f` in a write transaction for `actor` (who is named in the audit record) and
    /// commits its change together with the audit record `f` returns; rolls back if `f` or the
    /// commit fails. `context` names the operation in error messages.
    pub(crate) async fn run<T>(
        store: &crate::Store,
        actor: &str,
        context: &'static str,
        f: impl AsyncFnOnce(&mut WriteTx) -> Result<(T, Audit)>,
    ) -> Result<T> {
        let mut tx = WriteTx::begin(store, actor, context).await?;
        match f(&mut tx).await {
            Ok((value, audit)) => {
                tx.commit(audit).await?;
                Ok(value)
            }
            Err(e) => {
                tx.conn.rollback().await;
                Err(e)
            }
        }
    }

    /// Begins a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`) so
    /// that a read followed by a write cannot deadlock against another writer.
    async fn begin(store: &crate::Store, actor: &str, context: &'static str) -> Result<WriteTx> {
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(StoreError::Invalid(
                "pelaku perubahan (nama pengguna) kosong: setiap perubahan harus mencatat siapa \
                 yang melakukannya."
                    .into(),
            ));
        }
        let inner = match &store.pool.kind {
            PoolKind::Sqlite(p) => p.begin_with("BEGIN IMMEDIATE").await.map(Inner::Sqlite),
            PoolKind::Postgres(p) => p.begin().await.map(Inner::Postgres),
        }
        .map_err(|e| StoreError::db(context, e))?;
        Ok(WriteTx {
            conn: Conn {
                inner,
                context,
                statements: store.pool.statements.clone(),
            },
            orgs: Vec::new(),
            pemdas: Vec::new(),
            pending: Vec::new(),
            actor: actor.to_owned(),
            #[cfg(feature = "fault-injection")]
            fail_after: store.fault.take(),
            #[cfg(feature = "fault-injection")]
            writes: 0,
        })
    }

    /// The transaction, for reads (they see this transaction's own writes).
    pub(crate) fn read(&mut self) -> &mut Conn {
        &mut self.conn
    }

    #[cfg(feature = "fault-injection")]
    fn before_write(&mut self) -> Result<()> {
        if self.fail_after == Some(self.writes) {
            return Err(StoreError::db(
                self.conn.context,
                sqlx::Error::Protocol(format!(
                    "kegagalan buatan (fault injection) pada penulisan ke-{}",
                    self.writes + 1
                )),
            ));
        }
        self.writes += 1;
        Ok(())
    }

    #[cfg(not(feature = "fault-injection"))]
    fn before_write(&mut self) -> Result<()> {
        Ok(())
    }

    /// Runs an `INSERT`, `UPDATE` or `DELETE`; returns the number of rows affected.
    pub(crate) async fn execute(&mut self, sql: &'static str, params: Vec<Param>) -> Result<u64> {
        self.before_write()?;
        self.conn.execute(sql, params).await
    }

    /// Runs an `INSERT … RETURNING id` and returns the new id.
    pub(crate) async fn insert(&mut self, sql: &'static str, params: Vec<Param>) -> Result<i64> {
        self.before_write()?;
        let row: IdRow = self.conn.fetch_one(sql, params).await?;
        Ok(row.id)
    }

    /// Runs an `INSERT … RETURNING …` of any number of rows and returns every returned row
    /// (in no guaranteed order: map them by a natural key). Counts as one write.
    pub(crate) async fn insert_returning<T: Record>(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Vec<T>> {
        self.before_write()?;
        self.conn.fetch_all(sql, params).await
    }

    /// Adds an audit record, for a transaction that changes more than one entity (e.g.
    /// approving a reopen request changes the request and its realisation). Timed now; stored at
    /// commit, before the record the closure of [`WriteTx::run`] returns, which is still the
    /// last. Counts as a write here (fault injection fails here, as when it was written at once).
    ///
    /// Why at commit: appending to the audit chain locks its head until the transaction ends.
    /// Taking it only at commit, after every row change, means a transaction holding the head
    /// never waits for a row another one holds, so writers cannot deadlock on it, and the head
    /// is held for the shortest time.
    pub(crate) async fn audit(&mut self, audit: Audit) -> Result<()> {
        self.note_org(&audit);
        self.before_write()?;
        self.pending.push((audit, now()));
        Ok(())
    }

    /// Appends one record to the audit chain: advances the head (locking it on PostgreSQL until
    /// the commit), inserts the record linked to the previous head, and stores its hash as the
    /// head's. Three statements, not counted as writes by fault injection (the record is
    /// counted once, by the caller).
    async fn append_audit(&mut self, actor: &str, audit: &Audit, at: DateTime<Utc>) -> Result<()> {
        let head: ChainHead = self.conn.fetch_one(ADVANCE_CHAIN, params![]).await?;
        let (sql, params, hash) = audit.insert(actor, at, head.seq, &head.hash)?;
        self.conn.execute(sql, params).await?;
        self.conn.execute(SET_CHAIN_HASH, params![hash]).await?;
        Ok(())
    }

    /// Marks pemda `id` as changed by this transaction (its revision is raised at commit).
    pub(crate) fn touch_pemda(&mut self, id: i64) {
        if !self.pemdas.contains(&id) {
            self.pemdas.push(id);
        }
    }

    fn note_org(&mut self, audit: &Audit) {
        if let Some(org) = audit.org_data()
            && !self.orgs.contains(&org)
        {
            self.orgs.push(org);
        }
    }

    /// Raises the revision of every organisation this transaction changed. Not counted as a
    /// write by fault injection: it is bookkeeping of the commit, like the commit itself.
    async fn bump_revisions(&mut self) -> Result<()> {
        for org in std::mem::take(&mut self.orgs) {
            self.conn.execute(BUMP_REVISION, params![org]).await?;
        }
        // After the organisations': one lock order for every writer.
        for pemda in std::mem::take(&mut self.pemdas) {
            self.conn
                .execute(BUMP_PEMDA_REVISION, params![pemda])
                .await?;
        }
        Ok(())
    }

    /// Writes the audit records of this transaction's change (those of [`WriteTx::audit`], then
    /// `audit`) to the chain, raises the revisions, then commits everything together.
    ///
    /// Lock order (PostgreSQL): every write transaction takes the chain's head first, here, and
    /// the `org_revisions` rows after it, so two writers never wait for each other in opposite
    /// orders.
    async fn commit(mut self, audit: Audit) -> Result<()> {
        let actor = std::mem::take(&mut self.actor);
        self.note_org(&audit);
        let at = now();
        let written = async {
            // The final record is the transaction's last write for fault injection.
            self.before_write()?;
            for (earlier, when) in std::mem::take(&mut self.pending) {
                self.append_audit(&actor, &earlier, when).await?;
            }
            self.append_audit(&actor, &audit, at).await?;
            self.bump_revisions().await
        }
        .await;
        match written {
            Ok(_) => self.conn.commit().await,
            Err(e) => {
                self.conn.rollback().await;
                Err(e)
            }
        }
    }
}

pub(crate) mod ddl {
    //! Migrations: DDL scripts and the bookkeeping rows of the migrations table, outside the
    //! audited path (a schema change is not agency data). Used by [`crate::schema`] and by
    //! [`crate::backup`]'s restore, which reproduces history (the audit log included, verbatim)
    //! rather than making it.

    use super::{Conn, Inner, Param, Pool, PoolKind};
    use crate::error::{Result, StoreError};

    const CONTEXT: &str = "menyiapkan struktur basis data";

    /// A migration transaction.
    pub(crate) struct DdlTx(Conn);

    impl DdlTx {
        /// Runs `f` in one transaction; commits if it succeeds, rolls back otherwise.
        pub(crate) async fn run(
            pool: &Pool,
            f: impl AsyncFnOnce(&mut DdlTx) -> Result<()>,
        ) -> Result<()> {
            let inner = match &pool.kind {
                PoolKind::Sqlite(p) => p.begin_with("BEGIN IMMEDIATE").await.map(Inner::Sqlite),
                PoolKind::Postgres(p) => p.begin().await.map(Inner::Postgres),
            }
            .map_err(|e| StoreError::db(CONTEXT, e))?;
            let mut tx = DdlTx(Conn {
                inner,
                context: CONTEXT,
                statements: pool.statements.clone(),
            });
            match f(&mut tx).await {
                Ok(()) => tx.0.commit().await,
                Err(e) => {
                    tx.0.rollback().await;
                    Err(e)
                }
            }
        }

        pub(crate) fn read(&mut self) -> &mut Conn {
            &mut self.0
        }

        /// Runs a script of one or more statements without parameters.
        pub(crate) async fn script(&mut self, sql: String) -> Result<()> {
            let sql = sqlx::AssertSqlSafe(sql);
            match &mut self.0.inner {
                Inner::Sqlite(tx) => sqlx::raw_sql(sql).execute(&mut **tx).await.map(|_| ()),
                Inner::Postgres(tx) => sqlx::raw_sql(sql).execute(&mut **tx).await.map(|_| ()),
            }
            .map_err(|e| StoreError::db(CONTEXT, e))
        }

        /// Runs one parameterised statement.
        pub(crate) async fn execute(
            &mut self,
            sql: &'static str,
            params: Vec<Param>,
        ) -> Result<()> {
            self.0.execute(sql, params).await.map(|_| ())
        }
    }
}
