//! `frontier render`: a thematic map as PNG, SVG or PDF.

use super::CmdError;
use frontier::ingest::{PointSource, ReadOptions};
use frontier::render::classify::Method;
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

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The map to write: .png, .svg or .pdf (`-`: a PNG on standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// The file format, when the name's extension does not say it.
    #[arg(long, value_parser = super::named::<Format>())]
    pub format: Option<Format>,
    /// pakistan, kp, balochistan, waziristan, chaman, durand-line, cpec (or any layer), or bbox:minlon,minlat,maxlon,maxlat.
    #[arg(long, default_value = "pakistan", value_parser = Extent::parse)]
    pub extent: Extent,
    /// Map size: pixels (1600x1200), or a print size in mm, cm or in (180x120mm). Line widths and type are in points, so a print size looks the same at any --dpi.
    #[arg(long, default_value = "1600x1200", value_parser = PageSize::parse, value_name = "WxH[mm|cm|in]")]
    pub size: PageSize,
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
    #[arg(long, value_name = "COL", requires = "points")]
    pub color_by: Option<String>,
    /// Size points by this numeric column (area proportional).
    #[arg(long, value_name = "COL", requires = "points")]
    pub size_by: Option<String>,
    /// Points to show as a kernel density surface (at pixel resolution; fast for millions).
    #[arg(long, value_name = "FILE")]
    pub density: Option<String>,
    /// The density kernel's bandwidth: a Gaussian's standard deviation on the ground (15km, 500m).
    #[arg(long, value_parser = frontier::render::parse_bandwidth, value_name = "KM", default_value = "15km", requires = "density")]
    pub bandwidth: f64,
    /// A table from `frontier summarize` (first column district or province).
    #[arg(long, value_name = "SUMMARY.csv", requires = "column")]
    pub choropleth: Option<PathBuf>,
    /// The column of the table to map.
    #[arg(long, value_name = "COL")]
    pub column: Option<String>,
    /// Number of classes.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(2..=9))]
    pub classes: u8,
    /// How class breaks are chosen.
    #[arg(long, value_parser = super::named::<Method>(), default_value = "quantile")]
    pub method: Method,
    /// Sequential palette: ylorrd, blues, greens, purples, viridis.
    #[arg(long, default_value = "ylorrd")]
    pub palette: String,
    /// Extra layer (built-in name or GeoJSON file), optionally styled: NAME:color=#d95f02,width=2,fill=none. Repeatable.
    #[arg(long = "layer", value_name = "NAME[:STYLE]")]
    pub layers: Vec<String>,
    /// Labels to place (never overlapping; what does not fit is left out).
    #[arg(long, value_parser = super::named::<Labels>(), default_value = "none")]
    pub labels: Labels,
    /// Meridians and parallels, labelled at the map's edges.
    #[arg(long)]
    pub graticule: bool,
    /// A locator inset: the map's extent on a small overview of Pakistan and Afghanistan.
    #[arg(long)]
    pub inset: bool,
    /// Leave out the built-in base map (neighbours, land, boundaries, CPEC, the Durand Line, crossings): only your layers, points, density and choropleth.
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

pub fn run(args: Args) -> Result<(), CmdError> {
    args.layers
        .iter()
        .fold(super::Files::default(), |f, l| {
            f.layer("--layer", frontier::render::styled_layer_name(l))
        })
        .input_opt("--points", args.points.as_deref())
        .input_opt("--density", args.density.as_deref())
        .input_opt("--choropleth", args.choropleth.as_deref())
        .output("-o", Some(&args.output))
        .check()?;
    let format = output_format(&args.output, args.format)?;
    let dpi = args.dpi.unwrap_or_else(|| args.size.default_dpi());
    if !frontier::render::DPIS.contains(&dpi) {
        return Err(CmdError::Usage(format!(
            "--dpi {dpi}: give {} to {} dots per inch",
            frontier::render::DPIS.start(),
            frontier::render::DPIS.end()
        )));
    }
    let size = args.size.pixels(dpi);
    frontier::render::check_size(size).map_err(|e| {
        CmdError::Usage(format!(
            "--size {}x{} pixels at {dpi} dpi: {}",
            size.0,
            size.1,
            e.render_with(&super::flag)
        ))
    })?;
    let opts = args.reading.options();
    let mut spec = MapSpec {
        size,
        dpi,
        extent: args.extent.clone(),
        title: args.title.clone(),
        subtitle: args.subtitle.clone(),
        labels: args.labels,
        graticule: args.graticule,
        inset: args.inset,
        base_map: !args.no_base_map,
        ..Default::default()
    };
    // Before any input is read (the map uses it only with a choropleth).
    frontier::render::classify::palette(&args.palette)?;
    if let Some(p) = &args.points {
        let (pts, credit) =
            read_points(p, &opts, args.color_by.as_deref(), args.size_by.as_deref())?;
        spec.sources.push(credit);
        spec.points = Some(PointsLayer {
            points: pts,
            color_by: args.color_by.clone(),
            size_by: args.size_by.clone(),
        });
    }
    if let Some(p) = &args.density {
        let (pts, credit) = read_points(p, &opts, None, None)?;
        if !spec.sources.contains(&credit) {
            spec.sources.push(credit);
        }
        spec.density = Some(frontier::render::Density {
            points: pts.into_iter().map(|p| p.at).collect(),
            title: "Density".into(),
            bandwidth_km: args.bandwidth,
        });
    }
    if let (Some(c), Some(col)) = (&args.choropleth, &args.column) {
        spec.choropleth = Some(read_choropleth(
            c,
            col,
            args.classes as usize,
            args.method,
            &args.palette,
        )?);
    }
    for l in &args.layers {
        spec.layers.push(frontier::render::styled_layer(l)?);
    }
    let bytes = render_to(&spec, format)?;
    super::write_whole(&args.output, &bytes)
}

/// The format `--format` names, or the output's extension says (a PNG on
/// standard output); an error when neither says or they disagree.
fn output_format(output: &Path, flag: Option<Format>) -> Result<Format, CmdError> {
    use frontier::Named;
    let name = |f: Format| {
        Format::ALL
            .iter()
            .find(|(_, v)| *v == f)
            .map_or("?", |(n, _)| *n)
    };
    let stdout = output.as_os_str() == "-";
    match (flag, Format::from_path(output)) {
        (Some(f), Some(e)) if f != e => Err(CmdError::Usage(format!(
            "-o {}: the name says {} but --format is {}",
            output.display(),
            name(e),
            name(f)
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
