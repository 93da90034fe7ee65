//! Rates with uncertainty from SSDA903 counts and exposure.
//!
//! Owns the posterior summaries calibration starts from: Poisson rates as
//! Gamma(events + 1/2, exposure) (the Jeffreys prior), shares as the Beta
//! marginals of Dirichlet(counts + 1/2), and the log-linear growth of yearly
//! entries fitted by Poisson regression. Quantiles come from `statrs`.

use super::codes::{ExitRoute, N_EXIT_ROUTES};
use super::occupancy::{Occupancy, PeriodCounts};
use crate::age::{AgeBand, N_AGE_BANDS};
use crate::placement::{N_PLACEMENTS, Placement};
use crate::year::FinancialYear;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF, Gamma};
use std::collections::BTreeMap;

/// Probability in each tail of the reported intervals (a 95% interval).
pub const TAIL: f64 = 0.025;

/// A Poisson rate per unit of exposure with a 95% credible interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateEstimate {
    /// Events counted.
    pub events: f64,
    /// Exposure (child-months, or months for entries).
    pub exposure: f64,
    /// Posterior mean, (events + 1/2) / exposure.
    pub mean: f64,
    /// 2.5% point of Gamma(events + 1/2, exposure).
    pub lower: f64,
    /// 97.5% point of Gamma(events + 1/2, exposure).
    pub upper: f64,
}

/// Gamma(events + 1/2, exposure) summary; `None` without exposure.
pub fn rate(events: f64, exposure: f64) -> Option<RateEstimate> {
    if !(exposure > 0.0 && exposure.is_finite() && events >= 0.0 && events.is_finite()) {
        return None;
    }
    let shape = events + 0.5;
    Some(RateEstimate {
        events,
        exposure,
        mean: shape / exposure,
        lower: gamma_quantile(shape, TAIL) / exposure,
        upper: gamma_quantile(shape, 1.0 - TAIL) / exposure,
    })
}

/// One category's share with a 95% credible interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShareEstimate {
    /// Count in this category.
    pub count: u32,
    /// Posterior mean share under Dirichlet(counts + 1/2).
    pub mean: f64,
    /// 2.5% point of the Beta marginal.
    pub lower: f64,
    /// 97.5% point of the Beta marginal.
    pub upper: f64,
}

/// Dirichlet(counts + 1/2) marginal summaries, one per category.
pub fn split(counts: &[u32]) -> Vec<ShareEstimate> {
    let alpha0: f64 = counts.iter().map(|&c| f64::from(c) + 0.5).sum();
    counts
        .iter()
        .map(|&c| {
            let a = f64::from(c) + 0.5;
            let b = alpha0 - a;
            ShareEstimate {
                count: c,
                mean: a / alpha0,
                lower: beta_quantile(a, b, TAIL),
                upper: beta_quantile(a, b, 1.0 - TAIL),
            }
        })
        .collect()
}

/// Yearly growth of entries from a Poisson log-linear fit, `entries ~ exp(a + b year)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Growth {
    /// Fitted yearly growth, `exp(b) - 1` (0.03 is 3% a year).
    pub rate: f64,
    /// Slope `b` of log entries per year.
    pub log_slope: f64,
    /// Standard error of `b` from the Fisher information.
    pub log_slope_se: f64,
    /// Lower end of the 95% interval for `rate` (normal, on the widened error).
    pub lower: f64,
    /// Upper end of the 95% interval for `rate`.
    pub upper: f64,
    /// Fitted entries in the last year.
    pub fitted_last: f64,
    /// Standard error of the fitted log entries of the year after the last
    /// (level and slope uncertainty together).
    pub log_next_se: f64,
    /// Years from the fit's centre (the entries-weighted mean year, where the
    /// fitted level and slope are uncorrelated) to the year after the last.
    pub pivot_years: f64,
    /// Standard error of the fitted log entries at the fit's centre.
    pub log_pivot_se: f64,
    /// Quasi-Poisson scale the standard errors were widened by: Pearson χ² of
    /// the yearly entries about the trend over its degrees of freedom, at least
    /// 1 (1 with only two years).
    pub overdispersion: f64,
}

