//! The layout as a standalone SVG document.
//!
//! Hooks for the web page (no script inside): `g.unit#u-{key}[data-unit][data-kind]`,
//! `g.objective[data-unit][data-code]`, `g.indicator[data-unit][data-objective][data-code]`, each
//! with `data-search` (lower-cased text) and a `<title>`; `g.toggle[data-unit][data-collapsed]`;
//! `path.link.cascade` / `path.link.crosscutting` with `data-from-*`, `data-to-*`, `data-weight`.
//! Adding the class `match` to a unit, objective or indicator highlights it, `dim` fades a unit.
//! Heat tree options add `g.obj-badge` (inside its objective) and `g.heat-legend` (in the
//! header), painted with inline attributes so that the stylesheet, and the output without
//! them, stay as they were.

use super::{
    CascadeLink, Layout, LegendKind, ObjectiveBox, PohonOptions, Point, Rect, TextLine, TextStyle,
    UnitBox, layout, title_of,
};
use crate::xml::{F, push_escaped};
use pokin_domain::{Appointment, Organisation, Unit, UnitKey, format};
use std::collections::HashMap;
use std::fmt::{self, Write};

/// Colours (readable in print), and the hooks for search highlight.
const STYLE: &str = "\
.pohon{font-family:\"DejaVu Sans\",Verdana,\"Liberation Sans\",Arial,Helvetica,sans-serif}\
.bg{fill:#fff}\
.title{fill:#0f172a}.subtitle{fill:#475569}\
.demo rect{fill:#fff1f2;stroke:#be123c;stroke-width:1.5}.demo-text{fill:#be123c}\
.legend-frame{fill:#fff;stroke:#cbd5e1}.legend-heading,.legend-text{fill:#334155}\
.edge{fill:none;stroke:#94a3b8;stroke-width:1.5}\
.link,.legend-sample{fill:none;stroke-width:1.4}\
.cascade{stroke:#2563eb}.crosscutting{stroke:#c2410c;stroke-dasharray:6 4}\
.arrow-cascade{fill:#2563eb}.arrow-crosscutting{fill:#c2410c}\
.card-bg{fill:#fff}.card-frame{fill:none;stroke:#64748b;stroke-width:1.2}.card-head{fill:#e2e8f0}\
.kind-kepala .card-head{fill:#dbeafe}.kind-kepala .card-frame{stroke:#1e40af;stroke-width:2}\
.kind-sekretariat .card-head{fill:#ccfbf1}.kind-sekretariat .card-frame{stroke:#0f766e}\
.kind-bidang .card-head{fill:#e0e7ff}.kind-bidang .card-frame{stroke:#3730a3}\
.kind-sub_bagian .card-head{fill:#d1fae5}.kind-sub_bagian .card-frame{stroke:#047857}\
.kind-seksi .card-head{fill:#f1f5f9}.kind-seksi .card-frame{stroke:#475569}\
.kind-upt .card-head{fill:#f3e8ff}.kind-upt .card-frame{stroke:#6b21a8}\
.kind-unnamed .card-head{fill:#f5f5f4}.kind-unnamed .card-frame{stroke:#78716c;stroke-dasharray:4 3}\
.kind{fill:#334155}.name{fill:#0f172a}\
.obj-bg{fill:#f8fafc}.obj-bg,.obj-fill{stroke:#cbd5e1;stroke-width:.8}\
.obj-code{fill:#1e40af}.stmt{fill:#0f172a}\
.ind-bg{fill:none}.ind-bar{stroke:#94a3b8;stroke-width:2}\
.ind-code{fill:#475569}.ind-name{fill:#1e293b}.satuan{fill:#64748b}.empty{fill:#64748b;font-style:italic}\
.toggle{cursor:pointer}.toggle circle{fill:#fff;stroke:#475569;stroke-width:1.2}\
.toggle-sign{fill:none;stroke:#334155;stroke-width:1.6}\
.badge rect{fill:#fef3c7;stroke:#b45309}.badge-text{fill:#78350f}\
.unit.match .card-frame{stroke:#d97706;stroke-width:3}\
.objective.match .obj-bg,.objective.match .obj-fill{stroke:#d97706;stroke-width:2}\
.indicator.match .ind-bg{fill:#fef9c3}.unit.dim{opacity:.35}";

