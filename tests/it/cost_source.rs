//! Whose unit costs a scenario runs on (`[unit_costs] source`): a scenario on
//! costs borrowed from another council says so wherever money is shown, its
//! tables are titled with its own council and scenario rather than the paper's
//! appendices, and the unit cost uplift can differ by placement type.

use super::common::{lacsim, load_builtin};
use calamine::{Reader, Xlsx, open_workbook};
use lacsim::placement::Placement;
use lacsim::report::{self, tables};
use lacsim::scenario::fields::Change;
use lacsim::scenario::{self, CostSource, Loaded, builtin, costs};
use predicates::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

const PLAN: &str = "staffordshire-2019/investment-plan.toml";

/// The calibrated county of `tests/fixtures` (synthetic returns, seed 7), on
/// Staffordshire's 2019 unit costs as `lacsim calibrate` writes them without `--costs`.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calibrated-default-costs.toml")
}

fn read(p: &Path) -> std::io::Result<String> {
    if p.to_string_lossy().starts_with(builtin::PREFIX) {
        builtin::read(p)
    } else {
        std::fs::read_to_string(p)
    }
}

fn load(p: &Path) -> Loaded {
    scenario::load(p, &read).unwrap_or_else(|e| panic!("{e}"))
}

/// A scenario file in a fresh folder that extends the built-in plan with `extra`.
fn plan_with(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("plan.toml");
    std::fs::write(&f, format!("extends = \"builtin:{PLAN}\"\n\n{extra}")).unwrap();
    (d, f)
}

/// Every string cell of one sheet, row by row.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("xlsx opens");
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).expect("xlsx opens");
    wb.sheet_names()
}

