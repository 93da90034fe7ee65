//! Unaccompanied asylum-seeking children (UASC) forecast apart: `calibrate`
//! writes the UASC of the census and the fitted years' entries as `[uasc]`, and
//! the expected-value model forecasts them with the other children's rates;
//! "excluding UASC" is the total less them.

use super::common::lacsim;
use lacsim::calibrate::{self, Calibrated, Target};
use lacsim::scenario::file::{self, ScenarioFile};
use lacsim::scenario::{self, Scenario};
use lacsim::ssda903::occupancy::{self, PeriodCounts};
use lacsim::ssda903::synth::{self, Synth, SynthConfig};
use lacsim::ssda903::{Options, Ssda903Data, estimate};
use lacsim::{FinancialYear, uasc};
use std::path::Path;

fn returns(cfg: &SynthConfig) -> (Synth, Ssda903Data) {
    let synth = synth::generate(cfg).unwrap();
    let data = synth
        .load(Options {
            strict: true,
            years: None,
        })
        .unwrap();
    (synth, data)
}

/// What `lacsim calibrate` writes for the returns, fitted on every year.
fn calibrated(data: &Ssda903Data) -> Calibrated {
    let (from, to) = data.report.years.unwrap();
    let occ = occupancy::monthly(data);
    let est = estimate::estimate(&occ, from, to);
    let census = occupancy::march31(data)
        .into_iter()
        .find(|c| c.year == to)
        .unwrap();
    let mut total = PeriodCounts::default();
    for y in from.0..=to.0 {
        total.add(&occ.year(FinancialYear(y)));
    }
    let target = Target {
        authority: "Synthetic County Council",
        source: "synthetic returns",
        first_year: to.plus(1),
        years: 5,
        costs: None,
        bands: Some(calibrate::band_rates(&total, &est)),
        uasc: occupancy::uasc_fit(data, from, to),
    };
    calibrate::calibrated(&est, &census, &target)
}

fn load(text: &str) -> Result<Scenario, String> {
    let t = text.to_string();
    scenario::load(Path::new("calibrated.toml"), &move |_: &Path| Ok(t.clone()))
        .map(|l| l.scenario)
        .map_err(|e| e.to_string())
}

#[test]
fn calibrate_writes_the_uasc_counted_at_the_fit_date_and_their_entries_by_band() {
    let (synth, data) = returns(&SynthConfig::default());
    let (from, to) = data.report.years.unwrap();
    // What lacsim calibrate writes is the same fit.
    let target = Target {
        authority: "Synthetic County Council",
        source: "synthetic returns",
        first_year: to.plus(1),
        years: 5,
        costs: None,
        bands: None,
        uasc: None,
    };
    let text = lacsim::backtest::fit(&data, from, to, &target)
        .unwrap()
        .text;
    assert_eq!(text, calibrated(&data).to_toml());
    assert!(text.contains("[uasc.census.ifa]"), "{text}");
    assert!(text.contains("[uasc.entries_per_year]"), "{text}");
    assert!(
        text.contains("# Unaccompanied asylum-seeking children (UASC), from the UASC table: the "),
        "{text}"
    );
    let s = load(&text).unwrap();
    let u = s.uasc.as_ref().unwrap();
    // The census is the UASC the generator counted on the last 31 March, and
    // the UASC calibrate counts there.
    let truth = synth.truth.years.last().unwrap();
    assert_eq!(truth.year, to);
    assert!(truth.uasc > 10, "{}", truth.uasc);
    assert_eq!(u.census_total(), f64::from(truth.uasc));
    let counted = occupancy::uasc_march31(&data).last().unwrap().uasc;
    assert_eq!(u.census_total(), f64::from(counted));
    // The generator makes UASC only of children entering at 16 or 17.
    let by_band: Vec<f64> = (0..5)
        .map(|a| u.census.iter().map(|row| row[a]).sum())
        .collect();
    assert_eq!(by_band[..4], [0.0; 4]);
    assert_eq!(u.entries_per_year[..4], [0.0; 4]);
    // Entries: the mean a year of the fitted years' UASC entries.
    let fit = occupancy::uasc_fit(&data, from, to).unwrap();
    let years = f64::from(fit.years);
    assert_eq!(fit.years as i32, to.0 - from.0 + 1);
    let want = (f64::from(fit.entries[4]) / years * 1e6).round() / 1e6;
    assert_eq!(u.entries_per_year[4], want);
    assert!(want > 5.0, "{want}");
    // The paper model's "exc UASC" line starts from the census's UASC, one
    // year's growth on, as its total does.
    let g = s.do_nothing.growth_rate;
    assert_eq!(
        s.do_nothing.start_uasc,
        (f64::from(truth.uasc) * (1.0 + g)).round()
    );
    assert!(s.do_nothing.start_uasc > 0.0);
}

