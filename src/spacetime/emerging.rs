//! Emerging hot spots: Getis–Ord Gi* on a space-time cube of counts (or a
//! column's sums) per area and period, a Mann–Kendall trend of each area's
//! Gi* series, and ArcGIS Pro's categories.
//!
//! The cube holds every area × every period of the window, zeros
//! included. A cell's neighbourhood is the area and its spatial
//! neighbours, in the same period and the K periods before it (ArcGIS's
//! definition, K = [`EmergingOptions::time_lags`]); Gi* is taken over the
//! whole cube as esda's `G_Local(star=True, transform="B")` takes it over
//! those weights ([`crate::stats::spatial::local_g_star`]), and the cells
//! are classed with the Benjamini–Hochberg false discovery rate over all
//! cells, as `hotspots` classes areas ([`crate::stats::spatial::classes`]).
//! A cell is a hot (cold) spot when its class is hot (cold) at 90% or more.
//!
//! The categories, checked in this order for hot spots (cold spots
//! mirrored, a falling trend being an intensifying cold spot):
//! 1. hot in the final period and in at least 90% of the periods: an
//!    **intensifying** hot spot if the Mann–Kendall trend of its Gi* z
//!    series rises with p ≤ 0.10 (two-sided), **diminishing** if it falls
//!    with p ≤ 0.10, **persistent** otherwise;
//! 2. hot in the final period only: **new**;
//! 3. hot in an unbroken run of at least 2 periods ending at the final one,
//!    and never before it: **consecutive**;
//! 4. hot in the final period, under 90% of the periods, and cold in some
//!    period: **oscillating**;
//! 5. hot in the final period, under 90% of the periods, never cold:
//!    **sporadic**;
//! 6. not hot in the final period, but in at least 90% of the periods:
//!    **historical**.
//!
//! An area that fits no hot category is tried as a cold spot, then is
//! **no pattern**.
//!
//! # References
//! ArcGIS Pro 3 documentation, *How Emerging Hot Spot Analysis works*.
//! J. K. Ord and A. Getis (1995), Geographical Analysis 27(4).

use super::events::admitting;
use super::mann_kendall::{MannKendall, mann_kendall};
use crate::error::{Error, Param, Result};
use crate::hotspots::{Area, Areas, HexGrid, Weights, neighbours_of, polygon_area};
use crate::index::PolygonIndex;
use crate::ingest::{Batch, PointSource};
use crate::row::Schema;
use crate::stats::spatial::{LocalG, classes, local_g_star};
use crate::summary::{Account, Admit, Needed, admit, walk_batch};
use crate::trend::{Period, Span};
use crate::window::Window;
use chrono::{Days, NaiveDate};
use std::collections::HashMap;

/// What to analyse and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmergingOptions {
    /// Period length.
    pub period: Period,
    /// Spatial neighbours.
    pub weights: Weights,
    /// Earlier periods in each cell's neighbourhood (K ≥ 0).
    pub time_lags: usize,
    /// Sum this column instead of counting events.
    pub value: Option<String>,
    /// The date window and precision filter.
    pub window: Window,
    /// The date column (by default the one the header's names say).
    pub date: Option<String>,
}

impl Default for EmergingOptions {
    fn default() -> Self {
        EmergingOptions {
            period: Period::Month,
            weights: Weights::Queen,
            time_lags: 1,
            value: None,
            window: Window::default(),
            date: None,
        }
    }
}

/// ArcGIS's categories, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Hot in the final period only.
    NewHot,
    /// A final run of hot periods, never hot before it.
    ConsecutiveHot,
    /// Hot in ≥ 90% of periods and the last, rising.
    IntensifyingHot,
    /// Hot in ≥ 90% of periods and the last, no trend.
    PersistentHot,
    /// Hot in ≥ 90% of periods and the last, falling.
    DiminishingHot,
    /// Hot now and on and off before, never cold.
    SporadicHot,
    /// Hot now, cold at some time before.
    OscillatingHot,
    /// Not hot now, hot in ≥ 90% of periods.
    HistoricalHot,
    /// Cold in the final period only.
    NewCold,
    /// A final run of cold periods, never cold before it.
    ConsecutiveCold,
    /// Cold in ≥ 90% of periods and the last, colder.
    IntensifyingCold,
    /// Cold in ≥ 90% of periods and the last, no trend.
    PersistentCold,
    /// Cold in ≥ 90% of periods and the last, warming.
    DiminishingCold,
    /// Cold now and on and off before, never hot.
    SporadicCold,
    /// Cold now, hot at some time before.
    OscillatingCold,
    /// Not cold now, cold in ≥ 90% of periods.
    HistoricalCold,
    /// None of the above.
    NoPattern,
}

