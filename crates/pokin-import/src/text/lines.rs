//! Reading the raw text into classified pieces, one line at a time, without context.
//!
//! Lines are those of [`str::lines`] (split at `\n`, a trailing `\r` dropped), numbered from 1.
//! A byte-order mark and zero-width characters are dropped, every run of whitespace becomes one
//! space. A tab separates *cells* (a table row or boxes side by side); each non-empty cell is
//! read on its own, and a cell may hold several pieces: `SS1. … IKU 1. …` is an objective and an
//! indicator. What a piece means in its context (a heading's continuation, a wrapped statement)
//! is decided by the builder.

use pokin_domain::UnitKind;
use regex::Regex;
use std::sync::LazyLock;

/// One classified piece of a line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    /// 1-based line number.
    pub line: usize,
    /// Index of the tab-separated cell the piece came from (0 for the first non-empty cell).
    pub cell: usize,
    pub piece: Piece,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    /// A line with nothing on it.
    Blank,
    /// A page number such as `- 2 -`, `Halaman 2`, `2 / 10`.
    PageNumber(String),
    /// A cell with neither letters nor digits (lines and arrows of a diagram).
    Decoration(String),
    /// A line starting with `POHON KINERJA`.
    Title(String),
    /// An objective (`SS1.`) or indicator (`IK1.1`) label with the text after it.
    Label(Label),
    /// Unlabelled text: maybe a heading, maybe a continuation.
    Text(Text),
}

/// A labelled objective or indicator line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    pub objective: bool,
    /// Upper-case prefix: `SS`, `SP`, `SK`, `IKU`, `IKP`, `IKK` or `IK`.
    pub prefix: String,
    /// The number, dots kept: `1`, `1.2`.
    pub number: String,
    pub text: String,
}

impl Label {
    /// The normalised code, e.g. `IK1.2`.
    pub fn code(&self) -> String {
        format!("{}{}", self.prefix, self.number)
    }
}

/// Unlabelled text and what its look says about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text {
    pub text: String,
    /// Letters present and none of them lower case.
    pub all_caps: bool,
    /// Every word (small words aside) starts with a capital.
    pub title_case: bool,
    /// The unit kind its first words name, if any (`SEKSI …` → seksi).
    pub kind: Option<UnitKind>,
}

impl Text {
    /// Classifies a text; an enumerator before a heading (`1. BIDANG …`, `A. SEKSI …`) is
    /// dropped.
    pub fn new(text: String) -> Self {
        let text = match strip_enumerator(&text) {
            Some(rest) if heading_kind(rest).is_some() => rest.to_owned(),
            _ => text,
        };
        Text {
            all_caps: is_all_caps(&text),
            title_case: is_title_case(&text),
            kind: heading_kind(&text),
            text,
        }
    }

