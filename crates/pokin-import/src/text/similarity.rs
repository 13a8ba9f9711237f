//! Comparing the wording of units and objectives: TF-IDF word vectors over stems.
//!
//! Each word stands for all its plausible stems ([`crate::stem`]), so *industri* meets
//! *perindustrian* and *budaya* meets *kebudayaan*. A joined compound (`ketenagakerjaan`) also counts as its parts when
//! both parts occur on their own in the document (`tenaga`, `kerja`).
//!
//! Words that frame rather than name (*meningkatnya*, *persentase*, *jumlah*, function words)
//! are left out, so that two texts are similar because of what they are about.

use crate::stem::{MIN_STEM, stem_candidates};
use pokin_domain::wording::{is_condition_word, is_measure_word};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Function words left out of every comparison.
const STOP_WORDS: &[&str] = &[
    "dan", "atau", "serta", "yang", "untuk", "pada", "dengan", "dalam", "terhadap", "oleh", "bagi",
    "antar", "antara", "melalui", "sebagai", "secara", "akan", "telah", "sudah", "belum", "tidak",
    "para", "setiap", "atas", "non", "per", "kab", "kota", "dari", "tersebut", "adalah",
];

/// Words of unit headings that name the kind of unit, not its field.
const KIND_WORDS: &[&str] = &[
    "kepala",
    "dinas",
    "badan",
    "kantor",
    "sekretariat",
    "sekretaris",
    "bidang",
    "sub",
    "bagian",
    "subbagian",
    "subbag",
    "bag",
    "seksi",
    "subbidang",
    "upt",
    "uptd",
    "unit",
    "pelaksana",
    "teknis",
    "kabid",
    "kasi",
];

/// The lower-case words of a text worth comparing: no function word, no framing word, no
/// number, at least three letters.
pub(crate) fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .filter(|w| {
            !STOP_WORDS.contains(&w.as_str()) && !is_measure_word(w) && !is_condition_word(w)
        })
        .collect()
}

/// The words of a unit heading that name its field (kind words and Roman numerals left out).
pub(crate) fn name_words(name: &str) -> Vec<String> {
    content_words(name)
        .into_iter()
        .filter(|w| !KIND_WORDS.contains(&w.as_str()) && !is_roman(w))
        .collect()
}

fn is_roman(word: &str) -> bool {
    word.chars().all(|c| "ivxl".contains(c))
}

/// Interned stems ("features") with, for each, the first word of the document it came from.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    ids: HashMap<String, u32>,
    words: Vec<String>,
    /// Features of each distinct word, compound parts included.
    cache: HashMap<String, Vec<u32>>,
    /// Every stem seen, for compound splitting.
    stems: BTreeSet<String>,
}

impl Vocabulary {
    /// Learns the stems of every word of the texts; call before asking for features.
    pub(crate) fn learn<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        for text in texts {
            for word in content_words(text) {
                if !self.cache.contains_key(&word) {
                    self.stems.extend(stem_candidates(&word));
                    self.cache.insert(word, Vec::new());
                }
            }
        }
    }

    fn intern(&mut self, stem: &str, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.ids.insert(stem.to_owned(), id);
        self.words.push(word.to_owned());
        id
    }

    /// The word of the document a feature was first seen in.
    pub(crate) fn word(&self, feature: u32) -> &str {
        self.words.get(feature as usize).map_or("", String::as_str)
    }

    /// A word's features: its stems and, for a joined compound, its parts.
    pub(crate) fn features(&mut self, word: &str) -> Vec<u32> {
        if let Some(found) = self.cache.get(word)
            && !found.is_empty()
        {
            return found.clone();
        }
        let mut stems = stem_candidates(word);
        let parts: Vec<String> = stems
            .iter()
            .filter_map(|s| self.compound_parts(s))
            .flat_map(|(a, b)| [a, b])
            .collect();
        stems.extend(parts);
        stems.sort();
        stems.dedup();
        let features: Vec<u32> = stems.iter().map(|s| self.intern(s, word)).collect();
        self.cache.insert(word.to_owned(), features.clone());
        features
    }

    /// The stems of a word without compound parts, as features (for heading names).
    pub(crate) fn plain_features(&mut self, word: &str) -> Vec<u32> {
        stem_candidates(word)
            .iter()
            .map(|s| self.intern(s, word))
            .collect()
    }

    /// `tenagakerja` → (`tenaga`, `kerja`) when both were seen as stems of their own.
    fn compound_parts(&self, stem: &str) -> Option<(String, String)> {
        let chars: Vec<char> = stem.chars().collect();
        if chars.len() < 2 * MIN_STEM {
            return None;
        }
        (MIN_STEM..=chars.len() - MIN_STEM).find_map(|cut| {
            let left: String = chars[..cut].iter().collect();
            let right: String = chars[cut..].iter().collect();
            (self.stems.contains(&left) && self.stems.contains(&right)).then_some((left, right))
        })
    }
}

