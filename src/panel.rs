//! The cross-council benchmark panel: how well a forecast fitted to one council's
//! returns holds, measured over many kinds of council rather than one.
//!
//! Each council is a synthetic one ([`crate::ssda903::synth`], the
//! [`SynthConfig::realistic`] county: stays that are not exponential, sibling
//! groups, re-entries) at one [`Setting`] (entries a year and their growth) and
//! one seed. It is fitted on its returns up to 31 March of the fit year, exactly
//! as `lacsim backtest` fits ([`backtest::fit_and_score`]), forecast to the last
//! year of its returns with the Monte Carlo engine, and scored against the
//! generator's truth (the 31 March census read back from the returns, which
//! equals the truth the generator records). [`score`] sums councils up: the
//! error of the last year's total forecast (bias and mean absolute error, in
//! percent of the actual) and the share of placement-type cells, every type in
//! every forecast year, whose actual falls inside the 50% and 90% bands.
//!
//! No I/O: the returns stay in memory. Councils run in parallel on the current
//! rayon pool, and each council's paths too; results are gathered in council
//! order, so the same configuration gives the same figures whatever the thread
//! count.

use crate::FinancialYear;
use crate::backtest::{self, Backtest, BacktestError, Cell, TOTAL};
use crate::engine::{self, DEFAULT_SEED};
use crate::ssda903::Options;
use crate::ssda903::synth::{self, SynthConfig};
use crate::window::Window;
use rayon::prelude::*;
use serde::Serialize;

/// Years of returns each council of the standard panel holds up to and
/// including the fit year. Councils keep their SSDA903 returns for many
/// years; with five the growth of entries, fitted on too few years, is most
/// of the forecast's error (see the README's "Benchmark panel").
pub const STANDARD_HISTORY: u32 = 10;

/// Most years of returns a panel council may hold up to its fit year.
pub const MAX_HISTORY: i32 = 30;

/// The collection year whose entries a [`Setting`] gives.
pub const SETTING_YEAR: FinancialYear = FinancialYear(2017);

/// The size and growth of one kind of council.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Setting {
    /// Children entering care in [`SETTING_YEAR`] (before re-entries),
    /// whatever year a council's returns start in, so that councils with
    /// more or fewer years of returns are the same councils.
    pub entries_per_year: f64,
    /// Yearly growth of entries (0.03 is 3% a year).
    pub entry_growth: f64,
}

impl Setting {
    /// A short label: `150 a year, -3%`.
    pub fn label(&self) -> String {
        format!(
            "{:.0} a year, {:+.0}%",
            self.entries_per_year,
            self.entry_growth * 100.0
        )
    }
}

/// What the panel runs: every setting with every seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelConfig {
    /// The kinds of council.
    pub settings: Vec<Setting>,
    /// Generator seeds; each setting runs once with each.
    pub seeds: Vec<u64>,
    /// The county every council starts from (years, burn-in and the realism
    /// settings); each council replaces its seed, entries and growth.
    pub base: SynthConfig,
    /// The last collection year the fit sees; the later years of the returns are forecast.
    pub fit_to: FinancialYear,
    /// Monte Carlo paths per council.
    pub paths: u64,
    /// Monte Carlo seed (the same for every council).
    pub mc_seed: u64,
    /// The years each council is fitted on.
    pub window: Window,
}

impl PanelConfig {
    /// The standard panel: issue 18's six settings from 150 to 1,000 entries a
    /// year and from -3% to +8% growth, three seeds each, fitted to March 2022
    /// and forecast to March 2025 (three years), 1,000 paths each, with this
    /// project's choice of ten years of returns up to the fit
    /// ([`STANDARD_HISTORY`]: 2012/13 to 2021/22). The panel first used five
    /// (2017/18 on): `with_history(5)` gives those councils.
    pub fn standard() -> PanelConfig {
        let setting = |entries_per_year, entry_growth| Setting {
            entries_per_year,
            entry_growth,
        };
        PanelConfig {
            settings: vec![
                setting(150.0, -0.03),
                setting(250.0, 0.08),
                setting(400.0, 0.0),
                setting(600.0, 0.05),
                setting(800.0, -0.01),
                setting(1000.0, 0.03),
            ],
            seeds: vec![1, 2, 3],
            base: SynthConfig {
                first_year: FinancialYear(2021),
                years: 4,
                ..SynthConfig::realistic()
            },
            fit_to: FinancialYear(2021),
            paths: 1000,
            mc_seed: DEFAULT_SEED,
            window: Window::All,
        }
        .with_history(STANDARD_HISTORY)
    }

