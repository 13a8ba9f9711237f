//! Capaian for the web: the **one** computation behind the dashboards, the heat tree, the
//! indicator page and `GET /api/v1/organisations/{id}/capaian`, so every page and the API show
//! the same numbers.
//!
//! [`OrgCapaian::load`] reads the organisation (checking [`Action::Read`](crate::permission::Action::Read)),
//! its measurement settings and the year's measurements from the store, and hands them to
//! [`pokin_domain::measure::measure_organisation`]; trends measure the same data for other spans
//! ([`OrgCapaian::with_span`]) or another year's data ([`OrgCapaian::other_year`]) through the
//! same private `measure` call. Only **verified** realisations count
//! ([`pokin_store::YearMeasurements::verified`]).
//!
//! The span comes from the query: `tahun=YYYY` (default: the current year) and optionally
//! `triwulan=1..4` (year-to-date up to that quarter, [`Span::UpToQuarter`]); anything else is an
//! Indonesian 422 naming the field.
//!
//! Reporting state ("Unit yang tertinggal", the dashboard's counts) is about one quarter, the
//! *reporting quarter*: the chosen `triwulan`, or else the last quarter of the year that has
//! ended (TW IV for past years, TW I when none has ended yet). A quarter is **overdue**
//! [`GRACE_DAYS`] days after it ends (TW I: after 15 April).

use crate::cache::OrgSnapshot;
use crate::routes::organisations::readable_snapshot;
use crate::{AppState, Error};
use chrono::{Datelike, NaiveDate};
use pokin_domain::capaian::{Capaian, Periodisation, PredicateBands};
use pokin_domain::measure::{
    IndicatorKey, MeasureSettings, OrganisationMeasure, Period, Span, Status, measure_organisation,
    periodisation_of,
};
use pokin_domain::{Indicator, Organisation, format};
use pokin_store::{User, YearMeasurements};
use std::collections::HashMap;
use std::sync::Arc;

/// Days after a quarter ends before its missing reports are overdue.
pub(crate) const GRACE_DAYS: u64 = 15;

/// Today, on the server's clock (local time: the reporting calendar is the agency's).
pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The year and how much of it: the whole year, or up to a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpanChoice {
    pub year: i32,
    pub quarter: Option<u8>,
}

impl SpanChoice {
    /// From the query's `tahun` and `triwulan` (blank means "not given"): the current year by
    /// default, the whole year unless a quarter 1–4 is given. The year's bounds are the
    /// domain's ([`Period::new`]).
    pub fn parse(
        tahun: Option<&str>,
        triwulan: Option<&str>,
        today: NaiveDate,
    ) -> Result<SpanChoice, Error> {
        fn blank(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let year = match blank(tahun) {
            None => today.year(),
            Some(t) => t.parse::<i32>().map_err(|_| {
                Error::field(
                    "tahun",
                    format!("Tahun '{t}' tidak sah: tulis tahun dengan angka, misalnya 2026."),
                )
            })?,
        };
        Period::new(year, Periodisation::Triwulan, 1)
            .map_err(|why| Error::field("tahun", format!("Tahun tidak sah: {why}.")))?;
        let quarter = match blank(triwulan) {
            None => None,
            Some(q) => {
                let n = q.parse::<u8>().ok().filter(|n| (1..=4).contains(n));
                Some(n.ok_or_else(|| {
                    Error::field(
                        "triwulan",
                        format!(
                            "Triwulan '{q}' tidak sah: pilih 1, 2, 3 atau 4, atau kosongkan \
                             untuk satu tahun penuh."
                        ),
                    )
                })?)
            }
        };
        Ok(SpanChoice { year, quarter })
    }

    pub fn span(self) -> Span {
        self.quarter.map_or(Span::Year, Span::UpToQuarter)
    }

    /// `Tahun 2026`, `s.d. TW II 2026`.
    pub fn label(self) -> String {
        self.span().label(self.year)
    }

    /// `tahun=2026` or `tahun=2026&triwulan=2`, for links.
    pub fn query(self) -> String {
        match self.quarter {
            Some(q) => format!("tahun={}&triwulan={q}", self.year),
            None => format!("tahun={}", self.year),
        }
    }

    /// The quarter whose reports the dashboard follows: the chosen one, or else the last one
    /// of the year that has ended by `today` (TW IV for a past year, TW I when none has).
    pub fn reporting_quarter(self, today: NaiveDate) -> u8 {
        if let Some(q) = self.quarter {
            return q;
        }
        match self.year.cmp(&today.year()) {
            std::cmp::Ordering::Less => 4,
            std::cmp::Ordering::Greater => 1,
            std::cmp::Ordering::Equal => ((today.month0() / 3) as u8).max(1),
        }
    }
}

/// The last day of a quarter.
pub(crate) fn quarter_end(year: i32, quarter: u8) -> Option<NaiveDate> {
    let next = if quarter >= 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, u32::from(quarter) * 3 + 1, 1)
    };
    next.and_then(|d| d.pred_opt())
}

