//! The route table and the router built from it. Handlers are grouped by resource, one module
//! each; [`table`] lists every route with who may use it, and [`router`] is built from the same
//! list, so a test can check that every route is covered.

pub mod api;
pub mod api_admin; // API: import, users, tokens
pub mod api_edit; // Editing
pub mod audit;
pub mod edit; // Editing
pub mod import;
pub mod organisations;
pub mod pohon;
pub mod program; // Programs and budget
pub mod session;
pub mod tokens;
pub mod users;
// Capaian dashboards
pub mod api_capaian;
pub mod daerah; // the region-wide dashboard
pub mod dasbor;
pub mod indikator;
// Realisation workflow
pub mod api_realisasi;
pub mod pending; // previews waiting for confirmation (import, workbook)
pub mod periode;
pub mod realisasi;
pub mod rencana_aksi;
pub mod tugas;
pub mod workbook;
// Documents
pub mod dokumen;
pub mod pemda; // the pemda: RPJMD, links, coverage
pub mod pemda_dokumen; // the pemda's documents
pub mod pemda_opd; // an OPD's side: upward links, crosscutting; review notes
pub mod pemda_pohon; // the whole-kabupaten diagram
pub mod pemda_rpjmd; // editing the RPJMD tree

use crate::{AppState, Error, assets, auth};
use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};
use tower_http::set_header::SetResponseHeaderLayer;

/// One route: method, path (axum syntax) and who may use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    /// Who may use it, in words (the checks are in [`crate::permission`]).
    pub access: &'static str,
}

/// Builds the router and the table together.
struct Routes {
    router: Router<AppState>,
    table: Vec<RouteSpec>,
}

impl Routes {
    fn add<H, T>(mut self, method: Method, path: &'static str, access: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        self.router = self.router.route(path, on(filter, h));
        self.table.push(RouteSpec {
            method,
            path,
            access,
        });
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        p: &'static str,
        a: &'static str,
        h: H,
    ) -> Self {
        self.add(Method::GET, p, a, h)
    }

    fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        p: &'static str,
        a: &'static str,
        h: H,
    ) -> Self {
        self.add(Method::POST, p, a, h)
    }
}

const ANYONE: &str = "siapa saja";
const LOGGED_IN: &str = "pengguna yang masuk";
const READ: &str = "pengguna yang masuk, dalam lingkup organisasinya (admin: semua)";
const AUDIT: &str = "admin (semua); inspektorat dan perencana (organisasinya)";
const AUDIT_CHAIN: &str = "admin, inspektorat";
const ADMIN: &str = "admin";
/// Import: who may import (see `import::may_open`).
const IMPORT: &str = "admin (organisasi baru atau ganti); perencana (ganti organisasinya, tanpa lingkup unit); \
     pratinjau hanya dari sesi yang mengunggahnya";
/// Editing the tree (see `edit`, `api_edit`).
const EDIT: &str = "perencana (organisasinya / subtree), admin";
const TOKEN_EDIT: &str = "token API; perencana (organisasinya / subtree), admin";
const TOKEN_READ: &str = "token API; organisasi dalam lingkup pemilik token (admin: semua)";
// API: import, users, tokens
const TOKEN_IMPORT: &str = "token API; admin (organisasi baru atau ganti); perencana (ganti organisasinya, tanpa lingkup unit)";
const TOKEN_ADMIN: &str = "token API; admin";
// (end of API: import, users, tokens)
const TOKEN_AUDIT: &str = "token API; admin (semua), inspektorat dan perencana (organisasinya)";
// Capaian dashboards (see `permission::Action::ConfigureCapaian`)
const CONFIGURE_CAPAIAN: &str = "perencana (organisasinya, tanpa lingkup unit), admin";
// Realisation workflow (see `permission`)
const ENTER: &str = "operator dan perencana (organisasinya / subtree), admin";
const VERIFY: &str = "verifikator (organisasinya / subtree), admin";
const TOKEN_ENTER_OR_VERIFY: &str = "token API; operator/perencana (ajukan) dan verifikator (verifikasi, kembalikan), dalam lingkupnya; admin";
const TOKEN_ENTER: &str = "token API; operator dan perencana (organisasinya / subtree), admin";
const CLOSE: &str = "perencana organisasi (tanpa lingkup unit), admin";
const DECIDE: &str = "perencana (organisasinya / subtree unit indikatornya), admin";
const TASKS: &str = "pengguna yang masuk (isi menurut peran dan lingkupnya)";
const PEMDA_READ: &str = "bappeda, kepala daerah dan inspektorat pemda itu; admin";
const PEMDA_EDIT: &str = "bappeda pemda itu; admin";
const LINK_DECIDE: &str = "pihak yang tidak mengusulkan: perencana organisasi yang dituju (tanpa lingkup unit) \
     untuk usulan Bappeda; bappeda pemda itu untuk usulan perangkat daerah; admin";
