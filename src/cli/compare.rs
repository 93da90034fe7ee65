//! `lacsim compare DO_NOTHING INVEST --paths N`: both scenarios on common random
//! numbers, the saving a per-path difference.

use super::InputError;
use super::input;
use super::monte_carlo::{self, McArgs};
use super::output::OutDir;
use super::run::Format;
use clap::Args;
use lacsim::engine::{Setup, census};
use lacsim::report::monte_carlo::McMeta;
use lacsim::scenario::Scenario;
use std::path::PathBuf;

/// Paths when `--paths` is not given.
const DEFAULT_PATHS: u64 = 10_000;

/// Arguments of `lacsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The do-nothing scenario (TOML file or `builtin:NAME`).
    pub do_nothing: String,
    /// The invest-to-save scenario (TOML file or `builtin:NAME`).
    pub invest: String,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write results (CSV, JSON) and run.json into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote), or run more than 1,000,000 paths.
    #[arg(long)]
    pub force: bool,
    /// Monte Carlo flags (`--paths` defaults to 10,000 here, as compare has no deterministic form).
    #[command(flatten)]
    pub mc: McArgs,
}

/// Runs the command.
pub fn run(a: CompareArgs) -> anyhow::Result<()> {
    let paths = a.mc.paths.unwrap_or(DEFAULT_PATHS);
    monte_carlo::check(paths, a.mc.threads, a.force)?;
    let dn = input::load(Some(&a.do_nothing))?;
    let inv = input::load(Some(&a.invest))?;
    if let Some(w) = swapped(&dn.scenario, &inv.scenario) {
        eprintln!("warning: {w}");
    }
    census::check(&dn, &inv).map_err(InputError)?;
    let setup =
        Setup::paired(&dn.scenario, &inv.scenario).map_err(|e| InputError(e.to_string()))?;
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let results = monte_carlo::execute(&setup, &a.mc, paths)?;
    let meta = McMeta {
        scenario_path: inv.path.clone(),
        scenario_hash: inv.hash.clone(),
        do_nothing: Some((dn.scenario.title.clone(), dn.path.clone())),
        deterministic_break_even: monte_carlo::deterministic_break_even(&inv.scenario),
    };
    monte_carlo::finish(&inv, &results, &meta, a.format, out, "compare", Some(&dn))
}

/// A warning when the arguments look swapped: the do-nothing side has a plan
/// or interventions and the invest side has neither.
fn swapped(dn: &Scenario, inv: &Scenario) -> Option<String> {
    let invests = |s: &Scenario| {
        s.plan.is_some()
            || s.stochastic
                .as_ref()
                .is_some_and(|st| !st.interventions.is_empty())
    };
    (invests(dn) && !invests(inv)).then(|| {
        format!(
            "DO_NOTHING ({}) has an investment plan and INVEST ({}) has none; the order is `lacsim compare DO_NOTHING INVEST`",
            dn.title, inv.title
        )
    })
}
