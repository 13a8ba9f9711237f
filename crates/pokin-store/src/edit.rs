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

use crate::Store;
use crate::audit::{Audit, AuditAction, entity};
use crate::db::{Conn, WriteTx, params};
use crate::error::{Result, StoreError};
use crate::org::{
    INSERT_INDICATOR, INSERT_OBJECTIVE, INSERT_OFFICIAL, INSERT_SUPPORT, INSERT_TARGET,
    INSERT_UNIT, indicator_params, official_params,
};
use crate::tree::{
    self, INDICATOR_BY_ID, IndicatorRow, OBJECTIVE_BY_ID, OFFICIAL_BY_ID, ObjectiveRow,
    OfficialRow, SUPPORT_BY_ID, SupportRow, TARGET_BY_YEAR, TargetRow, UNIT_BY_ID, UnitRow,
    value_columns,
};
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
const UPDATE_INDICATOR: &str = "UPDATE indicators SET code = $3, name = $4, iku = $5, \
     satuan = $6, polarity = $7, aggregation = $8, definition = $9, formula = $10, \
     data_source = $11, responsible = $12, baseline_number = $13, baseline_min = $14, \
     baseline_max = $15, baseline_text = $16, decimals = $17, seq = $18 \
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

/// Refuses an edit of an organisation that does not exist.
async fn org_exists(tx: &mut WriteTx, org_id: i64) -> Result<()> {
    tree::org_row(tx.read(), org_id).await.map(|_| ())
}

/// Validates the organisation as changed (as the domain does) and gives the audit record the
/// transaction commits with.
async fn validated(
    tx: &mut WriteTx,
    org_id: i64,
    entity: &'static str,
    entity_id: i64,
    action: AuditAction,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<Audit> {
    let loaded = tree::load(tx.read(), org_id).await?;
    if let Err(errors) = loaded.draft.validate() {
        return Err(StoreError::Invalid(format!(
            "perubahan ditolak karena pohon kinerja menjadi tidak sah:\n{errors}"
        )));
    }
    Ok(Audit {
        org_id: Some(org_id),
        entity,
        entity_id: Some(entity_id),
        action,
        before,
        after,
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v)
        .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))
}

/// Adds `key: value` to a JSON object (the row of a deletion gets what was deleted with it).
fn with(mut row: Value, key: &str, value: Value) -> Value {
    if let Value::Object(map) = &mut row {
        map.insert(key.to_owned(), value);
    }
    row
}

async fn next_seq(
    conn: &mut Conn,
    sql: &'static str,
    params: Vec<crate::db::Param>,
) -> Result<i64> {
    let row: NRow = conn.fetch_one(sql, params).await?;
    Ok(row.n)
}

async fn unit_row(conn: &mut Conn, org_id: i64, unit_id: i64, what: &str) -> Result<UnitRow> {
    conn.fetch_optional(UNIT_BY_ID, params![org_id, unit_id])
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "{what} dengan id {unit_id} tidak ada dalam organisasi ini. Muat ulang halaman \
                 lalu pilih unit yang ada."
            ))
        })
}

async fn objective_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<ObjectiveRow> {
    conn.fetch_optional(OBJECTIVE_BY_ID, params![org_id, id])
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "sasaran dengan id {id} tidak ada dalam organisasi ini. Muat ulang halaman lalu \
                 pilih sasaran yang ada."
            ))
        })
}

async fn indicator_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<IndicatorRow> {
    conn.fetch_optional(INDICATOR_BY_ID, params![org_id, id])
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "indikator dengan id {id} tidak ada dalam organisasi ini. Muat ulang halaman lalu \
                 pilih indikator yang ada."
            ))
        })
}

/// What the domain says is wrong with a target or baseline value (mirrors its rules, checked
/// before writing because the database cannot store a NaN).
fn value_problem(v: &TargetValue) -> Option<String> {
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
        unit_row(conn, org_id, parent, "unit induk").await?;
    }
    Ok(())
}

