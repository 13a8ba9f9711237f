//! Approximate text metrics for laying out text without a font engine.
//!
//! Widths are the advance widths of **DejaVu Sans** (regular and bold), in thousandths of an em,
//! for printable ASCII, read from the font files once. DejaVu Sans is the widest of the usual
//! sans-serif faces (Verdana-like), so text measured here also fits when a viewer substitutes
//! Liberation Sans, Arial or Helvetica (about 10 % narrower). Kerning is ignored, which only
//! overestimates. Characters outside ASCII get a conservative width.
//!
//! Every document that places text (SVG today, PDF later) measures and wraps through here, so a
//! line that fits here fits in every output.

/// Regular advance widths for `' '..='~'`.
const REGULAR: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318,
    337, // ␠!"#$%&'()*+,-./
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838,
    531, // 0-9:;<=>?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, // @A-O
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, // P-Z[\]^_
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, // `a-o
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, // p-z{|}~
];

/// Bold advance widths for `' '..='~'`.
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380,
    365, // ␠!"#$%&'()*+,-./
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838,
    580, // 0-9:;<=>?
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, // @A-O
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, // P-Z[\]^_
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, // `a-o
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838, // p-z{|}~
];

/// The advance of one character in thousandths of an em.
fn advance(c: char, bold: bool) -> u16 {
    let table = if bold { &BOLD } else { &REGULAR };
    match c {
        ' '..='~' => table[c as usize - 0x20],
        '\u{a0}' => table[0],
        '–' | '‒' | '°' => 500,
        '—' | '…' => 1000,
        '‘' | '’' | '‚' => {
            if bold {
                380
            } else {
                318
            }
        }
        '“' | '”' | '„' => {
            if bold {
                657
            } else {
                518
            }
        }
        '•' | '·' => 640,
        '×' | '÷' | '±' | '≤' | '≥' | '≠' => 838,
        // Latin letters with diacritics: as wide as the widest common letters.
        '\u{c0}'..='\u{24f}' => {
            if bold {
                860
            } else {
                800
            }
        }
        // Everything else (CJK, symbols, other scripts): a full em.
        _ => 1000,
    }
}

/// The estimated width in pixels of `s` set in the sans-serif face at `size` pixels.
pub fn width(s: &str, size: f64, bold: bool) -> f64 {
    let units: u32 = s.chars().map(|c| u32::from(advance(c, bold))).sum();
    f64::from(units) * size / 1000.0
}

