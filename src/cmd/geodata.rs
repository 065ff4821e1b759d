//! `frontier geodata build`: regenerate the built-in layers from the raw inputs.

use super::CmdError;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Derive every layer from the raw inputs and write geodata/ (deterministic).
    Build {
        /// Folder with the raw inputs (pakistan-admin-2023.topojson, census-2023-districts.csv, ...).
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Folder to write the GeoJSON layers to.
        #[arg(long, default_value = "geodata")]
        out: PathBuf,
    },
}

pub fn run(args: Args) -> Result<(), CmdError> {
    match args.action {
        Action::Build { data, out } => {
            let report = frontier::geodata::build(&data, &out)?;
            for line in report.lines {
                eprintln!("{line}");
            }
            Ok(())
        }
    }
}
