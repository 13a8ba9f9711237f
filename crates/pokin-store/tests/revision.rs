//! The revision of an organisation's data (`Store::revision`), which caches key on: raised by
//! every committed change of the organisation and by nothing else — not by a change of another
//! organisation, not by accounts or sessions, not by a transaction that failed. Also the
//! statement counter (`Store::statements`) the web's query-count tests rely on. SQLite and
//! PostgreSQL.

mod common;

use common::{backends, import, raw, small_org};
use pokin_store::{ImportMode, NewUser, Role};

#[tokio::test]
async fn every_change_and_only_a_change_raises_the_revision() {
    for db in backends().await {
        let s = &db.store;
        let a = import(s, &small_org("Dinas Revisi A")).await;
        let b = import(s, &small_org("Dinas Revisi B")).await;
        let ra = s.revision(a).await.expect("revision");
        assert!(ra >= 1, "{}: an import is a change", db.label);
        let rb = s.revision(b).await.expect("revision");

        // A change of A raises A's revision only.
        s.import_organisation("tester", &small_org("Dinas Revisi A"), ImportMode::Replace)
            .await
            .expect("replace");
        assert_eq!(s.revision(a).await.unwrap(), ra + 1, "{}", db.label);
        assert_eq!(s.revision(b).await.unwrap(), rb, "{}", db.label);

        // Accounts and sessions of A's users are not A's data.
        let id = s
            .create_user(
                "tester",
                &NewUser {
                    username: format!("revisi.{}", a),
                    display_name: "Uji".into(),
                    role: Role::Perencana,
                    org_id: Some(a),
                    pemda_id: None,
                    unit: None,
                    password: "sandi-uji-123".into(),
                    must_change_password: false,
                },
            )
            .await
            .expect("user");
        let user = s.user(id).await.unwrap().expect("user");
        s.open_session(&user, chrono::Duration::hours(1))
            .await
            .expect("session");
        assert_eq!(s.revision(a).await.unwrap(), ra + 1, "{}", db.label);

        // A transaction that fails changes nothing, its revision included.
        s.fail_after_writes(1);
        s.import_organisation("tester", &small_org("Dinas Revisi A"), ImportMode::Replace)
            .await
            .expect_err("injected fault");
        assert_eq!(s.revision(a).await.unwrap(), ra + 1, "{}", db.label);

        // Deleting raises it too; the revision outlives the organisation.
        s.delete_organisation("tester", a).await.expect("delete");
        assert_eq!(s.revision(a).await.unwrap(), ra + 2, "{}", db.label);
        let all = s.all_revisions().await.expect("revisions").orgs.clone();
        assert_eq!(all.get(&a), None, "{}: only stored organisations", db.label);
        assert_eq!(all.get(&b), Some(&rb), "{}", db.label);
        assert_eq!(
            s.revision(i64::MAX).await.unwrap(),
            0,
            "{}: never changed",
            db.label
        );
    }
}

#[tokio::test]
async fn statements_are_counted() {
    for db in backends().await {
        let s = &db.store;
        let a = import(s, &small_org("Dinas Hitung")).await;
        let before = s.statements();
        s.revision(a).await.expect("revision");
        assert_eq!(s.statements() - before, 1, "{}", db.label);
        let before = s.statements();
        s.load_organisation(a).await.expect("load");
        let tree = s.statements() - before;
        assert!((5..=12).contains(&tree), "{}: {tree}", db.label);
    }
}

