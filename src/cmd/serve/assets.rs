//! The page's files, embedded in the binary: the page itself (`web/`),
//! the vendored map library (`web/vendor/`, with its licence and version),
//! and the project's own font for the labels. Only these are served: no
//! request reaches the file system.

/// One embedded file.
pub struct Asset {
    /// Its content type.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

macro_rules! web {
    ($path:literal, $ty:expr) => {
        (
            $path,
            Asset {
                content_type: $ty,
                body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/web/", $path)),
            },
        )
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Every file served, by its path under `/`.
static FILES: &[(&str, Asset)] = &[
    web!("index.html", "text/html; charset=utf-8"),
    web!("app.js", JS),
    web!("panels.js", JS),
    web!("points.js", JS),
    web!("mapstyle.js", JS),
    web!("labels.js", JS),
    web!("style.css", CSS),
    web!("vendor/maplibre-gl.mjs", JS),
    web!("vendor/maplibre-gl-worker.mjs", JS),
    web!("vendor/maplibre-gl.css", CSS),
    web!("vendor/LICENSE-maplibre-gl.txt", TEXT),
    web!("vendor/VERSION", TEXT),
    (
        "fonts/DejaVuSans.ttf",
        Asset {
            content_type: "font/ttf",
            body: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/fonts/DejaVuSans.ttf"
            )),
        },
    ),
    (
        "fonts/DejaVuSans-Bold.ttf",
        Asset {
            content_type: "font/ttf",
            body: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/fonts/DejaVuSans-Bold.ttf"
            )),
        },
    ),
    (
        "fonts/LICENSE-DejaVu.txt",
        Asset {
            content_type: TEXT,
            body: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/fonts/LICENSE-DejaVu.txt"
            )),
        },
    ),
];

/// The file at path `segments` (`[""]` is the page).
pub fn find(segments: &[&str]) -> Option<&'static Asset> {
    let path = match segments {
        [] | [""] => "index.html".to_string(),
        s => s.join("/"),
    };
    FILES.iter().find(|(p, _)| *p == path).map(|(_, a)| a)
}
