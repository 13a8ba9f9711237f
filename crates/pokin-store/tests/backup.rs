//! Backups through the public API: a store with real content is backed up and restored into an
//! empty database (SQLite → SQLite, PostgreSQL → PostgreSQL, SQLite ↔ PostgreSQL when a server
//! is configured), then every table — enumerated here, independently, from each database's
//! catalogue — and every evidence file are compared. Also: a non-empty target is refused and
//! left as it was; a truncated or corrupt file is refused and leaves the target empty; a backup
//! taken while another task writes restores to a consistent state.

mod common;

use chrono::{NaiveDate, SecondsFormat};
use common::{TestDb, Unchanged, backends, code, key, rich_org, row_counts, small_org};
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::document::DocumentSettings;
use pokin_domain::measure::{Action, IndicatorKey, Period, RealisationInput};
use pokin_domain::program::{Program, ProgramLevel};
use pokin_domain::{Organisation, TargetValue};
use pokin_store::{
    AuditFilter, BackupProgress, ImportMode, NewUser, RestoreSummary, Role, Store, StoreError,
    UnitInput, entity,
};
use sqlx::{AssertSqlSafe, Column, Connection, Row, TypeInfo, ValueRef};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

// ---------------------------------------------------------------------------------------------
// Content.

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PDF2: &[u8] = b"%PDF-1.4\n% kedua\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn tw(year: i32, n: u8) -> Period {
    Period::new(year, Periodisation::Triwulan, n).expect("quarter")
}

fn ik1() -> IndicatorKey {
    IndicatorKey {
        unit: key("bidang-perizinan"),
        code: code("IK1"),
    }
}

fn number(v: f64) -> RealisationInput {
    RealisationInput {
        value: Some(Realisation::Number(v)),
        kendala: Some("Server perizinan sempat padam.".into()),
        ..RealisationInput::default()
    }
}

/// The rich organisation with a program, a kegiatan and their pagu.
fn org_with_programs(name: &str) -> Organisation {
    let mut draft = rich_org(name).into_draft();
    draft.programs = vec![
        Program {
            code: "2.18.01".into(),
            level: ProgramLevel::Program,
            name: "Program Pelayanan Penanaman Modal".into(),
            parent: None,
            unit: key("kepala-dinas"),
            objective: Some(code("SS1")),
            pagu: [(2025, 1_000_000_000.0), (2026, 1_250_000_000.5)]
                .into_iter()
                .collect(),
        },
        Program {
            code: "2.18.01.2.01".into(),
            level: ProgramLevel::Kegiatan,
            name: "Pelayanan Perizinan Berusaha".into(),
            parent: Some("2.18.01".into()),
            unit: key("bidang-perizinan"),
            objective: Some(code("SS1")),
            pagu: [(2026, 0.1 + 0.2)].into_iter().collect(),
        },
    ];
    draft.validate().expect("valid")
}

