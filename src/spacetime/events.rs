//! The events of a space-time test: where and on what day, read with the
//! same readers, date window, precision filter and row account as
//! [`crate::trend`], and which of them a lead or follow condition picks.

use crate::error::{Error, Param, Result};
use crate::ingest::{Batch, Cell, PointSource, find_column};
use crate::query::Locator;
use crate::summary::{self, Account, Admit, Needed, admit, walk_batch};
use crate::window::Window;
use chrono::{Datelike, NaiveDate};
use geo::Coord;

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A column of the points.
    Column(String),
    /// The country frontier locates the point in (ISO3: `PAK`, `AFG`, ...).
    Country,
    /// The province (Pakistan only).
    Province,
    /// The district (Pakistan only).
    District,
    /// The side of the Durand Line: `PAK` or `AFG`.
    Side,
}

/// `FIELD=VALUE`: events whose field equals the value (ignoring case and
/// surrounding spaces). `country`, `province`, `district` and `side` are
/// frontier's own, located on the built-in layers even when the points
/// have a column of that name; `column:NAME=VALUE` reads such a column.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The field.
    pub field: Field,
    /// The value it must have.
    pub value: String,
}

impl std::str::FromStr for Condition {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Condition, String> {
        let (k, v) = s.split_once('=').ok_or_else(|| {
            format!("{s:?} is not FIELD=VALUE (e.g. country=AFG, side=PAK, event_type=Battles)")
        })?;
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || v.is_empty() {
            return Err(format!(
                "{s:?}: give both a field and a value, e.g. country=AFG"
            ));
        }
        let field = match k.to_ascii_lowercase().as_str() {
            "country" => Field::Country,
            "province" => Field::Province,
            "district" => Field::District,
            "side" => Field::Side,
            _ => Field::Column(k.strip_prefix("column:").unwrap_or(k).to_string()),
        };
        Ok(Condition {
            field,
            value: v.to_string(),
        })
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match &self.field {
            Field::Column(c)
                if ["country", "province", "district", "side"]
                    .contains(&c.to_ascii_lowercase().as_str()) =>
            {
                write!(f, "column:{c}={}", self.value)
            }
            Field::Column(c) => write!(f, "{c}={}", self.value),
            Field::Country => write!(f, "country={}", self.value),
            Field::Province => write!(f, "province={}", self.value),
            Field::District => write!(f, "district={}", self.value),
            Field::Side => write!(f, "side={}", self.value),
        }
    }
}

/// Events: place, day and which conditions each meets.
#[derive(Debug, Clone, Default)]
pub struct Events {
    /// Where (lon/lat degrees).
    pub coords: Vec<Coord>,
    /// The day, counted from 1 January of year 1 (any fixed origin works:
    /// only differences are used).
    pub days: Vec<i64>,
    /// Per event, whether it meets the lead condition (empty without one).
    pub lead: Vec<bool>,
    /// Per event, whether it meets the follow condition.
    pub follow: Vec<bool>,
}

impl Events {
    /// Events from places and dates, without conditions.
    pub fn new(coords: Vec<Coord>, dates: &[NaiveDate]) -> Events {
        Events {
            coords,
            days: dates.iter().map(|&d| day(d)).collect(),
            ..Default::default()
        }
    }
}