    /// The same panel with `years` years of returns up to and including the
    /// fit year (the forecast years are kept): how much a council's longer
    /// record of entries is worth.
    pub fn with_history(mut self, years: u32) -> PanelConfig {
        let forecast = u32::try_from(self.last_year().0 - self.fit_to.0).unwrap_or(0);
        self.base.first_year = self
            .fit_to
            .plus(1 - i32::try_from(years).unwrap_or(i32::MAX - 1));
        self.base.years = years.saturating_add(forecast);
        self
    }

    /// Years of returns each council holds up to and including the fit year.
    pub fn history(&self) -> i32 {
        self.fit_to.0 - self.base.first_year.0 + 1
    }

    /// The generator settings of one council.
    pub fn council(&self, setting: &Setting, seed: u64) -> SynthConfig {
        let mut cfg = SynthConfig {
            seed,
            entry_growth: setting.entry_growth,
            ..self.base.clone()
        };
        // Entries grow from the first year of returns: a council whose
        // returns start earlier starts smaller, so that it has the setting's
        // entries in `SETTING_YEAR` whatever its history.
        let back = SETTING_YEAR.0 - self.base.first_year.0;
        cfg.set_entries_per_year(
            setting.entries_per_year / (1.0 + setting.entry_growth).powi(back),
        );
        cfg
    }

    /// The last collection year of every council's returns.
    pub fn last_year(&self) -> FinancialYear {
        self.base
            .first_year
            .plus(i32::try_from(self.base.years).unwrap_or(1) - 1)
    }

    fn check(&self) -> Result<(), PanelError> {
        let mut problems = Vec::new();
        if self.settings.is_empty() {
            problems.push("no settings".to_string());
        }
        if self.seeds.is_empty() {
            problems.push("no seeds".to_string());
        }
        if self.paths == 0 || self.paths > engine::MAX_PATHS {
            problems.push(format!(
                "paths must be 1 to {}, not {}",
                engine::MAX_PATHS,
                self.paths
            ));
        }
        if let Err(e) = self.base.check() {
            problems.extend(e.problems);
        }
        if self.history() > MAX_HISTORY {
            problems.push(format!(
                "history must be at most {MAX_HISTORY} years of returns, not {}",
                self.history()
            ));
        }
        let (first, last) = (self.base.first_year, self.last_year());
        if let Some(from) = self.base.entry_step_from
            && self.base.entry_step != 1.0
            && !(first < from && from <= last)
        {
            problems.push(format!(
                "the step in entries must start after the first year of returns and by the last ({} to {last}), not in {from}",
                first.plus(1)
            ));
        }
        if self.fit_to < first.plus(1) || self.fit_to >= last {
            problems.push(format!(
                "fit_to {} must leave at least two years to fit on and one to forecast; the returns cover {first} to {last}",
                self.fit_to
            ));
        }
        for s in &self.settings {
            if !(s.entries_per_year.is_finite() && s.entries_per_year > 0.0) {
                problems.push(format!(
                    "entries a year must be over 0, not {}",
                    s.entries_per_year
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PanelError::Config(problems.join("; ")))
        }
    }
}

/// One council's backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Council {
    /// Index of its setting in [`PanelConfig::settings`].
    pub setting: usize,
    /// Its generator seed.
    pub seed: u64,
    /// The fitted yearly entry growth (none when the fit found no trend).
    pub fitted_growth: Option<f64>,
    /// Every compared cell and the backtest's own scores.
    pub backtest: Backtest,
    /// How `--window auto` chose the years fitted on (none for a fixed window).
    pub window: Option<crate::window::Choice>,
}

impl Council {
    /// The total row's cell in the last forecast year.
    pub fn last_total(&self) -> Option<&Cell> {
        self.backtest.row(TOTAL).last().copied()
    }

