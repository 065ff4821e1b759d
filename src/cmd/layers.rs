//! `frontier layers`: the catalogue, and `frontier layers show NAME`.

use super::{CmdError, ListFormat, Sink, print_table};
use frontier::layer::geometry_type_name;
use frontier::{Catalogue, layer::BUILTINS};
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Output format: table, json; for `show` also geojson (the whole layer, with its credit) and geoparquet (GeoParquet 1.1, WKB, OGC:CRS84).
    #[arg(long, value_enum, default_value_t = LayerFormat::Table, global = true)]
    format: LayerFormat,
    /// Output file (default, or `-`: standard output); written whole or not at all.
    #[arg(short = 'o', long = "output", value_name = "FILE", global = true)]
    output: Option<PathBuf>,
}

/// What `layers` does beyond listing the catalogue.
#[derive(Debug, clap::Subcommand)]
enum Action {
    /// The features of one layer (a built-in name or a GeoJSON file), or the whole layer as GeoJSON or GeoParquet.
    Show {
        /// The layer: a built-in name (`frontier layers` lists them) or a GeoJSON file.
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// What `layers` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayerFormat {
    /// Aligned text columns.
    Table,
    /// JSON.
    Json,
    /// The layer as a GeoJSON FeatureCollection (`show` only).
    Geojson,
    /// The layer as a GeoParquet file (`show` only).
    Geoparquet,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let mut files = super::Files::default();
    if let Some(Action::Show { name }) = &args.action {
        files = files.layer("show", name);
    }
    files.main_output("-o", args.output.as_deref()).check()?;
    let to_stdout = args.output.as_deref().is_none_or(super::files::is_stdio);
    if args.format == LayerFormat::Geoparquet && to_stdout && std::io::stdout().is_terminal() {
        return Err(CmdError::Usage(
            "--format geoparquet writes a binary file: give -o FILE (or redirect standard output)"
                .into(),
        ));
    }
    let mut out = Sink::open(args.output.as_deref())?;
    match &args.action {
        Some(Action::Show { name }) if args.format == LayerFormat::Geoparquet => {
            return export_geoparquet(out, name);
        }
        None => match args.format {
            LayerFormat::Table => list(&mut out, ListFormat::Table)?,
            LayerFormat::Json => list(&mut out, ListFormat::Json)?,
            f => {
                return Err(CmdError::Usage(format!(
                    "--format {}: the catalogue is a table or JSON; `frontier layers show NAME --format {0}` exports one layer",
                    if f == LayerFormat::Geojson {
                        "geojson"
                    } else {
                        "geoparquet"
                    }
                )));
            }
        },
        Some(Action::Show { name }) => match args.format {
            LayerFormat::Table => show(&mut out, name, ListFormat::Table)?,
            LayerFormat::Json => show(&mut out, name, ListFormat::Json)?,
            _ => {
                let layer = Catalogue::load(name)?;
                out.write_all(frontier::layer::to_geojson(&layer).as_bytes())?;
            }
        },
    }
    out.finish()
}

/// The layer as GeoParquet, into `out` (whole or not at all).
#[cfg(feature = "geoparquet")]
fn export_geoparquet(out: Sink, name: &str) -> Result<(), CmdError> {
    let layer = Catalogue::load(name)?;
    frontier::geoparquet::write_layer(&layer, out)?.finish()
}

#[cfg(not(feature = "geoparquet"))]
fn export_geoparquet(_: Sink, _: &str) -> Result<(), CmdError> {
    Err(CmdError::Usage(
        "this build of frontier writes no GeoParquet (built without the geoparquet feature)".into(),
    ))
}

fn list(out: &mut impl Write, format: ListFormat) -> Result<(), CmdError> {
    let mut rows = Vec::new();
    for b in BUILTINS {
        let layer = Catalogue::load_builtin(b)?;
        rows.push((b, layer.geometry_type(), layer.features.len()));
    }
    match format {
        ListFormat::Table => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|(b, g, n)| {
                    vec![
                        b.name.to_string(),
                        g.clone(),
                        n.to_string(),
                        b.source.to_string(),
                        b.licence.to_string(),
                        b.description.to_string(),
                    ]
                })
                .collect();
            print_table(
                out,
                &[
                    "name",
                    "geometry",
                    "features",
                    "source",
                    "licence",
                    "description",
                ],
                &table,
            )?;
        }
        ListFormat::Json => {
            let v: Vec<Value> = rows
                .iter()
                .map(|(b, g, n)| {
                    json!({
                        "name": b.name,
                        "file": format!("geodata/{}", b.file),
                        "geometry": g,
                        "features": n,
                        "source": b.source,
                        "licence": b.licence,
                        "description": b.description,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&v).expect("json"))?;
        }
    }
    Ok(())
}

fn show(out: &mut impl Write, name: &str, format: ListFormat) -> Result<(), CmdError> {
    let layer = Catalogue::load(name)?;
    match format {
        ListFormat::Json => {
            let v: Vec<Value> = layer
                .features
                .iter()
                .map(|f| {
                    let mut p = f.properties.clone();
                    p.insert("geometry".into(), json!(geometry_type_name(&f.geometry)));
                    Value::Object(p)
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&v).expect("json"))?;
        }
        ListFormat::Table => {
            // Columns: every property key in order of first appearance,
            // skipping long lists; the geometry type first.
            let mut keys: Vec<String> = Vec::new();
            for f in &layer.features {
                for (k, v) in &f.properties {
                    if !keys.contains(k) && !matches!(v, Value::Array(a) if a.len() > 3) {
                        keys.push(k.clone());
                    }
                }
            }
            let mut header = vec!["geometry"];
            header.extend(keys.iter().map(String::as_str));
            let rows: Vec<Vec<String>> = layer
                .features
                .iter()
                .map(|f| {
                    let mut r = vec![geometry_type_name(&f.geometry).to_string()];
                    r.extend(keys.iter().map(|k| f.property_text(k).unwrap_or_default()));
                    r
                })
                .collect();
            print_table(out, &header, &rows)?;
        }
    }
    Ok(())
}
