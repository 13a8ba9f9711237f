//! Positions: cards, the tidy tree, connectors, cascade links, header and legend.

use super::{
    Badge, CARD_PADDING, CARD_WIDTH, CascadeLink, Connector, Header, IndicatorBox, Layout, Legend,
    LegendItem, LegendKind, ObjectiveBadge, ObjectiveBox, PohonOptions, Point, Rect,
    STACK_THRESHOLD, Swatch, TextLine, TextStyle, Toggle, UnitBox, is_safe_colour, title_of,
};
use crate::text;
use pokin_domain::{Organisation, Unit, UnitKey};
use std::collections::{BTreeMap, HashMap};

/// Horizontal gap between neighbouring subtrees (between the nearest cards of a row).
const H_GAP: f64 = 48.0;
/// Vertical gap between rows.
const V_GAP: f64 = 80.0;
/// Room left of each stacked column for its trunk.
const STACK_INDENT: f64 = 22.0;
/// Gap between stacked columns.
const STACK_COL_GAP: f64 = 40.0;
/// Gap between stacked cards in a column.
const STACK_ROW_GAP: f64 = 18.0;
/// Space around the whole drawing.
const MARGIN: f64 = 24.0;
/// Indicators are indented this much from their objective's text.
const IND_INDENT: f64 = 8.0;
/// Link lanes: the first is this far from a card side, the next ones `LANE_STEP` further.
const LANE_BASE: f64 = 10.0;
const LANE_STEP: f64 = 4.0;
const SIDE_LANES: usize = 4;
const CHANNEL_LANES: usize = 6;
const TOGGLE_RADIUS: f64 = 8.0;
/// How far below an objective's arrival point its outgoing links start.
const EXIT_DROP: f64 = 8.0;

/// The left and right edges of a subtree at each row below its root (index 0 = the root's own
/// row), relative to the root card's centre.
struct Contour {
    left: Vec<f64>,
    right: Vec<f64>,
}

struct Node {
    unit: usize,
    depth: usize,
    parent: Option<usize>,
    children: Vec<usize>,
    collapsed: bool,
    /// Children laid out as a stacked block.
    stacked: bool,
    /// Top of this card inside its parent's stacked block.
    stack_top: Option<f64>,
    block_h: f64,
    /// Centre relative to the parent's centre (to the forest origin for roots).
    rel_x: f64,
    cx: f64,
    card: UnitBox,
}

