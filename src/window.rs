//! How many recent collection years to fit on.
//!
//! A council's rates drift (a new court practice, a residential market that
//! closes), so the years just before the forecast may say more about it than
//! the whole history does. A [`Window`] fits on the last `N` collection years
//! only. [`choose`] picks `N` by rolling-origin backtests on the council's own
//! earlier years: from every earlier 31 March that leaves two years to fit on
//! and one to check, each candidate window is fitted on the years it covers up
//! to that origin and forecast on the engine's expected-value model, and its
//! forecast totals are compared with the censuses that followed, up to
//! `horizon` years ahead. A shorter window is chosen only when it beats the
//! whole history clearly: its absolute percentage errors, forecast by forecast,
//! must be smaller than the whole history's by more than two standard errors
//! of their mean difference. A few origins are a noisy test, and a short
//! window's trend is fitted on few years, so without that margin a council
//! whose rates have not changed would often be given a worse forecast (on the
//! benchmark panel, whose councils' rates are steady, choosing the smallest
//! error outright raised the mean absolute error from 6.8% to 10.7%, measured
//! before calibrate's entry level started the year at the trend's rate). Among
//! the windows that pass, the smallest error wins; every candidate's score is
//! kept so the choice can be explained.
//!
//! Every candidate is scored on the same origins and forecast years (a window
//! longer than the years before an origin uses all of them there), so the
//! scores compare like with like. No I/O; the returns are counted once.

use crate::backtest::{self, BacktestError};
use crate::calibrate::Target;
use crate::engine::{self, Metric, Setup, metrics};
use crate::ssda903::Ssda903Data;
use crate::ssda903::occupancy::{self, Census, Occupancy};
use crate::year::FinancialYear;
use serde::Serialize;
use std::path::Path;

/// Fewest collection years a fit can use (the entry trend needs two).
pub const MIN_YEARS: u32 = 2;

/// How many collection years a fit uses, counting back from its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// Every year from the first the data holds (or `--from`).
    All,
    /// The last `N` years (at least [`MIN_YEARS`]).
    Years(u32),
    /// Chosen by rolling-origin backtests ([`choose`]).
    Auto,
}

impl std::str::FromStr for Window {
    type Err = String;

    fn from_str(s: &str) -> Result<Window, String> {
        match s.trim() {
            "all" => Ok(Window::All),
            "auto" => Ok(Window::Auto),
            n => match n.parse::<u32>() {
                Ok(n) if n >= MIN_YEARS => Ok(Window::Years(n)),
                _ => Err(format!(
                    "give a number of years (at least {MIN_YEARS}), `all` or `auto`; got `{s}`"
                )),
            },
        }
    }
}

/// One candidate window's rolling-origin score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Years fitted on (at most; fewer where an origin has fewer before it).
    pub years: u32,
    /// Forecasts scored (origin and year ahead).
    pub forecasts: usize,
    /// Mean absolute percentage error of the forecast total children.
    pub mean_absolute_percentage_error: f64,
    /// Mean signed percentage error (forecast over actual, minus 1).
    pub bias: f64,
    /// Mean of this window's absolute errors minus the whole history's, forecast
    /// by forecast (negative: this window forecast better).
    pub gain: f64,
    /// Standard error of `gain`.
    pub gain_se: f64,
    /// Whether this window beat the whole history clearly (`gain + 2 × gain_se < 0`).
    pub clearly_better: bool,
}

/// The window [`choose`] picked, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    /// Years to fit on.
    pub years: u32,
    /// The first of them.
    pub from: FinancialYear,
    /// The 31 March origins forecast from.
    pub origins: Vec<FinancialYear>,
    /// Years ahead scored from each origin (at most).
    pub horizon: usize,
    /// Every candidate, shortest window first.
    pub candidates: Vec<Candidate>,
}

impl Choice {
    /// One or two sentences for the terminal and the scenario's comments.
    pub fn explain(&self) -> String {
        let chosen = self.candidates.iter().find(|c| c.years == self.years);
        let longest = self.candidates.last();
        match (chosen, longest) {
            (Some(c), Some(l)) if c.years != l.years => format!(
                "window: the last {} years ({} on): mean absolute error {:.1}% over {} backtest forecasts from {} earlier origins, against {:.1}% with all {} years (better by {:.1} points, standard error {:.1})",
                c.years,
                self.from,
                c.mean_absolute_percentage_error * 100.0,
                c.forecasts,
                self.origins.len(),
                l.mean_absolute_percentage_error * 100.0,
                l.years,
                -c.gain * 100.0,
                c.gain_se * 100.0
            ),
            (Some(c), _) => {
                let best = self.candidates.iter().min_by(|a, b| {
                    a.mean_absolute_percentage_error
                        .total_cmp(&b.mean_absolute_percentage_error)
                });
                format!(
                    "window: all {} years ({} on): mean absolute error {:.1}% over {} backtest forecasts from {} earlier origins; no shorter window was better by more than two standard errors{}",
                    c.years,
                    self.from,
                    c.mean_absolute_percentage_error * 100.0,
                    c.forecasts,
                    self.origins.len(),
                    best.filter(|b| b.years != c.years)
                        .map_or(String::new(), |b| format!(
                            " (the best, the last {} years, {:.1}%)",
                            b.years,
                            b.mean_absolute_percentage_error * 100.0
                        ))
                )
            }
            _ => format!(
                "window: all {} years ({} on): too few years to backtest a shorter window (it needs {} to fit on and one to check before the last)",
                self.years, self.from, MIN_YEARS
            ),
        }
    }
}

