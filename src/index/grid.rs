//! The grid that answers most points of a polygon layer with a lookup or
//! two (see [`Grid`]).

use super::edge::{Cross, Curved, crossing};
use geo::Coord;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU32;

/// A two-level grid over the layer: cells no boundary passes through are
/// answered by one lookup, the rest from the segments filed in the cells
/// (or by the exact test).
///
/// Every cell whose box meets the box of a boundary segment is marked; no
/// boundary crosses an unmarked cell, so every point of it has the same
/// answer, found when the grid is built from the winding numbers carried
/// along its row ([`PolygonIndex::label_rows`]). A marked cell is split into
/// [`SUB`] × [`SUB`] subcells, labelled (within the cell) the first time
/// [`SPLIT_AFTER`] points have fallen in it; a point in a marked subcell, or
/// in a cell not split yet, is answered from the segments between it and
/// the next unmarked cell ([`PolygonIndex::walk`]), or by the exact test.
///
/// Points map to subcells by one monotone formula (`floor((x - x0) /
/// step)` in subcell units; a cell is [`SUB`] subcells across), used both
/// for marking and for lookup, so a point on a segment always lands in a
/// subcell, and a cell, that the segment marked.
pub(super) struct Grid {
    pub(super) x0: f64,
    pub(super) y0: f64,
    /// Width of a subcell, degrees.
    pub(super) step: f64,
    /// Cells across and down.
    pub(super) nx: usize,
    pub(super) ny: usize,
    /// Per cell: a feature index, [`OUTSIDE`], or `MARKED | k` for the
    /// `k`-th marked cell.
    pub(super) cells: Vec<u32>,
    /// Per block of [`BLOCK`] × [`BLOCK`] cells: the value all its cells
    /// share when none is marked, otherwise [`MIXED`]. Small enough to stay
    /// in a core's cache, so the points of large uniform areas (a country's
    /// interior, the open land between districts) are answered without
    /// reaching for the cell array, which is not.
    pub(super) blocks: Vec<u32>,
    /// Blocks across.
    pub(super) bx: usize,
    /// Whether every region of unmarked cells lies in at most one feature,
    /// with winding number 1 (true of a layer of valid polygons that do not
    /// overlap), so that the features holding a point can be told from the
    /// segments between it and an unmarked cell ([`Grid::crossings`]).
    pub(super) walkable: bool,
    /// Per marked cell: the segments crossing it, as `segments[from..to]`
    /// (each a subcell box within the cell, and its feature), and what is
    /// built from them on first use.
    pub(super) marked: Vec<Marked>,
    /// Per marked cell's segment: its subcell box within the cell, its
    /// feature, and the segment itself (an index into `lines`).
    pub(super) segments: Vec<([u8; 4], u32, u32)>,
    /// Every boundary segment of the layer (its chord): x₀, y₀, x₁, y₁.
    pub(super) lines: Vec<[f64; 4]>,
    /// The curved edges among `lines`, by line index (sorted).
    pub(super) curved: Vec<(u32, Curved)>,
    /// Per marked cell's curved edge: its index in `curved`.
    pub(super) cell_curved: Vec<u32>,
}

pub(super) struct Marked {
    pub(super) cell: u32,
    pub(super) segments: std::ops::Range<u32>,
    /// Points that fell in the cell while it was not split.
    pub(super) hits: AtomicU32,
    /// Every feature that can hold a point of the cell, in file order:
    /// those whose boundary crosses it and those holding its centre (a
    /// feature holding a point of the cell without a boundary in the cell
    /// holds the whole cell). Found on first use.
    pub(super) candidates: OnceLock<Box<[u32]>>,
    /// Per subcell: a feature index, [`OUTSIDE`], or [`BOUNDARY`]; made
    /// once the cell has had [`SPLIT_AFTER`] points.
    pub(super) labels: OnceLock<Box<[u32]>>,
    /// The curved edges filed in the cell, as `cell_curved[from..to]`.
    pub(super) curved: std::ops::Range<u32>,
}

/// Subcells across one cell.
pub(super) const SUB: usize = 16;
/// Points a marked cell answers by the exact test before it is split.
pub(super) const SPLIT_AFTER: u32 = 32;
/// No feature here.
pub(super) const OUTSIDE: u32 = u32::MAX;
/// A subcell a boundary passes through.
pub(super) const BOUNDARY: u32 = u32::MAX - 1;
/// Flag on a cell value: the cell is marked; the rest is its number.
pub(super) const MARKED: u32 = 1 << 31;
/// Whether a cell value is a label (a feature or [`OUTSIDE`]) rather than
/// `MARKED | k`.
pub(super) fn is_label(v: u32) -> bool {
    v == OUTSIDE || v & MARKED == 0
}

