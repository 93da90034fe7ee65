//! Occupancy and event counts from cleaned SSDA903 data.
//!
//! Owns the 31 March census by placement × age band for each collection year and
//! the monthly table of exposure (child-months) and events (entries, moves between
//! placement types, exits by route, ageing out at 18, moving up an age band) that
//! rate estimation works from. A child is looked after on day `d` when a stay has
//! `start <= d < end`, as DfE counts children looked after at 31 March.

use super::clean::{Child, Ssda903Data};
use super::codes::N_EXIT_ROUTES;
use super::{add_years, age_on, epoch_day, months_on};
use crate::age::{AGE_MONTHS, AgeBand, N_AGE_BANDS};
use crate::placement::{ByPlacement, N_PLACEMENTS, Placement};
use crate::year::FinancialYear;
use jiff::civil::{Date, date};
use serde::Serialize;

/// Children looked after on one day, by placement type × age band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Census {
    /// Collection year whose 31 March this is.
    pub year: FinancialYear,
    /// Counts indexed `[placement.index()][age_band.index()]`.
    pub counts: [[u32; N_AGE_BANDS]; N_PLACEMENTS],
    /// The same children by age in completed months (all placements; 18 and
    /// over read as 215 months, as the bands read them as 16-17).
    #[serde(skip)]
    pub ages: AgeCounts,
}

/// Children by age in completed months, 0 to 215.
pub type AgeCounts = [u32; AGE_MONTHS];

/// The month of age a child is counted in on `on` (below 0 as 0, 18 and over as 215).
fn age_month_on(dob: Date, on: Date) -> usize {
    usize::try_from(months_on(dob, on).clamp(0, AGE_MONTHS as i32 - 1)).unwrap_or(0)
}

impl Census {
    /// Count by placement type (all ages).
    pub fn by_placement(&self) -> ByPlacement<u32> {
        ByPlacement::from_fn(|p| self.counts[p.index()].iter().sum())
    }

    /// Count by age band (all placements).
    pub fn by_age(&self) -> [u32; N_AGE_BANDS] {
        AgeBand::ALL.map(|a| self.counts.iter().map(|row| row[a.index()]).sum())
    }

    /// All children looked after.
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }
}

/// The age band on `on`, with 18 and over read as 16-17 (a child leaves care at 18).
fn band_on(dob: Date, on: Date) -> AgeBand {
    let age = u32::try_from(age_on(dob, on).max(0)).unwrap_or(0);
    AgeBand::from_age(age).unwrap_or(AgeBand::Age16To17)
}

/// Counts children looked after on `on`.
pub fn census_on(children: &[Child], year: FinancialYear, on: Date) -> Census {
    census_where(children, year, on, |_| true)
}

/// Counts the children looked after on `on` that `keep` keeps.
fn census_where(
    children: &[Child],
    year: FinancialYear,
    on: Date,
    keep: impl Fn(&Child) -> bool,
) -> Census {
    let mut counts = [[0; N_AGE_BANDS]; N_PLACEMENTS];
    let mut ages = [0; AGE_MONTHS];
    for c in children.iter().filter(|c| keep(c)) {
        for p in &c.periods {
            for s in &p.stays {
                if s.start <= on && s.end.is_none_or(|e| e > on) {
                    counts[s.placement.index()][band_on(c.dob, on).index()] += 1;
                    ages[age_month_on(c.dob, on)] += 1;
                }
            }
        }
    }
    Census { year, counts, ages }
}

/// 31 March census for each collection year the data covers.
pub fn march31(data: &Ssda903Data) -> Vec<Census> {
    let Some((first, last)) = data.years() else {
        return Vec::new();
    };
    (first.0..=last.0)
        .map(|y| {
            let on = Date::new(i16::try_from(y + 1).unwrap_or(i16::MAX), 3, 31)
                .unwrap_or(date(2000, 3, 31));
            census_on(&data.children, FinancialYear(y), on)
        })
        .collect()
}

/// Children looked after on one 31 March, and how many of them were UASC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UascCount {
    /// Collection year whose 31 March this is.
    pub year: FinancialYear,
    /// Children looked after on that day.
    pub looked_after: u32,
    /// Of them, unaccompanied asylum-seeking children (UASC status not yet ceased).
    pub uasc: u32,
    /// Of them, children who were not UASC (the paper's "exc UASC").
    pub excluding_uasc: u32,
}

