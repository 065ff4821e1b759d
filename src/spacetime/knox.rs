//! Knox's test, the Near Repeat Calculator's table of bands, and the
//! directed lead–lag count, over events given as places and days.
//!
//! All three count pairs of events close in space (geodesic distance, see
//! [`super::grid`]) and in time (whole days), and compare the count with
//! what the same places would give if the dates were shuffled over the
//! events: each permutation draws a new order of the dates (Fisher–Yates,
//! seeded), the places and the pairs close in space stay as they are.
//!
//! # References
//! E. G. Knox (1964), *The detection of space-time interactions*, J. R.
//! Stat. Soc. C 13(1), 25–30. N. Mantel (1967), *The detection of disease
//! clustering and a generalized regression approach*, Cancer Research 27
//! (the permutation test). J. H. Ratcliffe (2009), *Near Repeat
//! Calculator* (version 1.3), Temple University (the table of bands).

use super::count::{self, Days, Sorted};
use super::events::{Condition, Events};
use super::grid::{Ends, Grid};
use crate::error::{Error, Result};
use rayon::prelude::*;

/// A test to run.
#[derive(Debug, Clone)]
pub enum Test {
    /// Knox's test: pairs within `space_m` metres and `days` days.
    Knox {
        /// Distance, metres (pairs at most this far apart are close).
        space_m: f64,
        /// Days (pairs at most this many days apart are close).
        days: u32,
    },
    /// The Near Repeat Calculator's table: every distance band by every
    /// time band (ends as in [`Ends`]: band 0 closed, the others open
    /// below and closed above).
    Bands {
        /// Ends of the distance bands, metres.
        space_m: Vec<f64>,
        /// Ends of the time bands, days.
        days: Vec<u32>,
    },
    /// Directed pairs: an event meeting `lead`, then one meeting `follow`
    /// 0 < Δ ≤ `days` later within `space_m`; and the other way round.
    LeadLag {
        /// The leading events.
        lead: Condition,
        /// The following events.
        follow: Condition,
        /// Distance, metres.
        space_m: f64,
        /// Days.
        days: u32,
    },
}

impl Test {
    /// The lead and follow conditions of a lead–lag test (each event is
    /// marked by them as it is read); None for the others.
    pub(crate) fn conditions(&self) -> Option<(&Condition, &Condition)> {
        match self {
            Test::LeadLag { lead, follow, .. } => Some((lead, follow)),
            _ => None,
        }
    }
}

/// Knox's test.
#[derive(Debug, Clone, PartialEq)]
pub struct Knox {
    /// Events tested.
    pub events: u64,
    /// Pairs of events, n(n − 1)/2.
    pub pairs: u64,
    /// Pairs at most the distance apart.
    pub pairs_close_space: u64,
    /// Pairs at most the days apart.
    pub pairs_close_time: u64,
    /// Pairs close in both: Knox's statistic.
    pub pairs_close_both: u64,
    /// pairs_close_space × pairs_close_time / pairs.
    pub expected: f64,
    /// Observed over expected.
    pub ratio: f64,
    /// P(X > observed) for X ~ Poisson(expected), as R's
    /// `surveillance::knox` gives it (`ppois(observed, expected,
    /// lower.tail = FALSE)`: strictly greater).
    pub p_poisson: f64,
    /// (1 + #{permutations with a count ≥ observed}) / (1 + permutations);
    /// `None` without permutations.
    pub p_sim: Option<f64>,
}

/// One cell of the Near Repeat table.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Distance band, metres (`from` is included only in the first band).
    pub space_from_m: f64,
    /// See `space_from_m` (included).
    pub space_to_m: f64,
    /// Time band, days (`from` is included only in the first band).
    pub time_from: u32,
    /// See `time_from` (included).
    pub time_to: u32,
    /// Pairs in both bands.
    pub observed: u64,
    /// The mean count over the permutations (`None` without them).
    pub expected: Option<f64>,
    /// Observed over expected.
    pub ratio: Option<f64>,
    /// (1 + #{permutations with a count ≥ observed}) / (1 + permutations).
    pub p_sim: Option<f64>,
}

/// One direction of a lead–lag test.
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    /// `lead -> follow`, with the conditions written out.
    pub direction: String,
    /// Directed pairs possible: first × second events, less those meeting
    /// both conditions (an event does not pair with itself).
    pub pairs: u64,
    /// Directed pairs within the distance, the second 0 < Δ ≤ days later.
    pub observed: u64,
    /// The mean count over the permutations.
    pub expected: Option<f64>,
    /// Observed over expected.
    pub ratio: Option<f64>,
    /// (1 + #{permutations with a count ≥ observed}) / (1 + permutations).
    pub p_sim: Option<f64>,
}