    /// Error of the last year's mean total forecast, percent of the actual
    /// (positive: over-forecast); none when the actual is 0.
    pub fn last_total_error(&self) -> Option<f64> {
        self.last_total().and_then(Cell::percent_error)
    }

    /// The placement-type cells (every type in every forecast year; not the total).
    pub fn type_cells(&self) -> impl Iterator<Item = &Cell> {
        self.backtest.cells.iter().filter(|c| c.key != TOTAL)
    }
}

/// The panel's figures for a set of councils.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelScores {
    /// Councils scored.
    pub councils: usize,
    /// Mean signed error of the last forecast year's total, percent of the
    /// actual (positive: over-forecast).
    pub bias: f64,
    /// Mean absolute error of the last forecast year's total, percent.
    pub mean_absolute_error: f64,
    /// The smallest and largest signed error of the last year's total, percent.
    pub error_range: (f64, f64),
    /// Placement-type cells scored (types × forecast years × councils).
    pub cells: usize,
    /// Of them, those whose actual fell inside the 50% band (P25-P75).
    pub inside_50: usize,
    /// Of them, those whose actual fell inside the 90% band (P5-P95).
    pub inside_90: usize,
    /// Share of the type cells inside the 50% band (0 to 1).
    pub coverage_50: f64,
    /// Share of the type cells inside the 90% band (0 to 1).
    pub coverage_90: f64,
    /// Total cells (every forecast year × councils) whose actual fell inside the 90% band.
    pub total_inside_90: usize,
    /// Total cells scored.
    pub total_cells: usize,
}

/// The panel's figures for `councils` (NaN means when there are none; councils
/// whose last actual total is 0 are left out of the error figures).
pub fn score(councils: &[&Council]) -> PanelScores {
    let errors: Vec<f64> = councils
        .iter()
        .filter_map(|c| c.last_total_error())
        .collect();
    let n = errors.len() as f64;
    let cells: Vec<&Cell> = councils.iter().flat_map(|c| c.type_cells()).collect();
    let totals: Vec<&Cell> = councils
        .iter()
        .flat_map(|c| c.backtest.row(TOTAL))
        .collect();
    let inside_50 = cells.iter().filter(|c| c.inside_50()).count();
    let inside_90 = cells.iter().filter(|c| c.inside_90()).count();
    PanelScores {
        councils: councils.len(),
        bias: errors.iter().sum::<f64>() / n,
        mean_absolute_error: errors.iter().map(|e| e.abs()).sum::<f64>() / n,
        error_range: errors
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &e| {
                (lo.min(e), hi.max(e))
            }),
        cells: cells.len(),
        inside_50,
        inside_90,
        coverage_50: inside_50 as f64 / cells.len() as f64,
        coverage_90: inside_90 as f64 / cells.len() as f64,
        total_inside_90: totals.iter().filter(|c| c.inside_90()).count(),
        total_cells: totals.len(),
    }
}

/// A run panel: every council, and the figures by setting and over all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    /// What was run.
    pub config: PanelConfig,
    /// Every council, setting by setting, seeds in order within a setting.
    pub councils: Vec<Council>,
    /// The figures of each setting's councils, in setting order.
    pub by_setting: Vec<PanelScores>,
    /// The figures of every council together.
    pub overall: PanelScores,
}

