//! The state of one path: children in care by placement type and age in
//! months, and children in the post-care pools by age in months, with the
//! totals by age band kept alongside.
//!
//! Children are held by *birth cohort*: a child aged `m` months in month `t`
//! sits in slot `t − m + 215` of their row, and stays in that slot for as long
//! as they stay in that row. Ageing is therefore not a move: a new month only
//! moves the window of live slots on by one. An age band is a run of adjacent
//! slots, the month's 18th birthdays are the oldest slot, and a month's
//! newborns get a fresh slot at the young end. The window is moved back to
//! the start of the buffer (one copy) when it reaches the end, so a state can
//! run for any number of months. The children of every block of eight
//! adjacent slots are kept as well (blocks are fixed in the buffer, so
//! ageing does not change them), so the walk to the `j`-th child of a band
//! reads about ten block totals instead of up to 72 cells.
//!
//! Arrivals in a month (entrants, moves, post-care orders) are collected in a
//! second buffer laid out the same way and added at the end of the month, so
//! that nobody who arrives during a month is at risk of the departure draws of
//! the children who were there at its start. Must not draw random numbers.

// Rows and slots are indexed as in the model's equations.
#![allow(clippy::needless_range_loop)]

use super::{ExitRoute, N_POOLS};
use crate::age::{AGE_MONTHS, AgeBand, N_AGE_BANDS};
use crate::placement::{ByPlacement, N_PLACEMENTS, Placement};

/// Children by placement type (rows, [`Placement::ALL`] order) and age band (columns).
pub type Grid = [[f64; N_AGE_BANDS]; N_PLACEMENTS];

/// Rows of the state: the placement types, then the post-care pools.
pub const N_ROWS: usize = N_PLACEMENTS + N_POOLS;

/// Months the window can move before it is copied back to the start.
const ROOM: usize = 120;

/// Slots in a row.
const SPAN: usize = AGE_MONTHS + ROOM;

/// Slots in a block: the state keeps the children of every block of this
/// many adjacent slots, so finding the `j`-th child of a band walks blocks,
/// not slots. Rows start on a block boundary.
const BLOCK: usize = 8;
const _: () = assert!(SPAN.is_multiple_of(BLOCK));

/// `HEAD[s][k]` is 1 when cell `k` of a block comes before slot `s` of it,
/// so the cells of a band's first block that belong to the band before it
/// are summed without a branch.
const HEAD: [[f64; BLOCK]; BLOCK] = {
    let mut t = [[0.0; BLOCK]; BLOCK];
    let mut s = 0;
    while s < BLOCK {
        let mut k = 0;
        while k < s {
            t[s][k] = 1.0;
            k += 1;
        }
        s += 1;
    }
    t
};

/// Blocks the widest band's slots can touch (its width over [`BLOCK`], plus
/// one for a band that starts inside a block): the walk to a child always
/// reads this many, so it has no exit to mispredict.
const BAND_BLOCKS: usize = {
    let mut widest = 0;
    let mut b = 0;
    while b < N_AGE_BANDS {
        let w = AgeBand::ALL[b].width_months();
        if w > widest {
            widest = w;
        }
        b += 1;
    }
    widest.div_ceil(BLOCK) + 1
};

/// The row of a post-care pool.
pub const fn pool_row(pool: usize) -> usize {
    N_PLACEMENTS + pool
}

/// What the month-end ageing did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Aged {
    /// Children who moved up from each band of each placement type.
    pub up: Grid,
    /// Children in care who reached 18, by placement type.
    pub at_18: [f64; N_PLACEMENTS],
    /// Children in each post-care pool who reached 18.
    pub pool_at_18: [f64; N_POOLS],
}

