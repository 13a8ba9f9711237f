//! Editing the pemda's RPJMD tree in the browser (Bappeda): `/pemda/{pemda}/rpjmd` lists the
//! tree with its findings; nodes (misi, tujuan, tematik, sub tematik, sasaran daerah) are
//! added, changed and removed there, indicators with the very form of an OPD's indicator
//! (`edit::IndicatorForm`, `edit_indicator.html`, checked by `IndicatorForm::parse` against the
//! RPJMD period). Every change is the whole tree validated again and saved by
//! `Store::save_pemda`: one audit record with the tree before and after. Links to a node or
//! indicator that is removed are kept and shown as broken.

use crate::auth::CurrentUser;
use crate::permission::{Action, Target, can};
use crate::routes::edit::{IndicatorForm, IndicatorPage, invalid, lenient, respond};
use crate::routes::organisations::{FindingLine, finding_lines};
use crate::routes::pemda::{field, parse_code};
use crate::views::{Layout, render};
use crate::{AppState, Error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pokin_domain::pemda::{Pemda, PemdaDraft, PemdaLevel, PemdaNode};
use pokin_domain::{Code, Indicator};
use pokin_store::User;
use serde::Deserialize;

const LEVELS: [PemdaLevel; 5] = [
    PemdaLevel::Misi,
    PemdaLevel::Tujuan,
    PemdaLevel::Tematik,
    PemdaLevel::SubTematik,
    PemdaLevel::Sasaran,
];

struct NodeLine {
    code: String,
    level: &'static str,
    statement: String,
    parent: String,
    depth: usize,
    has_indicators: bool,
    indicators: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "pemda_rpjmd.html")]
