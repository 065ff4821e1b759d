//! Any bytes as a map file (`render --spec`): nothing may panic. A file
//! that reads is drawn, small, with what it says that needs no other file
//! (extent, size and resolution, titles, labels, graticule, inset, base
//! map, the built-in layers and their styles): an image or an error.
#![no_main]

use frontier::render::mapfile::MapFile;
use frontier::render::{Extent, Format, Labels, MapSpec, PageSize, render_to};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = MapFile::parse(text, "fuzz.toml", Path::new("")) else {
        return;
    };
    // As the command line would, at a tenth of the size (fuzzing draws
    // many maps).
    let size = file.size.unwrap_or(PageSize::Pixels(1600, 1200));
    let dpi = file.dpi.unwrap_or_else(|| size.default_dpi());
    let (w, h) = size.pixels(dpi);
    let layers = file
        .layers
        .iter()
        .filter(|(name, _)| frontier::Catalogue::builtin(name).is_some())
        .filter_map(|(name, style)| Some((frontier::Catalogue::load(name).ok()?, style.clone())))
        .collect();
    let mut spec = MapSpec::default();
    spec.size = (w / 10, h / 10);
    spec.dpi = dpi / 10.0;
    spec.type_scale = size.type_scale();
    spec.extent = file.extent.unwrap_or(Extent::Named("pakistan".into()));
    spec.title = file.title;
    spec.subtitle = file.subtitle;
    spec.labels = file.labels.unwrap_or(Labels::None);
    spec.graticule = file.graticule.unwrap_or(false);
    spec.inset = file.inset.unwrap_or(false);
    spec.base_map = file.base_map.unwrap_or(true);
    spec.sources = file.sources;
    spec.layers = layers;
    let _ = render_to(&spec, file.format.unwrap_or(Format::Png));
});
