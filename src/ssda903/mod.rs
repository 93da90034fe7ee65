//! SSDA903 returns: read a council's header and episodes files, clean them into
//! periods of care, and count occupancy and events for calibration.
//!
//! Owns the DfE code lists ([`codes`]), the streaming CSV reader ([`read`]), the
//! cleaning rules ([`clean`]: duplicates, X1 chains, temporary moves, short breaks,
//! rejections), the 31 March and monthly counts ([`occupancy`]), rate estimates
//! ([`estimate`]) and a synthetic return generator ([`synth`]).
//!
//! The module never opens files, prints or reads the clock: callers hand it
//! `(file name, reader)` pairs and get values back, plus a report of every row it
//! could not use. [`Loader::add`] takes a file of any table (header, episodes,
//! UASC; told apart by name or columns, see [`Table`]) and dates an episodes file
//! from its own dates when the caller knows no year ([`collection_year_in_name`]
//! reads one from a file or folder name). Typical use:
//!
//! ```
//! use lacsim::ssda903::{Loader, Options};
//! let header = "CHILD,SEX,DOB\nC1,1,01/05/2015\n";
//! let episodes = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n\
//!                 C1,01/06/2020,S,C2,U4,PR1,,\n";
//! let mut loader = Loader::new(Options::default());
//! loader.add_header("header.csv", None, header.as_bytes()).unwrap();
//! loader.add_episodes("episodes.csv", None, episodes.as_bytes()).unwrap();
//! let data = loader.finish().unwrap();
//! assert_eq!(data.children.len(), 1);
//! assert!(data.report.episodes.adds_up());
//! ```

pub mod clean;
pub mod codes;
pub mod estimate;
pub mod occupancy;
pub mod read;
pub mod synth;

pub use clean::{Child, Period, Ssda903Data, Stay, Uasc};
pub use codes::{ExitRoute, PlaceKind, Sex};
pub use occupancy::{Census, Occupancy, PeriodCounts, UascCount};
pub use read::{Added, Loader, format_date, parse_date};

use crate::year::FinancialYear;
use jiff::civil::Date;
use std::fmt;

