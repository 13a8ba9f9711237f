//! Invariants of the capaian arithmetic over arbitrary finite inputs, extremes included.

use pokin_domain::Aggregation;
use pokin_domain::Polarity;
use pokin_domain::capaian::{
    Band, Capaian, Ceiling, Contribution, IndicatorRule, NegativeFormula, PeriodEntry,
    Periodisation, PredicateBands, RollUpInput, higher_is_better, lower_is_better, predikat_akip,
    range_band, range_directed, roll_up, year_to_date,
};
use proptest::prelude::*;

/// Finite numbers: ordinary ones, small integers, zero, and the extremes (1e308, subnormals).
fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -1e4..1e4f64,
        2 => (-20i32..20).prop_map(f64::from),
        1 => Just(0.0),
        1 => prop_oneof![Just(1e308), Just(-1e308), Just(f64::MAX), Just(f64::MIN), Just(1e-300), Just(-1e-300), Just(f64::MIN_POSITIVE), Just(5e-324)],
        2 => prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
    ]
}

fn formula() -> impl Strategy<Value = NegativeFormula> {
    prop_oneof![
        Just(NegativeFormula::Deviation),
        Just(NegativeFormula::Inverse)
    ]
}

fn polarity() -> impl Strategy<Value = Polarity> {
    prop_oneof![
        Just(Polarity::Positive),
        Just(Polarity::Negative),
        Just(Polarity::Range)
    ]
}

/// Never NaN, never infinite; the display never shows either.
fn sane(c: &Capaian) -> Result<(), TestCaseError> {
    if let Capaian::Persen(p) = c {
        prop_assert!(p.get().is_finite() && p.get() >= 0.0, "{:?}", c);
    }
    let s = c.to_string();
    prop_assert!(
        !s.contains("NaN") && !s.contains("inf") && s != "-",
        "{}",
        s
    );
    Ok(())
}

