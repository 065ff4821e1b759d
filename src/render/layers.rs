//! The user's layers, each in its style.

use super::*;

/// Draw each layer in its style; one legend entry per layer.
pub(super) fn draw_layers(pm: &mut Pixmap, view: &View, layers: &[(Layer, Style)]) -> Vec<Entry> {
    let id = Transform::identity();
    let mut legend = Vec::new();
    for (layer, st) in layers {
        for f in &layer.features {
            match &f.geometry {
                Geometry::Point(p) => {
                    let (x, y) = view.px(p.0);
                    circle(pm, x, y, st.width * 2.0, st.color, 0.9, Some(0xffffff));
                }
                Geometry::MultiPoint(m) => {
                    for p in &m.0 {
                        let (x, y) = view.px(p.0);
                        circle(pm, x, y, st.width * 2.0, st.color, 0.9, Some(0xffffff));
                    }
                }
                g => {
                    if let Some(p) = geometry_path(view, g) {
                        if let Some(fc) = st.fill {
                            pm.fill_path(&p, &paint(fc, 0.55), FillRule::EvenOdd, id, None);
                        }
                        let dash = st.dashed.then(|| vec![st.width * 4.0, st.width * 2.0]);
                        pm.stroke_path(
                            &p,
                            &paint(st.color, 1.0),
                            &stroke(st.width, dash),
                            id,
                            None,
                        );
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
