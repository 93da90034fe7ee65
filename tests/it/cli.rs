//! The command line as a user meets it: the default run, output folders, and bad input.

use super::common::lacsim;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

#[test]
fn run_with_no_argument_prints_the_papers_tables_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    lacsim()
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Table 1: Finance table"))
        .stdout(predicate::str::contains(
            "Return on Investment: (Surplus)/Deficit",
        ))
        .stdout(predicate::str::contains("(32,893)"))
        .stdout(predicate::str::contains("(3,453)"))
        .stdout(predicate::str::contains(
            "Break-even in 2023/24, after 4 years",
        ))
        .stdout(predicate::str::contains("53,013,482"));
}

#[test]
fn run_json_has_the_documented_keys() {
    let out = lacsim()
        .args(["run", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["years"][0], "2019/20");
    assert_eq!(doc["years"][6], "2025/26");
    assert_eq!(doc["lac"]["total"][6], 829.0);
    assert_eq!(doc["lac"]["by_type"]["homes_hostels"][6], 82.0);
    assert_eq!(doc["lac"]["by_type"]["ifa"][6], 234.0);
    assert!((doc["cost"]["total"][0].as_f64().unwrap() - 50_056_555.0).abs() < 1.0);
    assert!(doc["cost"]["by_type"]["relative_friend_foster"].is_array());
    assert_eq!(doc["plan"]["investment_total"][0], 930.0);
    assert!((doc["plan"]["savings"]["placements"][6].as_f64().unwrap() - 17_072.0).abs() < 0.5);
    assert!(
        (doc["plan"]["savings"]["avoided_growth"][6]
            .as_f64()
            .unwrap()
            - 15_611.0)
            .abs()
            < 0.5
    );
    assert_eq!(doc["plan"]["savings"]["workforce"][6], 800.0);
    assert!((doc["plan"]["return_on_investment"][6].as_f64().unwrap() + 32_893.0).abs() < 1.0);
    assert!((doc["plan"]["mtfs_impact"][4].as_f64().unwrap() + 1_315.0).abs() < 1.0);
    assert_eq!(doc["plan"]["break_even_year"], "2023/24");
}

#[test]
fn do_nothing_json_has_no_plan_and_a_null_free_budget() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/staffordshire-2019/do-nothing-11.toml");
    let out = lacsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["lac"]["total"][6], 2281.0);
    assert_eq!(doc["lac"]["do_nothing_exc_uasc"][6], 2248.0);
    assert!(doc.get("plan").is_none());
    let gap = doc["do_nothing"]["budget"]["gap"][6].as_f64().unwrap();
    assert_eq!((gap / 100.0).round() / 10.0, 57.2);
}

#[test]
fn run_csv_is_tidy() {
    let out = lacsim()
        .args(["run", "--format", "csv"])
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
    let impact: f64 = text
        .lines()
        .find(|l| l.starts_with("2023/24,") && l.contains(",mtfs_impact,all,value,"))
        .and_then(|l| l.split(',').nth(5))
        .and_then(|v| v.parse().ok())
        .expect("an mtfs_impact row for 2023/24");
    assert!((impact + 1315.0).abs() < 1.0, "{impact}");
    // Each row says what its value counts.
    let unit = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(',').next())
            .map(str::to_string)
    };
    assert_eq!(
        unit("2019/20,Children and Families System Transformation Part 2,lac,all,").as_deref(),
        Some("children")
    );
    assert_eq!(
        unit("2019/20,Children and Families System Transformation Part 2,cost,all,").as_deref(),
        Some("pounds")
    );
    assert_eq!(
        unit("2019/20,Children and Families System Transformation Part 2,mtfs_impact,").as_deref(),
        Some("£'000s")
    );
}

