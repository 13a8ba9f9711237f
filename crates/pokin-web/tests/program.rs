//! Programs, kegiatan and sub kegiatan through HTTP: a perencana builds the hierarchy with a
//! pagu, the list rolls it up in rupiah; a renamed code carries its children; a refused delete,
//! bad amounts, and people outside the unit or the organisation change nothing and are told
//! why; an operator enters the realised budget and sees the serapan; everything is audited.

mod common;
mod measure_common;

use axum::http::{StatusCode, header};
use common::{Resp, Session, TestApp, setups};
use measure_common::prepare;
use pokin_domain::format;
use pokin_domain::program::{BudgetYear, Program, ProgramLevel};
use pokin_store::{AuditAction, AuditFilter, entity};
use std::collections::HashMap;

const PROG: &str = "2.18.01";
const KEG: &str = "2.18.01.2.01";
const SUB: &str = "2.18.01.2.01.0001";
const PAGU: &str = "1.250.000.000";

fn list(t: &TestApp, year: i32) -> String {
    format!("/organisasi/{}/program?tahun={year}", t.org)
}

fn new_path(t: &TestApp) -> String {
    format!("/organisasi/{}/program/baru", t.org)
}

fn edit_path(t: &TestApp, code: &str) -> String {
    format!("/organisasi/{}/program/{code}/ubah", t.org)
}

fn delete_path(t: &TestApp, code: &str) -> String {
    format!("/organisasi/{}/program/{code}/hapus", t.org)
}

fn spend_path(t: &TestApp, code: &str, year: i32) -> String {
    format!("/organisasi/{}/program/{code}/realisasi/{year}", t.org)
}

async fn programs(t: &TestApp) -> Vec<Program> {
    t.store
        .load_organisation(t.org)
        .await
        .expect("load")
        .programs
        .clone()
}

async fn spent(t: &TestApp, year: i32) -> HashMap<String, BudgetYear> {
    t.store
        .budget_realisations(t.org, year)
        .await
        .expect("budget")
}

fn location(r: &Resp) -> String {
    r.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().expect("location").to_owned())
        .unwrap_or_default()
}

async fn post_ok(t: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) {
    let r = t.post(path, Some(s), form, Some(&s.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
    assert!(location(&r).contains("pesan="), "{}", location(&r));
}

/// Posts, expects `status`, and checks that nothing changed (audit log, programs, budget).
async fn post_refused(
    t: &TestApp,
    s: &Session,
    path: &str,
    form: &[(&str, &str)],
    status: StatusCode,
) -> Resp {
    let count = t.audit_count().await;
    let before = programs(t).await;
    let budget = spent(t, 2026).await;
    let r = t.post(path, Some(s), form, Some(&s.csrf)).await;
    assert_eq!(r.status, status, "{path}: {}", r.body);
    assert_eq!(t.audit_count().await, count, "{path}: nothing audited");
    assert_eq!(programs(t).await, before, "{path}: programs unchanged");
    assert_eq!(spent(t, 2026).await, budget, "{path}: budget unchanged");
    r
}

/// The table row of an item (from its `data-kode` to the end of the row).
fn row<'a>(body: &'a str, code: &str) -> &'a str {
    let start = body
        .find(&format!("data-kode=\"{code}\""))
        .unwrap_or_else(|| panic!("row {code} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</tr>").expect("row end")]
}

fn sub_form(code: &str, pagu: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kode", code.to_owned()),
        ("tingkat", "sub_kegiatan".into()),
        ("nama", "Fasilitasi pelayanan perizinan".into()),
        ("induk", KEG.into()),
        ("unit", "bidang-satu".into()),
        ("sasaran", "bidang-satu/SP1".into()),
        ("pagu_2026", pagu.to_owned()),
    ]
}

fn borrowed<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Creates the program → kegiatan → sub kegiatan chain as the perencana.
async fn build(t: &TestApp, s: &Session) {
    post_ok(
        t,
        s,
        &new_path(t),
        &[
            ("kode", PROG),
            ("tingkat", "program"),
            ("nama", "Program Pelayanan Penanaman Modal"),
            ("induk", ""),
            ("unit", "kepala"),
            ("sasaran", "kepala/SS1"),
        ],
    )
    .await;
    post_ok(
        t,
        s,
        &new_path(t),
        &[
            ("kode", KEG),
            ("tingkat", "kegiatan"),
            ("nama", "Pelayanan Perizinan dan Non Perizinan"),
            ("induk", PROG),
            ("unit", "bidang-satu"),
            ("sasaran", ""),
        ],
    )
    .await;
    post_ok(t, s, &new_path(t), &borrowed(&sub_form(SUB, PAGU))).await;
}

