//! Who may do what: the one place that decides authorisation, for pages and API alike.
//!
//! The rules (also in ARCHITECTURE.md):
//!
//! | action | admin | perencana | operator, verifikator | pimpinan | inspektorat |
//! |---|---|---|---|---|---|
//! | [`Action::Read`] an organisation's tree, units, findings | all | own org | own org | own org | own org |
//! | [`Action::EditTree`] (units, objectives, indicators, targets) | all | own org, or own unit subtree if scoped to a unit | — | — | — |
//! | [`Action::ReadAudit`] | all records | own org | — | — | own org |
//! | [`Action::ManageUsers`] | yes | — | — | — | — |
//!
//! Reading is organisation-wide for every role: the pohon kinerja is about how units support
//! each other, so a unit's people see the whole tree of their organisation. A unit scope narrows
//! what a user may *change* (realisations for operators and verification for verifikator come in
//! the next milestone). A disabled account has no session, so it reaches none of this.

use pokin_domain::{Organisation, UnitKey};
use pokin_store::{Role, User};

/// Something a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    EditTree,
    ReadAudit,
    ManageUsers,
}

/// What the action is done to.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The whole installation (accounts, the audit log of every organisation).
    System,
    /// An organisation as a whole.
    Org(i64),
    /// One unit of an organisation, with the organisation's tree to decide subtrees.
    Unit {
        org_id: i64,
        org: &'a Organisation,
        unit: &'a UnitKey,
    },
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
        Target::System => None,
        Target::Org(id) | Target::Unit { org_id: id, .. } => Some(id),
    };
    let in_org = target_org.is_some() && target_org == user.org_id;
    match action {
        Action::ManageUsers => Err(Denied(format!(
            "Hanya Administrator yang dapat mengelola akun pengguna; Anda masuk sebagai {role}."
        ))),
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
        Action::EditTree => {
            if user.role != Role::Perencana {
                return Err(Denied(format!(
                    "Peran {role} tidak dapat mengubah pohon kinerja; hanya Perencana (dan \
                     Administrator) yang dapat."
                )));
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

fn outside_org() -> Denied {
    Denied(
        "Organisasi ini berada di luar lingkup akun Anda. Minta Administrator menambahkan akses \
         bila Anda memerlukannya."
            .into(),
    )
}