fn docx_text(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_calibrated_scenario_on_default_costs_says_whose_costs_they_are() {
    let county = load(&fixture()).scenario;
    assert_eq!(county.unit_cost_source.source, CostSource::Default);
    assert_eq!(
        county.unit_cost_source.note.as_deref(),
        Some(
            "Staffordshire County Council's 2019 unit costs (Appendix 4); SSDA903 returns hold no costs"
        )
    );
    let w = costs::warning(&county).expect("a warning");
    assert!(
        w.starts_with("DEFAULT UNIT COSTS: \"Calibrated do-nothing forecast\" is costed at unit costs borrowed from another council (Staffordshire County Council's 2019 unit costs"),
        "{w}"
    );
    assert!(w.contains("not Synthetic County Council's own"), "{w}");
    // The paper's own scenarios are on their own costs and keep the paper's labels.
    for name in [
        "staffordshire-2019/base.toml",
        "staffordshire-2019/do-nothing-3.4.toml",
        "staffordshire-2019/do-nothing-11.toml",
        PLAN,
    ] {
        let s = load_builtin(name).scenario;
        assert_eq!(s.unit_cost_source.source, CostSource::Council, "{name}");
        assert_eq!(costs::warning(&s), None, "{name}");
        assert!(tables::paper_labels(&s), "{name}");
    }
    assert!(!tables::paper_labels(&county));
    // `compare` names each arm on default costs once.
    let plan = load_builtin(PLAN).scenario;
    assert_eq!(costs::warnings(&[&plan, &plan]), None);
    assert_eq!(costs::warnings(&[&plan, &county, &county]), Some(w));
}

#[test]
fn run_on_default_costs_warns_in_the_terminal_and_titles_the_councils_own_tables() {
    let out = lacsim().arg("run").arg(fixture()).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    // The banner is on stderr, boxed.
    assert!(
        stderr.contains(&format!(
            "{}\n!! DEFAULT UNIT COSTS: \"Calibrated do-nothing forecast\" is costed at unit",
            "!".repeat(78)
        )),
        "{stderr}"
    );
    // Each money table says so under its title; the children's table does not.
    let cost_title = "Synthetic County Council, Calibrated do-nothing forecast: Annual cost of placements at 31 March\n!! DEFAULT UNIT COSTS:";
    assert!(stdout.contains(cost_title), "{stdout}");
    assert!(stdout.contains(
        "Synthetic County Council, Calibrated do-nothing forecast: Unit costs by placement type (pounds per child a year)\n!! DEFAULT UNIT COSTS:"
    ));
    assert!(stdout.contains(
        "Synthetic County Council, Calibrated do-nothing forecast: Children in care by placement at 31 March (do nothing, today's mix scaled)\n====="
    ));
    // The £65.8m today is still computed, but no title claims the paper's appendices.
    assert!(stdout.contains("65,782,688"));
    for line in stdout.lines().filter(|l| !l.starts_with("!! ")) {
        assert!(!line.contains("Appendix"), "{line}");
        assert!(!line.starts_with("Table "), "{line}");
    }
    assert_eq!(stdout.matches("!! DEFAULT UNIT COSTS").count(), 2);
}

#[test]
fn json_and_csv_on_stdout_stay_parseable_and_carry_the_warning() {
    let out = lacsim()
        .arg("run")
        .arg(fixture())
        .args(["--format", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("!! DEFAULT UNIT COSTS"));
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let u = &doc["scenario"]["unit_costs"];
    assert_eq!(u["source"], "default");
    assert!(
        u["warning"]
            .as_str()
            .unwrap()
            .starts_with("DEFAULT UNIT COSTS:")
    );
    assert_eq!(u["uplift_by_type"]["homes_hostels"], 0.0);
    assert_eq!(doc["cost"]["total"][0], 67_995_561.297);

    let out = lacsim()
        .arg("run")
        .arg(fixture())
        .args(["--format", "csv"])
        .assert()
        .success();
    let csv = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("year,scenario,metric,placement,statistic,value,unit,notes")
    );
    let rows: Vec<&str> = lines.collect();
    let note = costs::DEFAULT_COSTS_CSV;
    let cost = rows
        .iter()
        .find(|r| r.starts_with("2025/26,Calibrated do-nothing forecast,cost,all,"))
        .unwrap();
    assert_eq!(
        *cost,
        format!(
            "2025/26,Calibrated do-nothing forecast,cost,all,value,67995561.29663609,pounds,\"{note}\""
        )
    );
    let lac = rows
        .iter()
        .find(|r| r.starts_with("2025/26,Calibrated do-nothing forecast,lac,all,"))
        .unwrap();
    assert!(lac.ends_with(",children,"), "{lac}");
}

#[test]
fn every_file_of_an_output_folder_on_default_costs_says_so_beside_the_money() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("county");
    lacsim()
        .arg("run")
        .arg(fixture())
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("!! DEFAULT UNIT COSTS"));
    let warning = costs::warning(&load(&fixture()).scenario).unwrap();

    // report.html: a box under the title, before the contents, and one above
    // each money table.
    let html = text(&out.join("report.html"));
    let top = html
        .find("id=\"cost-warning\"")
        .expect("the box at the top");
    assert!(top < html.find("<nav").unwrap());
    assert!(top < html.find("<section").unwrap());
    for id in ["placement_cost", "unit_costs"] {
        let table = html.find(&format!("<table id=\"{id}\"")).unwrap();
        let before = &html[..table];
        let section = before.rfind("<section").unwrap();
        assert!(
            before[section..].contains("class=\"warning cost-warning\""),
            "no warning beside {id}"
        );
    }
    let mix = html.find("<table id=\"placement_mix\"").unwrap();
    let section = html[..mix].rfind("<section").unwrap();
    assert!(!html[section..mix].contains("cost-warning"));
    for h2 in html.split("<h2>").skip(1) {
        let h2 = &h2[..h2.find("</h2>").unwrap()];
        assert!(
            !h2.contains("Appendix") && !h2.starts_with("Table "),
            "{h2}"
        );
    }

    // report.xlsx: under the Summary's title, under each money table, on the Inputs.
    let xlsx = out.join("report.xlsx");
    let summary = sheet(&xlsx, "Summary");
    assert_eq!(summary[1][0], warning);
    let cost = sheet(&xlsx, "Placement cost");
    let total = cost.iter().position(|r| r[0] == "Total").unwrap();
    assert_eq!(cost[total + 1][0], warning);
    assert!(
        cost[0][0].starts_with(
            "Synthetic County Council, Calibrated do-nothing forecast: Annual cost of placements at 31 March"
        ),
        "{:?}",
        cost[0]
    );
    let mix = sheet(&xlsx, "Placement mix");
    assert!(
        mix.iter()
            .flatten()
            .all(|c| !c.contains("DEFAULT UNIT COSTS"))
    );
    let inputs = sheet(&xlsx, "Inputs");
    assert!(
        inputs
            .iter()
            .any(|r| r[0] == "(unit costs)" && r[1] == warning)
    );
    assert!(
        inputs
            .iter()
            .any(|r| r[0] == "unit_costs.source" && r[1] == "default")
    );

    // report.docx: on the title page, in the summary and above the money tables.
    let docx = docx_text(&out.join("report.docx"));
    assert!(docx.matches("DEFAULT UNIT COSTS:").count() >= 4, "{docx}");

    // CSV files: a `notes` column where money is, none where it is not.
    let placement_cost = text(&out.join("placement_cost.csv"));
    let header = placement_cost.lines().next().unwrap();
    assert!(header.ends_with(",March 2030,notes"), "{header}");
    assert!(
        placement_cost
            .lines()
            .skip(1)
            .all(|l| l.ends_with("before using these figures.\"")),
        "{placement_cost}"
    );
    assert!(!text(&out.join("placement_mix.csv")).contains("notes"));
    assert!(
        text(&out.join("results.csv"))
            .lines()
            .next()
            .unwrap()
            .ends_with(",unit,notes")
    );

    // run.json, results.json and report.json: typed fields.
    let run = json(&out.join("run.json"));
    assert_eq!(run["unit_costs"]["source"], "default");
    assert_eq!(run["cost_warning"], warning.as_str());
    assert_eq!(
        json(&out.join("results.json"))["scenario"]["unit_costs"]["warning"],
        warning.as_str()
    );
    let saved = json(&out.join("report.json"));
    assert_eq!(saved["cost_warning"], warning.as_str());

    // `lacsim report` re-renders the warning from report.json alone.
    std::fs::remove_file(out.join("report.html")).unwrap();
    lacsim().arg("report").arg(&out).assert().success();
    assert!(text(&out.join("report.html")).contains("id=\"cost-warning\""));
}

