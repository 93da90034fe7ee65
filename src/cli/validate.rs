//! `lacsim validate`: check scenario files and list every problem.

use super::{InputError, input};
use clap::Args;

/// Arguments of `lacsim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    pub files: Vec<String>,
}

/// Runs the command: prints `OK` or the problems for each file.
pub fn run(a: ValidateArgs) -> anyhow::Result<()> {
    let mut bad = 0;
    for f in &a.files {
        match input::load(Some(f)) {
            Ok(l) => println!(
                "{f}: OK ({}, {} years from {})",
                l.scenario.title,
                l.scenario.n_years(),
                l.scenario.years[0]
            ),
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        return Err(InputError(format!(
            "{bad} of {} scenario file{} not valid",
            a.files.len(),
            if a.files.len() == 1 { " is" } else { "s are" }
        ))
        .into());
    }
    Ok(())
}
