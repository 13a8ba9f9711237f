//! Editing the tree through the pages and the JSON API: allowed roles change it (visible on the
//! unit page and in the API tree, audited once with before/after); every other role, other
//! organisations and requests without a valid CSRF token get 403 and change nothing; invalid
//! input gets 422 with the Indonesian message next to the field and changes nothing.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Resp, Session, TestApp, setup, setups};
use pokin_domain::Organisation;
use pokin_domain::{Code, UnitKey};
use pokin_store::{AuditFilter, AuditRecord};

struct Ids {
    kepala: i64,
    bidang: i64,
    ss1: i64,
    iku1: i64,
}

async fn ids(t: &TestApp) -> Ids {
    let tree = t.store.load_tree_with_ids(t.org).await.expect("tree");
    let k = |s: &str| UnitKey::parse(s).expect("key");
    let c = |s: &str| Code::parse(s).expect("code");
    Ids {
        kepala: tree.unit_id(&k("kepala")).expect("kepala"),
        bidang: tree.unit_id(&k("bidang-satu")).expect("bidang"),
        ss1: tree.objective_id(&k("kepala"), &c("SS1")).expect("ss1"),
        iku1: tree.indicator_id(&k("kepala"), &c("IKU1")).expect("iku1"),
    }
}

async fn org(t: &TestApp) -> Organisation {
    t.store.load_organisation(t.org).await.expect("org")
}

/// Whether `body` shows `text` HTML-escaped (askama writes `&#60;` or `&lt;`).
fn shows_escaped(body: &str, text: &str) -> bool {
    let a = text.replace('<', "&lt;").replace('>', "&gt;");
    let b = text.replace('<', "&#60;").replace('>', "&#62;");
    (body.contains(&a) || body.contains(&b)) && !body.contains(text)
}

async fn newest(t: &TestApp) -> AuditRecord {
    t.store
        .audit_log(&AuditFilter::default())
        .await
        .expect("audit")
        .remove(0)
}

/// Posts and checks: 303 back to a unit page, exactly one new audit record of `entity`.
async fn post_ok(
    t: &TestApp,
    s: &Session,
    path: &str,
    form: &[(&str, &str)],
    entity: &str,
) -> Resp {
    let before = t.audit_count().await;
    let r = t.post(path, Some(s), form, Some(&s.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
    let loc = r.headers[header::LOCATION].to_str().expect("location");
    assert!(loc.contains("pesan="), "{loc}");
    assert_eq!(
        t.audit_count().await,
        before + 1,
        "{path}: one audit record"
    );
    let rec = newest(t).await;
    assert_eq!(rec.entity, entity, "{path}");
    assert!(rec.before.is_some() || rec.after.is_some());
    r
}

/// Posts and checks the refusal `status`, and that nothing changed.
async fn post_refused(
    t: &TestApp,
    s: &Session,
    path: &str,
    form: &[(&str, &str)],
    csrf: Option<&str>,
    status: StatusCode,
) -> Resp {
    let count = t.audit_count().await;
    let tree = org(t).await;
    let r = t.post(path, Some(s), form, csrf).await;
    assert_eq!(r.status, status, "{path}: {}", r.body);
    assert_eq!(t.audit_count().await, count, "{path}: nothing audited");
    assert_eq!(org(t).await, tree, "{path}: tree unchanged");
    r
}

/// Every editing POST route with a valid body, for the refusal tests.
fn post_routes(
    o: i64,
    i: &Ids,
    sid: i64,
    pid: i64,
) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            format!("/organisasi/{o}/unit/kepala/baru"),
            vec![
                ("name", "Seksi Baru"),
                ("key", "seksi-baru"),
                ("kind", "seksi"),
                ("parent", "kepala"),
            ],
        ),
        (
            format!("/organisasi/{o}/unit/bidang-satu/ubah"),
            vec![
                ("name", "Bidang X"),
                ("key", "bidang-satu"),
                ("kind", "bidang"),
                ("parent", "kepala"),
            ],
        ),
        (
            format!("/organisasi/{o}/unit/bidang-satu/hapus"),
            vec![("yakin", "on")],
        ),
        (
            format!("/organisasi/{o}/unit/bidang-satu/urutan"),
            vec![("arah", "naik")],
        ),
        (
            format!("/organisasi/{o}/unit/kepala/pejabat/baru"),
            vec![("name", "Budi"), ("appointment", "definitif")],
        ),
        (
            format!("/organisasi/{o}/pejabat/{pid}/ubah"),
            vec![("name", "Budi Dua"), ("appointment", "plt")],
        ),
        (format!("/organisasi/{o}/pejabat/{pid}/hapus"), vec![]),
        (
            format!("/organisasi/{o}/unit/kepala/sasaran/baru"),
            vec![("code", "SS9"), ("statement", "Baru")],
        ),
        (
            format!("/organisasi/{o}/sasaran/{}/ubah", i.ss1),
            vec![("code", "SS1"), ("statement", "Ubah")],
        ),
        (format!("/organisasi/{o}/sasaran/{}/hapus", i.ss1), vec![]),
        (
            format!("/organisasi/{o}/sasaran/{}/urutan", i.ss1),
            vec![("arah", "turun")],
        ),
        (
            format!("/organisasi/{o}/sasaran/{}/indikator/baru", i.ss1),
            vec![("code", "IK9"), ("name", "Baru")],
        ),
        (
            format!("/organisasi/{o}/indikator/{}/ubah", i.iku1),
            vec![("code", "IKU1"), ("name", "Ubah")],
        ),
        (
            format!("/organisasi/{o}/indikator/{}/hapus", i.iku1),
            vec![],
        ),
        (
            format!("/organisasi/{o}/sasaran/{}/dukungan", i.ss1),
            vec![("target", "1"), ("weight", "1")],
        ),
        (
            format!("/organisasi/{o}/dukungan/{sid}/ubah"),
            vec![("weight", "2")],
        ),
        (format!("/organisasi/{o}/dukungan/{sid}/hapus"), vec![]),
    ]
}

