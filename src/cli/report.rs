//! `lacsim report`: re-render a saved run's report without re-simulating.

use super::InputError;
use super::export;
use super::output::OutDir;
use clap::Args;
use lacsim::report::data::ReportData;
use std::path::PathBuf;

/// Arguments of `lacsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `lacsim run --out` (or `tornado --out`).
    pub run_dir: PathBuf,
    /// Write the report into this folder instead of back into RUN_DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files.
    #[arg(long)]
    pub force: bool,
}

/// Runs the command.
pub fn run(a: ReportArgs) -> anyhow::Result<()> {
    let dir = &a.run_dir;
    let not_a_run = |why: &str| {
        InputError(format!(
            "{}: not a lacsim run folder ({why}); make one with `lacsim run SCENARIO --out DIR`",
            dir.display()
        ))
    };
    if !dir.is_dir() {
        return Err(not_a_run("no such folder").into());
    }
    if !dir.join("run.json").is_file() {
        return Err(not_a_run("no run.json").into());
    }
    let text = std::fs::read_to_string(dir.join("report.json"))
        .map_err(|_| not_a_run("no readable report.json"))?;
    let data: ReportData = serde_json::from_str(&text).map_err(|e| {
        not_a_run(&format!(
            "report.json does not match this lacsim version: {e}"
        ))
    })?;
    match &a.out {
        Some(target) => {
            let out = OutDir::create(target, a.force)?;
            export::write_report(&out, &data)?;
            out.write("run.json", &std::fs::read(dir.join("run.json"))?)?;
            eprintln!("wrote {}", out.finish()?.display());
        }
        None => {
            // Re-render in place: render everything first, then replace the report files.
            let html = lacsim::report::html::render(&data);
            let xlsx = lacsim::report::xlsx::render(&data)?;
            std::fs::write(dir.join("report.html"), html)?;
            std::fs::write(dir.join("report.xlsx"), xlsx)?;
            eprintln!(
                "re-rendered report.html and report.xlsx in {}",
                dir.display()
            );
        }
    }
    Ok(())
}
