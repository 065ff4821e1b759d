//! Maps kept as files: a TOML file says everything `frontier render`'s
//! flags can (extent, size, dpi, titles, points, density, choropleth,
//! layers and their styles, labels, graticule, inset), so a map can be
//! reviewed and rendered again. Unknown keys and bad values are errors
//! naming the file, line and column.
//!
//! ```toml
//! output = "waziristan.pdf"        # optional; -o overrides
//! extent = "waziristan"
//! size = "180x120mm"
//! dpi = 300
//! title = "Waziristan"
//! labels = "all"
//! graticule = true
//! inset = true
//!
//! [points]
//! file = "events.csv"              # relative to this file
//! color_by = "event_type"
//! color_title = "Event type"
//!
//! [choropleth]
//! file = "emerging.csv"            # from `frontier emerging`
//! column = "category"              # text: one colour per category
//! categories = true                # also for numbers (codes)
//!
//! [[layers]]
//! name = "cpec"                    # a built-in layer or a GeoJSON file
//! color = "#d95f02"
//! width = 2
//! ```

use super::classify::{self, Method};
use super::{Extent, Format, Labels, PageSize, Style, parse_bandwidth};
use crate::Named;
use crate::error::{Error, Result};
use crate::ingest::parse_delimiter;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A map file as read: every setting optional (flags and defaults fill in
/// the rest), files resolved against the map file's folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapFile {
    /// The file to write.
    pub output: Option<PathBuf>,
    /// Its format.
    pub format: Option<Format>,
    /// What part of the world.
    pub extent: Option<Extent>,
    /// Size in pixels or a print size.
    pub size: Option<PageSize>,
    /// Dots per inch.
    pub dpi: Option<f32>,
    /// Title.
    pub title: Option<String>,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// Labels.
    pub labels: Option<Labels>,
    /// Draw a graticule.
    pub graticule: Option<bool>,
    /// Draw a locator inset.
    pub inset: Option<bool>,
    /// Draw the built-in base map.
    pub base_map: Option<bool>,
    /// Extra credits for the source line.
    pub sources: Vec<String>,
    /// Points.
    pub points: Option<PointsPart>,
    /// A density surface.
    pub density: Option<DensityPart>,
    /// A choropleth.
    pub choropleth: Option<ChoroplethPart>,
    /// Extra layers, each with its style.
    pub layers: Vec<(String, Style)>,
    /// How the points' files are read.
    pub reading: ReadingPart,
    /// Where each setting was read: see [`MapFile::place`].
    pub places: BTreeMap<&'static str, Place>,
}

/// Where a setting stands in a map file, and what was written there.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The file.
    pub origin: String,
    /// Line, from 1.
    pub line: usize,
    /// The key as a reader finds it: `size`, `[points] color_by`.
    pub key: &'static str,
    /// The value as written (strings without their quotes).
    pub text: String,
}

impl std::fmt::Display for Place {
    /// `map.toml:7: [points] color_by`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.origin, self.line, self.key)
    }
}

/// `[reading]`: how point files are read, as the readers' flags say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadingPart {
    /// The latitude column.
    pub lat: Option<String>,
    /// The longitude column.
    pub lon: Option<String>,
    /// The CSV delimiter (one ASCII character; `tab` in the file).
    pub delimiter: Option<u8>,
    /// Go on past bad rows.
    pub skip_invalid: Option<bool>,
}

/// `[points]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointsPart {
    /// The points' file.
    pub file: PathBuf,
    /// Colour by this column.
    pub color_by: Option<String>,
    /// Size by this column.
    pub size_by: Option<String>,
    /// The colour legend's title (the column's name if none).
    pub color_title: Option<String>,
    /// The size legend's title (the column's name if none).
    pub size_title: Option<String>,
}

/// `[density]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DensityPart {
    /// The points' file.
    pub file: PathBuf,
    /// The kernel's bandwidth, km.
    pub bandwidth_km: Option<f64>,
    /// The legend's title.
    pub title: Option<String>,
}

