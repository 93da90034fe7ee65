//! Scoring a backtest: the Monte Carlo forecast of each 31 March after the fit,
//! by placement type and in total, against the children actually in care then.
//!
//! For every compared cell (a placement type, or the total, in a year) it
//! keeps the forecast's mean and percentiles, the error of the mean, whether the
//! actual fell inside the 50% (P25-P75) and 90% (P5-P95) bands, and the
//! continuous ranked probability score (CRPS) of the whole sample. [`Scores`]
//! sums these up for one placement type or for every cell: bias, mean absolute
//! error, mean absolute percentage error, band coverage and mean CRPS.
//!
//! [`fit_and_score`] is a whole backtest: fit on the returns up to one year
//! ([`fit`], what `lacsim calibrate` does), run the fitted scenario with the
//! caller's runner, and [`compare`]. `lacsim backtest`, `lacsim serve` and the
//! benchmark panel ([`crate::panel`]) all call it; the runner is theirs (a
//! thread pool and a progress bar, a cancellable run, the current pool).

use crate::calibrate::{self, Target};
use crate::engine::{EngineError, Metric, MonteCarlo, Setup, Stat, stat};
use crate::ssda903::Ssda903Data;
use crate::ssda903::estimate::{self, Estimates};
use crate::ssda903::occupancy::{self, Census};
use crate::window::{self, Window};
use crate::{FinancialYear, Placement};
use serde::Serialize;
use std::path::Path;

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
    /// The fitted history: total children at each 31 March in the data up to
    /// the last fitted year, oldest first (what a chart shows before the fan).
    pub history: Vec<(FinancialYear, f64)>,
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
            history: Vec::new(),
        }
    }
}

/// Why a backtest cannot be fitted, run or scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// The returns have no 31 March census for a year the fit starts from or is compared with.
    #[error("no 31 March census for {0} in the data")]
    NoCensus(FinancialYear),
    /// The run has no paths.
    #[error("the Monte Carlo run has no paths to score")]
    NoPaths,
    /// The returns hold no collection year that could be used (the text names them).
    #[error("{0}: the returns hold no usable collection years")]
    NoYears(String),
    /// The fit year leaves fewer than two years to fit on or none to forecast.
    #[error(
        "fit to {fit_to}: must leave at least two years to fit on and one to forecast; the data covers {first} to {last}"
    )]
    NoRoom {
        /// The last year the fit may see.
        fit_to: FinancialYear,
        /// First collection year in the data.
        first: FinancialYear,
        /// Last collection year in the data.
        last: FinancialYear,
    },
    /// The fitted entry growth is outside what a scenario allows.
    #[error(
        "entries fitted on {from} to {to} grow by {:.0}% a year, outside the -50% to 100% a scenario allows; some years' returns look incomplete or misread (see the rejected rows)",
        .rate * 100.0
    )]
    Growth {
        /// First fitted year.
        from: FinancialYear,
        /// Last fitted year.
        to: FinancialYear,
        /// The fitted yearly growth (0.03 is 3%).
        rate: f64,
    },
    /// The fitted scenario does not validate: a bug in lacsim, not in the data.
    #[error("the fitted scenario does not validate (a lacsim bug): {0}")]
    Invalid(String),
    /// The engine refused the fitted scenario or the run.
    #[error("{0}")]
    Engine(#[from] EngineError),
}

/// A fitted scenario: the estimates and the scenario text written from them.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// What the returns of the fitted years say.
    pub estimates: Estimates,
    /// The scenario file's text (what `lacsim calibrate` writes).
    pub text: String,
    /// How the years fitted on were chosen, when they were ([`Window::Auto`]).
    pub window: Option<window::Choice>,
}

/// Fits the returns of collection years `from..=to` as `lacsim calibrate` does:
/// estimates from the monthly counts, the 31 March census of `to`, rates by age
/// band from the fitted years, and the UASC among them when the returns tell
/// them apart (in place of `target.uasc`), written as a scenario for `target`.
pub fn fit(
    data: &Ssda903Data,
    from: FinancialYear,
    to: FinancialYear,
    target: &Target,
) -> Result<Fit, BacktestError> {
    let target = Target {
        uasc: occupancy::uasc_fit(data, from, to),
        ..target.clone()
    };
    fit_counts(
        &occupancy::monthly(data),
        &occupancy::march31(data),
        from,
        to,
        &target,
    )
}

/// As [`fit`], from the returns' monthly counts and 31 March censuses (so
/// that many fits of the same returns count them once).
pub fn fit_counts(
    occ: &occupancy::Occupancy,
    census: &[Census],
    from: FinancialYear,
    to: FinancialYear,
    target: &Target,
) -> Result<Fit, BacktestError> {
    let est = estimate::estimate(occ, from, to);
    if let Some(g) = est.entry_growth.filter(|g| !(-0.5..=1.0).contains(&g.rate)) {
        return Err(BacktestError::Growth {
            from,
            to,
            rate: g.rate,
        });
    }
    let census = census
        .iter()
        .find(|c| c.year == to)
        .ok_or(BacktestError::NoCensus(to))?;
    let mut total = occupancy::PeriodCounts::default();
    for y in from.0..=to.0 {
        total.add(&occ.year(FinancialYear(y)));
    }
    let target = Target {
        bands: Some(calibrate::band_rates(&total, &est)),
        ..target.clone()
    };
    let text = calibrate::scenario_toml(&est, census, &target);
    Ok(Fit {
        estimates: est,
        text,
        window: None,
    })
}