/// Children looked after and UASC on each 31 March the data covers.
pub fn uasc_march31(data: &Ssda903Data) -> Vec<UascCount> {
    let Some((first, last)) = data.years() else {
        return Vec::new();
    };
    (first.0..=last.0)
        .map(|y| {
            let on = Date::new(i16::try_from(y + 1).unwrap_or(i16::MAX), 3, 31)
                .unwrap_or(date(2000, 3, 31));
            let (mut looked_after, mut uasc) = (0, 0);
            for c in &data.children {
                let in_care = c
                    .periods
                    .iter()
                    .any(|p| p.start() <= on && p.end().is_none_or(|e| e > on));
                if in_care {
                    looked_after += 1;
                    if c.uasc.is_some_and(|u| u.on(on)) {
                        uasc += 1;
                    }
                }
            }
            UascCount {
                year: FinancialYear(y),
                looked_after,
                uasc,
                excluding_uasc: looked_after - uasc,
            }
        })
        .collect()
}

/// The 31 March that ends collection year `y`.
fn march31_of(y: FinancialYear) -> Date {
    Date::new(i16::try_from(y.0 + 1).unwrap_or(i16::MAX), 3, 31).unwrap_or(date(2000, 3, 31))
}

/// The UASC a calibration measures from the returns: those in the census it
/// starts from and those who entered care in the years it fits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UascFit {
    /// UASC looked after on 31 March of the last fitted year (UASC status not
    /// yet ceased), `[placement.index()][age_band.index()]` as [`Census::counts`].
    pub census: [[u32; N_AGE_BANDS]; N_PLACEMENTS],
    /// Periods of care begun in the fitted years by a child who was UASC on
    /// the day they began, by age band at entry (18 and over read as 16-17).
    pub entries: [u32; N_AGE_BANDS],
    /// Collection years fitted on.
    pub years: u32,
    /// Whether UASC were read from a UASC table.
    pub from_uasc_table: bool,
    /// Whether UASC were read from a UASC column of the header.
    pub from_header_column: bool,
}

impl UascFit {
    /// Where the UASC were read from, e.g. "the UASC table".
    pub fn source(&self) -> &'static str {
        match (self.from_uasc_table, self.from_header_column) {
            (true, true) => "the UASC table and the header's UASC column",
            (false, true) => "the header's UASC column",
            _ => "the UASC table",
        }
    }

    /// UASC in the census.
    pub fn census_total(&self) -> u32 {
        self.census.iter().flatten().sum()
    }

    /// Mean UASC entries a year in each age band.
    pub fn entries_per_year(&self) -> [f64; N_AGE_BANDS] {
        let n = f64::from(self.years.max(1));
        self.entries.map(|e| f64::from(e) / n)
    }
}

/// The UASC of collection years `from..=to` ([`UascFit`]); `None` when the
/// returns have neither a UASC table nor a UASC column in the header, so UASC
/// cannot be told apart.
pub fn uasc_fit(data: &Ssda903Data, from: FinancialYear, to: FinancialYear) -> Option<UascFit> {
    let r = &data.report;
    if r.uasc_table_files == 0 && r.uasc_header_files == 0 {
        return None;
    }
    let on = march31_of(to);
    let census = census_where(&data.children, to, on, |c| c.uasc.is_some_and(|u| u.on(on))).counts;
    let first_day = march31_of(FinancialYear(from.0 - 1))
        .tomorrow()
        .unwrap_or(on);
    let mut entries = [0; N_AGE_BANDS];
    for c in &data.children {
        let Some(u) = c.uasc else { continue };
        for p in &c.periods {
            let start = p.start();
            if first_day <= start && start <= on && u.on(start) {
                entries[band_on(c.dob, start).index()] += 1;
            }
        }
    }
    Some(UascFit {
        census,
        entries,
        years: u32::try_from(to.0 - from.0 + 1).unwrap_or(0),
        from_uasc_table: r.uasc_table_files > 0,
        from_header_column: r.uasc_header_files > 0,
    })
}

/// Children who were ever UASC in the data.
pub fn uasc_children(data: &Ssda903Data) -> usize {
    data.children.iter().filter(|c| c.uasc.is_some()).count()
}

