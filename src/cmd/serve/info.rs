//! What the page asks first: the datasets (columns, values to filter by,
//! dates, the row account), the built-in layers, and the names to label
//! the map with; and each dataset's rejected rows.

use super::app::App;
use super::export::Download;
use super::query::{ApiError, Query};
use frontier::Catalogue;
use geo::InteriorPoint;
use serde_json::{Value, json};

/// Values listed per column (the page searches the rest by name).
const LISTED: usize = 200;

/// `/api`: the datasets and layers.
pub fn info(app: &App) -> Value {
    let datasets: Vec<Value> = app
        .datasets
        .iter()
        .map(|d| {
            let columns: Vec<Value> = d
                .categories
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "values": c.labels.iter().take(LISTED).zip(&c.counts).map(|(l, n)| json!([l, n])).collect::<Vec<_>>(),
                        "distinct": c.labels.len(),
                    })
                })
                .collect();
            let default_color = d
                .categories
                .iter()
                .find(|c| c.name == "event_type")
                .or(d.categories.first())
                .map(|c| c.name.clone());
            json!({
                "id": d.id,
                "name": d.name,
                "origin": d.origin,
                "synthetic": d.synthetic,
                "dialect": d.schema.dialect.name(),
                "columns": d.schema.columns,
                "date_column": d.schema.date.map(|i| d.schema.columns[i].clone()),
                "precision_column": d.schema.precision.map(|i| d.schema.columns[i].clone()),
                "value": d.value,
                "numbers": d.number_columns().collect::<Vec<_>>(),
                "categories": columns,
                "color": default_color,
                "dates": d.dates.map(|(a, b)| json!([a.to_string(), b.to_string()])),
                "bbox": d.bbox,
                "points": d.len(),
                "account": {
                    "rows_in": d.account.rows_in,
                    "rejected": d.account.rejected,
                    "kept": d.len(),
                },
                "single_from_zoom": d.tiles.single_from,
            })
        })
        .collect();
    let layers: Vec<Value> = frontier::layer::BUILTINS
        .iter()
        .map(|b| json!({"name": b.name, "description": b.description, "source": b.source, "licence": b.licence}))
        .collect();
    json!({
        "frontier": env!("CARGO_PKG_VERSION"),
        "datasets": datasets,
        "layers": layers,
        "base_layers": super::tiles::BASE_LAYERS,
        "split": app.split.to_string(),
        "startup_s": app.startup_s,
        "credits": [
            "Boundaries © OpenStreetMap contributors (ODbL 1.0)",
            "Population: Pakistan Bureau of Statistics, Census 2023",
            frontier::layer::PLACES_CREDIT,
        ],
    })
}

/// `/api/labels`: names to place on the map, each with the smallest zoom
/// it shows from: the neighbouring countries, provinces, districts,
/// cities by size, and the crossings.
pub fn labels() -> Result<Value, ApiError> {
    let mut out = Vec::new();
    let interior = |g: &geo::Geometry| g.interior_point().map(|p| (p.x(), p.y()));
    for (layer, kind, minzoom) in [
        ("neighbours", "country", 3.0),
        ("provinces", "province", 4.5),
        ("districts", "district", 7.0),
    ] {
        for f in &Catalogue::shared(layer)?.features {
            if let (Some(name), Some((x, y))) = (f.name(), interior(&f.geometry)) {
                // Small areas are named closer in (Islamabad's territory).
                let area = f.properties.get("area_km2").and_then(Value::as_f64);
                let minzoom = match area {
                    Some(a) if a < 2_000.0 && kind == "province" => 8.0,
                    _ => minzoom,
                };
                out.push(json!({"name": name, "kind": kind, "lon": x, "lat": y, "minzoom": minzoom, "rank": 0}));
            }
        }
    }
    for f in &Catalogue::shared("places")?.features {
        let pop = f
            .properties
            .get("population")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let minzoom = match pop {
            p if p >= 2e6 => 4.0,
            p if p >= 5e5 => 5.5,
            p if p >= 1e5 => 7.0,
            p if p >= 5e4 => 8.0,
            _ => 9.0,
        };
        if let (Some(name), geo::Geometry::Point(p)) = (f.name(), &f.geometry) {
            out.push(json!({"name": name, "kind": "place", "lon": p.x(), "lat": p.y(), "minzoom": minzoom, "rank": pop}));
        }
    }
    for f in &Catalogue::shared("crossings")?.features {
        if let (Some(name), geo::Geometry::Point(p)) = (f.name(), &f.geometry) {
            out.push(json!({"name": name, "kind": "crossing", "lon": p.x(), "lat": p.y(), "minzoom": 5.0, "rank": 1e9}));
        }
    }
    Ok(Value::Array(out))
}

/// `/api/rejects.csv?ds`: the rows left out when reading, with line and
/// reason, as `--rejects` writes them.
pub fn rejects(app: &App, q: &Query) -> Result<Download, ApiError> {
    let d = app.dataset(q)?;
    q.finish()?;
    let mut w = frontier::pipeline::Rejects::new(Vec::new(), &d.schema)
        .map_err(|e| ApiError::bad(format!("writing the rejects: {e}")))?;
    for r in d.rejects() {
        w.write(r)
            .map_err(|e| ApiError::bad(format!("writing the rejects: {e}")))?;
    }
    let body = w
        .finish()
        .map_err(|e| ApiError::bad(format!("writing the rejects: {e}")))?;
    Ok(Download {
        body,
        content_type: "text/csv; charset=utf-8",
        filename: format!("frontier-rejects-{}.csv", d.id),
    })
}
