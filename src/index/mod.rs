//! Spatial index over a polygon layer for point-in-polygon queries.
//!
//! # Geometry
//! A polygon's edges are geodesics on the WGS84 ellipsoid, as its
//! distances and areas are ([`crate::geodesy`]; `docs/distances.md` has the
//! whole definition): a ring across the antimeridian bounds the small
//! region across it, either winding is accepted, and containment agrees
//! with the distance index (0 inside) and with [`crate::geodesy::area_m2`].
//! The straight line in longitude/latitude between two vertices (the
//! chord) stands in for the geodesic wherever the two cannot differ by
//! more than [`edge::CHORD_TOLERANCE_M`] ([`edge::chord_stray_bound_m`]):
//! every short edge of a real boundary. A longer edge is tested against
//! its geodesic, for points in the box of the lune between the two.
//!
//! # How a point is answered
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

mod build;
pub mod edge;
mod grid;
mod shape;
mod walk;

use crate::geodesy::WGS84_MERIDIAN_MIN;
use crate::layer::Layer;
use geo::Coord;
use grid::{BLOCK, BOUNDARY, Grid, MARKED, MIXED, OUTSIDE, SPLIT_AFTER, SUB, is_label};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use shape::Shape;
use std::f64::consts::FRAC_PI_2;
use std::sync::atomic::Ordering;

/// A prepared polygon layer.
///
/// ```
/// use frontier::{Catalogue, index::PolygonIndex};
/// use geo::Coord;
///
/// let districts = Catalogue::shared("districts")?;
/// let index = PolygonIndex::new(districts);
/// let peshawar = Coord { x: 71.547, y: 34.005 };
/// let i = index.locate(peshawar).expect("in a district");
/// assert_eq!(districts.features[i].name(), Some("Peshawar"));
/// # Ok::<(), frontier::Error>(())
/// ```
pub struct PolygonIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    /// Each feature's polygons in their frame, oriented, with their curved
    /// edges and (made on first need) their interval tree.
    shapes: Vec<Option<Shape>>,
    grid: Option<Grid>,
    /// The greatest longitude of the layer in its frames, when past 180°
    /// (a feature across the antimeridian): points there are also tested
    /// 360° east.
    wraps: Option<f64>,
}

impl PolygonIndex {
    /// Index the polygon features of `layer` (other geometries are skipped).
    pub fn new(layer: &Layer) -> Self {
        use rayon::prelude::*;
        let shapes: Vec<Option<Shape>> = layer
            .features
            .par_iter()
            .map(|f| Shape::new(&f.geometry))
            .collect();
        let entries = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let [x0, y0, x1, y1] = s.as_ref()?.bbox;
                Some(GeomWithData::new(
                    Rectangle::from_corners([x0, y0], [x1, y1]),
                    i,
                ))
            })
            .collect();
        let xmax = shapes
            .iter()
            .flatten()
            .map(|s| s.bbox[2])
            .fold(f64::NEG_INFINITY, f64::max);
        let mut index = PolygonIndex {
            tree: RTree::bulk_load(entries),
            shapes,
            grid: None,
            wraps: (xmax > 180.0).then_some(xmax),
        };
        index.grid = index.build_grid();
        index
    }

    /// Whether feature `i` contains `c` or has it on its boundary (false for
    /// features that are not polygons).
    pub fn contains(&self, i: usize, c: Coord) -> bool {
        let Some(Some(shape)) = self.shapes.get(i) else {
            return false;
        };
        shape.contains(c) || self.wrapped(c).is_some_and(|c| shape.contains(c))
    }

    /// Every feature that contains `c` or has it on its boundary, in file order.
    pub fn all_containing(&self, c: Coord) -> Vec<usize> {
        let framed = |c: Coord| {
            self.near(c)
                .filter(move |&i| self.shapes[i].as_ref().is_some_and(|s| s.contains(c)))
        };
        let mut v: Vec<usize> = framed(c).collect();
        if let Some(c) = self.wrapped(c) {
            v.extend(framed(c));
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Index of the feature that contains `c` (lon/lat degrees), by the
    /// boundary rule in the module docs; `None` outside every feature (and
    /// for a point that is not a number).
    #[inline]
    pub fn locate(&self, c: Coord) -> Option<usize> {
        if self.wraps.is_none() {
            return self.locate_framed(c);
        }
        self.locate_wrapped(c)
    }

    /// [`PolygonIndex::locate`] in a layer across the antimeridian: `c` is
    /// tried as it is and 360° east.
    #[cold]
    fn locate_wrapped(&self, c: Coord) -> Option<usize> {
        let found = self.locate_framed(c);
        let Some(east) = self.wrapped(c) else {
            return found;
        };
        match (found, self.locate_framed(east)) {
            (Some(f), Some(g)) if f != g => {
                // Held by one feature here and another 360° east: the one
                // holding it strictly inside first, then file order.
                [(f, c), (g, east)]
                    .into_iter()
                    .filter(|&(i, at)| self.inside(i, at))
                    .map(|(i, _)| i)
                    .min()
                    .or(Some(f.min(g)))
            }
            (f, g) => f.or(g),
        }
    }

    /// `c` 360° east, when the layer reaches that far (past 180°).
    fn wrapped(&self, c: Coord) -> Option<Coord> {
        let xmax = self.wraps?;
        let x = c.x + 360.0;
        (x <= xmax).then_some(Coord { x, y: c.y })
    }

    /// [`PolygonIndex::locate`] at `c` as it is, in the features' frames.
    fn locate_framed(&self, c: Coord) -> Option<usize> {
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
    /// longitude where its longitudes do not wrap, at a point a layer
    /// across the antimeridian also holds 360° east, near the poles). For a
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
        if c.x.abs() + 2.0 * cell_deg >= 180.0 || self.wrapped(c).is_some() {
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
        self.shapes.par_iter().flatten().for_each(Shape::prepare);
    }

    /// Whether feature `i` holds `c` (in its frame) strictly inside.
    fn inside(&self, i: usize, c: Coord) -> bool {
        matches!(self.shapes.get(i), Some(Some(s)) if s.inside(c))
    }

    /// Whether feature `i` holds `c` (in its frame) inside or on its
    /// boundary.
    fn holds(&self, i: usize, c: Coord) -> bool {
        matches!(self.shapes.get(i), Some(Some(s)) if s.contains(c))
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
        candidates().filter(|&i| self.holds(i, c)).min()
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
