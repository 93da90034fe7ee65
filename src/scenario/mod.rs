//! Scenarios: the file format, its validation, and the resolved form the model uses.
//!
//! `file` mirrors the TOML; `source` reads and merges `extends` chains; `validate`
//! collects every problem and produces a [`Scenario`] with nothing left to fill in.

pub mod builtin;
pub mod costs;
pub mod fields;
pub mod file;
pub mod problem;
pub mod source;
pub mod stochastic;
pub mod uasc;
pub mod validate;
pub mod values;

pub use costs::{CostSource, UnitCostProvenance};
pub use problem::{Problem, Problems};
pub use source::SourceFiles;
pub use stochastic::Stochastic;
pub use uasc::Uasc;

use crate::placement::{ByPlacement, Placement};
use crate::year::FinancialYear;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// A resolved scenario: every series has one value per year, every name is checked.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Council name.
    pub authority: String,
    /// Title for tables and reports.
    pub title: String,
    /// Where the figures come from.
    pub source: Option<String>,
    /// The financial years, in order.
    pub years: Vec<FinancialYear>,
    /// Today's children by placement type.
    pub cohort: ByPlacement<f64>,
    /// Yearly unit cost by placement type, for each year (uplift applied).
    pub unit_costs: Vec<ByPlacement<f64>>,
    /// Yearly uplift of unit costs by placement type (`unit_costs.uplift_by_type`,
    /// else the single `unit_costs.uplift`).
    pub unit_cost_uplift: ByPlacement<f64>,
    /// Whose unit costs these are: every output warns beside its money when
    /// they are defaults borrowed from another council.
    pub unit_cost_source: UnitCostProvenance,
    /// The do-nothing growth assumption.
    pub do_nothing: DoNothing,
    /// The placement budget and do-nothing pressures, if given.
    pub budget: Option<Budget>,
    /// The invest-to-save plan, if this is a plan scenario.
    pub plan: Option<Plan>,
    /// Investment lines in groups.
    pub investment: Vec<InvestmentGroup>,
    /// Savings given as figures.
    pub given_savings: Vec<MoneyLine>,
    /// MTFS items, if given.
    pub mtfs: Option<Mtfs>,
    /// The Monte Carlo engine's rates and interventions, if given.
    pub stochastic: Option<Stochastic>,
    /// The unaccompanied asylum-seeking children among the opening census and
    /// entries (`[uasc]`), if given: they are then forecast apart ([`crate::uasc`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uasc: Option<Uasc>,
    /// Optimism-bias adjustments applied to the plan's finance.
    pub optimism_bias: OptimismBias,
    /// The reports' title page and summary, as the `[report]` table gives them.
    pub report: ReportTitles,
}

/// The `[report]` table: titles and narrative of the council's own. Each is
/// `None` when not given; the reports then fall back on `[authority]` (the
/// council as author, "council — scenario title" as title).
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct ReportTitles {
    /// Title of the paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Subtitle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The paper's date, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A summary paragraph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// Compound growth from a starting count (Appendix 5).
#[derive(Debug, Clone, Serialize)]
pub struct DoNothing {
    /// Children in care in the first year, including UASC.
    pub start_total: f64,
    /// Of whom unaccompanied asylum-seeking children.
    pub start_uasc: f64,
    /// Yearly growth rate.
    pub growth_rate: f64,
    /// Whether counts are rounded to whole children each year.
    pub round_each_year: bool,
    /// Other growth rates drawn on charts for comparison.
    pub compare_rates: Vec<f64>,
}

/// The placement budget's do-nothing inputs, £'000s, one value per year.
#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    /// Name of the budget.
    pub name: String,
    /// Base budget.
    pub base: Vec<f64>,
    /// Forecast overspend at standstill.
    pub underlying_overspend: Vec<f64>,
    /// One-off grants set against the overspend.
    pub one_off_grants: Vec<f64>,
    /// Cost of growth in numbers at the rate `growth_costed_at`.
    pub growth_in_numbers: Vec<f64>,
    /// The rate the growth cost was costed at, if given.
    pub growth_costed_at: Option<f64>,
    /// New price pressure.
    pub price_pressure: Vec<f64>,
    /// How the lines above were moved from the prices they were costed at, if they were.
    pub repriced: Option<Repricing>,
}

/// How budget lines costed at one set of unit costs were moved to the scenario's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Repricing {
    /// Today's cohort at the prices the lines were costed at, pounds a year.
    pub cohort_cost_costed: f64,
    /// Today's cohort at the scenario's first-year prices, pounds a year.
    pub cohort_cost_now: f64,
}

