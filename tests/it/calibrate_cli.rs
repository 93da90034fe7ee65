//! `lacsim synth` and `lacsim calibrate` from the command line.

use super::common::lacsim;
use predicates::prelude::*;

#[test]
fn synth_then_calibrate_recovers_growth_and_writes_rejections() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2016-2023", "--seed", "11", "--out"])
        .arg(&data)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "wrote 8 collection years (2016/17 to 2023/24)",
        ));
    assert!(
        data.join("header_2016-17.csv").is_file()
            && data.join("episodes_2023-24.csv").is_file()
            && data.join("truth.json").is_file()
    );
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("truth.json")).unwrap()).unwrap();
    assert_eq!(truth["config"]["entry_growth"], 0.03);

    let out = d.path().join("fit");
    let json = lacsim()
        .arg("calibrate")
        .arg(&data)
        .args(["--format", "json", "--out"])
        .arg(out.join("scenario.toml"))
        .assert()
        .success()
        .stderr(predicate::str::contains("0 rejected"))
        .get_output()
        .stdout
        .clone();
    let est: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let g = &est["entry_growth"];
    let (lo, hi) = (g["lower"].as_f64().unwrap(), g["upper"].as_f64().unwrap());
    assert!(
        lo <= 0.03 && 0.03 <= hi,
        "95% interval [{lo}, {hi}] misses the true growth 0.03"
    );
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(
        rejected.starts_with('\u{feff}'),
        "rejected.csv opens with the byte-order mark"
    );
    assert_eq!(rejected.lines().count(), 1, "header only: {rejected}");

    // The starting children are the last census by placement and age band, not
    // the total spread by a common age mix: each type's row adds up to the
    // 31 March count the generator recorded.
    let path = out.join("scenario.toml");
    let loaded = lacsim::scenario::load(&path, &|p: &std::path::Path| std::fs::read_to_string(p))
        .unwrap_or_else(|e| panic!("{e}"));
    let st = loaded.scenario.stochastic.as_ref().unwrap();
    let last = truth["years"].as_array().unwrap().last().unwrap();
    for p in lacsim::Placement::ALL {
        let row: f64 = st.start[p.index()].iter().sum();
        assert_eq!(
            row,
            last["by_placement"][p.key()].as_f64().unwrap(),
            "{}",
            p.key()
        );
    }
    let text = std::fs::read_to_string(&path).unwrap();
    // Children age exactly: no ageing rates, but where in each band the
    // census's children are (from their dates of birth) and entrants come.
    assert!(!text.contains("[stochastic.ageing]"), "{text}");
    for table in [
        "[stochastic.ages.census]",
        "[stochastic.ages.entries]",
        "[stochastic.start_children.independent_living]",
        "[stochastic.entries.by_age_placement.under_1]",
        "[stochastic.moves.from.homes_hostels]",
    ] {
        assert!(text.contains(table), "{table} missing from\n{text}");
    }

    // Each estimated rate's uncertainty is its Gamma posterior's CV, 1/sqrt(events + 1/2).
    for p in lacsim::Placement::ALL {
        for (table, cv) in [
            ("exit_hazard", st.rate_uncertainty.exits[p]),
            ("move_hazard", st.rate_uncertainty.moves[p]),
        ] {
            let events = est[table][p.key()]["events"].as_f64().unwrap();
            let want = 1.0 / (events + 0.5).sqrt();
            assert!(
                (cv - want).abs() < 1e-6,
                "{table}.{}: {cv} vs {want}",
                p.key()
            );
        }
        // Moves by origin: shares of the other types, summing to 1.
        let row = &st.move_from[p.index()];
        assert_eq!(row[p], 0.0, "{}", p.key());
        assert!((row.total() - 1.0).abs() < 1e-9, "{}", p.key());
    }
    let cv = st.rate_uncertainty.entries;
    assert!(cv > 0.0 && cv < 0.2, "entry level CV {cv}");
    // The entry level is uncertain as at the fit's centre, and pivots from there
    // to the first forecast year with each path's growth.
    assert!((cv - g["log_pivot_se"].as_f64().unwrap()).abs() < 1e-6);
    let pivot = st.rate_uncertainty.entries_pivot_years;
    assert!((pivot - g["pivot_years"].as_f64().unwrap()).abs() < 1e-6);
    assert!(
        pivot > 1.0,
        "a multi-year fit's centre lies years back: {pivot}"
    );
    assert!(cv < g["log_next_se"].as_f64().unwrap());
}

