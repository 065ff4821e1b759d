//! The emerging hot spots as the command line and the other clients write
//! them: a table (one row per area, with its series for JSON), one JSON
//! object with the settings, and GeoJSON features of the areas.

use super::emerging::Emerging;
use serde_json::{Map, Value, json};

/// A number, or null when not finite.
fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

impl Emerging {
    /// The table: one row per area; `with_series` (for JSON) adds each
    /// area's `series` of periods. A value column keeps its name (and
    /// `{value}_trend_z`, `{value}_trend_p`, and in the series); one of
    /// frontier's columns whose name it takes gets `frontier_` in front
    /// ([`crate::summary::names`]).
    pub fn table(&self, with_series: bool) -> (Vec<String>, Vec<Map<String, Value>>) {
        use crate::summary::names::{self, Owner, Row};
        let value = self.options.value.as_deref();
        let measure = value.unwrap_or("count");
        let amount = |x: f64| {
            if value.is_some() {
                num(x)
            } else {
                json!(x as u64)
            }
        };
        // The keys of a series' periods, by the same rule.
        let owner = if value.is_some() {
            Owner::User("value_")
        } else {
            Owner::Frontier
        };
        let keys = names::unique_names(
            &[
                ("period", Owner::Frontier),
                (measure, owner),
                ("gi_z", Owner::Frontier),
            ]
            .into_iter()
            .chain([("gi_p", Owner::Frontier), ("class", Owner::Frontier)])
            .map(|(n, o)| (n.to_string(), o))
            .collect::<Vec<_>>(),
        );
        let mut rows = Vec::new();
        let last = self.spans.len() - 1;
        for (a, s) in self.areas.iter().zip(&self.series) {
            let mut m = Row::default();
            m.ours(self.key.clone(), json!(a.name));
            if self.key == "district" {
                m.ours("province", json!(a.province.clone().unwrap_or_default()));
            }
            m.ours("longitude", json!(a.centre.x));
            m.ours("latitude", json!(a.centre.y));
            m.ours("category", json!(s.category.name()));
            m.ours("trend_z", num(s.trend.z));
            m.ours("trend_p", num(s.trend.p));
            m.ours("trend_s", num(s.trend.s));
            m.ours("hot_periods", json!(s.hot_periods()));
            m.ours("cold_periods", json!(s.cold_periods()));
            m.ours("periods", json!(self.spans.len()));
            let total: f64 = s.y.iter().sum();
            let (z, p) = (num(s.count_trend.z), num(s.count_trend.p));
            match value {
                Some(v) => {
                    m.theirs("value_", v, amount(total));
                    m.theirs("value_", format!("{v}_trend_z"), z);
                    m.theirs("value_", format!("{v}_trend_p"), p);
                }
                None => {
                    m.ours("count", amount(total));
                    m.ours("count_trend_z", z);
                    m.ours("count_trend_p", p);
                }
            }
            m.ours("final_period", json!(self.spans[last].label));
            m.ours("gi_z", num(s.gi[last].z));
            m.ours("gi_p", num(s.gi[last].p));
            m.ours("gi_class", json!(s.classes[last]));
            if with_series {
                let series: Vec<Value> = self
                    .spans
                    .iter()
                    .enumerate()
                    .map(|(t, sp)| {
                        let cells = [
                            json!(sp.label),
                            amount(s.y[t]),
                            num(s.gi[t].z),
                            num(s.gi[t].p),
                            json!(s.classes[t]),
                        ];
                        Value::Object(keys.iter().cloned().zip(cells).collect())
                    })
                    .collect();
                m.ours("series", Value::Array(series));
            }
            rows.push(m);
        }
        names::table(rows, None)
    }

    /// The result as one JSON object: the settings and the areas' rows
    /// with their series.
    pub fn to_json(&self) -> Value {
        let (_, rows) = self.table(true);
        json!({
            "areas": self.key,
            "hex_km": self.hex_km,
            "period": self.options.period.name(),
            "periods": self.spans.len(),
            "first_period": self.spans.first().map(|s| s.label.clone()),
            "final_period": self.spans.last().map(|s| s.label.clone()),
            "weights": self.options.weights.to_string(),
            "time_lags": self.options.time_lags,
            "classes": "Benjamini-Hochberg false discovery rate over all cells of the cube at 10%, 5% and 1%, on the two-sided normal p-values of Gi*",
            "categories": "ArcGIS Pro's emerging hot spot rules: 90% of periods, the final period, Mann-Kendall trend of the Gi* z series at p <= 0.10",
            "rows": rows.into_iter().map(Value::Object).collect::<Vec<_>>(),
        })
    }

    /// The areas as GeoJSON features with the table's columns (no series)
    /// as properties.
    pub fn features(&self) -> Value {
        let (_, rows) = self.table(false);
        let features: Vec<Value> = self
            .areas
            .iter()
            .zip(rows)
            .map(|(a, props)| {
                json!({
                    "type": "Feature",
                    "geometry": serde_json::to_value(geojson::Geometry::from(&a.geometry)).unwrap_or(Value::Null),
                    "properties": Value::Object(props),
                })
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features})
    }
}
