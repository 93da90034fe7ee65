//! The Monte Carlo tornado on the reference plan: bars on common random
//! numbers, switching values by bisection (checked by running the engine on
//! both sides of each bracket), thread-count independence and the command line.

use super::common::{lacsim, load_builtin};
use lacsim::scenario::Loaded;
use lacsim::scenario::fields;
use lacsim::sensitivity::mc_tornado::{
    self, Criterion, McTornadoError, Prepared, Settings, Swing, Switching,
};
use lacsim::sensitivity::tornado::RankBy;
use predicates::prelude::*;

const PLAN: &str = "staffordshire-2019/investment-plan.toml";

/// The reference plan prepared with only the assumptions named exactly `names`.
fn prepared(l: &Loaded, paths: u64, names: &[&str]) -> Prepared {
    let settings = Settings {
        paths,
        seed: 2019,
        by_year: None,
    };
    let p = Prepared::only(l, settings, &|n| names.contains(&n)).unwrap();
    assert_eq!(p.swings.len(), names.len(), "every name is an assumption");
    p
}

fn swing<'a>(p: &'a Prepared, name: &str) -> &'a Swing {
    p.swings.iter().find(|s| s.name() == name).unwrap()
}

/// Runs the engine at both ends of a found switching value's bracket and
/// checks the figure is on the scenario's side at one and not at the other.
fn assert_flips(p: &Prepared, s: &Swing, found: &Switching, criterion: Criterion) {
    let Switching::Found {
        x,
        holds_at,
        fails_at,
        holds_as_written,
        ..
    } = *found
    else {
        panic!("{}: no switching value found: {found:?}", s.name());
    };
    assert!((holds_at.min(fails_at)..=holds_at.max(fails_at)).contains(&x));
    let tol = mc_tornado::TOLERANCE * (s.high() - s.low()).abs();
    assert!(
        (fails_at - holds_at).abs() <= tol + 1e-12,
        "{}: bracket {holds_at}..{fails_at} wider than {tol}",
        s.name()
    );
    let at_holds = p.evaluate(s, holds_at, &|_| {}).unwrap();
    let at_fails = p.evaluate(s, fails_at, &|_| {}).unwrap();
    assert_eq!(criterion.holds(&at_holds), holds_as_written, "{}", s.name());
    assert_eq!(
        criterion.holds(&at_fails),
        !holds_as_written,
        "{}",
        s.name()
    );
}

#[test]
fn a_unit_cost_moves_money_not_children_so_the_central_mean_is_the_midpoint_of_its_bar() {
    let l = load_builtin(PLAN);
    let ifa = "Unit cost: Foster Placement - Independent";
    let p = prepared(&l, 200, &[ifa]);
    assert_eq!(
        p.by_year, 4,
        "the paper's sustained break-even year, 2023/24"
    );
    let s = swing(&p, ifa);
    let central = p.central(&|_| {}).unwrap();
    let low = p.evaluate(s, s.low(), &|_| {}).unwrap();
    let high = p.evaluate(s, s.high(), &|_| {}).unwrap();
    // On common random numbers every path keeps its children, and the money is
    // linear in the price: the scenario as written sits at the bar's midpoint.
    // Results are stored in single precision (a part in 2^24 of each yearly
    // figure), so the midpoint holds to within a few parts in ten million.
    let mid = 0.5 * (low.net_position.mean + high.net_position.mean);
    assert!(
        (central.net_position.mean - mid).abs() < 5e-7 * mid.abs(),
        "central {} vs midpoint {mid}",
        central.net_position.mean
    );
    // Dearer IFA: each avoided IFA placement saves more (a larger surplus over
    // the horizon) while the standstill overspend grows (break-even by 2023/24
    // less likely), as in the deterministic tornado.
    assert!(high.net_position.mean < central.net_position.mean);
    assert!(central.net_position.mean < low.net_position.mean);
    assert!(low.p_break_even_by_year >= central.p_break_even_by_year);
    assert!(central.p_break_even_by_year >= high.p_break_even_by_year);
    assert!(low.p_break_even_by_year > high.p_break_even_by_year);
    for pt in [central, low, high] {
        let n = pt.net_position;
        assert!(n.p5 <= n.p50 && n.p50 <= n.p95 && n.p5 <= n.mean && n.mean <= n.p95);
        assert!(pt.p_break_even_by_year <= pt.p_break_even_in_horizon);
    }
}

