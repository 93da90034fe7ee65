//! Sensitivity analysis on the deterministic model: grid sweeps over any numeric
//! field, the tornado of key assumptions, and Green Book switching values; and
//! the same on the Monte Carlo engine ([`mc_tornado`]).
//!
//! Builds no thread pool and draws no progress bars: callers evaluate points in
//! whatever order and parallelism they like; each point is independent. The
//! Monte Carlo tornado runs each point's paths on the caller's rayon pool.

pub mod mc_tornado;
pub mod ranges;
pub mod sweep;
pub mod tornado;

use crate::results;
use crate::scenario::Scenario;
use serde::Serialize;

/// What a sensitivity point reports about a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outcome {
    /// Break-even year label, e.g. "2023/24", if the plan breaks even in the horizon.
    #[serde(serialize_with = "ser_year")]
    pub break_even: Option<crate::FinancialYear>,
    /// Net position over the horizon: investment less savings, summed, £'000s (negative is a surplus).
    pub net_position: Option<f64>,
    /// Lowest MTFS impact of any year, £'000s (below zero: the paper's rule finds a break-even).
    pub lowest_impact: Option<f64>,
    /// MTFS impact in the last year, £'000s: at or below zero exactly when the
    /// plan has a sustained break-even within the horizon.
    pub final_impact: Option<f64>,
    /// Children in care at the last 31 March.
    pub final_lac: f64,
}

/// What one figure of a sweep or tornado is, for outputs to print beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// Its key in the JSON (dotted below a point or bar).
    pub key: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// Which model and statistic it is.
    pub statistic: &'static str,
    /// What it measures.
    pub what: &'static str,
}

/// The figures of an [`Outcome`] (the paper's deterministic model) and of the
/// Monte Carlo columns of a sweep point, so every number says what it is.
pub const FIGURES: [Figure; 9] = {
    const PAPER: &str = "paper model (deterministic)";
    const SPREAD: &str = "Monte Carlo: p5, p50 (median) and p95 across paths";
    [
        Figure {
            key: "break_even",
            unit: "financial year",
            statistic: PAPER,
            what: "sustained break-even year (null: none within the horizon)",
        },
        Figure {
            key: "net_position",
            unit: "£'000s",
            statistic: PAPER,
            what: "investment less savings over the horizon, summed (negative: a surplus)",
        },
        Figure {
            key: "lowest_impact",
            unit: "£'000s",
            statistic: PAPER,
            what: "lowest MTFS impact of any year (below zero: the paper's rule finds a break-even)",
        },
        Figure {
            key: "final_impact",
            unit: "£'000s",
            statistic: PAPER,
            what: "MTFS impact in the last year (at or below zero exactly when the break-even is sustained)",
        },
        Figure {
            key: "final_lac",
            unit: "children",
            statistic: PAPER,
            what: "children in care at the last 31 March",
        },
        Figure {
            key: "break_even_probability",
            unit: "probability",
            statistic: "Monte Carlo: share of paths",
            what: "a sustained break-even within the horizon (by its last year)",
        },
        Figure {
            key: "monte_carlo.net_position",
            unit: "£'000s",
            statistic: SPREAD,
            what: "net position over the horizon (paper's ledger)",
        },
        Figure {
            key: "monte_carlo.final_lac",
            unit: "children",
            statistic: SPREAD,
            what: "children in care at the last 31 March",
        },
        Figure {
            key: "monte_carlo.npv",
            unit: "£'000s",
            statistic: SPREAD,
            what: "Green Book NPV against the plan's own do-nothing arm (economic ledger)",
        },
    ]
};

fn ser_year<S: serde::Serializer>(
    y: &Option<crate::FinancialYear>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match y {
        Some(y) => s.serialize_str(&y.label()),
        None => s.serialize_none(),
    }
}

/// Evaluates a resolved scenario.
pub fn outcome(s: &Scenario) -> Outcome {
    let r = results::run(s);
    let plan = r.plan.as_ref();
    Outcome {
        break_even: plan.and_then(|f| f.break_even).map(|b| b.year),
        net_position: plan.and_then(|f| f.cumulative_net.last().copied()),
        lowest_impact: plan.map(|f| f.mtfs_impact.iter().copied().fold(f64::INFINITY, f64::min)),
        final_impact: plan.and_then(|f| f.mtfs_impact.last().copied()),
        final_lac: r.projection.total.last().copied().unwrap_or(0.0),
    }
}
