//! Bad input everywhere over HTTP: every state-changing route of the table gets wrong values in
//! each of its fields and path parameters (non-numbers, NaN, infinities, huge and negative
//! numbers, 1 MB strings, invalid UTF-8, control characters, HTML and SQL, wrong and locked
//! periods, other organisations' ids, unknown enum values); uploads that are too large,
//! disguised, badly named, empty, truncated or zip bombs; malformed JSON. Every refusal is a 4xx
//! with an Indonesian message (never axum's English), and changes nothing: the audit log, the
//! organisations' revisions and the evidence directory are the same before and after.

mod common;
mod measure_common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Resp, Session, TestApp, enc, setups};
use measure_common::{BOUNDARY, EXE, PDF, PNG, api, prepare, token};
use pokin_domain::{Code, UnitKey};
use pokin_store::AuditFilter;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Checks shared by every case.

/// English text that axum, serde or our own code could leak into a user-facing error.
const ENGLISH: [&str; 16] = [
    "Failed to deserialize",
    "Failed to parse",
    "Failed to buffer",
    "invalid type",
    "missing field",
    "unknown variant",
    "unknown field",
    "expected ",
    "invalid digit",
    "Cannot parse",
    "Invalid URL",
    "length limit",
    "EOF while parsing",
    "recursion limit",
    "number out of range",
    "Expected request with",
];

/// Words of which an Indonesian error message contains at least one.
const INDONESIAN: [&str; 25] = [
    "tidak", "bukan", "yang", "ini", "itu", "atau", "dan", "sudah", "belum", "salah", "harus",
    "wajib", "silakan", "periksa", "isian", "berkas", "terlalu", "ditolak", "pilih", "tulis",
    "kirim", "dengan", "isi", "untuk", "dari",
];

/// Panics unless `body` is an error in Indonesian without English rejection text.
fn assert_indonesian_error(body: &str) {
    if let Err(why) = indonesian_error(body) {
        panic!("{why}");
    }
}

/// Why `body` is not an Indonesian error message, if it is not.
fn indonesian_error(body: &str) -> Result<(), String> {
    if body.trim().is_empty() {
        return Err("empty error body".into());
    }
    if let Some(e) = ENGLISH.iter().find(|e| body.contains(*e)) {
        return Err(format!("English text {e:?} in: {}", excerpt(body)));
    }
    // The message itself: the JSON `message`, or the page's text.
    let text = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| body.to_owned())
        .to_lowercase();
    let words: BTreeSet<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if !INDONESIAN.iter().any(|w| words.contains(w)) {
        return Err(format!("no Indonesian message in: {}", excerpt(body)));
    }
    Ok(())
}

