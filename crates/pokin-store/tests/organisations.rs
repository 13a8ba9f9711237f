//! Whole-organisation operations through the public API: connect and migrate, import (new and
//! replace), load, delete, the audit log, and atomicity under injected faults. Every test runs
//! on SQLite, and on PostgreSQL when `POKIN_TEST_DATABASE_URL` is set.

mod common;

use chrono::{Duration, Utc};
use common::{
    Unchanged, audit_count, audit_log, backends, import, org_log, rich_org, rows_of_org, small_org,
};
use pokin_domain::TargetValue;
use pokin_store::{AuditAction, AuditFilter, Backend, ImportMode, Store, StoreError, entity};

#[tokio::test]
async fn migrations_are_idempotent() {
    for db in backends().await {
        let id = import(&db.store, &rich_org("Dinas A")).await;
        // A second and a third start on the same database: nothing to migrate, data intact.
        let again = db.reconnect().await;
        let third = db.reconnect().await;
        assert_eq!(again.backend(), db.store.backend(), "{}", db.label);
        assert_eq!(
            third.load_organisation(id).await.expect("load"),
            rich_org("Dinas A"),
            "{}",
            db.label
        );
        assert_eq!(audit_count(&again).await, 1, "{}", db.label);
        let expected = if db.label == "sqlite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        assert_eq!(db.store.backend(), expected);
    }
}

#[tokio::test]
async fn connect_creates_folders_and_refuses_unknown_urls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a/b/c/pokin.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connect creates parent folders and the file");
    assert!(path.exists());
    assert_eq!(store.backend(), Backend::Sqlite);

    let memory = Store::connect("sqlite::memory:").await.expect("memory");
    let id = memory
        .import_organisation("tester", &small_org("Badan X"), ImportMode::New)
        .await
        .expect("import into memory");
    // The in-memory database persists across calls (one connection kept open).
    assert_eq!(
        memory.load_organisation(id).await.expect("load"),
        small_org("Badan X")
    );

    let err = Store::connect("mysql://localhost/pokin")
        .await
        .expect_err("unknown scheme");
    assert!(matches!(err, StoreError::Invalid(_)));
    assert!(
        err.to_string().contains("alamat basis data tidak dikenal"),
        "{err}"
    );
}

#[tokio::test]
async fn import_then_load_gives_the_same_organisation() {
    for db in backends().await {
        let org = rich_org("Dinas Penanaman Modal");
        let id = import(&db.store, &org).await;
        let loaded = db.store.load_organisation(id).await.expect("load");
        assert_eq!(loaded, org, "{}", db.label);

        let summary = db
            .store
            .organisation_by_name("Dinas Penanaman Modal")
            .await
            .expect("by name")
            .expect("found");
        assert_eq!(summary.id, id);
        assert!(summary.demo);
        assert_eq!(summary.units, 6);
        assert_eq!(
            db.store
                .organisation_by_name("Dinas Lain")
                .await
                .expect("by name"),
            None
        );

        // The tree with ids lines up with the domain value.
        let tree = db.store.load_tree_with_ids(id).await.expect("tree");
        assert_eq!(tree.org_id, id);
        assert_eq!(tree.organisation, org);
        assert_eq!(tree.units.len(), org.units.len());
        for (ids, unit) in tree.iter_units() {
            assert_eq!(ids.key, unit.key);
            assert_eq!(ids.officials.len(), unit.officials.len());
            assert_eq!(ids.objectives.len(), unit.objectives.len());
            for (oi, o) in ids.objectives.iter().zip(&unit.objectives) {
                assert_eq!(oi.code, o.code);
                assert_eq!(oi.supports.len(), o.supports.len());
                for (si, s) in oi.supports.iter().zip(&o.supports) {
                    assert_eq!(
                        Some(si.target_objective_id),
                        tree.objective_id(&s.unit, &s.objective)
                    );
                }
                for (ii, i) in oi.indicators.iter().zip(&o.indicators) {
                    assert_eq!(ii.code, i.code);
                    assert_eq!(
                        ii.targets.keys().collect::<Vec<_>>(),
                        i.targets.keys().collect::<Vec<_>>()
                    );
                }
            }
            let parent_id = unit.parent.as_ref().and_then(|p| tree.unit_id(p));
            assert_eq!(ids.parent_id, parent_id);
        }
        assert!(
            tree.indicator_id(&common::key("kepala-dinas"), &common::code("IKU2"))
                .is_some()
        );
    }
}

