//! The revision of an organisation's data (`Store::revision`), which caches key on: raised by
//! every committed change of the organisation and by nothing else — not by a change of another
//! organisation, not by accounts or sessions, not by a transaction that failed. Also the
//! statement counter (`Store::statements`) the web's query-count tests rely on. SQLite and
//! PostgreSQL.

mod common;

use common::{backends, import, small_org};
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
        let all = s.all_revisions().await.expect("revisions").orgs;
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
