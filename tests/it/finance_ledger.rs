//! The Monte Carlo finance a section 151 officer can sign (issue 13): the
//! economic ledger against the comparator, one opening census, sustained
//! break-even, budget lines that follow prices.

use super::common::{lacsim, load_builtin};
use lacsim::engine::metrics as m;
use lacsim::engine::{self, Metric, Setup, census, runner};
use lacsim::finance::discount::{GREEN_BOOK_RATE, npv};
use lacsim::finance::do_nothing_budget;
use lacsim::results;
use lacsim::scenario::fields::Change;
use predicates::prelude::*;

const SEED: u64 = engine::DEFAULT_SEED;

fn staffordshire(name: &str) -> lacsim::scenario::Loaded {
    load_builtin(&format!("staffordshire-2019/{name}"))
}

fn run(setup: &Setup, paths: u64) -> engine::MonteCarlo {
    engine::run(setup, paths, SEED, &|| {}).unwrap()
}

#[test]
fn a_plan_compared_with_itself_has_zero_paired_figures_and_zero_npv() {
    let plan = staffordshire("investment-plan.toml").scenario;
    let setup = Setup::paired(&plan, &plan).unwrap();
    let mc = run(&setup, 200);
    for p in 0..mc.paths {
        for t in 0..mc.years.len() {
            for metric in [
                Metric::PairedSaving,
                Metric::IncrementalInvestment,
                Metric::NetCashFlow,
            ] {
                assert_eq!(mc.value(p, t, metric), 0.0, "path {p} year {t} {metric:?}");
            }
        }
        assert_eq!(mc.npv[p], 0.0);
    }
    let sum = engine::summarise(&mc);
    assert_eq!(sum.npv.unwrap().mean, 0.0);
}

#[test]
fn swapping_the_arms_negates_every_paired_figure() {
    let dn = staffordshire("do-nothing-3.4.toml").scenario;
    let plan = staffordshire("investment-plan.toml").scenario;
    let a = run(&Setup::paired(&dn, &plan).unwrap(), 50);
    let b = run(&Setup::paired(&plan, &dn).unwrap(), 50);
    for p in 0..50 {
        assert_eq!(a.npv[p], -b.npv[p]);
        for t in 0..7 {
            assert_eq!(
                a.value(p, t, Metric::NetCashFlow),
                -b.value(p, t, Metric::NetCashFlow)
            );
        }
    }
    assert!(a.npv.iter().all(|&v| v > 0.0), "the plan pays against 3.4%");
}

#[test]
fn npv_is_the_discounted_net_cash_flow_checked_by_hand() {
    let plan = staffordshire("investment-plan.toml").scenario;
    let setup = Setup::single(&plan).unwrap();
    let (row, f) = runner::expected(&setup);
    let inputs = lacsim::finance::PlanInputs::new(&plan);
    let mut by_hand = 0.0;
    for t in 0..7 {
        let at = |metric| m::at(&row, t, metric);
        let cost = at(Metric::Cost) + at(Metric::PostCareCost);
        let dn_cost = at(Metric::ComparatorCost);
        // Against its own do-nothing arm: no comparator investment, no comparator savings.
        let paired = (dn_cost - cost) / 1000.0 + inputs.given_total[t];
        assert!((at(Metric::PairedSaving) - paired).abs() < 1e-9);
        assert_eq!(
            at(Metric::IncrementalInvestment),
            inputs.investment_total[t]
        );
        let net = paired - inputs.investment_total[t];
        assert!((at(Metric::NetCashFlow) - net).abs() < 1e-9);
        by_hand += net / 1.035f64.powi(t as i32);
    }
    assert!((f.npv - by_hand).abs() < 1e-6, "{} vs {by_hand}", f.npv);
    // The convention on two numbers: the first year undiscounted.
    assert!((npv(&[100.0, 103.5], GREEN_BOOK_RATE) - 200.0).abs() < 1e-9);
}

