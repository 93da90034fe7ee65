//! Every random draw of the engine, and its expected-value twin.
//!
//! Owns the algorithms. Departures from a compartment: the count by binomial
//! inversion (BINV, Kachitvichyanukul & Schmeiser 1988) of one uniform, its
//! starting term `(1 − p)^n` from a per-month table ([`StayPow`]) and the
//! distribution function up to 3 compared without branches; BINV with `exp`
//! for 256 children or more, BTPE (rand_distr) when `p > 0.5` or `n·p >= 500`.
//! Then, when the count is non-zero, each leaver's destination by inversion of
//! one uniform on running sums ([`Categorical`]) up to 32 leavers, conditional
//! binomials above. Entries: each entry's age band, first placement and whether it
//! leaves again before the month ends from one uniform, rescaled at each choice
//! (up to 256 a month). Other binomials as Bernoulli sums for small `n`,
//! BINV when `n·min(p, 1−p) < 10`, otherwise rand_distr's BTPE; Poisson by
//! sequential inversion when the mean is below 100, otherwise rand_distr's
//! PTRS; negative binomial as a gamma–Poisson mixture (gamma from rand_distr);
//! the multinomial as conditional binomials, drawn only when the total is
//! non-zero and stopping as soon as nothing is left to split. All of these are
//! exact (up to floating-point rounding). Inversion makes a draw monotone in
//! its uniform, which keeps paired runs (common random numbers) closely
//! coupled. Zero guards come first: `rand_distr` refuses `Poisson::new(0.0)`,
//! and a zero count needs no draw.
//!
//! Must not know about paths, months or seeds (see [`crate::engine::streams`]).

use super::params::{DEST_MOVE, MonthParams};
use super::state::State;
use super::step::{Flows, leave_to};
use crate::age::{AGE_MONTHS, AgeBand};
use crate::scenario::stochastic::{Bounded, Dist};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Beta, Binomial, Distribution, Gamma, Pert, Poisson, StandardNormal};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

/// What a stream of random numbers is for; each kind has its own generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// Per-path structural draws: growth rate, intervention effects and delays.
    Structural = 1,
    /// Number of entries and their split by age and first placement.
    Entries = 2,
    /// Unused since the placement a move goes to is drawn with its leaver
    /// (kept so the other kinds keep their numbers).
    Moves = 3,
    /// How many children leave each compartment, which of them, and by which
    /// route or move.
    Exits = 4,
    /// Where the opening children are within their bands' months of age.
    Census = 5,
}

/// A categorical distribution ready for inversion: the shares and their running
/// sums, so that one uniform picks a category with a short linear search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Categorical<const N: usize> {
    /// Share of each category (summing to 1, or all 0).
    pub shares: [f64; N],
    /// `cum[i] = shares[0] + … + shares[i]`, and +∞ from the last category with a
    /// positive share on, so rounding can never pick a category with no share.
    pub cum: [f64; N],
    /// Whether any share is positive.
    pub any: bool,
    /// Where each category starts on `[0, 1)` (`cum` shifted by one, from 0).
    starts: [f64; N],
}

impl<const N: usize> Categorical<N> {
    /// The table for `shares`.
    pub fn new(shares: [f64; N]) -> Categorical<N> {
        let mut cum = [f64::INFINITY; N];
        let last = shares.iter().rposition(|&s| s > 0.0);
        let mut acc = 0.0;
        if let Some(last) = last {
            for i in 0..last {
                acc += shares[i];
                cum[i] = acc;
            }
        }
        let mut starts = [0.0; N];
        starts[1..].copy_from_slice(&cum[..N - 1]);
        Categorical {
            shares,
            cum,
            any: last.is_some(),
            starts,
        }
    }

