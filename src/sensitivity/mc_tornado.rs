//! The Monte Carlo tornado: each assumption swung alone on the engine's random
//! paths, and its switching values found on the Monte Carlo model.
//!
//! Every point (the scenario as written, each bar's low and high end, each
//! bisection step) runs the same paths with the same seed, so the points share
//! their random numbers (common random numbers) and the difference between two
//! points is the effect of the change, not noise. Two kinds of assumption are
//! swung:
//!
//! - the deterministic tornado's key assumptions ([`super::tornado::key_assumptions`])
//!   that act in the engine (unit costs, investment lines, given savings, the
//!   budget lines of Table 3), scaled by a factor; those that move only the
//!   paper model (e.g. the plan's totals) are listed in [`McTornado::not_in_engine`];
//! - each range given in `[stochastic]` ([`super::ranges::ranged_assumptions`]),
//!   *pinned* at a value while every other range is still drawn path by path.
//!   A pin keeps the distribution's own way of drawing (a triangular becomes a
//!   triangular with min = mode = max, a normal gets sd 0, a PERT is written as
//!   the beta it is drawn from), so it takes the same random numbers as the
//!   distribution it replaces and no other assumption's draws move.
//!
//! Each point reports, across paths, the net position over the horizon (mean,
//! P5, P50, P95; paper's ledger, £'000s) and the probability of a sustained
//! break-even by a stated year (the deterministic model's sustained break-even
//! year, 2023/24 for the reference plan). Switching values are found by
//! bisection on those two figures: where the mean net position crosses zero, and
//! where the probability crosses 50%. The number of engine runs is bounded:
//! [`MAX_RUNS_PER_BAR`] a bar, and one for the scenario as written.
//!
//! Performs no I/O, builds no thread pool and draws no progress bar: paths run
//! on the caller's rayon pool (through [`engine::run`]) and progress is a callback.

use super::ranges::{self, Ranged};
use super::tornado::{self, Assumption, RankBy};
use crate::engine::{self, EngineError, Metric, PERCENTILES, Setup};
use crate::finance::break_even;
use crate::results;
use crate::scenario::fields::{self, Change};
use crate::scenario::{Loaded, Problems, Scenario};
use crate::year::FinancialYear;
use serde::Serialize;

/// Most bisection steps for one switching value.
pub const MAX_STEPS: u32 = 12;

/// Bisection stops once the bracket is narrower than this share of the
/// assumption's range (high − low).
pub const TOLERANCE: f64 = 1e-3;

/// Switching values are searched up to this many range-widths beyond either
/// end of the range (factors not below 0; values only where the scenario stays valid).
pub const SEARCH_WIDTHS: f64 = 3.0;

/// The probability of a sustained break-even whose crossing is a switching value.
pub const PROBABILITY_THRESHOLD: f64 = 0.5;

/// Most engine runs for one bar: its low and high end, the two far ends of the
/// search range, and [`MAX_STEPS`] bisection steps for each switching value.
pub const MAX_RUNS_PER_BAR: u64 = 4 + 2 * MAX_STEPS as u64;

/// Why the Monte Carlo tornado cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum McTornadoError {
    /// The scenario has no plan, so there is no net position or break-even to swing.
    #[error(
        "{0}: the tornado needs a plan scenario (one with a [plan] section); this is a do-nothing scenario"
    )]
    NotAPlan(String),
    /// The engine cannot run the scenario (no `[stochastic]` section, bad path count).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A swing makes the scenario invalid.
    #[error(transparent)]
    Scenario(#[from] Problems),
}

/// Paths, seed and the year break-even is counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Paths at every point.
    pub paths: u64,
    /// The seed of every point.
    pub seed: u64,
    /// Year index by which a sustained break-even is counted; `None`: the
    /// deterministic model's sustained break-even year (the last year if it has none).
    pub by_year: Option<usize>,
}

/// One assumption to swing.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Swing {
    /// A key assumption of the deterministic tornado, scaled by a factor (1 = as written).
    Factor(Assumption),
    /// A range given in `[stochastic]`, pinned at a value.
    Ranged(Ranged),
}

impl Swing {
    /// Label, e.g. "Unit cost: IFA" or "fgc: effect on entries".
    pub fn name(&self) -> &str {
        match self {
            Swing::Factor(a) => &a.name,
            Swing::Ranged(r) => &r.name,
        }
    }

