//! The Monte Carlo side of the command line: the shared flags (`--paths`,
//! `--seed`, `--threads`, `--quiet`), the local thread pool, the progress bar,
//! and `lacsim run SCENARIO --paths N`. With `--out DIR` a run writes
//! `results.json`, `results.csv` (tidy statistics), `paths.csv` (one row per
//! path and year), `scenario.toml` and `run.json`.

use super::InputError;
use super::export;
use super::input;
use super::output::{self, OutDir};
use super::run::{Format, RunArgs};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lacsim::engine::{self, DEFAULT_SEED, MAX_PATHS, MonteCarlo, Setup, Summary};
use lacsim::report::{self, monte_carlo::McMeta};
use lacsim::results;
use lacsim::scenario::Loaded;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Most worker threads accepted.
const MAX_THREADS: usize = 1024;

/// Flags of a Monte Carlo run.
#[derive(Debug, Args)]
pub struct McArgs {
    /// Monte Carlo paths (1 to 10,000,000; results take about 1 KB a path for 7 years). Without it `run`, `sweep` and `tornado` use the deterministic model, `compare` and `backtest` run 10,000 paths.
    // A negative number is then a bad value, not a mistaken flag.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub paths: Option<u64>,
    /// Seed of the random streams: the same seed gives the same numbers whatever the thread count.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED, allow_hyphen_values = true)]
    pub seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// Do not show a progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl McArgs {
    /// Says on stderr when Monte Carlo flags were given to a deterministic run.
    pub fn note_unused(&self) {
        if self.paths.is_none() && (self.seed != DEFAULT_SEED || self.threads.is_some()) {
            eprintln!(
                "note: --seed and --threads apply only with --paths N; this is the deterministic model"
            );
        }
    }
}

impl Default for McArgs {
    fn default() -> Self {
        McArgs {
            paths: None,
            seed: DEFAULT_SEED,
            threads: None,
            quiet: false,
        }
    }
}

/// Runs of more paths than this need `--force`: their results alone take a
/// gigabyte or more and they run for many minutes, which a typing slip
/// (an extra zero) should not start unasked.
pub const PATHS_WITHOUT_FORCE: u64 = 1_000_000;

/// Checks `--paths` and `--threads` before any work (`force`: the user has
/// asked for a run above [`PATHS_WITHOUT_FORCE`]).
pub fn check(paths: u64, threads: Option<usize>, force: bool) -> anyhow::Result<()> {
    if paths == 0 || paths > MAX_PATHS {
        return Err(InputError(format!(
            "--paths: must be between 1 and {MAX_PATHS}, got {paths}; try --paths 10000"
        ))
        .into());
    }
    if paths > PATHS_WITHOUT_FORCE && !force {
        // About 1 KB a path for seven years (`MonteCarlo::bytes_per_path`).
        let gb = paths as f64 * 1020.0 / 1e9;
        return Err(InputError(format!(
            "--paths {paths}: a run of more than 1,000,000 paths keeps about {gb:.1} GB of results for seven years and runs for a long time; add --force to run it, or try --paths 100000"
        ))
        .into());
    }
    if let Some(t) = threads
        && (t == 0 || t > MAX_THREADS)
    {
        return Err(InputError(format!(
            "--threads: must be between 1 and {MAX_THREADS}, got {t}"
        ))
        .into());
    }
    Ok(())
}

/// Runs the paths on a local thread pool with a progress bar on stderr (shown
/// after a second, and only when stderr is a terminal and `--quiet` is absent).
pub fn execute(setup: &Setup, mc: &McArgs, paths: u64) -> anyhow::Result<(MonteCarlo, Summary)> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = mc.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build()?;
    let show = !mc.quiet && std::io::stderr().is_terminal();
    let bar = ProgressBar::with_draw_target(Some(paths), ProgressDrawTarget::hidden());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} paths, {eta} left") {
        bar.set_style(style);
    }
    let started = Instant::now();
    let visible = AtomicBool::new(false);
    let progress = || {
        bar.inc(1);
        if show
            && !visible.load(Ordering::Relaxed)
            && started.elapsed() > Duration::from_secs(1)
            && !visible.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    };
    let result = pool.install(|| engine::run(setup, paths, mc.seed, &progress));
    bar.finish_and_clear();
    let mc_result = result.map_err(|e| InputError(e.to_string()))?;
    let summary = engine::summarise(&mc_result);
    Ok((mc_result, summary))
}

/// Renders and writes the results of a Monte Carlo run (with `--out`, the full report too).
pub fn finish(
    loaded: &Loaded,
    (mc, summary): &(MonteCarlo, Summary),
    meta: &McMeta,
    format: Format,
    out: Option<OutDir>,
    command: &str,
    comparator: Option<&Loaded>,
) -> anyhow::Result<()> {
    let s = &loaded.scenario;
    let run = export::McRun {
        loaded,
        mc,
        summary,
        meta,
        command,
        comparator,
    };
    let warning = run.cost_warning();
    let doc = run.json();
    let tidy = report::tidy::monte_carlo(s, summary, meta);
    if let Some(out) = out {
        export::monte_carlo_run(&run, output::unix_time())?.write_to(&out)?;
        let dir = out.finish()?;
        eprintln!("wrote {}", dir.display());
    }
    let text = match format {
        Format::Table => report::monte_carlo::terminal_warned(s, summary, meta, warning.as_deref()),
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => String::from_utf8(report::csv::tidy_with_notes(
            &tidy,
            warning
                .as_ref()
                .map(|_| lacsim::scenario::costs::DEFAULT_COSTS_CSV),
        )?)?,
    };
    let printed = output::print(&text);
    output::cost_banner(warning.as_deref());
    printed
}

/// The deterministic model's sustained break-even year index, for plans.
pub fn deterministic_break_even(s: &lacsim::scenario::Scenario) -> Option<Option<usize>> {
    results::run(s)
        .plan
        .map(|p| lacsim::finance::break_even::sustained_index(&p.mtfs_impact))
}

/// `lacsim run SCENARIO --paths N`.
pub fn run(a: RunArgs, paths: u64) -> anyhow::Result<()> {
    check(paths, a.mc.threads, a.force)?;
    let loaded = input::load(a.scenario.as_deref())?;
    let s = &loaded.scenario;
    let setup = Setup::single(s).map_err(|e| InputError(e.to_string()))?;
    let out = a
        .out
        .as_deref()
        .map(|d: &Path| OutDir::create(d, a.force))
        .transpose()?;
    let results = execute(&setup, &a.mc, paths)?;
    let meta = McMeta {
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
        do_nothing: None,
        deterministic_break_even: deterministic_break_even(s),
    };
    finish(&loaded, &results, &meta, a.format, out, "run", None)
}
