//! `lacsim run`: run a scenario and show or save its tables.

use super::export;
use super::input;
use super::output::{self, OutDir};
use clap::{Args, ValueEnum};
use lacsim::report::{self, json::Meta};
use lacsim::results;
use lacsim::scenario::costs;
use std::path::PathBuf;

/// Output formats for stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables laid out like the paper (£'000s, negatives in brackets).
    #[default]
    Table,
    /// One JSON document.
    Json,
    /// CSV for spreadsheets and scripts (for `run`: tidy, one row per year, metric and statistic).
    Csv,
}

/// Arguments of `lacsim run`.
#[derive(Debug, Default, Args)]
pub struct RunArgs {
    /// Scenario file (TOML), or `builtin:NAME`; default: the Staffordshire 2019 investment plan.
    pub scenario: Option<String>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write report.html, report.xlsx, tables (CSV), results (CSV, JSON) and run.json into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote), or run more than 1,000,000 paths.
    #[arg(long)]
    pub force: bool,
    /// Monte Carlo flags: with `--paths N` the stochastic engine runs instead.
    #[command(flatten)]
    pub mc: super::monte_carlo::McArgs,
}

/// Runs the command.
pub fn run(a: RunArgs) -> anyhow::Result<()> {
    if let Some(paths) = a.mc.paths {
        return super::monte_carlo::run(a, paths);
    }
    a.mc.note_unused();
    let loaded = input::load(a.scenario.as_deref())?;
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let s = &loaded.scenario;
    let r = results::run(s);
    let tables = report::tables::all(s, &r);
    let meta = Meta {
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
    };
    let doc = report::json::deterministic(s, &r, &meta);
    let tidy = report::tidy::deterministic(s, &r);
    let warning = costs::warning(s);

    if let Some(out) = out {
        export::deterministic_run(&loaded, output::unix_time())?.write_to(&out)?;
        let dir = out.finish()?;
        eprintln!("wrote {}", dir.display());
    }

    let text = match a.format {
        Format::Table => {
            let mut t = format!("{} - {}\n({})\n\n", s.authority, s.title, loaded.path);
            t.push_str(&report::terminal::render_all(&tables));
            t
        }
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => String::from_utf8(report::csv::tidy_with_notes(
            &tidy,
            warning.as_ref().map(|_| costs::DEFAULT_COSTS_CSV),
        )?)?,
    };
    let printed = output::print(&text);
    output::cost_banner(warning.as_deref());
    printed
}
