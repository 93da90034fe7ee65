//! Regional adoption partnerships: several councils pooling adoption services.
//!
//! This module owns the partnership file ([`file`] mirrors it, [`validate`]
//! checks it and resolves a [`Partnership`]), the monthly adoption pathway of
//! each partner ([`pathway`]), the money rules ([`formula`]: contributions,
//! hub overspends, inter-agency fees and settlement), and runs that put them
//! together ([`run_expected`], [`run_path`], [`summarise`]). It does no I/O:
//! the caller passes a [`SourceFiles`] and gets values back.

pub mod file;
pub mod formula;
pub mod pathway;
pub mod validate;

use crate::scenario::{Problems, SourceFiles};
use crate::year::FinancialYear;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

pub use pathway::{PathwayParams, Stocks};

/// A resolved partnership: every name checked, one formula per year, money in pounds.
#[derive(Debug, Clone, Serialize)]
pub struct Partnership {
    /// The partnership's name.
    pub name: String,
    /// Title for tables.
    pub title: String,
    /// Where the figures come from.
    pub source: Option<String>,
    /// The years simulated, in order.
    pub years: Vec<FinancialYear>,
    /// The year the in-scope budgets were set in.
    pub budget_year: FinancialYear,
    /// Yearly uplift of budgets after the budget year.
    pub budget_uplift: f64,
    /// Inter-agency fees.
    pub fees: Fees,
    /// Pooled budget lines.
    pub functions: Vec<Function>,
    /// The partners, in file order.
    pub partners: Vec<Partner>,
    /// Hubs.
    pub hubs: Vec<Hub>,
    /// The contribution rule of each year.
    pub formula: Vec<Rule>,
    /// Overspends given as figures.
    pub overspends: Vec<Overspend>,
}

/// A pooled budget line.
#[derive(Debug, Clone, Serialize)]
pub struct Function {
    /// Identifier.
    pub id: String,
    /// Label.
    pub name: String,
}

/// One council in the partnership.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    /// Identifier.
    pub id: String,
    /// Council name.
    pub name: String,
    /// Whether a London borough (London fee uplift on what it charges).
    pub london: bool,
    /// Its own scenario file, if named (already validated).
    pub scenario: Option<String>,
    /// In-scope budget by function (same order as [`Partnership::functions`]), pounds.
    pub budget: Vec<f64>,
    /// Staff costs recharged quarterly under a pooled budget, pounds a year.
    pub staff_costs: f64,
    /// Adoption pathway inputs.
    pub pathway: PathwayParams,
}

impl Partner {
    /// The in-scope budget in the budget year, pounds.
    pub fn in_scope_budget(&self) -> f64 {
        self.budget.iter().sum()
    }
}

/// The inter-agency fees.
#[derive(Debug, Clone, Serialize)]
pub struct Fees {
    /// Fee between councils and RAAs, pounds.
    pub interagency: f64,
    /// Uplift on a London agency's fee.
    pub london_uplift: f64,
    /// Voluntary agency fee in each simulated year, pounds.
    pub voluntary: Vec<f64>,
    /// Whether partners charge each other nothing.
    pub abolish_between_partners: bool,
}

/// Whether a hub is the partnership's central hub or a council's locality hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HubKind {
    /// Shared by all partners: overspends split equally unless attributed.
    Central,
    /// Run by one council: overspends fall on the host unless attributed.
    Locality,
}

/// A hub with a budget.
#[derive(Debug, Clone, Serialize)]
pub struct Hub {
    /// Identifier.
    pub id: String,
    /// Label.
    pub name: String,
    /// Central or locality.
    pub kind: HubKind,
    /// Index of the host partner.
    pub host: usize,
    /// Budget a year, pounds.
    pub budget: f64,
    /// Fixed cost a year, pounds.
    pub fixed_cost: f64,
    /// Cost per child matched, pounds.
    pub cost_per_match: f64,
}

/// What the partners' demand is measured by in a demand-led formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Placement orders granted.
    PlacementOrders,
    /// Adoption orders granted.
    Adoptions,
}

impl Measure {
    /// Every measure's key, for messages.
    pub const KEYS: &str = "placement_orders, adoptions";

    /// The measure named by `key`.
    pub fn from_key(key: &str) -> Option<Measure> {
        match key {
            "placement_orders" => Some(Measure::PlacementOrders),
            "adoptions" => Some(Measure::Adoptions),
            _ => None,
        }
    }
}