/// Reads header and episodes files given as `(file name, reader)` pairs, each list in
/// collection-year order, and cleans them.
///
/// A file's collection year is taken from its name when the name holds one written
/// like `2019-20`, `2019_20`, `201920` or `2019-2020` (see [`year_in_file_name`]);
/// otherwise the file is read as a combined file accepting every year's SEX codes.
pub fn load<'a, H: std::io::Read, E: std::io::Read>(
    headers: impl IntoIterator<Item = (&'a str, H)>,
    episodes: impl IntoIterator<Item = (&'a str, E)>,
    opts: Options,
) -> Result<Ssda903Data, Ssda903Error> {
    let mut loader = Loader::new(opts);
    for (name, reader) in headers {
        loader.add_header(name, year_in_file_name(name), reader)?;
    }
    for (name, reader) in episodes {
        loader.add_episodes(name, year_in_file_name(name), reader)?;
    }
    loader.finish()
}

/// The collection year in a file name such as `episodes_2019-20.csv`, `header_201920.csv`
/// or `903_2019_2020.csv`: a start year followed by the next year (two or four digits).
pub fn year_in_file_name(name: &str) -> Option<FinancialYear> {
    let b = name.as_bytes();
    let digits_at = |i: usize, n: usize| -> Option<i32> {
        let s = b.get(i..i + n)?;
        if !s.iter().all(u8::is_ascii_digit) || b.get(i + n).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    let mut found = None;
    for i in 0..b.len() {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        let Some(start) = b.get(i..i + 4).filter(|s| s.iter().all(u8::is_ascii_digit)) else {
            continue;
        };
        let Ok(y) = std::str::from_utf8(start).unwrap_or("").parse::<i32>() else {
            continue;
        };
        if !(1990..=2199).contains(&y) {
            continue;
        }
        let mut j = i + 4;
        if matches!(b.get(j), Some(b'-' | b'_' | b' ')) {
            j += 1;
        }
        let next = (y + 1) % 100;
        let ok = digits_at(j, 2) == Some(next) || digits_at(j, 4) == Some(y + 1);
        if ok {
            if found.is_some_and(|f| f != FinancialYear(y)) {
                return None;
            }
            found = Some(FinancialYear(y));
        }
    }
    found
}

/// The collection year a file or folder name says, in any of the ways councils and
/// the DfE write one: a pair of years as [`year_in_file_name`] reads them
/// (`episodes_2019-20.csv`, `2019-20`), or a lone four-digit year, which the DfE
/// uses for the collection year *ending* 31 March of it (`2020/header.csv` and
/// `header_2020.csv` are 2019/20). Two different lone years say nothing.
pub fn collection_year_in_name(name: &str) -> Option<FinancialYear> {
    if let Some(y) = year_in_file_name(name) {
        return Some(y);
    }
    let b = name.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i - start != 4 {
            continue;
        }
        let Some(y) = name
            .get(start..i)
            .and_then(|t| t.parse::<i32>().ok())
            .filter(|y| (1991..=2199).contains(y))
        else {
            continue;
        };
        let year = FinancialYear(y - 1);
        if found.is_some_and(|f| f != year) {
            return None;
        }
        found = Some(year);
    }
    found
}

/// The kind of SSDA903 table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One row a child: CHILD, SEX, DOB (and optionally a UASC flag or DUC).
    Header,
    /// One row an episode of care.
    Episodes,
    /// Unaccompanied asylum-seeking children: CHILD, SEX, DOB, DUC.
    Uasc,
    /// Another table of the return (reviews, missing, OC2, ...) or a file lacsim wrote: not used.
    Other(&'static str),
}

impl Table {
    /// The table a file name says (`header`, `episode`, `uasc` in its last part), if any.
    pub fn from_name(name: &str) -> Option<Table> {
        let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let lower = last.to_ascii_lowercase();
        if lower.contains("header") {
            Some(Table::Header)
        } else if lower.contains("episode") {
            Some(Table::Episodes)
        } else if lower.contains("uasc") {
            Some(Table::Uasc)
        } else {
            None
        }
    }

    /// The table a column header line (upper-cased names) belongs to, if any.
    pub fn from_columns<S: AsRef<str>>(columns: &[S]) -> Option<Table> {
        let has = |name: &str| columns.iter().any(|c| c.as_ref() == name);
        if !has("CHILD") {
            if has("FILE") && has("LINE") && has("REASON") {
                return Some(Table::Other("rows lacsim rejected"));
            }
            if has("PLACEMENT") && has("ACTUAL") {
                return Some(Table::Other("a lacsim backtest"));
            }
            return None;
        }
        if has("DECOM") {
            return Some(Table::Episodes);
        }
        if has("DUC") && !has("ETHNIC") {
            return Some(Table::Uasc);
        }
        if has("SEX") && has("DOB") {
            return Some(Table::Header);
        }
        const OTHERS: [(&str, &str); 9] = [
            ("REVIEW", "reviews"),
            ("MISSING", "missing"),
            ("MIS_START", "missing"),
            ("SDQ_SCORE", "OC2 outcomes"),
            ("IN_TOUCH", "OC3 care leavers"),
            ("DATE_INT", "AD1 adoption"),
            ("DATE_PLACED", "placed for adoption"),
            ("PREV_PERM", "previous permanence"),
            ("SW_ID", "social worker episodes"),
        ];
        OTHERS
            .iter()
            .find(|(c, _)| has(c))
            .map(|(_, what)| Table::Other(what))
    }

    /// The columns the table must have, comma separated.
    pub fn required(self) -> String {
        match self {
            Table::Header => read::HEADER_COLUMNS.join(","),
            Table::Episodes => read::EPISODE_COLUMNS.join(","),
            Table::Uasc => read::UASC_COLUMNS.join(","),
            Table::Other(_) => "CHILD".into(),
        }
    }

    /// The table in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Table::Header => "header",
            Table::Episodes => "episodes",
            Table::Uasc => "UASC",
            Table::Other(what) => what,
        }
    }
}

