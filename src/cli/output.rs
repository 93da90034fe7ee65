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

/// Staging folders being written, so Ctrl-C can remove them before exiting. The
/// lock is also held while a finished folder is swapped into place, so an
/// interrupt waits for the swap instead of losing both folders.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C, removes every staging folder and exits 130, so an interrupted run
/// leaves nothing half-written (live folders, such as a sweep's, keep what finished).
pub fn clean_up_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(dirs) = STAGING.lock() {
            for d in dirs.iter() {
                let _ = fs::remove_dir_all(d);
            }
        }
        eprintln!("interrupted");
        std::process::exit(130);
    });
}

fn staging_ended(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.retain(|d| d != dir);
    }
}

/// A folder being written.
pub struct OutDir {
    /// The folder as the user wrote it, for messages.
    shown: String,
    /// The folder, absolute and with `.` and `..` resolved.
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    done: bool,
    live: bool,
}

impl OutDir {
    /// Checks the target and creates the staging folder (so a bad path fails before any work).
    pub fn create(target: &Path, force: bool) -> anyhow::Result<OutDir> {
        let shown = target.display().to_string();
        let target = resolved(target, &shown)?;
        check_replaceable(&target, &shown, force)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let parent = target.parent().unwrap_or(Path::new("/"));
        // A file where a folder of the path should be: say so, not "File exists".
        if let Some(file) = parent.ancestors().find(|a| a.is_file()) {
            return Err(InputError(format!(
                "--out {shown}: {} is a file, not a folder; choose a folder for the output",
                file.display()
            ))
            .into());
        }
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if let Ok(mut dirs) = STAGING.lock() {
            dirs.push(staging.clone());
        }
        let made = fs::create_dir_all(&staging)
            .and_then(|()| fs::write(staging.join(MARKER), MARKER_TEXT));
        if let Err(e) = made {
            let _ = fs::remove_dir_all(&staging);
            staging_ended(&staging);
            return Err(
                anyhow::Error::new(e).context(format!("cannot write in {}", parent.display()))
            );
        }
        Ok(OutDir {
            shown,
            target,
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
        let target = d.target.clone();
        if target.exists() {
            check_replaceable(&target, &d.shown, d.force)?;
            fs::remove_dir_all(&target).with_context(|| format!("cannot replace {}", d.shown))?;
        }
        fs::create_dir_all(&target).with_context(|| format!("cannot create {}", d.shown))?;
        fs::write(target.join(MARKER), MARKER_TEXT)
            .with_context(|| format!("cannot write in {}", d.shown))?;
        d.staging = target;
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

    /// Writes one file into the folder; `name` may lie in a subfolder
    /// (`2020/header.csv`), which is made, but never outside the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let relative = Path::new(name);
        if relative
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            anyhow::bail!("cannot write {name}: not a plain path inside the output folder");
        }
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot make the folder for {name}"))?;
        }
        fs::write(&path, bytes).with_context(|| {
            format!(
                "cannot write {}",
                Path::new(&self.shown).join(name).display()
            )
        })
    }

    /// Moves the finished folder into place: the old one (checked again) is moved
    /// aside, the new one renamed in, then the old one removed.
    pub fn finish(mut self) -> anyhow::Result<PathBuf> {
        if self.live {
            self.done = true;
            return Ok(PathBuf::from(&self.shown));
        }
        let shown = self.shown.clone();
        let mut dirs = STAGING.lock().unwrap_or_else(|e| e.into_inner());
        let aside = if self.target.exists() {
            check_replaceable(&self.target, &shown, self.force)?;
            let aside = PathBuf::from(format!("{}.old", self.staging.display()));
            fs::rename(&self.target, &aside).with_context(|| format!("cannot replace {shown}"))?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if let Some(a) = &aside {
                let _ = fs::rename(a, &self.target);
            }
            return Err(anyhow::Error::new(e).context(format!("cannot move results into {shown}")));
        }
        dirs.retain(|d| d != &self.staging);
        drop(dirs);
        self.done = true;
        if let Some(a) = aside {
            let _ = fs::remove_dir_all(a);
        }
        Ok(PathBuf::from(shown))
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

/// The folder `--out` names, absolute and with `.` and `..` resolved by name
/// (so `new/..` is the folder it stands for, not a folder to create).
fn resolved(target: &Path, shown: &str) -> anyhow::Result<PathBuf> {
    let abs =
        std::path::absolute(target).with_context(|| format!("--out {shown}: not a usable path"))?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.file_name().is_none() {
        return Err(InputError(format!(
            "--out {shown}: name a folder, not the root of the disk"
        ))
        .into());
    }
    Ok(out)
}

/// Refuses a target that is a file or a link, that has files without `--force`,
/// that lacsim did not write, or that holds the current directory.
fn check_replaceable(target: &Path, shown: &str, force: bool) -> anyhow::Result<()> {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(InputError(format!(
            "--out {shown}: is a link; give the folder it points to, or a new folder"
        ))
        .into());
    }
    if !meta.is_dir() {
        return Err(InputError(format!("--out {shown}: exists and is not a folder")).into());
    }
    if holds_current_dir(target) {
        return Err(InputError(format!("--out {shown}: the folder holds the current directory and cannot be replaced; choose a new folder such as outputs/run")).into());
    }
    let non_empty = fs::read_dir(target)
        .with_context(|| format!("cannot read {shown}"))?
        .next()
        .is_some();
    if non_empty && !force {
        return Err(InputError(format!("--out {shown}: the folder already has files in it; choose a new folder or add --force to replace it")).into());
    }
    if non_empty && !written_by_lacsim(target) {
        return Err(InputError(format!("--out {shown}: the folder has files lacsim did not write (no {MARKER} or run.json), so --force will not replace it; choose a new folder")).into());
    }
    Ok(())
}

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

/// Prints the default-costs warning (see `lacsim::scenario::costs`) as a
/// banner on stderr, so it is seen whatever stdout is piped into.
pub fn cost_banner(warning: Option<&str>) {
    if let Some(w) = warning {
        eprint!("{}", lacsim::report::terminal::banner(w));
    }
}

/// Seconds since 1970, for `run.json`.
pub fn unix_time() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
