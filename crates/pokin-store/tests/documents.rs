//! Programs with their pagu, realised budget, document settings and Perjanjian Kinerja
//! versions through the public API. Refusals and injected failures change nothing and write no
//! audit record. Every test runs on SQLite, and on PostgreSQL when `POKIN_TEST_DATABASE_URL`
//! is set.

mod common;

use chrono::NaiveDate;
use common::{TestDb, Unchanged, audit_log, backends, code, import, key, rich_org, rows_of_org};
use pokin_domain::document::{
    Amendment, AmendmentReason, DocumentSettings, PerjanjianKinerja, perjanjian_kinerja,
};
use pokin_domain::measure::MeasurementBatch;
use pokin_domain::program::{BudgetYear, Program, ProgramLevel};
use pokin_domain::{Organisation, UnitKey};
use pokin_store::{
    AuditAction, AuditRecord, ImportMode, ObjectiveInput, StoreError, UnitInput, entity,
};
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// Fixtures.

fn program(
    c: &str,
    level: ProgramLevel,
    parent: Option<&str>,
    unit: &str,
    objective: Option<&str>,
    pagu: &[(i32, f64)],
) -> Program {
    Program {
        code: c.into(),
        level,
        name: format!("Nama {c}"),
        parent: parent.map(Into::into),
        unit: key(unit),
        objective: objective.map(code),
        pagu: pagu.iter().copied().collect(),
    }
}

/// The rich test organisation (Renstra 2025–2029) with two programs, a kegiatan and a sub
/// kegiatan, listed out of hierarchy order.
fn org_with_programs(name: &str) -> Organisation {
    let mut draft = rich_org(name).into_draft();
    draft.programs = vec![
        program(
            "2.18.01",
            ProgramLevel::Program,
            None,
            "kepala-dinas",
            Some("SS1"),
            &[(2025, 1_000_000_000.0), (2026, 1_250_000_000.5)],
        ),
        program(
            "2.18.02",
            ProgramLevel::Program,
            None,
            "kepala-dinas",
            Some("SS2"),
            &[],
        ),
        program(
            "2.18.01.2.01",
            ProgramLevel::Kegiatan,
            Some("2.18.01"),
            "bidang-perizinan",
            Some("SS1"),
            &[(2026, 500_000_000.0)],
        ),
        program(
            "2.18.01.2.01.0001",
            ProgramLevel::SubKegiatan,
            Some("2.18.01.2.01"),
            "bidang-perizinan",
            Some("SS2"),
            &[(2026, 200_000_000.0)],
        ),
    ];
    draft.validate().expect("valid organisation with programs")
}

fn settings() -> DocumentSettings {
    DocumentSettings {
        region: "Kabupaten Boyolali".into(),
        place: "Boyolali".into(),
        head_title: "Bupati Boyolali".into(),
        head_name: "Agus Irawan".into(),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// The draft Perjanjian Kinerja of `unit` for 2026, built by the domain from the stored tree.
async fn pk_draft(db: &TestDb, org_id: i64, unit: &str, signed_on: NaiveDate) -> PerjanjianKinerja {
    let org = db.store.load_organisation(org_id).await.expect("load");
    perjanjian_kinerja(
        &org,
        &key(unit),
        2026,
        signed_on,
        &settings(),
        &HashMap::new(),
    )
    .expect("draft PK")
}

fn amendment(reason: AmendmentReason, note: &str) -> Option<Amendment> {
    Some(Amendment {
        reason,
        note: note.into(),
    })
}

/// Everything this module's operations can change: what [`Unchanged`] sees (every tree,
/// the audit log, raw row counts) plus realised budget, settings and PK versions by value.
struct Snapshot {
    unchanged: Unchanged,
    values: String,
}

impl Snapshot {
    async fn take(db: &TestDb, org_id: i64) -> Snapshot {
        Snapshot {
            unchanged: Unchanged::take(db).await,
            values: values(db, org_id).await,
        }
    }

    async fn check(&self, db: &TestDb, org_id: i64, context: &str) {
        self.unchanged.check(db, context).await;
        assert_eq!(values(db, org_id).await, self.values, "{context}");
    }
}

async fn values(db: &TestDb, org_id: i64) -> String {
    let s = &db.store;
    let budget: BTreeMap<i32, BTreeMap<String, BudgetYear>> = s
        .budget_realisations_by_year(org_id)
        .await
        .expect("budget")
        .into_iter()
        .map(|(y, m)| (y, m.into_iter().collect()))
        .collect();
    let settings = s.document_settings(org_id).await.expect("settings");
    let versions = s.pk_versions_of_year(org_id, 2026).await.expect("versions");
    format!("{budget:?}\n{settings:?}\n{versions:?}")
}

/// Asserts that `result` is the refusal `pattern` whose message contains every one of
/// `words`, and that nothing changed.
macro_rules! refused {
    ($db:expr, $org:expr, $pattern:pat, [$($word:expr),* $(,)?], $op:expr) => {{
        let before = Snapshot::take(&$db, $org).await;
        let e = match $op.await {
            Err(e) => e,
            Ok(v) => panic!("{}: expected a refusal, got {v:?}", stringify!($op)),
        };
        assert!(matches!(e, $pattern), "{}: {e:?}", stringify!($op));
        let message = e.to_string();
        $(
            assert!(message.contains($word), "{}: {message:?} lacks {:?}", stringify!($op), $word);
        )*
        before.check(&$db, $org, &format!("{} {}", $db.label, stringify!($op))).await;
        message
    }};
}

/// Runs `op` with an injected fault at each write in turn until it succeeds; every failed run
/// must leave everything as it was. Returns how many writes succeeded before the success.
async fn fails_cleanly(
    db: &TestDb,
    org_id: i64,
    what: &str,
    op: impl AsyncFn() -> Result<(), StoreError>,
) -> usize {
    for n in 0..60 {
        let before = Snapshot::take(db, org_id).await;
        db.store.fail_after_writes(n);
        match op().await {
            Err(e) => {
                assert!(
                    e.to_string().contains("kegagalan buatan"),
                    "{what} n={n}: {e}"
                );
                before
                    .check(db, org_id, &format!("{} {what} n={n}", db.label))
                    .await;
            }
            Ok(()) => return n,
        }
    }
    panic!("{what} never succeeded");
}

async fn last_record(db: &TestDb) -> AuditRecord {
    audit_log(&db.store).await.remove(0)
}

fn programs_of(org: &Organisation) -> Vec<Program> {
    org.programs.clone()
}

fn find<'a>(org: &'a Organisation, c: &str) -> &'a Program {
    org.programs
        .iter()
        .find(|p| p.code == c)
        .unwrap_or_else(|| panic!("program {c}"))
}

