//! One feature's polygons as the index holds them: in a longitude frame of
//! their own, oriented, with the edges whose chord may stray from their
//! geodesic picked out.
//!
//! **Frame.** A ring crossing the antimeridian is unwrapped: each vertex's
//! longitude is taken within 180° of the previous one's, so that the ring's
//! edges are the short way round and `[[170,10],[-170,10],[-170,20],[170,20]]`
//! becomes the 20°-wide box from 170° to 190°, not the 340°-wide band
//! between. Each polygon is then moved by 360° if need be so that its least
//! longitude is at least −180°; a query point is tested at its longitude
//! and, when the layer reaches past 180°, at its longitude plus 360°
//! ([`super::PolygonIndex`]).
//!
//! **Containment.** A point is inside when the northward meridian from it
//! crosses the polygon's edges an odd number of times (each edge counted
//! where it crosses, with its lower longitude in and its upper out). The
//! chords answer for every edge ([`geo`]'s interval tree of them, which
//! counts winding numbers: the same for the valid polygons read from files)
//! except near a [`Curved`] edge, where the point may lie between chord and
//! geodesic ([`Curved::may_differ`]) and the count is made edge by edge with
//! the geodesic ([`super::edge::crossing`]).

use super::edge::{Cross, Curved, crossing, is_straight};
use crate::layer::unwrapped as unwrap;
use geo::algorithm::indexed::IntervalTreeMultiPolygon;
use geo::{
    BoundingRect, Contains, Coord, Geometry, Intersects, LineString, MultiPolygon, Polygon, Winding,
};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use std::sync::OnceLock;

/// Where a point is relative to a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Inside,
    Boundary,
    Outside,
}

/// A curved edge and where it is: polygon, ring (0 the exterior), edge.
#[derive(Debug, Clone, Copy)]
pub(super) struct CurvedEdge {
    pub at: (u32, u32, u32),
    pub edge: Curved,
}

/// A feature's polygons, framed and oriented, ready for containment tests.
pub(super) struct Shape {
    /// The polygons in the feature's frame, exteriors counter-clockwise and
    /// holes clockwise in longitude/latitude (what the grid's winding
    /// numbers count on).
    pub polygons: MultiPolygon,
    /// The chords' interval tree, made on first need.
    tree: OnceLock<IntervalTreeMultiPolygon<f64>>,
    /// The curved edges, in ring order.
    pub curved: Vec<CurvedEdge>,
    /// The curved edges' lune boxes, when there are many of them.
    lunes: Option<RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>>,
    /// The box holding every chord and geodesic edge: min lon, min lat, max
    /// lon, max lat, in the frame.
    pub bbox: [f64; 4],
}

/// Shapes with more curved edges than this find the lunes near a point
/// with an R-tree of their boxes.
const FEW_CURVED: usize = 8;

/// `ring` moved by a multiple of 360° of longitude (none when `by` is 0).
fn shifted(ring: Vec<Coord>, by: f64) -> LineString {
    if by == 0.0 {
        return LineString(ring);
    }
    LineString(
        ring.into_iter()
            .map(|c| Coord { x: c.x + by, ..c })
            .collect(),
    )
}

/// A polygon in its own frame (see the module docs), its exterior wound
/// counter-clockwise and its holes clockwise (winding numbers are counted,
/// so a hole must wind against its exterior, as RFC 7946 asks and as not
/// every file does).
fn framed(p: &Polygon) -> Polygon {
    let ext = unwrap(p.exterior());
    let (lo, hi) = ext
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
            (lo.min(c.x), hi.max(c.x))
        });
    let by = if lo < -180.0 { 360.0 } else { 0.0 };
    let middle = (lo + hi) / 2.0 + by;
    let holes = p
        .interiors()
        .iter()
        .map(|h| {
            let h = unwrap(h);
            let first = h.first().map_or(middle, |c| c.x);
            let k = ((middle - first) / 360.0).round();
            let mut h = shifted(h, 360.0 * k);
            h.make_cw_winding();
            h
        })
        .collect();
    let mut ext = shifted(ext, by);
    ext.make_ccw_winding();
    Polygon::new(ext, holes)
}

/// The rings of a polygon: the exterior, then the holes.
fn rings(p: &Polygon) -> impl Iterator<Item = &LineString> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

