//! The view: where the map's extent lands in the image, in the projection
//! fitted to it, and the bands above and below the map.

use super::Extent;
use super::projection::Projection;
use crate::error::{Error, Param, Result};
use crate::layer::{Catalogue, Layer};
use geo::{BoundingRect, Coord, Rect};
use geographiclib_rs::DirectGeodesic;

/// Projection plus the affine map from projected metres to pixels.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// The projection.
    pub projection: Projection,
    pub(super) scale: f64,
    xc: f64,
    yc: f64,
    cx: f64,
    cy: f64,
    /// The map area (x, y, w, h) in pixels.
    pub area: [f32; 4],
    /// Small image: smaller type and furniture.
    pub compact: bool,
}

impl View {
    /// Pixel position of a lon/lat.
    pub fn px(&self, c: Coord) -> (f32, f32) {
        let (x, y) = self.px64(c);
        (x as f32, y as f32)
    }

    /// Pixel position of a lon/lat, in double precision (for clipping
    /// before the single-precision drawing).
    pub fn px64(&self, c: Coord) -> (f64, f64) {
        let (x, y) = self.projection.forward(c);
        (
            self.cx + (x - self.xc) * self.scale,
            self.cy - (y - self.yc) * self.scale,
        )
    }

    /// Lon/lat at a pixel position.
    pub fn lonlat(&self, px: f64, py: f64) -> Coord {
        self.projection.inverse(
            self.xc + (px - self.cx) / self.scale,
            self.yc - (py - self.cy) / self.scale,
        )
    }

    /// Points on the page per km on the ground at the map area's centre:
    /// the geodesic from the centre 1 km due east, projected (in f64, so
    /// it holds on maps of any scale; the projections are conformal, so
    /// it is the same in every direction).
    pub fn pt_per_km(&self) -> f64 {
        let a = self.area;
        let centre = self.lonlat((a[0] + a[2] / 2.0) as f64, (a[1] + a[3] / 2.0) as f64);
        let (lat, lon): (f64, f64) =
            crate::geodesy::wgs84().direct(centre.y, centre.x, 90.0, 1000.0);
        let (x0, y0) = self.projection.forward(centre);
        let (x1, y1) = self.projection.forward(Coord { x: lon, y: lat });
        (x1 - x0).hypot(y1 - y0) * self.scale
    }

    /// Projected metres per pixel.
    pub fn metres_per_px(&self) -> f64 {
        1.0 / self.scale
    }
}

pub(super) fn bbox_of(layer: &Layer, filter: impl Fn(&crate::Feature) -> bool) -> Option<Rect> {
    let mut r: Option<Rect> = None;
    for f in layer.features.iter().filter(|f| filter(f)) {
        if let Some(b) = f.geometry.bounding_rect() {
            r = Some(match r {
                None => b,
                Some(a) => Rect::new(
                    Coord {
                        x: a.min().x.min(b.min().x),
                        y: a.min().y.min(b.min().y),
                    },
                    Coord {
                        x: a.max().x.max(b.max().x),
                        y: a.max().y.max(b.max().y),
                    },
                ),
            });
        }
    }
    r
}

/// The smallest extent a map shows, degrees of longitude and of latitude
/// (about 90 by 110 metres in Pakistan): a smaller box is widened to it
/// about its centre. Closer in, the built-in layers' coordinates say
/// nothing more, and the projections' parameters, fitted to the extent,
/// lose their precision.
pub const MIN_EXTENT_DEG: f64 = 0.001;

/// Check a bounding box (min lon, min lat, max lon, max lat): finite,
/// within ±180° and ±90°, min below max.
pub(super) fn check_bbox(b: &[f64; 4]) -> Result<()> {
    let ok = b.iter().all(|v| v.is_finite())
        && b[0] < b[2]
        && b[1] < b[3]
        && b[0] >= -180.0
        && b[2] <= 180.0
        && b[1] >= -90.0
        && b[3] <= 90.0;
    if ok {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::Extent,
        value: format!("bbox:{},{},{},{}", b[0], b[1], b[2], b[3]),
        expected: "finite numbers minlon,minlat,maxlon,maxlat with min < max, within ±180/±90"
            .into(),
    })
}

/// `lo..hi` widened to at least `least` about its middle, kept within
/// `min..max`.
fn at_least(lo: f64, hi: f64, least: f64, min: f64, max: f64) -> (f64, f64) {
    if hi - lo >= least {
        return (lo, hi);
    }
    let mid = ((lo + hi) / 2.0).clamp(min + least / 2.0, max - least / 2.0);
    (mid - least / 2.0, mid + least / 2.0)
}

/// The lon/lat box of an extent, with its margin, at least
/// [`MIN_EXTENT_DEG`] each way.
pub fn extent_box(e: &Extent) -> Result<Rect> {
    let r = extent_with_margin(e)?;
    check_bbox(&[r.min().x, r.min().y, r.max().x, r.max().y])?;
    let (x0, x1) = at_least(r.min().x, r.max().x, MIN_EXTENT_DEG, -180.0, 180.0);
    let (y0, y1) = at_least(r.min().y, r.max().y, MIN_EXTENT_DEG, -89.0, 89.0);
    Ok(Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }))
}

