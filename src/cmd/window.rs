//! The date window, the split and the precision filter: one group of flags
//! for every table command (`summarize`, `trend`, `hotspots` and the
//! space-time tests), turned into the library's [`frontier::window::Window`].

use super::CmdError;
use frontier::ingest::parse_date;

/// A date as the flags take it.
pub(super) fn date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    parse_date(s).ok_or_else(|| format!("{s:?} is not a date (e.g. 2021-08-15 or 15 August 2021)"))
}

/// The window flags.
#[derive(Debug, Default, clap::Args)]
#[command(next_help_heading = "Date window and filters")]
pub struct Window {
    /// Keep points on or after this date (e.g. 2019-01-01).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub from: Option<chrono::NaiveDate>,
    /// Keep points on or before this date (e.g. 2024-12-31).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub to: Option<chrono::NaiveDate>,
    /// Compare before (earlier than) and after (on or later than) this date, e.g. 2021-08-15; it must leave days of the window on both sides.
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub split: Option<chrono::NaiveDate>,
    /// Leave out points whose precision code (ACLED geo_precision, UCDP where_prec) is above N.
    #[arg(long, value_name = "N")]
    pub max_precision: Option<u32>,
    /// The date column (default: found by name: event_date, date_start, date).
    #[arg(long, value_name = "COL")]
    pub date: Option<String>,
}

impl Window {
    /// The library's window, checked (a window that ends before it starts,
    /// or a split outside it, is refused before any point is read).
    pub fn window(&self) -> Result<frontier::window::Window, CmdError> {
        Ok(frontier::window::Window::new(
            self.from,
            self.to,
            self.split,
            self.max_precision,
        )?)
    }
}
