//! Every capaian rule with worked cases, hand-computed in the comments. One row per case; all
//! failing rows are reported together.

use pokin_domain::capaian::{
    Band, BandsError, Capaian, Ceiling, Contribution, IndicatorRule, NegativeFormula, OrdinalScale,
    PeriodEntry, Periodisation, PredicateBands, PredikatAkip, Realisation, RollUpInput, aggregate,
    capaian, higher_is_better, lower_is_better, ordinal, predikat_akip, range_band, range_directed,
    roll_up, roll_up_organisation, year_to_date,
};
use pokin_domain::{
    Aggregation, Code, Indicator, Objective, OrganisationDraft, Polarity, Support, TargetValue,
    Unit, UnitKey, UnitKind,
};

#[derive(Debug)]
enum Expect {
    Pct(f64),
    Melampaui,
    Belum,
    /// Not computable, the reason containing this text.
    Tidak(&'static str),
}
use Expect::*;

fn matches(c: &Capaian, e: &Expect) -> bool {
    match (c, e) {
        (Capaian::Persen(p), Pct(x)) => (p.get() - x).abs() < 1e-9,
        (Capaian::Melampaui, Melampaui) => true,
        (Capaian::BelumDilaporkan, Belum) => true,
        (Capaian::TidakDapatDihitung(why), Tidak(part)) => why.contains(part),
        _ => false,
    }
}

fn check(rows: Vec<(&str, Capaian, Expect)>) {
    let failures: Vec<String> = rows
        .iter()
        .filter(|(_, c, e)| !matches(c, e))
        .map(|(name, c, e)| format!("{name}: got {c:?}, expected {e:?}"))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn num(v: f64) -> TargetValue {
    TargetValue::Number(v)
}
fn band(min: f64, max: f64) -> TargetValue {
    TargetValue::Range { min, max }
}
fn qual(s: &str) -> TargetValue {
    TargetValue::Qualitative(s.into())
}
fn r(v: f64) -> Option<Realisation> {
    Some(Realisation::Number(v))
}
fn rq(s: &str) -> Option<Realisation> {
    Some(Realisation::Qualitative(s.into()))
}

#[test]
fn one_value() {
    let pos = IndicatorRule::new(Polarity::Positive);
    let neg = IndicatorRule::new(Polarity::Negative);
    let inv =
        IndicatorRule::new(Polarity::Negative).with_negative_formula(NegativeFormula::Inverse);
    let rng = IndicatorRule::new(Polarity::Range);
    let c = |rule: &IndicatorRule, t: TargetValue, real: Option<Realisation>| {
        capaian(rule, &t, real.as_ref())
    };
    check(vec![
        // Positive: R / T × 100.
        ("positif 80/100", c(&pos, num(100.0), r(80.0)), Pct(80.0)), // 80/100×100 = 80
        ("positif 120/100", c(&pos, num(100.0), r(120.0)), Pct(120.0)), // not capped here
        ("positif 0/50", c(&pos, num(50.0), r(0.0)), Pct(0.0)),
        ("positif 3/4", c(&pos, num(4.0), r(3.0)), Pct(75.0)),
        // A realisation the wrong way past zero: 5 → −2 is −40%, floored at 0.
        ("positif R<0 dasar 0", c(&pos, num(5.0), r(-2.0)), Pct(0.0)),
        // T < 0 (growth target −2%): 100 + (R − T)/|T| × 100.
        ("positif T<0 R=-1", c(&pos, num(-2.0), r(-1.0)), Pct(150.0)), // 100 + 1/2×100
        ("positif T<0 R=-3", c(&pos, num(-2.0), r(-3.0)), Pct(50.0)),  // 100 − 1/2×100
        ("positif T<0 R=-6", c(&pos, num(-2.0), r(-6.0)), Pct(0.0)),   // 100 − 4/2×100 → 0
        // Negative, default (2T − R)/T × 100.
        ("negatif 8 vs 10", c(&neg, num(10.0), r(8.0)), Pct(120.0)), // (20−8)/10
        ("negatif 12 vs 10", c(&neg, num(10.0), r(12.0)), Pct(80.0)), // (20−12)/10
        ("negatif 20 vs 10", c(&neg, num(10.0), r(20.0)), Pct(0.0)), // (20−20)/10
        ("negatif dasar 0", c(&neg, num(10.0), r(25.0)), Pct(0.0)),  // (20−25)/10 = −50 → 0
        ("negatif T<0", c(&neg, num(-2.0), r(-3.0)), Pct(150.0)),    // 100 − (−3+2)/2×100
        // Negative, alternative T / R × 100.
        ("negatif T/R 10/8", c(&inv, num(10.0), r(8.0)), Pct(125.0)),
        (
            "negatif T/R 10/12,5",
            c(&inv, num(10.0), r(12.5)),
            Pct(80.0),
        ),
        ("negatif T/R R=0", c(&inv, num(10.0), r(0.0)), Melampaui), // no ratio: best possible
        (
            "negatif T/R T<0",
            c(&inv, num(-1.0), r(2.0)),
            Tidak("target negatif"),
        ),
        // Zero targets: never a division by zero.
        ("positif T=0 R=0", c(&pos, num(0.0), r(0.0)), Pct(100.0)),
        ("positif T=0 R>0", c(&pos, num(0.0), r(3.0)), Melampaui),
        ("positif T=0 R<0", c(&pos, num(0.0), r(-1.0)), Pct(0.0)),
        ("negatif T=0 R=0", c(&neg, num(0.0), r(0.0)), Pct(100.0)),
        ("negatif T=0 R>0", c(&neg, num(0.0), r(2.0)), Pct(0.0)),
        ("negatif T=0 R<0", c(&neg, num(0.0), r(-1.0)), Melampaui),
        ("negatif T/R T=0 R=0", c(&inv, num(0.0), r(0.0)), Pct(100.0)),
        ("negatif T/R T=0 R>0", c(&inv, num(0.0), r(2.0)), Pct(0.0)),
        // Range [2, 4] to stay in.
        (
            "rentang di dalam",
            c(&rng, band(2.0, 4.0), r(3.0)),
            Pct(100.0),
        ),
        (
            "rentang batas bawah",
            c(&rng, band(2.0, 4.0), r(2.0)),
            Pct(100.0),
        ),
        (
            "rentang batas atas",
            c(&rng, band(2.0, 4.0), r(4.0)),
            Pct(100.0),
        ),
        (
            "rentang di bawah",
            c(&rng, band(2.0, 4.0), r(1.5)),
            Pct(75.0),
        ), // 1,5/2
        (
            "rentang di atas",
            c(&rng, band(2.0, 4.0), r(5.0)),
            Pct(75.0),
        ), // (8−5)/4
        (
            "rentang jauh di atas",
            c(&rng, band(2.0, 4.0), r(9.0)),
            Pct(0.0),
        ), // (8−9)/4 → 0
        (
            "rentang [0,4] R<0",
            c(&rng, band(0.0, 4.0), r(-1.0)),
            Pct(0.0),
        ),
        (
            "rentang [0,0] R=0",
            c(&rng, band(0.0, 0.0), r(0.0)),
            Pct(100.0),
        ),
        // A single number under polarity rentang is the band [T, T].
        ("rentang T=3 R=3", c(&rng, num(3.0), r(3.0)), Pct(100.0)),
        ("rentang T=3 R=2,4", c(&rng, num(3.0), r(2.4)), Pct(80.0)), // 2,4/3
        ("rentang T=3 R=3,6", c(&rng, num(3.0), r(3.6)), Pct(80.0)), // (6−3,6)/3
        // Range target on a positive indicator (PermenPAN-RB 6/2022 examples).
        (
            "positif [80,90] R=85",
            c(&pos, band(80.0, 90.0), r(85.0)),
            Pct(100.0),
        ),
        (
            "positif [80,90] R=70",
            c(&pos, band(80.0, 90.0), r(70.0)),
            Pct(87.5),
        ), // 70/80
        (
            "positif [80,90] R=92",
            c(&pos, band(80.0, 90.0), r(92.0)),
            Pct(9200.0 / 90.0),
        ), // 102,22
        // Range target on a negative indicator: 7–8 months.
        (
            "negatif [7,8] R=6,5",
            c(&neg, band(7.0, 8.0), r(6.5)),
            Pct(750.0 / 7.0),
        ), // (14−6,5)/7 = 107,14
        (
            "negatif [7,8] R=9",
            c(&neg, band(7.0, 8.0), r(9.0)),
            Pct(87.5),
        ), // (16−9)/8
        (
            "negatif [7,8] R=7,5",
            c(&neg, band(7.0, 8.0), r(7.5)),
            Pct(100.0),
        ),
        (
            "negatif T/R [7,8] R=10",
            c(&inv, band(7.0, 8.0), r(10.0)),
            Pct(80.0),
        ), // 8/10
        // Missing and mismatched values.
        ("belum dilaporkan", c(&pos, num(100.0), None), Belum),
        (
            "belum dilaporkan kualitatif",
            c(&pos, qual("WTP"), None),
            Belum,
        ),
        (
            "angka vs kualitatif",
            c(&pos, num(100.0), rq("WTP")),
            Tidak("realisasi kualitatif"),
        ),
        (
            "kualitatif vs angka",
            c(&pos, qual("WTP"), r(1.0)),
            Tidak("realisasi berupa angka"),
        ),
        (
            "target NaN",
            c(&pos, num(f64::NAN), r(1.0)),
            Tidak("target bukan angka"),
        ),
        (
            "realisasi tak hingga",
            c(&pos, num(1.0), r(f64::INFINITY)),
            Tidak("realisasi bukan"),
        ),
        (
            "rentang terbalik",
            c(&rng, band(5.0, 1.0), r(3.0)),
            Tidak("batas bawah 5"),
        ),
        // Extreme values: never infinite.
        (
            "penyebut amat kecil",
            c(&pos, num(1e-300), r(1e10)),
            Melampaui,
        ), // 1e312 > f64::MAX
        (
            "penyebut amat kecil, negatif",
            c(&neg, num(1e-300), r(1e10)),
            Pct(0.0),
        ),
        (
            "angka amat besar",
            c(&pos, num(1e308), r(1e308)),
            Pct(100.0),
        ),
        ("T<0 amat besar", c(&pos, num(-1e308), r(1e308)), Pct(300.0)), // no R − T overflow
        // Qualitative: Opini BPK TMP(1) < TW(2) < WDP(3) < WTP(4).
        ("BPK WTP/WTP", c(&pos, qual("WTP"), rq("WTP")), Pct(100.0)),
        ("BPK WTP/WDP", c(&pos, qual("WTP"), rq("WDP")), Pct(75.0)), // 3/4
        ("BPK WTP/TMP", c(&pos, qual("WTP"), rq("TMP")), Pct(25.0)), // 1/4
        (
            "BPK WDP/WTP melampaui",
            c(&pos, qual("WDP"), rq("WTP")),
            Pct(100.0),
        ),
        (
            "BPK nama panjang",
            c(&pos, qual("WTP"), rq("wajar  tanpa pengecualian")),
            Pct(100.0),
        ),
        // Predikat SAKIP D(1) < C < CC < B < BB < A(6) < AA(7).
        ("SAKIP A/BB", c(&pos, qual("A"), rq("BB")), Pct(500.0 / 6.0)), // 5/6 = 83,33
        ("SAKIP A/AA", c(&pos, qual("A"), rq("AA")), Pct(100.0)),
        ("SAKIP A/D", c(&pos, qual("A"), rq("d")), Pct(100.0 / 6.0)), // 1/6
        (
            "skala tidak dikenal",
            c(&pos, qual("Baik"), rq("Cukup")),
            Tidak("tidak dikenal"),
        ),
    ]);
}

#[test]
fn generic_ordinal_scale() {
    let scale = OrdinalScale::new("Kategori", ["Kurang", "Cukup", "Baik", "Sangat Baik"]).unwrap();
    let rule = IndicatorRule::default().with_scale(scale.clone());
    check(vec![
        // Baik = 3, Cukup = 2: 2/3.
        (
            "Baik/Cukup",
            ordinal(&scale, "Baik", "Cukup"),
            Pct(200.0 / 3.0),
        ),
        (
            "Baik/Sangat Baik",
            ordinal(&scale, "Baik", "sangat baik"),
            Pct(100.0),
        ),
        (
            "lewat aturan indikator",
            capaian(&rule, &qual("Baik"), rq("Kurang").as_ref()),
            Pct(100.0 / 3.0),
        ),
        (
            "nilai asing",
            ordinal(&scale, "Baik", "Hebat"),
            Tidak("'Hebat' tidak ada pada skala Kategori"),
        ),
    ]);
    assert!(OrdinalScale::new("x", ["A"]).is_err());
    assert!(OrdinalScale::new("x", ["A", "a"]).is_err());
    assert!(OrdinalScale::new("x", ["A", " "]).is_err());
}

#[test]
fn direct_functions_agree() {
    check(vec![
        ("higher_is_better", higher_is_better(100.0, 80.0), Pct(80.0)),
        (
            "lower_is_better",
            lower_is_better(10.0, 12.0, NegativeFormula::Deviation),
            Pct(80.0),
        ),
        ("range_band", range_band(2.0, 4.0, 5.0), Pct(75.0)),
        (
            "range_directed positif",
            range_directed(
                Polarity::Positive,
                NegativeFormula::Deviation,
                80.0,
                90.0,
                70.0,
            ),
            Pct(87.5),
        ),
    ]);
}

#[test]
fn period_aggregation() {
    let k = |v: &[Option<f64>]| aggregate(Aggregation::Kumulatif, v).unwrap();
    let a = |v: &[Option<f64>]| aggregate(Aggregation::NilaiAkhir, v).unwrap();
    let m = |v: &[Option<f64>]| aggregate(Aggregation::RataRata, v).unwrap();
    assert_eq!(k(&[Some(10.0), None, Some(15.0)]), Some(25.0)); // 10 + 15, TW II unreported
    assert_eq!(a(&[Some(40.0), Some(55.0), None]), Some(55.0)); // last reported: TW II
    assert_eq!(m(&[Some(70.0), None, Some(80.0)]), Some(75.0)); // (70 + 80) / 2
    assert_eq!(k(&[None, None]), None);
    assert_eq!(m(&[]), None);
    assert!(aggregate(Aggregation::Kumulatif, &[Some(1e308), Some(1e308)]).is_err());
    // The mean of huge values does not overflow.
    assert_eq!(m(&[Some(1e308), Some(1e308)]), Some(1e308));
}

#[test]
fn year_to_date_with_gaps() {
    let pos = IndicatorRule::new(Polarity::Positive);
    let neg = IndicatorRule::new(Polarity::Negative);
    let tw = Periodisation::Triwulan;
    let p = PeriodEntry::numbers;

    // Kumulatif, 25 per quarter; TW II unreported; s.d. TW III.
    // Same periods: TW I + TW III → R 20 + 30 = 50 against T 25 + 25 = 50 → 100.
    let y = year_to_date(
        &pos,
        Aggregation::Kumulatif,
        tw,
        &[
            p(25.0, Some(20.0)),
            p(25.0, None),
            p(25.0, Some(30.0)),
            p(25.0, Some(99.0)),
        ],
        3,
    );
    assert!(matches(&y.capaian, &Pct(100.0)), "{y:?}");
    assert_eq!(
        (y.used.clone(), y.unreported.clone()),
        (vec![1, 3], vec![2])
    );
    assert_eq!(y.target, Some(num(50.0)));

    // Nilai akhir (cumulative % targets 25/50/75/100), s.d. TW III with TW III unreported:
    // the last reported period is TW II → 45 / 50 = 90.
    let y = year_to_date(
        &pos,
        Aggregation::NilaiAkhir,
        tw,
        &[
            p(25.0, Some(20.0)),
            p(50.0, Some(45.0)),
            p(75.0, None),
            p(100.0, None),
        ],
        3,
    );
    assert!(matches(&y.capaian, &Pct(90.0)), "{y:?}");

    // Rata-rata, target 80 each; TW II unreported: mean R (72 + 84)/2 = 78 vs 80 → 97,5.
    let y = year_to_date(
        &pos,
        Aggregation::RataRata,
        tw,
        &[p(80.0, Some(72.0)), p(80.0, None), p(80.0, Some(84.0))],
        3,
    );
    assert!(matches(&y.capaian, &Pct(97.5)), "{y:?}");

    // Negative kumulatif (accidents): T 5 + 5 = 10, R 3 + 4 = 7 → (20 − 7)/10 = 130.
    let y = year_to_date(
        &neg,
        Aggregation::Kumulatif,
        tw,
        &[p(5.0, Some(3.0)), p(5.0, Some(4.0))],
        2,
    );
    assert!(matches(&y.capaian, &Pct(130.0)), "{y:?}");

    // Nothing reported yet: belum dilaporkan, not 0.
    let y = year_to_date(
        &pos,
        Aggregation::Kumulatif,
        tw,
        &[p(25.0, None), p(25.0, None)],
        2,
    );
    assert_eq!(y.capaian, Capaian::BelumDilaporkan);
    assert_eq!(y.unreported, vec![1, 2]);

    // A realisation without a target, by month.
    let y = year_to_date(
        &pos,
        Aggregation::Kumulatif,
        Periodisation::Bulanan,
        &[
            p(1.0, None),
            p(1.0, None),
            p(1.0, None),
            p(1.0, None),
            PeriodEntry::new(None, r(3.0)),
        ],
        5,
    );
    assert!(
        matches(
            &y.capaian,
            &Tidak("periode yang dilaporkan (Mei) tidak memiliki target")
        ),
        "{y:?}"
    );

    // Range targets aggregate bound by bound: [2,4] + [2,4] = [4,8]; R 3 + 6 = 9 → (16−9)/8.
    let rng = IndicatorRule::new(Polarity::Range);
    let y = year_to_date(
        &rng,
        Aggregation::Kumulatif,
        tw,
        &[
            PeriodEntry::new(Some(band(2.0, 4.0)), r(3.0)),
            PeriodEntry::new(Some(band(2.0, 4.0)), r(6.0)),
        ],
        2,
    );
    assert!(matches(&y.capaian, &Pct(87.5)), "{y:?}");

    // Qualitative: nilai akhir only.
    let q = |t: &str, v: Option<&str>| {
        PeriodEntry::new(Some(qual(t)), v.map(|s| Realisation::Qualitative(s.into())))
    };
    let y = year_to_date(
        &pos,
        Aggregation::NilaiAkhir,
        tw,
        &[q("WTP", Some("WDP")), q("WTP", Some("WTP"))],
        2,
    );
    assert!(matches(&y.capaian, &Pct(100.0)), "{y:?}");
    let y = year_to_date(
        &pos,
        Aggregation::Kumulatif,
        tw,
        &[q("WTP", Some("WDP"))],
        1,
    );
    assert!(matches(&y.capaian, &Tidak("gunakan nilai akhir")), "{y:?}");

    assert_eq!(tw.label(4), "TW IV");
    assert_eq!(Periodisation::Bulanan.label(12), "Desember");
}

#[test]
fn predicate_boundaries() {
    let bands = PredicateBands::default();
    let label = |v: f64| bands.classify(v).unwrap().label;
    let rows = [
        (150.0, "Sangat Tinggi"),
        (91.0, "Sangat Tinggi"),
        (90.996, "Sangat Tinggi"), // displayed 91,00
        (90.5, "Tinggi"),          // between the regulation's 90 and 91: Tinggi = [76, 91)
        (90.99, "Tinggi"),
        (76.0, "Tinggi"),
        (75.99, "Sedang"),
        (75.994, "Sedang"), // displayed 75,99
        (66.0, "Sedang"),
        (65.99, "Rendah"),
        (51.0, "Rendah"),
        (50.99, "Sangat Rendah"),
        (50.5, "Sangat Rendah"),
        (50.0, "Sangat Rendah"),
        (0.0, "Sangat Rendah"),
    ];
    let failures: Vec<String> = rows
        .iter()
        .filter(|(v, l)| label(*v) != *l)
        .map(|(v, l)| format!("{v}: got {}, expected {l}", label(*v)))
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(bands.classify(f64::NAN), None);

    let c80 = higher_is_better(100.0, 80.0);
    assert_eq!(c80.to_string(), "80,00%");
    assert_eq!(c80.describe(&bands), "80,00% (Tinggi)");
    assert_eq!(higher_is_better(3.0, 3700.0).to_string(), "123.333,33%");
    assert_eq!(
        Capaian::Melampaui.describe(&bands),
        "melampaui target (Sangat Tinggi)"
    );
    assert_eq!(
        Capaian::BelumDilaporkan.describe(&bands),
        "belum dilaporkan"
    );
    assert_eq!(Capaian::BelumDilaporkan.predicate(&bands), None);
    let p = c80.predicate(&bands).unwrap();
    assert_eq!((p.level, p.levels), (1, 5));
}

#[test]
fn custom_bands() {
    let bands = PredicateBands::new(vec![
        Band::new("Baik", 85.0),
        Band::new("Cukup", 60.0),
        Band::new("Kurang", 0.0),
    ])
    .unwrap();
    assert_eq!(bands.classify(85.0).unwrap().label, "Baik");
    assert_eq!(bands.classify(84.99).unwrap().label, "Cukup");
    assert_eq!(bands.classify(59.0).unwrap().label, "Kurang");
    assert_eq!(
        higher_is_better(100.0, 90.0).describe(&bands),
        "90,00% (Baik)"
    );

    assert_eq!(PredicateBands::new(vec![]), Err(BandsError::Empty));
    assert!(matches!(
        PredicateBands::new(vec![
            Band::new("A", 50.0),
            Band::new("B", 60.0),
            Band::new("C", 0.0)
        ]),
        Err(BandsError::NotDescending { .. })
    ));
    assert!(matches!(
        PredicateBands::new(vec![Band::new("A", 50.0), Band::new("B", 10.0)]),
        Err(BandsError::LowestNotZero(_))
    ));
    assert!(matches!(
        PredicateBands::new(vec![Band::new("A", 50.0), Band::new("A", 0.0)]),
        Err(BandsError::DuplicateLabel(_))
    ));
    assert!(matches!(
        PredicateBands::new(vec![Band::new("A", f64::NAN), Band::new("B", 0.0)]),
        Err(BandsError::NotFinite(_))
    ));
    assert_eq!(
        BandsError::LowestNotZero("Kurang".into()).to_string(),
        "predikat terendah 'Kurang' harus dimulai dari 0 agar setiap capaian tercakup"
    );
}

#[test]
fn akip_predicate() {
    use PredikatAkip::*;
    let rows = [
        (100.0, AA),
        (90.01, AA),
        (90.0, A),
        (90.004, A), // displayed 90,00
        (80.5, A),
        (80.0, BB),
        (70.01, BB),
        (70.0, B),
        (60.0, CC),
        (50.01, CC),
        (50.0, C),
        (30.01, C),
        (30.0, D),
        (0.0, D),
    ];
    for (v, p) in rows {
        assert_eq!(predikat_akip(v), Some(p), "{v}");
    }
    assert_eq!(predikat_akip(f64::NAN), None);
    assert_eq!(CC.interpretation(), "Cukup (Memadai)");
}

fn pct(v: f64) -> Capaian {
    higher_is_better(100.0, v)
}

#[test]
fn roll_up_rules() {
    let ceiling = Ceiling::default();
    let ru = |items: Vec<(Capaian, f64)>, ceiling: Ceiling| {
        roll_up(
            items
                .into_iter()
                .enumerate()
                .map(|(i, (c, w))| RollUpInput::new(i + 1, c, w)),
            ceiling,
        )
    };
    // Weights 2 and 1: (2×90 + 1×60) / 3 = 80.
    let w = ru(vec![(pct(90.0), 2.0), (pct(60.0), 1.0)], ceiling);
    // Ceiling 120: 150 counts as 120 → (120 + 70) / 2 = 95.
    let cap = ru(vec![(pct(150.0), 1.0), (pct(70.0), 1.0)], ceiling);
    // Melampaui counts as the ceiling: (120 + 80) / 2 = 100.
    let mel = ru(vec![(Capaian::Melampaui, 1.0), (pct(80.0), 1.0)], ceiling);
    // A configured ceiling of 110: (110 + 70) / 2 = 90.
    let cap110 = ru(
        vec![(pct(150.0), 1.0), (pct(70.0), 1.0)],
        Ceiling::new(110.0).unwrap(),
    );
    // Unreported left out: (80 + 100) / 2 = 90, 2 of 3 counted.
    let gap = ru(
        vec![
            (pct(80.0), 1.0),
            (Capaian::BelumDilaporkan, 1.0),
            (pct(100.0), 1.0),
        ],
        ceiling,
    );
    // Weight 0 and uncomputable left out: 70.
    let zero = ru(
        vec![
            (pct(70.0), 1.0),
            (pct(10.0), 0.0),
            (Capaian::TidakDapatDihitung("x".into()), 1.0),
            (pct(10.0), -1.0),
        ],
        ceiling,
    );
    let none = ru(
        vec![
            (Capaian::BelumDilaporkan, 1.0),
            (Capaian::BelumDilaporkan, 2.0),
        ],
        ceiling,
    );
    let weightless = ru(
        vec![(pct(80.0), 0.0), (Capaian::BelumDilaporkan, 1.0)],
        ceiling,
    );
    let empty = ru(vec![], ceiling);
    check(vec![
        ("bobot", w.capaian.clone(), Pct(80.0)),
        ("batas atas 120", cap.capaian.clone(), Pct(95.0)),
        ("melampaui = batas atas", mel.capaian.clone(), Pct(100.0)),
        ("batas atas 110", cap110.capaian.clone(), Pct(90.0)),
        (
            "belum dilaporkan dikecualikan",
            gap.capaian.clone(),
            Pct(90.0),
        ),
        (
            "bobot 0 dan tidak terhitung dikecualikan",
            zero.capaian.clone(),
            Pct(70.0),
        ),
        ("semua belum dilaporkan", none.capaian.clone(), Belum),
        (
            "semua berbobot 0",
            weightless.capaian.clone(),
            Tidak("berbobot 0"),
        ),
        ("kosong", empty.capaian.clone(), Tidak("tidak ada nilai")),
    ]);
    assert_eq!(cap.capped().collect::<Vec<_>>(), vec![&1]);
    assert_eq!(mel.capped().collect::<Vec<_>>(), vec![&1]);
    assert_eq!(
        cap.items[0].contribution,
        Contribution::Used {
            value: 120.0,
            capped: true
        }
    );
    assert_eq!((gap.counted(), gap.total()), (2, 3));
    assert_eq!(gap.unreported().collect::<Vec<_>>(), vec![&2]);
    assert_eq!(gap.coverage("indikator"), "2 dari 3 indikator dihitung");
    assert_eq!(zero.counted(), 1);
    assert_eq!(
        zero.excluded()
            .map(|i| i.contribution.exclusion_reason().unwrap())
            .collect::<Vec<_>>(),
        vec!["bobot 0", "tidak dapat dihitung: x", "bobot tidak sah"]
    );
    assert!(Ceiling::new(99.0).is_err());
    assert!(Ceiling::new(f64::INFINITY).is_err());
}

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).unwrap()
}
fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn unit(k: &str, parent: Option<&str>, objectives: Vec<Objective>) -> Unit {
    Unit {
        key: key(k),
        name: k.to_uppercase(),
        kind: if parent.is_none() {
            UnitKind::Kepala
        } else {
            UnitKind::Bidang
        },
        parent: parent.map(key),
        officials: vec![],
        objectives,
    }
}

