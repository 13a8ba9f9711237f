//! The realisation workflow through HTTP: an operator fills, uploads evidence and submits; the
//! verifier returns with a reason (never without) and later verifies; every refused step (out
//! of scope, wrong role, wrong state, locked period, bad file, too large) changes nothing and
//! says why; closing a quarter locks it until a reopen request is approved; the inbox shows
//! each role what waits; the overview, periods and Rencana Aksi pages; the API does the same.

mod common;
mod measure_common;

use axum::http::{Method, StatusCode, header};
use chrono::Datelike;
use common::{Resp, Session, TestApp, setup, setups};
use measure_common::{EXE, PDF, PNG, api, api_json, multipart, page, prepare, token, upload};
use pokin_domain::capaian::Realisation;
use pokin_domain::measure::{IndicatorKey, MAX_EVIDENCE_BYTES, Period, Status};
use pokin_domain::{Code, UnitKey};
use pokin_store::{AuditFilter, RealisationRecord, entity};
use serde_json::{Value, json};

fn ik(unit: &str, code: &str) -> IndicatorKey {
    IndicatorKey {
        unit: UnitKey::parse(unit).expect("key"),
        code: Code::parse(code).expect("code"),
    }
}

async fn record(t: &TestApp, unit: &str, code: &str, period: &str) -> Option<RealisationRecord> {
    t.store
        .realisation_at(
            t.org,
            &ik(unit, code),
            Period::parse(period).expect("period"),
        )
        .await
        .expect("read")
}

fn location(r: &Resp) -> String {
    r.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().expect("location").to_owned())
        .unwrap_or_default()
}

