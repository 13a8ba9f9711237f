//! Security over the whole router: every route of `routes::table()` walked for every kind of
//! principal (anonymous, each role, unit-scoped users, another organisation's users, API tokens,
//! a disabled account's token) against an expectation table; CSRF on every state-changing page
//! route; sessions (fixation, logout, password change, disabling); no secret in the audit log;
//! security headers on every answer; and user text holding a `<script>` payload inert in every
//! page, diagram, JSON answer and document.

mod common;
mod measure_common;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use common::*;
use pokin_domain::capaian::Realisation;
use pokin_domain::document::DocumentSettings;
use pokin_domain::measure::{Action as Step, IndicatorKey, Period, RealisationInput};
use pokin_domain::program::{Program, ProgramLevel};
use pokin_domain::{
    Aggregation, Appointment, Code, Indicator, Objective, Official, OrganisationDraft, Renstra,
    Support, TargetValue, Unit, UnitKey, UnitKind,
};
use pokin_store::{AuditFilter, ImportMode, NewUser, Role, UserUpdate};
use std::collections::{BTreeMap, HashMap};
use tower::ServiceExt;

/// What every user-supplied text of the test organisation holds.
const PAYLOAD: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>";

// ---------------------------------------------------------------------------------------------
// The expectation table.

/// Who may use a route, as the test expects it (derived from the route table's `access` texts
/// and `permission.rs`). "Own" is the organisation of the path; a unit-scoped user is inside its
/// scope only for the route's in-scope variant (`bidang-satu`), never for the out-of-scope one
/// (`sekretariat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Everyone, with or without a session or token.
    Anyone,
    /// Any web session.
    LoggedIn,
    /// Web session: admin, or a user of the organisation.
    Read,
    /// Web session: admin, perencana, inspektorat (each sees its own organisation's records).
    Audit,
    /// Web session: admin and inspektorat (of any organisation): the whole log's hash chain.
    AuditChain,
    /// Web session: admin only.
    Admin,
    /// Web session: admin; perencana without unit scope (replacing its own organisation).
    Import,
    /// Web session: only the session that uploaded the preview (the admin's, here).
    Preview,
    /// Web session: admin; perencana of the organisation, inside its unit scope.
    Edit,
    /// Web session: admin; perencana of the organisation without unit scope.
    OrgWide,
    /// Web session: admin; perencana and operator of the organisation, inside their scope.
    Enter,
    /// Web session: admin; verifikator of the organisation, inside its scope.
    Verify,
    /// Web session: admin; perencana and operator with any unit of the organisation in scope.
    Workbook,
    /// API token: admin, or a user of the organisation.
    ApiRead,
    /// Web session: moving a unit among its siblings, which edits the parent: admin;
    /// perencana of the organisation whose scope holds the parent (none of the scoped ones here).
    Reorder,
    /// API token: as [`Rule::Edit`].
    ApiEdit,
    /// API token: as [`Rule::Reorder`].
    ApiReorder,
    /// API token: as [`Rule::Audit`].
    ApiAudit,
    /// API token: admin only.
    ApiAdmin,
    /// API token: as [`Rule::Import`].
    ApiImport,
    /// API token: as [`Rule::Enter`].
    ApiEnter,
    /// Web session: admin; Bappeda, Kepala Daerah (and a pemda-wide Inspektorat) of the pemda.
    PemdaRead,
    /// Web session: admin; Bappeda of the pemda.
    PemdaEdit,
    /// API token: as [`Rule::PemdaRead`].
    ApiPemdaRead,
    /// API token: as [`Rule::PemdaEdit`].
    ApiPemdaEdit,
    /// API token: as [`Rule::OrgWide`] (the organisation answers Bappeda's link).
    ApiOrgWide,
}

use Rule::*;