fn excerpt(s: &str) -> String {
    // The error page's main text when there is one, without tags.
    let at = s.find("<main").unwrap_or(0);
    let mut out = String::new();
    let mut tag = false;
    for ch in s[at..].chars() {
        match ch {
            '<' => tag = true,
            '>' => {
                tag = false;
                out.push(' ');
            }
            c if !tag => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    words.join(" ").chars().take(300).collect()
}

/// What "nothing changed" compares: the newest audit record (token "last used" stamps aside),
/// every organisation's revision and the evidence files.
#[derive(Debug, PartialEq)]
struct Snapshot {
    audit: Option<i64>,
    revisions: Vec<(i64, i64)>,
    files: BTreeSet<PathBuf>,
}

async fn snapshot(t: &TestApp) -> Snapshot {
    let records = t
        .store
        .audit_log(&AuditFilter {
            limit: Some(20),
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    let audit = records.iter().find(|r| !is_token_stamp(r)).map(|r| r.id);
    let mut revisions: Vec<(i64, i64)> = t
        .store
        .all_revisions()
        .await
        .expect("revisions")
        .orgs
        .iter()
        .map(|(id, revision)| (*id, *revision))
        .collect();
    revisions.sort_unstable();
    Snapshot {
        audit,
        revisions,
        files: files_under(&t._dir.path().join("bukti")),
    }
}

/// An API token's "last used" stamp (recorded at most once an hour by any API call).
fn is_token_stamp(r: &pokin_store::AuditRecord) -> bool {
    r.entity == pokin_store::entity::API_TOKEN
        && r.after
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|o| o.keys().all(|k| k == "last_used_at"))
}

fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The bad values.

/// What a field holds, which decides the bad values it gets.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A number typed by people (`85,5`).
    Number,
    /// Free text: HTML and SQL are legitimate content (stored literally, shown escaped).
    Text,
    /// An identifier, code, key or secret: every bad value is refused.
    Strict,
    /// One of a few words.
    Enum,
    /// A date.
    Date,
    /// Path: an organisation id.
    OrgId,
    /// Path: a row id (unit, user, request…).
    Id,
    /// Path: a unit key, indicator or program code.
    Key,
    /// Path: a reporting period (`2026-tw2`).
    Period,
    /// Path: a year.
    Year,
    /// Path: a quarter 1–4.
    Quarter,
    /// Path: a pending preview's token.
    Token,
}

/// One bad value: a label (used to say which ones a field legitimately accepts) and the text.
#[derive(Debug, Clone)]
struct Bad {
    label: &'static str,
    value: Val,
}

#[derive(Debug, Clone)]
enum Val {
    Text(String),
    /// Bytes that are not UTF-8 (`%FF%FE` in a form, raw in JSON and multipart).
    InvalidUtf8,
}

const SCRIPT: &str = "<script>alert('x')</script>";
const SQL: &str = "'; DROP TABLE audit_log; --";
/// Over the 1 MiB form limit.
const ONE_MB: usize = 1024 * 1024 + 1;

fn t(label: &'static str, s: &str) -> Bad {
    Bad {
        label,
        value: Val::Text(s.to_owned()),
    }
}

fn text_values() -> Vec<Bad> {
    vec![
        t("1mb", &"x".repeat(ONE_MB)),
        Bad {
            label: "utf8",
            value: Val::InvalidUtf8,
        },
        t("nul", "ab\0cd"),
        t("control", "ab\u{1b}[31mcd\u{7}"),
        t("html", SCRIPT),
        t("sql", SQL),
    ]
}

/// The bad values of a kind; `other_org` and `other_row` are valid ids of the other
/// organisation (for ids in paths).
fn bad_values(kind: Kind, other_org: i64, other_row: Option<i64>) -> Vec<Bad> {
    let mut v = match kind {
        Kind::Number => [
            "abc",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "Infinity",
            "1e400",
            "1,2,3",
            "-1",
            "99999999999999999999999",
            "",
        ]
        .iter()
        .map(|s| t(s, s))
        .collect(),
        Kind::Text | Kind::Strict => text_values(),
        Kind::Enum => {
            let mut v = vec![t("unknown", "tidak-dikenal-sama-sekali")];
            v.extend(text_values());
            v
        }
        Kind::Date => {
            let mut v: Vec<Bad> = [
                "2026-02-30",
                "31/13/2026",
                "abc",
                "99999-01-01",
                "1e400",
                "-1",
            ]
            .iter()
            .map(|s| t(s, s))
            .collect();
            v.extend(text_values());
            v
        }
        Kind::OrgId | Kind::Id => vec![
            t("abc", "abc"),
            t("-1", "-1"),
            t("huge", "99999999999999999999999"),
            t("missing", "987654"),
            t("1e3", "1e3"),
        ],
        Kind::Key => vec![
            t("missing", "tidak-ada"),
            t("dotdot", "../../etc/passwd"),
            t("nul", "a\0b"),
            t("html", SCRIPT),
        ],
        Kind::Period => [
            "2026-TW5", "2026-tw0", "TW0", "1999-TW1", "2026-13", "2026-m13", "abc", "-1",
        ]
        .iter()
        .map(|s| t(s, s))
        .collect(),
        Kind::Year => ["abc", "-1", "99999999999", "0", "1999", "NaN"]
            .iter()
            .map(|s| t(s, s))
            .collect(),
        Kind::Quarter => ["0", "5", "abc", "-1", "256", "NaN"]
            .iter()
            .map(|s| t(s, s))
            .collect(),
        Kind::Token => vec![
            t("missing", "tidak-ada"),
            t("dotdot", "../../etc/passwd"),
            t("nul", "a\0b"),
            t("long", &"a".repeat(4096)),
        ],
    };
    if kind == Kind::OrgId {
        v.push(t("other-org", &other_org.to_string()));
    }
    if let Some(row) = other_row {
        v.push(t("other-org", &row.to_string()));
    }
    v
}

/// Whether a bad value may legitimately be accepted whatever the field: HTML and SQL in free
/// text are content (stored literally and shown escaped, checked in
/// `html_and_sql_in_text_are_stored_literally_and_shown_escaped`).
fn content(kind: Kind, label: &str) -> bool {
    kind == Kind::Text && matches!(label, "html" | "sql")
}

// ---------------------------------------------------------------------------------------------
// The route table.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Session(&'static str),
    Token(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Enc {
    /// `application/x-www-form-urlencoded` (with the CSRF token).
    Form,
    /// `application/json`.
    Json,
    /// No body (a form post with only the CSRF token, or an API call without a body).
    Empty,
    /// An upload: exercised by `bad_uploads_are_refused_and_change_nothing`.
    Upload,
    /// Takes no input at all.
    Nothing,
}

struct Case {
    method: Method,
    /// The route's path as the table has it.
    route: &'static str,
    who: Who,
    enc: Enc,
    /// The valid value of each path parameter, and its kind (`None`: not varied).
    params: Vec<(&'static str, String, Option<Kind>)>,
    /// A valid body: field, value, kind (`None`: not varied).
    base: Vec<(&'static str, Value, Option<Kind>)>,
    /// Bad values this route legitimately accepts: (field or parameter, label).
    accepts: Vec<(&'static str, &'static str)>,
    /// An id of the other organisation for an id parameter: (parameter, id).
    other_rows: Vec<(&'static str, i64)>,
}

impl Case {
    fn new(method: Method, route: &'static str, who: Who, enc: Enc) -> Case {
        Case {
            method,
            route,
            who,
            enc,
            params: Vec::new(),
            base: Vec::new(),
            accepts: Vec::new(),
            other_rows: Vec::new(),
        }
    }

    fn param(mut self, name: &'static str, value: impl ToString, kind: Kind) -> Case {
        self.params.push((name, value.to_string(), Some(kind)));
        self
    }

    fn field(mut self, name: &'static str, value: impl Into<Value>, kind: Option<Kind>) -> Case {
        self.base.push((name, value.into(), kind));
        self
    }

    fn accepts(mut self, field: &'static str, labels: &[&'static str]) -> Case {
        self.accepts.extend(labels.iter().map(|l| (field, *l)));
        self
    }

    fn other(mut self, param: &'static str, id: i64) -> Case {
        self.other_rows.push((param, id));
        self
    }

    fn path(&self, vary: Option<(&str, &str)>) -> String {
        let mut p = self.route.to_owned();
        for (name, value, _) in &self.params {
            let v = match vary {
                Some((n, bad)) if n == *name => enc(bad),
                _ => value.clone(),
            };
            p = p.replace(&format!("{{{name}}}"), &v);
        }
        assert!(!p.contains('{'), "{}: a parameter has no value", self.route);
        p
    }
}

/// Ids and sessions the cases need.
struct Ctx {
    org: i64,
    other_org: i64,
    sessions: HashMap<&'static str, Session>,
    tokens: HashMap<&'static str, String>,
    bidang: i64,
    sp1: i64,
    ss1: i64,
    ik1: i64,
    official: i64,
    support: i64,
    user: i64,
    user_token: i64,
    request: i64,
    evidence: i64,
    other_unit: i64,
    other_objective: i64,
    other_indicator: i64,
    pemda: i64,
    link: i64,
}

const PROGRAM: &str = "2.18.01";
/// A very large number: the domain sets no upper bound on weights, predicate bounds and the
/// ceiling, so it is a number like any other there.
const HUGE: &[&str] = &["99999999999999999999999"];
const TW2: &str = "2026-tw2";

fn ik(unit: &str, code: &str) -> (UnitKey, Code) {
    (
        UnitKey::parse(unit).expect("key"),
        Code::parse(code).expect("code"),
    )
}

/// The test organisation with measurements, an official, a cascade link, a program, evidence,
/// a closed quarter with a reopen request, a second user with a token; sessions and tokens.
async fn context(t: &TestApp) -> Ctx {
    prepare(t).await;
    let mut sessions = HashMap::new();
    for u in ["admin", "perencana", "operator", "verifikator", "pimpinan"] {
        sessions.insert(u, t.login(u).await);
    }
    let mut tokens = HashMap::new();
    for u in ["admin", "perencana", "operator", "verifikator"] {
        tokens.insert(u, token(t, u).await);
    }
    let tree = t.store.load_tree_with_ids(t.org).await.expect("tree");
    let (bk, sp1c) = ik("bidang-satu", "SP1");
    let (kk, ss1c) = ik("kepala", "SS1");
    let bidang = tree.unit_id(&bk).expect("bidang");
    let sp1 = tree.objective_id(&bk, &sp1c).expect("sp1");
    let ss1 = tree.objective_id(&kk, &ss1c).expect("ss1");
    let ik1 = tree
        .indicator_id(&bk, &Code::parse("IK1").expect("code"))
        .expect("ik1");
    let other = t.store.load_tree_with_ids(t.other_org).await.expect("tree");
    let other_unit = other.unit_id(&bk).expect("other bidang");
    let other_objective = other.objective_id(&kk, &ss1c).expect("other ss1");
    let other_indicator = other
        .indicator_id(&kk, &Code::parse("IKU1").expect("code"))
        .expect("other iku1");
    let org = t.org;
    let pt = &tokens["perencana"];
    let ot = &tokens["operator"];
    let created = |r: Resp| -> i64 {
        assert!(r.status.is_success(), "{}", r.body);
        serde_json::from_str::<Value>(&r.body).expect("json")["id"]
            .as_i64()
            .expect("id")
    };
    let json_body = |v: Value| Some(("application/json", v.to_string().into_bytes()));
    let official = created(
        api(
            t,
            Method::POST,
            &format!("/api/v1/organisations/{org}/units/{bidang}/officials"),
            pt,
            json_body(json!({"name": "Budi Santoso"})),
        )
        .await,
    );
    let support = created(
        api(
            t,
            Method::POST,
            &format!("/api/v1/organisations/{org}/objectives/{sp1}/supports"),
            pt,
            json_body(json!({"target": ss1.to_string(), "weight": 1})),
        )
        .await,
    );
    let s = &sessions["perencana"];
    let r = t
        .post(
            &format!("/organisasi/{org}/program/baru"),
            Some(s),
            &[
                ("kode", PROGRAM),
                ("tingkat", "program"),
                ("nama", "Program Uji"),
                ("unit", "bidang-satu"),
                ("sasaran", "bidang-satu/SP1"),
                ("pagu_2026", "1.000.000"),
            ],
            Some(&s.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "program: {}", r.body);
    for period in ["2026-tw1", TW2] {
        let r = api(
            t,
            Method::PUT,
            &format!("/api/v1/organisations/{org}/realisasi/bidang-satu/IK1/{period}"),
            ot,
            json_body(json!({"nilai": "10"})),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "realisation: {}", r.body);
    }
    let r = api(
        t,
        Method::POST,
        &format!("/api/v1/organisations/{org}/realisasi/bidang-satu/IK1/{TW2}/bukti"),
        ot,
        Some((
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            measure_common::multipart("bukti.pdf", PDF, &[]),
        )),
    )
    .await;
    let evidence = created(r);
    let r = t
        .post(
            &format!("/organisasi/{org}/periode/2026/1/tutup"),
            Some(s),
            &[],
            Some(&s.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "close: {}", r.body);
    let op = &sessions["operator"];
    let r = t
        .post(
            &format!(
                "{}/buka-kembali",
                measure_common::page(t, "bidang-satu", "IK1", "2026-tw1")
            ),
            Some(op),
            &[("alasan", "Salah ketik nilai")],
            Some(&op.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "reopen: {}", r.body);
    let request = t
        .store
        .reopen_requests(org, true)
        .await
        .expect("requests")
        .first()
        .expect("a request")
        .id;
    let user = t
        .store
        .user_by_name("inspektorat")
        .await
        .expect("read")
        .expect("user")
        .id;
    token(t, "inspektorat").await;
    let user_token = t.store.api_tokens(user).await.expect("tokens")[0].id;
    // One API call per token, so its "last used" stamp is written before the cases run.
    for tk in tokens.values() {
        api(t, Method::GET, "/api/v1/organisations", tk, None).await;
    }
    Ctx {
        org,
        other_org: t.other_org,
        sessions,
        tokens,
        bidang,
        sp1,
        ss1,
        ik1,
        official,
        support,
        user,
        user_token,
        request,
        evidence,
        other_unit,
        other_objective,
        other_indicator,
        pemda: t.pemda,
        link: t.link,
    }
}

/// Every state-changing route with its fields. A route of the table with a state-changing
/// method that is missing here fails `every_field_of_every_route_refuses_bad_values`.
fn cases(c: &Ctx) -> Vec<Case> {
    use Kind::*;
    use Who::{Session as S, Token as T};
    let org = c.org;
    let p = || Some(Kind::Strict);
    let txt = || Some(Kind::Text);
    let num = || Some(Kind::Number);
    let en = || Some(Kind::Enum);
    let date = || Some(Kind::Date);
    let post = |route, who, enc| Case::new(Method::POST, route, who, enc);
    let put = |route, who| Case::new(Method::PUT, route, who, Enc::Json);
    let del = |route, who| Case::new(Method::DELETE, route, who, Enc::Empty);
    // The unit form, the official form, the indicator form: shared by pages and API.
    let unit_fields = |k: Case, key: &str, parent: &str| {
        k.field("key", key, p())
            .field("name", "Bidang Baru", txt())
            .field("kind", "bidang", en())
            .field("parent", parent, p())
    };
    let official_fields = |k: Case| {
        k.field("name", "Budi Santoso", txt())
            .field("nip", "198001012005011001", p())
            .field("pangkat", "Pembina", txt())
            .field("golongan", "IV/a", txt())
            .field("appointment", "definitif", en())
            .field("since", "2025-01-02", date())
            .field("until", "2026-12-31", date())
    };
    // The organisation's side of the pemda: shared by pages and API.
    let upward = |k: Case| {
        k.param("id", org, OrgId)
            .field("sasaran", "T1", p())
            .field("indikator", "IKT1", p())
            .field("sasaran_opd", "kepala SS1", p())
            .field("peran", "pendukung", en())
            .field("bobot", "1", num())
            .accepts("bobot", &[""])
    };
    let crosscut = |k: Case| {
        k.param("id", org, OrgId)
            .field("sasaran_opd", "kepala SS1", p())
            .field("indikator", "IKU1", p())
            .field("organisasi", c.other_org.to_string(), Some(OrgId))
            .field("bagian", "40", num())
            .field("catatan", "Mohon dukungan", txt())
    };
    let answer = |k: Case| {
        k.param("id", org, OrgId)
            .param("crosscut", 999_999, Id)
            .param("action", "tolak", Key)
            .field("sasaran_opd", "", txt())
            .field("alasan", "Bukan urusan kami", txt())
    };
    let note = |k: Case| {
        k.param("pemda", c.pemda, Id)
            .field("organisasi", org.to_string(), Some(OrgId))
            .field("pada", "kepala SS1", p())
            .field("isi", "Indikator belum terukur", txt())
    };
    let indicator_fields = |k: Case, json: bool| {
        let k = k
            .field("code", "IK9{n}", p())
            .field("name", "Jumlah layanan yang selesai", txt())
            .field("satuan", "layanan", txt())
            .field("polarity", "positive", en())
            .field("aggregation", "kumulatif", en())
            .field("periodisation", "triwulan", en())
            .field("definition", "Definisi", txt())
            .field("formula", "Rumus", txt())
            .field("data_source", "Sumber", txt())
            .field("responsible", "Penanggung jawab", txt())
            .field("baseline", "10", None)
            .field("decimals", "2", num())
            // A target may be a number, a band or a text (qualitative): HTML/SQL/"abc" in it
            // are qualitative targets, and an empty one means none.
            .accepts("decimals", &[""]);
        if json {
            k.field("targets.2026", "100", None)
        } else {
            k.field("target_2026", "100", None)
        }
    };
    let realisation = |k: Case| {
        k.param("id", org, OrgId)
            .param("unit", "bidang-satu", Key)
            .param("code", "IK1", Key)
            .param("period", TW2, Period)
            .field("nilai", "12", num())
            .field("kendala", "Kendala", txt())
            .field("solusi", "Solusi", txt())
            .field("pendorong", "Pendorong", txt())
            // A realisation may be negative (a decrease), very large, or empty (none yet).
            .accepts("nilai", &["-1", "99999999999999999999999", ""])
    };
    let step = |k: Case| {
        k.param("id", org, OrgId)
            .param("unit", "bidang-satu", Key)
            .param("code", "IK1", Key)
            .param("period", TW2, Period)
    };
    let api_org = |k: Case| k.param("id", org, OrgId);
    vec![
        // Session and accounts.
        post("/masuk", S("perencana"), Enc::Form)
            .field("username", "perencana", p())
            .field("password", "salah-sandi", txt()),
        // Logging out takes no input.
        post("/keluar", S("pimpinan"), Enc::Nothing),
        post("/akun/sandi", S("pimpinan"), Enc::Form)
            .field("old", common::PASSWORD, txt())
            .field("new", "Sandi-Baru-2026!x", txt())
            .field("confirm", "Sandi-Baru-2026!x", txt()),
        post("/pengguna", S("admin"), Enc::Form)
            .field("username", "pengguna.baru{n}", p())
            .field("display_name", "Pengguna Baru", txt())
            .field("role", "operator", en())
            .field("org", org.to_string(), p())
            .field("unit", "bidang-satu", p())
            .field("password", "Sandi-Baru-2026!x", txt()),
        post("/pengguna/{id}", S("admin"), Enc::Form)
            .param("id", c.user, Id)
            .field("display_name", "Uji inspektorat", txt())
            .field("role", "inspektorat", en())
            .field("org", org.to_string(), p())
            .field("unit", "", p()),
        post("/pengguna/{id}/sandi", S("admin"), Enc::Form)
            .param("id", c.user, Id)
            .field("password", "ab", txt()),
        post("/pengguna/{id}/token", S("admin"), Enc::Form)
            .param("id", c.user, Id)
            .field("name", "Token uji {n}", txt()),
        post(
            "/pengguna/{id}/token/{token_id}/cabut",
            S("admin"),
            Enc::Empty,
        )
        .param("id", c.user, Id)
        .param("token_id", c.user_token, Id),
        // Import.
        post("/impor", S("admin"), Enc::Upload),
        post("/impor/{token}/konfirmasi", S("admin"), Enc::Empty).param("token", "x", Token),
        post("/impor/{token}/batal", S("admin"), Enc::Empty).param("token", "x", Token),
        // Editing, pages.
        unit_fields(
            post(
                "/organisasi/{id}/unit/{key}/baru",
                S("perencana"),
                Enc::Form,
            )
            .param("id", org, OrgId)
            .param("key", "bidang-satu", Key),
            "seksi-baru-{n}",
            "bidang-satu",
        )
        .accepts("parent", &[]),
        unit_fields(
            post(
                "/organisasi/{id}/unit/{key}/ubah",
                S("perencana"),
                Enc::Form,
            )
            .param("id", org, OrgId)
            .param("key", "bidang-satu", Key),
            "bidang-satu",
            "kepala",
        ),
        post(
            "/organisasi/{id}/unit/{key}/hapus",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("key", "sekretariat", Key)
        .field("yakin", "on", None),
        post(
            "/organisasi/{id}/unit/{key}/urutan",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("key", "bidang-satu", Key)
        .field("arah", "turun", en()),
        official_fields(
            post(
                "/organisasi/{id}/unit/{key}/pejabat/baru",
                S("perencana"),
                Enc::Form,
            )
            .param("id", org, OrgId)
            .param("key", "bidang-satu", Key),
        ),
        official_fields(
            post(
                "/organisasi/{id}/pejabat/{pid}/ubah",
                S("perencana"),
                Enc::Form,
            )
            .param("id", org, OrgId)
            .param("pid", c.official, Id),
        ),
        post(
            "/organisasi/{id}/pejabat/{pid}/hapus",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("pid", c.official, Id),
        post(
            "/organisasi/{id}/unit/{key}/sasaran/baru",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("key", "bidang-satu", Key)
        .field("code", "SP9{n}", p())
        .field("statement", "Meningkatnya mutu", txt()),
        post(
            "/organisasi/{id}/sasaran/{oid}/ubah",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("oid", c.sp1, Id)
        .other("oid", c.other_objective)
        .field("code", "SP1", p())
        .field("statement", "Meningkatnya layanan", txt()),
        post(
            "/organisasi/{id}/sasaran/{oid}/hapus",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("oid", c.sp1, Id)
        .other("oid", c.other_objective),
        post(
            "/organisasi/{id}/sasaran/{oid}/urutan",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("oid", c.sp1, Id)
        .other("oid", c.other_objective)
        .field("arah", "naik", en()),
        indicator_fields(
            post(
                "/organisasi/{id}/sasaran/{oid}/indikator/baru",
                S("perencana"),
                Enc::Form,
            )
            .param("id", org, OrgId)
            .param("oid", c.sp1, Id)
            .other("oid", c.other_objective),
            false,
        ),
        indicator_fields(
            post(
                "/organisasi/{id}/indikator/{iid}/ubah",
                S("perencana"),
                Enc::Form,
            )
            .param("id", org, OrgId)
            .param("iid", c.ik1, Id)
            .other("iid", c.other_indicator),
            false,
        ),
        post(
            "/organisasi/{id}/indikator/{iid}/hapus",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("iid", c.ik1, Id)
        .other("iid", c.other_indicator),
        post(
            "/organisasi/{id}/sasaran/{oid}/dukungan",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("oid", c.sp1, Id)
        .other("oid", c.other_objective)
        .field("target", c.ss1.to_string(), p())
        .field("weight", "1", num())
        .accepts("weight", HUGE),
        post(
            "/organisasi/{id}/dukungan/{sid}/ubah",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("sid", c.support, Id)
        .field("weight", "2", num())
        .accepts("weight", HUGE),
        post(
            "/organisasi/{id}/dukungan/{sid}/hapus",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("sid", c.support, Id),
        // Editing, API.
        unit_fields(
            api_org(post(
                "/api/v1/organisations/{id}/units",
                T("perencana"),
                Enc::Json,
            )),
            "seksi-baru-{n}",
            "bidang-satu",
        ),
        unit_fields(
            api_org(put(
                "/api/v1/organisations/{id}/units/{unit_id}",
                T("perencana"),
            ))
            .param("unit_id", c.bidang, Id)
            .other("unit_id", c.other_unit),
            "bidang-satu",
            "kepala",
        ),
        api_org(del(
            "/api/v1/organisations/{id}/units/{unit_id}",
            T("perencana"),
        ))
        .param("unit_id", c.bidang, Id)
        .other("unit_id", c.other_unit),
        api_org(post(
            "/api/v1/organisations/{id}/units/{unit_id}/move",
            T("perencana"),
            Enc::Json,
        ))
        .param("unit_id", c.bidang, Id)
        .other("unit_id", c.other_unit)
        .field("direction", "down", en()),
        official_fields(
            api_org(post(
                "/api/v1/organisations/{id}/units/{unit_id}/officials",
                T("perencana"),
                Enc::Json,
            ))
            .param("unit_id", c.bidang, Id)
            .other("unit_id", c.other_unit),
        ),
        official_fields(
            api_org(put(
                "/api/v1/organisations/{id}/officials/{official_id}",
                T("perencana"),
            ))
            .param("official_id", c.official, Id),
        ),
        api_org(del(
            "/api/v1/organisations/{id}/officials/{official_id}",
            T("perencana"),
        ))
        .param("official_id", c.official, Id),
        api_org(post(
            "/api/v1/organisations/{id}/units/{unit_id}/objectives",
            T("perencana"),
            Enc::Json,
        ))
        .param("unit_id", c.bidang, Id)
        .other("unit_id", c.other_unit)
        .field("code", "SP9{n}", p())
        .field("statement", "Meningkatnya mutu", txt()),
        api_org(put(
            "/api/v1/organisations/{id}/objectives/{objective_id}",
            T("perencana"),
        ))
        .param("objective_id", c.sp1, Id)
        .other("objective_id", c.other_objective)
        .field("code", "SP1", p())
        .field("statement", "Meningkatnya layanan", txt()),
        api_org(del(
            "/api/v1/organisations/{id}/objectives/{objective_id}",
            T("perencana"),
        ))
        .param("objective_id", c.sp1, Id)
        .other("objective_id", c.other_objective),
        api_org(post(
            "/api/v1/organisations/{id}/objectives/{objective_id}/move",
            T("perencana"),
            Enc::Json,
        ))
        .param("objective_id", c.sp1, Id)
        .other("objective_id", c.other_objective)
        .field("direction", "up", en()),
        indicator_fields(
            api_org(post(
                "/api/v1/organisations/{id}/objectives/{objective_id}/indicators",
                T("perencana"),
                Enc::Json,
            ))
            .param("objective_id", c.sp1, Id)
            .other("objective_id", c.other_objective),
            true,
        ),
        indicator_fields(
            api_org(put(
                "/api/v1/organisations/{id}/indicators/{indicator_id}",
                T("perencana"),
            ))
            .param("indicator_id", c.ik1, Id)
            .other("indicator_id", c.other_indicator),
            true,
        ),
        api_org(del(
            "/api/v1/organisations/{id}/indicators/{indicator_id}",
            T("perencana"),
        ))
        .param("indicator_id", c.ik1, Id)
        .other("indicator_id", c.other_indicator),
        api_org(post(
            "/api/v1/organisations/{id}/objectives/{objective_id}/supports",
            T("perencana"),
            Enc::Json,
        ))
        .param("objective_id", c.sp1, Id)
        .other("objective_id", c.other_objective)
        .field("target", c.ss1.to_string(), p())
        .field("weight", "1", num())
        .accepts("weight", HUGE),
        api_org(put(
            "/api/v1/organisations/{id}/supports/{support_id}",
            T("perencana"),
        ))
        .param("support_id", c.support, Id)
        .field("weight", "2", num())
        .accepts("weight", HUGE),
        api_org(del(
            "/api/v1/organisations/{id}/supports/{support_id}",
            T("perencana"),
        ))
        .param("support_id", c.support, Id),
        // API: import, users, tokens.
        post("/api/v1/import", T("admin"), Enc::Upload),
        post("/api/v1/users", T("admin"), Enc::Json)
            .field("username", "pengguna.baru{n}", p())
            .field("display_name", "Pengguna Baru", txt())
            .field("role", "operator", en())
            .field("org_id", org, p())
            .field("unit", "bidang-satu", p())
            .field("password", "Sandi-Baru-2026!x", txt()),
        put("/api/v1/users/{id}", T("admin"))
            .param("id", c.user, Id)
            .field("display_name", "Uji inspektorat", txt())
            .field("role", "inspektorat", en())
            .field("org_id", org, p())
            .field("unit", Value::Null, p()),
        post("/api/v1/users/{id}/password", T("admin"), Enc::Json)
            .param("id", c.user, Id)
            .field("password", "ab", txt()),
        post("/api/v1/users/{id}/tokens", T("admin"), Enc::Json)
            .param("id", c.user, Id)
            .field("name", "Token uji {n}", txt()),
        del("/api/v1/users/{id}/tokens/{token_id}", T("admin"))
            .param("id", c.user, Id)
            .param("token_id", c.user_token, Id),
        // The realisation workflow, pages.
        realisation(post(
            "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}",
            S("operator"),
            Enc::Form,
        )),
        step(post(
            "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/ajukan",
            S("operator"),
            Enc::Empty,
        )),
        step(post(
            "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/verifikasi",
            S("verifikator"),
            Enc::Empty,
        )),
        step(post(
            "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/kembalikan",
            S("verifikator"),
            Enc::Form,
        ))
        .field("alasan", "Lengkapi bukti", txt()),
        step(post(
            "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/buka-kembali",
            S("operator"),
            Enc::Form,
        ))
        .field("alasan", "Salah ketik", txt()),
        post(
            "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/bukti",
            S("operator"),
            Enc::Upload,
        ),
        post(
            "/organisasi/{id}/bukti/{evidence_id}/hapus",
            S("operator"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("evidence_id", c.evidence, Id),
        post(
            "/organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("unit", "bidang-satu", Key)
        .param("code", "IK1", Key)
        .param("year", "2026", Year)
        .field("p1", "10", num())
        .field("p2", "20", num())
        .field("p3", "30", num())
        .field("p4", "100", num())
        // Rencana Aksi targets are values like Renstra targets: empty is none, a negative
        // number or a very large one is a number.
        .accepts("p1", &["-1", "99999999999999999999999", ""])
        .accepts("p2", &["-1", "99999999999999999999999", ""])
        .accepts("p3", &["-1", "99999999999999999999999", ""])
        .accepts("p4", &["-1", "99999999999999999999999", ""]),
        post(
            "/organisasi/{id}/periode/{year}/{quarter}/tutup",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("year", "2026", Year)
        .param("quarter", "2", Quarter),
        post(
            "/organisasi/{id}/periode/buka-kembali/{request_id}/setujui",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("request_id", c.request, Id)
        .field("catatan", "Disetujui", None),
        post(
            "/organisasi/{id}/periode/buka-kembali/{request_id}/tolak",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("request_id", c.request, Id)
        .field("catatan", "Ditolak", None),
        post(
            "/organisasi/{id}/lembar-kerja/unggah",
            S("perencana"),
            Enc::Upload,
        ),
        post(
            "/organisasi/{id}/lembar-kerja/{token}/terapkan",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("token", "x", Token),
        post(
            "/organisasi/{id}/lembar-kerja/{token}/batal",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("token", "x", Token),
        // The realisation workflow, API.
        realisation(put(
            "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}",
            T("operator"),
        )),
        step(post(
            "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/{action}",
            T("verifikator"),
            Enc::Json,
        ))
        .param("action", "kembalikan", Key)
        .field("alasan", "Lengkapi bukti", txt()),
        post(
            "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/bukti",
            T("operator"),
            Enc::Upload,
        ),
        api_org(put(
            "/api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}",
            T("perencana"),
        ))
        .param("unit", "bidang-satu", Key)
        .param("code", "IK1", Key)
        .param("year", "2026", Year)
        .field("targets.1", "10", num())
        .field("targets.4", "100", num())
        .accepts("targets.1", &["-1", "99999999999999999999999", ""])
        .accepts("targets.4", &["-1", "99999999999999999999999", ""]),
        // Capaian settings.
        post(
            "/organisasi/{id}/pengaturan-capaian",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .field("label_0", "Tinggi", txt())
        .field("batas_0", "80", num())
        .field("label_1", "Rendah", txt())
        .field("batas_1", "0", num())
        .field("batas_atas", "120", num())
        .accepts("batas_0", HUGE)
        .accepts("batas_atas", HUGE),
        // Programs and budget.
        post("/organisasi/{id}/program/baru", S("perencana"), Enc::Form)
            .param("id", org, OrgId)
            .field("kode", "2.18.9{n}", p())
            .field("tingkat", "program", en())
            .field("nama", "Program Baru", txt())
            .field("induk", "", p())
            .field("unit", "bidang-satu", p())
            .field("sasaran", "bidang-satu/SP1", p())
            .field("pagu_2026", "1.000", num())
            // Empty pagu: not budgeted yet.
            .accepts("pagu_2026", &[""]),
        post(
            "/organisasi/{id}/program/{code}/ubah",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("code", PROGRAM, Key)
        .field("kode", PROGRAM, p())
        .field("tingkat", "program", en())
        .field("nama", "Program Uji", txt())
        .field("induk", "", p())
        .field("unit", "bidang-satu", p())
        .field("sasaran", "bidang-satu/SP1", p())
        .field("pagu_2026", "2.000", num())
        .accepts("pagu_2026", &["", "99999999999999999999999"]),
        post(
            "/organisasi/{id}/program/{code}/hapus",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("code", PROGRAM, Key),
        post(
            "/organisasi/{id}/program/{code}/realisasi/{year}",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("code", PROGRAM, Key)
        .param("year", "2026", Year)
        .field("tw1", "100", num())
        .field("tw2", "200", num())
        // Empty: nothing spent yet.
        .accepts("tw1", &[""])
        .accepts("tw2", &[""]),
        // Documents.
        post(
            "/organisasi/{id}/unit/{key}/pk/{year}",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .param("key", "bidang-satu", Key)
        .param("year", "2026", Year)
        .field("tanggal", "2026-01-02", date())
        .field("alasan", "pergantian_pejabat", en())
        .field("catatan", "Pergantian", txt()),
        post(
            "/organisasi/{id}/pengaturan-dokumen",
            S("perencana"),
            Enc::Form,
        )
        .param("id", org, OrgId)
        .field("daerah", "Kabupaten Uji", txt())
        .field("tempat", "Kota Uji", txt())
        .field("jabatan_kepala", "Bupati Uji", txt())
        .field("nama_kepala", "Nama Bupati", txt()),
        // The pemda: Bappeda's proposal (as admin: a missing pemda is 404, not 403), the
        // organisation's answer to the waiting link.
        post("/pemda/{pemda}/tautan", S("admin"), Enc::Form)
            .param("pemda", c.pemda, Id)
            .field("organisasi", org, Some(OrgId))
            .field("sasaran", "T1", p())
            .field("indikator", "IKT1", p())
            .field("peran", "pendukung", en())
            .field("bobot", "1", num())
            // Empty means the default weight 1.
            .accepts("bobot", &[""]),
        post(
            "/pemda/{pemda}/tautan/{link}/{action}",
            S("perencana"),
            Enc::Form,
        )
        .param("pemda", c.pemda, Id)
        .param("link", c.link, Id)
        .param("action", "tolak", Key)
        .field("sasaran_opd", "", txt())
        .field("alasan", "Bukan urusan kami", txt()),
        post("/api/v1/pemda/{pemda}/tautan", T("admin"), Enc::Json)
            .param("pemda", c.pemda, Id)
            .field("organisasi", org.to_string(), Some(OrgId))
            .field("sasaran", "T1", p())
            .field("indikator", "IKT1", p())
            .field("peran", "pendukung", en())
            .field("bobot", "1", num())
            .accepts("bobot", &[""]),
        post(
            "/api/v1/pemda/{pemda}/tautan/{link}/{action}",
            T("perencana"),
            Enc::Json,
        )
        .param("pemda", c.pemda, Id)
        .param("link", c.link, Id)
        .param("action", "tolak", Key)
        .field("sasaran_opd", "", txt())
        .field("alasan", "Bukan urusan kami", txt()),
        // The organisation's side: an upward proposal, crosscutting (the test pemda has no
        // second member, so asking is refused whatever the values, and there is nothing to
        // answer), review notes (none exists to resolve).
        upward(post(
            "/organisasi/{id}/rpjmd/tautan",
            S("perencana"),
            Enc::Form,
        )),
        upward(post(
            "/api/v1/organisations/{id}/rpjmd/tautan",
            T("perencana"),
            Enc::Json,
        )),
        crosscut(post(
            "/organisasi/{id}/crosscutting",
            S("perencana"),
            Enc::Form,
        )),
        crosscut(post(
            "/api/v1/organisations/{id}/crosscutting",
            T("perencana"),
            Enc::Json,
        )),
        answer(post(
            "/organisasi/{id}/crosscutting/{crosscut}/{action}",
            S("perencana"),
            Enc::Form,
        )),
        answer(post(
            "/api/v1/organisations/{id}/crosscutting/{crosscut}/{action}",
            T("perencana"),
            Enc::Json,
        )),
        note(post("/pemda/{pemda}/catatan", S("admin"), Enc::Form)),
        // Editing the RPJMD tree: a new sasaran daerah, an indicator with the OPD's form,
        // deletions.
        post("/pemda/{pemda}/rpjmd/simpul", S("admin"), Enc::Form)
            .param("pemda", c.pemda, Id)
            .field("kode", "S9", p())
            .field("tingkat", "sasaran", en())
            .field("induk", "T1", p())
            .field("pernyataan", "Meningkatnya layanan", txt()),
        indicator_fields(
            post(
                "/pemda/{pemda}/rpjmd/simpul/{code}/indikator",
                S("admin"),
                Enc::Form,
            )
            .param("pemda", c.pemda, Id)
            .param("code", "S1", Key),
            false,
        ),
        post(
            "/pemda/{pemda}/rpjmd/simpul/{code}/hapus",
            S("admin"),
            Enc::Empty,
        )
        .param("pemda", c.pemda, Id)
        .param("code", "S1", Key),
        post(
            "/pemda/{pemda}/rpjmd/indikator/{code}/hapus",
            S("admin"),
            Enc::Empty,
        )
        .param("pemda", c.pemda, Id)
        .param("code", "IKD1", Key),
        note(post("/api/v1/pemda/{pemda}/catatan", T("admin"), Enc::Json)),
        post(
            "/organisasi/{id}/catatan/{note}/selesai",
            S("perencana"),
            Enc::Empty,
        )
        .param("id", org, OrgId)
        .param("note", 999_999, Id),
        post(
            "/pemda/{pemda}/catatan/{note}/selesai",
            S("admin"),
            Enc::Empty,
        )
        .param("pemda", c.pemda, Id)
        .param("note", 999_999, Id),
    ]
}

// ---------------------------------------------------------------------------------------------
// Sending.

/// A form body: each field URL-encoded; invalid UTF-8 as `%FF%FE`.
fn form_body(fields: &[(String, Option<Val>)], csrf: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| match v {
            Some(Val::Text(s)) => format!("{}={}", enc(k), enc(s)),
            Some(Val::InvalidUtf8) => format!("{}=ab%FF%FEcd", enc(k)),
            None => format!("{}=", enc(k)),
        })
        .collect();
    if let Some(c) = csrf {
        parts.push(format!("_csrf={c}"));
    }
    parts.join("&").into_bytes()
}

const INVALID_MARK: &str = "@@ungueltig@@";

/// A JSON body from the case's valid one with `bad` in one field: dotted names
/// (`targets.2026`) are nested objects; invalid UTF-8 is sent raw.
fn json_bytes(base: &[(&str, Value, Option<Kind>)], bad: Option<(&str, &Val)>) -> Vec<u8> {
    let mut root = serde_json::Map::new();
    for (name, v, _) in base {
        let value = match bad {
            Some((f, Val::Text(s))) if f == *name => Value::String(s.clone()),
            Some((f, Val::InvalidUtf8)) if f == *name => Value::String(INVALID_MARK.into()),
            _ => v.clone(),
        };
        match name.split_once('.') {
            Some((outer, inner)) => {
                root.entry(outer)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("object")
                    .insert(inner.to_owned(), value);
            }
            None => {
                root.insert((*name).to_owned(), value);
            }
        }
    }
    with_invalid_utf8(&Value::Object(root).to_string())
}

/// The text with each [`INVALID_MARK`] replaced by bytes that are not UTF-8.
fn with_invalid_utf8(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(INVALID_MARK) {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        out.extend_from_slice(b"ab\xFF\xFEcd");
        rest = &rest[at + INVALID_MARK.len()..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

async fn send(t: &TestApp, c: &Ctx, case: &Case, path: &str, body: Option<Vec<u8>>) -> Resp {
    let mut b = Request::builder().method(case.method.clone()).uri(path);
    match case.who {
        Who::Session(u) => {
            let s = &c.sessions[u];
            b = b.header(header::COOKIE, format!("pokin_sesi={}", s.cookie));
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        Who::Token(u) => {
            b = b.header(header::AUTHORIZATION, format!("Bearer {}", c.tokens[u]));
            if body.is_some() {
                b = b.header(header::CONTENT_TYPE, "application/json");
            }
        }
    }
    let body = match (case.who, body) {
        (Who::Session(u), None) => form_body(&[], Some(&c.sessions[u].csrf)),
        (_, Some(b)) => b,
        (_, None) => Vec::new(),
    };
    let req = b
        .body(Body::from(body))
        .unwrap_or_else(|e| panic!("{}: {e}", path.chars().take(200).collect::<String>()));
    t.send(req).await
}

/// The body of `case` with `field` set to `bad` (or the valid body when `None`).
fn body_of(c: &Ctx, case: &Case, bad: Option<(&str, &Val)>) -> Option<Vec<u8>> {
    // `{n}` in a valid value: unique per request, so that a create accepted earlier (HTML in
    // a name is content) does not make the next one a duplicate.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let n = N
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .to_string();
    let base: Vec<(&str, Value, Option<Kind>)> = case
        .base
        .iter()
        .map(|(f, v, k)| {
            let v = match v {
                Value::String(s) => Value::String(s.replace("{n}", &n)),
                other => other.clone(),
            };
            (*f, v, *k)
        })
        .collect();
    match (case.enc, case.who) {
        (Enc::Form, Who::Session(u)) => {
            let fields: Vec<(String, Option<Val>)> = base
                .iter()
                .map(|(name, v, _)| {
                    let value = match bad {
                        Some((f, b)) if f == *name => Some(b.clone()),
                        _ => match v {
                            Value::Null => None,
                            Value::String(s) => Some(Val::Text(s.clone())),
                            other => Some(Val::Text(other.to_string())),
                        },
                    };
                    ((*name).to_owned(), value)
                })
                .collect();
            Some(form_body(&fields, Some(&c.sessions[u].csrf)))
        }
        (Enc::Json, _) => Some(json_bytes(&base, bad)),
        _ => None,
    }
}

/// The outcome of one bad request, checked; `Err` says what is wrong.
async fn check(
    t: &TestApp,
    c: &Ctx,
    case: &Case,
    what: &str,
    bad: &Bad,
    accepted: bool,
    (path, body): (String, Option<Vec<u8>>),
) -> Result<(), String> {
    let org_param = case
        .params
        .iter()
        .any(|(n, _, k)| *n == "id" && *k == Some(Kind::OrgId));
    let before = snapshot(t).await;
    let r = send(t, c, case, &path, body).await;
    let who = format!("{} {} [{what} = {}]", case.method, case.route, bad.label);
    let html = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && r.body.contains(SCRIPT) {
        return Err(format!("{who}: the script is shown unescaped"));
    }
    let s = r.status;
    if s.is_server_error() {
        return Err(format!("{who}: {s}: {}", excerpt(&r.body)));
    }
    if s.is_success() || s.is_redirection() {
        if accepted {
            return Ok(());
        }
        return Err(format!("{who}: accepted ({s}) {}", excerpt(&r.body)));
    }
    let allowed = match s {
        StatusCode::BAD_REQUEST
        | StatusCode::NOT_FOUND
        | StatusCode::CONFLICT
        | StatusCode::PAYLOAD_TOO_LARGE
        | StatusCode::UNPROCESSABLE_ENTITY => true,
        // Another organisation's id, or one the user may not see: not allowed there.
        StatusCode::FORBIDDEN => bad.label == "other-org" || what == "id" && org_param,
        // A failed login (then throttled).
        StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS => case.route == "/masuk",
        _ => false,
    };
    if !allowed {
        return Err(format!("{who}: unexpected {s}: {}", excerpt(&r.body)));
    }
    indonesian_error(&r.body).map_err(|e| format!("{who}: {s}: {e}"))?;
    let after = snapshot(t).await;
    if after != before {
        return Err(format!(
            "{who}: refused with {s} but something changed: {before:?} → {after:?}"
        ));
    }
    Ok(())
}

#[tokio::test]
async fn every_field_of_every_route_refuses_bad_values() {
    for t in setups().await {
        let c = context(&t).await;
        let cases = cases(&c);
        // Every state-changing route of the table is in the cases, and no case is stale.
        let listed: BTreeSet<(String, &str)> = cases
            .iter()
            .map(|k| (k.method.to_string(), k.route))
            .collect();
        let table: BTreeSet<(String, &str)> = pokin_web::table()
            .into_iter()
            .filter(|r| r.method != Method::GET)
            .map(|r| (r.method.to_string(), r.path))
            .collect();
        let missing: Vec<_> = table.difference(&listed).collect();
        assert!(
            missing.is_empty(),
            "state-changing routes without bad-input cases: {missing:?}"
        );
        let stale: Vec<_> = listed.difference(&table).collect();
        assert!(
            stale.is_empty(),
            "cases for routes not in the table: {stale:?}"
        );
        for k in cases.iter().filter(|k| k.enc == Enc::Upload) {
            assert!(
                UPLOAD_ROUTES.contains(&k.route),
                "{} is not an upload",
                k.route
            );
        }

        let mut failures = Vec::new();
        for case in cases
            .iter()
            .filter(|k| !matches!(k.enc, Enc::Upload | Enc::Nothing))
        {
            let valid_path = case.path(None);
            // Path parameters.
            for (name, _, kind) in &case.params {
                let Some(kind) = *kind else { continue };
                let other = case
                    .other_rows
                    .iter()
                    .find(|(p, _)| p == name)
                    .map(|(_, id)| *id);
                for bad in bad_values(kind, c.other_org, other) {
                    let Val::Text(v) = &bad.value else { continue };
                    let accepted = case.accepts.contains(&(*name, bad.label));
                    let path = case.path(Some((name, v)));
                    if let Err(e) = check(
                        &t,
                        &c,
                        case,
                        name,
                        &bad,
                        accepted,
                        (path, body_of(&c, case, None)),
                    )
                    .await
                    {
                        failures.push(e);
                    }
                }
            }
            // Body fields.
            for (name, _, kind) in &case.base {
                let Some(kind) = *kind else { continue };
                for bad in bad_values(kind, c.other_org, None) {
                    let accepted =
                        content(kind, bad.label) || case.accepts.contains(&(*name, bad.label));
                    let body = body_of(&c, case, Some((name, &bad.value)));
                    if let Err(e) = check(
                        &t,
                        &c,
                        case,
                        name,
                        &bad,
                        accepted,
                        (valid_path.clone(), body),
                    )
                    .await
                    {
                        failures.push(e);
                    }
                }
            }
        }
        // A locked (closed) quarter: saving its realisation is refused.
        let locked = cases
            .iter()
            .filter(|k| k.route.contains("{period}") && k.enc != Enc::Upload);
        for case in locked {
            let bad = Bad {
                label: "locked",
                value: Val::Text("2026-tw1".into()),
            };
            let path = case.path(Some(("period", "2026-tw1")));
            let accepted = case.route.ends_with("/buka-kembali");
            if let Err(e) = check(
                &t,
                &c,
                case,
                "period",
                &bad,
                accepted,
                (path, body_of(&c, case, None)),
            )
            .await
            {
                failures.push(e);
            }
        }
        // The audit log survived the SQL in the text fields.
        assert!(t.audit_count().await > 0);
        assert!(
            failures.is_empty(),
            "{} bad values were not refused properly:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Uploads.

/// The upload routes, exercised below (the table test checks they are all state-changing
/// routes of the table).
const UPLOAD_ROUTES: [&str; 5] = [
    "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/bukti",
    "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/bukti",
    "/impor",
    "/api/v1/import",
    "/organisasi/{id}/lembar-kerja/unggah",
];

/// A multipart body with a file field `berkas` named by raw bytes, and text fields.
fn multipart_raw(file_name: &[u8], data: &[u8], fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Disposition: form-data; name=\"berkas\"; filename=\"");
    body.extend_from_slice(file_name);
    body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// How an upload is sent.
#[derive(Clone, Copy)]
enum Via<'a> {
    /// A page's multipart form (CSRF token in the query), with or without Content-Length.
    Page(&'a Session, bool),
    /// The API: multipart with a token.
    ApiMultipart(&'a str),
    /// The API: the raw body with a content type.
    ApiRaw(&'a str, &'a str),
}

async fn upload_raw(t: &TestApp, path: &str, via: Via<'_>, body: Vec<u8>) -> Resp {
    let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
    let b = match via {
        Via::Page(s, length) => {
            let sep = if path.contains('?') { '&' } else { '?' };
            let mut b = Request::post(format!("{path}{sep}_csrf={}", s.csrf))
                .header(header::CONTENT_TYPE, &multipart)
                .header(header::COOKIE, format!("pokin_sesi={}", s.cookie));
            if length {
                b = b.header(header::CONTENT_LENGTH, body.len());
            }
            b
        }
        Via::ApiMultipart(tk) => Request::post(path)
            .header(header::CONTENT_TYPE, &multipart)
            .header(header::AUTHORIZATION, format!("Bearer {tk}")),
        Via::ApiRaw(tk, ct) => Request::post(path)
            .header(header::CONTENT_TYPE, ct)
            .header(header::AUTHORIZATION, format!("Bearer {tk}")),
    };
    t.send(b.body(Body::from(body)).expect("request")).await
}

/// Sends a bad upload: a 4xx with an Indonesian message, and nothing changed. A page that
/// keeps an upload for preview (303) must show why it cannot be applied, and refuse to apply.
async fn refused_upload(
    t: &TestApp,
    what: &str,
    path: &str,
    via: Via<'_>,
    body: Vec<u8>,
    failures: &mut Vec<String>,
) {
    checked_upload(t, what, path, via, body, false, failures).await;
}

/// [`refused_upload`], or (`harmless`) kept for preview when applying it changes nothing.
async fn checked_upload(
    t: &TestApp,
    what: &str,
    path: &str,
    via: Via<'_>,
    body: Vec<u8>,
    harmless: bool,
    failures: &mut Vec<String>,
) {
    let before = snapshot(t).await;
    let r = upload_raw(t, path, via, body).await;
    let outcome = if r.status.is_redirection() {
        match via {
            Via::Page(s, _) => {
                let to = r.headers[header::LOCATION]
                    .to_str()
                    .expect("location")
                    .to_owned();
                let preview = t.get(&to, Some(s)).await;
                let apply = if to.contains("/lembar-kerja/") {
                    format!("{to}/terapkan")
                } else {
                    format!("{to}/konfirmasi")
                };
                let applied = t.post(&apply, Some(s), &[], Some(&s.csrf)).await;
                if harmless && preview.status == StatusCode::OK {
                    Ok(())
                } else if applied.status.is_redirection() || applied.status.is_success() {
                    Err(format!(
                        "{what}: kept for preview and applied ({}): {}",
                        applied.status,
                        excerpt(&preview.body)
                    ))
                } else {
                    indonesian_error(&applied.body).map_err(|e| format!("{what}: {e}"))
                }
            }
            _ => Err(format!("{what}: {} from the API", r.status)),
        }
    } else if r.status.is_client_error() && r.status != StatusCode::FORBIDDEN {
        indonesian_error(&r.body).map_err(|e| format!("{what}: {}: {e}", r.status))
    } else {
        Err(format!("{what}: {}: {}", r.status, excerpt(&r.body)))
    };
    if let Err(e) = outcome {
        failures.push(e);
    }
    let after = snapshot(t).await;
    if after != before {
        failures.push(format!("{what}: something changed: {before:?} → {after:?}"));
    }
}

/// A PDF of `n` bytes (a real header, then padding).
fn big_pdf(n: usize) -> Vec<u8> {
    let mut v = PDF.to_vec();
    v.resize(n, b' ');
    v
}

/// An SVG with a script, and an HTML page: neither is evidence, whatever their names.
const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
const HTML: &[u8] = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";

/// The workbook of the test organisation for 2026.
async fn workbook(t: &TestApp, s: &Session) -> Vec<u8> {
    let r = t
        .app
        .clone()
        .oneshot_bytes(
            Request::get(format!("/organisasi/{}/lembar-kerja?tahun=2026", t.org))
                .header(header::COOKIE, format!("pokin_sesi={}", s.cookie))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(r.starts_with(b"PK\x03\x04"), "a workbook");
    r
}

/// Reads a whole response body as bytes.
trait OneshotBytes {
    async fn oneshot_bytes(self, req: Request<Body>) -> Vec<u8>;
}

impl OneshotBytes for axum::Router {
    async fn oneshot_bytes(self, req: Request<Body>) -> Vec<u8> {
        use tower::ServiceExt;
        let r = self.oneshot(req).await.expect("response");
        assert_eq!(r.status(), StatusCode::OK);
        axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec()
    }
}

/// A "zip bomb" in miniature: the same small ZIP, but every entry declares an uncompressed
/// size of almost 4 GB (in the local headers and in the central directory).
fn declared_huge(zip: &[u8]) -> Vec<u8> {
    let mut z = zip.to_vec();
    let huge = 0xFFFF_FFF0u32.to_le_bytes();
    let mut i = 0;
    while i + 30 <= z.len() {
        match &z[i..i + 4] {
            [0x50, 0x4B, 0x03, 0x04] => {
                z[i + 22..i + 26].copy_from_slice(&huge);
                i += 30;
            }
            [0x50, 0x4B, 0x01, 0x02] if i + 46 <= z.len() => {
                z[i + 24..i + 28].copy_from_slice(&huge);
                i += 46;
            }
            _ => i += 1,
        }
    }
    z
}

#[tokio::test]
async fn bad_uploads_are_refused_and_change_nothing() {
    for t in setups().await {
        let c = context(&t).await;
        let org = c.org;
        let op = &c.sessions["operator"];
        let pl = &c.sessions["perencana"];
        let admin = &c.sessions["admin"];
        let mut failures = Vec::new();
        let evidence_page = format!(
            "{}/bukti",
            measure_common::page(&t, "bidang-satu", "IK1", TW2)
        );
        let evidence_api =
            format!("/api/v1/organisations/{org}/realisasi/bidang-satu/IK1/{TW2}/bukti");
        let too_big = pokin_domain::measure::MAX_EVIDENCE_BYTES + 1;
        for (path, via) in [
            (evidence_page.as_str(), Via::Page(op, true)),
            (evidence_page.as_str(), Via::Page(op, false)),
            (
                evidence_api.as_str(),
                Via::ApiMultipart(&c.tokens["operator"]),
            ),
        ] {
            for (what, name, data) in [
                ("too large", &b"besar.pdf"[..], big_pdf(too_big)),
                ("exe named .pdf", b"laporan.pdf", EXE.to_vec()),
                ("HTML named .pdf", b"laporan.pdf", HTML.to_vec()),
                ("SVG with script named .png", b"foto.png", SVG.to_vec()),
                ("empty", b"kosong.pdf", Vec::new()),
                (
                    "exe named ../../etc/passwd",
                    b"../../etc/passwd",
                    EXE.to_vec(),
                ),
                ("exe with NUL in its name", b"a\0b.pdf", EXE.to_vec()),
            ] {
                let what = format!("evidence {path} ({what})");
                let body = multipart_raw(name, &data, &[]);
                refused_upload(&t, &what, path, via, body, &mut failures).await;
            }
        }

        // Names that try to leave the evidence directory, or carry NUL: a real PDF is
        // accepted, stored inside the evidence directory, and its name is shown sanitised.
        let outside = files_under(t._dir.path());
        for (i, name) in [
            &b"../../etc/passwd"[..],
            b"..\\..\\boot.ini",
            b"bukti\0.pdf",
        ]
        .into_iter()
        .enumerate()
        {
            let mut pdf = PDF.to_vec();
            pdf.extend_from_slice(format!("% {i}\n").as_bytes());
            let r = upload_raw(
                &t,
                &evidence_api,
                Via::ApiMultipart(&c.tokens["operator"]),
                multipart_raw(name, &pdf, &[]),
            )
            .await;
            if r.status.is_client_error() {
                indonesian_error(&r.body).expect("Indonesian refusal");
                continue;
            }
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let item: Value = serde_json::from_str(&r.body).expect("json");
            let shown = item["file_name"].as_str().expect("name");
            assert!(
                !shown.contains('/')
                    && !shown.contains('\\')
                    && !shown.contains('\0')
                    && !shown.starts_with('.'),
                "{shown:?}"
            );
        }
        let bukti = t._dir.path().join("bukti");
        for f in files_under(t._dir.path()).difference(&outside) {
            assert!(
                f.starts_with(&bukti),
                "{} outside the evidence dir",
                f.display()
            );
        }

        // Import: the page and the API.
        let big = vec![b'a'; pokin_web::routes::import::MAX_UPLOAD + 1];
        let import_cases: Vec<(&str, Vec<u8>)> = vec![
            ("too large", big),
            ("exe named .txt", EXE.to_vec()),
            ("empty", Vec::new()),
            (
                "not UTF-8",
                b"Kepala Dinas\n  SS1 Meningkatnya \xFF\xFE kinerja\n".to_vec(),
            ),
            (
                "NUL in the text",
                b"Kepala Dinas\0\n  SS1 Meningkatnya kinerja\n".to_vec(),
            ),
            (
                "truncated YAML",
                b"name: Dinas Uji\nunits:\n  - key: kepala\n    name: \"Kepala".to_vec(),
            ),
            ("HTML", HTML.to_vec()),
        ];
        for (what, data) in &import_cases {
            let body = multipart_raw(
                b"pohon.txt",
                data,
                &[("tujuan", b"baru"), ("nama", b"Dinas Impor")],
            );
            refused_upload(
                &t,
                &format!("import page ({what})"),
                "/impor",
                Via::Page(admin, true),
                body,
                &mut failures,
            )
            .await;
            for ct in ["text/plain", "application/json"] {
                refused_upload(
                    &t,
                    &format!("import API {ct} ({what})"),
                    "/api/v1/import",
                    Via::ApiRaw(&c.tokens["admin"], ct),
                    data.clone(),
                    &mut failures,
                )
                .await;
            }
        }
        // A valid tree whose name carries NUL, through the page's name field.
        let body = multipart_raw(
            b"pohon.txt",
            b"Kepala Dinas Impor\n",
            &[("tujuan", b"baru"), ("nama", b"Dinas\0Impor")],
        );
        refused_upload(
            &t,
            "import page (NUL in the name)",
            "/impor",
            Via::Page(admin, true),
            body,
            &mut failures,
        )
        .await;

        // The workbook.
        let good = workbook(&t, pl).await;
        let wb_path = format!("/organisasi/{org}/lembar-kerja/unggah");
        let too_big = pokin_web::routes::workbook::MAX_WORKBOOK_BYTES + 1;
        let mut big = good.clone();
        big.resize(too_big, 0);
        for (what, name, data, harmless) in [
            ("too large", &b"lk.xlsx"[..], big, false),
            ("exe named .xlsx", b"lk.xlsx", EXE.to_vec(), false),
            ("empty", b"lk.xlsx", Vec::new(), false),
            (
                "truncated",
                b"lk.xlsx",
                good[..good.len() / 2].to_vec(),
                false,
            ),
            ("PNG named .xlsx", b"lk.xlsx", PNG.to_vec(), false),
            // The reader does not trust declared sizes: the same values are read, in bounded
            // memory, so the preview shows no change (or the file is refused).
            (
                "huge declared sizes",
                b"lk.xlsx",
                declared_huge(&good),
                true,
            ),
            ("NUL in its name", b"lk\0.xlsx", EXE.to_vec(), false),
        ] {
            let body = multipart_raw(name, &data, &[("tahun", b"2026")]);
            checked_upload(
                &t,
                &format!("workbook ({what})"),
                &wb_path,
                Via::Page(pl, true),
                body,
                harmless,
                &mut failures,
            )
            .await;
        }
        for (what, year) in [
            ("year NaN", &b"NaN"[..]),
            ("year 1e400", b"1e400"),
            ("year not UTF-8", b"20\xFF26"),
            ("year 1999", b"1999"),
        ] {
            let body = multipart_raw(b"lk.xlsx", &good, &[("tahun", year)]);
            refused_upload(
                &t,
                &format!("workbook ({what})"),
                &wb_path,
                Via::Page(pl, true),
                body,
                &mut failures,
            )
            .await;
        }
        // The upload table above covers every upload route of the table.
        let table: BTreeSet<&str> = pokin_web::table()
            .into_iter()
            .filter(|r| r.method != Method::GET)
            .map(|r| r.path)
            .collect();
        for r in UPLOAD_ROUTES {
            assert!(table.contains(r), "{r}");
        }
        assert!(
            failures.is_empty(),
            "{} bad uploads were not refused properly:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// Evidence cut short (a valid header, no end: `%%EOF`, the `IEND` chunk) is refused
/// (`sniff_evidence` checks the end of each format).
#[tokio::test]
async fn truncated_evidence_is_refused() {
    for t in setups().await {
        let c = context(&t).await;
        let path = format!(
            "/api/v1/organisations/{}/realisasi/bidang-satu/IK1/{TW2}/bukti",
            c.org
        );
        let mut failures = Vec::new();
        for (what, name, data) in [
            ("truncated PDF", &b"laporan.pdf"[..], &PDF[..20]),
            ("truncated PNG", b"foto.png", &PNG[..20]),
        ] {
            let body = multipart_raw(name, data, &[]);
            refused_upload(
                &t,
                what,
                &path,
                Via::ApiMultipart(&c.tokens["operator"]),
                body,
                &mut failures,
            )
            .await;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// JSON specifics.

/// Sends `body` as is and expects a refusal in Indonesian that changes nothing.
async fn json_refused(
    t: &TestApp,
    method: Method,
    path: &str,
    tk: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Resp {
    let before = snapshot(t).await;
    let r = api(t, method.clone(), path, tk, Some((content_type, body))).await;
    assert!(
        r.status.is_client_error() && r.status != StatusCode::FORBIDDEN,
        "{method} {path}: {} {}",
        r.status,
        r.body
    );
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("application/json"),
        "{path}: an API error is JSON"
    );
    assert_indonesian_error(&r.body);
    assert_eq!(
        snapshot(t).await,
        before,
        "{method} {path}: nothing changed"
    );
    r
}

#[tokio::test]
async fn malformed_json_is_refused_in_indonesian() {
    for t in setups().await {
        let c = context(&t).await;
        let org = c.org;
        let pt = &c.tokens["perencana"];
        let admin = &c.tokens["admin"];
        let json = "application/json";
        let unit = format!("/api/v1/organisations/{org}/units/{}", c.bidang);
        let support = format!("/api/v1/organisations/{org}/supports/{}", c.support);
        let realisation = format!("/api/v1/organisations/{org}/realisasi/bidang-satu/IK1/{TW2}");
        let targets = format!("/api/v1/organisations/{org}/rencana-aksi/bidang-satu/IK1/2026");
        let step = format!("{realisation}/kembalikan");
        let users = "/api/v1/users";
        let nested = |n: usize| {
            let mut v = "[".repeat(n).into_bytes();
            v.extend(std::iter::repeat_n(b']', n));
            v
        };
        // Deep inside a known field (an unknown one is ignored, see below).
        let nested_objects = |n: usize| {
            let mut v = b"{\"kendala\":".to_vec();
            v.extend("{\"a\":".repeat(n).into_bytes());
            v.extend_from_slice(b"1");
            v.extend(std::iter::repeat_n(b'}', n + 1));
            v
        };
        let cases: Vec<(Method, &str, &str, &str, Vec<u8>)> = vec![
            // Malformed.
            (Method::PUT, &unit, pt, json, b"{\"name\": ".to_vec()),
            (Method::PUT, &unit, pt, json, b"{name: 'x'}".to_vec()),
            (Method::PUT, &realisation, &c.tokens["operator"], json, b"[1,".to_vec()),
            (Method::POST, &step, &c.tokens["verifikator"], json, b"{\"alasan\"".to_vec()),
            (Method::POST, users, admin, json, b"\xFF\xFE{}".to_vec()),
            // The wrong content type.
            (Method::PUT, &unit, pt, "text/plain", b"{\"name\": \"x\"}".to_vec()),
            (
                Method::PUT,
                &support,
                pt,
                "application/x-www-form-urlencoded",
                b"weight=2".to_vec(),
            ),
            // Numbers that overflow, strings where numbers belong, and the reverse.
            (Method::PUT, &support, pt, json, b"{\"weight\": 1e400}".to_vec()),
            (Method::PUT, &support, pt, json, b"{\"weight\": \"abc\"}".to_vec()),
            (Method::PUT, &support, pt, json, b"{\"weight\": \"NaN\"}".to_vec()),
            (Method::PUT, &support, pt, json, b"{\"weight\": -1}".to_vec()),
            (
                Method::POST,
                users,
                admin,
                json,
                br#"{"username":"baru","display_name":"B","role":"operator","org_id":99999999999999999999999}"#.to_vec(),
            ),
            (
                Method::POST,
                users,
                admin,
                json,
                br#"{"username":"baru","display_name":"B","role":"operator","org_id":"abc"}"#.to_vec(),
            ),
            (Method::PUT, &realisation, &c.tokens["operator"], json, b"{\"nilai\": 1e400}".to_vec()),
            (Method::PUT, &realisation, &c.tokens["operator"], json, b"{\"nilai\": \"Infinity\"}".to_vec()),
            (Method::PUT, &realisation, &c.tokens["operator"], json, b"{\"nilai\": {\"a\": 1}}".to_vec()),
            (Method::PUT, &targets, pt, json, b"{\"targets\": {\"1\": 1e400}}".to_vec()),
            (Method::PUT, &targets, pt, json, b"{\"targets\": {\"99999\": 1}}".to_vec()),
            (Method::PUT, &targets, pt, json, b"{\"targets\": [1, 2]}".to_vec()),
            (Method::PUT, &unit, pt, json, b"{\"name\": 12, \"key\": [1]}".to_vec()),
            // Control characters escaped in JSON strings.
            (Method::PUT, &unit, pt, json, br#"{"key":"bidang-satu","name":"A\u0000B","kind":"bidang","parent":"kepala"}"#.to_vec()),
            (Method::PUT, &realisation, &c.tokens["operator"], json, br#"{"nilai":"12","kendala":"\u001b[31m"}"#.to_vec()),
            // Deeply nested: no stack overflow.
            (Method::PUT, &unit, pt, json, nested(10_000)),
            (Method::PUT, &realisation, &c.tokens["operator"], json, nested_objects(10_000)),
            (Method::POST, &step, &c.tokens["verifikator"], json, nested(10_000)),
            (Method::POST, "/api/v1/import", admin, json, nested(10_000)),
        ];
        for (method, path, tk, ct, body) in cases {
            json_refused(&t, method, path, tk, ct, body).await;
        }

        // Unknown fields are ignored, as the OpenAPI document allows (its schemas do not set
        // `additionalProperties: false`): the same change with or without them.
        let spec = t.get("/api/openapi.json", None).await;
        assert!(!spec.body.contains("\"additionalProperties\":false"));
        let r = api(
            &t,
            Method::PUT,
            &support,
            pt,
            Some((
                json,
                br#"{"weight": 3, "tidak_dikenal": {"x": [1]}}"#.to_vec(),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let tree = t.store.load_organisation(org).await.expect("tree");
        let weight = tree
            .units
            .iter()
            .flat_map(|u| &u.objectives)
            .flat_map(|o| &o.supports)
            .map(|s| s.weight)
            .next();
        assert_eq!(weight, Some(3.0));
    }
}

// ---------------------------------------------------------------------------------------------
// HTML and SQL in text.

#[tokio::test]
async fn html_and_sql_in_text_are_stored_literally_and_shown_escaped() {
    for t in setups().await {
        let c = context(&t).await;
        let org = c.org;
        let s = &c.sessions["perencana"];
        let name = format!("Bidang {SCRIPT} {SQL}");
        let r = t
            .post(
                &format!("/organisasi/{org}/unit/bidang-satu/ubah"),
                Some(s),
                &[
                    ("key", "bidang-satu"),
                    ("name", &name),
                    ("kind", "bidang"),
                    ("parent", "kepala"),
                ],
                Some(&s.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let op = &c.sessions["operator"];
        let r = t
            .post(
                &measure_common::page(&t, "bidang-satu", "IK1", TW2),
                Some(op),
                &[("nilai", "12"), ("kendala", SQL), ("solusi", SCRIPT)],
                Some(&op.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Stored as typed.
        let tree = t.store.load_organisation(org).await.expect("tree");
        assert!(tree.units.iter().any(|u| u.name == name));
        let (unit, code) = ik("bidang-satu", "IK1");
        let rec = t
            .store
            .realisation_at(
                org,
                &pokin_domain::measure::IndicatorKey { unit, code },
                pokin_domain::measure::Period::parse(TW2).expect("period"),
            )
            .await
            .expect("read")
            .expect("record");
        assert_eq!(rec.input.kendala.as_deref(), Some(SQL));
        assert_eq!(rec.input.solusi.as_deref(), Some(SCRIPT));
        // Shown escaped, never as markup; the audit log still answers.
        for page in [
            format!("/organisasi/{org}/unit/bidang-satu"),
            format!("/organisasi/{org}"),
            measure_common::page(&t, "bidang-satu", "IK1", TW2),
            format!("/organisasi/{org}/pohon"),
        ] {
            let r = t.get(&page, Some(s)).await;
            assert_eq!(r.status, StatusCode::OK, "{page}");
            assert!(
                !r.body.contains(SCRIPT),
                "{page} shows the script unescaped"
            );
        }
        let page = t
            .get(
                &measure_common::page(&t, "bidang-satu", "IK1", TW2),
                Some(s),
            )
            .await;
        assert!(
            page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
            "the script is shown as text"
        );
        assert!(t.audit_count().await > 0);
    }
}
