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
mod table;

use crate::window::Window;
pub use period::Period;

use crate::error::{Error, Param, Result};
use crate::index::PolygonIndex;
use crate::ingest::{Batch, Cell, PointSource, Reject, Schema, named_column};
use crate::stats::poisson::{self, Coefficient};
use crate::stats::rate::{RateComparison, compare_rates};
use crate::summary::{self, Account, Admit, Figures, Needed, OUTSIDE, SumGuard, admit, walk_batch};
use chrono::{Datelike, Days, NaiveDate};
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
#[non_exhaustive]
pub struct Options {
    /// Period length.
    pub period: Period,
    /// Column to sum beside the counts (e.g. fatalities).
    pub value: Option<String>,
    /// The date window (its ends are the series' ends where given), the
    /// split and the precision filter.
    pub window: Window,
    /// The date column, by name; otherwise the one found by name.
    pub date: Option<String>,
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
    /// Whether the groups are the values of one of the points' columns
    /// (its name is the user's: see [`crate::summary::names`]).
    pub by_column: bool,
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
            date: opts.date.clone(),
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
        if schema.date.is_none() && self.opts.date.is_none() {
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

    /// Count points whose figures are known (read with
    /// [`summary::read_figures`] with this trend's value column and a
    /// date), each with its area as [`summary::Tallier::place`] finds it
    /// for the same layer (`None`: in no area). The areas are ignored
    /// when not grouped ([`Grouping::All`]); a grouping by a column needs
    /// the rows ([`Trender::add_batch`]) and is an
    /// [`Error::InvalidSetting`]. A point without a date is left out of
    /// the series and counted as outside the window.
    pub fn add_figures<'f>(
        &mut self,
        points: impl IntoIterator<Item = (&'f Figures, Option<usize>)>,
    ) -> Result<()> {
        let outside = self.names.len().saturating_sub(1);
        let areas = match self.placer {
            Placer::All => false,
            Placer::Areas(_) => true,
            Placer::Column(ref c) => {
                return Err(Error::InvalidSetting {
                    param: Param::GroupColumn,
                    value: c.clone(),
                    expected: "series by area or of every point; a column's series need the rows"
                        .into(),
                });
            }
        };
        for (f, area) in points {
            if f.date.is_none() {
                self.account.rows_in += 1;
                self.account.outside_window += 1;
                continue;
            }
            let g = if areas { area.unwrap_or(outside) } else { 0 };
            if !self.record(f, Place::Index(g)) {
                return Err(Error::Input {
                    origin: "figures".into(),
                    message: "a sum of the value column would overflow".into(),
                });
            }
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
                s.test = Some(split_test(&spans, s)?);
            }
        }
        Ok(Trend {
            by_column: matches!(self.placer, Placer::Column(_)),
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
fn split_test(spans: &[Span], s: &Series) -> Result<SplitTest> {
    let mut n = [0u64; 2];
    let mut days = [0i64; 2];
    let mut value = [0.0; 2];
    for (k, sp) in spans.iter().enumerate() {
        let side = usize::from(sp.after == Some(true));
        n[side] += s.counts[k];
        days[side] += sp.days();
        value[side] += s.values[k];
    }
    let rates = compare_rates(n[0], days[0] as f64, n[1], days[1] as f64)?;
    Ok(SplitTest {
        rates,
        value_before: value[0],
        value_after: value[1],
        its: its(spans, &s.counts),
    })
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
///
/// # Examples
/// Four events per month, all together and per event type; July, with
/// none, is there with 0:
/// ```
/// use frontier::ingest::{FormatHint, PointSource, ReadOptions};
/// use frontier::trend::{Grouping, Options, Period, trend};
///
/// let csv = "event_date,latitude,longitude,event_type\n\
///            2021-06-03,34.01,71.58,Battles\n\
///            2021-06-20,33.00,70.07,Battles\n\
///            2021-08-02,30.19,67.01,Riots\n\
///            2021-09-14,34.01,71.58,Battles\n";
/// let read = |text: &'static str| {
///     PointSource::from_reader(Box::new(text.as_bytes()), "e.csv", FormatHint::None, &ReadOptions::default())
/// };
/// let mut monthly = Options::default();
/// monthly.period = Period::Month;
/// let all = trend(&mut read(csv)?, Grouping::All, monthly.clone())?;
/// let labels: Vec<&str> = all.spans.iter().map(|s| s.label.as_str()).collect();
/// assert_eq!(labels, ["2021-06", "2021-07", "2021-08", "2021-09"]);
/// assert_eq!(all.series[0].counts, [2, 0, 1, 1]);
///
/// let by_type = trend(&mut read(csv)?, Grouping::Column("event_type"), monthly)?;
/// let riots = by_type.series.iter().find(|s| s.name == "Riots").unwrap();
/// assert_eq!(riots.counts, [0, 0, 1, 0]);
/// assert_eq!(by_type.account.counted, 4);
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn trend(source: &mut PointSource, by: Grouping, opts: Options) -> Result<Trend> {
    let mut t = Trender::new(by, opts)?;
    t.needed(source.origin(), source.schema())?;
    while let Some(batch) = source.next_batch(crate::row::CHUNK_ROWS)? {
        t.add_batch(&batch)?;
    }
    t.finish()
}
