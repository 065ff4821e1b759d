//! `frontier locate`: country, province and district of each point, and the
//! containing feature of any extra polygon layers.

use super::CmdError;
use super::points::{Input, Output};
use frontier::Catalogue;
use frontier::output::{Cell, Column};
use frontier::query::Locator;
use frontier::summary::names::added_names;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Input,
    /// Also report the containing feature of this polygon layer (a built-in name or a GeoJSON file); repeatable.
    #[arg(long = "in", value_name = "LAYER", alias = "layer")]
    layers: Vec<String>,
    #[command(flatten)]
    output: Output,
}

/// A name, or an empty cell.
fn text(v: Option<&str>) -> Cell<'_> {
    Cell::from(v.unwrap_or(""))
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let mut locator = Locator::new()?;
    for name in &args.layers {
        let layer = Catalogue::load(name)?;
        locator = locator.with_layer(&layer).map_err(|e| match e {
            frontier::Error::NoPolygons { found, .. } => CmdError::Usage(format!(
                "--in {name}: the layer has no polygons ({found}); locate needs polygons"
            )),
            e => e.into(),
        })?;
    }
    let names: Vec<String> = locator.layer_names().map(str::to_string).collect();
    let files = args
        .layers
        .iter()
        .fold(super::Files::default(), |f, l| f.layer("--in", l));
    super::points::run(
        &args.input,
        &args.output,
        files,
        |cols| {
            let mut wanted: Vec<String> = ["country", "province", "district"]
                .map(String::from)
                .to_vec();
            wanted.extend(names.iter().cloned());
            added_names(cols, &wanted)
                .into_iter()
                .map(Column::text)
                .collect()
        },
        |r, cells| {
            let loc = locator.locate(r.coord);
            cells.extend([loc.country, loc.province, loc.district].map(text));
            cells.extend((0..names.len()).map(|k| text(locator.locate_in(k, r.coord))));
            true
        },
    )?;
    Ok(())
}
