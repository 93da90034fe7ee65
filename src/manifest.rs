//! `run.json`: what produced an output folder, one typed struct for every
//! command, so `lacsim report DIR` can re-render without re-simulating and a
//! reviewer can trace every figure to its files, seed and version.
//!
//! Must not: read the clock or write files (the caller passes the time and
//! writes the bytes).

use serde::{Deserialize, Serialize};

/// Which model made the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The deterministic (paper) model.
    Deterministic,
    /// The Monte Carlo engine.
    MonteCarlo,
    /// A partnership on expected values.
    Expected,
    /// A partnership on Monte Carlo paths.
    Stochastic,
}

/// The contents of `run.json`. Keys are those earlier versions wrote; a
/// field that does not apply to a command is left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunManifest {
    /// The lacsim version that wrote the folder.
    pub lacsim_version: String,
    /// The command: `run`, `compare`, `sweep`, `tornado` or `partnership`.
    pub command: String,
    /// The model (absent for sweeps, which may mix both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Monte Carlo paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<u64>,
    /// Seed of the random streams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The scenario the user named (the invest scenario of `compare`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_path: Option<String>,
    /// SHA-256 of the scenario's files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_hash: Option<String>,
    /// The comparator of `compare`, as the user named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_nothing: Option<String>,
    /// The comparator's merged scenario, saved in the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator_file: Option<String>,
    /// The fields a sweep varied, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vary: Option<Vec<String>>,
    /// The partnership file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership_path: Option<String>,
    /// SHA-256 of the partnership's files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership_hash: Option<String>,
    /// Whose unit costs the scenario's money figures use (`source`: `council`
    /// or `default`, with the file's `note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_costs: Option<crate::scenario::UnitCostProvenance>,
    /// Whose unit costs the comparator of `compare` uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator_unit_costs: Option<crate::scenario::UnitCostProvenance>,
    /// The default-costs warning every output of the folder shows, when the
    /// figures use unit costs borrowed from another council.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_warning: Option<String>,
    /// When the folder was written, seconds since 1970.
    pub created_unix: u64,
}

impl RunManifest {
    /// A manifest for `command` at `created_unix`, every optional field empty.
    pub fn new(command: &str, created_unix: u64) -> RunManifest {
        RunManifest {
            lacsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            mode: None,
            paths: None,
            seed: None,
            scenario_path: None,
            scenario_hash: None,
            do_nothing: None,
            comparator_file: None,
            vary: None,
            partnership_path: None,
            partnership_hash: None,
            unit_costs: None,
            comparator_unit_costs: None,
            cost_warning: None,
            created_unix,
        }
    }

    /// With whose unit costs the scenario uses, and the default-costs warning
    /// of the figures (see [`crate::scenario::costs`]).
    pub fn costs(
        mut self,
        source: &crate::scenario::UnitCostProvenance,
        warning: Option<String>,
    ) -> RunManifest {
        self.unit_costs = Some(source.clone());
        self.cost_warning = warning;
        self
    }

    /// With the scenario the figures came from.
    pub fn scenario(mut self, path: &str, hash: &str) -> RunManifest {
        self.scenario_path = Some(path.to_string());
        self.scenario_hash = Some(hash.to_string());
        self
    }

    /// With the model that made the figures.
    pub fn mode(mut self, mode: Mode) -> RunManifest {
        self.mode = Some(mode);
        self
    }

    /// As pretty JSON.
    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_round_trips_and_leaves_out_what_does_not_apply() {
        let m = RunManifest::new("run", 7)
            .scenario("a.toml", "abc")
            .mode(Mode::MonteCarlo);
        let text = m.to_json();
        assert!(text.contains("\"mode\": \"monte_carlo\""));
        assert!(!text.contains("vary"));
        assert_eq!(serde_json::from_str::<RunManifest>(&text).unwrap(), m);
    }
}
