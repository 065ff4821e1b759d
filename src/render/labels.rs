//! Labels placed without overlap, around the furniture.

use super::*;

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
            // Towns (with markers) first, then district names around them.
            let mut v = place_labels(cv, view, Labels::Towns, districts, furniture)?;
            let mut busy = furniture.to_vec();
            busy.extend(v.iter().copied());
            v.extend(place_labels(cv, view, Labels::Districts, districts, &busy)?);
            return Ok(v);
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
                let (x, y) = view.px(at);
                if !inside(&[x - 3.0, y - 3.0, 6.0, 6.0]) {
                    continue;
                }
                let (tw, th) = text::measure(&name, 12.0, Weight::Regular);
                let candidates = [
                    [x + 6.0, y - th / 2.0, tw + 4.0, th],
                    [x - tw - 10.0, y - th / 2.0, tw + 4.0, th],
                    [x - tw / 2.0, y - th - 6.0, tw + 4.0, th],
                    [x - tw / 2.0, y + 5.0, tw + 4.0, th],
                ];
                let dot = [x - 3.0, y - 3.0, 6.0, 6.0];
                if !free(&dot, &placed) {
                    continue;
                }
                if let Some(b) = candidates
                    .iter()
                    .find(|b| free(b, &placed) && !overlaps(b, &dot))
                {
                    circle(cv, x, y, 3.0, INK, 1.0, Some(0xffffff));
                    cv.text(
                        &name,
                        b[0] + 2.0,
                        b[1],
                        12.0,
                        Weight::Regular,
                        INK,
                        Some(0xffffff),
                    );
                    placed.push(*b);
                    placed.push(dot);
                }
            }
        }
    }
    Ok(placed)
}
