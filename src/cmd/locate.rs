//! `frontier locate`: country, province and district of each point, and the
//! containing feature of any extra polygon layers.

use super::CmdError;
use super::points::{Input, Output, added_name};
use frontier::index::PolygonIndex;
use frontier::output::Column;
use frontier::query::{Locator, feature_label};
use frontier::{Catalogue, Layer};
use serde_json::Value;

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
    let mut extra: Vec<(Layer, PolygonIndex)> = Vec::new();
    for name in &args.layers {
        let layer = Catalogue::load(name)?;
        let idx = PolygonIndex::new(&layer);
        if !layer.geometry_type().contains("Polygon") {
            return Err(CmdError::Usage(format!(
                "--layer {name}: the layer has no polygons ({}); locate needs polygons",
                layer.geometry_type()
            )));
        }
        extra.push((layer, idx));
    }
    let names: Vec<String> = extra.iter().map(|(l, _)| l.name.clone()).collect();
    super::points::run(
        &args.input,
        &args.output,
        |cols| {
            let mut v = vec![
                Column::text(added_name(cols, "country")),
                Column::text(added_name(cols, "province")),
                Column::text(added_name(cols, "district")),
            ];
            v.extend(names.iter().map(|n| Column::text(added_name(cols, n))));
            v
        },
        |r| {
            let loc = locator.locate(r.coord);
            let mut v = vec![
                Value::from(loc.country),
                Value::from(loc.province),
                Value::from(loc.district),
            ];
            for (layer, idx) in &extra {
                v.push(Value::from(
                    idx.locate(r.coord)
                        .map(|i| feature_label(layer, i))
                        .unwrap_or_default(),
                ));
            }
            Some(v)
        },
    )?;
    Ok(())
}
