//! The page's filters, as query parameters: a date window (`from`, `to`),
//! a split date (`split`), a precision limit (`max_precision`), values of
//! text columns (`f.COLUMN=VALUE`, repeatable), and a distance band
//! (`within`, a distance of the Durand Line: `25km`, `500m`, `10mi`, a
//! bare number in km, read as the command line reads `--within`). The window, split and precision go
//! to the library's summaries as the command line's `--from`, `--to`,
//! `--split` and `--max-precision`; the columns' values choose which
//! points are given to them.

use super::query::{ApiError, Query};
use super::state::Dataset;
use super::tileindex::{self, NO_DAY, NO_PRECISION};
use chrono::NaiveDate;
use frontier::window::Window;

/// The widest band of `within`, km.
const MAX_WITHIN_KM: f64 = 20_000.0;

/// What the page filters by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Keep points on or after this date.
    pub from: Option<NaiveDate>,
    /// Keep points on or before this date.
    pub to: Option<NaiveDate>,
    /// Before/after this date.
    pub split: Option<NaiveDate>,
    /// Leave out points whose precision code is above this.
    pub max_precision: Option<u32>,
    /// Per coded column (index into [`Dataset::categories`]): the values
    /// kept.
    pub columns: Vec<(usize, Vec<bool>)>,
    /// Keep points within this many metres of the Durand Line.
    pub within_m: Option<f64>,
}

impl Filter {
    /// Read the filters of `q` for dataset `d`.
    pub fn parse(q: &Query, d: &Dataset) -> Result<Filter, ApiError> {
        let mut f = Filter {
            from: q.date("from")?,
            to: q.date("to")?,
            split: q.date("split")?,
            max_precision: q
                .uint("max_precision", 0..=u64::from(u32::MAX))?
                .map(|p| p as u32),
            ..Default::default()
        };
        if (f.from.is_some() || f.to.is_some() || f.split.is_some()) && d.schema.date.is_none() {
            return Err(ApiError::bad(format!(
                "from/to/split: {} has no date column",
                d.name
            )));
        }
        if f.max_precision.is_some() && d.schema.precision.is_none() {
            return Err(ApiError::bad(format!(
                "max_precision: {} has no precision column",
                d.name
            )));
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err(ApiError::bad(format!("from={a} is after to={b}")));
        }
        if let Some(m) = q.distance("within")? {
            if m > MAX_WITHIN_KM * 1000.0 {
                return Err(ApiError::bad(format!(
                    "within={:?}: give at most {MAX_WITHIN_KM} km (half the way round the Earth)",
                    q.get("within")?.unwrap_or_default()
                )));
            }
            f.within_m = Some(m);
        }
        f.columns = columns(q, d, "f.")?;
        Ok(f)
    }

    /// The filters of another point layer `d` shown with these: the same
    /// dates (when `d` has a date column) and band, and its own values
    /// (`f<ID>.COLUMN=VALUE`, e.g. `f1.event_type=Battles`).
    pub fn for_layer(&self, q: &Query, d: &Dataset) -> Result<Filter, ApiError> {
        let dated = d.schema.date.is_some();
        Ok(Filter {
            from: self.from.filter(|_| dated),
            to: self.to.filter(|_| dated),
            split: None,
            max_precision: self.max_precision.filter(|_| d.schema.precision.is_some()),
            columns: columns(q, d, &format!("f{}.", d.id))?,
            within_m: self.within_m,
        })
    }

    /// Whether point `i` has the column values asked for.
    pub fn keeps_values(&self, d: &Dataset, i: usize) -> bool {
        self.columns
            .iter()
            .all(|(k, keep)| keep[d.categories[*k].codes[i] as usize])
    }

