//! Invariants of an indicator's capaian over a year (`measure::indicator_measure`): never NaN or
//! infinite for any periods, unreported periods never count as 0, and the year's kumulatif
//! capaian of a higher-is-better count is exactly Σ R / T × 100.

use pokin_domain::capaian::{Capaian, Realisation};
use pokin_domain::measure::{IndicatorYear, Span, indicator_measure};
use pokin_domain::{Aggregation, Code, Indicator, Polarity, TargetValue};
use proptest::prelude::*;

fn indicator(polarity: Polarity, aggregation: Aggregation, yearly: Option<f64>) -> Indicator {
    let mut i = Indicator::new(Code::parse("IK1").unwrap(), "Jumlah layanan");
    i.polarity = Some(polarity);
    i.aggregation = Some(aggregation);
    if let Some(t) = yearly {
        i.targets.insert(2026, TargetValue::Number(t));
    }
    i
}

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        1 => Just(None),
        4 => (-1e6..1e6f64).prop_map(Some),
        1 => prop_oneof![Just(Some(0.0)), Just(Some(1e300)), Just(Some(-1e300)), Just(Some(5e-324))],
    ]
}

fn polarity() -> impl Strategy<Value = Polarity> {
    prop_oneof![
        Just(Polarity::Positive),
        Just(Polarity::Negative),
        Just(Polarity::Range)
    ]
}

fn aggregation() -> impl Strategy<Value = Aggregation> {
    prop_oneof![
        Just(Aggregation::Kumulatif),
        Just(Aggregation::NilaiAkhir),
        Just(Aggregation::RataRata)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_year_is_sane(
        p in polarity(), a in aggregation(), yearly in value(),
        targets in prop::collection::vec(value(), 0..5),
        reals in prop::collection::vec(value(), 0..5),
        q in 0u8..6,
    ) {
        let ind = indicator(p, a, yearly);
        let data = IndicatorYear {
            targets: targets.iter().map(|t| t.map(TargetValue::Number)).collect(),
            realisations: reals.iter().map(|r| r.map(Realisation::Number)).collect(),
        };
        let span = if q == 0 { Span::Year } else { Span::UpToQuarter(q) };
        let m = indicator_measure(&ind, 2026, span, Some(&data));
        if let Capaian::Persen(x) = &m.capaian {
            prop_assert!(x.get().is_finite() && x.get() >= 0.0);
        }
        prop_assert!(!m.capaian.to_string().contains("NaN"));
        // Nothing reported in the span: "belum dilaporkan" or not computable, never a number.
        let elapsed = if q == 0 { 4 } else { usize::from(q.min(4)) };
        if reals.iter().take(elapsed).all(Option::is_none) {
            prop_assert!(m.capaian.persen().is_none(), "{:?}", m.capaian);
        }
    }

    #[test]
    fn kumulatif_year_is_the_sum_against_the_year_target(
        t in 1.0..1e6f64,
        reals in prop::collection::vec(prop::option::of(0.0..1e5f64), 4),
    ) {
        let ind = indicator(Polarity::Positive, Aggregation::Kumulatif, Some(t));
        let data = IndicatorYear {
            targets: vec![],
            realisations: reals.iter().map(|r| r.map(Realisation::Number)).collect(),
        };
        let m = indicator_measure(&ind, 2026, Span::Year, Some(&data));
        let reported: Vec<f64> = reals.iter().flatten().copied().collect();
        if reported.is_empty() {
            prop_assert_eq!(m.capaian, Capaian::BelumDilaporkan);
        } else {
            let want = reported.iter().sum::<f64>() / t * 100.0;
            let got = m.capaian.persen().unwrap();
            prop_assert!((got - want).abs() <= 1e-9 * want.max(1.0), "{} vs {}", got, want);
            let unreported: Vec<usize> = (0..4).filter(|i| reals[*i].is_none()).map(|i| i + 1).collect();
            prop_assert_eq!(m.unreported, unreported);
        }
    }
}