/// The categories' names, in ArcGIS's legend order.
pub const CATEGORY_NAMES: [&str; 17] = [
    "new hot spot",
    "consecutive hot spot",
    "intensifying hot spot",
    "persistent hot spot",
    "diminishing hot spot",
    "sporadic hot spot",
    "oscillating hot spot",
    "historical hot spot",
    "new cold spot",
    "consecutive cold spot",
    "intensifying cold spot",
    "persistent cold spot",
    "diminishing cold spot",
    "sporadic cold spot",
    "oscillating cold spot",
    "historical cold spot",
    "no pattern",
];

const ALL: [Category; 17] = [
    Category::NewHot,
    Category::ConsecutiveHot,
    Category::IntensifyingHot,
    Category::PersistentHot,
    Category::DiminishingHot,
    Category::SporadicHot,
    Category::OscillatingHot,
    Category::HistoricalHot,
    Category::NewCold,
    Category::ConsecutiveCold,
    Category::IntensifyingCold,
    Category::PersistentCold,
    Category::DiminishingCold,
    Category::SporadicCold,
    Category::OscillatingCold,
    Category::HistoricalCold,
    Category::NoPattern,
];

impl Category {
    /// Its name (`new hot spot`, ..., `no pattern`).
    pub fn name(self) -> &'static str {
        CATEGORY_NAMES[ALL.iter().position(|&c| c == self).expect("listed")]
    }
}

/// The share of periods that makes a persistent, intensifying,
/// diminishing or historical spot.
pub const SHARE: f64 = 0.9;
/// The Mann–Kendall p-value at or under which a trend counts (90%
/// confidence, two-sided).
pub const TREND_P: f64 = 0.10;

/// The kind within one side: 0 new, 1 consecutive, 2 intensifying,
/// 3 persistent, 4 diminishing, 5 sporadic, 6 oscillating, 7 historical.
fn side_kind(this: &[bool], other: &[bool], stronger: bool, weaker: bool) -> Option<usize> {
    let n = this.len();
    let last = *this.last()?;
    let count = this.iter().filter(|&&x| x).count();
    let most = count as f64 >= SHARE * n as f64;
    if !last {
        return most.then_some(7);
    }
    if most {
        return Some(if stronger {
            2
        } else if weaker {
            4
        } else {
            3
        });
    }
    if count == 1 {
        return Some(0);
    }
    let run = this.iter().rev().take_while(|&&x| x).count();
    if run == count {
        return Some(1);
    }
    Some(if other.iter().any(|&x| x) { 6 } else { 5 })
}

/// An area's category from its hot and cold periods (in order) and the
/// Mann–Kendall test of its Gi* z series.
pub fn category(hot: &[bool], cold: &[bool], trend: &MannKendall) -> Category {
    let up = trend.p <= TREND_P && trend.z > 0.0;
    let down = trend.p <= TREND_P && trend.z < 0.0;
    if let Some(k) = side_kind(hot, cold, up, down) {
        return ALL[k];
    }
    if let Some(k) = side_kind(cold, hot, down, up) {
        return ALL[8 + k];
    }
    Category::NoPattern
}

/// Gi* of every cell of a cube: `y` area-major (`y[a * periods + t]`),
/// `neighbours` the areas' spatial neighbours (without the area), each
/// cell's neighbourhood its area and neighbours in periods t − lags ..= t.
pub fn cube_gi_star(
    y: &[f64],
    neighbours: &[Vec<usize>],
    periods: usize,
    lags: usize,
) -> Vec<LocalG> {
    local_g_star(y, &cube_neighbours(neighbours, periods, lags), 0, 0)
}

