//! The RPJMD text reader: the pemda's tree as extracted from a diagram or a table (PDF or Word
//! to text) into a [`PemdaDraft`], with the same line-numbered [`Diagnostic`]s as the OPD
//! parser (`docs/formats.md`, "RPJMD text").
//!
//! Lines start with a level word — `VISI`, `MISI`, `TUJUAN`, `TEMATIK`, `SUB TEMATIK`,
//! `SASARAN` (`SASARAN DAERAH`, `SASARAN STRATEGIS`) — or an indicator word (`IKU`, `IKT`,
//! `IKS`, `INDIKATOR`), optionally a number (`1.2`, `PERTAMA`) and `:` or `.`; other lines
//! continue the statement above. An indicator line may carry tab-separated cells: satuan,
//! baseline, then one target per RPJMD year (or the columns a header row names). The title line
//! (`RPJMD KABUPATEN … 2025–2029`) gives the name, the kind of region and the period. Each node
//! hangs under the nearest node above it at an allowed level; codes come from the numbers (`T1.2`,
//! `S1.2.1`) or, without one, from the position. Satuan and polarity of each indicator are
//! guessed from its name, as for an OPD's.

use crate::text::Diagnostic;
use crate::text::lines::normalise;
use crate::text::spec::describe;
use pokin_domain::check::Severity;
use pokin_domain::format::parse_value;
use pokin_domain::pemda::{Pemda, PemdaDraft, PemdaLevel, PemdaNode, RegionKind};
use pokin_domain::{Code, Indicator, Renstra, TargetValue};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What the reader made of an RPJMD text.
#[derive(Debug, Clone)]
pub struct RpjmdReading {
    /// The tree as read (possibly incomplete when there are errors).
    pub draft: PemdaDraft,
    /// The validated pemda, when nothing is in error.
    pub pemda: Option<Pemda>,
    /// Sorted by line.
    pub diagnostics: Vec<Diagnostic>,
}

impl RpjmdReading {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Visi,
    Node(PemdaLevel),
    Indicator,
}

/// What a continuation line extends.
#[derive(Clone, Copy)]
enum Open {
    Nothing,
    Visi,
    Node(usize),
    Indicator(usize, usize),
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(
            visi
          | misi
          | tujuan
          | sub[\s-]?tematik
          | tematik
          | sasaran(?:\s+(?:daerah|strategis|rpjmd))?
          | indikator(?:\s+kinerja)?(?:\s+(?:utama|tujuan|sasaran))?
          | ik[uts]
        )\b\s*(?P<num>(?:\d+(?:\.\d+)*\.?|pertama|kedua|ketiga|keempat|kelima|keenam|ketujuh|kedelapan|kesembilan|kesepuluh)\b)?\s*[:.\-–]?\s*(?P<rest>.*)$",
    )
    .expect("label pattern")
});

/// `IKS4`, `IKU1.2`: an indicator word glued to its number.
static GLUED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^(ik[uts])(\d)").expect("glued"));

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:19|20)\d{2})\s*[-–—/]\s*((?:19|20)\d{2})\b").expect("period")
});

static REGION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(kabupaten|kota|provinsi)\s+([A-Za-z][A-Za-z .'-]*?)\s*(?:\b(?:tahun|periode)\b|\d|$)")
        .expect("region")
});

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:target\s+)?((?:19|20)\d{2})$").expect("year"));

fn ordinal(word: &str) -> Option<u32> {
    const WORDS: [&str; 10] = [
        "pertama",
        "kedua",
        "ketiga",
        "keempat",
        "kelima",
        "keenam",
        "ketujuh",
        "kedelapan",
        "kesembilan",
        "kesepuluh",
    ];
    WORDS
        .iter()
        .position(|w| w.eq_ignore_ascii_case(word))
        .map(|i| i as u32 + 1)
}

fn label_of(word: &str) -> Label {
    let w = word.to_lowercase();
    if w == "visi" {
        Label::Visi
    } else if w == "misi" {
        Label::Node(PemdaLevel::Misi)
    } else if w == "tujuan" {
        Label::Node(PemdaLevel::Tujuan)
    } else if w.starts_with("sub") {
        Label::Node(PemdaLevel::SubTematik)
    } else if w == "tematik" {
        Label::Node(PemdaLevel::Tematik)
    } else if w.starts_with("sasaran") {
        Label::Node(PemdaLevel::Sasaran)
    } else {
        Label::Indicator
    }
}

