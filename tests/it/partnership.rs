//! Regional partnerships: the papers' figures, the formula rules, and the CLI with bad input.

use assert_cmd::Command;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use lacsim::partnership::{self, Attribution, HubKind, Loaded, Overspend, Rule, formula};
use lacsim::report::partnership as rp;
use predicates::prelude::*;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn load(rel: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(rel);
    partnership::load(&path, &|p: &Path| std::fs::read_to_string(p))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn t4c() -> Loaded {
    load("together4children/partnership.toml")
}

fn bkm() -> Loaded {
    load("bexley-kent-medway/partnership.toml")
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (tolerance {tol})"
    );
}

#[test]
fn bkm_2019_20_budget_table_totals_are_computed_from_the_six_cells() {
    let l = bkm();
    let t = rp::budget_table(&l.partnership);
    let want = [
        ("bexley", [399.9, 164.8, 564.8]),
        ("kent", [1951.1, 1004.8, 2955.9]),
        ("medway", [552.0, 113.8, 665.8]),
        ("total", [2903.0, 1283.4, 4186.5]),
    ];
    for (id, cells) in want {
        let row = t.find(id).unwrap_or_else(|| panic!("row {id}"));
        for (c, w) in cells.iter().enumerate() {
            // The paper prints £'000s to one decimal place.
            close(
                &format!("{id}[{c}]"),
                (row.values[c] * 10.0).round() / 10.0,
                *w,
                1e-9,
            );
        }
    }
    let text = lacsim::report::terminal::render(&t);
    assert!(text.contains("4,186.5") && text.contains("564.8") && text.contains("1,283.4"));
}

#[test]
fn t4c_staffordshire_contribution_is_100pct_of_in_scope_budget_1368582() {
    let l = t4c();
    let p = &l.partnership;
    assert_eq!(
        p.formula[0],
        Rule::InScopeBudget {
            share_of_budget: 1.0
        }
    );
    let r = partnership::run_expected(p);
    let staffs = p
        .partners
        .iter()
        .position(|x| x.id == "staffordshire")
        .unwrap();
    assert_eq!(r.partners[staffs][0].contribution, 1_368_582.0);
}

fn with_overspend(attributed_to: Attribution) -> Vec<f64> {
    let mut l = t4c();
    let p = &mut l.partnership;
    for h in &mut p.hubs {
        h.fixed_cost = 0.0;
        h.cost_per_match = 0.0;
    }
    let central = p
        .hubs
        .iter()
        .position(|h| h.kind == HubKind::Central)
        .unwrap();
    p.overspends.push(Overspend {
        year: 0,
        hub: central,
        amount: 100_000.0,
        attributed_to,
    });
    let r = partnership::run_expected(p);
    r.partners.iter().map(|x| x[0].overspend).collect()
}

#[test]
fn t4c_central_hub_overspend_100k_unattributed_costs_each_of_four_partners_25k() {
    assert_eq!(with_overspend(Attribution::None), vec![25_000.0; 4]);
}

#[test]
fn t4c_central_hub_overspend_100k_attributed_to_one_partner_costs_it_100k() {
    assert_eq!(
        with_overspend(Attribution::Partner(1)),
        vec![0.0, 100_000.0, 0.0, 0.0]
    );
}

#[test]
fn locality_hub_overspend_falls_on_its_host_unless_caused_by_the_partnership() {
    assert_eq!(
        formula::split_overspend(80_000.0, HubKind::Locality, 2, Attribution::None, 4),
        vec![0.0, 0.0, 80_000.0, 0.0]
    );
    assert_eq!(
        formula::split_overspend(80_000.0, HubKind::Locality, 2, Attribution::Partnership, 4),
        vec![20_000.0; 4]
    );
}

