//! Charts as standalone SVG documents: capaian per item as horizontal bars ([`bar_chart`]),
//! values over periods as lines ([`line_chart`]), and how many items earned each predicate
//! ([`distribution_chart`]).
//!
//! # What every chart promises
//!
//! - **Standalone and inert**: one `<svg>` element with `xmlns`, `width`/`height` and a matching
//!   `viewBox` (so a page can scale it with CSS `max-width:100%; height:auto`), no script, no
//!   external reference, no CSS: colours, fonts and dashes are presentation attributes, so the
//!   same bytes render in a browser, in `rsvg-convert` and in a PDF.
//! - **Accessible**: `role="img"` with a `<title>` (the chart's title) and a `<desc>` that reads
//!   every value out in Indonesian; each bar, point and band has its own `<title>` tooltip. A bar
//!   chart with links uses `role="group"` instead, because `img` hides its links from assistive
//!   technology.
//! - **Laid out on the server** with the DejaVu Sans widths of [`crate::text`]: long labels are
//!   wrapped to two lines and cut with `…`, nothing runs past the drawing. All user text is
//!   escaped.
//! - **Numbers the Indonesian way**, only through [`pokin_domain::format`]: `87,50%`, `1.234`.
//! - **Robust**: NaN and infinite values count as missing (`None`), missing values are never
//!   drawn as 0, and a chart without data says "Belum ada data".
//! - **Colours** come from [`PALETTE`]; [`predicate_colour`] and [`predicate_tint`] map a
//!   predicate level to the same green-to-red scale the web page uses for legends and the heat
//!   tree.
//!
//! The charts are [`WIDTH`] pixels wide: on a 390 px phone they scale by about 0.8, which keeps
//! 12 px labels readable.

use crate::pohon::is_safe_colour;
use crate::text;
use crate::xml::{F, push_escaped};
use pokin_domain::capaian::{Capaian, Ceiling, PredicateBands};
use pokin_domain::format;
use std::fmt::Write;

/// The width of every chart, in pixels.
pub const WIDTH: f64 = 440.0;
/// Space around the drawing.
const MARGIN: f64 = 16.0;
const FONT_FAMILY: &str = "'DejaVu Sans',Verdana,'Liberation Sans',Arial,Helvetica,sans-serif";

/// Every colour the charts draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: &'static str,
    /// Titles and values.
    pub ink: &'static str,
    /// Labels.
    pub text: &'static str,
    /// Axis ticks, captions, "belum dilaporkan".
    pub muted: &'static str,
    pub grid: &'static str,
    pub axis: &'static str,
    /// The dashed 100 % line.
    pub reference: &'static str,
    /// Bars and bands without a level ("belum dilaporkan", "tidak dapat dihitung"), in order.
    pub neutral: [&'static str; 3],
    /// Light versions of `neutral`, for backgrounds behind text.
    pub neutral_tint: [&'static str; 3],
    /// The predicate scale from the best (green) to the worst (red); see [`predicate_colour`].
    pub predicate: [&'static str; 9],
    /// Light versions of `predicate`, for backgrounds behind dark text (the heat tree).
    pub predicate_tint: [&'static str; 9],
    /// Line chart series, in order (then repeated).
    pub series: [&'static str; 6],
}

/// The one palette. Strong colours keep at least 3:1 contrast against white (graphics, WCAG
/// 1.4.11); tints keep the diagram's dark text (`#0f172a`) above 4.5:1.
pub const PALETTE: Palette = Palette {
    background: "#ffffff",
    ink: "#0f172a",
    text: "#1e293b",
    muted: "#64748b",
    grid: "#e2e8f0",
    axis: "#94a3b8",
    reference: "#334155",
    neutral: ["#94a3b8", "#cbd5e1", "#64748b"],
    neutral_tint: ["#e2e8f0", "#f1f5f9", "#cbd5e1"],
    predicate: [
        "#15803d", "#3f8f29", "#65a30d", "#a16207", "#d97706", "#ea580c", "#dc2626", "#b91c1c",
        "#991b1b",
    ],
    predicate_tint: [
        "#bbf7d0", "#c9f4b4", "#d9f99d", "#fef08a", "#fde68a", "#fed7aa", "#fecaca", "#fca5a5",
        "#f8a0a0",
    ],
    series: [
        "#2563eb", "#ea580c", "#0f766e", "#7c3aed", "#be123c", "#4d7c0f",
    ],
};

/// Where a predicate level falls on the 9-step scale: level 0 (the best) is the first step,
/// level `levels - 1` (the worst) the last, the rest spread evenly between. `None` without a
/// level or with `levels == 0`; a level past the end counts as the worst.
fn scale_step(level: Option<usize>, levels: usize) -> Option<usize> {
    let level = level?;
    if levels == 0 {
        return None;
    }
    let last = PALETTE.predicate.len() - 1;
    if levels == 1 {
        return Some(0);
    }
    let l = level.min(levels - 1) as f64;
    let step = (l * last as f64 / (levels - 1) as f64).round() as usize;
    Some(step.min(last))
}

/// The colour of a predicate level (0 = the highest band) out of `levels` bands: green for the
/// best through yellow and orange to red for the worst; grey for `None` (belum dilaporkan, not
/// computable). Strong enough for bars and swatches on white. The Permendagri 86/2017 bands
/// (5 levels) get `#15803d`, `#65a30d`, `#d97706`, `#dc2626`, `#991b1b`.
///
/// ```
/// use pokin_docs::chart::predicate_colour;
/// assert_eq!(predicate_colour(Some(0), 5), "#15803d");
/// assert_eq!(predicate_colour(None, 5), "#94a3b8");
/// ```
pub fn predicate_colour(level: Option<usize>, levels: usize) -> &'static str {
    scale_step(level, levels).map_or(PALETTE.neutral[0], |i| PALETTE.predicate[i])
}

/// The light version of [`predicate_colour`], for fills behind dark text such as the heat tree's
/// objective boxes ([`crate::pohon::PohonOptions::fills`]).
pub fn predicate_tint(level: Option<usize>, levels: usize) -> &'static str {
    scale_step(level, levels).map_or(PALETTE.neutral_tint[0], |i| PALETTE.predicate_tint[i])
}

/// A legend for predicate bands, highest first, then "Belum dilaporkan", coloured by `colour`
/// ([`predicate_colour`] or [`predicate_tint`]); for [`BarChart::legend`] and
/// [`crate::pohon::PohonOptions::legend`].
pub fn predicate_legend(
    bands: &PredicateBands,
    colour: fn(Option<usize>, usize) -> &'static str,
) -> Vec<(String, String)> {
    let n = bands.bands().len();
    bands
        .bands()
        .iter()
        .enumerate()
        .map(|(i, b)| (b.label.clone(), colour(Some(i), n).to_owned()))
        .chain([("Belum dilaporkan".to_owned(), colour(None, n).to_owned())])
        .collect()
}

/// A chart of capaian (percent) per item as horizontal bars.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarChart {
    pub title: String,
    pub items: Vec<BarItem>,
    /// The ceiling of the roll-up ([`Ceiling::get`], usually 120): the value axis runs to the
    /// larger of this and the largest value. Below 100 counts as 100; not finite as 120.
    pub ceiling: f64,
    /// Swatches drawn under the title: (label, colour), e.g. [`predicate_legend`]. Entries whose
    /// colour is not a plain colour (see [`crate::pohon::PohonOptions::fills`]) are left out.
    pub legend: Vec<(String, String)>,
}

/// One bar.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarItem {
    /// The unit, objective or indicator; wrapped to two lines and cut with `…`.
    pub label: String,
    /// The capaian in percent; `None` (or NaN, infinite) draws no bar but "belum dilaporkan".
    pub value: Option<f64>,
    /// The predicate level (0 = the highest band), which colours the bar.
    pub level: Option<usize>,
    /// How many predicate bands there are.
    pub levels: usize,
    /// Extra text for the tooltip and the description (e.g. the predicate label); on an item
    /// without a value it replaces "belum dilaporkan" as the visible text.
    pub note: Option<String>,
    /// Where the bar links to (relative, or http/https); anything else is ignored.
    pub href: Option<String>,
}