    /// The category of the uniform `u`: the first `i` with `u < cum[i]`, found
    /// by counting the running sums at or below `u` (no unpredictable branch).
    #[inline]
    pub fn pick(&self, u: f64) -> usize {
        let mut i = 0;
        for c in &self.cum[..N - 1] {
            i += (u >= *c) as usize;
        }
        i
    }

    /// Where category `i` starts on `[0, 1)`.
    #[inline]
    fn start(&self, i: usize) -> f64 {
        // A table, not a branch on `i == 0`: which category a uniform picked
        // is as good as random.
        self.starts[i]
    }
}

/// Powers `(1 − p)^n` of a compartment's stay probability for `n < 256`, as the
/// product of two table entries (`lo[n % 16] · hi[n / 16]`), built by repeated
/// multiplication (relative error below 1e-14): the starting term of binomial
/// inversion without an `exp` per compartment and month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StayPow {
    lo: [f64; 16],
    hi: [f64; 16],
}

/// Compartments of at least this many children compute `(1 − p)^n` with `exp`.
pub const POW_N: u64 = 256;

impl StayPow {
    /// The table of a probability 0 of leaving.
    pub const ONE: StayPow = StayPow {
        lo: [1.0; 16],
        hi: [1.0; 16],
    };

    /// The table for `ln_stay` = ln(1 − p).
    pub fn new(ln_stay: f64) -> StayPow {
        let mut t = StayPow::ONE;
        t.set(ln_stay);
        t
    }

    /// Rewrites the table in place for `ln_stay` (month tables are rebuilt
    /// often during intervention ramps; building a new one would copy it).
    pub fn set(&mut self, ln_stay: f64) {
        let q = ln_stay.exp();
        let lo = &mut self.lo;
        lo[0] = 1.0;
        for i in 1..16 {
            lo[i] = lo[i - 1] * q;
        }
        let q16 = lo[15] * q;
        let hi = &mut self.hi;
        hi[0] = 1.0;
        for j in 1..16 {
            hi[j] = hi[j - 1] * q16;
        }
    }

    /// `(1 − p)^n` for `n < POW_N`.
    #[inline]
    fn at(&self, n: u64) -> f64 {
        self.lo[(n & 15) as usize] * self.hi[((n >> 4) & 15) as usize]
    }
}

/// The chance of leaving a compartment within some time, with its inversion table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leaving {
    /// Probability of leaving.
    pub p: f64,
    /// ln(1 − p), for binomial inversion.
    pub ln_stay: f64,
    /// Powers of 1 − p, for binomial inversion.
    pub pow: StayPow,
}

impl Leaving {
    /// Never leaving.
    pub const NEVER: Leaving = Leaving {
        p: 0.0,
        ln_stay: 0.0,
        pow: StayPow::ONE,
    };

    /// Leaving within a whole month at total yearly hazard `h`.
    pub fn month(h: f64) -> Leaving {
        let mut l = Leaving::NEVER;
        l.set_month(h);
        l
    }

    /// Rewrites `self`, in place, as [`Leaving::month`]`(h)`.
    pub fn set_month(&mut self, h: f64) {
        let ln_stay = -h / 12.0;
        self.p = 1.0 - ln_stay.exp();
        self.ln_stay = ln_stay;
        self.pow.set(ln_stay);
    }
}

/// How the children of one compartment leave it this month.
#[derive(Debug, Clone, Copy)]
pub struct Departure<'a, const N: usize> {
    /// The chance that a child leaves.
    pub leaving: &'a Leaving,
    /// Where a child who leaves goes.
    pub to: &'a Categorical<N>,
}

