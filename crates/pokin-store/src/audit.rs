//! The audit log: who changed what, when, with the state before and after.
//!
//! Records are written only by [`crate::db::WriteTx::commit`], in the transaction of the change
//! they describe, so a change without its record (or a record without its change) cannot exist.
//! Records outlive the data they describe: deleting an organisation keeps its history.
//! The records form a hash chain (each carries the previous one's hash, see "The hash chain"
//! below), so that [`verify`] finds a record changed, removed, moved or added behind the store's
//! back.

use crate::db::ddl::DdlTx;
use crate::db::{Conn, Param, Pool, params};
use crate::error::{Result, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What kind of change a record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    /// A whole organisation imported as new.
    Import,
    /// A whole organisation imported over an existing one of the same name.
    Replace,
}

impl AuditAction {
    pub const ALL: [AuditAction; 5] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Import,
        AuditAction::Replace,
    ];

    /// The machine name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Import => "import",
            AuditAction::Replace => "replace",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// How a person names the action, in Indonesian.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Create => "tambah",
            AuditAction::Update => "ubah",
            AuditAction::Delete => "hapus",
            AuditAction::Import => "impor",
            AuditAction::Replace => "impor (ganti)",
        }
    }
}

pub mod entity {
    //! The kinds of entity the store audits, as stored in [`AuditRecord::entity`](super::AuditRecord::entity).

    pub const ORGANISATION: &str = "organisation";
    pub const UNIT: &str = "unit";
    pub const OFFICIAL: &str = "official";
    pub const OBJECTIVE: &str = "objective";
    pub const SUPPORT: &str = "support";
    pub const INDICATOR: &str = "indicator";
    pub const TARGET: &str = "target";
    /// An account (never with its password hash).
    pub const USER: &str = "user";
    /// A login session: `create` is a login, `delete` a logout.
    pub const SESSION: &str = "session";
    /// An API token (never with its secret or hash).
    pub const API_TOKEN: &str = "api_token";
    /// The Rencana Aksi targets of one indicator (`entity_id` is empty: they are named by the
    /// indicator's unit key and code in `before`/`after`).
    pub const PERIOD_TARGET: &str = "period_target";
    /// A realisation: its values, narrative and workflow steps.
    pub const REALISATION: &str = "realisation";
    /// An evidence file's row (*bukti dukung*).
    pub const EVIDENCE: &str = "evidence";
    /// A closed reporting quarter.
    pub const PERIOD: &str = "period";
    /// A request to reopen a realisation of a closed period, and its decision.
    pub const REOPEN_REQUEST: &str = "reopen_request";
    /// An organisation's measurement settings (`entity_id` is the organisation's id).
    pub const SETTINGS: &str = "settings";
    /// A batch of value changes applied at once (the uploaded workbook).
    pub const MEASUREMENT_BATCH: &str = "measurement_batch";
    /// A program, kegiatan or sub kegiatan with its pagu (`entity_id` is its row id; it is
    /// named by its code in `before`/`after`).
    pub const PROGRAM: &str = "program";
    /// The realised budget of one program, year and quarter.
    pub const BUDGET_REALISATION: &str = "budget_realisation";
    /// An organisation's document settings (`entity_id` is the organisation's id).
    pub const DOCUMENT_SETTINGS: &str = "document_settings";
    /// An established version of a Perjanjian Kinerja (`after` holds its snapshot).
    pub const PERJANJIAN_KINERJA: &str = "perjanjian_kinerja";
    /// A pemda's RPJMD tree, whole (`entity_id` is the pemda's id; `org_id` is empty).
    pub const PEMDA: &str = "pemda";
    /// An organisation joining or leaving a pemda (`org_id` the organisation).
    pub const PEMDA_MEMBER: &str = "pemda_member";
    /// A link from an OPD objective to a pemda node, and each step of its lifecycle (`org_id`
    /// the OPD).
    pub const CASCADE_LINK: &str = "cascade_link";
    /// A crosscutting request between two OPDs and its answer (`org_id` the receiving OPD).
    pub const CROSSCUT: &str = "crosscut";
    /// A review note (*catatan reviu*) and its resolution.
    pub const REVIEW_NOTE: &str = "review_note";
    /// Bappeda's own realisation of a pemda indicator for a year.
    pub const PEMDA_REALISATION: &str = "pemda_realisation";