/// When a quarter's reports are due: [`GRACE_DAYS`] after it ends.
pub(crate) fn quarter_deadline(year: i32, quarter: u8) -> Option<NaiveDate> {
    quarter_end(year, quarter).and_then(|d| d.checked_add_days(chrono::Days::new(GRACE_DAYS)))
}

/// Whether a quarter's reports are overdue on `today`.
pub(crate) fn overdue(year: i32, quarter: u8, today: NaiveDate) -> bool {
    quarter_deadline(year, quarter).is_some_and(|d| today > d)
}

/// Where an indicator's reports for a quarter stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reporting {
    /// Every period of the quarter verified.
    Verified,
    /// Every period submitted (diajukan or verified), some not verified yet.
    Waiting,
    /// Some period has no submitted realisation (none, a draft, or returned).
    Unreported,
}

/// How many of an organisation's indicators stand where for one quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ReportingCounts {
    pub total: usize,
    pub verified: usize,
    pub waiting: usize,
    pub unreported: usize,
}

/// The workflow status of each realisation of a year, by indicator and period.
pub(crate) struct Statuses(HashMap<(IndicatorKey, Period), Status>);

impl Statuses {
    pub fn of(data: &YearMeasurements) -> Statuses {
        Statuses(
            data.realisations
                .iter()
                .map(|r| ((r.indicator.clone(), r.period), r.status))
                .collect(),
        )
    }

    pub fn get(&self, key: &IndicatorKey, period: Period) -> Option<Status> {
        // A borrowed tuple key would need an allocation-free lookup; IndicatorKey clones are
        // two short strings.
        self.0.get(&(key.clone(), period)).copied()
    }
}

/// An indicator's reporting state for `quarter` of `year` (monthly indicators need each month
/// of the quarter).
pub(crate) fn reporting(
    statuses: &Statuses,
    year: i32,
    key: &IndicatorKey,
    indicator: &Indicator,
    quarter: u8,
) -> Reporting {
    let periodisation = periodisation_of(indicator);
    let mut all_verified = true;
    for period in Period::all(year, periodisation).filter(|p| p.quarter() == quarter) {
        match statuses.get(key, period) {
            Some(Status::Diverifikasi) => {}
            Some(Status::Diajukan) => all_verified = false,
            _ => return Reporting::Unreported,
        }
    }
    if all_verified {
        Reporting::Verified
    } else {
        Reporting::Waiting
    }
}

/// An organisation's capaian for one year and span, with what it was computed from. Everything
/// comes from the organisation's [`OrgSnapshot`]: computed once per revision of its data.
pub(crate) struct OrgCapaian {
    pub org: Arc<Organisation>,
    pub settings: Arc<MeasureSettings>,
    pub choice: SpanChoice,
    pub data: Arc<YearMeasurements>,
    pub measure: Arc<OrganisationMeasure>,
    snap: OrgSnapshot,
}

impl OrgCapaian {
    /// The one computation: the organisation (if `user` may read it), its settings and the
    /// year's measurements, measured by the domain for the chosen span.
    pub async fn load(
        state: &AppState,
        user: &User,
        id: i64,
        choice: SpanChoice,
    ) -> Result<OrgCapaian, Error> {
        let (snap, org) = readable_snapshot(state, user, id).await?;
        Self::of(snap, org, choice).await
    }

    /// [`OrgCapaian::load`] for an organisation already read (the kabupaten-wide dashboard reads
    /// many with one revision query).
    pub async fn of(
        snap: OrgSnapshot,
        org: Arc<Organisation>,
        choice: SpanChoice,
    ) -> Result<OrgCapaian, Error> {
        let settings = snap.settings().await?;
        let data = snap.year(choice.year).await?;
        let measure = measured(&snap, &org, &data, &settings, choice.year, choice.span());
        Ok(OrgCapaian {
            org,
            settings,
            choice,
            data,
            measure,
            snap,
        })
    }

