//! Whole-organisation operations: list, import (new or replacing), load, delete.
//!
//! An import writes the organisation row and its whole tree in one transaction, with one audit
//! record whose `after` is the imported organisation's JSON (and `before` the replaced one's).

use crate::audit::{Audit, AuditAction, entity};
use crate::db::{Conn, Param, Pool, WriteTx, now, params};
use crate::edit::IndicatorSpec;
use crate::error::{Result, StoreError};
use crate::memo;
use crate::tree::{self, value_columns};
use crate::{ImportMode, Store};
use pokin_domain::{Code, Official, Organisation, OrganisationDraft, UnitKey};
use serde::Serialize;
use std::collections::HashMap;

/// An organisation in a list: its id, name, whether it is demo data, how many units it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgSummary {
    pub id: i64,
    pub name: String,
    pub demo: bool,
    pub units: i64,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    demo: bool,
    units: i64,
}

impl From<SummaryRow> for OrgSummary {
    fn from(r: SummaryRow) -> Self {
        OrgSummary {
            id: r.id,
            name: r.name,
            demo: r.demo,
            units: r.units,
        }
    }
}

const SUMMARIES: &str = "SELECT o.id, o.name, o.demo, COUNT(u.id) AS units \
     FROM organisations o LEFT JOIN units u ON u.org_id = o.id \
     GROUP BY o.id, o.name, o.demo";
const SUMMARY_BY_NAME: &str = "SELECT o.id, o.name, o.demo, COUNT(u.id) AS units \
     FROM organisations o LEFT JOIN units u ON u.org_id = o.id \
     WHERE o.name = $1 GROUP BY o.id, o.name, o.demo";

/// All organisations, by name (case-insensitive, the same on both backends).
pub(crate) async fn summaries(pool: &Pool) -> Result<Vec<OrgSummary>> {
    let rows: Vec<SummaryRow> = Conn::run(pool, "membaca daftar organisasi", async |conn| {
        conn.fetch_all(SUMMARIES, params![]).await
    })
    .await?;
    let mut out: Vec<OrgSummary> = rows.into_iter().map(OrgSummary::from).collect();
    out.sort_by(|a, b| {
        (a.name.to_lowercase(), &a.name, a.id).cmp(&(b.name.to_lowercase(), &b.name, b.id))
    });
    Ok(out)
}

pub(crate) async fn summary_by_name(pool: &Pool, name: &str) -> Result<Option<OrgSummary>> {
    let row: Option<SummaryRow> = Conn::run(pool, "mencari organisasi", async |conn| {
        conn.fetch_optional(SUMMARY_BY_NAME, params![name]).await
    })
    .await?;
    Ok(row.map(OrgSummary::from))
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    revision: i64,
}

const REVISION: &str = "SELECT revision FROM org_revisions WHERE org_id = $1";

/// The revision of an organisation's data (0 when it never changed).
pub(crate) async fn revision(pool: &Pool, org_id: i64) -> Result<i64> {
    let key = memo::Key::OrgRevision(org_id);
    revision_by_id(pool, key, "membaca revisi data", REVISION, org_id).await
}

/// The revision `sql` reads for `id` (0 without a row), kept under `key` while the database is
/// unchanged: an organisation's and a pemda's.
pub(crate) async fn revision_by_id(
    pool: &Pool,
    key: memo::Key,
    context: &'static str,
    sql: &'static str,
    id: i64,
) -> Result<i64> {
    pool.memoised(key, async || {
        let rows: Vec<RevisionRow> = pool.fetch_single(context, sql, params![id]).await?;
        Ok(rows.first().map_or(0, |r| r.revision))
    })
    .await
}

#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
}

pub(crate) const ORG_ID_BY_NAME: &str = "SELECT id FROM organisations WHERE name = $1";

pub(crate) const INSERT_ORG: &str = "INSERT INTO organisations \
     (name, title, demo, renstra_start, renstra_end, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
const UPDATE_ORG: &str = "UPDATE organisations SET title = $2, demo = $3, renstra_start = $4, \
     renstra_end = $5, updated_at = $6 WHERE id = $1";
const DELETE_ORG: &str = "DELETE FROM organisations WHERE id = $1";

/// Deleting an organisation's tree, children first; each scoped by `org_id`. Measurements are
/// not part of it: a replacing import keeps them (they name indicators by key and code).
const DELETE_TREE: [&str; 8] = [
    crate::documents::DELETE_PROGRAMS[0],
    crate::documents::DELETE_PROGRAMS[1],
    "DELETE FROM targets WHERE org_id = $1",
    "DELETE FROM supports WHERE org_id = $1",
    "DELETE FROM indicators WHERE org_id = $1",
    "DELETE FROM objectives WHERE org_id = $1",
    "DELETE FROM officials WHERE org_id = $1",
    "DELETE FROM units WHERE org_id = $1",
];

