//! The JSON API for import, accounts, API tokens and the diagram SVG: without a token 401 JSON;
//! with each role's token allowed or 403 JSON, and on 403 nothing changes; dry runs report the
//! seed's counts and warnings; imports are atomic and audited; account changes are audited
//! without hashes; a revoked token stops working.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{ROLES, Resp, TestApp, setup, setups};
use pokin_store::{AuditFilter, User};
use serde_json::{Value, json};

const SEED: &str = include_str!("../../../data/seed/pohon-kinerja-dpmptsp-naker.txt");
const ERROR_TEXT: &str =
    "KEPALA DINAS\nIK1. Persentase tanpa sasaran\nSS1. Meningkatnya mutu\nIK1. Indeks mutu\n";

async fn user(t: &TestApp, name: &str) -> User {
    t.store
        .user_by_name(name)
        .await
        .expect("read")
        .expect("user")
}

async fn token(t: &TestApp, name: &str) -> String {
    let u = user(t, name).await;
    t.store
        .create_api_token("tester", u.id, "uji")
        .await
        .expect("token")
}

/// A request with an optional bearer token and a JSON (or text) body.
async fn call(
    t: &TestApp,
    method: Method,
    path: &str,
    tk: Option<&str>,
    body: Option<(&str, String)>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(tk) = tk {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tk}"));
    }
    let body = match body {
        Some((ct, text)) => {
            b = b.header(header::CONTENT_TYPE, ct);
            Body::from(text)
        }
        None => Body::empty(),
    };
    t.send(b.body(body).expect("request")).await
}

async fn json_call(t: &TestApp, method: Method, path: &str, tk: Option<&str>, j: Value) -> Resp {
    call(
        t,
        method,
        path,
        tk,
        Some(("application/json", j.to_string())),
    )
    .await
}

fn parse(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

fn is_json_error(r: &Resp, code: &str) {
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{r:?}"
    );
    assert_eq!(parse(r)["error"], code, "{}", r.body);
}

/// What a refused request must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    audit: usize,
    users: Vec<User>,
    orgs: Vec<(i64, String)>,
    tokens: usize,
}

async fn snapshot(t: &TestApp) -> Snapshot {
    let users = t.store.users().await.expect("users");
    let mut tokens = 0;
    for u in &users {
        tokens += t.store.api_tokens(u.id).await.expect("tokens").len();
    }
    Snapshot {
        audit: t.audit_count().await,
        users,
        orgs: t
            .store
            .organisations()
            .await
            .expect("orgs")
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
        tokens,
    }
}

