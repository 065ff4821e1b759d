//! Where events cluster: Getis–Ord Gi* hot and cold spots per area, and
//! Moran's I over all of them ([`crate::stats::spatial`]).
//!
//! The areas are the polygons of a layer (districts, provinces, any
//! polygon layer) or equal-area hexagons over the points' extent
//! ([`HexGrid`]); their values are the events in each (or a column's sum),
//! counted with the same readers, filters and row account as
//! [`crate::summary`]. Points in no area are counted in the account, not
//! in the analysis. With a split date, the analysis is made before and
//! after it on the same areas and neighbours.
//!
//! What it shows: where values are higher (hot) or lower (cold) than the
//! whole map's, taking each area together with its neighbours, so one
//! busy district alone is not a hot spot unless its neighbourhood is busy
//! too. What it does not show: why, or whether the cluster would survive
//! other area boundaries or neighbour definitions (try hexagons and other
//! weights); counts are not rates, so populous areas can be hot because
//! more people live there.

mod hex;
mod weights;

pub(crate) use hex::check_hex_edge;
pub use hex::{HEX_EDGE_KM, HexGrid, lattice_cell, lattice_centre};
pub use weights::{Weights, by_distance, contiguity};

use crate::error::{Error, Param, Result};
use crate::ingest::{Batch, PointSource};
use crate::stats::spatial::{LocalG, Moran, classes, local_g_star, moran};
use crate::summary::{
    self, Account, Admit, Needed, SumGuard, Summary, Tallier, Tally, admit, walk_batch,
};
use crate::window::Window;
use chrono::NaiveDate;
use geo::{Centroid, Coord, Geometry};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The areas analysed.
#[derive(Debug, Clone, Copy)]
pub enum Areas<'a> {
    /// The polygons of a layer.
    Polygons(summary::Grouping<'a>),
    /// Hexagons with edges of this many km over the points' extent.
    Hex(f64),
}

/// What to analyse and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// Neighbours.
    pub weights: Weights,
    /// Sum this column instead of counting events.
    pub value: Option<String>,
    /// The date window, the split (analyse before and after it) and the
    /// precision filter.
    pub window: Window,
    /// Conditional permutations for the pseudo p-values (0: none).
    pub permutations: usize,
    /// Seed of the permutations.
    pub seed: u64,
    /// The date column, by name; otherwise the one found by name.
    pub date: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            weights: Weights::Queen,
            value: None,
            window: Window::default(),
            permutations: 999,
            seed: 12345,
            date: None,
        }
    }
}

/// One area.
#[derive(Debug, Clone)]
pub struct Area {
    /// Its name (a hexagon's is `q,r`, its axial coordinates).
    pub name: String,
    /// Its province, for districts.
    pub province: Option<String>,
    /// Its centre: the centroid of the polygon in longitude/latitude, or
    /// the hexagon's centre.
    pub centre: Coord,
    /// Its shape: the layer's polygons, or the hexagon.
    pub geometry: Geometry,
    /// The hexagon's axial coordinates, for hexagon grids.
    pub cell: Option<(i32, i32)>,
}

/// The statistics of one set of values.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Per area: the events (or value sums).
    pub y: Vec<f64>,
    /// Per area: Gi*.
    pub local: Vec<LocalG>,
    /// Per area: `hot 99%` ... `cold 99%` or `not significant`, after
    /// Benjamini–Hochberg over all areas at each level.
    pub classes: Vec<String>,
    /// Moran's I (row-standardised weights), when defined.
    pub moran: Option<Moran>,
}

/// The result.
#[derive(Debug, Clone)]
pub struct Hotspots {
    /// Header of the name column (`district`, `province`, the layer's
    /// name, or `hex`).
    pub key: String,
    /// The areas, in layer order (hexagons row by row).
    pub areas: Vec<Area>,
    /// Each area's neighbours (without itself).
    pub neighbours: Vec<Vec<usize>>,
    /// The weights used.
    pub weights: Weights,
    /// The value column summed, if any.
    pub value: Option<String>,
    /// Without a split: all points counted.
    pub whole: Option<Analysis>,
    /// With a split: before it and on or after it.
    pub split: Option<(NaiveDate, Analysis, Analysis)>,
    /// Points counted in no area.
    pub outside: u64,
    /// Where every row went.
    pub account: Account,
    /// The hexagons' edge, km.
    pub hex_km: Option<f64>,
}

