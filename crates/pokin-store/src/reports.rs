//! The documents' content, assembled from what the store holds: the one place the CLI and the
//! web app get a Perjanjian Kinerja, the LKjIP tables or the Evaluasi Renja from (both render
//! them with `pokin-docs`), and the pemda's (IKU, cascading, PK of the head of region) from a
//! `PemdaOverview`. Only reads; the arithmetic is the domain's.

use crate::error::Result;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use pokin_domain::UnitKey;
use pokin_domain::document::pemda::{
    Cascading, IkuPemda, PkKepalaDaerah, cascading, check_year, iku_pemda, pk_kepala_daerah,
};
use pokin_domain::document::{
    Lkjip, LkjipInput, PerjanjianKinerja, Renja, lkjip, perjanjian_kinerja, renja,
};
use pokin_domain::measure::{IndicatorKey, Span, Status, measure_organisation};
use pokin_domain::pemda::Member;
use std::collections::HashMap;

/// The default signing date of a draft Perjanjian Kinerja: the first working day of January.
pub fn default_signing_date(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 2).unwrap_or(NaiveDate::MIN)
}

impl Store {
    /// A draft Perjanjian Kinerja (version 0) of `unit` for `year` from the current tree, the
    /// Rencana Aksi targets and the document settings, signed on `signed_on`.
    pub async fn pk_draft(
        &self,
        org_id: i64,
        unit: &UnitKey,
        year: i32,
        signed_on: NaiveDate,
    ) -> Result<PerjanjianKinerja> {
        let org = self.load_organisation(org_id).await?;
        let settings = self.document_settings(org_id).await?;
        let data = self.year_measurements(org_id, year).await?;
        perjanjian_kinerja(&org, unit, year, signed_on, &settings, &data.verified)
            .map_err(|e| StoreError::NotFound(e.0))
    }

    /// The Perjanjian Kinerja of `unit` for `year`: the given established version, else the
    /// latest established one, else a draft signed on [`default_signing_date`].
    pub async fn perjanjian_kinerja(
        &self,
        org_id: i64,
        unit: &UnitKey,
        year: i32,
        version: Option<u32>,
    ) -> Result<PerjanjianKinerja> {
        if let Some(v) = version {
            return self
                .pk_version(org_id, unit, year, v)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "Perjanjian Kinerja {unit} tahun {year} versi {v} tidak ada"
                    ))
                });
        }
        let versions = self.pk_versions(org_id, unit, year).await?;
        if let Some(last) = versions.last()
            && let Some(doc) = self.pk_version(org_id, unit, year, last.version).await?
        {
            return Ok(doc);
        }
        self.pk_draft(org_id, unit, year, default_signing_date(year))
            .await
    }

    /// The LKjIP Bab III tables of an organisation for `year` (verified realisations only).
    pub async fn lkjip(&self, org_id: i64, year: i32) -> Result<Lkjip> {
        let org = self.load_organisation(org_id).await?;
        let settings = self.document_settings(org_id).await?;
        let measure = self.measure_settings(org_id).await?;
        let current = self.year_measurements(org_id, year).await?;
        let before = self.year_measurements(org_id, year - 2).await?;
        let last = self.year_measurements(org_id, year - 1).await?;
        let m = measure_organisation(&org, year, Span::Year, &current.verified, &measure);
        let m2 = measure_organisation(&org, year - 2, Span::Year, &before.verified, &measure);
        let m1 = measure_organisation(&org, year - 1, Span::Year, &last.verified, &measure);
        let budget = self.budget_realisations(org_id, year).await?;
        let narratives = current
            .realisations
            .iter()
            .filter(|r| r.status == Status::Diverifikasi)
            .map(|r| (&r.indicator, r.period, &r.input))
            .collect();
        Ok(lkjip(LkjipInput {
            org: &org,
            settings: &settings,
            bands: &measure.bands,
            current: &m,
            previous: [&m2, &m1],
            budget: &budget,
            narratives,
        }))
    }

    /// The Evaluasi Hasil Renja of an organisation for `year`: every Renstra year up to `year`
    /// (verified realisations and realised budget).
    pub async fn renja(&self, org_id: i64, year: i32) -> Result<Renja> {
        let org = self.load_organisation(org_id).await?;
        let settings = self.document_settings(org_id).await?;
        let start = org.renstra.map(|r| r.start).unwrap_or(year).min(year);
        let mut history: HashMap<IndicatorKey, HashMap<i32, _>> = HashMap::new();
        for y in start..=year {
            let data = self.year_measurements(org_id, y).await?;
            for (k, v) in data.verified {
                history.entry(k).or_default().insert(y, v);
            }
        }
        let spent = self.budget_realisations_by_year(org_id).await?;
        Ok(renja(&org, &settings, year, &history, &spent))
    }
}

/// The pemda's documents, from its overview of a year (the CLI loads it with
/// [`Store::pemda_overview`], the web app has it cached): only accepted, unbroken links count.
/// A year outside the RPJMD period is refused (`Invalid`).
impl crate::pemda::PemdaOverview {
    fn document_members(&self) -> Result<Vec<Member<'_>>> {
        check_year(&self.pemda, self.year).map_err(StoreError::Invalid)?;
        Ok(self
            .members
            .iter()
            .map(|(id, o)| Member {
                org_id: *id,
                name: &o.name,
                org: o,
            })
            .collect())
    }

    /// The IKU of the pemda (its RPJMD period, whatever the overview's year).
    pub fn iku_pemda(&self) -> Result<IkuPemda> {
        let members = self.document_members()?;
        Ok(iku_pemda(&self.pemda, &members, &self.links))
    }

    /// The cascading matrix of the overview's year.
    pub fn cascading(&self) -> Result<Cascading> {
        let members = self.document_members()?;
        Ok(cascading(&self.pemda, &members, &self.links, self.year))
    }

    /// The Perjanjian Kinerja of the head of region for the overview's year, signed on the
    /// [`default_signing_date`].
    pub fn pk_kepala_daerah(&self) -> Result<PkKepalaDaerah> {
        check_year(&self.pemda, self.year).map_err(StoreError::Invalid)?;
        Ok(pk_kepala_daerah(
            &self.pemda,
            self.year,
            default_signing_date(self.year),
        ))
    }
}
