//! `frontier synth`: synthetic ACLED-shaped events and refugee settlements.

use super::{CmdError, Files, Sink};
use frontier::synth::Synth;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of synthetic events (ACLED columns, `source` = synthetic).
    #[arg(long, value_name = "N")]
    events: Option<u64>,
    /// Number of synthetic refugee settlements (with an `individuals` weight).
    #[arg(long, value_name = "M")]
    refugees: Option<u64>,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    /// Output file (default, or `-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Events with ACLED's core columns only (id, date, type, coordinates, precision, fatalities, source).
    #[arg(long)]
    slim: bool,
    /// Events uniform in longitude and latitude over a box instead of
    /// clustered (id, date, coordinates, fatalities, source), e.g. 61,24,77.5,37.
    #[arg(long, value_name = "MINLON,MINLAT,MAXLON,MAXLAT", value_parser = parse_bbox, allow_hyphen_values = true, requires = "events", conflicts_with_all = ["slim", "refugees"])]
    uniform: Option<[f64; 4]>,
    /// Where the settlements go when both --events and --refugees are given (the events go to -o).
    #[arg(long, value_name = "FILE")]
    refugees_output: Option<PathBuf>,
}

/// `minlon,minlat,maxlon,maxlat`, finite, in range, min below max.
fn parse_bbox(s: &str) -> Result<[f64; 4], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{s:?}: give four numbers: minlon,minlat,maxlon,maxlat"))?;
    match v[..] {
        [a, b, c, d]
            if v.iter().all(|x| x.is_finite())
                && a < c
                && b < d
                && a >= -180.0
                && c <= 180.0
                && b >= -90.0
                && d <= 90.0 =>
        {
            Ok([a, b, c, d])
        }
        _ => Err(format!(
            "{s:?}: minlon,minlat,maxlon,maxlat, finite, with min < max, within ±180/±90"
        )),
    }
}

pub fn run(args: Args) -> Result<(), CmdError> {
    Files::default()
        .main_output("-o", args.output.as_deref())
        .output("--refugees-output", args.refugees_output.as_deref())
        .check()?;
    if let (None, Some(r)) = (args.events, &args.refugees_output) {
        return Err(CmdError::Usage(format!(
            "--refugees-output {}: it is for runs with both --events and --refugees; without --events the settlements go to -o",
            r.display()
        )));
    }
    let synth = Synth::new()?;
    let out = || Sink::open(args.output.as_deref());
    match (args.events, args.refugees) {
        (None, None) => Err(CmdError::Usage(
            "synth: give --events N and/or --refugees M".into(),
        )),
        (Some(n), None) if args.uniform.is_some() => {
            let mut o = out()?;
            let bbox = args.uniform.unwrap_or_default();
            synth.write_uniform(n, args.seed, bbox, &mut o)?;
            o.finish()
        }
        (Some(n), None) if args.slim => {
            let mut o = out()?;
            synth.write_events_slim(n, args.seed, &mut o)?;
            o.finish()
        }
        (Some(n), None) => {
            let mut o = out()?;
            synth.write_events(n, args.seed, &mut o)?;
            o.finish()
        }
        (None, Some(m)) => {
            let mut o = out()?;
            synth.write_refugees(m, args.seed, &mut o)?;
            o.finish()
        }
        (Some(n), Some(m)) => {
            let Some(r) = &args.refugees_output else {
                return Err(CmdError::Usage(
                    "synth: with both --events and --refugees, give --refugees-output FILE for the settlements".into(),
                ));
            };
            let (mut o, mut ro) = (out()?, Sink::file(r)?);
            synth.write_events(n, args.seed, &mut o)?;
            synth.write_refugees(m, args.seed, &mut ro)?;
            o.finish()?;
            ro.finish()
        }
    }
}
