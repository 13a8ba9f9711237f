//! The pemda: its RPJMD tree (one validated JSON document), its member organisations, the
//! cascade links from OPD objectives to pemda nodes and their lifecycle, crosscutting between
//! OPDs, review notes, and Bappeda's own realisations of pemda indicators.
//!
//! Every write is one audited transaction that raises the pemda's revision
//! ([`Store::pemda_revision`]) and, where an OPD's data is named (links, crosscuts, notes on its
//! tree), that OPD's revision too, so the OPD's cached pages show the change. The store checks
//! what must hold for the data to make sense whoever asks: both ends of a link exist and lie in
//! one pemda, a rejection has a reason, a crosscut closes no cycle. Who may take a step is the
//! web layer's `permission::can`.

use crate::Store;
use crate::audit::{Audit, AuditAction, entity, to_json};
use crate::db::{Conn, Param, WriteTx, now, params};
use crate::error::{Result, StoreError};
use crate::memo;
use crate::tree::{self, code, corrupt, unit_key};
use chrono::{DateTime, Utc};
use pokin_domain::capaian::Ceiling;
use pokin_domain::capaian::Realisation;
use pokin_domain::measure::{Span, measure_organisation};
use pokin_domain::pemda::{
    CascadeLink, Coverage, Crosscut, LinkAction, LinkRole, LinkSide, LinkStatus, Member, OpdSource,
    Pemda, PemdaDraft, PemdaIndicatorCapaian, PemdaTarget, closes_cycle, coverage, link_capaian,
    link_step, pemda_capaian,
};
use pokin_domain::{Code, Organisation, UnitKey};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

mod file;
pub use file::PemdaImport;

/// A pemda in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PemdaSummary {
    pub id: i64,
    pub name: String,
}

/// A link to propose ([`Store::propose_link`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewLink {
    pub org_id: i64,
    pub target: PemdaTarget,
    /// The OPD objective (or indicator) that realises the target: required when the OPD
    /// proposes; Bappeda may leave it for the OPD to name when it accepts.
    pub source: Option<OpdSource>,
    pub role: LinkRole,
    pub weight: f64,
    pub side: LinkSide,
}

/// A crosscut to propose ([`Store::propose_crosscut`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCrosscut {
    pub from_org: i64,
    pub from: OpdSource,
    pub to_org: i64,
    pub share: Option<f64>,
    pub note: Option<String>,
}

/// A review note (*catatan reviu*) on a node of a tree: an OPD's unit objective or indicator
/// (`org_id` and `unit` set), or a node or indicator of the pemda tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewNote {
    pub id: i64,
    pub pemda_id: i64,
    pub org_id: Option<i64>,
    pub unit: Option<UnitKey>,
    pub code: Code,
    pub body: String,
    pub open: bool,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Longest review note, rejection reason or crosscut note.
pub const MAX_NOTE: usize = 4000;

#[derive(sqlx::FromRow)]
struct PemdaRow {
    id: i64,
    name: String,
    tree_json: String,
}

#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
}

#[derive(sqlx::FromRow)]
struct OptIdRow {
    pemda_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AllRevisionsRow {
    orgs: Option<String>,
    pemdas: Option<String>,
}

/// `1:4,2:7` → `[(1, 4), (2, 7)]`.
fn id_revision_pairs(text: Option<&str>) -> Result<Vec<(i64, i64)>> {
    text.unwrap_or("")
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (id, rev) = p.split_once(':').unwrap_or((p, ""));
            match (id.trim().parse(), rev.trim().parse()) {
                (Ok(i), Ok(r)) => Ok((i, r)),
                _ => Err(corrupt(format!("revisi '{p}' tidak terbaca"))),
            }
        })
        .collect()
}

/// Every organisation's and pemda's revision, read at one moment.
#[derive(Debug, Clone, Default)]
pub struct Revisions {
    /// Organisation id → [`Store::revision`].
    pub orgs: HashMap<i64, i64>,
    /// Pemda id → [`Store::pemda_revision`], by id.
    pub pemdas: Vec<(i64, i64)>,
}

