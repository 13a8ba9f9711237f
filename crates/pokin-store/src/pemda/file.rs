//! A pemda as one file ([`PemdaFile`], the canonical YAML of `pokin-import`): read out of the
//! store by [`Store::export_pemda`] and written back, whole or not at all, by
//! [`Store::import_pemda`]. Organisations are named by name, so the file moves between
//! databases that hold the same organisations.

use super::*;
use crate::org::ORG_ID_BY_NAME;
use pokin_domain::pemda::{CrosscutEntry, LinkEntry, PemdaFile};

/// What [`Store::import_pemda`] stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PemdaImport {
    pub id: i64,
    /// Whether an existing pemda of that name was replaced.
    pub replaced: bool,
    pub links: usize,
    pub crosscuts: usize,
    /// The links and crosscuts whose ends do not resolve (kept, and shown as broken), each
    /// described for the person importing.
    pub broken: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct NameRow {
    id: i64,
    name: String,
}

const MEMBER_NAMES: &str = "SELECT id, name FROM organisations WHERE pemda_id = $1";
const DELETE_LINKS: &str = "DELETE FROM cascade_links WHERE pemda_id = $1";
const DELETE_CROSSCUTS: &str = "DELETE FROM crosscuts WHERE pemda_id = $1";

impl Store {
    /// Pemda `id` as a file: its tree, members by name (sorted), links and crosscuts by id.
    pub async fn export_pemda(&self, id: i64) -> Result<PemdaFile> {
        let pemda = self.load_pemda(id).await?;
        let rows: Vec<NameRow> = Conn::run(&self.pool, "membaca anggota pemda", async |c| {
            c.fetch_all(MEMBER_NAMES, params![id]).await
        })
        .await?;
        let names: HashMap<i64, String> = rows.into_iter().map(|r| (r.id, r.name)).collect();
        let name = |org: i64| {
            names.get(&org).cloned().ok_or_else(|| {
                corrupt(format!(
                    "tautan pemda {id} ke organisasi {org} di luar pemda"
                ))
            })
        };
        let mut members: Vec<String> = names.values().cloned().collect();
        members.sort();
        let links = self
            .links(id)
            .await?
            .into_iter()
            .map(|l| {
                Ok(LinkEntry {
                    organisation: name(l.org_id)?,
                    target: l.target,
                    source: l.source,
                    role: l.role,
                    weight: l.weight,
                    proposed_by: l.proposed_by,
                    status: l.status,
                    reason: l.reason,
                })
            })
            .collect::<Result<_>>()?;
        let crosscuts = self
            .crosscuts(id)
            .await?
            .into_iter()
            .map(|c| {
                Ok(CrosscutEntry {
                    from_organisation: name(c.from_org)?,
                    from: c.from,
                    to_organisation: name(c.to_org)?,
                    to: c.to,
                    share: c.share,
                    status: c.status,
                    reason: c.reason,
                    note: c.note,
                })
            })
            .collect::<Result<_>>()?;
        Ok(PemdaFile {
            pemda,
            members,
            links,
            crosscuts,
        })
    }