/// A whole backtest: fits on the returns up to 31 March of `fit_to` (the
/// years of `window` up to it; a chosen window is chosen on those years only),
/// runs the fitted scenario's paths with `run`, and scores them against the
/// census of each later 31 March in the data. `source` names the data in
/// messages and in the scenario's provenance.
pub fn fit_and_score<E: From<BacktestError>>(
    data: &Ssda903Data,
    fit_to: FinancialYear,
    window: Window,
    source: &str,
    run: &dyn Fn(&Setup) -> Result<MonteCarlo, E>,
) -> Result<(Backtest, Fit), E> {
    let (first, last) = data
        .report
        .years
        .ok_or_else(|| BacktestError::NoYears(source.to_string()))?;
    if fit_to < first.plus(1) || fit_to >= last {
        return Err(BacktestError::NoRoom {
            fit_to,
            first,
            last,
        }
        .into());
    }
    let target = Target {
        authority: "Backtest",
        source,
        first_year: fit_to.plus(1),
        years: (last.0 - fit_to.0) as usize,
        costs: None,
        bands: None,
        uasc: None,
    };
    // Only the months up to 31 March of fit_to enter the fit (and the choice of
    // window); later years are only compared.
    let occ = occupancy::monthly(data);
    let census = occupancy::march31(data);
    let (from, choice) = match window {
        Window::All => (first, None),
        Window::Years(n) => (window::window_from(first, fit_to, n), None),
        Window::Auto => {
            let c = window::choose_counts(&occ, &census, first, fit_to, target.years.min(3))?;
            (c.from, Some(c))
        }
    };
    let target = Target {
        uasc: occupancy::uasc_fit(data, from, fit_to),
        ..target
    };
    let mut fitted = fit_counts(&occ, &census, from, fit_to, &target)?;
    fitted.window = choice;
    let loaded = crate::scenario::load(Path::new("backtest-fit.toml"), &|_: &Path| {
        Ok(fitted.text.clone())
    })
    .map_err(|e| BacktestError::Invalid(e.to_string()))?;
    let setup = Setup::single(&loaded.scenario).map_err(BacktestError::from)?;
    let mc = run(&setup)?;
    let bt = compare(&mc, &census)?;
    Ok((bt, fitted))
}

/// One year of a backtest's UASC: the fitted scenario's UASC forecast (an
/// expected value, [`crate::uasc`]) against the UASC counted in the returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UascCell {
    /// The year whose 31 March is compared.
    pub year: FinancialYear,
    /// UASC looked after on that 31 March.
    pub actual: u32,
    /// The forecast of them (expected value).
    pub expected: f64,
    /// Children looked after on that 31 March who were not UASC.
    pub actual_excluding_uasc: u32,
    /// The forecast of them: the expected total less the UASC (expected value).
    pub expected_excluding_uasc: f64,
}

impl UascCell {
    /// Error of the UASC forecast: forecast − actual (positive: over-forecast).
    pub fn error(&self) -> f64 {
        self.expected - f64::from(self.actual)
    }
}

/// The UASC forecast of a fitted scenario against the UASC counted on each of
/// its 31 Marches in the returns; `None` when the fit has no `[uasc]` (the
/// returns do not tell UASC apart).
pub fn uasc_cells(fit: &Fit, data: &Ssda903Data) -> Result<Option<Vec<UascCell>>, BacktestError> {
    let loaded = crate::scenario::load(Path::new("backtest-fit.toml"), &|_: &Path| {
        Ok(fit.text.clone())
    })
    .map_err(|e| BacktestError::Invalid(e.to_string()))?;
    let Some(f) = crate::uasc::forecast(&loaded.scenario) else {
        return Ok(None);
    };
    let counted = occupancy::uasc_march31(data);
    f.years
        .iter()
        .enumerate()
        .map(|(t, y)| {
            let c = counted
                .iter()
                .find(|c| c.year == *y)
                .ok_or(BacktestError::NoCensus(*y))?;
            Ok(UascCell {
                year: *y,
                actual: c.uasc,
                expected: f.uasc[t],
                actual_excluding_uasc: c.excluding_uasc,
                expected_excluding_uasc: f.excluding_uasc[t],
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
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
    let mut bt = Backtest::from_cells(mc.years.clone(), cells);
    let first = mc.years.first().copied();
    bt.history = census
        .iter()
        .filter(|c| first.is_some_and(|f| c.year < f))
        .map(|c| (c.year, f64::from(c.total())))
        .collect();
    bt.history.sort_by_key(|h| h.0);
    Ok(bt)
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
