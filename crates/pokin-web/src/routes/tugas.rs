//! "Tugas saya": what waits for the logged-in user, each item linking to the page to act on.
//!
//! - Operator: indicators in scope without a realisation for the current open period (the
//!   earliest quarter of this year that is not closed, up to the current quarter; for monthly
//!   indicators the months of it that have begun), drafts not yet submitted, and realisations
//!   returned (with the reason).
//! - Verifikator: realisations submitted (*diajukan*) in scope.
//! - Perencana: reopen requests waiting for a decision, quarters that have ended but are
//!   not closed, and (organisation-wide perencana of a pemda member) Bappeda's open review
//!   notes on its tree, links Bappeda proposed to it and crosscutting asked of it.
//! - Admin: what a verifikator and a perencana would see, in every organisation.
//!
//! Who sees an item is decided by [`can`] with the action the item asks for. The navigation
//! shows the count, loaded by htmx from `/tugas/jumlah` so that pages do not wait for it.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::routes::periode::{quarter_end, quarter_of, reporting_years};
use crate::routes::realisasi::{Badge, badge, indicator_at, indicator_path, today, when};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use pokin_domain::Organisation;
use pokin_domain::capaian::Periodisation;
use pokin_domain::measure::{IndicatorKey, Period, ReopenStatus, Status, periodisation_of};
use pokin_store::{RealisationRecord, Role, User};
use std::collections::HashSet;

/// One thing to do.
pub(crate) struct Task {
    /// A stable kind for tests and the browser: `belum-diisi`, `draf`, `dikembalikan`,
    /// `diajukan`, `buka-kembali`, `tutup-periode`.
    pub kind: &'static str,
    pub title: String,
    pub detail: Option<String>,
    pub href: String,
    pub badge: Option<Badge>,
}

pub(crate) struct TaskGroup {
    pub id: &'static str,
    pub heading: String,
    pub items: Vec<Task>,
}

/// What Bappeda left for organisation `org_id`: its open review notes (`catatan-reviu`), the
/// links Bappeda proposed to it (`tautan-rpjmd`) and the crosscutting asked of it
/// (`crosscutting`), each linking to its RPJMD page.
async fn pemda_tasks(
    state: &AppState,
    org_id: i64,
    pemda_id: i64,
    prefix: &str,
    out: &mut Vec<Task>,
) -> Result<(), Error> {
    use pokin_domain::pemda::{LinkSide, LinkStatus};
    let page = format!("/organisasi/{org_id}/rpjmd");
    for n in state.store.review_notes(pemda_id).await? {
        if n.open && n.org_id == Some(org_id) {
            out.push(Task {
                kind: "catatan-reviu",
                title: format!(
                    "{prefix}Catatan reviu pada {} {}",
                    n.unit.as_ref().map_or("", |u| u.as_str()),
                    n.code
                ),
                detail: Some(n.body.clone()),
                href: format!("{page}#catatan-{}", n.id),
                badge: None,
            });
        }
    }
    for l in state.store.links(pemda_id).await? {
        if l.org_id == org_id
            && l.status == LinkStatus::Diusulkan
            && l.proposed_by == LinkSide::Pemda
        {
            out.push(Task {
                kind: "tautan-rpjmd",
                title: format!(
                    "{prefix}Tautan ke sasaran daerah {} menunggu jawaban",
                    l.target.node
                ),
                detail: None,
                href: format!("{page}#tautan-{}", l.id),
                badge: None,
            });
        }
    }
    for c in state.store.crosscuts(pemda_id).await? {
        if c.to_org == org_id && c.status == LinkStatus::Diusulkan {
            out.push(Task {
                kind: "crosscutting",
                title: format!("{prefix}Permintaan crosscutting untuk {}", c.from.label()),
                detail: c.note.clone(),
                href: format!("{page}#crosscutting-{}", c.id),
                badge: None,
            });
        }
    }
    Ok(())
}

/// What the user does in the workflow, by role.
fn duties(user: &User) -> (bool, bool, bool) {
    match user.role {
        Role::Operator => (true, false, false),
        Role::Verifikator => (false, true, false),
        Role::Perencana => (false, false, true),
        Role::Admin => (false, true, true),
        _ => (false, false, false),
    }
}

fn realisation_href(org_id: i64, r: &RealisationRecord) -> String {
    format!(
        "{}/realisasi/{}",
        indicator_path(org_id, &r.indicator.unit, &r.indicator.code),
        r.period.slug()
    )
}

fn indicator_name(org: &Organisation, key: &IndicatorKey) -> String {
    indicator_at(org, key).map_or_else(String::new, |i| i.name.clone())
}

/// The name of the indicator's unit (its key when the unit is gone).
fn unit_name(org: &Organisation, key: &IndicatorKey) -> String {
    org.unit(&key.unit)
        .map_or_else(|| key.unit.to_string(), |u| u.name.clone())
}

