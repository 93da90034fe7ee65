//! The metrics of the result cube `[path, year, metric]`: index, keys and units.

use crate::placement::{N_PLACEMENTS, Placement};

/// Children in care at 31 March.
pub const LAC_TOTAL: usize = 0;
/// Children in care at 31 March by placement type (10 metrics from here).
pub const LAC_BY_TYPE: usize = 1;
/// In-year placement cost (sum of monthly costs), pounds.
pub const COST_TOTAL: usize = 11;
/// In-year placement cost by placement type, pounds (10 metrics from here).
pub const COST_BY_TYPE: usize = 12;
/// In-year cost of post-care allowances and SGO legal costs, pounds.
pub const POST_CARE_COST: usize = 22;
/// Children entering care in the year.
pub const ENTRIES: usize = 23;
/// Children leaving care in the year.
pub const LEAVERS: usize = 24;
/// Metrics an arm writes for itself (the ones above).
pub const ARM_METRICS: usize = 25;
/// Placement savings, £'000s: baseline cost less the path's in-year cost (placements and post-care).
pub const SAVINGS_PLACEMENTS: usize = 25;
/// Avoided growth, £'000s: the paired do-nothing path's in-year cost over the baseline, plus price pressure.
pub const SAVINGS_AVOIDED_GROWTH: usize = 26;
/// All savings, £'000s.
pub const SAVINGS_TOTAL: usize = 27;
/// Investment less savings, £'000s.
pub const RETURN_ON_INVESTMENT: usize = 28;
/// Impact on the MTFS, £'000s (negative: the plan pays its way).
pub const MTFS_IMPACT: usize = 29;
/// Cumulative return on investment, £'000s.
pub const CUMULATIVE_NET: usize = 30;
/// Children in care at 31 March on the paired do-nothing path.
pub const DO_NOTHING_LAC: usize = 31;
/// In-year cost (placements and post-care) on the paired do-nothing path, pounds.
pub const DO_NOTHING_COST: usize = 32;
/// Paired saving against do nothing, £'000s: do-nothing cost less this path's cost.
pub const SAVING_VS_DO_NOTHING: usize = 33;
/// Number of metrics.
pub const N_METRICS: usize = 34;

/// Whether a metric needs a plan and a paired do-nothing path.
pub const fn is_plan_metric(m: usize) -> bool {
    m >= ARM_METRICS
}

/// How a metric is named in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricName {
    /// Dotted JSON key, e.g. `lac.by_type.ifa`, `plan.mtfs_impact`.
    pub key: &'static str,
    /// Tidy CSV metric, e.g. `lac`, `mtfs_impact` (same names as deterministic runs).
    pub tidy: &'static str,
    /// Placement type, or `None` for all.
    pub placement: Option<Placement>,
    /// Unit: `children`, `pounds` or `£'000s`.
    pub unit: &'static str,
}

const LAC_KEYS: [&str; N_PLACEMENTS] = [
    "lac.by_type.relative_friend_foster",
    "lac.by_type.in_house_foster",
    "lac.by_type.ifa",
    "lac.by_type.homes_hostels",
    "lac.by_type.placed_with_parents",
    "lac.by_type.placed_for_adoption",
    "lac.by_type.independent_living",
    "lac.by_type.residential_school",
    "lac.by_type.mother_baby",
    "lac.by_type.other",
];

const COST_KEYS: [&str; N_PLACEMENTS] = [
    "cost.by_type.relative_friend_foster",
    "cost.by_type.in_house_foster",
    "cost.by_type.ifa",
    "cost.by_type.homes_hostels",
    "cost.by_type.placed_with_parents",
    "cost.by_type.placed_for_adoption",
    "cost.by_type.independent_living",
    "cost.by_type.residential_school",
    "cost.by_type.mother_baby",
    "cost.by_type.other",
];

/// The name of metric `m`.
pub fn name(m: usize) -> MetricName {
    let n = |key, tidy, unit| MetricName {
        key,
        tidy,
        placement: None,
        unit,
    };
    match m {
        LAC_TOTAL => n("lac.total", "lac", "children"),
        x if (LAC_BY_TYPE..LAC_BY_TYPE + N_PLACEMENTS).contains(&x) => MetricName {
            key: LAC_KEYS[x - LAC_BY_TYPE],
            tidy: "lac",
            placement: Some(Placement::ALL[x - LAC_BY_TYPE]),
            unit: "children",
        },
        COST_TOTAL => n("cost.total", "cost", "pounds"),
        x if (COST_BY_TYPE..COST_BY_TYPE + N_PLACEMENTS).contains(&x) => MetricName {
            key: COST_KEYS[x - COST_BY_TYPE],
            tidy: "cost",
            placement: Some(Placement::ALL[x - COST_BY_TYPE]),
            unit: "pounds",
        },
        POST_CARE_COST => n("post_care_cost", "post_care_cost", "pounds"),
        ENTRIES => n("entries", "entries", "children"),
        LEAVERS => n("leavers", "leavers", "children"),
        SAVINGS_PLACEMENTS => n("plan.savings.placements", "savings_placements", "£'000s"),
        SAVINGS_AVOIDED_GROWTH => n(
            "plan.savings.avoided_growth",
            "savings_avoided_growth",
            "£'000s",
        ),
        SAVINGS_TOTAL => n("plan.savings.total", "savings_total", "£'000s"),
        RETURN_ON_INVESTMENT => n(
            "plan.return_on_investment",
            "return_on_investment",
            "£'000s",
        ),
        MTFS_IMPACT => n("plan.mtfs_impact", "mtfs_impact", "£'000s"),
        CUMULATIVE_NET => n("plan.cumulative_net", "cumulative_net", "£'000s"),
        DO_NOTHING_LAC => n("do_nothing.lac.total", "do_nothing_lac", "children"),
        DO_NOTHING_COST => n("do_nothing.cost.total", "do_nothing_cost", "pounds"),
        _ => n(
            "plan.saving_vs_do_nothing",
            "saving_vs_do_nothing",
            "£'000s",
        ),
    }
}