/// A contribution rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Rule {
    /// Each partner pays a share (1 = 100%) of its in-scope budget.
    InScopeBudget {
        /// Share of the budget paid.
        share_of_budget: f64,
    },
    /// The pooled budget split in proportion to the year before's measure.
    DemandLed {
        /// What demand is measured by.
        measure: Measure,
    },
    /// The pooled budget split by fixed shares, staff costs recharged quarterly.
    PooledBudget {
        /// Each partner's share, summing to 1.
        shares: Vec<f64>,
    },
}

/// Who an overspend is evidenced to be caused by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// Nobody in particular: the hub's default rule applies.
    None,
    /// One partner (by index), who pays all of it.
    Partner(usize),
    /// The wider partnership: split equally.
    Partnership,
}

/// An overspend given as a figure.
#[derive(Debug, Clone, Serialize)]
pub struct Overspend {
    /// Index of the year.
    pub year: usize,
    /// Index of the hub.
    pub hub: usize,
    /// Pounds.
    pub amount: f64,
    /// Who caused it.
    pub attributed_to: Attribution,
}

impl Partnership {
    /// Year labels such as "2021/22".
    pub fn year_labels(&self) -> Vec<String> {
        self.years.iter().map(|y| y.label()).collect()
    }

    /// A partner's in-scope budget in simulated year `y`, uplifted from the budget year.
    pub fn budget_in_year(&self, partner: usize, y: usize) -> f64 {
        let k = (self.years[y].start_year() - self.budget_year.start_year()).max(0);
        self.partners[partner].in_scope_budget() * (1.0 + self.budget_uplift).powi(k)
    }
}

/// A partnership together with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The resolved partnership.
    pub partnership: Partnership,
    /// The path the user named.
    pub path: String,
    /// SHA-256 of the partnership file (and what it extends).
    pub hash: String,
    /// The file's text, for saving beside results.
    pub text: String,
}

/// Reads, checks and resolves the partnership file at `path`, and validates each
/// partner's own scenario with [`crate::scenario::load`].
pub fn load(path: &Path, files: &dyn SourceFiles) -> Result<Loaded, Problems> {
    let src = crate::scenario::source::load(path, files).map_err(Problems)?;
    if !src.merged.contains_key("partners") && src.merged.contains_key("authority") {
        return Err(Problems(vec![crate::scenario::Problem::file(
            &path.display().to_string(),
            "this is a scenario file (it has [authority] and no [[partners]]), not a partnership; run it with `lacsim run FILE`",
        )]));
    }
    let partnership = validate::resolve(&src, files).map_err(Problems)?;
    let mut hasher = Sha256::new();
    for f in &src.files {
        hasher.update(f.text.as_bytes());
    }
    Ok(Loaded {
        partnership,
        path: path.display().to_string(),
        hash: format!("{:x}", hasher.finalize()),
        text: src.files[0].text.clone(),
    })
}

/// One partner's adoption flows over a year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearFlows {
    /// Placement orders granted.
    pub placement_orders: f64,
    /// Children matched.
    pub matched: f64,
    /// Matched with regional adopters (own or another partner's).
    pub matched_in_region: f64,
    /// Matched with another partner's adopters (the sufficiency deficit met in-region).
    pub matched_with_partners: f64,
    /// Matched bought in from agencies outside the partnership.
    pub bought_in: f64,
    /// Of those, from voluntary agencies.
    pub bought_in_voluntary: f64,
    /// Plans changed before a match.
    pub plan_changes: f64,
    /// Children moved in with their adoptive family ("children placed").
    pub placed: f64,
    /// Adoption orders granted.
    pub adoption_orders: f64,
    /// Adopter households approved.
    pub adopters_approved: f64,
    /// The partner's adopters matched with other partners' children.
    pub adopters_to_partners: f64,
    /// The partner's adopters matched with children from outside.
    pub adopters_to_outside: f64,
    /// Sum over the year's months of children waiting at the start of the month.
    pub waiting_months: f64,
    /// Sum over the year's months of children matched, not moved in, at the start of the month.
    pub matched_months: f64,
    /// Children waiting at the end of the year.
    pub waiting_end: f64,
    /// Approved households waiting at the end of the year.
    pub adopters_end: f64,
}

