//! Cleaning: turns checked rows into children, periods of care and stays.
//!
//! Owns the rules that need every file at once: children missing from the header,
//! episodes before birth or after 18, duplicate episodes across yearly files
//! (merged), overlapping episodes (rejected), X1 chains (joined into one period),
//! temporary moves T0-T4 (the child keeps the previous placement type) and
//! consecutive episodes of the same placement type (one stay). A temporary move
//! that opens a period has no previous placement and is read as `Other`.

use super::codes::{self, ExitRoute, PlaceKind, Rec, Sex};
use super::read::{Loader, RawEpisode, format_date};
use super::{ReadReport, RejectReason, Ssda903Error, Table, add_years, rename_year};
use crate::placement::Placement;
use crate::year::FinancialYear;
use jiff::civil::Date;

/// Time in one placement type without a break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    /// Placement type.
    pub placement: Placement,
    /// First day in the placement.
    pub start: Date,
    /// Day the child left it (not counted as in it); `None` if still there.
    pub end: Option<Date>,
}

/// A period of care: from entry to exit, through one or more stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Placements in date order; consecutive stays differ in placement type.
    pub stays: Vec<Stay>,
    /// How the period ended; `None` while the child is still looked after.
    pub exit: Option<ExitRoute>,
}

impl Period {
    /// Day the period started.
    pub fn start(&self) -> Date {
        self.stays[0].start
    }

    /// Day the period ended; `None` while still open.
    pub fn end(&self) -> Option<Date> {
        self.stays.last().and_then(|s| s.end)
    }
}

/// A looked-after child and their periods of care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// CHILD identifier as written in the files.
    pub id: String,
    /// Sex from the header file.
    pub sex: Sex,
    /// Date of birth.
    pub dob: Date,
    /// Periods of care in date order.
    pub periods: Vec<Period>,
    /// UASC status, when a UASC table or a header UASC flag names the child.
    pub uasc: Option<Uasc>,
}

/// An unaccompanied asylum-seeking child's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uasc {
    /// Day UASC status ceased (DUC, the latest given); `None` while it lasts.
    pub ceased: Option<Date>,
}

impl Uasc {
    /// True when the child is UASC on `on` (status ceases on DUC).
    pub fn on(&self, on: Date) -> bool {
        self.ceased.is_none_or(|c| c > on)
    }
}

impl Child {
    /// The child's 18th birthday.
    pub fn eighteenth_birthday(&self) -> Date {
        add_years(self.dob, 18)
    }
}

/// Cleaned SSDA903 data: every child with at least one usable episode, and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Ssda903Data {
    /// Children in order of first appearance in the files.
    pub children: Vec<Child>,
    /// Tallies, rejections and warnings.
    pub report: ReadReport,
}

impl Ssda903Data {
    /// First and last collection years covered, if there is any data.
    pub fn years(&self) -> Option<(FinancialYear, FinancialYear)> {
        self.report.years
    }
}

impl Loader {
    /// Applies the cross-file checks and builds children, periods and stays.
    pub fn finish(mut self) -> Result<Ssda903Data, Ssda903Error> {
        self.check_no_gap(Table::Episodes)?;
        self.check_no_gap(Table::Header)?;
        let mut episodes = std::mem::take(&mut self.episodes);
        episodes.sort_unstable_by_key(|e| (e.child, e.decom, e.src));
        let mut children = Vec::new();
        let mut kept: Vec<RawEpisode> = Vec::new();
        let mut i = 0;
        let (mut min_dec, mut max_date): (Option<Date>, Option<Date>) = (None, None);
        while i < episodes.len() {
            let child = episodes[i].child;
            let mut j = i;
            while j < episodes.len() && episodes[j].child == child {
                j += 1;
            }
            kept.clear();
            self.check_child(&episodes[i..j], &mut kept);
            self.report.episodes.used += kept.len() as u64;
            for e in &kept {
                max_date = max_date.max(Some(e.dec.unwrap_or(e.decom)).max(Some(e.decom)));
                if let Some(d) = e.dec {
                    min_dec = Some(min_dec.map_or(d, |m| m.min(d)));
                }
            }
            if !kept.is_empty() {
                let periods = self.periods(&kept);
                let (name, header) = (
                    &self.child_names[child as usize],
                    self.headers[child as usize],
                );
                if let Some(h) = header {
                    children.push(Child {
                        id: name.to_string(),
                        sex: h.sex,
                        dob: h.dob,
                        periods,
                        uasc: self.uasc.get(child as usize).copied().flatten(),
                    });
                }
            }
            i = j;
        }
        self.rejections.sort_by_key(|(src, _)| *src);
        self.warnings.sort_by_key(|(src, _)| *src);
        self.report.years = self.opts.years.or_else(|| {
            // Episodes files say which years the data covers; header and UASC files
            // may be combined while the episodes are yearly, or the other way round.
            let file_years: Vec<_> = self
                .files
                .iter()
                .filter(|f| f.table == Table::Episodes)
                .map(|f| f.year)
                .collect();
            if !file_years.is_empty() && file_years.iter().all(Option::is_some) {
                let ys = file_years.into_iter().flatten();
                let (lo, hi) = ys.fold(
                    (None, None),
                    |(lo, hi): (Option<FinancialYear>, Option<FinancialYear>), y| {
                        (
                            Some(lo.map_or(y, |l| l.min(y))),
                            Some(hi.map_or(y, |h| h.max(y))),
                        )
                    },
                );
                lo.zip(hi)
            } else {
                let last = codes::year_of(max_date?);
                let first = min_dec.map_or(last, codes::year_of).min(last);
                Some((first, last))
            }
        });
        self.check_strict()?;
        let mut report = std::mem::take(&mut self.report);
        report.rejections = self.rejections.into_iter().map(|(_, r)| r).collect();
        report.warnings = self.warnings.into_iter().map(|(_, r)| r).collect();
        Ok(Ssda903Data { children, report })
    }

