//! The cross-council benchmark panel (`lacsim::panel`): six kinds of synthetic
//! council, three seeds each, ten years of returns (2012/13 to 2021/22), fitted
//! to March 2022 and forecast three years with 1,000 paths. `cargo bench --bench
//! panel` prints the table (by setting and over all councils) and each
//! council's last-year error, then times one run of the whole panel.

use criterion::{Criterion, criterion_group, criterion_main};
use lacsim::panel::{self, PanelConfig};
use std::hint::black_box;
use std::time::Duration;

fn benchmark_panel(c: &mut Criterion) {
    let cfg = PanelConfig::standard();
    let p = panel::run(&cfg).expect("the standard panel runs");
    eprintln!("{}\n", p.table());
    eprintln!(
        "council                     fitted growth  last total  forecast  error   in 90% (types)"
    );
    for council in &p.councils {
        let s = &cfg.settings[council.setting];
        let Some(t) = council.last_total() else {
            continue;
        };
        let types: Vec<_> = council.type_cells().collect();
        eprintln!(
            "{:<20} seed {}  {:>12}  {:>10.0}  {:>8.1}  {:>+5.1}%  {} of {}",
            s.label(),
            council.seed,
            council
                .fitted_growth
                .map_or("-".to_string(), |g| format!("{:+.1}%", g * 100.0)),
            t.actual,
            t.stat.mean,
            council.last_total_error().unwrap_or(f64::NAN),
            types.iter().filter(|c| c.inside_90()).count(),
            types.len()
        );
    }
    let mut g = c.benchmark_group("panel");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(1))
        .warm_up_time(Duration::from_millis(1));
    g.bench_function("standard_panel_18_councils", |b| {
        b.iter(|| black_box(panel::run(&cfg).expect("the standard panel runs")))
    });
    g.finish();
}

criterion_group!(benches, benchmark_panel);
criterion_main!(benches);
