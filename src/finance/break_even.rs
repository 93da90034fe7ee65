//! The break-even year: the first year in which the plan's impact on the MTFS is
//! negative (Table 3: "Break-even in 2023, after 4 years").

use crate::year::FinancialYear;
use serde::Serialize;

/// When a plan breaks even.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BreakEven {
    /// The first financial year with a negative MTFS impact.
    pub year: FinancialYear,
    /// Years after the first year of the plan (2023/24 is 4 years after 2019/20).
    pub years_after: usize,
}

/// The first year whose impact is below zero, if any.
pub fn break_even(years: &[FinancialYear], impact: &[f64]) -> Option<BreakEven> {
    impact.iter().position(|&v| v < 0.0).map(|i| BreakEven {
        year: years[i],
        years_after: i,
    })
}

impl BreakEven {
    /// The sentence the paper prints under Table 3.
    pub fn sentence(b: Option<BreakEven>) -> String {
        match b {
            Some(b) => format!(
                "Break-even in {}, after {} year{}",
                b.year,
                b.years_after,
                if b.years_after == 1 { "" } else { "s" }
            ),
            None => "No break-even within the horizon".to_string(),
        }
    }
}
