//! Streaming reader for SSDA903 header and episodes CSV files.
//!
//! Owns column matching (case-insensitive, extra columns ignored), date parsing
//! (`dd/mm/yyyy` or `yyyy-mm-dd`), row-level code checks and whole-file errors.
//! Rows are read one at a time into a reused [`csv::ByteRecord`]; nothing holds a
//! whole file. Checks that need every file (header look-ups, duplicates, overlaps,
//! X1 chains) happen in [`Loader::finish`] (see [`super::clean`]).

use super::clean::Uasc;
use super::codes::{self, PlaceKind, PlaceProblem, Rec, Sex};
use super::{Options, ReadReport, RejectReason, Rejection, Ssda903Error, Table, WHOLE_ROW};
use crate::year::FinancialYear;
use jiff::civil::Date;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::io::Read;

/// Columns a header file must have.
pub const HEADER_COLUMNS: [&str; 3] = ["CHILD", "SEX", "DOB"];

/// Columns an episodes file must have.
pub const EPISODE_COLUMNS: [&str; 8] = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
];

/// Columns a UASC table must have (it also has SEX and DOB, which are not used).
pub const UASC_COLUMNS: [&str; 2] = ["CHILD", "DUC"];

/// Where a row came from: index into the loader's file list and line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Src {
    pub file: u32,
    pub line: u64,
}

/// A header row that passed its own checks.
#[derive(Debug, Clone, Copy)]
pub(super) struct HeaderRow {
    pub sex: Sex,
    pub dob: Date,
    pub src: Src,
}

/// An episode row that passed its own checks.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawEpisode {
    pub child: u32,
    pub decom: Date,
    pub dec: Option<Date>,
    pub place: PlaceKind,
    pub rec: Option<Rec>,
    pub src: Src,
}

/// A file the caller handed in.
#[derive(Debug, Clone)]
pub(super) struct FileInfo {
    pub name: String,
    pub year: Option<FinancialYear>,
    pub table: Table,
    /// Latest DECOM or DEC of the file's usable episodes.
    pub latest: Option<Date>,
    /// Earliest DEC of the file's usable episodes.
    pub earliest_dec: Option<Date>,
}

/// Collects rows from any number of header and episodes files, then cleans them.
///
/// Add files in collection-year order (earliest first): when two yearly files hold
/// the same episode, the closed or later copy wins.
#[derive(Debug, Default)]
pub struct Loader {
    pub(super) opts: Options,
    pub(super) files: Vec<FileInfo>,
    /// CHILD to index; only looked up, never iterated, and hashed with fixed keys.
    pub(super) child_ids: HashMap<Box<str>, u32, BuildHasherDefault<DefaultHasher>>,
    pub(super) child_names: Vec<Box<str>>,
    pub(super) headers: Vec<Option<HeaderRow>>,
    /// UASC status by child index, from UASC tables and header flags.
    pub(super) uasc: Vec<Option<Uasc>>,
    pub(super) episodes: Vec<RawEpisode>,
    pub(super) rejections: Vec<(Src, Rejection)>,
    pub(super) warnings: Vec<(Src, Rejection)>,
    pub(super) report: ReadReport,
    pub(super) last_child: u32,
}

/// Parses `dd/mm/yyyy` (day and month may have one digit) or `yyyy-mm-dd`, years 1900-2199.
pub fn parse_date(s: &str) -> Option<Date> {
    fn num(s: &str, min_len: usize, max_len: usize) -> Option<i16> {
        if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
    let (y, m, d) = if let Some((d, rest)) = s.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        (num(y, 4, 4)?, num(m, 1, 2)?, num(d, 1, 2)?)
    } else {
        let mut it = s.splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        (num(y, 4, 4)?, num(m, 2, 2)?, num(d, 2, 2)?)
    };
    if !(1900..=2199).contains(&y) {
        return None;
    }
    let m = i8::try_from(m).ok()?;
    let d = i8::try_from(d).ok()?;
    Date::new(y, m, d).ok()
}

/// Writes a date the way SSDA903 files do: `dd/mm/yyyy`.
pub fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// Upper-cases a short code into `buf`; longer codes are returned as they are.
fn upper<'a>(s: &'a str, buf: &'a mut [u8; 8]) -> &'a str {
    if s.len() > buf.len() || !s.is_ascii() {
        return s;
    }
    let out = &mut buf[..s.len()];
    out.copy_from_slice(s.as_bytes());
    out.make_ascii_uppercase();
    std::str::from_utf8(out).unwrap_or(s)
}

