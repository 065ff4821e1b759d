//! Counting pairs close in space and time for one assignment of dates to
//! the events: the observed dates, or a permutation of them.
//!
//! Each cube's events are sorted by day; a cube pair whose event pairs all
//! fall in one distance band is counted from the two sorted lists alone
//! (two pointers: how many pairs lie within x days, for each band's end),
//! and a mixed cube pair measures only the pairs within the longest time
//! band of each other.

use super::grid::{Grid, Kind};
use crate::rng::Rng;
use rayon::prelude::*;

/// Days (whole) of the time bands: band 0 is `[t₀, t₁]`, band k ≥ 1 is
/// `(tₖ, tₖ₊₁]`.
pub(crate) struct Days<'a>(pub &'a [i64]);

impl Days<'_> {
    fn band(&self, dt: i64) -> Option<usize> {
        let t = self.0;
        if dt < t[0] || dt > *t.last()? {
            return None;
        }
        Some(t[1..].partition_point(|&e| e < dt))
    }

    fn reach(&self) -> i64 {
        *self.0.last().expect("two ends")
    }
}

/// An event as the counting loops read it: its day first (the sort key),
/// its Earth-centred coordinates (so that measuring a candidate pair reads
/// memory in order), and its index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    day: i64,
    xyz: [f64; 3],
    event: u32,
}

/// Each cube's events sorted by day, for the events `keep` accepts, in
/// the grid's cube order.
pub(crate) struct Sorted {
    items: Vec<Item>,
    starts: Vec<u32>,
    /// Each event's day by its position in cube order, [`NONE`] for
    /// events not kept (for the grid's listed pairs).
    pos_day: Vec<i64>,
}

/// The day of an event not kept.
const NONE: i64 = i64::MIN;

/// The band of a candidate pair.
#[inline]
fn band(grid: &Grid, a: &Item, b: &Item) -> Option<usize> {
    let d = [
        a.xyz[0] - b.xyz[0],
        a.xyz[1] - b.xyz[1],
        a.xyz[2] - b.xyz[2],
    ];
    grid.band_of(d[0] * d[0] + d[1] * d[1] + d[2] * d[2], a.event, b.event)
}

impl Sorted {
    pub(crate) fn new(grid: &Grid, days: &[i64], keep: impl Fn(u32) -> bool) -> Sorted {
        let mut items = Vec::with_capacity(grid.order.len());
        let mut pos_day = vec![NONE; grid.order.len()];
        let mut starts = Vec::with_capacity(grid.starts.len());
        for c in 0..grid.starts.len() - 1 {
            starts.push(items.len() as u32);
            let first = items.len();
            for k in grid.cube(c as u32) {
                let e = grid.order[k];
                if keep(e) {
                    pos_day[k] = days[e as usize];
                    items.push(Item {
                        day: days[e as usize],
                        xyz: grid.sorted_xyz[k],
                        event: e,
                    });
                }
            }
            items[first..].sort_unstable_by_key(|i| i.day);
        }
        starts.push(items.len() as u32);
        Sorted {
            items,
            starts,
            pos_day,
        }
    }

    fn cube(&self, c: u32) -> &[Item] {
        &self.items[self.starts[c as usize] as usize..self.starts[c as usize + 1] as usize]
    }
}

/// #{(a, b) : |day a − day b| ≤ x} over two cubes.
fn within(sa: &[Item], sb: &[Item], x: i64) -> u64 {
    if x < 0 {
        return 0;
    }
    let (mut lo, mut hi, mut n) = (0, 0, 0u64);
    for &Item { day: d, .. } in sa {
        while lo < sb.len() && sb[lo].day < d - x {
            lo += 1;
        }
        while hi < sb.len() && sb[hi].day <= d + x {
            hi += 1;
        }
        n += (hi - lo) as u64;
    }
    n
}

/// #{i < j : day j − day i ≤ x} within one cube.
fn within_self(s: &[Item], x: i64) -> u64 {
    if x < 0 {
        return 0;
    }
    let (mut i, mut n) = (0, 0u64);
    for j in 0..s.len() {
        while s[j].day - s[i].day > x {
            i += 1;
        }
        n += (j - i) as u64;
    }
    n
}

