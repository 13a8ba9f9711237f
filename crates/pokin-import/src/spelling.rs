//! Spelling: finds probable typos in Indonesian planning texts and suggests a correction.
//!
//! A word is suspect when all of these hold:
//! - it is worth checking: [`MIN_LEN`] to [`MAX_LEN`] letters, no digit, not in capitals
//!   (acronyms and headings are skipped);
//! - it is rare in the texts given (at most [`RARE_MAX`] occurrences, case ignored);
//! - the Indonesian hunspell dictionary, when available, does not accept it, nor any stem left
//!   after taking its affixes off (*keberdayaan* is *daya* regularly derived);
//! - and a correction exists: a word that is *common* in the same texts (at least
//!   [`COMMON_MIN`] occurrences) one edit away (two for words of [`TWO_EDITS_MIN_LEN`] letters
//!   or more, when a dictionary is given), or a word the dictionary accepts one edit away.
//!
//! Among corrections, one that occurs in the texts wins (the more often the better), then the
//! nearer one, then the one that supposes the most common typing error (a letter left out,
//! then a wrong or swapped letter, then a letter too many), then the first in alphabetical
//! order, so the result is deterministic.
//! The verdict is computed once per distinct word.

use crate::stem::stem_candidates;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// Words shorter than this (in letters) are never reported.
pub const MIN_LEN: usize = 5;
/// Words longer than this are no words (a run of letters without spaces) and are skipped.
pub const MAX_LEN: usize = 30;
/// A word seen more often than this in the texts is taken as deliberate.
pub const RARE_MAX: usize = 2;
/// A word seen at least this often in the texts can serve as a correction.
pub const COMMON_MIN: usize = 3;
/// Words this long may be two edits away from a common word of the texts.
pub const TWO_EDITS_MIN_LEN: usize = 8;

/// Where the system's Indonesian hunspell files may live.
const DICTIONARY_DIRS: &[&str] = &[
    "/usr/share/hunspell",
    "/usr/share/myspell/dicts",
    "/usr/share/myspell",
];

/// The Indonesian hunspell dictionary, read with spellbook.
pub struct Speller {
    dictionary: spellbook::Dictionary,
    /// Letter trigrams of the dictionary's stems, word start and end marked.
    trigrams: HashSet<u64>,
}

impl fmt::Debug for Speller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Speller { .. }")
    }
}

impl Speller {
    /// Loads `id_ID.aff` and `id_ID.dic` from the system's hunspell directories
    /// (Debian package `hunspell-id`); `None` if they are absent or unreadable.
    pub fn load_system() -> Option<Speller> {
        DICTIONARY_DIRS.iter().find_map(|dir| {
            let dir = Path::new(dir);
            let aff = read_dictionary_file(&dir.join("id_ID.aff"))?;
            let dic = read_dictionary_file(&dir.join("id_ID.dic"))?;
            Speller::from_strings(&aff, &dic).ok()
        })
    }

    /// Builds a speller from the text of a hunspell `.aff` and `.dic` pair.
    pub fn from_strings(aff: &str, dic: &str) -> Result<Speller, String> {
        let dictionary = spellbook::Dictionary::new(aff, dic)
            .map_err(|e| format!("kamus ejaan tidak dapat dibaca: {e}"))?;
        let mut trigrams = HashSet::new();
        for line in dic.lines().skip(1) {
            let stem = line.split(['/', '\t', ' ']).next().unwrap_or("");
            trigrams.extend(word_trigrams(&stem.to_lowercase()));
        }
        Ok(Speller {
            dictionary,
            trigrams,
        })
    }

    /// Whether the dictionary accepts the word as written, or in lower case.
    pub fn check(&self, word: &str) -> bool {
        if self.dictionary.check(word) {
            return true;
        }
        let lower = word.to_lowercase();
        lower != word && self.dictionary.check(&lower)
    }

    /// Whether a dictionary word may lie one edit away. One edit changes at most four of a
    /// word's letter trigrams, so a word with more trigrams that no stem of the dictionary has
    /// is no near miss. (Affixed forms are not listed as stems, but their joins are common
    /// trigrams too.) This spares hundreds of look-ups per unknown word.
    fn may_be_near_a_word(&self, word: &str) -> bool {
        word_trigrams(word)
            .filter(|t| !self.trigrams.contains(t))
            .count()
            <= 4
    }
}

