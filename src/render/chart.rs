//! Time-series charts for reports: events per period as bars, the split
//! date marked, and the interrupted time series' fitted segments drawn
//! over them (with the pre-split trend carried on, dashed, for what would
//! have been expected without the change); small multiples when grouped,
//! on one scale. The typography is the maps': DejaVu Sans, the same title
//! and source bands.
//!
//! A period cut in two by the split is drawn as two bars, one each side of
//! the split line, each at its events scaled to the whole period's days
//! (its rate per period, as the fitted lines are), in a darker shade.

use super::paint::{INK, MUTED, paint, stroke};
pub use super::series::{Bar, Panel, panels};
use super::text::{self, Weight};
use super::view::{bands, compact};
use super::{Error, Param, Result, check_size};
use chrono::{Datelike, NaiveDate};
use tiny_skia::{FillRule, Mask, PathBuilder, Pixmap, Transform};

/// A chart.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
/// The parts of a period cut by the split.
const PART: u32 = 0x6f8fae;
const FIT: u32 = 0xc0392b;
const GRID: u32 = 0xe4e4e4;

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
    use crate::trend::Period;
    match p {
        Period::Week => 7.0,
        Period::Month => 365.2425 / 12.0,
        Period::Quarter => 365.2425 / 4.0,
        Period::Year => 365.2425,
    }
}

/// Draw the chart.
///
/// # Examples
/// Events per month from a few dated points, split at a date, as a PNG:
/// ```
/// use frontier::ingest::{FormatHint, PointSource, ReadOptions};
/// use frontier::render::chart::{ChartSpec, chart, panels};
/// use frontier::trend::{Grouping, Options, Period, trend};
///
/// let csv = "event_date,latitude,longitude\n2021-06-02,34.0,71.5\n\
///            2021-07-10,34.0,71.5\n2021-08-20,34.0,71.5\n2021-09-01,34.0,71.5\n";
/// let mut points = PointSource::from_reader(
///     Box::new(csv.as_bytes()),
///     "events.csv",
///     FormatHint::None,
///     &ReadOptions::default(),
/// )?;
/// let split = "2021-08-15".parse().unwrap();
/// let window = frontier::window::Window::new(None, None, Some(split), None)?;
/// let mut options = Options::default();
/// options.period = Period::Month;
/// options.window = window;
/// let t = trend(&mut points, Grouping::All, options)?;
/// let mut spec = ChartSpec::new(
///     (800, 500),
///     "Events per month",
///     "events per month",
///     t.period,
///     panels(&t, 12, &[]),
/// );
/// spec.split = t.split;
/// spec.sources = vec!["events.csv".into()];
/// let png = chart(&spec)?.encode_png().expect("PNG encoding");
/// assert_eq!(&png[1..4], b"PNG");
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn chart(spec: &ChartSpec) -> Result<Pixmap> {
    check_size(spec.size)?;
    let (w, h) = spec.size;
    let mut pm = Pixmap::new(w, h).ok_or_else(|| Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: "cannot allocate an image this large".into(),
    })?;
    pm.fill(tiny_skia::Color::WHITE);
    let look = Look::of(spec.size);
    frame(&mut pm, spec, &look);
    legend_line(&mut pm, spec, &look);
    let Some(scale) = Scale::of(spec) else {
        return Ok(pm);
    };
    let grid = Grid::of(spec, &look, &scale);
    for (k, p) in spec.panels.iter().enumerate() {
        if let Some(plot) = grid.plot(k, &scale, &look) {
            draw_panel(&mut pm, spec, p, &plot, &scale, &look);
        }
    }
    Ok(pm)
}

/// Sizes that depend on the image's.
struct Look {
    compact: bool,
    title_band: f32,
    source_band: f32,
    tick: f32,
}

impl Look {
    fn of((w, h): (u32, u32)) -> Look {
        let compact = compact((w as f32, h as f32));
        let (title_band, source_band) = bands((w as f32, h as f32));
        Look {
            compact,
            title_band,
            source_band,
            tick: if compact { 10.0 } else { 12.0 },
        }
    }
}

