//! Runs paths in parallel (on the caller's rayon pool) into the result cube.
//!
//! Each path writes only its own row of the cube, in path order, so results do
//! not depend on the number of threads; nothing is summed across threads.
//! Performs no I/O, builds no thread pool and reads no clock: progress is a
//! callback the caller supplies.

use super::census;
use super::metrics::{ARM_METRICS, Metric, N_METRICS, STORED_METRICS};
use super::streams;
use crate::finance::break_even;
use crate::finance::discount::green_book_npv;
use crate::finance::{PlanInputs, do_nothing_budget, shortfall, year_position};
use crate::model::params::EntryCalibration;
use crate::model::sampling::Draws;
use crate::model::{MonthParams, PathParams, State, step};
use crate::placement::{ByPlacement, N_PLACEMENTS, Placement};
use crate::projection;
use crate::scenario::validate::MAX_YEARS;
use crate::scenario::{Scenario, Stochastic};
use crate::year::FinancialYear;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Most paths one run accepts.
pub const MAX_PATHS: u64 = 10_000_000;

/// Why a Monte Carlo run cannot start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The scenario has no `[stochastic]` section.
    #[error(
        "scenario `{0}` has no [stochastic] section, so it cannot be run with --paths; add one (see scenarios/README.md, \"Stochastic parameters\") or leave out --paths for the deterministic model"
    )]
    NoStochastic(String),
    /// The two scenarios of a comparison cover different years.
    #[error(
        "the do-nothing and invest scenarios cover different years ({0} and {1}); give both the same [years]"
    )]
    YearsDiffer(String, String),
    /// The two arms of a comparison do not open from the same children.
    #[error("{0}")]
    CensusDiffers(String),
    /// The run was cancelled before it finished.
    #[error("the run was cancelled")]
    Cancelled,
    /// The number of paths is outside what is allowed.
    #[error("--paths: must be between 1 and {MAX_PATHS}, got {0}")]
    Paths(u64),
    /// The results of that many paths do not fit in memory.
    #[error(
        "--paths {0}: the results need about {1:.1} GB, more memory than this machine can give; try fewer paths"
    )]
    Memory(u64, f64),
}

/// One arm of a run: the rates it uses and whether its interventions are on.
#[derive(Debug, Clone)]
pub struct Arm<'a> {
    /// The stochastic parameters.
    pub stochastic: &'a Stochastic,
    /// Entry levels calibrated to the growth rate.
    pub entries: EntryCalibration,
    /// Whether interventions and caps apply.
    pub interventions: bool,
    /// Unit costs by year, pounds per child per year.
    pub unit_costs: &'a [ByPlacement<f64>],
    /// The month tables as built for this arm (for its central path): each
    /// path starts from a copy and rebuilds only what depends on the path.
    template: Box<MonthParams>,
}

impl<'a> Arm<'a> {
    /// An arm of `stochastic` over `n_years` years, with or without its
    /// interventions, costed at `unit_costs`.
    pub fn new(
        stochastic: &'a Stochastic,
        n_years: usize,
        interventions: bool,
        unit_costs: &'a [ByPlacement<f64>],
    ) -> Arm<'a> {
        let entries = EntryCalibration::new(stochastic, n_years);
        let central = PathParams::central(stochastic, &entries, interventions);
        Arm {
            stochastic,
            template: Box::new(MonthParams::build(stochastic, &central, 0)),
            entries,
            interventions,
            unit_costs,
        }
    }

    /// Whether `other` is the same scenario at the same prices (the two arms
    /// of a plan, which differ only in whether its interventions are on).
    fn same_path_as(&self, other: &Arm) -> bool {
        std::ptr::eq(self.stochastic, other.stochastic)
            && std::ptr::eq(self.unit_costs, other.unit_costs)
            && self.entries == other.entries
    }

    /// Whether `other` opens from the same children at the same ages, so
    /// one census serves both arms of a path.
    fn same_opening(&self, other: &Arm) -> bool {
        self.stochastic.start == other.stochastic.start
            && self.stochastic.census_ages == other.stochastic.census_ages
    }
}