#[test]
fn the_reference_scenarios_keep_the_papers_labels_and_show_no_warning() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("plan");
    let run = lacsim()
        .arg("run")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains("DEFAULT UNIT COSTS"), "{stderr}");
    assert!(!stdout.contains("!!"));
    for title in [
        "Table 1: Finance table showing cumulative full investment, savings and net position",
        "Table 3: MTFS Position",
        "Appendix 4: Looked after children by placement (plan)",
        "Appendix 4: Annual cost of placements",
        "Appendix 4: Average costs - yearly, by financial year",
        "Appendix 5: Projected LAC increase, do nothing at 3.4%",
        "Appendix 5: LAC - Fostering Allowances and External Placements budget, do nothing at 3.4%",
    ] {
        assert!(stdout.contains(&format!("\n{title}\n")), "{title}");
    }
    assert!(!text(&out.join("report.html")).contains("cost-warning"));
    let run = json(&out.join("run.json"));
    assert_eq!(run["unit_costs"]["source"], "council");
    assert!(run.get("cost_warning").is_none());
    assert_eq!(
        text(&out.join("results.csv")).lines().next(),
        Some("\u{feff}year,scenario,metric,placement,statistic,value,unit")
    );
    let names = sheet_names(&out.join("report.xlsx"));
    assert!(names.contains(&"Table 1".to_string()) && names.contains(&"Table 3".to_string()));
}