/// Computes the diagram's geometry. See the [module docs](super) for the rules.
pub fn layout(org: &Organisation, opts: &PohonOptions) -> Layout {
    let units = &org.units;
    let n = units.len();
    let index: HashMap<&UnitKey, usize> =
        units.iter().enumerate().map(|(i, u)| (&u.key, i)).collect();
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, u) in units.iter().enumerate() {
        match u.parent.as_ref().and_then(|p| index.get(p)) {
            Some(&p) => kids[p].push(i),
            None => roots.push(i),
        }
    }

    // Subtree sizes (for the hidden counts), from a full pre-order.
    let mut size = vec![1usize; n];
    {
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(u) = stack.pop() {
            order.push(u);
            stack.extend(kids[u].iter().rev());
        }
        for &u in order.iter().rev() {
            for &c in &kids[u] {
                size[u] += size[c];
            }
        }
    }

    // Visible units in pre-order; node ids are pre-order positions.
    let mut nodes: Vec<Node> = Vec::with_capacity(n);
    let mut node_of: Vec<Option<usize>> = vec![None; n];
    let mut stack: Vec<(usize, Option<usize>, usize)> =
        roots.iter().rev().map(|&r| (r, None, 0)).collect();
    while let Some((u, parent, depth)) = stack.pop() {
        let id = nodes.len();
        let collapsed = !kids[u].is_empty() && opts.collapsed.contains(&units[u].key);
        let mut card = build_card(&units[u], opts);
        card.depth = depth;
        nodes.push(Node {
            unit: u,
            depth,
            parent,
            children: Vec::new(),
            collapsed,
            stacked: false,
            stack_top: None,
            block_h: 0.0,
            rel_x: 0.0,
            cx: 0.0,
            card,
        });
        node_of[u] = Some(id);
        if let Some(p) = parent {
            nodes[p].children.push(id);
        }
        if !collapsed {
            stack.extend(kids[u].iter().rev().map(|&c| (c, Some(id), depth + 1)));
        }
    }

    // Contours bottom-up (children have larger ids than their parent).
    let mut contours: Vec<Option<Contour>> = (0..nodes.len()).map(|_| None).collect();
    for id in (0..nodes.len()).rev() {
        let half = CARD_WIDTH / 2.0;
        let mut contour = Contour {
            left: vec![-half],
            right: vec![half],
        };
        let children = std::mem::take(&mut nodes[id].children);
        let stacked = children.len() > STACK_THRESHOLD
            && children.iter().all(|&c| kids[nodes[c].unit].is_empty());
        if stacked {
            let (left, right, block_h) = stack_block(&mut nodes, &children);
            nodes[id].stacked = true;
            nodes[id].block_h = block_h;
            contour.left.push(left);
            contour.right.push(right);
        } else if !children.is_empty() {
            let cs: Vec<Contour> = children
                .iter()
                .map(|&c| contours[c].take().expect("child contour computed first"))
                .collect();
            let (offsets, merged) = place_forest(&cs);
            for (&c, off) in children.iter().zip(offsets) {
                nodes[c].rel_x = off;
            }
            contour.left.extend(merged.left);
            contour.right.extend(merged.right);
        }
        nodes[id].children = children;
        contours[id] = Some(contour);
    }
    let root_ids: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].parent.is_none())
        .collect();
    if !root_ids.is_empty() {
        let cs: Vec<Contour> = root_ids
            .iter()
            .map(|&r| contours[r].take().expect("root contour"))
            .collect();
        let (offsets, _) = place_forest(&cs);
        for (&r, off) in root_ids.iter().zip(offsets) {
            nodes[r].rel_x = off;
        }
    }

    // Rows: as tall as their tallest card or stacked block.
    let rows = nodes.iter().map(|n| n.depth + 2).max().unwrap_or(1);
    let mut row_h = vec![0.0f64; rows];
    for node in &nodes {
        if node.stack_top.is_none() {
            row_h[node.depth] = row_h[node.depth].max(node.card.rect.h);
        }
        if node.stacked {
            row_h[node.depth + 1] = row_h[node.depth + 1].max(node.block_h);
        }
    }
    let mut row_top = vec![0.0f64; rows];
    for d in 1..rows {
        row_top[d] = row_top[d - 1] + row_h[d - 1] + V_GAP;
    }

    // Absolute positions, parents first.
    for id in 0..nodes.len() {
        let base = nodes[id].parent.map_or(0.0, |p| nodes[p].cx);
        let node = &mut nodes[id];
        node.cx = base + node.rel_x;
        let top = row_top[node.depth] + node.stack_top.unwrap_or(0.0);
        node.card.stacked = node.stack_top.is_some();
        node.card.translate(node.cx - CARD_WIDTH / 2.0, top);
    }

    // Toggles and badges.
    for node in &mut nodes {
        if kids[node.unit].is_empty() {
            continue;
        }
        let r = node.card.rect;
        let hidden = if node.collapsed {
            size[node.unit] - 1
        } else {
            0
        };
        let badge = node.collapsed.then(|| {
            let label = format!("+{hidden} unit");
            let w = text::width(&label, TextStyle::Badge.size(), true) + 16.0;
            let rect = Rect {
                x: r.centre_x() - w / 2.0,
                y: r.bottom() + TOGGLE_RADIUS + 4.0,
                w,
                h: 18.0,
            };
            Badge {
                label: TextLine::new(rect.x + 8.0, rect.y + 2.5, label, TextStyle::Badge),
                rect,
            }
        });
        node.card.toggle = Some(Toggle {
            centre: Point {
                x: r.centre_x(),
                y: r.bottom(),
            },
            radius: TOGGLE_RADIUS,
            collapsed: node.collapsed,
            hidden,
            badge,
        });
    }

    let connectors = connectors(&nodes, &row_top, units);
    let links = links(&nodes, &node_of, &index, &row_top, units);
    let total_links: usize = units
        .iter()
        .flat_map(|u| &u.objectives)
        .map(|o| o.supports.len())
        .sum();
    let hidden_links = total_links - links.len();

    finish(org, opts, nodes, connectors, links, hidden_links)
}

