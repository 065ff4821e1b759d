//! `frontier knox`: Knox's test for space-time interaction, the Near
//! Repeat Calculator's table of bands, and the directed lead–lag count.

use super::CmdError;
use super::summarize::close;
use frontier::ingest::PointSource;
use frontier::output::write_table_exact;
use frontier::spacetime::{Condition, Test, test_file};
use frontier::units::parse_distance;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point file: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points, with dates; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    points: String,
    /// Pairs at most this far apart (geodesic) are close in space, e.g. 2km.
    #[arg(long, value_parser = parse_distance, value_name = "DIST", required_unless_present_any = ["space_bands"])]
    space: Option<f64>,
    /// Pairs at most this many days apart are close in time, e.g. 14d.
    #[arg(long, value_parser = days_arg, value_name = "DAYS", required_unless_present_any = ["space_bands"])]
    time: Option<u32>,
    /// Near Repeat table: ends of the distance bands, e.g. 0,1,2,5,10km (the first band holds both ends, each other band its upper end only; 0,0,... makes a band of the same place).
    #[arg(long, value_parser = space_bands_arg, value_name = "D,D,...", requires = "time_bands", conflicts_with_all = ["space", "time", "lead"])]
    space_bands: Option<Bands>,
    /// Near Repeat table: ends of the time bands in days, e.g. 0,7,14,30,60d (the same rule; 0,0,... makes a band of the same day).
    #[arg(long, value_parser = time_bands_arg, value_name = "T,T,...", requires = "space_bands")]
    time_bands: Option<DayBands>,
    /// Lead–lag: the events that lead, FIELD=VALUE over the points' columns or frontier's own country, province, district and side (e.g. country=AFG; column:NAME=VALUE for a column of one of those names).
    #[arg(long, value_name = "FIELD=VALUE", requires = "follow")]
    lead: Option<Condition>,
    /// Lead–lag: the events that follow, e.g. country=PAK.
    #[arg(long, value_name = "FIELD=VALUE", requires = "lead")]
    follow: Option<Condition>,
    /// Permutations of the dates for p_sim (and the expected counts of the bands and the lead–lag test).
    #[arg(long, default_value_t = 999, value_name = "N")]
    permutations: usize,
    /// Seed of the permutations (the same seed gives the same p_sim).
    #[arg(long, default_value_t = 12345, value_name = "N")]
    seed: u64,
    #[command(flatten)]
    window: super::window::Window,
    #[command(flatten)]
    reading: super::points::Reading,
    #[command(flatten)]
    out: super::summarize::TableOut,
}

/// Distance band ends in metres (a newtype so clap takes the list whole).
#[derive(Debug, Clone)]
struct Bands(Vec<f64>);

/// Time band ends in days.
#[derive(Debug, Clone)]
struct DayBands(Vec<u32>);

/// `14d`, `14 days` or `14`: whole days.
fn days_arg(s: &str) -> Result<u32, String> {
    let t = s.trim().to_ascii_lowercase();
    let n = t
        .strip_suffix("days")
        .or_else(|| t.strip_suffix("day"))
        .or_else(|| t.strip_suffix('d'))
        .unwrap_or(&t)
        .trim();
    n.parse::<u32>()
        .map_err(|_| format!("{s:?} is not a whole number of days (e.g. 14d)"))
}

fn space_bands_arg(s: &str) -> Result<Bands, String> {
    let v = frontier::units::parse_distances(s)?;
    frontier::spacetime::Ends::new(v.clone())?;
    Ok(Bands(v))
}

fn time_bands_arg(s: &str) -> Result<DayBands, String> {
    let v = s
        .split(',')
        .map(days_arg)
        .collect::<Result<Vec<u32>, String>>()?;
    frontier::spacetime::Ends::new(v.iter().map(|&d| f64::from(d)).collect())?;
    Ok(DayBands(v))
}

/// The window, refusing a split: a space-time test has none.
pub(super) fn no_split(
    w: frontier::window::Window,
    command: &str,
) -> Result<frontier::window::Window, CmdError> {
    match w.split {
        Some(d) => Err(CmdError::Usage(format!(
            "--split {d}: {command} has no split; use --from/--to to test a period on its own"
        ))),
        None => Ok(w),
    }
}

pub fn run(args: Args) -> Result<(), CmdError> {
    super::Files::default()
        .input("POINTS", &args.points)
        .main_output("-o", args.out.output.as_deref())
        .output("--rejects", args.out.rejects.as_deref())
        .check()?;
    let test = match (
        &args.space_bands,
        &args.time_bands,
        &args.lead,
        &args.follow,
    ) {
        (Some(s), Some(t), _, _) => Test::Bands {
            space_m: s.0.clone(),
            days: t.0.clone(),
        },
        (_, _, Some(lead), Some(follow)) => Test::LeadLag {
            lead: lead.clone(),
            follow: follow.clone(),
            space_m: args.space.expect("clap requires --space"),
            days: args.time.expect("clap requires --time"),
        },
        _ => Test::Knox {
            space_m: args.space.expect("clap requires --space"),
            days: args.time.expect("clap requires --time"),
        },
    };
    if let Test::LeadLag { days: 0, .. } = test {
        return Err(CmdError::Usage(
            "--time 0d: a lead-lag test counts follow events 1 or more days later; give --time 1d or more".into(),
        ));
    }
    let read = args.reading.options();
    let mut source = PointSource::open(&args.points, &read)?;
    let schema = source.schema().clone();
    let window = no_split(args.window.window()?, "knox")?;
    let st = test_file(
        &mut source,
        test,
        &window,
        args.window.date.as_deref(),
        args.permutations,
        args.seed,
    )?;
    let (cols, rows) = st.table();
    let mut out = super::Sink::open(args.out.output.as_deref())?;
    write_table_exact(&mut out, args.out.format, &cols, &rows)?;
    close(
        out,
        &st.account,
        &schema,
        args.out.rejects.as_deref(),
        &format!(
            "all tested, {} permutations of the dates, seed {}",
            st.permutations, st.seed
        ),
        args.out.quiet,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_lists_take_the_last_unit() {
        assert_eq!(
            space_bands_arg("0,1,2,5,10km").unwrap().0,
            vec![0.0, 1000.0, 2000.0, 5000.0, 10000.0]
        );
        assert_eq!(
            space_bands_arg("0,500m,1km").unwrap().0,
            vec![0.0, 500.0, 1000.0]
        );
        assert!(space_bands_arg("0,2,1km").is_err());
        assert_eq!(
            time_bands_arg("0,7,14,30,60d").unwrap().0,
            vec![0, 7, 14, 30, 60]
        );
        assert_eq!(days_arg("14d"), Ok(14));
        assert_eq!(days_arg("3 days"), Ok(3));
        assert!(days_arg("1.5d").is_err());
    }
}
