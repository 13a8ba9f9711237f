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

/// A large number shortened the Indonesian way for chart axes: `8 M` (miliar), `2,5 T`
/// (triliun), `1,5 jt` (juta); below a million the full number (`250.000`). At most two
/// decimals, trailing zeros dropped.
pub fn compact(v: f64) -> String {
    const SCALES: [(f64, &str); 3] = [(1e12, "T"), (1e9, "M"), (1e6, "jt")];
    for (scale, suffix) in SCALES {
        if v.abs() >= scale {
            return format!("{} {suffix}", number_trimmed(v / scale, 2));
        }
    }
    number_trimmed(v, 2)
}

// ---------------------------------------------------------------------------------------------
// Reading numbers and values typed by people (forms, workbooks, the CLI).

/// An Indonesian or plain number: `85,5`, `1.250.000`, `1.250.000,75`, `85.5`, `-3`.
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    let (sign, digits) = t.strip_prefix('-').map_or(("", t.as_str()), |r| ("-", r));
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let (int, frac) = match digits.split_once(',') {
        Some((i, f)) if !f.contains(',') && !f.contains('.') && !f.is_empty() => (i, Some(f)),
        Some(_) => return None,
        None => (digits, None),
    };
    let groups: Vec<&str> = int.split('.').collect();
    let thousands = groups.len() > 1
        && (frac.is_some() || groups.len() > 2 || groups[0] != "0")
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    let plain = if thousands {
        format!(
            "{}{}",
            groups.concat(),
            frac.map_or(String::new(), |f| format!(".{f}"))
        )
    } else if groups.len() == 2 && frac.is_none() {
        // One dot that does not group thousands: a decimal point (`85.5`).
        int.to_owned()
    } else if groups.len() == 1 {
        format!("{int}{}", frac.map_or(String::new(), |f| format!(".{f}")))
    } else {
        return None;
    };
    if plain.starts_with('.') || plain.ends_with('.') {
        return None;
    }
    format!("{sign}{plain}")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// A target or baseline as typed: empty (none), a number (`85,5`), a band (`80–90`, `80 - 90`)
/// or a qualitative value (`WTP`). Text made only of digits and separators must be a number.
pub fn parse_value(s: &str) -> Result<Option<TargetValue>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(n) = parse_number(t) {
        return Ok(Some(TargetValue::Number(n)));
    }
    let band = ['–', '—', '-']
        .iter()
        .filter_map(|sep| {
            // Skip a leading minus sign when looking for the separator.
            let start = usize::from(t.starts_with('-'));
            let at = t[start..].find(*sep)? + start;
            Some((t[..at].trim(), t[at + sep.len_utf8()..].trim()))
        })
        .find_map(|(a, b)| Some((parse_number(a)?, parse_number(b)?)));
    if let Some((min, max)) = band {
        if min > max {
            return Err(format!(
                "rentang '{t}' terbalik: batas bawah harus lebih kecil dari batas atas, \
                 misalnya 80–90."
            ));
        }
        return Ok(Some(TargetValue::Range { min, max }));
    }
    let numeric_looking = t
        .chars()
        .all(|c| c.is_ascii_digit() || ".,-–— %".contains(c));
    if numeric_looking {
        return Err(format!(
            "'{t}' bukan angka yang sah: gunakan koma untuk desimal (85,5), titik untuk ribuan \
             (1.250.000), atau rentang seperti 80–90."
        ));
    }
    // What a program reads as a number but people do not write (NaN, infinities, exponents
    // such as 1e400) is neither a number nor a qualitative value.
    if t.parse::<f64>().is_ok() {
        return Err(format!(
            "'{t}' bukan angka yang dapat dipakai: tulis angka biasa seperti 85,5 atau \
             1.250.000 (tanpa NaN, tak hingga atau notasi e)."
        ));
    }
    Ok(Some(TargetValue::Qualitative(t.to_owned())))
}

/// A value as the forms show it again: `85,5`, `80–90`, `WTP`.
pub fn value_text(v: &TargetValue) -> String {
    match v {
        TargetValue::Number(n) => number_trimmed(*n, 6).replace('.', ""),
        TargetValue::Range { min, max } => format!(
            "{}–{}",
            number_trimmed(*min, 6).replace('.', ""),
            number_trimmed(*max, 6).replace('.', "")
        ),
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

    #[test]
    fn numbers_the_indonesian_way() {
        assert_eq!(parse_number("85,5"), Some(85.5));
        assert_eq!(parse_number("85.5"), Some(85.5));
        assert_eq!(parse_number("1.250.000"), Some(1_250_000.0));
        assert_eq!(parse_number("1.250.000,75"), Some(1_250_000.75));
        assert_eq!(parse_number("1.000"), Some(1000.0));
        assert_eq!(parse_number("0.125"), Some(0.125));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("12,3,4"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number(","), None);
    }

    #[test]
    fn values() {
        assert_eq!(parse_value(""), Ok(None));
        assert_eq!(parse_value("85,5"), Ok(Some(TargetValue::Number(85.5))));
        assert_eq!(
            parse_value("80–90"),
            Ok(Some(TargetValue::Range {
                min: 80.0,
                max: 90.0
            }))
        );
        assert_eq!(
            parse_value("2,5 - 3,5"),
            Ok(Some(TargetValue::Range { min: 2.5, max: 3.5 }))
        );
        assert_eq!(
            parse_value("WTP"),
            Ok(Some(TargetValue::Qualitative("WTP".into())))
        );
        assert!(parse_value("12,3,4").is_err());
        for odd in [
            "NaN", "nan", "inf", "-inf", "Infinity", "1e400", "+5", "1E5",
        ] {
            assert!(parse_value(odd).is_err(), "{odd}");
        }
        assert!(parse_value("90–80").is_err());
        assert_eq!(value_text(&TargetValue::Number(85.5)), "85,5");
        assert_eq!(value_text(&TargetValue::Number(1_250_000.0)), "1250000");
    }

    #[test]
    fn compact_numbers_for_axes() {
        assert_eq!(compact(8e9), "8 M");
        assert_eq!(compact(2.5e12), "2,5 T");
        assert_eq!(compact(1_500_000.0), "1,5 jt");
        assert_eq!(compact(-750_000_000.0), "-750 jt");
        assert_eq!(compact(250_000.0), "250.000");
        assert_eq!(compact(0.0), "0");
    }
}