/// The money of a paired run: the plan's inputs (paper's ledger) and what the
/// comparator arm brings (economic ledger and its budget position).
#[derive(Debug, Clone)]
pub struct Finance {
    /// The invest scenario's yearly inputs, £'000s.
    pub plan: PlanInputs,
    /// The paper's baseline: today's children at first-year unit costs, pounds a year.
    pub baseline: f64,
    /// Today's children at each year's unit costs, pounds a year: what the
    /// comparator's cost is measured over for the growth the plan avoids, so
    /// that price uplifts already in its cost are not counted again beside
    /// the price-pressure line.
    pub standstill_by_year: Vec<f64>,
    /// The comparator's own investment (0 for a do-nothing scenario), £'000s a year.
    pub comparator_investment: Vec<f64>,
    /// The comparator's own given savings, £'000s a year.
    pub comparator_given: Vec<f64>,
    /// The comparator's budget lines, if it has a budget.
    pub comparator_budget: Option<ComparatorBudget>,
}

/// The comparator's Appendix 5 lines that do not depend on how many children
/// it has: on each path its budget gap is these plus its avoided growth
/// there (its cost over its baseline), the same growth the plan's ledger
/// counts as avoided, so the gap follows the children the arm has.
#[derive(Debug, Clone)]
pub struct ComparatorBudget {
    /// Underlying overspend (the standstill less the budget), £'000s a year.
    pub underlying: Vec<f64>,
    /// New price pressure, £'000s a year.
    pub prices: Vec<f64>,
    /// The comparator's standstill: today's children at its unit costs of
    /// each year, pounds a year (at year-0 prices when its costs do not rise).
    pub baseline: Vec<f64>,
}

impl ComparatorBudget {
    /// The budget gap in year `t` of a path whose comparator arm cost
    /// `cost` pounds (placements and post-care), £'000s.
    pub fn gap(&self, t: usize, cost: f64) -> f64 {
        self.underlying[t] + (cost - self.baseline[t]) / 1000.0 + self.prices[t]
    }
}

/// What to run: a main arm, and for plans a paired comparator arm and the finance.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    /// Financial years.
    pub years: Vec<FinancialYear>,
    /// The scenario's own arm (the invest arm for a plan).
    pub main: Arm<'a>,
    /// The paired comparator arm, for plans (the do-nothing arm).
    pub do_nothing: Option<Arm<'a>>,
    /// The money, for plans.
    pub finance: Option<Finance>,
    /// Optimism-bias shortfall of the plan's placement savings (0 = none).
    pub optimism_savings: f64,
}

impl<'a> Setup<'a> {
    /// A single scenario. A plan (a scenario with interventions or a `[plan]`) is
    /// paired with its own rates without interventions as the do-nothing arm.
    pub fn single(s: &'a Scenario) -> Result<Setup<'a>, EngineError> {
        let st = s
            .stochastic
            .as_ref()
            .ok_or_else(|| EngineError::NoStochastic(s.title.clone()))?;
        let is_plan = s.plan.is_some() || !st.interventions.is_empty();
        let n = s.n_years();
        let do_nothing = is_plan.then(|| Arm::new(st, n, false, &s.unit_costs));
        let mut setup = Setup {
            years: s.years.clone(),
            main: Arm::new(st, n, true, &s.unit_costs),
            do_nothing,
            finance: None,
            optimism_savings: s.optimism_bias.savings,
        };
        if is_plan {
            // The plan's own do-nothing invests nothing and has no given savings.
            setup.finance = Some(setup.finance_against(s, None));
        }
        Ok(setup)
    }

    /// A comparator scenario and an invest scenario, paired path by path. Both
    /// must cover the same years and open from the same census.
    pub fn paired(dn: &'a Scenario, inv: &'a Scenario) -> Result<Setup<'a>, EngineError> {
        if dn.years != inv.years {
            return Err(EngineError::YearsDiffer(
                format!("{} to {}", dn.years[0], dn.years[dn.n_years() - 1]),
                format!("{} to {}", inv.years[0], inv.years[inv.n_years() - 1]),
            ));
        }
        let dst = dn
            .stochastic
            .as_ref()
            .ok_or_else(|| EngineError::NoStochastic(dn.title.clone()))?;
        let ist = inv
            .stochastic
            .as_ref()
            .ok_or_else(|| EngineError::NoStochastic(inv.title.clone()))?;
        if let Some(d) = census::differs(dst, ist) {
            return Err(EngineError::CensusDiffers(d));
        }
        let mut setup = Setup {
            years: inv.years.clone(),
            main: Arm::new(ist, inv.n_years(), true, &inv.unit_costs),
            do_nothing: Some(Arm::new(dst, dn.n_years(), true, &dn.unit_costs)),
            finance: None,
            optimism_savings: inv.optimism_bias.savings,
        };
        setup.finance = Some(setup.finance_against(inv, Some(dn)));
        Ok(setup)
    }

