//! Granular, audited edits of an organisation's tree: units, officials, objectives, cascade
//! links, indicators and targets.
//!
//! Each edit is one transaction that:
//! 1. checks what it can say precisely (the organisation and the rows named exist, keys and
//!    codes are free, values are sane) and refuses with an Indonesian message;
//! 2. writes the change;
//! 3. reads the whole organisation back inside the transaction and validates it exactly as the
//!    domain does ([`pokin_domain::OrganisationDraft::validate`]: unique keys and codes, parents
//!    exist, no cycle, cascade targets exist, targets within the Renstra period…), refusing the
//!    change if the tree became invalid;
//! 4. commits with one audit record holding the affected row before and after, as JSON.
//!
//! On any refusal or error the transaction rolls back: nothing changes and no audit record is
//! written.
//!
//! Measurements name their indicator by unit key and indicator code, so an update that changes a
//! unit's key or an indicator's code renames the measurement rows that use it, in the same
//! transaction (`measure::rename_unit`, `measure::rename_indicator`).
//!
//! The shared part lives in `Edit` (`run`, and `create`/`update`/`delete` for the rows that
//! implement `EditedRow`: units, officials, objectives, cascade links, indicators), so each
//! public edit is its own checks and writes. Targets, one per indicator and year, use `run`.

use crate::Store;
use crate::audit::{Audit, AuditAction, entity, to_json, with};
use crate::db::{Conn, Param, Record, WriteTx, params};
use crate::error::{Result, StoreError};
use crate::measure;
use crate::org::{
    INSERT_INDICATOR, INSERT_OBJECTIVE, INSERT_OFFICIAL, INSERT_SUPPORT, INSERT_TARGET,
    INSERT_UNIT, indicator_columns, official_columns,
};
use crate::tree::{
    self, INDICATOR_BY_ID, IndicatorRow, OBJECTIVE_BY_ID, OFFICIAL_BY_ID, ObjectiveRow,
    OfficialRow, SUPPORT_BY_ID, SupportRow, TARGET_BY_YEAR, TargetRow, UNIT_BY_ID, UnitRow,
    value_columns,
};
use pokin_domain::capaian::Periodisation;
use pokin_domain::{
    Aggregation, Code, Indicator, Official, OrganisationDraft, Polarity, TargetValue, UnitKey,
    UnitKind,
};
use serde::Serialize;
use serde_json::{Value, json};

/// A unit's own fields, for [`Store::create_unit`] and [`Store::update_unit`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnitInput {
    pub key: UnitKey,
    pub name: String,
    pub kind: UnitKind,
    /// The id of the parent unit (in the same organisation), or `None` for a root.
    pub parent_id: Option<i64>,
    /// Sort key among the organisation's units (ties keep creation order). `None`: at the end
    /// when creating, unchanged when updating.
    pub position: Option<i64>,
}

/// An objective's own fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveInput {
    pub code: Code,
    pub statement: String,
    /// Sort key among the unit's objectives; `None`: at the end / unchanged.
    pub position: Option<i64>,
}

/// An indicator's specification (*manual IK*): everything but its targets, which are set one
/// by one with [`Store::set_target`].
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub code: Code,
    pub name: String,
    pub iku: bool,
    pub satuan: Option<String>,
    pub polarity: Option<Polarity>,
    pub aggregation: Option<Aggregation>,
    pub definition: Option<String>,
    pub formula: Option<String>,
    pub data_source: Option<String>,
    pub responsible: Option<String>,
    pub baseline: Option<TargetValue>,
    pub decimals: Option<u8>,
    /// Reported per quarter (`None`, the default) or per month.
    pub periodisation: Option<Periodisation>,
    /// Sort key among the objective's indicators; `None`: at the end / unchanged.
    pub position: Option<i64>,
}

