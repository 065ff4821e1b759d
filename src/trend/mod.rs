//! Event series over time: counts (and a value's sums) per week, month,
//! quarter or year, per area or per category, and whether they changed at
//! a date.
//!
//! Every period of the window is present, with 0 where nothing happened.
//! The window runs from `--from` (or the start of the first event's
//! period) to `--to` (or the end of the last event's period). With a split
//! date, the period holding it is cut in two at the date, so nothing on
//! either side is counted on the other; each part keeps its own number of
//! days.
//!
//! The split tests, per group:
//! - the rates before and after (events per 365 days) and their ratio,
//!   with its exact interval and p-value ([`crate::stats::rate`]);
//! - an interrupted time series: a segmented quasi-Poisson regression of
//!   the counts per period ([`crate::stats::poisson`]), with the log of
//!   each period's days as offset:
//!   `log E[yₜ] = log daysₜ + β₀ + β₁·t + β₂·Dₜ + β₃·(t − t₀)·Dₜ`, where `t`
//!   numbers the periods from 0 (both parts of a cut period share one),
//!   `Dₜ` is 1 on and after the split, and `t₀` is the number of the
//!   period holding the split. exp(β₂) is the jump at the split (a rate
//!   ratio), exp(β₁) the change per period before it, exp(β₃) how much
//!   that per-period change itself changed.

mod period;

use crate::window::Window;
pub use period::Period;

use crate::error::{Error, Param, Result};
use crate::index::PolygonIndex;
use crate::ingest::{Batch, Cell, PointSource, Reject, Schema, named_column};
use crate::stats::poisson::{self, Coefficient};
use crate::stats::rate::{RateComparison, compare_rates};
use crate::summary::{self, Account, Admit, Figures, Needed, OUTSIDE, SumGuard, admit, walk_batch};
use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// What a series is grouped by.
#[derive(Debug, Clone, Copy)]
pub enum Grouping<'a> {
    /// One series of every point.
    All,
    /// The areas of a polygon layer (districts, provinces, any layer):
    /// every feature gets a series, and the points in none get one of
    /// their own (`(outside)`).
    Areas(summary::Grouping<'a>),
    /// The values of a column of the points (e.g. `event_type`), in
    /// alphabetical order; an empty cell is `(empty)`.
    Column(&'a str),
}

/// What to count and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Period length.
    pub period: Period,
    /// Column to sum beside the counts (e.g. fatalities).
    pub value: Option<String>,
    /// The date window (its ends are the series' ends where given), the
    /// split and the precision filter.
    pub window: Window,
}

/// One period of the window (or one part of the period cut by the split).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The period's label (`2021-08`, `2021-W32`, `2021-Q3`, `2021`).
    pub label: String,
    /// First day counted.
    pub start: NaiveDate,
    /// Last day counted.
    pub end: NaiveDate,
    /// Number of the period from 0 (the time in the regression).
    pub t: usize,
    /// With a split: whether the span is on or after it.
    pub after: Option<bool>,
}

impl Span {
    /// Days in the span.
    ///
    /// # Units
    /// Days.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// The segmented regression of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Its {
    /// β₀: log events per day at the first period.
    pub level: Coefficient,
    /// β₁: log change per period before the split.
    pub trend: Coefficient,
    /// β₂: log jump at the split.
    pub level_change: Coefficient,
    /// β₃: log change of the per-period change at the split.
    pub trend_change: Coefficient,
    /// Quasi-Poisson scale φ (1 means Poisson variation; above 1,
    /// overdispersion, which widens the intervals by √φ).
    pub scale: f64,
    /// Spans fitted.
    pub periods: usize,
    /// Number of the period holding the split (t₀).
    pub t0: usize,
    /// Fitted events per span.
    pub fitted: Vec<f64>,
}

/// The before/after comparison of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitTest {
    /// The two rates compared exactly.
    pub rates: RateComparison,
    /// Value sums before and after the split.
    pub value_before: f64,
    /// See `value_before`.
    pub value_after: f64,
    /// The regression, or why it could not be fitted.
    pub its: std::result::Result<Its, String>,
}

