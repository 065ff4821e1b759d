//! `frontier locate`: country, province and district of each point, and the
//! containing feature of any extra polygon layers.

use super::CmdError;
use super::points::{Input, Output, added_name};
use frontier::Catalogue;
use frontier::index::PolygonIndex;
use frontier::output::{Cell, Column};
use frontier::query::Locator;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Input,
    /// Also report the containing feature of this polygon layer (a built-in name or a GeoJSON file); repeatable.
    #[arg(long = "layer", value_name = "NAME")]
    layers: Vec<String>,
    #[command(flatten)]
    output: Output,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let locator = Locator::new()?;
    // Each extra layer's feature labels, and its index.
    let mut extra: Vec<(Vec<String>, PolygonIndex)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for name in &args.layers {
        let layer = Catalogue::load(name)?;
        let idx = PolygonIndex::new(&layer);
        if !layer.geometry_type().contains("Polygon") {
            return Err(CmdError::Usage(format!(
                "--layer {name}: the layer has no polygons ({}); locate needs polygons",
                layer.geometry_type()
            )));
        }
        let labels = layer.labels();
        names.push(layer.name.clone());
        extra.push((labels, idx));
    }
    let files = args
        .layers
        .iter()
        .fold(super::Files::default(), |f, l| f.layer("--layer", l));
    super::points::run(
        &args.input,
        &args.output,
        files,
        |cols| {
            let mut v = vec![
                Column::text(added_name(cols, "country")),
                Column::text(added_name(cols, "province")),
                Column::text(added_name(cols, "district")),
            ];
            v.extend(names.iter().map(|n| Column::text(added_name(cols, n))));
            v
        },
        |r, cells| {
            let loc = locator.locate(r.coord);
            cells.extend([loc.country, loc.province, loc.district].map(Cell::from));
            for (labels, idx) in &extra {
                cells.push(match idx.locate(r.coord) {
                    Some(i) => Cell::from(labels[i].as_str()),
                    None => Cell::from(""),
                });
            }
            true
        },
    )?;
    Ok(())
}