#[test]
fn a_plan_on_default_costs_is_titled_as_its_own_and_warns_in_tornado_and_sweep() {
    let (d, file) =
        plan_with("[unit_costs]\nsource = \"default\"\nnote = \"Anyshire's 2018 costs\"\n");
    let loaded = load(&file);
    let s = &loaded.scenario;
    let r = lacsim::results::run(s);
    let all = tables::all(s, &r);
    let title = |id: &str| all.iter().find(|t| t.id == id).unwrap().title.clone();
    let scope = "Staffordshire County Council, Children and Families System Transformation Part 2";
    assert_eq!(
        title("table1"),
        format!("{scope}: Investment, savings and net position")
    );
    assert_eq!(
        title("table3"),
        format!("{scope}: MTFS position and break-even")
    );
    assert_eq!(
        title("do_nothing_budget"),
        format!(
            "{scope}: LAC - Fostering Allowances and External Placements budget, do nothing at 3.4%"
        )
    );
    // Money tables carry the warning, children's tables do not.
    for t in &all {
        assert_eq!(t.warning.is_some(), t.unit.is_money(), "{}", t.id);
    }
    // The figures are the paper's: only the labels and the warning change.
    let paper = tables::all(
        &load_builtin(PLAN).scenario,
        &lacsim::results::run(&load_builtin(PLAN).scenario),
    );
    for (a, b) in all.iter().zip(&paper) {
        assert_eq!(a.id, b.id);
        for (x, y) in a.rows.iter().zip(&b.rows) {
            assert_eq!(x.values, y.values, "{} {}", a.id, x.id);
        }
    }
    // The workbook's sheets follow the titles, and its formulas still find their tables.
    let data = report::data::deterministic(&loaded, &r);
    let xlsx = d.path().join("r.xlsx");
    std::fs::write(&xlsx, report::xlsx::render(&data).unwrap()).unwrap();
    let names = sheet_names(&xlsx);
    assert!(
        names.contains(&"Investment and savings".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"MTFS position".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("Table ")), "{names:?}");
    let t3 = sheet(&xlsx, "MTFS position");
    assert!(
        t3.iter()
            .any(|r| r[0].starts_with("Break-even year") && r[1] == "2023/24")
    );
    let inputs = sheet(&xlsx, "Inputs");
    assert_eq!(
        inputs[0][0],
        "Assumptions behind Investment and savings and MTFS position (£'000s unless stated)"
    );
    assert_eq!(inputs[2][0], costs::warning(s).unwrap());

    let tornado = lacsim()
        .arg("tornado")
        .arg(&file)
        .args(["--format", "csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "!! DEFAULT UNIT COSTS: \"Children and Families System",
        ));
    let csv = String::from_utf8(tornado.get_output().stdout.clone()).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",switching_value,notes")
    );
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.ends_with(&format!("\"{}\"", costs::DEFAULT_COSTS_CSV)))
    );

    let sweep = lacsim()
        .arg("sweep")
        .arg(&file)
        .args(["--vary", "do_nothing.growth_rate=0.03:0.04:0.01"])
        .assert()
        .success()
        .stderr(predicate::str::contains("!! DEFAULT UNIT COSTS"));
    let table = String::from_utf8(sweep.get_output().stdout.clone()).unwrap();
    assert!(table.starts_with("!! DEFAULT UNIT COSTS"), "{table}");
}

#[test]
fn monte_carlo_and_compare_on_default_costs_warn_in_paths_results_and_run_json() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("mc");
    lacsim()
        .arg("run")
        .arg(fixture())
        .args(["--paths", "40", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "In-year placement cost\n!! DEFAULT UNIT COSTS",
        ))
        .stderr(predicate::str::contains("!! DEFAULT UNIT COSTS"));
    let paths = text(&out.join("paths.csv"));
    assert!(paths.lines().next().unwrap().ends_with(",notes"));
    assert_eq!(
        paths
            .lines()
            .filter(|l| l.ends_with(&format!("\"{}\"", costs::DEFAULT_COSTS_CSV)))
            .count(),
        40 * 5
    );
    assert!(
        text(&out.join("results.csv"))
            .lines()
            .next()
            .unwrap()
            .ends_with(",notes")
    );
    assert_eq!(
        json(&out.join("run.json"))["unit_costs"]["source"],
        "default"
    );

    // The comparator alone on default costs: the comparison still says so, naming it.
    let (d2, dn) = {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("dn.toml");
        std::fs::write(
            &f,
            "extends = \"builtin:staffordshire-2019/do-nothing-3.4.toml\"\n[unit_costs]\nsource = \"default\"\n",
        )
        .unwrap();
        (d, f)
    };
    let out = d2.path().join("cmp");
    lacsim()
        .arg("compare")
        .arg(&dn)
        .arg(format!("builtin:{PLAN}"))
        .args(["--paths", "20", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "!! DEFAULT UNIT COSTS: \"Do nothing at 3.4% growth\" is costed",
        ));
    let run = json(&out.join("run.json"));
    assert_eq!(run["unit_costs"]["source"], "council");
    assert_eq!(run["comparator_unit_costs"]["source"], "default");
    assert!(
        run["cost_warning"]
            .as_str()
            .unwrap()
            .starts_with("DEFAULT UNIT COSTS: \"Do nothing at 3.4% growth\"")
    );
    let results = json(&out.join("results.json"));
    assert_eq!(
        results["do_nothing_scenario"]["unit_costs"]["source"],
        "default"
    );
    assert!(text(&out.join("report.html")).contains("id=\"cost-warning\""));
}

