//! `pokin demo --synthetic` as a user runs it: a synthetic kabupaten loaded in bulk, read back
//! through the CLI and the store, refused a second time, its admin account usable; `--teks`
//! writes a pohon kinerja text that `pokin parse` reads. On SQLite and, when
//! `POKIN_TEST_DATABASE_URL` is set, PostgreSQL.

mod common;
use common::Env;
use pokin_store::{Role, Store};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn store_of(env: &Env) -> Store {
    let url = match &env.url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", env.path("pokin.db").display()),
    };
    Store::connect(&url).await.expect("open the test database")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_synthetic_kabupaten_loads_once() {
    for env in Env::all() {
        let out = env.ok(&["demo", "--synthetic", "kabupaten", "--seed", "3"]);
        assert!(
            out.contains("Data sintetis kabupaten (seed 3) dimuat: 40 organisasi,"),
            "{out}"
        );
        assert!(out.contains("realisasi dalam"), "{out}");
        assert!(out.contains("'pokin-demo'"), "{out}");

        let store = store_of(&env).await;
        let orgs = store.organisations().await.unwrap();
        assert_eq!(orgs.len(), 40, "{orgs:?}");
        assert!(orgs.iter().all(|o| o.units > 0), "{orgs:?}");
        // Every count in the summary is what the database holds.
        let mut units = 0;
        let mut indicators = 0;
        let mut realisations = 0;
        for o in &orgs {
            let org = store.load_organisation(o.id).await.unwrap();
            let (u, _, i) = org.counts();
            units += u;
            indicators += i;
            for year in pokin_synth::RENSTRA_START..=pokin_synth::RENSTRA_END {
                realisations += store
                    .year_measurements(o.id, year)
                    .await
                    .unwrap()
                    .realisations
                    .len();
            }
        }
        let n = |v: usize| pokin_domain::format::number(v as f64, 0);
        assert!(
            out.contains(&format!(
                "40 organisasi, {} unit, {} indikator, {} realisasi",
                n(units),
                n(indicators),
                n(realisations)
            )),
            "{out}"
        );
        assert!(realisations > 0);

        // Its pemda: every organisation a member, links in every state, the IKU measured.
        let pemdas = store.pemdas().await.unwrap();
        assert_eq!(pemdas.len(), 1);
        let pemda = pemdas[0].id;
        assert_eq!(store.pemda_members(pemda).await.unwrap().len(), 40);
        let links = store.links(pemda).await.unwrap();
        assert!(
            out.contains(&format!("1 pemda, masing-masing dengan pohon RPJMD dan tautan cascading dari perangkat daerahnya ({} tautan", links.len())),
            "{out}"
        );
        for status in ["diterima", "diusulkan", "ditolak"] {
            assert!(
                links.iter().any(|l| l.status.as_str() == status),
                "{status}"
            );
        }
        let json = env.ok(&["capaian", "--pemda", "--tahun", "2025", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let rows = v["indikator"].as_array().expect("indikator");
        assert!(rows.len() >= 18, "{json}");
        assert!(
            rows.iter().all(|r| r["capaian"].is_number()),
            "every IKU has a capaian: {json}"
        );

        // The CLI reads a synthetic organisation like any other.
        let first = &orgs[0].name;
        let tree = env.ok(&["tree", "--org", first]);
        assert!(tree.lines().count() > 10, "{tree}");
        let yaml = env.ok(&["export", "--org", first]);
        assert!(yaml.contains(first.as_str()), "{yaml}");

        // The admin account for the web pages.
        let admin = store
            .verify_password("admin", "pokin-demo")
            .await
            .unwrap()
            .expect("admin with the demo password");
        assert_eq!(admin.role, Role::Admin);

        // Loading the same seed again is refused and changes nothing.
        let again = env.pokin(&["demo", "--synthetic", "kabupaten", "--seed", "3"]);
        assert!(!again.status.success());
        let err = stderr(&again);
        assert!(
            err.contains("seed 3 sudah ada") && err.contains("basis data baru"),
            "{err}"
        );
        assert_eq!(store.organisations().await.unwrap().len(), 40);
        // The env's PostgreSQL database (a kabupaten is some 80 MB) is dropped with it.
        drop(store);
    }
}

#[test]
fn teks_writes_a_pohon_kinerja_text_that_parse_reads() {
    let env = Env::sqlite();
    let file = env.path("sintetis.txt");
    let out = env.ok(&[
        "demo",
        "--synthetic",
        "kabupaten",
        "--seed",
        "3",
        "--teks",
        file.to_str().unwrap(),
    ]);
    assert!(out.contains("pokin parse"), "{out}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.lines().count() > 1000,
        "{} lines",
        text.lines().count()
    );
    let parsed = env.ok(&["parse", file.to_str().unwrap()]);
    assert!(!parsed.trim().is_empty());
    // Nothing was loaded into the database.
    assert!(!env.path("pokin.db").exists());
}

#[test]
fn teks_and_seed_need_synthetic() {
    let env = Env::sqlite();
    for args in [
        &["demo", "--teks", "x.txt"][..],
        &["demo", "--seed", "2"][..],
        &["demo", "--synthetic", "kota"][..],
    ] {
        let out = env.pokin(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = env.pokin(&["demo", "--synthetic", "kota"]);
    assert!(
        stderr(&out).contains("pilih salah satu"),
        "{}",
        stderr(&out)
    );
}