/// How strictly to treat unusable rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Turn the first rejected row into an error instead of reporting it.
    pub strict: bool,
    /// Collection years the data covers; inferred from the files when `None`.
    pub years: Option<(FinancialYear, FinancialYear)>,
}

/// The column of a [`Rejection`] when the row as a whole is at fault (its number of
/// fields): a name for it, so that no message shows a blank column.
pub const WHOLE_ROW: &str = "(whole row)";

/// One row the reader or the cleaner could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Name of the file the row came from, as the caller gave it.
    pub file: String,
    /// Line number in that file (the column header line is line 1).
    pub line: u64,
    /// Column holding the offending value, or [`WHOLE_ROW`] when the row as a whole
    /// is at fault (then `value` is the row's fields joined by commas).
    pub column: String,
    /// The offending value as read (lossy UTF-8).
    pub value: String,
    /// Why the row was not used.
    pub reason: RejectReason,
}

impl Rejection {
    /// The reason in words, with the codes the column allows when it held an unknown one.
    pub fn why(&self) -> String {
        match (&self.reason, codes::allowed(&self.column)) {
            (RejectReason::UnknownCode, Some(allowed)) => {
                format!("{}; {} allows {allowed}", self.reason, self.column)
            }
            _ => self.reason.to_string(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file, self.line)?;
        if !self.column.is_empty() {
            write!(f, ", {} = `{}`", self.column, self.value)?;
        }
        write!(f, ": {}", self.why())
    }
}

/// Why a row was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// A date that is not a real day written `dd/mm/yyyy` or `yyyy-mm-dd`.
    #[error("not a real date written dd/mm/yyyy or yyyy-mm-dd")]
    BadDate,
    /// A required value is blank.
    #[error("required value is missing")]
    Missing,
    /// The row has a different number of fields from the column header line.
    #[error(
        "row has {found} field{} but the header line has {expected}",
        if *.found == 1 { "" } else { "s" }
    )]
    WrongColumnCount {
        /// Fields in the column header line.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// Bytes that are not UTF-8 text.
    #[error("value is not UTF-8 text")]
    NotUtf8,
    /// A value that is not a code of the SSDA903 guide.
    #[error("unknown code")]
    UnknownCode,
    /// A code that exists but not for the date or collection year of the row.
    #[error("code is not valid for this date or collection year")]
    CodeNotValidThen,
    /// PLACE U4-U6 without a PLACE_PROVIDER of PR1-PR5.
    #[error("foster placement U4-U6 needs PLACE_PROVIDER PR1-PR5")]
    FosterProviderUnknown,
    /// DECOM later than DEC.
    #[error("episode starts (DECOM) after it ends (DEC)")]
    DecomAfterDec,
    /// DEC and REC must be both present or both blank.
    #[error("DEC and REC must both be filled in or both be blank")]
    DecRecMismatch,
    /// The episode overlaps an earlier episode of the same child.
    #[error("overlaps the episode at {other_file} line {other_line}")]
    Overlap {
        /// File of the earlier episode.
        other_file: String,
        /// Line of the earlier episode.
        other_line: u64,
    },
    /// The child has no row in any header file.
    #[error("child has no usable row in any header file")]
    ChildNotInHeader,
    /// The episode starts before the child's date of birth.
    #[error("episode starts before the child's date of birth")]
    BeforeBirth,
    /// The episode starts on or after the child's 18th birthday.
    #[error("episode starts on or after the child's 18th birthday")]
    AfterEighteen,
    /// A header row for a child already seen with a different date of birth.
    #[error("date of birth differs from the earlier header row at {other_file} line {other_line}")]
    ConflictingHeader {
        /// File of the earlier header row.
        other_file: String,
        /// Line of the earlier header row.
        other_line: u64,
    },
    /// A header UASC flag that is not 1/0, Y/N or true/false; the row is kept, read as not UASC.
    #[error("UASC flag is not 1/0, Y/N or true/false; read as not UASC")]
    UascFlagUnknown,
    /// X1 (not an exit) but no episode of the child starts on DEC; kept, read as an exit of route Other.
    #[error("REC is X1 but no episode starts on DEC; read as an exit (other)")]
    BrokenX1Chain,
}