/// One group's series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The group's name (`all` when not grouped).
    pub name: String,
    /// Events per span.
    pub counts: Vec<u64>,
    /// Value sums per span.
    pub values: Vec<f64>,
    /// With a split.
    pub test: Option<SplitTest>,
}

/// The result.
#[derive(Debug, Clone)]
pub struct Trend {
    /// Header of the group column (`district`, the column's name, ...);
    /// `None` when not grouped.
    pub key: Option<String>,
    /// The period length.
    pub period: Period,
    /// The spans of the window, in order.
    pub spans: Vec<Span>,
    /// One series per group.
    pub series: Vec<Series>,
    /// The value column's name.
    pub value: Option<String>,
    /// The split date.
    pub split: Option<NaiveDate>,
    /// Where every row went.
    pub account: Account,
}

/// A group and a day in one word, for the per-day tallies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DayKey(u64);

impl DayKey {
    fn new(group: usize, day: NaiveDate) -> DayKey {
        DayKey(((group as u64) << 32) | u64::from(day.num_days_from_ce() as u32))
    }

    fn get(self) -> (usize, NaiveDate) {
        let day =
            NaiveDate::from_num_days_from_ce_opt(self.0 as u32 as i32).expect("a day made by new");
        ((self.0 >> 32) as usize, day)
    }
}

/// A hasher for [`DayKey`]s: one multiplication (Fibonacci hashing); the
/// keys are not chosen by an adversary, so SipHash's cost buys nothing.
#[derive(Default)]
struct DayHasher(u64);

impl std::hash::Hasher for DayHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
}

enum Placer {
    All,
    Areas(Box<PolygonIndex>),
    Column(String),
}

/// A point's group, found on any thread.
enum Place {
    Index(usize),
    Text(String),
}

/// Series being counted.
pub struct Trender {
    key: Option<String>,
    placer: Placer,
    /// Fixed groups (areas and the outside row, or `all`), or the column
    /// values seen so far.
    names: Vec<String>,
    by_text: HashMap<String, usize>,
    /// (group, day) → events and value sum.
    days: HashMap<DayKey, (u64, f64), BuildHasherDefault<DayHasher>>,
    account: Account,
    first: Option<NaiveDate>,
    /// Where the first and last dates were read (file, line), for a window
    /// too long to count.
    first_at: Option<(String, u64)>,
    last_at: Option<(String, u64)>,
    last: Option<NaiveDate>,
    /// Sums kept from overflowing.
    guard: SumGuard,
    opts: Options,
    needs: summary::Options,
}

impl Trender {
    /// Empty series for `by` (whose layer, for areas, must have polygons).
    pub fn new(by: Grouping, opts: Options) -> Result<Trender> {
        let (key, placer, names) = match by {
            Grouping::All => (None, Placer::All, vec!["all".to_string()]),
            Grouping::Areas(g) => {
                let (layer, key) = g.resolve()?;
                layer.require_polygons()?;
                let mut names = layer.labels();
                names.push(OUTSIDE.into());
                (
                    Some(key),
                    Placer::Areas(Box::new(PolygonIndex::new(layer))),
                    names,
                )
            }
            Grouping::Column(c) => (Some(c.to_string()), Placer::Column(c.to_string()), vec![]),
        };
        opts.window.check()?;
        // The tallies see the window without the split: the series cut
        // the period holding it themselves.
        let mut window = opts.window;
        window.split = None;
        let needs = summary::Options {
            value: opts.value.clone(),
            window,
            ..Default::default()
        };
        Ok(Trender {
            key,
            placer,
            names,
            by_text: HashMap::new(),
            days: HashMap::default(),
            account: Account::default(),
            first: None,
            first_at: None,
            last_at: None,
            last: None,
            guard: SumGuard::default(),
            opts,
            needs,
        })
    }

    fn needed(&self, origin: &str, schema: &Schema) -> Result<(Needed, Option<usize>)> {
        if schema.date.is_none() {
            return Err(Error::MissingColumn {
                origin: origin.into(),
                param: Param::Series,
                named: None,
                columns: schema.columns.clone(),
            });
        }
        let needed = Needed::new(origin, schema, &self.needs, true)?;
        let column = match &self.placer {
            Placer::Column(c) => {
                named_column(origin, &schema.columns, Some(c), Param::GroupColumn)?
            }
            _ => None,
        };
        Ok((needed, column))
    }