impl Revisions {
    /// A pemda's revision (0 when it has none or does not exist).
    pub fn pemda(&self, id: i64) -> i64 {
        self.pemdas
            .iter()
            .find(|(p, _)| *p == id)
            .map_or(0, |(_, r)| *r)
    }
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    org_id: i64,
    node_code: String,
    indicator_code: Option<String>,
    unit_key: Option<String>,
    objective_code: Option<String>,
    source_indicator: Option<String>,
    role: String,
    weight: f64,
    status: String,
    reason: Option<String>,
    proposed_by: String,
    proposer: String,
    proposed_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct CrosscutRow {
    id: i64,
    org_id: i64,
    from_org: i64,
    from_unit: String,
    from_objective: String,
    from_indicator: Option<String>,
    to_unit: Option<String>,
    to_objective: Option<String>,
    share: Option<f64>,
    status: String,
    reason: Option<String>,
    note: Option<String>,
    proposer: String,
    proposed_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    pemda_id: i64,
    org_id: Option<i64>,
    unit_key: Option<String>,
    code: String,
    body: String,
    status: String,
    author: String,
    created_at: DateTime<Utc>,
    resolved_by: Option<String>,
    resolved_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct RealisationRow {
    indicator_code: String,
    value_number: Option<f64>,
    value_text: Option<String>,
}

const PEMDA_LIST: &str = "SELECT id, name, tree_json FROM pemda ORDER BY id";
const PEMDA_BY_ID: &str = "SELECT id, name, tree_json FROM pemda WHERE id = $1";
const PEMDA_BY_NAME: &str = "SELECT id, name, tree_json FROM pemda WHERE name = $1";
const INSERT_PEMDA: &str = "INSERT INTO pemda (name, tree_json, created_at, updated_at) \
     VALUES ($1, $2, $3, $3) RETURNING id";
const UPDATE_PEMDA: &str =
    "UPDATE pemda SET name = $2, tree_json = $3, updated_at = $4 WHERE id = $1";
const PEMDA_OF: &str = "SELECT pemda_id FROM organisations WHERE id = $1";
const SET_PEMDA_OF: &str = "UPDATE organisations SET pemda_id = $2 WHERE id = $1";
const MEMBERS: &str = "SELECT id FROM organisations WHERE pemda_id = $1 ORDER BY id";
const PEMDA_REVISION: &str = "SELECT revision FROM pemda_revisions WHERE pemda_id = $1";
/// Every organisation's and every pemda's revision in one statement and ONE row (`id:revision`
/// pairs, comma-separated; `NULL` when there are none): sqlx hands a SQLite row from its worker
/// thread to the caller one by one, so a row per organisation would cost a kabupaten-wide page
/// forty thread wake-ups. `string_agg` is in PostgreSQL and in SQLite since 3.44.
const ALL_REVISIONS: &str = "SELECT \
     (SELECT string_agg(CAST(o.id AS TEXT) || ':' || CAST(COALESCE(r.revision, 0) AS TEXT), ',') \
      FROM organisations o LEFT JOIN org_revisions r ON r.org_id = o.id) AS orgs, \
     (SELECT string_agg(CAST(p.id AS TEXT) || ':' || CAST(COALESCE(q.revision, 0) AS TEXT), ',') \
      FROM pemda p LEFT JOIN pemda_revisions q ON q.pemda_id = p.id) AS pemdas";
/// One pemda's revision and its members' in the same shape as [`ALL_REVISIONS`] (a pemda's
/// pages read only these: at provinsi scale a pemda's members are a twentieth of the
/// organisations).
const PEMDA_REVISIONS: &str = "SELECT \
     (SELECT string_agg(CAST(o.id AS TEXT) || ':' || CAST(COALESCE(r.revision, 0) AS TEXT), ',') \
      FROM organisations o LEFT JOIN org_revisions r ON r.org_id = o.id \
      WHERE o.pemda_id = $1) AS orgs, \
     (SELECT string_agg(CAST(p.id AS TEXT) || ':' || CAST(COALESCE(q.revision, 0) AS TEXT), ',') \
      FROM pemda p LEFT JOIN pemda_revisions q ON q.pemda_id = p.id WHERE p.id = $1) AS pemdas";

const LINKS: &str = "SELECT id, org_id, node_code, indicator_code, unit_key, objective_code, \
     source_indicator, role, weight, status, reason, proposed_by, proposer, proposed_at, \
     decided_by, decided_at FROM cascade_links WHERE pemda_id = $1 ORDER BY id";
const LINK_BY_ID: &str = "SELECT id, org_id, node_code, indicator_code, unit_key, objective_code, \
     source_indicator, role, weight, status, reason, proposed_by, proposer, proposed_at, \
     decided_by, decided_at FROM cascade_links WHERE pemda_id = $1 AND id = $2";
const INSERT_LINK: &str = "INSERT INTO cascade_links (org_id, pemda_id, node_code, \
     indicator_code, unit_key, objective_code, source_indicator, role, weight, status, reason, \
     proposed_by, proposer, proposed_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'diusulkan', NULL, $10, $11, $12) RETURNING id";
const UPDATE_LINK: &str = "UPDATE cascade_links SET unit_key = $3, objective_code = $4, \
     source_indicator = $5, role = $6, weight = $7, status = $8, reason = $9, proposed_by = $10, \
     proposer = $11, proposed_at = $12, decided_by = $13, decided_at = $14 \
     WHERE org_id = $1 AND id = $2";

const CROSSCUTS: &str = "SELECT id, org_id, from_org, from_unit, from_objective, from_indicator, \
     to_unit, to_objective, share, status, reason, note, proposer, proposed_at, decided_by, \
     decided_at FROM crosscuts WHERE pemda_id = $1 ORDER BY id";
const CROSSCUT_BY_ID: &str = "SELECT id, org_id, from_org, from_unit, from_objective, \
     from_indicator, to_unit, to_objective, share, status, reason, note, proposer, proposed_at, \
     decided_by, decided_at FROM crosscuts WHERE pemda_id = $1 AND id = $2";
const INSERT_CROSSCUT: &str = "INSERT INTO crosscuts (org_id, pemda_id, from_org, from_unit, \
     from_objective, from_indicator, share, status, note, proposer, proposed_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'diusulkan', $8, $9, $10) RETURNING id";
const UPDATE_CROSSCUT: &str = "UPDATE crosscuts SET to_unit = $3, to_objective = $4, status = $5, \
     reason = $6, proposer = $7, proposed_at = $8, decided_by = $9, decided_at = $10 \
     WHERE org_id = $1 AND id = $2";

const NOTES: &str = "SELECT id, pemda_id, org_id, unit_key, code, body, status, author, \
     created_at, resolved_by, resolved_at FROM review_notes WHERE pemda_id = $1 ORDER BY id";
const NOTE_BY_ID: &str = "SELECT id, pemda_id, org_id, unit_key, code, body, status, author, \
     created_at, resolved_by, resolved_at FROM review_notes WHERE id = $1";
const INSERT_NOTE: &str = "INSERT INTO review_notes (pemda_id, org_id, unit_key, code, body, \
     status, author, created_at) VALUES ($1, $2, $3, $4, $5, 'terbuka', $6, $7) RETURNING id";
const RESOLVE_NOTE: &str = "UPDATE review_notes SET status = 'selesai', resolved_by = $2, \
     resolved_at = $3 WHERE id = $1 AND status = 'terbuka'";

const REALISATIONS: &str = "SELECT indicator_code, value_number, value_text \
     FROM pemda_realisations WHERE pemda_id = $1 AND year = $2";
const DELETE_REALISATION: &str =
    "DELETE FROM pemda_realisations WHERE pemda_id = $1 AND indicator_code = $2 AND year = $3";
const INSERT_REALISATION: &str = "INSERT INTO pemda_realisations (pemda_id, indicator_code, \
     year, value_number, value_text, recorded_by, recorded_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Deleting an organisation removes its links, crosscuts (either side) and notes first.
pub(crate) const DELETE_ORG_LINKS: [&str; 4] = [
    "DELETE FROM cascade_links WHERE org_id = $1",
    "DELETE FROM crosscuts WHERE org_id = $1",
    "DELETE FROM crosscuts WHERE from_org = $1",
    "DELETE FROM review_notes WHERE org_id = $1",
];

fn not_found(what: &str) -> StoreError {
    StoreError::NotFound(format!(
        "{what} tidak ditemukan. Muat ulang halaman; mungkin sudah dihapus."
    ))
}

fn pemda_of_row(r: PemdaRow) -> Result<(i64, Pemda)> {
    let draft: PemdaDraft = serde_json::from_str(&r.tree_json)
        .map_err(|e| corrupt(format!("pohon kinerja pemda {} ({}): {e}", r.id, r.name)))?;
    let p = draft
        .validate()
        .map_err(|e| corrupt(format!("pohon kinerja pemda {} tidak sah:\n{e}", r.id)))?;
    Ok((r.id, p))
}

async fn pemda_in(conn: &mut Conn, id: i64) -> Result<Pemda> {
    let row: PemdaRow = conn
        .fetch_optional(PEMDA_BY_ID, params![id])
        .await?
        .ok_or_else(|| not_found(&format!("pemda dengan id {id}")))?;
    Ok(pemda_of_row(row)?.1)
}

fn link_of(r: LinkRow) -> Result<CascadeLink> {
    let source = match (r.unit_key, r.objective_code) {
        (Some(u), Some(o)) => Some(OpdSource {
            unit: unit_key(&u)?,
            objective: code(&o)?,
            indicator: r.source_indicator.as_deref().map(code).transpose()?,
        }),
        _ => None,
    };
    Ok(CascadeLink {
        id: r.id,
        org_id: r.org_id,
        target: PemdaTarget {
            node: code(&r.node_code)?,
            indicator: r.indicator_code.as_deref().map(code).transpose()?,
        },
        source,
        role: LinkRole::from_str_opt(&r.role).ok_or_else(|| corrupt(&r.role))?,
        weight: r.weight,
        status: LinkStatus::from_str_opt(&r.status).ok_or_else(|| corrupt(&r.status))?,
        reason: r.reason,
        proposed_by: LinkSide::from_str_opt(&r.proposed_by)
            .ok_or_else(|| corrupt(&r.proposed_by))?,
        proposer: r.proposer,
        proposed_at: r.proposed_at,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
    })
}

fn crosscut_of(r: CrosscutRow) -> Result<Crosscut> {
    let to = match (r.to_unit, r.to_objective) {
        (Some(u), Some(o)) => Some(OpdSource {
            unit: unit_key(&u)?,
            objective: code(&o)?,
            indicator: None,
        }),
        _ => None,
    };
    Ok(Crosscut {
        id: r.id,
        from_org: r.from_org,
        from: OpdSource {
            unit: unit_key(&r.from_unit)?,
            objective: code(&r.from_objective)?,
            indicator: r.from_indicator.as_deref().map(code).transpose()?,
        },
        to_org: r.org_id,
        to,
        share: r.share,
        status: LinkStatus::from_str_opt(&r.status).ok_or_else(|| corrupt(&r.status))?,
        reason: r.reason,
        note: r.note,
        proposer: r.proposer,
        proposed_at: r.proposed_at,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
    })
}

fn note_of(r: NoteRow) -> Result<ReviewNote> {
    Ok(ReviewNote {
        id: r.id,
        pemda_id: r.pemda_id,
        org_id: r.org_id,
        unit: r.unit_key.as_deref().map(unit_key).transpose()?,
        code: code(&r.code)?,
        body: r.body,
        open: r.status == "terbuka",
        author: r.author,
        created_at: r.created_at,
        resolved_by: r.resolved_by,
        resolved_at: r.resolved_at,
    })
}

/// A trimmed, non-empty text of at most [`MAX_NOTE`] characters, or the error `what` names.
fn note_text(text: Option<&str>, what: &str) -> Result<Option<String>> {
    let t = text.map(str::trim).filter(|t| !t.is_empty());
    if let Some(t) = t
        && t.chars().count() > MAX_NOTE
    {
        return Err(StoreError::Invalid(format!(
            "{what} terlalu panjang: paling banyak {MAX_NOTE} karakter."
        )));
    }
    Ok(t.map(str::to_owned))
}

/// The pemda organisation `org_id` belongs to, or an error naming both when it is not `pemda`.
async fn member_of(conn: &mut Conn, org_id: i64, pemda_id: i64) -> Result<Organisation> {
    let row: Option<OptIdRow> = conn.fetch_optional(PEMDA_OF, params![org_id]).await?;
    match row {
        None => return Err(tree::org_not_found(org_id)),
        Some(OptIdRow { pemda_id: Some(p) }) if p == pemda_id => {}
        Some(_) => {
            return Err(StoreError::Invalid(format!(
                "organisasi {org_id} bukan anggota pemda ini: tautan dan crosscutting hanya \
                 boleh di dalam satu pemda. Masukkan organisasi itu ke pemda ini lebih dahulu."
            )));
        }
    }
    let loaded = tree::load(conn, org_id).await?;
    Ok(loaded.into_tree()?.organisation)
}

fn source_must_resolve(source: &OpdSource, org: &Organisation, org_name: &str) -> Result<()> {
    if source.resolves(org) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "sasaran/indikator {} tidak ada di {org_name}. Pilih sasaran yang ada di pohon \
             kinerja organisasi itu.",
            source.label()
        )))
    }
}