#[test]
fn uasc_and_excluding_uasc_add_up_to_the_expected_total_exactly() {
    let (_, data) = returns(&SynthConfig::default());
    let s = load(&calibrated(&data).to_toml()).unwrap();
    let f = uasc::forecast(&s).unwrap();
    assert_eq!(f.years, s.years);
    // The total is the engine's own expected-value run of the scenario.
    let setup = lacsim::engine::Setup::single(&s).unwrap();
    let (row, _) = lacsim::engine::expected(&setup);
    for t in 0..s.n_years() {
        let total = lacsim::engine::metrics::at(&row, t, lacsim::engine::Metric::Lac);
        assert_eq!(f.total[t], total, "year {t}");
        assert_eq!(f.uasc[t] + f.excluding_uasc[t], f.total[t], "year {t}");
        assert!(f.uasc[t] > 1.0 && f.excluding_uasc[t] > f.uasc[t], "{f:?}");
        // Each year's UASC entries are the [uasc] mean: no growth.
        let u = s.uasc.as_ref().unwrap();
        assert!(
            (f.uasc_entries[t] - u.entries_total()).abs() < 1e-9,
            "{f:?}"
        );
    }
    assert_eq!(f.opening_uasc, s.uasc.as_ref().unwrap().census_total());
}

#[test]
fn returns_without_uasc_children_forecast_a_zero_uasc_line() {
    let cfg = SynthConfig {
        uasc_share_16_plus: 0.0,
        ..SynthConfig::default()
    };
    let (_, data) = returns(&cfg);
    let text = calibrated(&data).to_toml();
    // The returns have a UASC table, with no one in it: UASC are counted, as 0.
    assert!(text.contains("[uasc.entries_per_year]"), "{text}");
    let s = load(&text).unwrap();
    assert_eq!(s.uasc.as_ref().unwrap().census_total(), 0.0);
    let f = uasc::forecast(&s).unwrap();
    assert_eq!(f.uasc, vec![0.0; 5]);
    assert_eq!(f.uasc_entries, vec![0.0; 5]);
    assert_eq!(f.excluding_uasc, f.total);
    assert!(f.total[0] > 100.0, "{f:?}");
}

#[test]
fn a_scenario_with_uasc_written_read_back_and_written_again_is_identical() {
    let (_, data) = returns(&SynthConfig::default());
    let written = calibrated(&data);
    let text = written.to_toml();
    let back: ScenarioFile = toml::from_str(&text).unwrap();
    assert!(back.uasc.is_some());
    assert_eq!(calibrate::write(&back, &written.notes), text);
    let plain = file::to_toml(&back).unwrap();
    assert_eq!(plain, file::to_toml(&written.file).unwrap());
    let again: ScenarioFile = toml::from_str(&plain).unwrap();
    assert_eq!(file::to_toml(&again).unwrap(), plain);
    // And resolved the same either way.
    assert_eq!(load(&plain).unwrap().uasc, load(&text).unwrap().uasc);
}

