//! Output folders and stdout. A run writes into a staging folder beside the
//! target and renames it into place only when everything is written, so a
//! failed run leaves nothing behind; an existing non-empty folder is refused
//! unless `--force`, and even then only when lacsim wrote it (a marker file or
//! `run.json`), so `--force` never deletes a user's own files.

use super::InputError;
use anyhow::Context;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staging folders being written, so Ctrl-C can remove them before exiting.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C, removes every staging folder and exits 130, so an interrupted run
/// leaves nothing behind (live folders, such as a sweep's, keep what finished).
pub fn clean_up_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(dirs) = STAGING.lock() {
            for d in dirs.iter() {
                let _ = fs::remove_dir_all(d);
            }
        }
        eprintln!("interrupted: nothing written");
        std::process::exit(130);
    });
}

fn staging_started(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.push(dir.to_path_buf());
    }
}

fn staging_ended(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.retain(|d| d != dir);
    }
}

/// A folder being written.
pub struct OutDir {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    done: bool,
    live: bool,
}

impl OutDir {
    /// Checks the target and creates the staging folder (so a bad path fails before any work).
    pub fn create(target: &Path, force: bool) -> anyhow::Result<OutDir> {
        if target.exists() {
            if !target.is_dir() {
                return Err(InputError(format!(
                    "--out {}: exists and is not a folder",
                    target.display()
                ))
                .into());
            }
            let non_empty = fs::read_dir(target)
                .with_context(|| format!("cannot read {}", target.display()))?
                .next()
                .is_some();
            if non_empty && !force {
                return Err(InputError(format!("--out {}: the folder already has files in it; choose a new folder or add --force to replace it", target.display())).into());
            }
            if non_empty && !written_by_lacsim(target) {
                return Err(InputError(format!("--out {}: the folder has files lacsim did not write (no {MARKER} or run.json), so --force will not replace it; choose a new folder", target.display())).into());
            }
            if holds_current_dir(target) {
                return Err(InputError(format!("--out {}: the folder holds the current directory and cannot be replaced; choose a new folder such as outputs/run", target.display())).into());
            }
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        staging_started(&staging);
        fs::write(staging.join(MARKER), MARKER_TEXT)
            .with_context(|| format!("cannot write in {}", staging.display()))?;
        Ok(OutDir {
            target: target.to_path_buf(),
            staging,
            force,
            done: false,
            live: false,
        })
    }

    /// A folder written in place as work goes on, so an interrupted run keeps what it
    /// finished (sweeps). Checks the target like [`OutDir::create`].
    pub fn create_live(target: &Path, force: bool) -> anyhow::Result<OutDir> {
        let mut d = OutDir::create(target, force)?;
        fs::remove_dir_all(&d.staging).ok();
        staging_ended(&d.staging);
        if d.force && target.exists() {
            fs::remove_dir_all(target)
                .with_context(|| format!("cannot replace {}", target.display()))?;
        }
        fs::create_dir_all(target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        fs::write(target.join(MARKER), MARKER_TEXT)
            .with_context(|| format!("cannot write in {}", target.display()))?;
        d.staging = target.to_path_buf();
        d.live = true;
        Ok(d)
    }

    /// Opens a file in the folder for appending, for results written as they finish.
    pub fn append(&self, name: &str) -> anyhow::Result<fs::File> {
        let path = self.staging.join(name);
        fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Writes one file into the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.staging.join(name);
        fs::write(&path, bytes)
            .with_context(|| format!("cannot write {}", self.target.join(name).display()))
    }

    /// Moves the finished folder into place.
    pub fn finish(mut self) -> anyhow::Result<PathBuf> {
        if self.live {
            self.done = true;
            return Ok(self.target.clone());
        }
        if self.target.exists() && self.force {
            fs::remove_dir_all(&self.target)
                .with_context(|| format!("cannot replace {}", self.target.display()))?;
        } else if self.target.exists() {
            fs::remove_dir(&self.target)
                .with_context(|| format!("cannot replace {}", self.target.display()))?;
        }
        fs::rename(&self.staging, &self.target)
            .with_context(|| format!("cannot move results into {}", self.target.display()))?;
        staging_ended(&self.staging);
        self.done = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        // A live folder keeps what was finished; a staged one disappears.
        if !self.done && !self.live {
            let _ = fs::remove_dir_all(&self.staging);
            staging_ended(&self.staging);
        }
    }
}

/// The file that marks a folder as lacsim's output, which `--force` may replace.
pub const MARKER: &str = ".lacsim-output";

const MARKER_TEXT: &str = "This folder was written by lacsim; `--force` may replace it.\n";

/// Whether a folder is lacsim's output: it has the marker, or `run.json` (older versions).
fn written_by_lacsim(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || dir.join("run.json").is_file()
}

/// Whether replacing `dir` would delete the current directory.
fn holds_current_dir(dir: &Path) -> bool {
    match (
        dir.canonicalize(),
        std::env::current_dir().and_then(|c| c.canonicalize()),
    ) {
        (Ok(d), Ok(cwd)) => cwd.starts_with(d),
        _ => false,
    }
}

/// Writes to stdout, returning broken-pipe errors so `main` can exit quietly.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Seconds since 1970, for `run.json`.
pub fn unix_time() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