// ---------------------------------------------------------------------------------------------
// Programs with the tree.

#[tokio::test]
async fn programs_round_trip_with_the_tree_and_are_replaced_with_it() {
    for db in backends().await {
        let s = &db.store;
        let org = org_with_programs("Dinas A");
        let id = import(s, &org).await;
        let loaded = s.load_organisation(id).await.expect("load");
        assert_eq!(loaded, org, "{}", db.label);
        assert_eq!(
            loaded
                .programs
                .iter()
                .map(|p| p.code.as_str())
                .collect::<Vec<_>>(),
            ["2.18.01", "2.18.02", "2.18.01.2.01", "2.18.01.2.01.0001"],
            "stored order"
        );
        assert_eq!(
            find(&loaded, "2.18.01").pagu.get(&2026),
            Some(&1_250_000_000.5)
        );

        // Realised budget is kept by code across a replacing import; programs are replaced.
        s.set_budget_realisation("tester", id, "2.18.01.2.01", 2026, 1, Some(75_000_000.0))
            .await
            .expect("budget");
        let mut draft = org.clone().into_draft();
        draft.programs.retain(|p| p.code == "2.18.02");
        draft.programs[0].pagu.insert(2027, 9.0);
        let replacement = draft.validate().expect("valid");
        let same = s
            .import_organisation("tester", &replacement, ImportMode::Replace)
            .await
            .expect("replace");
        assert_eq!(same, id);
        let after = s.load_organisation(id).await.expect("load");
        assert_eq!(programs_of(&after), replacement.programs, "{}", db.label);
        let budget = s.budget_realisations(id, 2026).await.expect("budget");
        assert_eq!(
            budget.get("2.18.01.2.01").map(|b| b.quarters),
            Some([Some(75_000_000.0), None, None, None]),
            "realised budget survives a replace ({})",
            db.label
        );

        // Deleting the organisation removes programs, pagu, budget, settings and PK versions.
        s.set_document_settings("tester", id, &settings())
            .await
            .expect("settings");
        let doc = pk_draft(&db, id, "kepala-dinas", date(2026, 1, 5)).await;
        s.establish_pk("tester", id, &doc, None).await.expect("pk");
        assert!(rows_of_org(&db, id).await > 0);
        s.delete_organisation("tester", id).await.expect("delete");
        assert_eq!(rows_of_org(&db, id).await, 0, "{}", db.label);
    }
}

