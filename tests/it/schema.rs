//! One schema: scenario and partnership files are serde types, read and
//! written through the same structs; `lacsim calibrate` builds a scenario value
//! and serialises it; numbers with a range are validated types that refuse a
//! bad value where it is read, naming the file, line and field.

use super::common::lacsim;
use lacsim::calibrate::{self, Target};
use lacsim::scenario::file::{self, ScenarioFile};
use lacsim::scenario::{self, builtin, validate};
use lacsim::ssda903::occupancy::{self, PeriodCounts};
use lacsim::ssda903::synth::{self, SynthConfig};
use lacsim::ssda903::{Options, estimate};
use lacsim::{FinancialYear, partnership};
use std::io;
use std::path::{Path, PathBuf};

/// Reads `path` as `text`, and anything else from the built-ins.
fn with(path: &str, text: &str) -> impl Fn(&Path) -> io::Result<String> {
    let (path, text) = (PathBuf::from(path), text.to_string());
    move |p: &Path| {
        if p == path {
            Ok(text.clone())
        } else {
            builtin::read(p)
        }
    }
}

#[test]
fn a_calibrated_scenario_written_read_back_and_written_again_is_identical() {
    let data = synth::generate(&SynthConfig::default())
        .unwrap()
        .load(Options {
            strict: true,
            years: None,
        })
        .unwrap();
    let (from, to) = data.report.years.unwrap();
    let target = Target {
        authority: "Synthetic County Council",
        source: "synthetic returns",
        first_year: to.plus(1),
        years: 5,
        costs: None,
        bands: None,
        uasc: None,
    };
    // What `lacsim calibrate` writes, and the value it is written from.
    let text = lacsim::backtest::fit(&data, from, to, &target)
        .unwrap()
        .text;
    let occ = occupancy::monthly(&data);
    let est = estimate::estimate(&occ, from, to);
    let census = occupancy::march31(&data)
        .into_iter()
        .find(|c| c.year == to)
        .unwrap();
    let mut total = PeriodCounts::default();
    for y in from.0..=to.0 {
        total.add(&occ.year(FinancialYear(y)));
    }
    let target = Target {
        bands: Some(calibrate::band_rates(&total, &est)),
        uasc: occupancy::uasc_fit(&data, from, to),
        ..target
    };
    let written = calibrate::calibrated(&est, &census, &target);
    assert_eq!(written.to_toml(), text);

    // Read back into the file type and written again: the same text, comments and all.
    let back: ScenarioFile = toml::from_str(&text).unwrap();
    assert_eq!(calibrate::write(&back, &written.notes), text);
    // Without the comments too, and the values are all there.
    let plain = file::to_toml(&back).unwrap();
    assert_eq!(plain, file::to_toml(&written.file).unwrap());
    let again: ScenarioFile = toml::from_str(&plain).unwrap();
    assert_eq!(file::to_toml(&again).unwrap(), plain);
    assert_eq!(
        plain.parse::<toml::Table>().unwrap(),
        text.parse::<toml::Table>().unwrap()
    );
    // Shares are written to 6 decimals and still add up to exactly 1.
    let doc: toml::Table = text.parse().unwrap();
    let by_age = doc["stochastic"]["entries"]["by_age"].as_table().unwrap();
    let sum: f64 = by_age.values().map(|v| v.as_float().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    for v in by_age.values() {
        let x = v.as_float().unwrap();
        assert_eq!((x * 1e6).round() / 1e6, x);
    }
    // And it loads as a scenario.
    scenario::load(
        Path::new("calibrated.toml"),
        &with("calibrated.toml", &text),
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"));
}

#[test]
fn every_builtin_scenario_and_partnership_reads_back_from_its_own_serialisation() {
    let partnerships = builtin::partnerships();
    let scenarios: Vec<String> = builtin::names()
        .into_iter()
        .filter(|n| !partnerships.contains(n))
        .collect();
    assert!(scenarios.len() >= 3, "{scenarios:?}");
    for name in scenarios {
        let path = Path::new(&name);
        let first = scenario::load(path, &builtin::read).unwrap_or_else(|e| panic!("{name}: {e}"));
        let read = validate::read_file(&first.source).unwrap();
        let text = file::to_toml(&read).unwrap();
        // Next to the original, so that anything it names resolves the same.
        let again_path = format!("{}.again.toml", name.trim_end_matches(".toml"));
        let again = scenario::load(Path::new(&again_path), &with(&again_path, &text))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(
            serde_json::to_value(&again.scenario).unwrap(),
            serde_json::to_value(&first.scenario).unwrap(),
            "{name}"
        );
        let reread = validate::read_file(&again.source).unwrap();
        assert_eq!(file::to_toml(&reread).unwrap(), text, "{name}");
    }
    assert!(partnerships.len() >= 2, "{partnerships:?}");
    for name in partnerships {
        let path = Path::new(&name);
        let src = scenario::source::load(path, &builtin::read).unwrap();
        let first = partnership::validate::resolve(&src, &builtin::read).unwrap();
        let read = partnership::validate::read_file(&src).unwrap();
        let text = partnership::file::to_toml(&read).unwrap();
        let again_path = format!("{}.again.toml", name.trim_end_matches(".toml"));
        let files = with(&again_path, &text);
        let again_src = scenario::source::load(Path::new(&again_path), &files).unwrap();
        let again = partnership::validate::resolve(&again_src, &files)
            .unwrap_or_else(|e| panic!("{name}: {e:?}\n{text}"));
        assert_eq!(
            serde_json::to_value(&again).unwrap(),
            serde_json::to_value(&first).unwrap(),
            "{name}"
        );
        let reread = partnership::validate::read_file(&again_src).unwrap();
        assert_eq!(partnership::file::to_toml(&reread).unwrap(), text, "{name}");
    }
}

#[test]
fn a_value_out_of_its_range_is_refused_where_it_is_read_naming_file_line_and_field() {
    let text = "extends = \"builtin:staffordshire-2019/investment-plan.toml\"\n\
                [cohort.by_type]\n\
                ifa = -3\n\
                homes_hostels = 2.5\n\
                [stochastic.entries.by_age]\n\
                under_1 = 1.4\n\
                [stochastic.moves.rate]\n\
                ifa = 60\n\
                [stochastic.post_care]\n\
                sgo_allowance = -1\n";
    let e = scenario::load(Path::new("mine.toml"), &with("mine.toml", text)).unwrap_err();
    let got: Vec<String> = e.0.iter().map(ToString::to_string).collect();
    for want in [
        "mine.toml:3: cohort.by_type.ifa: a count of children must be 0 or more, got -3",
        "mine.toml:4: cohort.by_type.homes_hostels: a count of children must be a whole number, got 2.5",
        "mine.toml:6: stochastic.entries.by_age.under_1: a share is a probability between 0 and 1, got 1.4",
        "mine.toml:8: stochastic.moves.rate.ifa: a yearly rate per child must be between 0 and 50, got 60",
        "mine.toml:10: stochastic.post_care.sgo_allowance: must be 0 or more pounds, got -1",
    ] {
        assert!(got.iter().any(|g| g == want), "{want} not in {got:#?}");
    }
    // A refused share is not reported again as shares that do not add up to 1.
    assert!(
        !got.iter()
            .any(|g| g.contains("stochastic.entries.by_age: ")),
        "{got:#?}"
    );
    // The file's own problems come first, in line order.
    assert!(e.0[0].file == "mine.toml", "{got:#?}");
    let lines: Vec<usize> =
        e.0.iter()
            .filter(|p| p.file == "mine.toml")
            .filter_map(|p| p.line)
            .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{got:#?}");
}

#[test]
fn a_years_count_out_of_range_is_one_problem_not_one_for_every_yearly_series() {
    let text = "extends = \"builtin:staffordshire-2019/investment-plan.toml\"\n\
                [years]\n\
                count = 1000000\n";
    let e = scenario::load(Path::new("mine.toml"), &with("mine.toml", text)).unwrap_err();
    let got: Vec<String> = e.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        ["mine.toml:3: years.count: must be between 1 and 50 years, got 1000000"],
        "{got:#?}"
    );
}

#[test]
fn calibrate_writes_whose_unit_costs_they_are_and_its_file_reads_back_to_the_same_values() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("returns");
    lacsim()
        .args(["synth", "--years", "2016-2021", "--seed", "3", "--out"])
        .arg(&data)
        .assert()
        .success();
    let calibrated = |costs: Option<&Path>, out: &str| -> String {
        let out = d.path().join(out);
        let mut cmd = lacsim();
        cmd.arg("calibrate").arg(&data).arg("--out").arg(&out);
        if let Some(c) = costs {
            cmd.arg("--costs").arg(c);
        }
        cmd.assert().success();
        std::fs::read_to_string(out).unwrap()
    };
    let text = calibrated(None, "default/county.toml");
    assert!(text.contains("\n[unit_costs]\nsource = \"default\"\nnote = \"Staffordshire County Council's 2019 unit costs (Appendix 4); SSDA903 returns hold no costs\"\n"), "{text}");
    assert!(text.contains("# DEFAULT UNIT COSTS: SSDA903 has no costs."));
    // The written file read into the file type and written again holds every value.
    let back: ScenarioFile = toml::from_str(&text).unwrap();
    let plain = file::to_toml(&back).unwrap();
    assert_eq!(
        plain.parse::<toml::Table>().unwrap(),
        text.parse::<toml::Table>().unwrap()
    );

    let costs = d.path().join("costs.toml");
    let yearly = "relative_friend_foster = 20000\nin_house_foster = 21000\nifa = 45000\nhomes_hostels = 250000\nplaced_with_parents = 0\nplaced_for_adoption = 0\nindependent_living = 50000\nresidential_school = 200000\nmother_baby = 60000\nother = 150000\n";
    std::fs::write(&costs, format!("[unit_costs.yearly]\n{yearly}")).unwrap();
    let own = calibrated(Some(&costs), "own/county.toml");
    assert!(
        own.contains("\n[unit_costs]\nsource = \"council\"\nuplift = 0.0\n"),
        "{own}"
    );
    assert!(!own.contains("DEFAULT UNIT COSTS"));
}