/// Fills `s` with a bit of everything: organisations (one deleted again, so the id sequence has
/// a gap), a re-parented unit (its parent now has a larger id), Rencana Aksi targets,
/// realisations in every workflow state, evidence files (one shared by two rows), a closed
/// quarter and a reopen request, programs with pagu and realised budget, document settings, an
/// established PK, accounts, a session and a used API token. Returns the organisation's id.
async fn populate(s: &Store) -> i64 {
    let org = s
        .import_organisation(
            "tester",
            &org_with_programs("Dinas Penanaman Modal"),
            ImportMode::New,
        )
        .await
        .expect("import");
    let gone = s
        .import_organisation("tester", &small_org("Badan Sementara"), ImportMode::New)
        .await
        .expect("import");
    s.delete_organisation("tester", gone).await.expect("delete");

    // The Sekretariat (imported before the UPT) now reports to the UPT.
    let tree = s.load_tree_with_ids(org).await.expect("tree");
    let id_of = |k: &str| {
        tree.units
            .iter()
            .find(|u| u.key == key(k))
            .map(|u| u.id)
            .expect("unit")
    };
    let (sekretariat, upt) = (id_of("sekretariat"), id_of("upt-latihan-kerja"));
    assert!(
        upt > sekretariat,
        "the UPT was stored after the Sekretariat"
    );
    s.update_unit(
        "tester",
        org,
        sekretariat,
        &UnitInput {
            key: key("sekretariat"),
            name: "Sekretariat".into(),
            kind: pokin_domain::UnitKind::Sekretariat,
            parent_id: Some(upt),
            position: None,
        },
    )
    .await
    .expect("re-parent");

    s.set_period_targets(
        "perencana",
        org,
        &ik1(),
        &[
            (tw(2025, 1), Some(TargetValue::Number(20.0))),
            (tw(2025, 2), Some(TargetValue::Number(40.5))),
            (tw(2025, 3), Some(TargetValue::Range { min: 1.0, max: 2.0 })),
            (tw(2025, 4), Some(TargetValue::Qualitative("Baik".into()))),
        ],
    )
    .await
    .expect("targets");

    let mut ids = Vec::new();
    for (q, v) in [(1, 10.25), (2, 0.1 + 0.2), (3, 1.5), (4, 7.0)] {
        let id = s
            .save_realisation("operator", org, &ik1(), tw(2025, q), &number(v))
            .await
            .expect("realisation");
        ids.push(id);
    }
    let [draft, submitted, verified, returned] = ids[..] else {
        unreachable!()
    };
    s.add_evidence("operator", org, draft, "laporan.pdf", PDF)
        .await
        .expect("evidence");
    s.add_evidence("operator", org, submitted, "laporan sama.pdf", PDF)
        .await
        .expect("shared evidence");
    s.add_evidence("operator", org, verified, "foto.pdf", PDF2)
        .await
        .expect("evidence");
    let step = |id, a, r| s.transition_realisation("verifikator", org, id, a, r);
    step(submitted, Action::Ajukan, None).await.expect("ajukan");
    step(verified, Action::Ajukan, None).await.expect("ajukan");
    step(verified, Action::Verifikasi, None)
        .await
        .expect("verifikasi");
    step(returned, Action::Ajukan, None).await.expect("ajukan");
    step(returned, Action::Kembalikan, Some("Bukti belum lengkap."))
        .await
        .expect("kembalikan");
    s.close_period("perencana", org, 2025, 3)
        .await
        .expect("close");
    s.request_reopen("operator", org, verified, "Salah hitung.")
        .await
        .expect("reopen request");

    s.set_budget_realisation(
        "perencana",
        org,
        "2.18.01.2.01",
        2026,
        1,
        Some(75_000_000.0),
    )
    .await
    .expect("budget");
    s.set_document_settings(
        "perencana",
        org,
        &DocumentSettings {
            region: "Kabupaten Boyolali".into(),
            place: "Boyolali".into(),
            head_title: "Bupati Boyolali".into(),
            head_name: "Agus Irawan".into(),
        },
    )
    .await
    .expect("settings");
    let pk = s
        .perjanjian_kinerja(org, &key("kepala-dinas"), 2026, None)
        .await
        .expect("draft PK");
    s.establish_pk("perencana", org, &pk, None)
        .await
        .expect("establish PK");

    let admin = s
        .create_user(
            "cli",
            &NewUser {
                username: "admin".into(),
                display_name: "Admin".into(),
                role: Role::Admin,
                org_id: None,
                pemda_id: None,
                unit: None,
                password: "sandi-rahasia-panjang".into(),
                must_change_password: false,
            },
        )
        .await
        .expect("admin");
    s.create_user(
        "admin",
        &NewUser {
            username: "operator".into(),
            display_name: "Operator Perizinan".into(),
            role: Role::Operator,
            org_id: Some(org),
            pemda_id: None,
            unit: Some(key("bidang-perizinan")),
            password: "sandi-operator-panjang".into(),
            must_change_password: true,
        },
    )
    .await
    .expect("operator");
    let user = s.user(admin).await.expect("user").expect("exists");
    s.open_session(&user, chrono::Duration::hours(8))
        .await
        .expect("session");
    let token = s
        .create_api_token("admin", admin, "integrasi")
        .await
        .expect("token");
    s.user_for_api_token(&token)
        .await
        .expect("use token")
        .expect("valid token");
    org
}

// ---------------------------------------------------------------------------------------------
// Reading a database from outside the store.