/// Yearly unit costs of the built-in plan with `extra` added to its `[unit_costs]`.
fn plan_costs(extra: &str) -> (scenario::Scenario, lacsim::results::Deterministic) {
    let (_d, f) = plan_with(&format!("[unit_costs]\n{extra}"));
    let s = load(&f).scenario;
    let r = lacsim::results::run(&s);
    (s, r)
}

#[test]
fn a_per_type_uplift_changes_only_that_types_costs_by_exactly_the_compounded_rate() {
    let base = load_builtin(PLAN).scenario;
    let (s, r) =
        plan_costs("price_year = \"2018/19\"\n[unit_costs.uplift_by_type]\nhomes_hostels = 0.05\n");
    let hh = Placement::HomesHostels;
    assert_eq!(s.unit_cost_uplift[hh], 0.05);
    for t in 0..s.n_years() {
        for p in Placement::ALL {
            let want = if p == hh {
                // Priced in 2018/19: year t is t + 1 years of 5% on.
                172_316.0 * 1.05f64.powi(t as i32 + 1)
            } else {
                base.unit_costs[t][p]
            };
            // powi's last bit depends on whether it is folded at compile time.
            let got = s.unit_costs[t][p];
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "{} {}: {got} vs {want}",
                s.years[t],
                p.key()
            );
        }
    }
    assert!((s.unit_costs[6][hh] - 172_316.0 * 1.05f64.powi(7)).abs() < 1e-6);
    assert_eq!(s.unit_costs[0][Placement::Ifa], 39_613.0);

    // The deterministic tables: only homes and hostels cost more.
    let rb = lacsim::results::run(&base);
    for t in 0..s.n_years() {
        for p in Placement::ALL {
            let got = r.projection.cost_by_type[t][p];
            if p == hh {
                assert_eq!(got, r.projection.by_type[t][p] * s.unit_costs[t][p]);
                assert!(got > rb.projection.cost_by_type[t][p]);
            } else {
                assert_eq!(got, rb.projection.cost_by_type[t][p], "{}", p.key());
            }
        }
    }
    // Today's 117 children in homes and hostels at 2019/20 prices (one year of 5%).
    let extra = r.projection.baseline_cost - rb.projection.baseline_cost;
    assert!((extra - 117.0 * 8_615.8).abs() < 1e-6, "{extra}");
    let unit_table = tables::unit_costs(&s);
    let row = unit_table.find("unit_cost.homes_hostels").unwrap();
    assert_eq!(
        row.values,
        s.unit_costs.iter().map(|c| c[hh]).collect::<Vec<_>>()
    );
    assert_eq!(
        unit_table.notes,
        vec!["Yearly uplift: Homes or Hostels 5%; every other type 0%.".to_string()]
    );

    // The workbook's inputs and the report's inputs use it too.
    let (_d, f) = plan_with(
        "[unit_costs]\nprice_year = \"2018/19\"\nuplift_by_type = { homes_hostels = 0.05 }\n",
    );
    let loaded = load(&f);
    let data = report::data::deterministic(&loaded, &r);
    let w = data.workbook.as_ref().unwrap();
    assert_eq!(w.plan_cost, r.projection.cost_total);
    assert_eq!(w.baseline_cost, r.projection.baseline_cost);
    let groups = report::data::grouped_inputs(&data.inputs, &data.years);
    let costs_group = groups
        .iter()
        .find(|g| g.title == "Unit costs and uplift")
        .unwrap();
    let by_type = costs_group
        .tables
        .iter()
        .find(|t| t.caption == "Unit costs and uplift: by placement type")
        .unwrap();
    assert_eq!(
        by_type.columns,
        vec![
            "Placement type",
            "Yearly uplift by placement type",
            "Yearly unit cost (£)"
        ]
    );
    assert!(
        by_type.rows.contains(&vec![
            "Homes or Hostels".into(),
            "5%".into(),
            "172,316".into()
        ]),
        "{:?}",
        by_type.rows
    );
}

