//! Maps: the command line's `render`, as PNG, SVG or PDF bytes.

use crate::arrays::read_options;
use crate::{err, guard, py_err};
use frontier::ingest::{FormatHint, PointSource, ReadOptions};
use frontier::render::{
    Choropleth, Extent, Format, Labels, MapSpec, PageSize, PointsLayer, classify,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

fn points_from_csv(text: &str, origin: &str, opts: &ReadOptions) -> PyResult<PointSource> {
    PointSource::from_reader(
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        origin,
        FormatHint::None,
        opts,
    )
    .map_err(py_err)
}

/// A map's bytes in `format` (`png`, `svg`, `pdf`): the command line's
/// `render`, with the points, the density points and the choropleth table
/// handed over as CSV text of the few columns drawn.
#[pyfunction]
#[pyo3(signature = (format="png", size="1600x1200", dpi=None, extent="pakistan", title=None, subtitle=None, points_csv=None, color_by=None, size_by=None, density_csv=None, bandwidth_km=None, choropleth_csv=None, column=None, classes=5, method="quantile", palette="ylorrd", labels="none", layers=Vec::new(), base_map=true, source=None, graticule=false, inset=false, color_title=None, size_title=None, legend_title=None))]
#[allow(clippy::too_many_arguments)]
fn render<'py>(
    py: Python<'py>,
    format: &str,
    size: &str,
    dpi: Option<f32>,
    extent: &str,
    title: Option<String>,
    subtitle: Option<String>,
    points_csv: Option<String>,
    color_by: Option<String>,
    size_by: Option<String>,
    density_csv: Option<String>,
    bandwidth_km: Option<f64>,
    choropleth_csv: Option<String>,
    column: Option<String>,
    classes: usize,
    method: &str,
    palette: &str,
    labels: &str,
    layers: Vec<String>,
    base_map: bool,
    source: Option<String>,
    graticule: bool,
    inset: bool,
    color_title: Option<String>,
    size_title: Option<String>,
    legend_title: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    use frontier::Named;
    guard(|| {
        let format =
            Format::from_name(format).map_err(|e| err(format!("format={format:?}: {e}")))?;
        let page = PageSize::parse(size).map_err(|e| err(format!("size={size:?}: {e}")))?;
        let dpi = dpi.unwrap_or_else(|| page.default_dpi());
        if !frontier::render::DPIS.contains(&dpi) {
            return Err(err(format!(
                "dpi={dpi}: give {} to {} dots per inch",
                frontier::render::DPIS.start(),
                frontier::render::DPIS.end()
            )));
        }
        let pixels = page.pixels(dpi);
        frontier::render::check_size(pixels).map_err(|e| {
            err(format!(
                "size={size:?} is {}x{} pixels at {dpi} dpi: {}",
                pixels.0,
                pixels.1,
                e.render_with(&crate::python_name)
            ))
        })?;
        classify::palette(palette).map_err(py_err)?;
        if !(2..=9).contains(&classes) {
            return Err(err(format!("classes={classes}: give 2 to 9 classes")));
        }
        if let Some(b) = bandwidth_km
            && !(b.is_finite() && b > 0.0)
        {
            return Err(err(format!("bandwidth_km={b}: give a distance above 0 km")));
        }
        let setting = |what: &str, e: String| err(format!("{what}: {e}"));
        let mut spec = MapSpec {
            size: pixels,
            dpi,
            type_scale: page.type_scale(),
            extent: Extent::parse(extent).map_err(|e| setting("extent=", e))?,
            title,
            subtitle,
            labels: Labels::from_name(labels).map_err(|e| setting("labels=", e))?,
            base_map,
            graticule,
            inset,
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
        let opts = read_options(Some("latitude".into()), Some("longitude".into()), true);
        if let Some(text) = points_csv {
            let mut src = points_from_csv(&text, "points", &opts)?;
            let read = PointsLayer::read(&mut src, color_by.as_deref(), size_by.as_deref())
                .map_err(py_err)?;
            credit(&read, &mut spec.sources);
            // The legends' titles: as given, else the columns' names.
            spec.points = Some(PointsLayer {
                points: read.points,
                color_by: color_title
                    .or(color_by.clone())
                    .filter(|_| color_by.is_some()),
                size_by: size_title.or(size_by.clone()).filter(|_| size_by.is_some()),
            });
        } else if color_by.is_some() || size_by.is_some() {
            return Err(err("color_by= and size_by= need points="));
        }
        if let Some(text) = density_csv {
            let mut src = points_from_csv(&text, "density", &opts)?;
            let read = PointsLayer::read(&mut src, None, None).map_err(py_err)?;
            credit(&read, &mut spec.sources);
            spec.density = Some(frontier::render::Density {
                points: read.points.into_iter().map(|p| p.at).collect(),
                title: "Density".into(),
                bandwidth_km: bandwidth_km.unwrap_or(frontier::render::DEFAULT_BANDWIDTH_KM),
            });
        } else if bandwidth_km.is_some() {
            return Err(err("bandwidth_km= needs density="));
        }
        match (choropleth_csv, column) {
            (Some(text), Some(column)) => {
                let method =
                    classify::Method::from_name(method).map_err(|e| setting("method=", e))?;
                let (ch, _) = Choropleth::read(
                    text.as_bytes(),
                    "choropleth",
                    &column,
                    classes,
                    method,
                    palette,
                )
                .map_err(py_err)?;
                let mut ch = ch;
                if let Some(t) = legend_title {
                    ch.title = t;
                }
                spec.choropleth = Some(ch);
            }
            (None, None) => {}
            _ => {
                return Err(err(
                    "a choropleth needs both choropleth= (a table) and column=",
                ));
            }
        }
        for l in &layers {
            spec.layers
                .push(frontier::render::styled_layer(l).map_err(py_err)?);
        }
        let bytes = py
            .detach(|| frontier::render::render_to(&spec, format))
            .map_err(py_err)?;
        Ok(PyBytes::new(py, &bytes))
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render, m)?)?;
    Ok(())
}
