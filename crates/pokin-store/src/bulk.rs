//! Bulk import: many whole organisations with their Rencana Aksi targets and realisations in
//! one transaction, with multi-row `INSERT`s, for synthetic agencies at national scale
//! (`pokin demo --synthetic`).
//!
//! The rows are exactly those [`Store::import_organisation`], [`Store::set_period_targets`] and
//! saved (and submitted, verified or returned) realisations would store: the row-building
//! helpers of `org`, `tree` and `measure` are reused, and every multi-row text is derived from
//! the single-row `INSERT` of the same table (its column list and its `VALUES` tuple repeated
//! with renumbered placeholders), so the two cannot drift apart.
//!
//! Rows that need the ids of earlier rows (a unit's parent, an objective's unit, an indicator's
//! objective, both ends of a cascade link) use `INSERT … RETURNING id, <natural key>` and map
//! the ids by that key, never by the order of the returned rows. Units are inserted level by
//! level, parents first.
//!
//! Statements are chunked under both backends' bind-parameter limits (SQLite 32766, PostgreSQL
//! 65535) and at most 1024 rows; on SQLite their placeholders are written `?` (see [`budget`]
//! for why). Each text is built once and kept for the life of the process (`&'static str`, as
//! every query of this crate): one per table for a full chunk, and for the rest of a table's
//! rows one per power of two (a remainder is sent as pieces of 2^k rows), so the texts kept stay
//! bounded — at most about twice the full chunk's text per table.

use crate::Store;
use crate::audit::{Audit, AuditAction, entity};
use crate::db::{Param, Record, WriteTx, now, params};
use crate::edit::{IndicatorSpec, value_problem};
use crate::error::{Result, StoreError};
use crate::measure::{period_params, periodisation_problem, realisation_columns};
use crate::org::{
    INSERT_INDICATOR, INSERT_OBJECTIVE, INSERT_OFFICIAL, INSERT_ORG, INSERT_SUPPORT, INSERT_TARGET,
    INSERT_UNIT, ORG_ID_BY_NAME, indicator_columns, official_columns,
};
use crate::tree::value_columns;
use chrono::{DateTime, Utc};
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::measure::{IndicatorKey, Period, RealisationInput, Status};
use pokin_domain::{Organisation, TargetValue, UnitKey};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// One organisation to import in bulk: its tree (with Renstra targets), its Rencana Aksi
/// targets and its realisations.
#[derive(Debug, Clone, Copy)]
pub struct BulkOrganisation<'a> {
    pub org: &'a Organisation,
    pub period_targets: &'a [(IndicatorKey, Period, TargetValue)],
    pub realisations: &'a [BulkRealisation],
}

/// A realisation as an operator (and its verifier) left it.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRealisation {
    pub indicator: IndicatorKey,
    pub period: Period,
    pub value: Realisation,
    pub status: Status,
    /// Required when `status` is [`Status::Dikembalikan`]; may remain on a resubmitted
    /// ([`Status::Diajukan`]) one; absent otherwise.
    pub return_reason: Option<String>,
    /// Who entered it (a user name).
    pub updated_by: String,
}

/// The realisation insert of the normal path (`measure`) with the return reason, which a
/// realisation gets there by a later workflow step.
const INSERT_REALISATION: &str = "INSERT INTO realisations \
     (org_id, unit_key, indicator_code, year, periodisation, period_n, value_number, value_text, \
     kendala, solusi, pendorong, status, return_reason, updated_by, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

/// How large one statement may be, and how its placeholders are written.
#[derive(Debug, Clone, Copy)]
struct Budget {
    /// At most this many bind parameters…
    params: usize,
    /// …and this many rows.
    rows: usize,
    style: Style,
}

/// How the placeholders of a multi-row text are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
    /// `$1, $2, …`, renumbered row by row: the form of every query of this crate.
    Numbered,
    /// `?`, one parameter per occurrence (a placeholder used twice in a row is sent twice).
    Positional,
}