/// Column positions of the required columns, in the order asked for.
struct Columns<const N: usize> {
    index: [usize; N],
    names: [&'static str; N],
    width: usize,
}

/// The CSV parser over a [`Tap`] of the file.
type Csv<R> = csv::Reader<Tap<R>>;

fn csv_reader<R: Read>(reader: R) -> Csv<R> {
    // Flexible: a row with too few or too many fields is a rejected row with its
    // line, not an error that stops the file. Quoting stays on, as exports quote
    // values; a quote that is never closed is caught by `record_start`.
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Tap {
            inner: reader,
            start: 0,
            last: Vec::new(),
        })
}

/// The file under the CSV parser, keeping the last block it handed over.
///
/// The csv crate dates a record by where the parser stood *before* reading it:
/// before the `\n` of the previous line's `\r\n` and before any blank lines,
/// so in a Windows file every row would be reported a line early. The byte that
/// ended the record (see [`record_start`]) tells where it really began; the parser
/// has always just taken it from the last block, so that is all that is kept.
struct Tap<R> {
    inner: R,
    /// Offset in the file of `last`'s first byte.
    start: u64,
    last: Vec<u8>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        // At the end of the file (n = 0) the last block is kept: the final record
        // is ended by it.
        if n > 0 {
            self.start += self.last.len() as u64;
            self.last.clear();
            self.last.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

impl<R> Tap<R> {
    fn byte_at(&self, at: u64) -> Option<u8> {
        let i = usize::try_from(at.checked_sub(self.start)?).ok()?;
        self.last.get(i).copied()
    }
}

/// The line a record just read starts on (the column header line is 1), or an
/// error when the record holds a line break.
///
/// The parser counts `\n`s as it consumes them. A record ended by a lone `\n`
/// has consumed it; one ended by `\r` (of `\r\n`) or by the end of the file has
/// not; a quoted value's own `\n`s count too.
///
/// The csv crate reads a quote that is never closed as a field running to the end
/// of the file (and one closed lines later as a field holding those lines) without
/// any error: one stray `"` would silently lose the rest of the file. Outside
/// quotes a line break always ends a record, and no SSDA903 value holds one, so a
/// field that does is a quote gone wrong, opened on the record's first line.
fn record_start<R: Read>(
    file: &str,
    rdr: &mut Csv<R>,
    record: &csv::ByteRecord,
) -> Result<u64, Ssda903Error> {
    let end = rdr.position().clone();
    let last_byte = end
        .byte()
        .checked_sub(1)
        .and_then(|b| rdr.get_ref().byte_at(b));
    let line = |inside: u64, ended_by_newline: bool| {
        end.line()
            .saturating_sub(inside + u64::from(ended_by_newline))
            .max(1)
    };
    let breaks: u64 = record.iter().map(line_breaks).sum();
    if breaks == 0 {
        return Ok(line(0, last_byte == Some(b'\n')));
    }
    // Nothing after it: the quote ran to the end of the file, and the file's own
    // last line break (if it has one) is inside the field, not after the record.
    let to_end = matches!(rdr.read_byte_record(&mut csv::ByteRecord::new()), Ok(false));
    let last_break = record
        .iter()
        .next_back()
        .is_some_and(|f| f.ends_with(b"\n") || f.ends_with(b"\r"));
    let inside: u64 = record
        .iter()
        .map(|f| f.iter().filter(|&&c| c == b'\n').count() as u64)
        .sum();
    let swallowed_own_end = to_end && last_break;
    let line = line(inside, last_byte == Some(b'\n') && !swallowed_own_end);
    Err(Ssda903Error::QuoteNotClosed {
        file: file.to_string(),
        line,
        lines: breaks - u64::from(swallowed_own_end),
        to_end,
    })
}

/// Line breaks in a field: `\n`, `\r\n` or a lone `\r`, each counted once.
fn line_breaks(field: &[u8]) -> u64 {
    let mut n = 0;
    for (i, &c) in field.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && field.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// Reads the column header line of a file: trimmed, upper-cased names, BOM removed.
/// `expected` names the columns wanted, for the message when there is no line.
fn column_line<R: Read>(
    file: &str,
    rdr: &mut Csv<R>,
    record: &mut csv::ByteRecord,
    expected: impl FnOnce() -> String,
) -> Result<Vec<String>, Ssda903Error> {
    let has = rdr
        .read_byte_record(record)
        .map_err(|source| Ssda903Error::Io {
            file: file.to_string(),
            source,
        })?;
    if !has || record.iter().all(|f| f.trim_ascii().is_empty()) {
        return Err(Ssda903Error::Empty {
            file: file.to_string(),
            expected: expected(),
        });
    }
    record_start(file, rdr, record)?;
    let mut columns = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        let field = if i == 0 {
            field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
        } else {
            field
        };
        let text = std::str::from_utf8(field).map_err(|_| Ssda903Error::NotUtf8 {
            file: file.to_string(),
        })?;
        columns.push(text.trim().to_ascii_uppercase());
    }
    Ok(columns)
}

/// A file read as one column holding a semicolon, tab or bar: the wrong separator.
fn wrong_delimiter(file: &str, columns: &[String]) -> Option<Ssda903Error> {
    if columns.len() != 1 {
        return None;
    }
    [(';', "semicolons"), ('\t', "tabs"), ('|', "vertical bars")]
        .into_iter()
        .find(|(c, _)| columns[0].contains(*c))
        .map(|(_, found)| Ssda903Error::WrongDelimiter {
            file: file.to_string(),
            found,
        })
}

/// Finds the required columns in a column header line.
fn match_columns<const N: usize>(
    file: &str,
    columns: &[String],
    names: [&'static str; N],
) -> Result<Columns<N>, Ssda903Error> {
    let mut index = [0; N];
    let mut missing = Vec::new();
    for (k, name) in names.iter().enumerate() {
        match columns.iter().position(|c| c == name) {
            Some(i) => index[k] = i,
            None => missing.push(*name),
        }
    }
    if !missing.is_empty() {
        if let Some(e) = wrong_delimiter(file, columns) {
            return Err(e);
        }
        return Err(Ssda903Error::MissingColumns {
            file: file.to_string(),
            missing: missing.join(", "),
            expected: names.join(","),
        });
    }
    Ok(Columns {
        index,
        names,
        width: columns.len(),
    })
}

/// What [`Loader::add`] made of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    /// The table the file holds (from its columns, or its name when they do not say).
    pub table: Table,
    /// Its collection year: the one given, or for an episodes file without one, the
    /// year its dates fall in when they all fall in one (`None` for a combined file).
    pub year: Option<FinancialYear>,
}

/// Optional columns of a header file that say a child is UASC.
#[derive(Debug, Clone, Copy, Default)]
struct UascColumns {
    flag: Option<usize>,
    duc: Option<usize>,
}

/// Reads a header UASC flag: `Some(true)` for 1/Y/yes/true, `Some(false)` for
/// 0/N/no/false or blank, `None` for anything else.
fn uasc_flag(raw: &[u8]) -> Option<bool> {
    let t = raw.trim_ascii();
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w.as_bytes()));
    if is(&["1", "y", "yes", "true", "t"]) {
        Some(true)
    } else if t.is_empty() || is(&["0", "n", "no", "false", "f"]) {
        Some(false)
    } else {
        None
    }
}

