//! `frontier layers`: the catalogue, and `frontier layers show NAME`.

use super::{CmdError, ListFormat, print_table};
use frontier::layer::geometry_type_name;
use frontier::{Catalogue, layer::BUILTINS};
use serde_json::{Value, json};
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// `show NAME`: list the features of a layer (a built-in name or a GeoJSON file).
    #[arg(value_names = ["show", "NAME"], num_args = 0..=2)]
    action: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let out = std::io::stdout();
    let mut out = out.lock();
    match args.action.as_slice() {
        [] => list(&mut out, args.format),
        [verb, name] if verb == "show" => show(&mut out, name, args.format),
        [verb] if verb == "show" => Err(CmdError::Usage(
            "layers show: give a layer name or a GeoJSON file, e.g. `frontier layers show districts`".into(),
        )),
        other => Err(CmdError::Usage(format!(
            "layers: unknown action {:?}; use `frontier layers` or `frontier layers show NAME`",
            other.join(" ")
        ))),
    }
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