pub(crate) async fn create_unit(
    store: &Store,
    actor: &str,
    org_id: i64,
    input: &UnitInput,
) -> Result<i64> {
    WriteTx::run(store, actor, "menambah unit", async |tx| {
        org_exists(tx, org_id).await?;
        check_unit_input(tx.read(), org_id, None, input).await?;
        let seq = match input.position {
            Some(p) => p,
            None => next_seq(tx.read(), NEXT_UNIT_SEQ, params![org_id]).await?,
        };
        let id = tx
            .insert(
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
            .await?;
        let after = unit_row(tx.read(), org_id, id, "unit").await?;
        let audit = validated(
            tx,
            org_id,
            entity::UNIT,
            id,
            AuditAction::Create,
            None,
            Some(to_json(&after)?),
        )
        .await?;
        Ok((id, audit))
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
    WriteTx::run(store, actor, "mengubah unit", async |tx| {
        org_exists(tx, org_id).await?;
        let before = unit_row(tx.read(), org_id, unit_id, "unit").await?;
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
        let after = unit_row(tx.read(), org_id, unit_id, "unit").await?;
        let audit = validated(
            tx,
            org_id,
            entity::UNIT,
            unit_id,
            AuditAction::Update,
            Some(to_json(&before)?),
            Some(to_json(&after)?),
        )
        .await?;
        Ok(((), audit))
    })
    .await
}

pub(crate) async fn delete_unit(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
) -> Result<()> {
    WriteTx::run(store, actor, "menghapus unit", async |tx| {
        org_exists(tx, org_id).await?;
        let row = unit_row(tx.read(), org_id, unit_id, "unit").await?;
        let children: NRow = tx
            .read()
            .fetch_one(COUNT_CHILDREN, params![org_id, unit_id])
            .await?;
        if children.n > 0 {
            return Err(StoreError::Conflict(format!(
                "unit '{}' masih membawahi {} unit. Pindahkan atau hapus unit bawahannya lebih \
                 dulu.",
                row.name, children.n
            )));
        }
        let loaded = tree::load(tx.read(), org_id).await?;
        let key = UnitKey::parse(&row.unit_key).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
        for sql in DELETE_UNIT {
            tx.execute(sql, params![org_id, unit_id]).await?;
        }
        let audit = validated(
            tx,
            org_id,
            entity::UNIT,
            unit_id,
            AuditAction::Delete,
            Some(before),
            None,
        )
        .await?;
        Ok(((), audit))
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

async fn official_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<OfficialRow> {
    conn.fetch_optional(OFFICIAL_BY_ID, params![org_id, id])
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "pejabat dengan id {id} tidak ada dalam organisasi ini. Muat ulang halaman lalu \
                 pilih pejabat yang ada."
            ))
        })
}

pub(crate) async fn create_official(
    store: &Store,
    actor: &str,
    org_id: i64,
    unit_id: i64,
    official: &Official,
) -> Result<i64> {
    check_official(official)?;
    WriteTx::run(store, actor, "menambah pejabat", async |tx| {
        org_exists(tx, org_id).await?;
        unit_row(tx.read(), org_id, unit_id, "unit").await?;
        let seq = next_seq(tx.read(), NEXT_OFFICIAL_SEQ, params![org_id, unit_id]).await?;
        let id = tx
            .insert(
                INSERT_OFFICIAL,
                official_params(org_id, unit_id, seq, official),
            )
            .await?;
        let after = official_row(tx.read(), org_id, id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::OFFICIAL,
            id,
            AuditAction::Create,
            None,
            Some(to_json(&after)?),
        )
        .await?;
        Ok((id, audit))
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
    WriteTx::run(store, actor, "mengubah pejabat", async |tx| {
        org_exists(tx, org_id).await?;
        let before = official_row(tx.read(), org_id, official_id).await?;
        tx.execute(
            UPDATE_OFFICIAL,
            params![
                org_id,
                official_id,
                o.name.as_str(),
                o.nip.as_ref().map(|n| n.as_str()),
                o.pangkat.as_deref(),
                o.golongan.as_deref(),
                o.appointment.as_str(),
                o.since,
                o.until,
            ],
        )
        .await?;
        let after = official_row(tx.read(), org_id, official_id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::OFFICIAL,
            official_id,
            AuditAction::Update,
            Some(to_json(&before)?),
            Some(to_json(&after)?),
        )
        .await?;
        Ok(((), audit))
    })
    .await
}

pub(crate) async fn delete_official(
    store: &Store,
    actor: &str,
    org_id: i64,
    official_id: i64,
) -> Result<()> {
    WriteTx::run(store, actor, "menghapus pejabat", async |tx| {
        org_exists(tx, org_id).await?;
        let before = official_row(tx.read(), org_id, official_id).await?;
        tx.execute(DELETE_OFFICIAL, params![org_id, official_id])
            .await?;
        let audit = validated(
            tx,
            org_id,
            entity::OFFICIAL,
            official_id,
            AuditAction::Delete,
            Some(to_json(&before)?),
            None,
        )
        .await?;
        Ok(((), audit))
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
    WriteTx::run(store, actor, "menambah sasaran", async |tx| {
        org_exists(tx, org_id).await?;
        unit_row(tx.read(), org_id, unit_id, "unit").await?;
        check_objective_code(tx.read(), org_id, unit_id, None, input).await?;
        let seq = match input.position {
            Some(p) => p,
            None => next_seq(tx.read(), NEXT_OBJECTIVE_SEQ, params![org_id, unit_id]).await?,
        };
        let id = tx
            .insert(
                INSERT_OBJECTIVE,
                params![
                    org_id,
                    unit_id,
                    seq,
                    input.code.as_str(),
                    input.statement.as_str()
                ],
            )
            .await?;
        let after = objective_row(tx.read(), org_id, id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::OBJECTIVE,
            id,
            AuditAction::Create,
            None,
            Some(to_json(&after)?),
        )
        .await?;
        Ok((id, audit))
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
    WriteTx::run(store, actor, "mengubah sasaran", async |tx| {
        org_exists(tx, org_id).await?;
        let before = objective_row(tx.read(), org_id, objective_id).await?;
        check_objective_code(tx.read(), org_id, before.unit_id, Some(objective_id), input).await?;
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
        let after = objective_row(tx.read(), org_id, objective_id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::OBJECTIVE,
            objective_id,
            AuditAction::Update,
            Some(to_json(&before)?),
            Some(to_json(&after)?),
        )
        .await?;
        Ok(((), audit))
    })
    .await
}

pub(crate) async fn delete_objective(
    store: &Store,
    actor: &str,
    org_id: i64,
    objective_id: i64,
) -> Result<()> {
    WriteTx::run(store, actor, "menghapus sasaran", async |tx| {
        org_exists(tx, org_id).await?;
        let row = objective_row(tx.read(), org_id, objective_id).await?;
        let unit = unit_row(tx.read(), org_id, row.unit_id, "unit").await?;
        let loaded = tree::load(tx.read(), org_id).await?;
        let key = UnitKey::parse(&unit.unit_key).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
        for sql in DELETE_OBJECTIVE {
            tx.execute(sql, params![org_id, objective_id]).await?;
        }
        let audit = validated(
            tx,
            org_id,
            entity::OBJECTIVE,
            objective_id,
            AuditAction::Delete,
            Some(before),
            None,
        )
        .await?;
        Ok(((), audit))
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

async fn support_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<SupportRow> {
    conn.fetch_optional(SUPPORT_BY_ID, params![org_id, id])
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "dukungan (cascading) dengan id {id} tidak ada dalam organisasi ini. Muat ulang \
                 halaman lalu pilih dukungan yang ada."
            ))
        })
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
    WriteTx::run(store, actor, "menambah dukungan sasaran", async |tx| {
        org_exists(tx, org_id).await?;
        objective_row(tx.read(), org_id, from_objective_id).await?;
        objective_row(tx.read(), org_id, to_objective_id).await?;
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
        let id = tx
            .insert(
                INSERT_SUPPORT,
                params![org_id, from_objective_id, to_objective_id, seq, weight],
            )
            .await?;
        let after = support_row(tx.read(), org_id, id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::SUPPORT,
            id,
            AuditAction::Create,
            None,
            Some(to_json(&after)?),
        )
        .await?;
        Ok((id, audit))
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
    WriteTx::run(store, actor, "mengubah dukungan sasaran", async |tx| {
        org_exists(tx, org_id).await?;
        let before = support_row(tx.read(), org_id, support_id).await?;
        tx.execute(UPDATE_SUPPORT, params![org_id, support_id, weight])
            .await?;
        let after = support_row(tx.read(), org_id, support_id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::SUPPORT,
            support_id,
            AuditAction::Update,
            Some(to_json(&before)?),
            Some(to_json(&after)?),
        )
        .await?;
        Ok(((), audit))
    })
    .await
}

pub(crate) async fn delete_support(
    store: &Store,
    actor: &str,
    org_id: i64,
    support_id: i64,
) -> Result<()> {
    WriteTx::run(store, actor, "menghapus dukungan sasaran", async |tx| {
        org_exists(tx, org_id).await?;
        let before = support_row(tx.read(), org_id, support_id).await?;
        tx.execute(DELETE_SUPPORT, params![org_id, support_id])
            .await?;
        let audit = validated(
            tx,
            org_id,
            entity::SUPPORT,
            support_id,
            AuditAction::Delete,
            Some(to_json(&before)?),
            None,
        )
        .await?;
        Ok(((), audit))
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
    WriteTx::run(store, actor, "menambah indikator", async |tx| {
        org_exists(tx, org_id).await?;
        let objective = objective_row(tx.read(), org_id, objective_id).await?;
        check_indicator_code(tx.read(), org_id, objective.unit_id, None, &spec.code).await?;
        let seq = match spec.position {
            Some(p) => p,
            None => next_seq(tx.read(), NEXT_INDICATOR_SEQ, params![org_id, objective_id]).await?,
        };
        let id = tx
            .insert(
                INSERT_INDICATOR,
                indicator_params(org_id, objective_id, objective.unit_id, seq, spec),
            )
            .await?;
        let after = indicator_row(tx.read(), org_id, id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::INDICATOR,
            id,
            AuditAction::Create,
            None,
            Some(to_json(&after)?),
        )
        .await?;
        Ok((id, audit))
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
    WriteTx::run(store, actor, "mengubah indikator", async |tx| {
        org_exists(tx, org_id).await?;
        let before = indicator_row(tx.read(), org_id, indicator_id).await?;
        check_indicator_code(
            tx.read(),
            org_id,
            before.unit_id,
            Some(indicator_id),
            &spec.code,
        )
        .await?;
        let (bn, bmin, bmax, btext) = value_columns(spec.baseline.as_ref());
        tx.execute(
            UPDATE_INDICATOR,
            params![
                org_id,
                indicator_id,
                spec.code.as_str(),
                spec.name.as_str(),
                spec.iku,
                spec.satuan.as_deref(),
                spec.polarity.map(|p| p.as_str()),
                spec.aggregation.map(|a| a.as_str()),
                spec.definition.as_deref(),
                spec.formula.as_deref(),
                spec.data_source.as_deref(),
                spec.responsible.as_deref(),
                bn,
                bmin,
                bmax,
                btext,
                spec.decimals.map(i64::from),
                spec.position.unwrap_or(before.seq),
            ],
        )
        .await?;
        let after = indicator_row(tx.read(), org_id, indicator_id).await?;
        let audit = validated(
            tx,
            org_id,
            entity::INDICATOR,
            indicator_id,
            AuditAction::Update,
            Some(to_json(&before)?),
            Some(to_json(&after)?),
        )
        .await?;
        Ok(((), audit))
    })
    .await
}

pub(crate) async fn delete_indicator(
    store: &Store,
    actor: &str,
    org_id: i64,
    indicator_id: i64,
) -> Result<()> {
    WriteTx::run(store, actor, "menghapus indikator", async |tx| {
        org_exists(tx, org_id).await?;
        let row = indicator_row(tx.read(), org_id, indicator_id).await?;
        let targets: Vec<TargetRow> = tx
            .read()
            .fetch_all(TARGETS_OF, params![org_id, indicator_id])
            .await?;
        let before = with(to_json(&row)?, "targets", to_json(&targets)?);
        for sql in DELETE_INDICATOR {
            tx.execute(sql, params![org_id, indicator_id]).await?;
        }
        let audit = validated(
            tx,
            org_id,
            entity::INDICATOR,
            indicator_id,
            AuditAction::Delete,
            Some(before),
            None,
        )
        .await?;
        Ok(((), audit))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Targets.

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
    WriteTx::run(store, actor, "menyimpan target", async |tx| {
        org_exists(tx, org_id).await?;
        indicator_row(tx.read(), org_id, indicator_id).await?;
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
        let before = before.as_ref().map(to_json).transpose()?;
        let after = after.as_ref().map(to_json).transpose()?;
        let audit = validated(tx, org_id, entity::TARGET, id, action, before, after).await?;
        Ok((id, audit))
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
    WriteTx::run(store, actor, "menghapus target", async |tx| {
        org_exists(tx, org_id).await?;
        indicator_row(tx.read(), org_id, indicator_id).await?;
        let Some(before) = target_row(tx.read(), org_id, indicator_id, year).await? else {
            return Err(StoreError::NotFound(format!(
                "indikator ini belum memiliki target tahun {year}, jadi tidak ada yang dihapus."
            )));
        };
        tx.execute(DELETE_TARGET, params![org_id, before.id])
            .await?;
        let audit = validated(
            tx,
            org_id,
            entity::TARGET,
            before.id,
            AuditAction::Delete,
            Some(to_json(&before)?),
            None,
        )
        .await?;
        Ok(((), audit))
    })
    .await
}