/// A value as both backends can be compared: booleans as 0/1, timestamps and dates as the text
/// sqlx writes on SQLite, reals by their bits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Null,
    Int(i64),
    Real(u64),
    Text(String),
}

/// Every table's columns (sorted by name) and rows (sorted), except the migrations table.
type Tables = BTreeMap<String, (Vec<String>, Vec<Vec<Value>>)>;

async fn tables_of(db: &TestDb) -> Tables {
    if db.label == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&db.url)
            .await
            .expect("raw connection");
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> 'pokin_schema_migrations'",
        )
        .fetch_all(&mut c)
        .await
        .expect("tables");
        let mut out = Tables::new();
        for t in names {
            let rows = sqlx::query(AssertSqlSafe(format!("SELECT * FROM \"{t}\"")))
                .fetch_all(&mut c)
                .await
                .expect("rows");
            let columns = column_names(&t, &db.url).await;
            let decoded = rows
                .iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| {
                            let raw = r.try_get_raw(i).expect("value");
                            if raw.is_null() {
                                return Value::Null;
                            }
                            match raw.type_info().name() {
                                "INTEGER" => Value::Int(r.get(i)),
                                "REAL" => Value::Real(r.get::<f64, _>(i).to_bits()),
                                "TEXT" => Value::Text(r.get(i)),
                                other => panic!("{t}: unexpected SQLite value type {other}"),
                            }
                        })
                        .collect()
                })
                .collect();
            out.insert(t, normalise(columns, decoded));
        }
        out
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url)
            .await
            .expect("raw connection");
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> 'pokin_schema_migrations'",
        )
        .fetch_all(&mut c)
        .await
        .expect("tables");
        let mut out = Tables::new();
        for t in names {
            let rows = sqlx::query(AssertSqlSafe(format!("SELECT * FROM \"{t}\"")))
                .fetch_all(&mut c)
                .await
                .expect("rows");
            let columns = column_names(&t, &db.url).await;
            let decoded = rows
                .iter()
                .map(|r| {
                    r.columns()
                        .iter()
                        .enumerate()
                        .map(|(i, col)| {
                            if r.try_get_raw(i).expect("value").is_null() {
                                return Value::Null;
                            }
                            match col.type_info().name() {
                                "INT8" => Value::Int(r.get(i)),
                                "INT4" => Value::Int(i64::from(r.get::<i32, _>(i))),
                                "FLOAT8" => Value::Real(r.get::<f64, _>(i).to_bits()),
                                "TEXT" => Value::Text(r.get(i)),
                                "BOOL" => Value::Int(i64::from(r.get::<bool, _>(i))),
                                "TIMESTAMPTZ" => Value::Text(
                                    r.get::<chrono::DateTime<chrono::Utc>, _>(i)
                                        .to_rfc3339_opts(SecondsFormat::AutoSi, false),
                                ),
                                "DATE" => Value::Text(
                                    r.get::<NaiveDate, _>(i).format("%Y-%m-%d").to_string(),
                                ),
                                other => panic!("{t}: unexpected PostgreSQL type {other}"),
                            }
                        })
                        .collect()
                })
                .collect();
            out.insert(t, normalise(columns, decoded));
        }
        out
    }
}

/// The column names of `table`, in table order.
async fn column_names(table: &str, url: &str) -> Vec<String> {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        )))
        .fetch_all(&mut c)
        .await
        .expect("columns")
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&mut c)
        .await
        .expect("columns")
    }
}

/// Columns sorted by name (with each row's values in that order), rows sorted.
fn normalise(columns: Vec<String>, rows: Vec<Vec<Value>>) -> (Vec<String>, Vec<Vec<Value>>) {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| columns[a].cmp(&columns[b]));
    let mut rows: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|r| order.iter().map(|&i| r[i].clone()).collect())
        .collect();
    rows.sort();
    (order.iter().map(|&i| columns[i].clone()).collect(), rows)
}

