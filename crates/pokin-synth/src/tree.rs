//! The tree of one synthetic organisation: units, officials, objectives with their cascade,
//! indicators with their manual IK and Renstra targets.

use crate::catalogue::{
    AKUNTABILITAS, DEGREES, FAMILY_NAMES, FEMALE_NAMES, INDICATORS, KECAMATAN,
    KECAMATAN_PER_KABUPATEN, MALE_NAMES, MASTERS, OBJECTIVES, OrgType, PERANGKAT_DAERAH, PLACES,
    SEKSI_PREFIXES, SUB_BAGIAN, SUB_BAGIAN_KECAMATAN, Shape, Spec, Values,
};
use crate::rng::Rng;
use crate::{RENSTRA_END, RENSTRA_START};
use chrono::NaiveDate;
use pokin_domain::{
    Code, Indicator, Nip, Objective, Official, OrganisationDraft, Renstra, Support, TargetValue,
    Unit, UnitKey, UnitKind, slugify,
};
use std::collections::{BTreeMap, BTreeSet};

/// Which organisation is number `org_index` of a kabupaten: its type and, for a kecamatan, its
/// place name (distinct within the kabupaten).
pub(crate) fn org_type(
    seed: u64,
    index: usize,
    org_index: usize,
) -> (&'static OrgType, Option<&'static str>) {
    if let Some(t) = PERANGKAT_DAERAH.get(org_index) {
        return (t, None);
    }
    let k = org_index - PERANGKAT_DAERAH.len();
    assert!(
        k < KECAMATAN_PER_KABUPATEN,
        "organisasi ke-{org_index} tidak ada"
    );
    let mut rng = Rng::new(&[seed, index as u64, u64::MAX]);
    let places = rng.sample(PLACES.len(), KECAMATAN_PER_KABUPATEN);
    (&KECAMATAN, Some(PLACES[places[k]]))
}

/// `Kabupaten Sintetis 017` for index 16.
pub fn kabupaten_name(index: usize) -> String {
    format!("Kabupaten Sintetis {:03}", index + 1)
}

/// One unit before keys are assigned.
struct Planned {
    name: String,
    kind: UnitKind,
    parent: Option<usize>,
    /// What its objectives and indicators are about (lower case).
    subject: String,
    /// The head's position, e.g. `Kepala Bidang Pelayanan Kesehatan`.
    head_title: String,
}

/// A unit's head position, as written in a PK or a manual IK.
fn head_title(kind: UnitKind, name: &str, shape: Shape, org_head: &str) -> String {
    match kind {
        UnitKind::Kepala => org_head.to_owned(),
        UnitKind::Sekretariat if shape == Shape::Kecamatan => "Sekretaris Kecamatan".into(),
        UnitKind::Sekretariat => "Sekretaris".into(),
        _ => format!("Kepala {name}"),
    }
}

