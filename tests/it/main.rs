//! Integration tests, compiled as one binary to save link time.

mod browser;
mod calibrate_cli;
mod cli;
mod common;
mod cost_source;
mod docx;
mod engine;
mod engine_cli;
mod extends;
mod finance_ledger;
mod finance_props;
mod layouts;
mod mc_tornado;
mod optimism_bias;
mod panel;
mod paper;
mod partnership;
mod print;
mod report;
mod schema;
mod sensitivity;
mod ssda903;
mod uasc;
mod window;
mod xlsx_formulas;
