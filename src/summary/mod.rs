//! Per-group summaries of points: counts, sums, shares, rates per 100,000
//! people and per 1,000 km², before/after a date, distance bands, and
//! figures joined from the user's own table.
//!
//! Every feature of the grouping layer gets a row, with zeros where no point
//! fell; points in no feature get a row of their own (`(outside)`), so the
//! counts always add up to the points read.
//!
//! # Examples
//! Points counted on several workers ([`Tallier`]) and merged give the
//! summary of all of them:
//! ```
//! use frontier::ingest::{Batch, ReadOptions};
//! use frontier::summary::{Grouping, Options, Tallier};
//!
//! let part = |lat: &[f64], lon: &[f64]| {
//!     let cols = ["lat", "lon"].map(String::from).to_vec();
//!     Batch::from_arrays("part", cols, &ReadOptions::default(), lat, lon)
//! };
//! // Peshawar and Quetta on one worker, Peshawar again on another.
//! let mut one = Tallier::new(Grouping::Districts, Options::default())?;
//! one.add_batch(&part(&[34.005, 30.18], &[71.547, 66.99])?)?;
//! let mut two = Tallier::new(Grouping::Districts, Options::default())?;
//! two.add_batch(&part(&[34.01], &[71.55])?)?;
//! one.merge(two)?;
//! let summary = one.finish()?;
//! assert_eq!(summary.group("Peshawar").unwrap().1.count, 2);
//! assert_eq!(summary.group("Quetta").unwrap().1.count, 1);
//! assert_eq!(summary.account.rows_in, 3);
//! # Ok::<(), frontier::Error>(())
//! ```

pub mod names;
mod tally;

use crate::window::Window;
pub(crate) use tally::{Admit, Needed, SumGuard, admit, walk_batch};
pub use tally::{Figures, Parts, Tallier, read_figures, summarize_batch, summarize_figures};

use crate::error::{Error, Param, Result};
use crate::ingest::{PointSource, named_column};
use crate::layer::{Catalogue, Layer};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Label of the row for points outside every feature.
pub const OUTSIDE: &str = "(outside)";

/// What to summarise and how.
#[derive(Default)]
#[non_exhaustive]
pub struct Options {
    /// Column to sum (e.g. fatalities).
    pub value: Option<String>,
    /// Column to sum as a weight (e.g. refugee individuals).
    pub weight: Option<String>,
    /// The date window, the split and the precision filter.
    pub window: Window,
    /// Distance band edges in km, and the line layer they are measured from.
    pub bands: Option<(Vec<f64>, Layer)>,
    /// A user table joined on the group names; its numeric columns come out per group and per 100,000 people.
    pub join: Option<Join>,
    /// The date column, by name; otherwise the one found by name
    /// ([`crate::ingest::Schema::date`]: `event_date`, `date_start`,
    /// `date`).
    pub date: Option<String>,
}

impl Options {
    /// Whether these options need each point's date (a window or a
    /// split).
    pub fn needs_date(&self) -> bool {
        self.window.needs_date()
    }
}

/// A user table joined on group names.
#[derive(Debug, Clone, Default)]
pub struct Join {
    /// Where it came from (for messages).
    pub origin: String,
    /// The numeric columns brought in.
    pub columns: Vec<String>,
    /// Columns left out because they hold text (a cell that is not a
    /// number), with the first such cell's line.
    pub text_columns: Vec<(String, u64)>,
    /// Group name → the columns' values, summed over rows with the same
    /// name; `None` where every cell was empty (missing, not 0).
    pub rows: BTreeMap<String, Vec<Option<f64>>>,
}

/// A number in a joined table: plain, or with thousands separators
/// (`1,234,567`).
fn join_number(t: &str) -> Option<f64> {
    t.parse::<f64>()
        .ok()
        .or_else(|| t.replace(',', "").parse::<f64>().ok())
}

