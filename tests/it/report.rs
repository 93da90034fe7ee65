//! Reports as a user meets them: the same figure in every format, the XLSX read
//! back, the HTML rendered in headless Chromium, and `lacsim report` re-rendering.

use super::common::{lacsim, load_builtin};
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn run_out() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    lacsim().args(["run", "--out"]).arg(&out).assert().success();
    (dir, out)
}

/// The 2023/24 MTFS impact read back from the XLSX "Table 3" sheet.
fn xlsx_table3(path: &Path) -> (f64, Vec<String>) {
    let mut wb: Xlsx<_> = open_workbook(path).expect("xlsx opens");
    let range = wb.worksheet_range("Table 3").expect("Table 3 sheet");
    let mut impact = None;
    let mut texts = Vec::new();
    for row in range.rows() {
        if let Some(Data::String(label)) = row.first() {
            texts.push(label.clone());
            if label.starts_with("Break Even Point") {
                impact = match &row[5] {
                    Data::Float(v) => Some(*v),
                    other => panic!("not a number: {other:?}"),
                };
            }
        }
    }
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[5], "2023/24");
    (impact.expect("impact row"), texts)
}

#[test]
fn the_same_figure_in_csv_json_and_xlsx() {
    let (_d, out) = run_out();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let from_json = json["plan"]["mtfs_impact"][4].as_f64().unwrap();

    let tidy = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let from_tidy: f64 = tidy
        .lines()
        .find(|l| l.starts_with("2023/24,") && l.contains(",mtfs_impact,all,value,"))
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .parse()
        .unwrap();

    let wide = std::fs::read_to_string(out.join("table3.csv")).unwrap();
    let from_wide: f64 = wide
        .lines()
        .find(|l| l.starts_with("mtfs_impact,"))
        .unwrap()
        .split(',')
        .nth(6)
        .unwrap()
        .parse()
        .unwrap();

    let (from_xlsx, texts) = xlsx_table3(&out.join("report.xlsx"));
    assert!((from_json + 1315.0).abs() < 1.0, "{from_json}");
    for (what, v) in [
        ("tidy csv", from_tidy),
        ("table3.csv", from_wide),
        ("xlsx", from_xlsx),
    ] {
        assert!(
            (v - from_json).abs() < 1e-3,
            "{what}: {v} vs json {from_json}"
        );
    }
    assert!(
        texts
            .iter()
            .any(|t| t == "Break-even in 2023/24, after 4 years"),
        "{texts:?}"
    );
}

#[test]
fn xlsx_has_table_sheets_charts_and_inputs() {
    let (_d, out) = run_out();
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let names = wb.sheet_names();
    for s in [
        "Table 1",
        "Table 3",
        "Placement mix",
        "Placement cost",
        "Chart data",
        "Charts",
        "Inputs",
    ] {
        assert!(names.iter().any(|n| n == s), "{s} missing from {names:?}");
    }
    let t1 = wb.worksheet_range("Table 1").unwrap();
    let total = t1
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "Investment Total"))
        .unwrap();
    let values: Vec<f64> = total[1..].iter().map(|c| c.get_float().unwrap()).collect();
    assert_eq!(
        values,
        vec![930.0, 2570.0, 1425.0, 1423.0, 605.0, 590.0, 590.0]
    );
    let inputs = wb.worksheet_range("Inputs").unwrap();
    assert!(inputs.rows().any(
        |r| matches!(r.first(), Some(Data::String(s)) if s == "cohort.by_type.ifa")
            && r[1].get_float() == Some(362.0)
    ));
}

#[test]
fn html_is_self_contained_and_has_every_chart() {
    let (_d, out) = run_out();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing fetched from the network"
    );
    for title in [
        "Children in care at 31 March",
        "MTFS impact and cumulative net position",
        "Children by placement type at 31 March",
        "Annual cost of placements at 31 March",
    ] {
        assert!(html.contains(title), "chart {title} missing");
    }
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("Break-even in 2023/24, after 4 years"));
    assert!(html.contains("(32,893)"));
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

