//! A point file read into typed columns for a pandas frame
//! (`frontier.read`, and `locate`, `near`, `nearest` given a path).
//!
//! One pass over the file by the library's column reader
//! ([`frontier::ingest::PointSource::par_columns`]): each piece is read
//! while the pieces before it are split on the pool, each line once, its
//! cells put straight into column buffers (numbers read once). The kind of
//! each column is found from the cells read (the rules of
//! [`frontier::ingest::column_kinds`], which the command line's JSON and
//! GeoParquet output follow, so no second pass over the file), or taken
//! from a Parquet file's schema. A column is kept as numbers while every
//! cell is one, else as text, in the buffers numpy and Arrow hold: numbers
//! as `int64`/`float64`, text as Arrow's bytes and offsets (a chunk per
//! piece, never joined), dates and timestamps as `datetime64` counts. No
//! Python object per cell.

use crate::arrays::{Coded, Coder, Codes, codes as codes_of, floats, read_options};
use crate::points::{located_categories, locator};
use crate::{guard, py_err};
use frontier::Catalogue;
use frontier::ingest::{ColumnPiece, KindSeen, Numbers, PointSource, ReadColumn, TextCells};
use frontier::query::{Location, Locator};
use frontier::row::{Kind, TimeUnit, date_days, timestamp_count};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;

/// A column's values in one batch, in the buffers they end in.
enum Chunk {
    Int(Vec<i64>),
    Float(Vec<f64>),
    /// Values and validity.
    Bool(Vec<bool>, Vec<bool>),
    Text(Arrow),
    /// Counts of a time unit since 1970 (`i64::MIN`, numpy's NaT, where
    /// empty).
    Time(Vec<i64>),
}

/// A date (as seconds) or timestamp (as counts of its unit) since 1970;
/// `None` for an empty cell or one that is not a date or timestamp.
fn time(c: &str, kind: Kind) -> Option<i64> {
    match kind {
        _ if c.is_empty() => None,
        Kind::Timestamp { unit, .. } => timestamp_count(c, unit),
        _ => date_days(c).and_then(|d| d.checked_mul(86_400)),
    }
}

/// Whether every cell of a date or timestamp column reads as one (never
/// expected otherwise: the reader wrote them; else the column stays text).
fn times_read(c: &ReadColumn, kind: Kind) -> bool {
    c.numbers.is_none()
        && (0..c.text.len()).all(|i| {
            let t = c.text.cell(i);
            t.is_empty() || time(t, kind).is_some()
        })
}

/// Column `k` of piece `p`, read as `c`, as `kind`. A whole-number column
/// with an empty cell (or, from Parquet, a value beyond `i64`) is `float64`
/// with NaN there, as pandas holds it.
fn typed(c: ReadColumn, kind: Kind, p: &ColumnPiece, k: usize) -> Chunk {
    let ReadColumn { numbers, text, .. } = c;
    match (kind, numbers) {
        (Kind::Integer, Some(Numbers::Whole(v))) => Chunk::Int(v),
        (Kind::Integer | Kind::Float, Some(n)) => Chunk::Float(n.into_floats()),
        (Kind::Integer, None) => {
            let cells: Vec<&str> = (0..text.len()).map(|i| text.cell(i).trim()).collect();
            match cells.iter().map(|c| c.parse::<i64>()).collect() {
                Ok(v) => Chunk::Int(v),
                Err(_) => Chunk::Float(
                    cells
                        .iter()
                        .map(|c| c.parse::<f64>().unwrap_or(f64::NAN))
                        .collect(),
                ),
            }
        }
        (Kind::Float, None) => Chunk::Float(
            (0..text.len())
                .map(|i| text.cell(i).trim().parse::<f64>().unwrap_or(f64::NAN))
                .collect(),
        ),
        (_, numbers) => {
            // Kept as numbers where the column turned out otherwise: its text.
            let text = if numbers.is_some() {
                p.text_of(k)
            } else {
                text
            };
            match kind {
                Kind::Boolean => {
                    let (v, valid) = (0..text.len())
                        .map(|i| {
                            let c = text.cell(i).trim();
                            (c == "true", c == "true" || c == "false")
                        })
                        .unzip();
                    Chunk::Bool(v, valid)
                }
                Kind::Date | Kind::Timestamp { .. } => Chunk::Time(
                    (0..text.len())
                        .map(|i| time(text.cell(i), kind).unwrap_or(i64::MIN))
                        .collect(),
                ),
                _ => Chunk::Text(Arrow::of(text)),
            }
        }
    }
}