#[tokio::test]
async fn renaming_units_and_objectives_carries_into_programs() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        let tree = s.load_tree_with_ids(id).await.expect("tree");

        let unit_id = tree.unit_id(&key("bidang-perizinan")).expect("unit");
        let unit = &tree
            .organisation
            .units
            .iter()
            .find(|u| u.key == key("bidang-perizinan"))
            .expect("unit");
        let parent_id = tree.unit_id(&key("kepala-dinas"));
        s.update_unit(
            "editor",
            id,
            unit_id,
            &UnitInput {
                key: key("bidang-pelayanan"),
                name: unit.name.clone(),
                kind: unit.kind,
                parent_id,
                position: None,
            },
        )
        .await
        .expect("rename unit");
        let org = s.load_organisation(id).await.expect("load");
        assert_eq!(find(&org, "2.18.01.2.01").unit, key("bidang-pelayanan"));
        assert_eq!(
            find(&org, "2.18.01.2.01.0001").unit,
            key("bidang-pelayanan")
        );
        assert_eq!(find(&org, "2.18.01").unit, key("kepala-dinas"));

        let objective_id = tree
            .objective_id(&key("bidang-perizinan"), &code("SS2"))
            .expect("objective");
        let statement = org
            .units
            .iter()
            .find(|u| u.key == key("bidang-pelayanan"))
            .and_then(|u| u.objectives.iter().find(|o| o.code == code("SS2")))
            .expect("objective")
            .statement
            .clone();
        s.update_objective(
            "editor",
            id,
            objective_id,
            &ObjectiveInput {
                code: code("SS9"),
                statement,
                position: None,
            },
        )
        .await
        .expect("rename objective");
        let org = s.load_organisation(id).await.expect("load");
        assert_eq!(find(&org, "2.18.01.2.01.0001").objective, Some(code("SS9")));
        // The same code on another unit is not touched.
        assert_eq!(find(&org, "2.18.02").objective, Some(code("SS2")));

        // Deleting an objective or a unit a program serves is refused, naming the program.
        let message = refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["sub kegiatan 2.18.01.2.01.0001", "SS9"],
            s.delete_objective("editor", id, objective_id)
        );
        assert!(message.contains("tidak ada"), "{message}");
        let tree = s.load_tree_with_ids(id).await.expect("tree");
        let sekretariat = tree.unit_id(&key("sekretariat")).expect("unit");
        // A unit no program names can go.
        s.delete_unit("editor", id, sekretariat)
            .await
            .expect("delete unit");
    }
}

// ---------------------------------------------------------------------------------------------
// Program edits.

#[tokio::test]
async fn saving_programs_creates_updates_and_renames() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;

        // Create: listed last, with its pagu, audited.
        let new = program(
            "2.18.02.2.01",
            ProgramLevel::Kegiatan,
            Some("2.18.02"),
            "bidang-tenaga-kerja",
            Some("SS1"),
            &[(2026, 300_000_000.0), (2027, 310_000_000.0)],
        );
        s.save_program("editor", id, None, &new)
            .await
            .expect("create");
        let org = s.load_organisation(id).await.expect("load");
        assert_eq!(org.programs.last(), Some(&new), "{}", db.label);
        let r = last_record(&db).await;
        assert_eq!(
            (r.entity.as_str(), r.action, r.before.is_none()),
            (entity::PROGRAM, AuditAction::Create, true)
        );
        assert_eq!(
            r.after.as_ref().expect("after")["pagu"]["2027"],
            310_000_000.0
        );

        // Update with a new code: children follow, pagu is replaced, realised budget is renamed.
        s.set_budget_realisation("editor", id, "2.18.01.2.01", 2026, 2, Some(10.0))
            .await
            .expect("budget");
        let mut changed = program(
            "2.18.01.2.09",
            ProgramLevel::Kegiatan,
            Some("2.18.01"),
            "bidang-perizinan",
            Some("SS2"),
            &[(2027, 1.0)],
        );
        changed.name = "Kegiatan yang diubah".into();
        s.save_program("editor", id, Some("2.18.01.2.01"), &changed)
            .await
            .expect("update");
        let org = s.load_organisation(id).await.expect("load");
        let position = org.programs.iter().position(|p| p.code == "2.18.01.2.09");
        assert_eq!(position, Some(2), "keeps its place");
        assert_eq!(find(&org, "2.18.01.2.09"), &changed);
        assert!(org.programs.iter().all(|p| p.code != "2.18.01.2.01"));
        assert_eq!(
            find(&org, "2.18.01.2.01.0001").parent.as_deref(),
            Some("2.18.01.2.09")
        );
        let budget = s.budget_realisations(id, 2026).await.expect("budget");
        assert!(!budget.contains_key("2.18.01.2.01"));
        assert_eq!(budget["2.18.01.2.09"].quarters[1], Some(10.0));
        let r = last_record(&db).await;
        assert_eq!(
            (r.entity.as_str(), r.action),
            (entity::PROGRAM, AuditAction::Update)
        );
        assert_eq!(r.before.as_ref().expect("before")["code"], "2.18.01.2.01");
        assert_eq!(
            r.before.as_ref().expect("before")["pagu"]["2026"],
            500_000_000.0
        );
        assert_eq!(r.after.as_ref().expect("after")["code"], "2.18.01.2.09");
        assert_eq!(
            r.after.as_ref().expect("after")["name"],
            "Kegiatan yang diubah"
        );
    }
}