/// A rejected row before the file name is attached.
struct Reject {
    column: &'static str,
    value: String,
    reason: RejectReason,
}

fn reject(column: &'static str, value: &str, reason: RejectReason) -> Reject {
    Reject {
        column,
        value: value.to_string(),
        reason,
    }
}

/// Splits the required fields of a row into trimmed text, or says why it cannot.
fn fields<'r, const N: usize>(
    record: &'r csv::ByteRecord,
    cols: &Columns<N>,
) -> Result<[&'r str; N], Reject> {
    if record.len() != cols.width {
        // The whole row is at fault: show it, so the message has something to find
        // it by besides its line.
        let value: Vec<_> = record.iter().map(String::from_utf8_lossy).collect();
        return Err(Reject {
            column: WHOLE_ROW,
            value: value.join(","),
            reason: RejectReason::WrongColumnCount {
                expected: cols.width,
                found: record.len(),
            },
        });
    }
    let mut out = [""; N];
    for (k, slot) in out.iter_mut().enumerate() {
        let raw = record.get(cols.index[k]).unwrap_or_default();
        *slot = std::str::from_utf8(raw)
            .map_err(|_| Reject {
                column: cols.names[k],
                value: String::from_utf8_lossy(raw).into_owned(),
                reason: RejectReason::NotUtf8,
            })?
            .trim();
    }
    Ok(out)
}

