//! What the documents need beyond the tree: programs (with kegiatan and sub kegiatan) and their
//! pagu, realised budget per quarter, the document settings, and the established versions of
//! each Perjanjian Kinerja.
//!
//! - Programs belong to the tree: they are read with it (`tree::load`), written by an import
//!   and replaced with the tree, and validated with it by the domain. They name their unit and
//!   objective by key and code; the edits that rename a unit key or an objective code rename
//!   them in the same transaction ([`rename_unit`], [`rename_objective`]).
//! - Realised budget names its program by **code** and survives a replacing import, like the
//!   measurements; deleting a program keeps it as history.
//! - A Perjanjian Kinerja version is kept as the JSON snapshot of the document as established,
//!   so an earlier version renders again exactly as it was, whatever the tree became. Version 1
//!   has no amendment; every later version records its reason and note.
//!
//! Every change is one audited transaction (entities `program`, `budget_realisation`,
//! `document_settings`, `perjanjian_kinerja`); a refused change writes nothing.

use crate::Store;
use crate::audit::{Audit, AuditAction, entity, to_json, with};
use crate::db::{Conn, WriteTx, now, params};
use crate::error::{Result, StoreError};
use crate::measure::write_in_org;
use crate::tree::{self, PROGRAM_BY_CODE, PaguRow, ProgramRow, corrupt};
use chrono::{DateTime, NaiveDate, Utc};
use pokin_domain::document::{Amendment, AmendmentReason, DocumentSettings, PerjanjianKinerja};
use pokin_domain::measure::MeasurementBatch;
use pokin_domain::program::{BudgetYear, Program, valid_program_code};
use pokin_domain::{OrganisationDraft, UnitKey};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// The largest amount (Rp) accepted for a pagu or a realised budget.
pub const MAX_AMOUNT: f64 = 1e15;

/// The longest accepted amendment note, in characters.
pub const MAX_AMENDMENT_NOTE: usize = 2000;

/// One established version of a Perjanjian Kinerja (the document itself comes from
/// [`Store::pk_version`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PkVersion {
    pub unit: UnitKey,
    pub year: i32,
    /// 1, 2, … in the order they were established.
    pub version: u32,
    /// `None` for version 1; the reason and note of every later version.
    pub amendment: Option<Amendment>,
    pub signed_on: NaiveDate,
    /// The name of the first party (the unit head) as signed.
    pub first_name: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Queries.

const INSERT_PROGRAM: &str = "INSERT INTO programs \
     (org_id, seq, code, level, name, parent_code, unit_key, objective_code) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
const UPDATE_PROGRAM: &str = "UPDATE programs SET code = $3, level = $4, name = $5, \
     parent_code = $6, unit_key = $7, objective_code = $8 WHERE org_id = $1 AND id = $2";
const DELETE_PROGRAM: &str = "DELETE FROM programs WHERE org_id = $1 AND id = $2";
const NEXT_PROGRAM_SEQ: &str =
    "SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM programs WHERE org_id = $1";
const COUNT_PROGRAM_CHILDREN: &str =
    "SELECT COUNT(*) AS n FROM programs WHERE org_id = $1 AND parent_code = $2";
const RENAME_PARENT: &str =
    "UPDATE programs SET parent_code = $3 WHERE org_id = $1 AND parent_code = $2";

const INSERT_PAGU: &str = "INSERT INTO program_pagu (org_id, program_code, year, amount) \
     VALUES ($1, $2, $3, $4) RETURNING id";
const UPDATE_PAGU: &str = "UPDATE program_pagu SET amount = $4 \
     WHERE org_id = $1 AND program_code = $2 AND year = $3";
const DELETE_PAGU: &str =
    "DELETE FROM program_pagu WHERE org_id = $1 AND program_code = $2 AND year = $3";
const PAGU_OF: &str = "SELECT program_code, year, amount FROM program_pagu \
     WHERE org_id = $1 AND program_code = $2 ORDER BY year";
const DELETE_PAGU_OF: &str = "DELETE FROM program_pagu WHERE org_id = $1 AND program_code = $2";

macro_rules! select_budget {
    () => {
        "SELECT id, program_code, year, quarter, amount, updated_by, updated_at \
         FROM budget_realisations WHERE org_id = $1"
    };
}
const BUDGET_OF_YEAR: &str = concat!(select_budget!(), " AND year = $2 ORDER BY program_code");
const BUDGET_ALL: &str = concat!(select_budget!(), " ORDER BY year, program_code");
const BUDGET_AT: &str = concat!(
    select_budget!(),
    " AND program_code = $2 AND year = $3 AND quarter = $4"
);
const INSERT_BUDGET: &str = "INSERT INTO budget_realisations \
     (org_id, program_code, year, quarter, amount, updated_by, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
const UPDATE_BUDGET: &str = "UPDATE budget_realisations SET amount = $3, updated_by = $4, \
     updated_at = $5 WHERE org_id = $1 AND id = $2";