/// The first year of a window of `years` ending at `to`, not before `first`.
pub fn window_from(first: FinancialYear, to: FinancialYear, years: u32) -> FinancialYear {
    let start = to.0 - years as i32 + 1;
    FinancialYear(start.max(first.0))
}

/// Total children at 31 March forecast by the expected-value model of a fit.
fn forecast_totals(fit: &backtest::Fit) -> Result<Vec<f64>, BacktestError> {
    let loaded = crate::scenario::load(Path::new("window-fit.toml"), &|_: &Path| {
        Ok(fit.text.clone())
    })
    .map_err(|e| BacktestError::Invalid(e.to_string()))?;
    let setup = Setup::single(&loaded.scenario)?;
    let (row, _) = engine::expected(&setup);
    Ok((0..setup.n_years())
        .map(|t| metrics::at(&row, t, Metric::Lac))
        .collect())
}

/// Chooses how many of the years `first..=to` to fit on, by rolling-origin
/// backtests up to `horizon` years ahead (see the module documentation).
pub fn choose(
    data: &Ssda903Data,
    first: FinancialYear,
    to: FinancialYear,
    horizon: usize,
) -> Result<Choice, BacktestError> {
    choose_counts(
        &occupancy::monthly(data),
        &occupancy::march31(data),
        first,
        to,
        horizon,
    )
}

/// As [`choose`], from counts already made.
pub fn choose_counts(
    occ: &Occupancy,
    census: &[Census],
    first: FinancialYear,
    to: FinancialYear,
    horizon: usize,
) -> Result<Choice, BacktestError> {
    let n = u32::try_from(to.0 - first.0 + 1).unwrap_or(0);
    let origins: Vec<FinancialYear> = (first.0 + MIN_YEARS as i32 - 1..to.0)
        .map(FinancialYear)
        .collect();
    let horizon = horizon.max(1);
    // Each candidate's signed errors, forecast by forecast (None: no usable fit).
    let mut errors: Vec<(u32, Option<Vec<f64>>)> = Vec::new();
    if !origins.is_empty() {
        for years in MIN_YEARS..=n {
            let mut errs = Some(Vec::new());
            for &o in &origins {
                let ahead = horizon.min((to.0 - o.0) as usize);
                let target = Target {
                    authority: "Window backtest",
                    source: "rolling-origin backtest",
                    first_year: o.plus(1),
                    years: ahead,
                    costs: None,
                    bands: None,
                    uasc: None,
                };
                let fit = match backtest::fit_counts(
                    occ,
                    census,
                    window_from(first, o, years),
                    o,
                    &target,
                ) {
                    Ok(f) => f,
                    // A window whose trend is implausible forecasts nothing
                    // useful: it cannot win.
                    Err(BacktestError::Growth { .. }) => {
                        errs = None;
                        break;
                    }
                    Err(e) => return Err(e),
                };
                let totals = forecast_totals(&fit)?;
                for (h, forecast) in totals.iter().enumerate() {
                    let y = o.plus(h as i32 + 1);
                    let actual = census
                        .iter()
                        .find(|c| c.year == y)
                        .ok_or(BacktestError::NoCensus(y))?
                        .total();
                    if actual == 0 {
                        continue;
                    }
                    if let Some(v) = errs.as_mut() {
                        v.push(forecast / f64::from(actual) - 1.0);
                    }
                }
            }
            errors.push((years, errs));
        }
    }
    let whole = errors.last().and_then(|(_, e)| e.clone());
    let candidates: Vec<Candidate> = errors
        .iter()
        .filter_map(|(years, e)| {
            let e = e.as_ref()?;
            let k = e.len().max(1) as f64;
            let (gain, gain_se) = match &whole {
                Some(w) if w.len() == e.len() && e.len() > 1 => {
                    let d: Vec<f64> = e.iter().zip(w).map(|(a, b)| a.abs() - b.abs()).collect();
                    let m = d.iter().sum::<f64>() / k;
                    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (k - 1.0);
                    (m, (var / k).sqrt())
                }
                _ => (0.0, 0.0),
            };
            Some(Candidate {
                years: *years,
                forecasts: e.len(),
                mean_absolute_percentage_error: e.iter().map(|x| x.abs()).sum::<f64>() / k,
                bias: e.iter().sum::<f64>() / k,
                gain,
                gain_se,
                clearly_better: gain + 2.0 * gain_se < 0.0,
            })
        })
        .collect();
    // The whole history unless a shorter window is clearly better; among those
    // that are, the smallest error.
    let best = candidates
        .iter()
        .filter(|c| c.clearly_better)
        .min_by(|a, b| {
            a.mean_absolute_percentage_error
                .total_cmp(&b.mean_absolute_percentage_error)
        })
        .map_or(n.max(1), |c| c.years);
    Ok(Choice {
        years: best,
        from: window_from(first, to, best),
        origins,
        horizon,
        candidates,
    })
}
