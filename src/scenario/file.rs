//! The serde mirror of a scenario file: exactly what the user typed, nothing
//! resolved; read *and* written through serde (`lacsim calibrate` builds a
//! [`ScenarioFile`] and writes it with [`to_toml`]).
//!
//! Every struct denies unknown fields so a misspelt key is an error naming the
//! key and listing the allowed ones. A number with a range of its own (a share,
//! a rate, a count, money) is a validated type of [`super::values`], refused
//! where it is read; cross-field checks live in [`super::validate`], which
//! collects every problem at once. Fields are written in the order they are
//! declared, optional ones only when given.

use super::costs::CostSource;
use super::values::{Count, GrowthRate, Pounds, Share};
use crate::year::FinancialYear;
use serde::{Deserialize, Serialize};

/// The TOML of a scenario file: what [`ScenarioFile`] holds, with nothing left
/// out, so that reading it back gives the same value.
pub fn to_toml(file: &ScenarioFile) -> Result<String, toml::ser::Error> {
    toml::to_string(file)
}

/// A whole scenario file after `extends` has been merged.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Path of a base scenario whose fields this file extends or overrides.
    #[serde(skip_serializing_if = "Option::is_none")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetFile>,
    /// The invest-to-save plan: target numbers and mix rules (Appendix 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanFile>,
    /// Investment lines, grouped as in Table 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub investment: Vec<InvestmentGroupFile>,
    /// Savings lines given as figures (computed lines need no entry).
    #[serde(default, skip_serializing_if = "SavingsFile::is_empty")]
    pub savings: SavingsFile,
    /// Medium Term Financial Strategy items (Table 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtfs: Option<MtfsFile>,
    /// HM Treasury Green Book optimism-bias adjustments of a plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimism_bias: Option<OptimismBiasFile>,
    /// The reports' title page and summary in the council's own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportFile>,
    /// Rates, distributions and interventions of the Monte Carlo engine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stochastic: Option<super::stochastic::StochasticFile>,
    /// The unaccompanied asylum-seeking children among them, forecast apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uasc: Option<super::uasc::UascFile>,
}

/// `[report]`: the title, subtitle, author, the paper's date and a summary
/// paragraph of the reports; what is left out comes from `[authority]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    /// Title of the paper (default: the council and the scenario's title).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Subtitle, e.g. "Appendix 3: finance".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Author (default: the council).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The paper's date, as text, e.g. "20 November 2019".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A summary paragraph shown before the computed summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// `[authority]`: names for titles and provenance.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityFile {
    /// Council name, e.g. "Staffordshire County Council".
    pub name: String,
    /// Title of the scenario as it should appear on tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The paper or source the figures come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `[years]`: the horizon.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct YearsFile {
    /// First financial year, e.g. "2019/20".
    pub first: FinancialYear,
    /// Number of financial years, including the first.
    pub count: i64,
}

/// `[cohort]`: the placement mix today (Appendix 4, "Current Split").
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CohortFile {
    /// Free-text date of the count, e.g. "2019-09-30".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_at: Option<String>,
    /// Total children, if given: checked against the sum of `by_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Count>,
    /// Children by placement type.
    pub by_type: PlacementTableFile<Count>,
}

/// A value for each of the ten placement types (numbers unless `T` says
/// otherwise); where a table is required, every type must be given.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementTableFile<T = f64> {
    /// Foster placement with a relative or friend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_friend_foster: Option<T>,
    /// In-house foster placement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_house_foster: Option<T>,
    /// Independent fostering agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifa: Option<T>,
    /// Homes or hostels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homes_hostels: Option<T>,
    /// Placed with parents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placed_with_parents: Option<T>,
    /// Placed for adoption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placed_for_adoption: Option<T>,
    /// Independent living.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub independent_living: Option<T>,
    /// Residential school.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residential_school: Option<T>,
    /// Mother and baby unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mother_baby: Option<T>,
    /// Other placements.
    #[serde(skip_serializing_if = "Option::is_none")]
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

impl<T> PlacementTableFile<T> {
    /// A table from values in [`crate::Placement::ALL`] order.
    pub fn from_values(values: [Option<T>; crate::placement::N_PLACEMENTS]) -> Self {
        let [a, b, c, d, e, f, g, h, i, j] = values;
        PlacementTableFile {
            relative_friend_foster: a,
            in_house_foster: b,
            ifa: c,
            homes_hostels: d,
            placed_with_parents: e,
            placed_for_adoption: f,
            independent_living: g,
            residential_school: h,
            mother_baby: i,
            other: j,
        }
    }
}

impl<T: Copy + Into<f64>> PlacementTableFile<T> {
    /// The values in [`crate::Placement::ALL`] order, as numbers.
    pub fn values(&self) -> [Option<f64>; crate::placement::N_PLACEMENTS] {
        self.rows().map(|v| v.map(Into::into))
    }
}