/// Breaks `s` into lines no wider than `max_width` (by [`width`]), greedily at whitespace.
/// Runs of whitespace (and control characters) count as one space; a word wider than a line is
/// broken between characters. Gives no lines for blank text.
pub fn wrap(s: &str, size: f64, bold: bool, max_width: f64) -> Vec<String> {
    let space = width(" ", size, bold);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0.0;
    let words = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty());
    for word in words {
        let w = width(word, size, bold);
        if !cur.is_empty() && cur_w + space + w <= max_width {
            cur.push(' ');
            cur.push_str(word);
            cur_w += space + w;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if w <= max_width {
            cur.push_str(word);
            cur_w = w;
        } else {
            // A word longer than the line: cut it where it no longer fits.
            cur_w = 0.0;
            for c in word.chars() {
                let cw = f64::from(advance(c, bold)) * size / 1000.0;
                if !cur.is_empty() && cur_w + cw > max_width {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `s` on one line no wider than `max_width`: whitespace runs become one space, and text that
/// does not fit is cut and ends in `…`. Empty when not even `…` fits (or `s` is blank).
pub fn ellipsize(s: &str, size: f64, bold: bool, max_width: f64) -> String {
    let norm = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if width(&norm, size, bold) <= max_width {
        return norm;
    }
    let ell = width("…", size, bold);
    let mut out = String::new();
    let mut w = 0.0;
    for c in norm.chars() {
        let cw = f64::from(advance(c, bold)) * size / 1000.0;
        if w + cw + ell > max_width {
            break;
        }
        out.push(c);
        w += cw;
    }
    let mut out = out.trim_end().to_owned();
    if out.is_empty() && ell > max_width {
        return out;
    }
    out.push('…');
    out
}

/// [`wrap`] to at most `max_lines` lines; when text is left out, the last line ends in `…`
/// (see [`ellipsize`]).
pub fn wrap_clamped(
    s: &str,
    size: f64,
    bold: bool,
    max_width: f64,
    max_lines: usize,
) -> Vec<String> {
    let mut lines = wrap(s, size, bold, max_width);
    // A single character wider than the line (only on absurdly narrow lines).
    if lines.iter().any(|l| width(l, size, bold) > max_width) {
        lines = lines
            .iter()
            .map(|l| ellipsize(l, size, bold, max_width))
            .filter(|l| !l.is_empty())
            .collect();
    }
    if lines.len() > max_lines {
        if max_lines == 0 {
            return Vec::new();
        }
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        let last = ellipsize(&rest, size, bold, max_width);
        if !last.is_empty() {
            lines.push(last);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn widths_add_up() {
        assert_eq!(width("", 12.0, false), 0.0);
        // "Wi" = 989 + 278 thousandths.
        assert!((width("Wi", 10.0, false) - 12.67).abs() < 1e-9);
        assert!(width("Bidang", 12.0, true) > width("Bidang", 12.0, false));
        assert_eq!(width("é", 10.0, false), 8.0);
    }

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        // 113.4 px for "kualitas pelayanan".
        let lines = wrap(
            "Meningkatnya   kualitas pelayanan perizinan",
            12.0,
            false,
            120.0,
        );
        assert_eq!(lines, ["Meningkatnya", "kualitas pelayanan", "perizinan"]);
        let lines = wrap(
            "Meningkatnya kualitas pelayanan perizinan",
            12.0,
            false,
            100.0,
        );
        assert_eq!(
            lines,
            ["Meningkatnya", "kualitas", "pelayanan", "perizinan"]
        );
        let lines = wrap("aaaaaaaaaaaaaaaaaaaa", 10.0, false, 30.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "aaaaaaaaaaaaaaaaaaaa");
        assert!(wrap("  \n\t", 10.0, false, 30.0).is_empty());
    }

    #[test]
    fn ellipsizes_and_clamps() {
        assert_eq!(
            ellipsize("  Bidang \n Pelayanan ", 12.0, false, 500.0),
            "Bidang Pelayanan"
        );
        let cut = ellipsize("Bidang Pelayanan Perizinan", 12.0, false, 80.0);
        assert!(
            cut.ends_with('…') && width(&cut, 12.0, false) <= 80.0,
            "{cut}"
        );
        assert_eq!(ellipsize("Bidang", 12.0, false, 5.0), "");
        let lines = wrap_clamped("satu dua tiga empat lima enam", 12.0, false, 60.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert_eq!(
            wrap_clamped("satu dua", 12.0, false, 200.0, 2),
            ["satu dua"]
        );
        assert!(wrap_clamped("satu dua", 12.0, false, 20.0, 0).is_empty());
    }

    proptest! {
        #[test]
        fn clamped_lines_fit(s in "\\PC{0,200}", max in 0.0f64..300.0, n in 0usize..4, bold: bool) {
            let lines = wrap_clamped(&s, 12.0, bold, max, n);
            prop_assert!(lines.len() <= n);
            for l in &lines {
                prop_assert!(width(l, 12.0, bold) <= max + 1e-9, "{:?} too wide", l);
            }
            let one = ellipsize(&s, 11.0, bold, max);
            prop_assert!(width(&one, 11.0, bold) <= max + 1e-9);
        }

        #[test]
        fn wrapped_lines_fit_and_keep_the_words(s in "\\PC{0,200}|[a-z \\t\\x07]{0,50}", max in 20.0f64..400.0, bold: bool) {
            let lines = wrap(&s, 12.0, bold, max);
            for l in &lines {
                prop_assert!(width(l, 12.0, bold) <= max + 1e-9, "{:?} too wide", l);
                prop_assert!(!l.is_empty());
            }
            let words: String = s
                .split(|c: char| c.is_whitespace() || c.is_control())
                .collect();
            let back: String = lines.iter().flat_map(|l| l.split_whitespace()).collect();
            prop_assert_eq!(words, back);
        }
    }
}
