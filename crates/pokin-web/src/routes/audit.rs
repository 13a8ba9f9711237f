//! The audit log page, and the query shared with `GET /api/v1/audit`: filters by organisation,
//! unit, user, entity and date range, limited to what the user may read (admin: everything;
//! inspektorat and perencana: their organisation's records). Each entry shows before and after
//! as a field-level diff.
//!
//! The unit filter keeps records about the unit itself or about its officials, objectives,
//! cascade links, indicators and targets (recognised by the ids in the recorded rows).

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{NaiveDate, TimeZone, Utc};
use pokin_domain::UnitKey;
use pokin_store::{AuditFilter, AuditRecord, User, entity};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

/// The filters, as query parameters (`?org=1&unit=seksi-x&user=perencana&entity=indicator&dari=2026-01-01&sampai=2026-12-31`).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Organisation id (required for non-admins' own organisation; filled in automatically).
    /// Empty means "every organisation I may read" (the filter form's first option).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub org: Option<i64>,
    /// Unit key within the organisation.
    pub unit: Option<String>,
    /// User name of whoever made the change.
    pub user: Option<String>,
    /// Entity kind: organisation, unit, official, objective, support, indicator, target, user,
    /// session, api_token.
    pub entity: Option<String>,
    /// From this date (inclusive), `YYYY-MM-DD`.
    pub dari: Option<String>,
    /// Up to this date (inclusive), `YYYY-MM-DD`.
    pub sampai: Option<String>,
}

const LIMIT: u32 = 500;

/// `org=` (the form's "all" option) as `None`; anything else must be a number.
fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(field: &str, s: Option<&str>) -> Result<Option<NaiveDate>, Error> {
    s.map(|s| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            Error::field(
                field,
                format!("Tanggal '{s}' tidak sah; tulis sebagai TTTT-BB-HH, misalnya 2026-03-31."),
            )
        })
    })
    .transpose()
}

/// The records matching `q` that `user` may read, newest first (at most 500).
pub(crate) async fn query(
    state: &AppState,
    user: &User,
    q: &AuditQuery,
) -> Result<Vec<AuditRecord>, Error> {
    let org_id = match (q.org, user.org_id) {
        (Some(o), _) => Some(o),
        (None, own) if user.role != pokin_store::Role::Admin => own,
        (None, _) => None,
    };
    match org_id {
        Some(o) => can(user, Action::ReadAudit, Target::Org(o))?,
        None => can(user, Action::ReadAudit, Target::System)?,
    }
    let since = date("dari", blank(&q.dari))?;
    let until = date("sampai", blank(&q.sampai))?;
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN));
    let filter = AuditFilter {
        org_id,
        actor: blank(&q.user).map(str::to_owned),
        entity: blank(&q.entity).map(str::to_owned),
        since: since.map(at),
        until: until.and_then(|d| d.succ_opt()).map(at),
        limit: Some(LIMIT),
        entity_id: None,
    };
    let mut records = state.store.audit_log(&filter).await?;
    if let Some(key) = blank(&q.unit) {
        let Some(org) = org_id else {
            return Err(Error::field(
                "unit",
                "Pilih organisasinya dulu untuk menyaring per unit.",
            ));
        };
        let key = UnitKey::parse(key)
            .map_err(|_| Error::field("unit", format!("Kunci unit '{key}' tidak sah.")))?;
        let tree = state.store.load_tree_with_ids(org).await?;
        let ids = tree.units.iter().find(|u| u.key == key).ok_or_else(|| {
            Error::field(
                "unit",
                format!("Unit '{key}' tidak ada dalam organisasi ini."),
            )
        })?;
        let objectives: HashSet<i64> = ids.objectives.iter().map(|o| o.id).collect();
        let indicators: HashSet<i64> = ids
            .objectives
            .iter()
            .flat_map(|o| o.indicators.iter().map(|i| i.id))
            .collect();
        records.retain(|r| {
            concerns_unit(r, ids.id, &objectives, &indicators) || names_unit_key(r, key.as_str())
        });
    }
    Ok(records)
}

/// Whether a measurement record (realisation, evidence, Rencana Aksi target, reopen request,
/// workbook batch) names the unit: measurements name their indicator by unit key
/// (`unit_key`, or `{"unit": key, "code": …}`), anywhere in `before` or `after`.
fn names_unit_key(r: &AuditRecord, key: &str) -> bool {
    fn walk(v: &Value, key: &str) -> bool {
        match v {
            Value::Object(m) => {
                m.get("unit_key").and_then(Value::as_str) == Some(key)
                    || (m.contains_key("code")
                        && m.get("unit").and_then(Value::as_str) == Some(key))
                    || m.values().any(|x| walk(x, key))
            }
            Value::Array(a) => a.iter().any(|x| walk(x, key)),
            _ => false,
        }
    }
    const MEASUREMENTS: [&str; 5] = [
        entity::REALISATION,
        entity::EVIDENCE,
        entity::PERIOD_TARGET,
        entity::REOPEN_REQUEST,
        entity::MEASUREMENT_BATCH,
    ];
    MEASUREMENTS.contains(&r.entity.as_str())
        && [&r.before, &r.after]
            .into_iter()
            .flatten()
            .any(|v| walk(v, key))
}

