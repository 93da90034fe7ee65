//! The benchmark panel (`lacsim::panel`), and the synthetic county features that
//! make it a fair test: stays that are not exponential, sibling groups, re-entries.

use crate::common::lacsim;
use lacsim::age::AgeBand;
use lacsim::backtest::{self, Backtest, BacktestError, Cell};
use lacsim::engine::Stat;
use lacsim::engine::{self, Metric, metrics};
use lacsim::panel::{self, Council, PanelConfig, PanelError, Setting};
use lacsim::ssda903::synth::{self, SynthConfig};
use lacsim::ssda903::{Child, ExitRoute, Options, Ssda903Data};
use lacsim::ssda903::{estimate, occupancy};
use lacsim::window::Window;
use lacsim::{FinancialYear, Placement};
use std::collections::BTreeMap;

fn read_back(cfg: &SynthConfig) -> (synth::Synth, Ssda903Data) {
    let s = synth::generate(cfg).unwrap();
    let data = s
        .load(Options {
            strict: true,
            years: None,
        })
        .unwrap();
    (s, data)
}

fn days(a: jiff::civil::Date, b: jiff::civil::Date) -> f64 {
    (b - a).get_days() as f64
}

/// The number in a synthetic CHILD id (`C0001234`); none for short-break children.
fn number(c: &Child) -> Option<u64> {
    c.id.strip_prefix('C').and_then(|n| n.parse().ok())
}

// ---------------------------------------------------------------- scoring

fn cell(key: &str, year: i32, actual: f64, mean: f64, p: [f64; 7]) -> Cell {
    Cell {
        year: FinancialYear(year),
        key: key.into(),
        actual,
        stat: Stat {
            mean,
            percentiles: p,
        },
        crps: 0.0,
    }
}

fn council(setting: usize, cells: Vec<Cell>) -> Council {
    let years = vec![FinancialYear(2022), FinancialYear(2023)];
    Council {
        setting,
        seed: 1,
        fitted_growth: None,
        backtest: Backtest::from_cells(years, cells),
        window: None,
    }
}

/// Bands: P5, P10, P25, P50, P75, P90, P95 around `m`, `w` wide at P5-P95.
fn band(m: f64, w: f64) -> [f64; 7] {
    [
        m - w / 2.0,
        m - w * 0.4,
        m - w / 4.0,
        m,
        m + w / 4.0,
        m + w * 0.4,
        m + w / 2.0,
    ]
}

#[test]
fn panel_scores_add_up_by_hand() {
    // Council A: last total 100 forecast 104 (+4%); two type cells a year.
    let a = council(
        0,
        vec![
            cell("total", 2022, 90.0, 95.0, band(95.0, 20.0)),
            cell("ifa", 2022, 50.0, 50.0, band(50.0, 10.0)), // in 50% and 90%
            cell("other", 2022, 40.0, 45.0, band(45.0, 20.0)), // P25 40: in both
            cell("total", 2023, 100.0, 104.0, band(104.0, 10.0)), // P5 99: in 90% only
            cell("ifa", 2023, 60.0, 52.0, band(52.0, 10.0)), // above P95 57: in neither
            cell("other", 2023, 44.0, 52.0, band(52.0, 20.0)), // P5 42, P25 47: in 90% only
        ],
    );
    // Council B: last total 200 forecast 190 (-5%).
    let b = council(
        0,
        vec![
            cell("total", 2022, 180.0, 180.0, band(180.0, 20.0)),
            cell("ifa", 2022, 0.0, 0.0, [0.0; 7]), // an empty cell is inside both bands
            cell("total", 2023, 200.0, 190.0, band(190.0, 30.0)), // P75 197.5, P95 205: in 90% only
            cell("ifa", 2023, 30.0, 20.0, band(20.0, 10.0)), // in neither
        ],
    );
    // Council C, another setting: last actual 0, so no percentage error.
    let c = council(1, vec![cell("total", 2023, 0.0, 1.0, band(1.0, 2.0))]);
    assert_eq!(a.last_total_error(), Some(4.0));
    assert_eq!(b.last_total_error(), Some(-5.0));
    assert_eq!(c.last_total_error(), None);
    assert_eq!(a.type_cells().count(), 4);

    let s = panel::score(&[&a, &b]);
    assert_eq!(s.councils, 2);
    assert!((s.bias - (4.0 - 5.0) / 2.0).abs() < 1e-12, "{s:?}");
    assert!((s.mean_absolute_error - 4.5).abs() < 1e-12, "{s:?}");
    assert_eq!(s.error_range, (-5.0, 4.0));
    // Six type cells: inside 50% are A's ifa 2022, other 2022 and B's empty ifa 2022.
    assert_eq!((s.cells, s.inside_50, s.inside_90), (6, 3, 4));
    assert!((s.coverage_50 - 0.5).abs() < 1e-12);
    assert!((s.coverage_90 - 4.0 / 6.0).abs() < 1e-12);
    // The total rows are scored apart: all four inside the 90% band.
    assert_eq!((s.total_cells, s.total_inside_90), (4, 4));

    // A council without a percentage error counts as a council but not in the errors.
    let with_c = panel::score(&[&a, &b, &c]);
    assert_eq!(with_c.councils, 3);
    assert_eq!(with_c.bias, s.bias);
    assert_eq!(with_c.cells, 6);
    assert_eq!(with_c.total_cells, 5);
}

