//! The capaian dashboards: the API's numbers against a hand computation, the dashboard page,
//! the heat tree, the indicator page, verification changing what counts, the settings page,
//! bad spans and permissions.
//!
//! The organisation (year 2026, up to TW I):
//!
//! | unit | objective | indicator | target | realisation | capaian |
//! |---|---|---|---|---|---|
//! | kepala | SS1 | IKU1 (%, nilai akhir) | 80 (Renstra 2026) | 64 | 64 / 80 = 80,00% (Tinggi) |
//! | kepala | SS1 | IKU2 (orang, kumulatif) | TW I 10 (Rencana Aksi) | 10 | 100,00% (Sangat Tinggi) |
//! | bidang-satu | SS1 → kepala SS1 | IK1 (layanan) | TW I 20 | 19 | 95,00% (Sangat Tinggi) |
//! | bidang-satu | SS1 | IK2 (%) | 100 | — | belum dilaporkan |
//!
//! kepala SS1 = (80 + 100) / 2 = 90,00% (Tinggi), supported by bidang SS1 = 95,00%;
//! units 90,00% and 95,00%; the organisation 92,50% (Sangat Tinggi).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::measure::{Action, IndicatorKey, Period, RealisationInput};
use pokin_domain::{Code, Indicator, Objective, Polarity, Renstra, Support, TargetValue, UnitKey};
use pokin_store::{AuditFilter, ImportMode, entity};
use serde_json::Value;

const ORG_NAME: &str = "Dinas <script>alert(0)</script> Uji";

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("key")
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

fn ik(unit: &str, c: &str) -> IndicatorKey {
    IndicatorKey {
        unit: key(unit),
        code: code(c),
    }
}

fn tw(year: i32, n: u8) -> Period {
    Period::new(year, Periodisation::Triwulan, n).expect("period")
}

/// The organisation of the module docs, with targets; no realisations yet.
async fn organisation(t: &TestApp) {
    let mut draft = org(ORG_NAME).into_draft();
    draft.renstra = Some(Renstra {
        start: 2025,
        end: 2029,
    });
    let kepala = &mut draft.units[0].objectives[0];
    let mut iku1 = Indicator::new(code("IKU1"), "Indeks kepuasan masyarakat");
    iku1.iku = true;
    iku1.satuan = Some("%".into());
    iku1.polarity = Some(Polarity::Positive);
    iku1.definition = Some("Survei kepuasan <b>tahunan</b>".into());
    iku1.targets.insert(2026, TargetValue::Number(80.0));
    let mut iku2 = Indicator::new(code("IKU2"), "Jumlah investor baru");
    iku2.satuan = Some("orang".into());
    iku2.targets.insert(2026, TargetValue::Number(40.0));
    kepala.indicators = vec![iku1, iku2];
    let mut ik1 = Indicator::new(code("IK1"), "Jumlah layanan terbit");
    ik1.satuan = Some("layanan".into());
    let mut ik2 = Indicator::new(code("IK2"), "Persentase berkas lengkap");
    ik2.satuan = Some("%".into());
    ik2.targets.insert(2026, TargetValue::Number(100.0));
    draft.units[1].objectives.push(Objective {
        code: code("SS1"),
        statement: "Meningkatnya layanan bidang".into(),
        supports: vec![Support {
            unit: key("kepala"),
            objective: code("SS1"),
            weight: 1.0,
        }],
        indicators: vec![ik1, ik2],
    });
    let org = draft.validate().expect("valid");
    let id = t
        .store
        .import_organisation("tester", &org, ImportMode::Replace)
        .await
        .expect("replace");
    assert_eq!(id, t.org);
    for (k, v) in [
        (ik("kepala", "IKU2"), 10.0),
        (ik("bidang-satu", "IK1"), 20.0),
    ] {
        t.store
            .set_period_targets(
                "perencana",
                t.org,
                &k,
                &[(tw(2026, 1), Some(TargetValue::Number(v)))],
            )
            .await
            .expect("period targets");
    }
}

