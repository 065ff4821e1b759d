//! What the point commands (`locate`, `near`, `nearest`) share: reading the
//! input, the output writer, rejects, progress, and the closing account.

use super::{CmdError, Files, Sink};
use frontier::ingest::{Dialect, FormatHint, PointSource, ReadOptions, Record, column_kinds};
use frontier::output::{Cell, Column, Format, Kind, RowWriter};
use frontier::pipeline::{self, Rejects, Stats};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Which columns hold the coordinates, and what to do with bad rows: the
/// options every command that reads points shares.
#[derive(Debug, Default, clap::Args)]
pub struct Reading {
    /// Latitude column, by name or number from 1 (default: found by name: latitude, lat, y).
    #[arg(long, value_name = "COL")]
    pub lat: Option<String>,
    /// Longitude column, by name or number from 1 (default: found by name: longitude, lon, lng, long, x).
    #[arg(long, value_name = "COL")]
    pub lon: Option<String>,
    /// Go on past bad rows instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
    /// CSV field delimiter: `,` `;` `|`, `tab` or `\t` (default: found from the header line).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,
}

/// A CSV field delimiter given on the command line.
#[derive(Debug, Clone, Copy)]
pub struct Delimiter(pub u8);

/// `,` `;` `|` `tab` `\t` or any other single ASCII character.
fn parse_delimiter(s: &str) -> Result<Delimiter, String> {
    frontier::ingest::parse_delimiter(s).map(Delimiter)
}

impl Reading {
    /// The library's read options.
    pub fn options(&self) -> ReadOptions {
        let mut o = ReadOptions::default();
        o.lat = self.lat.clone();
        o.lon = self.lon.clone();
        o.skip_invalid = self.skip_invalid;
        o.delimiter = self.delimiter.map(|d| d.0);
        o
    }
}

#[derive(Debug, clap::Args)]
pub struct Input {
    /// Point file: CSV (any delimiter; plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet points; `-` reads standard input.
    #[arg(value_name = "POINTS")]
    pub points: String,
    #[command(flatten)]
    pub reading: Reading,
    /// With --skip-invalid: write rejected rows, with line and reason, to this CSV (`-`: standard output).
    #[arg(long, value_name = "FILE", requires = "skip_invalid")]
    pub rejects: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct Output {
    /// Output format: csv, geojson, json, ndjson or geoparquet (default: geoparquet for an -o file ending .parquet, else csv).
    #[arg(long = "format", value_parser = super::named::<Format>(), value_name = "FORMAT")]
    pub format_flag: Option<Format>,
    /// Output file (default, or `-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress bar and no closing account on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The output's columns: the input's, each name made unique (two columns
/// called `id` are written as `id` and `id_2`, and stderr says so), then
/// frontier's (`added`, named against the input's), each prefixed
/// `frontier_` while its name is taken.
fn output_columns(
    schema: &frontier::ingest::Schema,
    kinds: &[Kind],
    added: impl FnOnce(&[String]) -> Vec<Column>,
) -> Vec<Column> {
    let (names, renamed) = frontier::row::unique_names(&schema.columns);
    for r in &renamed {
        eprintln!(
            "frontier: note: column {} is named {:?} as an earlier column is: it is written as {:?}",
            r.index + 1,
            r.from,
            r.to
        );
    }
    let mut columns: Vec<Column> = names
        .iter()
        .enumerate()
        .map(|(i, c)| Column {
            geometry_only: schema.synthetic_coords && (i == schema.lat || i == schema.lon),
            kind: kinds[i],
            ..Column::text(c.clone())
        })
        .collect();
    for mut c in added(&names) {
        while columns.iter().any(|o| o.name.eq_ignore_ascii_case(&c.name)) {
            c.name = format!("frontier_{}", c.name);
        }
        columns.push(c);
    }
    columns
}

impl Output {
    /// The format asked for, or the one the output file's name says.
    pub fn format(&self) -> Format {
        self.format_flag.unwrap_or_else(|| {
            let parquet = self.output.as_deref().is_some_and(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("geoparquet")
                })
            });
            if parquet {
                Format::GeoParquet
            } else {
                Format::Csv
            }
        })
    }
}