/// Cells across one block (see [`Grid::blocks`]).
pub(super) const BLOCK: usize = 8;
/// A block whose cells differ (or include a marked one). No cell holds this
/// value once the grid is built ([`BOUNDARY`] cells become `MARKED | k`).
pub(super) const MIXED: u32 = BOUNDARY;
/// Largest number of cells a grid may have.
pub(super) const MAX_CELLS: f64 = 250_000.0;
impl Grid {
    /// The first feature (in file order) with `c` on its boundary, for `c`
    /// in subcell (`sx`, `sy`) of marked cell `m`: a segment through `c`
    /// passes through that subcell (the same formula maps both), so only
    /// the cell's segments marking it are tested, as geo's ring test does
    /// (exactly collinear, within the segment's box).
    pub(super) fn on_boundary(&self, m: &Marked, sx: usize, sy: usize, c: Coord) -> Option<usize> {
        use geo::kernels::{Kernel, Orientation};
        let (sx, sy) = (sx as u8, sy as u8);
        self.segments[m.segments.start as usize..m.segments.end as usize]
            .iter()
            .filter(|&&([x0, x1, y0, y1], _, _)| x0 <= sx && sx <= x1 && y0 <= sy && sy <= y1)
            .filter(|&&(_, _, k)| {
                let [ax, ay, bx, by] = self.lines[k as usize];
                let (a, b) = (Coord { x: ax, y: ay }, Coord { x: bx, y: by });
                if let Some(cv) = (!m.curved.is_empty())
                    .then(|| self.curved_edge(k))
                    .flatten()
                {
                    return crossing(a, b, Some(cv), c) == Cross::On;
                }
                c.x >= ax.min(bx)
                    && c.x <= ax.max(bx)
                    && c.y >= ay.min(by)
                    && c.y <= ay.max(by)
                    && <f64 as geo::GeoNum>::Ker::orient2d(a, b, c) == Orientation::Collinear
            })
            .map(|&(_, f, _)| f as usize)
            .min()
    }

    /// The curved part of line `k`, if it has one.
    pub(super) fn curved_edge(&self, k: u32) -> Option<&Curved> {
        let i = self.curved.binary_search_by_key(&k, |&(l, _)| l).ok()?;
        Some(&self.curved[i].1)
    }

    /// Whether `p` lies in the lune of a curved edge filed in marked cell
    /// `m`, or on its chord or geodesic (where the chords' winding numbers
    /// may not be the geodesic edges').
    #[cold]
    fn in_a_lune(&self, m: &Marked, p: Coord) -> bool {
        self.cell_curved[m.curved.start as usize..m.curved.end as usize]
            .iter()
            .map(|&i| &self.curved[i as usize].1)
            .any(|cv| cv.may_differ(p) && cv.differs(p))
    }

    /// Call `add(feature, ±1)` for every boundary segment crossing the
    /// horizontal segment from `from` rightwards to `to` (same latitude, in
    /// cell row `cy`; each point with its cell column), with the sign of
    /// geo's winding-number test (+1 upward with `from` to its left, −1
    /// downward with `from` to its right; lower end counted, upper end
    /// not). `to` is `None` past the grid's right edge. So a feature's
    /// winding number at `from` is the one at `to` plus its sum. `None`
    /// when `from` or `to` is on a segment's line, or `from` is in the lune
    /// of a curved edge: elsewhere the chords' winding numbers are the
    /// geodesic edges' (they differ only inside the lunes), so counting
    /// the chords' crossings is exact.
    ///
    /// Why every crossing is seen once: a segment crossing between the two
    /// points has a box holding the crossing, so by the monotone subcell
    /// formula it is filed in row `cy` in a column from `from`'s to `to`'s,
    /// and its columns are consecutive; it is counted in the first of them
    /// at or after `from`'s.
    #[inline]
    pub(super) fn crossings(
        &self,
        cy: usize,
        (cx, from): (usize, Coord),
        to: Option<(usize, Coord)>,
        mut add: impl FnMut(u32, i32),
    ) -> Option<()> {
        use geo::kernels::{Kernel, Orientation};
        let orient = <f64 as geo::GeoNum>::Ker::orient2d;
        let end = to.map_or(self.nx - 1, |(x, _)| x);
        let row = &self.cells[cy * self.nx..(cy + 1) * self.nx];
        for (x, &v) in row.iter().enumerate().take(end + 1).skip(cx) {
            if is_label(v) {
                continue;
            }
            let m = &self.marked[(v & !MARKED) as usize];
            // (A lune holding `from` is filed in `from`'s cell; `to` and
            // the `from` of the grid's labelling are centres of cells no
            // lune's box meets.)
            if x == cx && !m.curved.is_empty() && self.in_a_lune(m, from) {
                return None;
            }
            for &(_, f, k) in &self.segments[m.segments.start as usize..m.segments.end as usize] {
                let [ax, ay, bx, by] = self.lines[k as usize];
                if (ay > from.y) == (by > from.y) {
                    continue; // does not cross the line
                }
                if (self.span(ax, bx, self.x0, self.nx).0 / SUB).max(cx) != x {
                    continue; // counted in an earlier cell
                }
                let (a, b) = (Coord { x: ax, y: ay }, Coord { x: bx, y: by });
                let up = by > ay;
                // Whether the crossing is right of `p`: `p` left of an
                // upward segment, right of a downward one.
                let right_of = |p: Coord| match orient(a, b, p) {
                    Orientation::Collinear => None,
                    Orientation::CounterClockwise => Some(up),
                    Orientation::Clockwise => Some(!up),
                };
                if !right_of(from)? {
                    continue;
                }
                if let Some((_, to)) = to
                    && right_of(to)?
                {
                    continue; // beyond `to`
                }
                add(f, if up { 1 } else { -1 });
            }
        }
        Some(())
    }