    /// Where the range comes from, e.g. "default ±20%" or "scenario range: triangular ...".
    pub fn range_source(&self) -> String {
        match self {
            Swing::Factor(a) => a.range_source.clone(),
            Swing::Ranged(r) => format!("scenario range: {}", r.range),
        }
    }

    /// The swung quantity (`x`) at the low end: a factor, or the value itself.
    pub fn low(&self) -> f64 {
        match self {
            Swing::Factor(a) => a.low,
            Swing::Ranged(r) => r.low,
        }
    }

    /// `x` at the high end.
    pub fn high(&self) -> f64 {
        match self {
            Swing::Factor(a) => a.high,
            Swing::Ranged(r) => r.high,
        }
    }

    /// `x` as the scenario has it: a factor of 1, or the distribution's mean.
    pub fn central(&self) -> f64 {
        match self {
            Swing::Factor(_) => 1.0,
            Swing::Ranged(r) => r.central,
        }
    }

    /// Whether `x` is a factor on the scenario's figures (else it is the value).
    pub fn is_factor(&self) -> bool {
        matches!(self, Swing::Factor(_))
    }

    /// The assumption's own value at `x`, when it is one number.
    pub fn value_at(&self, x: f64) -> Option<f64> {
        match self {
            Swing::Factor(a) => a.value_at(x),
            Swing::Ranged(_) => Some(x),
        }
    }

    /// The scenario changes that put the assumption at `x` (see [`pinnable`] for
    /// how a range is pinned).
    pub fn changes(&self, pinned: &Loaded, x: f64) -> Vec<(String, Change)> {
        match self {
            Swing::Factor(a) => a.changes(x),
            Swing::Ranged(r) => {
                let dist = fields::value(&pinned.source.merged, &r.field)
                    .and_then(|v| v.as_table())
                    .and_then(|t| t.get("dist"))
                    .and_then(|d| d.as_str())
                    .unwrap_or("");
                let keys: &[&str] = match dist {
                    "uniform" | "beta" => &["min", "max"],
                    "triangular" | "pert" => &["min", "mode", "max"],
                    "normal" => &["mean"],
                    _ => &[],
                };
                if keys.is_empty() {
                    // Not a distribution this module can pin in place: a fixed number.
                    return vec![(r.field.clone(), Change::Replace(x))];
                }
                let mut out: Vec<(String, Change)> = keys
                    .iter()
                    .map(|k| (format!("{}.{k}", r.field), Change::Set(x)))
                    .collect();
                if dist == "normal" {
                    out.push((format!("{}.sd", r.field), Change::Set(0.0)));
                }
                out
            }
        }
    }
}

/// The scenario rewritten so that every range can be pinned at a value without
/// moving any other draw: a PERT (drawn as `min + (max − min) · Beta(α, β)` with
/// `α = 1 + 4 (mode − min)/(max − min)`, `β = 1 + 4 (max − mode)/(max − min)`) is
/// written as that beta, and a beta gets its `min` and `max` written out. The
/// draws are the same as the original's, to the bit.
pub fn pinnable(loaded: &Loaded) -> Loaded {
    let mut out = loaded.clone();
    for r in ranges::ranged_assumptions(loaded) {
        let Some(toml::Value::Table(t)) = fields::value_mut(&mut out.source.merged, &r.field)
        else {
            continue;
        };
        let num = |t: &toml::Table, k: &str| {
            t.get(k)
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
        };
        match t.get("dist").and_then(|d| d.as_str()) {
            Some("pert") => {
                let (Some(min), Some(mode), Some(max)) =
                    (num(t, "min"), num(t, "mode"), num(t, "max"))
                else {
                    continue;
                };
                if max <= min {
                    continue;
                }
                // The same arithmetic as rand_distr's Pert (shape 4).
                let range = max - min;
                let alpha = 1.0 + 4.0 * (mode - min) / range;
                let beta = 1.0 + 4.0 * (max - mode) / range;
                t.remove("mode");
                t.insert("dist".into(), toml::Value::String("beta".into()));
                t.insert("alpha".into(), toml::Value::Float(alpha));
                t.insert("beta".into(), toml::Value::Float(beta));
            }
            Some("beta") => {
                t.entry("min").or_insert(toml::Value::Float(0.0));
                t.entry("max").or_insert(toml::Value::Float(1.0));
            }
            _ => {}
        }
    }
    out
}