fn summary_options(o: &Options) -> summary::Options {
    summary::Options {
        value: o.value.clone(),
        window: o.window,
        date: o.date.clone(),
        ..Default::default()
    }
}

/// Events per hexagon, in one pass.
struct HexCounter {
    grid: HexGrid,
    opts: summary::Options,
    cells: HashMap<(i32, i32), Tally>,
    min: (f64, f64),
    max: (f64, f64),
    account: Account,
    /// The first and last dates in the window (for the split's check).
    dates: Option<(NaiveDate, NaiveDate)>,
    /// Sums kept from overflowing.
    guard: SumGuard,
}

impl HexCounter {
    fn add_batch(&mut self, batch: &Batch) -> Result<()> {
        let needed = Needed::new(
            batch.origin(),
            batch.schema(),
            &self.opts,
            self.opts.needs_date(),
        )?;
        let grid = self.grid;
        let mut rejects = Vec::new();
        let read = walk_batch(batch, &needed, |f, i| (grid.project(f.at), i), &mut rejects)?;
        for (f, (xy, i)) in read {
            let admitted = admit(&self.opts, &mut self.account, &f);
            if admitted == Admit::OutsideWindow {
                continue;
            }
            if let Some(d) = f.date {
                self.dates = Some(self.dates.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            }
            if admitted != Admit::Counted {
                continue;
            }
            if self.guard.add(&f).is_err() {
                return Err(needed.overflow(batch, i, &self.guard));
            }
            self.min = (self.min.0.min(xy.0), self.min.1.min(xy.1));
            self.max = (self.max.0.max(xy.0), self.max.1.max(xy.1));
            self.cells
                .entry(grid.cell_at(xy))
                .or_default()
                .add(&f, self.opts.window.split);
        }
        for r in rejects {
            self.account.rows_in += 1;
            self.account.rejected += 1;
            self.account.rejects.push(r);
        }
        Ok(())
    }
}

/// Find the hot and cold spots of the points of `source`.
///
/// # Examples
/// Twenty events in Peshawar and one in Quetta, per district (queen
/// neighbours, no permutations): Peshawar's Gi* stands out, Quetta's
/// does not:
/// ```
/// use frontier::hotspots::{Areas, Options, hotspots};
/// use frontier::ingest::{FormatHint, PointSource, ReadOptions};
/// use frontier::summary::Grouping;
///
/// let mut csv = String::from("latitude,longitude\n");
/// for _ in 0..20 {
///     csv.push_str("34.005,71.547\n"); // Peshawar
/// }
/// csv.push_str("30.18,66.99\n"); // Quetta
/// let mut points = PointSource::from_reader(
///     Box::new(std::io::Cursor::new(csv)),
///     "events.csv",
///     FormatHint::None,
///     &ReadOptions::default(),
/// )?;
/// let mut options = Options::default();
/// options.permutations = 0;
/// let h = hotspots(&mut points, Areas::Polygons(Grouping::Districts), options)?;
/// assert_eq!(h.areas.len(), 156); // every district, events or not
/// let whole = h.whole.as_ref().unwrap();
/// let at = |name: &str| h.areas.iter().position(|a| a.name == name).unwrap();
/// let (peshawar, quetta) = (at("Peshawar"), at("Quetta"));
/// assert_eq!((whole.y[peshawar], whole.y[quetta]), (20.0, 1.0));
/// assert!(whole.local[peshawar].z > 3.0 && whole.local[quetta].z < 1.0);
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn hotspots(source: &mut PointSource, areas: Areas, opts: Options) -> Result<Hotspots> {
    hotspots_from(|| source.next_batch(crate::row::CHUNK_ROWS), areas, opts)
}

/// Find the hot and cold spots of points in a [`Batch`] (from arrays, a
/// data frame): the same result as [`hotspots`] gives for a file of the
/// same points.
pub fn hotspots_batch(batch: &Batch, areas: Areas, opts: Options) -> Result<Hotspots> {
    let mut one = Some(batch.clone());
    hotspots_from(|| Ok(one.take()), areas, opts)
}

/// Find the hot and cold spots of the points of each batch `next` gives
/// until `None`.
fn hotspots_from(
    mut next: impl FnMut() -> Result<Option<Batch>>,
    areas: Areas,
    opts: Options,
) -> Result<Hotspots> {
    let sopts = summary_options(&opts);
    let (key, list, tallies, outside, account, hex_km) = match areas {
        Areas::Polygons(g) => {
            let mut t = Tallier::new(g, sopts)?;
            while let Some(batch) = next()? {
                t.add_batch(&batch)?;
            }
            polygon_areas(t.finish()?, g)?
        }
        Areas::Hex(km) => {
            hex::check_hex_edge(km)?;
            let mut c = HexCounter {
                grid: HexGrid::new(km),
                opts: sopts,
                cells: HashMap::new(),
                min: (f64::INFINITY, f64::INFINITY),
                max: (f64::NEG_INFINITY, f64::NEG_INFINITY),
                account: Account::default(),
                dates: None,
                guard: SumGuard::default(),
            };
            while let Some(batch) = next()? {
                c.add_batch(&batch)?;
            }
            opts.window
                .check_split(c.dates.map(|d| d.0), c.dates.map(|d| d.1))?;
            if !c.cells.is_empty() && c.grid.count_over(c.min, c.max) > 200_000.0 {
                return Err(Error::InvalidSetting {
                    param: Param::Areas,
                    value: format!("hex:{km}"),
                    expected: format!(
                        "about {} hexagons over the points' extent, more than 200,000: choose a longer edge",
                        crate::output::thousands(c.grid.count_over(c.min, c.max) as i64)
                    ),
                });
            }
            let cells = if c.cells.is_empty() {
                Vec::new()
            } else {
                c.grid.cells_over(c.min, c.max)
            };
            let mut list = Vec::new();
            let mut tallies = Vec::new();
            for cell in &cells {
                list.push(Area {
                    name: format!("{},{}", cell.0, cell.1),
                    province: None,
                    centre: c.grid.centre(*cell),
                    geometry: Geometry::Polygon(c.grid.polygon(*cell)),
                    cell: Some(*cell),
                });
                tallies.push(c.cells.remove(cell).unwrap_or_default());
            }
            debug_assert!(c.cells.is_empty(), "every counted cell is in the extent");
            ("hex".to_string(), list, tallies, 0, c.account, Some(km))
        }
    };
    analyse(key, list, tallies, outside, account, hex_km, opts)
}

/// Hot and cold spots from a summary already made over the polygons of
/// `by` ([`crate::summary::Tallier`], with the value column, window, split
/// and precision filter of `opts`): the same result as [`hotspots`] over
/// the same points, for a client that keeps points in memory and counts
/// them again for each question.
pub fn hotspots_of_summary(
    summary: Summary,
    by: summary::Grouping,
    opts: Options,
) -> Result<Hotspots> {
    let (key, list, tallies, outside, account, hex_km) = polygon_areas(summary, by)?;
    analyse(key, list, tallies, outside, account, hex_km, opts)
}

/// The areas of a summary by polygons, with their tallies (features that
/// are not polygons hold no points and are left out).
type AreaTallies = (String, Vec<Area>, Vec<Tally>, u64, Account, Option<f64>);

fn polygon_areas(s: Summary, g: summary::Grouping) -> Result<AreaTallies> {
    let (layer, _) = g.resolve()?;
    let mut list = Vec::new();
    let mut tallies = Vec::new();
    let outside = s.groups.last().map_or(0, |(_, t)| t.count);
    for (i, (grp, tally)) in s.groups.into_iter().take(layer.features.len()).enumerate() {
        // Features that are not polygons hold no points: left out.
        let Some(area) = polygon_area(grp.name, grp.province, &layer.features[i].geometry) else {
            continue;
        };
        list.push(area);
        tallies.push(tally);
    }
    Ok((s.key, list, tallies, outside, s.account, None))
}

/// Gi* and Moran's I over areas and their tallies.
fn analyse(
    key: String,
    list: Vec<Area>,
    tallies: Vec<Tally>,
    outside: u64,
    account: Account,
    hex_km: Option<f64>,
    opts: Options,
) -> Result<Hotspots> {
    if list.len() < 3 {
        return Err(Error::InvalidSetting {
            param: Param::Areas,
            value: key,
            expected: format!("hot spots need at least 3 areas; there are {}", list.len()),
        });
    }
    if let Weights::Knn(k) = opts.weights
        && k >= list.len()
    {
        return Err(Error::InvalidSetting {
            param: Param::Weights,
            value: format!("knn:{k}"),
            expected: format!(
                "K below the number of areas ({}): each area's K nearest others",
                list.len()
            ),
        });
    }
    let neighbours = neighbours_of(&list, opts.weights, hex_km);
    // Per area: all points (`None`), or those before or after the split.
    let values = |after: Option<bool>| -> Vec<f64> {
        tallies
            .iter()
            .map(|t| match (opts.value.is_some(), after) {
                (false, None) => t.count as f64,
                (true, None) => t.value,
                (false, Some(false)) => t.before as f64,
                (true, Some(false)) => t.value_before,
                (false, Some(true)) => t.after as f64,
                (true, Some(true)) => t.value_after,
            })
            .collect()
    };
    let analyse = |y: Vec<f64>, seed: u64| -> Analysis {
        let local = local_g_star(&y, &neighbours, opts.permutations, seed);
        let z: Vec<f64> = local.iter().map(|l| l.z).collect();
        let p: Vec<f64> = local.iter().map(|l| l.p).collect();
        Analysis {
            classes: classes(&z, &p),
            moran: moran(&y, &neighbours),
            local,
            y,
        }
    };
    let (whole, split) = match opts.window.split {
        None => (Some(analyse(values(None), opts.seed)), None),
        Some(s) => {
            let before = analyse(values(Some(false)), opts.seed);
            let after = analyse(values(Some(true)), opts.seed ^ 0x5EED);
            (None, Some((s, before, after)))
        }
    };
    Ok(Hotspots {
        key,
        areas: list,
        neighbours,
        weights: opts.weights,
        value: opts.value,
        whole,
        split,
        outside,
        account,
        hex_km,
    })
}

/// Each area's neighbours (without itself) by `weights`: a hexagon's six
/// around it for queen and rook on a hexagon grid (`hex_km`), shared
/// boundaries for polygons, geodesic distances between centres otherwise.
pub(crate) fn neighbours_of(
    areas: &[Area],
    weights: Weights,
    hex_km: Option<f64>,
) -> Vec<Vec<usize>> {
    match (weights, hex_km) {
        (Weights::Queen | Weights::Rook, Some(km)) => {
            // A hexagon's neighbours are the six around it.
            let grid = HexGrid::new(km);
            let at: HashMap<(i32, i32), usize> = areas
                .iter()
                .enumerate()
                .filter_map(|(i, a)| Some((a.cell?, i)))
                .collect();
            areas
                .iter()
                .map(|a| {
                    let cell = a.cell.expect("a hexagon");
                    let mut v: Vec<usize> = grid
                        .adjacent(cell)
                        .iter()
                        .filter_map(|c| at.get(c).copied())
                        .collect();
                    v.sort_unstable();
                    v
                })
                .collect()
        }
        (w @ (Weights::Queen | Weights::Rook), None) => contiguity(
            &areas.iter().map(|a| &a.geometry).collect::<Vec<_>>(),
            w == Weights::Rook,
        ),
        (w, _) => by_distance(&areas.iter().map(|a| a.centre).collect::<Vec<_>>(), w),
    }
}
/// A polygon feature as an area (its centre the centroid); `None` for a
/// feature that is not a polygon.
pub(crate) fn polygon_area(
    name: String,
    province: Option<String>,
    geometry: &Geometry,
) -> Option<Area> {
    let centre = match geometry {
        Geometry::Polygon(p) => p.centroid(),
        Geometry::MultiPolygon(m) => m.centroid(),
        _ => None,
    }?;
    Some(Area {
        name,
        province,
        centre: centre.0,
        geometry: geometry.clone(),
        cell: None,
    })
}

/// A number, or null when not finite.
fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// How an area's class changed from before to after.
fn change(before: &str, after: &str) -> &'static str {
    fn side(c: &str) -> Option<&str> {
        c.split(' ').next().filter(|s| *s == "hot" || *s == "cold")
    }
    match (side(before), side(after)) {
        (None, Some("hot")) => "became hot",
        (None, Some(_)) => "became cold",
        (Some("hot"), None) => "no longer hot",
        (Some(_), None) => "no longer cold",
        (Some(a), Some(b)) if a == b && a == "hot" => "stayed hot",
        (Some(a), Some(b)) if a == b => "stayed cold",
        (Some(_), Some("hot")) => "cold to hot",
        (Some(_), Some(_)) => "hot to cold",
        (None, None) => "",
    }
}

