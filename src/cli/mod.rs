//! Command-line parsing and dispatch. Each subcommand lives in its own file.

mod compare;
mod input;
mod monte_carlo;
mod output;
mod run;
mod scenarios;
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
    /// List the built-in scenarios, or copy them into a folder to edit.
    Scenarios(scenarios::ScenariosArgs),
}

/// A problem with what the user gave us: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Parses the command line and runs it.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Run(run::RunArgs::default())) {
        Command::Run(a) => run::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Scenarios(a) => scenarios::run(a),
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
