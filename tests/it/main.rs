//! Integration tests, compiled as one binary to save link time.

mod cli;
mod common;
mod engine;
mod finance_props;
mod paper;