const DELETE_BUDGET: &str = "DELETE FROM budget_realisations WHERE org_id = $1 AND id = $2";
const BUDGET_RENAME_COLLISIONS: &str = "SELECT COUNT(*) AS n FROM budget_realisations a \
     JOIN budget_realisations b ON b.org_id = a.org_id AND b.year = a.year \
     AND b.quarter = a.quarter \
     WHERE a.org_id = $1 AND a.program_code = $2 AND b.program_code = $3";
const RENAME_BUDGET: &str = "UPDATE budget_realisations SET program_code = $3 \
     WHERE org_id = $1 AND program_code = $2";

const SETTINGS: &str = "SELECT region, place, head_title, head_name FROM document_settings \
     WHERE org_id = $1";
const INSERT_SETTINGS: &str = "INSERT INTO document_settings \
     (org_id, region, place, head_title, head_name, updated_by, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
const UPDATE_SETTINGS: &str = "UPDATE document_settings SET region = $2, place = $3, \
     head_title = $4, head_name = $5, updated_by = $6, updated_at = $7 WHERE org_id = $1";

macro_rules! select_pk {
    () => {
        "SELECT unit_key, year, version, reason, note, signed_on, first_name, created_by, \
         created_at FROM pk_versions WHERE org_id = $1"
    };
}
const PK_OF_UNIT: &str = concat!(
    select_pk!(),
    " AND unit_key = $2 AND year = $3 ORDER BY version"
);
const PK_OF_YEAR: &str = concat!(select_pk!(), " AND year = $2 ORDER BY unit_key, version");
const PK_SNAPSHOT: &str = "SELECT snapshot FROM pk_versions \
     WHERE org_id = $1 AND unit_key = $2 AND year = $3 AND version = $4";
const PK_LAST_VERSION: &str = "SELECT COALESCE(MAX(version), 0) AS n FROM pk_versions \
     WHERE org_id = $1 AND unit_key = $2 AND year = $3";
const INSERT_PK: &str = "INSERT INTO pk_versions \
     (org_id, unit_key, year, version, reason, note, signed_on, first_name, snapshot, \
     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
const PK_RENAME_COLLISIONS: &str = "SELECT COUNT(*) AS n FROM pk_versions a \
     JOIN pk_versions b ON b.org_id = a.org_id AND b.year = a.year \
     WHERE a.org_id = $1 AND a.unit_key = $2 AND b.unit_key = $3";
const RENAME_PK_UNIT: &str =
    "UPDATE pk_versions SET unit_key = $3 WHERE org_id = $1 AND unit_key = $2";
const RENAME_PROGRAM_UNIT: &str =
    "UPDATE programs SET unit_key = $3 WHERE org_id = $1 AND unit_key = $2";
const RENAME_PROGRAM_OBJECTIVE: &str = "UPDATE programs SET objective_code = $4 \
     WHERE org_id = $1 AND unit_key = $2 AND objective_code = $3";

const UNIT_BY_KEY: &str = "SELECT COUNT(*) AS n FROM units WHERE org_id = $1 AND unit_key = $2";

/// Deleting an organisation's programs, children first (`org::DELETE_TREE` runs them: the
/// programs belong to the tree).
pub(crate) const DELETE_PROGRAMS: [&str; 2] = [
    "DELETE FROM program_pagu WHERE org_id = $1",
    "DELETE FROM programs WHERE org_id = $1",
];

/// Deleting what an organisation holds besides its tree and measurements. Used by
/// `org::delete` only: replacing a tree keeps them.
pub(crate) const DELETE_DOCUMENTS: [&str; 3] = [
    "DELETE FROM budget_realisations WHERE org_id = $1",
    "DELETE FROM document_settings WHERE org_id = $1",
    "DELETE FROM pk_versions WHERE org_id = $1",
];

