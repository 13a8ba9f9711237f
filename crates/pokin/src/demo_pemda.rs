//! The demo kabupaten around the demo agency: Pemerintah Kabupaten Sukamaju with its RPJMD
//! 2025–2029 (visi, three misi, tujuan and sasaran daerah with the Bupati's IKU and targets),
//! four more perangkat daerah from the synthetic catalogue (with their 2025 realisations), links
//! in every state, one crosscut, open and resolved review notes, Bappeda's own realisations of
//! the tujuan indicators, and the accounts `bappeda` and `bupati`.
//!
//! Everything is written through the store's public, audited operations under the names of
//! those who would take each step, so the audit log reads like real use. Deterministic.

use crate::commands::{DEMO_PASSWORD, actor};
use anyhow::{Context, Result};
use pokin_domain::capaian::Realisation;
use pokin_domain::pemda::{
    LinkAction, LinkRole, LinkSide, OpdSource, Pemda, PemdaDraft, PemdaLevel, PemdaNode,
    PemdaTarget, RegionKind,
};
use pokin_domain::{Aggregation, Code, Indicator, Organisation, Polarity, Renstra, TargetValue};
use pokin_store::{BulkOrganisation, BulkRealisation, NewCrosscut, NewLink, NewUser, Role, Store};

/// The demo pemda's name.
pub const DEMO_PEMDA: &str = "Pemerintah Kabupaten Sukamaju";

/// The synthetic kabupaten the other perangkat daerah come from: (seed, kabupaten, the
/// organisations' indices) — Dinas Pendidikan, Kesehatan, PUPR and Sosial.
const SYNTHETIC: (u64, usize, [usize; 4]) = (1, 0, [0, 1, 2, 5]);

fn code(s: &str) -> Code {
    Code::parse(s).expect("a demo code")
}

/// An IKU with satuan, polarity, baseline 2024 and a target per RPJMD year.
fn iku(
    c: &str,
    name: &str,
    satuan: &str,
    polarity: Polarity,
    baseline: f64,
    targets: [f64; 5],
) -> Indicator {
    let mut i = Indicator::new(code(c), name);
    i.iku = true;
    i.satuan = Some(satuan.into());
    i.polarity = Some(polarity);
    i.aggregation = Some(Aggregation::NilaiAkhir);
    i.decimals = Some(2);
    i.baseline = Some(TargetValue::Number(baseline));
    i.data_source = Some("BPS Kabupaten Sukamaju".into());
    for (y, t) in (2025..=2029).zip(targets) {
        i.targets.insert(y, TargetValue::Number(t));
    }
    i
}

fn node(
    c: &str,
    level: PemdaLevel,
    parent: Option<&str>,
    statement: &str,
    indicators: Vec<Indicator>,
) -> PemdaNode {
    PemdaNode {
        code: code(c),
        level,
        statement: statement.into(),
        parent: parent.map(code),
        indicators,
    }
}