#[test]
fn t4c_expected_flows_2021_22_match_outcomes_121_orders_99_placed_104_adopted_93pct_in_region() {
    let l = t4c();
    let r = partnership::run_expected(&l.partnership);
    let sum = |f: &dyn Fn(&partnership::PartnerYear) -> f64| -> f64 {
        r.partners.iter().map(|x| f(&x[0])).sum()
    };
    close(
        "placement orders",
        sum(&|y| y.flows.placement_orders),
        121.0,
        0.5,
    );
    close("children placed", sum(&|y| y.flows.placed), 99.0, 1.0);
    close(
        "adoption orders",
        sum(&|y| y.flows.adoption_orders),
        104.0,
        1.0,
    );
    close(
        "in-region share",
        sum(&|y| y.flows.matched_in_region) / sum(&|y| y.flows.matched),
        0.93,
        0.005,
    );
    // Staffordshire: 28 adoption orders; T4C A2 216 and A10 471 days (2019-2022).
    close(
        "Staffordshire orders",
        r.partners[0][0].flows.adoption_orders,
        28.0,
        0.5,
    );
    let (a10, a2) = rp::partnership_timeliness(&l.partnership, &r);
    close("A2", a2[0], 216.0, 2.0);
    close("A10", a10[0], 471.0, 2.0);
}

#[test]
fn bkm_abolished_fees_mean_no_payments_between_partners() {
    let l = bkm();
    assert!(l.partnership.fees.abolish_between_partners);
    let r = partnership::run_expected(&l.partnership);
    for x in &r.partners {
        for y in x {
            assert_eq!(y.settlement_paid, 0.0);
        }
    }
    // Demand-led by adoptions from year 3: contributions still sum to the pooled budget.
    let y = 2;
    let pool: f64 = (0..3).map(|i| l.partnership.budget_in_year(i, y)).sum();
    close(
        "pool",
        r.partners.iter().map(|x| x[y].contribution).sum(),
        pool,
        1e-6,
    );
}

#[test]
fn t4c_sufficiency_deficit_is_settled_at_the_inter_agency_fee() {
    let l = t4c();
    let r = partnership::run_expected(&l.partnership);
    let stoke = &r.partners[1][0];
    assert!(stoke.flows.matched_with_partners > 1.0);
    close(
        "settlement",
        stoke.settlement_paid,
        stoke.flows.matched_with_partners * 27_000.0,
        1e-6,
    );
    let paid: f64 = r.partners.iter().map(|x| x[0].settlement_paid).sum();
    let received_from_partners: f64 = r
        .partners
        .iter()
        .map(|x| x[0].flows.adopters_to_partners * 27_000.0)
        .sum();
    close("paid = received", paid, received_from_partners, 1e-6);
}

#[test]
fn same_seed_gives_the_same_paths_and_quantiles_are_ordered() {
    let l = t4c();
    let p = &l.partnership;
    let a: Vec<_> = (0..40).map(|k| partnership::run_path(p, 7, k)).collect();
    let b: Vec<_> = (0..40).map(|k| partnership::run_path(p, 7, k)).collect();
    assert_eq!(a, b);
    assert_ne!(a[0], a[1]);
    let s = partnership::summarise(p, &a);
    for x in &s.partners {
        let c = &x.contribution;
        for y in 0..p.years.len() {
            assert!(
                c.p5[y] <= c.p25[y]
                    && c.p25[y] <= c.p50[y]
                    && c.p50[y] <= c.p75[y]
                    && c.p75[y] <= c.p95[y]
            );
        }
        assert!(x.p_more_than_alone.iter().all(|q| (0.0..=1.0).contains(q)));
    }
}

#[test]
fn type7_quantile_matches_excel_percentile_inc() {
    let v = [1.0, 2.0, 3.0, 4.0, 10.0];
    close("p50", partnership::quantile7(&v, 0.5), 3.0, 1e-12);
    close("p95", partnership::quantile7(&v, 0.95), 8.8, 1e-12);
    close("p5", partnership::quantile7(&v, 0.05), 1.2, 1e-12);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn contributions_always_sum_to_the_pooled_budget(
        budgets in prop::collection::vec(0.0f64..5e6, 2..6),
        demand in prop::collection::vec(0.0f64..200.0, 6),
        raw in prop::collection::vec(0.01f64..1.0, 6),
    ) {
        let n = budgets.len();
        let pool: f64 = budgets.iter().sum();
        let sum: f64 = raw[..n].iter().sum();
        let shares: Vec<f64> = raw[..n].iter().map(|x| x / sum).collect();
        for rule in [
            Rule::InScopeBudget { share_of_budget: 1.0 },
            Rule::DemandLed { measure: lacsim::partnership::Measure::Adoptions },
            Rule::PooledBudget { shares },
            Rule::PooledBudget { shares: Vec::new() },
        ] {
            let c = formula::contributions(&rule, &budgets, &demand[..n]);
            prop_assert!((c.iter().sum::<f64>() - pool).abs() <= 1e-6 * pool.max(1.0));
        }
    }

    #[test]
    fn an_attributed_overspend_never_costs_other_partners_anything(
        amount in 0.0f64..1e7,
        n in 2usize..8,
        who in 0usize..8,
        host in 0usize..8,
        central in any::<bool>(),
    ) {
        let (who, host) = (who % n, host % n);
        let kind = if central { HubKind::Central } else { HubKind::Locality };
        let split = formula::split_overspend(amount, kind, host, Attribution::Partner(who), n);
        for (i, v) in split.iter().enumerate() {
            prop_assert_eq!(*v, if i == who { amount } else { 0.0 });
        }
    }
}

