//! Scoring a backtest: the Monte Carlo forecast of each 31 March after the fit,
//! by placement type and in total, against the children actually in care then.
//!
//! For every compared cell (a placement type, or the total, in a year) it
//! keeps the forecast's mean and percentiles, the error of the mean, whether the
//! actual fell inside the 50% (P25-P75) and 90% (P5-P95) bands, and the
//! continuous ranked probability score (CRPS) of the whole sample. [`Scores`]
//! sums these up for one placement type or for every cell: bias, mean absolute
//! error, mean absolute percentage error, band coverage and mean CRPS.

use crate::engine::{Metric, MonteCarlo, Stat, stat};
use crate::ssda903::occupancy::Census;
use crate::{FinancialYear, Placement};
use serde::Serialize;

/// The key of the all-types row.
pub const TOTAL: &str = "total";

/// One compared cell: a placement type (or the total) in a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The year whose 31 March is compared.
    pub year: FinancialYear,
    /// `total` or a placement key.
    pub key: String,
    /// Children in care on that 31 March.
    pub actual: f64,
    /// The forecast's mean and percentiles across paths.
    pub stat: Stat,
    /// Continuous ranked probability score of the paths' sample (children).
    pub crps: f64,
}

impl Cell {
    /// Error of the mean forecast: forecast − actual (positive: over-forecast).
    pub fn error(&self) -> f64 {
        self.stat.mean - self.actual
    }

    /// The error as a percentage of the actual; none when the actual is 0.
    pub fn percent_error(&self) -> Option<f64> {
        (self.actual > 0.0).then(|| 100.0 * self.error() / self.actual)
    }

    /// Whether the actual is inside the 50% band (P25-P75).
    pub fn inside_50(&self) -> bool {
        self.inside(2, 4)
    }

    /// Whether the actual is inside the 90% band (P5-P95).
    pub fn inside_90(&self) -> bool {
        self.inside(0, 6)
    }

    fn inside(&self, lo: usize, hi: usize) -> bool {
        self.stat.percentiles[lo] <= self.actual && self.actual <= self.stat.percentiles[hi]
    }
}

/// The continuous ranked probability score of a sample `draws` for the outcome
/// `y`: the standard sample estimator mean|X − y| − ½·mean|X − X'| (over all n²
/// pairs), in the units of `y`. Sorts `draws`; O(n log n), using
/// Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − n − 1)·x₍ᵢ₎ for the sorted sample (i from 1).
/// 0 for a point forecast that is right; NaN for an empty sample.
pub fn crps(draws: &mut [f64], y: f64) -> f64 {
    draws.sort_by(f64::total_cmp);
    crps_sorted(draws, y)
}

/// [`crps`] of a sample already sorted in increasing order.
pub fn crps_sorted(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    let to_outcome: f64 = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / nf;
    let spread: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i + 1) as f64 - nf - 1.0) * x)
        .sum::<f64>()
        / (nf * nf);
    to_outcome - spread
}

/// Summary error figures of a set of cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Cells scored.
    pub cells: usize,
    /// Mean signed error of the mean forecast (positive: over-forecast), children.
    pub bias: f64,
    /// Mean absolute error of the mean forecast, children.
    pub mean_absolute_error: f64,
    /// Mean absolute percentage error over the cells whose actual is above 0;
    /// none when there is no such cell.
    pub mean_absolute_percentage_error: Option<f64>,
    /// Cells whose actual is above 0 (those the percentage error is over).
    pub percentage_cells: usize,
    /// Cells whose actual fell inside the 50% band.
    pub inside_50: usize,
    /// Cells whose actual fell inside the 90% band.
    pub inside_90: usize,
    /// Share of the cells inside the 50% band (0 to 1).
    pub coverage_50: f64,
    /// Share of the cells inside the 90% band (0 to 1).
    pub coverage_90: f64,
    /// Mean CRPS of the cells, children.
    pub crps: f64,
}

