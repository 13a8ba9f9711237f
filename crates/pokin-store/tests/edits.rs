//! Granular edits through the public API: each writes exactly one audit record with the row
//! before and after; refusals and failures change nothing and write no record. Every test runs
//! on SQLite, and on PostgreSQL when `POKIN_TEST_DATABASE_URL` is set.

mod common;

use chrono::NaiveDate;
use common::{
    TestDb, Unchanged, audit_count, audit_log, backends, code, import, key, rich_org, small_org,
};
use pokin_domain::capaian::Periodisation;
use pokin_domain::{
    Aggregation, Appointment, Indicator, Nip, Official, Organisation, Polarity, TargetValue,
    UnitKind,
};
use pokin_store::{
    AuditAction, AuditRecord, IndicatorSpec, ObjectiveInput, Store, StoreError, TreeWithIds,
    UnitInput, entity,
};
use serde_json::{Value, json};

async fn tree(store: &Store, org_id: i64) -> TreeWithIds {
    store.load_tree_with_ids(org_id).await.expect("tree")
}

/// Checks that exactly one audit record was added since `count` and returns it.
async fn one_new_record(
    store: &Store,
    count: &mut usize,
    entity: &str,
    entity_id: i64,
    action: AuditAction,
) -> AuditRecord {
    let log = audit_log(store).await;
    assert_eq!(log.len(), *count + 1, "exactly one new audit record");
    *count += 1;
    let r = log[0].clone();
    assert_eq!(r.entity, entity);
    assert_eq!(r.entity_id, Some(entity_id));
    assert_eq!(r.action, action);
    assert_eq!(r.actor, "editor");
    match action {
        AuditAction::Create => assert!(r.before.is_none() && r.after.is_some(), "{r:?}"),
        AuditAction::Delete => assert!(r.before.is_some() && r.after.is_none(), "{r:?}"),
        _ => assert!(r.before.is_some() && r.after.is_some(), "{r:?}"),
    }
    r
}