    /// Count every point of `batch`; unreadable rows are errors, or
    /// rejects when the batch was read skipping invalid rows.
    pub fn add_batch(&mut self, batch: &Batch) -> Result<()> {
        let (needed, column) = self.needed(batch.origin(), batch.schema())?;
        let mut rejects = Vec::new();
        let placer = &self.placer;
        let names = self.names.len();
        let read = walk_batch(
            batch,
            &needed,
            |f, i| {
                let place = match placer {
                    Placer::All => Place::Index(0),
                    Placer::Areas(index) => Place::Index(index.locate(f.at).unwrap_or(names - 1)),
                    Placer::Column(_) => {
                        Place::Text(match batch.cell(column.expect("a column"), i) {
                            Cell::Text(t) => t.trim().to_string(),
                            Cell::Number(v) => v.map(|v| v.to_string()).unwrap_or_default(),
                            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
                            Cell::Missing => String::new(),
                        })
                    }
                };
                (place, i)
            },
            &mut rejects,
        )?;
        for (f, (place, i)) in read {
            let (first, last) = (self.first, self.last);
            if !self.record(&f, place) {
                return Err(needed.overflow(batch, i, &self.guard));
            }
            let at = || Some((batch.origin().to_string(), batch.lines()[i]));
            if self.first != first {
                self.first_at = at();
            }
            if self.last != last {
                self.last_at = at();
            }
        }
        for r in rejects {
            self.reject(r);
        }
        Ok(())
    }

    /// Count a point; false when its value would make a sum overflow.
    fn record(&mut self, f: &Figures, place: Place) -> bool {
        if admit(&self.needs, &mut self.account, f) != Admit::Counted {
            return true;
        }
        if self.guard.add(f).is_err() {
            return false;
        }
        let d = f.date.expect("a series reads every date");
        self.first = Some(self.first.map_or(d, |x| x.min(d)));
        self.last = Some(self.last.map_or(d, |x| x.max(d)));
        let g = match place {
            Place::Index(i) => i,
            Place::Text(t) => {
                let t = if t.is_empty() {
                    "(empty)".to_string()
                } else {
                    t
                };
                let next = self.names.len();
                *self.by_text.entry(t.clone()).or_insert_with(|| {
                    self.names.push(t);
                    next
                })
            }
        };
        let e = self.days.entry(DayKey::new(g, d)).or_default();
        e.0 += 1;
        e.1 += f.value;
        true
    }

    /// An unreadable row: counted in, and kept for the rejects file.
    pub fn reject(&mut self, r: Reject) {
        self.account.rows_in += 1;
        self.account.rejected += 1;
        self.account.rejects.push(r);
    }

    /// Refuse a window whose periods × groups are more counts than any
    /// series needs (a mistyped year, `0021-08-15`, stretches a weekly
    /// window over two thousand years), naming the dates that stretch it.
    fn check_size(&self, periods: usize) -> Result<()> {
        let groups = self.names.len().max(1);
        if periods.saturating_mul(groups) <= MAX_CELLS {
            return Ok(());
        }
        let w = self.opts.window;
        let date_at = |d: Option<NaiveDate>,
                       at: &Option<(String, u64)>,
                       given: Option<NaiveDate>| match (given, d, at) {
            (Some(g), _, _) => format!("{g} (given)"),
            (None, Some(d), Some((_, line))) => format!("{d} (line {line})"),
            (None, Some(d), None) => d.to_string(),
            (None, None, _) => "?".into(),
        };
        let origin = self
            .first_at
            .as_ref()
            .or(self.last_at.as_ref())
            .map_or("points".to_string(), |(o, _)| o.clone());
        Err(Error::Input {
            origin,
            message: format!(
                "the window runs from {} to {}: {} {}s × {} groups = {} counts, more than frontier keeps ({}); check those dates (a mistyped year?), narrow the window with --from/--to, or count per a longer period",
                date_at(self.first, &self.first_at, w.from),
                date_at(self.last, &self.last_at, w.to),
                crate::output::thousands(periods as i64),
                self.opts.period.name(),
                crate::output::thousands(groups as i64),
                crate::output::thousands(periods.saturating_mul(groups) as i64),
                crate::output::thousands(MAX_CELLS as i64),
            ),
        })
    }