#[tokio::test]
async fn refused_program_edits_change_nothing() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        let kegiatan = |c: &str, parent: &str| {
            program(
                c,
                ProgramLevel::Kegiatan,
                Some(parent),
                "bidang-perizinan",
                Some("SS1"),
                &[],
            )
        };
        refused!(
            db,
            id,
            StoreError::Conflict(_),
            ["2.18.02", "sudah dipakai"],
            s.save_program(
                "editor",
                id,
                None,
                &program(
                    "2.18.02",
                    ProgramLevel::Program,
                    None,
                    "kepala-dinas",
                    None,
                    &[]
                )
            )
        );
        refused!(
            db,
            id,
            StoreError::Conflict(_),
            ["2.18.01.2.01", "sudah dipakai"],
            s.save_program(
                "editor",
                id,
                Some("2.18.02"),
                &program(
                    "2.18.01.2.01",
                    ProgramLevel::Program,
                    None,
                    "kepala-dinas",
                    None,
                    &[]
                )
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["2.18 01", "tidak sah"],
            s.save_program("editor", id, None, &kegiatan("2.18 01", "2.18.01"))
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["nama", "kosong"],
            s.save_program(
                "editor",
                id,
                None,
                &Program {
                    name: "  ".into(),
                    ..kegiatan("2.18.01.2.05", "2.18.01")
                }
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["induk 9.99 tidak ada"],
            s.save_program("editor", id, None, &kegiatan("2.18.01.2.05", "9.99"))
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["sasaran SS7 tidak ada"],
            s.save_program(
                "editor",
                id,
                None,
                &Program {
                    objective: Some(code("SS7")),
                    ..kegiatan("2.18.01.2.05", "2.18.01")
                }
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["pagu 2031", "Renstra"],
            s.save_program(
                "editor",
                id,
                None,
                &Program {
                    pagu: [(2031, 1.0)].into(),
                    ..kegiatan("2.18.01.2.05", "2.18.01")
                }
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["pagu 2026", "negatif"],
            s.save_program(
                "editor",
                id,
                None,
                &Program {
                    pagu: [(2026, -1.0)].into(),
                    ..kegiatan("2.18.01.2.05", "2.18.01")
                }
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["pagu 2026"],
            s.save_program(
                "editor",
                id,
                None,
                &Program {
                    pagu: [(2026, f64::NAN)].into(),
                    ..kegiatan("2.18.01.2.05", "2.18.01")
                }
            )
        );
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["7.77", "tidak ada"],
            s.save_program(
                "editor",
                id,
                Some("7.77"),
                &kegiatan("2.18.01.2.05", "2.18.01")
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["unit bidang-x tidak ada"],
            s.save_program(
                "editor",
                id,
                None,
                &Program {
                    unit: key("bidang-x"),
                    ..kegiatan("2.18.01.2.05", "2.18.01")
                }
            )
        );
        // Deleting an item with children is refused; so is an unknown code.
        refused!(
            db,
            id,
            StoreError::Conflict(_),
            ["2.18.01.2.01", "masih membawahi 1"],
            s.delete_program("editor", id, "2.18.01.2.01")
        );
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["7.77"],
            s.delete_program("editor", id, "7.77")
        );
        // A rename onto realised budget kept from a deleted item is refused.
        s.set_budget_realisation("editor", id, "2.18.01.2.01.0001", 2026, 1, Some(5.0))
            .await
            .expect("budget");
        s.delete_program("editor", id, "2.18.01.2.01.0001")
            .await
            .expect("delete leaf");
        s.set_budget_realisation("editor", id, "2.18.01.2.01", 2026, 1, Some(6.0))
            .await
            .expect("budget");
        refused!(
            db,
            id,
            StoreError::Conflict(_),
            ["2.18.01.2.01.0001", "realisasi anggaran"],
            s.save_program(
                "editor",
                id,
                Some("2.18.01.2.01"),
                &kegiatan("2.18.01.2.01.0001", "2.18.01")
            )
        );
    }
}

#[tokio::test]
async fn deleting_a_program_keeps_its_realised_budget_and_is_audited() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        s.set_budget_realisation("editor", id, "2.18.01.2.01.0001", 2026, 3, Some(42.0))
            .await
            .expect("budget");
        s.delete_program("editor", id, "2.18.01.2.01.0001")
            .await
            .expect("delete");
        let org = s.load_organisation(id).await.expect("load");
        assert_eq!(org.programs.len(), 3);
        let r = last_record(&db).await;
        assert_eq!(
            (r.entity.as_str(), r.action),
            (entity::PROGRAM, AuditAction::Delete)
        );
        assert_eq!(
            r.before.as_ref().expect("before")["code"],
            "2.18.01.2.01.0001"
        );
        assert_eq!(
            r.before.as_ref().expect("before")["pagu"]["2026"],
            200_000_000.0
        );
        assert!(r.after.is_none());
        let budget = s.budget_realisations(id, 2026).await.expect("budget");
        assert_eq!(budget["2.18.01.2.01.0001"].quarters[2], Some(42.0));
    }
}

