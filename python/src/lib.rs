//! `frontier._core`: the Rust side of the Python package. Each function is
//! a thin call into the frontier library, the same code the command line
//! runs. Arrays cross as bytes (little-endian `f64`, `i64` days, `i32`
//! codes), never as one Python object per row; text columns come back as
//! codes and categories (a pandas `Categorical`). The Python side
//! (`frontier/__init__.py`) turns frames into those arrays and back.

use frontier::Catalogue;
use frontier::error::Error as FError;
use frontier::ingest::{Batch, Column, ReadOptions};
use frontier::query::{DistanceIndex, Locator, Side, is_durand_line};
use frontier::summary::{Grouping, Options, Parts, Tallier};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::collections::HashMap;
use std::sync::OnceLock;

pyo3::create_exception!(
    _core,
    Error,
    PyValueError,
    "Bad input or settings: the library's message."
);
pyo3::create_exception!(
    _core,
    RowError,
    Error,
    "A row that cannot be used: args are (position, column, reason)."
);

/// What the frame calls itself in messages.
const ORIGIN: &str = "DataFrame";

fn py_err(e: FError) -> PyErr {
    match e {
        FError::Row {
            line,
            column,
            message,
            ..
        } => RowError::new_err((line.saturating_sub(1), column, message)),
        other => Error::new_err(other.render_with(&python_name)),
    }
}

/// How the Python functions name what a library error is about.
fn python_name(p: frontier::error::Param) -> &'static str {
    use frontier::error::Param;
    match p {
        Param::Latitude => "lat=",
        Param::Longitude => "lon=",
        Param::Value => "value=",
        Param::Weight => "weight=",
        Param::Date => "split=/date_from=/date_to=",
        Param::Precision => "max_precision=",
        Param::JoinKey => "the join key",
        Param::ColorBy => "color_by=",
        Param::SizeBy => "size_by=",
        Param::MapColumn => "column=",
        Param::ImageSize => "size=",
        Param::Dpi => "dpi=",
        Param::Format => "format=",
        Param::Bandwidth => "bandwidth_km=",
        Param::Palette => "palette=",
        // Not in the Python API (the command line's trend and hotspots).
        Param::Series => "a time series",
        Param::GroupColumn => "the grouping column",
        Param::Split => "split=",
        Param::Areas => "the areas",
        Param::Weights => "the weights",
        Param::Extent => "extent=",
        Param::Classes => "classes=",
    }
}

/// Little-endian `f64`s from bytes.
fn floats(b: &[u8]) -> PyResult<Vec<f64>> {
    if !b.len().is_multiple_of(8) {
        return Err(Error::new_err("an array of 8-byte floats was expected"));
    }
    Ok(b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

fn float_bytes<'py>(py: Python<'py>, v: impl Iterator<Item = f64>) -> Bound<'py, PyBytes> {
    let bytes: Vec<u8> = v.flat_map(f64::to_le_bytes).collect();
    PyBytes::new(py, &bytes)
}

/// Codes (`-1` for none) and their categories, in first-seen order.
fn categorical<'py, 'a>(
    py: Python<'py>,
    values: impl Iterator<Item = Option<&'a str>>,
) -> (Bound<'py, PyBytes>, Vec<String>) {
    let mut cats: Vec<String> = Vec::new();
    let mut seen: HashMap<&'a str, i32> = HashMap::new();
    let mut codes: Vec<u8> = Vec::new();
    for v in values {
        let code = match v {
            None => -1,
            Some(s) => *seen.entry(s).or_insert_with(|| {
                cats.push(s.to_string());
                cats.len() as i32 - 1
            }),
        };
        codes.extend(code.to_le_bytes());
    }
    (PyBytes::new(py, &codes), cats)
}

fn read_options(lat: Option<String>, lon: Option<String>, skip_invalid: bool) -> ReadOptions {
    ReadOptions {
        lat,
        lon,
        skip_invalid,
        ..Default::default()
    }
}

/// The points of a frame: its columns' names, the coordinate arrays.
fn batch(
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: &[u8],
    lon: &[u8],
) -> PyResult<Batch> {
    let opts = read_options(lat_name, lon_name, false);
    Batch::from_arrays(ORIGIN, columns, &opts, &floats(lat)?, &floats(lon)?).map_err(py_err)
}