#[test]
fn every_staffordshire_scenario_opens_from_one_census_of_1220_children() {
    let dn34 = staffordshire("do-nothing-3.4.toml");
    let dn11 = staffordshire("do-nothing-11.toml");
    let plan = staffordshire("investment-plan.toml");
    let st = |l: &lacsim::scenario::Loaded| l.scenario.stochastic.clone().unwrap();
    assert_eq!(census::total(&st(&dn34)), 1220.0);
    assert!(census::differs(&st(&dn34), &st(&dn11)).is_none());
    assert!(census::differs(&st(&dn34), &st(&plan)).is_none());
    assert!(census::check(&dn11, &plan).is_ok());
}

#[test]
fn compare_refuses_arms_that_open_from_different_censuses_naming_files_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("smaller.toml");
    let base = std::fs::canonicalize("scenarios/staffordshire-2019/do-nothing-11.toml").unwrap();
    std::fs::write(
        &file,
        format!(
            "extends = {:?}\n[stochastic]\nstart_total = 1099\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    lacsim()
        .arg("compare")
        .arg(&file)
        .args([
            "builtin:staffordshire-2019/investment-plan.toml",
            "--paths",
            "10",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("smaller.toml"))
        .stderr(predicate::str::contains("investment-plan.toml"))
        .stderr(predicate::str::contains("stochastic.start_total"))
        .stderr(predicate::str::contains("1099 and 1220 children"));
}

#[test]
fn against_11pct_growth_the_plan_saves_from_the_first_year_and_more_than_against_3_4pct() {
    let plan = staffordshire("investment-plan.toml").scenario;
    let dn34 = staffordshire("do-nothing-3.4.toml").scenario;
    let dn11 = staffordshire("do-nothing-11.toml").scenario;
    let s34 = engine::summarise(&run(&Setup::paired(&dn34, &plan).unwrap(), 400));
    let s11 = engine::summarise(&run(&Setup::paired(&dn11, &plan).unwrap(), 400));
    let first = |s: &engine::Summary| s.get(Metric::PairedSaving).unwrap()[0].mean;
    assert!(first(&s11) >= 0.0, "2019/20 paired saving {}", first(&s11));
    assert!(first(&s34) >= 0.0, "2019/20 paired saving {}", first(&s34));
    let npv = |s: &engine::Summary| s.npv.unwrap().mean;
    assert!(npv(&s11) > npv(&s34), "{} vs {}", npv(&s11), npv(&s34));
    // The comparator's budget gap follows its own children and Appendix 5 lines.
    let gap11 = s11.get(Metric::ComparatorGap).unwrap();
    let gap34 = s34.get(Metric::ComparatorGap).unwrap();
    assert!(gap11[6].mean > gap34[6].mean + 20_000.0);
    // Doing nothing is never within budget: the overspend alone is £12.9m.
    assert!(s11.comparator_within_budget.iter().all(|&p| p == 0.0));
}

#[test]
fn reference_plan_mean_mtfs_impact_is_within_1m_of_table_3_every_year() {
    let plan = staffordshire("investment-plan.toml").scenario;
    let sum = engine::summarise(&run(&Setup::single(&plan).unwrap(), 2000));
    let table3 = [5106.0, 11197.0, 5972.0, 1968.0, -1315.0, -2834.0, -3453.0];
    let impact = sum.get(Metric::MtfsImpact).unwrap();
    let means: Vec<String> = impact.iter().map(|s| format!("{:.0}", s.mean)).collect();
    eprintln!("mean MTFS impact by year: {}", means.join(", "));
    for (t, want) in table3.iter().enumerate() {
        let got = impact[t].mean;
        assert!(
            (got - want).abs() <= 1000.0,
            "year {t}: mean impact {got:.0} vs Table 3 {want}"
        );
    }
    // The paper's own tables are untouched: break-even 2023/24 by both rules.
    let f = results::run(&plan).plan.unwrap();
    assert_eq!(f.break_even.unwrap().year.label(), "2023/24");
    assert_eq!(f.break_even_first_negative.unwrap().year.label(), "2023/24");
}

#[test]
fn dearer_placements_worsen_the_do_nothing_gap_and_the_mtfs_while_the_saving_grows() {
    let l = staffordshire("investment-plan.toml");
    let keys = lacsim::Placement::ALL.map(|p| format!("unit_costs.yearly.{}", p.key()));
    let dearer = l
        .with_changes(
            &keys
                .iter()
                .map(|k| (k.clone(), Change::Scale(1.1)))
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let same = l.with_changes(&[]).unwrap();
    let (b0, b1) = (
        do_nothing_budget(&same).unwrap(),
        do_nothing_budget(&dearer).unwrap(),
    );
    let (f0, f1) = (
        results::run(&same).plan.unwrap(),
        results::run(&dearer).plan.unwrap(),
    );
    // At the file's own prices nothing moves: Table 3 still reproduces.
    assert_eq!(
        f0.mtfs_impact,
        results::run(&l.scenario).plan.unwrap().mtfs_impact
    );
    // +10% on £53.0m of today's children: the standstill overspend rises by £5.3m.
    assert!((b1.standstill[1] - b0.standstill[1] - 5301.3).abs() < 1.0);
    for t in 1..7 {
        assert!(b1.gap[t] > b0.gap[t], "gap {t}");
        assert!(f1.forecast_overspend[t] > f0.forecast_overspend[t]);
        assert!(f1.placements[t] > f0.placements[t], "saving {t}");
        assert!(f1.mtfs_impact[t] > f0.mtfs_impact[t], "impact {t}");
    }
}

#[test]
fn every_format_flags_a_deterministic_break_even_outside_the_middle_half_of_paths() {
    use lacsim::report::monte_carlo::{self as rmc, McMeta};
    let plan = staffordshire("investment-plan.toml").scenario;
    let sum = engine::summarise(&run(&Setup::single(&plan).unwrap(), 400));
    let flag = |meta: &McMeta| {
        rmc::tidy(&plan, &sum, meta)
            .iter()
            .find(|r| r.metric == "deterministic_break_even_outside_range")
            .map(|r| r.value)
    };
    // The paper's 2023/24 lies inside the paths' 25-75% range.
    let inside = McMeta {
        deterministic_break_even: Some(Some(4)),
        ..McMeta::default()
    };
    assert_eq!(flag(&inside), Some(0.0));
    assert!(rmc::break_even_warning(&plan, &sum, &inside).is_none());
    // A deterministic model that never breaks even would be outside it.
    let outside = McMeta {
        deterministic_break_even: Some(None),
        ..McMeta::default()
    };
    assert_eq!(flag(&outside), Some(1.0));
    let warning = rmc::break_even_warning(&plan, &sum, &outside).unwrap();
    assert!(warning.contains("outside the Monte Carlo's 25-75% range"));
    assert!(rmc::terminal(&plan, &sum, &outside).contains(&warning));
    assert_eq!(
        rmc::json(&plan, &sum, &outside)["break_even_range"]["deterministic_outside_range"],
        true
    );
}

#[test]
fn optimism_bias_trims_savings_but_never_a_cost_rise() {
    use lacsim::finance::shortfall;
    assert_eq!(shortfall(10.0, 0.25), 7.5);
    assert_eq!(shortfall(-10.0, 0.25), -10.0);
    // A plan in a fast-growing council costs more than its baseline: a full
    // savings shortfall must not make its MTFS impact look better.
    let l = staffordshire("investment-plan.toml");
    let at = |ob: f64| {
        let s = l
            .with_changes(&[
                ("do_nothing.growth_rate".into(), Change::Set(0.3)),
                ("optimism_bias.savings".into(), Change::Set(ob)),
            ])
            .unwrap();
        let (row, _) = runner::expected(&Setup::single(&s).unwrap());
        let det = results::run(&s).plan.unwrap().mtfs_impact;
        (m::at(&row, 6, Metric::MtfsImpact), det[6])
    };
    let (mc0, det0) = at(0.0);
    let (mc1, det1) = at(1.0);
    assert!(mc1 >= mc0, "Monte Carlo: {mc1} vs {mc0}");
    assert!(det1 >= det0, "deterministic: {det1} vs {det0}");
}

#[test]
fn the_comparators_budget_gap_on_each_path_is_its_overspend_and_prices_plus_its_own_growth() {
    let dn = staffordshire("do-nothing-3.4.toml").scenario;
    let plan = staffordshire("investment-plan.toml").scenario;
    // Both orders: with the arms swapped the comparator is the plan, and its
    // gap must follow the plan's children, not the do-nothing scenario's.
    let mut mean_gap_2026 = Vec::new();
    for (comparator, invest) in [(&dn, &plan), (&plan, &dn)] {
        let mc = run(&Setup::paired(comparator, invest).unwrap(), 60);
        let b = do_nothing_budget(comparator).unwrap();
        let standstill = runner::standstill_by_year(comparator);
        let mut sum = 0.0;
        for p in 0..mc.paths {
            for (t, &at_prices) in standstill.iter().enumerate() {
                let cost = mc.value(p, t, Metric::ComparatorCost);
                let want =
                    b.standstill[t] - b.budget[t] + (cost - at_prices) / 1000.0 + b.prices[t];
                let got = mc.value(p, t, Metric::ComparatorGap);
                // Results are held in single precision: about £4 in £60m.
                assert!(
                    (got - want).abs() < 0.05,
                    "path {p} year {t}: gap {got} vs {want}"
                );
            }
            sum += mc.value(p, 6, Metric::ComparatorGap);
        }
        mean_gap_2026.push(sum / mc.paths as f64);
    }
    // The plan as comparator costs about £29m less by 2025/26 than doing nothing.
    assert!(
        mean_gap_2026[0] - mean_gap_2026[1] > 20_000.0,
        "gap with do-nothing {} vs with the plan as comparator {}",
        mean_gap_2026[0],
        mean_gap_2026[1]
    );
}

#[test]
fn a_unit_cost_uplift_is_counted_once_in_the_comparators_gap_and_the_avoided_growth() {
    // At 5% a year the year-7 prices are a third higher. The price-pressure
    // line already carries price growth, so the growth measured on the paths
    // must be over today's children at that year's prices: at year-0 prices it
    // would add about £19m of uplift again by 2025/26.
    let plan = staffordshire("investment-plan.toml").scenario;
    let mut dearer = plan.clone();
    let uplift: Vec<_> = (0..7).map(|t| 1.05f64.powi(t)).collect();
    for (t, costs) in dearer.unit_costs.iter_mut().enumerate() {
        for p in lacsim::Placement::ALL {
            costs[p] *= uplift[t];
        }
    }
    let standstill = runner::standstill_by_year(&dearer);
    assert!((standstill[6] / standstill[0] - uplift[6]).abs() < 1e-12);
    let flat = run(&Setup::single(&plan).unwrap(), 100);
    let risen = run(&Setup::single(&dearer).unwrap(), 100);
    let mean = |mc: &engine::MonteCarlo, m: Metric, t: usize| {
        (0..mc.paths).map(|p| mc.value(p, t, m)).sum::<f64>() / mc.paths as f64
    };
    for (t, &up) in uplift.iter().enumerate() {
        // The same paths at dearer prices: growth over the standstill scales
        // with the prices, and the gap's other lines do not move.
        for m in [Metric::SavingsAvoidedGrowth, Metric::ComparatorGap] {
            let price_lines = |s: &lacsim::scenario::Scenario| {
                let b = do_nothing_budget(s).unwrap();
                match m {
                    Metric::ComparatorGap => b.standstill[t] - b.budget[t] + b.prices[t],
                    _ => b.prices[t],
                }
            };
            let growth_flat = mean(&flat, m, t) - price_lines(&plan);
            let growth_risen = mean(&risen, m, t) - price_lines(&dearer);
            // Post-care allowances (about 4% of the cost) do not rise with
            // unit costs; counted twice, the uplift would add the whole
            // standstill's rise, five times this bound.
            let bound = 0.2 * standstill[0] / 1000.0 * (up - 1.0) + 1.0;
            assert!(
                (growth_risen - growth_flat * up).abs() < bound,
                "year {t} {m:?}: growth {growth_risen} at dearer prices vs {growth_flat} x {up}"
            );
        }
    }
}
