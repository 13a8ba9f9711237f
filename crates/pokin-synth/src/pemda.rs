//! The pemda of a synthetic kabupaten: an RPJMD tree over the Renstra period of its
//! organisations (visi, three misi, two tujuan each with an IKU, two sasaran daerah under each
//! tujuan with one or two indicators; 21 nodes, 18 indicators) and the links of its
//! organisations' heads: every head objective is proposed to a sasaran daerah; most are
//! accepted naming that objective, some wait, some are rejected with a reason. Bappeda records
//! its own realisation of the tujuan IKU (statistics) for the years before the last.

use crate::SyntheticOrg;
use crate::rng::Rng;
use crate::{RENSTRA_END, RENSTRA_START};
use pokin_domain::pemda::{
    LinkRole, OpdSource, Pemda, PemdaDraft, PemdaLevel, PemdaNode, PemdaTarget, RegionKind,
};
use pokin_domain::{Aggregation, Code, Indicator, Polarity, Renstra, TargetValue};

/// The synthetic pemda and its links.
#[derive(Debug, Clone)]
pub struct SyntheticPemda {
    pub pemda: Pemda,
    pub links: Vec<SyntheticLink>,
    /// Bappeda's own realisations of the tujuan IKU (from statistics, not from the links):
    /// (indicator, year, value) for every RPJMD year before the last.
    pub own: Vec<(Code, i32, f64)>,
}

/// Where a proposed link ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    Accepted,
    Waiting,
    /// Rejected by the organisation (the reason is [`REJECTION`]).
    Rejected,
}

/// The reason of every synthetic rejection.
pub const REJECTION: &str =
    "Sasaran ini bukan urusan perangkat daerah kami; mohon ditautkan ke perangkat daerah pengampu.";

/// A link proposed by Bappeda to organisation `org_index` of the kabupaten.
#[derive(Debug, Clone)]
pub struct SyntheticLink {
    pub org_index: usize,
    pub target: PemdaTarget,
    /// The organisation's head objective (named when it accepts).
    pub source: OpdSource,
    pub role: LinkRole,
    pub weight: f64,
    pub outcome: LinkOutcome,
}

