//! Fitting on recent years: `--window N|all|auto` (`lacsim::window`).

use super::common::lacsim;
use lacsim::FinancialYear;
use lacsim::ssda903::synth::{self, SynthConfig};
use lacsim::ssda903::{Options, Ssda903Data, occupancy};
use lacsim::window::{self, Window};
use predicates::prelude::*;

/// The default synthetic county (steady rates, 3% growth of entries), 2016/17 to 2023/24.
fn steady() -> Ssda903Data {
    let cfg = SynthConfig {
        seed: 21,
        first_year: FinancialYear(2016),
        years: 8,
        ..SynthConfig::default()
    };
    synth::generate(&cfg)
        .unwrap()
        .load(Options::default())
        .unwrap()
}

#[test]
fn each_window_is_scored_from_the_origins_after_its_first_year_against_the_whole_history() {
    let data = steady();
    let (first, to) = (FinancialYear(2016), FinancialYear(2022));
    let c = window::choose(&data, first, to, 3).unwrap();
    // Origins from the second year (two to fit on) to the year before `to`.
    let origins: Vec<i32> = c.origins.iter().map(|y| y.0).collect();
    assert_eq!(origins, vec![2017, 2018, 2019, 2020, 2021]);
    // A window of N years starts at 2023 − N and is scored from every origin
    // that leaves it two years: 4 years (2019/20 on) from 2020 and 2021, up
    // to three years ahead and never past `to` (2 + 1 forecasts); windows of
    // 2 and 3 years have fewer than two origins and are not scored.
    let got: Vec<(u32, usize, usize)> = c
        .candidates
        .iter()
        .map(|k| (k.years, k.origins, k.forecasts))
        .collect();
    assert_eq!(got, vec![(4, 2, 3), (5, 3, 6), (6, 4, 9), (7, 5, 12)]);
    let firsts: Vec<i32> = c.candidates.iter().map(|k| k.from.0).collect();
    assert_eq!(firsts, vec![2019, 2018, 2017, 2016]);
    for k in &c.candidates[..3] {
        assert!(k.mean_absolute_percentage_error >= k.bias.abs());
        assert_eq!(k.critical, Some(window::critical_value(k.origins)));
        let margin = k.critical.unwrap();
        assert_eq!(k.clearly_better, k.gain + margin * k.gain_se < 0.0);
        // The gain is this window's error less the whole history's, on the same forecasts.
        let d = k.mean_absolute_percentage_error - k.whole_mean_absolute_percentage_error;
        assert!((k.gain - d).abs() < 1e-12, "{k:?}");
    }
    // The whole history is compared with itself: no gain, no margin, never
    // chosen over itself.
    let whole = c.candidates.last().unwrap();
    assert_eq!(
        (
            whole.gain,
            whole.gain_se,
            whole.critical,
            whole.clearly_better
        ),
        (0.0, 0.0, None, false)
    );
}

#[test]
fn with_steady_rates_auto_keeps_every_year_and_says_why() {
    let data = steady();
    let c = window::choose(&data, FinancialYear(2016), FinancialYear(2022), 3).unwrap();
    assert_eq!(c.years, 7);
    assert_eq!(c.from, FinancialYear(2016));
    let why = c.explain();
    assert!(why.starts_with("window: all 7 years (2016/17 on)"), "{why}");
    assert!(
        why.contains("12 backtest forecasts from 5 earlier origins"),
        "{why}"
    );
    assert!(
        why.contains("no shorter window beat it on the same forecasts by the margin its number of origins needs"),
        "{why}"
    );
}

/// The council of the benchmark panel (250 entries a year in 2017/18, 8%
/// growth, seed 2, ten years of returns) that the rule this replaced gave the
/// last three years, whose trend (18% a year) made its forecast for March 2025
/// 29.6% high, against 9.0% with every year. It now keeps at least half its
/// record (measured: the last 8 years, 4.9% high).
#[test]
fn a_steady_council_that_the_naive_rule_misled_keeps_most_of_its_record() {
    let cfg = lacsim::panel::PanelConfig::standard();
    let council = cfg.council(&cfg.settings[1], 2);
    let data = synth::generate(&council)
        .unwrap()
        .load(Options::default())
        .unwrap();
    let c = window::choose(&data, FinancialYear(2012), FinancialYear(2021), 3).unwrap();
    assert!(c.years >= 5, "{}", c.explain());
}

/// `--window auto`'s choice for a realistic county of 480 entries a year
/// (no growth) with ten years of returns, 2012/13 to 2021/22, whose entries
/// are multiplied by `step` from April of `from`.
fn stepped_choice(step: f64, from: i32) -> window::Choice {
    let cfg = SynthConfig {
        seed: 1,
        first_year: FinancialYear(2012),
        years: 10,
        entries_per_month: 40.0,
        entry_growth: 0.0,
        entry_step: step,
        entry_step_from: Some(FinancialYear(from)),
        ..SynthConfig::realistic()
    };
    let data = synth::generate(&cfg)
        .unwrap()
        .load(Options::default())
        .unwrap();
    window::choose(&data, FinancialYear(2012), FinancialYear(2021), 3).unwrap()
}

