//! The *pohon kinerja* diagram: the organisation's units as a top-down tidy tree of cards, each
//! card listing the unit's objectives (*sasaran*) and their indicators, with the cascade links
//! between objectives drawn as arrows.
//!
//! [`layout`] computes every position (plain geometry, for any renderer); [`render_svg`] turns a
//! layout into a standalone SVG document with interactivity hooks for the web page (classes,
//! `data-*` attributes, `<title>` tooltips; no script).
//!
//! # Layout rules
//!
//! - **Cards** are all [`CARD_WIDTH`] wide; their height follows their content. Text is wrapped
//!   with [`crate::text::wrap`] to the card's inner width ([`CARD_WIDTH`] − 2 × [`CARD_PADDING`]);
//!   objective and indicator codes hang in a left column so their text lines up.
//! - **Rows**: every unit of depth *d* sits on row *d*, top-aligned; a row is as tall as its
//!   tallest card (or stacked block, below), and rows are a fixed gap apart.
//! - **Tidy tree**: each subtree is laid out on its own, then its children's subtrees are packed
//!   side by side as close as their contours allow (a fixed gap between the nearest cards at every
//!   shared row, Reingold–Tilford style). Packing is done left-to-right and right-to-left and the
//!   two results averaged, so small subtrees between large ones are centred in the space and the
//!   drawing of a mirrored tree is the mirror image. Children keep document order. Each parent is
//!   centred over its children: the middle of the span from the left edge of its leftmost child
//!   card to the right edge of its rightmost one. Subtrees never overlap. Cost is
//!   O(units × depth).
//! - **Stacked leaves**: a unit with more than [`STACK_THRESHOLD`] children, none of which has
//!   children of its own, gets them as a block of columns under it, as org charts do: `rows =
//!   ⌈√(n/2)⌉` cards per column, filled column by column in document order; each column hangs
//!   from its own vertical trunk on its left. The parent is centred over the span of the stacked
//!   cards as above, and the block counts as one card of its row (the row grows to the block's
//!   height). This keeps a Bidang with nine Seksi three cards wide instead of nine.
//! - **Collapsed** units ([`PohonOptions::collapsed`]) are drawn without their descendants and
//!   with a `+N unit` badge (N = all hidden descendants); links from or to hidden units are left
//!   out.
//! - **Heat tree**: [`PohonOptions::fills`] colours objective boxes (e.g. with
//!   [`crate::chart::predicate_tint`]); [`PohonOptions::badges`] puts a short text (a capaian)
//!   on a white label under an objective's statement, in the statement's column, wrapped to two
//!   lines and cut with `…`; the card grows by the label's height, so rows, stacks and links
//!   make room as for any taller card. [`PohonOptions::legend`] draws a colour key under the
//!   title, flowing in rows left of the legend box. Without badges and legend the drawing is
//!   exactly what it was before these options existed.
//! - **Cascade links** leave the source objective's row at the side of its card facing the target
//!   (stacked cards always on the right, away from their trunk), run up (or down) the gap beside
//!   the card to the horizontal channel just below the target's row, across, and into the
//!   target objective's row from the side, with rounded corners. Lanes a few pixels apart keep
//!   parallel links apart. A link is *crosscutting* when its target is not in the source unit's
//!   parent (the same rule as `pokin_domain::check`).

mod kabupaten;
mod layout;
mod svg;

use pokin_domain::{Code, Organisation, UnitKey, UnitKind};
use std::collections::{BTreeMap, BTreeSet};

pub use kabupaten::{CardOrigin, Kabupaten, KabupatenHeat, KabupatenMember, kabupaten};
pub use layout::layout;
pub use svg::render_svg;

/// The width of every unit card, in pixels.
pub const CARD_WIDTH: f64 = 264.0;
/// The distance from a card's left and right edges to any text in it.
pub const CARD_PADDING: f64 = 10.0;
/// A unit with more children than this, all without children, has them stacked in columns.
pub const STACK_THRESHOLD: usize = 4;

