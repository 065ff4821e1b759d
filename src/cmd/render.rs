//! `frontier render`: a thematic map as PNG, SVG or PDF.

use super::CmdError;
use frontier::ingest::{PointSource, ReadOptions};
use frontier::render::classify::Method;
use frontier::render::mapfile::MapFile;
use frontier::render::{
    Choropleth, Extent, Format, Labels, MapSpec, PageSize, PointDatum, PointsLayer, render_to,
};
use std::path::{Path, PathBuf};

pub(super) fn size_arg(s: &str) -> Result<(u32, u32), String> {
    let (a, b) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("{s:?}: give WIDTHxHEIGHT, e.g. 1600x1200"))?;
    let w = a
        .trim()
        .parse::<u32>()
        .map_err(|_| format!("{s:?}: width is not a number"))?;
    let h = b
        .trim()
        .parse::<u32>()
        .map_err(|_| format!("{s:?}: height is not a number"))?;
    // The range is the library's (checked again when drawing).
    frontier::render::check_size((w, h)).map_err(|e| e.render_with(&super::flag))?;
    Ok((w, h))
}

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// A map file (TOML) saying any of what the flags below say; flags given beside it win.
    #[arg(long, value_name = "MAP.toml")]
    pub spec: Option<PathBuf>,
    /// The map to write: .png, .svg or .pdf (`-`: a PNG on standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The file format, when the name's extension does not say it.
    #[arg(long, value_parser = super::named::<Format>())]
    pub format: Option<Format>,
    /// pakistan, kp, balochistan, waziristan, chaman, durand-line, cpec (or any layer), or bbox:minlon,minlat,maxlon,maxlat [default: pakistan].
    #[arg(long, value_parser = Extent::parse)]
    pub extent: Option<Extent>,
    /// Map size: pixels (1600x1200), or a print size in mm, cm or in (180x120mm). Line widths and type are in points, so a print size looks the same at any --dpi [default: 1600x1200].
    #[arg(long, value_parser = PageSize::parse, value_name = "WxH[mm|cm|in]")]
    pub size: Option<PageSize>,
    /// Resolution in dots per inch [default: 300 for print sizes, 72 for pixel sizes, where a point is a pixel].
    #[arg(long, value_name = "DPI")]
    pub dpi: Option<f32>,
    /// Title.
    #[arg(long)]
    pub title: Option<String>,
    /// Subtitle, under the title.
    #[arg(long)]
    pub subtitle: Option<String>,
    /// Points to draw (CSV, ACLED, UCDP, GeoJSON).
    #[arg(long, value_name = "FILE")]
    pub points: Option<String>,
    /// Colour points by this column (a legend lists the categories).
    #[arg(long, value_name = "COL")]
    pub color_by: Option<String>,
    /// Size points by this numeric column (area proportional).
    #[arg(long, value_name = "COL")]
    pub size_by: Option<String>,
    /// The colour legend's title [default: the column's name].
    #[arg(long, value_name = "TEXT")]
    pub color_title: Option<String>,
    /// The size legend's title [default: the column's name].
    #[arg(long, value_name = "TEXT")]
    pub size_title: Option<String>,
    /// Points to show as a kernel density surface (at pixel resolution; fast for millions).
    #[arg(long, value_name = "FILE")]
    pub density: Option<String>,
    /// The density kernel's bandwidth: a Gaussian's standard deviation on the ground (15km, 500m) [default: 15km].
    #[arg(long, value_parser = frontier::render::parse_bandwidth, value_name = "KM")]
    pub bandwidth: Option<f64>,
    /// A table from `frontier summarize` (first column district or province).
    #[arg(long, value_name = "SUMMARY.csv")]
    pub choropleth: Option<PathBuf>,
    /// The column of the table to map.
    #[arg(long, value_name = "COL")]
    pub column: Option<String>,
    /// Number of classes [default: 5].
    #[arg(long, value_parser = clap::value_parser!(u8).range(2..=9))]
    pub classes: Option<u8>,
    /// How class breaks are chosen [default: quantile].
    #[arg(long, value_parser = super::named::<Method>())]
    pub method: Option<Method>,
    /// Sequential palette: ylorrd, blues, greens, purples, viridis [default: ylorrd].
    #[arg(long)]
    pub palette: Option<String>,
    /// The choropleth legend's title [default: the column's name].
    #[arg(long, value_name = "TEXT")]
    pub legend_title: Option<String>,
    /// Extra layer (built-in name or GeoJSON file), optionally styled: NAME:color=#d95f02,width=2,fill=none. Repeatable; after the spec's layers.
    #[arg(long = "layer", value_name = "NAME[:STYLE]")]
    pub layers: Vec<String>,
    /// Labels to place (never overlapping; what does not fit is left out) [default: none].
    #[arg(long, value_parser = super::named::<Labels>())]
    pub labels: Option<Labels>,
    /// Meridians and parallels, labelled at the map's edges.
    #[arg(long)]
    pub graticule: bool,
    /// A locator inset: the map's extent on a small overview of Pakistan and Afghanistan.
    #[arg(long)]
    pub inset: bool,
    /// Leave out the built-in base map (neighbours, land, boundaries, names, CPEC, the Durand Line, crossings): only your layers, points, density and choropleth.
    #[arg(long)]
    pub no_base_map: bool,
    #[command(flatten)]
    pub reading: super::points::Reading,
}

