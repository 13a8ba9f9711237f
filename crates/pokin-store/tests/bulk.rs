//! Bulk import (`Store::bulk_import`) through the public API: what it stores reads back exactly
//! as an organisation imported, planned and measured through the normal operations; refusals
//! and failures write nothing; one summary audit record per organisation. Every test runs on
//! SQLite, and on PostgreSQL when `POKIN_TEST_DATABASE_URL` is set.

mod common;

use common::{TestDb, Unchanged, backends, code, key, org_log, rich_org};
use pokin_domain::capaian::{Periodisation, Realisation};
use pokin_domain::measure::{Action, IndicatorKey, Period, RealisationInput, Status};
use pokin_domain::program::{Program, ProgramLevel};
use pokin_domain::{Organisation, TargetValue};
use pokin_store::{
    AuditAction, BulkOrganisation, BulkRealisation, ImportMode, RealisationRecord, StoreError,
    entity,
};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Fixtures.

/// The rich test organisation (Renstra 2025–2029; a child listed before its parent, crosscutting
/// links, every kind of value) with one monthly indicator (`bidang-perizinan` IK2) and a
/// program with pagu.
fn org(name: &str) -> Organisation {
    let mut draft = rich_org(name).into_draft();
    for u in &mut draft.units {
        for o in &mut u.objectives {
            for i in &mut o.indicators {
                if u.key == key("bidang-perizinan") && i.code == code("IK2") {
                    i.periodisation = Some(Periodisation::Bulanan);
                }
            }
        }
    }
    draft.programs = vec![Program {
        code: "2.18.01".into(),
        level: ProgramLevel::Program,
        name: "Program Pelayanan Penanaman Modal".into(),
        parent: None,
        unit: key("kepala-dinas"),
        objective: Some(code("SS1")),
        pagu: [(2026, 1_500_000_000.0)].into_iter().collect(),
    }];
    draft.validate().expect("valid")
}

fn ind(unit: &str, c: &str) -> IndicatorKey {
    IndicatorKey {
        unit: key(unit),
        code: code(c),
    }
}

fn tw(year: i32, n: u8) -> Period {
    Period::new(year, Periodisation::Triwulan, n).expect("quarter")
}

fn month(year: i32, n: u8) -> Period {
    Period::new(year, Periodisation::Bulanan, n).expect("month")
}

/// Rencana Aksi targets as the bulk import takes them.
type Targets = Vec<(IndicatorKey, Period, TargetValue)>;

fn period_targets() -> Targets {
    let iku1 = ind("kepala-dinas", "IKU1");
    vec![
        (iku1.clone(), tw(2026, 1), TargetValue::Number(20.0)),
        (iku1.clone(), tw(2026, 2), TargetValue::Number(40.5)),
        (iku1.clone(), tw(2026, 3), TargetValue::Number(60.0)),
        (iku1, tw(2026, 4), TargetValue::Number(84.5)),
        (
            ind("bidang-tenaga-kerja", "IK1.1"),
            tw(2026, 2),
            TargetValue::Range { min: 4.0, max: 4.5 },
        ),
        (
            ind("kepala-dinas", "IKU2"),
            tw(2026, 4),
            TargetValue::Qualitative("A".into()),
        ),
        (
            ind("bidang-perizinan", "IK2"),
            month(2026, 1),
            TargetValue::Number(90.0),
        ),
        (
            ind("bidang-perizinan", "IK2"),
            month(2026, 2),
            TargetValue::Number(91.0),
        ),
        (
            ind("bidang-perizinan", "IK1"),
            tw(2025, 4),
            TargetValue::Number(75.0),
        ),
    ]
}

fn real(
    k: IndicatorKey,
    period: Period,
    value: Realisation,
    status: Status,
    reason: Option<&str>,
    by: &str,
) -> BulkRealisation {
    BulkRealisation {
        indicator: k,
        period,
        value,
        status,
        return_reason: reason.map(str::to_owned),
        updated_by: by.into(),
    }
}