/// Every route of the table with its rule. A route missing here fails [`walk_every_route`].
const EXPECTED: &[(&str, Rule)] = &[
    ("GET /", LoggedIn),
    ("GET /aset/{name}", Anyone),
    ("GET /masuk", Anyone),
    ("POST /masuk", Anyone),
    ("POST /keluar", LoggedIn),
    ("GET /akun/sandi", LoggedIn),
    ("POST /akun/sandi", LoggedIn),
    ("GET /organisasi", LoggedIn),
    ("GET /organisasi/{id}", Read),
    ("GET /organisasi/{id}/unit/{key}", Read),
    ("GET /pohon", LoggedIn),
    ("GET /organisasi/{id}/pohon", Read),
    ("GET /organisasi/{id}/pohon.svg", Read),
    ("GET /organisasi/{id}/pohon/detail", Read),
    ("GET /audit", Audit),
    ("GET /audit/rantai", AuditChain),
    ("GET /pengguna", Admin),
    ("GET /pengguna/baru", Admin),
    ("POST /pengguna", Admin),
    ("GET /pengguna/{id}", Admin),
    ("POST /pengguna/{id}", Admin),
    ("POST /pengguna/{id}/sandi", Admin),
    ("GET /impor", Import),
    ("POST /impor", Import),
    ("GET /impor/{token}", Preview),
    ("POST /impor/{token}/konfirmasi", Preview),
    ("POST /impor/{token}/batal", Preview),
    ("GET /pengguna/{id}/token", Admin),
    ("POST /pengguna/{id}/token", Admin),
    ("POST /pengguna/{id}/token/{token_id}/cabut", Admin),
    ("GET /organisasi/{id}/unit/{key}/baru", Edit),
    ("POST /organisasi/{id}/unit/{key}/baru", Edit),
    ("GET /organisasi/{id}/unit/{key}/ubah", Edit),
    ("POST /organisasi/{id}/unit/{key}/ubah", Edit),
    ("POST /organisasi/{id}/unit/{key}/hapus", Edit),
    ("POST /organisasi/{id}/unit/{key}/urutan", Reorder),
    ("GET /organisasi/{id}/unit/{key}/pejabat/baru", Edit),
    ("POST /organisasi/{id}/unit/{key}/pejabat/baru", Edit),
    ("GET /organisasi/{id}/pejabat/{pid}/ubah", Edit),
    ("POST /organisasi/{id}/pejabat/{pid}/ubah", Edit),
    ("POST /organisasi/{id}/pejabat/{pid}/hapus", Edit),
    ("GET /organisasi/{id}/unit/{key}/sasaran/baru", Edit),
    ("POST /organisasi/{id}/unit/{key}/sasaran/baru", Edit),
    ("GET /organisasi/{id}/sasaran/{oid}/ubah", Edit),
    ("POST /organisasi/{id}/sasaran/{oid}/ubah", Edit),
    ("POST /organisasi/{id}/sasaran/{oid}/hapus", Edit),
    ("POST /organisasi/{id}/sasaran/{oid}/urutan", Edit),
    ("GET /organisasi/{id}/sasaran/{oid}/indikator/baru", Edit),
    ("POST /organisasi/{id}/sasaran/{oid}/indikator/baru", Edit),
    ("GET /organisasi/{id}/indikator/{iid}/ubah", Edit),
    ("POST /organisasi/{id}/indikator/{iid}/ubah", Edit),
    ("POST /organisasi/{id}/indikator/{iid}/hapus", Edit),
    ("GET /organisasi/{id}/sasaran/{oid}/dukungan", Edit),
    ("POST /organisasi/{id}/sasaran/{oid}/dukungan", Edit),
    ("POST /organisasi/{id}/dukungan/{sid}/ubah", Edit),
    ("POST /organisasi/{id}/dukungan/{sid}/hapus", Edit),
    ("POST /api/v1/organisations/{id}/units", ApiEdit),
    ("PUT /api/v1/organisations/{id}/units/{unit_id}", ApiEdit),
    ("DELETE /api/v1/organisations/{id}/units/{unit_id}", ApiEdit),
    (
        "POST /api/v1/organisations/{id}/units/{unit_id}/move",
        ApiReorder,
    ),
    (
        "POST /api/v1/organisations/{id}/units/{unit_id}/officials",
        ApiEdit,
    ),
    (
        "PUT /api/v1/organisations/{id}/officials/{official_id}",
        ApiEdit,
    ),
    (
        "DELETE /api/v1/organisations/{id}/officials/{official_id}",
        ApiEdit,
    ),
    (
        "POST /api/v1/organisations/{id}/units/{unit_id}/objectives",
        ApiEdit,
    ),
    (
        "PUT /api/v1/organisations/{id}/objectives/{objective_id}",
        ApiEdit,
    ),
    (
        "DELETE /api/v1/organisations/{id}/objectives/{objective_id}",
        ApiEdit,
    ),
    (
        "POST /api/v1/organisations/{id}/objectives/{objective_id}/move",
        ApiEdit,
    ),
    (
        "POST /api/v1/organisations/{id}/objectives/{objective_id}/indicators",
        ApiEdit,
    ),
    (
        "PUT /api/v1/organisations/{id}/indicators/{indicator_id}",
        ApiEdit,
    ),
    (
        "DELETE /api/v1/organisations/{id}/indicators/{indicator_id}",
        ApiEdit,
    ),
    (
        "POST /api/v1/organisations/{id}/objectives/{objective_id}/supports",
        ApiEdit,
    ),
    (
        "PUT /api/v1/organisations/{id}/supports/{support_id}",
        ApiEdit,
    ),
    (
        "DELETE /api/v1/organisations/{id}/supports/{support_id}",
        ApiEdit,
    ),
    ("GET /api/v1/organisations", ApiRead),
    ("GET /api/v1/organisations/{id}/tree", ApiRead),
    ("GET /api/v1/audit", ApiAudit),
    ("POST /api/v1/import", ApiImport),
    ("GET /api/v1/users", ApiAdmin),
    ("POST /api/v1/users", ApiAdmin),
    ("PUT /api/v1/users/{id}", ApiAdmin),
    ("POST /api/v1/users/{id}/password", ApiAdmin),
    ("GET /api/v1/users/{id}/tokens", ApiAdmin),
    ("POST /api/v1/users/{id}/tokens", ApiAdmin),
    ("DELETE /api/v1/users/{id}/tokens/{token_id}", ApiAdmin),
    ("GET /api/v1/organisations/{id}/pohon.svg", ApiRead),
    ("GET /realisasi", LoggedIn),
    ("GET /organisasi/{id}/realisasi", Read),
    (
        "GET /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}",
        Read,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}",
        Enter,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/ajukan",
        Enter,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/verifikasi",
        Verify,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/kembalikan",
        Verify,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/buka-kembali",
        Enter,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/realisasi/{period}/bukti",
        Enter,
    ),
    ("GET /organisasi/{id}/bukti/{evidence_id}", Read),
    ("POST /organisasi/{id}/bukti/{evidence_id}/hapus", Enter),
    (
        "GET /organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}",
        Read,
    ),
    (
        "POST /organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}",
        Edit,
    ),
    ("GET /organisasi/{id}/periode", Read),
    (
        "POST /organisasi/{id}/periode/{year}/{quarter}/tutup",
        OrgWide,
    ),
    (
        "POST /organisasi/{id}/periode/buka-kembali/{request_id}/setujui",
        Edit,
    ),
    (
        "POST /organisasi/{id}/periode/buka-kembali/{request_id}/tolak",
        Edit,
    ),
    ("GET /organisasi/{id}/lembar-kerja", Read),
    ("GET /organisasi/{id}/lembar-kerja/unggah", Workbook),
    ("POST /organisasi/{id}/lembar-kerja/unggah", Workbook),
    ("GET /organisasi/{id}/lembar-kerja/{token}", Preview),
    (
        "POST /organisasi/{id}/lembar-kerja/{token}/terapkan",
        Preview,
    ),
    ("POST /organisasi/{id}/lembar-kerja/{token}/batal", Preview),
    ("GET /tugas", LoggedIn),
    ("GET /tugas/jumlah", LoggedIn),
    (
        "GET /api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}",
        ApiRead,
    ),
    (
        "PUT /api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}",
        ApiEnter,
    ),
    // `{action}` is filled with `ajukan`: the entering rule.
    (
        "POST /api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/{action}",
        ApiEnter,
    ),
    (
        "POST /api/v1/organisations/{id}/realisasi/{unit}/{code}/{period}/bukti",
        ApiEnter,
    ),
    (
        "GET /api/v1/organisations/{id}/bukti/{evidence_id}",
        ApiRead,
    ),
    (
        "GET /api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}",
        ApiRead,
    ),
    (
        "PUT /api/v1/organisations/{id}/rencana-aksi/{unit}/{code}/{year}",
        ApiEdit,
    ),
    ("GET /dasbor", LoggedIn),
    ("GET /dasbor/daerah", LoggedIn),
    ("GET /organisasi/{id}/dasbor", Read),
    ("GET /organisasi/{id}/indikator/{unit}/{code}", Read),
    ("GET /organisasi/{id}/pengaturan-capaian", OrgWide),
    ("POST /organisasi/{id}/pengaturan-capaian", OrgWide),
    ("GET /api/v1/organisations/{id}/capaian", ApiRead),
    ("GET /organisasi/{id}/program", Read),
    ("GET /organisasi/{id}/program/baru", Edit),
    ("POST /organisasi/{id}/program/baru", Edit),
    ("GET /organisasi/{id}/program/{code}/ubah", Edit),
    ("POST /organisasi/{id}/program/{code}/ubah", Edit),
    ("POST /organisasi/{id}/program/{code}/hapus", Edit),
    ("GET /organisasi/{id}/program/{code}/realisasi/{year}", Read),
    (
        "POST /organisasi/{id}/program/{code}/realisasi/{year}",
        Enter,
    ),
    ("GET /organisasi/{id}/dokumen", Read),
    ("GET /organisasi/{id}/dokumen/{year}/lkjip.pdf", Read),
    ("GET /organisasi/{id}/dokumen/{year}/lkjip.xlsx", Read),
    ("GET /organisasi/{id}/dokumen/{year}/renja.xlsx", Read),
    ("GET /organisasi/{id}/unit/{key}/pk/{year}", Read),
    ("POST /organisasi/{id}/unit/{key}/pk/{year}", Edit),
    ("GET /organisasi/{id}/unit/{key}/pk/{year}/pdf", Read),
    (
        "GET /organisasi/{id}/unit/{key}/rencana-aksi/{year}/pdf",
        Read,
    ),
    (
        "GET /organisasi/{id}/unit/{key}/rencana-aksi/{year}/xlsx",
        Read,
    ),
    ("GET /organisasi/{id}/pohon.pdf", Read),
    ("GET /organisasi/{id}/pengaturan-dokumen", OrgWide),
    ("POST /organisasi/{id}/pengaturan-dokumen", OrgWide),
    ("GET /pemda", LoggedIn),
    ("GET /pemda/{pemda}", PemdaRead),
    ("POST /pemda/{pemda}/tautan", PemdaEdit),
    // The walked link was proposed by Bappeda: the organisation's perencana answers it.
    ("POST /pemda/{pemda}/tautan/{link}/{action}", OrgWide),
    ("GET /organisasi/{id}/rpjmd", Read),
    ("GET /api/v1/pemda/{pemda}/cakupan", ApiPemdaRead),
    ("GET /api/v1/pemda/{pemda}/capaian", ApiPemdaRead),
    ("POST /api/v1/pemda/{pemda}/tautan", ApiPemdaEdit),
    (
        "POST /api/v1/pemda/{pemda}/tautan/{link}/{action}",
        ApiOrgWide,
    ),
    ("POST /organisasi/{id}/rpjmd/tautan", OrgWide),
    ("POST /organisasi/{id}/crosscutting", OrgWide),
    (
        "POST /organisasi/{id}/crosscutting/{crosscut}/{action}",
        OrgWide,
    ),
    ("POST /organisasi/{id}/catatan/{note}/selesai", OrgWide),
    ("POST /pemda/{pemda}/catatan", PemdaEdit),
    ("GET /pemda/{pemda}/rpjmd", PemdaRead),
    ("GET /pemda/{pemda}/pohon", PemdaRead),
    ("GET /pemda/{pemda}/pohon.svg", PemdaRead),
    ("GET /pemda/{pemda}/pohon.pdf", PemdaRead),
    ("GET /pemda/{pemda}/dokumen/{file}", PemdaRead),
    ("GET /pemda/{pemda}/pohon/detail", PemdaRead),
    ("POST /pemda/{pemda}/rpjmd/simpul", PemdaEdit),
    ("POST /pemda/{pemda}/rpjmd/simpul/{code}/hapus", PemdaEdit),
    (
        "GET /pemda/{pemda}/rpjmd/simpul/{code}/indikator",
        PemdaEdit,
    ),
    (
        "POST /pemda/{pemda}/rpjmd/simpul/{code}/indikator",
        PemdaEdit,
    ),
    (
        "POST /pemda/{pemda}/rpjmd/indikator/{code}/hapus",
        PemdaEdit,
    ),
    ("POST /pemda/{pemda}/catatan/{note}/selesai", PemdaEdit),
    ("POST /api/v1/organisations/{id}/rpjmd/tautan", ApiOrgWide),
    ("POST /api/v1/organisations/{id}/crosscutting", ApiOrgWide),
    (
        "POST /api/v1/organisations/{id}/crosscutting/{crosscut}/{action}",
        ApiOrgWide,
    ),
    ("GET /api/v1/pemda/{pemda}/crosscutting", ApiPemdaRead),
    ("POST /api/v1/pemda/{pemda}/catatan", ApiPemdaEdit),
    ("GET /api/openapi.json", Anyone),
    ("GET /api/docs", Anyone),
];

// ---------------------------------------------------------------------------------------------
// Principals.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrgOf {
    /// Admin: every organisation.
    All,
    Own,
    Other,
    None,
    /// Bappeda and Kepala Daerah: the test organisation's pemda (its members read, nothing
    /// of theirs changed).
    Pemda,
}

#[derive(Debug)]
enum Auth {
    Anonymous,
    Session(Session),
    Token(String),
}

#[derive(Debug)]
struct Principal {
    label: String,
    role: Option<Role>,
    org: OrgOf,
    scoped: bool,
    disabled: bool,
    auth: Auth,
}