/// Every file under `dir` (relative path → bytes).
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.insert(
                    rel.display().to_string(),
                    std::fs::read(&path).expect("read"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

async fn backup_bytes(s: &Store) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    s.backup(&mut out, &|_| {}).await.expect("backup");
    out.into_inner()
}

async fn restore_bytes(s: &Store, bytes: &[u8]) -> Result<RestoreSummary, StoreError> {
    s.restore(Cursor::new(bytes), &|_| {}).await
}

/// A fresh database of the given label ("sqlite" or "postgres"), if available.
async fn fresh(label: &str) -> Option<TestDb> {
    backends().await.into_iter().find(|d| d.label == label)
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn a_restored_backup_equals_the_original_table_by_table_and_file_by_file() {
    let mut pairs = vec![("sqlite", "sqlite")];
    if std::env::var("POKIN_TEST_DATABASE_URL").is_ok_and(|u| !u.trim().is_empty()) {
        pairs.extend([
            ("postgres", "postgres"),
            ("sqlite", "postgres"),
            ("postgres", "sqlite"),
        ]);
    }
    for (from, to) in pairs {
        let what = format!("{from} → {to}");
        let source = fresh(from).await.expect("source");
        let target = fresh(to).await.expect("target");
        let (src_files, dst_files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let s = source.store.clone().with_evidence_dir(src_files.path());
        let t = target.store.clone().with_evidence_dir(dst_files.path());
        let org = populate(&s).await;

        let calls = AtomicU64::new(0);
        let last = std::sync::Mutex::new(None);
        let mut out = Cursor::new(Vec::new());
        let made = s
            .backup(&mut out, &|p: BackupProgress| {
                calls.fetch_add(1, Ordering::Relaxed);
                *last.lock().unwrap() = Some(p);
            })
            .await
            .expect("backup");
        let bytes = out.into_inner();
        assert!(
            calls.load(Ordering::Relaxed) > 1,
            "{what}: progress reported"
        );
        let last = last.lock().unwrap().expect("progress");
        assert_eq!(last.done, last.total, "{what}: progress ends at its total");
        assert_eq!(
            made.evidence_files, 2,
            "{what}: two distinct evidence files"
        );

        let restored = restore_bytes(&t, &bytes).await.expect("restore");
        assert_eq!(restored.rows, made.rows, "{what}");
        assert_eq!(restored.evidence_files, 2, "{what}");
        assert_eq!(restored.source_backend, from, "{what}");

        let (a, b) = (tables_of(&source).await, tables_of(&target).await);
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{what}: same tables"
        );
        for (name, (cols, rows)) in &a {
            let (cols_b, rows_b) = &b[name];
            assert_eq!(cols, cols_b, "{what}: columns of {name}");
            assert_eq!(rows, rows_b, "{what}: rows of {name}");
        }
        for table in [
            "organisations",
            "units",
            "realisations",
            "evidence",
            "reopen_requests",
            "pk_versions",
            "users",
            "sessions",
            "api_tokens",
            "audit_log",
        ] {
            assert!(
                !a[table].1.is_empty(),
                "{what}: {table} has rows to compare"
            );
        }
        assert_eq!(
            files_of(src_files.path()),
            files_of(dst_files.path()),
            "{what}: evidence files"
        );
        assert_eq!(files_of(dst_files.path()).len(), 2, "{what}");

        // The restored database works: same documents, evidence reads back, and new rows get
        // fresh ids (not those of the deleted organisation, nor any restored one).
        assert_eq!(
            t.load_organisation(org).await.expect("load"),
            s.load_organisation(org).await.expect("load"),
            "{what}"
        );
        let y = t.year_measurements(org, 2025).await.expect("year");
        assert_eq!(y.realisations.len(), 4, "{what}");
        let new = t
            .import_organisation("tester", &small_org("Badan Baru"), ImportMode::New)
            .await
            .expect("import after restore");
        let in_source = s
            .import_organisation("tester", &small_org("Badan Baru"), ImportMode::New)
            .await
            .expect("import in source");
        assert_eq!(
            new, in_source,
            "{what}: the id sequence continues as in the source"
        );
        assert!(
            new > org + 1,
            "{what}: the deleted organisation's id is not reused"
        );
        assert!(
            t.verify_password("admin", "sandi-rahasia-panjang")
                .await
                .expect("login")
                .is_some(),
            "{what}: accounts restored with their passwords"
        );
    }
}

#[tokio::test]
async fn a_database_that_is_not_empty_is_refused_and_left_unchanged() {
    for source in backends().await {
        let files = tempfile::tempdir().unwrap();
        let s = source.store.clone().with_evidence_dir(files.path());
        populate(&s).await;
        let bytes = backup_bytes(&s).await;

        let target = fresh(source.label).await.expect("target");
        let target_files = tempfile::tempdir().unwrap();
        let t = target.store.clone().with_evidence_dir(target_files.path());
        t.import_organisation("tester", &small_org("Badan Lain"), ImportMode::New)
            .await
            .expect("import");
        let before = Unchanged::take(&target).await;
        let err = restore_bytes(&t, &bytes).await.expect_err("refused");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("tidak kosong") && msg.contains("organisations"),
            "{msg}"
        );
        before.check(&target, "a refused restore").await;
        assert!(files_of(target_files.path()).is_empty(), "no evidence file");

        // Accounts alone make a database non-empty too.
        let users_only = fresh(source.label).await.expect("target");
        users_only
            .store
            .create_user(
                "cli",
                &NewUser {
                    username: "admin".into(),
                    display_name: "Admin".into(),
                    role: Role::Admin,
                    org_id: None,
                    pemda_id: None,
                    unit: None,
                    password: "sandi-rahasia-panjang".into(),
                    must_change_password: false,
                },
            )
            .await
            .expect("user");
        let err = restore_bytes(
            &users_only.store.clone().with_evidence_dir(files.path()),
            &bytes,
        )
        .await
        .expect_err("refused");
        assert!(err.to_string().contains("users"), "{err}");
    }
}

/// A copy of the ZIP `bytes` with `entry` replaced by `f(its content)`.
fn with_entry(bytes: &[u8], entry: &str, f: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("entry");
        let name = file.name().expect("name").into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).expect("read");
        if name == entry {
            content = f(content);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[tokio::test]
async fn a_truncated_or_corrupt_backup_is_refused_and_leaves_the_target_empty() {
    for source in backends().await {
        let files = tempfile::tempdir().unwrap();
        let s = source.store.clone().with_evidence_dir(files.path());
        populate(&s).await;
        let bytes = backup_bytes(&s).await;

        let half_of_the_rows = |c: Vec<u8>| {
            let text = String::from_utf8(c).expect("utf-8");
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines.len() >= 2);
            lines[..lines.len() / 2]
                .iter()
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                .into_bytes()
        };
        let bad_row = |c: Vec<u8>| {
            let mut text = String::from_utf8(c).expect("utf-8");
            text.push_str("[1, \"tidak lengkap\"\n");
            text.into_bytes()
        };
        let mut flipped = bytes.clone();
        {
            let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).expect("zip");
            let entry = zip.by_name("tables/audit_log.jsonl").expect("entry");
            let at = entry.data_start().expect("data start") + entry.compressed_size() / 2;
            flipped[usize::try_from(at).expect("offset")] ^= 0xff;
        }
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", bytes[..bytes.len() / 2].to_vec()),
            ("truncated to its start", bytes[..40].to_vec()),
            ("not a zip", b"bukan cadangan".to_vec()),
            ("a byte flipped", flipped),
            // Rows are written, then the count disagrees with the manifest: rolled back.
            (
                "half of the realisations",
                with_entry(&bytes, "tables/realisations.jsonl", half_of_the_rows),
            ),
            (
                "a broken last row of the audit log",
                with_entry(&bytes, "tables/audit_log.jsonl", bad_row),
            ),
            (
                "altered evidence",
                with_entry(
                    &bytes,
                    &format!("bukti/{}", evidence_path(PDF2)),
                    |mut c| {
                        c.push(b' ');
                        c
                    },
                ),
            ),
            (
                "a broken manifest",
                with_entry(&bytes, "manifest.json", |_| b"{".to_vec()),
            ),
        ];
        for (what, broken) in cases {
            let target = fresh(source.label).await.expect("target");
            let empty = row_counts(&target).await;
            let target_files = tempfile::tempdir().unwrap();
            let t = target.store.clone().with_evidence_dir(target_files.path());
            let err = restore_bytes(&t, &broken).await.expect_err(what);
            let msg = err.to_string();
            assert!(
                msg.contains("cadangan") && msg.contains("Tidak ada yang dipulihkan"),
                "{what}: {msg}"
            );
            assert_eq!(row_counts(&target).await, empty, "{what}: nothing written");
            assert!(
                files_of(target_files.path()).is_empty(),
                "{what}: no evidence file left behind"
            );
            // The same target then takes the intact backup.
            restore_bytes(&t, &bytes)
                .await
                .unwrap_or_else(|e| panic!("{what}: intact backup after a refusal: {e}"));
        }
    }
}

