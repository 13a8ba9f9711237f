//! The measurement cycle through the public API: Rencana Aksi targets, realisations and their
//! workflow, evidence files, closing periods and reopening, batches of values, and how
//! measurements follow renamed units and indicators. Refusals and failures change nothing and
//! write no audit record. Every test runs on SQLite, and on PostgreSQL when
//! `POKIN_TEST_DATABASE_URL` is set.

mod common;

use common::{TestDb, Unchanged, audit_log, backends, code, import, key, rich_org, rows_of_org};
use pokin_domain::capaian::{Band, Ceiling, Periodisation, PredicateBands, Realisation};
use pokin_domain::measure::{
    Action, EvidenceKind, IndicatorKey, MeasureSettings, MeasurementBatch, Period,
    RealisationInput, ReopenStatus, Status,
};
use pokin_domain::{Organisation, TargetValue};
use pokin_store::{
    AuditAction, AuditFilter, AuditRecord, ImportMode, IndicatorSpec, Store, StoreError, UnitInput,
    entity,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Fixtures.

/// The rich test organisation (Renstra 2025–2029) with one monthly indicator
/// (`bidang-perizinan` IK2); every other indicator is quarterly.
fn measured_org(name: &str) -> Organisation {
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
    draft.validate().expect("valid")
}

fn ind(unit: &str, c: &str) -> IndicatorKey {
    IndicatorKey {
        unit: key(unit),
        code: code(c),
    }
}

/// A quarterly indicator (`bidang-perizinan` IK1).
fn ik1() -> IndicatorKey {
    ind("bidang-perizinan", "IK1")
}

/// The monthly indicator (`bidang-perizinan` IK2).
fn monthly() -> IndicatorKey {
    ind("bidang-perizinan", "IK2")
}

fn tw(year: i32, n: u8) -> Period {
    Period::new(year, Periodisation::Triwulan, n).expect("quarter")
}

fn month(year: i32, n: u8) -> Period {
    Period::new(year, Periodisation::Bulanan, n).expect("month")
}

fn number(v: f64) -> RealisationInput {
    RealisationInput {
        value: Some(Realisation::Number(v)),
        ..RealisationInput::default()
    }
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR....\0\0\0\0IEND\xAE\x42\x60\x82";

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A store on the test database with a fresh evidence folder.
fn with_evidence(db: &TestDb) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("evidence folder");
    (db.store.clone().with_evidence_dir(dir.path()), dir)
}

/// Everything measured in an organisation, as the API shows it (maps sorted, so the text is
/// stable).
async fn measurements(store: &Store, org_id: i64) -> String {
    let mut out = String::new();
    for year in [2025, 2026] {
        let y = store.year_measurements(org_id, year).await.expect("year");
        let verified: BTreeMap<_, _> = y.verified.iter().collect();
        out.push_str(&format!("{year}: {verified:?}\n{:?}\n", y.closed));
        for r in &y.realisations {
            let full = store
                .realisation(org_id, r.id)
                .await
                .expect("realisation")
                .expect("exists");
            out.push_str(&format!("{full:?}\n"));
        }
        let targets = store.period_targets(org_id, year).await.expect("targets");
        out.push_str(&format!("{targets:?}\n"));
    }
    let requests = store
        .reopen_requests(org_id, false)
        .await
        .expect("requests");
    let closed = store.closed_periods(org_id).await.expect("closed");
    let settings = store.measure_settings(org_id).await.expect("settings");
    out.push_str(&format!("{requests:?}\n{closed:?}\n{settings:?}\n"));
    out
}

/// What a refused or failed operation must leave as it was: the tree, the audit log, the raw
/// row counts of every table and everything measured.
struct Snapshot {
    base: Unchanged,
    measured: String,
}

impl Snapshot {
    async fn take(db: &TestDb, org_id: i64) -> Snapshot {
        Snapshot {
            base: Unchanged::take(db).await,
            measured: measurements(&db.store, org_id).await,
        }
    }

    async fn check(&self, db: &TestDb, org_id: i64, context: &str) {
        self.base.check(db, context).await;
        assert_eq!(
            measurements(&db.store, org_id).await,
            self.measured,
            "{context}"
        );
    }
}

/// Runs `op` with an injected fault at each write in turn until it succeeds; every failed run
/// must leave the database as it was. Returns how many writes the operation makes.
async fn fails_cleanly(
    db: &TestDb,
    org_id: i64,
    what: &str,
    op: impl AsyncFn() -> Result<(), StoreError>,
) -> usize {
    for n in 0..50 {
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

/// Asserts that `result` is the refusal `pattern` whose message contains every one of
/// `words`, and that the database did not change.
macro_rules! refused {
    ($db:expr, $org:expr, $pattern:pat, [$($word:expr),* $(,)?], $op:expr) => {{
        let before = Snapshot::take(&$db, $org).await;
        let result = $op.await;
        let e = match result {
            Err(e) => e,
            Ok(v) => panic!("{}: expected a refusal, got {v:?}", stringify!($op)),
        };
        assert!(matches!(e, $pattern), "{}: {e:?}", stringify!($op));
        let message = e.to_string();
        $(
            assert!(
                message.contains($word),
                "{}: the message {message:?} should mention {:?}",
                stringify!($op),
                $word
            );
        )*
        before.check(&$db, $org, stringify!($op)).await;
        message
    }};
}

async fn realisation_history(store: &Store, id: i64) -> Vec<AuditRecord> {
    store
        .audit_log(&AuditFilter {
            entity: Some(entity::REALISATION.into()),
            entity_id: Some(id),
            ..AuditFilter::default()
        })
        .await
        .expect("history")
}

async fn status_of(store: &Store, org_id: i64, id: i64) -> Status {
    store
        .realisation(org_id, id)
        .await
        .expect("read")
        .expect("exists")
        .status
}

// ---------------------------------------------------------------------------------------------
// The workflow.

#[tokio::test]
async fn realisation_workflow_happy_path() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        let p = tw(2026, 2);

        assert_eq!(s.realisation_at(org, &ik1(), p).await.expect("read"), None);
        let input = RealisationInput {
            value: Some(Realisation::Number(87.5)),
            kendala: Some("Server perizinan sempat mati.".into()),
            solusi: Some("Menambah server cadangan.".into()),
            pendorong: None,
        };
        let id = s
            .save_realisation("operator", org, &ik1(), p, &input)
            .await
            .expect("save draft");
        let r = s
            .realisation_at(org, &ik1(), p)
            .await
            .expect("read")
            .expect("saved");
        assert_eq!(r.id, id);
        assert_eq!(r.org_id, org);
        assert_eq!(r.indicator, ik1());
        assert_eq!(r.period, p);
        assert_eq!(r.input, input);
        assert_eq!(r.status, Status::Draft);
        assert_eq!(r.updated_by, "operator");
        assert!(!r.locked && !r.reopened && r.return_reason.is_none());
        assert!(r.evidence.is_empty());

        // Saving again updates the same row.
        let changed = RealisationInput {
            value: Some(Realisation::Number(90.0)),
            ..input.clone()
        };
        assert_eq!(
            s.save_realisation("operator", org, &ik1(), p, &changed)
                .await
                .expect("update draft"),
            id
        );
        assert_eq!(
            s.realisation(org, id)
                .await
                .expect("read")
                .expect("row")
                .input,
            changed
        );

        // Submit, return with a reason, submit again, verify.
        let step = |a, reason| s.transition_realisation("verifikator", org, id, a, reason);
        assert_eq!(
            s.transition_realisation("operator", org, id, Action::Ajukan, None)
                .await
                .expect("submit"),
            Status::Diajukan
        );
        assert_eq!(
            step(Action::Kembalikan, Some("  Lampirkan daftar hadir.  "))
                .await
                .expect("return"),
            Status::Dikembalikan
        );
        let r = s.realisation(org, id).await.expect("read").expect("row");
        assert_eq!(r.return_reason.as_deref(), Some("Lampirkan daftar hadir."));
        assert_eq!(r.updated_by, "verifikator");
        // A returned realisation can be corrected, and keeps its reason until verified.
        s.save_realisation("operator", org, &ik1(), p, &number(91.0))
            .await
            .expect("correct");
        let r = s.realisation(org, id).await.expect("read").expect("row");
        assert_eq!(r.status, Status::Dikembalikan);
        assert_eq!(r.return_reason.as_deref(), Some("Lampirkan daftar hadir."));
        assert_eq!(r.input, number(91.0));
        s.transition_realisation("operator", org, id, Action::Ajukan, None)
            .await
            .expect("submit again");
        assert_eq!(
            step(Action::Verifikasi, None).await.expect("verify"),
            Status::Diverifikasi
        );
        let r = s.realisation(org, id).await.expect("read").expect("row");
        assert_eq!(r.status, Status::Diverifikasi);
        assert_eq!(r.return_reason, None);
        // A verified realisation can still be returned (with a reason).
        assert_eq!(
            step(Action::Kembalikan, Some("Salah ketik."))
                .await
                .expect("return"),
            Status::Dikembalikan
        );
        step(Action::Kembalikan, Some("x"))
            .await
            .expect_err("not from dikembalikan");

        // Its history: one record per change, newest first, entity `realisation`.
        let history = realisation_history(s, id).await;
        let actions: Vec<AuditAction> = history.iter().map(|r| r.action).collect();
        assert_eq!(
            actions,
            [vec![AuditAction::Update; 7], vec![AuditAction::Create]].concat()
        );
        assert!(history.iter().all(|r| r.org_id == Some(org)));
        let verified = &history[1];
        assert_eq!(verified.actor, "verifikator");
        let after = verified.after.as_ref().expect("after");
        assert_eq!(after["status"], "diverifikasi");
        assert_eq!(after["step"], "verifikasi");
        assert_eq!(
            verified.before.as_ref().expect("before")["status"],
            "diajukan"
        );
        assert_eq!(
            history[7].after.as_ref().expect("after")["value_number"],
            87.5
        );

        // Lists.
        let all = s
            .indicator_realisations(org, &ik1())
            .await
            .expect("indicator realisations");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].id, id);
        let second = s
            .save_realisation("operator", org, &ik1(), tw(2025, 4), &number(3.0))
            .await
            .expect("earlier period");
        let all = s.indicator_realisations(org, &ik1()).await.expect("list");
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), [second, id]);
    }
}