/// A standalone SVG document of the organisation's pohon kinerja.
pub fn render_svg(org: &Organisation, opts: &PohonOptions) -> String {
    let layout = layout(org, opts);
    let mut out = String::with_capacity(4096 + layout.units.len() * 3000);
    // Writing into a String cannot fail.
    let _ = Svg {
        org,
        opts,
        units: org.units.iter().map(|u| (&u.key, u)).collect(),
        out: &mut out,
    }
    .document(&layout, title_of(org, opts));
    out
}

struct Svg<'a> {
    org: &'a Organisation,
    opts: &'a PohonOptions,
    units: HashMap<&'a UnitKey, &'a Unit>,
    out: &'a mut String,
}

impl Svg<'_> {
    fn esc(&mut self, s: &str) {
        push_escaped(self.out, s);
    }

    /// ` name="value"` with the value escaped.
    fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        push_escaped(self.out, value);
        self.out.push('"');
    }

    fn title(&mut self, text: &str) {
        self.out.push_str("<title>");
        self.esc(text);
        self.out.push_str("</title>");
    }

    fn rect(&mut self, class: &str, r: Rect, rx: f64) -> fmt::Result {
        self.rect_filled(class, r, rx, None)
    }

    /// A rectangle, with a `fill` attribute when given (already checked to be a colour).
    fn rect_filled(&mut self, class: &str, r: Rect, rx: f64, fill: Option<&str>) -> fmt::Result {
        write!(
            self.out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            F(r.x),
            F(r.y),
            F(r.w),
            F(r.h)
        )?;
        if rx > 0.0 {
            write!(self.out, " rx=\"{}\"", F(rx))?;
        }
        if let Some(fill) = fill {
            self.attr("fill", fill);
        }
        self.out.push_str("/>");
        Ok(())
    }

    fn text(&mut self, line: &TextLine) -> fmt::Result {
        write!(
            self.out,
            "<text class=\"{}\" x=\"{}\" y=\"{}\" font-size=\"{}\"",
            line.style.class(),
            F(line.x),
            F(line.y),
            font_size(line.style)
        )?;
        if line.style.bold() {
            self.out.push_str(" font-weight=\"bold\"");
        }
        self.out.push('>');
        self.esc(&line.text);
        self.out.push_str("</text>");
        Ok(())
    }

    fn document(&mut self, l: &Layout, title: &str) -> fmt::Result {
        writeln!(
            self.out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pohon\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"pohon-title\" data-demo=\"{}\">",
            self.org.demo,
            w = F(l.width),
            h = F(l.height),
        )?;
        self.out.push_str("<title id=\"pohon-title\">");
        self.esc(title);
        if self.org.demo {
            self.out.push_str(" (DATA DEMO)");
        }
        self.out.push_str("</title>\n<style>");
        self.out.push_str(STYLE);
        self.out.push_str("</style>\n<defs>");
        for kind in ["cascade", "crosscutting"] {
            write!(
                self.out,
                "<marker id=\"pohon-arrow-{kind}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
                 markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\
                 <path class=\"arrow-{kind}\" d=\"M0 1 L9 5 L0 9 z\"/></marker>"
            )?;
        }
        self.out.push_str("</defs>\n");
        self.rect(
            "bg",
            Rect {
                x: 0.0,
                y: 0.0,
                w: l.width,
                h: l.height,
            },
            0.0,
        )?;
        self.out.push('\n');
        self.header(l)?;
        self.out.push_str("<g class=\"edges\">\n");
        for c in &l.connectors {
            self.out.push_str("<path class=\"edge\"");
            self.attr("data-parent", c.parent.as_str());
            self.attr("data-child", c.child.as_str());
            self.out.push_str(" d=\"");
            path(self.out, &c.points, 6.0)?;
            self.out.push_str("\"/>\n");
        }
        self.out.push_str("</g>\n<g class=\"links\">\n");
        for link in &l.links {
            self.link(link)?;
        }
        self.out.push_str("</g>\n<g class=\"units\">\n");
        for u in &l.units {
            self.unit(u)?;
        }
        self.out.push_str("</g>\n</svg>\n");
        Ok(())
    }

    fn header(&mut self, l: &Layout) -> fmt::Result {
        self.out.push_str("<g class=\"header\">\n");
        if let Some(d) = &l.header.demo {
            self.out.push_str("<g class=\"demo\">");
            self.title("Data contoh untuk demonstrasi, bukan data resmi");
            self.rect("demo-frame", d.rect, 4.0)?;
            self.text(&d.label)?;
            self.out.push_str("</g>\n");
        }
        for line in &l.header.lines {
            self.text(line)?;
            self.out.push('\n');
        }
        if !l.header.swatches.is_empty() {
            self.out.push_str("<g class=\"heat-legend\">");
            for s in &l.header.swatches {
                write!(
                    self.out,
                    "<rect class=\"swatch\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"",
                    F(s.rect.x),
                    F(s.rect.y),
                    F(s.rect.w),
                    F(s.rect.h)
                )?;
                self.attr("fill", &s.colour);
                self.out
                    .push_str(" stroke=\"#64748b\" stroke-width=\"0.8\"/>");
                self.text(&s.label)?;
            }
            self.out.push_str("</g>\n");
        }
        let legend = &l.header.legend;
        self.out.push_str("<g class=\"legend\">");
        self.rect("legend-frame", legend.rect, 4.0)?;
        self.text(&legend.heading)?;
        for item in &legend.items {
            let (class, marker) = match item.kind {
                LegendKind::Structure => ("edge", None),
                LegendKind::Cascade => ("legend-sample cascade", Some("cascade")),
                LegendKind::Crosscutting => ("legend-sample crosscutting", Some("crosscutting")),
            };
            write!(
                self.out,
                "<path class=\"{class}\" d=\"M{} {} L{} {}\"",
                F(item.from.x),
                F(item.from.y),
                F(item.to.x),
                F(item.to.y)
            )?;
            if let Some(m) = marker {
                write!(self.out, " marker-end=\"url(#pohon-arrow-{m})\"")?;
            }
            self.out.push_str("/>");
            self.text(&item.label)?;
        }
        self.out.push_str("</g>\n</g>\n");
        Ok(())
    }

    fn unit_name(&self, key: &UnitKey) -> String {
        self.units
            .get(key)
            .map_or_else(|| key.to_string(), |u| u.name.clone())
    }

    fn link(&mut self, link: &CascadeLink) -> fmt::Result {
        let kind = if link.crosscutting {
            "crosscutting"
        } else {
            "cascade"
        };
        write!(self.out, "<path class=\"link {kind}\"")?;
        self.attr("data-from-unit", link.from_unit.as_str());
        self.attr("data-from-objective", link.from_objective.as_str());
        self.attr("data-to-unit", link.to_unit.as_str());
        self.attr("data-to-objective", link.to_objective.as_str());
        self.attr("data-weight", &link.weight.to_string());
        self.out.push_str(" d=\"");
        path(self.out, &link.points, 8.0)?;
        write!(self.out, "\" marker-end=\"url(#pohon-arrow-{kind})\">")?;
        let mut tip = format!(
            "{} {} → {} {}\nBobot {}",
            self.unit_name(&link.from_unit),
            link.from_objective,
            self.unit_name(&link.to_unit),
            link.to_objective,
            format::number_trimmed(link.weight, 2)
        );
        if link.crosscutting {
            tip.push_str("\nCrosscutting (lintas unit)");
        }
        self.title(&tip);
        self.out.push_str("</path>\n");
        Ok(())
    }

    fn unit(&mut self, b: &UnitBox) -> fmt::Result {
        let unit = self.units[&b.key];
        let kind = b.kind.as_str();
        write!(self.out, "<g class=\"unit kind-{kind}\"")?;
        self.attr("id", &format!("u-{}", b.key));
        self.attr("data-unit", b.key.as_str());
        write!(self.out, " data-kind=\"{kind}\" data-depth=\"{}\"", b.depth)?;
        if let Some(p) = &b.parent {
            self.attr("data-parent", p.as_str());
        }
        self.attr("data-search", &search(&[&b.kind_label, &b.name]));
        self.out.push('>');
        let mut tip = format!("{}: {}", b.kind_label, b.name);
        if let Some(o) = unit.officials.iter().rev().find(|o| o.until.is_none()) {
            let role = match o.appointment {
                Appointment::Definitif => "",
                Appointment::Plt => " (Plt.)",
                Appointment::Plh => " (Plh.)",
            };
            tip.push_str(&format!("\nPejabat: {}{role}", o.name));
        }
        let indicators: usize = unit.objectives.iter().map(|o| o.indicators.len()).sum();
        tip.push_str(&format!(
            "\n{} sasaran, {} indikator",
            unit.objectives.len(),
            indicators
        ));
        self.title(&tip);
        self.rect("card-bg", b.rect, 6.0)?;
        // The header band: rounded top corners, square bottom.
        let (r, h) = (b.header, 6.0f64.min(b.header.h));
        write!(
            self.out,
            "<path class=\"card-head\" d=\"M{x} {yb} V{yr} Q{x} {y} {xr} {y} H{xw} Q{x2} {y} {x2} {yr} V{yb} Z\"/>",
            x = F(r.x),
            y = F(r.y),
            yb = F(r.bottom()),
            yr = F(r.y + h),
            xr = F(r.x + h),
            xw = F(r.right() - h),
            x2 = F(r.right()),
        )?;
        for line in &b.lines {
            self.text(line)?;
        }
        self.out.push('\n');
        for (o, ob) in unit.objectives.iter().zip(&b.objectives) {
            self.objective(b, o, ob)?;
        }
        self.rect("card-frame", b.rect, 6.0)?;
        if let Some(t) = &b.toggle {
            self.out.push_str("<g class=\"toggle\"");
            self.attr("data-unit", b.key.as_str());
            write!(self.out, " data-collapsed=\"{}\"", t.collapsed)?;
            if t.collapsed {
                write!(self.out, " data-hidden=\"{}\"", t.hidden)?;
            }
            self.out.push('>');
            if t.collapsed {
                self.title(&format!("Buka cabang ({} unit tersembunyi)", t.hidden));
            } else {
                self.title("Lipat cabang");
            }
            let Point { x, y } = t.centre;
            write!(
                self.out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/><path class=\"toggle-sign\" d=\"M{} {} H{}",
                F(x),
                F(y),
                F(t.radius),
                F(x - 4.0),
                F(y),
                F(x + 4.0)
            )?;
            if t.collapsed {
                write!(self.out, " M{} {} V{}", F(x), F(y - 4.0), F(y + 4.0))?;
            }
            self.out.push_str("\"/>");
            if let Some(badge) = &t.badge {
                self.out.push_str("<g class=\"badge\">");
                self.rect("badge-frame", badge.rect, 9.0)?;
                self.text(&badge.label)?;
                self.out.push_str("</g>");
            }
            self.out.push_str("</g>");
        }
        self.out.push_str("</g>\n");
        Ok(())
    }

    fn objective(
        &mut self,
        b: &UnitBox,
        o: &pokin_domain::Objective,
        ob: &ObjectiveBox,
    ) -> fmt::Result {
        self.out.push_str("<g class=\"objective\"");
        self.attr("data-unit", b.key.as_str());
        self.attr("data-code", ob.code.as_str());
        self.attr("data-search", &search(&[ob.code.as_str(), &o.statement]));
        self.out.push('>');
        let mut tip = format!("{}: {}", ob.code, o.statement);
        if ob.badge.is_some()
            && let Some(badge) = self.opts.badges.get(&(b.key.clone(), ob.code.clone()))
        {
            tip.push('\n');
            tip.push_str(badge.trim());
        }
        for s in &o.supports {
            tip.push_str(&format!(
                "\nMendukung {} {} (bobot {})",
                self.unit_name(&s.unit),
                s.objective,
                format::number_trimmed(s.weight, 2)
            ));
            if b.parent.as_ref() != Some(&s.unit) {
                tip.push_str(", crosscutting");
            }
        }
        self.title(&tip);
        match &ob.fill {
            Some(fill) => self.rect_filled("obj-fill", ob.rect, 4.0, Some(fill))?,
            None => self.rect("obj-bg", ob.rect, 4.0)?,
        }
        for line in &ob.lines {
            self.text(line)?;
        }
        if let Some(badge) = &ob.badge {
            // Inline paint: the default stylesheet (and so the default output) stays as it is.
            self.out.push_str("<g class=\"obj-badge\">");
            let r = badge.rect;
            write!(
                self.out,
                "<rect class=\"obj-badge-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
                 rx=\"3.0\" fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#94a3b8\" stroke-width=\"0.8\"/>",
                F(r.x),
                F(r.y),
                F(r.w),
                F(r.h)
            )?;
            for line in &badge.lines {
                self.text(line)?;
            }
            self.out.push_str("</g>");
        }
        for (i, ib) in o.indicators.iter().zip(&ob.indicators) {
            self.out.push_str("\n<g class=\"indicator\"");
            self.attr("data-unit", b.key.as_str());
            self.attr("data-objective", ob.code.as_str());
            self.attr("data-code", ib.code.as_str());
            let satuan = i.satuan.as_deref().unwrap_or("");
            self.attr("data-search", &search(&[ib.code.as_str(), &i.name, satuan]));
            self.out.push('>');
            let mut tip = format!("{}: {}", ib.code, i.name);
            if i.iku {
                tip.push_str("\nIndikator Kinerja Utama (IKU)");
            }
            if !satuan.is_empty() {
                tip.push_str(&format!("\nSatuan: {satuan}"));
            }
            if let Some(p) = i.polarity {
                tip.push_str(&format!("\nPolaritas: {}", p.label()));
            }
            self.title(&tip);
            self.rect("ind-bg", ib.rect, 2.0)?;
            write!(
                self.out,
                "<path class=\"ind-bar\" d=\"M{} {} V{}\"/>",
                F(ib.rect.x + 3.0),
                F(ib.rect.y + 2.0),
                F(ib.rect.bottom() - 2.0)
            )?;
            for line in &ib.lines {
                self.text(line)?;
            }
            self.out.push_str("</g>");
        }
        self.out.push_str("</g>\n");
        Ok(())
    }
}

