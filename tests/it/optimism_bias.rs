//! HM Treasury Green Book optimism bias: investment up, savings down and later,
//! in the paper's tables and on every Monte Carlo path.

use super::common::{assert_series, lacsim, load_builtin};
use lacsim::engine::{Metric, Setup, metrics as m, runner};
use lacsim::finance::{delay, plan_finance};
use lacsim::projection::project;
use lacsim::scenario::{self, Loaded, OptimismBias};
use predicates::prelude::*;
use std::path::Path;

/// The reference plan with an `[optimism_bias]` table.
fn with_bias(table: &str) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/staffordshire-2019/investment-plan.toml");
    let path = dir.path().join("plan.toml");
    let text = format!(
        "extends = {:?}\n[optimism_bias]\n{table}\n",
        base.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    scenario::load(&path, &|p: &Path| std::fs::read_to_string(p)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn delay_shifts_a_line_later_by_interpolation() {
    let line = [4.0, 8.0, 12.0];
    assert_eq!(delay(&line, 0.0), line);
    assert_eq!(delay(&line, 12.0), [0.0, 4.0, 8.0]);
    assert_eq!(delay(&line, 6.0), [2.0, 6.0, 10.0]);
    assert_eq!(delay(&line, 18.0), [0.0, 2.0, 6.0]);
    assert_eq!(delay(&line, 48.0), [0.0, 0.0, 0.0]);
}

#[test]
fn optimism_bias_raises_investment_and_cuts_and_delays_savings_in_table_1_and_3() {
    let plain = load_builtin("staffordshire-2019/investment-plan.toml").scenario;
    let biased = with_bias("investment = 0.2\nsavings = 0.25\ndelay_months = 6").scenario;
    assert_eq!(
        biased.optimism_bias,
        OptimismBias {
            investment: 0.2,
            savings: 0.25,
            delay_months: 6.0
        }
    );
    let f0 = plan_finance(&plain, &project(&plain)).unwrap();
    let f1 = plan_finance(&biased, &project(&biased)).unwrap();
    let up: Vec<f64> = f0.investment_total.iter().map(|v| v * 1.2).collect();
    assert_series("investment", &f1.investment_total, &up, 1e-9);
    // Each line is raised too, so Table 1's lines still add up to its totals.
    for (g0, g1) in f0.investment.iter().zip(&f1.investment) {
        let sum: Vec<f64> = (0..7)
            .map(|t| g1.lines.iter().map(|l| l.values[t]).sum())
            .collect();
        assert_series(&g1.name, &sum, &g1.total, 1e-9);
        let up: Vec<f64> = g0.total.iter().map(|v| v * 1.2).collect();
        assert_series(&g1.name, &g1.total, &up, 1e-9);
    }
    let placements: Vec<f64> = delay(&f0.placements, 6.0)
        .iter()
        .map(|v| v * 0.75)
        .collect();
    assert_series("placements", &f1.placements, &placements, 1e-9);
    // Avoided growth is a pressure avoided, not a saving the plan promises: unchanged.
    assert_series(
        "avoided growth",
        &f1.avoided_growth,
        &f0.avoided_growth,
        1e-9,
    );
    let workforce: Vec<f64> = f0.given[0].values.iter().map(|v| v * 0.75).collect();
    assert_series("workforce", &f1.given[0].values, &workforce, 1e-9);
    // MTFS impact moves by exactly the extra investment and the lost savings.
    for t in 0..7 {
        let lost =
            (f0.placements[t] - f1.placements[t]) + (f0.given[0].values[t] - f1.given[0].values[t]);
        let extra = f1.investment_total[t] - f0.investment_total[t];
        let want = f0.mtfs_impact[t] + extra + lost;
        assert!((f1.mtfs_impact[t] - want).abs() < 1e-9, "year {t}");
    }
    // The paper breaks even in 2023/24; with this much optimism removed, later.
    assert_eq!(f0.break_even.as_ref().unwrap().year.to_string(), "2023/24");
    let later = f1.break_even.as_ref().map(|b| b.year.to_string());
    assert_ne!(later.as_deref(), Some("2023/24"), "{later:?}");
}

#[test]
fn optimism_bias_on_the_engine_delays_interventions_and_trims_path_savings() {
    let plain = load_builtin("staffordshire-2019/investment-plan.toml").scenario;
    let biased = with_bias("savings = 0.25\ndelay_months = 3").scenario;
    let (s0, s1) = (
        plain.stochastic.as_ref().unwrap(),
        biased.stochastic.as_ref().unwrap(),
    );
    for (a, b) in s0.interventions.iter().zip(&s1.interventions) {
        assert_eq!(b.start_month, a.start_month + 3.0, "{}", a.id);
    }
    // Without the delay, each path's placement saving is exactly 75% of the plain one.
    let trimmed = with_bias("savings = 0.25").scenario;
    let (r0, _) = runner::expected(&Setup::single(&plain).unwrap());
    let (r1, _) = runner::expected(&Setup::single(&trimmed).unwrap());
    for t in 0..7 {
        let i = t * m::N_METRICS + Metric::SavingsPlacements.index();
        assert!(
            (r1[i] - 0.75 * r0[i]).abs() < 1e-9,
            "year {t}: {} vs {}",
            r1[i],
            r0[i]
        );
    }
}

#[test]
fn optimism_bias_out_of_range_is_refused_with_the_field() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/optimism-bias.toml");
    lacsim()
        .arg("run")
        .arg(&fixture)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "optimism-bias.toml:6: optimism_bias.savings: a shortfall must be between 0 and 1, got 1.5",
        ))
        .stderr(predicate::str::contains(
            "optimism-bias.toml:7: optimism_bias.delay_months: a delay in months must be between 0 and 120, got -3",
        ));
}

#[test]
fn a_sweep_can_vary_optimism_bias_that_the_file_leaves_out() {
    let out = lacsim()
        .args([
            "sweep",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--vary",
            "optimism_bias.savings=0:0.2:0.1",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let years: Vec<&str> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["break_even"].as_str().unwrap_or("none"))
        .collect();
    // The paper's 2023/24 holds with the savings as planned; a tenth short pushes
    // it a year; a fifth short and the plan no longer pays back in the horizon.
    assert_eq!(years, ["2023/24", "2024/25", "none"]);
    // The net position falls by the same amount per tenth: savings are linear in the shortfall.
    let net: Vec<f64> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["net_position"].as_f64().unwrap())
        .collect();
    assert!(
        ((net[1] - net[0]) - (net[2] - net[1])).abs() < 1e-6,
        "{net:?}"
    );
}
