//! Pokin's persistence: organisations and their performance trees on embedded SQLite or on
//! PostgreSQL, the schema migrations, and the audit log.
//!
//! Only this crate writes SQL. [`Store`] is the whole interface: it takes and returns
//! [`pokin_domain`] values (an [`Organisation`] in, an [`Organisation`] out), never rows.
//!
//! Invariants:
//! - **One query text for both backends.** Every query is written once in portable SQL with
//!   `$1` placeholders, which both PostgreSQL and sqlx-sqlite accept (see the `db` module).
//!   Migrations are one text with a few type placeholders rendered per backend.
//! - **Every agency table carries `org_id`** and every query is scoped by it, so a national
//!   deployment can distribute the tables by organisation on Citus.
//! - **Every change is audited in its own transaction.** Writes happen only through a write
//!   transaction whose only way to commit takes the audit record (who, when, what, before and
//!   after as JSON), so a change cannot be committed without its record.
//! - **All or nothing.** An import, a deletion or an edit is one transaction; on any error,
//!   nothing is written. The `fault-injection` feature lets tests prove it
//!   (`Store::fail_after_writes`).
//!
//! Error messages a user sees are Indonesian ([`StoreError`]).

mod audit;
mod db;
mod documents;
mod edit;
mod error;
mod measure;
mod memo;
mod org;
mod pemda;
mod reports;
mod schema;
mod tree;
mod users;

pub use audit::{
    AuditAction, AuditBreak, AuditFilter, AuditProblem, AuditRecord, AuditVerification, entity,
};
pub use db::Backend;
pub use documents::{MAX_AMENDMENT_NOTE, MAX_AMOUNT, PkVersion};
pub use edit::{Direction, IndicatorSpec, ObjectiveInput, UnitInput};
pub use error::StoreError;
pub use measure::{
    ClosedPeriod, Evidence, PeriodTarget, RealisationRecord, ReopenRequest, YearMeasurements,
};
pub use org::OrgSummary;
pub use pemda::{
    MAX_NOTE, MemberYear, NewCrosscut, NewLink, PemdaImport, PemdaOverview, PemdaSummary,
    ReviewNote, Revisions, STALE_DAYS,
};
pub use reports::default_signing_date;
pub use tree::{IndicatorIds, ObjectiveIds, SupportIds, TreeWithIds, UnitIds};
pub use users::{
    ApiToken, MIN_PASSWORD_LEN, NewSession, NewUser, Role, Session, User, UserUpdate,
    check_password,
};

use pokin_domain::{Official, Organisation, TargetValue};

/// How [`Store::import_organisation`] treats an organisation whose name is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportMode {
    /// Refuse: an organisation of that name exists.
    New,
    /// Replace the stored organisation of that name (keeping its id), or create it.
    Replace,
}

/// A handle on the database: cheap to clone (clones share the connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: db::Pool,
    /// Where evidence files live ([`Store::with_evidence_dir`]).
    evidence_dir: Option<std::sync::Arc<std::path::PathBuf>>,
    #[cfg(feature = "fault-injection")]
    fault: db::FaultSwitch,
}

impl Store {
    /// Connects and applies pending migrations.
    ///
    /// `url` is `sqlite://PATH` (the file and its parent folders are created if missing; WAL
    /// journal, foreign keys on, a busy timeout), `sqlite::memory:`, or `postgres://…` /
    /// `postgresql://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let pool = db::Pool::connect(url).await?;
        schema::migrate(&pool).await?;
        Ok(Store {
            pool,
            evidence_dir: None,
            #[cfg(feature = "fault-injection")]
            fault: db::FaultSwitch::default(),
        })
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// How many SQL statements this store (and its clones) has run so far: reads and writes,
    /// not the BEGIN/COMMIT around them. For tests that count the queries of a page.
    pub fn statements(&self) -> u64 {
        self.pool.statements()
    }

    /// The revision of an organisation's data: 0 before its first change, then raised by one by
    /// every committed transaction that changes anything of it (the tree, targets,
    /// realisations, settings, programs, documents — everything its audit records name except
    /// accounts, sessions and tokens). Equal revisions mean equal data, so anything computed
    /// from an organisation's data may be cached under its revision.
    pub async fn revision(&self, org_id: i64) -> Result<i64, StoreError> {
        org::revision(&self.pool, org_id).await
    }

    /// Makes the next write transaction (import, deletion or edit) fail at its write
    /// statement number `n + 1`: `n` writes succeed, then the transaction fails and rolls back.
    /// The audit record counts as the transaction's last write. If the transaction has at most
    /// `n` writes it succeeds. Only with the `fault-injection` feature, for tests.
    #[cfg(feature = "fault-injection")]
    pub fn fail_after_writes(&self, n: usize) {
        self.fault.arm(n);
    }

