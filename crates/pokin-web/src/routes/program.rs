//! Programs, kegiatan and sub kegiatan with their pagu per Renstra year and their realised
//! budget per quarter.
//!
//! - `GET /organisasi/{id}/program?tahun=Y`: every item in hierarchy order with unit, objective,
//!   pagu (rolled up from the children when not set), realised budget and *serapan*.
//! - `GET/POST …/program/baru`, `…/program/{code}/ubah`, `POST …/program/{code}/hapus`: the
//!   form; [`Action::EditTree`] on the item's unit (and on its former unit when it moves).
//! - `GET/POST …/program/{code}/realisasi/{year}`: realised budget TW I–IV;
//!   [`Action::EditTree`] or [`Action::EnterRealisation`] on the item's unit. All four values
//!   are checked before any is saved; the changed quarters are then saved in one audited transaction.
//!
//! Every refusal re-renders the form with status 422 (403 for permission), the user's input
//! kept, and changes nothing.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::routes::edit::capitalise;
use crate::routes::organisations::readable;
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use pokin_domain::document::program_order;
use pokin_domain::format;
use pokin_domain::program::{
    BudgetYear, Program, ProgramLevel, absorption, budget, realised, valid_program_code,
};
use pokin_domain::{Code, Organisation, UnitKey};
use pokin_store::{StoreError, User};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// Shared helpers.

fn unit_target<'a>(org_id: i64, org: &'a Organisation, unit: &'a UnitKey) -> Target<'a> {
    match org.unit(unit) {
        Some(_) => Target::Unit { org_id, org, unit },
        None => Target::Org(org_id),
    }
}

/// Whether `user` may change the programs of `unit` (create, edit, delete, set pagu).
fn may_edit(user: &User, org_id: i64, org: &Organisation, unit: &UnitKey) -> Result<(), Error> {
    Ok(can(user, Action::EditTree, unit_target(org_id, org, unit))?)
}

/// Whether `user` may enter the realised budget of an item of `unit`: the tree-editing rule,
/// or the realisation rule (operators report spending).
fn may_enter(user: &User, org_id: i64, org: &Organisation, unit: &UnitKey) -> Result<(), Error> {
    let target = unit_target(org_id, org, unit);
    match can(user, Action::EditTree, target) {
        Ok(()) => Ok(()),
        Err(_) => Ok(can(user, Action::EnterRealisation, target)?),
    }
}

fn find<'a>(org: &'a Organisation, code: &str) -> Result<&'a Program, Error> {
    org.programs.iter().find(|p| p.code == code).ok_or_else(|| {
        Error::not_found(format!(
            "Program, kegiatan atau sub kegiatan dengan kode {code} tidak ada dalam organisasi \
             ini; mungkin sudah dihapus atau kodenya diubah. Buka kembali daftar program."
        ))
    })
}

/// The years a pagu can be set for: the Renstra period, else the current year and the years
/// that already have one.
fn pagu_years(org: &Organisation, extra: Option<&Program>) -> Vec<i32> {
    match org.renstra {
        Some(r) => r.years().collect(),
        None => {
            let mut ys: Vec<i32> = extra
                .map(|p| p.pagu.keys().copied().collect())
                .unwrap_or_default();
            let now = chrono::Local::now().year();
            if !ys.contains(&now) {
                ys.push(now);
            }
            ys.sort_unstable();
            ys
        }
    }
}

/// The year shown when none is asked for: this year inside the Renstra period, else its first.
fn default_year(org: &Organisation) -> i32 {
    let now = chrono::Local::now().year();
    match org.renstra {
        Some(r) if !r.years().contains(&now) => r.start,
        _ => now,
    }
}

/// Reads a year; outside the Renstra period it is refused (404: no such page).
fn check_year(org: &Organisation, year: i32) -> Result<(), Error> {
    if !(1900..=9999).contains(&year) {
        return Err(Error::not_found(format!("Tahun {year} tidak masuk akal.")));
    }
    if let Some(r) = org.renstra
        && !r.years().contains(&year)
    {
        return Err(Error::not_found(format!(
            "Tahun {year} di luar periode Renstra {}–{}.",
            r.start, r.end
        )));
    }
    Ok(())
}