fn objective(c: &str, supports: Vec<(&str, &str, f64)>, indicators: &[&str]) -> Objective {
    Objective {
        code: code(c),
        statement: format!("Meningkatnya {c}"),
        supports: supports
            .into_iter()
            .map(|(u, o, weight)| Support {
                unit: key(u),
                objective: code(o),
                weight,
            })
            .collect(),
        indicators: indicators
            .iter()
            .map(|i| Indicator::new(code(i), format!("Persentase {i}")))
            .collect(),
    }
}

#[test]
fn organisation_roll_up() {
    // kepala SS1 (IK1 = 60) is supported by bidang-a SS1 (weight 2) and bidang-b SS1 (weight 1).
    // bidang-a SS1: IK1 = 100, IK2 = 140 (capped 120) → 110; bidang-b SS1: IK1 = 80, IK2 unreported → 80.
    // Supporters' mean beside kepala SS1: (2×110 + 1×80) / 3 = 100 — green children, red parent.
    // bidang-b SS2 has no indicators reported → belum; bidang-b unit = mean(80) = 80.
    let org = OrganisationDraft {
        programs: Vec::new(),
        name: "Dinas Contoh".into(),
        title: None,
        demo: false,
        renstra: None,
        units: vec![
            unit("kepala", None, vec![objective("SS1", vec![], &["IK1"])]),
            unit(
                "bidang-a",
                Some("kepala"),
                vec![objective(
                    "SS1",
                    vec![("kepala", "SS1", 2.0)],
                    &["IK1", "IK2"],
                )],
            ),
            unit(
                "bidang-b",
                Some("kepala"),
                vec![
                    objective("SS1", vec![("kepala", "SS1", 1.0)], &["IK1", "IK2"]),
                    objective("SS2", vec![], &["IK3"]),
                ],
            ),
        ],
    }
    .validate()
    .unwrap();
    let out = roll_up_organisation(&org, Ceiling::default(), |u, o, i| {
        let v = match (u.key.as_str(), o.code.as_str(), i.code.as_str()) {
            ("kepala", _, _) => Some(60.0),
            ("bidang-a", _, "IK1") => Some(100.0),
            ("bidang-a", _, "IK2") => Some(140.0),
            ("bidang-b", "SS1", "IK1") => Some(80.0),
            _ => None,
        };
        let rule = IndicatorRule::for_indicator(i);
        (
            capaian(&rule, &num(100.0), v.map(Realisation::Number).as_ref()),
            1.0,
        )
    });
    let obj = |u: &str, o: &str| out.objective(&key(u), &code(o)).unwrap();
    let kepala = obj("kepala", "SS1");
    let sup = kepala.supporters.as_ref().unwrap();
    check(vec![
        ("kepala SS1", kepala.capaian().clone(), Pct(60.0)),
        (
            "bidang-a SS1",
            obj("bidang-a", "SS1").capaian().clone(),
            Pct(110.0),
        ),
        (
            "bidang-b SS1",
            obj("bidang-b", "SS1").capaian().clone(),
            Pct(80.0),
        ),
        (
            "bidang-b SS2",
            obj("bidang-b", "SS2").capaian().clone(),
            Belum,
        ),
        ("rerata pendukung", sup.capaian.clone(), Pct(100.0)),
        (
            "unit bidang-b",
            out.unit(&key("bidang-b")).unwrap().capaian().clone(),
            Pct(80.0),
        ),
        (
            "unit bidang-a",
            out.unit(&key("bidang-a")).unwrap().capaian().clone(),
            Pct(110.0),
        ),
    ]);
    assert_eq!(sup.total(), 2);
    assert!(obj("bidang-a", "SS1").supporters.is_none());
    assert_eq!(
        obj("bidang-a", "SS1")
            .indicators
            .capped()
            .collect::<Vec<_>>(),
        vec![&code("IK2")]
    );
    assert_eq!(
        out.unit(&key("bidang-b"))
            .unwrap()
            .roll_up
            .coverage("sasaran"),
        "1 dari 2 sasaran dihitung"
    );
}