    // -----------------------------------------------------------------------------------------
    // Whole organisations.

    /// All organisations, ordered by name (case-insensitive).
    pub async fn organisations(&self) -> Result<Vec<OrgSummary>, StoreError> {
        org::summaries(&self.pool).await
    }

    /// The organisation with exactly this name, if any.
    pub async fn organisation_by_name(&self, name: &str) -> Result<Option<OrgSummary>, StoreError> {
        org::summary_by_name(&self.pool, name).await
    }

    /// The whole tree of an organisation, exactly as imported or edited: units in stored order
    /// with their parents and officials, objectives with their cascade links (weights) and
    /// indicators (every specification field, baseline, decimals, targets).
    pub async fn load_organisation(&self, org_id: i64) -> Result<Organisation, StoreError> {
        org::load(&self.pool, org_id).await
    }

    /// The whole tree of an organisation with the database id of every element, for editing.
    pub async fn load_tree_with_ids(&self, org_id: i64) -> Result<TreeWithIds, StoreError> {
        org::load_tree(&self.pool, org_id).await
    }

    /// Stores a whole organisation in one transaction and returns its id.
    ///
    /// [`ImportMode::New`] refuses when an organisation of that name exists;
    /// [`ImportMode::Replace`] replaces its whole tree (keeping its id) or creates it. One audit
    /// record: entity `organisation`, action `replace` when an organisation was replaced
    /// (`before` = its previous JSON) and `import` otherwise (`before` = null); `after` = the
    /// JSON of `org`.
    pub async fn import_organisation(
        &self,
        actor: &str,
        org: &Organisation,
        mode: ImportMode,
    ) -> Result<i64, StoreError> {
        org::import(self, actor, org, mode).await
    }

    /// Deletes an organisation and everything it holds, audited (`before` = its JSON). Its audit
    /// history stays.
    pub async fn delete_organisation(&self, actor: &str, org_id: i64) -> Result<(), StoreError> {
        org::delete(self, actor, org_id).await
    }

