//! The date window, the split date and the precision filter that every
//! table command shares: summaries, trends, hot spots and the space-time
//! tests read points through the same [`Window`], so they keep and leave
//! out the same points and refuse the same settings.

use crate::error::{Error, Param, Result};
use chrono::NaiveDate;

/// Which points a table command counts, and where it splits them.
///
/// Dates are calendar days as written in the data (no time zone). The
/// window is closed: a point dated `from` or `to` is in it. The split
/// puts a point dated before it *before*, and one dated on or after it
/// *after*.
///
/// ```
/// use chrono::NaiveDate;
/// use frontier::window::Window;
///
/// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
/// let w = Window::new(Some(d("2019-01-01")), Some(d("2024-12-31")), Some(d("2021-08-15")), None)?;
/// assert!(w.contains(d("2021-08-15")) && !w.contains(d("2025-01-01")));
/// // A window that ends before it starts is refused.
/// assert!(Window::new(Some(d("2022-01-01")), Some(d("2021-01-01")), None, None).is_err());
/// # Ok::<(), frontier::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Window {
    /// Keep points on or after this date.
    pub from: Option<NaiveDate>,
    /// Keep points on or before this date.
    pub to: Option<NaiveDate>,
    /// Compare before (earlier than) and after (on or later than) this
    /// date.
    pub split: Option<NaiveDate>,
    /// Leave out points whose location precision code (ACLED
    /// `geo_precision`, UCDP `where_prec`) is above this.
    pub max_precision: Option<u32>,
}

impl Window {
    /// A window, checked ([`Window::check`]).
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        split: Option<NaiveDate>,
        max_precision: Option<u32>,
    ) -> Result<Window> {
        let w = Window {
            from,
            to,
            split,
            max_precision,
        };
        w.check()?;
        Ok(w)
    }

    /// Refuse a window that ends before it starts, and a split that leaves
    /// no day of the window before it or none from it.
    pub fn check(&self) -> Result<()> {
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f > t
        {
            return Err(Error::InvalidSetting {
                param: Param::Date,
                value: format!("{f}..{t}"),
                expected: "the window's start must not be after its end".into(),
            });
        }
        self.check_split(self.from, self.to)
    }

    /// With the window's first and last days (the data's, where the window
    /// leaves them open), refuse a split that leaves no day before it or
    /// none from it: one side would be empty, and every comparison with it
    /// meaningless.
    pub fn check_split(&self, first: Option<NaiveDate>, last: Option<NaiveDate>) -> Result<()> {
        let Some(split) = self.split else {
            return Ok(());
        };
        let (first, last) = (self.from.or(first), self.to.or(last));
        if first.is_some_and(|s| split <= s) || last.is_some_and(|e| split > e) {
            let window = match (first, last) {
                (Some(s), Some(e)) => format!("the window {s} to {e}"),
                (Some(s), None) => format!("the window from {s}"),
                (None, Some(e)) => format!("the window up to {e}"),
                (None, None) => "the window".into(),
            };
            return Err(Error::InvalidSetting {
                param: Param::Split,
                value: split.to_string(),
                expected: format!("the split must leave days on both sides of it in {window}"),
            });
        }
        Ok(())
    }

    /// Whether these settings need each point's date.
    pub fn needs_date(&self) -> bool {
        self.from.is_some() || self.to.is_some() || self.split.is_some()
    }

    /// Whether a point of this date is in the window.
    pub fn contains(&self, d: NaiveDate) -> bool {
        !(self.from.is_some_and(|x| d < x) || self.to.is_some_and(|x| d > x))
    }

    /// Whether a point of this date is after the split (`None` without one).
    pub fn after(&self, d: NaiveDate) -> Option<bool> {
        self.split.map(|s| d >= s)
    }
}
