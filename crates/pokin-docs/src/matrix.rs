//! A titled table with merged cells, laid out both as a PDF (`templates/matrix.typ`) and as an
//! XLSX sheet ([`crate::report_xlsx`]) from the same value, so the two formats of one document
//! never disagree. The pemda's documents (IKU, cascading) are matrices.

use crate::DocError;
use crate::pdf::render;
use crate::pk::template;
use pokin_domain::TargetValue;
use serde::Serialize;

const MATRIX: &str = include_str!("../templates/matrix.typ");

/// How a cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Style {
    Text,
    /// Centred text (numbering, satuan).
    Center,
    /// A number or value, right-aligned.
    Value,
    /// A header cell.
    Head,
    /// A section heading across the table (a misi).
    Section,
}

/// One cell; `rowspan`/`colspan` cover the cells right and below, which the grid holds as
/// `None`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cell {
    pub text: String,
    pub style: Style,
    pub rowspan: usize,
    pub colspan: usize,
    /// A numeric target for the XLSX cell (text in the PDF): value, decimals, satuan.
    #[serde(skip)]
    pub number: Option<(f64, Option<u8>, Option<String>)>,
    /// Cells of one column with equal keys in consecutive rows are merged ([`Matrix::merge`]).
    #[serde(skip)]
    pub key: Option<String>,
}

impl Cell {
    pub fn new(text: impl Into<String>, style: Style) -> Self {
        Cell {
            text: text.into(),
            style,
            rowspan: 1,
            colspan: 1,
            number: None,
            key: None,
        }
    }

    pub fn text(text: impl Into<String>) -> Self {
        Cell::new(text, Style::Text)
    }

    pub fn head(text: impl Into<String>) -> Self {
        Cell::new(text, Style::Head)
    }

    /// Merged with the cells of its column below that carry the same key.
    pub fn keyed(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn span(mut self, rows: usize, cols: usize) -> Self {
        self.rowspan = rows.max(1);
        self.colspan = cols.max(1);
        self
    }

    /// A target: its Indonesian text (with satuan when `with_satuan`), and a number for the
    /// spreadsheet when it is one.
    pub fn target(
        t: Option<&TargetValue>,
        satuan: Option<&str>,
        decimals: Option<u8>,
        with_satuan: bool,
    ) -> Self {
        let shown = if with_satuan { satuan } else { None };
        let Some(t) = t else {
            return Cell::new("—", Style::Center);
        };
        let mut c = Cell::new(
            crate::pk::breakable(pokin_domain::format::target(t, shown, decimals)),
            Style::Value,
        );
        if let TargetValue::Number(v) = t
            && v.is_finite()
        {
            c.number = Some((*v, decimals, shown.map(str::to_string)));
        }
        c
    }
}

/// The table: header rows and body rows over `widths.len()` columns, each row a full grid row
/// (`None` where a span covers the position).
#[derive(Debug, Clone)]
pub(crate) struct Matrix {
    /// The title lines (the first in large type).
    pub title: Vec<String>,
    /// Relative column widths (PDF fractions; XLSX characters ≈ 6 × the value).
    pub widths: Vec<f64>,
    pub head: Vec<Vec<Option<Cell>>>,
    pub rows: Vec<Vec<Option<Cell>>>,
    /// What the table says when it has no rows.
    pub empty: String,
    /// Lines under the table (notes).
    pub notes: Vec<String>,
    /// The notes of every PDF page footer; the XLSX sheet name is `sheet`.
    pub footer: Vec<String>,
    pub sheet: String,
    /// PDF body text size in points.
    pub font_size: f64,
    pub demo: bool,
}

#[derive(Serialize)]
struct View<'a> {
    title: &'a [String],
    widths: &'a [f64],
    head: Vec<Vec<&'a Cell>>,
    rows: Vec<Vec<&'a Cell>>,
    columns: usize,
    empty: &'a str,
    notes: &'a [String],
    footer: &'a [String],
    font_size: f64,
}

impl Matrix {
    /// Merges, in each column, consecutive body cells with the same key into one cell spanning
    /// those rows.
    pub fn merge(&mut self) {
        let columns = self.widths.len();
        for col in 0..columns {
            let mut row = 0;
            while row < self.rows.len() {
                let Some(key) = self.rows[row]
                    .get(col)
                    .and_then(|c| c.as_ref())
                    .and_then(|c| c.key.clone())
                else {
                    row += 1;
                    continue;
                };
                let mut end = row + 1;
                while end < self.rows.len()
                    && self.rows[end]
                        .get(col)
                        .and_then(|c| c.as_ref())
                        .is_some_and(|c| c.key.as_deref() == Some(&key) && c.colspan == 1)
                {
                    self.rows[end][col] = None;
                    end += 1;
                }
                if let Some(Some(c)) = self.rows[row].get_mut(col) {
                    c.rowspan = end - row;
                }
                row = end;
            }
        }
    }

    /// The table as a PDF (A4 landscape).
    pub fn pdf(&self, ident: &str) -> Result<Vec<u8>, DocError> {
        let view = View {
            title: &self.title,
            widths: &self.widths,
            head: present(&self.head),
            rows: present(&self.rows),
            columns: self.widths.len(),
            empty: &self.empty,
            notes: &self.notes,
            footer: &self.footer,
            font_size: self.font_size,
        };
        render(&template(MATRIX), &view, vec![], ident)
    }
}

/// The cells of each row that are drawn (a spanned position is not).
fn present(rows: &[Vec<Option<Cell>>]) -> Vec<Vec<&Cell>> {
    rows.iter().map(|r| r.iter().flatten().collect()).collect()
}