#[test]
fn doubling_the_uasc_census_and_entries_doubles_the_uasc_forecast() {
    let (_, data) = returns(&SynthConfig::default());
    let s = load(&calibrated(&data).to_toml()).unwrap();
    let mut doubled = s.clone();
    let u = doubled.uasc.as_mut().unwrap();
    for row in u.census.iter_mut() {
        for v in row.iter_mut() {
            *v *= 2.0;
        }
    }
    for v in u.entries_per_year.iter_mut() {
        *v *= 2.0;
    }
    let (one, two) = (
        uasc::forecast(&s).unwrap(),
        uasc::forecast(&doubled).unwrap(),
    );
    for t in 0..s.n_years() {
        assert!(
            (two.uasc[t] - 2.0 * one.uasc[t]).abs() < 1e-9 * one.uasc[t],
            "year {t}: {} vs 2 x {}",
            two.uasc[t],
            one.uasc[t]
        );
        assert_eq!(two.total[t], one.total[t]);
    }
    // Linear in each part too: the census alone plus the entries alone.
    let part = |census: bool| {
        let mut p = s.clone();
        let u = p.uasc.as_mut().unwrap();
        if census {
            u.entries_per_year = [0.0; 5];
        } else {
            u.census = [[0.0; 5]; 10];
        }
        uasc::forecast(&p).unwrap().uasc
    };
    let (c, e) = (part(true), part(false));
    for t in 0..s.n_years() {
        assert!((c[t] + e[t] - one.uasc[t]).abs() < 1e-9 * one.uasc[t]);
        assert!(c[t] > 0.0 && e[t] > 0.0);
    }
    // The UASC in the census leave: fewer each year (they are 16 or 17).
    assert!(c[1] < c[0] && c[2] < c[1], "{c:?}");
}

#[test]
fn bad_values_in_uasc_are_refused_naming_the_field() {
    let (_, data) = returns(&SynthConfig::default());
    let text = calibrated(&data).to_toml();
    let s = load(&text).unwrap();
    let ifa = s.stochastic.as_ref().unwrap().start[lacsim::Placement::Ifa.index()][4];
    let u_ifa = s.uasc.as_ref().unwrap().census[lacsim::Placement::Ifa.index()][4];
    assert!(ifa > 0.0);
    // Replaces `key = value` on the first line after `[table]` that sets `key`.
    let set = |table: &str, key: &str, value: &str| -> String {
        let start = text.find(&format!("[{table}]\n")).unwrap();
        let at = start + text[start..].find(&format!("\n{key} = ")).unwrap() + 1;
        let end = at + text[at..].find('\n').unwrap();
        format!("{}{key} = {value}{}", &text[..at], &text[end..])
    };

    let e = load(&set("uasc.census.ifa", "age_16_17", "-3")).unwrap_err();
    assert!(e.contains("uasc.census.ifa.age_16_17"), "{e}");
    assert!(
        e.contains("a count of children must be 0 or more, got -3"),
        "{e}"
    );
    // Said once: the refused count is not also compared with the census.
    assert!(!e.contains("give at most"), "{e}");

    let e = load(&set("uasc.entries_per_year", "age_16_17", "-0.5")).unwrap_err();
    assert!(e.contains("uasc.entries_per_year.age_16_17"), "{e}");
    assert!(
        e.contains("a number of children a year must be 0 or more, got -0.5"),
        "{e}"
    );

    let start = text.find("[uasc.entries_per_year]\n").unwrap();
    let misspelt = format!(
        "{}{}",
        &text[..start],
        text[start..].replacen("age_16_17 = ", "age_16_18 = ", 1)
    );
    let e = load(&misspelt).unwrap_err();
    assert!(e.contains("uasc.entries_per_year"), "{e}");
    assert!(e.contains("age_16_18"), "{e}");
    assert!(e.contains("age_16_17"), "the allowed names are listed: {e}");

    // More UASC in a cell than children in it.
    let too_many = ifa + 1.0;
    let e = load(&set("uasc.census.ifa", "age_16_17", &format!("{too_many}"))).unwrap_err();
    assert!(e.contains("uasc.census.ifa.age_16_17"), "{e}");
    assert!(e.contains(&format!("give at most {ifa}")), "{e}");
    assert!(u_ifa <= ifa);

    // More UASC entries than the scenario's entries of their age band.
    let st = s.stochastic.as_ref().unwrap();
    let all_16_17 = st.entries.per_year.unwrap() * st.entries.by_age[4];
    let e = load(&set(
        "uasc.entries_per_year",
        "age_16_17",
        &format!("{}", (all_16_17 + 5.0).ceil()),
    ))
    .unwrap_err();
    assert!(e.contains("uasc.entries_per_year.age_16_17"), "{e}");
    assert!(e.contains(&format!("{all_16_17:.1} entries a year")), "{e}");
}