impl Growth {
    /// Fitted entries in the year after the last fitted (the trend one year on).
    pub fn fitted_next(&self) -> f64 {
        self.fitted_last * (1.0 + self.rate)
    }

    /// The yearly rate of entries (twelve times the month's) in the first month
    /// of the year after the last fitted. Entries grow month by month, the
    /// `m`-th month of a year at `(1 + rate)^(m/12)` times its first, as the
    /// engine draws them from a scenario's `entries.per_year`; a year's total
    /// is then its first month's times `Σ (1 + rate)^(m/12)` over `m` = 0-11,
    /// about `12 (1 + rate)^(5.5/12)`. The trend's yearly total sits at the
    /// middle of its year, so starting the year at the total itself would
    /// give every later month half a year's growth too much.
    pub fn next_year_start_rate(&self) -> f64 {
        let q = (1.0 + self.rate).powf(1.0 / 12.0);
        let months: f64 = (0..12).map(|m| q.powi(m)).sum();
        12.0 * self.fitted_next() / months
    }
}

/// Fits log-linear growth to entries by year; needs two years or more and some entries.
pub fn entry_growth(entries: &[(FinancialYear, u32)]) -> Option<Growth> {
    if entries.len() < 2 || entries.iter().all(|&(_, n)| n == 0) {
        return None;
    }
    let t0 = entries[0].0.0;
    let xs: Vec<f64> = entries.iter().map(|&(y, _)| f64::from(y.0 - t0)).collect();
    let ys: Vec<f64> = entries.iter().map(|&(_, n)| f64::from(n)).collect();
    let mean_y = ys.iter().sum::<f64>() / ys.len() as f64;
    let (mut a, mut b) = (mean_y.max(0.5).ln(), 0.0);
    let mut info = [[0.0; 2]; 2];
    for _ in 0..100 {
        let (mut g0, mut g1) = (0.0, 0.0);
        info = [[0.0; 2]; 2];
        for (&x, &y) in xs.iter().zip(&ys) {
            let mu = (a + b * x).exp();
            g0 += y - mu;
            g1 += (y - mu) * x;
            info[0][0] += mu;
            info[0][1] += mu * x;
            info[1][1] += mu * x * x;
        }
        info[1][0] = info[0][1];
        let det = info[0][0] * info[1][1] - info[0][1] * info[0][1];
        if !(det > 0.0 && det.is_finite()) {
            return None;
        }
        let da = (info[1][1] * g0 - info[0][1] * g1) / det;
        let db = (info[0][0] * g1 - info[0][1] * g0) / det;
        a += da;
        b += db;
        if da.abs() < 1e-12 && db.abs() < 1e-12 {
            break;
        }
    }
    let det = info[0][0] * info[1][1] - info[0][1] * info[0][1];
    // Councils' yearly entries vary more than Poisson (policy, courts, sibling
    // groups): widen the errors by the Pearson scale when the data say so.
    let pearson: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(&x, &y)| {
            let mu = (a + b * x).exp();
            (y - mu).powi(2) / mu
        })
        .sum();
    let overdispersion = if xs.len() > 2 {
        (pearson / (xs.len() - 2) as f64).max(1.0)
    } else {
        1.0
    };
    let se = (info[0][0] / det * overdispersion).sqrt();
    // A normal interval, matching the normal growth the written scenario draws
    // (a t interval on n − 2 df would jump as the floored scale crosses 1).
    let z = 1.959_963_984_540_054;
    let last = xs[xs.len() - 1];
    // Var(a + b·x) at the next year from the inverse information matrix.
    let next = last + 1.0;
    let var_next = (info[1][1] - 2.0 * next * info[0][1] + next * next * info[0][0]) / det;
    // At the weighted centre x̄ = I01/I00 the level's variance is 1/I00, and
    // Var(next) = 1/I00 + (next − x̄)²·Var(b): level and slope decouple there.
    let centre = info[0][1] / info[0][0];
    Some(Growth {
        overdispersion,
        log_next_se: (var_next * overdispersion).max(0.0).sqrt(),
        pivot_years: next - centre,
        log_pivot_se: (overdispersion / info[0][0]).sqrt(),
        rate: b.exp() - 1.0,
        log_slope: b,
        log_slope_se: se,
        lower: (b - z * se).exp() - 1.0,
        upper: (b + z * se).exp() - 1.0,
        fitted_last: (a + b * last).exp(),
    })
}