    /// The finance of `inv` against `comparator` (`None`: its own do-nothing arm).
    fn finance_against(&self, inv: &Scenario, comparator: Option<&Scenario>) -> Finance {
        let n = inv.n_years();
        let dn_scenario = comparator.unwrap_or(inv);
        let (comparator_investment, comparator_given) = match comparator {
            Some(c) => {
                let p = PlanInputs::new(c);
                (p.investment_total, p.given_total)
            }
            None => (vec![0.0; n], vec![0.0; n]),
        };
        Finance {
            plan: PlanInputs::new(inv),
            baseline: baseline_cost(inv),
            standstill_by_year: standstill_by_year(inv),
            comparator_investment,
            comparator_given,
            comparator_budget: do_nothing_budget(dn_scenario).map(|b| ComparatorBudget {
                underlying: b
                    .standstill
                    .iter()
                    .zip(&b.budget)
                    .map(|(s, a)| s - a)
                    .collect(),
                prices: b.prices,
                baseline: standstill_by_year(dn_scenario),
            }),
        }
    }

    /// Number of years.
    pub fn n_years(&self) -> usize {
        self.years.len()
    }

    /// Whether the cube's plan metrics are filled.
    pub fn has_finance(&self) -> bool {
        self.finance.is_some() && self.do_nothing.is_some()
    }

    /// The invest scenario's investment less the comparator's in year `t`,
    /// £'000s: the same on every path (0 without finance).
    pub fn incremental_investment(&self, t: usize) -> f64 {
        match &self.finance {
            Some(fin) if self.has_finance() => {
                fin.plan.investment_total[t] - fin.comparator_investment[t]
            }
            _ => 0.0,
        }
    }
}

/// Today's children at each year's unit costs, pounds a year (the
/// [`baseline_cost`] every year when unit costs do not rise).
pub fn standstill_by_year(s: &Scenario) -> Vec<f64> {
    s.unit_costs
        .iter()
        .map(|u| projection::cost(&s.cohort, u).total())
        .collect()
}

/// The paper's baseline: today's children at first-year unit costs, pounds a year.
pub fn baseline_cost(s: &Scenario) -> f64 {
    projection::cost(&s.cohort, &s.unit_costs[0]).total()
}

/// What a path's finance comes to beyond its yearly metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathFinance {
    /// Index of the sustained break-even year (the impact stays at or below
    /// zero from then to the end), or -1.
    pub break_even: i16,
    /// Index of the first year the impact is negative (the paper's rule), or -1.
    pub first_negative: i16,
    /// Green Book NPV of the net cash flow (economic ledger), £'000s.
    pub npv: f64,
}

impl PathFinance {
    const NONE: PathFinance = PathFinance {
        break_even: -1,
        first_negative: -1,
        npv: 0.0,
    };
}