#[test]
fn calibrate_refuses_a_folder_without_returns() {
    let d = tempfile::tempdir().unwrap();
    lacsim()
        .arg("calibrate")
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "needs SSDA903 header and episodes CSV files",
        ));
    lacsim()
        .arg("calibrate")
        .arg(d.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder"));
    let file = d.path().join("header_2020-21.csv");
    std::fs::write(&file, "CHILD,SEX,DOB\n").unwrap();
    lacsim()
        .arg("calibrate")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "it is a file: give the folder that holds the header and episodes files",
        ));
}

#[test]
fn calibrate_reports_bad_rows_with_their_line() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2020-2021", "--out"])
        .arg(&data)
        .assert()
        .success();
    let ep = data.join("episodes_2021-22.csv");
    let mut text = std::fs::read_to_string(&ep).unwrap();
    text.push_str("C9999999,31/02/2021,S,C2,N1,U1,PR1,,,,,,\n");
    std::fs::write(&ep, text).unwrap();
    let lines = std::fs::read_to_string(&ep).unwrap().lines().count();
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "episodes_2021-22.csv:{lines}"
        )))
        .stderr(predicate::str::contains("warning").not());
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .arg("--strict")
        .assert()
        .code(2);
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .args(["--from", "2021/22", "--to", "2020/21"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--from 2021/22 is after --to 2020/21",
        ));
    // One file written mm/dd/yyyy: most of its dates are impossible or wrong,
    // and the run says so loudly, naming the file.
    let swapped: String = std::fs::read_to_string(&ep)
        .unwrap()
        .lines()
        .map(|l| {
            let cells: Vec<String> = l
                .split(',')
                .map(|c| match c.split('/').collect::<Vec<_>>()[..] {
                    [d, m, y] => format!("{m}/{d}/{y}"),
                    _ => c.to_string(),
                })
                .collect();
            cells.join(",") + "\n"
        })
        .collect();
    std::fs::write(&ep, swapped).unwrap();
    // Losing most of the last year's entries also makes the trend impossible.
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "outside the -50% to 100% a scenario allows",
        ))
        .stderr(predicate::str::contains("warning: "))
        .stderr(predicate::str::contains("most from"))
        .stderr(predicate::str::contains("episodes_2021-22.csv ("))
        .stderr(predicate::str::contains("mm/dd/yyyy"));
}

#[test]
fn synth_refuses_bad_years_and_settings() {
    let d = tempfile::tempdir().unwrap();
    lacsim()
        .args(["synth", "--years", "2024-2015", "--out"])
        .arg(d.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("before the first"));
    let cfg = d.path().join("cfg.toml");
    std::fs::write(&cfg, "entries_per_month = -3\n").unwrap();
    lacsim()
        .arg("synth")
        .arg(&cfg)
        .arg("--out")
        .arg(d.path().join("y"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("entries_per_month"));
    assert!(!d.path().join("x").exists() && !d.path().join("y").exists());
}

#[test]
fn calibrate_writes_a_scenario_the_engine_runs() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2016-2023", "--seed", "5", "--out"])
        .arg(&data)
        .assert()
        .success();
    let costs = d.path().join("costs.toml");
    std::fs::write(&costs, "[unit_costs]\nuplift = 0.02\n[unit_costs.yearly]\nrelative_friend_foster = 20000\nin_house_foster = 21000\nifa = 45000\nhomes_hostels = 250000\nplaced_with_parents = 0\nplaced_for_adoption = 0\nindependent_living = 50000\nresidential_school = 200000\nmother_baby = 60000\nother = 150000\n[post_care]\nsgo_allowance = 8000\n").unwrap();
    let scen = d.path().join("fit/county.toml");
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .arg("--costs")
        .arg(&costs)
        .arg("--out")
        .arg(&scen)
        .args(["--horizon", "3", "--authority", "Synthetic County"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&scen).unwrap();
    assert!(
        text.contains("ifa = 45000") && text.contains("sgo_allowance = 8000"),
        "costs from --costs"
    );
    assert!(
        text.contains("growth = { dist = \"normal\""),
        "growth carries its uncertainty"
    );
    assert!(
        d.path().join("fit/rejected.csv").is_file()
            && d.path().join("fit/estimates.json").is_file()
    );
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("truth.json")).unwrap()).unwrap();
    let last_total = truth["years"][7]["total"].as_f64().unwrap();
    assert!(
        text.contains(&format!("total = {last_total}")),
        "the cohort is the last 31 March census"
    );
    // The do-nothing line, like the paper's, starts at the end of the first
    // forecast year: one year of the fitted growth on from the census.
    let written: toml::Value = toml::from_str(&text).unwrap();
    let g = written["do_nothing"]["growth_rate"].as_float().unwrap();
    let start = written["do_nothing"]["start_total"].as_integer().unwrap() as f64;
    assert_eq!(start, (last_total * (1.0 + g)).round(), "growth {g}");
    let out = lacsim()
        .arg("run")
        .arg(&scen)
        .args(["--paths", "200", "--format", "json", "--quiet"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["years"][0], "2024/25");
    let first = doc["lac"]["total"][0].as_f64().unwrap();
    assert!(
        (first - last_total).abs() / last_total < 0.15,
        "first forecast {first} far from last census {last_total}"
    );
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .arg("--out")
        .arg(&scen)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    // A second county into the same folder would replace the first's side files.
    let other = d.path().join("fit/other.toml");
    let second = || {
        let mut c = lacsim();
        c.arg("calibrate").arg(&data).arg("--out").arg(&other);
        c
    };
    second().assert().code(2).stderr(predicate::str::contains(
        "rejected.csv from an earlier calibration",
    ));
    assert!(!other.exists());
    second().arg("--force").assert().success();
    assert!(other.is_file());
}

