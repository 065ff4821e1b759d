//! Time-series charts for reports: events per period as bars, the split
//! date marked, and the interrupted time series' fitted segments drawn
//! over them (with the pre-split trend carried on, dashed, for what would
//! have been expected without the change); small multiples when grouped,
//! on one scale. The typography is the maps': DejaVu Sans, the same title
//! and source bands.

use super::*;
use crate::trend::{Its, Trend};
use chrono::{Datelike, NaiveDate};

/// One panel's data.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The group's name.
    pub title: String,
    /// Events per period: (first day, last day, count).
    pub bars: Vec<(NaiveDate, NaiveDate, f64)>,
    /// The regression, drawn as expected events per average period.
    pub its: Option<Its>,
    /// Period number of the first period (t = 0), for the regression.
    pub t_start: NaiveDate,
}

/// A chart.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// Image size, pixels.
    pub size: (u32, u32),
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// The y axis's quantity and unit, e.g. `events per month` (over each
    /// panel, and in the legend).
    pub y_label: String,
    /// Period length, for the fitted lines' time scale.
    pub period: crate::trend::Period,
    /// The panels (small multiples), in order.
    pub panels: Vec<Panel>,
    /// The split date, marked on every panel.
    pub split: Option<NaiveDate>,
    /// Source credits.
    pub sources: Vec<String>,
}

const BAR: u32 = 0x9fb7cc;
const FIT: u32 = 0xc0392b;
const GRID: u32 = 0xe4e4e4;

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
            // Cut periods are joined again: bars are whole periods.
            let mut bars: Vec<(NaiveDate, NaiveDate, f64)> = Vec::new();
            let mut last_t = usize::MAX;
            for (k, sp) in t.spans.iter().enumerate() {
                if sp.t == last_t {
                    let b = bars.last_mut().expect("a bar");
                    b.1 = sp.end;
                    b.2 += s.counts[k] as f64;
                } else {
                    bars.push((sp.start, sp.end, s.counts[k] as f64));
                }
                last_t = sp.t;
            }
            Panel {
                title: s.name.clone(),
                bars,
                its: s.test.as_ref().and_then(|x| x.its.as_ref().ok()).cloned(),
                t_start: t.spans.first().map_or(NaiveDate::MIN, |s| s.start),
            }
        })
        .collect()
}

/// A step of 1, 2 or 5 × 10ⁿ giving about `n` ticks up to `max`.
fn nice_step(max: f64, n: f64) -> f64 {
    let raw = (max / n).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    mag * if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    }
}

/// Average days in a period.
fn period_days(p: crate::trend::Period) -> f64 {
    use crate::trend::Period::*;
    match p {
        Week => 7.0,
        Month => 365.2425 / 12.0,
        Quarter => 365.2425 / 4.0,
        Year => 365.2425,
    }
}