/// Places the children of one parent as a stacked block (see the module docs); returns the
/// block's left and right edges relative to the parent's centre and its height.
fn stack_block(nodes: &mut [Node], children: &[usize]) -> (f64, f64, f64) {
    let k = children.len();
    let rows = ((k as f64 / 2.0).sqrt().ceil() as usize).max(1);
    let cols = k.div_ceil(rows);
    let col_w = STACK_INDENT + CARD_WIDTH;
    let block_w = cols as f64 * col_w + (cols - 1) as f64 * STACK_COL_GAP;
    // The cards span [left + indent, left + block_w]; centre that span under the parent.
    let left = -(STACK_INDENT + block_w) / 2.0;
    let mut col_h = vec![0.0f64; cols];
    for (i, &c) in children.iter().enumerate() {
        let col = i / rows;
        let card_left = left + col as f64 * (col_w + STACK_COL_GAP) + STACK_INDENT;
        nodes[c].rel_x = card_left + CARD_WIDTH / 2.0;
        if col_h[col] > 0.0 {
            col_h[col] += STACK_ROW_GAP;
        }
        nodes[c].stack_top = Some(col_h[col]);
        col_h[col] += nodes[c].card.rect.h;
    }
    let h = col_h.into_iter().fold(0.0, f64::max);
    (left, left + block_w, h)
}

/// Packs sibling subtrees side by side (see the module docs). Returns each subtree's offset
/// from the centre of the siblings' span on their own row, and the merged contour of the
/// siblings' rows (index 0 = the siblings' row).
fn place_forest(cs: &[Contour]) -> (Vec<f64>, Contour) {
    let k = cs.len();
    // Left to right: each subtree as far left as the ones before it allow.
    let mut pos_l = vec![0.0f64; k];
    let mut acc = cs[0].right.clone();
    for i in 1..k {
        let c = &cs[i];
        let m = acc.len().min(c.left.len());
        let p = (0..m)
            .map(|l| acc[l] - c.left[l])
            .fold(f64::NEG_INFINITY, f64::max)
            + H_GAP;
        pos_l[i] = p;
        for (l, r) in c.right.iter().enumerate() {
            if l < acc.len() {
                acc[l] = p + r;
            } else {
                acc.push(p + r);
            }
        }
    }
    // Right to left, the mirror image.
    let mut pos_r = vec![0.0f64; k];
    let mut acc = cs[k - 1].left.clone();
    for i in (0..k - 1).rev() {
        let c = &cs[i];
        let m = acc.len().min(c.right.len());
        let p = (0..m)
            .map(|l| acc[l] - c.right[l])
            .fold(f64::INFINITY, f64::min)
            - H_GAP;
        pos_r[i] = p;
        for (l, v) in c.left.iter().enumerate() {
            if l < acc.len() {
                acc[l] = p + v;
            } else {
                acc.push(p + v);
            }
        }
    }
    // Centre both on the span of the sibling cards, then average. Both packings keep every pair
    // of subtrees at least H_GAP apart on every shared row, and that constraint is linear, so
    // the average keeps it too.
    let mid = |pos: &[f64]| (pos[0] + cs[0].left[0] + pos[k - 1] + cs[k - 1].right[0]) / 2.0;
    let (ml, mr) = (mid(&pos_l), mid(&pos_r));
    let offsets: Vec<f64> = (0..k)
        .map(|i| ((pos_l[i] - ml) + (pos_r[i] - mr)) / 2.0)
        .collect();
    let depth = cs.iter().map(|c| c.left.len()).max().unwrap_or(0);
    let mut merged = Contour {
        left: vec![f64::INFINITY; depth],
        right: vec![f64::NEG_INFINITY; depth],
    };
    for (c, off) in cs.iter().zip(&offsets) {
        for l in 0..c.left.len() {
            merged.left[l] = merged.left[l].min(off + c.left[l]);
            merged.right[l] = merged.right[l].max(off + c.right[l]);
        }
    }
    (offsets, merged)
}

