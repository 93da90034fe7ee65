//! Paired paths per second for the reference investment plan (7 years, monthly,
//! invest and do-nothing arms), on one thread: `cargo bench --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lacsim::engine::{DEFAULT_SEED, Setup, metrics::N_METRICS, runner};
use lacsim::scenario::{self, builtin};
use std::hint::black_box;
use std::path::Path;

const BATCH: u64 = 100;

fn paired_paths(c: &mut Criterion) {
    let path = format!("{}staffordshire-2019/investment-plan.toml", builtin::PREFIX);
    let loaded = scenario::load(Path::new(&path), &builtin::read).expect("built-in scenario");
    let setup = Setup::single(&loaded.scenario).expect("stochastic section");
    let mut row = vec![0.0; setup.n_years() * N_METRICS];
    // As the runner does: one scratch state per thread, reused path after path.
    let mut scratch = runner::Scratch::new();
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("investment_plan_paired_paths_1_thread", |b| {
        let mut next = 0u64;
        b.iter(|| {
            for _ in 0..BATCH {
                black_box(runner::run_path_in(
                    &setup,
                    DEFAULT_SEED,
                    next,
                    &mut row,
                    &mut scratch,
                ));
                next += 1;
            }
        })
    });
    g.finish();
}

criterion_group!(benches, paired_paths);
criterion_main!(benches);
