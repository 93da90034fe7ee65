//! `report.xlsx` recalculates: LibreOffice headless recalculates the workbook
//! and Table 1 and Table 3 come out as lacsim prints them, to the pound; a
//! workbook with one input cell changed moves the totals by exactly that much.
//! Also the scenario's `[report]` table: its title and summary in every format.

use super::common::lacsim;
use calamine::{Data, Reader, Xlsx, open_workbook};
use lacsim::report::data::ReportData;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `soffice`, or `None` (outside CI) when LibreOffice is not installed.
fn soffice() -> Option<&'static str> {
    let found = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("soffice");
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install LibreOffice (.ci/run installs libreoffice-calc)"
    );
    eprintln!("soffice not installed: skipping the recalculation check (CI installs it)");
    None
}

/// Recalculates `xlsx` with LibreOffice headless, in a profile of its own told
/// to recalculate every formula on load (cached results are ignored), and
/// returns the path of the recalculated copy.
fn recalculate(soffice: &str, xlsx: &Path, work: &Path) -> PathBuf {
    let profile = work.join("lo-profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    // 0 = always recalculate on load (the default for OOXML is "never").
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let out = work.join("recalculated");
    let status = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
        ])
        .arg(&out)
        .arg(xlsx)
        .output()
        .expect("soffice runs");
    let made = out.join(xlsx.file_name().unwrap());
    assert!(
        made.is_file(),
        "LibreOffice wrote no workbook: {}\n{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    made
}

/// A sheet's rows, by the label in column A: (label, the cells after it).
fn sheet(path: &Path, name: &str) -> Vec<(String, Vec<Data>)> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("xlsx opens");
    let range = wb.worksheet_range(name).expect("sheet");
    range
        .rows()
        .filter_map(|r| match r.first() {
            Some(Data::String(l)) => Some((l.trim().to_string(), r[1..].to_vec())),
            _ => None,
        })
        .collect()
}

fn numbers(rows: &[(String, Vec<Data>)], label: &str, n: usize) -> Vec<f64> {
    let (_, cells) = rows
        .iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no row `{label}`"));
    cells[..n]
        .iter()
        .map(|c| match c {
            Data::Float(v) => *v,
            Data::Int(v) => *v as f64,
            other => panic!("`{label}`: not a number: {other:?}"),
        })
        .collect()
}

fn text(rows: &[(String, Vec<Data>)], label_starts: &str) -> String {
    let (_, cells) = rows
        .iter()
        .find(|(l, _)| l.starts_with(label_starts))
        .unwrap_or_else(|| panic!("no row `{label_starts}`"));
    cells[0].to_string()
}

/// lacsim's figures for a row of one of its tables.
fn lacsim_row(d: &ReportData, table: &str, id: &str) -> Vec<f64> {
    d.table(table)
        .unwrap()
        .rows
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{table} has no {id}"))
        .values
        .clone()
}

fn to_the_pound(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        // £'000s: a pound is 0.001.
        assert!(
            (g - w).abs() < 1e-3,
            "{what}[{i}]: workbook {g}, lacsim {w}\n  workbook: {got:?}\n  lacsim:   {want:?}"
        );
    }
}

/// Rows checked, by (sheet, label, table, row id).
const CHECKED: [(&str, &str, &str, &str); 9] = [
    (
        "Table 1",
        "Initial Total",
        "table1",
        "investment_group.initial_total",
    ),
    ("Table 1", "Investment Total", "table1", "investment_total"),
    ("Table 1", "Placements", "table1", "savings.placements"),
    ("Table 1", "Savings Total", "table1", "savings_total"),
    (
        "Table 1",
        "Return on Investment: (Surplus)/Deficit",
        "table1",
        "return_on_investment",
    ),
    (
        "Table 1",
        "Cumulative net position",
        "table1",
        "cumulative_net",
    ),
    ("Table 3", "Growth", "table3", "growth"),
    (
        "Table 3",
        "Forecast overspend at Q2 & FYE",
        "table3",
        "forecast_overspend",
    ),
    (
        "Table 3",
        "Break Even Point/Impact on MTFS",
        "table3",
        "mtfs_impact",
    ),
];

