//! Speed of the deterministic model: one run of the reference plan (projection and
//! finance), one sweep point (field change, resolve, run) and the whole tornado.

use criterion::{Criterion, criterion_group, criterion_main};
use lacsim::scenario::{self, builtin, fields::Change};
use lacsim::sensitivity::tornado;
use std::hint::black_box;
use std::path::Path;

fn plan() -> scenario::Loaded {
    scenario::load(Path::new(builtin::DEFAULT), &builtin::read).expect("built-in scenario")
}

fn bench(c: &mut Criterion) {
    let loaded = plan();
    c.bench_function("deterministic run of the reference plan", |b| {
        b.iter(|| lacsim::results::run(black_box(&loaded.scenario)))
    });
    c.bench_function("sweep point (change a field, resolve, run)", |b| {
        b.iter(|| {
            let s = loaded
                .with_changes(&[(
                    "unit_costs.yearly.ifa".into(),
                    Change::Set(black_box(41000.0)),
                )])
                .expect("valid");
            lacsim::sensitivity::outcome(&s)
        })
    });
    let mut g = c.benchmark_group("tornado");
    g.sample_size(10);
    g.bench_function("tornado with switching values (25 assumptions)", |b| {
        b.iter(|| tornado::tornado(&loaded, tornado::key_assumptions(&loaded)).expect("valid"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
