//! The serde mirror of a scenario file: exactly what the user typed, nothing resolved.
//!
//! Every struct denies unknown fields so a misspelt key is an error naming the
//! key and listing the allowed ones. Range checks and cross-field checks live in
//! [`super::validate`], which collects every problem at once.

use super::costs::CostSource;
use crate::year::FinancialYear;
use serde::{Deserialize, Serialize};

/// A whole scenario file after `extends` has been merged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Path of a base scenario whose fields this file extends or overrides.
    pub extends: Option<String>,
    /// Who the scenario is for and where its figures come from.
    pub authority: AuthorityFile,
    /// The financial years covered.
    pub years: YearsFile,
    /// Today's children in care by placement type.
    pub cohort: CohortFile,
    /// Yearly unit cost of a placement of each type, its uplift and whose costs they are.
    pub unit_costs: ScenarioUnitCostsFile,
    /// The do-nothing growth assumption.
    pub do_nothing: DoNothingFile,
    /// The placement budget and its do-nothing pressures (Appendix 5), £'000s.
    pub budget: Option<BudgetFile>,
    /// The invest-to-save plan: target numbers and mix rules (Appendix 4).
    pub plan: Option<PlanFile>,
    /// Investment lines, grouped as in Table 1.
    #[serde(default)]
    pub investment: Vec<InvestmentGroupFile>,
    /// Savings lines given as figures (computed lines need no entry).
    #[serde(default)]
    pub savings: SavingsFile,
    /// Medium Term Financial Strategy items (Table 3).
    pub mtfs: Option<MtfsFile>,
    /// Rates, distributions and interventions of the Monte Carlo engine.
    pub stochastic: Option<super::stochastic::StochasticFile>,
    /// HM Treasury Green Book optimism-bias adjustments of a plan.
    pub optimism_bias: Option<OptimismBiasFile>,
    /// The reports' title page and summary in the council's own words.
    pub report: Option<ReportFile>,
}

/// `[report]`: the title, subtitle, author, the paper's date and a summary
/// paragraph of the reports; what is left out comes from `[authority]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    /// Title of the paper (default: the council and the scenario's title).
    pub title: Option<String>,
    /// Subtitle, e.g. "Appendix 3: finance".
    pub subtitle: Option<String>,
    /// Author (default: the council).
    pub author: Option<String>,
    /// The paper's date, as text, e.g. "20 November 2019".
    pub date: Option<String>,
    /// A summary paragraph shown before the computed summary.
    pub summary: Option<String>,
}

/// `[authority]`: names for titles and provenance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityFile {
    /// Council name, e.g. "Staffordshire County Council".
    pub name: String,
    /// Title of the scenario as it should appear on tables.
    pub title: Option<String>,
    /// The paper or source the figures come from.
    pub source: Option<String>,
}

/// `[years]`: the horizon.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearsFile {
    /// First financial year, e.g. "2019/20".
    pub first: FinancialYear,
    /// Number of financial years, including the first.
    pub count: i64,
}

/// `[cohort]`: the placement mix today (Appendix 4, "Current Split").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortFile {
    /// Free-text date of the count, e.g. "2019-09-30".
    pub as_at: Option<String>,
    /// Total children, if given: checked against the sum of `by_type`.
    pub total: Option<f64>,
    /// Children by placement type.
    pub by_type: PlacementTableFile,
}

/// A value for each of the ten placement types (numbers unless `T` says
/// otherwise); where a table is required, every type must be given.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementTableFile<T = f64> {
    /// Foster placement with a relative or friend.
    pub relative_friend_foster: Option<T>,
    /// In-house foster placement.
    pub in_house_foster: Option<T>,
    /// Independent fostering agency.
    pub ifa: Option<T>,
    /// Homes or hostels.
    pub homes_hostels: Option<T>,
    /// Placed with parents.
    pub placed_with_parents: Option<T>,
    /// Placed for adoption.
    pub placed_for_adoption: Option<T>,
    /// Independent living.
    pub independent_living: Option<T>,
    /// Residential school.
    pub residential_school: Option<T>,
    /// Mother and baby unit.
    pub mother_baby: Option<T>,
    /// Other placements.
    pub other: Option<T>,
}

