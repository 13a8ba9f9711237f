//! Pokin's domain model: the *pohon kinerja* (performance tree) of an organisation and the
//! vocabulary around it.
//!
//! Values here are valid by construction ("parse, don't validate"): a [`UnitKey`] is a slug, an
//! [`Organisation`] has unique unit keys, existing parents, no cycles, and cascade links that point
//! at objectives that exist. Importers build a [`OrganisationDraft`] and turn it into an
//! [`Organisation`] with [`OrganisationDraft::validate`], which lists every problem in Indonesian.
//!
//! This crate knows nothing of I/O, async, SQL or HTTP.

pub mod capaian;
pub mod check;
pub mod document;
pub mod format;
mod ids;
pub mod measure;
mod org;
pub mod pemda;
pub mod program;
pub mod wording;

pub use ids::{Code, CodeKind, IdError, Nip, UnitKey, slugify};
pub use org::{
    Aggregation, Appointment, Indicator, Objective, Official, Organisation, OrganisationDraft,
    Polarity, Renstra, Support, TargetValue, Unit, UnitKind, ValidationError, ValidationErrors,
};
