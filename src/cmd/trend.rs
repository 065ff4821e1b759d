//! `frontier trend`: events per period, per area or category, and whether
//! they changed at a date.

use super::CmdError;
use super::summarize::{close, date_arg, grouping, grouping_layer};
use frontier::Layer;
use frontier::ingest::PointSource;
use frontier::output::{TableFormat, write_table_exact};
use frontier::trend::{Grouping, Options, Period, trend};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point file: CSV (plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points, with dates; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    points: String,
    /// Period length.
    #[arg(long, value_parser = super::named::<Period>(), default_value = "month")]
    by: Period,
    /// One series per `district`, `province`, polygon layer (built-in name or GeoJSON file), or value of a column of the points (e.g. event_type).
    #[arg(long, value_name = "district|province|LAYER|COLUMN")]
    group: Option<String>,
    /// Column to sum beside the counts, e.g. fatalities.
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    /// Start of the window (default: the start of the first event's period).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    from: Option<chrono::NaiveDate>,
    /// End of the window (default: the end of the last event's period).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    to: Option<chrono::NaiveDate>,
    /// Test for a change at this date (e.g. 2021-08-15): rate ratio with exact interval and p-value, and a segmented quasi-Poisson regression. The output becomes one row per group (JSON: with the series).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    split: Option<chrono::NaiveDate>,
    /// Leave out points whose precision code (ACLED geo_precision, UCDP where_prec) is above N.
    #[arg(long, value_name = "N")]
    max_precision: Option<u32>,
    #[command(flatten)]
    reading: super::points::Reading,
    /// With --skip-invalid: write rejected rows to this CSV.
    #[arg(long, value_name = "FILE", requires = "skip_invalid")]
    rejects: Option<PathBuf>,
    /// Output format: csv, md or json.
    #[arg(long, value_parser = super::named::<TableFormat>(), default_value = "csv")]
    format: TableFormat,
    /// Output file (default, or `-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Say nothing on stderr unless something was left out.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let read = args.reading.options();
    let mut source = PointSource::open(&args.points, &read)?;
    let schema = source.schema().clone();
    // A column of the points, unless the name is a built-in grouping.
    let column = args.group.as_deref().filter(|g| {
        grouping_layer(g) == *g
            && frontier::ingest::named_column(
                "",
                &schema.columns,
                Some(g),
                frontier::error::Param::GroupColumn,
            )
            .is_ok()
    });
    let mut files = super::Files::default().input("POINTS", &args.points);
    if let (Some(g), None) = (&args.group, column) {
        files = files.layer("--group", grouping_layer(g));
    }
    files
        .main_output("-o", args.output.as_deref())
        .output("--rejects", args.rejects.as_deref())
        .check()?;
    let mut held: Option<Layer> = None;
    let by = match (&args.group, column) {
        (None, _) => Grouping::All,
        (Some(_), Some(c)) => Grouping::Column(c),
        (Some(g), None) => Grouping::Areas(grouping(g, &mut held)?),
    };
    let opts = Options {
        period: args.by,
        value: args.value.clone(),
        from: args.from,
        to: args.to,
        split: args.split,
        max_precision: args.max_precision,
    };
    let t = trend(&mut source, by, opts)?;
    let (cols, rows) = if t.split.is_some() {
        t.tests_table(args.format == TableFormat::Json)
    } else {
        t.series_table()
    };
    let mut out = super::Sink::open(args.output.as_deref())?;
    write_table_exact(&mut out, args.format, &cols, &rows)?;
    let counted = format!(
        "{} periods of a {}{}",
        t.spans.last().map_or(0, |s| s.t + 1),
        t.period.name(),
        t.key.as_ref().map_or(String::new(), |k| format!(
            ", {} groups by {k}",
            t.series.len()
        ))
    );
    close(
        out,
        &t.account,
        &schema,
        args.rejects.as_deref(),
        &counted,
        args.quiet,
    )?;
    let unfitted: Vec<String> = t
        .series
        .iter()
        .filter_map(|s| match s.test.as_ref().map(|x| &x.its) {
            Some(Err(why)) => Some(format!("{} ({why})", s.name)),
            _ => None,
        })
        .collect();
    if !unfitted.is_empty() && !args.quiet {
        let more = unfitted.len().saturating_sub(3);
        eprintln!(
            "frontier: no interrupted time series for {} of {} groups: {}{}",
            unfitted.len(),
            t.series.len(),
            unfitted[..unfitted.len().min(3)].join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
