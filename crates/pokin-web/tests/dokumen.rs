//! Documents through HTTP: the document settings (422 and unchanged when incomplete), a unit's
//! Perjanjian Kinerja page, the draft PDF, establishing version 1 and amending it (version 2,
//! with its reason) while version 1 keeps naming the official who signed it; who may establish
//! (an operator gets 403 and no form); every download answers with its content type for a
//! reader and refuses another organisation's user; the documents page lists each unit's status.

mod common;
mod measure_common;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::{Session, TestApp, setups};
use measure_common::{prepare, rich_org};
use pokin_domain::document::DocumentSettings;
use pokin_domain::{Official, UnitKey};
use pokin_store::ImportMode;
use tower::ServiceExt;

const PDF: &str = "application/pdf";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const YEAR: i32 = 2026;

/// A response with its raw body (documents are binary).
struct Download {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Download {
    fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

async fn download(t: &TestApp, path: &str, s: &Session) -> Download {
    let req = Request::get(path)
        .header(header::COOKIE, format!("pokin_sesi={}", s.cookie))
        .body(Body::empty())
        .expect("request");
    let r = t.app.clone().oneshot(req).await.expect("response");
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = to_bytes(r.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Download {
        status,
        headers,
        bytes,
    }
}

/// The text of a PDF through `pdftotext`, with whitespace collapsed.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn official(name: &str, since: (i32, u32, u32)) -> Official {
    Official {
        name: name.into(),
        nip: None,
        pangkat: Some("Pembina".into()),
        golongan: Some("IV/a".into()),
        appointment: Default::default(),
        since: chrono::NaiveDate::from_ymd_opt(since.0, since.1, since.2),
        until: None,
    }
}

/// The rich test tree with `head` heading `bidang-satu` and a Kepala Dinas.
async fn with_officials(t: &TestApp, head: &str) {
    let mut draft = rich_org().into_draft();
    for u in &mut draft.units {
        match u.key.as_str() {
            "bidang-satu" => u.officials = vec![official(head, (2020, 1, 1))],
            "kepala" => u.officials = vec![official("Dr. Kepala Uji, M.Si.", (2020, 1, 1))],
            _ => {}
        }
    }
    let org = draft.validate().expect("valid");
    t.store
        .import_organisation("tester", &org, ImportMode::Replace)
        .await
        .expect("replace");
}

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("key")
}

fn settings_form(s: &DocumentSettings) -> Vec<(&'static str, String)> {
    vec![
        ("daerah", s.region.clone()),
        ("tempat", s.place.clone()),
        ("jabatan_kepala", s.head_title.clone()),
        ("nama_kepala", s.head_name.clone()),
    ]
}

async fn post(t: &TestApp, s: &Session, path: &str, form: &[(&str, String)]) -> common::Resp {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.post(path, Some(s), &form, Some(&s.csrf)).await
}

#[tokio::test]
async fn perencana_settles_establishes_and_amends_a_pk() {
    for t in setups().await {
        prepare(&t).await;
        with_officials(&t, "Budi Santoso, S.E.").await;
        let s = t.login("perencana").await;
        let id = t.org;

        // Settings: incomplete → 422, nothing saved; complete → saved.
        let settings_path = format!("/organisasi/{id}/pengaturan-dokumen");
        let r = t.get(&settings_path, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let count = t.audit_count().await;
        let bad = DocumentSettings {
            region: "Kabupaten Uji".into(),
            place: " ".into(),
            head_title: "Bupati Uji".into(),
            head_name: String::new(),
        };
        let r = post(&t, &s, &settings_path, &settings_form(&bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("Tempat penandatanganan belum diisi"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("Nama kepala daerah belum diisi"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("Kabupaten Uji"),
            "the form keeps what was typed"
        );
        assert_eq!(t.audit_count().await, count, "nothing audited");
        assert_eq!(
            t.store.document_settings(id).await.expect("read"),
            DocumentSettings::default()
        );
        let good = DocumentSettings {
            region: "Kabupaten Uji".into(),
            place: "Kota Uji".into(),
            head_title: "Bupati Uji".into(),
            head_name: "Ir. Bupati Uji".into(),
        };
        let r = post(&t, &s, &settings_path, &settings_form(&good)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(t.store.document_settings(id).await.expect("read"), good);

        // The PK page: a draft with its parties and targets, and the establish form.
        let page = format!("/organisasi/{id}/unit/bidang-satu/pk/{YEAR}");
        let r = t.get(&page, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Budi Santoso, S.E."), "first party");
        assert!(r.body.contains("Dr. Kepala Uji, M.Si."), "second party");
        assert!(r.body.contains("Draf (belum ditetapkan)"));
        assert!(r.body.contains("id=\"form-tetapkan\""), "establish form");
        assert!(!r.body.contains("id=\"form-amandemen\""));
        assert!(r.body.contains("Jumlah dokumen layanan yang terbit"));
        assert!(
            r.body.contains("100 dokumen"),
            "target formatted: {}",
            r.body
        );

        // The draft PDF.
        let d = download(&t, &format!("{page}/pdf"), &s).await;
        assert_eq!(d.status, StatusCode::OK);
        assert!(d.bytes.starts_with(b"%PDF"));
        assert_eq!(d.header(header::CONTENT_TYPE), PDF);
        assert_eq!(
            d.header(header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"pk-bidang-satu-{YEAR}-draf.pdf\"")
        );
        assert!(pdf_text(&d.bytes).contains("Budi Santoso"));

        // Establish version 1; a bad date is refused first and changes nothing.
        let count = t.audit_count().await;
        let r = post(&t, &s, &page, &[("tanggal", "2019-01-02".into())]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("di luar masa perjanjian kinerja"),
            "{}",
            r.body
        );
        assert_eq!(t.audit_count().await, count);
        let r = post(&t, &s, &page, &[("tanggal", format!("{YEAR}-01-05"))]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let versions = t
            .store
            .pk_versions(id, &key("bidang-satu"), YEAR)
            .await
            .expect("versions");
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].first_name, "Budi Santoso, S.E.");

        // Establishing again without a reason is refused (422), nothing changes.
        let count = t.audit_count().await;
        let r = post(&t, &s, &page, &[("tanggal", format!("{YEAR}-01-06"))]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("memerlukan alasan"), "{}", r.body);
        // An amendment without a note is refused too.
        let r = post(
            &t,
            &s,
            &page,
            &[
                ("tanggal", format!("{YEAR}-06-01")),
                ("alasan", "pergantian_pejabat".into()),
                ("catatan", "  ".into()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(t.audit_count().await, count, "nothing audited");
        assert_eq!(
            t.store
                .pk_versions(id, &key("bidang-satu"), YEAR)
                .await
                .expect("versions")
                .len(),
            1
        );

        // The official changes; the amendment names the new one, version 1 the old one.
        with_officials(&t, "Siti Aminah, S.H.").await;
        let r = t.get(&page, Some(&s)).await;
        assert!(r.body.contains("id=\"form-amandemen\""), "amend form");
        assert!(!r.body.contains("id=\"form-tetapkan\""));
        let r = post(
            &t,
            &s,
            &page,
            &[
                ("tanggal", format!("{YEAR}-06-01")),
                ("alasan", "pergantian_pejabat".into()),
                ("catatan", "Kepala bidang diganti per 1 Juni".into()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = t.get(&page, Some(&s)).await;
        assert!(r.body.contains("Versi 2 (perubahan)"), "{}", r.body);
        assert!(r.body.contains("Pergantian pejabat"));
        assert!(r.body.contains("Kepala bidang diganti per 1 Juni"));
        assert!(r.body.contains("pdf?versi=1") && r.body.contains("pdf?versi=2"));

        let v1 = download(&t, &format!("{page}/pdf?versi=1"), &s).await;
        assert_eq!(v1.status, StatusCode::OK);
        assert_eq!(
            v1.header(header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"pk-bidang-satu-{YEAR}-v1.pdf\"")
        );
        let text1 = pdf_text(&v1.bytes);
        assert!(text1.contains("Budi Santoso"), "{text1}");
        assert!(!text1.contains("Siti Aminah"));
        let v2 = download(&t, &format!("{page}/pdf?versi=2"), &s).await;
        assert_eq!(v2.status, StatusCode::OK);
        assert!(pdf_text(&v2.bytes).contains("Siti Aminah"));
        let latest = download(&t, &format!("{page}/pdf"), &s).await;
        assert_eq!(
            latest.header(header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"pk-bidang-satu-{YEAR}-v2.pdf\"")
        );

        // Unknown version or unit → 404.
        let r = t.get(&format!("{page}/pdf?versi=3"), Some(&s)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t
            .get(
                &format!("/organisasi/{id}/unit/tidak-ada/pk/{YEAR}"),
                Some(&s),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("tidak ada dalam organisasi ini"));

        // The documents page shows the status per unit.
        let r = t
            .get(&format!("/organisasi/{id}/dokumen?tahun={YEAR}"), Some(&s))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let row = r
            .body
            .split("data-unit=\"bidang-satu\"")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("row of bidang-satu");
        assert!(
            row.contains("versi 2") && row.contains("Siti Aminah"),
            "{row}"
        );
        let row = r
            .body
            .split("data-unit=\"sekretariat\"")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("row of sekretariat");
        assert!(row.contains("belum ditetapkan"), "{row}");
        assert!(r.body.contains("/pengaturan-dokumen"));
    }
}

#[tokio::test]
async fn operator_may_not_establish() {
    for t in setups().await {
        prepare(&t).await;
        with_officials(&t, "Budi Santoso, S.E.").await;
        let s = t.login("operator").await;
        let page = format!("/organisasi/{}/unit/bidang-satu/pk/{YEAR}", t.org);
        let r = t.get(&page, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("id=\"form-tetapkan\""));
        assert!(!r.body.contains("id=\"form-amandemen\""));
        let count = t.audit_count().await;
        let r = post(&t, &s, &page, &[("tanggal", format!("{YEAR}-01-05"))]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("Perencana"), "{}", r.body);
        assert_eq!(t.audit_count().await, count);
        assert!(
            t.store
                .pk_versions(t.org, &key("bidang-satu"), YEAR)
                .await
                .expect("versions")
                .is_empty()
        );
        // Nor configure the documents.
        let r = t
            .get(
                &format!("/organisasi/{}/pengaturan-dokumen", t.org),
                Some(&s),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn every_download_for_a_reader_and_not_for_another_org() {
    for t in setups().await {
        prepare(&t).await;
        with_officials(&t, "Budi Santoso, S.E.").await;
        let id = t.org;
        let downloads = [
            (
                format!("/organisasi/{id}/unit/bidang-satu/pk/{YEAR}/pdf"),
                PDF,
            ),
            (
                format!("/organisasi/{id}/unit/bidang-satu/rencana-aksi/{YEAR}/pdf"),
                PDF,
            ),
            (
                format!("/organisasi/{id}/unit/bidang-satu/rencana-aksi/{YEAR}/xlsx"),
                XLSX,
            ),
            (format!("/organisasi/{id}/dokumen/{YEAR}/lkjip.pdf"), PDF),
            (format!("/organisasi/{id}/dokumen/{YEAR}/lkjip.xlsx"), XLSX),
            (format!("/organisasi/{id}/dokumen/{YEAR}/renja.xlsx"), XLSX),
            (format!("/organisasi/{id}/pohon.pdf"), PDF),
            (
                format!("/organisasi/{id}/pohon.pdf?warna=capaian&tahun={YEAR}"),
                PDF,
            ),
        ];
        let reader = t.login("pimpinan").await;
        for (path, kind) in &downloads {
            let d = download(&t, path, &reader).await;
            assert_eq!(d.status, StatusCode::OK, "{path}");
            assert_eq!(d.header(header::CONTENT_TYPE), *kind, "{path}");
            assert!(
                d.header(header::CONTENT_DISPOSITION)
                    .starts_with("attachment; filename=\""),
                "{path}"
            );
            let magic: &[u8] = if *kind == PDF { b"%PDF" } else { b"PK" };
            assert!(d.bytes.starts_with(magic), "{path}");
        }
        let stranger = t.login("perencana.lain").await;
        for (path, _) in &downloads {
            let d = download(&t, path, &stranger).await;
            assert_eq!(d.status, StatusCode::FORBIDDEN, "{path}");
        }
        for path in [
            format!("/organisasi/{id}/dokumen"),
            format!("/organisasi/{id}/unit/bidang-satu/pk/{YEAR}"),
        ] {
            assert_eq!(
                t.get(&path, Some(&stranger)).await.status,
                StatusCode::FORBIDDEN
            );
            assert_eq!(t.get(&path, None).await.status, StatusCode::SEE_OTHER);
        }
    }
}
