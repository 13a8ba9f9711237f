//! Editing an organisation's tree from the browser: units, officials, objectives, indicators
//! (the full *manual IK* with Renstra targets), cascade links and order.
//!
//! Every form is a plain `GET` (the form) + `POST` (the change) pair that works without
//! JavaScript; htmx only makes the cascade-link page update in place. A successful `POST`
//! redirects (303) to the unit page with `?pesan=CODE`, which the page shows as a confirmation.
//! Invalid input re-renders the form with status 422, the user's input kept and an Indonesian
//! message next to each field.
//!
//! The checks and the store calls live in the `apply_*` functions, shared with the JSON API
//! (`api_edit`): permission first ([`may_edit`], i.e. [`can`] with [`Action::EditTree`] on the
//! unit concerned), then the input, then one store transaction (which re-validates the whole
//! tree and writes one audit record).

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can, in_subtree};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use pokin_domain::capaian::Periodisation;
use pokin_domain::format::{parse_number, parse_value, value_text};
use pokin_domain::{
    Aggregation, Appointment, Code, Indicator, Nip, Objective, Official, Polarity, TargetValue,
    Unit, UnitKey, UnitKind, format,
};
use pokin_store::{
    Direction, IndicatorSpec, ObjectiveIds, ObjectiveInput, StoreError, TreeWithIds, UnitIds,
    UnitInput, User,
};
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// Loading, finding and permission.

/// The organisation's tree with ids, if the user may read it (403 for another organisation,
/// 404 for one that does not exist).
pub(crate) async fn load(state: &AppState, user: &User, id: i64) -> Result<TreeWithIds, Error> {
    can(user, Action::Read, Target::Org(id))?;
    state
        .store
        .load_tree_with_ids(id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => {
                Error::not_found(format!("Organisasi dengan id {id} tidak ada."))
            }
            other => other.into(),
        })
}

/// Refuses unless the user may edit `unit` (and so its officials, objectives, indicators and
/// the cascade links from its objectives).
pub(crate) fn may_edit(user: &User, tree: &TreeWithIds, unit: &UnitKey) -> Result<(), Error> {
    Ok(can(
        user,
        Action::EditTree,
        Target::Unit {
            org_id: tree.org_id,
            org: &tree.organisation,
            unit,
        },
    )?)
}

/// Refuses unless the user may change the organisation as a whole (e.g. add a top unit).
fn may_edit_org(user: &User, tree: &TreeWithIds) -> Result<(), Error> {
    Ok(can(user, Action::EditTree, Target::Org(tree.org_id))?)
}

pub(crate) struct UnitRef<'a> {
    pub ids: &'a UnitIds,
    pub unit: &'a Unit,
}

pub(crate) struct ObjectiveRef<'a> {
    pub unit: UnitRef<'a>,
    pub ids: &'a ObjectiveIds,
    pub objective: &'a Objective,
}

pub(crate) struct IndicatorRef<'a> {
    pub objective: ObjectiveRef<'a>,
    pub indicator: &'a Indicator,
}

fn gone(what: &str, id: impl std::fmt::Display) -> Error {
    Error::not_found(format!(
        "{what} {id} tidak ada dalam organisasi ini; mungkin sudah dihapus. Muat ulang halaman \
         unitnya."
    ))
}

pub(crate) fn unit_by_key<'a>(tree: &'a TreeWithIds, key: &str) -> Result<UnitRef<'a>, Error> {
    tree.iter_units()
        .find(|(_, u)| u.key.as_str() == key)
        .map(|(ids, unit)| UnitRef { ids, unit })
        .ok_or_else(|| gone("Unit", format!("'{key}'")))
}

pub(crate) fn unit_by_id(tree: &TreeWithIds, id: i64) -> Result<UnitRef<'_>, Error> {
    tree.iter_units()
        .find(|(ids, _)| ids.id == id)
        .map(|(ids, unit)| UnitRef { ids, unit })
        .ok_or_else(|| gone("Unit dengan id", id))
}

pub(crate) fn objective_by_id(tree: &TreeWithIds, id: i64) -> Result<ObjectiveRef<'_>, Error> {
    for (uids, unit) in tree.iter_units() {
        for (ids, objective) in uids.objectives.iter().zip(&unit.objectives) {
            if ids.id == id {
                return Ok(ObjectiveRef {
                    unit: UnitRef { ids: uids, unit },
                    ids,
                    objective,
                });
            }
        }
    }
    Err(gone("Sasaran dengan id", id))
}

pub(crate) fn indicator_by_id(tree: &TreeWithIds, id: i64) -> Result<IndicatorRef<'_>, Error> {
    for (uids, unit) in tree.iter_units() {
        for (oids, objective) in uids.objectives.iter().zip(&unit.objectives) {
            for (ids, indicator) in oids.indicators.iter().zip(&objective.indicators) {
                if ids.id == id {
                    return Ok(IndicatorRef {
                        objective: ObjectiveRef {
                            unit: UnitRef { ids: uids, unit },
                            ids: oids,
                            objective,
                        },
                        indicator,
                    });
                }
            }
        }
    }
    Err(gone("Indikator dengan id", id))
}

pub(crate) fn official_by_id(
    tree: &TreeWithIds,
    id: i64,
) -> Result<(UnitRef<'_>, &Official), Error> {
    for (uids, unit) in tree.iter_units() {
        if let Some(i) = uids.officials.iter().position(|o| *o == id) {
            return Ok((UnitRef { ids: uids, unit }, &unit.officials[i]));
        }
    }
    Err(gone("Pejabat dengan id", id))
}

/// A cascade link: the objective it starts from, and its weight.
pub(crate) fn support_by_id(
    tree: &TreeWithIds,
    id: i64,
) -> Result<(ObjectiveRef<'_>, i64, f64), Error> {
    for (uids, unit) in tree.iter_units() {
        for (oids, objective) in uids.objectives.iter().zip(&unit.objectives) {
            for (sids, s) in oids.supports.iter().zip(&objective.supports) {
                if sids.id == id {
                    return Ok((
                        ObjectiveRef {
                            unit: UnitRef { ids: uids, unit },
                            ids: oids,
                            objective,
                        },
                        sids.target_objective_id,
                        s.weight,
                    ));
                }
            }
        }
    }
    Err(gone("Dukungan dengan id", id))
}

// ---------------------------------------------------------------------------------------------
// Input: what forms and JSON bodies carry (text, as typed), checked into store inputs.

/// Field problems collected while checking a form.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|(f, _)| f == field) {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    fn finish(self) -> Result<(), Error> {
        if self.0.is_empty() {
            return Ok(());
        }
        Err(Error::fields(self.0))
    }
}

/// A store refusal attached to the field it is most likely about.
fn store_error(e: StoreError, field: &str) -> Error {
    match e {
        StoreError::Conflict(m) | StoreError::Invalid(m) => Error::field(field, capitalise(&m)),
        other => other.into(),
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Accepts a JSON string, number or boolean as text (forms send text; JSON clients may send
/// `"weight": 2`).
pub(crate) fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

/// Targets by year, each as text or a JSON number.
fn lenient_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<i32, String>, D::Error> {
    let map = BTreeMap::<i32, serde_json::Value>::deserialize(d)?;
    Ok(map
        .into_iter()
        .map(|(y, v)| {
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (y, text)
        })
        .collect())
}

/// A checkbox (`on`) or a JSON boolean.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) => matches!(s.as_str(), "on" | "true" | "1" | "ya"),
        serde_json::Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    })
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A unit's fields as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UnitForm {
    /// Unit key (lower case, digits, hyphens); empty when creating: made from the name.
    #[serde(deserialize_with = "lenient")]
    pub key: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// kepala, sekretariat, bidang, sub_bagian, seksi, upt, unnamed.
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// The parent unit's key; empty for a top unit.
    #[serde(deserialize_with = "lenient")]
    pub parent: String,
}