#[tokio::test]
async fn workflow_refusals_change_nothing() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        let p = tw(2026, 1);
        let draft = s
            .save_realisation("operator", org, &ik1(), p, &RealisationInput::default())
            .await
            .expect("empty draft");

        // Unknown indicator, unknown organisation, wrong periodisation, bad input.
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["IK9", "tidak ada"],
            s.save_realisation(
                "operator",
                org,
                &ind("bidang-perizinan", "IK9"),
                p,
                &number(1.0)
            )
        );
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["organisasi"],
            s.save_realisation("operator", org + 100, &ik1(), p, &number(1.0))
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["per triwulan", "Maret 2026"],
            s.save_realisation("operator", org, &ik1(), month(2026, 3), &number(1.0))
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["per bulan", "TW I 2026"],
            s.save_realisation("operator", org, &monthly(), p, &number(1.0))
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["terhingga"],
            s.save_realisation("operator", org, &ik1(), p, &number(f64::NAN))
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["kendala", "terlalu panjang"],
            s.save_realisation(
                "operator",
                org,
                &ik1(),
                p,
                &RealisationInput {
                    kendala: Some("x".repeat(10_001)),
                    ..number(1.0)
                }
            )
        );

        // Submitting without a value; steps the status does not allow; returning without a
        // reason; an unknown realisation.
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["isi nilai realisasi"],
            s.transition_realisation("operator", org, draft, Action::Ajukan, None)
        );
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["verifikasi", "draf"],
            s.transition_realisation("verifikator", org, draft, Action::Verifikasi, None)
        );
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["realisasi", "999999"],
            s.transition_realisation("operator", org, 999_999, Action::Ajukan, None)
        );
        s.save_realisation("operator", org, &ik1(), p, &number(5.0))
            .await
            .expect("value");
        s.transition_realisation("operator", org, draft, Action::Ajukan, None)
            .await
            .expect("submit");
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["alasan pengembalian wajib diisi"],
            s.transition_realisation("verifikator", org, draft, Action::Kembalikan, Some("  "))
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["alasan pengembalian"],
            s.transition_realisation("verifikator", org, draft, Action::Kembalikan, None)
        );
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["ajukan", "diajukan"],
            s.transition_realisation("operator", org, draft, Action::Ajukan, None)
        );
        // Submitted and verified realisations cannot be edited.
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["berstatus diajukan", "tidak dapat diubah"],
            s.save_realisation("operator", org, &ik1(), p, &number(6.0))
        );
        s.transition_realisation("verifikator", org, draft, Action::Verifikasi, None)
            .await
            .expect("verify");
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["berstatus diverifikasi"],
            s.save_realisation("operator", org, &ik1(), p, &number(6.0))
        );

        // Locked: every change is refused, with the same clear sentence.
        let other = s
            .save_realisation(
                "operator",
                org,
                &ind("kepala-dinas", "IKU1"),
                p,
                &number(84.0),
            )
            .await
            .expect("another draft");
        s.close_period("perencana", org, 2026, 1)
            .await
            .expect("close");
        let locked = s.realisation(org, other).await.expect("read").expect("row");
        assert!(locked.locked);
        for msg in [
            refused!(
                db,
                org,
                StoreError::Conflict(_),
                ["terkunci", "TW I 2026 sudah ditutup", "pembukaan kembali"],
                s.save_realisation(
                    "operator",
                    org,
                    &ind("kepala-dinas", "IKU1"),
                    p,
                    &number(85.0)
                )
            ),
            refused!(
                db,
                org,
                StoreError::Conflict(_),
                ["terkunci"],
                s.transition_realisation("operator", org, other, Action::Ajukan, None)
            ),
            refused!(
                db,
                org,
                StoreError::Conflict(_),
                ["terkunci"],
                s.transition_realisation("verifikator", org, draft, Action::Kembalikan, Some("x"))
            ),
        ] {
            assert!(msg.ends_with('.'), "{msg}");
        }
        // A realisation entered for a closed period is locked from the start.
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["terkunci"],
            s.save_realisation(
                "operator",
                org,
                &ind("kepala-dinas", "IKU2"),
                p,
                &number(1.0)
            )
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence.

