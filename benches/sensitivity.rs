//! What the engine's speed buys: a Monte Carlo sweep point (one thread), a
//! compare against do nothing at 11% (rayon's pool, every core), and the
//! deterministic tornado with its switching values:
//! `cargo bench --bench sensitivity`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lacsim::engine::{self, Setup};
use lacsim::scenario::{self, Loaded, builtin};
use lacsim::sensitivity::sweep::{self, Axis, Grid};
use lacsim::sensitivity::tornado::{self, key_assumptions};
use std::hint::black_box;
use std::path::Path;

fn load(name: &str) -> Loaded {
    let path = format!("{}staffordshire-2019/{name}", builtin::PREFIX);
    scenario::load(Path::new(&path), &builtin::read).expect("built-in scenario")
}

fn benches(c: &mut Criterion) {
    let plan = load("investment-plan.toml");
    let dn11 = load("do-nothing-11.toml");
    let mut g = c.benchmark_group("sensitivity");
    g.sample_size(10);

    let grid = Grid::new(
        &plan,
        vec![Axis::parse("unit_costs.ifa=30000:50000:20000").unwrap()],
        false,
    )
    .unwrap();
    let mc = Some(sweep::Paths {
        paths: 200,
        seed: engine::DEFAULT_SEED,
    });
    g.throughput(Throughput::Elements(200));
    g.bench_function("sweep_point_200_paths", |b| {
        b.iter(|| black_box(sweep::evaluate(&plan, &grid, 1, mc).unwrap()))
    });

    let setup = Setup::paired(&dn11.scenario, &plan.scenario).unwrap();
    g.throughput(Throughput::Elements(200));
    g.bench_function("compare_against_11pct_200_paths", |b| {
        b.iter(|| black_box(engine::run(&setup, 200, engine::DEFAULT_SEED, &|| {}).unwrap()))
    });

    g.throughput(Throughput::Elements(1));
    g.bench_function("tornado_with_switching_values", |b| {
        b.iter(|| black_box(tornado::tornado(&plan, key_assumptions(&plan)).unwrap()))
    });
    g.finish();
}

criterion_group!(sensitivity, benches);
criterion_main!(sensitivity);