fn key(c: &Capaian) -> f64 {
    c.order_key().expect("a computable capaian")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn positive_grows_with_realisation(t in finite(), a in finite(), b in finite()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (cl, ch) = (higher_is_better(t, lo), higher_is_better(t, hi));
        sane(&cl)?;
        sane(&ch)?;
        prop_assert!(key(&cl) <= key(&ch), "T={} R={} → {:?}, R={} → {:?}", t, lo, cl, hi, ch);
    }

    #[test]
    fn negative_falls_with_realisation(t in finite(), a in finite(), b in finite(), f in formula()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (cl, ch) = (lower_is_better(t, lo, f), lower_is_better(t, hi, f));
        sane(&cl)?;
        sane(&ch)?;
        if f == NegativeFormula::Inverse && t < 0.0 {
            prop_assert!(matches!(cl, Capaian::TidakDapatDihitung(_)));
            prop_assert!(matches!(ch, Capaian::TidakDapatDihitung(_)));
        } else {
            prop_assert!(key(&cl) >= key(&ch), "T={} R={} → {:?}, R={} → {:?}", t, lo, cl, hi, ch);
        }
    }

    #[test]
    fn range_band_peaks_inside(x in finite(), y in finite(), r in finite()) {
        let (min, max) = if x <= y { (x, y) } else { (y, x) };
        let c = range_band(min, max, r);
        sane(&c)?;
        let v = key(&c);
        prop_assert!(v <= 100.0, "{:?}", c);
                if (min..=max).contains(&r) {
            prop_assert_eq!(v, 100.0);
        }
    }

    #[test]
    fn directed_ranges_are_monotone(x in finite(), y in finite(), a in finite(), b in finite(), f in formula()) {
        let (min, max) = if x <= y { (x, y) } else { (y, x) };
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let p = (range_directed(Polarity::Positive, f, min, max, lo), range_directed(Polarity::Positive, f, min, max, hi));
        sane(&p.0)?;
        sane(&p.1)?;
        prop_assert!(key(&p.0) <= key(&p.1), "{:?}", p);
        let n = (range_directed(Polarity::Negative, f, min, max, lo), range_directed(Polarity::Negative, f, min, max, hi));
        sane(&n.0)?;
        sane(&n.1)?;
        if let (Some(l), Some(h)) = (n.0.order_key(), n.1.order_key()) {
            prop_assert!(l >= h, "{:?}", n);
        }
    }

    #[test]
    fn never_nan_for_any_input(
        t in prop_oneof![finite(), Just(f64::NAN), Just(f64::INFINITY)],
        r in prop_oneof![finite(), Just(f64::NAN), Just(f64::NEG_INFINITY)],
        f in formula(),
    ) {
        sane(&higher_is_better(t, r))?;
        sane(&lower_is_better(t, r, f))?;
        sane(&range_band(t, r, t))?;
        sane(&range_band(r.min(t), r.max(t), 0.0))?;
    }

    #[test]
    fn year_to_date_is_sane(
        periods in prop::collection::vec((prop::option::of(finite()), prop::option::of(finite())), 0..13),
        elapsed in 0usize..13,
        agg in prop_oneof![Just(Aggregation::Kumulatif), Just(Aggregation::NilaiAkhir), Just(Aggregation::RataRata)],
        pol in polarity(),
        f in formula(),
    ) {
        let entries: Vec<PeriodEntry> = periods
            .iter()
            .map(|(t, r)| PeriodEntry::new(t.map(pokin_domain::TargetValue::Number), r.map(pokin_domain::capaian::Realisation::Number)))
            .collect();
        let rule = IndicatorRule::new(pol).with_negative_formula(f);
        let y = year_to_date(&rule, agg, Periodisation::Bulanan, &entries, elapsed);
        sane(&y.capaian)?;
        let n = elapsed.min(entries.len());
        prop_assert_eq!(y.used.len() + y.unreported.len() + y.without_target.len(), n);
        let any_reported = periods.iter().take(n).any(|(_, r)| r.is_some());
        prop_assert_eq!(y.capaian == Capaian::BelumDilaporkan, !any_reported);
    }

    #[test]
    fn roll_up_lies_between_capped_inputs(
        items in prop::collection::vec((
            prop_oneof![
                4 => (0.0..1e6f64).prop_map(|v| higher_is_better(100.0, v)),
                1 => Just(Capaian::Melampaui),
                1 => Just(Capaian::BelumDilaporkan),
                1 => Just(Capaian::TidakDapatDihitung("x".into())),
            ],
            prop_oneof![4 => 0.0..10.0f64, 1 => Just(0.0), 1 => Just(1e308), 1 => Just(5e-324), 1 => Just(-1.0)],
        ), 0..12),
        ceiling in 100.0..1000.0f64,
    ) {
        let ceiling = Ceiling::new(ceiling).unwrap();
        let out = roll_up(items.iter().cloned().enumerate().map(|(i, (c, w))| RollUpInput::new(i, c, w)), ceiling);
        sane(&out.capaian)?;
        let used: Vec<f64> = out.items.iter().filter_map(|i| match i.contribution {
            Contribution::Used { value, .. } => Some(value),
            _ => None,
        }).collect();
        for v in &used {
            prop_assert!(*v <= ceiling.get());
        }
        match out.capaian.persen() {
            Some(m) => {
                let lo = used.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = used.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(lo <= m && m <= hi, "{} not in [{}, {}]", m, lo, hi);
            }
            None => prop_assert!(used.is_empty()),
        }
        prop_assert_eq!(out.counted(), used.len());
        prop_assert_eq!(out.total(), items.len());
    }

    #[test]
    fn predicate_is_monotone(a in -10.0..200.0f64, b in -10.0..200.0f64, cuts in prop::collection::btree_set(1u32..200, 0..6)) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let default = PredicateBands::default();
        prop_assert!(default.classify(lo).unwrap().level >= default.classify(hi).unwrap().level);
        // Any valid custom bands too.
        let mut bands: Vec<Band> = cuts.iter().rev().map(|c| Band::new(format!("P{c}"), f64::from(*c) / 2.0)).collect();
        bands.push(Band::new("Terendah", 0.0));
        let custom = PredicateBands::new(bands).unwrap();
        prop_assert!(custom.classify(lo).unwrap().level >= custom.classify(hi).unwrap().level);
        prop_assert!(predikat_akip(lo) <= predikat_akip(hi));
    }

    #[test]
    fn predicate_follows_capaian(t in finite(), a in finite(), b in finite()) {
        // Through the arithmetic: more realisation never means a lower predicate (positive).
        let bands = PredicateBands::default();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let pl = higher_is_better(t, lo).predicate(&bands).unwrap().level;
        let ph = higher_is_better(t, hi).predicate(&bands).unwrap().level;
        prop_assert!(pl >= ph);
    }
}