    /// The point at the middle of cell column `x`, at latitude `lat`.
    pub(super) fn cell_point(&self, x: usize, lat: f64) -> Coord {
        Coord {
            x: self.x0 + (x as f64 + 0.5) * self.step * SUB as f64,
            y: lat,
        }
    }

    /// The centre of subcell `i` (row-major) of marked cell `m`.
    pub(super) fn subcell_centre(&self, m: &Marked, i: usize) -> Coord {
        let (cx, cy) = (m.cell as usize % self.nx, m.cell as usize / self.nx);
        Coord {
            x: self.x0 + ((cx * SUB + i % SUB) as f64 + 0.5) * self.step,
            y: self.y0 + ((cy * SUB + i / SUB) as f64 + 0.5) * self.step,
        }
    }

    /// The subcell column and row of `c`, if inside the grid.
    pub(super) fn subcell(&self, c: Coord) -> Option<(usize, usize)> {
        let fx = (c.x - self.x0) / self.step;
        let fy = (c.y - self.y0) / self.step;
        // (Truncation is the floor for values ≥ 0; NaN fails the test.)
        if fx >= 0.0 && fy >= 0.0 && fx < (self.nx * SUB) as f64 && fy < (self.ny * SUB) as f64 {
            Some((fx as usize, fy as usize))
        } else {
            None
        }
    }

    /// The subcell range `[lo, hi]` of `a..b` along one axis, clamped.
    pub(super) fn span(&self, a: f64, b: f64, origin: f64, n: usize) -> (usize, usize) {
        // A float-to-integer cast saturates: below 0 (and NaN) gives 0,
        // the same as the floor clamped at 0.
        let f = |v: f64| (((v - origin) / self.step) as usize).min(n * SUB - 1);
        (f(a.min(b)), f(a.max(b)))
    }
}

/// its cells.
pub(super) fn label_regions(cells: &mut [u32], nx: usize, mut label: impl FnMut(usize) -> u32) {
    let ny = cells.len() / nx;
    let mut seen = vec![false; cells.len()];
    let mut stack = Vec::new();
    for start in 0..cells.len() {
        if seen[start] || cells[start] == BOUNDARY {
            continue;
        }
        let value = label(start);
        stack.push(start);
        seen[start] = true;
        while let Some(i) = stack.pop() {
            cells[i] = value;
            let (x, y) = (i % nx, i / nx);
            let mut visit = |j: usize| {
                if !seen[j] && cells[j] != BOUNDARY {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < nx {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - nx);
            }
            if y + 1 < ny {
                visit(i + nx);
            }
        }
    }
}

/// The value shared by every cell of each [`BLOCK`] × [`BLOCK`] block of an
/// `nx`-wide grid (`bx` blocks across), or [`MIXED`] when they differ or one
/// is marked.
pub(super) fn block_values(cells: &[u32], nx: usize, bx: usize) -> Vec<u32> {
    let by = (cells.len() / nx).div_ceil(BLOCK);
    let mut blocks = vec![MIXED; bx * by];
    for (b, value) in blocks.iter_mut().enumerate() {
        let (x0, y0) = ((b % bx) * BLOCK, (b / bx) * BLOCK);
        let rows = cells.chunks(nx).skip(y0).take(BLOCK);
        let mut within = rows.flat_map(|row| &row[x0..(x0 + BLOCK).min(nx)]);
        let first = *within.next().expect("a block holds a cell");
        if is_label(first) && within.all(|&v| v == first) {
            *value = first;
        }
    }
    blocks
}
