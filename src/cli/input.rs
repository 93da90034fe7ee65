//! Reading scenarios from disk or from the built-ins.

use lacsim::scenario::{self, Loaded, builtin};
use std::io;
use std::path::Path;

/// Reads a file from disk, or a built-in when the path starts with `builtin:`.
pub fn read_source(path: &Path) -> io::Result<String> {
    if path.to_string_lossy().starts_with(builtin::PREFIX) {
        builtin::read(path)
    } else {
        std::fs::read_to_string(path)
    }
}

/// Loads the named scenario, or the default built-in when none is named.
pub fn load(path: Option<&str>) -> anyhow::Result<Loaded> {
    let name = path.unwrap_or(builtin::DEFAULT);
    Ok(scenario::load(Path::new(name), &read_source)?)
}