/// Row counts for one kind of file; `read` always equals the sum of the other fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowTally {
    /// Data rows read (the column header line excluded).
    pub read: u64,
    /// Rows that went into the cleaned data.
    pub used: u64,
    /// Rows rejected (each has a [`Rejection`]).
    pub rejected: u64,
    /// Rows that repeat a row from another yearly file and were merged into it.
    pub duplicates: u64,
    /// Episodes under LS V3/V4 (short breaks), left out as DfE does.
    pub short_breaks: u64,
}

impl RowTally {
    /// True when every row read is accounted for exactly once.
    pub fn adds_up(&self) -> bool {
        self.read == self.used + self.rejected + self.duplicates + self.short_breaks
    }
}

/// What happened to every row: tallies and the rejected rows themselves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadReport {
    /// Header file rows.
    pub header: RowTally,
    /// Episodes file rows.
    pub episodes: RowTally,
    /// UASC table rows.
    pub uasc: RowTally,
    /// UASC tables read.
    pub uasc_table_files: u32,
    /// Header files with a UASC flag or DUC column.
    pub uasc_header_files: u32,
    /// Rows not used, in file then line order.
    pub rejections: Vec<Rejection>,
    /// Rows used but read with an assumption (see [`RejectReason::BrokenX1Chain`]).
    pub warnings: Vec<Rejection>,
    /// First and last collection years the data covers.
    pub years: Option<(FinancialYear, FinancialYear)>,
}

impl ReadReport {
    /// The rejections as `rejected.csv` text: file, line, column, value, reason.
    pub fn rejected_csv(&self) -> String {
        rejections_csv(&self.rejections)
    }
}

/// Writes rejections as CSV text with columns `file,line,column,value,reason`.
pub fn rejections_csv(rows: &[Rejection]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(["file", "line", "column", "value", "reason"]);
    for r in rows {
        let _ = w.write_record([
            r.file.as_str(),
            &r.line.to_string(),
            &r.column,
            &r.value,
            &r.why(),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Whole-file problems and strict-mode failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Ssda903Error {
    /// The file has no column header line.
    #[error("{file}: the file is empty; expected a column header line such as `{expected}`")]
    Empty {
        /// File name.
        file: String,
        /// The columns expected.
        expected: String,
    },
    /// The file is separated by something other than commas.
    #[error(
        "{file}: columns are separated by {found}; SSDA903 files must be comma separated (save as CSV)"
    )]
    WrongDelimiter {
        /// File name.
        file: String,
        /// The separator found, described in words.
        found: &'static str,
    },
    /// The columns match no SSDA903 table and the name says none.
    #[error(
        "{file}: its columns ({columns}) match no SSDA903 table: a header file needs CHILD,SEX,DOB, an episodes file CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC and a UASC file CHILD,DUC"
    )]
    UnknownTable {
        /// File name.
        file: String,
        /// The columns found, comma separated.
        columns: String,
    },
    /// Required columns are absent from the header line.
    #[error("{file}: missing column(s) {missing}; expected at least {expected}")]
    MissingColumns {
        /// File name.
        file: String,
        /// Missing column names, comma separated.
        missing: String,
        /// All required column names, comma separated.
        expected: String,
    },
    /// The column header line is not UTF-8 (e.g. a UTF-16 export).
    #[error("{file}: not UTF-8 text; save the file as CSV UTF-8")]
    NotUtf8 {
        /// File name.
        file: String,
    },
    /// Reading the bytes failed.
    #[error("{file}: could not be read: {source}")]
    Io {
        /// File name.
        file: String,
        /// The underlying error.
        source: csv::Error,
    },
    /// A quoted field runs over line breaks: a double quote on `line` (usually a
    /// stray one) swallowed the lines after it into one value. No SSDA903 value
    /// holds a line break, so this stops the read rather than losing the lines.
    #[error("{}", quote_message(.file, *.line, *.lines, *.to_end))]
    QuoteNotClosed {
        /// File name.
        file: String,
        /// Line the quoted field opens on.
        line: u64,
        /// Lines after it that were swallowed into the field.
        lines: u64,
        /// True when the field runs on to the end of the file.
        to_end: bool,
    },
    /// Yearly files of one table skip a collection year between their first and last.
    #[error("{}", gap_message(.table, .missing, .expected, .found))]
    MissingYears {
        /// The table whose files have the gap (`episodes` or `header`).
        table: &'static str,
        /// Collection years with no file, earliest first.
        missing: Vec<FinancialYear>,
        /// The names the missing files would have, going by the file of the year
        /// before each (empty when those names say no year).
        expected: Vec<String>,
        /// Collection years that have a file, earliest first.
        found: Vec<FinancialYear>,
    },
    /// Strict mode and a row was rejected.
    #[error(
        "{first} (strict mode: {count} row(s) rejected; rerun without strict to get rejected.csv)"
    )]
    Rejected {
        /// The first rejection.
        first: Box<Rejection>,
        /// How many rows were rejected so far.
        count: usize,
    },
}

