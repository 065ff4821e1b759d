//! Any text as a layer: nothing may panic; a layer that loads can be
//! indexed and queried for containment and distance.
#![no_main]

use frontier::Layer;
use frontier::index::PolygonIndex;
use frontier::query::DistanceIndex;
use geo::Coord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(layer) = Layer::from_geojson_str("fuzz", "fuzz.geojson", text) else {
        return;
    };
    // Keep each run quick: huge layers are not what this looks for.
    if layer.features.len() > 64 {
        return;
    }
    let p = Coord { x: 69.2, y: 34.5 };
    if layer.geometry_type().contains("Polygon") {
        let _ = PolygonIndex::new(&layer).locate(p);
    }
    if !layer.features.is_empty() {
        let hit = DistanceIndex::new(&layer).nearest(p, None).ok().flatten();
        assert!(hit.is_some_and(|h| h.distance_m.is_finite() && h.distance_m >= 0.0));
    }
});
