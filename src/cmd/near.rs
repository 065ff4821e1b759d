//! `frontier near`: rows within a distance of a layer, with the geodesic
//! distance to its nearest feature.

use super::CmdError;
use super::points::{Input, Output};
use frontier::Catalogue;
use frontier::output::{Cell, Column};
use frontier::query::{DistanceIndex, Locator, Side, is_durand_line};
use frontier::summary::names::added_names;
use frontier::units::parse_distance;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Input,
    /// The layer to measure to: a built-in name (durand-line, cpec, crossings, ...) or a GeoJSON file.
    #[arg(long = "target", value_name = "LAYER", alias = "to", alias = "layer")]
    to: String,
    /// Keep only rows within this distance (e.g. 25km, 500m, 10mi; a bare number is km); without it, every row.
    #[arg(long, value_name = "DIST", value_parser = parse_distance, allow_hyphen_values = true)]
    within: Option<f64>,
    #[command(flatten)]
    output: Output,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let layer = Catalogue::load(&args.to)?;
    super::refuse_empty("--target", &args.to, &layer)?;
    let index = DistanceIndex::new(&layer);
    // The side is reported for the Durand Line however it was given (the
    // built-in name, its GeoJSON file, a copy).
    let durand = is_durand_line(&layer);
    let locator = if durand { Some(Locator::new()?) } else { None };
    let within = args.within;
    DistanceIndex::check_query(1, within)?;
    let labels = layer.labels();
    super::points::run(
        &args.input,
        &args.output,
        super::Files::default().layer("--target", &args.to),
        |cols| {
            let mut wanted = [
                "distance_km",
                "nearest_feature",
                "nearest_lon",
                "nearest_lat",
            ]
            .map(String::from)
            .to_vec();
            if durand {
                wanted.push("side".into());
            }
            let n = added_names(cols, &wanted);
            let mut v = vec![
                Column::fixed(n[0].clone(), 3),
                Column::text(n[1].clone()),
                Column::fixed(n[2].clone(), 6),
                Column::fixed(n[3].clone(), 6),
            ];
            v.extend(n.get(4).cloned().map(Column::text));
            v
        },
        |r, cells| {
            // (The reader has checked the coordinates and `within` was
            // checked above: no error is possible.)
            let Ok(Some(hit)) = index.nearest(r.coord, within) else {
                return false;
            };
            cells.extend([
                Cell::from(hit.distance_m / 1000.0),
                Cell::from(labels[hit.feature].as_str()),
                Cell::from(hit.nearest.x),
                Cell::from(hit.nearest.y),
            ]);
            if let Some(loc) = &locator {
                cells.push(Cell::from(loc.durand_side(r.coord).map_or("", Side::iso3)));
            }
            true
        },
    )?;
    Ok(())
}
