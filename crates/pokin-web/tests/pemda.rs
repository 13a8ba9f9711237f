//! An organisation's side of the pemda over HTTP: proposing a link upward (Bappeda answers),
//! crosscutting between two members with the shares shown against the target, review notes
//! written by Bappeda, shown in the organisation's page and task list and resolved by its
//! perencana — each step audited, each refusal in Indonesian and changing nothing.

mod common;
mod measure_common;

use axum::http::Method;
use axum::http::StatusCode;
use common::{TestApp, setups};
use measure_common::{api, api_json, token};
use pokin_domain::TargetValue;
use serde_json::json;

fn location(r: &common::Resp) -> &str {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The id after `#tautan-` / `#crosscutting-` in a page, for the last such item.
fn last_id(body: &str, prefix: &str) -> i64 {
    body.rsplit(&format!("id=\"{prefix}-"))
        .next()
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} in page"))
}

/// The organisation's perencana accepts the test pemda's waiting link, naming the Kepala's SS1.
async fn accept_waiting_link(t: &TestApp, perencana: &common::Session) {
    let r = t
        .post(
            &format!("/pemda/{}/tautan/{}/terima", t.pemda, t.link),
            Some(perencana),
            &[("sasaran_opd", "kepala SS1")],
            Some(&perencana.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn make_member(t: &TestApp) {
    t.store
        .set_pemda_of("tester", t.other_org, Some(t.pemda))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_opd_proposes_upward_and_bappeda_answers() {
    for t in setups().await {
        let perencana = t.login("perencana").await;
        let page = format!("/organisasi/{}/rpjmd", t.org);
        let r = t.get(&page, Some(&perencana)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("id=\"form-usul\""),
            "the perencana proposes here"
        );
        let form = [
            ("sasaran", "T1"),
            ("indikator", "IKT1"),
            ("sasaran_opd", "kepala SS1"),
            ("peran", "pendukung"),
            ("bobot", "2"),
        ];
        let r = t
            .post(
                &format!("{page}/tautan"),
                Some(&perencana),
                &form,
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let body = t.get(&page, Some(&perencana)).await.body;
        assert!(body.contains("diusulkan oleh perangkat daerah"), "{body}");
        let id = last_id(&body, "tautan");
        // Without its own objective, or for another organisation: refused.
        let before = t.audit_count().await;
        let r = t
            .post(
                &format!("{page}/tautan"),
                Some(&perencana),
                &[("sasaran", "T1"), ("sasaran_opd", "")],
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("pilih sasaran organisasi Anda"),
            "{}",
            r.body
        );
        let r = t
            .post(
                &format!("/organisasi/{}/rpjmd/tautan", t.other_org),
                Some(&perencana),
                &form,
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The organisation does not answer its own proposal; Bappeda does.
        let own = t
            .post(
                &format!("/pemda/{}/tautan/{id}/terima", t.pemda),
                Some(&perencana),
                &[],
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        assert_eq!(t.audit_count().await, before, "refusals change nothing");
        let bappeda = t.login("bappeda").await;
        let r = t
            .post(
                &format!("/pemda/{}/tautan/{id}/terima", t.pemda),
                Some(&bappeda),
                &[],
                Some(&bappeda.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let link = t.store.link(t.pemda, id).await.unwrap();
        assert_eq!(link.status.as_str(), "diterima");
        assert_eq!(link.weight, 2.0);
    }
}

#[tokio::test]
async fn crosscutting_between_two_members() {
    for t in setups().await {
        make_member(&t).await;
        // The asking objective's indicator counts 100 this year: 40 asked is *kurang*.
        let mut org = t.store.load_organisation(t.org).await.unwrap().into_draft();
        let year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
        org.units[0].objectives[0].indicators[0]
            .targets
            .insert(year, TargetValue::Number(100.0));
        org.renstra = None;
        t.store
            .import_organisation(
                "tester",
                &org.validate().unwrap(),
                pokin_store::ImportMode::Replace,
            )
            .await
            .unwrap();
        let perencana = t.login("perencana").await;
        let ask = [
            ("sasaran_opd", "kepala SS1"),
            ("indikator", "IKU1"),
            ("organisasi", &t.other_org.to_string()),
            ("bagian", "40"),
            ("catatan", "Mohon dukungan data"),
        ];
        let r = t
            .post(
                &format!("/organisasi/{}/crosscutting", t.org),
                Some(&perencana),
                &ask,
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // The other organisation sees it in its page and its task list, and answers.
        let lain = t.login("perencana.lain").await;
        let page = format!("/organisasi/{}/rpjmd", t.other_org);
        let body = t.get(&page, Some(&lain)).await.body;
        assert!(body.contains("bagian 40 dari target 100: kurang"), "{body}");
        let id = last_id(&body, "crosscutting");
        let tasks = t.get("/tugas", Some(&lain)).await.body;
        assert!(
            tasks.contains("Permintaan crosscutting untuk kepala SS1"),
            "{tasks}"
        );
        // The asker cannot answer; a rejection needs a reason.
        let answer = format!("/organisasi/{}/crosscutting/{id}/tolak", t.other_org);
        let r = t
            .post(
                &answer,
                Some(&perencana),
                &[("alasan", "x")],
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t
            .post(&answer, Some(&lain), &[("alasan", " ")], Some(&lain.csrf))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("alasan penolakan wajib"), "{}", r.body);
        let accept = format!("/organisasi/{}/crosscutting/{id}/terima", t.other_org);
        let r = t
            .post(
                &accept,
                Some(&lain),
                &[("sasaran_opd", "kepala SS1")],
                Some(&lain.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(location(&r).contains("pesan=crosscutting-diterima"));
        // Bappeda sees it on the control page; the API lists it with the balance.
        let bappeda = t.login("bappeda").await;
        let body = t
            .get(&format!("/pemda/{}", t.pemda), Some(&bappeda))
            .await
            .body;
        assert!(
            body.contains(&format!("id=\"crosscutting-{id}\"")),
            "{body}"
        );
        assert!(body.contains("data-status=\"diterima\""));
        // The RPJMD tree's findings (`pokin check --pemda`) are listed there too.
        let pemda = t.store.load_pemda(t.pemda).await.unwrap();
        let findings = pokin_domain::check::pemda_findings(&pemda);
        assert!(body.contains("id=\"temuan\""));
        assert!(!findings.is_empty(), "the test pemda has gaps to show");
        for f in &findings {
            assert!(
                body.contains(&format!("<code>{}</code>", f.location)),
                "{}",
                f.location
            );
        }
    }
}

#[tokio::test]
async fn review_notes_reach_the_opd_and_are_resolved() {
    for t in setups().await {
        let bappeda = t.login("bappeda").await;
        let r = t
            .post(
                &format!("/pemda/{}/catatan", t.pemda),
                Some(&bappeda),
                &[
                    ("organisasi", &t.org.to_string()),
                    ("pada", "kepala SS9"),
                    ("isi", "Indikator belum terukur"),
                ],
                Some(&bappeda.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no SS9");
        assert!(r.body.contains("tidak ada"), "{}", r.body);
        let r = t
            .post(
                &format!("/pemda/{}/catatan", t.pemda),
                Some(&bappeda),
                &[
                    ("organisasi", &t.org.to_string()),
                    ("pada", "kepala IKU1"),
                    ("isi", "Indikator belum terukur: tambahkan formula"),
                ],
                Some(&bappeda.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let perencana = t.login("perencana").await;
        let tasks = t.get("/tugas", Some(&perencana)).await.body;
        assert!(tasks.contains("Catatan reviu pada kepala IKU1"), "{tasks}");
        assert!(tasks.contains("tambahkan formula"));
        let page = format!("/organisasi/{}/rpjmd", t.org);
        let body = t.get(&page, Some(&perencana)).await.body;
        let id = last_id(&body, "catatan");
        assert!(body.contains(&format!("/organisasi/{}/catatan/{id}/selesai", t.org)));
        // Another organisation's perencana cannot resolve it.
        let lain = t.login("perencana.lain").await;
        let r = t
            .post(
                &format!("/organisasi/{}/catatan/{id}/selesai", t.org),
                Some(&lain),
                &[],
                Some(&lain.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t
            .post(
                &format!("/organisasi/{}/catatan/{id}/selesai", t.org),
                Some(&perencana),
                &[],
                Some(&perencana.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(!t.store.review_note(id).await.unwrap().open);
        let tasks = t.get("/tugas", Some(&perencana)).await.body;
        assert!(!tasks.contains("Catatan reviu pada kepala IKU1"), "{tasks}");
        // An RPJMD note and the crosscut list, through the API.
        let tk = token(&t, "bappeda").await;
        let path = format!("/api/v1/pemda/{}/catatan", t.pemda);
        let r = api_json(
            &t,
            Method::POST,
            &path,
            &tk,
            json!({"pada": "S1", "isi": "Target terlalu rendah"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = api_json(
            &t,
            Method::POST,
            &path,
            &tk,
            json!({"pada": "S1 S2", "isi": "x"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let notes = t.store.review_notes(t.pemda).await.unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.org_id.is_none() && n.body == "Target terlalu rendah")
        );
        let r = api(
            &t,
            Method::GET,
            &format!("/api/v1/pemda/{}/crosscutting", t.pemda),
            &tk,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["crosscutting"], json!([]));
    }
}

/// Bappeda edits the RPJMD tree in the browser: nodes and indicators (the OPD's indicator
/// form, checked against the RPJMD period), each change one audited save; refusals change
/// nothing; others only read.
#[tokio::test]
async fn bappeda_edits_the_rpjmd_tree() {
    for t in setups().await {
        let page = format!("/pemda/{}/rpjmd", t.pemda);
        let bappeda = t.login("bappeda").await;
        let r = t.get(&page, Some(&bappeda)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("id=\"form-simpul\""));
        let bupati = t.login("bupati").await;
        let r = t.get(&page, Some(&bupati)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            !r.body.contains("id=\"form-simpul\""),
            "the Bupati reads only"
        );
        let perencana = t.login("perencana").await;
        assert_eq!(
            t.get(&page, Some(&perencana)).await.status,
            StatusCode::FORBIDDEN
        );

        let post = |path: String, form: Vec<(&'static str, String)>| {
            let t = &t;
            let s = &bappeda;
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                t.post(&path, Some(s), &form, Some(&s.csrf)).await
            }
        };
        let node = |kode: &str, induk: &str| {
            vec![
                ("kode", kode.to_owned()),
                ("tingkat", "sasaran".to_owned()),
                ("induk", induk.to_owned()),
                ("pernyataan", "Meningkatnya layanan publik".to_owned()),
            ]
        };
        // A sasaran without a parent, and deleting a node with children: refused, unchanged.
        let rev = t.store.pemda_revision(t.pemda).await.unwrap();
        let audit = t.audit_count().await;
        let r = post(format!("{page}/simpul"), node("S9", "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("induk wajib diisi"), "{}", r.body);
        let r = post(format!("{page}/simpul/T1/hapus"), vec![]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("masih memiliki simpul di bawahnya"),
            "{}",
            r.body
        );
        assert_eq!(t.store.pemda_revision(t.pemda).await.unwrap(), rev);
        assert_eq!(t.audit_count().await, audit);

        // A new sasaran daerah, then its indicator through the OPD's indicator form.
        let r = post(format!("{page}/simpul"), node("S9", "T1")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let form = t
            .get(&format!("{page}/simpul/S9/indikator"), Some(&bappeda))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body.contains("name=\"target_2025\""),
            "the RPJMD years"
        );
        let indicator = |year: &str| {
            vec![
                ("code", "IKS9".to_owned()),
                ("name", "Indeks kepuasan layanan".to_owned()),
                ("satuan", "indeks".to_owned()),
                ("polarity", "positive".to_owned()),
                (
                    if year == "2031" {
                        "target_2031"
                    } else {
                        "target_2025"
                    },
                    "80".to_owned(),
                ),
            ]
        };
        let r = post(format!("{page}/simpul/S9/indikator"), indicator("2031")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("di luar periode RPJMD"), "{}", r.body);
        let r = post(format!("{page}/simpul/S9/indikator"), indicator("2025")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // The code is unique in the whole RPJMD.
        let mut dup = indicator("2025");
        dup[0].1 = "IKT1".into();
        let r = post(format!("{page}/simpul/S9/indikator"), dup).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("sudah dipakai indikator lain dalam RPJMD ini"),
            "{}",
            r.body
        );
        let p = t.store.load_pemda(t.pemda).await.unwrap();
        let (n, i) = p
            .indicator(&pokin_domain::Code::parse("IKS9").unwrap())
            .unwrap();
        assert_eq!(n.code.as_str(), "S9");
        assert_eq!(i.targets.get(&2025), Some(&TargetValue::Number(80.0)));
        // Each change is one audit record of the pemda with the tree before and after.
        let log = t
            .store
            .audit_log(&pokin_store::AuditFilter::default())
            .await
            .unwrap();
        let last = &log[0];
        assert_eq!(last.entity, pokin_store::entity::PEMDA);
        assert!(last.before.as_ref().unwrap().to_string().contains("\"S9\""));
        assert!(last.after.as_ref().unwrap().to_string().contains("IKS9"));

        // Deleting the indicator and the node.
        let r = post(format!("{page}/indikator/IKS9/hapus"), vec![]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = post(format!("{page}/simpul/S9/hapus"), vec![]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let p = t.store.load_pemda(t.pemda).await.unwrap();
        assert!(p.node(&pokin_domain::Code::parse("S9").unwrap()).is_none());
    }
}

#[tokio::test]
async fn the_whole_kabupaten_diagram() {
    for t in setups().await {
        let bappeda = t.login("bappeda").await;
        let perencana = t.login("perencana").await;
        let page = format!("/pemda/{}/pohon", t.pemda);
        // The pemda's readers only; an organisation's perencana is refused.
        assert_eq!(
            t.get(&page, Some(&perencana)).await.status,
            StatusCode::FORBIDDEN
        );
        let r = t.get(&page, Some(&bappeda)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("data-fold-default"), "{}", r.body);
        assert!(r.body.contains("id=\"u-visi\""));
        assert!(r.body.contains("id=\"u-n2\""), "S1 is the third node");
        assert!(
            !r.body.contains("<script>alert(2)</script>"),
            "the pemda's texts are escaped"
        );
        // The waiting link has no objective yet: no OPD card.
        let card = format!("id=\"u-n2-o{}-u0\"", t.org);
        assert!(!r.body.contains(&card));

        // The perencana accepts naming the Kepala's SS1: its card appears under S1, folded.
        accept_waiting_link(&t, &perencana).await;
        let r = t.get(&page, Some(&bappeda)).await;
        assert!(r.body.contains(&card), "{}", r.body);
        assert!(
            r.body.contains(&format!(
                "data-unit=\"n2-o{}-u0\" data-code=\"SS1\" data-search=",
                t.org
            )),
            "the OPD objective is drawn, searchable with the RPJMD nodes"
        );
        let child = format!("id=\"u-n2-o{}-u1\"", t.org);
        assert!(
            !r.body.contains(&child),
            "the OPD's subtree is folded by default"
        );
        // `collapsed=` (empty) opens every card; the subtree's units are drawn.
        let open = t.get(&format!("{page}?collapsed="), Some(&bappeda)).await;
        assert_eq!(open.status, StatusCode::OK);
        assert!(open.body.contains(&child), "{}", open.body);
        // Search across the organisations drawn: the OPD objective's code is searchable.
        let found = t.get(&format!("{page}?cari=SS1"), Some(&bappeda)).await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.contains("value=\"SS1\""), "{}", found.body);

        // The heat tree of a year in the RPJMD; a quarter or a year outside it is a 422.
        let heat = t
            .get(&format!("{page}?warna=capaian&tahun=2026"), Some(&bappeda))
            .await;
        assert_eq!(heat.status, StatusCode::OK, "{}", heat.body);
        assert!(heat.body.contains("IKD1"), "the badge names the indicator");
        for bad in [
            "warna=capaian&tahun=2026&triwulan=2",
            "warna=capaian&tahun=2040",
        ] {
            let r = t.get(&format!("{page}?{bad}"), Some(&bappeda)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(
                r.body.contains("triwulan") || r.body.contains("periode RPJMD"),
                "{}",
                r.body
            );
        }

        // Downloads: the SVG as an attachment, the A3 poster PDF.
        let svg = t
            .get(
                &format!("/pemda/{}/pohon.svg?unduh=1", t.pemda),
                Some(&bappeda),
            )
            .await;
        assert_eq!(svg.status, StatusCode::OK);
        assert!(svg.body.starts_with("<svg") || svg.body.starts_with("<?xml"));
        assert!(svg.body.contains(&card));
        let disposition = svg.headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains(".svg"));
        let pdf = t
            .get(&format!("/pemda/{}/pohon.pdf", t.pemda), Some(&bappeda))
            .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.body.starts_with("%PDF"));

        // Details: an RPJMD node lists its indicators and who realises it; an OPD card shows
        // that organisation's panel with the way to its own diagram.
        let detail = format!("/pemda/{}/pohon/detail", t.pemda);
        let node = t.get(&format!("{detail}?unit=n2"), Some(&bappeda)).await;
        assert_eq!(node.status, StatusCode::OK, "{}", node.body);
        assert!(node.body.contains("IKD1"));
        assert!(node.body.contains("Pengampu utama") || node.body.contains("pengampu utama"));
        let opd = t
            .get(
                &format!("{detail}?unit=n2-o{}-u0&sasaran=SS1", t.org),
                Some(&bappeda),
            )
            .await;
        assert_eq!(opd.status, StatusCode::OK, "{}", opd.body);
        assert!(
            opd.body
                .contains(&format!("href=\"/organisasi/{}/pohon\"", t.org)),
            "{}",
            opd.body
        );
        let missing = t.get(&format!("{detail}?unit=n99"), Some(&bappeda)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let none = t.get(&detail, Some(&bappeda)).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.body.contains("wajib diisi"));
    }
}

#[tokio::test]
async fn the_region_dashboard_shows_the_bupati_iku_first() {
    for t in setups().await {
        let bappeda = t.login("bappeda").await;
        let r = t.get("/dasbor/daerah", Some(&bappeda)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let iku = format!("id=\"iku-pemda-{}\"", t.pemda);
        let at = r.body.find(&iku).unwrap_or_else(|| panic!("{}", r.body));
        // The Bupati's IKU come before the organisations' list.
        let orgs = r.body.find("id=\"tabel-organisasi\"").unwrap_or(usize::MAX);
        assert!(at < orgs, "IKU first");
        assert!(
            r.body.contains("IKT1"),
            "the tujuan's indicator stands as IKU"
        );
        assert!(
            r.body.contains(&format!("href=\"/pemda/{}/pohon", t.pemda)),
            "to the kabupaten diagram"
        );
        assert!(!r.body.contains("<script>alert(2)</script>"));
        // An organisation's perencana sees its organisation, not the pemda's IKU.
        let perencana = t.login("perencana").await;
        let r = t.get("/dasbor/daerah", Some(&perencana)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&iku), "{}", r.body);
    }
}

#[tokio::test]
async fn the_pemda_documents_are_downloaded_and_follow_the_links() {
    for t in setups().await {
        let bappeda = t.login("bappeda").await;
        let perencana = t.login("perencana").await;
        let base = format!("/pemda/{}/dokumen", t.pemda);
        let page = t
            .get(&format!("/pemda/{}?tahun=2026", t.pemda), Some(&bappeda))
            .await;
        for file in [
            "iku.pdf",
            "iku.xlsx",
            "cascading.pdf",
            "cascading.xlsx",
            "pk-kepala-daerah.pdf",
        ] {
            let href = format!("href=\"{base}/{file}?tahun=2026\"");
            assert!(page.body.contains(&href), "the page links {file}");
            let r = t
                .get(&format!("{base}/{file}?tahun=2026"), Some(&bappeda))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{file}: {}", r.body);
            let (stem, ext) = file.rsplit_once('.').unwrap();
            let disposition = r.headers["content-disposition"].to_str().unwrap();
            assert!(
                disposition.starts_with(&format!("attachment; filename=\"{stem}-"))
                    && disposition.ends_with(&format!("-2026.{ext}\"")),
                "{disposition}"
            );
            let ct = r.headers["content-type"].to_str().unwrap();
            if ext == "pdf" {
                assert_eq!(ct, "application/pdf");
                assert!(r.body.starts_with("%PDF"));
            } else {
                assert!(ct.contains("spreadsheetml"), "{ct}");
                assert!(r.body.starts_with("PK"), "a zip");
            }
        }
        // A member's perencana reads no pemda documents; unknown files and years outside the
        // RPJMD are refused in Indonesian.
        let r = t.get(&format!("{base}/iku.pdf"), Some(&perencana)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.get(&format!("{base}/rahasia.pdf"), Some(&bappeda)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("tidak ada"), "{}", r.body);
        let r = t
            .get(&format!("{base}/cascading.pdf?tahun=2031"), Some(&bappeda))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("di luar periode RPJMD"), "{}", r.body);

        // The waiting link counts nowhere; once accepted, the cascading matrix (kept in the
        // cache) is made again and names the organisation's objective.
        let before = t
            .get(&format!("{base}/cascading.xlsx?tahun=2026"), Some(&bappeda))
            .await;
        let again = t
            .get(&format!("{base}/cascading.xlsx?tahun=2026"), Some(&bappeda))
            .await;
        assert_eq!(
            before.body, again.body,
            "the same document while nothing changed"
        );
        accept_waiting_link(&t, &perencana).await;
        let after = t
            .get(&format!("{base}/cascading.xlsx?tahun=2026"), Some(&bappeda))
            .await;
        assert_eq!(after.status, StatusCode::OK);
        assert_ne!(
            before.body, after.body,
            "the accepted link is in the matrix"
        );
    }
}

/// The pemda's capaian through the API, serialised once and kept under the pemda snapshot: a
/// change (the waiting link accepted, through the store rather than the web) is in the very
/// next response.
#[tokio::test]
async fn the_pemda_capaian_api_follows_every_change() {
    for t in setups().await {
        let tk = token(&t, "bappeda").await;
        let path = format!("/api/v1/pemda/{}/capaian?tahun=2026", t.pemda);
        let ikd1 = |r: &common::Resp| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let v: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
            let all = v["indikator"].as_array().expect("indicators").clone();
            all.into_iter().find(|i| i["kode"] == "IKD1").expect("IKD1")
        };
        let get = async || api(&t, Method::GET, &path, &tk, None).await;
        let before = get().await;
        assert_eq!(
            ikd1(&before)["tautan"],
            serde_json::json!([]),
            "waiting: no link"
        );
        assert_eq!(get().await.body, before.body, "kept");

        t.accept_link().await;
        let after = ikd1(&get().await);
        let links = after["tautan"].as_array().expect("links");
        assert_eq!(links.len(), 1, "{after}");
        assert_eq!(links[0]["id"], t.link, "{after}");
        assert!(
            links[0]["sasaran_opd"].as_str().unwrap().contains("SS1"),
            "{after}"
        );
    }
}