impl Shape {
    /// The feature's polygons, or `None` when it has none.
    pub fn new(g: &Geometry) -> Option<Shape> {
        let polygons = MultiPolygon::new(match g {
            Geometry::Polygon(p) => vec![framed(p)],
            Geometry::MultiPolygon(m) => m.0.iter().map(framed).collect(),
            Geometry::Rect(r) => vec![framed(&r.to_polygon())],
            Geometry::Triangle(t) => vec![framed(&t.to_polygon())],
            _ => return None,
        });
        let mut curved = Vec::new();
        for (pi, p) in polygons.0.iter().enumerate() {
            for (ri, ring) in rings(p).enumerate() {
                for (ei, l) in ring.lines().enumerate() {
                    if !is_straight(l.start, l.end) {
                        curved.push(CurvedEdge {
                            at: (pi as u32, ri as u32, ei as u32),
                            edge: Curved::new(l.start, l.end),
                        });
                    }
                }
            }
        }
        let rect = polygons.bounding_rect()?;
        let bbox = curved.iter().fold(
            [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
            |[x0, y0, x1, y1], e| {
                let [a, b, c, d] = e.edge.lune;
                [x0.min(a), y0.min(b), x1.max(c), y1.max(d)]
            },
        );
        let lunes = (curved.len() > FEW_CURVED).then(|| {
            RTree::bulk_load(
                curved
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let [x0, y0, x1, y1] = e.edge.lune;
                        GeomWithData::new(Rectangle::from_corners([x0, y0], [x1, y1]), i as u32)
                    })
                    .collect(),
            )
        });
        Some(Shape {
            polygons,
            tree: OnceLock::new(),
            curved,
            lunes,
            bbox,
        })
    }

    /// Call `f` with every edge, in ring order, and its curved part when
    /// it has one: (first vertex, second vertex, curved).
    pub fn for_each_edge<'a>(&'a self, mut f: impl FnMut(Coord, Coord, Option<&'a Curved>)) {
        let mut next = self.curved.iter().peekable();
        for (pi, p) in self.polygons.0.iter().enumerate() {
            for (ri, ring) in rings(p).enumerate() {
                if next
                    .peek()
                    .is_none_or(|e| e.at.0 != pi as u32 || e.at.1 != ri as u32)
                {
                    // No curved edge in this ring.
                    ring.lines().for_each(|l| f(l.start, l.end, None));
                    continue;
                }
                for (ei, l) in ring.lines().enumerate() {
                    let at = (pi as u32, ri as u32, ei as u32);
                    f(
                        l.start,
                        l.end,
                        next.next_if(|e| e.at == at).map(|e| &e.edge),
                    );
                }
            }
        }
    }

    /// Make the chords' interval tree now.
    pub fn prepare(&self) {
        self.tree();
    }

    fn tree(&self) -> &IntervalTreeMultiPolygon<f64> {
        self.tree
            .get_or_init(|| IntervalTreeMultiPolygon::new(&self.polygons))
    }

    /// Whether `c` lies in the lune of a curved edge, or on its chord or
    /// geodesic ([`Curved::differs`]): where the chords cannot answer for
    /// it.
    fn in_a_lune(&self, c: Coord) -> bool {
        let differs = |e: &CurvedEdge| e.edge.may_differ(c) && e.edge.differs(c);
        match &self.lunes {
            Some(tree) => tree
                .locate_all_at_point(&[c.x, c.y])
                .any(|e| differs(&self.curved[e.data as usize])),
            None => self.curved.iter().any(differs),
        }
    }

    /// Whether `c` (in the frame) is strictly inside.
    pub fn inside(&self, c: Coord) -> bool {
        if self.in_a_lune(c) {
            return self.position(c) == Position::Inside;
        }
        self.tree().contains(&c)
    }

    /// Whether `c` (in the frame) is inside or on the boundary.
    pub fn contains(&self, c: Coord) -> bool {
        if self.in_a_lune(c) {
            return self.position(c) != Position::Outside;
        }
        self.tree().contains(&c) || self.polygons.intersects(&c)
    }

    /// Where `c` is, counted edge by edge (see the module docs): inside
    /// when inside some polygon and on none of its rings.
    fn position(&self, c: Coord) -> Position {
        let mut next = self.curved.iter().peekable();
        let mut on_some = false;
        for (pi, p) in self.polygons.0.iter().enumerate() {
            let (mut odd, mut on) = (false, false);
            for (ri, ring) in rings(p).enumerate() {
                for (ei, l) in ring.lines().enumerate() {
                    let at = (pi as u32, ri as u32, ei as u32);
                    let curved = next.next_if(|e| e.at == at).map(|e| &e.edge);
                    match crossing(l.start, l.end, curved, c) {
                        Cross::On => on = true,
                        Cross::North => odd = !odd,
                        Cross::No => {}
                    }
                }
            }
            if odd && !on {
                return Position::Inside;
            }
            on_some |= on;
        }
        if on_some {
            Position::Boundary
        } else {
            Position::Outside
        }
    }
}