#[tokio::test]
async fn evidence_round_trip() {
    for db in backends().await {
        let (s, dir) = with_evidence(&db);
        let org = import(&s, &measured_org("Dinas A")).await;
        let id = s
            .save_realisation("operator", org, &ik1(), tw(2026, 1), &number(1.0))
            .await
            .expect("draft");

        let e = s
            .add_evidence("operator", org, id, "../../Laporan \"TW I\".pdf", PDF)
            .await
            .expect("add pdf");
        assert_eq!(e.realisation_id, id);
        assert_eq!(e.sha256, sha(PDF));
        assert_eq!(e.file_name, "Laporan TW I.pdf");
        assert_eq!(e.kind, EvidenceKind::Pdf);
        assert_eq!(e.size, PDF.len() as i64);
        assert_eq!(e.uploaded_by, "operator");
        // Content-addressed on disk.
        let path = dir.path().join(&e.sha256[..2]).join(&e.sha256);
        assert_eq!(std::fs::read(&path).expect("file on disk"), PDF);
        let (meta, bytes) = s
            .evidence_file(org, e.id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(meta, e);
        assert_eq!(bytes, PDF);
        let log = audit_log(&s).await;
        assert_eq!(log[0].entity, entity::EVIDENCE);
        assert_eq!(log[0].entity_id, Some(e.id));
        assert_eq!(log[0].action, AuditAction::Create);

        // The same content again (another realisation) reuses the file.
        let id2 = s
            .save_realisation("operator", org, &ik1(), tw(2026, 2), &number(2.0))
            .await
            .expect("draft 2");
        let same = s
            .add_evidence("operator", org, id2, "salinan.pdf", PDF)
            .await
            .expect("same content");
        assert_eq!(same.sha256, e.sha256);
        assert_ne!(same.id, e.id);
        let png = s
            .add_evidence("operator", org, id, "foto.png", PNG)
            .await
            .expect("png");
        assert_eq!(png.kind, EvidenceKind::Png);
        let files = walk(dir.path());
        assert_eq!(files.len(), 2, "{files:?}");
        let r = s.realisation(org, id).await.expect("read").expect("row");
        assert_eq!(r.evidence, vec![e.clone(), png.clone()]);

        // Refused: a disguised executable, an empty file, no evidence folder, another
        // organisation's id, a submitted realisation.
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["laporan.pdf", "jenis berkas tidak diterima"],
            s.add_evidence("operator", org, id, "laporan.pdf", b"MZ\x90\x00 not a pdf")
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["kosong"],
            s.add_evidence("operator", org, id, "kosong.pdf", b"")
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["folder bukti dukung belum diatur"],
            db.store.add_evidence("operator", org, id, "a.pdf", PDF)
        );
        let other_org = import(&s, &measured_org("Dinas B")).await;
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["realisasi"],
            s.add_evidence("operator", other_org, id, "a.pdf", PDF)
        );
        assert_eq!(s.evidence_file(other_org, e.id).await.expect("read"), None);
        s.transition_realisation("operator", org, id, Action::Ajukan, None)
            .await
            .expect("submit");
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["berstatus diajukan"],
            s.add_evidence("operator", org, id, "b.pdf", PDF)
        );
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["berstatus diajukan"],
            s.delete_evidence("operator", org, png.id)
        );

        // Deleting a row of an editable realisation; the shared file stays.
        s.delete_evidence("operator", org, same.id)
            .await
            .expect("delete");
        assert_eq!(s.evidence_file(org, same.id).await.expect("read"), None);
        assert!(path.exists());
        assert_eq!(
            s.evidence_file(org, e.id)
                .await
                .expect("read")
                .expect("row")
                .1,
            PDF
        );
        let log = audit_log(&s).await;
        assert_eq!(log[0].entity, entity::EVIDENCE);
        assert_eq!(log[0].action, AuditAction::Delete);
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["bukti dukung"],
            s.delete_evidence("operator", org, same.id)
        );

        // Altered or missing bytes are reported, never served.
        std::fs::write(&path, b"%PDF-1.4 altered").expect("tamper");
        let err = s.evidence_file(org, e.id).await.expect_err("altered");
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
        assert!(err.to_string().contains("SHA-256"), "{err}");
        std::fs::remove_file(&path).expect("remove");
        let err = s.evidence_file(org, e.id).await.expect_err("missing");
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    }
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Closing periods and reopening.