#[tokio::test]
async fn organisations_are_listed_by_name() {
    for db in backends().await {
        for name in ["dinas Kesehatan", "Badan Keuangan", "Dinas Pendidikan"] {
            import(&db.store, &small_org(name)).await;
        }
        let names: Vec<String> = db
            .store
            .organisations()
            .await
            .expect("list")
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            ["Badan Keuangan", "dinas Kesehatan", "Dinas Pendidikan"],
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn import_writes_one_audit_record_with_the_snapshot() {
    for db in backends().await {
        let org = rich_org("Dinas A");
        let id = db
            .store
            .import_organisation("budi", &org, ImportMode::New)
            .await
            .expect("import");
        let log = audit_log(&db.store).await;
        assert_eq!(log.len(), 1, "{}", db.label);
        let r = &log[0];
        assert_eq!(r.actor, "budi");
        assert_eq!(r.org_id, Some(id));
        assert_eq!(r.entity, entity::ORGANISATION);
        assert_eq!(r.entity_id, Some(id));
        assert_eq!(r.action, AuditAction::Import);
        assert_eq!(r.before, None);
        assert_eq!(r.after, Some(serde_json::to_value(&org).expect("json")));
        assert!((Utc::now() - r.at).num_seconds().abs() < 60);
    }
}

#[tokio::test]
async fn new_refuses_a_duplicate_name_and_changes_nothing() {
    for db in backends().await {
        import(&db.store, &rich_org("Dinas A")).await;
        let unchanged = Unchanged::take(&db).await;
        let err = db
            .store
            .import_organisation("tester", &small_org("Dinas A"), ImportMode::New)
            .await
            .expect_err("duplicate name");
        assert!(
            matches!(err, StoreError::Conflict(_)),
            "{}: {err:?}",
            db.label
        );
        let msg = err.to_string();
        assert!(
            msg.contains("sudah ada") && msg.contains("Dinas A"),
            "{msg}"
        );
        unchanged.check(&db, db.label).await;
    }
}

#[tokio::test]
async fn replace_replaces_and_keeps_exactly_one_organisation() {
    for db in backends().await {
        let old = rich_org("Dinas A");
        let other = import(&db.store, &small_org("Badan B")).await;
        let id = import(&db.store, &old).await;

        // A changed tree: a unit fewer, a new weight, a new target.
        let mut draft = old.clone().into_draft();
        draft
            .units
            .retain(|u| u.key.as_str() != "upt-latihan-kerja");
        draft.units[0].objectives[0].supports[0].weight = 3.0;
        draft.units[1].objectives[0].indicators[0]
            .targets
            .insert(2029, TargetValue::Number(99.5));
        draft.title = None;
        let new = draft.validate().expect("valid");

        let replaced = db
            .store
            .import_organisation("siti", &new, ImportMode::Replace)
            .await
            .expect("replace");
        assert_eq!(replaced, id, "{}: replace keeps the id", db.label);
        let list = db.store.organisations().await.expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list.iter().filter(|s| s.name == "Dinas A").count(), 1);
        assert_eq!(db.store.load_organisation(id).await.expect("load"), new);
        assert_eq!(
            db.store.load_organisation(other).await.expect("load"),
            small_org("Badan B")
        );

        let log = org_log(&db.store, id).await;
        assert_eq!(log.len(), 2);
        let r = &log[0];
        assert_eq!(r.action, AuditAction::Replace);
        assert_eq!(r.actor, "siti");
        assert_eq!(r.before, Some(serde_json::to_value(&old).expect("json")));
        assert_eq!(r.after, Some(serde_json::to_value(&new).expect("json")));
        assert_eq!(log[1].action, AuditAction::Import);

        // Replace of a name that is not stored creates it, audited as an import.
        let created = db
            .store
            .import_organisation("siti", &small_org("Badan C"), ImportMode::Replace)
            .await
            .expect("replace creates");
        let log = org_log(&db.store, created).await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].action, AuditAction::Import);
        assert_eq!(log[0].before, None);
    }
}

/// Imports under a fault at every write position in turn: each failed attempt leaves the
/// database exactly as it was; eventually the import has fewer writes than the fault position
/// and succeeds.
#[tokio::test]
async fn import_is_atomic_at_every_write() {
    for db in backends().await {
        import(&db.store, &small_org("Badan B")).await;
        let unchanged = Unchanged::take(&db).await;
        let org = rich_org("Dinas A");
        let mut failures = 0;
        for n in 0.. {
            db.store.fail_after_writes(n);
            match db
                .store
                .import_organisation("tester", &org, ImportMode::New)
                .await
            {
                Err(e) => {
                    assert!(
                        matches!(e, StoreError::Database { .. }),
                        "{}: {e:?}",
                        db.label
                    );
                    assert!(e.to_string().contains("kegagalan buatan"), "{e}");
                    unchanged.check(&db, &format!("{} n={n}", db.label)).await;
                    failures += 1;
                }
                Ok(id) => {
                    assert_eq!(db.store.load_organisation(id).await.expect("load"), org);
                    break;
                }
            }
        }
        // Organisation, 6 units, 4 officials, 6 objectives, 6 links, 6 indicators, 11 targets,
        // and the audit record: every one of these writes was a failure point.
        assert_eq!(failures, 1 + 6 + 4 + 6 + 6 + 6 + 11 + 1, "{}", db.label);
    }
}