/// The cube's neighbour lists (without the cell itself).
pub fn cube_neighbours(neighbours: &[Vec<usize>], periods: usize, lags: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::with_capacity(neighbours.len() * periods);
    for (a, nb) in neighbours.iter().enumerate() {
        for t in 0..periods {
            let mut v = Vec::new();
            for t2 in t.saturating_sub(lags)..=t {
                for &b in std::iter::once(&a).chain(nb) {
                    if (b, t2) != (a, t) {
                        v.push(b * periods + t2);
                    }
                }
            }
            v.sort_unstable();
            out.push(v);
        }
    }
    out
}

/// One area's results.
#[derive(Debug, Clone)]
pub struct AreaSeries {
    /// Events (or value sums) per period.
    pub y: Vec<f64>,
    /// Gi* per period.
    pub gi: Vec<LocalG>,
    /// Class per period (`hot 99%` ... `not significant`).
    pub classes: Vec<String>,
    /// Mann–Kendall of the Gi* z series.
    pub trend: MannKendall,
    /// Mann–Kendall of the counts (or sums).
    pub count_trend: MannKendall,
    /// The category.
    pub category: Category,
}

impl AreaSeries {
    /// Periods in which the area is a hot spot (90% or more).
    pub fn hot_periods(&self) -> usize {
        self.classes.iter().filter(|c| c.starts_with("hot")).count()
    }

    /// Periods in which it is a cold spot.
    pub fn cold_periods(&self) -> usize {
        self.classes
            .iter()
            .filter(|c| c.starts_with("cold"))
            .count()
    }
}

/// The result.
#[derive(Debug, Clone)]
pub struct Emerging {
    /// Header of the name column (`district`, `province`, the layer's
    /// name, or `hex`).
    pub key: String,
    /// The areas.
    pub areas: Vec<Area>,
    /// Each area's spatial neighbours.
    pub neighbours: Vec<Vec<usize>>,
    /// The periods of the window.
    pub spans: Vec<Span>,
    /// Per area, in the areas' order.
    pub series: Vec<AreaSeries>,
    /// The options used.
    pub options: EmergingOptions,
    /// Points in no area.
    pub outside: u64,
    /// Where every row went.
    pub account: Account,
    /// The hexagons' edge, km.
    pub hex_km: Option<f64>,
}

fn bad(param: Param, value: String, expected: String) -> Error {
    Error::InvalidSetting {
        param,
        value,
        expected,
    }
}

/// The most cells a cube may have.
pub const MAX_CELLS: usize = 2_000_000;

/// Find the emerging hot and cold spots of the points of `source`.
pub fn emerging(source: &mut PointSource, areas: Areas, opts: EmergingOptions) -> Result<Emerging> {
    let (origin, schema) = (source.origin().to_string(), source.schema().clone());
    let next = || source.next_batch(crate::row::CHUNK_ROWS);
    emerging_from(&origin, &schema, next, areas, opts)
}

/// Find the emerging hot and cold spots of the points of a [`Batch`] (from
/// arrays, a data frame): the same result as [`emerging()`] gives for a
/// file of the same points.
pub fn emerging_batch(batch: &Batch, areas: Areas, opts: EmergingOptions) -> Result<Emerging> {
    let mut one = Some(batch.clone());
    emerging_from(
        batch.origin(),
        batch.schema(),
        || Ok(one.take()),
        areas,
        opts,
    )
}