/// #{(l, f) : day f − day l ≤ x}.
fn not_after(l: &[Item], f: &[Item], x: i64) -> u64 {
    let (mut p, mut n) = (0, 0u64);
    for &Item { day: d, .. } in l {
        while p < f.len() && f[p].day <= d + x {
            p += 1;
        }
        n += p as u64;
    }
    n
}

/// #{(l, f) : 0 < day f − day l ≤ x}.
fn after(l: &[Item], f: &[Item], x: i64) -> u64 {
    not_after(l, f, x) - not_after(l, f, 0)
}

/// Pairs per (distance band, time band), row-major by distance band.
pub(crate) fn table(grid: &Grid, s: &Sorted, space_bands: usize, time: &Days) -> Vec<u64> {
    let nt = time.0.len() - 1;
    let size = space_bands * nt;
    let listed = grid
        .listed
        .par_iter()
        .zip(&grid.listed_band)
        .fold(
            || vec![0u64; size],
            |mut acc, (&(x, y), &sp)| {
                let (a, b) = (s.pos_day[x as usize], s.pos_day[y as usize]);
                if a != NONE
                    && b != NONE
                    && let Some(t) = time.band((a - b).abs())
                {
                    acc[sp as usize * nt + t] += 1;
                }
                acc
            },
        )
        .reduce(|| vec![0u64; size], add);
    // C(x) at each end: band 0 is C(t₁) − C(t₀ − 1), band k is
    // C(tₖ₊₁) − C(tₖ).
    let ends = time.0;
    let tmax = time.reach();
    let cubes = grid
        .pairs
        .par_iter()
        .fold(
            || vec![0u64; size],
            |mut acc, &(a, b, k)| {
                let (sa, sb) = (s.cube(a), s.cube(b));
                match Grid::kind(k) {
                    Kind::Whole(sp) => {
                        let c = |x: i64| {
                            if a == b {
                                within_self(sa, x)
                            } else {
                                within(sa, sb, x)
                            }
                        };
                        let mut prev = c(ends[0] - 1);
                        for t in 0..nt {
                            let now = c(ends[t + 1]);
                            acc[sp * nt + t] += now - prev;
                            prev = now;
                        }
                    }
                    Kind::Mixed => {
                        let mut lo = 0;
                        for (x, ia) in sa.iter().enumerate() {
                            let d = ia.day;
                            let ys = if a == b {
                                &sb[x + 1..]
                            } else {
                                while lo < sb.len() && sb[lo].day < d - tmax {
                                    lo += 1;
                                }
                                &sb[lo..]
                            };
                            for ib in ys {
                                let d2 = ib.day;
                                if d2 - d > tmax {
                                    break;
                                }
                                if let Some(t) = time.band((d2 - d).abs())
                                    && let Some(sp) = band(grid, ia, ib)
                                {
                                    acc[sp * nt + t] += 1;
                                }
                            }
                        }
                    }
                }
                acc
            },
        )
        .reduce(|| vec![0u64; size], add);
    add(cubes, listed)
}

fn add(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
    a
}

/// Directed pairs within the grid's one distance band: (lead event, then a
/// follow event 0 < Δ ≤ `days` later) and (follow, then lead).
pub(crate) fn directed(grid: &Grid, lead: &Sorted, follow: &Sorted, days: i64) -> [u64; 2] {
    let count = |l: &Sorted, f: &Sorted| -> u64 {
        grid.pairs
            .par_iter()
            .map(|&(a, b, k)| {
                let one = |la: &[Item], fb: &[Item]| -> u64 {
                    match Grid::kind(k) {
                        Kind::Whole(_) => after(la, fb, days),
                        Kind::Mixed => {
                            let mut n = 0;
                            let mut lo = 0;
                            for ia in la {
                                let d = ia.day;
                                while lo < fb.len() && fb[lo].day <= d {
                                    lo += 1;
                                }
                                for ib in &fb[lo..] {
                                    if ib.day - d > days {
                                        break;
                                    }
                                    n += u64::from(band(grid, ia, ib).is_some());
                                }
                            }
                            n
                        }
                    }
                };
                if a == b {
                    one(l.cube(a), f.cube(a))
                } else {
                    one(l.cube(a), f.cube(b)) + one(l.cube(b), f.cube(a))
                }
            })
            .sum()
    };
    // Listed pairs: the first of each direction's two events is day x.
    let listed = |l: &Sorted, f: &Sorted| -> u64 {
        let one =
            |dl: i64, df: i64| u64::from(dl != NONE && df != NONE && df > dl && df - dl <= days);
        grid.listed
            .par_iter()
            .map(|&(x, y)| {
                let (x, y) = (x as usize, y as usize);
                one(l.pos_day[x], f.pos_day[y]) + one(l.pos_day[y], f.pos_day[x])
            })
            .sum()
    };
    [
        count(lead, follow) + listed(lead, follow),
        count(follow, lead) + listed(follow, lead),
    ]
}

