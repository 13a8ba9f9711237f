//! Who may do what: the one place that decides authorisation, for pages and API alike.
//!
//! The rules (also in ARCHITECTURE.md):
//!
//! | action | admin | perencana | operator, verifikator | pimpinan | inspektorat |
//! |---|---|---|---|---|---|
//! | [`Action::Read`] an organisation's tree, units, findings | all | own org | own org | own org | own org |
//! | [`Action::EditTree`] (units, objectives, indicators, targets) | all | own org, or own unit subtree if scoped to a unit | — | — | — |
//! | [`Action::ReadAudit`] | all records | own org | — | — | own org |
//! | [`Action::VerifyAudit`] (the whole log's hash chain) | yes | — | — | — | yes |
//! | [`Action::ManageUsers`] | yes | — | — | — | — |
//! | [`Action::EnterRealisation`] (values, narrative, evidence, submit) | all | own org / own unit subtree | operator: own org / own unit subtree | — | — |
//! | [`Action::RequestReopen`] (a locked realisation) | all | as EnterRealisation | operator: as EnterRealisation | — | — |
//! | [`Action::Verify`] (verify, return with a reason) | all | — | verifikator: own org / own unit subtree | — | — |
//! | [`Action::ClosePeriod`] (close a quarter for the organisation) | all | own org, not scoped to a unit | — | — | — |
//! | [`Action::DecideReopen`] (approve / refuse a reopen request) | all | own org / own unit subtree | — | — | — |
//! | [`Action::EditTargets`] (Rencana Aksi targets) | all | as EditTree | — | — | — |
//! | [`Action::ConfigureCapaian`] (predicate bands, ceiling) | all | own org, not scoped to a unit | — | — | — |
//! | [`Action::EstablishPk`] (establish, amend a Perjanjian Kinerja) | all | as EditTree | — | — | — |
//! | [`Action::ConfigureDocuments`] (region, place, head of region) | all | own org, not scoped to a unit | — | — | — |
//!
//! | [`Action::Read`] an organisation of a pemda | — | — | — | — | pemda-wide: every member |
//! | [`Action::ReadPemda`] (RPJMD tree, coverage, capaian, links) | all | — | — | — | pemda-wide inspektorat; bappeda and kepala daerah of the pemda |
//! | [`Action::EditPemda`] (propose links, review notes, own realisations) | all | — | — | — | bappeda of the pemda |
//! | [`Action::DecideLink`] (accept, reject a link) | all | a link proposed by Bappeda to its organisation (without unit scope) | — | — | bappeda: a link proposed by a perangkat daerah of its pemda |
//! | [`Action::LinkObjectives`] (propose a link upward, ask or answer crosscutting, resolve a review note on its tree) | all | own org, not scoped to a unit | — | — | — |
//!
//! Bappeda, Kepala Daerah and a pemda-wide Inspektorat read every organisation of their pemda
//! (`User::pemda_orgs`) as its own people do; they change nothing in an organisation's tree.
//!
//! Reading realisations, their history and evidence files is [`Action::Read`].
//!
//! Reading is organisation-wide for every role: the pohon kinerja is about how units support
//! each other, so a unit's people see the whole tree of their organisation. A unit scope narrows
//! what a user may *change*: the units whose realisations an operator (or a scoped perencana)
//! enters and a verifikator verifies. A disabled account has no session, so it reaches none of this.

use pokin_domain::measure::IndicatorKey;
use pokin_domain::{Organisation, UnitKey};
use pokin_store::{Role, User};