#[derive(sqlx::FromRow)]
struct NRow {
    n: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct BudgetRow {
    id: i64,
    program_code: String,
    year: i64,
    quarter: i64,
    amount: f64,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    region: String,
    place: String,
    head_title: String,
    head_name: String,
}

#[derive(sqlx::FromRow)]
struct PkRow {
    unit_key: String,
    year: i64,
    version: i64,
    reason: Option<String>,
    note: Option<String>,
    signed_on: NaiveDate,
    first_name: String,
    created_by: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    snapshot: String,
}

impl PkRow {
    fn to_domain(&self) -> Result<PkVersion> {
        let amendment = match (&self.reason, &self.note) {
            (None, _) => None,
            (Some(r), note) => Some(Amendment {
                reason: AmendmentReason::from_str_opt(r).ok_or_else(|| {
                    corrupt(format!(
                        "alasan perubahan perjanjian kinerja '{r}' tidak dikenal"
                    ))
                })?,
                note: note.clone().unwrap_or_default(),
            }),
        };
        Ok(PkVersion {
            unit: tree::unit_key(&self.unit_key)?,
            year: i32::try_from(self.year).map_err(corrupt)?,
            version: u32::try_from(self.version).map_err(corrupt)?,
            amendment,
            signed_on: self.signed_on,
            first_name: self.first_name.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the operations.

/// Why an amount (Rp) cannot be stored, in Indonesian.
fn amount_problem(v: f64) -> Option<String> {
    if !v.is_finite() {
        Some("harus berupa angka".into())
    } else if v < 0.0 {
        Some("tidak boleh negatif".into())
    } else if v > MAX_AMOUNT {
        Some("terlalu besar (paling banyak 1.000 triliun)".into())
    } else {
        None
    }
}

fn quarter_problem(quarter: u8) -> Option<String> {
    (!(1..=4).contains(&quarter)).then(|| format!("triwulan {quarter} tidak ada (hanya 1–4)"))
}

fn unknown_program(code: &str) -> String {
    format!("program, kegiatan atau sub kegiatan berkode {code} tidak ada dalam organisasi ini")
}

/// Refuses the change when the tree it leaves does not pass the domain's validation (as the
/// granular edits do).
async fn check_tree(tx: &mut WriteTx, org_id: i64) -> Result<()> {
    let loaded = tree::load(tx.read(), org_id).await?;
    if let Err(errors) = loaded.draft.validate() {
        return Err(StoreError::Invalid(format!(
            "perubahan ditolak karena pohon kinerja menjadi tidak sah:\n{errors}"
        )));
    }
    Ok(())
}

async fn program_by_code(conn: &mut Conn, org_id: i64, code: &str) -> Result<Option<Program>> {
    let row: Option<ProgramRow> = conn
        .fetch_optional(PROGRAM_BY_CODE, params![org_id, code])
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let rows: Vec<PaguRow> = conn.fetch_all(PAGU_OF, params![org_id, code]).await?;
            let pagu = rows
                .iter()
                .map(|p| Ok((i32::try_from(p.year).map_err(corrupt)?, p.amount)))
                .collect::<Result<BTreeMap<i32, f64>>>()?;
            Ok(Some(r.to_domain(pagu)?))
        }
    }
}

/// A program in the audit log: its row id and the domain value.
fn program_json(id: i64, p: &Program) -> Result<Value> {
    Ok(with(to_json(p)?, "id", json!(id)))
}

async fn write_program_pagu(
    tx: &mut WriteTx,
    org_id: i64,
    code: &str,
    pagu: &BTreeMap<i32, f64>,
) -> Result<()> {
    for (year, amount) in pagu {
        tx.insert(
            INSERT_PAGU,
            params![org_id, code, i64::from(*year), *amount],
        )
        .await?;
    }
    Ok(())
}

async fn budget_at(
    conn: &mut Conn,
    org_id: i64,
    code: &str,
    year: i32,
    quarter: u8,
) -> Result<Option<BudgetRow>> {
    conn.fetch_optional(
        BUDGET_AT,
        params![org_id, code, i64::from(year), i64::from(quarter)],
    )
    .await
}

/// Inserts, replaces or (with `None`) removes one realised budget entry; returns the row
/// before and after.
async fn write_budget(
    tx: &mut WriteTx,
    org_id: i64,
    actor: &str,
    code: &str,
    year: i32,
    quarter: u8,
    amount: Option<f64>,
) -> Result<(Option<BudgetRow>, Option<BudgetRow>)> {
    let before = budget_at(tx.read(), org_id, code, year, quarter).await?;
    match (&before, amount) {
        (Some(row), Some(v)) => {
            tx.execute(
                UPDATE_BUDGET,
                params![org_id, row.id, v, actor.trim(), now()],
            )
            .await?;
        }
        (Some(row), None) => {
            tx.execute(DELETE_BUDGET, params![org_id, row.id]).await?;
        }
        (None, Some(v)) => {
            tx.insert(
                INSERT_BUDGET,
                params![
                    org_id,
                    code,
                    i64::from(year),
                    i64::from(quarter),
                    v,
                    actor.trim(),
                    now()
                ],
            )
            .await?;
        }
        (None, None) => {}
    }
    let after = budget_at(tx.read(), org_id, code, year, quarter).await?;
    Ok((before, after))
}

async fn settings_of(conn: &mut Conn, org_id: i64) -> Result<Option<DocumentSettings>> {
    let row: Option<SettingsRow> = conn.fetch_optional(SETTINGS, params![org_id]).await?;
    Ok(row.map(|r| DocumentSettings {
        region: r.region,
        place: r.place,
        head_title: r.head_title,
        head_name: r.head_name,
    }))
}

fn budget_map(rows: Vec<BudgetRow>) -> Result<HashMap<i32, HashMap<String, BudgetYear>>> {
    let mut out: HashMap<i32, HashMap<String, BudgetYear>> = HashMap::new();
    for r in rows {
        let year = i32::try_from(r.year).map_err(corrupt)?;
        let q = usize::try_from(r.quarter)
            .ok()
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(|| corrupt(format!("triwulan {} tidak dikenal", r.quarter)))?;
        out.entry(year)
            .or_default()
            .entry(r.program_code)
            .or_default()
            .quarters[q - 1] = Some(r.amount);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The tree's side: imports and renames.

/// Inserts the programs of an imported tree with their pagu, in their order (the tree's rows
/// were deleted before, for a replacing import).
pub(crate) async fn insert_programs(
    tx: &mut WriteTx,
    org_id: i64,
    programs: &[Program],
) -> Result<()> {
    for (seq, p) in programs.iter().enumerate() {
        tx.insert(
            INSERT_PROGRAM,
            [params![org_id, seq as i64], program_columns(p)].concat(),
        )
        .await?;
        write_program_pagu(tx, org_id, &p.code, &p.pagu).await?;
    }
    Ok(())
}

/// A program's own columns: the arguments of [`INSERT_PROGRAM`] after the organisation and
/// `seq` (and of [`UPDATE_PROGRAM`] after the organisation and the id).
fn program_columns(p: &Program) -> Vec<crate::db::Param> {
    params![
        p.code.as_str(),
        p.level.as_str(),
        p.name.as_str(),
        p.parent.as_deref(),
        p.unit.as_str(),
        p.objective.as_ref().map(|o| o.as_str()),
    ]
}

/// Renames the programs and Perjanjian Kinerja versions of unit key `old` to `new` (no-op
/// when equal). Refused when versions kept under `new` (from a deleted unit) share a year with
/// this unit's.
pub(crate) async fn rename_unit(tx: &mut WriteTx, org_id: i64, old: &str, new: &str) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let clash: NRow = tx
        .read()
        .fetch_one(PK_RENAME_COLLISIONS, params![org_id, old, new])
        .await?;
    if clash.n > 0 {
        return Err(StoreError::Conflict(format!(
            "kunci unit tidak dapat diubah menjadi '{new}': masih ada perjanjian kinerja \
             tersimpan dengan kunci itu (dari unit yang sudah dihapus) untuk tahun yang sama \
             dengan milik unit ini. Pilih kunci lain."
        )));
    }
    tx.execute(RENAME_PROGRAM_UNIT, params![org_id, old, new])
        .await?;
    tx.execute(RENAME_PK_UNIT, params![org_id, old, new])
        .await?;
    Ok(())
}

/// Renames the objective code `old` of unit `unit_key` to `new` in the programs that serve it
/// (no-op when equal).
pub(crate) async fn rename_objective(
    tx: &mut WriteTx,
    org_id: i64,
    unit_key: &str,
    old: &str,
    new: &str,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    tx.execute(
        RENAME_PROGRAM_OBJECTIVE,
        params![org_id, unit_key, old, new],
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The measurement batch's side.

/// Checks the pagu and realised budget of a batch against the stored state: `draft` gets the
/// new pagu (so that the domain's validation sees them), `before` the values they replace,
/// `refused` every refused entry, naming its program code.
pub(crate) async fn check_batch(
    conn: &mut Conn,
    org_id: i64,
    batch: &MeasurementBatch,
    draft: &mut OrganisationDraft,
    before: &mut MeasurementBatch,
    refused: &mut Vec<String>,
) -> Result<()> {
    for (code, year, value) in &batch.pagu {
        let what = format!("pagu {year} program/kegiatan {code}");
        let Some(p) = draft.programs.iter_mut().find(|p| &p.code == code) else {
            refused.push(format!("pagu {year}: {}", unknown_program(code)));
            continue;
        };
        if let Some(why) = value.and_then(amount_problem) {
            refused.push(format!("{what}: {why}"));
            continue;
        }
        before
            .pagu
            .push((code.clone(), *year, p.pagu.get(year).copied()));
        match value {
            Some(v) => p.pagu.insert(*year, *v),
            None => p.pagu.remove(year),
        };
    }
    for (code, year, quarter, value) in &batch.budget_realisations {
        let what = format!("realisasi anggaran TW {quarter} {year} program/kegiatan {code}");
        if !draft.programs.iter().any(|p| &p.code == code) {
            refused.push(format!(
                "realisasi anggaran TW {quarter} {year}: {}",
                unknown_program(code)
            ));
            continue;
        }
        if let Some(why) = quarter_problem(*quarter) {
            refused.push(format!("{what}: {why}"));
            continue;
        }
        if let Some(why) = value.and_then(amount_problem) {
            refused.push(format!("{what}: {why}"));
            continue;
        }
        let old = budget_at(conn, org_id, code, *year, *quarter).await?;
        before
            .budget_realisations
            .push((code.clone(), *year, *quarter, old.map(|r| r.amount)));
    }
    Ok(())
}

/// Writes the pagu and realised budget of a batch checked by [`check_batch`].
pub(crate) async fn write_batch(
    tx: &mut WriteTx,
    org_id: i64,
    actor: &str,
    batch: &MeasurementBatch,
) -> Result<()> {
    for (code, year, value) in &batch.pagu {
        let y = i64::from(*year);
        match value {
            Some(v) => {
                let updated = tx
                    .execute(UPDATE_PAGU, params![org_id, code.as_str(), y, *v])
                    .await?;
                if updated == 0 {
                    tx.insert(INSERT_PAGU, params![org_id, code.as_str(), y, *v])
                        .await?;
                }
            }
            None => {
                tx.execute(DELETE_PAGU, params![org_id, code.as_str(), y])
                    .await?;
            }
        }
    }
    for (code, year, quarter, value) in &batch.budget_realisations {
        write_budget(tx, org_id, actor, code, *year, *quarter, *value).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Operations.

impl Store {
    /// Creates a program, kegiatan or sub kegiatan (`replacing` = `None`, listed last) or
    /// changes the one whose code is `replacing`, with its whole pagu map. A new code renames
    /// its children's parent code and its realised budget (refused if realised budget kept
    /// under the new code, from a deleted item, would collide). The whole tree must still pass
    /// the domain's validation. Audited (entity `program`, before/after = the item with its
    /// pagu and row id).
    pub async fn save_program(
        &self,
        actor: &str,
        org_id: i64,
        replacing: Option<&str>,
        p: &Program,
    ) -> Result<(), StoreError> {
        if !valid_program_code(&p.code) {
            return Err(StoreError::Invalid(format!(
                "kode '{}' tidak sah: kode program hanya boleh berisi huruf, angka dan titik, \
                 tidak diawali atau diakhiri titik, paling banyak 40 karakter (contoh: \
                 2.18.01).",
                p.code
            )));
        }
        if p.name.trim().is_empty() {
            return Err(StoreError::Invalid(format!(
                "nama {} {} kosong. Isi namanya.",
                p.level.label().to_lowercase(),
                p.code
            )));
        }
        for (year, v) in &p.pagu {
            if let Some(why) = amount_problem(*v) {
                return Err(StoreError::Invalid(format!(
                    "pagu {year} {} {}: {why}.",
                    p.level.label().to_lowercase(),
                    p.code
                )));
            }
        }
        write_in_org(self, actor, "menyimpan program", org_id, async |tx| {
            let code = p.code.as_str();
            let taken = |c: &str| {
                StoreError::Conflict(format!(
                    "kode {c} sudah dipakai oleh program, kegiatan atau sub kegiatan lain. \
                     Pilih kode lain."
                ))
            };
            let audit = match replacing {
                None => {
                    if program_by_code(tx.read(), org_id, code).await?.is_some() {
                        return Err(taken(code));
                    }
                    let seq: NRow = tx
                        .read()
                        .fetch_one(NEXT_PROGRAM_SEQ, params![org_id])
                        .await?;
                    let id = tx
                        .insert(
                            INSERT_PROGRAM,
                            [params![org_id, seq.n], program_columns(p)].concat(),
                        )
                        .await?;
                    write_program_pagu(tx, org_id, code, &p.pagu).await?;
                    check_tree(tx, org_id).await?;
                    let after = program_by_code(tx.read(), org_id, code)
                        .await?
                        .ok_or_else(|| corrupt(format!("program {code} hilang")))?;
                    Audit::created(org_id, entity::PROGRAM, id, program_json(id, &after)?)
                }
                Some(old) => {
                    let row: ProgramRow = tx
                        .read()
                        .fetch_optional(PROGRAM_BY_CODE, params![org_id, old])
                        .await?
                        .ok_or_else(|| {
                            StoreError::NotFound(format!(
                                "{}. Muat ulang halaman lalu pilih yang ada.",
                                unknown_program(old)
                            ))
                        })?;
                    let before = program_by_code(tx.read(), org_id, old)
                        .await?
                        .ok_or_else(|| corrupt(format!("program {old} hilang")))?;
                    if old != code {
                        if program_by_code(tx.read(), org_id, code).await?.is_some() {
                            return Err(taken(code));
                        }
                        let clash: NRow = tx
                            .read()
                            .fetch_one(BUDGET_RENAME_COLLISIONS, params![org_id, old, code])
                            .await?;
                        if clash.n > 0 {
                            return Err(StoreError::Conflict(format!(
                                "kode {old} tidak dapat diubah menjadi {code}: masih ada {} \
                                 realisasi anggaran tersimpan dengan kode {code} (dari \
                                 program yang sudah dihapus) pada triwulan yang sama. Pilih \
                                 kode lain.",
                                clash.n
                            )));
                        }
                    }
                    tx.execute(DELETE_PAGU_OF, params![org_id, old]).await?;
                    tx.execute(
                        UPDATE_PROGRAM,
                        [params![org_id, row.id], program_columns(p)].concat(),
                    )
                    .await?;
                    if old != code {
                        tx.execute(RENAME_PARENT, params![org_id, old, code])
                            .await?;
                        tx.execute(RENAME_BUDGET, params![org_id, old, code])
                            .await?;
                    }
                    write_program_pagu(tx, org_id, code, &p.pagu).await?;
                    check_tree(tx, org_id).await?;
                    let after = program_by_code(tx.read(), org_id, code)
                        .await?
                        .ok_or_else(|| corrupt(format!("program {code} hilang")))?;
                    Audit::updated(
                        org_id,
                        entity::PROGRAM,
                        row.id,
                        program_json(row.id, &before)?,
                        program_json(row.id, &after)?,
                    )
                }
            };
            Ok(((), audit))
        })
        .await
    }

    /// Deletes a program, kegiatan or sub kegiatan with its pagu; refused while items hang
    /// under it. Its realised budget stays as history. Audited (entity `program`).
    pub async fn delete_program(
        &self,
        actor: &str,
        org_id: i64,
        code: &str,
    ) -> Result<(), StoreError> {
        write_in_org(self, actor, "menghapus program", org_id, async |tx| {
            let row: ProgramRow = tx
                .read()
                .fetch_optional(PROGRAM_BY_CODE, params![org_id, code])
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "{}. Muat ulang halaman lalu pilih yang ada.",
                        unknown_program(code)
                    ))
                })?;
            let children: NRow = tx
                .read()
                .fetch_one(COUNT_PROGRAM_CHILDREN, params![org_id, code])
                .await?;
            if children.n > 0 {
                return Err(StoreError::Conflict(format!(
                    "{} {code} masih membawahi {} kegiatan atau sub kegiatan. Hapus atau \
                     pindahkan yang di bawahnya lebih dulu.",
                    row.to_domain(BTreeMap::new())?.level.label(),
                    children.n
                )));
            }
            let before = program_by_code(tx.read(), org_id, code)
                .await?
                .ok_or_else(|| corrupt(format!("program {code} hilang")))?;
            tx.execute(DELETE_PAGU_OF, params![org_id, code]).await?;
            tx.execute(DELETE_PROGRAM, params![org_id, row.id]).await?;
            check_tree(tx, org_id).await?;
            let audit = Audit::deleted(
                org_id,
                entity::PROGRAM,
                row.id,
                program_json(row.id, &before)?,
            );
            Ok(((), audit))
        })
        .await
    }

    /// Realised budget of an organisation in a year, per program code (only codes with an
    /// entry; codes of deleted programs included, as history).
    pub async fn budget_realisations(
        &self,
        org_id: i64,
        year: i32,
    ) -> Result<HashMap<String, BudgetYear>, StoreError> {
        let rows: Vec<BudgetRow> =
            Conn::run(&self.pool, "membaca realisasi anggaran", async |conn| {
                tree::org_row(conn, org_id).await?;
                conn.fetch_all(BUDGET_OF_YEAR, params![org_id, i64::from(year)])
                    .await
            })
            .await?;
        Ok(budget_map(rows)?.remove(&year).unwrap_or_default())
    }

    /// Realised budget of an organisation in every year, per year and program code (the
    /// shape the Evaluasi Renja takes).
    pub async fn budget_realisations_by_year(
        &self,
        org_id: i64,
    ) -> Result<HashMap<i32, HashMap<String, BudgetYear>>, StoreError> {
        let rows: Vec<BudgetRow> =
            Conn::run(&self.pool, "membaca realisasi anggaran", async |conn| {
                tree::org_row(conn, org_id).await?;
                conn.fetch_all(BUDGET_ALL, params![org_id]).await
            })
            .await?;
        budget_map(rows)
    }

    /// Sets (or with `None` clears) the realised budget of a program in a quarter (1–4). The
    /// code must be an existing program, kegiatan or sub kegiatan; the amount a number from 0
    /// to [`MAX_AMOUNT`]. Audited (entity `budget_realisation`).
    pub async fn set_budget_realisation(
        &self,
        actor: &str,
        org_id: i64,
        code: &str,
        year: i32,
        quarter: u8,
        amount: Option<f64>,
    ) -> Result<(), StoreError> {
        let what = format!("realisasi anggaran TW {quarter} {year} untuk {code}");
        if let Some(why) = quarter_problem(quarter) {
            return Err(StoreError::Invalid(format!("{what}: {why}.")));
        }
        if let Some(why) = amount.and_then(amount_problem) {
            return Err(StoreError::Invalid(format!("{what}: {why}.")));
        }
        write_in_org(
            self,
            actor,
            "menyimpan realisasi anggaran",
            org_id,
            async |tx| {
                let exists: Option<ProgramRow> = tx
                    .read()
                    .fetch_optional(PROGRAM_BY_CODE, params![org_id, code])
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound(format!(
                        "{}. Muat ulang halaman lalu pilih yang ada.",
                        unknown_program(code)
                    )));
                }
                let (before, after) =
                    write_budget(tx, org_id, actor, code, year, quarter, amount).await?;
                let id = after.as_ref().or(before.as_ref()).map(|r| r.id);
                let audit = Audit {
                    org_id: Some(org_id),
                    entity: entity::BUDGET_REALISATION,
                    entity_id: id,
                    action: match (&before, &after) {
                        (None, Some(_)) => AuditAction::Create,
                        (Some(_), None) => AuditAction::Delete,
                        _ => AuditAction::Update,
                    },
                    before: before.as_ref().map(to_json).transpose()?,
                    after: after.as_ref().map(to_json).transpose()?,
                };
                Ok(((), audit))
            },
        )
        .await
    }

    /// The organisation's document settings (all empty when never set).
    pub async fn document_settings(&self, org_id: i64) -> Result<DocumentSettings, StoreError> {
        Conn::run(&self.pool, "membaca pengaturan dokumen", async |conn| {
            tree::org_row(conn, org_id).await?;
            Ok(settings_of(conn, org_id).await?.unwrap_or_default())
        })
        .await
    }

    /// Replaces the organisation's document settings (trimmed); refused with every problem
    /// [`DocumentSettings::problems`] finds. Audited (entity `document_settings`).
    pub async fn set_document_settings(
        &self,
        actor: &str,
        org_id: i64,
        settings: &DocumentSettings,
    ) -> Result<(), StoreError> {
        let s = DocumentSettings {
            region: settings.region.trim().to_owned(),
            place: settings.place.trim().to_owned(),
            head_title: settings.head_title.trim().to_owned(),
            head_name: settings.head_name.trim().to_owned(),
        };
        let problems = s.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(format!(
                "pengaturan dokumen tidak disimpan: {}. Lengkapi isian itu lalu simpan lagi.",
                problems.join("; ")
            )));
        }
        let after = to_json(&s)?;
        write_in_org(
            self,
            actor,
            "menyimpan pengaturan dokumen",
            org_id,
            async |tx| {
                let before = settings_of(tx.read(), org_id).await?;
                let sql = if before.is_some() {
                    UPDATE_SETTINGS
                } else {
                    INSERT_SETTINGS
                };
                tx.execute(
                    sql,
                    params![
                        org_id,
                        s.region.as_str(),
                        s.place.as_str(),
                        s.head_title.as_str(),
                        s.head_name.as_str(),
                        actor.trim(),
                        now(),
                    ],
                )
                .await?;
                let audit = match before {
                    Some(b) => Audit::updated(
                        org_id,
                        entity::DOCUMENT_SETTINGS,
                        org_id,
                        to_json(&b)?,
                        after,
                    ),
                    None => Audit::created(org_id, entity::DOCUMENT_SETTINGS, org_id, after),
                };
                Ok(((), audit))
            },
        )
        .await
    }