/// The draws the step function needs. [`Streams`] draws at random; [`Expected`]
/// returns expectations, which turns the same step into the expected-value model.
///
/// Each method draws from its own sub-stream, keyed by compartment, so that
/// what one compartment draws does not shift the numbers of the next (which
/// keeps the two arms of a pair aligned).
pub trait Draws {
    /// Children entering care this month.
    fn entries(&mut self, mean: f64, dispersion: f64) -> f64;
    /// Spreads the `n` children of compartment `key` over the months of age of
    /// its band, by `shares` (youngest first), adding them to `out`.
    fn census(&mut self, key: u64, n: f64, shares: &[f64], out: &mut [f64]);
    /// The month's `n` entrants: each one's age band, first placement, month of
    /// age, and whether (and where) they leave again before the month ends.
    fn entrants(&mut self, n: f64, mp: &MonthParams, state: &mut State, f: &mut Flows);
    /// How many of the children of compartment (`p`, `a`) at the start of the
    /// month leave it, which of them (uniformly among its children of every
    /// month of age), and where they go; from the exits sub-stream `key`.
    fn depart(
        &mut self,
        key: u64,
        p: usize,
        a: usize,
        mp: &MonthParams,
        state: &mut State,
        f: &mut Flows,
    );
}

/// The random streams of one path for one month.
#[derive(Debug, Clone)]
pub struct Streams {
    /// Number of entries.
    pub entries: Xoshiro256PlusPlus,
    /// Seed of the exits stream: departures use SplitMix64 sub-streams started
    /// at `mix(seed ^ key)`, one per compartment (the census stream uses the
    /// same field).
    pub exits_seed: u64,
    /// Seed of the entries stream: the entrants use the SplitMix64 sub-stream
    /// started at `mix(seed ^ 0)`.
    pub entries_seed: u64,
}

/// The SplitMix64 finaliser (Steele, Lea & Flood 2014), used to derive seeds.
pub const fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A SplitMix64 sub-stream, inlined: the same numbers as
/// `rand_xoshiro::SplitMix64::seed_from_u64(state)`, to which it hands over for
/// the rare draws that need a full generator.
#[derive(Debug, Clone, Copy)]
struct Sub(u64);

impl Sub {
    #[inline]
    fn new(seed: u64, key: u64) -> Sub {
        Sub(mix(seed ^ key))
    }

