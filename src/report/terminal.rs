//! Renders tables as aligned plain text for the terminal, laid out like the paper.

use super::table::{RowKind, Table, format_value};

/// Renders one table.
pub fn render(t: &Table) -> String {
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.values.iter().map(|&v| format_value(v, t.unit)).collect())
        .collect();
    let label_w = t
        .rows
        .iter()
        .map(|r| r.label.chars().count() + indent(r.kind))
        .chain([t.unit.label().len()])
        .max()
        .unwrap_or(0);
    let col_w: Vec<usize> = (0..t.columns.len())
        .map(|c| {
            cells
                .iter()
                .filter_map(|row| row.get(c))
                .map(|s| s.chars().count())
                .chain([t.columns[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule_w = label_w + col_w.iter().map(|w| w + 2).sum::<usize>();
    let mut out = String::new();
    out.push_str(&t.title);
    out.push('\n');
    out.push_str(&"=".repeat(rule_w.min(t.title.chars().count().max(rule_w))));
    out.push('\n');
    out.push_str(&format!("{:<label_w$}", t.unit.label()));
    for (c, w) in t.columns.iter().zip(&col_w) {
        out.push_str(&format!("  {c:>w$}"));
    }
    out.push('\n');
    out.push_str(&"-".repeat(rule_w));
    out.push('\n');
    for (r, row_cells) in t.rows.iter().zip(&cells) {
        if r.kind == RowKind::Total {
            out.push_str(&"-".repeat(rule_w));
            out.push('\n');
        }
        let label = format!("{}{}", " ".repeat(indent(r.kind)), r.label);
        out.push_str(&format!("{label:<label_w$}"));
        for (v, w) in row_cells.iter().zip(&col_w) {
            out.push_str(&format!("  {v:>w$}"));
        }
        out.push('\n');
    }
    for n in &t.notes {
        out.push_str(n);
        out.push('\n');
    }
    out
}

fn indent(kind: RowKind) -> usize {
    match kind {
        RowKind::Line => 2,
        _ => 0,
    }
}

/// Renders several tables separated by blank lines.
pub fn render_all(tables: &[Table]) -> String {
    tables.iter().map(render).collect::<Vec<_>>().join("\n")
}

/// A plain grid of text cells: the first `left` columns aligned left, the rest right.
pub fn grid(head: &[String], rows: &[Vec<String>], left: usize) -> String {
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .chain([head[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (v, &w))| {
                if c < left {
                    format!("{v:<w$}")
                } else {
                    format!("{v:>w$}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(head);
    for r in rows {
        out.push_str(&line(r));
    }
    out
}
