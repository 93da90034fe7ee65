//! Helpers shared by the integration tests.

use lacsim::scenario::{self, Loaded, builtin};
use std::path::Path;

/// Loads a scenario from the repository's `scenarios/` folder.
pub fn load_file(rel: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(rel);
    scenario::load(&path, &|p: &Path| std::fs::read_to_string(p)).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads a built-in scenario by name, e.g. `staffordshire-2019/investment-plan.toml`.
pub fn load_builtin(name: &str) -> Loaded {
    let path = format!("{}{name}", builtin::PREFIX);
    scenario::load(Path::new(&path), &builtin::read).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts two £'000 series agree within `tol` in every year.
pub fn assert_series(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol,
            "{what}[{i}]: got {g}, want {w} (tolerance {tol})\n  got:  {got:?}\n  want: {want:?}"
        );
    }
}

/// The `lacsim` binary, ready to be given arguments.
pub fn lacsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("lacsim").expect("binary built")
}
