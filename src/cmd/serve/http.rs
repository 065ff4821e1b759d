//! The HTTP side: connections accepted on a small tokio runtime and
//! answered by hyper (HTTP/1.1), each request routed to the page's files,
//! the tiles or the API, and answered off the async threads. Clients that
//! send nothing or send slowly are cut off, requests are bounded, and
//! every refusal is a JSON error that says what was wrong.

use super::app::App;
use super::query::{ApiError, Query, percent_decode};
use super::{api, assets, export};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Limits on what a client may do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A connection that sends no complete request head within this is
    /// closed (idle keep-alive connections too).
    pub idle: Duration,
    /// A request still being answered after this gets a 503.
    pub request: Duration,
    /// A connection is closed after this, whatever it is doing.
    pub connection: Duration,
    /// Connections served at once; more wait to be accepted.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle: Duration::from_secs(10),
            request: Duration::from_secs(60),
            connection: Duration::from_secs(600),
            connections: 256,
        }
    }
}

/// Longest request head (request line and headers) read, bytes: a longer
/// one is refused by the HTTP layer (431, without a body); within it, a
/// path or query string too long gets a JSON 414.
const MAX_HEAD: usize = 64 * 1024;
/// Longest path, bytes.
const MAX_PATH: usize = 1024;

type Reply = Response<Full<Bytes>>;

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = r.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    r
}

fn error(e: &ApiError) -> Reply {
    let body = json!({"error": e.message, "status": e.status});
    reply(
        e.status,
        "application/json",
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

fn json_reply(v: &serde_json::Value) -> Reply {
    reply(
        200,
        "application/json",
        serde_json::to_vec(v).unwrap_or_default(),
    )
}

fn download(d: export::Download) -> Reply {
    let mut r = reply(200, d.content_type, d.body);
    if let Ok(v) =
        header::HeaderValue::from_str(&format!("attachment; filename=\"{}\"", d.filename))
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A tile path's `z/x/y.pbf`, checked against the zoom's range.
fn tile_address(parts: &[&str]) -> Result<(u32, u32, u32), ApiError> {
    let [z, x, y] = parts else {
        return Err(ApiError::not_found("a tile's address is z/x/y.pbf"));
    };
    let y = y
        .strip_suffix(".pbf")
        .or_else(|| y.strip_suffix(".mvt"))
        .ok_or_else(|| ApiError::not_found("a tile's address ends in .pbf"))?;
    let num = |s: &str, what: &str| {
        s.parse::<u32>()
            .map_err(|_| ApiError::bad(format!("tile {what} {s:?} is not a whole number")))
    };
    let z = num(z, "zoom")?;
    if z > super::tiles::MAX_ZOOM {
        return Err(ApiError::bad(format!(
            "tile zoom {z}: at most {}",
            super::tiles::MAX_ZOOM
        )));
    }
    let (x, y) = (num(x, "x")?, num(y, "y")?);
    let n = 1u64 << z;
    if u64::from(x) >= n || u64::from(y) >= n {
        return Err(ApiError::bad(format!(
            "tile {z}/{x}/{y}: x and y run from 0 to {} at zoom {z}",
            n - 1
        )));
    }
    Ok((z, x, y))
}

fn tile_reply(bytes: &[u8]) -> Reply {
    let mut r = reply(200, "application/vnd.mapbox-vector-tile", bytes.to_vec());
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    r
}

/// The path's segments, percent-decoded; `..`, `.` and empty segments
/// (however encoded) are refused.
fn segments(path: &str) -> Result<Vec<String>, ApiError> {
    if path.len() > MAX_PATH {
        return Err(ApiError {
            status: 414,
            message: format!("the path is {} bytes; at most {MAX_PATH}", path.len()),
        });
    }
    let mut out = Vec::new();
    for raw in path.split('/').skip(1) {
        let s = percent_decode(raw)
            .ok_or_else(|| ApiError::bad(format!("the path segment {raw:?} is not UTF-8")))?;
        if s == ".." || s == "." || s.contains(['/', '\\', '\0']) {
            return Err(ApiError::bad(format!(
                "the path segment {raw:?} is refused: only the server's own files and API are served"
            )));
        }
        out.push(s);
    }
    while out.last().is_some_and(String::is_empty) && out.len() > 1 {
        out.pop();
    }
    Ok(out)
}

/// Answer one request (on a blocking thread: the library's questions
/// use the cores).
fn answer(app: &App, method: &Method, path: &str, query: Option<&str>) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        let mut r = error(&ApiError {
            status: 405,
            message: format!("{method} is not served: every address here answers GET"),
        });
        r.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    match route(app, path, query) {
        Ok(r) => r,
        Err(e) => error(&e),
    }
}

fn route(app: &App, path: &str, query: Option<&str>) -> Result<Reply, ApiError> {
    let segs = segments(path)?;
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let q = Query::parse(query)?;
    use frontier::output::Format as Rows;
    use frontier::render::Format as Map;
    Ok(match s.as_slice() {
        ["api"] | ["api", "info"] => {
            q.finish()?;
            json_reply(&super::info::info(app))
        }
        ["api", "locate"] => json_reply(&api::locate(app, &q)?),
        ["api", "near"] => json_reply(&api::near(app, &q)?),
        ["api", "nearest"] => json_reply(&api::nearest(app, &q)?),
        ["api", "point"] => json_reply(&api::point(app, &q)?),
        ["api", "summary"] => json_reply(&api::summary(app, &q)?),
        ["api", "trend"] => json_reply(&api::trend(app, &q)?),
        ["api", "hotspots"] => json_reply(&api::hotspots(app, &q)?),
        ["api", "count"] => json_reply(&api::count(app, &q)?),
        ["api", "band"] => json_reply(super::band::endpoint(app, &q)?.as_ref()),
        ["api", "numbers"] => json_reply(&api::numbers(app, &q)?),
        ["api", "values"] => json_reply(&api::values(app, &q)?),
        ["api", "choropleth"] => json_reply(&super::choropleth::choropleth(app, &q)?),
        ["api", "labels"] => {
            q.finish()?;
            json_reply(&super::info::labels()?)
        }
        ["api", "rejects.csv"] => download(super::info::rejects(app, &q)?),
        ["api", "export", "map.png"] => download(export::map(app, &q, Map::Png)?),
        ["api", "export", "map.svg"] => download(export::map(app, &q, Map::Svg)?),
        ["api", "export", "map.pdf"] => download(export::map(app, &q, Map::Pdf)?),
        ["api", "export", "spec.toml"] => download(export::spec(app, &q)?),
        ["api", "export", "points.csv"] => download(export::points(app, &q, Rows::Csv)?),
        ["api", "export", "points.parquet"] => download(export::points(app, &q, Rows::GeoParquet)?),
        ["api", "export", "points.geojson"] => download(export::points(app, &q, Rows::Geojson)?),
        ["api", "export", "summary.csv"] => download(export::summary_csv(app, &q)?),
        ["tiles", "base", rest @ ..] => {
            let (z, x, y) = tile_address(rest)?;
            q.finish()?;
            let t = app
                .base
                .tile(z, x, y)
                .map_err(|e| ApiError::bad(format!("the base map: {e}")))?;
            tile_reply(&t)
        }
        ["tiles", "points", ds, rest @ ..] => {
            let ds = ds
                .parse::<usize>()
                .ok()
                .filter(|d| *d < app.datasets.len())
                .ok_or_else(|| ApiError::not_found(format!("no dataset {ds:?}")))?;
            let (z, x, y) = tile_address(rest)?;
            let d = &app.datasets[ds];
            let filter = super::filter::Filter::parse(&q, d)?;
            let color = d.color_by(q.get("color")?)?;
            let size = d.size_by(q.get("size_by")?)?;
            q.finish()?;
            let style = super::tiles::PointStyle {
                color,
                size,
                filter: &filter,
            };
            tile_reply(&app.points.tile(d, z, x, y, &style))
        }
        _ => {
            let file = assets::find(&s).ok_or_else(|| {
                ApiError::not_found(format!(
                    "nothing at {path} (the page is at /, the API at /api)"
                ))
            })?;
            let mut r = reply(200, file.content_type, file.body.to_vec());
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-cache"),
            );
            r
        }
    })
}

/// Serve `app` on `listener` until the process ends.
pub async fn serve(app: Arc<App>, listener: tokio::net::TcpListener, limits: Limits) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.connections));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors or a reset before accept: wait
                // a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let app = app.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(app, req, limits).await) }
            });
            let mut b = hyper::server::conn::http1::Builder::new();
            b.timer(TokioTimer::new())
                .header_read_timeout(limits.idle)
                .max_buf_size(MAX_HEAD);
            let conn = b.serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(limits.connection, conn).await;
            drop(permit);
        });
    }
}