/// Which columns hold latitude, longitude, the date and the precision
/// code, by the rules of a file's header: `(lat, lon, date, precision)`.
#[pyfunction]
#[pyo3(signature = (columns, lat=None, lon=None))]
fn roles(
    columns: Vec<String>,
    lat: Option<String>,
    lon: Option<String>,
) -> PyResult<(usize, usize, Option<usize>, Option<usize>)> {
    let b = Batch::from_arrays(ORIGIN, columns, &read_options(lat, lon, false), &[], &[])
        .map_err(py_err)?;
    let s = b.schema();
    Ok((s.lat, s.lon, s.date, s.precision))
}

/// A name for an added column that does not collide with `columns` (the
/// command line's rule).
#[pyfunction]
fn added_name(columns: Vec<String>, name: &str) -> String {
    frontier::output::added_name(&columns, name)
}

/// The built-in layers: (name, description, licence).
#[pyfunction]
fn layers() -> Vec<(&'static str, &'static str, &'static str)> {
    frontier::layer::BUILTINS
        .iter()
        .map(|b| (b.name, b.description, b.licence))
        .collect()
}

/// A layer (built-in name or GeoJSON path) as GeoJSON text.
#[pyfunction]
fn layer_geojson(name: &str) -> PyResult<String> {
    if let Some(b) = Catalogue::builtin(name) {
        return Ok(b.text.to_string());
    }
    // A file: checked as any layer is, then handed over as it is.
    Catalogue::load(name).map_err(py_err)?;
    std::fs::read_to_string(name).map_err(|e| Error::new_err(format!("{name}: {e}")))
}

/// The locator for the built-in layers plus `extra` polygon layers: made
/// once per process when every extra layer is built in (a worker answering
/// many partitions keeps it), each time when one is a file.
fn locator(extra: &[String]) -> PyResult<std::sync::Arc<Locator>> {
    use std::sync::{Arc, Mutex};
    static BUILT: OnceLock<Mutex<HashMap<Vec<String>, Arc<Locator>>>> = OnceLock::new();
    let builtin = extra.iter().all(|n| Catalogue::builtin(n).is_some());
    if builtin
        && let Some(hit) = BUILT
            .get_or_init(Default::default)
            .lock()
            .expect("lock")
            .get(extra)
    {
        return Ok(hit.clone());
    }
    let mut l = Locator::new().map_err(py_err)?;
    for name in extra {
        let layer = Catalogue::load(name).map_err(py_err)?;
        l = l.with_layer(&layer).map_err(py_err)?;
    }
    let l = Arc::new(l);
    if builtin {
        BUILT
            .get_or_init(Default::default)
            .lock()
            .expect("lock")
            .insert(extra.to_vec(), l.clone());
    }
    Ok(l)
}

/// Country, province, district (and the feature of each extra polygon
/// layer) of every point: a list of (column, codes, categories).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn locate<'py>(
    py: Python<'py>,
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: &[u8],
    lon: &[u8],
    extra: Vec<String>,
) -> PyResult<Vec<(String, Bound<'py, PyBytes>, Vec<String>)>> {
    let b = batch(columns, lat_name, lon_name, lat, lon)?;
    let l = locator(&extra)?;
    let coords = b.coords();
    let found = py.detach(|| l.locate_all(coords));
    let mut out = Vec::new();
    for (name, get) in [
        (
            "country",
            (|x: &frontier::query::Location| x.country) as fn(&_) -> _,
        ),
        ("province", |x| x.province),
        ("district", |x| x.district),
    ] {
        let (codes, cats) = categorical(py, found.iter().map(get));
        out.push((name.to_string(), codes, cats));
    }
    for (k, name) in extra.iter().enumerate() {
        let inside: Vec<Option<&str>> =
            py.detach(|| coords.iter().map(|&c| l.locate_in(k, c)).collect());
        let (codes, cats) = categorical(py, inside.into_iter());
        let column = l.layer_names().nth(k).unwrap_or(name).to_string();
        out.push((column, codes, cats));
    }
    Ok(out)
}