#[tokio::test]
async fn replace_is_atomic_at_every_write() {
    for db in backends().await {
        let id = import(&db.store, &rich_org("Dinas A")).await;
        let unchanged = Unchanged::take(&db).await;
        let mut new = small_org("Dinas A").into_draft();
        new.demo = true;
        let new = new.validate().expect("valid");
        for n in 0.. {
            db.store.fail_after_writes(n);
            match db
                .store
                .import_organisation("tester", &new, ImportMode::Replace)
                .await
            {
                Err(_) => {
                    unchanged.check(&db, &format!("{} n={n}", db.label)).await;
                }
                Ok(replaced) => {
                    assert_eq!(replaced, id);
                    assert_eq!(db.store.load_organisation(id).await.expect("load"), new);
                    // 8 deletes (programs and their pagu included), the update, the new tree
                    // (2 units, 2 objectives, 1 link, 1 indicator, 1 target), the audit record.
                    assert_eq!(n, 8 + 1 + 7 + 1, "{}", db.label);
                    break;
                }
            }
        }
    }
}

#[tokio::test]
async fn delete_is_atomic() {
    for db in backends().await {
        let id = import(&db.store, &rich_org("Dinas A")).await;
        let unchanged = Unchanged::take(&db).await;
        // Four pemda deletes (links, crosscuts both ways, review notes), six measurement
        // deletes, three document deletes (realised budget, settings, PK versions), eight tree
        // deletes (programs and pagu included), the organisation row, the audit record.
        for n in 0..23 {
            db.store.fail_after_writes(n);
            db.store
                .delete_organisation("tester", id)
                .await
                .expect_err("injected fault");
            unchanged.check(&db, &format!("{} n={n}", db.label)).await;
        }
        db.store.fail_after_writes(23);
        db.store
            .delete_organisation("tester", id)
            .await
            .expect("delete");
    }
}

#[tokio::test]
async fn delete_removes_everything_of_that_organisation_only() {
    for db in backends().await {
        let a = import(&db.store, &rich_org("Dinas A")).await;
        let b = import(&db.store, &rich_org("Dinas B")).await;
        let b_rows = rows_of_org(&db, b).await;
        assert!(b_rows > 0);

        db.store
            .delete_organisation("budi", a)
            .await
            .expect("delete");

        assert_eq!(rows_of_org(&db, a).await, 0, "{}", db.label);
        assert_eq!(rows_of_org(&db, b).await, b_rows, "{}", db.label);
        assert_eq!(
            db.store.load_organisation(b).await.expect("load b"),
            rich_org("Dinas B")
        );
        let list = db.store.organisations().await.expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, b);

        let err = db.store.load_organisation(a).await.expect_err("gone");
        assert!(matches!(err, StoreError::NotFound(_)));
        assert!(err.to_string().contains("tidak ditemukan"), "{err}");

        let log = org_log(&db.store, a).await;
        assert_eq!(log.len(), 2, "the history stays");
        assert_eq!(log[0].action, AuditAction::Delete);
        assert_eq!(log[0].actor, "budi");
        assert_eq!(
            log[0].before,
            Some(serde_json::to_value(rich_org("Dinas A")).expect("json"))
        );
        assert_eq!(log[0].after, None);

        let err = db
            .store
            .delete_organisation("budi", a)
            .await
            .expect_err("already deleted");
        assert!(matches!(err, StoreError::NotFound(_)));
        assert_eq!(audit_count(&db.store).await, 3);
    }
}

