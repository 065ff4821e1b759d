//! Spatial index over a polygon layer for point-in-polygon queries.
//!
//! A two-level grid answers most points with one or two lookups (see
//! `Grid`); most of the rest from the few boundary segments between the
//! point and the next cell no boundary crosses (`Grid::crossings`); the
//! rest are tested exactly. For the exact test an R-tree of feature
//! envelopes (or a grid cell's short list) gives the candidates, each
//! prepared (on first use) as geo's
//! [`geo::algorithm::indexed::IntervalTreeMultiPolygon`], so the cost of a
//! test does not grow with the polygon's vertex count. Both count winding
//! numbers, so polygons are oriented first (exterior counter-clockwise,
//! holes clockwise) whatever the file's winding.
//!
//! # Boundary rule
//! A point strictly inside a feature belongs to it. A point exactly on a
//! boundary shared by several features (including a vertex) belongs to the
//! one that comes first in the layer's file order. So every point of the
//! layer's union belongs to exactly one feature.

use crate::geodesy::WGS84_MERIDIAN_MIN;
use crate::layer::Layer;
use geo::algorithm::indexed::IntervalTreeMultiPolygon;
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Contains, Coord, Geometry, Intersects, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use std::f64::consts::FRAC_PI_2;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// A prepared polygon layer.
pub struct PolygonIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    /// Each feature's polygons (oriented), and their interval tree, made
    /// the first time the exact test needs it.
    prepared: Vec<Option<(OnceLock<IntervalTreeMultiPolygon<f64>>, MultiPolygon)>>,
    grid: Option<Grid>,
}

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
struct Grid {
    x0: f64,
    y0: f64,
    /// Width of a subcell, degrees.
    step: f64,
    /// Cells across and down.
    nx: usize,
    ny: usize,
    /// Per cell: a feature index, [`OUTSIDE`], or `MARKED | k` for the
    /// `k`-th marked cell.
    cells: Vec<u32>,
    /// Per block of [`BLOCK`] × [`BLOCK`] cells: the value all its cells
    /// share when none is marked, otherwise [`MIXED`]. Small enough to stay
    /// in a core's cache, so the points of large uniform areas (a country's
    /// interior, the open land between districts) are answered without
    /// reaching for the cell array, which is not.
    blocks: Vec<u32>,
    /// Blocks across.
    bx: usize,
    /// Whether every region of unmarked cells lies in at most one feature,
    /// with winding number 1 (true of a layer of valid polygons that do not
    /// overlap), so that the features holding a point can be told from the
    /// segments between it and an unmarked cell ([`Grid::crossings`]).
    walkable: bool,
    /// Per marked cell: the segments crossing it, as `segments[from..to]`
    /// (each a subcell box within the cell, and its feature), and what is
    /// built from them on first use.
    marked: Vec<Marked>,
    /// Per marked cell's segment: its subcell box within the cell, its
    /// feature, and the segment itself (an index into `lines`).
    segments: Vec<([u8; 4], u32, u32)>,
    /// Every boundary segment of the layer: x₀, y₀, x₁, y₁.
    lines: Vec<[f64; 4]>,
}

struct Marked {
    cell: u32,
    segments: std::ops::Range<u32>,
    /// Points that fell in the cell while it was not split.
    hits: AtomicU32,
    /// Every feature that can hold a point of the cell, in file order:
    /// those whose boundary crosses it and those holding its centre (a
    /// feature holding a point of the cell without a boundary in the cell
    /// holds the whole cell). Found on first use.
    candidates: OnceLock<Box<[u32]>>,
    /// Per subcell: a feature index, [`OUTSIDE`], or [`BOUNDARY`]; made
    /// once the cell has had [`SPLIT_AFTER`] points.
    labels: OnceLock<Box<[u32]>>,
}

