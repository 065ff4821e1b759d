//! `frontier render`: a thematic map as PNG, SVG or PDF.

use super::CmdError;
use frontier::error::Param;
use frontier::ingest::{PointSource, ReadOptions};
use frontier::render::classify::Method;
use frontier::render::mapfile::{MapFile, Place};
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

/// `--size` as given, and what it says.
#[derive(Debug, Clone)]
pub struct SizeArg {
    text: String,
    size: PageSize,
}

impl SizeArg {
    fn parse(s: &str) -> Result<SizeArg, String> {
        Ok(SizeArg {
            text: s.trim().to_string(),
            size: PageSize::parse(s)?,
        })
    }
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
    #[arg(long, value_parser = SizeArg::parse, value_name = "WxH[mm|cm|in]")]
    pub size: Option<SizeArg>,
    /// Resolution in dots per inch [default: 300 for print sizes, 72 for pixel sizes, where a point is a pixel].
    #[arg(long, value_name = "DPI")]
    pub dpi: Option<f32>,
    /// Title.
    #[arg(long)]
    pub title: Option<String>,
    /// Subtitle, under the title.
    #[arg(long)]
    pub subtitle: Option<String>,
    /// Points to draw: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points.
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
    /// Points to show as a kernel density surface (at pixel resolution; fast for millions): CSV, GeoJSON or (Geo)Parquet points.
    #[arg(long, value_name = "FILE")]
    pub density: Option<String>,
    /// The density kernel's bandwidth: a Gaussian's standard deviation on the ground (15km, 500m, 10mi; a bare number is km) [default: 15km].
    #[arg(long, value_parser = frontier::render::parse_bandwidth, value_name = "DIST")]
    pub bandwidth: Option<f64>,
    /// A table from `frontier summarize` or `frontier hotspots` (first column district or province), or a GeoJSON file of polygons with the column among their properties (such as the hexagons of `hotspots --by hex:KM --geojson`).
    #[arg(long, value_name = "TABLE.csv|AREAS.geojson")]
    pub choropleth: Option<PathBuf>,
    /// The column of the table to map.
    #[arg(long, value_name = "COL")]
    pub column: Option<String>,
    /// Read the column as categories, numbers too (codes), one colour each; a column with text always is (emerging hot-spot categories and hot-spot classes in their own colours and order).
    #[arg(long)]
    pub categories: bool,
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

/// How a choropleth's column is classed.
pub enum Classing<'a> {
    /// Numbers in classes (text as categories).
    Numbers(usize, Method, &'a str),
    /// Categories, in this order first.
    Categories(&'a [String]),
}

/// Read a summary table for a choropleth; stderr counts the no-data rows.
pub fn read_choropleth(
    path: &Path,
    column: &str,
    classing: Classing,
) -> Result<Choropleth, CmdError> {
    let origin = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| frontier::Error::io(path, e))?;
    let (ch, no_data) = match classing {
        Classing::Numbers(classes, method, palette) => {
            Choropleth::read(file, &origin, column, classes, method, palette)?
        }
        Classing::Categories(order) => Choropleth::read_categories(file, &origin, column, order)?,
    };
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
    warn_of_size(&plan);
    let bytes = render_to(&plan.spec, plan.format)?;
    super::write_whole(&plan.output, &bytes)
}

/// On stderr, when an SVG or PDF will be large because of its points (each
/// is an element of its own): about how large, and that a density surface
/// draws them as one image.
fn warn_of_size(plan: &Plan) {
    let bytes = plan.spec.estimate_bytes(plan.format);
    if bytes < frontier::render::LARGE_FILE_BYTES {
        return;
    }
    let n = plan.spec.points.as_ref().map_or(0, |p| p.points.len());
    eprintln!(
        "frontier: {n} points drawn one by one make the {} about {} MB; --density FILE draws them as one surface (a small file), or write a PNG",
        frontier::Named::name(plan.format).to_uppercase(),
        bytes / 1_000_000
    );
}

/// Where a setting came from: a flag, or a line of the spec file; errors
/// name it as the user wrote it.
#[derive(Debug, Clone)]
enum Given {
    Flag(&'static str),
    Spec(Place),
}

impl Given {
    /// The setting `key` of the spec if it came from there (`flag` absent),
    /// else the flag.
    fn of(flag: &'static str, given: bool, file: &MapFile, key: &str) -> Given {
        match file.place(key) {
            Some(p) if !given => Given::Spec(p.clone()),
            _ => Given::Flag(flag),
        }
    }
}

impl std::fmt::Display for Given {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Given::Flag(flag) => f.write_str(flag),
            Given::Spec(p) => write!(f, "{p}"),
        }
    }
}

