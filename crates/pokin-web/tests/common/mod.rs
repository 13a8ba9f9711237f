//! Helpers shared by the web tests: a fresh application on SQLite (and PostgreSQL when
//! `POKIN_TEST_DATABASE_URL` is set) with one account per role, and a tiny client that logs in
//! through the real login form and posts forms with the CSRF token.
#![allow(dead_code)]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use pokin_domain::{Code, Indicator, Objective, OrganisationDraft, Unit, UnitKey, UnitKind};
use pokin_store::{AuditFilter, ImportMode, NewUser, Role, Store};
use pokin_web::{AppState, Config, app};
use tower::ServiceExt;

pub const PASSWORD: &str = "sandi-uji-123";

pub struct TestApp {
    pub app: Router,
    pub store: Store,
    pub org: i64,
    pub other_org: i64,
    /// The pemda `org` belongs to (`other_org` does not), with the accounts `bappeda` and
    /// `bupati`, and one link Bappeda proposed to `org` (waiting).
    pub pemda: i64,
    pub link: i64,
    pub _dir: tempfile::TempDir,
    /// Drops the test's PostgreSQL schema when the app is dropped (declared last: dropped last).
    pub _schema: Option<PgSchema>,
}

/// A PostgreSQL schema made for one test, dropped (with everything in it) on drop.
pub struct PgSchema {
    base: String,
    schema: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (base, schema) = (self.base.clone(), self.schema.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with
        // its own runtime. A failure only leaves the schema behind.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP SCHEMA IF EXISTS {schema} CASCADE"
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

pub fn org(name: &str) -> pokin_domain::Organisation {
    let key = |s: &str| UnitKey::parse(s).expect("key");
    let code = |s: &str| Code::parse(s).expect("code");
    OrganisationDraft {
        programs: Vec::new(),
        name: name.into(),
        title: None,
        demo: false,
        renstra: None,
        units: vec![
            Unit {
                key: key("kepala"),
                name: format!("Kepala {name}"),
                kind: UnitKind::Kepala,
                parent: None,
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SS1"),
                    statement: "Meningkatnya <b>kinerja</b>".into(),
                    supports: vec![],
                    indicators: vec![Indicator::new(
                        code("IKU1"),
                        "Indeks <script>alert(1)</script>",
                    )],
                }],
            },
            Unit {
                key: key("bidang-satu"),
                name: "Bidang <script>alert('x')</script>".into(),
                kind: UnitKind::Bidang,
                parent: Some(key("kepala")),
                officials: vec![],
                objectives: vec![],
            },
        ],
    }
    .validate()
    .expect("valid test organisation")
}