fn lines_word(n: u64) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}

fn quote_message(file: &str, line: u64, lines: u64, to_end: bool) -> String {
    let opens = format!("{file}: line {line} opens a quoted field (a double quote) that");
    let fix = format!("remove the stray double quote, or close the quote on line {line}");
    match (to_end, lines) {
        (true, 0) => format!("{opens} is never closed (it is the last line); {fix}"),
        (true, n) => format!(
            "{opens} is not closed before the end of the file, so the {} after it could not be read; {fix}",
            lines_word(n)
        ),
        (false, n) => format!(
            "{opens} is not closed until line {}, so the {} after it were read as one value, not as rows (no SSDA903 value holds a line break); {fix}",
            line + n,
            lines_word(n)
        ),
    }
}

/// Years as runs: `2017/18 to 2018/19 and 2020/21`.
fn year_runs(years: &[FinancialYear]) -> String {
    let mut runs: Vec<(FinancialYear, FinancialYear)> = Vec::new();
    for &y in years {
        match runs.last_mut() {
            Some((_, last)) if last.plus(1) == y => *last = y,
            _ => runs.push((y, y)),
        }
    }
    let words: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} to {b}")
            }
        })
        .collect();
    join_and(&words)
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn gap_message(
    table: &str,
    missing: &[FinancialYear],
    expected: &[String],
    found: &[FinancialYear],
) -> String {
    let years: Vec<String> = missing.iter().map(ToString::to_string).collect();
    let files = if missing.len() == 1 { "file" } else { "files" };
    let names = if expected.is_empty() {
        String::new()
    } else {
        format!(" ({})", expected.join(", "))
    };
    let why = if table == Table::Header.describe() {
        "children looked after only then have no date of birth"
    } else {
        "that year's episodes are lost and the years either side misread"
    };
    format!(
        "no {table} {files} for {}{names}: the returns have a gap ({table} files were found for {}); every collection year from the first to the last is needed, or {why}. Add the missing year, or leave out the years on one side of the gap",
        join_and(&years),
        year_runs(found)
    )
}

