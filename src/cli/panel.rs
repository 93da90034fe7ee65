//! `lacsim panel`: the cross-council benchmark of issue 18 from the command
//! line: synthetic councils of six kinds, fitted and forecast as `backtest`
//! does, scored by setting and overall ([`lacsim::panel`]).

use super::InputError;
use super::calibrate::{YearArg, year_or_date};
use super::monte_carlo;
use super::run::Format;
use clap::Args;
use lacsim::panel::{self, PanelConfig};
use lacsim::window::Window;

/// Arguments of `lacsim panel`.
#[derive(Debug, Args)]
pub struct PanelArgs {
    /// Monte Carlo paths per council.
    #[arg(long, default_value_t = 1000)]
    pub paths: u64,
    /// Generator seeds, each setting running once with each (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    pub seeds: Vec<u64>,
    /// Years each council is fitted on: a number (at least 2), `all`, or `auto` (chosen by rolling-origin backtests on its earlier years).
    #[arg(long, value_name = "N|all|auto", default_value = "all")]
    pub window: Window,
    /// Years of returns each council holds up to and including the fit year (2021/22), 2 to 30; the councils have the same entries in 2017/18 whatever their history.
    #[arg(long, value_name = "YEARS", default_value_t = panel::STANDARD_HISTORY,
          value_parser = clap::value_parser!(u32).range(2..=panel::MAX_HISTORY as i64))]
    pub history: u32,
    /// A lasting change in every council's entries: they are multiplied by this
    /// factor from `--step-from` on (2 doubles them, 0.5 halves them), so the
    /// panel can test how `--window` copes with a council whose rates changed.
    #[arg(
        long,
        value_name = "FACTOR",
        requires = "step_from",
        allow_negative_numbers = true
    )]
    pub entry_step: Option<f64>,
    /// The collection year the step in entries starts in (April of its first year).
    #[arg(long, value_name = "YEAR", value_parser = year_or_date, requires = "entry_step")]
    pub step_from: Option<YearArg>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run more than 1,000,000 paths a council.
    #[arg(long)]
    pub force: bool,
}

/// Runs the command.
pub fn run(a: PanelArgs) -> anyhow::Result<()> {
    let mut cfg = PanelConfig {
        paths: a.paths,
        seeds: a.seeds,
        window: a.window,
        ..PanelConfig::standard().with_history(a.history)
    };
    if let (Some(step), Some(from)) = (a.entry_step, &a.step_from) {
        if let Some(note) = from.note("--step-from") {
            eprintln!("{note}");
        }
        cfg.base.entry_step = step;
        cfg.base.entry_step_from = Some(from.year);
    }
    monte_carlo::check(a.paths, a.threads, a.force)?;
    if a.format == Format::Csv {
        return Err(InputError("--format: the panel prints a table or json".into()).into());
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = a.threads {
        builder = builder.num_threads(t);
    }
    let result = builder.build()?.install(|| panel::run(&cfg));
    let p = result.map_err(|e| InputError(e.to_string()))?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&p)?),
        Format::Table | Format::Csv => print!("{}", p.table()),
    }
    Ok(())
}
