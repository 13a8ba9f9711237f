//! Helpers for the realisation and workbook tests: the test organisation replaced by one with
//! indicators in two Bidang/Sekretariat subtrees, a Renstra 2025–2029 and targets; extra
//! accounts; multipart uploads with the CSRF token in the query; API calls.
#![allow(dead_code)]

use crate::common::{PASSWORD, Resp, Session, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, header};
use pokin_domain::capaian::Periodisation;
use pokin_domain::{
    Aggregation, Code, Indicator, Objective, OrganisationDraft, Renstra, TargetValue, Unit,
    UnitKey, UnitKind,
};
use pokin_store::{ImportMode, NewUser, Role};

pub const BOUNDARY: &str = "----pokin-uji-realisasi";
/// A tiny but real PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, b'I', b'D', b'A', b'T',
    0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, b'I', b'E', b'N',
    b'D', 0xAE, 0x42, 0x60, 0x82,
];
/// A Windows executable's first bytes.
pub const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";

/// The name the common helpers give the test organisation.
pub const ORG_NAME: &str = "Dinas <script>alert(0)</script> Uji";

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("key")
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

fn indicator(
    c: &str,
    name: &str,
    satuan: &str,
    aggregation: Option<Aggregation>,
    periodisation: Option<Periodisation>,
    targets: &[(i32, TargetValue)],
) -> Indicator {
    let mut i = Indicator::new(code(c), name);
    i.satuan = Some(satuan.into());
    i.aggregation = aggregation;
    i.periodisation = periodisation;
    i.targets = targets.iter().cloned().collect();
    i
}

/// The test organisation with measurable indicators:
/// - `bidang-satu` SP1: IK1 (dokumen, kumulatif, target 2026 = 100), IK2 (opini, WTP),
///   IK3 (%, monthly);
/// - `sekretariat` SP2: IK1 (%).
pub fn rich_org() -> pokin_domain::Organisation {
    OrganisationDraft {
        programs: Vec::new(),
        name: ORG_NAME.into(),
        title: None,
        demo: false,
        renstra: Some(Renstra {
            start: 2025,
            end: 2029,
        }),
        units: vec![
            Unit {
                key: key("kepala"),
                name: "Kepala Dinas Uji".into(),
                kind: UnitKind::Kepala,
                parent: None,
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SS1"),
                    statement: "Meningkatnya kinerja".into(),
                    supports: vec![],
                    indicators: vec![Indicator::new(code("IKU1"), "Indeks kinerja")],
                }],
            },
            Unit {
                key: key("bidang-satu"),
                name: "Bidang Satu".into(),
                kind: UnitKind::Bidang,
                parent: Some(key("kepala")),
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SP1"),
                    statement: "Meningkatnya layanan".into(),
                    supports: vec![],
                    indicators: vec![
                        indicator(
                            "IK1",
                            "Jumlah dokumen layanan yang terbit",
                            "dokumen",
                            Some(Aggregation::Kumulatif),
                            None,
                            &[
                                (2025, TargetValue::Number(80.0)),
                                (2026, TargetValue::Number(100.0)),
                            ],
                        ),
                        indicator(
                            "IK2",
                            "Opini BPK atas laporan keuangan",
                            "opini",
                            None,
                            None,
                            &[(2026, TargetValue::Qualitative("WTP".into()))],
                        ),
                        indicator(
                            "IK3",
                            "Persentase izin terbit tepat waktu",
                            "%",
                            Some(Aggregation::NilaiAkhir),
                            Some(Periodisation::Bulanan),
                            &[(2026, TargetValue::Number(90.0))],
                        ),
                    ],
                }],
            },
            Unit {
                key: key("sekretariat"),
                name: "Sekretariat".into(),
                kind: UnitKind::Sekretariat,
                parent: Some(key("kepala")),
                officials: vec![],
                objectives: vec![Objective {
                    code: code("SP2"),
                    statement: "Tertibnya administrasi".into(),
                    supports: vec![],
                    indicators: vec![indicator(
                        "IK1",
                        "Persentase tertib administrasi",
                        "%",
                        None,
                        None,
                        &[(2026, TargetValue::Number(95.0))],
                    )],
                }],
            },
        ],
    }
    .validate()
    .expect("valid organisation")
}

/// Replaces the test organisation's tree with [`rich_org`] (same id) and adds an operator and
/// a verifikator of `sekretariat`, and a perencana scoped to `sekretariat`.
pub async fn prepare(t: &TestApp) {
    let id = t
        .store
        .import_organisation("tester", &rich_org(), ImportMode::Replace)
        .await
        .expect("replace");
    assert_eq!(id, t.org);
    for (name, role, unit) in [
        ("operator.sekretariat", Role::Operator, "sekretariat"),
        ("verifikator.sekretariat", Role::Verifikator, "sekretariat"),
        ("perencana.sekretariat", Role::Perencana, "sekretariat"),
    ] {
        t.store
            .create_user(
                "tester",
                &NewUser {
                    username: name.into(),
                    display_name: format!("Uji {name}"),
                    role,
                    org_id: Some(t.org),
                    pemda_id: None,
                    unit: Some(key(unit)),
                    password: PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .await
            .expect("user");
    }
}

/// The realisation page of an indicator.
pub fn page(t: &TestApp, unit: &str, code: &str, period: &str) -> String {
    format!(
        "/organisasi/{}/indikator/{unit}/{code}/realisasi/{period}",
        t.org
    )
}

/// A multipart body with one file field `berkas` and text fields.
pub fn multipart(file_name: &str, data: &[u8], fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Disposition: form-data; name=\"berkas\"; filename=\"");
    body.extend_from_slice(file_name.as_bytes());
    body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart upload as a browser does (CSRF token in the query).
pub async fn upload(
    t: &TestApp,
    s: &Session,
    path: &str,
    body: Vec<u8>,
    content_length: bool,
) -> Resp {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut b = Request::post(format!("{path}{sep}_csrf={}", s.csrf))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, format!("pokin_sesi={}", s.cookie));
    if content_length {
        b = b.header(header::CONTENT_LENGTH, body.len());
    }
    t.send(b.body(Body::from(body)).expect("request")).await
}

/// An API token of `username`.
pub async fn token(t: &TestApp, username: &str) -> String {
    let u = t
        .store
        .user_by_name(username)
        .await
        .expect("read")
        .expect("user");
    t.store
        .create_api_token("tester", u.id, "uji")
        .await
        .expect("token")
}

/// An API call with a bearer token and an optional body (content type, bytes).
pub async fn api(
    t: &TestApp,
    method: Method,
    path: &str,
    tk: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {tk}"));
    let body = match body {
        Some((ct, bytes)) => {
            b = b.header(header::CONTENT_TYPE, ct);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    t.send(b.body(body).expect("request")).await
}

pub async fn api_json(
    t: &TestApp,
    method: Method,
    path: &str,
    tk: &str,
    json: serde_json::Value,
) -> Resp {
    api(
        t,
        method,
        path,
        tk,
        Some(("application/json", json.to_string().into_bytes())),
    )
    .await
}
