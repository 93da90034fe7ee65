//! Parameters of a path ([`PathParams`], drawn once per path) and of one month
//! ([`MonthParams`], monthly probabilities with the interventions applied).
//!
//! Yearly rates per child become monthly probabilities as competing risks: with
//! hazards `h_i` per year and `H = Σ h_i`, a child leaves its compartment in a
//! month with probability `1 − exp(−H/12)`, by route `i` with share `h_i / H`.
//! Ageing is not a hazard: children are held by age in months and move up a
//! band on their birthday. A child who enters during a month is at risk only
//! for the rest of it ([`rest_of_month`]). Path parameters carry the
//! per-path multipliers of rates whose estimates are uncertain. Must not draw
//! random numbers itself.

// Compartments are indexed (placement, age band) as in the model's equations.
#![allow(clippy::needless_range_loop)]

use super::sampling::{self, Categorical, Expected, Leaving};
use super::state::State;
use super::step::{census, step};
use crate::age::{AGE_MONTHS, AgeBand, N_AGE_BANDS};
use crate::placement::{N_PLACEMENTS, Placement};
use crate::scenario::Stochastic;
use crate::scenario::stochastic::{
    AgeMonths, Bounded, MAX_INTERVENTIONS, N_TARGETS, RateUncertainty, Target,
};
use rand::{Rng, SeedableRng};

/// Departure destinations of a compartment: the five rate routes
/// ([`RATE_ROUTES`](super::RATE_ROUTES) order), then a move. Ageing is not a
/// departure: children move up a band on their birthday ([`State`]).
pub const N_DEST: usize = 6;
/// Index of a placement move in a departure split.
pub const DEST_MOVE: usize = 5;

/// An intervention as drawn for one path.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ActiveIntervention {
    /// Month (from 1 April of the first year) the effect starts, delay included.
    pub start: f64,
    /// Months to full effect.
    pub ramp: f64,
    /// Effect at full strength, by [`Target`] index (0 when not affected).
    pub effects: [f64; N_TARGETS],
}

impl ActiveIntervention {
    /// Fraction of the full effect reached in `month` (0 before the start).
    pub fn strength(&self, month: usize) -> f64 {
        let m = month as f64;
        if self.ramp > 0.0 {
            ((m + 1.0 - self.start) / self.ramp).clamp(0.0, 1.0)
        } else if m >= self.start {
            1.0
        } else {
            0.0
        }
    }
}

/// Everything drawn once per path (structural uncertainty); no heap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathParams {
    /// Yearly growth of the do-nothing stock.
    pub growth: f64,
    /// Month from which entries grow (before it they stand at the first month's level).
    pub growth_from_month: usize,
    /// Expected entries in the first month of growth (the first month when growth
    /// is from the first year), before intervention effects.
    pub entries_first_month: f64,
    /// Expected entries a month before growth starts (see `growth_from_month`).
    pub entries_standstill: f64,
    /// Number of interventions in use.
    pub n_active: usize,
    /// Interventions in use (the first `n_active`).
    pub active: [ActiveIntervention; MAX_INTERVENTIONS],
    /// Whether the scenario's caps apply.
    pub caps_on: bool,
    /// Multiplier of each placement type's exit rates (rate uncertainty).
    pub exit_mult: [f64; N_PLACEMENTS],
    /// Multiplier of each placement type's move rate (rate uncertainty).
    pub move_mult: [f64; N_PLACEMENTS],
}