/// What to draw and how.
#[derive(Debug, Clone, PartialEq)]
pub struct PohonOptions {
    /// Units whose subtree is folded: their descendants are not drawn and a `+N unit` badge
    /// shows how many are hidden. A unit without children is never folded.
    pub collapsed: BTreeSet<UnitKey>,
    /// Whether indicators are listed under their objectives (default true).
    pub show_indicators: bool,
    /// Optional fill colour per objective (e.g. a heat tree by capaian): `#rgb`, `#rrggbb`,
    /// `#rrggbbaa`, `rgb(…)`/`rgba(…)`/`hsl(…)`/`hsla(…)` or a colour name. Anything else is
    /// ignored. Empty: neutral fills.
    pub fills: BTreeMap<(UnitKey, Code), String>,
    /// The heading of the diagram; `None` uses the organisation's title, or its name.
    pub title: Option<String>,
    /// Optional short text per objective (e.g. `87,50% · dukungan 92,10%`), drawn on a white
    /// label under the objective's statement, wrapped to two lines (cut with `…`). The card
    /// grows to hold it. Empty: no labels.
    pub badges: BTreeMap<(UnitKey, Code), String>,
    /// Optional colour key (label, colour) drawn under the title, e.g. the predicate bands of a
    /// heat tree ([`crate::chart::predicate_legend`]). Colours as for [`PohonOptions::fills`];
    /// entries with any other colour are left out.
    pub legend: Vec<(String, String)>,
    /// Optional text for a card's first line instead of its unit kind's label (the
    /// whole-kabupaten diagram: `Misi`, `Sasaran daerah`, the perangkat daerah's name).
    pub kind_labels: BTreeMap<UnitKey, String>,
}

impl Default for PohonOptions {
    fn default() -> Self {
        PohonOptions {
            collapsed: BTreeSet::new(),
            show_indicators: true,
            fills: BTreeMap::new(),
            title: None,
            badges: BTreeMap::new(),
            legend: Vec::new(),
            kind_labels: BTreeMap::new(),
        }
    }
}

/// A point in the diagram's coordinates (pixels, y down, origin at the top-left corner).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn centre_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
    /// Whether the two rectangles share an area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
    /// Whether `other` lies inside this rectangle (edges included, within `eps`).
    pub fn contains(&self, other: &Rect, eps: f64) -> bool {
        other.x >= self.x - eps
            && other.y >= self.y - eps
            && other.right() <= self.right() + eps
            && other.bottom() <= self.bottom() + eps
    }
    fn translate(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

/// The role of a line of text, which fixes its size, weight and CSS class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextStyle {
    Title,
    Subtitle,
    DemoMark,
    LegendHeading,
    Legend,
    /// A unit's kind label (`Bidang`).
    Kind,
    /// A unit's name.
    Name,
    ObjectiveCode,
    Statement,
    IndicatorCode,
    IndicatorName,
    Satuan,
    /// "no objectives yet".
    Empty,
    /// The `+N unit` badge of a collapsed unit.
    Badge,
    /// The text of an objective's badge ([`PohonOptions::badges`]).
    ObjectiveBadge,
}

