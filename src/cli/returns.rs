//! Reading SSDA903 returns as councils hold them: a folder (CSV files at any
//! depth: year subfolders, files named by year, combined files) or a zip of one.
//! Each file's collection year comes from the nearest part of its path that names
//! one (`2019/`, `2019-20/`, `header_2019.csv`, `episodes_2019-20.csv`; a lone year
//! is the DfE's collection year ending 31 March of it); the library tells the
//! tables apart by name or columns and dates an unnamed episodes file from its own
//! dates. Files are streamed from disk (zip members are read into memory); the read
//! report is summarised on stderr.

use super::InputError;
use anyhow::Context;
use lacsim::FinancialYear;
use lacsim::ssda903::{self, Loader, Options, Ssda903Data, Table};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Where a file's bytes are.
enum Body {
    Disk(PathBuf),
    Memory(Vec<u8>),
}

/// One CSV file of the returns.
struct Source {
    /// The name shown in messages and rejected.csv.
    shown: String,
    /// Path inside the folder or zip, `/`-separated.
    rel: String,
    /// Collection year from the path, if any part of it names one.
    year: Option<FinancialYear>,
    body: Body,
}

/// The collection year named by the nearest part of a relative path (file name first).
fn year_in_path(rel: &str) -> Option<FinancialYear> {
    named_part(rel).and_then(ssda903::collection_year_in_name)
}

/// The nearest part of a relative path that names a collection year.
fn named_part(rel: &str) -> Option<&str> {
    rel.rsplit('/')
        .map(|part| part.trim_end_matches(".csv"))
        .find(|part| ssda903::collection_year_in_name(part).is_some())
}

/// True when the year in a path is a lone DfE-style year (`2020`), not a pair.
fn lone_year(rel: &str) -> bool {
    named_part(rel).is_some_and(|p| ssda903::year_in_file_name(p).is_none())
}

fn is_csv(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv")
}

/// Hidden files and folders, and the resource forks macOS puts in zips.
fn ignored(part: &str) -> bool {
    part.starts_with('.') || part == "__MACOSX"
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Source>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if ignored(&name) {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if is_csv(&name) && path.is_file() {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(Source {
                shown: path.display().to_string(),
                year: year_in_path(&rel),
                rel,
                body: Body::Disk(path),
            });
        }
    }
    Ok(())
}

fn is_zip(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        return true;
    }
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == *b"PK\x03\x04"
}

fn unzip(path: &Path) -> anyhow::Result<Vec<Source>> {
    let shown = path.display().to_string();
    let f = File::open(path).map_err(|e| bad_zip(&shown, &e))?;
    unzip_from(&shown, BufReader::new(f))
}

/// Most bytes of CSV files a zip of returns may unpack to (a county's ten years
/// of episodes are a few hundred megabytes at most).
const MAX_UNZIPPED: u64 = 2 << 30;

fn bad_zip(shown: &str, e: &dyn std::fmt::Display) -> InputError {
    InputError(format!(
        "{shown}: not a readable zip file ({e}); give a folder of SSDA903 CSV files or a zip of one"
    ))
}

/// The CSV files inside a zip, read into memory, named `shown:path/in/zip`.
fn unzip_from<R: Read + std::io::Seek>(shown: &str, reader: R) -> anyhow::Result<Vec<Source>> {
    let bad = |e: &dyn std::fmt::Display| bad_zip(shown, e);
    let mut z = zip::ZipArchive::new(reader).map_err(|e| bad(&e))?;
    let mut unzipped: u64 = 0;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut entry = z.by_index(i).map_err(|e| bad(&e))?;
        if entry.is_dir() {
            continue;
        }
        let Some(rel) = entry.enclosed_name() else {
            continue;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = parts.join("/");
        if parts.iter().any(|p| ignored(p)) || !is_csv(&rel) {
            continue;
        }
        // The sizes in a zip's directory are the zip's word, not a fact: never
        // reserve from them, and stop reading at the total a council's returns
        // can need (a "zip bomb" is refused, not unpacked).
        let room = MAX_UNZIPPED.saturating_sub(unzipped);
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 20));
        (&mut entry)
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                InputError(format!(
                    "{shown}: {rel} inside it cannot be read ({e}); the zip is damaged"
                ))
            })?;
        unzipped += bytes.len() as u64;
        if unzipped > MAX_UNZIPPED {
            return Err(InputError(format!(
                "{shown}: unpacks to more than {} MB of CSV files; SSDA903 returns are far smaller, so this zip is refused",
                MAX_UNZIPPED >> 20
            ))
            .into());
        }
        out.push(Source {
            shown: format!("{shown}:{rel}"),
            year: year_in_path(&rel),
            rel,
            body: Body::Memory(bytes),
        });
    }
    Ok(out)
}

/// The CSV files of a returns folder or zip, in collection-year then path order.
fn find(path: &Path) -> anyhow::Result<Vec<Source>> {
    let mut files = Vec::new();
    if path.is_dir() {
        walk(path, path, &mut files)?;
    } else if path.is_file() && is_zip(path) {
        files = unzip(path)?;
    } else {
        let why = if path.exists() {
            "it is a file: give the folder that holds the header and episodes files, or a zip of it"
        } else {
            "no such folder"
        };
        return Err(InputError(format!(
            "{}: not a folder of SSDA903 returns ({why})",
            path.display()
        ))
        .into());
    }
    // Earliest year first, so that of two copies of an episode the later one wins.
    files.sort_by(|a, b| (a.year, &a.rel).cmp(&(b.year, &b.rel)));
    Ok(files)
}

