//! Rencana Aksi: an indicator's targets per period of a year (TW I–IV, or twelve months for a
//! monthly indicator), next to the year's Renstra target; for a *kumulatif* indicator the sum of
//! the periods is compared with the year's target as a hint.
//!
//! [`set_targets`] is shared with the JSON API: [`Action::EditTargets`] (the tree-editing rule)
//! on the indicator's unit, then every value checked (422 by field), then one audited store call.

use crate::auth::CurrentUser;
use crate::permission::Action;
use crate::routes::edit::capitalise;
use crate::routes::realisasi::{Located, locate};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pokin_domain::capaian::Periodisation;
use pokin_domain::format;
use pokin_domain::measure::{Period, aggregation_of};
use pokin_domain::{Aggregation, TargetValue};
use pokin_store::User;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Refuses a year outside the Renstra period (422), or one that is not a year.
pub(crate) fn check_year(loc: &Located, year: i32) -> Result<(), Error> {
    if let Some(r) = loc.org.renstra
        && !r.years().contains(&year)
    {
        return Err(Error::field(
            "tahun",
            format!(
                "Tahun {year} di luar periode Renstra {}–{}.",
                r.start, r.end
            ),
        ));
    }
    if !(1900..=9999).contains(&year) {
        return Err(Error::not_found(format!("Tahun {year} tidak masuk akal.")));
    }
    Ok(())
}

/// Sets the targets given (period number 1–4 or 1–12 → text as typed; empty clears it).
pub(crate) async fn set_targets(
    state: &AppState,
    user: &User,
    loc: &Located,
    year: i32,
    values: &BTreeMap<u8, String>,
) -> Result<(), Error> {
    loc.may(user, Action::EditTargets)?;
    check_year(loc, year)?;
    let periodisation = loc.periodisation();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut targets = Vec::new();
    for (n, text) in values {
        let field = format!("p{n}");
        let period = match Period::new(year, periodisation, *n) {
            Ok(p) => p,
            Err(m) => {
                fields.push((field, capitalise(&m) + "."));
                continue;
            }
        };
        match format::parse_value(text) {
            Ok(v) => targets.push((period, v)),
            Err(m) => fields.push((field, capitalise(&m))),
        }
    }
    if !fields.is_empty() {
        return Err(Error::fields(fields));
    }
    state
        .store
        .set_period_targets(&user.username, loc.org_id, &loc.key, &targets)
        .await
        .map_err(|e| match e {
            pokin_store::StoreError::Invalid(m) | pokin_store::StoreError::Conflict(m) => {
                Error::unprocessable(capitalise(&m))
            }
            other => other.into(),
        })
}

/// The sum of numeric targets against the year's target, for *kumulatif* indicators.
pub(crate) fn cumulative_hint(
    loc: &Located,
    year: i32,
    targets: &[Option<TargetValue>],
) -> Option<(String, bool)> {
    if aggregation_of(&loc.indicator) != Aggregation::Kumulatif {
        return None;
    }
    let numbers: Vec<f64> = targets
        .iter()
        .flatten()
        .filter_map(|t| match t {
            TargetValue::Number(n) => Some(*n),
            _ => None,
        })
        .collect();
    if numbers.is_empty() {
        return None;
    }
    let sum: f64 = numbers.iter().sum();
    let satuan = loc.indicator.satuan.as_deref();
    let shown = format::target(&TargetValue::Number(sum), satuan, loc.indicator.decimals);
    let label = match loc.periodisation() {
        Periodisation::Triwulan => "Jumlah target TW I–IV",
        Periodisation::Bulanan => "Jumlah target Januari–Desember",
    };
    Some(match loc.indicator.targets.get(&year) {
        Some(TargetValue::Number(y)) => {
            let matches = (sum - y).abs() < 1e-9;
            let year_shown =
                format::target(&TargetValue::Number(*y), satuan, loc.indicator.decimals);
            (
                format!(
                    "{label}: {shown}; target tahun {year}: {year_shown}{}",
                    if matches {
                        " — sudah sama."
                    } else {
                        " — belum sama (indikator kumulatif: jumlah target periode biasanya sama dengan target tahunan)."
                    }
                ),
                matches,
            )
        }
        _ => (format!("{label}: {shown}."), true),
    })
}

// ---------------------------------------------------------------------------------------------
// The page.

