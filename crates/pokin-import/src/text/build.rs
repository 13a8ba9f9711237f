//! Reading the classified pieces in order, with context, into units, objectives and
//! indicators.
//!
//! The reader keeps one *open* item, the thing an unlabelled line would continue: the title, a
//! heading, an objective or an indicator. It also remembers whether a blank line (or a page
//! number, or a repeated title) came since, since a heading only wraps onto the very next line
//! while a statement may continue after a blank line.

use super::lines::{self, Item, Label, Piece, Text};
use super::{Diagnostic, ParsedIndicator, ParsedObjective, ParsedTree, ParsedUnit};
use pokin_domain::check::Severity;
use pokin_domain::wording::{looks_like_indicator, looks_like_objective};
use pokin_domain::{Code, UnitKey, UnitKind, slugify};
use std::collections::BTreeSet;

/// Name given to a block whose heading was lost.
const UNNAMED_NAME: &str = "(tanpa judul)";
const UNNAMED_KEY: &str = "tanpa-judul";
const EMPTY_STATEMENT: &str = "(tanpa pernyataan)";
const EMPTY_INDICATOR: &str = "(tanpa nama)";

/// Reads the pieces into a tree (parents, supports and specifications still to infer).
pub(crate) fn build(items: &[Item]) -> ParsedTree {
    let mut reader = Reader::default();
    for (index, item) in items.iter().enumerate() {
        reader.read(item, &items[index + 1..]);
    }
    reader.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Open {
    #[default]
    Nothing,
    /// The title block in `Reader::title_block`.
    Title,
    Heading(usize),
    Objective(usize, usize),
    Indicator(usize, usize, usize),
    /// An item that could not be placed, first seen on this line.
    Dropped(usize),
}

#[derive(Debug)]
struct UnitDraft {
    name: String,
    kind: UnitKind,
    /// A block without heading.
    unnamed: bool,
    /// The heading is in capitals (its continuations must be too).
    caps: bool,
    lines: Vec<usize>,
    objectives: Vec<ObjectiveDraft>,
    /// Codes in use, to keep them unique.
    objective_codes: BTreeSet<String>,
    indicator_codes: BTreeSet<String>,
}

impl UnitDraft {
    fn new(name: String, kind: UnitKind, unnamed: bool, caps: bool, line: usize) -> Self {
        UnitDraft {
            name,
            kind,
            unnamed,
            caps,
            lines: vec![line],
            objectives: Vec::new(),
            objective_codes: BTreeSet::new(),
            indicator_codes: BTreeSet::new(),
        }
    }
}

#[derive(Debug)]
struct ObjectiveDraft {
    code: String,
    /// The number of its label (`3` for `SS3`), to derive indicator codes from.
    number: String,
    statement: String,
    lines: Vec<usize>,
    indicators: Vec<IndicatorDraft>,
}

#[derive(Debug)]
struct IndicatorDraft {
    code: String,
    name: String,
    iku: bool,
    lines: Vec<usize>,
}

#[derive(Debug)]
struct TitleBlock {
    text: String,
    lines: Vec<usize>,
    /// What was open before the title interrupted it (a title repeated as a page header).
    resume: Open,
}

#[derive(Debug, Default)]
struct Reader {
    units: Vec<UnitDraft>,
    diagnostics: Vec<Diagnostic>,
    title: Option<(String, usize)>,
    title_lines: Vec<usize>,
    title_block: Option<TitleBlock>,
    open: Open,
    /// A blank line, page number or title came since the open item's last line.
    gap: bool,
    /// Line and cell where the open item began.
    opened_at: (usize, usize),
}

fn push_line(lines: &mut Vec<usize>, line: usize) {
    if lines.last() != Some(&line) {
        lines.push(line);
    }
}

/// Appends a continuation with one space.
fn join(target: &mut String, more: &str) {
    if !target.is_empty() && !more.is_empty() {
        target.push(' ');
    }
    target.push_str(more);
}

fn starts_capitalised(text: &str) -> bool {
    text.starts_with(char::is_uppercase)
}

impl Reader {
    fn diag(&mut self, line: usize, severity: Severity, code: &str, message: String) {
        self.diagnostics
            .push(Diagnostic::new(line, severity, code, message));
    }

    fn read(&mut self, item: &Item, ahead: &[Item]) {
        match &item.piece {
            Piece::Blank => self.gap = true,
            Piece::PageNumber(text) => {
                self.diag(
                    item.line,
                    Severity::Info,
                    "page-number",
                    format!("nomor halaman '{text}' diabaikan"),
                );
                self.gap = true;
            }
            Piece::Decoration(text) => self.diag(
                item.line,
                Severity::Info,
                "ignored-line",
                format!("'{text}' tidak berisi huruf atau angka; diabaikan"),
            ),
            Piece::Title(text) => {
                self.close_title();
                self.start_title(item, text);
            }
            Piece::Label(label) => {
                self.close_title();
                if label.objective {
                    self.objective(item, label);
                } else {
                    self.indicator(item, label);
                }
            }
            Piece::Text(text) => self.text(item, text, ahead),
        }
    }

    // --- the title ---------------------------------------------------------------------

    fn start_title(&mut self, item: &Item, text: &str) {
        let (own, glued) = match lines::split_glued_heading(text, 3) {
            Some((own, heading)) => (own, Some(heading)),
            None => (text.to_owned(), None),
        };
        self.title_block = Some(TitleBlock {
            text: own,
            lines: vec![item.line],
            resume: self.open,
        });
        self.open = Open::Title;
        self.gap = false;
        push_line(&mut self.title_lines, item.line);
        if let Some(heading) = glued {
            self.close_title();
            self.new_unit(item, &Text::new(heading));
        }
    }

    /// Whether `text` continues the open title.
    fn continues_title(&self, text: &Text) -> bool {
        let Some(block) = &self.title_block else {
            return false;
        };
        let connector = lines::ends_with_connector(&block.text);
        let looks = text.all_caps || (text.title_case && !lines::is_all_caps(&block.text));
        looks && (!self.gap || connector) && (text.kind.is_none() || connector)
    }

    fn continue_title(&mut self, item: &Item, text: &Text) {
        let (own, glued) = match lines::split_glued_heading(&text.text, 1) {
            Some((own, heading)) => (own, Some(heading)),
            None => (text.text.clone(), None),
        };
        if let Some(block) = &mut self.title_block {
            join(&mut block.text, &own);
            push_line(&mut block.lines, item.line);
        }
        push_line(&mut self.title_lines, item.line);
        self.gap = false;
        if let Some(heading) = glued {
            self.close_title();
            self.new_unit(item, &Text::new(heading));
        }
    }

    /// Ends the open title block: the first becomes the document title, later ones are
    /// page headers (the same) or a second document (different).
    fn close_title(&mut self) {
        let Some(block) = self.title_block.take() else {
            return;
        };
        self.open = block.resume;
        self.gap = true;
        let line = block.lines.first().copied().unwrap_or(1);
        let Some((first, first_line)) = &self.title else {
            self.title = Some((block.text, line));
            return;
        };
        if same_title(first, &block.text) {
            self.diag(
                line,
                Severity::Info,
                "repeated-title",
                "judul dokumen diulang (kepala halaman); diabaikan".into(),
            );
        } else {
            let message = format!(
                "judul kedua '{}' berbeda dari judul pertama '{first}' (baris {first_line}); hanya judul pertama yang dipakai. Periksa apakah berkas ini menggabungkan dua dokumen",
                block.text
            );
            self.diag(line, Severity::Warning, "different-title", message);
        }
    }

    // --- labelled lines ----------------------------------------------------------------

    fn objective(&mut self, item: &Item, label: &Label) {
        if self.indicator_with_objective_label(item, label) {
            return;
        }
        let code = label.code();
        let restarts = self.gap
            && label.number == "1"
            && self
                .units
                .last()
                .is_some_and(|u| u.objective_codes.contains(&code));
        let unit = match self.units.len().checked_sub(1) {
            Some(u) if !restarts => u,
            _ => self.new_unnamed_unit(item.line, restarts),
        };
        self.add_objective(item, unit, code, label.number.clone(), &label.text);
    }

    fn add_objective(
        &mut self,
        item: &Item,
        unit: usize,
        code: String,
        number: String,
        text: &str,
    ) {
        let code = self.unique_objective_code(item.line, unit, code);
        let objectives = &mut self.units[unit].objectives;
        objectives.push(ObjectiveDraft {
            code,
            number,
            statement: text.to_owned(),
            lines: vec![item.line],
            indicators: Vec::new(),
        });
        self.open = Open::Objective(unit, objectives.len() - 1);
        self.opened_at = (item.line, item.cell);
        self.gap = false;
    }

    /// `SS3. Persentase …` right after `SS3. Meningkatnya …`: an indicator of SS3 that carries
    /// the objective's label. True when the line was read so.
    fn indicator_with_objective_label(&mut self, item: &Item, label: &Label) -> bool {
        let Some((unit, objective)) = self.current_objective() else {
            return false;
        };
        let current = &self.units[unit].objectives[objective];
        if !current.indicators.is_empty() || looks_like_objective(&label.text) {
            return false;
        }
        let same_label = current.code == label.code();
        if !(same_label || looks_like_indicator(&label.text)) {
            return false;
        }
        let code = format!("IK{}", current.number);
        let objective_code = current.code.clone();
        let message = format!(
            "baris berlabel sasaran '{}' ini dibaca sebagai indikator {code} dari sasaran {objective_code}, karena {} dan sasaran itu belum memiliki indikator. Bila benar, ganti labelnya menjadi '{code}.'",
            label.code(),
            if same_label {
                "labelnya sama dengan sasaran di atasnya"
            } else {
                "bunyinya seperti indikator (sesuatu yang diukur)"
            }
        );
        self.diag(
            item.line,
            Severity::Warning,
            "indicator-with-objective-label",
            message,
        );
        self.add_indicator(item, unit, objective, code, false, &label.text);
        true
    }

    fn indicator(&mut self, item: &Item, label: &Label) {
        let Some((unit, objective)) = self.current_objective() else {
            let message = format!(
                "indikator '{} {}' muncul sebelum sasaran mana pun di unitnya sehingga tidak dapat ditempatkan; tambahkan baris sasaran (misalnya 'SS1. …') di atasnya",
                label.code(),
                label.text
            );
            self.diag(
                item.line,
                Severity::Error,
                "indicator-without-objective",
                message,
            );
            self.open = Open::Dropped(item.line);
            self.opened_at = (item.line, item.cell);
            self.gap = false;
            return;
        };
        let iku = label.prefix == "IKU";
        self.add_indicator(item, unit, objective, label.code(), iku, &label.text);
    }

    fn add_indicator(
        &mut self,
        item: &Item,
        unit: usize,
        objective: usize,
        code: String,
        iku: bool,
        text: &str,
    ) {
        let code = self.unique_indicator_code(item.line, unit, code);
        let indicators = &mut self.units[unit].objectives[objective].indicators;
        indicators.push(IndicatorDraft {
            code,
            name: text.to_owned(),
            iku,
            lines: vec![item.line],
        });
        self.open = Open::Indicator(unit, objective, indicators.len() - 1);
        self.opened_at = (item.line, item.cell);
        self.gap = false;
    }

    /// The objective an indicator would belong to: the last one of the current unit.
    fn current_objective(&self) -> Option<(usize, usize)> {
        let unit = self.units.len().checked_sub(1)?;
        let objective = self.units[unit].objectives.len().checked_sub(1)?;
        Some((unit, objective))
    }

    fn unique_objective_code(&mut self, line: usize, unit: usize, code: String) -> String {
        let taken = &mut self.units[unit].objective_codes;
        let unique = unique_name(&code, |c| taken.contains(c), "-");
        taken.insert(unique.clone());
        if unique != code {
            let message = format!(
                "kode sasaran {code} sudah dipakai di unit ini; sasaran ini diberi kode {unique}. Perbaiki nomornya bila keliru"
            );
            self.diag(line, Severity::Warning, "duplicate-objective-code", message);
        }
        unique
    }

    fn unique_indicator_code(&mut self, line: usize, unit: usize, code: String) -> String {
        let taken = &mut self.units[unit].indicator_codes;
        let unique = unique_name(&code, |c| taken.contains(c), "-");
        taken.insert(unique.clone());
        if unique != code {
            let message = format!(
                "kode indikator {code} sudah dipakai di unit ini; indikator ini diberi kode {unique}. Perbaiki nomornya bila keliru"
            );
            self.diag(line, Severity::Warning, "duplicate-indicator-code", message);
        }
        unique
    }

    // --- unlabelled text ---------------------------------------------------------------

    fn text(&mut self, item: &Item, text: &Text, ahead: &[Item]) {
        if self.open == Open::Title {
            if self.continues_title(text) {
                self.continue_title(item, text);
                return;
            }
            self.close_title();
        }
        if let Open::Heading(unit) = self.open
            && self.continues_heading(unit, text)
        {
            let draft = &mut self.units[unit];
            join(&mut draft.name, &text.text);
            push_line(&mut draft.lines, item.line);
            self.gap = false;
            return;
        }
        if self.starts_heading(text) {
            self.new_unit(item, text);
            return;
        }
        if self.tab_indicator(item, text) {
            return;
        }
        if self.unknown_heading(text, ahead) {
            self.new_unit(item, text);
            let message = format!(
                "baris '{}' tampak seperti judul unit, tetapi tidak diawali jenis unit yang dikenal (KEPALA, SEKRETARIAT, BIDANG, SUB BAGIAN, SEKSI, UPT); dibaca sebagai unit tanpa jenis. Awali dengan jenis unitnya bila benar",
                text.text
            );
            self.diag(item.line, Severity::Warning, "unknown-heading", message);
            return;
        }
        self.continuation(item, text);
    }

    fn continues_heading(&self, unit: usize, text: &Text) -> bool {
        let draft = &self.units[unit];
        let connector = lines::ends_with_connector(&draft.name);
        let looks = if draft.caps {
            text.all_caps
        } else {
            text.title_case
        };
        looks && ((!self.gap && text.kind.is_none()) || connector)
    }

    /// A heading: capitals starting with a kind word, or (after a blank line) the same in
    /// title case, `Bidang Tenaga Kerja`, unless the text before asks for a continuation.
    fn starts_heading(&self, text: &Text) -> bool {
        if text.kind.is_none() {
            return false;
        }
        if text.all_caps {
            return true;
        }
        let fresh = self.gap || matches!(self.open, Open::Nothing | Open::Heading(_));
        text.title_case && fresh && !self.open_text_ends_with_connector()
    }

    fn open_text_ends_with_connector(&self) -> bool {
        self.open_text().is_some_and(lines::ends_with_connector)
    }

    fn open_text(&self) -> Option<&str> {
        match self.open {
            Open::Objective(u, o) => Some(&self.units[u].objectives[o].statement),
            Open::Indicator(u, o, i) => Some(&self.units[u].objectives[o].indicators[i].name),
            Open::Heading(u) => Some(&self.units[u].name),
            _ => None,
        }
    }

    fn new_unit(&mut self, item: &Item, text: &Text) {
        self.units.push(UnitDraft::new(
            text.text.clone(),
            text.kind.unwrap_or(UnitKind::Unnamed),
            false,
            text.all_caps,
            item.line,
        ));
        self.open = Open::Heading(self.units.len() - 1);
        self.opened_at = (item.line, item.cell);
        self.gap = false;
    }

    fn new_unnamed_unit(&mut self, line: usize, restarted: bool) -> usize {
        let why = if restarted {
            "penomoran sasaran mulai lagi dari 1 tanpa judul unit baru"
        } else {
            "sasaran ini tidak didahului judul unit"
        };
        let message = format!(
            "{why}: judul unitnya kemungkinan hilang saat teks disalin dari diagram. Blok ini dibaca sebagai unit '{UNNAMED_NAME}'; tambahkan judulnya (misalnya 'BIDANG …') di atas baris ini"
        );
        self.diag(line, Severity::Warning, "unnamed-unit", message);
        self.units.push(UnitDraft::new(
            UNNAMED_NAME.to_owned(),
            UnitKind::Unnamed,
            true,
            false,
            line,
        ));
        self.units.len() - 1
    }

    /// A cell after a tab, right of an objective (or of its indicator) on the objective's own
    /// line: an indicator of that objective.
    fn tab_indicator(&mut self, item: &Item, text: &Text) -> bool {
        let (unit, objective) = match self.open {
            Open::Objective(u, o) | Open::Indicator(u, o, _) => (u, o),
            _ => return false,
        };
        let objective_line = self.units[unit].objectives[objective].lines.first();
        if item.cell == 0
            || objective_line != Some(&item.line)
            || self.opened_at.0 != item.line
            || self.opened_at.1 >= item.cell
        {
            return false;
        }
        let current = &self.units[unit].objectives[objective];
        let code = derived_indicator_code(current);
        let message = format!(
            "teks tanpa label di sebelah kanan sasaran {} (dipisah tab) dibaca sebagai indikatornya dengan kode {code}",
            current.code
        );
        self.diag(item.line, Severity::Info, "tab-indicator", message);
        self.add_indicator(item, unit, objective, code, false, &text.text);
        true
    }

    /// Capitals that name no known kind, standing alone before an objective: a heading of an
    /// unknown kind (`KELOMPOK JABATAN FUNGSIONAL`).
    fn unknown_heading(&self, text: &Text, ahead: &[Item]) -> bool {
        let alone = self.gap || matches!(self.open, Open::Nothing | Open::Heading(_));
        let objective_next = ahead
            .iter()
            .find(|i| !matches!(i.piece, Piece::Blank | Piece::PageNumber(_)))
            .is_some_and(|i| matches!(&i.piece, Piece::Label(l) if l.objective));
        text.all_caps && text.kind.is_none() && text.word_count() >= 2 && alone && objective_next
    }

    fn continuation(&mut self, item: &Item, text: &Text) {
        let fresh_start = starts_capitalised(&text.text) && !self.open_text_ends_with_connector();
        match self.open {
            Open::Objective(unit, objective)
                if fresh_start
                    && self.units[unit].objectives[objective].indicators.is_empty()
                    && looks_like_indicator(&text.text) =>
            {
                let code = derived_indicator_code(&self.units[unit].objectives[objective]);
                let message = format!(
                    "baris tanpa label ini berbunyi seperti indikator; dibaca sebagai indikator {code}. Beri label (misalnya '{code}.') bila benar"
                );
                self.diag(
                    item.line,
                    Severity::Warning,
                    "unlabelled-indicator",
                    message,
                );
                self.add_indicator(item, unit, objective, code, false, &text.text);
            }
            Open::Indicator(unit, ..) | Open::Heading(unit)
                if fresh_start && looks_like_objective(&text.text) =>
            {
                let number = (self.units[unit].objectives.len() + 1).to_string();
                let code = format!("SS{number}");
                let message = format!(
                    "baris tanpa label ini berbunyi seperti sasaran; dibaca sebagai sasaran {code}. Beri label (misalnya '{code}.') bila benar"
                );
                self.diag(
                    item.line,
                    Severity::Warning,
                    "unlabelled-objective",
                    message,
                );
                self.add_objective(item, unit, code, number, &text.text);
            }
            Open::Objective(..) | Open::Indicator(..) => self.extend_open(item, text),
            Open::Dropped(first) => {
                let message = format!(
                    "baris ini lanjutan dari baris {first} yang tidak dapat ditempatkan; ikut diabaikan"
                );
                self.diag(item.line, Severity::Warning, "unplaced-text", message);
            }
            Open::Heading(_) => {
                let message = format!(
                    "teks '{}' di bawah judul unit tidak berlabel; tidak diketahui apakah ini sasaran atau indikator. Beri label 'SS1.' atau 'IK1.' di depannya",
                    text.text
                );
                self.diag(item.line, Severity::Warning, "unplaced-text", message);
            }
            Open::Nothing | Open::Title => {
                let message = format!(
                    "teks '{}' tidak berada di bawah judul unit, sasaran atau indikator mana pun sehingga diabaikan; pindahkan atau hapus baris ini",
                    text.text
                );
                self.diag(item.line, Severity::Warning, "unplaced-text", message);
            }
        }
    }

    /// Continues the open objective or indicator with a wrapped line.
    fn extend_open(&mut self, item: &Item, text: &Text) {
        let gap = self.gap;
        let (what, code, target, lines) = match self.open {
            Open::Objective(u, o) => {
                let objective = &mut self.units[u].objectives[o];
                (
                    "sasaran",
                    objective.code.clone(),
                    &mut objective.statement,
                    &mut objective.lines,
                )
            }
            Open::Indicator(u, o, i) => {
                let indicator = &mut self.units[u].objectives[o].indicators[i];
                (
                    "indikator",
                    indicator.code.clone(),
                    &mut indicator.name,
                    &mut indicator.lines,
                )
            }
            _ => return,
        };
        join(target, &text.text);
        push_line(lines, item.line);
        self.gap = false;
        if gap {
            let message = format!(
                "baris ini dibaca sebagai lanjutan {what} {code} di atas baris kosong; pisahkan bila bukan"
            );
            self.diag(item.line, Severity::Info, "continued-after-blank", message);
        }
    }

    // --- the end -----------------------------------------------------------------------

    fn finish(mut self) -> ParsedTree {
        self.close_title();
        let first_line = self.units.first().and_then(|u| u.lines.first().copied());
        if first_line.is_none() {
            self.diag(
                1,
                Severity::Error,
                "empty-document",
                "tidak ada judul unit, sasaran (SS…) maupun indikator (IK…) yang dapat dibaca; periksa apakah berkas ini pohon kinerja dalam bentuk teks".into(),
            );
        }
        let keys = self.unit_keys();
        let units = std::mem::take(&mut self.units);
        let units = units
            .into_iter()
            .zip(keys)
            .map(|(draft, key)| self.finish_unit(draft, key))
            .collect();
        ParsedTree {
            title: self.title.map(|(text, _)| text),
            units,
            diagnostics: self.diagnostics,
            title_lines: self.title_lines,
        }
    }

    /// Keys from the names, unique in document order (`-2`, `-3` …).
    fn unit_keys(&mut self) -> Vec<UnitKey> {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut first_line_of: Vec<(String, usize)> = Vec::new();
        let mut keys = Vec::new();
        for index in 0..self.units.len() {
            let draft = &self.units[index];
            let base = if draft.unnamed {
                UNNAMED_KEY.to_owned()
            } else {
                slugify(&draft.name).map_or_else(|| "unit".to_owned(), String::from)
            };
            let key = unique_name(&base, |k| taken.contains(k), "-");
            taken.insert(key.clone());
            let line = draft.lines.first().copied().unwrap_or(1);
            if key != base && !draft.unnamed {
                let earlier = first_line_of
                    .iter()
                    .find(|(k, _)| *k == base)
                    .map_or(0, |(_, l)| *l);
                let message = format!(
                    "judul unit '{}' sama dengan unit di baris {earlier}; unit ini diberi kunci '{key}'. Bedakan judulnya bila keduanya memang unit berbeda",
                    draft.name
                );
                self.diag(line, Severity::Warning, "duplicate-unit", message);
            }
            first_line_of.push((key.clone(), line));
            keys.push(UnitKey::parse(&key).unwrap_or_else(|_| fallback_key(index)));
        }
        keys
    }

    fn finish_unit(&mut self, draft: UnitDraft, key: UnitKey) -> ParsedUnit {
        let objectives = draft
            .objectives
            .into_iter()
            .map(|o| self.finish_objective(o))
            .collect();
        ParsedUnit {
            key,
            name: draft.name,
            kind: draft.kind,
            parent: None,
            objectives,
            lines: draft.lines,
        }
    }

    fn finish_objective(&mut self, draft: ObjectiveDraft) -> ParsedObjective {
        let line = draft.lines.first().copied().unwrap_or(1);
        let statement = if draft.statement.is_empty() {
            let message = format!(
                "sasaran {} tidak memiliki pernyataan; isikan pernyataannya setelah labelnya",
                draft.code
            );
            self.diag(line, Severity::Warning, "empty-statement", message);
            EMPTY_STATEMENT.to_owned()
        } else {
            draft.statement
        };
        let indicators = draft
            .indicators
            .into_iter()
            .map(|i| self.finish_indicator(i))
            .collect();
        ParsedObjective {
            code: parse_code(&draft.code, "SS"),
            statement,
            indicators,
            supports: Vec::new(),
            lines: draft.lines,
        }
    }

    fn finish_indicator(&mut self, draft: IndicatorDraft) -> ParsedIndicator {
        let line = draft.lines.first().copied().unwrap_or(1);
        let name = if draft.name.is_empty() {
            let message = format!(
                "indikator {} tidak memiliki nama; isikan namanya setelah labelnya",
                draft.code
            );
            self.diag(line, Severity::Warning, "empty-indicator", message);
            EMPTY_INDICATOR.to_owned()
        } else {
            draft.name
        };
        ParsedIndicator {
            code: parse_code(&draft.code, "IK"),
            name,
            satuan: None,
            polarity: None,
            iku: draft.iku,
            lines: draft.lines,
        }
    }
}

/// Whether two titles are the same text, case and spacing aside.
fn same_title(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    norm(a) == norm(b)
}

/// The code of a new indicator of `objective` that had no label: `IK3` for the first of SS3,
/// `IK3.2` for the second.
fn derived_indicator_code(objective: &ObjectiveDraft) -> String {
    match objective.indicators.len() {
        0 => format!("IK{}", objective.number),
        n => format!("IK{}.{}", objective.number, n + 1),
    }
}

/// `base`, or `base-2`, `base-3` … whichever is free first.
fn unique_name(base: &str, taken: impl Fn(&str) -> bool, separator: &str) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{separator}{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_owned())
}

/// Codes are built from labels the classifier accepted (letters, at most 4 numbers of at most
/// 4 digits, a short suffix), so they parse; should one not, the bare prefix keeps the tree
/// readable.
fn parse_code(code: &str, prefix: &'static str) -> Code {
    Code::parse(code)
        .or_else(|_| Code::parse(prefix))
        .expect("a constant prefix is a valid code")
}

fn fallback_key(index: usize) -> UnitKey {
    UnitKey::parse(&format!("unit-{}", index + 1)).expect("unit-N is a valid key")
}
