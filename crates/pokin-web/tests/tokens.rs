//! The API token page of an account: admin only; a new token is shown once; revoking it makes
//! the API answer 401.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{ROLES, TestApp, setup};

async fn user_id(t: &TestApp, name: &str) -> i64 {
    t.store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == name)
        .unwrap()
        .id
}

async fn api(t: &TestApp, token: &str) -> StatusCode {
    t.send(
        Request::get("/api/v1/organisations")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .status
}

/// The token shown on the page, if any.
fn shown_token(body: &str) -> Option<String> {
    let start = body.find("id=\"token-baru\">")? + "id=\"token-baru\">".len();
    let rest = &body[start..];
    Some(rest[..rest.find('<')?].to_owned())
}

#[tokio::test]
async fn admin_creates_sees_once_and_revokes() {
    let t = setup().await;
    let s = t.login("admin").await;
    let id = user_id(&t, "pimpinan").await;
    let page = format!("/pengguna/{id}/token");
    let r = t.get(&page, Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("belum memiliki token"));
    assert!(
        t.get("/pengguna", Some(&s))
            .await
            .body
            .contains(&format!("href=\"{page}\""))
    );

    let before = t.audit_count().await;
    let r = t
        .post(&page, Some(&s), &[("name", "dasbor <b>")], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let token = shown_token(&r.body).expect("token shown");
    assert!(token.starts_with("pokin_"), "{token}");
    assert!(r.body.contains("hanya ditampilkan sekali"));
    assert!(r.body.contains("dasbor &#60;b&#62;"));
    assert_eq!(t.audit_count().await, before + 1);
    // Listed afterwards without its secret.
    let list = t.get(&page, Some(&s)).await;
    assert!(!list.body.contains(&token));
    assert!(list.body.contains("belum pernah"));
    assert_eq!(api(&t, &token).await, StatusCode::OK);
    let list = t.get(&page, Some(&s)).await;
    assert!(!list.body.contains("belum pernah"), "last use is shown");

    let token_id = t.store.api_tokens(id).await.unwrap()[0].id;
    let revoke = format!("{page}/{token_id}/cabut");
    // Without the CSRF token nothing happens.
    assert_eq!(
        t.post(&revoke, Some(&s), &[], None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(api(&t, &token).await, StatusCode::OK);
    // Another user's path cannot revoke it.
    let admin_id = user_id(&t, "admin").await;
    let wrong = format!("/pengguna/{admin_id}/token/{token_id}/cabut");
    assert_eq!(
        t.post(&wrong, Some(&s), &[], Some(&s.csrf)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = t.post(&revoke, Some(&s), &[], Some(&s.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], page.as_str());
    assert_eq!(api(&t, &token).await, StatusCode::UNAUTHORIZED);
    assert!(t.store.api_tokens(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_blank_name_is_refused() {
    let t = setup().await;
    let s = t.login("admin").await;
    let id = user_id(&t, "pimpinan").await;
    let r = t
        .post(
            &format!("/pengguna/{id}/token"),
            Some(&s),
            &[("name", "  ")],
            Some(&s.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shown_token(&r.body).is_none());
    assert!(t.store.api_tokens(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn only_admin_manages_tokens() {
    let t = setup().await;
    let admin = t.login("admin").await;
    let id = user_id(&t, "pimpinan").await;
    let r = t
        .post(
            &format!("/pengguna/{id}/token"),
            Some(&admin),
            &[("name", "ada")],
            Some(&admin.csrf),
        )
        .await;
    let token = shown_token(&r.body).unwrap();
    let token_id = t.store.api_tokens(id).await.unwrap()[0].id;
    for role in ROLES
        .iter()
        .filter(|r| **r != "admin")
        .chain(&["perencana.lain"])
    {
        let s = t.login(role).await;
        let audit = t.audit_count().await;
        for own in [id, user_id(&t, role).await] {
            let page = format!("/pengguna/{own}/token");
            assert_eq!(
                t.get(&page, Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{role}"
            );
            let r = t
                .post(&page, Some(&s), &[("name", "curi")], Some(&s.csrf))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
            let r = t
                .post(
                    &format!("{page}/{token_id}/cabut"),
                    Some(&s),
                    &[],
                    Some(&s.csrf),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
        }
        assert_eq!(t.audit_count().await, audit, "{role}");
    }
    assert_eq!(t.store.api_tokens(id).await.unwrap().len(), 1);
    assert_eq!(api(&t, &token).await, StatusCode::OK);
    // Not logged in: to the login page.
    let r = t.get(&format!("/pengguna/{id}/token"), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