/// Every path's results.
#[derive(Debug, Clone)]
pub struct MonteCarlo {
    /// Number of paths.
    pub paths: usize,
    /// The seed.
    pub seed: u64,
    /// Financial years.
    pub years: Vec<FinancialYear>,
    /// `[path, year, metric]`, row-major ([`STORED_METRICS`] metrics, in
    /// [`Metric::stored_index`] order), held in single precision so a path's
    /// results fit in a kilobyte: counts are exact (below 2^24) and money is
    /// within a few pounds in a hundred million (the statistics are summed in
    /// double precision).
    pub cube: Vec<f32>,
    /// By year, the metric that is the same on every path
    /// ([`Metric::IncrementalInvestment`]), in single precision like the cube.
    pub incremental_investment: Vec<f32>,
    /// Per path: index of the sustained break-even year, or -1 when it does not break even.
    pub break_even: Vec<i16>,
    /// Per path: index of the first year the MTFS impact is negative, or -1.
    pub first_negative: Vec<i16>,
    /// Per path: Green Book NPV of the net cash flow against the comparator, £'000s.
    pub npv: Vec<f64>,
    /// Whether plan metrics are filled.
    pub has_finance: bool,
    /// Whether the comparator has a budget (its gap metric is filled).
    pub has_comparator_budget: bool,
}

impl MonteCarlo {
    /// One value of the cube.
    pub fn value(&self, path: usize, year: usize, metric: Metric) -> f64 {
        match metric.stored_index() {
            Some(k) => f64::from(self.cube[(path * self.years.len() + year) * STORED_METRICS + k]),
            None => f64::from(self.incremental_investment[year]),
        }
    }

    /// One metric in one year across paths, in path order.
    pub fn column(&self, year: usize, metric: Metric) -> Vec<f64> {
        (0..self.paths)
            .map(|p| self.value(p, year, metric))
            .collect()
    }

    /// Bytes of results held per path.
    pub fn bytes_per_path(&self) -> usize {
        self.years.len() * STORED_METRICS * std::mem::size_of::<f32>() + 2 + 2 + 8
    }
}