#[test]
fn the_recalculated_workbook_gives_lacsims_figures_and_its_formulas_are_live() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("plan");
    lacsim().args(["run", "--out"]).arg(&out).assert().success();
    let data: ReportData =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let n = data.years.len();

    // Without recalculating, the cached results are lacsim's figures.
    let cached = |name: &str| sheet(&out.join("report.xlsx"), name);
    let (t1, t3) = (cached("Table 1"), cached("Table 3"));
    for (s, label, table, id) in CHECKED {
        let rows = if s == "Table 1" { &t1 } else { &t3 };
        to_the_pound(
            label,
            &numbers(rows, label, n),
            &lacsim_row(&data, table, id),
        );
    }
    assert_eq!(text(&t3, "Break-even year"), "2023/24");
    let inputs = cached("Inputs");
    assert!(
        inputs.iter().any(|(l, _)| l == "Family Group Conferencing"),
        "investment lines on the Inputs sheet"
    );

    let Some(soffice) = soffice() else { return };
    let recalculated = recalculate(soffice, &out.join("report.xlsx"), &d.path().join("a"));
    let (t1, t3) = (
        sheet(&recalculated, "Table 1"),
        sheet(&recalculated, "Table 3"),
    );
    for (s, label, table, id) in CHECKED {
        let rows = if s == "Table 1" { &t1 } else { &t3 };
        to_the_pound(
            &format!("recalculated {label}"),
            &numbers(rows, label, n),
            &lacsim_row(&data, table, id),
        );
    }
    assert_eq!(text(&t3, "Break-even year"), "2023/24");
    assert_eq!(text(&t3, "Years after the first year"), "4");
    assert!(
        t3.iter()
            .any(|(l, _)| l == "Break-even in 2023/24, after 4 years")
    );

    // The formulas are live: the same report with one investment cell 1,000
    // higher in 2020/21 and one 5,000 higher in 2023/24, its cached results left
    // as they were. After recalculation the totals move by exactly that, and the
    // 2023/24 surplus (1,315) turns into a deficit: break-even moves to 2024/25.
    let mut changed = data.clone();
    let w = changed
        .workbook
        .as_mut()
        .expect("workbook inputs in report.json");
    w.investment[0].lines[0].amounts[1] += 1000.0;
    w.investment[1].lines[0].amounts[4] += 5000.0;
    let variant = d.path().join("variant.xlsx");
    std::fs::write(&variant, lacsim::report::xlsx::render(&changed).unwrap()).unwrap();
    let before = sheet(&variant, "Table 1");
    to_the_pound(
        "cached, not recalculated",
        &numbers(&before, "Investment Total", n),
        &lacsim_row(&data, "table1", "investment_total"),
    );
    let recalculated = recalculate(soffice, &variant, &d.path().join("b"));
    let (t1, t3) = (
        sheet(&recalculated, "Table 1"),
        sheet(&recalculated, "Table 3"),
    );
    let step = |v: &[f64], at: &[(usize, f64)], cumulative: bool| -> Vec<f64> {
        let mut out = v.to_vec();
        for (i, x) in out.iter_mut().enumerate() {
            for (y, by) in at {
                if i == *y || (cumulative && i > *y) {
                    *x += by;
                }
            }
        }
        out
    };
    let moves = [(1usize, 1000.0), (4usize, 5000.0)];
    for (label, table, id, cumulative) in [
        ("Investment Total", "table1", "investment_total", false),
        (
            "Return on Investment: (Surplus)/Deficit",
            "table1",
            "return_on_investment",
            false,
        ),
        ("Cumulative net position", "table1", "cumulative_net", true),
    ] {
        to_the_pound(
            &format!("changed {label}"),
            &numbers(&t1, label, n),
            &step(&lacsim_row(&data, table, id), &moves, cumulative),
        );
    }
    to_the_pound(
        "changed Initial Total",
        &numbers(&t1, "Initial Total", n),
        &step(
            &lacsim_row(&data, "table1", "investment_group.initial_total"),
            &moves[..1],
            false,
        ),
    );
    to_the_pound(
        "changed MTFS impact",
        &numbers(&t3, "Break Even Point/Impact on MTFS", n),
        &step(&lacsim_row(&data, "table3", "mtfs_impact"), &moves, false),
    );
    assert_eq!(text(&t3, "Break-even year"), "2024/25");
    assert!(
        t3.iter()
            .any(|(l, _)| l == "Break-even in 2024/25, after 5 years")
    );
}