impl PathParams {
    /// Builds a path's parameters, drawing each uncertain value with `draw` in a
    /// fixed order: growth first, then the rate multipliers that have an
    /// uncertainty (entries, exits by type, moves by type), then for each
    /// intervention its delay and its effects in [`Target`] order. A do-nothing
    /// arm (`with_interventions` false) draws all but the interventions, so it
    /// stays paired with the invest arm.
    pub fn build(
        st: &Stochastic,
        entries: &EntryCalibration,
        with_interventions: bool,
        mut draw: impl FnMut(&Bounded) -> f64,
    ) -> PathParams {
        let growth = draw(&st.growth);
        let ru = &st.rate_uncertainty;
        let mut multiplier = |cv: f64| RateUncertainty::multiplier(cv).map_or(1.0, |b| draw(&b));
        let entry_level = multiplier(ru.entries) * entries.pivot(growth);
        let exit_mult = Placement::ALL.map(|p| multiplier(ru.exits[p]));
        let move_mult = Placement::ALL.map(|p| multiplier(ru.moves[p]));
        let mut active = [ActiveIntervention::default(); MAX_INTERVENTIONS];
        let mut n_active = 0;
        if with_interventions {
            for iv in st.interventions.iter().take(MAX_INTERVENTIONS) {
                let delay = draw(&iv.delay_months);
                let mut effects = [0.0; N_TARGETS];
                for (t, e) in iv.effects.iter().enumerate() {
                    if let Some(b) = e {
                        effects[t] = draw(b);
                    }
                }
                active[n_active] = ActiveIntervention {
                    start: iv.start_month + delay,
                    ramp: iv.ramp_months,
                    effects,
                };
                n_active += 1;
            }
        }
        PathParams {
            growth,
            growth_from_month: st.growth_from_month,
            entries_first_month: entries.at(growth) * entry_level,
            entries_standstill: entries.at(growth) * entries.standstill_ratio(growth) * entry_level,
            n_active,
            active,
            caps_on: with_interventions,
            exit_mult,
            move_mult,
        }
    }

    /// Central values (each distribution's mean), for the expected-value model.
    pub fn central(
        st: &Stochastic,
        entries: &EntryCalibration,
        with_interventions: bool,
    ) -> PathParams {
        PathParams::build(st, entries, with_interventions, |b| {
            b.dist.mean().clamp(b.lo, b.hi)
        })
    }

    /// Random values from the path's structural stream.
    pub fn random<R: Rng + ?Sized>(
        st: &Stochastic,
        entries: &EntryCalibration,
        with_interventions: bool,
        rng: &mut R,
    ) -> PathParams {
        PathParams::build(st, entries, with_interventions, |b| sampling::draw(rng, b))
    }

    /// How many months from the start `self` and `other`, two arms of one
    /// path of `st`, build the same month tables: none unless they share
    /// their growth, entry levels and rate multipliers, and from then until
    /// either's interventions act or its caps apply (at most `months`).
    pub fn shared_months(&self, other: &PathParams, st: &Stochastic, months: usize) -> usize {
        let same_base = self.growth == other.growth
            && self.growth_from_month == other.growth_from_month
            && self.entries_first_month == other.entries_first_month
            && self.entries_standstill == other.entries_standstill
            && self.exit_mult == other.exit_mult
            && self.move_mult == other.move_mult;
        if !same_base {
            return 0;
        }
        (0..months)
            .find(|&m| {
                self.multipliers(m) != other.multipliers(m)
                    || active_cap(st, self, m) != active_cap(st, other, m)
            })
            .unwrap_or(months)
    }

    /// Rate multipliers in `month` by [`Target`] index; for [`Target::InHouse`]
    /// the share of new IFA placements made in-house instead.
    pub fn multipliers(&self, month: usize) -> [f64; N_TARGETS] {
        let mut m = [1.0; N_TARGETS];
        for iv in &self.active[..self.n_active] {
            let f = iv.strength(month);
            if f == 0.0 {
                continue;
            }
            for t in 0..N_TARGETS {
                // For the in-house share `m` holds 1 − share until the end.
                let factor = if t == Target::InHouse.index() {
                    1.0 - iv.effects[t] * f
                } else {
                    1.0 + iv.effects[t] * f
                };
                m[t] *= factor.max(0.0);
            }
        }
        m[Target::InHouse.index()] = 1.0 - m[Target::InHouse.index()];
        m
    }
}

