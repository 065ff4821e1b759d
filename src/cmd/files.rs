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

    /// Refuse when an output is an input or two outputs are one file.
    pub fn check(self) -> Result<Self, CmdError> {
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

/// Where a command writes: a file that appears only when the command
/// succeeds ([`Sink::finish`]), or standard output (streamed).
pub enum Sink {
    /// A file given with `-o` (or another output flag).
    File(AtomicFile),
    /// Standard output.
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

impl Sink {
    /// The file at `path`, or standard output (`None` or `-`).
    pub fn open(path: Option<&Path>) -> Result<Sink, CmdError> {
        Ok(match path {
            Some(p) if !is_stdio(p) => Sink::File(AtomicFile::create(p)?),
            _ => Sink::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )),
        })
    }

    /// The file at `path`.
    pub fn file(path: &Path) -> Result<Sink, CmdError> {
        Sink::open(Some(path))
    }

    /// The command succeeded: flush, and move a file into place.
    pub fn finish(self) -> Result<(), CmdError> {
        match self {
            Sink::File(f) => Ok(f.commit()?),
            Sink::Stdout(mut s) => Ok(s.flush()?),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.write_all(buf),
            Sink::Stdout(s) => s.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
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
