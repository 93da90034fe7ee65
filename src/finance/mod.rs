//! The money: the do-nothing budget table (Appendix 5), the plan's investment and
//! savings (Table 1), the MTFS position (Table 3) and the break-even year.
//!
//! Works in £'000s, the paper's unit, from a [`Projection`] and a [`Scenario`];
//! rounding happens only when a table is shown.

pub mod break_even;
pub mod discount;

pub use break_even::{BreakEven, break_even};

use crate::projection::{Projection, grow};
use crate::scenario::Scenario;
use serde::Serialize;

/// Appendix 5's do-nothing budget table, £'000s per year.
#[derive(Debug, Clone, Serialize)]
pub struct DoNothingBudget {
    /// Name of the budget.
    pub name: String,
    /// The scenario's growth rate.
    pub growth_rate: f64,
    /// Base budget.
    pub budget: Vec<f64>,
    /// Budget plus underlying overspend.
    pub standstill: Vec<f64>,
    /// Cost of growth in numbers at this rate.
    pub growth_in_numbers: Vec<f64>,
    /// New price pressure.
    pub prices: Vec<f64>,
    /// Standstill plus growth plus prices.
    pub total: Vec<f64>,
    /// Total less budget.
    pub gap: Vec<f64>,
}

/// Cost of growth in numbers each year at the scenario's growth rate, £'000s.
///
/// The given line is costed at `growth_costed_at`; at another rate each year's
/// cost scales with the extra children over the first year, which keeps the
/// paper's figures at the paper's rate and lets sweeps move the rate.
pub fn growth_cost(s: &Scenario) -> Vec<f64> {
    let Some(b) = &s.budget else {
        return vec![0.0; s.n_years()];
    };
    let dn = &s.do_nothing;
    match b.growth_costed_at {
        Some(at) if at != dn.growth_rate => {
            let n = s.n_years();
            let now = grow(dn.start_total, dn.growth_rate, n, dn.round_each_year);
            let costed = grow(dn.start_total, at, n, dn.round_each_year);
            (0..n)
                .map(|t| {
                    let extra = costed[t] - dn.start_total;
                    if extra.abs() < 1e-9 {
                        0.0
                    } else {
                        b.growth_in_numbers[t] * (now[t] - dn.start_total) / extra
                    }
                })
                .collect()
        }
        _ => b.growth_in_numbers.clone(),
    }
}

/// Builds the do-nothing budget table, if the scenario has a budget.
pub fn do_nothing_budget(s: &Scenario) -> Option<DoNothingBudget> {
    let b = s.budget.as_ref()?;
    let standstill: Vec<f64> = b
        .base
        .iter()
        .zip(&b.underlying_overspend)
        .map(|(a, o)| a + o)
        .collect();
    let growth_in_numbers = growth_cost(s);
    let total: Vec<f64> = (0..s.n_years())
        .map(|t| standstill[t] + growth_in_numbers[t] + b.price_pressure[t])
        .collect();
    let gap = total.iter().zip(&b.base).map(|(t, a)| t - a).collect();
    Some(DoNothingBudget {
        name: b.name.clone(),
        growth_rate: s.do_nothing.growth_rate,
        budget: b.base.clone(),
        standstill,
        growth_in_numbers,
        prices: b.price_pressure.clone(),
        total,
        gap,
    })
}

/// A named line of £'000s by year.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// Identifier.
    pub id: String,
    /// Label.
    pub name: String,
    /// £'000s per year.
    pub values: Vec<f64>,
}

/// A group of investment lines and its subtotal.
#[derive(Debug, Clone, Serialize)]
pub struct InvestmentGroupTotals {
    /// Heading.
    pub name: String,
    /// Subtotal label.
    pub total_label: String,
    /// Lines.
    pub lines: Vec<Line>,
    /// Subtotal per year.
    pub total: Vec<f64>,
}