const TOKEN_PEMDA_READ: &str = "token API; bappeda, kepala daerah dan inspektorat pemda itu; admin";
const TOKEN_PEMDA_EDIT: &str = "token API; bappeda pemda itu; admin";
/// An organisation's side of the pemda (see `permission::Action::LinkObjectives`).
const LINK_OWN: &str = "perencana (organisasinya, tanpa lingkup unit), admin";
const TOKEN_LINK_OWN: &str = "token API; perencana (organisasinya, tanpa lingkup unit), admin";
const TOKEN_LINK_DECIDE: &str =
    "token API; pihak yang tidak mengusulkan tautan (lihat halaman); admin";
const WORKBOOK: &str = "perencana (sel target) dan operator (sel realisasi), dalam lingkupnya; admin; \
     pratinjau hanya dari sesi yang mengunggahnya";
// (end of Realisation workflow)
// Programs and budget: realised budget (see `program::may_enter`).
const BUDGET_ENTER: &str = "perencana dan operator (organisasinya / subtree unit program), admin";
// Documents (see `permission::Action::EstablishPk`, `ConfigureDocuments`)
const ESTABLISH_PK: &str = "perencana (organisasinya / subtree), admin";
const CONFIGURE_DOCUMENTS: &str = "perencana (organisasinya, tanpa lingkup unit), admin";

