//! Checks a merged scenario and resolves it into a [`Scenario`].
//!
//! Every problem is collected, not just the first: an analyst fixing a file
//! wants the whole list. Each names the file and line where the field is
//! written, the field path, and what is allowed. A number out of its own range
//! (a share, a rate, a count, money: [`super::values`]) is refused while the
//! file is read, set aside as 0 and reported with the rest; what is checked
//! here is what depends on more than one value.

use super::file::{LineFile, PlacementTableFile, RoundingFile, ScenarioFile};
use super::problem::Problem;
use super::source::Loaded;
use super::{
    Budget, DoNothing, Hold, InvestmentGroup, MoneyLine, Mtfs, OptimismBias, Plan, ReportTitles,
    Scenario,
};
use crate::placement::{ByPlacement, Placement};
use crate::year::FinancialYear;

/// Longest horizon accepted, in years.
pub const MAX_YEARS: i64 = 50;

/// Collects problems, locating each field in the files it came from.
pub(super) struct Checker<'a> {
    loaded: &'a Loaded,
    problems: Vec<Problem>,
    /// Fields whose values were refused while reading (and read again as 0).
    refused: Vec<String>,
    /// Whether `years.count` was valid: when it was not, the lengths of the
    /// yearly series are not held against the stand-in count (one problem,
    /// not one for every series).
    years_known: bool,
}

impl Checker<'_> {
    /// Records a problem with `field`, located in the files it came from.
    pub(super) fn push(&mut self, field: &str, message: impl Into<String>) {
        let (file, line) = self.loaded.locate(field);
        self.problems.push(Problem {
            file,
            line,
            field: Some(field.to_string()),
            message: message.into(),
        });
    }

    /// Whether a value at `field`, or within it, was refused while reading
    /// (so that checks of a whole table, such as shares adding up to 1, do
    /// not also report the 0 it was read again as).
    pub(super) fn refused_within(&self, field: &str) -> bool {
        self.refused.iter().any(|r| {
            r.strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }

    /// A finite number within `[lo, hi]`.
    pub(super) fn range(&mut self, field: &str, v: f64, lo: f64, hi: f64, what: &str) -> f64 {
        if !v.is_finite() || v < lo || v > hi {
            self.push(
                field,
                format!("{what} must be between {lo} and {hi}, got {v}"),
            );
        }
        v
    }

    /// A series of at most `n` finite values, padded with zeros to `n`.
    fn series(
        &mut self,
        field: &str,
        values: &[f64],
        n: usize,
        years: &[FinancialYear],
        non_negative: bool,
    ) -> Vec<f64> {
        if self.years_known && values.len() > n {
            self.push(
                field,
                format!(
                    "has {} values but the scenario covers {n} years ({} to {}); give at most one value per year",
                    values.len(),
                    years[0],
                    years[n - 1]
                ),
            );
        }
        for (i, v) in values.iter().enumerate() {
            if !v.is_finite() {
                self.push(
                    &format!("{field}[{i}]"),
                    format!("must be a number, got {v}"),
                );
            } else if non_negative && *v < 0.0 {
                self.push(
                    &format!("{field}[{i}]"),
                    format!("must be 0 or more (£'000s), got {v}"),
                );
            }
        }
        let mut out = values.to_vec();
        out.resize(n, 0.0);
        out.truncate(n);
        out
    }

    /// All ten placement types given (each checked where it was read).
    pub(super) fn placements<T: Copy + Into<f64>>(
        &mut self,
        field: &str,
        t: &PlacementTableFile<T>,
        what: &str,
    ) -> ByPlacement<f64> {
        let values = t.values();
        ByPlacement::from_fn(|p| match values[p.index()] {
            Some(v) => v,
            None => {
                self.push(
                    &format!("{field}.{}", p.key()),
                    format!(
                        "missing: give {what} for every placement type ({})",
                        Placement::keys_list()
                    ),
                );
                0.0
            }
        })
    }

    pub(super) fn placement_key(&mut self, field: &str, key: &str) -> Option<Placement> {
        let p = Placement::from_key(key);
        if p.is_none() {
            self.push(
                field,
                format!(
                    "unknown placement type `{key}`; allowed: {}",
                    Placement::keys_list()
                ),
            );
        }
        p
    }

    fn year_index(&mut self, field: &str, y: FinancialYear, years: &[FinancialYear]) -> usize {
        match years.iter().position(|&x| x == y) {
            Some(i) => i,
            None => {
                if !self.years_known {
                    return 0;
                }
                self.push(
                    field,
                    format!(
                        "year {y} is outside the scenario's years ({} to {})",
                        years[0],
                        years[years.len() - 1]
                    ),
                );
                0
            }
        }
    }

    fn money_lines(
        &mut self,
        field: &str,
        lines: &[LineFile],
        n: usize,
        years: &[FinancialYear],
        ids: &mut Vec<String>,
        non_negative: bool,
    ) -> Vec<MoneyLine> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let f = format!("{field}[{i}]");
                if !is_identifier(&l.id) {
                    self.push(&format!("{f}.id"), format!("`{}` is not a valid id: use lower-case letters, digits and underscores, starting with a letter", l.id));
                } else if ids.contains(&l.id) {
                    self.push(&format!("{f}.id"), format!("id `{}` is used twice; each line needs its own id", l.id));
                } else {
                    ids.push(l.id.clone());
                }
                let amounts = self.series(&format!("{f}.amounts"), &l.amounts, n, years, non_negative);
                MoneyLine { id: l.id.clone(), name: l.name.clone(), amounts }
            })
            .collect()
    }
}