impl From<&Indicator> for IndicatorSpec {
    fn from(i: &Indicator) -> Self {
        IndicatorSpec {
            code: i.code.clone(),
            name: i.name.clone(),
            iku: i.iku,
            satuan: i.satuan.clone(),
            polarity: i.polarity,
            aggregation: i.aggregation,
            definition: i.definition.clone(),
            formula: i.formula.clone(),
            data_source: i.data_source.clone(),
            responsible: i.responsible.clone(),
            baseline: i.baseline.clone(),
            decimals: i.decimals,
            periodisation: i.periodisation,
            position: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Queries.

#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
}

#[derive(sqlx::FromRow)]
struct NRow {
    n: i64,
}

const UNIT_ID_BY_KEY: &str = "SELECT id FROM units WHERE org_id = $1 AND unit_key = $2";
const NEXT_UNIT_SEQ: &str = "SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM units WHERE org_id = $1";
const COUNT_CHILDREN: &str = "SELECT COUNT(*) AS n FROM units WHERE org_id = $1 AND parent_id = $2";
const UPDATE_UNIT: &str = "UPDATE units SET unit_key = $3, name = $4, kind = $5, \
     parent_id = $6, seq = $7 WHERE org_id = $1 AND id = $2";
const DELETE_UNIT: [&str; 6] = [
    "DELETE FROM targets WHERE org_id = $1 AND indicator_id IN \
     (SELECT id FROM indicators WHERE org_id = $1 AND unit_id = $2)",
    "DELETE FROM supports WHERE org_id = $1 AND (\
     objective_id IN (SELECT id FROM objectives WHERE org_id = $1 AND unit_id = $2) \
     OR target_id IN (SELECT id FROM objectives WHERE org_id = $1 AND unit_id = $2))",
    "DELETE FROM indicators WHERE org_id = $1 AND unit_id = $2",
    "DELETE FROM objectives WHERE org_id = $1 AND unit_id = $2",
    "DELETE FROM officials WHERE org_id = $1 AND unit_id = $2",
    "DELETE FROM units WHERE org_id = $1 AND id = $2",
];

const NEXT_OFFICIAL_SEQ: &str = "SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM officials \
     WHERE org_id = $1 AND unit_id = $2";
/// After the organisation and the id, the columns of [`official_columns`].
const UPDATE_OFFICIAL: &str = "UPDATE officials SET name = $3, nip = $4, pangkat = $5, \
     golongan = $6, appointment = $7, since_date = $8, until_date = $9 \
     WHERE org_id = $1 AND id = $2";
const DELETE_OFFICIAL: &str = "DELETE FROM officials WHERE org_id = $1 AND id = $2";

const OBJECTIVE_ID_BY_CODE: &str =
    "SELECT id FROM objectives WHERE org_id = $1 AND unit_id = $2 AND code = $3";
const NEXT_OBJECTIVE_SEQ: &str = "SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM objectives \
     WHERE org_id = $1 AND unit_id = $2";
const UPDATE_OBJECTIVE: &str = "UPDATE objectives SET code = $3, statement = $4, seq = $5 \
     WHERE org_id = $1 AND id = $2";
const DELETE_OBJECTIVE: [&str; 4] = [
    "DELETE FROM targets WHERE org_id = $1 AND indicator_id IN \
     (SELECT id FROM indicators WHERE org_id = $1 AND objective_id = $2)",
    "DELETE FROM supports WHERE org_id = $1 AND (objective_id = $2 OR target_id = $2)",
    "DELETE FROM indicators WHERE org_id = $1 AND objective_id = $2",
    "DELETE FROM objectives WHERE org_id = $1 AND id = $2",
];

const SUPPORT_ID_BY_LINK: &str =
    "SELECT id FROM supports WHERE org_id = $1 AND objective_id = $2 AND target_id = $3";
const NEXT_SUPPORT_SEQ: &str = "SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM supports \
     WHERE org_id = $1 AND objective_id = $2";
const UPDATE_SUPPORT: &str = "UPDATE supports SET weight = $3 WHERE org_id = $1 AND id = $2";
const DELETE_SUPPORT: &str = "DELETE FROM supports WHERE org_id = $1 AND id = $2";

const INDICATOR_ID_BY_CODE: &str =
    "SELECT id FROM indicators WHERE org_id = $1 AND unit_id = $2 AND code = $3";
const NEXT_INDICATOR_SEQ: &str = "SELECT COALESCE(MAX(seq) + 1, 0) AS n FROM indicators \
     WHERE org_id = $1 AND objective_id = $2";
/// After the organisation, the id and `seq`, the columns of [`indicator_columns`].
const UPDATE_INDICATOR: &str = "UPDATE indicators SET seq = $3, code = $4, name = $5, \
     iku = $6, satuan = $7, polarity = $8, aggregation = $9, definition = $10, formula = $11, \
     data_source = $12, responsible = $13, baseline_number = $14, baseline_min = $15, \
     baseline_max = $16, baseline_text = $17, decimals = $18, periodisation = $19 \
     WHERE org_id = $1 AND id = $2";
const DELETE_INDICATOR: [&str; 2] = [
    "DELETE FROM targets WHERE org_id = $1 AND indicator_id = $2",
    "DELETE FROM indicators WHERE org_id = $1 AND id = $2",
];

const TARGETS_OF: &str = "SELECT id, indicator_id, year, value_number, value_min, value_max, \
     value_text FROM targets WHERE org_id = $1 AND indicator_id = $2 ORDER BY year";
const UPDATE_TARGET: &str = "UPDATE targets SET value_number = $3, value_min = $4, \
     value_max = $5, value_text = $6 WHERE org_id = $1 AND id = $2";
const DELETE_TARGET: &str = "DELETE FROM targets WHERE org_id = $1 AND id = $2";

// ---------------------------------------------------------------------------------------------
// Shared steps.

/// A row that edits create, change or delete: what the audit log calls it, how to read it by
/// id, and how a refusal names it when it does not exist.
trait EditedRow: Record + Serialize {
    /// The audit record's entity, one of [`entity`]'s constants.
    const ENTITY: &'static str;
    /// Reads one row: `$1` the organisation, `$2` the row's id.
    const BY_ID: &'static str;
    /// How a person calls the row, in Indonesian.
    const WHAT: &'static str;
    /// What a person should pick instead of a missing row, in Indonesian.
    const PICK: &'static str;
}

impl EditedRow for UnitRow {
    const ENTITY: &'static str = entity::UNIT;
    const BY_ID: &'static str = UNIT_BY_ID;
    const WHAT: &'static str = "unit";
    const PICK: &'static str = "unit";
}

impl EditedRow for OfficialRow {
    const ENTITY: &'static str = entity::OFFICIAL;
    const BY_ID: &'static str = OFFICIAL_BY_ID;
    const WHAT: &'static str = "pejabat";
    const PICK: &'static str = "pejabat";
}

impl EditedRow for ObjectiveRow {
    const ENTITY: &'static str = entity::OBJECTIVE;
    const BY_ID: &'static str = OBJECTIVE_BY_ID;
    const WHAT: &'static str = "sasaran";
    const PICK: &'static str = "sasaran";
}

impl EditedRow for SupportRow {
    const ENTITY: &'static str = entity::SUPPORT;
    const BY_ID: &'static str = SUPPORT_BY_ID;
    const WHAT: &'static str = "dukungan (cascading)";
    const PICK: &'static str = "dukungan";
}

impl EditedRow for IndicatorRow {
    const ENTITY: &'static str = entity::INDICATOR;
    const BY_ID: &'static str = INDICATOR_BY_ID;
    const WHAT: &'static str = "indikator";
    const PICK: &'static str = "indikator";
}

/// The refusal for a row id that is not in the organisation.
fn missing(what: &str, id: i64, pick: &str) -> StoreError {
    StoreError::NotFound(format!(
        "{what} dengan id {id} tidak ada dalam organisasi ini. Muat ulang halaman lalu pilih \
         {pick} yang ada."
    ))
}

/// Reads row `id` of the organisation, or refuses because it is not there.
async fn by_id<R: EditedRow>(conn: &mut Conn, org_id: i64, id: i64) -> Result<R> {
    conn.fetch_optional(R::BY_ID, params![org_id, id])
        .await?
        .ok_or_else(|| missing(R::WHAT, id, R::PICK))
}

/// What an edit changed, for its audit record.
struct Change {
    id: i64,
    action: AuditAction,
    before: Option<Value>,
    after: Option<Value>,
}

/// One edit: who makes it, in which organisation, and what it is called in error messages.
/// Its methods run it as one audited write transaction.
struct Edit<'a> {
    store: &'a Store,
    actor: &'a str,
    org_id: i64,
    context: &'static str,
}

fn edit<'a>(store: &'a Store, actor: &'a str, org_id: i64, context: &'static str) -> Edit<'a> {
    Edit {
        store,
        actor,
        org_id,
        context,
    }
}