#[test]
fn panel_refuses_settings_it_cannot_run() {
    let cfg = PanelConfig {
        seeds: vec![],
        fit_to: FinancialYear(2024),
        paths: 0,
        ..PanelConfig::standard()
    };
    let Err(PanelError::Config(why)) = panel::run(&cfg) else {
        panic!("should refuse");
    };
    assert!(why.contains("no seeds"), "{why}");
    assert!(why.contains("paths must be 1 to"), "{why}");
    assert!(
        why.contains("fit_to 2024/25 must leave at least two years to fit on and one to forecast; the returns cover 2012/13 to 2024/25"),
        "{why}"
    );
    // Too long a record, and one too short to fit on.
    for (years, says) in [
        (31, "history must be at most 30 years of returns, not 31"),
        (1, "must leave at least two years to fit on"),
    ] {
        let cfg = PanelConfig::standard().with_history(years);
        let Err(PanelError::Config(why)) = panel::run(&cfg) else {
            panic!("should refuse a history of {years} years");
        };
        assert!(why.contains(says), "{why}");
    }
}

#[test]
fn a_longer_history_starts_earlier_with_the_same_entries_in_the_settings_year() {
    let ten = PanelConfig::standard();
    assert_eq!(ten.history(), 10);
    assert_eq!(ten.base.first_year, FinancialYear(2012));
    assert_eq!(ten.last_year(), FinancialYear(2024));
    let five = ten.clone().with_history(5);
    assert_eq!(
        (five.base.first_year, five.last_year()),
        (FinancialYear(2017), FinancialYear(2024))
    );
    // The 8%-a-year setting: 250 entries in 2017/18 either way, so the
    // ten-year council's first year is five years of growth smaller.
    let s = &ten.settings[1];
    assert_eq!((s.entries_per_year, s.entry_growth), (250.0, 0.08));
    let (a, b) = (ten.council(s, 1), five.council(s, 1));
    assert!((b.entries_per_year() - 250.0).abs() < 1e-9);
    assert!((a.entries_per_year() * 1.08f64.powi(5) - 250.0).abs() < 1e-9);
}

// ---------------------------------------------------------------- the panel

