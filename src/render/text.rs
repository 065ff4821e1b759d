//! Text: DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`)
//! embedded in the binary, laid out with ab_glyph and blended onto the map;
//! Arabic script (Urdu, Pashto, Dari) shaped right to left in Noto Naskh
//! Arabic ([`super::shape`]).
//!
//! Sizes are the font's height (DejaVu's ascent plus descent); Noto Naskh
//! is drawn at [`super::fonts::ARABIC_SCALE`] times DejaVu's em at that height.

pub use super::fonts::Weight;
use super::fonts::{Family, family_font, font};
use super::shape::{self, needs_shaping};
use ab_glyph::{Font, GlyphId, PxScale, ScaleFont, point};
use tiny_skia::{Pixmap, PremultipliedColorU8};

/// The ab_glyph scale (a font's height) that draws `family` at the em of
/// DejaVu at height `size` (Noto Naskh a little larger:
/// [`super::fonts::ARABIC_SCALE`]).
pub(super) fn family_scale(family: Family, size: f32, w: Weight) -> PxScale {
    let f = family_font(family, w);
    PxScale::from(
        em(size, w) * family.em_scale() * f.height_unscaled() / f.units_per_em().unwrap_or(1000.0),
    )
}

/// Width and height (ascent + descent) of `text` at `size` pixels.
pub fn measure(text: &str, size: f32, w: Weight) -> (f32, f32) {
    if needs_shaping(text) {
        let f = font(w).as_scaled(PxScale::from(size));
        return (
            shape::shape(text, w).width * em(size, w),
            f.ascent() - f.descent(),
        );
    }
    let f = font(w).as_scaled(PxScale::from(size));
    let mut x = 0.0;
    let mut prev = None;
    for ch in text.chars() {
        let id = f.glyph_id(ch);
        if let Some(p) = prev {
            x += f.kern(p, id);
        }
        x += f.h_advance(id);
        prev = Some(id);
    }
    (x, f.ascent() - f.descent())
}