/// What a test found.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Knox's test.
    Knox(Knox),
    /// The Near Repeat table, distance band by distance band, time bands
    /// within each.
    Bands(Vec<Band>),
    /// Lead → follow first, follow → lead second.
    LeadLag(Vec<Direction>),
}

fn setting(message: String) -> Error {
    Error::Input {
        origin: "space-time test".into(),
        message,
    }
}

/// The longest distance a test may ask about.
///
/// # Units
/// Metres.
pub const MAX_SPACE_M: f64 = 1_000_000.0;

fn space_ends(v: Vec<f64>) -> Result<Ends> {
    if v.last().is_some_and(|&x| x > MAX_SPACE_M) {
        return Err(setting(format!(
            "distances up to {} km are tested; {} km asked",
            MAX_SPACE_M / 1000.0,
            v.last().unwrap_or(&0.0) / 1000.0
        )));
    }
    Ends::new(v).map_err(|e| setting(format!("distance bands: {e}")))
}

fn time_ends(v: &[u32]) -> Result<Vec<i64>> {
    Ends::new(v.iter().map(|&d| f64::from(d)).collect())
        .map_err(|e| setting(format!("time bands: {e}")))?;
    Ok(v.iter().map(|&d| i64::from(d)).collect())
}

/// `(1 + #{sims ≥ observed}) / (1 + sims)`.
fn p_sim(observed: u64, sims: impl Iterator<Item = u64>, n: usize) -> Option<f64> {
    (n > 0).then(|| (1 + sims.filter(|&s| s >= observed).count()) as f64 / (1 + n) as f64)
}

/// P(X > k) for X ~ Poisson(λ): the regularised lower incomplete gamma
/// function P(k + 1, λ).
pub fn poisson_upper(k: u64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    statrs::function::gamma::gamma_lr(k as f64 + 1.0, lambda)
}