    pub fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

/// Splits and classifies the whole source.
pub(crate) fn classify(source: &str) -> Vec<Item> {
    let mut items = Vec::new();
    for (index, raw) in source.lines().enumerate() {
        classify_line(index + 1, raw, &mut items);
    }
    items
}

fn classify_line(line: usize, raw: &str, items: &mut Vec<Item>) {
    let cells: Vec<String> = raw
        .split('\t')
        .map(normalise)
        .filter(|c| !c.is_empty())
        .collect();
    if cells.is_empty() {
        items.push(Item {
            line,
            cell: 0,
            piece: Piece::Blank,
        });
        return;
    }
    let whole = cells.join(" ");
    if is_page_number(&whole) {
        items.push(Item {
            line,
            cell: 0,
            piece: Piece::PageNumber(whole),
        });
        return;
    }
    for (cell, text) in cells.into_iter().enumerate() {
        for piece in classify_cell(text) {
            items.push(Item { line, cell, piece });
        }
    }
}

/// Drops invisible characters and collapses whitespace.
pub(crate) fn normalise(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || is_invisible(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters that take no room: byte-order mark, zero-width spaces and joiners.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
    )
}

fn classify_cell(text: String) -> Vec<Piece> {
    if !text.chars().any(char::is_alphanumeric) {
        return vec![Piece::Decoration(text)];
    }
    if is_title(&text) {
        return vec![Piece::Title(text)];
    }
    let mut pieces = Vec::new();
    let mut rest = text.as_str();
    let unbulleted = rest.trim_start_matches(BULLETS).trim_start();
    if leading_label(unbulleted).is_some() {
        rest = unbulleted;
    }
    if let Some((label, after)) = leading_label(rest) {
        let (own, tail) = split_at_inline_label(after);
        pieces.push(Piece::Label(Label {
            text: own.trim().to_owned(),
            ..label
        }));
        rest = tail;
    } else {
        let (own, tail) = split_at_inline_label(rest);
        if !own.trim().is_empty() {
            pieces.push(Piece::Text(Text::new(own.trim().to_owned())));
        }
        rest = tail;
    }
    while !rest.is_empty() {
        let Some((label, after)) = leading_label(rest) else {
            pieces.push(Piece::Text(Text::new(rest.trim().to_owned())));
            break;
        };
        let (own, tail) = split_at_inline_label(after);
        pieces.push(Piece::Label(Label {
            text: own.trim().to_owned(),
            ..label
        }));
        rest = tail;
    }
    pieces
}

/// Bullet signs that may stand before a label (`• SS1. …`, `- IK1. …`).
const BULLETS: &[char] = &['•', '·', '▪', '►', '●', '○', '-', '–', '*', '>'];

/// The text after a leading enumerator such as `1.`, `2)`, `A.` or `IV.`.
fn strip_enumerator(text: &str) -> Option<&str> {
    let (first, rest) = text.split_once(' ')?;
    let mark = first.strip_suffix(['.', ')'])?;
    let enumerator =
        (!mark.is_empty() && mark.len() <= 2 && mark.chars().all(|c| c.is_ascii_digit()))
            || (mark.len() == 1 && mark.chars().all(|c| c.is_ascii_alphabetic()))
            || (!mark.is_empty() && mark.len() <= 4 && mark.chars().all(|c| "IVX".contains(c)));
    enumerator.then_some(rest.trim_start())
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            -\s*\d{1,4}\s*- |
            (?:halaman|hal\.?|page)\s*\d{1,4}(?:\s*(?:/|dari|of)\s*\d{1,4})? |
            \d{1,4}(?:\s*(?:/|dari|of)\s*\d{1,4})?
        )$",
    )
    .expect("page number pattern")
});

fn is_page_number(text: &str) -> bool {
    PAGE_NUMBER.is_match(text)
}

/// `POHON KINERJA …` in capitals or with capital initials.
fn is_title(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let (Some(a), Some(b)) = (words.next(), words.next()) else {
        return false;
    };
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    a.eq_ignore_ascii_case("pohon")
        && b.trim_end_matches([':', ',', '.'])
            .eq_ignore_ascii_case("kinerja")
        && capitalised(a)
        && capitalised(b)
}

static LEADING_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(IKU|IKP|IKK|IK|SS|SP|SK)[ -]?(\d{1,4}(?:\.\d{1,4}){0,3})([.):])?")
        .expect("label pattern")
});

static INLINE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)((IKU|IKP|IKK|IK|SS|SP|SK)( ?)(\d{1,4}(?:\.\d{1,4}){0,3})([.):])?)")
        .expect("inline label pattern")
});

/// A label at the start of the text (any case), and the text after it.
fn leading_label(text: &str) -> Option<(Label, &str)> {
    let caps = LEADING_LABEL.captures(text)?;
    let whole = caps.get(0)?;
    let after = &text[whole.end()..];
    // `IK12345` or `SS1.2x` are not labels: the number must end here.
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let prefix = caps.get(1)?.as_str().to_uppercase();
    Some((
        Label {
            objective: matches!(prefix.as_str(), "SS" | "SP" | "SK"),
            prefix,
            number: caps.get(2)?.as_str().to_owned(),
            text: String::new(),
        },
        after,
    ))
}

/// Splits text before the first label that stands inside it (`… IKU 1.Tingkat …`).
/// Inside a line a label must be in capitals and either glued to its number (`IK1`) or end
/// with a dot, bracket or colon (`IKU 1.`), so that ordinary words and numbers are left alone.
fn split_at_inline_label(text: &str) -> (&str, &str) {
    for caps in INLINE_LABEL.captures_iter(text) {
        let (Some(label), Some(space), Some(end)) = (caps.get(1), caps.get(3), caps.get(0)) else {
            continue;
        };
        if label.start() == 0 {
            continue;
        }
        let after = &text[end.end()..];
        let glued = space.as_str().is_empty();
        let terminated = caps.get(5).is_some();
        let ends_here = !after.starts_with(|c: char| c.is_alphanumeric()) || terminated;
        let number_ends = !after.starts_with(|c: char| c.is_ascii_digit());
        if (glued || terminated) && ends_here && number_ends {
            return (&text[..label.start()], &text[label.start()..]);
        }
    }
    (text, "")
}

