//! The base map's names: the neighbouring countries, the Arabian Sea and
//! Pakistan's provinces and territories, placed where they fit (inside
//! their area, clear of the furniture and of each other) and left out
//! where they do not.
//!
//! An area's candidate positions are the points of a coarse grid over the
//! map that lie inside the area's visible part, farthest from its edge
//! first (a chamfer distance transform of the area drawn as a mask): the
//! name goes at the first whose whole box lies inside the area and is free.

use super::canvas::Canvas;
use super::labels::overlaps;
use super::paint::{SEA, geometry_path};
use super::text;
use super::text::Weight;
use super::view::View;
use crate::error::Result;
use crate::layer::Catalogue;
use geo::Coord;
use tiny_skia::{FillRule as Rule, Mask};
use tiny_skia::{Path, Transform};

/// Grid step for candidate positions, points.
const STEP: f32 = 6.0;

/// Where an area may be named: grid cells inside it, with their distance
/// from its edge (in cells), farthest first; and the mask to test boxes.
struct Inside {
    mask: Vec<bool>,
    gw: usize,
    gh: usize,
    x0: f32,
    y0: f32,
    order: Vec<(u32, usize)>,
}

impl Inside {
    fn of(view: &View, path: &Path) -> Option<Inside> {
        let area = view.area;
        let (gw, gh) = (
            (area[2] / STEP).ceil() as usize,
            (area[3] / STEP).ceil() as usize,
        );
        let mut m = Mask::new(gw as u32, gh as u32)?;
        let t = Transform::from_row(
            1.0 / STEP,
            0.0,
            0.0,
            1.0 / STEP,
            -area[0] / STEP,
            -area[1] / STEP,
        );
        m.fill_path(path, Rule::EvenOdd, false, t);
        let mask: Vec<bool> = m.data().iter().map(|v| *v >= 128).collect();
        // Chamfer distance to the nearest cell outside (or the map's edge).
        let mut d: Vec<u32> = mask
            .iter()
            .map(|&i| if i { u32::MAX / 2 } else { 0 })
            .collect();
        for y in 0..gh {
            for x in 0..gw {
                let i = y * gw + x;
                if d[i] == 0 {
                    continue;
                }
                let edge = x == 0 || y == 0 || x + 1 == gw || y + 1 == gh;
                let mut v = if edge { 1 } else { d[i] };
                if x > 0 {
                    v = v.min(d[i - 1] + 1);
                }
                if y > 0 {
                    v = v.min(d[i - gw] + 1);
                }
                d[i] = v;
            }
        }
        for y in (0..gh).rev() {
            for x in (0..gw).rev() {
                let i = y * gw + x;
                if x + 1 < gw {
                    d[i] = d[i].min(d[i + 1] + 1);
                }
                if y + 1 < gh {
                    d[i] = d[i].min(d[i + gw] + 1);
                }
            }
        }
        let mut order: Vec<(u32, usize)> = d
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .map(|(i, v)| (*v, i))
            .collect();
        if order.is_empty() {
            return None;
        }
        order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Some(Inside {
            mask,
            gw,
            gh,
            x0: area[0],
            y0: area[1],
            order,
        })
    }

    fn contains(&self, x: f32, y: f32) -> bool {
        let (gx, gy) = ((x - self.x0) / STEP, (y - self.y0) / STEP);
        gx >= 0.0
            && gy >= 0.0
            && (gx as usize) < self.gw
            && (gy as usize) < self.gh
            && self.mask[gy as usize * self.gw + gx as usize]
    }

    /// Whether the box lies inside the area: its corners, edge midpoints
    /// and centre; or, `loose`, the three points along its middle line
    /// (the letters may then cross the area's edge a little).
    fn holds(&self, b: &[f32; 4], loose: bool) -> bool {
        let xs = [b[0], b[0] + b[2] / 2.0, b[0] + b[2]];
        let ys: &[f32] = if loose {
            &[b[1] + b[3] / 2.0]
        } else {
            &[b[1], b[1] + b[3] / 2.0, b[1] + b[3]]
        };
        xs.iter().all(|&x| ys.iter().all(|&y| self.contains(x, y)))
    }

    /// Centres to try, farthest from the edge first (at most `n`).
    fn centres(&self, n: usize) -> impl Iterator<Item = (f32, f32)> + '_ {
        self.order.iter().take(n).map(|&(_, i)| {
            (
                self.x0 + ((i % self.gw) as f32 + 0.5) * STEP,
                self.y0 + ((i / self.gw) as f32 + 0.5) * STEP,
            )
        })
    }
}

/// How a kind of name is written.
struct Look {
    size: f32,
    weight: Weight,
    rgb: u32,
    halo: Option<u32>,
}