fn lacsim() -> Command {
    Command::cargo_bin("lacsim").expect("binary built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/partnership")
        .join(name)
}

fn scenario(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(rel)
}

/// Runs a bad fixture with --out and checks exit 2, the messages, and that nothing was written.
fn rejects(name: &str, wants: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut a = lacsim()
        .arg("partnership")
        .arg(fixture(name))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    for w in wants {
        a = a.stderr(predicate::str::contains(*w));
    }
    assert!(!out.exists(), "{name}: nothing may be written");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "{name}: no staging left"
    );
}

#[test]
fn cli_rejects_partner_names_that_do_not_match() {
    rejects(
        "unknown-partner.toml",
        &[
            "unknown-partner.toml:6: formula[0].shares.sotuh: no partner is called `sotuh`; partners are: north, south",
            "partner `south` has no share",
            "overspends[0].attributed_to: no partner is called `east`",
        ],
    );
}

#[test]
fn cli_rejects_shares_that_do_not_sum_to_1() {
    rejects(
        "shares-not-one.toml",
        &["formula[0].shares: shares must sum to 1, got 0.9"],
    );
}

#[test]
fn cli_rejects_a_formula_naming_an_unknown_measure() {
    rejects(
        "unknown-measure.toml",
        &["formula[0].measure: unknown measure `referrals`; allowed: placement_orders, adoptions"],
    );
}

#[test]
fn cli_rejects_a_partner_scenario_that_fails_validation() {
    rejects(
        "partner-scenario-invalid.toml",
        &[
            "partners[0].scenario: partner `north`: its scenario",
            "negative-count.toml:3: cohort.by_type.ifa: a count of children must be 0 or more, got -3",
        ],
    );
}

#[test]
fn cli_rejects_negative_fees() {
    rejects(
        "negative-fee.toml",
        &["negative-fee.toml:4: fees.interagency: a fee (pounds) must be 0 or more, got -27000"],
    );
}

#[test]
fn cli_rejects_rates_outside_0_1_and_negative_counts_naming_the_partner() {
    rejects(
        "rate-out-of-range.toml",
        &[
            "partners[0].pathway.match_rate: partner `north`: a rate must be between 0 and 1",
            "partners[1].pathway.start.waiting: partner `south`: a count must be 0 or more, got -4",
        ],
    );
}