struct RpjmdEditPage {
    layout: Layout,
    id: i64,
    name: String,
    visi: String,
    period: String,
    nodes: Vec<NodeLine>,
    levels: Vec<(&'static str, &'static str)>,
    parents: Vec<(String, String)>,
    findings: Vec<FindingLine>,
    can_edit: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn edit_page(
    current: &CurrentUser,
    id: i64,
    p: &Pemda,
    notice: Option<&'static str>,
    error: Option<String>,
) -> RpjmdEditPage {
    fn walk(p: &Pemda, parent: Option<&Code>, depth: usize, out: &mut Vec<NodeLine>) {
        for n in p.children(parent) {
            out.push(NodeLine {
                code: n.code.to_string(),
                level: n.level.label(),
                statement: n.statement.clone(),
                parent: n.parent.as_ref().map(Code::to_string).unwrap_or_default(),
                depth,
                has_indicators: n.level != PemdaLevel::Misi,
                indicators: n
                    .indicators
                    .iter()
                    .map(|i| (i.code.to_string(), i.name.clone(), i.targets_text()))
                    .collect(),
            });
            walk(p, Some(&n.code), depth + 1, out);
        }
    }
    let mut nodes = Vec::new();
    walk(p, None, 0, &mut nodes);
    RpjmdEditPage {
        layout: Layout::for_user(current, format!("Pohon RPJMD — {}", p.name), "pemda"),
        id,
        name: p.name.clone(),
        visi: p.visi.clone(),
        period: format!("{}–{}", p.rpjmd.start, p.rpjmd.end),
        nodes,
        levels: LEVELS.iter().map(|l| (l.as_str(), l.label())).collect(),
        parents: p
            .nodes
            .iter()
            .filter(|n| n.level != PemdaLevel::Sasaran)
            .map(|n| {
                (
                    n.code.to_string(),
                    format!("{} {} — {}", n.level.label(), n.code, n.statement),
                )
            })
            .collect(),
        findings: finding_lines(pokin_domain::check::pemda_findings(p)),
        can_edit: can(&current.user, Action::EditPemda, Target::Pemda(id)).is_ok(),
        notice,
        error,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    pub pesan: String,
}

fn notice(pesan: &str) -> Option<&'static str> {
    match pesan {
        "simpul" => Some("Simpul RPJMD tersimpan."),
        "simpul-dihapus" => Some(
            "Simpul dihapus. Tautan perangkat daerah ke simpul itu tetap ada dan ditandai rusak.",
        ),
        "indikator" => Some("Indikator tersimpan."),
        "indikator-dihapus" => Some("Indikator dihapus; tautan kepadanya ditandai rusak."),
        _ => None,
    }
}

/// `GET /pemda/{pemda}/rpjmd`: the tree, its findings and (for Bappeda) the editing forms.
pub async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, Error> {
    can(&current.user, Action::ReadPemda, Target::Pemda(id))?;
    let p = state.store.load_pemda(id).await?;
    render(&edit_page(&current, id, &p, notice(&q.pesan), None))
}

/// Loads the tree for Bappeda to change.
async fn editable(state: &AppState, user: &User, id: i64) -> Result<Pemda, Error> {
    can(user, Action::EditPemda, Target::Pemda(id))?;
    Ok(state.store.load_pemda(id).await?)
}

/// Validates the changed tree and stores it (one audit record).
async fn save(state: &AppState, user: &User, id: i64, draft: PemdaDraft) -> Result<(), Error> {
    let pemda = draft.validate().map_err(|e| {
        Error::unprocessable(format!(
            "Perubahan ini membuat pohon RPJMD tidak sah: {}",
            e.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    state
        .store
        .save_pemda(&user.username, Some(id), &pemda)
        .await?;
    Ok(())
}

/// The tree page again with the refusal (422).
async fn refused(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    e: Error,
) -> Result<Response, Error> {
    let Error::Unprocessable { message, .. } = e else {
        return Err(e);
    };
    let p = state.store.load_pemda(id).await?;
    let mut r = render(&edit_page(current, id, &p, None, Some(message)))?.into_response();
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// A node as the form sends it: a new one, or (an existing `kode`) a change of its statement
/// and parent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeForm {
    #[serde(deserialize_with = "lenient")]
    pub kode: String,
    /// misi, tujuan, tematik, sub_tematik, sasaran (new nodes only).
    #[serde(deserialize_with = "lenient")]
    pub tingkat: String,
    /// The parent's code (empty for a misi).
    #[serde(deserialize_with = "lenient")]
    pub induk: String,
    #[serde(deserialize_with = "lenient")]
    pub pernyataan: String,
}

fn apply_node(p: &Pemda, f: &NodeForm) -> Result<PemdaDraft, Error> {
    let code = parse_code("kode", &f.kode)?;
    let parent = match f.induk.trim() {
        "" => None,
        s => Some(parse_code("induk", s)?),
    };
    let statement = f.pernyataan.trim().to_owned();
    if statement.is_empty() {
        return Err(field("pernyataan", "pernyataan wajib diisi"));
    }
    let mut d = p.clone().into_draft();
    match d.nodes.iter_mut().find(|n| n.code == code) {
        Some(n) => {
            n.statement = statement;
            n.parent = parent;
        }
        None => {
            let level = PemdaLevel::from_str_opt(f.tingkat.trim()).ok_or_else(|| {
                field(
                    "tingkat",
                    "pilih tingkat: misi, tujuan, tematik, sub tematik atau sasaran daerah",
                )
            })?;
            d.nodes.push(PemdaNode {
                code,
                level,
                statement,
                parent,
                indicators: Vec::new(),
            });
        }
    }
    Ok(d)
}

/// `POST /pemda/{pemda}/rpjmd/simpul`.
pub async fn save_node(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<NodeForm>,
) -> Result<Response, Error> {
    let step = async {
        let p = editable(&state, &current.user, id).await?;
        save(&state, &current.user, id, apply_node(&p, &f)?).await
    };
    match step.await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/pemda/{id}/rpjmd?pesan=simpul#simpul-{}",
            f.kode.trim().to_uppercase()
        ))
        .into_response()),
        Err(e) => refused(&state, &current, id, e).await,
    }
}

/// `POST /pemda/{pemda}/rpjmd/simpul/{code}/hapus`: a node without children, with its
/// indicators.
pub async fn delete_node(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let step = async {
        let p = editable(&state, &current.user, id).await?;
        let code = Code::parse(&code)
            .ok()
            .filter(|c| p.node(c).is_some())
            .ok_or_else(|| Error::not_found("Simpul RPJMD itu tidak ada."))?;
        if p.children(Some(&code)).next().is_some() {
            return Err(Error::unprocessable(format!(
                "Simpul {code} masih memiliki simpul di bawahnya; hapus atau pindahkan simpul \
                 itu lebih dahulu."
            )));
        }
        let mut d = p.into_draft();
        d.nodes.retain(|n| n.code != code);
        save(&state, &current.user, id, d).await
    };
    match step.await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/pemda/{id}/rpjmd?pesan=simpul-dihapus")).into_response())
        }
        Err(e) => refused(&state, &current, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IndicatorQuery {
    /// The indicator to change (empty: a new one).
    pub kode: String,
}

fn indicator_page(
    current: &CurrentUser,
    id: i64,
    p: &Pemda,
    node: &PemdaNode,
    editing: Option<&str>,
    form: IndicatorForm,
    errors: Vec<(String, String)>,
) -> IndicatorPage {
    let base = format!("/pemda/{id}/rpjmd");
    IndicatorPage::new(
        Layout::for_user(current, "Indikator RPJMD", "pemda"),
        vec![
            (format!("/pemda/{id}"), p.name.clone()),
            (base.clone(), "Pohon RPJMD".into()),
        ],
        format!("{base}#simpul-{}", node.code),
        editing.is_some(),
        format!("{} {} {}", node.level.label(), node.code, node.statement),
        match editing {
            Some(c) => format!("{base}/simpul/{}/indikator?kode={c}", node.code),
            None => format!("{base}/simpul/{}/indikator", node.code),
        },
        editing.map(|c| format!("{base}/indikator/{c}/hapus")),
        form,
        p.rpjmd.years().collect(),
        errors,
    )
}

fn node_of<'a>(p: &'a Pemda, code: &str) -> Result<&'a PemdaNode, Error> {
    Code::parse(code)
        .ok()
        .and_then(|c| p.node(&c))
        .filter(|n| n.level != PemdaLevel::Misi)
        .ok_or_else(|| Error::not_found("Tujuan atau sasaran daerah itu tidak ada."))
}

