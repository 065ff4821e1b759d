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
        PolygonIndex {
            tree: RTree::bulk_load(entries),
            prepared,
        }
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
