//! Categorical classes for choropleths: a column of names (the hot-spot
//! classes of `frontier hotspots`, the categories of `frontier emerging`,
//! or any other text or codes), one colour per name, the names as the
//! legend.
//!
//! Names that all belong to a known [`Scheme`] take its colours and its
//! order: [`HOTSPOTS`] (`gi_class`: hot 99% … cold 99%, a red–blue
//! diverging palette) and [`EMERGING`] (ArcGIS Pro's seventeen emerging
//! hot-spot categories in ArcGIS's legend order: warm colours for the hot
//! spots, cool ones for the cold spots, a pale grey for `no pattern`).
//! Other names take the Okabe–Ito qualitative colours in the order given,
//! or alphabetical; beyond seven, the names on the fewest areas share one
//! grey `other` class, which the legend counts, rather than repeat a
//! colour.
//!
//! Every palette here keeps its colours apart for readers with a colour
//! vision deficiency: simulated for protanopia, deuteranopia and tritanopia
//! (Machado, Oliveira and Fernandes 2009, severity 1), any two colours a
//! map may show side by side (the classes of one scheme, and each with the
//! pale `no pattern`) are at least 10 CIELAB units apart (the unit tests
//! check it).
//!
//! # References
//! M. Okabe and K. Ito (2008), *Color Universal Design*. C. A. Brewer,
//! ColorBrewer 2.0 (Apache-2.0): the emerging categories' colours are
//! taken from its YlOrRd, OrRd, RdPu, Oranges, Blues, PuBu, GnBu and BuPu
//! schemes, with Paul Tol's indigo (#332288), blue (#4477AA) and cyan
//! (#66CCEE). G. M. Machado, M. M. Oliveira and L. A. F. Fernandes (2009),
//! *A physiologically-based model for simulation of color vision
//! deficiency*, IEEE TVCG 15(6). ArcGIS Pro 3, *How Emerging Hot Spot
//! Analysis works* (the categories and their order).

use std::collections::BTreeMap;

/// A known set of category names with their colours, in legend order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// Its name.
    pub name: &'static str,
    /// The legend's title when the column's name says no more.
    pub title: &'static str,
    /// Every class's name and colour, in legend order.
    pub classes: &'static [(&'static str, u32)],
    /// The legend lists every class (so maps side by side share one
    /// legend), or only the classes a map shows.
    pub list_all: bool,
}

/// The classes of `frontier hotspots` (`gi_class`), hot to cold, in a
/// diverging red–blue palette (ColorBrewer RdBu) with a neutral grey for
/// areas that are not significant.
pub const HOTSPOT_CLASSES: [(&str, u32); 7] = [
    ("hot 99%", 0xb2182b),
    ("hot 95%", 0xef8a62),
    ("hot 90%", 0xfddbc7),
    ("not significant", 0xeeeeee),
    ("cold 90%", 0xd1e5f0),
    ("cold 95%", 0x67a9cf),
    ("cold 99%", 0x2166ac),
];

/// The categories of `frontier emerging` in ArcGIS Pro's legend order
/// (the names of [`crate::spacetime::emerging::CATEGORY_NAMES`]): hot
/// spots in warm colours, the strongest darkest (intensifying dark red,
/// persistent red, new magenta, consecutive burnt orange; diminishing
/// pink, sporadic orange, oscillating salmon, historical pale yellow),
/// cold spots in the cool colours that mirror them, `no pattern` pale
/// grey, as `not significant` is in [`HOTSPOT_CLASSES`].
pub const EMERGING_CLASSES: [(&str, u32); 17] = [
    ("new hot spot", 0xc41a7c),
    ("consecutive hot spot", 0xd84801),
    ("intensifying hot spot", 0x800026),
    ("persistent hot spot", 0xb20000),
    ("diminishing hot spot", 0xf767a1),
    ("sporadic hot spot", 0xfe9829),
    ("oscillating hot spot", 0xfcbba1),
    ("historical hot spot", 0xfee390),
    ("new cold spot", 0x332288),
    ("consecutive cold spot", 0x4477aa),
    ("intensifying cold spot", 0x023858),
    ("persistent cold spot", 0x08509b),
    ("diminishing cold spot", 0x8c95c6),
    ("sporadic cold spot", 0x66ccee),
    ("oscillating cold spot", 0x98d8c9),
    ("historical cold spot", 0xc6dbef),
    ("no pattern", 0xeeeeee),
];