/// One partner in one year of one path (or of the expected-value run).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PartnerYear {
    /// Flows in the partnership.
    pub flows: YearFlows,
    /// Share of matches made with regional adopters.
    pub in_region_share: f64,
    /// A2, 3-year average: mean days from placement order to match (Little's law).
    pub a2_days: f64,
    /// A10, 3-year average: mean days from entering care to moving in (Little's law).
    pub a10_days: f64,
    /// Contribution under the year's formula, pounds.
    pub contribution: f64,
    /// Staff costs recharged to the partner by the pooled budget (four quarterly payments), pounds.
    pub staff_recharges: f64,
    /// Share of hub overspends, pounds.
    pub overspend: f64,
    /// Inter-agency fees paid, pounds.
    pub interagency_spend: f64,
    /// Inter-agency fees received, pounds.
    pub interagency_income: f64,
    /// Of the fees paid, paid to other partners for their adopters, pounds.
    pub settlement_paid: f64,
    /// Cost in the partnership: contribution + overspend + spend - income, pounds.
    pub cost: f64,
    /// Inter-agency fees paid had it stayed alone, pounds.
    pub alone_interagency_spend: f64,
    /// Inter-agency fees received had it stayed alone, pounds.
    pub alone_interagency_income: f64,
    /// Cost had it stayed alone: in-scope budget + spend - income, pounds.
    pub alone_cost: f64,
}

/// One path (or the expected-value run): `partners[p][year]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathResult {
    /// By partner, then year.
    pub partners: Vec<Vec<PartnerYear>>,
    /// Overspend of each hub by year (cost over budget, plus given overspends), pounds.
    pub hub_overspends: Vec<Vec<f64>>,
}

/// The expected-value run: every flow at its mean.
pub fn run_expected(p: &Partnership) -> PathResult {
    let growth: Vec<f64> = p.partners.iter().map(|x| x.pathway.growth).collect();
    simulate(p, &growth, &mut Draw::Expected, &mut Draw::Expected)
}

/// One stochastic path, its streams derived from (seed, path, partner, stream kind).
/// The partnership and the partners alone use the same streams.
pub fn run_path(p: &Partnership, seed: u64, path: u64) -> PathResult {
    let n = p.partners.len();
    let mut g = Streams::new(seed, path, n);
    let growth: Vec<f64> = {
        let mut d = Draw::Random(&mut g);
        p.partners
            .iter()
            .enumerate()
            .map(|(i, x)| d.growth(i, x.pathway.growth, x.pathway.growth_sd))
            .collect()
    };
    let mut pooled = Streams::new(seed, path, n);
    let mut alone = Streams::new(seed, path, n);
    simulate(
        p,
        &growth,
        &mut Draw::Random(&mut pooled),
        &mut Draw::Random(&mut alone),
    )
}

use pathway::{DAYS_PER_MONTH, Draw, Streams};