    /// The series, and the split tests. A split date outside the window
    /// (no day before it or none from it) is an [`Error::InvalidSetting`].
    pub fn finish(self) -> Result<Trend> {
        let opts = &self.opts;
        let p = opts.period;
        let w = opts.window;
        let start = w.from.or(self.first.map(|d| p.start_of(d)));
        let end =
            w.to.or(self.last.map(|d| p.next(p.start_of(d)) - Days::new(1)));
        let spans = match (start, end) {
            (Some(s), Some(e)) => spans(p, s, e, w.split),
            _ => Vec::new(),
        };
        self.check_size(spans.len())?;
        w.check_split(start, end)?;
        // Groups from a column: alphabetical.
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        if matches!(self.placer, Placer::Column(_)) {
            order.sort_by(|&a, &b| self.names[a].cmp(&self.names[b]));
        }
        let mut rank = vec![0; self.names.len()];
        for (r, &g) in order.iter().enumerate() {
            rank[g] = r;
        }
        let mut series: Vec<Series> = order
            .iter()
            .map(|&g| Series {
                name: self.names[g].clone(),
                counts: vec![0; spans.len()],
                values: vec![0.0; spans.len()],
                test: None,
            })
            .collect();
        for (key, &(n, v)) in &self.days {
            let (g, d) = key.get();
            let k = spans.partition_point(|s| s.start <= d) - 1;
            let s = &mut series[rank[g]];
            s.counts[k] += n;
            s.values[k] += v;
        }
        if w.split.is_some() && !spans.is_empty() {
            for s in &mut series {
                s.test = Some(split_test(&spans, s));
            }
        }
        Ok(Trend {
            key: self.key,
            period: p,
            spans,
            series,
            value: self.opts.value.clone(),
            split: self.opts.window.split,
            account: self.account,
        })
    }
}

/// The spans from `start` to `end`, the period holding `split` cut at it.
fn spans(p: Period, start: NaiveDate, end: NaiveDate, split: Option<NaiveDate>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = p.start_of(start);
    let mut t = 0;
    while at <= end {
        let next = p.next(at);
        let (s, e) = (at.max(start), (next - Days::new(1)).min(end));
        let label = p.label(at);
        match split {
            Some(x) if x > s && x <= e => {
                out.push(Span {
                    label: label.clone(),
                    start: s,
                    end: x - Days::new(1),
                    t,
                    after: Some(false),
                });
                out.push(Span {
                    label,
                    start: x,
                    end: e,
                    t,
                    after: Some(true),
                });
            }
            _ => out.push(Span {
                label,
                start: s,
                end: e,
                t,
                after: split.map(|x| s >= x),
            }),
        }
        at = next;
        t += 1;
    }
    out
}

/// The before/after tests of one series.
fn split_test(spans: &[Span], s: &Series) -> SplitTest {
    let mut n = [0u64; 2];
    let mut days = [0i64; 2];
    let mut value = [0.0; 2];
    for (k, sp) in spans.iter().enumerate() {
        let side = usize::from(sp.after == Some(true));
        n[side] += s.counts[k];
        days[side] += sp.days();
        value[side] += s.values[k];
    }
    let rates = compare_rates(n[0], days[0] as f64, n[1], days[1] as f64);
    SplitTest {
        rates,
        value_before: value[0],
        value_after: value[1],
        its: its(spans, &s.counts),
    }
}

