//! The tornado: each key assumption swung low and high on its own, ranked by the
//! swing in the net position over the horizon; and the Green Book switching value
//! of each, the value at which the plan stops breaking even within the horizon.

use super::{Outcome, outcome};
use crate::placement::Placement;
use crate::scenario::fields::{self, Change};
use crate::scenario::{Loaded, Problems, Scenario};
use serde::Serialize;

/// The swing used when the scenario gives an assumption no range: ±20%.
pub const DEFAULT_SWING: f64 = 0.2;

/// How an assumption's factor acts on a field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Target {
    /// Multiply the field (or every number in a list) by the factor.
    Scale(String),
    /// Scale the plan's reduction from today's total: `total = today - f * (today - target)`.
    Reduction {
        /// The list of targets.
        field: String,
        /// Today's children.
        today: f64,
        /// The targets in the scenario.
        targets: Vec<f64>,
    },
}

/// An assumption to swing: a label, the fields it moves, and the factors at each end.
#[derive(Debug, Clone, Serialize)]
pub struct Assumption {
    /// Label as shown, e.g. "Unit cost: IFA".
    pub name: String,
    /// What a factor of 1 means (the base value, for one field).
    pub base_value: Option<f64>,
    /// The fields moved.
    pub targets: Vec<Target>,
    /// Factor at the low end.
    pub low: f64,
    /// Factor at the high end.
    pub high: f64,
    /// Where the range comes from.
    pub range_source: String,
}

impl Assumption {
    fn scaled(name: &str, loaded: &Loaded, field: &str) -> Option<Assumption> {
        let values = fields::values(&loaded.source.merged, field).ok()?;
        if values.iter().all(|&v| v == 0.0) {
            return None;
        }
        Some(Assumption {
            name: name.to_string(),
            base_value: (values.len() == 1).then(|| values[0]),
            targets: vec![Target::Scale(field.to_string())],
            low: 1.0 - DEFAULT_SWING,
            high: 1.0 + DEFAULT_SWING,
            range_source: "default ±20%".into(),
        })
    }

    /// The changes that put this assumption at factor `f`.
    pub fn changes(&self, f: f64) -> Vec<(String, Change)> {
        let mut out = Vec::new();
        for t in &self.targets {
            match t {
                Target::Scale(field) => out.push((field.clone(), Change::Scale(f))),
                Target::Reduction {
                    field,
                    today,
                    targets,
                } => {
                    for (i, t) in targets.iter().enumerate() {
                        out.push((
                            format!("{field}[{i}]"),
                            Change::Set((today - f * (today - t)).round().max(0.0)),
                        ));
                    }
                }
            }
        }
        out
    }

    /// The scenario at factor `f`.
    pub fn apply(&self, loaded: &Loaded, f: f64) -> Result<Scenario, Problems> {
        loaded.with_changes(&self.changes(f))
    }

    /// The assumption's value at factor `f`, when it moves one field.
    pub fn value_at(&self, f: f64) -> Option<f64> {
        self.base_value.map(|b| b * f)
    }
}

/// The key assumptions of a plan scenario that are present in it.
pub fn key_assumptions(loaded: &Loaded) -> Vec<Assumption> {
    let s = &loaded.scenario;
    let mut out = Vec::new();
    if let Some(plan) = &s.plan {
        out.push(Assumption {
            name: "Plan delivery (reduction in children)".into(),
            base_value: None,
            targets: vec![Target::Reduction {
                field: "plan.totals".into(),
                today: s.cohort.total(),
                targets: plan.totals.clone(),
            }],
            low: 1.0 - DEFAULT_SWING,
            high: 1.0 + DEFAULT_SWING,
            range_source: "default ±20% of the reduction".into(),
        });
    }
    let merged = &loaded.source.merged;
    let mut push = |name: &str, field: &str| {
        if let Some(a) = Assumption::scaled(name, loaded, field) {
            out.push(a);
        }
    };
    push("Do-nothing growth in numbers", "budget.growth_in_numbers");
    push("Price pressure", "budget.price_pressure");
    push("Underlying overspend", "budget.underlying_overspend");
    push("MTFS savings still to deliver", "mtfs.undelivered_savings");
    push("Share of first-year drop", "plan.first_year_share");
    for p in Placement::ALL {
        if s.unit_costs[0][p] > 0.0 {
            push(
                &format!("Unit cost: {}", p.label()),
                &format!("unit_costs.yearly.{}", p.key()),
            );
        }
    }
    for (i, g) in s.investment.iter().enumerate() {
        for (j, l) in g.lines.iter().enumerate() {
            if fields::get(merged, &format!("investment[{i}].lines[{j}].amounts")).is_ok() {
                push(
                    &format!("Investment: {}", l.name),
                    &format!("investment[{i}].lines[{j}].amounts"),
                );
            }
        }
    }
    for (i, l) in s.given_savings.iter().enumerate() {
        push(
            &format!("Saving: {}", l.name),
            &format!("savings.given[{i}].amounts"),
        );
    }
    out
}