#[tokio::test]
async fn save_program_is_atomic() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        s.set_budget_realisation("editor", id, "2.18.01.2.01", 2026, 1, Some(1.0))
            .await
            .expect("budget");
        let renamed = program(
            "2.18.01.2.02",
            ProgramLevel::Kegiatan,
            Some("2.18.01"),
            "bidang-perizinan",
            None,
            &[(2025, 1.0), (2026, 2.0)],
        );
        let writes = fails_cleanly(&db, id, "save_program", async || {
            s.save_program("editor", id, Some("2.18.01.2.01"), &renamed)
                .await
        })
        .await;
        // Delete pagu, update, children, budget, two pagu rows, then the audit record.
        assert!(writes >= 6, "{writes}");
        let org = s.load_organisation(id).await.expect("load");
        assert_eq!(find(&org, "2.18.01.2.02"), &renamed);
        fails_cleanly(&db, id, "delete_program", async || {
            s.delete_program("editor", id, "2.18.01.2.01.0001").await
        })
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// Realised budget.

#[tokio::test]
async fn budget_realisations_are_set_cleared_and_refused() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        assert!(
            s.budget_realisations(id, 2026)
                .await
                .expect("empty")
                .is_empty()
        );

        s.set_budget_realisation("operator", id, "2.18.01", 2026, 1, Some(100.5))
            .await
            .expect("set");
        let r = last_record(&db).await;
        assert_eq!(
            (r.entity.as_str(), r.action, r.before.is_none()),
            (entity::BUDGET_REALISATION, AuditAction::Create, true)
        );
        assert_eq!(r.after.as_ref().expect("after")["amount"], 100.5);
        s.set_budget_realisation("operator", id, "2.18.01", 2026, 4, Some(0.0))
            .await
            .expect("set zero");
        s.set_budget_realisation("operator", id, "2.18.01", 2026, 1, Some(120.0))
            .await
            .expect("update");
        let r = last_record(&db).await;
        assert_eq!(r.action, AuditAction::Update);
        assert_eq!(r.before.as_ref().expect("before")["amount"], 100.5);
        assert_eq!(r.after.as_ref().expect("after")["amount"], 120.0);
        s.set_budget_realisation("operator", id, "2.18.01", 2027, 2, Some(7.0))
            .await
            .expect("other year");

        let y2026 = s.budget_realisations(id, 2026).await.expect("2026");
        assert_eq!(y2026.len(), 1);
        assert_eq!(
            y2026["2.18.01"].quarters,
            [Some(120.0), None, None, Some(0.0)]
        );
        assert_eq!(y2026["2.18.01"].total(), Some(120.0));
        let all = s.budget_realisations_by_year(id).await.expect("all");
        assert_eq!(all[&2027]["2.18.01"].quarters[1], Some(7.0));

        s.set_budget_realisation("operator", id, "2.18.01", 2026, 1, None)
            .await
            .expect("clear");
        let r = last_record(&db).await;
        assert_eq!((r.action, r.after.is_none()), (AuditAction::Delete, true));
        assert_eq!(
            s.budget_realisations(id, 2026).await.expect("2026")["2.18.01"].quarters,
            [None, None, None, Some(0.0)]
        );

        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["TW 1 2026", "angka"],
            s.set_budget_realisation("operator", id, "2.18.01", 2026, 1, Some(f64::NAN))
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["negatif"],
            s.set_budget_realisation("operator", id, "2.18.01", 2026, 1, Some(-1.0))
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["terlalu besar"],
            s.set_budget_realisation("operator", id, "2.18.01", 2026, 1, Some(2e15))
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["triwulan 5"],
            s.set_budget_realisation("operator", id, "2.18.01", 2026, 5, Some(1.0))
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["triwulan 0"],
            s.set_budget_realisation("operator", id, "2.18.01", 2026, 0, None)
        );
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["9.99.99", "tidak ada"],
            s.set_budget_realisation("operator", id, "9.99.99", 2026, 1, Some(1.0))
        );
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["organisasi"],
            s.set_budget_realisation("operator", id + 1000, "2.18.01", 2026, 1, Some(1.0))
        );
    }
}