fn field<'a>(v: &'a Option<Value>, name: &str) -> &'a Value {
    v.as_ref().and_then(|v| v.get(name)).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn every_edit_writes_exactly_one_audit_record() {
    for db in backends().await {
        let s = &db.store;
        let org_id = import(s, &rich_org("Dinas A")).await;
        let other = import(s, &small_org("Badan B")).await;
        let mut count = audit_count(s).await;
        let t = tree(s, org_id).await;
        let bidang = t.unit_id(&key("bidang-tenaga-kerja")).expect("bidang");
        let kepala_ss1 = t
            .objective_id(&key("kepala-dinas"), &code("SS1"))
            .expect("kepala SS1");
        let bidang_ss1 = t
            .objective_id(&key("bidang-tenaga-kerja"), &code("SS1"))
            .expect("bidang SS1");

        // Unit: create, then update (rename and move to the front).
        let input = UnitInput {
            key: key("seksi-penempatan"),
            name: "Seksi Penempatan".into(),
            kind: UnitKind::Seksi,
            parent_id: Some(bidang),
            position: None,
        };
        let unit = s
            .create_unit("editor", org_id, &input)
            .await
            .expect("create unit");
        let r = one_new_record(s, &mut count, entity::UNIT, unit, AuditAction::Create).await;
        assert_eq!(field(&r.after, "unit_key"), &json!("seksi-penempatan"));
        assert_eq!(field(&r.after, "parent_id"), &json!(bidang));
        assert_eq!(r.org_id, Some(org_id));
        let org = s.load_organisation(org_id).await.expect("load");
        let last = org.units.last().expect("units");
        assert_eq!(last.key, key("seksi-penempatan"));
        assert_eq!(last.parent, Some(key("bidang-tenaga-kerja")));

        let renamed = UnitInput {
            name: "Seksi Penempatan Tenaga Kerja".into(),
            position: Some(-1),
            ..input.clone()
        };
        s.update_unit("editor", org_id, unit, &renamed)
            .await
            .expect("update unit");
        let r = one_new_record(s, &mut count, entity::UNIT, unit, AuditAction::Update).await;
        assert_eq!(field(&r.before, "name"), &json!("Seksi Penempatan"));
        assert_eq!(
            field(&r.after, "name"),
            &json!("Seksi Penempatan Tenaga Kerja")
        );
        assert_eq!(field(&r.after, "seq"), &json!(-1));
        let org = s.load_organisation(org_id).await.expect("load");
        assert_eq!(org.units[0].name, "Seksi Penempatan Tenaga Kerja");

        // Official: create, update, delete.
        let mut official = Official {
            name: "Dewi Lestari".into(),
            nip: Some(Nip::parse("198502022010012003").expect("nip")),
            pangkat: Some("Penata".into()),
            golongan: Some("III/c".into()),
            appointment: Appointment::Plt,
            since: NaiveDate::from_ymd_opt(2025, 2, 1),
            until: None,
        };
        let off = s
            .create_official("editor", org_id, unit, &official)
            .await
            .expect("create official");
        let r = one_new_record(s, &mut count, entity::OFFICIAL, off, AuditAction::Create).await;
        assert_eq!(field(&r.after, "nip"), &json!("198502022010012003"));
        assert_eq!(
            s.load_organisation(org_id).await.expect("load").units[0].officials,
            vec![official.clone()]
        );
        official.appointment = Appointment::Definitif;
        official.until = NaiveDate::from_ymd_opt(2029, 12, 31);
        s.update_official("editor", org_id, off, &official)
            .await
            .expect("update official");
        let r = one_new_record(s, &mut count, entity::OFFICIAL, off, AuditAction::Update).await;
        assert_eq!(field(&r.before, "appointment"), &json!("plt"));
        assert_eq!(field(&r.after, "appointment"), &json!("definitif"));
        assert_eq!(field(&r.after, "until_date"), &json!("2029-12-31"));
        assert_eq!(
            s.load_organisation(org_id).await.expect("load").units[0].officials,
            vec![official.clone()]
        );
        s.delete_official("editor", org_id, off)
            .await
            .expect("delete official");
        let r = one_new_record(s, &mut count, entity::OFFICIAL, off, AuditAction::Delete).await;
        assert_eq!(field(&r.before, "name"), &json!("Dewi Lestari"));

        // Objective: create, update.
        let obj_input = ObjectiveInput {
            code: code("SS1"),
            statement: "Meningkatnya penempatan kerja".into(),
            position: None,
        };
        let obj = s
            .create_objective("editor", org_id, unit, &obj_input)
            .await
            .expect("create objective");
        let r = one_new_record(s, &mut count, entity::OBJECTIVE, obj, AuditAction::Create).await;
        assert_eq!(field(&r.after, "code"), &json!("SS1"));
        s.update_objective(
            "editor",
            org_id,
            obj,
            &ObjectiveInput {
                statement: "Meningkatnya penempatan tenaga kerja lokal".into(),
                ..obj_input.clone()
            },
        )
        .await
        .expect("update objective");
        let r = one_new_record(s, &mut count, entity::OBJECTIVE, obj, AuditAction::Update).await;
        assert_eq!(
            field(&r.before, "statement"),
            &json!("Meningkatnya penempatan kerja")
        );
        assert_eq!(
            field(&r.after, "statement"),
            &json!("Meningkatnya penempatan tenaga kerja lokal")
        );

        // Cascade links: to the parent's objective, and crosscutting to the head's.
        let up = s
            .create_support("editor", org_id, obj, bidang_ss1, 0.4)
            .await
            .expect("support parent");
        let r = one_new_record(s, &mut count, entity::SUPPORT, up, AuditAction::Create).await;
        assert_eq!(
            field(&r.after, "target_unit"),
            &json!("bidang-tenaga-kerja")
        );
        assert_eq!(field(&r.after, "weight"), &json!(0.4));
        let cross = s
            .create_support("editor", org_id, obj, kepala_ss1, 1.0)
            .await
            .expect("crosscutting support");
        one_new_record(s, &mut count, entity::SUPPORT, cross, AuditAction::Create).await;
        s.update_support("editor", org_id, up, 0.8)
            .await
            .expect("update weight");
        let r = one_new_record(s, &mut count, entity::SUPPORT, up, AuditAction::Update).await;
        assert_eq!(field(&r.before, "weight"), &json!(0.4));
        assert_eq!(field(&r.after, "weight"), &json!(0.8));
        let org = s.load_organisation(org_id).await.expect("load");
        let supports = &org.units[0].objectives[0].supports;
        assert_eq!(supports.len(), 2);
        assert_eq!(supports[0].unit, key("bidang-tenaga-kerja"));
        assert_eq!(supports[0].weight, 0.8);
        assert_eq!(supports[1].unit, key("kepala-dinas"));

        // Indicator with every specification field: create, update.
        let mut spec = IndicatorSpec {
            code: code("IK1"),
            name: "Jumlah pencari kerja yang ditempatkan".into(),
            iku: false,
            satuan: Some("orang".into()),
            polarity: Some(Polarity::Positive),
            aggregation: Some(Aggregation::Kumulatif),
            definition: Some("Pencari kerja terdaftar yang mendapat pekerjaan.".into()),
            formula: Some("Σ penempatan".into()),
            data_source: Some("SIAPkerja".into()),
            responsible: Some("Kepala Seksi Penempatan".into()),
            baseline: Some(TargetValue::Number(150.0)),
            decimals: Some(0),
            periodisation: None,
            position: None,
        };
        let ind = s
            .create_indicator("editor", org_id, obj, &spec)
            .await
            .expect("create indicator");
        let r = one_new_record(s, &mut count, entity::INDICATOR, ind, AuditAction::Create).await;
        assert_eq!(field(&r.after, "baseline_number"), &json!(150.0));
        spec.baseline = Some(TargetValue::Range {
            min: 100.0,
            max: 200.0,
        });
        spec.polarity = Some(Polarity::Range);
        spec.periodisation = Some(Periodisation::Bulanan);
        s.update_indicator("editor", org_id, ind, &spec)
            .await
            .expect("update indicator");
        let r = one_new_record(s, &mut count, entity::INDICATOR, ind, AuditAction::Update).await;
        assert_eq!(field(&r.before, "baseline_number"), &json!(150.0));
        assert_eq!(field(&r.after, "baseline_number"), &Value::Null);
        assert_eq!(field(&r.after, "baseline_min"), &json!(100.0));
        assert_eq!(field(&r.after, "polarity"), &json!("range"));
        assert_eq!(field(&r.before, "periodisation"), &Value::Null);
        assert_eq!(field(&r.after, "periodisation"), &json!("bulanan"));

        // Targets: create, upsert, another, delete.
        let t1 = s
            .set_target("editor", org_id, ind, 2025, &TargetValue::Number(160.0))
            .await
            .expect("set target");
        let r = one_new_record(s, &mut count, entity::TARGET, t1, AuditAction::Create).await;
        assert_eq!(field(&r.after, "value_number"), &json!(160.0));
        let again = s
            .set_target(
                "editor",
                org_id,
                ind,
                2025,
                &TargetValue::Range {
                    min: 150.0,
                    max: 170.0,
                },
            )
            .await
            .expect("upsert target");
        assert_eq!(again, t1, "upsert keeps the row");
        let r = one_new_record(s, &mut count, entity::TARGET, t1, AuditAction::Update).await;
        assert_eq!(field(&r.before, "value_number"), &json!(160.0));
        assert_eq!(field(&r.after, "value_min"), &json!(150.0));
        let t2 = s
            .set_target(
                "editor",
                org_id,
                ind,
                2026,
                &TargetValue::Qualitative("Baik".into()),
            )
            .await
            .expect("qualitative target");
        one_new_record(s, &mut count, entity::TARGET, t2, AuditAction::Create).await;

        let expected = Indicator {
            code: code("IK1"),
            name: spec.name.clone(),
            iku: false,
            satuan: spec.satuan.clone(),
            polarity: Some(Polarity::Range),
            aggregation: Some(Aggregation::Kumulatif),
            definition: spec.definition.clone(),
            formula: spec.formula.clone(),
            data_source: spec.data_source.clone(),
            responsible: spec.responsible.clone(),
            baseline: spec.baseline.clone(),
            decimals: Some(0),
            periodisation: Some(Periodisation::Bulanan),
            targets: [
                (
                    2025,
                    TargetValue::Range {
                        min: 150.0,
                        max: 170.0,
                    },
                ),
                (2026, TargetValue::Qualitative("Baik".into())),
            ]
            .into_iter()
            .collect(),
        };
        let t = tree(s, org_id).await;
        assert_eq!(
            t.organisation.units[0].objectives[0].indicators,
            vec![expected]
        );
        let ids = &t.units[0].objectives[0].indicators[0];
        assert_eq!(ids.id, ind);
        assert_eq!(ids.targets.get(&2025), Some(&t1));
        assert_eq!(ids.targets.get(&2026), Some(&t2));

        s.delete_target("editor", org_id, ind, 2026)
            .await
            .expect("delete target");
        let r = one_new_record(s, &mut count, entity::TARGET, t2, AuditAction::Delete).await;
        assert_eq!(field(&r.before, "value_text"), &json!("Baik"));

        // Deletions, children first.
        s.delete_indicator("editor", org_id, ind)
            .await
            .expect("delete indicator");
        let r = one_new_record(s, &mut count, entity::INDICATOR, ind, AuditAction::Delete).await;
        assert_eq!(
            field(&r.before, "targets").as_array().map(Vec::len),
            Some(1),
            "the deleted targets are kept in the record"
        );
        s.delete_support("editor", org_id, cross)
            .await
            .expect("delete support");
        one_new_record(s, &mut count, entity::SUPPORT, cross, AuditAction::Delete).await;
        s.delete_objective("editor", org_id, obj)
            .await
            .expect("delete objective");
        let r = one_new_record(s, &mut count, entity::OBJECTIVE, obj, AuditAction::Delete).await;
        assert_eq!(
            field(&r.before, "contents")
                .get("supports")
                .and_then(Value::as_array)
                .map(Vec::len),
            Some(1)
        );
        s.delete_unit("editor", org_id, unit)
            .await
            .expect("delete unit");
        one_new_record(s, &mut count, entity::UNIT, unit, AuditAction::Delete).await;

        // Back where we started; the other organisation never changed.
        assert_eq!(
            s.load_organisation(org_id).await.expect("load"),
            rich_org("Dinas A"),
            "{}",
            db.label
        );
        assert_eq!(
            s.load_organisation(other).await.expect("load"),
            small_org("Badan B")
        );

        // An update's `before` is exactly the previous record's `after` for the same entity.
        let log = audit_log(s).await;
        let mut updates = 0;
        for (i, r) in log.iter().enumerate() {
            if r.action != AuditAction::Update {
                continue;
            }
            let prev = log[i + 1..]
                .iter()
                .find(|p| p.entity == r.entity && p.entity_id == r.entity_id)
                .expect("an earlier record of the same entity");
            assert_eq!(r.before, prev.after, "{} {:?}", r.entity, r.entity_id);
            updates += 1;
        }
        assert_eq!(updates, 6);
    }
}