/// The standard panel (six settings, three seeds each, fitted to March 2022,
/// forecast to March 2025) with 300 paths a council instead of 1,000, so it runs
/// in about 25 s in the test profile on two cores.
///
/// Measured with the engine and calibration of this commit (300 paths; the bench's
/// 1,000 paths give nearly the same): 90% band 92.2% and 50% band 52.4% of the
/// 540 type cells, bias of the 2025 total +0.0%, mean absolute error 3.2% (6.0%
/// with five years of returns instead of ten).
#[test]
fn the_panel_bands_hold_and_errors_shrink_with_council_size() {
    let cfg = PanelConfig {
        paths: 300,
        ..PanelConfig::standard()
    };
    let p = panel::run(&cfg).unwrap();
    eprintln!("{}", p.table());
    let o = &p.overall;
    assert_eq!(o.councils, 18);
    assert_eq!(p.by_setting.iter().map(|s| s.councils).sum::<usize>(), 18);
    // Ten placement types in each of three forecast years, in each council.
    assert_eq!(o.cells, 18 * 10 * 3);
    assert_eq!(o.total_cells, 18 * 3);
    assert_eq!(
        p.by_setting.iter().map(|s| s.inside_90).sum::<usize>(),
        o.inside_90
    );
    // Band coverage within 4 binomial standard errors of the nominal share
    // (540 cells: 1.3 points for the 90% band, 2.2 for the 50% band). Cells of
    // one council share its fitted rates, but their counts inside the band vary
    // between councils no more than binomially (variance 1.9 against 2.7 for 30
    // cells at 90%, measured), so no design effect is added.
    let n = o.cells as f64;
    let se90 = (0.9 * 0.1 / n).sqrt();
    let se50 = (0.5 * 0.5 / n).sqrt();
    assert!(
        (o.coverage_90 - 0.90).abs() <= 4.0 * se90,
        "90% band holds {:.3} of {} cells",
        o.coverage_90,
        o.cells
    );
    assert!(
        (o.coverage_50 - 0.50).abs() <= 4.0 * se50,
        "50% band holds {:.3} of {} cells",
        o.coverage_50,
        o.cells
    );
    // No bias the panel can tell from zero: the mean signed error of the last
    // year's total is within 3 standard errors of 0 (the councils' own spread
    // over √18).
    let errors: Vec<f64> = p
        .councils
        .iter()
        .map(|c| c.last_total_error().unwrap())
        .collect();
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    assert!((mean - o.bias).abs() < 1e-9);
    let sd =
        (errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (errors.len() - 1) as f64).sqrt();
    let se = sd / (errors.len() as f64).sqrt();
    assert!(
        o.bias.abs() <= 3.0 * se,
        "bias {:+.2}% against a standard error of {se:.2}%",
        o.bias
    );
    // Issue 18's targets, on these seeded councils (figures, not tolerances:
    // a change to calibration or the engine that moves them shows here). They
    // are met since the panel's councils hold ten years of returns (December
    // 2026); with the five they first held, the error is 6.0% (README,
    // "Benchmark panel").
    assert!(
        o.mean_absolute_error <= 4.0,
        "mean absolute error {:.2}%",
        o.mean_absolute_error
    );
    assert!(o.bias.abs() <= 1.5, "bias {:+.2}%", o.bias);
    assert!(
        (0.88..=0.95).contains(&o.coverage_90),
        "90% band {:.3}",
        o.coverage_90
    );
    assert!(
        (0.45..=0.60).contains(&o.coverage_50),
        "50% band {:.3}",
        o.coverage_50
    );
    // A stock five to seven times larger has relative noise about 2.2 to 2.6
    // times smaller: the two largest settings' mean absolute error is under
    // half the smallest's.
    let mae = |i: usize| p.by_setting[i].mean_absolute_error;
    assert_eq!(cfg.settings[0].entries_per_year, 150.0);
    assert!(
        (mae(4) + mae(5)) / 2.0 < mae(0) / 2.0,
        "mean absolute errors by setting: {:?}",
        (0..6).map(mae).collect::<Vec<_>>()
    );
}

