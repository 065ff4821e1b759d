//! The chart of a trend that `frontier trend --chart` draws, made once
//! for every client (the command line, Python, the server).

use super::chart::ChartSpec;
use super::series::panels;

/// The most panels [`ChartSpec::of_trend`] draws unless named.
pub const MAX_PANELS: usize = 12;

impl ChartSpec {
    /// A chart of `panels` (see [`crate::render::chart::panels`]) at `size`
    /// pixels, titled `title`, its y axis `y_label` (e.g. `events per
    /// month`), its fitted lines on the time scale of `period`; without
    /// subtitle, split or source credits (set them after).
    pub fn new(
        size: (u32, u32),
        title: impl Into<String>,
        y_label: impl Into<String>,
        period: crate::trend::Period,
        panels: Vec<super::chart::Panel>,
    ) -> ChartSpec {
        ChartSpec {
            size,
            title: title.into(),
            subtitle: None,
            y_label: y_label.into(),
            period,
            panels,
            split: None,
            sources: Vec::new(),
        }
    }

    /// The chart of a trend that `frontier trend --chart` draws (every
    /// client the same): the groups named in `only` (in that order), else
    /// the [`MAX_PANELS`] with the most events; titled `title`, else by
    /// what is counted, per what period and by what; `source` credits the
    /// points. Names in `only` that are no group are left out (check them
    /// against `t.series` first to refuse them).
    pub fn of_trend(
        t: &crate::trend::Trend,
        size: (u32, u32),
        only: &[String],
        title: Option<String>,
        source: String,
    ) -> ChartSpec {
        let panels = panels(t, MAX_PANELS, only);
        let period = t.period.name();
        let by = t.key.as_ref().map_or(String::new(), |k| format!(" by {k}"));
        let window = match (t.spans.first(), t.spans.last()) {
            (Some(a), Some(b)) => format!(", {} to {}", a.start, b.end),
            _ => String::new(),
        };
        let mut subtitle = vec![format!("Events per {period}{window}")];
        if only.is_empty() && panels.len() < t.series.len() {
            subtitle.push(format!(
                "the {} of {} groups with the most events",
                panels.len(),
                t.series.len()
            ));
        }
        if let Some(s) = t.split {
            subtitle.push(format!("split at {s}; fitted: segmented quasi-Poisson regression with 95% intervals in the table"));
        }
        ChartSpec {
            size,
            title: title.unwrap_or_else(|| format!("Events per {period}{by}")),
            subtitle: Some(subtitle.join(" · ")),
            y_label: format!("events per {period}"),
            period: t.period,
            panels,
            split: t.split,
            sources: vec![source],
        }
    }
}
