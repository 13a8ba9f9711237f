//! The audit log's hash chain (`Store::verify_audit`): every way the store writes keeps the
//! chain whole — edits, accounts, a failed transaction, concurrent writers, a bulk import with
//! several records in one transaction, records older than the chain — and every way of
//! changing the log behind the store's back (raw SQL on the same database) is caught, naming the
//! first broken record. SQLite always, PostgreSQL when `POKIN_TEST_DATABASE_URL` is set.

mod common;

use chrono::{DateTime, Utc};
use common::{TestDb, audit_count, backends, import, raw, rich_org, small_org};
use pokin_store::{
    AuditProblem, AuditVerification, BulkOrganisation, ImportMode, NewUser, Role, Store,
};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection};

/// The ids of the audit records in chain order, read directly.
async fn ids_in_chain_order(db: &TestDb) -> Vec<i64> {
    async fn run<C>(url: &str) -> Vec<i64>
    where
        C: Connection,
        for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
        (i64,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
        <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
    {
        let mut conn = C::connect(url).await.expect("raw connection");
        let ids = sqlx::query_scalar::<C::Database, i64>(
            "SELECT id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq",
        )
        .fetch_all(&mut conn)
        .await
        .expect("read ids");
        conn.close().await.ok();
        ids
    }
    if db.label == "sqlite" {
        run::<sqlx::SqliteConnection>(&db.url).await
    } else {
        run::<sqlx::PgConnection>(&db.url).await
    }
}

fn user(name: &str, org_id: Option<i64>) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("Pengguna {name}"),
        role: if org_id.is_some() {
            Role::Perencana
        } else {
            Role::Admin
        },
        org_id,
        pemda_id: None,
        unit: None,
        password: "sandi-rantai-123".into(),
        must_change_password: false,
    }
}

async fn assert_intact(store: &Store, label: &str) -> u64 {
    match store.verify_audit().await.expect("verify") {
        AuditVerification::Intact { records } => {
            assert_eq!(records as usize, audit_count(store).await, "{label}");
            records
        }
        broken => panic!("{label}: chain should be intact: {broken:?}"),
    }
}

/// A few records of different kinds: imports, a replacement, an account, a login, a deletion.
async fn some_history(store: &Store) {
    let a = import(store, &rich_org("Dinas Rantai A")).await;
    let b = import(store, &small_org("Dinas Rantai B")).await;
    store
        .import_organisation("tester", &rich_org("Dinas Rantai A"), ImportMode::Replace)
        .await
        .expect("replace");
    let id = store
        .create_user("tester", &user("rantai.a", Some(a)))
        .await
        .expect("user");
    let u = store.user(id).await.expect("read user").expect("user");
    store
        .open_session(&u, chrono::Duration::hours(1))
        .await
        .expect("session");
    store
        .delete_organisation("tester", b)
        .await
        .expect("delete");
}

#[tokio::test]
async fn every_kind_of_write_keeps_the_chain_whole() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        // An empty log is a whole chain of nothing.
        assert_eq!(
            s.verify_audit().await.expect("verify"),
            AuditVerification::Intact { records: 0 },
            "{label}"
        );
        some_history(s).await;
        let before = assert_intact(s, label).await;
        assert!(before >= 6, "{label}: {before}");

        // A failed transaction leaves neither a record nor a gap.
        s.fail_after_writes(2);
        s.import_organisation("tester", &rich_org("Dinas Rantai A"), ImportMode::Replace)
            .await
            .expect_err("injected fault");
        assert_eq!(assert_intact(s, label).await, before, "{label}");

        // A bulk import writes one record per organisation in one transaction.
        let (x, y, z) = (
            small_org("Dinas Rantai Bulk X"),
            small_org("Dinas Rantai Bulk Y"),
            small_org("Dinas Rantai Bulk Z"),
        );
        let bulk = |org| BulkOrganisation {
            org,
            period_targets: &[],
            realisations: &[],
        };
        s.bulk_import("pemuat", &[bulk(&x), bulk(&y), bulk(&z)])
            .await
            .expect("bulk import");
        assert_eq!(assert_intact(s, label).await, before + 3, "{label}");

        // Eight writers at once (on PostgreSQL really concurrent; SQLite serialises them):
        // each imports, replaces and makes an account, so the chain's head and the revision
        // rows are taken by many transactions at once.
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    let org = small_org(&format!("Dinas Serentak {i}"));
                    let id = s
                        .import_organisation("penulis", &org, ImportMode::New)
                        .await
                        .expect("concurrent import");
                    s.import_organisation("penulis", &org, ImportMode::Replace)
                        .await
                        .expect("concurrent replace");
                    s.create_user("penulis", &user(&format!("serentak.{i}"), Some(id)))
                        .await
                        .expect("concurrent user");
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("writer task");
        }
        assert_eq!(assert_intact(s, label).await, before + 3 + 24, "{label}");

        // Another process (a restart) continues the same chain.
        let again = db.reconnect().await;
        again
            .create_user("tester", &user("rantai.admin", None))
            .await
            .expect("user after restart");
        assert_eq!(
            assert_intact(&again, label).await,
            before + 3 + 24 + 1,
            "{label}"
        );
    }
}