/// Runs `paths` paths with `seed` on the current rayon pool, calling `progress`
/// after each path (from any thread).
pub fn run(
    setup: &Setup,
    paths: u64,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Result<MonteCarlo, EngineError> {
    run_cancellable(setup, paths, seed, progress, &AtomicBool::new(false))
}

/// As [`run`], but paths not yet started are skipped once `cancel` is set, and
/// the run then ends with [`EngineError::Cancelled`] (no partial results).
pub fn run_cancellable(
    setup: &Setup,
    paths: u64,
    seed: u64,
    progress: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Result<MonteCarlo, EngineError> {
    if paths == 0 || paths > MAX_PATHS {
        return Err(EngineError::Paths(paths));
    }
    let n = paths as usize;
    let n_years = setup.n_years();
    let stride = n_years * STORED_METRICS;
    // Asked for rather than assumed, so a run too big for the machine ends
    // with a message instead of an abort.
    let mut cube = Vec::new();
    let mut extra = Vec::new();
    cube.try_reserve_exact(n * stride)
        .and_then(|()| extra.try_reserve_exact(n))
        .map_err(|_| {
            let per_path = stride * std::mem::size_of::<f32>() + std::mem::size_of::<PathFinance>();
            EngineError::Memory(paths, (n * per_path) as f64 / 1e9)
        })?;
    cube.resize(n * stride, 0.0f32);
    extra.resize(n, PathFinance::NONE);
    let skip = Metric::IncrementalInvestment.index();
    cube.par_chunks_mut(stride)
        .zip(extra.par_iter_mut())
        .enumerate()
        .for_each_init(
            || (Scratch::new(), vec![0.0; n_years * N_METRICS]),
            |(scratch, wide), (path, (row, ex))| {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                // The path runs in double precision and is stored in single,
                // without the metric that is the same on every path.
                wide.fill(0.0);
                *ex = run_path_in(setup, seed, path as u64, wide, scratch);
                let years = row
                    .chunks_exact_mut(STORED_METRICS)
                    .zip(wide.chunks_exact(N_METRICS));
                for (t, (r, w)) in years.enumerate() {
                    debug_assert_eq!(w[skip], setup.incremental_investment(t));
                    for (r, w) in r.iter_mut().zip(w[..skip].iter().chain(&w[skip + 1..])) {
                        *r = *w as f32;
                    }
                }
                progress();
            },
        );
    if cancel.load(Ordering::Relaxed) {
        return Err(EngineError::Cancelled);
    }
    Ok(MonteCarlo {
        paths: n,
        seed,
        years: setup.years.clone(),
        cube,
        incremental_investment: (0..n_years)
            .map(|t| setup.incremental_investment(t) as f32)
            .collect(),
        break_even: extra.iter().map(|e| e.break_even).collect(),
        first_negative: extra.iter().map(|e| e.first_negative).collect(),
        npv: extra.iter().map(|e| e.npv).collect(),
        has_finance: setup.has_finance(),
        has_comparator_budget: setup
            .finance
            .as_ref()
            .is_some_and(|f| f.comparator_budget.is_some()),
    })
}

/// The states a thread reuses from path to path (so paths allocate nothing).
#[derive(Debug)]
pub struct Scratch {
    /// The path's opening census, shared by its arms when they open alike.
    opening: State,
    main: State,
    comparator: State,
    /// Where the main arm stood when the comparator arm's months stopped
    /// being the same as its own.
    shared: Shared,
}

/// Where an arm stood at the start of a month: its state and what its
/// year had added up to so far.
#[derive(Debug)]
struct Shared {
    month: usize,
    state: State,
    year: YearSoFar,
}

/// A year's flows and costs up to some month.
#[derive(Debug, Clone, Copy, Default)]
struct YearSoFar {
    cost_by_type: [f64; N_PLACEMENTS],
    post_care: f64,
    entries: f64,
    leavers: f64,
}

impl Scratch {
    /// Empty states for random paths.
    pub fn new() -> Scratch {
        Scratch {
            opening: State::empty(),
            main: State::empty(),
            comparator: State::empty(),
            shared: Shared {
                month: 0,
                state: State::empty(),
                year: YearSoFar::default(),
            },
        }
    }

    fn expected() -> Scratch {
        let mut s = Scratch::new();
        s.opening.set_dense(true);
        s.main.set_dense(true);
        s.comparator.set_dense(true);
        s.shared.state.set_dense(true);
        s
    }
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch::new()
    }
}

/// One random path into `row` (`n_years × N_METRICS`).
pub fn run_path(setup: &Setup, seed: u64, path: u64, row: &mut [f64]) -> PathFinance {
    run_path_in(setup, seed, path, row, &mut Scratch::new())
}

/// As [`run_path`], reusing `scratch`.
pub fn run_path_in(
    setup: &Setup,
    seed: u64,
    path: u64,
    row: &mut [f64],
    scratch: &mut Scratch,
) -> PathFinance {
    let params = |arm: &Arm| {
        let mut rng = streams::structural(seed, path);
        PathParams::random(arm.stochastic, &arm.entries, arm.interventions, &mut rng)
    };
    both_arms(
        setup,
        row,
        params,
        || streams::census_streams(seed, path),
        |m| streams::month_streams(seed, path, m as u64),
        scratch,
    )
}

/// The expected-value model: one row with every draw replaced by its
/// expectation and every structural value by its distribution's mean.
pub fn expected(setup: &Setup) -> (Vec<f64>, PathFinance) {
    let mut row = vec![0.0; setup.n_years() * N_METRICS];
    let f = both_arms(
        setup,
        &mut row,
        |arm| PathParams::central(arm.stochastic, &arm.entries, arm.interventions),
        || crate::model::Expected,
        |_| crate::model::Expected,
        &mut Scratch::expected(),
    );
    (row, f)
}

fn both_arms<D: Draws>(
    setup: &Setup,
    row: &mut [f64],
    params: impl Fn(&Arm) -> PathParams,
    census: impl Fn() -> D,
    mut draws: impl FnMut(usize) -> D,
    scratch: &mut Scratch,
) -> PathFinance {
    let n_years = setup.n_years();
    let pp = params(&setup.main);
    let comparator = setup.do_nothing.as_ref().zip(setup.finance.as_ref());
    let pp_dn = comparator.map(|(dn, _)| params(dn));
    // A plan's own do-nothing arm makes the same draws from the same tables
    // as the plan until its interventions or caps first act: those months are
    // run once, and the do-nothing arm goes on from where the plan stood.
    let shared_months = match (comparator, &pp_dn) {
        (Some((dn, _)), Some(pp_dn)) if dn.same_path_as(&setup.main) => {
            pp.shared_months(pp_dn, setup.main.stochastic, n_years * 12)
        }
        _ => 0,
    };
    open(&setup.main, &mut census(), &mut scratch.opening);
    let record = (shared_months > 0 && shared_months < n_years * 12).then_some(shared_months);
    simulate(
        &setup.main,
        &pp,
        n_years,
        Start::Opening(&scratch.opening, record.map(|m| (m, &mut scratch.shared))),
        &mut draws,
        row,
        N_METRICS,
        &mut scratch.main,
    );
    let (Some((dn, fin)), Some(pp_dn)) = (comparator, pp_dn) else {
        return PathFinance::NONE;
    };
    let mut buf = [0.0; MAX_YEARS as usize * ARM_METRICS];
    // The years the arms share whole are the plan's.
    for t in 0..shared_months / 12 {
        buf[t * ARM_METRICS..(t + 1) * ARM_METRICS]
            .copy_from_slice(&row[t * N_METRICS..t * N_METRICS + ARM_METRICS]);
    }
    let start = if shared_months > 0 {
        Start::Shared(&scratch.shared)
    } else {
        if !dn.same_opening(&setup.main) {
            open(dn, &mut census(), &mut scratch.opening);
        }
        Start::Opening(&scratch.opening, None)
    };
    // Arms that share every month (a plan set against itself) share every
    // year, and nothing is left to run.
    if shared_months < n_years * 12 {
        simulate(
            dn,
            &pp_dn,
            n_years,
            start,
            &mut draws,
            &mut buf,
            ARM_METRICS,
            &mut scratch.comparator,
        );
    }
    let inputs = &fin.plan;
    let ob = setup.optimism_savings;
    let mut cumulative = 0.0;
    let mut impact = [0.0; MAX_YEARS as usize];
    let mut net = [0.0; MAX_YEARS as usize];
    for t in 0..n_years {
        let r = &mut row[t * N_METRICS..(t + 1) * N_METRICS];
        let d = &buf[t * ARM_METRICS..(t + 1) * ARM_METRICS];
        let arm_cost = |x: &[f64]| x[Metric::Cost.index()] + x[Metric::PostCareCost.index()];
        let cost = arm_cost(r);
        let dn_cost = arm_cost(d);
        // Paper's ledger (Tables 1 and 3). Optimism bias trims the plan's
        // savings; its delay is already in the interventions' start months.
        let placements = shortfall((fin.baseline - cost) / 1000.0, ob);
        // Without a budget the paper's ledger books no avoided growth (as Table 1).
        let avoided = if inputs.has_budget {
            (dn_cost - fin.standstill_by_year[t]) / 1000.0 + inputs.price_pressure[t]
        } else {
            0.0
        };
        let y = year_position(inputs, t, placements, avoided);
        cumulative += y.return_on_investment;
        // Economic ledger: this arm less the comparator on the same path.
        let paired = shortfall((dn_cost - cost) / 1000.0, ob) + inputs.given_total[t]
            - fin.comparator_given[t];
        let incremental = setup.incremental_investment(t);
        let mut set = |m: Metric, v: f64| r[m.index()] = v;
        set(Metric::SavingsPlacements, placements);
        set(Metric::SavingsAvoidedGrowth, avoided);
        set(Metric::SavingsTotal, y.savings_total);
        set(Metric::ReturnOnInvestment, y.return_on_investment);
        set(Metric::MtfsImpact, y.mtfs_impact);
        set(Metric::CumulativeNet, cumulative);
        set(Metric::ComparatorLac, d[Metric::Lac.index()]);
        set(Metric::ComparatorCost, dn_cost);
        set(Metric::PairedSaving, paired);
        set(Metric::IncrementalInvestment, incremental);
        set(Metric::NetCashFlow, paired - incremental);
        set(
            Metric::ComparatorGap,
            fin.comparator_budget
                .as_ref()
                .map_or(0.0, |b| b.gap(t, dn_cost)),
        );
        impact[t] = y.mtfs_impact;
        net[t] = paired - incremental;
    }
    let index = |i: Option<usize>| i.map_or(-1, |i| i as i16);
    PathFinance {
        break_even: index(break_even::sustained_index(&impact[..n_years])),
        first_negative: index(break_even::first_negative_index(&impact[..n_years])),
        npv: green_book_npv(&net[..n_years]),
    }
}

/// Puts the opening census of `arm` into `opening` (emptied first).
fn open<D: Draws>(arm: &Arm, census: &mut D, opening: &mut State) {
    let st = arm.stochastic;
    opening.clear();
    crate::model::census(opening, &st.start, &st.census_ages.0, census);
}

/// Where an arm starts.
enum Start<'s> {
    /// From the opening census at month 0, recording where it stands at the
    /// start of the given month, if any.
    Opening(&'s State, Option<(usize, &'s mut Shared)>),
    /// From where another arm stood (its earlier years' metrics are the
    /// caller's to fill).
    Shared(&'s Shared),
}