/// Web sessions and API tokens: (user name, role, organisation, unit-scoped).
const ACCOUNTS: &[(&str, Role, OrgOf, bool)] = &[
    ("admin", Role::Admin, OrgOf::All, false),
    ("perencana", Role::Perencana, OrgOf::Own, false),
    ("perencana.bidang", Role::Perencana, OrgOf::Own, true),
    ("operator", Role::Operator, OrgOf::Own, true),
    ("operator.org", Role::Operator, OrgOf::Own, false),
    ("verifikator", Role::Verifikator, OrgOf::Own, true),
    ("pimpinan", Role::Pimpinan, OrgOf::Own, false),
    ("inspektorat", Role::Inspektorat, OrgOf::Own, false),
    ("perencana.lain", Role::Perencana, OrgOf::Other, false),
    ("inspektorat.lain", Role::Inspektorat, OrgOf::Other, false),
    ("bappeda", Role::Bappeda, OrgOf::Pemda, false),
    ("bupati", Role::KepalaDaerah, OrgOf::Pemda, false),
];

/// Whether the test expects `p` to be let through `rule` on a route whose organisation is the
/// test organisation (`org_route`) and whose unit is inside the scoped users' subtree
/// (`inside`: `None` when the route names no unit).
fn expected(rule: Rule, p: &Principal, org_route: bool, inside: Option<bool>) -> bool {
    let web = matches!(p.auth, Auth::Session(_));
    let api = matches!(p.auth, Auth::Token(_)) && !p.disabled;
    let admin = p.role == Some(Role::Admin);
    // Without an organisation in the path, a user acts on its own organisation.
    let own = match p.org {
        OrgOf::Own => true,
        OrgOf::Other => !org_route,
        OrgOf::All | OrgOf::None | OrgOf::Pemda => false,
    };
    // Pemda-wide accounts read the test organisation (a member; every route names it) and
    // nothing else.
    let member = p.org == OrgOf::Pemda;
    let pemda = p.org == OrgOf::Pemda;
    // A route without a unit in its path (e.g. a new program) names the unit in its body,
    // which the walker picks inside the scope.
    let scope_ok = !p.scoped || inside != Some(false);
    let is = |r: Role| p.role == Some(r);
    let editor = admin || (is(Role::Perencana) && own && scope_ok);
    let enterer = admin || ((is(Role::Perencana) || is(Role::Operator)) && own && scope_ok);
    // Moving a unit among its siblings changes its parent's order: the parent must be in
    // scope, which it is not for a user scoped to the unit itself (as in the fixture).
    let reorderer = admin || (is(Role::Perencana) && own && !p.scoped);
    let importer = admin || (is(Role::Perencana) && !p.scoped && p.org != OrgOf::None);
    let auditor = admin || is(Role::Perencana) || is(Role::Inspektorat);
    match rule {
        Anyone => true,
        LoggedIn => web,
        Read => web && (admin || own || member),
        Audit => web && auditor,
        AuditChain => web && (admin || is(Role::Inspektorat)),
        Admin => web && admin,
        Import => web && importer,
        Preview => web && admin,
        Edit => web && editor,
        Reorder => web && reorderer,
        OrgWide => web && (admin || (is(Role::Perencana) && own && !p.scoped)),
        Enter => web && enterer,
        Verify => web && (admin || (is(Role::Verifikator) && own && scope_ok)),
        Workbook => web && (admin || ((is(Role::Perencana) || is(Role::Operator)) && own)),
        ApiRead => api && (admin || own || member),
        ApiEdit => api && editor,
        ApiReorder => api && reorderer,
        ApiAudit => api && auditor,
        ApiAdmin => api && admin,
        // The API import names the organisation it replaces: its own.
        ApiImport => api && (admin || (is(Role::Perencana) && own && !p.scoped)),
        ApiEnter => api && enterer,
        PemdaRead => web && (admin || pemda),
        PemdaEdit => web && (admin || is(Role::Bappeda)),
        ApiPemdaRead => api && (admin || pemda),
        ApiPemdaEdit => api && (admin || is(Role::Bappeda)),
        ApiOrgWide => api && (admin || (is(Role::Perencana) && own && !p.scoped)),
    }
}

// ---------------------------------------------------------------------------------------------
// The test organisation: every user-supplied text holds the payload.

fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).expect("key")
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

fn official() -> Official {
    Official {
        name: format!("Pejabat {PAYLOAD}"),
        nip: None,
        pangkat: Some(format!("Pembina {PAYLOAD}")),
        golongan: Some("IV/a".into()),
        appointment: Appointment::Definitif,
        since: None,
        until: None,
    }
}

fn payload_indicator(c: &str) -> Indicator {
    let mut i = Indicator::new(code(c), format!("Jumlah dokumen {PAYLOAD}"));
    i.satuan = Some(format!("dokumen {PAYLOAD}"));
    i.aggregation = Some(Aggregation::Kumulatif);
    i.definition = Some(format!("Definisi {PAYLOAD}"));
    i.formula = Some(format!("Rumus {PAYLOAD}"));
    i.data_source = Some(format!("Sumber {PAYLOAD}"));
    i.responsible = Some(format!("Penanggung jawab {PAYLOAD}"));
    i.targets = [
        (2025, TargetValue::Number(80.0)),
        (2026, TargetValue::Number(100.0)),
    ]
    .into_iter()
    .collect();
    i
}

/// The test organisation (same name, so it replaces the one of `common::setup`): `kepala` with
/// two children, `bidang-satu` (the scope of the unit-scoped users) and `sekretariat` (outside
/// it), each with an official, an objective supporting the head's, an indicator and a program.
fn payload_org() -> pokin_domain::Organisation {
    let unit = |k: &str, kind: UnitKind, parent: Option<&str>, obj: &str, ind: &str| Unit {
        key: key(k),
        name: format!("{k} {PAYLOAD}"),
        kind,
        parent: parent.map(key),
        officials: vec![official()],
        objectives: vec![Objective {
            code: code(obj),
            statement: format!("Meningkatnya {PAYLOAD}"),
            supports: match parent {
                Some(p) => vec![Support {
                    unit: key(p),
                    objective: code("SS1"),
                    weight: 1.0,
                }],
                None => vec![],
            },
            indicators: vec![payload_indicator(ind)],
        }],
    };
    let program = |c: &str, level, parent: Option<&str>, u: &str, obj: &str| Program {
        code: c.into(),
        level,
        name: format!("Program {PAYLOAD}"),
        parent: parent.map(str::to_owned),
        unit: key(u),
        objective: Some(code(obj)),
        pagu: [(2026, 1_000_000_000.0)].into_iter().collect(),
    };
    OrganisationDraft {
        name: "Dinas <script>alert(0)</script> Uji".into(),
        title: Some(format!("Judul {PAYLOAD}")),
        demo: false,
        renstra: Some(Renstra {
            start: 2025,
            end: 2029,
        }),
        units: vec![
            unit("kepala", UnitKind::Kepala, None, "SS1", "IKU1"),
            unit(
                "bidang-satu",
                UnitKind::Bidang,
                Some("kepala"),
                "SP1",
                "IK1",
            ),
            unit(
                "sekretariat",
                UnitKind::Sekretariat,
                Some("kepala"),
                "SP2",
                "IK1",
            ),
        ],
        programs: vec![
            program("1.01", ProgramLevel::Program, None, "bidang-satu", "SP1"),
            program(
                "1.01.01",
                ProgramLevel::Kegiatan,
                Some("1.01"),
                "bidang-satu",
                "SP1",
            ),
            program("1.02", ProgramLevel::Program, None, "sekretariat", "SP2"),
        ],
    }
    .validate()
    .expect("valid payload organisation")
}

/// Ids of the test data, for the path parameters.
struct Fixture {
    /// Unit ids etc. by variant (`true`: inside the scope, `false`: outside).
    ids: HashMap<(&'static str, bool), String>,
    /// The account whose pages are walked (`sasaran.akun`, no principal: a reset ends its
    /// sessions).
    target_user: i64,
    /// Tokens of the target user, revoked by the walk (page, API).
    revoke_page: i64,
    revoke_api: i64,
}

fn unit_key(inside: bool) -> &'static str {
    if inside { "bidang-satu" } else { "sekretariat" }
}

/// Both units' indicators have the same code (codes are unique per unit).
fn indicator_code(_inside: bool) -> &'static str {
    "IK1"
}

fn program_code(inside: bool) -> &'static str {
    if inside { "1.01" } else { "1.02" }
}

fn period(s: &str) -> Period {
    Period::parse(s).expect("period")
}