/// Negative binomial size `k` of monthly entries (variance `μ + μ²/k`), by the
/// method of moments within each year of twelve `monthly` counts (so a trend or
/// a step between years does not count as month-to-month variation):
/// `1/k = Σ (s² − m) / Σ (m² − s²/12)` over years with mean `m` and sample
/// variance `s²` (`m² − s²/12` estimates `μ²` without bias). Seasonality counts
/// as variation. `None` when the months vary no more than Poisson, or with no
/// full year.
pub fn monthly_dispersion(monthly: &[u32]) -> Option<f64> {
    let (mut excess, mut scale) = (0.0, 0.0);
    for year in monthly.chunks_exact(12) {
        let m = year.iter().map(|&y| f64::from(y)).sum::<f64>() / 12.0;
        let s2 = year
            .iter()
            .map(|&y| (f64::from(y) - m).powi(2))
            .sum::<f64>()
            / 11.0;
        excess += s2 - m;
        scale += m * m - s2 / 12.0;
    }
    (excess > 0.0 && scale > 0.0).then(|| scale / excess)
}

/// Everything calibration needs from a span of collection years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimates {
    /// First collection year used.
    pub from: FinancialYear,
    /// Last collection year used.
    pub to: FinancialYear,
    /// Entries per month (exposure in months).
    pub entries_per_month: Option<RateEstimate>,
    /// Log-linear growth of yearly entries.
    pub entry_growth: Option<Growth>,
    /// Negative binomial size of monthly entries ([`monthly_dispersion`]);
    /// `None` when they are no more variable than Poisson.
    pub entry_dispersion: Option<f64>,
    /// Age band mix of entries.
    pub entry_age_mix: BTreeMap<AgeBand, ShareEstimate>,
    /// First placement mix of entries.
    pub first_placement_mix: BTreeMap<Placement, ShareEstimate>,
    /// Monthly hazard of moving to another placement type, by placement.
    pub move_hazard: BTreeMap<Placement, RateEstimate>,
    /// Where moves out of each placement type go.
    pub move_destinations: BTreeMap<Placement, BTreeMap<Placement, ShareEstimate>>,
    /// Monthly hazard of leaving care before 18, by placement.
    pub exit_hazard: BTreeMap<Placement, RateEstimate>,
    /// Routes of exits before 18, by placement.
    pub exit_routes: BTreeMap<Placement, BTreeMap<ExitRoute, ShareEstimate>>,
    /// Routes of exits at 18 (all placements).
    pub age18_routes: BTreeMap<ExitRoute, ShareEstimate>,
}

