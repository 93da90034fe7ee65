//! One month of one path: `step(params, &mut state, &mut draws) -> Flows`.
//!
//! A pure function of the month's parameters, the state and the draws: no I/O,
//! no globals, no clock, no heap. All flows are worked out from the state at the
//! start of the month and applied together at the end, so for every compartment
//! `after = before + inflow − outflow` holds exactly.

// Compartments are indexed (placement, age band) as in the model's equations.
#![allow(clippy::needless_range_loop)]

use super::params::{DEST_AGEING, DEST_MOVE, MonthParams, N_DEST};
use super::sampling::{Categorical, Departure, Draws, StreamKind};
use super::state::{Grid, PoolGrid, State};
use super::{ExitRoute, N_POOLS, N_ROUTES, RATE_ROUTES};
use crate::age::N_AGE_BANDS;
use crate::placement::N_PLACEMENTS;

/// What happened in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flows {
    /// Children who entered care.
    pub entries: f64,
    /// Where the month's entrants were first placed (before any cap diversion).
    pub entrants: Grid,
    /// Arrivals in each compartment: entries, moves in, ageing in.
    pub inflow: Grid,
    /// Departures from each compartment: exits, moves out, ageing out.
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

/// Exits sub-stream keys of the post-care pools start here (compartments use 0-49).
const POOL_KEYS: u64 = 1000;

/// Exits sub-stream keys of where the month's entrants who leave again go
/// (by compartment; compartments use 0-49, post-care pools 1000 on).
const ENTRANT_KEYS: u64 = 500;

/// The single destination of a post-care pool's departures (the next band, or 18).
const ONE_WAY: Categorical<1> = Categorical {
    shares: [1.0],
    cum: [f64::INFINITY],
    any: true,
};

/// The month's flows while they are being worked out.
struct Month<'a> {
    f: &'a mut Flows,
    pool_flow: PoolGrid,
    /// New placements (entries and moves) by age band into the capped type.
    new_in_capped: [f64; N_AGE_BANDS],
    capped: usize,
}

impl Month<'_> {
    /// Records that `k` children left compartment (`p`, `a`) for the
    /// destinations `dest`, and draws where the movers go from the moves
    /// sub-stream of `key`.
    fn record<D: Draws>(
        &mut self,
        mp: &MonthParams,
        draws: &mut D,
        (p, a): (usize, usize),
        key: u64,
        k: f64,
        dest: &[f64; N_DEST],
    ) {
        let f = &mut *self.f;
        f.outflow[p][a] += k;
        let aged = dest[DEST_AGEING];
        if a + 1 < N_AGE_BANDS {
            f.inflow[p][a + 1] += aged;
        } else {
            f.exits[ExitRoute::Age18.index()] += aged;
        }
        for (r, route) in RATE_ROUTES.iter().enumerate() {
            let c = dest[1 + r];
            f.exits[route.index()] += c;
            if let Some(pool) = route.pool() {
                self.pool_flow[pool.index()][a] += c;
                f.pool_in[pool.index()] += c;
            }
        }
        let m = dest[DEST_MOVE];
        if m > 0.0 {
            let mut moved = [0.0; N_PLACEMENTS];
            draws.split(
                StreamKind::Moves,
                2 * key + 1,
                m,
                &mp.move_to[p],
                &mut moved,
            );
            for q in 0..N_PLACEMENTS {
                f.inflow[q][a] += moved[q];
            }
            if self.capped < N_PLACEMENTS {
                self.new_in_capped[a] += moved[self.capped];
            }
        }
    }
}

