//! Every random draw of the engine, and its expected-value twin.
//!
//! Owns the algorithms: departures from a compartment of up to 16 children one
//! uniform per child (which also picks the destination), from larger ones by
//! binomial inversion (BINV, Kachitvichyanukul & Schmeiser 1988) of one uniform
//! then a multinomial split; other
//! binomials as Bernoulli sums for small `n`, BINV when `n·min(p, 1−p) < 10`,
//! otherwise rand_distr's BTPE;
//! Poisson by sequential inversion when the mean is below 100, otherwise
//! rand_distr's PTRS; negative binomial as a gamma–Poisson mixture (gamma
//! from rand_distr); the multinomial as conditional binomials, drawn only when
//! the total is non-zero and stopping as soon as nothing is left to split.
//! Inversion makes a draw monotone in its uniform, which keeps paired runs
//! (common random numbers) closely coupled. Zero guards come first:
//! `rand_distr` refuses `Poisson::new(0.0)`, and a zero count needs no draw.
//!
//! Must not know about paths, months or seeds (see [`crate::engine::streams`]).

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
    /// The placement a move goes to.
    Moves = 3,
    /// How many children leave each compartment and each post-care age band,
    /// and by which route (ageing, an exit route or a move).
    Exits = 4,
}

/// The draws the step function needs. [`Streams`] draws at random; [`Expected`]
/// returns expectations, which turns the same step into the expected-value model.
pub trait Draws {
    /// Children entering care this month.
    fn entries(&mut self, mean: f64, dispersion: f64) -> f64;
    /// How many of the `n` children of compartment `key` leave it this month,
    /// each with probability `p` (`ln_stay` = ln(1 − p)), and where they go:
    /// split among destinations with `shares` into `out`. Drawn from the exits
    /// sub-stream of `key`, so each compartment's numbers do not depend on
    /// what happened in the others (which keeps the two arms of a pair aligned).
    fn leave(
        &mut self,
        key: u64,
        n: f64,
        p: f64,
        ln_stay: f64,
        shares: &[f64],
        out: &mut [f64],
    ) -> f64;
    /// Splits `n` among categories with `shares` (summing to 1) into `out`, from
    /// the sub-stream `key` of `stream` (one per compartment, so a different count
    /// in one compartment does not shift the numbers of the next).
    fn split(&mut self, stream: StreamKind, key: u64, n: f64, shares: &[f64], out: &mut [f64]);
}

/// The random streams of one path for one month.
#[derive(Debug, Clone)]
pub struct Streams {
    /// Number of entries.
    pub entries: Xoshiro256PlusPlus,
    /// Seed of the exits stream: departures use SplitMix64 sub-streams started
    /// at `mix(seed ^ key)`, one per compartment.
    pub exits_seed: u64,
    /// Seed of the entries stream: its splits use SplitMix64 sub-streams
    /// started at `mix(seed ^ key)`.
    pub entries_seed: u64,
    /// Seed of the moves stream: move placements use SplitMix64 sub-streams
    /// started at `mix(seed ^ key)`.
    pub moves_seed: u64,
}

/// The SplitMix64 finaliser (Steele, Lea & Flood 2014), used to derive seeds.
pub const fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Draws for Streams {
    fn entries(&mut self, mean: f64, dispersion: f64) -> f64 {
        negative_binomial(&mut self.entries, mean, dispersion) as f64
    }

    fn leave(
        &mut self,
        key: u64,
        n: f64,
        p: f64,
        ln_stay: f64,
        shares: &[f64],
        out: &mut [f64],
    ) -> f64 {
        out.iter_mut().for_each(|o| *o = 0.0);
        if n <= 0.0 || p <= 0.0 {
            return 0.0;
        }
        let mut rng = SplitMix64::seed_from_u64(mix(self.exits_seed ^ key));
        let n = n as u64;
        if n <= SMALL_N && p < 1.0 {
            // One uniform per child: below `p` the child leaves, and the same
            // uniform, rescaled, picks the destination.
            let Some(last) = shares.iter().rposition(|&s| s > 0.0) else {
                return 0.0;
            };
            let head = &shares[..last];
            let inv_p = 1.0 / p;
            let mut k = 0.0;
            for _ in 0..n {
                let u = uniform(&mut rng);
                if u >= p {
                    continue;
                }
                k += 1.0;
                let mut v = u * inv_p;
                let mut i = 0;
                for &s in head {
                    if v < s {
                        break;
                    }
                    v -= s;
                    i += 1;
                }
                out[i] += 1.0;
            }
            k
        } else {
            let u = uniform(&mut rng);
            let k = binomial_inverse(u, n, p, ln_stay, &mut rng);
            multinomial(&mut rng, k, shares, out);
            k as f64
        }
    }

    fn split(&mut self, stream: StreamKind, key: u64, n: f64, shares: &[f64], out: &mut [f64]) {
        let seed = match stream {
            StreamKind::Entries => self.entries_seed,
            _ => self.moves_seed,
        };
        let mut rng = SplitMix64::seed_from_u64(mix(seed ^ key));
        multinomial(&mut rng, n as u64, shares, out);
    }
}

/// Expectations instead of draws: the expected-value (mean-field) model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected;

impl Draws for Expected {
    fn entries(&mut self, mean: f64, _dispersion: f64) -> f64 {
        mean
    }

    fn leave(
        &mut self,
        _key: u64,
        n: f64,
        p: f64,
        _ln_stay: f64,
        shares: &[f64],
        out: &mut [f64],
    ) -> f64 {
        let k = n * p.clamp(0.0, 1.0);
        for (o, s) in out.iter_mut().zip(shares) {
            *o = k * s;
        }
        k
    }

    fn split(&mut self, _stream: StreamKind, _key: u64, n: f64, shares: &[f64], out: &mut [f64]) {
        for (o, s) in out.iter_mut().zip(shares) {
            *o = n * s;
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