#[test]
fn optimism_bias_and_its_delay_recalculate_and_no_break_even_reads_none() {
    let Some(soffice) = soffice() else { return };
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("s");
    lacsim()
        .args(["scenarios", "--export"])
        .arg(&dir)
        .assert()
        .success();
    let file = dir.join("staffordshire-2019/biased.toml");
    std::fs::write(
        &file,
        "extends = \"investment-plan.toml\"\n\n[optimism_bias]\ninvestment = 0.2\nsavings = 0.25\ndelay_months = 3\n",
    )
    .unwrap();
    let out = d.path().join("out");
    lacsim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let data: ReportData =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let n = data.years.len();
    let recalculated = recalculate(soffice, &out.join("report.xlsx"), d.path());
    let (t1, t3) = (
        sheet(&recalculated, "Table 1"),
        sheet(&recalculated, "Table 3"),
    );
    for (s, label, table, id) in CHECKED {
        let rows = if s == "Table 1" { &t1 } else { &t3 };
        to_the_pound(
            &format!("biased {label}"),
            &numbers(rows, label, n),
            &lacsim_row(&data, table, id),
        );
    }
    // The plan never stays in surplus with these adjustments.
    assert_eq!(text(&t3, "Break-even year"), "none");
    assert!(
        t3.iter()
            .any(|(l, _)| l == "No sustained break-even within the horizon")
    );
}

fn docx_xml(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a docx is a zip");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn a_scenarios_report_table_titles_the_html_docx_and_xlsx() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("s");
    lacsim()
        .args(["scenarios", "--export"])
        .arg(&dir)
        .assert()
        .success();
    let file = dir.join("staffordshire-2019/ours.toml");
    std::fs::write(
        &file,
        r#"extends = "investment-plan.toml"

[report]
title = "Looked-after children: the case for investment"
subtitle = "Appendix 3: finance"
author = "Director of Finance"
date = "20 November 2019"
summary = "Investing 8.1m over seven years brings the number of children in care down and pays back within the MTFS."
"#,
    )
    .unwrap();
    let out = d.path().join("out");
    lacsim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for want in [
        "Looked-after children: the case for investment",
        "Appendix 3: finance",
        "Director of Finance",
        "20 November 2019",
        "pays back within the MTFS",
    ] {
        assert!(html.contains(want), "report.html lacks `{want}`");
    }
    assert!(
        html.contains("<title>Looked-after children: the case for investment</title>"),
        "the page's title"
    );
    let xml = docx_xml(&out.join("report.docx"));
    for want in [
        "Looked-after children: the case for investment",
        "Appendix 3: finance",
        "Director of Finance",
        "Date: 20 November 2019",
        "pays back within the MTFS",
    ] {
        assert!(xml.contains(want), "report.docx lacks `{want}`");
    }
    let summary = sheet(&out.join("report.xlsx"), "Summary");
    assert_eq!(
        summary[0].0,
        "Looked-after children: the case for investment"
    );
    assert!(
        summary
            .iter()
            .any(|(l, _)| l.contains("pays back within the MTFS"))
    );
    // An old report.json (no `report`, no `workbook`) still loads.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["report"]["author"], "Director of Finance");
    let obj = json.as_object_mut().unwrap();
    obj.remove("report");
    obj.remove("workbook");
    let old: ReportData = serde_json::from_value(json).unwrap();
    assert_eq!(
        old.paper_title(),
        "Staffordshire County Council — Children and Families System Transformation Part 2"
    );
    assert!(lacsim::report::xlsx::render(&old).is_ok());

    // Unknown and empty keys are refused, naming the field.
    std::fs::write(
        &file,
        "extends = \"investment-plan.toml\"\n\n[report]\ntitel = \"x\"\nauthor = \" \"\n",
    )
    .unwrap();
    let bad = lacsim().arg("validate").arg(&file).assert().failure();
    let err = String::from_utf8_lossy(&bad.get_output().stderr).to_string()
        + &String::from_utf8_lossy(&bad.get_output().stdout);
    assert!(err.contains("titel") && err.contains("title"), "{err}");
    assert!(err.contains("report.author"), "{err}");
}