#[test]
fn the_panel_gives_the_same_figures_on_one_thread_or_two() {
    let cfg = PanelConfig {
        settings: vec![
            Setting {
                entries_per_year: 200.0,
                entry_growth: 0.05,
            },
            Setting {
                entries_per_year: 120.0,
                entry_growth: -0.03,
            },
        ],
        seeds: vec![4],
        paths: 60,
        window: lacsim::window::Window::Auto,
        ..PanelConfig::standard()
    };
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| panel::run(&cfg).unwrap())
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one.councils.len(), 2);
    assert_eq!(one.councils[1].setting, 1);
    // With `--window auto` each council says what it chose, and the table
    // counts those given fewer years than they hold.
    for c in &one.councils {
        let w = c.window.as_ref().unwrap();
        assert_eq!(w.origins.len(), 8);
    }
    let shorter = one
        .councils
        .iter()
        .filter(|c| c.window.as_ref().unwrap().years < 10)
        .count();
    assert!(
        one.table().ends_with(&format!(
            "--window auto fitted {shorter} of 2 councils on fewer years than they hold.\n"
        )),
        "{}",
        one.table()
    );
    // A council is the setting's county: its fitted growth is near the generator's.
    let g = one.councils[0].fitted_growth.unwrap();
    assert!((-0.05..0.15).contains(&g), "fitted growth {g}");
}

// ---------------------------------------------------------------- growth

/// The realistic county's yearly entries (every period of care that starts,
/// re-entries and sibling groups included) grow at the generator's rate: first
/// entries grow by `entry_growth` month by month, and 18 burn-in years leave
/// the stock, its returns home and so its re-entries growing at that rate too.
/// So the Poisson log-linear fit of yearly entries should find it, within its
/// own (quasi-Poisson) standard errors: over ten seeds the standardised errors
/// z = (b̂ − ln 1.05)/se(b̂) average within 3/√10 of 0 and their squares sum
/// below the 99.9% point of χ² on 10 degrees of freedom (29.59), so the
/// estimate is neither biased nor more uncertain than it says. (The panel's
/// three seeds of this setting fitted 3.4-3.8%; over 40 seeds the mean fit of
/// 2017/18-2021/22 is 4.74%, standard error 0.23, and the spread of the fits,
/// 1.45 points, is the fits' own mean standard error, 1.40.)
#[test]
fn fitted_entry_growth_is_the_generators_within_its_own_standard_errors() {
    let g = 0.05;
    let z: Vec<f64> = (1..=10u64)
        .map(|seed| {
            let mut cfg = SynthConfig {
                seed,
                first_year: FinancialYear(2017),
                years: 8,
                entry_growth: g,
                ..SynthConfig::realistic()
            };
            cfg.set_entries_per_year(600.0);
            let (_, data) = read_back(&cfg);
            let occ = occupancy::monthly(&data);
            let est = estimate::estimate(&occ, FinancialYear(2017), FinancialYear(2024));
            let fit = est.entry_growth.unwrap();
            (fit.log_slope - (1.0f64 + g).ln()) / fit.log_slope_se
        })
        .collect();
    let n = z.len() as f64;
    let mean = z.iter().sum::<f64>() / n;
    let squares: f64 = z.iter().map(|z| z * z).sum();
    assert!(mean.abs() <= 3.0 / n.sqrt(), "mean z {mean:+.2}: {z:?}");
    assert!(squares <= 29.59, "sum of z² {squares:.1}: {z:?}");
}