/// Replaces the test organisation by [`payload_org`], adds the extra accounts and the
/// measurement data every route needs: a submitted realisation (2026-tw1, with evidence), a
/// returned one (tw2), a verified one in a closed quarter with a reopen request (tw3), document
/// settings.
async fn prepare(t: &TestApp) -> Fixture {
    let id = t
        .store
        .import_organisation("tester", &payload_org(), ImportMode::Replace)
        .await
        .expect("replace");
    assert_eq!(id, t.org);
    for (name, role, unit) in [
        ("perencana.bidang", Role::Perencana, Some("bidang-satu")),
        ("operator.org", Role::Operator, None),
        ("nonaktif", Role::Pimpinan, None),
        ("sasaran.akun", Role::Pimpinan, None),
    ] {
        t.store
            .create_user(
                "tester",
                &NewUser {
                    username: name.into(),
                    display_name: format!("{name} {PAYLOAD}"),
                    role,
                    org_id: Some(t.org),
                    pemda_id: None,
                    unit: unit.map(key),
                    password: PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .await
            .expect("user");
    }
    t.store
        .set_document_settings(
            "tester",
            t.org,
            &DocumentSettings {
                region: format!("Kabupaten {PAYLOAD}"),
                place: format!("Kota {PAYLOAD}"),
                head_title: format!("Bupati {PAYLOAD}"),
                head_name: format!("Nama {PAYLOAD}"),
            },
        )
        .await
        .expect("settings");
    let mut ids: HashMap<(&'static str, bool), String> = HashMap::new();
    let tree = t.store.load_tree_with_ids(t.org).await.expect("tree");
    for inside in [true, false] {
        let ik = IndicatorKey {
            unit: key(unit_key(inside)),
            code: code(indicator_code(inside)),
        };
        let input = RealisationInput {
            value: Some(Realisation::Number(10.0)),
            kendala: Some(format!("Kendala {PAYLOAD}")),
            solusi: Some(format!("Solusi {PAYLOAD}")),
            pendorong: Some(format!("Pendorong {PAYLOAD}")),
        };
        let save = async |p: &str| {
            t.store
                .save_realisation("tester", t.org, &ik, period(p), &input)
                .await
                .expect("save")
        };
        let step = async |rid: i64, s: Step, why: Option<&str>| {
            t.store
                .transition_realisation("tester", t.org, rid, s, why)
                .await
                .expect("step");
        };
        // tw1: submitted, with evidence.
        let r1 = save("2026-tw1").await;
        let ev = t
            .store
            .add_evidence(
                "tester",
                t.org,
                r1,
                &format!("bukti {PAYLOAD}.pdf"),
                measure_common::PDF,
            )
            .await
            .expect("evidence");
        step(r1, Step::Ajukan, None).await;
        // tw2: returned with a reason.
        let r2 = save("2026-tw2").await;
        step(r2, Step::Ajukan, None).await;
        let why = format!("Alasan {PAYLOAD}");
        step(r2, Step::Kembalikan, Some(&why)).await;
        // tw3: verified, then locked below.
        let r3 = save("2026-tw3").await;
        step(r3, Step::Ajukan, None).await;
        step(r3, Step::Verifikasi, None).await;
        ids.insert(("evidence", inside), ev.id.to_string());
        ids.insert(("r3", inside), r3.to_string());
        let u = tree
            .units
            .iter()
            .find(|u| u.key == key(unit_key(inside)))
            .expect("unit");
        let o = &u.objectives[0];
        ids.insert(("unit", inside), u.id.to_string());
        ids.insert(("official", inside), u.officials[0].to_string());
        ids.insert(("objective", inside), o.id.to_string());
        ids.insert(("indicator", inside), o.indicators[0].id.to_string());
        ids.insert(("support", inside), o.supports[0].id.to_string());
    }
    t.store
        .close_period("tester", t.org, 2026, 3)
        .await
        .expect("close");
    for inside in [true, false] {
        let r3: i64 = ids[&("r3", inside)].parse().expect("id");
        let req = t
            .store
            .request_reopen("tester", t.org, r3, &format!("Buka {PAYLOAD}"))
            .await
            .expect("reopen");
        ids.insert(("request", inside), req.to_string());
    }
    let pimpinan = t
        .store
        .user_by_name("sasaran.akun")
        .await
        .expect("read")
        .expect("target account");
    let mut revoke = Vec::new();
    for name in ["dicabut-halaman", "dicabut-api"] {
        t.store
            .create_api_token("tester", pimpinan.id, name)
            .await
            .expect("token");
        let tokens = t.store.api_tokens(pimpinan.id).await.expect("tokens");
        revoke.push(tokens.iter().find(|k| k.name == name).expect("token").id);
    }
    Fixture {
        ids,
        target_user: pimpinan.id,
        revoke_page: revoke[0],
        revoke_api: revoke[1],
    }
}

// ---------------------------------------------------------------------------------------------
// Requests.

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn content_type(&self) -> String {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Refused: 401/403, or a page's redirect to the login form (a GET: a POST without a
    /// session is refused with 403 by the CSRF check, and logging out redirects there).
    fn refused(&self, method: &Method) -> bool {
        matches!(
            self.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) || (*method == Method::GET
            && self.status.is_redirection()
            && self.location().starts_with("/masuk"))
    }

    fn brief(&self) -> String {
        let t = self.text();
        let cut: String = t.chars().take(400).collect();
        format!("{} {} {cut}", self.status, self.location())
    }
}

async fn send_raw(t: &TestApp, req: Request<Body>) -> Answer {
    let r = t.app.clone().oneshot(req).await.expect("response");
    let status = r.status();
    let headers = r.headers().clone();
    let body = to_bytes(r.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// How the CSRF token of a web request is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csrf<'a> {
    /// The session's own.
    Own,
    Missing,
    Given(&'a str),
}

fn kind(inside: bool) -> &'static str {
    if inside { "bidang" } else { "sekretariat" }
}

/// The fields of a page form: what makes the request one a permitted user could make (a unit
/// kept under its parent, a new unit under the route's unit), so the permission decides.
fn form_fields(pattern: &str, inside: bool) -> Vec<(String, String)> {
    let f = |fields: &[(&str, &str)]| {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let name = format!("Unit {PAYLOAD}");
    if pattern.ends_with("/unit/{key}/baru") {
        f(&[
            ("key", "unit-baru-halaman"),
            ("name", &name),
            ("kind", "seksi"),
            ("parent", unit_key(inside)),
        ])
    } else if pattern.ends_with("/unit/{key}/ubah") {
        f(&[
            ("key", unit_key(inside)),
            ("name", &name),
            ("kind", kind(inside)),
            ("parent", "kepala"),
        ])
    } else if pattern.ends_with("/urutan") {
        f(&[("arah", "naik")])
    } else {
        Vec::new()
    }
}

/// The JSON body of an API request, as [`form_fields`].
fn json_body(pattern: &str, inside: bool) -> serde_json::Value {
    let name = format!("Unit {PAYLOAD}");
    if pattern.ends_with("/units") {
        serde_json::json!({"key": "unit-baru-api", "name": name, "kind": "seksi",
            "parent": unit_key(true)})
    } else if pattern.ends_with("/units/{unit_id}") {
        serde_json::json!({"key": unit_key(inside), "name": name, "kind": kind(inside),
            "parent": "kepala"})
    } else if pattern.ends_with("/move") {
        serde_json::json!({"direction": "up"})
    } else {
        serde_json::json!({})
    }
}

/// Routes whose body is a multipart upload.
fn multipart_route(method: &Method, pattern: &str) -> bool {
    *method == Method::POST
        && (pattern.ends_with("/bukti")
            || pattern == "/impor"
            || pattern.ends_with("/lembar-kerja/unggah"))
}

/// Sends `method path` as `p` with a minimal body: a form (or multipart upload) with the CSRF
/// token for pages, `{}` for the API. Pages get the session cookie; the API the bearer token.
/// The login form is posted as a browser does (pre-session cookie for anonymous clients).
async fn request(t: &TestApp, i: &Instance, p: &Principal, csrf: Csrf<'_>) -> Answer {
    let (method, pattern, path) = (&i.method, i.pattern, i.path.as_str());
    let api = path.starts_with("/api/");
    let mut cookies = Vec::new();
    let mut token = None;
    let session = match &p.auth {
        Auth::Session(s) => {
            cookies.push(format!("pokin_sesi={}", s.cookie));
            Some(s)
        }
        Auth::Token(tk) => {
            token = Some(tk.clone());
            None
        }
        Auth::Anonymous => None,
    };
    let mut form: Vec<(String, String)> = form_fields(pattern, i.inside.unwrap_or(true));
    let csrf_value = match (csrf, session) {
        (Csrf::Own, Some(s)) => Some(s.csrf.clone()),
        (Csrf::Given(v), _) => Some(v.to_owned()),
        _ => None,
    };
    let mut csrf_value = csrf_value;
    if *method == Method::POST && pattern == "/masuk" {
        form.push(("username".into(), "pimpinan".into()));
        form.push(("password".into(), PASSWORD.into()));
        if session.is_none() && csrf == Csrf::Own {
            let f = send_raw(t, Request::get("/masuk").body(Body::empty()).unwrap()).await;
            let pre = cookie_value(&f.headers, "pokin_pra").expect("login csrf cookie");
            cookies.push(format!("pokin_pra={pre}"));
            csrf_value = Some(pre);
        }
    }
    let mut uri = path.to_owned();
    let mut b = Request::builder().method(method.clone());
    if let Some(tk) = &token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tk}"));
    }
    if !cookies.is_empty() {
        b = b.header(header::COOKIE, cookies.join("; "));
    }
    let body = if *method == Method::GET {
        Body::empty()
    } else if multipart_route(method, pattern) {
        if !api && let Some(c) = &csrf_value {
            uri = format!("{uri}?_csrf={}", enc(c));
        }
        b = b.header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={}", measure_common::BOUNDARY),
        );
        let bytes = if pattern.ends_with("/bukti") {
            measure_common::multipart(&format!("uji {PAYLOAD}.pdf"), measure_common::PDF, &[])
        } else {
            format!("--{}--\r\n", measure_common::BOUNDARY).into_bytes()
        };
        Body::from(bytes)
    } else if api {
        b = b.header(header::CONTENT_TYPE, "application/json");
        Body::from(json_body(pattern, i.inside.unwrap_or(true)).to_string())
    } else {
        if let Some(c) = &csrf_value {
            form.push(("_csrf".into(), c.clone()));
        }
        b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let text = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        Body::from(text)
    };
    send_raw(t, b.uri(uri).body(body).expect("request")).await
}

// ---------------------------------------------------------------------------------------------
// Path parameters.

/// A concrete request of a route: its path and, when it names a unit, whether that unit is
/// inside the scoped users' subtree.
#[derive(Debug, Clone)]
struct Instance {
    method: Method,
    pattern: &'static str,
    path: String,
    inside: Option<bool>,
    /// The organisation in the path is the test organisation.
    org_route: bool,
}

/// Parameters whose value depends on the unit (filled inside and outside the scope).
const UNIT_PARAMS: &[&str] = &[
    "key",
    "unit",
    "code",
    "pid",
    "oid",
    "iid",
    "sid",
    "unit_id",
    "official_id",
    "objective_id",
    "indicator_id",
    "support_id",
    "evidence_id",
    "request_id",
];

fn params(pattern: &str) -> Vec<String> {
    pattern
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(p, _)| p.to_owned()))
        .collect()
}

