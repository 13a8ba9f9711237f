//! The measurement cycle: Rencana Aksi targets per period, realisations with their narrative
//! and evidence files, the verification workflow, period closing and reopen requests, and each
//! organisation's measurement settings.
//!
//! Measurement rows name their indicator by **unit key and indicator code** (not by row id),
//! because replacing a tree re-creates its rows; an edit that renames a unit key or an
//! indicator code renames its measurement rows in the same transaction. Deleting an indicator
//! keeps its measurements (history); they reappear if an indicator with that code returns.
//!
//! Evidence files are stored content-addressed (`<evidence dir>/<sha256[0..2]>/<sha256>`),
//! written (and fsynced) before the row that names them is committed, so a committed row always
//! has its file; a file without a row (a crash between the two) is harmless and reused.
//!
//! Every change is one audited transaction (entities `period_target`, `realisation`,
//! `evidence`, `period`, `reopen_request`, `settings`); the workflow's rules come from
//! [`pokin_domain::measure::next_status`].

use crate::Store;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use pokin_domain::TargetValue;
use pokin_domain::capaian::Realisation;
use pokin_domain::measure::{
    Action, EvidenceKind, IndicatorKey, IndicatorYear, MeasureSettings, MeasurementBatch, Period,
    RealisationInput, ReopenStatus, Status,
};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// A Rencana Aksi target of one indicator for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodTarget {
    pub indicator: IndicatorKey,
    pub period: Period,
    pub target: TargetValue,
}

/// Metadata of one evidence file (*bukti dukung*); the bytes come from
/// [`Store::evidence_file`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub id: i64,
    pub realisation_id: i64,
    /// Lower-case hex SHA-256 of the content: its address under the evidence directory.
    pub sha256: String,
    /// As uploaded, made safe by [`pokin_domain::measure::safe_file_name`].
    pub file_name: String,
    pub kind: EvidenceKind,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// One realisation: an indicator's value for one period, its narrative, its workflow state and
/// its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealisationRecord {
    pub id: i64,
    pub org_id: i64,
    pub indicator: IndicatorKey,
    pub period: Period,
    pub input: RealisationInput,
    pub status: Status,
    /// The reason given when it was last returned (cleared when it is verified).
    pub return_reason: Option<String>,
    /// Its period is closed and no approved reopen request is open for it: nothing may change.
    pub locked: bool,
    /// A reopen request was approved: editable again until it is verified, then locked again.
    pub reopened: bool,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    /// Filled by [`Store::realisation`]; empty in lists.
    pub evidence: Vec<Evidence>,
}

/// A closed reporting quarter of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosedPeriod {
    pub year: i32,
    /// 1–4; closing a quarter closes its months too.
    pub quarter: u8,
    pub closed_by: String,
    pub closed_at: DateTime<Utc>,
}

/// A request to correct a realisation of a closed period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReopenRequest {
    pub id: i64,
    pub org_id: i64,
    pub realisation_id: i64,
    pub indicator: IndicatorKey,
    pub period: Period,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub status: ReopenStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The perencana's note with the decision (required when refusing).
    pub decision_note: Option<String>,
}

/// Everything measured in one organisation and year, for computing capaian
/// ([`pokin_domain::measure::measure_organisation`]) and for dashboards.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct YearMeasurements {
    /// Per indicator: Rencana Aksi targets and **verified** realisations by period, the input
    /// of capaian.
    pub verified: HashMap<IndicatorKey, IndicatorYear>,
    /// Every realisation of the year in any status (without evidence), in period order.
    pub realisations: Vec<RealisationRecord>,
    pub closed: Vec<ClosedPeriod>,
}

impl Store {
    /// Where evidence files are kept (created when first needed). Without it, evidence
    /// operations fail with an Indonesian message.
    pub fn with_evidence_dir(mut self, dir: impl Into<PathBuf>) -> Store {
        self.evidence_dir = Some(std::sync::Arc::new(dir.into()));
        self
    }

    /// The organisation's predicate bands and ceiling (the defaults when never set).
    pub async fn measure_settings(&self, org_id: i64) -> Result<MeasureSettings, StoreError> {
        let _ = org_id;
        todo!("measure settings")
    }

    /// Replaces the organisation's measurement settings (audited, entity `settings`).
    pub async fn set_measure_settings(
        &self,
        actor: &str,
        org_id: i64,
        settings: &MeasureSettings,
    ) -> Result<(), StoreError> {
        let _ = (actor, org_id, settings);
        todo!("set measure settings")
    }

    /// Rencana Aksi targets of an organisation for a year.
    pub async fn period_targets(
        &self,
        org_id: i64,
        year: i32,
    ) -> Result<Vec<PeriodTarget>, StoreError> {
        let _ = (org_id, year);
        todo!("period targets")
    }

    /// Sets (or with `None` clears) the Rencana Aksi targets of one indicator for the given
    /// periods, in one audited transaction (entity `period_target`, before/after = the
    /// indicator's targets of that year). Refused if the indicator does not exist, a period's
    /// periodisation differs from the indicator's, or a value is invalid.
    pub async fn set_period_targets(
        &self,
        actor: &str,
        org_id: i64,
        indicator: &IndicatorKey,
        targets: &[(Period, Option<TargetValue>)],
    ) -> Result<(), StoreError> {
        let _ = (actor, org_id, indicator, targets);
        todo!("set period targets")
    }

    /// Every realisation, Rencana Aksi target and closed quarter of an organisation's year.
    pub async fn year_measurements(
        &self,
        org_id: i64,
        year: i32,
    ) -> Result<YearMeasurements, StoreError> {
        let _ = (org_id, year);
        todo!("year measurements")
    }

