//! The break-even year of an MTFS impact series, by two rules (design brief §4a).
//!
//! - **Sustained** (the headline): the first year from which the impact stays at
//!   or below zero to the end of the horizon. A plan that dips into surplus and
//!   returns to deficit has not broken even.
//! - **First negative** (the paper's rule, Table 3: "Break-even in 2023, after 4
//!   years"): the first year the impact is below zero.
//!
//! For the reference plan the two agree (2023/24). Must not: know where the
//! impact came from (deterministic model, a Monte Carlo path, a sweep point).

use crate::year::FinancialYear;
use serde::Serialize;

/// When a plan breaks even.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BreakEven {
    /// The break-even financial year.
    pub year: FinancialYear,
    /// Years after the first year of the plan (2023/24 is 4 years after 2019/20).
    pub years_after: usize,
}

/// Index of the first year from which every impact is at or below zero.
pub fn sustained_index(impact: &[f64]) -> Option<usize> {
    let last_deficit = impact.iter().rposition(|&v| v > 0.0 || v.is_nan());
    match last_deficit {
        None if impact.is_empty() => None,
        None => Some(0),
        Some(i) if i + 1 < impact.len() => Some(i + 1),
        Some(_) => None,
    }
}

/// Index of the first year whose impact is below zero (the paper's rule).
pub fn first_negative_index(impact: &[f64]) -> Option<usize> {
    impact.iter().position(|&v| v < 0.0)
}

/// The sustained break-even year, if any (the headline figure).
pub fn break_even(years: &[FinancialYear], impact: &[f64]) -> Option<BreakEven> {
    sustained_index(impact).map(|i| at(years, i))
}

/// The paper's first-negative year, if any.
pub fn first_negative(years: &[FinancialYear], impact: &[f64]) -> Option<BreakEven> {
    first_negative_index(impact).map(|i| at(years, i))
}

fn at(years: &[FinancialYear], i: usize) -> BreakEven {
    BreakEven {
        year: years[i],
        years_after: i,
    }
}

impl BreakEven {
    /// The sentence printed under Table 3 (the sustained rule; for the paper's
    /// plan the same year as the paper's own).
    pub fn sentence(b: Option<BreakEven>) -> String {
        match b {
            Some(b) => format!(
                "Break-even in {}, after {} year{}",
                b.year,
                b.years_after,
                if b.years_after == 1 { "" } else { "s" }
            ),
            None => "No sustained break-even within the horizon".to_string(),
        }
    }

    /// A note when the paper's first-negative rule gives another year than the
    /// sustained rule (a plan that dips into surplus and returns to deficit).
    pub fn rules_differ(sustained: Option<BreakEven>, first: Option<BreakEven>) -> Option<String> {
        (sustained != first).then(|| {
            format!(
                "Break-even is sustained: the first year from which the impact stays at or below zero. The paper's rule (the first negative year) gives {}.",
                first.map_or("no year".to_string(), |b| b.year.label())
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_dips_and_returns_to_deficit_has_not_broken_even_then() {
        let dips = [5.0, -1.0, 2.0, -3.0, -4.0];
        assert_eq!(first_negative_index(&dips), Some(1));
        assert_eq!(sustained_index(&dips), Some(3));
        let ends_in_deficit = [5.0, -1.0, -2.0, 0.5];
        assert_eq!(first_negative_index(&ends_in_deficit), Some(1));
        assert_eq!(sustained_index(&ends_in_deficit), None);
        assert_eq!(sustained_index(&[-1.0, 0.0, -2.0]), Some(0));
        assert_eq!(sustained_index(&[1.0, 0.0]), Some(1));
        assert_eq!(first_negative_index(&[1.0, 0.0]), None);
        assert_eq!(sustained_index(&[]), None);
    }
}
