//! Across-path statistics: means, exact percentiles (Hyndman & Fan type 7, the
//! same as Excel's `PERCENTILE.INC`), break-even probabilities and NPV.
//!
//! Means are summed in path order, so they do not depend on the thread count.

use super::metrics::{self, N_METRICS};
use super::runner::MonteCarlo;

/// The percentiles reported, with their output keys.
pub const PERCENTILES: [(&str, f64); 7] = [
    ("p5", 0.05),
    ("p10", 0.10),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p90", 0.90),
    ("p95", 0.95),
];

/// Quantile `q` of sorted values by linear interpolation between order
/// statistics at `h = (n − 1)·q` (type 7 = Excel `PERCENTILE.INC`); NaN when empty.
pub fn quantile_type7(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean and percentiles of one quantity across paths.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Stat {
    /// Mean.
    pub mean: f64,
    /// P5, P10, P25, P50, P75, P90, P95 (see [`PERCENTILES`]).
    pub percentiles: [f64; 7],
}

/// The mean (summed in the given order) and type-7 percentiles; sorts `values`.
pub fn stat(values: &mut [f64]) -> Stat {
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    values.sort_by(f64::total_cmp);
    Stat {
        mean,
        percentiles: PERCENTILES.map(|(_, q)| quantile_type7(values, q)),
    }
}

/// Statistics of a run.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Number of paths.
    pub paths: usize,
    /// The seed.
    pub seed: u64,
    /// Metric indices summarised (plan metrics only when the run has finance).
    pub metrics: Vec<usize>,
    /// `stats[i][t]`: metric `metrics[i]` in year `t`.
    pub stats: Vec<Vec<Stat>>,
    /// Probability of having broken even by the end of each year (plan runs).
    pub break_even_by: Vec<f64>,
    /// Probability of breaking even first in each year (plan runs).
    pub break_even_in: Vec<f64>,
    /// NPV at the Green Book rate of savings less investment, £'000s (plan runs).
    pub npv: Option<Stat>,
}

/// Summarises every metric, year, the break-even year and the NPV.
pub fn summarise(mc: &MonteCarlo) -> Summary {
    let n_years = mc.years.len();
    let metrics: Vec<usize> = (0..N_METRICS)
        .filter(|&m| mc.has_finance || !metrics::is_plan_metric(m))
        .collect();
    let mut scratch = vec![0.0; mc.paths];
    let stats = metrics
        .iter()
        .map(|&m| {
            (0..n_years)
                .map(|t| {
                    for (p, s) in scratch.iter_mut().enumerate() {
                        *s = mc.value(p, t, m);
                    }
                    stat(&mut scratch)
                })
                .collect()
        })
        .collect();
    let (break_even_by, break_even_in, npv) = if mc.has_finance {
        let n = mc.paths as f64;
        let in_year: Vec<f64> = (0..n_years)
            .map(|t| mc.break_even.iter().filter(|&&b| b == t as i16).count() as f64 / n)
            .collect();
        let by: Vec<f64> = in_year
            .iter()
            .scan(0.0, |acc, v| {
                *acc += v;
                Some(*acc)
            })
            .collect();
        let mut v = mc.npv.clone();
        (by, in_year, Some(stat(&mut v)))
    } else {
        (Vec::new(), Vec::new(), None)
    };
    Summary {
        paths: mc.paths,
        seed: mc.seed,
        metrics,
        stats,
        break_even_by,
        break_even_in,
        npv,
    }
}

impl Summary {
    /// The statistics of metric `m`, if summarised.
    pub fn get(&self, m: usize) -> Option<&[Stat]> {
        let i = self.metrics.iter().position(|&x| x == m)?;
        Some(&self.stats[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_matches_excel_percentile_inc() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_type7(&v, 0.0), 1.0);
        assert_eq!(quantile_type7(&v, 1.0), 4.0);
        assert!((quantile_type7(&v, 0.25) - 1.75).abs() < 1e-12);
        assert!((quantile_type7(&v, 0.9) - 3.7).abs() < 1e-12);
        assert_eq!(quantile_type7(&[5.0], 0.3), 5.0);
    }
}
