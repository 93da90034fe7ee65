//! Read, clean and count about a million SSDA903 episode rows (a large county over
//! ten years), generated in memory by the synthetic return generator.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lacsim::ssda903::synth::{self, SynthConfig};
use lacsim::ssda903::{Loader, Options, occupancy};
use std::hint::black_box;

fn read_clean_count(c: &mut Criterion) {
    let s = synth::generate(&SynthConfig::large_county()).expect("large county settings are valid");
    let rows: u64 = s
        .truth
        .years
        .iter()
        .map(|y| u64::from(y.episode_rows))
        .sum();
    let bytes: usize = s
        .returns
        .iter()
        .map(|r| r.episodes_csv.len() + r.header_csv.len())
        .sum();
    eprintln!(
        "large county: {rows} episode rows, {} MB of CSV",
        bytes / 1_000_000
    );
    let mut group = c.benchmark_group("ssda903");
    group.throughput(Throughput::Elements(rows));
    group.bench_function("read_clean_count", |b| {
        b.iter(|| {
            let mut loader = Loader::new(Options::default());
            for r in &s.returns {
                loader
                    .add_header("header.csv", Some(r.year), r.header_csv.as_bytes())
                    .unwrap();
                loader
                    .add_episodes("episodes.csv", Some(r.year), r.episodes_csv.as_bytes())
                    .unwrap();
            }
            let data = loader.finish().unwrap();
            let census = occupancy::march31(&data);
            let monthly = occupancy::monthly(&data);
            black_box((census, monthly))
        })
    });
    group.finish();
}

criterion_group!(benches, read_clean_count);
criterion_main!(benches);