/// A unit's card with its content, at the origin.
fn build_card(u: &Unit, opts: &PohonOptions) -> UnitBox {
    let w = CARD_WIDTH;
    let pad = CARD_PADDING;
    let inner = w - 2.0 * pad;
    let mut lines = Vec::new();
    let mut y = 8.0;
    let kind_label = opts
        .kind_labels
        .get(&u.key)
        .map_or(u.kind.label(), String::as_str);
    for l in wrap(kind_label, TextStyle::Kind, inner) {
        lines.push(TextLine::new(pad, y, l, TextStyle::Kind));
        y += TextStyle::Kind.line_height();
    }
    for l in wrap(&u.name, TextStyle::Name, inner) {
        lines.push(TextLine::new(pad, y, l, TextStyle::Name));
        y += TextStyle::Name.line_height();
    }
    y += 6.0;
    let header = Rect {
        x: 0.0,
        y: 0.0,
        w,
        h: y,
    };
    y += 6.0;

    // Hanging columns for codes, as wide as the card's widest code (within reason).
    let code_w = |s: &str, st: TextStyle| text::width(s, st.size(), st.bold());
    let max_obj_code = u
        .objectives
        .iter()
        .map(|o| code_w(o.code.as_str(), TextStyle::ObjectiveCode))
        .fold(0.0, f64::max);
    let hang_obj = (max_obj_code + 6.0).min(inner * 0.35);
    let ind_inner = inner - IND_INDENT;
    let max_ind_code = u
        .objectives
        .iter()
        .flat_map(|o| &o.indicators)
        .map(|i| code_w(i.code.as_str(), TextStyle::IndicatorCode))
        .fold(0.0, f64::max);
    let hang_ind = (max_ind_code + 5.0).min(ind_inner * 0.35);

    let mut objectives = Vec::with_capacity(u.objectives.len());
    for o in &u.objectives {
        let top = y;
        y += 6.0;
        let anchor_y = y + TextStyle::Statement.line_height() / 2.0;
        let (olines, h) = hanging(
            o.code.as_str(),
            TextStyle::ObjectiveCode,
            &o.statement,
            TextStyle::Statement,
            pad,
            y,
            inner,
            hang_obj,
        );
        y += h;
        let badge = opts
            .badges
            .get(&(u.key.clone(), o.code.clone()))
            .and_then(|text| objective_badge(text, pad + hang_obj, &mut y, inner - hang_obj));
        let mut indicators = Vec::new();
        if opts.show_indicators {
            for i in &o.indicators {
                y += 4.0;
                let itop = y;
                let x0 = pad + IND_INDENT;
                let (mut ilines, h) = hanging(
                    i.code.as_str(),
                    TextStyle::IndicatorCode,
                    &i.name,
                    TextStyle::IndicatorName,
                    x0,
                    y,
                    ind_inner,
                    hang_ind,
                );
                y += h;
                if let Some(s) = i.satuan.as_deref().filter(|s| !s.trim().is_empty()) {
                    let label = format!("Satuan: {s}");
                    for l in wrap(&label, TextStyle::Satuan, ind_inner - hang_ind) {
                        ilines.push(TextLine::new(x0 + hang_ind, y, l, TextStyle::Satuan));
                        y += TextStyle::Satuan.line_height();
                    }
                }
                indicators.push(IndicatorBox {
                    code: i.code.clone(),
                    rect: Rect {
                        x: pad,
                        y: itop - 2.0,
                        w: inner,
                        h: y - itop + 4.0,
                    },
                    lines: ilines,
                });
            }
        }
        y += 6.0;
        objectives.push(ObjectiveBox {
            code: o.code.clone(),
            rect: Rect {
                x: 4.0,
                y: top,
                w: w - 8.0,
                h: y - top,
            },
            anchor_y,
            lines: olines,
            indicators,
            fill: opts
                .fills
                .get(&(u.key.clone(), o.code.clone()))
                .filter(|c| is_safe_colour(c))
                .map(|c| c.trim().to_owned()),
            badge,
        });
        y += 5.0;
    }
    if objectives.is_empty() {
        lines.push(TextLine::new(
            pad,
            y,
            "Belum ada sasaran".into(),
            TextStyle::Empty,
        ));
        y += TextStyle::Empty.line_height() + 6.0;
    } else {
        y -= 1.0;
    }
    UnitBox {
        key: u.key.clone(),
        kind: u.kind,
        kind_label: kind_label.to_owned(),
        name: u.name.clone(),
        parent: u.parent.clone(),
        depth: 0,
        rect: Rect {
            x: 0.0,
            y: 0.0,
            w,
            h: y,
        },
        header,
        lines,
        stacked: false,
        objectives,
        toggle: None,
    }
}

