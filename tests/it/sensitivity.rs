//! Sweeps, the tornado and switching values on the reference plan.

use super::common::load_builtin;
use lacsim::sensitivity::outcome;
use lacsim::sensitivity::sweep::{self, Axis, Grid, SweepError};
use lacsim::sensitivity::tornado::{self, key_assumptions};

#[test]
fn sweep_at_the_base_value_reproduces_the_paper() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let grid = Grid::new(
        &l,
        vec![Axis::parse("unit_costs.ifa=39613:39613:1").unwrap()],
        false,
    )
    .unwrap();
    let p = sweep::evaluate(&l, &grid, 0, None).unwrap();
    assert_eq!(p.outcome.break_even.unwrap().label(), "2023/24");
    assert_eq!(p.outcome, outcome(&l.scenario));
    assert_eq!(p.outcome.final_lac, 829.0);
}

#[test]
fn one_way_sweep_of_ifa_cost_moves_net_position_monotonically() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let grid = Grid::new(
        &l,
        vec![Axis::parse("unit_costs.ifa=30000:50000:2500").unwrap()],
        false,
    )
    .unwrap();
    assert_eq!(grid.len(), 9);
    let points: Vec<_> = (0..grid.len())
        .map(|k| sweep::evaluate(&l, &grid, k, None).unwrap())
        .collect();
    assert_eq!(points[8].values, vec![50000.0]);
    // Dearer IFA placements make every avoided placement save more: the net position falls.
    for w in points.windows(2) {
        assert!(w[1].outcome.net_position.unwrap() < w[0].outcome.net_position.unwrap());
    }
}

#[test]
fn two_way_grid_is_row_major() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let grid = Grid::new(
        &l,
        vec![
            Axis::parse("plan.first_year_share=0:1:0.5").unwrap(),
            Axis::parse("unit_costs.ifa=30000:40000:5000").unwrap(),
        ],
        false,
    )
    .unwrap();
    assert_eq!(grid.len(), 9);
    assert_eq!(grid.point(0), vec![0.0, 30000.0]);
    assert_eq!(grid.point(1), vec![0.0, 35000.0]);
    assert_eq!(grid.point(8), vec![1.0, 40000.0]);
}

#[test]
fn sweep_refuses_unknown_text_and_huge_grids() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let e = Grid::new(
        &l,
        vec![Axis::parse("do_nothing.growth_rat=0:1:0.1").unwrap()],
        false,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("did you mean `do_nothing.growth_rate`"),
        "{e}"
    );
    let e = Grid::new(
        &l,
        vec![Axis::parse("authority.name=0:1:0.1").unwrap()],
        false,
    )
    .unwrap_err();
    assert!(e.to_string().contains("is text, not a number"), "{e}");
    let e = Grid::new(
        &l,
        vec![Axis::parse("unit_costs.ifa=0:100000:1").unwrap()],
        false,
    )
    .unwrap_err();
    assert_eq!(e, SweepError::TooBig(100_001));
    assert!(
        Grid::new(
            &l,
            vec![Axis::parse("unit_costs.ifa=0:100000:1").unwrap()],
            true
        )
        .is_ok()
    );
}

#[test]
fn tornado_ranks_by_swing_and_finds_switching_values() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let t = tornado::tornado(&l, key_assumptions(&l)).unwrap();
    assert_eq!(t.base.break_even.unwrap().label(), "2023/24");
    assert!(t.bars.len() >= 10, "{} bars", t.bars.len());
    for w in t.bars.windows(2) {
        assert!(w[0].swing >= w[1].swing);
    }
    // Plan delivery: the switching factor is where the lowest yearly impact crosses zero.
    let delivery = t
        .bars
        .iter()
        .find(|b| b.assumption.name.starts_with("Plan delivery"))
        .unwrap();
    let f = delivery
        .switching_factor
        .expect("plan delivery has a switching value");
    assert!(f < 1.0 && f > 0.0, "{f}");
    let just_below = outcome(&delivery.assumption.apply(&l, f - 0.01).unwrap());
    let just_above = outcome(&delivery.assumption.apply(&l, f + 0.01).unwrap());
    assert!(
        just_below.break_even.is_none(),
        "below the switching value the plan must not break even"
    );
    assert!(just_above.break_even.is_some());
    // One-field assumptions report the value itself: IFA cost at the switching factor.
    let ifa = t
        .bars
        .iter()
        .find(|b| b.assumption.name == "Unit cost: Foster Placement - Independent")
        .unwrap();
    if let (Some(f), Some(v)) = (ifa.switching_factor, ifa.switching_value) {
        assert!((v - 39613.0 * f).abs() < 1e-6);
    }
}