/// A database with some history whose log is then changed behind the store's back by
/// `tamper` (raw SQL, given the record ids in chain order); returns what verification says.
async fn tampered(
    tamper: impl AsyncFn(&TestDb, &[i64]),
) -> Vec<(&'static str, Vec<i64>, AuditVerification)> {
    let mut out = Vec::new();
    for db in backends().await {
        some_history(&db.store).await;
        assert_intact(&db.store, db.label).await;
        let ids = ids_in_chain_order(&db).await;
        assert!(ids.len() >= 6, "{}", db.label);
        tamper(&db, &ids).await;
        let found = db.store.verify_audit().await.expect("verify");
        out.push((db.label, ids, found));
    }
    out
}

fn broken(label: &str, v: AuditVerification) -> pokin_store::AuditBreak {
    match v {
        AuditVerification::Broken(b) => b,
        AuditVerification::Intact { records } => {
            panic!("{label}: tampering not caught ({records} records intact)")
        }
    }
}

#[tokio::test]
async fn an_edited_record_is_named() {
    let results = tampered(async |db, ids| {
        raw(
            db,
            &[format!(
                "UPDATE audit_log SET after_json = '{{\"name\":\"dipalsukan\"}}' WHERE id = {}",
                ids[2]
            )],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        assert_eq!(b.id, Some(ids[2]), "{label}: {b:?}");
        assert_eq!(b.seq, Some(3), "{label}");
        assert_eq!(b.problem, AuditProblem::ContentChanged, "{label}");
        assert_eq!(b.intact, 2, "{label}");
        assert!(b.at.is_some(), "{label}");
        assert!(
            b.problem.message().contains("isi catatan diubah"),
            "{label}"
        );
    }
}

#[tokio::test]
async fn an_edited_actor_or_time_is_named() {
    // Not only the JSON: who and when are covered too.
    let results = tampered(async |db, ids| {
        raw(
            db,
            &[
                format!(
                    "UPDATE audit_log SET actor = 'orang-lain' WHERE id = {}",
                    ids[1]
                ),
                format!("UPDATE audit_log SET entity_id = 999 WHERE id = {}", ids[4]),
            ],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        assert_eq!(b.id, Some(ids[1]), "{label}: {b:?}");
        assert_eq!(b.problem, AuditProblem::ContentChanged, "{label}");
    }
}

#[tokio::test]
async fn a_deleted_middle_record_names_the_next() {
    let results = tampered(async |db, ids| {
        raw(
            db,
            &[format!("DELETE FROM audit_log WHERE id = {}", ids[3])],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        assert_eq!(b.id, Some(ids[4]), "{label}: {b:?}");
        assert_eq!(b.seq, Some(5), "{label}");
        assert_eq!(b.problem, AuditProblem::Gap { expected: 4 }, "{label}");
        assert!(
            b.problem.message().contains("sebelum ini hilang"),
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_deleted_last_record_is_caught() {
    let results = tampered(async |db, ids| {
        let last = ids[ids.len() - 1];
        raw(db, &[format!("DELETE FROM audit_log WHERE id = {last}")]).await
    })
    .await;
    for (label, ids, v) in results {
        let n = ids.len();
        let b = broken(label, v);
        // The last record left is named: the chain stops there.
        assert_eq!(b.id, Some(ids[n - 2]), "{label}: {b:?}");
        assert_eq!(
            b.problem,
            AuditProblem::LastMissing { head: n as i64 },
            "{label}"
        );
        assert!(
            b.problem.message().contains("catatan terakhir hilang"),
            "{label}"
        );
    }
}

#[tokio::test]
async fn an_edited_record_with_a_made_up_hash_is_named() {
    let results = tampered(async |db, ids| {
        raw(
            db,
            &[format!(
                "UPDATE audit_log SET after_json = '{{}}', \
                 hash = 'abababababababababababababababababababababababababababababababab' \
                 WHERE id = {}",
                ids[2]
            )],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        assert_eq!(b.id, Some(ids[2]), "{label}: {b:?}");
        assert_eq!(b.problem, AuditProblem::ContentChanged, "{label}");
    }
}

/// The record's fields that its hash covers, read directly: position, time, actor, org_id,
/// entity, entity_id, action, before, after, previous hash.
type Fields = (
    i64,
    DateTime<Utc>,
    String,
    Option<i64>,
    String,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    String,
);

const FIELDS: &str = "SELECT seq, recorded_at, actor, org_id, entity, entity_id, action, \
     before_json, after_json, prev_hash FROM audit_log WHERE id = ";

async fn fields(db: &TestDb, id: i64) -> Fields {
    let sql = AssertSqlSafe(format!("{FIELDS}{id}"));
    if db.label == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query_as::<_, Fields>(sql)
            .fetch_one(&mut c)
            .await
            .unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_as::<_, Fields>(sql)
            .fetch_one(&mut c)
            .await
            .unwrap()
    }
}

/// The hash a forger who knows the scheme computes (ARCHITECTURE.md, "Audit chain"): SHA-256
/// over a tag and each field as a presence byte, then its length (8 bytes big-endian) and
/// bytes; numbers in decimal, the time as RFC 3339 UTC with microseconds.
fn forged_hash(f: &Fields) -> String {
    fn field(h: &mut Sha256, v: Option<&str>) {
        match v {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    let mut h = Sha256::new();
    h.update(b"pokin-audit-v1");
    field(&mut h, Some(&f.0.to_string()));
    field(
        &mut h,
        Some(&f.1.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
    );
    field(&mut h, Some(&f.2));
    field(&mut h, f.3.map(|v| v.to_string()).as_deref());
    field(&mut h, Some(&f.4));
    field(&mut h, f.5.map(|v| v.to_string()).as_deref());
    field(&mut h, Some(&f.6));
    field(&mut h, f.7.as_deref());
    field(&mut h, f.8.as_deref());
    field(&mut h, Some(&f.9));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_recomputed_forged_hash_names_the_next_record() {
    let results = tampered(async |db, ids| {
        let mut f = fields(db, ids[2]).await;
        // The scheme as the test knows it is the store's: the untouched record recomputes.
        let stored = fields(db, ids[3]).await.9;
        assert_eq!(forged_hash(&f), stored, "{}: hash scheme", db.label);
        f.8 = Some("{\"name\":\"dipalsukan\"}".into());
        let hash = forged_hash(&f);
        raw(
            db,
            &[format!(
                "UPDATE audit_log SET after_json = '{}', hash = '{hash}' WHERE id = {}",
                f.8.as_deref().unwrap_or_default(),
                ids[2]
            )],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        // Record 3 is consistent in itself; record 4 no longer links to it.
        assert_eq!(b.id, Some(ids[3]), "{label}: {b:?}");
        assert_eq!(b.seq, Some(4), "{label}");
        assert_eq!(b.problem, AuditProblem::Unlinked, "{label}");
        assert_eq!(b.intact, 3, "{label}");
    }
}

#[tokio::test]
async fn swapped_records_are_named() {
    // Two records swap places, each keeping its link and hash.
    let results = tampered(async |db, ids| {
        raw(
            db,
            &[
                format!("UPDATE audit_log SET seq = -3 WHERE id = {}", ids[2]),
                format!("UPDATE audit_log SET seq = 3 WHERE id = {}", ids[3]),
                format!("UPDATE audit_log SET seq = 4 WHERE id = {}", ids[2]),
            ],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        assert_eq!(b.id, Some(ids[3]), "{label}: {b:?}");
        assert_eq!(b.seq, Some(3), "{label}");
        assert_eq!(b.problem, AuditProblem::Unlinked, "{label}");
    }
}

#[tokio::test]
async fn a_record_added_behind_the_stores_back_is_named() {
    let results = tampered(async |db, _| {
        raw(
            db,
            &[format!(
                "INSERT INTO audit_log (recorded_at, actor, org_id, entity, entity_id, action, \
                 before_json, after_json) VALUES ({}, 'penyusup', NULL, 'user', 1, 'delete', \
                 NULL, NULL)",
                if db.label == "sqlite" {
                    "'2026-01-01 00:00:00+00:00'"
                } else {
                    "now()"
                }
            )],
        )
        .await
    })
    .await;
    for (label, _, v) in results {
        let b = broken(label, v);
        assert_eq!(b.problem, AuditProblem::Unchained, "{label}: {b:?}");
        assert_eq!(b.seq, None, "{label}");
        assert!(b.id.is_some(), "{label}");
    }
}

#[tokio::test]
async fn a_rewound_head_is_caught() {
    // Deleting the newest record and rewinding the head's position without its hash.
    let results = tampered(async |db, ids| {
        let last = ids[ids.len() - 1];
        raw(
            db,
            &[
                format!("DELETE FROM audit_log WHERE id = {last}"),
                "UPDATE audit_chain SET seq = seq - 1".into(),
            ],
        )
        .await
    })
    .await;
    for (label, ids, v) in results {
        let b = broken(label, v);
        assert_eq!(b.id, Some(ids[ids.len() - 2]), "{label}: {b:?}");
        assert_eq!(b.problem, AuditProblem::HeadMismatch, "{label}");
    }
}

#[tokio::test]
async fn records_from_before_the_chain_are_chained_once() {
    for db in backends().await {
        let label = db.label;
        some_history(&db.store).await;
        let n = audit_count(&db.store).await;
        // Take the database back to schema version 5 (no chain), as an older Pokin left it.
        raw(
            &db,
            &[
                "DROP INDEX audit_log_seq".into(),
                "ALTER TABLE audit_log DROP COLUMN seq".into(),
                "ALTER TABLE audit_log DROP COLUMN prev_hash".into(),
                "ALTER TABLE audit_log DROP COLUMN hash".into(),
                "DROP TABLE audit_chain".into(),
                "DELETE FROM pokin_schema_migrations WHERE version = 6".into(),
            ],
        )
        .await;
        // Connecting migrates and chains the old records in id order.
        let s = db.reconnect().await;
        assert_eq!(assert_intact(&s, label).await as usize, n, "{label}");
        // New records continue the chain.
        s.create_user("tester", &user("sesudah.migrasi", None))
            .await
            .expect("user");
        assert_eq!(assert_intact(&s, label).await as usize, n + 1, "{label}");
        // The chained old records are as protected as new ones.
        let ids = ids_in_chain_order(&db).await;
        raw(
            &db,
            &[format!(
                "UPDATE audit_log SET action = 'update' WHERE id = {}",
                ids[0]
            )],
        )
        .await;
        let b = broken(label, s.verify_audit().await.expect("verify"));
        assert_eq!(b.id, Some(ids[0]), "{label}");
        assert_eq!(b.seq, Some(1), "{label}");
        assert_eq!(b.problem, AuditProblem::ContentChanged, "{label}");
    }
}

#[tokio::test]
async fn progress_is_reported_up_to_the_whole_chain() {
    for db in backends().await {
        some_history(&db.store).await;
        let n = audit_count(&db.store).await as u64;
        let mut seen = Vec::new();
        let v = db
            .store
            .verify_audit_with_progress(&mut |done, total| seen.push((done, total)))
            .await
            .expect("verify");
        assert_eq!(v, AuditVerification::Intact { records: n }, "{}", db.label);
        assert_eq!(seen.first(), Some(&(0, n)), "{}", db.label);
        assert_eq!(seen.last(), Some(&(n, n)), "{}", db.label);
    }
}
