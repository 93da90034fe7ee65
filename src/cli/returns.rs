//! Reading a folder of SSDA903 returns: header and episodes CSV files, told apart
//! by name, streamed from disk; the read report summarised on stderr.

use super::InputError;
use anyhow::Context;
use lacsim::ssda903::{self, Options, Ssda903Data};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// The CSV files of a returns folder, sorted by name.
pub struct ReturnFiles {
    /// Header files (one row a child).
    pub headers: Vec<PathBuf>,
    /// Episodes files (one row an episode).
    pub episodes: Vec<PathBuf>,
}

/// Finds the header and episodes files in `dir` (names containing "header" / "episode").
pub fn find(dir: &Path) -> anyhow::Result<ReturnFiles> {
    if !dir.is_dir() {
        let why = if dir.exists() {
            "it is a file: give the folder that holds the header and episodes files"
        } else {
            "no such folder"
        };
        return Err(InputError(format!(
            "{}: not a folder of SSDA903 returns ({why})",
            dir.display()
        ))
        .into());
    }
    let mut headers = Vec::new();
    let mut episodes = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if !name.ends_with(".csv") {
            continue;
        }
        if name.contains("header") {
            headers.push(p);
        } else if name.contains("episode") {
            episodes.push(p);
        }
    }
    if headers.is_empty() || episodes.is_empty() {
        return Err(InputError(format!(
            "{}: needs SSDA903 header and episodes CSV files (names containing \"header\" and \"episodes\", e.g. header_2019-20.csv); found {} header and {} episodes files",
            dir.display(),
            headers.len(),
            episodes.len()
        ))
        .into());
    }
    Ok(ReturnFiles { headers, episodes })
}

/// Reads every file, streaming, and prints the row tally and rejections summary on stderr.
pub fn load(
    dir: &Path,
    strict: bool,
    years: Option<(lacsim::FinancialYear, lacsim::FinancialYear)>,
) -> anyhow::Result<Ssda903Data> {
    let files = find(dir)?;
    let open = |p: &PathBuf| -> anyhow::Result<BufReader<File>> {
        let f = File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
        Ok(BufReader::with_capacity(1 << 16, f))
    };
    let header_names: Vec<String> = files
        .headers
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let episode_names: Vec<String> = files
        .episodes
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let headers = files
        .headers
        .iter()
        .map(open)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let episodes = files
        .episodes
        .iter()
        .map(open)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let data = ssda903::load(
        header_names.iter().map(String::as_str).zip(headers),
        episode_names.iter().map(String::as_str).zip(episodes),
        Options { strict, years },
    )
    .map_err(|e| InputError(e.to_string()))?;
    let r = &data.report;
    eprintln!(
        "read {} header rows ({} used, {} rejected, {} duplicates) and {} episode rows ({} used, {} rejected, {} duplicates, {} short breaks excluded)",
        r.header.read,
        r.header.used,
        r.header.rejected,
        r.header.duplicates,
        r.episodes.read,
        r.episodes.used,
        r.episodes.rejected,
        r.episodes.duplicates,
        r.episodes.short_breaks
    );
    for rej in r.rejections.iter().take(10) {
        eprintln!(
            "  rejected {}:{} {} = {:?}: {}",
            rej.file,
            rej.line,
            rej.column,
            rej.value,
            rej.why()
        );
    }
    if r.rejections.len() > 10 {
        eprintln!(
            "  ... and {} more (all listed in rejected.csv)",
            r.rejections.len() - 10
        );
    }
    if let Some(w) = rejection_warning(r) {
        eprintln!("{w}");
    }
    Ok(data)
}

/// Share of rows above which a rejection rate is shouted about, not just listed.
const LOUD_REJECTION_SHARE: f64 = 0.05;

/// A warning when many rows were rejected, naming the files most of them came from.
fn rejection_warning(r: &ssda903::ReadReport) -> Option<String> {
    let read = r.header.read + r.episodes.read;
    let rejected = r.rejections.len();
    if read == 0 || (rejected as f64) <= LOUD_REJECTION_SHARE * read as f64 {
        return None;
    }
    let mut by_file = std::collections::BTreeMap::<&str, usize>::new();
    for rej in &r.rejections {
        *by_file.entry(rej.file.as_str()).or_default() += 1;
    }
    let mut files: Vec<_> = by_file.into_iter().collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    let worst: Vec<String> = files
        .iter()
        .take(3)
        .map(|(f, n)| format!("{f} ({n})"))
        .collect();
    Some(format!(
        "warning: {rejected} of {read} rows ({:.0}%) were rejected, most from {}; the fit uses only the rest. Check rejected.csv: a file with dates in mm/dd/yyyy order, or a different column layout, loses many rows (dates must be dd/mm/yyyy or yyyy-mm-dd)",
        100.0 * rejected as f64 / read as f64,
        worst.join(", ")
    ))
}