impl BarItem {
    /// A bar for a computed [`Capaian`]: the percentage ([`Capaian::Melampaui`] at the
    /// ceiling) coloured by its predicate, with the predicate (or why there is no value) as the
    /// note.
    pub fn from_capaian(
        label: impl Into<String>,
        capaian: &Capaian,
        bands: &PredicateBands,
        ceiling: Ceiling,
    ) -> BarItem {
        let predicate = capaian.predicate(bands);
        let note = match (capaian, predicate) {
            (Capaian::Melampaui, Some(p)) => format!("{}, melampaui target", p.label),
            (_, Some(p)) => p.label.to_owned(),
            (c, None) => c.to_string(),
        };
        BarItem {
            label: label.into(),
            value: capaian.numeric(ceiling),
            level: predicate.map(|p| p.level),
            levels: bands.bands().len(),
            note: Some(note),
            href: None,
        }
    }
}

/// Values over periods (or years) as lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    pub title: String,
    /// The x axis, in order: `TW I 2025`, …, or years.
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The y axis title with its satuan, e.g. `Jumlah investor (orang)`; with `percent` and no
    /// label, `Persen (%)`.
    pub y_label: Option<String>,
    /// Values are percentages: ticks end in `%` and a dashed line marks 100 %.
    pub percent: bool,
}

/// One line: a point per category (extra points are ignored, missing ones are gaps).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// `Target`, `Realisasi`, `Capaian`…
    pub name: String,
    /// `None` (or NaN, infinite) leaves a gap: never drawn as 0.
    pub points: Vec<Option<f64>>,
    /// Drawn dashed with hollow markers (e.g. targets).
    pub dashed: bool,
}

/// How many items earned each predicate, as one stacked bar and a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Distribution {
    pub title: String,
    /// In display order, usually highest predicate first and "Belum dilaporkan" last.
    pub bands: Vec<DistributionBand>,
    /// How many predicate bands there are (for [`predicate_colour`]).
    pub levels: usize,
}

/// One band of a [`Distribution`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DistributionBand {
    pub label: String,
    pub count: usize,
    /// The predicate level; `None` for "Belum dilaporkan" and the like (grey).
    pub level: Option<usize>,
}