    /// One realisation with its evidence.
    pub async fn realisation(
        &self,
        org_id: i64,
        id: i64,
    ) -> Result<Option<RealisationRecord>, StoreError> {
        let _ = (org_id, id);
        todo!("realisation")
    }

    /// The realisation of an indicator for a period, with its evidence, if one was entered.
    pub async fn realisation_at(
        &self,
        org_id: i64,
        indicator: &IndicatorKey,
        period: Period,
    ) -> Result<Option<RealisationRecord>, StoreError> {
        let _ = (org_id, indicator, period);
        todo!("realisation at")
    }

    /// Every realisation of one indicator (all years), without evidence, oldest period first.
    pub async fn indicator_realisations(
        &self,
        org_id: i64,
        indicator: &IndicatorKey,
    ) -> Result<Vec<RealisationRecord>, StoreError> {
        let _ = (org_id, indicator);
        todo!("indicator realisations")
    }

    /// Creates (as draft) or updates the realisation of an indicator for a period; returns its
    /// id. Refused when the input has problems, the indicator does not exist, the period does
    /// not match its periodisation, the realisation is locked or not editable in its status
    /// (diajukan / diverifikasi). Audited (entity `realisation`).
    pub async fn save_realisation(
        &self,
        actor: &str,
        org_id: i64,
        indicator: &IndicatorKey,
        period: Period,
        input: &RealisationInput,
    ) -> Result<i64, StoreError> {
        let _ = (actor, org_id, indicator, period, input);
        todo!("save realisation")
    }

    /// Applies a workflow step ([`pokin_domain::measure::next_status`] decides); `reason` is
    /// required to return. Verifying clears the return reason and ends a reopening. Audited
    /// (entity `realisation`, before/after with the status and reason). Returns the new status.
    pub async fn transition_realisation(
        &self,
        actor: &str,
        org_id: i64,
        id: i64,
        action: Action,
        reason: Option<&str>,
    ) -> Result<Status, StoreError> {
        let _ = (actor, org_id, id, action, reason);
        todo!("transition")
    }

    /// Adds an evidence file to an editable realisation: the kind is recognised from the
    /// content ([`pokin_domain::measure::sniff_evidence`], size limit included), the file is
    /// written content-addressed, then the row is committed (audited, entity `evidence`).
    pub async fn add_evidence(
        &self,
        actor: &str,
        org_id: i64,
        realisation_id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Evidence, StoreError> {
        let _ = (actor, org_id, realisation_id, file_name, bytes);
        todo!("add evidence")
    }

    /// Removes an evidence file from an editable realisation (the content stays on disk while
    /// another row names it). Audited.
    pub async fn delete_evidence(
        &self,
        actor: &str,
        org_id: i64,
        evidence_id: i64,
    ) -> Result<(), StoreError> {
        let _ = (actor, org_id, evidence_id);
        todo!("delete evidence")
    }

    /// One evidence file's metadata and bytes (checked against its SHA-256).
    pub async fn evidence_file(
        &self,
        org_id: i64,
        evidence_id: i64,
    ) -> Result<Option<(Evidence, Vec<u8>)>, StoreError> {
        let _ = (org_id, evidence_id);
        todo!("evidence file")
    }

    /// Closes a quarter of a year for the whole organisation: its realisations (and those of
    /// its months) are locked. Refused if already closed. Audited (entity `period`).
    pub async fn close_period(
        &self,
        actor: &str,
        org_id: i64,
        year: i32,
        quarter: u8,
    ) -> Result<(), StoreError> {
        let _ = (actor, org_id, year, quarter);
        todo!("close period")
    }

    /// Closed quarters of an organisation, all years, oldest first.
    pub async fn closed_periods(&self, org_id: i64) -> Result<Vec<ClosedPeriod>, StoreError> {
        let _ = org_id;
        todo!("closed periods")
    }

    /// Asks to correct a locked realisation; the reason is required. Refused if it is not
    /// locked or a request for it is already waiting. Returns the request's id. Audited.
    pub async fn request_reopen(
        &self,
        actor: &str,
        org_id: i64,
        realisation_id: i64,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let _ = (actor, org_id, realisation_id, reason);
        todo!("request reopen")
    }

    /// Decides a waiting reopen request. Approving makes the realisation editable again
    /// (`reopened`, status `dikembalikan` with the request's reason) until it is verified;
    /// refusing needs a note. Audited (the request and, when approved, the realisation).
    pub async fn decide_reopen(
        &self,
        actor: &str,
        org_id: i64,
        request_id: i64,
        approve: bool,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let _ = (actor, org_id, request_id, approve, note);
        todo!("decide reopen")
    }

    /// Reopen requests of an organisation, newest first; only waiting ones when `waiting_only`.
    pub async fn reopen_requests(
        &self,
        org_id: i64,
        waiting_only: bool,
    ) -> Result<Vec<ReopenRequest>, StoreError> {
        let _ = (org_id, waiting_only);
        todo!("reopen requests")
    }

    /// Applies a batch of value changes (baselines, Renstra targets, Rencana Aksi targets,
    /// realisation values as drafts) in one transaction with one audit record (entity
    /// `measurement_batch`, `after` = the batch); on any refused change nothing is written and
    /// the error names every refused change.
    pub async fn apply_measurements(
        &self,
        actor: &str,
        org_id: i64,
        batch: &MeasurementBatch,
    ) -> Result<(), StoreError> {
        let _ = (actor, org_id, batch);
        todo!("apply measurements")
    }
}

#[allow(dead_code)]
fn _unused(_: Realisation) {}
