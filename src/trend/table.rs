//! A trend's tables: the series (one row per period and group) and the
//! split tests (one row per group), as the command line writes them and
//! the Python package returns them.

use super::{Its, Trend};
use crate::stats::poisson::Coefficient;
use crate::summary::names::{self, Owner, Row};
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
    /// sum. Columns named after the user's (the value, a grouping column)
    /// keep their names; one of frontier's that they take gets `frontier_`
    /// in front ([`crate::summary::names`]).
    pub fn series_table(&self) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        for s in &self.series {
            for (k, sp) in self.spans.iter().enumerate() {
                let mut m = Row::default();
                if let Some(key) = &self.key {
                    self.put_key(&mut m, key, json!(s.name));
                }
                m.ours("period", json!(sp.label));
                m.ours("start", json!(sp.start.to_string()));
                m.ours("end", json!(sp.end.to_string()));
                m.ours("days", json!(sp.days()));
                if let Some(after) = sp.after {
                    m.ours("side", json!(if after { "after" } else { "before" }));
                }
                m.ours("count", json!(s.counts[k]));
                if let Some(v) = &self.value {
                    m.theirs("value_", v.clone(), json!(s.values[k]));
                }
                rows.push(m);
            }
        }
        let mut cols: Vec<(String, Owner)> = Vec::new();
        if let Some(k) = &self.key {
            cols.push((k.clone(), self.key_owner()));
        }
        cols.extend(["period", "start", "end", "days"].map(|c| (c.to_string(), Owner::Frontier)));
        if self.split.is_some() {
            cols.push(("side".into(), Owner::Frontier));
        }
        cols.push(("count".into(), Owner::Frontier));
        cols.extend(
            self.value
                .iter()
                .map(|v| (v.clone(), Owner::User("value_"))),
        );
        names::table(rows, Some(cols))
    }

    /// Who named the group column.
    fn key_owner(&self) -> Owner {
        if self.by_column {
            Owner::User("group_")
        } else {
            Owner::Frontier
        }
    }

    fn put_key(&self, m: &mut Row, key: &str, v: Value) {
        match self.key_owner() {
            Owner::User(role) => m.theirs(role, key, v),
            Owner::Frontier => m.ours(key, v),
        }
    }

    /// The split tests: one row per group. `nested` (for JSON) keeps the
    /// regression as an `its` object and the series as `series`; otherwise
    /// the regression's jump and trend change are flat `its_*` columns.
    /// Names as in [`Trend::series_table`].
    pub fn tests_table(&self, nested: bool) -> (Vec<String>, Vec<Map<String, Value>>) {
        let mut rows = Vec::new();
        let (series_cols, series_rows) = self.series_table();
        let per_group = self.spans.len();
        for (gi, s) in self.series.iter().enumerate() {
            let Some(t) = &s.test else { continue };
            let r = &t.rates;
            let mut m = Row::default();
            match &self.key {
                Some(k) => self.put_key(&mut m, k, json!(s.name)),
                None => m.ours("group", json!(s.name)),
            }
            m.ours("events_before", json!(r.before));
            m.ours("days_before", json!(r.days_before));
            m.ours(
                "per_365d_before",
                json!(r.before as f64 / r.days_before * 365.0),
            );
            m.ours("events_after", json!(r.after));
            m.ours("days_after", json!(r.days_after));
            m.ours(
                "per_365d_after",
                json!(r.after as f64 / r.days_after * 365.0),
            );
            if let Some(v) = &self.value {
                m.theirs("value_", format!("{v}_before"), json!(t.value_before));
                m.theirs("value_", format!("{v}_after"), json!(t.value_after));
            }
            m.ours("rate_ratio", num(r.rate_ratio));
            m.ours("rate_ratio_ci_low", json!(r.ci_low));
            m.ours("rate_ratio_ci_high", num(r.ci_high));
            m.ours("p_value", json!(r.p_value));
            if nested {
                m.ours("its", t.its.as_ref().map_or(Value::Null, Its::to_json));
                m.ours(
                    "its_note",
                    t.its.as_ref().err().map_or(Value::Null, |e| json!(e)),
                );
                let rows = &series_rows[gi * per_group..(gi + 1) * per_group];
                let series: Vec<Value> = rows
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        if self.key.is_some() {
                            r.shift_remove(&series_cols[0]);
                        }
                        Value::Object(r)
                    })
                    .collect();
                m.ours("series", Value::Array(series));
            } else {
                let its = t.its.as_ref().ok();
                for (name, c) in [
                    ("its_level_change", its.map(|i| i.level_change)),
                    ("its_trend_before", its.map(|i| i.trend)),
                    ("its_trend_change", its.map(|i| i.trend_change)),
                ] {
                    let e = c.map(|c| c.exp());
                    m.ours(name, num(e.map(|e| e.0)));
                    m.ours(format!("{name}_ci_low"), num(e.map(|e| e.1)));
                    m.ours(format!("{name}_ci_high"), num(e.map(|e| e.2)));
                    m.ours(format!("{name}_p"), num(c.map(|c| c.p_value)));
                }
                m.ours("its_scale", num(its.map(|i| i.scale)));
                m.ours(
                    "its_note",
                    json!(t.its.as_ref().err().cloned().unwrap_or_default()),
                );
            }
            rows.push(m);
        }
        names::table(rows, Some(self.tests_columns(nested)))
    }

    /// The columns of [`Trend::tests_table`] and who names each, in order
    /// (also when there are no rows: an empty window still has its header).
    fn tests_columns(&self, nested: bool) -> Vec<(String, Owner)> {
        let ours = |c: &str| (c.to_string(), Owner::Frontier);
        let mut cols = vec![match &self.key {
            Some(k) => (k.clone(), self.key_owner()),
            None => ours("group"),
        }];
        cols.extend(
            [
                "events_before",
                "days_before",
                "per_365d_before",
                "events_after",
                "days_after",
                "per_365d_after",
            ]
            .map(ours),
        );
        if let Some(v) = &self.value {
            for side in ["before", "after"] {
                cols.push((format!("{v}_{side}"), Owner::User("value_")));
            }
        }
        cols.extend(
            [
                "rate_ratio",
                "rate_ratio_ci_low",
                "rate_ratio_ci_high",
                "p_value",
            ]
            .map(ours),
        );
        if nested {
            cols.extend(["its", "its_note", "series"].map(ours));
        } else {
            for name in ["its_level_change", "its_trend_before", "its_trend_change"] {
                cols.push(ours(name));
                cols.extend(["ci_low", "ci_high", "p"].map(|x| ours(&format!("{name}_{x}"))));
            }
            cols.extend(["its_scale", "its_note"].map(ours));
        }
        cols
    }
}
