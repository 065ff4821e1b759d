//! A map's page: its size in pixels or as a print size, its resolution
//! and file format, and the limits of each.

use crate::error::{Error, Param, Result};

/// A map's size: pixels, or a print size (mm, cm or inches) that becomes
/// pixels at a resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageSize {
    /// Width and height, pixels.
    Pixels(u32, u32),
    /// Width and height, inches.
    Inches(f64, f64),
}

impl PageSize {
    /// Parse `1600x1200` (pixels), `180x120mm`, `18x12cm`, `7x5in` (a unit
    /// after the height is the unit of both; `px` may be written).
    pub fn parse(s: &str) -> std::result::Result<PageSize, String> {
        let t = s.trim().to_ascii_lowercase();
        let (body, per_inch) = if let Some(b) = t.strip_suffix("mm") {
            (b, Some(25.4))
        } else if let Some(b) = t.strip_suffix("cm") {
            (b, Some(2.54))
        } else if let Some(b) = t.strip_suffix("in") {
            (b, Some(1.0))
        } else {
            (t.strip_suffix("px").unwrap_or(&t), None)
        };
        let (a, b) = body.split_once('x').ok_or_else(|| {
            format!("{s:?}: give WIDTHxHEIGHT in pixels (1600x1200) or with a unit (180x120mm, 18x12cm, 7x5in)")
        })?;
        match per_inch {
            None => {
                let w = a.trim().parse::<u32>();
                let h = b.trim().parse::<u32>();
                match (w, h) {
                    (Ok(w), Ok(h)) => Ok(PageSize::Pixels(w, h)),
                    _ => Err(format!(
                        "{s:?}: pixel sizes are whole numbers, e.g. 1600x1200 (or give a unit: 180x120mm)"
                    )),
                }
            }
            Some(k) => {
                let w = a
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0);
                let h = b
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0);
                match (w, h) {
                    (Some(w), Some(h)) => Ok(PageSize::Inches(w / k, h / k)),
                    _ => Err(format!("{s:?}: width and height must be positive numbers")),
                }
            }
        }
    }

    /// The resolution used when none is given: 72 dpi for sizes in pixels
    /// (one point is one pixel, as maps have always been drawn), 300 dpi
    /// for print sizes.
    pub fn default_dpi(&self) -> f32 {
        match self {
            PageSize::Pixels(..) => 72.0,
            PageSize::Inches(..) => 300.0,
        }
    }

    /// The [`MapSpec::type_scale`](crate::render::MapSpec::type_scale) for this size: for print sizes under
    /// 480 × 400 points (about 170 × 140 mm), the ratio to that, but not
    /// below 0.55 (labels of about 5.5 points); 1 otherwise.
    pub fn type_scale(&self) -> f32 {
        match *self {
            PageSize::Pixels(..) => 1.0,
            PageSize::Inches(w, h) => {
                ((w * 72.0 / 480.0).min(h * 72.0 / 400.0) as f32).clamp(0.55, 1.0)
            }
        }
    }

    /// Width and height in pixels at `dpi` (print sizes rounded to the
    /// nearest pixel: 180 × 120 mm at 300 dpi is 2126 × 1417).
    pub fn pixels(&self, dpi: f32) -> (u32, u32) {
        match *self {
            PageSize::Pixels(w, h) => (w, h),
            PageSize::Inches(w, h) => (
                (w * dpi as f64).round().clamp(0.0, u32::MAX as f64) as u32,
                (h * dpi as f64).round().clamp(0.0, u32::MAX as f64) as u32,
            ),
        }
    }
}

/// Width and height a map may have, pixels.
pub const SIZES: std::ops::RangeInclusive<u32> = 200..=8000;

/// Check a map's size (width, height in pixels) against [`SIZES`].
pub fn check_size((w, h): (u32, u32)) -> Result<()> {
    if SIZES.contains(&w) && SIZES.contains(&h) {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{w}x{h}"),
        expected: format!(
            "each side must be {} to {} pixels",
            SIZES.start(),
            SIZES.end()
        ),
    })
}

/// A map's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A PNG image (the same bytes for the same input).
    Png,
    /// SVG: paths, text as text, the density surface as an embedded PNG.
    Svg,
    /// PDF: one page of the map's size, fonts embedded as subsets.
    Pdf,
}

impl crate::Named for Format {
    const ALL: &'static [(&'static str, Format)] = &[
        ("png", Format::Png),
        ("svg", Format::Svg),
        ("pdf", Format::Pdf),
    ];
}

impl Format {
    /// The format a file name's extension says (`.png`, `.svg`, `.pdf`,
    /// any case), if any.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        <Format as crate::Named>::ALL
            .iter()
            .find(|(n, _)| *n == ext)
            .map(|(_, f)| *f)
    }
}

/// The largest side of an SVG or PDF page, inches: the PDF page limit
/// (200 inches, 5.08 m).
pub const MAX_VECTOR_INCHES: f64 = 200.0;

/// Check a page of `size` pixels at `dpi` for `format`. A PNG has
/// [`SIZES`] pixels a side. An SVG or PDF is drawn in points, so only its
/// layout needs the pixels: at least [`SIZES`]' least, and at most
/// [`MAX_VECTOR_INCHES`] a side, however many pixels that is at `dpi`
/// (the raster that guides where the legend and names go is then drawn at
/// a lower resolution).
///
/// # Examples
/// ```
/// use frontier::render::{Format, PageSize, check_page};
///
/// // A poster of 1000 × 700 mm at 300 dpi: too many pixels for a PNG,
/// // a page like any other for a PDF.
/// let poster = PageSize::parse("1000x700mm").unwrap().pixels(300.0);
/// assert!(check_page(poster, 300.0, Format::Png).is_err());
/// assert!(check_page(poster, 300.0, Format::Pdf).is_ok());
/// ```
pub fn check_page(size: (u32, u32), dpi: f32, format: Format) -> Result<()> {
    check_dpi(dpi)?;
    if format == Format::Png {
        return check_size(size);
    }
    let longest = size.0.max(size.1) as f64 / dpi as f64;
    if size.0.min(size.1) >= *SIZES.start() && longest <= MAX_VECTOR_INCHES {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::ImageSize,
        value: format!("{}x{}", size.0, size.1),
        expected: format!(
            "each side must be at least {} pixels, and at most {MAX_VECTOR_INCHES} inches ({} mm) on an SVG or PDF page",
            SIZES.start(),
            MAX_VECTOR_INCHES * 25.4
        ),
    })
}

/// Check a resolution against [`DPIS`].
pub fn check_dpi(dpi: f32) -> Result<()> {
    if DPIS.contains(&dpi) {
        return Ok(());
    }
    Err(Error::InvalidSetting {
        param: Param::Dpi,
        value: dpi.to_string(),
        expected: format!("{} to {} dots per inch", DPIS.start(), DPIS.end()),
    })
}

/// Resolutions a map may have, dots per inch.
pub const DPIS: std::ops::RangeInclusive<f32> = 36.0..=1200.0;