/// Every endpoint with a body that would be accepted, for the authorisation checks.
/// Method, path and body (content type, text) of a request.
type Endpoint = (Method, String, Option<(&'static str, String)>);

fn endpoints(t: &TestApp, uid: i64) -> Vec<Endpoint> {
    let j = |v: Value| Some(("application/json", v.to_string()));
    vec![
        (
            Method::POST,
            "/api/v1/import?dry_run=false&name=Dinas%20Baru".into(),
            Some((
                "text/plain",
                ERROR_TEXT.replace("IK1. Persentase tanpa sasaran\n", ""),
            )),
        ),
        (
            Method::POST,
            format!("/api/v1/import?replace={}", t.org),
            Some((
                "text/plain",
                "KEPALA DINAS\nSS1. Meningkatnya mutu\nIK1. Indeks mutu\n".into(),
            )),
        ),
        (Method::GET, "/api/v1/users".into(), None),
        (
            Method::POST,
            "/api/v1/users".into(),
            j(
                json!({"username": "baru", "display_name": "Baru", "role": "pimpinan",
                "org_id": t.org, "password": "sandi-baru-123"}),
            ),
        ),
        (
            Method::PUT,
            format!("/api/v1/users/{uid}"),
            j(json!({"display_name": "Diubah", "role": "pimpinan", "org_id": t.org})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{uid}/password"),
            j(json!({"password": "sandi-lain-123"})),
        ),
        (Method::GET, format!("/api/v1/users/{uid}/tokens"), None),
        (
            Method::POST,
            format!("/api/v1/users/{uid}/tokens"),
            j(json!({"name": "skrip"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/users/{uid}/tokens/1"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/organisations/{}/pohon.svg", t.org),
            None,
        ),
    ]
}

#[tokio::test]
async fn without_a_token_every_endpoint_answers_401_json() {
    let t = setup().await;
    let uid = user(&t, "pimpinan").await.id;
    let before = snapshot(&t).await;
    for (m, path, body) in endpoints(&t, uid) {
        for tk in [None, Some("bukan-token")] {
            let r = call(&t, m.clone(), &path, tk, body.clone()).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {path}: {}", r.body);
            is_json_error(&r, "unauthenticated");
            assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
        }
    }
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn roles_are_allowed_or_refused_with_403_and_nothing_changes() {
    for t in setups().await {
        let uid = user(&t, "pimpinan").await.id;
        let mut roles: Vec<&str> = ROLES.to_vec();
        roles.push("perencana.lain");
        for role in roles {
            let tk = token(&t, role).await;
            for (m, path, body) in endpoints(&t, uid) {
                let allowed = match (path.as_str(), &m) {
                    (p, _) if p.contains("pohon.svg") => role != "perencana.lain",
                    (p, _) if p.contains("replace=") => role == "admin" || role == "perencana",
                    _ => role == "admin",
                };
                if allowed {
                    continue; // the allowed cases change things; they are tested below
                }
                let before = snapshot(&t).await;
                let r = call(&t, m.clone(), &path, Some(&tk), body.clone()).await;
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{role}: {m} {path}: {}",
                    r.body
                );
                is_json_error(&r, "forbidden");
                assert!(!parse(&r)["message"].as_str().unwrap().is_empty());
                let mut after = snapshot(&t).await;
                // Using a token records its last use (to the hour): one audit record at most.
                assert!(after.audit <= before.audit + 1, "{role}: {m} {path}");
                after.audit = before.audit;
                assert_eq!(after, before, "{role}: {m} {path}");
            }
            // Reading is allowed to every role of the organisation: the same SVG as the page.
            let r = call(
                &t,
                Method::GET,
                &format!("/api/v1/organisations/{}/pohon.svg", t.org),
                Some(&tk),
                None,
            )
            .await;
            if role == "perencana.lain" {
                assert_eq!(r.status, StatusCode::FORBIDDEN);
                is_json_error(&r, "forbidden");
            } else {
                assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.body);
                assert!(
                    r.headers[header::CONTENT_TYPE]
                        .to_str()
                        .unwrap()
                        .starts_with("image/svg+xml")
                );
                assert!(r.body.starts_with("<svg") || r.body.starts_with("<?xml"));
            }
        }
        // The same bytes as the page's download.
        let s = t.login("pimpinan").await;
        let page = t
            .get(&format!("/organisasi/{}/pohon.svg", t.org), Some(&s))
            .await;
        let tk = token(&t, "pimpinan").await;
        let api = call(
            &t,
            Method::GET,
            &format!("/api/v1/organisations/{}/pohon.svg", t.org),
            Some(&tk),
            None,
        )
        .await;
        assert_eq!(page.body, api.body);
        let missing = call(
            &t,
            Method::GET,
            "/api/v1/organisations/999999/pohon.svg",
            Some(&token(&t, "admin").await),
            None,
        )
        .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        is_json_error(&missing, "not_found");
    }
}

#[tokio::test]
async fn dry_run_of_the_seed_reports_counts_and_warnings_and_writes_nothing() {
    let t = setup().await;
    let tk = token(&t, "admin").await;
    let before = snapshot(&t).await;
    let r = call(
        &t,
        Method::POST,
        "/api/v1/import?dry_run=true",
        Some(&tk),
        Some(("text/plain; charset=utf-8", SEED.into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = parse(&r);
    assert_eq!(v["format"], "text");
    assert_eq!(v["units"], 23);
    assert_eq!(v["objectives"], 46);
    assert_eq!(v["indicators"], 65);
    assert_eq!(v["importable"], true);
    let diagnostics = v["diagnostics"].as_array().unwrap();
    let warnings: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "warning")
        .collect();
    assert_eq!(warnings.len(), 17);
    for w in warnings {
        assert!(w["line"].as_u64().unwrap() > 0, "{w}");
        assert!(!w["code"].as_str().unwrap().is_empty());
        assert!(!w["message"].as_str().unwrap().is_empty());
    }
    let mut after = snapshot(&t).await;
    assert!(after.audit <= before.audit + 1); // the token's last use
    after.audit = before.audit;
    assert_eq!(after, before);
}

#[tokio::test]
async fn import_creates_or_replaces_atomically() {
    for t in setups().await {
        let admin = token(&t, "admin").await;
        // Warm the token's "last used" record so counts below are exact.
        call(&t, Method::GET, "/api/v1/users", Some(&admin), None).await;
        let before = t.audit_count().await;
        let r = call(
            &t,
            Method::POST,
            "/api/v1/import?name=Dinas%20Impor%20API",
            Some(&admin),
            Some(("text/plain", SEED.into())),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = parse(&r)["id"].as_i64().unwrap();
        assert_eq!(t.audit_count().await, before + 1, "one audit record");
        let org = t.store.load_organisation(id).await.expect("org");
        assert_eq!(org.name, "Dinas Impor API");
        assert_eq!(org.units.len(), 23);
        // The same name again: 422 with the report, nothing written.
        let snap = snapshot(&t).await;
        let r = call(
            &t,
            Method::POST,
            "/api/v1/import?name=Dinas%20Impor%20API",
            Some(&admin),
            Some(("text/plain", SEED.into())),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let v = parse(&r);
        assert_eq!(v["importable"], false);
        assert!(v["problems"].to_string().contains("sudah ada"), "{v}");
        assert_eq!(snapshot(&t).await, snap);

        // A perencana replaces its own organisation.
        let perencana = token(&t, "perencana").await;
        call(
            &t,
            Method::GET,
            "/api/v1/organisations",
            Some(&perencana),
            None,
        )
        .await;
        let before = t.audit_count().await;
        let r = call(
            &t,
            Method::POST,
            &format!("/api/v1/import?replace={}", t.org),
            Some(&perencana),
            Some((
                "text/plain",
                "KEPALA DINAS\nSS1. Meningkatnya mutu\nIK1. Indeks mutu\n".into(),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(parse(&r)["id"], t.org);
        assert_eq!(t.audit_count().await, before + 1);
        let org = t.store.load_organisation(t.org).await.expect("org");
        assert_eq!(org.units.len(), 1);
        assert_eq!(org.name, "Dinas <script>alert(0)</script> Uji");
        // Replacing an organisation that does not exist: 422.
        let r = call(
            &t,
            Method::POST,
            "/api/v1/import?replace=999999",
            Some(&admin),
            Some(("text/plain", SEED.into())),
        )
        .await;
        assert!(
            matches!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
            ),
            "{r:?}"
        );
    }
}

#[tokio::test]
async fn a_text_with_an_error_is_422_with_the_diagnostic_and_nothing_is_written() {
    let t = setup().await;
    let admin = token(&t, "admin").await;
    call(&t, Method::GET, "/api/v1/users", Some(&admin), None).await;
    let before = snapshot(&t).await;
    let r = call(
        &t,
        Method::POST,
        "/api/v1/import?name=Dinas%20Salah",
        Some(&admin),
        Some(("text/plain", ERROR_TEXT.into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v = parse(&r);
    assert_eq!(v["importable"], false);
    let errors: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(!errors.is_empty(), "{v}");
    assert_eq!(errors[0]["line"], 2, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("tidak ada yang disimpan")
    );
    assert_eq!(snapshot(&t).await, before);
    // The dry run says the same with 200.
    let r = call(
        &t,
        Method::POST,
        "/api/v1/import?dry_run=true",
        Some(&admin),
        Some(("text/plain", ERROR_TEXT.into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(parse(&r)["importable"], false);
    // YAML is recognised by content.
    let yaml = "format: pokin/1\norganisation:\n  name: Dinas YAML\n  units:\n  - key: kepala\n    name: Kepala\n    kind: kepala\n    parent: tidak-ada\n";
    let r = call(
        &t,
        Method::POST,
        "/api/v1/import?dry_run=true",
        Some(&admin),
        Some(("application/yaml", yaml.into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = parse(&r);
    assert_eq!(v["format"], "yaml");
    assert_eq!(v["importable"], false);
    assert!(v["problems"].to_string().contains("tidak-ada"), "{v}");
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn too_large_is_413_json_and_other_types_415() {
    let t = setup().await;
    let admin = token(&t, "admin").await;
    call(&t, Method::GET, "/api/v1/users", Some(&admin), None).await;
    let before = snapshot(&t).await;
    let big = "x".repeat(2 * 1024 * 1024 + 1);
    let r = call(
        &t,
        Method::POST,
        "/api/v1/import?dry_run=true",
        Some(&admin),
        Some(("text/plain", big)),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    is_json_error(&r, "unprocessable");
    assert!(parse(&r)["message"].as_str().unwrap().contains("2 MB"));
    let r = call(
        &t,
        Method::POST,
        "/api/v1/import",
        Some(&admin),
        Some(("multipart/form-data; boundary=x", "--x--".into())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    is_json_error(&r, "unprocessable");
    assert_eq!(snapshot(&t).await, before);
}

fn no_hash(v: &Option<Value>) {
    let text = v.as_ref().map(Value::to_string).unwrap_or_default();
    assert!(!text.contains("argon2") && !text.contains("hash"), "{text}");
}

#[tokio::test]
async fn admin_manages_accounts_and_tokens_audited_without_hashes() {
    for t in setups().await {
        let admin = token(&t, "admin").await;
        let r = call(&t, Method::GET, "/api/v1/users", Some(&admin), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("argon2") && !r.body.contains("hash"));
        assert_eq!(parse(&r).as_array().unwrap().len(), 10);

        // Create with a generated password, returned once.
        let before = t.audit_count().await;
        let r = json_call(
            &t,
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            json!({"username": "Kasi.Baru", "display_name": "Kasi Baru", "role": "operator",
                "org_id": t.org, "unit": "bidang-satu"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let v = parse(&r);
        let id = v["id"].as_i64().unwrap();
        let generated = v["password"].as_str().unwrap().to_owned();
        assert_eq!(generated.len(), 16);
        assert_eq!(t.audit_count().await, before + 1);
        let rec = &t.store.audit_log(&AuditFilter::default()).await.unwrap()[0];
        assert_eq!(rec.entity, "user");
        no_hash(&rec.after);
        let u = user(&t, "kasi.baru").await;
        assert!(u.must_change_password);
        assert!(
            t.store
                .verify_password("kasi.baru", &generated)
                .await
                .unwrap()
                .is_some()
        );
        // Invalid input: 422 next to the field, nothing written.
        let snap = snapshot(&t).await;
        let r = json_call(
            &t,
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            json!({"username": "kasi.baru", "display_name": "Lagi", "role": "operator",
                "org_id": t.org, "password": "sandi-baru-123"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(parse(&r)["fields"]["username"].is_string(), "{}", r.body);
        let r = json_call(
            &t,
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            json!({"username": "x", "display_name": "X", "role": "raja"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(parse(&r)["fields"]["role"].is_string(), "{}", r.body);
        assert_eq!(snapshot(&t).await, snap);

        // Update: role, scope, name, disabled.
        let before = t.audit_count().await;
        let r = json_call(
            &t,
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            json!({"display_name": "Kasi Diubah", "role": "pimpinan", "org_id": t.org,
                "disabled": true}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = parse(&r);
        assert_eq!(v["role"], "pimpinan");
        assert_eq!(v["disabled"], true);
        assert_eq!(v["unit"], Value::Null);
        assert_eq!(t.audit_count().await, before + 1);
        no_hash(&t.store.audit_log(&AuditFilter::default()).await.unwrap()[0].before);
        // An admin cannot demote itself.
        let me = user(&t, "admin").await.id;
        let r = json_call(
            &t,
            Method::PUT,
            &format!("/api/v1/users/{me}"),
            Some(&admin),
            json!({"display_name": "Admin", "role": "pimpinan", "org_id": t.org}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(user(&t, "admin").await.role.as_str(), "admin");
        let r = json_call(
            &t,
            Method::PUT,
            "/api/v1/users/999999",
            Some(&admin),
            json!({"display_name": "X", "role": "pimpinan", "org_id": t.org}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Password: given, then generated.
        let before = t.audit_count().await;
        let r = json_call(
            &t,
            Method::POST,
            &format!("/api/v1/users/{id}/password"),
            Some(&admin),
            json!({"password": "sandi-baru-456"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(parse(&r), json!({}));
        assert_eq!(t.audit_count().await, before + 1);
        let rec = &t.store.audit_log(&AuditFilter::default()).await.unwrap()[0];
        no_hash(&rec.before);
        no_hash(&rec.after);
        let r = json_call(
            &t,
            Method::POST,
            &format!("/api/v1/users/{id}/password"),
            Some(&admin),
            json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(parse(&r)["password"].as_str().unwrap().len(), 16);
        let r = json_call(
            &t,
            Method::POST,
            &format!("/api/v1/users/{id}/password"),
            Some(&admin),
            json!({"password": "pendek"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(parse(&r)["fields"]["password"].is_string(), "{}", r.body);

        // Tokens: create (shown once), list (never the secret), use, revoke.
        let pimpinan = user(&t, "pimpinan").await.id;
        let before = t.audit_count().await;
        let r = json_call(
            &t,
            Method::POST,
            &format!("/api/v1/users/{pimpinan}/tokens"),
            Some(&admin),
            json!({"name": "skrip laporan"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let v = parse(&r);
        let secret = v["token"].as_str().unwrap().to_owned();
        let token_id = v["id"].as_i64().unwrap();
        assert_eq!(v["name"], "skrip laporan");
        assert_eq!(t.audit_count().await, before + 1);
        let rec = &t.store.audit_log(&AuditFilter::default()).await.unwrap()[0];
        assert_eq!(rec.entity, "api_token");
        assert!(!rec.after.as_ref().unwrap().to_string().contains(&secret));
        let r = call(
            &t,
            Method::GET,
            &format!("/api/v1/users/{pimpinan}/tokens"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&secret));
        assert!(
            parse(&r)
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == token_id)
        );
        let r = call(
            &t,
            Method::GET,
            "/api/v1/organisations",
            Some(&secret),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        // A token of another account cannot be revoked through this one.
        let r = call(
            &t,
            Method::DELETE,
            &format!("/api/v1/users/{id}/tokens/{token_id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let before = t.audit_count().await;
        let r = call(
            &t,
            Method::DELETE,
            &format!("/api/v1/users/{pimpinan}/tokens/{token_id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(t.audit_count().await, before + 1);
        let r = call(
            &t,
            Method::GET,
            "/api/v1/organisations",
            Some(&secret),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        is_json_error(&r, "unauthenticated");
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_admin_endpoints() {
    let t = setup().await;
    let r = t.get("/api/openapi.json", None).await;
    let v = parse(&r);
    for p in [
        "/api/v1/import",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/users/{id}/password",
        "/api/v1/users/{id}/tokens",
        "/api/v1/users/{id}/tokens/{token_id}",
        "/api/v1/organisations/{id}/pohon.svg",
    ] {
        assert!(v["paths"][p].is_object(), "{p}");
    }
}