/// Points read from a file, plus the credit line for the map; stderr says
/// what was left off or drawn small.
pub fn read_points(
    path: &str,
    opts: &ReadOptions,
    color_by: Option<&str>,
    size_by: Option<&str>,
) -> Result<(Vec<PointDatum>, String), CmdError> {
    let mut src = PointSource::open(path, opts)?;
    let read = PointsLayer::read(&mut src, color_by, size_by)?;
    if read.rejected > 0 {
        eprintln!(
            "frontier: {path}: {} unreadable rows left off the map",
            read.rejected
        );
    }
    if let (Some(c), true) = (size_by, read.odd_sizes > 0) {
        eprintln!(
            "frontier: {path}: {} points with an empty, non-finite or negative {c} drawn at the smallest size",
            read.odd_sizes
        );
    }
    Ok((read.points, read.credit))
}

/// Read a summary table for a choropleth; stderr counts the no-data rows.
pub fn read_choropleth(
    path: &Path,
    column: &str,
    classes: usize,
    method: Method,
    palette: &str,
) -> Result<Choropleth, CmdError> {
    let origin = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| frontier::Error::io(path, e))?;
    let (ch, no_data) = Choropleth::read(file, &origin, column, classes, method, palette)?;
    if no_data > 0 {
        eprintln!(
            "frontier: {origin}: {no_data} rows with an empty, NaN or infinite {column} shown as No data"
        );
    }
    Ok(ch)
}

/// A map to draw and where: the flags over the spec file over the defaults.
pub struct Plan {
    /// The map.
    pub spec: MapSpec,
    /// The file to write.
    pub output: PathBuf,
    /// Its format.
    pub format: Format,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let plan = plan(args)?;
    let bytes = render_to(&plan.spec, plan.format)?;
    super::write_whole(&plan.output, &bytes)
}

