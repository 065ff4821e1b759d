//! The JSON API: the library's answers for coordinates (locate, near,
//! nearest), for a point of a dataset, and for filters (summary, trend,
//! hot spots, counts). Every number is the library's, as the command
//! line's subcommands give it.

use super::app::App;
use super::filter::Filter;
use super::query::{ApiError, Query};
use super::state::Dataset;
use frontier::hotspots::{self, Weights};
use frontier::query::Side;
use frontier::summary::{Grouping, Summary, Tallier};
use frontier::trend::{Period, Trender};
use serde_json::{Map, Value, json};

/// A JSON answer.
pub type Json = Result<Value, ApiError>;

/// `/api/locate?lon&lat`: what `frontier locate` gives.
pub fn locate(app: &App, q: &Query) -> Json {
    let at = q.coord()?;
    q.finish()?;
    Ok(location(app, at))
}

fn location(app: &App, at: geo::Coord) -> Value {
    let l = app.locator.locate(at);
    json!({
        "lon": at.x, "lat": at.y,
        "country": l.country, "province": l.province, "district": l.district,
    })
}

/// `/api/near?lon&lat&target&within`: what `frontier near --target
/// LAYER --within D` gives (null when nothing is within). `to` is read as
/// an older name of `target`.
pub fn near(app: &App, q: &Query) -> Json {
    let at = q.coord()?;
    let target = target(q, "durand-line")?;
    let within = q.distance("within")?;
    q.finish()?;
    let m = app.measured(&target)?;
    near_json(app, &m, at, within)
}

fn near_json(app: &App, m: &super::app::Measured, at: geo::Coord, within: Option<f64>) -> Json {
    let Some(hit) = m.index.nearest(at, within)? else {
        return Ok(Value::Null);
    };
    let mut v = json!({
        "target": m.name,
        "distance_m": hit.distance_m,
        "distance_km": hit.distance_m / 1000.0,
        "nearest_feature": m.labels[hit.feature],
        "nearest_lon": hit.nearest.x,
        "nearest_lat": hit.nearest.y,
    });
    if m.durand {
        v["side"] = json!(app.locator.durand_side(at).map_or("", Side::iso3));
    }
    Ok(v)
}

/// The layer measured to: `target` (the command line's `--target`), or
/// its older name `to` (which elsewhere in this API is a date).
fn target(q: &Query, default: &str) -> Result<String, ApiError> {
    Ok(q.get_either("target", "to")?.unwrap_or(default).to_string())
}

/// `/api/nearest?lon&lat&target&k`: what `frontier nearest --target LAYER
/// -k K` gives. `to` is read as an older name of `target`.
pub fn nearest(app: &App, q: &Query) -> Json {
    let at = q.coord()?;
    let target = target(q, "crossings")?;
    let k = q.uint("k", 1..=100)?.unwrap_or(1) as usize;
    q.finish()?;
    let m = app.measured(&target)?;
    let hits: Vec<Value> = m
        .index
        .k_nearest(at, k, None)?
        .iter()
        .map(|h| {
            json!({
                "feature": m.labels[h.feature],
                "distance_m": h.distance_m,
                "distance_km": h.distance_m / 1000.0,
                "nearest_lon": h.nearest.x,
                "nearest_lat": h.nearest.y,
            })
        })
        .collect();
    Ok(json!({"target": m.name, "nearest": hits}))
}

/// `/api/point?ds&i`: a point's row, where it is, and how far from the
/// Durand Line and the nearest crossing.
pub fn point(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let n = d.len() as u64;
    if n == 0 {
        return Err(ApiError::not_found(format!("{} has no points", d.name)));
    }
    let i = q
        .uint("i", 0..=n - 1)?
        .ok_or_else(|| ApiError::bad("i is missing"))? as usize;
    q.finish()?;
    let f = &d.figures[i];
    let (durand, crossings) = (app.measured("durand-line")?, app.measured("crossings")?);
    let row: Map<String, Value> = d
        .row_text(i)
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    Ok(json!({
        "dataset": d.id,
        "i": i,
        "line": d.line(i),
        "lon": f.at.x, "lat": f.at.y,
        "date": f.date.map(|x| x.to_string()),
        "value": d.value.as_ref().map(|_| f.value),
        "row": row,
        "location": location(app, f.at),
        "durand_line": near_json(app, &durand, f.at, None)?,
        "nearest_crossing": near_json(app, &crossings, f.at, None)?,
    }))
}