fn routes() -> Routes {
    Routes {
        router: Router::new(),
        table: Vec::new(),
    }
    .get("/", LOGGED_IN, home)
    .get("/aset/{name}", ANYONE, assets::serve)
    .get("/masuk", ANYONE, session::login_form)
    .post("/masuk", ANYONE, session::login)
    .post("/keluar", LOGGED_IN, session::logout)
    .get("/akun/sandi", LOGGED_IN, session::password_form)
    .post("/akun/sandi", LOGGED_IN, session::change_password)
    .get("/organisasi", LOGGED_IN, organisations::list)
    .get("/organisasi/{id}", READ, organisations::overview)
    .get("/organisasi/{id}/unit/{key}", READ, organisations::unit)
    // Pohon kinerja diagram
    .get("/pohon", LOGGED_IN, pohon::mine)
    .get("/organisasi/{id}/pohon", READ, pohon::page)
    .get("/organisasi/{id}/pohon.svg", READ, pohon::svg)
    .get("/organisasi/{id}/pohon/detail", READ, pohon::detail)
    .get("/audit", AUDIT, audit::page)
    .get("/audit/rantai", AUDIT_CHAIN, audit::chain)
    .get("/pengguna", ADMIN, users::list)
    .get("/pengguna/baru", ADMIN, users::new_form)
    .post("/pengguna", ADMIN, users::create)
    .get("/pengguna/{id}", ADMIN, users::edit_form)
    .post("/pengguna/{id}", ADMIN, users::update)
    .post("/pengguna/{id}/sandi", ADMIN, users::reset_password)
    // Import
    .get("/impor", IMPORT, import::form)
    .post("/impor", IMPORT, import::upload.layer(import::body_limit()))
    .get("/impor/{token}", IMPORT, import::preview)
    .post("/impor/{token}/konfirmasi", IMPORT, import::confirm)
    .post("/impor/{token}/batal", IMPORT, import::cancel)
    // API tokens
    .get("/pengguna/{id}/token", ADMIN, tokens::list)
    .post("/pengguna/{id}/token", ADMIN, tokens::create)
    .post(
        "/pengguna/{id}/token/{token_id}/cabut",
        ADMIN,
        tokens::revoke,
    )
    // Editing
    .get(
        "/organisasi/{id}/unit/{key}/baru",
        EDIT,
        edit::unit_new_form,
    )
    .post("/organisasi/{id}/unit/{key}/baru", EDIT, edit::unit_create)
    .get(
        "/organisasi/{id}/unit/{key}/ubah",
        EDIT,
        edit::unit_edit_form,
    )
    .post("/organisasi/{id}/unit/{key}/ubah", EDIT, edit::unit_update)
    .post("/organisasi/{id}/unit/{key}/hapus", EDIT, edit::unit_delete)
    .post("/organisasi/{id}/unit/{key}/urutan", EDIT, edit::unit_move)
    .get(
        "/organisasi/{id}/unit/{key}/pejabat/baru",
        EDIT,
        edit::official_new_form,
    )
    .post(
        "/organisasi/{id}/unit/{key}/pejabat/baru",
        EDIT,
        edit::official_create,
    )
    .get(
        "/organisasi/{id}/pejabat/{pid}/ubah",
        EDIT,
        edit::official_edit_form,
    )
    .post(
        "/organisasi/{id}/pejabat/{pid}/ubah",
        EDIT,
        edit::official_update,
    )
    .post(
        "/organisasi/{id}/pejabat/{pid}/hapus",
        EDIT,
        edit::official_delete,
    )
    .get(
        "/organisasi/{id}/unit/{key}/sasaran/baru",
        EDIT,
        edit::objective_new_form,
    )
    .post(
        "/organisasi/{id}/unit/{key}/sasaran/baru",
        EDIT,
        edit::objective_create,
    )
    .get(
        "/organisasi/{id}/sasaran/{oid}/ubah",
        EDIT,
        edit::objective_edit_form,
    )
    .post(
        "/organisasi/{id}/sasaran/{oid}/ubah",
        EDIT,
        edit::objective_update,
    )
    .post(
        "/organisasi/{id}/sasaran/{oid}/hapus",
        EDIT,
        edit::objective_delete,
    )
    .post(
        "/organisasi/{id}/sasaran/{oid}/urutan",
        EDIT,
        edit::objective_move,
    )
    .get(
        "/organisasi/{id}/sasaran/{oid}/indikator/baru",
        EDIT,
        edit::indicator_new_form,
    )
    .post(
        "/organisasi/{id}/sasaran/{oid}/indikator/baru",
        EDIT,
        edit::indicator_create,
    )
    .get(
        "/organisasi/{id}/indikator/{iid}/ubah",
        EDIT,
        edit::indicator_edit_form,
    )
    .post(
        "/organisasi/{id}/indikator/{iid}/ubah",
        EDIT,
        edit::indicator_update,
    )
    .post(
        "/organisasi/{id}/indikator/{iid}/hapus",
        EDIT,
        edit::indicator_delete,
    )
    .get(
        "/organisasi/{id}/sasaran/{oid}/dukungan",
        EDIT,
        edit::support_page_get,
    )
    .post(
        "/organisasi/{id}/sasaran/{oid}/dukungan",
        EDIT,
        edit::support_create,
    )
    .post(
        "/organisasi/{id}/dukungan/{sid}/ubah",
        EDIT,
        edit::support_update,
    )
    .post(
        "/organisasi/{id}/dukungan/{sid}/hapus",
        EDIT,
        edit::support_delete,
    )
    .post(
        "/api/v1/organisations/{id}/units",
        TOKEN_EDIT,
        api_edit::create_unit,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/units/{unit_id}",
        TOKEN_EDIT,
        api_edit::update_unit,
    )
    .add(
        Method::DELETE,
        "/api/v1/organisations/{id}/units/{unit_id}",
        TOKEN_EDIT,
        api_edit::delete_unit,
    )
    .post(
        "/api/v1/organisations/{id}/units/{unit_id}/move",
        TOKEN_EDIT,
        api_edit::move_unit,
    )
    .post(
        "/api/v1/organisations/{id}/units/{unit_id}/officials",
        TOKEN_EDIT,
        api_edit::create_official,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/officials/{official_id}",
        TOKEN_EDIT,
        api_edit::update_official,
    )
    .add(
        Method::DELETE,
        "/api/v1/organisations/{id}/officials/{official_id}",
        TOKEN_EDIT,
        api_edit::delete_official,
    )
    .post(
        "/api/v1/organisations/{id}/units/{unit_id}/objectives",
        TOKEN_EDIT,
        api_edit::create_objective,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/objectives/{objective_id}",
        TOKEN_EDIT,
        api_edit::update_objective,
    )
    .add(
        Method::DELETE,
        "/api/v1/organisations/{id}/objectives/{objective_id}",
        TOKEN_EDIT,
        api_edit::delete_objective,
    )
    .post(
        "/api/v1/organisations/{id}/objectives/{objective_id}/move",
        TOKEN_EDIT,
        api_edit::move_objective,
    )
    .post(
        "/api/v1/organisations/{id}/objectives/{objective_id}/indicators",
        TOKEN_EDIT,
        api_edit::create_indicator,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/indicators/{indicator_id}",
        TOKEN_EDIT,
        api_edit::update_indicator,
    )
    .add(
        Method::DELETE,
        "/api/v1/organisations/{id}/indicators/{indicator_id}",
        TOKEN_EDIT,
        api_edit::delete_indicator,
    )
    .post(
        "/api/v1/organisations/{id}/objectives/{objective_id}/supports",
        TOKEN_EDIT,
        api_edit::create_support,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/supports/{support_id}",
        TOKEN_EDIT,
        api_edit::update_support,
    )
    .add(
        Method::DELETE,
        "/api/v1/organisations/{id}/supports/{support_id}",
        TOKEN_EDIT,
        api_edit::delete_support,
    )
    // (end of Editing)
    .get("/api/v1/organisations", TOKEN_READ, api::organisations)
    .get("/api/v1/organisations/{id}/tree", TOKEN_READ, api::tree)
    .get("/api/v1/audit", TOKEN_AUDIT, api::audit)
    // API: import, users, tokens
    .post("/api/v1/import", TOKEN_IMPORT, api_admin::import)
    .get("/api/v1/users", TOKEN_ADMIN, api_admin::list_users)
    .post("/api/v1/users", TOKEN_ADMIN, api_admin::create_user)
    .add(
        Method::PUT,
        "/api/v1/users/{id}",
        TOKEN_ADMIN,
        api_admin::update_user,
    )
    .post(
        "/api/v1/users/{id}/password",
        TOKEN_ADMIN,
        api_admin::set_password,
    )
    .get(
        "/api/v1/users/{id}/tokens",
        TOKEN_ADMIN,
        api_admin::list_tokens,
    )
    .post(
        "/api/v1/users/{id}/tokens",
        TOKEN_ADMIN,
        api_admin::create_token,
    )
    .add(
        Method::DELETE,
        "/api/v1/users/{id}/tokens/{token_id}",
        TOKEN_ADMIN,
        api_admin::revoke_token,
    )
    .get(
        "/api/v1/organisations/{id}/pohon.svg",
        TOKEN_READ,
        api_admin::pohon_svg,
    )
    // (end of API: import, users, tokens)
    // Realisation workflow
    .get("/realisasi", LOGGED_IN, realisasi::mine)
    .get("/organisasi/{id}/realisasi", READ, realisasi::overview)
    .get(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}",
        READ,
        realisasi::show,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}",
        ENTER,
        realisasi::save_form,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/ajukan",
        ENTER,
        realisasi::submit,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/verifikasi",
        VERIFY,
        realisasi::verify,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/kembalikan",
        VERIFY,
        realisasi::give_back,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/buka-kembali",
        ENTER,
        realisasi::reopen,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/bukti",
        ENTER,
        realisasi::upload.layer(realisasi::evidence_body_limit()),
    )
    .get(
        "/organisasi/{id}/bukti/{evidence_id}",
        READ,
        realisasi::download,
    )
    .post(
        "/organisasi/{id}/bukti/{evidence_id}/hapus",
        ENTER,
        realisasi::delete_evidence,
    )
    .get(
        "/organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}",
        READ,
        rencana_aksi::show,
    )
    .post(
        "/organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}",
        EDIT,
        rencana_aksi::save,
    )
    .get("/organisasi/{id}/periode", READ, periode::show)
    .post(
        "/organisasi/{id}/periode/{year}/{quarter}/tutup",
        CLOSE,
        periode::close,
    )
    .post(
        "/organisasi/{id}/periode/buka-kembali/{request_id}/setujui",
        DECIDE,
        periode::approve,
    )
    .post(
        "/organisasi/{id}/periode/buka-kembali/{request_id}/tolak",
        DECIDE,
        periode::refuse,
    )
    .get("/organisasi/{id}/lembar-kerja", READ, workbook::download)
    .get(
        "/organisasi/{id}/lembar-kerja/unggah",
        WORKBOOK,
        workbook::form,
    )
    .post(
        "/organisasi/{id}/lembar-kerja/unggah",
        WORKBOOK,
        workbook::upload.layer(workbook::body_limit()),
    )
    .get(
        "/organisasi/{id}/lembar-kerja/{token}",
        WORKBOOK,
        workbook::preview,
    )
    .post(
        "/organisasi/{id}/lembar-kerja/{token}/terapkan",
        WORKBOOK,
        workbook::apply,
    )
    .post(
        "/organisasi/{id}/lembar-kerja/{token}/batal",
        WORKBOOK,
        workbook::cancel,
    )
    .get("/tugas", TASKS, tugas::page)
    .get("/tugas/jumlah", TASKS, tugas::count)
    .get(
        "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}",
        TOKEN_READ,
        api_realisasi::get_realisation,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}",
        TOKEN_ENTER,
        api_realisasi::put_realisation,
    )
    .post(
        "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/{action}",
        TOKEN_ENTER_OR_VERIFY,
        api_realisasi::post_step,
    )
    .post(
        "/api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/bukti",
        TOKEN_ENTER,
        api_realisasi::post_evidence.layer(realisasi::evidence_body_limit()),
    )
    .get(
        "/api/v1/organisations/{id}/bukti/{evidence_id}",
        TOKEN_READ,
        api_realisasi::get_evidence,
    )
    .get(
        "/api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}",
        TOKEN_READ,
        api_realisasi::get_targets,
    )
    .add(
        Method::PUT,
        "/api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}",
        TOKEN_EDIT,
        api_realisasi::put_targets,
    )
    // (end of Realisation workflow)
    // Capaian dashboards
    .get("/dasbor", LOGGED_IN, dasbor::mine)
    .get("/dasbor/daerah", LOGGED_IN, daerah::page)
    .get("/organisasi/{id}/dasbor", READ, dasbor::page)
    .get(
        "/organisasi/{id}/indikator/{unit}/{code}",
        READ,
        indikator::page,
    )
    .get(
        "/organisasi/{id}/pengaturan-capaian",
        CONFIGURE_CAPAIAN,
        dasbor::settings_form,
    )
    .post(
        "/organisasi/{id}/pengaturan-capaian",
        CONFIGURE_CAPAIAN,
        dasbor::settings_save,
    )
    .get(
        "/api/v1/organisations/{id}/capaian",
        TOKEN_READ,
        api_capaian::capaian,
    )
    // (end of Capaian dashboards)
    // Programs and budget
    .get("/organisasi/{id}/program", READ, program::list)
    .get("/organisasi/{id}/program/baru", EDIT, program::new_form)
    .post("/organisasi/{id}/program/baru", EDIT, program::create)
    .get(
        "/organisasi/{id}/program/{code}/ubah",
        EDIT,
        program::edit_form,
    )
    .post(
        "/organisasi/{id}/program/{code}/ubah",
        EDIT,
        program::update,
    )
    .post(
        "/organisasi/{id}/program/{code}/hapus",
        EDIT,
        program::delete,
    )
    .get(
        "/organisasi/{id}/program/{code}/realisasi/{year}",
        READ,
        program::realisation_form,
    )
    .post(
        "/organisasi/{id}/program/{code}/realisasi/{year}",
        BUDGET_ENTER,
        program::realisation_save,
    )
    // (end of Programs and budget)
    // Documents
    .get("/organisasi/{id}/dokumen", READ, dokumen::overview)
    .get(
        "/organisasi/{id}/dokumen/{year}/lkjip.pdf",
        READ,
        dokumen::lkjip_pdf,
    )
    .get(
        "/organisasi/{id}/dokumen/{year}/lkjip.xlsx",
        READ,
        dokumen::lkjip_xlsx,
    )
    .get(
        "/organisasi/{id}/dokumen/{year}/renja.xlsx",
        READ,
        dokumen::renja_xlsx,
    )
    .get(
        "/organisasi/{id}/unit/{key}/pk/{year}",
        READ,
        dokumen::pk_page,
    )
    .post(
        "/organisasi/{id}/unit/{key}/pk/{year}",
        ESTABLISH_PK,
        dokumen::pk_establish,
    )
    .get(
        "/organisasi/{id}/unit/{key}/pk/{year}/pdf",
        READ,
        dokumen::pk_pdf,
    )
    .get(
        "/organisasi/{id}/unit/{key}/rencana-aksi/{year}/pdf",
        READ,
        dokumen::ra_pdf,
    )
    .get(
        "/organisasi/{id}/unit/{key}/rencana-aksi/{year}/xlsx",
        READ,
        dokumen::ra_xlsx,
    )
    .get("/organisasi/{id}/pohon.pdf", READ, pohon::pdf)
    .get(
        "/organisasi/{id}/pengaturan-dokumen",
        CONFIGURE_DOCUMENTS,
        dokumen::settings_form,
    )
    .post(
        "/organisasi/{id}/pengaturan-dokumen",
        CONFIGURE_DOCUMENTS,
        dokumen::settings_save,
    )
    // (end of Documents)
    // The pemda
    .get("/pemda", LOGGED_IN, pemda::list)
    .get("/pemda/{pemda}", PEMDA_READ, pemda::page)
    .post("/pemda/{pemda}/tautan", PEMDA_EDIT, pemda::propose_page)
    .post(
        "/pemda/{pemda}/tautan/{link}/{action}",
        LINK_DECIDE,
        pemda::decide_page,
    )
    .get("/organisasi/{id}/rpjmd", READ, pemda::rpjmd)
    .get(
        "/api/v1/pemda/{pemda}/cakupan",
        TOKEN_PEMDA_READ,
        pemda::api_coverage,
    )
    .get(
        "/api/v1/pemda/{pemda}/capaian",
        TOKEN_PEMDA_READ,
        pemda::api_capaian,
    )
    .post(
        "/api/v1/pemda/{pemda}/tautan",
        TOKEN_PEMDA_EDIT,
        pemda::api_propose,
    )
    .post(
        "/api/v1/pemda/{pemda}/tautan/{link}/{action}",
        TOKEN_LINK_DECIDE,
        pemda::api_decide,
    )
    .post(
        "/organisasi/{id}/rpjmd/tautan",
        LINK_OWN,
        pemda_opd::propose_upward_page,
    )
    .post(
        "/organisasi/{id}/crosscutting",
        LINK_OWN,
        pemda_opd::ask_crosscut_page,
    )
    .post(
        "/organisasi/{id}/crosscutting/{crosscut}/{action}",
        LINK_OWN,
        pemda_opd::answer_crosscut_page,
    )
    .post(
        "/organisasi/{id}/catatan/{note}/selesai",
        LINK_OWN,
        pemda_opd::resolve_org_note_page,
    )
    .get(
        "/pemda/{pemda}/dokumen/{file}",
        PEMDA_READ,
        pemda_dokumen::download,
    )
    .get("/pemda/{pemda}/pohon", PEMDA_READ, pemda_pohon::page)
    .get("/pemda/{pemda}/pohon.svg", PEMDA_READ, pemda_pohon::svg)
    .get("/pemda/{pemda}/pohon.pdf", PEMDA_READ, pemda_pohon::pdf)
    .get(
        "/pemda/{pemda}/pohon/detail",
        PEMDA_READ,
        pemda_pohon::detail,
    )
    .get("/pemda/{pemda}/rpjmd", PEMDA_READ, pemda_rpjmd::page)
    .post(
        "/pemda/{pemda}/rpjmd/simpul",
        PEMDA_EDIT,
        pemda_rpjmd::save_node,
    )
    .post(
        "/pemda/{pemda}/rpjmd/simpul/{code}/hapus",
        PEMDA_EDIT,
        pemda_rpjmd::delete_node,
    )
    .get(
        "/pemda/{pemda}/rpjmd/simpul/{code}/indikator",
        PEMDA_EDIT,
        pemda_rpjmd::indicator_form,
    )
    .post(
        "/pemda/{pemda}/rpjmd/simpul/{code}/indikator",
        PEMDA_EDIT,
        pemda_rpjmd::save_indicator,
    )
    .post(
        "/pemda/{pemda}/rpjmd/indikator/{code}/hapus",
        PEMDA_EDIT,
        pemda_rpjmd::delete_indicator,
    )
    .post(
        "/pemda/{pemda}/catatan",
        PEMDA_EDIT,
        pemda_opd::write_note_page,
    )
    .post(
        "/pemda/{pemda}/catatan/{note}/selesai",
        PEMDA_EDIT,
        pemda_opd::resolve_pemda_note_page,
    )
    .post(
        "/api/v1/organisations/{id}/rpjmd/tautan",
        TOKEN_LINK_OWN,
        pemda_opd::api_propose_upward,
    )
    .post(
        "/api/v1/organisations/{id}/crosscutting",
        TOKEN_LINK_OWN,
        pemda_opd::api_ask_crosscut,
    )
    .post(
        "/api/v1/organisations/{id}/crosscutting/{crosscut}/{action}",
        TOKEN_LINK_OWN,
        pemda_opd::api_answer_crosscut,
    )
    .get(
        "/api/v1/pemda/{pemda}/crosscutting",
        TOKEN_PEMDA_READ,
        pemda_opd::api_crosscuts,
    )
    .post(
        "/api/v1/pemda/{pemda}/catatan",
        TOKEN_PEMDA_EDIT,
        pemda_opd::api_write_note,
    )
    // (end of The pemda)
    .get("/api/openapi.json", ANYONE, api::openapi_json)
}

