//! Import with preview: upload → preview (tree, diagnostics line by line) → confirm or cancel;
//! size, encoding and emptiness refusals; permissions, CSRF and session binding.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Resp, Session, TestApp, setup};

const SEED: &str = include_str!("../../../data/seed/pohon-kinerja-dpmptsp-naker.txt");
const BOUNDARY: &str = "----pokin-uji-batas";

/// A multipart field: name, file name (for files) and content.
type Field<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn multipart(fields: &[Field<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, data) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts the import form as a browser does: multipart, the CSRF token in the query.
async fn upload(t: &TestApp, s: &Session, csrf: Option<&str>, fields: &[Field<'_>]) -> Resp {
    let path = match csrf {
        Some(c) => format!("/impor?_csrf={c}"),
        None => "/impor".to_owned(),
    };
    t.send(
        Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::COOKIE, format!("pokin_sesi={}", s.cookie))
            .body(Body::from(multipart(fields)))
            .expect("request"),
    )
    .await
}

/// Uploads a file to a new organisation (admin) and returns the preview's address.
async fn upload_new(t: &TestApp, s: &Session, file: &str, text: &[u8]) -> String {
    let r = upload(
        t,
        s,
        Some(&s.csrf),
        &[("berkas", Some(file), text), ("tujuan", None, b"baru")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

async fn org_count(t: &TestApp) -> usize {
    t.store.organisations().await.unwrap().len()
}

/// Everything an import could change: organisations and the audit log.
async fn snapshot(t: &TestApp) -> (usize, usize, String) {
    let tree = serde_json::to_string(&t.store.load_organisation(t.org).await.unwrap()).unwrap();
    (org_count(t).await, t.audit_count().await, tree)
}

fn escape(s: &str) -> String {
    // As askama escapes.
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn seed_preview_then_confirm_imports_it_atomically() {
    let t = setup().await;
    let s = t.login("admin").await;
    let form = t.get("/impor", Some(&s)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!("action=\"/impor?_csrf={}\"", s.csrf))
    );
    assert!(form.body.contains("multipart/form-data"));
    let before = t.audit_count().await;
    let at = upload_new(&t, &s, "pohon.txt", SEED.as_bytes()).await;
    assert!(at.starts_with("/impor/"));
    // Nothing is written by the upload.
    assert_eq!(t.audit_count().await, before);
    assert_eq!(org_count(&t).await, 2);

    let p = t.get(&at, Some(&s)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("<div class=\"stat\">23</div>unit kerja"),
        "{}",
        p.body
    );
    assert!(p.body.contains("<div class=\"stat\">46</div>sasaran"));
    assert!(p.body.contains("<div class=\"stat\">65</div>indikator"));
    assert!(p.body.contains("<div class=\"stat\">17</div>peringatan"));
    assert_eq!(p.body.matches("<li class=\"depth-").count(), 23);
    // The 17 warnings, each next to its line number and source text.
    let tree = pokin_import::text::parse(
        SEED,
        pokin_import::spelling::Speller::load_system().as_ref(),
    );
    let warnings: Vec<_> = tree
        .diagnostics
        .iter()
        .filter(|d| d.severity == pokin_domain::check::Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 17);
    assert_eq!(
        p.body
            .matches("<span class=\"badge warn\">peringatan</span>")
            .count(),
        17
    );
    let source: Vec<&str> = SEED.lines().collect();
    for w in &warnings {
        let line = escape(source[w.line - 1]);
        let shown = format!("<span class=\"ln\">{}</span><code>{line}</code>", w.line);
        assert!(
            p.body.contains(&shown),
            "line {} not shown: {shown}",
            w.line
        );
        assert!(p.body.contains(&escape(&w.message)), "{}", w.message);
    }
    // Info is one click away, filtered by severity.
    let info = t.get(&format!("{at}?tampil=info"), Some(&s)).await;
    assert!(info.body.contains("<span class=\"badge info\">info</span>"));
    assert!(
        !info
            .body
            .contains("<span class=\"badge warn\">peringatan</span>")
    );
    assert!(!p.body.contains("disabled aria-describedby"));

    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap();
    let id: i64 = to
        .strip_prefix("/organisasi/")
        .and_then(|x| x.strip_suffix("#diimpor"))
        .unwrap()
        .parse()
        .unwrap();
    let org = t.store.load_organisation(id).await.unwrap();
    assert_eq!(org.counts(), (23, 46, 65));
    assert_eq!(t.audit_count().await, before + 1);
    let overview = t.get(&format!("/organisasi/{id}"), Some(&s)).await;
    assert!(overview.body.contains("id=\"diimpor\""));
    // The preview is gone: confirming twice writes nothing more.
    let again = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(t.audit_count().await, before + 1);
}

#[tokio::test]
async fn cancel_discards_and_writes_nothing() {
    let t = setup().await;
    let s = t.login("admin").await;
    let before = snapshot(&t).await;
    let at = upload_new(&t, &s, "pohon.txt", SEED.as_bytes()).await;
    let r = t
        .post(&format!("{at}/batal"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/impor");
    assert_eq!(t.get(&at, Some(&s)).await.status, StatusCode::NOT_FOUND);
    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn a_text_with_errors_cannot_be_confirmed() {
    let t = setup().await;
    let s = t.login("admin").await;
    let before = snapshot(&t).await;
    let text =
        "KEPALA DINAS\nIK1. Persentase tanpa sasaran\nSS1. Meningkatnya mutu\nIK1. Indeks mutu\n";
    let at = upload_new(&t, &s, "salah.txt", text.as_bytes()).await;
    let p = t.get(&at, Some(&s)).await;
    assert!(
        p.body
            .contains("<span class=\"badge err\">kesalahan</span>"),
        "{}",
        p.body
    );
    assert!(p.body.contains("disabled aria-describedby=\"alasan\""));
    assert!(p.body.contains("Impor belum dapat dikonfirmasi"));
    assert!(
        p.body
            .contains("<span class=\"ln\">2</span><code>IK1. Persentase tanpa sasaran</code>")
    );
    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("tidak ada yang disimpan"));
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn yaml_validation_errors_are_listed_and_nothing_is_written() {
    let t = setup().await;
    let s = t.login("admin").await;
    let before = snapshot(&t).await;
    let yaml = "format: pokin/1\norganisation:\n  name: Dinas YAML\n  units:\n  - key: kepala\n    name: Kepala\n    kind: kepala\n    parent: tidak-ada\n";
    // The name says .txt: the kind is decided by the content.
    let at = upload_new(&t, &s, "ekspor.txt", yaml.as_bytes()).await;
    let p = t.get(&at, Some(&s)).await;
    assert!(p.body.contains("YAML kanonik"));
    assert!(p.body.contains("Kesalahan isi berkas"));
    assert!(p.body.contains("tidak-ada"), "{}", p.body);
    assert!(p.body.contains("disabled aria-describedby"));
    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A syntax error is shown at its line.
    let at = upload_new(
        &t,
        &s,
        "x.yaml",
        b"format: pokin/1\norganisation:\n  name: X\n  unit: []\n",
    )
    .await;
    let p = t.get(&at, Some(&s)).await;
    assert!(
        p.body
            .contains("<span class=\"ln\">4</span><code>  unit: []</code>"),
        "{}",
        p.body
    );
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn a_valid_yaml_imports_under_a_chosen_name() {
    let t = setup().await;
    let s = t.login("admin").await;
    let yaml = pokin_import::yaml::to_yaml(&common::org("Dinas Asal"));
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[
            ("berkas", Some("a.yaml"), yaml.as_bytes()),
            ("tujuan", None, b"baru"),
            ("nama", None, b"Dinas Hasil Impor"),
        ],
    )
    .await;
    let at = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        t.store
            .organisation_by_name("Dinas Hasil Impor")
            .await
            .unwrap()
            .is_some()
    );
    // The same name again is refused at the preview, before anything is written.
    let before = snapshot(&t).await;
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[
            ("teks", None, yaml.as_bytes()),
            ("tujuan", None, b"baru"),
            ("nama", None, b"Dinas Hasil Impor"),
        ],
    )
    .await;
    let at = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let p = t.get(&at, Some(&s)).await;
    assert!(p.body.contains("sudah ada"));
    assert!(p.body.contains("disabled aria-describedby"));
    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn too_large_not_utf8_and_empty_get_clear_messages() {
    let t = setup().await;
    let s = t.login("admin").await;
    let before = snapshot(&t).await;
    let new = ("tujuan", None, b"baru".as_slice());
    let big = vec![b'a'; 2 * 1024 * 1024 + 1];
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[("berkas", Some("besar.txt"), &big), new],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body.contains("Berkas terlalu besar: paling besar 2 MB"),
        "{}",
        r.body
    );
    let huge = vec![b'a'; 5 * 1024 * 1024];
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[("berkas", Some("besar.txt"), &huge), new],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[
            ("berkas", Some("biner.txt"), b"SS1. Meningkat\xff\xfe"),
            new,
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("bukan teks UTF-8"), "{}", r.body);
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[("berkas", Some("kosong.txt"), b""), new],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("berkas kosong"), "{}", r.body);
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[("berkas", None, b""), ("teks", None, b"  \n"), new],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Belum ada yang diimpor"), "{}", r.body);
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn perencana_replaces_its_own_organisation_only() {
    let t = setup().await;
    let s = t.login("perencana").await;
    assert_eq!(t.get("/impor", Some(&s)).await.status, StatusCode::OK);
    let own = t.org.to_string();
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[
            ("teks", None, SEED.as_bytes()),
            ("tujuan", None, b"ganti"),
            ("organisasi", None, own.as_bytes()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let before = t.audit_count().await;
    let r = t
        .post(&format!("{at}/konfirmasi"), Some(&s), &[], Some(&s.csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/organisasi/{}#diimpor", t.org).as_str()
    );
    let org = t.store.load_organisation(t.org).await.unwrap();
    assert_eq!(org.counts(), (23, 46, 65));
    assert_eq!(org.name, "Dinas <script>alert(0)</script> Uji");
    assert_eq!(t.audit_count().await, before + 1);

    // Another organisation, or a new one: 403, nothing changes.
    let before = snapshot(&t).await;
    let other = t.other_org.to_string();
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[
            ("teks", None, SEED.as_bytes()),
            ("tujuan", None, b"ganti"),
            ("organisasi", None, other.as_bytes()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = upload(
        &t,
        &s,
        Some(&s.csrf),
        &[("teks", None, SEED.as_bytes()), ("tujuan", None, b"baru")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Hanya Administrator"));
    assert_eq!(snapshot(&t).await, before);
}

#[tokio::test]
async fn other_roles_and_organisations_are_refused() {
    let t = setup().await;
    let before = snapshot(&t).await;
    let own = t.org.to_string();
    for user in [
        "operator",
        "verifikator",
        "pimpinan",
        "inspektorat",
        "perencana.lain",
    ] {
        let s = t.login(user).await;
        let audit = t.audit_count().await;
        let form = t.get("/impor", Some(&s)).await;
        let organisations = t.get("/organisasi", Some(&s)).await;
        if user == "perencana.lain" {
            // Its own organisation only: ours is not offered, nor a new one.
            assert_eq!(form.status, StatusCode::OK);
            assert!(!form.body.contains(&format!("value=\"{}\"", t.org)));
            assert!(!form.body.contains("value=\"baru\""));
        } else {
            assert_eq!(form.status, StatusCode::FORBIDDEN, "{user}");
            assert!(!organisations.body.contains("href=\"/impor\""), "{user}");
        }
        let r = upload(
            &t,
            &s,
            Some(&s.csrf),
            &[
                ("teks", None, SEED.as_bytes()),
                ("tujuan", None, b"ganti"),
                ("organisasi", None, own.as_bytes()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert_eq!(t.audit_count().await, audit, "{user}");
    }
    let (orgs, _, tree) = snapshot(&t).await;
    assert_eq!((orgs, tree), (before.0, before.2));
    // Without a session the upload is refused before anything is read.
    let r = t
        .send(
            Request::post("/impor")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&[("tujuan", None, b"baru")])))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let s = t.login("perencana").await;
    assert!(
        t.get("/organisasi", Some(&s))
            .await
            .body
            .contains("href=\"/impor\"")
    );
}

#[tokio::test]
async fn uploads_and_confirmations_need_the_csrf_token() {
    let t = setup().await;
    let s = t.login("admin").await;
    let before = snapshot(&t).await;
    let fields: &[Field<'_>] = &[("teks", None, SEED.as_bytes()), ("tujuan", None, b"baru")];
    let r = upload(&t, &s, None, fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("CSRF"));
    let r = upload(&t, &s, Some("0000"), fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A token in the body of a multipart request is not read: only the query or the header.
    let mut with_field: Vec<Field<'_>> = vec![("_csrf", None, s.csrf.as_bytes())];
    with_field.extend_from_slice(fields);
    assert_eq!(
        upload(&t, &s, None, &with_field).await.status,
        StatusCode::FORBIDDEN
    );
    // The query token counts only for multipart: an urlencoded form must carry it in the body.
    let at = upload_new(&t, &s, "pohon.txt", SEED.as_bytes()).await;
    let r = t
        .post(
            &format!("{at}/konfirmasi?_csrf={}", s.csrf),
            Some(&s),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.post(&format!("{at}/batal"), Some(&s), &[], None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(snapshot(&t).await, before);
    // The header works for uploads made by script.
    let r = t
        .send(
            Request::post("/impor")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .header(header::COOKIE, format!("pokin_sesi={}", s.cookie))
                .header("X-CSRF-Token", &s.csrf)
                .body(Body::from(multipart(fields)))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_preview_belongs_to_the_session_that_uploaded_it() {
    let t = setup().await;
    let s = t.login("admin").await;
    let at = upload_new(&t, &s, "pohon.txt", SEED.as_bytes()).await;
    let before = snapshot(&t).await;
    for other in [t.login("admin").await, t.login("perencana").await] {
        assert_eq!(t.get(&at, Some(&other)).await.status, StatusCode::FORBIDDEN);
        let audit = t.audit_count().await;
        let r = t
            .post(
                &format!("{at}/konfirmasi"),
                Some(&other),
                &[],
                Some(&other.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("sesi lain"), "{}", r.body);
        let r = t
            .post(&format!("{at}/batal"), Some(&other), &[], Some(&other.csrf))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(t.audit_count().await, audit);
    }
    let (orgs, _, tree) = snapshot(&t).await;
    assert_eq!((orgs, tree), (before.0, before.2));
    // Still there for its owner.
    assert_eq!(t.get(&at, Some(&s)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn uploaded_markup_is_escaped_in_the_preview() {
    let t = setup().await;
    let s = t.login("admin").await;
    let text = "KEPALA DINAS <script>alert(1)</script>\nSS1. Meningkatnya <script>alert(2)</script> mutu\nIKU1. Indeks <img src=x onerror=alert(3)>\n";
    let at = upload_new(&t, &s, "<script>x</script>.txt", text.as_bytes()).await;
    let p = t.get(&at, Some(&s)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("<script>alert"), "{}", p.body);
    assert!(!p.body.contains("<img src=x"));
    assert!(!p.body.contains("<script>x"));
    let at = p.body.find("alert(2)").expect("statement shown");
    assert!(
        p.body.contains(&escape("<script>alert(2)</script>")),
        "{}",
        &p.body[at - 200..at + 100]
    );
}
