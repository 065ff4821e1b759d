//! `frontier render`: a thematic map as PNG.

use super::CmdError;
use frontier::ingest::{PointSource, ReadOptions};
use frontier::render::classify::Method;
use frontier::render::{Choropleth, Extent, Labels, MapSpec, PointDatum, PointsLayer, render};
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
    /// The PNG to write (`-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// pakistan, kp, balochistan, waziristan, chaman, durand-line, cpec (or any layer), or bbox:minlon,minlat,maxlon,maxlat.
    #[arg(long, default_value = "pakistan", value_parser = Extent::parse)]
    pub extent: Extent,
    /// Image size.
    #[arg(long, default_value = "1600x1200", value_parser = size_arg, value_name = "WxH")]
    pub size: (u32, u32),
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
    /// Points to show as a density surface (binned; fast for millions).
    #[arg(long, value_name = "FILE")]
    pub density: Option<String>,
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
    let opts = args.reading.options();
    let mut spec = MapSpec {
        size: args.size,
        extent: args.extent.clone(),
        title: args.title.clone(),
        subtitle: args.subtitle.clone(),
        labels: args.labels,
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
        spec.density = Some((pts.into_iter().map(|p| p.at).collect(), "Density".into()));
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
    let map = render(&spec)?;
    let png = map
        .pixmap
        .encode_png()
        .map_err(|e| CmdError::Usage(format!("encoding PNG: {e}")))?;
    super::write_whole(&args.output, &png)
}