/// Merge the flags with the spec file (flags win) and read the inputs.
pub fn plan(args: Args) -> Result<Plan, CmdError> {
    let file = match &args.spec {
        Some(p) => MapFile::read(p)?,
        None => MapFile::default(),
    };
    let inputs = Inputs::of(&args, &file);
    let output = args.output.clone().or(file.output.clone()).ok_or_else(|| {
        CmdError::Usage("no output: give -o FILE (or output = \"...\" in the spec)".into())
    })?;
    check_files(&args, &file, &inputs, &output)?;
    let format = output_format(&output, args.format.or(file.format))?;
    let page = page(&args, &file, format)?;
    check_combinations(&args, &file, &inputs)?;
    let mut spec = settings(&args, &file, page)?;
    let opts = reading(&args, &file);
    add_points(&mut spec, &args, &file, &inputs, &opts)?;
    add_density(&mut spec, &args, &file, &inputs, &opts)?;
    add_choropleth(&mut spec, &args, &file, &inputs)?;
    add_layers(&mut spec, &args, &file)?;
    Ok(Plan {
        spec,
        output,
        format,
    })
}

/// The input files a map reads: the flags', else the spec's.
struct Inputs {
    points: Option<String>,
    density: Option<String>,
    choropleth: Option<PathBuf>,
}

impl Inputs {
    fn of(args: &Args, file: &MapFile) -> Inputs {
        Inputs {
            points: args
                .points
                .clone()
                .or(file.points.as_ref().map(|p| p.file.display().to_string())),
            density: args
                .density
                .clone()
                .or(file.density.as_ref().map(|d| d.file.display().to_string())),
            choropleth: args
                .choropleth
                .clone()
                .or(file.choropleth.as_ref().map(|c| c.file.clone())),
        }
    }
}

/// No output may be an input; each named as the user gave it.
fn check_files(
    args: &Args,
    file: &MapFile,
    inputs: &Inputs,
    output: &Path,
) -> Result<(), CmdError> {
    let name =
        |flag: &'static str, given: bool, key: &str| Given::of(flag, given, file, key).to_string();
    let mut layers: Vec<String> = file.layers.iter().map(|(n, _)| n.clone()).collect();
    layers.extend(
        args.layers
            .iter()
            .map(|l| frontier::render::styled_layer_name(l).to_string()),
    );
    layers
        .iter()
        .fold(super::Files::default(), |f, l| f.layer("--layer", l))
        .input_opt("--spec", args.spec.as_deref())
        .input_opt(
            &name("--points", args.points.is_some(), "points.file"),
            inputs.points.as_deref(),
        )
        .input_opt(
            &name("--density", args.density.is_some(), "density.file"),
            inputs.density.as_deref(),
        )
        .input_opt(
            &name("--choropleth", args.choropleth.is_some(), "choropleth.file"),
            inputs.choropleth.as_deref(),
        )
        .output(&name("-o", args.output.is_some(), "output"), Some(output))
        .check()?;
    Ok(())
}

