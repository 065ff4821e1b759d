//! Cleaning and repairing polygons decoded from the topology.
//!
//! Two defects occur in the raw district topology, both from clipping the
//! districts to the OpenStreetMap coastline and re-quantizing:
//! - degenerate rings: tiny islands collapsed to one or two distinct points
//!   (zero area). They are dropped; no area is lost.
//! - invalid polygons (self-touching or self-crossing rings, parts
//!   overlapping by a few square metres) in four coastal districts: Gwadar,
//!   Lasbela, Karachi South and Malir. They are repaired, never dropped, by a
//!   non-zero-winding union of the polygon with itself (i_overlay through
//!   geo's boolean operations), after which every vertex that the union only
//!   nudged (by less than [`SNAP_DEGREES`]) is put back on the original vertex,
//!   so that the boundary stays identical to its neighbour's.

use crate::error::{Error, Result};
use geo::algorithm::bool_ops::FillRule;
use geo::orient::Direction;
use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Orient, Polygon, Validation};
use rstar::RTree;

/// A vertex of the repaired polygon this close (in degrees, about 1 mm) to an
/// original vertex is put back exactly on it.
pub const SNAP_DEGREES: f64 = 1e-8;

/// What cleaning did to one unit.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Repair {
    /// Rings dropped because they have fewer than three distinct points or
    /// zero area.
    pub degenerate_rings: usize,
    /// Why the polygon was invalid before repair, if it was.
    pub invalid_reason: Option<String>,
}

/// Drop repeated consecutive points and close the ring. `None` if fewer than
/// three distinct points or no area remain.
pub fn clean_ring(points: &[Coord]) -> Option<LineString> {
    let mut out: Vec<Coord> = Vec::with_capacity(points.len() + 1);
    for &p in points {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return None;
    }
    out.push(out[0]);
    let ring = LineString::new(out);
    if Polygon::new(ring.clone(), vec![]).unsigned_area() == 0.0 {
        return None;
    }
    Some(ring)
}

/// Build a cleaned multipolygon from polygons given as rings of points
/// (first ring exterior, the rest holes), then repair it if invalid.
/// The result is valid and wound per RFC 7946 (exteriors counter-clockwise).
pub fn build(unit: &str, polygons: Vec<Vec<Vec<Coord>>>) -> Result<(MultiPolygon, Repair)> {
    let mut repair = Repair::default();
    let mut polys = Vec::new();
    for rings in polygons {
        let mut it = rings.iter();
        let Some(ext) = it.next() else { continue };
        let exterior = clean_ring(ext);
        let holes: Vec<LineString> = it
            .filter_map(|r| {
                let c = clean_ring(r);
                if c.is_none() {
                    repair.degenerate_rings += 1;
                }
                c
            })
            .collect();
        match exterior {
            Some(e) => polys.push(Polygon::new(e, holes)),
            None => repair.degenerate_rings += 1 + holes.len(),
        }
    }
    let mp = MultiPolygon::new(polys).orient(Direction::Default);
    if let Err(why) = mp.check_validation() {
        repair.invalid_reason = Some(why.to_string());
        let fixed = make_valid(&mp);
        if let Err(still) = fixed.check_validation() {
            return Err(Error::Build(format!(
                "{unit}: still invalid after repair: {still} (was: {why})"
            )));
        }
        return Ok((fixed, repair));
    }
    Ok((mp, repair))
}

/// Repair an invalid multipolygon: union under the non-zero winding rule,
/// then put nudged vertices back on the originals.
pub fn make_valid(mp: &MultiPolygon) -> MultiPolygon {
    let unioned = mp.union_with_fill_rule(&MultiPolygon::new(vec![]), FillRule::NonZero);
    snapped(&unioned, &[mp])
}