/// A new front door that doubles entries from April 2016, six years before
/// the fit: the whole history's trend runs through the step and forecasts
/// 14.8% too many children on the backtests after it, so auto fits on the
/// years after the step (5 years, 2017/18 on, measured).
#[test]
fn a_doubling_of_entries_six_years_back_is_found_and_fitted_from() {
    let c = stepped_choice(2.0, 2016);
    assert!(
        (FinancialYear(2016)..=FinancialYear(2017)).contains(&c.from),
        "{}",
        c.explain()
    );
    let chosen = c.candidates.iter().find(|k| k.years == c.years).unwrap();
    assert!(chosen.clearly_better && chosen.gain < -0.05, "{chosen:?}");
    assert!(
        c.explain().starts_with("window: the last"),
        "{}",
        c.explain()
    );
}

/// Errors whose absolute values differ by `d` (this window's less the whole
/// history's), origin by origin: the whole history 10% out everywhere.
fn with_differences(d: &[&[f64]]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let ours = d
        .iter()
        .map(|o| o.iter().map(|x| 0.1 + x).collect())
        .collect();
    let whole = d.iter().map(|o| vec![0.1; o.len()]).collect();
    (ours, whole)
}

/// Entries tripled from April 2013, the second year of the returns: the
/// whole history's two-year fit from the first origin runs through the step
/// and its trend is refused as implausible. That origin is left out of every
/// comparison (the whole history's and each window's), not the whole
/// comparison: auto still fits from after the step (2014/15 on, measured).
#[test]
fn an_origin_the_whole_history_cannot_be_fitted_from_is_left_out_not_the_choice() {
    let c = stepped_choice(3.0, 2013);
    let whole = c.candidates.iter().find(|k| k.critical.is_none()).unwrap();
    assert!(whole.origins < c.origins.len(), "{whole:?}");
    assert!(
        c.years < 10 && c.from >= FinancialYear(2014),
        "{}",
        c.explain()
    );
    assert!(!c.explain().contains("too few years"), "{}", c.explain());
}

#[test]
fn the_gains_standard_error_clusters_each_origin_and_lets_neighbours_correlate() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    // Horizon 1, two origins: independent clusters. Differences -0.02 and 0,
    // mean -0.01, residuals ∓0.01: variance 2e-4 · 2/(2 − 1), over 2 forecasts.
    let (ours, whole) = with_differences(&[&[-0.02], &[0.0]]);
    let (g, se) = window::paired_gain(&ours, &whole, 1);
    assert!(
        close(g, -0.01) && close(se, 4e-4f64.sqrt() / 2.0),
        "{g} {se}"
    );
    // Horizon 2: each origin's forecasts are one cluster. Sums -0.04 and 0
    // over two forecasts each (mean -0.01) leave residuals -0.02 and +0.02,
    // negatively correlated (lag 1, weight ½: 8e-4 − 4e-4); the variance is
    // kept at the clusters' own 8e-4, times 2/(2 − 1), over 4 forecasts.
    let (ours, whole) = with_differences(&[&[-0.03, -0.01], &[0.0, 0.0]]);
    let (g, se) = window::paired_gain(&ours, &whole, 2);
    assert!(
        close(g, -0.01) && close(se, 1.6e-3f64.sqrt() / 4.0),
        "{g} {se}"
    );
    // Neighbours that move together widen it: residuals +2, +2, −2, −2
    // (hundredths) have own 1.6e-3 and lag-1 products 4e-4 − 4e-4 + 4e-4,
    // counted twice at weight ½: 2.0e-3, times 4/3, over 4 forecasts.
    let (ours, whole) = with_differences(&[&[0.02], &[0.02], &[-0.02], &[-0.02]]);
    let (g, se) = window::paired_gain(&ours, &whole, 2);
    assert!(
        close(g, 0.0) && close(se, (2.0e-3f64 * 4.0 / 3.0).sqrt() / 4.0),
        "{g} {se}"
    );
    // The same residuals a year further apart than the lag reaches: own only.
    let (g2, se2) = window::paired_gain(&ours, &whole, 1);
    assert!(
        close(g2, 0.0) && close(se2, (1.6e-3f64 * 4.0 / 3.0).sqrt() / 4.0),
        "{se2}"
    );
    // One origin tells nothing.
    assert_eq!(window::paired_gain(&ours[..1], &whole[..1], 2), (0.0, 0.0));
}

#[test]
fn the_margin_is_students_t_on_the_origins_less_one() {
    // Tables of t at one-sided 2.5%: 12.706 (1), 4.303 (2), 2.365 (7).
    assert!((window::critical_value(2) - 12.706).abs() < 1e-3);
    assert!((window::critical_value(3) - 4.303).abs() < 1e-3);
    assert!((window::critical_value(8) - 2.365).abs() < 1e-3);
    assert_eq!(window::critical_value(1), f64::INFINITY);
}

