//! The Staffordshire 2019 cabinet paper (seed 004), reproduced figure by figure.
//! Each test is named after the table it reproduces.

use super::common::{assert_series, load_builtin, load_file};
use lacsim::finance::{do_nothing_budget, plan_finance};
use lacsim::placement::Placement;
use lacsim::projection::{do_nothing_paths, project};

fn paths(file: &str) -> (Vec<f64>, Vec<f64>) {
    let l = load_file(file);
    do_nothing_paths(&l.scenario.do_nothing, l.scenario.n_years())
}

#[test]
fn appendix5_growth_11pct() {
    let (all, exc) = paths("staffordshire-2019/do-nothing-11.toml");
    assert_eq!(
        all,
        [1220.0, 1354.0, 1503.0, 1668.0, 1851.0, 2055.0, 2281.0]
    );
    assert_eq!(
        exc,
        [1201.0, 1333.0, 1480.0, 1643.0, 1824.0, 2025.0, 2248.0]
    );
}

#[test]
fn appendix5_growth_3_4pct() {
    let (all, exc) = paths("staffordshire-2019/do-nothing-3.4.toml");
    assert_eq!(
        all,
        [1220.0, 1261.0, 1304.0, 1348.0, 1394.0, 1441.0, 1490.0]
    );
    assert_eq!(
        exc,
        [1201.0, 1242.0, 1284.0, 1328.0, 1373.0, 1420.0, 1468.0]
    );
}

/// Appendix 5's budget table, in £m to one decimal place as printed.
fn budget_table_m(file: &str) -> lacsim::finance::DoNothingBudget {
    let l = load_file(file);
    do_nothing_budget(&l.scenario).expect("budget")
}

fn round1(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| (x / 100.0).round() / 10.0).collect()
}

#[test]
fn appendix5_budget_table_3_4pct() {
    let b = budget_table_m("staffordshire-2019/do-nothing-3.4.toml");
    assert_eq!(round1(&b.budget), [45.5; 7]);
    assert_eq!(
        round1(&b.standstill),
        [56.4, 58.4, 58.4, 58.4, 58.4, 58.4, 58.4]
    );
    assert_eq!(round1(&b.total), [56.4, 63.4, 65.4, 67.4, 69.5, 71.7, 74.0]);
    assert_eq!(round1(&b.gap), [10.9, 17.9, 19.8, 21.9, 24.0, 26.2, 28.5]);
}

#[test]
fn appendix5_budget_table_11pct() {
    let b = budget_table_m("staffordshire-2019/do-nothing-11.toml");
    assert_eq!(
        round1(&b.growth_in_numbers),
        [0.0, 10.6, 17.2, 24.6, 32.8, 36.4, 41.4]
    );
    assert_eq!(round1(&b.prices), [0.0, 2.0, 2.0, 2.0, 2.0, 2.9, 3.0]);
    assert_eq!(
        round1(&b.total),
        [56.4, 71.0, 77.6, 85.0, 93.3, 97.8, 102.8]
    );
    assert_eq!(round1(&b.gap), [10.9, 25.5, 32.1, 39.5, 47.7, 52.3, 57.2]);
}

#[test]
fn do_nothing_gaps_2025_26() {
    let low = budget_table_m("staffordshire-2019/do-nothing-3.4.toml");
    let high = budget_table_m("staffordshire-2019/do-nothing-11.toml");
    assert_eq!(round1(&low.gap)[6], 28.5);
    assert_eq!(round1(&high.gap)[6], 57.2);
}

#[test]
fn appendix4_placement_costs() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let p = project(&l.scenario);
    assert!(
        (p.baseline_cost - 53_013_482.0).abs() <= 1.0,
        "baseline {}",
        p.baseline_cost
    );
    assert_eq!(p.baseline_total, 1255.0);
    let want = [
        50_056_555.0,
        46_466_000.0,
        41_396_982.0,
        38_862_473.0,
        36_866_601.0,
        36_254_675.0,
        35_627_998.0,
    ];
    assert_series("placement cost", &p.cost_total, &want, 1.0);
    assert_eq!(p.total, [1185.0, 1100.0, 980.0, 920.0, 870.0, 850.0, 829.0]);
}

