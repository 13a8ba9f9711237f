//! The pohon kinerja diagram pages: who may open them, the inline SVG, collapse and indicator
//! switches, the SVG download, the details partial and what bad query values give.

mod common;

use axum::http::{StatusCode, header};
use common::*;
use pokin_domain::{
    Code, Indicator, Objective, Polarity, Support, TargetValue, Unit, UnitKey, UnitKind,
};
use pokin_store::ImportMode;

const ORG_NAME: &str = "Dinas <script>alert(0)</script> Uji";

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("key")
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

/// The test organisation with a Seksi under the Bidang, cascade links and a fully specified IKU.
async fn richer(t: &TestApp) {
    let mut draft = org(ORG_NAME).into_draft();
    let iku = &mut draft.units[0].objectives[0].indicators[0];
    iku.iku = true;
    iku.satuan = Some("%".into());
    iku.polarity = Some(Polarity::Positive);
    iku.definition = Some("Definisi uji <i>miring</i>".into());
    iku.formula = Some("A/B x 100".into());
    iku.data_source = Some("Survei tahunan".into());
    iku.responsible = Some("Sekretaris".into());
    iku.baseline = Some(TargetValue::Number(70.5));
    iku.targets.insert(2025, TargetValue::Number(75.25));
    iku.targets.insert(
        2026,
        TargetValue::Range {
            min: 80.0,
            max: 85.0,
        },
    );
    let mut ik = Indicator::new(code("IK1"), "Jumlah layanan terbit");
    ik.satuan = Some("layanan".into());
    draft.units[1].objectives.push(Objective {
        code: code("SS1"),
        statement: "Meningkatnya layanan bidang".into(),
        supports: vec![Support {
            unit: key("kepala"),
            objective: code("SS1"),
            weight: 0.6,
        }],
        indicators: vec![ik],
    });
    draft.units.push(Unit {
        key: key("seksi-a"),
        name: "Seksi Alfa".into(),
        kind: UnitKind::Seksi,
        parent: Some(key("bidang-satu")),
        officials: vec![],
        objectives: vec![Objective {
            code: code("SS1"),
            statement: "Tertibnya berkas seksi".into(),
            supports: vec![Support {
                unit: key("bidang-satu"),
                objective: code("SS1"),
                weight: 1.0,
            }],
            indicators: vec![Indicator::new(code("IK1"), "Persentase berkas lengkap")],
        }],
    });
    let org = draft.validate().expect("valid");
    let id = t
        .store
        .import_organisation("tester", &org, ImportMode::Replace)
        .await
        .expect("replace");
    assert_eq!(id, t.org);
}

async fn app() -> TestApp {
    let t = setup().await;
    richer(&t).await;
    t
}