/// The summary of `d`'s points under `f`, by `by` (districts or
/// provinces), from the points' places found once: what `frontier
/// summarize` gives for the same points and flags.
pub fn summary_of(d: &Dataset, f: &Filter, by: Grouping) -> Result<Summary, ApiError> {
    let places = d.places(by)?;
    let mut t = Tallier::new(by, f.summary_options(d)?)?;
    for (i, (fig, place)) in d.figures.iter().zip(places).enumerate() {
        if f.keeps_values(d, i) {
            t.record(fig, (place.map(usize::from), None));
        }
    }
    Ok(t.finish()?)
}

fn grouping(q: &Query) -> Result<Grouping<'static>, ApiError> {
    match q.get("by")?.unwrap_or("district") {
        "district" | "districts" => Ok(Grouping::Districts),
        "province" | "provinces" => Ok(Grouping::Provinces),
        other => Err(ApiError::bad(format!(
            "by={other:?}: give district or province"
        ))),
    }
}

fn account_json(a: &frontier::summary::Account) -> Value {
    json!({
        "rows_in": a.rows_in, "rejected": a.rejected, "outside_window": a.outside_window,
        "left_out_imprecise": a.left_out_imprecise, "counted": a.counted,
    })
}

/// `/api/summary?ds&by&filters[&name]`: the `summarize` table as JSON
/// (one group with `name`), and where every point went.
pub fn summary(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let by = grouping(q)?;
    let name = q.get("name")?.map(str::to_string);
    q.finish()?;
    if f.within_m.is_some() {
        return Err(ApiError::bad(
            "within: the summary counts every district's points; ask /api/count for a band",
        ));
    }
    let s = summary_of(d, &f, by)?;
    let (columns, mut rows) = s.table();
    if let Some(n) = &name {
        rows.retain(|r| r.get(&s.key).and_then(Value::as_str) == Some(n.as_str()));
        if rows.is_empty() {
            return Err(ApiError::not_found(format!("no {} called {n:?}", s.key)));
        }
    }
    Ok(json!({
        "dataset": d.id,
        "key": s.key,
        "value": s.value,
        "split": s.split.map(|(date, before, after)| json!({"date": date.to_string(), "days_before": before, "days_after": after})),
        "columns": columns,
        "rows": rows,
        "account": account_json(&s.account),
    }))
}

/// `/api/trend?ds&district&period&filters`: the series of one district
/// (or of every point) and, with a split, its tests: what `frontier trend
/// --group district --format json` gives for that district.
pub fn trend(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let period = q.named::<Period>("period")?.unwrap_or_default();
    let district = q.get("district")?.map(str::to_string);
    q.finish()?;
    if d.schema.date.is_none() {
        return Err(ApiError::bad(format!(
            "{} has no date column: a trend needs dates",
            d.name
        )));
    }
    let index = match &district {
        None => None,
        Some(n) => Some(
            frontier::Catalogue::shared("districts")?
                .labels()
                .iter()
                .position(|l| l == n)
                .ok_or_else(|| ApiError::not_found(format!("no district called {n:?}")))?,
        ),
    };
    // The window the command line would take without --from/--to: from
    // the start of the first counted point's period to the end of the
    // last's, over every district.
    let mut first: Option<chrono::NaiveDate> = None;
    let mut last: Option<chrono::NaiveDate> = None;
    let counted = |i: usize| {
        let p = d.figures[i].precision;
        f.keeps_values(d, i) && f.max_precision.is_none_or(|m| p.is_none_or(|p| p <= m))
    };
    for i in 0..d.len() {
        if let Some(day) = d.figures[i].date
            && counted(i)
            && f.from.is_none_or(|x| day >= x)
            && f.to.is_none_or(|x| day <= x)
        {
            first = Some(first.map_or(day, |a| a.min(day)));
            last = Some(last.map_or(day, |a| a.max(day)));
        }
    }
    let mut opts = frontier::trend::Options::default();
    opts.period = period;
    opts.value = d.value.clone();
    opts.window = frontier::window::Window::new(
        f.from.or(first.map(|x| period.start_of(x))),
        f.to.or(last.map(|x| period.next(period.start_of(x)) - chrono::Days::new(1))),
        f.split,
        f.max_precision,
    )?;
    let districts = match index {
        Some(_) => d.places(Grouping::Districts)?,
        None => &[],
    };
    let mut t = Trender::new(frontier::trend::Grouping::All, opts)?;
    t.add_figures(
        (0..d.len())
            .filter(|&i| f.keeps_values(d, i))
            .filter(|&i| index.is_none() || districts[i].map(usize::from) == index)
            .map(|i| (&d.figures[i], None)),
    )?;
    let t = t.finish()?;
    let (_, mut series) = t.series_table();
    let tests = if t.split.is_some() {
        t.tests_table(true).1
    } else {
        Vec::new()
    };
    for r in &mut series {
        r.shift_remove("group");
    }
    let mut test = tests.into_iter().next().map(Value::Object);
    if let Some(Value::Object(m)) = &mut test {
        m.shift_remove("group");
        m.shift_remove("series");
    }
    Ok(json!({
        "dataset": d.id,
        "district": district,
        "period": period.name(),
        "value": t.value,
        "split": t.split.map(|s| s.to_string()),
        "series": series,
        "test": test,
    }))
}