impl Join {
    /// Read a CSV whose column `on` names the groups. Every column whose
    /// cells are all numbers or empty is brought in (an empty cell is
    /// missing); a column with any other text is left out and listed in
    /// [`Join::text_columns`]. NaN or infinity is an error naming the file,
    /// line and column.
    pub fn read(path: &str, on: &str) -> Result<Join> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Join::from_reader(f, path, on)
    }

    /// [`Join::read`] from any reader; `path` names it in messages.
    pub fn from_reader(input: impl std::io::Read, path: &str, on: &str) -> Result<Join> {
        let csv_err = |e| Error::Csv {
            origin: path.into(),
            source: e,
        };
        let mut r = csv::Reader::from_reader(input);
        let headers = crate::ingest::csv_header(&mut r, path)?;
        let key =
            named_column(path, &headers, Some(on), Param::JoinKey)?.expect("a name was given");
        let records: Vec<(u64, csv::StringRecord)> = r
            .records()
            .map(|rec| {
                let rec = rec.map_err(csv_err)?;
                Ok((rec.position().map_or(0, |p| p.line()), rec))
            })
            .collect::<Result<_>>()?;
        // Which columns hold text, and where it first shows.
        let mut text_at: Vec<Option<u64>> = vec![None; headers.len()];
        for (line, rec) in &records {
            for (i, at) in text_at.iter_mut().enumerate() {
                let t = rec.get(i).unwrap_or("").trim();
                if i == key || t.is_empty() || at.is_some() {
                    continue;
                }
                match join_number(t) {
                    Some(v) if !v.is_finite() => {
                        return Err(Error::Row {
                            origin: path.into(),
                            line: *line,
                            column: headers[i].clone(),
                            message: format!("{t:?} is not a finite number"),
                        });
                    }
                    Some(_) => {}
                    None => *at = Some(*line),
                }
            }
        }
        let numeric: Vec<usize> = (0..headers.len())
            .filter(|&i| i != key && text_at[i].is_none())
            .collect();
        let mut rows: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
        for (_, rec) in &records {
            let name = rec.get(key).unwrap_or("").trim().to_string();
            let entry = rows
                .entry(name)
                .or_insert_with(|| vec![None; numeric.len()]);
            for (j, &i) in numeric.iter().enumerate() {
                if let Some(v) = join_number(rec.get(i).unwrap_or("").trim()) {
                    entry[j] = Some(entry[j].unwrap_or(0.0) + v);
                }
            }
        }
        Ok(Join {
            origin: path.into(),
            columns: numeric.iter().map(|&i| headers[i].clone()).collect(),
            text_columns: (0..headers.len())
                .filter_map(|i| text_at[i].map(|l| (headers[i].clone(), l)))
                .collect(),
            rows,
        })
    }
}

/// Accumulated figures for one group.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Points.
    pub count: u64,
    /// Sum of the value column.
    pub value: f64,
    /// Sum of the weight column.
    pub weight: f64,
    /// Points with a location precision code above 1.
    pub imprecise: u64,
    /// Points left out by [`crate::window::Window::max_precision`].
    pub left_out: u64,
    /// Points before the split date.
    pub before: u64,
    /// Points on or after the split date.
    pub after: u64,
    /// Value sum before the split date.
    pub value_before: f64,
    /// Value sum on or after the split date.
    pub value_after: f64,
    /// Points per distance band (last: beyond the last edge).
    pub bands: Vec<u64>,
}

/// One group's identity.
#[derive(Debug, Clone)]
pub struct Group {
    /// The feature's name.
    pub name: String,
    /// Its province, when grouping by district.
    pub province: Option<String>,
    /// Census 2023 population, where there is one.
    pub population: Option<f64>,
    /// Geodesic area, km².
    pub area_km2: Option<f64>,
}

/// The result.
pub struct Summary {
    /// Header of the name column (`district`, `province`, or the layer name).
    pub key: String,
    /// Groups, in the layer's order, then the outside row.
    pub groups: Vec<(Group, Tally)>,
    /// The value column's name (summed).
    pub value: Option<String>,
    /// The weight column name.
    pub weight: Option<String>,
    /// Split date, and the days before it and from it in the window.
    pub split: Option<(NaiveDate, i64, i64)>,
    /// Band edges, km.
    pub bands: Option<Vec<f64>>,
    /// The [`crate::window::Window::max_precision`] applied, if any.
    pub max_precision: Option<u32>,
    /// Joined table.
    pub join: Option<Join>,
    /// Rows read, rejected, outside the date window, left out by precision.
    pub account: Account,
}

