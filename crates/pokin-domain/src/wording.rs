//! What the wording of an objective or an indicator tells: whether a sentence reads like an
//! indicator (something measured) or an objective (a condition to reach), and which unit of
//! measure (*satuan*) and polarity an indicator's name implies.
//!
//! These are guesses a planner confirms; callers report each one as an `info` diagnostic with
//! the [`Inference::reason`].

use crate::org::Polarity;

/// A guessed value with the word that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inference<T> {
    pub value: T,
    /// The word or phrase in the name that decided it, or `None` for the default.
    pub reason: Option<String>,
}

/// Lower-cased words of a text, punctuation stripped.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// First words that make a phrase a measure rather than a condition.
const MEASURE_WORDS: &[&str] = &[
    "persentase",
    "presentase",
    "prosentase",
    "jumlah",
    "indeks",
    "indek",
    "tingkat",
    "nilai",
    "besaran",
    "rasio",
    "angka",
    "cakupan",
    "rata-rata",
    "proporsi",
    "capaian",
    "predikat",
    "opini",
    "skor",
    "laju",
    "pertumbuhan",
    "kontribusi",
    "prevalensi",
    "banyaknya",
];

/// First words that make a phrase a condition to reach (*Meningkatnya …*, *Terwujudnya …*).
const CONDITION_PREFIXES: &[&str] = &[
    "meningkat",
    "menurun",
    "terwujud",
    "tercapai",
    "terlaksana",
    "terselenggara",
    "terbangun",
    "berkembang",
    "peningkatan",
    "penurunan",
    "pengembangan",
    "penguatan",
    "terpenuhi",
    "tersedia",
    "terjamin",
    "terkendali",
    "optimal",
    "mewujudkan",
    "meningkatkan",
    "menurunkan",
    "terbentuk",
    "terkelola",
    "terciptanya",
    "bertambah",
    "berkurang",
];

/// Whether a lower-case word is one that frames an indicator (*persentase*, *jumlah*, …).
pub fn is_measure_word(word: &str) -> bool {
    MEASURE_WORDS.contains(&word)
}

/// Whether a lower-case word is one that frames an objective (*meningkatnya*, *terwujudnya*, …).
pub fn is_condition_word(word: &str) -> bool {
    CONDITION_PREFIXES.iter().any(|p| word.starts_with(p))
}

/// Whether a phrase reads like an indicator: it starts with a measure word.
pub fn looks_like_indicator(text: &str) -> bool {
    words(text)
        .first()
        .is_some_and(|w| MEASURE_WORDS.contains(&w.as_str()))
}

/// Whether a phrase reads like an objective: it starts with a condition word.
pub fn looks_like_objective(text: &str) -> bool {
    words(text)
        .first()
        .is_some_and(|w| CONDITION_PREFIXES.iter().any(|p| w.starts_with(p)))
}

/// Nouns counted by `Jumlah …` and the satuan each implies.
const COUNT_NOUNS: &[(&str, &str)] = &[
    ("tenaga kerja", "orang"),
    ("pencari kerja", "orang"),
    ("peserta", "orang"),
    ("penduduk", "orang"),
    ("pekerja", "orang"),
    ("wirausaha", "orang"),
    ("pegawai", "orang"),
    ("asn", "orang"),
    ("siswa", "orang"),
    ("ikm", "IKM"),
    ("umkm", "unit usaha"),
    ("perusahaan", "perusahaan"),
    ("usaha", "unit usaha"),
    ("koperasi", "koperasi"),
    ("lembaga", "lembaga"),
    ("regulasi", "dokumen"),
    ("dokumen", "dokumen"),
    ("laporan", "dokumen"),
    ("peraturan", "dokumen"),
    ("kebijakan", "dokumen"),
    ("kerjasama", "kerja sama"),
    ("kerja sama", "kerja sama"),
    ("evaluasi", "kali"),
    ("kegiatan", "kegiatan"),
    ("sosialisasi", "kali"),
    ("pelatihan", "kali"),
    ("desa", "desa"),
    ("izin", "izin"),
    ("investor", "investor"),
];