/// Runs one arm month by month from `start`, writing its yearly metrics
/// (the first [`ARM_METRICS`] of each `stride`) into `out`.
#[allow(clippy::too_many_arguments)]
fn simulate<D: Draws>(
    arm: &Arm,
    pp: &PathParams,
    n_years: usize,
    start: Start,
    draws: &mut impl FnMut(usize) -> D,
    out: &mut [f64],
    stride: usize,
    state: &mut State,
) {
    let st = arm.stochastic;
    let (first, mut year, mut record) = match start {
        Start::Opening(opening, record) => {
            state.copy_from(opening);
            (0, YearSoFar::default(), record)
        }
        Start::Shared(shared) => {
            state.copy_from(&shared.state);
            (shared.month, shared.year, None)
        }
    };
    let pool_yearly = st.post_care_yearly;
    let mut mp = *arm.template;
    mp.restart(st, pp);
    for month in first..n_years * 12 {
        let t = month / 12;
        if let Some((at, shared)) = record.as_mut()
            && *at == month
        {
            shared.month = month;
            shared.state.copy_from(state);
            shared.year = year;
        }
        let unit = &arm.unit_costs[t];
        mp.advance(st, pp, month);
        let before = *state.grid();
        let pb = state.pools();
        let mut d = draws(month);
        let f = step(&mp, state, &mut d);
        let after = state.grid();
        for (p, cost) in year.cost_by_type.iter_mut().enumerate() {
            let b: f64 = before[p].iter().sum();
            let a: f64 = after[p].iter().sum();
            *cost += (a + b) / 2.0 * unit.0[p] / 12.0;
        }
        let pa = state.pools();
        for i in 0..pool_yearly.len() {
            year.post_care += (pb[i] + pa[i]) / 2.0 * pool_yearly[i] / 12.0;
        }
        year.post_care += f.pool_in[crate::model::Pool::Sgo.index()] * st.sgo_legal_cost;
        year.entries += f.entries;
        year.leavers += f.leavers();
        if month % 12 != 11 {
            continue;
        }
        let r = &mut out[t * stride..t * stride + ARM_METRICS];
        let by_type = state.by_placement();
        r[Metric::Lac.index()] = by_type.total();
        r[Metric::Cost.index()] = year.cost_by_type.iter().sum();
        for p in Placement::ALL {
            r[Metric::LacBy(p).index()] = by_type[p];
            r[Metric::CostBy(p).index()] = year.cost_by_type[p.index()];
        }
        r[Metric::PostCareCost.index()] = year.post_care;
        r[Metric::Entries.index()] = year.entries;
        r[Metric::Leavers.index()] = year.leavers;
        year = YearSoFar::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, builtin};
    use std::path::Path;

    fn plan() -> Scenario {
        let path = format!("{}staffordshire-2019/investment-plan.toml", builtin::PREFIX);
        scenario::load(Path::new(&path), &builtin::read)
            .expect("built-in scenario")
            .scenario
    }

    fn with(s: &Scenario, change: impl FnOnce(&mut crate::scenario::Stochastic)) -> Scenario {
        let mut s = s.clone();
        change(s.stochastic.as_mut().unwrap());
        s
    }

    /// The do-nothing arm run alone from the opening census, into `buf`.
    fn do_nothing_alone(setup: &Setup, seed: u64, path: u64, buf: &mut [f64]) {
        let dn = setup.do_nothing.as_ref().unwrap();
        let mut rng = streams::structural(seed, path);
        let pp = PathParams::random(dn.stochastic, &dn.entries, false, &mut rng);
        let mut opening = State::empty();
        open(dn, &mut streams::census_streams(seed, path), &mut opening);
        simulate(
            dn,
            &pp,
            setup.n_years(),
            Start::Opening(&opening, None),
            &mut |m| streams::month_streams(seed, path, m as u64),
            buf,
            ARM_METRICS,
            &mut State::empty(),
        );
    }

    #[test]
    fn a_plans_do_nothing_arm_gives_the_same_figures_whether_or_not_it_shares_the_plans_first_months()
     {
        // The reference plan (interventions from November of the first year),
        // and as if they began in year 3 (whole years shared, then part of
        // one), in the first month (nothing shared) and with its cap from the
        // first month (nothing shared).
        let reference = plan();
        let late = with(&reference, |st| {
            for iv in &mut st.interventions {
                iv.start_month += 24.0;
            }
        });
        let first = with(&reference, |st| st.interventions[0].start_month = 0.0);
        let capped = with(&reference, |st| st.caps[0].from_month = 0);
        let plans = [reference, late, first, capped];
        let mut shared = Vec::new();
        for s in &plans {
            let setup = Setup::single(s).unwrap();
            let n = setup.n_years();
            let mut scratch = Scratch::new();
            let mut row = vec![0.0; n * N_METRICS];
            for path in 0..8 {
                row.fill(0.0);
                scratch.shared.month = 0;
                run_path_in(&setup, 7, path, &mut row, &mut scratch);
                shared.push(scratch.shared.month);
                let mut alone = vec![0.0; n * ARM_METRICS];
                do_nothing_alone(&setup, 7, path, &mut alone);
                for t in 0..n {
                    let at = |m: Metric| row[t * N_METRICS + m.index()];
                    let alone_at = |m: Metric| alone[t * ARM_METRICS + m.index()];
                    assert_eq!(
                        at(Metric::ComparatorLac),
                        alone_at(Metric::Lac),
                        "{} path {path} year {t}",
                        s.title
                    );
                    assert_eq!(
                        at(Metric::ComparatorCost),
                        alone_at(Metric::Cost) + alone_at(Metric::PostCareCost),
                        "{} path {path} year {t}",
                        s.title
                    );
                }
            }
        }
        // Months shared on each path: November of the first year at least
        // for the reference plan, two years more for the late one.
        assert!(shared[..8].iter().all(|&m| m >= 7), "{shared:?}");
        assert!(shared[8..16].iter().all(|&m| m >= 31), "{shared:?}");
        // From the first month: only what its delay of up to a quarter leaves.
        assert!(shared[16..24].iter().all(|&m| m <= 3), "{shared:?}");
        assert!(shared[24..].iter().all(|&m| m == 0), "{shared:?}");
    }

    #[test]
    fn arms_share_no_months_once_an_intervention_acts_from_the_start() {
        let mut s = plan();
        let st = s.stochastic.as_mut().unwrap();
        st.interventions[0].start_month = 0.0;
        st.interventions[0].delay_months = crate::scenario::stochastic::Bounded {
            dist: crate::scenario::stochastic::Dist::Fixed { value: 0.0 },
            lo: 0.0,
            hi: f64::INFINITY,
        };
        let setup = Setup::single(&s).unwrap();
        let dn = setup.do_nothing.as_ref().unwrap();
        let main = PathParams::central(setup.main.stochastic, &setup.main.entries, true);
        let pp_dn = PathParams::central(dn.stochastic, &dn.entries, false);
        assert_eq!(main.shared_months(&pp_dn, dn.stochastic, 84), 0);
        // Without interventions or caps, every month is shared.
        assert_eq!(pp_dn.shared_months(&pp_dn, dn.stochastic, 84), 84);
    }
}
