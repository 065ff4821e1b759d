//! Space and time together: does one event make another nearby more
//! likely within days (Knox's test and the Near Repeat Calculator's table
//! of bands), does violence in one place precede violence in another
//! (a directed lead–lag count), and which areas are new, intensifying,
//! persistent or fading hot spots (emerging hot spot analysis: Gi* on a
//! space-time cube and Mann–Kendall trends).
//!
//! | item | what | reference |
//! |---|---|---|
//! | [`run`] with [`Test::Knox`] | close pairs in space and time, Poisson and permutation p-values | R `surveillance::knox`, PySAL `pointpats.spacetime.knox` |
//! | [`run`] with [`Test::Bands`] | observed and expected pairs per distance band × time band | Ratcliffe's Near Repeat Calculator |
//! | [`run`] with [`Test::LeadLag`] | directed pairs: a lead event, then a follow event nearby | (a directed Knox count) |
//! | [`plant`] | near repeats and cross-border offspring planted on synthetic events (the gallery, tests) | |
//! | [`emerging()`] | Gi* per area and period with space-time neighbours, Mann–Kendall, ArcGIS's categories | ArcGIS Pro Emerging Hot Spot Analysis, esda `G_Local`, `pymannkendall.original_test` |
//!
//! Distances are geodesic on WGS84 (exact: see the grid's bounds), days
//! are whole calendar days, and the permutations shuffle the dates over
//! the events, never the places.
//!
//! What these show, and what they do not: a Knox ratio above 1 says that
//! pairs close in space are also close in time more often than if the
//! same dates had fallen on the same places at random. It does not say
//! which event caused which, and a change in where events are recorded
//! over time (a new conflict zone, a reporting change) makes pairs close
//! in both without any contagion. A lead–lag excess says events on one
//! side are followed by events nearby on the other more than chance; the
//! reverse direction is the check that the pattern is directed at all.

mod count;
pub mod emerging;
mod emerging_table;
mod events;
mod grid;
mod knox;
pub mod mann_kendall;
pub mod plant;

pub use emerging::{Category, Emerging, EmergingOptions, emerging, emerging_batch};
pub use events::{Condition, Events, Field, read_events, read_events_batch};
pub use grid::Ends;
pub use knox::{Band, Direction, Knox, MAX_SPACE_M, Outcome, Test, poisson_upper, run};

use crate::error::Result;
use crate::ingest::{Batch, PointSource};
use crate::summary::Account;
use crate::window::Window;
use serde_json::{Map, Value, json};

/// A test run on the events of a file.
#[derive(Debug, Clone)]
pub struct SpaceTime {
    /// The test.
    pub test: Test,
    /// What it found.
    pub outcome: Outcome,
    /// Permutations of the dates.
    pub permutations: usize,
    /// Their seed.
    pub seed: u64,
    /// Where every row went.
    pub account: Account,
}

/// Read the events of `source` in `window` (their dates from the column
/// called `date`, by default the one the header's names say) and run
/// `test` on them with `permutations` shuffles of the dates from `seed`.
pub fn test_file(
    source: &mut PointSource,
    test: Test,
    window: &Window,
    date: Option<&str>,
    permutations: usize,
    seed: u64,
) -> Result<SpaceTime> {
    let conditions = test.conditions();
    let (events, account) = read_events(source, window, date, conditions)?;
    tested(events, account, test, permutations, seed)
}

/// [`test_file`] on the points of a [`Batch`] (from arrays, a data frame):
/// the same result as a file of the same points gives.
pub fn test_batch(
    batch: &Batch,
    test: Test,
    window: &Window,
    date: Option<&str>,
    permutations: usize,
    seed: u64,
) -> Result<SpaceTime> {
    let conditions = test.conditions();
    let (events, account) = read_events_batch(batch, window, date, conditions)?;
    tested(events, account, test, permutations, seed)
}

fn tested(
    events: Events,
    account: Account,
    test: Test,
    permutations: usize,
    seed: u64,
) -> Result<SpaceTime> {
    let outcome = run(&events, &test, permutations, seed)?;
    Ok(SpaceTime {
        test,
        outcome,
        permutations,
        seed,
        account,
    })
}

/// A number, or null when not finite or absent.
fn num(v: Option<f64>) -> Value {
    v.filter(|x| x.is_finite())
        .map_or(Value::Null, |x| json!(x))
}

impl SpaceTime {
    /// The table: its columns and one object per row (one row for Knox's
    /// test, one per band pair, one per direction).
    pub fn table(&self) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        match &self.outcome {
            Outcome::Knox(k) => {
                let (space_m, days) = match &self.test {
                    Test::Knox { space_m, days } => (*space_m, *days),
                    _ => (f64::NAN, 0),
                };
                let mut m = Map::new();
                m.insert("space_km".into(), num(Some(space_m / 1000.0)));
                m.insert("time_days".into(), json!(days));
                m.insert("events".into(), json!(k.events));
                m.insert("pairs".into(), json!(k.pairs));
                m.insert("pairs_close_space".into(), json!(k.pairs_close_space));
                m.insert("pairs_close_time".into(), json!(k.pairs_close_time));
                m.insert("pairs_close_both".into(), json!(k.pairs_close_both));
                m.insert("expected".into(), num(Some(k.expected)));
                m.insert("ratio".into(), num(Some(k.ratio)));
                m.insert("p_poisson".into(), num(Some(k.p_poisson)));
                m.insert("p_sim".into(), num(k.p_sim));
                m.insert("permutations".into(), json!(self.permutations));
                rows.push(m);
            }
            Outcome::Bands(bands) => {
                for b in bands {
                    let mut m = Map::new();
                    m.insert("space_from".into(), json!(b.space_from_m / 1000.0));
                    m.insert("space_to".into(), json!(b.space_to_m / 1000.0));
                    m.insert("time_from".into(), json!(b.time_from));
                    m.insert("time_to".into(), json!(b.time_to));
                    m.insert("observed".into(), json!(b.observed));
                    m.insert("expected".into(), num(b.expected));
                    m.insert("ratio".into(), num(b.ratio));
                    m.insert("p_sim".into(), num(b.p_sim));
                    rows.push(m);
                }
            }
            Outcome::LeadLag(dirs) => {
                for d in dirs {
                    let mut m = Map::new();
                    m.insert("direction".into(), json!(d.direction));
                    m.insert("pairs".into(), json!(d.pairs));
                    m.insert("observed".into(), json!(d.observed));
                    m.insert("expected".into(), num(d.expected));
                    m.insert("ratio".into(), num(d.ratio));
                    m.insert("p_sim".into(), num(d.p_sim));
                    rows.push(m);
                }
            }
        }
        let cols = rows
            .first()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        (cols, rows)
    }
}