#[test]
fn run_shows_uasc_and_excluding_uasc_as_expected_values_only_with_a_uasc_section() {
    let (_, data) = returns(&SynthConfig::default());
    let text = calibrated(&data).to_toml();
    let s = load(&text).unwrap();
    let f = uasc::forecast(&s).unwrap();
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("calibrated.toml");
    std::fs::write(&path, &text).unwrap();

    let table = lacsim().arg("run").arg(&path).assert().success();
    let table = String::from_utf8(table.get_output().stdout.clone()).unwrap();
    assert!(table.contains("of which UASC (expected value)"), "{table}");
    assert!(table.contains("Excluding UASC (expected value)"), "{table}");

    let json = lacsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let u = &doc["uasc"];
    assert_eq!(u["statistic"], "expected value");
    let year0 = |k: &str| u["at_31_march"][k][0].as_f64().unwrap();
    assert!((year0("uasc") - f.uasc[0]).abs() < 1e-3);
    assert!((year0("excluding_uasc") - f.excluding_uasc[0]).abs() < 1e-3);
    // The existing keys are still there.
    assert!(doc["lac"]["do_nothing_exc_uasc"].is_array());

    let csv = lacsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "csv"])
        .assert()
        .success();
    let csv = String::from_utf8(csv.get_output().stdout.clone()).unwrap();
    let first = s.years[0].label();
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{first},"))
                && l.contains(",lac_uasc,all,expected_value,")),
        "{csv}"
    );

    // Monte Carlo: the same expected values beside the paths' statistics.
    let mc = lacsim()
        .arg("run")
        .arg(&path)
        .args(["--paths", "20", "--quiet", "--format", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&mc.get_output().stdout).unwrap();
    assert_eq!(doc["uasc"]["statistic"], "expected value");
    assert!((doc["uasc"]["at_31_march"]["uasc"][0].as_f64().unwrap() - f.uasc[0]).abs() < 1e-3);
    let mc = lacsim()
        .arg("run")
        .arg(&path)
        .args(["--paths", "20", "--quiet"])
        .assert()
        .success();
    let mc = String::from_utf8(mc.get_output().stdout.clone()).unwrap();
    assert!(mc.contains("of which UASC (expected value)"), "{mc}");

    // Without [uasc], none of it.
    // [uasc] is the file's last section.
    let start = text.find("\n# Unaccompanied asylum-seeking").unwrap();
    let without = format!("{}\n", text[..start].trim_end());
    assert!(!without.contains("[uasc"), "{without}");
    std::fs::write(&path, &without).unwrap();
    let json = lacsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert!(doc.get("uasc").is_none());
    let table = lacsim().arg("run").arg(&path).assert().success();
    let table = String::from_utf8(table.get_output().stdout.clone()).unwrap();
    assert!(!table.contains("UASC (expected value)"), "{table}");
}

