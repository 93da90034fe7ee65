//! Numeric fields of a scenario addressed by their path in the file
//! (`do_nothing.growth_rate`, `unit_costs.yearly.ifa`, `plan.totals[6]`), so that
//! sweeps and the tornado can change any assumption and resolve the scenario again.

use std::fmt;

/// How to change a numeric field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Set the value (every element, for a list of numbers).
    Set(f64),
    /// Multiply the value (every element, for a list of numbers).
    Scale(f64),
    /// Replace whatever is there (a number, or a distribution table) with this number.
    Replace(f64),
}

/// Why a field path cannot be changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// No field at the path.
    #[error("no numeric field `{path}` in the scenario{}", suggest(.close))]
    Unknown {
        /// The path asked for.
        path: String,
        /// Numeric paths that are spelt nearly the same.
        close: Vec<String>,
    },
    /// The field exists but holds text or a table.
    #[error("`{path}` is {kind}, not a number: only numeric fields can be varied{}", suggest(.close))]
    NotNumeric {
        /// The path asked for.
        path: String,
        /// What it holds.
        kind: &'static str,
        /// Numeric fields under or near it.
        close: Vec<String>,
    },
}

fn suggest(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            close
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Short names users may type for common fields, and the paths they stand for.
pub const ALIASES: &[(&str, &str)] = &[
    ("growth.rate", "do_nothing.growth_rate"),
    ("growth_rate", "do_nothing.growth_rate"),
];

/// The path an alias stands for; `unit_costs.ifa` is short for `unit_costs.yearly.ifa`.
pub fn canonical(path: &str) -> String {
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == path) {
        return to.to_string();
    }
    if let Some(rest) = path.strip_prefix("unit_costs.")
        && crate::Placement::from_key(rest).is_some()
    {
        return format!("unit_costs.yearly.{rest}");
    }
    path.to_string()
}

/// Optional numeric fields whose absence means 0, so they can be varied even
/// when the file leaves them out (e.g. a sweep of the optimism-bias shortfall).
pub const ZERO_WHEN_ABSENT: &[&str] = &[
    "optimism_bias.investment",
    "optimism_bias.savings",
    "optimism_bias.delay_months",
];

/// Writes 0 at `path` if it is one of [`ZERO_WHEN_ABSENT`] and not in the file;
/// and a type's `unit_costs.uplift_by_type.<placement>`, absent, as the single
/// `unit_costs.uplift` it takes (so a sweep can vary one type's uplift alone).
fn fill_absent(table: &mut toml::Table, path: &str) {
    if let Some(p) = path.strip_prefix("unit_costs.uplift_by_type.")
        && crate::Placement::from_key(p).is_some()
        && let Some(toml::Value::Table(costs)) = table.get_mut("unit_costs")
    {
        let single = costs.get("uplift").and_then(as_number).unwrap_or(0.0);
        let by_type = costs
            .entry("uplift_by_type")
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let Some(t) = by_type.as_table_mut() {
            t.entry(p).or_insert(toml::Value::Float(single));
        }
        return;
    }
    let Some((section, key)) = path.split_once('.') else {
        return;
    };
    if !ZERO_WHEN_ABSENT.contains(&path) {
        return;
    }
    let entry = table
        .entry(section)
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let Some(t) = entry.as_table_mut() {
        t.entry(key).or_insert(toml::Value::Float(0.0));
    }
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Option<Vec<Seg<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Seg::Key(key));
        while !rest.is_empty() {
            let end = rest.find(']')?;
            out.push(Seg::Index(rest.get(1..end)?.parse().ok()?));
            rest = &rest[end + 1..];
        }
    }
    Some(out)
}

fn lookup<'a>(table: &'a mut toml::Table, path: &str) -> Option<&'a mut toml::Value> {
    let segs = segments(path)?;
    let mut iter = segs.into_iter();
    let Some(Seg::Key(first)) = iter.next() else {
        return None;
    };
    let mut cur = table.get_mut(first)?;
    for seg in iter {
        cur = match seg {
            Seg::Key(k) => cur.as_table_mut()?.get_mut(k)?,
            Seg::Index(i) => cur.as_array_mut()?.get_mut(i)?,
        };
    }
    Some(cur)
}

fn kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "text",
        toml::Value::Boolean(_) => "true/false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list that is not all numbers",
        toml::Value::Table(_) => "a table",
        _ => "a number",
    }
}