#[test]
fn calibrate_refuses_a_bad_costs_file() {
    let d = tempfile::tempdir().unwrap();
    let costs = d.path().join("costs.toml");
    std::fs::write(&costs, "[unit_costs.yearly]\nifa = -5\n").unwrap();
    lacsim()
        .arg("calibrate")
        .arg(d.path())
        .arg("--costs")
        .arg(&costs)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unit_costs.yearly.ifa: must be 0 or more",
        ))
        .stderr(predicate::str::contains("unit_costs.yearly.other: missing"));
}

/// Coverage of the 90% band over several synthetic counties: the share of (type, year)
/// cells whose actual falls inside P5-P95.
#[test]
fn backtest_bands_cover_most_actuals_over_several_seeds() {
    let d = tempfile::tempdir().unwrap();
    let (mut inside, mut inside_50, mut cells) = (0u64, 0u64, 0u64);
    for seed in [1u64, 2, 3] {
        let data = d.path().join(format!("returns{seed}"));
        lacsim()
            .args([
                "synth",
                "--years",
                "2015-2023",
                "--seed",
                &seed.to_string(),
                "--out",
            ])
            .arg(&data)
            .assert()
            .success();
        let out = lacsim()
            .arg("backtest")
            .arg(&data)
            .args([
                "--fit-to", "2020/21", "--paths", "300", "--quiet", "--format", "json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            doc["years"],
            serde_json::json!(["2021/22", "2022/23", "2023/24"])
        );
        assert_eq!(doc["forecast"]["total"]["p95"].as_array().unwrap().len(), 3);
        assert_eq!(doc["actual"]["ifa"].as_array().unwrap().len(), 3);
        // The fitted history: every 31 March up to the fit, each the census total.
        assert_eq!(
            doc["history"]["years"],
            serde_json::json!([
                "2015/16", "2016/17", "2017/18", "2018/19", "2019/20", "2020/21"
            ])
        );
        if seed == 1 {
            let truth: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(data.join("truth.json")).unwrap())
                    .unwrap();
            let march = |i: usize| truth["years"][i]["total"].as_f64().unwrap();
            let history = doc["history"]["total"].as_array().unwrap();
            for (i, h) in history.iter().enumerate() {
                assert_eq!(h.as_f64().unwrap(), march(i), "history {i}");
            }
        }
        // The summary figures: by type and over every cell, agreeing with the cells.
        let overall = &doc["summary"]["overall"];
        assert_eq!(overall["cells"], doc["coverage"]["cells"]);
        assert_eq!(overall["inside_90"], doc["coverage"]["inside_90"]);
        assert_eq!(overall["inside_50"], doc["coverage"]["inside_50"]);
        let by_type = doc["summary"]["by_type"].as_object().unwrap();
        assert_eq!(by_type.len(), 11, "the total and ten placement types");
        let crps: Vec<f64> = doc["error"]["total"]["crps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(crps.len(), 3);
        for c in &crps {
            assert!(c.is_finite() && *c > 0.0, "CRPS {c}");
        }
        let abs: Vec<f64> = doc["error"]["total"]["absolute"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap().abs())
            .collect();
        let mean_total = |key: &str| by_type["total"][key].as_f64().unwrap();
        let errs: Vec<f64> = doc["error"]["total"]["absolute"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!((mean_total("bias") - errs.iter().sum::<f64>() / 3.0).abs() < 1e-9);
        assert!((mean_total("mean_absolute_error") - abs.iter().sum::<f64>() / 3.0).abs() < 1e-9);
        assert!((mean_total("crps") - crps.iter().sum::<f64>() / 3.0).abs() < 1e-9);
        for key in [
            "mean_absolute_percentage_error",
            "coverage_50",
            "coverage_90",
        ] {
            assert!(overall[key].as_f64().is_some(), "summary.overall.{key}");
        }
        inside += doc["coverage"]["inside_90"].as_u64().unwrap();
        inside_50 += doc["coverage"]["inside_50"].as_u64().unwrap();
        cells += doc["coverage"]["cells"].as_u64().unwrap();
    }
    let share = inside as f64 / cells as f64;
    let share_50 = inside_50 as f64 / cells as f64;
    eprintln!(
        "band coverage over 3 seeds: 90% band {inside} of {cells} cells ({:.0}%), 50% band {inside_50} ({:.0}%)",
        share * 100.0,
        share_50 * 100.0
    );
    // Calibrated bands hold 90% and 50% of actuals. With 99 cells a binomial
    // standard error is 3 points (90%) and 5 points (50%); allow 4 of them, as
    // the cells of one county share its fitted rates. The 50% band's upper
    // limit catches bands that are too wide.
    assert!(share >= 0.90 - 4.0 * 0.03, "90% band coverage {share}");
    assert!(
        (0.50 - 4.0 * 0.05..=0.50 + 4.0 * 0.05).contains(&share_50),
        "50% band coverage {share_50}"
    );
}

#[test]
fn backtest_refuses_a_fit_year_without_room() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2019-2022", "--out"])
        .arg(&data)
        .assert()
        .success();
    lacsim()
        .arg("backtest")
        .arg(&data)
        .args(["--fit-to", "2022/23"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "must leave at least two years to fit on and one to forecast",
        ));
}

#[test]
fn a_csv_of_weekly_or_yearly_costs_gives_the_same_scenario_as_the_toml() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2016-2022", "--seed", "6", "--out"])
        .arg(&data)
        .assert()
        .success();
    let yearly = [
        ("relative_friend_foster", 20000.0),
        ("in_house_foster", 21000.0),
        ("ifa", 45000.0),
        ("homes_hostels", 250000.0),
        ("placed_with_parents", 0.0),
        ("placed_for_adoption", 0.0),
        ("independent_living", 50000.0),
        ("residential_school", 200000.0),
        ("mother_baby", 60000.0),
        ("other", 150000.0),
    ];
    let toml: String = "[unit_costs.yearly]\n".to_string()
        + &yearly
            .iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .collect::<String>();
    // The CSV names fostering by provider, as a council's finance system does.
    let row = |k: &str, v: f64| match k {
        "in_house_foster" => format!("foster,in_house,{v}\n"),
        "ifa" => format!("foster,external,{v}\n"),
        _ => format!("{k},,{v}\n"),
    };
    let csv_yearly: String = "placement,provider,yearly\n".to_string()
        + &yearly.iter().map(|(k, v)| row(k, *v)).collect::<String>();
    let csv_weekly: String = "placement,provider,weekly\n".to_string()
        + &yearly
            .iter()
            .map(|(k, v)| row(k, v * 7.0 / 365.0))
            .collect::<String>();
    let calibrated = |name: &str, text: &str| -> String {
        let f = d.path().join(name);
        std::fs::write(&f, text).unwrap();
        let out = d.path().join(format!("{name}.scenario.toml"));
        lacsim()
            .arg("calibrate")
            .arg(&data)
            .arg("--costs")
            .arg(&f)
            .arg("--out")
            .arg(&out)
            .arg("--force")
            .assert()
            .success();
        std::fs::read_to_string(out).unwrap()
    };
    let from_toml = calibrated("costs.toml", &toml);
    assert_eq!(calibrated("costs.csv", &csv_yearly), from_toml);
    // Weekly costs: the same yearly costs, to the penny.
    let weekly = calibrated("weekly.csv", &csv_weekly);
    let read = |text: &str| -> toml::Table { text.parse().unwrap() };
    let (a, b) = (read(&from_toml), read(&weekly));
    for (k, v) in yearly {
        let got = b["unit_costs"]["yearly"][k]
            .as_float()
            .or(b["unit_costs"]["yearly"][k].as_integer().map(|i| i as f64))
            .unwrap();
        let want = a["unit_costs"]["yearly"][k]
            .as_float()
            .or(a["unit_costs"]["yearly"][k].as_integer().map(|i| i as f64))
            .unwrap();
        assert!(
            (got - want).abs() < 0.01 && (want - v).abs() < 1e-9,
            "{k}: {got} vs {want}"
        );
    }
    // A bad row names its line.
    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "placement,yearly\nifa,-3\n").unwrap();
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .arg("--costs")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv:2"));
}

