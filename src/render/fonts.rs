//! The fonts embedded in the binary: DejaVu Sans and DejaVu Sans Bold
//! (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`) for Latin,
//! Greek and Cyrillic, and Noto Naskh Arabic regular and bold (SIL Open
//! Font Licence 1.1, `assets/fonts/LICENSE-NotoNaskhArabic.txt`) for
//! Arabic script; each as its TrueType bytes and parsed by ab_glyph.

use ab_glyph::FontRef;
use std::sync::OnceLock;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// The font file of a weight (TrueType), for embedding in a PDF.
pub(super) fn font_data(w: Weight) -> &'static [u8] {
    match w {
        Weight::Regular => REGULAR,
        Weight::Bold => BOLD,
    }
}

/// The parsed font of a weight.
pub(super) fn font(w: Weight) -> &'static FontRef<'static> {
    static R: OnceLock<FontRef<'static>> = OnceLock::new();
    static B: OnceLock<FontRef<'static>> = OnceLock::new();
    match w {
        Weight::Regular => {
            R.get_or_init(|| FontRef::try_from_slice(REGULAR).expect("embedded font"))
        }
        Weight::Bold => B.get_or_init(|| FontRef::try_from_slice(BOLD).expect("embedded font")),
    }
}

/// The parsed font of a family and weight.
pub(super) fn family_font(family: Family, w: Weight) -> &'static FontRef<'static> {
    static NASKH: [OnceLock<FontRef<'static>>; 2] = [OnceLock::new(), OnceLock::new()];
    match family {
        Family::Latin => font(w),
        Family::Arabic => NASKH[w as usize].get_or_init(|| {
            FontRef::try_from_slice(family_data(family, w)).expect("embedded font")
        }),
    }
}

static NASKH: &[u8] = include_bytes!("../../assets/fonts/NotoNaskhArabic-Regular.ttf");
static NASKH_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoNaskhArabic-Bold.ttf");

/// How much larger than DejaVu's em Noto Naskh's is set, so that the two
/// scripts look of one size side by side (Naskh's letters are small on
/// their em: its x-height is about 0.8 of DejaVu's).
pub const ARABIC_SCALE: f32 = 1.25;

/// Which of the two families a glyph is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// DejaVu Sans: Latin, Greek, Cyrillic, symbols.
    Latin,
    /// Noto Naskh Arabic.
    Arabic,
}

impl Family {
    /// Its em, in DejaVu's ems.
    pub fn em_scale(self) -> f32 {
        match self {
            Family::Latin => 1.0,
            Family::Arabic => ARABIC_SCALE,
        }
    }
}

/// The font file of a family and weight (TrueType).
pub(super) fn family_data(family: Family, w: Weight) -> &'static [u8] {
    match (family, w) {
        (Family::Latin, w) => font_data(w),
        (Family::Arabic, Weight::Regular) => NASKH,
        (Family::Arabic, Weight::Bold) => NASKH_BOLD,
    }
}