/// Everything a path carries from one month to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Months since the start of the run.
    month: usize,
    /// The slot of age 215 months (the oldest) in this month.
    oldest: usize,
    /// Children by row and slot (`N_ROWS × SPAN`).
    cells: Vec<f64>,
    /// Children by block of [`BLOCK`] cells (the sum of each block's cells,
    /// exact for whole children), with [`BAND_BLOCKS`] empty blocks after
    /// the last row so a walk can always read that many.
    blocks: Vec<f64>,
    /// The month's arrivals by row and slot, added at its end.
    incoming: Vec<f64>,
    /// Cells of `incoming` written this month (all of them are cleared at the
    /// month's end; empty when `dense`).
    touched: Vec<u32>,
    /// Whether arrivals are spread over many cells (the expected-value model),
    /// so the whole window is swept instead of the touched cells.
    dense: bool,
    /// Children in care by placement type and age band.
    band: Grid,
    /// Children in each post-care pool.
    pool_total: [f64; N_POOLS],
    /// This month's arrivals so far by row and age band (kept when not
    /// `dense`), so settling adds them to the band totals at once instead of
    /// working out each touched cell's row and band.
    pending: [[f64; N_AGE_BANDS]; N_ROWS],
}

impl State {
    /// An empty state at month 0.
    pub fn empty() -> State {
        State {
            month: 0,
            oldest: 0,
            cells: vec![0.0; N_ROWS * SPAN],
            blocks: vec![0.0; N_ROWS * SPAN / BLOCK + BAND_BLOCKS],
            incoming: vec![0.0; N_ROWS * SPAN],
            touched: Vec::with_capacity(256),
            dense: false,
            band: [[0.0; N_AGE_BANDS]; N_PLACEMENTS],
            pool_total: [0.0; N_POOLS],
            pending: [[0.0; N_AGE_BANDS]; N_ROWS],
        }
    }

    /// Empties the state and puts it back at month 0, keeping its buffers.
    pub fn clear(&mut self) {
        // Only the live window can hold children, and every month ends with
        // `incoming` emptied by `settle`, so clearing the window of each row is
        // enough (a third of the buffer, where clearing all of both buffers
        // cost 1.5% of a path).
        self.blocks.fill(0.0);
        if self.touched.is_empty() && self.incoming_is_settled() {
            for row in 0..N_ROWS {
                let r = row * SPAN + self.oldest;
                self.cells[r..r + AGE_MONTHS].fill(0.0);
            }
        } else {
            self.cells.fill(0.0);
            self.incoming.fill(0.0);
        }
        self.touched.clear();
        self.month = 0;
        self.oldest = 0;
        self.band = [[0.0; N_AGE_BANDS]; N_PLACEMENTS];
        self.pool_total = [0.0; N_POOLS];
        self.pending = [[0.0; N_AGE_BANDS]; N_ROWS];
    }

    /// Makes `self` a copy of `other` between months (neither has arrivals
    /// waiting to settle), keeping its own buffers. Only the live windows are
    /// touched: `self`'s is emptied, then `other`'s copied.
    pub fn copy_from(&mut self, other: &State) {
        debug_assert!(self.incoming_is_settled() && other.incoming_is_settled());
        debug_assert!(self.touched.is_empty() && other.touched.is_empty());
        for row in 0..N_ROWS {
            let mine = row * SPAN + self.oldest;
            self.cells[mine..mine + AGE_MONTHS].fill(0.0);
            let theirs = row * SPAN + other.oldest;
            self.cells[theirs..theirs + AGE_MONTHS]
                .copy_from_slice(&other.cells[theirs..theirs + AGE_MONTHS]);
        }
        self.blocks.copy_from_slice(&other.blocks);
        self.month = other.month;
        self.oldest = other.oldest;
        self.dense = other.dense;
        self.band = other.band;
        self.pool_total = other.pool_total;
        self.pending = other.pending;
    }

    /// Whether no arrival is waiting to be settled (checked in debug builds
    /// only: in release it is what `settle` guarantees).
    fn incoming_is_settled(&self) -> bool {
        if cfg!(debug_assertions) {
            self.incoming.iter().all(|&x| x == 0.0)
        } else {
            true
        }
    }

    /// Marks the state as holding expectations (arrivals spread over many cells).
    pub fn set_dense(&mut self, dense: bool) {
        self.dense = dense;
    }

    /// Months since the start.
    pub fn month(&self) -> usize {
        self.month
    }