/// The `font-size` attribute of a style (what `size()` gives, without formatting a float).
fn font_size(style: TextStyle) -> &'static str {
    match style.size() {
        18.0 => "18",
        13.0 => "13",
        12.0 => "12",
        11.0 => "11",
        10.5 => "10.5",
        10.0 => "10",
        _ => unreachable!("a size without its attribute text"),
    }
}

/// The lower-cased, space-joined text that client-side search matches against.
fn search(parts: &[&str]) -> String {
    parts
        .iter()
        .flat_map(|p| p.split(|c: char| c.is_whitespace() || c.is_control()))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An SVG path through `points` with corners rounded by up to `radius`.
fn path(out: &mut String, points: &[Point], radius: f64) -> fmt::Result {
    let Some(first) = points.first() else {
        return Ok(());
    };
    write!(out, "M{} {}", F(first.x), F(first.y))?;
    for i in 1..points.len() {
        let b = points[i];
        if i + 1 == points.len() {
            write!(out, " L{} {}", F(b.x), F(b.y))?;
            break;
        }
        let (a, c) = (points[i - 1], points[i + 1]);
        let d1 = (b.x - a.x).hypot(b.y - a.y);
        let d2 = (c.x - b.x).hypot(c.y - b.y);
        let r = radius.min(d1 / 2.0).min(d2 / 2.0);
        if r <= 0.0 {
            write!(out, " L{} {}", F(b.x), F(b.y))?;
            continue;
        }
        let p = Point {
            x: b.x - (b.x - a.x) / d1 * r,
            y: b.y - (b.y - a.y) / d1 * r,
        };
        let q = Point {
            x: b.x + (c.x - b.x) / d2 * r,
            y: b.y + (c.y - b.y) / d2 * r,
        };
        write!(
            out,
            " L{} {} Q{} {} {} {}",
            F(p.x),
            F(p.y),
            F(b.x),
            F(b.y),
            F(q.x),
            F(q.y)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_paths() {
        let mut s = String::new();
        let pts = [
            Point { x: 0.0, y: 0.0 },
            Point { x: 0.0, y: 20.0 },
            Point { x: 30.0, y: 20.0 },
        ];
        path(&mut s, &pts, 8.0).unwrap();
        assert_eq!(s, "M0.0 0.0 L0.0 12.0 Q0.0 20.0 8.0 20.0 L30.0 20.0");
    }
}
