//! Points coloured by a category and sized by a magnitude.

use super::PointsLayer;
use super::canvas::Canvas;
use super::classify::{CATEGORICAL, human, nice_floor};
use super::legend::Entry;
use super::view::View;
use std::collections::BTreeMap;

pub(super) fn draw_points(cv: &mut Canvas, view: &View, pl: &PointsLayer, legend: &mut Vec<Entry>) {
    // Categories by frequency; beyond seven, "other".
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &pl.points {
        if let Some(c) = &p.category {
            *counts.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut cats: Vec<(&str, usize)> = counts.into_iter().collect();
    cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<&str> = cats.iter().take(7).map(|c| c.0).collect();
    let other = cats.len() > 7;
    let colour_of = |c: &Option<String>| -> u32 {
        match c {
            Some(c) => shown
                .iter()
                .position(|s| *s == c.as_str())
                .map_or(0x8c8c8c, |i| CATEGORICAL[i]),
            None => 0x6a3d9a,
        }
    };
    // Sizes: area proportional to the value, largest 18 px radius.
    let vmax = pl
        .points
        .iter()
        .filter_map(|p| p.size)
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(0.0, f64::max);
    let r_max = 18.0f32;
    let radius = |v: Option<f64>| -> f32 {
        match (v, pl.size_by.is_some() && vmax > 0.0) {
            (Some(v), true) if v > 0.0 => (r_max * (v / vmax).sqrt() as f32).max(2.5),
            (_, true) => 2.5,
            _ => {
                if pl.points.len() > 20_000 {
                    1.6
                } else {
                    4.0
                }
            }
        }
    };
    let mut order: Vec<usize> = (0..pl.points.len()).collect();
    // Largest first, so small points stay visible on top.
    order.sort_by(|&a, &b| {
        radius(pl.points[b].size)
            .total_cmp(&radius(pl.points[a].size))
            .then(a.cmp(&b))
    });
    let alpha = if pl.points.len() > 5_000 { 0.45 } else { 0.78 };
    let area = view.area;
    for i in order {
        let p = &pl.points[i];
        let (x, y) = view.px(p.at);
        if x < area[0] - 20.0
            || y < area[1] - 20.0
            || x > area[0] + area[2] + 20.0
            || y > area[1] + area[3] + 20.0
        {
            continue;
        }
        let r = radius(p.size);
        cv.dot(x, y, r, colour_of(&p.category), alpha, Some(0xffffff));
    }
    if let Some(title) = &pl.color_by {
        legend.push(Entry::Header(title.clone()));
        for (i, c) in shown.iter().enumerate() {
            legend.push(Entry::Circle(CATEGORICAL[i], 5.0, c.to_string()));
        }
        if other {
            legend.push(Entry::Circle(0x8c8c8c, 5.0, "other".into()));
        }
    } else {
        legend.push(Entry::Circle(
            0x6a3d9a,
            4.0,
            format!("{} points", pl.points.len()),
        ));
    }
    if let (Some(title), true) = (&pl.size_by, vmax > 0.0) {
        legend.push(Entry::Header(title.clone()));
        // Nice values: the max, rounded, and two smaller steps.
        let top = nice_floor(vmax);
        for v in [top, nice_floor(top / 4.0), nice_floor(top / 20.0)] {
            if v > 0.0 {
                legend.push(Entry::Circle(
                    0xbbbbbb,
                    (r_max * (v / vmax).sqrt() as f32).max(2.5),
                    human(v, false),
                ));
            }
        }
    }
}