/// The units of an organisation of type `t`, parents before children.
fn plan_units(t: &OrgType, rng: &mut Rng) -> Vec<Planned> {
    let mut units: Vec<Planned> = Vec::new();
    let push = |units: &mut Vec<Planned>, name: String, kind, parent, subject: String| {
        let head_title = head_title(kind, &name, t.shape, t.head);
        units.push(Planned {
            name,
            kind,
            parent,
            subject,
            head_title,
        });
        units.len() - 1
    };
    let head = push(
        &mut units,
        t.head.to_owned(),
        UnitKind::Kepala,
        None,
        String::new(),
    );
    if t.shape == Shape::Kecamatan {
        let sek = push(
            &mut units,
            "Sekretariat Kecamatan".into(),
            UnitKind::Sekretariat,
            Some(head),
            "kesekretariatan kecamatan".into(),
        );
        for sb in SUB_BAGIAN_KECAMATAN {
            push(
                &mut units,
                format!("Sub Bagian {sb}"),
                UnitKind::SubBagian,
                Some(sek),
                sb.to_lowercase(),
            );
        }
        let seksi = rng.between(4, 5);
        let mut chosen = rng.sample(t.bidang.len(), seksi);
        chosen.sort_unstable();
        for i in chosen {
            let subject = t.bidang[i];
            push(
                &mut units,
                format!("Seksi {subject}"),
                UnitKind::Seksi,
                Some(head),
                subject.to_lowercase(),
            );
        }
        return units;
    }

    // Dinas / Badan: aim at 20–30 units.
    let wanted = rng.between(20, 30);
    let sub_bagian = rng.between(2, 3);
    let upt = if t.upt.is_empty() {
        0
    } else {
        [0, 1, 1, 2][rng.below(4)].min(t.upt.len())
    };
    let rest = wanted.saturating_sub(2 + sub_bagian + upt);
    let bidang = ((rest as f64 / 4.0).round() as usize)
        .clamp(3, 5)
        .min(t.bidang.len());
    let seksi_total = rest.saturating_sub(bidang).clamp(2 * bidang, 5 * bidang);

    let sek = push(
        &mut units,
        "Sekretariat".into(),
        UnitKind::Sekretariat,
        Some(head),
        "kesekretariatan".into(),
    );
    let mut sbs = rng.sample(SUB_BAGIAN.len(), sub_bagian);
    sbs.sort_unstable();
    for i in sbs {
        push(
            &mut units,
            format!("Sub Bagian {}", SUB_BAGIAN[i]),
            UnitKind::SubBagian,
            Some(sek),
            SUB_BAGIAN[i].to_lowercase(),
        );
    }
    let mut chosen = rng.sample(t.bidang.len(), bidang);
    chosen.sort_unstable();
    let (seksi_word, seksi_kind) = match t.shape {
        Shape::Badan => ("Sub Bidang", UnitKind::Seksi),
        _ => ("Seksi", UnitKind::Seksi),
    };
    for (n, &i) in chosen.iter().enumerate() {
        let subject = t.bidang[i];
        let b = push(
            &mut units,
            format!("Bidang {subject}"),
            UnitKind::Bidang,
            Some(head),
            subject.to_lowercase(),
        );
        // Spread the Seksi evenly, the first ones taking the remainder.
        let here = seksi_total / bidang + usize::from(n < seksi_total % bidang);
        let words: BTreeSet<String> = content_words(subject);
        let prefixes: Vec<&str> = SEKSI_PREFIXES
            .iter()
            .copied()
            .filter(|p| content_words(p).is_disjoint(&words))
            .collect();
        let mut picks = rng.sample(prefixes.len(), here);
        picks.sort_unstable();
        for p in picks {
            let name = format!("{} {subject}", prefixes[p]);
            push(
                &mut units,
                format!("{seksi_word} {name}"),
                seksi_kind,
                Some(b),
                name.to_lowercase(),
            );
        }
    }
    let mut upts = rng.sample(t.upt.len(), upt);
    upts.sort_unstable();
    for i in upts {
        push(
            &mut units,
            format!("UPT {}", t.upt[i]),
            UnitKind::Upt,
            Some(head),
            t.upt[i].to_lowercase(),
        );
    }
    units
}

/// Lower-case words of a name, small words left out.
fn content_words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "dan" | "di" | "pada"))
        .map(str::to_lowercase)
        .collect()
}

/// A plausible civil servant heading a unit of `kind`, with a valid NIP.
fn official(kind: UnitKind, rng: &mut Rng) -> Official {
    let female = rng.chance(0.4);
    let first = if female {
        rng.pick(FEMALE_NAMES)
    } else {
        rng.pick(MALE_NAMES)
    };
    let family = rng.pick(FAMILY_NAMES);
    let senior = matches!(
        kind,
        UnitKind::Kepala | UnitKind::Sekretariat | UnitKind::Bidang
    );
    let mut name = String::new();
    if kind == UnitKind::Kepala && rng.chance(0.2) {
        name.push_str("Dr. ");
    }
    name.push_str(first);
    name.push(' ');
    name.push_str(family);
    name.push_str(", ");
    name.push_str(DEGREES[rng.below(DEGREES.len())]);
    if senior || rng.chance(0.2) {
        name.push_str(", ");
        name.push_str(MASTERS[rng.below(MASTERS.len())]);
    }
    let (born_from, born_to) = if senior { (1966, 1980) } else { (1972, 1992) };
    let born = rng.between(born_from, born_to) as i32;
    let cpns = (born + rng.between(23, 30) as i32).min(2019);
    let nip = format!(
        "{born:04}{:02}{:02}{cpns:04}{:02}{}{:03}",
        rng.between(1, 12),
        rng.between(1, 28),
        rng.between(1, 12),
        if female { 2 } else { 1 },
        rng.between(1, 6),
    );
    let (pangkat, golongan) = match kind {
        UnitKind::Kepala => *rng.pick(&[
            ("Pembina Utama Muda", "IV/c"),
            ("Pembina Tingkat I", "IV/b"),
        ]),
        UnitKind::Sekretariat | UnitKind::Bidang => {
            *rng.pick(&[("Pembina Tingkat I", "IV/b"), ("Pembina", "IV/a")])
        }
        UnitKind::Upt => *rng.pick(&[("Pembina", "IV/a"), ("Penata Tingkat I", "III/d")]),
        _ => *rng.pick(&[("Penata Tingkat I", "III/d"), ("Penata", "III/c")]),
    };
    let appointment = match rng.below(100) {
        0..=89 => pokin_domain::Appointment::Definitif,
        90..=96 => pokin_domain::Appointment::Plt,
        _ => pokin_domain::Appointment::Plh,
    };
    let since = NaiveDate::from_ymd_opt(
        rng.between(2019, 2025) as i32,
        rng.between(1, 12) as u32,
        rng.between(1, 28) as u32,
    );
    Official {
        name,
        nip: Some(Nip::parse(&nip).expect("a NIP of 18 digits")),
        pangkat: Some(pangkat.into()),
        golongan: Some(golongan.into()),
        appointment,
        since,
        until: None,
    }
}

