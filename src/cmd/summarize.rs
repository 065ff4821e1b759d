//! `frontier summarize`: one table per question, per district, province or
//! any polygon layer.

use super::CmdError;
use frontier::ingest::PointSource;
use frontier::output::{TableFormat, write_table};
use frontier::summary::{Grouping, Join, Options, summarize};
use frontier::{Catalogue, Layer};
use std::path::PathBuf;

/// Band edges in km (a newtype so clap takes the list as one value).
#[derive(Debug, Clone)]
struct Bands(Vec<f64>);

fn bands_arg(s: &str) -> Result<Bands, String> {
    let v: Vec<f64> = frontier::units::parse_distances(s)?
        .into_iter()
        .map(|m| m / 1000.0)
        .collect();
    if v.first() != Some(&0.0) {
        return Err("band edges must start at 0 (e.g. 0,10,25,50,100)".into());
    }
    if v.windows(2).any(|w| w[1] <= w[0]) || v.iter().any(|x| !x.is_finite()) {
        return Err("band edges must increase (e.g. 0,10,25,50,100)".into());
    }
    Ok(Bands(v))
}

/// Where a table command writes: the table, the rejects, the account.
#[derive(Debug, clap::Args)]
pub struct TableOut {
    /// With --skip-invalid: write rejected rows to this CSV.
    #[arg(long, value_name = "FILE", requires = "skip_invalid")]
    pub rejects: Option<PathBuf>,
    /// Output format: csv (for R and pandas), md (a Markdown table for reports), json.
    #[arg(long, value_parser = super::named::<TableFormat>(), default_value = "csv")]
    pub format: TableFormat,
    /// Output file (default, or `-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Say nothing on stderr unless something was left out.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point file: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    points: String,
    /// Group by `district`, `province`, or any polygon layer (built-in name or GeoJSON file).
    #[arg(
        long,
        default_value = "district",
        value_name = "district|province|LAYER"
    )]
    by: String,
    /// Column to sum, e.g. fatalities.
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    /// Column to sum as a weight, e.g. individuals.
    #[arg(long, value_name = "COL")]
    weight: Option<String>,
    /// Distance band edges, e.g. 0,10,25,50,100 (km) or 0,500,1000m.
    #[arg(long, value_parser = bands_arg, value_name = "D,D,...")]
    bands: Option<Bands>,
    /// The layer the bands measure to.
    #[arg(
        long = "target",
        default_value = "durand-line",
        value_name = "LAYER",
        alias = "from-layer"
    )]
    from_layer: String,
    /// A CSV of your own figures per group (e.g. refugees by district) to sum and rate the same way.
    #[arg(long, value_name = "CSV", requires = "on")]
    join: Option<String>,
    /// The column of --join that names the groups.
    #[arg(long, value_name = "COL")]
    on: Option<String>,
    #[command(flatten)]
    window: super::window::Window,
    #[command(flatten)]
    reading: super::points::Reading,
    #[command(flatten)]
    out: super::summarize::TableOut,
}

/// The layer `--by` names: a built-in or a file.
pub(super) fn grouping_layer(by: &str) -> &str {
    match by {
        "district" | "districts" => "districts",
        "province" | "provinces" => "provinces",
        other => other,
    }
}

/// The grouping that `flag` (`--by`, `--group`) names; a layer file is
/// read into `held`.
pub(super) fn grouping<'a>(
    flag: &str,
    by: &str,
    held: &'a mut Option<Layer>,
) -> Result<Grouping<'a>, CmdError> {
    let g = match by {
        "district" | "districts" => Grouping::Districts,
        "province" | "provinces" => Grouping::Provinces,
        other => Grouping::Layer(held.insert(Catalogue::load(other)?)),
    };
    let layer = g.resolve()?.0;
    layer.require_polygons().map_err(|e| match e {
        frontier::Error::NoPolygons { found, .. } => {
            CmdError::Usage(format!("{flag} {by}: the layer has no polygons ({found})"))
        }
        e => e.into(),
    })?;
    warn_shared_names(flag, by, &layer.labels());
    Ok(g)
}

