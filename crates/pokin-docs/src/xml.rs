//! Writing XML text safely.

use std::fmt;

/// A coordinate with one decimal (no `-0.0`).
pub(crate) struct F(pub(crate) f64);

impl fmt::Display for F {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Integer arithmetic into a stack buffer: much faster than float formatting, and the
        // same digits.
        let tenths = (self.0 * 10.0).round() as i64;
        let mut t = tenths.unsigned_abs();
        let mut buf = [0u8; 24];
        let mut i = buf.len();
        i -= 1;
        buf[i] = b'0' + (t % 10) as u8;
        i -= 1;
        buf[i] = b'.';
        t /= 10;
        loop {
            i -= 1;
            buf[i] = b'0' + (t % 10) as u8;
            t /= 10;
            if t == 0 {
                break;
            }
        }
        if tenths < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        f.write_str(std::str::from_utf8(&buf[i..]).map_err(|_| fmt::Error)?)
    }
}

/// Appends `s` escaped for XML text and attribute values (both quote kinds), dropping
/// characters that XML 1.0 forbids (control characters other than tab, newline and return,
/// and U+FFFE/U+FFFF) in favour of a space.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    // Copy runs of ordinary text in one go; everything to replace is ASCII, or U+FFFE/U+FFFF
    // (EF BF BE / EF BF BF in UTF-8), so byte positions are always character boundaries.
    let bytes = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f => (" ", 1),
            0xef if bytes.get(i + 1) == Some(&0xbf)
                && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) =>
            {
                (" ", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        i += len;
        last = i;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped (see [`push_escaped`]).
#[cfg(test)]
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal() {
        assert_eq!(F(1.0).to_string(), "1.0");
        assert_eq!(F(-0.04).to_string(), "0.0");
        assert_eq!(F(12.345).to_string(), "12.3");
        assert_eq!(F(-3.26).to_string(), "-3.3");
        assert_eq!(F(-0.26).to_string(), "-0.3");
        assert_eq!(F(1234567.89).to_string(), "1234567.9");
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt; "
        );
        assert_eq!(escape("é\u{fffe}x\u{ffff}\n–"), "é x \n–");
    }
}