/// The calibrated scenario's entries in its first forecast year are the fitted
/// trend's next year. The engine starts entries at `per_year / 12` in April and
/// grows them month by month; `per_year` is the trend's rate at the start of the
/// year (its yearly total sits mid-year), so the year adds up to the trend.
/// Written as the year's total instead, every forecast month had half a year's
/// growth too much: 3.6% more entries than the trend at 8% growth, which over-
/// forecast the panel's growing councils (and under-forecast shrinking ones).
/// The expected-value model takes the central growth, where the entry level's
/// pivot factor `(1 + ḡ)^p / E[(1 + g)^p]` is below 1 by about (p² − p)s²/2
/// (s the log slope's standard error); the tolerance is twice that, plus the
/// file's rounding.
#[test]
fn calibrated_entries_in_the_first_forecast_year_are_the_fitted_trends() {
    let mut cfg = SynthConfig {
        seed: 1,
        first_year: FinancialYear(2017),
        years: 8,
        entry_growth: 0.08,
        // No UASC, so every entry follows the one trend.
        uasc_share_16_plus: 0.0,
        ..SynthConfig::realistic()
    };
    cfg.set_entries_per_year(250.0);
    let (_, data) = read_back(&cfg);
    let run = |setup: &engine::Setup| -> Result<engine::MonteCarlo, BacktestError> {
        Ok(engine::run(setup, 10, engine::DEFAULT_SEED, &|| {})?)
    };
    let (_, fit) =
        backtest::fit_and_score(&data, FinancialYear(2021), Window::All, "test", &run).unwrap();
    let g = fit.estimates.entry_growth.unwrap();
    assert!(g.rate > 0.04, "a growing council: {g:?}");
    let loaded =
        lacsim::scenario::load(std::path::Path::new("fit.toml"), &|_: &std::path::Path| {
            Ok(fit.text.clone())
        })
        .unwrap();
    let setup = engine::Setup::single(&loaded.scenario).unwrap();
    let (row, _) = engine::expected(&setup);
    let entries = |t| metrics::at(&row, t, Metric::Entries);
    let p = g.pivot_years;
    let tol = (p * p - p) * g.log_slope_se.powi(2) + 1e-5;
    let first = entries(0) / g.fitted_next();
    assert!(
        (first - 1.0).abs() <= tol,
        "first year {first:.4} of the trend, tolerance {tol:.4}"
    );
    // Later years grow by the fitted rate.
    for t in 1..3 {
        let ratio = entries(t) / entries(t - 1);
        assert!((ratio - (1.0 + g.rate)).abs() < 1e-6, "year {t}: {ratio}");
    }
}

// ---------------------------------------------------------------- synth