/// Expected first-month entries, before intervention effects, as a function of
/// the growth rate: calibrated once per run so that the expected do-nothing stock
/// follows `start · (1 + growth)^(months/12)`, counting months from
/// `growth_from` (before it the line stands at `start`).
///
/// The expected do-nothing path is linear in the entry level `E0`, so two
/// expected-value runs (`E0` = 0 and 1) give it exactly; `E0` minimises the
/// squared relative gap to the growth line at each 31 March. For a growth rate
/// drawn per path the value is interpolated on a grid of growth rates.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryCalibration {
    lo: f64,
    hi: f64,
    values: Vec<f64>,
    standstill: Vec<f64>,
    pivot_years: f64,
    pivot_norm: f64,
}

/// Draws of the growth distribution that average the pivot factor to 1.
const PIVOT_NORM_DRAWS: usize = 1 << 18;

/// Seed of those draws: fixed, so the factor does not depend on the run's seed.
const PIVOT_NORM_SEED: u64 = 0x0050_4956_4f54;

/// Points in the growth grid of [`EntryCalibration`].
const GRID: usize = 41;

impl EntryCalibration {
    /// Calibrates the entries of `st` over `n_years` years.
    pub fn new(st: &Stochastic, n_years: usize) -> EntryCalibration {
        let pivot_years = st.rate_uncertainty.entries_pivot_years;
        let pivot_norm = pivot_mean(&st.growth, pivot_years);
        if let Some(y) = st.entries.per_year {
            return EntryCalibration {
                lo: 0.0,
                hi: 0.0,
                values: vec![y / 12.0],
                standstill: vec![1.0],
                pivot_years,
                pivot_norm,
            };
        }
        let (lo, hi) = st.growth.support();
        let resp = EntryResponse::new(st, n_years);
        let points = if hi > lo { GRID } else { 1 };
        let (values, standstill) = (0..points)
            .map(|i| {
                let g = if points == 1 {
                    lo
                } else {
                    lo + (hi - lo) * i as f64 / (points - 1) as f64
                };
                let (grow, still) = calibrated_levels(st, &resp, g, n_years);
                (grow, if grow > 0.0 { still / grow } else { 1.0 })
            })
            .unzip();
        EntryCalibration {
            lo,
            hi,
            values,
            standstill,
            pivot_years,
            pivot_norm,
        }
    }

    /// The entry level's pivot factor at growth `g`: `(1 + g)^pivot` over its mean
    /// across the growth distribution, so a path growing faster than most also
    /// starts higher (a fitted level and trend are correlated) while the
    /// expected level stays as given, like the Gamma multiplier's.
    pub fn pivot(&self, g: f64) -> f64 {
        if self.pivot_years == 0.0 {
            1.0
        } else {
            (1.0 + g).powf(self.pivot_years) / self.pivot_norm
        }
    }

    /// Expected first-month entries at growth rate `g`.
    pub fn at(&self, g: f64) -> f64 {
        self.interpolate(&self.values, g)
    }

    /// Entries a month before growth starts, as a share of [`Self::at`].
    pub fn standstill_ratio(&self, g: f64) -> f64 {
        self.interpolate(&self.standstill, g)
    }

    fn interpolate(&self, v: &[f64], g: f64) -> f64 {
        if v.len() == 1 {
            return v[0];
        }
        let x = ((g - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0) * (v.len() - 1) as f64;
        let i = (x.floor() as usize).min(v.len() - 2);
        let w = x - i as f64;
        v[i] * (1.0 - w) + v[i + 1] * w
    }
}

/// Mean of `(1 + g)^pivot` over the growth distribution: exact for a fixed
/// growth, otherwise the average over fixed-seed draws with the paths' sampler.
fn pivot_mean(growth: &Bounded, pivot_years: f64) -> f64 {
    if pivot_years == 0.0 {
        return 1.0;
    }
    if growth.dist.is_fixed() {
        return (1.0 + growth.dist.mean().clamp(growth.lo, growth.hi)).powf(pivot_years);
    }
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(PIVOT_NORM_SEED);
    (0..PIVOT_NORM_DRAWS)
        .map(|_| (1.0 + sampling::draw(&mut rng, growth)).powf(pivot_years))
        .sum::<f64>()
        / PIVOT_NORM_DRAWS as f64
}

/// How the expected do-nothing stock answers entries, worked out once per
/// scenario: the stock at each month's end from the opening census alone, and
/// from one entrant in the first month alone. Without interventions or caps
/// the month's probabilities do not change from month to month, so the
/// expected model is linear and time-invariant in entries: the stock with
/// entries `e_s` is `census(m) + Σ_s e_s · response(m − s)`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryResponse {
    census: Vec<f64>,
    response: Vec<f64>,
    n0: f64,
}