/// `[choropleth]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoroplethPart {
    /// A table from `frontier summarize`.
    pub file: PathBuf,
    /// The column to map.
    pub column: String,
    /// Number of classes.
    pub classes: Option<usize>,
    /// How breaks are chosen.
    pub method: Option<Method>,
    /// Palette.
    pub palette: Option<String>,
    /// The legend's title (the column's name if none).
    pub title: Option<String>,
    /// Read the column as categories, numbers too (a text column always
    /// is): `categories = true`.
    pub categories: Option<bool>,
    /// The categories' legend order (names it leaves out follow
    /// alphabetically; the hot-spot classes and emerging categories keep
    /// their own): `order = ["riots", "battles"]`.
    pub order: Vec<String>,
}

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    output: Option<S>,
    format: Option<S>,
    extent: Option<S>,
    size: Option<S>,
    dpi: Option<Spanned<f64>>,
    title: Option<String>,
    subtitle: Option<String>,
    labels: Option<S>,
    graticule: Option<bool>,
    inset: Option<bool>,
    base_map: Option<bool>,
    #[serde(default)]
    sources: Vec<String>,
    points: Option<RawPoints>,
    density: Option<RawDensity>,
    choropleth: Option<RawChoropleth>,
    #[serde(default)]
    layers: Vec<RawLayer>,
    reading: Option<RawReading>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReading {
    lat: Option<String>,
    lon: Option<String>,
    delimiter: Option<S>,
    skip_invalid: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoints {
    file: S,
    color_by: Option<S>,
    size_by: Option<S>,
    color_title: Option<String>,
    size_title: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDensity {
    file: S,
    bandwidth: Option<S>,
    title: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoropleth {
    file: S,
    column: S,
    classes: Option<Spanned<i64>>,
    method: Option<S>,
    palette: Option<S>,
    title: Option<String>,
    categories: Option<bool>,
    #[serde(default)]
    order: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    name: S,
    color: Option<S>,
    width: Option<Spanned<f64>>,
    fill: Option<S>,
    dash: Option<bool>,
}

/// Line and column (from 1) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1);
    (line, before[before.len() - col..].chars().count() + 1)
}

impl MapFile {
    /// Where the setting `key` was read (`output`, `size`, `dpi`,
    /// `points.file`, `points.color_by`, `points.size_by`, `density.file`,
    /// `choropleth.file`, `choropleth.column`), if this file set it.
    pub fn place(&self, key: &str) -> Option<&Place> {
        self.places.get(key)
    }

    /// Read a map file; relative paths in it are resolved against its
    /// folder.
    pub fn read(path: &Path) -> Result<MapFile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let base = path.parent().unwrap_or(Path::new(""));
        MapFile::parse(&text, &path.display().to_string(), base)
    }

    /// Parse a map file's text; `origin` names it in errors, `base` is the
    /// folder its relative paths start from.
    pub fn parse(text: &str, origin: &str, base: &Path) -> Result<MapFile> {
        let at = Reader { text, origin, base };
        let raw: Raw = toml::from_str(text).map_err(|e| at.toml_error(e))?;
        let mut out = MapFile {
            output: raw.output.as_ref().map(|o| at.file(o)),
            title: raw.title.clone(),
            subtitle: raw.subtitle.clone(),
            graticule: raw.graticule,
            inset: raw.inset,
            base_map: raw.base_map,
            sources: raw.sources.clone(),
            places: at.places(&raw),
            ..Default::default()
        };
        if let Some(f) = &raw.format {
            out.format = Some(at.typed(f, "format", Format::from_name(f.get_ref()))?);
        }
        if let Some(e) = &raw.extent {
            out.extent = Some(at.typed(e, "extent", Extent::parse(e.get_ref()))?);
        }
        if let Some(s) = &raw.size {
            out.size = Some(at.typed(s, "size", PageSize::parse(s.get_ref()))?);
        }
        if let Some(d) = &raw.dpi {
            let v = *d.get_ref() as f32;
            if super::check_dpi(v).is_err() {
                let (lo, hi) = (super::DPIS.start(), super::DPIS.end());
                return Err(at.error(
                    d.span(),
                    format!("dpi {v}: give {lo} to {hi} dots per inch"),
                ));
            }
            out.dpi = Some(v);
        }
        if let Some(l) = &raw.labels {
            out.labels = Some(at.typed(l, "labels", Labels::from_name(l.get_ref()))?);
        }
        if let Some(p) = raw.points {
            out.points = Some(PointsPart {
                file: at.file(&p.file),
                color_by: p.color_by.map(Spanned::into_inner),
                size_by: p.size_by.map(Spanned::into_inner),
                color_title: p.color_title,
                size_title: p.size_title,
            });
        }
        if let Some(d) = raw.density {
            let bandwidth_km = match &d.bandwidth {
                Some(b) => Some(at.typed(b, "bandwidth", parse_bandwidth(b.get_ref()))?),
                None => None,
            };
            out.density = Some(DensityPart {
                file: at.file(&d.file),
                bandwidth_km,
                title: d.title,
            });
        }
        if let Some(c) = raw.choropleth {
            out.choropleth = Some(at.choropleth(c)?);
        }
        if let Some(r) = raw.reading {
            let delimiter = match &r.delimiter {
                Some(d) => Some(at.typed(d, "delimiter", parse_delimiter(d.get_ref()))?),
                None => None,
            };
            out.reading = ReadingPart {
                lat: r.lat,
                lon: r.lon,
                delimiter,
                skip_invalid: r.skip_invalid,
            };
        }
        for l in raw.layers {
            out.layers.push(at.layer(l)?);
        }
        Ok(out)
    }
}

/// A map file being read: its text, its name in messages, and the folder
/// its relative paths start from.
struct Reader<'a> {
    text: &'a str,
    origin: &'a str,
    base: &'a Path,
}

