//! Guessing the tree's links: each unit's parent and, for each objective below the head, the
//! objective of the parent unit it supports (the cascade).
//!
//! Parents follow the kinds: the (first) Kepala is the root; Sekretariat, Bidang, UPT and
//! blocks without a known heading stand under it; a Sub Bagian stands under the Sekretariat; a
//! Seksi stands under the Bidang-level unit whose name shares most words with its own (stems
//! compared, so *Seksi Industri Agro* finds *Bidang Perindustrian*), else under the one whose
//! objectives and indicators read most like its own, else under the nearest one before it.
//! Every guess is reported: by kind or name as `info`, by wording or position as `warning`.
//!
//! Supports: a child unit as a whole is first compared with each objective of its parent; the
//! parent objectives that read close to the best one form the unit's *share*. Each child
//! objective then supports the objective of the share whose wording (statement and
//! indicators) is most like its own.

use super::similarity::{Idf, Vector, Vocabulary, Weights, name_words};
use super::{Diagnostic, ParsedTree, ParsedUnit};
use pokin_domain::UnitKind;
use pokin_domain::check::Severity;
use std::collections::{BTreeMap, BTreeSet};

/// How much a unit's heading counts against one objective's text when comparing units.
const NAME_WEIGHT: f32 = 2.0;
/// Indicator names count less than the statement they measure.
const INDICATOR_WEIGHT: f32 = 0.5;
/// Parent objectives scoring at least this share of the best one belong to a unit's share.
const SHARE_RATIO: f32 = 0.6;

/// Fills every unit's parent and every objective's supports, with diagnostics.
pub(crate) fn infer(tree: &mut ParsedTree) {
    let model = Model::new(&tree.units);
    let parents = infer_parents(&tree.units, &model, &mut tree.diagnostics);
    for (unit, parent) in parents.iter().enumerate() {
        tree.units[unit].parent = parent.map(|p| tree.units[p].key.clone());
    }
    infer_supports(tree, &model, &parents);
}

/// Word vectors of every unit and objective.
struct Model {
    vocabulary: Vocabulary,
    /// Per unit: heading and all its objectives and indicators.
    units: Vec<Vector>,
    /// Per unit, per objective: the statement alone, and with its indicators.
    objectives: Vec<Vec<(Vector, Vector)>>,
    /// Per unit: the features of each word of its heading (stems only).
    names: Vec<Vec<Vec<u32>>>,
}

impl Model {
    fn new(units: &[ParsedUnit]) -> Self {
        let mut vocabulary = Vocabulary::default();
        vocabulary.learn(units.iter().flat_map(|u| {
            std::iter::once(u.name.as_str()).chain(u.objectives.iter().flat_map(|o| {
                std::iter::once(o.statement.as_str())
                    .chain(o.indicators.iter().map(|i| i.name.as_str()))
            }))
        }));
        let mut idf = Idf::default();
        let mut raw_objectives = Vec::with_capacity(units.len());
        let mut raw_units = Vec::with_capacity(units.len());
        for unit in units {
            let mut whole = Weights::default();
            whole.add_text(&mut vocabulary, &unit.name, NAME_WEIGHT);
            let mut objectives = Vec::with_capacity(unit.objectives.len());
            for objective in &unit.objectives {
                let mut statement = Weights::default();
                statement.add_text(&mut vocabulary, &objective.statement, 1.0);
                let mut full = statement.clone();
                for indicator in &objective.indicators {
                    full.add_text(&mut vocabulary, &indicator.name, INDICATOR_WEIGHT);
                }
                idf.count(&full);
                whole.add(&full);
                objectives.push((statement, full));
            }
            raw_units.push(whole);
            raw_objectives.push(objectives);
        }
        let names = units
            .iter()
            .map(|u| {
                name_words(&u.name)
                    .iter()
                    .map(|w| vocabulary.plain_features(w))
                    .collect()
            })
            .collect();
        Model {
            units: raw_units.iter().map(|w| w.normalised(&idf)).collect(),
            objectives: raw_objectives
                .iter()
                .map(|os| {
                    os.iter()
                        .map(|(s, f)| (s.normalised(&idf), f.normalised(&idf)))
                        .collect()
                })
                .collect(),
            names,
            vocabulary,
        }
    }

