//! The deterministic projection: children in care by placement type each year,
//! and what they cost.
//!
//! Two modes, both from the Staffordshire 2019 paper:
//! - *do nothing* (Appendix 5): compound growth from a starting count, rounded
//!   to whole children every year before the next year's growth is applied;
//! - *plan* (Appendix 4): target totals at each 31 March, today's mix scaled to
//!   each total in fractional children, with "hold" rules ("one in, one out").

use crate::placement::ByPlacement;
use crate::scenario::{DoNothing, Plan, Scenario};
use serde::Serialize;

/// Children and cost at 31 March of each year.
#[derive(Debug, Clone, Serialize)]
pub struct Projection {
    /// Children in care at 31 March of each year.
    pub total: Vec<f64>,
    /// Children by placement type at 31 March of each year.
    pub by_type: Vec<ByPlacement<f64>>,
    /// Annual cost of the 31 March cohort by placement type, pounds.
    pub cost_by_type: Vec<ByPlacement<f64>>,
    /// Annual cost of the 31 March cohort, pounds.
    pub cost_total: Vec<f64>,
    /// Today's children (the cohort the scenario starts from).
    pub baseline_total: f64,
    /// Annual cost of today's children at first-year prices, pounds.
    pub baseline_cost: f64,
}

/// Compound growth as in Appendix 5: `n[0] = start`, `n[t] = round(n[t-1] * (1 + rate))`.
///
/// With `round_each_year` the count is rounded half away from zero every year,
/// which is what the paper's spreadsheet does (1,220 at 11% reaches 2,281).
pub fn grow(start: f64, rate: f64, years: usize, round_each_year: bool) -> Vec<f64> {
    let mut out = Vec::with_capacity(years);
    let mut n = start;
    for t in 0..years {
        if t > 0 {
            n *= 1.0 + rate;
            if round_each_year {
                n = n.round();
            }
        }
        out.push(n);
    }
    out
}

/// The do-nothing path of all children, and of children excluding UASC.
pub fn do_nothing_paths(d: &DoNothing, years: usize) -> (Vec<f64>, Vec<f64>) {
    let all = grow(d.start_total, d.growth_rate, years, d.round_each_year);
    let exc = grow(
        d.start_total - d.start_uasc,
        d.growth_rate,
        years,
        d.round_each_year,
    );
    (all, exc)
}

/// Today's mix scaled to `total` children (fractional, not rounded).
pub fn scale_mix(cohort: &ByPlacement<f64>, total: f64) -> ByPlacement<f64> {
    let today = cohort.total();
    if today == 0.0 {
        return ByPlacement::splat(0.0);
    }
    ByPlacement::from_fn(|p| cohort[p] * total / today)
}

/// The plan's mix at year `t`: today's mix scaled to the target, then each hold applied
/// (the held type set to its count, the absorbing type taking the difference, rounded
/// to a whole child), as Appendix 4 does from March 2024.
pub fn plan_mix(cohort: &ByPlacement<f64>, plan: &Plan, t: usize) -> ByPlacement<f64> {
    let mut mix = scale_mix(cohort, plan.totals[t]);
    for h in plan.holds.iter().filter(|h| t >= h.from) {
        let diff = h.count - mix[h.placement];
        mix[h.placement] = h.count;
        mix[h.absorbed_by] = (mix[h.absorbed_by] - diff).round().max(0.0);
    }
    mix
}

/// Cost of a mix at the given unit costs, by placement type.
pub fn cost(mix: &ByPlacement<f64>, unit_costs: &ByPlacement<f64>) -> ByPlacement<f64> {
    ByPlacement::from_fn(|p| mix[p] * unit_costs[p])
}

/// Projects the scenario: the plan when it has one, otherwise do nothing.
pub fn project(s: &Scenario) -> Projection {
    let n = s.n_years();
    let by_type: Vec<ByPlacement<f64>> = match &s.plan {
        Some(plan) => (0..n).map(|t| plan_mix(&s.cohort, plan, t)).collect(),
        None => {
            let (all, _) = do_nothing_paths(&s.do_nothing, n);
            all.iter()
                .map(|&total| scale_mix(&s.cohort, total))
                .collect()
        }
    };
    let cost_by_type: Vec<ByPlacement<f64>> = by_type
        .iter()
        .zip(&s.unit_costs)
        .map(|(m, c)| cost(m, c))
        .collect();
    // A plan's total is its target; the absorbing type's rounding does not move it.
    let total = match &s.plan {
        Some(plan) => plan.totals.clone(),
        None => by_type.iter().map(ByPlacement::total).collect(),
    };
    Projection {
        total,
        cost_total: cost_by_type.iter().map(ByPlacement::total).collect(),
        by_type,
        cost_by_type,
        baseline_total: s.cohort.total(),
        baseline_cost: cost(&s.cohort, &s.unit_costs[0]).total(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_rounds_each_year() {
        assert_eq!(grow(1220.0, 0.11, 3, true), vec![1220.0, 1354.0, 1503.0]);
        let unrounded = grow(1220.0, 0.11, 2, false);
        assert!((unrounded[1] - 1354.2).abs() < 1e-9);
    }
}