/// Exposure and events over some span of time (a month, or a sum of months).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodCounts {
    /// Child-months looked after, `[placement][age band]` (days / days in the month).
    pub exposure: [[f64; N_AGE_BANDS]; N_PLACEMENTS],
    /// Entries to care, `[age band at entry][first placement]`.
    pub entries: [[u32; N_PLACEMENTS]; N_AGE_BANDS],
    /// Moves between placement types within a period of care, `[from][to]`.
    pub moves: [[u32; N_PLACEMENTS]; N_PLACEMENTS],
    /// Exits from care, `[last placement][exit route]`.
    pub exits: [[u32; N_EXIT_ROUTES]; N_PLACEMENTS],
    /// Exits on or after the 18th birthday, `[last placement][exit route]` (also in `exits`).
    pub aged_out: [[u32; N_EXIT_ROUTES]; N_PLACEMENTS],
    /// Children in care moving up an age band, `[placement][band left]`.
    pub age_ups: [[u32; N_AGE_BANDS]; N_PLACEMENTS],
    /// Exits before the 18th birthday, `[last placement][age band at exit]`.
    pub exits_by_band: [[u32; N_AGE_BANDS]; N_PLACEMENTS],
    /// Entries to care by age in completed months at entry.
    #[serde(skip)]
    pub entry_ages: AgeCounts,
}

impl Default for PeriodCounts {
    fn default() -> Self {
        PeriodCounts {
            exposure: [[0.0; N_AGE_BANDS]; N_PLACEMENTS],
            entries: [[0; N_PLACEMENTS]; N_AGE_BANDS],
            moves: [[0; N_PLACEMENTS]; N_PLACEMENTS],
            exits: [[0; N_EXIT_ROUTES]; N_PLACEMENTS],
            aged_out: [[0; N_EXIT_ROUTES]; N_PLACEMENTS],
            age_ups: [[0; N_AGE_BANDS]; N_PLACEMENTS],
            exits_by_band: [[0; N_AGE_BANDS]; N_PLACEMENTS],
            entry_ages: [0; AGE_MONTHS],
        }
    }
}

impl PeriodCounts {
    /// Adds another span's counts to this one.
    pub fn add(&mut self, o: &PeriodCounts) {
        for p in 0..N_PLACEMENTS {
            for a in 0..N_AGE_BANDS {
                self.exposure[p][a] += o.exposure[p][a];
                self.entries[a][p] += o.entries[a][p];
                self.age_ups[p][a] += o.age_ups[p][a];
                self.exits_by_band[p][a] += o.exits_by_band[p][a];
            }
            for q in 0..N_PLACEMENTS {
                self.moves[p][q] += o.moves[p][q];
            }
            for r in 0..N_EXIT_ROUTES {
                self.exits[p][r] += o.exits[p][r];
                self.aged_out[p][r] += o.aged_out[p][r];
            }
        }
        for (a, b) in self.entry_ages.iter_mut().zip(&o.entry_ages) {
            *a += b;
        }
    }

    /// Child-months in a placement type, all ages.
    pub fn exposure_in(&self, p: Placement) -> f64 {
        self.exposure[p.index()].iter().sum()
    }

    /// Total entries.
    pub fn total_entries(&self) -> u32 {
        self.entries.iter().flatten().sum()
    }

    /// Total exits.
    pub fn total_exits(&self) -> u32 {
        self.exits.iter().flatten().sum()
    }

    /// Moves out of a placement type (to any other type).
    pub fn moves_from(&self, p: Placement) -> u32 {
        self.moves[p.index()].iter().sum()
    }

    /// Exits from a placement type (any route).
    pub fn exits_from(&self, p: Placement) -> u32 {
        self.exits[p.index()].iter().sum()
    }

    /// Exits on or after the 18th birthday from a placement type (any route).
    pub fn aged_out_from(&self, p: Placement) -> u32 {
        self.aged_out[p.index()].iter().sum()
    }
}

/// Monthly exposure and events from 1 April of the first collection year to
/// 31 March of the last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occupancy {
    /// First collection year; month 0 is April of it.
    pub first_year: FinancialYear,
    /// One entry per calendar month.
    pub months: Vec<PeriodCounts>,
}