#[test]
fn growth_cost_scales_with_extra_children_when_the_rate_moves() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    // At the rate it was costed at, the paper's line is used as given.
    let at_base = lacsim::finance::growth_cost(&l.scenario);
    assert_eq!(at_base[6], 12641.0);
    // At 11% there are 1,061 extra children by 2025/26 instead of 270: the cost scales by that ratio.
    let s = l
        .with_changes(&[(
            "do_nothing.growth_rate".into(),
            lacsim::scenario::fields::Change::Set(0.11),
        )])
        .unwrap();
    let at_11 = lacsim::finance::growth_cost(&s);
    assert!(
        (at_11[6] - 12641.0 * 1061.0 / 270.0).abs() < 1e-6,
        "{}",
        at_11[6]
    );
    assert_eq!(at_11[0], 0.0);
}

#[test]
fn engine_tornado_swings_the_ranges_given_in_the_scenario() {
    use lacsim::sensitivity::ranges;
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let ranged = ranges::ranged_assumptions(&l);
    assert!(
        ranged
            .iter()
            .any(|r| r.field == "stochastic.interventions[0].effects.entries"
                && r.low == -0.25
                && r.high == -0.03)
    );
    assert!(
        ranged
            .iter()
            .all(|r| r.low <= r.central && r.central <= r.high)
    );
    let (t, _) = ranges::engine_tornado(&l).unwrap();
    assert_eq!(t.bars.len(), ranged.len());
    assert!(t.bars.windows(2).all(|w| w[0].swing >= w[1].swing));
    assert!(
        t.bars
            .iter()
            .all(|b| b.assumption.range_source.starts_with("scenario range"))
    );
    // Stronger FGC (more negative effect on entries) must not make the net position worse.
    let fgc = t
        .bars
        .iter()
        .find(|b| b.assumption.name == "fgc: effect on entries")
        .unwrap();
    assert!(fgc.low.net_position.unwrap() < fgc.high.net_position.unwrap());
    // Where a switching value is reported, break-even within the horizon is lost just past it.
    for b in t.bars.iter().filter(|b| b.switching_value.is_some()) {
        let v = b.switching_value.unwrap();
        let r = ranged.iter().find(|r| r.name == b.assumption.name).unwrap();
        let step = (v - r.central).signum() * 2e-3 * (r.high - r.low).abs().max(1e-3);
        let changes: Vec<(String, lacsim::scenario::fields::Change)> = ranged
            .iter()
            .map(|x| {
                (
                    x.field.clone(),
                    lacsim::scenario::fields::Change::Replace(if x.field == r.field {
                        v + step
                    } else {
                        x.central
                    }),
                )
            })
            .collect();
        let past = ranges::expected_outcome(&l.with_changes(&changes).unwrap()).unwrap();
        assert!(
            past.break_even.is_none(),
            "{}: still breaks even past its switching value {v}",
            b.assumption.name
        );
    }
}

#[test]
fn dearer_ifa_in_a_monte_carlo_sweep_lowers_the_chance_of_breaking_even_on_the_same_paths() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let grid = Grid::new(
        &l,
        vec![Axis::parse("unit_costs.ifa=30000:50000:20000").unwrap()],
        false,
    )
    .unwrap();
    let mc = Some(sweep::Paths {
        paths: 200,
        seed: 11,
    });
    let cheap = sweep::evaluate(&l, &grid, 0, mc).unwrap();
    let dear = sweep::evaluate(&l, &grid, 1, mc).unwrap();
    let (c, d) = (cheap.monte_carlo.unwrap(), dear.monte_carlo.unwrap());
    assert_eq!(cheap.break_even_probability, Some(c.break_even_probability));
    // Prices move money, not children: on common random numbers every path
    // keeps its children, so the spread of children at the end is identical.
    assert_eq!(c.final_lac, d.final_lac);
    // Dearer placements: the standstill overspend grows faster than the saving.
    assert!(d.break_even_probability < c.break_even_probability);
    // ...while every avoided IFA placement is worth more against doing nothing.
    assert!(d.npv.p50 > c.npv.p50);
    assert!(c.net_position.p5 <= c.net_position.p50 && c.net_position.p50 <= c.net_position.p95);
}

#[test]
fn tornado_can_rank_by_how_far_break_even_moves() {
    let l = load_builtin("staffordshire-2019/investment-plan.toml");
    let mut t = tornado::tornado(&l, key_assumptions(&l)).unwrap();
    tornado::rank(&mut t.bars, tornado::RankBy::BreakEven);
    for w in t.bars.windows(2) {
        assert!(w[0].break_even_swing_years >= w[1].break_even_swing_years);
    }
    let ifa = t
        .bars
        .iter()
        .find(|b| b.assumption.name == "Unit cost: Foster Placement - Independent")
        .unwrap();
    // ±20% on IFA moves break-even from 2022/23 (cheaper) to 2024/25 (dearer).
    assert_eq!(ifa.low.break_even.unwrap().label(), "2022/23");
    assert_eq!(ifa.high.break_even.unwrap().label(), "2024/25");
    assert_eq!(ifa.break_even_swing_years, 2);
    // The switching value is where dearer IFA loses a lasting break-even.
    assert!(ifa.switching_factor.unwrap() > 1.0);
}