#[test]
fn cli_partnership_json_has_the_documented_keys() {
    let out = lacsim()
        .arg("partnership")
        .arg(scenario("together4children/partnership.toml"))
        .args(["--format", "json", "--paths", "20", "--seed", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["years"][0], "2021/22");
    assert_eq!(doc["mode"], "stochastic");
    assert_eq!(doc["paths"], 20);
    let s = &doc["partners"]["staffordshire"];
    assert_eq!(s["contribution"][0], 1_368_582.0);
    for key in [
        "interagency_spend",
        "interagency_income",
        "cost_partnership",
        "cost_alone",
        "a10_days",
        "a2_days",
        "p_more_than_alone",
    ] {
        assert!(s[key].is_array(), "{key}");
    }
    assert!(s["contribution_distribution"]["p95"].is_array());
    assert!(doc["partnership"]["a2_days"].is_array());
}

#[test]
fn cli_partnership_writes_tables_csv_json_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bkm");
    lacsim()
        .arg("partnership")
        .arg(scenario("bexley-kent-medway/partnership.toml"))
        .args(["--format", "csv", "--paths", "10", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "year,partner,metric,statistic,value",
        ));
    for f in [
        "partnership_budget.csv",
        "partner_finance.csv",
        "adoption_flows.csv",
        "timeliness.csv",
        "pays_more_than_alone.csv",
        "contribution_distribution.csv",
        "results.json",
        "results.csv",
        "contributions.svg",
        "report.html",
        "report.xlsx",
        "run.json",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let svg = std::fs::read_to_string(out.join("contributions.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Kent County Council"));
    lacsim()
        .arg("partnership")
        .arg(scenario("bexley-kent-medway/partnership.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
}

/// Runs `lacsim partnership FILE ARGS --out DIR` on a bundled partnership and returns DIR.
fn partnership_out(rel: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    lacsim()
        .arg("partnership")
        .arg(scenario(rel))
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    (dir, out)
}

/// The HTML of one table, from its opening tag to `</table>`.
fn html_table<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("table {id} missing from report.html"));
    let len = html[start..].find("</table>").unwrap();
    &html[start..start + len]
}

/// The values of one row of an HTML table, as printed.
fn html_row(table: &str, row: &str) -> Vec<String> {
    let start = table
        .find(&format!("data-id=\"{row}\""))
        .unwrap_or_else(|| panic!("row {row} missing"));
    let tr = &table[start..start + table[start..].find("</tr>").unwrap()];
    tr.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c[..c.find("</td>").unwrap()].to_string())
        .collect()
}

/// Checks the page fetches nothing and runs nothing, and carries the contributions chart.
fn assert_self_contained_with_chart(html: &str, out: &Path) {
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<style>"));
    assert!(!html.contains("<script"), "no scripts");
    for fetch in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(fetch), "nothing fetched ({fetch})");
    }
    assert_eq!(html.matches("<svg").count(), 1, "one chart");
    let svg = std::fs::read_to_string(out.join("contributions.svg")).unwrap();
    let body = svg[svg.find("<svg").unwrap()..].trim_end();
    assert!(html.contains(body), "the chart is contributions.svg inline");
}

/// The names of the workbook's sheets, from `xl/workbook.xml`, and how many worksheets and charts the zip holds.
fn xlsx_parts(path: &Path) -> (Vec<String>, usize, Vec<String>) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a zip");
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    let names = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect();
    let files: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a UTF-8 name").into_owned())
        .collect();
    let worksheets = files
        .iter()
        .filter(|f| f.starts_with("xl/worksheets/sheet"))
        .count();
    let mut charts = Vec::new();
    for f in files.iter().filter(|f| f.starts_with("xl/charts/chart")) {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(f).unwrap(), &mut xml).unwrap();
        charts.push(xml);
    }
    (names, worksheets, charts)
}

/// The values of the row labelled `label` that follows the row labelled `after`.
fn xlsx_row(path: &Path, sheet: &str, after: &str, label: &str) -> Vec<f64> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("xlsx opens");
    let range = wb.worksheet_range(sheet).expect("sheet");
    let text = |r: &[Data]| r.first().map(|c| c.to_string().trim().to_string());
    range
        .rows()
        .skip_while(|r| text(r).as_deref() != Some(after))
        .find(|r| text(r).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("{sheet}: no {label} after {after}"))[1..]
        .iter()
        .map(|c| c.get_float().expect("a number"))
        .collect()
}

const T4C_SHEETS: [&str; 7] = [
    "Budget",
    "Partner finance",
    "Adoption flows",
    "Timeliness",
    "Chart data",
    "Charts",
    "About",
];

