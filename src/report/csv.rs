//! CSV renderers: each table as it is laid out (wide), and the tidy long form
//! (`year, scenario, metric, placement, statistic, value`) that pivot tables and
//! R/Python read directly.
//!
//! Notes convention: a CSV that holds money from a scenario on borrowed default
//! unit costs gains a last column, `notes`, holding the warning on every row
//! that holds money (empty on the others). On the council's own costs there is
//! no such column and the files are as before.

use super::table::{RowKind, Table};
use super::tidy::TidyRow;

/// The UTF-8 byte-order mark. Excel opens a CSV without it in the local code
/// page and turns "£'000s" into "Â£'000s"; with it, Excel reads UTF-8.
pub const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A CSV file's bytes as lacsim saves them: behind the byte-order mark, so
/// every CSV file opens in Excel with its pound signs. Stdout stays without it
/// (a mark there would end up inside the first column name of a pipe).
pub fn file(bytes: Vec<u8>) -> Vec<u8> {
    [BOM.as_slice(), &bytes].concat()
}

/// One table, wide: a label column then one column per year, values in the table's unit
/// to the pound (three decimals for £'000s); a table with a warning gains a
/// `notes` column holding it on every row.
pub fn wide(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id".to_string(), format!("label ({})", t.unit.label())];
    header.extend(t.columns.iter().cloned());
    if t.warning.is_some() {
        header.push("notes".into());
    }
    w.write_record(&header)?;
    for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
        let mut rec = vec![r.id.clone(), r.label.clone()];
        rec.extend(r.values.iter().map(|v| number(*v)));
        if let Some(warning) = &t.warning {
            // A row shorter than the years (none are) would shift the note.
            rec.resize(t.columns.len() + 2, String::new());
            rec.push(warning.clone());
        }
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Tidy rows, one value a line.
pub fn tidy(rows: &[TidyRow]) -> Result<Vec<u8>, csv::Error> {
    tidy_with_notes(rows, None)
}

/// Whether a tidy row's unit is money.
pub fn is_money_unit(unit: &str) -> bool {
    matches!(unit, "pounds" | "£'000s" | "£" | "£m")
}

/// Tidy rows, one value a line; with a `note` (the default-costs note), a last
/// column `notes` holds it on every row in pounds or £'000s.
pub fn tidy_with_notes(rows: &[TidyRow], note: Option<&str>) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let Some(note) = note else {
        for r in rows {
            w.serialize(r)?;
        }
        return w.into_inner().map_err(|e| e.into_error().into());
    };
    w.write_record([
        "year",
        "scenario",
        "metric",
        "placement",
        "statistic",
        "value",
        "unit",
        "notes",
    ])?;
    for r in rows {
        // Serialised as a tuple so numbers are written exactly as without notes.
        let n = if is_money_unit(r.unit) { note } else { "" };
        w.serialize((
            &r.year,
            &r.scenario,
            &r.metric,
            &r.placement,
            &r.statistic,
            r.value,
            r.unit,
            n,
        ))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A number with no more digits than it needs (to 1e-6).
pub fn number(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { "0".into() } else { format!("{r}") }
}
