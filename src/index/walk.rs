//! Answering a point of a marked cell: from the segments between it and
//! the next cell no boundary crosses, or by the exact test of the cell's
//! candidates; and splitting a busy cell into labelled subcells.

use super::PolygonIndex;
use super::grid::{BOUNDARY, Grid, Marked, OUTSIDE, SUB, is_label, label_regions};
use geo::Coord;

impl PolygonIndex {
    /// The features that can hold a point of marked cell `m` (see
    /// [`Marked::candidates`]).
    pub(super) fn candidates<'g>(&self, g: &'g Grid, m: &'g Marked) -> &'g [u32] {
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
    pub(super) fn exact(
        &self,
        g: &Grid,
        m: &Marked,
        (sx, sy): (usize, usize),
        c: Coord,
    ) -> Option<usize> {
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
    pub(super) fn walk(
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
    pub(super) fn split(&self, g: &Grid, m: &Marked) -> Box<[u32]> {
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
}