/// The letter trigrams of a word with its start and end marked, each packed in a number.
fn word_trigrams(word: &str) -> impl Iterator<Item = u64> + '_ {
    let marked: Vec<u64> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .map(u64::from)
        .collect();
    (0..marked.len().saturating_sub(2))
        .map(move |i| (marked[i] << 42) | (marked[i + 1] << 21) | marked[i + 2])
}

/// Reads a hunspell file; they are UTF-8 or (older ones) ISO-8859-1, decoded byte by byte.
fn read_dictionary_file(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    })
}

/// A probable typo: where, the word as written, and the suggested correction (in the word's
/// capitalisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typo<L> {
    pub location: L,
    pub word: String,
    pub suggestion: String,
}

/// Finds probable typos in the given texts, in the order of the texts and of the words in them.
/// Depends only on the texts and the speller: the same input gives the same output.
pub fn find_typos<L: Clone>(texts: &[(L, &str)], speller: Option<&Speller>) -> Vec<Typo<L>> {
    let counts = word_counts(texts);
    let mut finder = TypoFinder::new(&counts, speller);
    let mut typos = Vec::new();
    for (location, text) in texts {
        for word in words(text) {
            if !worth_checking(word) {
                continue;
            }
            if let Some(suggestion) = finder.suggestion(&word.to_lowercase()) {
                typos.push(Typo {
                    location: location.clone(),
                    word: word.to_owned(),
                    suggestion: same_case(word, &suggestion),
                });
            }
        }
    }
    typos
}