/// An amount in rupiah as typed (`1.250.000.000`, `Rp 1.250.000`, `1250000,50`); empty is
/// `Ok(None)`; anything else, or a negative amount, is refused with an Indonesian message.
fn parse_amount(text: &str, what: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bare = t
        .strip_prefix("Rp.")
        .or_else(|| t.strip_prefix("Rp"))
        .or_else(|| t.strip_prefix("rp"))
        .unwrap_or(t);
    match format::parse_number(bare) {
        None => Err(format!(
            "{what} harus berupa angka rupiah, mis. 1.250.000.000 (titik pemisah ribuan, koma \
             desimal)."
        )),
        Some(v) if v < 0.0 => Err(format!("{what} tidak boleh negatif.")),
        Some(v) => Ok(Some(v)),
    }
}

fn rupiah_opt(v: Option<f64>) -> String {
    v.map(format::rupiah).unwrap_or_default()
}

fn percent_opt(v: Option<f64>) -> String {
    v.map(|p| format!("{}%", format::number(p, 2)))
        .unwrap_or_default()
}

/// An amount as it is typed back into a form (`1250000000` → `1.250.000.000`).
fn amount_text(v: f64) -> String {
    format::number_trimmed(v, 2)
}

fn depth(level: ProgramLevel) -> usize {
    match level {
        ProgramLevel::Program => 0,
        ProgramLevel::Kegiatan => 1,
        ProgramLevel::SubKegiatan => 2,
    }
}

fn list_path(org_id: i64, year: i32) -> String {
    format!("/organisasi/{org_id}/program?tahun={year}")
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    tahun: Option<String>,
    #[serde(default)]
    pesan: String,
}

// ---------------------------------------------------------------------------------------------
// The list.

struct Row {
    code: String,
    name: String,
    level: &'static str,
    depth: usize,
    unit: String,
    objective: String,
    pagu: String,
    realised: String,
    serapan: String,
    edit_href: Option<String>,
    realisation_href: String,
}

#[derive(Template)]
#[template(path = "program_list.html")]
struct ListPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    year: i32,
    years: Vec<(i32, String)>,
    rows: Vec<Row>,
    total_pagu: String,
    total_realised: String,
    total_serapan: String,
    can_add: bool,
    notice: Option<&'static str>,
}

