//! A council's unit costs file (`lacsim calibrate --costs`): the TOML
//! `[unit_costs]` (and `[post_care]`) tables of a scenario, or a CSV of yearly
//! or weekly costs by placement type, parsed from its text into one typed
//! [`CostsFile`] and checked. Every problem is reported at once, each naming
//! the file (and line or field) and what is allowed.
//!
//! Must not read files: it is given the text and the name to show.

use crate::placement::Placement;
use crate::scenario::file::UnitCostsFile;
use crate::scenario::stochastic::PostCareFile;
use crate::scenario::values::Pounds;
use serde::Deserialize;

/// Yearly unit costs (and post-care costs) a council supplies with `--costs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostsFile {
    /// `[unit_costs]`, as in a scenario file.
    pub unit_costs: UnitCostsFile,
    /// `[post_care]`: pounds per child per year in each pool, and the SGO
    /// legal cost (the fields of a scenario's `[stochastic.post_care]`).
    #[serde(default)]
    pub post_care: Option<PostCareFile>,
}

/// Why a costs file was refused: every problem found, one a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CostsError(pub String);

/// A TOML costs file: `[unit_costs]` with a cost for every placement type (and
/// optionally `[post_care]`). Values out of range are refused as the file is
/// read (the field's validated type says what is allowed).
pub fn parse_toml(shown: &str, text: &str) -> Result<CostsFile, CostsError> {
    let de = toml::Deserializer::parse(text)
        .map_err(|e| CostsError(format!("{shown}: not valid TOML: {}", e.message().trim())))?;
    let parsed: Result<CostsFile, _> = serde_path_to_error::deserialize(de);
    let mut problems = Vec::new();
    let given: [bool; crate::placement::N_PLACEMENTS] = match &parsed {
        Ok(costs) => costs.unit_costs.yearly.rows().map(Option::is_some),
        Err(e) => {
            problems.push(format!(
                "{shown}: {}: {}",
                e.path(),
                e.inner().message().trim()
            ));
            // Which types the table names, so a missing one is reported with
            // the refused value rather than after it is put right.
            let table: toml::Table = toml::from_str(text).unwrap_or_default();
            let yearly = table
                .get("unit_costs")
                .and_then(|u| u.get("yearly"))
                .and_then(toml::Value::as_table);
            Placement::ALL.map(|p| yearly.is_some_and(|y| y.contains_key(p.key())))
        }
    };
    for (p, _) in Placement::ALL.iter().zip(given).filter(|(_, g)| !g) {
        problems.push(format!(
            "{shown}: unit_costs.yearly.{}: missing: give a yearly cost for every placement type",
            p.key()
        ));
    }
    match parsed {
        Ok(costs) if problems.is_empty() => Ok(costs),
        _ => Err(CostsError(problems.join("\n"))),
    }
}

/// Weeks in a year, for costs given by the week (365 / 7).
const WEEKS_A_YEAR: f64 = 365.0 / 7.0;

