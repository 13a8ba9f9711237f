//! The audit log: who changed what, when, with the state before and after.
//!
//! Records are written only by [`crate::db::WriteTx::commit`], in the transaction of the change
//! they describe, so a change without its record (or a record without its change) cannot exist.
//! Records outlive the data they describe: deleting an organisation keeps its history.

use crate::db::{Conn, Param, Pool, params};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

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

    /// Every entity, in the order a filter lists them.
    pub const ALL: [&str; 21] = [
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
     (recorded_at, actor, org_id, entity, entity_id, action, before_json, after_json) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

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

    /// The statement that stores this record.
    pub(crate) fn insert(
        &self,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(&'static str, Vec<Param>)> {
        let json = |v: &Option<Value>| -> Result<Option<String>> {
            v.as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))
        };
        Ok((
            INSERT_AUDIT,
            params![
                at,
                actor,
                self.org_id,
                self.entity,
                self.entity_id,
                self.action.as_str(),
                json(&self.before)?,
                json(&self.after)?,
            ],
        ))
    }
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
