//! Classes for choropleths (quantile, equal interval, Jenks natural
//! breaks), palettes, and numbers formatted for people.

/// How class breaks are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Equal numbers of features per class.
    Quantile,
    /// Equal widths.
    Equal,
    /// Jenks natural breaks (Fisher's exact optimisation).
    Jenks,
}

impl crate::Named for Method {
    const ALL: &'static [(&'static str, Method)] = &[
        ("quantile", Method::Quantile),
        ("equal", Method::Equal),
        ("jenks", Method::Jenks),
    ];
}

/// Class breaks `[min, b1, ..., max]` (`k + 1` values; fewer when the data
/// have fewer distinct values). Empty input gives no breaks.
pub fn breaks(values: &[f64], k: usize, method: Method) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || k == 0 {
        return Vec::new();
    }
    // More classes than values (and a thousand) would only repeat breaks.
    let k = k.min(v.len().max(1000));
    v.sort_by(f64::total_cmp);
    let (lo, hi) = (v[0], v[v.len() - 1]);
    let mut out = match method {
        Method::Equal => (0..=k)
            .map(|i| lo + (hi - lo) * i as f64 / k as f64)
            .collect(),
        Method::Quantile => {
            let mut b = vec![lo];
            for i in 1..k {
                // The value below which a fraction i/k of the features lie
                // (linear interpolation between order statistics, R type 7).
                let h = (v.len() - 1) as f64 * i as f64 / k as f64;
                let (f, c) = (h.floor() as usize, h.ceil() as usize);
                b.push(v[f] + (v[c] - v[f]) * (h - f as f64));
            }
            b.push(hi);
            b
        }
        Method::Jenks => jenks(&v, k),
    };
    out.dedup_by(|a, b| a == b);
    out
}

/// Fisher–Jenks natural breaks on sorted values: the partition into `k`
/// classes with the least total within-class squared deviation, by dynamic
/// programming (Jenks 1977; Fisher 1958). Returns `[min, ..., max]`.
pub fn jenks(sorted: &[f64], k: usize) -> Vec<f64> {
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let k = k.min(n);
    if k <= 1 {
        return vec![sorted[0], sorted[n - 1]];
    }
    // Prefix sums for O(1) within-class variance.
    let mut s1 = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, &x) in sorted.iter().enumerate() {
        s1[i + 1] = s1[i] + x;
        s2[i + 1] = s2[i] + x * x;
    }
    let ssd = |i: usize, j: usize| {
        // values i..j (exclusive end)
        let c = (j - i) as f64;
        let s = s1[j] - s1[i];
        s2[j] - s2[i] - s * s / c
    };
    // cost[c][j]: best cost of splitting the first j values into c+1 classes.
    let mut cost = vec![vec![f64::INFINITY; n + 1]; k];
    let mut cut = vec![vec![0usize; n + 1]; k];
    for (j, c) in cost[0].iter_mut().enumerate().skip(1) {
        *c = ssd(0, j);
    }
    for c in 1..k {
        for j in (c + 1)..=n {
            for i in c..j {
                let v = cost[c - 1][i] + ssd(i, j);
                if v < cost[c][j] {
                    cost[c][j] = v;
                    cut[c][j] = i;
                }
            }
        }
    }
    let mut b = vec![sorted[n - 1]];
    let mut j = n;
    for c in (1..k).rev() {
        let i = cut[c][j];
        // The break is the largest value of the lower class.
        b.push(sorted[i - 1]);
        j = i;
    }
    b.push(sorted[0]);
    b.reverse();
    b
}

/// Index of the class of `v` given `breaks` (`[min, ..., max]`).
pub fn class_of(v: f64, breaks: &[f64]) -> usize {
    let k = breaks.len().saturating_sub(1).max(1);
    (1..breaks.len())
        .find(|&i| v <= breaks[i])
        .map_or(k - 1, |i| i - 1)
}

/// A sequential palette by name: `ylorrd` (default), `blues`, `greens`,
/// `purples`, `viridis`. ColorBrewer schemes (Cynthia A. Brewer, Penn State,
/// Apache-2.0) and viridis (van der Walt and Smith, CC0), all colour-blind safe.
pub fn palette(name: &str) -> crate::Result<&'static [u32; 9]> {
    sequential(name).ok_or_else(|| crate::Error::InvalidSetting {
        param: crate::error::Param::Palette,
        value: name.to_string(),
        expected: "use ylorrd, blues, greens, purples or viridis".into(),
    })
}