/// Merge the flags with the spec file (flags win) and read the inputs.
pub fn plan(args: Args) -> Result<Plan, CmdError> {
    let file = match &args.spec {
        Some(p) => MapFile::read(p)?,
        None => MapFile::default(),
    };
    let output = args.output.clone().or(file.output.clone()).ok_or_else(|| {
        CmdError::Usage("no output: give -o FILE (or output = \"...\" in the spec)".into())
    })?;
    let points = args
        .points
        .clone()
        .or(file.points.as_ref().map(|p| p.file.display().to_string()));
    let density = args
        .density
        .clone()
        .or(file.density.as_ref().map(|d| d.file.display().to_string()));
    let choropleth = args
        .choropleth
        .clone()
        .or(file.choropleth.as_ref().map(|c| c.file.clone()));
    let mut layers: Vec<String> = Vec::new();
    for (name, _) in &file.layers {
        layers.push(name.clone());
    }
    layers.extend(
        args.layers
            .iter()
            .map(|l| frontier::render::styled_layer_name(l).to_string()),
    );
    layers
        .iter()
        .fold(super::Files::default(), |f, l| f.layer("--layer", l))
        .input_opt("--spec", args.spec.as_deref())
        .input_opt("--points", points.as_deref())
        .input_opt("--density", density.as_deref())
        .input_opt("--choropleth", choropleth.as_deref())
        .output("-o", Some(&output))
        .check()?;
    let format = output_format(&output, args.format.or(file.format))?;
    let size = args
        .size
        .or(file.size)
        .unwrap_or(PageSize::Pixels(1600, 1200));
    let dpi = args.dpi.or(file.dpi).unwrap_or_else(|| size.default_dpi());
    if !frontier::render::DPIS.contains(&dpi) {
        return Err(CmdError::Usage(format!(
            "--dpi {dpi}: give {} to {} dots per inch",
            frontier::render::DPIS.start(),
            frontier::render::DPIS.end()
        )));
    }
    let pixels = size.pixels(dpi);
    frontier::render::check_size(pixels).map_err(|e| {
        CmdError::Usage(format!(
            "--size {}x{} pixels at {dpi} dpi: {}",
            pixels.0,
            pixels.1,
            e.render_with(&super::flag)
        ))
    })?;
    let fp = file.points.clone().unwrap_or_default();
    let color_by = args.color_by.clone().or(fp.color_by.clone());
    let size_by = args.size_by.clone().or(fp.size_by.clone());
    if points.is_none() && (color_by.is_some() || size_by.is_some()) {
        return Err(CmdError::Usage(
            "--color-by and --size-by need points: --points FILE (or [points] in the spec)".into(),
        ));
    }
    let fc = file.choropleth.clone();
    let column = args
        .column
        .clone()
        .or(fc.as_ref().map(|c| c.column.clone()));
    if choropleth.is_some() != column.is_some() {
        return Err(CmdError::Usage(
            "a choropleth needs both --choropleth SUMMARY.csv and --column COL".into(),
        ));
    }
    let bandwidth = args
        .bandwidth
        .or(file.density.as_ref().and_then(|d| d.bandwidth_km));
    if density.is_none() && bandwidth.is_some() {
        return Err(CmdError::Usage(
            "--bandwidth needs --density FILE (or [density] in the spec)".into(),
        ));
    }
    let palette = args
        .palette
        .clone()
        .or(fc.as_ref().and_then(|c| c.palette.clone()))
        .unwrap_or_else(|| "ylorrd".into());
    // Before any input is read (the map uses it only with a choropleth).
    frontier::render::classify::palette(&palette)?;
    let mut spec = MapSpec {
        size: pixels,
        dpi,
        type_scale: size.type_scale(),
        extent: args
            .extent
            .clone()
            .or(file.extent.clone())
            .unwrap_or(Extent::Named("pakistan".into())),
        title: args.title.clone().or(file.title.clone()),
        subtitle: args.subtitle.clone().or(file.subtitle.clone()),
        labels: args.labels.or(file.labels).unwrap_or(Labels::None),
        graticule: args.graticule || file.graticule.unwrap_or(false),
        inset: args.inset || file.inset.unwrap_or(false),
        base_map: !args.no_base_map && file.base_map.unwrap_or(true),
        sources: file.sources.clone(),
        ..Default::default()
    };
    // Reading: the flags, then the spec's [reading].
    let mut opts = args.reading.options();
    opts.lat = opts.lat.or(file.reading.lat.clone());
    opts.lon = opts.lon.or(file.reading.lon.clone());
    opts.delimiter = opts.delimiter.or(file.reading.delimiter);
    opts.skip_invalid |= file.reading.skip_invalid.unwrap_or(false);
    if let Some(p) = &points {
        let (pts, credit) = read_points(p, &opts, color_by.as_deref(), size_by.as_deref())?;
        spec.sources.push(credit);
        spec.points = Some(PointsLayer {
            points: pts,
            color_by: args
                .color_title
                .clone()
                .or(fp.color_title.clone())
                .or(color_by.clone())
                .filter(|_| color_by.is_some()),
            size_by: args
                .size_title
                .clone()
                .or(fp.size_title.clone())
                .or(size_by.clone())
                .filter(|_| size_by.is_some()),
        });
    }
    if let Some(p) = &density {
        let (pts, credit) = read_points(p, &opts, None, None)?;
        if !spec.sources.contains(&credit) {
            spec.sources.push(credit);
        }
        spec.density = Some(frontier::render::Density {
            points: pts.into_iter().map(|p| p.at).collect(),
            title: file
                .density
                .as_ref()
                .and_then(|d| d.title.clone())
                .unwrap_or_else(|| "Density".into()),
            bandwidth_km: bandwidth.unwrap_or(frontier::render::DEFAULT_BANDWIDTH_KM),
        });
    }
    if let (Some(c), Some(col)) = (&choropleth, &column) {
        let classes = args
            .classes
            .map(|k| k as usize)
            .or(fc.as_ref().and_then(|c| c.classes))
            .unwrap_or(5);
        let method = args
            .method
            .or(fc.as_ref().and_then(|c| c.method))
            .unwrap_or(Method::Quantile);
        let mut ch = read_choropleth(c, col, classes, method, &palette)?;
        if let Some(t) = args
            .legend_title
            .clone()
            .or(fc.as_ref().and_then(|c| c.title.clone()))
        {
            ch.title = t;
        }
        spec.choropleth = Some(ch);
    }
    for (name, style) in &file.layers {
        spec.layers
            .push((frontier::Catalogue::load(name)?, style.clone()));
    }
    for l in &args.layers {
        spec.layers.push(frontier::render::styled_layer(l)?);
    }
    Ok(Plan {
        spec,
        output,
        format,
    })
}

/// The format `--format` names, or the output's extension says (a PNG on
/// standard output); an error when neither says or they disagree.
fn output_format(output: &Path, flag: Option<Format>) -> Result<Format, CmdError> {
    use frontier::Named;
    let stdout = output.as_os_str() == "-";
    match (flag, Format::from_path(output)) {
        (Some(f), Some(e)) if f != e => Err(CmdError::Usage(format!(
            "-o {}: the name says {} but --format is {}",
            output.display(),
            e.name(),
            f.name()
        ))),
        (Some(f), _) => Ok(f),
        (None, Some(e)) => Ok(e),
        (None, None) if stdout => Ok(Format::Png),
        (None, None) => Err(CmdError::Usage(format!(
            "-o {}: name the file .png, .svg or .pdf, or give --format png|svg|pdf",
            output.display()
        ))),
    }
}
