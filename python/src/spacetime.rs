//! The space-time questions (`knox`, `emerging`) on arrays or on a point
//! file: the library's `frontier::spacetime`, as the command line's `knox`
//! and `emerging` call it, returned as typed columns (never CSV text) with
//! the rows' account and rejects.

use crate::arrays::{self, Rejects, read_options};
use crate::tables::{Input, areas, window};
use crate::{err, guard, py_err};
use frontier::hotspots::Weights;
use frontier::ingest::PointSource;
use frontier::spacetime::{Condition, EmergingOptions, SpaceTime, Test};
use frontier::summary::Account;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The rows an account rejected, as (position, column, reason).
fn rejects(a: &Account) -> Rejects {
    a.rejects
        .iter()
        .map(|r| (r.line.saturating_sub(1), r.column.clone(), r.reason.clone()))
        .collect()
}

/// Knox settings from the Python side (distances in metres, times in days).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct KnoxSettings {
    space_m: Option<f64>,
    days: Option<u32>,
    space_bands_m: Option<Vec<f64>>,
    time_bands: Option<Vec<u32>>,
    lead: Option<String>,
    follow: Option<String>,
    permutations: usize,
    seed: u64,
    date_from: Option<String>,
    date_to: Option<String>,
    max_precision: Option<u32>,
    date: Option<String>,
}

fn condition(text: &str, what: &str) -> PyResult<Condition> {
    text.parse::<Condition>()
        .map_err(|e| err(format!("{what}={text:?}: {e}")))
}

impl KnoxSettings {
    /// The test asked for, with the command line's rules: bands, or a
    /// lead–lag test, or Knox's test; each with what it needs.
    fn test(&self) -> PyResult<Test> {
        let both = |what: &str| -> PyResult<(f64, u32)> {
            match (self.space_m, self.days) {
                (Some(s), Some(d)) => Ok((s, d)),
                _ => Err(err(format!("{what} needs both space_km= and time_days="))),
            }
        };
        match (
            &self.space_bands_m,
            &self.time_bands,
            &self.lead,
            &self.follow,
        ) {
            (Some(_), None, ..) | (None, Some(_), ..) => Err(err(
                "space_bands_km= and time_bands_days= go together (the Near Repeat table)",
            )),
            (Some(s), Some(t), lead, follow) => {
                if self.space_m.is_some()
                    || self.days.is_some()
                    || lead.is_some()
                    || follow.is_some()
                {
                    return Err(err(
                        "space_bands_km=/time_bands_days= make the Near Repeat table: leave out space_km=, time_days=, lead= and follow=",
                    ));
                }
                Ok(Test::Bands {
                    space_m: s.clone(),
                    days: t.clone(),
                })
            }
            (None, None, Some(lead), Some(follow)) => {
                let (space_m, days) = both("a lead-lag test (lead=, follow=)")?;
                if days == 0 {
                    return Err(err(
                        "time_days=0: a lead-lag test counts follow events 1 or more days later; give time_days=1 or more",
                    ));
                }
                Ok(Test::LeadLag {
                    lead: condition(lead, "lead")?,
                    follow: condition(follow, "follow")?,
                    space_m,
                    days,
                })
            }
            (None, None, Some(_), None) | (None, None, None, Some(_)) => {
                Err(err("lead= and follow= go together (a lead-lag test)"))
            }
            (None, None, None, None) => {
                let (space_m, days) = both("Knox's test")?;
                Ok(Test::Knox { space_m, days })
            }
        }
    }
}