    /// Establishes the next version of the Perjanjian Kinerja of `doc.unit` for `doc.year`:
    /// version 1 without an amendment, every later version with one whose note is not empty
    /// (trimmed, at most [`MAX_AMENDMENT_NOTE`] characters). The unit must exist. The document
    /// is stored as given, with `version` and `amendment` set, and is what
    /// [`Store::pk_version`] returns. Audited (entity `perjanjian_kinerja`, `after` = the
    /// version with its snapshot).
    pub async fn establish_pk(
        &self,
        actor: &str,
        org_id: i64,
        doc: &PerjanjianKinerja,
        amendment: Option<Amendment>,
    ) -> Result<PkVersion, StoreError> {
        let amendment = amendment.map(|a| Amendment {
            reason: a.reason,
            note: a.note.trim().to_owned(),
        });
        if let Some(a) = &amendment {
            if a.note.is_empty() {
                return Err(StoreError::Invalid(
                    "keterangan perubahan perjanjian kinerja belum diisi. Jelaskan apa yang \
                     berubah dan mengapa."
                        .into(),
                ));
            }
            if a.note.chars().count() > MAX_AMENDMENT_NOTE {
                return Err(StoreError::Invalid(format!(
                    "keterangan perubahan perjanjian kinerja terlalu panjang (paling banyak \
                     {MAX_AMENDMENT_NOTE} karakter)."
                )));
            }
        }
        let unit = doc.unit.as_str();
        let year = i64::from(doc.year);
        write_in_org(
            self,
            actor,
            "menetapkan perjanjian kinerja",
            org_id,
            async |tx| {
                let exists: NRow = tx
                    .read()
                    .fetch_one(UNIT_BY_KEY, params![org_id, unit])
                    .await?;
                if exists.n == 0 {
                    return Err(StoreError::NotFound(format!(
                        "unit '{unit}' tidak ada dalam organisasi ini, sehingga perjanjian \
                     kinerjanya tidak dapat ditetapkan. Muat ulang halaman lalu pilih unit yang \
                     ada."
                    )));
                }
                let last: NRow = tx
                    .read()
                    .fetch_one(PK_LAST_VERSION, params![org_id, unit, year])
                    .await?;
                let version = last.n + 1;
                match (&amendment, version) {
                    (Some(_), 1) => {
                        return Err(StoreError::Invalid(format!(
                            "perjanjian kinerja {} tahun {} belum pernah ditetapkan: versi pertama \
                         ditetapkan tanpa alasan perubahan.",
                            doc.unit_name, doc.year
                        )));
                    }
                    (None, v) if v > 1 => {
                        return Err(StoreError::Invalid(format!(
                            "perjanjian kinerja {} tahun {} sudah ditetapkan (versi {}): versi {v} \
                         adalah perubahan dan memerlukan alasan (pergantian pejabat, perubahan \
                         anggaran atau perubahan strategi) serta keterangannya.",
                            doc.unit_name, doc.year, last.n
                        )));
                    }
                    _ => {}
                }
                let snapshot = PerjanjianKinerja {
                    version: u32::try_from(version).map_err(corrupt)?,
                    amendment: amendment.clone(),
                    ..doc.clone()
                };
                let text = serde_json::to_string(&snapshot).map_err(|e| {
                    StoreError::Invalid(format!("perjanjian kinerja tidak dapat disimpan: {e}"))
                })?;
                let at = now();
                let id = tx
                    .insert(
                        INSERT_PK,
                        params![
                            org_id,
                            unit,
                            year,
                            version,
                            amendment.as_ref().map(|a| a.reason.as_str()),
                            amendment.as_ref().map(|a| a.note.clone()),
                            Some(doc.signed_on),
                            doc.first.name.as_str(),
                            text,
                            actor.trim(),
                            at,
                        ],
                    )
                    .await?;
                let out = PkVersion {
                    unit: doc.unit.clone(),
                    year: doc.year,
                    version: snapshot.version,
                    amendment: amendment.clone(),
                    signed_on: doc.signed_on,
                    first_name: doc.first.name.clone(),
                    created_by: actor.trim().to_owned(),
                    created_at: at,
                };
                let after = with(
                    with(to_json(&out)?, "id", json!(id)),
                    "document",
                    to_json(&snapshot)?,
                );
                let audit = Audit::created(org_id, entity::PERJANJIAN_KINERJA, id, after);
                Ok((out, audit))
            },
        )
        .await
    }

