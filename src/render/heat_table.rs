//! The Near Repeat Calculator's table as a picture: one cell per distance
//! band × time band, shaded by the ratio of the pairs observed to the pairs
//! expected (a diverging red–blue scale on the ratio's logarithm, white at
//! 1), with the counts written in the cell and the cells whose permutation
//! p-value is at or under the level framed in heavy black.
//!
//! The typography is the maps' and charts': DejaVu Sans, the same title and
//! source bands.
//!
//! # References
//! J. H. Ratcliffe (2009), *Near Repeat Calculator* v1.3, Temple
//! University (the table's layout). C. A. Brewer, ColorBrewer 2.0 RdBu
//! (Apache-2.0).

use super::paint::{INK, MUTED, paint, stroke};
use super::text::{self, Weight};
use super::view::{bands, compact};
use super::{Error, Param, Result, check_size};
use crate::spacetime::Band;
use tiny_skia::{PathBuilder, Pixmap, Transform};

/// One cell: a distance band × a time band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatCell {
    /// Pairs observed.
    pub observed: u64,
    /// Pairs expected (the permutations' mean), if any permutation ran.
    pub expected: Option<f64>,
    /// Observed / expected (none when none are expected).
    pub ratio: Option<f64>,
    /// The permutation p-value.
    pub p: Option<f64>,
}

/// A heat table: rows of distance bands, columns of time bands.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HeatTable {
    /// Image size, pixels.
    pub size: (u32, u32),
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// The rows' labels (distance bands), top to bottom.
    pub rows: Vec<String>,
    /// The columns' labels (time bands), left to right.
    pub columns: Vec<String>,
    /// What the rows are (over their labels), e.g. `distance apart`.
    pub rows_title: String,
    /// What the columns are (over their labels), e.g. `days apart`.
    pub columns_title: String,
    /// The cells, row by row (`rows.len() × columns.len()`).
    pub cells: Vec<HeatCell>,
    /// Cells with p at or under this are framed.
    pub level: f64,
    /// How many permutations the p-values come from (for the legend).
    pub permutations: usize,
    /// Lines under the table (what the table shows and does not).
    pub notes: Vec<String>,
    /// Source credits.
    pub sources: Vec<String>,
}

/// ColorBrewer RdBu (11 classes), blue (ratio below 1) to red (above).
const RDBU: [u32; 11] = [
    0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d,
    0xb2182b, 0x67001f,
];

/// The ratio the scale's ends stand for (and its inverse).
const SCALE_END: f64 = 4.0;

/// The colour of a ratio: white at 1, the darkest red at `SCALE_END` or
/// more, the darkest blue at its inverse or less (linear in log₂ ratio
/// between the palette's colours).
pub fn ratio_colour(ratio: f64) -> u32 {
    let l = ratio.max(1e-12).log2() / SCALE_END.log2();
    let t = ((l.clamp(-1.0, 1.0) + 1.0) / 2.0) * (RDBU.len() - 1) as f64;
    let i = (t.floor() as usize).min(RDBU.len() - 2);
    let f = t - i as f64;
    let mix = |shift: u32| {
        let a = (RDBU[i] >> shift & 255) as f64;
        let b = (RDBU[i + 1] >> shift & 255) as f64;
        ((a + (b - a) * f).round() as u32) << shift
    };
    mix(16) | mix(8) | mix(0)
}

/// Whether text on `rgb` reads better in white.
fn dark(rgb: u32) -> bool {
    let c = |s: u32| (rgb >> s & 255) as f64 / 255.0;
    0.2126 * c(16) + 0.7152 * c(8) + 0.0722 * c(0) < 0.45
}

/// A count for people: 1,234.
fn count(n: f64) -> String {
    if n >= 100.0 {
        crate::output::thousands(n.round() as i64)
    } else if n >= 10.0 {
        format!("{n:.1}")
    } else {
        format!("{n:.2}")
    }
}

/// A p-value for people: two decimals, three under 0.01.
fn p_text(p: f64) -> String {
    if p >= 0.01 {
        format!("{p:.2}")
    } else {
        format!("{p:.3}")
    }
}