    /// The slot of a child aged `age` months this month.
    #[inline]
    pub fn slot(&self, age: usize) -> usize {
        self.oldest + (AGE_MONTHS - 1 - age)
    }

    /// The age in months of the child in `slot` this month.
    #[inline]
    pub fn age_of(&self, slot: usize) -> usize {
        AGE_MONTHS - 1 - (slot - self.oldest)
    }

    /// The slots of `band` this month, oldest first.
    #[inline]
    pub fn band_slots(&self, band: usize) -> std::ops::Range<usize> {
        let b = AgeBand::ALL[band];
        self.slot(b.end_month() - 1)..self.slot(b.first_month()) + 1
    }

    /// Takes the `j`-th child (counting from 0, oldest first) of placement
    /// `p` and band `band` out of its cell, and returns the child's age in
    /// months. The band total is the caller's to change.
    ///
    /// Whole children sum exactly in any order, so the walk over block
    /// totals finds the same cell as a walk over cells. Both walks count the
    /// running totals at or below `j` (they never fall) instead of stopping
    /// at the first above it: where a walk would stop is as good as random,
    /// and a mispredicted exit costs more than the few extra additions.
    #[inline]
    pub fn take_child(&mut self, p: usize, band: usize, j: f64) -> usize {
        let r = self.band_slots(band);
        let (lo, hi) = (p * SPAN + r.start, p * SPAN + r.end);
        let b0 = lo / BLOCK;
        // The first block's cells before the band hold older children.
        let first = &self.cells[b0 * BLOCK..b0 * BLOCK + BLOCK];
        let keep = &HEAD[lo % BLOCK];
        let mut head = 0.0;
        for k in 0..BLOCK {
            head += first[k] * keep[k];
        }
        // Blocks past the band only add to the running total after it has
        // passed `j` (`j` is below the band's total), so they count for none.
        let mut acc = -head;
        let mut before = -head;
        let mut b = b0;
        for &x in &self.blocks[b0..b0 + BAND_BLOCKS] {
            acc += x;
            let past = acc <= j;
            // `x` where past, +0 elsewhere: a mask, not a branch or a conversion.
            before += f64::from_bits(x.to_bits() & 0u64.wrapping_sub(u64::from(past)));
            b += usize::from(past);
        }
        let b = b.min((hi - 1) / BLOCK);
        let mut i = b * BLOCK;
        let mut acc = before;
        for &c in &self.cells[b * BLOCK..b * BLOCK + BLOCK] {
            acc += c;
            i += usize::from(acc <= j);
        }
        if !(lo..hi).contains(&i) || self.cells[i] < 1.0 {
            // Unreachable while the band total matches its cells; the oldest
            // child with a place is taken rather than none.
            i = lo
                + self.cells[lo..hi]
                    .iter()
                    .position(|&c| c >= 1.0)
                    .unwrap_or(0);
        }
        self.cells[i] -= 1.0;
        self.blocks[i / BLOCK] -= 1.0;
        self.age_of(i - p * SPAN)
    }

    /// The cells of `band` in `row` this month, oldest first.
    #[inline]
    pub fn band_cells(&self, row: usize, band: usize) -> &[f64] {
        let r = self.band_slots(band);
        &self.cells[row * SPAN + r.start..row * SPAN + r.end]
    }

    /// Children of `row` aged `age` months.
    pub fn at(&self, row: usize, age: usize) -> f64 {
        self.cells[row * SPAN + self.slot(age)]
    }

    /// Puts `x` children in care in placement `p` at `age` months now (the
    /// opening census), counting them at once.
    pub fn put(&mut self, p: usize, age: usize, x: f64) {
        let s = self.slot(age);
        self.cells[p * SPAN + s] += x;
        self.blocks[(p * SPAN + s) / BLOCK] += x;
        if let Some(b) = AgeBand::from_month(age) {
            self.band[p][b.index()] += x;
        }
    }

    /// Records `x` children arriving in `row` at `age` months this month; they
    /// count from the month's end ([`State::settle`]).
    #[inline]
    pub fn arrive(&mut self, row: usize, age: usize, x: f64) {
        self.arrive_in_band(row, band_of(age), age, x);
    }

