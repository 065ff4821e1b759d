//! The files a command reads and writes, checked before anything is opened
//! for writing: no output may be one of the inputs (the same path, a
//! symlink to it or a hard link: compared by device and inode), and no two
//! outputs may be one file. Outputs are written through
//! [`frontier::output::AtomicFile`], so they appear whole or not at all.
//! An output named `-` is standard output, as an input named `-` is
//! standard input; two outputs cannot both be standard output.

use super::CmdError;
use frontier::Catalogue;
use frontier::output::AtomicFile;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// What identifies a file: device and inode where it exists, otherwise its
/// absolute path (with the folder's symlinks resolved).
#[derive(Debug, PartialEq, Eq)]
enum Id {
    Inode(u64, u64),
    Path(PathBuf),
    Stdout,
}

/// Whether `p` names standard input or output (`-`).
pub fn is_stdio(p: &Path) -> bool {
    p == Path::new("-")
}

/// The file `p` names, or `None` for what cannot be destroyed by writing
/// (standard input/output, devices, pipes).
fn identify(p: &Path) -> Option<Id> {
    match std::fs::metadata(p) {
        Ok(m) if !m.is_file() => None,
        Ok(m) => Some(inode(&m, p)),
        Err(_) => {
            let name = p.file_name()?;
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            Some(Id::Path(dir.join(name)))
        }
    }
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata, _: &Path) -> Id {
    use std::os::unix::fs::MetadataExt;
    Id::Inode(m.dev(), m.ino())
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata, p: &Path) -> Id {
    Id::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
}

/// The inputs and outputs of one command, each with the flag (or argument)
/// that named it.
#[derive(Debug, Default)]
pub struct Files {
    inputs: Vec<(String, PathBuf)>,
    outputs: Vec<(String, PathBuf)>,
}

impl Files {
    /// A file read (`-`, standard input, is skipped).
    pub fn input(mut self, what: &str, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        if path != Path::new("-") {
            self.inputs.push((what.to_string(), path.to_path_buf()));
        }
        self
    }

    /// A file read, if given.
    pub fn input_opt(self, what: &str, path: Option<impl AsRef<Path>>) -> Self {
        match path {
            Some(p) => self.input(what, p),
            None => self,
        }
    }

    /// A layer read: a file unless it is a built-in layer's name.
    pub fn layer(self, what: &str, name: &str) -> Self {
        if Catalogue::builtin(name).is_some() {
            self
        } else {
            self.input(what, name)
        }
    }

    /// A file written, if given (`-` is standard output).
    pub fn output(mut self, what: &str, path: Option<&Path>) -> Self {
        if let Some(p) = path {
            self.outputs.push((what.to_string(), p.to_path_buf()));
        }
        self
    }

    /// The main output: a file, or standard output when not given.
    pub fn main_output(self, what: &str, path: Option<&Path>) -> Self {
        self.output(what, Some(path.unwrap_or(Path::new("-"))))
    }

    /// Refuse when an output is an input or two outputs are one file; note
    /// whether the run writes files besides standard output.
    pub fn check(self) -> Result<Self, CmdError> {
        FILE_OUTPUTS.store(
            self.outputs.iter().any(|(_, p)| !is_stdio(p)),
            Ordering::Relaxed,
        );
        let ins: Vec<Option<Id>> = self.inputs.iter().map(|(_, p)| identify(p)).collect();
        let outs: Vec<Option<Id>> = self
            .outputs
            .iter()
            .map(|(_, p)| {
                if is_stdio(p) {
                    Some(Id::Stdout)
                } else {
                    identify(p)
                }
            })
            .collect();
        for (o, (oflag, opath)) in self.outputs.iter().enumerate() {
            let Some(oid) = &outs[o] else { continue };
            for (i, (iflag, ipath)) in self.inputs.iter().enumerate() {
                if ins[i].as_ref() == Some(oid) {
                    return Err(CmdError::Usage(format!(
                        "{oflag} {} is the same file as the input {iflag} {}: writing it would destroy the input; choose another output file",
                        opath.display(),
                        ipath.display()
                    )));
                }
            }
            for (p, (pflag, ppath)) in self.outputs[..o].iter().enumerate() {
                if outs[p].as_ref() == Some(oid) && *oid == Id::Stdout {
                    return Err(CmdError::Usage(format!(
                        "{pflag} and {oflag} would both write to standard output; give one of them a file"
                    )));
                }
                if outs[p].as_ref() == Some(oid) {
                    return Err(CmdError::Usage(format!(
                        "{pflag} {} and {oflag} {} are the same file: one would overwrite the other; give each output its own file",
                        ppath.display(),
                        opath.display()
                    )));
                }
            }
        }
        Ok(self)
    }
}

/// Files this run has written completely, waiting for the run to succeed
/// before they are moved into place ([`commit_staged`]); dropped (their
/// temporary files removed) when it fails ([`discard_staged`]). So a run
/// that fails on any output, a stream written after a file included,
/// leaves every file as it was.
static STAGED: Mutex<Vec<AtomicFile>> = Mutex::new(Vec::new());