    /// A uniform in `[0, 1)` from the top 53 bits (as `rand` makes an `f64`).
    #[inline]
    fn uniform(&mut self) -> f64 {
        let z = mix(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        // Through `i64`, the same value (53 bits fit either way): baseline
        // x86-64 converts signed integers in one instruction, unsigned ones
        // in about eight.
        (z >> 11) as i64 as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Passes over the next uniform without computing it (the numbers after
    /// it are the same as if it had been drawn).
    #[inline]
    fn skip(&mut self) {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
    }

    /// The next uniform, without moving on.
    #[inline]
    fn peek(&self) -> f64 {
        let mut next = *self;
        next.uniform()
    }

    /// The generator that continues this sub-stream.
    fn rng(self) -> SplitMix64 {
        SplitMix64::seed_from_u64(self.0)
    }
}

impl Draws for Streams {
    fn entries(&mut self, mean: f64, dispersion: f64) -> f64 {
        negative_binomial(&mut self.entries, mean, dispersion) as f64
    }

    fn census(&mut self, key: u64, n: f64, shares: &[f64], out: &mut [f64]) {
        let Some(last) = shares.iter().rposition(|&s| s > 0.0) else {
            return;
        };
        if n <= 0.0 {
            return;
        }
        // Systematic sampling: child `c` sits at quantile `(c + u) / n` of the
        // shares, so each child's month is distributed by the shares and the
        // counts by month are as even as whole children allow.
        let u = Sub::new(self.exits_seed, key).uniform();
        let (mut i, mut acc) = (0, shares[0]);
        for c in 0..n as u64 {
            let q = (c as f64 + u) / n;
            while i < last && acc <= q {
                i += 1;
                acc += shares[i];
            }
            out[i] += 1.0;
        }
    }

    fn entrants(&mut self, n: f64, mp: &MonthParams, state: &mut State, f: &mut Flows) {
        let age = &mp.entry_age;
        if n <= 0.0 || !age.any {
            return;
        }
        let mut sub = Sub::new(self.entries_seed, 0);
        for _ in 0..n as u64 {
            // Four uniforms an entrant, used or not, so entrant i of both arms
            // sees the same numbers: band and placement (the second by the
            // first rescaled within the band's interval), leaving again and
            // where to, month of age, and the placement of a move.
            // The fourth is computed only for a move (it is rarely needed).
            let (u, w, m) = (sub.uniform(), sub.uniform(), sub.uniform());
            let q = sub;
            sub.skip();
            let a = age.pick(u);
            let v = (u - age.start(a)) / age.shares[a];
            let p = mp.entry_place[a].pick(v);
            let months = pick_month(&mp.entry_age_cum, &mp.entry_age_guide, a, m);
            f.entrants[p][a] += 1.0;
            let le = mp.entrant_depart[p][a];
            if w < le {
                f.inflow[p][a] += 1.0;
                f.outflow[p][a] += 1.0;
                let d = mp.split[p][a].pick(w / le);
                let to = if d == DEST_MOVE {
                    mp.move_to[p].pick(q.peek())
                } else {
                    0
                };
                leave_to(state, f, d, (a, months), 1.0, to);
            } else {
                state.arrive_in_band(p, a, months, 1.0);
            }
        }
    }

    #[inline]
    fn depart(
        &mut self,
        key: u64,
        p: usize,
        a: usize,
        mp: &MonthParams,
        state: &mut State,
        f: &mut Flows,
    ) {
        let leaving = &mp.depart[p][a];
        let split = &mp.split[p][a];
        let n = state.band_total(p, a);
        let prob = leaving.p;
        if n <= 0.0 || prob <= 0.0 || !split.any {
            return;
        }
        let mut sub = Sub::new(self.exits_seed, key);
        // Through `i64` (see `Sub::uniform`): counts are far below 2^63.
        let nn = n as i64 as u64;
        let u = sub.uniform();
        let k = if nn < POW_N && prob <= 0.5 {
            let r = leaving.pow.at(nn);
            if u <= r {
                return;
            }
            binv_from(u, r, nn, prob)
        } else {
            let mut rng = sub.rng();
            let k = binomial_inverse(u, nn, prob, leaving.ln_stay, &mut rng);
            sub = Sub(u64::from_le_bytes(rng.state()));
            k
        };
        if k == 0 {
            return;
        }
        f.outflow[p][a] += k as f64;
        state.remove_from_band(p, a, k as f64);
        let mut here = n;
        for _ in 0..k {
            // Three uniforms a leaver: where to, which child, which placement
            // a move goes to.
            let (d, w) = (sub.uniform(), sub.uniform());
            let q = sub;
            sub.skip();
            // The `j`-th of the children still here, counted oldest first.
            // Truncation is the floor here (non-negative, far below 2^53) and,
            // unlike `floor`, needs no library call on baseline x86-64.
            let j = (w * here) as i64 as f64;
            let months = state.take_child(p, a, j);
            here -= 1.0;
            let d = split.pick(d);
            // The placement a move would go to is worked out for every
            // leaver (a branch on whether it is a move would be as good as
            // random); it is used only for a move.
            let to = mp.move_to[p].pick(q.peek());
            leave_to(state, f, d, (a, months), 1.0, to);
        }
    }
}

/// The month of age of an entrant of band `a` from the uniform `u`.
#[inline]
fn pick_month(cum: &[f64; AGE_MONTHS], guide: &[u8; AGE_MONTHS], a: usize, u: f64) -> usize {
    let b = AgeBand::ALL[a];
    let (first, w) = (b.first_month(), b.width_months());
    let slice = ((u * w as f64) as i64 as usize).min(w - 1);
    // The guide starts at or before the answer; the band's last month with a
    // share has an infinite running sum, so the walk ends inside the band.
    let mut j = first + guide[first + slice] as usize;
    while cum[j] <= u {
        j += 1;
    }
    j
}

/// 1/x for x below 64, so inversion multiplies instead of dividing.
const RECIP: [f64; 64] = {
    let mut t = [0.0; 64];
    let mut i = 1;
    while i < 64 {
        t[i] = 1.0 / i as f64;
        i += 1;
    }
    t
};

/// Binomial(n, p) by inversion (BINV) of the uniform `u` given `r` = (1 − p)^n,
/// for `u > r`, `p <= 0.5`. The distribution function up to 3 is compared with
/// `u` without branches (most compartments see 0 to 3 departures a month);
/// beyond, the usual sequential search continues.
#[inline]
fn binv_from(u: f64, r0: f64, n: u64, p: f64) -> u64 {
    let s = p / (1.0 - p);
    let a = (n as f64 + 1.0) * s;
    let r1 = r0 * (a - s);
    let r2 = r1 * (a * RECIP[2] - s);
    let r3 = r2 * (a * RECIP[3] - s);
    let c1 = r0 + r1;
    let c2 = c1 + r2;
    let c3 = c2 + r3;
    let k = 1 + (u > c1) as u64 + (u > c2) as u64 + (u > c3) as u64;
    if k < 4 || n <= 3 {
        return k.min(n);
    }
    let mut u = u - c3;
    let mut r = r3;
    let mut x: u64 = 3;
    loop {
        x += 1;
        if x > n || r <= 0.0 {
            return (x - 1).min(n);
        }
        let ax = if x < 64 {
            a * RECIP[x as usize]
        } else {
            a / x as f64
        };
        r *= ax - s;
        if u <= r {
            return x;
        }
        u -= r;
    }
}

/// Expectations instead of draws: the expected-value (mean-field) model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected;

impl Draws for Expected {
    fn entries(&mut self, mean: f64, _dispersion: f64) -> f64 {
        mean
    }

    fn census(&mut self, _key: u64, n: f64, shares: &[f64], out: &mut [f64]) {
        for (o, s) in out.iter_mut().zip(shares) {
            *o += n * s;
        }
    }

    fn entrants(&mut self, n: f64, mp: &MonthParams, state: &mut State, f: &mut Flows) {
        for (a, sa) in mp.entry_age.shares.iter().enumerate() {
            let k = n * sa;
            if k == 0.0 {
                continue;
            }
            let band = AgeBand::ALL[a];
            for (p, sp) in mp.entry_place[a].shares.iter().enumerate() {
                let c = k * sp;
                if c == 0.0 {
                    continue;
                }
                f.entrants[p][a] += c;
                let le = mp.entrant_depart[p][a].clamp(0.0, 1.0);
                let leave = c * le;
                f.inflow[p][a] += leave;
                f.outflow[p][a] += leave;
                let mut before = 0.0;
                for months in band.first_month()..band.end_month() {
                    let cum = mp.entry_age_cum[months];
                    let share = if cum.is_finite() {
                        cum - before
                    } else {
                        1.0 - before
                    };
                    before = if cum.is_finite() { cum } else { 1.0 };
                    if share <= 0.0 {
                        continue;
                    }
                    state.arrive(p, months, (c - leave) * share);
                    if leave > 0.0 {
                        spread(state, f, mp, p, a, months, leave * share);
                    }
                }
            }
        }
    }

    fn depart(
        &mut self,
        _key: u64,
        p: usize,
        a: usize,
        mp: &MonthParams,
        state: &mut State,
        f: &mut Flows,
    ) {
        let n = state.band_total(p, a);
        let prob = mp.depart[p][a].p.clamp(0.0, 1.0);
        if n <= 0.0 || prob <= 0.0 || !mp.split[p][a].any {
            return;
        }
        f.outflow[p][a] += n * prob;
        state.remove_from_band(p, a, n * prob);
        for slot in state.band_slots(a) {
            let x = state.take_share(p, slot, prob);
            if x != 0.0 {
                let months = state.age_of(slot);
                spread(state, f, mp, p, a, months, x);
            }
        }
    }
}

/// Sends `x` leavers of compartment (`p`, `a`) aged `months` to every
/// destination in proportion to its share (the expected-value model).
fn spread(
    state: &mut State,
    f: &mut Flows,
    mp: &MonthParams,
    p: usize,
    a: usize,
    months: usize,
    x: f64,
) {
    for (d, &s) in mp.split[p][a].shares.iter().enumerate() {
        if s == 0.0 {
            continue;
        }
        if d == DEST_MOVE {
            for (q, &t) in mp.move_to[p].shares.iter().enumerate() {
                if t > 0.0 {
                    state.arrive(q, months, x * s * t);
                }
            }
        } else {
            leave_to(state, f, d, (a, months), x * s, 0);
        }
    }
}

/// A uniform number in `[0, 1)`.
#[inline]
pub fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.random::<f64>()
}

/// Below this many trials a binomial is a sum of Bernoulli draws, and a
/// multinomial gives each item its category (one uniform each): cheaper than
/// the transcendental functions inversion needs.
pub const SMALL_N: u64 = 16;

/// Binomial(n, p): Bernoulli sum for `n <= SMALL_N`, inversion (BINV) for small
/// means, BTPE otherwise.
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if n <= SMALL_N {
        return (0..n).filter(|_| uniform(rng) < p).count() as u64;
    }
    if p > 0.5 {
        return n - binomial(rng, n, 1.0 - p);
    }
    let nf = n as f64;
    if nf * p < 10.0 {
        let q = 1.0 - p;
        let s = p / q;
        let a = (nf + 1.0) * s;
        let mut r = (nf * (-p).ln_1p()).exp();
        let mut u = uniform(rng);
        let mut x: u64 = 0;
        while u > r {
            u -= r;
            x += 1;
            if x >= n {
                return n;
            }
            r *= a / x as f64 - s;
        }
        x
    } else {
        Binomial::new(n, p).map_or(0, |b| b.sample(rng))
    }
}

/// Poisson(mean); sequential inversion below a mean of 100, PTRS above.
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    if mean < 100.0 {
        let mut p = (-mean).exp();
        let mut u = uniform(rng);
        let mut x: u64 = 0;
        while u > p {
            u -= p;
            x += 1;
            p *= mean / x as f64;
            if p <= 0.0 {
                break;
            }
        }
        x
    } else {
        Poisson::new(mean).map_or(0, |d| d.sample(rng) as u64)
    }
}