/// Realisations in every workflow state, of every value kind, in two years.
fn realisations() -> Vec<BulkRealisation> {
    use Realisation::{Number, Qualitative};
    let iku1 = ind("kepala-dinas", "IKU1");
    let ik2 = ind("bidang-perizinan", "IK2");
    vec![
        real(
            iku1.clone(),
            tw(2026, 1),
            Number(21.0),
            Status::Diverifikasi,
            None,
            "op.a",
        ),
        real(
            iku1.clone(),
            tw(2026, 2),
            Number(39.25),
            Status::Diajukan,
            None,
            "op.a",
        ),
        real(
            iku1,
            tw(2026, 3),
            Number(58.0),
            Status::Dikembalikan,
            Some("Data dukung belum lengkap"),
            "op.b",
        ),
        real(
            ind("kepala-dinas", "IKU2"),
            tw(2026, 1),
            Qualitative("BB".into()),
            Status::Diverifikasi,
            None,
            "op.a",
        ),
        real(
            ind("bidang-tenaga-kerja", "IK1.1"),
            tw(2026, 1),
            Number(4.4),
            Status::Draft,
            None,
            "op.c",
        ),
        real(
            ik2.clone(),
            month(2026, 1),
            Number(90.5),
            Status::Diverifikasi,
            None,
            "op.d",
        ),
        // Returned, corrected and submitted again: the reason stays until it is verified.
        real(
            ik2,
            month(2026, 2),
            Number(92.0),
            Status::Diajukan,
            Some("Salah hitung"),
            "op.d",
        ),
        real(
            ind("seksi-pelatihan", "IK1.2"),
            tw(2026, 1),
            Number(30.0),
            Status::Diverifikasi,
            None,
            "op.e",
        ),
        real(
            ind("bidang-perizinan", "IK1"),
            tw(2025, 4),
            Number(70.0),
            Status::Diverifikasi,
            None,
            "op.d",
        ),
    ]
}

/// Imports `org` and its measurements through the normal operations, each realisation taken
/// through the workflow steps that lead to its status, every step by its `updated_by`.
async fn through_normal_api(
    db: &TestDb,
    org: &Organisation,
    targets: &[(IndicatorKey, Period, TargetValue)],
    realisations: &[BulkRealisation],
) -> i64 {
    let s = &db.store;
    let id = s
        .import_organisation("tester", org, ImportMode::New)
        .await
        .expect("import");
    for (k, p, v) in targets {
        s.set_period_targets("tester", id, k, &[(*p, Some(v.clone()))])
            .await
            .expect("period target");
    }
    for r in realisations {
        let by = r.updated_by.as_str();
        let input = RealisationInput {
            value: Some(r.value.clone()),
            ..RealisationInput::default()
        };
        let rid = s
            .save_realisation(by, id, &r.indicator, r.period, &input)
            .await
            .expect("save");
        let steps: &[(Action, Option<&str>)] = match (r.status, r.return_reason.as_deref()) {
            (Status::Draft, _) => &[],
            (Status::Diajukan, None) => &[(Action::Ajukan, None)],
            (Status::Diajukan, Some(why)) => &[
                (Action::Ajukan, None),
                (Action::Kembalikan, Some(why)),
                (Action::Ajukan, None),
            ],
            (Status::Diverifikasi, _) => &[(Action::Ajukan, None), (Action::Verifikasi, None)],
            (Status::Dikembalikan, why) => &[(Action::Ajukan, None), (Action::Kembalikan, why)],
        };
        for (action, why) in steps {
            s.transition_realisation(by, id, rid, *action, *why)
                .await
                .expect("step");
        }
    }
    id
}

/// What a page shows of a realisation (ids and times differ between two organisations).
fn shown(r: &RealisationRecord) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        r.indicator.clone(),
        r.period,
        r.input.clone(),
        r.status,
        r.return_reason.clone(),
        r.locked,
        r.reopened,
        r.updated_by.clone(),
        r.evidence.clone(),
    )
}