#[test]
fn cli_partnership_report_html_shows_every_table_staffordshire_1368582_and_121_orders() {
    let (_d, out) = partnership_out("together4children/partnership.toml", &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let l = t4c();
    let tables = rp::tables(
        &l.partnership,
        &partnership::run_expected(&l.partnership),
        None,
    );
    for t in &tables {
        html_table(&html, &t.id);
        for note in &t.notes {
            assert!(
                html.contains(&format!("<p class=\"note\">{note}</p>")),
                "note of {}",
                t.id
            );
        }
    }
    let finance = html_table(&html, "partner_finance");
    assert_eq!(
        html_row(finance, "staffordshire_contribution")[0],
        "1,368.6"
    );
    let flows = html_table(&html, "adoption_flows");
    assert_eq!(html_row(flows, "partnership_placement_orders")[0], "121");
    assert!(html.contains("together4children/partnership.toml"));
    assert!(html.contains(&format!("SHA-256 {}", &l.hash[..12])));
    assert!(html.contains("expected-value run"));
    assert_self_contained_with_chart(&html, &out);
}

#[test]
fn cli_partnership_report_xlsx_has_a_sheet_per_table_a_contributions_chart_and_1368582() {
    let (_d, out) = partnership_out("together4children/partnership.toml", &[]);
    let xlsx = out.join("report.xlsx");
    let (names, worksheets, charts) = xlsx_parts(&xlsx);
    assert_eq!(names, T4C_SHEETS);
    assert_eq!(worksheets, names.len(), "every sheet is a worksheet");
    assert_eq!(charts.len(), 1);
    assert_eq!(
        charts[0].matches("<c:ser>").count(),
        4,
        "a line per partner"
    );
    assert!(charts[0].contains("<c:lineChart>"));
    let staffs = xlsx_row(
        &xlsx,
        "Partner finance",
        "Staffordshire County Council",
        "Contribution",
    );
    assert_eq!(staffs[0], 1368.582);
    let chart_data = xlsx_row(
        &xlsx,
        "Chart data",
        "Contribution (£'000s)",
        "Staffordshire County Council",
    );
    assert_eq!(chart_data[0], 1368.582);
}

#[test]
fn cli_partnership_report_with_50_paths_adds_the_risk_tables_and_keeps_bkm_budget_4186_5() {
    let (_d, out) = partnership_out(
        "bexley-kent-medway/partnership.toml",
        &["--paths", "50", "--seed", "1"],
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "partnership_budget",
        "partner_finance",
        "adoption_flows",
        "timeliness",
        "pays_more_than_alone",
        "contribution_distribution",
    ] {
        html_table(&html, id);
    }
    let budget = html_table(&html, "partnership_budget");
    assert_eq!(html_row(budget, "total"), ["2,903.0", "1,283.4", "4,186.5"]);
    assert_eq!(html_row(budget, "bexley")[2], "564.8");
    assert!(html.contains("Monte Carlo, 50 paths, seed 1 run"));
    // The risk table's last column is explained where it is printed.
    assert!(
        html.contains("All years: the probability that the partner&#x27;s costs summed")
            || html.contains("All years: the probability that the partner's costs summed")
    );
    assert!(html.contains("Kent CYPE Cabinet Committee, 10 January 2020"));
    assert_self_contained_with_chart(&html, &out);

    let xlsx = out.join("report.xlsx");
    let (names, worksheets, charts) = xlsx_parts(&xlsx);
    assert_eq!(
        names,
        [
            "Budget",
            "Partner finance",
            "Adoption flows",
            "Timeliness",
            "Pays more than alone",
            "Contribution spread",
            "Chart data",
            "Charts",
            "About",
        ]
    );
    assert_eq!(worksheets, names.len());
    assert_eq!(
        charts[0].matches("<c:ser>").count(),
        3,
        "a line per partner"
    );
    let total = xlsx_row(&xlsx, "Budget", "Medway Council", "Total");
    let rounded: Vec<f64> = total.iter().map(|v| (v * 10.0).round() / 10.0).collect();
    assert_eq!(rounded, [2903.0, 1283.4, 4186.5]);
}

#[test]
fn cli_report_rerenders_a_partnership_folder_without_rerunning_its_paths() {
    let (_d, out) = partnership_out(
        "bexley-kent-medway/partnership.toml",
        &["--paths", "50", "--seed", "1"],
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // In place: the page comes back identical, risk tables and all.
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::remove_file(out.join("report.xlsx")).unwrap();
    lacsim().arg("report").arg(&out).assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );
    html_table(&html, "contribution_distribution");
    let total = xlsx_row(
        &out.join("report.xlsx"),
        "Budget",
        "Medway Council",
        "Total",
    );
    assert_eq!((total[2] * 10.0).round() / 10.0, 4186.5);
    // Into a new folder: every report file, with the same tables.
    let again = out.parent().unwrap().join("again");
    lacsim()
        .arg("report")
        .arg(&out)
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    for f in [
        "partnership_budget.csv",
        "contribution_distribution.csv",
        "contributions.svg",
        "report.json",
        "report.html",
        "run.json",
    ] {
        let same = std::fs::read(again.join(f)).unwrap() == std::fs::read(out.join(f)).unwrap();
        assert!(same, "{f} differs after re-rendering");
    }
    // The workbook's parts match, all but its creation time (to the minute).
    let parts = |path: &Path| {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let names: Vec<String> = zip
            .file_names()
            .map(|n| n.expect("a UTF-8 name").into_owned())
            .collect();
        let mut parts = std::collections::BTreeMap::<String, Vec<u8>>::new();
        for n in names.into_iter().filter(|n| n != "docProps/core.xml") {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_name(&n).unwrap(), &mut bytes).unwrap();
            parts.insert(n, bytes);
        }
        parts
    };
    let (a, b) = (
        parts(&again.join("report.xlsx")),
        parts(&out.join("report.xlsx")),
    );
    assert!(
        a.len() > 5 && a == b,
        "report.xlsx differs after re-rendering"
    );
}

