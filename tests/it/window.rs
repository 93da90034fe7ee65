//! Fitting on recent years: `--window N|all|auto` (`lacsim::window`).

use super::common::lacsim;
use lacsim::FinancialYear;
use lacsim::ssda903::synth::{self, SynthConfig};
use lacsim::ssda903::{Options, Ssda903Data, occupancy};
use lacsim::window::{self, MIN_YEARS, Window};
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
fn every_window_is_scored_on_the_same_backtest_forecasts() {
    let data = steady();
    let (first, to) = (FinancialYear(2016), FinancialYear(2022));
    let c = window::choose(&data, first, to, 3).unwrap();
    // Origins from the second year (two to fit on) to the year before `to`.
    let origins: Vec<i32> = c.origins.iter().map(|y| y.0).collect();
    assert_eq!(origins, vec![2017, 2018, 2019, 2020, 2021]);
    // Up to three years ahead, never past `to`: 3 + 3 + 3 + 2 + 1.
    let years: Vec<u32> = c.candidates.iter().map(|k| k.years).collect();
    assert_eq!(years, (MIN_YEARS..=7).collect::<Vec<_>>());
    for k in &c.candidates {
        assert_eq!(k.forecasts, 12, "{} years", k.years);
        assert!(k.mean_absolute_percentage_error >= k.bias.abs());
        assert_eq!(k.clearly_better, k.gain + 2.0 * k.gain_se < 0.0);
    }
    // The whole history is compared with itself: no gain.
    let whole = c.candidates.last().unwrap();
    assert_eq!((whole.gain, whole.gain_se), (0.0, 0.0));
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
    assert!(why.contains("no shorter window was better by more than two standard errors"));
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
    assert_eq!(w["candidates"].as_array().unwrap().len(), 7);
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