/// `name` with the collection year `from` that it is named by rewritten as `to`,
/// written the same way (`2019-20`, `201920`, `2019_2020`, or the DfE's lone
/// `2020`): the name a missing year's file would have, for messages. The last
/// mention wins, as the nearest part of a path names a file's year; `None` when
/// the name does not say `from`.
pub(crate) fn rename_year(name: &str, from: FinancialYear, to: FinancialYear) -> Option<String> {
    let b = name.as_bytes();
    // The number written by the `n` digits at `i`, when exactly `n` digits are there.
    let digits_at = |i: usize, n: usize| -> Option<i32> {
        let s = b.get(i..i + n)?;
        if !s.iter().all(u8::is_ascii_digit) || b.get(i + n).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    let mut found: Option<(usize, usize, String)> = None;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let four = b
            .get(i..i + 4)
            .filter(|s| s.iter().all(u8::is_ascii_digit))
            .and_then(|s| std::str::from_utf8(s).ok()?.parse::<i32>().ok());
        if four == Some(from.0) {
            let mut j = i + 4;
            let sep = match b.get(j) {
                Some(&c @ (b'-' | b'_' | b' ')) => {
                    j += 1;
                    (c as char).to_string()
                }
                _ => String::new(),
            };
            let (a, z) = (to.0, to.0 + 1);
            if digits_at(j, 2) == Some((from.0 + 1) % 100) {
                found = Some((i, j + 2, format!("{a:04}{sep}{:02}", z % 100)));
                i = j + 2;
                continue;
            }
            if digits_at(j, 4) == Some(from.0 + 1) {
                found = Some((i, j + 4, format!("{a:04}{sep}{z:04}")));
                i = j + 4;
                continue;
            }
        }
        if digits_at(i, 4) == Some(from.0 + 1) {
            found = Some((i, i + 4, format!("{:04}", to.0 + 1)));
        }
        i += 1;
    }
    let (a, z, with) = found?;
    Some(format!("{}{with}{}", &name[..a], &name[z..]))
}