/// The page: its pixels, resolution and type scale, checked for `format`;
/// a size that cannot be is refused naming what the user gave.
fn page(args: &Args, file: &MapFile, format: Format) -> Result<Page, CmdError> {
    let size = args.size.as_ref().map(|s| s.size).or(file.size);
    let size_from = Given::of("--size", args.size.is_some(), file, "size");
    let size_text = match (&args.size, file.place("size")) {
        (Some(s), _) => s.text.clone(),
        (None, Some(p)) => p.text.clone(),
        (None, None) => "1600x1200".into(),
    };
    let size = size.unwrap_or(PageSize::Pixels(1600, 1200));
    let dpi_from = Given::of("--dpi", args.dpi.is_some(), file, "dpi");
    let dpi = args.dpi.or(file.dpi).unwrap_or_else(|| size.default_dpi());
    if frontier::render::check_dpi(dpi).is_err() {
        return Err(CmdError::Usage(format!(
            "{dpi_from} {dpi}: give {} to {} dots per inch",
            frontier::render::DPIS.start(),
            frontier::render::DPIS.end()
        )));
    }
    let pixels = size.pixels(dpi);
    if frontier::render::check_page(pixels, dpi, format).is_err() {
        return Err(CmdError::Usage(size_message(
            &size_from, &size_text, size, pixels, dpi, format,
        )));
    }
    Ok(Page {
        pixels,
        dpi,
        type_scale: size.type_scale(),
    })
}

/// A page's pixels, resolution and type scale.
struct Page {
    pixels: (u32, u32),
    dpi: f32,
    type_scale: f32,
}

/// Why a size cannot be, in the user's words: what they gave and where,
/// what it comes to, and what would do.
fn size_message(
    from: &Given,
    text: &str,
    size: PageSize,
    (w, h): (u32, u32),
    dpi: f32,
    format: Format,
) -> String {
    use frontier::render::{MAX_VECTOR_INCHES, SIZES};
    let (lo, hi) = (*SIZES.start(), *SIZES.end());
    let vector = format != Format::Png;
    let head = match size {
        PageSize::Pixels(..) => format!("{from} {text}"),
        PageSize::Inches(..) => format!("{from} {text} is {w} x {h} pixels at {dpi} dpi"),
    };
    let short = w.min(h);
    let (wi, hi_in) = match size {
        PageSize::Inches(a, b) => (a, b),
        PageSize::Pixels(a, b) => (a as f64 / dpi as f64, b as f64 / dpi as f64),
    };
    if short < lo {
        return match size {
            PageSize::Pixels(..) => format!(
                "{head}: each side must be {lo} to {hi} pixels (for a print size give a unit: 180x120mm)"
            ),
            PageSize::Inches(..) => format!(
                "{head}, and a map needs at least {lo} pixels a side: give a larger size, or a higher --dpi (at least {} for {text})",
                (lo as f64 / wi.min(hi_in)).ceil()
            ),
        };
    }
    if vector {
        return format!(
            "{head}: an SVG or PDF page may be at most {MAX_VECTOR_INCHES} inches ({} mm) a side",
            MAX_VECTOR_INCHES * 25.4
        );
    }
    match size {
        PageSize::Pixels(..) => format!(
            "{head}: each side must be {lo} to {hi} pixels; for a larger map write SVG or PDF"
        ),
        PageSize::Inches(..) => format!(
            "{head}, and a PNG has at most {hi} pixels a side: give a lower --dpi (at most {} for {text}), or write SVG or PDF, which are drawn in points at any size",
            (hi as f64 / wi.max(hi_in)).floor()
        ),
    }
}

