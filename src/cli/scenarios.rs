//! `lacsim scenarios`: list the built-in scenarios and partnerships or copy them out to edit.

use super::InputError;
use anyhow::Context;
use clap::Args;
use lacsim::scenario::builtin;
use std::path::PathBuf;

/// Arguments of `lacsim scenarios`.
#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// Copy the built-in scenario and partnership files into this folder (which must not exist yet).
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

/// Runs the command.
pub fn run(a: ScenariosArgs) -> anyhow::Result<()> {
    let Some(dir) = a.export else {
        println!("Scenarios (`lacsim run NAME`):");
        for n in builtin::names() {
            println!("  {n}");
        }
        println!("Regional adoption partnerships (`lacsim partnership NAME`):");
        for n in builtin::partnerships() {
            println!("  {n}");
        }
        println!("\nCopy them all out to edit with `lacsim scenarios --export DIR`.");
        return Ok(());
    };
    if dir.exists() {
        return Err(InputError(format!(
            "--export {}: already exists; name a new folder",
            dir.display()
        ))
        .into());
    }
    for (name, text) in builtin::FILES {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir))
            .with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "wrote {} files under {}",
        builtin::FILES.len(),
        dir.display()
    );
    Ok(())
}