    /// Whether point `i` is shown: its values, date window, precision and
    /// distance band.
    pub fn keeps(&self, d: &Dataset, i: usize, durand: Option<&[f64]>) -> bool {
        if !self.keeps_values(d, i) {
            return false;
        }
        let f = &d.figures[i];
        if let Some(day) = f.date
            && (self.from.is_some_and(|x| day < x) || self.to.is_some_and(|x| day > x))
        {
            return false;
        }
        if let (Some(max), Some(p)) = (self.max_precision, f.precision)
            && p > max
        {
            return false;
        }
        match (self.within_m, durand) {
            (Some(m), Some(dm)) => dm[i] <= m,
            _ => true,
        }
    }

    /// [`Filter::keeps`] for the point at `s` in tile order (the date and
    /// precision read from the tile index, in memory order).
    pub fn keeps_at(&self, d: &Dataset, s: usize, durand: Option<&[f64]>) -> bool {
        let t = &d.tiles;
        let day = t.day[s];
        if day != NO_DAY
            && (self.from.is_some_and(|x| day < tileindex::day(x))
                || self.to.is_some_and(|x| day > tileindex::day(x)))
        {
            return false;
        }
        let p = t.precision[s];
        if let Some(max) = self.max_precision
            && p != NO_PRECISION
            && u32::from(p) > max
        {
            return false;
        }
        let i = t.point[s] as usize;
        if !self.keeps_values(d, i) {
            return false;
        }
        match (self.within_m, durand) {
            (Some(m), Some(dm)) => dm[i] <= m,
            _ => true,
        }
    }

    /// The library's window for these filters (checked as the command
    /// line checks `--from`, `--to`, `--split` and `--max-precision`).
    pub fn window(&self) -> Result<Window, ApiError> {
        Ok(Window::new(
            self.from,
            self.to,
            self.split,
            self.max_precision,
        )?)
    }

    /// The summaries' options for these filters.
    pub fn summary_options(&self, d: &Dataset) -> Result<frontier::summary::Options, ApiError> {
        let mut opts = frontier::summary::Options::default();
        opts.value = d.value.clone();
        opts.window = self.window()?;
        Ok(opts)
    }

    /// The hot-spot analysis's options for these filters (queen
    /// neighbours, 999 permutations from seed 12345, as the command line's
    /// defaults).
    pub fn hotspot_options(&self) -> Result<frontier::hotspots::Options, ApiError> {
        let mut opts = frontier::hotspots::Options::default();
        opts.window = self.window()?;
        Ok(opts)
    }

    /// A text that names these filters (for caches).
    pub fn key(&self) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|(k, keep)| {
                let on: Vec<String> = keep
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b)
                    .map(|(i, _)| i.to_string())
                    .collect();
                format!("{k}:{}", on.join(","))
            })
            .collect();
        format!(
            "{:?}|{:?}|{:?}|{:?}|{}",
            self.from,
            self.to,
            self.max_precision,
            self.within_m,
            cols.join(";")
        )
    }
}

/// The values of `d`'s text columns kept (`PREFIX COLUMN=VALUE`,
/// repeatable), per coded column.
fn columns(q: &Query, d: &Dataset, prefix: &str) -> Result<Vec<(usize, Vec<bool>)>, ApiError> {
    let mut out: Vec<(usize, Vec<bool>)> = Vec::new();
    for (col, value) in q.prefixed(prefix) {
        let Some(k) = d.categories.iter().position(|c| c.name == col) else {
            let names: Vec<&str> = d.categories.iter().map(|c| c.name.as_str()).collect();
            return Err(ApiError::bad(format!(
                "{prefix}{col}: {} has no column {col:?} to filter by (columns: {})",
                d.name,
                names.join(", ")
            )));
        };
        let c = &d.categories[k];
        let Some(code) = c.labels.iter().position(|l| l == value) else {
            return Err(ApiError::bad(format!(
                "{prefix}{col}={value:?}: no point of {} has this value",
                d.name
            )));
        };
        let at = match out.iter().position(|(i, _)| *i == k) {
            Some(at) => at,
            None => {
                out.push((k, vec![false; c.labels.len()]));
                out.len() - 1
            }
        };
        out[at].1[code] = true;
    }
    Ok(out)
}
