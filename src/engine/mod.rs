//! The Monte Carlo engine: named random streams, paths run in parallel into a
//! result cube, and the statistics across paths.
//!
//! Owns seeds, pairing and the cube. Performs no I/O, builds no thread pool
//! (it runs on whatever rayon pool the caller installs), reads no clock and
//! draws no progress bar.

pub mod metrics;
pub mod runner;
pub mod streams;
pub mod summary;

pub use runner::{EngineError, MAX_PATHS, MonteCarlo, Setup, expected, run};
pub use streams::DEFAULT_SEED;
pub use summary::{PERCENTILES, Stat, Summary, quantile_type7, summarise};
