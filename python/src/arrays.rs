//! Arrays between numpy and the library: coordinates and columns in (read
//! where they lie), codes and typed table columns out (handed over without
//! a copy).

use crate::err;
use frontier::ingest::{Batch, Column, ReadOptions};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What the frame calls itself in messages.
pub const ORIGIN: &str = "DataFrame";

/// Codes (`-1` for none) into `all`, every value the answer can take,
/// sorted: two answers over different points have the same categories in
/// the same order, so that `pd.concat` keeps them categorical. A value not
/// in `all` is added at the end (never expected).
///
/// The values are names borrowed from a layer, a few hundred of them over
/// millions of rows: each is looked up by its address (one multiply to
/// hash), and by its text only the first time an address is seen, on every
/// core.
pub fn categorical_in<'a>(
    values: impl Iterator<Item = Option<&'a str>>,
    mut all: Vec<String>,
) -> (Vec<i32>, Vec<String>) {
    use rayon::prelude::*;
    all.sort();
    all.dedup();
    let values: Vec<Option<&str>> = values.collect();
    let at: HashMap<&str, i32> = all
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as i32))
        .collect();
    // -2: a value not among `all`, coded below.
    const NEW: i32 = -2;
    let mut codes: Vec<i32> = values
        .par_chunks(1 << 14)
        .flat_map_iter(|chunk| {
            let mut seen: HashMap<(usize, usize), i32, BuildAddress> = HashMap::default();
            chunk
                .iter()
                .map(|v| match v {
                    None => -1,
                    Some(s) => *seen
                        .entry((s.as_ptr() as usize, s.len()))
                        .or_insert_with(|| at.get(s).copied().unwrap_or(NEW)),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut added: HashMap<&str, i32> = HashMap::new();
    for (c, v) in codes.iter_mut().zip(&values) {
        if let (NEW, Some(s)) = (*c, v) {
            *c = *added.entry(s).or_insert_with(|| {
                all.push(s.to_string());
                all.len() as i32 - 1
            });
        }
    }
    (codes, all)
}

/// Codes into the sorted categories `all`, as [`categorical_in`] gives
/// them, a piece of the rows at a time (on the worker that read it), then
/// joined in order.
pub struct Coder {
    all: Vec<String>,
    at: HashMap<String, i32>,
}

/// A piece's codes, and the values not among the categories (never
/// expected) by their position in the piece.
pub struct Coded {
    codes: Vec<i32>,
    new: Vec<(usize, String)>,
}

impl Coder {
    pub fn new(mut all: Vec<String>) -> Coder {
        all.sort();
        all.dedup();
        let at = all
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as i32))
            .collect();
        Coder { all, at }
    }

    /// The codes of a piece's values (`-1` for none).
    pub fn code<'a>(&self, values: impl Iterator<Item = Option<&'a str>>) -> Coded {
        const NEW: i32 = -2;
        let mut seen: HashMap<(usize, usize), i32, BuildAddress> = HashMap::default();
        let mut new = Vec::new();
        let codes = values
            .enumerate()
            .map(|(i, v)| match v {
                None => -1,
                Some(s) => {
                    let c = *seen
                        .entry((s.as_ptr() as usize, s.len()))
                        .or_insert_with(|| self.at.get(s).copied().unwrap_or(NEW));
                    if c == NEW {
                        new.push((i, s.to_string()));
                    }
                    c
                }
            })
            .collect();
        Coded { codes, new }
    }

    /// The pieces' codes joined in order, a value not among the categories
    /// added at the end in order of first appearance.
    pub fn join(self, pieces: impl Iterator<Item = Coded>) -> (Vec<i32>, Vec<String>) {
        let mut all = self.all;
        let mut added: HashMap<String, i32> = HashMap::new();
        let mut codes = Vec::new();
        for p in pieces {
            let base = codes.len();
            codes.extend(p.codes);
            for (i, s) in p.new {
                let next = all.len() as i32;
                let c = *added.entry(s.clone()).or_insert(next);
                if c == next {
                    all.push(s);
                }
                codes[base + i] = c;
            }
        }
        (codes, all)
    }
}