/// A layer and its distance index.
type Indexed = (DistanceIndex, frontier::Layer);

/// The distance index of a layer: built once per process for a built-in
/// layer (a worker answering many partitions keeps it), each time for a file.
fn distance_index(name: &str) -> PyResult<std::sync::Arc<Indexed>> {
    use std::sync::{Arc, Mutex};
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<Indexed>>>> = OnceLock::new();
    let builtin = Catalogue::builtin(name).is_some();
    if builtin
        && let Some(hit) = BUILT
            .get_or_init(Default::default)
            .lock()
            .expect("lock")
            .get(name)
    {
        return Ok(hit.clone());
    }
    let layer = Catalogue::load(name).map_err(py_err)?;
    let built = Arc::new((DistanceIndex::new(&layer), layer));
    if builtin {
        BUILT
            .get_or_init(Default::default)
            .lock()
            .expect("lock")
            .insert(name.to_string(), built.clone());
    }
    Ok(built)
}

/// The `k` nearest features of `layer` to each point (within `within_m`
/// metres when given). Per rank: distance (km), feature codes and
/// categories, nearest longitude and latitude; then the side of the
/// Durand Line when the layer is it.
#[pyfunction]
#[pyo3(signature = (lat, lon, layer, k=1, within_m=None, lat_name="latitude".to_string(), lon_name="longitude".to_string()))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn nearest<'py>(
    py: Python<'py>,
    lat: &[u8],
    lon: &[u8],
    layer: &str,
    k: usize,
    within_m: Option<f64>,
    lat_name: String,
    lon_name: String,
) -> PyResult<(
    Vec<(
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Vec<String>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    )>,
    Option<(Bound<'py, PyBytes>, Vec<String>)>,
)> {
    let b = batch(
        vec![lat_name.clone(), lon_name.clone()],
        Some(lat_name),
        Some(lon_name),
        lat,
        lon,
    )?;
    let built = distance_index(layer)?;
    let (index, l) = (&built.0, &built.1);
    let coords = b.coords();
    let hits = py.detach(|| index.k_nearest_all(coords, k, within_m));
    let labels = l.labels();
    let mut ranks = Vec::new();
    for r in 0..k {
        let at = |h: &Vec<frontier::query::Hit>| h.get(r).copied();
        let dist = float_bytes(
            py,
            hits.iter()
                .map(|h| at(h).map_or(f64::NAN, |x| x.distance_m / 1000.0)),
        );
        let (codes, cats) = categorical(
            py,
            hits.iter()
                .map(|h| at(h).map(|x| labels[x.feature].as_str())),
        );
        let nlon = float_bytes(
            py,
            hits.iter().map(|h| at(h).map_or(f64::NAN, |x| x.nearest.x)),
        );
        let nlat = float_bytes(
            py,
            hits.iter().map(|h| at(h).map_or(f64::NAN, |x| x.nearest.y)),
        );
        ranks.push((dist, codes, cats, nlon, nlat));
    }
    let side = if is_durand_line(l) {
        let loc = locator(&[])?;
        let sides: Vec<Option<&str>> = py.detach(|| {
            coords
                .iter()
                .map(|&c| loc.durand_side(c).map(Side::iso3))
                .collect()
        });
        Some(categorical(py, sides.into_iter()))
    } else {
        None
    };
    Ok((ranks, side))
}

/// A grouping by name: `district`, `province`, or a layer.
fn grouping(by: &str) -> PyResult<Grouping<'static>> {
    Ok(match by {
        "district" | "districts" => Grouping::Districts,
        "province" | "provinces" => Grouping::Provinces,
        other => {
            let layer: &'static frontier::Layer = match Catalogue::shared(other) {
                Ok(l) => l,
                Err(_) => Box::leak(Box::new(Catalogue::load(other).map_err(py_err)?)),
            };
            Grouping::Layer(layer)
        }
    })
}

fn date(text: Option<&str>, what: &str) -> PyResult<Option<chrono::NaiveDate>> {
    text.map(|t| {
        frontier::ingest::parse_date(t)
            .ok_or_else(|| Error::new_err(format!("{what}: not a date: {t:?}")))
    })
    .transpose()
}