/// The value of parameter `name` in `pattern`, or `None` when the map does not know it.
fn fill(
    t: &TestApp,
    f: &Fixture,
    previews: &Previews,
    pattern: &str,
    name: &str,
    inside: bool,
) -> Option<String> {
    let users = pattern.starts_with("/pengguna/") || pattern.starts_with("/api/v1/users/");
    let id = |k: &str| f.ids.get(&(k, inside)).cloned();
    Some(match name {
        "id" if users => f.target_user.to_string(),
        "id" => t.org.to_string(),
        "name" => "htmx-2.0.11.min.js".into(),
        "key" | "unit" => unit_key(inside).into(),
        "code" if pattern.contains("/program/") => program_code(inside).into(),
        // The test pemda's tujuan and its indicator (`add_pemda`); deleting it is refused
        // (it has a sasaran under it) or, for the indicator, leaves the walk's later
        // principals a 404.
        "code" if pattern.contains("/rpjmd/indikator/") => "IKT1".into(),
        "code" if pattern.starts_with("/pemda/") => "T1".into(),
        "code" => indicator_code(inside).into(),
        "period" if pattern.ends_with("/buka-kembali") => "2026-tw3".into(),
        "period" => "2026-tw1".into(),
        "year" => "2026".into(),
        "quarter" => "4".into(),
        "action" if pattern.contains("/tautan/") || pattern.contains("/crosscutting/") => {
            "tolak".into()
        }
        // No crosscut or note of the test organisation exists: an allowed principal meets 404,
        // a refused one 401/403 before anything is read.
        "crosscut" | "note" => "999999".into(),
        "action" => "ajukan".into(),
        "pemda" => t.pemda.to_string(),
        // Every other document is walked too (see `instances`).
        "file" => "iku.pdf".into(),
        "link" => t.link.to_string(),
        "pid" | "official_id" => id("official")?,
        "oid" | "objective_id" => id("objective")?,
        "iid" | "indicator_id" => id("indicator")?,
        "sid" | "support_id" => id("support")?,
        "unit_id" => id("unit")?,
        "evidence_id" => id("evidence")?,
        "request_id" => id("request")?,
        "token_id" if pattern.starts_with("/api/") => f.revoke_api.to_string(),
        "token_id" => f.revoke_page.to_string(),
        "token" if pattern.starts_with("/impor/") => previews.import.clone(),
        "token" if pattern.contains("/lembar-kerja/") => previews.workbook.clone(),
        _ => return None,
    })
}

/// Every route of the table as concrete requests; a parameter the map cannot fill is listed in
/// `missing`.
fn instances(
    t: &TestApp,
    f: &Fixture,
    previews: &Previews,
    missing: &mut Vec<String>,
) -> Vec<Instance> {
    let mut out = Vec::new();
    for route in pokin_web::table() {
        let names = params(route.path);
        let variants: Vec<Option<bool>> = if names.iter().any(|n| UNIT_PARAMS.contains(&n.as_str()))
        {
            vec![Some(true), Some(false)]
        } else {
            vec![None]
        };
        let users =
            route.path.starts_with("/pengguna/") || route.path.starts_with("/api/v1/users/");
        for inside in variants {
            let mut path = route.path.to_owned();
            if route.path == "/api/v1/import" {
                path = format!("{path}?replace={}&dry_run=true", t.org);
            }
            if route.path == "/pemda/{pemda}/pohon/detail" {
                // The third RPJMD node of the test pemda (S1).
                path = format!("{path}?unit=n2");
            } else if route.path.ends_with("/pohon/detail") {
                path = format!("{path}?unit=bidang-satu&sasaran=SP1&indikator=IK1");
            }
            for n in &names {
                match fill(t, f, previews, route.path, n, inside.unwrap_or(true)) {
                    Some(v) => path = path.replace(&format!("{{{n}}}"), &v),
                    None => missing.push(format!(
                        "{} {}: parameter {{{n}}} has no value; add it to `fill` in \
                         tests/security.rs",
                        route.method, route.path
                    )),
                }
            }
            out.push(Instance {
                method: route.method.clone(),
                pattern: route.path,
                path,
                inside,
                // The API import names the organisation it replaces in its query.
                // A link names its organisation (the test organisation) through its id.
                org_route: (names.iter().any(|n| n == "id" || n == "link") && !users)
                    || route.path == "/api/v1/import",
            });
            if route.path == "/pemda/{pemda}/dokumen/{file}" {
                let first = out.last().map(|i| i.path.clone()).unwrap_or_default();
                for other in [
                    "iku.xlsx",
                    "cascading.pdf",
                    "cascading.xlsx",
                    "pk-kepala-daerah.pdf",
                ] {
                    out.push(Instance {
                        method: route.method.clone(),
                        pattern: route.path,
                        path: first.replace("iku.pdf", other),
                        inside,
                        org_route: false,
                    });
                }
            }
        }
    }
    out
}

/// The previews waiting for confirmation, uploaded by the admin's session.
struct Previews {
    import: String,
    workbook: String,
}

