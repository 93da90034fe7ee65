//! `[uasc]`: the unaccompanied asylum-seeking children (UASC) among a
//! scenario's children: the serde mirror of the table, its checks and the
//! resolved form.
//!
//! `lacsim calibrate` writes the section from the returns (the UASC in the
//! fit date's census by placement type and age band, and the mean UASC entries
//! a year by age band at entry); [`crate::uasc`] forecasts them apart from the
//! other children. A scenario without the section is unchanged. Owns what the
//! section says; runs nothing.

use super::file::PlacementTableFile;
use super::stochastic::{AgeTableFile, Stochastic, start_children};
use super::validate::Checker;
use super::values::{Count, PerYear};
use crate::age::{AgeBand, N_AGE_BANDS};
use crate::model::Grid;
use crate::placement::Placement;
use serde::{Deserialize, Serialize};

/// `[uasc]` as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UascFile {
    /// The UASC among the opening census (`[stochastic]`'s children), by
    /// placement type and age band (a missing type or band is 0).
    pub census: PlacementTableFile<AgeTableFile<Count>>,
    /// UASC entering care a year, by age band at entry (a missing band is 0).
    pub entries_per_year: AgeTableFile<PerYear>,
}

/// The resolved `[uasc]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uasc {
    /// UASC in the opening census, by placement type and age band.
    pub census: Grid,
    /// UASC entering care a year, by age band at entry.
    pub entries_per_year: [f64; N_AGE_BANDS],
}

impl Uasc {
    /// UASC in the opening census.
    pub fn census_total(&self) -> f64 {
        self.census.iter().flatten().sum()
    }

    /// UASC entering care a year, all ages.
    pub fn entries_total(&self) -> f64 {
        self.entries_per_year.iter().sum()
    }
}

/// Checks `[uasc]` against the opening census it is part of (`None` when the
/// scenario has no `[stochastic]`: the forecast needs the engine's rates).
pub(super) fn resolve(c: &mut Checker, f: &UascFile, st: Option<&Stochastic>) -> Uasc {
    let census = start_children(&f.census);
    let entries_per_year = f.entries_per_year.values().map(|v| v.unwrap_or(0.0));
    match st {
        None => c.push(
            "uasc",
            "needs a [stochastic] section: the UASC forecast runs the engine's expected-value model on its rates",
        ),
        Some(st) => {
            for p in Placement::ALL {
                for a in AgeBand::ALL {
                    let (u, all) = (census[p.index()][a.index()], st.start[p.index()][a.index()]);
                    let field = format!("uasc.census.{}.{}", p.key(), a.key());
                    // A refused count, read again as 0, is reported once already.
                    let refused = c.refused_within(&field)
                        || c.refused_within(&format!(
                            "stochastic.start_children.{}.{}",
                            p.key(),
                            a.key()
                        ));
                    if u > all + 1e-9 && !refused {
                        c.push(
                            &field,
                            format!(
                                "{u} UASC, but the opening census has {all} children of this placement type and age band: the UASC are part of it, so give at most {all}"
                            ),
                        );
                    }
                }
            }
            // UASC entries are part of all entries: more of them than the
            // scenario's first-year entries in a band would make the
            // forecast excluding UASC negative.
            if let Some(total) = st.entries.per_year {
                for a in AgeBand::ALL {
                    let (u, all) = (
                        entries_per_year[a.index()],
                        total * st.entries.by_age[a.index()],
                    );
                    let field = format!("uasc.entries_per_year.{}", a.key());
                    if u > all + 1e-9 && !c.refused_within(&field) {
                        c.push(
                            &field,
                            format!(
                                "{u} UASC entries a year, but the scenario expects {all:.1} entries a year of this age band in all (stochastic.entries): the UASC are part of them, so give at most that"
                            ),
                        );
                    }
                }
            }
        }
    }
    Uasc {
        census,
        entries_per_year,
    }
}
