//! What the distance queries share: the pieces of a layer they measure,
//! and the hits they answer with.

use crate::geodesy::Segment;
use geo::Coord;

/// Longest piece of a segment in the distance trees. The great-circle arc
/// between a piece's ends (taken as points on the sphere) strays from the
/// ellipsoid's geodesic by about e²·L²/(8R) at most, under 0.1 m for
/// 20 km, well inside the pruning margin; segments of user layers
/// thousands of km long would otherwise stray by tens of km.
///
/// # Units
/// Metres.
pub(super) const PIECE_M: f64 = 20_000.0;

/// A feature found near a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index of the feature in its layer.
    pub feature: usize,
    /// Geodesic distance, metres (0 inside a polygon).
    pub distance_m: f64,
    /// The nearest point of the feature (the query point itself inside a polygon).
    pub nearest: Coord,
}

/// A piece of a layer (at most [`PIECE_M`] long; a point is a piece from
/// itself to itself): its feature, its ends in lon/lat degrees and as unit
/// vectors of the sphere of geodetic latitudes.
#[derive(Debug)]
pub(super) struct Item {
    pub(super) feature: usize,
    pub(super) a: Coord,
    pub(super) b: Coord,
    pub(super) ua: [f64; 3],
    pub(super) ub: [f64; 3],
    /// The geodesic a–b with its length and azimuths, worked out the first
    /// time a query measures it (most pieces never are).
    pub(super) segment: std::sync::OnceLock<Segment>,
}
