//! Whose unit costs a scenario runs on, and the one wording of the warning
//! that every output shows beside its money when they are defaults borrowed
//! from another council (what `lacsim calibrate` writes without `--costs`:
//! SSDA903 returns hold no costs).
//!
//! Must not: print or decide where the warning goes; renderers do that.

use super::Scenario;
use serde::{Deserialize, Serialize};

/// `[unit_costs] source`: whose unit costs the scenario gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostSource {
    /// The council's own unit costs (what a file that says nothing means).
    #[default]
    Council,
    /// Defaults borrowed from another council, to be replaced.
    Default,
}

impl CostSource {
    /// Whether these are the council's own costs (what a file that says nothing means).
    pub fn is_council(&self) -> bool {
        *self == CostSource::Council
    }
}

/// Whose unit costs a resolved scenario runs on, and what they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCostProvenance {
    /// The council's own, or borrowed defaults.
    pub source: CostSource,
    /// What the costs are, as `[unit_costs] note` gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The first words of the warning, in every format.
pub const DEFAULT_COSTS: &str = "DEFAULT UNIT COSTS";

/// The warning in a CSV cell (`notes` column), short because it is on every row
/// that holds money.
pub const DEFAULT_COSTS_CSV: &str = "DEFAULT UNIT COSTS: borrowed from another council, not this council's own; replace [unit_costs] before using any money figure";

impl UnitCostProvenance {
    /// Whether the costs are borrowed defaults.
    pub fn is_default(&self) -> bool {
        self.source == CostSource::Default
    }

    /// The warning for a scenario titled `title` of `authority`, or `None` on
    /// the council's own costs.
    pub fn warning(&self, authority: &str, title: &str) -> Option<String> {
        if !self.is_default() {
            return None;
        }
        let what = match &self.note {
            Some(n) if !n.trim().is_empty() => format!(" ({})", n.trim()),
            _ => String::new(),
        };
        Some(format!(
            "{DEFAULT_COSTS}: \"{title}\" is costed at unit costs borrowed from another council{what}, not {authority}'s own. Every money figure depends on them: give the council's own unit costs in the scenario's [unit_costs] (or rerun `lacsim calibrate --costs FILE`) before using these figures."
        ))
    }
}

/// The warning for a scenario on borrowed default unit costs, or `None`.
pub fn warning(s: &Scenario) -> Option<String> {
    s.unit_cost_source.warning(&s.authority, &s.title)
}

/// The warning for figures made from several scenarios (`compare`'s two arms):
/// each scenario on default costs says so once; `None` when none is.
pub fn warnings(scenarios: &[&Scenario]) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for w in scenarios.iter().filter_map(|s| warning(s)) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_default_costs_warn_and_the_warning_names_the_scenario_and_the_note() {
        let own = UnitCostProvenance::default();
        assert_eq!(own.warning("A Council", "Plan"), None);
        let borrowed = UnitCostProvenance {
            source: CostSource::Default,
            note: Some("Staffordshire's 2019 costs".into()),
        };
        let w = borrowed.warning("A Council", "Plan").unwrap();
        assert!(w.starts_with("DEFAULT UNIT COSTS: \"Plan\" is costed at unit costs borrowed from another council (Staffordshire's 2019 costs), not A Council's own."), "{w}");
    }
}