/// The Renstra targets (and baseline) of an indicator drawn from its specification.
fn targets(spec: &Spec, rng: &mut Rng) -> (TargetValue, BTreeMap<i32, TargetValue>, u8) {
    let years = RENSTRA_START..=RENSTRA_END;
    let percent = spec.satuan == "%";
    match spec.values {
        Values::Level {
            lo,
            hi,
            step,
            decimals,
        } => {
            let base = round(rng.uniform(lo, hi), decimals);
            // Some units promise a little more or less each year than the template says.
            let step = step * rng.uniform(0.6, 1.4);
            let value = |k: i32| {
                let v = base + step * f64::from(k);
                let v = if percent {
                    v.clamp(0.0, 100.0)
                } else {
                    v.max(0.0)
                };
                round(v, decimals)
            };
            let targets = years
                .map(|y| (y, TargetValue::Number(value(y - RENSTRA_START + 1))))
                .collect();
            (TargetValue::Number(base), targets, decimals)
        }
        Values::Count { lo, hi, growth } => {
            let base = rng.uniform(lo, hi).round();
            let growth = growth * rng.uniform(0.6, 1.4);
            let value = |k: i32| (base * (1.0 + growth).powi(k)).round().max(0.0);
            let targets = years
                .map(|y| (y, TargetValue::Number(value(y - RENSTRA_START + 1))))
                .collect();
            (TargetValue::Number(base), targets, 0)
        }
        Values::Band { min, max } => {
            let band = || TargetValue::Range { min, max };
            (
                TargetValue::Number(round((min + max) / 2.0 + rng.uniform(-0.8, 0.8), 2)),
                years.map(|y| (y, band())).collect(),
                2,
            )
        }
        Values::Ladder(levels) => (
            TargetValue::Qualitative(levels[0].into()),
            years
                .zip(levels.iter())
                .map(|(y, l)| (y, TargetValue::Qualitative((*l).into())))
                .collect(),
            0,
        ),
    }
}

pub(crate) fn round(v: f64, decimals: u8) -> f64 {
    let p = 10f64.powi(i32::from(decimals));
    (v * p).round() / p
}

/// An indicator from a specification (`{s}` replaced by `subject`).
fn indicator(
    code: Code,
    spec: &Spec,
    subject: &str,
    responsible: &str,
    iku: bool,
    rng: &mut Rng,
) -> Indicator {
    let name = spec.name.replace("{s}", subject);
    let (baseline, targets, decimals) = targets(spec, rng);
    Indicator {
        iku,
        satuan: Some(spec.satuan.into()),
        polarity: Some(spec.polarity),
        aggregation: Some(spec.aggregation),
        responsible: Some(responsible.into()),
        baseline: Some(baseline),
        decimals: Some(decimals),
        targets,
        ..Indicator::new(code, name)
    }
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("generated codes are valid")
}