    /// The same year's data measured for another span (the trend per quarter).
    pub fn with_span(&self, span: Span) -> Arc<OrganisationMeasure> {
        self.measure_data(&self.data, self.choice.year, span)
    }

    /// Another year of the same organisation, measured the same way (the trend over years).
    pub async fn other_year(
        &self,
        state: &AppState,
        year: i32,
        span: Span,
    ) -> Result<Arc<OrganisationMeasure>, Error> {
        if let Some(m) = self.snap.cached_measure(year, span) {
            return Ok(m);
        }
        let data = self.year_data(state, year).await?;
        Ok(self.measure_data(&data, year, span))
    }

    /// Another year's measurements of the same organisation.
    pub async fn year_data(
        &self,
        _state: &AppState,
        year: i32,
    ) -> Result<Arc<YearMeasurements>, Error> {
        if year == self.choice.year {
            return Ok(self.data.clone());
        }
        Ok(self.snap.year(year).await?)
    }

    /// `data` (of `year`) measured for `span`, the same way as [`OrgCapaian::load`].
    pub fn measure_data(
        &self,
        data: &YearMeasurements,
        year: i32,
        span: Span,
    ) -> Arc<OrganisationMeasure> {
        measured(&self.snap, &self.org, data, &self.settings, year, span)
    }

    pub fn bands(&self) -> &PredicateBands {
        &self.settings.bands
    }

    /// The snapshot of the organisation's data this was computed from.
    pub fn snapshot(&self) -> &OrgSnapshot {
        &self.snap
    }

    /// A value computed from this organisation's data (cached with it; `key` names what else it
    /// depends on).
    pub fn memo<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        self.snap.memo(key, make)
    }

    /// How many indicators are verified, waiting and unreported for `quarter` of the year.
    pub fn reporting_counts(&self, quarter: u8) -> Arc<ReportingCounts> {
        let year = self.choice.year;
        self.memo(&format!("reporting:{year}:{quarter}"), || {
            let statuses = self.statuses();
            let mut n = ReportingCounts::default();
            for u in &self.org.units {
                for i in u.objectives.iter().flat_map(|o| &o.indicators) {
                    let key = IndicatorKey {
                        unit: u.key.clone(),
                        code: i.code.clone(),
                    };
                    n.total += 1;
                    match reporting(&statuses, year, &key, i, quarter) {
                        Reporting::Verified => n.verified += 1,
                        Reporting::Waiting => n.waiting += 1,
                        Reporting::Unreported => n.unreported += 1,
                    }
                }
            }
            n
        })
    }

    /// The workflow status of every realisation of the year, by indicator and period.
    pub fn statuses(&self) -> Arc<Statuses> {
        let year = self.choice.year;
        self.memo(&format!("statuses:{year}"), || Statuses::of(&self.data))
    }
}

/// The capaian of `year` and `span` from the snapshot's cache, or measured by the domain and
/// kept there. `data` must be the snapshot's data of `year`.
pub(crate) fn measured(
    snap: &OrgSnapshot,
    org: &Organisation,
    data: &YearMeasurements,
    settings: &MeasureSettings,
    year: i32,
    span: Span,
) -> Arc<OrganisationMeasure> {
    if let Some(m) = snap.cached_measure(year, span) {
        return m;
    }
    let m = Arc::new(measure_organisation(
        org,
        year,
        span,
        &data.verified,
        settings,
    ));
    snap.keep_measure(year, span, m.clone());
    m
}

/// The CSS class carrying a predicate colour (`pk-15803d`): app.css has one per colour of
/// [`pokin_docs::chart::predicate_colour`], so pages colour without inline styles.
pub(crate) fn colour_class(c: &Capaian, bands: &PredicateBands) -> String {
    let p = c.predicate(bands);
    let colour = pokin_docs::chart::predicate_colour(p.map(|p| p.level), bands.bands().len());
    format!("pk-{}", colour.trim_start_matches('#'))
}

/// One capaian as the pages show it: the value, the predicate and its colour, and the full
/// description (with the reason when it cannot be computed).
#[derive(Debug, Clone)]
pub(crate) struct CapaianView {
    pub value: String,
    pub predicate: Option<String>,
    pub class: String,
    pub text: String,
}

impl CapaianView {
    pub fn new(c: &Capaian, bands: &PredicateBands) -> CapaianView {
        CapaianView {
            value: c.short(),
            predicate: c.predicate(bands).map(|p| p.label.to_owned()),
            class: colour_class(c, bands),
            text: c.describe(bands),
        }
    }
}