/// What a summary is asked for, the same in every part and at the end: the
/// Python side's settings dict.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Settings {
    by: String,
    value: Option<String>,
    weight: Option<String>,
    split: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    max_precision: Option<u32>,
}

impl Settings {
    /// Empty tallies for these settings.
    fn tallier(&self) -> PyResult<Tallier> {
        let opts = Options {
            value: self.value.clone(),
            weight: self.weight.clone(),
            window: frontier::window::Window::new(
                date(self.date_from.as_deref(), "date_from")?,
                date(self.date_to.as_deref(), "date_to")?,
                date(self.split.as_deref(), "split")?,
                self.max_precision,
            )
            .map_err(py_err)?,
            ..Default::default()
        };
        Tallier::new(grouping(&self.by)?, opts).map_err(py_err)
    }
}

/// Per-group tallies of these points, as JSON (`summary::Parts`): counts
/// and sums that add up exactly with other parts' in [`finish`].
/// `numbers` and `dates` are extra columns: (name, bytes), dates as days
/// since 1970-01-01 (`i64::MIN` for none).
#[pyfunction]
#[pyo3(signature = (columns, lat_name, lon_name, lat, lon, settings, numbers=Vec::new(), dates=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn tally(
    py: Python<'_>,
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: &[u8],
    lon: &[u8],
    settings: Settings,
    numbers: Vec<(String, Vec<u8>)>,
    dates: Vec<(String, Vec<u8>)>,
) -> PyResult<String> {
    let mut b = batch(columns, lat_name, lon_name, lat, lon)?;
    for (name, bytes) in numbers {
        let v = floats(&bytes)?
            .into_iter()
            .map(|x| (!x.is_nan()).then_some(x))
            .collect();
        b = b.with_column(&name, Column::Number(v)).map_err(py_err)?;
    }
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    for (name, bytes) in dates {
        if !bytes.len().is_multiple_of(8) {
            return Err(Error::new_err(
                "an array of 8-byte day numbers was expected",
            ));
        }
        let v = bytes
            .chunks_exact(8)
            .map(|c| {
                let d = i64::from_le_bytes(c.try_into().expect("8 bytes"));
                (d != i64::MIN)
                    .then(|| epoch.checked_add_signed(chrono::Duration::days(d)))
                    .flatten()
            })
            .collect();
        b = b.with_column(&name, Column::Date(v)).map_err(py_err)?;
    }
    let mut t = settings.tallier()?;
    py.detach(|| t.add_batch(&b)).map_err(py_err)?;
    serde_json::to_string(&t.parts()).map_err(|e| Error::new_err(e.to_string()))
}

/// The summary table (CSV text, as `frontier summarize` writes it) of the
/// parts made by [`tally`] with the same settings, merged.
#[pyfunction]
fn finish(parts: Vec<String>, settings: Settings) -> PyResult<String> {
    let mut t = settings.tallier()?;
    for p in parts {
        let p: Parts = serde_json::from_str(&p).map_err(|e| Error::new_err(e.to_string()))?;
        t.add_parts(p).map_err(py_err)?;
    }
    let (cols, rows) = t.finish().map_err(py_err)?.table();
    let mut out = Vec::new();
    frontier::output::write_table(&mut out, frontier::output::TableFormat::Csv, &cols, &rows)
        .map_err(|e| Error::new_err(e.to_string()))?;
    String::from_utf8(out).map_err(|e| Error::new_err(e.to_string()))
}

fn points_from_csv(text: &str, origin: &str) -> PyResult<frontier::ingest::PointSource> {
    frontier::ingest::PointSource::from_reader(
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        origin,
        frontier::ingest::FormatHint::None,
        &ReadOptions {
            skip_invalid: true,
            ..Default::default()
        },
    )
    .map_err(py_err)
}