impl EntryResponse {
    /// The responses of `st` over `n_years` years.
    pub fn new(st: &Stochastic, n_years: usize) -> EntryResponse {
        let pp = PathParams {
            growth: 0.0,
            growth_from_month: 0,
            entries_first_month: 0.0,
            entries_standstill: 0.0,
            n_active: 0,
            active: [ActiveIntervention::default(); MAX_INTERVENTIONS],
            caps_on: false,
            exit_mult: [1.0; N_PLACEMENTS],
            move_mult: [1.0; N_PLACEMENTS],
        };
        let months = n_years * 12;
        let mut mp = MonthParams::build(st, &pp, 0);
        let mut state = State::empty();
        state.set_dense(true);
        census(&mut state, &st.start, &st.census_ages.0, &mut Expected);
        let n0 = state.total();
        let mut census_path = Vec::with_capacity(months);
        for _ in 0..months {
            step(&mp, &mut state, &mut Expected);
            census_path.push(state.total());
        }
        state.clear();
        let mut response = Vec::with_capacity(months);
        for m in 0..months {
            mp.entries_mean = if m == 0 { 1.0 } else { 0.0 };
            step(&mp, &mut state, &mut Expected);
            response.push(state.total());
        }
        EntryResponse {
            census: census_path,
            response,
            n0,
        }
    }

    /// The expected stock at the end of month `m` with `entries(s)` expected
    /// entrants in month `s`.
    fn stock(&self, m: usize, entries: impl Fn(usize) -> f64) -> f64 {
        self.census[m]
            + (0..=m)
                .map(|s| entries(s) * self.response[m - s])
                .sum::<f64>()
    }
}

/// The least-squares entry level for one growth rate (see [`EntryCalibration`]).
pub fn calibrated_entries(st: &Stochastic, growth: f64, n_years: usize) -> f64 {
    calibrated_levels(st, &EntryResponse::new(st, n_years), growth, n_years).0
}

/// The least-squares entry levels for one growth rate: in the first month of
/// growth, and a month before growth starts (the same when growth is from the
/// first month). Two levels because a stock that stands still and then grows
/// needs its entries to step up when growth starts: with one level the fit
/// would grow the standstill year too.
pub fn calibrated_levels(
    st: &Stochastic,
    resp: &EntryResponse,
    growth: f64,
    n_years: usize,
) -> (f64, f64) {
    let gfm = st.growth_from_month;
    // The expected path is affine in the two levels.
    let at_march = |grow: f64, still: f64| -> Vec<f64> {
        (0..n_years)
            .map(|t| {
                resp.stock(12 * t + 11, |s| {
                    if s < gfm {
                        still
                    } else {
                        grow * (1.0 + growth).powf((s - gfm) as f64 / 12.0)
                    }
                })
            })
            .collect()
    };
    let a = at_march(0.0, 0.0);
    let with_grow = at_march(1.0, 0.0);
    let with_still = at_march(0.0, 1.0);
    let n0 = resp.n0;
    let two = st.growth_from_month > 0 && st.growth_from_month < n_years * 12;
    let (mut s11, mut s12, mut s22, mut r1, mut r2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for t in 0..n_years {
        // The do-nothing line at 31 March: it stands still until growth starts.
        let grown_years = (12 * (t + 1)).saturating_sub(st.growth_from_month) as f64 / 12.0;
        let target = n0 * (1.0 + growth).powf(grown_years);
        if target <= 0.0 {
            continue;
        }
        // Relative gaps: each 31 March counts alike whatever its size.
        let b1 = (with_grow[t] - a[t]) / target;
        let b2 = (with_still[t] - a[t]) / target;
        let r = 1.0 - a[t] / target;
        s11 += b1 * b1;
        s12 += b1 * b2;
        s22 += b2 * b2;
        r1 += b1 * r;
        r2 += b2 * r;
    }
    if !two {
        // One level throughout: both columns describe the same months.
        let (b, r) = if st.growth_from_month == 0 {
            (s11, r1)
        } else {
            (s22, r2)
        };
        let e = if b > 0.0 { (r / b).max(0.0) } else { 0.0 };
        return (e, e);
    }
    let det = s11 * s22 - s12 * s12;
    if det.abs() < 1e-12 * (s11 * s22).max(1e-300) {
        let e = if s11 + s22 > 0.0 {
            ((r1 + r2) / (s11 + s22 + 2.0 * s12)).max(0.0)
        } else {
            0.0
        };
        return (e, e);
    }
    let grow = (r1 * s22 - r2 * s12) / det;
    let still = (r2 * s11 - r1 * s12) / det;
    // Entries cannot be negative: when the best fit wants one level below zero,
    // hold it at zero and fit the other alone (non-negative least squares with
    // two unknowns), rather than clamping both independently.
    match (grow >= 0.0, still >= 0.0) {
        (true, true) => (grow, still),
        (false, _) => (0.0, (r2 / s22).max(0.0)),
        (true, false) => ((r1 / s11).max(0.0), 0.0),
    }
}

/// A cap in force this month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActiveCap {
    /// Placement capped.
    pub placement: usize,
    /// Most children.
    pub count: f64,
    /// Where new placements go beyond the cap.
    pub overflow_to: usize,
}

