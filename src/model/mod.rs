//! The stochastic stock-and-flow model: one month of one path.
//!
//! Owns the state (children by placement type and age in months, post-care
//! pools by age in months),
//! the month's resolved parameters, every random draw ([`sampling`]) and the
//! pure step function ([`step::step`]). It must not do I/O, read the clock,
//! hold globals, or know about paths, threads or summaries (that is
//! [`crate::engine`]).

pub mod params;
pub mod sampling;
pub mod state;
pub mod step;

pub use params::{MonthParams, PathParams};
pub use sampling::{Draws, Expected, Streams};
pub use state::{Grid, State};
pub use step::{Flows, census, step};

use serde::Serialize;

/// How a child leaves care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitRoute {
    /// Returned home to parents or relatives (no order).
    ReturnHome,
    /// Adoption order.
    Adoption,
    /// Special guardianship order.
    Sgo,
    /// Child arrangement order (residence order).
    ChildArrangement,
    /// 18th birthday (including staying put).
    Age18,
    /// Any other reason.
    Other,
}

/// Number of exit routes.
pub const N_ROUTES: usize = 6;

/// Exit routes whose rate is given per placement type (all but [`ExitRoute::Age18`],
/// which follows from ageing).
pub const RATE_ROUTES: [ExitRoute; 5] = [
    ExitRoute::ReturnHome,
    ExitRoute::Adoption,
    ExitRoute::Sgo,
    ExitRoute::ChildArrangement,
    ExitRoute::Other,
];

impl ExitRoute {
    /// Every route, in index order.
    pub const ALL: [ExitRoute; N_ROUTES] = [
        ExitRoute::ReturnHome,
        ExitRoute::Adoption,
        ExitRoute::Sgo,
        ExitRoute::ChildArrangement,
        ExitRoute::Age18,
        ExitRoute::Other,
    ];

    /// Position in [`ExitRoute::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Key used in scenario files and outputs.
    pub const fn key(self) -> &'static str {
        match self {
            ExitRoute::ReturnHome => "return_home",
            ExitRoute::Adoption => "adoption",
            ExitRoute::Sgo => "sgo",
            ExitRoute::ChildArrangement => "child_arrangement",
            ExitRoute::Age18 => "age_18",
            ExitRoute::Other => "other",
        }
    }

    /// The post-care pool a child joins on this route, if it carries an ongoing cost.
    pub const fn pool(self) -> Option<Pool> {
        match self {
            ExitRoute::Adoption => Some(Pool::Adoption),
            ExitRoute::Sgo => Some(Pool::Sgo),
            ExitRoute::ChildArrangement => Some(Pool::ChildArrangement),
            _ => None,
        }
    }
}

/// Children who have left care with an ongoing cost until their 18th birthday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    /// Special guardianship allowance.
    Sgo,
    /// Child arrangement order allowance.
    ChildArrangement,
    /// Adoption support allowance.
    Adoption,
}

/// Number of post-care pools.
pub const N_POOLS: usize = 3;

impl Pool {
    /// Every pool, in index order.
    pub const ALL: [Pool; N_POOLS] = [Pool::Sgo, Pool::ChildArrangement, Pool::Adoption];

    /// Position in [`Pool::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}
