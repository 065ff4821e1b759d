//! The point questions (`locate`, `near`, `nearest`) on arrays, and point
//! files read into arrays.

use crate::arrays::{self, Codes, Rejects, categorical_in, codes, floats, read_options};
use crate::{err, guard, py_err};
use frontier::Catalogue;
use frontier::query::{DistanceIndex, Location, Locator, Side, is_durand_line};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Most nearest features asked for per point (as on the command line).
pub const MAX_K: usize = 100;

/// The locator for the built-in layers plus `extra` polygon layers: made
/// once per process when every extra layer is built in (a worker answering
/// many partitions keeps it), each time when one is a file.
pub fn locator(extra: &[String]) -> PyResult<Arc<Locator>> {
    static BUILT: OnceLock<Mutex<HashMap<Vec<String>, Arc<Locator>>>> = OnceLock::new();
    let builtin = extra.iter().all(|n| Catalogue::builtin(n).is_some());
    let cache = BUILT.get_or_init(Default::default);
    if builtin
        && let Some(hit) = cache
            .lock()
            .map_err(|_| err("a lock was poisoned"))?
            .get(extra)
    {
        return Ok(hit.clone());
    }
    let mut l = Locator::new().map_err(py_err)?;
    for name in extra {
        let layer = Catalogue::load(name).map_err(py_err)?;
        l = l.with_layer(&layer).map_err(|e| match e {
            frontier::Error::NoPolygons { found, .. } => err(format!(
                "layers={name:?}: the layer has no polygons ({found}); locate needs polygons"
            )),
            e => py_err(e),
        })?;
    }
    let l = Arc::new(l);
    if builtin {
        cache
            .lock()
            .map_err(|_| err("a lock was poisoned"))?
            .insert(extra.to_vec(), l.clone());
    }
    Ok(l)
}

/// A layer and its distance index.
type Indexed = (DistanceIndex, frontier::Layer);

/// The distance index of a layer: built once per process for a built-in
/// layer, each time for a file. A layer without features is refused (there
/// would be nothing to measure to), as on the command line.
fn distance_index(name: &str, what: &str) -> PyResult<Arc<Indexed>> {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<Indexed>>>> = OnceLock::new();
    let builtin = Catalogue::builtin(name).is_some();
    let cache = BUILT.get_or_init(Default::default);
    if builtin
        && let Some(hit) = cache
            .lock()
            .map_err(|_| err("a lock was poisoned"))?
            .get(name)
    {
        return Ok(hit.clone());
    }
    let layer = Catalogue::load(name).map_err(py_err)?;
    if layer.features.is_empty() {
        return Err(err(format!(
            "{what}{name:?}: the layer has no features, so there is nothing to measure to"
        )));
    }
    let built = Arc::new((DistanceIndex::new(&layer), layer));
    if builtin {
        cache
            .lock()
            .map_err(|_| err("a lock was poisoned"))?
            .insert(name.to_string(), built.clone());
    }
    Ok(built)
}

/// Every country, province and district a point can be given (the
/// categories of [`locate`]'s answers), and no extra layers yet.
#[allow(clippy::type_complexity)]
pub fn located_categories() -> PyResult<(Vec<Vec<String>>, Vec<Vec<String>>)> {
    let districts = Catalogue::shared("districts").map_err(py_err)?;
    let neighbours = Catalogue::shared("neighbours").map_err(py_err)?;
    let text = |l: &frontier::Layer, p: &str| -> Vec<String> {
        l.features
            .iter()
            .map(|f| f.property_text(p).unwrap_or_default())
            .collect()
    };
    let mut countries = text(neighbours, "iso3");
    countries.push("PAK".into());
    Ok((
        vec![
            countries,
            text(districts, "province"),
            text(districts, "name"),
        ],
        Vec::new(),
    ))
}

