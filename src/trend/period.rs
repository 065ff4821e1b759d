//! Calendar periods: ISO weeks (from Monday), months, quarters and years.

use chrono::{Datelike, Days, Months, NaiveDate};

/// The length of the periods a series is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// ISO weeks, Monday to Sunday, labelled `2021-W33`.
    Week,
    /// Calendar months, labelled `2021-08`.
    #[default]
    Month,
    /// Calendar quarters, labelled `2021-Q3`.
    Quarter,
    /// Calendar years, labelled `2021`.
    Year,
}

impl crate::Named for Period {
    const ALL: &'static [(&'static str, Self)] = &[
        ("month", Period::Month),
        ("week", Period::Week),
        ("quarter", Period::Quarter),
        ("year", Period::Year),
    ];
}

impl Period {
    /// The first day of the period holding `d`.
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        let ymd = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("a valid month");
        match self {
            Period::Week => d - Days::new(u64::from(d.weekday().num_days_from_monday())),
            Period::Month => ymd(d.year(), d.month()),
            Period::Quarter => ymd(d.year(), (d.month0() / 3) * 3 + 1),
            Period::Year => ymd(d.year(), 1),
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start + Days::new(7),
            Period::Month => start + Months::new(1),
            Period::Quarter => start + Months::new(3),
            Period::Year => start + Months::new(12),
        }
    }

    /// The label of the period starting on `start`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Week => {
                let w = start.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
            Period::Year => format!("{:04}", start.year()),
        }
    }

    /// The period's name in a sentence (`month`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_start_label_and_follow_the_calendar() {
        // 15 August 2021 was a Sunday, in ISO week 32 (9–15 August).
        assert_eq!(Period::Week.start_of(d("2021-08-15")), d("2021-08-09"));
        assert_eq!(Period::Week.label(d("2021-08-09")), "2021-W32");
        // 1 January 2021 (a Friday) belongs to ISO week 53 of 2020.
        assert_eq!(
            Period::Week.label(Period::Week.start_of(d("2021-01-01"))),
            "2020-W53"
        );
        assert_eq!(Period::Month.start_of(d("2021-08-15")), d("2021-08-01"));
        assert_eq!(Period::Month.next(d("2024-01-01")), d("2024-02-01"));
        assert_eq!(Period::Quarter.start_of(d("2021-08-15")), d("2021-07-01"));
        assert_eq!(Period::Quarter.label(d("2021-07-01")), "2021-Q3");
        assert_eq!(Period::Year.next(d("2021-01-01")), d("2022-01-01"));
    }
}