fn as_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The current value of a numeric field (the first element of a list of numbers).
pub fn get(table: &toml::Table, path: &str) -> Result<f64, FieldError> {
    let path = canonical(path);
    let mut t = table.clone();
    fill_absent(&mut t, &path);
    match lookup(&mut t, &path) {
        Some(v) => match v {
            toml::Value::Array(a) if !a.is_empty() && a.iter().all(|x| as_number(x).is_some()) => {
                Ok(as_number(&a[0]).unwrap_or(0.0))
            }
            other => as_number(other).ok_or_else(|| FieldError::NotNumeric {
                path: path.clone(),
                kind: kind(other),
                close: close_matches(table, &path),
            }),
        },
        None => Err(FieldError::Unknown {
            close: close_matches(table, &path),
            path,
        }),
    }
}

/// Every number of a numeric field: one for a number, all of them for a list of numbers.
pub fn values(table: &toml::Table, path: &str) -> Result<Vec<f64>, FieldError> {
    let path = canonical(path);
    let mut t = table.clone();
    fill_absent(&mut t, &path);
    match lookup(&mut t, &path) {
        Some(toml::Value::Array(a))
            if !a.is_empty() && a.iter().all(|x| as_number(x).is_some()) =>
        {
            Ok(a.iter().filter_map(as_number).collect())
        }
        Some(other) => as_number(other)
            .map(|v| vec![v])
            .ok_or_else(|| FieldError::NotNumeric {
                path: path.clone(),
                kind: kind(other),
                close: close_matches(table, &path),
            }),
        None => Err(FieldError::Unknown {
            close: close_matches(table, &path),
            path,
        }),
    }
}

/// The value at a field path (aliases resolved): a number, a list or a table
/// such as a `[stochastic]` distribution.
pub fn value<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let path = canonical(path);
    let segs = segments(&path)?;
    let mut iter = segs.into_iter();
    let Some(Seg::Key(first)) = iter.next() else {
        return None;
    };
    let mut cur = table.get(first)?;
    for seg in iter {
        cur = match seg {
            Seg::Key(k) => cur.as_table()?.get(k)?,
            Seg::Index(i) => cur.as_array()?.get(i)?,
        };
    }
    Some(cur)
}

/// The value at a field path (aliases resolved), to rewrite in place: a
/// number, a list or a table such as a `[stochastic]` distribution.
pub fn value_mut<'a>(table: &'a mut toml::Table, path: &str) -> Option<&'a mut toml::Value> {
    lookup(table, &canonical(path))
}