/// Negative binomial with this mean and size `k` (variance mean + mean²/k) as a
/// gamma–Poisson mixture; Poisson when `k` is 0 (no over-dispersion). The gamma
/// factor is drawn with mean 1 and then scaled, so two arms with different means
/// use the same uniforms.
pub fn negative_binomial<R: Rng + ?Sized>(rng: &mut R, mean: f64, k: f64) -> u64 {
    if k <= 0.0 {
        return poisson(rng, mean);
    }
    let factor = Gamma::new(k, 1.0 / k).map_or(1.0, |g| g.sample(rng));
    poisson(rng, mean * factor)
}

/// Binomial(n, p) by inversion of the uniform `u` (BINV), with `ln_stay` =
/// ln(1 − p) precomputed. Monotone in `u`. Falls back to BTPE on `rng` when
/// `n·p` is too large for inversion (500 or more).
pub fn binomial_inverse<R: Rng + ?Sized>(u: f64, n: u64, p: f64, ln_stay: f64, rng: &mut R) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let nf = n as f64;
    if p > 0.5 || nf * p >= 500.0 {
        return binomial(rng, n, p);
    }
    let s = p / (1.0 - p);
    let a = (nf + 1.0) * s;
    let mut r = (nf * ln_stay).exp();
    let mut u = u;
    let mut x: u64 = 0;
    while u > r {
        u -= r;
        x += 1;
        if x >= n || r <= 0.0 {
            return x.min(n);
        }
        r *= a / x as f64 - s;
    }
    x
}

