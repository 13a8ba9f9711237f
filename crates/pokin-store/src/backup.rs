//! Backups: the whole database and every evidence file in one ZIP file, and its restoration into
//! an empty database.
//!
//! The backup is **logical** and the same for both backends, so it also moves an agency from
//! SQLite to PostgreSQL (or back). The file holds:
//!
//! - `manifest.json`: format (`pokin-backup`, version 1), Pokin's version, the schema version,
//!   the source backend, when it was made, and per table its columns, their types, its row count
//!   and the last identity value used; per evidence file its SHA-256 and size.
//! - `tables/<table>.jsonl`: one JSON array per row, in the manifest's column order, ordered by
//!   primary key. Integers, reals (shortest round-trip notation; restored with Rust's exact
//!   parser), text, booleans, timestamps (RFC 3339 text, as sqlx writes them on SQLite), dates
//!   (`YYYY-MM-DD`) and NULL.
//! - `bukti/<ab>/<sha256>`: every evidence file a row names, as stored content-addressed under
//!   the evidence folder.
//!
//! Tables and columns are read from the database catalogue (`sqlite_master` and its pragmas;
//! `pg_catalog` restricted to the current schema), excluding only the migration bookkeeping
//! table, so a table or column added by a later migration is backed up without changing this
//! module. Values are decoded by their type at run time.
//!
//! **Consistency.** Every table is read in one read transaction: a snapshot (`REPEATABLE READ
//! READ ONLY` on PostgreSQL; a WAL read transaction on SQLite, which does not block the
//! server's writers), so a backup taken while the server runs is a state the database was in.
//! Rows are read a page at a time by primary key (keyset pagination inside that one
//! transaction), so a large table is never held in memory.
//!
//! **Restore** writes into a database without agency data, accounts or audit records (else it is
//! refused and nothing is written), of the same schema version. It clears what migrations
//! seeded (e.g. the audit chain's head), inserts every table in foreign-key order (parents
//! first, derived from the catalogue; a self-reference such as a unit's parent is filled in by a
//! second pass) in ONE transaction, then sets identity sequences past the restored ids. It
//! bypasses the audited write path on purpose: it reproduces history verbatim (the audit log and
//! its hash chain included), it does not make any; writing an audit record of the restore would
//! make the restored tables differ from the backup. Evidence files are checked against the
//! manifest's SHA-256 and written to temporary files first; they are moved into place only once
//! every row is in, and removed again if the commit fails. A truncated or corrupt file is
//! refused with nothing written.

use crate::Store;
use crate::db::ddl::DdlTx;
use crate::db::{Backend, Conn, Param, params};
use crate::error::{Result, StoreError};
use crate::measure::{content_path, intact_at};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, Row, TypeInfo, ValueRef};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The version of the backup format this Pokin writes and reads.
pub const BACKUP_FORMAT_VERSION: u32 = 1;

const FORMAT_NAME: &str = "pokin-backup";
const MANIFEST: &str = "manifest.json";
/// The table naming evidence files, and its column holding their SHA-256.
const EVIDENCE_TABLE: &str = "evidence";
const EVIDENCE_SHA: &str = "sha256";
/// Rows per page when reading a table.
const PAGE: i64 = 2000;
/// Largest manifest accepted (it lists every evidence file).
const MAX_MANIFEST: u64 = 256 * 1024 * 1024;
/// Largest evidence file accepted (the store accepts 10 MiB; some room for older limits).
const MAX_EVIDENCE: u64 = 64 * 1024 * 1024;

/// How far a backup or restore has come: `done` of `total` steps (a step is a row or an
/// evidence file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupProgress {
    pub done: u64,
    pub total: u64,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub schema_version: i64,
    /// Every table with its row count, in foreign-key order.
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
}

/// What a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub schema_version: i64,
    /// Every table with its row count, in the order restored.
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
    /// `sqlite` or `postgres`: where the backup was made.
    pub source_backend: String,
    /// When the backup was made (RFC 3339).
    pub created_at: String,
    /// The Pokin version that made it.
    pub pokin_version: String,
}

impl Store {
    /// Writes a backup of the whole database and every evidence file to `out` (see the module
    /// documentation of `backup` for the format). Reads one snapshot, so it may run while the
    /// server writes. `progress` is told after each page of rows and each evidence file.
    ///
    /// Fails when an evidence file a row names is missing or altered (a backup without it would
    /// be incomplete), or when `out` cannot be written.
    pub async fn backup<W: Write + Seek>(
        &self,
        out: W,
        progress: &(dyn Fn(BackupProgress) + Send + Sync),
    ) -> Result<BackupSummary, StoreError> {
        let backend = self.backend();
        let evidence_dir = self.evidence_dir.clone();
        let mut zip = zip::ZipWriter::new(out);
        let summary = Conn::run(&self.pool, "membuat cadangan", async |c| {
            write_backup(
                c,
                backend,
                evidence_dir.as_deref().map(PathBuf::as_path),
                &mut zip,
                progress,
            )
            .await
        })
        .await?;
        zip.finish()
            .map_err(write_error)?
            .flush()
            .map_err(write_error)?;
        Ok(summary)
    }