impl HeatTable {
    /// A table of `cells` (row by row) under `rows` (distance bands) and
    /// `columns` (time bands), at `size` pixels, titled `title`; the rows
    /// are `distance apart`, the columns `days apart`, cells with p at or
    /// under 0.05 framed, the p-values from 999 permutations (the
    /// defaults of `frontier knox`); no subtitle, notes or sources (set
    /// them after). [`HeatTable::bands`] makes rows, columns and cells
    /// from a Near Repeat test's outcome.
    pub fn new(
        size: (u32, u32),
        title: impl Into<String>,
        rows: Vec<String>,
        columns: Vec<String>,
        cells: Vec<HeatCell>,
    ) -> HeatTable {
        HeatTable {
            size,
            title: title.into(),
            subtitle: None,
            rows,
            columns,
            rows_title: "distance apart".into(),
            columns_title: "days apart".into(),
            cells,
            level: 0.05,
            permutations: 999,
            notes: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// The rows, columns and cells of a Near Repeat table
    /// ([`crate::spacetime::Test::Bands`]'s outcome): distance bands as
    /// `0–1 km` (the first band holds both its ends, the others their
    /// upper end; `same place` for a band of 0 to 0), time bands in the
    /// whole days they hold (`0–7`, `8–14`; `same day` for 0 to 0).
    pub fn bands(bands: &[Band]) -> (Vec<String>, Vec<String>, Vec<HeatCell>) {
        let mut rows: Vec<(f64, f64)> = Vec::new();
        let mut cols: Vec<(u32, u32)> = Vec::new();
        for b in bands {
            if !rows.contains(&(b.space_from_m, b.space_to_m)) {
                rows.push((b.space_from_m, b.space_to_m));
            }
            if !cols.contains(&(b.time_from, b.time_to)) {
                cols.push((b.time_from, b.time_to));
            }
        }
        let km = |m: f64| {
            let k = m / 1000.0;
            if k == k.round() {
                format!("{k:.0}")
            } else {
                format!("{k}")
            }
        };
        let row_labels = rows
            .iter()
            .map(|&(a, b)| {
                if b == 0.0 {
                    "same place".to_string()
                } else {
                    format!("{}–{} km", km(a), km(b))
                }
            })
            .collect();
        let col_labels = cols
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| {
                // The first band holds both ends; the others their upper.
                let first = if i == 0 { a } else { a + 1 };
                if b == 0 {
                    "same day".to_string()
                } else if first == b {
                    format!("{b}")
                } else {
                    format!("{first}–{b}")
                }
            })
            .collect();
        let mut cells = vec![
            HeatCell {
                observed: 0,
                expected: None,
                ratio: None,
                p: None,
            };
            rows.len() * cols.len()
        ];
        for b in bands {
            let r = rows
                .iter()
                .position(|x| *x == (b.space_from_m, b.space_to_m))
                .expect("listed");
            let c = cols
                .iter()
                .position(|x| *x == (b.time_from, b.time_to))
                .expect("listed");
            cells[r * cols.len() + c] = HeatCell {
                observed: b.observed,
                expected: b.expected,
                ratio: b.ratio,
                p: b.p_sim,
            };
        }
        (row_labels, col_labels, cells)
    }
}

/// Draw the heat table.
///
/// # Examples
/// ```
/// use frontier::render::heat_table::{HeatCell, HeatTable, heat_table};
///
/// let cell = |observed, expected: f64, p| HeatCell {
///     observed,
///     expected: Some(expected),
///     ratio: Some(observed as f64 / expected),
///     p: Some(p),
/// };
/// let mut spec = HeatTable::new(
///     (900, 500),
///     "Near repeats",
///     vec!["0–1 km".into(), "1–2 km".into()],
///     vec!["0–7".into(), "8–14".into()],
///     vec![cell(60, 20.0, 0.001), cell(22, 20.0, 0.3), cell(25, 20.0, 0.2), cell(18, 20.0, 0.7)],
/// );
/// spec.sources = vec!["synthetic data".into()];
/// let png = heat_table(&spec)?.encode_png().expect("PNG encoding");
/// assert_eq!(&png[1..4], b"PNG");
/// # Ok::<(), frontier::Error>(())
/// ```
pub fn heat_table(spec: &HeatTable) -> Result<Pixmap> {
    check_size(spec.size)?;
    let (nr, nc) = (spec.rows.len(), spec.columns.len());
    if spec.cells.len() != nr * nc {
        return Err(Error::InvalidSetting {
            param: Param::Classes,
            value: format!("{} cells", spec.cells.len()),
            expected: format!("{nr} rows × {nc} columns = {} cells", nr * nc),
        });
    }
    let (w, h) = spec.size;
    let mut pm = Pixmap::new(w, h).ok_or_else(|| Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: "cannot allocate an image this large".into(),
    })?;
    pm.fill(tiny_skia::Color::WHITE);
    let (wf, hf) = (w as f32, h as f32);
    let small = compact((wf, hf));
    let (title_band, source_band) = bands((wf, hf));
    frame(&mut pm, spec, small, title_band, source_band);
    let fs = if small { 11.0 } else { 14.0 };
    let note_fs = if small { 10.0 } else { 13.0 };
    // The table's box: labels on the left and on top, the legend on the
    // right, the notes under it.
    let label_w = spec
        .rows
        .iter()
        .chain(std::iter::once(&spec.rows_title))
        .map(|l| text::measure(l, fs, Weight::Bold).0)
        .fold(0.0, f32::max)
        + 24.0;
    let legend_w = if small { 170.0 } else { 250.0 };
    let notes_h = spec.notes.len() as f32 * note_fs * 1.5 + 10.0;
    let left = 16.0 + label_w;
    let right = wf - legend_w - 24.0;
    let top = title_band + 16.0 + 2.0 * fs * 1.6;
    let bottom = hf - source_band - notes_h - 12.0;
    if nr == 0 || nc == 0 || right - left < 40.0 || bottom - top < 20.0 {
        return Ok(pm);
    }
    let cw = (right - left) / nc as f32;
    let ch = (bottom - top) / nr as f32;
    // Headers.
    let id = Transform::identity();
    let tw = text::measure(&spec.columns_title, fs, Weight::Bold).0;
    text::draw(
        &mut pm,
        &spec.columns_title,
        left + (right - left - tw) / 2.0,
        title_band + 12.0,
        fs,
        Weight::Bold,
        INK,
        None,
    );
    text::draw(
        &mut pm,
        &spec.rows_title,
        16.0,
        top - fs * 1.6,
        fs,
        Weight::Bold,
        INK,
        None,
    );
    for (j, c) in spec.columns.iter().enumerate() {
        let lw = text::measure(c, fs, Weight::Regular).0;
        let x = left + cw * j as f32 + (cw - lw) / 2.0;
        text::draw(
            &mut pm,
            c,
            x,
            top - fs * 1.6,
            fs,
            Weight::Regular,
            INK,
            None,
        );
    }
    for (i, r) in spec.rows.iter().enumerate() {
        let y = top + ch * i as f32 + (ch - fs * 1.2) / 2.0;
        text::draw(&mut pm, r, 16.0, y, fs, Weight::Regular, INK, None);
    }
    // Cells.
    let big = (ch * 0.3).clamp(11.0, if small { 18.0 } else { 26.0 });
    let little = (big * 0.55).clamp(9.0, 14.0);
    for (k, cell) in spec.cells.iter().enumerate() {
        let (i, j) = (k / nc, k % nc);
        let (x, y) = (left + cw * j as f32, top + ch * i as f32);
        let fill = cell.ratio.map_or(0xe0e0e0, ratio_colour);
        if let Some(r) = tiny_skia::Rect::from_xywh(x, y, cw, ch) {
            pm.fill_rect(r, &paint(fill, 1.0), id, None);
            let p = PathBuilder::from_rect(r);
            pm.stroke_path(&p, &paint(0xffffff, 1.0), &stroke(1.5, None), id, None);
        }
        let significant = cell.p.is_some_and(|p| p <= spec.level);
        if significant {
            framed(&mut pm, x + 4.0, y + 4.0, cw - 8.0, ch - 8.0);
        }
        let ink = if dark(fill) { 0xffffff } else { INK };
        let main = match cell.ratio {
            Some(r) => format!("{r:.2}"),
            None => "–".into(),
        };
        let wt = if significant {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let lines = [
            (main, big, wt),
            (
                match cell.expected {
                    Some(e) => format!("{} / {}", count(cell.observed as f64), count(e)),
                    None => count(cell.observed as f64),
                },
                little,
                Weight::Regular,
            ),
            (
                match cell.p {
                    Some(p) => format!("p = {}", p_text(p)),
                    None => String::new(),
                },
                little,
                Weight::Regular,
            ),
        ];
        let total: f32 = lines.iter().map(|l| l.1 * 1.25).sum();
        let mut ty = y + (ch - total) / 2.0;
        for (t, size, weight) in &lines {
            let tw = text::measure(t, *size, *weight).0;
            if tw < cw - 10.0 {
                text::draw(
                    &mut pm,
                    t,
                    x + (cw - tw) / 2.0,
                    ty,
                    *size,
                    *weight,
                    ink,
                    None,
                );
            }
            ty += size * 1.25;
        }
    }
    legend(&mut pm, spec, right + 24.0, top, legend_w, fs, small);
    // Notes.
    let mut ny = bottom + 12.0;
    for n in &spec.notes {
        text::draw(&mut pm, n, 16.0, ny, note_fs, Weight::Regular, MUTED, None);
        ny += note_fs * 1.5;
    }
    Ok(pm)
}

/// The colour scale of the ratio and the significance frame, at (`x`, `y`).
fn legend(pm: &mut Pixmap, spec: &HeatTable, x: f32, y: f32, w: f32, fs: f32, small: bool) {
    let id = Transform::identity();
    let lfs = fs - 1.0;
    text::draw(pm, "observed / expected", x, y, fs, Weight::Bold, INK, None);
    let bar_h: f32 = if small { 130.0 } else { 200.0 };
    let bar_w = 22.0;
    let by = y + fs * 1.8;
    let steps = 64;
    for s in 0..steps {
        // Top: the highest ratio.
        let l = 1.0 - 2.0 * (s as f64 + 0.5) / steps as f64;
        let r = SCALE_END.powf(l);
        if let Some(rect) = tiny_skia::Rect::from_xywh(
            x,
            by + bar_h * s as f32 / steps as f32,
            bar_w,
            bar_h / steps as f32 + 0.5,
        ) {
            pm.fill_rect(rect, &paint(ratio_colour(r), 1.0), id, None);
        }
    }
    if let Some(rect) = tiny_skia::Rect::from_xywh(x, by, bar_w, bar_h) {
        let p = PathBuilder::from_rect(rect);
        pm.stroke_path(&p, &paint(0x888888, 1.0), &stroke(1.0, None), id, None);
    }
    let ticks = [
        (SCALE_END, format!("{SCALE_END} or more")),
        (2.0, "2".into()),
        (1.0, "1 (as expected)".into()),
        (0.5, "0.5".into()),
        (1.0 / SCALE_END, format!("{} or less", 1.0 / SCALE_END)),
    ];
    for (r, label) in ticks {
        let t = (1.0 - r.log2() / SCALE_END.log2()) / 2.0;
        let ty = by + bar_h * t as f32;
        let mut pb = PathBuilder::new();
        pb.move_to(x + bar_w, ty);
        pb.line_to(x + bar_w + 6.0, ty);
        if let Some(p) = pb.finish() {
            pm.stroke_path(&p, &paint(INK, 1.0), &stroke(1.0, None), id, None);
        }
        text::draw(
            pm,
            &label,
            x + bar_w + 10.0,
            ty - lfs * 0.6,
            lfs,
            Weight::Regular,
            INK,
            None,
        );
    }
    // The frame of a significant cell.
    let fy = by + bar_h + 28.0;
    if let Some(r) = tiny_skia::Rect::from_xywh(x + 2.0, fy + 2.0, 30.0, 22.0) {
        pm.fill_rect(r, &paint(ratio_colour(1.6), 1.0), id, None);
    }
    framed(pm, x + 2.0, fy + 2.0, 30.0, 22.0);
    let lines = [
        format!("p ≤ {} by", spec.level),
        format!(
            "{} permutations",
            crate::output::thousands(spec.permutations as i64)
        ),
        "of the dates".to_string(),
    ];
    for (i, l) in lines.iter().enumerate() {
        text::draw(
            pm,
            l,
            x + 42.0,
            fy + lfs * 1.3 * i as f32,
            lfs,
            Weight::Regular,
            INK,
            None,
        );
    }
    let cy = fy + lfs * 1.3 * 3.0 + 16.0;
    let cell = [
        "In each cell:",
        "the ratio (bold when framed)",
        "pairs observed / expected",
        "the permutation p-value",
    ];
    for (i, l) in cell.iter().enumerate() {
        if text::measure(l, lfs, Weight::Regular).0 > w {
            continue;
        }
        let wt = if i == 0 {
            Weight::Bold
        } else {
            Weight::Regular
        };
        text::draw(pm, l, x, cy + lfs * 1.4 * i as f32, lfs, wt, MUTED, None);
    }
}

/// The frame of a significant cell: a heavy black line with a thin white
/// one inside it, which shows on the darkest cells too.
fn framed(pm: &mut Pixmap, x: f32, y: f32, w: f32, h: f32) {
    let id = Transform::identity();
    if let Some(r) = tiny_skia::Rect::from_xywh(x, y, w, h) {
        let p = PathBuilder::from_rect(r);
        pm.stroke_path(&p, &paint(INK, 1.0), &stroke(3.5, None), id, None);
    }
    if let Some(r) = tiny_skia::Rect::from_xywh(x + 2.75, y + 2.75, w - 5.5, h - 5.5) {
        let p = PathBuilder::from_rect(r);
        pm.stroke_path(&p, &paint(0xffffff, 1.0), &stroke(1.5, None), id, None);
    }
}

/// The title band (title, subtitle) and the source band.
fn frame(pm: &mut Pixmap, spec: &HeatTable, small: bool, title_band: f32, source_band: f32) {
    let (w, h) = (pm.width() as f32, pm.height() as f32);
    let ts = if small { 17.0 } else { 24.0 };
    text::draw(pm, &spec.title, 12.0, 6.0, ts, Weight::Bold, INK, None);
    if let Some(s) = &spec.subtitle {
        let (sy, ss) = if small { (27.0, 11.0) } else { (40.0, 14.0) };
        text::draw(pm, s, 13.0, sy, ss, Weight::Regular, MUTED, None);
    }
    let rule = |pm: &mut Pixmap, y: f32| {
        if let Some(r) = tiny_skia::Rect::from_xywh(0.0, y, w, 1.0) {
            pm.fill_rect(r, &paint(0xbbbbbb, 1.0), Transform::identity(), None);
        }
    };
    rule(pm, title_band - 1.0);
    rule(pm, h - source_band);
    let credit = format!("Sources: {}", spec.sources.join(" · "));
    let cs = if small { 10.0 } else { 12.0 };
    text::draw(
        pm,
        &credit,
        12.0,
        h - source_band + (source_band - cs * 1.2) / 2.0,
        cs,
        Weight::Regular,
        MUTED,
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_white_at_one_and_saturates_at_its_ends() {
        assert_eq!(ratio_colour(1.0), 0xf7f7f7);
        assert_eq!(ratio_colour(4.0), 0x67001f);
        assert_eq!(ratio_colour(13.75), 0x67001f);
        assert_eq!(ratio_colour(0.25), 0x053061);
        assert_eq!(ratio_colour(0.0), 0x053061);
        // Linear in log ratio: 4^0.6 is RdBu's 9th colour, 4^-0.6 its
        // 3rd; 2, halfway up the red side, between the 8th and 9th.
        assert_eq!(ratio_colour(4f64.powf(0.6)), 0xd6604d);
        assert_eq!(ratio_colour(4f64.powf(-0.6)), 0x4393c3);
        assert_eq!(ratio_colour(2.0), 0xe58368);
    }

    fn band(s: (f64, f64), t: (u32, u32), observed: u64, ratio: f64, p: f64) -> Band {
        Band {
            space_from_m: s.0,
            space_to_m: s.1,
            time_from: t.0,
            time_to: t.1,
            observed,
            expected: Some(observed as f64 / ratio),
            ratio: Some(ratio),
            p_sim: Some(p),
        }
    }

    #[test]
    fn bands_are_labelled_by_what_they_hold() {
        let b = [
            band((0.0, 0.0), (0, 7), 5, 2.0, 0.01),
            band((0.0, 0.0), (7, 14), 5, 1.0, 0.5),
            band((0.0, 500.0), (0, 7), 10, 3.0, 0.001),
            band((0.0, 500.0), (7, 14), 4, 0.9, 0.6),
        ];
        let (rows, cols, cells) = HeatTable::bands(&b);
        assert_eq!(rows, ["same place", "0–0.5 km"]);
        assert_eq!(cols, ["0–7", "8–14"]);
        assert_eq!(cells[2].observed, 10);
        assert_eq!(cells[3].p, Some(0.6));
    }

    /// The pixel at the centre of cell (i, j) of a 2 × 2 table drawn at
    /// 900 × 500: its fill.
    #[test]
    fn cells_are_shaded_by_ratio_and_significant_ones_framed() {
        let cell = |ratio: f64, p: f64| HeatCell {
            observed: 40,
            expected: Some(40.0 / ratio),
            ratio: Some(ratio),
            p: Some(p),
        };
        let spec = HeatTable {
            size: (900, 500),
            title: "t".into(),
            subtitle: None,
            rows: vec!["a".into(), "b".into()],
            columns: vec!["c".into(), "d".into()],
            rows_title: "distance apart".into(),
            columns_title: "days apart".into(),
            cells: vec![
                cell(4.0, 0.001),
                cell(1.0, 0.5),
                cell(0.25, 0.5),
                cell(4f64.powf(0.6), 0.3),
            ],
            level: 0.05,
            permutations: 99,
            notes: vec![],
            sources: vec![],
        };
        let pm = heat_table(&spec).unwrap();
        // The table's geometry as drawn.
        let fs = 11.0;
        let (title_band, source_band) = bands((900.0, 500.0));
        let label_w = text::measure("distance apart", fs, Weight::Bold).0 + 24.0;
        let (left, right) = (16.0 + label_w, 900.0 - 170.0 - 24.0);
        let top = title_band + 16.0 + 2.0 * fs * 1.6;
        let bottom = 500.0 - source_band - 10.0 - 12.0;
        let (cw, ch) = ((right - left) / 2.0, (bottom - top) / 2.0);
        let at = |x: f32, y: f32| {
            let p = pm.pixel(x as u32, y as u32).unwrap();
            (p.red() as u32) << 16 | (p.green() as u32) << 8 | p.blue() as u32
        };
        // Near each cell's top-left corner, inside the frame's place.
        for (k, want) in [0x67001f, 0xf7f7f7, 0x053061, 0xd6604d].iter().enumerate() {
            let (x, y) = (left + cw * (k % 2) as f32, top + ch * (k / 2) as f32);
            assert_eq!(at(x + 12.0, y + 12.0), *want, "cell {k}");
            // The frame: ink 4 pixels in for the significant cell only.
            let frame = at(x + 4.0, y + ch / 3.0);
            assert_eq!(frame == INK, k == 0, "cell {k}: {frame:06x}");
        }
    }
}
