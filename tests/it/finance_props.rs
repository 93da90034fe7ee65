//! Property tests for the finance rules.

use super::common::load_builtin;
use lacsim::finance::{break_even, placement_savings, plan_finance};
use lacsim::placement::ByPlacement;
use lacsim::projection::{grow, project, scale_mix};
use proptest::prelude::*;

proptest! {
    /// Raising any given saving in any year never delays break-even.
    #[test]
    fn raising_a_saving_never_delays_break_even(year in 0usize..7, extra in 0.0f64..20_000.0) {
        let mut l = load_builtin("staffordshire-2019/investment-plan.toml");
        let before = plan_finance(&l.scenario, &project(&l.scenario)).unwrap().break_even;
        l.scenario.given_savings[0].amounts[year] += extra;
        let after = plan_finance(&l.scenario, &project(&l.scenario)).unwrap().break_even;
        let idx = |b: Option<lacsim::finance::BreakEven>| b.map_or(usize::MAX, |b| b.years_after);
        prop_assert!(idx(after) <= idx(before));
    }

    /// After the first year, the straight-line saving is the baseline less the mean of the year's start and end cost.
    #[test]
    fn straight_line_saving_is_baseline_less_mean(baseline in 0.0f64..1e8, ends in prop::collection::vec(0.0f64..1e8, 2..10), share in 0.0f64..=1.0) {
        let s = placement_savings(baseline, &ends, share);
        prop_assert!((s[0] * 1000.0 - share * (baseline - ends[0])).abs() < 1e-6 * baseline.max(1.0));
        for t in 1..ends.len() {
            let want = (baseline - (ends[t - 1] + ends[t]) / 2.0) / 1000.0;
            prop_assert!((s[t] - want).abs() < 1e-9 * baseline.max(1.0));
        }
    }

    /// Sustained break-even is the first year from which every impact is at or
    /// below zero: never before the paper's first negative year, and none when
    /// the last year is in deficit.
    #[test]
    fn break_even_is_the_first_year_of_a_surplus_that_lasts(impact in prop::collection::vec(-1000.0f64..1000.0, 1..10)) {
        let years: Vec<_> = (0..impact.len() as i32).map(|i| lacsim::FinancialYear(2019 + i)).collect();
        let b = break_even(&years, &impact).map(|b| b.years_after);
        match b {
            Some(i) => {
                prop_assert!(impact[i..].iter().all(|&v| v <= 0.0));
                prop_assert!(i == 0 || impact[i - 1] > 0.0);
            }
            None => prop_assert!(*impact.last().unwrap() > 0.0),
        }
        let first = lacsim::finance::break_even::first_negative(&years, &impact).map(|b| b.years_after);
        prop_assert_eq!(first, impact.iter().position(|&v| v < 0.0));
        if let (Some(s), Some(f)) = (b, first) {
            prop_assert!(f <= s || impact[s..].iter().all(|&v| v == 0.0));
        }
    }

    /// Compound growth with whole-child rounding never moves against the rate.
    #[test]
    fn growth_follows_the_sign_of_the_rate(start in 0u32..5000, rate in -0.5f64..0.5) {
        let path = grow(start as f64, rate, 8, true);
        for w in path.windows(2) {
            if rate >= 0.0 { prop_assert!(w[1] >= w[0]); } else { prop_assert!(w[1] <= w[0]); }
            prop_assert_eq!(w[1].fract(), 0.0);
        }
    }

    /// Scaling today's mix keeps its shape and hits the total.
    #[test]
    fn scaled_mix_sums_to_the_total(counts in prop::array::uniform10(0u32..500), total in 0.0f64..5000.0) {
        let cohort = ByPlacement(counts.map(f64::from));
        prop_assume!(cohort.total() > 0.0);
        let mix = scale_mix(&cohort, total);
        prop_assert!((mix.total() - total).abs() < 1e-6);
    }
}