    /// The established versions of a unit's Perjanjian Kinerja for a year, oldest first.
    pub async fn pk_versions(
        &self,
        org_id: i64,
        unit: &UnitKey,
        year: i32,
    ) -> Result<Vec<PkVersion>, StoreError> {
        let rows: Vec<PkRow> = Conn::run(&self.pool, "membaca perjanjian kinerja", async |conn| {
            tree::org_row(conn, org_id).await?;
            conn.fetch_all(PK_OF_UNIT, params![org_id, unit.as_str(), i64::from(year)])
                .await
        })
        .await?;
        rows.iter().map(PkRow::to_domain).collect()
    }

    /// Every established version of every unit's Perjanjian Kinerja for a year, by unit key
    /// then version.
    pub async fn pk_versions_of_year(
        &self,
        org_id: i64,
        year: i32,
    ) -> Result<Vec<PkVersion>, StoreError> {
        let rows: Vec<PkRow> = Conn::run(&self.pool, "membaca perjanjian kinerja", async |conn| {
            tree::org_row(conn, org_id).await?;
            conn.fetch_all(PK_OF_YEAR, params![org_id, i64::from(year)])
                .await
        })
        .await?;
        rows.iter().map(PkRow::to_domain).collect()
    }

    /// One established version of a unit's Perjanjian Kinerja, exactly as it was established.
    pub async fn pk_version(
        &self,
        org_id: i64,
        unit: &UnitKey,
        year: i32,
        version: u32,
    ) -> Result<Option<PerjanjianKinerja>, StoreError> {
        let row: Option<SnapshotRow> =
            Conn::run(&self.pool, "membaca perjanjian kinerja", async |conn| {
                tree::org_row(conn, org_id).await?;
                conn.fetch_optional(
                    PK_SNAPSHOT,
                    params![org_id, unit.as_str(), i64::from(year), i64::from(version)],
                )
                .await
            })
            .await?;
        row.map(|r| {
            serde_json::from_str(&r.snapshot).map_err(|e| {
                corrupt(format!(
                    "salinan perjanjian kinerja {unit} tahun {year} versi {version} rusak ({e})"
                ))
            })
        })
        .transpose()
    }
}