/// The letters a node's code starts with.
fn prefix(level: PemdaLevel) -> &'static str {
    match level {
        PemdaLevel::Misi => "M",
        PemdaLevel::Tujuan => "T",
        PemdaLevel::Tematik => "TM",
        PemdaLevel::SubTematik => "ST",
        PemdaLevel::Sasaran => "S",
    }
}

/// Depth in the tree, for finding a node's parent: the nearest node above it at a smaller
/// depth whose level is one the node may hang under.
fn depth(level: PemdaLevel) -> u8 {
    match level {
        PemdaLevel::Misi => 0,
        PemdaLevel::Tujuan => 1,
        PemdaLevel::Tematik => 2,
        PemdaLevel::SubTematik => 3,
        PemdaLevel::Sasaran => 4,
    }
}

struct Reader {
    nodes: Vec<PemdaNode>,
    lines: Vec<usize>,
    indicator_lines: HashMap<Code, usize>,
    /// Number part of each node's code (`1.2` of `T1.2`), for its children's codes.
    numbers: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    visi: String,
    visi_line: Option<usize>,
    title: Option<String>,
    /// The columns an indicator row's cells carry (after the name), from a header row.
    columns: Option<Vec<Column>>,
    /// Targets as read, before the period is known: (node, indicator, cell texts, line).
    cells: Vec<(usize, usize, Vec<String>, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Satuan,
    Baseline,
    Year(i32),
    Other,
}

impl Reader {
    fn diag(&mut self, line: usize, severity: Severity, code: &str, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(line, severity, code, message));
    }

    fn node(&mut self, line: usize, level: PemdaLevel, num: Option<&str>, rest: &str) -> Open {
        let d = depth(level);
        let parent = (0..self.nodes.len()).rev().find(|&i| {
            let p = self.nodes[i].level;
            depth(p) < d && level.parents().contains(&p)
        });
        // A node of a smaller depth in between closes the search (a tujuan after a sasaran).
        let parent = parent.filter(|&p| {
            !self.nodes[p + 1..]
                .iter()
                .any(|n| depth(n.level) < depth(self.nodes[p].level))
        });
        if level != PemdaLevel::Misi && parent.is_none() {
            self.diag(
                line,
                Severity::Error,
                "rpjmd-no-parent",
                format!(
                    "{} tanpa induk: tulis dahulu {} di atasnya",
                    level.label(),
                    level
                        .parents()
                        .iter()
                        .map(|l| l.label())
                        .collect::<Vec<_>>()
                        .join(" atau ")
                ),
            );
        }
        let number = match num.map(|n| n.trim_end_matches('.')) {
            Some(n) => ordinal(n).map_or_else(|| n.to_owned(), |o| o.to_string()),
            None => {
                let siblings = self
                    .nodes
                    .iter()
                    .filter(|n| {
                        n.level == level && n.parent.as_ref() == parent.map(|p| &self.nodes[p].code)
                    })
                    .count();
                let own = siblings + 1;
                match parent {
                    Some(p) => format!("{}.{own}", self.numbers[p]),
                    None => own.to_string(),
                }
            }
        };
        let code = match Code::parse(&format!("{}{number}", prefix(level))) {
            Ok(c) => c,
            Err(e) => {
                self.diag(line, Severity::Error, "rpjmd-code", e.to_string());
                return Open::Nothing;
            }
        };
        if rest.is_empty() {
            self.diag(
                line,
                Severity::Warning,
                "rpjmd-empty-statement",
                format!("{} {code} tanpa pernyataan di barisnya; baris berikut dibaca sebagai pernyataannya", level.label()),
            );
        }
        self.nodes.push(PemdaNode {
            code,
            level,
            statement: rest.to_owned(),
            parent: parent.map(|p| self.nodes[p].code.clone()),
            indicators: Vec::new(),
        });
        self.lines.push(line);
        self.numbers.push(number);
        Open::Node(self.nodes.len() - 1)
    }