impl<T> PlacementTableFile<T> {
    /// The entries in [`crate::Placement::ALL`] order.
    pub fn rows(&self) -> [&Option<T>; crate::placement::N_PLACEMENTS] {
        [
            &self.relative_friend_foster,
            &self.in_house_foster,
            &self.ifa,
            &self.homes_hostels,
            &self.placed_with_parents,
            &self.placed_for_adoption,
            &self.independent_living,
            &self.residential_school,
            &self.mother_baby,
            &self.other,
        ]
    }
}

impl PlacementTableFile {
    /// The values in [`crate::Placement::ALL`] order.
    pub fn values(&self) -> [Option<f64>; crate::placement::N_PLACEMENTS] {
        self.rows().map(|v| *v)
    }
}

/// `[unit_costs]` of a costs file (`lacsim calibrate --costs`): yearly cost per child.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCostsFile {
    /// The financial year whose prices the costs are in.
    pub price_year: Option<FinancialYear>,
    /// Yearly uplift applied from the price year on (0.02 = 2%).
    #[serde(default)]
    pub uplift: f64,
    /// Pounds per child per year, by placement type.
    pub yearly: PlacementTableFile,
}

/// `[unit_costs]` of a scenario: the prices of [`UnitCostsFile`], the yearly
/// uplift by placement type where it differs from the single rate, and whose
/// costs they are.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioUnitCostsFile {
    /// Whose unit costs these are: the council's own (the default) or
    /// defaults borrowed from another council.
    #[serde(default, skip_serializing_if = "CostSource::is_council")]
    pub source: CostSource,
    /// What the costs are and where they come from, e.g. "Staffordshire County
    /// Council's 2019 costs (Appendix 4)"; shown with the default-costs warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The financial year whose prices the costs are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_year: Option<FinancialYear>,
    /// Yearly uplift applied from the price year on (0.02 = 2%), for every
    /// placement type `uplift_by_type` does not name.
    #[serde(default)]
    pub uplift: f64,
    /// Yearly uplift of the types named, in place of `uplift` (residential
    /// inflation is not fostering inflation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uplift_by_type: Option<PlacementTableFile>,
    /// Pounds per child per year, by placement type.
    pub yearly: PlacementTableFile,
}

impl From<UnitCostsFile> for ScenarioUnitCostsFile {
    /// A costs file's prices, as the council's own costs with one uplift rate.
    fn from(c: UnitCostsFile) -> Self {
        ScenarioUnitCostsFile {
            source: CostSource::Council,
            note: None,
            price_year: c.price_year,
            uplift: c.uplift,
            uplift_by_type: None,
            yearly: c.yearly,
        }
    }
}

/// How the do-nothing projection rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingFile {
    /// Round to whole children every year before the next year's growth (Appendix 5).
    WholeChildrenEachYear,
    /// Keep fractional children.
    None,
}

/// `[do_nothing]`: compound growth from a starting count.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoNothingFile {
    /// Children in care in the first year, including UASC.
    pub start_total: f64,
    /// Of whom unaccompanied asylum-seeking children.
    #[serde(default)]
    pub start_uasc: f64,
    /// Yearly growth rate (0.034 = 3.4%).
    pub growth_rate: f64,
    /// Rounding rule.
    #[serde(default = "default_rounding")]
    pub rounding: RoundingFile,
    /// Other growth rates whose do-nothing lines are drawn on charts for comparison.
    #[serde(default)]
    pub compare_rates: Vec<f64>,
}

fn default_rounding() -> RoundingFile {
    RoundingFile::WholeChildrenEachYear
}

