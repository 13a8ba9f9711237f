//! The pages a kabupaten uses all day (the diagram, the organisation dashboard, the region-wide
//! dashboard, the capaian API) are served from the cache of what was computed from an
//! organisation's data (`pokin_web::cache`):
//! - **exact invalidation**: every kind of change — a verified realisation, a renamed unit, new
//!   predicate bands — is visible on the very next request, whichever path made it (the store
//!   directly here, not the web app, so no web hook could be what invalidates);
//! - **queries per page**: a warm page costs a fixed, small number of statements, and a cold one
//!   the same number whether the organisation has 3 units or 40 (no query per unit, objective
//!   or indicator).
//!
//! On SQLite and on PostgreSQL.

mod common;
mod measure_common;

use common::*;
use measure_common::rich_org;
use pokin_domain::capaian::{Band, PredicateBands, Realisation};
use pokin_domain::measure::{Action, IndicatorKey, MeasureSettings, Period, RealisationInput};
use pokin_domain::{Code, Indicator, Objective, TargetValue, Unit, UnitKey, UnitKind};
use pokin_store::ImportMode;

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("key")
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

fn tw(year: i32, n: u8) -> Period {
    Period::new(year, pokin_domain::capaian::Periodisation::Triwulan, n).expect("period")
}

/// The test organisation replaced by `org`.
async fn replace(t: &TestApp, org: &pokin_domain::Organisation) {
    let id = t
        .store
        .import_organisation("tester", org, ImportMode::Replace)
        .await
        .expect("replace");
    assert_eq!(id, t.org);
}

/// Enters, submits and verifies a realisation through the store.
async fn verified(t: &TestApp, unit: &str, c: &str, period: Period, value: f64) {
    let k = IndicatorKey {
        unit: key(unit),
        code: code(c),
    };
    let input = RealisationInput {
        value: Some(Realisation::Number(value)),
        ..RealisationInput::default()
    };
    let id = t
        .store
        .save_realisation("operator", t.org, &k, period, &input)
        .await
        .expect("save");
    for (who, action) in [
        ("operator", Action::Ajukan),
        ("verifikator", Action::Verifikasi),
    ] {
        t.store
            .transition_realisation(who, t.org, id, action, None)
            .await
            .expect("step");
    }
}