impl Reader<'_> {
    /// An error at a place in the file.
    fn error(&self, span: std::ops::Range<usize>, message: String) -> Error {
        let (line, column) = line_col(self.text, span.start);
        Error::Spec {
            origin: self.origin.to_string(),
            line,
            column,
            message,
        }
    }

    /// TOML's error at its place; a missing key is reported at its
    /// table's header, so the message names the table.
    fn toml_error(&self, e: toml::de::Error) -> Error {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let header = self.text[span.start.min(self.text.len())..]
            .lines()
            .next()
            .map(str::trim)
            .filter(|h| h.starts_with('['));
        match header {
            Some(h) if message.starts_with("missing field") => {
                self.error(span, format!("{h}: {message}"))
            }
            _ => self.error(span, message),
        }
    }

    /// The value, or an error at its place in the file.
    fn typed<T>(&self, s: &S, what: &str, r: std::result::Result<T, String>) -> Result<T> {
        r.map_err(|m| self.error(s.span(), format!("{what}: {m}")))
    }

    /// A path as written, relative to the map file's folder unless it is
    /// absolute or `-`.
    fn file(&self, s: &S) -> PathBuf {
        let p = Path::new(s.get_ref());
        if p.is_absolute() || s.get_ref() == "-" {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    /// Where each setting a message may name was read.
    fn places(&self, raw: &Raw) -> BTreeMap<&'static str, Place> {
        let mut places = BTreeMap::new();
        let mut note = |name: &'static str, key: &'static str, at: usize, text: String| {
            let (line, _) = line_col(self.text, at);
            let origin = self.origin.to_string();
            places.insert(
                name,
                Place {
                    origin,
                    line,
                    key,
                    text,
                },
            );
        };
        let mut note_s = |name, key, s: &S| note(name, key, s.span().start, s.get_ref().clone());
        if let Some(o) = &raw.output {
            note_s("output", "output", o);
        }
        if let Some(v) = &raw.size {
            note_s("size", "size", v);
        }
        if let Some(p) = &raw.points {
            note_s("points.file", "[points] file", &p.file);
            if let Some(c) = &p.color_by {
                note_s("points.color_by", "[points] color_by", c);
            }
            if let Some(c) = &p.size_by {
                note_s("points.size_by", "[points] size_by", c);
            }
        }
        if let Some(d) = &raw.density {
            note_s("density.file", "[density] file", &d.file);
        }
        if let Some(c) = &raw.choropleth {
            note_s("choropleth.file", "[choropleth] file", &c.file);
            note_s("choropleth.column", "[choropleth] column", &c.column);
        }
        if let Some(d) = &raw.dpi {
            note("dpi", "dpi", d.span().start, d.get_ref().to_string());
        }
        places
    }

    /// The `[choropleth]` table, its method, palette and classes checked.
    fn choropleth(&self, c: RawChoropleth) -> Result<ChoroplethPart> {
        let method = match &c.method {
            Some(m) => Some(self.typed(m, "method", Method::from_name(m.get_ref()))?),
            None => None,
        };
        if let Some(p) = &c.palette {
            let known = classify::palette(p.get_ref()).map_err(|e| e.to_string());
            self.typed(p, "palette", known)?;
        }
        let classes = match &c.classes {
            Some(k) if usize::try_from(*k.get_ref()).is_ok_and(|k| super::CLASSES.contains(&k)) => {
                Some(*k.get_ref() as usize)
            }
            Some(k) => {
                let (lo, hi) = (super::CLASSES.start(), super::CLASSES.end());
                let message = format!("classes {}: give {lo} to {hi}", k.get_ref());
                return Err(self.error(k.span(), message));
            }
            None => None,
        };
        Ok(ChoroplethPart {
            file: self.file(&c.file),
            column: c.column.into_inner(),
            classes,
            method,
            palette: c.palette.map(|p| p.into_inner()),
            title: c.title,
            categories: c.categories,
            order: c.order,
        })
    }

    /// A `[[layers]]` entry: a built-in layer's name or a file, and its
    /// style.
    fn layer(&self, l: RawLayer) -> Result<(String, Style)> {
        let mut st = Style::default();
        if let Some(c) = &l.color {
            st.color = self
                .typed(c, "color", Style::parse(&format!("color={}", c.get_ref())))?
                .color;
        }
        if let Some(f) = &l.fill {
            st.fill = self
                .typed(f, "fill", Style::parse(&format!("fill={}", f.get_ref())))?
                .fill;
        }
        if let Some(w) = &l.width {
            let v = *w.get_ref();
            if !(v > 0.0 && v < 50.0) {
                let message = format!("width {v}: a line width in points, above 0 and below 50");
                return Err(self.error(w.span(), message));
            }
            st.width = v as f32;
        }
        st.dashed = l.dash.unwrap_or(false);
        // A built-in layer by name; anything else is a file, relative to
        // the map file like every other.
        let name = l.name.get_ref();
        let name = if crate::Catalogue::builtin(name).is_some() {
            name.clone()
        } else {
            self.file(&l.name).display().to_string()
        };
        Ok((name, st))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_bad_values_name_the_line() {
        let base = Path::new("maps");
        let e = MapFile::parse("title = \"x\"\ncolour = \"red\"\n", "m.toml", base).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("m.toml:2:1: unknown field `colour`"), "{m}");
        let e = MapFile::parse("[points]\nfile = \"a.csv\"\nsize = \"f\"\n", "m.toml", base)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:3:1: unknown field `size`"), "{e}");
        let e = MapFile::parse("\nsize = \"12x\"\n", "m.toml", base)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:2:8: size: "), "{e}");
        let e = MapFile::parse("labels = \"some\"\n", "m.toml", base)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:1:10: labels: "), "{e}");
        let e = MapFile::parse("dpi = \"high\"\n", "m.toml", base)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:1:7: "), "{e}");
        let e = MapFile::parse("[[layers]]\nname = \"cpec\"\nwidth = 90\n", "m.toml", base)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:3:9: width 90"), "{e}");
    }

    #[test]
    fn a_full_file_reads_with_paths_from_its_folder() {
        let text = r##"
output = "out/map.pdf"
extent = "bbox:60,24,75,37"
size = "180x120mm"
dpi = 300
title = "T"
labels = "cities"
graticule = true
inset = true
sources = ["synthetic data"]
[points]
file = "data/e.csv"
color_by = "event_type"
color_title = "Event type"
[density]
file = "/abs/r.csv"
bandwidth = "500m"
[choropleth]
file = "s.csv"
column = "events"
classes = 4
method = "jenks"
palette = "blues"
categories = true
order = ["b", "a"]
[[layers]]
name = "cpec"
color = "#112233"
width = 3
dash = true
[[layers]]
name = "my/roads.geojson"
[reading]
lat = "y_deg"
delimiter = "tab"
skip_invalid = true
"##;
        let m = MapFile::parse(text, "m.toml", Path::new("maps")).unwrap();
        assert_eq!(m.output, Some(PathBuf::from("maps/out/map.pdf")));
        assert_eq!(m.format, None);
        assert_eq!(m.extent, Some(Extent::BBox([60.0, 24.0, 75.0, 37.0])));
        assert_eq!(m.size, Some(PageSize::Inches(180.0 / 25.4, 120.0 / 25.4)));
        assert_eq!(m.dpi, Some(300.0));
        assert_eq!(m.labels, Some(Labels::Cities));
        assert_eq!(
            m.points.as_ref().unwrap().file,
            PathBuf::from("maps/data/e.csv")
        );
        assert_eq!(
            m.points.as_ref().unwrap().color_title.as_deref(),
            Some("Event type")
        );
        assert_eq!(
            m.density.as_ref().unwrap().file,
            PathBuf::from("/abs/r.csv")
        );
        assert_eq!(m.density.as_ref().unwrap().bandwidth_km, Some(0.5));
        let c = m.choropleth.as_ref().unwrap();
        assert_eq!((c.classes, c.method), (Some(4), Some(Method::Jenks)));
        assert_eq!(
            (c.categories, c.order.as_slice()),
            (Some(true), &["b".to_string(), "a".to_string()][..])
        );
        assert_eq!(m.layers[0].0, "cpec");
        assert_eq!(m.layers[0].1.color, 0x112233);
        assert!(m.layers[0].1.dashed);
        assert_eq!(m.layers[1].0, "maps/my/roads.geojson");
        assert_eq!(m.reading.lat.as_deref(), Some("y_deg"));
        assert_eq!(m.reading.delimiter, Some(b'\t'));
        assert_eq!(m.reading.skip_invalid, Some(true));
        let e = MapFile::parse("[reading]\ndelimiter = \";;\"\n", "m.toml", Path::new(""))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:2:13: delimiter: "), "{e}");
    }
}