/// The draft of organisation number `org_index` of kabupaten `index`; valid by construction
/// (checked by the caller).
pub(crate) fn draft(seed: u64, index: usize, org_index: usize, rng: &mut Rng) -> OrganisationDraft {
    let (t, place) = org_type(seed, index, org_index);
    let base = match place {
        Some(p) => format!("Kecamatan {p}"),
        None => t.name.to_owned(),
    };
    let name = format!("{base} {}", kabupaten_name(index));
    let mut tree_rng = rng.fork(1);
    let mut people = rng.fork(2);
    let mut wording = rng.fork(3);
    let planned = plan_units(t, &mut tree_rng);

    // Keys: slugs of the names, made unique with a number.
    let mut used = BTreeSet::new();
    let keys: Vec<UnitKey> = planned
        .iter()
        .map(|p| {
            let slug = slugify(&p.name).expect("unit names have letters");
            let mut key = slug.as_str().to_owned();
            let mut n = 2;
            while !used.insert(key.clone()) {
                key = format!("{slug}-{n}");
                n += 1;
            }
            UnitKey::parse(&key).expect("slugs are valid keys")
        })
        .collect();

    let mut units: Vec<Unit> = Vec::with_capacity(planned.len());
    for (i, p) in planned.iter().enumerate() {
        let objectives = if p.kind == UnitKind::Kepala {
            head_objectives(t, &p.head_title, &mut wording)
        } else {
            let parent = p.parent.expect("only the head has no parent");
            lower_objectives(p, &keys[parent], &units[parent], &mut wording)
        };
        units.push(Unit {
            key: keys[i].clone(),
            name: p.name.clone(),
            kind: p.kind,
            parent: p.parent.map(|q| keys[q].clone()),
            officials: vec![official(p.kind, &mut people)],
            objectives,
        });
    }
    OrganisationDraft {
        title: Some(format!("POHON KINERJA {}", name.to_uppercase())),
        name,
        demo: true,
        renstra: Some(Renstra {
            start: RENSTRA_START,
            end: RENSTRA_END,
        }),
        units,
        programs: Vec::new(),
    }
}

/// The head's objectives: the type's strategic objectives with their IKU, and for some
/// perangkat daerah their own accountability.
fn head_objectives(t: &OrgType, responsible: &str, rng: &mut Rng) -> Vec<Objective> {
    let mut sasaran: Vec<(&str, &[Spec])> = t.sasaran.to_vec();
    if t.shape != Shape::Kecamatan && rng.chance(0.5) {
        sasaran.push(AKUNTABILITAS);
    }
    let mut iku = 0;
    sasaran
        .iter()
        .enumerate()
        .map(|(o, (statement, specs))| Objective {
            code: code(&format!("SS{}", o + 1)),
            statement: (*statement).to_owned(),
            supports: Vec::new(),
            indicators: specs
                .iter()
                .map(|s| {
                    iku += 1;
                    indicator(code(&format!("IKU{iku}")), s, "", responsible, true, rng)
                })
                .collect(),
        })
        .collect()
}

/// A lower unit's objectives (1–2, mostly 2) with 1–3 indicators each (mostly 3), each
/// supporting one objective of the parent unit.
fn lower_objectives(
    p: &Planned,
    parent_key: &UnitKey,
    parent: &Unit,
    rng: &mut Rng,
) -> Vec<Objective> {
    let count = if rng.chance(0.8) { 2 } else { 1 };
    let per: Vec<usize> = (0..count)
        .map(|_| match rng.below(20) {
            0 => 1,
            1..=8 => 2,
            _ => 3,
        })
        .collect();
    let statements = rng.sample(OBJECTIVES.len(), count);
    let mut templates = rng.sample(INDICATORS.len(), per.iter().sum()).into_iter();
    let prefix = match p.kind {
        UnitKind::SubBagian | UnitKind::Seksi => "SK",
        _ => "SP",
    };
    // The Sekretariat supports the head's accountability objective when there is one.
    let accountability = parent
        .objectives
        .iter()
        .position(|o| o.statement == AKUNTABILITAS.0);
    statements
        .iter()
        .zip(&per)
        .enumerate()
        .map(|(o, (&s, &n))| {
            let supported = match (p.kind, accountability) {
                (UnitKind::Sekretariat, Some(a)) if o == 0 => a,
                _ => rng.below(parent.objectives.len()),
            };
            Objective {
                code: code(&format!("{prefix}{}", o + 1)),
                statement: OBJECTIVES[s].replace("{s}", &p.subject),
                supports: vec![Support {
                    unit: parent_key.clone(),
                    objective: parent.objectives[supported].code.clone(),
                    weight: 1.0,
                }],
                indicators: (0..n)
                    .map(|i| {
                        let spec = &INDICATORS[templates.next().expect("enough templates")];
                        indicator(
                            code(&format!("IK{}.{}", o + 1, i + 1)),
                            spec,
                            &p.subject,
                            &p.head_title,
                            false,
                            rng,
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}