fn bulk<'a>(
    org: &'a Organisation,
    targets: &'a [(IndicatorKey, Period, TargetValue)],
    realisations: &'a [BulkRealisation],
) -> BulkOrganisation<'a> {
    BulkOrganisation {
        org,
        period_targets: targets,
        realisations,
    }
}

async fn org_count(db: &TestDb) -> usize {
    db.store.organisations().await.expect("organisations").len()
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn bulk_import_reads_back_like_the_normal_operations() {
    for db in backends().await {
        let label = db.label;
        let a = org(&format!("Dinas Bulk A {label}"));
        let b = org(&format!("Dinas Bulk B {label}"));
        let normal = org(&format!("Dinas Normal {label}"));
        let targets = period_targets();
        let reals = realisations();
        let ids = db
            .store
            .bulk_import("pemuat", &[bulk(&a, &targets, &reals), bulk(&b, &[], &[])])
            .await
            .expect("bulk import");
        assert_eq!(ids.len(), 2, "{label}");
        assert_ne!(ids[0], ids[1], "{label}");
        assert_eq!(
            db.store.load_organisation(ids[0]).await.unwrap(),
            a,
            "{label}"
        );
        assert_eq!(
            db.store.load_organisation(ids[1]).await.unwrap(),
            b,
            "{label}"
        );
        let tree = db.store.load_tree_with_ids(ids[0]).await.unwrap();
        assert_eq!(tree.organisation, a, "{label}");
        assert_eq!(
            db.store
                .organisation_by_name(&a.name)
                .await
                .unwrap()
                .map(|s| s.id),
            Some(ids[0]),
            "{label}"
        );

        let normal_id = through_normal_api(&db, &normal, &targets, &reals).await;
        for year in [2025, 2026, 2027] {
            let got = db.store.year_measurements(ids[0], year).await.unwrap();
            let want = db.store.year_measurements(normal_id, year).await.unwrap();
            assert_eq!(got.verified, want.verified, "{label} {year}");
            assert_eq!(
                got.realisations.iter().map(shown).collect::<Vec<_>>(),
                want.realisations.iter().map(shown).collect::<Vec<_>>(),
                "{label} {year}"
            );
            assert_eq!(got.closed, want.closed, "{label} {year}");
            assert_eq!(
                db.store.period_targets(ids[0], year).await.unwrap(),
                db.store.period_targets(normal_id, year).await.unwrap(),
                "{label} {year}"
            );
        }
        // Not vacuous: the fixture has verified values, every status and a monthly indicator.
        let m = db.store.year_measurements(ids[0], 2026).await.unwrap();
        assert_eq!(m.realisations.len(), 8, "{label}");
        let iku1 = &m.verified[&ind("kepala-dinas", "IKU1")];
        assert_eq!(
            iku1.realisations[0],
            Some(Realisation::Number(21.0)),
            "{label}"
        );
        assert_eq!(
            iku1.realisations[1], None,
            "submitted, not verified ({label})"
        );
        assert_eq!(iku1.targets[3], Some(TargetValue::Number(84.5)), "{label}");
        assert_eq!(
            m.verified[&ind("bidang-perizinan", "IK2")].targets.len(),
            12
        );
        for status in [
            Status::Draft,
            Status::Diajukan,
            Status::Diverifikasi,
            Status::Dikembalikan,
        ] {
            assert!(
                m.realisations.iter().any(|r| r.status == status),
                "{label}: {status:?}"
            );
        }
        let returned = m
            .realisations
            .iter()
            .find(|r| r.status == Status::Dikembalikan)
            .unwrap();
        assert_eq!(
            returned.return_reason.as_deref(),
            Some("Data dukung belum lengkap")
        );
        assert_eq!(returned.updated_by, "op.b");
        assert_eq!(
            db.store.measure_settings(ids[0]).await.unwrap(),
            db.store.measure_settings(normal_id).await.unwrap(),
            "{label}"
        );
        // The bulk-imported organisation takes normal edits and workflow steps afterwards.
        let submitted = m
            .realisations
            .iter()
            .find(|r| r.status == Status::Diajukan && r.return_reason.is_none())
            .unwrap();
        db.store
            .transition_realisation("kabid", ids[0], submitted.id, Action::Verifikasi, None)
            .await
            .expect("verify a bulk-imported realisation");
        let m = db.store.year_measurements(ids[0], 2026).await.unwrap();
        assert_eq!(
            m.verified[&ind("kepala-dinas", "IKU1")].realisations[1],
            Some(Realisation::Number(39.25)),
            "{label}"
        );
    }
}

#[tokio::test]
async fn many_organisations_span_several_statements() {
    // More units, indicators and realisations than fit in one statement of a table.
    for db in backends().await {
        let label = db.label;
        let orgs: Vec<Organisation> = (0..70)
            .map(|i| org(&format!("Dinas Banyak {i:03} {label}")))
            .collect();
        let targets = period_targets();
        let reals: Vec<BulkRealisation> = (1..=4)
            .flat_map(|year_offset| {
                realisations().into_iter().map(move |mut r| {
                    r.period.year += year_offset;
                    r
                })
            })
            .collect();
        let items: Vec<BulkOrganisation> = orgs.iter().map(|o| bulk(o, &targets, &reals)).collect();
        let ids = db.store.bulk_import("pemuat", &items).await.expect("bulk");
        assert_eq!(ids.len(), 70, "{label}");
        for (o, id) in orgs.iter().zip(&ids).step_by(23) {
            assert_eq!(
                &db.store.load_organisation(*id).await.unwrap(),
                o,
                "{label}"
            );
            // 2027: the 2026 realisations moved by a year and the 2025 one by two.
            let m = db.store.year_measurements(*id, 2027).await.unwrap();
            assert_eq!(m.realisations.len(), 9, "{label}");
        }
        assert_eq!(org_count(&db).await, 70, "{label}");
    }
}

#[tokio::test]
async fn an_existing_name_refuses_the_whole_import() {
    for db in backends().await {
        let label = db.label;
        let targets = period_targets();
        let reals = realisations();
        let first = org(&format!("Dinas Pertama {label}"));
        db.store
            .bulk_import("pemuat", &[bulk(&first, &targets, &reals)])
            .await
            .expect("first import");
        let before = Unchanged::take(&db).await;
        let count = org_count(&db).await;

        let fresh = org(&format!("Dinas Baru {label}"));
        let again = org(&first.name);
        let err = db
            .store
            .bulk_import(
                "pemuat",
                &[
                    bulk(&fresh, &targets, &reals),
                    bulk(&again, &targets, &reals),
                ],
            )
            .await
            .expect_err("an existing name");
        assert!(matches!(err, StoreError::Conflict(_)), "{label}: {err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(&first.name) && msg.contains("sudah ada"),
            "{msg}"
        );
        assert_eq!(org_count(&db).await, count, "{label}");
        assert!(
            db.store
                .organisation_by_name(&fresh.name)
                .await
                .unwrap()
                .is_none()
        );
        before.check(&db, "existing name").await;

        // A name twice in the same import.
        let err = db
            .store
            .bulk_import("pemuat", &[bulk(&fresh, &[], &[]), bulk(&fresh, &[], &[])])
            .await
            .expect_err("a repeated name");
        assert!(matches!(err, StoreError::Conflict(_)), "{label}: {err:?}");
        before.check(&db, "repeated name").await;
    }
}

#[tokio::test]
async fn measurements_the_normal_operations_refuse_are_refused() {
    for db in backends().await {
        let label = db.label;
        let o = org(&format!("Dinas Tolak {label}"));
        let before = Unchanged::take(&db).await;
        let ok = realisations();
        let mut cases: Vec<(&str, Targets, Vec<BulkRealisation>)> = Vec::new();
        let mut unknown = ok.clone();
        unknown[0].indicator = ind("kepala-dinas", "IKU9");
        cases.push(("IKU9", Vec::new(), unknown));
        let mut monthly_quarter = ok.clone();
        monthly_quarter[0].period = month(2026, 1);
        cases.push(("per triwulan", Vec::new(), monthly_quarter));
        let mut no_reason = ok.clone();
        no_reason[2].return_reason = None;
        cases.push(("tanpa alasan", Vec::new(), no_reason));
        let mut twice = ok.clone();
        twice.push(ok[0].clone());
        cases.push(("lebih dari sekali", Vec::new(), twice));
        let mut bad_range = period_targets();
        bad_range[4].2 = TargetValue::Range { min: 5.0, max: 4.0 };
        cases.push(("batas bawah", bad_range, ok.clone()));
        for (why, targets, reals) in &cases {
            let err = db
                .store
                .bulk_import("pemuat", &[bulk(&o, targets, reals)])
                .await
                .expect_err(why);
            assert!(
                matches!(err, StoreError::Invalid(_)),
                "{label} {why}: {err:?}"
            );
            assert!(err.to_string().contains(why), "{label}: {err}");
            before.check(&db, why).await;
        }
    }
}

#[tokio::test]
async fn a_failure_midway_writes_nothing() {
    for db in backends().await {
        let label = db.label;
        let targets = period_targets();
        let reals = realisations();
        let a = org(&format!("Dinas Gagal A {label}"));
        let b = org(&format!("Dinas Gagal B {label}"));
        let before = Unchanged::take(&db).await;
        // Organisations, three unit levels, officials, objectives, supports, indicators and
        // targets succeed; programs, Rencana Aksi targets or realisations fail.
        for n in [1, 5, 9, 10, 11] {
            db.store.fail_after_writes(n);
            db.store
                .bulk_import(
                    "pemuat",
                    &[bulk(&a, &targets, &reals), bulk(&b, &targets, &reals)],
                )
                .await
                .expect_err("injected failure");
            before
                .check(&db, &format!("{label}: failure after {n} writes"))
                .await;
        }
        db.store
            .bulk_import(
                "pemuat",
                &[bulk(&a, &targets, &reals), bulk(&b, &targets, &reals)],
            )
            .await
            .expect("without a failure");
    }
}

#[tokio::test]
async fn one_summary_audit_record_per_organisation() {
    for db in backends().await {
        let label = db.label;
        let targets = period_targets();
        let reals = realisations();
        let a = org(&format!("Dinas Audit A {label}"));
        let b = org(&format!("Dinas Audit B {label}"));
        let ids = db
            .store
            .bulk_import(
                " pemuat ",
                &[bulk(&a, &targets, &reals), bulk(&b, &[], &[])],
            )
            .await
            .unwrap();
        for (o, id, t, r) in [(&a, ids[0], targets.len(), reals.len()), (&b, ids[1], 0, 0)] {
            let log = org_log(&db.store, id).await;
            assert_eq!(log.len(), 1, "{label}: {log:?}");
            let rec = &log[0];
            assert_eq!(rec.entity, entity::ORGANISATION);
            assert_eq!(rec.action, AuditAction::Import);
            assert_eq!(rec.entity_id, Some(id));
            assert_eq!(rec.org_id, Some(id));
            assert_eq!(rec.actor, "pemuat");
            assert_eq!(rec.before, None);
            let (units, objectives, indicators) = o.counts();
            assert_eq!(
                rec.after,
                Some(json!({
                    "name": o.name,
                    "units": units,
                    "objectives": objectives,
                    "indicators": indicators,
                    "period_targets": t,
                    "realisations": r,
                    "bulk": true,
                })),
                "{label}"
            );
        }
    }
}
