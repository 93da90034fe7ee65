//! The metrics of the result cube `[path, year, metric]`: a typed enum carrying
//! each metric's position in a row, its output names, its unit, and which
//! ledger it belongs to.
//!
//! Two ledgers (design brief §4a). The *paper's ledger* reproduces Tables 1 and
//! 3: savings against the plan's baseline cost, growth a pressure and its
//! avoidance a saving, the impact measured against the budget. The *economic
//! ledger* is the Green Book one: the invest arm less the comparator arm on the
//! same path, so a scenario compared with itself gives exactly 0.
//!
//! Must not: hold values, or know how a metric is computed (the runner does).

use crate::placement::Placement;
use serde::Serialize;

/// The unit a metric is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// Children (counts at 31 March, or flows in the year).
    Children,
    /// Pounds.
    Pounds,
    /// Thousands of pounds, the paper's unit.
    Thousands,
}

impl MetricUnit {
    /// As written in tidy CSV `unit` columns and JSON `unit` fields.
    pub const fn label(self) -> &'static str {
        match self {
            MetricUnit::Children => "children",
            MetricUnit::Pounds => "pounds",
            MetricUnit::Thousands => "£'000s",
        }
    }

    /// As written in a CSV column name (ASCII, so it survives any spreadsheet).
    pub const fn suffix(self) -> &'static str {
        match self {
            MetricUnit::Children => "children",
            MetricUnit::Pounds => "gbp",
            MetricUnit::Thousands => "gbp_000s",
        }
    }
}

/// Which ledger a metric belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ledger {
    /// One arm's own figures (children, costs).
    Arm,
    /// Tables 1 and 3 as the paper keeps them.
    Paper,
    /// Invest arm less comparator arm on the same path (Green Book).
    Economic,
    /// The comparator arm's own budget position.
    Comparator,
}

/// One metric of the cube.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Children in care at 31 March.
    Lac,
    /// Children in care at 31 March of one placement type.
    LacBy(Placement),
    /// In-year placement cost (sum of monthly costs), pounds.
    Cost,
    /// In-year placement cost of one placement type, pounds.
    CostBy(Placement),
    /// In-year cost of post-care allowances and SGO legal costs, pounds.
    PostCareCost,
    /// Children entering care in the year.
    Entries,
    /// Children leaving care in the year.
    Leavers,
    /// Paper's ledger: the plan's baseline cost less the path's in-year cost, £'000s.
    SavingsPlacements,
    /// Paper's ledger: the comparator's in-year cost over the baseline, plus price pressure, £'000s.
    SavingsAvoidedGrowth,
    /// Paper's ledger: all savings, £'000s.
    SavingsTotal,
    /// Paper's ledger: investment less savings, £'000s.
    ReturnOnInvestment,
    /// Paper's ledger: impact on the MTFS, £'000s (negative: the plan pays its way).
    MtfsImpact,
    /// Paper's ledger: cumulative return on investment, £'000s.
    CumulativeNet,
    /// Children in care at 31 March on the comparator arm.
    ComparatorLac,
    /// In-year cost (placements and post-care) on the comparator arm, pounds.
    ComparatorCost,
    /// Economic ledger: comparator cost less invest cost on the same path
    /// (after any optimism-bias shortfall), plus the difference in given savings, £'000s.
    PairedSaving,
    /// Economic ledger: invest arm's investment less the comparator's, £'000s.
    IncrementalInvestment,
    /// Economic ledger: paired saving less incremental investment, £'000s.
    NetCashFlow,
    /// The comparator's budget gap on this path: its Appendix 5 underlying
    /// overspend and price pressure plus its arm's cost over its baseline, £'000s.
    ComparatorGap,
}

/// Metrics an arm writes for itself: the first seven kinds, 25 metrics.
pub const ARM_METRICS: usize = 25;
/// Number of metrics.
pub const N_METRICS: usize = 37;
/// Metrics the results cube holds for every path: all but
/// [`Metric::IncrementalInvestment`], which comes from the two scenarios'
/// investment lines alone, so is the same on every path and held once a year.
pub const STORED_METRICS: usize = N_METRICS - 1;

impl Metric {
    /// Every metric, in cube order.
    pub fn all() -> impl Iterator<Item = Metric> {
        (0..N_METRICS).map(Metric::from_index)
    }

    /// Position in a row of the results cube, `None` for the metric that is
    /// the same on every path (see [`STORED_METRICS`]).
    pub const fn stored_index(self) -> Option<usize> {
        let (i, skip) = (self.index(), Metric::IncrementalInvestment.index());
        if i == skip {
            None
        } else if i < skip {
            Some(i)
        } else {
            Some(i - 1)
        }
    }