/// Subcells across one cell.
const SUB: usize = 16;
/// Points a marked cell answers by the exact test before it is split.
const SPLIT_AFTER: u32 = 32;
/// No feature here.
const OUTSIDE: u32 = u32::MAX;
/// A subcell a boundary passes through.
const BOUNDARY: u32 = u32::MAX - 1;
/// Flag on a cell value: the cell is marked; the rest is its number.
const MARKED: u32 = 1 << 31;
/// Whether a cell value is a label (a feature or [`OUTSIDE`]) rather than
/// `MARKED | k`.
fn is_label(v: u32) -> bool {
    v == OUTSIDE || v & MARKED == 0
}

/// Cells across one block (see [`Grid::blocks`]).
const BLOCK: usize = 8;
/// A block whose cells differ (or include a marked one). No cell holds this
/// value once the grid is built ([`BOUNDARY`] cells become `MARKED | k`).
const MIXED: u32 = BOUNDARY;
/// Largest number of cells a grid may have.
const MAX_CELLS: f64 = 250_000.0;

impl Grid {
    /// The first feature (in file order) with `c` on its boundary, for `c`
    /// in subcell (`sx`, `sy`) of marked cell `m`: a segment through `c`
    /// passes through that subcell (the same formula maps both), so only
    /// the cell's segments marking it are tested, as geo's ring test does
    /// (exactly collinear, within the segment's box).
    fn on_boundary(&self, m: &Marked, sx: usize, sy: usize, c: Coord) -> Option<usize> {
        use geo::kernels::{Kernel, Orientation};
        let (sx, sy) = (sx as u8, sy as u8);
        self.segments[m.segments.start as usize..m.segments.end as usize]
            .iter()
            .filter(|&&([x0, x1, y0, y1], _, _)| x0 <= sx && sx <= x1 && y0 <= sy && sy <= y1)
            .filter(|&&(_, _, k)| {
                let [ax, ay, bx, by] = self.lines[k as usize];
                let (a, b) = (Coord { x: ax, y: ay }, Coord { x: bx, y: by });
                c.x >= ax.min(bx)
                    && c.x <= ax.max(bx)
                    && c.y >= ay.min(by)
                    && c.y <= ay.max(by)
                    && <f64 as geo::GeoNum>::Ker::orient2d(a, b, c) == Orientation::Collinear
            })
            .map(|&(_, f, _)| f as usize)
            .min()
    }