/// Where every row went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Account {
    /// Rows read.
    pub rows_in: u64,
    /// Rows rejected (when invalid rows are skipped).
    pub rejected: u64,
    /// Rows outside the [`crate::window::Window`].
    pub outside_window: u64,
    /// Rows left out by [`crate::window::Window::max_precision`].
    pub left_out_imprecise: u64,
    /// Rows counted in a group (including the outside row).
    pub counted: u64,
    /// Rejected rows, for the rejects file.
    pub rejects: Vec<crate::ingest::Reject>,
}

/// What points are grouped by.
#[derive(Debug, Clone, Copy)]
pub enum Grouping<'a> {
    /// The built-in districts: each group has its province, Census 2023
    /// population and area; the name column is `district`.
    Districts,
    /// The built-in provinces and territories; the name column is
    /// `province`.
    Provinces,
    /// The polygon features of any layer; the name column is the layer's
    /// name.
    Layer(&'a Layer),
}

impl<'a> Grouping<'a> {
    /// The layer and the name column's header.
    pub fn resolve(self) -> Result<(&'a Layer, String)> {
        Ok(match self {
            Grouping::Districts => (Catalogue::shared("districts")?, "district".into()),
            Grouping::Provinces => (Catalogue::shared("provinces")?, "province".into()),
            Grouping::Layer(l) => (l, l.name.clone()),
        })
    }
}

/// Summarise `source` by `by` (whose layer must have polygons). Invalid
/// rows are an error, or rejects counted in the [`Account`] when the
/// source reads with [`crate::ingest::ReadOptions::skip_invalid`].
pub fn summarize(source: &mut PointSource, by: Grouping, opts: Options) -> Result<Summary> {
    // The groups first: a layer without polygons is refused before the
    // columns are looked at.
    let mut tallier = Tallier::new(by, opts)?;
    tallier.columns(source.origin(), source.schema())?;
    while let Some(batch) = source.next_batch(crate::row::CHUNK_ROWS)? {
        tallier.add_batch(&batch)?;
    }
    tallier.finish()
}

/// `x` per `unit` of `base` (none without a positive base).
fn per(x: f64, base: Option<f64>, unit: f64) -> Option<f64> {
    base.filter(|b| *b > 0.0).map(|b| x / b * unit)
}

/// `a / b` (none when `b` is not positive).
fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// A number, or null.
fn num(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |x| json!(x))
}

impl Group {
    /// `x` (a count or a sum) per 100,000 people, by the Census 2023
    /// population; `None` without one.
    pub fn per_100k(&self, x: f64) -> Option<f64> {
        per(x, self.population, 1e5)
    }

    /// `x` per 1,000 km² of geodesic area; `None` without an area.
    ///
    /// # Units
    /// Per 1,000 km².
    pub fn per_1000km2(&self, x: f64) -> Option<f64> {
        per(x, self.area_km2, 1e3)
    }
}

impl Tally {
    /// Points on or after the split date less points before it.
    pub fn change(&self) -> i64 {
        self.after as i64 - self.before as i64
    }

    /// Points after over points before the split; `None` when there were
    /// none before.
    pub fn ratio(&self) -> Option<f64> {
        ratio(self.after as f64, self.before as f64)
    }
}

impl Summary {
    /// The group called `name` (as in the name column) and its figures.
    pub fn group(&self, name: &str) -> Option<&(Group, Tally)> {
        self.groups.iter().find(|(g, _)| g.name == name)
    }

    /// Points per 365 days before and after the split date (each `None`
    /// when its window is empty); `None` without a split.
    pub fn per_365d(&self, t: &Tally) -> Option<(Option<f64>, Option<f64>)> {
        let (_, before_days, after_days) = self.split?;
        Some((
            per(t.before as f64, Some(before_days as f64), 365.0),
            per(t.after as f64, Some(after_days as f64), 365.0),
        ))
    }
}