/// The hot-spot classes of `frontier hotspots`.
pub const HOTSPOTS: Scheme = Scheme {
    name: "hotspots",
    title: "Hot and cold spots (Gi*, FDR)",
    classes: &HOTSPOT_CLASSES,
    list_all: true,
};

/// The emerging hot-spot categories of `frontier emerging`.
pub const EMERGING: Scheme = Scheme {
    name: "emerging",
    title: "Emerging hot and cold spots",
    classes: &EMERGING_CLASSES,
    list_all: false,
};

/// The known schemes, tried in this order.
pub const SCHEMES: [Scheme; 2] = [HOTSPOTS, EMERGING];

/// Okabe–Ito qualitative colours without black (colour-blind safe), for
/// names of no known scheme.
pub const QUALITATIVE: [u32; 7] = [
    0xE69F00, 0x56B4E9, 0x009E73, 0xD55E00, 0x0072B2, 0xCC79A7, 0xF0E442,
];

/// The colour of the `other` class (names beyond [`QUALITATIVE`]'s).
pub const OTHER: u32 = 0x8c8c8c;

/// The scheme every name belongs to (ignoring case and surrounding
/// spaces), if one does; no names: none.
pub fn scheme_of<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Scheme> {
    let names: Vec<&str> = names.into_iter().collect();
    if names.is_empty() {
        return None;
    }
    SCHEMES.into_iter().find(|s| {
        names.iter().all(|n| {
            s.classes
                .iter()
                .any(|(c, _)| c.eq_ignore_ascii_case(n.trim()))
        })
    })
}

/// Categorical classes: the legend's classes (name and colour, in order)
/// and, for each name read, its class.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    /// Name and colour of each class, in legend order.
    pub legend: Vec<(String, u32)>,
    /// Each name read → its class (an index into `legend`).
    pub index: BTreeMap<String, usize>,
    /// The scheme the names belong to, if any.
    pub scheme: Option<Scheme>,
}

