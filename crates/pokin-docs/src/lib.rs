//! Documents built from Pokin's domain values.
//!
//! - [`pohon`]: the *pohon kinerja* (performance tree) diagram: a tidy tree of unit cards with
//!   their objectives and indicators and the cascade links between objectives, as a standalone
//!   SVG document ([`pohon::render_svg`]) or as plain geometry ([`pohon::layout`]) for other
//!   renderers (a PDF poster later).
//! - [`chart`]: bar, line and predicate-distribution charts as standalone, accessible SVG
//!   ([`chart::bar_chart`], [`chart::line_chart`], [`chart::distribution_chart`]) and the
//!   predicate colour scale the web page shares ([`chart::predicate_colour`]).
//! - [`text`]: the text metrics and line wrapping every document uses.
//!
//! - [`pdf`]: Typst compiled in-process with bundled fonts; templates read their data as JSON.
//! - [`pk`]: the Perjanjian Kinerja and its Rencana Aksi as PDF ([`pk::pdf`], [`pk::rencana_aksi_pdf`]).
//! - [`lkjip`]: the LKjIP Bab III tables as PDF ([`lkjip::pdf`]).
//! - [`poster`]: the pohon kinerja as an A3 landscape PDF poster, tiled when large ([`poster::pdf`]).
//! - [`report_xlsx`]: XLSX reports (Evaluasi Hasil Renja with live formulas, LKjIP Bab III, Rencana Aksi).
//! - [`pemda`]: the pemda's IKU and cascading matrix (PDF and XLSX from one table) and the
//!   Perjanjian Kinerja of the head of region.
//!
//! This crate takes domain values and gives bytes or strings: it knows nothing of SQL, HTTP or
//! files.

pub mod chart;
pub mod lkjip;
mod matrix;
pub mod pdf;
pub mod pemda;
pub mod pk;
pub mod pohon;
pub mod poster;
pub mod report_xlsx;
pub mod text;
mod xml;

/// Why a document could not be produced: a bug in a template or a writer, never the user's
/// data (which is validated before it reaches a document).
#[derive(Debug, thiserror::Error)]
#[error("dokumen gagal dibuat: {0}")]
pub struct DocError(pub String);
