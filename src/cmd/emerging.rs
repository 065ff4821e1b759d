//! `frontier emerging`: emerging hot spot analysis, Gi* on a space-time
//! cube of areas × periods, Mann–Kendall trends and ArcGIS's categories.

use super::CmdError;
use super::summarize::close;
use frontier::Layer;
use frontier::ingest::PointSource;
use frontier::output::{TableFormat, write_table_exact};
use frontier::spacetime::{EmergingOptions, emerging};
use frontier::trend::Period;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point file: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points, with dates; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    points: String,
    #[command(flatten)]
    areas: super::hotspots::AreaArgs,
    /// Period length (the cube's time step).
    #[arg(long, value_parser = super::named::<Period>(), default_value = "month")]
    period: Period,
    /// Earlier periods in each cell's neighbourhood (ArcGIS's time step interval count K).
    #[arg(long, default_value_t = 1, value_name = "K")]
    time_lags: usize,
    /// Sum this column (e.g. fatalities) instead of counting events.
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    #[command(flatten)]
    window: super::window::Window,
    #[command(flatten)]
    reading: super::points::Reading,
    #[command(flatten)]
    out: super::summarize::TableOut,
    /// Also write the areas with their category and trend as GeoJSON.
    #[arg(long, value_name = "FILE.geojson")]
    geojson: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let mut held: Option<Layer> = None;
    let areas = super::hotspots::checked_areas(
        &args.points,
        &args.areas.by,
        &args.out,
        args.geojson.as_deref(),
        &mut held,
    )?;
    let read = args.reading.options();
    let mut source = PointSource::open(&args.points, &read)?;
    let schema = source.schema().clone();
    let mut opts = EmergingOptions::default();
    opts.period = args.period;
    opts.weights = args.areas.weights;
    opts.time_lags = args.time_lags;
    opts.value = args.value.clone();
    opts.window = super::knox::no_split(args.window.window()?, "emerging")?;
    opts.date = args.window.date.clone();
    let e = emerging(&mut source, areas, opts)?;
    let geojson = match &args.geojson {
        Some(p) => {
            let mut s = super::Sink::file(p)?;
            serde_json::to_writer(&mut s, &e.features()).map_err(std::io::Error::from)?;
            Some(s)
        }
        None => None,
    };
    let mut out = super::Sink::open(args.out.output.as_deref())?;
    if args.out.format == TableFormat::Json {
        serde_json::to_writer_pretty(&mut out, &e.to_json()).map_err(std::io::Error::from)?;
        std::io::Write::write_all(&mut out, b"\n")?;
    } else {
        let (cols, rows) = e.table(false);
        write_table_exact(&mut out, args.out.format, &cols, &rows)?;
    }
    if let Some(g) = geojson {
        g.finish()?;
    }
    close(
        out,
        &e.account,
        &schema,
        args.out.rejects.as_deref(),
        &format!(
            "{} in no {}; {} areas × {} periods",
            e.outside,
            e.key,
            e.areas.len(),
            e.spans.len()
        ),
        args.out.quiet,
    )?;
    if !args.out.quiet && e.spans.len() < 10 {
        eprintln!(
            "frontier: note: {} periods; ArcGIS asks for at least 10 time steps before reading trends",
            e.spans.len()
        );
    }
    Ok(())
}
