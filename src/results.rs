//! Everything one deterministic run of a scenario produces, in one value.

use crate::finance::{DoNothingBudget, PlanFinance, do_nothing_budget, plan_finance};
use crate::projection::{Projection, do_nothing_paths, project};
use crate::scenario::Scenario;
use serde::Serialize;

/// The deterministic results of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Deterministic {
    /// Children and cost by placement type each year.
    pub projection: Projection,
    /// Do-nothing path of all children at the scenario's growth rate.
    pub do_nothing_total: Vec<f64>,
    /// Do-nothing path excluding unaccompanied asylum-seeking children.
    pub do_nothing_exc_uasc: Vec<f64>,
    /// Appendix 5's budget table, when the scenario has a budget.
    pub budget: Option<DoNothingBudget>,
    /// Table 1 and Table 3, for plan scenarios.
    pub plan: Option<PlanFinance>,
}

/// Runs the deterministic model and the finance on a scenario.
pub fn run(s: &Scenario) -> Deterministic {
    let projection = project(s);
    let (do_nothing_total, do_nothing_exc_uasc) = do_nothing_paths(&s.do_nothing, s.n_years());
    Deterministic {
        budget: do_nothing_budget(s),
        plan: plan_finance(s, &projection),
        projection,
        do_nothing_total,
        do_nothing_exc_uasc,
    }
}