/// (misi, [(tujuan, IKU name, satuan, polarity, baseline, yearly step), …]).
type Tujuan = (&'static str, &'static str, &'static str, Polarity, f64, f64);
const MISI: [(&str, [Tujuan; 2]); 3] = [
    (
        "Meningkatkan kualitas sumber daya manusia yang sehat, cerdas dan berbudaya",
        [
            (
                "Meningkatkan kualitas hidup masyarakat",
                "Indeks Pembangunan Manusia",
                "poin",
                Polarity::Positive,
                69.5,
                0.5,
            ),
            (
                "Menurunkan kemiskinan",
                "Persentase penduduk miskin",
                "%",
                Polarity::Negative,
                11.2,
                -0.6,
            ),
        ],
    ),
    (
        "Mewujudkan perekonomian daerah yang tangguh dan berdaya saing",
        [
            (
                "Meningkatkan pertumbuhan ekonomi daerah",
                "Laju pertumbuhan ekonomi",
                "%",
                Polarity::Positive,
                4.8,
                0.2,
            ),
            (
                "Mengurangi pengangguran",
                "Tingkat pengangguran terbuka",
                "%",
                Polarity::Negative,
                5.9,
                -0.3,
            ),
        ],
    ),
    (
        "Mewujudkan tata kelola pemerintahan yang bersih, efektif dan melayani",
        [
            (
                "Meningkatkan akuntabilitas kinerja pemerintah daerah",
                "Nilai SAKIP pemerintah daerah",
                "nilai",
                Polarity::Positive,
                62.0,
                2.0,
            ),
            (
                "Meningkatkan kualitas pelayanan publik",
                "Indeks kepuasan masyarakat",
                "indeks",
                Polarity::Positive,
                78.0,
                1.0,
            ),
        ],
    ),
];

/// A sasaran daerah: (statement, [indicators as (name, satuan, polarity)]).
type Sasaran = (
    &'static str,
    &'static [(&'static str, &'static str, Polarity)],
);
/// Two sasaran daerah per tujuan.
const SASARAN: [[Sasaran; 2]; 6] = [
    [
        (
            "Meningkatnya derajat kesehatan masyarakat",
            &[
                ("Angka harapan hidup", "tahun", Polarity::Positive),
                ("Prevalensi stunting", "%", Polarity::Negative),
            ],
        ),
        (
            "Meningkatnya kualitas pendidikan",
            &[("Rata-rata lama sekolah", "tahun", Polarity::Positive)],
        ),
    ],
    [
        (
            "Meningkatnya perlindungan sosial bagi keluarga miskin",
            &[(
                "Persentase keluarga miskin penerima bantuan sosial",
                "%",
                Polarity::Positive,
            )],
        ),
        (
            "Meningkatnya kualitas permukiman",
            &[("Persentase rumah tidak layak huni", "%", Polarity::Negative)],
        ),
    ],
    [
        (
            "Meningkatnya investasi dan daya saing usaha",
            &[
                (
                    "Nilai realisasi investasi",
                    "miliar rupiah",
                    Polarity::Positive,
                ),
                ("Pertumbuhan jumlah UMKM", "%", Polarity::Positive),
            ],
        ),
        (
            "Meningkatnya produktivitas pertanian",
            &[("Nilai tukar petani", "indeks", Polarity::Positive)],
        ),
    ],
    [
        (
            "Meningkatnya kesempatan kerja",
            &[(
                "Persentase tenaga kerja yang ditempatkan",
                "%",
                Polarity::Positive,
            )],
        ),
        (
            "Meningkatnya kualitas infrastruktur wilayah",
            &[("Persentase jalan kabupaten mantap", "%", Polarity::Positive)],
        ),
    ],
    [
        (
            "Meningkatnya akuntabilitas keuangan daerah",
            &[(
                "Indeks pengelolaan keuangan daerah",
                "indeks",
                Polarity::Positive,
            )],
        ),
        (
            "Meningkatnya kapasitas aparatur",
            &[("Indeks profesionalitas ASN", "indeks", Polarity::Positive)],
        ),
    ],
    [
        (
            "Meningkatnya kualitas pelayanan perizinan dan administrasi",
            &[
                ("Indeks pelayanan publik", "indeks", Polarity::Positive),
                ("Persentase layanan daring", "%", Polarity::Positive),
            ],
        ),
        (
            "Meningkatnya ketenteraman dan ketertiban umum",
            &[(
                "Persentase pelanggaran perda yang ditindaklanjuti",
                "%",
                Polarity::Positive,
            )],
        ),
    ],
];

fn code(s: &str) -> Code {
    Code::parse(s).unwrap_or_else(|_| unreachable!("synthetic code {s}"))
}

/// An indicator with a target per RPJMD year: from `baseline` by `step` a year (rounded to
/// two decimals).
fn indicator(
    c: &str,
    name: &str,
    satuan: &str,
    polarity: Polarity,
    baseline: f64,
    step: f64,
) -> Indicator {
    let mut i = Indicator::new(code(c), name);
    i.satuan = Some(satuan.into());
    i.polarity = Some(polarity);
    i.aggregation = Some(Aggregation::NilaiAkhir);
    i.decimals = Some(2);
    i.baseline = Some(TargetValue::Number(baseline));
    for (n, y) in (RENSTRA_START..=RENSTRA_END).enumerate() {
        let t = baseline + step * (n + 1) as f64;
        i.targets
            .insert(y, TargetValue::Number((t * 100.0).round() / 100.0));
    }
    i
}

/// The pemda of kabupaten `index` for `seed` over its organisations `orgs` (those of
/// [`crate::kabupaten`]): a pure function of its arguments.
///
/// # Panics
///
/// (A bug) when the generated tree does not validate.
pub fn pemda(seed: u64, index: usize, orgs: &[SyntheticOrg]) -> SyntheticPemda {
    let mut rng = Rng::new(&[seed, index as u64, u64::MAX]);
    let kabupaten = crate::kabupaten_name(index);
    let mut nodes = Vec::new();
    let mut sasaran = Vec::new();
    for (m, (misi, tujuan)) in MISI.iter().enumerate() {
        let mc = format!("M{}", m + 1);
        nodes.push(PemdaNode {
            code: code(&mc),
            level: PemdaLevel::Misi,
            statement: (*misi).into(),
            parent: None,
            indicators: Vec::new(),
        });
        for (t, (statement, iku, satuan, polarity, baseline, step)) in tujuan.iter().enumerate() {
            let n = m * 2 + t;
            let tc = format!("T{}", n + 1);
            let mut i = indicator(
                &format!("IKT{}", n + 1),
                iku,
                satuan,
                *polarity,
                *baseline,
                *step,
            );
            i.iku = true;
            nodes.push(PemdaNode {
                code: code(&tc),
                level: PemdaLevel::Tujuan,
                statement: (*statement).into(),
                parent: Some(code(&mc)),
                indicators: vec![i],
            });
            for (s, (statement, indicators)) in SASARAN[n].iter().enumerate() {
                let sn = n * 2 + s + 1;
                let sc = format!("S{sn}");
                let indicators = indicators
                    .iter()
                    .enumerate()
                    .map(|(k, (name, satuan, polarity))| {
                        let baseline = (rng.uniform(40.0, 80.0) * 10.0).round() / 10.0;
                        let step = match polarity {
                            Polarity::Negative => -rng.uniform(0.2, 1.0),
                            _ => rng.uniform(0.2, 1.5),
                        };
                        let mut i = indicator(
                            &format!("IKS{sn}{}", (b'a' + k as u8) as char),
                            name,
                            satuan,
                            *polarity,
                            baseline,
                            step,
                        );
                        i.iku = true;
                        i
                    })
                    .collect();
                nodes.push(PemdaNode {
                    code: code(&sc),
                    level: PemdaLevel::Sasaran,
                    statement: (*statement).into(),
                    parent: Some(code(&tc)),
                    indicators,
                });
                sasaran.push(sc);
            }
        }
    }
    let pemda = PemdaDraft {
        name: format!("Pemerintah {kabupaten}"),
        kind: RegionKind::Kabupaten,
        rpjmd: Renstra {
            start: RENSTRA_START,
            end: RENSTRA_END,
        },
        visi: format!(
            "{} yang Maju, Sejahtera dan Melayani",
            kabupaten.replace("Kabupaten ", "")
        ),
        head_name: None,
        demo: false,
        nodes,
    }
    .validate()
    .unwrap_or_else(|e| panic!("synthetic pemda does not validate (a bug):\n{e}"));

    // Every head objective to a sasaran daerah, spread over them from a random start.
    let start = rng.below(sasaran.len());
    let mut links = Vec::new();
    for (o, s) in orgs.iter().enumerate() {
        let Some(head) = s.org.children(None).next() else {
            continue;
        };
        for (j, objective) in head.objectives.iter().enumerate() {
            // 7 is prime to the 12 sasaran daerah: the heads reach every one of them.
            let node = &sasaran[(start + o * 7 + j * 5) % sasaran.len()];
            let roll = rng.unit();
            // The first link to a sasaran daerah is accepted: each one is realised.
            let first = !links
                .iter()
                .any(|l: &SyntheticLink| l.target.node.as_str() == node.as_str());
            let outcome = if first || roll < 0.85 {
                LinkOutcome::Accepted
            } else if roll < 0.93 {
                LinkOutcome::Waiting
            } else {
                LinkOutcome::Rejected
            };
            links.push(SyntheticLink {
                org_index: o,
                target: PemdaTarget {
                    node: code(node),
                    indicator: None,
                },
                source: OpdSource {
                    unit: head.key.clone(),
                    objective: objective.code.clone(),
                    indicator: None,
                },
                role: if j == 0 {
                    LinkRole::PengampuUtama
                } else {
                    LinkRole::Pendukung
                },
                weight: if j == 0 { 2.0 } else { 1.0 },
                outcome,
            });
        }
    }
    // The tujuan IKU as statistics report them: within a few percent of the target.
    let mut own = Vec::new();
    for n in pemda.nodes.iter().filter(|n| n.level == PemdaLevel::Tujuan) {
        for i in &n.indicators {
            for (year, t) in &i.targets {
                if let (true, TargetValue::Number(t)) = (*year < RENSTRA_END, t) {
                    let v = t * rng.uniform(0.93, 1.05);
                    own.push((i.code.clone(), *year, (v * 100.0).round() / 100.0));
                }
            }
        }
    }
    SyntheticPemda { pemda, links, own }
}