#[test]
fn fewer_entries_from_fgc_improve_the_mean_net_position_and_the_chance_of_break_even() {
    let l = load_builtin(PLAN);
    let fgc = "fgc: effect on entries";
    let p = prepared(&l, 200, &[fgc]);
    let s = swing(&p, fgc);
    assert_eq!((s.low(), s.high()), (-0.25, -0.03));
    let central = p.central(&|_| {}).unwrap();
    let strong = p.evaluate(s, s.low(), &|_| {}).unwrap();
    let weak = p.evaluate(s, s.high(), &|_| {}).unwrap();
    // The effect drawn path by path (triangular, mean -0.14) lies between its
    // ends, and on the same paths the money moves with it.
    assert!(strong.net_position.mean < central.net_position.mean);
    assert!(central.net_position.mean < weak.net_position.mean);
    assert!(strong.p_break_even_by_year > central.p_break_even_by_year);
    assert!(central.p_break_even_by_year > weak.p_break_even_by_year);
    // The reference plan at 200 paths: a surplus at every end, break-even by
    // 2023/24 likely with a strong FGC effect and unlikely with a weak one.
    assert!(weak.net_position.mean < 0.0);
    assert!(strong.p_break_even_by_year > 0.8, "{strong:?}");
    assert!(weak.p_break_even_by_year < 0.4, "{weak:?}");
}