/// The text of the element with `id="…"` (up to the next `<`).
fn text_of(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no #{id}")) + marker.len();
    body[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn a_change_is_visible_on_the_next_request() {
    for t in setups().await {
        replace(&t, &rich_org()).await;
        let s = t.login("admin").await;
        let dasbor = format!("/organisasi/{}/dasbor?tahun=2026", t.org);
        let svg = format!("/organisasi/{}/pohon.svg", t.org);
        let daerah = "/dasbor/daerah?tahun=2026";

        // Nothing verified yet; every page computed once and then served again.
        for _ in 0..2 {
            let page = t.get(&dasbor, Some(&s)).await;
            assert_eq!(page.status, 200, "{}", page.body);
            assert_eq!(
                text_of(&page.body, "capaian-organisasi"),
                "belum dilaporkan"
            );
            let svg = t.get(&svg, Some(&s)).await.body;
            assert!(svg.contains("Sekretariat"), "{svg}");
            let region = t.get(daerah, Some(&s)).await;
            assert_eq!(region.status, 200, "{}", region.body);
            assert_eq!(text_of(&region.body, "capaian-daerah"), "—");
        }

        // A realisation verified behind the web app's back: sekretariat IK1 (target 2026 = 95 %)
        // at 72 % for TW I → 75,79 %; the only unit with a capaian, so the organisation's too.
        verified(&t, "sekretariat", "IK1", tw(2026, 1), 72.0).await;
        let page = t.get(&dasbor, Some(&s)).await.body;
        assert_eq!(text_of(&page, "capaian-organisasi"), "75,79%");
        let region = t.get(daerah, Some(&s)).await.body;
        assert_eq!(text_of(&region, "capaian-daerah"), "75,79%");
        assert!(!page.contains("Cukup"), "default bands have no 'Cukup'");

        // New predicate bands: the same 75,79 % is now "Cukup".
        let bands = PredicateBands::new(vec![Band::new("Istimewa", 95.0), Band::new("Cukup", 0.0)])
            .expect("bands");
        let settings = MeasureSettings {
            bands,
            ..MeasureSettings::default()
        };
        t.store
            .set_measure_settings("perencana", t.org, &settings)
            .await
            .expect("settings");
        let page = t.get(&dasbor, Some(&s)).await.body;
        assert!(page.contains("Cukup"), "new bands used at once");

        // The tree changed: a renamed unit is drawn under its new name at once.
        let mut draft = rich_org().into_draft();
        draft.units[2].name = "Sekretariat Baru Sekali".into();
        replace(&t, &draft.validate().expect("valid")).await;
        let svg = t.get(&svg, Some(&s)).await.body;
        assert!(svg.contains("Sekretariat Baru Sekali"), "{svg}");
        // And on the kabupaten diagram, where the organisation's tree hangs under S1.
        t.accept_link().await;
        let kabupaten = format!("/pemda/{}/pohon.svg?collapsed=", t.pemda);
        let before = t.get(&kabupaten, Some(&s)).await.body;
        assert!(before.contains("Sekretariat Baru Sekali"), "{before}");
        let mut draft = rich_org().into_draft();
        draft.units[2].name = "Sekretariat Terbaru".into();
        replace(&t, &draft.validate().expect("valid")).await;
        let after = t.get(&kabupaten, Some(&s)).await.body;
        assert!(after.contains("Sekretariat Terbaru"), "{after}");
        // The linked objective renamed: the link is broken and the organisation's card goes;
        // named again, the card comes back (the pages drawn without the organisation are
        // kept under its revision too).
        let card = format!("id=\"u-n2-o{}-u0\"", t.org);
        let renamed = |from: &str, to: &str| {
            let mut draft = rich_org().into_draft();
            for u in &mut draft.units {
                for o in &mut u.objectives {
                    if u.key == key("kepala") && o.code == code(from) {
                        o.code = code(to);
                    }
                    for sup in &mut o.supports {
                        if sup.unit == key("kepala") && sup.objective == code(from) {
                            sup.objective = code(to);
                        }
                    }
                }
            }
            draft.validate().expect("valid")
        };
        replace(&t, &renamed("SS1", "SS9")).await;
        let broken = t.get(&kabupaten, Some(&s)).await.body;
        assert!(!broken.contains(&card), "{broken}");
        replace(&t, &rich_org()).await;
        let again = t.get(&kabupaten, Some(&s)).await.body;
        assert!(again.contains(&card), "{again}");

        // A change in another organisation leaves this one's pages cached: the next request
        // costs what a warm page costs.
        t.store
            .import_organisation("tester", &org("Dinas Lain Lagi"), ImportMode::Replace)
            .await
            .expect("other");
        t.get(&dasbor, Some(&s)).await;
        let before = t.store.statements();
        t.get(&dasbor, Some(&s)).await;
        assert_eq!(t.store.statements() - before, warm(&t), "warm dashboard");
    }
}

/// Statements a warm page costs: on PostgreSQL the session (with its account) and the
/// organisation's revision; on SQLite none, both are kept while the database is unchanged
/// (`PRAGMA data_version`, which any commit by any connection moves).
fn warm(t: &TestApp) -> u64 {
    match t.store.backend() {
        pokin_store::Backend::Sqlite => 0,
        pokin_store::Backend::Postgres => 2,
    }
}

/// The test organisation with `extra` more Bidang, each with an objective and two indicators.
fn sized(extra: usize) -> pokin_domain::Organisation {
    let mut draft = rich_org().into_draft();
    for n in 0..extra {
        let mut a = Indicator::new(code("IK1"), "Persentase layanan selesai");
        a.satuan = Some("%".into());
        a.targets.insert(2026, TargetValue::Number(90.0));
        let mut b = Indicator::new(code("IK2"), "Jumlah dokumen terbit");
        b.satuan = Some("dokumen".into());
        b.targets.insert(2026, TargetValue::Number(12.0));
        draft.units.push(Unit {
            key: key(&format!("bidang-tambahan-{n}")),
            name: format!("Bidang Tambahan {n}"),
            kind: UnitKind::Bidang,
            parent: Some(key("kepala")),
            officials: vec![],
            objectives: vec![Objective {
                code: code("SP1"),
                statement: format!("Meningkatnya layanan tambahan {n}"),
                supports: vec![],
                indicators: vec![a, b],
            }],
        });
    }
    draft.validate().expect("valid")
}

/// A page a kabupaten uses all day: its name, path, the statements it costs warm and at most
/// cold.
struct Page {
    name: &'static str,
    path: String,
    warm: u64,
    cold: u64,
}

/// The pages a kabupaten uses all day. The region page, read by the admin, reads every
/// organisation's and pemda's revision in one statement (the pemdas' IKU come first); the
/// whole-kabupaten diagram costs the session and the pemda snapshot (its revision and its
/// members', one statement). The pages
/// that read the pemda also assemble its overview cold: the RPJMD, links, notes and each
/// member's tree and capaian (one member here).
fn pages(t: &TestApp) -> Vec<Page> {
    let (org, pemda) = (t.org, t.pemda);
    let warm = warm(t);
    let page = |name, path: String, warm, cold| Page {
        name,
        path,
        warm,
        cold,
    };
    vec![
        page("diagram", format!("/organisasi/{org}/pohon"), warm, 30),
        page(
            "diagram svg",
            format!("/organisasi/{org}/pohon.svg"),
            warm,
            30,
        ),
        page(
            "heat tree",
            format!("/organisasi/{org}/pohon?warna=capaian&tahun=2026"),
            warm,
            30,
        ),
        page(
            "dashboard",
            format!("/organisasi/{org}/dasbor?tahun=2026"),
            warm,
            30,
        ),
        page("region", "/dasbor/daerah?tahun=2026".into(), warm, 45),
        page(
            "kabupaten diagram",
            format!("/pemda/{pemda}/pohon?collapsed="),
            warm,
            45,
        ),
        page(
            "kabupaten heat tree",
            format!("/pemda/{pemda}/pohon?warna=capaian&tahun=2026"),
            warm,
            45,
        ),
    ]
}

/// Statements each page costs on a cold cache (after a change) and warm, for an organisation
/// with `extra` more units.
async fn costs(t: &TestApp, s: &Session, extra: usize) -> Vec<(&'static str, u64, u64)> {
    // The other organisations (on the region-wide page) are warm: only this one's size varies.
    t.get("/dasbor/daerah?tahun=2026", Some(s)).await;
    let mut out = Vec::new();
    for p in pages(t) {
        // Any change raises the revision: the next request is cold.
        replace(t, &sized(extra)).await;
        let before = t.store.statements();
        let r = t.get(&p.path, Some(s)).await;
        assert_eq!(r.status, 200, "{}: {}", p.name, r.body);
        let cold = t.store.statements() - before;
        let before = t.store.statements();
        let r = t.get(&p.path, Some(s)).await;
        assert_eq!(r.status, 200, "{}: {}", p.name, r.body);
        let warm = t.store.statements() - before;
        out.push((p.name, cold, warm));
    }
    out
}

#[tokio::test]
async fn pages_cost_the_same_queries_whatever_the_size() {
    for t in setups().await {
        let s = t.login("admin").await;
        replace(&t, &sized(0)).await;
        t.accept_link().await;
        verified(&t, "sekretariat", "IK1", tw(2026, 1), 72.0).await;
        let small = costs(&t, &s, 0).await;
        let large = costs(&t, &s, 40).await;
        assert_eq!(small, large, "statements per page must not grow with units");
        for (p, (name, cold, warm)) in pages(&t).iter().zip(&small) {
            assert_eq!(*warm, p.warm, "{name}: statements warm");
            assert!(*cold <= p.cold, "{name}: {cold} statements cold");
        }
    }
}

#[tokio::test]
async fn the_region_page_shows_only_what_the_user_may_read() {
    for t in setups().await {
        let admin = t.login("admin").await;
        let list = t.get("/organisasi", Some(&admin)).await.body;
        assert!(
            list.contains("href=\"/dasbor/daerah\""),
            "linked from the list"
        );
        let all = t.get("/dasbor/daerah", Some(&admin)).await;
        assert_eq!(all.status, 200, "{}", all.body);
        assert!(
            all.body.contains("Dinas Lain"),
            "admin sees every organisation"
        );
        assert!(all.body.contains(&format!("/organisasi/{}/dasbor", t.org)));
        let own = t
            .get("/dasbor/daerah", Some(&t.login("perencana").await))
            .await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert!(
            !own.body.contains("Dinas Lain"),
            "only the user's organisation"
        );
        assert!(own.body.contains(&format!("/organisasi/{}/dasbor", t.org)));
        let bad = t.get("/dasbor/daerah?tahun=abc", Some(&admin)).await;
        assert_eq!(bad.status, 422);
        assert!(
            bad.body.contains("Tahun &#39;abc&#39; tidak sah"),
            "{}",
            bad.body
        );
        assert_eq!(
            t.get("/dasbor/daerah", None).await.status,
            303,
            "login first"
        );
    }
}

/// Statements of the pemda's control page right after organisation `t.org` changed, and warm.
async fn pemda_page_after_a_change(t: &TestApp, s: &Session) -> (u64, u64) {
    let page = format!("/pemda/{}?tahun=2026", t.pemda);
    let r = t.get(&page, Some(s)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    replace(t, &sized(0)).await;
    let before = t.store.statements();
    let r = t.get(&page, Some(s)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cold = t.store.statements() - before;
    let before = t.store.statements();
    t.get(&page, Some(s)).await;
    (cold, t.store.statements() - before)
}

/// After one member changes, the pemda's overview measures that member again and takes every
/// other member's tree and capaian from the cache: one more member costs no statement.
#[tokio::test]
async fn a_change_in_one_member_reloads_only_that_member() {
    for t in setups().await {
        let s = t.login("admin").await;
        replace(&t, &sized(0)).await;
        t.accept_link().await;
        let one = pemda_page_after_a_change(&t, &s).await;
        t.store
            .set_pemda_of("tester", t.other_org, Some(t.pemda))
            .await
            .unwrap();
        let two = pemda_page_after_a_change(&t, &s).await;
        assert_eq!(
            one, two,
            "(cold, warm) statements with one member and with two"
        );
    }
}
