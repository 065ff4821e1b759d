//! The district choropleth the page shades: each district's value and
//! class under the filters (counts, per 100,000 people, before and after
//! the split, Gi* hot spots), with the classes and colours of the render
//! engine's own classification, so the page and the printed map agree.

use super::api::summary_of;
use super::app::App;
use super::filter::Filter;
use super::query::{ApiError, Query};
use super::state::Dataset;
use frontier::Named;
use frontier::render::HOTSPOT_CLASSES;
use frontier::render::classify::{self, Method};
use frontier::summary::Grouping;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What a choropleth shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Points per district.
    Count,
    /// Points per 100,000 people (Census 2023).
    Per100k,
    /// Points per 365 days before the split.
    Before,
    /// Points per 365 days on and after the split.
    After,
    /// Getis–Ord Gi* class (after the split, with one).
    Hotspots,
}

impl Named for Mode {
    const ALL: &'static [(&'static str, Mode)] = &[
        ("count", Mode::Count),
        ("per_100k", Mode::Per100k),
        ("before", Mode::Before),
        ("after", Mode::After),
        ("hotspots", Mode::Hotspots),
    ];
}

/// Number of classes of the numeric choropleths.
pub const CLASSES: usize = 5;
/// How their breaks are chosen: counts per district are skewed, with many
/// zeros, which quantiles would fold into fewer classes.
pub const METHOD: Method = Method::Jenks;
/// Their palette (ColorBrewer YlOrRd, colour-blind safe).
pub const PALETTE: &str = "ylorrd";

/// District → value (numbers, or a class's index for hot spots), the
/// legend title, and the hot-spot classes when that is the mode.
pub struct Shades {
    pub values: BTreeMap<String, Option<f64>>,
    pub title: String,
    pub breaks: Vec<f64>,
    pub categories: Option<Vec<(String, u32)>>,
}

pub fn shades(d: &Dataset, f: &Filter, mode: Mode) -> Result<Shades, ApiError> {
    if matches!(mode, Mode::Before | Mode::After) && f.split.is_none() {
        return Err(ApiError::bad(
            "mode=before/after needs split (e.g. split=2021-08-15)",
        ));
    }
    let s = summary_of(d, f, Grouping::Districts)?;
    let inside = s.groups.len().saturating_sub(1);
    if mode == Mode::Hotspots {
        let h =
            frontier::hotspots::hotspots_of_summary(s, Grouping::Districts, f.hotspot_options()?)?;
        let a = match (&h.whole, &h.split) {
            (Some(w), _) => w,
            (_, Some((_, _, after))) => after,
            _ => return Err(ApiError::bad("no hot-spot analysis")),
        };
        let values = h
            .areas
            .iter()
            .zip(&a.classes)
            .map(|(area, c)| {
                let k = HOTSPOT_CLASSES.iter().position(|(n, _)| n == c);
                (area.name.clone(), k.map(|k| k as f64))
            })
            .collect();
        let title = if f.split.is_some() {
            "Hot and cold spots from the split (Gi*)"
        } else {
            "Hot and cold spots (Gi*)"
        };
        return Ok(Shades {
            values,
            title: title.into(),
            breaks: Vec::new(),
            categories: Some(
                HOTSPOT_CLASSES
                    .iter()
                    .map(|(n, c)| (n.to_string(), *c))
                    .collect(),
            ),
        });
    }
    let value = |g: &frontier::summary::Group, t: &frontier::summary::Tally| match mode {
        Mode::Count => Some(t.count as f64),
        Mode::Per100k => g.per_100k(t.count as f64),
        Mode::Before => s.per_365d(t).and_then(|(b, _)| b),
        Mode::After => s.per_365d(t).and_then(|(_, a)| a),
        Mode::Hotspots => None,
    };
    let values: BTreeMap<String, Option<f64>> = s.groups[..inside]
        .iter()
        .map(|(g, t)| (g.name.clone(), value(g, t)))
        .collect();
    // Before and after share their classes, so the two maps compare.
    let pool: Vec<f64> = if matches!(mode, Mode::Before | Mode::After) {
        s.groups[..inside]
            .iter()
            .flat_map(|(_, t)| {
                let (b, a) = s.per_365d(t).unwrap_or((None, None));
                [b, a]
            })
            .flatten()
            .collect()
    } else {
        values.values().flatten().copied().collect()
    };
    let title = match mode {
        Mode::Count => "Events".to_string(),
        Mode::Per100k => "Events per 100,000 people".to_string(),
        _ => "Events per 365 days (before and after: the same classes)".to_string(),
    };
    Ok(Shades {
        values,
        title,
        breaks: classify::breaks(&pool, CLASSES, METHOD),
        categories: None,
    })
}

fn hex(c: u32) -> String {
    format!("#{c:06x}")
}

/// `/api/choropleth?ds&mode&filters`: each district's value and class,
/// with the classes' breaks, colours and labels as the print map draws
/// them.
pub fn choropleth(app: &App, q: &Query) -> Result<Value, ApiError> {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let mode = q.named::<Mode>("mode")?.unwrap_or(Mode::Count);
    q.finish()?;
    let s = shades(d, &f, mode)?;
    let (classes, class_of): (Vec<Value>, Box<dyn Fn(f64) -> usize>) = match &s.categories {
        Some(cats) => (
            cats.iter()
                .map(|(n, c)| json!({"label": n, "colour": hex(*c)}))
                .collect(),
            Box::new(|v: f64| v as usize),
        ),
        None => {
            let k = s.breaks.len().saturating_sub(1).max(1);
            let colours = classify::ramp(classify::palette(PALETTE)?, k);
            let b = s.breaks.clone();
            (
                (0..k)
                    .map(|i| {
                        let lo = b.get(i).copied().unwrap_or(0.0);
                        let hi = b.get(i + 1).copied().unwrap_or(lo);
                        json!({
                            "label": format!("{} – {}", classify::human(lo, false), classify::human(hi, false)),
                            "low": lo, "high": hi, "colour": hex(colours[i]),
                        })
                    })
                    .collect(),
                Box::new(move |v: f64| classify::class_of(v, &b)),
            )
        }
    };
    let districts: serde_json::Map<String, Value> = s
        .values
        .iter()
        .map(|(n, v)| (n.clone(), json!({"value": v, "class": v.map(&class_of)})))
        .collect();
    Ok(json!({
        "dataset": d.id,
        "mode": mode.name(),
        "title": s.title,
        "classes": classes,
        "no_data": "#d9d9d9",
        "districts": districts,
    }))
}