    /// Audit records matching `filter`, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        audit::read(&self.pool, filter).await
    }

    /// Checks the audit log's hash chain (each record carries the hash of the one before it)
    /// in one snapshot, a page at a time: [`AuditVerification::Intact`] with the number of
    /// records, or the first record where it breaks and why (a record changed, removed, moved
    /// or added behind Pokin's back, or the newest ones removed).
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        audit::verify(&self.pool, &mut |_, _| {}).await
    }

    /// [`Store::verify_audit`], telling `progress` (records checked, records in the chain)
    /// after each page, e.g. for a progress bar.
    pub async fn verify_audit_with_progress(
        &self,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<AuditVerification, StoreError> {
        audit::verify(&self.pool, progress).await
    }

    // -----------------------------------------------------------------------------------------
    // Granular edits. Each is one audited transaction; the tree must still pass the domain's
    // validation afterwards, otherwise nothing changes. Ids come from `load_tree_with_ids`.

    /// Adds a unit; returns its id.
    pub async fn create_unit(
        &self,
        actor: &str,
        org_id: i64,
        input: &UnitInput,
    ) -> Result<i64, StoreError> {
        edit::create_unit(self, actor, org_id, input).await
    }

    /// Changes a unit's key, name, kind, parent or position. A new key renames the unit's
    /// measurements too (refused if measurements kept under that key would collide).
    pub async fn update_unit(
        &self,
        actor: &str,
        org_id: i64,
        unit_id: i64,
        input: &UnitInput,
    ) -> Result<(), StoreError> {
        edit::update_unit(self, actor, org_id, unit_id, input).await
    }

    /// Deletes a unit with its officials, objectives, indicators, targets and the cascade links
    /// from and to its objectives. Refused while other units report to it.
    pub async fn delete_unit(
        &self,
        actor: &str,
        org_id: i64,
        unit_id: i64,
    ) -> Result<(), StoreError> {
        edit::delete_unit(self, actor, org_id, unit_id).await
    }

    /// Adds an official to a unit (after its existing ones); returns the official's id.
    pub async fn create_official(
        &self,
        actor: &str,
        org_id: i64,
        unit_id: i64,
        official: &Official,
    ) -> Result<i64, StoreError> {
        edit::create_official(self, actor, org_id, unit_id, official).await
    }

    pub async fn update_official(
        &self,
        actor: &str,
        org_id: i64,
        official_id: i64,
        official: &Official,
    ) -> Result<(), StoreError> {
        edit::update_official(self, actor, org_id, official_id, official).await
    }

    pub async fn delete_official(
        &self,
        actor: &str,
        org_id: i64,
        official_id: i64,
    ) -> Result<(), StoreError> {
        edit::delete_official(self, actor, org_id, official_id).await
    }

    /// Adds an objective to a unit; returns its id.
    pub async fn create_objective(
        &self,
        actor: &str,
        org_id: i64,
        unit_id: i64,
        input: &ObjectiveInput,
    ) -> Result<i64, StoreError> {
        edit::create_objective(self, actor, org_id, unit_id, input).await
    }

    pub async fn update_objective(
        &self,
        actor: &str,
        org_id: i64,
        objective_id: i64,
        input: &ObjectiveInput,
    ) -> Result<(), StoreError> {
        edit::update_objective(self, actor, org_id, objective_id, input).await
    }

    /// Deletes an objective with its indicators, their targets, and the cascade links from and
    /// to it.
    pub async fn delete_objective(
        &self,
        actor: &str,
        org_id: i64,
        objective_id: i64,
    ) -> Result<(), StoreError> {
        edit::delete_objective(self, actor, org_id, objective_id).await
    }

    /// Records that objective `from_objective_id` supports `to_objective_id` (any unit:
    /// crosscutting is allowed) with a weight > 0; returns the link's id.
    pub async fn create_support(
        &self,
        actor: &str,
        org_id: i64,
        from_objective_id: i64,
        to_objective_id: i64,
        weight: f64,
    ) -> Result<i64, StoreError> {
        edit::create_support(
            self,
            actor,
            org_id,
            from_objective_id,
            to_objective_id,
            weight,
        )
        .await
    }

    /// Changes a cascade link's weight.
    pub async fn update_support(
        &self,
        actor: &str,
        org_id: i64,
        support_id: i64,
        weight: f64,
    ) -> Result<(), StoreError> {
        edit::update_support(self, actor, org_id, support_id, weight).await
    }

    pub async fn delete_support(
        &self,
        actor: &str,
        org_id: i64,
        support_id: i64,
    ) -> Result<(), StoreError> {
        edit::delete_support(self, actor, org_id, support_id).await
    }

    /// Adds an indicator to an objective; returns its id.
    pub async fn create_indicator(
        &self,
        actor: &str,
        org_id: i64,
        objective_id: i64,
        spec: &IndicatorSpec,
    ) -> Result<i64, StoreError> {
        edit::create_indicator(self, actor, org_id, objective_id, spec).await
    }

    /// Changes an indicator's specification (its targets stay). A new code renames the
    /// indicator's measurements too (refused if measurements kept under that code would
    /// collide).
    pub async fn update_indicator(
        &self,
        actor: &str,
        org_id: i64,
        indicator_id: i64,
        spec: &IndicatorSpec,
    ) -> Result<(), StoreError> {
        edit::update_indicator(self, actor, org_id, indicator_id, spec).await
    }

    /// Deletes an indicator with its targets.
    pub async fn delete_indicator(
        &self,
        actor: &str,
        org_id: i64,
        indicator_id: i64,
    ) -> Result<(), StoreError> {
        edit::delete_indicator(self, actor, org_id, indicator_id).await
    }

    /// Sets an indicator's target for a year (creating or replacing it); returns the target's
    /// id. The year must lie in the organisation's Renstra period, if it has one.
    pub async fn set_target(
        &self,
        actor: &str,
        org_id: i64,
        indicator_id: i64,
        year: i32,
        value: &TargetValue,
    ) -> Result<i64, StoreError> {
        edit::set_target(self, actor, org_id, indicator_id, year, value).await
    }

    /// Removes an indicator's target for a year.
    pub async fn delete_target(
        &self,
        actor: &str,
        org_id: i64,
        indicator_id: i64,
        year: i32,
    ) -> Result<(), StoreError> {
        edit::delete_target(self, actor, org_id, indicator_id, year).await
    }

    /// Adds an indicator together with its Renstra targets (one transaction, one audit record
    /// whose `after` holds the row and its targets); returns its id.
    pub async fn create_indicator_with_targets(
        &self,
        actor: &str,
        org_id: i64,
        objective_id: i64,
        spec: &IndicatorSpec,
        targets: &std::collections::BTreeMap<i32, TargetValue>,
    ) -> Result<i64, StoreError> {
        edit::create_indicator_with_targets(self, actor, org_id, objective_id, spec, targets).await
    }

    /// Replaces an indicator's specification and all of its targets at once (one transaction,
    /// one audit record with the row and its targets before and after). A new code renames its
    /// measurements as [`Store::update_indicator`] does.
    pub async fn update_indicator_with_targets(
        &self,
        actor: &str,
        org_id: i64,
        indicator_id: i64,
        spec: &IndicatorSpec,
        targets: &std::collections::BTreeMap<i32, TargetValue>,
    ) -> Result<(), StoreError> {
        edit::update_indicator_with_targets(self, actor, org_id, indicator_id, spec, targets).await
    }

    /// Moves a unit one place among the units with the same parent; refused at either end.
    pub async fn move_unit(
        &self,
        actor: &str,
        org_id: i64,
        unit_id: i64,
        direction: Direction,
    ) -> Result<(), StoreError> {
        edit::move_unit(self, actor, org_id, unit_id, direction).await
    }

    /// Moves an objective one place within its unit; refused at either end.
    pub async fn move_objective(
        &self,
        actor: &str,
        org_id: i64,
        objective_id: i64,
        direction: Direction,
    ) -> Result<(), StoreError> {
        edit::move_objective(self, actor, org_id, objective_id, direction).await
    }

    // -----------------------------------------------------------------------------------------
    // Accounts, sessions and API tokens (see the `users` module: hashes never leave the store,
    // every change is audited).

    /// All accounts, by user name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        users::all(&self.pool).await
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        users::by_id(&self.pool, id).await
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        users::by_name(&self.pool, username).await
    }

    /// How many accounts exist (0 on a fresh database).
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        users::count(&self.pool).await
    }

    /// Creates an account (password hashed with Argon2id); returns its id.
    pub async fn create_user(&self, actor: &str, new: &NewUser) -> Result<i64, StoreError> {
        users::create(self, actor, new).await
    }

    /// Changes an account's name, role, scope or disabled flag. Disabling ends its sessions.
    pub async fn update_user(
        &self,
        actor: &str,
        id: i64,
        change: &UserUpdate,
    ) -> Result<(), StoreError> {
        users::update(self, actor, id, change).await
    }

    /// Sets an account's password and whether it must be changed at the next login; ends all
    /// of the account's sessions.
    pub async fn set_password(
        &self,
        actor: &str,
        id: i64,
        password: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        users::set_password(self, actor, id, password, must_change).await
    }

    /// The enabled account `username` if `password` is right; `None` otherwise (unknown user,
    /// wrong password or disabled account alike, in about the same time).
    pub async fn verify_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        users::verify(&self.pool, username, password).await
    }

    /// Opens a login session for `user` (audited as `session` / `create`); returns the secret
    /// for the cookie and the session's CSRF token.
    pub async fn open_session(
        &self,
        user: &User,
        ttl: chrono::Duration,
    ) -> Result<NewSession, StoreError> {
        users::open_session(self, user, ttl).await
    }

    /// The unexpired session with this secret, of an enabled account.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>, StoreError> {
        users::session(&self.pool, secret).await
    }

    /// Ends the session with this secret (logout; audited as `session` / `delete`).
    pub async fn close_session(&self, actor: &str, secret: &str) -> Result<(), StoreError> {
        users::close_session(self, actor, secret).await
    }

    /// Makes an API token for the account; returns the token, which is shown only this once.
    pub async fn create_api_token(
        &self,
        actor: &str,
        user_id: i64,
        name: &str,
    ) -> Result<String, StoreError> {
        users::create_token(self, actor, user_id, name).await
    }

    /// The account's API tokens (never their secrets).
    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        users::tokens(&self.pool, user_id).await
    }

    pub async fn delete_api_token(&self, actor: &str, token_id: i64) -> Result<(), StoreError> {
        users::delete_token(self, actor, token_id).await
    }

    /// The enabled account owning this API token, if any; records the use (to the hour).
    pub async fn user_for_api_token(&self, token: &str) -> Result<Option<User>, StoreError> {
        users::user_for_token(self, token).await
    }
}