#[tokio::test]
async fn every_pohon_route_by_role() {
    for t in setups().await {
        richer(&t).await;
        let routes = |org: i64| {
            [
                format!("/organisasi/{org}/pohon"),
                format!("/organisasi/{org}/pohon.svg"),
                format!("/organisasi/{org}/pohon.svg?unduh=1"),
                format!("/organisasi/{org}/pohon/detail?unit=kepala"),
                format!("/organisasi/{org}/pohon/detail?unit=kepala&sasaran=SS1&indikator=IKU1"),
            ]
        };
        for path in routes(t.org) {
            // Anonymous: to the login page.
            let r = t.get(&path, None).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
            assert!(
                r.headers[header::LOCATION]
                    .to_str()
                    .unwrap()
                    .starts_with("/masuk")
            );
            for role in ROLES {
                let s = t.login(role).await;
                let r = t.get(&path, Some(&s)).await;
                assert_eq!(r.status, StatusCode::OK, "{role} {path}: {}", r.body);
            }
            for role in ["perencana.lain", "inspektorat.lain"] {
                let s = t.login(role).await;
                let r = t.get(&path, Some(&s)).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
                assert!(r.body.contains("di luar lingkup"), "{}", r.body);
                assert!(!r.body.contains("Seksi Alfa"));
            }
        }
        // The admin reads the other organisation too; its own users are refused ours above.
        let admin = t.login("admin").await;
        for path in routes(t.other_org) {
            assert_eq!(t.get(&path, Some(&admin)).await.status, StatusCode::OK);
        }
        // A missing organisation is a 404, not a 500.
        let r = t.get("/organisasi/999999/pohon", Some(&admin)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("tidak ada"));

        // `/pohon` leads to the user's own diagram; an admin with several goes to the list.
        let r = t.get("/pohon", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        for role in ROLES.iter().filter(|r| **r != "admin") {
            let s = t.login(role).await;
            let r = t.get("/pohon", Some(&s)).await;
            assert_eq!(
                r.headers[header::LOCATION],
                format!("/organisasi/{}/pohon", t.org).as_str()
            );
        }
        let r = t.get("/pohon", Some(&admin)).await;
        assert_eq!(r.headers[header::LOCATION], "/organisasi");
    }
}

#[tokio::test]
async fn page_inlines_the_svg_with_every_unit() {
    let t = app().await;
    let s = t.login("pimpinan").await;
    let r = t
        .get(&format!("/organisasi/{}/pohon", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pohon\"")
    );
    for unit in ["kepala", "bidang-satu", "seksi-a"] {
        assert!(r.body.contains(&format!("id=\"u-{unit}\"")), "{unit}");
    }
    // The page's CSP forbids inline styles and scripts: none in the page, the script is a file.
    assert!(!r.body.contains("<style"));
    assert!(!r.body.contains("style=\""));
    assert!(
        r.body
            .contains("<script src=\"/aset/pohon-4.js\" defer></script>")
    );
    assert_eq!(
        r.body.matches("<script").count(),
        3,
        "htmx, app.js, pohon.js"
    );
    // Names are escaped in the SVG and in the page.
    assert!(!r.body.contains("<script>alert"));
    assert!(r.body.contains("Bidang &lt;script&gt;"));
    // The toolbar and the state for the script.
    for text in [
        "id=\"pohon-cari\"",
        "Tampilkan indikator",
        "Lipat semua",
        "Unduh SVG",
        "data-zoom=\"in\"",
        "data-zoom=\"out\"",
        "data-zoom=\"fit\"",
        "data-collapsible=\"bidang-satu\"",
        "aria-label=\"Diagram pohon kinerja\"",
    ] {
        assert!(r.body.contains(text), "{text}");
    }
    // The navigation and the overview link to the diagram.
    assert!(
        r.body
            .contains("<a href=\"/pohon\" aria-current=\"page\">Pohon kinerja</a>")
    );
    let overview = t.get(&format!("/organisasi/{}", t.org), Some(&s)).await;
    assert!(
        overview
            .body
            .contains(&format!("href=\"/organisasi/{}/pohon\"", t.org))
    );
    // The search the page opens with is echoed (escaped) for the script.
    let r = t
        .get(
            &format!("/organisasi/{}/pohon?cari=%3Cb%3Eseksi", t.org),
            Some(&s),
        )
        .await;
    assert!(r.body.contains("value=\"&#60;b&#62;seksi\""));
    // The script is served.
    let js = t.get("/aset/pohon-4.js", None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(
        js.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn collapsed_hides_descendants_and_ignores_unknown_keys() {
    let t = app().await;
    let s = t.login("operator").await;
    for base in ["pohon", "pohon.svg"] {
        let path = format!("/organisasi/{}/{base}?collapsed=bidang-satu", t.org);
        let r = t.get(&path, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("id=\"u-bidang-satu\""));
        assert!(!r.body.contains("id=\"u-seksi-a\""), "{base}");
        assert!(r.body.contains("data-collapsed=\"true\" data-hidden=\"1\""));
        // Garbage, unknown keys and empty items are ignored: the whole tree is drawn.
        for garbage in [
            "collapsed=%3Cscript%3E,,nope,KEPALA!!,%00",
            "collapsed=",
            "collapsed=seksi-a",
            "collapsed=nope&collapsed=,",
        ] {
            let path = format!("/organisasi/{}/{base}?{garbage}", t.org);
            let r = t.get(&path, Some(&s)).await;
            assert_eq!(r.status, StatusCode::OK, "{garbage}");
            assert!(r.body.contains("id=\"u-seksi-a\""), "{garbage}");
            assert!(!r.body.contains("<script>"));
        }
    }
    // The page reports the effective set (unknown keys dropped) to the script.
    let path = format!(
        "/organisasi/{}/pohon?collapsed=nope,bidang-satu,%3Cx%3E",
        t.org
    );
    let r = t.get(&path, Some(&s)).await;
    assert!(r.body.contains("data-collapsed=\"bidang-satu\""));
    assert!(r.body.contains("unduh=1&amp;collapsed=bidang-satu"));
}

#[tokio::test]
async fn indikator_0_hides_indicators() {
    let t = app().await;
    let s = t.login("verifikator").await;
    for base in ["pohon", "pohon.svg"] {
        let all = t
            .get(&format!("/organisasi/{}/{base}", t.org), Some(&s))
            .await;
        assert!(all.body.contains("class=\"indicator\""));
        assert!(all.body.contains("Jumlah layanan terbit"));
        for off in ["indikator=0", "indikator=tidak"] {
            let r = t
                .get(&format!("/organisasi/{}/{base}?{off}", t.org), Some(&s))
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(!r.body.contains("class=\"indicator\""), "{base} {off}");
            assert!(!r.body.contains("Jumlah layanan terbit"));
            assert!(r.body.contains("Meningkatnya layanan bidang"));
        }
        // Anything else shows them.
        let r = t
            .get(
                &format!("/organisasi/{}/{base}?indikator=%3Cx%3E", t.org),
                Some(&s),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("class=\"indicator\""));
    }
    let r = t
        .get(
            &format!("/organisasi/{}/pohon?indikator=0", t.org),
            Some(&s),
        )
        .await;
    assert!(!r.body.contains("id=\"pohon-indikator\" checked"));
    assert!(r.body.contains("indikator=0\" download"));
}

#[tokio::test]
async fn svg_alone_and_as_download() {
    let t = app().await;
    let s = t.login("inspektorat").await;
    let r = t
        .get(&format!("/organisasi/{}/pohon.svg", t.org), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    assert!(r.headers.get(header::CONTENT_DISPOSITION).is_none());
    assert!(
        r.body
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    // Standalone: it keeps its own style, and its policy allows only that.
    assert!(r.body.contains("<style>"));
    assert!(!r.body.contains("<script"));
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"));

    let r = t
        .get(
            &format!(
                "/organisasi/{}/pohon.svg?unduh=1&collapsed=bidang-satu",
                t.org
            ),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"pohon-kinerja-dinas-script-alert-0-script-uji.svg\""
    );
    assert!(!r.body.contains("id=\"u-seksi-a\""));
}

/// The page strips the SVG's `<style>` (CSP); app.css must carry every one of its rules, scoped
/// to `svg.pohon`.
#[tokio::test]
async fn app_css_carries_the_diagram_styles() {
    let t = app().await;
    let s = t.login("admin").await;
    let svg = t
        .get(&format!("/organisasi/{}/pohon.svg", t.org), Some(&s))
        .await
        .body;
    let css = t.get("/aset/app-2.css", None).await.body;
    let (_, rest) = svg.split_once("<style>").expect("style");
    let (style, _) = rest.split_once("</style>").expect("style end");
    let mut rules = 0;
    for rule in style.split('}').filter(|r| !r.trim().is_empty()) {
        let (selectors, declarations) = rule.split_once('{').expect("rule");
        let scoped = selectors
            .split(',')
            .map(|s| match s.trim() {
                ".pohon" => "svg.pohon".to_owned(),
                s => format!("svg.pohon {s}"),
            })
            .collect::<Vec<_>>()
            .join(",");
        let expected = format!("{scoped}{{{declarations}}}");
        assert!(css.contains(&expected), "app.css lacks {expected}");
        rules += 1;
    }
    assert!(rules > 20);
    assert!(css.contains("/* Pohon kinerja diagram */"));
}

#[tokio::test]
async fn detail_partial_shows_the_node() {
    let t = app().await;
    let s = t.login("perencana").await;
    let detail = |q: &str| format!("/organisasi/{}/pohon/detail?{q}", t.org);

    // A unit: kind, parent, counts, link to its page; the name escaped.
    let r = t.get(&detail("unit=bidang-satu"), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<html"), "a partial, not a page");
    assert!(
        r.body
            .contains("Bidang &#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;")
    );
    assert!(!r.body.contains("<script"));
    assert!(r.body.contains("Unit atasan"));
    assert!(r.body.contains("data-pohon-unit=\"kepala\""));
    assert!(
        r.body
            .contains(&format!("href=\"/organisasi/{}/unit/bidang-satu\"", t.org))
    );
    assert!(r.body.contains("Belum tercatat"));

    // An objective: what it supports (with weight) and what supports it.
    let r = t
        .get(&detail("unit=bidang-satu&sasaran=SS1"), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Meningkatnya layanan bidang"));
    assert!(r.body.contains("Mendukung"));
    assert!(
        r.body
            .contains("Meningkatnya &#60;b&#62;kinerja&#60;/b&#62;")
    );
    assert!(r.body.contains("bobot 0,6"));
    assert!(r.body.contains("Didukung oleh"));
    assert!(r.body.contains("Seksi Alfa · SS1"));
    assert!(r.body.contains("bobot 1"));

    // An indicator: the full manual IK and the Renstra targets, formatted the Indonesian way.
    let r = t
        .get(&detail("unit=kepala&sasaran=SS1&indikator=IKU1"), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "Indeks &#60;script&#62;alert(1)&#60;/script&#62;",
        "IKU",
        "Manual IK",
        "<dt>Satuan</dt><dd>%</dd>",
        "<dt>Polaritas</dt><dd>positif</dd>",
        "Definisi uji &#60;i&#62;miring&#60;/i&#62;",
        "<dt>Formula</dt><dd>A/B x 100</dd>",
        "<dt>Sumber data</dt><dd>Survei tahunan</dd>",
        "<dt>Penanggung jawab</dt><dd>Sekretaris</dd>",
        "<dt>Baseline</dt><dd>70,5%</dd>",
        "<td>2025</td><td class=\"num\">75,25%</td>",
        "<td>2026</td><td class=\"num\">80–85%</td>",
    ] {
        assert!(r.body.contains(text), "{text}\n{}", r.body);
    }
    assert!(!r.body.contains("<script"));
    // An indicator without specification says so.
    let r = t
        .get(&detail("unit=seksi-a&sasaran=SS1&indikator=IK1"), Some(&s))
        .await;
    assert!(r.body.contains("Spesifikasi indikator belum diisi"));
    assert!(r.body.contains("Belum ada target Renstra"));
}

#[tokio::test]
async fn bad_detail_queries_are_clear_never_500() {
    let t = app().await;
    let s = t.login("pimpinan").await;
    let detail = |q: &str| format!("/organisasi/{}/pohon/detail?{q}", t.org);
    let cases: [(&str, StatusCode, &str); 10] = [
        (
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
            "Parameter &#39;unit&#39; wajib",
        ),
        ("unit=", StatusCode::UNPROCESSABLE_ENTITY, "wajib"),
        (
            "unit=nope",
            StatusCode::NOT_FOUND,
            "Unit &#39;nope&#39; tidak ada",
        ),
        (
            "unit=%3Cscript%3Ealert(2)%3C/script%3E",
            StatusCode::NOT_FOUND,
            "Unit &#39;&#60;script&#62;alert(2)&#60;/script&#62;&#39; tidak ada",
        ),
        ("unit=%FF%FE", StatusCode::NOT_FOUND, "tidak ada"),
        (
            "unit=kepala&sasaran=SS9",
            StatusCode::NOT_FOUND,
            "Sasaran &#39;SS9&#39; tidak ada",
        ),
        (
            "unit=kepala&sasaran=%3Cb%3E",
            StatusCode::NOT_FOUND,
            "Sasaran &#39;&#60;b&#62;&#39;",
        ),
        (
            "unit=kepala&sasaran=SS1&indikator=IK9",
            StatusCode::NOT_FOUND,
            "Indikator &#39;IK9&#39; tidak ada",
        ),
        (
            "unit=kepala&indikator=IKU1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "memerlukan &#39;sasaran&#39;",
        ),
        (
            "unit=seksi-a&sasaran=IKU1",
            StatusCode::NOT_FOUND,
            "tidak ada",
        ),
    ];
    for (q, status, text) in cases {
        let r = t.get(&detail(q), Some(&s)).await;
        assert_eq!(r.status, status, "{q}: {}", r.body);
        assert!(r.body.contains(text), "{q}: {text}\n{}", r.body);
        assert!(!r.body.contains("<script>alert"));
    }
    // Repeated parameters: the last one counts; unknown parameters are ignored.
    let r = t
        .get(&detail("unit=nope&unit=kepala&zoom=9"), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