/// Runs the partnership (`pooled`) and each partner alone, then applies the money rules.
fn simulate(
    p: &Partnership,
    growth: &[f64],
    pooled: &mut Draw<'_>,
    alone: &mut Draw<'_>,
) -> PathResult {
    let n = p.partners.len();
    let ny = p.years.len();
    let params: Vec<PathwayParams> = p.partners.iter().map(|x| x.pathway.clone()).collect();
    let london: Vec<bool> = p.partners.iter().map(|x| x.london).collect();
    let mut together: Vec<Stocks> = params.iter().map(|x| x.start).collect();
    let mut apart = together.clone();
    let mut out: Vec<Vec<PartnerYear>> = vec![vec![PartnerYear::default(); ny]; n];
    let mut hub_overspends = vec![vec![0.0; ny]; p.hubs.len()];
    for y in 0..ny {
        let per_month: Vec<f64> = params
            .iter()
            .zip(growth)
            .map(|(x, g)| x.placement_orders_per_year * (1.0 + g).powi(y as i32) / 12.0)
            .collect();
        let mut money = formula::InterAgency {
            spend: vec![0.0; n],
            income: vec![0.0; n],
            settlement_paid: vec![0.0; n],
        };
        let mut money_alone = money.clone();
        for _ in 0..12 {
            for i in 0..n {
                out[i][y].flows.waiting_months += together[i].waiting;
                out[i][y].flows.matched_months += together[i].matched;
            }
            let f = pathway::step(&params, &per_month, &mut together, true, pooled);
            let fa = pathway::step(&params, &per_month, &mut apart, false, alone);
            add(&mut money, &formula::interagency(&p.fees, y, &london, &f));
            add(
                &mut money_alone,
                &formula::interagency(&p.fees, y, &london, &fa),
            );
            for (i, fi) in f.iter().enumerate() {
                let t = &mut out[i][y].flows;
                let received: f64 = fi.from_partner.iter().sum();
                t.placement_orders += fi.placement_orders;
                t.matched += fi.matches;
                t.matched_in_region += fi.own_matches + received;
                t.matched_with_partners += received;
                t.bought_in += fi.bought_la + fi.bought_la_london + fi.bought_vaa;
                t.bought_in_voluntary += fi.bought_vaa;
                t.plan_changes += fi.plan_changes;
                t.placed += fi.moved_in;
                t.adoption_orders += fi.adoption_orders;
                t.adopters_approved += fi.approvals;
                t.adopters_to_outside += fi.outside_matches;
                for (j, fj) in f.iter().enumerate() {
                    if j != i {
                        t.adopters_to_partners += fj.from_partner[i];
                    }
                }
            }
        }
        for i in 0..n {
            let r = &mut out[i][y];
            r.flows.waiting_end = together[i].waiting;
            r.flows.adopters_end = together[i].adopters;
            r.interagency_spend = money.spend[i];
            r.interagency_income = money.income[i];
            r.settlement_paid = money.settlement_paid[i];
            r.alone_interagency_spend = money_alone.spend[i];
            r.alone_interagency_income = money_alone.income[i];
        }
        // Hub overspends: modelled cost over budget, then overspends given as figures.
        for (h, hub) in p.hubs.iter().enumerate() {
            let matches: f64 = match hub.kind {
                HubKind::Central => (0..n).map(|i| out[i][y].flows.matched).sum(),
                HubKind::Locality => out[hub.host][y].flows.matched,
            };
            let over = (hub.fixed_cost + hub.cost_per_match * matches - hub.budget).max(0.0);
            hub_overspends[h][y] += over;
            let split = formula::split_overspend(over, hub.kind, hub.host, Attribution::None, n);
            for i in 0..n {
                out[i][y].overspend += split[i];
            }
        }
        for o in p.overspends.iter().filter(|o| o.year == y) {
            let hub = &p.hubs[o.hub];
            hub_overspends[o.hub][y] += o.amount;
            let split = formula::split_overspend(o.amount, hub.kind, hub.host, o.attributed_to, n);
            for i in 0..n {
                out[i][y].overspend += split[i];
            }
        }
        // Contributions: demand-led rules read the year before (the first year reads itself).
        let budgets: Vec<f64> = (0..n).map(|i| p.budget_in_year(i, y)).collect();
        let basis = y.saturating_sub(1);
        let demand: Vec<f64> = match &p.formula[y] {
            Rule::DemandLed { measure } => (0..n)
                .map(|i| {
                    let f = &out[i][basis].flows;
                    formula::measure(*measure, f.placement_orders, f.adoption_orders)
                })
                .collect(),
            _ => vec![0.0; n],
        };
        let contributions = formula::contributions(&p.formula[y], &budgets, &demand);
        for i in 0..n {
            let r = &mut out[i][y];
            r.contribution = contributions[i];
            if matches!(p.formula[y], Rule::PooledBudget { .. }) {
                let quarterly = p.partners[i].staff_costs * budgets[i]
                    / p.partners[i].in_scope_budget().max(f64::MIN_POSITIVE)
                    / 4.0;
                r.staff_recharges = (0..4).map(|_| quarterly).sum();
            }
            r.cost = r.contribution + r.overspend + r.interagency_spend - r.interagency_income;
            r.alone_cost = budgets[i] + r.alone_interagency_spend - r.alone_interagency_income;
            r.in_region_share = if r.flows.matched > 0.0 {
                r.flows.matched_in_region / r.flows.matched
            } else {
                0.0
            };
        }
    }
    // Timeliness: 3-year averages (fewer in the first two years), by Little's law.
    for (i, partner) in p.partners.iter().enumerate() {
        for y in 0..ny {
            let window = &out[i][y.saturating_sub(2)..=y];
            let waiting: f64 = window.iter().map(|r| r.flows.waiting_months).sum();
            let left: f64 = window
                .iter()
                .map(|r| r.flows.matched + r.flows.plan_changes)
                .sum();
            let matched: f64 = window.iter().map(|r| r.flows.matched_months).sum();
            let moved: f64 = window.iter().map(|r| r.flows.placed).sum();
            let a2 = little(waiting, left);
            let move_in = little(matched, moved);
            out[i][y].a2_days = a2;
            out[i][y].a10_days = partner.pathway.days_care_to_placement_order + a2 + move_in;
        }
    }
    PathResult {
        partners: out,
        hub_overspends,
    }
}