impl Panel {
    /// The figures as a text table: one row per setting, then all councils.
    pub fn table(&self) -> String {
        let head = [
            "setting",
            "councils",
            "bias",
            "mean abs. error",
            "error range",
            "type cells",
            "in 50%",
            "in 90%",
            "total in 90%",
        ]
        .map(String::from);
        let row = |name: String, s: &PanelScores| {
            vec![
                name,
                s.councils.to_string(),
                format!("{:+.1}%", s.bias),
                format!("{:.1}%", s.mean_absolute_error),
                format!("{:+.1}% to {:+.1}%", s.error_range.0, s.error_range.1),
                s.cells.to_string(),
                format!("{:.1}%", 100.0 * s.coverage_50),
                format!("{:.1}%", 100.0 * s.coverage_90),
                format!("{} of {}", s.total_inside_90, s.total_cells),
            ]
        };
        let mut rows: Vec<Vec<String>> = self
            .config
            .settings
            .iter()
            .zip(&self.by_setting)
            .map(|(setting, s)| row(setting.label(), s))
            .collect();
        rows.push(row("all".into(), &self.overall));
        let c = &self.config;
        format!(
            "Benchmark panel: {} settings x {} seeds, returns {} to {}{}, fitted to {}, {} paths each.\nBias and errors: the last year's total forecast (mean) against the actual, percent; bands: placement-type cells of every forecast year.\n{}",
            c.settings.len(),
            c.seeds.len(),
            c.base.first_year,
            c.last_year(),
            match c.base.entry_step_from {
                Some(from) if c.base.entry_step != 1.0 =>
                    format!(" (entries x{} from {from})", c.base.entry_step),
                _ => String::new(),
            },
            c.fit_to,
            c.paths,
            crate::report::terminal::grid(&head, &rows, 1)
        ) + &self.windows_line()
    }

    /// With `--window auto`: how many councils were given fewer years than
    /// they hold (on steady councils, how often the rule fires by chance).
    fn windows_line(&self) -> String {
        let chosen: Vec<&crate::window::Choice> = self
            .councils
            .iter()
            .filter_map(|c| c.window.as_ref())
            .collect();
        if chosen.is_empty() {
            return String::new();
        }
        let shorter = chosen
            .iter()
            .filter(|w| {
                w.candidates
                    .iter()
                    .any(|k| k.years == w.years && k.critical.is_some())
            })
            .count();
        format!(
            "--window auto fitted {shorter} of {} councils on fewer years than they hold.\n",
            chosen.len()
        )
    }
}

/// Why the panel could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PanelError {
    /// The configuration cannot be run (the text lists every problem).
    #[error("benchmark panel: {0}")]
    Config(String),
    /// One council could not be generated, read or backtested.
    #[error("benchmark panel, council {council}: {message}")]
    Council {
        /// The council: its setting and seed.
        council: String,
        /// What went wrong.
        message: String,
    },
}

/// Generates, fits, forecasts and scores one council.
pub fn run_council(cfg: &PanelConfig, setting: usize, seed: u64) -> Result<Council, PanelError> {
    let s = cfg
        .settings
        .get(setting)
        .ok_or_else(|| PanelError::Config(format!("no setting {setting}")))?;
    let name = format!("{}, seed {seed}", s.label());
    let fail = |message: String| PanelError::Council {
        council: name.clone(),
        message,
    };
    let returns = synth::generate(&cfg.council(s, seed)).map_err(|e| fail(e.to_string()))?;
    let data = returns
        .load(Options::default())
        .map_err(|e| fail(e.to_string()))?;
    let run = |setup: &engine::Setup| -> Result<engine::MonteCarlo, BacktestError> {
        Ok(engine::run(setup, cfg.paths, cfg.mc_seed, &|| {})?)
    };
    let (bt, fit) = backtest::fit_and_score(&data, cfg.fit_to, cfg.window, &name, &run)
        .map_err(|e: BacktestError| fail(e.to_string()))?;
    Ok(Council {
        setting,
        seed,
        fitted_growth: fit.estimates.entry_growth.map(|g| g.rate),
        backtest: bt,
        window: fit.window,
    })
}

/// Runs every council of the panel and scores them, by setting and overall.
pub fn run(cfg: &PanelConfig) -> Result<Panel, PanelError> {
    cfg.check()?;
    let jobs: Vec<(usize, u64)> = (0..cfg.settings.len())
        .flat_map(|s| cfg.seeds.iter().map(move |&seed| (s, seed)))
        .collect();
    let councils = jobs
        .par_iter()
        .map(|&(s, seed)| run_council(cfg, s, seed))
        .collect::<Result<Vec<_>, _>>()?;
    let by_setting = (0..cfg.settings.len())
        .map(|s| {
            let mine: Vec<&Council> = councils.iter().filter(|c| c.setting == s).collect();
            score(&mine)
        })
        .collect();
    let overall = score(&councils.iter().collect::<Vec<_>>());
    Ok(Panel {
        config: cfg.clone(),
        councils,
        by_setting,
        overall,
    })
}