/// A map as PNG bytes: the command line's `render`, with the points, the
/// density points and the choropleth table handed over as CSV text.
#[pyfunction]
#[pyo3(signature = (width=1600, height=1200, extent="pakistan", title=None, subtitle=None, points_csv=None, color_by=None, size_by=None, density_csv=None, bandwidth_km=15.0, choropleth_csv=None, column=None, classes=5, method="quantile", palette="ylorrd", labels="none", layers=Vec::new(), base_map=true, source=None))]
#[allow(clippy::too_many_arguments)]
fn render<'py>(
    py: Python<'py>,
    width: u32,
    height: u32,
    extent: &str,
    title: Option<String>,
    subtitle: Option<String>,
    points_csv: Option<String>,
    color_by: Option<String>,
    size_by: Option<String>,
    density_csv: Option<String>,
    bandwidth_km: f64,
    choropleth_csv: Option<String>,
    column: Option<String>,
    classes: usize,
    method: &str,
    palette: &str,
    labels: &str,
    layers: Vec<String>,
    base_map: bool,
    source: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    use frontier::Named;
    use frontier::render::{Choropleth, Extent, Labels, MapSpec, PointsLayer, classify};
    frontier::render::check_size((width, height)).map_err(py_err)?;
    classify::palette(palette).map_err(py_err)?;
    if !(2..=9).contains(&classes) {
        return Err(Error::new_err(format!(
            "classes: {classes} is not between 2 and 9"
        )));
    }
    let setting = |what: &str, e: String| Error::new_err(format!("{what}: {e}"));
    let mut spec = MapSpec {
        size: (width, height),
        extent: Extent::parse(extent).map_err(|e| setting("extent", e))?,
        title,
        subtitle,
        labels: Labels::from_name(labels).map_err(|e| setting("labels", e))?,
        base_map,
        ..Default::default()
    };
    // The source line credits the user's data: as synthetic when every
    // row says so (as on the command line), else as the caller names it.
    let credit = |read: &frontier::render::PointsRead, sources: &mut Vec<String>| {
        let c = if read.credit.starts_with("synthetic") {
            Some(read.credit.clone())
        } else {
            source.as_ref().map(|s| format!("Data: {s}"))
        };
        if let Some(c) = c.filter(|c| !sources.contains(c)) {
            sources.push(c);
        }
    };
    if let Some(text) = points_csv {
        let mut src = points_from_csv(&text, "points")?;
        let read =
            PointsLayer::read(&mut src, color_by.as_deref(), size_by.as_deref()).map_err(py_err)?;
        credit(&read, &mut spec.sources);
        spec.points = Some(PointsLayer {
            points: read.points,
            color_by,
            size_by,
        });
    }
    if let Some(text) = density_csv {
        let mut src = points_from_csv(&text, "density")?;
        let read = PointsLayer::read(&mut src, None, None).map_err(py_err)?;
        credit(&read, &mut spec.sources);
        spec.density = Some(frontier::render::Density {
            points: read.points.into_iter().map(|p| p.at).collect(),
            title: "Density".into(),
            bandwidth_km,
        });
    }
    if let Some(text) = choropleth_csv {
        let column = column.ok_or_else(|| Error::new_err("a choropleth needs a column"))?;
        let method = classify::Method::from_name(method).map_err(|e| setting("method", e))?;
        let (ch, _) = Choropleth::read(
            text.as_bytes(),
            "choropleth",
            &column,
            classes,
            method,
            palette,
        )
        .map_err(py_err)?;
        spec.choropleth = Some(ch);
    }
    for l in &layers {
        spec.layers
            .push(frontier::render::styled_layer(l).map_err(py_err)?);
    }
    let png = py
        .detach(|| frontier::render::render(&spec).map(|m| m.pixmap.encode_png()))
        .map_err(py_err)?
        .map_err(|e| Error::new_err(format!("encoding PNG: {e}")))?;
    Ok(PyBytes::new(py, &png))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("Error", m.py().get_type::<Error>())?;
    m.add("RowError", m.py().get_type::<RowError>())?;
    m.add_function(wrap_pyfunction!(roles, m)?)?;
    m.add_function(wrap_pyfunction!(added_name, m)?)?;
    m.add_function(wrap_pyfunction!(layers, m)?)?;
    m.add_function(wrap_pyfunction!(layer_geojson, m)?)?;
    m.add_function(wrap_pyfunction!(locate, m)?)?;
    m.add_function(wrap_pyfunction!(nearest, m)?)?;
    m.add_function(wrap_pyfunction!(tally, m)?)?;
    m.add_function(wrap_pyfunction!(finish, m)?)?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    Ok(())
}
