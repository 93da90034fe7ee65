//! Runs paths in parallel (on the caller's rayon pool) into the result cube.
//!
//! Each path writes only its own row of the cube, in path order, so results do
//! not depend on the number of threads; nothing is summed across threads.
//! Performs no I/O, builds no thread pool and reads no clock: progress is a
//! callback the caller supplies.

use super::metrics::{self as m, ARM_METRICS, N_METRICS};
use super::streams;
use crate::finance::discount::{GREEN_BOOK_RATE, npv};
use crate::finance::{PlanInputs, year_position};
use crate::model::params::EntryCalibration;
use crate::model::sampling::Draws;
use crate::model::{MonthParams, PathParams, State, step};
use crate::placement::{ByPlacement, N_PLACEMENTS};
use crate::projection;
use crate::scenario::validate::MAX_YEARS;
use crate::scenario::{Scenario, Stochastic};
use crate::year::FinancialYear;
use rayon::prelude::*;

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
    /// The number of paths is outside what is allowed.
    #[error("--paths: must be between 1 and {MAX_PATHS}, got {0}")]
    Paths(u64),
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
}

/// What to run: a main arm, and for plans a paired do-nothing arm and the finance.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    /// Financial years.
    pub years: Vec<FinancialYear>,
    /// The scenario's own arm (the invest arm for a plan).
    pub main: Arm<'a>,
    /// The paired do-nothing arm, for plans.
    pub do_nothing: Option<Arm<'a>>,
    /// The plan's finance inputs, and the baseline cost (pounds a year) savings are measured from.
    pub finance: Option<(PlanInputs, f64)>,
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
        let do_nothing = is_plan.then(|| Arm {
            stochastic: st,
            entries: EntryCalibration::new(st, n),
            interventions: false,
            unit_costs: &s.unit_costs,
        });
        Ok(Setup {
            years: s.years.clone(),
            main: Arm {
                stochastic: st,
                entries: EntryCalibration::new(st, n),
                interventions: true,
                unit_costs: &s.unit_costs,
            },
            do_nothing,
            finance: is_plan.then(|| (PlanInputs::new(s), baseline_cost(s))),
            optimism_savings: s.optimism_bias.savings,
        })
    }

    /// A do-nothing scenario and an invest scenario, paired path by path.
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
        Ok(Setup {
            years: inv.years.clone(),
            main: Arm {
                stochastic: ist,
                entries: EntryCalibration::new(ist, inv.n_years()),
                interventions: true,
                unit_costs: &inv.unit_costs,
            },
            do_nothing: Some(Arm {
                stochastic: dst,
                entries: EntryCalibration::new(dst, dn.n_years()),
                interventions: true,
                unit_costs: &dn.unit_costs,
            }),
            finance: Some((PlanInputs::new(inv), baseline_cost(inv))),
            optimism_savings: inv.optimism_bias.savings,
        })
    }

    /// Number of years.
    pub fn n_years(&self) -> usize {
        self.years.len()
    }

    /// Whether the cube's plan metrics are filled.
    pub fn has_finance(&self) -> bool {
        self.finance.is_some() && self.do_nothing.is_some()
    }
}

/// The paper's baseline: today's children at first-year unit costs, pounds a year.
pub fn baseline_cost(s: &Scenario) -> f64 {
    projection::cost(&s.cohort, &s.unit_costs[0]).total()
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
    /// `[path, year, metric]`, row-major ([`N_METRICS`] metrics).
    pub cube: Vec<f64>,
    /// Per path: index of the break-even year, or -1 when it does not break even.
    pub break_even: Vec<i16>,
    /// Per path: net present value of savings less investment at 3.5%, £'000s.
    pub npv: Vec<f64>,
    /// Whether plan metrics are filled.
    pub has_finance: bool,
}

impl MonteCarlo {
    /// One value of the cube.
    pub fn value(&self, path: usize, year: usize, metric: usize) -> f64 {
        self.cube[(path * self.years.len() + year) * N_METRICS + metric]
    }

    /// One metric in one year across paths, in path order.
    pub fn column(&self, year: usize, metric: usize) -> Vec<f64> {
        (0..self.paths)
            .map(|p| self.value(p, year, metric))
            .collect()
    }