/// Country, province, district and the feature of each extra polygon
/// layer, for each usable point: ([(column, codes, categories)], positions
/// of the usable rows, rejects as (position, column, reason)).
#[pyfunction]
#[pyo3(signature = (columns, lat_name, lon_name, lat, lon, extra, skip_invalid=false))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn locate<'py>(
    py: Python<'py>,
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    extra: Vec<String>,
    skip_invalid: bool,
) -> PyResult<(
    Vec<(String, Codes<'py>)>,
    Bound<'py, PyArray1<i64>>,
    Rejects,
)> {
    guard(|| {
        let opts = read_options(lat_name, lon_name, skip_invalid);
        let b = arrays::batch(columns, &opts, &lat, &lon)?;
        let l = locator(&extra)?;
        let coords = b.coords();
        let (found, inside) = py.detach(|| {
            let inside = (0..extra.len())
                .map(|k| coords.iter().map(|&c| l.locate_in(k, c)).collect())
                .collect();
            (l.locate_all(coords), inside)
        });
        let out = located(py, &l, &extra, found, inside)?;
        Ok((out, arrays::kept(py, &b), arrays::rejects(&b)))
    })
}

/// One rank of nearest features: distance (km), feature codes and
/// categories, nearest longitude and latitude.
type Rank<'py> = (
    Bound<'py, PyArray1<f64>>,
    Codes<'py>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// The `k` nearest features of `layer` to each usable point (within
/// `within_m` metres when given): per rank, [`Rank`]; then the side of the
/// Durand Line when the layer is it; the positions of the usable rows and
/// the rejects.
#[pyfunction]
#[pyo3(signature = (columns, lat_name, lon_name, lat, lon, layer, k=1, within_m=None, skip_invalid=false, what="layer="))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn nearest<'py>(
    py: Python<'py>,
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    layer: &str,
    k: usize,
    within_m: Option<f64>,
    skip_invalid: bool,
    what: &str,
) -> PyResult<(
    Vec<Rank<'py>>,
    Option<Codes<'py>>,
    Bound<'py, PyArray1<i64>>,
    Rejects,
)> {
    guard(|| {
        if !(1..=MAX_K).contains(&k) {
            return Err(err(format!("k={k}: give 1 to {MAX_K} nearest features")));
        }
        if let Some(m) = within_m
            && !(m.is_finite() && m >= 0.0)
        {
            return Err(err(format!(
                "within_km={}: a distance must be a finite number 0 or more",
                m / 1000.0
            )));
        }
        let opts = read_options(lat_name, lon_name, skip_invalid);
        let b = arrays::batch(columns, &opts, &lat, &lon)?;
        let built = distance_index(layer, what)?;
        let (index, l) = (&built.0, &built.1);
        let coords = b.coords();
        let labels = l.labels();
        let hits = py
            .detach(|| index.k_nearest_all(coords, k, within_m))
            .map_err(py_err)?;
        let mut ranks = Vec::with_capacity(k);
        for r in 0..k {
            let at = |h: &Vec<frontier::query::Hit>| h.get(r).copied();
            let dist: Vec<f64> = hits
                .iter()
                .map(|h| at(h).map_or(f64::NAN, |x| x.distance_m / 1000.0))
                .collect();
            let feature = categorical_in(
                hits.iter()
                    .map(|h| at(h).map(|x| labels[x.feature].as_str())),
                labels.clone(),
            );
            let nlon: Vec<f64> = hits
                .iter()
                .map(|h| at(h).map_or(f64::NAN, |x| x.nearest.x))
                .collect();
            let nlat: Vec<f64> = hits
                .iter()
                .map(|h| at(h).map_or(f64::NAN, |x| x.nearest.y))
                .collect();
            ranks.push((
                floats(py, dist),
                codes(py, feature),
                floats(py, nlon),
                floats(py, nlat),
            ));
        }
        let side = if is_durand_line(l) {
            let loc = locator(&[])?;
            let sides = py.detach(|| {
                categorical_in(
                    coords.iter().map(|&c| loc.durand_side(c).map(Side::iso3)),
                    vec!["AFG".into(), "PAK".into()],
                )
            });
            Some(codes(py, sides))
        } else {
            None
        };
        Ok((ranks, side, arrays::kept(py, &b), arrays::rejects(&b)))
    })
}

/// Longitudes and latitudes.
type Xy<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);

/// Points of WKB geometries (a GeoParquet `geometry` column as Arrow
/// holds it: `offsets` into `data`, `valid` false for a null): longitude
/// and latitude arrays. A geometry that is not a point is an error naming
/// its position; an empty point or a null is NaN (a bad row downstream).
#[pyfunction]
fn wkb_points<'py>(
    py: Python<'py>,
    offsets: PyReadonlyArray1<'py, i64>,
    data: PyReadonlyArray1<'py, u8>,
    valid: Option<PyReadonlyArray1<'py, bool>>,
) -> PyResult<Xy<'py>> {
    guard(|| {
        let off = offsets.as_array();
        let data = data
            .as_slice()
            .map_err(|_| err("WKB data must be contiguous"))?;
        let valid = valid.as_ref().map(|v| v.as_array());
        let n = off.len().saturating_sub(1);
        let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            if valid.as_ref().is_some_and(|v| !v[i]) {
                xs.push(f64::NAN);
                ys.push(f64::NAN);
                continue;
            }
            let (a, b) = (off[i] as usize, off[i + 1] as usize);
            let wkb = data
                .get(a..b)
                .ok_or_else(|| err(format!("row {i}: geometry: WKB offsets out of range")))?;
            let (x, y) = wkb_point(wkb).map_err(|e| err(format!("position {i}: geometry: {e}")))?;
            xs.push(x);
            ys.push(y);
        }
        Ok((floats(py, xs), floats(py, ys)))
    })
}