/// `GET /organisasi/{id}/program?tahun=Y`.
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let year = match q.tahun.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => default_year(&org),
        Some(t) => t.parse::<i32>().map_err(|_| {
            Error::field(
                "tahun",
                format!("Tahun '{t}' tidak dapat dibaca; tulis empat angka, mis. 2026."),
            )
        })?,
    };
    check_year(&org, year)?;
    let spent = state.store.budget_realisations(id, year).await?;
    let user = &current.user;
    let unit_name = |k: &UnitKey| {
        org.unit(k)
            .map_or_else(|| k.to_string(), |u| u.name.clone())
    };
    let objective_text = |p: &Program| {
        p.objective.as_ref().map_or_else(String::new, |c| {
            let statement = org
                .unit(&p.unit)
                .and_then(|u| u.objectives.iter().find(|o| &o.code == c))
                .map(|o| o.statement.clone())
                .unwrap_or_default();
            format!("{c} {statement}").trim().to_owned()
        })
    };
    let rows: Vec<Row> = program_order(&org.programs)
        .into_iter()
        .map(|p| {
            let pagu = budget(&org.programs, &p.code, year);
            let r = realised(&org.programs, &spent, &p.code).total();
            Row {
                code: p.code.clone(),
                name: p.name.clone(),
                level: p.level.label(),
                depth: depth(p.level),
                unit: unit_name(&p.unit),
                objective: objective_text(p),
                pagu: rupiah_opt(pagu),
                realised: rupiah_opt(r),
                serapan: percent_opt(absorption(pagu, r)),
                edit_href: may_edit(user, id, &org, &p.unit)
                    .is_ok()
                    .then(|| format!("/organisasi/{id}/program/{}/ubah", p.code)),
                realisation_href: format!("/organisasi/{id}/program/{}/realisasi/{year}", p.code),
            }
        })
        .collect();
    let tops: Vec<&Program> = org
        .programs
        .iter()
        .filter(|p| p.level == ProgramLevel::Program)
        .collect();
    let sum = |vals: Vec<Option<f64>>| {
        vals.into_iter()
            .flatten()
            .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v))
    };
    let total_pagu = sum(tops
        .iter()
        .map(|p| budget(&org.programs, &p.code, year))
        .collect());
    let total_realised = sum(tops
        .iter()
        .map(|p| realised(&org.programs, &spent, &p.code).total())
        .collect());
    let can_add = org
        .units
        .iter()
        .any(|u| may_edit(user, id, &org, &u.key).is_ok());
    let years = org
        .renstra
        .map(|r| r.years().map(|y| (y, list_path(id, y))).collect())
        .unwrap_or_default();
    let page = ListPage {
        layout: Layout::for_user(&current, format!("Program & anggaran {year}"), "organisasi"),
        org_id: id,
        org_name: org.name.clone(),
        year,
        years,
        rows,
        total_pagu: rupiah_opt(total_pagu),
        total_realised: rupiah_opt(total_realised),
        total_serapan: percent_opt(absorption(total_pagu, total_realised)),
        can_add,
        notice: match q.pesan.as_str() {
            "disimpan" => Some("Program disimpan dan tercatat di log audit."),
            "dihapus" => Some("Program dihapus dan tercatat di log audit."),
            _ => None,
        },
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// The form.

/// The form as typed.
#[derive(Debug, Clone, Default)]
struct ProgramInput {
    code: String,
    level: String,
    name: String,
    parent: String,
    unit: String,
    /// `unit/code` of the objective, or empty.
    objective: String,
    pagu: BTreeMap<i32, String>,
}

impl ProgramInput {
    fn of(p: &Program) -> ProgramInput {
        ProgramInput {
            code: p.code.clone(),
            level: p.level.as_str().into(),
            name: p.name.clone(),
            parent: p.parent.clone().unwrap_or_default(),
            unit: p.unit.to_string(),
            objective: p
                .objective
                .as_ref()
                .map(|c| format!("{}/{c}", p.unit))
                .unwrap_or_default(),
            pagu: p.pagu.iter().map(|(y, v)| (*y, amount_text(*v))).collect(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> ProgramInput {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        ProgramInput {
            code: get("kode"),
            level: get("tingkat"),
            name: get("nama"),
            parent: get("induk"),
            unit: get("unit"),
            objective: get("sasaran"),
            pagu: pairs
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("pagu_")?.parse().ok()?, v.clone())))
                .collect(),
        }
    }

    /// The program, or every field problem.
    fn check(&self, org: &Organisation, years: &[i32]) -> Result<Program, Vec<(String, String)>> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let code = self.code.trim().to_owned();
        if code.is_empty() {
            problems.push(("kode".into(), "Kode belum diisi (mis. 2.18.01).".into()));
        } else if !valid_program_code(&code) {
            problems.push((
                "kode".into(),
                format!(
                    "Kode '{code}' tidak sah: hanya huruf, angka dan titik, tidak diawali atau \
                     diakhiri titik, paling banyak 40 karakter (mis. 2.18.01)."
                ),
            ));
        }
        let level = ProgramLevel::from_str_opt(self.level.trim());
        if level.is_none() {
            problems.push((
                "tingkat".into(),
                "Pilih tingkat: program, kegiatan atau sub kegiatan.".into(),
            ));
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            problems.push(("nama".into(), "Nama belum diisi.".into()));
        }
        let unit = UnitKey::parse(self.unit.trim())
            .ok()
            .filter(|k| org.unit(k).is_some());
        if unit.is_none() {
            problems.push(("unit".into(), "Pilih unit kerja yang ada.".into()));
        }
        let parent = Some(self.parent.trim().to_owned()).filter(|p| !p.is_empty());
        let mut objective: Option<Code> = None;
        let picked = self.objective.trim();
        if !picked.is_empty() {
            match picked.split_once('/') {
                Some((u, c)) if Some(u) == unit.as_ref().map(UnitKey::as_str) => {
                    match Code::parse(c) {
                        Ok(c) => objective = Some(c),
                        Err(_) => problems.push((
                            "sasaran".into(),
                            "Sasaran yang dipilih tidak dikenal.".into(),
                        )),
                    }
                }
                Some((u, c)) => problems.push((
                    "sasaran".into(),
                    format!(
                        "Sasaran {c} milik unit '{u}', bukan unit yang dipilih. Pilih sasaran \
                         unit itu sendiri, atau \"—\"."
                    ),
                )),
                None => problems.push((
                    "sasaran".into(),
                    "Sasaran yang dipilih tidak dikenal.".into(),
                )),
            }
        }
        let mut pagu = BTreeMap::new();
        for y in years {
            let text = self.pagu.get(y).map(String::as_str).unwrap_or_default();
            match parse_amount(text, &format!("Pagu {y}")) {
                Ok(Some(v)) => {
                    pagu.insert(*y, v);
                }
                Ok(None) => {}
                Err(m) => problems.push((format!("pagu_{y}"), m)),
            }
        }
        match (level, unit, problems.is_empty()) {
            (Some(level), Some(unit), true) => Ok(Program {
                code,
                level,
                name,
                parent,
                unit,
                objective,
                pagu,
            }),
            _ => Err(problems),
        }
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct ChoiceGroup {
    label: String,
    choices: Vec<Choice>,
}

struct PaguInput {
    year: i32,
    value: String,
}

#[derive(Template)]
#[template(path = "program_form.html")]
struct FormPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    heading: String,
    action: String,
    back: String,
    form: ProgramInput,
    levels: Vec<Choice>,
    parents: Vec<ChoiceGroup>,
    units: Vec<Choice>,
    objectives: Vec<ChoiceGroup>,
    pagu: Vec<PaguInput>,
    delete_action: Option<String>,
    errors: Vec<(String, String)>,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn general_errors(&self) -> Vec<&str> {
        self.errors
            .iter()
            .filter(|(f, _)| f == "_")
            .map(|(_, m)| m.as_str())
            .collect()
    }

    fn pagu_error(&self, year: &i32) -> Option<&str> {
        self.error(&format!("pagu_{year}"))
    }
}

fn form_page(
    current: &CurrentUser,
    org_id: i64,
    org: &Organisation,
    editing: Option<&Program>,
    form: ProgramInput,
    errors: Vec<(String, String)>,
) -> Result<Response, Error> {
    let user = &current.user;
    let editing_code = editing.map(|p| p.code.as_str());
    let levels = ProgramLevel::ALL
        .into_iter()
        .map(|l| Choice {
            value: l.as_str().into(),
            label: l.label().into(),
            selected: form.level == l.as_str(),
        })
        .collect();
    let parents = [ProgramLevel::Program, ProgramLevel::Kegiatan]
        .into_iter()
        .map(|l| ChoiceGroup {
            label: format!(
                "{} (induk {})",
                l.label(),
                match l {
                    ProgramLevel::Program => "kegiatan",
                    _ => "sub kegiatan",
                }
            ),
            choices: program_order(&org.programs)
                .into_iter()
                .filter(|p| p.level == l && Some(p.code.as_str()) != editing_code)
                .map(|p| Choice {
                    value: p.code.clone(),
                    label: format!("{} {}", p.code, p.name),
                    selected: form.parent.trim() == p.code,
                })
                .collect(),
        })
        .filter(|g: &ChoiceGroup| !g.choices.is_empty())
        .collect();
    let units = org
        .units
        .iter()
        .filter(|u| {
            may_edit(user, org_id, org, &u.key).is_ok() || form.unit.trim() == u.key.as_str()
        })
        .map(|u| Choice {
            value: u.key.to_string(),
            label: u.name.clone(),
            selected: form.unit.trim() == u.key.as_str(),
        })
        .collect();
    let objectives = org
        .units
        .iter()
        .filter(|u| !u.objectives.is_empty())
        .map(|u| ChoiceGroup {
            label: u.name.clone(),
            choices: u
                .objectives
                .iter()
                .map(|o| {
                    let value = format!("{}/{}", u.key, o.code);
                    Choice {
                        selected: form.objective.trim() == value,
                        value,
                        label: format!("{} {}", o.code, o.statement),
                    }
                })
                .collect(),
        })
        .collect();
    let pagu = pagu_years(org, editing)
        .into_iter()
        .map(|year| PaguInput {
            year,
            value: form.pagu.get(&year).cloned().unwrap_or_default(),
        })
        .collect();
    let (heading, action, delete_action) = match editing {
        Some(p) => (
            format!("Ubah {} {}", p.level.label().to_lowercase(), p.code),
            format!("/organisasi/{org_id}/program/{}/ubah", p.code),
            Some(format!("/organisasi/{org_id}/program/{}/hapus", p.code)),
        ),
        None => (
            "Tambah program, kegiatan atau sub kegiatan".to_owned(),
            format!("/organisasi/{org_id}/program/baru"),
            None,
        ),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FormPage {
        layout: Layout::for_user(current, heading.clone(), "organisasi"),
        org_id,
        org_name: org.name.clone(),
        heading,
        action,
        back: format!("/organisasi/{org_id}/program"),
        form,
        levels,
        parents,
        units,
        objectives,
        pagu,
        delete_action,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// Refuses unless the user may add items to at least one unit.
fn may_add_any(user: &User, org_id: i64, org: &Organisation) -> Result<(), Error> {
    let mut first = None;
    for u in &org.units {
        match may_edit(user, org_id, org, &u.key) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or_else(|| {
        Error::unprocessable("Organisasi ini belum memiliki unit kerja untuk diberi program.")
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// Prefill: the parent's code (`?induk=2.18.01`).
    #[serde(default)]
    induk: String,
}

/// `GET /organisasi/{id}/program/baru`.
pub async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<NewQuery>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    may_add_any(&current.user, id, &org)?;
    let mut form = ProgramInput {
        level: ProgramLevel::Program.as_str().into(),
        ..ProgramInput::default()
    };
    if let Some(parent) = org.programs.iter().find(|p| p.code == q.induk.trim()) {
        form.parent = parent.code.clone();
        form.unit = parent.unit.to_string();
        form.level = match parent.level {
            ProgramLevel::Program => ProgramLevel::Kegiatan,
            _ => ProgramLevel::SubKegiatan,
        }
        .as_str()
        .into();
    }
    form_page(&current, id, &org, None, form, Vec::new())
}

/// A store refusal as a form error (the domain's messages name the item and the field).
fn refusal(e: StoreError) -> Result<Vec<(String, String)>, Error> {
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) => Ok(vec![("_".into(), capitalise(&m))]),
        other => Err(other.into()),
    }
}

/// Saves a new item or changes `editing`; 422 with the form on any refusal.
async fn save(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    org: &Organisation,
    editing: Option<&Program>,
    pairs: &[(String, String)],
) -> Result<Response, Error> {
    let user = &current.user;
    let input = ProgramInput::from_pairs(pairs);
    let program = match input.check(org, &pagu_years(org, editing)) {
        Ok(p) => p,
        Err(errors) => return form_page(current, id, org, editing, input, errors),
    };
    may_edit(user, id, org, &program.unit)?;
    // Keep pagu of years the form does not show (outside the Renstra period) untouched.
    let mut program = program;
    if let Some(old) = editing {
        let shown = pagu_years(org, editing);
        for (y, v) in &old.pagu {
            if !shown.contains(y) {
                program.pagu.insert(*y, *v);
            }
        }
    }
    match state
        .store
        .save_program(
            &user.username,
            id,
            editing.map(|p| p.code.as_str()),
            &program,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}&pesan=disimpan",
            list_path(id, default_year(org))
        ))
        .into_response()),
        Err(e) => {
            let errors = refusal(e)?;
            form_page(current, id, org, editing, input, errors)
        }
    }
}

