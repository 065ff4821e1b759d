//! The built-in base map, in three passes around the thematic layers: the
//! land under everything (neighbours muted, Pakistan's provinces), the
//! lines over the fills (district and province boundaries, CPEC corridors,
//! the Durand Line), and the crossings over the points.

use super::canvas::{Canvas, Ink, pen};
use super::legend::Entry;
use super::paint::{
    DISTRICT_LINE, DURAND, INK, LAND, NEIGHBOUR, NEIGHBOUR_LINE, PROVINCE_LINE, corridor_colour,
    geometry_path,
};
use super::symbols::diamond;
use super::view::View;
use crate::error::Result;
use crate::layer::Catalogue;
use geo::{BoundingRect, Geometry, Rect};
use tiny_skia::FillRule;

/// Neighbouring countries, muted, and Pakistan's land.
pub(super) fn draw_land(cv: &mut Canvas, view: &View) -> Result<()> {
    for f in &Catalogue::shared("neighbours")?.features {
        if let Some(p) = geometry_path(view, &f.geometry) {
            cv.fill(&p, Ink::Solid(NEIGHBOUR, 1.0), FillRule::EvenOdd);
            cv.stroke(&p, pen(NEIGHBOUR_LINE, 1.0, 0.8, None));
        }
    }
    for f in &Catalogue::shared("provinces")?.features {
        if let Some(p) = geometry_path(view, &f.geometry) {
            cv.fill(&p, Ink::Solid(LAND, 1.0), FillRule::EvenOdd);
        }
    }
    Ok(())
}

/// Whether a geometry's box meets the extent.
fn visible(g: &Geometry, extent: Rect) -> bool {
    g.bounding_rect().is_some_and(|b| {
        b.max().x >= extent.min().x
            && b.min().x <= extent.max().x
            && b.max().y >= extent.min().y
            && b.min().y <= extent.max().y
    })
}

/// District and province boundaries, CPEC corridors and the Durand Line;
/// the legend entries of the corridors in view.
pub(super) fn draw_lines(cv: &mut Canvas, view: &View, extent: Rect) -> Result<Vec<Entry>> {
    for f in &Catalogue::shared("districts")?.features {
        if let Some(p) = geometry_path(view, &f.geometry) {
            cv.stroke(&p, pen(DISTRICT_LINE, 1.0, 0.6, None));
        }
    }
    for f in &Catalogue::shared("provinces")?.features {
        if let Some(p) = geometry_path(view, &f.geometry) {
            cv.stroke(&p, pen(PROVINCE_LINE, 1.0, 1.6, None));
        }
    }
    let mut legend = Vec::new();
    for f in &Catalogue::shared("cpec")?.features {
        let corridor = f.property_text("corridor").unwrap_or_default();
        if let Some(p) = geometry_path(view, &f.geometry) {
            cv.stroke(&p, pen(0xffffff, 0.9, 4.2, None));
            cv.stroke(&p, pen(corridor_colour(&corridor), 1.0, 2.4, None));
            if visible(&f.geometry, extent) {
                legend.push(Entry::Line(
                    corridor_colour(&corridor),
                    2.4,
                    false,
                    format!("CPEC {corridor} (schematic)"),
                ));
            }
        }
    }
    let durand = Catalogue::shared("durand-line")?;
    if let Some(p) = geometry_path(view, &durand.features[0].geometry) {
        cv.stroke(&p, pen(0xffffff, 0.9, 5.0, None));
        cv.stroke(&p, pen(DURAND, 1.0, 2.4, Some(vec![10.0, 5.0])));
    }
    Ok(legend)
}

/// The border crossings; whether any is in view.
pub(super) fn draw_crossings(cv: &mut Canvas, view: &View, extent: Rect) -> Result<bool> {
    let mut any = false;
    for f in &Catalogue::shared("crossings")?.features {
        if let Geometry::Point(p) = f.geometry {
            let (x, y) = view.px(p.0);
            any |= visible(&f.geometry, extent);
            diamond(cv, x, y, 6.0, INK);
        }
    }
    Ok(any)
}

/// The base map's legend entries, after the thematic ones.
pub(super) fn legend(corridors: Vec<Entry>, crossings: bool) -> Vec<Entry> {
    let mut legend = vec![
        Entry::Header("Boundaries".into()),
        Entry::Line(DURAND, 2.4, true, "Durand Line".into()),
        Entry::Line(PROVINCE_LINE, 1.6, false, "Province".into()),
        Entry::Line(DISTRICT_LINE, 1.0, false, "District".into()),
    ];
    legend.extend(corridors);
    if crossings {
        legend.push(Entry::Marker(INK, "Border crossing".into()));
    }
    legend
}
