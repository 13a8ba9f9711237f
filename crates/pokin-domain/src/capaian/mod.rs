//! The arithmetic of achievement (*capaian*): how far a realisation reached its target, how
//! periods add up to a year, which predicate a percentage earns, and how indicators roll up to
//! objectives and units. Pure functions; every rule below is tested row by row in
//! `tests/capaian_table.rs` and its invariants in `tests/capaian_props.rs`.
//!
//! # Results are never NaN, never infinite, never a silent 0
//!
//! Every computation returns a [`Capaian`]:
//! [`Capaian::Persen`] (a finite percentage ≥ 0, see [`Percent`]),
//! [`Capaian::Melampaui`] (the realisation passed the target where no ratio exists, e.g. a zero
//! target),
//! [`Capaian::BelumDilaporkan`] (no realisation yet — *not* 0) or
//! [`Capaian::TidakDapatDihitung`] with the reason in Indonesian.
//!
//! # One value ([`capaian`], [`higher_is_better`], [`lower_is_better`], [`range_band`], [`range_directed`], [`ordinal`])
//!
//! Written `T` for the target and `R` for the realisation, both finite.
//!
//! | rule | formula | source |
//! |---|---|---|
//! | positive polarity (higher is better), `T > 0` | `R / T × 100` | PermenPAN-RB 6/2022, Lampiran Bab VI A.1.b.1)(e) "kondisi normal"; Permendagri 86/2017 evaluasi hasil Renja, kolom 15 = realisasi / target × 100 |
//! | negative polarity (lower is better), default [`NegativeFormula::Deviation`] | `(2T − R) / T × 100`, floored at 0 | PermenPAN-RB 6/2022, Bab VI A.1.b.1)(g) "kondisi khusus": `(1 + (1 − R/T)) × 100%` |
//! | negative polarity, per-indicator [`NegativeFormula::Inverse`] | `T / R × 100`; `R ≤ 0` with `T > 0` → [`Capaian::Melampaui`] | common LKjIP practice, chosen per indicator in its manual IK |
//! | any result below 0 (a realisation the wrong way past zero) | 0 | the floor of the negative formula, applied to all formulas so that capaian is never negative |
//! | range target `[a, b]`, polarity *rentang* (stabilise: the band is the goal) | inside → 100; `R < a` → `R / a × 100`; `R > b` → `(2b − R) / b × 100` floored at 0 | PermenPAN-RB 6/2022 note to (e) and (g): "realisasi lebih besar dari target → batas atas; lebih kecil → batas bawah"; outside the band both ways is a miss, so below uses the positive formula against `a` and above the negative formula against `b` |
//! | range target `[a, b]`, positive polarity | inside → 100; `R < a` → `R / a × 100`; `R > b` → `R / b × 100` (may exceed 100) | PermenPAN-RB 6/2022 examples: target 80–90%, R 70% → `70/80` = 87,5%; R 92% → `92/90` (102,22%; the copy consulted prints 113%) |
//! | range target `[a, b]`, negative polarity | inside → 100; `R < a` → negative formula against `a` (> 100); `R > b` → against `b` (< 100) | PermenPAN-RB 6/2022 example: target 7–8 months, R 6,5 → 107,14%; R 9 → 87,5% |
//! | single-number target, polarity *rentang* | the band `[T, T]` | — |
//! | positive, `T = 0` | `R = 0` → 100; `R > 0` → [`Capaian::Melampaui`]; `R < 0` → 0 | no ratio exists; never a division by zero |
//! | negative (`(2T − R)/T`), `T = 0` | `R = 0` → 100; `R > 0` → 0; `R < 0` → [`Capaian::Melampaui`] | as above |
//! | negative (`T / R`), `T = 0` | `R = 0` → 100; `R > 0` → 0; `R < 0` → [`Capaian::Melampaui`] | as above |
//! | negative (`T / R`), `T < 0` | [`Capaian::TidakDapatDihitung`] | the ratio flips meaning below zero |
//! | `T < 0` (positive / deviation formulas) | `100 + (R − T) / abs(T) × 100` (positive), `100 − (R − T) / abs(T) × 100` (negative), floored at 0 | the regulation assumes `T > 0`; this deviation form equals its formulas for `T > 0` and keeps the direction for `T < 0` (e.g. a growth target of −2%) |
//! | a ratio too large to represent (e.g. `T = 1e-300`) | [`Capaian::Melampaui`] (or 0 when it is a miss) | never infinite |
//! | no realisation | [`Capaian::BelumDilaporkan`] | DESIGN.md: "belum dilaporkan", not 0 |
//! | target or realisation not a finite number, range with `a > b`, number against text | [`Capaian::TidakDapatDihitung`] with the reason | — |
//! | qualitative target (Opini BPK `TMP < TW < WDP < WTP`, predikat SAKIP `D < C < CC < B < BB < A < AA`, or any [`OrdinalScale`]) | rank of `R` ≥ rank of `T` → 100; otherwise `rank(R) / rank(T) × 100`, ranks counted from 1 at the worst level | reaching the promised opinion or predicate is full achievement; below it, the share of the ladder climbed |
//!
//! # Periods ([`aggregate`], [`year_to_date`])
//!
//! - *kumulatif*: the sum of the reported periods (counts);
//! - *nilai akhir*: the last reported period (percentages, indices);
//! - *rata-rata*: the mean of the reported periods.
//! - Year-to-date (`s.d. TW II`, `s.d. Mei`): the aggregate of the realisations against the
//!   aggregate of the targets **of the same periods**, i.e. the elapsed periods that have both a
//!   realisation and a target. An elapsed period without a realisation is left out on both sides
//!   and listed as unreported (it never counts as 0); one without a target is listed too.
//!   Qualitative values only aggregate as *nilai akhir*.
//!
//! # Predicates ([`PredicateBands`], [`predikat_akip`])
//!
//! - Permendagri 86/2017 (Lampiran, kriteria tingkat capaian kinerja): Sangat Tinggi ≥ 91,
//!   Tinggi 76–90, Sedang 66–75, Rendah 51–65, Sangat Rendah ≤ 50. The regulation writes integer
//!   bounds; here each band starts at its lower bound (inclusive) and runs up to the next band's,
//!   so Tinggi is `[76, 91)`. The band is chosen from the percentage **as displayed** (rounded to
//!   two decimals), so what a reader sees always matches its predicate: `90,50%` is Tinggi,
//!   `90,996…` shows as `91,00%` and is Sangat Tinggi, `75,99%` is Sedang.
//!   Organisations may configure their own bands (validated: ordered, the lowest starting at 0).
//! - [`Capaian::Melampaui`] earns the highest band.
//! - Evaluasi AKIP (PermenPAN-RB 88/2021): AA > 90, A > 80, BB > 70, B > 60, CC > 50, C > 30,
//!   D ≤ 30, on the score as displayed (two decimals): 90,00 is A, 90,01 is AA.
//!
//! # Roll-up ([`roll_up`], [`roll_up_organisation`])
//!
//! - Objective: the weighted mean of its indicators' capaian, each capped at the
//!   [`Ceiling`] (default 120, as DESIGN.md; the same 120 PermenPAN-RB 6/2022 gives as the highest
//!   *nilai capaian IKI*) so one over-achievement cannot hide a miss. [`Capaian::Melampaui`] counts
//!   as the ceiling. Unreported and uncomputable indicators are left out and listed; weight 0
//!   leaves an indicator out too.
//! - Unit: the (unweighted) mean of its objectives' capaian.
//! - Beside each objective: the mean of the objectives that support it (cascade and crosscutting
//!   links), weighted by each link's weight.
//! - The result is always between the smallest and the largest of the capped inputs.

mod aggregate;
mod predicate;
mod rollup;
mod scale;
mod value;

pub(crate) use aggregate::aggregate_reported;
pub use aggregate::{Overflow, PeriodEntry, Periodisation, YearToDate, aggregate, year_to_date};
pub use predicate::{Band, BandsError, Predicate, PredicateBands, PredikatAkip, predikat_akip};
pub use rollup::{
    Ceiling, CeilingError, Contribution, ObjectiveCapaian, ObjectiveRef, OrganisationCapaian,
    RollUp, RollUpInput, RollUpItem, UnitCapaian, roll_up, roll_up_organisation,
};
pub use scale::{OrdinalScale, ScaleError, ordinal};
pub use value::{
    Capaian, IndicatorRule, NegativeFormula, Percent, Realisation, capaian, higher_is_better,
    lower_is_better, range_band, range_directed,
};