fn required<'a>(column: &'static str, value: &'a str) -> Result<&'a str, Reject> {
    if value.is_empty() {
        Err(reject(column, value, RejectReason::Missing))
    } else {
        Ok(value)
    }
}

fn date_field(column: &'static str, value: &str) -> Result<Date, Reject> {
    parse_date(required(column, value)?).ok_or_else(|| reject(column, value, RejectReason::BadDate))
}

impl Loader {
    /// An empty loader.
    pub fn new(opts: Options) -> Loader {
        Loader {
            opts,
            ..Loader::default()
        }
    }

    fn add_file(&mut self, name: &str, year: Option<FinancialYear>, table: Table) -> u32 {
        self.files.push(FileInfo {
            name: name.to_string(),
            year,
            table,
            latest: None,
            earliest_dec: None,
        });
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    pub(super) fn child_id(&mut self, name: &str) -> u32 {
        // Files are usually sorted by child: try the previous row's child first.
        if let Some(last) = self.child_names.get(self.last_child as usize)
            && &**last == name
        {
            return self.last_child;
        }
        let id = self.child_id_lookup(name);
        self.last_child = id;
        id
    }

    fn child_id_lookup(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.child_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.child_names.len()).unwrap_or(u32::MAX);
        self.child_ids.insert(name.into(), id);
        self.child_names.push(name.into());
        self.headers.push(None);
        self.uasc.push(None);
        id
    }

    /// Marks a child as UASC, keeping the latest date the status ceased.
    fn mark_uasc(&mut self, id: u32, ceased: Option<Date>) {
        if let Some(slot) = self.uasc.get_mut(id as usize) {
            let old = slot.and_then(|u| u.ceased);
            *slot = Some(Uasc {
                ceased: old.max(ceased),
            });
        }
    }

    pub(super) fn rejection(
        &self,
        src: Src,
        column: &str,
        value: String,
        reason: RejectReason,
    ) -> (Src, Rejection) {
        let file = self
            .files
            .get(src.file as usize)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        (
            src,
            Rejection {
                file,
                line: src.line,
                column: column.to_string(),
                value,
                reason,
            },
        )
    }

    fn push_reject(&mut self, src: Src, r: Reject) {
        let rej = self.rejection(src, r.column, r.value, r.reason);
        self.rejections.push(rej);
    }

    pub(super) fn check_strict(&self) -> Result<(), Ssda903Error> {
        match self.rejections.first() {
            Some((_, first)) if self.opts.strict => Err(Ssda903Error::Rejected {
                first: Box::new(first.clone()),
                count: self.rejections.len(),
            }),
            _ => Ok(()),
        }
    }

    /// Streams the data rows of one file through `row`, with each row's file and line;
    /// one record buffer is reused for the whole file.
    #[allow(clippy::too_many_arguments)]
    fn each_row<const N: usize, R: Read>(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        table: Table,
        rdr: &mut Csv<R>,
        record: &mut csv::ByteRecord,
        cols: &Columns<N>,
        mut row: impl FnMut(&mut Self, Src, &csv::ByteRecord, &Columns<N>),
    ) -> Result<u32, Ssda903Error> {
        let fi = self.add_file(file, year, table);
        loop {
            match rdr.read_byte_record(record) {
                Ok(true) => {}
                Ok(false) => return Ok(fi),
                Err(source) => {
                    return Err(Ssda903Error::Io {
                        file: file.to_string(),
                        source,
                    });
                }
            }
            let line = record_start(file, rdr, record)?;
            let src = Src { file: fi, line };
            row(self, src, record, cols);
        }
    }