/// Knox's test, the Near Repeat table or the lead–lag test: (typed
/// columns, the test's name, account, rejects).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn knox<'py>(
    py: Python<'py>,
    input: Input<'py>,
    settings: KnoxSettings,
) -> PyResult<(
    Bound<'py, PyList>,
    &'static str,
    Bound<'py, PyDict>,
    Rejects,
)> {
    use frontier::spacetime::{test_batch, test_file};
    guard(|| {
        let s = settings;
        let test = s.test()?;
        let name = match test {
            Test::Knox { .. } => "knox",
            Test::Bands { .. } => "bands",
            Test::LeadLag { .. } => "lead-lag",
        };
        let w = window(&s.date_from, &s.date_to, &None, s.max_precision)?;
        let date = s.date.as_deref();
        let st: frontier::Result<SpaceTime> = match input {
            Input::Frame(fr) => {
                let b = fr.batch()?;
                py.detach(|| test_batch(&b, test, &w, date, s.permutations, s.seed))
            }
            Input::File(path, lat, lon, skip) => {
                let mut src =
                    PointSource::open(&path, &read_options(lat, lon, skip)).map_err(py_err)?;
                py.detach(|| test_file(&mut src, test, &w, date, s.permutations, s.seed))
            }
        };
        let st = st.map_err(py_err)?;
        let (cols, rows) = st.table();
        Ok((
            arrays::table(py, &cols, &rows)?,
            name,
            arrays::account(py, &st.account)?,
            rejects(&st.account),
        ))
    })
}

/// Emerging hot spot settings from the Python side.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct EmergingSettings {
    by: String,
    period: String,
    weights: String,
    time_lags: usize,
    value: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    max_precision: Option<u32>,
    date: Option<String>,
    /// Also the areas with their rows as GeoJSON (`--geojson`).
    geometry: bool,
}

/// Emerging hot spots: (typed columns of the rows with their `series`, the
/// rest of the command line's JSON object as text, account, rejects, and
/// with `geometry` the areas as the GeoJSON text `--geojson` writes).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn emerging<'py>(
    py: Python<'py>,
    input: Input<'py>,
    settings: EmergingSettings,
) -> PyResult<(
    Bound<'py, PyList>,
    String,
    Bound<'py, PyDict>,
    Rejects,
    Option<String>,
)> {
    use frontier::Named;
    use frontier::spacetime::{emerging, emerging_batch};
    use frontier::trend::Period;
    guard(|| {
        let s = settings;
        let areas = areas(&s.by)?;
        let period =
            Period::from_name(&s.period).map_err(|e| err(format!("period={:?}: {e}", s.period)))?;
        let weights: Weights = s
            .weights
            .parse()
            .map_err(|e| err(format!("weights={:?}: {e}", s.weights)))?;
        let mut opts = EmergingOptions::default();
        opts.period = period;
        opts.weights = weights;
        opts.time_lags = s.time_lags;
        opts.value = s.value.clone();
        opts.window = window(&s.date_from, &s.date_to, &None, s.max_precision)?;
        opts.date = s.date.clone();
        let e = match input {
            Input::Frame(fr) => {
                let b = fr.batch()?;
                py.detach(|| emerging_batch(&b, areas, opts))
            }
            Input::File(path, lat, lon, skip) => {
                let mut src =
                    PointSource::open(&path, &read_options(lat, lon, skip)).map_err(py_err)?;
                py.detach(|| emerging(&mut src, areas, opts))
            }
        }
        .map_err(py_err)?;
        let (cols, rows) = e.table(true);
        let features = s.geometry.then(|| e.features().to_string());
        let mut whole = e.to_json();
        if let Some(o) = whole.as_object_mut() {
            o.remove("rows");
        }
        Ok((
            arrays::table(py, &cols, &rows)?,
            whole.to_string(),
            arrays::account(py, &e.account)?,
            rejects(&e.account),
            features,
        ))
    })
}

/// The column of the points a lead or follow condition reads (None for
/// frontier's own country, province, district and side); `what` names the
/// keyword in the error for a condition that is not `FIELD=VALUE`.
#[pyfunction]
fn condition_column(text: &str, what: &str) -> PyResult<Option<String>> {
    Ok(match condition(text, what)?.field {
        frontier::spacetime::Field::Column(c) => Some(c),
        _ => None,
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(condition_column, m)?)?;
    m.add_function(wrap_pyfunction!(knox, m)?)?;
    m.add_function(wrap_pyfunction!(emerging, m)?)?;
    Ok(())
}