impl Distribution {
    /// Counts capaian per predicate band, then "Belum dilaporkan" (always listed) and
    /// "Tidak dapat dihitung" (listed when any).
    pub fn of_capaian<'a>(
        title: impl Into<String>,
        bands: &PredicateBands,
        capaian: impl IntoIterator<Item = &'a Capaian>,
    ) -> Distribution {
        let n = bands.bands().len();
        let mut counts = vec![0usize; n];
        let (mut unreported, mut uncomputable) = (0usize, 0usize);
        for c in capaian {
            match (c, c.predicate(bands)) {
                (_, Some(p)) => counts[p.level] += 1,
                (Capaian::BelumDilaporkan, None) => unreported += 1,
                (_, None) => uncomputable += 1,
            }
        }
        let mut out: Vec<DistributionBand> = bands
            .bands()
            .iter()
            .zip(counts)
            .enumerate()
            .map(|(i, (b, count))| DistributionBand {
                label: b.label.clone(),
                count,
                level: Some(i),
            })
            .collect();
        out.push(DistributionBand {
            label: "Belum dilaporkan".into(),
            count: unreported,
            level: None,
        });
        if uncomputable > 0 {
            out.push(DistributionBand {
                label: "Tidak dapat dihitung".into(),
                count: uncomputable,
                level: None,
            });
        }
        Distribution {
            title: title.into(),
            bands: out,
            levels: n,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing primitives

#[derive(Debug, Clone, Copy)]
struct Font {
    size: f64,
    bold: bool,
    italic: bool,
}

impl Font {
    const fn new(size: f64, bold: bool) -> Font {
        Font {
            size,
            bold,
            italic: false,
        }
    }
    const fn italic(self) -> Font {
        Font {
            italic: true,
            ..self
        }
    }
    fn width(self, s: &str) -> f64 {
        text::width(s, self.size, self.bold)
    }
    fn fit(self, s: &str, max: f64) -> String {
        text::ellipsize(s, self.size, self.bold, max)
    }
    fn lines(self, s: &str, max: f64, n: usize) -> Vec<String> {
        text::wrap_clamped(s, self.size, self.bold, max, n)
    }
    fn line_height(self) -> f64 {
        (self.size * 1.3).round()
    }
    /// From the middle of a line to its baseline (about half the x-height below).
    fn mid_to_baseline(self) -> f64 {
        self.size * 0.36
    }
}

const TITLE: Font = Font::new(15.0, true);
const LABEL: Font = Font::new(12.0, false);
const VALUE: Font = Font::new(12.0, true);
const SMALL: Font = Font::new(11.0, false);
const SMALL_BOLD: Font = Font::new(11.0, true);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// The body of a chart; [`Svg::finish`] wraps it in the `<svg>` element once the height is
/// known.
#[derive(Default)]
struct Svg {
    out: String,
}

impl Svg {
    fn esc(&mut self, s: &str) {
        push_escaped(&mut self.out, s);
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        push_escaped(&mut self.out, value);
        self.out.push('"');
    }

    fn tooltip(&mut self, s: &str) {
        self.out.push_str("<title>");
        self.esc(s);
        self.out.push_str("</title>");
    }

    fn text(&mut self, x: f64, y: f64, s: &str, font: Font, fill: &str, anchor: Anchor) {
        if s.is_empty() {
            return;
        }
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{fill}\"",
            F(x),
            F(y),
            F(font.size)
        );
        if font.bold {
            self.out.push_str(" font-weight=\"bold\"");
        }
        if font.italic {
            self.out.push_str(" font-style=\"italic\"");
        }
        match anchor {
            Anchor::Start => {}
            Anchor::Middle => self.out.push_str(" text-anchor=\"middle\""),
            Anchor::End => self.out.push_str(" text-anchor=\"end\""),
        }
        self.out.push('>');
        self.esc(s);
        self.out.push_str("</text>");
    }

    /// A rectangle; `fill` must be a safe colour (from the palette or checked).
    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, rx: f64, fill: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            F(x),
            F(y),
            F(w.max(0.0)),
            F(h.max(0.0))
        );
        if rx > 0.0 {
            let _ = write!(self.out, " rx=\"{}\"", F(rx));
        }
        let _ = write!(self.out, " fill=\"{fill}\"/>");
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, w: f64) {
        let _ = write!(
            self.out,
            "<path d=\"M{} {} L{} {}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>",
            F(x1),
            F(y1),
            F(x2),
            F(y2),
            F(w)
        );
    }

    fn dashed(&mut self, a: (f64, f64), b: (f64, f64), stroke: &str, w: f64, dash: &str) {
        self.line(a, b, stroke, w);
        // Insert the dash pattern before the closing "/>".
        self.out.truncate(self.out.len() - 2);
        let _ = write!(self.out, " stroke-dasharray=\"{dash}\"/>");
    }

    /// The title, wrapped to two lines; returns the y below it.
    fn heading(&mut self, title: &str, y: f64) -> f64 {
        let mut y = y;
        for line in TITLE.lines(title, WIDTH - 2.0 * MARGIN, 2) {
            self.text(
                MARGIN,
                y + TITLE.size,
                &line,
                TITLE,
                PALETTE.ink,
                Anchor::Start,
            );
            y += TITLE.line_height();
        }
        y + 4.0
    }

    /// Swatches (label, colour) flowing in rows; returns the y below them.
    fn swatches(&mut self, entries: &[(String, String)], y: f64) -> f64 {
        let entries: Vec<(&str, &str)> = entries
            .iter()
            .filter(|(_, c)| is_safe_colour(c))
            .map(|(l, c)| (l.as_str(), c.trim()))
            .collect();
        if entries.is_empty() {
            return y;
        }
        let (sw, gap, after) = (11.0, 5.0, 14.0);
        let right = WIDTH - MARGIN;
        let row_h = SMALL.line_height() + 4.0;
        let (mut x, mut y) = (MARGIN, y + 2.0);
        for (label, colour) in entries {
            let label = SMALL.fit(label, right - MARGIN - sw - gap);
            let w = sw + gap + SMALL.width(&label);
            if x > MARGIN && x + w > right {
                x = MARGIN;
                y += row_h;
            }
            self.out.push_str("<g>");
            self.rect(x, y + 1.0, sw, sw, 2.0, colour);
            self.text(
                x + sw + gap,
                y + 1.0 + sw / 2.0 + SMALL.mid_to_baseline(),
                &label,
                SMALL,
                PALETTE.text,
                Anchor::Start,
            );
            self.out.push_str("</g>");
            x += w + after;
        }
        y + row_h + 2.0
    }

    /// "Belum ada data" under the heading; returns the height of the drawing.
    fn no_data(&mut self, y: f64) -> f64 {
        let h = 64.0;
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"none\" \
             stroke=\"{}\" stroke-dasharray=\"4 3\"/>",
            F(MARGIN),
            F(y + 4.0),
            F(WIDTH - 2.0 * MARGIN),
            F(h - 8.0),
            PALETTE.axis
        );
        self.text(
            WIDTH / 2.0,
            y + h / 2.0 + LABEL.mid_to_baseline(),
            "Belum ada data",
            LABEL.italic(),
            PALETTE.muted,
            Anchor::Middle,
        );
        y + h + MARGIN
    }

    /// The whole document.
    fn finish(self, kind: &str, height: f64, title: &str, desc: &str, role: &str) -> String {
        let mut out = String::with_capacity(self.out.len() + 600);
        let h = height.ceil();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {kind}\" width=\"{w}\" \
             height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"{role}\" font-family=\"{FONT_FAMILY}\">",
            w = F(WIDTH),
            h = F(h),
        );
        out.push_str("<title>");
        push_escaped(&mut out, title);
        out.push_str("</title>\n<desc>");
        push_escaped(&mut out, desc);
        out.push_str("</desc>\n");
        let _ = writeln!(
            out,
            "<rect width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            F(WIDTH),
            F(h),
            PALETTE.background
        );
        out.push_str(&self.out);
        out.push_str("</svg>\n");
        out
    }
}