/// A column's chunks: whole-number chunks as `float64` when any is (a
/// chunk with an empty cell).
fn unify(mut parts: Vec<Chunk>) -> Vec<Chunk> {
    if parts.iter().any(|p| matches!(p, Chunk::Float(_)))
        && parts.iter().any(|p| matches!(p, Chunk::Int(_)))
    {
        for p in &mut parts {
            if let Chunk::Int(v) = p {
                *p = Chunk::Float(v.iter().map(|&x| x as f64).collect());
            }
        }
    }
    parts
}

/// A text chunk as Arrow holds it: offsets from 0, the bytes, the
/// validity bitmap (bit `i` of byte `i / 8`, least significant first; an
/// empty cell is missing) and the count of nulls.
type ArrowText<'py> = (
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<u8>>,
    Bound<'py, PyArray1<u8>>,
    usize,
);

/// A text chunk made ready for Arrow (on the pool): [`ArrowText`]'s parts.
struct Arrow {
    offsets: Vec<i64>,
    data: Vec<u8>,
    bitmap: Vec<u8>,
    nulls: usize,
}

impl Arrow {
    fn of(t: TextCells) -> Arrow {
        let n = t.ends.len();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0i64);
        offsets.extend_from_slice(&t.ends);
        let mut bitmap = vec![0u8; n.div_ceil(8)];
        let mut nulls = 0;
        for i in 0..n {
            if offsets[i + 1] > offsets[i] {
                bitmap[i / 8] |= 1 << (i % 8);
            } else {
                nulls += 1;
            }
        }
        Arrow {
            offsets,
            data: t.data,
            bitmap,
            nulls,
        }
    }

    fn into_python(self, py: Python<'_>) -> ArrowText<'_> {
        (
            self.offsets.into_pyarray(py),
            self.data.into_pyarray(py),
            self.bitmap.into_pyarray(py),
            self.nulls,
        )
    }
}

/// A column's chunks of numbers, dates or booleans as one chunk (text
/// stays in chunks); the chunks are of one kind ([`unify`]).
fn join(parts: Vec<Chunk>) -> Vec<Chunk> {
    fn joined<T: Copy>(parts: &[Chunk], get: impl Fn(&Chunk) -> Option<&[T]>) -> Vec<T> {
        let mut v = Vec::with_capacity(parts.iter().filter_map(&get).map(<[T]>::len).sum());
        for p in parts {
            v.extend_from_slice(get(p).unwrap_or_default());
        }
        v
    }
    if parts.len() < 2 {
        return parts;
    }
    let one = match &parts[0] {
        Chunk::Float(_) => Chunk::Float(joined(&parts, |p| match p {
            Chunk::Float(v) => Some(v.as_slice()),
            _ => None,
        })),
        Chunk::Int(_) => Chunk::Int(joined(&parts, |p| match p {
            Chunk::Int(v) => Some(v.as_slice()),
            _ => None,
        })),
        Chunk::Time(_) => Chunk::Time(joined(&parts, |p| match p {
            Chunk::Time(v) => Some(v.as_slice()),
            _ => None,
        })),
        Chunk::Bool(..) => Chunk::Bool(
            joined(&parts, |p| match p {
                Chunk::Bool(v, _) => Some(v.as_slice()),
                _ => None,
            }),
            joined(&parts, |p| match p {
                Chunk::Bool(_, ok) => Some(ok.as_slice()),
                _ => None,
            }),
        ),
        Chunk::Text(_) => return parts,
    };
    vec![one]
}