impl UnitForm {
    fn of(unit: &Unit) -> UnitForm {
        UnitForm {
            key: unit.key.to_string(),
            name: unit.name.clone(),
            kind: unit.kind.as_str().to_owned(),
            parent: unit
                .parent
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        }
    }

    /// Checks the fields against the tree; `editing` is the unit being changed.
    fn check(&self, tree: &TreeWithIds, editing: Option<&UnitRef<'_>>) -> Result<UnitInput, Error> {
        let mut p = Problems::default();
        let name = self.name.trim();
        if name.is_empty() {
            p.add(
                "name",
                "Nama unit wajib diisi, misalnya 'Bidang Tenaga Kerja'.",
            );
        }
        let key = if self.key.trim().is_empty() && editing.is_none() {
            pokin_domain::slugify(name)
        } else {
            UnitKey::parse(self.key.trim()).ok()
        };
        match &key {
            None if self.key.trim().is_empty() => p.add("key", "Kunci unit wajib diisi."),
            None => p.add(
                "key",
                "Kunci unit hanya boleh berisi huruf kecil, angka dan tanda hubung, misalnya \
                 bidang-tenaga-kerja.",
            ),
            Some(k) => {
                if tree
                    .units
                    .iter()
                    .any(|u| &u.key == k && Some(u.id) != editing.map(|e| e.ids.id))
                {
                    p.add(
                        "key",
                        format!("Kunci '{k}' sudah dipakai unit lain. Pilih kunci lain."),
                    );
                }
            }
        }
        let kind = UnitKind::from_str_opt(self.kind.trim());
        if kind.is_none() {
            p.add("kind", "Pilih jenis unit.");
        }
        let mut parent_id = None;
        if !self.parent.trim().is_empty() {
            match tree
                .units
                .iter()
                .find(|u| u.key.as_str() == self.parent.trim())
            {
                None => p.add("parent", "Unit induk tidak ada. Pilih dari daftar."),
                Some(parent) => {
                    if let Some(e) = editing
                        && in_subtree(&tree.organisation, &e.unit.key, &parent.key)
                    {
                        p.add(
                            "parent",
                            "Unit induk tidak boleh unit ini sendiri atau unit di bawahnya \
                             (akan membentuk lingkaran).",
                        );
                    }
                    parent_id = Some(parent.id);
                }
            }
        }
        p.finish()?;
        Ok(UnitInput {
            key: key.expect("checked"),
            name: name.to_owned(),
            kind: kind.expect("checked"),
            parent_id,
            position: None,
        })
    }
}

/// An official's fields as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OfficialForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// 18 digits; spaces are ignored.
    #[serde(deserialize_with = "lenient")]
    pub nip: String,
    #[serde(deserialize_with = "lenient")]
    pub pangkat: String,
    #[serde(deserialize_with = "lenient")]
    pub golongan: String,
    /// definitif, plt, plh.
    #[serde(deserialize_with = "lenient")]
    pub appointment: String,
    /// YYYY-MM-DD.
    #[serde(deserialize_with = "lenient")]
    pub since: String,
    /// YYYY-MM-DD.
    #[serde(deserialize_with = "lenient")]
    pub until: String,
}

impl OfficialForm {
    fn of(o: &Official) -> OfficialForm {
        OfficialForm {
            name: o.name.clone(),
            nip: o
                .nip
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
            pangkat: o.pangkat.clone().unwrap_or_default(),
            golongan: o.golongan.clone().unwrap_or_default(),
            appointment: o.appointment.as_str().to_owned(),
            since: o.since.map(|d| d.to_string()).unwrap_or_default(),
            until: o.until.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn check(&self) -> Result<Official, Error> {
        let mut p = Problems::default();
        if self.name.trim().is_empty() {
            p.add("name", "Nama pejabat wajib diisi.");
        }
        let nip = match opt(&self.nip) {
            None => None,
            Some(n) => match Nip::parse(&n) {
                Ok(n) => Some(n),
                Err(_) => {
                    p.add("nip", "NIP harus terdiri atas 18 angka (spasi boleh).");
                    None
                }
            },
        };
        let appointment = if self.appointment.trim().is_empty() {
            Some(Appointment::Definitif)
        } else {
            Appointment::from_str_opt(self.appointment.trim())
        };
        if appointment.is_none() {
            p.add("appointment", "Pilih definitif, Plt atau Plh.");
        }
        let mut date = |field: &str, s: &str| match opt(s) {
            None => None,
            Some(s) => match NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(&s, "%d-%m-%Y"))
                .or_else(|_| NaiveDate::parse_from_str(&s, "%d/%m/%Y"))
            {
                Ok(d) => Some(d),
                Err(_) => {
                    p.add(
                        field,
                        "Tanggal tidak sah; tulis seperti 2025-01-31 atau 31-01-2025.",
                    );
                    None
                }
            },
        };
        let since = date("since", &self.since);
        let until = date("until", &self.until);
        if let (Some(s), Some(u)) = (since, until)
            && u < s
        {
            p.add(
                "until",
                "Tanggal selesai tidak boleh sebelum tanggal mulai.",
            );
        }
        p.finish()?;
        Ok(Official {
            name: self.name.trim().to_owned(),
            nip,
            pangkat: opt(&self.pangkat),
            golongan: opt(&self.golongan),
            appointment: appointment.unwrap_or_default(),
            since,
            until,
        })
    }
}

/// An objective's fields as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ObjectiveForm {
    /// e.g. SS1.
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    #[serde(deserialize_with = "lenient")]
    pub statement: String,
}

impl ObjectiveForm {
    fn check(&self, unit: &UnitRef<'_>, editing: Option<i64>) -> Result<ObjectiveInput, Error> {
        let mut p = Problems::default();
        let code = Code::parse(&self.code).ok();
        match &code {
            None if self.code.trim().is_empty() => {
                p.add("code", "Kode sasaran wajib diisi, misalnya SS1.")
            }
            None => p.add(
                "code",
                "Kode tidak sah: gunakan huruf lalu angka, misalnya SS1 atau SP2.1.",
            ),
            Some(c) => {
                if unit
                    .ids
                    .objectives
                    .iter()
                    .any(|o| &o.code == c && Some(o.id) != editing)
                {
                    p.add(
                        "code",
                        format!("Kode {c} sudah dipakai sasaran lain di unit ini."),
                    );
                }
            }
        }
        if self.statement.trim().is_empty() {
            p.add("statement", "Pernyataan sasaran wajib diisi.");
        }
        p.finish()?;
        Ok(ObjectiveInput {
            code: code.expect("checked"),
            statement: self.statement.trim().to_owned(),
            position: None,
        })
    }
}

/// An indicator's specification and targets as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IndicatorForm {
    /// e.g. IK1.1 or IKU1.
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "flag")]
    pub iku: bool,
    #[serde(deserialize_with = "lenient")]
    pub satuan: String,
    /// positive, negative, range, or empty.
    #[serde(deserialize_with = "lenient")]
    pub polarity: String,
    /// kumulatif, nilai_akhir, rata_rata, or empty.
    #[serde(deserialize_with = "lenient")]
    pub aggregation: String,
    /// triwulan (also empty: the default) or bulanan.
    #[serde(deserialize_with = "lenient")]
    pub periodisation: String,
    #[serde(deserialize_with = "lenient")]
    pub definition: String,
    #[serde(deserialize_with = "lenient")]
    pub formula: String,
    #[serde(deserialize_with = "lenient")]
    pub data_source: String,
    #[serde(deserialize_with = "lenient")]
    pub responsible: String,
    /// A number (`85,5`), a band (`80–90`) or text.
    #[serde(deserialize_with = "lenient")]
    pub baseline: String,
    /// 0–6; empty for the default.
    #[serde(deserialize_with = "lenient")]
    pub decimals: String,
    /// Renstra targets by year: a number (`85,5`), a band (`80–90`) or text; empty for none.
    /// Replaces all of the indicator's targets.
    #[schema(value_type = BTreeMap<String, String>)]
    #[serde(deserialize_with = "lenient_map")]
    pub targets: BTreeMap<i32, String>,
}