/// `lacsim synth --realistic --entries-per-year --entry-growth` writes the returns
/// of a panel council, so any council can be backtested from the command line
/// (for a council of the ten-year panel, `--years 2012-2024` and the 2012/13
/// entries, the setting's over five years of its growth).
#[test]
fn synth_flags_write_a_panel_council() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("c");
    lacsim()
        .args([
            "synth",
            "--realistic",
            "--entries-per-year",
            "150",
            "--entry-growth",
            "-0.03",
            "--seed",
            "2",
            "--years",
            "2017-2024",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    // The panel's council with five years of returns up to its fit year.
    let cfg = PanelConfig::standard().with_history(5);
    let want = synth::generate(&cfg.council(&cfg.settings[0], 2)).unwrap();
    for r in &want.returns {
        let tag = r.year.label().replace('/', "-");
        let got = std::fs::read_to_string(out.join(format!("episodes_{tag}.csv"))).unwrap();
        assert!(got == r.episodes_csv, "episodes {tag} differ");
    }
    // A settings file over --realistic changes only the fields it names.
    let file = d.path().join("s.toml");
    std::fs::write(&file, "reentry_share = 0.0\nyears = 2\n").unwrap();
    let out2 = d.path().join("c2");
    lacsim()
        .arg("synth")
        .arg(&file)
        .args(["--realistic", "--out"])
        .arg(&out2)
        .assert()
        .success();
    let truth: synth::Truth =
        serde_json::from_slice(&std::fs::read(out2.join("truth.json")).unwrap()).unwrap();
    let want = SynthConfig {
        reentry_share: 0.0,
        years: 2,
        ..SynthConfig::realistic()
    };
    assert_eq!(truth.config, want);
}

#[test]
fn realistic_returns_are_reproducible_and_read_back_exactly() {
    let cfg = SynthConfig {
        years: 3,
        burn_in_years: 6,
        ..SynthConfig::realistic()
    };
    let (s, data) = read_back(&cfg);
    assert_eq!(s, synth::generate(&cfg).unwrap());
    let other = synth::generate(&SynthConfig { seed: 1, ..cfg }).unwrap();
    assert_ne!(s.returns, other.returns);
    let r = &data.report;
    assert!(r.rejections.is_empty() && r.warnings.is_empty(), "{r:?}");
    let census = lacsim::ssda903::occupancy::march31(&data);
    for (c, t) in census.iter().zip(&s.truth.years) {
        assert_eq!(c.total(), t.total, "{}", t.year);
        for (p, n) in c.by_placement().iter() {
            assert_eq!(n, t.by_placement[&p], "{} {p}", t.year);
        }
    }
}

/// Children entering in `cfg`'s written years: CHILD number → (day of entry,
/// first placement type).
fn entrants(
    cfg: &SynthConfig,
    data: &Ssda903Data,
) -> BTreeMap<u64, (jiff::civil::Date, Placement)> {
    let from = jiff::civil::date(i16::try_from(cfg.first_year.0).unwrap(), 4, 1);
    data.children
        .iter()
        .filter_map(|c| Some((number(c)?, c.periods.first()?)))
        .filter(|(_, p)| p.start() >= from)
        .map(|(n, p)| (n, (p.start(), p.stays[0].placement)))
        .collect()
}

/// Share of entrants who share their day of entry and first placement type with
/// the child numbered before or after them, and the mean length of such runs.
fn together(e: &BTreeMap<u64, (jiff::civil::Date, Placement)>) -> (f64, f64) {
    let same = |n: u64, m: u64| e.get(&n).is_some_and(|a| e.get(&m) == Some(a));
    let grouped = e
        .keys()
        .filter(|&&n| same(n, n + 1) || (n > 0 && same(n, n - 1)))
        .count();
    let runs = e
        .keys()
        .filter(|&&n| same(n, n + 1) && !(n > 0 && same(n, n - 1)))
        .count();
    (
        grouped as f64 / e.len() as f64,
        grouped as f64 / runs.max(1) as f64,
    )
}

#[test]
fn sibling_groups_enter_on_one_day_in_one_placement_type() {
    let base = SynthConfig {
        burn_in_years: 4,
        ..SynthConfig::default()
    };
    let siblings = SynthConfig {
        sibling_share: 0.3,
        sibling_group_mean: 2.5,
        ..base.clone()
    };
    let (_, data) = read_back(&siblings);
    let e = entrants(&siblings, &data);
    let (share, size) = together(&e);
    // About 3,400 entrants, 1,000 of them in some 400 groups: the share's
    // standard error is about 1.5 points and the mean size's 0.04 (a size's
    // standard deviation is √0.5). 4 of them, plus a point for children alone
    // who happen to share a day and type with a neighbour.
    assert!(e.len() > 3000, "{} entrants", e.len());
    assert!(
        (0.24..=0.37).contains(&share),
        "{share:.3} of entrants enter with a sibling"
    );
    assert!((2.33..=2.67).contains(&size), "mean group size {size:.2}");
    // Without groups, a neighbour on the same day in the same type is rare.
    let (_, data) = read_back(&base);
    let (share, _) = together(&entrants(&base, &data));
    assert!(share < 0.03, "{share:.3} of entrants without groups");
}

#[test]
fn children_who_return_home_come_back_as_a_new_period_under_the_same_id() {
    let cfg = SynthConfig {
        reentry_share: 0.3,
        reentry_within_months: 24.0,
        ..SynthConfig::default()
    };
    let (s, data) = read_back(&cfg);
    let window = 24.0 * 365.25 / 12.0;
    let end_of_data = jiff::civil::date(2024, 3, 31);
    let (mut eligible, mut back, mut reentries) = (0u32, 0u32, 0u32);
    for c in &data.children {
        for (i, p) in c.periods.iter().enumerate() {
            let Some(next) = c.periods.get(i + 1) else {
                continue;
            };
            reentries += 1;
            // Only a return home is followed by another period, within the window.
            assert_eq!(p.exit, Some(ExitRoute::ReturnHome), "{}", c.id);
            let gap = days(p.end().unwrap(), next.start());
            assert!(gap >= 1.0 && gap <= window + 1.0, "{}: {gap} days", c.id);
            // The new period's first episode says RNE S, under the same CHILD id.
            let decom = lacsim::ssda903::format_date(next.start());
            let row = format!("{},{decom},", c.id);
            let rne = s
                .returns
                .iter()
                .flat_map(|r| r.episodes_csv.lines())
                .find(|l| l.starts_with(&row))
                .and_then(|l| l.split(',').nth(2))
                .unwrap_or_else(|| panic!("{} has no episode on {decom}", c.id));
            assert_eq!(rne, "S", "{} on {decom}", c.id);
        }
        // Returns home with the whole window inside the data and before 18.
        for (i, p) in c.periods.iter().enumerate() {
            let Some(left) = p.end().filter(|_| p.exit == Some(ExitRoute::ReturnHome)) else {
                continue;
            };
            let until = days(left, end_of_data).min(days(left, c.eighteenth_birthday()));
            if until > window + 1.0 {
                eligible += 1;
                back += u32::from(i + 1 < c.periods.len());
            }
        }
    }
    let share = f64::from(back) / f64::from(eligible);
    // About 800 eligible returns home: a binomial standard error of 1.6
    // points; allow 4 (seeds 2 to 8 gave 0.283 to 0.316).
    assert!(eligible > 600, "{eligible} returns home");
    assert!(
        (share - 0.3).abs() <= 4.0 * (0.3 * 0.7 / f64::from(eligible)).sqrt(),
        "{back} of {eligible} came back ({share:.3})"
    );
    assert!(reentries > 200, "{reentries} re-entries");
    // Each re-entry is an entry in the truth's count.
    let entries: u32 = s.truth.years.iter().map(|y| y.entries).sum();
    let periods_started: usize = data
        .children
        .iter()
        .flat_map(|c| &c.periods)
        .filter(|p| p.start() >= jiff::civil::date(2016, 4, 1))
        .count();
    assert_eq!(entries as usize, periods_started);
    // Without re-entries no child has a second period.
    let (_, data) = read_back(&SynthConfig::default());
    assert!(data.children.iter().all(|c| c.periods.len() == 1));
}

/// Lengths (months) of the periods of care that start in the first written year
/// of a county where babies enter one placement type, never move, and leave at
/// 0.05 a month (times `early` for the first six months).
fn stays(early: f64) -> Vec<f64> {
    let cfg = SynthConfig {
        seed: 5,
        first_year: FinancialYear(2010),
        years: 12,
        burn_in_years: 0,
        entries_per_month: 150.0,
        entry_growth: 0.0,
        entry_age_mix: [(AgeBand::Under1, 1.0)].into_iter().collect(),
        first_placement_mix: [(Placement::InHouseFoster, 1.0)].into_iter().collect(),
        move_hazard: BTreeMap::new(),
        exit_hazard: [(Placement::InHouseFoster, 0.05)].into_iter().collect(),
        temporary_hazard: 0.0,
        status_change_hazard: 0.0,
        short_break_children_per_month: 0.0,
        early_exit_multiplier: early,
        early_exit_months: 6.0,
        ..SynthConfig::default()
    };
    let (_, data) = read_back(&cfg);
    let to = jiff::civil::date(2011, 4, 1);
    let periods: Vec<_> = data
        .children
        .iter()
        .flat_map(|c| &c.periods)
        .filter(|p| p.start() < to)
        .collect();
    let lengths: Vec<f64> = periods
        .iter()
        .filter_map(|p| Some(days(p.start(), p.end()?) / (365.25 / 12.0)))
        .collect();
    // Followed for 11 years: all but a few have ended.
    assert!(lengths.len() as f64 > 0.995 * periods.len() as f64);
    lengths
}

/// Mean, coefficient of variation, and exits per child-month in the first six
/// months over those after.
fn shape(lengths: &[f64]) -> (f64, f64, f64) {
    let n = lengths.len() as f64;
    let mean = lengths.iter().sum::<f64>() / n;
    let sd = (lengths.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let early_exits = lengths.iter().filter(|&&x| x < 6.0).count() as f64;
    let early_months: f64 = lengths.iter().map(|x| x.min(6.0)).sum();
    let late_months: f64 = lengths.iter().map(|x| (x - 6.0).max(0.0)).sum();
    let ratio = (early_exits / early_months) / ((n - early_exits) / late_months);
    (mean, sd / mean, ratio)
}

#[test]
fn stays_leave_care_faster_early_and_vary_more_than_exponential() {
    // Exponential stays at 0.05 a month: mean 20 months, CV 1, flat hazard.
    let flat = stays(1.0);
    // Two-phase: 0.15 a month for 6 months, then 0.05. Survival to 6 months is
    // e^-0.9 = 0.407, so the mean is (1 - 0.407)/0.15 + 0.407/0.05 = 12.09
    // months, E[X²] = 2[(1 - 0.407·1.9)/0.15² + 0.407·(6/0.05 + 1/0.05²)] = 443.1,
    // and the CV √(443.1 - 12.09²)/12.09 = 1.43.
    let two = stays(3.0);
    let (n1, n2) = (flat.len() as f64, two.len() as f64);
    assert!(n1 > 1600.0 && n2 > 1600.0, "{n1} and {n2} periods");
    let (mean1, cv1, ratio1) = shape(&flat);
    let (mean2, cv2, ratio2) = shape(&two);
    eprintln!("exponential: mean {mean1:.2}, CV {cv1:.3}, early/late hazard {ratio1:.2}");
    eprintln!("two-phase: mean {mean2:.2}, CV {cv2:.3}, early/late hazard {ratio2:.2}");
    // Means within 4 standard errors (sd/√n: 0.47 and 0.41 months).
    assert!((mean1 - 20.0).abs() < 4.0 * 20.0 / n1.sqrt(), "{mean1}");
    assert!((mean2 - 12.09).abs() < 4.0 * 17.2 / n2.sqrt(), "{mean2}");
    // Sample CVs of 1,800 stays have standard errors of about 0.025 (exponential)
    // and 0.04 (two-phase, heavier tail); allow 4.
    assert!((cv1 - 1.0).abs() < 0.1, "exponential CV {cv1}");
    assert!((cv2 - 1.43).abs() < 0.16, "two-phase CV {cv2}");
    // Exit hazard in the first six months over after: 1 and 3, with about 1,100
    // early and 700 late exits (log-ratio standard error about 0.05); allow 4.
    assert!(
        (ratio1.ln()).abs() < 0.2,
        "exponential hazard ratio {ratio1}"
    );
    assert!(
        (ratio2 / 3.0).ln().abs() < 0.2,
        "two-phase hazard ratio {ratio2}"
    );
}

#[test]
fn the_panel_command_scores_every_council_and_refuses_bad_flags() {
    let out = lacsim()
        .args(["panel", "--paths", "40", "--seeds", "7", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Six settings, one seed: six councils, three forecast years of ten types each.
    assert_eq!(doc["councils"].as_array().unwrap().len(), 6);
    assert_eq!(doc["overall"]["councils"], 6);
    assert_eq!(doc["overall"]["cells"], 6 * 3 * 10);
    for (flags, says) in [
        (vec!["--paths", "0"], "--paths"),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--format", "csv"], "table or json"),
        (vec!["--history", "40"], "40 is not in 2..=30"),
        (vec!["--history", "1"], "1 is not in 2..=30"),
        (vec!["--history", "4294967295"], "is not in 2..=30"),
        (vec!["--entry-step", "2"], "--step-from"),
        (
            vec!["--entry-step", "-1", "--step-from", "2016/17"],
            "entry_step must be over 0 and at most 10, not -1",
        ),
        (
            vec!["--entry-step", "1e308", "--step-from", "2016/17"],
            "at most 10, not 1e308",
        ),
        (
            vec!["--entry-step", "2", "--step-from", "2030/31"],
            "the step in entries must start after the first year of returns and by the last (2013/14 to 2024/25), not in 2030/31",
        ),
        (
            vec!["--entry-step", "2", "--step-from", "2012/13"],
            "not in 2012/13",
        ),
        (
            vec!["--entry-step", "2", "--step-from", "someday"],
            "--step-from",
        ),
    ] {
        let out = lacsim().arg("panel").args(&flags).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(out.stdout.is_empty(), "{flags:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{flags:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
