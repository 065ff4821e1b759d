//! Spatial index over a polygon layer for point-in-polygon queries.
//!
//! An R-tree of feature envelopes finds the candidates for a point; each
//! candidate polygon is prepared once as geo's
//! [`IntervalTreeMultiPolygon`](geo::algorithm::indexed::IntervalTreeMultiPolygon),
//! so the cost of a test does not grow with the polygon's vertex count.
//!
//! # Boundary rule
//! A point strictly inside a feature belongs to it. A point exactly on a
//! boundary shared by several features (including a vertex) belongs to the
//! one that comes first in the layer's file order. So every point of the
//! layer's union belongs to exactly one feature.

use crate::layer::Layer;
use geo::algorithm::indexed::IntervalTreeMultiPolygon;
use geo::{BoundingRect, Contains, Coord, Geometry, Intersects, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// A prepared polygon layer.
pub struct PolygonIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    prepared: Vec<Option<(IntervalTreeMultiPolygon<f64>, MultiPolygon)>>,
    grid: Option<Grid>,
}

/// A grid over the layer: cells no boundary passes through are answered
/// by one lookup, the rest by the exact test.
///
/// Every cell whose box meets the box of a boundary segment is marked; the
/// unmarked cells fall into connected regions that no boundary crosses, so
/// every point of a region has the same answer, found once with the exact
/// test at one cell's centre.
struct Grid {
    x0: f64,
    y0: f64,
    step: f64,
    nx: usize,
    ny: usize,
    /// Per cell: a feature index, [`OUTSIDE`], or [`BOUNDARY`].
    cells: Vec<u32>,
}

const OUTSIDE: u32 = u32::MAX;
const BOUNDARY: u32 = u32::MAX - 1;
/// Largest number of cells a grid may have.
const MAX_CELLS: f64 = 250_000.0;

impl Grid {
    fn cell(&self, c: Coord) -> Option<usize> {
        let fx = ((c.x - self.x0) / self.step).floor();
        let fy = ((c.y - self.y0) / self.step).floor();
        if fx < 0.0 || fy < 0.0 || fx >= self.nx as f64 || fy >= self.ny as f64 {
            return None;
        }
        Some(fy as usize * self.nx + fx as usize)
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

impl PolygonIndex {
    /// Index the polygon features of `layer` (other geometries are skipped).
    pub fn new(layer: &Layer) -> Self {
        let mut entries = Vec::new();
        let mut prepared = Vec::with_capacity(layer.features.len());
        for (i, f) in layer.features.iter().enumerate() {
            let mp = as_multipolygon(&f.geometry);
            if let Some(rect) = mp.as_ref().and_then(|m| m.bounding_rect()) {
                let (lo, hi) = (rect.min(), rect.max());
                entries.push(GeomWithData::new(
                    Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]),
                    i,
                ));
            }
            prepared.push(mp.map(|m| (IntervalTreeMultiPolygon::new(&m), m)));
        }
        let mut index = PolygonIndex {
            tree: RTree::bulk_load(entries),
            prepared,
            grid: None,
        };
        index.grid = index.build_grid();
        index
    }

    fn build_grid(&self) -> Option<Grid> {
        let env = self.tree.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        if !(w > 0.0 && h > 0.0) {
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
            step,
            nx,
            ny,
            cells: vec![OUTSIDE; nx * ny],
        };
        // Mark every cell under the box of a boundary segment.
        for (_, mp) in self.prepared.iter().flatten() {
            for p in &mp.0 {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for l in ring.lines() {
                        let cx =
                            |x: f64| (((x - g.x0) / step).floor().max(0.0) as usize).min(nx - 1);
                        let cy =
                            |y: f64| (((y - g.y0) / step).floor().max(0.0) as usize).min(ny - 1);
                        let (x0, x1) = (cx(l.start.x.min(l.end.x)), cx(l.start.x.max(l.end.x)));
                        let (y0, y1) = (cy(l.start.y.min(l.end.y)), cy(l.start.y.max(l.end.y)));
                        for y in y0..=y1 {
                            for x in x0..=x1 {
                                g.cells[y * nx + x] = BOUNDARY;
                            }
                        }
                    }
                }
            }
        }
        // Label each connected region of unmarked cells with the exact
        // answer at one of its cells' centres.
        let mut seen = vec![false; nx * ny];
        let mut stack = Vec::new();
        for start in 0..nx * ny {
            if seen[start] || g.cells[start] == BOUNDARY {
                continue;
            }
            let centre = Coord {
                x: g.x0 + ((start % nx) as f64 + 0.5) * step,
                y: g.y0 + ((start / nx) as f64 + 0.5) * step,
            };
            let label = self.locate_exact(centre).map_or(OUTSIDE, |i| i as u32);
            stack.push(start);
            seen[start] = true;
            while let Some(i) = stack.pop() {
                g.cells[i] = label;
                let (x, y) = (i % nx, i / nx);
                let mut visit = |j: usize| {
                    if !seen[j] && g.cells[j] != BOUNDARY {
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
        Some(g)
    }

    /// Whether feature `i` contains `c` or has it on its boundary (false for
    /// features that are not polygons).
    pub fn contains(&self, i: usize, c: Coord) -> bool {
        match self.prepared.get(i) {
            Some(Some((it, mp))) => it.contains(&c) || mp.intersects(&c),
            _ => false,
        }
    }

    /// Every feature that contains `c` or has it on its boundary, in file order.
    pub fn all_containing(&self, c: Coord) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([c.x, c.y]))
            .map(|e| e.data)
            .filter(|&i| self.contains(i, c))
            .collect();
        v.sort_unstable();
        v
    }

    /// Index of the feature that contains `c` (lon/lat degrees), by the
    /// boundary rule in the module docs; `None` outside every feature.
    pub fn locate(&self, c: Coord) -> Option<usize> {
        if let Some(g) = &self.grid
            && let Some(i) = g.cell(c)
        {
            match g.cells[i] {
                BOUNDARY => {}
                OUTSIDE => return None,
                f => return Some(f as usize),
            }
        } else if self.grid.is_some() {
            return None; // outside the layer's box
        }
        self.locate_exact(c)
    }

    /// [`PolygonIndex::locate`] without the grid.
    fn locate_exact(&self, c: Coord) -> Option<usize> {
        let envelope = AABB::from_point([c.x, c.y]);
        let candidates = || self.tree.locate_in_envelope_intersecting(&envelope);
        let mut inside: Option<usize> = None;
        for e in candidates() {
            let i = e.data;
            if inside.is_none_or(|b| i < b)
                && let Some((it, _)) = &self.prepared[i]
                && it.contains(&c)
            {
                inside = Some(i);
            }
        }
        if inside.is_some() {
            return inside;
        }
        // Not strictly inside any: on the boundary of one or more?
        candidates()
            .map(|e| e.data)
            .filter(|&i| {
                self.prepared[i]
                    .as_ref()
                    .is_some_and(|(_, mp)| mp.intersects(&c))
            })
            .min()
    }
}