async fn upload_previews(t: &TestApp, admin: &Session) -> Previews {
    let seed = include_str!("../../../data/seed/pohon-kinerja-dpmptsp-naker.txt");
    let body = {
        let b = measure_common::BOUNDARY;
        let mut v = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"tujuan\"\r\n\r\nbaru\r\n--{b}\r\n\
             Content-Disposition: form-data; name=\"berkas\"; filename=\"pohon.txt\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .into_bytes();
        v.extend_from_slice(seed.as_bytes());
        v.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        v
    };
    let r = measure_common::upload(t, admin, "/impor", body, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "import upload: {}", r.body);
    let import = r.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/impor/")
        .to_owned();
    let wb = send_raw(
        t,
        Request::get(format!("/organisasi/{}/lembar-kerja?tahun=2026", t.org))
            .header(header::COOKIE, format!("pokin_sesi={}", admin.cookie))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(wb.status, StatusCode::OK);
    let r = measure_common::upload(
        t,
        admin,
        &format!("/organisasi/{}/lembar-kerja/unggah", t.org),
        measure_common::multipart("isian.xlsx", &wb.body, &[("tahun", "2026")]),
        true,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "workbook upload: {}",
        r.body
    );
    let prefix = format!("/organisasi/{}/lembar-kerja/", t.org);
    let workbook = r.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches(&prefix)
        .to_owned();
    Previews { import, workbook }
}

async fn principals(t: &TestApp, admin: Session) -> Vec<Principal> {
    let mut out = vec![Principal {
        label: "anonim".into(),
        role: None,
        org: OrgOf::None,
        scoped: false,
        disabled: false,
        auth: Auth::Anonymous,
    }];
    let mut admin = Some(admin);
    for (name, role, org, scoped) in ACCOUNTS {
        let session = match (*name, admin.take()) {
            ("admin", Some(s)) => s,
            (_, a) => {
                admin = a;
                t.login(name).await
            }
        };
        out.push(Principal {
            label: format!("sesi {name}"),
            role: Some(*role),
            org: *org,
            scoped: *scoped,
            disabled: false,
            auth: Auth::Session(session),
        });
        let user = t.store.user_by_name(name).await.unwrap().unwrap();
        let token = t
            .store
            .create_api_token("tester", user.id, "uji")
            .await
            .expect("token");
        out.push(Principal {
            label: format!("token {name}"),
            role: Some(*role),
            org: *org,
            scoped: *scoped,
            disabled: false,
            auth: Auth::Token(token),
        });
    }
    // A disabled account's token (disabled after the token was made).
    let user = t.store.user_by_name("nonaktif").await.unwrap().unwrap();
    let token = t
        .store
        .create_api_token("tester", user.id, "uji")
        .await
        .expect("token");
    t.store
        .update_user(
            "tester",
            user.id,
            &UserUpdate {
                display_name: user.display_name.clone(),
                role: user.role,
                org_id: user.org_id,
                pemda_id: None,
                unit: user.unit.clone(),
                disabled: true,
            },
        )
        .await
        .expect("disable");
    out.push(Principal {
        label: "token nonaktif".into(),
        role: Some(Role::Pimpinan),
        org: OrgOf::Own,
        scoped: false,
        disabled: true,
        auth: Auth::Token(token),
    });
    out
}

// ---------------------------------------------------------------------------------------------
// What every answer must satisfy.

/// Security headers on every answer.
fn check_headers(what: &str, a: &Answer, problems: &mut Vec<String>) {
    let h = |n: header::HeaderName| {
        a.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let csp = h(header::CONTENT_SECURITY_POLICY);
    // The policy for scripts: `script-src`, or `default-src` without it. Only this origin (or
    // nothing at all: the SVG and evidence files) may run a script.
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .map(|d| d[name.len()..].trim().to_owned())
    };
    let scripts = directive("script-src").or_else(|| directive("default-src"));
    if !matches!(scripts.as_deref(), Some("'self'" | "'none'")) {
        problems.push(format!(
            "{what}: CSP lets scripts run from {scripts:?} ({csp})"
        ));
    }
    if !csp.split(';').any(|d| d.trim() == "frame-ancestors 'none'") {
        problems.push(format!(
            "{what}: CSP without frame-ancestors 'none' ({csp})"
        ));
    }
    if h(header::X_CONTENT_TYPE_OPTIONS) != "nosniff" {
        problems.push(format!("{what}: no X-Content-Type-Options: nosniff"));
    }
    if h(header::REFERRER_POLICY).is_empty() {
        problems.push(format!("{what}: no Referrer-Policy"));
    }
}

/// The raw (unescaped) pieces of the payload.
fn raw_payload(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    lower.contains("<script>alert") || lower.contains("<img src=x")
}

/// Every real tag of an HTML or SVG text (`<` … `>`); escaped text has no `<`.
fn tags(body: &str) -> impl Iterator<Item = &str> {
    body.split('<')
        .skip(1)
        .map(|s| s.split_once('>').map_or(s, |(tag, _)| tag))
}

/// HTML and SVG: no payload unescaped, no inline script, no inline event handler. JSON: served
/// as JSON. Documents: checked by [`check_document`].
fn check_body(what: &str, a: &Answer, problems: &mut Vec<String>) {
    let ct = a.content_type();
    let html = ct.starts_with("text/html");
    let svg = ct.starts_with("image/svg+xml");
    let body = a.text();
    if html || svg {
        if raw_payload(&body) {
            problems.push(format!("{what}: the payload appears unescaped ({ct})"));
        }
        for tag in tags(&body) {
            let lower = tag.to_ascii_lowercase();
            if lower.starts_with("script") && !lower.contains(" src=") {
                problems.push(format!("{what}: inline <script> ({})", tag_excerpt(tag)));
            }
            if svg && lower.starts_with("script") {
                problems.push(format!("{what}: <script> in SVG"));
            }
            // Attribute names only: quoted values (where escaped text lives) are dropped.
            let mut names = String::new();
            let mut quote = None;
            for c in lower.chars() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None => names.push(c),
                }
            }
            for attr in names.split_whitespace().skip(1) {
                let name = attr.split('=').next().unwrap_or("");
                if name.starts_with("on") && attr.contains('=') {
                    problems.push(format!(
                        "{what}: inline event handler '{name}' ({})",
                        tag_excerpt(tag)
                    ));
                }
            }
        }
    }
    let looks_json = matches!(body.trim_start().chars().next(), Some('{' | '['));
    let json =
        (looks_json && !html && !svg && !ct.starts_with("application/pdf")) || ct.contains("json");
    if json && !ct.starts_with("application/json") {
        problems.push(format!("{what}: JSON served as '{ct}'"));
    }
}

fn tag_excerpt(tag: &str) -> String {
    tag.chars().take(120).collect()
}

