//! Test support: a fresh database per test on every available backend, a rich test
//! organisation, and raw row counts and [`Unchanged`] to prove that refused and failed
//! transactions leave nothing behind.
//!
//! SQLite (a temporary file) is always tested. PostgreSQL is tested when
//! `POKIN_TEST_DATABASE_URL` is set: each test gets its own schema (created here, dropped when
//! the test ends, even on failure), so tests can run in parallel and runs are repeatable.

#![allow(dead_code)]

use chrono::NaiveDate;
use pokin_domain::{
    Aggregation, Appointment, Code, Indicator, Nip, Objective, Official, Organisation,
    OrganisationDraft, Polarity, Renstra, Support, TargetValue, Unit, UnitKey, UnitKind,
};
use pokin_store::{AuditFilter, AuditRecord, ImportMode, Store};
use sqlx::{AssertSqlSafe, Connection};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs SQL statements on a raw connection to the test database, outside the store.
pub async fn raw(db: &TestDb, statements: &[String]) {
    async fn run<C>(url: &str, statements: &[String])
    where
        C: Connection,
        for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    {
        let mut conn = C::connect(url).await.expect("raw connection");
        for sql in statements {
            sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        conn.close().await.ok();
    }
    if db.label == "sqlite" {
        run::<sqlx::SqliteConnection>(&db.url, statements).await
    } else {
        run::<sqlx::PgConnection>(&db.url, statements).await
    }
}

/// One backend under test: the store, its URL, and what to clean up.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}/data/pokin.db", dir.path().display());
        let store = Store::connect(&url).await.expect("connect to SQLite");
        TestDb {
            label: "sqlite",
            url,
            store,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    async fn postgres(base: &str) -> TestDb {
        let schema = format!(
            "pokin_test_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        let mut conn = sqlx::PgConnection::connect(base)
            .await
            .expect("connect to POKIN_TEST_DATABASE_URL");
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .expect("create test schema");
        conn.close().await.ok();
        let sep = if base.contains('?') { '&' } else { '?' };
        // The schema's name also names the connections, so that cleanup can end them.
        let url = format!("{base}{sep}options[search_path]={schema}&application_name={schema}");
        let store = Store::connect(&url).await.expect("connect to PostgreSQL");
        TestDb {
            label: "postgres",
            url,
            store,
            _dir: None,
            pg_schema: Some((base.to_owned(), schema)),
        }
    }

    /// Another store on the same database (a second process, or a restart).
    pub async fn reconnect(&self) -> Store {
        Store::connect(&self.url).await.expect("reconnect")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg_schema.take() {
            // Drop cannot be async, and we may be inside the test's runtime: use a thread.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
                        // The store's pool may still hold connections (its clone lives on in
                        // this test until after this drop): end them so nothing blocks the drop.
                        let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                             WHERE application_name = '{schema}'; \
                             SET lock_timeout = '20s'; \
                             DROP SCHEMA IF EXISTS {schema} CASCADE"
                        )))
                        .execute(&mut conn)
                        .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A fresh database on every backend under test.
pub async fn backends() -> Vec<TestDb> {
    let mut out = vec![TestDb::sqlite().await];
    if let Ok(url) = std::env::var("POKIN_TEST_DATABASE_URL")
        && !url.trim().is_empty()
    {
        out.push(TestDb::postgres(url.trim()).await);
    }
    out
}

/// Rows of every agency table (all organisations), read directly, to prove that a failed
/// transaction left no stray rows. Not part of the store's API: a check from outside.
pub async fn row_counts(db: &TestDb) -> Vec<(&'static str, i64)> {
    const TABLES: [&str; 26] = [
        "org_revisions",
        "pemda",
        "pemda_revisions",
        "cascade_links",
        "crosscuts",
        "review_notes",
        "pemda_realisations",
        "organisations",
        "units",
        "officials",
        "objectives",
        "supports",
        "indicators",
        "targets",
        "period_targets",
        "realisations",
        "evidence",
        "closed_periods",
        "reopen_requests",
        "measure_settings",
        "programs",
        "program_pagu",
        "budget_realisations",
        "document_settings",
        "pk_versions",
        "audit_log",
    ];
    let queries = TABLES.map(|t| format!("SELECT COUNT(*) FROM {t}"));
    TABLES
        .into_iter()
        .zip(raw_counts(db, &queries).await)
        .collect()
}

/// Rows of one organisation in every agency table.
pub async fn rows_of_org(db: &TestDb, org_id: i64) -> i64 {
    const TABLES: [&str; 17] = [
        "units",
        "officials",
        "objectives",
        "supports",
        "indicators",
        "targets",
        "period_targets",
        "realisations",
        "evidence",
        "closed_periods",
        "reopen_requests",
        "measure_settings",
        "programs",
        "program_pagu",
        "budget_realisations",
        "document_settings",
        "pk_versions",
    ];
    let queries = TABLES.map(|t| format!("SELECT COUNT(*) FROM {t} WHERE org_id = {org_id}"));
    raw_counts(db, &queries).await.into_iter().sum()
}

/// Runs each `SELECT COUNT(*) …` of `queries` on a raw connection to the test database,
/// outside the store.
async fn raw_counts(db: &TestDb, queries: &[String]) -> Vec<i64> {
    if db.label == "sqlite" {
        counts_on::<sqlx::SqliteConnection>(&db.url, queries).await
    } else {
        counts_on::<sqlx::PgConnection>(&db.url, queries).await
    }
}

async fn counts_on<C>(url: &str, queries: &[String]) -> Vec<i64>
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    (i64,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let mut conn = C::connect(url).await.expect("raw connection");
    let mut out = Vec::new();
    for sql in queries {
        let n: i64 = sqlx::query_scalar::<C::Database, i64>(AssertSqlSafe(sql.clone()))
            .fetch_one(&mut conn)
            .await
            .expect("count rows");
        out.push(n);
    }
    conn.close().await.ok();
    out
}

/// What a refused or failed operation must leave as it was: everything visible through the
/// API ([`visible_state`]) and the raw row counts ([`row_counts`]).
pub struct Unchanged {
    state: String,
    rows: Vec<(&'static str, i64)>,
}

impl Unchanged {
    pub async fn take(db: &TestDb) -> Unchanged {
        Unchanged {
            state: visible_state(&db.store).await,
            rows: row_counts(db).await,
        }
    }

    /// Asserts that nothing changed since [`Unchanged::take`]; `context` is shown on failure.
    pub async fn check(&self, db: &TestDb, context: &str) {
        assert_eq!(visible_state(&db.store).await, self.state, "{context}");
        assert_eq!(row_counts(db).await, self.rows, "{context}");
    }
}

/// Imports `org` as a new organisation, as `tester`, and returns its id.
pub async fn import(store: &Store, org: &Organisation) -> i64 {
    store
        .import_organisation("tester", org, ImportMode::New)
        .await
        .expect("import")
}

/// The whole audit log, newest first.
pub async fn audit_log(store: &Store) -> Vec<AuditRecord> {
    store
        .audit_log(&AuditFilter::default())
        .await
        .expect("audit log")
}

/// The audit log of one organisation, newest first.
pub async fn org_log(store: &Store, org_id: i64) -> Vec<AuditRecord> {
    store
        .audit_log(&AuditFilter {
            org_id: Some(org_id),
            ..AuditFilter::default()
        })
        .await
        .expect("audit log of the organisation")
}

/// How many audit records there are.
pub async fn audit_count(store: &Store) -> usize {
    audit_log(store).await.len()
}

/// Everything a user can see of the database through the API: the organisation list with
/// every tree, and the whole audit log.
pub async fn visible_state(store: &Store) -> String {
    let mut out = String::new();
    for s in store.organisations().await.expect("organisations") {
        let org = store.load_organisation(s.id).await.expect("load");
        out.push_str(&format!("{s:?}\n{org:?}\n"));
    }
    for r in audit_log(store).await {
        out.push_str(&format!("{r:?}\n"));
    }
    out
}

pub fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("test key")
}

pub fn code(s: &str) -> Code {
    Code::parse(s).expect("test code")
}

fn support(unit: &str, objective: &str, weight: f64) -> Support {
    Support {
        unit: key(unit),
        objective: code(objective),
        weight,
    }
}

fn years(values: &[(i32, TargetValue)]) -> BTreeMap<i32, TargetValue> {
    values.iter().cloned().collect()
}

/// A rich organisation: a child listed before its parent, officials with NIP and dates,
/// weighted and crosscutting cascade links, indicators with every specification field, and
/// number, range and qualitative baselines and targets.
pub fn rich_org(name: &str) -> Organisation {
    let full = Indicator {
        code: code("IKU1"),
        name: "Indeks Kepuasan Masyarakat terhadap pelayanan perizinan".into(),
        iku: true,
        satuan: Some("indeks".into()),
        polarity: Some(Polarity::Positive),
        aggregation: Some(Aggregation::NilaiAkhir),
        definition: Some("Tingkat kepuasan pemohon izin atas layanan.".into()),
        formula: Some("Σ nilai unsur / jumlah unsur × 25".into()),
        data_source: Some("Survei Kepuasan Masyarakat".into()),
        responsible: Some("Bidang Pelayanan Perizinan".into()),
        baseline: Some(TargetValue::Number(82.125)),
        decimals: Some(2),
        periodisation: None,
        targets: years(&[
            (2025, TargetValue::Number(83.0)),
            (2026, TargetValue::Number(84.5)),
            (2027, TargetValue::Number(85.25)),
            (2028, TargetValue::Number(86.0)),
            (2029, TargetValue::Number(0.1 + 0.2)),
        ]),
    };
    let qualitative = Indicator {
        code: code("IKU2"),
        name: "Predikat SAKIP perangkat daerah".into(),
        iku: true,
        satuan: Some("predikat".into()),
        polarity: Some(Polarity::Positive),
        aggregation: Some(Aggregation::NilaiAkhir),
        baseline: Some(TargetValue::Qualitative("B".into())),
        targets: years(&[
            (2025, TargetValue::Qualitative("BB".into())),
            (2026, TargetValue::Qualitative("A".into())),
        ]),
        ..Indicator::new(code("IKU2"), "")
    };
    let range = Indicator {
        code: code("IK1.1"),
        name: "Tingkat pengangguran terbuka".into(),
        satuan: Some("%".into()),
        polarity: Some(Polarity::Range),
        aggregation: Some(Aggregation::RataRata),
        baseline: Some(TargetValue::Range { min: 4.5, max: 5.5 }),
        decimals: Some(1),
        targets: years(&[
            (2025, TargetValue::Range { min: 4.0, max: 5.0 }),
            (
                2026,
                TargetValue::Range {
                    min: -1.5,
                    max: 4.75,
                },
            ),
            (2027, TargetValue::Number(4.0)),
        ]),
        ..Indicator::new(code("IK1.1"), "")
    };
    let counted = Indicator {
        code: code("IK1.2"),
        name: "Jumlah tenaga kerja yang dilatih".into(),
        satuan: Some("orang".into()),
        polarity: Some(Polarity::Negative),
        aggregation: Some(Aggregation::Kumulatif),
        decimals: Some(0),
        targets: years(&[(2025, TargetValue::Number(120.0))]),
        ..Indicator::new(code("IK1.2"), "")
    };
    let draft = OrganisationDraft {
        programs: Vec::new(),
        name: name.into(),
        title: Some("POHON KINERJA DINAS PENANAMAN MODAL".into()),
        demo: true,
        renstra: Some(Renstra {
            start: 2025,
            end: 2029,
        }),
        units: vec![
            // A Seksi listed before its Bidang, as in the seed document.
            Unit {
                key: key("seksi-pelatihan"),
                name: "Seksi Pelatihan dan Produktivitas Tenaga Kerja".into(),
                kind: UnitKind::Seksi,
                parent: Some(key("bidang-tenaga-kerja")),
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SS1"),
                    statement: "Meningkatnya kompetensi tenaga kerja".into(),
                    supports: vec![
                        support("bidang-tenaga-kerja", "SS1", 0.75),
                        // Crosscutting: a Bidang that is not its parent.
                        support("bidang-perizinan", "SS1", 0.25),
                    ],
                    indicators: vec![counted.clone()],
                }],
            },
            Unit {
                key: key("kepala-dinas"),
                name: "Kepala Dinas".into(),
                kind: UnitKind::Kepala,
                parent: None,
                officials: vec![Official {
                    name: "Dr. Siti Aminah, S.E., M.Si.".into(),
                    nip: Some(Nip::parse("19700101 199503 2 001").expect("nip")),
                    pangkat: Some("Pembina Utama Muda".into()),
                    golongan: Some("IV/c".into()),
                    appointment: Appointment::Definitif,
                    since: NaiveDate::from_ymd_opt(2023, 1, 2),
                    until: None,
                }],
                objectives: vec![
                    Objective {
                        code: code("SS1"),
                        statement: "Meningkatnya kualitas pelayanan perizinan".into(),
                        supports: vec![],
                        indicators: vec![full, qualitative],
                    },
                    Objective {
                        code: code("SS2"),
                        statement: "Meningkatnya daya saing angkatan kerja".into(),
                        supports: vec![],
                        indicators: vec![],
                    },
                ],
            },
            Unit {
                key: key("bidang-tenaga-kerja"),
                name: "Bidang Tenaga Kerja".into(),
                kind: UnitKind::Bidang,
                parent: Some(key("kepala-dinas")),
                officials: vec![
                    Official {
                        name: "Budi Santoso".into(),
                        nip: Some(Nip::parse("198001012005011002").expect("nip")),
                        pangkat: None,
                        golongan: None,
                        appointment: Appointment::Definitif,
                        since: NaiveDate::from_ymd_opt(2020, 3, 1),
                        until: NaiveDate::from_ymd_opt(2024, 12, 31),
                    },
                    Official {
                        name: "Andi Wijaya".into(),
                        nip: None,
                        pangkat: Some("Penata Tingkat I".into()),
                        golongan: Some("III/d".into()),
                        appointment: Appointment::Plt,
                        since: NaiveDate::from_ymd_opt(2025, 1, 1),
                        until: None,
                    },
                ],
                objectives: vec![Objective {
                    code: code("SS1"),
                    statement: "Meningkatnya penempatan tenaga kerja".into(),
                    supports: vec![support("kepala-dinas", "SS2", 1.0)],
                    indicators: vec![range],
                }],
            },
            Unit {
                key: key("bidang-perizinan"),
                name: "Bidang Pelayanan Perizinan".into(),
                kind: UnitKind::Unnamed,
                parent: Some(key("kepala-dinas")),
                officials: vec![],
                objectives: vec![
                    Objective {
                        code: code("SS1"),
                        statement: "Meningkatnya kecepatan layanan izin".into(),
                        supports: vec![support("kepala-dinas", "SS1", 2.5)],
                        indicators: vec![Indicator::new(
                            code("IK1"),
                            "Persentase izin tepat waktu",
                        )],
                    },
                    Objective {
                        code: code("SS2"),
                        statement: "Meningkatnya kualitas data perizinan".into(),
                        supports: vec![
                            support("kepala-dinas", "SS1", 1.0),
                            support("bidang-perizinan", "SS1", 0.5),
                        ],
                        indicators: vec![Indicator::new(code("IK2"), "Persentase data mutakhir")],
                    },
                ],
            },
            Unit {
                key: key("sekretariat"),
                name: "Sekretariat".into(),
                kind: UnitKind::Sekretariat,
                parent: Some(key("kepala-dinas")),
                officials: vec![],
                objectives: vec![],
            },
            Unit {
                key: key("upt-latihan-kerja"),
                name: "UPT Balai Latihan Kerja".into(),
                kind: UnitKind::Upt,
                parent: None,
                officials: vec![Official {
                    name: "Rina Marlina".into(),
                    nip: None,
                    pangkat: None,
                    golongan: None,
                    appointment: Appointment::Plh,
                    since: None,
                    until: None,
                }],
                objectives: vec![],
            },
        ],
    };
    draft
        .validate()
        .expect("the rich test organisation is valid")
}

/// A small organisation: one Kepala, one Bidang.
pub fn small_org(name: &str) -> Organisation {
    OrganisationDraft {
        programs: Vec::new(),
        name: name.into(),
        title: None,
        demo: false,
        renstra: None,
        units: vec![
            Unit {
                key: key("kepala"),
                name: "Kepala Badan".into(),
                kind: UnitKind::Kepala,
                parent: None,
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SS1"),
                    statement: "Terwujudnya tata kelola yang baik".into(),
                    supports: vec![],
                    indicators: vec![Indicator {
                        targets: years(&[(2030, TargetValue::Qualitative("WTP".into()))]),
                        ..Indicator::new(code("IKU1"), "Opini BPK")
                    }],
                }],
            },
            Unit {
                key: key("bidang-umum"),
                name: "Bidang Umum".into(),
                kind: UnitKind::SubBagian,
                parent: Some(key("kepala")),
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SS1"),
                    statement: "Meningkatnya layanan umum".into(),
                    supports: vec![support("kepala", "SS1", 1.0)],
                    indicators: vec![],
                }],
            },
        ],
    }
    .validate()
    .expect("the small test organisation is valid")
}
