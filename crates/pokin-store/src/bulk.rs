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
//! 65535). Each text is built once and kept for the life of the process (`&'static str`, as
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

/// The most rows in one statement: beyond this, a larger statement is no faster and costs more
/// to prepare (SQLite looks `$N` parameters up linearly).
const MAX_ROWS_PER_STATEMENT: usize = 1024;

/// The most bind parameters one statement may carry on each backend.
fn max_params(store: &Store) -> usize {
    match store.backend() {
        crate::Backend::Sqlite => 32_766,
        crate::Backend::Postgres => 65_535,
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
    let limit = max_params(store);
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
        let period_targets = orgs.iter().zip(&org_ids).flat_map(|(o, &org_id)| {
            o.period_targets.iter().map(move |(k, p, v)| {
                let (n, min, max, text) = value_columns(Some(v));
                [period_params(org_id, k, *p), params![n, min, max, text]].concat()
            })
        });
        insert_all(tx, crate::measure::INSERT_PERIOD_TARGET, period_targets, limit).await?;
        let realisations = orgs.iter().zip(&org_ids).flat_map(|(o, &org_id)| {
            o.realisations.iter().map(move |r| {
                let (number, text) = realisation_columns(Some(&r.value));
                let reason = match r.status {
                    Status::Draft | Status::Diverifikasi => None,
                    Status::Diajukan | Status::Dikembalikan => {
                        r.return_reason.as_deref().map(str::trim)
                    }
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
            })
        });
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
/// few statements as the parameter limit allows; nothing is returned.
async fn insert_all(
    tx: &mut WriteTx,
    single: &'static str,
    rows: impl Iterator<Item = Vec<Param>>,
    limit: usize,
) -> Result<()> {
    for_chunks(
        single,
        "",
        rows,
        limit,
        async |sql: &'static str, params: Vec<Param>| tx.execute(sql, params).await.map(|_| ()),
    )
    .await
}

/// Like [`insert_all`], returning the rows `returning` (` RETURNING …`) names.
async fn insert_returning<T: Record>(
    tx: &mut WriteTx,
    single: &'static str,
    returning: &'static str,
    rows: impl Iterator<Item = Vec<Param>>,
    limit: usize,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for_chunks(
        single,
        returning,
        rows,
        limit,
        async |sql: &'static str, params: Vec<Param>| {
            out.extend(tx.insert_returning::<T>(sql, params).await?);
            Ok(())
        },
    )
    .await?;
    Ok(out)
}

/// Groups `rows` into statements: full chunks, then the rest as pieces of 2^k rows (largest
/// first), and runs `run` on each statement's text and parameters.
async fn for_chunks(
    single: &'static str,
    returning: &'static str,
    mut rows: impl Iterator<Item = Vec<Param>>,
    limit: usize,
    mut run: impl AsyncFnMut(&'static str, Vec<Param>) -> Result<()>,
) -> Result<()> {
    let per_row = template(single).per_row;
    let cap = std::env::var("POKIN_BULK_ROWS_TMP").ok().and_then(|v| v.parse().ok()).unwrap_or(MAX_ROWS_PER_STATEMENT);
    let full = (limit / per_row).clamp(1, cap);
    loop {
        let mut params = Vec::with_capacity(full * per_row);
        let mut n = 0;
        let qm = std::env::var("POKIN_BULK_Q_TMP").is_ok();
        let seq = placeholders(template(single).tuple);
        for row in rows.by_ref().take(full) {
            debug_assert_eq!(row.len(), per_row, "{single}");
            if qm { for &k in &seq { params.push(row[k-1].clone()); } } else {
            params.extend(row); }
            n += 1;
        }
        if qm {
            if n > 0 {
            let t = template(single);
            let mut tuple = String::from("(");
            for i in 0..seq.len() { if i>0 {tuple.push_str(", ");} tuple.push('?'); }
            tuple.push(')');
            let mut sql = format!("{} VALUES ", t.head);
            for r in 0..n { if r>0 {sql.push_str(", ");} sql.push_str(&tuple); }
            sql.push_str(returning);
            let sql: &'static str = text_owned(sql);
            run(sql, params).await?;
            }
            if n == full { continue; }
            return Ok(());
        }
        if n == full {
            run(text(single, returning, n), params).await?;
            continue;
        }
        // The rest: pieces of 2^k rows, largest first.
        let mut params = params.into_iter();
        let mut left = n;
        while left > 0 {
            let piece = 1 << left.ilog2();
            let chunk: Vec<Param> = params.by_ref().take(piece * per_row).collect();
            run(text(single, returning, piece), chunk).await?;
            left -= piece;
        }
        return Ok(());
    }
}

fn text_owned(sql: String) -> &'static str {
    static T: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut t = T.get_or_init(Default::default).lock().unwrap();
    if let Some(s) = t.get(&sql) { return s; }
    let l: &'static str = Box::leak(sql.clone().into_boxed_str());
    t.insert(sql, l);
    l
}

/// The parts of a one-row `INSERT … VALUES (…) [RETURNING …]`.
struct Template {
    /// `INSERT INTO table (columns)`.
    head: &'static str,
    /// The `VALUES` tuple, e.g. `($1, $2, $2)`.
    tuple: &'static str,
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
    let per_row = placeholders(tuple).into_iter().max().unwrap_or(0);
    assert!(per_row > 0, "no placeholders: {single}");
    Template {
        head: head.trim_end(),
        tuple,
        per_row,
    }
}

/// The numbers of the `$N` placeholders in `s`, in order.
fn placeholders(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '$' {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while let Some(&(j, d)) = chars.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            end = j + 1;
            chars.next();
        }
        if let Ok(n) = s[start..end].parse() {
            out.push(n);
        }
    }
    out
}

/// `single` as an insert of `rows` rows followed by `returning`.
fn render(single: &'static str, returning: &str, rows: usize) -> String {
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
            out.push_str(&rest[..=i]);
            let digits = rest[i + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rest.len(), |e| i + 1 + e);
            let n: usize = rest[i + 1..digits].parse().unwrap_or(0);
            out.push_str(&(n + offset).to_string());
            rest = &rest[digits..];
        }
        out.push_str(rest);
    }
    out.push_str(returning);
    out
}

