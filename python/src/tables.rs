//! The table questions (`summarize`, `trend`, `hotspots`) on arrays or on a
//! point file, returned as typed columns (never CSV text) with the rows'
//! account and rejects.

use crate::arrays::{self, ColumnIn, Rejects, read_options};
use crate::{err, guard, py_err};
use frontier::Catalogue;
use frontier::ingest::{Batch, PointSource};
use frontier::summary::{Grouping, Options, Parts, Tallier};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

/// A grouping by name: `district`, `province`, or a layer (built in or a
/// file). A file's layer is kept for the process (`Grouping` borrows it).
pub(crate) fn grouping(by: &str) -> PyResult<Grouping<'static>> {
    let g = match by {
        "district" | "districts" => Grouping::Districts,
        "province" | "provinces" => Grouping::Provinces,
        other => {
            let layer: &'static frontier::Layer = match Catalogue::shared(other) {
                Ok(l) => l,
                Err(_) => Box::leak(Box::new(Catalogue::load(other).map_err(py_err)?)),
            };
            Grouping::Layer(layer)
        }
    };
    g.resolve()
        .map_err(py_err)?
        .0
        .require_polygons()
        .map_err(|e| match e {
            frontier::Error::NoPolygons { found, .. } => {
                err(format!("by={by:?}: the layer has no polygons ({found})"))
            }
            e => py_err(e),
        })?;
    Ok(g)
}

fn date(text: Option<&str>, what: &str) -> PyResult<Option<chrono::NaiveDate>> {
    text.map(|t| {
        frontier::ingest::parse_date(t).ok_or_else(|| {
            err(format!(
                "{what}={t:?} is not a date (e.g. 2021-08-15 or 15 August 2021)"
            ))
        })
    })
    .transpose()
}

/// The date window, the split and the precision filter, checked as on the
/// command line (a window that ends before it starts is refused).
pub(crate) fn window(
    from: &Option<String>,
    to: &Option<String>,
    split: &Option<String>,
    max_precision: Option<u32>,
) -> PyResult<frontier::window::Window> {
    frontier::window::Window::new(
        date(from.as_deref(), "date_from")?,
        date(to.as_deref(), "date_to")?,
        date(split.as_deref(), "split")?,
        max_precision,
    )
    .map_err(py_err)
}

/// What a table is asked for: the Python side's settings dict (dates as
/// ISO text).
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
    date: Option<String>,
    /// Distance band edges in km (`--bands`) and the layer they measure
    /// to (`--target`).
    bands_km: Option<Vec<f64>>,
    target: String,
    /// A table of the user's figures per group (`--join`): a file, or a
    /// frame's CSV text (and its name in messages); `on` names its column
    /// of group names.
    join_file: Option<String>,
    join_csv: Option<String>,
    join_name: Option<String>,
    on: Option<String>,
}

impl Settings {
    fn options(&self) -> PyResult<Options> {
        let bands = match &self.bands_km {
            None => None,
            Some(edges) => {
                if edges.first() != Some(&0.0) {
                    return Err(err(format!(
                        "bands_km={edges:?}: band edges must start at 0 (e.g. [0, 10, 25, 50, 100])"
                    )));
                }
                if edges.windows(2).any(|w| w[1] <= w[0]) || edges.iter().any(|x| !x.is_finite()) {
                    return Err(err(format!(
                        "bands_km={edges:?}: band edges must increase (e.g. [0, 10, 25, 50, 100])"
                    )));
                }
                Some((
                    edges.clone(),
                    Catalogue::load(&self.target).map_err(py_err)?,
                ))
            }
        };
        let join = match (&self.join_file, &self.join_csv, &self.on) {
            (Some(path), _, Some(on)) => {
                Some(frontier::summary::Join::read(path, on).map_err(py_err)?)
            }
            (None, Some(text), Some(on)) => Some(
                frontier::summary::Join::from_reader(
                    text.as_bytes(),
                    self.join_name.as_deref().unwrap_or("join"),
                    on,
                )
                .map_err(py_err)?,
            ),
            (None, None, None) => None,
            (None, None, Some(_)) => {
                return Err(err("on= names a column of join=: give join= too"));
            }
            (_, _, None) => {
                return Err(err(
                    "join= needs on=, the column of the table that names the groups",
                ));
            }
        };
        let mut opts = Options::default();
        opts.value = self.value.clone();
        opts.weight = self.weight.clone();
        opts.window = window(
            &self.date_from,
            &self.date_to,
            &self.split,
            self.max_precision,
        )?;
        opts.date = self.date.clone();
        opts.bands = bands;
        opts.join = join;
        Ok(opts)
    }

