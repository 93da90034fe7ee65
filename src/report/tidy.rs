//! The tidy long form of a run: one row per year, metric, placement and statistic.

use super::monte_carlo::McMeta;
use crate::engine::Summary;
use crate::placement::Placement;
use crate::results::Deterministic;
use crate::scenario::Scenario;
use serde::Serialize;

/// One value of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TidyRow {
    /// Financial year label, e.g. "2019/20".
    pub year: String,
    /// Scenario title.
    pub scenario: String,
    /// What is measured, e.g. `lac`, `cost`, `mtfs_impact`.
    pub metric: String,
    /// Placement type key, or `all`.
    pub placement: String,
    /// `value` for deterministic runs; `mean`, `p5` ... `p95` for Monte Carlo.
    pub statistic: String,
    /// The value: children, pounds for `cost`, £'000s for finance lines.
    pub value: f64,
    /// What `value` counts: `children`, `pounds`, `£'000s`, `probability` or `flag` (1 or 0).
    pub unit: &'static str,
}

impl TidyRow {
    /// A row of scenario `s` for all placement types together.
    pub fn all(
        s: &Scenario,
        year: &str,
        metric: &str,
        statistic: &str,
        value: f64,
        unit: &'static str,
    ) -> TidyRow {
        TidyRow {
            year: year.into(),
            scenario: s.title.clone(),
            metric: metric.into(),
            placement: "all".into(),
            statistic: statistic.into(),
            value,
            unit,
        }
    }
}

/// The unit of a deterministic run's metric.
fn unit_of(metric: &str) -> &'static str {
    match metric {
        "lac" | "do_nothing_lac" | "do_nothing_lac_exc_uasc" => "children",
        "cost" => "pounds",
        _ => "£'000s",
    }
}

/// Tidy rows of the UASC forecast ([`crate::uasc`]), for a scenario with a
/// `[uasc]` section: for each year, children at 31 March on the engine's
/// expected-value model (`lac_expected` all, `lac_uasc`, `lac_exc_uasc`) and
/// UASC entries (`uasc_entries`), with the statistic `expected_value`.
pub fn uasc(s: &Scenario) -> Vec<TidyRow> {
    let Some(f) = crate::uasc::forecast(s) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (t, y) in f.years.iter().enumerate() {
        for (metric, v) in [
            ("lac_expected", &f.total),
            ("lac_uasc", &f.uasc),
            ("lac_exc_uasc", &f.excluding_uasc),
            ("uasc_entries", &f.uasc_entries),
        ] {
            out.push(TidyRow {
                year: y.label(),
                scenario: s.title.clone(),
                metric: metric.into(),
                placement: "all".into(),
                statistic: "expected_value".into(),
                value: v[t],
                unit: "children",
            });
        }
    }
    out
}

/// Tidy rows of a deterministic run.
pub fn deterministic(s: &Scenario, r: &Deterministic) -> Vec<TidyRow> {
    let mut out = Vec::new();
    let mut push = |year: &str, metric: &str, placement: &str, value: f64| {
        out.push(TidyRow {
            year: year.into(),
            scenario: s.title.clone(),
            metric: metric.into(),
            placement: placement.into(),
            statistic: "value".into(),
            value,
            unit: unit_of(metric),
        });
    };
    for (t, y) in s.years.iter().enumerate() {
        let y = y.label();
        let p = &r.projection;
        push(&y, "lac", "all", p.total[t]);
        for pl in Placement::ALL {
            push(&y, "lac", pl.key(), p.by_type[t][pl]);
        }
        push(&y, "cost", "all", p.cost_total[t]);
        for pl in Placement::ALL {
            push(&y, "cost", pl.key(), p.cost_by_type[t][pl]);
        }
        push(&y, "do_nothing_lac", "all", r.do_nothing_total[t]);
        push(
            &y,
            "do_nothing_lac_exc_uasc",
            "all",
            r.do_nothing_exc_uasc[t],
        );
        if let Some(b) = &r.budget {
            push(&y, "do_nothing_budget_total", "all", b.total[t]);
            push(&y, "do_nothing_budget_gap", "all", b.gap[t]);
        }
        if let Some(f) = &r.plan {
            push(&y, "investment_total", "all", f.investment_total[t]);
            push(&y, "savings_placements", "all", f.placements[t]);
            push(&y, "savings_avoided_growth", "all", f.avoided_growth[t]);
            for l in &f.given {
                push(&y, &format!("savings_{}", l.id), "all", l.values[t]);
            }
            push(&y, "savings_total", "all", f.savings_total[t]);
            push(&y, "return_on_investment", "all", f.return_on_investment[t]);
            push(&y, "mtfs_impact", "all", f.mtfs_impact[t]);
            push(&y, "cumulative_net", "all", f.cumulative_net[t]);
        }
    }
    out.extend(uasc(s));
    out
}

/// Tidy rows of a Monte Carlo run, as `--format csv` prints them and
/// `results.csv` holds them: [`super::monte_carlo::tidy`] followed by the
/// break-even rows of [`break_even`], so the CSV has every break-even figure
/// the table and JSON give.
pub fn monte_carlo(s: &Scenario, sum: &Summary, meta: &McMeta) -> Vec<TidyRow> {
    let mut out = super::monte_carlo::tidy(s, sum, meta);
    out.extend(break_even(s, sum));
    out
}

/// A plan's break-even rows beyond the probabilities by each year, for each
/// year: `break_even_in_year` (JSON `break_even_in_year`: the share of paths
/// whose sustained break-even falls in that year) and
/// `break_even_first_negative_in_year` (the paper's first-negative rule), both
/// with statistic and unit `probability`; and `break_even_range` with statistic
/// `p25` and `p75` (JSON `break_even_range`), unit `flag`: 1 in the first year by
/// which at least 25% (75%) of paths have a sustained break-even, 0 in the
/// others, so all 0 means not within the horizon (JSON `null`). A flag per year
/// keeps the year a label, as everywhere else in the file. None without a plan.
pub fn break_even(s: &Scenario, sum: &Summary) -> Vec<TidyRow> {
    if sum.break_even_by.is_empty() {
        return Vec::new();
    }
    let range = sum.break_even_range();
    let mut out = Vec::new();
    for (t, year) in s.year_labels().iter().enumerate() {
        let mut push = |metric: &str, statistic: &str, value: f64, unit: &'static str| {
            out.push(TidyRow::all(s, year, metric, statistic, value, unit));
        };
        for (metric, v) in [
            ("break_even_in_year", &sum.break_even_in),
            ("break_even_first_negative_in_year", &sum.first_negative_in),
        ] {
            if let Some(&p) = v.get(t) {
                push(metric, "probability", p, "probability");
            }
        }
        for (statistic, end) in [("p25", range.p25), ("p75", range.p75)] {
            let flag = f64::from(u8::from(end == Some(t)));
            push("break_even_range", statistic, flag, "flag");
        }
    }
    out
}