/// Advances `state` by one month and returns the month's flows.
pub fn step<D: Draws>(mp: &MonthParams, state: &mut State, draws: &mut D) -> Flows {
    let mut f = Flows::zero();
    let mut m = Month {
        f: &mut f,
        pool_flow: [[0.0; N_AGE_BANDS]; N_POOLS],
        new_in_capped: [0.0; N_AGE_BANDS],
        capped: mp.cap.map_or(usize::MAX, |c| c.placement),
    };

    // Entries: the count first, then each entry's age band and first placement.
    let n = draws.entries(mp.entries_mean, mp.dispersion);
    m.f.entries = n;
    let mut entrants_left = [[0.0; N_AGE_BANDS]; N_PLACEMENTS];
    if n > 0.0 {
        draws.split_entries(
            n,
            &mp.entry_age,
            &mp.entry_place,
            &mp.entrant_depart,
            &mut m.f.entrants,
            &mut entrants_left,
        );
        m.f.inflow = m.f.entrants;
    }

    // How many leave each compartment and where they go (ageing, an exit
    // route or a move), each compartment from its own exits sub-stream:
    // the children there at the start of the month, then the month's entrants,
    // who are at risk only from the day they arrive.
    let mut dest = [0.0; N_DEST];
    for p in 0..N_PLACEMENTS {
        for a in 0..N_AGE_BANDS {
            let key = (p * N_AGE_BANDS + a) as u64;
            let n = state.care[p][a];
            let mut k = 0.0;
            if n > 0.0 && mp.depart[p][a].p > 0.0 {
                let d = Departure {
                    leaving: &mp.depart[p][a],
                    to: &mp.split[p][a],
                };
                k = draws.leave(key, n, &d, &mut dest);
            }
            let e = m.f.entrants[p][a];
            if e > 0.0 {
                // The entrants who left again join the compartment's other
                // leavers; where they went is drawn from their own sub-stream.
                let ke = entrants_left[p][a];
                if ke > 0.0 {
                    if k <= 0.0 {
                        dest = [0.0; N_DEST];
                    }
                    let mut gone = [0.0; N_DEST];
                    let sub = ENTRANT_KEYS + key;
                    draws.split(StreamKind::Exits, sub, ke, &mp.split[p][a], &mut gone);
                    dest.iter_mut().zip(&gone).for_each(|(d, g)| *d += g);
                    k += ke;
                }
                // Entrants who have already left need no place under a cap.
                if p == m.capped {
                    m.new_in_capped[a] += e - ke;
                }
            }
            if k > 0.0 {
                m.record(mp, draws, (p, a), key, k, &dest);
            }
        }
    }
    let Month {
        mut pool_flow,
        new_in_capped,
        ..
    } = m;

    // Post-care pools: ageing, and leaving at 18.
    let mut one = [0.0];
    for (pool, row) in state.post_care.iter().enumerate() {
        for (a, &n) in row.iter().enumerate() {
            if n <= 0.0 || mp.pool_age[a].p <= 0.0 {
                continue;
            }
            let key = POOL_KEYS + (pool * N_AGE_BANDS + a) as u64;
            let d = Departure {
                leaving: &mp.pool_age[a],
                to: &ONE_WAY,
            };
            let k = draws.leave(key, n, &d, &mut one);
            if k <= 0.0 {
                continue;
            }
            pool_flow[pool][a] -= k;
            if a + 1 < N_AGE_BANDS {
                pool_flow[pool][a + 1] += k;
            } else {
                f.pool_out[pool] += k;
            }
        }
    }

    // A cap: new placements beyond it go to the overflow type, oldest first.
    if let Some(cap) = mp.cap {
        let c = cap.placement;
        let new_in: f64 = new_in_capped.iter().sum();
        let after_without_new: f64 = (0..N_AGE_BANDS)
            .map(|a| state.care[c][a] - f.outflow[c][a] + f.inflow[c][a] - new_in_capped[a])
            .sum();
        let room = (cap.count - after_without_new).max(0.0);
        let mut excess = (new_in - room).max(0.0);
        if excess > 0.0 {
            f.diverted = excess;
            for a in (0..N_AGE_BANDS).rev() {
                let take = new_in_capped[a].min(excess);
                f.inflow[c][a] -= take;
                f.inflow[cap.overflow_to][a] += take;
                excess -= take;
            }
        }
    }

    for p in 0..N_PLACEMENTS {
        for a in 0..N_AGE_BANDS {
            state.care[p][a] += f.inflow[p][a] - f.outflow[p][a];
        }
    }
    for (row, flow) in state.post_care.iter_mut().zip(&pool_flow) {
        for (n, d) in row.iter_mut().zip(flow) {
            *n += d;
        }
    }
    f
}