/// Something a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    EditTree,
    ReadAudit,
    /// Check the hash chain of the whole audit log (`Target::System`): its result says only
    /// whether the log is intact and, if not, which record breaks it first.
    VerifyAudit,
    ManageUsers,
    // Realisation workflow
    /// Enter or change a realisation, its evidence, and submit it.
    EnterRealisation,
    /// Verify or return a submitted realisation.
    Verify,
    /// Close a reporting quarter for the whole organisation.
    ClosePeriod,
    /// Ask to reopen a locked realisation.
    RequestReopen,
    /// Approve or refuse a reopen request.
    DecideReopen,
    /// Set Rencana Aksi (per-period) targets: the same rule as [`Action::EditTree`].
    EditTargets,
    // Capaian dashboards
    /// Change an organisation's predicate bands and roll-up ceiling.
    ConfigureCapaian,
    // Documents
    /// Establish or amend a unit's Perjanjian Kinerja: the same rule as [`Action::EditTree`].
    EstablishPk,
    /// Change an organisation's document settings (region, place, head of region): the same
    /// rule as [`Action::ConfigureCapaian`].
    ConfigureDocuments,
    // The pemda
    /// Read a pemda's RPJMD tree, coverage, capaian and links (`Target::Pemda`).
    ReadPemda,
    /// Propose links, write review notes, record the pemda's own realisations.
    EditPemda,
    /// Accept or reject a link (`Target::Link`): the side that did not propose it.
    DecideLink,
    /// An organisation's side of the pemda (`Target::Org`): propose a link from its objective
    /// to the RPJMD, ask another organisation for crosscutting or answer a request addressed to
    /// it, resolve a review note on its tree.
    LinkObjectives,
}

/// What the action is done to.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The whole installation (accounts, the audit log of every organisation).
    System,
    /// An organisation as a whole.
    Org(i64),
    /// A pemda as a whole.
    Pemda(i64),
    /// A link between organisation `org_id` and pemda `pemda_id`, proposed by Bappeda
    /// (`by_pemda`) or by the organisation.
    Link {
        pemda_id: i64,
        org_id: i64,
        by_pemda: bool,
    },
    /// One unit of an organisation, with the organisation's tree to decide subtrees.
    Unit {
        org_id: i64,
        org: &'a Organisation,
        unit: &'a UnitKey,
    },
}

impl<'a> Target<'a> {
    /// The unit of an indicator, or the whole organisation when the unit is no longer in the
    /// tree.
    pub fn indicator(org_id: i64, org: &'a Organisation, key: &'a IndicatorKey) -> Target<'a> {
        match org.unit(&key.unit) {
            Some(_) => Target::Unit {
                org_id,
                org,
                unit: &key.unit,
            },
            None => Target::Org(org_id),
        }
    }
}

/// Why an action is refused, in Indonesian, shown on the 403 page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied(pub String);

impl From<Denied> for crate::Error {
    fn from(d: Denied) -> Self {
        crate::Error::Forbidden(d.0)
    }
}

