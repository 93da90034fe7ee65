//! One month of one path: `step(params, &mut state, &mut draws) -> Flows`.
//!
//! A pure function of the month's parameters, the state and the draws: no I/O,
//! no globals, no clock, no allocation (the state's buffers are reused). In
//! order: the children there at the start of the month leave or not (each
//! compartment from its own sub-stream), the month's entrants arrive (and some
//! leave again), a cap diverts new placements beyond it, the month's arrivals
//! are added, and everyone is a month older. For every compartment
//! `after = before + inflow − outflow` holds exactly.

// Compartments are indexed (placement, age band) as in the model's equations.
#![allow(clippy::needless_range_loop)]

use super::params::{DEST_MOVE, MonthParams, N_DEST};
use super::sampling::Draws;
use super::state::{Grid, State, pool_row};
use super::{ExitRoute, N_POOLS, N_ROUTES, RATE_ROUTES};
use crate::age::{AGE_MONTHS, N_AGE_BANDS};
use crate::placement::N_PLACEMENTS;

/// What happened in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flows {
    /// Children who entered care.
    pub entries: f64,
    /// Where the month's entrants were first placed (before any cap diversion).
    pub entrants: Grid,
    /// Arrivals in each compartment: entries, moves in, moving up from the band below.
    pub inflow: Grid,
    /// Departures from each compartment: exits, moves out, moving up a band or reaching 18.
    pub outflow: Grid,
    /// Children who left care, by [`ExitRoute`] index.
    pub exits: [f64; N_ROUTES],
    /// Arrivals in each post-care pool (by pool).
    pub pool_in: [f64; N_POOLS],
    /// Departures from each post-care pool at 18 (by pool).
    pub pool_out: [f64; N_POOLS],
    /// New placements sent elsewhere because of a cap.
    pub diverted: f64,
}

impl Flows {
    fn zero() -> Flows {
        Flows {
            entries: 0.0,
            entrants: [[0.0; N_AGE_BANDS]; N_PLACEMENTS],
            inflow: [[0.0; N_AGE_BANDS]; N_PLACEMENTS],
            outflow: [[0.0; N_AGE_BANDS]; N_PLACEMENTS],
            exits: [0.0; N_ROUTES],
            pool_in: [0.0; N_POOLS],
            pool_out: [0.0; N_POOLS],
            diverted: 0.0,
        }
    }

    /// Children who left care this month, all routes.
    pub fn leavers(&self) -> f64 {
        self.exits.iter().sum()
    }
}

/// For each departure destination: the exit route it counts in (any route
/// for a move, which counts in none), whether it is an exit, the post-care
/// pool it joins (any pool when none), whether it joins one, and the state
/// row its children arrive in (the pool's; a move's is its placement).
struct DestTable {
    route: [usize; N_DEST],
    exit: [f64; N_DEST],
    pool: [usize; N_DEST],
    joins: [f64; N_DEST],
    row: [usize; N_DEST],
}

const DEST: DestTable = {
    let mut t = DestTable {
        route: [0; N_DEST],
        exit: [0.0; N_DEST],
        pool: [0; N_DEST],
        joins: [0.0; N_DEST],
        row: [0; N_DEST],
    };
    let mut d = 0;
    while d < N_DEST {
        if d != DEST_MOVE {
            t.route[d] = RATE_ROUTES[d].index();
            t.exit[d] = 1.0;
            if let Some(pool) = RATE_ROUTES[d].pool() {
                t.pool[d] = pool.index();
                t.joins[d] = 1.0;
                t.row[d] = pool_row(pool.index());
            }
        }
        d += 1;
    }
    t
};

/// Sends `x` children aged `months` (in band `band`) who left a placement to
/// destination `d` (a rate route, or with [`DEST_MOVE`] the placement `to`).
///
/// Without a branch on the destination (drawn at random, so as good as
/// unpredictable): every count is added to, by zero where it does not apply,
/// and the children arrive somewhere, zero of them where no one arrives.
#[inline(always)]
pub(crate) fn leave_to(
    state: &mut State,
    f: &mut Flows,
    d: usize,
    (band, months): (usize, usize),
    x: f64,
    to: usize,
) {
    f.exits[DEST.route[d]] += x * DEST.exit[d];
    f.pool_in[DEST.pool[d]] += x * DEST.joins[d];
    let mut row = DEST.row;
    row[DEST_MOVE] = to;
    let arrives = DEST.joins[d] + (1.0 - DEST.exit[d]);
    state.arrive_in_band(row[d], band, months, x * arrives);
}

/// Puts the opening census `start` into an empty `state`, each compartment
/// spread over its band's months of age by `shares` (indexed by age in
/// months), from the census sub-stream of the compartment.
pub fn census<D: Draws>(
    state: &mut State,
    start: &Grid,
    shares: &[f64; AGE_MONTHS],
    draws: &mut D,
) {
    let mut out = [0.0; AGE_MONTHS];
    for p in 0..N_PLACEMENTS {
        for (a, band) in crate::age::AgeBand::ALL.into_iter().enumerate() {
            let n = start[p][a];
            if n <= 0.0 {
                continue;
            }
            let (lo, hi) = (band.first_month(), band.end_month());
            let o = &mut out[..hi - lo];
            o.fill(0.0);
            draws.census((p * N_AGE_BANDS + a) as u64, n, &shares[lo..hi], o);
            for (i, &x) in o.iter().enumerate() {
                if x != 0.0 {
                    state.put(p, lo + i, x);
                }
            }
        }
    }
}

/// Advances `state` by one month and returns the month's flows.
pub fn step<D: Draws>(mp: &MonthParams, state: &mut State, draws: &mut D) -> Flows {
    let mut f = Flows::zero();

    // The children there at the start of the month, compartment by compartment.
    for p in 0..N_PLACEMENTS {
        for a in 0..N_AGE_BANDS {
            if state.band_total(p, a) > 0.0 && mp.depart[p][a].p > 0.0 {
                draws.depart((p * N_AGE_BANDS + a) as u64, p, a, mp, state, &mut f);
            }
        }
    }

    // Entries: the count, then each entrant.
    let n = draws.entries(mp.entries_mean, mp.dispersion);
    f.entries = n;
    if n > 0.0 {
        draws.entrants(n, mp, state, &mut f);
    }

    // A cap: new placements (entrants who stay, moves in) beyond it go to the
    // overflow type, oldest first.
    if let Some(cap) = mp.cap {
        let c = cap.placement;
        let new_in = state.incoming_total(c);
        let here: f64 = state.grid()[c].iter().sum();
        let room = (cap.count - here).max(0.0);
        let mut excess = (new_in - room).max(0.0);
        if excess > 0.0 {
            f.diverted = excess;
            for months in (0..AGE_MONTHS).rev() {
                let x = state.incoming_at(c, months);
                if x > 0.0 {
                    let take = x.min(excess);
                    state.divert(c, cap.overflow_to, months, take);
                    excess -= take;
                    if excess <= 0.0 {
                        break;
                    }
                }
            }
        }
    }

    state.settle(&mut f.inflow);

    // A month older: up a band on a birthday, out of care at 18.
    let aged = state.age_one_month();
    for p in 0..N_PLACEMENTS {
        for a in 0..N_AGE_BANDS - 1 {
            let x = aged.up[p][a];
            f.outflow[p][a] += x;
            f.inflow[p][a + 1] += x;
        }
        f.outflow[p][N_AGE_BANDS - 1] += aged.at_18[p];
        f.exits[ExitRoute::Age18.index()] += aged.at_18[p];
    }
    f.pool_out = aged.pool_at_18;
    f
}