/// A sparse vector of feature weights, sorted by feature, of length 1 (or empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Vector(Vec<(u32, f32)>);

impl Vector {
    pub(crate) fn entries(&self) -> &[(u32, f32)] {
        &self.0
    }

    /// Cosine similarity (both vectors have length 1).
    pub(crate) fn cosine(&self, other: &Vector) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while let (Some(&(a, x)), Some(&(b, y))) = (self.0.get(i), other.0.get(j)) {
            match a.cmp(&b) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += x * y;
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// The features both vectors hold, the weightiest first.
    pub(crate) fn shared(&self, other: &Vector) -> Vec<u32> {
        let theirs: BTreeMap<u32, f32> = other.0.iter().copied().collect();
        let mut shared: Vec<(u32, f32)> = self
            .0
            .iter()
            .filter_map(|&(f, x)| theirs.get(&f).map(|y| (f, x * y)))
            .collect();
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shared.into_iter().map(|(f, _)| f).collect()
    }
}

/// Raw term weights, to be turned into a [`Vector`] with [`Weights::normalised`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Weights(BTreeMap<u32, f32>);

impl Weights {
    /// Adds the words of a text; each word weighs `weight`, shared among its features.
    pub(crate) fn add_text(&mut self, vocabulary: &mut Vocabulary, text: &str, weight: f32) {
        for word in content_words(text) {
            let features = vocabulary.features(&word);
            let share = weight / features.len().max(1) as f32;
            for f in features {
                *self.0.entry(f).or_insert(0.0) += share;
            }
        }
    }

    pub(crate) fn add(&mut self, other: &Weights) {
        for (&f, &w) in &other.0 {
            *self.0.entry(f).or_insert(0.0) += w;
        }
    }

    pub(crate) fn features(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.keys().copied()
    }

    /// Multiplied by the inverse document frequency and scaled to length 1.
    pub(crate) fn normalised(&self, idf: &Idf) -> Vector {
        let weighted: Vec<(u32, f32)> = self
            .0
            .iter()
            .map(|(&f, &w)| (f, w * idf.get(f)))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        let length = weighted.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if length <= 0.0 || !length.is_finite() {
            return Vector::default();
        }
        Vector(weighted.into_iter().map(|(f, w)| (f, w / length)).collect())
    }
}

/// Inverse document frequency of each feature over a set of documents (objectives).
#[derive(Debug, Default)]
pub(crate) struct Idf {
    documents: usize,
    frequency: HashMap<u32, usize>,
}

impl Idf {
    pub(crate) fn count(&mut self, document: &Weights) {
        self.documents += 1;
        for f in document.features() {
            *self.frequency.entry(f).or_insert(0) += 1;
        }
    }

    /// `ln(1 + N / df)`; a feature in no document counts as in one.
    pub(crate) fn get(&self, feature: u32) -> f32 {
        let df = self.frequency.get(&feature).copied().unwrap_or(0).max(1);
        (1.0 + self.documents.max(1) as f32 / df as f32).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_words_left_out() {
        assert_eq!(
            content_words("Meningkatnya Persentase jumlah IKM yang dibina 2025"),
            vec!["ikm", "dibina"]
        );
        assert_eq!(
            name_words("SEKSI PROSES PERIZINAN II SEKTOR A"),
            vec!["proses", "perizinan", "sektor"]
        );
    }

    #[test]
    fn compounds() {
        let mut v = Vocabulary::default();
        v.learn(["tenaga kerja", "perlindungan ketenagakerjaan"]);
        let tenaga = v.features("tenaga");
        let compound = v.features("ketenagakerjaan");
        assert!(tenaga.iter().any(|f| compound.contains(f)));
    }

    #[test]
    fn cosine() {
        let mut v = Vocabulary::default();
        v.learn(["investasi hijau", "investasi", "tenaga kerja"]);
        let idf = Idf::default();
        let mut a = Weights::default();
        a.add_text(&mut v, "nilai investasi hijau", 1.0);
        let mut b = Weights::default();
        b.add_text(&mut v, "iklim investasi hijau", 1.0);
        let mut c = Weights::default();
        c.add_text(&mut v, "tenaga kerja", 1.0);
        let (a, b, c) = (a.normalised(&idf), b.normalised(&idf), c.normalised(&idf));
        assert!(a.cosine(&b) > 0.7);
        assert_eq!(a.cosine(&c), 0.0);
    }
}