/// Mean days in a stock by Little's law: stock-months over leavers, in days.
fn little(stock_months: f64, leavers: f64) -> f64 {
    if leavers > 0.0 {
        stock_months / leavers * DAYS_PER_MONTH
    } else {
        0.0
    }
}

fn add(total: &mut formula::InterAgency, month: &formula::InterAgency) {
    for i in 0..total.spend.len() {
        total.spend[i] += month.spend[i];
        total.income[i] += month.income[i];
        total.settlement_paid[i] += month.settlement_paid[i];
    }
}

/// Mean and percentiles of a quantity by year, across paths.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Spread {
    /// Mean by year.
    pub mean: Vec<f64>,
    /// 5th percentile by year.
    pub p5: Vec<f64>,
    /// 25th percentile by year.
    pub p25: Vec<f64>,
    /// Median by year.
    pub p50: Vec<f64>,
    /// 75th percentile by year.
    pub p75: Vec<f64>,
    /// 95th percentile by year.
    pub p95: Vec<f64>,
}

impl Spread {
    /// The spread of `value(path, year)` over `paths` paths and `years` years.
    pub fn of(paths: usize, years: usize, value: impl Fn(usize, usize) -> f64) -> Spread {
        let mut s = Spread::default();
        for y in 0..years {
            let mut v: Vec<f64> = (0..paths).map(|k| value(k, y)).collect();
            v.sort_by(f64::total_cmp);
            s.mean.push(v.iter().sum::<f64>() / v.len().max(1) as f64);
            s.p5.push(quantile7(&v, 0.05));
            s.p25.push(quantile7(&v, 0.25));
            s.p50.push(quantile7(&v, 0.50));
            s.p75.push(quantile7(&v, 0.75));
            s.p95.push(quantile7(&v, 0.95));
        }
        s
    }
}

/// Hyndman-Fan type 7 quantile of sorted values (Excel `PERCENTILE.INC`): the engine's one quantile function.
pub use crate::engine::quantile_type7 as quantile7;

/// One partner across paths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerSummary {
    /// Probability, by year, that the partner pays more in the partnership than alone.
    pub p_more_than_alone: Vec<f64>,
    /// Probability that it pays more over the whole horizon.
    pub p_more_than_alone_total: f64,
    /// Contributions under demand growth.
    pub contribution: Spread,
    /// Cost in the partnership.
    pub cost: Spread,
    /// Cost had it stayed alone.
    pub alone_cost: Spread,
}

/// What many paths say about each partner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of paths.
    pub paths: usize,
    /// By partner, in file order.
    pub partners: Vec<PartnerSummary>,
}

/// Paying more means by more than a pound, so equal costs never count.
const MORE_BY: f64 = 1.0;

/// Summarises paths (in path order) partner by partner.
pub fn summarise(p: &Partnership, paths: &[PathResult]) -> Summary {
    let (np, ny) = (paths.len(), p.years.len());
    let partners = (0..p.partners.len())
        .map(|i| {
            let more = |k: usize, y: usize| {
                let r = &paths[k].partners[i][y];
                r.cost > r.alone_cost + MORE_BY
            };
            let share = |hits: usize| {
                if np == 0 {
                    0.0
                } else {
                    hits as f64 / np as f64
                }
            };
            PartnerSummary {
                p_more_than_alone: (0..ny)
                    .map(|y| share((0..np).filter(|&k| more(k, y)).count()))
                    .collect(),
                p_more_than_alone_total: share(
                    (0..np)
                        .filter(|&k| {
                            let rs = &paths[k].partners[i];
                            rs.iter().map(|r| r.cost).sum::<f64>()
                                > rs.iter().map(|r| r.alone_cost).sum::<f64>() + MORE_BY
                        })
                        .count(),
                ),
                contribution: Spread::of(np, ny, |k, y| paths[k].partners[i][y].contribution),
                cost: Spread::of(np, ny, |k, y| paths[k].partners[i][y].cost),
                alone_cost: Spread::of(np, ny, |k, y| paths[k].partners[i][y].alone_cost),
            }
        })
        .collect();
    Summary {
        paths: np,
        partners,
    }
}
