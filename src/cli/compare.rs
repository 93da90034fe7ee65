//! `lacsim compare DO_NOTHING INVEST --paths N`: both scenarios on common random
//! numbers, the saving a per-path difference.

use super::InputError;
use super::input;
use super::monte_carlo::{self, McArgs};
use super::output::OutDir;
use super::run::Format;
use clap::Args;
use lacsim::engine::Setup;
use lacsim::report::monte_carlo::McMeta;
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
    /// Replace the --out folder if it already has files (only a folder lacsim wrote).
    #[arg(long)]
    pub force: bool,
    /// Monte Carlo flags (`--paths` defaults to 10,000 here).
    #[command(flatten)]
    pub mc: McArgs,
}

/// Runs the command.
pub fn run(a: CompareArgs) -> anyhow::Result<()> {
    let paths = a.mc.paths.unwrap_or(DEFAULT_PATHS);
    monte_carlo::check(paths, a.mc.threads)?;
    let dn = input::load(Some(&a.do_nothing))?;
    let inv = input::load(Some(&a.invest))?;
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
    };
    monte_carlo::finish(&inv, &results, &meta, a.format, out, "compare")
}
