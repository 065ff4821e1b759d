//! Adding points up per group: from a point file ([`super::summarize`]) or
//! from any figures a client has ([`summarize_figures`]: coordinates and
//! values from arrays, a data frame, a database). Tallies of parts of the
//! same points merge exactly ([`Tallier::merge`]): counts and sums add, and
//! rates are worked out only at the end, so a summary made in pieces (on
//! several cores, or machines) equals the one made at once.

use super::{Account, Group, Grouping, OUTSIDE, Options, Summary, Tally};
use crate::error::{Error, Param, Result};
use crate::geodesy;
use crate::index::PolygonIndex;
use crate::ingest::{Batch, Cell, Reject, Schema, named_column, parse_date};
use crate::query::DistanceIndex;
use chrono::NaiveDate;
use geo::{Coord, Geometry, MultiPolygon};
use rayon::prelude::*;
use serde_json::Value;

/// What is known about one point.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    /// Where (lon/lat degrees).
    pub at: Coord,
    /// The value summed (e.g. fatalities); 0 without one.
    pub value: f64,
    /// The weight summed (e.g. refugee individuals); 0 without one.
    pub weight: f64,
    /// Its date, needed by the date window and the split.
    pub date: Option<NaiveDate>,
    /// Its location precision code, if known.
    pub precision: Option<u32>,
}

/// The additive state of a [`Tallier`] ([`Tallier::parts`]): per-group
/// tallies (the groups in the layer's order, then the outside row) and the
/// row account, without the rejected rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Parts {
    /// Per group, then the points in none.
    pub tallies: Vec<Tally>,
    /// Rows read.
    pub rows_in: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows outside the date window.
    pub outside_window: u64,
    /// Rows left out by precision.
    pub left_out_imprecise: u64,
    /// Rows counted.
    pub counted: u64,
    /// The earliest and latest dates counted.
    pub first: Option<NaiveDate>,
    /// See `first`.
    pub last: Option<NaiveDate>,
}

/// Per-group tallies being added up: points from several sources (or
/// machines) counted apart and merged give the summary of all of them
/// (see the example of [the module](crate::summary)).
pub struct Tallier {
    key: String,
    groups: Vec<Group>,
    index: PolygonIndex,
    bands: Option<(Vec<f64>, DistanceIndex)>,
    max_band_m: Option<f64>,
    tallies: Vec<Tally>,
    account: Account,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    /// Sums kept from overflowing.
    guard: SumGuard,
    pub(super) opts: Options,
}