/// Splits `n` among categories with `shares` (summing to 1). Up to
/// `SMALL_N / 2` items, each item draws its category by one uniform; above, by
/// conditional binomials: category `i` gets Binomial(left, share_i / share_left),
/// stopping when nothing is left, the last category with a positive share taking
/// the rest.
pub fn multinomial<R: Rng + ?Sized>(rng: &mut R, n: u64, shares: &[f64], out: &mut [f64]) {
    out.iter_mut().for_each(|o| *o = 0.0);
    if n == 0 {
        return;
    }
    let Some(last) = shares.iter().rposition(|&s| s > 0.0) else {
        return;
    };
    if n <= SMALL_N / 2 {
        let head = &shares[..last];
        for _ in 0..n {
            let mut u = uniform(rng);
            let mut i = 0;
            for &s in head {
                if u < s {
                    break;
                }
                u -= s;
                i += 1;
            }
            out[i] += 1.0;
        }
        return;
    }
    let mut left = n;
    let mut share_left = 1.0;
    for i in 0..last {
        let s = shares[i];
        if s <= 0.0 {
            continue;
        }
        let k = if s >= share_left {
            left
        } else {
            binomial(rng, left, s / share_left)
        };
        out[i] = k as f64;
        left -= k;
        share_left -= s;
        if left == 0 {
            return;
        }
    }
    out[last] = left as f64;
}