#[test]
fn the_choice_never_looks_past_the_last_fitted_year() {
    let data = steady();
    let to = FinancialYear(2020);
    let occ = occupancy::monthly(&data);
    let census = occupancy::march31(&data);
    let all = window::choose_counts(&occ, &census, FinancialYear(2016), to, 3).unwrap();
    // Without the censuses after `to` the choice and every score are the same.
    let known: Vec<_> = census.iter().filter(|c| c.year <= to).cloned().collect();
    let blind = window::choose_counts(&occ, &known, FinancialYear(2016), to, 3).unwrap();
    assert_eq!(all, blind);
}

#[test]
fn two_years_leave_nothing_to_backtest_and_keep_both() {
    let data = steady();
    let c = window::choose(&data, FinancialYear(2016), FinancialYear(2017), 3).unwrap();
    assert!(c.origins.is_empty() && c.candidates.is_empty());
    assert_eq!((c.years, c.from), (2, FinancialYear(2016)));
    assert!(c.explain().contains("too few years"), "{}", c.explain());
}

#[test]
fn window_parses_numbers_all_and_auto_and_refuses_one_year() {
    assert_eq!("3".parse::<Window>(), Ok(Window::Years(3)));
    assert_eq!("all".parse::<Window>(), Ok(Window::All));
    assert_eq!("auto".parse::<Window>(), Ok(Window::Auto));
    for bad in ["1", "0", "-2", "recent"] {
        let e = bad.parse::<Window>().unwrap_err();
        assert!(e.contains("at least 2") && e.contains(bad), "{e}");
    }
    assert_eq!(
        window::window_from(FinancialYear(2016), FinancialYear(2022), 3),
        FinancialYear(2020)
    );
    // A window longer than the data starts at the data's first year.
    assert_eq!(
        window::window_from(FinancialYear(2016), FinancialYear(2022), 30),
        FinancialYear(2016)
    );
}

#[test]
fn calibrate_window_3_writes_what_from_gives_and_auto_says_what_it_chose() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2016-2023", "--seed", "21", "--out"])
        .arg(&data)
        .assert()
        .success();
    let calibrate = |flags: &[&str], name: &str| {
        let out = d.path().join(name).join("scenario.toml");
        lacsim()
            .arg("calibrate")
            .arg(&data)
            .args(flags)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        (
            std::fs::read_to_string(&out).unwrap(),
            std::fs::read_to_string(out.with_file_name("estimates.json")).unwrap(),
        )
    };
    let (by_window, _) = calibrate(&["--window", "3"], "w3");
    let (by_from, _) = calibrate(&["--from", "2021/22"], "from");
    assert_eq!(by_window, by_from);
    assert!(by_window.contains("Fitted on collection years 2021/22 to 2023/24"));

    let out = d.path().join("auto").join("scenario.toml");
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .args(["--window", "auto", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("window: "));
    let est: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.with_file_name("estimates.json")).unwrap(),
    )
    .unwrap();
    let w = &est["window"];
    // Windows of 4 to 8 years: shorter ones have fewer than two origins to be scored from.
    let candidates = w["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 5);
    for (k, years) in candidates.iter().zip(4..) {
        assert_eq!(k["years"], years);
        assert!(k["origins"].as_u64().unwrap() >= 2, "{k}");
        // The whole history has no margin to meet.
        assert_eq!(k["critical"].is_null(), years == 8, "{k}");
    }
    assert_eq!(w["from"], est["from"]);

    for (flags, says) in [
        (vec!["--window", "1"], "at least 2"),
        (vec!["--window", "auto", "--from", "2017/18"], "--from"),
    ] {
        lacsim()
            .arg("calibrate")
            .arg(&data)
            .args(&flags)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn a_synthetic_step_in_entries_changes_their_level_from_its_year_only() {
    let cfg = SynthConfig {
        seed: 8,
        first_year: FinancialYear(2016),
        years: 6,
        entry_growth: 0.0,
        entry_step: 0.5,
        entry_step_from: Some(FinancialYear(2019)),
        ..SynthConfig::default()
    };
    let data = synth::generate(&cfg)
        .unwrap()
        .load(Options::default())
        .unwrap();
    let occ = occupancy::monthly(&data);
    let entries = |years: std::ops::Range<i32>| -> f64 {
        years
            .map(|y| f64::from(occ.year(FinancialYear(y)).total_entries()))
            .sum()
    };
    let (before, after) = (entries(2016..2019), entries(2019..2022));
    // Three years each side: Poisson counts, so the log ratio's standard error
    // is sqrt(1/before + 1/after); the step is within four of them of 0.5.
    let se = (1.0 / before + 1.0 / after).sqrt();
    let log_ratio = (after / before).ln();
    assert!(
        (log_ratio - 0.5f64.ln()).abs() < 4.0 * se,
        "{after} after against {before} before"
    );
    let bad = SynthConfig {
        entry_step: 0.0,
        ..cfg
    };
    let e = synth::generate(&bad).unwrap_err().to_string();
    assert!(e.contains("entry_step must be over 0"), "{e}");
}