    /// Reads a file of any SSDA903 table: header, episodes or UASC, told apart by
    /// the file's name when it says and its columns fit, otherwise by its columns.
    /// Other tables of the return (reviews, missing, OC2, ...) are recognised and
    /// skipped; a file whose columns match no table is an error naming it.
    ///
    /// `year` is the collection year when the caller knows it (from a file or folder
    /// name); for an episodes file without one, the year its dates fall in is used
    /// when they all fall in one collection year.
    pub fn add(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
    ) -> Result<Added, Ssda903Error> {
        let mut rdr = csv_reader(reader);
        let mut record = csv::ByteRecord::new();
        let by_name = Table::from_name(file);
        let columns = column_line(file, &mut rdr, &mut record, || match by_name {
            Some(t) => t.required(),
            None => format!(
                "{} (header), {} (episodes) or {} (UASC)",
                HEADER_COLUMNS.join(","),
                EPISODE_COLUMNS.join(","),
                UASC_COLUMNS.join(",")
            ),
        })?;
        let fits = |t: Table| {
            let need = t.required();
            need.split(',').all(|c| columns.iter().any(|k| k == c))
        };
        let table = match by_name {
            Some(t) if fits(t) => t,
            _ => match Table::from_columns(&columns).or(by_name) {
                Some(t) => t,
                None => {
                    return Err(wrong_delimiter(file, &columns).unwrap_or_else(|| {
                        Ssda903Error::UnknownTable {
                            file: file.to_string(),
                            columns: columns.join(","),
                        }
                    }));
                }
            },
        };
        let year = match table {
            Table::Header => {
                self.header_rows(file, year, &columns, &mut rdr, &mut record)?;
                year
            }
            Table::Episodes => self.episode_rows(file, year, &columns, &mut rdr, &mut record)?,
            Table::Uasc => {
                self.uasc_rows(file, year, &columns, &mut rdr, &mut record)?;
                year
            }
            Table::Other(_) => year,
        };
        Ok(Added { table, year })
    }

    /// Reads a header file (CHILD, SEX, DOB; other columns ignored, except a UASC
    /// flag or DUC column, which mark the child as UASC).
    ///
    /// `year` is the collection year of a yearly file, which fixes the SEX codes
    /// (1/2 up to 2023/24, M/F/U from 2024/25); `None` accepts either.
    pub fn add_header(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
    ) -> Result<(), Ssda903Error> {
        let mut rdr = csv_reader(reader);
        let mut record = csv::ByteRecord::new();
        let columns = column_line(file, &mut rdr, &mut record, || HEADER_COLUMNS.join(","))?;
        self.header_rows(file, year, &columns, &mut rdr, &mut record)
    }

    fn header_rows<R: Read>(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        columns: &[String],
        rdr: &mut Csv<R>,
        record: &mut csv::ByteRecord,
    ) -> Result<(), Ssda903Error> {
        let cols = match_columns(file, columns, HEADER_COLUMNS)?;
        let uasc = UascColumns {
            flag: columns.iter().position(|c| c == "UASC"),
            duc: columns.iter().position(|c| c == "DUC"),
        };
        if uasc.flag.is_some() || uasc.duc.is_some() {
            self.report.uasc_header_files += 1;
        }
        self.each_row(
            file,
            year,
            Table::Header,
            rdr,
            record,
            &cols,
            |this, src, record, cols| {
                this.report.header.read += 1;
                match parse_header_row(record, cols, year) {
                    Ok((child, row)) => {
                        let id = this.child_id(child);
                        let row = HeaderRow { src, ..row };
                        match this.headers[id as usize] {
                            None => {
                                this.headers[id as usize] = Some(row);
                                this.report.header.used += 1;
                            }
                            Some(old) if old.dob == row.dob => this.report.header.duplicates += 1,
                            Some(old) => {
                                let other = &this.files[old.src.file as usize].name;
                                let reason = RejectReason::ConflictingHeader {
                                    other_file: other.clone(),
                                    other_line: old.src.line,
                                };
                                let value = super::read::format_date(row.dob);
                                this.report.header.rejected += 1;
                                this.push_reject(src, reject("DOB", &value, reason));
                                return;
                            }
                        }
                        this.header_uasc(id, src, record, uasc);
                    }
                    Err(r) => {
                        this.report.header.rejected += 1;
                        this.push_reject(src, r);
                    }
                }
            },
        )?;
        self.check_strict()
    }

