//! The Monte Carlo engine: named random streams, paths run in parallel into a
//! result cube, and the statistics across paths.
//!
//! Owns seeds, pairing and the cube. Performs no I/O, builds no thread pool
//! (it runs on whatever rayon pool the caller installs), reads no clock and
//! draws no progress bar.

pub mod census;
pub mod metrics;
pub mod runner;
pub mod streams;
pub mod summary;

pub use metrics::{Metric, MetricUnit};
pub use runner::{
    EngineError, Finance, MAX_PATHS, MonteCarlo, PathFinance, Setup, expected, run, run_cancellable,
};
pub use streams::DEFAULT_SEED;
pub use summary::{BreakEvenRange, PERCENTILES, Stat, Summary, quantile_type7, stat, summarise};