impl Repricing {
    /// The change in the cohort's cost, £'000s a year: added to the underlying overspend.
    pub fn overspend_change(&self) -> f64 {
        (self.cohort_cost_now - self.cohort_cost_costed) / 1000.0
    }

    /// The ratio of the two costs: price pressure and the cost of growth scale by it.
    pub fn factor(&self) -> f64 {
        if self.cohort_cost_costed > 0.0 {
            self.cohort_cost_now / self.cohort_cost_costed
        } else {
            1.0
        }
    }
}

impl Budget {
    /// Moves lines costed at `costed` unit costs to `now` (design brief §4a,
    /// "prices are causes"): the standstill cost of today's `cohort` changes by
    /// its cost difference, pound for pound, and the lines that price extra
    /// children or inflation (growth in numbers, price pressure) scale with the
    /// ratio. At the costed prices nothing changes.
    pub fn reprice(
        &mut self,
        cohort: &ByPlacement<f64>,
        costed: &ByPlacement<f64>,
        now: &ByPlacement<f64>,
    ) {
        let cost = |prices: &ByPlacement<f64>| -> f64 {
            Placement::ALL.iter().map(|&p| cohort[p] * prices[p]).sum()
        };
        let r = Repricing {
            cohort_cost_costed: cost(costed),
            cohort_cost_now: cost(now),
        };
        if r.cohort_cost_now == r.cohort_cost_costed {
            return;
        }
        let (add, f) = (r.overspend_change(), r.factor());
        self.underlying_overspend.iter_mut().for_each(|v| *v += add);
        self.price_pressure.iter_mut().for_each(|v| *v *= f);
        self.growth_in_numbers.iter_mut().for_each(|v| *v *= f);
        self.repriced = Some(r);
    }
}

/// The plan's trajectory and mix rules.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Name of the plan.
    pub name: String,
    /// Target children at 31 March of each year.
    pub totals: Vec<f64>,
    /// Share of the first year's drop counted as that year's saving.
    pub first_year_share: f64,
    /// Types held at a fixed count.
    pub holds: Vec<Hold>,
}

/// A placement type held at a count from a year on, another type absorbing the difference.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Hold {
    /// The type held.
    pub placement: Placement,
    /// The count held.
    pub count: f64,
    /// Index of the first year the hold applies.
    pub from: usize,
    /// The type that absorbs the difference, rounded to a whole child.
    pub absorbed_by: Placement,
}

/// A group of investment lines with its subtotal label.
#[derive(Debug, Clone, Serialize)]
pub struct InvestmentGroup {
    /// Heading.
    pub name: String,
    /// Subtotal label.
    pub total_label: String,
    /// Lines.
    pub lines: Vec<MoneyLine>,
}

/// A line of money by year, £'000s.
#[derive(Debug, Clone, Serialize)]
pub struct MoneyLine {
    /// Identifier.
    pub id: String,
    /// Label.
    pub name: String,
    /// £'000s, one per year.
    pub amounts: Vec<f64>,
}

/// Optimism-bias adjustments (HM Treasury Green Book); all 0 when not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct OptimismBias {
    /// Uplift of every investment line (0.2 = 20% more).
    pub investment: f64,
    /// Shortfall of the plan's placement and given savings (0.25 = a quarter less).
    pub savings: f64,
    /// Months by which savings arrive later: the deterministic placement savings
    /// shift later, and in the engine every intervention starts later.
    pub delay_months: f64,
}

impl OptimismBias {
    /// Whether any adjustment is made.
    pub fn applies(&self) -> bool {
        *self != OptimismBias::default()
    }

    /// A short description for table titles, e.g. "investment +20%, savings -25%, 6 months later".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.investment != 0.0 {
            parts.push(format!("investment +{}%", trim(self.investment * 100.0)));
        }
        if self.savings != 0.0 {
            parts.push(format!("savings -{}%", trim(self.savings * 100.0)));
        }
        if self.delay_months != 0.0 {
            parts.push(format!("savings {} months later", trim(self.delay_months)));
        }
        parts.join(", ")
    }
}

/// A number with at most two decimals and no trailing zeros.
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// MTFS inputs, £'000s per year.
#[derive(Debug, Clone, Serialize)]
pub struct Mtfs {
    /// Existing savings still to be delivered.
    pub undelivered_savings: Vec<f64>,
}

impl Scenario {
    /// Number of years in the horizon.
    pub fn n_years(&self) -> usize {
        self.years.len()
    }