/// The bands as a legend: label, range in words, colour class (`pk-<hex>` of `colour`:
/// [`pokin_docs::chart::predicate_colour`] or, as on the heat tree, `predicate_tint`); then
/// "Belum dilaporkan".
pub(crate) fn legend_in(
    bands: &PredicateBands,
    colour: fn(Option<usize>, usize) -> &'static str,
) -> Vec<(String, String, String)> {
    let n = bands.bands().len();
    let mut out: Vec<(String, String, String)> = bands
        .bands()
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let range = if i == 0 {
                format!("≥ {}%", format::number_trimmed(b.from, 2))
            } else {
                format!(
                    "{}% – < {}%",
                    format::number_trimmed(b.from, 2),
                    format::number_trimmed(bands.bands()[i - 1].from, 2)
                )
            };
            let colour = colour(Some(i), n);
            (
                b.label.clone(),
                range,
                format!("pk-{}", colour.trim_start_matches('#')),
            )
        })
        .collect();
    let grey = colour(None, n);
    out.push((
        "Belum dilaporkan".into(),
        "tidak ada realisasi terverifikasi".into(),
        format!("pk-{}", grey.trim_start_matches('#')),
    ));
    out
}

/// [`legend_in`] with the strong colours of the charts.
pub(crate) fn legend(bands: &PredicateBands) -> Vec<(String, String, String)> {
    legend_in(bands, pokin_docs::chart::predicate_colour)
}

/// Years to follow over time: the Renstra's, else the five years up to `year`.
pub(crate) fn renstra_years(renstra: Option<pokin_domain::Renstra>, year: i32) -> Vec<i32> {
    match renstra {
        Some(r) if r.start <= r.end && r.end - r.start < 20 => r.years().collect(),
        _ => (year - 4..=year).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn span_choice_from_query() {
        let today = d(2026, 5, 2);
        let c = SpanChoice::parse(None, None, today).unwrap();
        assert_eq!((c.year, c.quarter), (2026, None));
        let c = SpanChoice::parse(Some(" 2025 "), Some("3"), today).unwrap();
        assert_eq!((c.year, c.quarter), (2025, Some(3)));
        assert_eq!(c.label(), "s.d. TW III 2025");
        assert_eq!(c.query(), "tahun=2025&triwulan=3");
        assert_eq!(
            SpanChoice::parse(Some(""), Some(""), today)
                .unwrap()
                .quarter,
            None
        );
        for (t, q) in [
            (Some("abc"), None),
            (Some("20261"), None),
            (Some("1800"), None),
            (None, Some("5")),
            (None, Some("0")),
            (None, Some("II")),
        ] {
            assert!(SpanChoice::parse(t, q, today).is_err(), "{t:?} {q:?}");
        }
    }

    #[test]
    fn reporting_quarter_and_deadlines() {
        let c = |y, q| SpanChoice {
            year: y,
            quarter: q,
        };
        assert_eq!(c(2026, None).reporting_quarter(d(2026, 2, 1)), 1);
        assert_eq!(c(2026, None).reporting_quarter(d(2026, 5, 2)), 1);
        assert_eq!(c(2026, None).reporting_quarter(d(2026, 11, 28)), 3);
        assert_eq!(c(2025, None).reporting_quarter(d(2026, 1, 3)), 4);
        assert_eq!(c(2027, None).reporting_quarter(d(2026, 1, 3)), 1);
        assert_eq!(c(2026, Some(2)).reporting_quarter(d(2026, 1, 3)), 2);
        assert_eq!(quarter_end(2026, 1), Some(d(2026, 3, 31)));
        assert_eq!(quarter_end(2026, 4), Some(d(2026, 12, 31)));
        assert_eq!(quarter_deadline(2026, 1), Some(d(2026, 4, 15)));
        assert!(!overdue(2026, 1, d(2026, 4, 15)));
        assert!(overdue(2026, 1, d(2026, 4, 16)));
        assert!(!overdue(2026, 4, d(2027, 1, 15)));
    }

    /// Every colour the pages may name has its `pk-<hex>` class in app.css.
    #[test]
    fn app_css_has_every_palette_colour() {
        let css = include_str!("../assets/app.css");
        let p = pokin_docs::chart::PALETTE;
        for c in p
            .predicate
            .iter()
            .chain(&p.predicate_tint)
            .chain(&p.neutral)
            .chain(&p.neutral_tint)
        {
            let class = format!(".pk-{}{{background-color:{c}}}", c.trim_start_matches('#'));
            assert!(css.contains(&class), "app.css lacks {class}");
        }
    }
}