/// The statement size and placeholder style for `store`'s backend.
///
/// PostgreSQL: its protocol's limit of 65535 parameters, at most 1024 rows, `$N` placeholders.
///
/// SQLite: its limit of 32766 parameters, at most 1024 rows, and `?` placeholders — the one
/// place where a text differs between the backends, and only in how its placeholders are
/// written: both are rendered from the same one-row text. With `$N`, a statement of n
/// parameters costs O(n²) to bind, because sqlx-sqlite asks SQLite for the name of every
/// parameter and SQLite finds a name by a linear search (`sqlite3VListNumToName`); a nameless
/// `?` has no name to look up. Measured on a kabupaten (193,000 rows): with `$N`, 73 s in
/// 1024-row statements (88 % of it in that search) and at best 5–6 s in statements of about 128
/// parameters, where the search balances the hand-over of each statement to sqlx-sqlite's worker
/// thread; with `?`, about 2 s.
fn budget(store: &Store) -> Budget {
    match store.backend() {
        crate::Backend::Sqlite => Budget {
            params: 32_766,
            rows: 1024,
            style: Style::Positional,
        },
        crate::Backend::Postgres => Budget {
            params: 65_535,
            rows: 1024,
            style: Style::Numbered,
        },
    }
}

#[derive(sqlx::FromRow)]
struct OrgIdRow {
    id: i64,
    name: String,
}

#[derive(sqlx::FromRow)]
struct UnitIdRow {
    id: i64,
    org_id: i64,
    unit_key: String,
}

/// An objective's or an indicator's id with its natural key (codes are unique per unit).
#[derive(sqlx::FromRow)]
struct CodeIdRow {
    id: i64,
    org_id: i64,
    unit_id: i64,
    code: String,
}

const RETURNING_ORG: &str = " RETURNING id, name";
const RETURNING_UNIT: &str = " RETURNING id, org_id, unit_key";
const RETURNING_CODE: &str = " RETURNING id, org_id, unit_id, code";