// ---------------------------------------------------------------------------------------------
// Bulk import (synthetic agencies at scale).

mod bulk;

pub use bulk::{BulkOrganisation, BulkRealisation};

impl Store {
    /// Stores many whole organisations with their Rencana Aksi targets and realisations in one
    /// transaction (all or nothing), with multi-row inserts; returns their ids in the order
    /// given. The rows are those [`Store::import_organisation`], [`Store::set_period_targets`]
    /// and the realisation workflow would store, so every read sees them the same way.
    ///
    /// Refused, writing nothing, when an organisation of one of the names exists (or a name
    /// repeats), or when a target or realisation names an indicator not in its tree, does not
    /// fit its periodisation, repeats, has an invalid value, or is in a workflow state no
    /// sequence of steps reaches. One audit record per organisation: entity `organisation`,
    /// action `import`, `after` a summary (name, counts, `"bulk": true`), not the tree.
    pub async fn bulk_import(
        &self,
        actor: &str,
        orgs: &[BulkOrganisation<'_>],
    ) -> Result<Vec<i64>, StoreError> {
        bulk::import(self, actor, orgs).await
    }
}

// ---------------------------------------------------------------------------------------------
// Backups (`Store::backup`, `Store::restore`).

mod backup;

pub use backup::{BACKUP_FORMAT_VERSION, BackupProgress, BackupSummary, RestoreSummary};
