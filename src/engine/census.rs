//! One opening census (design brief §4a): the arms of a comparison open from
//! the same children, by placement type and age band, on the same date, so
//! that growth assumptions differ in their rates and never in their stock.
//!
//! Must not: read files (it is given what was read).

use crate::age::AgeBand;
use crate::placement::Placement;
use crate::scenario::{Loaded, Stochastic, census_fields};

/// Children in the opening census.
pub fn total(st: &Stochastic) -> f64 {
    st.start.iter().flatten().sum()
}

/// `None` when the two arms open from the same children; otherwise what differs.
pub fn differs(comparator: &Stochastic, invest: &Stochastic) -> Option<String> {
    if comparator.start == invest.start {
        return None;
    }
    let mut cells = Vec::new();
    for p in Placement::ALL {
        for b in AgeBand::ALL {
            let (x, y) = (
                comparator.start[p.index()][b.index()],
                invest.start[p.index()][b.index()],
            );
            if x != y {
                cells.push(format!("{} {}: {x} and {y}", p.key(), b.key()));
            }
        }
    }
    let shown = cells.len().min(3);
    let more = if cells.len() > shown {
        format!(" and {} more", cells.len() - shown)
    } else {
        String::new()
    };
    Some(format!(
        "the two arms do not open from the same census: {} and {} children on 1 April of the first year ({}{more}); \
         growth scenarios of one council must differ in their rates, not in their opening stock",
        total(comparator),
        total(invest),
        cells[..shown].join("; ")
    ))
}

/// Checks that a comparator and an invest scenario open from one census; the
/// error names both files and the fields that differ.
pub fn check(comparator: &Loaded, invest: &Loaded) -> Result<(), String> {
    let (Some(a), Some(b)) = (&comparator.scenario.stochastic, &invest.scenario.stochastic) else {
        return Ok(());
    };
    let Some(what) = differs(a, b) else {
        return Ok(());
    };
    let fields = census_fields(comparator, invest);
    let fields = if fields.is_empty() {
        "the resolved opening stock".to_string()
    } else {
        fields.join(", ")
    };
    Err(format!(
        "{} and {}: {what}. Fields that differ: {fields}. Give both the same [stochastic] start (start_children, or start_total and start_by_age) and [cohort]",
        comparator.path, invest.path
    ))
}