/// Probability of leaving before the month ends, at total yearly hazard `h`, for
/// a child who arrives at a uniformly random time in it: the mean of
/// `1 − e^(−x·u)` over `u` in [0, 1] with `x = h / 12`, that is
/// `1 − (1 − e^(−x)) / x`. For small `x` the difference cancels, so its series
/// `x/2 − x²/6 + x³/24` is used instead (error below x⁴/120).
pub fn rest_of_month(h: f64) -> f64 {
    let x = h / 12.0;
    if x.is_nan() || x <= 0.0 {
        0.0
    } else if x < 1e-3 {
        x / 2.0 - x * x / 6.0 + x * x * x / 24.0
    } else {
        1.0 + (-x).exp_m1() / x
    }
}

/// One month's probabilities with their inversion tables (about 22 KB).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthParams {
    /// Expected entries this month.
    pub entries_mean: f64,
    /// Negative binomial size of entries (0 = Poisson).
    pub dispersion: f64,
    /// Share of entries by age band.
    pub entry_age: Categorical<N_AGE_BANDS>,
    /// Share of entries by first placement, for each age band.
    pub entry_place: [Categorical<N_PLACEMENTS>; N_AGE_BANDS],
    /// How a child in a compartment at the start of the month may leave it.
    pub depart: [[Leaving; N_AGE_BANDS]; N_PLACEMENTS],
    /// Probability that a child who enters care into a compartment during the
    /// month leaves it before the month ends ([`rest_of_month`]).
    pub entrant_depart: [[f64; N_AGE_BANDS]; N_PLACEMENTS],
    /// Share of departures by destination ([`N_DEST`]).
    pub split: [[Categorical<N_DEST>; N_AGE_BANDS]; N_PLACEMENTS],
    /// Share of moves from each placement by destination placement.
    pub move_to: [Categorical<N_PLACEMENTS>; N_PLACEMENTS],
    /// Running sums, within each band, of the entrants' shares by month of age
    /// (indexed by age in months; +∞ from each band's last month with a share).
    pub entry_age_cum: [f64; AGE_MONTHS],
    /// Where to start looking in `entry_age_cum` ([`entry_age_guide`]).
    pub entry_age_guide: [u8; AGE_MONTHS],
    /// The cap in force, if any.
    pub cap: Option<ActiveCap>,
    /// The intervention multipliers these probabilities were built with.
    pub multipliers: [f64; N_TARGETS],
    /// Monthly hazard of a move out of each placement type (kept so that a
    /// change to exit rates alone need not rebuild the moves).
    move_hazard: [f64; N_PLACEMENTS],
}