/// Enters a realisation and submits it; returns its id.
async fn submit(t: &TestApp, k: &IndicatorKey, period: Period, value: f64, kendala: &str) -> i64 {
    let input = RealisationInput {
        value: Some(Realisation::Number(value)),
        kendala: (!kendala.is_empty()).then(|| kendala.to_owned()),
        solusi: None,
        pendorong: None,
    };
    let id = t
        .store
        .save_realisation("operator", t.org, k, period, &input)
        .await
        .expect("save");
    t.store
        .transition_realisation("operator", t.org, id, Action::Ajukan, None)
        .await
        .expect("ajukan");
    id
}

async fn verify(t: &TestApp, id: i64) {
    t.store
        .transition_realisation("verifikator", t.org, id, Action::Verifikasi, None)
        .await
        .expect("verifikasi");
}

/// The organisation with IKU1, IKU2 and IK1 verified for TW I 2026 (IK2 unreported).
async fn measured(t: &TestApp) {
    organisation(t).await;
    for (k, v) in [
        (ik("kepala", "IKU1"), 64.0),
        (ik("kepala", "IKU2"), 10.0),
        (ik("bidang-satu", "IK1"), 19.0),
    ] {
        let id = submit(t, &k, tw(2026, 1), v, "").await;
        verify(t, id).await;
    }
}

async fn token(t: &TestApp, name: &str) -> String {
    let u = t
        .store
        .user_by_name(name)
        .await
        .expect("read")
        .expect("user");
    t.store
        .create_api_token("tester", u.id, "uji")
        .await
        .expect("token")
}

async fn api(t: &TestApp, path: &str, tk: &str) -> Resp {
    t.send(
        Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {tk}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

async fn capaian_json(t: &TestApp, query: &str) -> Value {
    let tk = token(t, "pimpinan").await;
    let r = api(
        t,
        &format!("/api/v1/organisations/{}/capaian?{query}", t.org),
        &tk,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).expect("json")
}

fn unit<'a>(v: &'a Value, k: &str) -> &'a Value {
    v["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["key"] == k)
        .expect("unit")
}

fn indicator<'a>(v: &'a Value, u: &str, c: &str) -> &'a Value {
    unit(v, u)["objectives"][0]["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["code"] == c)
        .expect("indicator")
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-9)
}

#[tokio::test]
async fn api_matches_the_hand_computation() {
    for t in setups().await {
        measured(&t).await;
        let v = capaian_json(&t, "tahun=2026&triwulan=1").await;
        assert_eq!(v["tahun"], 2026);
        assert_eq!(v["triwulan"], 1);
        assert_eq!(v["periode"], "s.d. TW I 2026");
        assert!(close(&v["batas_atas"], 120.0));
        // The organisation: the mean of its units.
        assert!(close(&v["capaian"], 92.5), "{v}");
        assert_eq!(v["status"], "persen");
        assert_eq!(v["predikat"], "Sangat Tinggi");
        assert_eq!(v["teks"], "92,50% (Sangat Tinggi)");
        // Units and objectives.
        let kepala = unit(&v, "kepala");
        assert!(close(&kepala["capaian"], 90.0));
        let ss1 = &kepala["objectives"][0];
        assert!(close(&ss1["capaian"], 90.0));
        assert_eq!(ss1["predikat"], "Tinggi");
        assert!(close(&ss1["dukungan"], 95.0), "{ss1}");
        assert_eq!(ss1["dukungan_teks"], "95,00% (Sangat Tinggi)");
        let bidang = unit(&v, "bidang-satu");
        assert!(close(&bidang["capaian"], 95.0));
        assert!(bidang["objectives"][0]["dukungan"].is_null());
        // Indicators: R / T × 100.
        let iku1 = indicator(&v, "kepala", "IKU1");
        assert!(close(&iku1["capaian"], 80.0), "{iku1}");
        assert_eq!(iku1["status"], "persen");
        assert_eq!(iku1["predikat"], "Tinggi");
        assert_eq!(iku1["teks"], "80,00% (Tinggi)");
        assert!(close(&iku1["target"], 80.0));
        assert!(close(&iku1["realisasi"], 64.0));
        assert_eq!(iku1["target_teks"], "80%");
        assert_eq!(iku1["realisasi_teks"], "64%");
        let iku2 = indicator(&v, "kepala", "IKU2");
        assert!(close(&iku2["capaian"], 100.0));
        assert_eq!(iku2["predikat"], "Sangat Tinggi");
        let ik1 = indicator(&v, "bidang-satu", "IK1");
        assert!(close(&ik1["capaian"], 95.0));
        assert_eq!(ik1["realisasi_teks"], "19 layanan");
        // Nothing reported: null, never 0.
        let ik2 = indicator(&v, "bidang-satu", "IK2");
        assert!(ik2["capaian"].is_null(), "{ik2}");
        assert_eq!(ik2["status"], "belum_dilaporkan");
        assert!(ik2["predikat"].is_null());
        assert_eq!(ik2["teks"], "belum dilaporkan");
        assert_eq!(ik2["periode_belum_dilaporkan"], serde_json::json!([1]));

        // A year with nothing reported.
        let v = capaian_json(&t, "tahun=2027").await;
        assert!(v["capaian"].is_null());
        assert_eq!(v["status"], "belum_dilaporkan");
        assert!(v["triwulan"].is_null());

        // Documented in the OpenAPI document.
        let doc = t.get("/api/openapi.json", None).await.body;
        assert!(doc.contains("/api/v1/organisations/{id}/capaian"));
        assert!(doc.contains("CapaianReport"));
    }
}