    /// Empty tallies for these settings.
    fn tallier(&self) -> PyResult<Tallier> {
        Tallier::new(grouping(&self.by)?, self.options()?).map_err(py_err)
    }
}

/// Points of a frame, with the extra columns a question reads.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Frame<'py> {
    columns: Vec<String>,
    lat_name: Option<String>,
    lon_name: Option<String>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    extra: Vec<(String, ColumnIn<'py>)>,
    skip_invalid: bool,
}

impl Frame<'_> {
    pub(crate) fn batch(self) -> PyResult<Batch> {
        let opts = read_options(self.lat_name, self.lon_name, self.skip_invalid);
        let b = arrays::batch(self.columns, &opts, &self.lat, &self.lon)?;
        arrays::with_columns(b, self.extra)
    }
}

/// Where the points are: a frame's arrays, or a file the command line
/// reads (with its reading options).
#[derive(FromPyObject)]
pub(crate) enum Input<'py> {
    Frame(Frame<'py>),
    File(String, Option<String>, Option<String>, bool),
}

impl Input<'_> {
    /// Feed every batch of points to `f`.
    fn each(
        self,
        py: Python<'_>,
        mut f: impl FnMut(&Batch) -> frontier::Result<()> + Send,
    ) -> PyResult<()> {
        match self {
            Input::Frame(fr) => {
                let b = fr.batch()?;
                py.detach(|| f(&b)).map_err(py_err)
            }
            Input::File(path, lat, lon, skip) => {
                let mut src =
                    PointSource::open(&path, &read_options(lat, lon, skip)).map_err(py_err)?;
                py.detach(|| {
                    while let Some(b) = src.next_batch(frontier::row::CHUNK_ROWS)? {
                        f(&b)?;
                    }
                    Ok(())
                })
                .map_err(py_err)
            }
        }
    }
}

/// Per-group tallies of these points (`summary::Parts` as JSON: counts and
/// sums that add up exactly with other parts' in [`finish`]), and the
/// rejects as (position, column, reason).
#[pyfunction]
fn tally(py: Python<'_>, input: Input<'_>, settings: Settings) -> PyResult<(String, Rejects)> {
    guard(|| {
        let mut t = settings.tallier()?;
        input.each(py, |b| t.add_batch(b))?;
        let rejects = t
            .take_rejects()
            .into_iter()
            .map(|r| (r.line.saturating_sub(1), r.column, r.reason))
            .collect();
        let parts = serde_json::to_string(&t.parts()).map_err(|e| err(e.to_string()))?;
        Ok((parts, rejects))
    })
}

/// The summary table of the parts made by [`tally`] with the same
/// settings, merged: (typed columns, account, notes: what the command line
/// says on stderr of a joined table's text columns and unmatched names).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn finish<'py>(
    py: Python<'py>,
    parts: Vec<String>,
    settings: Settings,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>, Vec<String>)> {
    guard(|| {
        let mut t = settings.tallier()?;
        for p in parts {
            let p: Parts = serde_json::from_str(&p).map_err(|e| err(e.to_string()))?;
            t.add_parts(p).map_err(py_err)?;
        }
        let s = t.finish().map_err(py_err)?;
        let (cols, rows) = s.table();
        let mut notes = Vec::new();
        if let Some(j) = &s.join {
            if !j.text_columns.is_empty() {
                let cols: Vec<String> = j
                    .text_columns
                    .iter()
                    .map(|(c, line)| format!("{c} (text on line {line})"))
                    .collect();
                notes.push(format!(
                    "{}: columns with text left out of the join (only numeric columns are summed and rated): {}",
                    j.origin,
                    cols.join(", ")
                ));
            }
            let unmatched = s.unmatched_join_names();
            if !unmatched.is_empty() {
                notes.push(format!(
                    "{} name(s) in {} match no {}: {}",
                    unmatched.len(),
                    j.origin,
                    s.key,
                    unmatched.join(", ")
                ));
            }
        }
        Ok((
            arrays::table(py, &cols, &rows)?,
            arrays::account(py, &s.account)?,
            notes,
        ))
    })
}

