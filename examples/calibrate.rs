//! Prints the expected-value paths of the reference scenarios next to the
//! paper's lines, and the median of a small Monte Carlo run: the tool used to
//! choose the stochastic defaults (`cargo run --release --example calibrate`).

use lacsim::engine::{self, Metric, Setup, metrics as m};
use lacsim::scenario::{self, builtin};
use std::path::Path;

fn load(name: &str) -> lacsim::scenario::Scenario {
    let path = format!("{}staffordshire-2019/{name}", builtin::PREFIX);
    scenario::load(Path::new(&path), &builtin::read)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

fn show(label: &str, v: &[f64], want: &[f64]) {
    let cells: Vec<String> = v
        .iter()
        .zip(want)
        .map(|(g, w)| format!("{g:7.0} ({:+.1}%)", (g / w - 1.0) * 100.0))
        .collect();
    println!("{label:<22} {}", cells.join(" "));
}

fn main() {
    let paths: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let lines = [
        (
            "do-nothing-3.4.toml",
            vec![1220.0, 1261.0, 1304.0, 1348.0, 1394.0, 1441.0, 1490.0],
        ),
        (
            "do-nothing-11.toml",
            vec![1220.0, 1354.0, 1503.0, 1668.0, 1851.0, 2055.0, 2281.0],
        ),
        (
            "investment-plan.toml",
            vec![1185.0, 1100.0, 980.0, 920.0, 870.0, 850.0, 829.0],
        ),
    ];
    for (name, want) in lines {
        let s = load(name);
        let setup = Setup::single(&s).unwrap();
        let n = s.n_years();
        let (row, fin) = engine::expected(&setup);
        let (be, npv) = (fin.break_even, fin.npv);
        let get = |metric: Metric| -> Vec<f64> { (0..n).map(|t| m::at(&row, t, metric)).collect() };
        println!("== {name}");
        show("expected lac", &get(Metric::Lac), &want);
        let mc = engine::run(&setup, paths, engine::DEFAULT_SEED, &|| {}).unwrap();
        let sum = engine::summarise(&mc);
        let med: Vec<f64> = sum
            .get(Metric::Lac)
            .unwrap()
            .iter()
            .map(|s| s.percentiles[3])
            .collect();
        show("median lac", &med, &want);
        if setup.has_finance() {
            let f = |k| {
                get(k)
                    .iter()
                    .map(|v| format!("{v:8.0}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("expected dn lac       {}", f(Metric::ComparatorLac));
            println!("expected placements   {}", f(Metric::SavingsPlacements));
            println!("expected mtfs impact  {}", f(Metric::MtfsImpact));
            println!("expected cost         {}", f(Metric::Cost));
            println!("expected sustained break-even index {be}, npv {npv:.0}");
            println!("P(break-even by year) {:?}", sum.break_even_by);
        }
        let mix = |t: usize| -> Vec<String> {
            lacsim::Placement::ALL
                .iter()
                .map(|&p| format!("{:.0}", m::at(&row, t, Metric::LacBy(p))))
                .collect()
        };
        println!("expected mix 2020    {}", mix(0).join(" "));
        println!("expected mix 2026    {}", mix(n - 1).join(" "));
    }
}