    /// Position in a path's row.
    pub const fn index(self) -> usize {
        match self {
            Metric::Lac => 0,
            Metric::LacBy(p) => 1 + p as usize,
            Metric::Cost => 11,
            Metric::CostBy(p) => 12 + p as usize,
            Metric::PostCareCost => 22,
            Metric::Entries => 23,
            Metric::Leavers => 24,
            Metric::SavingsPlacements => 25,
            Metric::SavingsAvoidedGrowth => 26,
            Metric::SavingsTotal => 27,
            Metric::ReturnOnInvestment => 28,
            Metric::MtfsImpact => 29,
            Metric::CumulativeNet => 30,
            Metric::ComparatorLac => 31,
            Metric::ComparatorCost => 32,
            Metric::PairedSaving => 33,
            Metric::IncrementalInvestment => 34,
            Metric::NetCashFlow => 35,
            Metric::ComparatorGap => 36,
        }
    }

    /// The metric at position `i` of a row (panics beyond [`N_METRICS`]).
    pub fn from_index(i: usize) -> Metric {
        match i {
            0 => Metric::Lac,
            1..=10 => Metric::LacBy(Placement::ALL[i - 1]),
            11 => Metric::Cost,
            12..=21 => Metric::CostBy(Placement::ALL[i - 12]),
            22 => Metric::PostCareCost,
            23 => Metric::Entries,
            24 => Metric::Leavers,
            25 => Metric::SavingsPlacements,
            26 => Metric::SavingsAvoidedGrowth,
            27 => Metric::SavingsTotal,
            28 => Metric::ReturnOnInvestment,
            29 => Metric::MtfsImpact,
            30 => Metric::CumulativeNet,
            31 => Metric::ComparatorLac,
            32 => Metric::ComparatorCost,
            33 => Metric::PairedSaving,
            34 => Metric::IncrementalInvestment,
            35 => Metric::NetCashFlow,
            36 => Metric::ComparatorGap,
            _ => panic!("metric index {i} out of range"),
        }
    }

    /// Whether the metric needs a plan and a paired comparator arm.
    pub const fn needs_pair(self) -> bool {
        self.index() >= ARM_METRICS
    }

    /// The ledger the metric belongs to.
    pub const fn ledger(self) -> Ledger {
        match self {
            Metric::SavingsPlacements
            | Metric::SavingsAvoidedGrowth
            | Metric::SavingsTotal
            | Metric::ReturnOnInvestment
            | Metric::MtfsImpact
            | Metric::CumulativeNet => Ledger::Paper,
            Metric::PairedSaving | Metric::IncrementalInvestment | Metric::NetCashFlow => {
                Ledger::Economic
            }
            Metric::ComparatorLac | Metric::ComparatorCost | Metric::ComparatorGap => {
                Ledger::Comparator
            }
            _ => Ledger::Arm,
        }
    }

    /// The unit.
    pub const fn unit(self) -> MetricUnit {
        match self {
            Metric::Lac
            | Metric::LacBy(_)
            | Metric::Entries
            | Metric::Leavers
            | Metric::ComparatorLac => MetricUnit::Children,
            Metric::Cost | Metric::CostBy(_) | Metric::PostCareCost | Metric::ComparatorCost => {
                MetricUnit::Pounds
            }
            _ => MetricUnit::Thousands,
        }
    }