/// Whether `user` may do `action` on the unit of `key` (an indicator of a deleted unit: no).
fn may(user: &User, action: Action, org_id: i64, org: &Organisation, key: &IndicatorKey) -> bool {
    org.unit(&key.unit).is_some() && can(user, action, Target::indicator(org_id, org, key)).is_ok()
}

/// The current open period's quarter: the earliest quarter of this year not closed, up to the
/// current one.
fn open_quarter(closed: &HashSet<(i32, u8)>, year: i32, current: u8) -> Option<u8> {
    (1..=current).find(|q| !closed.contains(&(year, *q)))
}

/// Everything waiting for `user`, grouped.
pub(crate) async fn tasks(state: &AppState, user: &User) -> Result<Vec<TaskGroup>, Error> {
    let (enters, verifies, plans) = duties(user);
    let mut entry = Vec::new();
    let mut returned = Vec::new();
    let mut drafts = Vec::new();
    let mut submitted = Vec::new();
    let mut reopen = Vec::new();
    let mut due = Vec::new();
    let mut notes = Vec::new();
    if !(enters || verifies || plans) {
        return Ok(Vec::new());
    }
    let org_ids: Vec<i64> = match user.org_id {
        Some(id) => vec![id],
        None => state
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect(),
    };
    let now = today();
    let many = org_ids.len() > 1;
    for org_id in org_ids {
        if can(user, Action::Read, Target::Org(org_id)).is_err() {
            continue;
        }
        let org = match state.store.load_organisation(org_id).await {
            Ok(o) => o,
            Err(pokin_store::StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let prefix = if many {
            format!("{} · ", org.name)
        } else {
            String::new()
        };
        if plans
            && can(user, Action::LinkObjectives, Target::Org(org_id)).is_ok()
            && let Some(pemda_id) = state.store.pemda_of(org_id).await?
        {
            pemda_tasks(state, org_id, pemda_id, &prefix, &mut notes).await?;
        }
        let closed: HashSet<(i32, u8)> = state
            .store
            .closed_periods(org_id)
            .await?
            .into_iter()
            .map(|c| (c.year, c.quarter))
            .collect();
        let years: Vec<i32> = reporting_years(&org)
            .into_iter()
            .filter(|y| *y <= now.year())
            .collect();
        if enters || verifies {
            for year in &years {
                let measured = state.store.year_measurements(org_id, *year).await?;
                if enters && *year == now.year() {
                    missing_entries(
                        user,
                        org_id,
                        &org,
                        &closed,
                        &measured.realisations,
                        &prefix,
                        &mut entry,
                    );
                }
                for r in &measured.realisations {
                    let name = indicator_name(&org, &r.indicator);
                    let title = format!(
                        "{prefix}{} · {} — {}",
                        r.indicator.code,
                        r.period.label(),
                        unit_name(&org, &r.indicator)
                    );
                    let task = |kind, detail| Task {
                        kind,
                        title: title.clone(),
                        detail,
                        href: realisation_href(org_id, r),
                        badge: Some(badge(Some(r.status))),
                    };
                    let may_enter = || {
                        enters
                            && !r.locked
                            && may(user, Action::EnterRealisation, org_id, &org, &r.indicator)
                    };
                    match r.status {
                        Status::Draft if may_enter() => {
                            drafts.push(task("draf", Some(name)));
                        }
                        Status::Dikembalikan if may_enter() => {
                            returned.push(task(
                                "dikembalikan",
                                Some(format!(
                                    "Alasan: {}",
                                    r.return_reason.as_deref().unwrap_or("-")
                                )),
                            ));
                        }
                        Status::Diajukan
                            if verifies
                                && !r.locked
                                && may(user, Action::Verify, org_id, &org, &r.indicator) =>
                        {
                            submitted.push(task("diajukan", Some(name)));
                        }
                        _ => {}
                    }
                }
            }
        }
        if plans {
            for q in state.store.reopen_requests(org_id, true).await? {
                let target = Target::indicator(org_id, &org, &q.indicator);
                let allowed = can(user, Action::DecideReopen, target).is_ok();
                if q.status == ReopenStatus::Menunggu && allowed {
                    reopen.push(Task {
                        kind: "buka-kembali",
                        title: format!(
                            "{prefix}{} · {} — {}",
                            q.indicator.code,
                            q.period.label(),
                            unit_name(&org, &q.indicator)
                        ),
                        detail: Some(format!(
                            "{} ({}): {}",
                            q.requested_by,
                            when(q.requested_at),
                            q.reason
                        )),
                        href: format!("/organisasi/{org_id}/periode#permintaan-{}", q.id),
                        badge: None,
                    });
                }
            }
            if can(user, Action::ClosePeriod, Target::Org(org_id)).is_ok() {
                for year in &years {
                    for q in 1..=4u8 {
                        if !closed.contains(&(*year, q)) && now >= quarter_end(*year, q) {
                            due.push(Task {
                                kind: "tutup-periode",
                                title: format!(
                                    "{prefix}{} {year}",
                                    Periodisation::Triwulan.label(usize::from(q))
                                ),
                                detail: Some(
                                    "Triwulan sudah berakhir tetapi belum ditutup.".to_owned(),
                                ),
                                href: format!("/organisasi/{org_id}/periode#tahun-{year}"),
                                badge: None,
                            });
                        }
                    }
                }
            }
        }
    }
    let groups = [
        (
            "dikembalikan",
            "Dikembalikan verifikator — perlu diperbaiki",
            returned,
        ),
        ("belum-diisi", "Belum diisi untuk periode berjalan", entry),
        ("draf", "Draf yang belum diajukan", drafts),
        ("diajukan", "Menunggu verifikasi Anda", submitted),
        (
            "buka-kembali",
            "Permintaan buka kembali menunggu keputusan",
            reopen,
        ),
        (
            "tutup-periode",
            "Triwulan yang sudah lewat tetapi belum ditutup",
            due,
        ),
        ("rpjmd", "Tautan RPJMD dan catatan reviu Bappeda", notes),
    ];
    Ok(groups
        .into_iter()
        .filter(|(_, _, items)| !items.is_empty())
        .map(|(id, heading, items)| TaskGroup {
            id,
            heading: format!(
                "{heading} ({})",
                pokin_domain::format::number(items.len() as f64, 0)
            ),
            items,
        })
        .collect())
}

/// Indicators in the operator's scope without a realisation for the current open period.
fn missing_entries(
    user: &User,
    org_id: i64,
    org: &Organisation,
    closed: &HashSet<(i32, u8)>,
    realisations: &[RealisationRecord],
    prefix: &str,
    out: &mut Vec<Task>,
) {
    let now = today();
    let year = now.year();
    let Some(q) = open_quarter(closed, year, quarter_of(now)) else {
        return;
    };
    let entered: HashSet<(&IndicatorKey, Period)> = realisations
        .iter()
        .map(|r| (&r.indicator, r.period))
        .collect();
    for u in &org.units {
        for i in u.objectives.iter().flat_map(|o| &o.indicators) {
            let key = IndicatorKey {
                unit: u.key.clone(),
                code: i.code.clone(),
            };
            if !may(user, Action::EnterRealisation, org_id, org, &key) {
                continue;
            }
            let periods: Vec<Period> = match periodisation_of(i) {
                Periodisation::Triwulan => Period::new(year, Periodisation::Triwulan, q)
                    .into_iter()
                    .collect(),
                Periodisation::Bulanan => {
                    let last = if q == quarter_of(now) {
                        now.month() as u8
                    } else {
                        q * 3
                    };
                    (q * 3 - 2..=last)
                        .filter_map(|m| Period::new(year, Periodisation::Bulanan, m).ok())
                        .collect()
                }
            };
            for p in periods {
                if entered.contains(&(&key, p)) {
                    continue;
                }
                out.push(Task {
                    kind: "belum-diisi",
                    title: format!("{prefix}{} · {} — {}", i.code, p.label(), u.name),
                    detail: Some(i.name.clone()),
                    href: format!(
                        "{}/realisasi/{}",
                        indicator_path(org_id, &u.key, &i.code),
                        p.slug()
                    ),
                    badge: Some(badge(None)),
                });
            }
        }
    }
}

#[derive(Template)]
#[template(path = "tugas.html")]
struct TasksPage {
    layout: Layout,
    groups: Vec<TaskGroup>,
    total: usize,
    role: &'static str,
}

/// `GET /tugas`.
pub async fn page(State(state): State<AppState>, current: CurrentUser) -> Result<Response, Error> {
    let groups = tasks(&state, &current.user).await?;
    let total = groups.iter().map(|g| g.items.len()).sum();
    Ok(render(&TasksPage {
        layout: Layout::for_user(&current, "Tugas saya", "tugas"),
        groups,
        total,
        role: current.user.role.label(),
    })?
    .into_response())
}

/// `GET /tugas/jumlah`: the navigation's count badge (an htmx fragment).
pub async fn count(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Html<String>, Error> {
    let n: usize = tasks(&state, &current.user)
        .await?
        .iter()
        .map(|g| g.items.len())
        .sum();
    Ok(Html(if n == 0 {
        r#"<span class="nav-count" id="jumlah-tugas" data-count="0"></span>"#.to_owned()
    } else {
        format!(
            r#"<span class="nav-count badge" id="jumlah-tugas" data-count="{n}" aria-label="{n} tugas menunggu">{n}</span>"#
        )
    }))
}