/// Reads every file, streaming, and prints what was read and the row tally on stderr.
pub fn load(
    path: &Path,
    strict: bool,
    years: Option<(FinancialYear, FinancialYear)>,
) -> anyhow::Result<Ssda903Data> {
    let files = find(path)?;
    load_sources(
        &path.display().to_string(),
        files,
        strict,
        years,
        &mut |line| eprintln!("{line}"),
    )
}

/// Reads a zip of returns held in memory (an upload), saying what was read
/// through `say` instead of printing it: returns are personal data, and only
/// counts and file names are said.
pub fn load_zip_bytes(
    name: &str,
    bytes: &[u8],
    strict: bool,
    say: &mut dyn FnMut(String),
) -> anyhow::Result<Ssda903Data> {
    let mut files = unzip_from(name, std::io::Cursor::new(bytes))?;
    files.sort_by(|a, b| (a.year, &a.rel).cmp(&(b.year, &b.rel)));
    load_sources(name, files, strict, None, say)
}

fn load_sources(
    shown_root: &str,
    files: Vec<Source>,
    strict: bool,
    years: Option<(FinancialYear, FinancialYear)>,
    say: &mut dyn FnMut(String),
) -> anyhow::Result<Ssda903Data> {
    let mut loader = Loader::new(Options { strict, years });
    let (mut headers, mut episodes, mut uasc) = (0, 0, 0);
    let mut skipped = Vec::new();
    let mut dated = Vec::new();
    let mut named_years = std::collections::BTreeSet::new();
    let mut lone = false;
    for f in &files {
        let added = match &f.body {
            Body::Disk(p) => {
                let file = File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
                loader.add(&f.shown, f.year, BufReader::with_capacity(1 << 16, file))
            }
            Body::Memory(bytes) => loader.add(&f.shown, f.year, bytes.as_slice()),
        }
        .map_err(|e| InputError(e.to_string()))?;
        match added.table {
            Table::Header => headers += 1,
            Table::Episodes => episodes += 1,
            Table::Uasc => uasc += 1,
            Table::Other(what) => skipped.push(format!("{} ({what})", f.shown)),
        }
        if let Some(y) = f.year
            && !matches!(added.table, Table::Other(_))
        {
            named_years.insert(y);
            lone |= lone_year(&f.rel);
        }
        if added.table == Table::Episodes
            && f.year.is_none()
            && let Some(y) = added.year
        {
            dated.push(format!("{} ({y}, from its dates)", f.shown));
        }
    }
    if headers == 0 || episodes == 0 {
        return Err(InputError(format!(
            "{shown_root}: needs SSDA903 header and episodes CSV files (told apart by name, e.g. header_2019-20.csv or 2020/episodes.csv, or by their columns); found {headers} header and {episodes} episodes files",
        ))
        .into());
    }
    let mut said = format!("found {headers} header, {episodes} episodes and {uasc} UASC files");
    if let (Some(a), Some(b)) = (named_years.first(), named_years.last()) {
        said.push_str(&format!("; collection years {a} to {b} from their names"));
        if lone {
            said.push_str(
                " (a lone year is the DfE's: 2020 is the year ending 31 March 2020, 2019/20)",
            );
        }
    }
    say(said);
    if !dated.is_empty() {
        say(format!(
            "  no year in the name, dated by their episodes: {}",
            dated.join(", ")
        ));
    }
    if !skipped.is_empty() {
        say(format!("  not used: {}", skipped.join(", ")));
    }
    let data = loader.finish().map_err(|e| InputError(e.to_string()))?;
    let r = &data.report;
    say(format!(
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
    ));
    if r.uasc_table_files > 0 {
        say(format!(
            "read {} UASC rows ({} used, {} rejected)",
            r.uasc.read, r.uasc.used, r.uasc.rejected
        ));
    }
    for rej in r.rejections.iter().take(10) {
        say(format!(
            "  rejected {}:{} {} = {:?}: {}",
            rej.file,
            rej.line,
            rej.column,
            rej.value,
            rej.why()
        ));
    }
    if r.rejections.len() > 10 {
        say(format!(
            "  ... and {} more (all listed in rejected.csv)",
            r.rejections.len() - 10
        ));
    }
    if let Some(w) = rejection_warning(r) {
        say(w);
    }
    Ok(data)
}

/// Share of rows above which a rejection rate is shouted about, not just listed.
const LOUD_REJECTION_SHARE: f64 = 0.05;

/// A warning when many rows were rejected, naming the files most of them came from.
fn rejection_warning(r: &ssda903::ReadReport) -> Option<String> {
    let read = r.header.read + r.episodes.read + r.uasc.read;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_come_from_the_nearest_part_of_the_path() {
        let y = |s: &str| year_in_path(s).map(|y| y.0);
        assert_eq!(y("2019/header.csv"), Some(2018));
        assert_eq!(y("data/2019-20/episodes.csv"), Some(2019));
        assert_eq!(y("2019/episodes_2020-21.csv"), Some(2020));
        assert_eq!(y("header_2019.csv"), Some(2018));
        assert_eq!(y("a/b.csv"), None);
    }
}