    /// Up to three words of the document behind the features two vectors share.
    fn shared_words(&self, a: &Vector, b: &Vector) -> String {
        let mut words: Vec<&str> = Vec::new();
        for feature in a.shared(b) {
            let word = self.vocabulary.word(feature);
            if !word.is_empty() && !words.contains(&word) {
                words.push(word);
            }
            if words.len() == 3 {
                break;
            }
        }
        words.join(", ")
    }
}

/// Which candidates are found from a feature, for scoring many units against many.
#[derive(Default)]
struct Postings {
    by_feature: BTreeMap<u32, Vec<(usize, f32)>>,
}

impl Postings {
    fn add(&mut self, candidate: usize, entries: impl IntoIterator<Item = (u32, f32)>) {
        for (feature, weight) in entries {
            self.by_feature
                .entry(feature)
                .or_default()
                .push((candidate, weight));
        }
    }

    /// Dot products of `vector` with every candidate sharing a feature with it, by candidate
    /// (candidates are unit indexes below `units`).
    fn scores(&self, vector: &Vector, units: usize) -> Vec<(usize, f32)> {
        let mut sums = vec![0.0f32; units];
        let mut touched = Vec::new();
        for &(feature, weight) in vector.entries() {
            for &(candidate, theirs) in self.by_feature.get(&feature).into_iter().flatten() {
                if let Some(sum) = sums.get_mut(candidate) {
                    if *sum == 0.0 {
                        touched.push(candidate);
                    }
                    *sum += weight * theirs;
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        touched.into_iter().map(|c| (c, sums[c])).collect()
    }
}

/// Bidang-level units for a Seksi, with indexes of their names and contents.
struct Candidates {
    units: Vec<usize>,
    names: Postings,
    contents: Postings,
}

impl Candidates {
    fn new(units: &[ParsedUnit], model: &Model, kinds: &[UnitKind]) -> Self {
        let mut candidates = Candidates {
            units: Vec::new(),
            names: Postings::default(),
            contents: Postings::default(),
        };
        for (index, unit) in units.iter().enumerate() {
            if !kinds.contains(&unit.kind) {
                continue;
            }
            candidates.units.push(index);
            let features: BTreeSet<u32> = model.names[index].iter().flatten().copied().collect();
            candidates
                .names
                .add(index, features.into_iter().map(|f| (f, 1.0)));
            candidates
                .contents
                .add(index, model.units[index].entries().iter().copied());
        }
        candidates
    }

    /// Candidates whose heading shares words with unit `index`'s, with the count of its
    /// heading words found there.
    fn by_name(&self, model: &Model, index: usize) -> BTreeMap<usize, usize> {
        let mut counts = BTreeMap::new();
        for word in &model.names[index] {
            let hit: BTreeSet<usize> = word
                .iter()
                .flat_map(|f| self.names.by_feature.get(f).into_iter().flatten())
                .map(|&(candidate, _)| candidate)
                .filter(|&candidate| candidate != index)
                .collect();
            for candidate in hit {
                *counts.entry(candidate).or_insert(0) += 1;
            }
        }
        counts
    }

    /// The candidate before `index` nearest to it, else the first after it.
    fn nearest(&self, index: usize) -> Option<usize> {
        // `units` is in document order.
        let split = self.units.partition_point(|&c| c < index);
        let before = split.checked_sub(1).and_then(|i| self.units.get(i));
        let after = self.units[split..].iter().find(|&&c| c != index);
        before.or(after).copied()
    }
}

/// Picks the best-scoring key; ties go to the candidate nearest before `index`, then after.
fn best_by<T: PartialOrd + Copy>(
    scores: impl IntoIterator<Item = (usize, T)>,
    index: usize,
) -> Option<(usize, T)> {
    let closeness = |c: usize| {
        if c < index {
            (0, index - c)
        } else {
            (1, c - index)
        }
    };
    scores.into_iter().fold(None, |best, (c, s)| match best {
        None => Some((c, s)),
        Some((b, bs)) => {
            let better = s > bs || (s == bs && closeness(c) < closeness(b));
            Some(if better { (c, s) } else { (b, bs) })
        }
    })
}

fn unit_line(unit: &ParsedUnit) -> usize {
    unit.lines
        .first()
        .or_else(|| unit.objectives.first().and_then(|o| o.lines.first()))
        .copied()
        .unwrap_or(1)
}

/// The parent of every unit, as an index.
fn infer_parents(
    units: &[ParsedUnit],
    model: &Model,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<usize>> {
    let head = units.iter().position(|u| u.kind == UnitKind::Kepala);
    let bidang_level = Candidates::new(
        units,
        model,
        &[UnitKind::Bidang, UnitKind::Unnamed, UnitKind::Upt],
    );
    let sekretariat_level = Candidates::new(units, model, &[UnitKind::Sekretariat, UnitKind::Upt]);
    let sekretariat = units.iter().position(|u| u.kind == UnitKind::Sekretariat);
    let mut parents = Vec::with_capacity(units.len());
    for (index, unit) in units.iter().enumerate() {
        let mut guess = Guess {
            units,
            index,
            diagnostics: &mut *diagnostics,
        };
        let parent = match unit.kind {
            UnitKind::Kepala => guess.head(head),
            UnitKind::Sekretariat | UnitKind::Bidang | UnitKind::Upt | UnitKind::Unnamed => {
                guess.under_head(head)
            }
            UnitKind::SubBagian => guess.sub_bagian(model, &sekretariat_level, sekretariat, head),
            UnitKind::Seksi => guess.seksi(model, &bidang_level, head),
        };
        parents.push(parent);
    }
    parents
}

/// The parent guess for one unit, and its diagnostic.
struct Guess<'a> {
    units: &'a [ParsedUnit],
    index: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Guess<'_> {
    fn unit(&self) -> &ParsedUnit {
        &self.units[self.index]
    }

    fn name(&self, index: usize) -> &str {
        &self.units[index].name
    }

    fn report(&mut self, severity: Severity, code: &str, message: String) {
        let line = unit_line(self.unit());
        self.diagnostics
            .push(Diagnostic::new(line, severity, code, message));
    }

    fn head(&mut self, head: Option<usize>) -> Option<usize> {
        if let Some(first) = head
            && first != self.index
        {
            let message = format!(
                "unit '{}' adalah unit Kepala kedua (yang pertama '{}' di baris {}); unit ini tidak diberi induk. Periksa apakah berkas ini menggabungkan dua pohon kinerja",
                self.unit().name,
                self.name(first),
                unit_line(&self.units[first])
            );
            self.report(Severity::Warning, "many-heads", message);
        }
        None
    }

    fn under_head(&mut self, head: Option<usize>) -> Option<usize> {
        let head = head?;
        let why = match self.unit().kind {
            UnitKind::Unnamed => {
                "sebagai unit setingkat Bidang, karena jenisnya tidak diketahui".to_owned()
            }
            kind => format!("menurut jenis unitnya ({})", kind.label()),
        };
        let message = format!(
            "unit '{}' ditempatkan langsung di bawah '{}' {why}",
            self.unit().name,
            self.name(head),
        );
        self.report(Severity::Info, "inferred-parent", message);
        Some(head)
    }

    fn sub_bagian(
        &mut self,
        model: &Model,
        candidates: &Candidates,
        sekretariat: Option<usize>,
        head: Option<usize>,
    ) -> Option<usize> {
        if let Some(parent) = self.by_name(model, candidates) {
            return Some(parent);
        }
        if let Some(parent) = sekretariat {
            let message = format!(
                "unit '{}' ditempatkan di bawah '{}' menurut jenis unitnya (Sub Bagian di bawah Sekretariat)",
                self.unit().name,
                self.name(parent)
            );
            self.report(Severity::Info, "inferred-parent", message);
            return Some(parent);
        }
        self.fallback_to_head(head, "Sekretariat")
    }

    fn seksi(
        &mut self,
        model: &Model,
        candidates: &Candidates,
        head: Option<usize>,
    ) -> Option<usize> {
        if let Some(parent) = self.by_name(model, candidates) {
            return Some(parent);
        }
        if let Some(parent) = self.by_content(model, candidates) {
            return Some(parent);
        }
        if let Some(parent) = candidates.nearest(self.index) {
            let message = format!(
                "induk unit '{}' tidak dapat ditentukan dari nama maupun isinya; ditempatkan di bawah '{}', unit setingkat Bidang yang terdekat. Periksa dan ubah bila perlu",
                self.unit().name,
                self.name(parent)
            );
            self.report(Severity::Warning, "inferred-parent", message);
            return Some(parent);
        }
        self.fallback_to_head(head, "Bidang")
    }

    /// The candidate whose heading shares most words; ties go to the one whose content is
    /// most alike, then to the nearest.
    fn by_name(&mut self, model: &Model, candidates: &Candidates) -> Option<usize> {
        let counts = candidates.by_name(model, self.index);
        let most = counts.values().copied().max()?;
        let tied: BTreeSet<usize> = counts
            .iter()
            .filter(|&(_, &n)| n == most)
            .map(|(&c, _)| c)
            .collect();
        let own = &model.units[self.index];
        let scored = tied.iter().map(|&c| (c, own.cosine(&model.units[c])));
        let (parent, _) = best_by(scored, self.index)?;
        let shared: Vec<String> =
            shared_name_words(model, &self.units[self.index].name, self.index, parent);
        let message = format!(
            "unit '{}' ditempatkan di bawah '{}' karena namanya memuat kata yang sama ({})",
            self.unit().name,
            self.name(parent),
            shared.join(", ")
        );
        self.report(Severity::Info, "inferred-parent", message);
        Some(parent)
    }

    fn by_content(&mut self, model: &Model, candidates: &Candidates) -> Option<usize> {
        let scores = candidates
            .contents
            .scores(&model.units[self.index], self.units.len());
        let scored = scores
            .into_iter()
            .filter(|&(c, s)| c != self.index && s > 0.0);
        let (parent, _) = best_by(scored, self.index)?;
        let message = format!(
            "induk unit '{}' tidak dapat ditentukan dari namanya; ditempatkan di bawah '{}' karena sasaran dan indikatornya paling mirip (kata yang sama: {}). Periksa dan ubah bila perlu",
            self.unit().name,
            self.name(parent),
            model.shared_words(&model.units[self.index], &model.units[parent])
        );
        self.report(Severity::Warning, "inferred-parent", message);
        Some(parent)
    }

    fn fallback_to_head(&mut self, head: Option<usize>, expected: &str) -> Option<usize> {
        let unit = self.unit();
        let label = unit.kind.label();
        let (severity, code, message, parent) = match head {
            Some(head) => (
                Severity::Warning,
                "inferred-parent",
                format!(
                    "tidak ada unit {expected} untuk {label} '{}'; unit ini ditempatkan langsung di bawah '{}'. Tambahkan judul unit atasannya bila hilang",
                    unit.name,
                    self.name(head)
                ),
                Some(head),
            ),
            None => (
                Severity::Warning,
                "no-parent",
                format!(
                    "tidak ada unit {expected} maupun Kepala untuk {label} '{}'; unit ini menjadi puncak pohon. Tambahkan judul unit atasannya bila hilang",
                    unit.name
                ),
                None,
            ),
        };
        self.report(severity, code, message);
        parent
    }
}

/// The heading words of `unit` found in `parent`'s heading, as written in `name`.
fn shared_name_words(model: &Model, name: &str, unit: usize, parent: usize) -> Vec<String> {
    let theirs: BTreeSet<u32> = model.names[parent].iter().flatten().copied().collect();
    name_words(name)
        .into_iter()
        .zip(&model.names[unit])
        .filter(|(_, features)| features.iter().any(|f| theirs.contains(f)))
        .map(|(word, _)| word)
        .collect()
}

/// Fills `supports` of every objective of a unit with a parent.
fn infer_supports(tree: &mut ParsedTree, model: &Model, parents: &[Option<usize>]) {
    for (child, parent) in parents.iter().enumerate() {
        let Some(parent) = *parent else {
            continue;
        };
        if tree.units[parent].objectives.is_empty() {
            continue;
        }
        let share = unit_share(model, child, parent);
        for objective in 0..tree.units[child].objectives.len() {
            let choice = supported_objective(model, child, objective, parent, &share);
            let (diagnostic, support) =
                support_report(tree, model, child, objective, parent, choice);
            tree.diagnostics.push(diagnostic);
            if let Some(target) = support {
                let link = (
                    tree.units[parent].key.clone(),
                    tree.units[parent].objectives[target].code.clone(),
                );
                tree.units[child].objectives[objective].supports.push(link);
            }
        }
    }
}

/// The parent objectives the child unit as a whole reads close to, best first, with scores.
fn unit_share(model: &Model, child: usize, parent: usize) -> Vec<(usize, f32)> {
    let whole = &model.units[child];
    let mut scores: Vec<(usize, f32)> = model.objectives[parent]
        .iter()
        .enumerate()
        .map(|(j, (_, full))| (j, whole.cosine(full)))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    let best = scores.iter().map(|(_, s)| *s).fold(0.0, f32::max);
    scores.retain(|(_, s)| *s >= SHARE_RATIO * best);
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scores
}

/// How an objective's supported objective was chosen.
enum Choice {
    /// By the objective's own wording.
    Wording(usize),
    /// By the unit's wording only (the objective shares no word with the share).
    Unit(usize),
    Nothing,
}

fn supported_objective(
    model: &Model,
    child: usize,
    objective: usize,
    parent: usize,
    share: &[(usize, f32)],
) -> Choice {
    let (statement, full) = &model.objectives[child][objective];
    let parent_objectives = &model.objectives[parent];
    let within: Vec<usize> = if share.is_empty() {
        (0..parent_objectives.len()).collect()
    } else {
        share.iter().map(|(j, _)| *j).collect()
    };
    let best = within
        .iter()
        .map(|&j| {
            let (their_statement, their_full) = &parent_objectives[j];
            (
                j,
                full.cosine(their_full) + statement.cosine(their_statement),
            )
        })
        .filter(|(_, s)| *s > 0.0)
        .fold(None::<(usize, f32)>, |best, (j, s)| match best {
            Some((_, bs)) if bs >= s => best,
            _ => Some((j, s)),
        });
    match (best, share.first()) {
        (Some((j, _)), _) => Choice::Wording(j),
        (None, Some((j, _))) => Choice::Unit(*j),
        (None, None) => Choice::Nothing,
    }
}

fn support_report(
    tree: &ParsedTree,
    model: &Model,
    child: usize,
    objective: usize,
    parent: usize,
    choice: Choice,
) -> (Diagnostic, Option<usize>) {
    let unit = &tree.units[child];
    let own = &unit.objectives[objective];
    let line = own
        .lines
        .first()
        .copied()
        .unwrap_or_else(|| unit_line(unit));
    let parent_unit = &tree.units[parent];
    let describe = |j: usize| {
        let target = &parent_unit.objectives[j];
        format!(
            "sasaran {} '{}' pada '{}'",
            target.code, target.statement, parent_unit.name
        )
    };
    let (severity, code, message, support) = match choice {
        Choice::Wording(j) => (
            Severity::Info,
            "inferred-support",
            format!(
                "sasaran {} diperkirakan mendukung {} (kata yang sama: {}). Periksa dan ubah bila perlu",
                own.code,
                describe(j),
                model.shared_words(
                    &model.objectives[child][objective].1,
                    &model.objectives[parent][j].1
                )
            ),
            Some(j),
        ),
        Choice::Unit(j) => (
            Severity::Info,
            "inferred-support",
            format!(
                "sasaran {} diperkirakan mendukung {}, yang paling dekat dengan isi unit '{}' secara keseluruhan. Periksa dan ubah bila perlu",
                own.code,
                describe(j),
                unit.name
            ),
            Some(j),
        ),
        Choice::Nothing => (
            Severity::Warning,
            "no-support",
            format!(
                "sasaran {} tidak memiliki kata yang sama dengan sasaran mana pun pada '{}', sehingga sasaran yang didukungnya tidak dapat diperkirakan; tetapkan sendiri",
                own.code, parent_unit.name
            ),
            None,
        ),
    };
    (Diagnostic::new(line, severity, code, message), support)
}
