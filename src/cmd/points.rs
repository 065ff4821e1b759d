//! What the point commands (`locate`, `near`, `nearest`) share: reading the
//! input, the output writer, rejects, progress, and the closing account.

use super::CmdError;
use frontier::ingest::{PointSource, ReadOptions, Record};
use frontier::output::{Cell, Column, Format, RowWriter};
use frontier::pipeline::{self, Rejects, Stats};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Which columns hold the coordinates, and what to do with bad rows: the
/// options every command that reads points shares.
#[derive(Debug, clap::Args)]
pub struct Reading {
    /// Latitude column (default: found by name: latitude, lat, y).
    #[arg(long, value_name = "COL")]
    pub lat: Option<String>,
    /// Longitude column (default: found by name: longitude, lon, lng, long, x).
    #[arg(long, value_name = "COL")]
    pub lon: Option<String>,
    /// Go on past bad rows instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
}

impl Reading {
    /// The library's read options.
    pub fn options(&self) -> ReadOptions {
        ReadOptions {
            lat: self.lat.clone(),
            lon: self.lon.clone(),
            skip_invalid: self.skip_invalid,
            require_date: false,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Input {
    /// Point file: CSV (plain, ACLED, UCDP GED) or GeoJSON points; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    pub points: String,
    #[command(flatten)]
    pub reading: Reading,
    /// With --skip-invalid: write rejected rows, with line and reason, to this CSV.
    #[arg(long, value_name = "FILE", requires = "skip_invalid")]
    pub rejects: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Output file (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress bar and no closing account on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// A name for an added column that does not collide with the input's.
pub fn added_name(columns: &[String], name: &str) -> String {
    let mut n = name.to_string();
    while columns.iter().any(|c| c.eq_ignore_ascii_case(&n)) {
        n = format!("frontier_{n}");
    }
    n
}

/// Read `input`, answer each row with `answer`, write to `output`.
/// `added` are the columns the answers fill, in order; `answer` pushes one
/// cell per added column and returns true to keep the row.
pub fn run<'a, F>(
    input: &Input,
    output: &Output,
    added: impl FnOnce(&[String]) -> Vec<Column>,
    answer: F,
) -> Result<Stats, CmdError>
where
    F: Fn(&Record, &mut Vec<Cell<'a>>) -> bool + Sync,
{
    let mut source = PointSource::open(&input.points, &input.reading.options())?;
    let schema = source.schema().clone();
    let mut columns: Vec<Column> = schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Column {
            geometry_only: schema.synthetic_coords && (i == schema.lat || i == schema.lon),
            ..Column::text(c.clone())
        })
        .collect();
    columns.extend(added(&schema.columns));

    let mut writer = RowWriter::new(
        super::sink(output.output.as_deref())?,
        output.format,
        columns,
    )?;
    let mut rejects = match &input.rejects {
        Some(p) => Some(Rejects::new(super::create(p)?, &schema.columns)?),
        None => None,
    };

    let bar = (!output.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = match source.len_bytes() {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        b
    });
    let stats = pipeline::run(&mut source, &mut writer, rejects.as_mut(), answer, |pos| {
        if let Some(b) = &bar {
            b.set_position(pos);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    writer.finish()?;
    if let Some(r) = rejects {
        r.finish()?;
    }
    if let Some(w) = stats.swap_warning() {
        eprintln!("frontier: {w}");
    }
    if stats.rejected > 0 && input.rejects.is_none() {
        eprintln!(
            "frontier: {} rows rejected (give --rejects FILE to keep them): {}",
            stats.rejected,
            stats.summary()
        );
    } else if !output.quiet && std::io::stderr().is_terminal() {
        eprintln!(
            "frontier: {} as {}: {}",
            input.points,
            schema.dialect.name(),
            stats.summary()
        );
    }
    Ok(stats)
}