#[test]
fn monte_carlo_csv_has_the_break_even_rows_of_the_json_for_the_same_seed() {
    let run = |format: &str| {
        let out = lacsim()
            .args([
                "run", "--paths", "300", "--seed", "7", "--quiet", "--format", format,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let csv = run("csv");
    // (year, metric, statistic) -> (value, unit), for the rows of one metric.
    let rows = |metric: &str| -> Vec<(String, String, f64, String)> {
        csv.lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[2] == metric)
            .map(|c| (c[0].into(), c[4].into(), c[5].parse().unwrap(), c[6].into()))
            .collect()
    };
    for metric in ["break_even_in_year", "break_even_first_negative_in_year"] {
        let by_year = json[metric].as_object().unwrap();
        let got = rows(metric);
        assert_eq!(got.len(), by_year.len(), "{metric}: one row a year");
        for (year, statistic, value, unit) in &got {
            assert_eq!(
                (statistic.as_str(), unit.as_str()),
                ("probability", "probability")
            );
            assert_eq!(Some(*value), by_year[year].as_f64(), "{metric} {year}");
        }
    }
    // Some paths break even in a year the other rule does not, so the rows differ.
    assert_ne!(
        rows("break_even_in_year")
            .iter()
            .map(|r| r.2)
            .collect::<Vec<_>>(),
        rows("break_even_first_negative_in_year")
            .iter()
            .map(|r| r.2)
            .collect::<Vec<_>>()
    );
    // The range: a flag on the year that is P25 (P75), as the JSON names it.
    let range = rows("break_even_range");
    for statistic in ["p25", "p75"] {
        let flagged: Vec<&str> = range
            .iter()
            .filter(|r| r.1 == statistic && r.3 == "flag" && r.2 == 1.0)
            .map(|r| r.0.as_str())
            .collect();
        let want = json["break_even_range"][statistic]
            .as_str()
            .expect("a year");
        assert_eq!(flagged, [want], "{statistic}");
        assert_eq!(range.iter().filter(|r| r.1 == statistic).count(), 7);
    }
}

#[test]
fn every_csv_file_a_run_writes_starts_with_the_byte_order_mark() {
    const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
    let d = tempfile::tempdir().unwrap();
    for (name, flags, want) in [
        (
            "plan",
            &[][..],
            &[
                "table1.csv",
                "table3.csv",
                "placement_cost.csv",
                "results.csv",
            ][..],
        ),
        (
            "mc",
            &["--paths", "50", "--quiet"][..],
            &[
                "table3.csv",
                "placement_cost.csv",
                "results.csv",
                "paths.csv",
            ][..],
        ),
    ] {
        let out = d.path().join(name);
        lacsim()
            .arg("run")
            .args(flags)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        // Every CSV in the folder, not a list, so a table added later is checked too.
        let csvs: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        for w in want {
            assert!(csvs.contains(&out.join(w)), "{name}: no {w} in {csvs:?}");
        }
        for f in &csvs {
            let bytes = std::fs::read(f).unwrap();
            assert_eq!(bytes[..3], BOM, "{} has no byte-order mark", f.display());
            assert_ne!(bytes[3..6], BOM, "{} has two", f.display());
        }
    }
    // Stdout stays without it, for pipes.
    let stdout = lacsim()
        .args(["run", "--paths", "50", "--quiet", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(stdout.starts_with(b"year,scenario,metric,"));
}

#[test]
fn run_out_writes_tables_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    lacsim().args(["run", "--out"]).arg(&out).assert().success();
    for f in [
        "table1.csv",
        "table3.csv",
        "placement_mix.csv",
        "placement_cost.csv",
        "results.csv",
        "results.json",
        "run.json",
        "scenario.toml",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["lacsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["scenario_hash"].as_str().unwrap().len(), 64);
    let table3 = std::fs::read_to_string(out.join("table3.csv")).unwrap();
    let row: Vec<&str> = table3
        .lines()
        .find(|l| l.starts_with("mtfs_impact,"))
        .expect("impact row")
        .split(',')
        .collect();
    let impact_2023: f64 = row[2 + 4].parse().unwrap();
    assert!((impact_2023 + 1315.0).abs() < 1.0, "{impact_2023}");

    lacsim()
        .args(["run", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    lacsim()
        .args(["run", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn builtins_answer_without_their_toml_suffix_and_a_wrong_name_lists_them() {
    lacsim()
        .args(["run", "builtin:staffordshire-2019/do-nothing-11"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2,281"));
    lacsim()
        .args(["run", "builtin:staffordshire-2019/nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "built-ins are: builtin:staffordshire-2019/do-nothing-3.4.toml",
        ));
}

#[test]
fn force_replaces_only_folders_lacsim_wrote() {
    let dir = tempfile::tempdir().unwrap();
    // A folder of the user's own files survives --force.
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("workings.xlsx"), "x").unwrap();
    lacsim()
        .args(["run", "--force", "--out"])
        .arg(&theirs)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lacsim did not write"));
    assert!(theirs.join("workings.xlsx").is_file());
    assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 1);
    // A lacsim folder is replaced, and the current directory never is.
    let ours = dir.path().join("ours");
    lacsim()
        .args(["run", "--out"])
        .arg(&ours)
        .assert()
        .success();
    assert!(ours.join(".lacsim-output").is_file());
    lacsim()
        .current_dir(&ours)
        .args(["run", "--force", "--out", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds the current directory"));
    assert!(ours.join("run.json").is_file());
    // `new/..` is the current directory by the time it would be replaced.
    lacsim()
        .current_dir(&theirs)
        .args(["run", "--force", "--out", "new/.."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds the current directory"));
    assert!(theirs.join("workings.xlsx").is_file() && !theirs.join("new").exists());
    // `ours/.` is `ours`: replaced whole, not emptied.
    lacsim()
        .current_dir(dir.path())
        .args(["run", "--force", "--out", "ours/."])
        .assert()
        .success();
    assert!(ours.join("run.json").is_file());
    lacsim()
        .args(["run", "--force", "--out"])
        .arg(&ours)
        .assert()
        .success();
    // Re-rendering a run into itself would drop its results: refused.
    lacsim()
        .arg("report")
        .arg(&ours)
        .arg("--force")
        .arg("--out")
        .arg(&ours)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leave out --out"));
    assert!(ours.join("results.json").is_file());
}

#[test]
fn validate_accepts_the_reference_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/staffordshire-2019");
    lacsim()
        .arg("validate")
        .args(
            [
                "do-nothing-3.4.toml",
                "do-nothing-11.toml",
                "investment-plan.toml",
            ]
            .map(|f| root.join(f)),
        )
        .assert()
        .success()
        .stdout(predicate::str::contains("OK").count(3));
}

#[test]
fn validate_reads_partnership_files_and_says_which_kind_it_read() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    lacsim()
        .arg("validate")
        .arg(root.join("together4children/partnership.toml"))
        .arg(root.join("bexley-kent-medway/partnership.toml"))
        .arg(root.join("staffordshire-2019/investment-plan.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("partnership.toml: OK, partnership file (").count(2))
        .stdout(predicate::str::contains("4 partners"))
        .stdout(predicate::str::contains(
            "investment-plan.toml: OK, scenario file (Children and Families System Transformation Part 2",
        ));
    // A partnership that extends a built-in one is a partnership too, and its
    // problems name its own file and line.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        "extends = \"builtin:together4children/partnership.toml\"\n\n[fees]\ninteragency = -5\n",
    )
    .unwrap();
    lacsim()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "mine.toml: read as a partnership file",
        ))
        .stderr(predicate::str::contains("mine.toml:4: fees.interagency"));
}

/// Each bad file: its message names the file, line and field; exit 2; no output folder.
fn assert_rejected(file: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut assert = lacsim()
        .arg("run")
        .arg(fixture(file))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(file));
    for e in expected {
        assert = assert.stderr(predicate::str::contains(*e));
    }
    assert!(!out.exists(), "{file}: output folder written");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "{file}: something written"
    );
    lacsim().arg("validate").arg(fixture(file)).assert().code(2);
}

#[test]
fn bad_negative_count() {
    assert_rejected(
        "negative-count.toml",
        &[
            "negative-count.toml:3: cohort.by_type.ifa",
            "must be 0 or more, got -3",
        ],
    );
}

#[test]
fn bad_unknown_field() {
    assert_rejected(
        "unknown-field.toml",
        &[
            "unknown-field.toml:3: cohort.by_type.ifx",
            "unknown field `ifx`",
            "relative_friend_foster",
            "did you mean `ifa`?",
        ],
    );
}

#[test]
fn bad_wrong_type() {
    assert_rejected(
        "wrong-type.toml",
        &[
            "wrong-type.toml:3: do_nothing.growth_rate",
            "wrong type",
            "expected a number",
        ],
    );
}

#[test]
fn bad_rate_out_of_range() {
    assert_rejected(
        "rate-out-of-range.toml",
        &[
            "rate-out-of-range.toml:3: do_nothing.growth_rate",
            "between -1 and 1, got 1.7",
            "rate-out-of-range.toml:5: plan.first_year_share",
            "between 0 and 1, got 1.25",
        ],
    );
}

#[test]
fn bad_mix_does_not_sum_to_total() {
    assert_rejected(
        "mix-total.toml",
        &[
            "mix-total.toml:3: cohort.total",
            "is 1300 but the counts in cohort.by_type add up to 1255",
        ],
    );
}

#[test]
fn bad_unknown_placement_in_mix_rule() {
    assert_rejected(
        "unknown-placement.toml",
        &[
            "unknown-placement.toml:4: plan.hold[0].placement",
            "unknown placement type `residential`",
            "homes_hostels",
        ],
    );
}

#[test]
fn bad_year_out_of_range() {
    assert_rejected(
        "year-out-of-range.toml",
        &[
            "plan.hold[0].from",
            "year 2031/32 is outside the scenario's years (2019/20 to 2025/26)",
        ],
    );
}

#[test]
fn bad_too_many_values() {
    assert_rejected(
        "too-many-values.toml",
        &[
            "too-many-values.toml:3: mtfs.undelivered_savings",
            "has 8 values but the scenario covers 7 years",
        ],
    );
}

#[test]
fn bad_file_lists_every_problem() {
    assert_rejected(
        "many-problems.toml",
        &[
            "6 problems",
            "cohort.by_type.ifa",
            "cohort.by_type.homes_hostels",
            "whole number",
            "unit_costs.yearly.ifa",
            "do_nothing.growth_rate",
            "plan.totals: has 3 values",
        ],
    );
}

#[test]
fn bad_not_toml() {
    assert_rejected("not-toml.toml", &["not-toml.toml:1", "not valid TOML"]);
}

#[test]
fn bad_missing_extends() {
    assert_rejected(
        "missing-extends.toml",
        &[
            "missing-extends.toml:1: extends",
            "cannot read the base scenario",
            "no-such-base.toml",
            "no such file",
        ],
    );
}

#[test]
fn bad_missing_field() {
    assert_rejected("missing-field.toml", &["missing field `years`", "required"]);
}

#[test]
fn bad_not_utf8() {
    assert_rejected(
        "not-utf8.toml",
        &["cannot read the scenario file: not UTF-8 text"],
    );
}

#[test]
fn unreadable_scenario_names_the_file() {
    lacsim()
        .args(["run", "/no/such/scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/no/such/scenario.toml: cannot read the scenario file: no such file",
        ));
}

#[test]
fn scenarios_lists_and_exports_builtins() {
    lacsim()
        .arg("scenarios")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "builtin:staffordshire-2019/do-nothing-11.toml",
        ))
        .stdout(predicate::str::contains(
            "builtin:bexley-kent-medway/partnership.toml",
        ));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    lacsim()
        .args(["scenarios", "--export"])
        .arg(&out)
        .assert()
        .success();
    lacsim()
        .arg("validate")
        .arg(out.join("staffordshire-2019/investment-plan.toml"))
        .assert()
        .success();
    // Partnerships are built in too, and their exported copies find their partners.
    lacsim()
        .arg("partnership")
        .arg(out.join("together4children/partnership.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("1,368.6"));
    lacsim()
        .current_dir(dir.path())
        .args(["partnership", "builtin:together4children/partnership.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1,368.6"));
    // A file of one's own extending a built-in partnership, from another folder.
    std::fs::write(
        dir.path().join("mine.toml"),
        "extends = \"builtin:together4children/partnership.toml\"\n",
    )
    .unwrap();
    lacsim()
        .current_dir(dir.path())
        .args(["partnership", "mine.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1,368.6"));
}

#[test]
fn table_1_and_table_3_columns_line_up_and_lines_have_no_trailing_spaces() {
    let out = lacsim()
        .arg("run")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let roi: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("Return on Investment"))
        .collect();
    assert_eq!(roi.len(), 2, "{roi:?}");
    assert!(roi.iter().all(|l| l.ends_with("(32,893)")), "{roi:?}");
    assert_eq!(roi[0].len(), roi[1].len(), "{roi:?}");
    assert!(text.lines().all(|l| l == l.trim_end()));
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_run_leaves_no_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mc");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("lacsim"))
        .args([
            "run",
            "--paths",
            "5000000",
            "--force",
            "--quiet",
            "--threads",
            "1",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the staging folder, then interrupt as a terminal's Ctrl-C would.
    let staged = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains("partial"))
    };
    let start = std::time::Instant::now();
    while !staged() {
        assert!(start.elapsed().as_secs() < 60, "no staging folder appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "something was left behind"
    );
}

#[test]
fn bad_typos_do_not_hide_other_problems_and_the_list_is_in_line_order() {
    assert_rejected(
        "typos-and-more.toml",
        &[
            "problems in the file",
            "typos-and-more.toml:4: do_nothing.growht: unknown field `growht`",
            "did you mean `growth_rate`?",
            "typos-and-more.toml:5: do_nothing.growth_rate",
            "typos-and-more.toml:7: cohort.by_type.ifa: a count of children must be 0 or more, got -3",
            "typos-and-more.toml:8: cohort.by_type.ifx: unknown field `ifx`",
        ],
    );
    let out = lacsim()
        .args(["validate"])
        .arg(fixture("typos-and-more.toml"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    assert!(at(":4: ") < at(":5: ") && at(":5: ") < at(":7: ") && at(":7: ") < at(":8: "));
    // Reading stops at a wrong type, and what was found is still in line order.
    let out = lacsim()
        .arg("validate")
        .arg(fixture("type-and-typo.toml"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stderr).unwrap() + &String::from_utf8(out.stdout).unwrap();
    let three = text.find(
        "type-and-typo.toml:3: years.count: wrong type: string \"seven\", expected a whole number",
    );
    let five = text.find("type-and-typo.toml:5: do_nothing.growht");
    assert!(three.is_some() && five.is_some() && three < five, "{text}");
}

#[test]
fn monte_carlo_flags_on_a_deterministic_run_get_a_note() {
    lacsim()
        .args(["run", "--seed", "5"])
        .assert()
        .success()
        .stderr(predicate::str::contains("apply only with --paths N"));
    lacsim()
        .arg("run")
        .assert()
        .success()
        .stderr(predicate::str::contains("note:").not());
}

#[test]
fn a_folder_given_for_a_file_or_a_file_for_a_folder_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my-plan.toml");
    std::fs::write(&file, "title = \"x\"\n").unwrap();
    // A folder where a scenario file should be.
    lacsim()
        .current_dir(dir.path())
        .args(["run", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ".: cannot read the scenario file: it is a folder",
        ));
    // A file where a run folder should be.
    lacsim()
        .arg("report")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it is a file"));
    // A file in the middle of an --out path.
    lacsim()
        .arg("run")
        .arg("--out")
        .arg(file.join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "my-plan.toml is a file, not a folder",
        ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
