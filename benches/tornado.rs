//! The Monte Carlo tornado: one engine run of a swung assumption (200 paths on
//! rayon's pool), and one whole bar with its two switching values found by
//! bisection on common random numbers: `cargo bench --bench tornado`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lacsim::engine;
use lacsim::scenario::{self, Loaded, builtin};
use lacsim::sensitivity::mc_tornado::{Prepared, Settings};
use std::hint::black_box;
use std::path::Path;

fn load(name: &str) -> Loaded {
    let path = format!("{}staffordshire-2019/{name}", builtin::PREFIX);
    scenario::load(Path::new(&path), &builtin::read).expect("built-in scenario")
}

fn benches(c: &mut Criterion) {
    let plan = load("investment-plan.toml");
    let paths = 200;
    let p = Prepared::only(
        &plan,
        Settings {
            paths,
            seed: engine::DEFAULT_SEED,
            by_year: None,
        },
        &|name| name == "fgc: effect on entries",
    )
    .expect("the reference plan has an FGC entries range");
    let swing = &p.swings[0];
    let central = p.central(&|_| {}).expect("runs");
    let mut g = c.benchmark_group("tornado");
    g.sample_size(10);
    g.throughput(Throughput::Elements(paths));
    g.bench_function("mc_point_200_paths", |b| {
        b.iter(|| black_box(p.evaluate(swing, swing.low(), &|_| {}).unwrap()))
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("mc_bar_with_switching_values_200_paths", |b| {
        b.iter(|| black_box(p.bar(swing, &central, &|_| {}).unwrap()))
    });
    g.finish();
}

criterion_group!(tornado, benches);
criterion_main!(tornado);
