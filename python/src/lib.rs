//! `frontier._core`: the Rust side of the Python package. Each function is
//! a thin call into the frontier library, the same code the command line
//! runs. Arrays cross as numpy arrays (rust-numpy): coordinates and numeric
//! columns are read where they lie, results are handed over without a
//! copy; text columns come back as codes and categories (a pandas
//! `Categorical`, an Arrow dictionary array), tables as typed columns.
//! Never one Python object per row, never text. The Python side
//! (`frontier/__init__.py`) turns frames into those arrays and back.

mod arrays;
mod points;
mod read;
mod render;
mod spacetime;
mod tables;

use frontier::error::Error as FError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pyo3::create_exception!(
    frontier,
    Error,
    PyValueError,
    "Bad input or settings: the library's message (what and where)."
);
pyo3::create_exception!(
    frontier,
    RowError,
    Error,
    "A row that cannot be used: args are (position, column, reason)."
);

/// A library error as a Python exception: a bad row as [`RowError`] (its
/// position among the rows given), anything else as [`Error`] with the
/// settings named as the Python keywords.
pub(crate) fn py_err(e: FError) -> PyErr {
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

/// A plain message as [`Error`].
pub(crate) fn err(msg: impl Into<String>) -> PyErr {
    Error::new_err(msg.into())
}

/// Run `f`; a panic (a bug in frontier, never the user's fault) comes back
/// as an [`Error`] saying so, not as pyo3's `PanicException`.
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(err(format!(
                "internal error in frontier ({what}); the input was not changed. Please report it with the call that caused it"
            )))
        }
    }
}

/// How the Python functions name what a library error is about.
pub(crate) fn python_name(p: frontier::error::Param) -> &'static str {
    use frontier::error::Param;
    match p {
        Param::Latitude => "lat=",
        Param::Longitude => "lon=",
        Param::Value => "value=",
        Param::Weight => "weight=",
        Param::Date => "date=/split=/date_from=/date_to=",
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
        Param::Series => "date= (a time series needs dates)",
        Param::GroupColumn => "group=",
        Param::Split => "split=",
        Param::Areas => "by=",
        Param::Weights => "weights=",
        Param::Extent => "extent=",
        Param::Classes => "classes=",
        Param::Point => "lat=/lon=",
        Param::Count => "k=",
        Param::Distance => "within_m=",
    }
}

/// A name for each column frontier adds to a table whose columns are
/// `columns` (the command line's rule: `frontier_` in front of a name
/// already taken, ignoring case).
#[pyfunction]
fn added_names(columns: Vec<String>, wanted: Vec<String>) -> Vec<String> {
    frontier::summary::names::added_names(&columns, &wanted)
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
    guard(|| {
        if let Some(b) = frontier::Catalogue::builtin(name) {
            return Ok(b.text.to_string());
        }
        // A file: checked as any layer is, then handed over as it is.
        frontier::Catalogue::load(name).map_err(py_err)?;
        std::fs::read_to_string(name).map_err(|e| err(format!("{name}: {e}")))
    })
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("Error", m.py().get_type::<Error>())?;
    m.add("RowError", m.py().get_type::<RowError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(added_names, m)?)?;
    m.add_function(wrap_pyfunction!(layers, m)?)?;
    m.add_function(wrap_pyfunction!(layer_geojson, m)?)?;
    points::register(m)?;
    m.add_function(wrap_pyfunction!(read::read_points, m)?)?;
    tables::register(m)?;
    render::register(m)?;
    spacetime::register(m)?;
    Ok(())
}