/// Adds a second objective with a link to SS1 and an official, so every route has a target.
async fn furnish(t: &TestApp) -> (i64, i64, i64) {
    let i = ids(t).await;
    let ss2 = t
        .store
        .create_objective(
            "tester",
            t.org,
            i.kepala,
            &pokin_store::ObjectiveInput {
                code: Code::parse("SS2").expect("code"),
                statement: "Kedua".into(),
                position: None,
            },
        )
        .await
        .expect("objective");
    let sid = t
        .store
        .create_support("tester", t.org, ss2, i.ss1, 1.0)
        .await
        .expect("support");
    let pid = t
        .store
        .create_official(
            "tester",
            t.org,
            i.kepala,
            &pokin_domain::Official {
                name: "Pejabat Lama".into(),
                nip: None,
                pangkat: None,
                golongan: None,
                appointment: pokin_domain::Appointment::Definitif,
                since: None,
                until: None,
            },
        )
        .await
        .expect("official");
    (ss2, sid, pid)
}

#[tokio::test]
async fn edit_forms_open_for_editors_only() {
    for t in setups().await {
        let (ss2, sid, pid) = furnish(&t).await;
        let _ = (ss2, sid);
        let i = ids(&t).await;
        let o = t.org;
        let gets = [
            format!("/organisasi/{o}/unit/kepala/baru"),
            format!("/organisasi/{o}/unit/bidang-satu/ubah"),
            format!("/organisasi/{o}/unit/kepala/pejabat/baru"),
            format!("/organisasi/{o}/pejabat/{pid}/ubah"),
            format!("/organisasi/{o}/unit/kepala/sasaran/baru"),
            format!("/organisasi/{o}/sasaran/{}/ubah", i.ss1),
            format!("/organisasi/{o}/sasaran/{}/indikator/baru", i.ss1),
            format!("/organisasi/{o}/indikator/{}/ubah", i.iku1),
            format!("/organisasi/{o}/sasaran/{}/dukungan", i.ss1),
        ];
        for user in ["admin", "perencana"] {
            let s = t.login(user).await;
            for g in &gets {
                let r = t.get(g, Some(&s)).await;
                assert_eq!(r.status, StatusCode::OK, "{user} {g}");
                assert!(r.body.contains("name=\"_csrf\""), "{g}");
                assert!(!r.body.contains("<script>alert"), "{g}: escaped");
            }
            let page = t
                .get(&format!("/organisasi/{o}/unit/kepala"), Some(&s))
                .await;
            assert!(page.body.contains("Ubah unit"), "{user}: edit buttons");
            assert!(page.body.contains(&format!("/indikator/{}/ubah", i.iku1)));
        }
        for user in [
            "operator",
            "verifikator",
            "pimpinan",
            "inspektorat",
            "perencana.lain",
        ] {
            let s = t.login(user).await;
            for g in &gets {
                let r = t.get(g, Some(&s)).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {g}");
            }
            if user != "perencana.lain" {
                let page = t
                    .get(&format!("/organisasi/{o}/unit/kepala"), Some(&s))
                    .await;
                assert_eq!(page.status, StatusCode::OK);
                assert!(!page.body.contains("Ubah unit"), "{user}: no edit buttons");
            }
        }
    }
}