/// Unit costs from a CSV: one row per placement type, a `placement` column (the
/// scenario key, e.g. `ifa`, or `foster` with a `provider` of `in_house` or
/// `external`), and a `yearly` or a `weekly` column of pounds per child.
pub fn parse_csv(shown: &str, text: &str) -> Result<CostsFile, CostsError> {
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let head: Vec<String> = r
        .headers()
        .map_err(|e| CostsError(format!("{shown}: not a readable CSV: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let col = |name: &str| head.iter().position(|h| h == name);
    let placement = col("placement").ok_or_else(|| {
        CostsError(format!(
            "{shown}: needs a `placement` column (and `yearly` or `weekly`); found {}",
            head.join(", ")
        ))
    })?;
    let (value, per_week) = match (col("yearly"), col("weekly")) {
        (Some(c), None) => (c, false),
        (None, Some(c)) => (c, true),
        _ => {
            return Err(CostsError(format!(
                "{shown}: give exactly one of the columns `yearly` and `weekly` (pounds per child)"
            )));
        }
    };
    let provider = col("provider");
    let mut costs: [Option<Pounds>; crate::placement::N_PLACEMENTS] = Default::default();
    let mut problems = Vec::new();
    for (i, row) in r.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                problems.push(format!("{shown}:{line}: not a readable row: {e}"));
                continue;
            }
        };
        let name = row.get(placement).unwrap_or("").to_ascii_lowercase();
        let who = provider
            .and_then(|c| row.get(c))
            .unwrap_or("")
            .to_ascii_lowercase();
        let p = match (name.as_str(), who.as_str()) {
            ("foster" | "fostering", "in_house" | "in-house" | "inhouse") => {
                Some(Placement::InHouseFoster)
            }
            ("foster" | "fostering", "external" | "agency" | "ifa") => Some(Placement::Ifa),
            (key, _) => Placement::from_key(key),
        };
        let Some(p) = p else {
            problems.push(format!(
                "{shown}:{line}: placement `{name}` is not one of {} (or `foster` with provider `in_house` or `external`)",
                Placement::keys_list()
            ));
            continue;
        };
        let raw = row.get(value).unwrap_or("").replace([',', '£'], "");
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => {
                if costs[p.index()].is_some() {
                    problems.push(format!("{shown}:{line}: {} is given twice", p.key()));
                }
                let yearly = if per_week { v * WEEKS_A_YEAR } else { v };
                // Refused with its line, as a scenario refuses it, not capped.
                match Pounds::try_from(yearly) {
                    Ok(pounds) => costs[p.index()] = Some(pounds),
                    Err(e) => {
                        problems.push(format!("{shown}:{line}: {}: a yearly cost {e}", p.key()))
                    }
                }
            }
            _ => problems.push(format!(
                "{shown}:{line}: {}: `{raw}` is not a cost of 0 or more pounds",
                head[value]
            )),
        }
    }
    for p in Placement::ALL {
        if costs[p.index()].is_none() {
            problems.push(format!(
                "{shown}: {}: missing: give a cost for every placement type",
                p.key()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(CostsError(problems.join("\n")));
    }
    Ok(CostsFile {
        unit_costs: crate::scenario::file::UnitCostsFile {
            price_year: None,
            uplift: 0.0,
            yearly: crate::scenario::file::PlacementTableFile::from_values(costs),
        },
        post_care: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEARLY: &str = "[unit_costs.yearly]\nrelative_friend_foster = 20000\nin_house_foster = 21000\nifa = 45000\nhomes_hostels = 250000\nplaced_with_parents = 0\nplaced_for_adoption = 0\nindependent_living = 50000\nresidential_school = 200000\nmother_baby = 60000\nother = 150000\n";

    #[test]
    fn a_refused_cost_and_a_missing_type_are_reported_together() {
        let e = parse_toml("c.toml", "[unit_costs.yearly]\nifa = -5\n").unwrap_err();
        assert!(
            e.0.contains("c.toml: unit_costs.yearly.ifa: must be 0 or more pounds, got -5"),
            "{e}"
        );
        assert!(
            e.0.contains("c.toml: unit_costs.yearly.other: missing"),
            "{e}"
        );
        assert!(!e.0.contains("yearly.ifa: missing"), "{e}");
    }

    #[test]
    fn post_care_takes_the_scenario_fields_and_names_a_wrong_one() {
        let ok = parse_toml(
            "c.toml",
            &format!("{YEARLY}[post_care]\nsgo_allowance = 8000\n"),
        )
        .unwrap();
        let pc = ok.post_care.unwrap();
        assert_eq!(f64::from(pc.sgo_allowance), 8000.0);
        assert_eq!(f64::from(pc.adoption_support), 0.0);
        let e = parse_toml(
            "c.toml",
            &format!("{YEARLY}[post_care]\nsgo_alowance = 8000\n"),
        )
        .unwrap_err();
        assert!(
            e.0.contains("c.toml: post_care.sgo_alowance: unknown field"),
            "{e}"
        );
        let e = parse_toml(
            "c.toml",
            &format!("{YEARLY}[post_care]\nsgo_legal_cost = -1\n"),
        )
        .unwrap_err();
        assert!(
            e.0.contains("post_care.sgo_legal_cost: must be 0 or more pounds, got -1"),
            "{e}"
        );
    }

    #[test]
    fn weekly_costs_in_a_csv_are_the_yearly_costs_of_a_year_of_365_days() {
        let mut rows = String::from("placement,weekly\n");
        for p in Placement::ALL {
            rows.push_str(&format!("{},700\n", p.key()));
        }
        let c = parse_csv("c.csv", &rows).unwrap();
        for v in c.unit_costs.yearly.values() {
            assert!((v.unwrap() - 36_500.0).abs() < 1e-9);
        }
        // A slip of zeros is refused with its line, never capped.
        let e = parse_csv("c.csv", "placement,yearly\nifa,52000000\n").unwrap_err();
        assert!(
            e.0.contains("c.csv:2: ifa: a yearly cost must be at most £10,000,000 for one child, got 52000000"),
            "{e}"
        );
        let e = parse_csv("c.csv", "placement,weekly\nifa,-3\n").unwrap_err();
        assert!(
            e.0.contains("c.csv:2: weekly: `-3` is not a cost of 0 or more pounds"),
            "{e}"
        );
    }
}
