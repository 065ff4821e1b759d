//! Column names where frontier's own columns meet names the user chose.
//!
//! A table or a row command's output mixes columns frontier names
//! (`count`, `per_100k`, `distance_km`, `country`, ...) with columns named
//! after the user's (the input's own columns, a value or weight column and
//! what is derived from it, a joined table's columns, a grouping column).
//! The two must never share a name: a reader would take one for the other,
//! or a map keyed by name would keep only one of them. The rule, everywhere
//! (the command line, Python, Dask):
//!
//! - a name the user chose keeps it;
//! - a frontier column whose name is already taken (ignoring case, as a
//!   spreadsheet, SQL or R would) gets `frontier_` in front, again until it
//!   is free (`frontier_frontier_count` where `frontier_count` is the
//!   user's too);
//! - two of the user's names that meet (the same column as value and
//!   weight, a joined column named like the value's) are told apart by
//!   their role in front of the later one (`weight_fatalities`,
//!   `join_fatalities_before`).

use serde_json::{Map, Value};

/// Who named a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// One of frontier's own columns.
    Frontier,
    /// Named after the user's: the role's prefix tells it from another
    /// of the user's with the same name (`value_`, `weight_`, `join_`,
    /// `group_`).
    User(&'static str),
}

/// The final names of columns `cols` (in order) by the rule of this module.
pub fn unique_names(cols: &[(String, Owner)]) -> Vec<String> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let mut out: Vec<Option<String>> = vec![None; cols.len()];
    // The user's names first, in order.
    for (i, (name, owner)) in cols.iter().enumerate() {
        let Owner::User(role) = owner else { continue };
        let mut n = name.clone();
        while out.iter().flatten().any(|t| same(t, &n)) {
            n = format!("{role}{n}");
        }
        out[i] = Some(n);
    }
    let users: Vec<String> = out.iter().flatten().cloned().collect();
    for (i, (name, owner)) in cols.iter().enumerate() {
        if *owner != Owner::Frontier {
            continue;
        }
        let mut n = name.clone();
        while users.iter().any(|t| same(t, &n)) || out.iter().flatten().any(|t| same(t, &n)) {
            n = format!("frontier_{n}");
        }
        out[i] = Some(n);
    }
    out.into_iter()
        .map(|n| n.expect("every column named"))
        .collect()
}

/// The names of columns `added` by frontier to a table whose columns are
/// `columns` (the input's, the user's): each keeps its name unless it is
/// taken by one of `columns` or an earlier added column (ignoring case),
/// then it gets `frontier_` in front until it is free.
pub fn added_names(columns: &[String], added: &[String]) -> Vec<String> {
    // The input's names are kept as they are, duplicates and all: only the
    // added ones are chosen here.
    let mut out: Vec<String> = Vec::with_capacity(added.len());
    for name in added {
        let mut n = name.clone();
        while columns
            .iter()
            .chain(&out)
            .any(|t| t.eq_ignore_ascii_case(&n))
        {
            n = format!("frontier_{n}");
        }
        out.push(n);
    }
    out
}

/// One row of a table being made: cells in column order, each with the
/// name it would have and who named it.
#[derive(Debug, Default, Clone)]
pub struct Row {
    cells: Vec<(String, Owner, Value)>,
}

impl Row {
    /// A cell of one of frontier's columns.
    pub fn ours(&mut self, name: impl Into<String>, v: Value) {
        self.cells.push((name.into(), Owner::Frontier, v));
    }

    /// A cell of a column named after the user's (`role` tells it from
    /// another of the user's with the same name).
    pub fn theirs(&mut self, role: &'static str, name: impl Into<String>, v: Value) {
        self.cells.push((name.into(), Owner::User(role), v));
    }
}

/// The table of `rows` (every row with the same columns in the same
/// order), named by the rule of this module: the column names and one
/// object per row. `columns` names the table when it has no rows.
pub fn table(
    rows: Vec<Row>,
    columns: Option<Vec<(String, Owner)>>,
) -> (Vec<String>, Vec<Map<String, Value>>) {
    let spec: Vec<(String, Owner)> = match rows.first() {
        Some(r) => r.cells.iter().map(|(n, o, _)| (n.clone(), *o)).collect(),
        None => columns.unwrap_or_default(),
    };
    let names = unique_names(&spec);
    let rows = rows
        .into_iter()
        .map(|r| {
            debug_assert_eq!(r.cells.len(), names.len(), "rows of one shape");
            names
                .iter()
                .cloned()
                .zip(r.cells.into_iter().map(|(_, _, v)| v))
                .collect()
        })
        .collect();
    (names, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(cols: &[(&str, Owner)]) -> Vec<String> {
        unique_names(
            &cols
                .iter()
                .map(|(n, o)| (n.to_string(), *o))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn the_users_name_is_kept_and_frontiers_prefixed() {
        use Owner::*;
        assert_eq!(
            names(&[("count", Frontier), ("count", User("value_"))]),
            ["frontier_count", "count"]
        );
        assert_eq!(
            names(&[
                ("count", Frontier),
                ("COUNT", User("value_")),
                ("frontier_count", User("weight_"))
            ]),
            ["frontier_frontier_count", "COUNT", "frontier_count"]
        );
        assert_eq!(
            names(&[
                ("fatalities", User("value_")),
                ("fatalities", User("weight_"))
            ]),
            ["fatalities", "weight_fatalities"]
        );
        assert_eq!(
            names(&[("share", Frontier), ("per_100k", Frontier)]),
            ["share", "per_100k"]
        );
    }

    #[test]
    fn added_names_avoid_the_input_and_each_other() {
        let cols = ["Country", "frontier_country", "district"].map(String::from);
        let added = ["country", "province", "district", "district"].map(String::from);
        assert_eq!(
            added_names(&cols, &added),
            [
                "frontier_frontier_country",
                "province",
                "frontier_district",
                "frontier_frontier_district"
            ]
        );
    }
}
