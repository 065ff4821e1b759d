//! The user's layers, each in its style.

use super::Style;
use super::canvas::{Canvas, Ink, pen};
use super::legend::Entry;
use super::paint::geometry_path;
use super::symbols::circle;
use super::view::View;
use crate::layer::Layer;
use geo::Geometry;
use tiny_skia::FillRule;

/// Draw each layer in its style; one legend entry per layer.
pub(super) fn draw_layers(cv: &mut Canvas, view: &View, layers: &[(Layer, Style)]) -> Vec<Entry> {
    let mut legend = Vec::new();
    for (layer, st) in layers {
        for f in &layer.features {
            match &f.geometry {
                Geometry::Point(p) => {
                    let (x, y) = view.px(p.0);
                    circle(cv, x, y, st.width * 2.0, st.color, 0.9, Some(0xffffff));
                }
                Geometry::MultiPoint(m) => {
                    for p in &m.0 {
                        let (x, y) = view.px(p.0);
                        circle(cv, x, y, st.width * 2.0, st.color, 0.9, Some(0xffffff));
                    }
                }
                g => {
                    if let Some(p) = geometry_path(view, g) {
                        if let Some(fc) = st.fill {
                            cv.fill(&p, Ink::Solid(fc, 0.55), FillRule::EvenOdd);
                        }
                        let dash = st.dashed.then(|| vec![st.width * 4.0, st.width * 2.0]);
                        cv.stroke(&p, pen(st.color, 1.0, st.width, dash));
                    }
                }
            }
        }
        legend.push(Entry::Line(
            st.color,
            st.width,
            st.dashed,
            layer.name.clone(),
        ));
    }
    legend
}
