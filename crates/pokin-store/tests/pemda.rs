//! The pemda through the store's API: its RPJMD tree, members, the link lifecycle with every
//! refusal changing nothing, crosscutting (cycles refused), review notes, Bappeda's own
//! realisations, revisions and the audit log. Every test runs on SQLite, and on PostgreSQL when
//! `POKIN_TEST_DATABASE_URL` is set.

mod common;

use common::{TestDb, Unchanged, audit_log, backends, code, import, key, rich_org, small_org};
use pokin_domain::capaian::Realisation;
use pokin_domain::pemda::{
    LinkAction, LinkRole, LinkSide, LinkStatus, OpdSource, Pemda, PemdaDraft, PemdaLevel,
    PemdaNode, PemdaTarget, RegionKind,
};
use pokin_domain::{Indicator, Renstra, TargetValue};
use pokin_store::{NewCrosscut, NewLink, StoreError, entity};

fn node(c: &str, level: PemdaLevel, parent: Option<&str>, indicators: &[&str]) -> PemdaNode {
    PemdaNode {
        code: code(c),
        level,
        statement: format!("Pernyataan {c}"),
        parent: parent.map(code),
        indicators: indicators
            .iter()
            .map(|i| {
                let mut ind = Indicator::new(code(i), format!("Indikator {i}"));
                ind.satuan = Some("%".into());
                ind.targets.insert(2025, TargetValue::Number(80.0));
                ind
            })
            .collect(),
    }
}

fn pemda(name: &str) -> Pemda {
    PemdaDraft {
        name: name.into(),
        kind: RegionKind::Kabupaten,
        rpjmd: Renstra {
            start: 2025,
            end: 2029,
        },
        visi: "Kabupaten yang maju dan sejahtera".into(),
        head_name: Some("Bupati Contoh".into()),
        demo: false,
        nodes: vec![
            node("M1", PemdaLevel::Misi, None, &[]),
            node("T1", PemdaLevel::Tujuan, Some("M1"), &["IKT1"]),
            node("S1", PemdaLevel::Sasaran, Some("T1"), &["IKD1", "IKD2"]),
            node("S2", PemdaLevel::Sasaran, Some("T1"), &["IKD3"]),
        ],
    }
    .validate()
    .expect("valid pemda")
}

fn source(unit: &str, objective: &str) -> OpdSource {
    OpdSource {
        unit: key(unit),
        objective: code(objective),
        indicator: None,
    }
}

fn target(node: &str) -> PemdaTarget {
    PemdaTarget {
        node: code(node),
        indicator: None,
    }
}

/// A pemda with two member organisations (ids of pemda, first, second).
async fn setup(db: &TestDb) -> (i64, i64, i64) {
    let s = &db.store;
    let p = s
        .save_pemda("bappeda", None, &pemda("Pemkab Contoh"))
        .await
        .unwrap();
    let a = import(s, &rich_org("Dinas A")).await;
    let b = import(s, &small_org("Badan B")).await;
    s.set_pemda_of("admin", a, Some(p)).await.unwrap();
    s.set_pemda_of("admin", b, Some(p)).await.unwrap();
    (p, a, b)
}

