//! A light Indonesian stemmer for matching words, not for dictionaries: it lists the plausible
//! stems of a word instead of choosing one (`perindustrian` → `perindustri`, `industri` …;
//! `penempatan` → `empat`, `tempat` …), and two words match when their lists meet.
//!
//! Particles (`-nya`, `-lah` …), one suffix (`-kan`, `-an`, `-i`) and up to two prefixes
//! (`meN-`, `peN-`, `ber-`, `ter-`, `per-`, `di-`, `ke-`, `se-` …) are stripped, putting back the
//! first letter a nasal prefix swallows (`penanaman` → `tanam`). A stem must keep at least
//! [`MIN_STEM`] letters and start like an Indonesian word. `-al` is no suffix, so *industrial*
//! stays apart from *industri*.

use std::collections::BTreeSet;

const VOWELS: &[char] = &['a', 'e', 'i', 'o', 'u'];

/// Stems shorter than this are not produced by stripping.
pub(crate) const MIN_STEM: usize = 4;

/// The plausible stems of a lower-case word, itself included, sorted.
pub(crate) fn stem_candidates(word: &str) -> Vec<String> {
    let mut bases = vec![word.to_owned()];
    for particle in ["nya", "lah", "kah", "pun"] {
        if let Some(rest) = word.strip_suffix(particle)
            && long_enough(rest)
        {
            bases.push(rest.to_owned());
        }
    }
    let mut out = BTreeSet::new();
    for base in &bases {
        let mut forms = vec![base.clone()];
        for suffix in ["kan", "an", "i"] {
            if let Some(rest) = base.strip_suffix(suffix)
                && long_enough(rest)
            {
                forms.push(rest.to_owned());
            }
        }
        for form in forms {
            strip_prefixes(form, 2, &mut out);
        }
    }
    out.into_iter().collect()
}

fn long_enough(stem: &str) -> bool {
    stem.chars().count() >= MIN_STEM
}

/// Adds `word` and what is left after up to `depth` prefixes, with the first letter the prefix
/// may have swallowed put back (`penanam` → `anam`, `tanam`).
fn strip_prefixes(word: String, depth: usize, out: &mut BTreeSet<String>) {
    if depth > 0 {
        for stem in prefix_stems(&word) {
            if long_enough(&stem) && plausible_start(&stem) && !out.contains(&stem) {
                strip_prefixes(stem, depth - 1, out);
            }
        }
    }
    out.insert(word);
}

fn prefix_stems(word: &str) -> Vec<String> {
    let starts_vowel = |s: &str| s.starts_with(VOWELS);
    let mut stems = Vec::new();
    for prefix in ["meng", "peng"] {
        if let Some(rest) = word.strip_prefix(prefix) {
            if starts_vowel(rest) {
                stems.push(rest.to_owned());
                stems.push(format!("k{rest}"));
            } else if rest.starts_with(['g', 'h', 'k']) {
                stems.push(rest.to_owned());
            }
        }
    }
    for prefix in ["meny", "peny"] {
        if let Some(rest) = word.strip_prefix(prefix)
            && starts_vowel(rest)
        {
            stems.push(format!("s{rest}"));
        }
    }
    for prefix in ["mem", "pem"] {
        if let Some(rest) = word.strip_prefix(prefix) {
            if starts_vowel(rest) {
                stems.push(format!("p{rest}"));
            } else if rest.starts_with(['b', 'f', 'p', 'v']) {
                stems.push(rest.to_owned());
            }
        }
    }
    for prefix in ["men", "pen"] {
        if let Some(rest) = word.strip_prefix(prefix) {
            if starts_vowel(rest) {
                stems.push(rest.to_owned());
                stems.push(format!("t{rest}"));
            } else if rest.starts_with(['c', 'd', 'j', 't', 'z', 's']) {
                stems.push(rest.to_owned());
            }
        }
    }
    for prefix in ["per", "ber", "ter", "me", "pe", "be", "di", "ke", "se"] {
        if let Some(rest) = word.strip_prefix(prefix) {
            stems.push(rest.to_owned());
        }
    }
    stems
}

/// Whether a stem can start an Indonesian word: a vowel, a consonant and a vowel, or a
/// consonant cluster such as `pr`, `kl`, `sy`, `kh`, `ng`.
fn plausible_start(stem: &str) -> bool {
    let mut chars = stem.chars();
    let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
        return false;
    };
    VOWELS.contains(&a) || VOWELS.contains(&b) || ("rlyhwg".contains(b) && a != b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meet(a: &str, b: &str) -> bool {
        let a = stem_candidates(a);
        stem_candidates(b).iter().any(|s| a.contains(s))
    }

    #[test]
    fn affixes() {
        assert!(meet("industri", "perindustrian"));
        assert!(meet("budaya", "kebudayaan"));
        assert!(meet("pelayanan", "layanan"));
        assert!(meet("penempatan", "ditempatkan"));
        assert!(meet("pengembangan", "berkembangnya"));
        assert!(meet("pembinaan", "dibina"));
        assert!(meet("pemberdayaan", "keberdayaan"));
        assert!(meet("penyelesaian", "selesai"));
        assert!(meet("perizinan", "izin"));
        assert!(!meet("industrial", "industri"));
        assert!(!meet("industrial", "perindustrian"));
        assert!(!meet("kerjasama", "kerja"));
        assert!(!meet("kerja", "kecil"));
    }
}
