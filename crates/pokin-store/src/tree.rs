//! Reading an organisation's tree: the row types of every table, their conversion to domain
//! values, and [`TreeWithIds`], the tree with the database ids the editing functions take.
//!
//! The tree is read with one query per table, all scoped by `org_id`, inside one transaction
//! (one snapshot), and assembled in memory in stored order (`seq`, then `id`).

use crate::db::{Conn, params};
use crate::error::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use pokin_domain::capaian::Periodisation;
use pokin_domain::program::{Program, ProgramLevel};
use pokin_domain::{
    Aggregation, Appointment, Code, Indicator, Nip, Objective, Official, Organisation,
    OrganisationDraft, Polarity, Renstra, Support, TargetValue, Unit, UnitKey, UnitKind,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// Rows. They derive `Serialize`: the audit log stores a row as the JSON of these structs.

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct OrgRow {
    pub id: i64,
    pub name: String,
    pub title: Option<String>,
    pub demo: bool,
    pub renstra_start: Option<i64>,
    pub renstra_end: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) const ORG_BY_ID: &str = "SELECT id, name, title, demo, renstra_start, renstra_end, \
     created_at, updated_at FROM organisations WHERE id = $1";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub seq: i64,
    pub unit_key: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
}

const UNITS: &str = "SELECT id, seq, unit_key, name, kind, parent_id FROM units \
     WHERE org_id = $1 ORDER BY seq, id";
pub(crate) const UNIT_BY_ID: &str = "SELECT id, seq, unit_key, name, kind, parent_id FROM units \
     WHERE org_id = $1 AND id = $2";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct OfficialRow {
    pub id: i64,
    pub unit_id: i64,
    pub seq: i64,
    pub name: String,
    pub nip: Option<String>,
    pub pangkat: Option<String>,
    pub golongan: Option<String>,
    pub appointment: String,
    pub since_date: Option<NaiveDate>,
    pub until_date: Option<NaiveDate>,
}

const OFFICIALS: &str = "SELECT id, unit_id, seq, name, nip, pangkat, golongan, appointment, \
     since_date, until_date FROM officials WHERE org_id = $1 ORDER BY seq, id";
pub(crate) const OFFICIAL_BY_ID: &str = "SELECT id, unit_id, seq, name, nip, pangkat, golongan, \
     appointment, since_date, until_date FROM officials WHERE org_id = $1 AND id = $2";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct ObjectiveRow {
    pub id: i64,
    pub unit_id: i64,
    pub seq: i64,
    pub code: String,
    pub statement: String,
}

const OBJECTIVES: &str = "SELECT id, unit_id, seq, code, statement FROM objectives \
     WHERE org_id = $1 ORDER BY seq, id";
pub(crate) const OBJECTIVE_BY_ID: &str = "SELECT id, unit_id, seq, code, statement \
     FROM objectives WHERE org_id = $1 AND id = $2";

/// A cascade link with the key and code of the objective it supports.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct SupportRow {
    pub id: i64,
    pub objective_id: i64,
    pub target_id: i64,
    pub seq: i64,
    pub weight: f64,
    pub target_unit: String,
    pub target_code: String,
}

const SUPPORTS: &str = "SELECT s.id, s.objective_id, s.target_id, s.seq, s.weight, \
     u.unit_key AS target_unit, t.code AS target_code \
     FROM supports s \
     JOIN objectives t ON t.org_id = s.org_id AND t.id = s.target_id \
     JOIN units u ON u.org_id = t.org_id AND u.id = t.unit_id \
     WHERE s.org_id = $1 ORDER BY s.seq, s.id";
pub(crate) const SUPPORT_BY_ID: &str = "SELECT s.id, s.objective_id, s.target_id, s.seq, \
     s.weight, u.unit_key AS target_unit, t.code AS target_code \
     FROM supports s \
     JOIN objectives t ON t.org_id = s.org_id AND t.id = s.target_id \
     JOIN units u ON u.org_id = t.org_id AND u.id = t.unit_id \
     WHERE s.org_id = $1 AND s.id = $2";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct IndicatorRow {
    pub id: i64,
    pub objective_id: i64,
    pub unit_id: i64,
    pub seq: i64,
    pub code: String,
    pub name: String,
    pub iku: bool,
    pub satuan: Option<String>,
    pub polarity: Option<String>,
    pub aggregation: Option<String>,
    pub definition: Option<String>,
    pub formula: Option<String>,
    pub data_source: Option<String>,
    pub responsible: Option<String>,
    pub baseline_number: Option<f64>,
    pub baseline_min: Option<f64>,
    pub baseline_max: Option<f64>,
    pub baseline_text: Option<String>,
    pub decimals: Option<i64>,
    pub periodisation: Option<String>,
}