/// The emerging hot and cold spots of the points of each batch `next`
/// gives until `None` (from a source of columns `schema` called `origin`):
/// the areas, the points placed in them, the window's periods, the cube of
/// counts (or sums), its Gi*, and each area's series and category.
fn emerging_from(
    origin: &str,
    schema: &Schema,
    next: impl FnMut() -> Result<Option<Batch>>,
    areas: Areas,
    opts: EmergingOptions,
) -> Result<Emerging> {
    opts.window.check()?;
    if opts.date.is_none() && schema.date.is_none() {
        return Err(Error::MissingColumn {
            origin: origin.into(),
            param: Param::Series,
            named: None,
            columns: schema.columns.clone(),
        });
    }
    let (key, mut list, placer) = Placer::of(areas)?;
    let (points, account) = placed_points(next, &opts, &placer)?;
    let place_of = placer.areas_of(&points, &mut list)?;
    if list.len() < 3 {
        return Err(bad(
            Param::Areas,
            key,
            format!("hot spots need at least 3 areas; there are {}", list.len()),
        ));
    }
    let spans = periods(origin, &opts, &points, list.len())?;
    let np = spans.len();
    let mut y = vec![0.0; list.len() * np];
    let mut outside = 0;
    for ((_, d, v), a) in points.iter().zip(&place_of) {
        let Some(a) = a else {
            outside += 1;
            continue;
        };
        let t = spans.partition_point(|s| s.start <= *d) - 1;
        y[a * np + t] += if opts.value.is_some() { *v } else { 1.0 };
    }
    let hex_km = match areas {
        Areas::Hex(km) => Some(km),
        Areas::Polygons(_) => None,
    };
    let neighbours = neighbours_of(&list, opts.weights, hex_km);
    let gi = cube_gi_star(&y, &neighbours, np, opts.time_lags);
    let series = area_series(&y, &gi, np);
    Ok(Emerging {
        key,
        areas: list,
        neighbours,
        spans,
        series,
        options: opts,
        outside,
        account,
        hex_km,
    })
}

/// Where a point falls: an area's index (polygons), or its projected
/// position (hexagons, whose cells are known once every point is read).
#[derive(Clone, Copy)]
enum Place {
    Area(Option<usize>),
    Xy((f64, f64)),
}

/// A point admitted: where, when, and its value.
type Placed = (Place, NaiveDate, f64);

/// What places the points: a polygon layer's index (and which area each
/// feature is), or a hexagon grid.
enum Placer {
    Polygons(Box<PolygonIndex>, Vec<Option<usize>>),
    Hex(HexGrid),
}

impl Placer {
    /// The key (`district`, `province`, a layer's, `hex`), the areas known
    /// before any point is read (the polygons'; none for hexagons) and the
    /// placer.
    fn of(areas: Areas) -> Result<(String, Vec<Area>, Placer)> {
        match areas {
            Areas::Polygons(g) => {
                let (layer, key) = g.resolve()?;
                layer.require_polygons()?;
                let mut list = Vec::new();
                let mut feature_area = vec![None; layer.features.len()];
                for (i, f) in layer.features.iter().enumerate() {
                    let province = (key == "district")
                        .then(|| f.property_text("province").unwrap_or_default());
                    if let Some(a) = polygon_area(layer.label(i), province, &f.geometry) {
                        feature_area[i] = Some(list.len());
                        list.push(a);
                    }
                }
                let index = Box::new(PolygonIndex::new(layer));
                Ok((key, list, Placer::Polygons(index, feature_area)))
            }
            Areas::Hex(km) => {
                crate::hotspots::check_hex_edge(km)?;
                Ok(("hex".to_string(), Vec::new(), Placer::Hex(HexGrid::new(km))))
            }
        }
    }

    fn place(&self, at: geo::Coord) -> Place {
        match self {
            Placer::Polygons(index, feature_area) => {
                Place::Area(index.locate(at).and_then(|i| feature_area[i]))
            }
            Placer::Hex(g) => Place::Xy(g.project(at)),
        }
    }