impl TextStyle {
    /// Font size in pixels.
    pub fn size(self) -> f64 {
        match self {
            TextStyle::Title => 18.0,
            TextStyle::Subtitle | TextStyle::DemoMark | TextStyle::Statement => 12.0,
            TextStyle::LegendHeading | TextStyle::Legend => 11.0,
            TextStyle::Kind | TextStyle::Badge | TextStyle::ObjectiveBadge => 10.5,
            TextStyle::Name => 13.0,
            TextStyle::ObjectiveCode | TextStyle::IndicatorName | TextStyle::Empty => 11.0,
            TextStyle::IndicatorCode | TextStyle::Satuan => 10.0,
        }
    }
    pub fn bold(self) -> bool {
        matches!(
            self,
            TextStyle::Title
                | TextStyle::DemoMark
                | TextStyle::LegendHeading
                | TextStyle::Kind
                | TextStyle::Name
                | TextStyle::ObjectiveCode
                | TextStyle::IndicatorCode
                | TextStyle::Badge
                | TextStyle::ObjectiveBadge
        )
    }
    /// The distance between baselines of consecutive lines.
    pub fn line_height(self) -> f64 {
        (self.size() * 1.3).round()
    }
    /// The CSS class of the `<text>` element.
    pub fn class(self) -> &'static str {
        match self {
            TextStyle::Title => "title",
            TextStyle::Subtitle => "subtitle",
            TextStyle::DemoMark => "demo-text",
            TextStyle::LegendHeading => "legend-heading",
            TextStyle::Legend => "legend-text",
            TextStyle::Kind => "kind",
            TextStyle::Name => "name",
            TextStyle::ObjectiveCode => "obj-code",
            TextStyle::Statement => "stmt",
            TextStyle::IndicatorCode => "ind-code",
            TextStyle::IndicatorName => "ind-name",
            TextStyle::Satuan => "satuan",
            TextStyle::Empty => "empty",
            TextStyle::Badge => "badge-text",
            TextStyle::ObjectiveBadge => "obj-badge-text",
        }
    }
}

/// One line of text: `x` is where it starts, `y` its baseline; `width` is its estimated width
/// ([`crate::text::width`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub style: TextStyle,
    pub width: f64,
}

impl TextLine {
    fn new(x: f64, top: f64, text: String, style: TextStyle) -> Self {
        let width = crate::text::width(&text, style.size(), style.bold());
        TextLine {
            x,
            y: top + style.size(),
            text,
            style,
            width,
        }
    }
    fn translate(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

/// An indicator inside an objective block.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorBox {
    pub code: Code,
    pub rect: Rect,
    /// The code, the wrapped name and the satuan line.
    pub lines: Vec<TextLine>,
}

/// An objective block inside a unit card.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveBox {
    pub code: Code,
    pub rect: Rect,
    /// Where cascade links attach (the middle of the first statement line).
    pub anchor_y: f64,
    /// The code and the wrapped statement.
    pub lines: Vec<TextLine>,
    pub indicators: Vec<IndicatorBox>,
    /// The fill from [`PohonOptions::fills`], if it was a valid colour.
    pub fill: Option<String>,
    /// The label from [`PohonOptions::badges`], between the statement and the indicators.
    pub badge: Option<ObjectiveBadge>,
}

/// The text label on an objective ([`PohonOptions::badges`]): a white box holding the lines,
/// inside the objective's box, in the statement's column.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveBadge {
    pub rect: Rect,
    pub lines: Vec<TextLine>,
}

/// The `+N unit` badge under a collapsed unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub rect: Rect,
    pub label: TextLine,
}

/// The collapse toggle at the bottom of a unit that has children.
#[derive(Debug, Clone, PartialEq)]
pub struct Toggle {
    pub centre: Point,
    pub radius: f64,
    pub collapsed: bool,
    /// Descendants not drawn (0 when expanded).
    pub hidden: usize,
    /// Present when collapsed.
    pub badge: Option<Badge>,
}

/// A unit card.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitBox {
    pub key: UnitKey,
    pub kind: UnitKind,
    /// The card's first line: the kind's label, or [`PohonOptions::kind_labels`]' text.
    pub kind_label: String,
    pub name: String,
    pub parent: Option<UnitKey>,
    /// 0 for a root.
    pub depth: usize,
    pub rect: Rect,
    /// The coloured header band (kind label and name).
    pub header: Rect,
    /// The kind label and the wrapped name (and "Belum ada sasaran" on a unit without
    /// objectives).
    pub lines: Vec<TextLine>,
    /// With the other units of its parent in a stacked block (see the module docs).
    pub stacked: bool,
    pub objectives: Vec<ObjectiveBox>,
    /// For units that have children.
    pub toggle: Option<Toggle>,
}