    fn indicator(
        &mut self,
        line: usize,
        word: &str,
        num: Option<&str>,
        rest: &str,
        cells: Vec<String>,
    ) -> Open {
        let Some(n) = self.nodes.len().checked_sub(1) else {
            self.diag(
                line,
                Severity::Error,
                "rpjmd-orphan-indicator",
                "indikator sebelum tujuan atau sasaran mana pun: tulis tujuan/sasarannya di atasnya",
            );
            return Open::Nothing;
        };
        if self.nodes[n].level == PemdaLevel::Misi {
            self.diag(
                line,
                Severity::Error,
                "rpjmd-misi-indicator",
                format!(
                    "indikator langsung di bawah misi {}: indikator milik tujuan atau sasaran",
                    self.nodes[n].code
                ),
            );
            return Open::Nothing;
        }
        let own = self.nodes[n].indicators.len() + 1;
        let written = match (word.to_uppercase().as_str(), num) {
            (w @ ("IKU" | "IKT" | "IKS"), Some(num)) => {
                Some(format!("{w}{}", num.trim_end_matches('.')))
            }
            _ => None,
        };
        let text = written.unwrap_or_else(|| format!("IK{}.{own}", self.nodes[n].code));
        let code = match Code::parse(&text) {
            Ok(c) => c,
            Err(e) => {
                self.diag(line, Severity::Error, "rpjmd-code", e.to_string());
                return Open::Nothing;
            }
        };
        let mut ind = Indicator::new(code.clone(), rest);
        ind.iku = true;
        self.nodes[n].indicators.push(ind);
        self.indicator_lines.insert(code, line);
        let i = self.nodes[n].indicators.len() - 1;
        if !cells.is_empty() {
            self.cells.push((n, i, cells, line));
        }
        Open::Indicator(n, i)
    }

    /// A row of column names (`Indikator | Satuan | Baseline | 2025 | …`): remembered for the
    /// indicator rows that follow.
    fn header(&mut self, cells: &[String]) -> bool {
        let cols: Vec<Column> = cells
            .iter()
            .skip(1)
            .map(|c| {
                let l = c.to_lowercase();
                if let Some(y) = YEAR.captures(&l) {
                    Column::Year(y[1].parse().unwrap_or(0))
                } else if l.contains("satuan") {
                    Column::Satuan
                } else if l.contains("baseline") || l.contains("kondisi awal") {
                    Column::Baseline
                } else {
                    Column::Other
                }
            })
            .collect();
        let years = cols.iter().filter(|c| matches!(c, Column::Year(_))).count();
        let values = cells
            .iter()
            .skip(1)
            .filter(|c| !YEAR.is_match(&c.to_lowercase()))
            .any(|c| pokin_domain::format::parse_number(c).is_some());
        if values {
            false
        } else if years >= 2 || (years >= 1 && cols.contains(&Column::Satuan)) {
            self.columns = Some(cols);
            true
        } else {
            false
        }
    }

    /// Fills satuan, baseline and targets from the cells of indicator rows, now that the
    /// period is known.
    fn apply_cells(&mut self, period: Option<Renstra>) {
        for (n, i, cells, line) in std::mem::take(&mut self.cells) {
            let cols: Vec<Column> = match &self.columns {
                Some(c) => c.clone(),
                None => {
                    let mut c = vec![Column::Satuan, Column::Baseline];
                    if let Some(p) = period {
                        c.extend((p.start..=p.end).map(Column::Year));
                    }
                    c
                }
            };
            if cells.len() > cols.len() {
                self.diag(
                    line,
                    Severity::Warning,
                    "rpjmd-extra-cells",
                    format!(
                        "{} sel lebih dari kolom yang dikenal (satuan, baseline, satu target per \
                         tahun RPJMD); sel berlebih diabaikan",
                        cells.len() - cols.len()
                    ),
                );
            }
            // A row mixing numbers and text has a typo in a number (`7o,5`).
            let read: Vec<_> = cells
                .iter()
                .zip(&cols)
                .filter(|(_, c)| matches!(c, Column::Baseline | Column::Year(_)))
                .filter_map(|(cell, _)| parse_value(cell).ok().flatten())
                .collect();
            let numeric = read
                .iter()
                .any(|v| !matches!(v, TargetValue::Qualitative(_)));
            for (cell, col) in cells.iter().zip(cols) {
                let value = || match parse_value(cell) {
                    Ok(Some(TargetValue::Qualitative(t))) if numeric => Err(format!(
                        "'{t}' bukan angka, padahal nilai lain pada baris ini angka; periksa \
                         salah ketik"
                    )),
                    other => other,
                };
                let ind = &mut self.nodes[n].indicators[i];
                match col {
                    Column::Satuan if !cell.is_empty() => ind.satuan = Some(cell.clone()),
                    Column::Baseline | Column::Year(_) => match value() {
                        Ok(None) => {}
                        Ok(Some(v)) => match col {
                            Column::Year(y) => {
                                ind.targets.insert(y, v);
                            }
                            _ => ind.baseline = Some(v),
                        },
                        Err(e) => {
                            let what = match col {
                                Column::Year(y) => format!("target {y}"),
                                _ => "baseline".into(),
                            };
                            let code = ind.code.clone();
                            self.diag(
                                line,
                                Severity::Error,
                                "rpjmd-value",
                                format!("{what} indikator {code}: {e}"),
                            );
                        }
                    },
                    _ => {}
                }
            }
        }
    }
}