    /// Every entity, in the order a filter lists them.
    pub const ALL: [&str; 27] = [
        ORGANISATION,
        UNIT,
        OFFICIAL,
        OBJECTIVE,
        SUPPORT,
        INDICATOR,
        TARGET,
        USER,
        SESSION,
        API_TOKEN,
        PERIOD_TARGET,
        REALISATION,
        EVIDENCE,
        PERIOD,
        REOPEN_REQUEST,
        SETTINGS,
        MEASUREMENT_BATCH,
        PROGRAM,
        BUDGET_REALISATION,
        DOCUMENT_SETTINGS,
        PERJANJIAN_KINERJA,
        PEMDA,
        PEMDA_MEMBER,
        CASCADE_LINK,
        CROSSCUT,
        REVIEW_NOTE,
        PEMDA_REALISATION,
    ];

    /// What an entity is called in Indonesian (the machine name itself when unknown).
    pub fn label(e: &str) -> &str {
        match e {
            ORGANISATION => "organisasi",
            UNIT => "unit",
            OFFICIAL => "pejabat",
            OBJECTIVE => "sasaran",
            SUPPORT => "cascading",
            INDICATOR => "indikator",
            TARGET => "target",
            USER => "pengguna",
            SESSION => "sesi",
            API_TOKEN => "token API",
            PERIOD_TARGET => "target rencana aksi",
            REALISATION => "realisasi",
            EVIDENCE => "bukti dukung",
            PERIOD => "periode",
            REOPEN_REQUEST => "permintaan buka kembali",
            SETTINGS => "pengaturan capaian",
            MEASUREMENT_BATCH => "lembar kerja",
            PROGRAM => "program/kegiatan",
            BUDGET_REALISATION => "realisasi anggaran",
            DOCUMENT_SETTINGS => "pengaturan dokumen",
            PERJANJIAN_KINERJA => "perjanjian kinerja",
            PEMDA => "pohon kinerja pemda",
            PEMDA_MEMBER => "keanggotaan pemda",
            CASCADE_LINK => "tautan cascading pemda",
            CROSSCUT => "crosscutting antar-OPD",
            REVIEW_NOTE => "catatan reviu",
            PEMDA_REALISATION => "realisasi indikator pemda",
            other => other,
        }
    }
}

/// One audited change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    /// When the change was committed (UTC, microsecond precision).
    pub at: DateTime<Utc>,
    /// Who made it (a user name, or e.g. `cli` for the command line).
    pub actor: String,
    pub org_id: Option<i64>,
    /// One of [`entity`]'s constants.
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: AuditAction,
    /// The entity before the change (`None` for creations and imports of a new organisation).
    pub before: Option<Value>,
    /// The entity after the change (`None` for deletions).
    pub after: Option<Value>,
}

/// Which records [`crate::Store::audit_log`] returns; every field narrows, `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub org_id: Option<i64>,
    pub actor: Option<String>,
    pub entity: Option<String>,
    /// Records about this entity id (with `entity`, one row's history, e.g. a realisation's).
    pub entity_id: Option<i64>,
    /// Records at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Records strictly before this instant.
    pub until: Option<DateTime<Utc>>,
    /// At most this many records (the newest).
    pub limit: Option<u32>,
}

/// The audit record a write transaction commits with (who and when are filled in by the
/// transaction).
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    pub org_id: Option<i64>,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub action: AuditAction,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

const INSERT_AUDIT: &str = "INSERT INTO audit_log \
     (recorded_at, actor, org_id, entity, entity_id, action, before_json, after_json, \
     seq, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

impl Audit {
    /// The organisation whose data this record says changed: its `org_id`, unless the entity
    /// is an account, a session or an API token (they carry the user's organisation but change
    /// nothing that is read from the organisation's data).
    pub(crate) fn org_data(&self) -> Option<i64> {
        match self.entity {
            entity::USER | entity::SESSION | entity::API_TOKEN => None,
            _ => self.org_id,
        }
    }