/// Inner padding of an objective badge, left/right and top/bottom.
const BADGE_PAD_X: f64 = 4.0;
const BADGE_PAD_Y: f64 = 2.0;

/// An objective's badge at `x`, starting a little below `*y`, at most `width` wide; moves `*y`
/// below it. `None` (and `*y` unchanged) for blank text.
fn objective_badge(text: &str, x: f64, y: &mut f64, width: f64) -> Option<ObjectiveBadge> {
    let style = TextStyle::ObjectiveBadge;
    let texts = text::wrap_clamped(
        text,
        style.size(),
        style.bold(),
        width - 2.0 * BADGE_PAD_X,
        2,
    );
    if texts.is_empty() {
        return None;
    }
    let top = *y + 3.0;
    let mut line_top = top + BADGE_PAD_Y;
    let mut lines = Vec::with_capacity(texts.len());
    for t in texts {
        lines.push(TextLine::new(x + BADGE_PAD_X, line_top, t, style));
        line_top += style.line_height();
    }
    let widest = lines.iter().map(|l| l.width).fold(0.0, f64::max);
    let rect = Rect {
        x,
        y: top,
        w: widest + 2.0 * BADGE_PAD_X,
        h: line_top + BADGE_PAD_Y - top,
    };
    *y = rect.bottom();
    Some(ObjectiveBadge { rect, lines })
}

fn wrap(s: &str, style: TextStyle, width: f64) -> Vec<String> {
    text::wrap(s, style.size(), style.bold(), width)
}