/// Table 1 and Table 3 of the paper, £'000s per year, savings positive.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFinance {
    /// Investment groups with subtotals.
    pub investment: Vec<InvestmentGroupTotals>,
    /// Total investment per year.
    pub investment_total: Vec<f64>,
    /// Placement savings (straight line through each year).
    pub placements: Vec<f64>,
    /// Avoided growth: the do-nothing cost over standstill.
    pub avoided_growth: Vec<f64>,
    /// Savings given as figures (e.g. workforce).
    pub given: Vec<Line>,
    /// All savings per year.
    pub savings_total: Vec<f64>,
    /// Investment less savings: positive is a deficit.
    pub return_on_investment: Vec<f64>,
    /// Existing MTFS savings still to be delivered.
    pub mtfs_undelivered: Vec<f64>,
    /// Forecast overspend after one-off grants.
    pub forecast_overspend: Vec<f64>,
    /// Growth added back as a pressure (equal to avoided growth).
    pub growth: Vec<f64>,
    /// Impact on the MTFS: negative means the plan has paid its way that year.
    pub mtfs_impact: Vec<f64>,
    /// Cumulative return on investment.
    pub cumulative_net: Vec<f64>,
    /// Sustained break-even: the first year from which the MTFS impact stays at
    /// or below zero (the headline; for the paper's plan the same as its rule).
    pub break_even: Option<BreakEven>,
    /// The paper's rule: the first year the MTFS impact is negative.
    pub break_even_first_negative: Option<BreakEven>,
}

/// Placement savings, £'000s: the baseline cost less the mean of each year's
/// start and end cost (the straight-line in-year rule of paragraph 35b); the
/// first year counts `first_year_share` of the drop to its 31 March.
pub fn placement_savings(baseline_cost: f64, end_costs: &[f64], first_year_share: f64) -> Vec<f64> {
    (0..end_costs.len())
        .map(|t| {
            let pounds = if t == 0 {
                first_year_share * (baseline_cost - end_costs[0])
            } else {
                baseline_cost - (end_costs[t - 1] + end_costs[t]) / 2.0
            };
            pounds / 1000.0
        })
        .collect()
}

/// Optimism bias on a saving (HM Treasury Green Book): a saving falls short by
/// the share `ob_savings`; a cost rise (a negative saving) stays whole, so the
/// adjustment can only make a plan look worse, never better.
pub fn shortfall(saving: f64, ob_savings: f64) -> f64 {
    if saving > 0.0 {
        saving * (1.0 - ob_savings)
    } else {
        saving
    }
}

/// Savings `months` later: each year takes, by linear interpolation, what the
/// line held `months / 12` years before (nothing before the first year).
pub fn delay(savings: &[f64], months: f64) -> Vec<f64> {
    let shift = months / 12.0;
    let whole = shift.floor() as usize;
    let frac = shift - shift.floor();
    let at = |i: Option<usize>| i.and_then(|i| savings.get(i)).copied().unwrap_or(0.0);
    (0..savings.len())
        .map(|t| (1.0 - frac) * at(t.checked_sub(whole)) + frac * at(t.checked_sub(whole + 1)))
        .collect()
}

/// The plan's yearly inputs that do not depend on the projection, £'000s.
#[derive(Debug, Clone, Serialize)]
pub struct PlanInputs {
    /// Total investment.
    pub investment_total: Vec<f64>,
    /// Savings given as figures, summed (e.g. workforce).
    pub given_total: Vec<f64>,
    /// Existing MTFS savings still to be delivered.
    pub undelivered: Vec<f64>,
    /// Forecast overspend after one-off grants.
    pub overspend: Vec<f64>,
    /// New price pressure (part of avoided growth).
    pub price_pressure: Vec<f64>,
    /// Whether the scenario has a budget (without one, Table 1 books no avoided growth).
    pub has_budget: bool,
}

impl PlanInputs {
    /// Collects the inputs from a scenario (zeros where it gives none).
    pub fn new(s: &Scenario) -> PlanInputs {
        let n = s.n_years();
        let ob = &s.optimism_bias;
        PlanInputs {
            investment_total: (0..n)
                .map(|t| {
                    s.investment
                        .iter()
                        .flat_map(|g| &g.lines)
                        .map(|l| l.amounts[t])
                        .sum::<f64>()
                        * (1.0 + ob.investment)
                })
                .collect(),
            given_total: (0..n)
                .map(|t| {
                    s.given_savings.iter().map(|l| l.amounts[t]).sum::<f64>() * (1.0 - ob.savings)
                })
                .collect(),
            undelivered: s
                .mtfs
                .as_ref()
                .map_or(vec![0.0; n], |m| m.undelivered_savings.clone()),
            overspend: match &s.budget {
                Some(b) => (0..n)
                    .map(|t| b.underlying_overspend[t] - b.one_off_grants[t])
                    .collect(),
                None => vec![0.0; n],
            },
            price_pressure: match &s.budget {
                Some(b) => b.price_pressure.clone(),
                None => vec![0.0; n],
            },
            has_budget: s.budget.is_some(),
        }
    }
}