/// Run `test` on `events` with `permutations` shuffles of the dates from
/// `seed`. The events must have places and days of the same length (and
/// lead and follow flags for a lead–lag test).
///
/// # Units
/// Distances in metres (geodesic on WGS84), times in whole days.
///
/// # Examples
/// Knox's test on four events, counted by hand: of the 6 pairs, 3 are
/// within 2 km (the three near Peshawar, 0.9 to 1.5 km apart), 3 within
/// 7 days, and 1 both; 1.5 expected, and P(X > 1) for X ~ Poisson(1.5) is
/// 0.4421746 (R: `ppois(1, 1.5, lower.tail = FALSE)`):
/// ```
/// use chrono::NaiveDate;
/// use frontier::spacetime::{Events, Outcome, Test, run};
/// use geo::Coord;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2021, m, d).unwrap();
/// let events = Events::new(
///     vec![
///         Coord { x: 71.50, y: 34.00 },
///         Coord { x: 71.51, y: 34.00 },
///         Coord { x: 71.50, y: 34.01 },
///         Coord { x: 66.99, y: 30.18 }, // Quetta
///     ],
///     &[day(1, 1), day(1, 3), day(3, 1), day(1, 2)],
/// );
/// let test = Test::Knox { space_m: 2_000.0, days: 7 };
/// let Outcome::Knox(k) = run(&events, &test, 0, 1)? else { unreachable!() };
/// assert_eq!((k.pairs, k.pairs_close_space, k.pairs_close_time), (6, 3, 3));
/// assert_eq!(k.pairs_close_both, 1);
/// assert_eq!(k.expected, 1.5);
/// assert!((k.p_poisson - 0.4421746).abs() < 1e-7);
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn run(events: &Events, test: &Test, permutations: usize, seed: u64) -> Result<Outcome> {
    let n = events.coords.len();
    if events.days.len() != n {
        return Err(setting(format!(
            "{n} places but {} days",
            events.days.len()
        )));
    }
    match test {
        Test::Knox { space_m, days } => {
            let grid = Grid::new(events.coords.clone(), space_ends(vec![0.0, *space_m])?);
            let ends = [0i64, i64::from(*days)];
            let count = |d: &[i64]| {
                count::table(&grid, &Sorted::new(&grid, d, |_| true), 1, &Days(&ends))[0]
            };
            let observed = count(&events.days);
            let sims: Vec<u64> = (0..permutations)
                .into_par_iter()
                .map(|p| count(&count::permuted(&events.days, seed, p)))
                .collect();
            let pairs = (n as u64) * (n as u64).saturating_sub(1) / 2;
            let close_space = grid.pairs_per_band()[0];
            let close_time = count::pairs_within_days(&events.days, i64::from(*days));
            let expected = if pairs == 0 {
                0.0
            } else {
                close_space as f64 / pairs as f64 * close_time as f64
            };
            Ok(Outcome::Knox(Knox {
                events: n as u64,
                pairs,
                pairs_close_space: close_space,
                pairs_close_time: close_time,
                pairs_close_both: observed,
                expected,
                ratio: observed as f64 / expected,
                p_poisson: poisson_upper(observed, expected),
                p_sim: p_sim(observed, sims.iter().copied(), permutations),
            }))
        }
        Test::Bands { space_m, days } => {
            let space = space_ends(space_m.clone())?;
            let time = time_ends(days)?;
            let ns = space.len();
            let nt = time.len() - 1;
            let grid = Grid::new(events.coords.clone(), space.clone());
            let count =
                |d: &[i64]| count::table(&grid, &Sorted::new(&grid, d, |_| true), ns, &Days(&time));
            let observed = count(&events.days);
            let sims: Vec<Vec<u64>> = (0..permutations)
                .into_par_iter()
                .map(|p| count(&count::permuted(&events.days, seed, p)))
                .collect();
            let e = space.ends();
            let mut rows = Vec::new();
            for s in 0..ns {
                for t in 0..nt {
                    let k = s * nt + t;
                    let mean = (permutations > 0).then(|| {
                        sims.iter().map(|v| v[k] as f64).sum::<f64>() / permutations as f64
                    });
                    rows.push(Band {
                        space_from_m: e[s],
                        space_to_m: e[s + 1],
                        time_from: days[t],
                        time_to: days[t + 1],
                        observed: observed[k],
                        expected: mean,
                        ratio: mean.map(|m| observed[k] as f64 / m),
                        p_sim: p_sim(observed[k], sims.iter().map(|v| v[k]), permutations),
                    });
                }
            }
            Ok(Outcome::Bands(rows))
        }
        Test::LeadLag {
            lead,
            follow,
            space_m,
            days,
        } => {
            if events.lead.len() != n || events.follow.len() != n {
                return Err(setting(
                    "a lead-lag test needs each event's lead and follow flags".into(),
                ));
            }
            if *days == 0 {
                return Err(setting(
                    "a lead-lag test counts follow events 0 < days later: give at least 1 day"
                        .into(),
                ));
            }
            // Only events meeting a condition are placed; the dates are
            // shuffled over all events.
            let sub: Vec<usize> = (0..n)
                .filter(|&i| events.lead[i] || events.follow[i])
                .collect();
            let coords = sub.iter().map(|&i| events.coords[i]).collect();
            let grid = Grid::new(coords, space_ends(vec![0.0, *space_m])?);
            let count = |all: &[i64]| -> [u64; 2] {
                let d: Vec<i64> = sub.iter().map(|&i| all[i]).collect();
                let l = Sorted::new(&grid, &d, |e| events.lead[sub[e as usize]]);
                let f = Sorted::new(&grid, &d, |e| events.follow[sub[e as usize]]);
                count::directed(&grid, &l, &f, i64::from(*days))
            };
            let observed = count(&events.days);
            let sims: Vec<[u64; 2]> = (0..permutations)
                .into_par_iter()
                .map(|p| count(&count::permuted(&events.days, seed, p)))
                .collect();
            let leads = events.lead.iter().filter(|&&x| x).count() as u64;
            let follows = events.follow.iter().filter(|&&x| x).count() as u64;
            let both = (0..n)
                .filter(|&i| events.lead[i] && events.follow[i])
                .count() as u64;
            let names = [format!("{lead} -> {follow}"), format!("{follow} -> {lead}")];
            Ok(Outcome::LeadLag(
                (0..2)
                    .map(|k| {
                        let mean = (permutations > 0).then(|| {
                            sims.iter().map(|v| v[k] as f64).sum::<f64>() / permutations as f64
                        });
                        Direction {
                            direction: names[k].clone(),
                            pairs: leads * follows - both,
                            observed: observed[k],
                            expected: mean,
                            ratio: mean.map(|m| observed[k] as f64 / m),
                            p_sim: p_sim(observed[k], sims.iter().map(|v| v[k]), permutations),
                        }
                    })
                    .collect(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(X > k) against values from scipy.stats.poisson.sf.
    #[test]
    fn poisson_upper_tail() {
        // scipy.stats.poisson.sf(k, mu)
        // The last within 10⁻⁷: statrs's incomplete gamma function at
        // 28 million is good to about 10⁻⁸.
        for (k, mu, want, rel) in [
            (0u64, 1.0, 0.6321205588285577, 1e-9),
            (5, 2.5, 0.04202103819530614, 1e-9),
            (120, 100.0, 0.022669329078352663, 1e-9),
            (10, 30.0, 0.9999776512242615, 1e-9),
            (28_000_000, 27_990_000.0, 0.02936738727436051, 1e-7),
        ] {
            let got = poisson_upper(k, mu);
            assert!(
                (got - want).abs() <= rel * want,
                "{k} {mu}: {got} vs {want}"
            );
        }
    }
}