/// The summary figures of `cells` (NaN means when there are none).
pub fn score<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Scores {
    let cells: Vec<&Cell> = cells.into_iter().collect();
    let n = cells.len() as f64;
    let mean = |f: &dyn Fn(&Cell) -> f64| cells.iter().map(|c| f(c)).sum::<f64>() / n;
    let pct: Vec<f64> = cells.iter().filter_map(|c| c.percent_error()).collect();
    let inside_50 = cells.iter().filter(|c| c.inside_50()).count();
    let inside_90 = cells.iter().filter(|c| c.inside_90()).count();
    Scores {
        cells: cells.len(),
        bias: mean(&|c| c.error()),
        mean_absolute_error: mean(&|c| c.error().abs()),
        mean_absolute_percentage_error: (!pct.is_empty())
            .then(|| pct.iter().map(|p| p.abs()).sum::<f64>() / pct.len() as f64),
        percentage_cells: pct.len(),
        inside_50,
        inside_90,
        coverage_50: inside_50 as f64 / n,
        coverage_90: inside_90 as f64 / n,
        crps: mean(&|c| c.crps),
    }
}

/// A scored backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// The forecast years compared.
    pub years: Vec<FinancialYear>,
    /// Every cell, year by year: the total first, then each placement type.
    pub cells: Vec<Cell>,
    /// Scores of every cell together (the total row and each type).
    pub overall: Scores,
    /// Scores by row: `total`, then each placement type in order.
    pub by_type: Vec<(String, Scores)>,
}

impl Backtest {
    /// The row keys: `total`, then the placement keys.
    pub fn keys() -> Vec<String> {
        std::iter::once(TOTAL.to_string())
            .chain(Placement::ALL.iter().map(|p| p.key().to_string()))
            .collect()
    }

    /// The cells of one row, in year order.
    pub fn row(&self, key: &str) -> Vec<&Cell> {
        self.cells.iter().filter(|c| c.key == key).collect()
    }

    /// Scores `cells`: by row and overall.
    pub fn from_cells(years: Vec<FinancialYear>, cells: Vec<Cell>) -> Backtest {
        let by_type = Self::keys()
            .into_iter()
            .map(|k| {
                let s = score(cells.iter().filter(|c| c.key == k));
                (k, s)
            })
            .collect();
        Backtest {
            overall: score(&cells),
            years,
            cells,
            by_type,
        }
    }
}

/// Why a backtest cannot be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    /// The returns have no 31 March census for a forecast year.
    #[error("no 31 March census for {0}")]
    NoCensus(FinancialYear),
    /// The run has no paths.
    #[error("the Monte Carlo run has no paths to score")]
    NoPaths,
}