fn evidence_path(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let sha: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}/{sha}", &sha[..2])
}

#[tokio::test]
async fn a_schema_version_mismatch_is_refused() {
    for source in backends().await {
        let s = source.store.clone();
        s.import_organisation("tester", &small_org("Badan"), ImportMode::New)
            .await
            .expect("import");
        let bytes = backup_bytes(&s).await;
        let older = with_entry(&bytes, "manifest.json", |c| {
            let mut m: serde_json::Value = serde_json::from_slice(&c).expect("json");
            let v = m["schema_version"].as_i64().expect("version");
            m["schema_version"] = (v - 1).into();
            serde_json::to_vec(&m).expect("json")
        });
        let target = fresh(source.label).await.expect("target");
        let empty = row_counts(&target).await;
        let err = restore_bytes(&target.store, &older)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("versi"), "{err}");
        assert_eq!(row_counts(&target).await, empty);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_another_task_writes_is_consistent() {
    for source in backends().await {
        let files = tempfile::tempdir().unwrap();
        let s = source.store.clone().with_evidence_dir(files.path());
        let org = s
            .import_organisation("tester", &rich_org("Dinas Sibuk"), ImportMode::New)
            .await
            .expect("import");
        let stop = Arc::new(AtomicBool::new(false));
        let writes = Arc::new(AtomicU64::new(0));
        let writer = {
            let (s, stop, writes) = (s.clone(), stop.clone(), writes.clone());
            tokio::spawn(async move {
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    let year = 2025 + (n / 4 % 5) as i32;
                    let quarter = (n % 4) as u8 + 1;
                    s.save_realisation(
                        "operator",
                        org,
                        &ik1(),
                        tw(year, quarter),
                        &number(f64::from(n)),
                    )
                    .await
                    .expect("write");
                    writes.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        };
        while writes.load(Ordering::Relaxed) < 5 {
            tokio::task::yield_now().await;
        }
        let bytes = backup_bytes(&s).await;
        stop.store(true, Ordering::Relaxed);
        writer.await.expect("writer");

        let target = fresh(source.label).await.expect("target");
        let t = target.store.clone();
        restore_bytes(&t, &bytes).await.expect("restore");
        // Every realisation row has the audit record of its latest value, and every
        // realisation audit record names a row (or the row was saved again later).
        let mut rows = 0;
        for year in 2025..=2029 {
            for r in t
                .year_measurements(org, year)
                .await
                .expect("year")
                .realisations
            {
                rows += 1;
                let log = t
                    .audit_log(&AuditFilter {
                        entity: Some(entity::REALISATION.into()),
                        entity_id: Some(r.id),
                        ..AuditFilter::default()
                    })
                    .await
                    .expect("log");
                let newest = log.first().expect("an audit record per realisation");
                let after = newest.after.as_ref().expect("after");
                let value = match &r.input.value {
                    Some(Realisation::Number(v)) => serde_json::json!(v),
                    other => panic!("{}: unexpected value {other:?}", source.label),
                };
                assert_eq!(
                    after["value_number"], value,
                    "{}: the newest record shows the row's value",
                    source.label
                );
                assert_eq!(after["updated_at"], serde_json::json!(r.updated_at));
            }
        }
        assert!(rows >= 5, "{}: the writes before the backup", source.label);
        let records = t
            .audit_log(&AuditFilter {
                entity: Some(entity::REALISATION.into()),
                ..AuditFilter::default()
            })
            .await
            .expect("log");
        assert!(records.len() >= rows, "{}", source.label);
        let ids: BTreeSet<i64> = records.iter().filter_map(|r| r.entity_id).collect();
        assert_eq!(
            ids.len(),
            rows,
            "{}: no record of a missing row",
            source.label
        );
        assert_eq!(
            tables_of(&target).await["realisations"].1.len(),
            rows,
            "{}",
            source.label
        );
    }
}