/// A column's chunks (joined by [`join`]) as the Python side takes them:
/// `(kind, data)`.
fn to_python<'py>(py: Python<'py>, parts: Vec<Chunk>, kind: Kind) -> PyResult<Bound<'py, PyAny>> {
    fn joined<T>(parts: Vec<Chunk>, get: impl Fn(Chunk) -> Option<Vec<T>>) -> Vec<T> {
        // One chunk (as `join` leaves numbers) is handed over as it is.
        let mut all = parts.into_iter().filter_map(get);
        let mut v = all.next().unwrap_or_default();
        for more in all {
            v.extend(more);
        }
        v
    }
    let out = match parts.first() {
        None | Some(Chunk::Float(_)) => {
            let v = joined(parts, |p| match p {
                Chunk::Float(v) => Some(v),
                _ => None,
            });
            ("float", v.into_pyarray(py)).into_pyobject(py)?.into_any()
        }
        Some(Chunk::Int(_)) => {
            let v = joined(parts, |p| match p {
                Chunk::Int(v) => Some(v),
                _ => None,
            });
            ("int", v.into_pyarray(py)).into_pyobject(py)?.into_any()
        }
        Some(Chunk::Bool(..)) => {
            let (v, valid): (Vec<Vec<bool>>, Vec<Vec<bool>>) = parts
                .into_iter()
                .filter_map(|p| match p {
                    Chunk::Bool(v, ok) => Some((v, ok)),
                    _ => None,
                })
                .unzip();
            let (v, valid) = (v.concat(), valid.concat());
            ("bool", (v.into_pyarray(py), valid.into_pyarray(py)))
                .into_pyobject(py)?
                .into_any()
        }
        Some(Chunk::Time(_)) => {
            let v = joined(parts, |p| match p {
                Chunk::Time(v) => Some(v),
                _ => None,
            });
            let (unit, utc) = match kind {
                Kind::Timestamp { unit, utc } => (
                    match unit {
                        TimeUnit::Second => "s",
                        TimeUnit::Millisecond => "ms",
                        TimeUnit::Microsecond => "us",
                        TimeUnit::Nanosecond => "ns",
                    },
                    utc,
                ),
                _ => ("s", false),
            };
            ("datetime", (v.into_pyarray(py), unit, utc))
                .into_pyobject(py)?
                .into_any()
        }
        Some(Chunk::Text(_)) => {
            let chunks = PyList::empty(py);
            for p in parts {
                if let Chunk::Text(t) = p {
                    chunks.append(t.into_python(py))?;
                }
            }
            ("text", chunks).into_pyobject(py)?.into_any()
        }
    };
    Ok(out)
}

/// A rejected row: line, column, reason and the row's fields as text.
pub type FileReject = (u64, String, String, Vec<String>);

/// What is kept of a piece: its columns, the usable rows' coordinates and
/// lines, the rejected rows, and the piece itself (for the text of a
/// column kept as numbers that turned out otherwise).
struct Part {
    piece: ColumnPiece,
    columns: Vec<ReadColumn>,
    rejected: Vec<FileReject>,
    /// When the file is being located: the codes of the piece's country,
    /// province, district and extra layers' features.
    located: Vec<Coded>,
}

/// A locator and the coders of the columns it answers (country, province,
/// district, then each extra layer's feature).
pub struct Locating<'l> {
    pub locator: &'l Locator,
    pub coders: Vec<Coder>,
}

impl Locating<'_> {
    fn code(&self, piece: &ColumnPiece) -> Vec<Coded> {
        let (l, points) = (self.locator, piece.coords());
        let found: Vec<Location> = points.iter().map(|&c| l.locate(c)).collect();
        let getters: [for<'x, 'y> fn(&'y Location<'x>) -> Option<&'x str>; 3] =
            [|x| x.country, |x| x.province, |x| x.district];
        let mut out: Vec<Coded> = getters
            .iter()
            .zip(&self.coders)
            .map(|(get, coder)| coder.code(found.iter().map(get)))
            .collect();
        for (k, coder) in self.coders.iter().skip(3).enumerate() {
            out.push(coder.code(points.iter().map(|&c| l.locate_in(k, c))));
        }
        out
    }
}