impl IndicatorForm {
    pub(crate) fn of(i: &Indicator) -> IndicatorForm {
        IndicatorForm {
            code: i.code.to_string(),
            name: i.name.clone(),
            iku: i.iku,
            satuan: i.satuan.clone().unwrap_or_default(),
            polarity: i
                .polarity
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            aggregation: i
                .aggregation
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
            periodisation: i
                .periodisation
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            definition: i.definition.clone().unwrap_or_default(),
            formula: i.formula.clone().unwrap_or_default(),
            data_source: i.data_source.clone().unwrap_or_default(),
            responsible: i.responsible.clone().unwrap_or_default(),
            baseline: i.baseline.as_ref().map(value_text).unwrap_or_default(),
            decimals: i.decimals.map(|d| d.to_string()).unwrap_or_default(),
            targets: i.targets.iter().map(|(y, v)| (*y, value_text(v))).collect(),
        }
    }

    /// From a submitted form, whose targets come as `target_2025` fields.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> IndicatorForm {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        IndicatorForm {
            code: get("code"),
            name: get("name"),
            iku: matches!(get("iku").as_str(), "on" | "true" | "1"),
            satuan: get("satuan"),
            polarity: get("polarity"),
            aggregation: get("aggregation"),
            periodisation: get("periodisation"),
            definition: get("definition"),
            formula: get("formula"),
            data_source: get("data_source"),
            responsible: get("responsible"),
            baseline: get("baseline"),
            decimals: get("decimals"),
            targets: pairs
                .iter()
                .filter_map(|(k, v)| {
                    let year = k.strip_prefix("target_")?.parse::<i32>().ok()?;
                    Some((year, v.clone()))
                })
                .collect(),
        }
    }

    fn check(
        &self,
        tree: &TreeWithIds,
        unit: &UnitRef<'_>,
        editing: Option<i64>,
    ) -> Result<(IndicatorSpec, BTreeMap<i32, TargetValue>), Error> {
        self.parse(
            tree.organisation.renstra.map(|r| (r, "Renstra")),
            |c| {
                unit.ids
                    .objectives
                    .iter()
                    .flat_map(|o| &o.indicators)
                    .any(|i| &i.code == c && Some(i.id) != editing)
            },
            "di unit ini",
        )
    }

    /// The form's values, checked: targets inside `period` (named, e.g. `Renstra`), a code
    /// that `taken` does not refuse (`where_` says among which indicators). The one reading
    /// of the indicator form, for an OPD's tree and a pemda's RPJMD tree.
    pub(crate) fn parse(
        &self,
        period: Option<(pokin_domain::Renstra, &str)>,
        taken: impl Fn(&Code) -> bool,
        where_: &str,
    ) -> Result<(IndicatorSpec, BTreeMap<i32, TargetValue>), Error> {
        let mut p = Problems::default();
        let code = Code::parse(&self.code).ok();
        match &code {
            None if self.code.trim().is_empty() => {
                p.add("code", "Kode indikator wajib diisi, misalnya IK1.1.");
            }
            None => p.add(
                "code",
                "Kode tidak sah: gunakan huruf lalu angka, misalnya IK1.1 atau IKU1.",
            ),
            Some(c) => {
                if taken(c) {
                    p.add(
                        "code",
                        format!("Kode {c} sudah dipakai indikator lain {where_}."),
                    );
                }
            }
        }
        if self.name.trim().is_empty() {
            p.add("name", "Nama indikator wajib diisi.");
        }
        let polarity = opt(&self.polarity).map(|s| Polarity::from_str_opt(&s));
        if polarity == Some(None) {
            p.add("polarity", "Pilih polaritas dari daftar.");
        }
        let aggregation = opt(&self.aggregation).map(|s| Aggregation::from_str_opt(&s));
        if aggregation == Some(None) {
            p.add("aggregation", "Pilih cara agregasi dari daftar.");
        }
        let periodisation = opt(&self.periodisation).map(|s| Periodisation::from_str_opt(&s));
        if periodisation == Some(None) {
            p.add("periodisation", "Pilih periode pelaporan dari daftar.");
        }
        let baseline = match parse_value(&self.baseline) {
            Ok(v) => v,
            Err(m) => {
                p.add("baseline", capitalise(&m));
                None
            }
        };
        let decimals = match opt(&self.decimals) {
            None => None,
            Some(d) => match d.parse::<u8>() {
                Ok(n) if n <= 6 => Some(n),
                _ => {
                    p.add("decimals", "Jumlah desimal harus angka bulat 0 sampai 6.");
                    None
                }
            },
        };
        let mut targets = BTreeMap::new();
        for (year, text) in &self.targets {
            let field = format!("target_{year}");
            if let Some((r, name)) = period
                && !r.years().contains(year)
                && !text.trim().is_empty()
            {
                p.add(
                    &field,
                    format!("Tahun {year} di luar periode {name} {}–{}.", r.start, r.end),
                );
                continue;
            }
            match parse_value(text) {
                Ok(Some(v)) => {
                    targets.insert(*year, v);
                }
                Ok(None) => {}
                Err(m) => p.add(&field, capitalise(&m)),
            }
        }
        p.finish()?;
        Ok((
            IndicatorSpec {
                code: code.expect("checked"),
                name: self.name.trim().to_owned(),
                iku: self.iku,
                satuan: opt(&self.satuan),
                polarity: polarity.flatten(),
                aggregation: aggregation.flatten(),
                definition: opt(&self.definition),
                formula: opt(&self.formula),
                data_source: opt(&self.data_source),
                responsible: opt(&self.responsible),
                baseline,
                decimals,
                // Quarterly is the default and is stored as such (None).
                periodisation: periodisation
                    .flatten()
                    .filter(|p| *p != Periodisation::Triwulan),
                position: None,
            },
            targets,
        ))
    }
}

/// A cascade link's fields as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupportForm {
    /// The id of the objective that is supported (any unit of the organisation).
    #[serde(deserialize_with = "lenient")]
    pub target: String,
    /// A number greater than 0 (`1`, `0,5`).
    #[serde(deserialize_with = "lenient")]
    pub weight: String,
}