    /// Restores a backup made by [`Store::backup`] into this database, which must hold no
    /// organisation, account, audit record or other agency data, and have the backup's schema
    /// version. All or nothing: one transaction; evidence files (checked against their
    /// SHA-256) are moved into the evidence folder only when every row is in. A truncated,
    /// corrupt or foreign file is refused with an Indonesian message and nothing written.
    pub async fn restore<R: Read + Seek>(
        &self,
        file: R,
        progress: &(dyn Fn(BackupProgress) + Send + Sync),
    ) -> Result<RestoreSummary, StoreError> {
        let mut zip = zip::ZipArchive::new(file).map_err(|e| corrupt(format!("{e}")))?;
        let manifest = read_manifest(&mut zip)?;
        let staged = stage_evidence(
            &mut zip,
            &manifest,
            self.evidence_dir.as_deref().map(PathBuf::as_path),
        )?;
        let backend = self.backend();
        let mut placed: Vec<PathBuf> = Vec::new();
        let mut tables = Vec::new();
        let result = DdlTx::run(&self.pool, async |tx| {
            tables = restore_tables(tx, backend, &mut zip, &manifest, progress)
                .await
                .map_err(recontext)?;
            place_evidence(staged, &mut placed)
        })
        .await;
        if let Err(e) = result {
            for p in placed {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        Ok(RestoreSummary {
            schema_version: manifest.schema_version,
            rows: tables.iter().map(|(_, n)| n).sum(),
            tables,
            evidence_files: manifest.evidence.len(),
            evidence_bytes: manifest.evidence.iter().map(|e| e.size).sum(),
            source_backend: manifest.source_backend,
            created_at: manifest.created_at,
            pokin_version: manifest.pokin_version,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The manifest.

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    format_version: u32,
    pokin_version: String,
    schema_version: i64,
    source_backend: String,
    created_at: String,
    tables: Vec<TableEntry>,
    evidence: Vec<EvidenceEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TableEntry {
    name: String,
    columns: Vec<String>,
    types: Vec<Kind>,
    rows: u64,
    /// The last value the table's identity column handed out (may exceed the largest id
    /// present when rows were deleted); restored so ids are never reused.
    sequence: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EvidenceEntry {
    path: String,
    sha256: String,
    size: u64,
}

fn table_path(table: &str) -> String {
    format!("tables/{table}.jsonl")
}

fn evidence_zip_path(sha: &str) -> String {
    format!("bukti/{}/{sha}", &sha[..2])
}

fn is_sha(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ---------------------------------------------------------------------------------------------
// Column types.

/// A column's type, the same name on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Integer,
    Real,
    Boolean,
    Text,
    /// PostgreSQL `TIMESTAMPTZ` (on SQLite timestamps are `TEXT` columns).
    Timestamp,
    /// PostgreSQL `DATE` (on SQLite dates are `TEXT` columns).
    Date,
}

impl Kind {
    fn of(backend: Backend, table: &str, column: &str, decl: &str) -> Result<Kind> {
        let d = decl.to_ascii_lowercase();
        let kind = match backend {
            Backend::Sqlite => {
                if d.contains("bool") {
                    Some(Kind::Boolean)
                } else if d.contains("int") {
                    Some(Kind::Integer)
                } else if d.contains("real") || d.contains("doub") || d.contains("floa") {
                    Some(Kind::Real)
                } else if d.contains("text") || d.contains("char") || d.contains("clob") {
                    Some(Kind::Text)
                } else {
                    None
                }
            }
            Backend::Postgres => match d.as_str() {
                "bigint" | "integer" | "smallint" => Some(Kind::Integer),
                "double precision" | "real" => Some(Kind::Real),
                "boolean" => Some(Kind::Boolean),
                "text" => Some(Kind::Text),
                "timestamp with time zone" => Some(Kind::Timestamp),
                "date" => Some(Kind::Date),
                _ if d.starts_with("character") => Some(Kind::Text),
                _ => None,
            },
        };
        kind.ok_or_else(|| {
            StoreError::Schema(format!(
                "kolom {table}.{column} bertipe '{decl}', yang tidak dikenal oleh cadangan Pokin; \
                 cadangan tidak dapat dibuat atau dipulihkan. Hubungi pengelola aplikasi."
            ))
        })
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Integer => "bilangan bulat",
            Kind::Real => "bilangan",
            Kind::Boolean => "ya/tidak",
            Kind::Text => "teks",
            Kind::Timestamp => "waktu",
            Kind::Date => "tanggal",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The catalogue.

#[derive(Debug)]
struct ColumnInfo {
    name: String,
    kind: Kind,
    not_null: bool,
    /// Position in the primary key (1-based), 0 when not part of it.
    pk: i64,
    /// Filled by an identity sequence (PostgreSQL identity, SQLite `AUTOINCREMENT`).
    identity: bool,
}

#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<ColumnInfo>,
    /// Other tables this one references.
    parents: BTreeSet<String>,
    /// Nullable columns of foreign keys into this same table: NULL on the first pass of a
    /// restore, set by a second pass once every row exists.
    self_refs: Vec<usize>,
}

impl Table {
    /// Indices of the primary key's columns, in key order.
    fn pk(&self) -> Vec<usize> {
        let mut pk: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.columns[i].pk > 0)
            .collect();
        pk.sort_by_key(|&i| self.columns[i].pk);
        pk
    }

    fn identity(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.identity)
    }

    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(sqlx::FromRow)]
struct NameRow {
    name: String,
}

#[derive(sqlx::FromRow)]
struct ColumnRow {
    name: String,
    decl: String,
    not_null: i64,
    pk: i64,
    ident: i64,
}

#[derive(sqlx::FromRow)]
struct FkRow {
    parent: String,
    col: String,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    n: i64,
}

#[derive(sqlx::FromRow)]
struct SqlRow {
    sql: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SeqRow {
    seq: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: Option<i64>,
}

const SQLITE_TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'pokin_schema_migrations' \
     ORDER BY name";
const PG_TABLES: &str = "SELECT c.relname::text AS name FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
     AND c.relname <> 'pokin_schema_migrations' ORDER BY c.relname::text";
const SQLITE_COLUMNS: &str = "SELECT name, type AS decl, \"notnull\" AS not_null, pk, 0 AS ident \
     FROM pragma_table_info($1) ORDER BY cid";
const PG_COLUMNS: &str = "SELECT a.attname::text AS name, \
     format_type(a.atttypid, a.atttypmod) AS decl, \
     (CASE WHEN a.attnotnull THEN 1 ELSE 0 END)::bigint AS not_null, \
     COALESCE(array_position(i.indkey::int2[], a.attnum), 0)::bigint AS pk, \
     (CASE WHEN a.attidentity <> '' THEN 1 ELSE 0 END)::bigint AS ident \
     FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary \
     WHERE n.nspname = current_schema() AND c.relname = $1 \
     AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
const SQLITE_FKS: &str = "SELECT \"table\" AS parent, \"from\" AS col \
     FROM pragma_foreign_key_list($1)";
const PG_FKS: &str = "SELECT p.relname::text AS parent, a.attname::text AS col \
     FROM pg_constraint co \
     JOIN pg_class c ON c.oid = co.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_class p ON p.oid = co.confrelid \
     JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = ANY (co.conkey) \
     WHERE co.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1";
const SQLITE_TABLE_SQL: &str = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1";
const SQLITE_SEQUENCE: &str = "SELECT seq FROM sqlite_sequence WHERE name = $1";
const PG_SEQUENCE: &str =
    "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass) AS seq";
const SQLITE_RAISE_SEQUENCE: &str =
    "UPDATE sqlite_sequence SET seq = $2 WHERE name = $1 AND seq < $2";
const SQLITE_ADD_SEQUENCE: &str = "INSERT INTO sqlite_sequence (name, seq) SELECT $1, $2 \
     WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = $1)";
const PG_SET_SEQUENCE: &str = "SELECT setval(pg_get_serial_sequence($1, $2)::regclass, $3) AS seq";
const SCHEMA_VERSION: &str = "SELECT MAX(version) AS version FROM pokin_schema_migrations";

/// Every table (except the migrations table) with its columns and references, parents before
/// children.
async fn catalogue(c: &mut Conn, backend: Backend) -> Result<Vec<Table>> {
    let (tables_sql, columns_sql, fks_sql) = match backend {
        Backend::Sqlite => (SQLITE_TABLES, SQLITE_COLUMNS, SQLITE_FKS),
        Backend::Postgres => (PG_TABLES, PG_COLUMNS, PG_FKS),
    };
    let names: Vec<NameRow> = c.fetch_all(tables_sql, params![]).await?;
    let mut tables = Vec::new();
    for NameRow { name } in names {
        let rows: Vec<ColumnRow> = c.fetch_all(columns_sql, params![name.as_str()]).await?;
        let autoincrement = match backend {
            Backend::Sqlite => {
                let r: Option<SqlRow> = c
                    .fetch_optional(SQLITE_TABLE_SQL, params![name.as_str()])
                    .await?;
                r.and_then(|r| r.sql)
                    .is_some_and(|s| s.to_ascii_uppercase().contains("AUTOINCREMENT"))
            }
            Backend::Postgres => false,
        };
        let single_pk = rows.iter().filter(|r| r.pk > 0).count() == 1;
        let mut columns = Vec::new();
        for r in rows {
            let kind = Kind::of(backend, &name, &r.name, &r.decl)?;
            let identity =
                r.ident != 0 || (autoincrement && single_pk && r.pk > 0 && kind == Kind::Integer);
            columns.push(ColumnInfo {
                kind,
                not_null: r.not_null != 0,
                pk: r.pk,
                identity,
                name: r.name,
            });
        }
        let fks: Vec<FkRow> = c.fetch_all(fks_sql, params![name.as_str()]).await?;
        let mut parents = BTreeSet::new();
        let mut self_refs = BTreeSet::new();
        let mut self_ref_fk = false;
        for fk in fks {
            if fk.parent == name {
                self_ref_fk = true;
                if let Some(i) = columns
                    .iter()
                    .position(|col| col.name == fk.col && !col.not_null)
                {
                    self_refs.insert(i);
                }
            } else {
                parents.insert(fk.parent);
            }
        }
        if self_ref_fk && self_refs.is_empty() {
            return Err(StoreError::Schema(format!(
                "tabel {name} merujuk dirinya sendiri lewat kolom yang wajib diisi, sehingga \
                 urutan pemulihannya tidak dapat ditentukan. Hubungi pengelola aplikasi."
            )));
        }
        tables.push(Table {
            name,
            columns,
            parents,
            self_refs: self_refs.into_iter().collect(),
        });
    }
    fk_order(tables)
}

/// Orders tables parents first (Kahn's algorithm; ties by name, so the order is stable).
fn fk_order(mut tables: Vec<Table>) -> Result<Vec<Table>> {
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while !tables.is_empty() {
        let ready = tables.iter().position(|t| {
            t.parents
                .iter()
                .all(|p| done.contains(p) || !names.contains(p))
        });
        let Some(i) = ready else {
            let left: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
            return Err(StoreError::Schema(format!(
                "tabel {} saling merujuk sehingga urutan pemulihannya tidak dapat ditentukan. \
                 Hubungi pengelola aplikasi.",
                left.join(", ")
            )));
        };
        let t = tables.remove(i);
        done.insert(t.name.clone());
        out.push(t);
    }
    Ok(out)
}

async fn schema_version(c: &mut Conn) -> Result<i64> {
    let r: VersionRow = c.fetch_one(SCHEMA_VERSION, params![]).await?;
    Ok(r.version.unwrap_or(0))
}

async fn count(c: &mut Conn, table: &str) -> Result<u64> {
    let sql = intern(format!("SELECT COUNT(*) AS n FROM {}", quote(table)));
    let r: CountRow = c.fetch_one(sql, params![]).await?;
    Ok(u64::try_from(r.n).unwrap_or(0))
}

/// The last value the identity column of `table` handed out, if it has one.
async fn sequence(c: &mut Conn, backend: Backend, table: &Table) -> Result<Option<i64>> {
    let Some(i) = table.identity() else {
        return Ok(None);
    };
    let r: Option<SeqRow> = match backend {
        Backend::Sqlite => {
            c.fetch_optional(SQLITE_SEQUENCE, params![table.name.as_str()])
                .await?
        }
        Backend::Postgres => {
            c.fetch_optional(
                PG_SEQUENCE,
                params![quote(&table.name), table.columns[i].name.as_str()],
            )
            .await?
        }
    };
    Ok(r.and_then(|r| r.seq))
}

/// A double-quoted identifier (both backends).
fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The store runs only `&'static str` query texts; the texts here are built from the
/// catalogue's table and column names, so they are kept once per distinct text for the life of
/// the process (a few per table).
fn intern(sql: String) -> &'static str {
    static SEEN: std::sync::Mutex<BTreeSet<&'static str>> = std::sync::Mutex::new(BTreeSet::new());
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = seen.get(sql.as_str()) {
        return s;
    }
    let s: &'static str = Box::leak(sql.into_boxed_str());
    seen.insert(s);
    s
}

// ---------------------------------------------------------------------------------------------
// Rows decoded at run time.

#[derive(Debug, Clone)]
enum Raw {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

/// A row of any table, each value decoded by its type.
struct DynRow(Vec<Raw>);

fn unsupported(index: usize, type_name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!("tipe nilai '{type_name}' tidak didukung oleh cadangan").into(),
    }
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for DynRow {
    fn from_row(row: &'r SqliteRow) -> std::result::Result<Self, sqlx::Error> {
        let mut out = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            let (null, type_name) = {
                let v = row.try_get_raw(i)?;
                (v.is_null(), v.type_info().name().to_owned())
            };
            // The value's own storage class (SQLite is dynamically typed).
            out.push(if null {
                Raw::Null
            } else {
                match type_name.as_str() {
                    "INTEGER" => Raw::Int(row.try_get_unchecked(i)?),
                    "REAL" => Raw::Real(row.try_get_unchecked(i)?),
                    "TEXT" => Raw::Text(row.try_get_unchecked(i)?),
                    other => return Err(unsupported(i, other)),
                }
            });
        }
        Ok(DynRow(out))
    }
}

impl<'r> sqlx::FromRow<'r, PgRow> for DynRow {
    fn from_row(row: &'r PgRow) -> std::result::Result<Self, sqlx::Error> {
        let mut out = Vec::with_capacity(row.len());
        for (i, column) in row.columns().iter().enumerate() {
            if row.try_get_raw(i)?.is_null() {
                out.push(Raw::Null);
                continue;
            }
            out.push(match column.type_info().name() {
                "INT8" => Raw::Int(row.try_get(i)?),
                "INT4" => Raw::Int(i64::from(row.try_get::<i32, _>(i)?)),
                "INT2" => Raw::Int(i64::from(row.try_get::<i16, _>(i)?)),
                "FLOAT8" => Raw::Real(row.try_get(i)?),
                "FLOAT4" => Raw::Real(f64::from(row.try_get::<f32, _>(i)?)),
                "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Raw::Text(row.try_get(i)?),
                "BOOL" => Raw::Bool(row.try_get(i)?),
                "TIMESTAMPTZ" => Raw::Time(row.try_get(i)?),
                "DATE" => Raw::Date(row.try_get(i)?),
                other => return Err(unsupported(i, other)),
            });
        }
        Ok(DynRow(out))
    }
}

/// A timestamp as sqlx writes it on SQLite, so a value from PostgreSQL reads back the same.
fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%F %T%.f%:z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%F %T%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

/// A stored value as JSON for the backup, checked against its column's type.
fn to_json(raw: &Raw, kind: Kind, table: &str, column: &str) -> Result<serde_json::Value> {
    use serde_json::Value;
    let value = match (raw, kind) {
        (Raw::Null, _) => Some(Value::Null),
        (Raw::Int(v), Kind::Integer) => Some(Value::from(*v)),
        (Raw::Int(v), Kind::Boolean) => Some(Value::Bool(*v != 0)),
        (Raw::Int(v), Kind::Real) => Some(Value::from(*v as f64)),
        (Raw::Real(v), Kind::Real) if v.is_finite() => Some(Value::from(*v)),
        (Raw::Text(s), Kind::Text | Kind::Timestamp | Kind::Date) => Some(Value::from(s.clone())),
        (Raw::Bool(b), Kind::Boolean) => Some(Value::Bool(*b)),
        (Raw::Time(t), Kind::Timestamp) => Some(Value::from(time_text(t))),
        (Raw::Date(d), Kind::Date) => Some(Value::from(d.format("%F").to_string())),
        _ => None,
    };
    value.ok_or_else(|| {
        StoreError::Corrupt(format!(
            "kolom {table}.{column} berisi nilai {raw:?} yang bukan {}",
            kind.label()
        ))
    })
}

/// The key of a row as parameters, for the next page.
fn to_param(raw: &Raw) -> Param {
    match raw {
        Raw::Null => Param::Text(None),
        Raw::Int(v) => Param::Int(Some(*v)),
        Raw::Real(v) => Param::Real(Some(*v)),
        Raw::Text(s) => Param::Text(Some(s.clone())),
        Raw::Bool(b) => Param::Bool(*b),
        Raw::Time(t) => Param::Time(Some(*t)),
        Raw::Date(d) => Param::Date(Some(*d)),
    }
}

/// A value of the backup as a parameter for a column of `kind` in the target (`None` when the
/// value does not fit the type).
fn from_json(raw: &RawValue, kind: Kind) -> Option<Param> {
    let text = raw.get();
    if text == "null" {
        return match kind {
            Kind::Integer => Some(Param::Int(None)),
            Kind::Real => Some(Param::Real(None)),
            Kind::Text => Some(Param::Text(None)),
            Kind::Timestamp => Some(Param::Time(None)),
            Kind::Date => Some(Param::Date(None)),
            // No nullable boolean exists in the schema; `Param` has no typed NULL for it.
            Kind::Boolean => None,
        };
    }
    match kind {
        Kind::Integer => serde_json::from_str::<i64>(text).ok().map(Param::from),
        // Rust's float parser is exact; serde_json's default one may be off by one ulp.
        Kind::Real => {
            if text.starts_with('"') {
                return None;
            }
            text.parse::<f64>().ok().map(Param::from)
        }
        Kind::Boolean => serde_json::from_str::<bool>(text).ok().map(Param::Bool),
        Kind::Text => serde_json::from_str::<String>(text).ok().map(Param::from),
        Kind::Timestamp => serde_json::from_str::<String>(text)
            .ok()
            .and_then(|s| parse_time(&s))
            .map(Param::from),
        Kind::Date => serde_json::from_str::<String>(text)
            .ok()
            .and_then(|s| NaiveDate::parse_from_str(&s, "%F").ok())
            .map(|d| Param::Date(Some(d))),
    }
}

/// A typed NULL for a column of `kind` (the first pass of a self-referencing table).
fn null_of(kind: Kind) -> Param {
    match kind {
        Kind::Integer => Param::Int(None),
        Kind::Real => Param::Real(None),
        Kind::Text => Param::Text(None),
        Kind::Timestamp => Param::Time(None),
        Kind::Date => Param::Date(None),
        Kind::Boolean => Param::Bool(false),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing a backup.

fn write_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!(
        "berkas cadangan tidak dapat ditulis ({e}). Periksa ruang kosong dan hak akses folder \
         tujuan, lalu coba lagi."
    ))
}

fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

async fn write_backup<W: Write + Seek>(
    c: &mut Conn,
    backend: Backend,
    evidence_dir: Option<&Path>,
    zip: &mut zip::ZipWriter<W>,
    progress: &(dyn Fn(BackupProgress) + Send + Sync),
) -> Result<BackupSummary> {
    let created_at = time_text(&crate::db::now());
    let schema_version = schema_version(c).await?;
    let tables = catalogue(c, backend).await?;
    let mut counts = Vec::new();
    for t in &tables {
        counts.push(count(c, &t.name).await?);
    }
    let evidence_count = match tables.iter().find(|t| t.name == EVIDENCE_TABLE) {
        Some(_) => {
            let sql = intern(format!(
                "SELECT COUNT(DISTINCT {}) AS n FROM {}",
                quote(EVIDENCE_SHA),
                quote(EVIDENCE_TABLE)
            ));
            let r: CountRow = c.fetch_one(sql, params![]).await?;
            u64::try_from(r.n).unwrap_or(0)
        }
        None => 0,
    };
    let total = counts.iter().sum::<u64>() + evidence_count;
    let mut done = 0;
    progress(BackupProgress { done, total });

    let mut entries = Vec::new();
    let mut shas: BTreeSet<String> = BTreeSet::new();
    for (t, expected) in tables.iter().zip(&counts) {
        let sha_col = (t.name == EVIDENCE_TABLE)
            .then(|| t.columns.iter().position(|col| col.name == EVIDENCE_SHA))
            .flatten();
        zip.start_file(table_path(&t.name), zip_options())
            .map_err(write_error)?;
        let pk = t.pk();
        let cols = t.column_list();
        let first = intern(match pk.is_empty() {
            // No primary key: one query, ordered by every column.
            true => format!(
                "SELECT {cols} FROM {} ORDER BY {}",
                quote(&t.name),
                (1..=t.columns.len())
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            false => format!(
                "SELECT {cols} FROM {} ORDER BY {} LIMIT {PAGE}",
                quote(&t.name),
                pk_list(t, &pk)
            ),
        });
        let next = intern(format!(
            "SELECT {cols} FROM {} WHERE ({}) > ({}) ORDER BY {} LIMIT {PAGE}",
            quote(&t.name),
            pk_list(t, &pk),
            (1..=pk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", "),
            pk_list(t, &pk)
        ));
        let mut rows_written = 0u64;
        let mut after: Option<Vec<Param>> = None;
        loop {
            let page: Vec<DynRow> = match &after {
                None => c.fetch_all(first, params![]).await?,
                Some(key) => c.fetch_all(next, key.clone()).await?,
            };
            let n = page.len();
            for DynRow(values) in &page {
                if values.len() != t.columns.len() {
                    return Err(StoreError::Corrupt(format!(
                        "tabel {} memberi {} nilai per baris, bukan {}",
                        t.name,
                        values.len(),
                        t.columns.len()
                    )));
                }
                let mut json = Vec::with_capacity(values.len());
                for (v, col) in values.iter().zip(&t.columns) {
                    json.push(to_json(v, col.kind, &t.name, &col.name)?);
                }
                if let Some(i) = sha_col
                    && let Raw::Text(s) = &values[i]
                {
                    shas.insert(s.clone());
                }
                serde_json::to_writer(&mut *zip, &json).map_err(write_error)?;
                zip.write_all(b"\n").map_err(write_error)?;
            }
            rows_written += n as u64;
            done += n as u64;
            progress(BackupProgress { done, total });
            if pk.is_empty() || n < PAGE as usize {
                break;
            }
            after = page
                .last()
                .map(|DynRow(v)| pk.iter().map(|&i| to_param(&v[i])).collect());
        }
        if rows_written != *expected {
            return Err(StoreError::Corrupt(format!(
                "tabel {} berubah jumlah barisnya di tengah pembacaan ({expected} menjadi \
                 {rows_written})",
                t.name
            )));
        }
        entries.push(TableEntry {
            name: t.name.clone(),
            columns: t.columns.iter().map(|col| col.name.clone()).collect(),
            types: t.columns.iter().map(|col| col.kind).collect(),
            rows: rows_written,
            sequence: sequence(c, backend, t).await?,
        });
    }

    let mut evidence = Vec::new();
    if !shas.is_empty() {
        let dir = evidence_dir.ok_or_else(|| {
            StoreError::Invalid(
                "folder bukti dukung belum diatur, sehingga berkas bukti dukung tidak dapat \
                 dicadangkan. Jalankan perintah dengan folder data yang benar (--data-dir)."
                    .into(),
            )
        })?;
        for sha in &shas {
            if !is_sha(sha) {
                return Err(StoreError::Corrupt(format!(
                    "sidik SHA-256 bukti dukung '{sha}' tidak sah"
                )));
            }
            let path = content_path(dir, sha);
            let bytes = std::fs::read(&path).map_err(|e| {
                StoreError::Corrupt(format!(
                    "berkas bukti dukung {} tidak dapat dibaca ({e}), sehingga cadangan tidak \
                     lengkap",
                    path.display()
                ))
            })?;
            if crate::users::hex(&Sha256::digest(&bytes)) != *sha {
                return Err(StoreError::Corrupt(format!(
                    "isi berkas bukti dukung {} tidak cocok dengan sidik SHA-256-nya",
                    path.display()
                )));
            }
            zip.start_file(evidence_zip_path(sha), zip_options())
                .map_err(write_error)?;
            zip.write_all(&bytes).map_err(write_error)?;
            evidence.push(EvidenceEntry {
                path: evidence_zip_path(sha),
                sha256: sha.clone(),
                size: bytes.len() as u64,
            });
            done += 1;
            progress(BackupProgress { done, total });
        }
    }

    let manifest = Manifest {
        format: FORMAT_NAME.into(),
        format_version: BACKUP_FORMAT_VERSION,
        pokin_version: env!("CARGO_PKG_VERSION").into(),
        schema_version,
        source_backend: backend.as_str().into(),
        created_at,
        tables: entries,
        evidence,
    };
    zip.start_file(MANIFEST, zip_options())
        .map_err(write_error)?;
    serde_json::to_writer_pretty(&mut *zip, &manifest).map_err(write_error)?;
    zip.write_all(b"\n").map_err(write_error)?;

    Ok(BackupSummary {
        schema_version,
        rows: manifest.tables.iter().map(|t| t.rows).sum(),
        tables: manifest
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.rows))
            .collect(),
        evidence_files: manifest.evidence.len(),
        evidence_bytes: manifest.evidence.iter().map(|e| e.size).sum(),
    })
}

fn pk_list(t: &Table, pk: &[usize]) -> String {
    pk.iter()
        .map(|&i| quote(&t.columns[i].name))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// Restoring.

/// A backup file that cannot be read: truncated, corrupt, or not a Pokin backup.
fn corrupt(why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!(
        "berkas cadangan rusak, terpotong, atau bukan cadangan Pokin ({why}). Tidak ada yang \
         dipulihkan; periksa berkasnya atau pakai salinan cadangan yang lain."
    ))
}

/// Database errors of the restore name the restore, not the migration transaction it runs in.
fn recontext(e: StoreError) -> StoreError {
    match e {
        StoreError::Database { source, .. } => StoreError::Database {
            context: "memulihkan cadangan",
            source,
        },
        e => e,
    }
}

fn read_manifest<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Manifest> {
    let mut text = String::new();
    zip.by_name(MANIFEST)
        .map_err(|e| corrupt(format!("{MANIFEST}: {e}")))?
        .take(MAX_MANIFEST)
        .read_to_string(&mut text)
        .map_err(|e| corrupt(format!("{MANIFEST}: {e}")))?;
    let m: Manifest =
        serde_json::from_str(&text).map_err(|e| corrupt(format!("{MANIFEST}: {e}")))?;
    if m.format != FORMAT_NAME {
        return Err(corrupt(format!("format '{}' tidak dikenal", m.format)));
    }
    if m.format_version != BACKUP_FORMAT_VERSION {
        return Err(StoreError::Invalid(format!(
            "cadangan ini memakai format versi {}, sedangkan Pokin ini hanya mengenal versi \
             {BACKUP_FORMAT_VERSION}. Pulihkan dengan Pokin versi {} atau yang lebih baru.",
            m.format_version, m.pokin_version
        )));
    }
    for t in &m.tables {
        if t.columns.len() != t.types.len() {
            return Err(corrupt(format!(
                "tabel {}: jumlah kolom dan tipe berbeda",
                t.name
            )));
        }
    }
    for e in &m.evidence {
        if !is_sha(&e.sha256) || e.path != evidence_zip_path(&e.sha256) {
            return Err(corrupt(format!("bukti dukung '{}' tidak sah", e.path)));
        }
    }
    Ok(m)
}

/// An evidence file written to a temporary name, waiting to be moved to its address.
struct Staged {
    tmp: tempfile::TempPath,
    dest: PathBuf,
}

/// Checks every evidence file of the backup against the manifest and writes those the
/// evidence folder lacks to temporary files in it (removed when dropped).
fn stage_evidence<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    dir: Option<&Path>,
) -> Result<Vec<Staged>> {
    if manifest.evidence.is_empty() {
        return Ok(Vec::new());
    }
    let dir = dir.ok_or_else(|| {
        StoreError::Invalid(
            "folder bukti dukung belum diatur, sehingga berkas bukti dukung dalam cadangan tidak \
             dapat dipulihkan. Jalankan perintah dengan folder data yang benar (--data-dir)."
                .into(),
        )
    })?;
    let file_error = |e: std::io::Error| {
        StoreError::Invalid(format!(
            "berkas bukti dukung tidak dapat ditulis ke folder '{}' ({e}). Periksa hak akses dan \
             ruang kosong folder itu. Tidak ada yang dipulihkan.",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(file_error)?;
    let mut staged = Vec::new();
    for e in &manifest.evidence {
        let mut bytes = Vec::new();
        zip.by_name(&e.path)
            .map_err(|err| corrupt(format!("{}: {err}", e.path)))?
            .take(MAX_EVIDENCE)
            .read_to_end(&mut bytes)
            .map_err(|err| corrupt(format!("{}: {err}", e.path)))?;
        if crate::users::hex(&Sha256::digest(&bytes)) != e.sha256 || bytes.len() as u64 != e.size {
            return Err(corrupt(format!(
                "isi {} tidak cocok dengan sidik SHA-256 di manifest",
                e.path
            )));
        }
        let dest = content_path(dir, &e.sha256);
        if intact_at(&dest, &e.sha256) {
            continue;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(file_error)?;
        tmp.write_all(&bytes).map_err(file_error)?;
        tmp.as_file().sync_all().map_err(file_error)?;
        staged.push(Staged {
            tmp: tmp.into_temp_path(),
            dest,
        });
    }
    Ok(staged)
}

/// Moves staged evidence files to their addresses; `placed` lists them, to be removed if the
/// transaction does not commit.
fn place_evidence(staged: Vec<Staged>, placed: &mut Vec<PathBuf>) -> Result<()> {
    for s in staged {
        let write = |e: std::io::Error| {
            StoreError::Invalid(format!(
                "berkas bukti dukung {} tidak dapat ditulis ({e}). Periksa hak akses dan ruang \
                 kosong folder bukti dukung. Tidak ada yang dipulihkan.",
                s.dest.display()
            ))
        };
        if let Some(folder) = s.dest.parent() {
            std::fs::create_dir_all(folder).map_err(write)?;
        }
        s.tmp.persist(&s.dest).map_err(|e| write(e.error))?;
        placed.push(s.dest.clone());
        if let Some(folder) = s.dest.parent()
            && let Ok(f) = std::fs::File::open(folder)
        {
            let _ = f.sync_all();
        }
    }
    Ok(())
}

/// Organisations, accounts, audit records.
const MAIN_TABLES: [&str; 3] = ["organisations", "users", "audit_log"];

/// The tables whose rows mean the database is in use: the main ones and every table of agency
/// data (it has `org_id`). Others (e.g. the audit chain's head) hold what migrations seed.
fn holds_data(t: &Table) -> bool {
    MAIN_TABLES.contains(&t.name.as_str()) || t.columns.iter().any(|c| c.name == "org_id")
}

async fn restore_tables<R: Read + Seek>(
    tx: &mut DdlTx,
    backend: Backend,
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    progress: &(dyn Fn(BackupProgress) + Send + Sync),
) -> Result<Vec<(String, u64)>> {
    let version = schema_version(tx.read()).await?;
    if version != manifest.schema_version {
        return Err(StoreError::Invalid(format!(
            "cadangan ini berstruktur basis data versi {}, sedangkan basis data tujuan versi \
             {version}. Pulihkan dengan Pokin yang sama versinya dengan pembuat cadangan \
             (Pokin {}) ke basis data baru; sesudahnya Pokin yang lebih baru akan memperbarui \
             strukturnya sendiri.",
            manifest.schema_version, manifest.pokin_version
        )));
    }
    let tables = catalogue(tx.read(), backend).await?;
    let in_backup: BTreeSet<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    let in_target: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    if in_backup != in_target {
        let missing: Vec<&str> = in_target.difference(&in_backup).copied().collect();
        let extra: Vec<&str> = in_backup.difference(&in_target).copied().collect();
        return Err(corrupt(format!(
            "daftar tabel tidak cocok dengan basis data tujuan (tidak ada di cadangan: [{}]; \
             tidak dikenal: [{}])",
            missing.join(", "),
            extra.join(", ")
        )));
    }

    // The target must be empty of agency data, accounts and audit records.
    let mut found = Vec::new();
    // The main tables first, so the message names them.
    let mut checked: Vec<&Table> = tables.iter().filter(|t| holds_data(t)).collect();
    checked.sort_by_key(|t| !MAIN_TABLES.contains(&t.name.as_str()));
    for t in checked {
        let n = count(tx.read(), &t.name).await?;
        if n > 0 {
            found.push(format!(
                "{} baris di tabel {}",
                pokin_domain::format::number(n as f64, 0),
                t.name
            ));
        }
    }
    if !found.is_empty() {
        let more = found.len().saturating_sub(3);
        found.truncate(3);
        if more > 0 {
            found.push(format!("dan {more} tabel lain"));
        }
        return Err(StoreError::Conflict(format!(
            "basis data tujuan tidak kosong ({}). Pemulihan hanya dilakukan ke basis data baru \
             yang kosong agar tidak ada data yang tertimpa: pakai folder data yang baru, atau \
             basis data PostgreSQL yang baru dibuat. Tidak ada yang diubah.",
            found.join(", ")
        )));
    }
    // What migrations seeded (e.g. the audit chain's head) gives way to the backup's rows.
    for t in tables.iter().rev() {
        let sql = intern(format!("DELETE FROM {}", quote(&t.name)));
        tx.execute(sql, params![]).await?;
    }

    let total: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    let mut done = 0;
    progress(BackupProgress { done, total });
    let mut shas: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for t in &tables {
        let entry = manifest
            .tables
            .iter()
            .find(|e| e.name == t.name)
            .ok_or_else(|| corrupt(format!("tabel {} tidak ada", t.name)))?;
        // Where each target column's value is in the backup's rows.
        let mut source = Vec::new();
        for col in &t.columns {
            let i = entry
                .columns
                .iter()
                .position(|c| *c == col.name)
                .ok_or_else(|| {
                    corrupt(format!(
                        "kolom {}.{} tidak ada di cadangan walaupun versi strukturnya sama",
                        t.name, col.name
                    ))
                })?;
            source.push(i);
        }
        if entry.columns.len() != t.columns.len() {
            return Err(corrupt(format!(
                "tabel {} di cadangan memiliki kolom yang tidak dikenal",
                t.name
            )));
        }
        let batch = (MAX_PARAMS / t.columns.len().max(1)).clamp(1, MAX_BATCH);
        let mut pending: Vec<Param> = Vec::with_capacity(batch * t.columns.len());
        let sha_col = (t.name == EVIDENCE_TABLE)
            .then(|| t.columns.iter().position(|col| col.name == EVIDENCE_SHA))
            .flatten();
        let identity = t.identity();
        let mut max_id = 0i64;
        let mut n = 0u64;
        {
            let mut rows = TableRows::open(zip, &t.name)?;
            while let Some((row, values)) = rows.next(t, &source)? {
                n = row;
                if let Some(i) = identity
                    && let Param::Int(Some(id)) = &values[i]
                {
                    max_id = max_id.max(*id);
                }
                if let Some(i) = sha_col
                    && let Param::Text(Some(s)) = &values[i]
                {
                    shas.insert(s.clone());
                }
                let mut params = values;
                for &i in &t.self_refs {
                    params[i] = null_of(t.columns[i].kind);
                }
                pending.extend(params);
                if pending.len() == batch * t.columns.len() {
                    insert_rows(tx, backend, t, &mut pending, n).await?;
                }
                if n.is_multiple_of(1000) {
                    progress(BackupProgress {
                        done: done + n,
                        total,
                    });
                }
            }
        }
        insert_rows(tx, backend, t, &mut pending, n).await?;
        if n != entry.rows {
            return Err(corrupt(format!(
                "tabel {} berisi {n} baris, manifest menyebut {}",
                t.name, entry.rows
            )));
        }
        if !t.self_refs.is_empty() {
            second_pass(tx, zip, t, &source).await?;
        }
        let sequence = entry.sequence.unwrap_or(0).max(max_id);
        if let Some(i) = identity
            && sequence > 0
        {
            set_sequence(tx, backend, t, i, sequence).await?;
        }
        done += n;
        progress(BackupProgress { done, total });
        out.push((t.name.clone(), n));
    }
    let listed: BTreeSet<&str> = manifest
        .evidence
        .iter()
        .map(|e| e.sha256.as_str())
        .collect();
    if let Some(missing) = shas.iter().find(|s| !listed.contains(s.as_str())) {
        return Err(corrupt(format!(
            "berkas bukti dukung {missing} yang dirujuk tabel {EVIDENCE_TABLE} tidak ada di \
             cadangan"
        )));
    }
    Ok(out)
}

/// Parameters per multi-row INSERT of a restore, and rows at most.
const MAX_PARAMS: usize = 2000;
const MAX_BATCH: usize = 200;

/// Inserts the rows whose parameters `pending` holds (then empties it), in one statement; `last`
/// is the number of the last of them in the table's file, for messages. Multi-row statements
/// cut a restore's round trips; on SQLite they use `?` placeholders, which sqlx binds without
/// the look-up by name that makes many `$N` slow (as `bulk.rs` does).
async fn insert_rows(
    tx: &mut DdlTx,
    backend: Backend,
    t: &Table,
    pending: &mut Vec<Param>,
    last: u64,
) -> Result<()> {
    let width = t.columns.len();
    if pending.is_empty() || width == 0 {
        return Ok(());
    }
    let rows = pending.len() / width;
    let mut k = 0;
    let tuples: Vec<String> = (0..rows)
        .map(|_| {
            let slots: Vec<String> = (0..width)
                .map(|_| {
                    k += 1;
                    match backend {
                        Backend::Sqlite => "?".to_owned(),
                        Backend::Postgres => format!("${k}"),
                    }
                })
                .collect();
            format!("({})", slots.join(", "))
        })
        .collect();
    let sql = intern(format!(
        "INSERT INTO {} ({}) VALUES {}",
        quote(&t.name),
        t.column_list(),
        tuples.join(", ")
    ));
    let first = last + 1 - rows as u64;
    tx.execute(sql, std::mem::take(pending)).await.map_err(|e| {
        corrupt(format!(
            "baris ke-{first} sampai ke-{last} tabel {} tidak dapat disimpan: {e}",
            t.name
        ))
    })
}

/// The rows of one table's file in a backup, read a line at a time.
struct TableRows<'a, R: Read> {
    reader: BufReader<zip::read::ZipFile<'a, R>>,
    line: String,
    /// Rows read so far: the number of the last one.
    n: u64,
}

impl<'a, R: Read + Seek> TableRows<'a, R> {
    fn open(zip: &'a mut zip::ZipArchive<R>, table: &str) -> Result<Self> {
        let path = table_path(table);
        let file = zip
            .by_name(&path)
            .map_err(|e| corrupt(format!("{path}: {e}")))?;
        Ok(TableRows {
            reader: BufReader::with_capacity(1 << 16, file),
            line: String::new(),
            n: 0,
        })
    }

    /// The next row as parameters in the target's column order, with its number (from 1);
    /// `None` at the end of the file.
    fn next(&mut self, t: &Table, source: &[usize]) -> Result<Option<(u64, Vec<Param>)>> {
        self.line.clear();
        let read = self
            .reader
            .read_line(&mut self.line)
            .map_err(|e| corrupt(format!("{}: {e}", table_path(&t.name))))?;
        if read == 0 {
            return Ok(None);
        }
        self.n += 1;
        row_values(&self.line, t, source, self.n).map(|values| Some((self.n, values)))
    }
}

/// One line of a table's file as parameters in the target's column order.
fn row_values(line: &str, t: &Table, source: &[usize], n: u64) -> Result<Vec<Param>> {
    let path = table_path(&t.name);
    let raw: Vec<&RawValue> = serde_json::from_str(line.trim_end())
        .map_err(|e| corrupt(format!("{path} baris {n}: {e}")))?;
    if raw.len() != t.columns.len() {
        return Err(corrupt(format!(
            "{path} baris {n}: {} nilai, seharusnya {}",
            raw.len(),
            t.columns.len()
        )));
    }
    let mut values = Vec::with_capacity(raw.len());
    for (col, &i) in t.columns.iter().zip(source) {
        let v = from_json(raw[i], col.kind).ok_or_else(|| {
            corrupt(format!(
                "{path} baris {n}: nilai kolom {} ({}) bukan {}",
                col.name,
                raw[i].get(),
                col.kind.label()
            ))
        })?;
        values.push(v);
    }
    Ok(values)
}

/// Sets the self-referencing columns of `t` (NULL on the first pass) to their values.
async fn second_pass<R: Read + Seek>(
    tx: &mut DdlTx,
    zip: &mut zip::ZipArchive<R>,
    t: &Table,
    source: &[usize],
) -> Result<()> {
    let pk = t.pk();
    if pk.is_empty() {
        return Err(StoreError::Schema(format!(
            "tabel {} merujuk dirinya sendiri tetapi tidak memiliki kunci utama. Hubungi \
             pengelola aplikasi.",
            t.name
        )));
    }
    let sets = t
        .self_refs
        .iter()
        .enumerate()
        .map(|(k, &i)| format!("{} = ${}", quote(&t.columns[i].name), k + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let wheres = pk
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            format!(
                "{} = ${}",
                quote(&t.columns[i].name),
                t.self_refs.len() + k + 1
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ");
    let update = intern(format!(
        "UPDATE {} SET {sets} WHERE {wheres}",
        quote(&t.name)
    ));
    let mut rows = TableRows::open(zip, &t.name)?;
    while let Some((n, values)) = rows.next(t, source)? {
        let refs: Vec<Param> = t.self_refs.iter().map(|&i| values[i].clone()).collect();
        if refs.iter().all(is_null) {
            continue;
        }
        let mut params = refs;
        params.extend(pk.iter().map(|&i| values[i].clone()));
        tx.execute(update, params).await.map_err(|e| {
            corrupt(format!(
                "baris ke-{n} tabel {} tidak dapat disimpan: {e}",
                t.name
            ))
        })?;
    }
    Ok(())
}

fn is_null(p: &Param) -> bool {
    matches!(
        p,
        Param::Int(None)
            | Param::Real(None)
            | Param::Text(None)
            | Param::Time(None)
            | Param::Date(None)
    )
}

/// Makes the identity column of `t` hand out values after `value`.
async fn set_sequence(
    tx: &mut DdlTx,
    backend: Backend,
    t: &Table,
    column: usize,
    value: i64,
) -> Result<()> {
    match backend {
        Backend::Sqlite => {
            tx.execute(SQLITE_RAISE_SEQUENCE, params![t.name.as_str(), value])
                .await?;
            tx.execute(SQLITE_ADD_SEQUENCE, params![t.name.as_str(), value])
                .await
        }
        Backend::Postgres => {
            let _: Option<SeqRow> = tx
                .read()
                .fetch_optional(
                    PG_SET_SEQUENCE,
                    params![quote(&t.name), t.columns[column].name.as_str(), value],
                )
                .await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_round_trip_exactly() {
        for v in [
            0.1 + 0.2,
            82.125,
            -1.5,
            1e-300,
            123_456_789.123_456_79,
            5e-324,
        ] {
            let json =
                serde_json::to_string(&to_json(&Raw::Real(v), Kind::Real, "t", "c").unwrap())
                    .unwrap();
            let raw: Box<RawValue> = serde_json::from_str(&json).unwrap();
            match from_json(&raw, Kind::Real) {
                Some(Param::Real(Some(back))) => assert_eq!(back.to_bits(), v.to_bits(), "{json}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn timestamps_read_back_as_written() {
        let t = parse_time("2026-11-28T12:46:59.123456+00:00").unwrap();
        assert_eq!(time_text(&t), "2026-11-28T12:46:59.123456+00:00");
        assert_eq!(
            parse_time("2026-11-28 12:46:59").unwrap().timestamp(),
            t.timestamp()
        );
    }

    #[test]
    fn tables_are_ordered_parents_first() {
        let table = |name: &str, parents: &[&str]| Table {
            name: name.into(),
            columns: Vec::new(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            self_refs: Vec::new(),
        };
        let order = fk_order(vec![
            table("a_child", &["m_parent"]),
            table("m_parent", &["z_root"]),
            table("z_root", &[]),
        ])
        .unwrap();
        let names: Vec<&str> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["z_root", "m_parent", "a_child"]);
        assert!(fk_order(vec![table("a", &["b"]), table("b", &["a"])]).is_err());
    }
}