    /// A record about row `id` of `entity` in organisation `org_id`.
    pub(crate) fn row(
        org_id: i64,
        entity: &'static str,
        id: i64,
        action: AuditAction,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Audit {
        Audit {
            org_id: Some(org_id),
            entity,
            entity_id: Some(id),
            action,
            before,
            after,
        }
    }

    /// The record of a created row (`after` = the row as stored).
    pub(crate) fn created(org_id: i64, entity: &'static str, id: i64, after: Value) -> Audit {
        Audit::row(org_id, entity, id, AuditAction::Create, None, Some(after))
    }

    /// The record of an updated row.
    pub(crate) fn updated(
        org_id: i64,
        entity: &'static str,
        id: i64,
        before: Value,
        after: Value,
    ) -> Audit {
        Audit::row(
            org_id,
            entity,
            id,
            AuditAction::Update,
            Some(before),
            Some(after),
        )
    }

    /// The record of a deleted row (`before` = the row as it was).
    pub(crate) fn deleted(org_id: i64, entity: &'static str, id: i64, before: Value) -> Audit {
        Audit::row(org_id, entity, id, AuditAction::Delete, Some(before), None)
    }

    /// The statement that stores this record at position `seq` of the chain, after the record
    /// whose hash is `prev_hash`, and the record's own hash (the chain's new head).
    pub(crate) fn insert(
        &self,
        actor: &str,
        at: DateTime<Utc>,
        seq: i64,
        prev_hash: &str,
    ) -> Result<(&'static str, Vec<Param>, String)> {
        let json = |v: &Option<Value>| -> Result<Option<String>> {
            v.as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))
        };
        let before = json(&self.before)?;
        let after = json(&self.after)?;
        let hash = Content {
            at,
            actor,
            org_id: self.org_id,
            entity: self.entity,
            entity_id: self.entity_id,
            action: self.action.as_str(),
            before: before.as_deref(),
            after: after.as_deref(),
        }
        .hash(seq, prev_hash);
        Ok((
            INSERT_AUDIT,
            params![
                at,
                actor,
                self.org_id,
                self.entity,
                self.entity_id,
                self.action.as_str(),
                before,
                after,
                seq,
                prev_hash,
                hash.clone(),
            ],
            hash,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// The hash chain (migration 6).
//
// Record `seq` (1, 2, 3…) stores `prev_hash`, the hash of record `seq - 1` ([`GENESIS`] for the
// first), and `hash` = SHA-256 over its content and `prev_hash` ([`Content::hash`]). The one-row
// table `audit_chain` holds the head: the last position and its hash. A write transaction
// advances the head with `UPDATE … RETURNING` ([`ADVANCE_CHAIN`]), which on PostgreSQL holds
// the row's lock until the commit, so concurrent writers append one after another; SQLite's
// writers are serialised by `BEGIN IMMEDIATE` already.

/// The hash before the first record.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Reserves the next position of the chain and returns it with the hash of the record before
/// it (the head's). Locks the head until the transaction ends.
pub(crate) const ADVANCE_CHAIN: &str =
    "UPDATE audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";

/// Records the hash of the record just appended as the head's.
pub(crate) const SET_CHAIN_HASH: &str = "UPDATE audit_chain SET hash = $1 WHERE id = 1";

const SET_CHAIN_HEAD: &str = "UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1";

const SELECT_CHAIN_HEAD: &str = "SELECT seq, hash FROM audit_chain WHERE id = 1";

/// The records not in the chain, oldest id first (before migration 6: all of them).
const SELECT_UNCHAINED: &str = "SELECT id, seq, prev_hash, hash, recorded_at, actor, org_id, \
     entity, entity_id, action, before_json, after_json FROM audit_log \
     WHERE seq IS NULL ORDER BY id LIMIT $1";

/// The chain's next page: the records after position `$1`, in chain order.
const SELECT_CHAIN_PAGE: &str = "SELECT id, seq, prev_hash, hash, recorded_at, actor, org_id, \
     entity, entity_id, action, before_json, after_json FROM audit_log \
     WHERE seq > $1 ORDER BY seq LIMIT $2";

const SET_LINK: &str = "UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4";

/// How many records are read at once when chaining or verifying: bounded memory whatever the
/// size of the log (a record of a whole organisation's import holds its tree as JSON).
const PAGE: i64 = 200;

/// The chain's head: its last position and that record's hash.
#[derive(sqlx::FromRow)]
pub(crate) struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// What a record's hash covers, besides its position and the previous record's hash: every
/// column a person reads, exactly as stored (the JSON texts byte for byte).
struct Content<'a> {
    at: DateTime<Utc>,
    actor: &'a str,
    org_id: Option<i64>,
    entity: &'a str,
    entity_id: Option<i64>,
    action: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

impl Content<'_> {
    /// SHA-256 (lower-case hex) over an unambiguous encoding: a version tag, then each field as
    /// a presence byte (0 = NULL, 1 = a value) and, for a value, its length as 8 bytes
    /// big-endian and its UTF-8 bytes. Numbers are written in decimal; the time as RFC 3339
    /// UTC with microseconds (what both backends store: `db::now()` truncates to them), so the
    /// hash does not depend on how a backend stores a timestamp.
    fn hash(&self, seq: i64, prev_hash: &str) -> String {
        fn field(h: &mut Sha256, v: Option<&str>) {
            match v {
                None => h.update([0u8]),
                Some(s) => {
                    h.update([1u8]);
                    h.update((s.len() as u64).to_be_bytes());
                    h.update(s.as_bytes());
                }
            }
        }
        let mut h = Sha256::new();
        h.update(b"pokin-audit-v1");
        field(&mut h, Some(&seq.to_string()));
        field(
            &mut h,
            Some(&self.at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        );
        field(&mut h, Some(self.actor));
        field(&mut h, self.org_id.map(|v| v.to_string()).as_deref());
        field(&mut h, Some(self.entity));
        field(&mut h, self.entity_id.map(|v| v.to_string()).as_deref());
        field(&mut h, Some(self.action));
        field(&mut h, self.before);
        field(&mut h, self.after);
        field(&mut h, Some(prev_hash));
        crate::users::hex(&h.finalize())
    }
}

/// An audit row with its chain columns, as stored.
#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
    recorded_at: DateTime<Utc>,
    actor: String,
    org_id: Option<i64>,
    entity: String,
    entity_id: Option<i64>,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl ChainRow {
    /// The hash this row's content gives at position `seq` after `prev_hash`.
    fn hash_at(&self, seq: i64, prev_hash: &str) -> String {
        Content {
            at: self.recorded_at,
            actor: &self.actor,
            org_id: self.org_id,
            entity: &self.entity,
            entity_id: self.entity_id,
            action: &self.action,
            before: self.before_json.as_deref(),
            after: self.after_json.as_deref(),
        }
        .hash(seq, prev_hash)
    }
}

/// Chains the records stored before migration 6, in id order, after the chain's head; runs in
/// the migration's transaction, so it happens once. Records that appear later without a
/// position were not written by Pokin: [`verify`] names them instead of adopting them.
pub(crate) async fn chain_existing(tx: &mut DdlTx) -> Result<()> {
    let mut head: ChainHead = tx.read().fetch_one(SELECT_CHAIN_HEAD, params![]).await?;
    loop {
        let rows: Vec<ChainRow> = tx.read().fetch_all(SELECT_UNCHAINED, params![PAGE]).await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let seq = head.seq + 1;
            let hash = row.hash_at(seq, &head.hash);
            tx.execute(SET_LINK, params![seq, head.hash, hash.clone(), row.id])
                .await?;
            head = ChainHead { seq, hash };
        }
    }
    tx.execute(SET_CHAIN_HEAD, params![head.seq, head.hash])
        .await
}

/// What [`crate::Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AuditVerification {
    /// Every record is in the chain, in order and unchanged, up to the head.
    Intact {
        /// How many records were checked.
        records: u64,
    },
    /// The chain is broken; the first place where it breaks.
    Broken(AuditBreak),
}

/// Where the audit chain breaks first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditBreak {
    /// The record named: the one that fails the check, or, when records are missing at the
    /// end, the last one left (`None` when none is left).
    pub id: Option<i64>,
    /// Its position in the chain (`None` when it has none or there is no record).
    pub seq: Option<i64>,
    /// When it was recorded.
    pub at: Option<DateTime<Utc>>,
    pub problem: AuditProblem,
    /// How many records were found intact before it.
    pub intact: u64,
}