impl Moran {
    /// As JSON.
    pub fn to_json(&self) -> Value {
        json!({"i": self.i, "expected": self.expected, "z": num(self.z), "p_value": num(self.p), "z_normal": num(self.z_norm), "p_value_normal": num(self.p_norm)})
    }
}

impl Hotspots {
    /// The table: one row per area. A value column keeps its name (and
    /// `{value}_before`, `{value}_after`); one of frontier's columns whose
    /// name it takes gets `frontier_` in front ([`crate::summary::names`]).
    pub fn table(&self) -> (Vec<String>, Vec<Map<String, Value>>) {
        use crate::summary::names::{self, Row};
        let mut rows = Vec::new();
        let put = |m: &mut Row, a: &Analysis, i: usize, suffix: &str| {
            let l = &a.local[i];
            match &self.value {
                Some(v) => m.theirs("value_", format!("{v}{suffix}"), num(a.y[i])),
                None => m.ours(format!("count{suffix}"), json!(a.y[i] as u64)),
            }
            m.ours(format!("gi_z{suffix}"), num(l.z));
            m.ours(format!("gi_p{suffix}"), num(l.p));
            m.ours(
                format!("gi_p_sim{suffix}"),
                l.p_sim.map_or(Value::Null, num),
            );
            m.ours(format!("gi_class{suffix}"), json!(a.classes[i]));
        };
        for (i, a) in self.areas.iter().enumerate() {
            let mut m = Row::default();
            m.ours(self.key.clone(), json!(a.name));
            if self.key == "district" {
                m.ours("province", json!(a.province.clone().unwrap_or_default()));
            }
            m.ours("longitude", json!(a.centre.x));
            m.ours("latitude", json!(a.centre.y));
            m.ours("neighbours", json!(self.neighbours[i].len()));
            if let Some(w) = &self.whole {
                put(&mut m, w, i, "");
            }
            if let Some((_, b, af)) = &self.split {
                put(&mut m, b, i, "_before");
                put(&mut m, af, i, "_after");
                m.ours("change", json!(change(&b.classes[i], &af.classes[i])));
            }
            rows.push(m);
        }
        names::table(rows, None)
    }