/// Imports every organisation of `orgs` in one transaction; see [`Store::bulk_import`].
pub(crate) async fn import(
    store: &Store,
    actor: &str,
    orgs: &[BulkOrganisation<'_>],
) -> Result<Vec<i64>> {
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    check(orgs)?;
    let limit = budget(store);
    WriteTx::run(store, actor, "mengimpor organisasi secara massal", async |tx| {
        for o in orgs {
            let existing: Option<IdOnly> = tx
                .read()
                .fetch_optional(ORG_ID_BY_NAME, params![o.org.name.as_str()])
                .await?;
            if let Some(e) = existing {
                return Err(StoreError::Conflict(format!(
                    "organisasi bernama '{}' sudah ada (id {}). Impor massal dibatalkan dan tidak \
                     ada yang disimpan; hapus organisasi itu atau muat ke basis data yang baru.",
                    o.org.name, e.id
                )));
            }
        }
        let stamp = now();

        // Organisations.
        let rows = orgs.iter().map(|o| {
            let renstra = o.org.renstra.map(|r| (i64::from(r.start), i64::from(r.end)));
            params![
                o.org.name.as_str(),
                o.org.title.as_deref(),
                o.org.demo,
                renstra.map(|r| r.0),
                renstra.map(|r| r.1),
                stamp,
            ]
        });
        let returned: Vec<OrgIdRow> =
            insert_returning(tx, INSERT_ORG, RETURNING_ORG, rows, limit).await?;
        let by_name: HashMap<String, i64> = returned.into_iter().map(|r| (r.name, r.id)).collect();
        let org_ids = orgs
            .iter()
            .map(|o| {
                by_name
                    .get(&o.org.name)
                    .copied()
                    .ok_or_else(|| missing("organisasi", &o.org.name))
            })
            .collect::<Result<Vec<i64>>>()?;

        // Units, level by level (parents first); `seq` is the index in the domain list.
        let mut unit_ids: HashMap<(i64, String), i64> = HashMap::new();
        let depths: Vec<Vec<usize>> = orgs.iter().map(|o| unit_depths(o.org)).collect();
        let deepest = depths.iter().flatten().copied().max().unwrap_or(0);
        for level in 0..=deepest {
            let mut rows = Vec::new();
            for ((o, &org_id), depth) in orgs.iter().zip(&org_ids).zip(&depths) {
                for (seq, u) in o.org.units.iter().enumerate() {
                    if depth[seq] != level {
                        continue;
                    }
                    let parent_id = match &u.parent {
                        None => None,
                        Some(p) => Some(
                            unit_ids
                                .get(&(org_id, p.as_str().to_owned()))
                                .copied()
                                .ok_or_else(|| missing("induk unit", p.as_str()))?,
                        ),
                    };
                    rows.push(params![
                        org_id,
                        seq as i64,
                        u.key.as_str(),
                        u.name.as_str(),
                        u.kind.as_str(),
                        parent_id,
                    ]);
                }
            }
            let returned: Vec<UnitIdRow> =
                insert_returning(tx, INSERT_UNIT, RETURNING_UNIT, rows.into_iter(), limit).await?;
            unit_ids.extend(returned.into_iter().map(|r| ((r.org_id, r.unit_key), r.id)));
        }
        let unit_id = |org_id: i64, key: &UnitKey| -> Result<i64> {
            unit_ids
                .get(&(org_id, key.as_str().to_owned()))
                .copied()
                .ok_or_else(|| missing("unit", key.as_str()))
        };

        // Officials and objectives.
        let mut officials = Vec::new();
        let mut objectives = Vec::new();
        for (o, &org_id) in orgs.iter().zip(&org_ids) {
            for u in &o.org.units {
                let uid = unit_id(org_id, &u.key)?;
                for (seq, off) in u.officials.iter().enumerate() {
                    officials.push(
                        [params![org_id, uid, seq as i64], official_columns(off)].concat(),
                    );
                }
                for (seq, obj) in u.objectives.iter().enumerate() {
                    objectives.push(params![
                        org_id,
                        uid,
                        seq as i64,
                        obj.code.as_str(),
                        obj.statement.as_str()
                    ]);
                }
            }
        }
        insert_all(tx, INSERT_OFFICIAL, officials.into_iter(), limit).await?;
        let returned: Vec<CodeIdRow> = insert_returning(
            tx,
            INSERT_OBJECTIVE,
            RETURNING_CODE,
            objectives.into_iter(),
            limit,
        )
        .await?;
        let objective_ids: HashMap<(i64, i64, String), i64> = returned
            .into_iter()
            .map(|r| ((r.org_id, r.unit_id, r.code), r.id))
            .collect();
        let objective_id = |org_id: i64, unit: i64, code: &str| -> Result<i64> {
            objective_ids
                .get(&(org_id, unit, code.to_owned()))
                .copied()
                .ok_or_else(|| missing("sasaran", code))
        };

        // Cascade links and indicators.
        let mut supports = Vec::new();
        let mut indicators = Vec::new();
        for (o, &org_id) in orgs.iter().zip(&org_ids) {
            for u in &o.org.units {
                let uid = unit_id(org_id, &u.key)?;
                for obj in &u.objectives {
                    let from = objective_id(org_id, uid, obj.code.as_str())?;
                    for (seq, s) in obj.supports.iter().enumerate() {
                        let to = objective_id(org_id, unit_id(org_id, &s.unit)?, s.objective.as_str())?;
                        supports.push(params![org_id, from, to, seq as i64, s.weight]);
                    }
                    for (seq, i) in obj.indicators.iter().enumerate() {
                        indicators.push(
                            [
                                params![org_id, from, uid, seq as i64],
                                indicator_columns(&IndicatorSpec::from(i)),
                            ]
                            .concat(),
                        );
                    }
                }
            }
        }
        insert_all(tx, INSERT_SUPPORT, supports.into_iter(), limit).await?;
        let returned: Vec<CodeIdRow> = insert_returning(
            tx,
            INSERT_INDICATOR,
            RETURNING_CODE,
            indicators.into_iter(),
            limit,
        )
        .await?;
        let indicator_ids: HashMap<(i64, i64, String), i64> = returned
            .into_iter()
            .map(|r| ((r.org_id, r.unit_id, r.code), r.id))
            .collect();

        // Renstra targets.
        let mut targets = Vec::new();
        for (o, &org_id) in orgs.iter().zip(&org_ids) {
            for u in &o.org.units {
                let uid = unit_id(org_id, &u.key)?;
                for i in u.objectives.iter().flat_map(|obj| &obj.indicators) {
                    let id = indicator_ids
                        .get(&(org_id, uid, i.code.as_str().to_owned()))
                        .copied()
                        .ok_or_else(|| missing("indikator", i.code.as_str()))?;
                    for (year, value) in &i.targets {
                        let (n, min, max, text) = value_columns(Some(value));
                        targets.push(params![org_id, id, i64::from(*year), n, min, max, text]);
                    }
                }
            }
        }
        insert_all(tx, INSERT_TARGET, targets.into_iter(), limit).await?;

        // Programs (row by row, as the normal import: synthetic agencies have few or none).
        for (o, &org_id) in orgs.iter().zip(&org_ids) {
            crate::documents::insert_programs(tx, org_id, &o.org.programs).await?;
        }

        // Rencana Aksi targets and realisations, streamed (no list of every row at once).
        let period_targets = MeasurementRows {
            orgs,
            ids: &org_ids,
            list: |o| o.period_targets,
            row: period_target_row,
            stamp,
            org: 0,
            item: 0,
        };
        insert_all(tx, crate::measure::INSERT_PERIOD_TARGET, period_targets, limit).await?;
        let realisations = MeasurementRows {
            orgs,
            ids: &org_ids,
            list: |o| o.realisations,
            row: realisation_row,
            stamp,
            org: 0,
            item: 0,
        };
        insert_all(tx, INSERT_REALISATION, realisations, limit).await?;

        // One audit record per organisation: a summary, not the tree.
        let mut audits: Vec<Audit> = orgs
            .iter()
            .zip(&org_ids)
            .map(|(o, &org_id)| {
                let (units, objectives, indicators) = o.org.counts();
                Audit {
                    org_id: Some(org_id),
                    entity: entity::ORGANISATION,
                    entity_id: Some(org_id),
                    action: AuditAction::Import,
                    before: None,
                    after: Some(json!({
                        "name": o.org.name,
                        "units": units,
                        "objectives": objectives,
                        "indicators": indicators,
                        "period_targets": o.period_targets.len(),
                        "realisations": o.realisations.len(),
                        "bulk": true,
                    })),
                }
            })
            .collect();
        let last = audits.pop().ok_or_else(|| missing("organisasi", "-"))?;
        for a in audits {
            tx.audit(a).await?;
        }
        Ok((org_ids, last))
    })
    .await
}

/// The rows of one list of measurements (`list`) of every organisation, in order, made by
/// `row` from the organisation's id, the item and the time stamp of the import. An iterator of
/// plain functions rather than closures: a future that holds closures over borrowed items
/// across an `await` is not `Send` (the closures are not generic over the borrow's lifetime).
struct MeasurementRows<'o, 'a, T> {
    orgs: &'o [BulkOrganisation<'a>],
    ids: &'o [i64],
    list: fn(&BulkOrganisation<'a>) -> &'a [T],
    row: fn(i64, &T, DateTime<Utc>) -> Vec<Param>,
    stamp: DateTime<Utc>,
    org: usize,
    item: usize,
}

impl<T> Iterator for MeasurementRows<'_, '_, T> {
    type Item = Vec<Param>;

    fn next(&mut self) -> Option<Vec<Param>> {
        loop {
            let o = self.orgs.get(self.org)?;
            if let Some(t) = (self.list)(o).get(self.item) {
                self.item += 1;
                return Some((self.row)(self.ids[self.org], t, self.stamp));
            }
            self.org += 1;
            self.item = 0;
        }
    }
}

/// The parameters of [`crate::measure::INSERT_PERIOD_TARGET`], as `set_period_targets` writes
/// them.
fn period_target_row(
    org_id: i64,
    (k, p, v): &(IndicatorKey, Period, TargetValue),
    _: DateTime<Utc>,
) -> Vec<Param> {
    let (n, min, max, text) = value_columns(Some(v));
    [period_params(org_id, k, *p), params![n, min, max, text]].concat()
}

/// The parameters of [`INSERT_REALISATION`]: what saving the value and taking the workflow
/// steps to `r.status` leaves (no narrative; a return reason only where a step keeps one).
fn realisation_row(org_id: i64, r: &BulkRealisation, stamp: DateTime<Utc>) -> Vec<Param> {
    let (number, text) = realisation_columns(Some(&r.value));
    let reason = match r.status {
        Status::Draft | Status::Diverifikasi => None,
        Status::Diajukan | Status::Dikembalikan => r.return_reason.as_deref().map(str::trim),
    };
    [
        period_params(org_id, &r.indicator, r.period),
        params![
            number,
            text,
            None::<String>,
            None::<String>,
            None::<String>,
            r.status.as_str(),
            reason,
            r.updated_by.trim(),
            stamp,
        ],
    ]
    .concat()
}

#[derive(sqlx::FromRow)]
struct IdOnly {
    id: i64,
}

/// An id the database should have returned and did not: a bug, not the user's doing.
fn missing(what: &str, name: &str) -> StoreError {
    StoreError::Invalid(format!(
        "impor massal: id {what} '{name}' tidak ditemukan setelah disisipkan; tidak ada yang \
         disimpan. Laporkan ini sebagai kesalahan Pokin."
    ))
}

/// The depth of every unit of `org` (0 for a unit without parent), by index. The domain
/// guarantees that parents exist and form no cycle.
fn unit_depths(org: &Organisation) -> Vec<usize> {
    let index: HashMap<&UnitKey, usize> = org
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (&u.key, i))
        .collect();
    let mut depth: Vec<Option<usize>> = vec![None; org.units.len()];
    for start in 0..org.units.len() {
        // Walk up to a unit of known depth (or the root), then fill in the path.
        let mut path = Vec::new();
        let mut at = Some(start);
        let mut base = 0;
        while let Some(i) = at {
            if let Some(d) = depth[i] {
                base = d + 1;
                break;
            }
            if path.len() > org.units.len() {
                break;
            }
            path.push(i);
            at = org.units[i]
                .parent
                .as_ref()
                .and_then(|p| index.get(p).copied());
        }
        for (k, &i) in path.iter().rev().enumerate() {
            depth[i] = Some(base + k);
        }
    }
    depth.into_iter().map(|d| d.unwrap_or(0)).collect()
}