#[tokio::test]
async fn close_lock_reopen_edit_verify_locks_again() {
    for db in backends().await {
        let (s, _dir) = with_evidence(&db);
        let org = import(&s, &measured_org("Dinas A")).await;
        let id = s
            .save_realisation("operator", org, &ik1(), tw(2026, 1), &number(10.0))
            .await
            .expect("draft");
        s.transition_realisation("operator", org, id, Action::Ajukan, None)
            .await
            .expect("submit");
        s.transition_realisation("verifikator", org, id, Action::Verifikasi, None)
            .await
            .expect("verify");
        let feb = s
            .save_realisation("operator", org, &monthly(), month(2026, 2), &number(3.0))
            .await
            .expect("monthly draft");
        let april = s
            .save_realisation("operator", org, &monthly(), month(2026, 4), &number(4.0))
            .await
            .expect("april");

        // Not locked yet: no reopening to ask for.
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["tidak terkunci"],
            s.request_reopen("operator", org, id, "Salah hitung.")
        );

        s.close_period("perencana", org, 2026, 1)
            .await
            .expect("close TW I");
        let log = audit_log(&s).await;
        assert_eq!(log[0].entity, entity::PERIOD);
        assert_eq!(log[0].action, AuditAction::Create);
        assert_eq!(log[0].after.as_ref().expect("after")["quarter"], 1);
        let closed = s.closed_periods(org).await.expect("closed");
        assert_eq!(closed.len(), 1);
        assert_eq!((closed[0].year, closed[0].quarter), (2026, 1));
        assert_eq!(closed[0].closed_by, "perencana");
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["TW I 2026 sudah ditutup"],
            s.close_period("perencana", org, 2026, 1)
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["triwulan 5 tidak ada"],
            s.close_period("perencana", org, 2026, 5)
        );

        // Locked: TW I and its months (February), not April.
        let rec = |id| s.realisation(org, id);
        assert!(rec(id).await.expect("read").expect("row").locked);
        assert!(rec(feb).await.expect("read").expect("row").locked);
        assert!(!rec(april).await.expect("read").expect("row").locked);
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["terkunci"],
            s.add_evidence("operator", org, feb, "a.pdf", PDF)
        );
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["terkunci", "Februari 2026"],
            s.save_realisation("operator", org, &monthly(), month(2026, 2), &number(5.0))
        );
        s.save_realisation("operator", org, &monthly(), month(2026, 4), &number(5.0))
            .await
            .expect("April is open");

        // A reason is required; one waiting request at a time.
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["alasan", "wajib diisi"],
            s.request_reopen("operator", org, id, "   ")
        );
        let req = s
            .request_reopen("operator", org, id, "Data Maret belum masuk.")
            .await
            .expect("request");
        let log = audit_log(&s).await;
        assert_eq!(log[0].entity, entity::REOPEN_REQUEST);
        assert_eq!(log[0].entity_id, Some(req));
        assert_eq!(log[0].action, AuditAction::Create);
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["sudah ada", "menunggu"],
            s.request_reopen("operator", org, id, "Lagi.")
        );
        let waiting = s.reopen_requests(org, true).await.expect("waiting");
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].id, req);
        assert_eq!(waiting[0].realisation_id, id);
        assert_eq!(waiting[0].indicator, ik1());
        assert_eq!(waiting[0].period, tw(2026, 1));
        assert_eq!(waiting[0].reason, "Data Maret belum masuk.");
        assert_eq!(waiting[0].requested_by, "operator");
        assert_eq!(waiting[0].status, ReopenStatus::Menunggu);
        assert_eq!(waiting[0].decided_by, None);

        // Approve: editable again, returned with the request's reason; both audited.
        let before = audit_log(&s).await.len();
        s.decide_reopen("perencana", org, req, true, None)
            .await
            .expect("approve");
        let log = audit_log(&s).await;
        assert_eq!(log.len(), before + 2);
        assert_eq!(log[0].entity, entity::REOPEN_REQUEST);
        assert_eq!(log[0].after.as_ref().expect("after")["status"], "disetujui");
        assert_eq!(log[1].entity, entity::REALISATION);
        assert_eq!(log[1].entity_id, Some(id));
        assert_eq!(log[1].after.as_ref().expect("after")["reopened"], true);
        let r = rec(id).await.expect("read").expect("row");
        assert!(r.reopened && !r.locked);
        assert_eq!(r.status, Status::Dikembalikan);
        assert_eq!(r.return_reason.as_deref(), Some("Data Maret belum masuk."));
        assert!(
            s.reopen_requests(org, true)
                .await
                .expect("waiting")
                .is_empty()
        );
        let all = s.reopen_requests(org, false).await.expect("all");
        assert_eq!(all[0].status, ReopenStatus::Disetujui);
        assert_eq!(all[0].decided_by.as_deref(), Some("perencana"));
        assert!(all[0].decided_at.is_some());
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["sudah diputuskan"],
            s.decide_reopen("perencana", org, req, true, None)
        );
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["tidak terkunci"],
            s.request_reopen("operator", org, id, "Lagi.")
        );

        // Edit, add evidence, submit, verify: locked again.
        s.save_realisation("operator", org, &ik1(), tw(2026, 1), &number(12.0))
            .await
            .expect("edit reopened");
        s.add_evidence("operator", org, id, "rekap.pdf", PDF)
            .await
            .expect("evidence on reopened");
        s.transition_realisation("operator", org, id, Action::Ajukan, None)
            .await
            .expect("submit");
        assert!(!rec(id).await.expect("read").expect("row").locked);
        s.transition_realisation("verifikator", org, id, Action::Verifikasi, None)
            .await
            .expect("verify");
        let r = rec(id).await.expect("read").expect("row");
        assert!(r.locked && !r.reopened);
        assert_eq!(r.status, Status::Diverifikasi);
        assert_eq!(r.input.value, Some(Realisation::Number(12.0)));
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["terkunci"],
            s.save_realisation("operator", org, &ik1(), tw(2026, 1), &number(13.0))
        );
        // And it can be reopened again.
        s.request_reopen("operator", org, id, "Sekali lagi.")
            .await
            .expect("second request");
    }
}

#[tokio::test]
async fn refusing_a_reopen_needs_a_note() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        let id = s
            .save_realisation("operator", org, &ik1(), tw(2026, 3), &number(1.0))
            .await
            .expect("draft");
        s.close_period("perencana", org, 2026, 3)
            .await
            .expect("close");
        let req = s
            .request_reopen("operator", org, id, "Nilai salah.")
            .await
            .expect("request");
        for note in [None, Some(""), Some("  ")] {
            refused!(
                db,
                org,
                StoreError::Invalid(_),
                ["catatan wajib diisi", "menolak"],
                s.decide_reopen("perencana", org, req, false, note)
            );
        }
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["permintaan"],
            s.decide_reopen("perencana", org, req + 1000, false, Some("x"))
        );
        s.decide_reopen("perencana", org, req, false, Some("Nilai sudah benar."))
            .await
            .expect("refuse");
        let all = s.reopen_requests(org, false).await.expect("all");
        assert_eq!(all[0].status, ReopenStatus::Ditolak);
        assert_eq!(all[0].decision_note.as_deref(), Some("Nilai sudah benar."));
        let r = s.realisation(org, id).await.expect("read").expect("row");
        assert!(r.locked && !r.reopened);
        assert_eq!(r.status, Status::Draft);
        refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["sudah diputuskan", "ditolak"],
            s.decide_reopen("perencana", org, req, true, None)
        );
        // A new request may follow a refused one.
        s.request_reopen("operator", org, id, "Ada bukti baru.")
            .await
            .expect("new request");
    }
}