async fn handle(app: Arc<App>, req: Request<Incoming>, limits: Limits) -> Reply {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    // Requests carry no body here; one that says it has a large one is
    // refused before it is read.
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if length.is_some_and(|n| n > 64 * 1024) {
        return error(&ApiError {
            status: 413,
            message: "request bodies are not read here (at most 64 KiB)".into(),
        });
    }
    let work = tokio::task::spawn_blocking(move || answer(&app, &method, &path, query.as_deref()));
    match tokio::time::timeout(limits.request, work).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => error(&ApiError {
            status: 500,
            message: format!("the answer failed ({e}); please report this with the request"),
        }),
        Err(_) => error(&ApiError {
            status: 503,
            message: format!(
                "the answer took longer than {} s; ask for less (a smaller map, fewer points)",
                limits.request.as_secs()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_dot_segments_refused() {
        assert_eq!(segments("/api/locate").unwrap(), ["api", "locate"]);
        assert_eq!(segments("/").unwrap(), [""]);
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/%2E%2e/x",
            "/a/%2f..",
            "/.%2e/x",
            "/%",
        ] {
            assert!(segments(bad).is_err(), "{bad}");
        }
        assert_eq!(percent_decode("%zz"), None);
    }

    #[test]
    fn tile_addresses_are_checked() {
        assert_eq!(tile_address(&["3", "5", "2.pbf"]).unwrap(), (3, 5, 2));
        assert_eq!(tile_address(&["3", "8", "2.pbf"]).unwrap_err().status, 400);
        assert_eq!(tile_address(&["99", "0", "0.pbf"]).unwrap_err().status, 400);
        assert_eq!(tile_address(&["3", "1"]).unwrap_err().status, 404);
    }
}