pub async fn setup_on(url: &str, dir: tempfile::TempDir) -> TestApp {
    // Realisation workflow: evidence files go to the test's temporary folder.
    let store = Store::connect(url)
        .await
        .expect("store")
        .with_evidence_dir(dir.path().join("bukti"));
    let org_id = store
        .import_organisation(
            "tester",
            &org("Dinas <script>alert(0)</script> Uji"),
            ImportMode::New,
        )
        .await
        .expect("import");
    let other = store
        .import_organisation("tester", &org("Dinas Lain"), ImportMode::New)
        .await
        .expect("import");
    let (pemda, link) = add_pemda(&store, org_id).await;
    // (name, role, organisation, unit scope); Bappeda and the Bupati work for the pemda.
    let users: [(&str, Role, Option<i64>, Option<&str>); 10] = [
        ("admin", Role::Admin, None, None),
        ("perencana", Role::Perencana, Some(org_id), None),
        (
            "operator",
            Role::Operator,
            Some(org_id),
            Some("bidang-satu"),
        ),
        (
            "verifikator",
            Role::Verifikator,
            Some(org_id),
            Some("bidang-satu"),
        ),
        ("pimpinan", Role::Pimpinan, Some(org_id), None),
        ("inspektorat", Role::Inspektorat, Some(org_id), None),
        ("perencana.lain", Role::Perencana, Some(other), None),
        ("inspektorat.lain", Role::Inspektorat, Some(other), None),
        ("bappeda", Role::Bappeda, None, None),
        ("bupati", Role::KepalaDaerah, None, None),
    ];
    for (name, role, o, unit) in users {
        store
            .create_user(
                "tester",
                &NewUser {
                    username: name.into(),
                    display_name: format!("Uji {name}"),
                    role,
                    org_id: o,
                    pemda_id: role.pemda_wide().then_some(pemda),
                    unit: unit.map(|u| UnitKey::parse(u).expect("key")),
                    password: PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .await
            .expect("user");
    }
    TestApp {
        app: app(AppState::new(store.clone(), Config::default())),
        store,
        org: org_id,
        other_org: other,
        pemda,
        link,
        _dir: dir,
        _schema: None,
    }
}

/// A pemda (its texts hold a script payload) with `org` as its member and one waiting link
/// proposed by Bappeda to `org`.
async fn add_pemda(store: &Store, org: i64) -> (i64, i64) {
    use pokin_domain::pemda::{
        LinkRole, LinkSide, PemdaDraft, PemdaLevel, PemdaNode, PemdaTarget, RegionKind,
    };
    let payload = "<script>alert(2)</script>";
    let code = |c: &str| Code::parse(c).expect("code");
    let node = |c: &str, level, parent: Option<&str>, ind: Option<&str>| PemdaNode {
        code: code(c),
        level,
        statement: format!("Pernyataan {c} {payload}"),
        parent: parent.map(code),
        indicators: ind
            .map(|i| {
                let mut x = Indicator::new(code(i), format!("Indikator {i} {payload}"));
                x.targets
                    .insert(2026, pokin_domain::TargetValue::Number(80.0));
                vec![x]
            })
            .unwrap_or_default(),
    };
    let pemda = PemdaDraft {
        name: format!("Pemkab {payload} Uji"),
        kind: RegionKind::Kabupaten,
        rpjmd: pokin_domain::Renstra {
            start: 2025,
            end: 2029,
        },
        visi: format!("Visi {payload}"),
        head_name: None,
        demo: false,
        nodes: vec![
            node("M1", PemdaLevel::Misi, None, None),
            node("T1", PemdaLevel::Tujuan, Some("M1"), Some("IKT1")),
            node("S1", PemdaLevel::Sasaran, Some("T1"), Some("IKD1")),
        ],
    }
    .validate()
    .expect("pemda");
    let p = store
        .save_pemda("tester", None, &pemda)
        .await
        .expect("pemda");
    store
        .set_pemda_of("tester", org, Some(p))
        .await
        .expect("member");
    let link = store
        .propose_link(
            "bappeda",
            p,
            &pokin_store::NewLink {
                org_id: org,
                target: PemdaTarget {
                    node: code("S1"),
                    indicator: None,
                },
                source: None,
                role: LinkRole::PengampuUtama,
                weight: 1.0,
                side: LinkSide::Pemda,
            },
        )
        .await
        .expect("link");
    (p, link)
}

pub async fn setup() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/pokin.db", dir.path().display());
    setup_on(&url, dir).await
}

/// SQLite always; PostgreSQL too when configured (its own schema per test).
pub async fn setups() -> Vec<TestApp> {
    let mut out = vec![setup().await];
    if let Ok(base) = std::env::var("POKIN_TEST_DATABASE_URL")
        && !base.trim().is_empty()
    {
        use sqlx::Connection;
        // Tests of one binary run in parallel threads: the counter keeps their schemas apart
        // (two once met in the same microsecond).
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let schema = format!(
            "pokin_web_test_{}_{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(base.trim()).await.expect("pg");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .expect("schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}options[search_path]={schema}", base.trim());
        let guard = PgSchema {
            base: base.trim().to_owned(),
            schema,
        };
        let mut pg = setup_on(&url, tempfile::tempdir().expect("dir")).await;
        pg._schema = Some(guard);
        out.push(pg);
    }
    out
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// The test pemda's waiting link accepted (by the store) with the Kepala's SS1: the
    /// organisation's tree hangs under sasaran daerah S1 on the kabupaten diagram.
    pub async fn accept_link(&self) {
        let source = pokin_domain::pemda::OpdSource {
            unit: UnitKey::parse("kepala").expect("key"),
            objective: Code::parse("SS1").expect("code"),
            indicator: None,
        };
        self.store
            .decide_link(
                "perencana",
                self.pemda,
                self.link,
                pokin_domain::pemda::LinkAction::Terima,
                Some(&source),
                None,
            )
            .await
            .expect("accepted");
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let r = self.app.clone().oneshot(req).await.expect("response");
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = to_bytes(r.into_body(), usize::MAX).await.expect("body");
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> Resp {
        let mut b = Request::get(path);
        if let Some(s) = session {
            b = b.header(header::COOKIE, format!("pokin_sesi={}", s.cookie));
        }
        self.send(b.body(Body::empty()).expect("request")).await
    }

    pub async fn post(
        &self,
        path: &str,
        session: Option<&Session>,
        form: &[(&str, &str)],
        csrf: Option<&str>,
    ) -> Resp {
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Some(c) = csrf {
            fields.push(("_csrf".into(), c.into()));
        }
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut b =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = session {
            b = b.header(header::COOKIE, format!("pokin_sesi={}", s.cookie));
        }
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// Logs in through the login form and returns the session cookie and CSRF token.
    pub async fn login(&self, user: &str) -> Session {
        self.try_login(user, PASSWORD).await.expect("login")
    }

    pub async fn try_login(&self, user: &str, password: &str) -> Result<Session, Resp> {
        let form = self.get("/masuk", None).await;
        let pre = cookie_value(&form.headers, "pokin_pra").expect("login csrf cookie");
        let body = format!(
            "username={}&password={}&_csrf={pre}",
            enc(user),
            enc(password)
        );
        let r = self
            .send(
                Request::post("/masuk")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("pokin_pra={pre}"))
                    .body(Body::from(body))
                    .expect("request"),
            )
            .await;
        let Some(cookie) = cookie_value(&r.headers, "pokin_sesi").filter(|c| !c.is_empty()) else {
            return Err(r);
        };
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let session = self
            .store
            .session(&cookie)
            .await
            .expect("read")
            .expect("session");
        Ok(Session {
            cookie,
            csrf: session.csrf_token,
        })
    }

    pub async fn audit_count(&self) -> usize {
        self.store
            .audit_log(&AuditFilter::default())
            .await
            .expect("audit")
            .len()
    }

    /// Every organisation's revision, by id.
    pub async fn org_revisions(&self) -> std::collections::HashMap<i64, i64> {
        let all = self.store.all_revisions().await.expect("revisions");
        all.orgs.clone()
    }
}

#[derive(Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub const ROLES: [&str; 6] = [
    "admin",
    "perencana",
    "operator",
    "verifikator",
    "pimpinan",
    "inspektorat",
];