/// `POST /organisasi/{id}/program/baru`.
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    may_add_any(&current.user, id, &org)?;
    save(&state, &current, id, &org, None, &pairs).await
}

/// `GET /organisasi/{id}/program/{code}/ubah`.
pub async fn edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let p = find(&org, &code)?;
    may_edit(&current.user, id, &org, &p.unit)?;
    form_page(&current, id, &org, Some(p), ProgramInput::of(p), Vec::new())
}

/// `POST /organisasi/{id}/program/{code}/ubah`.
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let p = find(&org, &code)?;
    may_edit(&current.user, id, &org, &p.unit)?;
    save(&state, &current, id, &org, Some(p), &pairs).await
}

/// `POST /organisasi/{id}/program/{code}/hapus`.
pub async fn delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let p = find(&org, &code)?;
    may_edit(&current.user, id, &org, &p.unit)?;
    match state
        .store
        .delete_program(&current.user.username, id, &p.code)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}&pesan=dihapus",
            list_path(id, default_year(&org))
        ))
        .into_response()),
        Err(e) => {
            let mut errors = refusal(e)?;
            errors[0].1 = format!("Tidak dihapus: {}", errors[0].1);
            form_page(&current, id, &org, Some(p), ProgramInput::of(p), errors)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Realised budget.

struct QuarterInput {
    n: u8,
    label: &'static str,
    value: String,
    rolled_up: String,
}

#[derive(Template)]
#[template(path = "program_realisasi.html")]
struct RealisationPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    code: String,
    name: String,
    level: &'static str,
    unit_name: String,
    year: i32,
    years: Vec<(i32, String)>,
    action: String,
    pagu: String,
    realised: String,
    serapan: String,
    has_children: bool,
    inputs: Vec<QuarterInput>,
    can_edit: bool,
    read_only_reason: Option<String>,
    errors: Vec<(String, String)>,
    notice: bool,
}

