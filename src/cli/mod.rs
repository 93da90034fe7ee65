//! Command-line parsing and dispatch. Each subcommand lives in its own file.

mod backtest;
mod calibrate;
mod compare;
mod export;
mod input;
mod monte_carlo;
mod output;
mod panel;
mod partnership;
mod progress;
mod report;
mod returns;
mod run;
mod scenarios;
mod serve;
mod sweep;
mod synth;
mod tornado;
mod validate;

use clap::{Parser, Subcommand};

/// Forecast looked-after children, cost them, and test whether an invest-to-save plan pays back.
#[derive(Debug, Parser)]
#[command(name = "lacsim", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the built-in Staffordshire 2019 investment plan if none is named).
    Run(run::RunArgs),
    /// Run a do-nothing and an invest scenario on common random numbers and show the paired saving.
    Compare(compare::CompareArgs),
    /// Check scenario files and list every problem (exit 0 when valid, 2 when not).
    Validate(validate::ValidateArgs),
    /// Vary one or two scenario fields over a grid and report break-even, net position and LAC.
    Sweep(sweep::SweepArgs),
    /// Swing each key assumption alone, rank by effect, and find Green Book switching values.
    Tornado(tornado::TornadoArgs),
    /// Re-render report.html, report.xlsx and report.docx from a saved run folder without re-simulating.
    Report(report::ReportArgs),
    /// Estimate entry, move and exit rates with their uncertainty from SSDA903 returns.
    Calibrate(calibrate::CalibrateArgs),
    /// Fit on returns up to one year, forecast the later years, and compare with what happened.
    Backtest(backtest::BacktestArgs),
    /// Write synthetic SSDA903 returns (header and episodes per year) and their truth.json.
    Synth(synth::SynthArgs),
    /// Measure forecast accuracy across synthetic councils of six kinds (fit, forecast three years, score).
    Panel(panel::PanelArgs),
    /// List the built-in scenarios, or copy them into a folder to edit.
    Scenarios(scenarios::ScenariosArgs),
    /// Run a regional adoption partnership: contributions, inter-agency fees and each partner alone.
    Partnership(partnership::PartnershipArgs),
    /// Serve a page on this machine (127.0.0.1) to edit, run and compare scenarios in a browser.
    Serve(serve::ServeArgs),
}

/// A problem with what the user gave us: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Parses the command line and runs it.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    output::clean_up_on_interrupt();
    match cli.command.unwrap_or(Command::Run(run::RunArgs::default())) {
        Command::Run(a) => run::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Tornado(a) => tornado::run(a),
        Command::Report(a) => report::run(a),
        Command::Calibrate(a) => calibrate::run(a),
        Command::Backtest(a) => backtest::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Panel(a) => panel::run(a),
        Command::Scenarios(a) => scenarios::run(a),
        Command::Partnership(a) => partnership::run(a),
        Command::Serve(a) => serve::run(a),
    }
}

/// The exit code for an error: 2 for bad input, 1 for anything else.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<InputError>().is_some()
        || e.downcast_ref::<lacsim::scenario::Problems>().is_some()
    {
        2
    } else {
        1
    }
}

/// Whether the error is a closed pipe (`lacsim run | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