/// Unknown keys and refused values set aside before giving up on reading the rest.
const MAX_SET_ASIDE: usize = 50;

/// Reads a refused number again as 0 (which every type of
/// [`super::values`] admits): when the error is not about the key or the
/// value's type and the value at `path` is a number. Whether it was.
fn zero_refused(table: &mut toml::Table, path: &serde_path_to_error::Path, message: &str) -> bool {
    use serde_path_to_error::Segment;
    if ["unknown field", "invalid type", "missing field"]
        .iter()
        .any(|m| message.starts_with(m))
    {
        return false;
    }
    let mut root = toml::Value::Table(std::mem::take(table));
    let mut here = Some(&mut root);
    for seg in path.iter() {
        here = match (here, seg) {
            (Some(toml::Value::Table(t)), Segment::Map { key }) => t.get_mut(key.as_str()),
            (Some(toml::Value::Array(a)), Segment::Seq { index }) => a.get_mut(*index),
            _ => None,
        };
    }
    let zeroed = match here {
        Some(v @ (toml::Value::Integer(_) | toml::Value::Float(_))) => {
            *v = toml::Value::Integer(0);
            true
        }
        _ => false,
    };
    if let toml::Value::Table(t) = root {
        *table = t;
    }
    zeroed
}

/// Removes the unknown key a serde error points at, walking the error's own
/// path (so a quoted key with a dot in it is one key). Only when the path ends at
/// the key the message names: a typo inside a value read as a whole (a
/// distribution) would otherwise take the whole value with it.
fn remove_unknown(
    table: &mut toml::Table,
    path: &serde_path_to_error::Path,
    message: &str,
) -> bool {
    use serde_path_to_error::Segment;
    let Some(key) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split_once('`'))
        .map(|(k, _)| k)
    else {
        return false;
    };
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((Segment::Map { key: last }, parents)) = segments.split_last() else {
        return false;
    };
    if last != key {
        return false;
    }
    let mut root = toml::Value::Table(std::mem::take(table));
    let mut here = Some(&mut root);
    for seg in parents {
        here = match (here, seg) {
            (Some(toml::Value::Table(t)), Segment::Map { key }) => t.get_mut(key.as_str()),
            (Some(toml::Value::Array(a)), Segment::Seq { index }) => a.get_mut(*index),
            _ => None,
        };
    }
    let removed = match here {
        Some(toml::Value::Table(t)) => t.remove(last.as_str()).is_some(),
        _ => false,
    };
    if let toml::Value::Table(t) = root {
        *table = t;
    }
    removed
}