impl RealisationPage {
    fn error(&self, n: &u8) -> Option<&str> {
        let field = format!("tw{n}");
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn general_error(&self) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == "_")
            .map(|(_, m)| m.as_str())
    }
}

const QUARTERS: [&str; 4] = ["TW I", "TW II", "TW III", "TW IV"];

fn realisation_path(org_id: i64, code: &str, year: i32) -> String {
    format!("/organisasi/{org_id}/program/{code}/realisasi/{year}")
}

#[allow(clippy::too_many_arguments)]
fn realisation_page(
    current: &CurrentUser,
    org_id: i64,
    org: &Organisation,
    p: &Program,
    year: i32,
    spent: &HashMap<String, BudgetYear>,
    typed: Option<&[String; 4]>,
    errors: Vec<(String, String)>,
    notice: bool,
) -> Result<Response, Error> {
    let own = spent.get(&p.code).copied().unwrap_or_default();
    let rolled = realised(&org.programs, spent, &p.code);
    let has_children = org
        .programs
        .iter()
        .any(|c| c.parent.as_deref() == Some(p.code.as_str()));
    let pagu = budget(&org.programs, &p.code, year);
    let total = rolled.total();
    let inputs = (0..4)
        .map(|i| QuarterInput {
            n: i as u8 + 1,
            label: QUARTERS[i],
            value: match typed {
                Some(t) => t[i].clone(),
                None => own.quarters[i].map(amount_text).unwrap_or_default(),
            },
            rolled_up: rupiah_opt(rolled.quarters[i]),
        })
        .collect();
    let permitted = may_enter(&current.user, org_id, org, &p.unit);
    let years = org
        .renstra
        .map(|r| {
            r.years()
                .map(|y| (y, realisation_path(org_id, &p.code, y)))
                .collect()
        })
        .unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = RealisationPage {
        layout: Layout::for_user(
            current,
            format!("Realisasi anggaran {} {year}", p.code),
            "organisasi",
        ),
        org_id,
        org_name: org.name.clone(),
        code: p.code.clone(),
        name: p.name.clone(),
        level: p.level.label(),
        unit_name: org
            .unit(&p.unit)
            .map_or_else(|| p.unit.to_string(), |u| u.name.clone()),
        year,
        years,
        action: realisation_path(org_id, &p.code, year),
        pagu: rupiah_opt(pagu),
        realised: rupiah_opt(total),
        serapan: percent_opt(absorption(pagu, total)),
        has_children,
        inputs,
        can_edit: permitted.is_ok(),
        read_only_reason: permitted.err().map(|e| match e {
            Error::Forbidden(m) => m,
            other => format!("{other:?}"),
        }),
        errors,
        notice,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    pesan: String,
}

/// `GET /organisasi/{id}/program/{code}/realisasi/{year}`.
pub async fn realisation_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code, year)): Path<(i64, String, i32)>,
    Query(n): Query<Notice>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let p = find(&org, &code)?;
    check_year(&org, year)?;
    let spent = state.store.budget_realisations(id, year).await?;
    realisation_page(
        &current,
        id,
        &org,
        p,
        year,
        &spent,
        None,
        Vec::new(),
        n.pesan == "disimpan",
    )
}

