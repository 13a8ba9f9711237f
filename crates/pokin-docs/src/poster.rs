//! The *pohon kinerja* diagram as a PDF poster on A3 landscape.
//!
//! The SVG of [`crate::pohon::render_svg`] (plain, or coloured by capaian through
//! [`PohonOptions::fills`]) is scaled to fit one page when the scale stays readable
//! ([`MIN_FIT_SCALE`]); otherwise it is cut into tiles at [`TILE_SCALE`] with an overlap of
//! [`TILE_OVERLAP`] diagram pixels, one tile per page (`Bagian r,c dari R×C`), after a key page
//! showing the whole tree scaled down with the tile grid drawn over it.
//!
//! Scales are page points per diagram pixel.

use crate::DocError;
use crate::pdf::render;
use crate::pk::template;
use crate::pohon::{self, PohonOptions};
use pokin_domain::Organisation;
use serde::Serialize;

const POSTER: &str = include_str!("../templates/poster.typ");

/// The smallest scale at which the whole tree is put on one page.
pub const MIN_FIT_SCALE: f64 = 0.45;
/// The largest scale a small tree is enlarged to.
pub const MAX_FIT_SCALE: f64 = 1.25;
/// The scale of tiles when the tree does not fit one page.
pub const TILE_SCALE: f64 = 0.6;
/// How much neighbouring tiles repeat of each other, in diagram pixels.
pub const TILE_OVERLAP: f64 = 60.0;

/// The drawing area of an A3 landscape page inside the template's margins, header and footer
/// (points).
const AREA_W: f64 = 1140.0;
const AREA_H: f64 = 740.0;
/// The key page keeps room for its explanation.
const KEY_H: f64 = 700.0;

#[derive(Debug, Serialize)]
struct Tile {
    label: String,
    /// Grid position label drawn on the key page: `r,c`.
    short: String,
    /// The tile's top-left corner and size in diagram pixels.
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

#[derive(Debug, Serialize)]
struct View {
    title: String,
    /// Diagram size in pixels.
    width: f64,
    height: f64,
    /// Points per pixel on the page(s) showing the diagram.
    scale: f64,
    /// Points per pixel on the key page (tiled posters only).
    key_scale: f64,
    key_note: String,
    tiles: Vec<Tile>,
    footer: Vec<String>,
}

/// How a diagram is placed on pages.
#[derive(Debug)]
struct Plan {
    /// Points per diagram pixel.
    scale: f64,
    rows: usize,
    cols: usize,
    /// Empty when the diagram fits one page, else per tile `(row, column, x, y)` (1-based
    /// grid position, top-left corner in pixels).
    tiles: Vec<(usize, usize, f64, f64)>,
}

/// How a diagram of `width` × `height` pixels is placed.
fn plan(width: f64, height: f64) -> Plan {
    let fit = (AREA_W / width).min(AREA_H / height);
    if fit >= MIN_FIT_SCALE {
        return Plan {
            scale: fit.min(MAX_FIT_SCALE),
            rows: 1,
            cols: 1,
            tiles: Vec::new(),
        };
    }
    let tile_w = AREA_W / TILE_SCALE;
    let tile_h = AREA_H / TILE_SCALE;
    let starts = |total: f64, tile: f64| -> Vec<f64> {
        if total <= tile {
            return vec![0.0];
        }
        let step = tile - TILE_OVERLAP;
        let n = ((total - tile) / step).ceil() as usize + 1;
        (0..n)
            .map(|i| (i as f64 * step).min(total - tile))
            .collect()
    };
    let xs = starts(width, tile_w);
    let ys = starts(height, tile_h);
    let mut tiles = Vec::new();
    for (r, y) in ys.iter().enumerate() {
        for (c, x) in xs.iter().enumerate() {
            tiles.push((r + 1, c + 1, *x, *y));
        }
    }
    Plan {
        scale: TILE_SCALE,
        rows: ys.len(),
        cols: xs.len(),
        tiles,
    }
}

/// The pohon kinerja of `org` as an A3 landscape PDF: one page when it fits at a readable
/// scale, else a key page and one page per tile.
pub fn pdf(org: &Organisation, options: &PohonOptions) -> Result<Vec<u8>, DocError> {
    let layout = pohon::layout(org, options);
    let svg = pohon::render_svg(org, options);
    let Plan {
        scale,
        rows,
        cols,
        tiles: grid,
    } = plan(layout.width, layout.height);
    let tile_w = AREA_W / scale;
    let tile_h = AREA_H / scale;
    let tiles = grid
        .into_iter()
        .map(|(r, c, x, y)| Tile {
            label: format!("Bagian {r},{c} dari {rows}×{cols}"),
            short: format!("{r},{c}"),
            x,
            y,
            w: tile_w.min(layout.width),
            h: tile_h.min(layout.height),
        })
        .collect::<Vec<_>>();
    let key_scale = (AREA_W / layout.width).min(KEY_H / layout.height);
    let title = options
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or(org.title.as_deref().filter(|t| !t.trim().is_empty()))
        .unwrap_or(&org.name)
        .to_string();
    let mut footer = vec![format!("Pohon Kinerja {}", org.name)];
    if org.demo {
        footer.push("DATA DEMO".into());
    }
    let view = View {
        title,
        width: layout.width,
        height: layout.height,
        scale,
        key_scale,
        key_note: format!(
            "Pohon kinerja ini terlalu lebar untuk satu halaman dan dibagi menjadi {} bagian \
             ({rows} baris × {cols} kolom) pada halaman berikutnya. Kotak bernomor \
             baris,kolom menunjukkan letak setiap bagian; bagian yang bersebelahan saling \
             tumpang tindih sedikit.",
            tiles.len()
        ),
        tiles,
        footer,
    };
    render(
        &template(POSTER),
        &view,
        vec![("/pohon.svg", svg.into_bytes())],
        &format!("poster-{}", org.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_diagram_fits_one_page_and_a_wide_one_is_tiled_with_overlap() {
        let p = plan(1500.0, 800.0);
        assert!(p.tiles.is_empty());
        assert_eq!((p.rows, p.cols), (1, 1));
        assert!((MIN_FIT_SCALE..=MAX_FIT_SCALE).contains(&p.scale));

        let width = 12_000.0;
        let Plan {
            scale,
            rows,
            cols,
            tiles,
        } = plan(width, 900.0);
        assert_eq!(scale, TILE_SCALE);
        assert_eq!(rows, 1);
        assert!(cols > 1);
        assert_eq!(tiles.len(), rows * cols);
        let tile_w = AREA_W / TILE_SCALE;
        // Every pixel column is covered, neighbours overlap, the last tile ends at the edge.
        for pair in tiles.windows(2) {
            assert!(pair[1].2 <= pair[0].2 + tile_w - TILE_OVERLAP + 1e-9);
            assert!(pair[1].2 > pair[0].2);
        }
        assert_eq!(tiles[0].2, 0.0);
        assert!((tiles.last().unwrap().2 + tile_w - width).abs() < 1e-6);
    }
}