/// Inserts a waiting link proposed by `actor` at `at`; returns its id.
async fn insert_link(
    tx: &mut WriteTx,
    pemda_id: i64,
    link: &NewLink,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    let src = link.source.as_ref();
    tx.insert(
        INSERT_LINK,
        params![
            link.org_id,
            pemda_id,
            link.target.node.to_string(),
            link.target.indicator.as_ref().map(Code::to_string),
            src.map(|s| s.unit.to_string()),
            src.map(|s| s.objective.to_string()),
            src.and_then(|s| s.indicator.as_ref().map(Code::to_string)),
            link.role.as_str(),
            link.weight,
            link.side.as_str(),
            actor.trim(),
            at,
        ],
    )
    .await
}

/// Inserts a waiting crosscut proposed by `actor` at `at`; returns its id.
async fn insert_crosscut(
    tx: &mut WriteTx,
    pemda_id: i64,
    c: &NewCrosscut,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    tx.insert(
        INSERT_CROSSCUT,
        params![
            c.to_org,
            pemda_id,
            c.from_org,
            c.from.unit.to_string(),
            c.from.objective.to_string(),
            c.from.indicator.as_ref().map(Code::to_string),
            c.share,
            c.note.clone(),
            actor.trim(),
            at,
        ],
    )
    .await
}

/// Writes every changeable column of `link`'s row.
async fn update_link(tx: &mut WriteTx, link: &CascadeLink) -> Result<()> {
    let src = link.source.as_ref();
    tx.execute(
        UPDATE_LINK,
        params![
            link.org_id,
            link.id,
            src.map(|s| s.unit.to_string()),
            src.map(|s| s.objective.to_string()),
            src.and_then(|s| s.indicator.as_ref().map(Code::to_string)),
            link.role.as_str(),
            link.weight,
            link.status.as_str(),
            link.reason.clone(),
            link.proposed_by.as_str(),
            link.proposer.clone(),
            link.proposed_at,
            link.decided_by.clone(),
            link.decided_at,
        ],
    )
    .await?;
    Ok(())
}

/// The audit record of organisation `org_id` moving from pemda `from` to `to`.
fn member_audit(org_id: i64, from: Option<i64>, to: Option<i64>) -> Audit {
    Audit::row(
        org_id,
        entity::PEMDA_MEMBER,
        org_id,
        AuditAction::Update,
        Some(serde_json::json!({ "pemda_id": from })),
        Some(serde_json::json!({ "pemda_id": to })),
    )
}

