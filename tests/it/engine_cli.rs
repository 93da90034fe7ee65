//! The Monte Carlo command line: `run --paths`, `compare`, outputs and bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn lacsim() -> Command {
    Command::cargo_bin("lacsim").expect("binary built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = lacsim()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("JSON on stdout")
}

#[test]
fn stochastic_bad_inputs_name_file_line_and_field_exit_2_and_write_nothing() {
    let cases = [
        (
            "stochastic-negative-sd.toml",
            "stochastic-negative-sd.toml:5: stochastic.growth.sd",
            "a standard deviation must be 0 or more",
        ),
        (
            "stochastic-min-above-max.toml",
            "stochastic-min-above-max.toml:5: stochastic.growth",
            "min (0.11) is greater than max (0.034)",
        ),
        (
            "stochastic-probability.toml",
            "stochastic-probability.toml:9: stochastic.interventions[0].effects.in_house.max",
            "must be between 0 and 1, got 1.5",
        ),
        (
            "stochastic-start-children.toml",
            "stochastic-start-children.toml:6: stochastic.start_children.ifa.age_1_4",
            "a count of children must be 0 or more, got -3",
        ),
        (
            "stochastic-start-children.toml",
            "stochastic.start_children",
            "give either start_children, or start_total and start_by_age, not both",
        ),
        (
            "stochastic-start-children.toml",
            "stochastic-start-children.toml:10: stochastic.ages.census.age_16_17",
            "give 2 shares (one per year of age from 16 to 17) or 24 (one per month of age), youngest first; got 3",
        ),
        (
            "stochastic-moves-uncertainty.toml",
            "stochastic-moves-uncertainty.toml:5: stochastic.moves.from.homes_hostels",
            "need a weight above 0 on another placement type",
        ),
        (
            "stochastic-moves-uncertainty.toml",
            "stochastic-moves-uncertainty.toml:8: stochastic.moves.from.homes_hostels.ifa",
            "a destination weight must be 0 or more, got -1",
        ),
        (
            "stochastic-moves-uncertainty.toml",
            "stochastic-moves-uncertainty.toml:18: stochastic.rate_uncertainty.entries",
            "a coefficient of variation must be between 0 and 2, got -0.1",
        ),
        (
            "stochastic-moves-uncertainty.toml",
            "stochastic-moves-uncertainty.toml:21: stochastic.rate_uncertainty.exits.ifa",
            "a coefficient of variation must be between 0 and 2, got 3",
        ),
        (
            "stochastic-moves-nowhere.toml",
            "stochastic-moves-nowhere.toml:5: stochastic.moves.to",
            "moves out of ifa (moves.rate.ifa = 0.15) have nowhere to go",
        ),
        (
            "stochastic-pivot-twice.toml",
            "stochastic-pivot-twice.toml:8: stochastic.rate_uncertainty.entries_pivot_years",
            "needs stochastic.entries.per_year",
        ),
        (
            "stochastic-pivot-spread.toml",
            "stochastic-pivot-spread.toml:10: stochastic.rate_uncertainty.entries_pivot_years",
            "at most 10-fold",
        ),
        (
            "stochastic-unknown-line.toml",
            "stochastic-unknown-line.toml:7: stochastic.interventions[0].line",
            "unknown investment line `family_group_conferences`",
        ),
    ];
    for (file, located, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("results");
        lacsim()
            .arg("run")
            .arg(fixture(file))
            .args(["--paths", "10", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(located))
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "{file}: nothing may be written");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
    lacsim()
        .arg("run")
        .arg(fixture("stochastic-probability.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "stochastic.entries.by_age.under_1: a share is a probability between 0 and 1, got 1.4",
        ));
}

#[test]
fn paths_of_zero_or_absurd_sizes_are_refused_before_any_work() {
    for n in ["0", "10000001"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("results");
        lacsim()
            .args(["run", "--paths", n, "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--paths: must be between 1 and 10000000, got {n}"
            )));
        assert!(!out.exists());
    }
    lacsim()
        .args([
            "compare",
            "builtin:staffordshire-2019/do-nothing-3.4.toml",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--paths",
            "0",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--paths"));
    lacsim()
        .args(["run", "--paths", "10", "--threads", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads"));
    // Allowed, but above a million paths only when asked for: a slip of an
    // extra zero must not start an hour's run holding gigabytes.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big");
    lacsim()
        .args(["run", "--paths", "5000000", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--paths 5000000: a run of more than 1,000,000 paths keeps about 5.1 GB",
        ))
        .stderr(predicate::str::contains("add --force"));
    assert!(!out.exists());
    lacsim()
        .args([
            "compare",
            "builtin:staffordshire-2019/do-nothing-3.4.toml",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--paths",
            "1000001",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add --force"));
}

#[test]
fn same_seed_1_and_3_threads_print_identical_json() {
    let run = |threads: &str| {
        lacsim()
            .args([
                "run", "--paths", "40", "--seed", "7", "--quiet", "--format", "json",
            ])
            .args(["--threads", threads])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run("1"), run("3"));
}

#[test]
fn monte_carlo_json_has_the_documented_keys() {
    let doc = json(&["run", "--paths", "30", "--quiet", "--format", "json"]);
    assert_eq!(doc["mode"], "monte_carlo");
    assert_eq!(doc["paths"], 30);
    assert_eq!(doc["seed"], 20191120);
    assert_eq!(doc["years"][6], "2025/26");
    for key in [
        "lac.total",
        "cost.total",
        "plan.mtfs_impact",
        "lac.by_type.ifa",
    ] {
        for p in ["p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
            assert_eq!(
                doc["percentiles"][key][p].as_array().map(Vec::len),
                Some(7),
                "{key} {p}"
            );
        }
        assert_eq!(doc["mean"][key].as_array().map(Vec::len), Some(7));
    }
    let p5 = doc["percentiles"]["lac.total"]["p5"][6].as_f64().unwrap();
    let p95 = doc["percentiles"]["lac.total"]["p95"][6].as_f64().unwrap();
    assert!(p5 <= p95);
    // The deterministic keys stay, holding means.
    assert_eq!(doc["lac"]["total"], doc["mean"]["lac.total"]);
    assert!(doc["lac"]["by_type"]["homes_hostels"].is_array());
    assert!(doc["cost"]["by_type"]["ifa"].is_array());
    assert_eq!(doc["cost"]["basis"], "in_year");
    assert!(doc["plan"]["mtfs_impact"].is_array());
    let probs = doc["break_even_probability"].as_object().unwrap();
    assert_eq!(probs.len(), 7);
    let last = probs["2025/26"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&last));
    assert!(doc["npv"]["p50"].is_number());
    // Every metric says what it is beside its key.
    let definitions = doc["definitions"].as_object().unwrap();
    assert_eq!(definitions.len(), doc["units"].as_object().unwrap().len());
    assert!(
        definitions["cost.total"]
            .as_str()
            .unwrap()
            .contains("post-care is post_care_cost")
    );
    assert!(
        definitions["do_nothing.cost.total"]
            .as_str()
            .unwrap()
            .contains("includes post-care")
    );
}

#[test]
fn monte_carlo_csv_stays_tidy() {
    let out = lacsim()
        .args(["run", "--paths", "20", "--quiet", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("year,scenario,metric,placement,statistic,value,unit")
    );
    let stats: std::collections::BTreeSet<String> = lines
        .map(|l| l.split(',').nth(4).unwrap().to_string())
        .collect();
    for s in [
        "mean",
        "p5",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
        "probability",
    ] {
        assert!(stats.contains(s), "{s}");
    }
}

#[test]
fn compare_pairs_do_nothing_and_invest_and_shows_the_fan_and_break_even() {
    lacsim()
        .args([
            "compare",
            "builtin:staffordshire-2019/do-nothing-3.4.toml",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--paths",
            "30",
            "--quiet",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Monte Carlo: 30 paths, seed 20191120",
        ))
        .stdout(predicate::str::contains(
            "Economic ledger: saving against Do nothing at 3.4% growth (paired, same path)",
        ))
        .stdout(predicate::str::contains(
            "Compared with: Do nothing at 3.4% growth",
        ))
        .stdout(predicate::str::contains("Median (P50)"))
        .stdout(predicate::str::contains("Break-even"))
        .stderr(predicate::str::contains("warning").not());
    // The plan given as DO_NOTHING: still runs, with a warning about the order.
    lacsim()
        .args([
            "compare",
            "builtin:staffordshire-2019/investment-plan.toml",
            "builtin:staffordshire-2019/do-nothing-3.4.toml",
            "--paths",
            "10",
            "--quiet",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the order is `lacsim compare DO_NOTHING INVEST`",
        ));
}

#[test]
fn run_without_paths_is_still_the_deterministic_paper() {
    let doc = json(&["run", "--format", "json"]);
    assert_eq!(doc["mode"], "deterministic");
    assert_eq!(doc["plan"]["break_even_year"], "2023/24");
}

#[test]
fn monte_carlo_out_folder_has_results_and_run_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mc");
    lacsim()
        .args(["run", "--paths", "10", "--quiet", "--seed", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["mode"], "monte_carlo");
    assert_eq!(run["seed"], 3);
    assert!(out.join("results.json").exists());
    assert!(out.join("results.csv").exists());
    // paths.csv: one row per path and year; its P50 column is the JSON's p50.
    let paths = std::fs::read_to_string(out.join("paths.csv")).unwrap();
    // Excel's byte-order mark, so "£'000s" survives opening the file.
    let paths = paths
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark");
    let mut lines = paths.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("path,year,lac_children,cost_gbp,post_care_cost_gbp,do_nothing_lac_children,saving_vs_do_nothing_gbp_000s,")
    );
    let mut last_year: Vec<f64> = lines
        .filter(|l| l.split(',').nth(1) == Some("2025/26"))
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(last_year.len(), 10);
    last_year.sort_by(f64::total_cmp);
    let p50 = (last_year[4] + last_year[5]) / 2.0;
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(
        doc["percentiles"]["lac.total"]["p50"][6].as_f64().unwrap(),
        p50
    );
}