/// Runs `f`, expects it to be refused with `kind` and a message containing `words`, and checks
/// that nothing changed.
macro_rules! refused {
    ($db:expr, $kind:pat, $words:expr, $call:expr) => {{
        let unchanged = Unchanged::take($db).await;
        let err = $call.await.expect_err("must be refused");
        assert!(
            matches!(err, $kind),
            "{}: {} gave {err:?}",
            $db.label,
            stringify!($call)
        );
        let msg = err.to_string();
        assert!(
            msg.contains($words),
            "{}: '{msg}' should contain '{}'",
            $db.label,
            $words
        );
        unchanged.check($db, $db.label).await;
    }};
}

#[tokio::test]
async fn refusals_change_nothing() {
    for db in backends().await {
        let db: &TestDb = &db;
        let s = &db.store;
        let a = import(s, &rich_org("Dinas A")).await;
        let b = import(s, &small_org("Badan B")).await;
        let t = tree(s, a).await;
        let tb = tree(s, b).await;
        let kepala = t.unit_id(&key("kepala-dinas")).expect("kepala");
        let seksi = t.unit_id(&key("seksi-pelatihan")).expect("seksi");
        let bidang_tk = t.unit_id(&key("bidang-tenaga-kerja")).expect("bidang");
        let seksi_ss1 = t
            .objective_id(&key("seksi-pelatihan"), &code("SS1"))
            .expect("seksi SS1");
        let bidang_ss1 = t
            .objective_id(&key("bidang-tenaga-kerja"), &code("SS1"))
            .expect("bidang SS1");
        let iku1 = t
            .indicator_id(&key("kepala-dinas"), &code("IKU1"))
            .expect("IKU1");
        let b_unit = tb.unit_id(&key("kepala")).expect("b unit");
        let b_objective = tb
            .objective_id(&key("kepala"), &code("SS1"))
            .expect("b SS1");
        let unit = |k: &str, parent_id| UnitInput {
            key: key(k),
            name: "Seksi Baru".into(),
            kind: UnitKind::Seksi,
            parent_id,
            position: None,
        };
        let kepala_input = UnitInput {
            key: key("kepala-dinas"),
            name: "Kepala Dinas".into(),
            kind: UnitKind::Kepala,
            parent_id: None,
            position: None,
        };

        refused!(
            db,
            StoreError::Conflict(_),
            "sudah dipakai",
            s.create_unit("editor", a, &unit("sekretariat", Some(kepala)))
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "unit induk",
            s.create_unit("editor", a, &unit("seksi-baru", Some(987_654)))
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "unit induk",
            s.create_unit("editor", a, &unit("seksi-baru", Some(b_unit)))
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "nama unit kosong",
            s.create_unit(
                "editor",
                a,
                &UnitInput {
                    name: "  ".into(),
                    ..unit("seksi-baru", None)
                }
            )
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "lingkaran",
            s.update_unit(
                "editor",
                a,
                kepala,
                &UnitInput {
                    parent_id: Some(seksi),
                    ..kepala_input.clone()
                }
            )
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "dirinya sendiri",
            s.update_unit(
                "editor",
                a,
                kepala,
                &UnitInput {
                    parent_id: Some(kepala),
                    ..kepala_input.clone()
                }
            )
        );
        refused!(
            db,
            StoreError::Conflict(_),
            "sudah dipakai",
            s.update_unit(
                "editor",
                a,
                kepala,
                &UnitInput {
                    key: key("sekretariat"),
                    ..kepala_input.clone()
                }
            )
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "tidak ada dalam organisasi ini",
            s.update_unit("editor", a, b_unit, &unit("kepala", None))
        );
        refused!(
            db,
            StoreError::Conflict(_),
            "membawahi",
            s.delete_unit("editor", a, bidang_tk)
        );
        refused!(
            db,
            StoreError::Conflict(_),
            "sudah dipakai",
            s.create_objective(
                "editor",
                a,
                kepala,
                &ObjectiveInput {
                    code: code("SS2"),
                    statement: "Sasaran lain".into(),
                    position: None,
                }
            )
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "tidak ada dalam organisasi ini",
            s.create_objective(
                "editor",
                a,
                b_unit,
                &ObjectiveInput {
                    code: code("SS9"),
                    statement: "Sasaran di organisasi lain".into(),
                    position: None,
                }
            )
        );
        let spec = |c: &str| IndicatorSpec {
            code: code(c),
            name: "Indikator baru".into(),
            iku: false,
            satuan: None,
            polarity: None,
            aggregation: None,
            definition: None,
            formula: None,
            data_source: None,
            responsible: None,
            baseline: None,
            decimals: None,
            periodisation: None,
            position: None,
        };
        // Indicator codes are unique within the unit, across its objectives.
        refused!(
            db,
            StoreError::Conflict(_),
            "sudah dipakai",
            s.create_indicator(
                "editor",
                a,
                t.objective_id(&key("kepala-dinas"), &code("SS2"))
                    .expect("kepala SS2"),
                &spec("IKU1")
            )
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "desimal",
            s.create_indicator(
                "editor",
                a,
                bidang_ss1,
                &IndicatorSpec {
                    decimals: Some(7),
                    ..spec("IK9")
                }
            )
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "baseline",
            s.create_indicator(
                "editor",
                a,
                bidang_ss1,
                &IndicatorSpec {
                    baseline: Some(TargetValue::Range { min: 5.0, max: 1.0 }),
                    ..spec("IK9")
                }
            )
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "sasaran dengan id",
            s.create_support("editor", a, seksi_ss1, 987_654, 1.0)
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "sasaran dengan id",
            s.create_support("editor", a, seksi_ss1, b_objective, 1.0)
        );
        refused!(
            db,
            StoreError::Conflict(_),
            "sudah mendukung",
            s.create_support("editor", a, seksi_ss1, bidang_ss1, 2.0)
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "dirinya sendiri",
            s.create_support("editor", a, seksi_ss1, seksi_ss1, 1.0)
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "bobot",
            s.create_support("editor", a, bidang_ss1, seksi_ss1, 0.0)
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "bobot",
            s.update_support(
                "editor",
                a,
                t.units[0].objectives[0].supports[0].id,
                f64::NAN
            )
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "di luar periode Renstra",
            s.set_target("editor", a, iku1, 2031, &TargetValue::Number(90.0))
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "batas bawah",
            s.set_target(
                "editor",
                a,
                iku1,
                2025,
                &TargetValue::Range { min: 9.0, max: 1.0 }
            )
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "tidak terhingga",
            s.set_target("editor", a, iku1, 2025, &TargetValue::Number(f64::INFINITY))
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "nilai kosong",
            s.set_target(
                "editor",
                a,
                iku1,
                2025,
                &TargetValue::Qualitative(" ".into())
            )
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "belum memiliki target tahun 2024",
            s.delete_target("editor", a, iku1, 2024)
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "masa jabatan",
            s.create_official(
                "editor",
                a,
                kepala,
                &Official {
                    name: "Tono".into(),
                    nip: None,
                    pangkat: None,
                    golongan: None,
                    appointment: Appointment::Plh,
                    since: NaiveDate::from_ymd_opt(2026, 1, 1),
                    until: NaiveDate::from_ymd_opt(2025, 1, 1),
                }
            )
        );
        refused!(
            db,
            StoreError::NotFound(_),
            "organisasi dengan id 987654",
            s.delete_unit("editor", 987_654, kepala)
        );
        refused!(
            db,
            StoreError::Invalid(_),
            "pelaku",
            s.delete_official("", a, t.units[1].officials[0])
        );
    }
}