#[tokio::test]
async fn a_batch_applies_pagu_and_realised_budget_all_or_nothing() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        s.set_budget_realisation("operator", id, "2.18.02", 2026, 1, Some(3.0))
            .await
            .expect("budget");
        let batch = MeasurementBatch {
            pagu: vec![
                ("2.18.02".into(), 2026, Some(800.0)),
                ("2.18.01".into(), 2025, None),
            ],
            budget_realisations: vec![
                ("2.18.02".into(), 2026, 1, Some(4.0)),
                ("2.18.02".into(), 2026, 2, Some(5.0)),
                ("2.18.01".into(), 2026, 3, None),
            ],
            ..MeasurementBatch::default()
        };
        s.apply_measurements("operator", id, &batch)
            .await
            .expect("apply");
        let org = s.load_organisation(id).await.expect("load");
        assert_eq!(find(&org, "2.18.02").pagu, BTreeMap::from([(2026, 800.0)]));
        assert_eq!(
            find(&org, "2.18.01").pagu,
            BTreeMap::from([(2026, 1_250_000_000.5)])
        );
        let budget = s.budget_realisations(id, 2026).await.expect("budget");
        assert_eq!(
            budget["2.18.02"].quarters,
            [Some(4.0), Some(5.0), None, None]
        );
        let r = last_record(&db).await;
        assert_eq!(r.entity, entity::MEASUREMENT_BATCH);
        let before = r.before.expect("before");
        assert_eq!(before["pagu"][1][2], 1_000_000_000.0, "the replaced pagu");
        assert_eq!(
            before["budget_realisations"][0][3], 3.0,
            "the replaced amount"
        );

        // One bad entry refuses the whole batch and names every bad program code.
        let bad = MeasurementBatch {
            pagu: vec![
                ("2.18.02".into(), 2026, Some(1.0)),
                ("2.18.01".into(), 2031, Some(1.0)),
                ("8.88".into(), 2026, Some(1.0)),
            ],
            budget_realisations: vec![
                ("2.18.02".into(), 2026, 3, Some(1.0)),
                ("2.18.02".into(), 2026, 5, Some(1.0)),
                ("2.18.01".into(), 2026, 1, Some(-2.0)),
                ("9.99".into(), 2026, 1, Some(1.0)),
            ],
            ..MeasurementBatch::default()
        };
        let message = refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["8.88", "9.99", "triwulan 5", "negatif"],
            s.apply_measurements("operator", id, &bad)
        );
        assert!(message.contains("2.18.01"), "{message}");
        // The Renstra check on pagu comes from the domain once the rest is acceptable.
        let outside = MeasurementBatch {
            pagu: vec![("2.18.01".into(), 2031, Some(1.0))],
            ..MeasurementBatch::default()
        };
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["2.18.01", "2031", "Renstra"],
            s.apply_measurements("operator", id, &outside)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Document settings.

#[tokio::test]
async fn document_settings_are_validated_and_audited() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &rich_org("Dinas A")).await;
        assert_eq!(
            s.document_settings(id).await.expect("default"),
            DocumentSettings::default()
        );
        let message = refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["nama daerah belum diisi", "nama kepala daerah belum diisi"],
            s.set_document_settings(
                "perencana",
                id,
                &DocumentSettings {
                    region: " ".into(),
                    head_name: String::new(),
                    ..settings()
                }
            )
        );
        assert!(!message.contains("tempat penandatanganan"), "{message}");
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["terlalu panjang"],
            s.set_document_settings(
                "perencana",
                id,
                &DocumentSettings {
                    place: "x".repeat(201),
                    ..settings()
                }
            )
        );
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["organisasi"],
            s.set_document_settings("perencana", id + 1000, &settings())
        );

        s.set_document_settings(
            "perencana",
            id,
            &DocumentSettings {
                region: "  Kabupaten Boyolali ".into(),
                ..settings()
            },
        )
        .await
        .expect("set");
        assert_eq!(
            s.document_settings(id).await.expect("read"),
            settings(),
            "trimmed"
        );
        let r = last_record(&db).await;
        assert_eq!(
            (r.entity.as_str(), r.action, r.entity_id),
            (entity::DOCUMENT_SETTINGS, AuditAction::Create, Some(id))
        );
        let changed = DocumentSettings {
            head_name: "Nama Baru".into(),
            ..settings()
        };
        s.set_document_settings("perencana", id, &changed)
            .await
            .expect("update");
        assert_eq!(s.document_settings(id).await.expect("read"), changed);
        let r = last_record(&db).await;
        assert_eq!(r.action, AuditAction::Update);
        assert_eq!(r.before.expect("before")["head_name"], "Agus Irawan");
        assert_eq!(r.after.expect("after")["head_name"], "Nama Baru");
    }
}

