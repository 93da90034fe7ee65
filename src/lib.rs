//! lacsim: forecast demand for looked-after children in an English council, cost it
//! placement by placement, and test whether an invest-to-save plan pays back.
//!
//! The library does no I/O of its own: it takes text and returns values, so the
//! command line, tests and benchmarks all drive the same code.

pub mod age;
pub mod backtest;
pub mod calibrate;
pub mod costs_file;
pub mod engine;
pub mod finance;
pub mod manifest;
pub mod model;
pub mod panel;
pub mod partnership;
pub mod placement;
pub mod projection;
pub mod report;
pub mod results;
pub mod scenario;
pub mod sensitivity;
pub mod ssda903;
pub mod uasc;
pub mod window;
pub mod year;

pub use placement::{ByPlacement, Placement};
pub use year::FinancialYear;
