//! The legend: entries gathered while drawing, drawn where they cover
//! least of the map.

use super::canvas::{Canvas, Ink, pen};
use super::labels::overlaps;
use super::paint::{INK, MUTED, NO_DATA};
use super::symbols::{circle, diamond};
use super::text;
use super::text::Weight;
use super::view::View;
use tiny_skia::PathBuilder;

/// A legend entry.
pub(super) enum Entry {
    Header(String),
    Fill(u32, String),
    Hatched(String),
    Line(u32, f32, bool, String),
    Marker(u32, String),
    Circle(u32, f32, String),
    Ramp(Vec<u32>, String, String),
    /// A line of small, muted text under an entry (how it was made).
    Note(String),
}

/// Draw the legend in the corner where it hides least of the map, clear of
/// the `furniture` already drawn (the scale bar, the north arrow) where any
/// corner is; returns its box.
pub(super) fn draw_legend(
    cv: &mut Canvas,
    view: &View,
    entries: &[Entry],
    furniture: &[[f32; 4]],
) -> [f32; 4] {
    if entries.is_empty() {
        return [0.0; 4]; // nothing to explain: no box
    }
    let (pad, row, size): (f32, f32, f32) = if view.compact {
        (8.0, 16.0, 11.0)
    } else {
        (12.0, 20.0, 13.0)
    };
    // The thematic entries always; the base map's ("Boundaries" onwards)
    // only if they fit in the map's height.
    let base_from = entries
        .iter()
        .position(|e| matches!(e, Entry::Header(t) if t == "Boundaries"))
        .unwrap_or(entries.len());
    let full_height = legend_height(entries, pad, row);
    let entries = if full_height > view.area[3] * 0.8 && base_from > 0 {
        &entries[..base_from]
    } else {
        entries
    };
    let mut width: f32 = 120.0;
    let mut height = pad;
    for e in entries {
        let (label, extra) = match e {
            Entry::Header(t) => (t.as_str(), 0.0),
            Entry::Fill(_, t)
            | Entry::Hatched(t)
            | Entry::Line(_, _, _, t)
            | Entry::Marker(_, t) => (t.as_str(), 34.0),
            Entry::Circle(_, r, t) => (t.as_str(), 14.0 + 2.0 * r.max(5.0)),
            Entry::Note(t) => {
                width = width.max(text::measure(t, 11.0, Weight::Regular).0);
                height += row;
                continue;
            }
            Entry::Ramp(_, a, b) => {
                width = width.max(
                    text::measure(a, 11.0, Weight::Regular).0
                        + text::measure(b, 11.0, Weight::Regular).0
                        + 40.0,
                );
                height += 34.0;
                continue;
            }
        };
        let wt = if matches!(e, Entry::Header(_)) {
            Weight::Bold
        } else {
            Weight::Regular
        };
        width = width.max(text::measure(label, size, wt).0 + extra);
        height += match e {
            Entry::Header(_) => row + 4.0,
            Entry::Circle(_, r, _) => row.max(2.0 * r + 4.0),
            _ => row,
        };
    }
    width += 2.0 * pad;
    height += pad - 4.0;
    // The corner where the legend hides the least of the map: count the
    // pixels that are neither sea nor neighbour under each candidate box.
    let a = view.area;
    let candidates = [
        (a[0] + 14.0, a[1] + a[3] - height - 14.0),
        (a[0] + 14.0, a[1] + 14.0),
        (a[0] + a[2] - width - 14.0, a[1] + a[3] - height - 60.0),
        (a[0] + a[2] - width - 14.0, a[1] + 96.0),
    ];
    let (x0, y0) = cv
        .least_busy(&candidates, (width, height), 2, |b| {
            furniture.iter().any(|f| overlaps(b, f))
        })
        .or_else(|| cv.least_busy(&candidates, (width, height), 2, |_| false))
        .expect("candidates");
    if let Some(r) = tiny_skia::Rect::from_xywh(x0, y0, width, height) {
        cv.fill_rect(r, Ink::Solid(0xffffff, 0.92));
        let p = PathBuilder::from_rect(r);
        cv.stroke(&p, pen(0x999999, 1.0, 1.0, None));
    }
    let mut y = y0 + pad;
    for (i, e) in entries.iter().enumerate() {
        let x = x0 + pad;
        match e {
            Entry::Header(t) => {
                if i > 0 {
                    y += 4.0;
                }
                cv.text(t, x, y, size, Weight::Bold, INK, None);
                y += row;
            }
            Entry::Fill(_, t) | Entry::Hatched(t) => {
                if let Some(r) = tiny_skia::Rect::from_xywh(x, y + 1.0, 24.0, 14.0) {
                    match e {
                        Entry::Fill(..) => cv.fill_rect(r, Ink::Solid(*c_of(e), 1.0)),
                        _ => {
                            cv.fill_rect(r, Ink::Hatch);
                        }
                    }
                    cv.stroke(&PathBuilder::from_rect(r), pen(0x888888, 1.0, 0.6, None));
                }
                cv.text(t, x + 34.0, y, size, Weight::Regular, INK, None);
                y += row;
            }
            Entry::Line(c, wd, dashed, t) => {
                let mut pb = PathBuilder::new();
                pb.move_to(x, y + 8.0);
                pb.line_to(x + 24.0, y + 8.0);
                if let Some(p) = pb.finish() {
                    let dash = dashed.then(|| vec![7.0, 4.0]);
                    cv.stroke(&p, pen(*c, 1.0, *wd, dash));
                }
                cv.text(t, x + 34.0, y, size, Weight::Regular, INK, None);
                y += row;
            }
            Entry::Marker(c, t) => {
                diamond(cv, x + 12.0, y + 8.0, 6.0, *c);
                cv.text(t, x + 34.0, y, size, Weight::Regular, INK, None);
                y += row;
            }
            Entry::Circle(c, r, t) => {
                let hgt = row.max(2.0 * r + 4.0);
                let cx = x + 2.0 + r.max(5.0);
                circle(cv, cx, y + hgt / 2.0, *r, *c, 0.85, Some(0x666666));
                cv.text(
                    t,
                    x + 14.0 + 2.0 * r.max(5.0),
                    y + hgt / 2.0 - 8.0,
                    size,
                    Weight::Regular,
                    INK,
                    None,
                );
                y += hgt;
            }
            Entry::Note(t) => {
                cv.text(t, x, y, 11.0, Weight::Regular, MUTED, None);
                y += row;
            }
            Entry::Ramp(cs, a, b) => {
                let n = cs.len() as f32;
                let bw = 150.0 / n;
                for (j, c) in cs.iter().enumerate() {
                    if let Some(r) = tiny_skia::Rect::from_xywh(x + j as f32 * bw, y, bw, 12.0) {
                        cv.fill_rect(r, Ink::Solid(*c, 0.85));
                    }
                }
                cv.text(a, x, y + 14.0, 11.0, Weight::Regular, MUTED, None);
                let (bwid, _) = text::measure(b, 11.0, Weight::Regular);
                cv.text(
                    b,
                    (x + 150.0 - bwid).max(x + 40.0),
                    y + 14.0,
                    11.0,
                    Weight::Regular,
                    MUTED,
                    None,
                );
                y += 34.0;
            }
        }
    }
    [x0, y0, width, height]
}

pub(super) fn c_of(e: &Entry) -> &u32 {
    match e {
        Entry::Fill(c, _) => c,
        _ => &NO_DATA,
    }
}

pub(super) fn legend_height(entries: &[Entry], pad: f32, row: f32) -> f32 {
    let mut h = pad;
    for e in entries {
        h += match e {
            Entry::Header(_) => row + 4.0,
            Entry::Circle(_, r, _) => row.max(2.0 * r + 4.0),
            Entry::Ramp(..) => 34.0,
            _ => row,
        };
    }
    h + pad - 4.0
}