/// Compares each forecast year of `mc` (children at 31 March, in total and by
/// placement type) with the census of that 31 March.
pub fn compare(mc: &MonteCarlo, census: &[Census]) -> Result<Backtest, BacktestError> {
    if mc.paths == 0 {
        return Err(BacktestError::NoPaths);
    }
    let mut cells = Vec::new();
    for (t, y) in mc.years.iter().enumerate() {
        let c = census
            .iter()
            .find(|c| c.year == *y)
            .ok_or(BacktestError::NoCensus(*y))?;
        let by = c.by_placement();
        let rows = std::iter::once((TOTAL.to_string(), Metric::Lac, c.total())).chain(
            Placement::ALL
                .iter()
                .map(|&p| (p.key().to_string(), Metric::LacBy(p), by[p])),
        );
        for (key, metric, actual) in rows {
            let actual = f64::from(actual);
            let mut draws = mc.column(t, metric);
            // `stat` sums the mean in path order, then sorts.
            let stat = stat(&mut draws);
            cells.push(Cell {
                year: *y,
                key,
                actual,
                stat,
                crps: crps_sorted(&draws, actual),
            });
        }
    }
    Ok(Backtest::from_cells(mc.years.clone(), cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The O(n²) definition, to check the sorted formula against.
    fn crps_pairs(draws: &[f64], y: f64) -> f64 {
        let n = draws.len() as f64;
        let a: f64 = draws.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
        let b: f64 = draws
            .iter()
            .flat_map(|x| draws.iter().map(move |z| (x - z).abs()))
            .sum::<f64>()
            / (n * n);
        a - b / 2.0
    }

    #[test]
    fn crps_of_one_two_three_at_two_is_two_ninths() {
        // mean|X − 2| = (1 + 0 + 1)/3 = 2/3; the nine pairs' |X − X'| sum to
        // 0+1+2 + 1+0+1 + 2+1+0 = 8, so ½·mean|X − X'| = 4/9; 2/3 − 4/9 = 2/9.
        let mut draws = [3.0, 1.0, 2.0];
        let got = crps(&mut draws, 2.0);
        assert!((got - 2.0 / 9.0).abs() < 1e-15, "{got}");
        assert_eq!(draws, [1.0, 2.0, 3.0], "sorted in place");
        // At y = 0: mean|X| = 2, so 2 − 4/9 = 14/9.
        assert!((crps(&mut draws, 0.0) - 14.0 / 9.0).abs() < 1e-15);
    }

    #[test]
    fn a_perfect_point_forecast_scores_zero() {
        assert_eq!(crps(&mut [5.0; 7], 5.0), 0.0);
        assert_eq!(crps(&mut [5.0], 5.0), 0.0);
        // A point forecast scores its absolute error.
        assert_eq!(crps(&mut [5.0; 3], 8.0), 3.0);
        assert!(crps(&mut [], 1.0).is_nan());
    }

    #[test]
    fn sorted_formula_equals_the_pairwise_definition() {
        let draws: Vec<f64> = (0..57)
            .map(|i| ((i * 37 % 23) as f64) * 1.5 - (i % 5) as f64)
            .collect();
        for y in [-10.0, 0.0, 7.25, 12.0, 40.0] {
            let mut d = draws.clone();
            let fast = crps(&mut d, y);
            let slow = crps_pairs(&draws, y);
            assert!((fast - slow).abs() < 1e-9, "y {y}: {fast} vs {slow}");
        }
    }

    fn cell(key: &str, actual: f64, mean: f64, p: [f64; 7], crps: f64) -> Cell {
        Cell {
            year: FinancialYear(2021),
            key: key.into(),
            actual,
            stat: Stat {
                mean,
                percentiles: p,
            },
            crps,
        }
    }

    #[test]
    fn scores_sum_up_bias_errors_and_coverage() {
        let cells = [
            cell(
                "ifa",
                100.0,
                110.0,
                [90., 95., 100., 105., 110., 115., 120.],
                4.0,
            ),
            cell("ifa", 50.0, 40.0, [30., 32., 35., 40., 45., 48., 52.], 6.0),
            cell("other", 0.0, 2.0, [0., 0., 1., 2., 3., 4., 5.], 1.0),
        ];
        let s = score(&cells);
        assert_eq!(s.cells, 3);
        assert!((s.bias - (10.0 - 10.0 + 2.0) / 3.0).abs() < 1e-12);
        assert!((s.mean_absolute_error - 22.0 / 3.0).abs() < 1e-12);
        // Over the two cells with children: 10% and 20%.
        assert_eq!(s.percentage_cells, 2);
        assert!((s.mean_absolute_percentage_error.unwrap() - 15.0).abs() < 1e-12);
        assert_eq!((s.inside_50, s.inside_90), (1, 3));
        assert!((s.coverage_50 - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.coverage_90, 1.0);
        assert!((s.crps - 11.0 / 3.0).abs() < 1e-12);
        let only_zero = score(&cells[2..]);
        assert_eq!(only_zero.mean_absolute_percentage_error, None);
    }
}
