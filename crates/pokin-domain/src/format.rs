//! The one place that writes numbers and dates the Indonesian way: `1.234,56`, `Rp 1.234.567`,
//! `28 November 2026`. Every page, document and CLI line goes through here.

use crate::org::TargetValue;
use chrono::{Datelike, NaiveDate};

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `v` with `decimals` places, `.` between thousands and `,` before the decimals.
/// Non-finite values (which valid data never holds) print as `-`.
pub fn number(v: f64, decimals: u8) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let s = format!("{:.*}", usize::from(decimals), v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    let negative = v < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    if negative {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// A number with as many decimals as it needs, up to `max_decimals` (`12,5`, `80`).
pub fn number_trimmed(v: f64, max_decimals: u8) -> String {
    let s = number(v, max_decimals);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_owned()
    } else {
        s
    }
}

/// `Rp 1.234.567` (rounded to the rupiah).
pub fn rupiah(v: f64) -> String {
    format!("Rp {}", number(v, 0))
}

/// `28 November 2026`.
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A target or baseline with its satuan: `85,5%`, `Rp 1.250.000.000`, `3–5 indeks`, `WTP`.
pub fn target(v: &TargetValue, satuan: Option<&str>, decimals: Option<u8>) -> String {
    let d = decimals.unwrap_or(2);
    let with_unit = |n: String| match satuan {
        Some("%") => format!("{n}%"),
        Some("Rp") => format!("Rp {n}"),
        Some(s) => format!("{n} {s}"),
        None => n,
    };
    match v {
        TargetValue::Number(n) if satuan == Some("Rp") => rupiah(*n),
        TargetValue::Number(n) => with_unit(number_trimmed(*n, d)),
        TargetValue::Range { min, max } => with_unit(format!(
            "{}–{}",
            number_trimmed(*min, d),
            number_trimmed(*max, d)
        )),
        TargetValue::Qualitative(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers() {
        assert_eq!(number(1234.56, 2), "1.234,56");
        assert_eq!(number(0.0, 0), "0");
        assert_eq!(number(-1234567.0, 0), "-1.234.567");
        assert_eq!(number(-0.001, 2), "0,00");
        assert_eq!(number(999.999, 2), "1.000,00");
        assert_eq!(number_trimmed(12.5, 2), "12,5");
        assert_eq!(number_trimmed(80.0, 2), "80");
        assert_eq!(rupiah(1234567.4), "Rp 1.234.567");
        assert_eq!(number(f64::NAN, 2), "-");
    }

    #[test]
    fn dates() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            "28 November 2026"
        );
    }

    #[test]
    fn targets() {
        assert_eq!(target(&TargetValue::Number(85.5), Some("%"), None), "85,5%");
        assert_eq!(
            target(&TargetValue::Number(1.25e9), Some("Rp"), None),
            "Rp 1.250.000.000"
        );
        assert_eq!(
            target(&TargetValue::Number(12.0), Some("orang"), Some(0)),
            "12 orang"
        );
        assert_eq!(
            target(&TargetValue::Range { min: 2.0, max: 4.0 }, Some("%"), None),
            "2–4%"
        );
        assert_eq!(
            target(&TargetValue::Qualitative("WTP".into()), None, None),
            "WTP"
        );
    }

    proptest! {
        /// Reading the Indonesian form back gives the same value as the usual rounding.
        #[test]
        fn number_reads_back(v in -1e12f64..1e12, d in 0u8..4) {
            let s = number(v, d);
            let back: f64 = s.replace('.', "").replace(',', ".").parse().unwrap();
            let expected: f64 = format!("{:.*}", usize::from(d), v).parse().unwrap();
            prop_assert!((back - expected).abs() < 1e-9, "{} -> {} vs {}", v, s, expected);
            // Thousands separators only every three digits.
            let int = s.trim_start_matches('-').split(',').next().unwrap();
            prop_assert!(int.split('.').skip(1).all(|g| g.len() == 3));
        }
    }
}