/// Decides whether `user` may do `action` to `target`.
pub fn can(user: &User, action: Action, target: Target<'_>) -> Result<(), Denied> {
    if user.role == Role::Admin {
        return Ok(());
    }
    let role = user.role.label();
    let target_org = match target {
        Target::System | Target::Pemda(_) => None,
        Target::Org(id) | Target::Unit { org_id: id, .. } | Target::Link { org_id: id, .. } => {
            Some(id)
        }
    };
    let target_pemda = match target {
        Target::Pemda(p) | Target::Link { pemda_id: p, .. } => Some(p),
        _ => None,
    };
    let in_pemda = user.pemda_id.is_some() && user.pemda_id == target_pemda;
    // Pemda-wide accounts read every member organisation (and a pemda-wide Inspektorat its
    // audit records), and change nothing in them.
    let member_read = (action == Action::Read
        || (action == Action::ReadAudit && user.role == Role::Inspektorat))
        && user.pemda_id.is_some()
        && target_org.is_some_and(|o| user.pemda_orgs.contains(&o));
    let in_org = (target_org.is_some() && target_org == user.org_id) || member_read;
    match action {
        Action::ManageUsers => Err(Denied(format!(
            "Hanya Administrator yang dapat mengelola akun pengguna; Anda masuk sebagai {role}."
        ))),
        Action::ReadPemda => {
            if in_pemda {
                Ok(())
            } else {
                Err(Denied(
                    "Pohon kinerja pemda ini hanya dapat dibaca oleh Bappeda, Kepala Daerah dan \
                     Inspektorat pemda itu (dan Administrator)."
                        .into(),
                ))
            }
        }
        Action::EditPemda => {
            if in_pemda && user.role == Role::Bappeda {
                Ok(())
            } else {
                Err(Denied(format!(
                    "Hanya Bappeda pemda ini (dan Administrator) yang dapat mengusulkan tautan, \
                     menulis catatan reviu atau mencatat realisasi pemda; Anda masuk sebagai \
                     {role}."
                )))
            }
        }
        Action::DecideLink => {
            let Target::Link { by_pemda, .. } = target else {
                return Err(outside_org());
            };
            match (by_pemda, user.role) {
                (true, Role::Perencana) if in_org && user.unit.is_none() => Ok(()),
                (true, Role::Perencana) if in_org => Err(Denied(
                    "Tautan ke RPJMD mengenai seluruh organisasi; hanya Perencana tanpa lingkup \
                     unit yang dapat menjawabnya."
                        .into(),
                )),
                (true, _) => Err(Denied(
                    "Tautan yang diusulkan Bappeda dijawab oleh Perencana organisasi yang \
                     dituju; tautan organisasi lain tidak dapat Anda terima atau tolak."
                        .into(),
                )),
                (false, Role::Bappeda) if in_pemda => Ok(()),
                (false, _) => Err(Denied(
                    "Tautan yang diusulkan perangkat daerah dijawab oleh Bappeda pemdanya.".into(),
                )),
            }
        }
        Action::Read => {
            if in_org {
                Ok(())
            } else {
                Err(outside_org())
            }
        }
        Action::ReadAudit => {
            if !matches!(user.role, Role::Inspektorat | Role::Perencana) {
                return Err(Denied(format!(
                    "Log audit hanya dapat dibaca oleh Administrator, Inspektorat dan Perencana; \
                     Anda masuk sebagai {role}."
                )));
            }
            if in_org { Ok(()) } else { Err(outside_org()) }
        }
        Action::VerifyAudit => {
            if user.role == Role::Inspektorat {
                Ok(())
            } else {
                Err(Denied(format!(
                    "Keutuhan log audit hanya dapat diperiksa oleh Administrator dan \
                     Inspektorat; Anda masuk sebagai {role}."
                )))
            }
        }
        // Realisation workflow
        Action::EnterRealisation | Action::RequestReopen => {
            if !matches!(user.role, Role::Operator | Role::Perencana) {
                return Err(Denied(format!(
                    "Peran {role} tidak dapat mengisi realisasi; hanya Operator dan Perencana \
                     (dan Administrator) yang dapat."
                )));
            }
            within_scope(user, in_org, target)
        }
        Action::Verify => {
            if user.role != Role::Verifikator {
                return Err(Denied(format!(
                    "Peran {role} tidak dapat memverifikasi realisasi; hanya Verifikator (dan \
                     Administrator) yang dapat."
                )));
            }
            within_scope(user, in_org, target)
        }
        Action::ClosePeriod => {
            if user.role != Role::Perencana {
                return Err(only_perencana(role, "menutup periode"));
            }
            whole_org(user, in_org, "Menutup periode")
        }
        Action::DecideReopen => {
            if user.role != Role::Perencana {
                return Err(only_perencana(role, "memutuskan permintaan buka kembali"));
            }
            within_scope(user, in_org, target)
        }
        Action::EditTargets => can(user, Action::EditTree, target).map_err(|d| match user.role {
            Role::Perencana => d,
            _ => only_perencana(role, "mengubah target Rencana Aksi"),
        }),
        Action::LinkObjectives => {
            if user.role != Role::Perencana {
                return Err(only_perencana(
                    role,
                    "mengusulkan tautan RPJMD, crosscutting atau menyelesaikan catatan reviu",
                ));
            }
            whole_org(user, in_org, "Tautan RPJMD dan crosscutting")
        }
        // Capaian dashboards
        Action::ConfigureCapaian => {
            if user.role != Role::Perencana {
                return Err(only_perencana(role, "mengubah pengaturan capaian"));
            }
            whole_org(user, in_org, "Pengaturan capaian")
        }
        // Documents
        Action::EstablishPk => can(user, Action::EditTree, target).map_err(|d| match user.role {
            Role::Perencana => d,
            _ => only_perencana(role, "menetapkan atau mengubah perjanjian kinerja"),
        }),
        Action::ConfigureDocuments => {
            if user.role != Role::Perencana {
                return Err(only_perencana(role, "mengubah pengaturan dokumen"));
            }
            whole_org(user, in_org, "Pengaturan dokumen")
        }
        Action::EditTree => {
            if user.role != Role::Perencana {
                return Err(only_perencana(role, "mengubah pohon kinerja"));
            }
            if !in_org {
                return Err(outside_org());
            }
            match (target, &user.unit) {
                (Target::Unit { org, unit, .. }, Some(scope)) if !in_subtree(org, scope, unit) => {
                    Err(Denied(format!(
                        "Unit '{unit}' berada di luar lingkup Anda (unit '{scope}' dan unit di \
                         bawahnya)."
                    )))
                }
                (Target::Org(_), Some(scope)) => Err(Denied(format!(
                    "Perubahan ini mengenai seluruh organisasi, sedangkan lingkup Anda hanya unit \
                     '{scope}' dan unit di bawahnya."
                ))),
                _ => Ok(()),
            }
        }
    }
}