struct TargetInput {
    n: u8,
    label: String,
    value: String,
    realisation_href: String,
}

#[derive(Template)]
#[template(path = "rencana_aksi.html")]
struct TargetsPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    unit_key: String,
    unit_name: String,
    code: String,
    name: String,
    satuan: String,
    indicator_href: String,
    action: String,
    year: i32,
    years: Vec<(i32, String)>,
    year_target: Option<String>,
    monthly: bool,
    inputs: Vec<TargetInput>,
    hint: Option<(String, bool)>,
    can_edit: bool,
    read_only_reason: Option<String>,
    errors: Vec<(String, String)>,
    notice: bool,
}

impl TargetsPage {
    fn error(&self, n: &u8) -> Option<&str> {
        let field = format!("p{n}");
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
    fn general_error(&self) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| !f.starts_with('p'))
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetsNotice {
    #[serde(default)]
    pesan: String,
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    loc: &Located,
    year: i32,
    typed: Option<BTreeMap<u8, String>>,
    errors: Vec<(String, String)>,
    notice: bool,
) -> Result<Response, Error> {
    let stored = crate::routes::realisasi::period_targets(state, loc, year).await?;
    let periodisation = loc.periodisation();
    let inputs = Period::all(year, periodisation)
        .map(|p| TargetInput {
            n: p.n,
            label: periodisation.label(usize::from(p.n)),
            value: match &typed {
                Some(t) => t.get(&p.n).cloned().unwrap_or_default(),
                None => stored[usize::from(p.n) - 1]
                    .as_ref()
                    .map(format::value_text)
                    .unwrap_or_default(),
            },
            realisation_href: loc.realisation_path(p),
        })
        .collect();
    let can_edit = loc.allowed(&current.user, Action::EditTargets);
    let read_only_reason = loc.denial(&current.user, Action::EditTargets);
    let years = loc
        .org
        .renstra
        .map(|r| {
            r.years()
                .map(|y| (y, loc.targets_path(y)))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page =
        TargetsPage {
            layout: Layout::for_user(
                current,
                format!("Rencana Aksi {} {year}", loc.key.code),
                "realisasi",
            ),
            org_id: loc.org_id,
            org_name: loc.org.name.clone(),
            unit_key: loc.key.unit.to_string(),
            unit_name: loc.unit.name.clone(),
            code: loc.key.code.to_string(),
            name: loc.indicator.name.clone(),
            satuan: loc.indicator.satuan.clone().unwrap_or_default(),
            indicator_href: loc.path(),
            action: loc.targets_path(year),
            year,
            years,
            year_target: loc.indicator.targets.get(&year).map(|t| {
                format::target(t, loc.indicator.satuan.as_deref(), loc.indicator.decimals)
            }),
            monthly: periodisation == Periodisation::Bulanan,
            inputs,
            hint: cumulative_hint(loc, year, &stored),
            can_edit,
            read_only_reason,
            errors,
            notice,
        };
    Ok((status, render(&page)?).into_response())
}

/// `GET /organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}`.
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, unit, code, year)): Path<(i64, String, String, i32)>,
    Query(n): Query<TargetsNotice>,
) -> Result<Response, Error> {
    let loc = locate(&state, &current.user, id, &unit, &code).await?;
    check_year(&loc, year)?;
    page(
        &state,
        &current,
        &loc,
        year,
        None,
        Vec::new(),
        n.pesan == "disimpan",
    )
    .await
}

/// The submitted fields `p1`…`p12` (anything else is ignored).
fn typed(pairs: &[(String, String)]) -> BTreeMap<u8, String> {
    pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('p')?.parse::<u8>().ok()?, v.clone())))
        .collect()
}

/// `POST /organisasi/{id}/indikator/{unit}/{code}/rencana-aksi/{year}`.
pub async fn save(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, unit, code, year)): Path<(i64, String, String, i32)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let loc = locate(&state, &current.user, id, &unit, &code).await?;
    let values = typed(&pairs);
    match set_targets(&state, &current.user, &loc, year, &values).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("{}?pesan=disimpan", loc.targets_path(year))).into_response())
        }
        Err(Error::Unprocessable {
            message,
            mut fields,
        }) => {
            if fields.is_empty() {
                fields.push(("_".into(), message));
            }
            page(&state, &current, &loc, year, Some(values), fields, false).await
        }
        Err(other) => Err(other),
    }
}