/// The deterministic model's sustained break-even year index, if it breaks even.
pub fn paper_break_even(s: &Scenario) -> Option<usize> {
    results::run(s)
        .plan
        .and_then(|p| break_even::sustained_index(&p.mtfs_impact))
}

/// P5, P50 and P95 of a figure across paths, with its mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Mean across paths.
    pub mean: f64,
    /// 5th percentile across paths.
    pub p5: f64,
    /// Median across paths.
    pub p50: f64,
    /// 95th percentile across paths.
    pub p95: f64,
}

impl Spread {
    /// The mean and type-7 percentiles of `values` (sorted in place).
    fn of(values: &mut [f64]) -> Spread {
        let st = engine::stat(values);
        let at = |key: &str| {
            PERCENTILES
                .iter()
                .position(|(k, _)| *k == key)
                .map_or(f64::NAN, |i| st.percentiles[i])
        };
        Spread {
            mean: st.mean,
            p5: at("p5"),
            p50: at("p50"),
            p95: at("p95"),
        }
    }
}

/// What the engine gives at one point, across its paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct McPoint {
    /// Net position over the horizon (paper's ledger: investment less savings,
    /// summed to the last year), £'000s; negative is a surplus.
    pub net_position: Spread,
    /// Probability (share of paths) of a sustained break-even by the tornado's year.
    pub p_break_even_by_year: f64,
    /// Probability of a sustained break-even within the horizon.
    pub p_break_even_in_horizon: f64,
}

/// Which figure a switching value is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The mean net position over the horizon crosses zero.
    MeanNetPosition,
    /// The probability of a sustained break-even by the year crosses 50%.
    BreakEvenProbability,
}

impl Criterion {
    /// Whether the point is on the plan's side: a surplus on average (mean net
    /// position at or below zero), or at least an even chance of break-even.
    pub fn holds(self, p: &McPoint) -> bool {
        match self {
            Criterion::MeanNetPosition => p.net_position.mean <= 0.0,
            Criterion::BreakEvenProbability => p.p_break_even_by_year >= PROBABILITY_THRESHOLD,
        }
    }
}

/// A switching value on the Monte Carlo model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Switching {
    /// The figure crosses its threshold between `holds_at` and `fails_at`
    /// (adjacent bisection points, `fails_at` the first past the crossing).
    Found {
        /// The midpoint of the bracket, as a factor or value (like the bar's `low` and `high`).
        x: f64,
        /// The assumption's own value at `x`, when it is one number.
        value: Option<f64>,
        /// The last point evaluated where the figure is as in the scenario as written.
        holds_at: f64,
        /// The first point evaluated where it is not.
        fails_at: f64,
        /// Whether the figure holds (surplus / even chance) in the scenario as written.
        holds_as_written: bool,
    },
    /// The figure does not cross its threshold anywhere searched.
    None {
        /// The searched range's low end.
        from: f64,
        /// The searched range's high end.
        to: f64,
        /// Whether the figure holds (surplus / even chance) in the scenario as written.
        holds_as_written: bool,
    },
}

/// One bar of the Monte Carlo tornado.
#[derive(Debug, Clone, Serialize)]
pub struct McBar {
    /// The assumption.
    pub swing: Swing,
    /// Label, as [`Swing::name`].
    pub name: String,
    /// Whether `low`, `high` and switching `x` are factors (else values).
    pub factor: bool,
    /// `x` at the low end.
    pub low: f64,
    /// `x` at the high end.
    pub high: f64,
    /// Statistics at the low end.
    pub at_low: McPoint,
    /// Statistics at the high end.
    pub at_high: McPoint,
    /// |mean net position at high − at low|, £'000s.
    pub swing_net: f64,
    /// |probability of a sustained break-even by the year at high − at low|.
    pub swing_break_even: f64,
    /// Where the mean net position crosses zero.
    pub switching_net: Switching,
    /// Where the probability of a sustained break-even by the year crosses 50%.
    pub switching_break_even: Switching,
    /// Engine runs this bar took (at most [`MAX_RUNS_PER_BAR`]).
    pub engine_runs: u64,
}

