//! The whole application in-process (`oneshot` against `app(state)`), each test on a fresh
//! SQLite database (and PostgreSQL when `POKIN_TEST_DATABASE_URL` is set, for the flows where it
//! is cheap): authentication, CSRF, throttling, read permissions, the API, security headers.
//! Every route of the table for every principal, CSRF on every route and user text in every
//! page are walked by `tests/security.rs`.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

#[tokio::test]
async fn login_logout_and_session_invalidation() {
    for t in setups().await {
        // Pages need a login.
        let r = t.get("/organisasi", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/masuk")
        );

        let s = t.login("perencana").await;
        let r = t.get("/organisasi", Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK);
        let set = t
            .send(Request::get("/masuk").body(Body::empty()).unwrap())
            .await;
        assert!(
            set.headers[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .contains("HttpOnly")
        );

        // A second login gets a new session id (no fixation).
        let s2 = t.login("perencana").await;
        assert_ne!(s.cookie, s2.cookie);

        // Logout ends exactly that session.
        let r = t.post("/keluar", Some(&s), &[], Some(&s.csrf)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            t.get("/organisasi", Some(&s)).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(t.get("/organisasi", Some(&s2)).await.status, StatusCode::OK);

        // Changing the password ends every session, and gives a new one.
        let r = t
            .post(
                "/akun/sandi",
                Some(&s2),
                &[
                    ("old", PASSWORD),
                    ("new", "sandi-baru-999"),
                    ("confirm", "sandi-baru-999"),
                ],
                Some(&s2.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            t.get("/organisasi", Some(&s2)).await.status,
            StatusCode::SEE_OTHER
        );
        let fresh = cookie_value(&r.headers, "pokin_sesi").expect("new session");
        let fresh = Session {
            cookie: fresh,
            csrf: String::new(),
        };
        assert_eq!(
            t.get("/organisasi", Some(&fresh)).await.status,
            StatusCode::OK
        );
        assert!(t.try_login("perencana", PASSWORD).await.is_err());
        assert!(t.try_login("perencana", "sandi-baru-999").await.is_ok());

        // Wrong old password: 422 with the message next to the field.
        let s3 = t.login("pimpinan").await;
        let r = t
            .post(
                "/akun/sandi",
                Some(&s3),
                &[
                    ("old", "salah"),
                    ("new", "x12345678"),
                    ("confirm", "x12345678"),
                ],
                Some(&s3.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Sandi lama salah"));
    }
}

#[tokio::test]
async fn login_is_throttled_after_five_failures() {
    let t = setup().await;
    for _ in 0..5 {
        let r = t
            .try_login("pimpinan", "salah-salah")
            .await
            .expect_err("refused");
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Nama pengguna atau sandi salah"));
    }
    let r = t
        .try_login("pimpinan", PASSWORD)
        .await
        .expect_err("throttled");
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Terlalu banyak percobaan"));
    // Another user name is not affected.
    assert!(t.try_login("inspektorat", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn must_change_password_redirects_everything_to_the_password_page() {
    let t = setup().await;
    let admin = t.store.user_by_name("admin").await.unwrap().unwrap();
    t.store
        .set_password("tester", admin.id, PASSWORD, true)
        .await
        .unwrap();
    let s = t.login("admin").await;
    let r = t.get("/organisasi", Some(&s)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/akun/sandi");
    assert_eq!(t.get("/akun/sandi", Some(&s)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn csrf_refusals_change_nothing() {
    let t = setup().await;
    let s = t.login("admin").await;
    let before = t.audit_count().await;
    let users = t.store.users().await.unwrap().len();
    let form = [
        ("username", "baru"),
        ("display_name", "Baru"),
        ("role", "pimpinan"),
        ("org", "1"),
        ("password", "sandi-awal-123"),
    ];
    for csrf in [None, Some("salah"), Some("")] {
        let r = t.post("/pengguna", Some(&s), &form, csrf).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{csrf:?}");
        assert!(r.body.contains("CSRF"), "{}", r.body);
    }
    // Logout without a token does not log out.
    assert_eq!(
        t.post("/keluar", Some(&s), &[], None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(t.get("/organisasi", Some(&s)).await.status, StatusCode::OK);
    // Login without the pre-session token.
    let r = t
        .post(
            "/masuk",
            None,
            &[("username", "admin"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A POST without any session.
    let r = t.post("/pengguna", None, &form, Some("x")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count().await, before);
    assert_eq!(t.store.users().await.unwrap().len(), users);
    // The same request with the token works, and via the htmx header too.
    let r = t.post("/pengguna", Some(&s), &form, Some(&s.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.store.users().await.unwrap().len(), users + 1);
}

/// Which roles may GET each page of the organisation `t.org` (the rest get 403).
#[tokio::test]
async fn read_pages_by_role_and_scope() {
    for t in setups().await {
        let own = format!("/organisasi/{}", t.org);
        let unit = format!("/organisasi/{}/unit/bidang-satu", t.org);
        let other = format!("/organisasi/{}", t.other_org);
        let other_unit = format!("/organisasi/{}/unit/kepala", t.other_org);
        let audit_own = format!("/audit?org={}", t.org);
        let cases: Vec<(&str, &[&str])> = vec![
            ("/organisasi", &ROLES),
            (&own, &ROLES),
            (&unit, &ROLES),
            (&other, &["admin"]),
            (&other_unit, &["admin"]),
            ("/audit", &["admin", "perencana", "inspektorat"]),
            (&audit_own, &["admin", "perencana", "inspektorat"]),
            ("/pengguna", &["admin"]),
            ("/pengguna/baru", &["admin"]),
            ("/pengguna/1", &["admin"]),
            ("/akun/sandi", &ROLES),
        ];
        for role in ROLES {
            let s = t.login(role).await;
            for (path, allowed) in &cases {
                let r = t.get(path, Some(&s)).await;
                let want = if allowed.contains(&role) {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(
                    r.status,
                    want,
                    "{role} GET {path}: {}",
                    &r.body[..r.body.len().min(300)]
                );
                if want == StatusCode::FORBIDDEN {
                    assert!(r.body.contains("Akses ditolak"), "{role} {path}");
                }
            }
        }
        // Another organisation's inspektorat cannot read this one's audit log.
        let s = t.login("inspektorat.lain").await;
        assert_eq!(
            t.get(&audit_own, Some(&s)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(t.get(&own, Some(&s)).await.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn user_management_is_admin_only_and_refusals_change_nothing() {
    let t = setup().await;
    let target = t.store.user_by_name("pimpinan").await.unwrap().unwrap();
    let edit = format!("/pengguna/{}", target.id);
    let reset = format!("/pengguna/{}/sandi", target.id);
    let org = t.org.to_string();
    let create = [
        ("username", "x.baru"),
        ("display_name", "X"),
        ("role", "pimpinan"),
        ("org", org.as_str()),
        ("password", "sandi-awal-123"),
    ];
    let update = [
        ("display_name", "Diubah"),
        ("role", "pimpinan"),
        ("org", org.as_str()),
        ("disabled", "on"),
    ];
    for role in ROLES.iter().filter(|r| **r != "admin") {
        let s = t.login(role).await;
        let n = t.audit_count().await;
        for (path, form) in [
            ("/pengguna", &create[..]),
            (edit.as_str(), &update[..]),
            (reset.as_str(), &[("password", "sandi-baru-000")][..]),
        ] {
            let r = t.post(path, Some(&s), form, Some(&s.csrf)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} POST {path}");
            assert!(r.body.contains("Hanya Administrator"));
        }
        // One audit record: the login. Nothing else changed.
        assert_eq!(t.audit_count().await, n, "{role}");
        assert_eq!(t.store.user(target.id).await.unwrap().unwrap(), target);
    }
    let s = t.login("admin").await;
    let r = t.post(&edit, Some(&s), &update, Some(&s.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.store.user(target.id).await.unwrap().unwrap().disabled);
    let r = t
        .post(
            &reset,
            Some(&s),
            &[("password", "sandi-baru-000")],
            Some(&s.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("telah diatur ulang"));
    // Field messages.
    let r = t
        .post(
            "/pengguna",
            Some(&s),
            &[
                ("username", "Bad Name"),
                ("display_name", "X"),
                ("role", "admin"),
                ("password", "sandi-awal-123"),
            ],
            Some(&s.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("field-error"));
}

#[tokio::test]
async fn api_with_and_without_token() {
    for t in setups().await {
        let admin = t.store.user_by_name("admin").await.unwrap().unwrap();
        let pimpinan = t.store.user_by_name("pimpinan").await.unwrap().unwrap();
        let perencana = t.store.user_by_name("perencana").await.unwrap().unwrap();
        let admin_token = t
            .store
            .create_api_token("tester", admin.id, "uji")
            .await
            .unwrap();
        let p_token = t
            .store
            .create_api_token("tester", pimpinan.id, "uji")
            .await
            .unwrap();
        let r_token = t
            .store
            .create_api_token("tester", perencana.id, "uji")
            .await
            .unwrap();
        let get = async |path: &str, token: Option<&str>| {
            let mut b = Request::get(path);
            if let Some(tk) = token {
                b = b.header(header::AUTHORIZATION, format!("Bearer {tk}"));
            }
            t.send(b.body(Body::empty()).unwrap()).await
        };
        let tree = format!("/api/v1/organisations/{}/tree", t.org);
        let other_tree = format!("/api/v1/organisations/{}/tree", t.other_org);
        for path in ["/api/v1/organisations", tree.as_str(), "/api/v1/audit"] {
            let r = get(path, None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
            assert!(
                r.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .contains("json")
            );
            assert_eq!(
                get(path, Some("pokin_salah")).await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let r = get("/api/v1/organisations", Some(&p_token)).await;
        assert_eq!(r.status, StatusCode::OK);
        let list: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["id"], t.org);
        let r = get("/api/v1/organisations", Some(&admin_token)).await;
        let list: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2);

        // The tree: the parse JSON shape plus ids.
        let r = get(&tree, Some(&p_token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let u0 = &v["units"][0];
        for k in ["id", "key", "name", "kind", "parent", "objectives"] {
            assert!(u0.get(k).is_some(), "unit lacks {k}");
        }
        let o0 = &u0["objectives"][0];
        for k in ["id", "code", "statement", "indicators"] {
            assert!(o0.get(k).is_some(), "objective lacks {k}");
        }
        let i0 = &o0["indicators"][0];
        for k in ["id", "code", "name", "satuan", "polarity"] {
            assert!(i0.get(k).is_some(), "indicator lacks {k}");
        }
        assert_eq!(v["units"][1]["parent"], "kepala");
        let ids = t.store.load_tree_with_ids(t.org).await.unwrap();
        assert_eq!(u0["id"], ids.units[0].id);
        assert_eq!(i0["id"], ids.units[0].objectives[0].indicators[0].id);

        assert_eq!(
            get(&other_tree, Some(&p_token)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get(&other_tree, Some(&admin_token)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            get("/api/v1/organisations/999999/tree", Some(&admin_token))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Audit: pimpinan may not; perencana sees its organisation only.
        assert_eq!(
            get("/api/v1/audit", Some(&p_token)).await.status,
            StatusCode::FORBIDDEN
        );
        let r = get("/api/v1/audit", Some(&r_token)).await;
        assert_eq!(r.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(v.as_array().unwrap().iter().all(|e| e["org_id"] == t.org));
        let other_audit = format!("/api/v1/audit?org={}", t.other_org);
        assert_eq!(
            get(&other_audit, Some(&r_token)).await.status,
            StatusCode::FORBIDDEN
        );
        let r = get("/api/v1/audit?entity=user", Some(&admin_token)).await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(v.as_array().unwrap().len() >= 8);
        assert!(!r.body.contains("argon2"));
        let r = get("/api/v1/audit?dari=kemarin", Some(&admin_token)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // OpenAPI and Swagger UI.
        let r = get("/api/openapi.json", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for p in [
            "/api/v1/organisations",
            "/api/v1/organisations/{id}/tree",
            "/api/v1/audit",
        ] {
            assert!(doc["paths"].get(p).is_some(), "{p} not documented");
        }
        let r = get("/api/docs/", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("swagger"), "{}", r.body);
    }
}

#[tokio::test]
async fn security_headers_assets_and_404() {
    let t = setup().await;
    let s = t.login("admin").await;
    for path in ["/masuk", "/organisasi", "/tidak-ada", "/aset/app-2.css"] {
        let r = t.get(path, Some(&s)).await;
        let h = &r.headers;
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::REFERRER_POLICY));
    }
    let r = t.get("/tidak-ada", Some(&s)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Tidak ditemukan"));
    let r = t.get("/organisasi/999999", Some(&s)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t.get("/aset/htmx-2.0.11.min.js", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(
        t.get("/aset/tidak-ada.js", None).await.status,
        StatusCode::NOT_FOUND
    );
    // No inline scripts in any page.
    let r = t.get(&format!("/organisasi/{}", t.org), Some(&s)).await;
    for chunk in r.body.split("<script").skip(1) {
        assert!(
            chunk.trim_start().starts_with("src="),
            "inline script: {chunk}"
        );
    }
}

#[tokio::test]
async fn audit_page_filters_and_diffs() {
    let t = setup().await;
    let s = t.login("perencana").await;
    let r = t
        .get(
            &format!("/audit?org={}&entity=organisation", t.org),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("impor"));
    let r = t
        .get(&format!("/audit?org={}&unit=bidang-satu", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = t
        .get(&format!("/audit?org={}&unit=tidak-ada", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .get("/audit?user=perencana&entity=session", Some(&s))
        .await;
    assert!(r.body.contains("masuk"));
}

/// The inspector's check of the whole audit log's hash chain: intact, then a record edited
/// behind Pokin's back (straight in the SQLite file) is named on the page.
#[tokio::test]
async fn audit_chain_page_names_a_record_edited_behind_pokins_back() {
    use sqlx::Connection;
    let t = setup().await;
    let s = t.login("inspektorat").await;
    let r = t.get("/audit/rantai", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Rantai audit utuh"), "{}", r.body);
    assert!(
        t.get("/audit", Some(&s))
            .await
            .body
            .contains("/audit/rantai")
    );

    let file = t._dir.path().join("pokin.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("the SQLite file");
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM audit_log WHERE entity = 'organisation'")
        .fetch_one(&mut conn)
        .await
        .expect("an import record");
    sqlx::query("UPDATE audit_log SET actor = 'penyusup' WHERE id = ?")
        .bind(id)
        .execute(&mut conn)
        .await
        .expect("edit behind Pokin's back");
    conn.close().await.ok();

    let r = t.get("/audit/rantai", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Rantai audit rusak"), "{}", r.body);
    assert!(r.body.contains(&format!("#{id}")), "{}", r.body);
    assert!(r.body.contains("isi catatan diubah"), "{}", r.body);
}

#[tokio::test]
async fn home_redirects() {
    let t = setup().await;
    let s = t.login("pimpinan").await;
    let r = t.get("/", Some(&s)).await;
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/organisasi/{}", t.org).as_str()
    );
    let s = t.login("admin").await;
    assert_eq!(
        t.get("/", Some(&s)).await.headers[header::LOCATION],
        "/organisasi"
    );
}

/// Values the extractors cannot read get an Indonesian page (or JSON under /api), never axum's
/// English plain text; the audit filter's empty "all organisations" option is accepted.
#[tokio::test]
async fn unreadable_paths_and_queries_get_indonesian_errors() {
    let t = setup().await;
    let s = t.login("perencana").await;
    let r = t.get("/audit?org=&user=perencana", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t.get("/audit?org=abc", Some(&s)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("tidak dapat dibaca"), "{}", r.body);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let r = t.get("/organisasi/bukan-angka", Some(&s)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("tidak dapat dibaca"), "{}", r.body);
}