const INDICATORS: &str = "SELECT id, objective_id, unit_id, seq, code, name, iku, satuan, \
     polarity, aggregation, definition, formula, data_source, responsible, baseline_number, \
     baseline_min, baseline_max, baseline_text, decimals, periodisation \
     FROM indicators WHERE org_id = $1 ORDER BY seq, id";
pub(crate) const INDICATOR_BY_ID: &str = "SELECT id, objective_id, unit_id, seq, code, name, \
     iku, satuan, polarity, aggregation, definition, formula, data_source, responsible, \
     baseline_number, baseline_min, baseline_max, baseline_text, decimals, periodisation \
     FROM indicators WHERE org_id = $1 AND id = $2";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct TargetRow {
    pub id: i64,
    pub indicator_id: i64,
    pub year: i64,
    pub value_number: Option<f64>,
    pub value_min: Option<f64>,
    pub value_max: Option<f64>,
    pub value_text: Option<String>,
}

const TARGETS: &str = "SELECT id, indicator_id, year, value_number, value_min, value_max, \
     value_text FROM targets WHERE org_id = $1 ORDER BY indicator_id, year";
pub(crate) const TARGET_BY_YEAR: &str = "SELECT id, indicator_id, year, value_number, value_min, \
     value_max, value_text FROM targets WHERE org_id = $1 AND indicator_id = $2 AND year = $3";

/// A program, kegiatan or sub kegiatan (its pagu rows are read separately).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct ProgramRow {
    pub id: i64,
    pub seq: i64,
    pub code: String,
    pub level: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub unit_key: String,
    pub objective_code: Option<String>,
}

const PROGRAMS: &str = "SELECT id, seq, code, level, name, parent_code, unit_key, \
     objective_code FROM programs WHERE org_id = $1 ORDER BY seq, id";
pub(crate) const PROGRAM_BY_CODE: &str = "SELECT id, seq, code, level, name, parent_code, \
     unit_key, objective_code FROM programs WHERE org_id = $1 AND code = $2";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct PaguRow {
    pub program_code: String,
    pub year: i64,
    pub amount: f64,
}

const PAGU: &str = "SELECT program_code, year, amount FROM program_pagu WHERE org_id = $1 \
     ORDER BY program_code, year";

// ---------------------------------------------------------------------------------------------
// Values.

/// The columns of a target or baseline: number, range min, range max, qualitative text.
pub(crate) type ValueColumns = (Option<f64>, Option<f64>, Option<f64>, Option<String>);

pub(crate) fn value_columns(v: Option<&TargetValue>) -> ValueColumns {
    match v {
        None => (None, None, None, None),
        Some(TargetValue::Number(n)) => (Some(*n), None, None, None),
        Some(TargetValue::Range { min, max }) => (None, Some(*min), Some(*max), None),
        Some(TargetValue::Qualitative(s)) => (None, None, None, Some(s.clone())),
    }
}