/// Why the chain breaks at [`AuditBreak`]'s record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AuditProblem {
    /// The record's content (or its hash) no longer matches its hash.
    ContentChanged,
    /// Records before this one are missing: its position is not the next one.
    Gap { expected: i64 },
    /// It does not link to the record before it (that one was changed, replaced or moved).
    Unlinked,
    /// Its position is taken twice.
    Duplicate,
    /// It comes after the head: it was added outside Pokin.
    AfterHead { head: i64 },
    /// The records after this one are missing: the head names a later position.
    LastMissing { head: i64 },
    /// It is at the head's position but is not the record the head names (or the head was
    /// changed).
    HeadMismatch,
    /// It has no position in the chain: it was added outside Pokin.
    Unchained,
    /// The head itself (`audit_chain`) is missing.
    HeadMissing,
}

impl AuditProblem {
    /// Why, in Indonesian.
    pub fn message(&self) -> String {
        use pokin_domain::format::number;
        let n = |v: i64| number(v as f64, 0);
        match self {
            AuditProblem::ContentChanged => {
                "isi catatan diubah: hash-nya tidak cocok lagi dengan isinya".into()
            }
            AuditProblem::Gap { expected } => format!(
                "catatan sebelum ini hilang: catatan urutan ke-{} tidak ada",
                n(*expected)
            ),
            AuditProblem::Unlinked => "catatan sebelum ini hilang, diubah atau urutannya \
                                       diubah: catatan ini tidak tersambung dengannya"
                .into(),
            AuditProblem::Duplicate => "nomor urut catatan ini dipakai dua kali".into(),
            AuditProblem::AfterHead { head } => format!(
                "catatan ini ditambahkan di luar Pokin: ujung rantai mencatat hanya {} catatan",
                n(*head)
            ),
            AuditProblem::LastMissing { head } => format!(
                "catatan terakhir hilang: ujung rantai mencatat {} catatan, tetapi rantai \
                 berhenti di catatan ini",
                n(*head)
            ),
            AuditProblem::HeadMismatch => "catatan terakhir diganti atau ujung rantai (tabel \
                                           audit_chain) diubah: keduanya tidak cocok"
                .into(),
            AuditProblem::Unchained => {
                "catatan ini tidak termasuk rantai: ditambahkan di luar Pokin".into()
            }
            AuditProblem::HeadMissing => {
                "ujung rantai audit (tabel audit_chain) hilang atau dihapus".into()
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct UnchainedRow {
    id: i64,
    recorded_at: DateTime<Utc>,
}

const SELECT_FIRST_UNCHAINED: &str =
    "SELECT id, recorded_at FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1";

/// Checks the whole chain in one snapshot, a page at a time, in chain order: positions follow
/// each other from 1, each record links to the one before, each hash recomputes from its
/// record, the last record is the head, and no record lies outside the chain. `progress` is
/// told (records checked, records the head names) after each page.
pub(crate) async fn verify(
    pool: &Pool,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<AuditVerification> {
    Conn::run(pool, "memeriksa rantai log audit", async |conn| {
        let broken = |row: Option<&ChainRow>, problem, intact| {
            AuditVerification::Broken(AuditBreak {
                id: row.map(|r| r.id),
                seq: row.and_then(|r| r.seq),
                at: row.map(|r| r.recorded_at),
                problem,
                intact,
            })
        };
        let Some(head) = conn
            .fetch_optional::<ChainHead>(SELECT_CHAIN_HEAD, params![])
            .await?
        else {
            return Ok(broken(None, AuditProblem::HeadMissing, 0));
        };
        let total = u64::try_from(head.seq).unwrap_or(0);
        let mut expected: i64 = 1;
        let mut prev = GENESIS.to_owned();
        let mut last: Option<ChainRow> = None;
        progress(0, total);
        loop {
            let rows: Vec<ChainRow> = conn
                .fetch_all(SELECT_CHAIN_PAGE, params![expected - 1, PAGE])
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let intact = (expected - 1) as u64;
                let seq = row.seq.unwrap_or_default();
                let problem = if seq < expected {
                    Some(AuditProblem::Duplicate)
                } else if seq > head.seq {
                    Some(AuditProblem::AfterHead { head: head.seq })
                } else if seq > expected {
                    Some(AuditProblem::Gap { expected })
                } else if row.prev_hash.as_deref() != Some(prev.as_str()) {
                    Some(AuditProblem::Unlinked)
                } else if row.hash.as_deref() != Some(row.hash_at(seq, &prev).as_str()) {
                    Some(AuditProblem::ContentChanged)
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Ok(broken(Some(&row), problem, intact));
                }
                prev = row.hash.clone().unwrap_or_default();
                expected += 1;
                last = Some(row);
            }
            progress((expected - 1) as u64, total);
        }
        let intact = (expected - 1) as u64;
        if expected - 1 < head.seq {
            return Ok(broken(
                last.as_ref(),
                AuditProblem::LastMissing { head: head.seq },
                intact,
            ));
        }
        if prev != head.hash {
            return Ok(broken(
                last.as_ref(),
                AuditProblem::HeadMismatch,
                intact.saturating_sub(1),
            ));
        }
        if let Some(row) = conn
            .fetch_optional::<UnchainedRow>(SELECT_FIRST_UNCHAINED, params![])
            .await?
        {
            return Ok(AuditVerification::Broken(AuditBreak {
                id: Some(row.id),
                seq: None,
                at: Some(row.recorded_at),
                problem: AuditProblem::Unchained,
                intact,
            }));
        }
        Ok(AuditVerification::Intact { records: intact })
    })
    .await
}

/// A value as the JSON of an audit record's `before` or `after`.
pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<Value> {
    serde_json::to_value(v)
        .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))
}

/// Adds `key: value` to a JSON object (e.g. the row of a deletion gets what was deleted with
/// it).
pub(crate) fn with(mut row: Value, key: &str, value: Value) -> Value {
    if let Value::Object(map) = &mut row {
        map.insert(key.to_owned(), value);
    }
    row
}

const SELECT_AUDIT: &str = "SELECT id, recorded_at, actor, org_id, entity, entity_id, action, \
     before_json, after_json FROM audit_log \
     WHERE ($1 IS NULL OR org_id = $1) \
     AND ($2 IS NULL OR actor = $2) \
     AND ($3 IS NULL OR entity = $3) \
     AND ($4 IS NULL OR recorded_at >= $4) \
     AND ($5 IS NULL OR recorded_at < $5) \
     AND ($7 IS NULL OR entity_id = $7) \
     ORDER BY recorded_at DESC, id DESC \
     LIMIT $6";

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    recorded_at: DateTime<Utc>,
    actor: String,
    org_id: Option<i64>,
    entity: String,
    entity_id: Option<i64>,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl AuditRow {
    fn into_record(self) -> Result<AuditRecord> {
        let id = self.id;
        let json = |s: Option<String>| -> Result<Option<Value>> {
            s.map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(|e| {
                    StoreError::Corrupt(format!("catatan audit {id} berisi JSON rusak ({e})"))
                })
        };
        let action = AuditAction::from_str_opt(&self.action).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "catatan audit {id} memakai tindakan '{}' yang tidak dikenal",
                self.action
            ))
        })?;
        Ok(AuditRecord {
            id,
            at: self.recorded_at,
            actor: self.actor,
            org_id: self.org_id,
            entity: self.entity,
            entity_id: self.entity_id,
            action,
            before: json(self.before_json)?,
            after: json(self.after_json)?,
        })
    }
}