/// `[unit_costs]` of a costs file (`lacsim calibrate --costs`): yearly cost per child.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCostsFile {
    /// The financial year whose prices the costs are in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_year: Option<FinancialYear>,
    /// Yearly uplift applied from the price year on (0.02 = 2%).
    #[serde(default)]
    pub uplift: f64,
    /// Pounds per child per year, by placement type.
    pub yearly: PlacementTableFile<Pounds>,
}

/// `[unit_costs]` of a scenario: the prices of [`UnitCostsFile`], the yearly
/// uplift by placement type where it differs from the single rate, and whose
/// costs they are.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioUnitCostsFile {
    /// Whose unit costs these are: the council's own (the default) or
    /// defaults borrowed from another council; always written.
    #[serde(default)]
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
    pub yearly: PlacementTableFile<Pounds>,
}

impl From<&UnitCostsFile> for ScenarioUnitCostsFile {
    /// A costs file's prices, as the council's own costs with one uplift rate
    fn from(c: &UnitCostsFile) -> Self {
        ScenarioUnitCostsFile {
            source: CostSource::Council,
            note: None,
            price_year: c.price_year,
            uplift: c.uplift,
            uplift_by_type: None,
            yearly: c.yearly.clone(),
        }
    }
}

/// How the do-nothing projection rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingFile {
    /// Round to whole children every year before the next year's growth (Appendix 5).
    WholeChildrenEachYear,
    /// Keep fractional children.
    None,
}

/// `[do_nothing]`: compound growth from a starting count.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DoNothingFile {
    /// Children in care in the first year, including UASC.
    pub start_total: Count,
    /// Of whom unaccompanied asylum-seeking children.
    #[serde(default)]
    pub start_uasc: Count,
    /// Yearly growth rate (0.034 = 3.4%).
    pub growth_rate: GrowthRate,
    /// Rounding rule.
    #[serde(default = "default_rounding")]
    pub rounding: RoundingFile,
    /// Other growth rates whose do-nothing lines are drawn on charts for comparison.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compare_rates: Vec<GrowthRate>,
}

fn default_rounding() -> RoundingFile {
    RoundingFile::WholeChildrenEachYear
}

/// `[budget]`: the do-nothing cost table's inputs, £'000s.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetFile {
    /// Name of the budget, e.g. "LAC - Fostering Allowances and External Placements".
    #[serde(skip_serializing_if = "Option::is_none")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth_costed_at: Option<GrowthRate>,
    /// New price pressure each year.
    #[serde(default)]
    pub price_pressure: Vec<f64>,
    /// The yearly unit costs (pounds, first-year prices) the lines above were
    /// costed at. When `unit_costs` differ, the underlying overspend moves by
    /// the change in the cost of today's cohort, and price pressure and the
    /// cost of growth scale with it; default: the scenario's own unit costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub costed_at_unit_costs: Option<PlacementTableFile<Pounds>>,
}

/// How the plan's placement mix is derived from today's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MixFile {
    /// Today's mix scaled to each year's total, fractional children.
    ScaleCurrent,
}

/// `[plan]`: the invest-to-save plan's trajectory.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// Name of the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Target children in care at 31 March of each year.
    pub totals: Vec<Count>,
    /// Mix rule.
    #[serde(default = "default_mix")]
    pub mix: MixFile,
    /// Share of the first year's drop counted as a saving in that year.
    #[serde(default = "default_first_year_share")]
    pub first_year_share: Share,
    /// Placement types held at a fixed count, the difference absorbed by another type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hold: Vec<HoldFile>,
}

fn default_mix() -> MixFile {
    MixFile::ScaleCurrent
}

fn default_first_year_share() -> Share {
    Share::saturating(0.5)
}

/// `[[plan.hold]]`: "one in, one out" for a placement type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HoldFile {
    /// The placement type held.
    pub placement: String,
    /// The count it is held at.
    pub count: Count,
    /// First year (its 31 March) at which the hold applies.
    pub from: FinancialYear,
    /// The placement type whose count absorbs the difference.
    pub absorbed_by: String,
}

/// `[[investment]]`: a group of investment lines with a subtotal.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentGroupFile {
    /// Group heading, e.g. "Stabilisation Investment".
    pub group: String,
    /// Subtotal label, e.g. "Initial Total".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_label: Option<String>,
    /// The lines of the group.
    pub lines: Vec<LineFile>,
}

/// One line of money by year, £'000s.
#[derive(Debug, Clone, Deserialize, Serialize)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsFile {
    /// Given savings lines, e.g. workforce.
    #[serde(default)]
    pub given: Vec<LineFile>,
}

impl SavingsFile {
    /// Whether no savings are given (the table is then left out when written).
    pub fn is_empty(&self) -> bool {
        self.given.is_empty()
    }
}

/// `[optimism_bias]`: the Green Book's correction for appraisers' usual optimism.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MtfsFile {
    /// Existing MTFS savings still to be delivered (a pressure).
    #[serde(default)]
    pub undelivered_savings: Vec<f64>,
}