impl UnitBox {
    /// Every line of text on the card: header, objectives (with their badges) and indicators.
    pub fn all_lines(&self) -> impl Iterator<Item = &TextLine> {
        self.lines
            .iter()
            .chain(self.objectives.iter().flat_map(|o| {
                o.lines
                    .iter()
                    .chain(o.badge.iter().flat_map(|b| b.lines.iter()))
                    .chain(o.indicators.iter().flat_map(|i| i.lines.iter()))
            }))
    }
    fn translate(&mut self, dx: f64, dy: f64) {
        self.rect.translate(dx, dy);
        self.header.translate(dx, dy);
        for l in &mut self.lines {
            l.translate(dx, dy);
        }
        for o in &mut self.objectives {
            o.rect.translate(dx, dy);
            o.anchor_y += dy;
            for l in &mut o.lines {
                l.translate(dx, dy);
            }
            if let Some(b) = &mut o.badge {
                b.rect.translate(dx, dy);
                for l in &mut b.lines {
                    l.translate(dx, dy);
                }
            }
            for i in &mut o.indicators {
                i.rect.translate(dx, dy);
                for l in &mut i.lines {
                    l.translate(dx, dy);
                }
            }
        }
        if let Some(t) = &mut self.toggle {
            t.centre.x += dx;
            t.centre.y += dy;
            if let Some(b) = &mut t.badge {
                b.rect.translate(dx, dy);
                b.label.translate(dx, dy);
            }
        }
    }
}

/// An orthogonal connector from a parent card to one of its children.
#[derive(Debug, Clone, PartialEq)]
pub struct Connector {
    pub parent: UnitKey,
    pub child: UnitKey,
    pub points: Vec<Point>,
}

/// A cascade link: `from` objective supports `to` objective with `weight`.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeLink {
    pub from_unit: UnitKey,
    pub from_objective: Code,
    pub to_unit: UnitKey,
    pub to_objective: Code,
    pub weight: f64,
    /// The target is not in the source unit's parent.
    pub crosscutting: bool,
    /// The route, drawn with rounded corners; the arrowhead is at the last point.
    pub points: Vec<Point>,
}

/// What a legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendKind {
    Structure,
    Cascade,
    Crosscutting,
}

/// One legend entry: a sample line from `from` to `to` and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub kind: LegendKind,
    pub from: Point,
    pub to: Point,
    pub label: TextLine,
}

/// The legend box in the top-right corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub rect: Rect,
    pub heading: TextLine,
    pub items: Vec<LegendItem>,
}

/// One entry of the colour key under the title ([`PohonOptions::legend`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Swatch {
    pub rect: Rect,
    /// A checked colour.
    pub colour: String,
    pub label: TextLine,
}

/// The heading band above the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The title lines and the subtitle (organisation name, Renstra period).
    pub lines: Vec<TextLine>,
    /// The colour key under the title ([`PohonOptions::legend`]), left of the legend box.
    pub swatches: Vec<Swatch>,
    /// The "DATA DEMO" mark of demo organisations.
    pub demo: Option<Badge>,
    pub legend: Legend,
}

/// Every position of the diagram, in pixels; the drawing spans `0..width` × `0..height`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub header: Header,
    /// Visible units in pre-order (parents before children, siblings in document order).
    pub units: Vec<UnitBox>,
    pub connectors: Vec<Connector>,
    /// Drawn links, in document order of their source objective and support.
    pub links: Vec<CascadeLink>,
    /// Support links left out because one end is hidden under a collapsed unit.
    pub hidden_links: usize,
}

impl Layout {
    pub fn unit(&self, key: &UnitKey) -> Option<&UnitBox> {
        self.units.iter().find(|u| &u.key == key)
    }
}

/// The heading to show: the option, the organisation's title, or its name.
fn title_of<'a>(org: &'a Organisation, opts: &'a PohonOptions) -> &'a str {
    opts.title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or(org.title.as_deref().filter(|t| !t.trim().is_empty()))
        .unwrap_or(&org.name)
}

