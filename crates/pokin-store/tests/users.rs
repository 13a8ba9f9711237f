//! Accounts, sessions and API tokens on every backend: hashes never stored in clear or in the
//! audit log, sessions ended by logout and by a password change, scopes checked, refusals
//! change nothing.

mod common;

use chrono::Duration;
use common::{audit_log, backends, import, key, small_org};
use pokin_store::{NewUser, Role, StoreError, UserUpdate, entity};

fn new_user(name: &str, role: Role, org_id: Option<i64>) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("Pengguna {name}"),
        role,
        org_id,
        pemda_id: None,
        unit: None,
        password: "rahasia-123".into(),
        must_change_password: false,
    }
}

#[tokio::test]
async fn accounts_sessions_and_tokens() {
    for db in backends().await {
        let store = &db.store;
        let label = db.label;
        assert_eq!(store.user_count().await.unwrap(), 0, "{label}");
        let org = import(store, &small_org("Dinas Uji")).await;

        let admin = store
            .create_user("cli", &new_user("admin", Role::Admin, None))
            .await
            .unwrap();
        let mut p = new_user("perencana", Role::Perencana, Some(org));
        p.must_change_password = true;
        let p_id = store.create_user("admin", &p).await.unwrap();
        assert_eq!(store.user_count().await.unwrap(), 2, "{label}");

        // Duplicate names, bad scopes and short passwords are refused.
        let dup = store
            .create_user("admin", &new_user("admin", Role::Admin, None))
            .await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{label}: {dup:?}"
        );
        let no_org = store
            .create_user("admin", &new_user("x1", Role::Pimpinan, None))
            .await;
        assert!(matches!(no_org, Err(StoreError::Invalid(_))), "{label}");
        let mut bad_unit = new_user("x2", Role::Operator, Some(org));
        bad_unit.unit = Some(key("tidak-ada"));
        assert!(
            store.create_user("admin", &bad_unit).await.is_err(),
            "{label}"
        );
        let mut short = new_user("x3", Role::Admin, None);
        short.password = "pendek".into();
        assert!(store.create_user("admin", &short).await.is_err(), "{label}");
        assert_eq!(store.user_count().await.unwrap(), 2, "{label}");

        // Passwords.
        let u = store
            .verify_password("perencana", "rahasia-123")
            .await
            .unwrap()
            .expect("right password");
        assert_eq!(u.id, p_id);
        assert_eq!(u.role, Role::Perencana);
        assert!(u.must_change_password);
        assert!(
            store
                .verify_password("perencana", "salah-salah")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .verify_password("siapa", "rahasia-123")
                .await
                .unwrap()
                .is_none()
        );

        // Sessions: open, read, close.
        let s = store.open_session(&u, Duration::hours(8)).await.unwrap();
        let read = store.session(&s.secret).await.unwrap().expect("session");
        assert_eq!(read.user.id, p_id, "{label}");
        assert_eq!(read.csrf_token, s.csrf_token);
        assert!(store.session("bukan-rahasia").await.unwrap().is_none());
        store.close_session("perencana", &s.secret).await.unwrap();
        assert!(store.session(&s.secret).await.unwrap().is_none(), "{label}");

        // An expired session is not a session.
        let old = store.open_session(&u, Duration::seconds(-1)).await.unwrap();
        assert!(
            store.session(&old.secret).await.unwrap().is_none(),
            "{label}"
        );

        // A password change ends every session and clears must_change.
        let s1 = store.open_session(&u, Duration::hours(8)).await.unwrap();
        let s2 = store.open_session(&u, Duration::hours(8)).await.unwrap();
        store
            .set_password("perencana", p_id, "sandi-baru-456", false)
            .await
            .unwrap();
        assert!(
            store.session(&s1.secret).await.unwrap().is_none(),
            "{label}"
        );
        assert!(
            store.session(&s2.secret).await.unwrap().is_none(),
            "{label}"
        );
        let u = store
            .verify_password("perencana", "sandi-baru-456")
            .await
            .unwrap()
            .expect("new password");
        assert!(!u.must_change_password);

        // Disabling ends sessions and refuses logins.
        let s3 = store.open_session(&u, Duration::hours(8)).await.unwrap();
        store
            .update_user(
                "admin",
                p_id,
                &UserUpdate {
                    display_name: "Perencana".into(),
                    role: Role::Perencana,
                    org_id: Some(org),
                    pemda_id: None,
                    unit: None,
                    disabled: true,
                },
            )
            .await
            .unwrap();
        assert!(
            store.session(&s3.secret).await.unwrap().is_none(),
            "{label}"
        );
        assert!(
            store
                .verify_password("perencana", "sandi-baru-456")
                .await
                .unwrap()
                .is_none()
        );

        // API tokens.
        let token = store.create_api_token("cli", admin, "uji").await.unwrap();
        assert!(token.starts_with("pokin_"));
        let who = store
            .user_for_api_token(&token)
            .await
            .unwrap()
            .expect("token");
        assert_eq!(who.id, admin);
        assert!(
            store
                .user_for_api_token("pokin_salah")
                .await
                .unwrap()
                .is_none()
        );
        let listed = store.api_tokens(admin).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some(), "{label}");
        // Used again within the hour: no new audit record.
        let n = audit_log(store).await.len();
        store
            .user_for_api_token(&token)
            .await
            .unwrap()
            .expect("token");
        assert_eq!(audit_log(store).await.len(), n, "{label}");
        store.delete_api_token("admin", listed[0].id).await.unwrap();
        assert!(store.user_for_api_token(&token).await.unwrap().is_none());

        // No secret or hash in the audit log; every kind of change is there.
        let log = audit_log(store).await;
        let text = serde_json::to_string(&log).unwrap();
        for secret in [&s.secret, &s1.secret, &token, &s.csrf_token] {
            assert!(
                !text.contains(secret.as_str()),
                "{label}: secret in audit log"
            );
        }
        assert!(!text.contains("argon2"), "{label}: hash in audit log");
        assert!(!text.contains("password_hash"), "{label}");
        for e in [entity::USER, entity::SESSION, entity::API_TOKEN] {
            assert!(log.iter().any(|r| r.entity == e), "{label}: no {e} record");
        }
        let users = store.users().await.unwrap();
        assert_eq!(
            users
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>(),
            ["admin", "perencana"]
        );
    }
}

#[tokio::test]
async fn unit_scope_survives_replacing_the_tree() {
    for db in backends().await {
        let store = &db.store;
        let org = import(store, &small_org("Dinas Uji")).await;
        let tree = store.load_organisation(org).await.unwrap();
        let unit = tree.units.last().expect("a unit").key.clone();
        let mut op = new_user("op.uji", Role::Operator, Some(org));
        op.unit = Some(unit.clone());
        store.create_user("cli", &op).await.unwrap();
        store
            .import_organisation("cli", &tree, pokin_store::ImportMode::Replace)
            .await
            .unwrap();
        let u = store.user_by_name("op.uji").await.unwrap().expect("user");
        assert_eq!(u.unit, Some(unit), "{}", db.label);
        assert_eq!(u.org_id, Some(org));
    }
}