/// Every write of an edit is a failure point; a failed edit changes nothing and writes no
/// audit record.
#[tokio::test]
async fn failed_edits_change_nothing() {
    for db in backends().await {
        let s = &db.store;
        let a = import(s, &rich_org("Dinas A")).await;
        let t = tree(s, a).await;
        let kepala = t.unit_id(&key("kepala-dinas")).expect("kepala");
        let perizinan = t.unit_id(&key("bidang-perizinan")).expect("perizinan");
        let iku1 = t
            .indicator_id(&key("kepala-dinas"), &code("IKU1"))
            .expect("IKU1");

        let input = UnitInput {
            key: key("seksi-baru"),
            name: "Seksi Baru".into(),
            kind: UnitKind::Seksi,
            parent_id: Some(kepala),
            position: None,
        };
        let mut writes = Vec::new();
        for step in 0..3 {
            for n in 0.. {
                let unchanged = Unchanged::take(&db).await;
                s.fail_after_writes(n);
                let result = match step {
                    0 => s.create_unit("editor", a, &input).await.map(|_| ()),
                    1 => s
                        .set_target("editor", a, iku1, 2027, &TargetValue::Number(1.5))
                        .await
                        .map(|_| ()),
                    _ => s.delete_unit("editor", a, perizinan).await,
                };
                match result {
                    Err(e) => {
                        assert!(e.to_string().contains("kegagalan buatan"), "{e}");
                        unchanged.check(&db, &format!("{} n={n}", db.label)).await;
                    }
                    Ok(()) => {
                        writes.push(n);
                        break;
                    }
                }
            }
        }
        // Insert + audit; update + audit; six deletes + audit.
        assert_eq!(writes, vec![2, 2, 7], "{}", db.label);
    }
}