/// Applies placement-officer and in-house effects to placement shares.
fn divert(shares: &mut [f64; N_PLACEMENTS], residential: f64, in_house: f64) {
    let hh = Placement::HomesHostels.index();
    let ifa = Placement::Ifa.index();
    let ih = Placement::InHouseFoster.index();
    let before = shares[hh];
    shares[hh] = before * residential;
    shares[ifa] = (shares[ifa] + before - shares[hh]).max(0.0);
    let moved = shares[ifa] * in_house;
    shares[ifa] -= moved;
    shares[ih] += moved;
    let sum: f64 = shares.iter().sum();
    if sum > 0.0 {
        shares.iter_mut().for_each(|s| *s /= sum);
    }
}

impl MonthParams {
    /// The month's probabilities for a path.
    pub fn build(st: &Stochastic, pp: &PathParams, month: usize) -> MonthParams {
        let none = Categorical::new([0.0; N_PLACEMENTS]);
        let mut mp = MonthParams {
            entries_mean: 0.0,
            dispersion: st.entries.dispersion.unwrap_or(0.0),
            entry_age: Categorical::new(st.entries.by_age),
            entry_place: [none; N_AGE_BANDS],
            depart: [[Leaving::NEVER; N_AGE_BANDS]; N_PLACEMENTS],
            entrant_depart: [[0.0; N_AGE_BANDS]; N_PLACEMENTS],
            split: [[Categorical::new([0.0; N_DEST]); N_AGE_BANDS]; N_PLACEMENTS],
            move_to: [none; N_PLACEMENTS],
            entry_age_cum: [0.0; AGE_MONTHS],
            entry_age_guide: [0; AGE_MONTHS],
            cap: None,
            multipliers: [f64::NAN; N_TARGETS],
            move_hazard: [0.0; N_PLACEMENTS],
        };
        mp.entry_age_cum = within_band_cum(&st.entry_ages);
        mp.entry_age_guide = entry_age_guide(&mp.entry_age_cum);
        mp.rebuild(st, pp, month, pp.multipliers(month));
        mp
    }

    /// Starts another path of the same scenario in place: `self` was built
    /// from `st` (for any path), so the tables that depend on the scenario
    /// alone (entry ages and their guide) are kept and the rest is rebuilt for
    /// `pp` at month 0, as [`MonthParams::build`] would build it.
    pub fn restart(&mut self, st: &Stochastic, pp: &PathParams) {
        // Another path has its own rate multipliers: nothing built for the
        // last one may be kept.
        self.multipliers = [f64::NAN; N_TARGETS];
        self.rebuild(st, pp, 0, pp.multipliers(0));
    }

    /// Rewrites, in place, everything that depends on the month or on the
    /// intervention multipliers `mult`.
    ///
    /// Only the tables the changed multipliers reach are rebuilt (each
    /// exactly as a full rebuild would make it): placement shares when the
    /// residential or in-house effects change, moves when those or step-down
    /// change, and departures when any of those or the exit routes change.
    /// Multipliers of NaN (a fresh build) rebuild everything.
    fn rebuild(&mut self, st: &Stochastic, pp: &PathParams, month: usize, mult: [f64; N_TARGETS]) {
        let changed = |t: Target| {
            let (new, old) = (mult[t.index()], self.multipliers[t.index()]);
            new != old || old.is_nan()
        };
        let shares = changed(Target::Residential) || changed(Target::InHouse);
        let moves = shares || changed(Target::StepDown);
        let departures = moves || changed(Target::ReturnHome) || changed(Target::Sgo);
        if shares {
            self.rebuild_entry_place(st, &mult);
        }
        if moves {
            self.rebuild_moves(st, pp, &mult);
        }
        if departures {
            self.rebuild_departures(st, pp, &mult);
        }
        self.entries_mean = entries_mean(pp, month, &mult);
        self.cap = active_cap(st, pp, month);
        self.multipliers = mult;
    }