/// Whether `s` is a colour we pass to SVG: hex, a functional notation with plain numbers, or a
/// name. Keeps user-supplied fills from smuggling anything into the markup.
pub(crate) fn is_safe_colour(s: &str) -> bool {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    for f in ["rgb(", "rgba(", "hsl(", "hsla("] {
        if let Some(args) = s.strip_prefix(f).and_then(|r| r.strip_suffix(')')) {
            return !args.is_empty()
                && args.bytes().all(|b| {
                    b.is_ascii_digit()
                        || b" .,%/-".contains(&b)
                        || b == b'd'
                        || b == b'e'
                        || b == b'g'
                });
        }
    }
    !s.is_empty() && s.len() <= 24 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        for ok in [
            "#fff",
            "#A1b2C3",
            "#a1b2c3d4",
            "rgb(10, 20, 30)",
            "hsl(120deg 50% 50%)",
            "lightgreen",
        ] {
            assert!(is_safe_colour(ok), "{ok}");
        }
        for bad in [
            "",
            "#ggg",
            "red;stroke:blue",
            "url(#x)",
            "rgb(1,2,3);x",
            "\"><script>",
            "#12345",
        ] {
            assert!(!is_safe_colour(bad), "{bad}");
        }
    }

    #[test]
    fn rects() {
        let a = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let b = Rect {
            x: 10.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&Rect { x: 9.0, ..b }));
        assert!(a.contains(
            &Rect {
                x: 1.0,
                y: 1.0,
                w: 9.0,
                h: 9.0
            },
            0.0
        ));
    }
}

/// The heat tree's label of an objective: its own capaian and, when something supports it,
/// the supporters' mean: `87,50% · dukungan 92,10%`, `belum dilaporkan`.
pub fn objective_badge(
    own: &pokin_domain::capaian::Capaian,
    supporters: Option<&pokin_domain::capaian::Capaian>,
) -> String {
    match supporters {
        Some(s) => format!("{} · dukungan {}", own.short(), s.short()),
        None => own.short(),
    }
}

/// Colours a diagram by capaian (the heat tree): each objective filled with its predicate's
/// tint and labelled with [`objective_badge`], the predicate legend, and the heading
/// `{title} · capaian {span}`. `roll_up` is the organisation's capaian for the span shown
/// (`span` its label, e.g. `Tahun 2026`); the web page and the poster share this.
pub fn paint_capaian(
    opts: &mut PohonOptions,
    org: &Organisation,
    roll_up: &pokin_domain::capaian::OrganisationCapaian,
    bands: &pokin_domain::capaian::PredicateBands,
    span: &str,
) {
    let heading = org.title.as_deref().unwrap_or(&org.name);
    opts.title = Some(format!("{heading} · capaian {span}"));
    use crate::chart::{predicate_legend, predicate_tint};
    let levels = bands.bands().len();
    for (u, uc) in org.units.iter().zip(&roll_up.units) {
        for oc in &uc.objectives {
            let key = (u.key.clone(), oc.code.clone());
            let level = oc.capaian().predicate(bands).map(|p| p.level);
            opts.fills
                .insert(key.clone(), predicate_tint(level, levels).to_owned());
            opts.badges.insert(
                key,
                objective_badge(oc.capaian(), oc.supporters.as_ref().map(|s| &s.capaian)),
            );
        }
    }
    opts.legend = predicate_legend(bands, predicate_tint);
}

#[cfg(test)]
mod badge_tests {
    use super::*;
    use pokin_domain::capaian::{Capaian, Percent};

    #[test]
    fn badges() {
        let p = |v| Capaian::Persen(Percent::new(v).unwrap());
        assert_eq!(
            objective_badge(&p(87.5), Some(&p(92.1))),
            "87,50% · dukungan 92,10%"
        );
        assert_eq!(
            objective_badge(&Capaian::BelumDilaporkan, None),
            "belum dilaporkan"
        );
    }
}