/// A horizontal rule a pixel high across the image.
fn rule(pm: &mut Pixmap, y: f32) {
    let w = pm.width() as f32;
    if let Some(r) = tiny_skia::Rect::from_xywh(0.0, y, w, 1.0) {
        pm.fill_rect(r, &paint(0xbbbbbb, 1.0), Transform::identity(), None);
    }
}

/// The title band (title, subtitle) and the source band.
fn frame(pm: &mut Pixmap, spec: &ChartSpec, look: &Look) {
    let h = pm.height() as f32;
    // Title and subtitle shrink, then are cut, to stay inside the image.
    let room = pm.width() as f32 - 24.0;
    let ts = if look.compact { 17.0 } else { 24.0 };
    let (title, ts) = text::fit(&spec.title, ts, Weight::Bold, room);
    text::draw(pm, &title, 12.0, 6.0, ts, Weight::Bold, INK, None);
    if let Some(s) = &spec.subtitle {
        let (sy, ss) = if look.compact {
            (27.0, 11.0)
        } else {
            (40.0, 14.0)
        };
        let (s, ss) = text::fit(s, ss, Weight::Regular, room);
        text::draw(pm, &s, 13.0, sy, ss, Weight::Regular, MUTED, None);
    }
    rule(pm, look.title_band - 1.0);
    rule(pm, h - look.source_band);
    let credit = format!("Sources: {}", spec.sources.join(" · "));
    let cs = if look.compact { 10.0 } else { 12.0 };
    text::draw(
        pm,
        &credit,
        12.0,
        h - look.source_band + (look.source_band - cs * 1.2) / 2.0,
        cs,
        Weight::Regular,
        MUTED,
        None,
    );
}

/// The legend's line under the title band: bars, the parts at the split,
/// the fitted and the continued lines.
fn legend_line(pm: &mut Pixmap, spec: &ChartSpec, look: &Look) {
    /// What an item shows before its words: a patch of colour, or the
    /// fitted line (dashed for the pre-split trend continued).
    enum Key {
        Patch(u32),
        Line(Option<Vec<f32>>),
    }
    // Room a key takes before the words, and after the words, pixels.
    let room = |k: &Key| {
        if matches!(k, Key::Patch(_)) {
            20.0
        } else {
            32.0
        }
    };
    const GAP: f32 = 24.0;
    let id = Transform::identity();
    let fs = if look.compact { 11.0 } else { 13.0 };
    let ly = look.title_band + 10.0;
    // Each item with its words, and shorter ones for a narrow image.
    let mut items = vec![(
        Key::Patch(BAR),
        spec.y_label.as_str(),
        spec.y_label.as_str(),
    )];
    if spec.panels.iter().any(|p| p.bars.iter().any(|b| b.part)) {
        items.push((
            Key::Patch(PART),
            "part of a period at the split, at its rate per whole period",
            "part period at the split",
        ));
    }
    if spec.panels.iter().any(|p| p.its.is_some()) {
        items.push((
            Key::Line(None),
            "fitted (segmented quasi-Poisson regression)",
            "fitted",
        ));
        items.push((
            Key::Line(Some(vec![6.0, 5.0])),
            "pre-split trend continued",
            "pre-split trend",
        ));
    }
    let words = |long: bool| {
        items
            .iter()
            .map(move |(k, l, s)| (k, if long { *l } else { *s }))
    };
    let width: f32 = 14.0
        + words(true)
            .map(|(k, t)| room(k) + text::measure(t, fs, Weight::Regular).0 + GAP)
            .sum::<f32>();
    let mut lx = 14.0;
    for (key, t) in words(width <= pm.width() as f32) {
        match key {
            Key::Patch(colour) => {
                if let Some(r) = tiny_skia::Rect::from_xywh(lx, ly + 2.0, 14.0, 12.0) {
                    pm.fill_rect(r, &paint(*colour, 1.0), id, None);
                }
            }
            Key::Line(dash) => {
                let mut pb = PathBuilder::new();
                pb.move_to(lx, ly + 8.0);
                pb.line_to(lx + 26.0, ly + 8.0);
                if let Some(p) = pb.finish() {
                    pm.stroke_path(&p, &paint(FIT, 1.0), &stroke(2.5, dash.clone()), id, None);
                }
            }
        }
        text::draw(pm, t, lx + room(key), ly, fs, Weight::Regular, INK, None);
        lx += room(key) + text::measure(t, fs, Weight::Regular).0 + GAP;
    }
}

