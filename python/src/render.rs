//! Maps: the command line's `render`, as PNG, SVG or PDF bytes. The
//! settings given win over a map file's (`spec=`, the command line's
//! `--spec`), which win over the defaults, as the command line merges its
//! flags with the file.

use crate::{err, guard, py_err, python_name};
use frontier::Named;
use frontier::ingest::{FormatHint, PointSource, ReadOptions};
use frontier::render::classify::{self, Method};
use frontier::render::mapfile::MapFile;
use frontier::render::{
    Choropleth, Density, Extent, Format, Labels, MapSpec, PageSize, PointsLayer, PointsRead,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::{Path, PathBuf};

/// Points as the caller handed them: the usable rows of a frame as CSV
/// text (columns `latitude`, `longitude` and those drawn), or a file the
/// command line reads.
enum Points {
    Csv(String),
    File(String),
}

/// A choropleth's areas as handed over: a table or GeoJSON text (and the
/// name it goes by in messages), or a file.
enum Areas {
    Text(Vec<u8>, String),
    File(PathBuf),
}

/// A file error as the library words it (a file's line is not a row of a
/// frame, so never a `RowError`).
fn file_err(e: frontier::Error) -> PyErr {
    err(e.render_with(&python_name))
}

/// Read points; with `skip_invalid` the unreadable rows are counted in
/// `rejected`.
fn read_points(
    points: &Points,
    opts: &ReadOptions,
    color_by: Option<&str>,
    size_by: Option<&str>,
    rejected: &mut u64,
) -> PyResult<PointsRead> {
    let read = match points {
        Points::Csv(text) => {
            let csv = crate::arrays::read_options(
                Some("latitude".into()),
                Some("longitude".into()),
                true,
            );
            let mut src = PointSource::from_reader(
                Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
                "points",
                FormatHint::None,
                &csv,
            )
            .map_err(py_err)?;
            PointsLayer::read(&mut src, color_by, size_by).map_err(py_err)?
        }
        Points::File(path) => {
            let mut src = PointSource::open(path, opts).map_err(file_err)?;
            PointsLayer::read(&mut src, color_by, size_by).map_err(file_err)?
        }
    };
    *rejected += read.rejected;
    Ok(read)
}

/// Everything `render` was given; `None` is "not given" (the map file's
/// setting, else the default).
struct Given {
    spec: Option<PathBuf>,
    size: Option<String>,
    dpi: Option<f32>,
    extent: Option<String>,
    title: Option<String>,
    subtitle: Option<String>,
    points: Option<Points>,
    color_by: Option<String>,
    size_by: Option<String>,
    density: Option<Points>,
    bandwidth_km: Option<f64>,
    choropleth: Option<Areas>,
    column: Option<String>,
    categories: Option<bool>,
    classes: Option<usize>,
    method: Option<String>,
    palette: Option<String>,
    labels: Option<String>,
    layers: Vec<String>,
    base_map: Option<bool>,
    source: Option<String>,
    graticule: Option<bool>,
    inset: Option<bool>,
    color_title: Option<String>,
    size_title: Option<String>,
    legend_title: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    skip_invalid: Option<bool>,
}

/// The page's pixels, resolution and type scale, checked for `format`.
fn page(g: &Given, file: &MapFile, format: Format) -> PyResult<(PageSize, (u32, u32), f32)> {
    let (size, what) = match &g.size {
        Some(s) => (
            PageSize::parse(s).map_err(|e| err(format!("size={s:?}: {e}")))?,
            format!("size={s:?}"),
        ),
        None => match (file.size, file.place("size")) {
            (Some(s), Some(p)) => (s, format!("{p} {:?}", p.text)),
            _ => (PageSize::Pixels(1600, 1200), "size=\"1600x1200\"".into()),
        },
    };
    let dpi = g.dpi.or(file.dpi).unwrap_or_else(|| size.default_dpi());
    if frontier::render::check_dpi(dpi).is_err() {
        return Err(err(format!(
            "dpi={dpi}: give {} to {} dots per inch",
            frontier::render::DPIS.start(),
            frontier::render::DPIS.end()
        )));
    }
    let pixels = size.pixels(dpi);
    frontier::render::check_page(pixels, dpi, format).map_err(|e| {
        err(format!(
            "{what} is {}x{} pixels at {dpi} dpi: {}",
            pixels.0,
            pixels.1,
            e.render_with(&python_name)
        ))
    })?;
    Ok((size, pixels, dpi))
}

/// The map `g` asks for, in `format`, and how many unreadable rows of the
/// files read were left out.
fn plan(mut g: Given, format: Format) -> PyResult<(MapSpec, u64)> {
    let file = match &g.spec {
        Some(p) => MapFile::read(p).map_err(file_err)?,
        None => MapFile::default(),
    };
    let (size, pixels, dpi) = page(&g, &file, format)?;
    let setting = |what: &str, e: String| err(format!("{what}: {e}"));
    let extent = match &g.extent {
        Some(e) => Extent::parse(e).map_err(|e| setting("extent=", e))?,
        None => file
            .extent
            .clone()
            .unwrap_or(Extent::Named("pakistan".into())),
    };
    let labels = match &g.labels {
        Some(l) => Labels::from_name(l).map_err(|e| setting("labels=", e))?,
        None => file.labels.unwrap_or(Labels::None),
    };
    let mut spec = MapSpec::default();
    spec.size = pixels;
    spec.dpi = dpi;
    spec.type_scale = size.type_scale();
    spec.extent = extent;
    spec.title = g.title.clone().or(file.title.clone());
    spec.subtitle = g.subtitle.clone().or(file.subtitle.clone());
    spec.labels = labels;
    spec.base_map = g.base_map.or(file.base_map).unwrap_or(true);
    spec.graticule = g.graticule.or(file.graticule).unwrap_or(false);
    spec.inset = g.inset.or(file.inset).unwrap_or(false);
    spec.sources = file.sources.clone();
    let mut opts = crate::arrays::read_options(
        g.lat.clone().or(file.reading.lat.clone()),
        g.lon.clone().or(file.reading.lon.clone()),
        g.skip_invalid
            .or(file.reading.skip_invalid)
            .unwrap_or(false),
    );
    opts.delimiter = file.reading.delimiter;
    // The source line credits the data: as synthetic when every row says
    // so, else as the caller names it (`source=`), else by the file's name
    // (as on the command line); a frame without `source=` goes uncredited.
    let credit = |read: &PointsRead, from_file: bool, sources: &mut Vec<String>| {
        let c = if read.credit.starts_with("synthetic") {
            Some(read.credit.clone())
        } else if let Some(s) = &g.source {
            Some(format!("Data: {s}"))
        } else {
            from_file.then(|| read.credit.clone())
        };
        if let Some(c) = c.filter(|c| !sources.contains(c)) {
            sources.push(c);
        }
    };
    let mut rejected = 0;
    let fp = file.points.clone().unwrap_or_default();
    let points = g.points.take().or_else(|| {
        file.points
            .as_ref()
            .map(|p| Points::File(path_text(&p.file)))
    });
    let color_by = g.color_by.clone().or(fp.color_by.clone());
    let size_by = g.size_by.clone().or(fp.size_by.clone());
    match &points {
        Some(p) => {
            let read = read_points(
                p,
                &opts,
                color_by.as_deref(),
                size_by.as_deref(),
                &mut rejected,
            )?;
            credit(&read, matches!(p, Points::File(_)), &mut spec.sources);
            // The legends' titles: as given, else the columns' names.
            spec.points = Some(PointsLayer::titled(
                read.points,
                color_by.as_deref(),
                g.color_title.clone().or(fp.color_title.clone()),
                size_by.as_deref(),
                g.size_title.clone().or(fp.size_title.clone()),
            ));
        }
        None if color_by.is_some() || size_by.is_some() => {
            return Err(err("color_by= and size_by= need points="));
        }
        None => {}
    }
    let fd = file.density.clone();
    let density = g
        .density
        .take()
        .or_else(|| fd.as_ref().map(|d| Points::File(path_text(&d.file))));
    let bandwidth = g.bandwidth_km.or(fd.as_ref().and_then(|d| d.bandwidth_km));
    match &density {
        Some(p) => {
            let read = read_points(p, &opts, None, None, &mut rejected)?;
            credit(&read, matches!(p, Points::File(_)), &mut spec.sources);
            spec.density = Some(Density {
                points: read.points.into_iter().map(|p| p.at).collect(),
                title: fd.and_then(|d| d.title).unwrap_or_else(|| "Density".into()),
                bandwidth_km: bandwidth.unwrap_or(frontier::render::DEFAULT_BANDWIDTH_KM),
            });
        }
        None if bandwidth.is_some() => return Err(err("bandwidth_km= needs density=")),
        None => {}
    }
    spec.choropleth = choropleth(&g, &file)?;
    for (name, style) in &file.layers {
        let layer = frontier::Catalogue::load(name).map_err(file_err)?;
        spec.layers.push((layer, style.clone()));
    }
    for l in &g.layers {
        spec.layers
            .push(frontier::render::styled_layer(l).map_err(py_err)?);
    }
    Ok((spec, rejected))
}

/// A path as text for the point reader.
fn path_text(p: &Path) -> String {
    p.display().to_string()
}

/// The choropleth: the areas given (or the map file's), `column` classed
/// as asked.
fn choropleth(g: &Given, file: &MapFile) -> PyResult<Option<Choropleth>> {
    let fc = file.choropleth.as_ref();
    let palette = g
        .palette
        .clone()
        .or(fc.and_then(|c| c.palette.clone()))
        .unwrap_or_else(|| "ylorrd".into());
    classify::palette(&palette).map_err(py_err)?;
    let classes = g.classes.or(fc.and_then(|c| c.classes)).unwrap_or(5);
    if !(2..=9).contains(&classes) {
        return Err(err(format!("classes={classes}: give 2 to 9 classes")));
    }
    let method = match &g.method {
        Some(m) => Method::from_name(m).map_err(|e| err(format!("method=: {e}")))?,
        None => fc.and_then(|c| c.method).unwrap_or(Method::Quantile),
    };
    let column = g.column.clone().or(fc.map(|c| c.column.clone()));
    let areas = match (&g.choropleth, fc) {
        (Some(Areas::Text(t, o)), _) => Some((t.clone(), o.clone())),
        (Some(Areas::File(p)), _) => Some(read_file(p)?),
        (None, Some(c)) => Some(read_file(&c.file)?),
        (None, None) => None,
    };
    let categories = g
        .categories
        .or(fc.and_then(|c| c.categories))
        .unwrap_or(false);
    let (bytes, origin, column) = match (areas, column) {
        (Some((b, o)), Some(c)) => (b, o, c),
        (None, None) if !categories => return Ok(None),
        (None, None) => {
            return Err(err(
                "categories=True reads a choropleth's column: give choropleth= and column=",
            ));
        }
        _ => {
            return Err(err(
                "a choropleth needs both choropleth= (a table or GeoJSON areas) and column=",
            ));
        }
    };
    let (mut ch, _) = if categories {
        let order = fc.map(|c| c.order.clone()).unwrap_or_default();
        Choropleth::read_categories(bytes.as_slice(), &origin, &column, &order)
    } else {
        Choropleth::read(
            bytes.as_slice(),
            &origin,
            &column,
            classes,
            method,
            &palette,
        )
    }
    .map_err(file_err)?;
    if let Some(t) = g.legend_title.clone().or(fc.and_then(|c| c.title.clone())) {
        ch.title = t;
    }
    Ok(Some(ch))
}

/// A file's bytes and its name for messages.
fn read_file(p: &Path) -> PyResult<(Vec<u8>, String)> {
    let bytes = std::fs::read(p).map_err(|e| file_err(frontier::Error::io(p, e)))?;
    Ok((bytes, path_text(p)))
}

/// A map's bytes in `format` (`png`, `svg`, `pdf`) and how many unreadable
/// rows of the files read were left out: the command line's `render`. A
/// frame's points come as CSV text of the few columns drawn
/// (`points_csv`), a file's by its path (`points_file`); a choropleth's
/// areas as a table's or GeoJSON's text (`choropleth_text`, named
/// `choropleth_name` in messages) or a file.
#[pyfunction]
#[pyo3(signature = (format="png", spec=None, size=None, dpi=None, extent=None, title=None, subtitle=None, points_csv=None, points_file=None, color_by=None, size_by=None, density_csv=None, density_file=None, bandwidth_km=None, choropleth_text=None, choropleth_name=None, choropleth_file=None, column=None, categories=None, classes=None, method=None, palette=None, labels=None, layers=Vec::new(), base_map=None, source=None, graticule=None, inset=None, color_title=None, size_title=None, legend_title=None, lat=None, lon=None, skip_invalid=None))]
#[allow(clippy::too_many_arguments)]
fn render<'py>(
    py: Python<'py>,
    format: &str,
    spec: Option<PathBuf>,
    size: Option<String>,
    dpi: Option<f32>,
    extent: Option<String>,
    title: Option<String>,
    subtitle: Option<String>,
    points_csv: Option<String>,
    points_file: Option<String>,
    color_by: Option<String>,
    size_by: Option<String>,
    density_csv: Option<String>,
    density_file: Option<String>,
    bandwidth_km: Option<f64>,
    choropleth_text: Option<Vec<u8>>,
    choropleth_name: Option<String>,
    choropleth_file: Option<PathBuf>,
    column: Option<String>,
    categories: Option<bool>,
    classes: Option<usize>,
    method: Option<String>,
    palette: Option<String>,
    labels: Option<String>,
    layers: Vec<String>,
    base_map: Option<bool>,
    source: Option<String>,
    graticule: Option<bool>,
    inset: Option<bool>,
    color_title: Option<String>,
    size_title: Option<String>,
    legend_title: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    skip_invalid: Option<bool>,
) -> PyResult<(Bound<'py, PyBytes>, u64)> {
    guard(|| {
        let format =
            Format::from_name(format).map_err(|e| err(format!("format={format:?}: {e}")))?;
        if let Some(b) = bandwidth_km
            && !(b.is_finite() && b > 0.0)
        {
            return Err(err(format!("bandwidth_km={b}: give a distance above 0 km")));
        }
        let points = points_csv
            .map(Points::Csv)
            .or(points_file.map(Points::File));
        let density = density_csv
            .map(Points::Csv)
            .or(density_file.map(Points::File));
        let choropleth = match (choropleth_text, choropleth_file) {
            (Some(t), _) => Some(Areas::Text(
                t,
                choropleth_name.unwrap_or_else(|| "choropleth".into()),
            )),
            (None, Some(p)) => Some(Areas::File(p)),
            (None, None) => None,
        };
        let given = Given {
            spec,
            size,
            dpi,
            extent,
            title,
            subtitle,
            points,
            color_by,
            size_by,
            density,
            bandwidth_km,
            choropleth,
            column,
            categories,
            classes,
            method,
            palette,
            labels,
            layers,
            base_map,
            source,
            graticule,
            inset,
            color_title,
            size_title,
            legend_title,
            lat,
            lon,
            skip_invalid,
        };
        let (spec, rejected) = plan(given, format)?;
        let bytes = py
            .detach(|| frontier::render::render_to(&spec, format))
            .map_err(py_err)?;
        Ok((PyBytes::new(py, &bytes), rejected))
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render, m)?)?;
    Ok(())
}