    /// First placements of entrants by age band.
    fn rebuild_entry_place(&mut self, st: &Stochastic, mult: &[f64; N_TARGETS]) {
        let by_age = &st.entries.placement_by_age;
        for a in 0..N_AGE_BANDS {
            // Bands without a mix of their own share the all-ages one: divert it once.
            if a > 0 && by_age[a] == by_age[a - 1] {
                self.entry_place[a] = self.entry_place[a - 1];
                continue;
            }
            let mut entry_place = by_age[a].0;
            divert(
                &mut entry_place,
                mult[Target::Residential.index()],
                mult[Target::InHouse.index()],
            );
            self.entry_place[a] = Categorical::new(entry_place);
        }
    }

    /// Where moves go and how often they happen.
    fn rebuild_moves(&mut self, st: &Stochastic, pp: &PathParams, mult: &[f64; N_TARGETS]) {
        let move_hazard = &mut self.move_hazard;
        *move_hazard = [0.0; N_PLACEMENTS];
        for p in 0..N_PLACEMENTS {
            self.move_to[p] = Categorical::new([0.0; N_PLACEMENTS]);
            let mut dest = st.move_from[p].0;
            dest[p] = 0.0;
            let sum: f64 = dest.iter().sum();
            if sum <= 0.0 {
                continue;
            }
            dest.iter_mut().for_each(|d| *d /= sum);
            divert(
                &mut dest,
                mult[Target::Residential.index()],
                mult[Target::InHouse.index()],
            );
            // Diversion may send moves back to their origin; such a move is no move.
            let stay = dest[p];
            dest[p] = 0.0;
            let left = 1.0 - stay;
            if left <= 0.0 {
                continue;
            }
            dest.iter_mut().for_each(|d| *d /= left);
            self.move_to[p] = Categorical::new(dest);
            let step_down = if p == Placement::HomesHostels.index() {
                mult[Target::StepDown.index()]
            } else {
                1.0
            };
            move_hazard[p] = st.move_rate.0[p] * step_down * left * pp.move_mult[p];
        }
    }

    /// How children leave each compartment, and where to.
    fn rebuild_departures(&mut self, st: &Stochastic, pp: &PathParams, mult: &[f64; N_TARGETS]) {
        let route_mult = [
            mult[Target::ReturnHome.index()],
            1.0,
            mult[Target::Sgo.index()],
            1.0,
            1.0,
        ];
        for p in 0..N_PLACEMENTS {
            for a in 0..N_AGE_BANDS {
                let mut h = [0.0; N_DEST];
                for r in 0..5 {
                    h[r] = st.exit_rates[r].0[p]
                        * route_mult[r]
                        * st.exit_age_factor[a]
                        * pp.exit_mult[p];
                }
                h[DEST_MOVE] = self.move_hazard[p];
                let total: f64 = h.iter().sum();
                self.depart[p][a].set_month(total);
                self.entrant_depart[p][a] = rest_of_month(total);
                self.split[p][a] = if total > 0.0 {
                    Categorical::new(h.map(|x| x / total))
                } else {
                    Categorical::new([0.0; N_DEST])
                };
            }
        }
    }

    /// Moves `self` (built for an earlier month of the same path) on to `month`,
    /// rebuilding the probabilities only when the strength of an intervention
    /// on a rate other than entries changed (entries only scale `entries_mean`).
    pub fn advance(&mut self, st: &Stochastic, pp: &PathParams, month: usize) {
        let mult = pp.multipliers(month);
        let entries = Target::Entries.index();
        let rates_changed = (0..N_TARGETS).any(|t| t != entries && mult[t] != self.multipliers[t]);
        if rates_changed {
            self.rebuild(st, pp, month, mult);
        } else {
            self.entries_mean = entries_mean(pp, month, &mult);
            self.cap = active_cap(st, pp, month);
            self.multipliers = mult;
        }
    }
}

