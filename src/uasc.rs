//! The forecast of unaccompanied asylum-seeking children (UASC) apart from the
//! other children, for scenarios with a `[uasc]` section.
//!
//! The engine's expected-value model ([`crate::engine::expected`]: every draw
//! replaced by its mean) is linear in the opening census and in the entries:
//! each child in it moves, leaves and ages at rates that do not depend on how
//! many others there are. So the UASC part of the expected forecast is the
//! same model run with only the UASC: their census, their entries, and
//! otherwise the scenario's own rates by placement type and age band and its
//! own interventions. "Excluding UASC" is the expected total less that.
//!
//! The approximations, said wherever the figures are shown:
//! - UASC leave, move and age at the same rates as other children of their
//!   placement type and age band (the returns are too few to fit their own);
//! - their entries are held at the fitted years' mean by age band, without the
//!   scenario's growth trend (UASC arrive through the National Transfer Scheme,
//!   not as local demand grows);
//! - a cap limits all the children of a placement type, so it is left out of
//!   the UASC run: where a cap binds, the UASC figures are theirs without it.
//!
//! Runs the engine's public API only; performs no I/O.

use crate::engine::metrics::{self, Metric};
use crate::engine::runner::Arm;
use crate::engine::{self, Setup};
use crate::scenario::stochastic::{Bounded, Dist};
use crate::scenario::{Scenario, Stochastic, Uasc};
use crate::year::FinancialYear;
use serde::Serialize;

/// What every figure of the UASC forecast is, as outputs label it.
pub const STATISTIC: &str = "expected value";

/// How the figures are made, as outputs note it.
pub const BASIS: &str = "Expected values of the engine's expected-value model (every random draw replaced by its mean), not Monte Carlo statistics. UASC are forecast from the [uasc] census and entries with the same rates by placement type and age band as other children and the same interventions; their entries are held at the fitted years' mean, without the growth trend; caps are left out of the UASC run. Excluding UASC is the expected total less the UASC.";

/// Children in care at 31 March of each year on the expected-value model:
/// all children, the UASC among them and the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UascForecast {
    /// The financial years, whose 31 March each value is.
    pub years: Vec<FinancialYear>,
    /// All children (the expected value).
    pub total: Vec<f64>,
    /// Of them, UASC (the expected value).
    pub uasc: Vec<f64>,
    /// All children less UASC (the expected value).
    pub excluding_uasc: Vec<f64>,
    /// UASC entering care in each year (the expected value).
    pub uasc_entries: Vec<f64>,
    /// UASC in the opening census.
    pub opening_uasc: f64,
}

/// The UASC forecast of a scenario with `[uasc]` and `[stochastic]` sections
/// (`None` otherwise): the scenario's own arm (a plan's with its interventions).
pub fn forecast(s: &Scenario) -> Option<UascForecast> {
    let (st, u) = (s.stochastic.as_ref()?, s.uasc.as_ref()?);
    let total = expected(s, st);
    let only = uasc_stochastic(st, u);
    let uasc = expected(s, &only);
    let n = s.n_years();
    let lac =
        |row: &[f64]| -> Vec<f64> { (0..n).map(|t| metrics::at(row, t, Metric::Lac)).collect() };
    let (total_lac, uasc_lac) = (lac(&total), lac(&uasc));
    Some(UascForecast {
        years: s.years.clone(),
        excluding_uasc: total_lac
            .iter()
            .zip(&uasc_lac)
            .map(|(a, b)| a - b)
            .collect(),
        total: total_lac,
        uasc_entries: (0..n)
            .map(|t| metrics::at(&uasc, t, Metric::Entries))
            .collect(),
        uasc: uasc_lac,
        opening_uasc: u.census_total(),
    })
}

/// The rates of `st` with only the UASC in them: the `[uasc]` census, entries
/// at the `[uasc]` mean a year spread over the age bands as given, no entry
/// growth and no caps; every other rate, share and intervention as in `st`.
pub fn uasc_stochastic(st: &Stochastic, u: &Uasc) -> Stochastic {
    let mut only = st.clone();
    only.start = u.census;
    let entries = u.entries_total();
    only.entries.per_year = Some(entries);
    if entries > 0.0 {
        only.entries.by_age = u.entries_per_year.map(|e| e / entries);
    }
    only.growth = Bounded {
        dist: Dist::Fixed { value: 0.0 },
        lo: 0.0,
        hi: 0.0,
    };
    only.caps.clear();
    only
}

/// One row of the expected-value model (see [`engine::expected`]) for the
/// scenario's own arm run on `st`.
fn expected(s: &Scenario, st: &Stochastic) -> Vec<f64> {
    let setup = Setup {
        years: s.years.clone(),
        main: Arm::new(st, s.n_years(), true, &s.unit_costs),
        do_nothing: None,
        finance: None,
        optimism_savings: s.optimism_bias.savings,
    };
    engine::expected(&setup).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtin;
    use std::path::Path;

    #[test]
    fn the_uasc_run_has_their_census_and_entries_without_growth_or_caps_and_every_other_rate() {
        let path = format!("{}staffordshire-2019/investment-plan.toml", builtin::PREFIX);
        let s = crate::scenario::load(Path::new(&path), &builtin::read)
            .unwrap()
            .scenario;
        let st = s.stochastic.as_ref().unwrap();
        assert!(!st.caps.is_empty() && !st.interventions.is_empty());
        let mut census = [[0.0; 5]; 10];
        census[crate::Placement::Ifa.index()][4] = 9.0;
        let u = Uasc {
            census,
            entries_per_year: [0.0, 0.0, 0.0, 6.0, 24.0],
        };
        let only = uasc_stochastic(st, &u);
        assert_eq!(only.start, census);
        assert_eq!(only.entries.per_year, Some(30.0));
        assert_eq!(only.entries.by_age, [0.0, 0.0, 0.0, 0.2, 0.8]);
        assert_eq!(only.growth.dist.mean(), 0.0);
        assert!(only.caps.is_empty());
        assert_eq!(only.interventions.len(), st.interventions.len());
        assert_eq!(only.exit_rates, st.exit_rates);
        assert_eq!(only.move_rate, st.move_rate);
        assert_eq!(only.entries.placement_by_age, st.entries.placement_by_age);
        // No entries: the age mix is left as it was (there is nothing to spread).
        let none = uasc_stochastic(
            st,
            &Uasc {
                census,
                entries_per_year: [0.0; 5],
            },
        );
        assert_eq!(none.entries.per_year, Some(0.0));
        assert_eq!(none.entries.by_age, st.entries.by_age);
    }

    #[test]
    fn a_scenario_without_a_uasc_section_has_no_uasc_forecast() {
        let path = format!("{}staffordshire-2019/do-nothing-3.4.toml", builtin::PREFIX);
        let s = crate::scenario::load(Path::new(&path), &builtin::read)
            .unwrap()
            .scenario;
        assert!(s.uasc.is_none() && s.stochastic.is_some());
        assert_eq!(forecast(&s), None);
    }
}