/// PDF (via `pdftotext`) and XLSX (its XML parts): the payload is there as text, escaped in the
/// XML, never as markup. The pemda's documents carry the pemda's payload (`add_pemda`).
fn check_document(what: &str, a: &Answer, problems: &mut Vec<String>) {
    let ct = a.content_type();
    let pieces: &[&str] = if what.contains(" /pemda/") {
        &["<script>alert(2)</script>"]
    } else {
        &["<script>alert(1)</script>", "<imgsrc=xonerror=alert(1)>"]
    };
    let dir = tempfile::tempdir().expect("dir");
    if ct.starts_with("application/pdf") {
        let file = dir.path().join("d.pdf");
        std::fs::write(&file, &a.body).expect("write");
        let out = std::process::Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is needed");
        let text: String = String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for piece in pieces {
            if !text.contains(piece) {
                problems.push(format!("{what}: PDF text lacks the literal '{piece}'"));
            }
        }
    } else if ct.contains("spreadsheetml") {
        let file = dir.path().join("d.xlsx");
        std::fs::write(&file, &a.body).expect("write");
        let out = std::process::Command::new("unzip")
            .arg("-p")
            .arg(&file)
            .arg("*.xml")
            .output()
            .expect("unzip is needed");
        let xml = String::from_utf8_lossy(&out.stdout);
        if raw_payload(&xml) {
            problems.push(format!("{what}: XLSX holds the payload as markup"));
        }
        let escaped = pieces[0].replace('<', "&lt;").replace('>', "&gt;");
        if !xml.contains(&escaped) {
            problems.push(format!("{what}: XLSX lacks the escaped payload"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1, 5, 6: the route walker.

/// Sorting rank of a state-changing route: creations and updates first, then deletions from the
/// leaves up (so a deletion does not remove what a later route names), logout last.
fn rank(i: &Instance) -> usize {
    let p = i.pattern;
    let destructive = i.method == Method::DELETE
        || p.ends_with("/hapus")
        || p.ends_with("/cabut")
        || p.ends_with("/batal");
    if p == "/keluar" {
        return 100;
    }
    if !destructive {
        return 0;
    }
    let order = [
        "bukti",
        "dukungan",
        "supports",
        "indikator",
        "indicators",
        "pejabat",
        "officials",
        "sasaran",
        "objectives",
        "program",
        "unit",
    ];
    order
        .iter()
        .position(|w| p.contains(w))
        .map_or(50, |n| 10 + n)
}

/// Walks every route instance for every principal on one application and returns every
/// problem found. State changes are ordered instead of run on fresh applications: all GETs
/// first, then every state-changing request the table refuses (a refusal must change nothing),
/// then the allowed ones, creations before deletions (leaves first) and logout last. An allowed
/// request that finds its object already deleted or in another state (404, 409, 422) still
/// counts as let through; only 401/403 (or the login redirect of a page) is a refusal, and any
/// 5xx is a problem.
async fn walk(t: &TestApp) -> Vec<String> {
    let f = prepare(t).await;
    let admin = t.login("admin").await;
    let previews = upload_previews(t, &admin).await;
    let principals = principals(t, admin).await;
    let mut problems = Vec::new();
    let instances = instances(t, &f, &previews, &mut problems);
    if !problems.is_empty() {
        return problems;
    }
    let rules: HashMap<String, Rule> = EXPECTED
        .iter()
        .map(|(k, r)| ((*k).to_owned(), *r))
        .collect();
    for r in pokin_web::table() {
        if !rules.contains_key(&format!("{} {}", r.method, r.path)) {
            problems.push(format!(
                "{} {} ({}) is missing from EXPECTED in tests/security.rs: add its rule",
                r.method, r.path, r.access
            ));
        }
    }
    let table: Vec<String> = pokin_web::table()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    for (k, _) in EXPECTED {
        if !table.iter().any(|r| r == k) {
            problems.push(format!("EXPECTED names {k}, which is not a route"));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    // The order: every GET; then every state-changing request expected to be refused (which
    // must change nothing); then the allowed ones, deletions last.
    let mut plan: Vec<(&Instance, &Principal, bool)> = Vec::new();
    let (gets, mut changes): (Vec<&Instance>, Vec<&Instance>) =
        instances.iter().partition(|i| i.method == Method::GET);
    changes.sort_by_key(|i| rank(i));
    let want = |i: &Instance, p: &Principal| {
        let rule = rules[&format!("{} {}", i.method, i.pattern)];
        expected(rule, p, i.org_route, i.inside)
    };
    for &i in &gets {
        for p in &principals {
            plan.push((i, p, want(i, p)));
        }
    }
    for &i in &changes {
        for p in principals.iter().filter(|p| !want(i, p)) {
            plan.push((i, p, false));
        }
    }
    for &i in &changes {
        for p in principals.iter().filter(|p| want(i, p)) {
            plan.push((i, p, true));
        }
    }
    let mut documents_checked = std::collections::HashSet::new();
    let allowed_count = plan.iter().filter(|(_, _, a)| *a).count();
    assert!(
        plan.len() > 3000 && allowed_count > 800 && plan.len() - allowed_count > 2000,
        "the walk is smaller than expected: {} requests, {allowed_count} allowed",
        plan.len()
    );
    for (i, p, allowed) in plan {
        let a = request(t, i, p, Csrf::Own).await;
        let what = format!("{} {} as {}", i.method, i.path, p.label);
        if a.status.is_server_error() {
            problems.push(format!("{what}: server error {}", a.brief()));
            continue;
        }
        if a.refused(&i.method) == allowed {
            problems.push(format!(
                "{what}: expected {}, got {}",
                if allowed { "allowed" } else { "refused" },
                a.brief()
            ));
        }
        check_headers(&what, &a, &mut problems);
        check_body(&what, &a, &mut problems);
        // Our documents (evidence files are the uploader's bytes, served as they are).
        if a.status == StatusCode::OK
            && !i.pattern.contains("/bukti/")
            && documents_checked.insert(document_key(i))
        {
            check_document(&what, &a, &mut problems);
        }
    }
    // The Swagger UI behind `/api/docs`'s redirect: its own policy, no inline script.
    let docs = send_raw(t, Request::get("/api/docs/").body(Body::empty()).unwrap()).await;
    assert_eq!(docs.status, StatusCode::OK, "/api/docs/");
    check_headers("GET /api/docs/", &docs, &mut problems);
    check_body("GET /api/docs/", &docs, &mut problems);
    // Every document kind was checked.
    for kind in ["pdf", "xlsx"] {
        let n = documents_checked
            .iter()
            .filter(|p| p.contains(kind) && !p.contains("/bukti/"))
            .count();
        assert!(n >= 3, "only {n} {kind} routes answered 200");
    }
    problems
}

/// What a document check covers once: the route, or for the pemda's documents each file.
fn document_key(i: &Instance) -> String {
    if i.pattern.contains("/dokumen/{file}") {
        i.path.clone()
    } else {
        i.pattern.to_owned()
    }
}

#[tokio::test]
async fn walk_every_route() {
    for t in setups().await {
        let problems = walk(&t).await;
        assert!(
            problems.is_empty(),
            "{} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2: CSRF on every state-changing route.

#[tokio::test]
async fn csrf_is_required_on_every_state_changing_page_route() {
    for t in setups().await {
        let f = prepare(&t).await;
        let admin = t.login("admin").await;
        let other = t.login("perencana").await;
        let previews = upload_previews(&t, &admin).await;
        let mut missing = Vec::new();
        let instances = instances(&t, &f, &previews, &mut missing);
        assert!(missing.is_empty(), "{missing:?}");
        let p = Principal {
            label: "sesi admin".into(),
            role: Some(Role::Admin),
            org: OrgOf::All,
            scoped: false,
            disabled: false,
            auth: Auth::Session(admin),
        };
        let audit = t.audit_count().await;
        let revisions = t.org_revisions().await;
        let mut problems = Vec::new();
        let mut pages = 0;
        for i in instances.iter().filter(|i| i.method != Method::GET) {
            if i.path.starts_with("/api/") {
                continue;
            }
            pages += 1;
            for csrf in [
                Csrf::Missing,
                Csrf::Given("salah"),
                Csrf::Given(""),
                Csrf::Given(&other.csrf),
            ] {
                let a = request(&t, i, &p, csrf).await;
                let body = a.text();
                if a.status != StatusCode::FORBIDDEN
                    || !body.contains("token keamanan (CSRF)")
                    || !body.contains("Muat ulang halaman")
                {
                    problems.push(format!(
                        "{} {} with {csrf:?}: {}",
                        i.method,
                        i.path,
                        a.brief()
                    ));
                }
            }
        }
        assert!(pages > 50, "only {pages} state-changing page routes");
        assert_eq!(t.audit_count().await, audit, "a refused request wrote");
        assert_eq!(t.org_revisions().await, revisions);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// The API needs no CSRF token: it authenticates with the bearer token only, so a browser's
/// session cookie (even with the session's CSRF token in the header) is refused with 401.
#[tokio::test]
async fn api_refuses_a_session_cookie_without_a_bearer_token() {
    for t in setups().await {
        let f = prepare(&t).await;
        let admin = t.login("admin").await;
        let previews = Previews {
            import: "x".into(),
            workbook: "x".into(),
        };
        let mut missing = Vec::new();
        let instances = instances(&t, &f, &previews, &mut missing);
        let audit = t.audit_count().await;
        let revisions = t.org_revisions().await;
        let mut checked = 0;
        for i in instances.iter().filter(|i| i.path.starts_with("/api/v1/")) {
            let a = send_raw(
                &t,
                Request::builder()
                    .method(i.method.clone())
                    .uri(&i.path)
                    .header(header::COOKIE, format!("pokin_sesi={}", admin.cookie))
                    .header("x-csrf-token", &admin.csrf)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
            assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{} {}",
                i.method,
                i.path
            );
            assert!(a.content_type().starts_with("application/json"));
            checked += 1;
        }
        assert!(checked > 30);
        assert_eq!(t.audit_count().await, audit);
        assert_eq!(t.org_revisions().await, revisions);
    }
}

// ---------------------------------------------------------------------------------------------
// 3: sessions.

/// Logs in through the form with `planted` already in the browser: an unknown session id (the
/// pre-session token is the CSRF token), or a real session (its CSRF token is).
async fn login_with_cookie(t: &TestApp, user: &str, planted: &Session) -> Answer {
    let form = t.get("/masuk", None).await;
    let pre = cookie_value(&form.headers, "pokin_pra").expect("pre cookie");
    let token = if planted.csrf.is_empty() {
        pre.clone()
    } else {
        planted.csrf.clone()
    };
    let planted = &planted.cookie;
    send_raw(
        t,
        Request::post("/masuk")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::COOKIE,
                format!("pokin_pra={pre}; pokin_sesi={planted}"),
            )
            .body(Body::from(format!(
                "username={}&password={}&_csrf={token}",
                enc(user),
                enc(PASSWORD)
            )))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn session_fixation_logout_password_change_and_disabling() {
    for t in setups().await {
        // Fixation: a session id planted before login is not the one after it, and grants
        // nothing (neither does the login form's pre-session token).
        let planted = "a".repeat(64);
        let r = login_with_cookie(
            &t,
            "perencana",
            &Session {
                cookie: planted.clone(),
                csrf: String::new(),
            },
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let given = cookie_value(&r.headers, "pokin_sesi")
            .unwrap_or_else(|| panic!("no session cookie: {:?}", r.headers));
        assert_ne!(given, planted);
        assert!(given.len() >= 43, "a long random secret: {given}");
        let planted_session = Session {
            cookie: planted.clone(),
            csrf: String::new(),
        };
        let a = t.get("/organisasi", Some(&planted_session)).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert!(
            a.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/masuk")
        );
        // The login form's pre-session token is not a session id, and login clears it.
        assert_eq!(cookie_value(&r.headers, "pokin_pra").as_deref(), Some(""));
        let form = t.get("/masuk", None).await;
        let pre = cookie_value(&form.headers, "pokin_pra").expect("pre cookie");
        let as_session = Session {
            cookie: pre,
            csrf: String::new(),
        };
        let a = t.get("/organisasi", Some(&as_session)).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        // A session planted from an earlier real login of someone else is replaced too.
        let victim_before = t.login("pimpinan").await;
        let r = login_with_cookie(&t, "perencana", &victim_before).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.brief());
        let given2 = cookie_value(&r.headers, "pokin_sesi").expect("session cookie");
        assert_ne!(given2, victim_before.cookie);
        // The cookie's attributes.
        let set = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("pokin_sesi="))
            .unwrap();
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(attr), "{set}");
        }

        // Logout ends the session on the server: the old cookie replayed gets the login page.
        let s = t.login("inspektorat").await;
        let r = t.post("/keluar", Some(&s), &[], Some(&s.csrf)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(t.store.session(&s.cookie).await.unwrap().is_none());
        let replay = t.get("/organisasi", Some(&s)).await;
        assert_eq!(replay.status, StatusCode::SEE_OTHER);
        assert!(
            replay.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/masuk")
        );
        // Its CSRF token is worthless too.
        let r = t.post("/keluar", Some(&s), &[], Some(&s.csrf)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // A password change ends the account's other sessions (and not other accounts').
        let a1 = t.login("operator").await;
        let a2 = t.login("operator").await;
        let bystander = t.login("verifikator").await;
        let r = t
            .post(
                "/akun/sandi",
                Some(&a1),
                &[
                    ("old", PASSWORD),
                    ("new", "sandi-baru-4321"),
                    ("confirm", "sandi-baru-4321"),
                ],
                Some(&a1.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        for old in [&a1, &a2] {
            assert!(t.store.session(&old.cookie).await.unwrap().is_none());
            assert_eq!(
                t.get("/organisasi", Some(old)).await.status,
                StatusCode::SEE_OTHER
            );
        }
        assert_eq!(
            t.get("/organisasi", Some(&bystander)).await.status,
            StatusCode::OK
        );

        // Disabling an account ends its sessions and its API tokens.
        let victim = t.login("pimpinan").await;
        let user = t.store.user_by_name("pimpinan").await.unwrap().unwrap();
        let token = t
            .store
            .create_api_token("tester", user.id, "uji")
            .await
            .unwrap();
        let api = async |tk: &str| {
            send_raw(
                &t,
                Request::get("/api/v1/organisations")
                    .header(header::AUTHORIZATION, format!("Bearer {tk}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .status
        };
        assert_eq!(api(&token).await, StatusCode::OK);
        let admin = t.login("admin").await;
        let org = t.org.to_string();
        let r = t
            .post(
                &format!("/pengguna/{}", user.id),
                Some(&admin),
                &[
                    ("display_name", "Pimpinan"),
                    ("role", "pimpinan"),
                    ("org", org.as_str()),
                    ("disabled", "on"),
                ],
                Some(&admin.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            t.get("/organisasi", Some(&victim)).await.status,
            StatusCode::SEE_OTHER
        );
        assert!(t.store.session(&victim.cookie).await.unwrap().is_none());
        assert_eq!(api(&token).await, StatusCode::UNAUTHORIZED);
        assert!(t.try_login("pimpinan", PASSWORD).await.is_err());
        assert!(t.try_login("pimpinan", PASSWORD).await.is_err());
    }
}

/// Throttling counts per user name and address: another address is not blocked, a correct
/// password from the blocked address is still refused.
#[tokio::test]
async fn login_throttle_is_per_user_name_and_address() {
    let t = setup().await;
    let from = async |addr: &str, user: &str, password: &str| {
        let form = t.get("/masuk", None).await;
        let pre = cookie_value(&form.headers, "pokin_pra").expect("pre cookie");
        let mut req = Request::post("/masuk")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("pokin_pra={pre}"))
            .body(Body::from(format!(
                "username={}&password={}&_csrf={pre}",
                enc(user),
                enc(password)
            )))
            .unwrap();
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        send_raw(&t, req).await.status
    };
    let a = "10.0.0.1:5000";
    let b = "10.0.0.2:5000";
    for _ in 0..5 {
        assert_eq!(
            from(a, "pimpinan", "salah-salah").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        from(a, "pimpinan", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Same address, another user name; same user name, another address.
    assert_eq!(
        from(a, "inspektorat", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(from(b, "pimpinan", PASSWORD).await, StatusCode::SEE_OTHER);
    // Case and spaces do not make a new user name.
    assert_eq!(
        from(a, " PIMPINAN ", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

// ---------------------------------------------------------------------------------------------
// 4: secrets never recorded.

/// Passwords, session secrets and API tokens never appear in the audit log, nor in any page
/// answering the requests that carried them. (The web crate logs nothing itself: it has no
/// `tracing`/`log` dependency and no tower-http trace layer, so there is no log to capture.)
#[tokio::test]
async fn secrets_never_reach_the_audit_log_or_pages() {
    for t in setups().await {
        let mut secrets: Vec<String> = vec![PASSWORD.into()];
        let mut pages = Vec::new();
        let admin = t.login("admin").await;
        secrets.push(admin.cookie.clone());
        secrets.push(admin.csrf.clone());
        // A failed login.
        let wrong = "sandi-salah-XYZ-777";
        secrets.push(wrong.into());
        let r = t.try_login("pimpinan", wrong).await.expect_err("refused");
        pages.push(r.body);
        // A user created with a password, one refused (the form comes back).
        let org = t.org.to_string();
        let created = "sandi-awal-QWE-111";
        secrets.push(created.into());
        for name in ["rahasia.baru", "Nama Salah"] {
            let r = t
                .post(
                    "/pengguna",
                    Some(&admin),
                    &[
                        ("username", name),
                        ("display_name", "Rahasia"),
                        ("role", "pimpinan"),
                        ("org", org.as_str()),
                        ("password", created),
                    ],
                    Some(&admin.csrf),
                )
                .await;
            pages.push(r.body);
        }
        let user = t.store.user_by_name("rahasia.baru").await.unwrap().unwrap();
        // Reset by the admin (page and API), changed by the user.
        let reset = "sandi-reset-ASD-222";
        secrets.push(reset.into());
        let r = t
            .post(
                &format!("/pengguna/{}/sandi", user.id),
                Some(&admin),
                &[("password", reset)],
                Some(&admin.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        pages.push(r.body);
        let s = t.try_login("rahasia.baru", reset).await.expect("login");
        secrets.push(s.cookie.clone());
        let changed = "sandi-ganti-ZXC-333";
        secrets.push(changed.into());
        for (old, new) in [("salah-lama", changed), (reset, changed)] {
            let r = t
                .post(
                    "/akun/sandi",
                    Some(&s),
                    &[("old", old), ("new", new), ("confirm", new)],
                    Some(&s.csrf),
                )
                .await;
            pages.push(r.body);
        }
        // API tokens: through the page and the API.
        let r = t
            .post(
                &format!("/pengguna/{}/token", user.id),
                Some(&admin),
                &[("name", "skrip")],
                Some(&admin.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let shown: Vec<String> = r
            .body
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("pokin_") && w.len() > 30)
            .map(str::to_owned)
            .collect();
        assert!(!shown.is_empty(), "the new token is shown once");
        secrets.extend(shown);
        let admin_user = t.store.user_by_name("admin").await.unwrap().unwrap();
        let admin_token = t
            .store
            .create_api_token("tester", admin_user.id, "uji")
            .await
            .unwrap();
        secrets.push(admin_token.clone());
        let api_password = "sandi-api-RTY-444";
        secrets.push(api_password.into());
        let r = send_raw(
            &t,
            Request::post(format!("/api/v1/users/{}/password", user.id))
                .header(header::AUTHORIZATION, format!("Bearer {admin_token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    serde_json::json!({ "password": api_password }).to_string(),
                ))
                .unwrap(),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.brief());
        pages.push(r.text());
        let r = send_raw(
            &t,
            Request::post(format!("/api/v1/users/{}/tokens", user.id))
                .header(header::AUTHORIZATION, format!("Bearer {admin_token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"name":"api"}"#))
                .unwrap(),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.brief());
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        if let Some(tk) = v.get("token").and_then(|x| x.as_str()) {
            secrets.push(tk.to_owned());
        }
        let log = t
            .store
            .audit_log(&AuditFilter::default())
            .await
            .expect("audit");
        let text = serde_json::to_string(
            &log.iter()
                .map(|r| (r.before.clone(), r.after.clone()))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert!(text.contains("rahasia.baru"), "the audit log was read");
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "audit log holds {secret}");
        }
        for page in &pages {
            for secret in secrets.iter().filter(|s| s.contains("sandi")) {
                assert!(!page.contains(secret.as_str()), "a page echoes {secret}");
            }
        }
    }
}

/// The region dashboard is open to every logged-in user but shows only the organisations each
/// may read.
#[tokio::test]
async fn region_dashboard_shows_only_readable_organisations() {
    for t in setups().await {
        let own = "Dinas &#60;script&#62;alert(0)&#60;/script&#62; Uji";
        let other = "Dinas Lain";
        for (user, sees_own, sees_other) in [
            ("admin", true, true),
            ("perencana", true, false),
            ("operator", true, false),
            ("pimpinan", true, false),
            ("perencana.lain", false, true),
            ("inspektorat.lain", false, true),
        ] {
            let s = t.login(user).await;
            let r = t.get("/dasbor/daerah", Some(&s)).await;
            assert_eq!(r.status, StatusCode::OK, "{user}");
            assert!(!raw_payload(&r.body), "{user}");
            assert_eq!(r.body.contains(own), sees_own, "{user}: own organisation");
            assert_eq!(
                r.body.contains(other),
                sees_other,
                "{user}: other organisation"
            );
        }
    }
}

/// Reads the route table once: every path parameter name is known to [`fill`].
#[test]
fn every_parameter_has_a_value_source() {
    let known: BTreeMap<&str, ()> = UNIT_PARAMS
        .iter()
        .chain(
            [
                "id", "name", "period", "year", "quarter", "action", "token", "token_id", "pemda",
                "link", "crosscut", "note", "file",
            ]
            .iter(),
        )
        .map(|k| (*k, ()))
        .collect();
    for r in pokin_web::table() {
        for p in params(r.path) {
            assert!(
                known.contains_key(p.as_str()),
                "{} {}: parameter {{{p}}} has no value; add it to `fill` in tests/security.rs",
                r.method,
                r.path
            );
        }
    }
}