// ---------------------------------------------------------------------------------------------
// Perjanjian Kinerja versions.

#[tokio::test]
async fn pk_versions_are_numbered_and_kept_as_established() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        s.set_document_settings("perencana", id, &settings())
            .await
            .expect("settings");
        let head: UnitKey = key("kepala-dinas");
        assert!(
            s.pk_versions(id, &head, 2026)
                .await
                .expect("none")
                .is_empty()
        );

        let v1_doc = pk_draft(&db, id, "kepala-dinas", date(2026, 1, 5)).await;
        assert_eq!(v1_doc.version, 0, "the domain builds a draft");
        let v1 = s
            .establish_pk("perencana", id, &v1_doc, None)
            .await
            .expect("v1");
        assert_eq!((v1.version, v1.year, &v1.unit), (1, 2026, &head));
        assert_eq!(v1.amendment, None);
        assert_eq!(v1.signed_on, date(2026, 1, 5));
        assert_eq!(v1.first_name, v1_doc.first.name);
        assert_eq!(v1.created_by, "perencana");
        let r = last_record(&db).await;
        assert_eq!(
            (r.entity.as_str(), r.action),
            (entity::PERJANJIAN_KINERJA, AuditAction::Create)
        );
        assert_eq!(r.after.as_ref().expect("after")["document"]["version"], 1);

        // The tree changes: an objective's statement and a pagu.
        let tree = s.load_tree_with_ids(id).await.expect("tree");
        let ss1 = tree.objective_id(&head, &code("SS1")).expect("SS1");
        s.update_objective(
            "editor",
            id,
            ss1,
            &ObjectiveInput {
                code: code("SS1"),
                statement: "Pernyataan sasaran yang baru".into(),
                position: None,
            },
        )
        .await
        .expect("change statement");
        let v2_doc = pk_draft(&db, id, "kepala-dinas", date(2026, 6, 1)).await;
        assert_ne!(v2_doc.objectives, v1_doc.objectives, "the tree did change");
        let v2 = s
            .establish_pk(
                "perencana",
                id,
                &v2_doc,
                amendment(
                    AmendmentReason::PerubahanStrategi,
                    "  Sasaran dirumuskan ulang. ",
                ),
            )
            .await
            .expect("v2");
        assert_eq!(v2.version, 2);
        assert_eq!(
            v2.amendment,
            amendment(
                AmendmentReason::PerubahanStrategi,
                "Sasaran dirumuskan ulang."
            )
        );
        let v3 = s
            .establish_pk(
                "perencana",
                id,
                &v2_doc,
                amendment(AmendmentReason::PergantianPejabat, "Kepala dinas baru."),
            )
            .await
            .expect("v3");
        assert_eq!(v3.version, 3);

        // Version 1 renders exactly as established, whatever the tree became.
        let stored_v1 = s
            .pk_version(id, &head, 2026, 1)
            .await
            .expect("read")
            .expect("v1");
        assert_eq!(
            stored_v1,
            PerjanjianKinerja {
                version: 1,
                ..v1_doc.clone()
            }
        );
        let stored_v2 = s
            .pk_version(id, &head, 2026, 2)
            .await
            .expect("read")
            .expect("v2");
        assert_eq!(stored_v2.version, 2);
        assert_eq!(stored_v2.amendment, v2.amendment);
        assert_eq!(stored_v2.objectives, v2_doc.objectives);
        assert_eq!(s.pk_version(id, &head, 2026, 4).await.expect("read"), None);
        assert_eq!(s.pk_version(id, &head, 2025, 1).await.expect("read"), None);

        let listed = s.pk_versions(id, &head, 2026).await.expect("list");
        assert_eq!(listed, vec![v1.clone(), v2.clone(), v3.clone()]);
        // Another unit starts at version 1; the year's list holds both units.
        let seksi = pk_draft(&db, id, "seksi-pelatihan", date(2026, 1, 6)).await;
        let other = s
            .establish_pk("perencana", id, &seksi, None)
            .await
            .expect("seksi v1");
        assert_eq!(other.version, 1);
        let year = s.pk_versions_of_year(id, 2026).await.expect("year");
        assert_eq!(year, vec![v1, v2, v3, other]);
        assert!(
            s.pk_versions_of_year(id, 2027)
                .await
                .expect("none")
                .is_empty()
        );

        // Versions survive a replacing import and follow a renamed unit key.
        let org = s.load_organisation(id).await.expect("load");
        s.import_organisation("tester", &org, ImportMode::Replace)
            .await
            .expect("replace");
        assert_eq!(s.pk_versions(id, &head, 2026).await.expect("list").len(), 3);
        let tree = s.load_tree_with_ids(id).await.expect("tree");
        let seksi_id = tree.unit_id(&key("seksi-pelatihan")).expect("seksi");
        let unit = tree
            .organisation
            .units
            .iter()
            .find(|u| u.key == key("seksi-pelatihan"))
            .expect("seksi");
        s.update_unit(
            "editor",
            id,
            seksi_id,
            &UnitInput {
                key: key("seksi-pelatihan-kerja"),
                name: unit.name.clone(),
                kind: unit.kind,
                parent_id: tree.unit_id(&key("bidang-tenaga-kerja")),
                position: None,
            },
        )
        .await
        .expect("rename");
        let renamed = s
            .pk_versions(id, &key("seksi-pelatihan-kerja"), 2026)
            .await
            .expect("list");
        assert_eq!(renamed.len(), 1);
        assert_eq!(
            s.pk_version(id, &key("seksi-pelatihan-kerja"), 2026, 1)
                .await
                .expect("read")
                .expect("kept")
                .unit,
            key("seksi-pelatihan"),
            "the snapshot stays as established"
        );
    }
}

