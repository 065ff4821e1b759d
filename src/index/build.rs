//! Building the grid: filing every boundary segment under the cells its
//! box meets, and labelling the cells no boundary crosses.

use super::PolygonIndex;
use super::edge::Curved;
use super::grid::{
    BLOCK, BOUNDARY, Grid, MARKED, MAX_CELLS, Marked, OUTSIDE, SUB, block_values, is_label,
};
use geo::Coord;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU32;

/// A boundary segment as filed: the subcell ranges of its box, its
/// feature, its chord (x₀, y₀, x₁, y₁) and its curved part.
type Span<'a> = ([u32; 4], u32, [f64; 4], Option<&'a Curved>);

impl PolygonIndex {
    /// Every boundary segment of the layer, as subcell ranges `[x0, x1,
    /// y0, y1]` of its box (the lune's box for a curved edge), its feature,
    /// its chord and its curved part (worked out on every core).
    fn segment_spans(&self, g: &Grid) -> Vec<Span<'_>> {
        use rayon::prelude::*;
        let per_shape: Vec<Vec<Span<'_>>> = self
            .shapes
            .par_iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i as u32, s.as_ref()?)))
            .map(|(i, s)| {
                let mut spans = Vec::new();
                s.for_each_edge(|a, b, curved| {
                    let [bx0, by0, bx1, by1] = match curved {
                        Some(cv) => cv.lune,
                        None => [a.x, a.y, b.x, b.y],
                    };
                    let (x0, x1) = g.span(bx0, bx1, g.x0, g.nx);
                    let (y0, y1) = g.span(by0, by1, g.y0, g.ny);
                    spans.push((
                        [x0, x1, y0, y1].map(|v| v as u32),
                        i,
                        [a.x, a.y, b.x, b.y],
                        curved,
                    ));
                });
                spans
            })
            .collect();
        per_shape.concat()
    }

    pub(super) fn build_grid(&self) -> Option<Grid> {
        let env = self.tree.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        if !(w > 0.0 && h > 0.0) || self.shapes.len() >= MARKED as usize {
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
            curved: Vec::new(),
            cell_curved: Vec::new(),
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
        // The curved edges of each cell (few: a cell's share of the layer's
        // long edges), by their index among the curved.
        let mut curved: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
        let mut n_curved = 0u32;
        for (s, _, _, c) in &spans {
            for i in cells_of(*s) {
                count[i] += 1;
                if c.is_some() {
                    curved.entry(i).or_default().push(n_curved);
                }
            }
            n_curved += u32::from(c.is_some());
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
                    curved: match curved.get(&i) {
                        Some(list) => {
                            let from = g.cell_curved.len() as u32;
                            g.cell_curved.extend(list);
                            from..g.cell_curved.len() as u32
                        }
                        None => 0..0,
                    },
                });
                total += n;
            }
        }
        let mut segments = vec![([0u8; 4], 0, 0); total as usize];
        for (k, &(s, feature, _, _)) in spans.iter().enumerate() {
            let line = k as u32;
            for i in cells_of(s) {
                let (x, y) = ((i % nx) as u32, (i / nx) as u32);
                let clip = |lo: u32, hi: u32, base: u32| {
                    let (a, b) = (lo.max(base * sub), hi.min(base * sub + sub - 1));
                    ((a - base * sub) as u8, (b - base * sub) as u8)
                };
                let (ax, bx) = clip(s[0], s[1], x);
                let (ay, by) = clip(s[2], s[3], y);
                segments[start[i] as usize] = ([ax, bx, ay, by], feature, line);
                start[i] += 1;
            }
        }
        g.segments = segments;
        g.curved = spans
            .iter()
            .enumerate()
            .filter_map(|(k, (_, _, _, curved))| Some((k as u32, *(*curved)?)))
            .collect();
        g.lines = spans.into_iter().map(|(_, _, l, _)| l).collect();
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
}