impl Part {
    fn of(mut piece: ColumnPiece, locating: Option<&Locating>) -> Part {
        Part {
            located: locating.map_or_else(Vec::new, |l| l.code(&piece)),
            columns: piece.take_columns(),
            rejected: piece
                .rejects()
                .iter()
                .map(|r| {
                    let mut text = Vec::new();
                    r.fields.each_text(|_, t| text.push(t.to_string()));
                    (r.line, r.column.clone(), r.reason.clone(), text)
                })
                .collect(),
            piece,
        }
    }
}

/// The columns of a file, read as in the module's notes: each column's
/// kind and chunks, and the parts' coordinates, lines and rejects; then,
/// when located, the pieces' codes of each located column.
type Read = (
    Vec<Kind>,
    Vec<Vec<Chunk>>,
    Vec<f64>,
    Vec<f64>,
    Vec<i64>,
    Vec<FileReject>,
    Vec<Vec<Coded>>,
);

/// Reads the file; with a locator, each piece's points are located as the
/// piece is read, on the same worker.
fn read_all(
    source: &mut PointSource,
    n: usize,
    locating: Option<&Locating>,
) -> frontier::Result<Read> {
    let known = source.known_kinds();
    let parts: std::sync::Mutex<Vec<(usize, Part)>> = Default::default();
    source.par_columns(|k, piece| {
        let p = Part::of(piece, locating);
        if let Ok(mut all) = parts.lock() {
            all.push((k, p));
        }
    })?;
    let mut parts = parts.into_inner().unwrap_or_default();
    parts.sort_unstable_by_key(|(k, _)| *k);
    let mut kinds = known.unwrap_or_else(|| {
        (0..n)
            .map(|c| {
                parts
                    .iter()
                    .fold(KindSeen::ANY, |a, (_, p)| a.and(p.columns[c].seen))
                    .kind()
            })
            .collect()
    });
    for (c, kind) in kinds.iter_mut().enumerate() {
        if matches!(kind, Kind::Date | Kind::Timestamp { .. })
            && !parts
                .par_iter()
                .all(|(_, p)| times_read(&p.columns[c], *kind))
        {
            *kind = Kind::Text;
        }
    }
    let typed_parts: Vec<Vec<Chunk>> = parts
        .par_iter_mut()
        .map(|(_, p)| {
            std::mem::take(&mut p.columns)
                .into_iter()
                .zip(&kinds)
                .enumerate()
                .map(|(k, (c, &kind))| typed(c, kind, &p.piece, k))
                .collect()
        })
        .collect();
    let mut by_column: Vec<Vec<Chunk>> = (0..n).map(|_| Vec::new()).collect();
    for chunks in typed_parts {
        for (c, ch) in chunks.into_iter().enumerate() {
            by_column[c].push(ch);
        }
    }
    // The columns joined, and the coordinates and lines gathered, on the
    // pool.
    let rows: usize = parts.iter().map(|(_, p)| p.piece.len()).sum();
    let gather = |get: &(dyn Fn(&ColumnPiece, &mut Vec<f64>) + Sync)| {
        let mut v = Vec::with_capacity(rows);
        parts.iter().for_each(|(_, p)| get(&p.piece, &mut v));
        v
    };
    let ((xs, ys), (lines, by_column)) = rayon::join(
        || {
            rayon::join(
                || gather(&|p, v| v.extend(p.coords().iter().map(|c| c.x))),
                || gather(&|p, v| v.extend(p.coords().iter().map(|c| c.y))),
            )
        },
        || {
            rayon::join(
                || {
                    let mut v = Vec::with_capacity(rows);
                    parts
                        .iter()
                        .for_each(|(_, p)| v.extend(p.piece.lines().iter().map(|&l| l as i64)));
                    v
                },
                || {
                    by_column
                        .into_par_iter()
                        .map(|c| join(unify(c)))
                        .collect::<Vec<_>>()
                },
            )
        },
    );
    let columns = locating.map_or(0, |l| l.coders.len());
    let mut located: Vec<Vec<Coded>> = (0..columns).map(|_| Vec::new()).collect();
    let mut rejected = Vec::new();
    for (_, p) in parts {
        rejected.extend(p.rejected);
        for (all, piece) in located.iter_mut().zip(p.located) {
            all.push(piece);
        }
    }
    Ok((kinds, by_column, xs, ys, lines, rejected, located))
}