/// The Monte Carlo tornado of a plan scenario.
#[derive(Debug, Clone, Serialize)]
pub struct McTornado {
    /// Paths at every point.
    pub paths: u64,
    /// Seed of every point.
    pub seed: u64,
    /// The year by which a sustained break-even is counted.
    #[serde(serialize_with = "ser_year")]
    pub by_year: FinancialYear,
    /// Why that year: the deterministic model's break-even, or the end of the horizon.
    pub by_year_basis: String,
    /// The scenario as written.
    pub central: McPoint,
    /// Bars, ranked.
    pub bars: Vec<McBar>,
    /// Key assumptions left out because they move only the paper model.
    pub not_in_engine: Vec<String>,
    /// Engine runs made, the scenario as written included.
    pub engine_runs: u64,
    /// The most engine runs the bars could have taken: 1 + [`MAX_RUNS_PER_BAR`] a bar.
    pub max_engine_runs: u64,
}

fn ser_year<S: serde::Serializer>(y: &FinancialYear, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&y.label())
}

/// A prepared Monte Carlo tornado: the pinnable scenario, the swings and the
/// year; bars are evaluated one by one with [`Prepared::bar`].
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The scenario with its ranges written so they can be pinned ([`pinnable`]).
    pub pinned: Loaded,
    /// What is swung, in the order found.
    pub swings: Vec<Swing>,
    /// Key assumptions left out because they move only the paper model.
    pub not_in_engine: Vec<String>,
    /// Settings, with the year resolved.
    pub settings: Settings,
    /// The year index by which a sustained break-even is counted.
    pub by_year: usize,
    /// Why that year: the deterministic model's break-even, the year asked
    /// for, or the end of the horizon.
    pub by_year_basis: String,
}

/// The engine's expected-value rows of the plan's money: MTFS impact and
/// cumulative net position by year.
fn expected_money(s: &Scenario) -> Result<Vec<f64>, EngineError> {
    let setup = Setup::single(s)?;
    let (row, _) = engine::expected(&setup);
    Ok((0..setup.n_years())
        .flat_map(|t| {
            [Metric::MtfsImpact, Metric::CumulativeNet].map(|m| engine::metrics::at(&row, t, m))
        })
        .collect())
}

impl Prepared {
    /// Checks the scenario (a plan with `[stochastic]`, at least one path) and
    /// lists what to swing: the key assumptions that move the engine's
    /// expected-value money, and every range in `[stochastic]`.
    pub fn new(loaded: &Loaded, settings: Settings) -> Result<Prepared, McTornadoError> {
        Prepared::only(loaded, settings, &|_| true)
    }