/// `text` made to fit `width` pixels: drawn smaller, down to three
/// quarters of `size`, and if that is not enough, cut at a character
/// boundary with an ellipsis. Returns the text and its size.
pub fn fit(text: &str, size: f32, w: Weight, width: f32) -> (String, f32) {
    let (tw, _) = measure(text, size, w);
    if tw <= width {
        return (text.to_string(), size);
    }
    let small = (size * width / tw).max(0.75 * size);
    if measure(text, small, w).0 <= width {
        return (text.to_string(), small);
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest head that fits with its ellipsis (binary search on the
    // number of characters: widths grow with the head).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let head: String = chars[..mid].iter().collect();
        if measure(&format!("{}…", head.trim_end()), small, w).0 <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let head: String = chars[..lo].iter().collect();
    (format!("{}…", head.trim_end()), small)
}

/// The em size (a font size as CSS, SVG and PDF mean it) of text drawn
/// at `size`: sizes here are the font's height, ascent plus descent.
pub fn em(size: f32, w: Weight) -> f32 {
    let f = font(w);
    size * f.units_per_em().unwrap_or(2048.0) / f.height_unscaled()
}

/// Ascent of the font at `size` (baseline below the top of the text box).
pub fn ascent(size: f32, w: Weight) -> f32 {
    font(w).as_scaled(PxScale::from(size)).ascent()
}

fn blend(p: &mut PremultipliedColorU8, rgb: u32, alpha: f32) {
    let a = alpha.clamp(0.0, 1.0);
    let (r, g, b) = (
        ((rgb >> 16) & 0xff) as f32,
        ((rgb >> 8) & 0xff) as f32,
        (rgb & 0xff) as f32,
    );
    let inv = 1.0 - a;
    let mix = |s: f32, d: u8| (s * a + d as f32 * inv).round().clamp(0.0, 255.0) as u8;
    let na = mix(255.0, p.alpha());
    let nr = mix(r, p.red()).min(na);
    let ng = mix(g, p.green()).min(na);
    let nb = mix(b, p.blue()).min(na);
    if let Some(c) = PremultipliedColorU8::from_rgba(nr, ng, nb, na) {
        *p = c;
    }
}

/// Draw `text` with its top-left corner at (`x`, `y`), in colour `rgb`;
/// with a halo, first in the halo colour around each glyph (for labels over
/// busy map). Returns the drawn box (x, y, w, h).
#[allow(clippy::too_many_arguments)] // position, size, weight, colour, halo: all needed at every call
pub fn draw(
    pm: &mut Pixmap,
    text: &str,
    x: f32,
    y: f32,
    size: f32,
    w: Weight,
    rgb: u32,
    halo: Option<u32>,
) -> (f32, f32, f32, f32) {
    draw_with_halo(pm, text, x, y, size, w, rgb, halo.map(|c| (c, 1)))
}

/// [`draw`] with a halo of colour and radius (pixels).
#[allow(clippy::too_many_arguments)] // as draw
pub fn draw_with_halo(
    pm: &mut Pixmap,
    text: &str,
    x: f32,
    y: f32,
    size: f32,
    w: Weight,
    rgb: u32,
    halo: Option<(u32, i32)>,
) -> (f32, f32, f32, f32) {
    let f = font(w);
    let sf = f.as_scaled(PxScale::from(size));
    let base = y + sf.ascent();
    let (width, height) = (pm.width() as i32, pm.height() as i32);
    let mut glyphs = Vec::new();
    let mut cx = x;
    if needs_shaping(text) {
        let line = shape::shape(text, w);
        let e = em(size, w);
        for g in &line.glyphs {
            let scale = family_scale(g.family, size, w);
            let at = point(x + g.x * e, base + g.y * e);
            glyphs.push((g.family, GlyphId(g.id).with_scale_and_position(scale, at)));
        }
        cx = x + line.width * e;
    } else {
        let mut prev = None;
        for ch in text.chars() {
            let id = sf.glyph_id(ch);
            if let Some(p) = prev {
                cx += sf.kern(p, id);
            }
            let g = id.with_scale_and_position(PxScale::from(size), point(cx, base));
            glyphs.push((Family::Latin, g));
            cx += sf.h_advance(id);
            prev = Some(id);
        }
    }
    let passes: Vec<(u32, Vec<(i32, i32)>)> = match halo {
        // Radius 1: the 8 neighbours; wider: every offset within the radius.
        Some((h, r)) => {
            let r = r.max(1);
            let mut ring = Vec::new();
            for dy in -r..=r {
                for dx in -r..=r {
                    if (dx, dy) != (0, 0) && (r == 1 || dx * dx + dy * dy <= r * r) {
                        ring.push((dx, dy));
                    }
                }
            }
            vec![(h, ring), (rgb, vec![(0, 0)])]
        }
        None => vec![(rgb, vec![(0, 0)])],
    };
    for (colour, offsets) in passes {
        for (family, g) in &glyphs {
            let Some(og) = family_font(*family, w).outline_glyph(g.clone()) else {
                continue;
            };
            let bb = og.px_bounds();
            for &(ox, oy) in &offsets {
                let pixels = pm.pixels_mut();
                og.draw(|gx, gy, c| {
                    let px = bb.min.x as i32 + gx as i32 + ox;
                    let py = bb.min.y as i32 + gy as i32 + oy;
                    if px >= 0 && py >= 0 && px < width && py < height && c > 0.0 {
                        blend(&mut pixels[(py * width + px) as usize], colour, c);
                    }
                });
            }
        }
    }
    (x, y, cx - x, sf.ascent() - sf.descent())
}

#[cfg(test)]
mod tests {
    use super::{Weight, fit, measure};

    #[test]
    fn fit_shrinks_then_cuts_to_the_width() {
        let short = "Events per month";
        assert_eq!(
            fit(short, 14.0, Weight::Regular, 1000.0),
            (short.to_string(), 14.0)
        );
        // A little too long: drawn smaller, whole.
        let (w, _) = measure(short, 14.0, Weight::Regular);
        let (t, s) = fit(short, 14.0, Weight::Regular, w * 0.9);
        assert_eq!(t, short);
        assert!((10.5..14.0).contains(&s) && measure(&t, s, Weight::Regular).0 <= w * 0.9);
        // Far too long: three quarters of the size, cut with an ellipsis.
        let long = "Events per month, 2019-01-01 to 2025-12-31 · the 6 of 8 groups with the most events · split at 2021-08-15";
        let (t, s) = fit(long, 14.0, Weight::Regular, 300.0);
        assert_eq!(s, 10.5);
        assert!(t.ends_with('…') && t.len() < long.len(), "{t}");
        assert!(measure(&t, s, Weight::Regular).0 <= 300.0);
        // One more character would not have fitted.
        let head = t.trim_end_matches('…');
        let next: String = long.chars().take(head.chars().count() + 1).collect();
        assert!(
            measure(&format!("{}…", next.trim_end()), s, Weight::Regular).0 > 300.0
                || next.ends_with(' ')
        );
    }
}