/// An error reading a file: a bad row is named as the command line names
/// it (file, line and column), not as a position among a frame's rows.
fn file_err(e: frontier::Error) -> PyErr {
    match e {
        frontier::Error::Row { .. } => crate::err(e.to_string()),
        other => py_err(other),
    }
}

/// A point file as the command line reads it (CSV of any dialect, GeoJSON,
/// (Geo)Parquet), read once: its columns typed as the command line types
/// them for JSON and GeoParquet output, as `(name, kind, data)` with kind
/// `int` and `float` (a numpy array), `bool` (values, validity), `text` (a
/// list of chunks: Arrow's offsets, bytes, validity bitmap, null count),
/// `datetime` (int64 counts, numpy unit, UTC); the columns of the
/// coordinates, the latitudes and longitudes, the line of each usable row,
/// and the rejects; given `locate` (extra polygon layers), also the columns
/// `frontier.locate` appends (as `frontier::locate` gives them for arrays),
/// each piece located as it is read.
#[pyfunction]
#[pyo3(signature = (path, lat=None, lon=None, skip_invalid=false, locate=None))]
#[allow(clippy::type_complexity)]
pub fn read_points<'py>(
    py: Python<'py>,
    path: &str,
    lat: Option<String>,
    lon: Option<String>,
    skip_invalid: bool,
    locate: Option<Vec<String>>,
) -> PyResult<(
    Bound<'py, PyList>,
    (usize, usize),
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<i64>>,
    Vec<FileReject>,
    Option<Vec<(String, Codes<'py>)>>,
)> {
    guard(|| {
        let l = locate.as_deref().map(locator).transpose()?;
        let locating = match (&l, &locate) {
            (Some(l), Some(extra)) => {
                let (mut cats, _) = located_categories()?;
                for name in extra {
                    cats.push(Catalogue::load(name).map_err(py_err)?.labels());
                }
                Some(Locating {
                    locator: l,
                    coders: cats.into_iter().map(Coder::new).collect(),
                })
            }
            _ => None,
        };
        let opts = read_options(lat, lon, skip_invalid);
        let mut source = PointSource::open(path, &opts).map_err(py_err)?;
        let schema = source.schema().clone();
        let n = schema.columns.len();
        let (kinds, columns, xs, ys, lines, rejected, codes) = py
            .detach(|| read_all(&mut source, n, locating.as_ref()))
            .map_err(file_err)?;
        let located = match (locating, &l, &locate) {
            (Some(locating), Some(l), Some(extra)) => {
                let names = ["country", "province", "district"]
                    .into_iter()
                    .chain((0..extra.len()).map(|k| l.layer_names().nth(k).unwrap_or(&extra[k])))
                    .map(str::to_string);
                let joined: Vec<_> = py.detach(|| {
                    locating
                        .coders
                        .into_iter()
                        .zip(codes)
                        .map(|(coder, pieces)| coder.join(pieces.into_iter()))
                        .collect()
                });
                Some(
                    names
                        .zip(joined)
                        .map(|(n, c)| (n, codes_of(py, c)))
                        .collect(),
                )
            }
            _ => None,
        };
        let out = PyList::empty(py);
        for ((name, kind), parts) in schema.columns.iter().zip(kinds).zip(columns) {
            let (what, data): (String, Bound<'_, PyAny>) = to_python(py, parts, kind)?.extract()?;
            out.append((name, what, data))?;
        }
        Ok((
            out,
            (schema.lat, schema.lon),
            floats(py, ys),
            floats(py, xs),
            lines.into_pyarray(py),
            rejected,
            located,
        ))
    })
}