// ---------------------------------------------------------------------------------------------
// Rencana Aksi targets, the year's measurements, settings.

#[tokio::test]
async fn period_targets_and_year_measurements() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        s.set_period_targets(
            "perencana",
            org,
            &ik1(),
            &[
                (tw(2026, 1), Some(TargetValue::Number(20.0))),
                (tw(2026, 2), Some(TargetValue::Number(40.0))),
                (tw(2026, 4), Some(TargetValue::Range { min: 1.0, max: 2.0 })),
            ],
        )
        .await
        .expect("targets");
        let log = audit_log(s).await;
        assert_eq!(log[0].entity, entity::PERIOD_TARGET);
        assert_eq!(log[0].action, AuditAction::Create);
        assert_eq!(
            log[0].after.as_ref().expect("after")["indicator"]["code"],
            "IK1"
        );
        s.set_period_targets(
            "perencana",
            org,
            &ik1(),
            &[
                (tw(2026, 4), None),
                (tw(2026, 2), Some(TargetValue::Number(45.0))),
            ],
        )
        .await
        .expect("change and clear");
        assert_eq!(audit_log(s).await[0].action, AuditAction::Update);
        s.set_period_targets(
            "perencana",
            org,
            &monthly(),
            &[(
                month(2026, 12),
                Some(TargetValue::Qualitative("Baik".into())),
            )],
        )
        .await
        .expect("monthly target");
        let targets = s.period_targets(org, 2026).await.expect("targets");
        assert_eq!(
            targets
                .iter()
                .map(|t| (t.indicator.code.to_string(), t.period, t.target.clone()))
                .collect::<Vec<_>>(),
            vec![
                ("IK1".to_string(), tw(2026, 1), TargetValue::Number(20.0)),
                ("IK1".to_string(), tw(2026, 2), TargetValue::Number(45.0)),
                (
                    "IK2".to_string(),
                    month(2026, 12),
                    TargetValue::Qualitative("Baik".into())
                ),
            ]
        );
        assert!(s.period_targets(org, 2025).await.expect("none").is_empty());
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["per triwulan"],
            s.set_period_targets(
                "perencana",
                org,
                &ik1(),
                &[(month(2026, 1), Some(TargetValue::Number(1.0)))]
            )
        );
        refused!(
            db,
            org,
            StoreError::Invalid(_),
            ["batas bawah"],
            s.set_period_targets(
                "perencana",
                org,
                &ik1(),
                &[(tw(2026, 3), Some(TargetValue::Range { min: 3.0, max: 1.0 }))]
            )
        );
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["IK9"],
            s.set_period_targets(
                "perencana",
                org,
                &ind("bidang-perizinan", "IK9"),
                &[(tw(2026, 3), Some(TargetValue::Number(1.0)))]
            )
        );

        // Realisations in every status; only verified values count.
        let save = async |k: &IndicatorKey, p: Period, v: f64, steps: &[Action]| {
            let id = s
                .save_realisation("operator", org, k, p, &number(v))
                .await
                .expect("save");
            for a in steps {
                s.transition_realisation("verifikator", org, id, *a, Some("alasan"))
                    .await
                    .expect("step");
            }
            id
        };
        save(
            &ik1(),
            tw(2026, 1),
            18.0,
            &[Action::Ajukan, Action::Verifikasi],
        )
        .await;
        save(&ik1(), tw(2026, 2), 30.0, &[Action::Ajukan]).await;
        save(&ik1(), tw(2026, 3), 10.0, &[]).await;
        save(
            &ik1(),
            tw(2026, 4),
            11.0,
            &[Action::Ajukan, Action::Verifikasi, Action::Kembalikan],
        )
        .await;
        save(
            &monthly(),
            month(2026, 2),
            7.0,
            &[Action::Ajukan, Action::Verifikasi],
        )
        .await;
        save(
            &ik1(),
            tw(2025, 1),
            99.0,
            &[Action::Ajukan, Action::Verifikasi],
        )
        .await;
        s.close_period("perencana", org, 2026, 2)
            .await
            .expect("close");

        let y = s.year_measurements(org, 2026).await.expect("year");
        assert_eq!(y.realisations.len(), 5);
        assert!(
            y.realisations
                .windows(2)
                .all(|w| w[0].period <= w[1].period)
        );
        assert!(y.realisations.iter().all(|r| r.evidence.is_empty()));
        let q2 = y
            .realisations
            .iter()
            .find(|r| r.period == tw(2026, 2))
            .expect("TW II");
        assert!(q2.locked && q2.status == Status::Diajukan);
        assert_eq!(y.closed.len(), 1);
        assert_eq!(y.closed[0].quarter, 2);
        assert_eq!(y.verified.len(), 2, "{:?}", y.verified);
        let q = &y.verified[&ik1()];
        assert_eq!(
            q.targets,
            vec![
                Some(TargetValue::Number(20.0)),
                Some(TargetValue::Number(45.0)),
                None,
                None
            ]
        );
        assert_eq!(
            q.realisations,
            vec![Some(Realisation::Number(18.0)), None, None, None]
        );
        let m = &y.verified[&monthly()];
        assert_eq!(m.targets.len(), 12);
        assert_eq!(m.targets[11], Some(TargetValue::Qualitative("Baik".into())));
        assert_eq!(m.realisations[1], Some(Realisation::Number(7.0)));
        assert_eq!(m.realisations.iter().flatten().count(), 1);

        let y2025 = s.year_measurements(org, 2025).await.expect("2025");
        assert_eq!(y2025.realisations.len(), 1);
        assert!(y2025.closed.is_empty());
        assert_eq!(
            y2025.verified[&ik1()].realisations[0],
            Some(Realisation::Number(99.0))
        );
        assert!(
            s.year_measurements(org + 100, 2026)
                .await
                .expect_err("no such organisation")
                .to_string()
                .contains("tidak ditemukan")
        );
    }
}