/// One year of Table 1 and Table 3, £'000s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearPosition {
    /// All savings.
    pub savings_total: f64,
    /// Investment less savings.
    pub return_on_investment: f64,
    /// Impact on the MTFS: return on investment + undelivered savings + overspend
    /// + growth (the avoided growth added back as a pressure).
    pub mtfs_impact: f64,
}

/// Year `t` of the MTFS position from that year's placement savings and avoided
/// growth (£'000s). Shared by the deterministic tables and every Monte Carlo path.
pub fn year_position(
    inp: &PlanInputs,
    t: usize,
    placements: f64,
    avoided_growth: f64,
) -> YearPosition {
    let savings_total = placements + avoided_growth + inp.given_total[t];
    let return_on_investment = inp.investment_total[t] - savings_total;
    YearPosition {
        savings_total,
        return_on_investment,
        mtfs_impact: return_on_investment + inp.undelivered[t] + inp.overspend[t] + avoided_growth,
    }
}

/// Builds Table 1 and Table 3 for a plan scenario; `None` for do-nothing scenarios.
pub fn plan_finance(s: &Scenario, p: &Projection) -> Option<PlanFinance> {
    let plan = s.plan.as_ref()?;
    let n = s.n_years();
    let inputs = PlanInputs::new(s);
    let ob = &s.optimism_bias;
    let investment: Vec<InvestmentGroupTotals> = s
        .investment
        .iter()
        .map(|g| InvestmentGroupTotals {
            name: g.name.clone(),
            total_label: g.total_label.clone(),
            lines: g
                .lines
                .iter()
                .map(|l| Line {
                    id: l.id.clone(),
                    name: l.name.clone(),
                    values: l
                        .amounts
                        .iter()
                        .map(|v| v * (1.0 + ob.investment))
                        .collect(),
                })
                .collect(),
            total: (0..n)
                .map(|t| g.lines.iter().map(|l| l.amounts[t]).sum::<f64>() * (1.0 + ob.investment))
                .collect(),
        })
        .collect();
    let investment_total: Vec<f64> = (0..n)
        .map(|t| investment.iter().map(|g| g.total[t]).sum())
        .collect();
    let placements: Vec<f64> = delay(
        &placement_savings(p.baseline_cost, &p.cost_total, plan.first_year_share),
        ob.delay_months,
    )
    .iter()
    .map(|v| shortfall(*v, ob.savings))
    .collect();
    let growth_in_numbers = growth_cost(s);
    let avoided_growth: Vec<f64> = match &s.budget {
        Some(b) => (0..n)
            .map(|t| growth_in_numbers[t] + b.price_pressure[t])
            .collect(),
        None => vec![0.0; n],
    };
    let given: Vec<Line> = s
        .given_savings
        .iter()
        .map(|l| Line {
            id: l.id.clone(),
            name: l.name.clone(),
            values: l.amounts.iter().map(|v| v * (1.0 - ob.savings)).collect(),
        })
        .collect();
    let positions: Vec<YearPosition> = (0..n)
        .map(|t| year_position(&inputs, t, placements[t], avoided_growth[t]))
        .collect();
    let savings_total: Vec<f64> = positions.iter().map(|y| y.savings_total).collect();
    let return_on_investment: Vec<f64> = positions.iter().map(|y| y.return_on_investment).collect();
    let mtfs_impact: Vec<f64> = positions.iter().map(|y| y.mtfs_impact).collect();
    let growth = avoided_growth.clone();
    let cumulative_net = return_on_investment
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v;
            Some(*acc)
        })
        .collect();
    let break_even = break_even(&s.years, &mtfs_impact);
    let break_even_first_negative = break_even::first_negative(&s.years, &mtfs_impact);
    Some(PlanFinance {
        investment,
        investment_total,
        placements,
        avoided_growth,
        given,
        savings_total,
        return_on_investment,
        mtfs_undelivered: inputs.undelivered,
        forecast_overspend: inputs.overspend,
        growth,
        mtfs_impact,
        cumulative_net,
        break_even,
        break_even_first_negative,
    })
}