/// The segmented regression of `counts` over `spans`.
fn its(spans: &[Span], counts: &[u64]) -> std::result::Result<Its, String> {
    let t0 = spans
        .iter()
        .find(|s| s.after == Some(true))
        .map_or(0, |s| s.t) as f64;
    let x: Vec<Vec<f64>> = spans
        .iter()
        .map(|s| {
            let t = s.t as f64;
            let d = f64::from(u8::from(s.after == Some(true)));
            vec![1.0, t, d, (t - t0) * d]
        })
        .collect();
    let y: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    let offset: Vec<f64> = spans.iter().map(|s| (s.days() as f64).ln()).collect();
    let before = spans.iter().filter(|s| s.after == Some(false)).count();
    if before < 2 || spans.len() - before < 2 {
        return Err("needs at least 2 periods on each side of the split".into());
    }
    let events_before: u64 = counts[..before].iter().sum();
    let events_after: u64 = counts[before..].iter().sum();
    match (events_before, events_after) {
        (0, 0) => {
            return Err(
                "no events on either side of the split, so the change at it is undefined".into(),
            );
        }
        (0, _) => return Err("no events before the split, so the change at it is infinite".into()),
        (_, 0) => {
            return Err(
                "no events on or after the split, so the change at it is a fall to zero, which a log-linear regression cannot estimate"
                    .into(),
            );
        }
        _ => {}
    }
    let f = poisson::fit(&x, &y, &offset).map_err(|e| e.to_string())?;
    Ok(Its {
        level: f.coefficients[0],
        trend: f.coefficients[1],
        level_change: f.coefficients[2],
        trend_change: f.coefficients[3],
        scale: f.scale,
        periods: f.n,
        t0: t0 as usize,
        fitted: f.fitted,
    })
}

/// The most counts (periods × groups) a trend keeps: 100 years of weeks
/// for 1,000 groups, far beyond any series worth charting.
pub const MAX_CELLS: usize = 5_200_000;

/// Count the points of `source` per period and group.
pub fn trend(source: &mut PointSource, by: Grouping, opts: Options) -> Result<Trend> {
    let mut t = Trender::new(by, opts)?;
    t.needed(source.origin(), source.schema())?;
    while let Some(batch) = source.next_batch(crate::row::CHUNK_ROWS)? {
        t.add_batch(&batch)?;
    }
    t.finish()
}

/// A number, or null when not finite or absent.
fn num(v: Option<f64>) -> Value {
    v.filter(|x| x.is_finite())
        .map_or(Value::Null, |x| json!(x))
}

fn coefficient_json(c: &Coefficient) -> Value {
    let (e, lo, hi) = c.exp();
    json!({
        "coef": c.coef, "se": c.se, "z": c.z, "p_value": c.p_value,
        "ci_low": c.ci_low, "ci_high": c.ci_high,
        "exp": e, "exp_ci_low": lo, "exp_ci_high": hi,
    })
}

impl Its {
    /// The regression as JSON: each term's coefficient (log scale), its
    /// standard error, z, p-value and 95% interval, and exp of each.
    pub fn to_json(&self) -> Value {
        json!({
            "model": "segmented quasi-Poisson regression, log link, offset log(days), scale Pearson chi2/(n-p)",
            "periods": self.periods,
            "scale": self.scale,
            "level": coefficient_json(&self.level),
            "trend": coefficient_json(&self.trend),
            "level_change": coefficient_json(&self.level_change),
            "trend_change": coefficient_json(&self.trend_change),
        })
    }
}