fn band_name(edges: &[f64], i: usize) -> String {
    let f = |x: f64| format!("{x}");
    if i + 1 < edges.len() {
        format!("band_{}_{}km", f(edges[i]), f(edges[i + 1]))
    } else {
        format!("band_{}km_plus", f(edges[i]))
    }
}

impl Summary {
    /// The table: column names and one object per group, in order.
    ///
    /// Columns named after the user's (the value and weight columns and
    /// what is derived from them, the joined table's columns) keep their
    /// names; one of frontier's columns whose name they take gets
    /// `frontier_` in front ([`names`]): with `--value count`, `count` is
    /// the values' sum and `frontier_count` the number of points.
    pub fn table(&self) -> (Vec<String>, Vec<Map<String, Value>>) {
        use names::Row;
        let total: u64 = self.groups.iter().map(|(_, t)| t.count).sum();
        let total_value: f64 = self.groups.iter().map(|(_, t)| t.value).sum();
        let mut rows = Vec::new();
        for (g, t) in &self.groups {
            let mut m = Row::default();
            m.ours(self.key.clone(), json!(g.name));
            if let Some(p) = &g.province {
                m.ours("province", json!(p));
            }
            m.ours(
                "population_2023",
                g.population.map_or(Value::Null, |p| json!(p as u64)),
            );
            m.ours("area_km2", g.area_km2.map_or(Value::Null, |a| json!(a)));
            m.ours("count", json!(t.count));
            m.ours("share", num(ratio(t.count as f64, total as f64)));
            m.ours("per_100k", num(g.per_100k(t.count as f64)));
            m.ours("per_1000km2", num(g.per_1000km2(t.count as f64)));
            if let Some(v) = &self.value {
                m.theirs("value_", v.clone(), json!(t.value));
                m.theirs(
                    "value_",
                    format!("{v}_share"),
                    num(ratio(t.value, total_value)),
                );
                m.theirs("value_", format!("{v}_per_100k"), num(g.per_100k(t.value)));
            }
            if let Some(w) = &self.weight {
                m.theirs("weight_", w.clone(), json!(t.weight));
                m.theirs(
                    "weight_",
                    format!("{w}_per_100k"),
                    num(g.per_100k(t.weight)),
                );
            }
            if self.max_precision.is_some() {
                m.ours("left_out_imprecise", json!(t.left_out));
            } else {
                m.ours("imprecise", json!(t.imprecise));
            }
            if let Some((before, after)) = self.per_365d(t) {
                m.ours("before", json!(t.before));
                m.ours("after", json!(t.after));
                m.ours("change", json!(t.change()));
                m.ours("ratio", num(t.ratio()));
                m.ours("before_per_365d", num(before));
                m.ours("after_per_365d", num(after));
                if let Some(v) = &self.value {
                    m.theirs("value_", format!("{v}_before"), json!(t.value_before));
                    m.theirs("value_", format!("{v}_after"), json!(t.value_after));
                    m.theirs(
                        "value_",
                        format!("{v}_change"),
                        json!(t.value_after - t.value_before),
                    );
                    m.theirs(
                        "value_",
                        format!("{v}_ratio"),
                        num(ratio(t.value_after, t.value_before)),
                    );
                }
            }
            if let Some(edges) = &self.bands {
                for (i, n) in t.bands.iter().enumerate() {
                    m.ours(band_name(edges, i), json!(n));
                }
            }
            if let Some(j) = &self.join {
                let vals = j.rows.get(&g.name);
                for (k, c) in j.columns.iter().enumerate() {
                    let v = vals.and_then(|v| v[k]);
                    m.theirs("join_", c.clone(), v.map_or(Value::Null, |x| json!(x)));
                    m.theirs(
                        "join_",
                        format!("{c}_per_100k"),
                        num(v.and_then(|x| g.per_100k(x))),
                    );
                }
            }
            rows.push(m);
        }
        names::table(rows, None)
    }

    /// Names in the joined table that match no group.
    pub fn unmatched_join_names(&self) -> Vec<String> {
        match &self.join {
            None => Vec::new(),
            Some(j) => j
                .rows
                .keys()
                .filter(|n| !self.groups.iter().any(|(g, _)| &g.name == *n))
                .cloned()
                .collect(),
        }
    }
}