/// Words that make a `Nilai …` / `Besaran …` indicator an amount of money.
const MONEY_WORDS: &[&str] = &[
    "investasi",
    "penjualan",
    "anggaran",
    "pendapatan",
    "pad",
    "retribusi",
    "pajak",
    "ekspor",
    "omzet",
    "omset",
    "belanja",
    "modal",
    "produksi",
];

/// The satuan an indicator's name implies, if any.
pub fn infer_satuan(name: &str) -> Option<Inference<String>> {
    let ws = words(name);
    let first = ws.first()?.as_str();
    let lower = ws.join(" ");
    let hit = |value: &str, reason: &str| {
        Some(Inference {
            value: value.to_owned(),
            reason: Some(reason.to_owned()),
        })
    };
    match first {
        "persentase" | "presentase" | "prosentase" | "proporsi" | "cakupan" | "tingkat"
        | "laju" | "pertumbuhan" | "kontribusi" | "prevalensi" => hit("%", first),
        "indeks" | "indek" => hit("indeks", first),
        "rasio" => hit("rasio", first),
        "predikat" => hit("predikat", first),
        "opini" => hit("opini", first),
        "skor" => hit("skor", first),
        "nilai" | "besaran" => {
            if let Some(w) = ws.iter().find(|w| MONEY_WORDS.contains(&w.as_str())) {
                return hit("Rp", &format!("{first} … {w}"));
            }
            if ws
                .get(1)
                .is_some_and(|w| w == "peningkatan" || w == "penurunan")
            {
                return hit("%", &format!("{first} {}", ws[1]));
            }
            count_noun(&lower).map(|(noun, satuan)| Inference {
                value: satuan.to_owned(),
                reason: Some(format!("{first} … {noun}")),
            })
        }
        "jumlah" | "banyaknya" => {
            let (noun, satuan) = count_noun(&lower).unwrap_or(("", "unit"));
            Some(Inference {
                value: satuan.to_owned(),
                reason: Some(if noun.is_empty() {
                    first.to_owned()
                } else {
                    format!("{first} … {noun}")
                }),
            })
        }
        _ => None,
    }
}

fn count_noun(lower: &str) -> Option<(&'static str, &'static str)> {
    // The noun nearest the start decides: "jumlah IKM yang mengikuti pelatihan" counts IKM.
    COUNT_NOUNS
        .iter()
        .filter_map(|&(noun, satuan)| find_word(lower, noun).map(|pos| (pos, noun, satuan)))
        .min_by_key(|&(pos, noun, _)| (pos, std::cmp::Reverse(noun.len())))
        .map(|(_, noun, satuan)| (noun, satuan))
}