#[tokio::test]
async fn deleting_a_unit_removes_its_tree_and_the_links_to_it() {
    for db in backends().await {
        let s = &db.store;
        let a = import(s, &rich_org("Dinas A")).await;
        let before = rich_org("Dinas A");
        let t = tree(s, a).await;
        let perizinan = t.unit_id(&key("bidang-perizinan")).expect("perizinan");
        s.delete_unit("editor", a, perizinan)
            .await
            .expect("delete unit");

        // Expected: the unit gone, and the Seksi's crosscutting link to it gone.
        let mut draft = before.clone().into_draft();
        let gone = draft
            .units
            .iter()
            .position(|u| u.key == key("bidang-perizinan"))
            .expect("unit");
        let removed = draft.units.remove(gone);
        draft.units[0].objectives[0].supports.truncate(1);
        let expected = draft.validate().expect("valid");
        assert_eq!(
            s.load_organisation(a).await.expect("load"),
            expected,
            "{}",
            db.label
        );

        let log = audit_log(s).await;
        let r = &log[0];
        assert_eq!(r.entity, entity::UNIT);
        assert_eq!(r.action, AuditAction::Delete);
        assert_eq!(
            field(&r.before, "contents"),
            &serde_json::to_value(&removed).expect("json")
        );
        let links = field(&r.before, "supported_by")
            .as_array()
            .cloned()
            .unwrap_or_default();
        // The Seksi's crosscutting link, and the unit's own SS2 → SS1.
        assert_eq!(links.len(), 2, "{links:?}");
        assert!(links.iter().any(|l| l["unit"] == json!("seksi-pelatihan")));
    }
}