#[tokio::test]
async fn refused_pk_versions_change_nothing() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        let doc = pk_draft(&db, id, "kepala-dinas", date(2026, 1, 5)).await;
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["versi pertama", "tanpa alasan"],
            s.establish_pk(
                "perencana",
                id,
                &doc,
                amendment(AmendmentReason::PerubahanAnggaran, "Anggaran berubah.")
            )
        );
        let mut unknown = doc.clone();
        unknown.unit = key("bidang-hilang");
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["bidang-hilang"],
            s.establish_pk("perencana", id, &unknown, None)
        );
        refused!(
            db,
            id,
            StoreError::NotFound(_),
            ["organisasi"],
            s.establish_pk("perencana", id + 1000, &doc, None)
        );

        s.establish_pk("perencana", id, &doc, None)
            .await
            .expect("v1");
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["versi 2", "alasan"],
            s.establish_pk("perencana", id, &doc, None)
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["keterangan", "belum diisi"],
            s.establish_pk(
                "perencana",
                id,
                &doc,
                amendment(AmendmentReason::PerubahanAnggaran, "  \n ")
            )
        );
        refused!(
            db,
            id,
            StoreError::Invalid(_),
            ["terlalu panjang", "2000"],
            s.establish_pk(
                "perencana",
                id,
                &doc,
                amendment(AmendmentReason::PerubahanAnggaran, &"a".repeat(2001))
            )
        );
        // Exactly the limit is accepted.
        let v2 = s
            .establish_pk(
                "perencana",
                id,
                &doc,
                amendment(AmendmentReason::PerubahanAnggaran, &"é".repeat(2000)),
            )
            .await
            .expect("v2 at the limit");
        assert_eq!(v2.version, 2);
    }
}

#[tokio::test]
async fn establish_pk_is_atomic() {
    for db in backends().await {
        let s = &db.store;
        let id = import(s, &org_with_programs("Dinas A")).await;
        let doc = pk_draft(&db, id, "bidang-perizinan", date(2026, 1, 5)).await;
        let writes = fails_cleanly(&db, id, "establish_pk v1", async || {
            s.establish_pk("perencana", id, &doc, None)
                .await
                .map(|_| ())
        })
        .await;
        assert_eq!(writes, 2, "the version row and the audit record");
        fails_cleanly(&db, id, "establish_pk v2", async || {
            s.establish_pk(
                "perencana",
                id,
                &doc,
                amendment(AmendmentReason::PergantianPejabat, "Pejabat baru."),
            )
            .await
            .map(|_| ())
        })
        .await;
        let versions = s
            .pk_versions(id, &key("bidang-perizinan"), 2026)
            .await
            .expect("list");
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [1, 2]
        );
    }
}

#[test]
fn every_entity_has_an_indonesian_label() {
    for e in entity::ALL {
        // "unit" and "target" are the same words in Indonesian.
        if e != entity::UNIT && e != entity::TARGET {
            assert_ne!(entity::label(e), e, "{e} has no label");
        }
    }
    assert_eq!(
        entity::label(entity::PERJANJIAN_KINERJA),
        "perjanjian kinerja"
    );
    assert_eq!(entity::label("tidak-dikenal"), "tidak-dikenal");
}