#[tokio::test]
async fn measure_settings_are_stored_and_audited() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        assert_eq!(
            s.measure_settings(org).await.expect("defaults"),
            MeasureSettings::default()
        );
        let custom = MeasureSettings {
            bands: PredicateBands::new(vec![Band::new("Baik", 80.0), Band::new("Kurang", 0.0)])
                .expect("bands"),
            ceiling: Ceiling::new(110.0).expect("ceiling"),
        };
        s.set_measure_settings("perencana", org, &custom)
            .await
            .expect("set");
        assert_eq!(s.measure_settings(org).await.expect("read"), custom);
        let log = audit_log(s).await;
        assert_eq!(log[0].entity, entity::SETTINGS);
        assert_eq!(log[0].entity_id, Some(org));
        assert_eq!(log[0].action, AuditAction::Create);
        s.set_measure_settings("perencana", org, &MeasureSettings::default())
            .await
            .expect("reset");
        let log = audit_log(s).await;
        assert_eq!(log[0].action, AuditAction::Update);
        assert_eq!(log[0].before.as_ref().expect("before")["ceiling"], 110.0);
        assert_eq!(
            s.measure_settings(org).await.expect("read"),
            MeasureSettings::default()
        );
        refused!(
            db,
            org,
            StoreError::NotFound(_),
            ["organisasi"],
            s.set_measure_settings("perencana", org + 100, &custom)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Batches.

#[tokio::test]
async fn a_batch_applies_all_or_nothing() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        let iku1 = ind("kepala-dinas", "IKU1");
        // An existing draft with a narrative, a submitted one, a locked one.
        s.save_realisation(
            "operator",
            org,
            &ik1(),
            tw(2026, 1),
            &RealisationInput {
                kendala: Some("Hujan deras.".into()),
                ..number(1.0)
            },
        )
        .await
        .expect("draft");
        let submitted = s
            .save_realisation("operator", org, &ik1(), tw(2026, 2), &number(2.0))
            .await
            .expect("draft 2");
        s.transition_realisation("operator", org, submitted, Action::Ajukan, None)
            .await
            .expect("submit");
        s.save_realisation("operator", org, &iku1, tw(2025, 4), &number(80.0))
            .await
            .expect("old draft");
        s.close_period("perencana", org, 2025, 4)
            .await
            .expect("close");

        let bad = MeasurementBatch {
            pagu: Vec::new(),

            budget_realisations: Vec::new(),
            baselines: vec![
                (iku1.clone(), Some(TargetValue::Number(80.0))),
                (ind("kepala-dinas", "IKU9"), Some(TargetValue::Number(1.0))),
            ],
            yearly_targets: vec![
                (iku1.clone(), 2027, Some(TargetValue::Number(90.0))),
                (iku1.clone(), 2031, Some(TargetValue::Number(95.0))),
                (
                    ik1(),
                    2026,
                    Some(TargetValue::Range {
                        min: f64::INFINITY,
                        max: 1.0,
                    }),
                ),
            ],
            period_targets: vec![
                (ik1(), tw(2026, 3), Some(TargetValue::Number(30.0))),
                (ik1(), month(2026, 3), Some(TargetValue::Number(30.0))),
            ],
            realisations: vec![
                (ik1(), tw(2026, 1), Some(Realisation::Number(5.0))),
                (ik1(), tw(2026, 2), Some(Realisation::Number(6.0))),
                (iku1.clone(), tw(2025, 4), Some(Realisation::Number(81.0))),
                (
                    monthly(),
                    month(2026, 1),
                    Some(Realisation::Qualitative("  ".into())),
                ),
            ],
        };
        let message = refused!(
            db,
            org,
            StoreError::Invalid(_),
            [
                "7 isian ditolak",
                "baseline indikator IKU9 unit kepala-dinas: indikator tidak ada",
                "target tahun 2031 indikator IKU1 unit kepala-dinas: di luar periode Renstra \
                 2025–2029",
                "target tahun 2026 indikator IK1 unit bidang-perizinan: batas rentang tidak \
                 terhingga",
                "target Maret 2026 indikator IK1 unit bidang-perizinan: indikator ini dilaporkan \
                 per triwulan",
                "realisasi TW II 2026 indikator IK1 unit bidang-perizinan: berstatus diajukan",
                "realisasi TW IV 2025 indikator IKU1 unit kepala-dinas: terkunci karena TW IV \
                 2025 sudah ditutup",
                "realisasi Januari 2026 indikator IK2 unit bidang-perizinan: nilai realisasi \
                 kualitatif kosong",
                "tidak ada perubahan yang disimpan",
            ],
            s.apply_measurements("unggah", org, &bad)
        );
        assert_eq!(message.lines().filter(|l| l.starts_with("- ")).count(), 7);

        // The good entries alone apply, with one audit record.
        let good = MeasurementBatch {
            pagu: Vec::new(),
            budget_realisations: Vec::new(),
            baselines: vec![(iku1.clone(), Some(TargetValue::Number(80.0)))],
            yearly_targets: vec![
                (iku1.clone(), 2027, Some(TargetValue::Number(90.0))),
                (iku1.clone(), 2029, None),
            ],
            period_targets: vec![(ik1(), tw(2026, 3), Some(TargetValue::Number(30.0)))],
            realisations: vec![
                (ik1(), tw(2026, 1), Some(Realisation::Number(5.0))),
                (monthly(), month(2026, 1), Some(Realisation::Number(7.0))),
                (monthly(), month(2026, 2), None),
            ],
        };
        let records = audit_log(s).await.len();
        s.apply_measurements("unggah", org, &good)
            .await
            .expect("apply");
        let log = audit_log(s).await;
        assert_eq!(log.len(), records + 1);
        assert_eq!(log[0].entity, entity::MEASUREMENT_BATCH);
        assert_eq!(log[0].actor, "unggah");
        assert_eq!(
            log[0].after.as_ref().expect("after"),
            &serde_json::to_value(&good).expect("json")
        );
        let before: MeasurementBatch =
            serde_json::from_value(log[0].before.clone().expect("before")).expect("batch");
        assert_eq!(
            before.baselines,
            vec![(iku1.clone(), Some(TargetValue::Number(82.125)))]
        );
        assert_eq!(
            before.yearly_targets,
            vec![
                (iku1.clone(), 2027, Some(TargetValue::Number(85.25))),
                (iku1.clone(), 2029, Some(TargetValue::Number(0.1 + 0.2))),
            ]
        );
        assert_eq!(
            before.realisations[0],
            (ik1(), tw(2026, 1), Some(Realisation::Number(1.0)))
        );

        let tree = s.load_organisation(org).await.expect("load");
        let head = tree.unit(&key("kepala-dinas")).expect("head");
        let i = &head.objectives[0].indicators[0];
        assert_eq!(i.baseline, Some(TargetValue::Number(80.0)));
        assert_eq!(i.targets.get(&2027), Some(&TargetValue::Number(90.0)));
        assert_eq!(i.targets.get(&2029), None);
        assert_eq!(
            s.period_targets(org, 2026).await.expect("targets")[0].target,
            TargetValue::Number(30.0)
        );
        // The narrative of an existing draft stays; new ones are drafts without narrative.
        let r = s
            .realisation_at(org, &ik1(), tw(2026, 1))
            .await
            .expect("read")
            .expect("row");
        assert_eq!(r.input.value, Some(Realisation::Number(5.0)));
        assert_eq!(r.input.kendala.as_deref(), Some("Hujan deras."));
        assert_eq!(r.status, Status::Draft);
        assert_eq!(r.updated_by, "unggah");
        let m = s
            .realisation_at(org, &monthly(), month(2026, 1))
            .await
            .expect("read")
            .expect("row");
        assert_eq!(m.input, number(7.0));
        assert_eq!(m.status, Status::Draft);
        assert_eq!(
            s.realisation_at(org, &monthly(), month(2026, 2))
                .await
                .expect("read"),
            None
        );
        assert_eq!(status_of(s, org, submitted).await, Status::Diajukan);

        // An empty batch changes nothing.
        let records = audit_log(s).await.len();
        s.apply_measurements("unggah", org, &MeasurementBatch::default())
            .await
            .expect("empty");
        assert_eq!(audit_log(s).await.len(), records);
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements follow the tree.

#[tokio::test]
async fn renaming_a_unit_or_an_indicator_renames_its_measurements() {
    for db in backends().await {
        let s = &db.store;
        let org = import(s, &measured_org("Dinas A")).await;
        let p = tw(2026, 1);
        let id = s
            .save_realisation("operator", org, &ik1(), p, &number(1.0))
            .await
            .expect("realisation");
        s.set_period_targets(
            "perencana",
            org,
            &ik1(),
            &[(p, Some(TargetValue::Number(2.0)))],
        )
        .await
        .expect("target");
        let monthly_id = s
            .save_realisation("operator", org, &monthly(), month(2026, 5), &number(3.0))
            .await
            .expect("monthly");

        // The unit's key.
        let t = s.load_tree_with_ids(org).await.expect("tree");
        let (ids, unit) = t
            .iter_units()
            .find(|(i, _)| i.key == key("bidang-perizinan"))
            .expect("unit");
        let input = UnitInput {
            key: key("bidang-izin"),
            name: unit.name.clone(),
            kind: unit.kind,
            parent_id: ids.parent_id,
            position: None,
        };
        s.update_unit("perencana", org, ids.id, &input)
            .await
            .expect("rename unit");
        let renamed = ind("bidang-izin", "IK1");
        let r = s.realisation(org, id).await.expect("read").expect("row");
        assert_eq!(r.indicator, renamed);
        assert_eq!(
            s.realisation(org, monthly_id)
                .await
                .expect("read")
                .expect("row")
                .indicator,
            ind("bidang-izin", "IK2")
        );
        assert_eq!(s.realisation_at(org, &ik1(), p).await.expect("read"), None);
        assert_eq!(
            s.period_targets(org, 2026).await.expect("targets")[0].indicator,
            renamed
        );
        let unit_id = ids.id;

        // The indicator's code (the plain update, then the whole-form one).
        let t = s.load_tree_with_ids(org).await.expect("tree");
        let ik1_id = t
            .indicator_id(&key("bidang-izin"), &code("IK1"))
            .expect("IK1");
        let base = IndicatorSpec::from(
            &t.organisation
                .unit(&key("bidang-izin"))
                .expect("unit")
                .objectives[0]
                .indicators[0],
        );
        let spec = |c: &str| IndicatorSpec {
            code: code(c),
            ..base.clone()
        };
        s.update_indicator("perencana", org, ik1_id, &spec("IK1.1"))
            .await
            .expect("rename indicator");
        assert_eq!(
            s.realisation(org, id)
                .await
                .expect("read")
                .expect("row")
                .indicator,
            ind("bidang-izin", "IK1.1")
        );
        s.update_indicator_with_targets("perencana", org, ik1_id, &spec("IK1.2"), &BTreeMap::new())
            .await
            .expect("rename with targets");
        let now = ind("bidang-izin", "IK1.2");
        assert_eq!(
            s.realisation(org, id)
                .await
                .expect("read")
                .expect("row")
                .indicator,
            now
        );
        assert_eq!(
            s.period_targets(org, 2026).await.expect("targets")[0].indicator,
            now
        );
        // Other indicators of the unit are untouched.
        assert_eq!(
            s.realisation(org, monthly_id)
                .await
                .expect("read")
                .expect("row")
                .indicator,
            ind("bidang-izin", "IK2")
        );

        // Measurements kept from a deleted indicator (history) block a rename that would
        // collide with them.
        let objective = t
            .objective_id(&key("bidang-izin"), &code("SS1"))
            .expect("SS1");
        let ik3 = s
            .create_indicator("perencana", org, objective, &spec("IK3"))
            .await
            .expect("IK3");
        let ik3_key = ind("bidang-izin", "IK3");
        let kept = s
            .save_realisation("operator", org, &ik3_key, p, &number(9.0))
            .await
            .expect("IK3 TW I");
        s.delete_indicator("perencana", org, ik3)
            .await
            .expect("delete IK3");
        assert_eq!(
            s.realisation(org, kept)
                .await
                .expect("read")
                .expect("kept as history")
                .indicator,
            ik3_key
        );
        let message = refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["IK3", "sudah dihapus", "Pilih kode lain"],
            s.update_indicator("perencana", org, ik1_id, &spec("IK3"))
        );
        assert!(message.ends_with('.'), "{message}");
        // No collision where the periods differ: renaming onto other periods' history is fine.
        s.save_realisation("operator", org, &now, tw(2026, 2), &number(4.0))
            .await
            .expect("TW II");
        s.update_indicator("perencana", org, ik1_id, &spec("IK4"))
            .await
            .expect("rename to a free code");

        // The same for a unit key: `seksi-pelatihan` is deleted but its IK1.2 TW I stays.
        let pelatihan = ind("seksi-pelatihan", "IK1.2");
        s.save_realisation("operator", org, &pelatihan, p, &number(5.0))
            .await
            .expect("seksi realisation");
        s.save_realisation(
            "operator",
            org,
            &ind("bidang-izin", "IK4"),
            tw(2026, 3),
            &number(1.0),
        )
        .await
        .expect("IK4 TW III");
        s.update_indicator("perencana", org, ik1_id, &spec("IK1.2"))
            .await
            .expect("back to IK1.2");
        let t = s.load_tree_with_ids(org).await.expect("tree");
        s.delete_unit(
            "perencana",
            org,
            t.unit_id(&key("seksi-pelatihan")).expect("seksi"),
        )
        .await
        .expect("delete seksi");
        let message = refused!(
            db,
            org,
            StoreError::Conflict(_),
            ["kunci unit", "seksi-pelatihan", "Pilih kunci lain"],
            s.update_unit(
                "perencana",
                org,
                unit_id,
                &UnitInput {
                    key: key("seksi-pelatihan"),
                    ..input.clone()
                }
            )
        );
        assert!(message.ends_with('.'), "{message}");
        s.update_unit(
            "perencana",
            org,
            unit_id,
            &UnitInput {
                key: key("bidang-perizinan"),
                ..input.clone()
            },
        )
        .await
        .expect("rename back");
        assert_eq!(
            s.realisation(org, id)
                .await
                .expect("read")
                .expect("row")
                .indicator,
            ind("bidang-perizinan", "IK1.2")
        );
    }
}

