//! Format-neutral tables: built once from results, rendered by every format, so
//! every output shows the same numbers.

use serde::{Deserialize, Serialize};

/// The unit a table's values are in, which decides how they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Thousands of pounds, whole, negatives in brackets (Tables 1 and 3).
    Thousands,
    /// Millions of pounds to one decimal place (Appendix 5).
    Millions,
    /// Pounds, whole (Appendix 4 costs).
    Pounds,
    /// Children, whole.
    Children,
    /// Thousands of pounds to one decimal place (the Bexley, Kent and Medway budget table).
    Thousands1,
    /// Days, whole (adoption timeliness, A10 and A2).
    Days,
    /// Percentages, whole (probabilities).
    Percent,
}

impl Unit {
    /// The unit as printed in a column header.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Thousands => "£'000s",
            Unit::Millions => "£m",
            Unit::Pounds => "£",
            Unit::Children => "children",
            Unit::Thousands1 => "£'000s",
            Unit::Days => "days",
            Unit::Percent => "%",
        }
    }

    /// Whether values in this unit are money.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Unit::Thousands | Unit::Millions | Unit::Pounds | Unit::Thousands1
        )
    }

    /// Converts pounds-in-thousands into this unit's value.
    pub fn decimals(self) -> usize {
        match self {
            // Probabilities to 0.1%, as the terminal prints break-even.
            Unit::Millions | Unit::Thousands1 | Unit::Percent => 1,
            _ => 0,
        }
    }
}

/// What a row is, which decides its emphasis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A section heading with no values.
    Heading,
    /// An ordinary line.
    Line,
    /// A subtotal.
    Subtotal,
    /// A total or result line.
    Total,
}

/// One row of a table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// Stable identifier for machine-readable outputs, e.g. `investment_total`.
    pub id: String,
    /// The label as printed.
    pub label: String,
    /// One value per column (empty for headings).
    pub values: Vec<f64>,
    /// Emphasis.
    pub kind: RowKind,
}

/// A table laid out like the paper's: a label column, then one column per year.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    /// Stable identifier, used as a file name (`table1`, `table3`, ...).
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// Unit of every value.
    pub unit: Unit,
    /// Column headings (usually financial years).
    pub columns: Vec<String>,
    /// Rows in order.
    pub rows: Vec<Row>,
    /// Lines printed under the table, such as the break-even sentence.
    pub notes: Vec<String>,
    /// A warning every format shows beside the table: the default-costs warning
    /// of a money table (see [`crate::scenario::costs`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl Table {
    /// A new empty table.
    pub fn new(id: &str, title: impl Into<String>, unit: Unit, columns: Vec<String>) -> Table {
        Table {
            id: id.into(),
            title: title.into(),
            unit,
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
            warning: None,
        }
    }

    /// Appends a heading row.
    pub fn heading(&mut self, label: impl Into<String>) -> &mut Self {
        let label = label.into();
        self.rows.push(Row {
            id: slug(&label),
            label,
            values: Vec::new(),
            kind: RowKind::Heading,
        });
        self
    }

    /// Appends a row of values.
    pub fn row(
        &mut self,
        kind: RowKind,
        id: impl Into<String>,
        label: impl Into<String>,
        values: Vec<f64>,
    ) -> &mut Self {
        self.rows.push(Row {
            id: id.into(),
            label: label.into(),
            values,
            kind,
        });
        self
    }

    /// The row with this id.
    pub fn find(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == id)
    }
}

/// Puts `warning` beside every money table of `tables` (see [`Unit::is_money`]).
pub fn warn_money(tables: &mut [Table], warning: Option<&str>) {
    if let Some(w) = warning {
        for t in tables.iter_mut().filter(|t| t.unit.is_money()) {
            t.warning = Some(w.to_string());
        }
    }
}

/// A label turned into a `snake_case` identifier.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A value as the paper prints it: thousands separators, negatives in brackets, zero as "-".
pub fn format_value(v: f64, unit: Unit) -> String {
    let d = unit.decimals();
    let scale = 10f64.powi(d as i32);
    let r = (v * scale).round() / scale;
    if r == 0.0 {
        return "-".to_string();
    }
    let body = group_thousands(r.abs(), d);
    if r < 0.0 { format!("({body})") } else { body }
}

/// `1234567.8` with 1 decimal -> "1,234,567.8".
pub fn group_thousands(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_number_format() {
        assert_eq!(format_value(-7118.2, Unit::Thousands), "(7,118)");
        assert_eq!(format_value(190.4, Unit::Thousands), "190");
        assert_eq!(format_value(0.2, Unit::Thousands), "-");
        assert_eq!(format_value(57_220.0 / 1000.0, Unit::Millions), "57.2");
        assert_eq!(format_value(53_013_482.0, Unit::Pounds), "53,013,482");
        assert_eq!(format_value(-1_234_567.0, Unit::Pounds), "(1,234,567)");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("LAC SGO (Inc legal costs)"), "lac_sgo_inc_legal_costs");
        assert_eq!(
            slug("Return on Investment: (Surplus)/Deficit"),
            "return_on_investment_surplus_deficit"
        );
    }
}