impl Tallier {
    /// Empty tallies for the groups of `by` (whose layer must have
    /// polygons).
    pub fn new(by: Grouping, opts: Options) -> Result<Tallier> {
        let (layer, key) = by.resolve()?;
        layer.require_polygons()?;
        let index = PolygonIndex::new(layer);
        let bands = opts
            .bands
            .as_ref()
            .map(|(edges, l)| (edges.clone(), DistanceIndex::new(l)));
        let max_band_m = bands
            .as_ref()
            .and_then(|(e, _)| e.last().copied())
            .map(|km| km * 1000.0);
        let groups: Vec<Group> = layer
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| Group {
                name: layer.label(i),
                province: (key == "district")
                    .then(|| f.property_text("province").unwrap_or_default()),
                population: f.properties.get("population_2023").and_then(Value::as_f64),
                area_km2: f
                    .properties
                    .get("area_km2")
                    .and_then(Value::as_f64)
                    .or_else(|| match &f.geometry {
                        Geometry::MultiPolygon(m) => Some(geodesy::area_m2(m) / 1e6),
                        Geometry::Polygon(p) => {
                            Some(geodesy::area_m2(&MultiPolygon::new(vec![p.clone()])) / 1e6)
                        }
                        _ => None,
                    }),
            })
            .collect();
        let nb = bands.as_ref().map_or(0, |(e, _)| e.len());
        let empty = Tally {
            bands: vec![0; nb],
            ..Default::default()
        };
        Ok(Tallier {
            key,
            tallies: vec![empty; groups.len() + 1],
            groups,
            index,
            bands,
            max_band_m,
            account: Account::default(),
            first: None,
            guard: SumGuard::default(),
            last: None,
            opts,
        })
    }

    /// Whether the options need each point's date.
    pub fn needs_date(&self) -> bool {
        self.opts.needs_date()
    }

    /// The group holding `at` and its distance band, if any (no change to
    /// the tallies: call it from any thread).
    pub fn place(&self, at: Coord) -> (Option<usize>, Option<usize>) {
        let band = self.bands.as_ref().map(|(edges, idx)| {
            // (A point that is not on the globe has no distance: it goes
            // with the farthest, as it goes in no group.)
            let d_km = idx
                .nearest(at, self.max_band_m)
                .ok()
                .flatten()
                .map_or(f64::INFINITY, |h| h.distance_m / 1000.0);
            edges
                .iter()
                .rposition(|&e| d_km >= e)
                .map_or(0, |i| i.min(edges.len() - 1))
        });
        (self.index.locate(at), band)
    }

    /// Count a point whose place ([`Tallier::place`]) is known; false
    /// when its value or weight would make a sum overflow (then it is
    /// not counted: the caller reports it).
    pub fn record(&mut self, f: &Figures, (group, band): (Option<usize>, Option<usize>)) -> bool {
        let admitted = admit(&self.opts, &mut self.account, f);
        if admitted == Admit::OutsideWindow {
            return true;
        }
        if admitted == Admit::Counted && self.guard.add(f).is_err() {
            return false;
        }
        if let Some(d) = f.date {
            self.first = Some(self.first.map_or(d, |x| x.min(d)));
            self.last = Some(self.last.map_or(d, |x| x.max(d)));
        }
        let t = &mut self.tallies[group.unwrap_or(self.groups.len())];
        if admitted == Admit::Imprecise {
            t.left_out += 1;
            return true;
        }
        t.add(f, self.opts.window.split);
        if let Some(b) = band {
            t.bands[b] += 1;
        }
        true
    }

    /// The columns the options need among `schema`'s: an error names
    /// `origin` and the missing column.
    pub(super) fn columns(&self, origin: &str, schema: &Schema) -> Result<Needed> {
        Needed::new(origin, schema, &self.opts, self.needs_date())
    }

    /// Count every point of `batch` (placed on every core) and keep its
    /// rejects. A value that cannot be read (a sum's cell that is not a
    /// number, a date that is not a date) is an [`Error::Row`] naming the
    /// row and column, or a reject when the batch was read skipping
    /// invalid rows ([`crate::ingest::ReadOptions::skip_invalid`]).
    pub fn add_batch(&mut self, batch: &Batch) -> Result<()> {
        let needed = self.columns(batch.origin(), batch.schema())?;
        let mut rejects = Vec::new();
        let places = walk_batch(batch, &needed, |f, i| (self.place(f.at), i), &mut rejects)?;
        for (f, (place, i)) in places {
            if !self.record(&f, place) {
                return Err(needed.overflow(batch, i, &self.guard));
            }
        }
        for r in rejects {
            self.reject(r);
        }
        Ok(())
    }

    /// Count every point of `figures` (placed on every core). Values so
    /// large that their sums would overflow are an [`Error::Input`] naming
    /// the point (from 1).
    pub fn add(&mut self, figures: &[Figures]) -> Result<()> {
        let places: Vec<_> = figures.par_iter().map(|f| self.place(f.at)).collect();
        for (i, (f, p)) in figures.iter().zip(places).enumerate() {
            if !self.record(f, p) {
                return Err(Error::Input {
                    origin: "figures".into(),
                    message: format!("point {}: {}", i + 1, self.guard.message()),
                });
            }
        }
        Ok(())
    }

    /// The rejected rows kept so far, taken out (their count stays in the
    /// account): a client that reports them itself takes them before
    /// [`Tallier::parts`] or [`Tallier::finish`].
    pub fn take_rejects(&mut self) -> Vec<Reject> {
        std::mem::take(&mut self.account.rejects)
    }

    /// An unreadable row: counted in, and kept for the rejects file.
    pub fn reject(&mut self, r: crate::ingest::Reject) {
        self.account.rows_in += 1;
        self.account.rejected += 1;
        self.account.rejects.push(r);
    }

    /// Add the tallies of `other`, made with the same grouping and options
    /// over other points (its rejects too); tallies of another grouping
    /// are an [`Error::Input`] ([`Tallier::add_parts`]).
    pub fn merge(&mut self, mut other: Tallier) -> Result<()> {
        let rejects = std::mem::take(&mut other.account.rejects);
        self.add_parts(other.parts())?;
        self.account.rejects.extend(rejects);
        Ok(())
    }

    /// What has been added up so far, without the rejected rows
    /// themselves: plain numbers that a worker can send back (they
    /// serialise with serde) to be merged with [`Tallier::add_parts`].
    pub fn parts(&self) -> Parts {
        let a = &self.account;
        Parts {
            tallies: self.tallies.clone(),
            rows_in: a.rows_in,
            rejected: a.rejected,
            outside_window: a.outside_window,
            left_out_imprecise: a.left_out_imprecise,
            counted: a.counted,
            first: self.first,
            last: self.last,
        }
    }

    /// Add the [`Tallier::parts`] of tallies made elsewhere with the same
    /// grouping and options. Counts and sums add, the date range widens,
    /// and rates are worked out only by [`Tallier::finish`], so parts
    /// merged in any grouping give the summary made at once (sums of
    /// whole numbers exactly; other sums up to rounding). Parts of another
    /// grouping (a different number of groups or bands) are an
    /// [`Error::Input`].
    pub fn add_parts(&mut self, p: Parts) -> Result<()> {
        let same_shape = p.tallies.len() == self.tallies.len()
            && p.tallies
                .iter()
                .zip(&self.tallies)
                .all(|(a, b)| a.bands.len() == b.bands.len());
        if !same_shape {
            return Err(Error::Input {
                origin: "summary parts".into(),
                message: format!(
                    "made for {} groups, these tallies have {}",
                    p.tallies.len(),
                    self.tallies.len()
                ),
            });
        }
        for (t, o) in self.tallies.iter_mut().zip(p.tallies) {
            t.count += o.count;
            t.value += o.value;
            t.weight += o.weight;
            t.imprecise += o.imprecise;
            t.left_out += o.left_out;
            t.before += o.before;
            t.after += o.after;
            t.value_before += o.value_before;
            t.value_after += o.value_after;
            for (b, ob) in t.bands.iter_mut().zip(o.bands) {
                *b += ob;
            }
        }
        let a = &mut self.account;
        a.rows_in += p.rows_in;
        a.rejected += p.rejected;
        a.outside_window += p.outside_window;
        a.left_out_imprecise += p.left_out_imprecise;
        a.counted += p.counted;
        self.first = self.first.into_iter().chain(p.first).min();
        self.last = self.last.into_iter().chain(p.last).max();
        let overflowed = self.tallies.iter().any(|t| {
            ![t.value, t.weight, t.value_before, t.value_after]
                .iter()
                .all(|x| x.is_finite())
        });
        if overflowed {
            return Err(Error::Input {
                origin: "summary parts".into(),
                message: SumGuard::default()
                    .message()
                    .replace("at this row", "when the parts were merged"),
            });
        }
        Ok(())
    }

    /// The summary: the groups in the layer's order, then the points in
    /// none of them.
    /// A split that leaves one side of the window empty is an
    /// [`Error::InvalidSetting`] ([`crate::window::Window::check_split`]).
    pub fn finish(mut self) -> Result<Summary> {
        let opts = self.opts;
        let w = opts.window;
        w.check_split(self.first, self.last)?;
        let split = w.split.map(|s| {
            let start = w.from.or(self.first).unwrap_or(s);
            let end = w.to.or(self.last).unwrap_or(s);
            (
                s,
                (s - start).num_days().max(0),
                (end - s).num_days().max(-1) + 1,
            )
        });
        let outside = self.tallies.pop().expect("outside tally");
        let mut groups: Vec<(Group, Tally)> = self.groups.into_iter().zip(self.tallies).collect();
        groups.push((
            Group {
                name: OUTSIDE.into(),
                province: (self.key == "district").then(String::new),
                population: None,
                area_km2: None,
            },
            outside,
        ));
        Ok(Summary {
            key: self.key,
            groups,
            value: opts.value,
            weight: opts.weight,
            split,
            bands: opts.bands.map(|(e, _)| e),
            max_precision: w.max_precision,
            join: opts.join,
            account: self.account,
        })
    }
}

