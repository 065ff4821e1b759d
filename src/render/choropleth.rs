//! Choropleth fills: a value per feature, classed, with hatching for no
//! data.

use super::canvas::{Canvas, Ink};
use super::classify::{breaks, class_of, human, ramp};
use super::legend::Entry;
use super::paint::geometry_path;
use super::view::View;
use super::{Choropleth, classify};
use crate::error::Result;
use tiny_skia::FillRule;

/// Fill the features of `ch` by class; add the legend's entries.
pub(super) fn draw_choropleth(
    cv: &mut Canvas,
    view: &View,
    ch: &Choropleth,
    legend: &mut Vec<Entry>,
) -> Result<()> {
    if let Some(cats) = &ch.categories {
        return draw_categories(cv, view, ch, cats, legend);
    }
    let vals: Vec<f64> = ch.values.values().filter_map(|v| *v).collect();
    let b = ch
        .breaks
        .clone()
        .unwrap_or_else(|| breaks(&vals, ch.classes, ch.method));
    let pal = classify::palette(&ch.palette)?;
    let k = b.len().saturating_sub(1).max(1);
    let colours = ramp(pal, k);
    let any_no_data = fill_features(cv, view, ch, |v| {
        (!b.is_empty()).then(|| colours[class_of(v, &b).min(k - 1)])
    });
    legend.push(Entry::Header(ch.title.clone()));
    for (i, colour) in colours.iter().enumerate() {
        let (lo, hi) = (
            b.get(i).copied().unwrap_or(0.0),
            b.get(i + 1).copied().unwrap_or(0.0),
        );
        legend.push(Entry::Fill(
            *colour,
            format!("{} – {}", human(lo, ch.percent), human(hi, ch.percent)),
        ));
    }
    if any_no_data {
        legend.push(Entry::Hatched("No data".into()));
    }
    Ok(())
}

/// Fill the features of `ch` by category; the legend lists every category
/// in order (so panels side by side share one).
fn draw_categories(
    cv: &mut Canvas,
    view: &View,
    ch: &Choropleth,
    cats: &[(String, u32)],
    legend: &mut Vec<Entry>,
) -> Result<()> {
    let any_no_data = fill_features(cv, view, ch, |i| cats.get(i as usize).map(|c| c.1));
    legend.push(Entry::Header(ch.title.clone()));
    for (name, colour) in cats {
        legend.push(Entry::Fill(*colour, name.clone()));
    }
    if any_no_data {
        legend.push(Entry::Hatched("No data".into()));
    }
    Ok(())
}

/// Fill each feature of `ch` in the table with `colour` of its value, or
/// hatch it as no data (no value, or no colour for it); whether any was.
fn fill_features(
    cv: &mut Canvas,
    view: &View,
    ch: &Choropleth,
    colour: impl Fn(f64) -> Option<u32>,
) -> bool {
    let mut any_no_data = false;
    for (i, f) in ch.layer.features.iter().enumerate() {
        let Some(v) = ch.values.get(&ch.layer.label(i)) else {
            continue;
        };
        let Some(path) = geometry_path(view, &f.geometry) else {
            continue;
        };
        match v.and_then(&colour) {
            Some(c) => cv.fill(&path, Ink::Solid(c, 1.0), FillRule::EvenOdd),
            None => {
                any_no_data = true;
                cv.fill(&path, Ink::Hatch, FillRule::EvenOdd);
            }
        }
    }
    any_no_data
}