/// Sorts problems in file order (the user's file first, then its bases), then by line.
pub(crate) fn sort_problems(loaded: &Loaded, problems: &mut [Problem]) {
    let rank = |p: &Problem| {
        let f = loaded
            .files
            .iter()
            .position(|f| f.path.display().to_string() == p.file);
        (f.unwrap_or(usize::MAX), p.line.unwrap_or(0))
    };
    problems.sort_by_key(rank);
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A merged document read as a [`ScenarioFile`], the problems found reading
/// it, and the fields whose values were refused (read again as 0).
pub(crate) struct Read<T = ScenarioFile> {
    pub(crate) file: T,
    pub(crate) problems: Vec<Problem>,
    refused: Vec<String>,
}

/// Reads the merged document. An unknown key is set aside and a number out of
/// its range read again as 0, and the rest read again, so that one typo or
/// one bad value does not hide every other problem; any other reading error
/// (a wrong type, a missing field) ends the list.
pub(crate) fn read<T: serde::de::DeserializeOwned>(
    loaded: &Loaded,
) -> Result<Read<T>, Vec<Problem>> {
    let mut merged = loaded.merged.clone();
    let mut problems: Vec<Problem> = Vec::new();
    let mut refused = Vec::new();
    loop {
        match serde_path_to_error::deserialize(toml::Value::Table(merged.clone())) {
            Ok(file) => {
                return Ok(Read {
                    file,
                    problems,
                    refused,
                });
            }
            Err(e) => {
                let path = e.path().to_string();
                let path = if path == "." { String::new() } else { path };
                let (file, line) = loaded.locate(&path);
                let raw = e.inner().to_string();
                let again = problems.len() < MAX_SET_ASIDE
                    && !problems
                        .iter()
                        .any(|p: &Problem| p.field.as_deref() == Some(&*path));
                let unknown = again && remove_unknown(&mut merged, e.path(), &raw);
                let zeroed = again && !unknown && zero_refused(&mut merged, e.path(), &raw);
                if zeroed {
                    refused.push(path.clone());
                }
                problems.push(Problem {
                    file,
                    line,
                    field: (!path.is_empty()).then_some(path),
                    message: explain_serde(&raw),
                });
                if !unknown && !zeroed {
                    sort_problems(loaded, &mut problems);
                    return Err(problems);
                }
            }
        }
    }
}

/// Reads the merged document as a [`ScenarioFile`], as [`resolve`] does
/// before its checks: every problem of reading it, or the file.
pub fn read_file(loaded: &Loaded) -> Result<ScenarioFile, Vec<Problem>> {
    match read(loaded)? {
        Read { file, problems, .. } if problems.is_empty() => Ok(file),
        Read { mut problems, .. } => {
            sort_problems(loaded, &mut problems);
            Err(problems)
        }
    }
}

/// Deserialises the merged document, then checks and resolves it.
pub fn resolve(loaded: &Loaded) -> Result<Scenario, Vec<Problem>> {
    let Read {
        file,
        problems,
        refused,
    } = read::<ScenarioFile>(loaded)?;
    let mut c = Checker {
        loaded,
        problems,
        refused,
        years_known: (1..=MAX_YEARS).contains(&file.years.count),
    };

    let count = if !(1..=MAX_YEARS).contains(&file.years.count) {
        c.push(
            "years.count",
            format!(
                "must be between 1 and {MAX_YEARS} years, got {}",
                file.years.count
            ),
        );
        1
    } else {
        file.years.count as usize
    };
    let years: Vec<FinancialYear> = (0..count as i32)
        .map(|i| file.years.first.plus(i))
        .collect();
    let n = years.len();

    let cohort = c.placements("cohort.by_type", &file.cohort.by_type, "a count");
    if let Some(total) = file.cohort.total.map(f64::from)
        && (cohort.total() - total).abs() > 1e-9
    {
        c.push(
            "cohort.total",
            format!(
                "is {total} but the counts in cohort.by_type add up to {}",
                cohort.total()
            ),
        );
    }

    let base_costs = c.placements(
        "unit_costs.yearly",
        &file.unit_costs.yearly,
        "a yearly cost in pounds",
    );
    let uplift = c.range(
        "unit_costs.uplift",
        file.unit_costs.uplift,
        -0.5,
        1.0,
        "the yearly uplift",
    );
    // A type the by-type table leaves out takes the single rate.
    let by_type = file.unit_costs.uplift_by_type.as_ref().map(|t| t.values());
    let unit_cost_uplift =
        ByPlacement::from_fn(|p| match by_type.as_ref().and_then(|v| v[p.index()]) {
            Some(v) => c.range(
                &format!("unit_costs.uplift_by_type.{}", p.key()),
                v,
                -0.5,
                1.0,
                "the yearly uplift",
            ),
            None => uplift,
        });
    let unit_cost_source = super::UnitCostProvenance {
        source: file.unit_costs.source,
        note: file.unit_costs.note.as_ref().map(|n| n.trim().to_string()),
    };
    if file
        .unit_costs
        .note
        .as_ref()
        .is_some_and(|n| n.trim().is_empty())
    {
        c.push(
            "unit_costs.note",
            "must not be empty: say what the costs are, or leave it out",
        );
    }
    let price_year = file.unit_costs.price_year.unwrap_or(years[0]);
    let unit_costs: Vec<ByPlacement<f64>> = years
        .iter()
        .map(|y| {
            let k = y.start_year() - price_year.start_year();
            ByPlacement::from_fn(|p| base_costs[p] * (1.0 + unit_cost_uplift[p]).powi(k))
        })
        .collect();

    let dn = &file.do_nothing;
    if dn.start_uasc > dn.start_total {
        c.push(
            "do_nothing.start_uasc",
            format!(
                "is {} but cannot exceed do_nothing.start_total ({})",
                dn.start_uasc, dn.start_total
            ),
        );
    }
    let do_nothing = DoNothing {
        compare_rates: dn.compare_rates.iter().map(|&r| r.into()).collect(),
        start_total: dn.start_total.into(),
        start_uasc: dn.start_uasc.into(),
        growth_rate: dn.growth_rate.into(),
        round_each_year: dn.rounding == RoundingFile::WholeChildrenEachYear,
    };

    let budget = file.budget.as_ref().map(|b| {
        if !b.base.is_finite() || b.base < 0.0 {
            c.push(
                "budget.base",
                format!("the base budget must be 0 or more (£'000s), got {}", b.base),
            );
        }
        let mut budget = Budget {
            name: b.name.clone().unwrap_or_else(|| "Placements budget".into()),
            base: vec![b.base; n],
            underlying_overspend: c.series(
                "budget.underlying_overspend",
                &b.underlying_overspend,
                n,
                &years,
                false,
            ),
            one_off_grants: c.series("budget.one_off_grants", &b.one_off_grants, n, &years, true),
            growth_costed_at: b.growth_costed_at.map(f64::from),
            growth_in_numbers: c.series(
                "budget.growth_in_numbers",
                &b.growth_in_numbers,
                n,
                &years,
                false,
            ),
            price_pressure: c.series("budget.price_pressure", &b.price_pressure, n, &years, false),
            repriced: None,
        };
        if let Some(at) = &b.costed_at_unit_costs {
            let costed = c.placements("budget.costed_at_unit_costs", at, "a yearly cost in pounds");
            budget.reprice(&cohort, &costed, &unit_costs[0]);
        }
        budget
    });

    let plan = file.plan.as_ref().map(|p| {
        if c.years_known && p.totals.len() != n {
            c.push("plan.totals", format!("has {} values but the scenario covers {n} years ({} to {}); give the target for 31 March of every year", p.totals.len(), years[0], years[n - 1]));
        }
        let mut totals: Vec<f64> = p.totals.iter().map(|&t| t.into()).collect();
        totals.resize(n, 0.0);
        let holds = p
            .hold
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let f = format!("plan.hold[{i}]");
                let placement = c.placement_key(&format!("{f}.placement"), &h.placement);
                let absorbed_by = c.placement_key(&format!("{f}.absorbed_by"), &h.absorbed_by);
                let from = c.year_index(&format!("{f}.from"), h.from, &years);
                if placement.is_some() && placement == absorbed_by {
                    c.push(&format!("{f}.absorbed_by"), "must name a different placement type from the one held");
                }
                Some(Hold { placement: placement?, count: h.count.into(), from, absorbed_by: absorbed_by? })
            })
            .collect();
        Plan { name: p.name.clone().unwrap_or_else(|| "Investment plan".into()), totals, first_year_share: p.first_year_share.into(), holds }
    });

    let mut ids = Vec::new();
    let investment: Vec<InvestmentGroup> = file
        .investment
        .iter()
        .enumerate()
        .map(|(i, g)| InvestmentGroup {
            name: g.group.clone(),
            total_label: g
                .total_label
                .clone()
                .unwrap_or_else(|| format!("{} Total", g.group)),
            lines: c.money_lines(
                &format!("investment[{i}].lines"),
                &g.lines,
                n,
                &years,
                &mut ids,
                true,
            ),
        })
        .collect();
    let given_savings = c.money_lines(
        "savings.given",
        &file.savings.given,
        n,
        &years,
        &mut ids,
        false,
    );
    let mtfs = file.mtfs.as_ref().map(|m| Mtfs {
        undelivered_savings: c.series(
            "mtfs.undelivered_savings",
            &m.undelivered_savings,
            n,
            &years,
            false,
        ),
    });

    let stochastic = file.stochastic.as_ref().map(|st| {
        let cx = super::stochastic::Context {
            cohort: &cohort,
            do_nothing: &do_nothing,
            first: years[0],
            lines: investment
                .iter()
                .flat_map(|g: &InvestmentGroup| g.lines.iter())
                .collect(),
        };
        super::stochastic::resolve(&mut c, st, &cx)
    });

    let uasc = file
        .uasc
        .as_ref()
        .map(|u| super::uasc::resolve(&mut c, u, stochastic.as_ref()));

    let optimism_bias = file
        .optimism_bias
        .as_ref()
        .map_or(OptimismBias::default(), |o| {
            let mut within = |field: &str, v: f64, hi: f64, what: &str| -> f64 {
                if v.is_finite() && (0.0..=hi).contains(&v) {
                    v
                } else {
                    c.push(
                        &format!("optimism_bias.{field}"),
                        format!("{what} must be between 0 and {hi}, got {v}"),
                    );
                    0.0
                }
            };
            OptimismBias {
                investment: within("investment", o.investment, 2.0, "an uplift"),
                savings: within("savings", o.savings, 1.0, "a shortfall"),
                delay_months: within("delay_months", o.delay_months, 120.0, "a delay in months"),
            }
        });
    // In the engine, savings arrive later because every intervention starts later.
    let mut stochastic = stochastic;
    if let Some(st) = stochastic.as_mut() {
        for iv in &mut st.interventions {
            iv.start_month += optimism_bias.delay_months;
        }
    }

    let report = file.report.clone().unwrap_or_default();
    for (field, v) in [
        ("title", &report.title),
        ("subtitle", &report.subtitle),
        ("author", &report.author),
        ("date", &report.date),
        ("summary", &report.summary),
    ] {
        if v.as_ref().is_some_and(|t| t.trim().is_empty()) {
            c.push(
                &format!("report.{field}"),
                "must not be empty: leave it out to use the default from [authority]",
            );
        }
    }
    let trimmed = |v: Option<String>| v.map(|t| t.trim().to_string());
    let report = ReportTitles {
        title: trimmed(report.title),
        subtitle: trimmed(report.subtitle),
        author: trimmed(report.author),
        date: trimmed(report.date),
        summary: trimmed(report.summary),
    };

    if !c.problems.is_empty() {
        sort_problems(loaded, &mut c.problems);
        return Err(c.problems);
    }
    let title = file.authority.title.clone().unwrap_or_else(|| match &plan {
        Some(p) => p.name.clone(),
        None => format!("Do nothing at {}% growth", fmt_rate(dn.growth_rate.get())),
    });
    Ok(Scenario {
        authority: file.authority.name,
        title,
        source: file.authority.source,
        years,
        cohort,
        unit_costs,
        unit_cost_uplift,
        unit_cost_source,
        do_nothing,
        budget,
        plan,
        investment,
        given_savings,
        mtfs,
        stochastic,
        uasc,
        optimism_bias,
        report,
    })
}