#[tokio::test]
async fn deleting_an_objective_removes_the_links_that_support_it() {
    for db in backends().await {
        let s = &db.store;
        let a = import(s, &rich_org("Dinas A")).await;
        let t = tree(s, a).await;
        let kepala_ss1 = t
            .objective_id(&key("kepala-dinas"), &code("SS1"))
            .expect("SS1");
        s.delete_objective("editor", a, kepala_ss1)
            .await
            .expect("delete objective");
        let mut draft = rich_org("Dinas A").into_draft();
        draft.units[1].objectives.remove(0);
        let perizinan = &mut draft.units[3];
        perizinan.objectives[0].supports.clear();
        perizinan.objectives[1].supports.remove(0);
        let expected = draft.validate().expect("valid");
        assert_eq!(
            s.load_organisation(a).await.expect("load"),
            expected,
            "{}",
            db.label
        );
        let log = audit_log(s).await;
        assert_eq!(log.len(), 2);
        assert_eq!(
            field(&log[0].before, "supported_by")
                .as_array()
                .map(Vec::len),
            Some(2)
        );
    }
}

#[tokio::test]
async fn positions_order_what_is_loaded() {
    for db in backends().await {
        let s = &db.store;
        let a = import(s, &small_org("Badan A")).await;
        let t = tree(s, a).await;
        let kepala = t.unit_id(&key("kepala")).expect("kepala");
        let objective = |c: &str, position| ObjectiveInput {
            code: code(c),
            statement: format!("Sasaran {c}"),
            position,
        };
        s.create_objective("editor", a, kepala, &objective("SS3", None))
            .await
            .expect("append");
        let first = s
            .create_objective("editor", a, kepala, &objective("SS0", Some(-5)))
            .await
            .expect("first");
        let codes = |org: &Organisation| -> Vec<String> {
            org.units[0]
                .objectives
                .iter()
                .map(|o| o.code.to_string())
                .collect()
        };
        let org = s.load_organisation(a).await.expect("load");
        assert_eq!(codes(&org), ["SS0", "SS1", "SS3"], "{}", db.label);
        s.update_objective("editor", a, first, &objective("SS0", Some(100)))
            .await
            .expect("move last");
        let org = s.load_organisation(a).await.expect("load");
        assert_eq!(codes(&org), ["SS1", "SS3", "SS0"], "{}", db.label);
    }
}