#[test]
fn break_even_switching_value_flips_the_probability_across_its_bracket() {
    let l = load_builtin(PLAN);
    let fgc = "fgc: effect on entries";
    let p = prepared(&l, 200, &[fgc]);
    let s = swing(&p, fgc);
    let central = p.central(&|_| {}).unwrap();
    let bar = p.bar(s, &central, &|_| {}).unwrap();
    assert!(bar.engine_runs <= mc_tornado::MAX_RUNS_PER_BAR);
    // Break-even by 2023/24 is more likely than not as written and not at the
    // weak end, so the 50% crossing lies between the mean effect and the weak end.
    assert!(bar.at_high.p_break_even_by_year < 0.5);
    let Switching::Found { x, .. } = bar.switching_break_even else {
        panic!("{:?}", bar.switching_break_even)
    };
    assert!(x > s.central() && x < s.high(), "{x}");
    assert_flips(
        &p,
        s,
        &bar.switching_break_even,
        Criterion::BreakEvenProbability,
    );
    // The mean net position is a surplus over the whole search range: no switching
    // value, and the range searched is three range-widths beyond each end.
    match bar.switching_net {
        Switching::None {
            from,
            to,
            holds_as_written,
        } => {
            assert!(holds_as_written);
            assert!((from - (-0.25 - 3.0 * 0.22)).abs() < 1e-9, "{from}");
            assert!((to - (-0.03 + 3.0 * 0.22)).abs() < 1e-9, "{to}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn net_switching_value_of_an_investment_line_is_where_the_mean_net_crosses_zero() {
    // FGC's investment made 24 times larger, so that the surplus over the horizon
    // is spent between 1.2 and 2.4 times the new amounts.
    let name = "Investment: Family Group Conferencing";
    let mut l = load_builtin(PLAN);
    let Swing::Factor(a) = swing(&prepared(&l, 1, &[name]), name).clone() else {
        panic!("an investment line is a factor")
    };
    for (field, change) in a.changes(24.0) {
        fields::set(&mut l.source.merged, &field, change).unwrap();
    }
    l.scenario = l.with_changes(&[]).unwrap();
    let p = prepared(&l, 100, &[name]);
    let s = swing(&p, name);
    let central = p.central(&|_| {}).unwrap();
    let bar = p.bar(s, &central, &|_| {}).unwrap();
    assert!(bar.engine_runs <= mc_tornado::MAX_RUNS_PER_BAR);
    assert_flips(&p, s, &bar.switching_net, Criterion::MeanNetPosition);
    // Investment adds to every path's net position pound for pound: the mean is
    // a straight line in the factor, and bisection lands where the line crosses 0.
    let (m_lo, m_hi) = (bar.at_low.net_position.mean, bar.at_high.net_position.mean);
    let linear = s.low() - m_lo * (s.high() - s.low()) / (m_hi - m_lo);
    let Switching::Found { x, value, .. } = bar.switching_net else {
        unreachable!()
    };
    assert!(x > s.high() && x < 2.4, "{x}");
    let tol = mc_tornado::TOLERANCE * (s.high() - s.low());
    assert!((x - linear).abs() <= tol, "{x} vs {linear}");
    assert_eq!(value, None, "a list of amounts has no single value");
    if let Switching::Found { .. } = bar.switching_break_even {
        assert_flips(
            &p,
            s,
            &bar.switching_break_even,
            Criterion::BreakEvenProbability,
        );
    }
}

#[test]
fn mc_tornado_is_the_same_on_one_and_three_threads() {
    let l = load_builtin(PLAN);
    let p = prepared(&l, 60, &["placement_officer: effect on residential"]);
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let t = pool.install(|| p.run(RankBy::Net, &|_| {})).unwrap();
        serde_json::to_string(&t).unwrap()
    };
    let one = on(1);
    assert_eq!(one, on(3));
    assert!(one.contains("\"by_year\":\"2023/24\""), "{one}");
}

#[test]
fn progress_counts_every_budgeted_path_once() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let l = load_builtin(PLAN);
    let p = prepared(&l, 20, &["lac_sgo: start delay (months)"]);
    let done = AtomicU64::new(0);
    let t = p
        .run(RankBy::BreakEven, &|n| {
            done.fetch_add(n, Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!(t.max_engine_runs, 1 + mc_tornado::MAX_RUNS_PER_BAR);
    assert!(t.engine_runs <= t.max_engine_runs);
    assert_eq!(done.into_inner(), t.max_engine_runs * 20);
}

#[test]
fn mc_tornado_refuses_a_do_nothing_scenario_no_paths_and_no_stochastic_section() {
    let settings = |paths| Settings {
        paths,
        seed: 1,
        by_year: None,
    };
    let dn = load_builtin("staffordshire-2019/do-nothing-11.toml");
    assert!(matches!(
        Prepared::new(&dn, settings(10)),
        Err(McTornadoError::NotAPlan(_))
    ));
    let plan = load_builtin(PLAN);
    let e = Prepared::new(&plan, settings(0)).unwrap_err();
    assert!(e.to_string().contains("--paths: must be between 1"), "{e}");
    let mut bare = plan.clone();
    bare.source.merged.remove("stochastic");
    bare.scenario = bare.with_changes(&[]).unwrap();
    let e = Prepared::new(&bare, settings(10)).unwrap_err();
    assert!(e.to_string().contains("no [stochastic] section"), "{e}");

    // The command line says so and exits with 2, before any work.
    lacsim()
        .args(["tornado", "--paths", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--paths: must be between 1"));
    lacsim()
        .args([
            "tornado",
            "builtin:staffordshire-2019/do-nothing-11.toml",
            "--paths",
            "10",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a plan scenario"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-stochastic.toml");
    std::fs::write(&file, bare.changed_toml(&[]).unwrap()).unwrap();
    lacsim()
        .arg("tornado")
        .arg(&file)
        .args(["--paths", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no [stochastic] section"));
    lacsim()
        .args([
            "tornado",
            "--assumption",
            "nothing like this",
            "--paths",
            "10",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the assumptions are: "));
}

#[test]
fn tornado_cli_with_paths_adds_monte_carlo_figures_and_keeps_the_deterministic_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let stdout = lacsim()
        .args([
            "tornado",
            "--assumption",
            "fgc: effect on entries",
            "--paths",
            "40",
            "--seed",
            "7",
            "--threads",
            "2",
            "--quiet",
            "--format",
            "json",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    for key in [
        "lacsim_version",
        "scenario",
        "unit_costs",
        "rank_by",
        "break_even_rule",
        "base",
        "bars",
        "engine",
        "monte_carlo",
    ] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    let mc = &doc["monte_carlo"];
    assert_eq!(mc["paths"], 40);
    assert_eq!(mc["seed"], 7);
    assert_eq!(mc["by_year"], "2023/24");
    assert_eq!(mc["break_even_rule"], "sustained");
    assert_eq!(
        mc["bisection"]["max_engine_runs_per_bar"],
        mc_tornado::MAX_RUNS_PER_BAR
    );
    let bar = &mc["bars"][0];
    assert_eq!(bar["assumption"], "fgc: effect on entries");
    assert_eq!(bar["x_is"], "value");
    for end in ["at_low", "at_high"] {
        let net = &bar[end]["net_position_gbp_000s"];
        for stat in ["mean", "p5", "p50", "p95"] {
            assert!(net[stat].is_f64(), "{end}.{stat}");
        }
        assert!(bar[end]["p_sustained_break_even_by_year"].is_f64());
    }
    assert_eq!(bar["switching_mean_net_position_zero"]["status"], "none");
    assert!(bar["switching_p_sustained_break_even_50"]["status"].is_string());
    assert!(mc["engine_runs"].as_u64().unwrap() <= mc["max_engine_runs"].as_u64().unwrap());

    // The folder: the Monte Carlo tornado's own files; tornado.json as before.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tornado.json")).unwrap()).unwrap();
    assert!(saved.get("monte_carlo").is_none());
    let mc_file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tornado-mc.json")).unwrap())
            .unwrap();
    assert_eq!(&mc_file, mc);
    let csv = std::fs::read_to_string(out.join("tornado-mc.csv")).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "tornado-mc.csv opens with the byte-order mark"
    );
    let header = csv.lines().next().unwrap();
    for col in [
        "net_position_mean_low",
        "net_position_p5_high",
        "p_sustained_break_even_by_year_low",
        "switching_p_sustained_break_even_50",
        "engine_runs",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col} in {header}");
    }
    assert_eq!(csv.lines().count(), 2);
    assert!(out.join("tornado-mc.svg").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("sec-mc-tornado"));
    assert!(html.contains("P(sustained break-even by 2023/24)"));
}
