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
//! Files are shared by content (also across organisations) and never removed by Pokin: deleting
//! an evidence row leaves its file, since another row may name the same content, possibly in a
//! transaction that has not committed yet.
//!
//! A realisation is **locked** when its quarter is closed (`closed_periods`) and it is not
//! `reopened`; a locked realisation refuses every change. Approving a reopen request sets
//! `reopened` (and returns it to the operator); verifying it clears `reopened`, locking it again.
//!
//! Every change is one audited transaction (entities `period_target`, `realisation`,
//! `evidence`, `period`, `reopen_request`, `settings`, `measurement_batch`); the workflow's
//! rules come from [`pokin_domain::measure::next_status`]. A refused change writes nothing, not
//! even its audit record.

use crate::Store;
use crate::audit::{Audit, AuditAction, entity, to_json, with};
use crate::db::{Conn, Record, WriteTx, now, params};
use crate::edit::value_problem;
use crate::error::{Result, StoreError};
use crate::tree::{self, corrupt, value_columns, value_from};
use chrono::{DateTime, Utc};
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::measure::{
    Action, EvidenceKind, IndicatorKey, IndicatorYear, MeasureSettings, MeasurementBatch, Period,
    RealisationInput, ReopenStatus, Status, next_status, safe_file_name, sniff_evidence,
    verified_year,
};
use pokin_domain::{Indicator, OrganisationDraft, TargetValue};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

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
        Conn::run(&self.pool, "membaca pengaturan pengukuran", async |conn| {
            tree::org_row(conn, org_id).await?;
            settings_of(conn, org_id).await
        })
        .await
    }

    /// Replaces the organisation's measurement settings (audited, entity `settings`).
    pub async fn set_measure_settings(
        &self,
        actor: &str,
        org_id: i64,
        settings: &MeasureSettings,
    ) -> Result<(), StoreError> {
        let after = to_json(settings)?;
        let text = serde_json::to_string(settings).map_err(|e| {
            StoreError::Invalid(format!("pengaturan pengukuran tidak dapat disimpan: {e}"))
        })?;
        write_in_org(
            self,
            actor,
            "menyimpan pengaturan pengukuran",
            org_id,
            async |tx| {
                let stored: Option<SettingsRow> =
                    tx.read().fetch_optional(SETTINGS, params![org_id]).await?;
                let before = settings_of(tx.read(), org_id).await?;
                let sql = if stored.is_some() {
                    UPDATE_SETTINGS
                } else {
                    INSERT_SETTINGS
                };
                tx.execute(sql, params![org_id, text.as_str(), tx_actor(actor), now()])
                    .await?;
                let audit = match stored {
                    Some(_) => {
                        Audit::updated(org_id, entity::SETTINGS, org_id, to_json(&before)?, after)
                    }
                    None => Audit::created(org_id, entity::SETTINGS, org_id, after),
                };
                Ok(((), audit))
            },
        )
        .await
    }

    /// Rencana Aksi targets of an organisation for a year.
    pub async fn period_targets(
        &self,
        org_id: i64,
        year: i32,
    ) -> Result<Vec<PeriodTarget>, StoreError> {
        let rows: Vec<PeriodTargetRow> =
            Conn::run(&self.pool, "membaca target per periode", async |conn| {
                tree::org_row(conn, org_id).await?;
                conn.fetch_all(PERIOD_TARGETS_OF_YEAR, params![org_id, i64::from(year)])
                    .await
            })
            .await?;
        let mut out = rows
            .iter()
            .map(PeriodTargetRow::to_domain)
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| (&a.indicator, a.period).cmp(&(&b.indicator, b.period)));
        Ok(out)
    }

    /// Sets (or with `None` clears) the Rencana Aksi targets of one indicator for the given
    /// periods, in one audited transaction (entity `period_target`, before/after = the
    /// indicator's targets of the years concerned). Refused if the indicator does not exist, a
    /// period's periodisation differs from the indicator's, or a value is invalid. An empty
    /// list changes nothing and writes no record.
    pub async fn set_period_targets(
        &self,
        actor: &str,
        org_id: i64,
        indicator: &IndicatorKey,
        targets: &[(Period, Option<TargetValue>)],
    ) -> Result<(), StoreError> {
        let problems: Vec<String> = targets
            .iter()
            .filter_map(|(p, v)| {
                v.as_ref()
                    .and_then(value_problem)
                    .map(|why| format!("target {}: {why}", p.label()))
            })
            .collect();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(format!(
                "target per periode {} tidak sah: {}. Perbaiki nilainya lalu simpan lagi.",
                describe(indicator),
                problems.join("; ")
            )));
        }
        if targets.is_empty() {
            return Ok(());
        }
        let years: BTreeSet<i32> = targets.iter().map(|(p, _)| p.year).collect();
        write_in_org(
            self,
            actor,
            "menyimpan target per periode",
            org_id,
            async |tx| {
                let found = indicator_by_key(tx.read(), org_id, indicator).await?;
                for (period, _) in targets {
                    check_periodisation(indicator, found.periodisation, *period)?;
                }
                let before = targets_of_years(tx.read(), org_id, indicator, &years).await?;
                for (period, value) in targets {
                    write_period_target(tx, org_id, indicator, *period, value.as_ref()).await?;
                }
                let after = targets_of_years(tx.read(), org_id, indicator, &years).await?;
                let action = match (before.is_empty(), after.is_empty()) {
                    (true, _) => AuditAction::Create,
                    (false, true) => AuditAction::Delete,
                    (false, false) => AuditAction::Update,
                };
                let audit = Audit {
                    org_id: Some(org_id),
                    entity: entity::PERIOD_TARGET,
                    entity_id: None,
                    action,
                    before: Some(json!({ "indicator": indicator, "targets": before })),
                    after: Some(json!({ "indicator": indicator, "targets": after })),
                };
                Ok(((), audit))
            },
        )
        .await
    }

    /// Every realisation, Rencana Aksi target and closed quarter of an organisation's year.
    pub async fn year_measurements(
        &self,
        org_id: i64,
        year: i32,
    ) -> Result<YearMeasurements, StoreError> {
        let (realisations, targets, closed, periodisations) =
            Conn::run(&self.pool, "membaca pengukuran tahunan", async |conn| {
                tree::org_row(conn, org_id).await?;
                let realisations: Vec<RealisationRow> = conn
                    .fetch_all(REALISATIONS_OF_YEAR, params![org_id, i64::from(year)])
                    .await?;
                let targets: Vec<PeriodTargetRow> = conn
                    .fetch_all(PERIOD_TARGETS_OF_YEAR, params![org_id, i64::from(year)])
                    .await?;
                let closed: Vec<ClosedRow> =
                    conn.fetch_all(CLOSED_PERIODS, params![org_id]).await?;
                let periodisations: Vec<IndicatorPeriodisationRow> = conn
                    .fetch_all(INDICATOR_PERIODISATIONS, params![org_id])
                    .await?;
                Ok((realisations, targets, closed, periodisations))
            })
            .await?;
        let closed_set = closed_set(&closed);
        let mut records = realisations
            .iter()
            .map(|r| r.to_record(&closed_set, Vec::new()))
            .collect::<Result<Vec<_>>>()?;
        records.sort_by(|a, b| (a.period, &a.indicator).cmp(&(b.period, &b.indicator)));
        let targets = targets
            .iter()
            .map(PeriodTargetRow::to_domain)
            .collect::<Result<Vec<_>>>()?;

        // Each indicator is measured under its current periodisation; measurements of an
        // indicator that is no longer in the tree keep their own (`verified_year`).
        let mut current: HashMap<IndicatorKey, Periodisation> = HashMap::new();
        for p in &periodisations {
            let key = IndicatorKey {
                unit: tree::unit_key(&p.unit_key)?,
                code: tree::code(&p.code)?,
            };
            current.insert(key, parse_periodisation_opt(p.periodisation.as_deref())?);
        }
        let verified = verified_year(
            year,
            |key| current.get(key).copied(),
            targets.iter().map(|t| (&t.indicator, t.period, &t.target)),
            records
                .iter()
                .map(|r| (&r.indicator, r.period, r.status, r.input.value.as_ref())),
        );
        let closed = closed
            .iter()
            .filter(|c| c.year == i64::from(year))
            .map(ClosedRow::to_domain)
            .collect::<Result<Vec<_>>>()?;
        Ok(YearMeasurements {
            verified,
            realisations: records,
            closed,
        })
    }

    /// One realisation with its evidence.
    pub async fn realisation(
        &self,
        org_id: i64,
        id: i64,
    ) -> Result<Option<RealisationRecord>, StoreError> {
        Conn::run(&self.pool, "membaca realisasi", async |conn| {
            let row = conn
                .fetch_optional(REALISATION_BY_ID, params![org_id, id])
                .await?;
            full_record_opt(conn, org_id, row).await
        })
        .await
    }

    /// The realisation of an indicator for a period, with its evidence, if one was entered.
    pub async fn realisation_at(
        &self,
        org_id: i64,
        indicator: &IndicatorKey,
        period: Period,
    ) -> Result<Option<RealisationRecord>, StoreError> {
        Conn::run(&self.pool, "membaca realisasi", async |conn| {
            let row = realisation_row_at(conn, org_id, indicator, period).await?;
            full_record_opt(conn, org_id, row).await
        })
        .await
    }

    /// Every realisation of one indicator (all years), without evidence, oldest period first.
    pub async fn indicator_realisations(
        &self,
        org_id: i64,
        indicator: &IndicatorKey,
    ) -> Result<Vec<RealisationRecord>, StoreError> {
        let (rows, closed) = Conn::run(&self.pool, "membaca realisasi indikator", async |conn| {
            let rows: Vec<RealisationRow> = conn
                .fetch_all(
                    REALISATIONS_OF_INDICATOR,
                    params![org_id, indicator.unit.as_str(), indicator.code.as_str()],
                )
                .await?;
            let closed: Vec<ClosedRow> = conn.fetch_all(CLOSED_PERIODS, params![org_id]).await?;
            Ok((rows, closed))
        })
        .await?;
        let closed = closed_set(&closed);
        let mut out = rows
            .iter()
            .map(|r| r.to_record(&closed, Vec::new()))
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|r| r.period);
        Ok(out)
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
        let problems = input.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(format!(
                "isian realisasi {} {} tidak sah: {}. Perbaiki isiannya lalu simpan lagi.",
                describe(indicator),
                period.label(),
                problems.join("; ")
            )));
        }
        let (number, text) = realisation_columns(input.value.as_ref());
        write_in_org(self, actor, "menyimpan realisasi", org_id, async |tx| {
            let found = indicator_by_key(tx.read(), org_id, indicator).await?;
            check_periodisation(indicator, found.periodisation, period)?;
            let existing = realisation_row_at(tx.read(), org_id, indicator, period).await?;
            let (id, action) = match &existing {
                Some(row) => {
                    check_editable(tx.read(), org_id, row).await?;
                    tx.execute(
                        UPDATE_REALISATION_INPUT,
                        params![
                            org_id,
                            row.id,
                            number,
                            text.clone(),
                            input.kendala.clone(),
                            input.solusi.clone(),
                            input.pendorong.clone(),
                            tx_actor(actor),
                            now(),
                        ],
                    )
                    .await?;
                    (row.id, AuditAction::Update)
                }
                None => {
                    if quarter_closed(tx.read(), org_id, period).await? {
                        let what = format!("realisasi {} {}", describe(indicator), period.label());
                        return Err(locked_error(&what, period));
                    }
                    let id = tx
                        .insert(
                            INSERT_REALISATION,
                            [
                                period_params(org_id, indicator, period),
                                params![
                                    number,
                                    text.clone(),
                                    input.kendala.clone(),
                                    input.solusi.clone(),
                                    input.pendorong.clone(),
                                    Status::Draft.as_str(),
                                    tx_actor(actor),
                                    now(),
                                ],
                            ]
                            .concat(),
                        )
                        .await?;
                    (id, AuditAction::Create)
                }
            };
            let after = realisation_row(tx.read(), org_id, id).await?;
            let before = existing.as_ref().map(to_json).transpose()?;
            let after = Some(to_json(&after)?);
            let audit = Audit::row(org_id, entity::REALISATION, id, action, before, after);
            Ok((id, audit))
        })
        .await
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
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        write_in_org(self, actor, "memproses realisasi", org_id, async |tx| {
            let before = realisation_row(tx.read(), org_id, id).await?;
            let from = before.status()?;
            let period = before.period()?;
            let locked = before.locked_in(tx.read(), org_id).await?;
            let has_value = before.value_number.is_some() || before.value_text.is_some();
            let what = format!("realisasi {} {}", before.describe(), period.label());
            if locked {
                return Err(locked_error(&what, period));
            }
            let to = next_status(from, action, false, has_value, reason).map_err(|why| {
                // A step that is impossible whatever is entered is a conflict with the
                // realisation's state; otherwise something is missing from the input.
                if next_status(from, action, false, true, Some("alasan")).is_err() {
                    StoreError::Conflict(sentence(&format!("{what}: {why}")))
                } else {
                    StoreError::Invalid(sentence(&format!("{what}: {why}")))
                }
            })?;
            let (return_reason, reopened) = match to {
                Status::Diverifikasi => (None, false),
                Status::Dikembalikan => (reason.map(str::to_owned), before.reopened),
                _ => (before.return_reason.clone(), before.reopened),
            };
            tx.execute(
                UPDATE_REALISATION_STATUS,
                params![
                    org_id,
                    id,
                    to.as_str(),
                    return_reason,
                    reopened,
                    tx_actor(actor),
                    now(),
                ],
            )
            .await?;
            let after = realisation_row(tx.read(), org_id, id).await?;
            let audit = Audit::updated(
                org_id,
                entity::REALISATION,
                id,
                with_step(to_json(&before)?, action),
                with_step(to_json(&after)?, action),
            );
            Ok((to, audit))
        })
        .await
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
        let name = safe_file_name(file_name);
        let kind = sniff_evidence(bytes).map_err(|why| {
            StoreError::Invalid(format!(
                "berkas bukti dukung '{name}' ditolak: {why}. Unggah berkas lain."
            ))
        })?;
        let dir = self.evidence_dir()?;
        let sha = crate::users::hex(&Sha256::digest(bytes));
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let row = write_in_org(self, actor, "menyimpan bukti dukung", org_id, async |tx| {
            let realisation = realisation_row(tx.read(), org_id, realisation_id).await?;
            check_editable(tx.read(), org_id, &realisation).await?;
            // The file first: a committed row must always have its file.
            store_file(dir.clone(), sha.clone(), bytes.to_vec()).await?;
            let id = tx
                .insert(
                    INSERT_EVIDENCE,
                    params![
                        org_id,
                        realisation_id,
                        sha.as_str(),
                        name.as_str(),
                        kind_str(kind),
                        size,
                        tx_actor(actor),
                        now(),
                    ],
                )
                .await?;
            let row = evidence_row(tx.read(), org_id, id).await?;
            let audit = Audit::created(
                org_id,
                entity::EVIDENCE,
                id,
                with_realisation(to_json(&row)?, &realisation),
            );
            Ok((row, audit))
        })
        .await?;
        row.to_domain()
    }

    /// Removes an evidence file's row from an editable realisation. The file stays on disk:
    /// files are shared by content, and a file no row names is harmless. Audited.
    pub async fn delete_evidence(
        &self,
        actor: &str,
        org_id: i64,
        evidence_id: i64,
    ) -> Result<(), StoreError> {
        write_in_org(self, actor, "menghapus bukti dukung", org_id, async |tx| {
            let row = evidence_row(tx.read(), org_id, evidence_id).await?;
            let realisation = realisation_row(tx.read(), org_id, row.realisation_id).await?;
            check_editable(tx.read(), org_id, &realisation).await?;
            tx.execute(DELETE_EVIDENCE, params![org_id, evidence_id])
                .await?;
            let audit = Audit::deleted(
                org_id,
                entity::EVIDENCE,
                evidence_id,
                with_realisation(to_json(&row)?, &realisation),
            );
            Ok(((), audit))
        })
        .await
    }

    /// One evidence file's metadata and bytes (checked against its SHA-256: a missing or
    /// altered file is [`StoreError::Corrupt`]).
    pub async fn evidence_file(
        &self,
        org_id: i64,
        evidence_id: i64,
    ) -> Result<Option<(Evidence, Vec<u8>)>, StoreError> {
        let row: Option<EvidenceRow> = Conn::run(&self.pool, "membaca bukti dukung", async |c| {
            c.fetch_optional(EVIDENCE_BY_ID, params![org_id, evidence_id])
                .await
        })
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let evidence = row.to_domain()?;
        let dir = self.evidence_dir()?;
        let bytes = read_file(dir, evidence.sha256.clone()).await?;
        let Some(bytes) = bytes else {
            return Err(StoreError::Corrupt(format!(
                "berkas bukti dukung {} ('{}') tidak ada di folder bukti dukung",
                evidence.id, evidence.file_name
            )));
        };
        if crate::users::hex(&Sha256::digest(&bytes)) != evidence.sha256
            || i64::try_from(bytes.len()).ok() != Some(evidence.size)
        {
            return Err(StoreError::Corrupt(format!(
                "isi berkas bukti dukung {} ('{}') tidak cocok dengan sidik SHA-256 yang \
                 tercatat",
                evidence.id, evidence.file_name
            )));
        }
        Ok(Some((evidence, bytes)))
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
        Period::new(year, Periodisation::Triwulan, quarter).map_err(|why| {
            StoreError::Invalid(format!(
                "periode yang akan ditutup tidak sah: {why}. Pilih triwulan 1–4 dari tahun yang \
                 benar."
            ))
        })?;
        let label = Periodisation::Triwulan.label(usize::from(quarter));
        write_in_org(self, actor, "menutup periode", org_id, async |tx| {
            let existing: Option<ClosedRow> = tx
                .read()
                .fetch_optional(
                    CLOSED_PERIOD,
                    params![org_id, i64::from(year), i64::from(quarter)],
                )
                .await?;
            if let Some(c) = existing {
                return Err(StoreError::Conflict(format!(
                    "{label} {year} sudah ditutup oleh {} pada {}. Periode yang sudah ditutup \
                     tidak perlu ditutup lagi.",
                    c.closed_by,
                    c.closed_at.format("%Y-%m-%d %H:%M UTC")
                )));
            }
            let id = tx
                .insert(
                    INSERT_CLOSED,
                    params![
                        org_id,
                        i64::from(year),
                        i64::from(quarter),
                        tx_actor(actor),
                        now()
                    ],
                )
                .await?;
            let row: ClosedRow = tx
                .read()
                .fetch_one(
                    CLOSED_PERIOD,
                    params![org_id, i64::from(year), i64::from(quarter)],
                )
                .await?;
            let audit = Audit::created(org_id, entity::PERIOD, id, to_json(&row)?);
            Ok(((), audit))
        })
        .await
    }

    /// Closed quarters of an organisation, all years, oldest first.
    pub async fn closed_periods(&self, org_id: i64) -> Result<Vec<ClosedPeriod>, StoreError> {
        let rows: Vec<ClosedRow> = Conn::run(&self.pool, "membaca periode tertutup", async |c| {
            tree::org_row(c, org_id).await?;
            c.fetch_all(CLOSED_PERIODS, params![org_id]).await
        })
        .await?;
        rows.iter().map(ClosedRow::to_domain).collect()
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
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid(
                "alasan permintaan pembukaan kembali wajib diisi: jelaskan apa yang perlu \
                 diperbaiki."
                    .into(),
            ));
        }
        write_in_org(
            self,
            actor,
            "meminta pembukaan kembali",
            org_id,
            async |tx| {
                let realisation = realisation_row(tx.read(), org_id, realisation_id).await?;
                let period = realisation.period()?;
                if !realisation.locked_in(tx.read(), org_id).await? {
                    return Err(StoreError::Conflict(format!(
                        "realisasi {} {} tidak terkunci, jadi tidak perlu dibuka kembali. Ubah \
                     langsung bila statusnya masih dapat diubah.",
                        realisation.describe(),
                        period.label()
                    )));
                }
                let waiting: Option<IdRow> = tx
                    .read()
                    .fetch_optional(WAITING_REQUEST_OF, params![org_id, realisation_id])
                    .await?;
                if let Some(w) = waiting {
                    return Err(StoreError::Conflict(format!(
                        "permintaan pembukaan kembali untuk realisasi ini sudah ada (id {}) dan \
                     masih menunggu keputusan perencana.",
                        w.id
                    )));
                }
                let id = tx
                    .insert(
                        INSERT_REOPEN,
                        params![
                            org_id,
                            realisation_id,
                            reason,
                            tx_actor(actor),
                            now(),
                            ReopenStatus::Menunggu.as_str(),
                        ],
                    )
                    .await?;
                let row = reopen_row(tx.read(), org_id, id).await?;
                let audit = Audit::created(org_id, entity::REOPEN_REQUEST, id, to_json(&row)?);
                Ok((id, audit))
            },
        )
        .await
    }

    /// Decides a waiting reopen request. Approving makes the realisation editable again
    /// (`reopened`, status `dikembalikan` with the request's reason) until it is verified;
    /// refusing needs a note. Audited (the request and, when approved, the realisation: two
    /// records in the same transaction).
    pub async fn decide_reopen(
        &self,
        actor: &str,
        org_id: i64,
        request_id: i64,
        approve: bool,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if !approve && note.is_none() {
            return Err(StoreError::Invalid(
                "catatan wajib diisi saat menolak permintaan pembukaan kembali: jelaskan \
                 alasannya kepada pemohon."
                    .into(),
            ));
        }
        write_in_org(
            self,
            actor,
            "memutuskan permintaan pembukaan kembali",
            org_id,
            async |tx| {
                let before = reopen_row(tx.read(), org_id, request_id).await?;
                let status = ReopenStatus::from_str_opt(&before.status).ok_or_else(|| {
                    corrupt(format!(
                        "status permintaan '{}' tidak dikenal",
                        before.status
                    ))
                })?;
                if status != ReopenStatus::Menunggu {
                    return Err(StoreError::Conflict(format!(
                        "permintaan pembukaan kembali ini sudah diputuskan ({}) oleh {}. Muat \
                     ulang halaman untuk melihat keputusannya.",
                        status.label().to_lowercase(),
                        before.decided_by.as_deref().unwrap_or("-")
                    )));
                }
                let decided = if approve {
                    ReopenStatus::Disetujui
                } else {
                    ReopenStatus::Ditolak
                };
                tx.execute(
                    DECIDE_REOPEN,
                    params![
                        org_id,
                        request_id,
                        decided.as_str(),
                        tx_actor(actor),
                        now(),
                        note,
                    ],
                )
                .await?;
                if approve {
                    let r_before =
                        realisation_row(tx.read(), org_id, before.realisation_id).await?;
                    tx.execute(
                        UPDATE_REALISATION_STATUS,
                        params![
                            org_id,
                            r_before.id,
                            Status::Dikembalikan.as_str(),
                            before.reason.as_str(),
                            true,
                            tx_actor(actor),
                            now(),
                        ],
                    )
                    .await?;
                    let r_after = realisation_row(tx.read(), org_id, r_before.id).await?;
                    let r_after = with(to_json(&r_after)?, "reopen_request_id", json!(request_id));
                    tx.audit(Audit::updated(
                        org_id,
                        entity::REALISATION,
                        r_before.id,
                        to_json(&r_before)?,
                        r_after,
                    ))
                    .await?;
                }
                let after = reopen_row(tx.read(), org_id, request_id).await?;
                let audit = Audit::updated(
                    org_id,
                    entity::REOPEN_REQUEST,
                    request_id,
                    to_json(&before)?,
                    to_json(&after)?,
                );
                Ok(((), audit))
            },
        )
        .await
    }

    /// Reopen requests of an organisation, newest first; only waiting ones when `waiting_only`.
    pub async fn reopen_requests(
        &self,
        org_id: i64,
        waiting_only: bool,
    ) -> Result<Vec<ReopenRequest>, StoreError> {
        let status = waiting_only.then_some(ReopenStatus::Menunggu.as_str());
        let rows: Vec<ReopenRow> = Conn::run(
            &self.pool,
            "membaca permintaan pembukaan kembali",
            async |c| {
                tree::org_row(c, org_id).await?;
                c.fetch_all(REOPEN_REQUESTS, params![org_id, status]).await
            },
        )
        .await?;
        rows.iter().map(ReopenRow::to_domain).collect()
    }

    /// Applies a batch of value changes (baselines, Renstra targets, Rencana Aksi targets,
    /// realisation values as drafts) in one transaction with one audit record (entity
    /// `measurement_batch`, `before` = the same entries with the values they replaced,
    /// `after` = the batch); on any refused change nothing is written and the error names every
    /// refused change. An empty batch changes nothing and writes no record.
    pub async fn apply_measurements(
        &self,
        actor: &str,
        org_id: i64,
        batch: &MeasurementBatch,
    ) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let after = to_json(batch)?;
        WriteTx::run(self, actor, "menerapkan perubahan nilai", async |tx| {
            let loaded = tree::load(tx.read(), org_id).await?;
            let closed: Vec<ClosedRow> =
                tx.read().fetch_all(CLOSED_PERIODS, params![org_id]).await?;
            let closed = closed_set(&closed);
            let mut ids: HashMap<IndicatorKey, i64> = HashMap::new();
            for (u_ids, u) in loaded.ids.iter().zip(&loaded.draft.units) {
                for (o_ids, o) in u_ids.objectives.iter().zip(&u.objectives) {
                    for (i_ids, i) in o_ids.indicators.iter().zip(&o.indicators) {
                        ids.insert(
                            IndicatorKey {
                                unit: u.key.clone(),
                                code: i.code.clone(),
                            },
                            i_ids.id,
                        );
                    }
                }
            }
            let mut draft = loaded.draft.clone();
            let renstra = draft.renstra;
            let mut refused: Vec<String> = Vec::new();
            let mut before = MeasurementBatch::default();
            let missing = |k: &IndicatorKey| {
                format!(
                    "{}: indikator tidak ada dalam pohon kinerja organisasi ini",
                    describe(k)
                )
            };

            // 1. Check everything, against the stored state.
            for (k, value) in &batch.baselines {
                let Some(ind) = indicator_mut(&mut draft, k) else {
                    refused.push(format!("baseline {}", missing(k)));
                    continue;
                };
                if let Some(why) = value.as_ref().and_then(value_problem) {
                    refused.push(format!("baseline {}: {why}", describe(k)));
                    continue;
                }
                before.baselines.push((k.clone(), ind.baseline.clone()));
                ind.baseline = value.clone();
            }
            for (k, year, value) in &batch.yearly_targets {
                let Some(ind) = indicator_mut(&mut draft, k) else {
                    refused.push(format!("target tahun {year} {}", missing(k)));
                    continue;
                };
                if let Some(why) = value.as_ref().and_then(value_problem) {
                    refused.push(format!("target tahun {year} {}: {why}", describe(k)));
                    continue;
                }
                if let (Some(r), Some(_)) = (renstra, value)
                    && !r.years().contains(year)
                {
                    refused.push(format!(
                        "target tahun {year} {}: di luar periode Renstra {}–{}",
                        describe(k),
                        r.start,
                        r.end
                    ));
                    continue;
                }
                before
                    .yearly_targets
                    .push((k.clone(), *year, ind.targets.get(year).cloned()));
                match value {
                    Some(v) => ind.targets.insert(*year, v.clone()),
                    None => ind.targets.remove(year),
                };
            }
            for (k, period, value) in &batch.period_targets {
                let what = format!("target {} {}", period.label(), describe(k));
                let Some(ind) = indicator_in(&draft, k) else {
                    refused.push(format!("target {} {}", period.label(), missing(k)));
                    continue;
                };
                if let Some(why) = periodisation_problem(ind.periodisation, *period) {
                    refused.push(format!("{what}: {why}"));
                    continue;
                }
                if let Some(why) = value.as_ref().and_then(value_problem) {
                    refused.push(format!("{what}: {why}"));
                    continue;
                }
                let old = period_target_at(tx.read(), org_id, k, *period).await?;
                before.period_targets.push((
                    k.clone(),
                    *period,
                    old.map(|t| t.to_domain()).transpose()?.map(|t| t.target),
                ));
            }
            for (k, period, value) in &batch.realisations {
                let what = format!("realisasi {} {}", period.label(), describe(k));
                let Some(ind) = indicator_in(&draft, k) else {
                    refused.push(format!("realisasi {} {}", period.label(), missing(k)));
                    continue;
                };
                if let Some(why) = periodisation_problem(ind.periodisation, *period) {
                    refused.push(format!("{what}: {why}"));
                    continue;
                }
                let problems = RealisationInput {
                    value: value.clone(),
                    ..RealisationInput::default()
                }
                .problems();
                if !problems.is_empty() {
                    refused.push(format!("{what}: {}", problems.join("; ")));
                    continue;
                }
                let old = realisation_row_at(tx.read(), org_id, k, *period).await?;
                let quarter_closed =
                    closed.contains(&(i64::from(period.year), i64::from(period.quarter())));
                if old.is_none() && value.is_some() && quarter_closed {
                    refused.push(format!(
                        "{what}: terkunci karena {} {} sudah ditutup",
                        Periodisation::Triwulan.label(usize::from(period.quarter())),
                        period.year
                    ));
                    continue;
                }
                if let Some(row) = &old {
                    let status = row.status()?;
                    if row.locked(&closed)? {
                        refused.push(format!(
                            "{what}: terkunci karena {} {} sudah ditutup",
                            Periodisation::Triwulan.label(usize::from(period.quarter())),
                            period.year
                        ));
                        continue;
                    }
                    if !status.editable() {
                        refused.push(format!(
                            "{what}: berstatus {} sehingga tidak dapat diubah",
                            status.label().to_lowercase()
                        ));
                        continue;
                    }
                }
                before.realisations.push((
                    k.clone(),
                    *period,
                    old.map(|r| r.value()).transpose()?.flatten(),
                ));
            }
            crate::documents::check_batch(
                tx.read(),
                org_id,
                batch,
                &mut draft,
                &mut before,
                &mut refused,
            )
            .await?;
            if refused.is_empty()
                && let Err(errors) = draft.clone().validate()
            {
                refused.extend(errors.0.iter().map(ToString::to_string));
            }
            if !refused.is_empty() {
                let list: Vec<String> = refused.iter().map(|r| format!("- {r}")).collect();
                return Err(StoreError::Invalid(format!(
                    "tidak ada perubahan yang disimpan karena {} isian ditolak:\n{}\nPerbaiki \
                     isian-isian itu lalu unggah lagi.",
                    refused.len(),
                    list.join("\n")
                )));
            }

            // 2. Write everything.
            for (k, value) in &batch.baselines {
                let (n, min, max, text) = value_columns(value.as_ref());
                tx.execute(UPDATE_BASELINE, params![org_id, ids[k], n, min, max, text])
                    .await?;
            }
            for (k, year, value) in &batch.yearly_targets {
                write_yearly_target(tx, org_id, ids[k], *year, value.as_ref()).await?;
            }
            for (k, period, value) in &batch.period_targets {
                write_period_target(tx, org_id, k, *period, value.as_ref()).await?;
            }
            for (k, period, value) in &batch.realisations {
                let (number, text) = realisation_columns(value.as_ref());
                match realisation_row_at(tx.read(), org_id, k, *period).await? {
                    Some(row) => {
                        tx.execute(
                            UPDATE_REALISATION_VALUE,
                            params![org_id, row.id, number, text, tx_actor(actor), now()],
                        )
                        .await?;
                    }
                    // Clearing a value that was never entered changes nothing.
                    None if value.is_none() => {}
                    None => {
                        tx.insert(
                            INSERT_REALISATION,
                            [
                                period_params(org_id, k, *period),
                                params![
                                    number,
                                    text,
                                    None::<String>,
                                    None::<String>,
                                    None::<String>,
                                    Status::Draft.as_str(),
                                    tx_actor(actor),
                                    now(),
                                ],
                            ]
                            .concat(),
                        )
                        .await?;
                    }
                }
            }
            crate::documents::write_batch(tx, org_id, actor, batch).await?;
            let audit = Audit {
                org_id: Some(org_id),
                entity: entity::MEASUREMENT_BATCH,
                entity_id: None,
                action: AuditAction::Update,
                before: Some(to_json(&before)?),
                after: Some(after),
            };
            Ok(((), audit))
        })
        .await
    }

    /// The evidence directory, or why evidence cannot be handled.
    fn evidence_dir(&self) -> Result<std::sync::Arc<PathBuf>> {
        self.evidence_dir.clone().ok_or_else(|| {
            StoreError::Invalid(
                "folder bukti dukung belum diatur, sehingga berkas bukti dukung tidak dapat \
                 disimpan atau dibaca. Hubungi pengelola aplikasi."
                    .into(),
            )
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Renaming, for the tree edits (`edit`): measurement rows follow a unit key or an indicator
// code.

/// Measurement rows of `$2` that would collide with rows already named `$3` (a unit key).
const UNIT_RENAME_COLLISIONS: &str = "SELECT \
     (SELECT COUNT(*) FROM realisations a JOIN realisations b \
       ON b.org_id = a.org_id AND b.indicator_code = a.indicator_code AND b.year = a.year \
       AND b.periodisation = a.periodisation AND b.period_n = a.period_n \
       WHERE a.org_id = $1 AND a.unit_key = $2 AND b.unit_key = $3) + \
     (SELECT COUNT(*) FROM period_targets a JOIN period_targets b \
       ON b.org_id = a.org_id AND b.indicator_code = a.indicator_code AND b.year = a.year \
       AND b.periodisation = a.periodisation AND b.period_n = a.period_n \
       WHERE a.org_id = $1 AND a.unit_key = $2 AND b.unit_key = $3) AS n";
const RENAME_UNIT: [&str; 2] = [
    "UPDATE period_targets SET unit_key = $3 WHERE org_id = $1 AND unit_key = $2",
    "UPDATE realisations SET unit_key = $3 WHERE org_id = $1 AND unit_key = $2",
];

/// Measurement rows of unit `$2`'s indicator `$3` that would collide with rows of its
/// indicator `$4`.
const INDICATOR_RENAME_COLLISIONS: &str = "SELECT \
     (SELECT COUNT(*) FROM realisations a JOIN realisations b \
       ON b.org_id = a.org_id AND b.unit_key = a.unit_key AND b.year = a.year \
       AND b.periodisation = a.periodisation AND b.period_n = a.period_n \
       WHERE a.org_id = $1 AND a.unit_key = $2 AND a.indicator_code = $3 \
       AND b.indicator_code = $4) + \
     (SELECT COUNT(*) FROM period_targets a JOIN period_targets b \
       ON b.org_id = a.org_id AND b.unit_key = a.unit_key AND b.year = a.year \
       AND b.periodisation = a.periodisation AND b.period_n = a.period_n \
       WHERE a.org_id = $1 AND a.unit_key = $2 AND a.indicator_code = $3 \
       AND b.indicator_code = $4) AS n";
const RENAME_INDICATOR: [&str; 2] = [
    "UPDATE period_targets SET indicator_code = $4 \
     WHERE org_id = $1 AND unit_key = $2 AND indicator_code = $3",
    "UPDATE realisations SET indicator_code = $4 \
     WHERE org_id = $1 AND unit_key = $2 AND indicator_code = $3",
];

#[derive(sqlx::FromRow)]
struct NRow {
    n: i64,
}

/// Renames the measurement rows of unit key `old` to `new` (no-op when equal). Refused when
/// rows kept under `new` (from a deleted unit) would collide with them.
pub(crate) async fn rename_unit(tx: &mut WriteTx, org_id: i64, old: &str, new: &str) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let clash: NRow = tx
        .read()
        .fetch_one(UNIT_RENAME_COLLISIONS, params![org_id, old, new])
        .await?;
    if clash.n > 0 {
        return Err(StoreError::Conflict(format!(
            "kunci unit tidak dapat diubah menjadi '{new}': masih ada {} realisasi atau target \
             per periode tersimpan dengan kunci itu (dari unit yang sudah dihapus) pada periode \
             yang sama dengan milik unit ini. Pilih kunci lain.",
            clash.n
        )));
    }
    for sql in RENAME_UNIT {
        tx.execute(sql, params![org_id, old, new]).await?;
    }
    Ok(())
}

/// Renames the measurement rows of indicator `old` of unit `unit_key` to `new` (no-op when
/// equal). Refused when rows kept under `new` (from a deleted indicator) would collide.
pub(crate) async fn rename_indicator(
    tx: &mut WriteTx,
    org_id: i64,
    unit_key: &str,
    old: &str,
    new: &str,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let clash: NRow = tx
        .read()
        .fetch_one(
            INDICATOR_RENAME_COLLISIONS,
            params![org_id, unit_key, old, new],
        )
        .await?;
    if clash.n > 0 {
        return Err(StoreError::Conflict(format!(
            "kode indikator tidak dapat diubah menjadi {new}: masih ada {} realisasi atau target \
             per periode tersimpan dengan kode itu di unit '{unit_key}' (dari indikator yang \
             sudah dihapus) pada periode yang sama dengan milik indikator ini. Pilih kode lain.",
            clash.n
        )));
    }
    for sql in RENAME_INDICATOR {
        tx.execute(sql, params![org_id, unit_key, old, new]).await?;
    }
    Ok(())
}

/// Deleting an organisation's measurements, children first; each scoped by `org_id`. Used by
/// `org::delete` only: replacing a tree keeps them.
pub(crate) const DELETE_MEASUREMENTS: [&str; 6] = [
    "DELETE FROM evidence WHERE org_id = $1",
    "DELETE FROM reopen_requests WHERE org_id = $1",
    "DELETE FROM realisations WHERE org_id = $1",
    "DELETE FROM period_targets WHERE org_id = $1",
    "DELETE FROM closed_periods WHERE org_id = $1",
    "DELETE FROM measure_settings WHERE org_id = $1",
];

// ---------------------------------------------------------------------------------------------
// Queries and rows.

#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
}

macro_rules! select_realisations {
    () => {
        "SELECT id, org_id, unit_key, indicator_code, year, periodisation, period_n, \
         value_number, value_text, kendala, solusi, pendorong, status, return_reason, reopened, \
         updated_by, updated_at FROM realisations WHERE org_id = $1"
    };
}

const REALISATION_BY_ID: &str = concat!(select_realisations!(), " AND id = $2");
const REALISATION_AT: &str = concat!(
    select_realisations!(),
    " AND unit_key = $2 AND indicator_code = $3 AND year = $4 AND periodisation = $5 \
     AND period_n = $6"
);
const REALISATIONS_OF_YEAR: &str = concat!(select_realisations!(), " AND year = $2");
const REALISATIONS_OF_INDICATOR: &str = concat!(
    select_realisations!(),
    " AND unit_key = $2 AND indicator_code = $3"
);
/// The columns after [`period_params`]: value, narrative, status, who and when.
const INSERT_REALISATION: &str = "INSERT INTO realisations \
     (org_id, unit_key, indicator_code, year, periodisation, period_n, value_number, value_text, \
     kendala, solusi, pendorong, status, updated_by, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
const UPDATE_REALISATION_INPUT: &str = "UPDATE realisations SET value_number = $3, \
     value_text = $4, kendala = $5, solusi = $6, pendorong = $7, updated_by = $8, \
     updated_at = $9 WHERE org_id = $1 AND id = $2";
const UPDATE_REALISATION_VALUE: &str = "UPDATE realisations SET value_number = $3, \
     value_text = $4, updated_by = $5, updated_at = $6 WHERE org_id = $1 AND id = $2";
const UPDATE_REALISATION_STATUS: &str = "UPDATE realisations SET status = $3, \
     return_reason = $4, reopened = $5, updated_by = $6, updated_at = $7 \
     WHERE org_id = $1 AND id = $2";

macro_rules! select_period_targets {
    () => {
        "SELECT id, unit_key, indicator_code, year, periodisation, period_n, value_number, \
         value_min, value_max, value_text FROM period_targets WHERE org_id = $1"
    };
}

const PERIOD_TARGETS_OF_YEAR: &str = concat!(select_period_targets!(), " AND year = $2");
const PERIOD_TARGETS_OF_INDICATOR_YEAR: &str = concat!(
    select_period_targets!(),
    " AND unit_key = $2 AND indicator_code = $3 AND year = $4"
);
const PERIOD_TARGET_AT: &str = concat!(
    select_period_targets!(),
    " AND unit_key = $2 AND indicator_code = $3 AND year = $4 AND periodisation = $5 \
     AND period_n = $6"
);
/// The columns after [`period_params`]: the value's four columns.
pub(crate) const INSERT_PERIOD_TARGET: &str = "INSERT INTO period_targets \
     (org_id, unit_key, indicator_code, year, periodisation, period_n, value_number, value_min, \
     value_max, value_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
const UPDATE_PERIOD_TARGET: &str = "UPDATE period_targets SET value_number = $3, \
     value_min = $4, value_max = $5, value_text = $6 WHERE org_id = $1 AND id = $2";
const DELETE_PERIOD_TARGET: &str = "DELETE FROM period_targets WHERE org_id = $1 AND id = $2";

const UPDATE_BASELINE: &str = "UPDATE indicators SET baseline_number = $3, baseline_min = $4, \
     baseline_max = $5, baseline_text = $6 WHERE org_id = $1 AND id = $2";
const UPDATE_TARGET: &str = "UPDATE targets SET value_number = $3, value_min = $4, \
     value_max = $5, value_text = $6 WHERE org_id = $1 AND id = $2";
const DELETE_TARGET: &str = "DELETE FROM targets WHERE org_id = $1 AND id = $2";

const INDICATOR_BY_KEY: &str = "SELECT i.periodisation FROM indicators i \
     JOIN units u ON u.org_id = i.org_id AND u.id = i.unit_id \
     WHERE i.org_id = $1 AND u.unit_key = $2 AND i.code = $3";
const INDICATOR_PERIODISATIONS: &str = "SELECT u.unit_key, i.code, i.periodisation \
     FROM indicators i JOIN units u ON u.org_id = i.org_id AND u.id = i.unit_id \
     WHERE i.org_id = $1";

const EVIDENCE_BY_ID: &str = "SELECT id, realisation_id, sha256, file_name, kind, size, \
     uploaded_by, uploaded_at FROM evidence WHERE org_id = $1 AND id = $2";
const EVIDENCE_OF: &str = "SELECT id, realisation_id, sha256, file_name, kind, size, \
     uploaded_by, uploaded_at FROM evidence WHERE org_id = $1 AND realisation_id = $2 \
     ORDER BY uploaded_at, id";
const INSERT_EVIDENCE: &str = "INSERT INTO evidence \
     (org_id, realisation_id, sha256, file_name, kind, size, uploaded_by, uploaded_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
const DELETE_EVIDENCE: &str = "DELETE FROM evidence WHERE org_id = $1 AND id = $2";

const CLOSED_PERIODS: &str = "SELECT id, year, quarter, closed_by, closed_at FROM closed_periods \
     WHERE org_id = $1 ORDER BY year, quarter";
const CLOSED_PERIOD: &str = "SELECT id, year, quarter, closed_by, closed_at FROM closed_periods \
     WHERE org_id = $1 AND year = $2 AND quarter = $3";
const INSERT_CLOSED: &str = "INSERT INTO closed_periods \
     (org_id, year, quarter, closed_by, closed_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";

macro_rules! select_reopen_requests {
    () => {
        "SELECT q.id, q.org_id, q.realisation_id, r.unit_key, r.indicator_code, r.year, \
         r.periodisation, r.period_n, q.reason, q.requested_by, q.requested_at, q.status, \
         q.decided_by, q.decided_at, q.decision_note \
         FROM reopen_requests q \
         JOIN realisations r ON r.org_id = q.org_id AND r.id = q.realisation_id \
         WHERE q.org_id = $1"
    };
}

const REOPEN_BY_ID: &str = concat!(select_reopen_requests!(), " AND q.id = $2");
const REOPEN_REQUESTS: &str = concat!(
    select_reopen_requests!(),
    " AND ($2 IS NULL OR q.status = $2) ORDER BY q.requested_at DESC, q.id DESC"
);
const WAITING_REQUEST_OF: &str = "SELECT id FROM reopen_requests \
     WHERE org_id = $1 AND realisation_id = $2 AND status = 'menunggu'";
const INSERT_REOPEN: &str = "INSERT INTO reopen_requests \
     (org_id, realisation_id, reason, requested_by, requested_at, status) \
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const DECIDE_REOPEN: &str = "UPDATE reopen_requests SET status = $3, decided_by = $4, \
     decided_at = $5, decision_note = $6 WHERE org_id = $1 AND id = $2";

const SETTINGS: &str = "SELECT settings_json FROM measure_settings WHERE org_id = $1";
const INSERT_SETTINGS: &str = "INSERT INTO measure_settings \
     (org_id, settings_json, updated_by, updated_at) VALUES ($1, $2, $3, $4)";
const UPDATE_SETTINGS: &str = "UPDATE measure_settings SET settings_json = $2, updated_by = $3, \
     updated_at = $4 WHERE org_id = $1";

/// A realisation row; it is also the JSON the audit log keeps.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct RealisationRow {
    id: i64,
    org_id: i64,
    unit_key: String,
    indicator_code: String,
    year: i64,
    periodisation: String,
    period_n: i64,
    value_number: Option<f64>,
    value_text: Option<String>,
    kendala: Option<String>,
    solusi: Option<String>,
    pendorong: Option<String>,
    status: String,
    return_reason: Option<String>,
    reopened: bool,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct PeriodTargetRow {
    id: i64,
    unit_key: String,
    indicator_code: String,
    year: i64,
    periodisation: String,
    period_n: i64,
    value_number: Option<f64>,
    value_min: Option<f64>,
    value_max: Option<f64>,
    value_text: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct EvidenceRow {
    id: i64,
    realisation_id: i64,
    sha256: String,
    file_name: String,
    kind: String,
    size: i64,
    uploaded_by: String,
    uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct ClosedRow {
    id: i64,
    year: i64,
    quarter: i64,
    closed_by: String,
    closed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
struct ReopenRow {
    id: i64,
    org_id: i64,
    realisation_id: i64,
    unit_key: String,
    indicator_code: String,
    year: i64,
    periodisation: String,
    period_n: i64,
    reason: String,
    requested_by: String,
    requested_at: DateTime<Utc>,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    decision_note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    settings_json: String,
}

#[derive(sqlx::FromRow)]
struct IndicatorKeyRow {
    periodisation: Option<String>,
}

#[derive(sqlx::FromRow)]
struct IndicatorPeriodisationRow {
    unit_key: String,
    code: String,
    periodisation: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Conversions.

fn parse_periodisation(s: &str) -> Result<Periodisation> {
    Periodisation::from_str_opt(s)
        .ok_or_else(|| corrupt(format!("periodisasi '{s}' tidak dikenal")))
}

fn parse_periodisation_opt(s: Option<&str>) -> Result<Periodisation> {
    s.map(parse_periodisation)
        .transpose()
        .map(|p| p.unwrap_or(Periodisation::Triwulan))
}

fn period_from(year: i64, periodisation: &str, n: i64) -> Result<Period> {
    let year = i32::try_from(year).map_err(corrupt)?;
    let n = u8::try_from(n).map_err(corrupt)?;
    Period::new(year, parse_periodisation(periodisation)?, n).map_err(corrupt)
}

fn key_from(unit_key: &str, code: &str) -> Result<IndicatorKey> {
    Ok(IndicatorKey {
        unit: tree::unit_key(unit_key)?,
        code: tree::code(code)?,
    })
}

/// `$1`–`$6` of an insert of a measurement row: the organisation, the indicator and the period.
pub(crate) fn period_params(org_id: i64, k: &IndicatorKey, p: Period) -> Vec<crate::db::Param> {
    params![
        org_id,
        k.unit.as_str(),
        k.code.as_str(),
        i64::from(p.year),
        p.periodisation.as_str(),
        i64::from(p.n),
    ]
}

/// The value columns of a realisation: number, text.
pub(crate) fn realisation_columns(v: Option<&Realisation>) -> (Option<f64>, Option<String>) {
    match v {
        None => (None, None),
        Some(Realisation::Number(n)) => (Some(*n), None),
        Some(Realisation::Qualitative(s)) => (None, Some(s.clone())),
    }
}

/// The closed quarters as (year, quarter).
fn closed_set(rows: &[ClosedRow]) -> HashSet<(i64, i64)> {
    rows.iter().map(|c| (c.year, c.quarter)).collect()
}

impl RealisationRow {
    fn period(&self) -> Result<Period> {
        period_from(self.year, &self.periodisation, self.period_n)
    }

    fn key(&self) -> Result<IndicatorKey> {
        key_from(&self.unit_key, &self.indicator_code)
    }

    fn status(&self) -> Result<Status> {
        Status::from_str_opt(&self.status).ok_or_else(|| {
            corrupt(format!(
                "status realisasi {} '{}' tidak dikenal",
                self.id, self.status
            ))
        })
    }

    fn value(&self) -> Result<Option<Realisation>> {
        match (self.value_number, &self.value_text) {
            (Some(n), None) => Ok(Some(Realisation::Number(n))),
            (None, Some(s)) => Ok(Some(Realisation::Qualitative(s.clone()))),
            (None, None) => Ok(None),
            (Some(_), Some(_)) => Err(corrupt(format!(
                "realisasi {} berisi angka dan teks sekaligus",
                self.id
            ))),
        }
    }

    /// `indikator IK1 unit bidang-umum`.
    fn describe(&self) -> String {
        format!("indikator {} unit {}", self.indicator_code, self.unit_key)
    }

    fn locked(&self, closed: &HashSet<(i64, i64)>) -> Result<bool> {
        let q = i64::from(self.period()?.quarter());
        Ok(!self.reopened && closed.contains(&(self.year, q)))
    }

    /// Whether it is locked, reading the closed quarters in this transaction.
    async fn locked_in(&self, conn: &mut Conn, org_id: i64) -> Result<bool> {
        let q = i64::from(self.period()?.quarter());
        let closed: Option<ClosedRow> = conn
            .fetch_optional(CLOSED_PERIOD, params![org_id, self.year, q])
            .await?;
        Ok(!self.reopened && closed.is_some())
    }

    fn to_record(
        &self,
        closed: &HashSet<(i64, i64)>,
        evidence: Vec<Evidence>,
    ) -> Result<RealisationRecord> {
        Ok(RealisationRecord {
            id: self.id,
            org_id: self.org_id,
            indicator: self.key()?,
            period: self.period()?,
            input: RealisationInput {
                value: self.value()?,
                kendala: self.kendala.clone(),
                solusi: self.solusi.clone(),
                pendorong: self.pendorong.clone(),
            },
            status: self.status()?,
            return_reason: self.return_reason.clone(),
            locked: self.locked(closed)?,
            reopened: self.reopened,
            updated_by: self.updated_by.clone(),
            updated_at: self.updated_at,
            evidence,
        })
    }
}

impl PeriodTargetRow {
    fn to_domain(&self) -> Result<PeriodTarget> {
        Ok(PeriodTarget {
            indicator: key_from(&self.unit_key, &self.indicator_code)?,
            period: period_from(self.year, &self.periodisation, self.period_n)?,
            target: value_from((
                self.value_number,
                self.value_min,
                self.value_max,
                self.value_text.clone(),
            ))
            .ok_or_else(|| corrupt(format!("target per periode {} tidak berisi nilai", self.id)))?,
        })
    }
}

fn kind_str(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Pdf => "pdf",
        EvidenceKind::Png => "png",
        EvidenceKind::Jpeg => "jpeg",
        EvidenceKind::Gif => "gif",
        EvidenceKind::Webp => "webp",
        EvidenceKind::OfficeZip => "office_zip",
        EvidenceKind::OfficeLegacy => "office_legacy",
    }
}

fn kind_from(s: &str) -> Option<EvidenceKind> {
    [
        EvidenceKind::Pdf,
        EvidenceKind::Png,
        EvidenceKind::Jpeg,
        EvidenceKind::Gif,
        EvidenceKind::Webp,
        EvidenceKind::OfficeZip,
        EvidenceKind::OfficeLegacy,
    ]
    .into_iter()
    .find(|k| kind_str(*k) == s)
}

impl EvidenceRow {
    fn to_domain(&self) -> Result<Evidence> {
        if self.sha256.len() != 64 || !self.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(corrupt(format!(
                "sidik SHA-256 bukti dukung {} tidak sah",
                self.id
            )));
        }
        Ok(Evidence {
            id: self.id,
            realisation_id: self.realisation_id,
            sha256: self.sha256.clone(),
            file_name: self.file_name.clone(),
            kind: kind_from(&self.kind).ok_or_else(|| {
                corrupt(format!(
                    "jenis bukti dukung {} '{}' tidak dikenal",
                    self.id, self.kind
                ))
            })?,
            size: self.size,
            uploaded_by: self.uploaded_by.clone(),
            uploaded_at: self.uploaded_at,
        })
    }
}

impl ClosedRow {
    fn to_domain(&self) -> Result<ClosedPeriod> {
        Ok(ClosedPeriod {
            year: i32::try_from(self.year).map_err(corrupt)?,
            quarter: u8::try_from(self.quarter)
                .ok()
                .filter(|q| (1..=4).contains(q))
                .ok_or_else(|| corrupt(format!("triwulan {} tidak ada", self.quarter)))?,
            closed_by: self.closed_by.clone(),
            closed_at: self.closed_at,
        })
    }
}

impl ReopenRow {
    fn to_domain(&self) -> Result<ReopenRequest> {
        Ok(ReopenRequest {
            id: self.id,
            org_id: self.org_id,
            realisation_id: self.realisation_id,
            indicator: key_from(&self.unit_key, &self.indicator_code)?,
            period: period_from(self.year, &self.periodisation, self.period_n)?,
            reason: self.reason.clone(),
            requested_by: self.requested_by.clone(),
            requested_at: self.requested_at,
            status: ReopenStatus::from_str_opt(&self.status).ok_or_else(|| {
                corrupt(format!(
                    "status permintaan {} '{}' tidak dikenal",
                    self.id, self.status
                ))
            })?,
            decided_by: self.decided_by.clone(),
            decided_at: self.decided_at,
            decision_note: self.decision_note.clone(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Reads and checks shared by the operations.

async fn settings_of(conn: &mut Conn, org_id: i64) -> Result<MeasureSettings> {
    let row: Option<SettingsRow> = conn.fetch_optional(SETTINGS, params![org_id]).await?;
    match row {
        None => Ok(MeasureSettings::default()),
        Some(r) => serde_json::from_str(&r.settings_json).map_err(|e| {
            corrupt(format!(
                "pengaturan pengukuran organisasi {org_id} rusak ({e})"
            ))
        }),
    }
}

/// The indicator named by `k`, or why it cannot be used.
async fn indicator_by_key(conn: &mut Conn, org_id: i64, k: &IndicatorKey) -> Result<Found> {
    let row: Option<IndicatorKeyRow> = conn
        .fetch_optional(
            INDICATOR_BY_KEY,
            params![org_id, k.unit.as_str(), k.code.as_str()],
        )
        .await?;
    let row = row.ok_or_else(|| {
        StoreError::NotFound(format!(
            "{} tidak ada dalam pohon kinerja organisasi ini. Periksa kunci unit dan kode \
             indikatornya.",
            describe(k)
        ))
    })?;
    Ok(Found {
        periodisation: row
            .periodisation
            .as_deref()
            .map(parse_periodisation)
            .transpose()?,
    })
}

/// What the operations need of a stored indicator.
struct Found {
    periodisation: Option<Periodisation>,
}

/// `indikator IK1 unit bidang-umum`.
fn describe(k: &IndicatorKey) -> String {
    format!("indikator {} unit {}", k.code, k.unit)
}

fn per(p: Periodisation) -> &'static str {
    match p {
        Periodisation::Triwulan => "per triwulan",
        Periodisation::Bulanan => "per bulan",
    }
}

/// Why `period` does not fit an indicator reported under `indicator` (`None`: triwulan).
pub(crate) fn periodisation_problem(
    indicator: Option<Periodisation>,
    period: Period,
) -> Option<String> {
    let expected = indicator.unwrap_or(Periodisation::Triwulan);
    (period.periodisation != expected).then(|| {
        format!(
            "indikator ini dilaporkan {}, sedangkan {} adalah periode {}; pilih periode {} yang \
             sesuai",
            per(expected),
            period.label(),
            match period.periodisation {
                Periodisation::Triwulan => "triwulan",
                Periodisation::Bulanan => "bulanan",
            },
            per(expected)
        )
    })
}

/// Refuses a period whose periodisation is not the indicator's.
fn check_periodisation(
    k: &IndicatorKey,
    indicator: Option<Periodisation>,
    period: Period,
) -> Result<()> {
    match periodisation_problem(indicator, period) {
        None => Ok(()),
        Some(why) => Err(StoreError::Invalid(format!("{}: {why}.", describe(k)))),
    }
}

/// Ends a message with a full stop.
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with('.') {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

fn locked_error(what: &str, period: Period) -> StoreError {
    StoreError::Conflict(format!(
        "{what} terkunci karena {} {} sudah ditutup. Ajukan permintaan pembukaan kembali dengan \
         alasannya kepada perencana.",
        Periodisation::Triwulan.label(usize::from(period.quarter())),
        period.year
    ))
}

/// Whether the quarter `period` falls in is closed.
async fn quarter_closed(conn: &mut Conn, org_id: i64, period: Period) -> Result<bool> {
    let closed: Option<ClosedRow> = conn
        .fetch_optional(
            CLOSED_PERIOD,
            params![org_id, i64::from(period.year), i64::from(period.quarter())],
        )
        .await?;
    Ok(closed.is_some())
}

/// Refuses a change to a realisation that is locked or not editable in its status.
async fn check_editable(conn: &mut Conn, org_id: i64, row: &RealisationRow) -> Result<()> {
    let period = row.period()?;
    let what = format!("realisasi {} {}", row.describe(), period.label());
    if row.locked_in(conn, org_id).await? {
        return Err(locked_error(&what, period));
    }
    let status = row.status()?;
    if !status.editable() {
        return Err(StoreError::Conflict(format!(
            "{what} berstatus {} sehingga nilai dan bukti dukungnya tidak dapat diubah. Minta \
             verifikator mengembalikannya bila perlu diperbaiki.",
            status.label().to_lowercase()
        )));
    }
    Ok(())
}

/// [`WriteTx::run`] on organisation `org_id`, refused with [`StoreError::NotFound`] when it
/// does not exist.
pub(crate) async fn write_in_org<T>(
    store: &Store,
    actor: &str,
    context: &'static str,
    org_id: i64,
    f: impl AsyncFnOnce(&mut WriteTx) -> Result<(T, Audit)>,
) -> Result<T> {
    WriteTx::run(store, actor, context, async |tx| {
        tree::org_row(tx.read(), org_id).await?;
        f(tx).await
    })
    .await
}

/// Row `id` of the organisation read by `sql` (`$1` the organisation, `$2` the id), or
/// [`StoreError::NotFound`] naming `what` and asking to pick another `pick`.
async fn row_by_id<R: Record>(
    conn: &mut Conn,
    sql: &'static str,
    org_id: i64,
    id: i64,
    what: &str,
    pick: &str,
) -> Result<R> {
    conn.fetch_optional(sql, params![org_id, id])
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "{what} dengan id {id} tidak ada dalam organisasi ini. Muat ulang halaman lalu \
                 pilih {pick} yang ada."
            ))
        })
}

async fn realisation_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<RealisationRow> {
    row_by_id(
        conn,
        REALISATION_BY_ID,
        org_id,
        id,
        "realisasi",
        "realisasi",
    )
    .await
}

async fn realisation_row_at(
    conn: &mut Conn,
    org_id: i64,
    k: &IndicatorKey,
    p: Period,
) -> Result<Option<RealisationRow>> {
    conn.fetch_optional(REALISATION_AT, period_params(org_id, k, p))
        .await
}

async fn period_target_at(
    conn: &mut Conn,
    org_id: i64,
    k: &IndicatorKey,
    p: Period,
) -> Result<Option<PeriodTargetRow>> {
    conn.fetch_optional(PERIOD_TARGET_AT, period_params(org_id, k, p))
        .await
}

/// A realisation with its evidence and lock state.
async fn full_record(
    conn: &mut Conn,
    org_id: i64,
    row: RealisationRow,
) -> Result<RealisationRecord> {
    let evidence: Vec<EvidenceRow> = conn.fetch_all(EVIDENCE_OF, params![org_id, row.id]).await?;
    let evidence = evidence
        .iter()
        .map(EvidenceRow::to_domain)
        .collect::<Result<Vec<_>>>()?;
    let q = i64::from(row.period()?.quarter());
    let closed: Option<ClosedRow> = conn
        .fetch_optional(CLOSED_PERIOD, params![org_id, row.year, q])
        .await?;
    let closed: HashSet<(i64, i64)> = closed.iter().map(|c| (c.year, c.quarter)).collect();
    row.to_record(&closed, evidence)
}

/// [`full_record`] of a realisation row that may not exist.
async fn full_record_opt(
    conn: &mut Conn,
    org_id: i64,
    row: Option<RealisationRow>,
) -> Result<Option<RealisationRecord>> {
    match row {
        None => Ok(None),
        Some(row) => full_record(conn, org_id, row).await.map(Some),
    }
}

async fn evidence_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<EvidenceRow> {
    row_by_id(
        conn,
        EVIDENCE_BY_ID,
        org_id,
        id,
        "bukti dukung",
        "bukti dukung",
    )
    .await
}

async fn reopen_row(conn: &mut Conn, org_id: i64, id: i64) -> Result<ReopenRow> {
    let what = "permintaan pembukaan kembali";
    row_by_id(conn, REOPEN_BY_ID, org_id, id, what, "permintaan").await
}

/// The Rencana Aksi targets of one indicator in the given years, in period order.
async fn targets_of_years(
    conn: &mut Conn,
    org_id: i64,
    k: &IndicatorKey,
    years: &BTreeSet<i32>,
) -> Result<Vec<PeriodTarget>> {
    let mut out = Vec::new();
    for year in years {
        let rows: Vec<PeriodTargetRow> = conn
            .fetch_all(
                PERIOD_TARGETS_OF_INDICATOR_YEAR,
                params![org_id, k.unit.as_str(), k.code.as_str(), i64::from(*year)],
            )
            .await?;
        for r in &rows {
            out.push(r.to_domain()?);
        }
    }
    out.sort_by_key(|t| t.period);
    Ok(out)
}

/// Inserts, replaces or (with `None`) removes one Rencana Aksi target.
async fn write_period_target(
    tx: &mut WriteTx,
    org_id: i64,
    k: &IndicatorKey,
    period: Period,
    value: Option<&TargetValue>,
) -> Result<()> {
    let existing = period_target_at(tx.read(), org_id, k, period).await?;
    let (n, min, max, text) = value_columns(value);
    match (existing, value) {
        (Some(row), Some(_)) => {
            tx.execute(
                UPDATE_PERIOD_TARGET,
                params![org_id, row.id, n, min, max, text],
            )
            .await?;
        }
        (Some(row), None) => {
            tx.execute(DELETE_PERIOD_TARGET, params![org_id, row.id])
                .await?;
        }
        (None, Some(_)) => {
            tx.insert(
                INSERT_PERIOD_TARGET,
                [period_params(org_id, k, period), params![n, min, max, text]].concat(),
            )
            .await?;
        }
        (None, None) => {}
    }
    Ok(())
}

/// Inserts, replaces or (with `None`) removes one Renstra target.
async fn write_yearly_target(
    tx: &mut WriteTx,
    org_id: i64,
    indicator_id: i64,
    year: i32,
    value: Option<&TargetValue>,
) -> Result<()> {
    let existing: Option<tree::TargetRow> = tx
        .read()
        .fetch_optional(
            tree::TARGET_BY_YEAR,
            params![org_id, indicator_id, i64::from(year)],
        )
        .await?;
    let (n, min, max, text) = value_columns(value);
    match (existing, value) {
        (Some(row), Some(_)) => {
            tx.execute(UPDATE_TARGET, params![org_id, row.id, n, min, max, text])
                .await?;
        }
        (Some(row), None) => {
            tx.execute(DELETE_TARGET, params![org_id, row.id]).await?;
        }
        (None, Some(_)) => {
            tx.insert(
                crate::org::INSERT_TARGET,
                params![org_id, indicator_id, i64::from(year), n, min, max, text],
            )
            .await?;
        }
        (None, None) => {}
    }
    Ok(())
}

fn indicator_mut<'a>(
    draft: &'a mut OrganisationDraft,
    k: &IndicatorKey,
) -> Option<&'a mut Indicator> {
    draft
        .units
        .iter_mut()
        .find(|u| u.key == k.unit)?
        .objectives
        .iter_mut()
        .flat_map(|o| o.indicators.iter_mut())
        .find(|i| i.code == k.code)
}

fn indicator_in<'a>(draft: &'a OrganisationDraft, k: &IndicatorKey) -> Option<&'a Indicator> {
    draft
        .units
        .iter()
        .find(|u| u.key == k.unit)?
        .objectives
        .iter()
        .flat_map(|o| o.indicators.iter())
        .find(|i| i.code == k.code)
}

