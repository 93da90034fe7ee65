//! Runs reference-plan paired paths on one thread, for profilers:
//! `cargo run --release --example engine_profile -- 2000`.

use lacsim::engine::{DEFAULT_SEED, Setup, metrics::N_METRICS, runner};
use lacsim::scenario::{self, builtin};
use std::path::Path;

fn main() {
    let paths: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let path = format!("{}staffordshire-2019/investment-plan.toml", builtin::PREFIX);
    let loaded = scenario::load(Path::new(&path), &builtin::read).expect("built-in scenario");
    let setup = Setup::single(&loaded.scenario).expect("stochastic section");
    let mut row = vec![0.0; setup.n_years() * N_METRICS];
    let started = std::time::Instant::now();
    let mut npv = 0.0;
    for p in 0..paths {
        npv += runner::run_path(&setup, DEFAULT_SEED, p, &mut row).npv;
    }
    let s = started.elapsed().as_secs_f64();
    println!(
        "{paths} paired paths in {s:.3} s: {:.0} paths/s (mean NPV {:.0})",
        paths as f64 / s,
        npv / paths as f64
    );
}