impl Occupancy {
    /// First day of month `i`.
    pub fn month_start(&self, i: usize) -> Date {
        month_start(self.first_year, i)
    }

    /// Sum of the twelve months of a collection year (zero if outside the data).
    pub fn year(&self, y: FinancialYear) -> PeriodCounts {
        let mut total = PeriodCounts::default();
        let offset = (y.0 - self.first_year.0) * 12;
        for k in 0..12 {
            if let Some(m) = usize::try_from(offset + k)
                .ok()
                .and_then(|i| self.months.get(i))
            {
                total.add(m);
            }
        }
        total
    }

    /// Collection years covered.
    pub fn years(&self) -> impl Iterator<Item = FinancialYear> + '_ {
        let n = i32::try_from(self.months.len() / 12).unwrap_or(0);
        (0..n).map(|k| self.first_year.plus(k))
    }
}

fn month_start(first: FinancialYear, i: usize) -> Date {
    let m0 = i32::try_from(i).unwrap_or(0) + 3; // months since January of the first year
    let y = first.0 + m0.div_euclid(12);
    let m = m0.rem_euclid(12) + 1;
    Date::new(
        i16::try_from(y).unwrap_or(i16::MAX),
        i8::try_from(m).unwrap_or(1),
        1,
    )
    .unwrap_or(date(2000, 1, 1))
}

/// Monthly exposure and event counts over the collection years the data covers.
pub fn monthly(data: &Ssda903Data) -> Occupancy {
    let Some((first, last)) = data.years() else {
        return Occupancy {
            first_year: FinancialYear(2000),
            months: Vec::new(),
        };
    };
    let n = usize::try_from((last.0 - first.0 + 1) * 12).unwrap_or(0);
    let starts: Vec<i32> = (0..=n).map(|i| epoch_day(month_start(first, i))).collect();
    let lengths: Vec<f64> = starts.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
    let (w0, w1) = (starts[0], starts[n]);
    let month_of = |day: i32| -> Option<usize> {
        (w0..w1)
            .contains(&day)
            .then(|| starts.partition_point(|&s| s <= day) - 1)
    };
    let mut months = vec![PeriodCounts::default(); n];
    for c in &data.children {
        let edges = [1, 5, 10, 16, 18].map(|a| epoch_day(add_years(c.dob, a)));
        let band_at = |day: i32| edges[..4].iter().filter(|&&e| e <= day).count();
        let eighteen = edges[4];
        for period in &c.periods {
            let p_start = epoch_day(period.start());
            let first_p = period.stays[0].placement;
            if let Some(m) = month_of(p_start) {
                months[m].entries[band_at(p_start)][first_p.index()] += 1;
                months[m].entry_ages[age_month_on(c.dob, period.start())] += 1;
            }
            for (k, s) in period.stays.iter().enumerate() {
                let p = s.placement.index();
                let start = epoch_day(s.start);
                let end = s.end.map_or(i32::MAX, epoch_day);
                if k > 0
                    && let Some(m) = month_of(start)
                {
                    months[m].moves[period.stays[k - 1].placement.index()][p] += 1;
                }
                for (b, &edge) in edges[..4].iter().enumerate() {
                    if edge > p_start
                        && start <= edge
                        && edge < end
                        && let Some(m) = month_of(edge)
                    {
                        months[m].age_ups[p][b] += 1;
                    }
                }
                let (mut cur, stop) = (start.max(w0), end.min(w1));
                while cur < stop {
                    let m = starts.partition_point(|&s| s <= cur) - 1;
                    let band = band_at(cur);
                    let next =
                        stop.min(starts[m + 1])
                            .min(if band < 4 { edges[band] } else { i32::MAX });
                    months[m].exposure[p][band] += f64::from(next - cur) / lengths[m];
                    cur = next;
                }
            }
            if let (Some(end), Some(route)) = (period.end(), period.exit) {
                let end = epoch_day(end);
                if let Some(m) = month_of(end) {
                    let last_p = period.stays[period.stays.len() - 1].placement.index();
                    months[m].exits[last_p][route.index()] += 1;
                    if end >= eighteen {
                        months[m].aged_out[last_p][route.index()] += 1;
                    } else {
                        months[m].exits_by_band[last_p][band_at(end)] += 1;
                    }
                }
            }
        }
    }
    Occupancy {
        first_year: first,
        months,
    }
}
