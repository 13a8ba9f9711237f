//! The bulk workbook through HTTP: download the template, upload a filled one, see every change,
//! apply it atomically; a bad workbook lists every bad cell and applies nothing; changes outside
//! the user's scope are refused naming the cells; previews belong to their session.

mod common;
mod measure_common;

use axum::http::{StatusCode, header};
use common::{Resp, Session, TestApp, setup, setups};
use measure_common::{multipart, prepare, upload};
use pokin_domain::capaian::Realisation;
use pokin_domain::measure::{IndicatorKey, Period, Status};
use pokin_domain::{Code, TargetValue, UnitKey};
use pokin_import::xlsx::{CellState, WorkbookData};
use std::collections::HashMap;

fn ik(unit: &str, code: &str) -> IndicatorKey {
    IndicatorKey {
        unit: UnitKey::parse(unit).expect("key"),
        code: Code::parse(code).expect("code"),
    }
}

fn location(r: &Resp) -> String {
    r.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().expect("location").to_owned())
        .unwrap_or_default()
}

/// A workbook as a user fills it: the template of `year` with these values typed in.
async fn filled(
    t: &TestApp,
    targets: &[(&str, &str, Vec<Option<TargetValue>>)],
    realisations: &[(&str, &str, Vec<Option<Realisation>>)],
) -> Vec<u8> {
    let org = t.store.load_organisation(t.org).await.expect("org");
    let mut data = WorkbookData::new(&org, 2026, chrono::Local::now().date_naive());
    data.period_targets = targets
        .iter()
        .map(|(u, c, v)| (ik(u, c), v.clone()))
        .collect();
    data.realisations = realisations
        .iter()
        .map(|(u, c, v)| {
            (
                ik(u, c),
                v.iter()
                    .map(|x| {
                        Some(CellState {
                            value: x.clone(),
                            status: Status::Draft,
                            locked: false,
                        })
                    })
                    .collect(),
            )
        })
        .collect::<HashMap<_, _>>();
    pokin_import::xlsx::template(&data).expect("template")
}

fn unggah(t: &TestApp) -> String {
    format!("/organisasi/{}/lembar-kerja/unggah", t.org)
}

async fn send(t: &TestApp, s: &Session, bytes: &[u8]) -> Resp {
    upload(
        t,
        s,
        &unggah(t),
        multipart("isian.xlsx", bytes, &[("tahun", "2026")]),
        true,
    )
    .await
}