/// Writes every changeable column of `c`'s row.
async fn update_crosscut(tx: &mut WriteTx, c: &Crosscut) -> Result<()> {
    let to = c.to.as_ref();
    tx.execute(
        UPDATE_CROSSCUT,
        params![
            c.to_org,
            c.id,
            to.map(|s| s.unit.to_string()),
            to.map(|s| s.objective.to_string()),
            c.status.as_str(),
            c.reason.clone(),
            c.proposer.clone(),
            c.proposed_at,
            c.decided_by.clone(),
            c.decided_at,
        ],
    )
    .await?;
    Ok(())
}

fn weight_ok(w: f64) -> Result<()> {
    if w.is_finite() && w > 0.0 && w <= 1e6 {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "bobot {w} tidak sah: isi angka lebih dari 0 (misalnya 1)."
        )))
    }
}

/// Everything Bappeda's pages, the CLI and the API show of a pemda for a year, read and
/// computed in one place: the tree, its members with their trees, every link, crosscut and
/// review note, the coverage and the pemda's capaian.
#[derive(Debug, Clone)]
pub struct PemdaOverview {
    pub id: i64,
    pub pemda: Pemda,
    pub year: i32,
    /// Member organisations (id, tree), by name.
    pub members: Vec<(i64, Arc<Organisation>)>,
    pub links: Vec<CascadeLink>,
    pub crosscuts: Vec<Crosscut>,
    pub notes: Vec<ReviewNote>,
    pub coverage: Coverage,
    pub capaian: Vec<PemdaIndicatorCapaian>,
}

impl PemdaOverview {
    /// A member's name by id (`organisasi N` when it is not a member any more).
    pub fn org_name(&self, id: i64) -> String {
        self.members
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("organisasi {id}"), |(_, o)| o.name.clone())
    }

    pub fn member(&self, id: i64) -> Option<&Organisation> {
        self.members
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, o)| &**o)
    }
}

/// One member as the overview needs it: its tree and its capaian of the year (whole year,
/// verified realisations, its own settings).
pub struct MemberYear {
    pub id: i64,
    pub org: Arc<Organisation>,
    pub measure: Arc<pokin_domain::measure::OrganisationMeasure>,
}

/// How many days a link may wait before the control page lists it as overdue.
pub const STALE_DAYS: i64 = 14;

impl Store {
    /// The [`PemdaOverview`] of pemda `id` for `year`: every member's capaian of the year
    /// (verified realisations, its own settings) feeds the links. Loads every member; the web
    /// app, which keeps members' trees and capaian, calls [`Store::pemda_overview_of`].
    pub async fn pemda_overview(&self, id: i64, year: i32) -> Result<PemdaOverview> {
        let mut members = Vec::new();
        for org_id in self.pemda_members(id).await? {
            let org = self.load_organisation(org_id).await?;
            let settings = self.measure_settings(org_id).await?;
            let data = self.year_measurements(org_id, year).await?;
            let measure = measure_organisation(&org, year, Span::Year, &data.verified, &settings);
            members.push(MemberYear {
                id: org_id,
                org: Arc::new(org),
                measure: Arc::new(measure),
            });
        }
        self.pemda_overview_of(id, year, members).await
    }

    /// The [`PemdaOverview`] of pemda `id` for `year` from its members' trees and capaian of
    /// the year as the caller holds them (every member of [`Store::pemda_members`], each read
    /// after the pemda's revision): reads only the pemda's own data, a fixed number of
    /// statements whatever the number of members.
    pub async fn pemda_overview_of(
        &self,
        id: i64,
        year: i32,
        mut parts: Vec<MemberYear>,
    ) -> Result<PemdaOverview> {
        let pemda = self.load_pemda(id).await?;
        parts.sort_by_key(|m| m.org.name.to_lowercase());
        let links = self.links(id).await?;
        let crosscuts = self.crosscuts(id).await?;
        let notes = self.review_notes(id).await?;
        let own = self.pemda_realisations(id, year).await?;
        let view: Vec<Member> = parts
            .iter()
            .map(|m| Member {
                org_id: m.id,
                name: &m.org.name,
                org: &m.org,
            })
            .collect();
        let coverage = coverage(&pemda, &view, &links, now(), STALE_DAYS);
        let refs: Vec<&CascadeLink> = links.iter().collect();
        let part = |i: i64| parts.iter().find(|m| m.id == i);
        let capaian = pemda_capaian(&pemda, year, &refs, &own, Ceiling::DEFAULT, |l| {
            let m = part(l.org_id);
            link_capaian(&pemda, l, m.map(|m| &*m.org), m.map(|m| &*m.measure))
        });
        Ok(PemdaOverview {
            id,
            pemda,
            year,
            members: parts.iter().map(|m| (m.id, m.org.clone())).collect(),
            links,
            crosscuts,
            notes,
            coverage,
            capaian,
        })
    }

