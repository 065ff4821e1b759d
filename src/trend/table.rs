//! A trend as tables: the series one row per period, the split tests one
//! row per group, and the regression as JSON.

use super::{Its, Trend};
use crate::stats::poisson::Coefficient;
use serde_json::{Map, Value, json};

/// A number, or null when not finite or absent.
fn num(v: Option<f64>) -> Value {
    v.filter(|x| x.is_finite())
        .map_or(Value::Null, |x| json!(x))
}

fn coefficient_json(c: &Coefficient) -> Value {
    let (e, lo, hi) = c.exp();
    json!({
        "coef": c.coef, "se": c.se, "z": c.z, "p_value": c.p_value,
        "ci_low": c.ci_low, "ci_high": c.ci_high,
        "exp": e, "exp_ci_low": lo, "exp_ci_high": hi,
    })
}

impl Its {
    /// The regression as JSON: each term's coefficient (log scale), its
    /// standard error, z, p-value and 95% interval, and exp of each.
    pub fn to_json(&self) -> Value {
        json!({
            "model": "segmented quasi-Poisson regression, log link, offset log(days), scale Pearson chi2/(n-p)",
            "periods": self.periods,
            "scale": self.scale,
            "level": coefficient_json(&self.level),
            "trend": coefficient_json(&self.trend),
            "level_change": coefficient_json(&self.level_change),
            "trend_change": coefficient_json(&self.trend_change),
        })
    }
}

impl Trend {
    /// The series table: one row per span (and group), with `period`,
    /// `start`, `end`, `days`, `side` (with a split), `count` and the value
    /// sum.
    pub fn series_table(&self) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        for s in &self.series {
            for (k, sp) in self.spans.iter().enumerate() {
                let mut m = Map::new();
                if let Some(key) = &self.key {
                    m.insert(key.clone(), json!(s.name));
                }
                m.insert("period".into(), json!(sp.label));
                m.insert("start".into(), json!(sp.start.to_string()));
                m.insert("end".into(), json!(sp.end.to_string()));
                m.insert("days".into(), json!(sp.days()));
                if let Some(after) = sp.after {
                    m.insert("side".into(), json!(if after { "after" } else { "before" }));
                }
                m.insert("count".into(), json!(s.counts[k]));
                if let Some(v) = &self.value {
                    m.insert(v.clone(), json!(s.values[k]));
                }
                rows.push(m);
            }
        }
        let mut cols: Vec<String> = self.key.iter().cloned().collect();
        cols.extend(["period", "start", "end", "days"].map(String::from));
        if self.split.is_some() {
            cols.push("side".into());
        }
        cols.push("count".into());
        cols.extend(self.value.iter().cloned());
        (cols, rows)
    }

    /// The split tests: one row per group. `nested` (for JSON) keeps the
    /// regression as an `its` object and the series as `series`; otherwise
    /// the regression's jump and trend change are flat `its_*` columns.
    pub fn tests_table(&self, nested: bool) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        let (_, series_rows) = self.series_table();
        let per_group = self.spans.len();
        for (gi, s) in self.series.iter().enumerate() {
            let Some(t) = &s.test else { continue };
            let r = &t.rates;
            let mut m = Map::new();
            m.insert(self.key.clone().unwrap_or("group".into()), json!(s.name));
            m.insert("events_before".into(), json!(r.before));
            m.insert("days_before".into(), json!(r.days_before));
            m.insert(
                "per_365d_before".into(),
                json!(r.before as f64 / r.days_before * 365.0),
            );
            m.insert("events_after".into(), json!(r.after));
            m.insert("days_after".into(), json!(r.days_after));
            m.insert(
                "per_365d_after".into(),
                json!(r.after as f64 / r.days_after * 365.0),
            );
            if let Some(v) = &self.value {
                m.insert(format!("{v}_before"), json!(t.value_before));
                m.insert(format!("{v}_after"), json!(t.value_after));
            }
            m.insert("rate_ratio".into(), num(r.rate_ratio));
            m.insert("rate_ratio_ci_low".into(), json!(r.ci_low));
            m.insert("rate_ratio_ci_high".into(), num(r.ci_high));
            m.insert("p_value".into(), json!(r.p_value));
            if nested {
                m.insert(
                    "its".into(),
                    t.its.as_ref().map_or(Value::Null, Its::to_json),
                );
                m.insert(
                    "its_note".into(),
                    t.its.as_ref().err().map_or(Value::Null, |e| json!(e)),
                );
                let rows = &series_rows[gi * per_group..(gi + 1) * per_group];
                let series: Vec<Value> = rows
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        if let Some(k) = &self.key {
                            r.shift_remove(k);
                        }
                        Value::Object(r)
                    })
                    .collect();
                m.insert("series".into(), Value::Array(series));
            } else {
                let its = t.its.as_ref().ok();
                for (name, c) in [
                    ("its_level_change", its.map(|i| i.level_change)),
                    ("its_trend_before", its.map(|i| i.trend)),
                    ("its_trend_change", its.map(|i| i.trend_change)),
                ] {
                    let e = c.map(|c| c.exp());
                    m.insert(name.into(), num(e.map(|e| e.0)));
                    m.insert(format!("{name}_ci_low"), num(e.map(|e| e.1)));
                    m.insert(format!("{name}_ci_high"), num(e.map(|e| e.2)));
                    m.insert(format!("{name}_p"), num(c.map(|c| c.p_value)));
                }
                m.insert("its_scale".into(), num(its.map(|i| i.scale)));
                m.insert(
                    "its_note".into(),
                    json!(t.its.as_ref().err().cloned().unwrap_or_default()),
                );
            }
            rows.push(m);
        }
        let cols = self.tests_columns(nested);
        debug_assert!(rows.iter().all(|m| m.keys().eq(cols.iter())));
        (cols, rows)
    }

    /// The columns of [`Trend::tests_table`], in order (also when there are
    /// no rows: an empty window still has its header).
    fn tests_columns(&self, nested: bool) -> Vec<String> {
        let mut cols: Vec<String> = vec![self.key.clone().unwrap_or("group".into())];
        cols.extend(
            [
                "events_before",
                "days_before",
                "per_365d_before",
                "events_after",
                "days_after",
                "per_365d_after",
            ]
            .map(String::from),
        );
        if let Some(v) = &self.value {
            cols.extend([format!("{v}_before"), format!("{v}_after")]);
        }
        cols.extend(
            [
                "rate_ratio",
                "rate_ratio_ci_low",
                "rate_ratio_ci_high",
                "p_value",
            ]
            .map(String::from),
        );
        if nested {
            cols.extend(["its", "its_note", "series"].map(String::from));
        } else {
            for name in ["its_level_change", "its_trend_before", "its_trend_change"] {
                cols.push(name.into());
                cols.extend(["ci_low", "ci_high", "p"].map(|x| format!("{name}_{x}")));
            }
            cols.extend(["its_scale", "its_note"].map(String::from));
        }
        cols
    }
}