/// The text of `single` for `rows` rows and `returning`, built once per process and kept.
fn text(single: &'static str, returning: &'static str, rows: usize) -> &'static str {
    type Key = (&'static str, &'static str, usize);
    static TEXTS: OnceLock<Mutex<HashMap<Key, &'static str>>> = OnceLock::new();
    let mut texts = TEXTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    texts
        .entry((single, returning, rows))
        .or_insert_with(|| Box::leak(render(single, returning, rows).into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_text_renumbers_each_row_and_keeps_repeated_placeholders() {
        let sql = render(INSERT_ORG, RETURNING_ORG, 3);
        assert_eq!(
            sql,
            "INSERT INTO organisations \
             (name, title, demo, renstra_start, renstra_end, created_at, updated_at) VALUES \
             ($1, $2, $3, $4, $5, $6, $6), ($7, $8, $9, $10, $11, $12, $12), \
             ($13, $14, $15, $16, $17, $18, $18) RETURNING id, name"
        );
        assert_eq!(template(INSERT_ORG).per_row, 6);
        assert_eq!(template(INSERT_INDICATOR).per_row, 20);
        let one = render(INSERT_TARGET, "", 1);
        assert!(
            one.ends_with("VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            "{one}"
        );
    }

    #[test]
    fn texts_are_built_once() {
        let a = text(INSERT_UNIT, RETURNING_UNIT, 5);
        let b = text(INSERT_UNIT, RETURNING_UNIT, 5);
        assert!(std::ptr::eq(a, b));
        assert_ne!(a, text(INSERT_UNIT, RETURNING_UNIT, 4));
    }

    #[tokio::test]
    async fn rows_are_chunked_in_full_statements_then_powers_of_two() {
        let rows = (0..23).map(|i: i64| params![i, i, i, i, i, i, i]);
        let mut seen = Vec::new();
        // 7 parameters per row, at most 70 per statement: chunks of 10 rows.
        for_chunks(INSERT_TARGET, "", rows, 70, async |sql, params| {
            seen.push((sql.matches('(').count() - 1, params.len()));
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(seen, vec![(10, 70), (10, 70), (2, 14), (1, 7)]);
    }
}
