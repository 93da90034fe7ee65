//! The state of one path: children in care by placement type and age band, and
//! children in the post-care pools by age band. Fixed arrays, no heap.

use super::N_POOLS;
use crate::age::N_AGE_BANDS;
use crate::placement::{ByPlacement, N_PLACEMENTS, Placement};

/// Children by placement type (rows, [`Placement::ALL`] order) and age band (columns).
pub type Grid = [[f64; N_AGE_BANDS]; N_PLACEMENTS];

/// Children in the post-care pools by pool and age band.
pub type PoolGrid = [[f64; N_AGE_BANDS]; N_POOLS];

/// Everything a path carries from one month to the next (520 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    /// Children in care. Whole numbers on random paths, expectations on the expected path.
    pub care: Grid,
    /// Children who left care on an order with an ongoing allowance, until 18.
    pub post_care: PoolGrid,
}

impl State {
    /// The starting state: `care` children in care, empty post-care pools.
    pub fn new(care: &Grid) -> State {
        State {
            care: *care,
            post_care: [[0.0; N_AGE_BANDS]; N_POOLS],
        }
    }

    /// Children in care.
    pub fn total(&self) -> f64 {
        self.care.iter().flatten().sum()
    }

    /// Children in care of one placement type.
    pub fn of(&self, p: Placement) -> f64 {
        self.care[p.index()].iter().sum()
    }

    /// Children in care by placement type.
    pub fn by_placement(&self) -> ByPlacement<f64> {
        ByPlacement::from_fn(|p| self.of(p))
    }

    /// Children in each post-care pool.
    pub fn pools(&self) -> [f64; N_POOLS] {
        self.post_care.map(|row| row.iter().sum())
    }
}