/// `x` as the value that replaces `old`: a whole number stays a TOML integer
/// where `old` was one, so fields that must be whole (`years.count`) can be
/// swept and scaled; anything else is a float.
fn number_like(old: &toml::Value, x: f64) -> toml::Value {
    // Whole numbers below 2^53 convert to i64 exactly.
    if matches!(old, toml::Value::Integer(_)) && x.fract() == 0.0 && x.abs() < 9.0e15 {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// Changes a numeric field (or every number of a list of numbers).
pub fn set(table: &mut toml::Table, path: &str, change: Change) -> Result<(), FieldError> {
    let path = canonical(path);
    fill_absent(table, &path);
    let close = close_matches(table, &path);
    let Some(v) = lookup(table, &path) else {
        return Err(FieldError::Unknown { path, close });
    };
    if let Change::Replace(x) = change {
        *v = number_like(v, x);
        return Ok(());
    }
    let apply = |x: f64| match change {
        Change::Set(s) | Change::Replace(s) => s,
        Change::Scale(f) => x * f,
    };
    match v {
        toml::Value::Array(a) if !a.is_empty() && a.iter().all(|x| as_number(x).is_some()) => {
            for x in a.iter_mut() {
                *x = number_like(x, apply(as_number(x).unwrap_or(0.0)));
            }
            Ok(())
        }
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            *v = number_like(v, apply(as_number(v).unwrap_or(0.0)));
            Ok(())
        }
        other => Err(FieldError::NotNumeric {
            kind: kind(other),
            path,
            close,
        }),
    }
}

/// Every numeric field (and list of numbers) in the document, as paths.
pub fn numeric_paths(table: &toml::Table) -> Vec<String> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::Integer(_) | toml::Value::Float(_) => out.push(prefix.to_string()),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(
                        &if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        },
                        v,
                        out,
                    );
                }
            }
            toml::Value::Array(a) => {
                if !a.is_empty() && a.iter().all(|x| as_number(x).is_some()) {
                    out.push(prefix.to_string());
                }
                for (i, x) in a.iter().enumerate() {
                    if !matches!(x, toml::Value::Integer(_) | toml::Value::Float(_)) {
                        walk(&format!("{prefix}[{i}]"), x, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in table {
        walk(k, v, &mut out);
    }
    out
}

/// Up to three numeric paths closest to `path` by edit distance, or under it.
pub fn close_matches(table: &toml::Table, path: &str) -> Vec<String> {
    let all = numeric_paths(table);
    let under: Vec<String> = all
        .iter()
        .filter(|p| p.starts_with(&format!("{path}.")))
        .take(3)
        .cloned()
        .collect();
    if !under.is_empty() {
        return under;
    }
    let mut scored: Vec<(usize, &String)> = all
        .iter()
        .map(|p| (strsim::levenshtein(p, path), p))
        .collect();
    scored.sort();
    let limit = (path.len() / 3).max(3);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(3)
        .map(|(_, p)| p.clone())
        .collect()
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Set(v) => write!(f, "= {v}"),
            Change::Scale(v) => write!(f, "× {v}"),
            Change::Replace(v) => write!(f, ":= {v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        toml::from_str("[do_nothing]\ngrowth_rate = 0.034\n[unit_costs.yearly]\nifa = 39613\n[authority]\nname = \"x\"\n[plan]\ntotals = [10, 20]\n").unwrap()
    }

    #[test]
    fn set_and_get_by_path_alias_and_index() {
        let mut d = doc();
        set(&mut d, "growth.rate", Change::Set(0.11)).unwrap();
        assert_eq!(get(&d, "do_nothing.growth_rate").unwrap(), 0.11);
        set(&mut d, "unit_costs.ifa", Change::Scale(2.0)).unwrap();
        assert_eq!(get(&d, "unit_costs.yearly.ifa").unwrap(), 79226.0);
        set(&mut d, "plan.totals[1]", Change::Set(5.0)).unwrap();
        set(&mut d, "plan.totals", Change::Scale(2.0)).unwrap();
        assert_eq!(get(&d, "plan.totals[1]").unwrap(), 10.0);
    }

    #[test]
    fn a_whole_number_field_stays_whole_when_set_to_a_whole_number() {
        let mut d: toml::Table = toml::from_str("[years]\ncount = 7\n").unwrap();
        set(&mut d, "years.count", Change::Set(3.0)).unwrap();
        assert_eq!(d["years"]["count"], toml::Value::Integer(3));
        // A fraction is kept as it is, for validation to refuse in a whole-number field.
        set(&mut d, "years.count", Change::Scale(1.5)).unwrap();
        assert_eq!(d["years"]["count"], toml::Value::Float(4.5));
        // A float field set to a whole number stays a float.
        let mut d: toml::Table = toml::from_str("[a]\nrate = 0.5\n").unwrap();
        set(&mut d, "a.rate", Change::Set(1.0)).unwrap();
        assert_eq!(d["a"]["rate"], toml::Value::Float(1.0));
    }

    #[test]
    fn a_types_uplift_absent_from_the_file_starts_at_the_single_rate() {
        let mut d = doc();
        d["unit_costs"]
            .as_table_mut()
            .unwrap()
            .insert("uplift".into(), toml::Value::Float(0.02));
        assert_eq!(get(&d, "unit_costs.uplift_by_type.ifa").unwrap(), 0.02);
        set(&mut d, "unit_costs.uplift_by_type.ifa", Change::Set(0.05)).unwrap();
        assert_eq!(get(&d, "unit_costs.uplift_by_type.ifa").unwrap(), 0.05);
        // The other types are not written: they keep taking the single rate.
        assert!(get(&d, "unit_costs.uplift_by_type.other").is_ok());
        assert_eq!(
            d["unit_costs"]["uplift_by_type"].as_table().unwrap().len(),
            1
        );
        assert!(get(&d, "unit_costs.uplift_by_type.ifx").is_err());
    }

    #[test]
    fn unknown_and_text_fields_are_errors_with_suggestions() {
        let mut d = doc();
        let e = set(&mut d, "do_nothing.growth_rat", Change::Set(1.0)).unwrap_err();
        assert!(e.to_string().contains("`do_nothing.growth_rate`"), "{e}");
        let e = set(&mut d, "authority.name", Change::Set(1.0)).unwrap_err();
        assert!(
            matches!(e, FieldError::NotNumeric { kind: "text", .. }),
            "{e}"
        );
    }
}
