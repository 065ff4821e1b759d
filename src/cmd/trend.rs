//! `frontier trend`: events per period, per area or category, and whether
//! they changed at a date.

use super::CmdError;
use super::summarize::{close, grouping, grouping_layer};
use frontier::Layer;
use frontier::ingest::PointSource;
use frontier::output::{TableFormat, write_table_exact};
use frontier::trend::{Grouping, Options, Period, trend};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point file: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points, with dates; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    points: String,
    /// Period length (default: month).
    #[arg(long, value_parser = super::named::<Period>())]
    period: Option<Period>,
    /// One series per `district`, `province`, polygon layer (built-in name or GeoJSON file), or value of a column of the points (e.g. event_type).
    #[arg(long, value_name = "district|province|LAYER|COLUMN")]
    by: Option<String>,
    /// The old spelling of --by (a period given to --by, as once written, is read as --period).
    #[arg(long, hide = true, value_name = "GROUPS")]
    group: Option<String>,
    /// Column to sum beside the counts, e.g. fatalities.
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    #[command(flatten)]
    window: super::window::Window,
    #[command(flatten)]
    reading: super::points::Reading,
    #[command(flatten)]
    out: super::summarize::TableOut,
    /// Also draw the series as a chart (PNG): bars per period, the split and the fitted segments marked; small multiples when grouped (the 12 groups with the most events).
    #[arg(long, value_name = "FILE.png")]
    chart: Option<PathBuf>,
    /// The chart's size in pixels.
    #[arg(long, default_value = "1600x1000", value_parser = super::render::size_arg, value_name = "WxH")]
    chart_size: (u32, u32),
    /// The groups to chart, in this order (default: those with events, at most 12).
    #[arg(
        long,
        value_name = "NAME,NAME,...",
        value_delimiter = ',',
        requires = "chart"
    )]
    chart_groups: Vec<String>,
    /// The chart's title (default: what is counted, per what period, by what).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
}

impl Args {
    /// The period and the grouping, from the flags as written today or
    /// before (`--by week` once meant the period, `--group` the groups).
    fn period_and_groups(&self) -> Result<(Period, Option<String>), CmdError> {
        let by_period = self
            .by
            .as_deref()
            .and_then(|b| <Period as frontier::Named>::from_name(b).ok());
        match (self.period, by_period, &self.by, &self.group) {
            (_, _, Some(b), Some(g)) if by_period.is_none() => Err(CmdError::Usage(format!(
                "--by {b} and --group {g}: give the groups once, with --by"
            ))),
            (Some(p), Some(_), Some(b), _) => Err(CmdError::Usage(format!(
                "--period {} and --by {b}: --by names the groups (district, province, a layer or a column); the period is --period",
                p.name()
            ))),
            (None, Some(p), Some(b), g) => {
                if !self.out.quiet {
                    eprintln!(
                        "frontier: note: --by {b} is read as --period {b}; trend's --by names the groups, as in summarize"
                    );
                }
                Ok((p, g.clone()))
            }
            (p, _, b, g) => Ok((p.unwrap_or(Period::Month), b.clone().or_else(|| g.clone()))),
        }
    }
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let (period, groups) = args.period_and_groups()?;
    let read = args.reading.options();
    let mut source = PointSource::open(&args.points, &read)?;
    let schema = source.schema().clone();
    // A column of the points, unless the name is a built-in grouping.
    let column = groups.as_deref().filter(|g| {
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
    if let (Some(g), None) = (&groups, column) {
        files = files.layer("--by", grouping_layer(g));
    }
    files
        .main_output("-o", args.out.output.as_deref())
        .output("--rejects", args.out.rejects.as_deref())
        .output("--chart", args.chart.as_deref())
        .check()?;
    let mut held: Option<Layer> = None;
    let by = match (&groups, column) {
        (None, _) => Grouping::All,
        (Some(_), Some(c)) => Grouping::Column(c),
        (Some(g), None) => Grouping::Areas(grouping("--by", g, &mut held)?),
    };
    let mut opts = Options::default();
    opts.period = period;
    opts.value = args.value.clone();
    opts.window = args.window.window()?;
    opts.date = args.window.date.clone();
    let t = trend(&mut source, by, opts)?;
    let (cols, rows) = if t.split.is_some() {
        t.tests_table(args.out.format == TableFormat::Json)
    } else {
        t.series_table()
    };
    if let Some(path) = &args.chart {
        draw_chart(&t, &args, path)?;
    }
    let mut out = super::Sink::open(args.out.output.as_deref())?;
    write_table_exact(&mut out, args.out.format, &cols, &rows)?;
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
        args.out.rejects.as_deref(),
        &counted,
        args.out.quiet,
    )?;
    let unfitted: Vec<String> = t
        .series
        .iter()
        .filter_map(|s| match s.test.as_ref().map(|x| &x.its) {
            Some(Err(why)) => Some(format!("{} ({why})", s.name)),
            _ => None,
        })
        .collect();
    if !unfitted.is_empty() && !args.out.quiet {
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

/// The chart of the series (at most 12 panels: the groups with the most
/// events).
fn draw_chart(
    t: &frontier::trend::Trend,
    args: &Args,
    path: &std::path::Path,
) -> Result<(), CmdError> {
    use frontier::render::chart::{ChartSpec, chart};
    for g in &args.chart_groups {
        if !t.series.iter().any(|s| &s.name == g) {
            return Err(CmdError::Usage(format!(
                "--chart-groups: no group {g:?} (groups: {})",
                t.series
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let source = if args.points == "-" {
        "standard input".to_string()
    } else {
        std::path::Path::new(&args.points)
            .file_name()
            .map_or(args.points.clone(), |f| f.to_string_lossy().into_owned())
    };
    let spec = ChartSpec::of_trend(
        t,
        args.chart_size,
        &args.chart_groups,
        args.title.clone(),
        source,
    );
    let pm = chart(&spec)?;
    let png = pm
        .encode_png()
        .map_err(|e| CmdError::Usage(format!("encoding PNG: {e}")))?;
    super::write_whole(path, &png)
}
