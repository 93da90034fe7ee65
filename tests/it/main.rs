//! Integration tests, compiled as one binary to save link time.

mod cli;
mod common;
mod engine;
mod engine_cli;
mod finance_props;
mod paper;