/// Whether this run writes files besides standard output (said by
/// [`Files::check`]): then a closed standard output must not stop the run
/// before those files are complete.
static FILE_OUTPUTS: AtomicBool = AtomicBool::new(false);

/// Whether each file is moved into place as soon as it is complete (for a
/// command that reads back what it wrote: `demo`).
static IMMEDIATE: AtomicBool = AtomicBool::new(false);

/// Move each file into place as soon as it is complete, instead of when the
/// whole run succeeds: for a command that reads its own outputs back.
pub fn commit_each_file() {
    IMMEDIATE.store(true, Ordering::Relaxed);
}

fn staged() -> std::sync::MutexGuard<'static, Vec<AtomicFile>> {
    STAGED.lock().unwrap_or_else(|e| e.into_inner())
}

/// The run succeeded: every staged file is flushed to the disk, then moved
/// into place (a failure before the first move leaves every file as it was).
pub fn commit_staged() -> Result<(), CmdError> {
    let mut files = std::mem::take(&mut *staged());
    for f in &mut files {
        f.sync()?;
    }
    for f in files {
        f.commit()?;
    }
    Ok(())
}

/// The run failed: the staged files go, their targets stay as they were.
pub fn discard_staged() {
    staged().clear();
}

/// Where a command writes: a file that appears only when the whole run
/// succeeds ([`Sink::finish`] stages it, [`commit_staged`] moves it into
/// place), or standard output (streamed).
pub enum Sink {
    /// A file given with `-o` (or another output flag).
    File(AtomicFile),
    /// Standard output.
    Stdout(Stdout),
}

/// Standard output, buffered. Once the reader has gone (a closed pipe,
/// `| head`), what follows is dropped quietly when the run has files to
/// complete; otherwise the closed pipe ends the run (exit 0, see `main`).
pub struct Stdout {
    out: std::io::BufWriter<std::io::Stdout>,
    closed: bool,
}

impl Stdout {
    fn new() -> Self {
        Stdout {
            out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()),
            closed: false,
        }
    }

    /// `result` of a write; a closed pipe is swallowed (and the stream
    /// closed) when other outputs are still to be completed.
    fn seen<T: Default>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        match result {
            Err(e)
                if e.kind() == std::io::ErrorKind::BrokenPipe
                    && FILE_OUTPUTS.load(Ordering::Relaxed) =>
            {
                self.closed = true;
                Ok(T::default())
            }
            Err(e) => Err(std::io::Error::new(e.kind(), Named("standard output", e))),
            ok => ok,
        }
    }
}

/// An I/O error with the output it happened on.
#[derive(Debug)]
struct Named<P: std::fmt::Display + std::fmt::Debug>(P, std::io::Error);

impl<P: std::fmt::Display + std::fmt::Debug> std::fmt::Display for Named<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0, self.1)
    }
}

impl<P: std::fmt::Display + std::fmt::Debug> std::error::Error for Named<P> {}

impl Sink {
    /// The file at `path`, or standard output (`None` or `-`).
    pub fn open(path: Option<&Path>) -> Result<Sink, CmdError> {
        Ok(match path {
            Some(p) if !is_stdio(p) => Sink::File(AtomicFile::create(p)?),
            _ => Sink::Stdout(Stdout::new()),
        })
    }

    /// The file at `path`.
    pub fn file(path: &Path) -> Result<Sink, CmdError> {
        Sink::open(Some(path))
    }

    /// This output is complete: standard output is flushed; a file is
    /// flushed and staged, to be moved into place when the run succeeds.
    pub fn finish(self) -> Result<(), CmdError> {
        match self {
            Sink::File(f) if IMMEDIATE.load(Ordering::Relaxed) => Ok(f.commit()?),
            Sink::File(mut f) => {
                f.flush().map_err(|e| frontier::Error::io(f.path(), e))?;
                staged().push(f);
                Ok(())
            }
            Sink::Stdout(s) => {
                let mut sink = Sink::Stdout(s);
                Ok(sink.flush()?)
            }
        }
    }

    /// Map a file's I/O error to one that names the file.
    fn named(f: &AtomicFile, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(e.kind(), Named(f.path().display().to_string(), e))
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf).map_err(|e| Sink::named(f, e)),
            Sink::Stdout(s) if s.closed => Ok(buf.len()),
            Sink::Stdout(s) => {
                let r = s.out.write(buf);
                s.seen(r).map(|n| if s.closed { buf.len() } else { n })
            }
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.write_all(buf).map_err(|e| Sink::named(f, e)),
            Sink::Stdout(s) if s.closed => Ok(()),
            Sink::Stdout(s) => {
                let r = s.out.write_all(buf);
                s.seen(r)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush().map_err(|e| Sink::named(f, e)),
            Sink::Stdout(s) if s.closed => Ok(()),
            Sink::Stdout(s) => {
                let r = s.out.flush();
                s.seen(r)
            }
        }
    }
}

/// Write `bytes` to `path` whole or not at all (`-`: standard output).
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CmdError> {
    let mut out = Sink::open(Some(path))?;
    out.write_all(bytes)
        .map_err(|e| frontier::Error::io(path, e))?;
    out.finish()
}