/// Settings that need another: points for their columns, both halves of
/// a choropleth, a density for its bandwidth.
fn check_combinations(args: &Args, file: &MapFile, inputs: &Inputs) -> Result<(), CmdError> {
    let fp = file.points.clone().unwrap_or_default();
    if inputs.points.is_none()
        && (args.color_by.is_some()
            || args.size_by.is_some()
            || fp.color_by.is_some()
            || fp.size_by.is_some())
    {
        return Err(CmdError::Usage(
            "--color-by and --size-by need points: --points FILE (or [points] in the spec)".into(),
        ));
    }
    let column = args.column.is_some() || file.choropleth.is_some();
    if inputs.choropleth.is_some() != column {
        return Err(CmdError::Usage(
            "a choropleth needs both --choropleth SUMMARY.csv and --column COL".into(),
        ));
    }
    if args.categories && inputs.choropleth.is_none() {
        return Err(CmdError::Usage(
            "--categories reads a choropleth's column: give --choropleth TABLE.csv --column COL"
                .into(),
        ));
    }
    let bandwidth = args.bandwidth.is_some()
        || file
            .density
            .as_ref()
            .is_some_and(|d| d.bandwidth_km.is_some());
    if inputs.density.is_none() && bandwidth {
        return Err(CmdError::Usage(
            "--bandwidth needs --density FILE (or [density] in the spec)".into(),
        ));
    }
    // Before any input is read (the map uses it only with a choropleth).
    frontier::render::classify::palette(&palette(args, file))?;
    Ok(())
}

/// The choropleth's palette: the flag's, the spec's, or YlOrRd.
fn palette(args: &Args, file: &MapFile) -> String {
    args.palette
        .clone()
        .or(file.choropleth.as_ref().and_then(|c| c.palette.clone()))
        .unwrap_or_else(|| "ylorrd".into())
}

/// The map's own settings (extent, titles, labels, what is drawn).
fn settings(args: &Args, file: &MapFile, page: Page) -> Result<MapSpec, CmdError> {
    let mut spec = MapSpec::default();
    spec.size = page.pixels;
    spec.dpi = page.dpi;
    spec.type_scale = page.type_scale;
    spec.extent = args
        .extent
        .clone()
        .or(file.extent.clone())
        .unwrap_or(Extent::Named("pakistan".into()));
    spec.title = args.title.clone().or(file.title.clone());
    spec.subtitle = args.subtitle.clone().or(file.subtitle.clone());
    spec.labels = args.labels.or(file.labels).unwrap_or(Labels::None);
    spec.graticule = args.graticule || file.graticule.unwrap_or(false);
    spec.inset = args.inset || file.inset.unwrap_or(false);
    spec.base_map = !args.no_base_map && file.base_map.unwrap_or(true);
    spec.sources = file.sources.clone();
    Ok(spec)
}

/// How point files are read: the flags, then the spec's `[reading]`.
fn reading(args: &Args, file: &MapFile) -> ReadOptions {
    let mut opts = args.reading.options();
    opts.lat = opts.lat.or(file.reading.lat.clone());
    opts.lon = opts.lon.or(file.reading.lon.clone());
    opts.delimiter = opts.delimiter.or(file.reading.delimiter);
    opts.skip_invalid |= file.reading.skip_invalid.unwrap_or(false);
    opts
}

/// A library error about a setting that came from the spec file, led by
/// the spec's file, line and key (`param` worded as that key); any other
/// error as usual.
fn from_spec(e: frontier::Error, param: Param, from: &Given) -> CmdError {
    let Given::Spec(place) = from else {
        return e.into();
    };
    let concerns = match &e {
        frontier::Error::MissingColumn { param: p, .. } => *p == param,
        frontier::Error::InvalidSetting { param: p, .. } => *p == param,
        _ => false,
    };
    if !concerns {
        return e.into();
    }
    let key = place.key;
    let words = e.render_with(&|p| if p == param { key } else { super::flag(p) });
    CmdError::Usage(format!("{}:{}: {words}", place.origin, place.line))
}