/// Triangular by inverting its distribution function (one uniform).
fn triangular(u: f64, min: f64, mode: f64, max: f64) -> f64 {
    let range = max - min;
    if range <= 0.0 {
        return min;
    }
    let fc = (mode - min) / range;
    if u < fc {
        min + (u * range * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * range * (max - mode)).sqrt()
    }
}

/// One draw from a structural distribution, clamped to the field's allowed range.
pub fn draw<R: Rng + ?Sized>(rng: &mut R, b: &Bounded) -> f64 {
    let v = match b.dist {
        Dist::Fixed { value } => value,
        Dist::Uniform { min, max } => min + (max - min) * uniform(rng),
        Dist::Triangular { min, mode, max } => triangular(uniform(rng), min, mode, max),
        Dist::Normal { mean, sd } => {
            let z: f64 = StandardNormal.sample(rng);
            mean + sd * z
        }
        Dist::Pert { min, mode, max } => Pert::new(min, max)
            .with_mode(mode)
            .map_or(mode, |d| d.sample(rng)),
        Dist::Gamma { shape, scale } => {
            Gamma::new(shape, scale).map_or(shape * scale, |d| d.sample(rng))
        }
        Dist::Beta {
            alpha,
            beta,
            min,
            max,
        } => {
            let x: f64 = Beta::new(alpha, beta).map_or(0.5, |d| d.sample(rng));
            min + (max - min) * x
        }
    };
    v.clamp(b.lo, b.hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guided_month_pick_is_the_binary_searchs_month_for_any_shares() {
        use crate::model::params::{entry_age_guide, within_band_cum};
        use crate::scenario::stochastic::AgeMonths;
        let mut r = Xoshiro256PlusPlus::seed_from_u64(4);
        let even = AgeMonths::even();
        // Spiky: most at one month, many months empty, the last months empty.
        let mut spiky = AgeMonths([0.0; AGE_MONTHS]);
        for b in AgeBand::ALL {
            let (f, w) = (b.first_month(), b.width_months());
            spiky.0[f] = 0.7;
            spiky.0[f + w / 3] = 0.2;
            spiky.0[f + w / 2] = 0.1;
        }
        let mut random = AgeMonths([0.0; AGE_MONTHS]);
        for b in AgeBand::ALL {
            let (f, w) = (b.first_month(), b.width_months());
            let xs: Vec<f64> = (0..w).map(|_| r.random::<f64>().powi(3)).collect();
            let t: f64 = xs.iter().sum();
            for (i, x) in xs.iter().enumerate() {
                random.0[f + i] = x / t;
            }
        }
        for shares in [even, spiky, random] {
            let cum = within_band_cum(&shares);
            let guide = entry_age_guide(&cum);
            for (a, b) in AgeBand::ALL.into_iter().enumerate() {
                let first = b.first_month();
                let us = (0..2000).map(|_| r.random::<f64>()).chain([
                    0.0,
                    1.0 - f64::EPSILON,
                    0.7,
                    0.9,
                    1.0 / 3.0,
                ]);
                for u in us {
                    let want = first + cum[first..b.end_month()].partition_point(|&c| c <= u);
                    assert_eq!(pick_month(&cum, &guide, a, u), want, "band {a} u {u}");
                }
            }
        }
    }

    #[test]
    fn zero_guards() {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(binomial(&mut r, 0, 0.5), 0);
        assert_eq!(binomial(&mut r, 5, 0.0), 0);
        assert_eq!(binomial(&mut r, 5, 1.0), 5);
        assert_eq!(poisson(&mut r, 0.0), 0);
        let mut out = [9.0; 3];
        multinomial(&mut r, 0, &[0.2, 0.3, 0.5], &mut out);
        assert_eq!(out, [0.0; 3]);
    }

    #[test]
    fn rate_multipliers_with_tiny_cvs_are_skipped_or_stay_near_1() {
        use crate::scenario::stochastic::{MIN_RATE_CV, RateUncertainty};
        assert!(RateUncertainty::multiplier(0.0).is_none());
        assert!(RateUncertainty::multiplier(MIN_RATE_CV / 2.0).is_none());
        let b = RateUncertainty::multiplier(MIN_RATE_CV).unwrap();
        let mut r = Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..100 {
            // Gamma with CV 1e-6: 6 standard deviations is 6e-6.
            let m = draw(&mut r, &b);
            assert!((m - 1.0).abs() < 6e-6, "{m}");
        }
    }

    #[test]
    fn multinomial_keeps_the_total() {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(2);
        let mut out = [0.0; 4];
        for n in [1, 7, 50, 1000] {
            multinomial(&mut r, n, &[0.1, 0.0, 0.6, 0.3], &mut out);
            assert_eq!(out.iter().sum::<f64>(), n as f64);
            assert_eq!(out[1], 0.0);
        }
    }

    #[test]
    fn departures_by_inversion_are_monotone_and_unbiased() {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(4);
        let (n, p) = (120u64, 0.04f64);
        let ln = (-p).ln_1p();
        let mut last = 0;
        for i in 0..1000 {
            let u = i as f64 / 1000.0;
            let k = binomial_inverse(u, n, p, ln, &mut r);
            assert!(k >= last);
            last = k;
        }
        let m = 20_000;
        let s: u64 = (0..m)
            .map(|_| {
                let u = uniform(&mut r);
                binomial_inverse(u, n, p, ln, &mut r)
            })
            .sum();
        let mean = s as f64 / m as f64;
        let se = (n as f64 * p * (1.0 - p) / m as f64).sqrt();
        assert!((mean - n as f64 * p).abs() < 5.0 * se, "{mean}");
    }

    #[test]
    fn binomial_mean_large_and_small() {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(3);
        for (n, p) in [(20u64, 0.1), (1000, 0.3), (50, 0.9)] {
            let m = 20_000;
            let s: u64 = (0..m).map(|_| binomial(&mut r, n, p)).sum();
            let mean = s as f64 / m as f64;
            let se = (n as f64 * p * (1.0 - p) / m as f64).sqrt();
            assert!((mean - n as f64 * p).abs() < 5.0 * se, "{n} {p}: {mean}");
        }
    }
}