/// The classes of the names read, with how many areas each names: a
/// known scheme's colours and order when every name belongs to one, else
/// the qualitative colours in `order` (names it leaves out follow
/// alphabetically), the seven names on the most areas each with a colour
/// and the rest in one `other (N categories)` class.
pub fn classes(counts: &BTreeMap<String, usize>, order: &[String]) -> Classes {
    if let Some(s) = scheme_of(counts.keys().map(String::as_str)) {
        let shown: Vec<(&str, u32)> = s
            .classes
            .iter()
            .copied()
            .filter(|(c, _)| s.list_all || counts.keys().any(|n| c.eq_ignore_ascii_case(n.trim())))
            .collect();
        let index = counts
            .keys()
            .map(|n| {
                let i = shown
                    .iter()
                    .position(|(c, _)| c.eq_ignore_ascii_case(n.trim()))
                    .expect("every name is in the scheme");
                (n.clone(), i)
            })
            .collect();
        return Classes {
            legend: shown.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
            index,
            scheme: Some(s),
        };
    }
    // The legend's order: as given, then alphabetical.
    let mut names: Vec<&String> = order.iter().filter(|n| counts.contains_key(*n)).collect();
    names.extend(counts.keys().filter(|n| !order.contains(n)));
    // The names on the most areas keep a colour of their own.
    let mut by_count: Vec<&String> = names.clone();
    by_count.sort_by(|a, b| counts[*b].cmp(&counts[*a]).then(a.cmp(b)));
    let coloured: Vec<&String> = if names.len() > QUALITATIVE.len() {
        by_count[..QUALITATIVE.len() - 1].to_vec()
    } else {
        names.clone()
    };
    let mut legend = Vec::new();
    let mut index = BTreeMap::new();
    for n in names.iter().filter(|n| coloured.contains(n)) {
        index.insert((*n).clone(), legend.len());
        legend.push(((*n).clone(), QUALITATIVE[legend.len()]));
    }
    let rest: Vec<&&String> = names.iter().filter(|n| !coloured.contains(n)).collect();
    if !rest.is_empty() {
        for n in &rest {
            index.insert((**n).clone(), legend.len());
        }
        legend.push((format!("other ({} categories)", rest.len()), OTHER));
    }
    Classes {
        legend,
        index,
        scheme: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sRGB (0–255) → linear RGB.
    fn linear(c: u32) -> [f64; 3] {
        let f = |v: u32| {
            let x = v as f64 / 255.0;
            if x <= 0.04045 {
                x / 12.92
            } else {
                ((x + 0.055) / 1.055).powf(2.4)
            }
        };
        [f(c >> 16 & 255), f(c >> 8 & 255), f(c & 255)]
    }

    /// Linear RGB → CIELAB (D65).
    fn lab(rgb: [f64; 3]) -> [f64; 3] {
        let rgb = rgb.map(|v| v.clamp(0.0, 1.0));
        let m = [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ];
        let white = [0.95047, 1.0, 1.08883];
        let xyz: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| m[i][j] * rgb[j]).sum::<f64>() / white[i])
            .collect();
        let f = |t: f64| {
            if t > 216.0 / 24389.0 {
                t.cbrt()
            } else {
                (24389.0 / 27.0 * t + 16.0) / 116.0
            }
        };
        let (fx, fy, fz) = (f(xyz[0]), f(xyz[1]), f(xyz[2]));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// Machado et al. (2009), severity 1: normal vision, protanopia,
    /// deuteranopia, tritanopia (matrices on linear RGB, as in their
    /// Table and in colorspacious).
    const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
        (
            "normal",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ),
        (
            "protanopia",
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        ),
        (
            "deuteranopia",
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
        ),
        (
            "tritanopia",
            [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        ),
    ];

    /// The CIELAB colour `c` is seen as under a vision.
    fn seen(c: u32, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let l = linear(c);
        lab([0, 1, 2].map(|i| (0..3).map(|j| m[i][j] * l[j]).sum()))
    }

    fn delta(a: [f64; 3], b: [f64; 3]) -> f64 {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
    }

    /// The closest two of `colours` under any vision: (distance, names).
    fn closest(colours: &[(&str, u32)]) -> (f64, String) {
        let mut best = (f64::INFINITY, String::new());
        for (vision, m) in &VISIONS {
            for (i, a) in colours.iter().enumerate() {
                for b in &colours[i + 1..] {
                    let d = delta(seen(a.1, m), seen(b.1, m));
                    if d < best.0 {
                        best = (d, format!("{} and {} ({vision})", a.0, b.0));
                    }
                }
            }
        }
        best
    }

    #[test]
    fn the_simulation_agrees_with_colorspacious() {
        // colorspacious 1.1.2: cspace_convert(sRGB, {"name": "sRGB1+CVD",
        // "cvd_type": "deuteranomaly", "severity": 100}, "sRGB1"), then to
        // CIELab (D65).
        let cases = [
            (0xc41a7c, 2, [48.42, 0.51, -3.27]),
            (0x332288, 2, [23.64, 21.86, -50.90]),
            (0xc41a7c, 1, [36.34, 4.46, -25.49]),
            (0xc41a7c, 3, [44.89, 71.59, 21.16]),
            (0x332288, 3, [24.00, -9.42, -17.37]),
        ];
        for (c, v, want) in cases {
            let got = seen(c, &VISIONS[v].1);
            assert!(delta(got, want) < 0.05, "{c:06x} {}: {got:?}", VISIONS[v].0);
        }
    }

    #[test]
    fn colours_stay_apart_for_colour_blind_readers() {
        let no_pattern = EMERGING_CLASSES[16];
        let hot: Vec<(&str, u32)> = EMERGING_CLASSES[..8].to_vec();
        let cold: Vec<(&str, u32)> = EMERGING_CLASSES[8..16].to_vec();
        for set in [
            [hot.clone(), vec![no_pattern]].concat(),
            [cold.clone(), vec![no_pattern]].concat(),
            EMERGING_CLASSES.to_vec(),
            QUALITATIVE.iter().map(|&c| ("qualitative", c)).collect(),
            HOTSPOT_CLASSES.to_vec(),
        ] {
            let (d, which) = closest(&set);
            // The hot-spot classes are a diverging ramp: neighbours are
            // meant to be near; 5 units still tells them apart.
            let least = if set.len() == 7 && set[0].0 == "hot 99%" {
                5.0
            } else {
                10.0
            };
            assert!(d >= least, "{which}: {d:.1} CIELAB units apart");
        }
    }

    #[test]
    fn emerging_names_are_the_commands() {
        let ours: Vec<&str> = EMERGING_CLASSES.iter().map(|c| c.0).collect();
        assert_eq!(ours, crate::spacetime::emerging::CATEGORY_NAMES);
        assert_eq!(
            crate::spacetime::emerging::Category::NoPattern.name(),
            ours[16]
        );
    }

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(n, k)| (n.to_string(), *k)).collect()
    }

    #[test]
    fn a_scheme_keeps_its_order_and_lists_what_is_shown() {
        let c = classes(
            &counts(&[
                ("no pattern", 150),
                ("sporadic hot spot", 3),
                ("Consecutive Hot Spot", 3),
            ]),
            &[],
        );
        assert_eq!(c.scheme, Some(EMERGING));
        let names: Vec<&str> = c.legend.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(
            names,
            ["consecutive hot spot", "sporadic hot spot", "no pattern"]
        );
        assert_eq!(c.legend[2].1, 0xeeeeee);
        assert_eq!(c.index["Consecutive Hot Spot"], 0);
        // The hot-spot classes list all seven, so panels share a legend.
        let c = classes(&counts(&[("hot 99%", 2), ("not significant", 9)]), &[]);
        assert_eq!((c.scheme, c.legend.len()), (Some(HOTSPOTS), 7));
        assert_eq!(c.index["not significant"], 3);
        // A name of no scheme: qualitative colours for all.
        let c = classes(&counts(&[("no pattern", 1), ("riots", 1)]), &[]);
        assert_eq!(c.scheme, None);
        assert_eq!(c.legend[0], ("no pattern".to_string(), QUALITATIVE[0]));
    }

    #[test]
    fn other_names_in_order_given_and_no_colour_twice() {
        let c = classes(&counts(&[("b", 5), ("a", 1), ("c", 2)]), &["c".into()]);
        let names: Vec<&str> = c.legend.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        // Nine names: the six on the most areas keep their colours, the
        // three on the fewest are one grey class.
        let nine: Vec<(String, usize)> = (0..9).map(|i| (format!("k{i}"), 10 + i)).collect();
        let nine: BTreeMap<String, usize> = nine.into_iter().collect();
        let c = classes(&nine, &[]);
        assert_eq!(c.legend.len(), 7);
        assert_eq!(c.legend[6], ("other (3 categories)".to_string(), OTHER));
        for k in ["k0", "k1", "k2"] {
            assert_eq!(c.index[k], 6);
        }
        let colours: std::collections::BTreeSet<u32> = c.legend.iter().map(|l| l.1).collect();
        assert_eq!(colours.len(), 7);
    }
}