impl Edit<'_> {
    /// Runs the edit in a write transaction: refuses if the organisation does not exist, runs
    /// `f` (its checks and writes), validates the changed tree as the domain does, and commits
    /// with the audit record of `entity` that `f`'s [`Change`] describes.
    async fn run<T>(
        self,
        entity: &'static str,
        f: impl AsyncFnOnce(&mut WriteTx) -> Result<(T, Change)>,
    ) -> Result<T> {
        let org_id = self.org_id;
        WriteTx::run(self.store, self.actor, self.context, async |tx| {
            tree::org_row(tx.read(), org_id).await?;
            let (value, change) = f(tx).await?;
            let loaded = tree::load(tx.read(), org_id).await?;
            if let Err(errors) = loaded.draft.validate() {
                return Err(StoreError::Invalid(format!(
                    "perubahan ditolak karena pohon kinerja menjadi tidak sah:\n{errors}"
                )));
            }
            let audit = Audit::row(
                org_id,
                entity,
                change.id,
                change.action,
                change.before,
                change.after,
            );
            Ok((value, audit))
        })
        .await
    }

    /// Creates a row: `insert` checks, writes it and returns its id. Audited with the row as
    /// stored as `after`.
    async fn create<R: EditedRow>(
        self,
        insert: impl AsyncFnOnce(&mut WriteTx) -> Result<i64>,
    ) -> Result<i64> {
        let org_id = self.org_id;
        self.run(R::ENTITY, async |tx| {
            let id = insert(tx).await?;
            let after = by_id::<R>(tx.read(), org_id, id).await?;
            let change = Change {
                id,
                action: AuditAction::Create,
                before: None,
                after: Some(to_json(&after)?),
            };
            Ok((id, change))
        })
        .await
    }

    /// Changes row `id`, which must exist: `write` gets the row as it was, checks and writes.
    /// Audited with the row before and after.
    async fn update<R: EditedRow>(
        self,
        id: i64,
        write: impl AsyncFnOnce(&mut WriteTx, &R) -> Result<()>,
    ) -> Result<()> {
        let org_id = self.org_id;
        self.run(R::ENTITY, async |tx| {
            let before = by_id::<R>(tx.read(), org_id, id).await?;
            write(tx, &before).await?;
            let after = by_id::<R>(tx.read(), org_id, id).await?;
            let change = Change {
                id,
                action: AuditAction::Update,
                before: Some(to_json(&before)?),
                after: Some(to_json(&after)?),
            };
            Ok(((), change))
        })
        .await
    }

    /// Deletes row `id`, which must exist: `write` gets the row, checks, deletes it with what
    /// belongs to it, and returns the audit record's `before` (the row, and what went with it).
    async fn delete<R: EditedRow>(
        self,
        id: i64,
        write: impl AsyncFnOnce(&mut WriteTx, R) -> Result<Value>,
    ) -> Result<()> {
        let org_id = self.org_id;
        self.run(R::ENTITY, async |tx| {
            let row = by_id::<R>(tx.read(), org_id, id).await?;
            let before = write(tx, row).await?;
            let change = Change {
                id,
                action: AuditAction::Delete,
                before: Some(before),
                after: None,
            };
            Ok(((), change))
        })
        .await
    }
}