    /// Moran's I as JSON (`before`/`after` with a split).
    pub fn moran_json(&self) -> Value {
        let m = |a: &Analysis| a.moran.as_ref().map_or(Value::Null, Moran::to_json);
        match (&self.whole, &self.split) {
            (Some(w), _) => m(w),
            (_, Some((_, b, a))) => json!({"before": m(b), "after": m(a)}),
            _ => Value::Null,
        }
    }

    /// The result as one JSON object: the settings, Moran's I and the
    /// areas' rows.
    pub fn to_json(&self, rows: Vec<Map<String, Value>>) -> Value {
        json!({
            "areas": self.key,
            "hex_km": self.hex_km,
            "weights": self.weights.to_string(),
            "classes": "Benjamini-Hochberg false discovery rate over all areas at 10%, 5% and 1%, on the two-sided normal p-values of Gi*",
            "moran": self.moran_json(),
            "rows": rows.into_iter().map(Value::Object).collect::<Vec<_>>(),
        })
    }

    /// Why Moran's I of `a` is undefined: too few areas, no area with a
    /// neighbour, or every area with the same value.
    pub fn moran_undefined(&self, a: &Analysis) -> String {
        if a.y.len() < 4 {
            format!("it needs at least 4 areas; there are {}", a.y.len())
        } else if self.neighbours.iter().all(Vec::is_empty) {
            format!("no area has a neighbour by {} weights", self.weights)
        } else {
            "every area has the same value".into()
        }
    }

    /// Write the areas as a GeoJSON FeatureCollection (the layer's
    /// polygons or the hexagons) with the table's columns as properties,
    /// one feature at a time: hundreds of thousands of hexagons stream
    /// through without the collection being held.
    pub fn write_features(
        &self,
        rows: &[Map<String, Value>],
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
        for (i, (a, props)) in self.areas.iter().zip(rows).enumerate() {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(b"{\"type\":\"Feature\",\"geometry\":")?;
            serde_json::to_writer(&mut *out, &geojson::Geometry::from(&a.geometry))?;
            out.write_all(b",\"properties\":")?;
            serde_json::to_writer(&mut *out, props)?;
            out.write_all(b"}")?;
        }
        out.write_all(b"\n]}\n")
    }
}