/// Realisation workflow: the user's organisation, and for a unit-scoped user a target unit
/// inside the scope (an organisation-wide target is outside a unit scope).
fn within_scope(user: &User, in_org: bool, target: Target<'_>) -> Result<(), Denied> {
    if !in_org {
        return Err(outside_org());
    }
    match (target, &user.unit) {
        (Target::Unit { org, unit, .. }, Some(scope)) if !in_subtree(org, scope, unit) => {
            Err(Denied(format!(
                "Indikator unit '{unit}' berada di luar lingkup Anda (unit '{scope}' dan unit di \
                 bawahnya)."
            )))
        }
        (Target::Org(_) | Target::System, Some(scope)) => Err(Denied(format!(
            "Langkah ini mengenai seluruh organisasi, sedangkan lingkup Anda hanya unit \
             '{scope}' dan unit di bawahnya."
        ))),
        _ => Ok(()),
    }
}

/// Whether `unit` is `scope` or lies below it.
pub fn in_subtree(org: &Organisation, scope: &UnitKey, unit: &UnitKey) -> bool {
    let mut current = Some(unit.clone());
    let mut steps = 0;
    while let Some(key) = current {
        if &key == scope {
            return true;
        }
        // A valid tree has no cycle; the bound only guards against a corrupt one.
        steps += 1;
        if steps > org.units.len() {
            return false;
        }
        current = org.unit(&key).and_then(|u| u.parent.clone());
    }
    false
}

/// A step only a perencana (or an administrator) may take; `step` says what it is.
fn only_perencana(role: &str, step: &str) -> Denied {
    Denied(format!(
        "Peran {role} tidak dapat {step}; hanya Perencana (dan Administrator) yang dapat."
    ))
}

/// A step on the whole organisation (`step`, capitalised, says what it is): the user's own
/// organisation, and not for a unit-scoped user.
fn whole_org(user: &User, in_org: bool, step: &str) -> Result<(), Denied> {
    if !in_org {
        return Err(outside_org());
    }
    match &user.unit {
        Some(scope) => Err(Denied(format!(
            "{step} berlaku untuk seluruh organisasi, sedangkan lingkup Anda hanya unit \
             '{scope}' dan unit di bawahnya."
        ))),
        None => Ok(()),
    }
}

fn outside_org() -> Denied {
    Denied(
        "Organisasi ini berada di luar lingkup akun Anda. Minta Administrator menambahkan akses \
         bila Anda memerlukannya."
            .into(),
    )
}