    /// As [`State::arrive`], for a caller that knows the age's band already.
    #[inline]
    pub fn arrive_in_band(&mut self, row: usize, band: usize, age: usize, x: f64) {
        debug_assert_eq!(band, band_of(age));
        let i = row * SPAN + self.slot(age);
        if !self.dense {
            self.touched.push(i as u32);
            self.pending[row][band] += x;
        }
        self.incoming[i] += x;
    }

    /// Takes the share `prob` of the children of placement `p` in `slot` out
    /// (the expected-value model) and returns how many that is.
    #[inline]
    pub fn take_share(&mut self, p: usize, slot: usize, prob: f64) -> f64 {
        let i = p * SPAN + slot;
        let x = self.cells[i] * prob;
        self.cells[i] -= x;
        self.blocks[i / BLOCK] -= x;
        x
    }

    /// This month's arrivals into `row` so far, all ages (summed youngest
    /// first, as `incoming_at` over ages 0 to 215 would).
    pub fn incoming_total(&self, row: usize) -> f64 {
        let r = row * SPAN + self.oldest;
        self.incoming[r..r + AGE_MONTHS].iter().rev().sum()
    }

    /// This month's arrivals into `row` at `age` months so far.
    pub fn incoming_at(&self, row: usize, age: usize) -> f64 {
        self.incoming[row * SPAN + self.slot(age)]
    }

    /// Records `x` children of placement `p` leaving band `band` now (their
    /// cells are taken by the caller).
    #[inline]
    pub fn remove_from_band(&mut self, p: usize, band: usize, x: f64) {
        self.band[p][band] -= x;
    }

    /// Moves `x` of this month's arrivals aged `age` from placement `from` to `to`.
    pub fn divert(&mut self, from: usize, to: usize, age: usize, x: f64) {
        let s = self.slot(age);
        self.incoming[from * SPAN + s] -= x;
        if !self.dense {
            self.pending[from][band_of(age)] -= x;
        }
        self.arrive(to, age, x);
    }

    /// Adds the month's arrivals, recording them by band in `inflow` and by
    /// pool in `pool_in`.
    pub fn settle(&mut self, inflow: &mut Grid) {
        let mut add = |cells: &mut [f64],
                       blocks: &mut [f64],
                       band: &mut Grid,
                       pools: &mut [f64; N_POOLS],
                       i: usize,
                       x: f64| {
            cells[i] += x;
            blocks[i / BLOCK] += x;
            let (row, slot) = (i / SPAN, i % SPAN);
            let age = AGE_MONTHS - 1 - (slot - self.oldest);
            if row < N_PLACEMENTS {
                let b = band_of(age);
                band[row][b] += x;
                inflow[row][b] += x;
            } else {
                pools[row - N_PLACEMENTS] += x;
            }
        };
        if self.dense {
            for row in 0..N_ROWS {
                for s in self.oldest..self.oldest + AGE_MONTHS {
                    let i = row * SPAN + s;
                    let x = self.incoming[i];
                    if x != 0.0 {
                        self.incoming[i] = 0.0;
                        add(
                            &mut self.cells,
                            &mut self.blocks,
                            &mut self.band,
                            &mut self.pool_total,
                            i,
                            x,
                        );
                    }
                }
            }
        } else {
            // Whole children: the totals by band are exact in any order.
            for k in 0..self.touched.len() {
                let i = self.touched[k] as usize;
                let x = self.incoming[i];
                self.cells[i] += x;
                self.blocks[i / BLOCK] += x;
                self.incoming[i] = 0.0;
            }
            self.touched.clear();
            for row in 0..N_PLACEMENTS {
                for b in 0..N_AGE_BANDS {
                    let x = self.pending[row][b];
                    self.band[row][b] += x;
                    inflow[row][b] += x;
                }
            }
            for pool in 0..N_POOLS {
                self.pool_total[pool] += self.pending[pool_row(pool)].iter().sum::<f64>();
            }
            self.pending = [[0.0; N_AGE_BANDS]; N_ROWS];
        }
    }

