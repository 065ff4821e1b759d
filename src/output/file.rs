//! Output files that appear whole or not at all.
//!
//! [`AtomicFile`] writes to a temporary file beside the target (same
//! directory, so the same file system) and renames it over the target only
//! when [`AtomicFile::commit`] is called. A run that fails, panics or is
//! interrupted before that leaves the previous file untouched (or no file),
//! never a truncated one. Targets that are not regular files (`/dev/null`,
//! a named pipe, a terminal) are written directly: they cannot be renamed
//! over and hold nothing to lose.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The output's buffer. The point commands write blocks of a few hundred
/// KB, which go straight to the file when larger than the buffer (instead
/// of being copied into it first); small writes are gathered.
const BUFFER: usize = 1 << 16;

/// A file being written; see the module docs.
///
/// # Examples
/// A file replaced only when the new one is complete:
/// ```
/// use frontier::output::AtomicFile;
/// use std::io::Write;
///
/// let dir = std::env::temp_dir().join(format!("frontier-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("summary.csv");
/// std::fs::write(&path, "old\n").unwrap();
///
/// let mut out = AtomicFile::create(&path)?;
/// out.write_all(b"district,events\n").unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n"); // not yet
/// drop(out); // a failed run: the old file stays, the temporary one goes
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
///
/// let mut out = AtomicFile::create(&path)?;
/// out.write_all(b"district,events\nPeshawar,12\n").unwrap();
/// out.commit()?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "district,events\nPeshawar,12\n");
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), frontier::Error>(())
/// ```
pub struct AtomicFile {
    out: BufWriter<File>,
    /// The path as given (for messages).
    target: PathBuf,
    /// Where the data goes (the target with symlinks resolved) and the
    /// temporary file, when the target is (or will be) a regular file.
    staged: Option<(PathBuf, PathBuf)>,
}

/// Temporary files made by this process, numbered.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Temporary files not yet committed or dropped, for [`remove_pending`].
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(tmp: &Path) {
    pending().retain(|p| p != tmp);
}

/// Remove every temporary file of an [`AtomicFile`] still being written:
/// for a program that is interrupted (a signal handler), where destructors
/// do not run. The targets are untouched.
pub fn remove_pending() {
    for p in pending().drain(..) {
        let _ = std::fs::remove_file(p);
    }
}

impl AtomicFile {
    /// Start writing `target`.
    ///
    /// A symlink is followed: the file it points to is replaced, the link
    /// stays. The new file gets the permissions of the file it replaces,
    /// or the usual ones for a new file (read-write as the umask allows).
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let io_err = |e| Error::io(target, e);
        let meta = std::fs::metadata(target).ok();
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            // A device, pipe or directory: written in place (a directory
            // fails here with the system's message).
            let f = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(target)
                .map_err(io_err)?;
            return Ok(AtomicFile {
                out: BufWriter::with_capacity(BUFFER, f),
                target: target.to_path_buf(),
                staged: None,
            });
        }
        let real = match meta {
            Some(_) => std::fs::canonicalize(target).map_err(io_err)?,
            None => target.to_path_buf(),
        };
        let dir = match real.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = real
            .file_name()
            .ok_or_else(|| io_err(io::Error::other("not a file name")))?
            .to_string_lossy()
            .into_owned();
        remove_stale(&dir, &name);
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o666);
        }
        let (tmp, f) = loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let tmp = dir.join(format!(".{name}.{}-{n}.frontier-tmp", std::process::id()));
            match opts.open(&tmp) {
                Ok(f) => {
                    pending().push(tmp.clone());
                    break (tmp, f);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(e)),
            }
        };
        if let Some(m) = &meta {
            // Keep the replaced file's permissions.
            let _ = f.set_permissions(m.permissions());
        }
        Ok(AtomicFile {
            out: BufWriter::with_capacity(BUFFER, f),
            target: target.to_path_buf(),
            staged: Some((real, tmp)),
        })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush the file and have the system write it to the disk
    /// (`sync_all`), so that after a power cut the renamed file is whole.
    /// [`AtomicFile::commit`] does this too; a caller committing several
    /// files calls it on each first, so that a full disk is found before any
    /// of them is moved into place.
    pub fn sync(&mut self) -> Result<()> {
        let target = self.target.clone();
        self.out.flush().map_err(|e| Error::io(&target, e))?;
        if self.staged.is_some() {
            self.out
                .get_ref()
                .sync_all()
                .map_err(|e| Error::io(&target, e))?;
        }
        Ok(())
    }

    /// Flush, write to the disk, and move the file into place; then write
    /// the folder's entry to the disk too.
    pub fn commit(mut self) -> Result<()> {
        let target = self.target.clone();
        self.sync()?;
        if let Some((real, tmp)) = self.staged.take() {
            let renamed = std::fs::rename(&tmp, &real);
            forget(&tmp);
            if let Err(e) = renamed {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::io(&target, e));
            }
            sync_folder(&real);
        }
        Ok(())
    }
}

/// Write the entry of a renamed file in its folder to the disk (on Unix,
/// where a folder can be opened and synced; a failure here cannot undo
/// the rename, so it is not reported).
fn sync_folder(file: &Path) {
    #[cfg(unix)]
    {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = file;
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for AtomicFile {
    /// Not committed: the temporary file goes, the target stays as it was.
    fn drop(&mut self) {
        if let Some((_, tmp)) = self.staged.take() {
            let _ = std::fs::remove_file(&tmp);
            forget(&tmp);
        }
    }
}

/// How old a temporary file of a dead process must be before it is
/// removed: a process on another machine sharing the folder writes to its
/// own file well within this.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Remove `.NAME.PID-N.frontier-tmp` files beside `NAME` that a process no
/// longer running left behind (killed before it could remove them), once
/// they are an hour old. Only where the system lists its processes in
/// `/proc` (Linux); elsewhere they stay for the user to remove.
fn remove_stale(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(rest) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".frontier-tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split_once('-').and_then(|(p, n)| {
            n.bytes()
                .all(|b| b.is_ascii_digit())
                .then_some(p)?
                .parse::<u32>()
                .ok()
        }) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if !alive && old && pid != std::process::id() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "old\n").unwrap();
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"new, half written").unwrap();
        drop(f);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"new\n").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, "old\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"new\n").unwrap();
        f.commit().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        let mut f = AtomicFile::create(Path::new("/dev/null")).unwrap();
        f.write_all(b"gone").unwrap();
        f.commit().unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    }
}
