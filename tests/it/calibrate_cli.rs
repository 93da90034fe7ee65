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
        .arg(&out)
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
    assert_eq!(rejected.lines().count(), 1, "header only: {rejected}");
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
        )));
    lacsim()
        .arg("calibrate")
        .arg(&data)
        .arg("--strict")
        .assert()
        .code(2);
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