/// Where a heading glued to the end of a title line starts (`… TENAGA KERJA SEKSI PROSES …`),
/// looking from word `from` on. Only kinds that cannot be part of an organisation's own name
/// are looked for: Kepala, Bidang, Sub Bagian and Seksi (not *Sekretariat DPRD* or an UPT).
pub(crate) fn split_glued_heading(text: &str, from: usize) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (from.max(1)..words.len()).find_map(|i| {
        let tail = words[i..].join(" ");
        let kind = heading_kind(&tail)?;
        let glued = matches!(
            kind,
            UnitKind::Kepala | UnitKind::Bidang | UnitKind::SubBagian | UnitKind::Seksi
        );
        (glued && is_all_caps(&tail)).then(|| (words[..i].join(" "), tail))
    })
}

/// Letters present and none lower case.
pub(crate) fn is_all_caps(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

/// Small words written in lower case inside names and titles.
pub(crate) const SMALL_WORDS: &[&str] = &[
    "dan", "di", "ke", "dari", "yang", "atau", "serta", "untuk", "pada", "dengan", "dalam",
];

/// Every word that begins with a letter begins with a capital, small words aside.
fn is_title_case(text: &str) -> bool {
    let mut words = text
        .split_whitespace()
        .filter(|w| w.starts_with(char::is_alphabetic))
        .peekable();
    if words.peek().is_none() {
        return false;
    }
    words
        .enumerate()
        .all(|(i, w)| w.starts_with(char::is_uppercase) || (i > 0 && SMALL_WORDS.contains(&w)))
}

/// Whether the text ends with a word or sign that needs a continuation (`… DAN`, `…,`).
pub(crate) fn ends_with_connector(text: &str) -> bool {
    let text = text.trim_end();
    if text.ends_with([',', '&', '-', '/']) {
        return true;
    }
    text.rsplit(char::is_whitespace).next().is_some_and(|last| {
        [
            "dan", "di", "ke", "dari", "atau", "serta", "yang", "untuk", "dengan", "pada",
        ]
        .iter()
        .any(|c| last.eq_ignore_ascii_case(c))
    })
}

/// The unit kind that the first words of a heading name.
pub(crate) fn heading_kind(text: &str) -> Option<UnitKind> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '.' || c == '-' || c == ',')
        .filter(|w| !w.is_empty())
        .take(4)
        .map(str::to_uppercase)
        .collect();
    let first = words.first()?.as_str();
    let second = words.get(1).map(String::as_str);
    let third = words.get(2).map(String::as_str);
    if first == "KEPALA" {
        return Some(match second {
            Some("UPT" | "UPTD") => UnitKind::Upt,
            Some(w) => kind_word(w, third).unwrap_or(UnitKind::Kepala),
            None => UnitKind::Kepala,
        });
    }
    if first == "UNIT" && second == Some("PELAKSANA") && third == Some("TEKNIS") {
        return Some(UnitKind::Upt);
    }
    kind_word(first, second)
}