/// Hashes an address (and a length): one multiply.
#[derive(Default, Clone, Copy)]
pub struct BuildAddress;

/// The hasher of [`BuildAddress`].
#[derive(Default)]
pub struct AddressHasher(u64);

impl std::hash::BuildHasher for BuildAddress {
    type Hasher = AddressHasher;
    fn build_hasher(&self) -> AddressHasher {
        AddressHasher(0)
    }
}

impl std::hash::Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_usize(b as usize);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Rows not used, and why: (position, column, reason).
pub type Rejects = Vec<(u64, String, String)>;

/// Codes and categories as a numpy array and a list.
pub type Codes<'py> = (Bound<'py, PyArray1<i32>>, Vec<String>);

pub fn codes<'py>(py: Python<'py>, (c, cats): (Vec<i32>, Vec<String>)) -> Codes<'py> {
    (c.into_pyarray(py), cats)
}

pub fn floats<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyArray1<f64>> {
    v.into_pyarray(py)
}

/// The read options of a Python call.
pub fn read_options(lat: Option<String>, lon: Option<String>, skip_invalid: bool) -> ReadOptions {
    let mut o = ReadOptions::default();
    o.lat = lat;
    o.lon = lon;
    o.skip_invalid = skip_invalid;
    o
}

/// The points of a frame: its columns' names, the coordinate arrays (any
/// float64 numpy arrays, read where they lie).
pub fn batch(
    columns: Vec<String>,
    opts: &ReadOptions,
    lat: &PyReadonlyArray1<'_, f64>,
    lon: &PyReadonlyArray1<'_, f64>,
) -> PyResult<Batch> {
    let (lat, lon) = (lat.as_array(), lon.as_array());
    // A strided view (a column of a 2-D array) is copied once.
    let lat = lat
        .as_slice()
        .map_or_else(|| lat.to_vec().into(), std::borrow::Cow::Borrowed);
    let lon = lon
        .as_slice()
        .map_or_else(|| lon.to_vec().into(), std::borrow::Cow::Borrowed);
    Batch::from_arrays(ORIGIN, columns, opts, &lat, &lon).map_err(crate::py_err)
}

/// The rows a batch rejected: (position, column, reason).
pub fn rejects(b: &Batch) -> Rejects {
    b.rejects()
        .iter()
        .map(|r| (r.line.saturating_sub(1), r.column.clone(), r.reason.clone()))
        .collect()
}

/// Positions of the usable rows (those not rejected) of a batch.
pub fn kept<'py>(py: Python<'py>, b: &Batch) -> Bound<'py, PyArray1<i64>> {
    b.lines()
        .iter()
        .map(|&l| l as i64 - 1)
        .collect::<Vec<_>>()
        .into_pyarray(py)
}

/// An extra column of a frame, as the Python side hands it over:
/// `("number", float64 array)` (NaN for none), `("days", int64 array)`
/// (days since 1970-01-01, `i64::MIN` for none) or `("text", [str|None])`.
#[derive(FromPyObject)]
pub enum ColumnIn<'py> {
    Typed(String, Bound<'py, PyAny>),
}

pub fn column(c: ColumnIn<'_>) -> PyResult<Column> {
    let ColumnIn::Typed(kind, data) = c;
    Ok(match kind.as_str() {
        "number" => {
            let a: PyReadonlyArray1<f64> = data.extract()?;
            Column::Number(
                a.as_array()
                    .iter()
                    .map(|&x| (!x.is_nan()).then_some(x))
                    .collect(),
            )
        }
        "days" => {
            let a: PyReadonlyArray1<i64> = data.extract()?;
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
            Column::Date(
                a.as_array()
                    .iter()
                    .map(|&d| {
                        (d != i64::MIN)
                            .then(|| epoch.checked_add_signed(chrono::Duration::days(d)))
                            .flatten()
                    })
                    .collect(),
            )
        }
        "text" => {
            let v: Vec<Option<String>> = data.extract()?;
            Column::Text(v.into_iter().map(Option::unwrap_or_default).collect())
        }
        other => return Err(err(format!("unknown column kind {other:?}"))),
    })
}