fn check_weight(text: &str, p: &mut Problems) -> Option<f64> {
    match parse_number(text) {
        Some(w) if w > 0.0 => Some(w),
        Some(_) => {
            p.add("weight", "Bobot harus lebih dari 0, misalnya 1 atau 0,5.");
            None
        }
        None if text.trim().is_empty() => {
            p.add("weight", "Bobot wajib diisi, misalnya 1.");
            None
        }
        None => {
            p.add("weight", "Bobot harus berupa angka, misalnya 1 atau 0,5.");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The changes, shared by the pages and the API: permission, input, one store call.

/// Adds a unit below `form.parent` (or at the top: then the whole organisation must be
/// editable). Returns the new id and key.
pub(crate) async fn apply_create_unit(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    form: &UnitForm,
) -> Result<(i64, UnitKey), Error> {
    match tree
        .units
        .iter()
        .find(|u| u.key.as_str() == form.parent.trim())
    {
        Some(parent) => may_edit(user, tree, &parent.key)?,
        None => may_edit_org(user, tree)?,
    }
    let input = form.check(tree, None)?;
    let id = state
        .store
        .create_unit(&user.username, tree.org_id, &input)
        .await
        .map_err(|e| store_error(e, "key"))?;
    Ok((id, input.key))
}

/// Changes a unit; the user must be allowed to edit the unit and its new parent.
pub(crate) async fn apply_update_unit(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    unit_id: i64,
    form: &UnitForm,
) -> Result<UnitKey, Error> {
    let unit = unit_by_id(tree, unit_id)?;
    may_edit(user, tree, &unit.unit.key)?;
    let parent_changes = form.parent.trim() != unit.unit.parent.as_ref().map_or("", |p| p.as_str());
    if parent_changes {
        match tree
            .units
            .iter()
            .find(|u| u.key.as_str() == form.parent.trim())
        {
            Some(parent) => may_edit(user, tree, &parent.key)?,
            None => may_edit_org(user, tree)?,
        }
    }
    let input = form.check(tree, Some(&unit))?;
    state
        .store
        .update_unit(&user.username, tree.org_id, unit_id, &input)
        .await
        .map_err(|e| store_error(e, "parent"))?;
    Ok(input.key)
}

/// Deletes a unit (refused while it has sub-units). Returns the parent's key, if any.
pub(crate) async fn apply_delete_unit(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    unit_id: i64,
) -> Result<Option<UnitKey>, Error> {
    let unit = unit_by_id(tree, unit_id)?;
    may_edit(user, tree, &unit.unit.key)?;
    if unit.unit.parent.is_none() {
        may_edit_org(user, tree)?;
    }
    state
        .store
        .delete_unit(&user.username, tree.org_id, unit_id)
        .await
        .map_err(|e| store_error(e, "confirm"))?;
    Ok(unit.unit.parent.clone())
}

pub(crate) async fn apply_move_unit(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    unit_id: i64,
    direction: Direction,
) -> Result<(), Error> {
    let unit = unit_by_id(tree, unit_id)?;
    match &unit.unit.parent {
        Some(p) => may_edit(user, tree, p)?,
        None => may_edit_org(user, tree)?,
    }
    state
        .store
        .move_unit(&user.username, tree.org_id, unit_id, direction)
        .await
        .map_err(|e| store_error(e, "direction"))
}

pub(crate) async fn apply_create_official(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    unit_id: i64,
    form: &OfficialForm,
) -> Result<i64, Error> {
    let unit = unit_by_id(tree, unit_id)?;
    may_edit(user, tree, &unit.unit.key)?;
    let official = form.check()?;
    state
        .store
        .create_official(&user.username, tree.org_id, unit_id, &official)
        .await
        .map_err(|e| store_error(e, "name"))
}

pub(crate) async fn apply_update_official(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    official_id: i64,
    form: &OfficialForm,
) -> Result<(), Error> {
    let (unit, _) = official_by_id(tree, official_id)?;
    may_edit(user, tree, &unit.unit.key)?;
    let official = form.check()?;
    state
        .store
        .update_official(&user.username, tree.org_id, official_id, &official)
        .await
        .map_err(|e| store_error(e, "name"))
}

pub(crate) async fn apply_delete_official(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    official_id: i64,
) -> Result<(), Error> {
    let (unit, _) = official_by_id(tree, official_id)?;
    may_edit(user, tree, &unit.unit.key)?;
    state
        .store
        .delete_official(&user.username, tree.org_id, official_id)
        .await
        .map_err(|e| store_error(e, "name"))
}

pub(crate) async fn apply_create_objective(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    unit_id: i64,
    form: &ObjectiveForm,
) -> Result<i64, Error> {
    let unit = unit_by_id(tree, unit_id)?;
    may_edit(user, tree, &unit.unit.key)?;
    let input = form.check(&unit, None)?;
    state
        .store
        .create_objective(&user.username, tree.org_id, unit_id, &input)
        .await
        .map_err(|e| store_error(e, "code"))
}

pub(crate) async fn apply_update_objective(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    objective_id: i64,
    form: &ObjectiveForm,
) -> Result<(), Error> {
    let o = objective_by_id(tree, objective_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    let input = form.check(&o.unit, Some(objective_id))?;
    state
        .store
        .update_objective(&user.username, tree.org_id, objective_id, &input)
        .await
        .map_err(|e| store_error(e, "code"))
}

pub(crate) async fn apply_delete_objective(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    objective_id: i64,
) -> Result<(), Error> {
    let o = objective_by_id(tree, objective_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    state
        .store
        .delete_objective(&user.username, tree.org_id, objective_id)
        .await
        .map_err(|e| store_error(e, "code"))
}

pub(crate) async fn apply_move_objective(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    objective_id: i64,
    direction: Direction,
) -> Result<(), Error> {
    let o = objective_by_id(tree, objective_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    state
        .store
        .move_objective(&user.username, tree.org_id, objective_id, direction)
        .await
        .map_err(|e| store_error(e, "direction"))
}

pub(crate) async fn apply_create_indicator(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    objective_id: i64,
    form: &IndicatorForm,
) -> Result<i64, Error> {
    let o = objective_by_id(tree, objective_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    let (spec, targets) = form.check(tree, &o.unit, None)?;
    state
        .store
        .create_indicator_with_targets(&user.username, tree.org_id, objective_id, &spec, &targets)
        .await
        .map_err(|e| store_error(e, "code"))
}

pub(crate) async fn apply_update_indicator(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    indicator_id: i64,
    form: &IndicatorForm,
) -> Result<(), Error> {
    let i = indicator_by_id(tree, indicator_id)?;
    may_edit(user, tree, &i.objective.unit.unit.key)?;
    let (spec, targets) = form.check(tree, &i.objective.unit, Some(indicator_id))?;
    state
        .store
        .update_indicator_with_targets(&user.username, tree.org_id, indicator_id, &spec, &targets)
        .await
        .map_err(|e| store_error(e, "code"))
}

pub(crate) async fn apply_delete_indicator(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    indicator_id: i64,
) -> Result<(), Error> {
    let i = indicator_by_id(tree, indicator_id)?;
    may_edit(user, tree, &i.objective.unit.unit.key)?;
    state
        .store
        .delete_indicator(&user.username, tree.org_id, indicator_id)
        .await
        .map_err(|e| store_error(e, "code"))
}

/// Adds a cascade link from `objective_id` (whose unit the user must be allowed to edit) to any
/// objective of the organisation.
pub(crate) async fn apply_create_support(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    objective_id: i64,
    form: &SupportForm,
) -> Result<i64, Error> {
    let o = objective_by_id(tree, objective_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    let mut p = Problems::default();
    let target = form.target.trim().parse::<i64>().ok();
    match target {
        None => p.add("target", "Pilih sasaran yang didukung."),
        Some(t) if t == objective_id => {
            p.add("target", "Sasaran tidak boleh mendukung dirinya sendiri.");
        }
        Some(t) if objective_by_id(tree, t).is_err() => {
            p.add(
                "target",
                "Sasaran yang didukung tidak ada dalam organisasi ini.",
            );
        }
        Some(t) if o.ids.supports.iter().any(|s| s.target_objective_id == t) => {
            p.add(
                "target",
                "Sasaran ini sudah mendukung sasaran itu; ubah bobotnya saja.",
            );
        }
        Some(_) => {}
    }
    let weight = check_weight(&form.weight, &mut p);
    p.finish()?;
    let (Some(target), Some(weight)) = (target, weight) else {
        return Err(Error::unprocessable("Isian tidak lengkap."));
    };
    state
        .store
        .create_support(&user.username, tree.org_id, objective_id, target, weight)
        .await
        .map_err(|e| store_error(e, "target"))
}

pub(crate) async fn apply_update_support(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    support_id: i64,
    weight: &str,
) -> Result<(), Error> {
    let (o, _, _) = support_by_id(tree, support_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    let mut p = Problems::default();
    let weight = check_weight(weight, &mut p);
    p.finish()?;
    state
        .store
        .update_support(
            &user.username,
            tree.org_id,
            support_id,
            weight.unwrap_or(1.0),
        )
        .await
        .map_err(|e| store_error(e, "weight"))
}

pub(crate) async fn apply_delete_support(
    state: &AppState,
    user: &User,
    tree: &TreeWithIds,
    support_id: i64,
) -> Result<(), Error> {
    let (o, _, _) = support_by_id(tree, support_id)?;
    may_edit(user, tree, &o.unit.unit.key)?;
    state
        .store
        .delete_support(&user.username, tree.org_id, support_id)
        .await
        .map_err(|e| store_error(e, "weight"))
}

// ---------------------------------------------------------------------------------------------
// The unit page's edit tools and confirmations.

/// `?pesan=CODE` after a successful change.
#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    #[serde(default)]
    pub pesan: Option<String>,
}

/// The confirmation shown for a `?pesan=` code (unknown codes show nothing, so the page never
/// echoes what is in its address).
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "unit-ditambah" => "Unit baru ditambahkan.",
        "unit-disimpan" => "Perubahan unit disimpan.",
        "unit-dihapus" => "Unit dihapus.",
        "urutan" => "Urutan diubah.",
        "pejabat-ditambah" => "Pejabat ditambahkan.",
        "pejabat-disimpan" => "Perubahan pejabat disimpan.",
        "pejabat-dihapus" => "Pejabat dihapus.",
        "sasaran-ditambah" => "Sasaran ditambahkan.",
        "sasaran-disimpan" => "Perubahan sasaran disimpan.",
        "sasaran-dihapus" => "Sasaran dihapus.",
        "indikator-ditambah" => "Indikator ditambahkan.",
        "indikator-disimpan" => "Perubahan indikator disimpan.",
        "indikator-dihapus" => "Indikator dihapus.",
        "dukungan-ditambah" => "Dukungan (cascading) ditambahkan.",
        "dukungan-disimpan" => "Bobot dukungan disimpan.",
        "dukungan-dihapus" => "Dukungan dihapus.",
        _ => return None,
    })
}

/// What the unit page needs to show edit buttons: ids by code, and the confirmation.
#[derive(Debug, Clone, Default)]
pub struct UnitTools {
    pub can_edit: bool,
    pub notice: Option<&'static str>,
    pub unit_id: i64,
    objectives: HashMap<String, i64>,
    indicators: HashMap<String, i64>,
    officials: Vec<i64>,
}

impl UnitTools {
    pub fn objective(&self, code: &str) -> i64 {
        self.objectives.get(code).copied().unwrap_or_default()
    }
    pub fn indicator(&self, code: &str) -> i64 {
        self.indicators.get(code).copied().unwrap_or_default()
    }
    pub fn official(&self, index: &usize) -> i64 {
        self.officials.get(*index).copied().unwrap_or_default()
    }
}

/// The edit tools for the unit page of `key` (no buttons for users who may not edit it).
pub async fn unit_tools(
    state: &AppState,
    current: &CurrentUser,
    org_id: i64,
    key: &UnitKey,
    flash: &Flash,
) -> Result<UnitTools, Error> {
    let notice = flash.pesan.as_deref().and_then(notice_text);
    let tree = load(state, &current.user, org_id).await?;
    let Ok(unit) = unit_by_key(&tree, key.as_str()) else {
        return Ok(UnitTools {
            notice,
            ..UnitTools::default()
        });
    };
    Ok(UnitTools {
        can_edit: may_edit(&current.user, &tree, key).is_ok(),
        notice,
        unit_id: unit.ids.id,
        objectives: unit
            .ids
            .objectives
            .iter()
            .map(|o| (o.code.to_string(), o.id))
            .collect(),
        indicators: unit
            .ids
            .objectives
            .iter()
            .flat_map(|o| &o.indicators)
            .map(|i| (i.code.to_string(), i.id))
            .collect(),
        officials: unit.ids.officials.clone(),
    })
}

fn back(org_id: i64, key: &UnitKey, code: &str, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/organisasi/{org_id}/unit/{key}?pesan={code}{anchor}"
    ))
    .into_response()
}

/// Where a form's breadcrumb points.
struct Crumbs {
    org_id: i64,
    org_name: String,
    unit_key: String,
    unit_name: String,
}

impl Crumbs {
    fn new(tree: &TreeWithIds, unit: &Unit) -> Crumbs {
        Crumbs {
            org_id: tree.org_id,
            org_name: tree.organisation.name.clone(),
            unit_key: unit.key.to_string(),
            unit_name: unit.name.clone(),
        }
    }
}

fn field_error<'a>(errors: &'a [(String, String)], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(f, _)| f == field)
        .map(|(_, m)| m.as_str())
}

/// Renders `page` with status 422 when it carries errors.
pub(crate) fn respond<T: Template>(page: &T, invalid: bool) -> Result<Response, Error> {
    let html = render(page)?;
    Ok(if invalid {
        (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
    } else {
        html.into_response()
    })
}

/// Splits a change's result: a refusal of the input re-renders the form, anything else
/// (403, 404, 500) is the error page.
pub(crate) fn invalid(e: Error) -> Result<Vec<(String, String)>, Error> {
    match e {
        Error::Unprocessable { message, fields } if fields.is_empty() => {
            Ok(vec![("_".into(), message)])
        }
        Error::Unprocessable { fields, .. } => Ok(fields),
        other => Err(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Units.

#[derive(Template)]
#[template(path = "edit_unit.html")]
struct UnitPage {
    layout: Layout,
    crumbs: Crumbs,
    heading: String,
    action: String,
    creating: bool,
    form: UnitForm,
    kinds: Vec<(&'static str, &'static str)>,
    parents: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// For an existing unit: can it be deleted (no sub-units)?
    children: usize,
    delete_action: String,
}

impl UnitPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

fn unit_page(
    current: &CurrentUser,
    tree: &TreeWithIds,
    unit: &Unit,
    creating: bool,
    form: UnitForm,
    errors: Vec<(String, String)>,
) -> UnitPage {
    let org = &tree.organisation;
    let parents = org
        .units
        .iter()
        .filter(|u| creating || !in_subtree(org, &unit.key, &u.key))
        .map(|u| {
            (
                u.key.to_string(),
                format!("{} ({})", u.name, u.kind.label()),
            )
        })
        .collect();
    let base = format!("/organisasi/{}/unit/{}", tree.org_id, unit.key);
    UnitPage {
        layout: Layout::for_user(
            current,
            if creating { "Tambah unit" } else { "Ubah unit" },
            "organisasi",
        ),
        crumbs: Crumbs::new(tree, unit),
        heading: if creating {
            format!("Tambah unit di bawah {}", unit.name)
        } else {
            format!("Ubah unit {}", unit.name)
        },
        action: if creating {
            format!("{base}/baru")
        } else {
            format!("{base}/ubah")
        },
        creating,
        form,
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        parents,
        errors,
        children: org.children(Some(&unit.key)).count(),
        delete_action: format!("{base}/hapus"),
    }
}

/// `GET /organisasi/{id}/unit/{key}/baru`: a new unit below this one.
pub async fn unit_new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    let child_kind = match unit.unit.kind {
        UnitKind::Kepala => UnitKind::Bidang,
        UnitKind::Sekretariat => UnitKind::SubBagian,
        _ => UnitKind::Seksi,
    };
    let form = UnitForm {
        parent: key.clone(),
        kind: child_kind.as_str().to_owned(),
        ..UnitForm::default()
    };
    respond(
        &unit_page(&current, &tree, unit.unit, true, form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/unit/{key}/baru`.
pub async fn unit_create(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    Form(form): Form<UnitForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    match apply_create_unit(&state, &current.user, &tree, &form).await {
        Ok((_, new_key)) => Ok(back(id, &new_key, "unit-ditambah", "")),
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &unit_page(&current, &tree, unit.unit, true, form, errors),
                true,
            )
        }
    }
}

/// `GET /organisasi/{id}/unit/{key}/ubah`.
pub async fn unit_edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    let form = UnitForm::of(unit.unit);
    respond(
        &unit_page(&current, &tree, unit.unit, false, form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/unit/{key}/ubah`.
pub async fn unit_update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    Form(form): Form<UnitForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    match apply_update_unit(&state, &current.user, &tree, unit.ids.id, &form).await {
        Ok(new_key) => Ok(back(id, &new_key, "unit-disimpan", "")),
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &unit_page(&current, &tree, unit.unit, false, form, errors),
                true,
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub yakin: Option<String>,
}

/// `POST /organisasi/{id}/unit/{key}/hapus`: needs the "yakin" box ticked.
pub async fn unit_delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    Form(confirm): Form<ConfirmForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    let result = if confirm.yakin.is_none() {
        Err(Error::field(
            "confirm",
            "Centang 'Saya yakin' untuk menghapus unit ini beserta sasaran dan indikatornya.",
        ))
    } else {
        apply_delete_unit(&state, &current.user, &tree, unit.ids.id).await
    };
    match result {
        Ok(Some(parent)) => Ok(back(id, &parent, "unit-dihapus", "")),
        Ok(None) => Ok(Redirect::to(&format!("/organisasi/{id}")).into_response()),
        Err(e) => {
            let errors = invalid(e)?;
            let form = UnitForm::of(unit.unit);
            respond(
                &unit_page(&current, &tree, unit.unit, false, form, errors),
                true,
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    /// `naik` or `turun`.
    #[serde(default)]
    pub arah: String,
}

fn direction(arah: &str) -> Result<Direction, Error> {
    match arah {
        "naik" => Ok(Direction::Up),
        "turun" => Ok(Direction::Down),
        _ => Err(Error::field("arah", "Arah harus 'naik' atau 'turun'.")),
    }
}

/// `POST /organisasi/{id}/unit/{key}/urutan`: moves the unit among its siblings.
pub async fn unit_move(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    Form(m): Form<MoveForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    match &unit.unit.parent {
        Some(p) => may_edit(&current.user, &tree, p)?,
        None => may_edit_org(&current.user, &tree)?,
    }
    apply_move_unit(
        &state,
        &current.user,
        &tree,
        unit.ids.id,
        direction(&m.arah)?,
    )
    .await?;
    let to = unit
        .unit
        .parent
        .clone()
        .unwrap_or_else(|| unit.unit.key.clone());
    Ok(back(id, &to, "urutan", ""))
}

// ---------------------------------------------------------------------------------------------
// Officials.

#[derive(Template)]
#[template(path = "edit_official.html")]
struct OfficialPage {
    layout: Layout,
    crumbs: Crumbs,
    heading: String,
    action: String,
    delete_action: Option<String>,
    form: OfficialForm,
    errors: Vec<(String, String)>,
}

impl OfficialPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

fn official_page(
    current: &CurrentUser,
    tree: &TreeWithIds,
    unit: &Unit,
    official_id: Option<i64>,
    form: OfficialForm,
    errors: Vec<(String, String)>,
) -> OfficialPage {
    let id = tree.org_id;
    OfficialPage {
        layout: Layout::for_user(
            current,
            if official_id.is_some() {
                "Ubah pejabat"
            } else {
                "Tambah pejabat"
            },
            "organisasi",
        ),
        crumbs: Crumbs::new(tree, unit),
        heading: match official_id {
            Some(_) => format!("Ubah pejabat {}", unit.name),
            None => format!("Tambah pejabat {}", unit.name),
        },
        action: match official_id {
            Some(p) => format!("/organisasi/{id}/pejabat/{p}/ubah"),
            None => format!("/organisasi/{id}/unit/{}/pejabat/baru", unit.key),
        },
        delete_action: official_id.map(|p| format!("/organisasi/{id}/pejabat/{p}/hapus")),
        form,
        errors,
    }
}

/// `GET /organisasi/{id}/unit/{key}/pejabat/baru`.
pub async fn official_new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    let form = OfficialForm {
        appointment: "definitif".into(),
        ..OfficialForm::default()
    };
    respond(
        &official_page(&current, &tree, unit.unit, None, form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/unit/{key}/pejabat/baru`.
pub async fn official_create(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    Form(form): Form<OfficialForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    match apply_create_official(&state, &current.user, &tree, unit.ids.id, &form).await {
        Ok(_) => Ok(back(id, &unit.unit.key, "pejabat-ditambah", "")),
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &official_page(&current, &tree, unit.unit, None, form, errors),
                true,
            )
        }
    }
}

/// `GET /organisasi/{id}/pejabat/{pid}/ubah`.
pub async fn official_edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let (unit, official) = official_by_id(&tree, pid)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    let form = OfficialForm::of(official);
    respond(
        &official_page(&current, &tree, unit.unit, Some(pid), form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/pejabat/{pid}/ubah`.
pub async fn official_update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, pid)): Path<(i64, i64)>,
    Form(form): Form<OfficialForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let (unit, _) = official_by_id(&tree, pid)?;
    match apply_update_official(&state, &current.user, &tree, pid, &form).await {
        Ok(()) => Ok(back(id, &unit.unit.key, "pejabat-disimpan", "")),
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &official_page(&current, &tree, unit.unit, Some(pid), form, errors),
                true,
            )
        }
    }
}

/// `POST /organisasi/{id}/pejabat/{pid}/hapus`.
pub async fn official_delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let (unit, _) = official_by_id(&tree, pid)?;
    apply_delete_official(&state, &current.user, &tree, pid).await?;
    Ok(back(id, &unit.unit.key, "pejabat-dihapus", ""))
}

// ---------------------------------------------------------------------------------------------
// Objectives.

#[derive(Template)]
#[template(path = "edit_objective.html")]
struct ObjectivePage {
    layout: Layout,
    crumbs: Crumbs,
    heading: String,
    action: String,
    delete_action: Option<String>,
    form: ObjectiveForm,
    errors: Vec<(String, String)>,
}

impl ObjectivePage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

fn objective_page(
    current: &CurrentUser,
    tree: &TreeWithIds,
    unit: &Unit,
    objective_id: Option<i64>,
    form: ObjectiveForm,
    errors: Vec<(String, String)>,
) -> ObjectivePage {
    let id = tree.org_id;
    ObjectivePage {
        layout: Layout::for_user(
            current,
            if objective_id.is_some() {
                "Ubah sasaran"
            } else {
                "Tambah sasaran"
            },
            "organisasi",
        ),
        crumbs: Crumbs::new(tree, unit),
        heading: match objective_id {
            Some(_) => format!("Ubah sasaran {}", unit.name),
            None => format!("Tambah sasaran {}", unit.name),
        },
        action: match objective_id {
            Some(o) => format!("/organisasi/{id}/sasaran/{o}/ubah"),
            None => format!("/organisasi/{id}/unit/{}/sasaran/baru", unit.key),
        },
        delete_action: objective_id.map(|o| format!("/organisasi/{id}/sasaran/{o}/hapus")),
        form,
        errors,
    }
}

/// The next free code like `SS3` for a unit.
fn next_code(prefix: &str, used: impl Iterator<Item = String>) -> String {
    let used: Vec<String> = used.collect();
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|c| !used.contains(c))
        .unwrap_or_default()
}

/// `GET /organisasi/{id}/unit/{key}/sasaran/baru`.
pub async fn objective_new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    may_edit(&current.user, &tree, &unit.unit.key)?;
    let prefix = match unit.unit.kind {
        UnitKind::Kepala => "SS",
        UnitKind::Bidang | UnitKind::Sekretariat | UnitKind::Upt => "SP",
        _ => "SK",
    };
    let form = ObjectiveForm {
        code: next_code(
            prefix,
            unit.unit.objectives.iter().map(|o| o.code.to_string()),
        ),
        statement: String::new(),
    };
    respond(
        &objective_page(&current, &tree, unit.unit, None, form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/unit/{key}/sasaran/baru`.
pub async fn objective_create(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, key)): Path<(i64, String)>,
    Form(form): Form<ObjectiveForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let unit = unit_by_key(&tree, &key)?;
    match apply_create_objective(&state, &current.user, &tree, unit.ids.id, &form).await {
        Ok(_) => {
            let anchor = format!("#sasaran-{}", form.code.trim().to_uppercase());
            Ok(back(id, &unit.unit.key, "sasaran-ditambah", &anchor))
        }
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &objective_page(&current, &tree, unit.unit, None, form, errors),
                true,
            )
        }
    }
}

/// `GET /organisasi/{id}/sasaran/{oid}/ubah`.
pub async fn objective_edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    may_edit(&current.user, &tree, &o.unit.unit.key)?;
    let form = ObjectiveForm {
        code: o.objective.code.to_string(),
        statement: o.objective.statement.clone(),
    };
    respond(
        &objective_page(&current, &tree, o.unit.unit, Some(oid), form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/sasaran/{oid}/ubah`.
pub async fn objective_update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
    Form(form): Form<ObjectiveForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    match apply_update_objective(&state, &current.user, &tree, oid, &form).await {
        Ok(()) => {
            let anchor = format!("#sasaran-{}", form.code.trim().to_uppercase());
            Ok(back(id, &o.unit.unit.key, "sasaran-disimpan", &anchor))
        }
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &objective_page(&current, &tree, o.unit.unit, Some(oid), form, errors),
                true,
            )
        }
    }
}

/// `POST /organisasi/{id}/sasaran/{oid}/hapus`.
pub async fn objective_delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    apply_delete_objective(&state, &current.user, &tree, oid).await?;
    Ok(back(id, &o.unit.unit.key, "sasaran-dihapus", ""))
}

/// `POST /organisasi/{id}/sasaran/{oid}/urutan`.
pub async fn objective_move(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
    Form(m): Form<MoveForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    may_edit(&current.user, &tree, &o.unit.unit.key)?;
    apply_move_objective(&state, &current.user, &tree, oid, direction(&m.arah)?).await?;
    let anchor = format!("#sasaran-{}", o.objective.code);
    Ok(back(id, &o.unit.unit.key, "urutan", &anchor))
}

// ---------------------------------------------------------------------------------------------
// Indicators.

#[derive(Template)]
#[template(path = "edit_indicator.html")]
pub(crate) struct IndicatorPage {
    layout: Layout,
    /// Where the page sits: (href, label), outermost first.
    trail: Vec<(String, String)>,
    /// Where "Batal" goes.
    cancel: String,
    heading: String,
    objective: String,
    action: String,
    delete_action: Option<String>,
    form: IndicatorForm,
    years: Vec<(i32, String)>,
    polarities: Vec<(&'static str, &'static str)>,
    aggregations: Vec<(&'static str, &'static str)>,
    errors: Vec<(String, String)>,
}

impl IndicatorPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
    fn target_error(&self, year: &i32) -> Option<&str> {
        field_error(&self.errors, &format!("target_{year}"))
    }
}

fn indicator_page(
    current: &CurrentUser,
    tree: &TreeWithIds,
    o: &ObjectiveRef<'_>,
    indicator_id: Option<i64>,
    form: IndicatorForm,
    errors: Vec<(String, String)>,
) -> IndicatorPage {
    let id = tree.org_id;
    let crumbs = Crumbs::new(tree, o.unit.unit);
    let unit_href = format!("/organisasi/{id}/unit/{}", crumbs.unit_key);
    let years: Vec<i32> = match tree.organisation.renstra {
        Some(r) => r.years().collect(),
        None => {
            let now = chrono::Datelike::year(&chrono::Utc::now().date_naive());
            (now..now + 5).collect()
        }
    };
    IndicatorPage::new(
        Layout::for_user(
            current,
            if indicator_id.is_some() {
                "Ubah indikator"
            } else {
                "Tambah indikator"
            },
            "organisasi",
        ),
        vec![
            (format!("/organisasi/{id}"), crumbs.org_name),
            (unit_href.clone(), crumbs.unit_name),
        ],
        unit_href,
        indicator_id.is_some(),
        format!("{} {}", o.objective.code, o.objective.statement),
        match indicator_id {
            Some(i) => format!("/organisasi/{id}/indikator/{i}/ubah"),
            None => format!("/organisasi/{id}/sasaran/{}/indikator/baru", o.ids.id),
        },
        indicator_id.map(|i| format!("/organisasi/{id}/indikator/{i}/hapus")),
        form,
        years,
        errors,
    )
}

impl IndicatorPage {
    /// The indicator form page: `years` are the period's, to which the form's own target
    /// years are added; `editing` chooses the heading.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        layout: Layout,
        trail: Vec<(String, String)>,
        cancel: String,
        editing: bool,
        objective: String,
        action: String,
        delete_action: Option<String>,
        form: IndicatorForm,
        mut years: Vec<i32>,
        errors: Vec<(String, String)>,
    ) -> IndicatorPage {
        years.extend(form.targets.keys().copied());
        years.sort_unstable();
        years.dedup();
        let years = years
            .into_iter()
            .map(|y| (y, form.targets.get(&y).cloned().unwrap_or_default()))
            .collect();
        IndicatorPage {
            layout,
            trail,
            cancel,
            heading: if editing {
                "Ubah indikator kinerja".into()
            } else {
                "Tambah indikator kinerja".into()
            },
            objective,
            action,
            delete_action,
            form,
            years,
            polarities: [Polarity::Positive, Polarity::Negative, Polarity::Range]
                .into_iter()
                .map(|p| {
                    (
                        p.as_str(),
                        match p {
                            Polarity::Positive => "Positif — makin tinggi makin baik",
                            Polarity::Negative => "Negatif — makin rendah makin baik",
                            Polarity::Range => "Rentang — baik bila dalam rentang target",
                        },
                    )
                })
                .collect(),
            aggregations: vec![
                ("kumulatif", "Kumulatif — dijumlahkan"),
                ("nilai_akhir", "Nilai akhir — periode terakhir"),
                ("rata_rata", "Rata-rata"),
            ],
            errors,
        }
    }
}