/// One bar of the tornado.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// The assumption.
    pub assumption: Assumption,
    /// Outcome at the low end.
    pub low: Outcome,
    /// Outcome at the high end.
    pub high: Outcome,
    /// |net position at high − net position at low|, £'000s.
    pub swing: f64,
    /// How many years the swing moves the sustained break-even year (no
    /// break-even counts as the year after the horizon).
    pub break_even_swing_years: usize,
    /// The factor at which the plan stops breaking even within the horizon, if one exists in range.
    pub switching_factor: Option<f64>,
    /// The assumption's value at the switching factor, when it moves one field.
    pub switching_value: Option<f64>,
}

/// The tornado of a plan scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Tornado {
    /// Outcome of the scenario as written.
    pub base: Outcome,
    /// Bars, largest swing first.
    pub bars: Vec<Bar>,
}

/// What the bars are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    /// The swing in net position over the horizon.
    #[default]
    Net,
    /// How far the swing moves the sustained break-even year (then the net swing).
    BreakEven,
}

/// Years by which two outcomes' sustained break-even years differ; no
/// break-even counts as the year after the horizon.
pub fn break_even_swing(years: &[crate::FinancialYear], low: &Outcome, high: &Outcome) -> usize {
    let index = |o: &Outcome| {
        o.break_even
            .and_then(|y| years.iter().position(|&x| x == y))
            .unwrap_or(years.len())
    };
    index(low).abs_diff(index(high))
}

/// Orders bars, largest first, by `by`; ties by name so the order is stable.
pub fn rank(bars: &mut [Bar], by: RankBy) {
    bars.sort_by(|a, b| {
        let years = match by {
            RankBy::Net => std::cmp::Ordering::Equal,
            RankBy::BreakEven => b.break_even_swing_years.cmp(&a.break_even_swing_years),
        };
        years
            .then_with(|| b.swing.total_cmp(&a.swing))
            .then_with(|| a.assumption.name.cmp(&b.assumption.name))
    });
}

/// Swings every assumption low and high, finds switching values, and ranks by
/// the swing in net position (see [`rank`] for the other order).
pub fn tornado(loaded: &Loaded, assumptions: Vec<Assumption>) -> Result<Tornado, Problems> {
    let base = outcome(&loaded.scenario);
    let years = &loaded.scenario.years;
    let mut bars = Vec::with_capacity(assumptions.len());
    for a in assumptions {
        let low = outcome(&a.apply(loaded, a.low)?);
        let high = outcome(&a.apply(loaded, a.high)?);
        let swing = (high.net_position.unwrap_or(0.0) - low.net_position.unwrap_or(0.0)).abs();
        let switching_factor = switching_factor(loaded, &a);
        let switching_value = switching_factor.and_then(|f| a.value_at(f));
        let break_even_swing_years = break_even_swing(years, &low, &high);
        bars.push(Bar {
            assumption: a,
            low,
            high,
            swing,
            break_even_swing_years,
            switching_factor,
            switching_value,
        });
    }
    rank(&mut bars, RankBy::Net);
    Ok(Tornado { base, bars })
}

/// The last year's MTFS impact at factor `f` (at or below zero: a sustained
/// break-even within the horizon), or `None` if invalid there.
fn final_impact(loaded: &Loaded, a: &Assumption, f: f64) -> Option<f64> {
    a.apply(loaded, f)
        .ok()
        .and_then(|s| outcome(&s).final_impact)
}

/// Factors searched for a switching value: from 0 to 10 times the assumption.
const SEARCH: (f64, f64) = (0.0, 10.0);

/// The factor at which the plan stops breaking even within the horizon, by bisection
/// on the deterministic model (HM Treasury Green Book "switching value").
pub fn switching_factor(loaded: &Loaded, a: &Assumption) -> Option<f64> {
    let at_base = final_impact(loaded, a, 1.0)?;
    if at_base > 0.0 {
        return None;
    }
    // Walk outwards in both directions for the nearest factor where break-even is lost.
    let mut best: Option<f64> = None;
    for (from, to) in [(1.0, SEARCH.1), (1.0, SEARCH.0)] {
        let steps = 20;
        let mut prev = from;
        for i in 1..=steps {
            let f = from + (to - from) * i as f64 / steps as f64;
            match final_impact(loaded, a, f) {
                Some(v) if v > 0.0 => {
                    let root = bisect(loaded, a, prev, f);
                    if best.is_none_or(|b| (root - 1.0).abs() < (b - 1.0).abs()) {
                        best = Some(root);
                    }
                    break;
                }
                Some(_) => prev = f,
                None => break,
            }
        }
    }
    best
}

/// Bisection between `good` (breaks even) and `bad` (does not) to 1e-9.
fn bisect(loaded: &Loaded, a: &Assumption, mut good: f64, mut bad: f64) -> f64 {
    for _ in 0..40 {
        let mid = 0.5 * (good + bad);
        match final_impact(loaded, a, mid) {
            Some(v) if v <= 0.0 => good = mid,
            _ => bad = mid,
        }
        if (bad - good).abs() < 1e-7 {
            break;
        }
    }
    bad
}