fn concerns_unit(
    r: &AuditRecord,
    unit: i64,
    objectives: &HashSet<i64>,
    indicators: &HashSet<i64>,
) -> bool {
    let field = |name: &str| {
        [&r.before, &r.after]
            .into_iter()
            .flatten()
            .filter_map(|v| v.get(name).and_then(Value::as_i64))
            .collect::<Vec<_>>()
    };
    match r.entity.as_str() {
        entity::UNIT => r.entity_id == Some(unit),
        entity::OBJECTIVE => {
            r.entity_id.is_some_and(|id| objectives.contains(&id))
                || field("unit_id").contains(&unit)
        }
        entity::INDICATOR => {
            r.entity_id.is_some_and(|id| indicators.contains(&id))
                || field("unit_id").contains(&unit)
        }
        entity::OFFICIAL => field("unit_id").contains(&unit),
        entity::SUPPORT => field("objective_id")
            .iter()
            .any(|id| objectives.contains(id)),
        entity::TARGET => field("indicator_id")
            .iter()
            .any(|id| indicators.contains(id)),
        _ => false,
    }
}

/// One field of a record's diff.
pub(crate) struct DiffRow {
    pub field: String,
    pub before: String,
    pub after: String,
    pub changed: bool,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => "ya".into(),
        Some(Value::Bool(false)) => "tidak".into(),
        Some(other) => other.to_string(),
    }
}

/// Field-by-field comparison of before and after (objects; anything else is one row).
pub(crate) fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<DiffRow> {
    let obj = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_default();
    let (b, a) = (obj(before), obj(after));
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .map(|k| {
            let (bv, av) = (b.get(k), a.get(k));
            DiffRow {
                field: k.clone(),
                before: show(bv),
                after: show(av),
                changed: bv != av,
            }
        })
        .collect()
}

struct EntryView {
    at: String,
    actor: String,
    entity: String,
    entity_id: String,
    action: &'static str,
    rows: Vec<DiffRow>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    orgs: Vec<(i64, String)>,
    q: AuditQuery,
    entries: Vec<EntryView>,
    entities: &'static [&'static str],
    limit: u32,
    /// Whether the user may check the chain (link to `/audit/rantai`).
    may_verify: bool,
}

impl AuditPage {
    fn selected_org(&self, id: &i64) -> bool {
        self.q.org == Some(*id)
    }
    fn value<'a>(&self, s: &'a Option<String>) -> &'a str {
        s.as_deref().unwrap_or("")
    }
}

/// `GET /audit`.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, Error> {
    let records = query(&state, &current.user, &q).await?;
    let orgs = state
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|o| can(&current.user, Action::ReadAudit, Target::Org(o.id)).is_ok())
        .map(|o| (o.id, o.name))
        .collect();
    let entries = records
        .iter()
        .map(|r| EntryView {
            at: when(r.at),
            actor: r.actor.clone(),
            entity: entity::label(&r.entity).to_owned(),
            entity_id: r.entity_id.map_or_else(String::new, |i| format!("#{i}")),
            action: match (r.entity.as_str(), r.action) {
                (entity::SESSION, pokin_store::AuditAction::Create) => "masuk",
                (entity::SESSION, pokin_store::AuditAction::Delete) => "keluar",
                (_, a) => a.label(),
            },
            rows: diff(r.before.as_ref(), r.after.as_ref()),
        })
        .collect();
    render(&AuditPage {
        layout: Layout::for_user(&current, "Log audit", "audit"),
        orgs,
        q,
        entries,
        entities: &entity::ALL,
        limit: LIMIT,
        may_verify: can(&current.user, Action::VerifyAudit, Target::System).is_ok(),
    })
}

#[derive(Template)]
#[template(path = "audit_chain.html")]
struct AuditChainPage {
    layout: Layout,
    /// Records checked when the chain is intact.
    intact: Option<String>,
    /// Where it breaks first: record id, position, time, why, records intact before it.
    broken: Option<BreakView>,
}

struct BreakView {
    id: String,
    seq: String,
    at: String,
    why: String,
    intact: String,
}

/// When a record was made, as the audit pages show it: `28 November 2026 14:05:09 UTC`.
fn when(at: chrono::DateTime<Utc>) -> String {
    format!(
        "{} {}",
        pokin_domain::format::date(at.date_naive()),
        at.format("%H:%M:%S UTC")
    )
}

/// `GET /audit/rantai`: checks the hash chain of the whole audit log (`Store::verify_audit`, the
/// check of `pokin audit verify`) and says whether it is intact or which record breaks it first.
/// Reads the whole log: it runs when asked, never on the audit page itself.
pub async fn chain(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Html<String>, Error> {
    can(&current.user, Action::VerifyAudit, Target::System)?;
    use pokin_domain::format::number;
    let count = |n: u64| number(n as f64, 0);
    let (intact, broken) = match state.store.verify_audit().await? {
        pokin_store::AuditVerification::Intact { records } => (Some(count(records)), None),
        pokin_store::AuditVerification::Broken(b) => (
            None,
            Some(BreakView {
                id: b.id.map_or_else(|| "-".into(), |i| format!("#{i}")),
                seq: b.seq.map_or_else(|| "-".into(), |s| number(s as f64, 0)),
                at: b.at.map_or_else(|| "-".into(), when),
                why: b.problem.message(),
                intact: count(b.intact),
            }),
        ),
    };
    render(&AuditChainPage {
        layout: Layout::for_user(&current, "Keutuhan log audit", "audit"),
        intact,
        broken,
    })
}