    /// Year labels such as "2019/20".
    pub fn year_labels(&self) -> Vec<String> {
        self.years.iter().map(|y| y.label()).collect()
    }
}

/// A scenario together with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The resolved scenario.
    pub scenario: Scenario,
    /// The path the user named (or the built-in name).
    pub path: String,
    /// SHA-256 of the files of the `extends` chain, child first.
    pub hash: String,
    /// The merged scenario as TOML, for reports that show their inputs.
    pub merged_toml: String,
    /// The merged document and its files, for sweeps that change a field and resolve again.
    pub source: source::Loaded,
}

/// The fields that set a scenario's opening census (design brief §4a): two
/// arms compared path by path must agree on all of them.
pub const CENSUS_FIELDS: [&str; 6] = [
    "stochastic.start_children",
    "stochastic.start_total",
    "stochastic.start_by_age",
    "cohort",
    "do_nothing.start_total",
    "years.first",
];

/// The census fields whose merged values differ between two scenarios.
pub fn census_fields(a: &Loaded, b: &Loaded) -> Vec<&'static str> {
    let get = |l: &Loaded, key: &str| -> Option<toml::Value> {
        let mut parts = key.split('.');
        let mut v = l.source.merged.get(parts.next()?)?;
        for part in parts {
            v = v.as_table()?.get(part)?;
        }
        Some(v.clone())
    };
    CENSUS_FIELDS
        .iter()
        .copied()
        .filter(|k| get(a, k) != get(b, k))
        .collect()
}

/// Reads, merges, checks and resolves the scenario at `path`.
pub fn load(path: &Path, files: &dyn SourceFiles) -> Result<Loaded, Problems> {
    let loaded = source::load(path, files).map_err(Problems)?;
    if loaded.merged.contains_key("partners") {
        return Err(Problems(vec![Problem::file(
            &path.display().to_string(),
            "this is a partnership file (it has [[partners]]), not a scenario; run it with `lacsim partnership FILE`",
        )]));
    }
    let scenario = validate::resolve(&loaded).map_err(Problems)?;
    let mut hasher = Sha256::new();
    for f in &loaded.files {
        hasher.update(f.text.as_bytes());
    }
    let hash = format!("{:x}", hasher.finalize());
    let merged_toml = toml::to_string(&loaded.merged).unwrap_or_default();
    Ok(Loaded {
        scenario,
        path: path.display().to_string(),
        hash,
        merged_toml,
        source: loaded,
    })
}

impl Loaded {
    /// The scenario with numeric fields changed, resolved and checked again.
    pub fn with_changes(&self, changes: &[(String, fields::Change)]) -> Result<Scenario, Problems> {
        let mut src = self.source.clone();
        self.pin_budget_prices(&mut src.merged);
        for (field, change) in changes {
            fields::set(&mut src.merged, field, *change).map_err(|e| {
                Problems(vec![Problem {
                    file: self.path.clone(),
                    line: None,
                    field: Some(field.clone()),
                    message: e.to_string(),
                }])
            })?;
        }
        validate::resolve(&src).map_err(Problems)
    }

    /// The merged scenario with numeric fields changed, as TOML that `lacsim run`
    /// reads back to the same scenario (checked first: a change that makes the
    /// scenario invalid is refused with its problems).
    pub fn changed_toml(&self, changes: &[(String, fields::Change)]) -> Result<String, Problems> {
        self.with_changes(changes)?;
        let mut merged = self.source.merged.clone();
        // As with_changes does: the budget keeps the prices it was costed at.
        self.pin_budget_prices(&mut merged);
        for (field, change) in changes {
            // with_changes just applied the same changes without error.
            let _ = fields::set(&mut merged, field, *change);
        }
        merged.remove("extends");
        toml::to_string(&merged).map_err(|e| {
            Problems(vec![Problem::file(
                &self.path,
                format!("cannot write TOML: {e}"),
            )])
        })
    }

    /// Records, in a budget that does not say, the unit costs its lines were
    /// costed at (the file's own), so that a change of prices moves them.
    fn pin_budget_prices(&self, merged: &mut toml::Table) {
        let Some(toml::Value::Table(budget)) = merged.get_mut("budget") else {
            return;
        };
        if budget.contains_key("costed_at_unit_costs") {
            return;
        }
        let prices: toml::Table = Placement::ALL
            .iter()
            .map(|&p| {
                (
                    p.key().to_string(),
                    toml::Value::Float(self.scenario.unit_costs[0][p]),
                )
            })
            .collect();
        budget.insert("costed_at_unit_costs".into(), toml::Value::Table(prices));
    }
}