/// Say on stderr when features of a grouping layer share a name: each is
/// still a group of its own, so the table has rows of one name.
fn warn_shared_names(flag: &str, by: &str, labels: &[String]) {
    let mut seen: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, l) in labels.iter().enumerate() {
        seen.entry(l.as_str()).or_default().push(i + 1);
    }
    let mut shared: Vec<(&str, Vec<usize>)> =
        seen.into_iter().filter(|(_, v)| v.len() > 1).collect();
    shared.sort_by_key(|(_, v)| v[0]);
    for (name, features) in shared.iter().take(5) {
        let list: Vec<String> = features.iter().map(usize::to_string).collect();
        eprintln!(
            "frontier: note: {flag} {by}: features {} are all named {name:?}: each is a group of its own, so the table has {} rows of that name (give them distinct names to tell them apart)",
            list.join(", "),
            features.len()
        );
    }
    if shared.len() > 5 {
        eprintln!(
            "frontier: note: {flag} {by}: {} more names are shared by several features",
            shared.len() - 5
        );
    }
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let mut files = super::Files::default()
        .input("POINTS", &args.points)
        .layer("--by", grouping_layer(&args.by))
        .input_opt("--join", args.join.as_deref());
    if args.bands.is_some() {
        files = files.layer("--target", &args.from_layer);
    }
    files
        .main_output("-o", args.out.output.as_deref())
        .output("--rejects", args.out.rejects.as_deref())
        .check()?;
    let mut held = None;
    let by = grouping("--by", &args.by, &mut held)?;
    let bands = match &args.bands {
        Some(edges) => Some((edges.0.clone(), Catalogue::load(&args.from_layer)?)),
        None => None,
    };
    let join = match (&args.join, &args.on) {
        (Some(j), Some(on)) => Some(Join::read(j, on)?),
        _ => None,
    };
    let read = args.reading.options();
    let mut source = PointSource::open(&args.points, &read)?;
    let schema = source.schema().clone();
    let mut opts = Options::default();
    opts.value = args.value.clone();
    opts.weight = args.weight.clone();
    opts.window = args.window.window()?;
    opts.bands = bands;
    opts.join = join;
    opts.date = args.window.date.clone();
    let summary = summarize(&mut source, by, opts)?;
    let key = &summary.key;
    let (cols, rows) = summary.table();

    let mut out = super::Sink::open(args.out.output.as_deref())?;
    write_table(&mut out, args.out.format, &cols, &rows)?;
    let outside = summary.groups.last().map_or(0, |(_, t)| t.count);
    close(
        out,
        &summary.account,
        &schema,
        args.out.rejects.as_deref(),
        &format!("{outside} outside every {key}"),
        args.out.quiet,
    )?;
    if let Some(j) = &summary.join
        && !j.text_columns.is_empty()
    {
        let cols: Vec<String> = j
            .text_columns
            .iter()
            .map(|(c, line)| format!("{c} (text on line {line})"))
            .collect();
        eprintln!(
            "frontier: note: {}: columns with text left out of the join (only numeric columns are summed and rated): {}",
            j.origin,
            cols.join(", ")
        );
    }
    let unmatched = summary.unmatched_join_names();
    if !unmatched.is_empty() {
        eprintln!(
            "frontier: warning: {} name(s) in {} match no {key}: {}",
            unmatched.len(),
            summary.join.as_ref().map_or("", |j| j.origin.as_str()),
            unmatched.join(", ")
        );
    }
    Ok(())
}

/// Write the rejects file (if asked), then the output, and say on stderr
/// where every row went (`counted_note` qualifies the counted rows); with
/// rejects but no rejects file, the commonest reasons.
pub(super) fn close(
    out: super::Sink,
    a: &frontier::summary::Account,
    schema: &frontier::ingest::Schema,
    rejects_to: Option<&std::path::Path>,
    counted_note: &str,
    quiet: bool,
) -> Result<(), CmdError> {
    let rejects = match rejects_to {
        Some(p) => {
            let mut w = frontier::pipeline::Rejects::new(super::Sink::file(p)?, schema)?;
            for r in &a.rejects {
                w.write(r)?;
            }
            Some(w.finish()?)
        }
        None => None,
    };
    out.finish()?;
    if let Some(r) = rejects {
        r.finish()?;
    }
    let note = format!(
        "{} rows in: {} counted ({counted_note}), {} rejected, {} outside the date window, {} left out by --max-precision",
        a.rows_in, a.counted, a.rejected, a.outside_window, a.left_out_imprecise
    );
    let excluded = a.rejected + a.outside_window + a.left_out_imprecise > 0;
    if excluded || !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("frontier: {note}");
    }
    if a.rejected > 0 && rejects_to.is_none() {
        let mut reasons: std::collections::BTreeMap<String, u64> = Default::default();
        for r in &a.rejects {
            *reasons
                .entry(format!("{}: {}", r.column, r.reason))
                .or_default() += 1;
        }
        for (r, n) in reasons.iter().take(5) {
            eprintln!("frontier:   {n} × {r}");
        }
    }
    Ok(())
}