/// Days since 1970-01-01 for a civil date (proleptic Gregorian).
pub(crate) fn epoch_day(d: Date) -> i32 {
    let (y, m, dd) = (
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `years` years after `d` (29 February becomes 1 March in common years).
pub(crate) fn add_years(d: Date, years: i16) -> Date {
    let y = d.year() + years;
    Date::new(y, d.month(), d.day()).unwrap_or_else(|_| Date::new(y, 3, 1).unwrap_or(d))
}

/// Age in completed months on `on` for a child born on `dob` (a month is
/// completed on the day of the month of birth, so it agrees with [`age_on`]
/// at every birthday).
pub(crate) fn months_on(dob: Date, on: Date) -> i32 {
    let months = (i32::from(on.year()) - i32::from(dob.year())) * 12
        + (i32::from(on.month()) - i32::from(dob.month()));
    months - i32::from(on.day() < dob.day())
}

/// Age in completed years on `on` for a child born on `dob`.
pub(crate) fn age_on(dob: Date, on: Date) -> i32 {
    let mut age = i32::from(on.year()) - i32::from(dob.year());
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn epoch_days_match_jiff() {
        let base = date(1970, 1, 1);
        for d in [
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2024, 3, 31),
            date(1969, 12, 31),
        ] {
            let want = (d - base).get_days();
            assert_eq!(epoch_day(d), want, "{d}");
        }
        assert_eq!(
            epoch_day(date(2024, 3, 1)) - epoch_day(date(2024, 2, 28)),
            2
        );
    }

    #[test]
    fn years_in_file_names() {
        let y = |s: &str| year_in_file_name(s).map(|y| y.0);
        assert_eq!(y("episodes_2019-20.csv"), Some(2019));
        assert_eq!(y("header_201920.csv"), Some(2019));
        assert_eq!(y("903_2019_2020.csv"), Some(2019));
        assert_eq!(y("SSDA903 2023 24 episodes.csv"), Some(2023));
        assert_eq!(y("header_2019.csv"), None);
        assert_eq!(y("episodes_2019-21.csv"), None);
        assert_eq!(y("2019-20 and 2020-21.csv"), None);
        assert_eq!(y("x12019-20.csv"), None);
        assert_eq!(y(""), None);
    }

    #[test]
    fn collection_years_in_names() {
        let y = |s: &str| collection_year_in_name(s).map(|y| y.0);
        assert_eq!(y("header_2019.csv"), Some(2018));
        assert_eq!(y("2022"), Some(2021));
        assert_eq!(y("2019-20"), Some(2019));
        assert_eq!(y("episodes_2019-20.csv"), Some(2019));
        assert_eq!(y("header.csv"), None);
        assert_eq!(y("2019 and 2021"), None);
        assert_eq!(y("LA_12345.csv"), None);
    }

    #[test]
    fn a_missing_years_file_is_named_like_the_file_of_the_year_before() {
        let r = |name: &str, from: i32, to: i32| {
            rename_year(name, FinancialYear(from), FinancialYear(to))
        };
        assert_eq!(
            r("/r/episodes_2018-19.csv", 2018, 2019).as_deref(),
            Some("/r/episodes_2019-20.csv")
        );
        assert_eq!(
            r("header_201819.csv", 2018, 2020).as_deref(),
            Some("header_202021.csv")
        );
        assert_eq!(
            r("903_2018_2019.csv", 2018, 2019).as_deref(),
            Some("903_2019_2020.csv")
        );
        // The DfE's lone year is the year the collection ends; the nearest part wins.
        assert_eq!(
            r("data-2019/2019/episodes.csv", 2018, 2019).as_deref(),
            Some("data-2019/2020/episodes.csv")
        );
        assert_eq!(
            r("returns.zip:2019-20/episodes.csv", 2019, 2020).as_deref(),
            Some("returns.zip:2020-21/episodes.csv")
        );
        assert_eq!(r("e19.csv", 2019, 2020), None);
    }

    #[test]
    fn a_gap_message_names_every_missing_year_and_the_runs_found() {
        let ys = |v: &[i32]| v.iter().map(|&y| FinancialYear(y)).collect::<Vec<_>>();
        let text = gap_message(
            "episodes",
            &ys(&[2019, 2020]),
            &["e_2019-20.csv".into(), "e_2020-21.csv".into()],
            &ys(&[2016, 2017, 2018, 2021, 2023]),
        );
        assert!(
            text.starts_with(
                "no episodes files for 2019/20 and 2020/21 (e_2019-20.csv, e_2020-21.csv): the returns have a gap (episodes files were found for 2016/17 to 2018/19, 2021/22 and 2023/24)"
            ),
            "{text}"
        );
    }

    #[test]
    fn tables_from_names_and_columns() {
        let cols = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        assert_eq!(Table::from_name("x/2019/Header.csv"), Some(Table::Header));
        assert_eq!(Table::from_name("uasc.csv"), Some(Table::Uasc));
        assert_eq!(Table::from_name("header/a.csv"), None);
        assert_eq!(
            Table::from_columns(&cols("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB")),
            Some(Table::Header)
        );
        assert_eq!(
            Table::from_columns(&cols("CHILD,SEX,DOB,DUC")),
            Some(Table::Uasc)
        );
        assert_eq!(
            Table::from_columns(&cols("CHILD,DECOM,RNE")),
            Some(Table::Episodes)
        );
        assert_eq!(
            Table::from_columns(&cols("CHILD,DOB,REVIEW,REVIEW_CODE")),
            Some(Table::Other("reviews"))
        );
        assert_eq!(Table::from_columns(&cols("A,B")), None);
    }

    #[test]
    fn ages_and_birthdays() {
        let dob = date(2008, 2, 29);
        assert_eq!(add_years(dob, 18), date(2026, 3, 1));
        assert_eq!(age_on(dob, date(2026, 2, 28)), 17);
        assert_eq!(age_on(dob, date(2026, 3, 1)), 18);
        assert_eq!(age_on(date(2010, 5, 1), date(2011, 5, 1)), 1);
        assert_eq!(months_on(date(2010, 5, 15), date(2010, 6, 14)), 0);
        assert_eq!(months_on(date(2010, 5, 15), date(2010, 6, 15)), 1);
        assert_eq!(months_on(date(2010, 5, 15), date(2028, 5, 14)), 215);
        // Months and years agree on every day of a leap-day child's first years.
        let leap = date(2008, 2, 29);
        let mut d = leap;
        for _ in 0..(366 * 6) {
            assert_eq!(months_on(leap, d) / 12, age_on(leap, d), "{d}");
            d = d.tomorrow().unwrap();
        }
    }
}