    /// Each point's area (None: in none). For hexagons, the cells over
    /// the points' extent are added to `list` first (at most 200,000).
    fn areas_of(&self, points: &[Placed], list: &mut Vec<Area>) -> Result<Vec<Option<usize>>> {
        let g = match self {
            Placer::Hex(g) => g,
            Placer::Polygons(..) => {
                return Ok(points
                    .iter()
                    .map(|(p, _, _)| match p {
                        Place::Area(a) => *a,
                        Place::Xy(_) => None,
                    })
                    .collect());
            }
        };
        let xy = || {
            points.iter().filter_map(|(p, _, _)| match p {
                Place::Xy(xy) => Some(*xy),
                Place::Area(_) => None,
            })
        };
        let (mut min, mut max) = (
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for (x, y) in xy() {
            min = (min.0.min(x), min.1.min(y));
            max = (max.0.max(x), max.1.max(y));
        }
        if points.is_empty() {
            return Ok(Vec::new());
        }
        if g.count_over(min, max) > 200_000.0 {
            return Err(bad(
                Param::Areas,
                "hex".into(),
                "more than 200,000 hexagons over the points' extent: choose a longer edge".into(),
            ));
        }
        let cells = g.cells_over(min, max);
        let at: HashMap<(i32, i32), usize> =
            cells.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        for &c in &cells {
            list.push(Area {
                name: format!("{},{}", c.0, c.1),
                province: None,
                centre: g.centre(c),
                geometry: geo::Geometry::Polygon(g.polygon(c)),
                cell: Some(c),
            });
        }
        Ok(xy().map(|p| at.get(&g.cell_at(p)).copied()).collect())
    }
}

/// Every point of the batches `next` gives that the window admits, with
/// its place, date and value; and where every row went.
fn placed_points(
    mut next: impl FnMut() -> Result<Option<Batch>>,
    opts: &EmergingOptions,
    placer: &Placer,
) -> Result<(Vec<Placed>, Account)> {
    let sopts = crate::summary::Options {
        value: opts.value.clone(),
        date: opts.date.clone(),
        ..admitting(&opts.window)
    };
    let mut account = Account::default();
    let mut points = Vec::new();
    while let Some(batch) = next()? {
        let needed = Needed::new(batch.origin(), batch.schema(), &sopts, true)?;
        let mut rejects = Vec::new();
        let read = walk_batch(&batch, &needed, |f, _| placer.place(f.at), &mut rejects)?;
        for (f, place) in read {
            if admit(&sopts, &mut account, &f) == Admit::Counted {
                points.push((place, f.date.expect("dates are read"), f.value));
            }
        }
        for r in rejects {
            account.rows_in += 1;
            account.rejected += 1;
            account.rejects.push(r);
        }
    }
    Ok((points, account))
}

/// The window's periods: from its start (else the first point's period)
/// to its end (else the last point's); at least 2, and at most
/// [`MAX_CELLS`] cells with `areas` areas.
fn periods(
    origin: &str,
    opts: &EmergingOptions,
    points: &[Placed],
    areas: usize,
) -> Result<Vec<Span>> {
    let p = opts.period;
    let first = points.iter().map(|x| x.1).min();
    let last = points.iter().map(|x| x.1).max();
    let start = opts.window.from.or(first.map(|d| p.start_of(d)));
    let end = opts
        .window
        .to
        .or(last.map(|d| p.next(p.start_of(d)) - Days::new(1)));
    let spans = match (start, end) {
        (Some(s), Some(e)) => window_spans(p, s, e),
        _ => Vec::new(),
    };
    let np = spans.len();
    if np < 2 {
        return Err(bad(
            Param::Series,
            format!("{np} {}(s)", p.name()),
            "a trend needs at least 2 periods in the window".into(),
        ));
    }
    if areas.saturating_mul(np) > MAX_CELLS {
        let (s, e) = (spans[0].start, spans[np - 1].end);
        let given = |g: Option<NaiveDate>| {
            if g.is_some() {
                " (given)"
            } else {
                " (the events' dates)"
            }
        };
        let n = |x: usize| crate::output::thousands(x as i64);
        return Err(Error::Input {
            origin: origin.into(),
            message: format!(
                "the window runs from {s}{} to {e}{}: {} {}s × {} areas = {} cells, more than frontier keeps ({}); check those dates (a mistyped year?), narrow the window with --from/--to, or choose longer periods or larger areas",
                given(opts.window.from),
                given(opts.window.to),
                n(np),
                p.name(),
                n(areas),
                n(areas.saturating_mul(np)),
                n(MAX_CELLS),
            ),
        });
    }
    Ok(spans)
}

/// Each area's series: its cells' values, Gi*, classes, the Mann–Kendall
/// trends of its counts and of its Gi* z, and its category.
fn area_series(y: &[f64], gi: &[LocalG], np: usize) -> Vec<AreaSeries> {
    let z: Vec<f64> = gi.iter().map(|g| g.z).collect();
    let pv: Vec<f64> = gi.iter().map(|g| g.p).collect();
    let cls = classes(&z, &pv);
    (0..y.len() / np.max(1))
        .map(|a| {
            let r = a * np..(a + 1) * np;
            let classes = cls[r.clone()].to_vec();
            let hot: Vec<bool> = classes.iter().map(|c| c.starts_with("hot")).collect();
            let cold: Vec<bool> = classes.iter().map(|c| c.starts_with("cold")).collect();
            let trend = mann_kendall(&z[r.clone()]);
            AreaSeries {
                y: y[r.clone()].to_vec(),
                gi: gi[r.clone()].to_vec(),
                count_trend: mann_kendall(&y[r]),
                category: category(&hot, &cold, &trend),
                trend,
                classes,
            }
        })
        .collect()
}

/// The periods from `start` to `end`, the first and last cut to them, as
/// `trend` makes them (without a split).
fn window_spans(p: Period, start: NaiveDate, end: NaiveDate) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = p.start_of(start);
    while at <= end {
        let next = p.next(at);
        out.push(Span {
            label: p.label(at),
            start: at.max(start),
            end: (next - Days::new(1)).min(end),
            t: out.len(),
            after: None,
        });
        at = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mk(z: f64, p: f64) -> MannKendall {
        MannKendall {
            s: 0.0,
            var_s: 1.0,
            z,
            p,
            tau: 0.0,
        }
    }

    fn flags(s: &str) -> Vec<bool> {
        s.chars().map(|c| c == '1').collect()
    }

    #[test]
    fn categories_follow_the_rules() {
        let none = mk(0.0, 1.0);
        let c = |h: &str, k: &str, t: &MannKendall| category(&flags(h), &flags(k), t);
        let z = "0000000000";
        assert_eq!(c("0000000001", z, &none), Category::NewHot);
        assert_eq!(c("0000000111", z, &none), Category::ConsecutiveHot);
        assert_eq!(
            c("1111111111", z, &mk(2.0, 0.05)),
            Category::IntensifyingHot
        );
        assert_eq!(c("0111111111", z, &none), Category::PersistentHot);
        assert_eq!(
            c("1111111111", z, &mk(-2.0, 0.01)),
            Category::DiminishingHot
        );
        assert_eq!(c("0100100011", z, &none), Category::SporadicHot);
        assert_eq!(
            c("0000100011", "1000000000", &none),
            Category::OscillatingHot
        );
        assert_eq!(c("1111111110", z, &none), Category::HistoricalHot);
        assert_eq!(c("1111111100", z, &none), Category::NoPattern);
        assert_eq!(c(z, "0000000001", &none), Category::NewCold);
        assert_eq!(
            c(z, "1111111111", &mk(-2.0, 0.05)),
            Category::IntensifyingCold
        );
        assert_eq!(
            c(z, "1111111111", &mk(2.0, 0.05)),
            Category::DiminishingCold
        );
        assert_eq!(
            c("0010000000", "0000000011", &none),
            Category::ConsecutiveCold
        );
        // A trend at p = 0.11 is not one.
        assert_eq!(c("1111111111", z, &mk(2.0, 0.11)), Category::PersistentHot);
    }

    #[test]
    fn cube_neighbours_reach_back_k_periods() {
        // Areas 0–1–2 in a row, 3 periods, 1 lag.
        let nb = vec![vec![1], vec![0, 2], vec![1]];
        let c = cube_neighbours(&nb, 3, 1);
        // Area 1, period 2: areas 0, 1, 2 in periods 1 and 2, less itself.
        assert_eq!(c[3 + 2], vec![1, 2, 4, 7, 8]);
        // Area 0, period 0: no earlier period.
        assert_eq!(c[0], vec![3]);
    }
}