/// What every request reads — its session, an organisation's revision, every revision — may be
/// kept between requests (on SQLite while `PRAGMA data_version` is unchanged: no statement), but
/// never outlives a change: one made through another store on the same database (for SQLite
/// that is what another process is: other connections), or with plain SQL behind the store's
/// back, is seen by the very next read; a kept session still expires on time.
#[tokio::test]
async fn kept_reads_never_outlive_a_change() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        let other = db.reconnect().await;
        let a = import(s, &small_org("Dinas Simpan")).await;
        let new_user = |name: &str, role, org_id| NewUser {
            username: name.into(),
            display_name: "Uji".into(),
            role,
            org_id,
            pemda_id: None,
            unit: None,
            password: "sandi-uji-123".into(),
            must_change_password: false,
        };
        // A new account and a session of it lasting `ttl`.
        let signed_in = async |user: NewUser, ttl| {
            let id = s.create_user("tester", &user).await.expect("user");
            let user = s.user(id).await.unwrap().expect("user");
            (id, s.open_session(&user, ttl).await.expect("session"))
        };
        let (id, session) = signed_in(
            new_user("simpan", Role::Perencana, Some(a)),
            chrono::Duration::hours(1),
        )
        .await;
        let ra = s.revision(a).await.unwrap();
        let rp = s.all_revisions().await.unwrap().orgs[&a];
        assert_eq!(ra, rp, "{label}");
        assert!(s.session(&session.secret).await.unwrap().is_some());

        // Read again with nothing changed: kept on SQLite, a statement each on PostgreSQL.
        let before = s.statements();
        for _ in 0..3 {
            assert_eq!(s.revision(a).await.unwrap(), ra, "{label}");
            assert_eq!(s.all_revisions().await.unwrap().orgs[&a], ra, "{label}");
            let read = s.session(&session.secret).await.unwrap().expect("session");
            assert_eq!(read.user.id, id, "{label}");
        }
        let expected = if label == "sqlite" { 0 } else { 9 };
        assert_eq!(s.statements() - before, expected, "{label}: statements");

        // A change through the other store is seen at once.
        other
            .import_organisation("tester", &small_org("Dinas Simpan"), ImportMode::Replace)
            .await
            .expect("replace");
        assert_eq!(s.revision(a).await.unwrap(), ra + 1, "{label}");
        assert_eq!(s.all_revisions().await.unwrap().orgs[&a], ra + 1, "{label}");
        // ... and a new organisation too.
        let b = import(&other, &small_org("Dinas Simpan Lain")).await;
        assert!(s.all_revisions().await.unwrap().orgs.contains_key(&b));

        // An API token: kept like a session (its first use is recorded: a change), ended by the
        // other store deleting it.
        let token = s
            .create_api_token("tester", id, "uji")
            .await
            .expect("token");
        for _ in 0..2 {
            // The first use is recorded (a change); the second reads the token again.
            assert!(s.user_for_api_token(&token).await.unwrap().is_some());
        }
        let before = s.statements();
        let owner = s.user_for_api_token(&token).await.unwrap().expect("owner");
        assert_eq!(owner.id, id, "{label}");
        let kept = s.statements() - before;
        assert_eq!(kept, if label == "sqlite" { 0 } else { 2 }, "{label}");
        let token_id = s.api_tokens(id).await.unwrap()[0].id;
        other
            .delete_api_token("tester", token_id)
            .await
            .expect("deleted");
        assert!(
            s.user_for_api_token(&token).await.unwrap().is_none(),
            "{label}: deleted by the other store"
        );

        // A change behind the store's back, in plain SQL: the account disabled ends its session.
        assert!(s.session(&session.secret).await.unwrap().is_some());
        raw(
            &db,
            &[format!("UPDATE users SET disabled = TRUE WHERE id = {id}")],
        )
        .await;
        assert!(
            s.session(&session.secret).await.unwrap().is_none(),
            "{label}: disabled behind the store's back"
        );
        raw(
            &db,
            &[format!(
                "UPDATE org_revisions SET revision = 99 WHERE org_id = {a}"
            )],
        )
        .await;
        assert_eq!(s.revision(a).await.unwrap(), 99, "{label}");
        assert_eq!(s.all_revisions().await.unwrap().orgs[&a], 99, "{label}");

        // A kept session ends when it expires, with no change in between.
        let (_, short) = signed_in(
            new_user("simpan.admin", Role::Admin, None),
            chrono::Duration::seconds(1),
        )
        .await;
        assert!(s.session(&short.secret).await.unwrap().is_some(), "{label}");
        let before = s.statements();
        assert!(s.session(&short.secret).await.unwrap().is_some(), "{label}");
        assert_eq!(s.statements() - before, expected / 9, "{label}: kept");
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert!(
            s.session(&short.secret).await.unwrap().is_none(),
            "{label}: expired while kept"
        );
    }
}