    /// Ends the month: everyone is a month older. Children move up a band on
    /// the month of their birthday, and leave care (or a post-care pool) on
    /// their 18th.
    pub fn age_one_month(&mut self) -> Aged {
        let mut aged = Aged::default();
        for p in 0..N_PLACEMENTS {
            for b in 0..N_AGE_BANDS - 1 {
                let last = AgeBand::ALL[b].end_month() - 1;
                // Without a branch on whether anyone has a birthday (as good
                // as random): moving no one up changes nothing.
                let x = self.cells[p * SPAN + self.slot(last)];
                self.band[p][b] -= x;
                self.band[p][b + 1] += x;
                aged.up[p][b] += x;
            }
            let i = p * SPAN + self.oldest;
            let x = self.cells[i];
            self.cells[i] = 0.0;
            self.blocks[i / BLOCK] -= x;
            self.band[p][N_AGE_BANDS - 1] -= x;
            aged.at_18[p] = x;
        }
        for pool in 0..N_POOLS {
            let i = pool_row(pool) * SPAN + self.oldest;
            let x = self.cells[i];
            self.cells[i] = 0.0;
            self.blocks[i / BLOCK] -= x;
            self.pool_total[pool] -= x;
            aged.pool_at_18[pool] = x;
        }
        self.month += 1;
        self.oldest += 1;
        if self.oldest + AGE_MONTHS > SPAN {
            // Back to the start of the buffer. Only the 215 oldest slots of the
            // new window are live (the youngest is this month's newborns, still
            // empty), and they are all inside this row.
            for row in 0..N_ROWS {
                let r = row * SPAN;
                self.cells
                    .copy_within(r + self.oldest..r + self.oldest + AGE_MONTHS - 1, r);
                self.cells[r + AGE_MONTHS - 1..r + SPAN].fill(0.0);
            }
            self.oldest = 0;
            // Children have moved between blocks: add the blocks up again.
            for (b, cells) in self.blocks.iter_mut().zip(self.cells.chunks_exact(BLOCK)) {
                *b = cells.iter().sum();
            }
        }
        aged
    }

    /// Children in care.
    pub fn total(&self) -> f64 {
        self.band.iter().flatten().sum()
    }

    /// Children in care of one placement type.
    pub fn of(&self, p: Placement) -> f64 {
        self.band[p.index()].iter().sum()
    }

    /// Children in care by placement type.
    pub fn by_placement(&self) -> ByPlacement<f64> {
        ByPlacement::from_fn(|p| self.of(p))
    }

    /// Children in care by placement type and age band.
    pub fn grid(&self) -> &Grid {
        &self.band
    }

    /// Children in one compartment.
    #[inline]
    pub fn band_total(&self, p: usize, band: usize) -> f64 {
        self.band[p][band]
    }

    /// Children in each post-care pool.
    pub fn pools(&self) -> [f64; N_POOLS] {
        self.pool_total
    }

    /// Children in each post-care pool by age band (for tests and reports).
    pub fn pool_grid(&self) -> [[f64; N_AGE_BANDS]; N_POOLS] {
        std::array::from_fn(|pool| {
            std::array::from_fn(|b| self.band_cells(pool_row(pool), b).iter().sum())
        })
    }

    /// Children in care by placement and age in months, youngest first (for tests).
    pub fn ages_of(&self, p: usize) -> [f64; AGE_MONTHS] {
        std::array::from_fn(|age| self.at(p, age))
    }
}

/// The band of an age in months below 216.
#[inline]
pub fn band_of(age: usize) -> usize {
    // Bands end at 12, 60, 120, 192 and 216 months.
    (age >= 12) as usize + (age >= 60) as usize + (age >= 120) as usize + (age >= 192) as usize
}

