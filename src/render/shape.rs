//! Text in Arabic script (Urdu, Pashto, Dari: the region's own names) laid
//! out as glyphs: put in visual order by the Unicode bidirectional
//! algorithm (unicode-bidi, UAX #9), each run shaped by rustybuzz (a port of
//! HarfBuzz: the letters joined in their initial, medial and final forms,
//! ligatures, marks placed) in Noto Naskh Arabic (SIL Open Font Licence,
//! `assets/fonts/LICENSE-NotoNaskhArabic.txt`), the rest in DejaVu Sans.
//!
//! Text without Arabic script or right-to-left letters is not shaped here:
//! [`needs_shaping`] is false and the text module draws it letter by
//! letter with the font's kerning, as it always has.

pub use super::fonts::{ARABIC_SCALE, Family};
use super::fonts::{Weight, family_data};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use std::sync::OnceLock;
use unicode_bidi::BidiInfo;

/// The shaping face of a family and weight.
fn face(family: Family, w: Weight) -> &'static Face<'static> {
    static FACES: [OnceLock<Face<'static>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let i = (family as usize) * 2 + w as usize;
    FACES[i].get_or_init(|| {
        Face::from_slice(family_data(family, w), 0).expect("an embedded font parses")
    })
}

/// Whether a character is written in Arabic script (the Arabic blocks and
/// their presentation forms).
fn arabic(c: char) -> bool {
    matches!(c as u32,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Whether a character is written right to left (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko and their presentation forms).
fn rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Whether `text` needs shaping: it has Arabic script or right-to-left
/// letters.
pub fn needs_shaping(text: &str) -> bool {
    text.chars().any(|c| arabic(c) || rtl(c))
}

/// One glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Its family.
    pub family: Family,
    /// Its id in that family's font.
    pub id: u16,
    /// Where its origin is, from the line's start, in units of the size.
    pub x: f32,
    /// How far its origin is below the baseline, in the same units
    /// (marks placed above or below).
    pub y: f32,
    /// The characters it stands for (the first glyph of each cluster
    /// carries the cluster's; the others none).
    pub text: String,
}

/// A line of text shaped: its glyphs in visual order (left to right),
/// its width, and whether its paragraph runs right to left.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The glyphs, left to right.
    pub glyphs: Vec<Glyph>,
    /// Its advance width, in units of the size.
    pub width: f32,
    /// Whether the paragraph's direction is right to left (its first
    /// strong letter is).
    pub rtl: bool,
}

/// The family that draws character `c` of a run whose strong letters so
/// far are in `current`: Arabic script in Noto Naskh; other letters in
/// DejaVu; spaces, digits and punctuation in the family around them, if
/// it has them.
fn family_of(c: char, current: Option<Family>, w: Weight) -> Option<Family> {
    if arabic(c) {
        return Some(Family::Arabic);
    }
    if c.is_alphabetic() {
        return Some(Family::Latin);
    }
    match current {
        Some(Family::Arabic) if face(Family::Arabic, w).glyph_index(c).is_some() => {
            Some(Family::Arabic)
        }
        Some(_) => Some(Family::Latin),
        None => None,
    }
}

/// Split a run into pieces of one family each, in logical order.
fn by_family(run: &str, w: Weight) -> Vec<(Family, &str)> {
    let mut marks: Vec<(usize, Option<Family>)> = Vec::new();
    let mut current = None;
    for (i, c) in run.char_indices() {
        let f = family_of(c, current, w);
        if f.is_some() {
            current = f;
        }
        marks.push((i, f));
    }
    // Leading neutrals take the family of the first letter.
    let first = marks.iter().find_map(|m| m.1).unwrap_or(Family::Latin);
    let mut pieces: Vec<(Family, usize)> = Vec::new();
    let mut last = first;
    for (i, f) in marks {
        let f = f.unwrap_or(last);
        if pieces.last().is_none_or(|p| p.0 != f) {
            pieces.push((f, i));
        }
        last = f;
    }
    pieces
        .iter()
        .enumerate()
        .map(|(k, &(f, start))| {
            let end = pieces.get(k + 1).map_or(run.len(), |p| p.1);
            (f, &run[start..end])
        })
        .collect()
}

/// Shape `text` at an em of 1 (the caller scales): its bidirectional runs
/// in visual order, each family's piece shaped in the run's direction.
pub fn shape(text: &str, w: Weight) -> Line {
    let info = BidiInfo::new(text, None);
    let mut glyphs = Vec::new();
    let mut pen = 0.0f32;
    let mut rtl_para = false;
    for (k, para) in info.paragraphs.iter().enumerate() {
        if k == 0 {
            rtl_para = para.level.is_rtl();
        }
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for run in runs {
            let backwards = levels[run.start].is_rtl();
            let mut pieces = by_family(&text[run.clone()], w);
            if backwards {
                pieces.reverse();
            }
            for (family, piece) in pieces {
                pen = shape_piece(piece, family, w, backwards, pen, &mut glyphs);
            }
        }
    }
    Line {
        glyphs,
        width: pen,
        rtl: rtl_para,
    }
}

/// Shape one piece of one family and direction, its glyphs placed from
/// `pen` on; returns the pen after it.
fn shape_piece(
    piece: &str,
    family: Family,
    w: Weight,
    backwards: bool,
    mut pen: f32,
    out: &mut Vec<Glyph>,
) -> f32 {
    let f = face(family, w);
    let per_unit = family.em_scale() / f.units_per_em() as f32;
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(piece);
    buffer.guess_segment_properties();
    buffer.set_direction(if backwards {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let shaped = rustybuzz::shape(f, &[], buffer);
    // The characters of each cluster: from its start to the next
    // cluster's start in the text.
    let mut starts: Vec<usize> = shaped
        .glyph_infos()
        .iter()
        .map(|g| g.cluster as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut seen = std::collections::BTreeSet::new();
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        let start = info.cluster as usize;
        let text = if seen.insert(start) {
            let end = starts
                .iter()
                .find(|&&s| s > start)
                .copied()
                .unwrap_or(piece.len());
            piece.get(start..end).unwrap_or("").to_string()
        } else {
            String::new()
        };
        out.push(Glyph {
            family,
            id: info.glyph_id as u16,
            x: pen + pos.x_offset as f32 * per_unit,
            y: -(pos.y_offset as f32) * per_unit,
            text,
        });
        pen += pos.x_advance as f32 * per_unit;
    }
    pen
}

#[cfg(test)]
mod tests {
    use super::{Family, Weight, needs_shaping, shape};

    #[test]
    fn urdu_is_joined_and_read_right_to_left() {
        assert!(!needs_shaping("Peshawar 2024"));
        assert!(needs_shaping("پشاور"));
        // Peshawar: pe, sheen, alef, wao, re. Joined forms differ from the
        // letters alone (each shaped apart), and the first letter, pe,
        // stands at the right: its glyph comes last from the left.
        let word = shape("پشاور", Weight::Regular);
        assert_eq!(word.glyphs.len(), 5, "{word:?}");
        assert!(word.rtl);
        assert!(word.glyphs.iter().all(|g| g.family == Family::Arabic));
        let alone = shape("پ", Weight::Regular).glyphs[0].id;
        let last = word.glyphs.last().unwrap();
        assert_eq!(last.text, "پ");
        assert_ne!(last.id, alone, "pe takes its initial form");
        assert!(last.x > word.glyphs[0].x);
        // Every character is carried by some glyph (for copying from a PDF).
        let carried: String = word.glyphs.iter().rev().map(|g| g.text.as_str()).collect();
        assert_eq!(carried, "پشاور");
        // Mixed: the Latin stays left to right, in DejaVu.
        let mixed = shape("Kabul کابل", Weight::Bold);
        assert!(!mixed.rtl);
        assert_eq!(mixed.glyphs[0].family, Family::Latin);
        assert_eq!(mixed.glyphs[0].text, "K");
        assert_eq!(mixed.glyphs.last().unwrap().family, Family::Arabic);
        assert!(mixed.width > shape("Kabul", Weight::Bold).width);
    }
}