/// The words of a text: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// How often each word occurs, lower-cased, over all texts.
fn word_counts<L>(texts: &[(L, &str)]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (_, text) in texts {
        for word in words(text) {
            *counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

/// Of a word's length, free of digits, and not all capitals.
fn worth_checking(word: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&word.chars().count())
        && word.chars().all(char::is_alphabetic)
        && word.chars().any(char::is_lowercase)
}

/// The suggestion written like the original: capitalised if the original was.
fn same_case(original: &str, suggestion: &str) -> String {
    let capitalised = original.chars().next().is_some_and(char::is_uppercase);
    if !capitalised {
        return suggestion.to_owned();
    }
    let mut chars = suggestion.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Decides, once per distinct lower-case word, whether it is a typo and of what.
struct TypoFinder<'a> {
    counts: &'a HashMap<String, usize>,
    speller: Option<&'a Speller>,
    verdicts: HashMap<String, Option<String>>,
    common: Option<DeletionIndex>,
}

impl<'a> TypoFinder<'a> {
    fn new(counts: &'a HashMap<String, usize>, speller: Option<&'a Speller>) -> Self {
        TypoFinder {
            counts,
            speller,
            verdicts: HashMap::new(),
            common: None,
        }
    }

    fn count(&self, word: &str) -> usize {
        self.counts.get(word).copied().unwrap_or(0)
    }

    fn accepted(&self, word: &str) -> bool {
        self.speller.is_some_and(|s| s.check(word))
    }

    fn suggestion(&mut self, word: &str) -> Option<String> {
        if let Some(verdict) = self.verdicts.get(word) {
            return verdict.clone();
        }
        let verdict = self.decide(word);
        self.verdicts.insert(word.to_owned(), verdict.clone());
        verdict
    }

    fn decide(&mut self, word: &str) -> Option<String> {
        if self.count(word) > RARE_MAX
            || self.accepted(word)
            || self.accepted(&capitalise(word))
            || self.derived_from_known_stem(word)
        {
            return None;
        }
        let mut candidates = self.common_neighbours(word);
        if let Some(speller) = self.speller.filter(|s| s.may_be_near_a_word(word)) {
            candidates.extend(
                single_edits(word)
                    .into_iter()
                    .filter(|c| speller.check(c))
                    .map(|c| (c, 1)),
            );
        }
        let rank = |(candidate, distance): &(String, usize)| {
            (
                std::cmp::Reverse(self.count(candidate)),
                *distance,
                edit_kind(word, candidate),
                candidate.clone(),
            )
        };
        candidates.into_iter().min_by_key(rank).map(|(c, _)| c)
    }

    /// A word the dictionary lacks but whose stem it knows is a regular derivation
    /// (*keberdayaan* from *daya*), not a typo.
    fn derived_from_known_stem(&self, word: &str) -> bool {
        self.speller.is_some_and(|speller| {
            stem_candidates(word)
                .iter()
                .any(|stem| stem != word && speller.check(stem))
        })
    }

    /// Common words of the texts within reach of `word`, with their distance.
    fn common_neighbours(&mut self, word: &str) -> Vec<(String, usize)> {
        // Without a dictionary to vouch that the word itself is wrong, two edits reach too many
        // good words (*dukungan* / *hubungan*).
        let max = if self.speller.is_some() && word.chars().count() >= TWO_EDITS_MIN_LEN {
            2
        } else {
            1
        };
        let counts = self.counts;
        let speller = self.speller;
        let index = self
            .common
            .get_or_insert_with(|| DeletionIndex::new(common_words(counts, speller)));
        index
            .near(word, max)
            .into_iter()
            .filter(|(c, _)| !affix_variant(word, c))
            .collect()
    }
}

/// How a correction differs from the word, most common typing error first: a letter left out
/// (the correction is longer), a wrong or swapped letter, a letter too many.
fn edit_kind(word: &str, correction: &str) -> u8 {
    match correction.chars().count().cmp(&word.chars().count()) {
        std::cmp::Ordering::Greater => 0,
        std::cmp::Ordering::Equal => 1,
        std::cmp::Ordering::Less => 2,
    }
}

/// Words frequent enough (and, with a dictionary, accepted by it) to serve as corrections.
fn common_words(counts: &HashMap<String, usize>, speller: Option<&Speller>) -> Vec<String> {
    let mut common: Vec<String> = counts
        .iter()
        .filter(|(w, n)| **n >= COMMON_MIN && w.chars().count() <= MAX_LEN)
        .filter(|(w, _)| w.chars().all(char::is_alphabetic))
        .filter(|(w, _)| speller.is_none_or(|s| s.check(w)))
        .map(|(w, _)| w.clone())
        .collect();
    common.sort();
    common
}

/// Whether one word is the other plus two or more letters at one end: an affixed form
/// (*kerja* / *pekerja*, *milik* / *miliki*ku), not a typo.
fn affix_variant(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.chars().count() >= short.chars().count() + 2
        && (long.starts_with(short) || long.ends_with(short))
}

fn capitalise(word: &str) -> String {
    same_case("X", word)
}

/// Every string one edit (deletion, transposition, substitution, insertion of a-z) away.
fn single_edits(word: &str) -> BTreeSet<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = BTreeSet::new();
    let build = |parts: &[&[char]]| -> String { parts.iter().flat_map(|p| p.iter()).collect() };
    for i in 0..chars.len() {
        out.insert(build(&[&chars[..i], &chars[i + 1..]]));
        if i + 1 < chars.len() {
            let swapped = [chars[i + 1], chars[i]];
            out.insert(build(&[&chars[..i], &swapped, &chars[i + 2..]]));
        }
    }
    for c in 'a'..='z' {
        for i in 0..=chars.len() {
            out.insert(build(&[&chars[..i], &[c], &chars[i..]]));
            if i < chars.len() && chars[i] != c {
                out.insert(build(&[&chars[..i], &[c], &chars[i + 1..]]));
            }
        }
    }
    out.remove(word);
    out.retain(|w| w.chars().count() >= MIN_LEN - 1);
    out
}

/// Finds words within a small edit distance quickly. Few words of a near length are simply
/// compared one by one; many are found through the strings obtained by deleting up to two of
/// their letters (the "symmetric delete" method), an index built on first need.
struct DeletionIndex {
    words: Vec<String>,
    by_length: BTreeMap<usize, Vec<u32>>,
    by_deletion: Option<HashMap<String, Vec<u32>>>,
}

impl DeletionIndex {
    fn new(words: Vec<String>) -> Self {
        let mut by_length: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        for (id, word) in (0u32..).zip(&words) {
            by_length.entry(word.chars().count()).or_default().push(id);
        }
        DeletionIndex {
            words,
            by_length,
            by_deletion: None,
        }
    }

    /// Indexed words at distance 1..=max from `word` (optimal string alignment distance).
    fn near(&mut self, word: &str, max: usize) -> Vec<(String, usize)> {
        let length = word.chars().count();
        let lengths = length.saturating_sub(max)..=length + max;
        let comparisons: usize = self
            .by_length
            .range(lengths.clone())
            .map(|(_, ids)| ids.len())
            .sum();
        let deletions_needed = (length + 1) * (length + 1) / 2;
        let ids: BTreeSet<u32> = if comparisons <= deletions_needed {
            self.by_length
                .range(lengths)
                .flat_map(|(_, ids)| ids.iter().copied())
                .collect()
        } else {
            let words = &self.words;
            let index = self.by_deletion.get_or_insert_with(|| deletion_map(words));
            deletions(word, max)
                .iter()
                .filter_map(|variant| index.get(variant))
                .flatten()
                .copied()
                .collect()
        };
        ids.into_iter()
            .filter_map(|id| self.words.get(id as usize))
            .filter_map(|w| {
                let d = osa_distance(word, w);
                (d >= 1 && d <= max).then(|| (w.clone(), d))
            })
            .collect()
    }
}

fn deletion_map(words: &[String]) -> HashMap<String, Vec<u32>> {
    let mut map: HashMap<String, Vec<u32>> = HashMap::new();
    for (id, word) in (0u32..).zip(words) {
        for variant in deletions(word, 2) {
            map.entry(variant).or_default().push(id);
        }
    }
    map
}

/// The word and every string made by deleting up to `depth` of its characters.
fn deletions(word: &str, depth: usize) -> BTreeSet<String> {
    let mut all = BTreeSet::from([word.to_owned()]);
    let mut frontier = vec![word.to_owned()];
    for _ in 0..depth {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            for i in 0..chars.len() {
                let shorter: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
                if all.insert(shorter.clone()) {
                    next.push(shorter);
                }
            }
        }
        frontier = next;
    }
    all
}