impl Trend {
    /// The series table: one row per span (and group), with `period`,
    /// `start`, `end`, `days`, `side` (with a split), `count` and the value
    /// sum.
    pub fn series_table(&self) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        for s in &self.series {
            for (k, sp) in self.spans.iter().enumerate() {
                let mut m = Map::new();
                if let Some(key) = &self.key {
                    m.insert(key.clone(), json!(s.name));
                }
                m.insert("period".into(), json!(sp.label));
                m.insert("start".into(), json!(sp.start.to_string()));
                m.insert("end".into(), json!(sp.end.to_string()));
                m.insert("days".into(), json!(sp.days()));
                if let Some(after) = sp.after {
                    m.insert("side".into(), json!(if after { "after" } else { "before" }));
                }
                m.insert("count".into(), json!(s.counts[k]));
                if let Some(v) = &self.value {
                    m.insert(v.clone(), json!(s.values[k]));
                }
                rows.push(m);
            }
        }
        let mut cols: Vec<String> = self.key.iter().cloned().collect();
        cols.extend(["period", "start", "end", "days"].map(String::from));
        if self.split.is_some() {
            cols.push("side".into());
        }
        cols.push("count".into());
        cols.extend(self.value.iter().cloned());
        (cols, rows)
    }

    /// The split tests: one row per group. `nested` (for JSON) keeps the
    /// regression as an `its` object and the series as `series`; otherwise
    /// the regression's jump and trend change are flat `its_*` columns.
    pub fn tests_table(&self, nested: bool) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        let (_, series_rows) = self.series_table();
        let per_group = self.spans.len();
        for (gi, s) in self.series.iter().enumerate() {
            let Some(t) = &s.test else { continue };
            let r = &t.rates;
            let mut m = Map::new();
            m.insert(self.key.clone().unwrap_or("group".into()), json!(s.name));
            m.insert("events_before".into(), json!(r.before));
            m.insert("days_before".into(), json!(r.days_before));
            m.insert(
                "per_365d_before".into(),
                json!(r.before as f64 / r.days_before * 365.0),
            );
            m.insert("events_after".into(), json!(r.after));
            m.insert("days_after".into(), json!(r.days_after));
            m.insert(
                "per_365d_after".into(),
                json!(r.after as f64 / r.days_after * 365.0),
            );
            if let Some(v) = &self.value {
                m.insert(format!("{v}_before"), json!(t.value_before));
                m.insert(format!("{v}_after"), json!(t.value_after));
            }
            m.insert("rate_ratio".into(), num(r.rate_ratio));
            m.insert("rate_ratio_ci_low".into(), json!(r.ci_low));
            m.insert("rate_ratio_ci_high".into(), num(r.ci_high));
            m.insert("p_value".into(), json!(r.p_value));
            if nested {
                m.insert(
                    "its".into(),
                    t.its.as_ref().map_or(Value::Null, Its::to_json),
                );
                m.insert(
                    "its_note".into(),
                    t.its.as_ref().err().map_or(Value::Null, |e| json!(e)),
                );
                let rows = &series_rows[gi * per_group..(gi + 1) * per_group];
                let series: Vec<Value> = rows
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        if let Some(k) = &self.key {
                            r.shift_remove(k);
                        }
                        Value::Object(r)
                    })
                    .collect();
                m.insert("series".into(), Value::Array(series));
            } else {
                let its = t.its.as_ref().ok();
                for (name, c) in [
                    ("its_level_change", its.map(|i| i.level_change)),
                    ("its_trend_before", its.map(|i| i.trend)),
                    ("its_trend_change", its.map(|i| i.trend_change)),
                ] {
                    let e = c.map(|c| c.exp());
                    m.insert(name.into(), num(e.map(|e| e.0)));
                    m.insert(format!("{name}_ci_low"), num(e.map(|e| e.1)));
                    m.insert(format!("{name}_ci_high"), num(e.map(|e| e.2)));
                    m.insert(format!("{name}_p"), num(c.map(|c| c.p_value)));
                }
                m.insert("its_scale".into(), num(its.map(|i| i.scale)));
                m.insert(
                    "its_note".into(),
                    json!(t.its.as_ref().err().cloned().unwrap_or_default()),
                );
            }
            rows.push(m);
        }
        let cols = self.tests_columns(nested);
        debug_assert!(rows.iter().all(|m| m.keys().eq(cols.iter())));
        (cols, rows)
    }

    /// The columns of [`Trend::tests_table`], in order (also when there are
    /// no rows: an empty window still has its header).
    fn tests_columns(&self, nested: bool) -> Vec<String> {
        let mut cols: Vec<String> = vec![self.key.clone().unwrap_or("group".into())];
        cols.extend(
            [
                "events_before",
                "days_before",
                "per_365d_before",
                "events_after",
                "days_after",
                "per_365d_after",
            ]
            .map(String::from),
        );
        if let Some(v) = &self.value {
            cols.extend([format!("{v}_before"), format!("{v}_after")]);
        }
        cols.extend(
            [
                "rate_ratio",
                "rate_ratio_ci_low",
                "rate_ratio_ci_high",
                "p_value",
            ]
            .map(String::from),
        );
        if nested {
            cols.extend(["its", "its_note", "series"].map(String::from));
        } else {
            for name in ["its_level_change", "its_trend_before", "its_trend_change"] {
                cols.push(name.into());
                cols.extend(["ci_low", "ci_high", "p"].map(|x| format!("{name}_{x}")));
            }
            cols.extend(["its_scale", "its_note"].map(String::from));
        }
        cols
    }
}