/// `s` without control characters, noncharacters and surplus whitespace, or `default` when
/// blank.
fn clean(s: &str, default: &str) -> String {
    let words: Vec<&str> = s
        .split(|c: char| {
            c.is_whitespace() || c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        default.to_owned()
    } else {
        words.join(" ")
    }
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// `87,50%`.
fn percent(v: f64) -> String {
    format!("{}%", format::number(v, 2))
}

/// A link we are willing to write: relative (`/`, `#`, `?`, a path) or http(s); no control
/// characters, no other scheme (`javascript:`, `data:`).
fn safe_href(href: &str) -> Option<&str> {
    let h = href.trim();
    if h.is_empty() || h.chars().any(|c| c.is_control()) {
        return None;
    }
    let scheme_end = h.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if h.as_bytes()[i] == b':' => {
            let scheme = h[..i].to_ascii_lowercase();
            (scheme == "http" || scheme == "https").then_some(h)
        }
        _ => Some(h),
    }
}

/// A tick label drawn only where it does not collide with one drawn before (earlier labels win).
struct TickLabels {
    placed: Vec<(f64, f64)>,
}

impl TickLabels {
    /// Whether a label centred at `x` and `w` wide fits; records it when it does.
    fn claim(&mut self, x: f64, w: f64) -> bool {
        let (a, b) = (x - w / 2.0 - 2.0, x + w / 2.0 + 2.0);
        if a < 0.0 || b > WIDTH || self.placed.iter().any(|&(p, q)| a < q && p < b) {
            return false;
        }
        self.placed.push((a, b));
        true
    }
}

/// 1-2-5 ticks covering `lo..=hi` (finite, `lo <= hi`), about `target` of them. Never more than
/// 60, never empty.
fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let (lo, hi) = if hi - lo < 1e-9 {
        (lo, lo + 1.0)
    } else {
        (lo, hi)
    };
    let t = target.max(1) as f64;
    // Halves first: `hi - lo` may overflow for values near f64::MAX.
    let raw = hi / t - lo / t;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = mag
        * if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        };
    if !(step.is_finite() && step > 0.0) {
        return (vec![lo, hi], raw);
    }
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let count = last - first;
    if !(count.is_finite() && (0.0..=60.0).contains(&count)) {
        return (vec![lo, hi], step);
    }
    let ticks: Vec<f64> = (0..=count as usize)
        .map(|k| (first + k as f64) * step + 0.0)
        .collect();
    if ticks.iter().any(|t| !t.is_finite()) {
        return (vec![lo, hi], step);
    }
    (ticks, step)
}

/// Decimals that show a tick step exactly (0.5 → 1, 0.05 → 2, 20 → 0), at most 6.
fn decimals_for(step: f64) -> u8 {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (-step.log10() - 1e-9).ceil().clamp(0.0, 6.0) as u8
}