    /// Stores a pemda file in one transaction: a new pemda, or (`replace`) the pemda of the
    /// same name with its tree, members, links and crosscuts replaced by the file's (review
    /// notes and Bappeda's realisations stay). Every member must already be in the database
    /// and in no other pemda. Links keep the state the file gives them; the importer is named
    /// as who proposed and decided them, and every row written or removed is audited. Ends
    /// that do not resolve are kept and reported as broken, never dropped.
    pub async fn import_pemda(
        &self,
        actor: &str,
        file: &PemdaFile,
        replace: bool,
    ) -> Result<PemdaImport> {
        let problems = file.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(format!(
                "berkas pemda tidak sah:\n{}",
                problems
                    .iter()
                    .map(|p| format!("  - {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )));
        }
        let json = serde_json::to_string(&*file.pemda)
            .map_err(|e| StoreError::Invalid(format!("pohon pemda tidak dapat disimpan: {e}")))?;
        let after = to_json(&*file.pemda)?;
        WriteTx::run(self, actor, "mengimpor pemda", async |tx| {
            let at = now();
            let existing: Option<PemdaRow> = tx
                .read()
                .fetch_optional(PEMDA_BY_NAME, params![file.pemda.name.as_str()])
                .await?;
            let (id, before) = match existing {
                Some(r) if replace => {
                    let (id, old) = pemda_of_row(r)?;
                    tx.execute(
                        UPDATE_PEMDA,
                        params![id, file.pemda.name.as_str(), json.clone(), at],
                    )
                    .await?;
                    remove_links(tx, id).await?;
                    (id, Some(to_json(&*old)?))
                }
                Some(r) => {
                    return Err(StoreError::Conflict(format!(
                        "pemda bernama '{}' sudah ada (id {}). Pakai --replace untuk menggantinya.",
                        r.name, r.id
                    )));
                }
                None => {
                    let id = tx
                        .insert(
                            INSERT_PEMDA,
                            params![file.pemda.name.as_str(), json.clone(), at],
                        )
                        .await?;
                    (id, None)
                }
            };
            let ids = set_members(tx, id, &file.members).await?;
            let mut orgs = HashMap::new();
            for (name, org_id) in &ids {
                let loaded = tree::load(tx.read(), *org_id).await?;
                orgs.insert(name.as_str(), loaded.into_tree()?.organisation);
            }
            let mut broken = Vec::new();
            for l in &file.links {
                let org_id = ids[&l.organisation];
                let new = NewLink {
                    org_id,
                    target: l.target.clone(),
                    source: l.source.clone(),
                    role: l.role,
                    weight: l.weight,
                    side: l.proposed_by,
                };
                let link_id = insert_link(tx, id, &new, actor, at).await?;
                let decided = l.status != LinkStatus::Diusulkan;
                let link = CascadeLink {
                    id: link_id,
                    org_id,
                    target: l.target.clone(),
                    source: l.source.clone(),
                    role: l.role,
                    weight: l.weight,
                    status: l.status,
                    reason: l.reason.clone(),
                    proposed_by: l.proposed_by,
                    proposer: actor.trim().to_owned(),
                    proposed_at: at,
                    decided_by: decided.then(|| actor.trim().to_owned()),
                    decided_at: decided.then_some(at),
                };
                if decided {
                    update_link(tx, &link).await?;
                }
                if link.broken(&file.pemda, orgs.get(l.organisation.as_str())) {
                    broken.push(format!(
                        "tautan {} → {}{} ({}) rusak: salah satu ujungnya tidak ada",
                        link.source.as_ref().map_or("—".into(), OpdSource::label),
                        l.target.node,
                        l.target
                            .indicator
                            .as_ref()
                            .map(|i| format!(" {i}"))
                            .unwrap_or_default(),
                        l.organisation
                    ));
                }
                tx.audit(Audit::row(
                    org_id,
                    entity::CASCADE_LINK,
                    link_id,
                    AuditAction::Create,
                    None,
                    Some(to_json(&link)?),
                ))
                .await?;
            }
            for c in &file.crosscuts {
                let (from_org, to_org) = (ids[&c.from_organisation], ids[&c.to_organisation]);
                let new = NewCrosscut {
                    from_org,
                    from: c.from.clone(),
                    to_org,
                    share: c.share,
                    note: c.note.clone(),
                };
                let cc_id = insert_crosscut(tx, id, &new, actor, at).await?;
                let decided = c.status != LinkStatus::Diusulkan;
                let cc = Crosscut {
                    id: cc_id,
                    from_org,
                    from: c.from.clone(),
                    to_org,
                    to: c.to.clone(),
                    share: c.share,
                    status: c.status,
                    reason: c.reason.clone(),
                    note: c.note.clone(),
                    proposer: actor.trim().to_owned(),
                    proposed_at: at,
                    decided_by: decided.then(|| actor.trim().to_owned()),
                    decided_at: decided.then_some(at),
                };
                if decided {
                    update_crosscut(tx, &cc).await?;
                }
                let from_ok = orgs
                    .get(c.from_organisation.as_str())
                    .is_some_and(|o| c.from.resolves(o));
                let to_ok = match (&c.to, orgs.get(c.to_organisation.as_str())) {
                    (Some(t), Some(o)) => t.resolves(o),
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                if !(from_ok && to_ok) {
                    broken.push(format!(
                        "crosscutting {} ({}) → {} rusak: sasarannya tidak ada",
                        c.from.label(),
                        c.from_organisation,
                        c.to_organisation
                    ));
                }
                let after = to_json(&cc)?;
                for org in [from_org, to_org] {
                    tx.audit(Audit::row(
                        org,
                        entity::CROSSCUT,
                        cc_id,
                        AuditAction::Create,
                        None,
                        Some(after.clone()),
                    ))
                    .await?;
                }
            }
            tx.touch_pemda(id);
            let audit = Audit {
                org_id: None,
                entity: entity::PEMDA,
                entity_id: Some(id),
                action: if before.is_some() {
                    AuditAction::Update
                } else {
                    AuditAction::Create
                },
                before,
                after: Some(after),
            };
            let summary = PemdaImport {
                id,
                replaced: replace && audit.before.is_some(),
                links: file.links.len(),
                crosscuts: file.crosscuts.len(),
                broken,
            };
            Ok((summary, audit))
        })
        .await
    }
}

/// Removes every link and crosscut of pemda `id`, auditing each (a replacing import).
async fn remove_links(tx: &mut WriteTx, id: i64) -> Result<()> {
    let links: Vec<LinkRow> = tx.read().fetch_all(LINKS, params![id]).await?;
    let crosscuts: Vec<CrosscutRow> = tx.read().fetch_all(CROSSCUTS, params![id]).await?;
    tx.execute(DELETE_LINKS, params![id]).await?;
    tx.execute(DELETE_CROSSCUTS, params![id]).await?;
    for l in links.into_iter().map(link_of) {
        let l = l?;
        tx.audit(Audit::row(
            l.org_id,
            entity::CASCADE_LINK,
            l.id,
            AuditAction::Delete,
            Some(to_json(&l)?),
            None,
        ))
        .await?;
    }
    for c in crosscuts.into_iter().map(crosscut_of) {
        let c = c?;
        let before = to_json(&c)?;
        for org in [c.from_org, c.to_org] {
            tx.audit(Audit::row(
                org,
                entity::CROSSCUT,
                c.id,
                AuditAction::Delete,
                Some(before.clone()),
                None,
            ))
            .await?;
        }
    }
    Ok(())
}

/// Makes exactly the organisations named `members` the members of pemda `id`: each must exist
/// and belong to no other pemda; former members not named leave it. Returns name → id.
async fn set_members(
    tx: &mut WriteTx,
    id: i64,
    members: &[String],
) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    let mut missing = Vec::new();
    for name in members {
        let row: Option<IdRow> = tx
            .read()
            .fetch_optional(ORG_ID_BY_NAME, params![name.as_str()])
            .await?;
        match row {
            Some(r) => {
                ids.insert(name.clone(), r.id);
            }
            None => missing.push(format!("'{name}'")),
        }
    }
    if !missing.is_empty() {
        return Err(StoreError::Invalid(format!(
            "organisasi {} tidak ada di basis data ini. Impor pohon kinerjanya lebih dahulu \
             (pokin import), lalu impor pemda ini lagi.",
            missing.join(", ")
        )));
    }
    let current: Vec<NameRow> = tx.read().fetch_all(MEMBER_NAMES, params![id]).await?;
    for r in current {
        if !ids.contains_key(&r.name) {
            tx.execute(SET_PEMDA_OF, params![r.id, Option::<i64>::None])
                .await?;
            tx.audit(member_audit(r.id, Some(id), None)).await?;
        }
    }
    for name in members {
        let org_id = &ids[name];
        let row: OptIdRow = tx
            .read()
            .fetch_optional(PEMDA_OF, params![*org_id])
            .await?
            .ok_or_else(|| tree::org_not_found(*org_id))?;
        match row.pemda_id {
            Some(p) if p == id => {}
            Some(p) => {
                return Err(StoreError::Conflict(format!(
                    "organisasi '{name}' sudah menjadi anggota pemda lain (id {p}). Keluarkan \
                     dari pemda itu lebih dahulu."
                )));
            }
            None => {
                tx.execute(SET_PEMDA_OF, params![*org_id, Some(id)]).await?;
                tx.audit(member_audit(*org_id, None, Some(id))).await?;
            }
        }
    }
    Ok(ids)
}