    /// What the figure is, in a line, as outputs define it beside its key
    /// (so a reader who subtracts one from another knows what is in each).
    pub const fn definition(self) -> &'static str {
        match self {
            Metric::Lac => "children in care at 31 March",
            Metric::LacBy(_) => "children in care at 31 March in this placement type",
            Metric::Cost => {
                "in-year cost of placements (the sum of monthly costs); post-care is post_care_cost"
            }
            Metric::CostBy(_) => "in-year cost of placements of this type",
            Metric::PostCareCost => {
                "in-year cost of post-care allowances (SGO, child arrangement, adoption) and SGO legal costs"
            }
            Metric::Entries => "children entering care in the year",
            Metric::Leavers => "children leaving care in the year",
            Metric::SavingsPlacements => {
                "paper's ledger: the plan's baseline (today's children at today's prices) less the arm's in-year placement and post-care cost"
            }
            Metric::SavingsAvoidedGrowth => {
                "paper's ledger: the comparator arm's in-year placement and post-care cost over today's children at that year's prices, plus price pressure"
            }
            Metric::SavingsTotal => "paper's ledger: all savings",
            Metric::ReturnOnInvestment => "paper's ledger: investment less savings",
            Metric::MtfsImpact => {
                "paper's ledger: impact on the MTFS against the budget, whatever the comparator (negative: the plan pays its way)"
            }
            Metric::CumulativeNet => "paper's ledger: cumulative return on investment",
            Metric::ComparatorLac => "children in care at 31 March on the comparator arm",
            Metric::ComparatorCost => {
                "in-year cost of placements and post-care on the comparator arm (unlike cost.total, it includes post-care)"
            }
            Metric::PairedSaving => {
                "economic ledger: the comparator arm's placement and post-care cost less the invest arm's on the same path, plus the difference in given savings"
            }
            Metric::IncrementalInvestment => {
                "economic ledger: the invest scenario's investment less the comparator's"
            }
            Metric::NetCashFlow => "economic ledger: paired saving less incremental investment",
            Metric::ComparatorGap => {
                "the comparator's budget gap: its underlying overspend and price pressure plus its arm's cost over today's children at that year's prices on the path"
            }
        }
    }

    /// The placement type, or `None` for all.
    pub const fn placement(self) -> Option<Placement> {
        match self {
            Metric::LacBy(p) | Metric::CostBy(p) => Some(p),
            _ => None,
        }
    }

    /// Dotted JSON key, e.g. `lac.by_type.ifa`, `plan.mtfs_impact`.
    pub fn key(self) -> String {
        match self {
            Metric::LacBy(p) => format!("lac.by_type.{}", p.key()),
            Metric::CostBy(p) => format!("cost.by_type.{}", p.key()),
            other => other.base_key().to_string(),
        }
    }

    fn base_key(self) -> &'static str {
        match self {
            Metric::Lac | Metric::LacBy(_) => "lac.total",
            Metric::Cost | Metric::CostBy(_) => "cost.total",
            Metric::PostCareCost => "post_care_cost",
            Metric::Entries => "entries",
            Metric::Leavers => "leavers",
            Metric::SavingsPlacements => "plan.savings.placements",
            Metric::SavingsAvoidedGrowth => "plan.savings.avoided_growth",
            Metric::SavingsTotal => "plan.savings.total",
            Metric::ReturnOnInvestment => "plan.return_on_investment",
            Metric::MtfsImpact => "plan.mtfs_impact",
            Metric::CumulativeNet => "plan.cumulative_net",
            Metric::ComparatorLac => "do_nothing.lac.total",
            Metric::ComparatorCost => "do_nothing.cost.total",
            // The key scripts already read; it now holds the economic-ledger saving.
            Metric::PairedSaving => "plan.saving_vs_do_nothing",
            Metric::IncrementalInvestment => "plan.incremental_investment",
            Metric::NetCashFlow => "plan.net_cash_flow",
            Metric::ComparatorGap => "do_nothing.budget_gap",
        }
    }

    /// Tidy CSV metric name (same names as deterministic runs where they overlap).
    pub const fn tidy(self) -> &'static str {
        match self {
            Metric::Lac | Metric::LacBy(_) => "lac",
            Metric::Cost | Metric::CostBy(_) => "cost",
            Metric::PostCareCost => "post_care_cost",
            Metric::Entries => "entries",
            Metric::Leavers => "leavers",
            Metric::SavingsPlacements => "savings_placements",
            Metric::SavingsAvoidedGrowth => "savings_avoided_growth",
            Metric::SavingsTotal => "savings_total",
            Metric::ReturnOnInvestment => "return_on_investment",
            Metric::MtfsImpact => "mtfs_impact",
            Metric::CumulativeNet => "cumulative_net",
            Metric::ComparatorLac => "do_nothing_lac",
            Metric::ComparatorCost => "do_nothing_cost",
            Metric::PairedSaving => "saving_vs_do_nothing",
            Metric::IncrementalInvestment => "incremental_investment",
            Metric::NetCashFlow => "net_cash_flow",
            Metric::ComparatorGap => "do_nothing_budget_gap",
        }
    }
}

/// Metric `m` of year `t` in a row of `n_years × N_METRICS` values.
pub fn at(row: &[f64], t: usize, m: Metric) -> f64 {
    row[t * N_METRICS + m.index()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_round_trips_and_keys_are_unique() {
        let mut keys = std::collections::BTreeSet::new();
        for i in 0..N_METRICS {
            let m = Metric::from_index(i);
            assert_eq!(m.index(), i);
            assert!(keys.insert(m.key()), "duplicate key {}", m.key());
        }
        assert_eq!(Metric::Leavers.index() + 1, ARM_METRICS);
        assert_eq!(crate::placement::N_PLACEMENTS, 10);
    }
}