/// The points, coloured and sized as asked.
fn add_points(
    spec: &mut MapSpec,
    args: &Args,
    file: &MapFile,
    inputs: &Inputs,
    opts: &ReadOptions,
) -> Result<(), CmdError> {
    let Some(p) = &inputs.points else {
        return Ok(());
    };
    let fp = file.points.clone().unwrap_or_default();
    let color_by = args.color_by.clone().or(fp.color_by.clone());
    let size_by = args.size_by.clone().or(fp.size_by.clone());
    let color_from = Given::of(
        "--color-by",
        args.color_by.is_some(),
        file,
        "points.color_by",
    );
    let size_from = Given::of("--size-by", args.size_by.is_some(), file, "points.size_by");
    let (pts, credit) =
        read_points(p, opts, color_by.as_deref(), size_by.as_deref()).map_err(|e| match e {
            CmdError::Lib(e) => match &e {
                frontier::Error::MissingColumn {
                    param: Param::SizeBy,
                    ..
                } => from_spec(e, Param::SizeBy, &size_from),
                _ => from_spec(e, Param::ColorBy, &color_from),
            },
            other => other,
        })?;
    spec.sources.push(credit);
    spec.points = Some(PointsLayer::titled(
        pts,
        color_by.as_deref(),
        args.color_title.clone().or(fp.color_title.clone()),
        size_by.as_deref(),
        args.size_title.clone().or(fp.size_title.clone()),
    ));
    Ok(())
}

/// The density surface's points.
fn add_density(
    spec: &mut MapSpec,
    args: &Args,
    file: &MapFile,
    inputs: &Inputs,
    opts: &ReadOptions,
) -> Result<(), CmdError> {
    let Some(p) = &inputs.density else {
        return Ok(());
    };
    let (pts, credit) = read_points(p, opts, None, None)?;
    if !spec.sources.contains(&credit) {
        spec.sources.push(credit);
    }
    let fd = file.density.as_ref();
    spec.density = Some(frontier::render::Density {
        points: pts.into_iter().map(|p| p.at).collect(),
        title: fd
            .and_then(|d| d.title.clone())
            .unwrap_or_else(|| "Density".into()),
        bandwidth_km: args
            .bandwidth
            .or(fd.and_then(|d| d.bandwidth_km))
            .unwrap_or(frontier::render::DEFAULT_BANDWIDTH_KM),
    });
    Ok(())
}

/// The choropleth's table, classed as asked.
fn add_choropleth(
    spec: &mut MapSpec,
    args: &Args,
    file: &MapFile,
    inputs: &Inputs,
) -> Result<(), CmdError> {
    let fc = file.choropleth.as_ref();
    let column = args.column.clone().or(fc.map(|c| c.column.clone()));
    let (Some(c), Some(col)) = (&inputs.choropleth, &column) else {
        return Ok(());
    };
    let classes = args
        .classes
        .map(|k| k as usize)
        .or(fc.and_then(|c| c.classes))
        .unwrap_or(5);
    let method = args
        .method
        .or(fc.and_then(|c| c.method))
        .unwrap_or(Method::Quantile);
    let column_from = Given::of("--column", args.column.is_some(), file, "choropleth.column");
    let palette = palette(args, file);
    let order = fc.map(|c| c.order.clone()).unwrap_or_default();
    let classing = if args.categories || fc.and_then(|c| c.categories).unwrap_or(false) {
        Classing::Categories(&order)
    } else {
        Classing::Numbers(classes, method, &palette)
    };
    let mut ch = read_choropleth(c, col, classing).map_err(|e| match e {
        CmdError::Lib(e) => from_spec(e, Param::MapColumn, &column_from),
        other => other,
    })?;
    if let Some(t) = args
        .legend_title
        .clone()
        .or(fc.and_then(|c| c.title.clone()))
    {
        ch.title = t;
    }
    spec.choropleth = Some(ch);
    Ok(())
}

/// The spec's layers, then the flags'.
fn add_layers(spec: &mut MapSpec, args: &Args, file: &MapFile) -> Result<(), CmdError> {
    for (name, style) in &file.layers {
        spec.layers
            .push((frontier::Catalogue::load(name)?, style.clone()));
    }
    for l in &args.layers {
        spec.layers.push(frontier::render::styled_layer(l)?);
    }
    Ok(())
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