/// `POST /organisasi/{id}/program/{code}/realisasi/{year}`: fields `tw1`…`tw4` (empty
/// clears). All four are checked before any is saved; then every changed quarter in one transaction.
pub async fn realisation_save(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code, year)): Path<(i64, String, i32)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let org = readable(&state, &current, id).await?;
    let p = find(&org, &code)?;
    check_year(&org, year)?;
    may_enter(&current.user, id, &org, &p.unit)?;
    let typed: [String; 4] = std::array::from_fn(|i| {
        let field = format!("tw{}", i + 1);
        pairs
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    });
    let spent = state.store.budget_realisations(id, year).await?;
    let mut values = [None; 4];
    let mut errors = Vec::new();
    for (i, text) in typed.iter().enumerate() {
        match parse_amount(text, &format!("Realisasi {}", QUARTERS[i])) {
            Ok(v) => values[i] = v,
            Err(m) => errors.push((format!("tw{}", i + 1), m)),
        }
    }
    if !errors.is_empty() {
        return realisation_page(
            &current,
            id,
            &org,
            p,
            year,
            &spent,
            Some(&typed),
            errors,
            false,
        );
    }
    // Every changed quarter in one audited transaction: all saved, or none.
    let own = spent.get(&p.code).copied().unwrap_or_default();
    let batch = pokin_domain::measure::MeasurementBatch {
        budget_realisations: values
            .iter()
            .zip(1u8..)
            .filter(|(v, q)| own.quarters[usize::from(*q) - 1] != **v)
            .map(|(v, q)| (p.code.clone(), year, q, *v))
            .collect(),
        ..Default::default()
    };
    if let Err(e) = state
        .store
        .apply_measurements(&current.user.username, id, &batch)
        .await
    {
        let errors = refusal(e)?;
        return realisation_page(
            &current,
            id,
            &org,
            p,
            year,
            &spent,
            Some(&typed),
            errors,
            false,
        );
    }
    Ok(Redirect::to(&format!(
        "{}?pesan=disimpan",
        realisation_path(id, &p.code, year)
    ))
    .into_response())
}