/// The PNG of the chart `frontier trend --chart` draws of `t`; a group
/// to draw that is not one is refused, naming the groups.
fn trend_chart(t: &frontier::trend::Trend, s: &TrendSettings) -> PyResult<Vec<u8>> {
    use frontier::render::chart::{ChartSpec, chart};
    for g in &s.chart_groups {
        if !t.series.iter().any(|x| &x.name == g) {
            let names: Vec<&str> = t.series.iter().map(|x| x.name.as_str()).collect();
            return Err(err(format!(
                "groups=: no group {g:?} (groups: {})",
                names.join(", ")
            )));
        }
    }
    let mut spec = ChartSpec::of_trend(
        t,
        s.chart_size,
        &s.chart_groups,
        s.title.clone(),
        String::new(),
    );
    spec.sources = s.source.iter().cloned().collect();
    let pm = chart(&spec).map_err(py_err)?;
    pm.encode_png()
        .map_err(|e| err(format!("encoding PNG: {e}")))
}

/// Trend settings from the Python side.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct TrendSettings {
    period: String,
    group: Option<String>,
    value: Option<String>,
    split: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    max_precision: Option<u32>,
    date: Option<String>,
    /// Also the chart `--chart` draws (PNG): its size, the groups to draw
    /// (default: those with the most events), title and source credit.
    chart: bool,
    chart_size: (u32, u32),
    chart_groups: Vec<String>,
    title: Option<String>,
    source: Option<String>,
}

/// Events per period (per group), and with a split the tests: (typed
/// columns, the CLI's JSON of the table as text, account, rejects, and
/// with `chart` the chart's PNG).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn trend<'py>(
    py: Python<'py>,
    input: Input<'py>,
    columns: Option<Vec<String>>,
    settings: TrendSettings,
) -> PyResult<(
    Bound<'py, PyList>,
    String,
    Bound<'py, PyDict>,
    Rejects,
    Option<Bound<'py, PyBytes>>,
)> {
    use frontier::Named;
    use frontier::trend::{Grouping as TG, Options as TO, Period, Trender};
    guard(|| {
        let s = settings;
        let period =
            Period::from_name(&s.period).map_err(|e| err(format!("period={:?}: {e}", s.period)))?;
        let columns = match (columns, &input) {
            (Some(c), _) => c,
            (None, Input::File(path, lat, lon, skip)) => {
                PointSource::open(path, &read_options(lat.clone(), lon.clone(), *skip))
                    .map_err(py_err)?
                    .schema()
                    .columns
                    .clone()
            }
            (None, Input::Frame(f)) => f.columns.clone(),
        };
        // A column of the points, unless the name is a built-in grouping.
        let column = s.group.as_deref().filter(|g| {
            !matches!(*g, "district" | "province")
                && frontier::ingest::find_column(&columns, g).is_some()
        });
        let by = match (&s.group, column) {
            (None, _) => TG::All,
            (Some(_), Some(c)) => TG::Column(c),
            (Some(g), None) => TG::Areas(grouping(g)?),
        };
        let mut opts = TO::default();
        opts.period = period;
        opts.value = s.value.clone();
        opts.window = window(&s.date_from, &s.date_to, &s.split, s.max_precision)?;
        opts.date = s.date.clone();
        let mut t = Trender::new(by, opts).map_err(py_err)?;
        input.each(py, |b| t.add_batch(b))?;
        let t = py.detach(|| t.finish()).map_err(py_err)?;
        let (cols, rows) = if t.split.is_some() {
            t.tests_table(true)
        } else {
            t.series_table()
        };
        let json = serde_json::to_string(&rows).map_err(|e| err(e.to_string()))?;
        let chart = if s.chart {
            Some(PyBytes::new(py, &trend_chart(&t, &s)?))
        } else {
            None
        };
        let rejects = t
            .account
            .rejects
            .iter()
            .map(|r| (r.line.saturating_sub(1), r.column.clone(), r.reason.clone()))
            .collect();
        Ok((
            arrays::table(py, &cols, &rows)?,
            json,
            arrays::account(py, &t.account)?,
            rejects,
            chart,
        ))
    })
}