/// Runs the statements of a deletion, each with `$1` the organisation and `$2` the row's id.
async fn execute_all(tx: &mut WriteTx, sqls: &[&'static str], org_id: i64, id: i64) -> Result<()> {
    for &sql in sqls {
        tx.execute(sql, params![org_id, id]).await?;
    }
    Ok(())
}

async fn next_seq(conn: &mut Conn, sql: &'static str, params: Vec<Param>) -> Result<i64> {
    let row: NRow = conn.fetch_one(sql, params).await?;
    Ok(row.n)
}

/// What the domain says is wrong with a target or baseline value (mirrors its rules, checked
/// before writing because the database cannot store a NaN).
pub(crate) fn value_problem(v: &TargetValue) -> Option<String> {
    match v {
        TargetValue::Number(n) if !n.is_finite() => Some("angka tidak terhingga".into()),
        TargetValue::Range { min, max } if !min.is_finite() || !max.is_finite() => {
            Some("batas rentang tidak terhingga".into())
        }
        TargetValue::Range { min, max } if min > max => Some(format!(
            "batas bawah {min} lebih besar dari batas atas {max}"
        )),
        TargetValue::Qualitative(s) if s.trim().is_empty() => Some("nilai kosong".into()),
        _ => None,
    }
}

/// The cascade links that point at `unit`'s objectives (or only at `code`), from anywhere in
/// the organisation; kept in the audit record of a deletion that removes them.
fn supported_by(draft: &OrganisationDraft, unit: &UnitKey, code: Option<&Code>) -> Value {
    let mut out = Vec::new();
    for u in &draft.units {
        for o in &u.objectives {
            for s in &o.supports {
                if &s.unit == unit && code.is_none_or(|c| c == &s.objective) {
                    out.push(json!({
                        "unit": u.key,
                        "objective": o.code,
                        "supports_unit": s.unit,
                        "supports_objective": s.objective,
                        "weight": s.weight,
                    }));
                }
            }
        }
    }
    Value::Array(out)
}

// ---------------------------------------------------------------------------------------------
// Units.

async fn check_unit_input(
    conn: &mut Conn,
    org_id: i64,
    unit_id: Option<i64>,
    input: &UnitInput,
) -> Result<()> {
    if input.name.trim().is_empty() {
        return Err(StoreError::Invalid(
            "nama unit kosong: isi nama unit, misalnya 'Bidang Tenaga Kerja'.".into(),
        ));
    }
    let same_key: Option<IdRow> = conn
        .fetch_optional(UNIT_ID_BY_KEY, params![org_id, input.key.as_str()])
        .await?;
    if let Some(other) = same_key
        && Some(other.id) != unit_id
    {
        return Err(StoreError::Conflict(format!(
            "kunci unit '{}' sudah dipakai unit lain dalam organisasi ini. Pilih kunci lain.",
            input.key
        )));
    }
    if let Some(parent) = input.parent_id {
        if Some(parent) == unit_id {
            return Err(StoreError::Invalid(
                "unit tidak boleh menjadi induk dirinya sendiri. Pilih unit lain sebagai induk."
                    .into(),
            ));
        }
        let found: Option<UnitRow> = conn
            .fetch_optional(UNIT_BY_ID, params![org_id, parent])
            .await?;
        if found.is_none() {
            return Err(missing("unit induk", parent, "unit"));
        }
    }
    Ok(())
}

pub(crate) async fn create_unit(
    store: &Store,
    actor: &str,
    org_id: i64,
    input: &UnitInput,
) -> Result<i64> {
    edit(store, actor, org_id, "menambah unit")
        .create::<UnitRow>(async |tx| {
            check_unit_input(tx.read(), org_id, None, input).await?;
            let seq = match input.position {
                Some(p) => p,
                None => next_seq(tx.read(), NEXT_UNIT_SEQ, params![org_id]).await?,
            };
            tx.insert(
                INSERT_UNIT,
                params![
                    org_id,
                    seq,
                    input.key.as_str(),
                    input.name.as_str(),
                    input.kind.as_str(),
                    input.parent_id,
                ],
            )
            .await
        })
        .await
}

pub(crate) async fn update_unit(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
    input: &UnitInput,
) -> Result<()> {
    edit(store, actor, org_id, "mengubah unit")
        .update::<UnitRow>(unit_id, async |tx, before| {
            check_unit_input(tx.read(), org_id, Some(unit_id), input).await?;
            tx.execute(
                UPDATE_UNIT,
                params![
                    org_id,
                    unit_id,
                    input.key.as_str(),
                    input.name.as_str(),
                    input.kind.as_str(),
                    input.parent_id,
                    input.position.unwrap_or(before.seq),
                ],
            )
            .await?;
            measure::rename_unit(tx, org_id, &before.unit_key, input.key.as_str()).await?;
            crate::documents::rename_unit(tx, org_id, &before.unit_key, input.key.as_str()).await?;
            Ok(())
        })
        .await
}

pub(crate) async fn delete_unit(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
) -> Result<()> {
    edit(store, actor, org_id, "menghapus unit")
        .delete::<UnitRow>(unit_id, async |tx, row| {
            let children: NRow = tx
                .read()
                .fetch_one(COUNT_CHILDREN, params![org_id, unit_id])
                .await?;
            if children.n > 0 {
                return Err(StoreError::Conflict(format!(
                    "unit '{}' masih membawahi {} unit. Pindahkan atau hapus unit bawahannya \
                     lebih dulu.",
                    row.name, children.n
                )));
            }
            let loaded = tree::load(tx.read(), org_id).await?;
            let key =
                UnitKey::parse(&row.unit_key).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let contents = loaded
                .draft
                .units
                .iter()
                .find(|u| u.key == key)
                .map(to_json)
                .transpose()?
                .unwrap_or(Value::Null);
            let before = with(
                with(to_json(&row)?, "contents", contents),
                "supported_by",
                supported_by(&loaded.draft, &key, None),
            );
            execute_all(tx, &DELETE_UNIT, org_id, unit_id).await?;
            Ok(before)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Officials.

fn check_official(o: &Official) -> Result<()> {
    if o.name.trim().is_empty() {
        return Err(StoreError::Invalid(
            "nama pejabat kosong: isi nama lengkap pejabat.".into(),
        ));
    }
    if let (Some(since), Some(until)) = (o.since, o.until)
        && since > until
    {
        return Err(StoreError::Invalid(format!(
            "masa jabatan tidak masuk akal: mulai {since} sesudah selesai {until}. Periksa \
             kedua tanggal itu."
        )));
    }
    Ok(())
}

pub(crate) async fn create_official(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
    official: &Official,
) -> Result<i64> {
    check_official(official)?;
    edit(store, actor, org_id, "menambah pejabat")
        .create::<OfficialRow>(async |tx| {
            by_id::<UnitRow>(tx.read(), org_id, unit_id).await?;
            let seq = next_seq(tx.read(), NEXT_OFFICIAL_SEQ, params![org_id, unit_id]).await?;
            tx.insert(
                INSERT_OFFICIAL,
                [params![org_id, unit_id, seq], official_columns(official)].concat(),
            )
            .await
        })
        .await
}

pub(crate) async fn update_official(
    store: &Store,
    actor: &str,
    org_id: i64,
    official_id: i64,
    o: &Official,
) -> Result<()> {
    check_official(o)?;
    edit(store, actor, org_id, "mengubah pejabat")
        .update::<OfficialRow>(official_id, async |tx, _| {
            tx.execute(
                UPDATE_OFFICIAL,
                [params![org_id, official_id], official_columns(o)].concat(),
            )
            .await?;
            Ok(())
        })
        .await
}

pub(crate) async fn delete_official(
    store: &Store,
    actor: &str,
    org_id: i64,
    official_id: i64,
) -> Result<()> {
    edit(store, actor, org_id, "menghapus pejabat")
        .delete::<OfficialRow>(official_id, async |tx, row| {
            tx.execute(DELETE_OFFICIAL, params![org_id, official_id])
                .await?;
            to_json(&row)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Objectives.

async fn check_objective_code(
    conn: &mut Conn,
    org_id: i64,
    unit_id: i64,
    objective_id: Option<i64>,
    input: &ObjectiveInput,
) -> Result<()> {
    if input.statement.trim().is_empty() {
        return Err(StoreError::Invalid(
            "pernyataan sasaran kosong: tuliskan kondisi yang ingin dicapai, misalnya \
             'Meningkatnya kepuasan pelayanan perizinan'."
                .into(),
        ));
    }
    let same: Option<IdRow> = conn
        .fetch_optional(
            OBJECTIVE_ID_BY_CODE,
            params![org_id, unit_id, input.code.as_str()],
        )
        .await?;
    if let Some(other) = same
        && Some(other.id) != objective_id
    {
        return Err(StoreError::Conflict(format!(
            "kode sasaran {} sudah dipakai sasaran lain di unit ini. Pilih kode lain.",
            input.code
        )));
    }
    Ok(())
}

pub(crate) async fn create_objective(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
    input: &ObjectiveInput,
) -> Result<i64> {
    edit(store, actor, org_id, "menambah sasaran")
        .create::<ObjectiveRow>(async |tx| {
            by_id::<UnitRow>(tx.read(), org_id, unit_id).await?;
            check_objective_code(tx.read(), org_id, unit_id, None, input).await?;
            let seq = match input.position {
                Some(p) => p,
                None => next_seq(tx.read(), NEXT_OBJECTIVE_SEQ, params![org_id, unit_id]).await?,
            };
            tx.insert(
                INSERT_OBJECTIVE,
                params![
                    org_id,
                    unit_id,
                    seq,
                    input.code.as_str(),
                    input.statement.as_str()
                ],
            )
            .await
        })
        .await
}

pub(crate) async fn update_objective(
    store: &Store,
    actor: &str,
    org_id: i64,
    objective_id: i64,
    input: &ObjectiveInput,
) -> Result<()> {
    edit(store, actor, org_id, "mengubah sasaran")
        .update::<ObjectiveRow>(objective_id, async |tx, before| {
            check_objective_code(tx.read(), org_id, before.unit_id, Some(objective_id), input)
                .await?;
            tx.execute(
                UPDATE_OBJECTIVE,
                params![
                    org_id,
                    objective_id,
                    input.code.as_str(),
                    input.statement.as_str(),
                    input.position.unwrap_or(before.seq),
                ],
            )
            .await?;
            if before.code != input.code.as_str() {
                let unit = by_id::<UnitRow>(tx.read(), org_id, before.unit_id).await?;
                crate::documents::rename_objective(
                    tx,
                    org_id,
                    &unit.unit_key,
                    &before.code,
                    input.code.as_str(),
                )
                .await?;
            }
            Ok(())
        })
        .await
}

pub(crate) async fn delete_objective(
    store: &Store,
    actor: &str,
    org_id: i64,
    objective_id: i64,
) -> Result<()> {
    edit(store, actor, org_id, "menghapus sasaran")
        .delete::<ObjectiveRow>(objective_id, async |tx, row| {
            let unit = by_id::<UnitRow>(tx.read(), org_id, row.unit_id).await?;
            let loaded = tree::load(tx.read(), org_id).await?;
            let key =
                UnitKey::parse(&unit.unit_key).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let code = Code::parse(&row.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let contents = loaded
                .draft
                .units
                .iter()
                .find(|u| u.key == key)
                .and_then(|u| u.objectives.iter().find(|o| o.code == code))
                .map(to_json)
                .transpose()?
                .unwrap_or(Value::Null);
            let before = with(
                with(
                    with(to_json(&row)?, "unit_key", Value::String(unit.unit_key)),
                    "contents",
                    contents,
                ),
                "supported_by",
                supported_by(&loaded.draft, &key, Some(&code)),
            );
            execute_all(tx, &DELETE_OBJECTIVE, org_id, objective_id).await?;
            Ok(before)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Cascade links.

fn check_weight(weight: f64) -> Result<()> {
    if weight.is_finite() && weight > 0.0 {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "bobot dukungan {weight} tidak sah: bobot harus angka lebih dari 0, misalnya 1."
        )))
    }
}

pub(crate) async fn create_support(
    store: &Store,
    actor: &str,
    org_id: i64,
    from_objective_id: i64,
    to_objective_id: i64,
    weight: f64,
) -> Result<i64> {
    check_weight(weight)?;
    if from_objective_id == to_objective_id {
        return Err(StoreError::Invalid(
            "sasaran tidak boleh mendukung dirinya sendiri. Pilih sasaran unit lain yang \
             didukung."
                .into(),
        ));
    }
    edit(store, actor, org_id, "menambah dukungan sasaran").create::<SupportRow>(async |tx| {
        by_id::<ObjectiveRow>(tx.read(), org_id, from_objective_id).await?;
        by_id::<ObjectiveRow>(tx.read(), org_id, to_objective_id).await?;
        let same: Option<IdRow> = tx
            .read()
            .fetch_optional(
                SUPPORT_ID_BY_LINK,
                params![org_id, from_objective_id, to_objective_id],
            )
            .await?;
        if let Some(s) = same {
            return Err(StoreError::Conflict(format!(
                "sasaran ini sudah mendukung sasaran tujuan itu (dukungan id {}). Ubah bobotnya \
                 bila perlu.",
                s.id
            )));
        }
        let seq = next_seq(
            tx.read(),
            NEXT_SUPPORT_SEQ,
            params![org_id, from_objective_id],
        )
        .await?;
        tx.insert(
            INSERT_SUPPORT,
            params![org_id, from_objective_id, to_objective_id, seq, weight],
        )
        .await
    })
    .await
}

pub(crate) async fn update_support(
    store: &Store,
    actor: &str,
    org_id: i64,
    support_id: i64,
    weight: f64,
) -> Result<()> {
    check_weight(weight)?;
    edit(store, actor, org_id, "mengubah dukungan sasaran")
        .update::<SupportRow>(support_id, async |tx, _| {
            tx.execute(UPDATE_SUPPORT, params![org_id, support_id, weight])
                .await?;
            Ok(())
        })
        .await
}

pub(crate) async fn delete_support(
    store: &Store,
    actor: &str,
    org_id: i64,
    support_id: i64,
) -> Result<()> {
    edit(store, actor, org_id, "menghapus dukungan sasaran")
        .delete::<SupportRow>(support_id, async |tx, row| {
            tx.execute(DELETE_SUPPORT, params![org_id, support_id])
                .await?;
            to_json(&row)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Indicators.

fn check_spec(spec: &IndicatorSpec) -> Result<()> {
    if spec.name.trim().is_empty() {
        return Err(StoreError::Invalid(
            "nama indikator kosong: tuliskan apa yang diukur, misalnya 'Persentase …'.".into(),
        ));
    }
    if spec.decimals.is_some_and(|d| d > 6) {
        return Err(StoreError::Invalid(
            "jumlah desimal paling banyak 6. Kurangi jumlah desimalnya.".into(),
        ));
    }
    if let Some(p) = spec.baseline.as_ref().and_then(value_problem) {
        return Err(StoreError::Invalid(format!(
            "baseline indikator {} tidak sah: {p}. Perbaiki nilainya.",
            spec.code
        )));
    }
    Ok(())
}

async fn check_indicator_code(
    conn: &mut Conn,
    org_id: i64,
    unit_id: i64,
    indicator_id: Option<i64>,
    code: &Code,
) -> Result<()> {
    let same: Option<IdRow> = conn
        .fetch_optional(
            INDICATOR_ID_BY_CODE,
            params![org_id, unit_id, code.as_str()],
        )
        .await?;
    if let Some(other) = same
        && Some(other.id) != indicator_id
    {
        return Err(StoreError::Conflict(format!(
            "kode indikator {code} sudah dipakai indikator lain di unit ini. Pilih kode lain."
        )));
    }
    Ok(())
}

pub(crate) async fn create_indicator(
    store: &Store,
    actor: &str,
    org_id: i64,
    objective_id: i64,
    spec: &IndicatorSpec,
) -> Result<i64> {
    check_spec(spec)?;
    edit(store, actor, org_id, "menambah indikator")
        .create::<IndicatorRow>(async |tx| {
            let objective = by_id::<ObjectiveRow>(tx.read(), org_id, objective_id).await?;
            check_indicator_code(tx.read(), org_id, objective.unit_id, None, &spec.code).await?;
            let seq = match spec.position {
                Some(p) => p,
                None => {
                    next_seq(tx.read(), NEXT_INDICATOR_SEQ, params![org_id, objective_id]).await?
                }
            };
            tx.insert(
                INSERT_INDICATOR,
                [
                    params![org_id, objective_id, objective.unit_id, seq],
                    indicator_columns(spec),
                ]
                .concat(),
            )
            .await
        })
        .await
}

pub(crate) async fn update_indicator(
    store: &Store,
    actor: &str,
    org_id: i64,
    indicator_id: i64,
    spec: &IndicatorSpec,
) -> Result<()> {
    check_spec(spec)?;
    edit(store, actor, org_id, "mengubah indikator")
        .update::<IndicatorRow>(indicator_id, async |tx, before| {
            check_indicator_code(
                tx.read(),
                org_id,
                before.unit_id,
                Some(indicator_id),
                &spec.code,
            )
            .await?;
            let seq = spec.position.unwrap_or(before.seq);
            tx.execute(
                UPDATE_INDICATOR,
                [params![org_id, indicator_id, seq], indicator_columns(spec)].concat(),
            )
            .await?;
            rename_indicator_measurements(tx, org_id, before, spec).await?;
            Ok(())
        })
        .await
}

/// Renames the measurements of an indicator whose code an update changes (they name it by
/// unit key and code).
async fn rename_indicator_measurements(
    tx: &mut WriteTx,
    org_id: i64,
    before: &IndicatorRow,
    spec: &IndicatorSpec,
) -> Result<()> {
    if before.code == spec.code.as_str() {
        return Ok(());
    }
    let unit = by_id::<UnitRow>(tx.read(), org_id, before.unit_id).await?;
    measure::rename_indicator(tx, org_id, &unit.unit_key, &before.code, spec.code.as_str()).await
}

pub(crate) async fn delete_indicator(
    store: &Store,
    actor: &str,
    org_id: i64,
    indicator_id: i64,
) -> Result<()> {
    edit(store, actor, org_id, "menghapus indikator")
        .delete::<IndicatorRow>(indicator_id, async |tx, row| {
            let targets: Vec<TargetRow> = tx
                .read()
                .fetch_all(TARGETS_OF, params![org_id, indicator_id])
                .await?;
            let before = with(to_json(&row)?, "targets", to_json(&targets)?);
            execute_all(tx, &DELETE_INDICATOR, org_id, indicator_id).await?;
            Ok(before)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Targets: one row per indicator and year, so not read by id.

async fn target_row(
    conn: &mut Conn,
    org_id: i64,
    indicator_id: i64,
    year: i32,
) -> Result<Option<TargetRow>> {
    conn.fetch_optional(
        TARGET_BY_YEAR,
        params![org_id, indicator_id, i64::from(year)],
    )
    .await
}

pub(crate) async fn set_target(
    store: &Store,
    actor: &str,
    org_id: i64,
    indicator_id: i64,
    year: i32,
    value: &TargetValue,
) -> Result<i64> {
    if let Some(p) = value_problem(value) {
        return Err(StoreError::Invalid(format!(
            "target tahun {year} tidak sah: {p}. Perbaiki nilainya."
        )));
    }
    edit(store, actor, org_id, "menyimpan target")
        .run(entity::TARGET, async |tx| {
            by_id::<IndicatorRow>(tx.read(), org_id, indicator_id).await?;
            let (n, min, max, text) = value_columns(Some(value));
            let before = target_row(tx.read(), org_id, indicator_id, year).await?;
            let (id, action) = match &before {
                Some(t) => {
                    tx.execute(UPDATE_TARGET, params![org_id, t.id, n, min, max, text])
                        .await?;
                    (t.id, AuditAction::Update)
                }
                None => {
                    let id = tx
                        .insert(
                            INSERT_TARGET,
                            params![org_id, indicator_id, i64::from(year), n, min, max, text],
                        )
                        .await?;
                    (id, AuditAction::Create)
                }
            };
            let after = target_row(tx.read(), org_id, indicator_id, year).await?;
            let change = Change {
                id,
                action,
                before: before.as_ref().map(to_json).transpose()?,
                after: after.as_ref().map(to_json).transpose()?,
            };
            Ok((id, change))
        })
        .await
}

pub(crate) async fn delete_target(
    store: &Store,
    actor: &str,
    org_id: i64,
    indicator_id: i64,
    year: i32,
) -> Result<()> {
    edit(store, actor, org_id, "menghapus target")
        .run(entity::TARGET, async |tx| {
            by_id::<IndicatorRow>(tx.read(), org_id, indicator_id).await?;
            let Some(before) = target_row(tx.read(), org_id, indicator_id, year).await? else {
                return Err(StoreError::NotFound(format!(
                    "indikator ini belum memiliki target tahun {year}, jadi tidak ada yang \
                     dihapus."
                )));
            };
            tx.execute(DELETE_TARGET, params![org_id, before.id])
                .await?;
            let change = Change {
                id: before.id,
                action: AuditAction::Delete,
                before: Some(to_json(&before)?),
                after: None,
            };
            Ok(((), change))
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Whole-form edits for the web app: an indicator with its targets, and moving a unit or an
// objective one place among its siblings. Each is still one transaction with one audit record.

const UNIT_SIBLINGS: &str = "SELECT id, seq, unit_key, name, kind, parent_id FROM units \
     WHERE org_id = $1 ORDER BY seq, id";
const SET_UNIT_SEQ: &str = "UPDATE units SET seq = $3 WHERE org_id = $1 AND id = $2";
const OBJECTIVE_SIBLINGS: &str = "SELECT id, unit_id, seq, code, statement FROM objectives \
     WHERE org_id = $1 AND unit_id = $2 ORDER BY seq, id";
const SET_OBJECTIVE_SEQ: &str = "UPDATE objectives SET seq = $3 WHERE org_id = $1 AND id = $2";
const DELETE_TARGETS_OF: &str = "DELETE FROM targets WHERE org_id = $1 AND indicator_id = $2";

/// Which way [`Store::move_unit`] and [`Store::move_objective`] move a row among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// An indicator row with its targets, as the audit log keeps a whole-form edit.
async fn indicator_with_targets(conn: &mut Conn, org_id: i64, id: i64) -> Result<Value> {
    let row = by_id::<IndicatorRow>(conn, org_id, id).await?;
    let targets: Vec<TargetRow> = conn.fetch_all(TARGETS_OF, params![org_id, id]).await?;
    Ok(with(to_json(&row)?, "targets", to_json(&targets)?))
}

fn check_targets(targets: &std::collections::BTreeMap<i32, TargetValue>) -> Result<()> {
    for (year, value) in targets {
        if let Some(p) = value_problem(value) {
            return Err(StoreError::Invalid(format!(
                "target tahun {year} tidak sah: {p}. Perbaiki nilainya."
            )));
        }
    }
    Ok(())
}

async fn write_targets(
    tx: &mut WriteTx,
    org_id: i64,
    indicator_id: i64,
    targets: &std::collections::BTreeMap<i32, TargetValue>,
) -> Result<()> {
    tx.execute(DELETE_TARGETS_OF, params![org_id, indicator_id])
        .await?;
    for (year, value) in targets {
        let (n, min, max, text) = value_columns(Some(value));
        tx.insert(
            INSERT_TARGET,
            params![org_id, indicator_id, i64::from(*year), n, min, max, text],
        )
        .await?;
    }
    Ok(())
}

/// Adds an indicator with its targets; one audit record (`after` = the row with `targets`).
pub(crate) async fn create_indicator_with_targets(
    store: &Store,
    actor: &str,
    org_id: i64,
    objective_id: i64,
    spec: &IndicatorSpec,
    targets: &std::collections::BTreeMap<i32, TargetValue>,
) -> Result<i64> {
    check_spec(spec)?;
    check_targets(targets)?;
    edit(store, actor, org_id, "menambah indikator")
        .run(entity::INDICATOR, async |tx| {
            let objective = by_id::<ObjectiveRow>(tx.read(), org_id, objective_id).await?;
            check_indicator_code(tx.read(), org_id, objective.unit_id, None, &spec.code).await?;
            let seq = match spec.position {
                Some(p) => p,
                None => {
                    next_seq(tx.read(), NEXT_INDICATOR_SEQ, params![org_id, objective_id]).await?
                }
            };
            let id = tx
                .insert(
                    INSERT_INDICATOR,
                    [
                        params![org_id, objective_id, objective.unit_id, seq],
                        indicator_columns(spec),
                    ]
                    .concat(),
                )
                .await?;
            write_targets(tx, org_id, id, targets).await?;
            let after = indicator_with_targets(tx.read(), org_id, id).await?;
            let change = Change {
                id,
                action: AuditAction::Create,
                before: None,
                after: Some(after),
            };
            Ok((id, change))
        })
        .await
}

/// Replaces an indicator's specification and all its targets; one audit record with the row
/// and its targets before and after.
pub(crate) async fn update_indicator_with_targets(
    store: &Store,
    actor: &str,
    org_id: i64,
    indicator_id: i64,
    spec: &IndicatorSpec,
    targets: &std::collections::BTreeMap<i32, TargetValue>,
) -> Result<()> {
    check_spec(spec)?;
    check_targets(targets)?;
    edit(store, actor, org_id, "mengubah indikator")
        .run(entity::INDICATOR, async |tx| {
            let row = by_id::<IndicatorRow>(tx.read(), org_id, indicator_id).await?;
            let before = indicator_with_targets(tx.read(), org_id, indicator_id).await?;
            check_indicator_code(
                tx.read(),
                org_id,
                row.unit_id,
                Some(indicator_id),
                &spec.code,
            )
            .await?;
            let seq = spec.position.unwrap_or(row.seq);
            tx.execute(
                UPDATE_INDICATOR,
                [params![org_id, indicator_id, seq], indicator_columns(spec)].concat(),
            )
            .await?;
            rename_indicator_measurements(tx, org_id, &row, spec).await?;
            write_targets(tx, org_id, indicator_id, targets).await?;
            let after = indicator_with_targets(tx.read(), org_id, indicator_id).await?;
            let change = Change {
                id: indicator_id,
                action: AuditAction::Update,
                before: Some(before),
                after: Some(after),
            };
            Ok(((), change))
        })
        .await
}

/// The new sort keys after moving `id` one place among `siblings` (ids in their current
/// order, each with its sort key): every row gets a distinct key, so ties cannot undo the move.
/// `None` when the row is already first (up) or last (down).
fn moved(siblings: &[(i64, i64)], id: i64, direction: Direction) -> Option<Vec<(i64, i64)>> {
    let at = siblings.iter().position(|(sid, _)| *sid == id)?;
    let other = match direction {
        Direction::Up => at.checked_sub(1)?,
        Direction::Down => Some(at + 1).filter(|i| *i < siblings.len())?,
    };
    let mut order: Vec<i64> = siblings.iter().map(|(sid, _)| *sid).collect();
    order.swap(at, other);
    let base = siblings.iter().map(|(_, seq)| *seq).min().unwrap_or(0);
    Some(
        order
            .into_iter()
            .enumerate()
            .map(|(i, sid)| (sid, base + i64::try_from(i).unwrap_or(0)))
            .collect(),
    )
}

/// Moves a unit one place up or down among the units with the same parent. Units keep their
/// order relative to the rest of the organisation as far as possible: only the siblings are
/// renumbered (with keys distinct among themselves). Audited as an update of the unit.
pub(crate) async fn move_unit(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
    direction: Direction,
) -> Result<()> {
    edit(store, actor, org_id, "mengubah urutan unit")
        .update::<UnitRow>(unit_id, async |tx, before| {
            let all: Vec<UnitRow> = tx.read().fetch_all(UNIT_SIBLINGS, params![org_id]).await?;
            // Renumber the whole organisation in its current order first, so siblings have
            // distinct keys, then swap the two.
            let order: Vec<(i64, i64)> = all
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id, i64::try_from(i).unwrap_or(0)))
                .collect();
            let siblings: Vec<(i64, i64)> = all
                .iter()
                .zip(&order)
                .filter(|(u, _)| u.parent_id == before.parent_id)
                .map(|(_, o)| *o)
                .collect();
            let Some(at) = siblings.iter().position(|(id, _)| *id == unit_id) else {
                return Ok(());
            };
            let other = match direction {
                Direction::Up if at > 0 => at - 1,
                Direction::Down if at + 1 < siblings.len() => at + 1,
                _ => return Err(StoreError::Invalid(edge(direction, "unit"))),
            };
            let mut seqs: std::collections::HashMap<i64, i64> = order.into_iter().collect();
            let (a, b) = (siblings[at], siblings[other]);
            seqs.insert(a.0, b.1);
            seqs.insert(b.0, a.1);
            for u in &all {
                let seq = seqs.get(&u.id).copied().unwrap_or(u.seq);
                if seq != u.seq {
                    tx.execute(SET_UNIT_SEQ, params![org_id, u.id, seq]).await?;
                }
            }
            Ok(())
        })
        .await
}

fn edge(direction: Direction, what: &str) -> String {
    match direction {
        Direction::Up => format!("{what} ini sudah berada di urutan pertama."),
        Direction::Down => format!("{what} ini sudah berada di urutan terakhir."),
    }
}

/// Moves an objective one place up or down within its unit. Audited as an update of the
/// objective.
pub(crate) async fn move_objective(
    store: &Store,
    actor: &str,
    org_id: i64,
    objective_id: i64,
    direction: Direction,
) -> Result<()> {
    edit(store, actor, org_id, "mengubah urutan sasaran")
        .update::<ObjectiveRow>(objective_id, async |tx, before| {
            let rows: Vec<ObjectiveRow> = tx
                .read()
                .fetch_all(OBJECTIVE_SIBLINGS, params![org_id, before.unit_id])
                .await?;
            let siblings: Vec<(i64, i64)> = rows.iter().map(|o| (o.id, o.seq)).collect();
            let Some(new) = moved(&siblings, objective_id, direction) else {
                return Err(StoreError::Invalid(edge(direction, "sasaran")));
            };
            for (id, seq) in new {
                if !siblings.contains(&(id, seq)) {
                    tx.execute(SET_OBJECTIVE_SEQ, params![org_id, id, seq])
                        .await?;
                }
            }
            Ok(())
        })
        .await
}