#[tokio::test]
async fn other_roles_other_orgs_and_bad_csrf_change_nothing() {
    for t in setups().await {
        let (_, sid, pid) = furnish(&t).await;
        let i = ids(&t).await;
        let routes = post_routes(t.org, &i, sid, pid);
        for user in [
            "operator",
            "verifikator",
            "pimpinan",
            "inspektorat",
            "perencana.lain",
            "inspektorat.lain",
        ] {
            let s = t.login(user).await;
            for (path, form) in &routes {
                post_refused(&t, &s, path, form, Some(&s.csrf), StatusCode::FORBIDDEN).await;
            }
        }
        let s = t.login("perencana").await;
        for (path, form) in &routes {
            post_refused(&t, &s, path, form, None, StatusCode::FORBIDDEN).await;
            post_refused(&t, &s, path, form, Some("salah"), StatusCode::FORBIDDEN).await;
        }
    }
}

#[tokio::test]
async fn perencana_and_admin_edit_everything_audited_once() {
    for user in ["perencana", "admin"] {
        for t in setups().await {
            let s = t.login(user).await;
            let o = t.org;
            let i = ids(&t).await;
            // Units: create a child, edit it, move it, delete it.
            let r = post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/kepala/baru"),
                &[
                    ("name", "Seksi <script>alert(9)</script>"),
                    ("key", ""),
                    ("kind", "seksi"),
                    ("parent", "bidang-satu"),
                ],
                "unit",
            )
            .await;
            let loc = r.headers[header::LOCATION]
                .to_str()
                .expect("loc")
                .to_owned();
            assert!(loc.contains("/unit/seksi-script-alert-9-script"), "{loc}");
            assert!(newest(&t).await.before.is_none());
            let page = t.get(&loc, Some(&s)).await;
            assert!(shows_escaped(&page.body, "Seksi <script>alert(9)</script>"));
            assert!(page.body.contains("Unit baru ditambahkan."));
            let stored = org(&t).await;
            assert!(
                stored
                    .units
                    .iter()
                    .any(|u| u.name == "Seksi <script>alert(9)</script>"),
                "verbatim"
            );
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/seksi-script-alert-9-script/ubah"),
                &[
                    ("name", "Seksi Dua"),
                    ("key", "seksi-dua"),
                    ("kind", "seksi"),
                    ("parent", "bidang-satu"),
                ],
                "unit",
            )
            .await;
            let rec = newest(&t).await;
            assert!(rec.before.is_some() && rec.after.is_some());
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/kepala/baru"),
                &[
                    ("name", "Seksi Tiga"),
                    ("key", "seksi-tiga"),
                    ("kind", "seksi"),
                    ("parent", "bidang-satu"),
                ],
                "unit",
            )
            .await;
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/seksi-tiga/urutan"),
                &[("arah", "naik")],
                "unit",
            )
            .await;
            let stored = org(&t).await;
            let kids: Vec<String> = stored
                .children(Some(&UnitKey::parse("bidang-satu").expect("k")))
                .map(|u| u.key.to_string())
                .collect();
            assert_eq!(kids, ["seksi-tiga", "seksi-dua"]);
            post_refused(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/seksi-tiga/urutan"),
                &[("arah", "naik")],
                Some(&s.csrf),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/seksi-dua/hapus"),
                &[("yakin", "on")],
                "unit",
            )
            .await;
            assert!(newest(&t).await.after.is_none());
            assert!(
                org(&t)
                    .await
                    .unit(&UnitKey::parse("seksi-dua").expect("k"))
                    .is_none()
            );

            // Officials.
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/kepala/pejabat/baru"),
                &[
                    ("name", "Dr. <b>Budi</b>"),
                    ("nip", "19700101 199503 1 001"),
                    ("pangkat", "Pembina"),
                    ("golongan", "IV/a"),
                    ("appointment", "plt"),
                    ("since", "2025-01-02"),
                    ("until", ""),
                ],
                "official",
            )
            .await;
            let page = t
                .get(&format!("/organisasi/{o}/unit/kepala"), Some(&s))
                .await;
            assert!(shows_escaped(&page.body, "Dr. <b>Budi</b>"));
            assert!(page.body.contains("Plt."));
            let pid = t.store.load_tree_with_ids(o).await.expect("t").units[0].officials[0];
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/pejabat/{pid}/ubah"),
                &[("name", "Budi"), ("nip", ""), ("appointment", "definitif")],
                "official",
            )
            .await;
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/pejabat/{pid}/hapus"),
                &[],
                "official",
            )
            .await;
            assert!(org(&t).await.units[0].officials.is_empty());

            // Objectives.
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/unit/kepala/sasaran/baru"),
                &[("code", "ss2"), ("statement", "Meningkatnya <i>mutu</i>")],
                "objective",
            )
            .await;
            let page = t
                .get(&format!("/organisasi/{o}/unit/kepala"), Some(&s))
                .await;
            assert!(shows_escaped(&page.body, "Meningkatnya <i>mutu</i>"));
            let tree = t.store.load_tree_with_ids(o).await.expect("t");
            let ss2 = tree
                .objective_id(
                    &UnitKey::parse("kepala").expect("k"),
                    &Code::parse("SS2").expect("c"),
                )
                .expect("ss2");
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/sasaran/{ss2}/ubah"),
                &[("code", "SS2"), ("statement", "Meningkatnya mutu")],
                "objective",
            )
            .await;
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/sasaran/{ss2}/urutan"),
                &[("arah", "naik")],
                "objective",
            )
            .await;
            assert_eq!(org(&t).await.units[0].objectives[0].code.as_str(), "SS2");

            // Indicators with targets.
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/sasaran/{ss2}/indikator/baru"),
                &[
                    ("code", "IK2.1"),
                    ("name", "Persentase <script>x</script>"),
                    ("iku", "on"),
                    ("satuan", "%"),
                    ("polarity", "positive"),
                    ("aggregation", "nilai_akhir"),
                    ("periodisation", "bulanan"),
                    ("definition", "Def"),
                    ("formula", "a/b"),
                    ("data_source", "SIMPEL"),
                    ("responsible", "Kabid"),
                    ("baseline", "80"),
                    ("decimals", "1"),
                    ("target_2025", "85,5"),
                    ("target_2026", "80–90"),
                    ("target_2027", "WTP"),
                    ("target_2028", ""),
                ],
                "indicator",
            )
            .await;
            let rec = newest(&t).await;
            assert_eq!(
                rec.after.as_ref().expect("after")["targets"]
                    .as_array()
                    .expect("targets")
                    .len(),
                3
            );
            let stored = org(&t).await;
            let ind = &stored.units[0].objectives[0].indicators[0];
            assert_eq!(ind.name, "Persentase <script>x</script>");
            assert!(ind.iku);
            assert_eq!(
                ind.periodisation,
                Some(pokin_domain::capaian::Periodisation::Bulanan)
            );
            assert_eq!(ind.targets[&2025], pokin_domain::TargetValue::Number(85.5));
            assert_eq!(
                ind.targets[&2026],
                pokin_domain::TargetValue::Range {
                    min: 80.0,
                    max: 90.0
                }
            );
            let page = t
                .get(&format!("/organisasi/{o}/unit/kepala"), Some(&s))
                .await;
            assert!(page.body.contains("85,5%"));
            assert!(shows_escaped(&page.body, "Persentase <script>x</script>"));
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/indikator/{}/ubah", i.iku1),
                &[
                    ("code", "IKU1"),
                    ("name", "Indeks baru"),
                    ("target_2025", "3,25"),
                ],
                "indicator",
            )
            .await;
            let rec = newest(&t).await;
            assert!(rec.before.is_some() && rec.after.is_some());
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/indikator/{}/hapus", i.iku1),
                &[],
                "indicator",
            )
            .await;

            // Cascade links: add (crosscutting to another unit is allowed), change, remove.
            let r = post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/sasaran/{ss2}/dukungan"),
                &[("target", &i.ss1.to_string()), ("weight", "0,5")],
                "support",
            )
            .await;
            assert!(
                r.headers[header::LOCATION]
                    .to_str()
                    .expect("l")
                    .contains("/unit/kepala")
            );
            let tree = t.store.load_tree_with_ids(o).await.expect("t");
            let sid = tree.units[0].objectives[0].supports[0].id;
            assert_eq!(
                tree.organisation.units[0].objectives[0].supports[0].weight,
                0.5
            );
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/dukungan/{sid}/ubah"),
                &[("weight", "2")],
                "support",
            )
            .await;
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/dukungan/{sid}/hapus"),
                &[],
                "support",
            )
            .await;
            // Delete the objective last.
            post_ok(
                &t,
                &s,
                &format!("/organisasi/{o}/sasaran/{ss2}/hapus"),
                &[],
                "objective",
            )
            .await;
            let _ = i.bidang;
        }
    }
}