/// A code in a hanging column of width `hang` and the body wrapped beside it, baselines
/// aligned; returns the lines and the height used.
#[allow(clippy::too_many_arguments)]
fn hanging(
    code: &str,
    code_style: TextStyle,
    body: &str,
    body_style: TextStyle,
    x: f64,
    top: f64,
    width: f64,
    hang: f64,
) -> (Vec<TextLine>, f64) {
    let lh = body_style.line_height();
    let mut out = Vec::new();
    let code_lines = wrap(code, code_style, hang - 4.0);
    let code_count = code_lines.len();
    for (k, l) in code_lines.into_iter().enumerate() {
        let line_top = top + k as f64 * lh + body_style.size() - code_style.size();
        out.push(TextLine::new(x, line_top, l, code_style));
    }
    let body_lines = wrap(body, body_style, width - hang);
    let body_count = body_lines.len();
    for (k, l) in body_lines.into_iter().enumerate() {
        out.push(TextLine::new(x + hang, top + k as f64 * lh, l, body_style));
    }
    let rows = code_count.max(body_count).max(1);
    (out, rows as f64 * lh)
}

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// Drops repeated points and the middle one of three in a straight line.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_some_and(|q| close(q.x, p.x) && close(q.y, p.y))
        {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight =
                (close(a.x, b.x) && close(b.x, p.x)) || (close(a.y, b.y) && close(b.y, p.y));
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

fn connectors(nodes: &[Node], row_top: &[f64], units: &[Unit]) -> Vec<Connector> {
    let mut out = Vec::new();
    for node in nodes {
        if node.children.is_empty() {
            continue;
        }
        let p = node.card.rect;
        let bus = row_top[node.depth + 1] - V_GAP / 2.0;
        for &c in &node.children {
            let r = nodes[c].card.rect;
            let points = if node.stacked {
                let trunk = r.x - STACK_INDENT / 2.0;
                let stub = r.y + (r.h / 2.0).min(18.0);
                vec![
                    pt(p.centre_x(), p.bottom()),
                    pt(p.centre_x(), bus),
                    pt(trunk, bus),
                    pt(trunk, stub),
                    pt(r.x, stub),
                ]
            } else {
                vec![
                    pt(p.centre_x(), p.bottom()),
                    pt(p.centre_x(), bus),
                    pt(r.centre_x(), bus),
                    pt(r.centre_x(), r.y),
                ]
            };
            out.push(Connector {
                parent: units[node.unit].key.clone(),
                child: units[nodes[c].unit].key.clone(),
                points: simplify(points),
            });
        }
    }
    out
}

fn next_lane<K: Ord>(lanes: &mut BTreeMap<K, usize>, key: K) -> usize {
    let e = lanes.entry(key).or_insert(0);
    *e += 1;
    *e - 1
}

fn side_offset(lane: usize) -> f64 {
    LANE_BASE + LANE_STEP * (lane % SIDE_LANES) as f64
}

fn links(
    nodes: &[Node],
    node_of: &[Option<usize>],
    index: &HashMap<&UnitKey, usize>,
    row_top: &[f64],
    units: &[Unit],
) -> Vec<CascadeLink> {
    let mut out = Vec::new();
    // Lanes per (card, right side), shared by links leaving and entering there, so that no
    // two run in the same gap at the same x; and per (channel row, target card).
    let mut side_lanes: BTreeMap<(usize, bool), usize> = BTreeMap::new();
    let mut chan_lanes: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (id, node) in nodes.iter().enumerate() {
        let u = &units[node.unit];
        for (oi, o) in u.objectives.iter().enumerate() {
            for s in &o.supports {
                let Some(&tu) = index.get(&s.unit) else {
                    continue;
                };
                let Some(tid) = node_of[tu] else { continue };
                let Some(ti) = units[tu]
                    .objectives
                    .iter()
                    .position(|x| x.code == s.objective)
                else {
                    continue;
                };
                let a = node.card.rect;
                let b = nodes[tid].card.rect;
                // Links leave a little below where they arrive, so an outgoing link never
                // starts where an incoming arrowhead points.
                let sy = node.card.objectives[oi].anchor_y + EXIT_DROP;
                let ty = nodes[tid].card.objectives[ti].anchor_y;
                let points = if tid == id {
                    let gx = a.right() + side_offset(next_lane(&mut side_lanes, (id, true)));
                    vec![pt(a.right(), sy), pt(gx, sy), pt(gx, ty), pt(a.right(), ty)]
                } else {
                    let exit_right = node.card.stacked || a.centre_x() <= b.centre_x();
                    let off = side_offset(next_lane(&mut side_lanes, (id, exit_right)));
                    let (sx, gx) = if exit_right {
                        (a.right(), a.right() + off)
                    } else {
                        (a.x, a.x - off)
                    };
                    let enter_left = gx <= b.centre_x();
                    let off = side_offset(next_lane(&mut side_lanes, (tid, !enter_left)));
                    let (tx, tg) = if enter_left {
                        (b.x, b.x - off)
                    } else {
                        (b.right(), b.right() + off)
                    };
                    let (da, db) = (node.depth, nodes[tid].depth);
                    let chan_row = if db < da { db + 1 } else { db };
                    let lane = next_lane(&mut chan_lanes, (chan_row, tid)) % CHANNEL_LANES;
                    let cy = row_top[chan_row] - V_GAP / 2.0 - 8.0 - LANE_STEP * lane as f64;
                    vec![
                        pt(sx, sy),
                        pt(gx, sy),
                        pt(gx, cy),
                        pt(tg, cy),
                        pt(tg, ty),
                        pt(tx, ty),
                    ]
                };
                out.push(CascadeLink {
                    from_unit: u.key.clone(),
                    from_objective: o.code.clone(),
                    to_unit: s.unit.clone(),
                    to_objective: s.objective.clone(),
                    weight: s.weight,
                    crosscutting: u.parent.as_ref() != Some(&s.unit),
                    points: simplify(points),
                });
            }
        }
    }
    out
}

fn legend() -> Legend {
    let pad = 10.0;
    let sample = 34.0;
    let heading = TextLine::new(pad, 8.0, "Keterangan".into(), TextStyle::LegendHeading);
    let mut y = 8.0 + TextStyle::LegendHeading.line_height() + 4.0;
    let mut items = Vec::new();
    for (kind, label) in [
        (LegendKind::Structure, "Struktur unit kerja"),
        (
            LegendKind::Cascade,
            "Cascading: mendukung sasaran unit induk",
        ),
        (
            LegendKind::Crosscutting,
            "Crosscutting: mendukung sasaran unit lain",
        ),
    ] {
        let mid = y + TextStyle::Legend.size() * 0.6;
        items.push(LegendItem {
            kind,
            from: pt(pad, mid),
            to: pt(pad + sample, mid),
            label: TextLine::new(pad + sample + 8.0, y, label.into(), TextStyle::Legend),
        });
        y += 18.0;
    }
    let text_w = items
        .iter()
        .map(|i| i.label.width)
        .fold(heading.width, f64::max);
    Legend {
        rect: Rect {
            x: 0.0,
            y: 0.0,
            w: pad + sample + 8.0 + text_w + pad,
            h: y + 4.0,
        },
        heading,
        items,
    }
}

/// The colour key under the title: swatches flowing left to right in rows at most `width`
/// wide, starting below `*y`; moves `*y` below them. Entries with unsafe colours are left out.
fn swatches(entries: &[(String, String)], y: &mut f64, width: f64) -> Vec<Swatch> {
    let entries: Vec<_> = entries.iter().filter(|(_, c)| is_safe_colour(c)).collect();
    if entries.is_empty() {
        return Vec::new();
    }
    let style = TextStyle::Legend;
    let (side, gap, after, row_h) = (12.0, 6.0, 16.0, 18.0);
    let mut out = Vec::with_capacity(entries.len());
    let mut top = *y + 8.0;
    let mut x = MARGIN;
    for (label, colour) in entries {
        let label = text::ellipsize(label, style.size(), style.bold(), width - side - gap);
        let w = side + gap + text::width(&label, style.size(), style.bold());
        if x > MARGIN && x + w > MARGIN + width {
            x = MARGIN;
            top += row_h;
        }
        out.push(Swatch {
            rect: Rect {
                x,
                y: top + 1.0,
                w: side,
                h: side,
            },
            colour: colour.trim().to_owned(),
            label: TextLine::new(x + side + gap, top, label, style),
        });
        x += w + after;
    }
    *y = top + row_h;
    out
}

/// Moves the tree under the header and sizes the drawing.
fn finish(
    org: &Organisation,
    opts: &PohonOptions,
    nodes: Vec<Node>,
    mut connectors: Vec<Connector>,
    mut links: Vec<CascadeLink>,
    hidden_links: usize,
) -> Layout {
    // Bounding box of everything in the tree.
    let (mut minx, mut miny, mut maxx, mut maxy) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    let mut grow = |r: Rect| {
        minx = minx.min(r.x);
        miny = miny.min(r.y);
        maxx = maxx.max(r.right());
        maxy = maxy.max(r.bottom());
    };
    for node in &nodes {
        grow(node.card.rect);
        if let Some(t) = &node.card.toggle {
            grow(Rect {
                x: t.centre.x - t.radius,
                y: t.centre.y - t.radius,
                w: 2.0 * t.radius,
                h: 2.0 * t.radius,
            });
            if let Some(b) = &t.badge {
                grow(b.rect);
            }
        }
    }
    let points = connectors
        .iter()
        .flat_map(|c| &c.points)
        .chain(links.iter().flat_map(|l| &l.points));
    for p in points {
        grow(Rect {
            x: p.x - 4.0,
            y: p.y - 4.0,
            w: 8.0,
            h: 8.0,
        });
    }
    if !minx.is_finite() {
        (minx, miny, maxx, maxy) = (0.0, 0.0, 0.0, 0.0);
    }
    let tree_w = maxx - minx;
    let tree_h = maxy - miny;

    let mut legend = legend();
    let min_w = legend.rect.w + 32.0 + 360.0;
    let content_w = tree_w.max(min_w);
    let width = content_w + 2.0 * MARGIN;
    let title_w = content_w - legend.rect.w - 32.0;

    let mut lines = Vec::new();
    let mut y = MARGIN;
    let demo = org.demo.then(|| {
        let label = "DATA DEMO".to_owned();
        let w = text::width(&label, TextStyle::DemoMark.size(), true) + 20.0;
        let rect = Rect {
            x: MARGIN,
            y,
            w,
            h: 22.0,
        };
        y += 32.0;
        Badge {
            label: TextLine::new(MARGIN + 10.0, rect.y + 4.5, label, TextStyle::DemoMark),
            rect,
        }
    });
    let title = title_of(org, opts);
    for l in wrap(title, TextStyle::Title, title_w) {
        lines.push(TextLine::new(MARGIN, y, l, TextStyle::Title));
        y += TextStyle::Title.line_height();
    }
    let mut sub = Vec::new();
    if !org.name.trim().eq_ignore_ascii_case(title.trim()) {
        sub.push(org.name.clone());
    }
    if let Some(r) = org.renstra {
        sub.push(format!("Renstra {}–{}", r.start, r.end));
    }
    if !sub.is_empty() {
        y += 4.0;
        for l in wrap(&sub.join(" · "), TextStyle::Subtitle, title_w) {
            lines.push(TextLine::new(MARGIN, y, l, TextStyle::Subtitle));
            y += TextStyle::Subtitle.line_height();
        }
    }
    let swatches = swatches(&opts.legend, &mut y, title_w);
    let lx = width - MARGIN - legend.rect.w;
    legend.rect.translate(lx, MARGIN);
    legend.heading.translate(lx, MARGIN);
    for item in &mut legend.items {
        item.label.translate(lx, MARGIN);
        item.from = pt(item.from.x + lx, item.from.y + MARGIN);
        item.to = pt(item.to.x + lx, item.to.y + MARGIN);
    }
    let header_bottom = y.max(legend.rect.bottom()) + 28.0;

    let dx = MARGIN + (content_w - tree_w) / 2.0 - minx;
    let dy = header_bottom - miny;
    let mut units = Vec::with_capacity(nodes.len());
    for mut node in nodes {
        node.card.translate(dx, dy);
        units.push(node.card);
    }
    let shift = |p: &mut Point| {
        p.x += dx;
        p.y += dy;
    };
    connectors
        .iter_mut()
        .flat_map(|c| &mut c.points)
        .for_each(shift);
    links.iter_mut().flat_map(|l| &mut l.points).for_each(shift);

    Layout {
        width,
        height: header_bottom + tree_h + MARGIN,
        header: Header {
            lines,
            swatches,
            demo,
            legend,
        },
        units,
        connectors,
        links,
        hidden_links,
    }
}