/// A guard against sums that overflow: the running totals of the
/// magnitudes of every value and weight counted. While they are finite, no
/// sum of any of those values (a group's, a period's, one side of a split)
/// can overflow, whatever the grouping; a point that would make one
/// infinite is refused rather than summed into an empty cell.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SumGuard([f64; 2]);

impl SumGuard {
    /// Add a counted point's value and weight; an error when a total
    /// would no longer be finite (the totals are then left as they were,
    /// but for the one that overflowed).
    pub(crate) fn add(&mut self, f: &Figures) -> std::result::Result<(), ()> {
        self.0[0] += f.value.abs();
        self.0[1] += f.weight.abs();
        if self.0[0].is_finite() && self.0[1].is_finite() {
            Ok(())
        } else {
            Err(())
        }
    }

    /// Why a point was refused.
    pub(crate) fn message(&self) -> String {
        format!(
            "the values of this column add up beyond the largest number a sum can hold ({:e}) at this row; frontier does not sum them into an infinite or empty result",
            f64::MAX
        )
    }
}

/// What the date window and the precision filter make of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Outside the [`Window`].
    OutsideWindow,
    /// Left out by [`Window::max_precision`].
    Imprecise,
    /// Counted.
    Counted,
}

/// Put a point read into `account` (read, and outside the window, left
/// out by precision or counted) and say which.
pub(crate) fn admit(opts: &Options, account: &mut Account, f: &Figures) -> Admit {
    account.rows_in += 1;
    if let Some(d) = f.date
        && !opts.window.contains(d)
    {
        account.outside_window += 1;
        return Admit::OutsideWindow;
    }
    if let (Some(max), Some(p)) = (opts.window.max_precision, f.precision)
        && p > max
    {
        account.left_out_imprecise += 1;
        return Admit::Imprecise;
    }
    account.counted += 1;
    Admit::Counted
}

