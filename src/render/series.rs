//! The bars and fitted segments a chart draws, from a [`Trend`]: one bar
//! per period, the period the split cuts as two parts.

use crate::trend::{Its, Trend};
use chrono::NaiveDate;

/// One bar: a period, or a part of the period the split cuts.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// First day counted.
    pub start: NaiveDate,
    /// Last day counted.
    pub end: NaiveDate,
    /// Events counted.
    pub events: f64,
    /// The bar's height: the events, or for a part of a period, the
    /// events scaled to the whole period's days.
    pub height: f64,
    /// Whether it is a part of a period cut by the split.
    pub part: bool,
}

/// One panel's data.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The group's name.
    pub title: String,
    /// Events per period, in order.
    pub bars: Vec<Bar>,
    /// The regression, drawn as expected events per average period.
    pub its: Option<Its>,
    /// Period number of the first period (t = 0), for the regression.
    pub t_start: NaiveDate,
}

/// The panels of a [`Trend`]: the groups named in `only` (in that
/// order), or else every group with events, the `max` with the most (in
/// the trend's order) when there are more.
pub fn panels(t: &Trend, max: usize, only: &[String]) -> Vec<Panel> {
    let mut order: Vec<usize> = if only.is_empty() {
        (0..t.series.len())
            .filter(|&i| t.series[i].counts.iter().any(|&c| c > 0))
            .collect()
    } else {
        only.iter()
            .filter_map(|n| t.series.iter().position(|s| &s.name == n))
            .collect()
    };
    if order.len() > max {
        order.sort_by_key(|&i| std::cmp::Reverse(t.series[i].counts.iter().sum::<u64>()));
        order.truncate(max);
        order.sort_unstable();
    }
    order
        .into_iter()
        .map(|i| {
            let s = &t.series[i];
            Panel {
                title: s.name.clone(),
                bars: bars(t, &s.counts),
                its: s.test.as_ref().and_then(|x| x.its.as_ref().ok()).cloned(),
                t_start: t.spans.first().map_or(NaiveDate::MIN, |s| s.start),
            }
        })
        .collect()
}

/// A series' bars: one per span, the parts of a period cut by the split
/// each scaled to the whole period's days.
fn bars(t: &Trend, counts: &[u64]) -> Vec<Bar> {
    let whole_days = |k: usize| -> i64 {
        let same = |j: &usize| t.spans[*j].t == t.spans[k].t;
        let (first, last) = (
            (0..=k).rev().take_while(|j| same(j)).last().unwrap_or(k),
            (k..t.spans.len())
                .take_while(|j| same(j))
                .last()
                .unwrap_or(k),
        );
        (t.spans[last].end - t.spans[first].start).num_days() + 1
    };
    t.spans
        .iter()
        .enumerate()
        .map(|(k, sp)| {
            let events = counts.get(k).copied().unwrap_or(0) as f64;
            let whole = whole_days(k);
            let part = whole > sp.days();
            Bar {
                start: sp.start,
                end: sp.end,
                events,
                height: if part {
                    events * whole as f64 / sp.days().max(1) as f64
                } else {
                    events
                },
                part,
            }
        })
        .collect()
}
