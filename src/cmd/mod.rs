//! Subcommands, one file each. Each turns its arguments into a validated
//! configuration, calls the library and prints.

mod demo;
mod emerging;
mod files;
mod geodata;
mod hotspots;
mod knox;
mod layers;
mod locate;
mod near;
mod nearest;
mod points;
mod render;
#[cfg(feature = "serve")]
mod serve;
mod summarize;
mod synth;
mod trend;
mod window;

use clap::{Parser, Subcommand};
pub use files::{Files, Sink, commit_staged, discard_staged, write_whole};

/// Map and query the Pakistan–Afghanistan border region.
#[derive(Debug, Parser)]
#[command(name = "frontier", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the map gallery into renders/ and print a per-district summary.
    Demo(demo::Args),
    /// List the built-in layers, or show the features of one layer.
    Layers(layers::Args),
    /// Country, province and district of each point (plus any polygon layers asked for).
    Locate(locate::Args),
    /// Rows within a distance of a layer, with the geodesic distance to its nearest feature.
    Near(near::Args),
    /// The K nearest features of a layer to each row, with geodesic distances.
    Nearest(nearest::Args),
    /// Per-district (or province, or layer) counts, sums, shares and rates, before/after a date.
    Summarize(summarize::Args),
    /// Events per week, month, quarter or year (per area or category), and whether they changed at a date.
    Trend(trend::Args),
    /// Hot and cold spots (Getis-Ord Gi*) per district, layer or hexagon, and Moran's I; before/after a date.
    Hotspots(hotspots::Args),
    /// Knox test for space-time interaction, the Near Repeat table of distance × time bands, or directed lead-lag pairs (e.g. across the Durand Line).
    Knox(knox::Args),
    /// Emerging hot spots: Gi* on a space-time cube of areas × periods, Mann-Kendall trends, ArcGIS's categories.
    Emerging(emerging::Args),
    /// A thematic map as PNG, SVG or PDF (base map, points, density, choropleth, labels, legend).
    Render(Box<render::Args>),
    /// An interactive map in the browser over the points and the built-in layers, with a JSON API (offline).
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// Synthetic ACLED-shaped events and refugee settlements (labelled synthetic).
    Synth(synth::Args),
    /// Regenerate geodata/ from the raw inputs.
    Geodata(geodata::Args),
}

/// What a subcommand can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    /// A library error (already says what and where), its settings worded
    /// as this command line's flags.
    #[error("{}", .0.render_with(&flag))]
    Lib(frontier::Error),
    /// Writing the output failed (a closed pipe is handled by `main`).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Bad usage that clap cannot see.
    #[error("{0}")]
    Usage(String),
}

impl From<frontier::Error> for CmdError {
    fn from(e: frontier::Error) -> Self {
        CmdError::Lib(e)
    }
}

/// The flag that sets a library [`frontier::error::Param`].
pub(crate) fn flag(p: frontier::error::Param) -> &'static str {
    use frontier::error::Param;
    match p {
        Param::Latitude => "--lat",
        Param::Longitude => "--lon",
        Param::Value => "--value",
        Param::Weight => "--weight",
        Param::Date => "--from/--to/--split",
        Param::Precision => "--max-precision",
        Param::JoinKey => "--on",
        Param::ColorBy => "--color-by",
        Param::SizeBy => "--size-by",
        Param::MapColumn => "--column",
        Param::ImageSize => "--size",
        Param::Dpi => "--dpi",
        Param::Format => "--format",
        Param::Bandwidth => "--bandwidth",
        Param::Palette => "--palette",
        Param::Series => "a time series (--by)",
        Param::GroupColumn => "--by",
        Param::Split => "--split",
        Param::Areas => "--by",
        Param::Weights => "--weights",
        Param::Extent => "--extent",
        Param::Classes => "--classes",
        Param::Point => "a row's coordinates",
        Param::Count => "-k",
        Param::Distance => "--within",
    }
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<(), CmdError> {
    match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Layers(a) => layers::run(a),
        Command::Locate(a) => locate::run(a),
        Command::Near(a) => near::run(a),
        Command::Nearest(a) => nearest::run(a),
        Command::Summarize(a) => summarize::run(a),
        Command::Trend(a) => trend::run(a),
        Command::Hotspots(a) => hotspots::run(a),
        Command::Knox(a) => knox::run(a),
        Command::Emerging(a) => emerging::run(a),
        Command::Render(a) => render::run(*a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Geodata(a) => geodata::run(a),
    }
}

/// Refuse a layer with no features where a command measures to it: there
/// would be no distance to give, and rows must not vanish.
pub fn refuse_empty(flag: &str, name: &str, layer: &frontier::Layer) -> Result<(), CmdError> {
    if layer.features.is_empty() {
        return Err(CmdError::Usage(format!(
            "{flag} {name}: the layer has no features, so there is nothing to measure to"
        )));
    }
    Ok(())
}

/// A clap value parser for a library choice ([`frontier::Named`]): its
/// names are the accepted values (and shown in `--help`).
pub fn named<T: frontier::Named + Send + Sync>() -> impl clap::builder::TypedValueParser<Value = T>
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(T::ALL.iter().map(|(n, _)| *n))
        .map(|s| T::from_name(&s).expect("clap checked the name"))
}

/// Output format for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned text columns.
    Table,
    /// JSON.
    Json,
}

/// Print rows as aligned columns (the last column is not padded).
pub fn print_table(
    out: &mut impl std::io::Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let n = cells.len();
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if i + 1 == n {
                    c.to_string()
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}