    /// An error when the yearly files of `table` skip a collection year between
    /// their first and last. A missing year is not a few bad rows: its episodes are
    /// lost without a trace, and the years either side are misread (an episode left
    /// open at the end of one year and closed in the missing one makes every later
    /// episode of the child an overlap), so it stops the read. Only checked when
    /// every file of the table has a year: a combined file covers years unknown.
    fn check_no_gap(&self, table: Table) -> Result<(), Ssda903Error> {
        let files: Vec<_> = self.files.iter().filter(|f| f.table == table).collect();
        let Some(years) = files
            .iter()
            .map(|f| f.year)
            .collect::<Option<std::collections::BTreeSet<FinancialYear>>>()
        else {
            return Ok(());
        };
        let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
            return Ok(());
        };
        let missing: Vec<FinancialYear> = (first.0..=last.0)
            .map(FinancialYear)
            .filter(|y| !years.contains(y))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        // Each missing file's name, going by the file of the latest year before it.
        let expected: Option<Vec<String>> = missing
            .iter()
            .map(|&y| {
                let before = files
                    .iter()
                    .filter_map(|f| Some((f.year?, f)))
                    .filter(|(fy, _)| *fy < y)
                    .max_by_key(|(fy, _)| *fy)?;
                rename_year(&before.1.name, before.0, y)
            })
            .collect();
        Err(Ssda903Error::MissingYears {
            table: table.describe(),
            missing,
            expected: expected.unwrap_or_default(),
            found: years.into_iter().collect(),
        })
    }

    fn reject_episode(
        &mut self,
        e: &RawEpisode,
        column: &str,
        value: String,
        reason: RejectReason,
    ) {
        self.report.episodes.rejected += 1;
        let r = self.rejection(e.src, column, value, reason);
        self.rejections.push(r);
    }

    /// Keeps the usable episodes of one child (sorted by DECOM then source).
    fn check_child(&mut self, eps: &[RawEpisode], kept: &mut Vec<RawEpisode>) {
        let child = eps[0].child as usize;
        let Some(header) = self.headers[child] else {
            let name = self.child_names[child].to_string();
            for e in eps {
                self.reject_episode(e, "CHILD", name.clone(), RejectReason::ChildNotInHeader);
            }
            return;
        };
        let eighteen = add_years(header.dob, 18);
        for e in eps {
            if e.decom < header.dob {
                self.reject_episode(e, "DECOM", format_date(e.decom), RejectReason::BeforeBirth);
                continue;
            }
            if e.decom >= eighteen {
                self.reject_episode(
                    e,
                    "DECOM",
                    format_date(e.decom),
                    RejectReason::AfterEighteen,
                );
                continue;
            }
            match kept.last_mut() {
                Some(prev) if prev.decom == e.decom => {
                    // The same episode in two yearly files: keep the closed or later copy.
                    self.report.episodes.duplicates += 1;
                    if e.dec.is_some() || prev.dec.is_none() {
                        *prev = *e;
                    }
                }
                Some(prev) if prev.dec.is_none_or(|d| d > e.decom) => {
                    let reason = RejectReason::Overlap {
                        other_file: self.files[prev.src.file as usize].name.clone(),
                        other_line: prev.src.line,
                    };
                    self.reject_episode(e, "DECOM", format_date(e.decom), reason);
                }
                _ => kept.push(*e),
            }
        }
    }

    /// Joins X1 chains into periods and episodes into stays.
    fn periods(&mut self, eps: &[RawEpisode]) -> Vec<Period> {
        let mut periods: Vec<Period> = Vec::new();
        let mut open = false;
        for (k, e) in eps.iter().enumerate() {
            let placement = match (e.place, open) {
                (PlaceKind::Placement(p), _) => p,
                (PlaceKind::Temporary, true) => periods
                    .last()
                    .and_then(|p| p.stays.last())
                    .map_or(Placement::Other, |s| s.placement),
                (PlaceKind::Temporary, false) => Placement::Other,
            };
            if !open {
                periods.push(Period {
                    stays: Vec::with_capacity(2),
                    exit: None,
                });
            }
            let Some(period) = periods.last_mut() else {
                continue;
            };
            match period.stays.last_mut() {
                Some(s) if s.placement == placement => s.end = e.dec,
                _ => period.stays.push(Stay {
                    placement,
                    start: e.decom,
                    end: e.dec,
                }),
            }
            open = false;
            match e.rec {
                None => {}
                Some(Rec::Exit(route)) => period.exit = Some(route),
                Some(Rec::Continues) => {
                    let next_starts = eps.get(k + 1).is_some_and(|n| Some(n.decom) == e.dec);
                    if next_starts {
                        open = true;
                    } else {
                        period.exit = Some(ExitRoute::Other);
                        let value = e.dec.map(format_date).unwrap_or_default();
                        let w = self.rejection(e.src, "DEC", value, RejectReason::BrokenX1Chain);
                        self.warnings.push(w);
                    }
                }
            }
        }
        periods
    }
}