/// Synthetic returns for 2018/19 to 2020/21 in `dir/returns`.
fn three_years(dir: &std::path::Path) -> std::path::PathBuf {
    let data = dir.join("returns");
    lacsim()
        .args(["synth", "--years", "2018-2020", "--seed", "5", "--out"])
        .arg(&data)
        .assert()
        .success();
    data
}

/// Runs calibrate and backtest on `data`, each with an output asked for, and
/// checks both exit 2 with every one of `says` on stderr and write nothing.
fn both_refuse(dir: &std::path::Path, data: &std::path::Path, says: &[String]) {
    let scenario = dir.join("fit").join("scenario.toml");
    let folder = dir.join("bt");
    for (cmd, out) in [("calibrate", &scenario), ("backtest", &folder)] {
        let mut c = lacsim();
        c.arg(cmd).arg(data);
        if cmd == "backtest" {
            c.args(["--fit-to", "2019/20"]);
        }
        let mut assert = c.arg("--out").arg(out).assert().code(2);
        for s in says {
            assert = assert.stderr(predicate::str::contains(s.as_str()));
        }
        assert.stderr(predicate::str::contains("overlaps the episode").not());
        assert!(!out.exists(), "{cmd} wrote {}", out.display());
    }
    assert!(!dir.join("fit").exists());
}