impl Input {
    /// The files this input names (the points, and the rejects file as an
    /// output), added to `files`.
    pub fn files(&self, files: Files) -> Files {
        files
            .input("POINTS", &self.points)
            .output("--rejects", self.rejects.as_deref())
    }
}

/// Read `input`, answer each row with `answer`, write to `output`.
/// `added` are the columns the answers fill, in order; `answer` pushes one
/// cell per added column and returns true to keep the row. `files` are the
/// command's other inputs (layers), checked with the points and outputs
/// before anything is written.
pub fn run<'a, F>(
    input: &Input,
    output: &Output,
    files: Files,
    added: impl FnOnce(&[String]) -> Vec<Column>,
    answer: F,
) -> Result<Stats, CmdError>
where
    F: Fn(&Record, &mut Vec<Cell<'a>>) -> bool + Sync,
{
    input
        .files(files)
        .main_output("-o", output.output.as_deref())
        .check()?;
    let format = output.format();
    if format.is_binary()
        && output
            .output
            .as_deref()
            .is_none_or(|p| p.as_os_str() == "-")
        && std::io::stdout().is_terminal()
    {
        return Err(CmdError::Usage(
            "--format geoparquet writes a binary file: give -o FILE (or redirect standard output)"
                .into(),
        ));
    }
    let opts = input.reading.options();
    // JSON formats write a CSV column as numbers when every value is one,
    // which takes a first pass over the input (a stream, standard input or a
    // named pipe, is kept in a temporary file for it).
    let typed = format != Format::Csv;
    let stdin = input.points == "-";
    let stream = stdin || std::fs::metadata(&input.points).is_ok_and(|m| !m.is_file());
    let origin = if stdin {
        "<stdin>"
    } else {
        input.points.as_str()
    };
    let spool = match typed && stream {
        true => {
            let mut f =
                tempfile::NamedTempFile::new().map_err(|e| frontier::Error::io(origin, e))?;
            let copied = if stdin {
                std::io::copy(&mut std::io::stdin().lock(), f.as_file_mut())
            } else {
                std::fs::File::open(&input.points)
                    .and_then(|mut p| std::io::copy(&mut p, f.as_file_mut()))
            };
            copied.map_err(|e| frontier::Error::io(origin, e))?;
            Some(f)
        }
        false => None,
    };
    let hint = FormatHint::from_path(&input.points);
    let open = |opts: &frontier::ingest::ReadOptions| -> Result<PointSource, CmdError> {
        Ok(match &spool {
            Some(f) => {
                let file = f.reopen().map_err(|e| frontier::Error::io(origin, e))?;
                PointSource::from_reader(Box::new(file), origin, hint, opts)?
            }
            None => PointSource::open(&input.points, opts)?,
        })
    };
    let mut source = open(&opts)?;
    let schema = source.schema().clone();
    // GeoJSON's values carry their own types into JSON; GeoParquet needs
    // a type per column whatever the input.
    let find_kinds = typed && (schema.dialect != Dialect::GeoJson || format == Format::GeoParquet);
    let kinds = match source.known_kinds() {
        Some(k) => k,
        None if find_kinds => {
            let mut lenient = opts.clone();
            lenient.skip_invalid = true;
            column_kinds(&mut open(&lenient)?)?
        }
        None => vec![Kind::Text; schema.columns.len()],
    };
    let columns = output_columns(&schema, &kinds, added);

    let mut writer = RowWriter::new(Sink::open(output.output.as_deref())?, format, columns)?;
    let mut rejects = match &input.rejects {
        Some(p) => Some(Rejects::new(Sink::file(p)?, &schema)?),
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
    // Both outputs appear only now, when every row is accounted for.
    writer.finish()?.finish()?;
    if let Some(r) = rejects {
        r.finish()?.finish()?;
    }
    if let Some(w) = stats.swap_warning("--lat/--lon") {
        eprintln!("frontier: {w}");
    }
    if stats.rejected > 0 && input.rejects.is_none() {
        eprintln!(
            "frontier: {} rejected (give --rejects FILE to keep them): {}",
            if stats.rejected == 1 {
                "1 row".to_string()
            } else {
                format!("{} rows", stats.rejected)
            },
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