/// Edit distance counting an adjacent transposition as one edit.
fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(osa_distance("investasu", "investasi"), 1);
        assert_eq!(osa_distance("memilki", "memiliki"), 1);
        assert_eq!(osa_distance("ab", "ba"), 1);
        assert_eq!(osa_distance("kerja", "pekerja"), 2);
        assert_eq!(osa_distance("", "abc"), 3);
    }

    #[test]
    fn typo_against_common_words_without_dictionary() {
        let texts = [
            (1, "investasi daerah"),
            (2, "nilai investasi"),
            (3, "promosi investasi"),
            (4, "media promosi investasu"),
        ];
        let typos = find_typos(&texts, None);
        assert_eq!(
            typos,
            vec![Typo {
                location: 4,
                word: "investasu".into(),
                suggestion: "investasi".into()
            }]
        );
    }

    #[test]
    fn affixed_forms_and_capitals_are_not_typos() {
        let texts = [
            (1, "tenaga kerja, kerja, kerja"),
            (2, "pekerja"),
            (3, "INVESTASU investasi investasi investasi"),
            (4, "Investasu"),
        ];
        let typos = find_typos(&texts, None);
        assert_eq!(typos.len(), 1);
        assert_eq!(typos[0].location, 4);
        assert_eq!(typos[0].suggestion, "Investasi");
    }

    #[test]
    fn frequent_words_are_deliberate() {
        let texts = [(1, "efektifitas efektifitas efektifitas efektivitas")];
        let typos = find_typos(&texts, None);
        assert!(typos.iter().all(|t| t.word != "efektifitas"));
        // The rare spelling is the suspect one.
        assert_eq!(typos.len(), 1);
        assert_eq!(typos[0].suggestion, "efektifitas");
    }

    #[test]
    fn tiny_dictionary() {
        let aff = "SET UTF-8\n";
        let dic = "3\ndigital\nangkat\nangkatan\n";
        let speller = Speller::from_strings(aff, dic).expect("dictionary");
        assert!(speller.check("digital"));
        assert!(speller.check("Digital"));
        let texts = [(1, "arsip digiltal"), (2, "Angkata kerja angkatan")];
        let typos = find_typos(&texts, Some(&speller));
        let found: Vec<(&str, &str)> = typos
            .iter()
            .map(|t| (t.word.as_str(), t.suggestion.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![("digiltal", "digital"), ("Angkata", "Angkatan")]
        );
    }
}