#[test]
fn a_stray_quote_in_an_episodes_file_stops_calibrate_and_backtest_naming_its_line() {
    let d = tempfile::tempdir().unwrap();
    let data = three_years(d.path());
    let ep = data.join("episodes_2019-20.csv");
    let text = std::fs::read_to_string(&ep).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(5, "\"unterminated,quote,foo");
    let total = lines.len();
    std::fs::write(&ep, lines.join("\n") + "\n").unwrap();
    let shown = ep.display();
    both_refuse(
        d.path(),
        &data,
        &[
            format!(
                "error: {shown}: line 6 opens a quoted field (a double quote) that is not closed before the end of the file"
            ),
            format!("so the {} lines after it could not be read", total - 6),
        ],
    );
    // Windows line endings give the same line.
    std::fs::write(&ep, lines.join("\r\n") + "\r\n").unwrap();
    both_refuse(
        d.path(),
        &data,
        &[format!("{shown}: line 6 opens a quoted field")],
    );
}

#[test]
fn a_missing_year_or_a_folder_in_its_place_stops_calibrate_and_backtest() {
    let d = tempfile::tempdir().unwrap();
    let data = three_years(d.path());
    let ep = data.join("episodes_2019-20.csv");
    std::fs::remove_file(&ep).unwrap();
    both_refuse(
        d.path(),
        &data,
        &[format!(
            "error: no episodes file for 2019/20 ({}): the returns have a gap (episodes files were found for 2018/19 and 2020/21)",
            ep.display()
        )],
    );
    std::fs::create_dir(&ep).unwrap();
    both_refuse(
        d.path(),
        &data,
        &[format!(
            "error: {}: is a folder where a CSV file is expected",
            ep.display()
        )],
    );
    // A missing header year is a gap too.
    std::fs::remove_dir(&ep).unwrap();
    let h = data.join("header_2019-20.csv");
    std::fs::remove_file(&h).unwrap();
    // The year's episodes file is there (with no rows), its header file is not.
    std::fs::write(&ep, "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n").unwrap();
    both_refuse(
        d.path(),
        &data,
        &[format!(
            "error: no header file for 2019/20 ({})",
            h.display()
        )],
    );
}