/// The exit route of a post-care pool's row, for tests.
pub const fn route_of_pool(pool: usize) -> ExitRoute {
    match pool {
        0 => ExitRoute::Sgo,
        1 => ExitRoute::ChildArrangement,
        _ => ExitRoute::Adoption,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_of_months_match_the_age_bands() {
        for age in 0..AGE_MONTHS {
            assert_eq!(band_of(age), AgeBand::from_month(age).unwrap().index());
        }
    }

    #[test]
    fn a_child_moves_up_on_the_month_of_their_birthday_and_leaves_at_18() {
        let mut s = State::empty();
        s.put(0, 11, 1.0);
        s.put(1, 215, 2.0);
        let a = s.age_one_month();
        assert_eq!(a.up[0][0], 1.0);
        assert_eq!(a.at_18[1], 2.0);
        assert_eq!(s.band_total(0, 1), 1.0);
        assert_eq!(s.at(0, 12), 1.0);
        assert_eq!(s.total(), 1.0);
        // Far beyond the buffer: the window is copied back and nothing is lost.
        for _ in 0..(SPAN * 2) {
            s.arrive(0, 0, 0.0);
            s.settle(&mut [[0.0; N_AGE_BANDS]; N_PLACEMENTS]);
            if s.total() == 0.0 {
                break;
            }
            s.age_one_month();
        }
        assert_eq!(s.total(), 0.0);
        assert_eq!(s.month(), 205);
    }

    #[test]
    fn the_walk_over_blocks_takes_the_child_a_walk_over_cells_would() {
        // Children at uneven ages in every placement, at every alignment of
        // the bands to the blocks (one more month each round), and past a
        // copy back of the window.
        let mut s = State::empty();
        let mut inflow = [[0.0; N_AGE_BANDS]; N_PLACEMENTS];
        for month in 0..(ROOM + 12) {
            for p in 0..N_PLACEMENTS {
                for age in 0..AGE_MONTHS {
                    let x = ((age * 7 + p * 3 + month) % 5) as f64;
                    if (age + month) % 3 == 0 {
                        s.arrive(p, age, x);
                    }
                }
            }
            s.settle(&mut inflow);
            if month % 11 == 0 || month >= ROOM {
                for p in 0..N_PLACEMENTS {
                    for a in 0..N_AGE_BANDS {
                        let cells = s.band_cells(p, a).to_vec();
                        let n: f64 = cells.iter().sum();
                        assert_eq!(n, s.band_total(p, a));
                        let n = n as usize;
                        let js = (0..n).step_by((n / 17).max(1)).chain(n.checked_sub(1));
                        for j in js {
                            // The one-by-one walk: the first cell whose
                            // running total passes `j`.
                            let mut acc = 0.0;
                            let i = cells
                                .iter()
                                .position(|c| {
                                    acc += c;
                                    acc > j as f64
                                })
                                .unwrap();
                            let mut t = s.clone();
                            let age = t.take_child(p, a, j as f64);
                            let slot = s.band_slots(a).start + i;
                            assert_eq!(age, s.age_of(slot), "month {month} {p} {a} {j}");
                            assert_eq!(t.at(p, age), s.at(p, age) - 1.0);
                        }
                    }
                }
            }
            s.age_one_month();
        }
    }

    #[test]
    fn moving_the_window_back_keeps_every_child_at_their_age_in_their_row() {
        // One newborn a month in the last placement row and the last pool:
        // once the first has reached 18 there is exactly one child of every
        // age in each, however often the window has been copied back.
        let mut s = State::empty();
        let last = N_PLACEMENTS - 1;
        let pool = pool_row(N_POOLS - 1);
        let mut inflow = [[0.0; N_AGE_BANDS]; N_PLACEMENTS];
        for month in 0..(SPAN * 3) {
            s.arrive(last, 0, 1.0);
            s.arrive(pool, 0, 1.0);
            s.settle(&mut inflow);
            if month >= AGE_MONTHS {
                assert_eq!(s.ages_of(last), [1.0; AGE_MONTHS], "month {month}");
                for p in 0..last {
                    assert_eq!(s.ages_of(p), [0.0; AGE_MONTHS], "row {p} month {month}");
                }
                assert_eq!(s.total(), AGE_MONTHS as f64);
                assert_eq!(s.pools()[N_POOLS - 1], AGE_MONTHS as f64);
                assert_eq!(
                    (0..AGE_MONTHS).map(|a| s.at(pool, a)).sum::<f64>(),
                    AGE_MONTHS as f64
                );
            }
            s.age_one_month();
        }
    }
}