/// The RPJMD 2025–2029 of Kabupaten Sukamaju (invented, in the shape of real RPJMD trees).
pub fn demo_pemda() -> Pemda {
    use PemdaLevel::*;
    use Polarity::*;
    let mut draft = PemdaDraft {
        name: DEMO_PEMDA.into(),
        kind: RegionKind::Kabupaten,
        rpjmd: Renstra {
            start: 2025,
            end: 2029,
        },
        visi: "Sukamaju yang Maju, Sejahtera dan Berdaya Saing".into(),
        head_name: Some("H. Ahmad Fauzi, S.H., M.Si.".into()),
        demo: true,
        nodes: vec![
            node(
                "M1",
                Misi,
                None,
                "Meningkatkan kualitas sumber daya manusia yang sehat, cerdas dan berkarakter",
                vec![],
            ),
            node(
                "T1",
                Tujuan,
                Some("M1"),
                "Meningkatkan kualitas hidup masyarakat",
                vec![iku(
                    "IKT1",
                    "Indeks Pembangunan Manusia",
                    "poin",
                    Positive,
                    70.1,
                    [70.6, 71.1, 71.6, 72.1, 72.6],
                )],
            ),
            node(
                "S1",
                Sasaran,
                Some("T1"),
                "Meningkatnya derajat kesehatan masyarakat",
                vec![iku(
                    "IKS1",
                    "Usia Harapan Hidup",
                    "tahun",
                    Positive,
                    72.4,
                    [72.6, 72.8, 73.0, 73.2, 73.4],
                )],
            ),
            node(
                "S2",
                Sasaran,
                Some("T1"),
                "Meningkatnya kualitas dan pemerataan pendidikan",
                vec![iku(
                    "IKS2",
                    "Rata-rata Lama Sekolah",
                    "tahun",
                    Positive,
                    8.1,
                    [8.3, 8.5, 8.7, 8.9, 9.1],
                )],
            ),
            node(
                "M2",
                Misi,
                None,
                "Mewujudkan perekonomian daerah yang tangguh, hijau dan berdaya saing",
                vec![],
            ),
            node(
                "T2",
                Tujuan,
                Some("M2"),
                "Meningkatkan pertumbuhan ekonomi yang inklusif",
                vec![iku(
                    "IKT2",
                    "Laju Pertumbuhan Ekonomi",
                    "%",
                    Positive,
                    5.0,
                    [5.2, 5.4, 5.6, 5.8, 6.0],
                )],
            ),
            node(
                "S3",
                Sasaran,
                Some("T2"),
                "Meningkatnya investasi dan kemudahan berusaha",
                vec![iku(
                    "IKS3",
                    "Indeks Kemudahan Berusaha",
                    "indeks",
                    Positive,
                    3.2,
                    [3.4, 3.5, 3.6, 3.7, 3.8],
                )],
            ),
            node(
                "S4",
                Sasaran,
                Some("T2"),
                "Meningkatnya daya saing tenaga kerja dan industri",
                vec![iku(
                    "IKS4",
                    "Tingkat Pengangguran Terbuka",
                    "%",
                    Negative,
                    5.6,
                    [5.4, 5.2, 5.0, 4.8, 4.6],
                )],
            ),
            node(
                "M3",
                Misi,
                None,
                "Mewujudkan tata kelola pemerintahan yang baik dan pelayanan publik yang prima",
                vec![],
            ),
            node(
                "T3",
                Tujuan,
                Some("M3"),
                "Meningkatkan kualitas pelayanan publik dan infrastruktur",
                vec![iku(
                    "IKT3",
                    "Indeks Pelayanan Publik",
                    "indeks",
                    Positive,
                    3.6,
                    [3.7, 3.8, 3.9, 4.0, 4.1],
                )],
            ),
            node(
                "S5",
                Sasaran,
                Some("T3"),
                "Meningkatnya kepuasan masyarakat terhadap pelayanan publik",
                vec![iku(
                    "IKS5",
                    "Indeks Kepuasan Masyarakat",
                    "indeks",
                    Positive,
                    80.0,
                    [81.0, 82.0, 83.0, 84.0, 85.0],
                )],
            ),
            node(
                "S6",
                Sasaran,
                Some("T3"),
                "Meningkatnya kualitas infrastruktur wilayah",
                vec![iku(
                    "IKS6",
                    "Persentase Jalan Kabupaten dalam Kondisi Mantap",
                    "%",
                    Positive,
                    68.0,
                    [70.0, 72.0, 74.0, 76.0, 78.0],
                )],
            ),
            node(
                "S7",
                Sasaran,
                Some("T1"),
                "Menurunnya angka kemiskinan",
                vec![iku(
                    "IKS7",
                    "Persentase Penduduk Miskin",
                    "%",
                    Negative,
                    9.8,
                    [9.4, 9.0, 8.6, 8.2, 7.8],
                )],
            ),
        ],
    };
    set_formulas(&mut draft);
    draft.validate().expect("the demo pemda is valid")
}

/// How each demo IKU is computed (*penjelasan / formulasi*), as the IKU document prints it.
const FORMULAS: [(&str, &str); 10] = [
    (
        "IKT1",
        "Rata-rata geometrik indeks kesehatan, indeks pendidikan dan indeks pengeluaran \
         (metode BPS)",
    ),
    (
        "IKS1",
        "Rata-rata perkiraan lama hidup sejak lahir menurut tabel kematian (BPS)",
    ),
    (
        "IKS2",
        "Rata-rata jumlah tahun sekolah penduduk berusia 25 tahun ke atas",
    ),
    (
        "IKS7",
        "Penduduk di bawah garis kemiskinan ÷ jumlah penduduk × 100%",
    ),
    (
        "IKT2",
        "(PDRB ADHK tahun t − PDRB ADHK tahun t−1) ÷ PDRB ADHK tahun t−1 × 100%",
    ),
    (
        "IKS3",
        "Indeks komposit penilaian kemudahan berusaha di daerah (skala 1–5)",
    ),
    ("IKS4", "Jumlah penganggur ÷ jumlah angkatan kerja × 100%"),
    (
        "IKT3",
        "Nilai evaluasi penyelenggaraan pelayanan publik oleh KemenPAN-RB (skala 1–5)",
    ),
    (
        "IKS5",
        "Rata-rata tertimbang nilai unsur pelayanan × 25 (PermenPAN-RB 14/2017)",
    ),
    (
        "IKS6",
        "Panjang jalan kabupaten kondisi baik dan sedang ÷ panjang jalan kabupaten × 100%",
    ),
];