/// Draw the chart.
pub fn chart(spec: &ChartSpec) -> Result<Pixmap> {
    check_size(spec.size)?;
    let (w, h) = spec.size;
    let mut pm = Pixmap::new(w, h).ok_or_else(|| Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: "cannot allocate an image this large".into(),
    })?;
    pm.fill(tiny_skia::Color::WHITE);
    let id = Transform::identity();
    let compact = view::compact((w as f32, h as f32));
    let (title_band, source_band) = bands((w as f32, h as f32));
    // Title and subtitle.
    let ts = if compact { 17.0 } else { 24.0 };
    text::draw(&mut pm, &spec.title, 12.0, 6.0, ts, Weight::Bold, INK, None);
    if let Some(s) = &spec.subtitle {
        let (sy, ss) = if compact { (27.0, 11.0) } else { (40.0, 14.0) };
        text::draw(&mut pm, s, 13.0, sy, ss, Weight::Regular, MUTED, None);
    }
    let rule = |pm: &mut Pixmap, y: f32| {
        pm.fill_rect(
            tiny_skia::Rect::from_xywh(0.0, y, w as f32, 1.0).expect("rect"),
            &paint(0xbbbbbb, 1.0),
            id,
            None,
        );
    };
    rule(&mut pm, title_band - 1.0);
    rule(&mut pm, h as f32 - source_band);
    let credit = format!("Sources: {}", spec.sources.join(" · "));
    let cs = if compact { 10.0 } else { 12.0 };
    text::draw(
        &mut pm,
        &credit,
        12.0,
        h as f32 - source_band + (source_band - cs * 1.2) / 2.0,
        cs,
        Weight::Regular,
        MUTED,
        None,
    );

    // Legend line under the title band.
    let fs = if compact { 11.0 } else { 13.0 };
    let mut lx = 14.0;
    let ly = title_band + 10.0;
    pm.fill_rect(
        tiny_skia::Rect::from_xywh(lx, ly + 2.0, 14.0, 12.0).expect("rect"),
        &paint(BAR, 1.0),
        id,
        None,
    );
    lx += 20.0;
    let (tw, _) = text::measure(&spec.y_label, fs, Weight::Regular);
    text::draw(
        &mut pm,
        &spec.y_label,
        lx,
        ly,
        fs,
        Weight::Regular,
        INK,
        None,
    );
    lx += tw + 24.0;
    if spec.panels.iter().any(|p| p.its.is_some()) {
        let line = |pm: &mut Pixmap, x: f32, dash: Option<Vec<f32>>| {
            let mut pb = PathBuilder::new();
            pb.move_to(x, ly + 8.0);
            pb.line_to(x + 26.0, ly + 8.0);
            if let Some(p) = pb.finish() {
                pm.stroke_path(&p, &paint(FIT, 1.0), &stroke(2.5, dash), id, None);
            }
        };
        line(&mut pm, lx, None);
        let t = "fitted (segmented quasi-Poisson regression)";
        text::draw(&mut pm, t, lx + 32.0, ly, fs, Weight::Regular, INK, None);
        lx += 32.0 + text::measure(t, fs, Weight::Regular).0 + 24.0;
        line(&mut pm, lx, Some(vec![6.0, 5.0]));
        text::draw(
            &mut pm,
            "pre-split trend continued",
            lx + 32.0,
            ly,
            fs,
            Weight::Regular,
            INK,
            None,
        );
    }

    // The panels' grid.
    let n = spec.panels.len().max(1);
    let cols = if n == 1 {
        1
    } else if n <= 4 {
        2
    } else {
        3
    };
    let rows = n.div_ceil(cols);
    let top = title_band + 36.0;
    let bottom = h as f32 - source_band - 8.0;
    let cell_w = (w as f32 - 16.0) / cols as f32;
    let cell_h = (bottom - top) / rows as f32;
    // One scale for every panel.
    let x0 = spec
        .panels
        .iter()
        .filter_map(|p| p.bars.first())
        .map(|b| b.0)
        .min();
    let x1 = spec
        .panels
        .iter()
        .filter_map(|p| p.bars.last())
        .map(|b| b.1)
        .max();
    let (Some(x0), Some(x1)) = (x0, x1) else {
        return Ok(pm);
    };
    let x1 = x1.succ_opt().unwrap_or(x1);
    let span_days = (x1 - x0).num_days().max(1) as f32;
    let ymax = spec
        .panels
        .iter()
        .flat_map(|p| p.bars.iter().map(|b| b.2))
        .fold(1.0f64, f64::max);
    let step = nice_step(ymax, if rows > 2 { 3.0 } else { 5.0 });
    let ytop = (ymax / step).ceil() * step;
    let tick_size = if compact { 10.0 } else { 12.0 };
    let label_w = text::measure(&thousands_f(ytop), tick_size, Weight::Regular).0;

    for (k, p) in spec.panels.iter().enumerate() {
        let (c, r) = (k % cols, k / cols);
        let cx = 8.0 + c as f32 * cell_w;
        let cy = top + r as f32 * cell_h;
        let title_h = tick_size * 1.6;
        let left = cx + label_w + 14.0;
        let right = cx + cell_w - 12.0;
        let plot_top = cy + title_h + 8.0;
        let plot_bottom = cy + cell_h - tick_size * 2.2;
        if right - left < 40.0 || plot_bottom - plot_top < 30.0 {
            continue;
        }
        if n > 1 {
            text::draw(
                &mut pm,
                &p.title,
                left,
                cy + 2.0,
                tick_size * 1.15,
                Weight::Bold,
                INK,
                None,
            );
        }
        // The y axis's quantity and unit, over the plot's right end.
        let (uw, _) = text::measure(&spec.y_label, tick_size, Weight::Regular);
        text::draw(
            &mut pm,
            &spec.y_label,
            right - uw,
            cy + 4.0,
            tick_size,
            Weight::Regular,
            MUTED,
            None,
        );
        let xp = |d: NaiveDate| left + (right - left) * (d - x0).num_days() as f32 / span_days;
        let yp = |v: f64| plot_bottom - (plot_bottom - plot_top) * (v / ytop) as f32;
        // Grid lines and y labels.
        let mut v = 0.0;
        while v <= ytop + step * 1e-9 {
            let y = yp(v).round() + 0.5;
            let mut pb = PathBuilder::new();
            pb.move_to(left, y);
            pb.line_to(right, y);
            if let Some(path) = pb.finish() {
                let col = if v == 0.0 { 0x888888 } else { GRID };
                pm.stroke_path(&path, &paint(col, 1.0), &stroke(1.0, None), id, None);
            }
            let s = thousands_f(v);
            let (tw, th) = text::measure(&s, tick_size, Weight::Regular);
            text::draw(
                &mut pm,
                &s,
                left - 6.0 - tw,
                y - th / 2.0,
                tick_size,
                Weight::Regular,
                MUTED,
                None,
            );
            v += step;
        }
        // Bars.
        for &(a, b, v) in &p.bars {
            let (xa, xb) = (xp(a), xp(b.succ_opt().unwrap_or(b)));
            let gap = ((xb - xa) * 0.12).min(2.0);
            if let Some(rect) =
                tiny_skia::Rect::from_ltrb(xa + gap / 2.0, yp(v), xb - gap / 2.0, yp(0.0))
            {
                pm.fill_rect(rect, &paint(BAR, 1.0), id, None);
            }
        }
        // X ticks: years, or months for short windows.
        let years = (x1.year() - x0.year()) >= 2;
        let mut d = NaiveDate::from_ymd_opt(x0.year(), if years { 1 } else { x0.month() }, 1)
            .expect("date");
        let mut last_label_end = f32::NEG_INFINITY;
        while d <= x1 {
            if d >= x0 {
                let x = xp(d).round() + 0.5;
                let mut pb = PathBuilder::new();
                pb.move_to(x, plot_bottom);
                pb.line_to(x, plot_bottom + 4.0);
                if let Some(path) = pb.finish() {
                    pm.stroke_path(&path, &paint(0x888888, 1.0), &stroke(1.0, None), id, None);
                }
                let s = if years {
                    d.year().to_string()
                } else {
                    d.format("%b %Y").to_string()
                };
                let (tw, _) = text::measure(&s, tick_size, Weight::Regular);
                // Years label the year's middle when it is shown whole.
                let lx = if years { x + 4.0 } else { x - tw / 2.0 };
                if lx > last_label_end + 6.0 && lx + tw <= right {
                    text::draw(
                        &mut pm,
                        &s,
                        lx,
                        plot_bottom + 5.0,
                        tick_size,
                        Weight::Regular,
                        MUTED,
                        None,
                    );
                    last_label_end = lx + tw;
                }
            }
            d = if years {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).expect("date")
            } else {
                d.checked_add_months(chrono::Months::new(1)).expect("date")
            };
        }
        // The split.
        if let Some(s) = spec.split {
            let x = xp(s).round() + 0.5;
            let mut pb = PathBuilder::new();
            pb.move_to(x, plot_top - 2.0);
            pb.line_to(x, plot_bottom);
            if let Some(path) = pb.finish() {
                pm.stroke_path(
                    &path,
                    &paint(INK, 1.0),
                    &stroke(1.5, Some(vec![4.0, 3.0])),
                    id,
                    None,
                );
            }
            let label = s.format("%-d %b %Y").to_string();
            let (tw, _) = text::measure(&label, tick_size, Weight::Bold);
            let lx = if x + 5.0 + tw < right {
                x + 5.0
            } else {
                x - 5.0 - tw
            };
            text::draw(
                &mut pm,
                &label,
                lx,
                plot_top,
                tick_size,
                Weight::Bold,
                INK,
                Some(0xffffff),
            );
        }
        // The fitted segments, inside the plot.
        let mut clip = tiny_skia::Mask::new(w, h).expect("the image's size");
        if let Some(r) = tiny_skia::Rect::from_ltrb(left, plot_top, right, plot_bottom) {
            clip.fill_path(&PathBuilder::from_rect(r), FillRule::Winding, false, id);
        }
        if let (Some(its), Some(split)) = (&p.its, spec.split) {
            let pd = period_days(spec.period);
            // t at a date: periods since the first period's start.
            let t_of = |d: NaiveDate| (d - p.t_start).num_days() as f64 / pd;
            let t0 = its.t0 as f64;
            let mu = |t: f64, after: bool, continued: bool| {
                let mut e = its.level.coef + its.trend.coef * t;
                if after && !continued {
                    e += its.level_change.coef + its.trend_change.coef * (t - t0);
                }
                e.exp() * pd
            };
            let draw_line = |pm: &mut Pixmap,
                             from: NaiveDate,
                             to: NaiveDate,
                             after: bool,
                             continued: bool| {
                let mut pb = PathBuilder::new();
                let steps = 60;
                for i in 0..=steps {
                    let d = from
                        + chrono::Days::new(
                            ((to - from).num_days() as f64 * i as f64 / steps as f64) as u64,
                        );
                    let (x, y) = (
                        xp(d),
                        yp(mu(t_of(d) - 0.5, after, continued).min(ytop * 2.0)),
                    );
                    if i == 0 {
                        pb.move_to(x, y)
                    } else {
                        pb.line_to(x, y)
                    }
                }
                if let Some(path) = pb.finish() {
                    let dash = continued.then(|| vec![6.0, 5.0]);
                    pm.stroke_path(&path, &paint(FIT, 1.0), &stroke(2.5, dash), id, Some(&clip));
                }
            };
            draw_line(&mut pm, x0, split, false, false);
            draw_line(&mut pm, split, x1, true, false);
            draw_line(&mut pm, split, x1, true, true);
        }
    }
    Ok(pm)
}

/// A tick value: whole numbers with thousands separators, else one decimal.
fn thousands_f(v: f64) -> String {
    if v.fract() == 0.0 {
        crate::output::thousands(v as i64)
    } else {
        format!("{v:.1}")
    }
}