#[tokio::test]
async fn htmx_link_changes_return_the_links_page() {
    let t = setup().await;
    let (ss2, _, _) = furnish(&t).await;
    let s = t.login("perencana").await;
    let i = ids(&t).await;
    // A link from SS2 to SS1 exists already; add one from SS1 to SS2 via htmx.
    let r = t
        .send(
            Request::post(format!("/organisasi/{}/sasaran/{}/dukungan", t.org, i.ss1))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("pokin_sesi={}", s.cookie))
                .header("HX-Request", "true")
                .body(Body::from(format!(
                    "target={ss2}&weight=2&_csrf={}",
                    s.csrf
                )))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.headers[header::LOCATION]
            .to_str()
            .expect("l")
            .contains("/dukungan?pesan=dukungan-ditambah")
    );
}

/// Path, form, field and a piece of the expected message.
type Case = (
    String,
    Vec<(&'static str, String)>,
    &'static str,
    &'static str,
);

#[tokio::test]
async fn invalid_input_is_422_next_to_the_field_and_changes_nothing() {
    for t in setups().await {
        let (ss2, sid, pid) = furnish(&t).await;
        let i = ids(&t).await;
        let o = t.org;
        let s = t.login("perencana").await;
        let c = Some(s.csrf.as_str());
        let cases: Vec<Case> = vec![
            (
                format!("/organisasi/{o}/unit/kepala/baru"),
                vec![
                    ("name", "  ".into()),
                    ("key", "x".into()),
                    ("kind", "seksi".into()),
                    ("parent", "kepala".into()),
                ],
                "name",
                "Nama unit wajib diisi",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/baru"),
                vec![
                    ("name", "Dup".into()),
                    ("key", "bidang-satu".into()),
                    ("kind", "seksi".into()),
                    ("parent", "kepala".into()),
                ],
                "key",
                "sudah dipakai unit lain",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/baru"),
                vec![
                    ("name", "Bad".into()),
                    ("key", "Bad Key".into()),
                    ("kind", "seksi".into()),
                    ("parent", "kepala".into()),
                ],
                "key",
                "huruf kecil",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/ubah"),
                vec![
                    ("name", "Kepala".into()),
                    ("key", "kepala".into()),
                    ("kind", "kepala".into()),
                    ("parent", "bidang-satu".into()),
                ],
                "parent",
                "lingkaran",
            ),
            (
                format!("/organisasi/{o}/unit/bidang-satu/hapus"),
                vec![],
                "confirm",
                "Saya yakin",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/hapus"),
                vec![("yakin", "on".into())],
                "confirm",
                "masih membawahi",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/pejabat/baru"),
                vec![("name", "Budi".into()), ("nip", "123".into())],
                "nip",
                "18 angka",
            ),
            (
                format!("/organisasi/{o}/pejabat/{pid}/ubah"),
                vec![("name", "".into())],
                "name",
                "Nama pejabat wajib diisi",
            ),
            (
                format!("/organisasi/{o}/pejabat/{pid}/ubah"),
                vec![
                    ("name", "B".into()),
                    ("since", "2025-05-01".into()),
                    ("until", "2024-01-01".into()),
                ],
                "until",
                "sebelum tanggal mulai",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/sasaran/baru"),
                vec![("code", "SS1".into()), ("statement", "x".into())],
                "code",
                "sudah dipakai",
            ),
            (
                format!("/organisasi/{o}/unit/kepala/sasaran/baru"),
                vec![("code", "SS3".into()), ("statement", " ".into())],
                "statement",
                "wajib diisi",
            ),
            (
                format!("/organisasi/{o}/sasaran/{ss2}/ubah"),
                vec![("code", "1!".into()), ("statement", "x".into())],
                "code",
                "Kode tidak sah",
            ),
            (
                format!("/organisasi/{o}/sasaran/{}/indikator/baru", i.ss1),
                vec![("code", "IKU1".into()), ("name", "x".into())],
                "code",
                "sudah dipakai indikator lain",
            ),
            (
                format!("/organisasi/{o}/sasaran/{}/indikator/baru", i.ss1),
                vec![("code", "IK5".into()), ("name", "".into())],
                "name",
                "Nama indikator wajib diisi",
            ),
            (
                format!("/organisasi/{o}/indikator/{}/ubah", i.iku1),
                vec![
                    ("code", "IKU1".into()),
                    ("name", "x".into()),
                    ("target_2025", "12,3,4".into()),
                ],
                "target_2025",
                "bukan angka yang sah",
            ),
            (
                format!("/organisasi/{o}/indikator/{}/ubah", i.iku1),
                vec![
                    ("code", "IKU1".into()),
                    ("name", "x".into()),
                    ("decimals", "9".into()),
                ],
                "decimals",
                "0 sampai 6",
            ),
            (
                format!("/organisasi/{o}/indikator/{}/ubah", i.iku1),
                vec![
                    ("code", "IKU1".into()),
                    ("name", "x".into()),
                    ("baseline", "90–80".into()),
                ],
                "baseline",
                "terbalik",
            ),
            (
                format!("/organisasi/{o}/sasaran/{}/dukungan", i.ss1),
                vec![("target", i.ss1.to_string()), ("weight", "1".into())],
                "target",
                "dirinya sendiri",
            ),
            (
                format!("/organisasi/{o}/sasaran/{ss2}/dukungan"),
                vec![("target", i.ss1.to_string()), ("weight", "1".into())],
                "target",
                "sudah mendukung",
            ),
            (
                format!("/organisasi/{o}/sasaran/{}/dukungan", i.ss1),
                vec![("target", ss2.to_string()), ("weight", "0".into())],
                "weight",
                "lebih dari 0",
            ),
            (
                format!("/organisasi/{o}/sasaran/{}/dukungan", i.ss1),
                vec![("target", ss2.to_string()), ("weight", "abc".into())],
                "weight",
                "berupa angka",
            ),
            (
                format!("/organisasi/{o}/dukungan/{sid}/ubah"),
                vec![("weight", "0".into())],
                "weight",
                "lebih dari 0",
            ),
        ];
        for (path, form, field, text) in &cases {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = post_refused(&t, &s, path, &form, c, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert!(r.body.contains(text), "{path} {field}: {text}\n{}", r.body);
            assert!(
                r.body.contains("field-error"),
                "{path}: message next to the field"
            );
            // The user's input is kept.
            for (k, v) in &form {
                if !v.trim().is_empty() && !["yakin", "target", "parent"].contains(k) {
                    assert!(
                        r.body.contains(&v.replace('&', "&amp;")),
                        "{path}: keeps {k}={v}"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The API.

async fn token(t: &TestApp, user: &str) -> String {
    let u = t.store.user_by_name(user).await.expect("u").expect("user");
    t.store
        .create_api_token("tester", u.id, "uji")
        .await
        .expect("token")
}

async fn api(
    t: &TestApp,
    method: Method,
    path: &str,
    tk: Option<&str>,
    json: Option<serde_json::Value>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(tk) = tk {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tk}"));
    }
    let body = match json {
        Some(j) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(j.to_string())
        }
        None => Body::empty(),
    };
    t.send(b.body(body).expect("req")).await
}

#[tokio::test]
async fn api_edits_with_tokens() {
    use serde_json::json;
    for t in setups().await {
        let o = t.org;
        let i = ids(&t).await;
        let tk = token(&t, "perencana").await;
        let base = format!("/api/v1/organisations/{o}");
        // 401 without a token, nothing changes.
        api(&t, Method::GET, "/api/v1/organisations", Some(&tk), None).await;
        let n = t.audit_count().await;
        let r = api(
            &t,
            Method::POST,
            &format!("{base}/units/{}/objectives", i.kepala),
            None,
            Some(json!({"code": "SS5", "statement": "x"})),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(t.audit_count().await, n, "nothing changes without a token");
        // Forbidden roles and other organisations: 403, nothing changes.
        for user in [
            "operator",
            "pimpinan",
            "inspektorat",
            "verifikator",
            "perencana.lain",
        ] {
            let other = token(&t, user).await;
            // The first use of a token is recorded (audited) once an hour: use it once first.
            api(&t, Method::GET, "/api/v1/organisations", Some(&other), None).await;
            let count = t.audit_count().await;
            let tree = org(&t).await;
            for (m, p, j) in [
                (
                    Method::POST,
                    format!("{base}/units"),
                    Some(json!({"name": "X", "key": "x", "kind": "seksi", "parent": "kepala"})),
                ),
                (
                    Method::PUT,
                    format!("{base}/units/{}", i.bidang),
                    Some(
                        json!({"name": "X", "key": "bidang-satu", "kind": "bidang", "parent": "kepala"}),
                    ),
                ),
                (Method::DELETE, format!("{base}/units/{}", i.bidang), None),
                (
                    Method::POST,
                    format!("{base}/units/{}/objectives", i.kepala),
                    Some(json!({"code": "SS5", "statement": "x"})),
                ),
                (
                    Method::PUT,
                    format!("{base}/objectives/{}", i.ss1),
                    Some(json!({"code": "SS1", "statement": "x"})),
                ),
                (Method::DELETE, format!("{base}/objectives/{}", i.ss1), None),
                (
                    Method::POST,
                    format!("{base}/objectives/{}/indicators", i.ss1),
                    Some(json!({"code": "IK5", "name": "x"})),
                ),
                (
                    Method::PUT,
                    format!("{base}/indicators/{}", i.iku1),
                    Some(json!({"code": "IKU1", "name": "x"})),
                ),
                (
                    Method::DELETE,
                    format!("{base}/indicators/{}", i.iku1),
                    None,
                ),
                (
                    Method::POST,
                    format!("{base}/units/{}/officials", i.kepala),
                    Some(json!({"name": "B"})),
                ),
            ] {
                let r = api(&t, m, &p, Some(&other), j).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {p}: {}", r.body);
            }
            assert_eq!(t.audit_count().await, count);
            assert_eq!(org(&t).await, tree);
        }

        // Allowed: a full round of changes, each audited once and visible in the tree.
        let step = async |m: Method,
                          p: String,
                          j: Option<serde_json::Value>,
                          status: StatusCode|
               -> serde_json::Value {
            let before = t.audit_count().await;
            let r = api(&t, m, &p, Some(&tk), j).await;
            assert_eq!(r.status, status, "{p}: {}", r.body);
            assert_eq!(t.audit_count().await, before + 1, "{p}");
            serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null)
        };
        let u = step(Method::POST, format!("{base}/units"), Some(json!({"name": "Seksi <script>", "key": "seksi-api", "kind": "seksi", "parent": "bidang-satu"})), StatusCode::CREATED).await;
        let uid = u["id"].as_i64().expect("id");
        step(Method::PUT, format!("{base}/units/{uid}"), Some(json!({"name": "Seksi API", "key": "seksi-api", "kind": "seksi", "parent": "bidang-satu"})), StatusCode::OK).await;
        step(
            Method::POST,
            format!("{base}/units/{uid}/objectives"),
            Some(json!({"code": "SK1", "statement": "Meningkatnya"})),
            StatusCode::CREATED,
        )
        .await;
        let ob = step(
            Method::POST,
            format!("{base}/units/{uid}/objectives"),
            Some(json!({"code": "SK2", "statement": "Kedua"})),
            StatusCode::CREATED,
        )
        .await;
        let oid = ob["id"].as_i64().expect("id");
        step(
            Method::POST,
            format!("{base}/objectives/{oid}/move"),
            Some(json!({"direction": "up"})),
            StatusCode::NO_CONTENT,
        )
        .await;
        step(
            Method::PUT,
            format!("{base}/objectives/{oid}"),
            Some(json!({"code": "SK2", "statement": "Kedua diubah"})),
            StatusCode::OK,
        )
        .await;
        let ind = step(Method::POST, format!("{base}/objectives/{oid}/indicators"), Some(json!({"code": "IK1", "name": "Jumlah", "satuan": "dokumen", "targets": {"2025": "85,5", "2026": 90}})), StatusCode::CREATED).await;
        let iid = ind["id"].as_i64().expect("id");
        step(Method::PUT, format!("{base}/indicators/{iid}"), Some(json!({"code": "IK1", "name": "Jumlah dokumen", "iku": true, "targets": {"2025": "80–90"}})), StatusCode::OK).await;
        let sup = step(
            Method::POST,
            format!("{base}/objectives/{oid}/supports"),
            Some(json!({"target": i.ss1, "weight": 0.5})),
            StatusCode::CREATED,
        )
        .await;
        let sid = sup["id"].as_i64().expect("id");
        step(
            Method::PUT,
            format!("{base}/supports/{sid}"),
            Some(json!({"weight": "1,5"})),
            StatusCode::OK,
        )
        .await;
        let off = step(
            Method::POST,
            format!("{base}/units/{uid}/officials"),
            Some(json!({"name": "Siti", "nip": "19800101 200501 2 001", "appointment": "plh"})),
            StatusCode::CREATED,
        )
        .await;
        let pid = off["id"].as_i64().expect("id");
        step(
            Method::PUT,
            format!("{base}/officials/{pid}"),
            Some(json!({"name": "Siti A"})),
            StatusCode::OK,
        )
        .await;

        let tree = api(&t, Method::GET, &format!("{base}/tree"), Some(&tk), None).await;
        assert!(
            tree.body.contains("Kedua diubah") && tree.body.contains("Jumlah dokumen"),
            "{}",
            tree.body
        );

        // Invalid: 422 JSON with field messages, nothing changes.
        let count = t.audit_count().await;
        for (m, p, j, field) in [
            (
                Method::POST,
                format!("{base}/units"),
                json!({"name": "", "key": "a", "kind": "seksi", "parent": "kepala"}),
                "name",
            ),
            (
                Method::PUT,
                format!("{base}/units/{}", i.kepala),
                json!({"name": "K", "key": "kepala", "kind": "kepala", "parent": "seksi-api"}),
                "parent",
            ),
            (
                Method::POST,
                format!("{base}/objectives/{oid}/supports"),
                json!({"target": oid, "weight": 1}),
                "target",
            ),
            (
                Method::PUT,
                format!("{base}/supports/{sid}"),
                json!({"weight": "abc"}),
                "weight",
            ),
            (
                Method::PUT,
                format!("{base}/indicators/{iid}"),
                json!({"code": "IK1", "name": "x", "targets": {"2025": "12,3,4"}}),
                "target_2025",
            ),
            (
                Method::POST,
                format!("{base}/units/{uid}/officials"),
                json!({"name": "B", "nip": "12"}),
                "nip",
            ),
        ] {
            let r = api(&t, m, &p, Some(&tk), Some(j)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{p}: {}",
                r.body
            );
            let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
            assert!(v["fields"][field].is_string(), "{p}: {}", r.body);
        }
        assert_eq!(t.audit_count().await, count);

        // Deletes.
        step(
            Method::DELETE,
            format!("{base}/supports/{sid}"),
            None,
            StatusCode::NO_CONTENT,
        )
        .await;
        step(
            Method::DELETE,
            format!("{base}/officials/{pid}"),
            None,
            StatusCode::NO_CONTENT,
        )
        .await;
        step(
            Method::DELETE,
            format!("{base}/indicators/{iid}"),
            None,
            StatusCode::NO_CONTENT,
        )
        .await;
        step(
            Method::DELETE,
            format!("{base}/objectives/{oid}"),
            None,
            StatusCode::NO_CONTENT,
        )
        .await;
        let r = api(
            &t,
            Method::POST,
            &format!("{base}/units/{uid}/move"),
            Some(&tk),
            Some(json!({"direction": "sideways"})),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        step(
            Method::DELETE,
            format!("{base}/units/{uid}"),
            None,
            StatusCode::NO_CONTENT,
        )
        .await;
    }
}

#[tokio::test]
async fn openapi_documents_the_edit_endpoints() {
    let t = setup().await;
    let r = t.get("/api/openapi.json", None).await;
    for p in [
        "/api/v1/organisations/{id}/units",
        "/api/v1/organisations/{id}/units/{unit_id}",
        "/api/v1/organisations/{id}/objectives/{objective_id}/indicators",
        "/api/v1/organisations/{id}/supports/{support_id}",
        "/api/v1/organisations/{id}/officials/{official_id}",
    ] {
        assert!(r.body.contains(p), "{p}");
    }
}