/// `GET /organisasi/{id}/sasaran/{oid}/indikator/baru`.
pub async fn indicator_new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    may_edit(&current.user, &tree, &o.unit.unit.key)?;
    let used = o
        .unit
        .unit
        .objectives
        .iter()
        .flat_map(|ob| &ob.indicators)
        .map(|i| i.code.to_string());
    let position = o
        .unit
        .unit
        .objectives
        .iter()
        .position(|ob| ob.code == o.objective.code);
    let form = IndicatorForm {
        code: next_code(&format!("IK{}.", position.map_or(1, |p| p + 1)), used),
        ..IndicatorForm::default()
    };
    respond(
        &indicator_page(&current, &tree, &o, None, form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/sasaran/{oid}/indikator/baru`.
pub async fn indicator_create(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    let form = IndicatorForm::from_pairs(&pairs);
    match apply_create_indicator(&state, &current.user, &tree, oid, &form).await {
        Ok(_) => {
            let anchor = format!("#sasaran-{}", o.objective.code);
            Ok(back(id, &o.unit.unit.key, "indikator-ditambah", &anchor))
        }
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &indicator_page(&current, &tree, &o, None, form, errors),
                true,
            )
        }
    }
}

/// `GET /organisasi/{id}/indikator/{iid}/ubah`.
pub async fn indicator_edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, iid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let i = indicator_by_id(&tree, iid)?;
    may_edit(&current.user, &tree, &i.objective.unit.unit.key)?;
    let form = IndicatorForm::of(i.indicator);
    respond(
        &indicator_page(&current, &tree, &i.objective, Some(iid), form, vec![]),
        false,
    )
}

/// `POST /organisasi/{id}/indikator/{iid}/ubah`.
pub async fn indicator_update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, iid)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let i = indicator_by_id(&tree, iid)?;
    let form = IndicatorForm::from_pairs(&pairs);
    match apply_update_indicator(&state, &current.user, &tree, iid, &form).await {
        Ok(()) => {
            let anchor = format!("#sasaran-{}", i.objective.objective.code);
            Ok(back(
                id,
                &i.objective.unit.unit.key,
                "indikator-disimpan",
                &anchor,
            ))
        }
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &indicator_page(&current, &tree, &i.objective, Some(iid), form, errors),
                true,
            )
        }
    }
}

/// `POST /organisasi/{id}/indikator/{iid}/hapus`.
pub async fn indicator_delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, iid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let i = indicator_by_id(&tree, iid)?;
    apply_delete_indicator(&state, &current.user, &tree, iid).await?;
    let anchor = format!("#sasaran-{}", i.objective.objective.code);
    Ok(back(
        id,
        &i.objective.unit.unit.key,
        "indikator-dihapus",
        &anchor,
    ))
}

// ---------------------------------------------------------------------------------------------
// Cascade links: one page per objective lists its links (change weight, remove) and adds one.

struct LinkRow {
    id: i64,
    label: String,
    weight: String,
}

#[derive(Template)]
#[template(path = "edit_support.html")]
struct SupportPage {
    layout: Layout,
    crumbs: Crumbs,
    objective: String,
    objective_id: i64,
    links: Vec<LinkRow>,
    /// (unit name, [(objective id, label)]) for the choice of the supported objective.
    choices: Vec<(String, Vec<(i64, String)>)>,
    form: SupportForm,
    errors: Vec<(String, String)>,
    /// The link whose weight form failed, with its message.
    link_error: Option<(i64, String)>,
    notice: Option<&'static str>,
}

impl SupportPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
    fn selected(&self, id: &i64) -> bool {
        self.form.target == id.to_string()
    }
    fn link_error(&self, id: &i64) -> Option<&str> {
        self.link_error
            .as_ref()
            .filter(|(l, _)| l == id)
            .map(|(_, m)| m.as_str())
    }
}

struct SupportState {
    form: SupportForm,
    errors: Vec<(String, String)>,
    link_error: Option<(i64, String)>,
    notice: Option<&'static str>,
}

fn support_page(
    current: &CurrentUser,
    tree: &TreeWithIds,
    o: &ObjectiveRef<'_>,
    s: SupportState,
) -> SupportPage {
    let label = |oid: i64| -> String {
        objective_by_id(tree, oid).map_or_else(
            |_| format!("sasaran #{oid}"),
            |t| {
                format!(
                    "{} · {} {}",
                    t.unit.unit.name, t.objective.code, t.objective.statement
                )
            },
        )
    };
    let links = o
        .ids
        .supports
        .iter()
        .zip(&o.objective.supports)
        .map(|(ids, sup)| LinkRow {
            id: ids.id,
            label: label(ids.target_objective_id),
            weight: format::number_trimmed(sup.weight, 4),
        })
        .collect();
    let choices = tree
        .iter_units()
        .filter(|(_, u)| !u.objectives.is_empty())
        .map(|(uids, u)| {
            (
                format!("{} ({})", u.name, u.kind.label()),
                uids.objectives
                    .iter()
                    .zip(&u.objectives)
                    .filter(|(ids, _)| ids.id != o.ids.id)
                    .map(|(ids, ob)| (ids.id, format!("{} — {}", ob.code, ob.statement)))
                    .collect(),
            )
        })
        .collect();
    SupportPage {
        layout: Layout::for_user(current, "Dukungan (cascading)", "organisasi"),
        crumbs: Crumbs::new(tree, o.unit.unit),
        objective: format!("{} {}", o.objective.code, o.objective.statement),
        objective_id: o.ids.id,
        links,
        choices,
        form: s.form,
        errors: s.errors,
        link_error: s.link_error,
        notice: s.notice,
    }
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// Where a successful change of a link goes: the unit page, or (htmx) back to the links page,
/// whose list htmx swaps in.
fn support_done(headers: &HeaderMap, org_id: i64, o: &ObjectiveRef<'_>, code: &str) -> Response {
    if is_htmx(headers) {
        Redirect::to(&format!(
            "/organisasi/{org_id}/sasaran/{}/dukungan?pesan={code}",
            o.ids.id
        ))
        .into_response()
    } else {
        let anchor = format!("#sasaran-{}", o.objective.code);
        back(org_id, &o.unit.unit.key, code, &anchor)
    }
}

/// `GET /organisasi/{id}/sasaran/{oid}/dukungan`.
pub async fn support_page_get(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, oid)): Path<(i64, i64)>,
    Query(flash): Query<Flash>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    may_edit(&current.user, &tree, &o.unit.unit.key)?;
    let s = SupportState {
        form: SupportForm {
            target: String::new(),
            weight: "1".into(),
        },
        errors: vec![],
        link_error: None,
        notice: flash.pesan.as_deref().and_then(notice_text),
    };
    respond(&support_page(&current, &tree, &o, s), false)
}

/// `POST /organisasi/{id}/sasaran/{oid}/dukungan`: adds a link.
pub async fn support_create(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    Path((id, oid)): Path<(i64, i64)>,
    Form(form): Form<SupportForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let o = objective_by_id(&tree, oid)?;
    match apply_create_support(&state, &current.user, &tree, oid, &form).await {
        Ok(_) => Ok(support_done(&headers, id, &o, "dukungan-ditambah")),
        Err(e) => {
            let errors = invalid(e)?;
            let s = SupportState {
                form,
                errors,
                link_error: None,
                notice: None,
            };
            respond(&support_page(&current, &tree, &o, s), true)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WeightForm {
    #[serde(default)]
    pub weight: String,
}

/// `POST /organisasi/{id}/dukungan/{sid}/ubah`: changes a link's weight.
pub async fn support_update(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    Path((id, sid)): Path<(i64, i64)>,
    Form(w): Form<WeightForm>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let (o, _, _) = support_by_id(&tree, sid)?;
    match apply_update_support(&state, &current.user, &tree, sid, &w.weight).await {
        Ok(()) => Ok(support_done(&headers, id, &o, "dukungan-disimpan")),
        Err(e) => {
            let errors = invalid(e)?;
            let message = errors.first().map(|(_, m)| m.clone()).unwrap_or_default();
            let s = SupportState {
                form: SupportForm {
                    target: String::new(),
                    weight: "1".into(),
                },
                errors: vec![("weight_link".into(), message.clone())],
                link_error: Some((sid, message)),
                notice: None,
            };
            respond(&support_page(&current, &tree, &o, s), true)
        }
    }
}

/// `POST /organisasi/{id}/dukungan/{sid}/hapus`.
pub async fn support_delete(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    Path((id, sid)): Path<(i64, i64)>,
) -> Result<Response, Error> {
    let tree = load(&state, &current.user, id).await?;
    let (o, _, _) = support_by_id(&tree, sid)?;
    apply_delete_support(&state, &current.user, &tree, sid).await?;
    Ok(support_done(&headers, id, &o, "dukungan-dihapus"))
}