/// A realisation row in the audit log, with the workflow step that was taken.
fn with_step(row: Value, action: Action) -> Value {
    with(row, "step", json!(action.as_str()))
}

/// An evidence row in the audit log, with the indicator and period of its realisation.
fn with_realisation(row: Value, r: &RealisationRow) -> Value {
    with(
        row,
        "realisation",
        json!({
            "unit_key": r.unit_key,
            "indicator_code": r.indicator_code,
            "year": r.year,
            "periodisation": r.periodisation,
            "period_n": r.period_n,
        }),
    )
}

/// The actor as recorded in rows (the audit record gets the same, trimmed, from `WriteTx`).
fn tx_actor(actor: &str) -> &str {
    actor.trim()
}

// ---------------------------------------------------------------------------------------------
// Evidence files.

/// `<dir>/<sha[0..2]>/<sha>`.
/// Where the evidence file with SHA-256 `sha` (lower-case hex) lives under `dir`.
pub(crate) fn content_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(&sha[..2]).join(sha)
}

/// Whether `path` holds a file whose content has SHA-256 `sha` (an intact copy: no need to
/// write it again).
pub(crate) fn intact_at(path: &Path, sha: &str) -> bool {
    std::fs::read(path).is_ok_and(|existing| crate::users::hex(&Sha256::digest(&existing)) == sha)
}