/// The areas of `by`: `hex:D`, hexagons with edges of D (`hex:10`,
/// `hex:10km`, `hex:500m`, `hex:5mi`: a bare number is km, as everywhere),
/// or polygons, as on the command line.
pub(crate) fn areas(by: &str) -> PyResult<frontier::hotspots::Areas<'static>> {
    use frontier::hotspots::Areas;
    Ok(match by.strip_prefix("hex:") {
        Some(d) => Areas::Hex(
            frontier::units::parse_distance(d)
                .ok()
                .filter(|m| *m > 0.0 && m.is_finite())
                .map(|m| m / 1000.0)
                .ok_or_else(|| {
                    err(format!(
                        "by={by:?}: give the hexagons' edge, e.g. hex:10 (km), hex:10km or hex:5mi"
                    ))
                })?,
        ),
        None => Areas::Polygons(grouping(by)?),
    })
}

/// Hot-spot settings from the Python side.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct HotspotSettings {
    by: String,
    weights: String,
    value: Option<String>,
    split: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    max_precision: Option<u32>,
    permutations: usize,
    seed: u64,
    date: Option<String>,
    /// Also the areas with their rows as GeoJSON (`--geojson`).
    geometry: bool,
}

/// Gi* per area and Moran's I: (typed columns, the CLI's JSON object
/// without its rows as text, account, rejects, and with `geometry` the
/// areas as the GeoJSON text `--geojson` writes).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn hotspots<'py>(
    py: Python<'py>,
    input: Input<'py>,
    settings: HotspotSettings,
) -> PyResult<(
    Bound<'py, PyList>,
    String,
    Bound<'py, PyDict>,
    Rejects,
    Option<String>,
)> {
    use frontier::hotspots::{Options as HO, Weights, hotspots_batch};
    guard(|| {
        let s = settings;
        let areas = areas(&s.by)?;
        let weights: Weights = s
            .weights
            .parse()
            .map_err(|e| err(format!("weights={:?}: {e}", s.weights)))?;
        let mut opts = HO::default();
        opts.weights = weights;
        opts.value = s.value.clone();
        opts.window = window(&s.date_from, &s.date_to, &s.split, s.max_precision)?;
        opts.permutations = s.permutations;
        opts.seed = s.seed;
        opts.date = s.date.clone();
        let h = match input {
            Input::Frame(fr) => {
                let b = fr.batch()?;
                py.detach(|| hotspots_batch(&b, areas, opts))
            }
            Input::File(path, lat, lon, skip) => {
                let mut src =
                    PointSource::open(&path, &read_options(lat, lon, skip)).map_err(py_err)?;
                py.detach(|| frontier::hotspots::hotspots(&mut src, areas, opts))
            }
        }
        .map_err(py_err)?;
        let (cols, rows) = h.table();
        let features = if s.geometry {
            let mut text = Vec::new();
            h.write_features(&rows, &mut text)
                .map_err(|e| err(e.to_string()))?;
            Some(String::from_utf8_lossy(&text).into_owned())
        } else {
            None
        };
        let mut whole = h.to_json(Vec::new());
        if let Some(o) = whole.as_object_mut() {
            o.remove("rows");
        }
        let rejects = h
            .account
            .rejects
            .iter()
            .map(|r| (r.line.saturating_sub(1), r.column.clone(), r.reason.clone()))
            .collect();
        Ok((
            arrays::table(py, &cols, &rows)?,
            whole.to_string(),
            arrays::account(py, &h.account)?,
            rejects,
            features,
        ))
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tally, m)?)?;
    m.add_function(wrap_pyfunction!(finish, m)?)?;
    m.add_function(wrap_pyfunction!(trend, m)?)?;
    m.add_function(wrap_pyfunction!(hotspots, m)?)?;
    Ok(())
}