    /// Call `add(feature, ±1)` for every boundary segment crossing the
    /// horizontal segment from `from` rightwards to `to` (same latitude, in
    /// cell row `cy`; each point with its cell column), with the sign of
    /// geo's winding-number test (+1 upward with `from` to its left, −1
    /// downward with `from` to its right; lower end counted, upper end
    /// not). `to` is `None` past the grid's right edge. So a feature's
    /// winding number at `from` is the one at `to` plus its sum. `None`
    /// when `from` or `to` is on a segment's line.
    ///
    /// Why every crossing is seen once: a segment crossing between the two
    /// points has a box holding the crossing, so by the monotone subcell
    /// formula it is filed in row `cy` in a column from `from`'s to `to`'s,
    /// and its columns are consecutive; it is counted in the first of them
    /// at or after `from`'s.
    fn crossings(
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
    fn cell_point(&self, x: usize, lat: f64) -> Coord {
        Coord {
            x: self.x0 + (x as f64 + 0.5) * self.step * SUB as f64,
            y: lat,
        }
    }

    /// The centre of subcell `i` (row-major) of marked cell `m`.
    fn subcell_centre(&self, m: &Marked, i: usize) -> Coord {
        let (cx, cy) = (m.cell as usize % self.nx, m.cell as usize / self.nx);
        Coord {
            x: self.x0 + ((cx * SUB + i % SUB) as f64 + 0.5) * self.step,
            y: self.y0 + ((cy * SUB + i / SUB) as f64 + 0.5) * self.step,
        }
    }

    /// The subcell column and row of `c`, if inside the grid.
    fn subcell(&self, c: Coord) -> Option<(usize, usize)> {
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
    fn span(&self, a: f64, b: f64, origin: f64, n: usize) -> (usize, usize) {
        // A float-to-integer cast saturates: below 0 (and NaN) gives 0,
        // the same as the floor clamped at 0.
        let f = |v: f64| (((v - origin) / self.step) as usize).min(n * SUB - 1);
        (f(a.min(b)), f(a.max(b)))
    }
}

fn as_multipolygon(g: &Geometry) -> Option<MultiPolygon> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon::new(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        Geometry::Rect(r) => Some(MultiPolygon::new(vec![r.to_polygon()])),
        Geometry::Triangle(t) => Some(MultiPolygon::new(vec![t.to_polygon()])),
        _ => None,
    }
}

/// Label the connected regions of unmarked cells of an `nx` × `ny` grid
/// (`cells[i] == BOUNDARY` for marked ones), each with `label(i)` of one of
/// its cells.
fn label_regions(cells: &mut [u32], nx: usize, mut label: impl FnMut(usize) -> u32) {
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
fn block_values(cells: &[u32], nx: usize, bx: usize) -> Vec<u32> {
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

impl PolygonIndex {
    /// Index the polygon features of `layer` (other geometries are skipped).
    pub fn new(layer: &Layer) -> Self {
        use rayon::prelude::*;
        let prepared: Vec<_> = layer
            .features
            .par_iter()
            .map(|f| {
                // Winding numbers are counted, so a hole must wind against
                // its exterior (as RFC 7946 asks, and as not every file
                // does).
                let m = as_multipolygon(&f.geometry)?.orient(Direction::Default);
                Some((OnceLock::new(), m))
            })
            .collect();
        let entries = prepared
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let rect = p.as_ref()?.1.bounding_rect()?;
                let (lo, hi) = (rect.min(), rect.max());
                Some(GeomWithData::new(
                    Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]),
                    i,
                ))
            })
            .collect();
        let mut index = PolygonIndex {
            tree: RTree::bulk_load(entries),
            prepared,
            grid: None,
        };
        index.grid = index.build_grid();
        index
    }

    /// Every boundary segment of the layer, as subcell ranges `[x0, x1,
    /// y0, y1]` (worked out on every core).
    fn segment_spans(&self, g: &Grid) -> Vec<([u32; 4], u32, [f64; 4])> {
        use rayon::prelude::*;
        self.prepared
            .par_iter()
            .enumerate()
            .filter_map(|(i, p)| Some((i as u32, &p.as_ref()?.1)))
            .flat_map_iter(|(i, mp)| mp.0.iter().map(move |p| (i, p)))
            .flat_map_iter(|(i, p)| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .flat_map(|ring| ring.lines())
                    .map(move |l| (i, l))
            })
            .map(|(i, l)| {
                let (x0, x1) = g.span(l.start.x, l.end.x, g.x0, g.nx);
                let (y0, y1) = g.span(l.start.y, l.end.y, g.y0, g.ny);
                (
                    [x0, x1, y0, y1].map(|v| v as u32),
                    i,
                    [l.start.x, l.start.y, l.end.x, l.end.y],
                )
            })
            .collect()
    }

    fn build_grid(&self) -> Option<Grid> {
        let env = self.tree.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        if !(w > 0.0 && h > 0.0) || self.prepared.len() >= MARKED as usize {
            return None;
        }
        let step = ((w * h) / MAX_CELLS).sqrt().max(0.01);
        let (nx, ny) = (
            (w / step).ceil() as usize + 1,
            (h / step).ceil() as usize + 1,
        );
        let mut g = Grid {
            x0: lo[0],
            y0: lo[1],
            step: step / SUB as f64,
            nx,
            ny,
            cells: vec![OUTSIDE; nx * ny],
            blocks: Vec::new(),
            bx: nx.div_ceil(BLOCK),
            walkable: false,
            marked: Vec::new(),
            segments: Vec::new(),
            lines: Vec::new(),
        };
        // Count the segments crossing each cell (a cell with any is marked),
        // then file each segment's subcell box, clipped to the cell, under
        // the cell.
        let spans = self.segment_spans(&g);
        let sub = SUB as u32;
        let cells_of = |[x0, x1, y0, y1]: [u32; 4]| {
            (y0 / sub..=y1 / sub)
                .flat_map(move |y| (x0 / sub..=x1 / sub).map(move |x| y as usize * nx + x as usize))
        };
        let mut count = vec![0u32; nx * ny];
        for &(s, _, _) in &spans {
            for i in cells_of(s) {
                count[i] += 1;
            }
        }
        let mut start = vec![0u32; nx * ny];
        let mut total = 0u32;
        for (i, &n) in count.iter().enumerate() {
            if n > 0 {
                start[i] = total;
                g.cells[i] = BOUNDARY;
                g.marked.push(Marked {
                    cell: i as u32,
                    segments: total..total + n,
                    hits: AtomicU32::new(0),
                    candidates: OnceLock::new(),
                    labels: OnceLock::new(),
                });
                total += n;
            }
        }
        let mut segments = vec![([0u8; 4], 0, 0); total as usize];
        for (k, &(s, feature, _)) in spans.iter().enumerate() {
            for i in cells_of(s) {
                let (x, y) = ((i % nx) as u32, (i / nx) as u32);
                let clip = |lo: u32, hi: u32, base: u32| {
                    let (a, b) = (lo.max(base * sub), hi.min(base * sub + sub - 1));
                    ((a - base * sub) as u8, (b - base * sub) as u8)
                };
                let (ax, bx) = clip(s[0], s[1], x);
                let (ay, by) = clip(s[2], s[3], y);
                segments[start[i] as usize] = ([ax, bx, ay, by], feature, k as u32);
                start[i] += 1;
            }
        }
        g.segments = segments;
        g.lines = spans.into_iter().map(|(_, _, l)| l).collect();
        for (k, m) in g.marked.iter().enumerate() {
            g.cells[m.cell as usize] = MARKED | k as u32;
        }
        let (labels, walkable) = self.label_rows(&g, step);
        for (cell, label) in g.cells.iter_mut().zip(labels) {
            if *cell == OUTSIDE {
                *cell = label;
            }
        }
        g.walkable = walkable;
        if !walkable {
            // Points in marked cells take the exact test: its trees made
            // now, on every core.
            self.prepare_trees();
        }
        g.blocks = block_values(&g.cells, nx, g.bx);
        Some(g)
    }

    /// The label of every unmarked cell of `g` (a feature index or
    /// [`OUTSIDE`]; marked cells get [`OUTSIDE`] here), and whether the
    /// layer is [`Grid::walkable`]. `cell_step` is a cell's width, degrees.
    ///
    /// Each row is scanned from the left, where no feature lies, keeping
    /// every feature's winding number at the last unmarked cell (at its
    /// centre's latitude, on no boundary) and updating it across each run
    /// of marked cells by the segments crossed ([`Grid::crossings`]): the
    /// same count as geo's test, so a cell's label is the first feature
    /// whose winding number is not 0, as the exact test would say. Rows
    /// are labelled on every core.
    fn label_rows(&self, g: &Grid, cell_step: f64) -> (Vec<u32>, bool) {
        use rayon::prelude::*;
        let mut labels = vec![OUTSIDE; g.cells.len()];
        let walkable = labels
            .par_chunks_mut(g.nx)
            .enumerate()
            .map(|(y, row)| {
                let lat = g.y0 + (y as f64 + 0.5) * cell_step;
                let mut from = (
                    0,
                    Coord {
                        x: g.x0 - 1.0,
                        y: lat,
                    },
                );
                let mut windings: Vec<(u32, i32)> = Vec::new();
                let (mut label, mut walkable, mut crossed) = (OUTSIDE, true, false);
                for (x, out) in row.iter_mut().enumerate() {
                    let v = g.cells[y * g.nx + x];
                    if !is_label(v) {
                        crossed = true;
                        continue;
                    }
                    let here = g.cell_point(x, lat);
                    if crossed {
                        let ray = g.crossings(y, from, Some((x, here)), |f, w| {
                            match windings.iter_mut().find(|(g, _)| *g == f) {
                                Some((_, sum)) => *sum -= w,
                                None => windings.push((f, -w)),
                            }
                        });
                        windings.retain(|&(_, w)| w != 0);
                        label = match ray {
                            Some(()) => windings.iter().map(|&(f, _)| f).min().unwrap_or(OUTSIDE),
                            // (Cannot happen: `here` and `from` are on no
                            // boundary.) The exact test, and no walks.
                            None => {
                                walkable = false;
                                self.first_holding(here, || self.near(here), false)
                                    .map_or(OUTSIDE, |f| f as u32)
                            }
                        };
                        walkable &= matches!(windings.as_slice(), [] | [(_, 1)]);
                        debug_assert_eq!(
                            label,
                            self.first_holding(here, || self.near(here), false)
                                .map_or(OUTSIDE, |f| f as u32),
                            "the crossings' answer at {here:?} is not geo's"
                        );
                        crossed = false;
                    }
                    *out = label;
                    from = (x, here);
                }
                walkable
            })
            .reduce(|| true, |a, b| a && b);
        (labels, walkable)
    }

    /// The features that can hold a point of marked cell `m` (see
    /// [`Marked::candidates`]).
    fn candidates<'g>(&self, g: &'g Grid, m: &'g Marked) -> &'g [u32] {
        m.candidates.get_or_init(|| {
            let segments = &g.segments[m.segments.start as usize..m.segments.end as usize];
            let mut candidates: Vec<u32> = segments.iter().map(|&(_, f, _)| f).collect();
            // A feature holding the whole cell holds its middle inside (one
            // with the middle on its boundary crosses the cell).
            let middle = g.subcell_centre(m, SUB / 2 * SUB + SUB / 2);
            candidates.extend(
                self.near(middle)
                    .filter(|&i| self.inside(i, middle))
                    .map(|i| i as u32),
            );
            candidates.sort_unstable();
            candidates.dedup();
            candidates.into_boxed_slice()
        })
    }

    /// The feature holding `c` (in subcell `sx`, `sy` of marked cell `m`),
    /// by the exact test of the cell's candidates.
    fn exact(&self, g: &Grid, m: &Marked, (sx, sy): (usize, usize), c: Coord) -> Option<usize> {
        // (The candidates are in file order: the first holding `c` inside
        // is the one.)
        self.candidates(g, m)
            .iter()
            .map(|&f| f as usize)
            .find(|&f| self.inside(f, c))
            .or_else(|| g.on_boundary(m, sx, sy, c))
    }

    /// The feature holding `c` (in subcell `fx`, `fy` of marked cell `m`)
    /// found from the segments between `c` and the first unmarked cell to
    /// its right ([`Grid::crossings`]), without the exact test; `None` when that
    /// cannot tell (the layer is not [`Grid::walkable`], `c` is on a
    /// boundary, the walk is long or crosses many features).
    ///
    /// Why: the end cell's features are known (its label, winding number
    /// 1, and no other), and a feature's winding number at `c` is the one
    /// at the end plus the crossings between. A point on no boundary is
    /// inside a feature when its winding number is not 0, as geo's test
    /// has it; the answer is the first such feature in file order.
    #[allow(clippy::option_option)]
    fn walk(
        &self,
        g: &Grid,
        m: &Marked,
        (fx, fy): (usize, usize),
        c: Coord,
    ) -> Option<Option<usize>> {
        /// Marked cells a walk may pass, and features it may cross.
        const MAX_MARKED: usize = 16;
        const MAX_FEATURES: usize = 8;
        if !g.walkable || g.on_boundary(m, fx % SUB, fy % SUB, c).is_some() {
            return None;
        }
        let (cx, cy) = (fx / SUB, fy / SUB);
        // The first unmarked cell to the right, or the grid's edge.
        let row = &g.cells[cy * g.nx..(cy + 1) * g.nx];
        let end = row
            .iter()
            .enumerate()
            .skip(cx)
            .take(MAX_MARKED + 1)
            .find(|&(_, &v)| is_label(v));
        let (to, end) = match end {
            Some((x, &v)) => (Some((x, g.cell_point(x, c.y))), v),
            None if cx + MAX_MARKED + 1 >= g.nx => (None, OUTSIDE),
            None => return None,
        };
        let mut sums = [(0u32, 0i32); MAX_FEATURES];
        let (mut n, mut full) = (0, false);
        g.crossings(cy, (cx, c), to, |f, w| {
            match sums[..n].iter_mut().find(|(g, _)| *g == f) {
                Some((_, sum)) => *sum += w,
                None if n < MAX_FEATURES => {
                    sums[n] = (f, w);
                    n += 1;
                }
                None => full = true,
            }
        })?;
        if full {
            return None;
        }
        let winding = |f: u32| sums[..n].iter().find(|(g, _)| *g == f).map_or(0, |s| s.1);
        let at_end = (end != OUTSIDE).then_some(end);
        let holding = sums[..n]
            .iter()
            .map(|&(f, _)| f)
            .chain(at_end)
            .filter(|&f| winding(f) + i32::from(Some(f) == at_end) != 0)
            .min();
        Some(holding.map(|f| f as usize))
    }

    /// Split marked cell `m` into subcells and label them.
    fn split(&self, g: &Grid, m: &Marked) -> Box<[u32]> {
        let mut labels = vec![OUTSIDE; SUB * SUB];
        for &([x0, x1, y0, y1], _, _) in
            &g.segments[m.segments.start as usize..m.segments.end as usize]
        {
            for y in y0..=y1 {
                for x in x0..=x1 {
                    labels[y as usize * SUB + x as usize] = BOUNDARY;
                }
            }
        }
        // (The centre of an unmarked subcell is on no boundary.)
        let (cx, cy) = (m.cell as usize % g.nx, m.cell as usize / g.nx);
        label_regions(&mut labels, SUB, |i| {
            let c = g.subcell_centre(m, i);
            let subcell = (cx * SUB + i % SUB, cy * SUB + i / SUB);
            let found = self.walk(g, m, subcell, c).unwrap_or_else(|| {
                self.candidates(g, m)
                    .iter()
                    .map(|&f| f as usize)
                    .find(|&f| self.inside(f, c))
            });
            found.map_or(OUTSIDE, |f| f as u32)
        });
        labels.into_boxed_slice()
    }

    /// Whether feature `i` contains `c` or has it on its boundary (false for
    /// features that are not polygons).
    pub fn contains(&self, i: usize, c: Coord) -> bool {
        self.inside(i, c)
            || matches!(self.prepared.get(i), Some(Some((_, mp))) if mp.intersects(&c))
    }

    /// Every feature that contains `c` or has it on its boundary, in file order.
    pub fn all_containing(&self, c: Coord) -> Vec<usize> {
        let mut v: Vec<usize> = self.near(c).filter(|&i| self.contains(i, c)).collect();
        v.sort_unstable();
        v
    }

    /// Index of the feature that contains `c` (lon/lat degrees), by the
    /// boundary rule in the module docs; `None` outside every feature.
    pub fn locate(&self, c: Coord) -> Option<usize> {
        let Some(g) = &self.grid else {
            return self.first_holding(c, || self.near(c), true);
        };
        let Some((fx, fy)) = g.subcell(c) else {
            return None; // outside the layer's box (or not a number)
        };
        let (cx, cy) = (fx / SUB, fy / SUB);
        let block = g.blocks[(cy / BLOCK) * g.bx + cx / BLOCK];
        let value = if block != MIXED {
            block
        } else {
            g.cells[cy * g.nx + cx]
        };
        match value {
            OUTSIDE => None,
            v if v & MARKED == 0 => Some(v as usize),
            v => {
                let m = &g.marked[(v & !MARKED) as usize];
                let (sx, sy) = (fx % SUB, fy % SUB);
                // Before the split every subcell is treated as one a
                // boundary crosses.
                let label = match m.labels.get() {
                    Some(labels) => labels[sy * SUB + sx],
                    None if m.hits.fetch_add(1, Ordering::Relaxed) >= SPLIT_AFTER => {
                        m.labels.get_or_init(|| self.split(g, m))[sy * SUB + sx]
                    }
                    None => BOUNDARY,
                };
                match label {
                    BOUNDARY => match self.walk(g, m, (fx, fy), c) {
                        Some(found) => {
                            debug_assert_eq!(found, self.exact(g, m, (sx, sy), c), "at {c:?}");
                            found
                        }
                        None => self.exact(g, m, (sx, sy), c),
                    },
                    OUTSIDE => None,
                    f => Some(f as usize),
                }
            }
        }
    }

    /// A lower bound on the geodesic distance from `c` to every polygon
    /// boundary of the layer, found from the grid alone: from the segments
    /// filed in `c`'s cell and the eight around it, and the block's edge.
    /// It is 0 where the grid cannot tell (off the grid, near ±180°
    /// longitude where its longitudes do not wrap, near the poles). For a
    /// point outside every feature, a clearance over `r` means no feature
    /// is within `r`.
    ///
    /// Why it is a bound: every boundary point is at least `s` radians
    /// from `c` in latitude or in longitude, with `s` the smaller of the
    /// gap to the block's edge and the gaps to the subcell boxes of the
    /// block's segments (less two subcells: one for the subcells' own
    /// width, one for rounding in the subcell formula). A path shorter than
    /// B = a(1 − e²)·s·cos(|φ| + s) changes latitude by less than `s`
    /// (each radian of latitude costs at least a(1 − e²),
    /// [`WGS84_MERIDIAN_MIN`]), so it stays below latitude |φ| + s, where a
    /// parallel's radius N·cos φ is at least a·cos(|φ| + s), and it must
    /// cover `s` of longitude instead, which takes at least B.
    ///
    /// # Units
    /// `c` in degrees (lon/lat); metres out.
    pub fn boundary_clearance(&self, c: Coord) -> f64 {
        let Some(g) = &self.grid else {
            return 0.0;
        };
        let Some((fx, fy)) = g.subcell(c) else {
            return 0.0;
        };
        let cell_deg = g.step * SUB as f64;
        if c.x.abs() + 2.0 * cell_deg >= 180.0 {
            return 0.0;
        }
        // Gap in subcells; the block's edge is at least SUB away (cells
        // beyond the grid hold no boundary: the grid covers the layer's box).
        let (cx, cy) = (fx / SUB, fy / SUB);
        let mut gap = SUB - 1;
        for y in cy.saturating_sub(1)..=(cy + 1).min(g.ny - 1) {
            for x in cx.saturating_sub(1)..=(cx + 1).min(g.nx - 1) {
                let v = g.cells[y * g.nx + x];
                if is_label(v) {
                    continue;
                }
                let m = &g.marked[(v & !MARKED) as usize];
                for &([x0, x1, y0, y1], _, _) in
                    &g.segments[m.segments.start as usize..m.segments.end as usize]
                {
                    let (x0, x1) = (x * SUB + x0 as usize, x * SUB + x1 as usize);
                    let (y0, y1) = (y * SUB + y0 as usize, y * SUB + y1 as usize);
                    let dx = x0.saturating_sub(fx).max(fx.saturating_sub(x1));
                    let dy = y0.saturating_sub(fy).max(fy.saturating_sub(y1));
                    gap = gap.min(dx.max(dy).saturating_sub(2));
                }
            }
        }
        let s = (gap as f64 * g.step).to_radians();
        let lat = c.y.abs().to_radians() + s;
        if lat >= FRAC_PI_2 {
            return 0.0;
        }
        WGS84_MERIDIAN_MIN * s * lat.cos()
    }

    /// Features whose envelope holds `c`, in no particular order.
    fn near(&self, c: Coord) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([c.x, c.y]))
            .map(|e| e.data)
    }

    /// Make every feature's interval tree now, on every core.
    fn prepare_trees(&self) {
        use rayon::prelude::*;
        self.prepared.par_iter().flatten().for_each(|(it, mp)| {
            it.get_or_init(|| IntervalTreeMultiPolygon::new(mp));
        });
    }

    /// Whether feature `i` holds `c` strictly inside (a cheap test on the
    /// prepared polygon).
    fn inside(&self, i: usize, c: Coord) -> bool {
        matches!(self.prepared.get(i), Some(Some((it, mp)))
            if it.get_or_init(|| IntervalTreeMultiPolygon::new(mp)).contains(&c))
    }

    /// The feature holding `c` among `candidates` (called twice at most),
    /// by the boundary rule in the module docs. With `boundary` false only
    /// the strict test is made: enough for a point no boundary passes
    /// through (the centre of an unmarked cell), and cheaper, as the
    /// boundary test walks every vertex.
    fn first_holding<I: Iterator<Item = usize>>(
        &self,
        c: Coord,
        candidates: impl Fn() -> I,
        boundary: bool,
    ) -> Option<usize> {
        let inside = candidates().filter(|&i| self.inside(i, c)).min();
        if inside.is_some() || !boundary {
            return inside;
        }
        candidates().filter(|&i| self.contains(i, c)).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Catalogue;
    use geo::CoordsIter;

    /// The walk from a point to the next unmarked cell answers nearly
    /// every point of a marked cell on the built-in polygon layers (so the
    /// exact test is the exception), and answers as the exact test does.
    #[test]
    fn the_walk_answers_boundary_points_as_the_exact_test_does() {
        for name in ["districts", "neighbours", "provinces"] {
            let layer = Catalogue::shared(name).unwrap();
            let index = PolygonIndex::new(layer);
            let g = index.grid.as_ref().unwrap();
            assert!(g.walkable, "{name}");
            let (mut marked, mut walked) = (0, 0);
            let vertices = layer.features.iter().flat_map(|f| f.geometry.coords_iter());
            for (k, v) in vertices.step_by(5).enumerate() {
                // Near a vertex (not on it): in a marked cell, on either side.
                let (dx, dy) = (
                    (k % 7) as f64 * 1e-3 - 3.5e-3,
                    (k % 5) as f64 * 1e-3 - 2.5e-3,
                );
                let c = Coord {
                    x: v.x + dx,
                    y: v.y + dy,
                };
                let Some((fx, fy)) = g.subcell(c) else {
                    continue;
                };
                let v = g.cells[(fy / SUB) * g.nx + fx / SUB];
                if is_label(v) {
                    continue;
                }
                marked += 1;
                let m = &g.marked[(v & !MARKED) as usize];
                if let Some(found) = index.walk(g, m, (fx, fy), c) {
                    walked += 1;
                    assert_eq!(
                        found,
                        index.exact(g, m, (fx % SUB, fy % SUB), c),
                        "{name} {c:?}"
                    );
                }
            }
            assert!(marked > 1000, "{name}: {marked}");
            assert!(walked * 100 >= marked * 95, "{name}: {walked} of {marked}");
        }
    }

    /// Overlapping features (a region held by two) leave the walk unused:
    /// the winding numbers at an unmarked cell are not all known.
    #[test]
    fn overlapping_features_are_not_walked() {
        let square = |x: f64, r: f64| {
            let (a, b, c, d) = (x - r, 30.0 - r, x + r, 30.0 + r);
            format!(
                r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{a},{b}],[{c},{b}],[{c},{d}],[{a},{d}],[{a},{b}]]]}}}}"#
            )
        };
        let text = |features: &[String]| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                features.join(",")
            )
        };
        let apart = Layer::from_geojson_str(
            "t",
            "synthetic",
            &text(&[square(70.0, 1.0), square(73.0, 1.0)]),
        )
        .unwrap();
        assert!(PolygonIndex::new(&apart).grid.unwrap().walkable);
        let overlapping = Layer::from_geojson_str(
            "t",
            "synthetic",
            &text(&[square(70.0, 1.0), square(70.5, 1.0)]),
        )
        .unwrap();
        let index = PolygonIndex::new(&overlapping);
        assert!(!index.grid.as_ref().unwrap().walkable);
        assert_eq!(index.locate(Coord { x: 70.6, y: 30.2 }), Some(0));
        assert_eq!(index.locate(Coord { x: 71.3, y: 30.2 }), Some(1));
    }
}