/// `GET /pemda/{pemda}/rpjmd/simpul/{code}/indikator[?kode=IKS1]`: the indicator form.
pub async fn indicator_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<IndicatorQuery>,
) -> Result<Response, Error> {
    let p = editable(&state, &current.user, id).await?;
    let node = node_of(&p, &code)?;
    let editing = q.kode.trim();
    let form = match editing {
        "" => IndicatorForm {
            iku: true,
            ..IndicatorForm::default()
        },
        c => IndicatorForm::of(
            node.indicators
                .iter()
                .find(|i| i.code.as_str() == c)
                .ok_or_else(|| Error::not_found("Indikator itu tidak ada pada simpul ini."))?,
        ),
    };
    let editing = (!editing.is_empty()).then_some(editing);
    respond(
        &indicator_page(&current, id, &p, node, editing, form, vec![]),
        false,
    )
}

/// `POST /pemda/{pemda}/rpjmd/simpul/{code}/indikator[?kode=IKS1]`: a new indicator, or the
/// changed one named by `kode`.
pub async fn save_indicator(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<IndicatorQuery>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let p = editable(&state, &current.user, id).await?;
    let node = node_of(&p, &code)?.clone();
    let form = IndicatorForm::from_pairs(&pairs);
    let editing = Some(q.kode.trim()).filter(|k| !k.is_empty());
    if let Some(k) = editing
        && !node.indicators.iter().any(|i| i.code.as_str() == k)
    {
        return Err(Error::not_found("Indikator itu tidak ada pada simpul ini."));
    }
    let step = async {
        let (spec, targets) = form.parse(
            Some((p.rpjmd, "RPJMD")),
            |c| {
                p.indicators()
                    .any(|(_, i)| &i.code == c && Some(i.code.as_str()) != editing)
            },
            "dalam RPJMD ini",
        )?;
        let indicator = Indicator {
            code: spec.code,
            name: spec.name,
            iku: spec.iku,
            satuan: spec.satuan,
            polarity: spec.polarity,
            aggregation: spec.aggregation,
            definition: spec.definition,
            formula: spec.formula,
            data_source: spec.data_source,
            responsible: spec.responsible,
            baseline: spec.baseline,
            decimals: spec.decimals,
            periodisation: spec.periodisation,
            targets,
        };
        let mut d = p.clone().into_draft();
        let n = d
            .nodes
            .iter_mut()
            .find(|n| n.code == node.code)
            .expect("the node was found above");
        match editing.and_then(|k| n.indicators.iter().position(|i| i.code.as_str() == k)) {
            Some(at) => n.indicators[at] = indicator,
            None => n.indicators.push(indicator),
        }
        save(&state, &current.user, id, d).await
    };
    match step.await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/pemda/{id}/rpjmd?pesan=indikator#simpul-{}",
            node.code
        ))
        .into_response()),
        Err(e) => {
            let errors = invalid(e)?;
            respond(
                &indicator_page(&current, id, &p, &node, editing, form, errors),
                true,
            )
        }
    }
}

/// `POST /pemda/{pemda}/rpjmd/indikator/{code}/hapus`.
pub async fn delete_indicator(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, Error> {
    let step = async {
        let p = editable(&state, &current.user, id).await?;
        let code = Code::parse(&code)
            .ok()
            .filter(|c| p.indicator(c).is_some())
            .ok_or_else(|| Error::not_found("Indikator RPJMD itu tidak ada."))?;
        let mut d = p.into_draft();
        for n in &mut d.nodes {
            n.indicators.retain(|i| i.code != code);
        }
        save(&state, &current.user, id, d).await
    };
    match step.await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/pemda/{id}/rpjmd?pesan=indikator-dihapus")).into_response())
        }
        Err(e) => refused(&state, &current, id, e).await,
    }
}