    /// Bytes of results held per path.
    pub fn bytes_per_path(&self) -> usize {
        self.years.len() * N_METRICS * 8 + 2 + 8
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
    if paths == 0 || paths > MAX_PATHS {
        return Err(EngineError::Paths(paths));
    }
    let n = paths as usize;
    let stride = setup.n_years() * N_METRICS;
    let mut cube = vec![0.0; n * stride];
    let mut extra = vec![(-1i16, 0.0f64); n];
    cube.par_chunks_mut(stride)
        .zip(extra.par_iter_mut())
        .enumerate()
        .for_each(|(path, (row, ex))| {
            *ex = run_path(setup, seed, path as u64, row);
            progress();
        });
    Ok(MonteCarlo {
        paths: n,
        seed,
        years: setup.years.clone(),
        cube,
        break_even: extra.iter().map(|e| e.0).collect(),
        npv: extra.iter().map(|e| e.1).collect(),
        has_finance: setup.has_finance(),
    })
}

/// One random path into `row` (`n_years × N_METRICS`); returns (break-even index or -1, NPV).
pub fn run_path(setup: &Setup, seed: u64, path: u64, row: &mut [f64]) -> (i16, f64) {
    let params = |arm: &Arm| {
        let mut rng = streams::structural(seed, path);
        PathParams::random(arm.stochastic, &arm.entries, arm.interventions, &mut rng)
    };
    both_arms(setup, row, params, |m| {
        streams::month_streams(seed, path, m as u64)
    })
}

/// The expected-value model: one row with every draw replaced by its
/// expectation and every structural value by its distribution's mean.
pub fn expected(setup: &Setup) -> (Vec<f64>, i16, f64) {
    let mut row = vec![0.0; setup.n_years() * N_METRICS];
    let (be, v) = both_arms(
        setup,
        &mut row,
        |arm| PathParams::central(arm.stochastic, &arm.entries, arm.interventions),
        |_| crate::model::Expected,
    );
    (row, be, v)
}

fn both_arms<D: Draws>(
    setup: &Setup,
    row: &mut [f64],
    params: impl Fn(&Arm) -> PathParams,
    mut draws: impl FnMut(usize) -> D,
) -> (i16, f64) {
    let n_years = setup.n_years();
    let pp = params(&setup.main);
    simulate(&setup.main, &pp, n_years, &mut draws, row, N_METRICS);
    let (Some(dn), Some((inputs, baseline))) = (&setup.do_nothing, &setup.finance) else {
        return (-1, 0.0);
    };
    let mut buf = [0.0; MAX_YEARS as usize * ARM_METRICS];
    let pp_dn = params(dn);
    simulate(dn, &pp_dn, n_years, &mut draws, &mut buf, ARM_METRICS);
    let mut cumulative = 0.0;
    let mut break_even = -1i16;
    let mut net = [0.0; MAX_YEARS as usize];
    for t in 0..n_years {
        let r = &mut row[t * N_METRICS..(t + 1) * N_METRICS];
        let d = &buf[t * ARM_METRICS..(t + 1) * ARM_METRICS];
        let cost = r[m::COST_TOTAL] + r[m::POST_CARE_COST];
        let dn_cost = d[m::COST_TOTAL] + d[m::POST_CARE_COST];
        // Optimism bias trims the plan's savings; its delay is already in the
        // interventions' start months.
        let placements = (baseline - cost) / 1000.0 * (1.0 - setup.optimism_savings);
        let avoided = (dn_cost - baseline) / 1000.0 + inputs.price_pressure[t];
        let y = year_position(inputs, t, placements, avoided);
        cumulative += y.return_on_investment;
        r[m::SAVINGS_PLACEMENTS] = placements;
        r[m::SAVINGS_AVOIDED_GROWTH] = avoided;
        r[m::SAVINGS_TOTAL] = y.savings_total;
        r[m::RETURN_ON_INVESTMENT] = y.return_on_investment;
        r[m::MTFS_IMPACT] = y.mtfs_impact;
        r[m::CUMULATIVE_NET] = cumulative;
        r[m::DO_NOTHING_LAC] = d[m::LAC_TOTAL];
        r[m::DO_NOTHING_COST] = dn_cost;
        r[m::SAVING_VS_DO_NOTHING] = (dn_cost - cost) / 1000.0;
        if break_even < 0 && y.mtfs_impact < 0.0 {
            break_even = t as i16;
        }
        net[t] = -y.return_on_investment;
    }
    (break_even, npv(&net[..n_years], GREEN_BOOK_RATE))
}

/// Runs one arm month by month, writing its yearly metrics (the first
/// [`ARM_METRICS`] of each `stride`) into `out`.
fn simulate<D: Draws>(
    arm: &Arm,
    pp: &PathParams,
    n_years: usize,
    draws: &mut impl FnMut(usize) -> D,
    out: &mut [f64],
    stride: usize,
) {
    let st = arm.stochastic;
    let mut state = State::new(&st.start);
    let pool_yearly = st.post_care_yearly;
    let mut mp = MonthParams::build(st, pp, 0);
    for t in 0..n_years {
        let unit = &arm.unit_costs[t];
        let mut cost_by_type = [0.0; N_PLACEMENTS];
        let mut post_care = 0.0;
        let mut entries = 0.0;
        let mut leavers = 0.0;
        for month in t * 12..(t + 1) * 12 {
            mp.advance(st, pp, month);
            let before = state;
            let mut d = draws(month);
            let f = step(&mp, &mut state, &mut d);
            for (p, cost) in cost_by_type.iter_mut().enumerate() {
                let b: f64 = before.care[p].iter().sum();
                let a: f64 = state.care[p].iter().sum();
                *cost += (a + b) / 2.0 * unit.0[p] / 12.0;
            }
            let (pb, pa) = (before.pools(), state.pools());
            for i in 0..pool_yearly.len() {
                post_care += (pb[i] + pa[i]) / 2.0 * pool_yearly[i] / 12.0;
            }
            post_care += f.pool_in[crate::model::Pool::Sgo.index()] * st.sgo_legal_cost;
            entries += f.entries;
            leavers += f.leavers();
        }
        let r = &mut out[t * stride..t * stride + ARM_METRICS];
        let by_type = state.by_placement();
        r[m::LAC_TOTAL] = by_type.total();
        r[m::LAC_BY_TYPE..m::LAC_BY_TYPE + N_PLACEMENTS].copy_from_slice(&by_type.0);
        r[m::COST_TOTAL] = cost_by_type.iter().sum();
        r[m::COST_BY_TYPE..m::COST_BY_TYPE + N_PLACEMENTS].copy_from_slice(&cost_by_type);
        r[m::POST_CARE_COST] = post_care;
        r[m::ENTRIES] = entries;
        r[m::LEAVERS] = leavers;
    }
}