/// Reads an RPJMD text. `name` (when given) names the pemda instead of the title.
pub fn parse(source: &str, name: Option<&str>) -> RpjmdReading {
    let mut r = Reader {
        nodes: Vec::new(),
        lines: Vec::new(),
        indicator_lines: HashMap::new(),
        numbers: Vec::new(),
        diagnostics: Vec::new(),
        visi: String::new(),
        visi_line: None,
        title: None,
        columns: None,
        cells: Vec::new(),
    };
    let mut open = Open::Nothing;
    let mut title_line = None;
    for (i, raw) in source.lines().enumerate() {
        let line = i + 1;
        let cells: Vec<String> = raw.split('\t').map(normalise).collect();
        let first = cells.iter().position(|c| !c.is_empty());
        let Some(first) = first else { continue };
        let text = cells[first].clone();
        let rest_cells: Vec<String> = cells[first + 1..].to_vec();
        // Page numbers (`- 2 -`, `2`) carry nothing.
        if text
            .trim_matches(|c: char| c == '-' || c.is_whitespace())
            .chars()
            .all(|c| c.is_ascii_digit())
        {
            continue;
        }
        let lower = text.to_lowercase();
        if r.nodes.is_empty()
            && r.visi_line.is_none()
            && (lower.contains("rpjmd") || lower.contains("rencana pembangunan jangka menengah"))
        {
            match &mut r.title {
                Some(t) if title_line == Some(line - 1) => {
                    t.push(' ');
                    t.push_str(&text);
                }
                _ => r.title = Some(text.clone()),
            }
            title_line = Some(line);
            continue;
        }
        if r.title.is_some()
            && title_line == Some(line - 1)
            && r.visi_line.is_none()
            && !LABEL.is_match(&text)
        {
            // The title wrapped onto this line.
            if let Some(t) = &mut r.title {
                t.push(' ');
                t.push_str(&text);
            }
            title_line = Some(line);
            continue;
        }
        if r.header(&cells[first..]) {
            open = Open::Nothing;
            continue;
        }
        let spaced = GLUED.replace(&text, "$1 $2");
        if let Some(c) = LABEL.captures(&spaced) {
            let word = c.get(1).map_or("", |m| m.as_str());
            let num = c.name("num").map(|m| m.as_str());
            let rest = c.name("rest").map_or("", |m| m.as_str()).trim().to_owned();
            open = match label_of(word) {
                Label::Visi => {
                    if r.visi_line.is_some() {
                        r.diag(
                            line,
                            Severity::Warning,
                            "rpjmd-second-visi",
                            "visi kedua diabaikan: RPJMD memiliki satu visi",
                        );
                        Open::Nothing
                    } else {
                        r.visi = rest;
                        r.visi_line = Some(line);
                        Open::Visi
                    }
                }
                Label::Node(level) => r.node(line, level, num, &rest),
                Label::Indicator => {
                    let word = word.split_whitespace().next().unwrap_or(word);
                    // `IKU 1 <tab> name <tab> …`: the name is the next cell.
                    let (name, cells) = match rest_cells.split_first() {
                        Some((n, more)) if rest.is_empty() => (n.clone(), more.to_vec()),
                        _ => (rest, rest_cells),
                    };
                    r.indicator(line, word, num, &name, cells)
                }
            };
            continue;
        }
        // A continuation of what is open; cells on it belong to an indicator row.
        let target = match open {
            Open::Visi => Some(&mut r.visi),
            Open::Node(n) => Some(&mut r.nodes[n].statement),
            Open::Indicator(n, i) => {
                if !rest_cells.is_empty() {
                    r.cells.push((n, i, rest_cells, line));
                }
                Some(&mut r.nodes[n].indicators[i].name)
            }
            Open::Nothing => None,
        };
        match target {
            Some(t) => {
                if !t.is_empty() {
                    t.push(' ');
                }
                t.push_str(&text);
            }
            None => r.diag(
                line,
                Severity::Warning,
                "rpjmd-stray-text",
                format!(
                    "teks di luar visi, misi, tujuan, sasaran atau indikator diabaikan: '{text}'"
                ),
            ),
        }
    }

    let title = r.title.clone().unwrap_or_default();
    let period = PERIOD.captures(&title).and_then(|c| {
        Some(Renstra {
            start: c[1].parse().ok()?,
            end: c[2].parse().ok()?,
        })
    });
    let region = REGION.captures(&title);
    let kind = region
        .as_ref()
        .and_then(|c| RegionKind::from_str_opt(&c[1].to_lowercase()))
        .unwrap_or(RegionKind::Kabupaten);
    let pemda_name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_owned(),
        None => match &region {
            Some(c) => format!(
                "Pemerintah {} {}",
                title_case(&c[1]),
                title_case(c[2].trim())
            ),
            None => {
                r.diag(
                    title_line.unwrap_or(1),
                    Severity::Error,
                    "rpjmd-no-name",
                    "nama pemda tidak ditemukan di judul (misalnya 'RPJMD KABUPATEN SUKAMAJU \
                     2025-2029'); sebutkan dengan --name",
                );
                String::new()
            }
        },
    };
    if period.is_none() {
        r.diag(
            title_line.unwrap_or(1),
            Severity::Error,
            "rpjmd-no-period",
            "periode RPJMD tidak ditemukan: tulis judul seperti 'RPJMD KABUPATEN SUKAMAJU 2025-2029'",
        );
    }
    if r.visi_line.is_none() {
        r.diag(
            1,
            Severity::Error,
            "rpjmd-no-visi",
            "visi tidak ditemukan: tulis baris 'VISI' dan visinya",
        );
    }
    r.apply_cells(period);
    // Satuan and polarity, guessed as for an OPD's indicators where the row did not give a satuan.
    for n in 0..r.nodes.len() {
        for i in 0..r.nodes[n].indicators.len() {
            let ind = &r.nodes[n].indicators[i];
            let line = r
                .indicator_lines
                .get(&ind.code)
                .copied()
                .unwrap_or(r.lines[n]);
            let (satuan, polarity, note) =
                describe(ind.code.as_str(), &ind.name, ind.satuan.as_deref(), line);
            let ind = &mut r.nodes[n].indicators[i];
            ind.satuan = satuan;
            ind.polarity = Some(polarity);
            r.diagnostics.push(note);
        }
        if r.nodes[n].level == PemdaLevel::Sasaran && r.nodes[n].indicators.is_empty() {
            let (line, code) = (r.lines[n], r.nodes[n].code.clone());
            r.diag(
                line,
                Severity::Warning,
                "rpjmd-no-indicator",
                format!("sasaran {code} tanpa indikator: sasaran daerah diukur dengan indikator"),
            );
        }
    }
    let draft = PemdaDraft {
        name: pemda_name,
        kind,
        rpjmd: period.unwrap_or(Renstra { start: 0, end: 0 }),
        visi: r.visi.clone(),
        head_name: None,
        demo: false,
        nodes: r.nodes.clone(),
    };
    let mut pemda = None;
    if !r.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        match draft.clone().validate() {
            Ok(p) => pemda = Some(p),
            Err(errs) => {
                for e in errs.0 {
                    // `sasaran S1.1` or `indikator IKS1.1.1`: the line of that node or indicator.
                    let code = e
                        .location
                        .split_whitespace()
                        .last()
                        .and_then(|c| Code::parse(c).ok());
                    let line = code
                        .and_then(|c| {
                            r.indicator_lines.get(&c).copied().or_else(|| {
                                r.nodes.iter().position(|n| n.code == c).map(|i| r.lines[i])
                            })
                        })
                        .unwrap_or(1);
                    r.diag(line, Severity::Error, "rpjmd-invalid", e.to_string());
                }
            }
        }
    }
    r.diagnostics.sort_by_key(|d| d.line);
    RpjmdReading {
        draft,
        pemda,
        diagnostics: r.diagnostics,
    }
}

/// `SUKAMAJU BARAT` → `Sukamaju Barat`.
fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}