/// `v`'s position between `a` and `b` (0 to 1), computed on halves so that huge values do
/// not overflow.
fn fraction(v: f64, a: f64, b: f64) -> f64 {
    let span = b / 2.0 - a / 2.0;
    if span > 0.0 {
        ((v / 2.0 - a / 2.0) / span).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Relative luminance of `#rrggbb` (0 black to 1 white); `None` for other forms.
fn luminance(colour: &str) -> Option<f64> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let c = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// White or dark text, whichever reads better on `fill`.
fn text_on(fill: &str) -> &'static str {
    match luminance(fill) {
        Some(l) if l < 0.3 => "#ffffff",
        _ => PALETTE.ink,
    }
}

// ---------------------------------------------------------------------------------------------
// Bar chart

/// Horizontal bars of capaian (%), one per item, with the value axis in percent, a dashed 100 %
/// line, bars coloured by predicate level ([`predicate_colour`]) and the value at each bar's
/// end; items without a value say "belum dilaporkan" instead of a bar.
///
/// ```
/// use pokin_docs::chart::{BarChart, BarItem, bar_chart};
/// let svg = bar_chart(&BarChart {
///     title: "Capaian sasaran 2025".into(),
///     items: vec![BarItem { label: "Sekretariat".into(), value: Some(87.5), level: Some(1), levels: 5, ..Default::default() }],
///     ceiling: 120.0,
///     legend: Vec::new(),
/// });
/// assert!(svg.contains("87,50%"));
/// ```
pub fn bar_chart(chart: &BarChart) -> String {
    let title = clean(&chart.title, "Capaian");
    let mut svg = Svg::default();
    let y = svg.heading(&title, MARGIN);
    let y = svg.swatches(&chart.legend, y);
    if chart.items.is_empty() {
        let h = svg.no_data(y);
        return svg.finish("bar-chart", h, &title, "Belum ada data.", "img");
    }

    let ceiling = if !chart.ceiling.is_finite() {
        Ceiling::DEFAULT.get()
    } else {
        chart.ceiling.max(100.0)
    };
    let values: Vec<Option<f64>> = chart.items.iter().map(|i| finite(i.value)).collect();
    let vmax = values.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let (end, ticks) = percent_axis(ceiling, vmax);

    // Columns: labels (right-aligned against the axis), bars, values.
    let labels: Vec<String> = chart.items.iter().map(|i| clean(&i.label, "–")).collect();
    let natural = labels.iter().map(|l| LABEL.width(l)).fold(0.0, f64::max);
    let label_w = natural.clamp(40.0, (WIDTH * 0.32).round());
    let label_lines: Vec<Vec<String>> = labels.iter().map(|l| LABEL.lines(l, label_w, 2)).collect();
    let value_texts: Vec<Option<String>> = values.iter().map(|v| v.map(percent)).collect();
    let widest_value = value_texts
        .iter()
        .flatten()
        .map(|t| VALUE.width(t))
        .fold(0.0, f64::max);
    let last_tick_half = SMALL.width(&tick_label(end)) / 2.0;
    let value_room = (widest_value + 8.0)
        .max(last_tick_half + 2.0)
        .min(WIDTH * 0.25);
    let plot_x = MARGIN + label_w + 10.0;
    let plot_w = WIDTH - MARGIN - value_room - plot_x;
    let two_lines = label_lines.iter().any(|l| l.len() > 1);
    let row_h = if two_lines { 38.0 } else { 28.0 };
    let bar_h = 16.0;
    // Room above the rows for the label of the 100 % line.
    let top = y + 6.0 + SMALL_BOLD.line_height();
    let bottom = top + row_h * chart.items.len() as f64;
    let x_of = |v: f64| plot_x + fraction(v.max(0.0), 0.0, end) * plot_w;

    // Gridlines, the axis, the 100 % line.
    svg.out.push_str("<g class=\"grid\">");
    for &t in &ticks {
        let colour = if t == 0.0 { PALETTE.axis } else { PALETTE.grid };
        svg.line((x_of(t), top), (x_of(t), bottom), colour, 1.0);
    }
    svg.line(
        (plot_x, bottom),
        (plot_x + plot_w, bottom),
        PALETTE.axis,
        1.0,
    );
    svg.dashed(
        (x_of(100.0), top - 4.0),
        (x_of(100.0), bottom),
        PALETTE.reference,
        1.2,
        "4 3",
    );
    svg.text(
        x_of(100.0),
        top - 7.0,
        &tick_label(100.0),
        SMALL_BOLD,
        PALETTE.reference,
        Anchor::Middle,
    );
    svg.out.push_str("</g>\n");

    let mut linked = false;
    let mut desc = format!(
        "Diagram batang capaian dalam persen, {} butir; garis putus-putus menandai 100%, \
         skala sampai {}.",
        chart.items.len(),
        tick_label(end)
    );
    for (k, item) in chart.items.iter().enumerate() {
        let mid = top + row_h * (k as f64 + 0.5);
        let colour = predicate_colour(item.level, item.levels);
        let note = item
            .note
            .as_deref()
            .map(|n| clean(n, ""))
            .filter(|n| !n.is_empty());
        let shown = match (&value_texts[k], &note) {
            (Some(v), _) => v.clone(),
            (None, Some(n)) => n.clone(),
            (None, None) => "belum dilaporkan".to_owned(),
        };
        let mut tip = format!("{}: {shown}", labels[k]);
        if let (Some(_), Some(n)) = (&value_texts[k], &note) {
            tip.push_str(&format!(" ({n})"));
        }
        let _ = write!(desc, " {tip}.");

        let href = item.href.as_deref().and_then(safe_href);
        match href {
            Some(h) => {
                linked = true;
                svg.out.push_str("<a class=\"bar-item\"");
                svg.attr("href", h);
                svg.attr("aria-label", &tip);
                svg.out.push('>');
            }
            None => svg.out.push_str("<g class=\"bar-item\">"),
        }
        svg.tooltip(&tip);
        if href.is_some() {
            // The whole row answers to the pointer, not only the ink.
            let _ = write!(
                svg.out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0\"/>",
                F(MARGIN),
                F(mid - row_h / 2.0),
                F(WIDTH - 2.0 * MARGIN),
                F(row_h)
            );
        }
        let lines = &label_lines[k];
        let lh = LABEL.line_height();
        let first = mid - lh * (lines.len() as f64 - 1.0) / 2.0 + LABEL.mid_to_baseline();
        let label_fill = if href.is_some() {
            "#1d4ed8"
        } else {
            PALETTE.text
        };
        for (i, line) in lines.iter().enumerate() {
            svg.text(
                plot_x - 10.0,
                first + lh * i as f64,
                line,
                LABEL,
                label_fill,
                Anchor::End,
            );
        }
        match values[k] {
            Some(v) => {
                let x1 = x_of(v);
                svg.rect(plot_x, mid - bar_h / 2.0, x1 - plot_x, bar_h, 2.0, colour);
                let text = value_texts[k].as_deref().unwrap_or_default();
                let room = WIDTH - MARGIN - (x1 + 5.0);
                let text = VALUE.fit(text, room.max(0.0));
                // A white backing keeps gridlines and the 100 % line from crossing the value.
                svg.rect(
                    x1 + 2.0,
                    mid - 8.0,
                    VALUE.width(&text) + 5.0,
                    16.0,
                    0.0,
                    PALETTE.background,
                );
                svg.text(
                    x1 + 5.0,
                    mid + VALUE.mid_to_baseline(),
                    &text,
                    VALUE,
                    PALETTE.ink,
                    Anchor::Start,
                );
            }
            None => {
                let room = WIDTH - MARGIN - plot_x - 6.0;
                svg.text(
                    plot_x + 6.0,
                    mid + LABEL.mid_to_baseline(),
                    &LABEL.italic().fit(&shown, room),
                    LABEL.italic(),
                    PALETTE.muted,
                    Anchor::Start,
                );
            }
        }
        svg.out
            .push_str(if href.is_some() { "</a>\n" } else { "</g>\n" });
    }

    // Tick labels under the axis: 0 and the end first, then the rest where they fit (100 is
    // also labelled above its line).
    let mut placed = TickLabels { placed: Vec::new() };
    let baseline = bottom + 5.0 + SMALL.size;
    let mut order: Vec<f64> = ticks.clone();
    order.sort_by_key(|&t| !(t == 0.0 || t == end));
    svg.out.push_str("<g class=\"axis\">");
    for t in order {
        let label = tick_label(t);
        let w = SMALL.width(&label);
        if placed.claim(x_of(t), w) {
            svg.text(
                x_of(t),
                baseline,
                &label,
                SMALL,
                PALETTE.muted,
                Anchor::Middle,
            );
        }
    }
    svg.out.push_str("</g>\n");
    let height = baseline + 4.0 + MARGIN;
    let role = if linked { "group" } else { "img" };
    svg.finish("bar-chart", height, &title, &desc, role)
}

/// `100%`, `1.000%`.
fn tick_label(v: f64) -> String {
    format!("{}%", format::number_trimmed(v, 2))
}

/// The end of the percent axis and its ticks: 0, 25, 50, 75, 100 and the ceiling when no value
/// passes it; multiples of 25 up to a value past it (to 200); 1-2-5 steps beyond.
fn percent_axis(ceiling: f64, vmax: f64) -> (f64, Vec<f64>) {
    if vmax <= ceiling && ceiling <= 200.0 {
        let mut ticks: Vec<f64> = (0..=8)
            .map(|k| f64::from(k) * 25.0)
            .filter(|&t| t <= ceiling && (t <= 100.0 || ceiling - t >= 10.0))
            .collect();
        if ticks.last() != Some(&ceiling) {
            ticks.push(ceiling);
        }
        return (ceiling, ticks);
    }
    let top = vmax.max(ceiling);
    if top <= 200.0 {
        let end = (top / 25.0).ceil() * 25.0;
        let ticks = (0..=8)
            .map(|k| f64::from(k) * 25.0)
            .filter(|&t| t <= end)
            .collect();
        return (end, ticks);
    }
    let (mut ticks, _) = nice_ticks(0.0, top, 5);
    let end = *ticks.last().unwrap_or(&top);
    if !ticks.contains(&100.0) {
        ticks.push(100.0);
    }
    (end, ticks)
}

// ---------------------------------------------------------------------------------------------
// Line chart

/// Marker shapes, by series index, so that series differ without colour too.
const SHAPES: usize = 4;

/// Lines over categories with markers, a legend, nice y ticks (1-2-5 steps, Indonesian
/// numbers) and gaps where a value is missing.
///
/// ```
/// use pokin_docs::chart::{LineChart, Series, line_chart};
/// let svg = line_chart(&LineChart {
///     title: "Jumlah investor".into(),
///     categories: vec!["2024".into(), "2025".into()],
///     series: vec![Series { name: "Realisasi".into(), points: vec![Some(1200.0), None], dashed: false }],
///     y_label: Some("Investor (orang)".into()),
///     percent: false,
/// });
/// assert!(svg.contains("1.200"));
/// ```
pub fn line_chart(chart: &LineChart) -> String {
    let title = clean(&chart.title, "Grafik");
    let mut svg = Svg::default();
    let mut y = svg.heading(&title, MARGIN);
    let n = chart.categories.len();
    let series: Vec<(String, Vec<Option<f64>>, bool)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let points = (0..n)
                .map(|k| finite(s.points.get(k).copied().flatten()))
                .collect();
            (clean(&s.name, &format!("Seri {}", i + 1)), points, s.dashed)
        })
        .collect();
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.1.iter().flatten().copied())
        .collect();
    if n == 0 || all.is_empty() {
        let h = svg.no_data(y);
        return svg.finish("line-chart", h, &title, "Belum ada data.", "img");
    }

    // Legend.
    let right = WIDTH - MARGIN;
    let row_h = SMALL.line_height() + 4.0;
    let mut x = MARGIN;
    y += 2.0;
    svg.out.push_str("<g class=\"legend\">");
    for (i, (name, _, dashed)) in series.iter().enumerate() {
        let colour = PALETTE.series[i % PALETTE.series.len()];
        let name = SMALL.fit(name, right - MARGIN - 30.0);
        let w = 24.0 + 6.0 + SMALL.width(&name);
        if x > MARGIN && x + w > right {
            x = MARGIN;
            y += row_h;
        }
        let mid = y + row_h / 2.0 - 1.0;
        series_line(
            &mut svg,
            &format!("M{} {} H{}", F(x), F(mid), F(x + 24.0)),
            colour,
            *dashed,
        );
        marker(&mut svg, i, x + 12.0, mid, colour, *dashed);
        svg.text(
            x + 30.0,
            mid + SMALL.mid_to_baseline(),
            &name,
            SMALL,
            PALETTE.text,
            Anchor::Start,
        );
        x += w + 16.0;
    }
    svg.out.push_str("</g>\n");
    y += row_h + 6.0;

    // The y axis: 1-2-5 ticks over the data, 0 (and 100 for percentages) included.
    let mut lo = all.iter().copied().fold(0.0f64, f64::min);
    let mut hi = all.iter().copied().fold(0.0f64, f64::max);
    if chart.percent {
        hi = hi.max(100.0);
        lo = lo.min(0.0);
    }
    let (ticks, step) = nice_ticks(lo, hi, 5);
    let decimals = decimals_for(step);
    let (d0, d1) = (ticks[0], ticks[ticks.len() - 1]);
    // Millions and more are shortened (`8 M`, `1,5 jt`) so the axis stays narrow.
    let large = !chart.percent && d0.abs().max(d1.abs()) >= 1e6;
    let fmt_tick = |v: f64| {
        if large {
            return format::compact(v);
        }
        let s = format::number(v, decimals);
        if chart.percent { format!("{s}%") } else { s }
    };
    let tick_labels: Vec<String> = ticks.iter().map(|&t| fmt_tick(t)).collect();
    let tick_w = tick_labels
        .iter()
        .map(|t| SMALL.width(t))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.3);

    let y_label = match chart.y_label.as_deref().map(|l| clean(l, "")) {
        Some(l) if !l.is_empty() => Some(l),
        _ if chart.percent => Some("Persen (%)".to_owned()),
        _ => None,
    };
    if let Some(l) = &y_label {
        svg.text(
            MARGIN,
            y + SMALL_BOLD.size,
            &SMALL_BOLD.fit(l, WIDTH - 2.0 * MARGIN),
            SMALL_BOLD,
            PALETTE.muted,
            Anchor::Start,
        );
        y += SMALL_BOLD.line_height() + 4.0;
    }
    let plot_top = y + 6.0;
    let plot_h = 200.0;
    let plot_bottom = plot_top + plot_h;
    let plot_x = MARGIN + tick_w + 6.0;
    let plot_right = WIDTH - MARGIN;
    let y_of = |v: f64| plot_bottom - fraction(v, d0, d1) * plot_h;
    let step_x = (plot_right - plot_x) / n as f64;
    let x_of = |k: usize| plot_x + step_x * (k as f64 + 0.5);

    svg.out.push_str("<g class=\"grid\">");
    for (t, label) in ticks.iter().zip(&tick_labels) {
        let ty = y_of(*t);
        let colour = if *t == 0.0 {
            PALETTE.axis
        } else {
            PALETTE.grid
        };
        svg.line((plot_x, ty), (plot_right, ty), colour, 1.0);
        svg.text(
            plot_x - 6.0,
            ty + SMALL.mid_to_baseline(),
            &SMALL.fit(label, tick_w),
            SMALL,
            PALETTE.muted,
            Anchor::End,
        );
    }
    if chart.percent && (d0..=d1).contains(&100.0) {
        svg.dashed(
            (plot_x, y_of(100.0)),
            (plot_right, y_of(100.0)),
            PALETTE.reference,
            1.2,
            "4 3",
        );
    }
    svg.line((plot_x, plot_top), (plot_x, plot_bottom), PALETTE.axis, 1.0);
    svg.out.push_str("</g>\n");

    // Category labels: two lines each; every k-th when they do not fit.
    let cats: Vec<String> = chart.categories.iter().map(|c| clean(c, "–")).collect();
    let room = |k: usize, every: usize| {
        let x = x_of(k);
        (step_x * every as f64 - 6.0)
            .min(2.0 * (x - MARGIN / 2.0))
            .min(2.0 * (WIDTH - MARGIN / 2.0 - x))
    };
    let mut every = 1;
    while every < n
        && (0..n).step_by(every).any(|k| {
            let lines = text::wrap(&cats[k], SMALL.size, false, room(k, every));
            lines.len() > 2 || lines.iter().any(|l| SMALL.width(l) > room(k, every))
        })
    {
        every += 1;
    }
    svg.out.push_str("<g class=\"axis\">");
    let lh = SMALL.line_height();
    let mut max_lines = 1;
    for k in (0..n).step_by(every) {
        let x = x_of(k);
        svg.line((x, plot_bottom), (x, plot_bottom + 4.0), PALETTE.axis, 1.0);
        let lines = SMALL.lines(&cats[k], room(k, every).max(0.0), 2);
        max_lines = max_lines.max(lines.len());
        for (i, line) in lines.iter().enumerate() {
            svg.text(
                x,
                plot_bottom + 6.0 + SMALL.size + lh * i as f64,
                line,
                SMALL,
                PALETTE.muted,
                Anchor::Middle,
            );
        }
    }
    svg.out.push_str("</g>\n");

    // Lines and markers.
    let fmt_value = |v: f64| {
        if chart.percent {
            percent(v)
        } else {
            format::number_trimmed(v, 2)
        }
    };
    let mut desc = format!(
        "Diagram garis{}: {} untuk {} periode ({} sampai {}).",
        y_label
            .as_deref()
            .map(|l| format!(" {l}"))
            .unwrap_or_default(),
        series
            .iter()
            .map(|s| s.0.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        n,
        cats[0],
        cats[n - 1]
    );
    for (i, (name, points, dashed)) in series.iter().enumerate() {
        let colour = PALETTE.series[i % PALETTE.series.len()];
        let mut d = String::new();
        let mut pen_down = false;
        for (k, p) in points.iter().enumerate() {
            match p {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if pen_down { " L" } else { " M" },
                        F(x_of(k)),
                        F(y_of(*v))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        svg.out.push_str("<g class=\"series\"");
        svg.attr("data-series", name);
        svg.out.push('>');
        series_line(&mut svg, d.trim_start(), colour, *dashed);
        let _ = write!(desc, " {name}:");
        for (k, p) in points.iter().enumerate() {
            let shown = p.map_or_else(|| "tidak ada data".to_owned(), fmt_value);
            let _ = write!(
                desc,
                " {} {shown}{}",
                cats[k],
                if k + 1 < n { ";" } else { "." }
            );
            if let Some(v) = p {
                svg.out.push_str("<g>");
                svg.tooltip(&format!("{name} · {}: {shown}", cats[k]));
                marker(&mut svg, i, x_of(k), y_of(*v), colour, *dashed);
                svg.out.push_str("</g>");
            }
        }
        svg.out.push_str("</g>\n");
    }
    let height = plot_bottom + 6.0 + lh * max_lines as f64 + MARGIN;
    svg.finish("line-chart", height, &title, &desc, "img")
}

fn series_line(svg: &mut Svg, d: &str, colour: &str, dashed: bool) {
    let _ = write!(
        svg.out,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" \
         stroke-linejoin=\"round\" stroke-linecap=\"round\""
    );
    if dashed {
        svg.out.push_str(" stroke-dasharray=\"6 4\"");
    }
    svg.out.push_str("/>");
}

/// A marker of series `i` at (`x`, `y`): circle, square, diamond or triangle; hollow when dashed.
fn marker(svg: &mut Svg, i: usize, x: f64, y: f64, colour: &str, hollow: bool) {
    let (fill, stroke) = if hollow {
        (PALETTE.background, colour)
    } else {
        (colour, PALETTE.background)
    };
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
    let _ = match i % SHAPES {
        0 => write!(
            svg.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" {paint}/>",
            F(x),
            F(y)
        ),
        1 => write!(
            svg.out,
            "<rect x=\"{}\" y=\"{}\" width=\"7.5\" height=\"7.5\" {paint}/>",
            F(x - 3.75),
            F(y - 3.75)
        ),
        2 => write!(
            svg.out,
            "<path d=\"M{} {} L{} {} L{} {} L{} {} Z\" {paint}/>",
            F(x),
            F(y - 5.0),
            F(x + 5.0),
            F(y),
            F(x),
            F(y + 5.0),
            F(x - 5.0),
            F(y)
        ),
        _ => write!(
            svg.out,
            "<path d=\"M{} {} L{} {} L{} {} Z\" {paint}/>",
            F(x),
            F(y - 5.0),
            F(x + 4.8),
            F(y + 3.8),
            F(x - 4.8),
            F(y + 3.8)
        ),
    };
}

// ---------------------------------------------------------------------------------------------
// Distribution

/// The predicate distribution: one stacked bar (counts inside the segments that have room) and
/// a table of every band with its count and percentage, then the total.
///
/// ```
/// use pokin_docs::chart::{Distribution, distribution_chart};
/// use pokin_domain::capaian::{Capaian, PredicateBands};
/// let capaian = [Capaian::BelumDilaporkan, Capaian::Melampaui];
/// let d = Distribution::of_capaian("Sebaran predikat", &PredicateBands::default(), &capaian);
/// assert!(distribution_chart(&d).contains("50,00%"));
/// ```
pub fn distribution_chart(chart: &Distribution) -> String {
    let title = clean(&chart.title, "Sebaran predikat");
    let mut svg = Svg::default();
    let y = svg.heading(&title, MARGIN);
    let total: u128 = chart.bands.iter().map(|b| b.count as u128).sum();
    if total == 0 {
        let h = svg.no_data(y);
        return svg.finish("distribution-chart", h, &title, "Belum ada data.", "img");
    }
    let total_f = total as f64;
    // Colours: by level; bands without one take the neutral greys in turn.
    let mut neutral = 0;
    let colours: Vec<&str> = chart
        .bands
        .iter()
        .map(|b| match b.level {
            Some(_) => predicate_colour(b.level, chart.levels),
            None => {
                neutral += 1;
                PALETTE.neutral[(neutral - 1) % PALETTE.neutral.len()]
            }
        })
        .collect();
    let labels: Vec<String> = chart.bands.iter().map(|b| clean(&b.label, "–")).collect();
    let shares: Vec<f64> = chart
        .bands
        .iter()
        .map(|b| b.count as f64 / total_f * 100.0)
        .collect();
    let counts: Vec<String> = chart
        .bands
        .iter()
        .map(|b| format::number(b.count as f64, 0))
        .collect();
    let total_text = format::number(total_f, 0);

    // The stacked bar.
    let bar_top = y + 4.0;
    let bar_h = 28.0;
    let (bx, bw) = (MARGIN, WIDTH - 2.0 * MARGIN);
    svg.rect(bx, bar_top, bw, bar_h, 3.0, PALETTE.grid);
    svg.out.push_str("<g class=\"bar\">");
    let mut acc = 0.0;
    for (i, b) in chart.bands.iter().enumerate() {
        if b.count == 0 {
            continue;
        }
        let x0 = bx + bw * acc / total_f;
        acc += b.count as f64;
        let x1 = bx + bw * acc / total_f;
        svg.out.push_str("<g>");
        svg.tooltip(&format!(
            "{}: {} dari {total_text} ({})",
            labels[i],
            counts[i],
            percent(shares[i])
        ));
        svg.rect(x0, bar_top, x1 - x0, bar_h, 0.0, colours[i]);
        if x1 - x0 >= VALUE.width(&counts[i]) + 8.0 {
            svg.text(
                (x0 + x1) / 2.0,
                bar_top + bar_h / 2.0 + VALUE.mid_to_baseline(),
                &counts[i],
                VALUE,
                text_on(colours[i]),
                Anchor::Middle,
            );
        }
        svg.out.push_str("</g>");
    }
    // Separators between segments keep neighbours of similar colour apart.
    let mut acc = 0.0;
    for b in chart.bands.iter().filter(|b| b.count > 0) {
        acc += b.count as f64;
        if acc < total_f {
            let x = bx + bw * acc / total_f;
            svg.line((x, bar_top), (x, bar_top + bar_h), PALETTE.background, 1.5);
        }
    }
    svg.out.push_str("</g>\n");

    // The table.
    let pct_right = WIDTH - MARGIN;
    let count_right = pct_right - 86.0;
    let label_x = MARGIN + 18.0;
    let label_w = count_right - 56.0 - label_x;
    let row_h = 22.0;
    let mut ty = bar_top + bar_h + 14.0;
    let header_base = ty + SMALL_BOLD.size;
    svg.out.push_str("<g class=\"table\">");
    svg.text(
        label_x,
        header_base,
        "Predikat",
        SMALL_BOLD,
        PALETTE.muted,
        Anchor::Start,
    );
    svg.text(
        count_right,
        header_base,
        "Jumlah",
        SMALL_BOLD,
        PALETTE.muted,
        Anchor::End,
    );
    svg.text(
        pct_right,
        header_base,
        "Persentase",
        SMALL_BOLD,
        PALETTE.muted,
        Anchor::End,
    );
    ty += SMALL_BOLD.line_height() + 4.0;
    svg.line((MARGIN, ty), (WIDTH - MARGIN, ty), PALETTE.grid, 1.0);
    let mut desc = format!("Sebaran predikat, {total_text} butir:");
    for (i, _) in chart.bands.iter().enumerate() {
        let mid = ty + row_h / 2.0;
        let pct = percent(shares[i]);
        let _ = write!(desc, " {} {} ({pct});", labels[i], counts[i]);
        svg.out.push_str("<g>");
        svg.tooltip(&format!(
            "{}: {} dari {total_text} ({pct})",
            labels[i], counts[i]
        ));
        svg.rect(MARGIN, mid - 6.0, 12.0, 12.0, 2.0, colours[i]);
        let base = mid + LABEL.mid_to_baseline();
        svg.text(
            label_x,
            base,
            &LABEL.fit(&labels[i], label_w),
            LABEL,
            PALETTE.text,
            Anchor::Start,
        );
        let count = LABEL.fit(&counts[i], 50.0);
        svg.text(count_right, base, &count, LABEL, PALETTE.ink, Anchor::End);
        svg.text(pct_right, base, &pct, LABEL, PALETTE.ink, Anchor::End);
        svg.out.push_str("</g>");
        ty += row_h;
    }
    svg.line((MARGIN, ty), (WIDTH - MARGIN, ty), PALETTE.axis, 1.0);
    let base = ty + row_h / 2.0 + VALUE.mid_to_baseline();
    svg.text(label_x, base, "Jumlah", VALUE, PALETTE.ink, Anchor::Start);
    svg.text(
        count_right,
        base,
        &VALUE.fit(&total_text, 50.0),
        VALUE,
        PALETTE.ink,
        Anchor::End,
    );
    svg.text(
        pct_right,
        base,
        &percent(100.0),
        VALUE,
        PALETTE.ink,
        Anchor::End,
    );
    svg.out.push_str("</g>\n");
    desc.pop();
    desc.push('.');
    let height = ty + row_h + MARGIN - 4.0;
    svg.finish("distribution-chart", height, &title, &desc, "img")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicate_colours_run_green_to_red() {
        assert_eq!(predicate_colour(Some(0), 5), "#15803d");
        assert_eq!(predicate_colour(Some(4), 5), "#991b1b");
        assert_eq!(predicate_colour(Some(9), 5), "#991b1b");
        assert_eq!(predicate_colour(None, 5), PALETTE.neutral[0]);
        assert_eq!(predicate_colour(Some(0), 0), PALETTE.neutral[0]);
        assert_eq!(predicate_colour(Some(0), 1), "#15803d");
        assert_eq!(predicate_colour(Some(1), 2), "#991b1b");
        let seven: Vec<_> = (0..7).map(|l| predicate_colour(Some(l), 7)).collect();
        let mut unique = seven.clone();
        unique.dedup();
        assert_eq!(unique.len(), 7, "{seven:?}");
        assert_eq!(predicate_tint(Some(0), 5), "#bbf7d0");
        for c in PALETTE.predicate {
            assert!(luminance(c).unwrap() < 0.3, "{c} too light for a bar");
        }
        for c in PALETTE.predicate_tint {
            // Dark text (#0f172a, luminance ~0.009) at 4.5:1 needs luminance above ~0.21.
            assert!(luminance(c).unwrap() > 0.3, "{c} too dark behind text");
        }
    }

    #[test]
    fn ticks_are_nice() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5).0,
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 1234.0, 5).0, [0.0, 500.0, 1000.0, 1500.0]);
        let (t, step) = nice_ticks(-3.0, 4.0, 5);
        assert_eq!((t[0], t[t.len() - 1], step), (-4.0, 4.0, 2.0));
        let (t, step) = nice_ticks(0.0, 0.0, 5);
        assert_eq!((t.len(), step, t[5]), (6, 0.2, 1.0));
        assert!(
            nice_ticks(-1e308, 1.7e308, 5)
                .0
                .iter()
                .all(|t| t.is_finite())
        );
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(0.1), 1);
        assert_eq!(decimals_for(0.05), 2);
        assert_eq!(decimals_for(20.0), 0);
    }

    #[test]
    fn percent_axes() {
        assert_eq!(
            percent_axis(120.0, 87.0),
            (120.0, vec![0.0, 25.0, 50.0, 75.0, 100.0, 120.0])
        );
        assert_eq!(
            percent_axis(120.0, 130.0),
            (150.0, vec![0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0])
        );
        let (end, ticks) = percent_axis(120.0, 480.0);
        assert_eq!(end, 500.0);
        assert!(ticks.contains(&100.0));
    }

    #[test]
    fn only_plain_links() {
        assert_eq!(
            safe_href("/capaian/unit/sekretariat"),
            Some("/capaian/unit/sekretariat")
        );
        assert_eq!(safe_href("?tahun=2025#x"), Some("?tahun=2025#x"));
        assert_eq!(
            safe_href("HTTPS://example.org/a"),
            Some("HTTPS://example.org/a")
        );
        assert_eq!(safe_href("unit/a:b"), Some("unit/a:b"));
        assert_eq!(safe_href(" javascript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
        assert_eq!(safe_href("/a\nb"), None);
        assert_eq!(safe_href(""), None);
    }
}
