//! The reference scenarios and partnerships compiled into the binary, so `lacsim run` and `lacsim partnership` work from any folder.

use std::io;
use std::path::Path;

/// Prefix that marks a built-in scenario path.
pub const PREFIX: &str = "builtin:";

/// The built-in files: (path after the prefix, text).
pub const FILES: &[(&str, &str)] = &[
    (
        "staffordshire-2019/base.toml",
        include_str!("../../scenarios/staffordshire-2019/base.toml"),
    ),
    (
        "staffordshire-2019/do-nothing-3.4.toml",
        include_str!("../../scenarios/staffordshire-2019/do-nothing-3.4.toml"),
    ),
    (
        "staffordshire-2019/do-nothing-11.toml",
        include_str!("../../scenarios/staffordshire-2019/do-nothing-11.toml"),
    ),
    (
        "staffordshire-2019/investment-plan.toml",
        include_str!("../../scenarios/staffordshire-2019/investment-plan.toml"),
    ),
    (
        "together4children/partnership.toml",
        include_str!("../../scenarios/together4children/partnership.toml"),
    ),
    (
        "bexley-kent-medway/partnership.toml",
        include_str!("../../scenarios/bexley-kent-medway/partnership.toml"),
    ),
];

/// The default scenario: the Staffordshire 2019 investment plan.
pub const DEFAULT: &str = "builtin:staffordshire-2019/investment-plan.toml";

/// Reads a built-in file given as `builtin:NAME`.
pub fn read(path: &Path) -> io::Result<String> {
    let s = path.to_string_lossy();
    let name = s.strip_prefix(PREFIX).unwrap_or(&s);
    FILES
        .iter()
        .find(|(n, _)| *n == name || n.strip_suffix(".toml") == Some(name))
        .map(|(_, text)| text.to_string())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "no built-in scenario `{name}`; built-ins are: {}",
                    names().join(", ")
                ),
            )
        })
}

/// Names of the built-in scenarios a user can run (base files and partnerships excluded).
pub fn names() -> Vec<String> {
    FILES
        .iter()
        .filter(|(n, _)| !n.ends_with("base.toml") && !is_partnership(n))
        .map(|(n, _)| format!("{PREFIX}{n}"))
        .collect()
}

/// Names of the built-in partnership files (`lacsim partnership NAME`).
pub fn partnerships() -> Vec<String> {
    FILES
        .iter()
        .filter(|(n, _)| is_partnership(n))
        .map(|(n, _)| format!("{PREFIX}{n}"))
        .collect()
}

fn is_partnership(name: &str) -> bool {
    name.ends_with("partnership.toml")
}