/// Posts and expects the redirect back to the page with `?pesan=code`.
async fn post_ok(t: &TestApp, s: &Session, path: &str, form: &[(&str, &str)], code: &str) {
    let r = t.post(path, Some(s), form, Some(&s.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
    assert!(
        location(&r).ends_with(&format!("pesan={code}")),
        "{}",
        location(&r)
    );
}

/// Posts, expects `status`, and checks that nothing was written (audit log and record).
async fn post_refused(
    t: &TestApp,
    s: &Session,
    path: &str,
    form: &[(&str, &str)],
    status: StatusCode,
    watch: (&str, &str, &str),
) -> Resp {
    let count = t.audit_count().await;
    let before = record(t, watch.0, watch.1, watch.2).await;
    let r = t.post(path, Some(s), form, Some(&s.csrf)).await;
    assert_eq!(r.status, status, "{path}: {}", r.body);
    assert_eq!(t.audit_count().await, count, "{path}: nothing audited");
    assert_eq!(
        record(t, watch.0, watch.1, watch.2).await,
        before,
        "{path}: realisation unchanged"
    );
    r
}

const TW2: &str = "2026-tw2";

#[tokio::test]
async fn operator_fills_uploads_submits_and_verifier_returns_then_verifies() {
    for t in setups().await {
        prepare(&t).await;
        let op = t.login("operator").await;
        let ver = t.login("verifikator").await;
        let url = page(&t, "bidang-satu", "IK1", TW2);
        let watch = ("bidang-satu", "IK1", TW2);

        // The empty page: the form with its hooks, the target, the status.
        let r = t.get(&url, Some(&op)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for hook in [
            "id=\"f-nilai\"",
            "autofocus",
            "id=\"f-kendala\"",
            "id=\"f-solusi\"",
            "id=\"f-pendorong\"",
            "id=\"btn-simpan\"",
            "id=\"f-bukti\"",
            "data-status=\"kosong\"",
            "Belum diisi",
            "100 dokumen",
            &format!("/organisasi/{}/indikator/bidang-satu/IK1\"", t.org),
            "2026-tw1",
            "2026-tw3",
        ] {
            assert!(r.body.contains(hook), "{hook}");
        }
        assert!(!r.body.contains("id=\"btn-ajukan\""));

        // Bad input: 422 with the message at the field; nothing written.
        let r = post_refused(
            &t,
            &op,
            &url,
            &[("nilai", "12,3,4"), ("kendala", "x")],
            StatusCode::UNPROCESSABLE_ENTITY,
            watch,
        )
        .await;
        assert!(r.body.contains("id=\"e-nilai\""), "{}", r.body);
        assert!(r.body.contains("12,3,4"), "the input is kept");

        // Save a draft.
        post_ok(
            &t,
            &op,
            &url,
            &[
                ("nilai", "1.250,5"),
                ("kendala", "Server lambat"),
                ("solusi", "Tambah kapasitas"),
                ("pendorong", "Dukungan pimpinan"),
            ],
            "disimpan",
        )
        .await;
        let rec = record(&t, "bidang-satu", "IK1", TW2).await.expect("saved");
        assert_eq!(rec.status, Status::Draft);
        assert_eq!(rec.input.value, Some(Realisation::Number(1250.5)));
        assert_eq!(rec.input.kendala.as_deref(), Some("Server lambat"));

        // Evidence: a real PDF.
        let r = upload(
            &t,
            &op,
            &format!("{url}/bukti"),
            multipart("laporan tw2.pdf", PDF, &[]),
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let rec = record(&t, "bidang-satu", "IK1", TW2).await.expect("rec");
        assert_eq!(rec.evidence.len(), 1);
        let evidence = &rec.evidence[0];
        assert_eq!(evidence.file_name, "laporan tw2.pdf");

        // Anyone of the organisation downloads it, as an attachment that is never sniffed.
        let pim = t.login("pimpinan").await;
        let r = t
            .get(
                &format!("/organisasi/{}/bukti/{}", t.org, evidence.id),
                Some(&pim),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
        let cd = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(cd.starts_with("attachment;"), "{cd}");
        assert!(cd.contains("filename*=UTF-8''laporan%20tw2.pdf"), "{cd}");
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(r.headers[header::CACHE_CONTROL], "private");
        assert_eq!(r.body.as_bytes(), PDF);
        // Another organisation's user cannot.
        let other = t.login("perencana.lain").await;
        let r = t
            .get(
                &format!("/organisasi/{}/bukti/{}", t.org, evidence.id),
                Some(&other),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // An operator of another unit and a pimpinan are refused (403) and change nothing.
        let outside = t.login("operator.sekretariat").await;
        for (path, form) in [
            (url.clone(), vec![("nilai", "1")]),
            (format!("{url}/ajukan"), vec![]),
        ] {
            let r = post_refused(&t, &outside, &path, &form, StatusCode::FORBIDDEN, watch).await;
            assert!(r.body.contains("di luar lingkup"), "{}", r.body);
        }
        let count = t.audit_count().await;
        let r = upload(
            &t,
            &outside,
            &format!("{url}/bukti"),
            multipart("x.pdf", PDF, &[]),
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t
            .post(
                &format!("/organisasi/{}/bukti/{}/hapus", t.org, evidence.id),
                Some(&outside),
                &[],
                Some(&outside.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(t.audit_count().await, count);
        let r = post_refused(
            &t,
            &pim,
            &url,
            &[("nilai", "1")],
            StatusCode::FORBIDDEN,
            watch,
        )
        .await;
        assert!(r.body.contains("Pimpinan"), "{}", r.body);
        // Read-only view for them.
        let r = t.get(&url, Some(&outside)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("id=\"hanya-baca\""));
        assert!(!r.body.contains("id=\"f-nilai\""));
        assert!(r.body.contains("Server lambat"));

        // The verifier cannot verify a draft (409).
        post_refused(
            &t,
            &ver,
            &format!("{url}/verifikasi"),
            &[],
            StatusCode::CONFLICT,
            watch,
        )
        .await;

        // Submit.
        let r = t.get(&url, Some(&op)).await;
        assert!(r.body.contains("id=\"btn-ajukan\""));
        post_ok(&t, &op, &format!("{url}/ajukan"), &[], "diajukan").await;
        let rec = record(&t, "bidang-satu", "IK1", TW2).await.expect("rec");
        assert_eq!(rec.status, Status::Diajukan);
        // Submitted: the operator can no longer change it.
        post_refused(
            &t,
            &op,
            &url,
            &[("nilai", "2")],
            StatusCode::CONFLICT,
            watch,
        )
        .await;
        post_refused(
            &t,
            &op,
            &format!("{url}/verifikasi"),
            &[],
            StatusCode::FORBIDDEN,
            watch,
        )
        .await;

        // The verifier sees the buttons; returning without a reason is refused at the field.
        let r = t.get(&url, Some(&ver)).await;
        for hook in [
            "id=\"btn-verifikasi\"",
            "id=\"btn-kembalikan\"",
            "id=\"f-alasan\"",
        ] {
            assert!(r.body.contains(hook), "{hook}");
        }
        let r = post_refused(
            &t,
            &ver,
            &format!("{url}/kembalikan"),
            &[("alasan", "   ")],
            StatusCode::UNPROCESSABLE_ENTITY,
            watch,
        )
        .await;
        assert!(r.body.contains("id=\"e-alasan\""), "{}", r.body);
        post_ok(
            &t,
            &ver,
            &format!("{url}/kembalikan"),
            &[("alasan", "Bukti belum memuat daftar hadir")],
            "dikembalikan",
        )
        .await;
        let rec = record(&t, "bidang-satu", "IK1", TW2).await.expect("rec");
        assert_eq!(rec.status, Status::Dikembalikan);
        let r = t.get(&url, Some(&op)).await;
        assert!(r.body.contains("id=\"alasan-pengembalian\""));
        assert!(r.body.contains("Bukti belum memuat daftar hadir"));
        assert!(r.body.contains("data-status=\"dikembalikan\""));

        // The operator corrects (a second file too) and resubmits; the verifier verifies.
        post_ok(
            &t,
            &op,
            &url,
            &[("nilai", "1300"), ("kendala", "Server lambat")],
            "disimpan",
        )
        .await;
        let r = upload(
            &t,
            &op,
            &format!("{url}/bukti"),
            multipart("daftar-hadir.png", PNG, &[]),
            false,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        post_ok(&t, &op, &format!("{url}/ajukan"), &[], "diajukan").await;
        post_ok(&t, &ver, &format!("{url}/verifikasi"), &[], "diverifikasi").await;
        let rec = record(&t, "bidang-satu", "IK1", TW2).await.expect("rec");
        assert_eq!(rec.status, Status::Diverifikasi);
        assert_eq!(rec.input.value, Some(Realisation::Number(1300.0)));
        assert_eq!(rec.evidence.len(), 2);
        assert_eq!(rec.return_reason, None);
        // Verified: evidence can no longer be removed.
        let r = t
            .post(
                &format!("/organisasi/{}/bukti/{}/hapus", t.org, rec.evidence[0].id),
                Some(&op),
                &[],
                Some(&op.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

        // The audit log holds each step, and the page shows the history.
        let log = t
            .store
            .audit_log(&AuditFilter {
                org_id: Some(t.org),
                entity: Some(entity::REALISATION.into()),
                entity_id: Some(rec.id),
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        let actors: Vec<&str> = log.iter().rev().map(|r| r.actor.as_str()).collect();
        assert_eq!(
            actors,
            [
                "operator",
                "operator",
                "verifikator",
                "operator",
                "operator",
                "verifikator"
            ],
            "create, submit, return, update, submit, verify"
        );
        let evidence_log = t
            .store
            .audit_log(&AuditFilter {
                org_id: Some(t.org),
                entity: Some(entity::EVIDENCE.into()),
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert_eq!(evidence_log.len(), 2);
        // The audit page's unit filter finds the unit's measurement records, and only its.
        let pl = t.login("perencana").await;
        let mine = t
            .get(&format!("/audit?org={}&unit=bidang-satu", t.org), Some(&pl))
            .await;
        assert_eq!(mine.status, StatusCode::OK);
        // Entries read `<badge>action</span> entity id` (the filter's options name them too).
        assert!(
            mine.body.contains("</span> realisasi ") && mine.body.contains("</span> bukti dukung ")
        );
        let other = t
            .get(&format!("/audit?org={}&unit=sekretariat", t.org), Some(&pl))
            .await;
        assert!(
            !other.body.contains("</span> bukti dukung "),
            "{}",
            other.body
        );
        assert!(!other.body.contains("</span> realisasi "), "{}", other.body);
        let r = t.get(&url, Some(&pim)).await;
        for text in [
            "Diajukan untuk verifikasi",
            "Dikembalikan",
            "Alasan: Bukti belum memuat daftar hadir",
            "Diverifikasi",
            "data-status=\"diverifikasi\"",
        ] {
            assert!(r.body.contains(text), "{text}");
        }
    }
}

#[tokio::test]
async fn evidence_files_are_checked_by_content_name_and_size() {
    let t = setup().await;
    prepare(&t).await;
    let op = t.login("operator").await;
    let url = page(&t, "bidang-satu", "IK1", TW2);
    let watch = ("bidang-satu", "IK1", TW2);

    // An executable named .pdf: refused, and no draft is created for it.
    let count = t.audit_count().await;
    let r = upload(
        &t,
        &op,
        &format!("{url}/bukti"),
        multipart("laporan.pdf", EXE, &[]),
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"e-bukti\""), "{}", r.body);
    assert!(r.body.contains("dikenali dari isinya"), "{}", r.body);
    assert_eq!(t.audit_count().await, count);
    assert!(record(&t, watch.0, watch.1, watch.2).await.is_none());

    // Path separators and control characters are taken out of the name.
    for (name, data, kept) in [
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("..\\..\\laporan.png", PNG, "laporan.png"),
        ("C:\\Users\\x\\foto;'<>.png", PNG, "foto.png"),
    ] {
        let r = upload(
            &t,
            &op,
            &format!("{url}/bukti"),
            multipart(name, data, &[]),
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
        let rec = record(&t, watch.0, watch.1, watch.2).await.expect("draft");
        assert!(
            rec.evidence.iter().any(|e| e.file_name == kept),
            "{name} → {:?}",
            rec.evidence
                .iter()
                .map(|e| &e.file_name)
                .collect::<Vec<_>>()
        );
    }
    // A NUL or another control character never reaches the stored name: the upload is refused
    // as unreadable (the multipart parser rejects such a header) or the name is cleaned.
    for name in ["a\0b.pdf", "foto\u{1}\u{7}.pdf"] {
        let r = upload(
            &t,
            &op,
            &format!("{url}/bukti"),
            multipart(name, PDF, &[]),
            true,
        )
        .await;
        assert!(
            matches!(
                r.status,
                StatusCode::SEE_OTHER | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{}",
            r.status
        );
    }
    let rec = record(&t, watch.0, watch.1, watch.2).await.expect("draft");
    assert!(
        rec.evidence
            .iter()
            .all(|e| !e.file_name.chars().any(char::is_control))
    );
    assert!(rec.evidence.iter().all(|e| !e.file_name.contains('/')));

    // Too large: refused from the declared length, and while streaming without it.
    let big = vec![b'%'; MAX_EVIDENCE_BYTES + 1];
    let mut pdf_big = b"%PDF-1.4\n".to_vec();
    pdf_big.extend_from_slice(&big);
    let count = t.audit_count().await;
    for declared in [true, false] {
        let r = upload(
            &t,
            &op,
            &format!("{url}/bukti"),
            multipart("besar.pdf", &pdf_big, &[]),
            declared,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "declared {declared}"
        );
        assert!(r.body.contains("terlalu besar"), "{}", r.body);
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
    assert_eq!(t.audit_count().await, count);

    // Without the CSRF token in the query: refused before anything is read.
    let r = t
        .send(
            axum::http::Request::post(format!("{url}/bukti"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={}", measure_common::BOUNDARY),
                )
                .header(header::COOKIE, format!("pokin_sesi={}", op.cookie))
                .body(axum::body::Body::from(multipart("x.pdf", PDF, &[])))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count().await, count);

    // Deleting one of the files of a draft.
    let rec = record(&t, watch.0, watch.1, watch.2).await.expect("draft");
    let n = rec.evidence.len();
    let r = t
        .post(
            &format!("/organisasi/{}/bukti/{}/hapus", t.org, rec.evidence[0].id),
            Some(&op),
            &[],
            Some(&op.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).ends_with("pesan=bukti-dihapus"));
    let rec = record(&t, watch.0, watch.1, watch.2).await.expect("draft");
    assert_eq!(rec.evidence.len(), n - 1);
}

#[tokio::test]
async fn qualitative_and_monthly_indicators() {
    let t = setup().await;
    prepare(&t).await;
    let op = t.login("operator").await;
    // A qualitative target takes text.
    let url = page(&t, "bidang-satu", "IK2", TW2);
    let r = t.get(&url, Some(&op)).await;
    assert!(r.body.contains("kualitatif"), "{}", r.body);
    post_ok(&t, &op, &url, &[("nilai", "WTP")], "disimpan").await;
    assert_eq!(
        record(&t, "bidang-satu", "IK2", TW2)
            .await
            .unwrap()
            .input
            .value,
        Some(Realisation::Qualitative("WTP".into()))
    );
    // A numeric target refuses text and ranges.
    let url = page(&t, "bidang-satu", "IK1", TW2);
    for bad in ["banyak", "80–90"] {
        let r = t
            .post(&url, Some(&op), &[("nilai", bad)], Some(&op.csrf))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // A monthly indicator: months exist, quarters do not (and vice versa).
    let r = t
        .get(&page(&t, "bidang-satu", "IK3", "2026-m05"), Some(&op))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Mei 2026"));
    assert!(r.body.contains("2026-m04") && r.body.contains("2026-m06"));
    let r = t.get(&page(&t, "bidang-satu", "IK3", TW2), Some(&op)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .get(&page(&t, "bidang-satu", "IK1", "2026-m05"), Some(&op))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for bad in ["2026-tw5", "kemarin"] {
        let r = t.get(&page(&t, "bidang-satu", "IK1", bad), Some(&op)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    let r = t.get(&page(&t, "bidang-satu", "IK9", TW2), Some(&op)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The first and last Renstra periods have no link beyond the Renstra.
    let r = t
        .get(&page(&t, "bidang-satu", "IK1", "2025-tw1"), Some(&op))
        .await;
    assert!(!r.body.contains("id=\"periode-sebelumnya\""));
    let r = t
        .get(&page(&t, "bidang-satu", "IK1", "2029-tw4"), Some(&op))
        .await;
    assert!(!r.body.contains("id=\"periode-berikutnya\""));
}

#[tokio::test]
async fn closing_a_quarter_locks_it_until_a_reopen_request_is_approved() {
    for t in setups().await {
        prepare(&t).await;
        let op = t.login("operator").await;
        let ver = t.login("verifikator").await;
        let per = t.login("perencana").await;
        let tw1 = "2026-tw1";
        let url = page(&t, "bidang-satu", "IK1", tw1);
        let url2 = page(&t, "bidang-satu", "IK2", tw1);
        let watch = ("bidang-satu", "IK1", tw1);
        post_ok(&t, &op, &url, &[("nilai", "20")], "disimpan").await;
        post_ok(&t, &op, &format!("{url}/ajukan"), &[], "diajukan").await;
        post_ok(&t, &ver, &format!("{url}/verifikasi"), &[], "diverifikasi").await;
        post_ok(&t, &op, &url2, &[("nilai", "WTP")], "disimpan").await;

        // The periods page warns about what is not verified.
        let r = t
            .get(&format!("/organisasi/{}/periode", t.org), Some(&per))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("id=\"btn-tutup-2026-1\""));
        assert!(
            r.body.contains("Peringatan: 1 belum diverifikasi"),
            "{}",
            r.body
        );
        let close = format!("/organisasi/{}/periode/2026/1/tutup", t.org);
        for who in [
            "operator",
            "verifikator",
            "perencana.sekretariat",
            "pimpinan",
        ] {
            let s = t.login(who).await;
            post_refused(&t, &s, &close, &[], StatusCode::FORBIDDEN, watch).await;
        }
        let r = t.post(&close, Some(&per), &[], Some(&per.csrf)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let closed = t.store.closed_periods(t.org).await.unwrap();
        assert_eq!((closed[0].year, closed[0].quarter), (2026, 1));
        assert_eq!(closed[0].closed_by, "perencana");
        let r = post_refused(&t, &per, &close, &[], StatusCode::CONFLICT, watch).await;
        assert!(r.body.contains("ditutup"), "{}", r.body);
        let r = t
            .get(&format!("/organisasi/{}/periode", t.org), Some(&per))
            .await;
        assert!(r.body.contains("data-closed=\"true\""));

        // Locked: every change is refused.
        let rec = record(&t, "bidang-satu", "IK1", tw1).await.unwrap();
        assert!(rec.locked);
        let r = t.get(&url, Some(&op)).await;
        assert!(r.body.contains("id=\"status-terkunci\""));
        assert!(!r.body.contains("id=\"f-nilai\""));
        assert!(r.body.contains("id=\"btn-buka-kembali\""));
        post_refused(
            &t,
            &op,
            &url,
            &[("nilai", "25")],
            StatusCode::CONFLICT,
            watch,
        )
        .await;
        let w2 = ("bidang-satu", "IK2", tw1);
        post_refused(
            &t,
            &op,
            &url2,
            &[("nilai", "WDP")],
            StatusCode::CONFLICT,
            w2,
        )
        .await;
        post_refused(
            &t,
            &op,
            &format!("{url2}/ajukan"),
            &[],
            StatusCode::CONFLICT,
            w2,
        )
        .await;
        let count = t.audit_count().await;
        let r = upload(
            &t,
            &op,
            &format!("{url}/bukti"),
            multipart("x.pdf", PDF, &[]),
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(t.audit_count().await, count);
        // A month of the quarter is locked too, even with nothing entered yet.
        let m = page(&t, "bidang-satu", "IK3", "2026-m02");
        post_refused(
            &t,
            &op,
            &m,
            &[("nilai", "90")],
            StatusCode::CONFLICT,
            ("bidang-satu", "IK3", "2026-m02"),
        )
        .await;

        // Reopen request: the reason is required; once only.
        let r = post_refused(
            &t,
            &op,
            &format!("{url}/buka-kembali"),
            &[("alasan", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
            watch,
        )
        .await;
        assert!(r.body.contains("id=\"e-alasan-buka\""), "{}", r.body);
        post_ok(
            &t,
            &op,
            &format!("{url}/buka-kembali"),
            &[("alasan", "Salah ketik: seharusnya 25")],
            "buka-diminta",
        )
        .await;
        post_refused(
            &t,
            &op,
            &format!("{url}/buka-kembali"),
            &[("alasan", "lagi")],
            StatusCode::CONFLICT,
            watch,
        )
        .await;
        let waiting = t.store.reopen_requests(t.org, true).await.unwrap();
        assert_eq!(waiting.len(), 1);
        let rid = waiting[0].id;
        let r = t.get(&url, Some(&op)).await;
        assert!(r.body.contains("id=\"permintaan-menunggu\""));

        // The perencana decides: refusing needs a note; others may not decide.
        let approve = format!("/organisasi/{}/periode/buka-kembali/{rid}/setujui", t.org);
        let refuse = format!("/organisasi/{}/periode/buka-kembali/{rid}/tolak", t.org);
        let r = t
            .get(&format!("/organisasi/{}/periode", t.org), Some(&per))
            .await;
        assert!(r.body.contains(&format!("id=\"btn-setujui-{rid}\"")));
        assert!(r.body.contains("Salah ketik: seharusnya 25"));
        for who in ["operator", "verifikator", "perencana.sekretariat"] {
            let s = t.login(who).await;
            post_refused(&t, &s, &approve, &[], StatusCode::FORBIDDEN, watch).await;
        }
        let r = post_refused(
            &t,
            &per,
            &refuse,
            &[("catatan", " ")],
            StatusCode::UNPROCESSABLE_ENTITY,
            watch,
        )
        .await;
        assert!(
            r.body.contains(&format!("id=\"e-catatan-{rid}\"")),
            "{}",
            r.body
        );
        let r = t.post(&approve, Some(&per), &[], Some(&per.csrf)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        post_refused(&t, &per, &approve, &[], StatusCode::CONFLICT, watch).await;

        // Reopened: the operator corrects and resubmits; once verified it is locked again.
        let rec = record(&t, "bidang-satu", "IK1", tw1).await.unwrap();
        assert!(!rec.locked && rec.reopened);
        post_ok(&t, &op, &url, &[("nilai", "25")], "disimpan").await;
        post_ok(&t, &op, &format!("{url}/ajukan"), &[], "diajukan").await;
        post_ok(&t, &ver, &format!("{url}/verifikasi"), &[], "diverifikasi").await;
        let rec = record(&t, "bidang-satu", "IK1", tw1).await.unwrap();
        assert_eq!(rec.input.value, Some(Realisation::Number(25.0)));
        assert!(rec.locked);
        // The other realisation of the quarter stayed locked all along.
        assert!(record(&t, "bidang-satu", "IK2", tw1).await.unwrap().locked);
    }
}

/// The `data-task` kinds listed on `/tugas`, and the badge count (which must agree).
async fn inbox(t: &TestApp, who: &str) -> (Vec<String>, String) {
    let s = t.login(who).await;
    let r = t.get("/tugas", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items: Vec<String> = r
        .body
        .split("data-task=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect();
    let c = t.get("/tugas/jumlah", Some(&s)).await;
    assert_eq!(c.status, StatusCode::OK);
    assert!(
        c.body.contains(&format!("data-count=\"{}\"", items.len())),
        "{who}: {} vs {}",
        c.body,
        items.len()
    );
    (items, r.body)
}

fn count(items: &[String], kind: &str) -> usize {
    items.iter().filter(|k| *k == kind).count()
}

#[tokio::test]
async fn the_inbox_shows_each_role_what_waits() {
    let t = setup().await;
    prepare(&t).await;
    let today = chrono::Local::now().date_naive();
    let year = today.year();
    let current_q = today.month0() / 3 + 1;
    // The open period is TW I of this year (nothing closed): the operator of bidang-satu has
    // IK1 and IK2 (quarterly) and IK3's months of TW I that have begun.
    let months = if current_q == 1 { today.month() } else { 3 } as usize;
    let (items, body) = inbox(&t, "operator").await;
    assert_eq!(count(&items, "belum-diisi"), 2 + months, "{body}");
    assert!(body.contains(&format!("IK1 · TW I {year} — Bidang Satu")));
    assert!(body.contains(&format!("bidang-satu/IK1/realisasi/{year}-tw1\"")));
    assert!(!body.contains("sekretariat/IK1"), "out of scope");
    let (items, _) = inbox(&t, "operator.sekretariat").await;
    assert_eq!(count(&items, "belum-diisi"), 1);

    // A draft leaves "belum diisi" for "draf"; submitted, it waits for the verifier.
    let op = t.login("operator").await;
    let ver = t.login("verifikator").await;
    let url = page(&t, "bidang-satu", "IK1", &format!("{year}-tw1"));
    post_ok(&t, &op, &url, &[("nilai", "10")], "disimpan").await;
    let (items, _) = inbox(&t, "operator").await;
    assert_eq!(count(&items, "belum-diisi"), 1 + months);
    assert_eq!(count(&items, "draf"), 1);
    let (items, body) = inbox(&t, "verifikator").await;
    assert!(items.is_empty(), "{body}");
    assert!(body.contains("id=\"tugas-kosong\""));
    post_ok(&t, &op, &format!("{url}/ajukan"), &[], "diajukan").await;
    let (items, _) = inbox(&t, "operator").await;
    assert_eq!(count(&items, "draf"), 0);
    let (items, _) = inbox(&t, "verifikator").await;
    assert_eq!(items, ["diajukan"]);
    let (items, _) = inbox(&t, "verifikator.sekretariat").await;
    assert!(items.is_empty(), "out of scope");
    // Returned: back to the operator, with the reason.
    post_ok(
        &t,
        &ver,
        &format!("{url}/kembalikan"),
        &[("alasan", "Lampirkan SK")],
        "dikembalikan",
    )
    .await;
    let (items, body) = inbox(&t, "operator").await;
    assert_eq!(count(&items, "dikembalikan"), 1);
    assert!(body.contains("Alasan: Lampirkan SK"));
    let (items, _) = inbox(&t, "verifikator").await;
    assert!(items.is_empty());

    // The perencana: quarters that ended but are not closed, and reopen requests.
    let ended = (2025..=year)
        .flat_map(|y| (1..=4u32).map(move |q| (y, q)))
        .filter(|(y, q)| {
            let next = if *q == 4 {
                chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                chrono::NaiveDate::from_ymd_opt(*y, q * 3 + 1, 1)
            };
            today >= next.unwrap()
        })
        .count();
    let (items, _) = inbox(&t, "perencana").await;
    assert_eq!(count(&items, "tutup-periode"), ended);
    assert_eq!(count(&items, "buka-kembali"), 0);
    let (items, body) = inbox(&t, "pimpinan").await;
    assert!(items.is_empty());
    assert!(body.contains("Tidak ada yang menunggu"));
    // The nav links to the inbox and loads its count.
    let r = t.get("/tugas", Some(&op)).await;
    assert!(r.body.contains("hx-get=\"/tugas/jumlah\""));
}

#[tokio::test]
async fn rencana_aksi_targets_and_the_cumulative_hint() {
    let t = setup().await;
    prepare(&t).await;
    let per = t.login("perencana").await;
    let url = format!(
        "/organisasi/{}/indikator/bidang-satu/IK1/rencana-aksi/2026",
        t.org
    );
    let r = t.get(&url, Some(&per)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for hook in [
        "id=\"f-p1\"",
        "id=\"f-p4\"",
        "100 dokumen",
        "id=\"btn-simpan-target\"",
    ] {
        assert!(r.body.contains(hook), "{hook}");
    }
    let count = t.audit_count().await;
    let r = t
        .post(
            &url,
            Some(&per),
            &[("p1", "25"), ("p2", "90–80"), ("p3", "25"), ("p4", "")],
            Some(&per.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-p2\""), "{}", r.body);
    assert_eq!(t.audit_count().await, count);
    let r = t
        .post(
            &url,
            Some(&per),
            &[("p1", "25"), ("p2", "25"), ("p3", "25"), ("p4", "20")],
            Some(&per.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = t.store.period_targets(t.org, 2026).await.unwrap();
    assert_eq!(stored.len(), 4);
    let r = t.get(&url, Some(&per)).await;
    assert!(r.body.contains("data-matches=\"false\""), "{}", r.body);
    assert!(r.body.contains("95 dokumen"));
    // The realisation page shows the period's target.
    let op = t.login("operator").await;
    let r = t
        .get(&page(&t, "bidang-satu", "IK1", "2026-tw4"), Some(&op))
        .await;
    assert!(r.body.contains("20 dokumen"), "{}", r.body);
    // Operators, pimpinan and a perencana of another subtree may not set targets.
    for who in ["operator", "pimpinan", "perencana.sekretariat"] {
        let s = t.login(who).await;
        let count = t.audit_count().await;
        let r = t.post(&url, Some(&s), &[("p1", "1")], Some(&s.csrf)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(t.audit_count().await, count);
    }
    // Outside the Renstra period.
    let r = t
        .post(
            &url.replace("2026", "2031"),
            Some(&per),
            &[("p1", "1")],
            Some(&per.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_overview_shows_every_indicator_and_period_with_its_status() {
    let t = setup().await;
    prepare(&t).await;
    let op = t.login("operator").await;
    post_ok(
        &t,
        &op,
        &page(&t, "bidang-satu", "IK1", TW2),
        &[("nilai", "7")],
        "disimpan",
    )
    .await;
    let pim = t.login("pimpinan").await;
    let base = format!("/organisasi/{}/realisasi", t.org);
    let r = t.get(&format!("{base}?tahun=2026"), Some(&pim)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("class=\"table-wrap\""));
    assert!(
        r.body
            .contains(&format!("{}/realisasi/2026-tw2", "bidang-satu/IK1"))
    );
    assert!(r.body.contains("data-status=\"draft\""));
    assert!(r.body.contains("Draf"));
    assert!(r.body.contains("2026-m12"), "monthly cells");
    assert!(r.body.contains("id=\"unit-sekretariat\""));
    // Filtered by unit: only that subtree.
    let r = t
        .get(&format!("{base}?tahun=2026&unit=bidang-satu"), Some(&pim))
        .await;
    assert!(!r.body.contains("id=\"unit-sekretariat\""));
    assert!(r.body.contains("id=\"unit-bidang-satu\""));
    // Defaults to this year and the whole organisation.
    let r = t.get(&base, Some(&pim)).await;
    assert_eq!(r.status, StatusCode::OK);
    let year = chrono::Local::now().year();
    assert!(r.body.contains(&format!("Realisasi {year}")));
    // Bad filters and other organisations.
    assert_eq!(
        t.get(&format!("{base}?unit=tidak-ada"), Some(&pim))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        t.get(&format!("{base}?tahun=abc"), Some(&pim)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let other = t.login("perencana.lain").await;
    assert_eq!(
        t.get(&base, Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    // `/realisasi` leads to one's own organisation.
    let r = t.get("/realisasi", Some(&pim)).await;
    assert_eq!(location(&r), base);
}

#[tokio::test]
async fn the_api_does_what_the_pages_do() {
    for t in setups().await {
        prepare(&t).await;
        let op = token(&t, "operator").await;
        let ver = token(&t, "verifikator").await;
        let outside = token(&t, "operator.sekretariat").await;
        let per = token(&t, "perencana").await;
        let base = format!(
            "/api/v1/organisations/{}/realisasi/bidang-satu/IK1/{TW2}",
            t.org
        );
        // Nothing yet.
        let r = api(&t, Method::GET, &base, &op, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["realisation"], Value::Null);
        assert_eq!(v["target_year"], "100");
        // Save (a JSON number is a number, never thousands).
        let r = api_json(
            &t,
            Method::PUT,
            &base,
            &op,
            json!({"nilai": 1.125, "kendala": "k"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["realisation"]["status"], "draft");
        assert_eq!(v["realisation"]["nilai"], 1.125);
        let r = api_json(&t, Method::PUT, &base, &op, json!({"nilai": "1.250,5"})).await;
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["realisation"]["nilai"], 1250.5);
        // Bad input, out of scope: JSON errors, nothing changed (after the token's first use,
        // which records its "last used").
        api(&t, Method::GET, &base, &outside, None).await;
        let count = t.audit_count().await;
        let r = api_json(&t, Method::PUT, &base, &op, json!({"nilai": "x,y"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(v["fields"]["nilai"].is_string(), "{v}");
        let r = api_json(&t, Method::PUT, &base, &outside, json!({"nilai": "1"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["error"],
            "forbidden"
        );
        let r = api(&t, Method::POST, &format!("{base}/ajukan"), &outside, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(t.audit_count().await, count);
        // Evidence.
        let r = api(
            &t,
            Method::POST,
            &format!("{base}/bukti"),
            &op,
            Some((
                &format!("multipart/form-data; boundary={}", measure_common::BOUNDARY),
                multipart("bukti.png", PNG, &[]),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let e: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(e["kind"], "png");
        let r = api(&t, Method::GET, e["url"].as_str().unwrap(), &ver, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers[header::CONTENT_TYPE], "image/png");
        assert!(
            r.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let r = api(
            &t,
            Method::POST,
            &format!("{base}/bukti"),
            &op,
            Some((
                &format!("multipart/form-data; boundary={}", measure_common::BOUNDARY),
                multipart("laporan.pdf", EXE, &[]),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        // The workflow.
        let r = api(&t, Method::POST, &format!("{base}/ajukan"), &op, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["status"],
            "diajukan"
        );
        let r = api(&t, Method::POST, &format!("{base}/verifikasi"), &op, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = api_json(
            &t,
            Method::POST,
            &format!("{base}/kembalikan"),
            &ver,
            json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(v["fields"]["alasan"].is_string(), "{v}");
        let r = api_json(
            &t,
            Method::POST,
            &format!("{base}/kembalikan"),
            &ver,
            json!({"alasan": "kurang bukti"}),
        )
        .await;
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["status"],
            "dikembalikan"
        );
        let r = api(&t, Method::POST, &format!("{base}/verifikasi"), &ver, None).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["error"],
            "conflict"
        );
        let r = api(&t, Method::POST, &format!("{base}/lompat"), &ver, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = api(&t, Method::POST, &format!("{base}/ajukan"), &op, None).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = api(&t, Method::POST, &format!("{base}/verifikasi"), &ver, None).await;
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["status"],
            "diverifikasi"
        );
        let r = api(&t, Method::GET, &base, &op, None).await;
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["realisation"]["status"], "diverifikasi");
        assert_eq!(v["realisation"]["evidence"].as_array().unwrap().len(), 1);

        // Rencana Aksi.
        let ra = format!(
            "/api/v1/organisations/{}/rencana-aksi/bidang-satu/IK1/2026",
            t.org
        );
        let r = api_json(
            &t,
            Method::PUT,
            &ra,
            &per,
            json!({"targets": {"1": 25, "2": "25", "3": "25,5", "4": null}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["targets"]["3"], "25,5");
        assert_eq!(v["targets"]["4"], Value::Null);
        let r = api_json(&t, Method::PUT, &ra, &op, json!({"targets": {"1": 1}})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = api(&t, Method::GET, &ra, &op, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["targets"]["1"],
            "25"
        );

        // The OpenAPI document lists the endpoints.
        let r = t.get("/api/openapi.json", None).await;
        for p in [
            "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}",
            "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/{action}",
            "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/bukti",
            "/api/v1/organisations/{id}/bukti/{evidence_id}",
            "/api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}",
        ] {
            assert!(r.body.contains(p), "{p}");
        }
    }
}