    /// Reads the UASC flag and DUC of a header row that was used.
    fn header_uasc(&mut self, id: u32, src: Src, record: &csv::ByteRecord, uasc: UascColumns) {
        let duc = uasc
            .duc
            .and_then(|i| record.get(i))
            .and_then(|raw| std::str::from_utf8(raw).ok())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let ceased = duc.and_then(parse_date);
        let flag = match uasc.flag.and_then(|i| record.get(i)) {
            None => false,
            Some(raw) => match uasc_flag(raw) {
                Some(f) => f,
                None => {
                    let value = String::from_utf8_lossy(raw).into_owned();
                    let w = self.rejection(src, "UASC", value, RejectReason::UascFlagUnknown);
                    self.warnings.push(w);
                    false
                }
            },
        };
        if flag || duc.is_some() {
            self.mark_uasc(id, ceased);
        }
    }

    /// Reads a UASC table (CHILD and DUC, the date UASC status ceased, blank while
    /// it lasts; other columns ignored). Every child in it is counted as UASC until DUC.
    pub fn add_uasc(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
    ) -> Result<(), Ssda903Error> {
        let mut rdr = csv_reader(reader);
        let mut record = csv::ByteRecord::new();
        let columns = column_line(file, &mut rdr, &mut record, || UASC_COLUMNS.join(","))?;
        self.uasc_rows(file, year, &columns, &mut rdr, &mut record)
    }

    fn uasc_rows<R: Read>(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        columns: &[String],
        rdr: &mut Csv<R>,
        record: &mut csv::ByteRecord,
    ) -> Result<(), Ssda903Error> {
        let cols = match_columns(file, columns, UASC_COLUMNS)?;
        self.report.uasc_table_files += 1;
        self.each_row(
            file,
            year,
            Table::Uasc,
            rdr,
            record,
            &cols,
            |this, src, record, cols| {
                this.report.uasc.read += 1;
                let row = fields(record, cols).and_then(|[child, duc]| {
                    let child = required("CHILD", child)?;
                    let ceased = if duc.is_empty() {
                        None
                    } else {
                        Some(date_field("DUC", duc)?)
                    };
                    Ok((child, ceased))
                });
                match row {
                    Ok((child, ceased)) => {
                        let id = this.child_id(child);
                        this.mark_uasc(id, ceased);
                        this.report.uasc.used += 1;
                    }
                    Err(r) => {
                        this.report.uasc.rejected += 1;
                        this.push_reject(src, r);
                    }
                }
            },
        )?;
        self.check_strict()
    }

    /// Reads an episodes file (CHILD, DECOM, RNE, LS, PLACE, PLACE_PROVIDER, DEC,
    /// REC; other columns ignored). `year` is the collection year of a yearly file.
    pub fn add_episodes(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
    ) -> Result<(), Ssda903Error> {
        let mut rdr = csv_reader(reader);
        let mut record = csv::ByteRecord::new();
        let columns = column_line(file, &mut rdr, &mut record, || EPISODE_COLUMNS.join(","))?;
        self.episode_rows(file, year, &columns, &mut rdr, &mut record)
            .map(|_| ())
    }

    /// Reads the rows of an episodes file; returns its collection year, the one given
    /// or the one all its dates fall in.
    fn episode_rows<R: Read>(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        columns: &[String],
        rdr: &mut Csv<R>,
        record: &mut csv::ByteRecord,
    ) -> Result<Option<FinancialYear>, Ssda903Error> {
        let cols = match_columns(file, columns, EPISODE_COLUMNS)?;
        let fi = self.each_row(
            file,
            year,
            Table::Episodes,
            rdr,
            record,
            &cols,
            |this, src, record, cols| {
                this.report.episodes.read += 1;
                match parse_episode_row(record, cols) {
                    Ok(None) => this.report.episodes.short_breaks += 1,
                    Ok(Some((child, ep))) => {
                        let child = this.child_id(child);
                        if let Some(f) = this.files.get_mut(src.file as usize) {
                            let last = ep.dec.unwrap_or(ep.decom);
                            f.latest = f.latest.max(Some(last));
                            if let Some(d) = ep.dec {
                                f.earliest_dec = Some(f.earliest_dec.map_or(d, |e| e.min(d)));
                            }
                        }
                        this.episodes.push(RawEpisode { child, src, ..ep });
                    }
                    Err(r) => {
                        this.report.episodes.rejected += 1;
                        this.push_reject(src, r);
                    }
                }
            },
        )?;
        self.check_strict()?;
        let f = &mut self.files[fi as usize];
        if f.year.is_none() {
            f.year = f
                .latest
                .map(codes::year_of)
                .filter(|&last| f.earliest_dec.is_none_or(|d| codes::year_of(d) == last));
        }
        Ok(f.year)
    }
}