/// Try to name an area: each of `texts` in turn (the name, then a short
/// form), first wholly inside the area, then along its middle line; at the
/// first candidate centre where the box fits and is free. Returns the box
/// placed.
fn name_area(
    cv: &mut Canvas,
    view: &View,
    path: &Path,
    texts: &[String],
    look: &Look,
    free: &dyn Fn(&[f32; 4]) -> bool,
) -> Option<[f32; 4]> {
    let inside = Inside::of(view, path)?;
    for loose in [false, true] {
        for text in texts {
            let (tw, th) = text::measure(text, look.size, look.weight);
            let found = inside.centres(4000).find_map(|(cx, cy)| {
                let b = [cx - tw / 2.0 - 2.0, cy - th / 2.0 - 1.0, tw + 4.0, th + 2.0];
                (inside.holds(&b, loose) && free(&b)).then_some(b)
            });
            if let Some(b) = found {
                cv.text(
                    text,
                    b[0] + 2.0,
                    b[1] + 1.0,
                    look.size,
                    look.weight,
                    look.rgb,
                    look.halo,
                );
                return Some(b);
            }
        }
    }
    None
}

/// The short forms the provinces and territories go by, for where the
/// full name does not fit.
fn short_name(name: &str) -> Option<&'static str> {
    match name {
        "Khyber Pakhtunkhwa" => Some("KP"),
        "Azad Jammu & Kashmir" => Some("AJK"),
        "Islamabad Capital Territory" => Some("ICT"),
        "Gilgit-Baltistan" => Some("GB"),
        _ => None,
    }
}

/// Place the base map's names; returns the boxes placed.
pub(super) fn place_names(
    cv: &mut Canvas,
    view: &View,
    busy: &[[f32; 4]],
) -> Result<Vec<[f32; 4]>> {
    let area = view.area;
    let mut placed: Vec<[f32; 4]> = Vec::new();
    let clear = |b: &[f32; 4], placed: &Vec<[f32; 4]>| {
        b[0] >= area[0] + 4.0
            && b[1] >= area[1] + 4.0
            && b[0] + b[2] <= area[0] + area[2] - 4.0
            && b[1] + b[3] <= area[1] + area[3] - 4.0
            && !busy.iter().any(|f| overlaps(b, f))
            && !placed.iter().any(|p| overlaps(b, p))
    };
    let big = !view.compact;
    // Neighbouring countries: capitals, muted, no halo.
    let country = Look {
        size: if big { 16.0 } else { 12.0 },
        weight: Weight::Regular,
        rgb: 0x8a8373,
        halo: None,
    };
    for f in &Catalogue::shared("neighbours")?.features {
        let (Some(name), Some(path)) = (f.name(), geometry_path(view, &f.geometry)) else {
            continue;
        };
        let texts = [name.to_uppercase()];
        let snapshot = placed.clone();
        if let Some(b) = name_area(cv, view, &path, &texts, &country, &|b| clear(b, &snapshot)) {
            placed.push(b);
        }
    }
    // The Arabian Sea, in blue, on open sea south of the coast (east of
    // 60.5°E, so not on Oman, which the layers leave blank).
    sea_name(cv, view, if big { 15.0 } else { 11.0 }, &mut |b| {
        let ok = clear(b, &placed);
        if ok {
            placed.push(*b);
        }
        ok
    });
    // Provinces and territories: bold capitals with a halo.
    let province = Look {
        size: if big { 13.0 } else { 10.0 },
        weight: Weight::Bold,
        rgb: 0x6b6357,
        halo: Some(0xffffff),
    };
    for f in &Catalogue::shared("provinces")?.features {
        let (Some(name), Some(path)) = (f.name(), geometry_path(view, &f.geometry)) else {
            continue;
        };
        let mut texts = vec![name.to_uppercase()];
        texts.extend(short_name(name).map(str::to_string));
        let snapshot = placed.clone();
        if let Some(b) = name_area(cv, view, &path, &texts, &province, &|b| clear(b, &snapshot)) {
            placed.push(b);
        }
    }
    Ok(placed)
}

/// "Arabian Sea" where its box is all open sea; `take` says whether a box
/// is free (and claims it).
fn sea_name(cv: &mut Canvas, view: &View, size: f32, take: &mut dyn FnMut(&[f32; 4]) -> bool) {
    let text = "Arabian Sea";
    let (tw, th) = text::measure(text, size, Weight::Regular);
    // Candidates from the middle of the sea outwards.
    let mut centres: Vec<Coord> = Vec::new();
    for i in 0..=29 {
        for j in 0..=16 {
            centres.push(Coord {
                x: 60.5 + 0.5 * i as f64,
                y: 17.0 + 0.5 * j as f64,
            });
        }
    }
    centres.sort_by(|a, b| {
        let d = |c: &Coord| (c.x - 64.5).powi(2) + (c.y - 21.0).powi(2);
        d(a).total_cmp(&d(b))
    });
    for c in centres {
        let (cx, cy) = view.px(c);
        let b = [cx - tw / 2.0 - 4.0, cy - th / 2.0 - 3.0, tw + 8.0, th + 6.0];
        // All sea under the box (sampled every 3 points), nothing drawn.
        let sea = (0..=((b[3] / 3.0) as i32)).all(|yi| {
            (0..=((b[2] / 3.0) as i32))
                .all(|xi| cv.colour_at(b[0] + xi as f32 * 3.0, b[1] + yi as f32 * 3.0) == Some(SEA))
        });
        if sea && take(&b) {
            cv.text(
                text,
                b[0] + 4.0,
                b[1] + 3.0,
                size,
                Weight::Regular,
                0x6f8fa8,
                None,
            );
            return;
        }
    }
}