/// Estimates rates from the months of collection years `from..=to`.
pub fn estimate(occ: &Occupancy, from: FinancialYear, to: FinancialYear) -> Estimates {
    let mut total = PeriodCounts::default();
    let mut yearly = Vec::new();
    let mut monthly = Vec::new();
    for y in from.0..=to.0 {
        let c = occ.year(FinancialYear(y));
        yearly.push((FinancialYear(y), c.total_entries()));
        total.add(&c);
        let first = usize::try_from((y - occ.first_year.0) * 12).ok();
        let months = first.and_then(|i| occ.months.get(i..i + 12));
        if let Some(months) = months {
            monthly.extend(months.iter().map(PeriodCounts::total_entries));
        }
    }
    let months = f64::from((to.0 - from.0 + 1).max(0) * 12);
    let entries_by_age: Vec<u32> = (0..N_AGE_BANDS)
        .map(|a| total.entries[a].iter().sum())
        .collect();
    let entries_by_place: Vec<u32> = (0..N_PLACEMENTS)
        .map(|p| total.entries.iter().map(|row| row[p]).sum())
        .collect();
    let mut move_hazard = BTreeMap::new();
    let mut move_destinations = BTreeMap::new();
    let mut exit_hazard = BTreeMap::new();
    let mut exit_routes = BTreeMap::new();
    let mut age18 = [0u32; N_EXIT_ROUTES];
    for p in Placement::ALL {
        let i = p.index();
        let exposure = total.exposure_in(p);
        if let Some(r) = rate(f64::from(total.moves_from(p)), exposure) {
            move_hazard.insert(p, r);
        }
        if let Some(r) = rate(
            f64::from(total.exits_from(p).saturating_sub(total.aged_out_from(p))),
            exposure,
        ) {
            exit_hazard.insert(p, r);
        }
        let dest: Vec<u32> = Placement::ALL
            .iter()
            .map(|q| {
                if *q == p {
                    0
                } else {
                    total.moves[i][q.index()]
                }
            })
            .collect();
        let shares = split(&dest);
        move_destinations.insert(
            p,
            Placement::ALL
                .into_iter()
                .zip(shares)
                .filter(|(q, _)| *q != p)
                .collect(),
        );
        let before18: Vec<u32> = (0..N_EXIT_ROUTES)
            .map(|r| total.exits[i][r].saturating_sub(total.aged_out[i][r]))
            .collect();
        exit_routes.insert(
            p,
            ExitRoute::ALL.into_iter().zip(split(&before18)).collect(),
        );
        for (r, n) in age18.iter_mut().enumerate() {
            *n += total.aged_out[i][r];
        }
    }
    Estimates {
        from,
        to,
        entries_per_month: rate(f64::from(total.total_entries()), months),
        entry_growth: entry_growth(&yearly),
        entry_dispersion: monthly_dispersion(&monthly),
        entry_age_mix: AgeBand::ALL
            .into_iter()
            .zip(split(&entries_by_age))
            .collect(),
        first_placement_mix: Placement::ALL
            .into_iter()
            .zip(split(&entries_by_place))
            .collect(),
        move_hazard,
        move_destinations,
        exit_hazard,
        exit_routes,
        age18_routes: ExitRoute::ALL.into_iter().zip(split(&age18)).collect(),
    }
}