/// Every route of the application (including the Swagger UI's).
pub fn table() -> Vec<RouteSpec> {
    let mut table = routes().table;
    table.push(RouteSpec {
        method: Method::GET,
        path: "/api/docs",
        access: ANYONE,
    });
    table
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Swagger UI sets inline styles; it gets its own, slightly looser policy.
const CSP_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The router: every route of [`table`], the session/CSRF middleware, security headers and the
/// 404 page.
pub fn router(state: AppState) -> Router {
    let docs = api::swagger().layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP_DOCS),
    ));
    routes()
        .router
        .fallback(not_found)
        // Innermost, around each handler: a panic answers 500 instead of dropping the connection.
        .layer(axum::middleware::from_fn(crate::error::contain_panics))
        // Text that is not UTF-8 or holds control characters is refused before any handler
        // (after the CSRF check of the session layer, which wraps it).
        .layer(axum::middleware::from_fn(
            crate::error::refuse_unreadable_text,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .layer(axum::middleware::from_fn(crate::error::localise_rejections))
        .with_state(state)
        .merge(docs)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}

/// `/`: the organisation list, or the organisation itself when the user has only one.
async fn home(current: auth::CurrentUser) -> Response {
    match (current.user.org_id, current.user.pemda_id) {
        (Some(id), _) => Redirect::to(&format!("/organisasi/{id}")).into_response(),
        (None, Some(p)) => Redirect::to(&format!("/pemda/{p}")).into_response(),
        (None, None) => Redirect::to("/organisasi").into_response(),
    }
}

async fn not_found() -> Error {
    Error::not_found(
        "Halaman yang Anda cari tidak ada. Periksa alamatnya atau kembali ke halaman utama.",
    )
}
