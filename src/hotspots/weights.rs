//! Which areas are neighbours: by shared boundaries (queen: a corner is
//! enough; rook: a stretch of edge), or by geodesic distance between the
//! areas' centres (the K nearest, or all within a distance).
//!
//! Contiguity compares vertices exactly, as PySAL's libpysal does: the
//! built-in layers come from one topology, so neighbouring districts share
//! their boundary vertices bit for bit.

use crate::geodesy;
use geo::{Coord, Geometry};
use rayon::prelude::*;
use std::collections::HashMap;

/// How neighbours are found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Weights {
    /// Areas sharing at least one boundary point.
    Queen,
    /// Areas sharing at least one boundary edge.
    Rook,
    /// The K areas with the nearest centres (geodesic).
    Knn(usize),
    /// Every area whose centre is within this many km (geodesic).
    Distance(f64),
}

impl std::str::FromStr for Weights {
    type Err = String;

    /// `queen`, `rook`, `knn:K` or `distance:D` (`distance:25`,
    /// `distance:25km`, `distance:500m`, `distance:10mi`: a bare number is km).
    fn from_str(s: &str) -> Result<Weights, String> {
        let bad = || {
            format!(
                "{s:?} is not queen, rook, knn:K (e.g. knn:6) or distance:D (e.g. distance:50km)"
            )
        };
        match s.split_once(':') {
            None if s.eq_ignore_ascii_case("queen") => Ok(Weights::Queen),
            None if s.eq_ignore_ascii_case("rook") => Ok(Weights::Rook),
            Some((k, n)) if k.eq_ignore_ascii_case("knn") => match n.trim().parse::<usize>() {
                Ok(k) if k > 0 => Ok(Weights::Knn(k)),
                _ => Err(bad()),
            },
            Some((k, d)) if k.eq_ignore_ascii_case("distance") => {
                match crate::units::parse_distance(d) {
                    Ok(m) if m > 0.0 => Ok(Weights::Distance(m / 1000.0)),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Weights::Queen => write!(f, "queen"),
            Weights::Rook => write!(f, "rook"),
            Weights::Knn(k) => write!(f, "knn:{k}"),
            Weights::Distance(d) => write!(f, "distance:{d}km"),
        }
    }
}

/// A point's exact bits.
type Key = (u64, u64);

fn key(c: Coord) -> Key {
    // -0.0 and 0.0 are the same point.
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

fn rings(g: &Geometry) -> Vec<&geo::LineString> {
    match g {
        Geometry::Polygon(p) => std::iter::once(p.exterior()).chain(p.interiors()).collect(),
        Geometry::MultiPolygon(m) => m
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Neighbours by shared boundaries: a shared vertex (queen) or a shared
/// edge, its two ends in either order (rook).
pub fn contiguity(areas: &[&Geometry], rook: bool) -> Vec<Vec<usize>> {
    let mut at: HashMap<(Key, Key), Vec<usize>> = HashMap::new();
    for (i, g) in areas.iter().enumerate() {
        for ring in rings(g) {
            if rook {
                for l in ring.lines() {
                    let (a, b) = (key(l.start), key(l.end));
                    if a != b {
                        at.entry((a.min(b), a.max(b))).or_default().push(i);
                    }
                }
            } else {
                for c in ring.coords() {
                    at.entry((key(*c), (0, 0))).or_default().push(i);
                }
            }
        }
    }
    let mut out = vec![Vec::new(); areas.len()];
    for owners in at.values() {
        for &a in owners {
            for &b in owners {
                if a != b {
                    out[a].push(b);
                }
            }
        }
    }
    for n in &mut out {
        n.sort_unstable();
        n.dedup();
    }
    out
}

/// The great-circle distance on a sphere of the mean radius, within 0.6%
/// of the geodesic (a cheap first test before the exact one).
fn spherical_km(a: Coord, b: Coord) -> f64 {
    let (p1, p2) = (a.y.to_radians(), b.y.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.x - a.x).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().min(1.0).asin()
}

/// The spherical distance's relative error bound against the geodesic,
/// with room to spare.
const SPHERE_SLACK: f64 = 0.02;

/// Neighbours by geodesic distance between `centres`: the `k` nearest
/// (ties to the lower index) or all within `km`. Queen and rook need the
/// areas' shapes: see [`contiguity`].
pub fn by_distance(centres: &[Coord], w: Weights) -> Vec<Vec<usize>> {
    let n = centres.len();
    (0..n)
        .into_par_iter()
        .map(|i| {
            let sph: Vec<(f64, usize)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| (spherical_km(centres[i], centres[j]), j))
                .collect();
            let geo_km = |j: usize| geodesy::distance_m(centres[i], centres[j]) / 1000.0;
            match w {
                Weights::Distance(d) => sph
                    .iter()
                    .filter(|(s, _)| *s <= d * (1.0 + SPHERE_SLACK))
                    .map(|&(_, j)| j)
                    .filter(|&j| geo_km(j) <= d)
                    .collect(),
                Weights::Knn(k) => {
                    if sph.len() <= k {
                        return sph.iter().map(|&(_, j)| j).collect();
                    }
                    let mut s: Vec<f64> = sph.iter().map(|x| x.0).collect();
                    let (_, kth, _) = s.select_nth_unstable_by(k - 1, f64::total_cmp);
                    let bound = *kth * (1.0 + SPHERE_SLACK) / (1.0 - SPHERE_SLACK);
                    let mut cand: Vec<(f64, usize)> = sph
                        .iter()
                        .filter(|(s, _)| *s <= bound)
                        .map(|&(_, j)| (geo_km(j), j))
                        .collect();
                    cand.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    let mut out: Vec<usize> = cand[..k].iter().map(|x| x.1).collect();
                    out.sort_unstable();
                    out
                }
                Weights::Queen | Weights::Rook => unreachable!("contiguity is not by distance"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_read_from_text() {
        assert_eq!("queen".parse::<Weights>(), Ok(Weights::Queen));
        assert_eq!("knn:6".parse::<Weights>(), Ok(Weights::Knn(6)));
        assert_eq!(
            "distance:50km".parse::<Weights>(),
            Ok(Weights::Distance(50.0))
        );
        assert_eq!(
            "distance:50".parse::<Weights>(),
            Ok(Weights::Distance(50.0))
        );
        assert_eq!(
            "distance:500m".parse::<Weights>(),
            Ok(Weights::Distance(0.5))
        );
        assert!("distance:0".parse::<Weights>().is_err());
        assert!("knn:0".parse::<Weights>().is_err());
        assert!("bishop".parse::<Weights>().is_err());
    }

    /// The spherical first test never leaves out a pair the geodesic
    /// keeps: its error stays within the slack over the region and beyond.
    #[test]
    fn the_sphere_is_within_its_slack_of_the_geodesic() {
        let mut rng = crate::rng::Rng::new(3, 1);
        for _ in 0..5000 {
            let a = Coord {
                x: -180.0 + 360.0 * rng.f64(),
                y: -85.0 + 170.0 * rng.f64(),
            };
            let b = Coord {
                x: a.x + 30.0 * (rng.f64() - 0.5),
                y: (a.y + 30.0 * (rng.f64() - 0.5)).clamp(-89.0, 89.0),
            };
            let g = geodesy::distance_m(a, b) / 1000.0;
            let s = spherical_km(a, b);
            assert!(
                (s - g).abs() <= 0.006 * g + 1e-9,
                "{a:?} {b:?}: {s} against {g}"
            );
        }
    }
}