#[test]
fn html_renders_in_headless_chromium_without_errors() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (.ci/run does)"
        );
        eprintln!("chromium not installed: skipping the browser check (CI installs it)");
        return;
    };
    let (d, out) = run_out();
    let profile = d.path().join("profile");
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        !log.lines()
            .any(|l| l.contains("CONSOLE") || l.contains("Uncaught")),
        "console errors:\n{log}"
    );
    // Every chart's SVG rendered with real content: lines, bars and axis text.
    let figures: Vec<&str> = dom.split("<figure").skip(1).collect();
    assert_eq!(figures.len(), 4, "four charts in the DOM");
    for f in figures {
        let svg = &f[..f.find("</figure>").unwrap()];
        assert!(svg.contains("<svg"), "figure without svg");
        let marks = svg.matches("<rect").count()
            + svg.matches("<polyline").count()
            + svg.matches("<path").count()
            + svg.matches("<circle").count();
        assert!(marks >= 10, "too few marks in a chart ({marks})");
        assert!(svg.matches("<text").count() >= 8, "axis labels missing");
    }
}

#[test]
fn report_rerenders_a_saved_run_and_refuses_other_folders() {
    let (d, out) = run_out();
    std::fs::remove_file(out.join("report.html")).unwrap();
    lacsim().arg("report").arg(&out).assert().success();
    assert!(out.join("report.html").is_file());
    let copy = d.path().join("copy");
    lacsim()
        .arg("report")
        .arg(&out)
        .arg("--out")
        .arg(&copy)
        .assert()
        .success();
    assert!(copy.join("report.xlsx").is_file() && copy.join("run.json").is_file());

    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    lacsim()
        .arg("report")
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not a lacsim run folder (no run.json)",
        ));
    lacsim()
        .arg("report")
        .arg(d.path().join("nope"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder"));
}

#[test]
fn sweep_cli_csv_has_one_row_per_point() {
    let out = lacsim()
        .args([
            "sweep",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--vary",
            "unit_costs.ifa=30000:50000:2500",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "unit_costs.yearly.ifa,break_even_year,net_position,lowest_impact,final_lac"
    );
    assert_eq!(lines.len(), 10);
    assert!(lines[4].starts_with("39613") || lines[4].starts_with("37500"));
}

#[test]
fn sweep_cli_writes_csv_chart_and_json() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sweep");
    lacsim()
        .args([
            "sweep",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--vary",
            "plan.first_year_share=0:1:0.25",
            "--vary",
            "unit_costs.ifa=30000:50000:10000",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "sweep.csv opens with the byte-order mark"
    );
    assert_eq!(csv.lines().count(), 1 + 5 * 3);
    assert!(
        std::fs::read_to_string(out.join("sweep.svg"))
            .unwrap()
            .contains("<svg")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 15);
    // Every figure of a point says its unit and which model and statistic it is.
    let figures = json["figures"].as_array().unwrap();
    for key in [
        "net_position",
        "lowest_impact",
        "break_even_probability",
        "monte_carlo.npv",
    ] {
        let f = figures.iter().find(|f| f["key"] == key).unwrap();
        assert!(f["unit"].is_string() && f["statistic"].is_string(), "{key}");
    }
    let net = figures.iter().find(|f| f["key"] == "net_position").unwrap();
    assert_eq!(net["unit"], "£'000s");
    assert_eq!(net["statistic"], "paper model (deterministic)");
}

fn sweep_rejects(vary: &str, message: &str) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sweep");
    lacsim()
        .args([
            "sweep",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--vary",
            vary,
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    assert!(
        std::fs::read_dir(d.path()).unwrap().next().is_none(),
        "{vary}: something written"
    );
}

#[test]
fn sweep_bad_ranges_are_refused_and_write_nothing() {
    sweep_rejects(
        "unit_costs.ifa=30000:50000:0",
        "STEP must be greater than 0",
    );
    sweep_rejects(
        "unit_costs.ifa=30000:50000:-5",
        "STEP must be greater than 0",
    );
    sweep_rejects(
        "unit_costs.ifa=50000:30000:100",
        "START (50000) is greater than STOP (30000)",
    );
    sweep_rejects("unit_costs.ifa=0:100000:1", "100001 grid points");
    sweep_rejects("authority.name=0:1:1", "is text, not a number");
    sweep_rejects("unit_costs.ifx=0:1:1", "did you mean");
    sweep_rejects("do_nothing.growth_rate=0:3:1", "between -1 and 1");
}

#[test]
fn tornado_cli_ranks_and_reports_switching_values() {
    let out = lacsim()
        .args(["tornado", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["figures"][1]["key"], "net_position");
    assert_eq!(doc["figures"][1]["unit"], "£'000s");
    let bars = doc["bars"].as_array().unwrap();
    assert_eq!(
        bars[0]["assumption"]["name"],
        "Plan delivery (reduction in children)"
    );
    let swings: Vec<f64> = bars.iter().map(|b| b["swing"].as_f64().unwrap()).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]));
    lacsim()
        .args(["tornado"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Switching value"))
        .stdout(predicate::str::contains("×0.722"));
    let dn = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/staffordshire-2019/do-nothing-11.toml");
    lacsim()
        .arg("tornado")
        .arg(dn)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a plan scenario"));
}

#[test]
fn sweep_with_paths_reports_break_even_probability_reproducibly() {
    let args = [
        "sweep",
        "builtin:staffordshire-2019/investment-plan.toml",
        "--vary",
        "unit_costs.ifa=30000:50000:10000",
        "--paths",
        "30",
        "--seed",
        "7",
        "--format",
        "csv",
        "--quiet",
    ];
    let one = lacsim()
        .args(args)
        .args(["--threads", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let three = lacsim()
        .args(args)
        .args(["--threads", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        one, three,
        "same seed, same numbers whatever the thread count"
    );
    let text = String::from_utf8(one).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let head: Vec<&str> = lines[0].split(',').collect();
    let col = head
        .iter()
        .position(|h| *h == "break_even_probability")
        .expect("a break_even_probability column");
    for stat in ["net_position_p50", "final_lac_p5", "npv_p95"] {
        assert!(head.contains(&stat), "{stat} column");
    }
    assert_eq!(lines.len(), 4);
    for l in &lines[1..] {
        let p: f64 = l.split(',').nth(col).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(
            (p * 30.0 - (p * 30.0).round()).abs() < 1e-4,
            "a share of 30 paths (CSV keeps 6 decimals): {p}"
        );
    }
}

#[test]
fn monte_carlo_report_has_bands_median_and_break_even_probability() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("mc");
    lacsim()
        .args(["run", "--paths", "40", "--seed", "3", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for want in [
        "P5-P95",
        "P25-P75",
        "Median (P50) across paths",
        "Sustained break-even by the year",
        "Probability of a sustained break-even by the end of the year",
        "Monte Carlo, 40 paths, seed 3",
        "Deterministic (paper) model: Break-even in 2023/24, after 4 years",
    ] {
        assert!(html.contains(want), "report.html lacks {want}");
    }
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let probs = data["net"]["break_even_probability"].as_array().unwrap();
    let p: Vec<f64> = probs.iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(
        p.windows(2).all(|w| w[0] <= w[1]),
        "probability of having broken even by a year never falls: {p:?}"
    );
    assert!(
        p.iter()
            .all(|x| (x * 40.0 - (x * 40.0).round()).abs() < 1e-9),
        "a share of 40 paths"
    );
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(
        results["break_even_probability"]["2025/26"]
            .as_f64()
            .unwrap(),
        p[6]
    );
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let chart = wb.worksheet_range("Chart data").unwrap();
    assert!(
        chart
            .rows()
            .any(|r| matches!(r.first(), Some(Data::String(s)) if s == "P5-P95 low"))
    );
}

/// Every string cell of one sheet of a workbook, row by row.
fn sheet_strings(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("xlsx opens");
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{sheet}: {e}"));
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn a_deterministic_report_shows_no_probabilities_and_says_it_is_the_paper_model() {
    let (_d, out) = run_out();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Up to the scenario's inputs, whose field names are the user's.
    let lower = html[..html.find("<h2>Scenario inputs</h2>").unwrap()].to_lowercase();
    for no in [
        "probabilit",
        "p(break-even)",
        "monte carlo",
        "median",
        "npv",
    ] {
        assert!(
            !lower.contains(no),
            "a deterministic report.html shows {no:?}"
        );
    }
    for want in [
        "Plan: Deterministic (paper) model",
        "Deterministic (paper) model: MTFS impact in the year",
        "Deterministic (paper) model: cumulative net position",
    ] {
        assert!(html.contains(want), "report.html lacks {want:?}");
    }
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        data["net"]["break_even_probability"],
        serde_json::json!([]),
        "the key stays, empty"
    );
    assert_eq!(data["net"]["statistic"], "Deterministic (paper) model");
    for sheet in ["Summary", "Chart data"] {
        for row in sheet_strings(&out.join("report.xlsx"), sheet) {
            for cell in row {
                assert!(
                    !cell.to_lowercase().contains("probabilit"),
                    "{sheet}: {cell}"
                );
            }
        }
    }
}

#[test]
fn a_monte_carlo_report_carries_the_npv_both_ledgers_and_sustained_break_even() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("mc");
    lacsim()
        .args(["run", "--paths", "200", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for want in [
        "Economic ledger: NPV against",
        "Economic ledger: saving against",
        "Economic ledger: net cash flow against",
        "Paper&#39;s ledger: impact on the MTFS",
        "Sustained break-even by the year",
        "Monte Carlo, sustained break-even:",
        "Median (P50) across paths: MTFS impact in the year",
        "Median (P50) across paths: cumulative net position",
        "Deterministic (paper) model: MTFS impact in the year",
        "Probability of a sustained break-even by the end of the year",
        "Table 3: MTFS Position — deterministic (paper) model",
    ] {
        assert!(
            html.contains(want) || html.contains(&want.replace("&#39;", "'")),
            "report.html lacks {want:?}"
        );
    }
    assert!(!html.contains("P(break-even)"), "no unlabelled probability");
    // The paired-saving table holds the percentiles.
    let saving = &html[html
        .find("id=\"saving_vs_do_nothing\"")
        .expect("paired-saving table")..];
    let saving = &saving[..saving.find("</table>").unwrap()];
    for row in [
        "data-id=\"p5\"",
        "data-id=\"p50\"",
        "data-id=\"p95\"",
        "data-id=\"mean\"",
    ] {
        assert!(saving.contains(row), "paired-saving table lacks {row}");
    }

    // The NPV is the same figure in results.json, report.html and report.xlsx.
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let mean = results["npv"]["mean"].as_f64().unwrap();
    assert!((data["npv"]["mean"].as_f64().unwrap() - mean).abs() < 1e-3);
    assert!(
        (data["npv"]["p50"].as_f64().unwrap() - results["npv"]["p50"].as_f64().unwrap()).abs()
            < 1e-3
    );
    assert_eq!(data["npv"]["basis"], results["npv"]["basis"]);
    let shown = lacsim::report::table::format_value(mean, lacsim::report::table::Unit::Thousands);
    assert!(
        html.contains(&format!("mean {shown}")),
        "NPV mean {shown} not in report.html"
    );
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names()[0],
        "Summary",
        "the summary sheet comes first"
    );
    let summary = wb.worksheet_range("Summary").unwrap();
    let npv = summary
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "NPV"))
        .expect("NPV row in the Summary sheet");
    assert!((npv[1].get_float().unwrap() - mean).abs() < 1e-3);
    assert!(summary.rows().any(
        |r| matches!(r.first(), Some(Data::String(s)) if s.starts_with("Economic ledger: NPV against"))
    ));
    for sheet in [
        "Saving vs do nothing",
        "Net cash flow",
        "Break even probability",
    ] {
        assert!(
            wb.sheet_names().iter().any(|n| n == sheet),
            "{sheet} sheet missing"
        );
    }
    // Every net-position series in the chart data names its statistic.
    let chart = wb.worksheet_range("Chart data").unwrap();
    let net_rows: Vec<String> = chart
        .rows()
        .filter_map(|r| match r.first() {
            Some(Data::String(s))
                if s.contains("MTFS impact")
                    || s.contains("net position")
                    || s.contains("Probability") =>
            {
                Some(s.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(net_rows.len(), 4, "{net_rows:?}");
    for name in &net_rows {
        assert!(
            name.starts_with("Median (P50) across paths:")
                || name.starts_with("Deterministic (paper) model:")
                || name.contains("sustained break-even"),
            "unlabelled series {name:?}"
        );
    }
}

#[test]
fn a_compare_report_names_both_arms_and_draws_the_comparator() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("cmp");
    lacsim()
        .args([
            "compare",
            "builtin:staffordshire-2019/do-nothing-11.toml",
            "builtin:staffordshire-2019/investment-plan.toml",
            "--paths",
            "200",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let invest = results["scenario"]["title"].as_str().unwrap();
    let comparator = results["do_nothing_scenario"]["title"].as_str().unwrap();
    assert_ne!(invest, comparator);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let title = format!("{invest} against {comparator}");
    assert!(
        html.contains(&format!(
            "<title>Staffordshire County Council — {title}</title>"
        )),
        "page title"
    );
    assert!(
        html.contains(&format!("<h1>Staffordshire County Council — {title}</h1>")),
        "heading"
    );
    for want in [
        format!("Economic ledger: saving against {comparator}"),
        format!("Economic ledger: NPV against {comparator}"),
        format!("Comparator ({comparator}): median (P50) across paths"),
        format!("paper&#39;s ledger of {invest}"),
        format!("not against {comparator}"),
    ] {
        assert!(
            html.contains(&want) || html.contains(&want.replace("&#39;", "'")),
            "report.html lacks {want:?}"
        );
    }
    let summary = sheet_strings(&out.join("report.xlsx"), "Summary");
    assert!(summary[0][0].ends_with(&title), "{:?}", summary[0]);
    // `lacsim report` re-renders the same page from report.json.
    let before = html.clone();
    std::fs::remove_file(out.join("report.html")).unwrap();
    lacsim().arg("report").arg(&out).assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        before
    );
}

#[test]
fn the_break_even_warning_is_shown_in_html_and_xlsx() {
    let loaded = load_builtin("staffordshire-2019/investment-plan.toml");
    let mut data =
        lacsim::report::data::deterministic(&loaded, &lacsim::results::run(&loaded.scenario));
    let warning = "Caution: the deterministic (paper) model breaks even in 2023/24, outside the Monte Carlo's 25-75% range of sustained break-even years (2024/25 to 2025/26).";
    data.break_even_warning = Some(warning.into());
    let html = lacsim::report::html::render(&data);
    let at = html.find("class=\"warning\"").expect("warning shown");
    assert!(at < html.find("<h2>").unwrap(), "before the first table");
    assert!(html.contains("Caution: the deterministic (paper) model breaks even in 2023/24"));
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("w.xlsx");
    std::fs::write(&path, lacsim::report::xlsx::render(&data).unwrap()).unwrap();
    let summary = sheet_strings(&path, "Summary");
    assert!(
        summary.iter().take(12).any(|r| r[0] == warning),
        "warning near the top of the Summary sheet: {summary:?}"
    );
}

/// Every `<svg>` in a text, with its width in user units (from its viewBox).
fn svgs(text: &str) -> Vec<(f64, &str)> {
    text.split("<svg")
        .skip(1)
        .map(|s| {
            let s = &s[..s.find("</svg>").expect("closed svg")];
            let vb = &s[s.find("viewBox=\"").expect("viewBox") + 9..];
            let width: f64 = vb[..vb.find('"').unwrap()]
                .split_whitespace()
                .nth(2)
                .unwrap()
                .parse()
                .unwrap();
            (width, s)
        })
        .collect()
}

/// Every font-size attribute of an SVG.
fn font_sizes(svg: &str) -> Vec<f64> {
    svg.split("font-size=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// Text at least 11 pt when a chart `width` units wide is printed across the
/// 170 mm text width of A4 with 20 mm margins: 11 pt = 11 × 25.4 / 72 mm, one
/// unit prints at 170 / width mm.
fn assert_prints_at_11pt(svg: &str, width: f64, what: &str) {
    let min = 11.0 * 25.4 / 72.0 * width / 170.0;
    assert!(
        (lacsim::report::charts::min_font_size(width as u32) - min).abs() < 1e-9,
        "the library's minimum is the same arithmetic"
    );
    let sizes = font_sizes(svg);
    assert!(sizes.len() >= 8, "{what}: too few texts ({})", sizes.len());
    for s in sizes {
        assert!(
            s + 1e-6 >= min,
            "{what}: font-size {s} prints below 11 pt (needs {min:.2} at width {width})"
        );
    }
}

#[test]
fn chart_text_prints_at_eleven_points_or_more_at_a4_width() {
    let d = tempfile::tempdir().unwrap();
    let mc = d.path().join("mc");
    lacsim()
        .args(["run", "--paths", "30", "--seed", "3", "--quiet", "--out"])
        .arg(&mc)
        .assert()
        .success();
    let html = std::fs::read_to_string(mc.join("report.html")).unwrap();
    // Printed, each chart fills the 170 mm text width its fonts are sized for.
    assert!(
        html.contains("@page{size:A4;margin:20mm}"),
        "A4 page, 20 mm margins"
    );
    assert!(html.contains("figure svg{width:100%;max-width:none}"));
    let charts = svgs(&html);
    assert_eq!(charts.len(), 4);
    for (i, (width, svg)) in charts.iter().enumerate() {
        assert_prints_at_11pt(svg, *width, &format!("report.html chart {i}"));
    }
    // The heatmap (with its colour bar) and the one-way sweep, written as files.
    for (name, vary) in [
        (
            "two",
            vec![
                "plan.first_year_share=0:1:0.5",
                "unit_costs.ifa=30000:50000:10000",
            ],
        ),
        ("one", vec!["unit_costs.ifa=30000:50000:10000"]),
    ] {
        let out = d.path().join(name);
        let mut cmd = lacsim();
        cmd.args(["sweep", "builtin:staffordshire-2019/investment-plan.toml"]);
        for v in vary {
            cmd.args(["--vary", v]);
        }
        cmd.args(["--quiet", "--out"]).arg(&out).assert().success();
        let text = std::fs::read_to_string(out.join("sweep.svg")).unwrap();
        let (width, svg) = svgs(&text)[0];
        assert_prints_at_11pt(svg, width, &format!("{name}-way sweep.svg"));
    }
    let part = d.path().join("part");
    lacsim()
        .arg("partnership")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/bexley-kent-medway/partnership.toml"),
        )
        .arg("--out")
        .arg(&part)
        .assert()
        .success();
    let text = std::fs::read_to_string(part.join("contributions.svg")).unwrap();
    let (width, svg) = svgs(&text)[0];
    assert_prints_at_11pt(svg, width, "contributions.svg");
}

#[test]
fn the_palette_gives_each_scenario_role_one_look_in_every_chart_and_format() {
    use lacsim::report::charts::{Role, hex, role_of, roles, style};
    use lacsim::report::data::Series;
    let line = |name: &str| Series {
        name: name.into(),
        values: vec![1.0, 2.0],
    };
    // The plan's chart and a do-nothing-at-11% run's chart list the lines in other orders.
    let plan = roles(&[
        line("Plan: Deterministic (paper) model"),
        line("Median (P50) across paths"),
        line("Do nothing at 3.4%: Deterministic (paper) model"),
        line("Do nothing at 11%: Deterministic (paper) model"),
    ]);
    let do_nothing = roles(&[
        line("Do nothing at 11%: Deterministic (paper) model"),
        line("Median (P50) across paths"),
        line("Do nothing at 3.4%: Deterministic (paper) model"),
    ]);
    assert_eq!(style(plan[3]), style(do_nothing[0]), "11% looks the same");
    assert_eq!(style(plan[2]), style(do_nothing[2]), "3.4% looks the same");
    assert_eq!(
        style(plan[1]),
        style(do_nothing[1]),
        "the median looks the same"
    );
    // Distinct in colour and in dash or marker (so distinct in greyscale too).
    let looks = [
        Role::Plan,
        Role::DoNothingLow,
        Role::DoNothingHigh,
        Role::Median,
        Role::Mean,
        Role::Comparator,
    ]
    .map(style);
    for (i, a) in looks.iter().enumerate() {
        for b in &looks[i + 1..] {
            assert!(a.colour != b.colour || a.dash != b.dash, "{a:?} vs {b:?}");
            assert!(
                a.dash != b.dash || a.marker != b.marker,
                "greyscale: {a:?} vs {b:?}"
            );
        }
    }
    // Partners: Bexley and Kent are not two blues.
    let (bexley, kent) = (style(Role::Nth(0)), style(Role::Nth(1)));
    assert_ne!(hex(bexley.colour), hex(kent.colour));
    assert_ne!(bexley.dash, kent.dash);
    assert_eq!(
        role_of("Comparator (Do nothing): median (P50) across paths"),
        Some(Role::Comparator)
    );

    // The same colours in the SVG of two reports and in the XLSX chart.
    let d = tempfile::tempdir().unwrap();
    let (plan_out, dn_out) = (d.path().join("plan"), d.path().join("dn"));
    lacsim()
        .args(["run", "--quiet", "--out"])
        .arg(&plan_out)
        .assert()
        .success();
    lacsim()
        .args([
            "run",
            "builtin:staffordshire-2019/do-nothing-11.toml",
            "--quiet",
            "--out",
        ])
        .arg(&dn_out)
        .assert()
        .success();
    let fan = |dir: &Path| {
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        svgs(&html)[0].1.to_string()
    };
    let (a, b) = (fan(&plan_out), fan(&dn_out));
    for role in [Role::DoNothingLow, Role::DoNothingHigh] {
        let stroke = format!("stroke=\"{}\"", hex(style(role).colour));
        assert!(
            a.contains(&stroke) && b.contains(&stroke),
            "{role:?}: {stroke} in both fan charts"
        );
    }
    assert!(a.contains(&format!("stroke=\"{}\"", hex(style(Role::Plan).colour))));
    let file = std::fs::File::open(plan_out.join("report.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/charts/chart1.xml").unwrap(), &mut xml)
        .unwrap();
    for role in [Role::Plan, Role::DoNothingLow, Role::DoNothingHigh] {
        let val = format!("val=\"{}\"", &hex(style(role).colour)[1..]);
        assert!(
            xml.contains(&val),
            "{role:?} colour {val} in the XLSX chart"
        );
    }
}

#[test]
fn html_prints_with_contents_sections_and_readable_inputs() {
    let (_d, out) = run_out();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for want in [
        "@media print",
        "section{break-before:page;page-break-before:always}",
        "break-inside:avoid",
        "thead{display:table-header-group}",
    ] {
        assert!(html.contains(want), "print styles lack {want}");
    }
    // The contents list comes before the first section and links to every one.
    let nav = &html[html.find("<nav class=\"contents\"").expect("contents list")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(html.find("<nav").unwrap() < html.find("<section").unwrap());
    let sections: Vec<&str> = html
        .split("<section id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(sections.len() >= 8, "{sections:?}");
    for id in &sections {
        assert!(
            nav.contains(&format!("href=\"#{id}\"")),
            "contents lack {id}"
        );
    }
    // The tables keep their ids.
    for id in ["id=\"table1\"", "id=\"table3\""] {
        assert!(html.contains(id));
    }

    // The inputs: grouped, labelled tables, no dotted field names as labels.
    let inputs = &html[html.find("<h2>Scenario inputs</h2>").unwrap()..];
    let inputs = &inputs[..inputs.find("</section>").unwrap()];
    for group in [
        "Growth",
        "Opening census",
        "Unit costs and uplift",
        "Budget lines",
        "Investment lines",
        "Interventions",
    ] {
        assert!(
            inputs.contains(&format!("<h3>{group}</h3>")),
            "group {group} missing"
        );
    }
    assert!(!inputs.contains("unit_costs.yearly.ifa"));
    let cells: Vec<&str> = inputs
        .split("<td")
        .chain(inputs.split("<th"))
        .skip(1)
        .filter_map(|c| {
            let c = &c[c.find('>')? + 1..];
            c.find('<').map(|e| &c[..e])
        })
        .collect();
    assert!(cells.len() > 100);
    for c in &cells {
        let dotted = c.contains('.')
            && c.chars()
                .all(|ch| ch.is_ascii_lowercase() || "._[]0123456789".contains(ch))
            && c.chars().any(|ch| ch.is_ascii_lowercase());
        assert!(!dotted, "a dotted key as a label: {c}");
    }
    // Unit costs by placement type, labelled as the paper labels them.
    let row = "<tr><td>Foster Placement - Independent</td><td class=\"num\">39,613</td></tr>";
    assert!(inputs.contains(row), "IFA unit cost row");
    assert!(inputs.contains("<td>Family Group Conferencing</td>"));
    assert!(
        inputs
            .contains("Growth in children in care a year (do nothing)</td><td class=\"num\">3.4%")
    );

    // Optimism bias gets its own group, rates as percentages.
    let groups = lacsim::report::data::grouped_inputs(
        &[
            ("optimism_bias.investment".into(), "0.2".into()),
            ("optimism_bias.savings".into(), "0.25".into()),
        ],
        &["2019/20".into()],
    );
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].title, "Optimism bias");
    assert_eq!(
        groups[0].tables[0].rows,
        vec![
            vec!["Uplift of every investment line".to_string(), "20%".into()],
            vec!["Shortfall of the plan's savings".to_string(), "25%".into()],
        ]
    );
}