/// The scales every panel shares: the dates from `x0` to `x1` (the day
/// after the last), and the values from 0 to `ytop` in ticks of `step`.
struct Scale {
    x0: NaiveDate,
    x1: NaiveDate,
    ytop: f64,
    step: f64,
    rows: usize,
    cols: usize,
}

impl Scale {
    /// None when no panel has a bar.
    fn of(spec: &ChartSpec) -> Option<Scale> {
        let x0 = spec
            .panels
            .iter()
            .filter_map(|p| p.bars.first())
            .map(|b| b.start)
            .min()?;
        let last = spec
            .panels
            .iter()
            .filter_map(|p| p.bars.last())
            .map(|b| b.end)
            .max()?;
        let x1 = last.succ_opt().unwrap_or(last);
        let n = spec.panels.len().max(1);
        let cols = if n == 1 {
            1
        } else if n <= 4 {
            2
        } else {
            3
        };
        let rows = n.div_ceil(cols);
        // The bars, and the fitted lines where they are fitted (the
        // continued trend may leave the top: it is cut there).
        let bars = spec
            .panels
            .iter()
            .flat_map(|p| p.bars.iter().map(|b| b.height))
            .fold(1.0f64, f64::max);
        let fitted = spec
            .panels
            .iter()
            .flat_map(|p| fitted_lines(spec, p, x0, x1))
            .filter(|(_, continued, _)| !continued)
            .flat_map(|(_, _, pts)| pts.into_iter().map(|(_, v)| v))
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        // A fitted line far above every bar (a poor fit) is cut, rather
        // than the bars flattened.
        let ymax = bars.max(fitted.min(bars * 2.0));
        let step = nice_step(ymax, if rows > 2 { 3.0 } else { 5.0 });
        Some(Scale {
            x0,
            x1,
            ytop: (ymax / step).ceil() * step,
            step,
            rows,
            cols,
        })
    }

    fn span_days(&self) -> f32 {
        (self.x1 - self.x0).num_days().max(1) as f32
    }
}

/// The panels' cells.
struct Grid {
    top: f32,
    cell_w: f32,
    cell_h: f32,
    label_w: f32,
}

/// Where a panel's plot is, pixels.
struct Plot {
    /// The panel's cell's top.
    cy: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

impl Grid {
    fn of(spec: &ChartSpec, look: &Look, scale: &Scale) -> Grid {
        let (w, h) = (spec.size.0 as f32, spec.size.1 as f32);
        let top = look.title_band + 36.0;
        let bottom = h - look.source_band - 8.0;
        Grid {
            top,
            cell_w: (w - 16.0) / scale.cols as f32,
            cell_h: (bottom - top) / scale.rows as f32,
            label_w: text::measure(&thousands_f(scale.ytop), look.tick, Weight::Regular).0,
        }
    }

    /// Panel `k`'s plot, if there is room for one.
    fn plot(&self, k: usize, scale: &Scale, look: &Look) -> Option<Plot> {
        let (c, r) = (k % scale.cols, k / scale.cols);
        let cx = 8.0 + c as f32 * self.cell_w;
        let cy = self.top + r as f32 * self.cell_h;
        let title_h = look.tick * 1.6;
        let plot = Plot {
            cy,
            left: cx + self.label_w + 14.0,
            right: cx + self.cell_w - 12.0,
            top: cy + title_h + 8.0,
            bottom: cy + self.cell_h - look.tick * 2.2,
        };
        (plot.right - plot.left >= 40.0 && plot.bottom - plot.top >= 30.0).then_some(plot)
    }
}

impl Plot {
    fn x(&self, scale: &Scale, d: NaiveDate) -> f32 {
        self.left + (self.right - self.left) * (d - scale.x0).num_days() as f32 / scale.span_days()
    }

