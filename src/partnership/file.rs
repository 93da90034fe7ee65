//! The serde mirror of a partnership file: exactly what the user typed, nothing
//! resolved; read and written through serde ([`to_toml`]).
//!
//! Every struct denies unknown fields so a misspelt key names itself. Ranges,
//! names that must match and shares that must sum to 1 are checked in
//! [`super::validate`], which collects every problem at once.

use crate::year::FinancialYear;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The TOML of a partnership file: what [`PartnershipFile`] holds, so that
/// reading it back gives the same value.
pub fn to_toml(file: &PartnershipFile) -> Result<String, toml::ser::Error> {
    toml::to_string(file)
}

/// A whole partnership file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnershipFile {
    /// Names and provenance.
    pub partnership: HeaderFile,
    /// The financial years covered.
    pub years: YearsFile,
    /// Inter-agency fees.
    pub fees: FeesFile,
    /// Budget settings shared by every formula.
    #[serde(default)]
    pub finance: FinanceFile,
    /// The budget lines pooled (recruitment, adoption support, ...).
    pub functions: Vec<FunctionFile>,
    /// The councils in the partnership.
    pub partners: Vec<PartnerFile>,
    /// Central and locality hubs whose overspends are shared by rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hubs: Vec<HubFile>,
    /// Contribution formulas, each applying from a year until the next.
    pub formula: Vec<FormulaFile>,
    /// Overspends given as figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overspends: Vec<OverspendFile>,
}

/// `[partnership]`: names for titles.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderFile {
    /// The partnership's name, e.g. "Together4Children".
    pub name: String,
    /// Title for tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The papers the figures come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `[years]`: the horizon.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct YearsFile {
    /// First financial year simulated, e.g. "2021/22".
    pub first: FinancialYear,
    /// Number of years, including the first.
    pub count: i64,
    /// The year the in-scope budgets were set in (default "2019/20").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_year: Option<FinancialYear>,
}

/// `[fees]`: the inter-agency fees.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeesFile {
    /// Fee between councils and RAAs, pounds (England: 27,000).
    pub interagency: f64,
    /// Uplift on the fee charged by a London agency (0.10).
    pub london_uplift: f64,
    /// Voluntary adoption agency fees from given years, pounds.
    pub voluntary: Vec<VoluntaryFeeFile>,
    /// Yearly uprating of the voluntary fee each April after the last given year.
    pub voluntary_index: f64,
    /// Whether partners charge each other no fee (the Bexley, Kent and Medway model).
    #[serde(default)]
    pub abolish_between_partners: bool,
}

/// A voluntary agency fee from a year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VoluntaryFeeFile {
    /// The first year the fee applies.
    pub from: FinancialYear,
    /// The fee, pounds.
    pub fee: f64,
}

/// `[finance]`: budget settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FinanceFile {
    /// Yearly uplift of the in-scope budgets after the budget year (pay awards).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_uplift: Option<f64>,
}

/// `[[functions]]`: one pooled budget line.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionFile {
    /// Identifier used as a key in each partner's `budget`.
    pub id: String,
    /// Label as printed.
    pub name: String,
}

/// `[[partners]]`: one council.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerFile {
    /// Identifier used by shares, hubs and overspends.
    pub id: String,
    /// Council name.
    pub name: String,
    /// Whether the council is a London borough (its fee carries the London uplift).
    #[serde(default)]
    pub london: bool,
    /// The council's own scenario file, relative to this file (checked, not needed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// In-scope budget by function in the budget year, pounds.
    pub budget: BTreeMap<String, f64>,
    /// Staff costs paid through the council's payroll and recharged quarterly, pounds a year.
    #[serde(default)]
    pub staff_costs: f64,
    /// The adoption pathway.
    pub pathway: PathwayFile,
}

/// `[partners.pathway]`: the monthly stock-and-flow inputs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathwayFile {
    /// Placement orders granted in the first year.
    pub placement_orders_per_year: f64,
    /// Yearly growth of placement orders.
    #[serde(default)]
    pub growth: f64,
    /// Standard deviation of the yearly growth between paths.
    #[serde(default)]
    pub growth_sd: f64,
    /// Monthly probability that a waiting child is matched.
    pub match_rate: f64,
    /// Monthly probability that a waiting child's plan changes (leaves without a match).
    pub plan_change_rate: f64,
    /// Monthly probability that a matched child moves in.
    pub move_in_rate: f64,
    /// Monthly probability that a placed child's adoption order is granted.
    pub order_rate: f64,
    /// Share of matched children a regional adopter could suit, if one is free.
    pub in_region_fit: f64,
    /// Share of bought-in matches from voluntary agencies (the rest from councils/RAAs).
    pub external_voluntary_share: f64,
    /// Share of bought-in council/RAA matches from London agencies.
    #[serde(default)]
    pub external_london_share: f64,
    /// Adopter households approved a year.
    pub adopters_approved_per_year: f64,
    /// Monthly probability that an approved household withdraws.
    pub adopter_withdrawal_rate: f64,
    /// Monthly probability that an approved household is matched with a child from outside.
    pub outside_match_rate: f64,
    /// Mean days from entering care to the placement order.
    pub days_care_to_placement_order: f64,
    /// Stocks at the start of the first year.
    pub start: StartFile,
}

/// `[partners.pathway.start]`: stocks at the start.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StartFile {
    /// Children with a placement order, not matched.
    pub waiting: f64,
    /// Children matched, not yet moved in.
    pub matched: f64,
    /// Children placed for adoption, no order yet.
    pub placed: f64,
    /// Approved adopter households waiting.
    pub adopters: f64,
}

/// `[[hubs]]`: a hub with a budget, whose overspends are shared by rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HubFile {
    /// Identifier used by overspends.
    pub id: String,
    /// Label.
    pub name: String,
    /// "central" or "locality".
    pub kind: String,
    /// The partner hosting it.
    pub host: String,
    /// Budget a year, pounds.
    #[serde(default)]
    pub budget: f64,
    /// Fixed cost a year, pounds.
    #[serde(default)]
    pub fixed_cost: f64,
    /// Cost per child matched (all partners for a central hub, the host's for a locality hub), pounds.
    #[serde(default)]
    pub cost_per_match: f64,
}

/// `[[formula]]`: a contribution rule from a year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaFile {
    /// The first year the rule applies.
    pub from: FinancialYear,
    /// "in_scope_budget", "demand_led" or "pooled_budget".
    pub rule: String,
    /// For "in_scope_budget": the share of the budget paid (default 1, i.e. 100%).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_of_budget: Option<f64>,
    /// For "demand_led": "placement_orders" or "adoptions".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    /// For "pooled_budget": each partner's share of the pool (default: in proportion to budgets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares: Option<BTreeMap<String, f64>>,
}

/// `[[overspends]]`: an overspend given as a figure.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OverspendFile {
    /// The year.
    pub year: FinancialYear,
    /// The hub overspent.
    pub hub: String,
    /// Pounds.
    pub amount: f64,
    /// A partner id, or "partnership", when the overspend is evidenced to be caused by one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<String>,
}