fn file_error(dir: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!(
        "berkas bukti dukung tidak dapat disimpan atau dibaca di folder '{}' ({e}). Periksa hak \
         akses dan ruang kosong folder itu, atau hubungi pengelola aplikasi.",
        dir.display()
    ))
}

/// Writes `bytes` at their content address unless an intact copy is there: a temporary file in
/// the same folder, fsynced, renamed over the address, then the folder fsynced.
async fn store_file(dir: std::sync::Arc<PathBuf>, sha: String, bytes: Vec<u8>) -> Result<()> {
    let d = dir.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let path = content_path(&d, &sha);
        if intact_at(&path, &sha) {
            return Ok(());
        }
        let folder = path.parent().unwrap_or(&d).to_path_buf();
        std::fs::create_dir_all(&folder)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&folder)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        // Make the rename itself durable. Not every platform can open a folder; the file's
        // content is already on disk either way.
        if let Ok(f) = std::fs::File::open(&folder) {
            let _ = f.sync_all();
        }
        Ok(())
    })
    .await
    .map_err(|e| file_error(&dir, e))?
    .map_err(|e| file_error(&dir, e))
}

/// The bytes at a content address, `None` when there is no file.
async fn read_file(dir: std::sync::Arc<PathBuf>, sha: String) -> Result<Option<Vec<u8>>> {
    if sha.len() < 2 {
        return Ok(None);
    }
    let d = dir.clone();
    tokio::task::spawn_blocking(move || match std::fs::read(content_path(&d, &sha)) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
    .await
    .map_err(|e| file_error(&dir, e))?
    .map_err(|e| file_error(&dir, e))
}