/// The lon/lat box of an extent, with its margin.
fn extent_with_margin(e: &Extent) -> Result<Rect> {
    let (r, margin) = match e {
        Extent::BBox(b) => {
            check_bbox(b)?;
            (
                Rect::new(Coord { x: b[0], y: b[1] }, Coord { x: b[2], y: b[3] }),
                0.0,
            )
        }
        Extent::Named(n) => {
            let province = |name: &'static str| -> Result<Rect> {
                let l = Catalogue::shared("provinces")?;
                bbox_of(l, |f| f.name() == Some(name)).ok_or_else(|| Error::Layer {
                    layer: "provinces".into(),
                    message: format!("no province named {name:?}"),
                })
            };
            let r = match n.as_str() {
                "pakistan" => bbox_of(Catalogue::shared("districts")?, |_| true),
                "kp" => Some(province("Khyber Pakhtunkhwa")?),
                "balochistan" => Some(province("Balochistan")?),
                "chaman" => bbox_of(Catalogue::shared("chaman")?, |_| true),
                other => bbox_of(&Catalogue::load(other)?, |_| true),
            }
            .ok_or_else(|| Error::Layer {
                layer: n.clone(),
                message: "the layer is empty, so it gives no extent".into(),
            })?;
            (r, 0.06)
        }
    };
    // Margin: 6% each side, at least 0.05° (about 5 km).
    let dx = (r.width() * margin).max(if margin > 0.0 { 0.05 } else { 0.0 });
    let dy = (r.height() * margin).max(if margin > 0.0 { 0.05 } else { 0.0 });
    Ok(Rect::new(
        Coord {
            x: (r.min().x - dx).max(-180.0),
            y: (r.min().y - dy).max(-89.0),
        },
        Coord {
            x: (r.max().x + dx).min(180.0),
            y: (r.max().y + dy).min(89.0),
        },
    ))
}

/// Heights of the title and source bands (points): smaller on small pages.
pub(super) fn bands(size: (f32, f32)) -> (f32, f32) {
    if compact(size) {
        (44.0, 20.0)
    } else {
        (64.0, 26.0)
    }
}

pub(super) fn compact(size: (f32, f32)) -> bool {
    size.0 < 800.0 || size.1 < 650.0
}

/// The view of `extent` on a page of `size` points, under the title band
/// and above a source band `source_band` points high.
pub(super) fn fit(extent: Rect, size: (f32, f32), source_band: f32) -> View {
    let (title_band, _) = bands(size);
    let area = [0.0, title_band, size.0, size.1 - title_band - source_band];
    fit_in(extent, area, compact(size))
}

/// The view of `extent` centred in the box `area` (x, y, w, h, points).
pub(super) fn fit_in(extent: Rect, area: [f32; 4], compact: bool) -> View {
    let projection = Projection::for_extent(extent.min(), extent.max());
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for i in 0..=40 {
        let t = i as f64 / 40.0;
        for c in [
            Coord {
                x: extent.min().x + t * extent.width(),
                y: extent.min().y,
            },
            Coord {
                x: extent.min().x + t * extent.width(),
                y: extent.max().y,
            },
            Coord {
                x: extent.min().x,
                y: extent.min().y + t * extent.height(),
            },
            Coord {
                x: extent.max().x,
                y: extent.min().y + t * extent.height(),
            },
        ] {
            let (x, y) = projection.forward(c);
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    let scale = (area[2] as f64 / (x1 - x0)).min(area[3] as f64 / (y1 - y0));
    View {
        projection,
        scale,
        xc: (x0 + x1) / 2.0,
        yc: (y0 + y1) / 2.0,
        cx: (area[0] + area[2] / 2.0) as f64,
        cy: (area[1] + area[3] / 2.0) as f64,
        area,
        compact,
    }
}

/// The lon/lat box of everything the map area shows (its edges sampled),
/// wider than the extent when the page's shape differs from it.
pub(super) fn visible_box(view: &View) -> Rect {
    let a = view.area;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for i in 0..=40 {
        let t = i as f32 / 40.0;
        for (px, py) in [
            (a[0] + t * a[2], a[1]),
            (a[0] + t * a[2], a[1] + a[3]),
            (a[0], a[1] + t * a[3]),
            (a[0] + a[2], a[1] + t * a[3]),
        ] {
            let c = view.lonlat(px as f64, py as f64);
            x0 = x0.min(c.x);
            x1 = x1.max(c.x);
            y0 = y0.min(c.y);
            y1 = y1.max(c.y);
        }
    }
    Rect::new(
        Coord {
            x: x0.max(-180.0),
            y: y0.max(-89.0),
        },
        Coord {
            x: x1.min(180.0),
            y: y1.min(89.0),
        },
    )
}
