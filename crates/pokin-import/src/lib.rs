//! Pohon kinerja importers. Each reads one kind of input into the domain's
//! [`OrganisationDraft`](pokin_domain::OrganisationDraft) and reports what it could not read or
//! had to guess.
//!
//! - [`text`]: the text extracted from a pohon kinerja diagram, with line diagnostics;
//! - [`rpjmd`]: the text of a pemda's RPJMD tree (visi, misi, tujuan, sasaran daerah and their
//!   indicators), with the same line diagnostics;
//! - [`spelling`]: probable typos, against the document's own words and the Indonesian
//!   hunspell dictionary (also used on stored trees);
//! - [`yaml`]: the canonical YAML form, which round-trips byte for byte;
//! - [`xlsx`]: the bulk-entry workbook (Renstra targets, Rencana Aksi, realisations): the
//!   template to fill in Excel and the reader that turns an upload into a measurement batch;
//! - [`read_any`]: bytes of either kind → an organisation or what stands in the way (the one
//!   import path of the CLI and the web application).

mod read;
pub mod rpjmd;
pub mod spelling;
mod stem;
pub mod text;
pub mod xlsx;
pub mod yaml;

pub use read::{Format, ImportReport, Reading, decode, read_any};