#[test]
fn cli_points_a_partnership_file_given_to_run_at_the_right_command_and_back() {
    lacsim()
        .arg("run")
        .arg(scenario("together4children/partnership.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "this is a partnership file (it has [[partners]]), not a scenario; run it with `lacsim partnership FILE`",
        ));
    lacsim()
        .args([
            "partnership",
            "builtin:staffordshire-2019/investment-plan.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run it with `lacsim run FILE`"));
}

#[test]
fn cli_partnership_escapes_names_resolves_base_paths_and_brackets_negatives_in_xlsx() {
    // A file that extends a bundled partnership from elsewhere: the partners'
    // scenario paths stay relative to the bundled file that names them.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.toml");
    std::fs::write(
        &file,
        format!(
            "extends = {:?}\n[partnership]\nname = \"A <script>x</script> & B\"\n",
            scenario("together4children/partnership.toml")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    lacsim()
        .arg("partnership")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("A &lt;script&gt;x&lt;/script&gt; &amp; B"));
    assert!(!html.contains("<script"), "a name became markup");
    let svg = std::fs::read_to_string(out.join("contributions.svg")).unwrap();
    assert!(!svg.contains("<script"));
    // £'000s in the workbook: negatives in brackets, zero as a dash.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("report.xlsx")).unwrap()).expect("a zip");
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(
        styles.contains("formatCode=\"#,##0.0;(#,##0.0);&quot;-&quot;\""),
        "{styles}"
    );
}

#[test]
fn cli_partnership_paths_do_not_depend_on_threads_and_bad_counts_are_refused() {
    let json = |threads: &str| {
        lacsim()
            .args([
                "partnership",
                "builtin:bexley-kent-medway/partnership.toml",
                "--paths",
                "60",
                "--seed",
                "4",
                "--quiet",
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(json("1"), json("3"));
    for (flag, value, says) in [
        (
            "--paths",
            "0",
            "--paths: must be between 1 and 10000000, got 0",
        ),
        (
            "--threads",
            "0",
            "--threads: must be between 1 and 1024, got 0",
        ),
    ] {
        let mut args = vec!["partnership", "builtin:bexley-kent-medway/partnership.toml"];
        if flag == "--threads" {
            args.extend(["--paths", "5"]);
        }
        lacsim()
            .args(&args)
            .args([flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn cli_rejects_absurd_sizes_naming_the_partner_and_the_limit() {
    // A slip of zeros is refused where it is read, not run into £ trillions.
    rejects(
        "absurd-sizes.toml",
        &[
            "partners[0].pathway.placement_orders_per_year: partner `north`: placement orders a year must be at most 100,000, got 1000000000000",
            "must be at most 1,000,000,000, got 8000000000000",
        ],
    );
}

#[test]
fn cli_lists_a_typo_with_every_other_problem_of_the_partnership() {
    // The unknown key is set aside and the file checked on, as scenarios are.
    rejects(
        "typo-and-more.toml",
        &[
            "4 problems in the file",
            "partners[0].pathway.growh: unknown field `growh`",
            "did you mean `growth`?",
            "partners[0].pathway.match_rate: partner `north`: a rate must be between 0 and 1",
            "partners[1].pathway.start.waiting: partner `south`: a count must be 0 or more, got -4",
        ],
    );
}
