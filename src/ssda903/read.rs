//! Streaming reader for SSDA903 header and episodes CSV files.
//!
//! Owns column matching (case-insensitive, extra columns ignored), date parsing
//! (`dd/mm/yyyy` or `yyyy-mm-dd`), row-level code checks and whole-file errors.
//! Rows are read one at a time into a reused [`csv::ByteRecord`]; nothing holds a
//! whole file. Checks that need every file (header look-ups, duplicates, overlaps,
//! X1 chains) happen in [`Loader::finish`] (see [`super::clean`]).

use super::codes::{self, PlaceKind, PlaceProblem, Rec, Sex};
use super::{Options, ReadReport, RejectReason, Rejection, Ssda903Error};
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

/// Reads and checks the column header line of a file.
fn read_columns<const N: usize, R: Read>(
    file: &str,
    rdr: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    names: [&'static str; N],
) -> Result<Columns<N>, Ssda903Error> {
    let expected = names.join(",");
    let has = rdr
        .read_byte_record(record)
        .map_err(|source| Ssda903Error::Io {
            file: file.to_string(),
            source,
        })?;
    if !has || record.iter().all(|f| f.trim_ascii().is_empty()) {
        return Err(Ssda903Error::Empty {
            file: file.to_string(),
            expected,
        });
    }
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
    let mut index = [0; N];
    let mut missing = Vec::new();
    for (k, name) in names.iter().enumerate() {
        match columns.iter().position(|c| c == name) {
            Some(i) => index[k] = i,
            None => missing.push(*name),
        }
    }
    if !missing.is_empty() {
        if columns.len() == 1 {
            let found = [(';', "semicolons"), ('\t', "tabs"), ('|', "vertical bars")]
                .into_iter()
                .find(|(c, _)| columns[0].contains(*c));
            if let Some((_, found)) = found {
                return Err(Ssda903Error::WrongDelimiter {
                    file: file.to_string(),
                    found,
                });
            }
        }
        return Err(Ssda903Error::MissingColumns {
            file: file.to_string(),
            missing: missing.join(", "),
            expected,
        });
    }
    Ok(Columns {
        index,
        names,
        width: columns.len(),
    })
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
        return Err(Reject {
            column: "",
            value: String::new(),
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

    fn add_file(&mut self, name: &str, year: Option<FinancialYear>) -> u32 {
        self.files.push(FileInfo {
            name: name.to_string(),
            year,
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
        id
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
    fn each_row<const N: usize>(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
        names: [&'static str; N],
        mut row: impl FnMut(&mut Self, Src, &csv::ByteRecord, &Columns<N>),
    ) -> Result<(), Ssda903Error> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut record = csv::ByteRecord::new();
        let cols = read_columns(file, &mut rdr, &mut record, names)?;
        let fi = self.add_file(file, year);
        loop {
            match rdr.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(source) => {
                    return Err(Ssda903Error::Io {
                        file: file.to_string(),
                        source,
                    });
                }
            }
            let src = Src {
                file: fi,
                line: record.position().map_or(0, |p| p.line()),
            };
            row(self, src, &record, &cols);
        }
    }

    /// Reads a header file (CHILD, SEX, DOB; other columns ignored).
    ///
    /// `year` is the collection year of a yearly file, which fixes the SEX codes
    /// (1/2 up to 2023/24, M/F/U from 2024/25); `None` accepts either.
    pub fn add_header(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
    ) -> Result<(), Ssda903Error> {
        self.each_row(
            file,
            year,
            reader,
            HEADER_COLUMNS,
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
                            }
                        }
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

    /// Reads an episodes file (CHILD, DECOM, RNE, LS, PLACE, PLACE_PROVIDER, DEC,
    /// REC; other columns ignored). `year` is the collection year of a yearly file.
    pub fn add_episodes(
        &mut self,
        file: &str,
        year: Option<FinancialYear>,
        reader: impl Read,
    ) -> Result<(), Ssda903Error> {
        self.each_row(
            file,
            year,
            reader,
            EPISODE_COLUMNS,
            |this, src, record, cols| {
                this.report.episodes.read += 1;
                match parse_episode_row(record, cols) {
                    Ok(None) => this.report.episodes.short_breaks += 1,
                    Ok(Some((child, ep))) => {
                        let child = this.child_id(child);
                        this.episodes.push(RawEpisode { child, src, ..ep });
                    }
                    Err(r) => {
                        this.report.episodes.rejected += 1;
                        this.push_reject(src, r);
                    }
                }
            },
        )?;
        self.check_strict()
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
