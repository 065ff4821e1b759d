//! `frontier nearest`: the K nearest features of a layer to each row.

use super::CmdError;
use super::points::{Input, Output};
use frontier::Catalogue;
use frontier::output::{Cell, Column};
use frontier::query::{DistanceIndex, Hit};
use frontier::summary::names::added_names;
use std::cell::RefCell;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Input,
    /// The layer whose features are ranked: a built-in name or a GeoJSON file.
    #[arg(long = "target", value_name = "LAYER", alias = "to", alias = "layer")]
    layer: String,
    /// How many nearest features per row.
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
    k: u16,
    #[command(flatten)]
    output: Output,
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let layer = Catalogue::load(&args.layer)?;
    super::refuse_empty("--target", &args.layer, &layer)?;
    let index = DistanceIndex::new(&layer);
    let k = args.k as usize;
    DistanceIndex::check_query(k, None)?;
    let labels = layer.labels();
    super::points::run(
        &args.input,
        &args.output,
        super::Files::default().layer("--target", &args.layer),
        |cols| {
            let wanted: Vec<String> = (1..=k)
                .flat_map(|i| [format!("nearest_{i}"), format!("distance_{i}_km")])
                .collect();
            added_names(cols, &wanted)
                .chunks(2)
                .flat_map(|n| [Column::text(n[0].clone()), Column::fixed(n[1].clone(), 3)])
                .collect()
        },
        |r, cells| {
            // One buffer of hits per core, not one per row.
            thread_local!(static HITS: RefCell<Vec<Hit>> = const { RefCell::new(Vec::new()) });
            HITS.with_borrow_mut(|hits| {
                // (The reader has checked the coordinates and `k` was
                // checked above: on an error there would be no hits.)
                if index.k_nearest_into(r.coord, k, None, hits).is_err() {
                    hits.clear();
                }
                for i in 0..k {
                    match hits.get(i) {
                        Some(h) => cells.extend([
                            Cell::from(labels[h.feature].as_str()),
                            Cell::from(h.distance_m / 1000.0),
                        ]),
                        None => cells.extend([Cell::Empty, Cell::Empty]),
                    }
                }
            });
            true
        },
    )?;
    Ok(())
}