#[tokio::test]
async fn audit_log_filters_and_orders_newest_first() {
    for db in backends().await {
        let start = Utc::now() - Duration::seconds(1);
        let a = db
            .store
            .import_organisation("budi", &small_org("A"), ImportMode::New)
            .await
            .expect("a");
        let b = db
            .store
            .import_organisation("siti", &small_org("B"), ImportMode::New)
            .await
            .expect("b");
        db.store
            .import_organisation("siti", &small_org("A"), ImportMode::Replace)
            .await
            .expect("replace a");
        let all = db
            .store
            .audit_log(&AuditFilter::default())
            .await
            .expect("all");
        assert_eq!(all.len(), 3);
        assert!(
            all.windows(2)
                .all(|w| w[0].at >= w[1].at && w[0].id > w[1].id)
        );
        assert_eq!(all[0].action, AuditAction::Replace);

        let by_org = |org_id| AuditFilter {
            org_id: Some(org_id),
            ..AuditFilter::default()
        };
        assert_eq!(db.store.audit_log(&by_org(a)).await.expect("a").len(), 2);
        assert_eq!(db.store.audit_log(&by_org(b)).await.expect("b").len(), 1);

        let by_actor = AuditFilter {
            actor: Some("siti".into()),
            ..AuditFilter::default()
        };
        assert_eq!(db.store.audit_log(&by_actor).await.expect("siti").len(), 2);

        let by_entity = |e: &str| AuditFilter {
            entity: Some(e.into()),
            ..AuditFilter::default()
        };
        assert_eq!(
            db.store
                .audit_log(&by_entity(entity::ORGANISATION))
                .await
                .expect("org")
                .len(),
            3
        );
        assert!(
            db.store
                .audit_log(&by_entity(entity::UNIT))
                .await
                .expect("unit")
                .is_empty()
        );

        let limited = AuditFilter {
            limit: Some(1),
            ..AuditFilter::default()
        };
        let one = db.store.audit_log(&limited).await.expect("limit");
        assert_eq!(one, all[..1].to_vec());

        let window = |since, until| AuditFilter {
            since,
            until,
            ..AuditFilter::default()
        };
        assert_eq!(
            db.store
                .audit_log(&window(Some(start), None))
                .await
                .expect("since")
                .len(),
            3
        );
        // `since` is inclusive and `until` exclusive, to the microsecond.
        let middle = all[1].at;
        let newer = db
            .store
            .audit_log(&window(Some(middle), None))
            .await
            .expect("since middle");
        assert!(newer.iter().all(|r| r.at >= middle));
        assert!(newer.iter().any(|r| r.id == all[1].id));
        let older = db
            .store
            .audit_log(&window(None, Some(middle)))
            .await
            .expect("until middle");
        assert!(older.iter().all(|r| r.at < middle));
        assert_eq!(newer.len() + older.len(), 3);
        assert!(
            db.store
                .audit_log(&window(None, Some(start)))
                .await
                .expect("before start")
                .is_empty()
        );

        let combined = AuditFilter {
            org_id: Some(a),
            actor: Some("budi".into()),
            entity: Some(entity::ORGANISATION.into()),
            since: Some(start),
            until: Some(Utc::now() + Duration::seconds(60)),
            limit: Some(10),
            entity_id: None,
        };
        let r = db.store.audit_log(&combined).await.expect("combined");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].action, AuditAction::Import);
    }
}

#[tokio::test]
async fn an_empty_actor_is_refused() {
    for db in backends().await {
        let err = db
            .store
            .import_organisation("  ", &small_org("A"), ImportMode::New)
            .await
            .expect_err("no actor");
        assert!(matches!(err, StoreError::Invalid(_)));
        assert!(err.to_string().contains("pelaku"), "{err}");
        assert!(db.store.organisations().await.expect("list").is_empty());
        assert_eq!(audit_count(&db.store).await, 0);
    }
}

#[tokio::test]
async fn loading_a_missing_organisation_says_so_in_indonesian() {
    for db in backends().await {
        let err = db.store.load_organisation(4242).await.expect_err("missing");
        assert!(matches!(err, StoreError::NotFound(_)));
        assert!(
            err.to_string()
                .contains("organisasi dengan id 4242 tidak ditemukan")
        );
        let err = db
            .store
            .load_tree_with_ids(4242)
            .await
            .expect_err("missing");
        assert!(matches!(err, StoreError::NotFound(_)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_imports_all_succeed() {
    for db in backends().await {
        let mut tasks = Vec::new();
        for i in 0..6 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .import_organisation(
                        "tester",
                        &rich_org(&format!("Dinas {i}")),
                        ImportMode::New,
                    )
                    .await
            }));
        }
        for t in tasks {
            t.await.expect("task").expect("import");
        }
        let list = db.store.organisations().await.expect("list");
        assert_eq!(list.len(), 6, "{}", db.label);
        assert!(list.iter().all(|s| s.units == 6));
        assert_eq!(audit_count(&db.store).await, 6);
    }
}

#[tokio::test]
async fn sqlite_files_use_the_wal_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/pokin.db", dir.path().display());
    Store::connect(&url).await.expect("connect");
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("raw");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
}

/// The web server needs `Send` futures: this only has to compile.
#[allow(dead_code)]
fn store_futures_are_send(store: Store, org: pokin_domain::Organisation) {
    fn send<T: Send>(_: T) {}
    send(Store::connect("sqlite::memory:"));
    send(store.organisations());
    send(store.organisation_by_name("x"));
    send(store.load_organisation(1));
    send(store.load_tree_with_ids(1));
    send(store.import_organisation("a", &org, ImportMode::Replace));
    send(store.delete_organisation("a", 1));
    send(store.audit_log(&AuditFilter::default()));
    send(store.delete_unit("a", 1, 1));
    send(store.set_target("a", 1, 1, 2025, &TargetValue::Number(1.0)));
    send(store.create_support("a", 1, 1, 2, 1.0));
}