    /// As [`Prepared::new`], swinging only the assumptions whose name `keep` accepts.
    pub fn only(
        loaded: &Loaded,
        settings: Settings,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Prepared, McTornadoError> {
        if loaded.scenario.plan.is_none() {
            return Err(McTornadoError::NotAPlan(loaded.path.clone()));
        }
        if settings.paths == 0 || settings.paths > engine::MAX_PATHS {
            return Err(EngineError::Paths(settings.paths).into());
        }
        let pinned = pinnable(loaded);
        // From the pinnable scenario, so that only the swing differs.
        let base = expected_money(&pinned.with_changes(&[])?)?;
        let n = loaded.scenario.n_years();
        let paper = paper_break_even(&loaded.scenario);
        let by_year = settings.by_year.or(paper).unwrap_or(n - 1).min(n - 1);
        let mut swings = Vec::new();
        let mut not_in_engine = Vec::new();
        for a in tornado::key_assumptions(loaded) {
            if !keep(&a.name) {
                continue;
            }
            let mut moves = false;
            for f in [a.low, a.high] {
                let s = pinned.with_changes(&a.changes(f))?;
                if expected_money(&s)? != base {
                    moves = true;
                    break;
                }
            }
            if moves {
                swings.push(Swing::Factor(a));
            } else {
                not_in_engine.push(a.name);
            }
        }
        swings.extend(
            ranges::ranged_assumptions(loaded)
                .into_iter()
                .filter(|r| keep(&r.name))
                .map(Swing::Ranged),
        );
        Ok(Prepared {
            pinned,
            swings,
            not_in_engine,
            settings: Settings {
                by_year: Some(by_year),
                ..settings
            },
            by_year,
            by_year_basis: match (settings.by_year, paper) {
                (Some(_), _) => "the year asked for".into(),
                (None, Some(_)) => "the deterministic model's sustained break-even year".into(),
                (None, None) => {
                    "the end of the horizon (the deterministic model does not break even)".into()
                }
            },
        })
    }

    /// The most engine runs [`Prepared::run`] makes.
    pub fn max_engine_runs(&self) -> u64 {
        1 + self.swings.len() as u64 * MAX_RUNS_PER_BAR
    }

    /// Runs the engine on scenario `s`, calling `progress(1)` after each path.
    pub fn evaluate_scenario(
        &self,
        s: &Scenario,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<McPoint, McTornadoError> {
        let setup = Setup::single(s)?;
        let mc = engine::run(&setup, self.settings.paths, self.settings.seed, &|| {
            progress(1)
        })?;
        let last = mc.years.len() - 1;
        let mut net = mc.column(last, Metric::CumulativeNet);
        let n = mc.paths.max(1) as f64;
        let by = self.by_year as i16;
        let count = |keep: &dyn Fn(i16) -> bool| {
            mc.break_even.iter().filter(|&&b| b >= 0 && keep(b)).count() as f64 / n
        };
        Ok(McPoint {
            net_position: Spread::of(&mut net),
            p_break_even_by_year: count(&|b| b <= by),
            p_break_even_in_horizon: count(&|_| true),
        })
    }

    /// The scenario as written (run from [`Prepared::pinned`], whose draws are the same).
    pub fn central(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<McPoint, McTornadoError> {
        let s = self.pinned.with_changes(&[])?;
        self.evaluate_scenario(&s, progress)
    }

    /// The engine with `swing` at `x`, every other assumption as written.
    pub fn evaluate(
        &self,
        swing: &Swing,
        x: f64,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<McPoint, McTornadoError> {
        let s = self.pinned.with_changes(&swing.changes(&self.pinned, x))?;
        self.evaluate_scenario(&s, progress)
    }

    /// Whether the scenario is valid with `swing` at `x` (no engine run).
    fn valid(&self, swing: &Swing, x: f64) -> bool {
        self.pinned
            .with_changes(&swing.changes(&self.pinned, x))
            .is_ok()
    }

    /// The range searched for switching values: [`SEARCH_WIDTHS`] range-widths
    /// beyond either end, factors not below 0, each end brought in (by bisection
    /// on validity, no engine runs) to where the scenario stays valid.
    pub fn search_range(&self, swing: &Swing) -> (f64, f64) {
        let (lo, hi) = (swing.low(), swing.high());
        let width = (hi - lo).abs();
        let mut far_lo = lo - SEARCH_WIDTHS * width;
        if swing.is_factor() {
            far_lo = far_lo.max(0.0);
        }
        let far_hi = hi + SEARCH_WIDTHS * width;
        let bring_in = |end: f64, inner: f64| {
            if self.valid(swing, end) {
                return end;
            }
            let (mut good, mut bad) = (inner, end);
            for _ in 0..30 {
                let mid = 0.5 * (good + bad);
                if self.valid(swing, mid) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            good
        };
        (bring_in(far_lo, lo), bring_in(far_hi, hi))
    }

    /// Swings one assumption low and high and finds its two switching values.
    /// `central` is the scenario as written ([`Prepared::central`]). Calls
    /// `progress(paths)` for every run, and at the end once for the runs of the
    /// bar's budget ([`MAX_RUNS_PER_BAR`]) it did not need.
    pub fn bar(
        &self,
        swing: &Swing,
        central: &McPoint,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<McBar, McTornadoError> {
        let mut runs = 0u64;
        let mut eval = |x: f64| {
            runs += 1;
            self.evaluate(swing, x, progress)
        };
        let (lo, c, hi) = (swing.low(), swing.central(), swing.high());
        let at_low = eval(lo)?;
        let at_high = eval(hi)?;
        let (far_lo, far_hi) = self.search_range(swing);
        let mut known: Vec<(f64, McPoint)> = vec![(c, *central), (lo, at_low), (hi, at_high)];
        let tol = TOLERANCE * (hi - lo).abs().max(f64::EPSILON);
        let mut switching: [Option<Switching>; 2] = [None, None];
        for (slot, criterion) in [Criterion::MeanNetPosition, Criterion::BreakEvenProbability]
            .into_iter()
            .enumerate()
        {
            let holds = criterion.holds(central);
            // Nearest first: between the central value and either end of the
            // range, then between each end and the far end of the search.
            let legs = [(c, lo), (c, hi), (lo, far_lo), (hi, far_hi)];
            let mut bracket = None;
            for (inner, outer) in legs {
                if (outer - inner).abs() <= 0.0 {
                    continue;
                }
                let at = |x: f64, known: &[(f64, McPoint)]| {
                    known.iter().find(|(k, _)| *k == x).map(|(_, p)| *p)
                };
                let inner_point = match at(inner, &known) {
                    Some(p) => p,
                    None => continue,
                };
                if criterion.holds(&inner_point) != holds {
                    continue;
                }
                let outer_point = match at(outer, &known) {
                    Some(p) => p,
                    None => {
                        let p = eval(outer)?;
                        known.push((outer, p));
                        p
                    }
                };
                if criterion.holds(&outer_point) != holds {
                    bracket = Some((inner, outer));
                    break;
                }
            }
            switching[slot] = Some(match bracket {
                None => Switching::None {
                    from: far_lo.min(far_hi),
                    to: far_hi.max(far_lo),
                    holds_as_written: holds,
                },
                Some((mut good, mut bad)) => {
                    let mut steps = 0;
                    while (bad - good).abs() > tol && steps < MAX_STEPS {
                        let mid = 0.5 * (good + bad);
                        let p = eval(mid)?;
                        known.push((mid, p));
                        steps += 1;
                        if criterion.holds(&p) == holds {
                            good = mid;
                        } else {
                            bad = mid;
                        }
                    }
                    let x = 0.5 * (good + bad);
                    Switching::Found {
                        x,
                        value: swing.value_at(x),
                        holds_at: good,
                        fails_at: bad,
                        holds_as_written: holds,
                    }
                }
            });
        }
        let [Some(switching_net), Some(switching_break_even)] = switching else {
            unreachable!("both criteria searched")
        };
        progress(MAX_RUNS_PER_BAR.saturating_sub(runs) * self.settings.paths);
        Ok(McBar {
            name: swing.name().to_string(),
            factor: swing.is_factor(),
            low: lo,
            high: hi,
            swing_net: (at_high.net_position.mean - at_low.net_position.mean).abs(),
            swing_break_even: (at_high.p_break_even_by_year - at_low.p_break_even_by_year).abs(),
            at_low,
            at_high,
            switching_net,
            switching_break_even,
            engine_runs: runs,
            swing: swing.clone(),
        })
    }

    /// Runs the scenario as written and every bar, ranked by `rank_by`.
    pub fn run(
        &self,
        rank_by: RankBy,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<McTornado, McTornadoError> {
        let central = self.central(progress)?;
        let mut bars = Vec::with_capacity(self.swings.len());
        for s in &self.swings {
            bars.push(self.bar(s, &central, progress)?);
        }
        rank(&mut bars, rank_by);
        let years = &self.pinned.scenario.years;
        Ok(McTornado {
            paths: self.settings.paths,
            seed: self.settings.seed,
            by_year: years[self.by_year],
            by_year_basis: self.by_year_basis.clone(),
            central,
            engine_runs: 1 + bars.iter().map(|b| b.engine_runs).sum::<u64>(),
            max_engine_runs: self.max_engine_runs(),
            bars,
            not_in_engine: self.not_in_engine.clone(),
        })
    }
}

/// Runs the Monte Carlo tornado of a plan scenario (see the module docs).
pub fn mc_tornado(
    loaded: &Loaded,
    settings: Settings,
    rank_by: RankBy,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<McTornado, McTornadoError> {
    Prepared::new(loaded, settings)?.run(rank_by, progress)
}

/// Orders bars, largest first: by the swing in the mean net position, or by
/// the swing in the probability of break-even (then the mean net swing); ties by name.
pub fn rank(bars: &mut [McBar], by: RankBy) {
    bars.sort_by(|a, b| {
        let first = match by {
            RankBy::Net => std::cmp::Ordering::Equal,
            RankBy::BreakEven => b.swing_break_even.total_cmp(&a.swing_break_even),
        };
        first
            .then_with(|| b.swing_net.total_cmp(&a.swing_net))
            .then_with(|| a.name.cmp(&b.name))
    });
}