/// Cut `mp` back along the boundary of `other` where the two overlap: the
/// overlap is left to `other` alone. For a unit whose ring crossed the arc
/// it shares with a neighbour (so that, repaired, it reaches across that
/// arc), this takes the shared arc as the boundary between the two, as the
/// topology draws it. Vertices the cut only nudged are put back on the
/// originals of either unit, so the new boundary is the neighbour's. The
/// area given up is returned with the result.
///
/// # Units
/// Square metres (the area given up).
pub fn cut_back(mp: &MultiPolygon, other: &MultiPolygon) -> (MultiPolygon, f64) {
    let overlap = crate::geodesy::area_m2(&mp.intersection(other));
    if overlap <= 0.0 {
        return (mp.clone(), 0.0);
    }
    (snapped(&mp.difference(other), &[mp, other]), overlap)
}

/// `result` with every vertex within [`SNAP_DEGREES`] of a vertex of the
/// `originals` put back on it, rings cleaned, and wound per RFC 7946.
fn snapped(result: &MultiPolygon, originals: &[&MultiPolygon]) -> MultiPolygon {
    let originals: RTree<[f64; 2]> = RTree::bulk_load(
        originals
            .iter()
            .flat_map(|mp| &mp.0)
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|r| r.0.iter().map(|c| [c.x, c.y]))
            .collect(),
    );
    let snap = |r: &LineString| -> Option<LineString> {
        let pts: Vec<Coord> =
            r.0.iter()
                .map(|c| match originals.nearest_neighbor(&[c.x, c.y]) {
                    Some(o) if (o[0] - c.x).hypot(o[1] - c.y) < SNAP_DEGREES => {
                        Coord { x: o[0], y: o[1] }
                    }
                    _ => *c,
                })
                .collect();
        clean_ring(&pts)
    };
    let polys = result
        .0
        .iter()
        .filter_map(|p| {
            let ext = snap(p.exterior())?;
            Some(Polygon::new(
                ext,
                p.interiors().iter().filter_map(snap).collect(),
            ))
        })
        .collect();
    MultiPolygon::new(polys).orient(Direction::Default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn degenerate_rings_are_dropped() {
        let square = vec![c(0., 0.), c(1., 0.), c(1., 1.), c(0., 1.), c(0., 0.)];
        let dot = vec![c(5., 5.), c(5., 5.)];
        let (mp, r) = build("t", vec![vec![square], vec![dot]]).unwrap();
        assert_eq!(mp.0.len(), 1);
        assert_eq!(r.degenerate_rings, 1);
        assert!(r.invalid_reason.is_none());
    }

    /// A square whose ring reaches across the edge it shares with its
    /// neighbour is cut back to that edge; the neighbour is untouched.
    #[test]
    fn an_overlap_is_cut_back_along_the_neighbours_boundary() {
        let left = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(0., 0.), (1.1, 0.), (1.1, 1.), (0., 1.), (0., 0.)]),
            vec![],
        )]);
        let right = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(1., 0.), (2., 0.), (2., 1.), (1., 1.), (1., 0.)]),
            vec![],
        )]);
        let (cut, gave_up) = cut_back(&left, &right);
        // A tenth of a square degree at the equator, about 1,230 km².
        assert!((gave_up / 1e6 - 1_230.0).abs() < 5.0, "{gave_up}");
        assert!(cut.is_valid());
        assert!((cut.unsigned_area() - 1.0).abs() < 1e-12);
        assert_eq!(crate::geodesy::area_m2(&cut.intersection(&right)), 0.0);
        // The cut runs along the neighbour's vertices.
        assert!(cut.0[0].exterior().0.contains(&c(1., 1.)));
        assert_eq!(cut_back(&right, &MultiPolygon::new(vec![])).1, 0.0);
    }

    #[test]
    fn self_touching_ring_is_repaired_without_losing_area() {
        // Two squares joined at one vertex, drawn as one ring: invalid.
        let ring = vec![
            c(0., 0.),
            c(1., 0.),
            c(1., 1.),
            c(2., 1.),
            c(2., 2.),
            c(1., 2.),
            c(1., 1.),
            c(0., 1.),
            c(0., 0.),
        ];
        let (mp, r) = build("t", vec![vec![ring]]).unwrap();
        assert!(r.invalid_reason.is_some());
        assert!(mp.is_valid());
        assert!((mp.unsigned_area() - 2.0).abs() < 1e-12);
        // The original vertices are kept exactly.
        assert!(mp.0.iter().any(|p| p.exterior().0.contains(&c(2., 2.))));
    }
}