impl Tally {
    /// Count a point that passed the filters; `split` divides it into
    /// before and after by its date.
    pub(crate) fn add(&mut self, f: &Figures, split: Option<NaiveDate>) {
        self.count += 1;
        self.value += f.value;
        self.weight += f.weight;
        if f.precision.is_some_and(|p| p > 1) {
            self.imprecise += 1;
        }
        if let (Some(s), Some(d)) = (split, f.date) {
            if d < s {
                self.before += 1;
                self.value_before += f.value;
            } else {
                self.after += 1;
                self.value_after += f.value;
            }
        }
    }
}

/// Read every row of `batch`: its figures and its place (worked out on
/// every core by `place`, given the figures and the row), in input order.
/// A value that cannot be read is an [`Error::Row`] naming the row and
/// column, or, when the batch was read skipping invalid rows, a reject
/// added to `rejects` with the reader's own, in input order.
pub(crate) fn walk_batch<P: Send>(
    batch: &Batch,
    needed: &Needed,
    place: impl Fn(&Figures, usize) -> P + Sync,
    rejects: &mut Vec<Reject>,
) -> Result<Vec<(Figures, P)>> {
    let skip_invalid = batch.skips_invalid();
    let answers: Vec<_> = (0..batch.len())
        .into_par_iter()
        .map(|i| {
            let f = needed.figures(batch, i)?;
            let p = place(&f, i);
            Ok((f, p))
        })
        .collect();
    let first = rejects.len();
    rejects.extend_from_slice(batch.rejects());
    let unsorted = rejects.len() > first;
    let mut read = Vec::with_capacity(answers.len());
    for (i, ans) in answers.into_iter().enumerate() {
        match ans {
            Ok(x) => read.push(x),
            Err((column, message)) if !skip_invalid => {
                return Err(Error::Row {
                    origin: batch.origin().to_string(),
                    line: batch.lines()[i],
                    column,
                    message,
                });
            }
            Err((column, reason)) => rejects.push(Reject {
                line: batch.lines()[i],
                column,
                reason,
                fields: batch.fields(i),
            }),
        }
    }
    if unsorted {
        // The reader's rejects and the unreadable values, in input order.
        rejects[first..].sort_by_key(|r| r.line);
    }
    Ok(read)
}

/// The columns a summary reads, by schema index.
pub(crate) struct Needed {
    value: Option<usize>,
    weight: Option<usize>,
    date: Option<usize>,
    precision: Option<usize>,
    /// Every precision code must be read (points are left out by it).
    strict_precision: bool,
}

type Bad = (String, String);

impl Needed {
    /// The columns `opts` needs among `schema`'s (the date when
    /// `needs_date`): an error names `origin` and the missing column.
    pub(crate) fn new(
        origin: &str,
        schema: &Schema,
        opts: &Options,
        needs_date: bool,
    ) -> Result<Needed> {
        let value = named_column(origin, &schema.columns, opts.value.as_deref(), Param::Value)?;
        let weight = named_column(
            origin,
            &schema.columns,
            opts.weight.as_deref(),
            Param::Weight,
        )?;
        let missing = |param| Error::MissingColumn {
            origin: origin.to_string(),
            param,
            named: None,
            columns: schema.columns.clone(),
        };
        let date = match &opts.date {
            Some(name) => named_column(origin, &schema.columns, Some(name), Param::Date)?,
            None => schema.date,
        };
        if needs_date && date.is_none() {
            return Err(missing(Param::Date));
        }
        if opts.window.max_precision.is_some() && schema.precision.is_none() {
            return Err(missing(Param::Precision));
        }
        Ok(Needed {
            value,
            weight,
            date: date.filter(|_| needs_date),
            precision: schema.precision,
            strict_precision: opts.window.max_precision.is_some(),
        })
    }

