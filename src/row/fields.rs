//! A row's values as they came: a CSV line split at its delimiter, a
//! parsed CSV record, GeoJSON properties, or unreadable bytes.

use serde_json::Value;

/// The values of a row, in schema order: a CSV line split at its commas,
/// a CSV record as the csv crate parsed it, or GeoJSON properties as JSON
/// values.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    /// A CSV line without quotes: its text is shared with the other lines
    /// read with it, and goes to CSV output as it came.
    Line(Line),
    /// A CSV record (any record with quotes), and the record's text as it
    /// came where it was read from a file.
    Text(csv::StringRecord, Option<Line>),
    /// GeoJSON property values (and the coordinates frontier added).
    Json(Vec<Value>),
    /// An unreadable record's bytes as they came (a CSV record that is not
    /// UTF-8, a GeoJSON feature as JSON text): it has no fields.
    Raw(Vec<u8>),
}

/// CSV text read together (a batch of whole records).
#[derive(Debug)]
pub(crate) struct LineText {
    pub(crate) text: String,
    /// The field delimiter.
    pub(crate) delimiter: u8,
}

/// Where one line is in a [`LineText`], and how many fields it has.
#[derive(Debug, Clone)]
pub(crate) struct LineSpan {
    pub(crate) text: std::ops::Range<u32>,
    pub(crate) fields: u32,
}

/// One CSV line without quotes, split at its commas.
#[derive(Debug, Clone)]
pub struct Line {
    pub(crate) shared: std::sync::Arc<LineText>,
    pub(crate) span: LineSpan,
}

impl Line {
    /// The line as it was read (without its line end).
    pub fn as_str(&self) -> &str {
        &self.shared.text[self.span.text.start as usize..self.span.text.end as usize]
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.span.fields as usize
    }

    /// True when the line has no fields (never: a line has at least one).
    pub fn is_empty(&self) -> bool {
        self.span.fields == 0
    }

    /// Field `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        // The delimiter is ASCII, so its positions are character
        // boundaries.
        let s = self.as_str();
        let ends = memchr::memchr_iter(self.shared.delimiter, s.as_bytes()).chain([s.len()]);
        let mut start = 0;
        for (k, end) in ends.enumerate() {
            if k == i {
                return Some(&s[start..end]);
            }
            start = end + 1;
        }
        None
    }
}

impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Fields {
    /// The row as CSV text, when it is a line that came without quotes
    /// (written out as it came, it is the same CSV as writing its fields).
    pub fn csv_line(&self) -> Option<&str> {
        match self {
            Fields::Line(l) if l.shared.delimiter == b',' => Some(l.as_str()),
            _ => None,
        }
    }

    /// The record's bytes as they came, where known (without line end).
    pub fn raw(&self) -> Option<&[u8]> {
        match self {
            Fields::Line(l) | Fields::Text(_, Some(l)) => Some(l.as_str().as_bytes()),
            Fields::Raw(b) => Some(b),
            Fields::Text(_, None) | Fields::Json(_) => None,
        }
    }

    /// Field `i` as text (empty when missing or null; other JSON values as JSON).
    pub fn text(&self, i: usize) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Fields::Line(l) => Cow::Borrowed(l.get(i).unwrap_or("")),
            Fields::Text(r, _) => Cow::Borrowed(r.get(i).unwrap_or("")),
            Fields::Raw(_) => Cow::Borrowed(""),
            Fields::Json(v) => match v.get(i) {
                None | Some(Value::Null) => Cow::Borrowed(""),
                Some(Value::String(s)) => Cow::Borrowed(s),
                Some(other) => Cow::Owned(other.to_string()),
            },
        }
    }

    /// Each field's text in order, as [`Fields::text`] gives them (a line
    /// is split once, not once per field).
    pub fn each_text(&self, mut f: impl FnMut(usize, &str)) {
        match self {
            Fields::Line(l) => l
                .as_str()
                .split(l.shared.delimiter as char)
                .enumerate()
                .for_each(|(i, t)| f(i, t)),
            Fields::Text(r, _) => r.iter().enumerate().for_each(|(i, t)| f(i, t)),
            Fields::Raw(_) => {}
            Fields::Json(v) => {
                for i in 0..v.len() {
                    f(i, &self.text(i));
                }
            }
        }
    }

    /// Every field's text, split once (for writing a whole row: asking
    /// [`Fields::text`] field by field would split a line again for each).
    pub fn texts(&self) -> Vec<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match self {
            Fields::Line(l) => l
                .as_str()
                .split(l.shared.delimiter as char)
                .map(Cow::Borrowed)
                .collect(),
            Fields::Text(r, _) => r.iter().map(Cow::Borrowed).collect(),
            Fields::Raw(_) => Vec::new(),
            Fields::Json(v) => (0..v.len()).map(|i| self.text(i)).collect(),
        }
    }

    /// Field `i` as a JSON value (CSV fields are strings).
    pub fn value(&self, i: usize) -> Value {
        match self {
            Fields::Line(l) => Value::String(l.get(i).unwrap_or("").to_string()),
            Fields::Text(r, _) => Value::String(r.get(i).unwrap_or("").to_string()),
            Fields::Raw(_) => Value::Null,
            Fields::Json(v) => v.get(i).cloned().unwrap_or(Value::Null),
        }
    }

    /// Number of fields present.
    pub fn len(&self) -> usize {
        match self {
            Fields::Line(l) => l.len(),
            Fields::Text(r, _) => r.len(),
            Fields::Raw(_) => 0,
            Fields::Json(v) => v.len(),
        }
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