/// Pairs of events within `x` days of each other, whatever their places.
pub(crate) fn pairs_within_days(days: &[i64], x: i64) -> u64 {
    let mut s: Vec<Item> = days
        .iter()
        .map(|&day| Item {
            day,
            xyz: [0.0; 3],
            event: 0,
        })
        .collect();
    s.sort_unstable_by_key(|i| i.day);
    within_self(&s, x)
}

/// The dates shuffled over the events: permutation `p` of the test
/// (Fisher–Yates from `seed` and `p`, so a permutation does not depend on
/// the number of threads).
pub(crate) fn permuted(days: &[i64], seed: u64, p: usize) -> Vec<i64> {
    let mut rng = Rng::new(seed, p as u64 + 1);
    let mut v = days.to_vec();
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy;
    use crate::spacetime::grid::Ends;
    use geo::Coord;

    fn events(n: usize, seed: u64) -> (Vec<Coord>, Vec<i64>) {
        let mut rng = Rng::new(seed, 0);
        let coords = (0..n)
            .map(|_| Coord {
                x: 70.0 + 0.1 * rng.normal(),
                y: 33.0 + 0.1 * rng.normal(),
            })
            .collect();
        let days = (0..n).map(|_| rng.below(200) as i64).collect();
        (coords, days)
    }

    /// The table and the directed counts through the grid equal brute force
    /// over every pair (GeographicLib distances).
    #[test]
    fn counts_match_brute_force() {
        let (coords, days) = events(700, 3);
        let space = Ends::new(vec![0.0, 2000.0, 5000.0, 12000.0]).unwrap();
        let time = [0i64, 7, 14, 30];
        let grid = Grid::new(coords.clone(), space.clone());
        let sorted = Sorted::new(&grid, &days, |_| true);
        let got = table(&grid, &sorted, 3, &Days(&time));
        let mut want = vec![0u64; 9];
        let tb = Days(&time);
        let d = |i: usize, j: usize| geodesy::distance_m(coords[i], coords[j]);
        for i in 0..coords.len() {
            for j in i + 1..coords.len() {
                if let (Some(s), Some(t)) =
                    (space.band(d(i, j)), tb.band((days[i] - days[j]).abs()))
                {
                    want[s * 3 + t] += 1;
                }
            }
        }
        assert_eq!(got, want);

        // Lead: the first 300 events; follow: events 200..700.
        let one = Ends::new(vec![0.0, 8000.0]).unwrap();
        let grid = Grid::new(coords.clone(), one);
        let lead = Sorted::new(&grid, &days, |e| e < 300);
        let follow = Sorted::new(&grid, &days, |e| e >= 200);
        let got = directed(&grid, &lead, &follow, 10);
        let mut want = [0u64; 2];
        for i in 0..coords.len() {
            for j in 0..coords.len() {
                let dt = days[j] - days[i];
                if i == j || d(i, j) > 8000.0 || dt <= 0 || dt > 10 {
                    continue;
                }
                want[0] += u64::from(i < 300 && j >= 200);
                want[1] += u64::from(i >= 200 && j < 300);
            }
        }
        assert_eq!(got, want);
    }

    #[test]
    fn a_permutation_keeps_the_dates() {
        let days: Vec<i64> = (0..1000).map(|i| i % 37).collect();
        let mut p = permuted(&days, 5, 0);
        assert_ne!(p, days);
        p.sort_unstable();
        let mut d = days.clone();
        d.sort_unstable();
        assert_eq!(p, d);
        assert_eq!(permuted(&days, 5, 3), permuted(&days, 5, 3));
    }
}