    /// The error for a point `i` of `batch` whose value or weight would
    /// make a sum overflow, naming the column and line.
    pub(crate) fn overflow(&self, batch: &Batch, i: usize, guard: &SumGuard) -> Error {
        let col = if guard.0[0].is_finite() {
            self.weight
        } else {
            self.value
        };
        Error::Row {
            origin: batch.origin().to_string(),
            line: batch.lines()[i],
            column: col.map_or_else(String::new, |c| batch.schema().columns[c].clone()),
            message: guard.message(),
        }
    }

    /// The figures of point `i`; the error is (column, reason).
    pub(crate) fn figures(&self, b: &Batch, i: usize) -> std::result::Result<Figures, Bad> {
        let name = |c: usize| b.schema().columns[c].clone();
        let number = |col: Option<usize>| -> std::result::Result<f64, Bad> {
            let Some(c) = col else { return Ok(0.0) };
            match b.cell(c, i) {
                Cell::Number(Some(v)) if v.is_finite() => Ok(v),
                Cell::Number(Some(v)) => Err((name(c), format!("not a number: {v}"))),
                Cell::Text(t) if !t.trim().is_empty() => {
                    let t = t.trim();
                    t.parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| (name(c), format!("not a number: {t:?}")))
                }
                Cell::Date(Some(d)) => Err((name(c), format!("not a number: {d}"))),
                _ => Err((name(c), "empty value".into())),
            }
        };
        let value = number(self.value)?;
        let weight = number(self.weight)?;
        let date = match self.date {
            None => None,
            Some(c) => Some(match b.cell(c, i) {
                Cell::Date(Some(d)) => d,
                Cell::Text(t) => parse_date(&t).ok_or_else(|| {
                    (
                        name(c),
                        format!("not a date: {t:?} (expected e.g. 2021-08-15 or 15 August 2021)"),
                    )
                })?,
                Cell::Number(Some(v)) => return Err((name(c), format!("not a date: {v}"))),
                _ => return Err((name(c), "empty date".into())),
            }),
        };
        let precision = match self.precision {
            None => None,
            Some(c) => {
                let code = match b.cell(c, i) {
                    Cell::Text(t) => {
                        let t = t.trim();
                        if t.is_empty() {
                            Err("empty precision code".to_string())
                        } else {
                            t.parse::<u32>().map_err(|_| {
                                format!("precision code is not a whole number 0 or more: {t:?}")
                            })
                        }
                    }
                    Cell::Number(Some(v))
                        if v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 =>
                    {
                        Ok(v as u32)
                    }
                    Cell::Number(Some(v)) => Err(format!(
                        "precision code is not a whole number 0 or more: {v}"
                    )),
                    _ => Err("empty precision code".to_string()),
                };
                match code {
                    Ok(p) => Some(p),
                    // Leaving rows out by precision needs every code read:
                    // a code that is not a whole number is a bad row.
                    Err(e) if self.strict_precision => return Err((name(c), e)),
                    Err(_) => None,
                }
            }
        };
        Ok(Figures {
            at: b.coords()[i],
            value,
            weight,
            date,
            precision,
        })
    }
}

/// The figures of every point of `batch` that `opts` asks for (the value
/// and weight columns, the date when `opts` has a window or a split,
/// the precision code), in input order, and the rows whose figures cannot
/// be read, for a client that keeps points in memory and counts them
/// again and again ([`Tallier::record`], with places found once by
/// [`Tallier::place`]). A value that cannot be read is an [`Error::Row`]
/// naming the row and column, or, when the batch was read skipping
/// invalid rows, one of the rejects returned (with the reader's own, in
/// input order).
pub fn read_figures(batch: &Batch, opts: &Options) -> Result<(Vec<Figures>, Vec<Reject>)> {
    let needed = Needed::new(batch.origin(), batch.schema(), opts, opts.needs_date())?;
    let mut rejects = Vec::new();
    let read = walk_batch(batch, &needed, |_, _| (), &mut rejects)?;
    Ok((read.into_iter().map(|(f, ())| f).collect(), rejects))
}

/// Summarise points in a [`Batch`] (from arrays, a data frame, a file):
/// the same summary as [`super::summarize`] gives for a file of the same
/// points.
pub fn summarize_batch(batch: &Batch, by: Grouping, opts: Options) -> Result<Summary> {
    let mut t = Tallier::new(by, opts)?;
    t.add_batch(batch)?;
    t.finish()
}

/// Summarise points given as figures (no file): the same summary as
/// [`super::summarize`] gives for a file of the same points.
pub fn summarize_figures(figures: &[Figures], by: Grouping, opts: Options) -> Result<Summary> {
    let mut t = Tallier::new(by, opts)?;
    t.add(figures)?;
    t.finish()
}