pub(crate) fn value_from(c: ValueColumns) -> Option<TargetValue> {
    match c {
        (Some(n), _, _, _) => Some(TargetValue::Number(n)),
        (None, Some(min), Some(max), _) => Some(TargetValue::Range { min, max }),
        (None, _, _, Some(s)) => Some(TargetValue::Qualitative(s)),
        _ => None,
    }
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(crate) fn unit_key(s: &str) -> Result<UnitKey> {
    UnitKey::parse(s).map_err(corrupt)
}

pub(crate) fn code(s: &str) -> Result<Code> {
    Code::parse(s).map_err(corrupt)
}

impl OrgRow {
    pub(crate) fn renstra(&self) -> Result<Option<Renstra>> {
        match (self.renstra_start, self.renstra_end) {
            (Some(s), Some(e)) => Ok(Some(Renstra {
                start: i32::try_from(s).map_err(corrupt)?,
                end: i32::try_from(e).map_err(corrupt)?,
            })),
            _ => Ok(None),
        }
    }
}

impl ProgramRow {
    pub(crate) fn to_domain(&self, pagu: BTreeMap<i32, f64>) -> Result<Program> {
        Ok(Program {
            code: self.code.clone(),
            level: ProgramLevel::from_str_opt(&self.level).ok_or_else(|| {
                corrupt(format!("tingkat program '{}' tidak dikenal", self.level))
            })?,
            name: self.name.clone(),
            parent: self.parent_code.clone(),
            unit: unit_key(&self.unit_key)?,
            objective: self.objective_code.as_deref().map(code).transpose()?,
            pagu,
        })
    }
}

/// The programs of an organisation in stored order, with their pagu.
pub(crate) async fn load_programs(conn: &mut Conn, org_id: i64) -> Result<Vec<Program>> {
    let rows: Vec<ProgramRow> = conn.fetch_all(PROGRAMS, params![org_id]).await?;
    let pagu: Vec<PaguRow> = conn.fetch_all(PAGU, params![org_id]).await?;
    let mut pagu_of: HashMap<String, BTreeMap<i32, f64>> = HashMap::new();
    for p in pagu {
        let year = i32::try_from(p.year).map_err(corrupt)?;
        pagu_of
            .entry(p.program_code)
            .or_default()
            .insert(year, p.amount);
    }
    rows.iter()
        .map(|r| r.to_domain(pagu_of.remove(&r.code).unwrap_or_default()))
        .collect()
}

impl OfficialRow {
    fn to_domain(&self) -> Result<Official> {
        Ok(Official {
            name: self.name.clone(),
            nip: self
                .nip
                .as_deref()
                .map(Nip::parse)
                .transpose()
                .map_err(corrupt)?,
            pangkat: self.pangkat.clone(),
            golongan: self.golongan.clone(),
            appointment: Appointment::from_str_opt(&self.appointment).ok_or_else(|| {
                corrupt(format!(
                    "jenis pengangkatan '{}' tidak dikenal",
                    self.appointment
                ))
            })?,
            since: self.since_date,
            until: self.until_date,
        })
    }
}

impl IndicatorRow {
    fn to_domain(&self, targets: BTreeMap<i32, TargetValue>) -> Result<Indicator> {
        Ok(Indicator {
            code: code(&self.code)?,
            name: self.name.clone(),
            iku: self.iku,
            satuan: self.satuan.clone(),
            polarity: self
                .polarity
                .as_deref()
                .map(|p| {
                    Polarity::from_str_opt(p)
                        .ok_or_else(|| corrupt(format!("polaritas '{p}' tidak dikenal")))
                })
                .transpose()?,
            aggregation: self
                .aggregation
                .as_deref()
                .map(|a| {
                    Aggregation::from_str_opt(a)
                        .ok_or_else(|| corrupt(format!("agregasi periode '{a}' tidak dikenal")))
                })
                .transpose()?,
            definition: self.definition.clone(),
            formula: self.formula.clone(),
            data_source: self.data_source.clone(),
            responsible: self.responsible.clone(),
            baseline: value_from((
                self.baseline_number,
                self.baseline_min,
                self.baseline_max,
                self.baseline_text.clone(),
            )),
            decimals: self
                .decimals
                .map(|d| u8::try_from(d).map_err(corrupt))
                .transpose()?,
            periodisation: self
                .periodisation
                .as_deref()
                .map(|p| {
                    Periodisation::from_str_opt(p)
                        .ok_or_else(|| corrupt(format!("periodisasi '{p}' tidak dikenal")))
                })
                .transpose()?,
            targets,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The tree with ids.

/// An organisation's tree with the database id of every element, for editing.
///
/// `units[i]` holds the ids of `organisation.units[i]`, and so on down: the same order and the
/// same lengths at every level (objectives, supports, indicators).
#[derive(Debug, Clone, PartialEq)]
pub struct TreeWithIds {
    pub org_id: i64,
    pub organisation: Organisation,
    pub units: Vec<UnitIds>,
}

/// The ids of one unit and of what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitIds {
    pub id: i64,
    pub key: UnitKey,
    pub parent_id: Option<i64>,
    /// The stored sort key (units are listed by position, then id).
    pub position: i64,
    /// Ids of `Unit::officials`, in the same order.
    pub officials: Vec<i64>,
    pub objectives: Vec<ObjectiveIds>,
}

/// The ids of one objective, its cascade links and its indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveIds {
    pub id: i64,
    pub code: Code,
    pub position: i64,
    /// Ids of `Objective::supports`, in the same order.
    pub supports: Vec<SupportIds>,
    pub indicators: Vec<IndicatorIds>,
}

/// The id of one cascade link and of the objective it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportIds {
    pub id: i64,
    pub target_objective_id: i64,
}

/// The ids of one indicator and of its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorIds {
    pub id: i64,
    pub code: Code,
    pub position: i64,
    /// Target id by year.
    pub targets: BTreeMap<i32, i64>,
}

impl TreeWithIds {
    /// Each unit with its ids, in stored order.
    pub fn iter_units(&self) -> impl Iterator<Item = (&UnitIds, &Unit)> {
        self.units.iter().zip(self.organisation.units.iter())
    }

    pub fn unit_id(&self, key: &UnitKey) -> Option<i64> {
        self.units.iter().find(|u| &u.key == key).map(|u| u.id)
    }

    pub fn objective_id(&self, unit: &UnitKey, code: &Code) -> Option<i64> {
        self.units
            .iter()
            .find(|u| &u.key == unit)?
            .objectives
            .iter()
            .find(|o| &o.code == code)
            .map(|o| o.id)
    }

    /// Indicator codes are unique within a unit.
    pub fn indicator_id(&self, unit: &UnitKey, code: &Code) -> Option<i64> {
        self.units
            .iter()
            .find(|u| &u.key == unit)?
            .objectives
            .iter()
            .flat_map(|o| &o.indicators)
            .find(|i| &i.code == code)
            .map(|i| i.id)
    }
}

/// An organisation read from the database, before validation.
pub(crate) struct Loaded {
    pub row: OrgRow,
    pub draft: OrganisationDraft,
    pub ids: Vec<UnitIds>,
}

impl Loaded {
    /// The JSON the audit log keeps of a whole organisation.
    pub(crate) fn snapshot(&self) -> Result<serde_json::Value> {
        snapshot(&self.draft)
    }

    /// Validates the draft as the domain does.
    pub(crate) fn into_tree(self) -> Result<TreeWithIds> {
        let organisation = self.draft.validate().map_err(|e| {
            corrupt(format!(
                "organisasi {} tidak lolos pemeriksaan:\n{e}",
                self.row.id
            ))
        })?;
        Ok(TreeWithIds {
            org_id: self.row.id,
            organisation,
            units: self.ids,
        })
    }
}

/// The JSON of an organisation (the shape of the canonical YAML).
pub(crate) fn snapshot(draft: &OrganisationDraft) -> Result<serde_json::Value> {
    serde_json::to_value(draft)
        .map_err(|e| StoreError::Invalid(format!("salinan organisasi tidak dapat dibuat: {e}")))
}

/// The message for an organisation id that does not exist.
pub(crate) fn org_not_found(org_id: i64) -> StoreError {
    StoreError::NotFound(format!(
        "organisasi dengan id {org_id} tidak ditemukan. Periksa daftar organisasi; mungkin \
         organisasi itu sudah dihapus."
    ))
}

/// Removes the children of `parent` from `of` (none if it has none), as two lists: the domain
/// values and their ids.
fn take_unzipped<A, B>(of: &mut HashMap<i64, Vec<(A, B)>>, parent: i64) -> (Vec<A>, Vec<B>) {
    of.remove(&parent).unwrap_or_default().into_iter().unzip()
}

/// Reads the organisation row, or `NotFound`.
pub(crate) async fn org_row(conn: &mut Conn, org_id: i64) -> Result<OrgRow> {
    conn.fetch_optional(ORG_BY_ID, params![org_id])
        .await?
        .ok_or_else(|| org_not_found(org_id))
}

/// Reads a whole organisation, or `NotFound`.
pub(crate) async fn load(conn: &mut Conn, org_id: i64) -> Result<Loaded> {
    let row = org_row(conn, org_id).await?;
    let units: Vec<UnitRow> = conn.fetch_all(UNITS, params![org_id]).await?;
    let officials: Vec<OfficialRow> = conn.fetch_all(OFFICIALS, params![org_id]).await?;
    let objectives: Vec<ObjectiveRow> = conn.fetch_all(OBJECTIVES, params![org_id]).await?;
    let supports: Vec<SupportRow> = conn.fetch_all(SUPPORTS, params![org_id]).await?;
    let indicators: Vec<IndicatorRow> = conn.fetch_all(INDICATORS, params![org_id]).await?;
    let targets: Vec<TargetRow> = conn.fetch_all(TARGETS, params![org_id]).await?;

    let keys: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.unit_key.as_str())).collect();

    /// An indicator's target values and target ids, by year.
    type Targets = (BTreeMap<i32, TargetValue>, BTreeMap<i32, i64>);
    let mut targets_of: HashMap<i64, Targets> = HashMap::new();
    for t in &targets {
        let year = i32::try_from(t.year).map_err(corrupt)?;
        let value = value_from((
            t.value_number,
            t.value_min,
            t.value_max,
            t.value_text.clone(),
        ))
        .ok_or_else(|| corrupt(format!("target {} tidak berisi nilai", t.id)))?;
        let entry = targets_of.entry(t.indicator_id).or_default();
        entry.0.insert(year, value);
        entry.1.insert(year, t.id);
    }

    let mut indicators_of: HashMap<i64, Vec<(Indicator, IndicatorIds)>> = HashMap::new();
    for i in &indicators {
        let (values, ids) = targets_of.remove(&i.id).unwrap_or_default();
        let ind = i.to_domain(values)?;
        let ids = IndicatorIds {
            id: i.id,
            code: ind.code.clone(),
            position: i.seq,
            targets: ids,
        };
        indicators_of
            .entry(i.objective_id)
            .or_default()
            .push((ind, ids));
    }

    let mut supports_of: HashMap<i64, Vec<(Support, SupportIds)>> = HashMap::new();
    for s in &supports {
        supports_of.entry(s.objective_id).or_default().push((
            Support {
                unit: unit_key(&s.target_unit)?,
                objective: code(&s.target_code)?,
                weight: s.weight,
            },
            SupportIds {
                id: s.id,
                target_objective_id: s.target_id,
            },
        ));
    }

    let mut objectives_of: HashMap<i64, Vec<(Objective, ObjectiveIds)>> = HashMap::new();
    for o in &objectives {
        let (supports, support_ids) = take_unzipped(&mut supports_of, o.id);
        let (inds, ind_ids) = take_unzipped(&mut indicators_of, o.id);
        let obj = Objective {
            code: code(&o.code)?,
            statement: o.statement.clone(),
            supports,
            indicators: inds,
        };
        let ids = ObjectiveIds {
            id: o.id,
            code: obj.code.clone(),
            position: o.seq,
            supports: support_ids,
            indicators: ind_ids,
        };
        objectives_of.entry(o.unit_id).or_default().push((obj, ids));
    }

    let mut officials_of: HashMap<i64, Vec<(Official, i64)>> = HashMap::new();
    for o in &officials {
        officials_of
            .entry(o.unit_id)
            .or_default()
            .push((o.to_domain()?, o.id));
    }

    let mut out_units = Vec::with_capacity(units.len());
    let mut ids = Vec::with_capacity(units.len());
    for u in &units {
        let key = unit_key(&u.unit_key)?;
        let parent = match u.parent_id {
            None => None,
            Some(p) => Some(unit_key(keys.get(&p).ok_or_else(|| {
                corrupt(format!("induk {p} dari unit {} tidak ada", u.unit_key))
            })?)?),
        };
        let (officials, official_ids) = take_unzipped(&mut officials_of, u.id);
        let (objectives, objective_ids) = take_unzipped(&mut objectives_of, u.id);
        ids.push(UnitIds {
            id: u.id,
            key: key.clone(),
            parent_id: u.parent_id,
            position: u.seq,
            officials: official_ids,
            objectives: objective_ids,
        });
        out_units.push(Unit {
            key,
            name: u.name.clone(),
            kind: UnitKind::from_str_opt(&u.kind)
                .ok_or_else(|| corrupt(format!("jenis unit '{}' tidak dikenal", u.kind)))?,
            parent,
            officials,
            objectives,
        });
    }

    let programs = load_programs(conn, org_id).await?;
    let draft = OrganisationDraft {
        programs,
        name: row.name.clone(),
        title: row.title.clone(),
        demo: row.demo,
        renstra: row.renstra()?,
        units: out_units,
    };
    Ok(Loaded { row, draft, ids })
}