/// A rate as a percentage without trailing zeros: 0.034 -> "3.4".
pub fn fmt_rate(rate: f64) -> String {
    // Titles, not inputs: a fitted 3.3517% reads as 3.35%.
    let s = format!("{:.2}", rate * 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Rewords serde's messages for analysts.
pub fn explain_serde(msg: &str) -> String {
    // toml repeats the field's path on a line of its own; the problem names it already.
    let msg = msg.split("\nin `").next().unwrap_or(msg).trim_end();
    let msg = msg
        .replace("invalid type: integer", "wrong type: a whole number")
        .replace("invalid type: floating point", "wrong type: a number")
        .replace("invalid type:", "wrong type:")
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number")
        .replace("expected i64", "expected a whole number")
        .replace("expected i32", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected usize", "expected a whole number");
    if msg.starts_with("missing field") {
        return format!("{msg}: this field is required");
    }
    match did_you_mean(&msg) {
        Some(close) => format!("{msg}; did you mean `{close}`?"),
        None => msg,
    }
}

/// For "unknown field `x`, expected one of `a`, `b`": the allowed name spelt
/// most like `x`, when it is close enough to be a typo.
fn did_you_mean(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (typed, allowed) = rest.split_once('`')?;
    // Jaro-Winkler weighs a shared start, the usual shape of a typo in a key.
    allowed
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|a| (strsim::jaro_winkler(typed, a), a))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, a)| a.to_string())
}

#[cfg(test)]
mod tests {
    use super::explain_serde;

    #[test]
    fn serde_messages_read_as_plain_english_with_a_guess_at_typos() {
        assert_eq!(
            explain_serde("invalid type: string \"1255\", expected f64\nin `cohort.total`\n"),
            "wrong type: string \"1255\", expected a number"
        );
        assert_eq!(
            explain_serde("unknown field `growht`, expected one of `start_total`, `growth_rate`"),
            "unknown field `growht`, expected one of `start_total`, `growth_rate`; did you mean `growth_rate`?"
        );
        // Nothing close: no guess.
        assert_eq!(
            explain_serde("unknown field `xyz`, expected `ifa` or `other`"),
            "unknown field `xyz`, expected `ifa` or `other`"
        );
        assert_eq!(
            explain_serde("missing field `years`"),
            "missing field `years`: this field is required"
        );
    }
}