#[tokio::test]
async fn dashboard_shows_the_numbers_in_indonesian() {
    let t = setup().await;
    measured(&t).await;
    let s = t.login("pimpinan").await;
    let r = t
        .get(
            &format!("/organisasi/{}/dasbor?tahun=2026&triwulan=1", t.org),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = &r.body;
    assert!(b.contains("Dasbor capaian"));
    assert!(b.contains("s.d. TW I 2026"));
    assert!(b.contains("id=\"capaian-organisasi\">92,50%</div>"), "{b}");
    assert!(b.contains("Sangat Tinggi"));
    // Units, objectives and their supporters, with their predicates.
    assert!(b.contains(">90,00%</td>"));
    assert!(b.contains(">95,00%</td>"));
    assert!(b.contains("Tinggi"));
    assert!(b.contains("Meningkatnya layanan bidang"));
    assert!(b.contains("1 dari 2 indikator dihitung"));
    // Counts for TW I: 3 of 4 reported and verified, 1 not reported.
    assert!(b.contains("3 <small>dari 4</small>"), "{b}");
    // Charts inline (SVG, no script) and tables with the same numbers.
    assert!(b.matches("<svg").count() >= 5);
    assert!(b.contains("92,50%"));
    assert!(!b.contains("<script>alert"));
    assert!(!b.contains(" style=\""));
    // Lagging units: the bidang (IK2 not reported), overdue once TW I + 15 days has passed.
    assert!(b.contains("Unit yang tertinggal"));
    assert!(b.contains("15 April 2026"));
    assert!(b.contains("class=\"overdue\""));
    assert!(b.contains("terlambat"));
    assert!(b.contains("Persentase berkas lengkap"));
    assert!(b.contains(&format!(
        "/organisasi/{}/indikator/bidang-satu/IK2/realisasi/2026-tw1",
        t.org
    )));
    // Links to the units.
    assert!(b.contains(&format!("/organisasi/{}/unit/bidang-satu", t.org)));

    // A future year: everything unreported, nothing overdue yet.
    let r = t
        .get(
            &format!("/organisasi/{}/dasbor?tahun=2099&triwulan=1", t.org),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("belum dilaporkan"));
    assert!(!r.body.contains("class=\"overdue\""));
    assert!(r.body.contains("15 April 2099"));

    // The default is the current year; /dasbor leads to the user's organisation.
    let r = t
        .get(&format!("/organisasi/{}/dasbor", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = t.get("/dasbor", Some(&s)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/organisasi/{}/dasbor", t.org).as_str()
    );
}

#[tokio::test]
async fn heat_tree_colours_and_labels_objectives() {
    let t = setup().await;
    measured(&t).await;
    let s = t.login("inspektorat").await;
    let heat = "warna=capaian&tahun=2026&triwulan=1";
    let r = t
        .get(&format!("/organisasi/{}/pohon.svg?{heat}", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // kepala SS1 90,00% is Tinggi (level 1 of 5), bidang SS1 95,00% Sangat Tinggi (level 0).
    let tinggi = pokin_docs::chart::predicate_tint(Some(1), 5);
    let sangat = pokin_docs::chart::predicate_tint(Some(0), 5);
    assert!(r.body.contains(tinggi), "{}", r.body);
    assert!(r.body.contains(sangat));
    assert!(r.body.contains("90,00% · dukungan 95,00%"));
    assert!(r.body.contains("95,00%"));
    assert!(r.body.contains("Sangat Rendah"), "legend");
    assert!(r.body.contains("s.d. TW I 2026"));
    assert!(!r.body.contains("<script"));
    // The download carries the same.
    let r = t
        .get(
            &format!("/organisasi/{}/pohon.svg?unduh=1&{heat}", t.org),
            Some(&s),
        )
        .await;
    assert!(r.headers.contains_key(header::CONTENT_DISPOSITION));
    assert!(r.body.contains("90,00% · dukungan 95,00%"));
    // Without warna=capaian: no labels.
    let r = t
        .get(&format!("/organisasi/{}/pohon.svg", t.org), Some(&s))
        .await;
    assert!(!r.body.contains("dukungan 95,00%"));

    // The page: the control (a GET form), the legend, the download link and the script's state.
    let r = t
        .get(&format!("/organisasi/{}/pohon?{heat}", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Warnai menurut capaian"));
    assert!(r.body.contains("name=\"warna\" value=\"capaian\" checked"));
    assert!(
        r.body
            .contains("<option value=\"1\" selected>s.d. TW I</option>")
    );
    assert!(
        r.body
            .contains("data-heat=\"warna=capaian&#38;tahun=2026&#38;triwulan=1\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("&amp;warna=capaian&#38;tahun=2026&#38;triwulan=1\" download")
    );
    assert!(r.body.contains("Keterangan warna"));
    assert!(r.body.contains("90,00% · dukungan 95,00%"));
    assert!(!r.body.contains(" style=\""));
    let r = t
        .get(&format!("/organisasi/{}/pohon", t.org), Some(&s))
        .await;
    assert!(r.body.contains("name=\"warna\" value=\"capaian\" >"));
    assert!(!r.body.contains("Keterangan warna"));

    // The details panel: the objective's capaian and supporters, its indicators' capaian.
    let r = t
        .get(
            &format!(
                "/organisasi/{}/pohon/detail?unit=kepala&sasaran=SS1&tahun=2026&triwulan=1",
                t.org
            ),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("90,00% (Tinggi)"));
    assert!(r.body.contains("Dukungan"));
    assert!(r.body.contains("95,00% (Sangat Tinggi)"));
    assert!(r.body.contains("80,00% (Tinggi)"));
    assert!(r.body.contains("100,00% (Sangat Tinggi)"));
    assert!(r.body.contains(&format!(
        "href=\"/organisasi/{}/indikator/kepala/IKU1\"",
        t.org
    )));
    let r = t
        .get(
            &format!(
                "/organisasi/{}/pohon/detail?unit=kepala&sasaran=SS1&indikator=IKU1&tahun=2026&triwulan=1",
                t.org
            ),
            Some(&s),
        )
        .await;
    assert!(r.body.contains("80,00% (Tinggi)"));
    assert!(
        r.body.contains("realisasi 64% terhadap target 80%"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Buka halaman indikator"));
}

#[tokio::test]
async fn unverified_values_count_only_once_verified() {
    for t in setups().await {
        organisation(&t).await;
        for (k, v) in [(ik("kepala", "IKU1"), 64.0), (ik("kepala", "IKU2"), 10.0)] {
            let id = submit(&t, &k, tw(2026, 1), v, "").await;
            verify(&t, id).await;
        }
        let pending = submit(
            &t,
            &ik("bidang-satu", "IK1"),
            tw(2026, 1),
            19.0,
            "Server <b>lambat</b>",
        )
        .await;
        // Submitted, not verified: the bidang has nothing that counts.
        let v = capaian_json(&t, "tahun=2026&triwulan=1").await;
        assert!(close(&v["capaian"], 90.0), "{v}");
        assert_eq!(unit(&v, "bidang-satu")["status"], "belum_dilaporkan");
        let s = t.login("verifikator").await;
        let dash = format!("/organisasi/{}/dasbor?tahun=2026&triwulan=1", t.org);
        let r = t.get(&dash, Some(&s)).await;
        assert!(r.body.contains("id=\"capaian-organisasi\">90,00%</div>"));
        assert!(r.body.contains("belum diverifikasi"));
        let page = format!("/organisasi/{}/indikator/bidang-satu/IK1", t.org);
        let r = t.get(&page, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("19 layanan"));
        assert!(r.body.contains("belum diverifikasi"));
        assert!(!r.body.contains("95,00%"));
        // Verified: the next request shows it.
        verify(&t, pending).await;
        let v = capaian_json(&t, "tahun=2026&triwulan=1").await;
        assert!(close(&v["capaian"], 92.5), "{v}");
        let r = t.get(&dash, Some(&s)).await;
        assert!(r.body.contains("id=\"capaian-organisasi\">92,50%</div>"));
        let r = t.get(&page, Some(&s)).await;
        assert!(r.body.contains("95,00%"));
        assert!(!r.body.contains("belum diverifikasi</span>"));
    }
}

#[tokio::test]
async fn indicator_page_tells_the_whole_story() {
    let t = setup().await;
    organisation(&t).await;
    let k = ik("kepala", "IKU2");
    let first = submit(&t, &k, tw(2026, 1), 10.0, "Perizinan <i>lambat</i>").await;
    verify(&t, first).await;
    // TW II: submitted, returned with a reason.
    let second = submit(&t, &k, tw(2026, 2), 4.0, "").await;
    t.store
        .transition_realisation(
            "verifikator",
            t.org,
            second,
            Action::Kembalikan,
            Some("Bukti belum lengkap"),
        )
        .await
        .expect("kembalikan");
    let s = t.login("operator").await;
    let r = t
        .get(
            &format!("/organisasi/{}/indikator/kepala/IKU2", t.org),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = &r.body;
    for text in [
        "Jumlah investor baru",
        "Manual IK",
        "<dt>Satuan</dt><dd>orang</dd>",
        "Tahun 2026",
        "Tahun 2029",
        "TW I 2026",
        "10 orang",
        "100,00%",
        "Diverifikasi",
        "Dikembalikan",
        "Bukti belum lengkap",
        "4 orang",
        "belum diverifikasi",
        "Perizinan &#60;i&#62;lambat&#60;/i&#62;",
        "Riwayat alur kerja",
        "Diajukan untuk verifikasi",
        "Realisasi diisi: 10 orang (draf)",
        "verifikator",
        "40 orang",
    ] {
        assert!(b.contains(text), "{text}\n{b}");
    }
    assert!(b.contains(&format!(
        "/organisasi/{}/indikator/kepala/IKU2/realisasi/2026-tw1",
        t.org
    )));
    assert!(b.contains(&format!(
        "/organisasi/{}/indikator/kepala/IKU2/rencana-aksi/2026",
        t.org
    )));
    assert!(b.matches("<svg").count() >= 2);
    assert!(!b.contains("<i>lambat"));
    assert!(!b.contains(" style=\""));

    // The unit page links to it.
    let r = t
        .get(&format!("/organisasi/{}/unit/kepala", t.org), Some(&s))
        .await;
    assert!(r.body.contains(&format!(
        "href=\"/organisasi/{}/indikator/kepala/IKU2\"",
        t.org
    )));

    // Unknown unit or indicator: 404 in Indonesian.
    for path in ["nope/IKU2", "kepala/IK9", "kepala/%3Cb%3E"] {
        let r = t
            .get(&format!("/organisasi/{}/indikator/{path}", t.org), Some(&s))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("tidak ada"), "{path}");
        assert!(!r.body.contains("<b>"));
    }
}

#[tokio::test]
async fn evidence_is_listed_with_links() {
    let t = setup().await;
    organisation(&t).await;
    let dir = tempfile::tempdir().expect("dir");
    let store = t.store.clone().with_evidence_dir(dir.path());
    let k = ik("kepala", "IKU1");
    let id = store
        .save_realisation(
            "operator",
            t.org,
            &k,
            tw(2026, 1),
            &RealisationInput {
                value: Some(Realisation::Number(70.0)),
                ..RealisationInput::default()
            },
        )
        .await
        .expect("save");
    let e = store
        .add_evidence(
            "operator",
            t.org,
            id,
            "laporan survei.pdf",
            b"%PDF-1.4\n%uji\n%%EOF\n",
        )
        .await
        .expect("evidence");
    let s = t.login("pimpinan").await;
    let r = t
        .get(
            &format!("/organisasi/{}/indikator/kepala/IKU1", t.org),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains(&format!("href=\"/organisasi/{}/bukti/{}\"", t.org, e.id))
    );
    assert!(r.body.contains("laporan survei.pdf"));
    assert!(r.body.contains("PDF"));
}

#[tokio::test]
async fn settings_change_the_predicate() {
    let t = setup().await;
    measured(&t).await;
    let page = format!("/organisasi/{}/pengaturan-capaian", t.org);
    let s = t.login("perencana").await;
    let r = t.get(&page, Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("value=\"Sangat Tinggi\""));
    assert!(r.body.contains("value=\"91\""));
    assert!(
        r.body.contains("name=\"label_7\""),
        "blank rows to add bands"
    );
    assert!(r.body.contains("value=\"120\""));

    // Invalid: messages next to the fields, nothing saved.
    let before = t.audit_count().await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("label_0", "Baik"),
                ("batas_0", "50"),
                ("label_1", "Kurang"),
                ("batas_1", "60"),
                ("batas_atas", "120"),
            ],
            "harus dimulai di bawah predikat",
        ),
        (
            &[
                ("label_0", "Baik"),
                ("batas_0", "50"),
                ("label_1", "Kurang"),
                ("batas_1", "10"),
                ("batas_atas", "120"),
            ],
            "harus dimulai dari 0",
        ),
        (
            &[
                ("label_0", "Baik"),
                ("batas_0", "abc"),
                ("label_1", "Kurang"),
                ("batas_1", "0"),
                ("batas_atas", "120"),
            ],
            "bukan angka",
        ),
        (
            &[
                ("label_0", "Baik"),
                ("batas_0", "50"),
                ("label_1", "Baik"),
                ("batas_1", "0"),
                ("batas_atas", "120"),
            ],
            "lebih dari sekali",
        ),
        (
            &[
                ("label_0", "Baik"),
                ("batas_0", "50"),
                ("label_1", "Kurang"),
                ("batas_1", "0"),
                ("batas_atas", "90"),
            ],
            "paling sedikit 100",
        ),
    ];
    for (form, message) in cases {
        let r = t.post(&page, Some(&s), form, Some(&s.csrf)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}\n{}", r.body);
        assert!(r.body.contains("aria-invalid=\"true\""));
        assert!(r.body.contains("field-error"));
    }
    assert_eq!(t.audit_count().await, before);

    // Valid: saved, audited, and the predicate shown changes.
    let r = t
        .post(
            &page,
            Some(&s),
            &[
                ("label_0", "Baik"),
                ("batas_0", "85"),
                ("label_1", "Kurang"),
                ("batas_1", "0"),
                ("label_2", ""),
                ("batas_2", ""),
                ("batas_atas", "110"),
            ],
            Some(&s.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let records = t
        .store
        .audit_log(&AuditFilter {
            entity: Some(entity::SETTINGS.into()),
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].actor, "perencana");
    let v = capaian_json(&t, "tahun=2026&triwulan=1").await;
    assert_eq!(v["predikat"], "Baik");
    assert!(close(&v["batas_atas"], 110.0));
    assert_eq!(indicator(&v, "kepala", "IKU1")["predikat"], "Kurang");
    let r = t
        .get(
            &format!("/organisasi/{}/dasbor?tahun=2026&triwulan=1", t.org),
            Some(&s),
        )
        .await;
    assert!(r.body.contains("Baik"));
    assert!(r.body.contains("Kurang"));
    assert!(!r.body.contains("Sangat Tinggi"));
    let r = t.get(&format!("{page}?pesan=disimpan"), Some(&s)).await;
    assert!(r.body.contains("Pengaturan capaian disimpan"));
    assert!(r.body.contains("value=\"Baik\""));
    assert!(r.body.contains("value=\"110\""));
    // Back to the defaults.
    let r = t
        .post(&page, Some(&s), &[("bawaan", "1")], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let v = capaian_json(&t, "tahun=2026&triwulan=1").await;
    assert_eq!(v["predikat"], "Sangat Tinggi");

    // Who may: admin and unscoped perencana; no other role, no other organisation; CSRF.
    let a = t.login("admin").await;
    assert_eq!(t.get(&page, Some(&a)).await.status, StatusCode::OK);
    for role in [
        "operator",
        "verifikator",
        "pimpinan",
        "inspektorat",
        "perencana.lain",
    ] {
        let o = t.login(role).await;
        let r = t.get(&page, Some(&o)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
        let r = t
            .post(&page, Some(&o), &[("bawaan", "1")], Some(&o.csrf))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    let r = t.post(&page, Some(&s), &[("bawaan", "1")], None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The dashboard links to it only for those who may.
    let dash = format!("/organisasi/{}/dasbor", t.org);
    assert!(
        t.get(&dash, Some(&s))
            .await
            .body
            .contains("pengaturan-capaian")
    );
    let p = t.login("pimpinan").await;
    assert!(
        !t.get(&dash, Some(&p))
            .await
            .body
            .contains("pengaturan-capaian")
    );
}

#[tokio::test]
async fn bad_spans_get_indonesian_errors() {
    let t = setup().await;
    organisation(&t).await;
    let s = t.login("pimpinan").await;
    let cases = [
        ("tahun=abc", "tahun", "Tahun &#39;abc&#39; tidak sah"),
        ("tahun=20261", "tahun", "tidak masuk akal"),
        (
            "tahun=2026&triwulan=5",
            "triwulan",
            "Triwulan &#39;5&#39; tidak sah",
        ),
        ("triwulan=II", "triwulan", "pilih 1, 2, 3 atau 4"),
        ("tahun=%3Cb%3E", "tahun", "&#60;b&#62;"),
    ];
    for (q, _, text) in cases {
        for path in [
            format!("/organisasi/{}/dasbor?{q}", t.org),
            format!("/organisasi/{}/pohon?warna=capaian&{q}", t.org),
            format!("/organisasi/{}/pohon.svg?warna=capaian&{q}", t.org),
            format!(
                "/organisasi/{}/pohon/detail?unit=kepala&sasaran=SS1&{q}",
                t.org
            ),
        ] {
            let r = t.get(&path, Some(&s)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            assert!(r.body.contains(text), "{path}: {text}\n{}", r.body);
            assert!(!r.body.contains("<b>"));
        }
    }
    // Without warna=capaian the diagram ignores the span, as before.
    let r = t
        .get(&format!("/organisasi/{}/pohon?tahun=abc", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // The API answers JSON naming the field.
    let tk = token(&t, "pimpinan").await;
    for (q, field, _) in cases {
        let r = api(
            &t,
            &format!("/api/v1/organisations/{}/capaian?{q}", t.org),
            &tk,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let v: Value = serde_json::from_str(&r.body).expect("json");
        assert_eq!(v["error"], "unprocessable");
        assert!(v["fields"][field].is_string(), "{q}: {v}");
    }
}

#[tokio::test]
async fn who_may_read_the_dashboards() {
    let t = setup().await;
    measured(&t).await;
    let pages = [
        format!("/organisasi/{}/dasbor?tahun=2026", t.org),
        format!("/organisasi/{}/indikator/kepala/IKU1", t.org),
        format!("/organisasi/{}/pohon?warna=capaian&tahun=2026", t.org),
        format!("/organisasi/{}/pohon.svg?warna=capaian&tahun=2026", t.org),
    ];
    for path in &pages {
        let r = t.get(path, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        for role in ROLES {
            let s = t.login(role).await;
            let r = t.get(path, Some(&s)).await;
            assert_eq!(r.status, StatusCode::OK, "{role} {path}");
        }
        for role in ["perencana.lain", "inspektorat.lain"] {
            let s = t.login(role).await;
            let r = t.get(path, Some(&s)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert!(r.body.contains("di luar lingkup"));
            assert!(!r.body.contains("92,50%"));
        }
    }
    // The API: the other organisation's token is refused, no token is 401.
    let tk = token(&t, "perencana.lain").await;
    let path = format!("/api/v1/organisations/{}/capaian?tahun=2026", t.org);
    let r = api(&t, &path, &tk).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("92.5"));
    let r = t.get(&path, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = api(
        &t,
        "/api/v1/organisations/99999/capaian?tahun=2026",
        &token(&t, "admin").await,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