/// Reads the records matching `filter`, newest first.
pub(crate) async fn read(pool: &Pool, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
    let limit = filter.limit.map_or(i64::MAX, i64::from);
    let rows: Vec<AuditRow> = Conn::run(pool, "membaca log audit", async |conn| {
        conn.fetch_all(
            SELECT_AUDIT,
            params![
                filter.org_id,
                filter.actor.clone(),
                filter.entity.clone(),
                filter.since,
                filter.until,
                limit,
                filter.entity_id,
            ],
        )
        .await
    })
    .await?;
    rows.into_iter().map(AuditRow::into_record).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> Content<'static> {
        Content {
            at: DateTime::parse_from_rfc3339("2026-11-28T12:34:56.123456Z")
                .expect("time")
                .with_timezone(&Utc),
            actor: "tester",
            org_id: Some(7),
            entity: entity::UNIT,
            entity_id: Some(12),
            action: "update",
            before: Some("{}"),
            after: None,
        }
    }

    #[test]
    fn the_hash_is_hex_sha256_and_covers_every_field() {
        let base = content().hash(3, GENESIS);
        assert_eq!(base.len(), 64);
        assert!(
            base.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(content().hash(3, GENESIS), base, "deterministic");
        let changed = [
            content().hash(4, GENESIS),
            content().hash(3, &"1".repeat(64)),
            Content {
                at: content().at + chrono::Duration::microseconds(1),
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                actor: "tester2",
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                org_id: None,
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                entity: entity::OFFICIAL,
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                entity_id: Some(13),
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                action: "delete",
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                before: None,
                ..content()
            }
            .hash(3, GENESIS),
            Content {
                after: Some(""),
                ..content()
            }
            .hash(3, GENESIS),
        ];
        for (i, h) in changed.iter().enumerate() {
            assert_ne!(h, &base, "field {i} is not covered");
        }
    }

    #[test]
    fn fields_cannot_shift_into_each_other() {
        // Without length prefixes, "ab" + "c" and "a" + "bc" would hash alike.
        let a = Content {
            before: Some("ab"),
            after: Some("c"),
            ..content()
        };
        let b = Content {
            before: Some("a"),
            after: Some("bc"),
            ..content()
        };
        assert_ne!(a.hash(1, GENESIS), b.hash(1, GENESIS));
        // NULL is not the empty text.
        let null = Content {
            before: None,
            after: Some(""),
            ..content()
        };
        let empty = Content {
            before: Some(""),
            after: None,
            ..content()
        };
        assert_ne!(null.hash(1, GENESIS), empty.hash(1, GENESIS));
    }
}