#[test]
fn appendix4_homes_held_at_82_ifa_absorbs() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let p = project(&l.scenario);
    let homes: Vec<f64> = p
        .by_type
        .iter()
        .map(|m| m[Placement::HomesHostels])
        .collect();
    let ifa: Vec<f64> = p.by_type.iter().map(|m| m[Placement::Ifa]).collect();
    assert_eq!(&homes[4..], [82.0, 82.0, 82.0]);
    assert_eq!(&ifa[4..], [250.0, 242.0, 234.0]);
    // Before March 2024 the mix is today's, scaled: 117 * 1185 / 1255.
    assert!((homes[0] - 117.0 * 1185.0 / 1255.0).abs() < 1e-9);
}

fn plan() -> lacsim::finance::PlanFinance {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let p = project(&l.scenario);
    plan_finance(&l.scenario, &p).expect("plan scenario")
}

#[test]
fn table1_investment_total() {
    let f = plan();
    assert_series(
        "investment total",
        &f.investment_total,
        &[930.0, 2570.0, 1425.0, 1423.0, 605.0, 590.0, 590.0],
        1e-9,
    );
    assert_series(
        "initial total",
        &f.investment[0].total,
        &[632.0, 2530.0, 590.0, 590.0, 590.0, 590.0, 590.0],
        1e-9,
    );
    assert_series(
        "ongoing total",
        &f.investment[1].total,
        &[298.0, 40.0, 835.0, 833.0, 15.0, 0.0, 0.0],
        1e-9,
    );
    let sum: f64 = f.investment_total.iter().sum();
    assert_eq!((sum / 100.0).round() / 10.0, 8.1, "the paper's £8.1m");
}

#[test]
fn table1_placement_savings() {
    let f = plan();
    assert_series(
        "placements",
        &f.placements,
        &[739.0, 4752.0, 9082.0, 12884.0, 15149.0, 16453.0, 17072.0],
        0.5,
    );
}

#[test]
fn table1_avoided_growth() {
    let f = plan();
    assert_series(
        "avoided growth",
        &f.avoided_growth,
        &[0.0, 4936.0, 6917.0, 8970.0, 11094.0, 13255.0, 15611.0],
        0.5,
    );
}

#[test]
fn table1_savings_total_and_return_on_investment() {
    let f = plan();
    assert_series(
        "savings total",
        &f.savings_total,
        &[739.0, 9688.0, 16199.0, 22254.0, 26843.0, 30508.0, 33483.0],
        1.0,
    );
    assert_series(
        "ROI",
        &f.return_on_investment,
        &[
            190.0, -7118.0, -14774.0, -20831.0, -26238.0, -29918.0, -32893.0,
        ],
        1.0,
    );
}

#[test]
fn table3_mtfs_impact() {
    let f = plan();
    assert_series(
        "forecast overspend",
        &f.forecast_overspend,
        &[4865.0, 12916.0, 12916.0, 12916.0, 12916.0, 12916.0, 12916.0],
        1e-9,
    );
    assert_series(
        "MTFS impact",
        &f.mtfs_impact,
        &[5105.0, 11197.0, 5972.0, 1968.0, -1315.0, -2834.0, -3453.0],
        1.0,
    );
}

#[test]
fn table3_break_even_2023_24() {
    let f = plan();
    let b = f.break_even.expect("breaks even");
    assert_eq!(b.year.label(), "2023/24");
    assert_eq!(b.years_after, 4);
    assert_eq!(
        lacsim::finance::BreakEven::sentence(f.break_even),
        "Break-even in 2023/24, after 4 years"
    );
}

#[test]
fn builtin_default_matches_repository_file() {
    let a = load_builtin("staffordshire-2019/investment-plan.toml");
    let b = load_file("staffordshire-2019/investment-plan.toml");
    assert_eq!(a.hash, b.hash);
}