/// `[budget]`: the do-nothing cost table's inputs, £'000s.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetFile {
    /// Name of the budget, e.g. "LAC - Fostering Allowances and External Placements".
    pub name: Option<String>,
    /// Base budget each year.
    pub base: f64,
    /// Forecast overspend against the base budget each year at standstill.
    pub underlying_overspend: Vec<f64>,
    /// One-off grants set against the overspend in the MTFS position.
    #[serde(default)]
    pub one_off_grants: Vec<f64>,
    /// Cost of growth in numbers at the rate `growth_costed_at`.
    #[serde(default)]
    pub growth_in_numbers: Vec<f64>,
    /// The growth rate at which `growth_in_numbers` was costed; at another rate the
    /// cost scales with the extra children.
    pub growth_costed_at: Option<f64>,
    /// New price pressure each year.
    #[serde(default)]
    pub price_pressure: Vec<f64>,
    /// The yearly unit costs (pounds, first-year prices) the lines above were
    /// costed at. When `unit_costs` differ, the underlying overspend moves by
    /// the change in the cost of today's cohort, and price pressure and the
    /// cost of growth scale with it; default: the scenario's own unit costs.
    pub costed_at_unit_costs: Option<PlacementTableFile>,
}

/// How the plan's placement mix is derived from today's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MixFile {
    /// Today's mix scaled to each year's total, fractional children.
    ScaleCurrent,
}

/// `[plan]`: the invest-to-save plan's trajectory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// Name of the plan.
    pub name: Option<String>,
    /// Target children in care at 31 March of each year.
    pub totals: Vec<f64>,
    /// Mix rule.
    #[serde(default = "default_mix")]
    pub mix: MixFile,
    /// Share of the first year's drop counted as a saving in that year.
    #[serde(default = "default_first_year_share")]
    pub first_year_share: f64,
    /// Placement types held at a fixed count, the difference absorbed by another type.
    #[serde(default)]
    pub hold: Vec<HoldFile>,
}

fn default_mix() -> MixFile {
    MixFile::ScaleCurrent
}

fn default_first_year_share() -> f64 {
    0.5
}

/// `[[plan.hold]]`: "one in, one out" for a placement type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldFile {
    /// The placement type held.
    pub placement: String,
    /// The count it is held at.
    pub count: f64,
    /// First year (its 31 March) at which the hold applies.
    pub from: FinancialYear,
    /// The placement type whose count absorbs the difference.
    pub absorbed_by: String,
}

/// `[[investment]]`: a group of investment lines with a subtotal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentGroupFile {
    /// Group heading, e.g. "Stabilisation Investment".
    pub group: String,
    /// Subtotal label, e.g. "Initial Total".
    pub total_label: Option<String>,
    /// The lines of the group.
    pub lines: Vec<LineFile>,
}

/// One line of money by year, £'000s.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineFile {
    /// Short identifier, `snake_case`, used to link interventions to the line.
    pub id: String,
    /// Label as printed.
    pub name: String,
    /// £'000s by year from the first year; missing later years are 0.
    pub amounts: Vec<f64>,
}

/// `[savings]`: savings that are given rather than computed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsFile {
    /// Given savings lines, e.g. workforce.
    #[serde(default)]
    pub given: Vec<LineFile>,
}

/// `[optimism_bias]`: the Green Book's correction for appraisers' usual optimism.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimismBiasFile {
    /// Uplift of every investment line (0.2 = 20% more).
    #[serde(default)]
    pub investment: f64,
    /// Shortfall of the plan's placement and given savings (0.25 = a quarter less).
    #[serde(default)]
    pub savings: f64,
    /// Months by which savings arrive later.
    #[serde(default)]
    pub delay_months: f64,
}

/// `[mtfs]`: the MTFS position's inputs (Table 3), £'000s.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MtfsFile {
    /// Existing MTFS savings still to be delivered (a pressure).
    #[serde(default)]
    pub undelivered_savings: Vec<f64>,
}