pub(crate) const INSERT_UNIT: &str = "INSERT INTO units \
     (org_id, seq, unit_key, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
pub(crate) const INSERT_OFFICIAL: &str = "INSERT INTO officials \
     (org_id, unit_id, seq, name, nip, pangkat, golongan, appointment, since_date, until_date) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
pub(crate) const INSERT_OBJECTIVE: &str = "INSERT INTO objectives \
     (org_id, unit_id, seq, code, statement) VALUES ($1, $2, $3, $4, $5) RETURNING id";
pub(crate) const INSERT_SUPPORT: &str = "INSERT INTO supports \
     (org_id, objective_id, target_id, seq, weight) VALUES ($1, $2, $3, $4, $5) RETURNING id";
pub(crate) const INSERT_INDICATOR: &str = "INSERT INTO indicators \
     (org_id, objective_id, unit_id, seq, code, name, iku, satuan, polarity, aggregation, \
     definition, formula, data_source, responsible, baseline_number, baseline_min, \
     baseline_max, baseline_text, decimals, periodisation) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
     $20) RETURNING id";
pub(crate) const INSERT_TARGET: &str = "INSERT INTO targets \
     (org_id, indicator_id, year, value_number, value_min, value_max, value_text) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

/// Imports `org` in one transaction; see [`Store::import_organisation`].
pub(crate) async fn import(
    store: &Store,
    actor: &str,
    org: &Organisation,
    mode: ImportMode,
) -> Result<i64> {
    WriteTx::run(store, actor, "mengimpor organisasi", async |tx| {
        let existing: Option<IdRow> = tx
            .read()
            .fetch_optional(ORG_ID_BY_NAME, params![org.name.as_str()])
            .await?;
        let renstra = org.renstra.map(|r| (i64::from(r.start), i64::from(r.end)));
        // The columns after the first (the id to update, or the name to insert).
        let columns = params![
            org.title.as_deref(),
            org.demo,
            renstra.map(|r| r.0),
            renstra.map(|r| r.1),
            now(),
        ];
        let (org_id, before, action) = match (existing, mode) {
            (Some(e), ImportMode::New) => {
                return Err(StoreError::Conflict(format!(
                    "organisasi bernama '{}' sudah ada (id {}). Beri nama lain, atau impor \
                     dengan mode ganti untuk menggantikan isinya.",
                    org.name, e.id
                )));
            }
            (Some(e), ImportMode::Replace) => {
                let before = tree::load(tx.read(), e.id).await?.snapshot()?;
                for sql in DELETE_TREE {
                    tx.execute(sql, params![e.id]).await?;
                }
                tx.execute(UPDATE_ORG, [params![e.id], columns].concat())
                    .await?;
                (e.id, Some(before), AuditAction::Replace)
            }
            (None, _) => {
                let id = tx
                    .insert(INSERT_ORG, [params![org.name.as_str()], columns].concat())
                    .await?;
                (id, None, AuditAction::Import)
            }
        };
        insert_tree(tx, org_id, org).await?;
        let audit = Audit {
            org_id: Some(org_id),
            entity: entity::ORGANISATION,
            entity_id: Some(org_id),
            action,
            before,
            after: Some(tree::snapshot(org)?),
        };
        Ok((org_id, audit))
    })
    .await
}