#[test]
fn the_same_uplift_for_every_type_equals_the_single_rate() {
    let every: String = Placement::ALL
        .iter()
        .map(|p| format!("{} = 0.03\n", p.key()))
        .collect();
    let (single, r1) = plan_costs("uplift = 0.03\n");
    let (by_type, r2) = plan_costs(&format!("[unit_costs.uplift_by_type]\n{every}"));
    let (both, r3) = plan_costs(&format!(
        "uplift = 0.03\n[unit_costs.uplift_by_type]\n{every}"
    ));
    assert_eq!(
        single.unit_costs[3][Placement::Ifa],
        39_613.0 * 1.03f64.powi(3)
    );
    for s in [&by_type, &both] {
        assert_eq!(s.unit_costs, single.unit_costs);
        assert_eq!(s.unit_cost_uplift, single.unit_cost_uplift);
    }
    for r in [&r2, &r3] {
        assert_eq!(r.projection.cost_total, r1.projection.cost_total);
        assert_eq!(
            r.plan.as_ref().unwrap().mtfs_impact,
            r1.plan.as_ref().unwrap().mtfs_impact
        );
    }
    // And a rate of 0 by type is the paper's flat prices: its figures exactly.
    let zero: String = Placement::ALL
        .iter()
        .map(|p| format!("{} = 0\n", p.key()))
        .collect();
    let (flat, r) = plan_costs(&format!("[unit_costs.uplift_by_type]\n{zero}"));
    let paper = load_builtin(PLAN).scenario;
    assert_eq!(flat.unit_costs, paper.unit_costs);
    assert_eq!(r.projection.baseline_cost, 53_013_482.0);
}

#[test]
fn a_sweep_can_vary_one_types_uplift_from_the_single_rate() {
    let (_d, f) = plan_with("[unit_costs]\nuplift = 0.02\n");
    let loaded = load(&f);
    let changed = loaded
        .with_changes(&[("unit_costs.uplift_by_type.ifa".into(), Change::Set(0.1))])
        .unwrap();
    let ifa = Placement::Ifa;
    assert_eq!(changed.unit_costs[2][ifa], 39_613.0 * 1.1f64.powi(2));
    assert_eq!(
        changed.unit_costs[2][Placement::HomesHostels],
        loaded.scenario.unit_costs[2][Placement::HomesHostels]
    );
    assert_eq!(
        changed.unit_costs[2][Placement::HomesHostels],
        172_316.0 * 1.02f64.powi(2)
    );
}

#[test]
fn bad_unit_cost_source_and_uplift_by_type_name_the_file_line_and_field() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad-costs.toml");
    std::fs::write(
        &bad,
        format!(
            "extends = \"builtin:{PLAN}\"\n[unit_costs]\nnote = \"  \"\n[unit_costs.uplift_by_type]\nhomes_hostels = 1.5\nifa = -0.6\n"
        ),
    )
    .unwrap();
    lacsim()
        .arg("validate")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-costs.toml:3: unit_costs.note: must not be empty",
        ))
        .stderr(predicate::str::contains(
            "bad-costs.toml:5: unit_costs.uplift_by_type.homes_hostels: the yearly uplift must be between -0.5 and 1, got 1.5",
        ))
        .stderr(predicate::str::contains(
            "bad-costs.toml:6: unit_costs.uplift_by_type.ifa: the yearly uplift must be between -0.5 and 1, got -0.6",
        ));
    std::fs::write(
        &bad,
        format!("extends = \"builtin:{PLAN}\"\n[unit_costs]\nsource = \"borrowed\"\n"),
    )
    .unwrap();
    lacsim()
        .arg("run")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-costs.toml:3: unit_costs.source: unknown variant `borrowed`, expected `council` or `default`",
        ));
    std::fs::write(
        &bad,
        format!("extends = \"builtin:{PLAN}\"\n[unit_costs]\nuplift_by_type = {{ ifx = 0.1 }}\n"),
    )
    .unwrap();
    lacsim()
        .arg("run")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-costs.toml:3: unit_costs.uplift_by_type.ifx: unknown field `ifx`",
        ))
        .stderr(predicate::str::contains("did you mean `ifa`?"));
}