// ---------------------------------------------------------------------------------------------
// Checks before anything is written.

/// Refuses what the normal operations would refuse (or could never produce): names repeated
/// within the import, Rencana Aksi targets and realisations of indicators that are not in their
/// organisation's tree or of a period that does not fit the indicator's periodisation, invalid
/// values, the same indicator and period twice, and workflow states no sequence of steps
/// reaches. Lists up to ten problems.
fn check(orgs: &[BulkOrganisation<'_>]) -> Result<()> {
    let mut names = HashSet::new();
    for o in orgs {
        if !names.insert(o.org.name.as_str()) {
            return Err(StoreError::Conflict(format!(
                "organisasi bernama '{}' muncul lebih dari sekali dalam impor massal ini. Setiap \
                 organisasi harus bernama unik; tidak ada yang disimpan.",
                o.org.name
            )));
        }
    }
    let mut problems = Vec::new();
    for o in orgs {
        let periodisation: HashMap<(&UnitKey, &str), Option<Periodisation>> = o
            .org
            .units
            .iter()
            .flat_map(|u| {
                u.objectives
                    .iter()
                    .flat_map(|obj| &obj.indicators)
                    .map(move |i| ((&u.key, i.code.as_str()), i.periodisation))
            })
            .collect();
        let mut note = |what: String| {
            if problems.len() <= 10 {
                problems.push(format!("{}: {what}", o.org.name));
            }
        };
        let mut seen = HashSet::new();
        for (k, p, v) in o.period_targets {
            if let Some(why) = misplaced(&periodisation, k, *p, "target") {
                note(why);
                continue;
            }
            if let Some(why) = value_problem(v) {
                note(format!(
                    "target indikator {} unit {} {}: {why}",
                    k.code,
                    k.unit,
                    p.label()
                ));
            }
            if !seen.insert((k, *p)) {
                note(format!(
                    "target indikator {} unit {} {} muncul lebih dari sekali",
                    k.code,
                    k.unit,
                    p.label()
                ));
            }
        }
        let mut seen = HashSet::new();
        for r in o.realisations {
            if let Some(why) = misplaced(&periodisation, &r.indicator, r.period, "realisasi") {
                note(why);
                continue;
            }
            let label = format!(
                "realisasi indikator {} unit {} {}",
                r.indicator.code,
                r.indicator.unit,
                r.period.label()
            );
            let input = RealisationInput {
                value: Some(r.value.clone()),
                ..RealisationInput::default()
            };
            for why in input.problems() {
                note(format!("{label}: {why}"));
            }
            if !seen.insert((&r.indicator, r.period)) {
                note(format!("{label} muncul lebih dari sekali"));
            }
            if r.updated_by.trim().is_empty() {
                note(format!("{label}: nama pengisinya kosong"));
            }
            let reason = r
                .return_reason
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty());
            match (r.status, reason) {
                (Status::Dikembalikan, false) => note(format!(
                    "{label}: berstatus dikembalikan tanpa alasan pengembalian"
                )),
                (Status::Draft | Status::Diverifikasi, true) => note(format!(
                    "{label}: berstatus {} tetapi berisi alasan pengembalian",
                    r.status.label().to_lowercase()
                )),
                _ => {}
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let more = if problems.len() > 10 {
        problems.truncate(10);
        " (dan masalah lain)"
    } else {
        ""
    };
    Err(StoreError::Invalid(format!(
        "impor massal ditolak, tidak ada yang disimpan: {}{more}. Perbaiki datanya lalu ulangi.",
        problems.join("; ")
    )))
}

/// Why a `kind` (target, realisasi) of indicator `k` for period `p` cannot be stored: the
/// indicator is not in the tree (`periodisation` maps each indicator to its periodisation), or
/// the period does not fit its periodisation.
fn misplaced(
    periodisation: &HashMap<(&UnitKey, &str), Option<Periodisation>>,
    k: &IndicatorKey,
    p: Period,
    kind: &str,
) -> Option<String> {
    let label = format!("{kind} indikator {} unit {} {}", k.code, k.unit, p.label());
    match periodisation.get(&(&k.unit, k.code.as_str())) {
        None => Some(format!(
            "{label}: indikator itu tidak ada di pohon organisasi ini"
        )),
        Some(&per) => periodisation_problem(per, p).map(|why| format!("{label}: {why}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Multi-row statements.

/// Inserts every row of `rows` (each the parameters of `single`, a one-row `INSERT`) with as
/// few statements as the statement budget allows; nothing is returned.
async fn insert_all(
    tx: &mut WriteTx,
    single: &'static str,
    rows: impl Iterator<Item = Vec<Param>>,
    limit: Budget,
) -> Result<()> {
    for (sql, params) in Chunks::new(single, "", rows, limit) {
        tx.execute(sql, params).await?;
    }
    Ok(())
}

/// Like [`insert_all`], returning the rows `returning` (` RETURNING …`) names.
async fn insert_returning<T: Record>(
    tx: &mut WriteTx,
    single: &'static str,
    returning: &'static str,
    rows: impl Iterator<Item = Vec<Param>>,
    limit: Budget,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for (sql, params) in Chunks::new(single, returning, rows, limit) {
        out.extend(tx.insert_returning::<T>(sql, params).await?);
    }
    Ok(out)
}

/// Rows grouped into statements (text and parameters): full chunks, then the rest as pieces of
/// 2^k rows, largest first.
struct Chunks<I> {
    single: &'static str,
    returning: &'static str,
    rows: I,
    style: Style,
    /// The placeholder numbers of the row's tuple, in order of occurrence.
    order: Vec<usize>,
    /// Whether `order` is 1, 2, … (each parameter once, in order).
    in_order: bool,
    /// Parameters sent per row.
    sent: usize,
    full: usize,
    /// The parameters of the last, partial chunk and how many rows of it are left.
    rest: Option<(std::vec::IntoIter<Param>, usize)>,
}

impl<I: Iterator<Item = Vec<Param>>> Chunks<I> {
    fn new(single: &'static str, returning: &'static str, rows: I, limit: Budget) -> Self {
        let t = template(single);
        let in_order = t.order.iter().copied().eq(1..=t.per_row);
        let sent = match limit.style {
            Style::Numbered => t.per_row,
            Style::Positional => t.order.len(),
        };
        Chunks {
            single,
            returning,
            rows,
            style: limit.style,
            order: t.order,
            in_order,
            sent,
            full: (limit.params / sent).clamp(1, limit.rows),
            rest: None,
        }
    }

    fn text(&self, rows: usize) -> &'static str {
        text(self.single, self.returning, rows, self.style)
    }
}

impl<I: Iterator<Item = Vec<Param>>> Iterator for Chunks<I> {
    type Item = (&'static str, Vec<Param>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_none() {
            let mut params = Vec::with_capacity(self.full * self.sent);
            let mut n = 0;
            for row in self.rows.by_ref().take(self.full) {
                debug_assert_eq!(row.len(), self.order.iter().max().copied().unwrap_or(0));
                if self.style == Style::Positional && !self.in_order {
                    params.extend(self.order.iter().map(|&k| row[k - 1].clone()));
                } else {
                    params.extend(row);
                }
                n += 1;
            }
            if n == self.full {
                return Some((self.text(n), params));
            }
            self.rest = Some((params.into_iter(), n));
        }
        let (params, left) = self.rest.as_mut()?;
        if *left == 0 {
            return None;
        }
        let piece = 1 << left.ilog2();
        *left -= piece;
        let chunk = params.by_ref().take(piece * self.sent).collect();
        Some((self.text(piece), chunk))
    }
}

/// The parts of a one-row `INSERT … VALUES (…) [RETURNING …]`.
struct Template {
    /// `INSERT INTO table (columns)`.
    head: &'static str,
    /// The `VALUES` tuple, e.g. `($1, $2, $2)`.
    tuple: &'static str,
    /// The placeholder numbers of `tuple` in order of occurrence, e.g. 1, 2, 2.
    order: Vec<usize>,
    /// The highest placeholder number: the parameters per row.
    per_row: usize,
}

fn template(single: &'static str) -> Template {
    let (head, rest) = single
        .split_once(" VALUES ")
        .unwrap_or_else(|| panic!("not a one-row INSERT: {single}"));
    let open = rest
        .find('(')
        .unwrap_or_else(|| panic!("no VALUES tuple: {single}"));
    let close = rest[open..]
        .find(')')
        .map(|c| open + c)
        .unwrap_or_else(|| panic!("no VALUES tuple: {single}"));
    let tuple = &rest[open..=close];
    let order = placeholders(tuple);
    let per_row = order.iter().copied().max().unwrap_or(0);
    assert!(per_row > 0, "no placeholders: {single}");
    Template {
        head: head.trim_end(),
        tuple,
        order,
        per_row,
    }
}

/// The numbers of the `$N` placeholders in `s`, in order.
fn placeholders(s: &str) -> Vec<usize> {
    s.split('$')
        .skip(1)
        .filter_map(|after| {
            let end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            after[..end].parse().ok()
        })
        .collect()
}

/// `single` as an insert of `rows` rows followed by `returning`, its placeholders in `style`.
fn render(single: &'static str, returning: &str, rows: usize, style: Style) -> String {
    let t = template(single);
    let mut out = String::with_capacity(t.head.len() + rows * (t.tuple.len() + 16) + 64);
    out.push_str(t.head);
    out.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        let offset = r * t.per_row;
        let mut rest = t.tuple;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let digits = rest[i + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rest.len(), |e| i + 1 + e);
            match style {
                Style::Positional => out.push('?'),
                Style::Numbered => {
                    let n: usize = rest[i + 1..digits].parse().unwrap_or(0);
                    out.push('$');
                    out.push_str(&(n + offset).to_string());
                }
            }
            rest = &rest[digits..];
        }
        out.push_str(rest);
    }
    out.push_str(returning);
    out
}

/// The text of `single` for `rows` rows, `returning` and `style`, built once per process and
/// kept.
fn text(single: &'static str, returning: &'static str, rows: usize, style: Style) -> &'static str {
    type Key = (&'static str, &'static str, usize, Style);
    static TEXTS: OnceLock<Mutex<HashMap<Key, &'static str>>> = OnceLock::new();
    let mut texts = TEXTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    texts
        .entry((single, returning, rows, style))
        .or_insert_with(|| Box::leak(render(single, returning, rows, style).into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(params: usize, rows: usize, style: Style) -> Budget {
        Budget {
            params,
            rows,
            style,
        }
    }

    #[test]
    fn multi_row_text_renumbers_each_row_and_keeps_repeated_placeholders() {
        let sql = render(INSERT_ORG, RETURNING_ORG, 3, Style::Numbered);
        assert_eq!(
            sql,
            "INSERT INTO organisations \
             (name, title, demo, renstra_start, renstra_end, created_at, updated_at) VALUES \
             ($1, $2, $3, $4, $5, $6, $6), ($7, $8, $9, $10, $11, $12, $12), \
             ($13, $14, $15, $16, $17, $18, $18) RETURNING id, name"
        );
        assert_eq!(template(INSERT_ORG).per_row, 6);
        assert_eq!(template(INSERT_ORG).order, vec![1, 2, 3, 4, 5, 6, 6]);
        assert_eq!(template(INSERT_INDICATOR).per_row, 20);
        let one = render(INSERT_TARGET, "", 1, Style::Numbered);
        assert!(
            one.ends_with("VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            "{one}"
        );
        let positional = render(INSERT_ORG, "", 2, Style::Positional);
        assert!(
            positional.ends_with("VALUES (?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?)"),
            "{positional}"
        );
    }

    #[test]
    fn texts_are_built_once() {
        let a = text(INSERT_UNIT, RETURNING_UNIT, 5, Style::Numbered);
        let b = text(INSERT_UNIT, RETURNING_UNIT, 5, Style::Numbered);
        assert!(std::ptr::eq(a, b));
        assert_ne!(a, text(INSERT_UNIT, RETURNING_UNIT, 4, Style::Numbered));
        assert_ne!(a, text(INSERT_UNIT, RETURNING_UNIT, 5, Style::Positional));
    }

    #[test]
    fn rows_are_chunked_in_full_statements_then_powers_of_two() {
        let rows = |n: i64| (0..n).map(|i| params![i, i, i, i, i, i, i]);
        // 7 parameters per row, at most 70 per statement: chunks of 10 rows.
        let sizes = |n, limit| {
            Chunks::new(INSERT_TARGET, "", rows(n), limit)
                .map(|(sql, params)| (sql.matches('(').count() - 1, params.len()))
                .collect::<Vec<_>>()
        };
        for style in [Style::Numbered, Style::Positional] {
            let l = limit(70, 1024, style);
            assert_eq!(sizes(23, l), vec![(10, 70), (10, 70), (2, 14), (1, 7)]);
            assert_eq!(sizes(20, l), vec![(10, 70), (10, 70)]);
            assert_eq!(sizes(0, l), vec![]);
            // The row limit applies too.
            let l = limit(65_535, 2, style);
            assert_eq!(sizes(5, l), vec![(2, 14), (2, 14), (1, 7)]);
        }
    }

    #[test]
    fn positional_parameters_repeat_a_placeholder_used_twice() {
        let rows = (0..3).map(|i: i64| params![i, i, i, i, i, 100 + i]);
        let chunks: Vec<_> =
            Chunks::new(INSERT_ORG, "", rows, limit(14, 1024, Style::Positional)).collect();
        // 7 parameters sent per row: two rows, then one.
        assert_eq!(chunks.len(), 2);
        let first: Vec<String> = chunks[0].1.iter().map(|p| format!("{p:?}")).collect();
        assert_eq!(first.len(), 14);
        assert_eq!(first[5], first[6]);
        assert_eq!(first[5], format!("{:?}", Param::from(100_i64)));
        assert_eq!(first[12], format!("{:?}", Param::from(101_i64)));
        assert_eq!(chunks[1].1.len(), 7);
    }
}