/// Sets the [`FORMULAS`] on the indicators they name.
fn set_formulas(draft: &mut PemdaDraft) {
    for n in &mut draft.nodes {
        for i in &mut n.indicators {
            if let Some((_, f)) = FORMULAS.iter().find(|(c, _)| *c == i.code.as_str()) {
                i.formula = Some((*f).to_string());
            }
        }
    }
}

/// The four synthetic perangkat daerah, named without the synthetic kabupaten's name.
fn synthetic_orgs() -> Vec<(Organisation, pokin_synth::SyntheticOrg)> {
    let (seed, kab, picks) = SYNTHETIC;
    picks
        .iter()
        .map(|&i| {
            let s = pokin_synth::organisation(seed, kab, i);
            let mut d = s.org.clone().into_draft();
            d.name = d
                .name
                .split(" Kabupaten ")
                .next()
                .unwrap_or(&d.name)
                .to_owned();
            d.demo = true;
            (d.validate().expect("a renamed synthetic organisation"), s)
        })
        .collect()
}

/// The first objective of an organisation's head.
fn head_objective(org: &Organisation, n: usize) -> OpdSource {
    let head = org.children(None).next().expect("a head unit");
    let o = &head.objectives[n.min(head.objectives.len() - 1)];
    OpdSource {
        unit: head.key.clone(),
        objective: o.code.clone(),
        indicator: None,
    }
}

fn seed_objective(c: &str) -> OpdSource {
    OpdSource {
        unit: pokin_domain::UnitKey::parse("kepala-dinas").expect("key"),
        objective: code(c),
        indicator: None,
    }
}

fn target(node: &str) -> PemdaTarget {
    PemdaTarget {
        node: code(node),
        indicator: None,
    }
}