    fn y(&self, scale: &Scale, v: f64) -> f32 {
        self.bottom - (self.bottom - self.top) * (v / scale.ytop) as f32
    }
}

/// One panel: its title, axes, bars, the split and the fitted lines.
fn draw_panel(
    pm: &mut Pixmap,
    spec: &ChartSpec,
    p: &Panel,
    plot: &Plot,
    scale: &Scale,
    look: &Look,
) {
    let id = Transform::identity();
    let tick = look.tick;
    // The y axis's quantity and unit over the plot's right end, unless
    // the panel's title needs the room (the legend names it too).
    let room = plot.right - plot.left;
    let (uw, _) = text::measure(&spec.y_label, tick, Weight::Regular);
    let mut unit = true;
    if spec.panels.len() > 1 {
        let (tw, _) = text::measure(&p.title, tick * 1.15, Weight::Bold);
        unit = tw + 12.0 + uw <= room;
        let (title, ts) = text::fit(&p.title, tick * 1.15, Weight::Bold, room);
        text::draw(
            pm,
            &title,
            plot.left,
            plot.cy + 2.0,
            ts,
            Weight::Bold,
            INK,
            None,
        );
    }
    if unit {
        text::draw(
            pm,
            &spec.y_label,
            plot.right - uw,
            plot.cy + 4.0,
            tick,
            Weight::Regular,
            MUTED,
            None,
        );
    }
    y_axis(pm, plot, scale, tick);
    for b in &p.bars {
        let (xa, xb) = (
            plot.x(scale, b.start),
            plot.x(scale, b.end.succ_opt().unwrap_or(b.end)),
        );
        let gap = ((xb - xa) * 0.12).min(2.0);
        if let Some(rect) = tiny_skia::Rect::from_ltrb(
            xa + gap / 2.0,
            plot.y(scale, b.height),
            xb - gap / 2.0,
            plot.y(scale, 0.0),
        ) {
            let colour = if b.part { PART } else { BAR };
            pm.fill_rect(rect, &paint(colour, 1.0), id, None);
        }
    }
    x_ticks(pm, plot, scale, tick);
    if let Some(s) = spec.split {
        split_line(pm, plot, scale, s, tick);
    }
    // The fitted segments, inside the plot.
    let Some(mut clip) = Mask::new(pm.width(), pm.height()) else {
        return;
    };
    if let Some(r) = tiny_skia::Rect::from_ltrb(plot.left, plot.top, plot.right, plot.bottom) {
        clip.fill_path(&PathBuilder::from_rect(r), FillRule::Winding, false, id);
    }
    for (_, continued, pts) in fitted_lines(spec, p, scale.x0, scale.x1) {
        let mut pb = PathBuilder::new();
        for (i, (d, v)) in pts.iter().enumerate() {
            let (x, y) = (plot.x(scale, *d), plot.y(scale, v.min(scale.ytop * 2.0)));
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
    }
}

/// Grid lines and their values.
fn y_axis(pm: &mut Pixmap, plot: &Plot, scale: &Scale, tick: f32) {
    let mut v = 0.0;
    while v <= scale.ytop + scale.step * 1e-9 {
        let y = plot.y(scale, v).round() + 0.5;
        let mut pb = PathBuilder::new();
        pb.move_to(plot.left, y);
        pb.line_to(plot.right, y);
        if let Some(path) = pb.finish() {
            let col = if v == 0.0 { 0x888888 } else { GRID };
            pm.stroke_path(
                &path,
                &paint(col, 1.0),
                &stroke(1.0, None),
                Transform::identity(),
                None,
            );
        }
        let s = thousands_f(v);
        let (tw, th) = text::measure(&s, tick, Weight::Regular);
        text::draw(
            pm,
            &s,
            plot.left - 6.0 - tw,
            y - th / 2.0,
            tick,
            Weight::Regular,
            MUTED,
            None,
        );
        v += scale.step;
    }
}

/// X ticks: years, or months for short windows.
fn x_ticks(pm: &mut Pixmap, plot: &Plot, scale: &Scale, tick: f32) {
    let (x0, x1) = (scale.x0, scale.x1);
    let years = (x1.year() - x0.year()) >= 2;
    let Some(mut d) = NaiveDate::from_ymd_opt(x0.year(), if years { 1 } else { x0.month() }, 1)
    else {
        return;
    };
    let mut last_label_end = f32::NEG_INFINITY;
    while d <= x1 {
        if d >= x0 {
            let x = plot.x(scale, d).round() + 0.5;
            let mut pb = PathBuilder::new();
            pb.move_to(x, plot.bottom);
            pb.line_to(x, plot.bottom + 4.0);
            if let Some(path) = pb.finish() {
                pm.stroke_path(
                    &path,
                    &paint(0x888888, 1.0),
                    &stroke(1.0, None),
                    Transform::identity(),
                    None,
                );
            }
            let s = if years {
                d.year().to_string()
            } else {
                d.format("%b %Y").to_string()
            };
            let (tw, _) = text::measure(&s, tick, Weight::Regular);
            // Years label the year's middle when it is shown whole.
            let lx = if years { x + 4.0 } else { x - tw / 2.0 };
            if lx > last_label_end + 6.0 && lx + tw <= plot.right {
                text::draw(
                    pm,
                    &s,
                    lx,
                    plot.bottom + 5.0,
                    tick,
                    Weight::Regular,
                    MUTED,
                    None,
                );
                last_label_end = lx + tw;
            }
        }
        let next = if years {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            d.checked_add_months(chrono::Months::new(1))
        };
        let Some(next) = next else { return };
        d = next;
    }
}

/// The split: a dashed line and its date.
fn split_line(pm: &mut Pixmap, plot: &Plot, scale: &Scale, s: NaiveDate, tick: f32) {
    let x = plot.x(scale, s).round() + 0.5;
    let mut pb = PathBuilder::new();
    pb.move_to(x, plot.top - 2.0);
    pb.line_to(x, plot.bottom);
    if let Some(path) = pb.finish() {
        pm.stroke_path(
            &path,
            &paint(INK, 1.0),
            &stroke(1.5, Some(vec![4.0, 3.0])),
            Transform::identity(),
            None,
        );
    }
    let label = s.format("%-d %b %Y").to_string();
    let (tw, _) = text::measure(&label, tick, Weight::Bold);
    let lx = if x + 5.0 + tw < plot.right {
        x + 5.0
    } else {
        x - 5.0 - tw
    };
    text::draw(
        pm,
        &label,
        lx,
        plot.top,
        tick,
        Weight::Bold,
        INK,
        Some(0xffffff),
    );
}

/// A fitted line: whether it is after the split, whether it is the
/// pre-split trend continued, and its points.
type Fitted = (bool, bool, Vec<(NaiveDate, f64)>);

/// The fitted lines of a panel: the fit before the split, after it, and
/// the pre-split trend carried on after it; each sampled at 61 dates, in
/// expected events per average period. None without a regression or a
/// split.
fn fitted_lines(spec: &ChartSpec, p: &Panel, x0: NaiveDate, x1: NaiveDate) -> Vec<Fitted> {
    let (Some(its), Some(split)) = (&p.its, spec.split) else {
        return Vec::new();
    };
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
    let line = |from: NaiveDate, to: NaiveDate, after: bool, continued: bool| {
        let steps = 60;
        let days = (to - from).num_days().max(0) as f64;
        let pts = (0..=steps)
            .filter_map(|i| {
                let d = from
                    .checked_add_days(chrono::Days::new((days * i as f64 / steps as f64) as u64))?;
                Some((d, mu(t_of(d) - 0.5, after, continued)))
            })
            .collect();
        (after, continued, pts)
    };
    vec![
        line(x0, split, false, false),
        line(split, x1, true, false),
        line(split, x1, true, true),
    ]
}

/// A tick value: whole numbers with thousands separators, else one decimal.
fn thousands_f(v: f64) -> String {
    if v.fract() == 0.0 {
        crate::output::thousands(v as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::{Bar, ChartSpec, Panel, Scale, panels};
    use crate::ingest::{FormatHint, PointSource, ReadOptions};
    use crate::stats::poisson::Coefficient;
    use crate::trend::{Grouping, Its, Options, Period, trend};
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A split in mid-month: no bar crosses the split line; the two
    /// parts of August are drawn apart, each at its rate for the whole
    /// month (the table's counts scaled by 31 over the part's days).
    #[test]
    fn no_bar_crosses_the_split() {
        let mut csv = String::from("event_date,latitude,longitude\n");
        for d in [
            "2021-07-03",
            "2021-08-01",
            "2021-08-02",
            "2021-08-20",
            "2021-09-09",
        ] {
            csv.push_str(&format!("{d},34.0,71.5\n"));
        }
        let mut src = PointSource::from_reader(
            Box::new(std::io::Cursor::new(csv.into_bytes())),
            "e.csv",
            FormatHint::None,
            &ReadOptions::default(),
        )
        .unwrap();
        let split = day("2021-08-15");
        let opts = Options {
            period: Period::Month,
            window: crate::window::Window {
                split: Some(split),
                ..Default::default()
            },
            ..Default::default()
        };
        let t = trend(&mut src, Grouping::All, opts).unwrap();
        let p = &panels(&t, 12, &[])[0];
        for b in &p.bars {
            assert!(b.end < split || b.start >= split, "{b:?} crosses {split}");
        }
        let parts: Vec<&Bar> = p.bars.iter().filter(|b| b.part).collect();
        assert_eq!(parts.len(), 2, "{:?}", p.bars);
        assert_eq!((parts[0].events, parts[1].events), (2.0, 1.0));
        assert!((parts[0].height - 2.0 * 31.0 / 14.0).abs() < 1e-9);
        assert!((parts[1].height - 31.0 / 17.0).abs() < 1e-9);
        assert_eq!(
            p.bars
                .iter()
                .filter(|b| !b.part)
                .map(|b| b.height)
                .sum::<f64>(),
            2.0
        );
    }

    fn coef(coef: f64) -> Coefficient {
        Coefficient {
            coef,
            se: 0.1,
            z: 1.0,
            p_value: 0.5,
            ci_low: coef - 0.2,
            ci_high: coef + 0.2,
        }
    }

    /// The fitted lines before and after the split stay inside the axis:
    /// its top covers them (a fit above every bar no longer runs off the
    /// top), up to twice the bars' highest.
    #[test]
    fn the_axis_holds_the_fitted_lines() {
        // 10 events a month in bars; a fit of 15 a month before the split.
        let start = day("2021-01-01");
        let bars: Vec<Bar> = (0..12)
            .map(|m| {
                let a = start.checked_add_months(chrono::Months::new(m)).unwrap();
                let b = a
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap()
                    .pred_opt()
                    .unwrap();
                Bar {
                    start: a,
                    end: b,
                    events: 10.0,
                    height: 10.0,
                    part: false,
                }
            })
            .collect();
        let per_day = (15.0f64 / (365.2425 / 12.0)).ln();
        let its = Its {
            level: coef(per_day),
            trend: coef(0.0),
            level_change: coef(0.0),
            trend_change: coef(0.0),
            scale: 1.0,
            periods: 12,
            t0: 6,
            fitted: vec![],
        };
        let spec = ChartSpec {
            size: (800, 500),
            title: "t".into(),
            subtitle: None,
            y_label: "events per month".into(),
            period: Period::Month,
            panels: vec![Panel {
                title: "all".into(),
                bars,
                its: Some(its),
                t_start: start,
            }],
            split: Some(day("2021-07-01")),
            sources: vec![],
        };
        let scale = Scale::of(&spec).unwrap();
        assert!(scale.ytop >= 15.0, "axis to {}", scale.ytop);
        assert!(super::chart(&spec).is_ok());
    }
}