    /// Every pemda, by id.
    pub async fn pemdas(&self) -> Result<Vec<PemdaSummary>> {
        let rows: Vec<PemdaRow> = Conn::run(&self.pool, "membaca daftar pemda", async |conn| {
            conn.fetch_all(PEMDA_LIST, params![]).await
        })
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| PemdaSummary {
                id: r.id,
                name: r.name,
            })
            .collect())
    }

    /// The pemda of that exact name, if any.
    pub async fn pemda_by_name(&self, name: &str) -> Result<Option<PemdaSummary>> {
        let row: Option<PemdaRow> = Conn::run(&self.pool, "mencari pemda", async |conn| {
            conn.fetch_optional(PEMDA_BY_NAME, params![name]).await
        })
        .await?;
        Ok(row.map(|r| PemdaSummary {
            id: r.id,
            name: r.name,
        }))
    }

    /// A pemda's RPJMD tree, or `NotFound`.
    pub async fn load_pemda(&self, id: i64) -> Result<Pemda> {
        Conn::run(&self.pool, "membaca pohon kinerja pemda", async |conn| {
            pemda_in(conn, id).await
        })
        .await
    }

    /// Stores a pemda's whole RPJMD tree: a new pemda, or (`id` given) a replacement of that
    /// one's tree. Links to nodes the new tree no longer has are kept and shown as broken,
    /// never dropped silently. One audit record (entity `pemda`, before/after the tree's JSON).
    /// Returns the pemda's id.
    pub async fn save_pemda(&self, actor: &str, id: Option<i64>, pemda: &Pemda) -> Result<i64> {
        let json = serde_json::to_string(&**pemda)
            .map_err(|e| StoreError::Invalid(format!("pohon pemda tidak dapat disimpan: {e}")))?;
        let after = to_json(&**pemda)?;
        WriteTx::run(self, actor, "menyimpan pohon kinerja pemda", async |tx| {
            let same_name: Option<IdRow> = tx
                .read()
                .fetch_optional(
                    "SELECT id FROM pemda WHERE name = $1",
                    params![pemda.name.as_str()],
                )
                .await?;
            if let Some(other) = same_name
                && Some(other.id) != id
            {
                return Err(StoreError::Conflict(format!(
                    "pemda bernama '{}' sudah ada (id {}). Beri nama lain, atau ubah pemda itu.",
                    pemda.name, other.id
                )));
            }
            let (id, before, action) = match id {
                Some(id) => {
                    let before = pemda_in(tx.read(), id).await?;
                    tx.execute(UPDATE_PEMDA, params![id, pemda.name.as_str(), json, now()])
                        .await?;
                    (id, Some(to_json(&*before)?), AuditAction::Update)
                }
                None => {
                    let id = tx
                        .insert(INSERT_PEMDA, params![pemda.name.as_str(), json, now()])
                        .await?;
                    (id, None, AuditAction::Create)
                }
            };
            tx.touch_pemda(id);
            let audit = Audit {
                org_id: None,
                entity: entity::PEMDA,
                entity_id: Some(id),
                action,
                before,
                after: Some(after),
            };
            Ok((id, audit))
        })
        .await
    }

    /// The revision of a pemda's own data (tree, links, crosscuts, notes, realisations): 0
    /// before its first change. With its members' revisions ([`Store::all_revisions`]) it keys
    /// every cache of what is computed across the pemda.
    pub async fn pemda_revision(&self, id: i64) -> Result<i64> {
        let key = memo::Key::PemdaRevision(id);
        crate::org::revision_by_id(&self.pool, key, "membaca revisi pemda", PEMDA_REVISION, id)
            .await
    }

    /// Every organisation's and every pemda's revision in one statement (the region dashboard
    /// keys its cache with them).
    pub async fn all_revisions(&self) -> Result<Arc<Revisions>> {
        self.revisions_of(memo::Key::AllRevisions, ALL_REVISIONS, params![])
            .await
    }

    /// Pemda `id`'s revision and its members' (only they) in one statement: what a pemda's
    /// pages key their cache with. A pemda that does not exist has revision 0 and no members.
    pub async fn pemda_revisions(&self, id: i64) -> Result<Arc<Revisions>> {
        self.revisions_of(memo::Key::PemdaRevisions(id), PEMDA_REVISIONS, params![id])
            .await
    }

    async fn revisions_of(
        &self,
        key: memo::Key,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Arc<Revisions>> {
        let pool = &self.pool;
        pool.memoised(key, async || {
            let rows: Vec<AllRevisionsRow> = pool
                .fetch_single("membaca revisi data", sql, params)
                .await?;
            let mut out = Revisions::default();
            if let Some(r) = rows.first() {
                out.orgs = id_revision_pairs(r.orgs.as_deref())?.into_iter().collect();
                out.pemdas = id_revision_pairs(r.pemdas.as_deref())?;
            }
            out.pemdas.sort_unstable();
            Ok(Arc::new(out))
        })
        .await
    }

    /// The pemda an organisation belongs to, if any.
    pub async fn pemda_of(&self, org_id: i64) -> Result<Option<i64>> {
        let row: Option<OptIdRow> = Conn::run(&self.pool, "membaca pemda organisasi", async |c| {
            c.fetch_optional(PEMDA_OF, params![org_id]).await
        })
        .await?;
        Ok(row.ok_or_else(|| tree::org_not_found(org_id))?.pemda_id)
    }

    /// The organisations of a pemda, by id.
    pub async fn pemda_members(&self, pemda_id: i64) -> Result<Vec<i64>> {
        let rows: Vec<IdRow> = Conn::run(&self.pool, "membaca anggota pemda", async |c| {
            c.fetch_all(MEMBERS, params![pemda_id]).await
        })
        .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// Makes organisation `org_id` a member of `pemda_id` (or of none). Refused while the
    /// organisation has links or crosscuts in another pemda. Audited (entity `pemda_member`).
    pub async fn set_pemda_of(
        &self,
        actor: &str,
        org_id: i64,
        pemda_id: Option<i64>,
    ) -> Result<()> {
        WriteTx::run(self, actor, "memasukkan organisasi ke pemda", async |tx| {
            let row: OptIdRow = tx
                .read()
                .fetch_optional(PEMDA_OF, params![org_id])
                .await?
                .ok_or_else(|| tree::org_not_found(org_id))?;
            if let Some(p) = pemda_id {
                pemda_in(tx.read(), p).await?;
            }
            if let Some(old) = row.pemda_id
                && Some(old) != pemda_id
            {
                let links: Vec<IdRow> = tx
                    .read()
                    .fetch_all(
                        "SELECT id FROM cascade_links WHERE org_id = $1 UNION ALL \
                         SELECT id FROM crosscuts WHERE org_id = $1 OR from_org = $1",
                        params![org_id],
                    )
                    .await?;
                if !links.is_empty() {
                    return Err(StoreError::Conflict(format!(
                        "organisasi {org_id} masih memiliki {} tautan atau crosscutting di pemda \
                         lamanya; tautan itu tidak boleh berpindah pemda.",
                        links.len()
                    )));
                }
                tx.touch_pemda(old);
            }
            tx.execute(SET_PEMDA_OF, params![org_id, pemda_id]).await?;
            if let Some(p) = pemda_id {
                tx.touch_pemda(p);
            }
            Ok(((), member_audit(org_id, row.pemda_id, pemda_id)))
        })
        .await
    }

    /// Every link of a pemda, by id.
    pub async fn links(&self, pemda_id: i64) -> Result<Vec<CascadeLink>> {
        let rows: Vec<LinkRow> = Conn::run(&self.pool, "membaca tautan pemda", async |c| {
            c.fetch_all(LINKS, params![pemda_id]).await
        })
        .await?;
        rows.into_iter().map(link_of).collect()
    }

    /// One link of a pemda, or `NotFound`.
    pub async fn link(&self, pemda_id: i64, link_id: i64) -> Result<CascadeLink> {
        let row: Option<LinkRow> = Conn::run(&self.pool, "membaca tautan", async |c| {
            c.fetch_optional(LINK_BY_ID, params![pemda_id, link_id])
                .await
        })
        .await?;
        link_of(row.ok_or_else(|| not_found(&format!("tautan {link_id}")))?)
    }

    /// Proposes a link (or proposes a rejected one again: the same row goes back to
    /// *diusulkan*, its history in the audit log). Refused when the organisation is not in the
    /// pemda, the target or source does not exist, the weight is not positive, or the same
    /// link is already waiting or accepted. Returns the link's id.
    pub async fn propose_link(&self, actor: &str, pemda_id: i64, link: &NewLink) -> Result<i64> {
        weight_ok(link.weight)?;
        if link.side == LinkSide::Opd && link.source.is_none() {
            return Err(StoreError::Invalid(
                "usulan dari perangkat daerah harus menyebut sasaran atau indikatornya sendiri \
                 yang mewujudkan sasaran daerah itu."
                    .into(),
            ));
        }
        WriteTx::run(self, actor, "mengusulkan tautan", async |tx| {
            let pemda = pemda_in(tx.read(), pemda_id).await?;
            if !pemda.resolves(&link.target) {
                return Err(StoreError::Invalid(format!(
                    "sasaran/indikator daerah {}{} tidak ada di RPJMD {}.",
                    link.target.node,
                    link.target
                        .indicator
                        .as_ref()
                        .map(|i| format!(" {i}"))
                        .unwrap_or_default(),
                    pemda.name
                )));
            }
            let org = member_of(tx.read(), link.org_id, pemda_id).await?;
            if let Some(s) = &link.source {
                source_must_resolve(s, &org, &org.name)?;
            }
            let existing: Vec<LinkRow> = tx.read().fetch_all(LINKS, params![pemda_id]).await?;
            let mut again = None;
            for l in existing.into_iter().map(link_of) {
                let l = l?;
                if l.org_id != link.org_id || l.target != link.target {
                    continue;
                }
                // Bappeda may ask an organisation already realising the target for another
                // objective (no source yet): only the very same link is a duplicate.
                if l.source != link.source {
                    continue;
                }
                match l.status {
                    LinkStatus::Ditolak if again.is_none() => again = Some(l),
                    LinkStatus::Ditolak => {}
                    s => {
                        return Err(StoreError::Conflict(format!(
                            "tautan yang sama sudah ada (tautan {}, {}).",
                            l.id,
                            s.label().to_lowercase()
                        )));
                    }
                }
            }
            let at = now();
            let (id, before, action) = match again {
                Some(old) => {
                    link_step(Some(old.status), LinkAction::Usulkan, None)
                        .map_err(StoreError::Invalid)?;
                    let proposed = CascadeLink {
                        source: link.source.clone(),
                        role: link.role,
                        weight: link.weight,
                        status: LinkStatus::Diusulkan,
                        reason: None,
                        proposed_by: link.side,
                        proposer: actor.trim().to_owned(),
                        proposed_at: at,
                        decided_by: None,
                        decided_at: None,
                        ..old.clone()
                    };
                    update_link(tx, &proposed).await?;
                    (old.id, Some(to_json(&old)?), AuditAction::Update)
                }
                None => (
                    insert_link(tx, pemda_id, link, actor, at).await?,
                    None,
                    AuditAction::Create,
                ),
            };
            let after: LinkRow = tx
                .read()
                .fetch_one(LINK_BY_ID, params![pemda_id, id])
                .await?;
            tx.touch_pemda(pemda_id);
            let audit = Audit::row(
                link.org_id,
                entity::CASCADE_LINK,
                id,
                action,
                before,
                Some(to_json(&link_of(after)?)?),
            );
            Ok((id, audit))
        })
        .await
    }

    /// Accepts (naming the OPD's `source` when the link has none yet, or replacing it) or
    /// rejects (with a reason) a waiting link. Audited (entity `cascade_link`).
    pub async fn decide_link(
        &self,
        actor: &str,
        pemda_id: i64,
        link_id: i64,
        action: LinkAction,
        source: Option<&OpdSource>,
        reason: Option<&str>,
    ) -> Result<CascadeLink> {
        let reason = note_text(reason, "alasan penolakan")?;
        WriteTx::run(self, actor, "memutuskan tautan", async |tx| {
            let row: LinkRow = tx
                .read()
                .fetch_optional(LINK_BY_ID, params![pemda_id, link_id])
                .await?
                .ok_or_else(|| not_found(&format!("tautan {link_id}")))?;
            let old = link_of(row)?;
            if action == LinkAction::Usulkan {
                return Err(StoreError::Invalid(
                    "gunakan usulan tautan untuk mengusulkan kembali".into(),
                ));
            }
            let status = link_step(Some(old.status), action, reason.as_deref())
                .map_err(StoreError::Invalid)?;
            let mut new = old.clone();
            if action == LinkAction::Terima {
                let org = member_of(tx.read(), old.org_id, pemda_id).await?;
                if let Some(s) = source {
                    new.source = Some(s.clone());
                }
                let Some(s) = &new.source else {
                    return Err(StoreError::Invalid(
                        "sebutkan sasaran (atau indikator) organisasi Anda yang mewujudkan \
                         sasaran daerah ini untuk menerima tautan."
                            .into(),
                    ));
                };
                source_must_resolve(s, &org, &org.name)?;
                let others: Vec<LinkRow> = tx.read().fetch_all(LINKS, params![pemda_id]).await?;
                for other in others.into_iter().map(link_of) {
                    let other = other?;
                    if other.id != old.id
                        && other.status == LinkStatus::Diterima
                        && other.org_id == old.org_id
                        && other.target == old.target
                        && other.source.as_ref() == Some(s)
                    {
                        return Err(StoreError::Conflict(format!(
                            "sasaran {} sudah tertaut ke sasaran daerah ini (tautan {}); pilih \
                             sasaran lain atau tolak tautan ini dengan alasannya.",
                            s.label(),
                            other.id
                        )));
                    }
                }
                new.reason = None;
            } else {
                new.reason = reason.clone();
            }
            new.status = status;
            new.decided_by = Some(actor.trim().to_owned());
            new.decided_at = Some(now());
            update_link(tx, &new).await?;
            tx.touch_pemda(pemda_id);
            let audit = Audit::row(
                new.org_id,
                entity::CASCADE_LINK,
                new.id,
                AuditAction::Update,
                Some(to_json(&old)?),
                Some(to_json(&new)?),
            );
            Ok((new, audit))
        })
        .await
    }

    /// Every crosscut of a pemda, by id.
    pub async fn crosscuts(&self, pemda_id: i64) -> Result<Vec<Crosscut>> {
        let rows: Vec<CrosscutRow> = Conn::run(&self.pool, "membaca crosscutting", async |c| {
            c.fetch_all(CROSSCUTS, params![pemda_id]).await
        })
        .await?;
        rows.into_iter().map(crosscut_of).collect()
    }

    /// `from_org` asks `to_org` (another organisation of the same pemda) to contribute to its
    /// objective `from`. Returns the crosscut's id.
    pub async fn propose_crosscut(
        &self,
        actor: &str,
        pemda_id: i64,
        c: &NewCrosscut,
    ) -> Result<i64> {
        if c.from_org == c.to_org {
            return Err(StoreError::Invalid(
                "crosscutting harus ke organisasi lain; di dalam satu organisasi gunakan \
                 cascading antar-unit."
                    .into(),
            ));
        }
        if let Some(s) = c.share
            && !(s.is_finite() && (0.0..=1e15).contains(&s))
        {
            return Err(StoreError::Invalid(format!(
                "bagian target {s} tidak sah: isi angka 0 atau lebih."
            )));
        }
        let note = note_text(c.note.as_deref(), "catatan")?;
        WriteTx::run(self, actor, "mengusulkan crosscutting", async |tx| {
            let from = member_of(tx.read(), c.from_org, pemda_id).await?;
            source_must_resolve(&c.from, &from, &from.name)?;
            member_of(tx.read(), c.to_org, pemda_id).await?;
            let c = NewCrosscut {
                note: note.clone(),
                ..c.clone()
            };
            let id = insert_crosscut(tx, pemda_id, &c, actor, now()).await?;
            let row: CrosscutRow = tx
                .read()
                .fetch_one(CROSSCUT_BY_ID, params![pemda_id, id])
                .await?;
            tx.touch_pemda(pemda_id);
            // Both organisations' logs show it: one record each.
            let after = to_json(&crosscut_of(row)?)?;
            tx.audit(Audit::row(
                c.from_org,
                entity::CROSSCUT,
                id,
                AuditAction::Create,
                None,
                Some(after.clone()),
            ))
            .await?;
            let audit = Audit::row(
                c.to_org,
                entity::CROSSCUT,
                id,
                AuditAction::Create,
                None,
                Some(after),
            );
            Ok((id, audit))
        })
        .await
    }

    /// The receiving organisation accepts (naming its objective `to`; refused when that would
    /// close a cycle of support) or rejects (with a reason) a crosscut.
    pub async fn decide_crosscut(
        &self,
        actor: &str,
        pemda_id: i64,
        id: i64,
        action: LinkAction,
        to: Option<&OpdSource>,
        reason: Option<&str>,
    ) -> Result<Crosscut> {
        let reason = note_text(reason, "alasan penolakan")?;
        WriteTx::run(self, actor, "memutuskan crosscutting", async |tx| {
            let rows: Vec<CrosscutRow> = tx.read().fetch_all(CROSSCUTS, params![pemda_id]).await?;
            let all: Vec<Crosscut> = rows.into_iter().map(crosscut_of).collect::<Result<_>>()?;
            let old = all
                .iter()
                .find(|c| c.id == id)
                .cloned()
                .ok_or_else(|| not_found(&format!("crosscutting {id}")))?;
            if action == LinkAction::Usulkan {
                return Err(StoreError::Invalid(
                    "usulkan crosscutting baru untuk meminta lagi".into(),
                ));
            }
            let status = link_step(Some(old.status), action, reason.as_deref())
                .map_err(StoreError::Invalid)?;
            let mut new = old.clone();
            if action == LinkAction::Terima {
                let Some(to) = to else {
                    return Err(StoreError::Invalid(
                        "sebutkan sasaran organisasi Anda yang berkontribusi untuk menerima \
                         crosscutting ini."
                            .into(),
                    ));
                };
                let to = OpdSource {
                    indicator: None,
                    ..to.clone()
                };
                let receiver = member_of(tx.read(), old.to_org, pemda_id).await?;
                source_must_resolve(&to, &receiver, &receiver.name)?;
                let asker = member_of(tx.read(), old.from_org, pemda_id).await?;
                let mut edges = Vec::new();
                for (org_id, org) in [(old.to_org, &receiver), (old.from_org, &asker)] {
                    for u in &org.units {
                        for o in &u.objectives {
                            for s in &o.supports {
                                let a = OpdSource {
                                    unit: u.key.clone(),
                                    objective: o.code.clone(),
                                    indicator: None,
                                };
                                let b = OpdSource {
                                    unit: s.unit.clone(),
                                    objective: s.objective.clone(),
                                    indicator: None,
                                };
                                edges.push(((org_id, a), (org_id, b)));
                            }
                        }
                    }
                }
                for c in all.iter().filter(|c| c.status == LinkStatus::Diterima) {
                    if let Some(t) = &c.to {
                        edges.push(((c.to_org, t.clone()), (c.from_org, c.from.clone())));
                    }
                }
                if closes_cycle(
                    &edges,
                    &(old.to_org, to.clone()),
                    &(old.from_org, old.from.clone()),
                ) {
                    return Err(StoreError::Invalid(format!(
                        "sasaran {} tidak dapat mendukung {} di organisasi peminta: dukungan itu \
                         membentuk lingkaran (sasaran itu sendiri sudah didukung olehnya).",
                        to.label(),
                        old.from.label()
                    )));
                }
                new.to = Some(to);
                new.reason = None;
            } else {
                new.reason = reason.clone();
            }
            new.status = status;
            new.decided_by = Some(actor.trim().to_owned());
            new.decided_at = Some(now());
            update_crosscut(tx, &new).await?;
            tx.touch_pemda(pemda_id);
            let (before, after) = (to_json(&old)?, to_json(&new)?);
            tx.audit(Audit::row(
                new.from_org,
                entity::CROSSCUT,
                new.id,
                AuditAction::Update,
                Some(before.clone()),
                Some(after.clone()),
            ))
            .await?;
            let audit = Audit::row(
                new.to_org,
                entity::CROSSCUT,
                new.id,
                AuditAction::Update,
                Some(before),
                Some(after),
            );
            Ok((new, audit))
        })
        .await
    }

    /// Every review note of a pemda, by id.
    pub async fn review_notes(&self, pemda_id: i64) -> Result<Vec<ReviewNote>> {
        let rows: Vec<NoteRow> = Conn::run(&self.pool, "membaca catatan reviu", async |c| {
            c.fetch_all(NOTES, params![pemda_id]).await
        })
        .await?;
        rows.into_iter().map(note_of).collect()
    }

    /// One review note.
    pub async fn review_note(&self, id: i64) -> Result<ReviewNote> {
        let row: Option<NoteRow> = Conn::run(&self.pool, "membaca catatan reviu", async |c| {
            c.fetch_optional(NOTE_BY_ID, params![id]).await
        })
        .await?;
        note_of(row.ok_or_else(|| not_found(&format!("catatan reviu {id}")))?)
    }

    /// Writes a review note on `code` of unit `unit` of organisation `org_id` (both set), or on
    /// node or indicator `code` of the pemda tree (both `None`). Returns its id.
    pub async fn add_review_note(
        &self,
        actor: &str,
        pemda_id: i64,
        on: Option<(i64, &UnitKey)>,
        code: &Code,
        body: &str,
    ) -> Result<i64> {
        let body = note_text(Some(body), "catatan reviu")?
            .ok_or_else(|| StoreError::Invalid("catatan reviu kosong: tuliskan isinya.".into()))?;
        WriteTx::run(self, actor, "menulis catatan reviu", async |tx| {
            let pemda = pemda_in(tx.read(), pemda_id).await?;
            match on {
                Some((org_id, unit)) => {
                    let org = member_of(tx.read(), org_id, pemda_id).await?;
                    let found = org.unit(unit).is_some_and(|u| {
                        u.objectives.iter().any(|o| {
                            &o.code == code || o.indicators.iter().any(|i| &i.code == code)
                        })
                    });
                    if !found {
                        return Err(StoreError::Invalid(format!(
                            "sasaran/indikator {code} tidak ada di unit {unit} {}.",
                            org.name
                        )));
                    }
                }
                None => {
                    if pemda.node(code).is_none() && pemda.indicator(code).is_none() {
                        return Err(StoreError::Invalid(format!(
                            "{code} tidak ada di pohon kinerja {}.",
                            pemda.name
                        )));
                    }
                }
            }
            let at = now();
            let id = tx
                .insert(
                    INSERT_NOTE,
                    params![
                        pemda_id,
                        on.map(|(o, _)| o),
                        on.map(|(_, u)| u.to_string()),
                        code.to_string(),
                        body.clone(),
                        actor.trim(),
                        at,
                    ],
                )
                .await?;
            let row: NoteRow = tx.read().fetch_one(NOTE_BY_ID, params![id]).await?;
            tx.touch_pemda(pemda_id);
            let audit = Audit {
                org_id: on.map(|(o, _)| o),
                entity: entity::REVIEW_NOTE,
                entity_id: Some(id),
                action: AuditAction::Create,
                before: None,
                after: Some(to_json(&note_of(row)?)?),
            };
            Ok((id, audit))
        })
        .await
    }

    /// Marks an open review note resolved.
    pub async fn resolve_review_note(&self, actor: &str, id: i64) -> Result<ReviewNote> {
        WriteTx::run(self, actor, "menyelesaikan catatan reviu", async |tx| {
            let row: NoteRow = tx
                .read()
                .fetch_optional(NOTE_BY_ID, params![id])
                .await?
                .ok_or_else(|| not_found(&format!("catatan reviu {id}")))?;
            let before = note_of(row)?;
            if !before.open {
                return Err(StoreError::Conflict(
                    "catatan reviu ini sudah selesai.".into(),
                ));
            }
            tx.execute(RESOLVE_NOTE, params![id, actor.trim(), now()])
                .await?;
            let after = note_of(tx.read().fetch_one(NOTE_BY_ID, params![id]).await?)?;
            tx.touch_pemda(before.pemda_id);
            let audit = Audit {
                org_id: before.org_id,
                entity: entity::REVIEW_NOTE,
                entity_id: Some(id),
                action: AuditAction::Update,
                before: Some(to_json(&before)?),
                after: Some(to_json(&after)?),
            };
            Ok((after, audit))
        })
        .await
    }

    /// Bappeda's own realisations of the pemda's indicators for `year`, by indicator code.
    pub async fn pemda_realisations(
        &self,
        pemda_id: i64,
        year: i32,
    ) -> Result<HashMap<Code, Realisation>> {
        let rows: Vec<RealisationRow> =
            Conn::run(&self.pool, "membaca realisasi pemda", async |c| {
                c.fetch_all(REALISATIONS, params![pemda_id, i64::from(year)])
                    .await
            })
            .await?;
        rows.into_iter()
            .map(|r| {
                let v = match (r.value_number, r.value_text) {
                    (Some(n), None) => Realisation::Number(n),
                    (None, Some(t)) => Realisation::Qualitative(t),
                    _ => return Err(corrupt("realisasi pemda tanpa nilai")),
                };
                Ok((code(&r.indicator_code)?, v))
            })
            .collect()
    }

    /// Records (or with `None` removes) Bappeda's own realisation of pemda indicator `code`
    /// for `year`; while it exists it counts instead of the links. Audited.
    pub async fn set_pemda_realisation(
        &self,
        actor: &str,
        pemda_id: i64,
        code: &Code,
        year: i32,
        value: Option<&Realisation>,
    ) -> Result<()> {
        if let Some(Realisation::Number(n)) = value
            && !n.is_finite()
        {
            return Err(StoreError::Invalid(
                "realisasi harus angka terhingga.".into(),
            ));
        }
        if let Some(Realisation::Qualitative(t)) = value
            && (t.trim().is_empty() || t.chars().count() > 200)
        {
            return Err(StoreError::Invalid(
                "realisasi kualitatif kosong atau terlalu panjang.".into(),
            ));
        }
        WriteTx::run(
            self,
            actor,
            "menyimpan realisasi indikator pemda",
            async |tx| {
                let pemda = pemda_in(tx.read(), pemda_id).await?;
                if pemda.indicator(code).is_none() {
                    return Err(StoreError::Invalid(format!(
                        "indikator {code} tidak ada di RPJMD {}.",
                        pemda.name
                    )));
                }
                if !pemda.rpjmd.years().contains(&year) {
                    return Err(StoreError::Invalid(format!(
                        "tahun {year} di luar periode RPJMD {}–{}.",
                        pemda.rpjmd.start, pemda.rpjmd.end
                    )));
                }
                let old: Vec<RealisationRow> = tx
                    .read()
                    .fetch_all(REALISATIONS, params![pemda_id, i64::from(year)])
                    .await?;
                let before = old
                    .into_iter()
                    .find(|r| r.indicator_code == code.as_str())
                    .map(|r| serde_json::json!({ "angka": r.value_number, "teks": r.value_text }));
                tx.execute(
                    DELETE_REALISATION,
                    params![pemda_id, code.to_string(), i64::from(year)],
                )
                .await?;
                if let Some(v) = value {
                    let (n, t) = match v {
                        Realisation::Number(n) => (Some(*n), None),
                        Realisation::Qualitative(t) => (None, Some(t.trim().to_owned())),
                    };
                    tx.execute(
                        INSERT_REALISATION,
                        params![
                            pemda_id,
                            code.to_string(),
                            i64::from(year),
                            n,
                            t,
                            actor.trim(),
                            now(),
                        ],
                    )
                    .await?;
                }
                tx.touch_pemda(pemda_id);
                let audit = Audit {
                    org_id: None,
                    entity: entity::PEMDA_REALISATION,
                    entity_id: Some(pemda_id),
                    action: if value.is_some() {
                        AuditAction::Update
                    } else {
                        AuditAction::Delete
                    },
                    before,
                    after: value.map(
                        |v| serde_json::json!({ "indikator": code, "tahun": year, "realisasi": v }),
                    ),
                };
                Ok(((), audit))
            },
        )
        .await
    }
}