/// Loads the demo kabupaten around the demo agency `seed_org` unless it exists; returns
/// whether it loaded it.
pub async fn load(store: &Store, seed_org: i64) -> Result<bool> {
    if store.pemda_by_name(DEMO_PEMDA).await?.is_some() {
        return Ok(false);
    }
    let p = store.save_pemda("bappeda", None, &demo_pemda()).await?;
    let orgs = synthetic_orgs();
    let realisations: Vec<Vec<BulkRealisation>> = orgs
        .iter()
        .map(|(_, s)| crate::synthetic::bulk_realisations(s))
        .collect();
    let items: Vec<BulkOrganisation> = orgs
        .iter()
        .zip(&realisations)
        .map(|((o, s), r)| BulkOrganisation {
            org: o,
            period_targets: &s.period_targets,
            realisations: r,
        })
        .collect();
    let ids = store
        .bulk_import(&actor(), &items)
        .await
        .context("perangkat daerah demo tidak dapat dimuat")?;
    store.set_pemda_of("admin", seed_org, Some(p)).await?;
    for id in &ids {
        store.set_pemda_of("admin", *id, Some(p)).await?;
    }
    let (pendidikan, kesehatan, pupr, sosial) = (ids[0], ids[1], ids[2], ids[3]);
    let org = |i: usize| &orgs[i].0;
    let link = |org_id, node: &str, source: Option<OpdSource>, role, side| NewLink {
        org_id,
        target: target(node),
        source,
        role,
        weight: 1.0,
        side,
    };
    use LinkRole::*;
    use LinkSide::*;
    // Accepted: Bappeda proposes, the OPD's perencana names its objective.
    let accepted = [
        (seed_org, "S3", seed_objective("SS2"), PengampuUtama),
        (seed_org, "S4", seed_objective("SS3"), PengampuUtama),
        (seed_org, "S4", seed_objective("SS1"), Pendukung),
        (pendidikan, "S2", head_objective(org(0), 0), PengampuUtama),
        (kesehatan, "S1", head_objective(org(1), 0), PengampuUtama),
        (pupr, "S6", head_objective(org(2), 0), PengampuUtama),
        (sosial, "S7", head_objective(org(3), 0), PengampuUtama),
    ];
    for (i, (org_id, node, source, role)) in accepted.into_iter().enumerate() {
        // Bappeda names the OPD's objective where it already knows it (the second link of
        // the demo agency to S4); otherwise the OPD names it when it accepts.
        let named = (i == 2).then(|| source.clone());
        let id = store
            .propose_link("bappeda", p, &link(org_id, node, named, role, Pemda))
            .await?;
        store
            .decide_link("perencana", p, id, LinkAction::Terima, Some(&source), None)
            .await?;
    }
    // Waiting: the demo agency proposes upward that its SS5 realises S5.
    store
        .propose_link(
            "perencana",
            p,
            &link(
                seed_org,
                "S5",
                Some(seed_objective("SS5")),
                PengampuUtama,
                Opd,
            ),
        )
        .await?;
    // Waiting for Dinas Kesehatan: proposed by Bappeda.
    store
        .propose_link("bappeda", p, &link(kesehatan, "S7", None, Pendukung, Pemda))
        .await?;
    // Rejected with a reason.
    let rejected = store
        .propose_link("bappeda", p, &link(sosial, "S1", None, Pendukung, Pemda))
        .await?;
    store
        .decide_link(
            "perencana",
            p,
            rejected,
            LinkAction::Tolak,
            None,
            Some("Dinas Sosial tidak mengampu derajat kesehatan; sasaran kami sudah ditautkan ke penurunan kemiskinan."),
        )
        .await?;
    // Crosscutting: Dinas Kesehatan asks Dinas Sosial to contribute; accepted.
    let cc = store
        .propose_crosscut(
            "perencana",
            p,
            &NewCrosscut {
                from_org: kesehatan,
                from: head_objective(org(1), 0),
                to_org: sosial,
                share: None,
                note: Some("Dukungan jaminan kesehatan bagi keluarga miskin.".into()),
            },
        )
        .await?;
    store
        .decide_crosscut(
            "perencana",
            p,
            cc,
            LinkAction::Terima,
            Some(&head_objective(org(3), 0)),
            None,
        )
        .await?;
    // Review notes: one open on the demo agency, one resolved on the RPJMD.
    let kepala = pokin_domain::UnitKey::parse("kepala-dinas").expect("key");
    store
        .add_review_note(
            "bappeda",
            p,
            Some((seed_org, &kepala)),
            &code("SS4"),
            "Sasaran ini belum tertaut ke sasaran daerah mana pun; usulkan ke S4 (daya saing tenaga kerja).",
        )
        .await?;
    let resolved = store
        .add_review_note(
            "bappeda",
            p,
            None,
            &code("IKS3"),
            "Sumber data indeks kemudahan berusaha perlu ditetapkan.",
        )
        .await?;
    store.resolve_review_note("bappeda", resolved).await?;
    // Bappeda's own realisations of the tujuan indicators for 2025 (from BPS).
    for (c, v) in [("IKT1", 70.82), ("IKT2", 5.31), ("IKT3", 3.74)] {
        store
            .set_pemda_realisation("bappeda", p, &code(c), 2025, Some(&Realisation::Number(v)))
            .await?;
    }
    Ok(true)
}

/// The pemda accounts (README): `bappeda` and `bupati`, with the demo password. Creates the
/// missing ones; returns how many it created.
pub async fn accounts(store: &Store) -> Result<usize> {
    let Some(p) = store.pemda_by_name(DEMO_PEMDA).await? else {
        return Ok(0);
    };
    let mut made = 0;
    for (username, display_name, role) in [
        ("bappeda", "Bappeda (demo)", Role::Bappeda),
        ("bupati", "Bupati Sukamaju (demo)", Role::KepalaDaerah),
    ] {
        if store.user_by_name(username).await?.is_some() {
            continue;
        }
        store
            .create_user(
                &actor(),
                &NewUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    role,
                    org_id: None,
                    pemda_id: Some(p.id),
                    unit: None,
                    password: DEMO_PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .await?;
        made += 1;
    }
    Ok(made)
}