/// Byte position of `phrase` in `text` as whole words.
fn find_word(text: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before_ok = start == 0 || text.as_bytes()[start - 1] == b' ';
        let after_ok = end == text.len() || text.as_bytes()[end] == b' ';
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// Phrases whose growth is bad news.
const NEGATIVE_PHRASES: &[&str] = &[
    "angka kematian",
    "kematian",
    "kasus",
    "pengangguran",
    "stunting",
    "putus sekolah",
    "kemiskinan",
    "penduduk miskin",
    "gizi buruk",
    "kecelakaan",
    "kriminalitas",
    "pelanggaran",
    "konflik",
    "sengketa",
    "kerusakan",
    "temuan",
    "tunggakan",
    "angka kesakitan",
    "prevalensi",
    "rasio gini",
    "ketimpangan",
    "pencemaran",
    "kebakaran",
    "banjir",
    "korban",
];

/// Words that turn a bad thing into a good measure: *penurunan kasus*, *kasus yang tertangani*.
const NEGATION_WORDS: &[&str] = &[
    "penurunan",
    "menurunnya",
    "berkurangnya",
    "pengurangan",
    "tertangani",
    "ditangani",
    "penanganan",
    "terselesaikan",
    "diselesaikan",
    "penyelesaian",
    "selesai",
    "pencegahan",
    "tertindaklanjuti",
    "ditindaklanjuti",
    "bebas",
];

/// Phrases of a quantity that should stay inside a band.
const RANGE_PHRASES: &[&str] = &["inflasi"];

/// The polarity an indicator's name implies; positive unless a word says otherwise.
pub fn infer_polarity(name: &str) -> Inference<Polarity> {
    let lower = words(name).join(" ");
    if let Some(p) = RANGE_PHRASES
        .iter()
        .find(|p| find_word(&lower, p).is_some())
    {
        return Inference {
            value: Polarity::Range,
            reason: Some((*p).to_owned()),
        };
    }
    let negative = NEGATIVE_PHRASES
        .iter()
        .find(|p| find_word(&lower, p).is_some());
    let negation = NEGATION_WORDS
        .iter()
        .find(|p| find_word(&lower, p).is_some());
    match (negative, negation) {
        (Some(n), None) => Inference {
            value: Polarity::Negative,
            reason: Some((*n).to_owned()),
        },
        (Some(n), Some(g)) => Inference {
            value: Polarity::Positive,
            reason: Some(format!("{g} {n}")),
        },
        _ => Inference {
            value: Polarity::Positive,
            reason: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn satuan(s: &str) -> Option<String> {
        infer_satuan(s).map(|i| i.value)
    }

    #[test]
    fn satuan_from_words() {
        assert_eq!(
            satuan("Persentase kemudahan berusaha").as_deref(),
            Some("%")
        );
        assert_eq!(
            satuan("Indeks Kemudahan Investasi").as_deref(),
            Some("indeks")
        );
        assert_eq!(
            satuan("Nilai realisasi investasi hijau").as_deref(),
            Some("Rp")
        );
        assert_eq!(
            satuan("Besaran jumlah penjualan IKM").as_deref(),
            Some("Rp")
        );
        assert_eq!(
            satuan("Jumlah IKM yang mengikuti pelatihan teknis").as_deref(),
            Some("IKM")
        );
        assert_eq!(
            satuan("Jumlah tenaga kerja yang memiliki BPJS").as_deref(),
            Some("orang")
        );
        assert_eq!(
            satuan("Jumlah regulasi pelayanan perizinan").as_deref(),
            Some("dokumen")
        );
        assert_eq!(satuan("Meningkatnya kualitas"), None);
    }

    #[test]
    fn polarity_from_words() {
        let p = |s| infer_polarity(s).value;
        assert_eq!(p("Angka kematian ibu"), Polarity::Negative);
        assert_eq!(p("Tingkat pengangguran terbuka"), Polarity::Negative);
        assert_eq!(
            p("Persentase penurunan kasus hubungan industrial"),
            Polarity::Positive
        );
        assert_eq!(
            p("Persentase kasus hubungan industrial yang tertangani"),
            Polarity::Positive
        );
        assert_eq!(p("Prevalensi stunting"), Polarity::Negative);
        assert_eq!(p("Persentase kemudahan berusaha"), Polarity::Positive);
        assert_eq!(p("Tingkat inflasi"), Polarity::Range);
    }

    #[test]
    fn wording() {
        assert!(looks_like_indicator("Persentase peserta sosialisasi"));
        assert!(!looks_like_indicator(
            "Meningkatnya perlindungan tenaga kerja"
        ));
        assert!(looks_like_objective(
            "Meningkatnya perlindungan tenaga kerja"
        ));
        assert!(looks_like_objective("Terbangunnya Iklim Investasi"));
        assert!(is_measure_word("persentase"));
        assert!(!is_measure_word("investasi"));
        assert!(is_condition_word("meningkatnya"));
        assert!(!is_condition_word("industri"));
    }
}