#[tokio::test]
async fn perencana_builds_programs_and_the_list_rolls_up_the_pagu() {
    for t in setups().await {
        prepare(&t).await;
        let s = t.login("perencana").await;

        let r = t.get(&list(&t, 2026), Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("id=\"kosong\""));
        assert!(r.body.contains("id=\"btn-tambah-program\""));
        let r = t.get(&new_path(&t), Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for hook in [
            "id=\"f-kode\"",
            "id=\"f-tingkat\"",
            "id=\"f-pagu-2026\"",
            "bidang-satu/SP1",
        ] {
            assert!(r.body.contains(hook), "{hook}");
        }

        build(&t, &s).await;
        let stored = programs(&t).await;
        assert_eq!(stored.len(), 3);
        let sub = stored.iter().find(|p| p.code == SUB).expect("sub");
        assert_eq!(sub.level, ProgramLevel::SubKegiatan);
        assert_eq!(sub.pagu.get(&2026), Some(&1_250_000_000.0));
        assert_eq!(sub.objective.as_ref().map(|c| c.as_str()), Some("SP1"));

        // The list: hierarchy order, the pagu rolled up to the kegiatan and the program.
        let r = t.get(&list(&t, 2026), Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let shown = format::rupiah(1_250_000_000.0);
        let (p, k, sk) = (
            r.body.find(&format!("data-kode=\"{PROG}\"")).expect("p"),
            r.body.find(&format!("data-kode=\"{KEG}\"")).expect("k"),
            r.body.find(&format!("data-kode=\"{SUB}\"")).expect("s"),
        );
        assert!(p < k && k < sk, "hierarchy order");
        for code in [PROG, KEG, SUB] {
            assert!(
                row(&r.body, code).contains(&shown),
                "{code}: {}",
                row(&r.body, code)
            );
        }
        assert!(row(&r.body, PROG).contains("SS1"));
        let total = &r.body[r.body.find("id=\"total-program\"").expect("total")..];
        assert!(total.contains(&shown));
        // Another year has no pagu.
        let r = t.get(&list(&t, 2027), Some(&s)).await;
        assert!(!row(&r.body, PROG).contains(&shown));
        // The organisation page links here.
        let r = t.get(&format!("/organisasi/{}", t.org), Some(&s)).await;
        assert!(r.body.contains(&format!("/organisasi/{}/program\"", t.org)));

        // The audit log has the three creations.
        let log = t
            .store
            .audit_log(&AuditFilter {
                org_id: Some(t.org),
                entity: Some(entity::PROGRAM.into()),
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert_eq!(log.len(), 3);
        assert!(log.iter().all(|a| a.action == AuditAction::Create));
        assert!(log.iter().all(|a| a.actor == "perencana"));
    }
}

#[tokio::test]
async fn rename_carries_children_and_refusals_change_nothing() {
    for t in setups().await {
        prepare(&t).await;
        let s = t.login("perencana").await;
        build(&t, &s).await;

        // Bad pagu: 422 with the Indonesian message at the field, input kept, nothing saved.
        for (typed, message) in [
            ("abc", "harus berupa angka rupiah"),
            ("-5", "tidak boleh negatif"),
        ] {
            let r = post_refused(
                &t,
                &s,
                &edit_path(&t, SUB),
                &borrowed(&sub_form(SUB, typed)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
            assert!(r.body.contains("id=\"e-pagu-2026\""), "{}", r.body);
            assert!(r.body.contains(message), "{message}: {}", r.body);
            assert!(r.body.contains(&format!("value=\"{typed}\"")), "input kept");
            let r = post_refused(
                &t,
                &s,
                &new_path(&t),
                &borrowed(&sub_form("9.99", typed)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
            assert!(r.body.contains(message), "{message}: {}", r.body);
        }
        // A domain refusal (a kegiatan under a kegiatan) is a 422 with the form kept.
        let mut wrong = sub_form("9.99", "1");
        wrong[1].1 = "kegiatan".into();
        let r = post_refused(
            &t,
            &s,
            &new_path(&t),
            &borrowed(&wrong),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(r.body.contains("id=\"penolakan\""), "{}", r.body);
        assert!(r.body.contains("value=\"9.99\""));
        // A code already in use.
        let r = post_refused(
            &t,
            &s,
            &new_path(&t),
            &borrowed(&sub_form(SUB, "1")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(r.body.contains("sudah dipakai"), "{}", r.body);

        // Delete refused while it has children.
        let r = post_refused(
            &t,
            &s,
            &delete_path(&t, PROG),
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(r.body.contains("membawahi"), "{}", r.body);

        // Rename the program: its kegiatan follows.
        let r = t.get(&edit_path(&t, PROG), Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains(&format!("value=\"{PROG}\"")));
        let count = t.audit_count().await;
        post_ok(
            &t,
            &s,
            &edit_path(&t, PROG),
            &[
                ("kode", "2.18.02"),
                ("tingkat", "program"),
                ("nama", "Program Pelayanan Penanaman Modal"),
                ("induk", ""),
                ("unit", "kepala"),
                ("sasaran", "kepala/SS1"),
            ],
        )
        .await;
        assert_eq!(t.audit_count().await, count + 1);
        let stored = programs(&t).await;
        assert!(stored.iter().all(|p| p.code != PROG));
        let keg = stored.iter().find(|p| p.code == KEG).expect("kegiatan");
        assert_eq!(keg.parent.as_deref(), Some("2.18.02"));
        assert_eq!(
            t.get(&edit_path(&t, PROG), Some(&s)).await.status,
            StatusCode::NOT_FOUND
        );

        // A leaf can be deleted.
        post_ok(&t, &s, &delete_path(&t, SUB), &[]).await;
        assert!(programs(&t).await.iter().all(|p| p.code != SUB));
        let log = t
            .store
            .audit_log(&AuditFilter {
                org_id: Some(t.org),
                entity: Some(entity::PROGRAM.into()),
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert!(log.iter().any(|a| a.action == AuditAction::Update));
        assert!(log.iter().any(|a| a.action == AuditAction::Delete));
    }
}

#[tokio::test]
async fn operator_enters_realised_budget_and_others_are_refused() {
    for t in setups().await {
        prepare(&t).await;
        let s = t.login("perencana").await;
        build(&t, &s).await;
        let op = t.login("operator").await;

        // The operator of bidang-satu reports spending of its sub kegiatan.
        let url = spend_path(&t, SUB, 2026);
        let r = t.get(&url, Some(&op)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("id=\"f-tw1\""));
        assert!(r.body.contains("id=\"btn-simpan-realisasi-anggaran\""));
        // Bad amounts: 422, nothing saved (even the good quarter).
        let r = post_refused(
            &t,
            &op,
            &url,
            &[("tw1", "250.000.000"), ("tw2", "abc"), ("tw3", "-5")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(r.body.contains("id=\"e-tw2\"") && r.body.contains("id=\"e-tw3\""));
        assert!(r.body.contains("tidak boleh negatif"));
        assert!(r.body.contains("value=\"abc\""));

        let count = t.audit_count().await;
        let r = t
            .post(
                &url,
                Some(&op),
                &[
                    ("tw1", "250.000.000"),
                    ("tw2", ""),
                    ("tw3", ""),
                    ("tw4", ""),
                ],
                Some(&op.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(t.audit_count().await, count + 1, "one quarter changed");
        let got = spent(&t, 2026).await;
        assert_eq!(
            got.get(SUB).map(|b| b.quarters),
            Some([Some(250_000_000.0), None, None, None])
        );
        let serapan = format!("{}%", format::number(20.0, 2));
        let r = t.get(&url, Some(&op)).await;
        assert!(r.body.contains(&serapan), "{}", r.body);
        // The list shows the realised budget and serapan rolled up to the program.
        let r = t.get(&list(&t, 2026), Some(&s)).await;
        assert!(row(&r.body, PROG).contains(&format::rupiah(250_000_000.0)));
        assert!(
            row(&r.body, PROG).contains(&serapan),
            "{}",
            row(&r.body, PROG)
        );
        assert!(
            row(&r.body, PROG).contains("/ubah\">Ubah"),
            "perencana may edit"
        );
        let r = t.get(&list(&t, 2026), Some(&op)).await;
        assert!(!r.body.contains("id=\"btn-tambah-program\""));
        assert!(!r.body.contains("/ubah\""));

        // The operator may not change the programs themselves.
        post_refused(
            &t,
            &op,
            &new_path(&t),
            &borrowed(&sub_form("9.99", "1")),
            StatusCode::FORBIDDEN,
        )
        .await;
        post_refused(&t, &op, &delete_path(&t, SUB), &[], StatusCode::FORBIDDEN).await;

        // An operator of another unit: 403 with the reason, nothing changed.
        let other = t.login("operator.sekretariat").await;
        let r = post_refused(&t, &other, &url, &[("tw1", "1")], StatusCode::FORBIDDEN).await;
        assert!(r.body.contains("lingkup"), "{}", r.body);
        let r = t.get(&url, Some(&other)).await;
        assert!(r.body.contains("id=\"hanya-baca\""));
        // A user of another organisation: refused everywhere.
        let lain = t.login("perencana.lain").await;
        for path in [
            list(&t, 2026),
            new_path(&t),
            edit_path(&t, SUB),
            url.clone(),
        ] {
            let r = t.get(&path, Some(&lain)).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{path}: {}",
                r.status
            );
        }
        for path in [edit_path(&t, SUB), url.clone(), delete_path(&t, SUB)] {
            let count = t.audit_count().await;
            let r = t
                .post(
                    &path,
                    Some(&lain),
                    &borrowed(&sub_form(SUB, "1")),
                    Some(&lain.csrf),
                )
                .await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{path}: {}",
                r.status
            );
            assert_eq!(t.audit_count().await, count);
        }

        // The audit log has the realised budget entry: the changed quarters saved together,
        // as one batch.
        let log = t
            .store
            .audit_log(&AuditFilter {
                org_id: Some(t.org),
                entity: Some(entity::MEASUREMENT_BATCH.into()),
                ..AuditFilter::default()
            })
            .await
            .expect("audit");
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].actor, "operator");
        let after = log[0].after.as_ref().expect("after").to_string();
        assert!(after.contains("budget_realisations"), "{after}");
    }
}
