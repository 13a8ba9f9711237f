//! Writing XML text safely.

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
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt; "
        );
        assert_eq!(escape("é\u{fffe}x\u{ffff}\n–"), "é x \n–");
    }
}
