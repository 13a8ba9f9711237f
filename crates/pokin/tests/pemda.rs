//! The pemda through the command line: the demo kabupaten, `pokin cakupan` and
//! `pokin capaian --pemda`, on SQLite and (when configured) PostgreSQL.

mod common;

use common::Env;
use serde_json::Value;

fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("JSON output")
}

#[test]
fn demo_kabupaten_coverage_and_capaian() {
    for env in Env::all() {
        env.ok(&["demo"]);
        let c = json(&env.ok(&["cakupan", "--tahun", "2025", "--format", "json"]));
        assert_eq!(c["pemda"], "Pemerintah Kabupaten Sukamaju");
        let opd = c["opd"].as_array().unwrap();
        assert_eq!(opd.len(), 5, "five perangkat daerah");
        // Ranked by persen_cascading, highest first; the demo agency has 3 of its 5 head
        // objectives linked (SS1, SS2, SS3).
        let ranked: Vec<f64> = opd
            .iter()
            .map(|o| o["persen_cascading"].as_f64().unwrap())
            .collect();
        assert!(ranked.windows(2).all(|w| w[0] >= w[1]), "{ranked:?}");
        let seed = opd
            .iter()
            .find(|o| {
                o["nama"]
                    .as_str()
                    .unwrap()
                    .starts_with("Dinas Penanaman Modal")
            })
            .unwrap();
        assert_eq!(seed["persen_cascading"].as_f64().unwrap(), 60.0);
        assert_eq!(
            seed["tanpa_tautan"],
            serde_json::json!(["kepala-dinas SS4", "kepala-dinas SS5"])
        );
        assert_eq!(c["sasaran_tanpa_opd"][0]["kode"], "S5");
        assert_eq!(c["tautan_menunggu"].as_array().unwrap().len(), 2);

        let p = json(&env.ok(&["capaian", "--pemda", "--tahun", "2025", "--format", "json"]));
        let items = p["indikator"].as_array().unwrap();
        assert_eq!(items.len(), 10);
        let by = |k: &str| items.iter().find(|i| i["kode"] == k).unwrap().clone();
        // Bappeda's own realisation counts: 70,82 against 70,6.
        let ipm = by("IKT1");
        assert_eq!(ipm["sumber"], "realisasi_bappeda");
        assert!((ipm["capaian"].as_f64().unwrap() - 70.82 / 70.6 * 100.0).abs() < 1e-9);
        // Through two accepted links of the demo agency, each weighing 1: their mean.
        let tpt = by("IKS4");
        assert_eq!(tpt["sumber"], "tautan");
        let links = tpt["tautan"].as_array().unwrap();
        assert_eq!(links.len(), 2);
        let mean = links
            .iter()
            .map(|l| l["capaian"].as_f64().unwrap().min(120.0))
            .sum::<f64>()
            / 2.0;
        assert!((tpt["capaian"].as_f64().unwrap() - mean).abs() < 1e-9);
        // Nothing realises S5 yet: null, not 0.
        assert!(by("IKS5")["capaian"].is_null());
        assert_eq!(by("IKS5")["status"], "belum_dilaporkan");

        // The seed agency is intact.
        let text = env.ok(&["capaian", "--pemda", "--tahun", "2025"]);
        assert!(
            text.contains("IKT1 Indeks Pembangunan Manusia [Tujuan T1]: 100,31% (Sangat Tinggi)"),
            "{text}"
        );

        // Bad input: a pemda that does not exist.
        let out = env.pokin(&["cakupan", "--pemda", "Pemkab Entah", "--tahun", "2025"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("pemda 'Pemkab Entah' tidak ditemukan"),
            "{err}"
        );
    }
}

#[test]
fn without_a_pemda_the_commands_say_so() {
    let env = Env::sqlite();
    let out = env.pokin(&["cakupan", "--tahun", "2025"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("belum ada pemda"));
}

/// The demo kabupaten leaves as files (each organisation, then the pemda) and comes back into
/// an empty database: the pemda file exports to the same bytes, and the kabupaten's figures
/// are the same.
#[test]
fn the_pemda_file_round_trips_byte_for_byte() {
    for (env, other) in Env::all().into_iter().zip(Env::all()) {
        env.ok(&["demo"]);
        let pemda = env.ok(&["export", "--pemda"]);
        assert!(pemda.starts_with("format: pokin/1\npemda:\n"), "{pemda}");
        assert!(pemda.contains("status: ditolak") && pemda.contains("reason:"));
        let c = json(&env.ok(&["cakupan", "--tahun", "2025", "--format", "json"]));
        for org in c["opd"].as_array().unwrap() {
            let name = org["nama"].as_str().unwrap();
            let file = other.path(&format!("{}.yaml", org["id"]));
            std::fs::write(&file, env.ok(&["export", "--org", name])).unwrap();
            other.ok(&["import", file.to_str().unwrap()]);
        }
        let file = other.path("pemda.yaml");
        std::fs::write(&file, &pemda).unwrap();
        // Without --replace into a database that has it already: refused.
        let out = other.ok(&["import", file.to_str().unwrap()]);
        assert!(
            out.contains("Pemda 'Pemerintah Kabupaten Sukamaju' tersimpan"),
            "{out}"
        );
        assert!(out.contains("5 anggota"), "{out}");
        assert_eq!(
            other.ok(&["export", "--pemda"]),
            pemda,
            "export → import → export"
        );
        let again = other.pokin(&["import", file.to_str().unwrap()]);
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("--replace"));
        other.ok(&["import", "--replace", file.to_str().unwrap()]);
        assert_eq!(other.ok(&["export", "--pemda"]), pemda);
        assert_eq!(
            json(&other.ok(&["capaian", "--pemda", "--tahun", "2025", "--format", "json"]))
                ["indikator"]
                .as_array()
                .unwrap()
                .len(),
            10
        );

        // A broken file: the line of the syntax error, or every problem; nothing stored.
        let bad = other.path("rusak.yaml");
        std::fs::write(&bad, pemda.replace("status: ditolak", "status: dibatalkan")).unwrap();
        let out = other.pokin(&["import", "--replace", bad.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("baris ") && err.contains("dibatalkan"),
            "{err}"
        );
        std::fs::write(&bad, pemda.replace("  reason: ", "  note: ")).unwrap();
        let out = other.pokin(&["import", "--replace", bad.to_str().unwrap()]);
        assert!(!out.status.success());
        assert_eq!(other.ok(&["export", "--pemda"]), pemda, "nothing changed");
    }
}

/// An RPJMD tree from text: `pokin parse --rpjmd` shows it with line diagnostics, `pokin import
/// --rpjmd` stores it (refusing a file in error, and a second pemda of the same name without
/// --replace).
#[test]
fn an_rpjmd_text_is_parsed_and_imported() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pokin-import/tests/fixtures/rpjmd_sukamaju.txt"
    );
    for env in Env::all() {
        let j = json(&env.ok(&["parse", "--rpjmd", fixture, "--format", "json"]));
        assert_eq!(j["pemda"]["name"], "Pemerintah Kabupaten Sukamaju");
        assert_eq!(j["pemda"]["nodes"].as_array().unwrap().len(), 9);
        assert_eq!(j["diagnostics"][0]["severity"], "info");

        let bad = env.path("rusak.txt");
        std::fs::write(
            &bad,
            "RPJMD KABUPATEN CONTOH 2025-2029\nVISI Maju\nMISI 1 Misi\nSASARAN 1.1 Tanpa tujuan\n",
        )
        .unwrap();
        let out = env.pokin(&["import", "--rpjmd", bad.to_str().unwrap()]);
        assert!(!out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("rusak.txt:4: kesalahan: Sasaran Daerah tanpa induk"),
            "{stdout}"
        );
        let out = env.pokin(&["cakupan", "--tahun", "2025"]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("belum ada pemda"));

        let out = env.ok(&["import", "--rpjmd", fixture]);
        assert!(out.contains("9 simpul, 5 indikator"), "{out}");
        let yaml = env.ok(&["export", "--pemda"]);
        assert!(yaml.contains("code: IKS4") && yaml.contains("name: Tingkat Pengangguran Terbuka"));
        let again = env.pokin(&["import", "--rpjmd", fixture]);
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("--replace"));
        env.ok(&["import", "--rpjmd", "--replace", fixture]);

        // `pokin check --pemda`: the tree's gaps, a compiler's way; --strict fails on them.
        let out = env.ok(&["check", "--pemda"]);
        assert!(out.contains("T1.1 IKT1: peringatan: indikator 'Indeks Pembangunan Manusia' belum memiliki target"), "{out}");
        assert!(out.contains("S2.1.1.2: peringatan: sasaran daerah 'Meningkatnya investasi' tidak memiliki indikator"), "{out}");
        assert!(
            !env.pokin(&["check", "--pemda", "--strict"])
                .status
                .success()
        );
    }
}
