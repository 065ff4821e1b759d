//! Labels placed without overlap, around the furniture.

use super::canvas::Canvas;
use super::paint::{INK, polys_of};
use super::symbols::circle;
use super::text::Weight;
use super::view::View;
use super::{Labels, text};
use crate::error::Result;
use crate::geodesy;
use crate::layer::{Catalogue, Layer};
use geo::{Coord, Geometry, InteriorPoint, MultiPolygon};

pub(super) fn overlaps(a: &[f32; 4], b: &[f32; 4]) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

pub(super) fn place_labels(
    cv: &mut Canvas,
    view: &View,
    which: Labels,
    districts: &Layer,
    furniture: &[[f32; 4]],
) -> Result<Vec<[f32; 4]>> {
    let area = view.area;
    let inside = |b: &[f32; 4]| {
        b[0] >= area[0] + 2.0
            && b[1] >= area[1] + 2.0
            && b[0] + b[2] <= area[0] + area[2] - 2.0
            && b[1] + b[3] <= area[1] + area[3] - 2.0
    };
    let mut placed: Vec<[f32; 4]> = Vec::new();
    let free = |b: &[f32; 4], placed: &Vec<[f32; 4]>| {
        inside(b)
            && !furniture.iter().any(|f| overlaps(b, f))
            && !placed.iter().any(|p| overlaps(b, p))
    };
    match which {
        Labels::None => {}
        Labels::All => {
            // Cities and towns (with markers) first, then district names
            // around them.
            let mut busy = furniture.to_vec();
            let mut v = Vec::new();
            for which in [Labels::Cities, Labels::Towns, Labels::Districts] {
                let got = place_labels(cv, view, which, districts, &busy)?;
                busy.extend(got.iter().copied());
                v.extend(got);
            }
            return Ok(v);
        }
        Labels::Cities => {
            let width_km = map_width_km(view);
            let near = if width_km > 800.0 {
                250_000.0
            } else if width_km > 300.0 {
                50_000.0
            } else {
                0.0
            };
            let mut cities: Vec<(f64, String, Coord)> = Catalogue::shared("places")?
                .features
                .iter()
                .filter_map(|f| {
                    let Geometry::Point(p) = f.geometry else {
                        return None;
                    };
                    let pop = f.properties.get("population")?.as_f64()?;
                    let country = f.property_text("country").unwrap_or_default();
                    let least = if country == "PK" || country == "AF" {
                        near
                    } else if width_km > 800.0 {
                        2_000_000.0
                    } else {
                        1_000_000.0
                    };
                    let name = f.name()?.to_string();
                    (pop >= least).then_some((pop, name, p.0))
                })
                .collect();
            cities.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, name, at) in cities {
                if let Some(b) =
                    place_point_label(cv, view, &name, at, &inside, &|b| free(b, &placed))
                {
                    placed.extend(b);
                }
            }
        }
        Labels::Districts => {
            // Largest districts first.
            let mut items: Vec<(f64, String, Coord)> = districts
                .features
                .iter()
                .filter_map(|f| {
                    let mp: MultiPolygon = MultiPolygon::new(polys_of(&f.geometry));
                    let at = mp.interior_point()?.0;
                    Some((geodesy::area_m2(&mp), f.name()?.to_string(), at))
                })
                .collect();
            items.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, name, at) in items {
                let (x, y) = view.px(at);
                let (tw, th) = text::measure(&name, 12.0, Weight::Regular);
                let b = [x - tw / 2.0 - 2.0, y - th / 2.0 - 1.0, tw + 4.0, th + 2.0];
                if free(&b, &placed) {
                    cv.text(
                        &name,
                        b[0] + 2.0,
                        b[1] + 1.0,
                        12.0,
                        Weight::Regular,
                        0x333333,
                        Some(0xffffff),
                    );
                    placed.push(b);
                }
            }
        }
        Labels::Towns => {
            // Crossings first, then the towns in route order.
            let mut towns = crate::layer::towns()?;
            towns.sort_by_key(|t| !t.crossing);
            for crate::layer::Town { name, at, .. } in towns {
                if let Some(b) =
                    place_point_label(cv, view, &name, at, &inside, &|b| free(b, &placed))
                {
                    placed.extend(b);
                }
            }
        }
    }
    Ok(placed)
}

/// A place's dot and name: the name to the right, left, above or below
/// the dot, the first that is free; nothing when neither fits. Returns the
/// name's and the dot's boxes.
fn place_point_label(
    cv: &mut Canvas,
    view: &View,
    name: &str,
    at: Coord,
    inside: &dyn Fn(&[f32; 4]) -> bool,
    free: &dyn Fn(&[f32; 4]) -> bool,
) -> Option<[[f32; 4]; 2]> {
    let (x, y) = view.px(at);
    if !inside(&[x - 3.0, y - 3.0, 6.0, 6.0]) {
        return None;
    }
    let (tw, th) = text::measure(name, 12.0, Weight::Regular);
    let candidates = [
        [x + 6.0, y - th / 2.0, tw + 4.0, th],
        [x - tw - 10.0, y - th / 2.0, tw + 4.0, th],
        [x - tw / 2.0, y - th - 6.0, tw + 4.0, th],
        [x - tw / 2.0, y + 5.0, tw + 4.0, th],
    ];
    let dot = [x - 3.0, y - 3.0, 6.0, 6.0];
    if !free(&dot) {
        return None;
    }
    let b = candidates.iter().find(|b| free(b) && !overlaps(b, &dot))?;
    circle(cv, x, y, 3.0, INK, 1.0, Some(0xffffff));
    cv.text(
        name,
        b[0] + 2.0,
        b[1],
        12.0,
        Weight::Regular,
        INK,
        Some(0xffffff),
    );
    Some([*b, dot])
}

/// The map's width on the ground at its centre, km.
fn map_width_km(view: &View) -> f64 {
    let a = view.area;
    let y = (a[1] + a[3] / 2.0) as f64;
    let west = view.lonlat(a[0] as f64, y);
    let east = view.lonlat((a[0] + a[2]) as f64, y);
    geodesy::distance_m(west, east) / 1000.0
}
