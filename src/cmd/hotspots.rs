//! `frontier hotspots`: Getis–Ord Gi* hot and cold spots per area, and
//! Moran's I, before and after a date if asked.

use super::CmdError;
use super::summarize::{close, grouping, grouping_layer};
use frontier::Layer;
use frontier::hotspots::{Analysis, Areas, Options, Weights, hotspots};
use frontier::ingest::PointSource;
use frontier::output::{TableFormat, write_table_exact};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point file: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    points: String,
    #[command(flatten)]
    areas: AreaArgs,
    /// Sum this column (e.g. fatalities) instead of counting events.
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    /// Conditional permutations for the pseudo p-value gi_p_sim (0: none).
    #[arg(long, default_value_t = 999, value_name = "N")]
    permutations: usize,
    /// Seed of the permutations (the same seed gives the same gi_p_sim).
    #[arg(long, default_value_t = 12345, value_name = "N")]
    seed: u64,
    #[command(flatten)]
    window: super::window::Window,
    #[command(flatten)]
    reading: super::points::Reading,
    #[command(flatten)]
    out: super::summarize::TableOut,
    /// Also write the areas (polygons or hexagons) with the results as GeoJSON, for a GIS.
    #[arg(long, value_name = "FILE.geojson")]
    geojson: Option<PathBuf>,
}

/// The areas of a command over areas (`hotspots`, `emerging`) and their
/// neighbours: one set of flags, one help text.
#[derive(Debug, clap::Args)]
pub(super) struct AreaArgs {
    /// The areas: `district`, `province`, any polygon layer (built-in name or GeoJSON file), or `hex:D`, equal-area hexagons with edges of D (e.g. hex:10, hex:10km, hex:5mi; a bare number is km) over the points' extent.
    #[arg(
        long,
        default_value = "district",
        value_name = "district|province|LAYER|hex:D"
    )]
    pub by: String,
    /// Neighbours: `queen` (a shared boundary point), `rook` (a shared edge), `knn:K` (the K nearest centres), `distance:D` (centres within D, e.g. distance:50km; a bare number is km); distances are geodesic.
    #[arg(
        long,
        default_value = "queen",
        value_name = "queen|rook|knn:K|distance:D"
    )]
    pub weights: Weights,
}

/// The hexagons' edge in km, if `by` is `hex:D` (`hex:10`, `hex:10km`,
/// `hex:5mi`: the distance rule of every flag, a bare number is km).
pub(super) fn hex_km(by: &str) -> Option<Result<f64, CmdError>> {
    let d = by.strip_prefix("hex:")?;
    Some(
        frontier::units::parse_distance(d)
            .ok()
            .filter(|m| *m > 0.0)
            .map(|m| m / 1000.0)
            .ok_or_else(|| {
                CmdError::Usage(format!(
                    "--by {by}: give the hexagons' edge, e.g. hex:10 (km), hex:10km or hex:5mi"
                ))
            }),
    )
}

/// The outputs of a command over areas (`hotspots`, `emerging`) checked
/// against its inputs, then the areas `--by` names: hexagons (`hex:D`), or
/// a polygon layer read into `held`.
pub(super) fn checked_areas<'a>(
    points: &str,
    by: &str,
    out: &super::summarize::TableOut,
    geojson: Option<&std::path::Path>,
    held: &'a mut Option<Layer>,
) -> Result<Areas<'a>, CmdError> {
    let hex = hex_km(by).transpose()?;
    let mut files = super::Files::default().input("POINTS", points);
    if hex.is_none() {
        files = files.layer("--by", grouping_layer(by));
    }
    files
        .main_output("-o", out.output.as_deref())
        .output("--rejects", out.rejects.as_deref())
        .output("--geojson", geojson)
        .check()?;
    Ok(match hex {
        Some(km) => Areas::Hex(km),
        None => Areas::Polygons(grouping("--by", by, held)?),
    })
}

fn moran_line(h: &frontier::hotspots::Hotspots, label: &str, a: &Analysis) -> String {
    match &a.moran {
        Some(m) => format!(
            "Moran's I{label} = {:.4} (expected {:.4}), z = {:.2}, p = {:.3e} under randomisation",
            m.i, m.expected, m.z, m.p
        ),
        None => format!("Moran's I{label}: undefined ({})", h.moran_undefined(a)),
    }
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let mut held: Option<Layer> = None;
    let areas = checked_areas(
        &args.points,
        &args.areas.by,
        &args.out,
        args.geojson.as_deref(),
        &mut held,
    )?;
    let read = args.reading.options();
    let mut source = PointSource::open(&args.points, &read)?;
    let schema = source.schema().clone();
    let mut opts = Options::default();
    opts.weights = args.areas.weights;
    opts.value = args.value.clone();
    opts.window = args.window.window()?;
    opts.date = args.window.date.clone();
    opts.permutations = args.permutations;
    opts.seed = args.seed;
    let h = hotspots(&mut source, areas, opts)?;
    let (cols, rows) = h.table();
    let geojson = match &args.geojson {
        Some(p) => {
            let mut s = super::Sink::file(p)?;
            h.write_features(&rows, &mut s)?;
            Some(s)
        }
        None => None,
    };
    let mut out = super::Sink::open(args.out.output.as_deref())?;
    if args.out.format == TableFormat::Json {
        serde_json::to_writer_pretty(&mut out, &h.to_json(rows)).map_err(std::io::Error::other)?;
        std::io::Write::write_all(&mut out, b"\n")?;
    } else {
        write_table_exact(&mut out, args.out.format, &cols, &rows)?;
    }
    if let Some(g) = geojson {
        g.finish()?;
    }
    close(
        out,
        &h.account,
        &schema,
        args.out.rejects.as_deref(),
        &format!("{} in no {}", h.outside, h.key),
        args.out.quiet,
    )?;
    if !args.out.quiet {
        let lines = match (&h.whole, &h.split) {
            (Some(w), _) => vec![moran_line(&h, "", w)],
            (_, Some((_, b, a))) => vec![moran_line(&h, " before", b), moran_line(&h, " after", a)],
            _ => vec![],
        };
        for l in lines {
            eprintln!("frontier: {l} ({} weights, row-standardised)", h.weights);
        }
        let islands = h.neighbours.iter().filter(|n| n.is_empty()).count();
        if islands > 0 {
            eprintln!(
                "frontier: note: {islands} area(s) have no neighbours by {} weights: their Gi* is their own value alone",
                h.weights
            );
        }
    }
    Ok(())
}