/// Running sums of within-band shares by month of age, restarting at each
/// band, +∞ from each band's last month with a positive share (so rounding
/// never picks a month with none).
pub fn within_band_cum(shares: &AgeMonths) -> [f64; AGE_MONTHS] {
    let mut cum = [f64::INFINITY; AGE_MONTHS];
    for b in AgeBand::ALL {
        let band = shares.band(b);
        let first = b.first_month();
        if let Some(last) = band.iter().rposition(|&s| s > 0.0) {
            let mut acc = 0.0;
            for (i, s) in band[..last].iter().enumerate() {
                acc += s;
                cum[first + i] = acc;
            }
        }
    }
    cum
}

/// A guide table to the running sums `cum` ([`within_band_cum`]): for the
/// `i`-th of a band's `w` equal slices of [0, 1), the first month of the band
/// (counted from its start) whose running sum passes `i / w` (less a hair, so
/// rounding can only start the search early). A uniform `u` then starts its
/// search at the guide of slice `⌊u·w⌋` and walks forward: the same month as a
/// binary search, in one or two steps when the shares are near even.
pub fn entry_age_guide(cum: &[f64; AGE_MONTHS]) -> [u8; AGE_MONTHS] {
    let mut guide = [0u8; AGE_MONTHS];
    for b in AgeBand::ALL {
        let (first, w) = (b.first_month(), b.width_months());
        let band = &cum[first..first + w];
        for i in 0..w {
            let q = i as f64 / w as f64 - 1e-9;
            guide[first + i] = band.partition_point(|&c| c <= q) as u8;
        }
    }
    guide
}

fn entries_mean(pp: &PathParams, month: usize, mult: &[f64; N_TARGETS]) -> f64 {
    let level = if month < pp.growth_from_month {
        pp.entries_standstill
    } else {
        let q = (1.0 + pp.growth).powf((month - pp.growth_from_month) as f64 / 12.0);
        pp.entries_first_month * q
    };
    level * mult[Target::Entries.index()]
}

fn active_cap(st: &Stochastic, pp: &PathParams, month: usize) -> Option<ActiveCap> {
    st.caps
        .iter()
        .find(|c| pp.caps_on && month >= c.from_month)
        .map(|c| ActiveCap {
            placement: c.placement.index(),
            count: c.count,
            overflow_to: c.overflow_to.index(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interventions_ramp_linearly_and_multiply() {
        let iv = ActiveIntervention {
            start: 9.0,
            ramp: 12.0,
            effects: [-0.2, 0.5, 0.0, 0.0, 0.0, 0.5],
        };
        assert_eq!(iv.strength(8), 0.0);
        assert!((iv.strength(9) - 1.0 / 12.0).abs() < 1e-12);
        assert_eq!(iv.strength(20), 1.0);
        assert_eq!(iv.strength(60), 1.0);
        let mut pp = PathParams {
            growth: 0.0,
            growth_from_month: 0,
            entries_first_month: 1.0,
            entries_standstill: 1.0,
            n_active: 2,
            active: [ActiveIntervention::default(); MAX_INTERVENTIONS],
            caps_on: true,
            exit_mult: [1.0; N_PLACEMENTS],
            move_mult: [1.0; N_PLACEMENTS],
        };
        pp.active[0] = iv;
        pp.active[1] = iv;
        let m = pp.multipliers(30);
        assert!((m[Target::Entries.index()] - 0.64).abs() < 1e-12);
        assert!((m[Target::ReturnHome.index()] - 2.25).abs() < 1e-12);
        // Two 50% in-house shares: 1 − 0.5 × 0.5.
        assert!((m[Target::InHouse.index()] - 0.75).abs() < 1e-12);
        assert_eq!(pp.multipliers(0), [1.0, 1.0, 1.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn diversion_keeps_shares_summing_to_one() {
        let mut s = [0.1; N_PLACEMENTS];
        divert(&mut s, 0.5, 0.4);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((s[Placement::HomesHostels.index()] - 0.05).abs() < 1e-12);
        assert!((s[Placement::Ifa.index()] - 0.09).abs() < 1e-12);
        assert!((s[Placement::InHouseFoster.index()] - 0.16).abs() < 1e-12);
    }
}