fn invalid(e: StoreError) -> String {
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::NotFound(m) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pemda_tree_round_trips_and_is_audited() {
    for db in backends().await {
        let s = &db.store;
        let p = s
            .save_pemda("bappeda", None, &pemda("Pemkab Contoh"))
            .await
            .unwrap();
        assert_eq!(
            s.load_pemda(p).await.unwrap(),
            pemda("Pemkab Contoh"),
            "{}",
            db.label
        );
        assert_eq!(s.pemda_revision(p).await.unwrap(), 1);
        assert_eq!(s.all_revisions().await.unwrap().pemda(p), 1);
        let mut d = pemda("Pemkab Contoh").into_draft();
        d.visi = "Visi baru".into();
        s.save_pemda("bappeda", Some(p), &d.validate().unwrap())
            .await
            .unwrap();
        assert_eq!(s.load_pemda(p).await.unwrap().visi, "Visi baru");
        assert_eq!(s.pemda_revision(p).await.unwrap(), 2);
        assert_eq!(s.all_revisions().await.unwrap().pemda(p), 2);
        let log = audit_log(s).await;
        assert_eq!(log[0].entity, entity::PEMDA);
        assert_eq!(
            log[0].before.as_ref().unwrap()["visi"],
            "Kabupaten yang maju dan sejahtera"
        );
        assert_eq!(log[0].after.as_ref().unwrap()["visi"], "Visi baru");
        let other = s
            .save_pemda("x", None, &pemda("Pemkab Lain"))
            .await
            .unwrap();
        let before = Unchanged::take(&db).await;
        let e = s
            .save_pemda("x", Some(other), &pemda("Pemkab Contoh"))
            .await
            .unwrap_err();
        assert!(invalid(e).contains("sudah ada"));
        before.check(&db, "a duplicate name").await;
        assert!(matches!(
            s.verify_audit().await.unwrap(),
            pokin_store::AuditVerification::Intact { .. }
        ));
    }
}

/// A pemda's pages read only its own revision and its members': the same values as
/// `all_revisions`, none of another pemda's or of an organisation outside every pemda, and a
/// change (to a member, to the membership) seen on the next read.
#[tokio::test]
async fn a_pemda_reads_its_own_and_its_members_revisions() {
    for db in backends().await {
        let label = &db.label;
        let s = &db.store;
        let (p, a, b) = setup(&db).await;
        let q = s
            .save_pemda("bappeda", None, &pemda("Pemkab Lain"))
            .await
            .unwrap();
        let c = import(s, &small_org("Dinas C")).await;
        s.set_pemda_of("admin", c, Some(q)).await.unwrap();
        let alone = import(s, &small_org("Dinas Sendiri")).await;

        let all = s.all_revisions().await.unwrap();
        let own = s.pemda_revisions(p).await.unwrap();
        let mut members: Vec<i64> = own.orgs.keys().copied().collect();
        members.sort_unstable();
        assert_eq!(members, vec![a, b], "{label}");
        for m in [a, b] {
            assert_eq!(own.orgs[&m], all.orgs[&m], "{label}: revision of {m}");
        }
        assert_eq!(own.pemdas, vec![(p, all.pemda(p))], "{label}");
        assert!(all.orgs.contains_key(&c) && all.orgs.contains_key(&alone));

        // A member changes: its revision rises, the other pemda's read does not name it.
        s.import_organisation(
            "tester",
            &rich_org("Dinas A"),
            pokin_store::ImportMode::Replace,
        )
        .await
        .unwrap();
        let after = s.pemda_revisions(p).await.unwrap();
        assert_eq!(after.orgs[&a], own.orgs[&a] + 1, "{label}");
        assert_eq!(after.orgs[&b], own.orgs[&b], "{label}");
        let other = s.pemda_revisions(q).await.unwrap();
        assert_eq!(other.orgs.keys().copied().collect::<Vec<_>>(), vec![c]);

        // A member leaves: gone from the read, and the pemda's own revision rises.
        s.set_pemda_of("admin", b, None).await.unwrap();
        let left = s.pemda_revisions(p).await.unwrap();
        assert_eq!(left.orgs.keys().copied().collect::<Vec<_>>(), vec![a]);
        assert!(
            left.pemda(p) > own.pemda(p),
            "{label}: membership is a change"
        );

        // A pemda that does not exist: revision 0, no members.
        let none = s.pemda_revisions(p + q + 100).await.unwrap();
        assert!(none.orgs.is_empty() && none.pemdas.is_empty(), "{label}");
    }
}

#[tokio::test]
async fn the_link_lifecycle_and_its_refusals() {
    for db in backends().await {
        let s = &db.store;
        let (p, a, _) = setup(&db).await;
        let rev_a = s.revision(a).await.unwrap();
        let bappeda = NewLink {
            org_id: a,
            target: target("S1"),
            source: None,
            role: LinkRole::PengampuUtama,
            weight: 1.0,
            side: LinkSide::Pemda,
        };
        let id = s.propose_link("bappeda", p, &bappeda).await.unwrap();
        assert!(
            s.revision(a).await.unwrap() > rev_a,
            "the OPD sees the proposal"
        );
        // Refusals change nothing.
        let before = Unchanged::take(&db).await;
        let e = s
            .decide_link("perencana", p, id, LinkAction::Tolak, None, Some("  "))
            .await;
        assert!(invalid(e.unwrap_err()).contains("alasan penolakan wajib"));
        let e = s
            .decide_link("perencana", p, id, LinkAction::Terima, None, None)
            .await;
        assert!(invalid(e.unwrap_err()).contains("sebutkan sasaran"));
        let ghost = source("kepala-dinas", "SS99");
        let e = s
            .decide_link("perencana", p, id, LinkAction::Terima, Some(&ghost), None)
            .await;
        assert!(invalid(e.unwrap_err()).contains("tidak ada"));
        let e = s.propose_link("bappeda", p, &bappeda).await;
        assert!(invalid(e.unwrap_err()).contains("sudah ada"));
        let mut wrong = bappeda.clone();
        wrong.target = target("S9");
        assert!(
            invalid(s.propose_link("bappeda", p, &wrong).await.unwrap_err()).contains("tidak ada")
        );
        wrong = bappeda.clone();
        wrong.weight = f64::NAN;
        assert!(invalid(s.propose_link("bappeda", p, &wrong).await.unwrap_err()).contains("bobot"));
        // Across two pemda.
        let q = s
            .save_pemda("bappeda", None, &pemda("Pemkab Lain"))
            .await
            .unwrap();
        let before_q = Unchanged::take(&db).await;
        let e = s.propose_link("bappeda", q, &bappeda).await.unwrap_err();
        assert!(invalid(e).contains("bukan anggota pemda ini"));
        before_q.check(&db, "a link across two pemda").await;
        let _ = before;
        // Reject, propose again, accept naming the objective.
        let l = s
            .decide_link(
                "perencana",
                p,
                id,
                LinkAction::Tolak,
                None,
                Some("bukan urusan kami"),
            )
            .await
            .unwrap();
        assert_eq!(l.status, LinkStatus::Ditolak);
        assert_eq!(l.reason.as_deref(), Some("bukan urusan kami"));
        let again = s.propose_link("bappeda", p, &bappeda).await.unwrap();
        assert_eq!(
            again, id,
            "a rejected link is proposed again on the same row"
        );
        let src = source("kepala-dinas", "SS1");
        let l = s
            .decide_link("perencana", p, id, LinkAction::Terima, Some(&src), None)
            .await
            .unwrap();
        assert_eq!(
            (l.status, l.source.clone()),
            (LinkStatus::Diterima, Some(src))
        );
        let links = s.links(p).await.unwrap();
        assert_eq!(links, vec![l]);
        // Bappeda may ask for another objective for the same target; accepting it with the
        // objective already linked is refused.
        let second = s.propose_link("bappeda", p, &bappeda).await.unwrap();
        assert_ne!(second, id);
        let before = Unchanged::take(&db).await;
        let e = s
            .decide_link(
                "perencana",
                p,
                second,
                LinkAction::Terima,
                Some(&source("kepala-dinas", "SS1")),
                None,
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("sudah tertaut"));
        before.check(&db, "a duplicate acceptance").await;
        s.decide_link(
            "perencana",
            p,
            second,
            LinkAction::Tolak,
            None,
            Some("sudah tertaut"),
        )
        .await
        .unwrap();
        // Four steps in the audit log, in the OPD's records, chained.
        let steps: Vec<_> = audit_log(s)
            .await
            .into_iter()
            .filter(|r| r.entity == entity::CASCADE_LINK && r.entity_id == Some(id))
            .collect();
        assert_eq!(steps.len(), 4, "{}", db.label);
        assert!(steps.iter().all(|r| r.org_id == Some(a)));
        assert_eq!(steps[0].after.as_ref().unwrap()["status"], "diterima");
        assert_eq!(steps[2].after.as_ref().unwrap()["status"], "ditolak");
        assert!(matches!(
            s.verify_audit().await.unwrap(),
            pokin_store::AuditVerification::Intact { .. }
        ));
        // An OPD proposing upward must name its own objective.
        let up = NewLink {
            source: None,
            side: LinkSide::Opd,
            target: target("S2"),
            ..bappeda
        };
        assert!(
            invalid(s.propose_link("perencana", p, &up).await.unwrap_err())
                .contains("harus menyebut")
        );
        // Deleting the OPD objective leaves the link, broken.
        let mut d = s.load_organisation(a).await.unwrap().into_draft();
        let head = d
            .units
            .iter_mut()
            .find(|u| u.key == key("kepala-dinas"))
            .unwrap();
        head.objectives.retain(|o| o.code != code("SS1"));
        for u in &mut d.units {
            for o in &mut u.objectives {
                o.supports
                    .retain(|x| !(x.unit == key("kepala-dinas") && x.objective == code("SS1")));
            }
        }
        d.programs
            .retain(|pr| pr.objective.as_ref() != Some(&code("SS1")));
        s.import_organisation(
            "perencana",
            &d.validate().unwrap(),
            pokin_store::ImportMode::Replace,
        )
        .await
        .unwrap();
        let links = s.links(p).await.unwrap();
        let org = s.load_organisation(a).await.unwrap();
        let accepted = links.iter().find(|l| l.id == id).unwrap();
        assert!(accepted.broken(&s.load_pemda(p).await.unwrap(), Some(&org)));
    }
}

#[tokio::test]
async fn crosscuts_split_shares_and_refuse_cycles() {
    for db in backends().await {
        let s = &db.store;
        let (p, a, b) = setup(&db).await;
        let ask = NewCrosscut {
            from_org: a,
            from: source("kepala-dinas", "SS1"),
            to_org: b,
            share: Some(40.0),
            note: Some("mohon dukungan".into()),
        };
        let e = s
            .propose_crosscut(
                "perencana",
                p,
                &NewCrosscut {
                    to_org: a,
                    ..ask.clone()
                },
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("organisasi lain"));
        let id = s.propose_crosscut("perencana", p, &ask).await.unwrap();
        let c = s
            .decide_crosscut(
                "perencana-b",
                p,
                id,
                LinkAction::Terima,
                Some(&source("kepala", "SS1")),
                None,
            )
            .await
            .unwrap();
        assert_eq!(c.status, LinkStatus::Diterima);
        // The reverse request would close a cycle: B SS1 → A SS1 → B SS1.
        let back = NewCrosscut {
            from_org: b,
            from: source("kepala", "SS1"),
            to_org: a,
            share: None,
            note: None,
        };
        let id2 = s.propose_crosscut("perencana-b", p, &back).await.unwrap();
        let before = Unchanged::take(&db).await;
        let e = s
            .decide_crosscut(
                "perencana",
                p,
                id2,
                LinkAction::Terima,
                Some(&source("kepala-dinas", "SS1")),
                None,
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("lingkaran"), "{}", db.label);
        before.check(&db, "a cycle").await;
        let e = s
            .decide_crosscut("perencana", p, id2, LinkAction::Tolak, None, None)
            .await;
        assert!(invalid(e.unwrap_err()).contains("alasan"));
        let c = s
            .decide_crosscut(
                "perencana",
                p,
                id2,
                LinkAction::Tolak,
                None,
                Some("melingkar"),
            )
            .await
            .unwrap();
        assert_eq!(c.status, LinkStatus::Ditolak);
        assert_eq!(s.crosscuts(p).await.unwrap().len(), 2);
        // Deleting an organisation takes its links and crosscuts with it.
        s.delete_organisation("admin", b).await.unwrap();
        assert!(s.crosscuts(p).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn review_notes_and_own_realisations() {
    for db in backends().await {
        let s = &db.store;
        let (p, a, _) = setup(&db).await;
        let n = s
            .add_review_note(
                "bappeda",
                p,
                Some((a, &key("kepala-dinas"))),
                &code("SS1"),
                "Indikator belum SMART",
            )
            .await
            .unwrap();
        let e = s
            .add_review_note(
                "bappeda",
                p,
                Some((a, &key("kepala-dinas"))),
                &code("SS77"),
                "x",
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("tidak ada"));
        let e = s
            .add_review_note("bappeda", p, None, &code("S1"), "   ")
            .await
            .unwrap_err();
        assert!(invalid(e).contains("kosong"));
        s.add_review_note("bappeda", p, None, &code("IKD1"), "Target terlalu rendah")
            .await
            .unwrap();
        let resolved = s.resolve_review_note("perencana", n).await.unwrap();
        assert!(!resolved.open);
        assert!(s.resolve_review_note("perencana", n).await.is_err());
        let notes = s.review_notes(p).await.unwrap();
        assert_eq!(notes.iter().filter(|n| n.open).count(), 1);

        s.set_pemda_realisation(
            "bappeda",
            p,
            &code("IKD1"),
            2025,
            Some(&Realisation::Number(72.5)),
        )
        .await
        .unwrap();
        let e = s
            .set_pemda_realisation(
                "bappeda",
                p,
                &code("IKD1"),
                2031,
                Some(&Realisation::Number(1.0)),
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("di luar periode RPJMD"));
        let e = s
            .set_pemda_realisation(
                "bappeda",
                p,
                &code("IKD1"),
                2025,
                Some(&Realisation::Number(f64::INFINITY)),
            )
            .await
            .unwrap_err();
        assert!(invalid(e).contains("terhingga"));
        let own = s.pemda_realisations(p, 2025).await.unwrap();
        assert_eq!(own.get(&code("IKD1")), Some(&Realisation::Number(72.5)));
        s.set_pemda_realisation("bappeda", p, &code("IKD1"), 2025, None)
            .await
            .unwrap();
        assert!(s.pemda_realisations(p, 2025).await.unwrap().is_empty());
        assert!(matches!(
            s.verify_audit().await.unwrap(),
            pokin_store::AuditVerification::Intact { .. }
        ));
    }
}

/// A pemda with links in every state (one broken) and a crosscut, through the audited steps.
async fn populated(db: &TestDb) -> i64 {
    let s = &db.store;
    let (p, a, b) = setup(db).await;
    let link = |org_id, node: &str, src: Option<OpdSource>, side| NewLink {
        org_id,
        target: target(node),
        source: src,
        role: LinkRole::PengampuUtama,
        weight: 1.0,
        side,
    };
    let accepted = s
        .propose_link("bappeda", p, &link(a, "S1", None, LinkSide::Pemda))
        .await
        .unwrap();
    let src = source("kepala-dinas", "SS1");
    s.decide_link(
        "perencana",
        p,
        accepted,
        LinkAction::Terima,
        Some(&src),
        None,
    )
    .await
    .unwrap();
    let rejected = s
        .propose_link("bappeda", p, &link(b, "S2", None, LinkSide::Pemda))
        .await
        .unwrap();
    s.decide_link(
        "perencana",
        p,
        rejected,
        LinkAction::Tolak,
        None,
        Some("bukan urusan kami"),
    )
    .await
    .unwrap();
    let mut waiting = link(b, "T1", Some(source("kepala", "SS1")), LinkSide::Opd);
    waiting.target.indicator = Some(code("IKT1"));
    waiting.weight = 2.5;
    waiting.role = LinkRole::Pendukung;
    s.propose_link("perencana", p, &waiting).await.unwrap();
    s.propose_crosscut(
        "perencana",
        p,
        &NewCrosscut {
            from_org: a,
            from: source("kepala-dinas", "SS1"),
            to_org: b,
            share: Some(40.0),
            note: Some("mohon dukungan".into()),
        },
    )
    .await
    .unwrap();
    // A node the accepted link points at disappears from the tree: the link stays, broken.
    let mut d = s.load_pemda(p).await.unwrap().into_draft();
    d.nodes.retain(|n| n.code != code("S2"));
    s.save_pemda("bappeda", Some(p), &d.validate().unwrap())
        .await
        .unwrap();
    p
}

#[tokio::test]
async fn a_pemda_file_round_trips_into_another_database() {
    for (db, other) in backends().await.into_iter().zip(backends().await) {
        let p = populated(&db).await;
        let file = db.store.export_pemda(p).await.unwrap();
        assert_eq!(
            file.members,
            vec!["Badan B".to_owned(), "Dinas A".to_owned()]
        );
        assert_eq!(file.links.len(), 3, "{}", db.label);
        assert_eq!(file.crosscuts.len(), 1);
        assert_eq!(file.links[1].status, LinkStatus::Ditolak);

        // Refused whole while an organisation is missing: nothing written.
        let t = &other.store;
        import(t, &rich_org("Dinas A")).await;
        let before = Unchanged::take(&other).await;
        let e = t.import_pemda("admin", &file, false).await.unwrap_err();
        assert!(
            invalid(e).contains("'Badan B' tidak ada"),
            "{}",
            other.label
        );
        before
            .check(&other, "an import naming a missing organisation")
            .await;

        import(t, &small_org("Badan B")).await;
        let done = t.import_pemda("admin", &file, false).await.unwrap();
        assert_eq!((done.links, done.crosscuts, done.replaced), (3, 1, false));
        assert_eq!(done.broken.len(), 1, "{:?}", done.broken);
        assert!(done.broken[0].contains("S2"), "{:?}", done.broken);
        assert_eq!(
            t.export_pemda(done.id).await.unwrap(),
            file,
            "{}",
            other.label
        );
        assert_eq!(t.pemda_members(done.id).await.unwrap().len(), 2);

        // Importing again needs --replace; replacing with fewer links removes the others,
        // audited, and keeps the pemda's id.
        let e = t.import_pemda("admin", &file, false).await.unwrap_err();
        assert!(invalid(e).contains("--replace"));
        let mut fewer = file.clone();
        fewer.links.truncate(1);
        fewer.crosscuts.clear();
        fewer.members.retain(|m| m == "Dinas A");
        let again = t.import_pemda("admin", &fewer, true).await.unwrap();
        assert_eq!((again.id, again.replaced), (done.id, true));
        assert_eq!(t.export_pemda(done.id).await.unwrap(), fewer);
        let log = audit_log(t).await;
        let deleted = log
            .iter()
            .filter(|r| {
                r.entity == entity::CASCADE_LINK && r.action == pokin_store::AuditAction::Delete
            })
            .count();
        assert_eq!(deleted, 3, "every replaced link is audited as removed");

        // A file whose links make no sense is refused as a whole, with every problem.
        let mut bad = file.clone();
        bad.links[1].reason = None;
        bad.links[0].organisation = "Dinas Z".into();
        let before = Unchanged::take(&other).await;
        let e = invalid(t.import_pemda("admin", &bad, true).await.unwrap_err());
        assert!(e.contains("tanpa alasan") && e.contains("'Dinas Z'"), "{e}");
        before.check(&other, "an invalid pemda file").await;
    }
}