/// Add the extra columns `cols` (name, column) to `b`.
pub fn with_columns(mut b: Batch, cols: Vec<(String, ColumnIn<'_>)>) -> PyResult<Batch> {
    for (name, c) in cols {
        b = b.with_column(&name, column(c)?).map_err(crate::py_err)?;
    }
    Ok(b)
}

/// A table's column, typed from its values: `int` (every value a whole
/// number that fits 64 bits, none missing), `float` (numbers, NaN for
/// missing), `bool`, `str` (None for missing) or `json` (nested values,
/// as JSON text).
fn typed_column<'py>(
    py: Python<'py>,
    rows: &[Map<String, Value>],
    name: &str,
) -> PyResult<(String, Bound<'py, PyAny>)> {
    let vals: Vec<&Value> = rows
        .iter()
        .map(|r| r.get(name).unwrap_or(&Value::Null))
        .collect();
    let all = |f: fn(&Value) -> bool| vals.iter().all(|v| f(v));
    let nulls = vals.iter().any(|v| v.is_null());
    if !vals.is_empty() && !nulls && all(|v| v.is_i64() || (v.is_u64() && v.as_i64().is_some())) {
        let v: Vec<i64> = vals
            .iter()
            .map(|v| v.as_i64().expect("an integer"))
            .collect();
        return Ok(("int".into(), v.into_pyarray(py).into_any()));
    }
    if !vals.is_empty() && all(|v| v.is_null() || v.is_number()) && !all(Value::is_null) {
        let v: Vec<f64> = vals
            .iter()
            .map(|v| v.as_f64().unwrap_or(f64::NAN))
            .collect();
        return Ok(("float".into(), v.into_pyarray(py).into_any()));
    }
    if !vals.is_empty() && !nulls && all(Value::is_boolean) {
        let v: Vec<bool> = vals
            .iter()
            .map(|v| v.as_bool().expect("a boolean"))
            .collect();
        return Ok(("bool".into(), v.into_pyarray(py).into_any()));
    }
    if all(|v| v.is_null() || v.is_string()) {
        let list = PyList::empty(py);
        for v in &vals {
            list.append(v.as_str())?;
        }
        return Ok(("str".into(), list.into_any()));
    }
    let list = PyList::empty(py);
    for v in &vals {
        list.append(v.to_string())?;
    }
    Ok(("json".into(), list.into_any()))
}

/// A table (column names, one object per row) as a dict of typed columns
/// in order: name → (kind, data), as [`typed_column`] types them.
pub fn table<'py>(
    py: Python<'py>,
    cols: &[String],
    rows: &[Map<String, Value>],
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for c in cols {
        let (kind, data) = typed_column(py, rows, c)?;
        out.append((c, kind, data))?;
    }
    Ok(out)
}

/// Where every row of a table command went, as a dict.
pub fn account<'py>(
    py: Python<'py>,
    a: &frontier::summary::Account,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rows_in", a.rows_in)?;
    d.set_item("counted", a.counted)?;
    d.set_item("rejected", a.rejected)?;
    d.set_item("outside_window", a.outside_window)?;
    d.set_item("left_out_imprecise", a.left_out_imprecise)?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_positions_among_the_sorted_categories() {
        // Names borrowed from two places (two addresses, one text), over
        // more rows than one chunk, with missing and unexpected values.
        let a = String::from("Khyber");
        let b = String::from("Khyber");
        let names = ["Quetta", a.as_str(), b.as_str(), "Zhob", "Swat"];
        let values: Vec<Option<&str>> = (0..40_000)
            .map(|i| (i % 7 != 0).then(|| names[i % names.len()]))
            .collect();
        let all: Vec<String> = ["Zhob", "Khyber", "Quetta", "Khyber"]
            .map(String::from)
            .to_vec();
        let (codes, cats) = categorical_in(values.iter().copied(), all);
        assert_eq!(cats, ["Khyber", "Quetta", "Zhob", "Swat"]);
        for (c, v) in codes.iter().zip(&values) {
            match v {
                None => assert_eq!(*c, -1),
                Some(s) => assert_eq!(cats[*c as usize], *s),
            }
        }
    }
}