#[tokio::test]
async fn download_fill_preview_apply() {
    for t in setups().await {
        prepare(&t).await;
        let per = t.login("perencana").await;

        // The template.
        let r = t
            .get(
                &format!("/organisasi/{}/lembar-kerja?tahun=2026", t.org),
                Some(&per),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.headers[header::CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let cd = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(cd.starts_with("attachment"), "{cd}");
        assert!(cd.contains("filename=\"lembar-kerja-dinas-"), "{cd}");
        assert!(cd.ends_with("-uji-2026.xlsx\""), "{cd}");
        assert!(r.body.starts_with("PK"), "a ZIP (XLSX)");

        // The form.
        let r = t.get(&unggah(&t), Some(&per)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("id=\"form-lembar-kerja\""));
        assert!(r.body.contains("enctype=\"multipart/form-data\""));

        // An unchanged template changes nothing.
        let same = filled(&t, &[], &[]).await;
        let r = send(&t, &per, &same).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = t.get(&location(&r), Some(&per)).await;
        assert!(r.body.contains("id=\"tanpa-perubahan\""), "{}", r.body);

        // Filled: Rencana Aksi of IK1 and a realisation of IK1 TW I.
        let n = |v: f64| Some(TargetValue::Number(v));
        let bytes = filled(
            &t,
            &[(
                "bidang-satu",
                "IK1",
                vec![n(25.0), n(25.0), n(25.0), n(25.0)],
            )],
            &[("bidang-satu", "IK1", vec![Some(Realisation::Number(30.0))])],
        )
        .await;
        let count = t.audit_count().await;
        let r = send(&t, &per, &bytes).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let preview = location(&r);
        assert!(preview.starts_with(&format!("/organisasi/{}/lembar-kerja/", t.org)));
        let r = t.get(&preview, Some(&per)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("data-count=\"5\""), "{}", r.body);
        assert!(r.body.contains("Rencana Aksi TW I 2026"));
        assert!(r.body.contains("Realisasi TW I 2026"));
        assert!(r.body.contains("(kosong)"));
        assert!(r.body.contains("id=\"btn-terapkan\""));
        assert_eq!(t.audit_count().await, count, "nothing written by a preview");

        // Another session cannot apply it.
        let other = t.login("perencana").await;
        let r = t
            .post(
                &format!("{preview}/terapkan"),
                Some(&other),
                &[],
                Some(&other.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // (That login was audited.)
        let count = t.audit_count().await;

        // Apply: one audited transaction.
        let r = t
            .post(
                &format!("{preview}/terapkan"),
                Some(&per),
                &[],
                Some(&per.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(location(&r).contains("diterapkan=5"), "{}", location(&r));
        let r = t.get(&location(&r), Some(&per)).await;
        assert!(r.body.contains("5 nilai dari lembar kerja diterapkan"));
        assert_eq!(t.audit_count().await, count + 1);
        let targets = t.store.period_targets(t.org, 2026).await.unwrap();
        assert_eq!(targets.len(), 4);
        let rec = t
            .store
            .realisation_at(
                t.org,
                &ik("bidang-satu", "IK1"),
                Period::parse("2026-tw1").unwrap(),
            )
            .await
            .unwrap()
            .expect("realisation");
        assert_eq!(rec.input.value, Some(Realisation::Number(30.0)));
        assert_eq!(rec.status, Status::Draft);
        // Applied once: the preview is gone.
        let r = t
            .post(
                &format!("{preview}/terapkan"),
                Some(&per),
                &[],
                Some(&per.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_bad_workbook_lists_every_bad_cell_and_applies_nothing() {
    let t = setup().await;
    prepare(&t).await;
    let per = t.login("perencana").await;
    let count = t.audit_count().await;

    // Not a workbook at all.
    let r = send(&t, &per, b"bukan lembar kerja").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"sel-bermasalah\""));

    // Text where numbers are expected, in two cells.
    let q = |s: &str| Some(TargetValue::Qualitative(s.into()));
    let bytes = filled(
        &t,
        &[("bidang-satu", "IK1", vec![q("dua puluh"), None, None, None])],
        &[(
            "bidang-satu",
            "IK1",
            vec![Some(Realisation::Qualitative("8O".into()))],
        )],
    )
    .await;
    let r = send(&t, &per, &bytes).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("data-count=\"2\""), "{}", r.body);
    assert!(
        r.body.contains("data-cell=\"Rencana Aksi 2026!"),
        "{}",
        r.body
    );
    assert!(r.body.contains("data-cell=\"Realisasi 2026!"), "{}", r.body);
    assert!(r.body.contains("8O"));
    assert!(!r.body.contains("id=\"btn-terapkan\""));
    assert_eq!(t.audit_count().await, count);
    assert!(
        t.store
            .period_targets(t.org, 2026)
            .await
            .unwrap()
            .is_empty()
    );

    // Too large.
    let big = vec![0u8; pokin_web::routes::workbook::MAX_WORKBOOK_BYTES + 1];
    let r = send(&t, &per, &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // No file.
    let r = upload(
        &t,
        &per,
        &unggah(&t),
        multipart("", b"", &[("tahun", "2026")]),
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.audit_count().await, count);
}

#[tokio::test]
async fn changes_outside_the_scope_are_refused_naming_the_cells() {
    let t = setup().await;
    prepare(&t).await;
    let n = |v: f64| Some(TargetValue::Number(v));
    // The operator of bidang-satu: its realisations yes, targets no, sekretariat's no.
    let op = t.login("operator").await;
    let bytes = filled(
        &t,
        &[("bidang-satu", "IK1", vec![n(25.0), None, None, None])],
        &[
            ("bidang-satu", "IK1", vec![Some(Realisation::Number(3.0))]),
            ("sekretariat", "IK1", vec![Some(Realisation::Number(90.0))]),
        ],
    )
    .await;
    let count = t.audit_count().await;
    let r = send(&t, &op, &bytes).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("data-count=\"2\""), "{}", r.body);
    assert!(r.body.contains("bidang-satu IK1"), "{}", r.body);
    assert!(r.body.contains("sekretariat IK1"), "{}", r.body);
    assert_eq!(t.audit_count().await, count);
    // Only its own realisation: accepted.
    let bytes = filled(
        &t,
        &[],
        &[("bidang-satu", "IK1", vec![Some(Realisation::Number(3.0))])],
    )
    .await;
    let r = send(&t, &op, &bytes).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Cancelled: nothing written, the preview gone.
    let preview = location(&r);
    let r = t
        .post(&format!("{preview}/batal"), Some(&op), &[], Some(&op.csrf))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get(&preview, Some(&op)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.audit_count().await, count);
    // Roles that fill nothing may not upload.
    let pim = t.login("pimpinan").await;
    assert_eq!(
        t.get(&unggah(&t), Some(&pim)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = send(&t, &pim, &bytes).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A preview of one organisation is not reachable through another's address.
    let r = send(&t, &op, &bytes).await;
    let preview = location(&r);
    let admin = t.login("admin").await;
    let elsewhere = preview.replace(
        &format!("/organisasi/{}/", t.org),
        &format!("/organisasi/{}/", t.other_org),
    );
    assert_eq!(
        t.get(&elsewhere, Some(&op)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get(&preview, Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
}