#[tokio::test]
async fn replacing_the_tree_keeps_measurements_and_deleting_removes_them() {
    for db in backends().await {
        let (s, _dir) = with_evidence(&db);
        let org_value = measured_org("Dinas A");
        let org = import(&s, &org_value).await;
        let other = import(&s, &measured_org("Dinas B")).await;
        let id = s
            .save_realisation("operator", org, &ik1(), tw(2026, 1), &number(1.0))
            .await
            .expect("realisation");
        s.add_evidence("operator", org, id, "a.pdf", PDF)
            .await
            .expect("evidence");
        s.set_period_targets(
            "perencana",
            org,
            &monthly(),
            &[(month(2026, 1), Some(TargetValue::Number(1.0)))],
        )
        .await
        .expect("target");
        s.close_period("perencana", org, 2026, 1)
            .await
            .expect("close");
        s.request_reopen("operator", org, id, "Perlu diperbaiki.")
            .await
            .expect("request");
        s.set_measure_settings("perencana", org, &MeasureSettings::default())
            .await
            .expect("settings");
        s.save_realisation("operator", other, &ik1(), tw(2026, 1), &number(1.0))
            .await
            .expect("other organisation");
        let before = measurements(&s, org).await;

        let replaced = s
            .import_organisation("tester", &org_value, ImportMode::Replace)
            .await
            .expect("replace");
        assert_eq!(replaced, org);
        assert_eq!(measurements(&s, org).await, before);
        assert_eq!(s.load_organisation(org).await.expect("load"), org_value);

        let other_rows = rows_of_org(&db, other).await;
        s.delete_organisation("tester", org).await.expect("delete");
        assert_eq!(rows_of_org(&db, org).await, 0, "{}", db.label);
        assert_eq!(rows_of_org(&db, other).await, other_rows, "{}", db.label);
        assert_eq!(
            s.year_measurements(other, 2026)
                .await
                .expect("other")
                .realisations
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn periodisation_is_stored_with_the_indicator() {
    for db in backends().await {
        let org = measured_org("Dinas A");
        let id = import(&db.store, &org).await;
        let loaded = db.store.load_organisation(id).await.expect("load");
        assert_eq!(loaded, org);
        let i = &loaded
            .unit(&key("bidang-perizinan"))
            .expect("unit")
            .objectives[1]
            .indicators[0];
        assert_eq!(i.periodisation, Some(Periodisation::Bulanan));
        assert_eq!(
            serde_json::to_value(&loaded).expect("json"),
            serde_json::to_value(&org).expect("json")
        );
        // A store reconnecting to an existing database keeps the schema.
        let again = db.reconnect().await;
        assert_eq!(again.load_organisation(id).await.expect("load"), org);
    }
}

// ---------------------------------------------------------------------------------------------
// Atomicity.

#[tokio::test]
async fn injected_faults_leave_the_database_unchanged() {
    for db in backends().await {
        let (s, _dir) = with_evidence(&db);
        let org = import(&s, &measured_org("Dinas A")).await;
        let mut writes = Vec::new();

        // save_realisation: create, then update.
        writes.push(
            fails_cleanly(&db, org, "save_realisation (create)", async || {
                s.save_realisation("operator", org, &ik1(), tw(2026, 1), &number(1.0))
                    .await
                    .map(|_| ())
            })
            .await,
        );
        let id = s
            .realisation_at(org, &ik1(), tw(2026, 1))
            .await
            .expect("read")
            .expect("row")
            .id;
        writes.push(
            fails_cleanly(&db, org, "save_realisation (update)", async || {
                s.save_realisation("operator", org, &ik1(), tw(2026, 1), &number(2.0))
                    .await
                    .map(|_| ())
            })
            .await,
        );
        writes.push(
            fails_cleanly(&db, org, "add_evidence", async || {
                s.add_evidence("operator", org, id, "a.pdf", PDF)
                    .await
                    .map(|_| ())
            })
            .await,
        );
        writes.push(
            fails_cleanly(&db, org, "transition_realisation", async || {
                s.transition_realisation("operator", org, id, Action::Ajukan, None)
                    .await
                    .map(|_| ())
            })
            .await,
        );
        writes.push(
            fails_cleanly(&db, org, "close_period", async || {
                s.close_period("perencana", org, 2026, 1).await
            })
            .await,
        );
        let req = s
            .request_reopen("operator", org, id, "Perlu diperbaiki.")
            .await
            .expect("request");
        writes.push(
            fails_cleanly(&db, org, "decide_reopen", async || {
                s.decide_reopen("perencana", org, req, true, None).await
            })
            .await,
        );
        let batch = MeasurementBatch {
            pagu: Vec::new(),
            budget_realisations: Vec::new(),
            baselines: vec![(ik1(), Some(TargetValue::Number(1.0)))],
            yearly_targets: vec![(ik1(), 2026, Some(TargetValue::Number(2.0)))],
            period_targets: vec![(ik1(), tw(2026, 2), Some(TargetValue::Number(3.0)))],
            realisations: vec![
                (ik1(), tw(2026, 1), Some(Realisation::Number(4.0))),
                (ik1(), tw(2026, 2), Some(Realisation::Number(5.0))),
            ],
        };
        writes.push(
            fails_cleanly(&db, org, "apply_measurements", async || {
                s.apply_measurements("unggah", org, &batch).await
            })
            .await,
        );
        writes.push(
            fails_cleanly(&db, org, "set_period_targets", async || {
                s.set_period_targets(
                    "perencana",
                    org,
                    &ik1(),
                    &[(tw(2026, 3), Some(TargetValue::Number(1.0)))],
                )
                .await
            })
            .await,
        );
        // Each: its writes and the audit record. Approving a reopen request writes the request,
        // the realisation and an audit record for each; the batch one write per value.
        assert_eq!(writes, vec![2, 2, 2, 2, 2, 4, 6, 2], "{}", db.label);
        assert_eq!(status_of(&s, org, id).await, Status::Dikembalikan);
    }
}