fn parse_header_row<'r>(
    record: &'r csv::ByteRecord,
    cols: &Columns<3>,
    year: Option<FinancialYear>,
) -> Result<(&'r str, HeaderRow), Reject> {
    let [child, sex, dob] = fields(record, cols)?;
    let child = required("CHILD", child)?;
    let mut buf = [0; 8];
    let sex = codes::sex(upper(required("SEX", sex)?, &mut buf), year)
        .ok_or_else(|| reject("SEX", sex, RejectReason::UnknownCode))?;
    let dob = date_field("DOB", dob)?;
    let src = Src { file: 0, line: 0 };
    Ok((child, HeaderRow { sex, dob, src }))
}

/// Checks one episode row; `Ok(None)` for a short break (LS V3/V4).
fn parse_episode_row<'r>(
    record: &'r csv::ByteRecord,
    cols: &Columns<8>,
) -> Result<Option<(&'r str, RawEpisode)>, Reject> {
    let [child, decom_s, rne, ls, place, provider, dec_s, rec_s] = fields(record, cols)?;
    let child = required("CHILD", child)?;
    let decom = date_field("DECOM", decom_s)?;
    let dec = if dec_s.is_empty() {
        None
    } else {
        Some(date_field("DEC", dec_s)?)
    };
    let mut buf = [0; 8];
    let rec = if rec_s.is_empty() {
        None
    } else {
        Some(
            codes::rec(upper(rec_s, &mut buf))
                .ok_or_else(|| reject("REC", rec_s, RejectReason::UnknownCode))?,
        )
    };
    if dec.is_some() != rec.is_some() {
        let (column, value) = if dec.is_none() {
            ("DEC", dec_s)
        } else {
            ("REC", rec_s)
        };
        return Err(reject(column, value, RejectReason::DecRecMismatch));
    }
    if !codes::is_rne(upper(required("RNE", rne)?, &mut buf)) {
        return Err(reject("RNE", rne, RejectReason::UnknownCode));
    }
    let status = codes::legal_status(upper(required("LS", ls)?, &mut buf))
        .ok_or_else(|| reject("LS", ls, RejectReason::UnknownCode))?;
    let mut pbuf = [0; 8];
    let place_up = upper(required("PLACE", place)?, &mut buf);
    let provider_up = upper(provider, &mut pbuf);
    let place_kind = codes::place_kind(place_up, provider_up, decom).map_err(|p| match p {
        PlaceProblem::UnknownPlace => reject("PLACE", place, RejectReason::UnknownCode),
        PlaceProblem::NotValidOn => reject("PLACE", place, RejectReason::CodeNotValidThen),
        PlaceProblem::UnknownProvider => reject(
            "PLACE_PROVIDER",
            provider,
            RejectReason::FosterProviderUnknown,
        ),
    })?;
    if let Some(dec) = dec
        && decom > dec
    {
        return Err(reject("DEC", dec_s, RejectReason::DecomAfterDec));
    }
    if status.short_break {
        return Ok(None);
    }
    let src = Src { file: 0, line: 0 };
    Ok(Some((
        child,
        RawEpisode {
            child: 0,
            decom,
            dec,
            place: place_kind,
            rec,
            src,
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_in_both_layouts_and_nothing_else() {
        assert_eq!(parse_date("31/03/2024"), Some(date(2024, 3, 31)));
        assert_eq!(parse_date("1/4/2024"), Some(date(2024, 4, 1)));
        assert_eq!(parse_date("2024-03-31"), Some(date(2024, 3, 31)));
        for bad in [
            "31/02/2020",
            "2020-02-30",
            "",
            "01/13/2020",
            "1/1/20",
            "2020-1-01",
            "+1/01/2020",
            "01/01/2020/1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(format_date(date(2024, 3, 1)), "01/03/2024");
    }
}