/// The x and y of a WKB (or ISO/EWKB with Z or M) point.
fn wkb_point(b: &[u8]) -> Result<(f64, f64), String> {
    if b.len() < 5 {
        return Err("not a WKB geometry (too short)".into());
    }
    let le = match b[0] {
        1 => true,
        0 => false,
        _ => return Err("not a WKB geometry (bad byte order)".into()),
    };
    let word = |at: usize| -> Option<[u8; 4]> { b.get(at..at + 4)?.try_into().ok() };
    let f64_at = |at: usize| -> Option<f64> {
        let w: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
        Some(if le {
            f64::from_le_bytes(w)
        } else {
            f64::from_be_bytes(w)
        })
    };
    let t = word(1).map(|w| {
        if le {
            u32::from_le_bytes(w)
        } else {
            u32::from_be_bytes(w)
        }
    });
    let t = t.ok_or("not a WKB geometry")?;
    // EWKB flags (Z, M, SRID) in the high bits; ISO codes 1001, 2001, 3001.
    let srid = t & 0x2000_0000 != 0;
    let base = (t & 0x0FFF_FFFF) % 1000;
    if base != 1 {
        let name = match base {
            2 => "a line",
            3 => "a polygon",
            4 => "a multipoint",
            5 => "a multiline",
            6 => "a multipolygon",
            7 => "a geometry collection",
            _ => "not a point",
        };
        return Err(format!("{name}, not a point: frontier reads points"));
    }
    let at = if srid { 9 } else { 5 };
    match (f64_at(at), f64_at(at + 8)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err("a WKB point cut short".into()),
    }
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
    guard(|| {
        let b = frontier::ingest::Batch::from_arrays(
            arrays::ORIGIN,
            columns,
            &read_options(lat, lon, false),
            &[],
            &[],
        )
        .map_err(py_err)?;
        let s = b.schema();
        Ok((s.lat, s.lon, s.date, s.precision))
    })
}

/// The rows whose coordinates can be used, by the command line's rule
/// (finite, latitude within ±90°, longitude within ±180°): their positions
/// and the rejects; without `skip_invalid` the first bad row is a
/// [`crate::RowError`].
#[pyfunction]
#[pyo3(signature = (columns, lat_name, lon_name, lat, lon, skip_invalid=false))]
#[allow(clippy::type_complexity)]
fn usable<'py>(
    py: Python<'py>,
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    skip_invalid: bool,
) -> PyResult<(Bound<'py, PyArray1<i64>>, Rejects)> {
    guard(|| {
        let opts = read_options(lat_name, lon_name, skip_invalid);
        let b = arrays::batch(columns, &opts, &lat, &lon)?;
        Ok((arrays::kept(py, &b), arrays::rejects(&b)))
    })
}

/// The columns [`locate`] appends, as categoricals: country, province and
/// district from `found` (the locator's answers, in the points' order),
/// then from `inside` the feature of each extra layer holding each point.
pub fn located<'py, 'l>(
    py: Python<'py>,
    l: &'l Locator,
    extra: &[String],
    found: Vec<Location<'l>>,
    inside: Vec<Vec<Option<&'l str>>>,
) -> PyResult<Vec<(String, Codes<'py>)>> {
    let (mut all, mut extra_all) = located_categories()?;
    for name in extra {
        extra_all.push(Catalogue::load(name).map_err(py_err)?.labels());
    }
    let (found, inside) = py.detach(|| {
        let getters: [for<'x, 'y> fn(&'y Location<'x>) -> Option<&'x str>; 3] =
            [|x| x.country, |x| x.province, |x| x.district];
        let cols: Vec<_> = getters
            .iter()
            .zip(all.drain(..))
            .map(|(get, cats)| categorical_in(found.iter().map(get), cats))
            .collect();
        let inside: Vec<_> = inside
            .into_iter()
            .zip(extra_all.drain(..))
            .map(|(values, cats)| categorical_in(values.into_iter(), cats))
            .collect();
        (cols, inside)
    });
    let mut out = Vec::new();
    for (name, c) in ["country", "province", "district"].iter().zip(found) {
        out.push((name.to_string(), codes(py, c)));
    }
    for (k, c) in inside.into_iter().enumerate() {
        let column = l.layer_names().nth(k).unwrap_or(&extra[k]).to_string();
        out.push((column, codes(py, c)));
    }
    Ok(out)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(usable, m)?)?;
    m.add("MAX_K", MAX_K)?;
    m.add_function(wrap_pyfunction!(roles, m)?)?;
    m.add_function(wrap_pyfunction!(locate, m)?)?;
    m.add_function(wrap_pyfunction!(nearest, m)?)?;
    m.add_function(wrap_pyfunction!(wkb_points, m)?)?;
    Ok(())
}