#[test]
fn the_paper_plan_with_its_19_uasc_keeps_its_tables_and_adds_the_uasc_line() {
    let plan = "staffordshire-2019/investment-plan.toml";
    let uasc = "[uasc.census.independent_living]\nage_16_17 = 10\n[uasc.census.ifa]\nage_16_17 = 9\n[uasc.entries_per_year]\nage_16_17 = 30\n";
    let text = format!("extends = \"builtin:{plan}\"\n\n{uasc}");
    let files = move |p: &Path| {
        if p == Path::new("with-uasc.toml") {
            Ok(text.clone())
        } else {
            scenario::builtin::read(p)
        }
    };
    let with =
        scenario::load(Path::new("with-uasc.toml"), &files).unwrap_or_else(|e| panic!("{e}"));
    let paper = super::common::load_builtin(plan);
    let s = &with.scenario;
    assert_eq!(s.uasc.as_ref().unwrap().census_total(), 19.0);
    // Every table of the paper is the same; the UASC table is added after them.
    let r = lacsim::results::run(s);
    let tables = lacsim::report::tables::all(s, &r);
    let paper_tables =
        lacsim::report::tables::all(&paper.scenario, &lacsim::results::run(&paper.scenario));
    let without: Vec<_> = tables
        .iter()
        .filter(|t| t.id != lacsim::report::tables::UASC_TABLE)
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
    let paper_json: Vec<_> = paper_tables
        .iter()
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
    assert_eq!(without, paper_json);
    assert_eq!(tables.len(), paper_tables.len() + 1);
    // The plan's own arm, interventions on: the UASC start at 19 and, entering
    // at 30 a year and leaving at 18, settle well below 30.
    let f = uasc::forecast(s).unwrap();
    let setup = lacsim::engine::Setup::single(s).unwrap();
    let (row, _) = lacsim::engine::expected(&setup);
    for t in 0..s.n_years() {
        let total = lacsim::engine::metrics::at(&row, t, lacsim::engine::Metric::Lac);
        assert_eq!(f.total[t], total);
        assert_eq!(f.uasc[t] + f.excluding_uasc[t], total);
        assert!(f.uasc[t] > 10.0 && f.uasc[t] < 30.0, "{f:?}");
    }
    let t = tables
        .iter()
        .find(|t| t.id == lacsim::report::tables::UASC_TABLE)
        .unwrap();
    assert_eq!(t.find("lac_uasc").unwrap().values, f.uasc);
    assert!(
        t.notes[0].starts_with("Opening census: 19 UASC among 1,220 children"),
        "{:?}",
        t.notes
    );
}

#[test]
fn a_backtest_sets_the_uasc_forecast_against_the_uasc_counted_after_the_fit() {
    let (synth, data) = returns(&SynthConfig::default());
    let (first, last) = data.report.years.unwrap();
    let fit_to = FinancialYear(last.0 - 3);
    let target = Target {
        authority: "Backtest",
        source: "synthetic returns",
        first_year: fit_to.plus(1),
        years: 3,
        costs: None,
        bands: None,
        uasc: None,
    };
    let fit = lacsim::backtest::fit(&data, first, fit_to, &target).unwrap();
    let cells = lacsim::backtest::uasc_cells(&fit, &data).unwrap().unwrap();
    let years: Vec<FinancialYear> = cells.iter().map(|c| c.year).collect();
    assert_eq!(years, (1..=3).map(|k| fit_to.plus(k)).collect::<Vec<_>>());
    for c in &cells {
        let truth = synth.truth.years.iter().find(|y| y.year == c.year).unwrap();
        assert_eq!(c.actual, truth.uasc);
        assert_eq!(c.actual + c.actual_excluding_uasc, truth.total);
        // The synthetic council's UASC hold steady (a quarter of its 16-17
        // entrants): the forecast is within half of the count either way.
        assert!(
            (c.expected - f64::from(c.actual)).abs() < 0.5 * f64::from(c.actual),
            "{c:?}"
        );
    }

    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("returns");
    for (name, bytes) in lacsim_synth_files(&synth) {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = lacsim()
        .arg("backtest")
        .arg(&dir)
        .args([
            "--fit-to",
            &fit_to.label(),
            "--paths",
            "20",
            "--quiet",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let u = &doc["uasc"];
    assert!(
        u["statistic"]
            .as_str()
            .unwrap()
            .starts_with("expected value")
    );
    assert_eq!(u["actual"][0], cells[0].actual);
    assert!((u["expected"][0].as_f64().unwrap() - cells[0].expected).abs() < 1e-9);
}

/// The synthetic returns as files named by collection year.
fn lacsim_synth_files(synth: &Synth) -> Vec<(String, Vec<u8>)> {
    synth
        .returns
        .iter()
        .flat_map(|r| {
            let tag = r.year.label().replace('/', "-");
            [
                (format!("header_{tag}.csv"), r.header_csv.clone()),
                (format!("episodes_{tag}.csv"), r.episodes_csv.clone()),
                (format!("uasc_{tag}.csv"), r.uasc_csv.clone()),
            ]
        })
        .map(|(n, t)| (n, t.into_bytes()))
        .collect()
}
