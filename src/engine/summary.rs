//! Across-path statistics: means, exact percentiles (Hyndman & Fan type 7, the
//! same as Excel's `PERCENTILE.INC`), break-even probabilities (sustained and
//! the paper's first-negative rule), budget positions and the NPV.
//!
//! This is the one quantile function of the crate: partnerships, sweeps and
//! reports call [`quantile_type7`] and [`stat`].
//!
//! Means are summed in path order, so they do not depend on the thread count.

use super::metrics::Metric;
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
    /// Metrics summarised (paired metrics only when the run has finance).
    pub metrics: Vec<Metric>,
    /// `stats[i][t]`: metric `metrics[i]` in year `t`.
    pub stats: Vec<Vec<Stat>>,
    /// Probability of a sustained break-even by the end of each year (plan runs).
    pub break_even_by: Vec<f64>,
    /// Probability that the sustained break-even year is each year (plan runs).
    pub break_even_in: Vec<f64>,
    /// Probability that the MTFS impact has been negative in some year by the
    /// end of each year (the paper's first-negative rule; plan runs).
    pub first_negative_by: Vec<f64>,
    /// Probability that the first negative year is each year (plan runs).
    pub first_negative_in: Vec<f64>,
    /// Probability that the invest arm's MTFS impact is at or below zero in each year.
    pub within_budget: Vec<f64>,
    /// Probability that the comparator's budget gap is at or below zero in each
    /// year (empty when the comparator has no budget).
    pub comparator_within_budget: Vec<f64>,
    /// Green Book NPV at 3.5% of the net cash flow against the comparator, £'000s (plan runs).
    pub npv: Option<Stat>,
}

/// Share of paths whose year index equals each year, and its running sum.
fn by_year(index: &[i16], n_years: usize) -> (Vec<f64>, Vec<f64>) {
    let n = index.len().max(1) as f64;
    let mut counts = vec![0usize; n_years];
    for &i in index {
        if i >= 0 {
            counts[i as usize] += 1;
        }
    }
    let in_year: Vec<f64> = counts.iter().map(|&c| c as f64 / n).collect();
    // Counted, then divided once, so "by the last year" is exactly 1 − never.
    let by = counts
        .iter()
        .scan(0usize, |acc, &c| {
            *acc += c;
            Some(*acc as f64 / n)
        })
        .collect();
    (in_year, by)
}

/// Summarises every metric, year, the break-even years and the NPV.
pub fn summarise(mc: &MonteCarlo) -> Summary {
    let n_years = mc.years.len();
    let metrics: Vec<Metric> = Metric::all()
        .filter(|m| mc.has_finance || !m.needs_pair())
        .filter(|&m| m != Metric::ComparatorGap || mc.has_comparator_budget)
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
    let n = mc.paths.max(1) as f64;
    let share_at_or_below_zero = |m: Metric| -> Vec<f64> {
        (0..n_years)
            .map(|t| (0..mc.paths).filter(|&p| mc.value(p, t, m) <= 0.0).count() as f64 / n)
            .collect()
    };
    let mut sum = Summary {
        paths: mc.paths,
        seed: mc.seed,
        metrics,
        stats,
        break_even_by: Vec::new(),
        break_even_in: Vec::new(),
        first_negative_by: Vec::new(),
        first_negative_in: Vec::new(),
        within_budget: Vec::new(),
        comparator_within_budget: Vec::new(),
        npv: None,
    };
    if mc.has_finance {
        (sum.break_even_in, sum.break_even_by) = by_year(&mc.break_even, n_years);
        (sum.first_negative_in, sum.first_negative_by) = by_year(&mc.first_negative, n_years);
        sum.within_budget = share_at_or_below_zero(Metric::MtfsImpact);
        if mc.has_comparator_budget {
            sum.comparator_within_budget = share_at_or_below_zero(Metric::ComparatorGap);
        }
        let mut v = mc.npv.clone();
        sum.npv = Some(stat(&mut v));
    }
    sum
}

/// The years by which a quarter and three quarters of paths have a sustained
/// break-even (`None`: not within the horizon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakEvenRange {
    /// Index of the first year by which at least 25% of paths have broken even.
    pub p25: Option<usize>,
    /// Index of the first year by which at least 75% of paths have broken even.
    pub p75: Option<usize>,
}

impl BreakEvenRange {
    /// Whether year index `year` (`None`: no break-even) lies outside the range.
    pub fn excludes(&self, year: Option<usize>) -> bool {
        // Order years with "never" last.
        let key = |y: Option<usize>| y.unwrap_or(usize::MAX);
        key(year) < key(self.p25) || key(year) > key(self.p75)
    }
}

impl Summary {
    /// The statistics of metric `m`, if summarised.
    pub fn get(&self, m: Metric) -> Option<&[Stat]> {
        let i = self.metrics.iter().position(|&x| x == m)?;
        Some(&self.stats[i])
    }

    /// The 25-75% range of sustained break-even years.
    pub fn break_even_range(&self) -> BreakEvenRange {
        let first = |q: f64| self.break_even_by.iter().position(|&p| p >= q);
        BreakEvenRange {
            p25: first(0.25),
            p75: first(0.75),
        }
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
