//! Deriving the Durand Line from the district topology.
//!
//! The Durand Line is not traced: it is the part of Pakistan's outer boundary
//! that faces Afghanistan.
//! 1. In the district topology an arc used by exactly one district lies on
//!    Pakistan's outer boundary (or the coast). Those arcs, in the direction
//!    their district uses them, chain head to tail into Pakistan's outline;
//!    the mainland outline is the longest chain.
//! 2. Each vertex of that outline is labelled with the neighbouring country
//!    whose silhouette boundary (its segments) is geodesically nearest, if it is within
//!    [`FACING_TOLERANCE_M`] (the silhouettes are quantized to roughly 0.5 km);
//!    coast vertices are far from every country and get no label.
//! 3. The Durand Line is the longest circular run of vertices labelled
//!    Afghanistan, plus at each end the next vertex if it too lies within
//!    tolerance of the Afghanistan silhouette (that vertex is the tripoint:
//!    it faces two countries and is nearer the other one), oriented from the
//!    Iran tripoint (south-west) to the China tripoint (north-east).

use crate::error::{Error, Result};
use crate::geodata::topojson::{TopoGeometry, Topology};
use crate::geodesy::point_segment_distance;
use geo::{Coord, LineString, MultiPolygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::collections::HashMap;

/// A vertex of Pakistan's outline is taken to face a neighbour when that
/// neighbour's silhouette boundary is this close.
pub const FACING_TOLERANCE_M: f64 = 5_000.0;

/// The derived line and what the derivation measured.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The line, from the Iran tripoint to the China tripoint.
    pub line: LineString,
    /// The largest distance from a vertex of the line to the Afghanistan
    /// silhouette boundary, in metres.
    pub max_offset_m: f64,
}

fn key(c: Coord) -> (u64, u64) {
    (c.x.to_bits(), c.y.to_bits())
}

/// Pakistan's outline rings: arcs used by one district, chained.
pub fn outline_rings(topo: &Topology, districts: &[TopoGeometry]) -> Vec<Vec<Coord>> {
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for d in districts {
        for poly in &d.polygons {
            for ring in poly {
                for &id in ring {
                    let i = if id >= 0 { id as usize } else { (!id) as usize };
                    *uses.entry(i).or_default() += 1;
                }
            }
        }
    }
    let mut outer: Vec<Vec<Coord>> = Vec::new();
    for d in districts {
        for poly in &d.polygons {
            for ring in poly {
                for &id in ring {
                    let i = if id >= 0 { id as usize } else { (!id) as usize };
                    if uses[&i] == 1 {
                        outer.push(topo.arc(id));
                    }
                }
            }
        }
    }
    let mut by_start: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, a) in outer.iter().enumerate() {
        by_start.entry(key(a[0])).or_default().push(i);
    }
    let mut used = vec![false; outer.len()];
    let mut rings = Vec::new();
    for start in 0..outer.len() {
        if used[start] {
            continue;
        }
        let mut ring: Vec<Coord> = Vec::new();
        let mut cur = start;
        loop {
            used[cur] = true;
            let a = &outer[cur];
            ring.extend(if ring.is_empty() { &a[..] } else { &a[1..] });
            let end = key(*a.last().expect("arcs have points"));
            match by_start
                .get(&end)
                .and_then(|v| v.iter().copied().find(|&j| !used[j]))
            {
                Some(next) => cur = next,
                None => break,
            }
        }
        rings.push(ring);
    }
    rings.sort_by_key(|r| std::cmp::Reverse(r.len()));
    rings
}

/// Derive the Durand Line. `neighbours` pairs an ISO 3166-1 alpha-3 code with
/// the country's silhouette; one of them must be `AFG`.
pub fn derive(
    topo: &Topology,
    districts: &[TopoGeometry],
    neighbours: &[(String, MultiPolygon)],
) -> Result<Derived> {
    let afg = neighbours
        .iter()
        .position(|(iso, _)| iso == "AFG")
        .ok_or_else(|| Error::Build("no Afghanistan (AFG) among the neighbours".into()))?;
    let mut segs = Vec::new();
    for (ci, (_, mp)) in neighbours.iter().enumerate() {
        for p in &mp.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                for l in r.lines() {
                    segs.push(GeomWithData::new(
                        rstar::primitives::Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                        ci,
                    ));
                }
            }
        }
    }
    let tree = RTree::bulk_load(segs);
    let rings = outline_rings(topo, districts);
    let mainland = rings
        .first()
        .ok_or_else(|| Error::Build("the district topology has no outer boundary".into()))?;
    // The ring is closed: drop the repeated last point for circular work.
    let ring = &mainland[..mainland.len() - 1];

    // Measure every vertex against its nearest silhouette segments. The
    // R-tree orders segments by lon/lat distance; the nearest 16 are measured
    // geodesically. A vertex is labelled with the nearest country within
    // tolerance; its distance to Afghanistan is kept too.
    let measured: Vec<(Option<usize>, f64)> = ring
        .iter()
        .map(|v| {
            let mut nearest: Option<(usize, f64)> = None;
            let mut to_afg = f64::INFINITY;
            for n in tree.nearest_neighbor_iter(&[v.x, v.y]).take(16) {
                let l = n.geom();
                let (d, _) = point_segment_distance(
                    *v,
                    Coord {
                        x: l.from[0],
                        y: l.from[1],
                    },
                    Coord {
                        x: l.to[0],
                        y: l.to[1],
                    },
                );
                if nearest.is_none_or(|(_, best)| d < best) {
                    nearest = Some((n.data, d));
                }
                if n.data == afg {
                    to_afg = to_afg.min(d);
                }
            }
            let label = nearest
                .filter(|(_, d)| *d <= FACING_TOLERANCE_M)
                .map(|(c, _)| c);
            (label, to_afg)
        })
        .collect();
    let n = ring.len();
    let is_afg = |i: usize| measured[i % n].0 == Some(afg);

    // Longest circular run of Afghanistan-facing vertices.
    let Some(anchor) = (0..n).find(|&i| !is_afg(i)) else {
        return Err(Error::Build(
            "every outline vertex faces Afghanistan: the neighbours do not fit".into(),
        ));
    };
    let (mut best_start, mut best_len) = (0, 0);
    let mut i = anchor + 1;
    while i <= anchor + n {
        if is_afg(i) {
            let s = i;
            while i <= anchor + n && is_afg(i) {
                i += 1;
            }
            if i - s > best_len {
                best_start = s;
                best_len = i - s;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        return Err(Error::Build(
            "no stretch of the outline faces Afghanistan".into(),
        ));
    }
    // The tripoints: the segment that leaves the run ends on a vertex that
    // faces the next country, and that vertex is the tripoint when it also
    // touches the Afghanistan silhouette. Take one more vertex at each end
    // when it lies within tolerance of Afghanistan.
    let (mut lo, mut hi) = (best_start + n, best_start + n + best_len); // [lo, hi)
    if measured[(lo - 1) % n].1 <= FACING_TOLERANCE_M {
        lo -= 1;
    }
    if measured[hi % n].1 <= FACING_TOLERANCE_M {
        hi += 1;
    }
    let idx: Vec<usize> = (lo..hi).map(|i| i % n).collect();
    let mut coords: Vec<Coord> = idx.iter().map(|&i| ring[i]).collect();
    let max_offset_m = idx.iter().map(|&i| measured[i].1).fold(0.0, f64::max);
    if coords[0].y > coords[coords.len() - 1].y {
        coords.reverse();
    }
    Ok(Derived {
        line: LineString::new(coords),
        max_offset_m,
    })
}