/// Inserts every unit, official, objective, cascade link, indicator and target of `org`.
/// Positions (`seq`) are the indices in the domain lists, so loading gives the same order.
async fn insert_tree(tx: &mut WriteTx, org_id: i64, org: &OrganisationDraft) -> Result<()> {
    // Parents before children (the domain guarantees parents exist and there is no cycle);
    // `seq` keeps the document order.
    let mut unit_ids: HashMap<&UnitKey, i64> = HashMap::new();
    while unit_ids.len() < org.units.len() {
        let before = unit_ids.len();
        for (seq, u) in org.units.iter().enumerate() {
            if unit_ids.contains_key(&u.key) {
                continue;
            }
            let parent_id = match &u.parent {
                None => None,
                Some(p) => match unit_ids.get(p) {
                    Some(id) => Some(*id),
                    None => continue,
                },
            };
            let id = tx
                .insert(
                    INSERT_UNIT,
                    params![
                        org_id,
                        seq as i64,
                        u.key.as_str(),
                        u.name.as_str(),
                        u.kind.as_str(),
                        parent_id,
                    ],
                )
                .await?;
            unit_ids.insert(&u.key, id);
        }
        if unit_ids.len() == before {
            return Err(StoreError::Invalid(
                "susunan induk unit tidak dapat disimpan: ada induk yang tidak ada atau \
                 membentuk lingkaran"
                    .into(),
            ));
        }
    }

    let mut objective_ids: HashMap<(&UnitKey, &Code), i64> = HashMap::new();
    for u in &org.units {
        let unit_id = unit_ids[&u.key];
        for (seq, o) in u.officials.iter().enumerate() {
            tx.insert(
                INSERT_OFFICIAL,
                [params![org_id, unit_id, seq as i64], official_columns(o)].concat(),
            )
            .await?;
        }
        for (seq, o) in u.objectives.iter().enumerate() {
            let id = tx
                .insert(
                    INSERT_OBJECTIVE,
                    params![
                        org_id,
                        unit_id,
                        seq as i64,
                        o.code.as_str(),
                        o.statement.as_str()
                    ],
                )
                .await?;
            objective_ids.insert((&u.key, &o.code), id);
        }
    }

    for u in &org.units {
        let unit_id = unit_ids[&u.key];
        for o in &u.objectives {
            let objective_id = objective_ids[&(&u.key, &o.code)];
            for (seq, s) in o.supports.iter().enumerate() {
                let target = objective_ids
                    .get(&(&s.unit, &s.objective))
                    .copied()
                    .ok_or_else(|| {
                        StoreError::Invalid(format!(
                            "sasaran {} unit {} mendukung sasaran {} pada unit {} yang tidak ada",
                            o.code, u.key, s.objective, s.unit
                        ))
                    })?;
                tx.insert(
                    INSERT_SUPPORT,
                    params![org_id, objective_id, target, seq as i64, s.weight],
                )
                .await?;
            }
            for (seq, i) in o.indicators.iter().enumerate() {
                let id = tx
                    .insert(
                        INSERT_INDICATOR,
                        [
                            params![org_id, objective_id, unit_id, seq as i64],
                            indicator_columns(&IndicatorSpec::from(i)),
                        ]
                        .concat(),
                    )
                    .await?;
                for (year, value) in &i.targets {
                    let (n, min, max, text) = value_columns(Some(value));
                    tx.insert(
                        INSERT_TARGET,
                        params![org_id, id, i64::from(*year), n, min, max, text],
                    )
                    .await?;
                }
            }
        }
    }
    crate::documents::insert_programs(tx, org_id, &org.programs).await?;
    Ok(())
}

/// An official's own columns: the arguments of [`INSERT_OFFICIAL`] after the organisation, the
/// unit and `seq` (and of the edit's update after the organisation and the id).
pub(crate) fn official_columns(o: &Official) -> Vec<Param> {
    params![
        o.name.as_str(),
        o.nip.as_ref().map(|n| n.as_str()),
        o.pangkat.as_deref(),
        o.golongan.as_deref(),
        o.appointment.as_str(),
        o.since,
        o.until,
    ]
}

/// An indicator's specification columns: the arguments of [`INSERT_INDICATOR`] after the
/// organisation, the objective, the unit and `seq` (and of the edit's update after the
/// organisation, the id and `seq`).
pub(crate) fn indicator_columns(i: &IndicatorSpec) -> Vec<Param> {
    let (bn, bmin, bmax, btext) = value_columns(i.baseline.as_ref());
    params![
        i.code.as_str(),
        i.name.as_str(),
        i.iku,
        i.satuan.as_deref(),
        i.polarity.map(|p| p.as_str()),
        i.aggregation.map(|a| a.as_str()),
        i.definition.as_deref(),
        i.formula.as_deref(),
        i.data_source.as_deref(),
        i.responsible.as_deref(),
        bn,
        bmin,
        bmax,
        btext,
        i.decimals.map(i64::from),
        i.periodisation.map(|p| p.as_str()),
    ]
}

/// Loads a whole organisation as the domain value.
pub(crate) async fn load(pool: &Pool, org_id: i64) -> Result<Organisation> {
    Ok(load_tree(pool, org_id).await?.organisation)
}

/// Loads a whole organisation with database ids.
pub(crate) async fn load_tree(pool: &Pool, org_id: i64) -> Result<tree::TreeWithIds> {
    Conn::run(pool, "membaca organisasi", async |conn| {
        tree::load(conn, org_id).await
    })
    .await?
    .into_tree()
}

/// Deletes an organisation and everything it holds, its measurements included (its audit
/// history stays, and so do evidence files, which are shared by content).
pub(crate) async fn delete(store: &Store, actor: &str, org_id: i64) -> Result<()> {
    WriteTx::run(store, actor, "menghapus organisasi", async |tx| {
        let before = tree::load(tx.read(), org_id).await?.snapshot()?;
        for sql in crate::pemda::DELETE_ORG_LINKS {
            tx.execute(sql, params![org_id]).await?;
        }
        for sql in crate::measure::DELETE_MEASUREMENTS {
            tx.execute(sql, params![org_id]).await?;
        }
        for sql in crate::documents::DELETE_DOCUMENTS {
            tx.execute(sql, params![org_id]).await?;
        }
        for sql in DELETE_TREE {
            tx.execute(sql, params![org_id]).await?;
        }
        tx.execute(DELETE_ORG, params![org_id]).await?;
        let audit = Audit::deleted(org_id, entity::ORGANISATION, org_id, before);
        Ok(((), audit))
    })
    .await
}