/// Quantile of Gamma(shape, rate 1); NaN for `p` outside [0, 1] (statrs would panic).
pub fn gamma_quantile(shape: f64, p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    Gamma::new(shape, 1.0).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

/// Quantile of Beta(a, b); NaN for `p` outside [0, 1] (statrs would panic).
pub fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-12)
    }

    #[test]
    fn quantiles_match_known_values() {
        // Gamma(1) is Exp(1): median ln 2.
        assert!(close(gamma_quantile(1.0, 0.5), 2f64.ln(), 1e-9));
        // Chi-square with 10 df (Gamma(5, 1/2)): 97.5% point 20.483.
        assert!(close(
            2.0 * gamma_quantile(5.0, 0.975),
            20.483_177_350_807_4,
            1e-8
        ));
        // Beta(1, 1) is uniform; Beta(2, 3) has I_0.5 = 11/16.
        assert!(close(beta_quantile(1.0, 1.0, 0.25), 0.25, 1e-9));
        assert!(close(beta_quantile(2.0, 3.0, 11.0 / 16.0), 0.5, 1e-9));
        assert!(gamma_quantile(2.0, 1.5).is_nan() && beta_quantile(1.0, 1.0, f64::NAN).is_nan());
    }

    #[test]
    fn rates_shares_and_growth() {
        let r = rate(0.0, 10.0).unwrap();
        assert!(r.lower < 1e-3 && r.mean == 0.05 && r.upper > 0.05);
        assert!(rate(3.0, 0.0).is_none());
        let s = split(&[30, 10, 0]);
        assert!((s.iter().map(|x| x.mean).sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(s[0].lower < s[0].mean && s[0].mean < s[0].upper);
        let years: Vec<_> = (0..6)
            .map(|k| {
                (
                    FinancialYear(2016 + k),
                    (1000.0 * 1.05f64.powi(k)).round() as u32,
                )
            })
            .collect();
        let g = entry_growth(&years).unwrap();
        assert!((g.rate - 0.05).abs() < 0.002, "{g:?}");
        assert!(g.lower < 0.05 && 0.05 < g.upper);
        assert!(entry_growth(&years[..1]).is_none());
        // An exact trend is not over-dispersed: the scale stays 1.
        assert_eq!(g.overdispersion, 1.0);
    }

    #[test]
    fn the_next_year_starts_at_the_monthly_rate_whose_year_adds_up_to_the_trend() {
        // An exact 8% trend: next year's twelve months, starting at the rate
        // and growing by 1.08^(1/12) a month, add up to the fitted next total.
        let years: Vec<_> = (0..5)
            .map(|k| {
                (
                    FinancialYear(2016 + k),
                    (1000.0 * 1.08f64.powi(k)).round() as u32,
                )
            })
            .collect();
        let g = entry_growth(&years).unwrap();
        let start = g.next_year_start_rate() / 12.0;
        let year: f64 = (0..12)
            .map(|m| start * (1.0 + g.rate).powf(f64::from(m) / 12.0))
            .sum();
        assert!(
            close(year, g.fitted_next(), 1e-12),
            "{year} vs {}",
            g.fitted_next()
        );
        // The year's total sits mid-year: the start is about 5.5 months of
        // growth below it (the mean of 1.08^(m/12) is within 1e-3 of 1.08^(5.5/12)).
        let mid = g.fitted_next() / (1.0 + g.rate).powf(5.5 / 12.0);
        assert!(close(g.next_year_start_rate(), mid, 1e-3));
        // Without growth the start is the total.
        let flat: Vec<_> = (0..5).map(|k| (FinancialYear(2016 + k), 500)).collect();
        let f = entry_growth(&flat).unwrap();
        assert!(close(f.next_year_start_rate(), 500.0, 1e-9));
    }

    #[test]
    fn the_next_year_level_splits_into_a_centre_level_and_a_pivoted_slope() {
        // 1,000 entries a year for five years: Poisson weights 1,000, so
        // Var(b) = 1/(1000·Sxx) = 1/(1000·10) and, at next = 5 (x̄ = 2),
        // Var(a + b·5) = (1/5 + (5 − 2)²/10)/1000 = 1.1e-3.
        let years: Vec<_> = (0..5).map(|k| (FinancialYear(2016 + k), 1000)).collect();
        let g = entry_growth(&years).unwrap();
        assert!(g.rate.abs() < 1e-12);
        assert!(close(g.log_slope_se, 1e-4f64.sqrt(), 1e-12));
        assert!(close(g.log_next_se, 1.1e-3f64.sqrt(), 1e-12));
        assert!(close(g.pivot_years, 3.0, 1e-12));
        assert!(close(g.log_pivot_se, 2e-4f64.sqrt(), 1e-12));
        // The two parts add back to the whole.
        let whole = g.log_pivot_se.powi(2) + (g.pivot_years * g.log_slope_se).powi(2);
        assert!(close(whole, g.log_next_se.powi(2), 1e-12));
    }

    #[test]
    fn growth_errors_widen_by_the_pearson_scale() {
        let counts = [100u32, 150, 100, 150, 100, 150];
        let years: Vec<_> = (0..6)
            .map(|k| (FinancialYear(2016 + k), counts[k as usize]))
            .collect();
        let g = entry_growth(&years).unwrap();
        // Fitted means from the fit itself: μ_x = fitted_last · e^(b (x − 5)).
        let pearson: f64 = counts
            .iter()
            .enumerate()
            .map(|(x, &y)| {
                let mu = g.fitted_last * (g.log_slope * (x as f64 - 5.0)).exp();
                (f64::from(y) - mu).powi(2) / mu
            })
            .sum();
        let phi = pearson / 4.0;
        assert!(phi > 3.0, "{phi}");
        assert!(
            close(g.overdispersion, phi, 1e-9),
            "{} vs {phi}",
            g.overdispersion
        );
        // The same data as a smooth Poisson-sized series has the Poisson error;
        // here it is sqrt(φ) times the Fisher-information error of this fit.
        let (mut i00, mut i01, mut i11) = (0.0, 0.0, 0.0);
        for x in 0..6 {
            let mu = g.fitted_last * (g.log_slope * (f64::from(x) - 5.0)).exp();
            let x = f64::from(x);
            i00 += mu;
            i01 += mu * x;
            i11 += mu * x * x;
        }
        let poisson_se = (i00 / (i00 * i11 - i01 * i01)).sqrt();
        assert!(close(g.log_slope_se, poisson_se * phi.sqrt(), 1e-6));
        assert!(close(g.log_pivot_se, (phi / i00).sqrt(), 1e-6));
        assert!(close(g.pivot_years, 6.0 - i01 / i00, 1e-9));
        // A normal interval on the widened error.
        let t = 1.959_963_984_540_054;
        assert!(close(
            g.lower,
            (g.log_slope - t * g.log_slope_se).exp() - 1.0,
            1e-8
        ));
        assert!(close(
            g.upper,
            (g.log_slope + t * g.log_slope_se).exp() - 1.0,
            1e-8
        ));
    }

    /// Var(s² − m) for twelve draws, bounded by 2 (Var s² + Var m), with Var s²
    /// = (μ4 − σ⁴ (n − 3)/(n − 1))/n for iid draws; over `years` years, as a
    /// standard error of `1/k̂ = mean(s² − m)/μ²`.
    fn inverse_k_se(mu: f64, var: f64, fourth: f64, years: f64) -> f64 {
        let n = 12.0;
        let var_s2 = (fourth - var * var * (n - 3.0) / (n - 1.0)) / n;
        let var_m = var / n;
        (2.0 * (var_s2 + var_m) / years).sqrt() / (mu * mu)
    }

    #[test]
    fn monthly_dispersion_recovers_the_negative_binomial_size() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Gamma, Poisson};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(42);
        let years = 1000;
        let (mu, k) = (40.0f64, 8.0f64);
        let gamma = Gamma::new(k, mu / k).unwrap();
        let months: Vec<u32> = (0..years * 12)
            .map(|_| {
                let lambda: f64 = gamma.sample(&mut rng);
                Poisson::new(lambda).map_or(0.0, |d| d.sample(&mut rng)) as u32
            })
            .collect();
        let var = mu + mu * mu / k;
        let p = k / (k + mu);
        let fourth = (3.0 + 6.0 / k + p * p / (k * (1.0 - p))) * var * var;
        let se = inverse_k_se(mu, var, fourth, years as f64);
        let got = 1.0 / monthly_dispersion(&months).unwrap();
        assert!(
            (got - 1.0 / k).abs() <= 4.0 * se,
            "1/k {got} vs {}, se {se}",
            1.0 / k
        );

        // Poisson months: 1/k̂ within 4 standard errors of 0 (or no dispersion at all).
        let poisson = Poisson::new(mu).unwrap();
        let months: Vec<u32> = (0..years * 12)
            .map(|_| poisson.sample(&mut rng) as u32)
            .collect();
        let se = inverse_k_se(mu, mu, mu + 3.0 * mu * mu, years as f64);
        let got = monthly_dispersion(&months).map_or(0.0, |k| 1.0 / k);
        assert!(got <= 4.0 * se, "1/k {got}, se {se}");
        // A step between years is not month-to-month variation.
        let steps: Vec<u32> = (0..24).map(|m| if m < 12 { 30 } else { 60 }).collect();
        assert_eq!(monthly_dispersion(&steps), None);
        assert_eq!(monthly_dispersion(&[5, 6, 7]), None);
    }
}
