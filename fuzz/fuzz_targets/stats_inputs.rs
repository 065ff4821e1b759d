//! Any bytes as the point file of the statistics commands (summarize,
//! trend, hotspots, knox, emerging), with settings taken from the first
//! byte (period, split, value column, hexagons of any edge or districts,
//! strict or lenient reading). Nothing may panic: each answers or returns an
//! `Error`; when one answers, every row read is accounted for (counted,
//! outside the window, left out as imprecise, or rejected), and the rows
//! read are the rows a plain row-by-row read sees.
#![no_main]

use chrono::NaiveDate;
use frontier::hotspots::{self, Areas};
use frontier::ingest::{FormatHint, PointSource, ReadOptions, Row};
use frontier::spacetime::{self, EmergingOptions, Test};
use frontier::summary::{self, Account, Grouping};
use frontier::trend::{self, Period};
use frontier::window::Window;
use libfuzzer_sys::fuzz_target;

/// The settings one byte picks.
struct Settings {
    period: Period,
    split: bool,
    value: bool,
    hex: bool,
    skip_invalid: bool,
    hex_km: f64,
}

impl Settings {
    fn of(b: u8) -> Settings {
        Settings {
            period: [Period::Week, Period::Month, Period::Quarter, Period::Year]
                [usize::from(b & 3)],
            split: b & 4 != 0,
            value: b & 8 != 0,
            hex: b & 16 != 0,
            skip_invalid: b & 32 != 0,
            hex_km: [25.0, 1e308, 0.001, 1e-9][usize::from(b >> 6)],
        }
    }

    fn read_options(&self) -> ReadOptions {
        let mut o = ReadOptions::default();
        o.skip_invalid = self.skip_invalid;
        o
    }

    fn window(&self) -> Window {
        let split = NaiveDate::from_ymd_opt(2021, 8, 15).unwrap();
        Window::new(None, None, self.split.then_some(split), None).unwrap()
    }

    fn value(&self) -> Option<String> {
        self.value.then(|| "fatalities".to_string())
    }

    fn areas(&self) -> Areas<'static> {
        if self.hex {
            Areas::Hex(self.hex_km)
        } else {
            Areas::Polygons(Grouping::Districts)
        }
    }
}

fn source(data: &[u8], opts: &ReadOptions) -> Option<PointSource> {
    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    PointSource::from_reader(input, "fuzz.csv", FormatHint::None, opts).ok()
}

/// Rows a plain read sees (records and rejects), or None if it fails.
fn rows(data: &[u8], opts: &ReadOptions) -> Option<u64> {
    let mut src = source(data, opts)?;
    let mut n = 0;
    while let Some(row) = src.next_row() {
        match row {
            Ok(Row::Record(_) | Row::Reject(_)) => n += 1,
            Err(_) => return None,
        }
    }
    Some(n)
}

/// Every row read went somewhere, and no more rows than a plain read saw.
fn accounted(what: &str, a: &Account, seen: Option<u64>) {
    assert_eq!(
        a.rows_in,
        a.counted + a.outside_window + a.left_out_imprecise + a.rejected,
        "{what}: {a:?}"
    );
    assert_eq!(a.rejected as usize, a.rejects.len(), "{what}");
    if let Some(n) = seen {
        assert!(a.rows_in <= n, "{what}: {} rows in, {n} seen", a.rows_in);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let s = Settings::of(first);
    let opts = s.read_options();
    let seen = rows(body, &opts);

    if let Some(mut src) = source(body, &opts) {
        let mut o = summary::Options::default();
        o.value = s.value();
        o.window = s.window();
        if let Ok(sum) = summary::summarize(&mut src, Grouping::Provinces, o) {
            accounted("summarize", &sum.account, seen);
            // The whole file is read: a plain read sees the same rows.
            assert_eq!(Some(sum.account.rows_in), seen, "summarize");
        }
    }
    if let Some(mut src) = source(body, &opts) {
        let mut o = trend::Options::default();
        o.period = s.period;
        o.value = s.value();
        o.window = s.window();
        if let Ok(t) = trend::trend(&mut src, trend::Grouping::Column("event_type"), o) {
            accounted("trend", &t.account, seen);
        }
    }
    if let Some(mut src) = source(body, &opts) {
        let mut o = hotspots::Options::default();
        o.value = s.value();
        o.window = s.window();
        o.permutations = 9;
        if let Ok(h) = hotspots::hotspots(&mut src, s.areas(), o) {
            accounted("hotspots", &h.account, seen);
        }
    }
    if let Some(mut src) = source(body, &opts) {
        let test = Test::Knox {
            space_m: 5_000.0,
            days: 7,
        };
        if let Ok(k) = spacetime::test_file(&mut src, test, &Window::default(), None, 9, 1) {
            accounted("knox", &k.account, seen);
        }
    }
    if let Some(mut src) = source(body, &opts) {
        let mut o = EmergingOptions::default();
        o.period = s.period;
        o.value = s.value();
        if let Ok(e) = spacetime::emerging(&mut src, s.areas(), o) {
            accounted("emerging", &e.account, seen);
        }
    }
});
