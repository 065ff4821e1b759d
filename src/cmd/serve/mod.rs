//! `frontier serve`: an interactive map of the points and the built-in
//! layers in the browser, offline, with a JSON API behind it that answers
//! with the library's own numbers (the same as the other subcommands').

mod api;
mod app;
mod assets;
mod band;
mod choropleth;
mod clip;
mod columns;
mod export;
mod filter;
mod http;
mod info;
mod load;
mod mvt;
mod query;
mod state;
mod tileindex;
mod tiles;

use super::CmdError;
use frontier::ingest::{FormatHint, PointSource};
use load::Timings;
use state::Dataset;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REFERENCE: &str = include_str!("../../../assets/events-reference.csv");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Point files: CSV (plain, ACLED, UCDP GED), GeoJSON or (Geo)Parquet; none: the eight reference events and synthetic events (labelled synthetic).
    #[arg(value_name = "POINTS")]
    points: Vec<String>,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on; anything but the loopback makes the data visible to the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
    /// Column to sum and size points by (default: ACLED fatalities or UCDP best, found by name).
    #[arg(long, value_name = "COL")]
    value: Option<String>,
    #[command(flatten)]
    reading: super::points::Reading,
    /// With --skip-invalid and one POINTS file: write its rejected rows, with line and reason, to this CSV.
    #[arg(long, value_name = "FILE", requires = "skip_invalid")]
    rejects: Option<PathBuf>,
    /// Synthetic events served with no POINTS.
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    demo_events: u64,
    /// Seconds a connection may stay idle or take to send a request's head.
    #[arg(long, default_value_t = 10, value_name = "S", hide = true)]
    idle_timeout: u64,
    /// Seconds an answer may take before a 503.
    #[arg(long, default_value_t = 60, value_name = "S", hide = true)]
    request_timeout: u64,
    /// Print how long each step of start-up took (standard error).
    #[arg(long, hide = true)]
    timings: bool,
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
}

/// The datasets: the files given, or the demo's.
fn load(args: &Args, timings: &mut Timings) -> Result<Vec<Dataset>, CmdError> {
    let opts = args.reading.options();
    let mut out = Vec::new();
    if args.points.is_empty() {
        let synth = frontier::synth::Synth::new()?;
        let mut csv = Vec::new();
        synth.write_events(args.demo_events, 2021, &mut csv)?;
        let src = PointSource::from_reader(
            Box::new(std::io::Cursor::new(csv)),
            "synthetic-events.csv",
            FormatHint::None,
            &opts,
        )?;
        out.push(Dataset::read(
            0,
            "Synthetic events (demo)".into(),
            src,
            args.value.clone(),
            true,
            timings,
        )?);
        let src = PointSource::from_reader(
            Box::new(REFERENCE.as_bytes()),
            "events-reference.csv",
            FormatHint::None,
            &opts,
        )?;
        out.push(Dataset::read(
            1,
            "Reference events (8 real events)".into(),
            src,
            args.value.clone(),
            false,
            timings,
        )?);
        return Ok(out);
    }
    for (i, p) in args.points.iter().enumerate() {
        let src = PointSource::open(p, &opts)?;
        let name = std::path::Path::new(p)
            .file_name()
            .map_or(p.clone(), |f| f.to_string_lossy().into_owned());
        out.push(Dataset::read(
            i,
            name,
            src,
            args.value.clone(),
            false,
            timings,
        )?);
    }
    Ok(out)
}

fn write_rejects(args: &Args, datasets: &[Dataset]) -> Result<(), CmdError> {
    let Some(path) = &args.rejects else {
        return Ok(());
    };
    let d = &datasets[0];
    let mut w = frontier::pipeline::Rejects::new(super::Sink::file(path)?, &d.schema)?;
    for r in d.rejects() {
        w.write(r)?;
    }
    w.finish()?.finish()
}

pub fn run(args: Args) -> Result<(), CmdError> {
    let started = Instant::now();
    if args.rejects.is_some() && args.points.len() != 1 {
        return Err(CmdError::Usage(
            "--rejects writes the rejected rows of one file: give one POINTS file (the page offers each file's rejects for download)".into(),
        ));
    }
    args.points
        .iter()
        .fold(super::Files::default(), |f, p| f.input("POINTS", p))
        .output("--rejects", args.rejects.as_deref())
        .check()?;
    if !is_loopback(&args.host) {
        eprintln!(
            "frontier: warning: listening on {}: the data is then visible to the network, to anyone who can reach this machine",
            args.host
        );
    }
    let listener = std::net::TcpListener::bind((args.host.as_str(), args.port)).map_err(|e| {
        CmdError::Usage(format!(
            "--host {} --port {}: cannot listen there: {e}",
            args.host, args.port
        ))
    })?;
    listener.set_nonblocking(true)?;
    // The library's place indexes are made while the points are read.
    let locator = std::thread::spawn(|| {
        let t = Instant::now();
        frontier::query::Locator::new().map(|l| (l, t.elapsed().as_secs_f64()))
    });
    let mut timings = Timings::default();
    let datasets = load(&args, &mut timings)?;
    write_rejects(&args, &datasets)?;
    for d in &datasets {
        let a = &d.account;
        let mut line = format!(
            "frontier: {} as {}: {} rows in: {} served, {} rejected",
            d.origin,
            d.schema.dialect.name(),
            a.rows_in,
            d.len(),
            a.rejected
        );
        if a.rejected > 0 && args.rejects.is_none() {
            line.push_str(" (the page offers them for download)");
        }
        eprintln!("{line}");
    }
    let (locator, took) = timings.time("waiting for the place index", || {
        locator
            .join()
            .unwrap_or_else(|_| Err(frontier::Error::Build("the place index".into())))
    })?;
    timings.0.push(load::Timing {
        what: "the place index (made alongside)".into(),
        wall: took,
        cpu: None,
        peak: None,
    });
    let startup = started.elapsed().as_secs_f64();
    let app = Arc::new(app::App::new(datasets, locator, startup));
    let limits = http::Limits {
        idle: Duration::from_secs(args.idle_timeout.max(1)),
        request: Duration::from_secs(args.request_timeout.max(1)),
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_io()
        .enable_time()
        .build()?;
    let addr = listener.local_addr()?;
    let host = if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let url = format!("http://{host}:{}/", addr.port());
    println!("frontier: serving the map at {url} (ready in {startup:.2} s; Ctrl-C to stop)");
    std::io::Write::flush(&mut std::io::stdout())?;
    if args.timings {
        for t in &timings.0 {
            eprintln!("frontier: start-up: {t}");
        }
        if let (Some(c), _) = load::usage() {
            eprintln!("frontier: start-up: processor time in all: {c:.2} s");
        }
    }
    if args.open {
        open_browser(&url);
    }
    // What start-up left for later (each point's district), made now
    // while the server answers; a question that needs it waits for it.
    let later = app.clone();
    let timed = args.timings;
    std::thread::spawn(move || {
        let t = Instant::now();
        for d in &later.datasets {
            d.prepare();
        }
        band::prepare();
        if timed {
            eprintln!(
                "frontier: after start-up: districts placed: {:.3} s",
                t.elapsed().as_secs_f64()
            );
        }
    });
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        http::serve(app, listener, limits).await;
        Ok::<(), std::io::Error>(())
    })?;
    Ok(())
}

/// Ask the desktop to open `url` (a failure is only reported).
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("frontier: could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}