/// A date's day number.
pub(crate) fn day(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The summary options that admit a point by `window` (its dates and
/// precision; a space-time test has no split).
pub(crate) fn admitting(window: &Window) -> summary::Options {
    summary::Options {
        window: Window {
            split: None,
            ..*window
        },
        ..Default::default()
    }
}

/// Where the condition's value comes from in one batch.
enum Source {
    Column(usize),
    Located(Field),
}

fn cell_text(batch: &Batch, col: usize, i: usize) -> String {
    match batch.cell(col, i) {
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        Cell::Missing => String::new(),
    }
}

/// Read the events of `source` in `window`, their dates from the column
/// called `date` (by default the one the header's names say), with the
/// `lead` and `follow` conditions (both or neither). Rows without a readable date are errors,
/// or rejects when the source skips invalid rows; every row is in the
/// account.
pub fn read_events(
    source: &mut PointSource,
    window: &Window,
    date: Option<&str>,
    conditions: Option<(&Condition, &Condition)>,
) -> Result<(Events, Account)> {
    window.check()?;
    if date.is_none() && source.schema().date.is_none() {
        return Err(Error::MissingColumn {
            origin: source.origin().into(),
            param: Param::Date,
            named: None,
            columns: source.schema().columns.clone(),
        });
    }
    events_from(
        || source.next_batch(crate::row::CHUNK_ROWS),
        window,
        date,
        conditions,
    )
}

/// [`read_events`] of the points of a [`Batch`] (from arrays, a data
/// frame): the same events and account as a file of the same points gives.
pub fn read_events_batch(
    batch: &Batch,
    window: &Window,
    date: Option<&str>,
    conditions: Option<(&Condition, &Condition)>,
) -> Result<(Events, Account)> {
    window.check()?;
    let mut one = Some(batch.clone());
    events_from(|| Ok(one.take()), window, date, conditions)
}

/// The events of each batch `next` gives until `None`.
fn events_from(
    mut next: impl FnMut() -> Result<Option<Batch>>,
    window: &Window,
    date: Option<&str>,
    conditions: Option<(&Condition, &Condition)>,
) -> Result<(Events, Account)> {
    let opts = summary::Options {
        date: date.map(str::to_string),
        ..admitting(window)
    };
    let located = conditions
        .is_some_and(|(a, b)| [a, b].iter().any(|c| !matches!(c.field, Field::Column(_))));
    let locator = if located { Some(Locator::new()?) } else { None };
    let mut events = Events::default();
    let mut account = Account::default();
    while let Some(batch) = next()? {
        let schema = batch.schema();
        if date.is_none() && schema.date.is_none() {
            return Err(Error::MissingColumn {
                origin: batch.origin().into(),
                param: Param::Date,
                named: None,
                columns: schema.columns.clone(),
            });
        }
        let needed = Needed::new(batch.origin(), schema, &opts, true)?;
        let sources: Vec<(Source, &Condition)> = match conditions {
            None => Vec::new(),
            Some((a, b)) => [(a, "lead"), (b, "follow")]
                .into_iter()
                .map(|(c, role)| {
                    Ok((
                        match &c.field {
                            Field::Column(name) => Source::Column(
                                find_column(&schema.columns, name).ok_or_else(|| Error::Input {
                                    origin: batch.origin().into(),
                                    message: format!(
                                        "no column named {name:?} for the {role} condition {c} (columns: {})",
                                        schema.columns.join(", ")
                                    ),
                                })?,
                            ),
                            f => Source::Located(f.clone()),
                        },
                        c,
                    ))
                })
                .collect::<Result<_>>()?,
        };
        let mut rejects = Vec::new();
        let read = walk_batch(
            &batch,
            &needed,
            |f, i| {
                let loc = locator.as_ref().map(|l| l.locate(f.at));
                let meets = |(src, c): &(Source, &Condition)| -> bool {
                    let got = match src {
                        Source::Column(col) => cell_text(&batch, *col, i),
                        Source::Located(field) => {
                            let loc = loc.expect("a locator for located fields");
                            match field {
                                Field::Country => loc.country.unwrap_or(""),
                                Field::Province => loc.province.unwrap_or(""),
                                Field::District => loc.district.unwrap_or(""),
                                _ => loc
                                    .country
                                    .filter(|c| matches!(*c, "PAK" | "AFG"))
                                    .unwrap_or(""),
                            }
                            .to_string()
                        }
                    };
                    got.eq_ignore_ascii_case(c.value.trim())
                };
                (
                    sources.first().is_some_and(meets),
                    sources.get(1).is_some_and(meets),
                )
            },
            &mut rejects,
        )?;
        for (f, (lead, follow)) in read {
            if admit(&opts, &mut account, &f) != Admit::Counted {
                continue;
            }
            events.coords.push(f.at);
            events.days.push(day(f.date.expect("dates are read")));
            if conditions.is_some() {
                events.lead.push(lead);
                events.follow.push(follow);
            }
        }
        for r in rejects {
            account.rows_in += 1;
            account.rejected += 1;
            account.rejects.push(r);
        }
    }
    Ok((events, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_read_from_text() {
        let c: Condition = "country=AFG".parse().unwrap();
        assert_eq!(c.field, Field::Country);
        assert_eq!(c.value, "AFG");
        let c: Condition = " event_type = Battles ".parse().unwrap();
        assert_eq!(c.field, Field::Column("event_type".into()));
        assert_eq!(c.to_string(), "event_type=Battles");
        let c: Condition = "column:country=Pakistan".parse().unwrap();
        assert_eq!(c.field, Field::Column("country".into()));
        assert_eq!(c.to_string(), "column:country=Pakistan");
        assert!("country".parse::<Condition>().is_err());
        assert!("=AFG".parse::<Condition>().is_err());
    }
}