/// The kind named by one word (and the next, for `SUB BAGIAN`).
fn kind_word(word: &str, next: Option<&str>) -> Option<UnitKind> {
    Some(match word {
        "KADIS" | "KABAN" => UnitKind::Kepala,
        "SEKRETARIAT" | "SEKRETARIS" | "SEKDIS" => UnitKind::Sekretariat,
        "BIDANG" | "KABID" => UnitKind::Bidang,
        "SUBBAGIAN" | "SUBBAG" | "SUBAG" | "KASUBBAG" | "KASUBAG" => UnitKind::SubBagian,
        "SEKSI" | "SUBBIDANG" | "KASI" | "KASIE" => UnitKind::Seksi,
        "UPT" | "UPTD" => UnitKind::Upt,
        "SUB" => match next {
            Some("BAGIAN" | "BAG") => UnitKind::SubBagian,
            Some("BIDANG") => UnitKind::Seksi,
            _ => return None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(line: &str) -> Vec<Piece> {
        classify(line).into_iter().map(|i| i.piece).collect()
    }

    fn label(objective: bool, prefix: &str, number: &str, text: &str) -> Piece {
        Piece::Label(Label {
            objective,
            prefix: prefix.into(),
            number: number.into(),
            text: text.into(),
        })
    }

    #[test]
    fn label_variants() {
        assert_eq!(
            pieces("IK1.1 Besaran"),
            vec![label(false, "IK", "1.1", "Besaran")]
        );
        assert_eq!(
            pieces("IK1.1. Persentase"),
            vec![label(false, "IK", "1.1", "Persentase")]
        );
        assert_eq!(
            pieces("IKU 1.Tingkat"),
            vec![label(false, "IKU", "1", "Tingkat")]
        );
        assert_eq!(pieces("ss2. teks"), vec![label(true, "SS", "2", "teks")]);
        assert_eq!(
            pieces("IK1.  Persentase unsur"),
            vec![label(false, "IK", "1", "Persentase unsur")]
        );
        assert_eq!(pieces("IKU1."), vec![label(false, "IKU", "1", "")]);
        assert!(matches!(&pieces("IKM yang dibina")[0], Piece::Text(_)));
        assert!(matches!(&pieces("IK12345 x")[0], Piece::Text(_)));
    }

    #[test]
    fn inline_labels() {
        assert_eq!(
            pieces("SS2. Terbangunnya Iklim IKU 2. Indeks Kemudahan"),
            vec![
                label(true, "SS", "2", "Terbangunnya Iklim"),
                label(false, "IKU", "2", "Indeks Kemudahan")
            ]
        );
        assert_eq!(
            pieces("SS1. Meningkatnya X IKU 1.Tingkat Y IKU 2. Z"),
            vec![
                label(true, "SS", "1", "Meningkatnya X"),
                label(false, "IKU", "1", "Tingkat Y"),
                label(false, "IKU", "2", "Z")
            ]
        );
        // An ordinary number after an abbreviation is no label.
        assert_eq!(pieces("berdasarkan SK 2 tahun").len(), 1);
    }

    #[test]
    fn page_numbers() {
        for p in ["- 2 -", "Halaman 2", "2", "2 / 10", "hal. 3", "Page 4 of 9"] {
            assert!(
                matches!(pieces(p)[0], Piece::PageNumber(_)),
                "{p} is a page number"
            );
        }
        assert!(!matches!(pieces("2 IKM")[0], Piece::PageNumber(_)));
    }

    #[test]
    fn bullets_and_enumerators() {
        assert_eq!(pieces("• SS1. teks"), vec![label(true, "SS", "1", "teks")]);
        assert_eq!(pieces("- IK1. teks"), vec![label(false, "IK", "1", "teks")]);
        let Piece::Text(t) = &pieces("2. BIDANG TENAGA KERJA")[0] else {
            panic!("text expected");
        };
        assert_eq!(t.text, "BIDANG TENAGA KERJA");
        assert_eq!(t.kind, Some(UnitKind::Bidang));
        let Piece::Text(t) = &pieces("1. Persentase")[0] else {
            panic!("text expected");
        };
        assert_eq!(t.text, "1. Persentase");
    }

    #[test]
    fn kinds() {
        assert_eq!(heading_kind("KEPALA DINAS"), Some(UnitKind::Kepala));
        assert_eq!(heading_kind("SUB BAGIAN UMUM"), Some(UnitKind::SubBagian));
        assert_eq!(heading_kind("SUBBAG KEUANGAN"), Some(UnitKind::SubBagian));
        assert_eq!(heading_kind("SUB BIDANG X"), Some(UnitKind::Seksi));
        assert_eq!(heading_kind("UPTD PASAR"), Some(UnitKind::Upt));
        assert_eq!(heading_kind("UNIT PELAKSANA TEKNIS X"), Some(UnitKind::Upt));
        assert_eq!(heading_kind("KEPALA SEKSI X"), Some(UnitKind::Seksi));
        assert_eq!(heading_kind("SEKRETARIAT"), Some(UnitKind::Sekretariat));
        assert_eq!(heading_kind("MODAL"), None);
    }

    #[test]
    fn title_and_glued_heading() {
        assert!(matches!(
            pieces("POHON KINERJA DINAS X")[0],
            Piece::Title(_)
        ));
        assert!(matches!(
            pieces("Pohon Kinerja Dinas X")[0],
            Piece::Title(_)
        ));
        assert!(!matches!(pieces("pohon kinerja")[0], Piece::Title(_)));
        assert_eq!(
            split_glued_heading("TENAGA KERJA SEKSI PROSES A", 1),
            Some(("TENAGA KERJA".into(), "SEKSI PROSES A".into()))
        );
        assert_eq!(
            split_glued_heading("POHON KINERJA SEKRETARIAT DPRD", 3),
            None
        );
    }

    #[test]
    fn connectors() {
        assert!(ends_with_connector("SEKSI KERJASAMA,"));
        assert!(ends_with_connector("SEKSI A DAN"));
        assert!(!ends_with_connector("SEKSI ANDAN"));
    }
}