/// The nine colours of a sequential palette (ColorBrewer, and viridis), or
/// `None` for an unknown name.
pub fn sequential(name: &str) -> Option<&'static [u32; 9]> {
    Some(match name.to_ascii_lowercase().as_str() {
        "ylorrd" => &[
            0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026,
            0x800026,
        ],
        "blues" => &[
            0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c,
            0x08306b,
        ],
        "greens" => &[
            0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x006d2c,
            0x00441b,
        ],
        "purples" => &[
            0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3, 0x54278f,
            0x3f007d,
        ],
        "viridis" => &[
            0xfde725, 0xaddc30, 0x5ec962, 0x28ae80, 0x21918c, 0x2c728e, 0x3b528b, 0x472d7b,
            0x440154,
        ],
        _ => return None,
    })
}

/// `k` colours spread over a 9-colour sequential palette, light to dark
/// (the lightest step is skipped so class 1 stands out from plain land).
pub fn ramp(palette: &[u32; 9], k: usize) -> Vec<u32> {
    if k <= 1 {
        return vec![palette[5]];
    }
    (0..k)
        .map(|i| palette[1 + (i * 7 + (k - 1) / 2) / (k - 1)])
        .collect()
}

/// Okabe–Ito qualitative colours (colour-blind safe), for categories.
pub const CATEGORICAL: [u32; 7] = [
    0xE69F00, 0x56B4E9, 0x009E73, 0xD55E00, 0x0072B2, 0xCC79A7, 0xF0E442,
];

/// A number for people: 1.2k, 35%, 0.25, 1.2M.
pub fn human(v: f64, percent: bool) -> String {
    if percent {
        let p = v * 100.0;
        return if p.abs() >= 10.0 || p == p.round() {
            format!("{p:.0}%")
        } else {
            format!("{p:.1}%")
        };
    }
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e6 {
        format!("{}M", trim(format!("{:.1}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.0}", v / 1e3)))
    } else if a >= 1e3 {
        format!("{}k", trim(format!("{:.1}", v / 1e3)))
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        trim(format!("{v:.1}"))
    } else {
        trim(format!("{v:.2}"))
    }
}

/// The largest 1, 2 or 5 × 10ⁿ not above `v` (0 for `v` ≤ 0): a round
/// length for a scale bar or a legend.
pub(super) fn nice_floor(v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= v {
            return m * p;
        }
    }
    p
}

/// A scale bar's length as a reader says it: `500 m`, `25 km`, `1,000 km`.
pub(super) fn scale_label(km: f64) -> String {
    if km < 1.0 {
        return format!("{} m", (km * 1000.0).round());
    }
    let whole = km.round() as u64;
    if (km - whole as f64).abs() > 1e-9 {
        return format!("{km} km");
    }
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out} km")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jenks_published_example() {
        // The example in the jenkspy documentation: 3 classes of these 12
        // values break at [1.2, 2.3, 5.0, 7.8].
        let v = [1.3, 7.1, 7.3, 2.3, 3.9, 4.1, 7.8, 1.2, 4.3, 7.3, 5.0, 4.3];
        assert_eq!(breaks(&v, 3, Method::Jenks), vec![1.2, 2.3, 5.0, 7.8]);
    }

    #[test]
    fn jenks_separates_obvious_clusters() {
        let v = [1.0, 1.1, 1.2, 10.0, 10.5, 11.0, 100.0, 101.0];
        assert_eq!(breaks(&v, 3, Method::Jenks), vec![1.0, 1.2, 11.0, 101.0]);
    }

    #[test]
    fn scale_labels_read_as_people_write_them() {
        assert_eq!(super::scale_label(0.5), "500 m");
        assert_eq!(super::scale_label(25.0), "25 km");
        assert_eq!(super::scale_label(1000.0), "1,000 km");
        assert_eq!(super::scale_label(2000.0), "2,000 km");
    }

    #[test]
    fn quantile_and_equal() {
        let v: Vec<f64> = (1..=9).map(f64::from).collect();
        assert_eq!(
            breaks(&v, 4, Method::Quantile),
            vec![1.0, 3.0, 5.0, 7.0, 9.0]
        );
        assert_eq!(breaks(&v, 4, Method::Equal), vec![1.0, 3.0, 5.0, 7.0, 9.0]);
        assert_eq!(class_of(1.0, &[1.0, 3.0, 5.0]), 0);
        assert_eq!(class_of(3.0, &[1.0, 3.0, 5.0]), 0);
        assert_eq!(class_of(3.5, &[1.0, 3.0, 5.0]), 1);
        assert_eq!(class_of(9.0, &[1.0, 3.0, 5.0]), 1);
    }

    #[test]
    fn people_numbers() {
        assert_eq!(human(1234.0, false), "1.2k");
        assert_eq!(human(35_000.0, false), "35k");
        assert_eq!(human(1_250_000.0, false), "1.2M");
        assert_eq!(human(0.35, true), "35%");
        assert_eq!(human(0.055, true), "5.5%");
        assert_eq!(human(12.25, false), "12.2");
        assert_eq!(human(0.5, false), "0.5");
        assert_eq!(ramp(sequential("ylorrd").unwrap(), 5).len(), 5);
    }
}