/// `/api/hotspots?ds&weights&permutations&seed&filters`: Gi* per district
/// (before and after with a split) and Moran's I: what `frontier hotspots
/// --format json` gives.
pub fn hotspots(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    let by = grouping(q)?;
    let weights = match q.get("weights")? {
        Some(w) => w
            .parse::<Weights>()
            .map_err(|e| ApiError::bad(format!("weights={w:?}: {e}")))?,
        None => Weights::Queen,
    };
    let permutations = q.uint("permutations", 0..=9999)?.unwrap_or(999) as usize;
    let seed = q.uint("seed", 0..=u64::MAX)?.unwrap_or(12345);
    q.finish()?;
    let s = summary_of(d, &f, by)?;
    let mut opts = f.hotspot_options()?;
    opts.weights = weights;
    opts.permutations = permutations;
    opts.seed = seed;
    let h = hotspots::hotspots_of_summary(s, by, opts)?;
    let (_, rows) = h.table();
    let mut v = h.to_json(rows);
    v["account"] = account_json(&h.account);
    Ok(v)
}

/// `/api/count?ds&filters`: points shown under the filters (with
/// `within`, those within that many km of the Durand Line, as `frontier
/// near --to durand-line --within` keeps them), and the value's sum.
pub fn count(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let f = Filter::parse(q, d)?;
    q.finish()?;
    let durand = f.within_m.map(|_| d.durand_m());
    let (mut n, mut v) = (0u64, 0.0);
    for i in 0..d.len() {
        if f.keeps(d, i, durand) {
            n += 1;
            v += d.figures[i].value;
        }
    }
    Ok(json!({
        "dataset": d.id,
        "count": n,
        "value": d.value.as_ref().map(|_| v),
        "within_km": f.within_m.map(|m| m / 1000.0),
    }))
}

/// `/api/numbers?ds&column`: a column of numbers the points can be sized
/// by: its smallest and largest numbers and how many points have none
/// (the page scales the sizes by them).
pub fn numbers(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let n = d.number_column("column", q.need("column")?)?;
    q.finish()?;
    Ok(json!({
        "dataset": d.id,
        "column": n.name,
        "min": n.range.map(|r| r.0),
        "max": n.range.map(|r| r.1),
        "missing": n.missing,
        "points": d.len(),
    }))
}

/// Most values `/api/values` answers with.
const MAX_FOUND: usize = 50;

/// `/api/values?ds&column&q`: the values of a text column containing `q`
/// (any case), with their points, most frequent first: the page lists
/// the commonest and finds the rest this way.
pub fn values(app: &App, q: &Query) -> Json {
    let d = app.dataset(q)?;
    let column = q.need("column")?;
    let text = q.get("q")?.unwrap_or("").to_lowercase();
    q.finish()?;
    let c = d
        .categories
        .iter()
        .find(|c| c.name == column)
        .ok_or_else(|| {
            let names: Vec<&str> = d.categories.iter().map(|c| c.name.as_str()).collect();
            ApiError::bad(format!(
                "column={column:?}: {} has no text column by that name to filter by (these: {})",
                d.name,
                names.join(", ")
            ))
        })?;
    let found: Vec<Value> = c
        .labels
        .iter()
        .zip(&c.counts)
        .filter(|(l, _)| l.to_lowercase().contains(&text))
        .take(MAX_FOUND)
        .map(|(l, n)| json!([l, n]))
        .collect();
    Ok(json!({"dataset": d.id, "column": c.name, "values": found}))
}
