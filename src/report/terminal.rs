//! Renders tables as aligned plain text for the terminal, laid out like the paper.

use super::table::{RowKind, Table, format_value};

/// Widths of a table's label column and value columns.
struct Layout {
    label: usize,
    columns: Vec<usize>,
}

impl Layout {
    fn of(t: &Table) -> Layout {
        let label = t
            .rows
            .iter()
            .map(|r| r.label.chars().count() + indent(r.kind))
            .chain([t.unit.label().len()])
            .max()
            .unwrap_or(0);
        let columns = (0..t.columns.len())
            .map(|c| {
                t.rows
                    .iter()
                    .filter_map(|r| r.values.get(c))
                    .map(|&v| format_value(v, t.unit).chars().count())
                    .chain([t.columns[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        Layout { label, columns }
    }

    /// The wider of two layouts of tables with the same columns.
    fn widen(&mut self, other: &Layout) {
        self.label = self.label.max(other.label);
        for (w, o) in self.columns.iter_mut().zip(&other.columns) {
            *w = (*w).max(*o);
        }
    }
}

/// Renders one table.
pub fn render(t: &Table) -> String {
    render_in(t, &Layout::of(t))
}

fn render_in(t: &Table, layout: &Layout) -> String {
    let (label_w, col_w) = (layout.label, &layout.columns);
    let rule_w = label_w + col_w.iter().map(|w| w + 2).sum::<usize>();
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(t.title.clone());
    if let Some(w) = &t.warning {
        for l in flagged(w, rule_w.max(78)).lines() {
            line(l.to_string());
        }
    }
    line("=".repeat(rule_w));
    let mut head = format!("{:<label_w$}", t.unit.label());
    for (c, w) in t.columns.iter().zip(col_w) {
        head.push_str(&format!("  {c:>w$}"));
    }
    line(head);
    line("-".repeat(rule_w));
    for (i, r) in t.rows.iter().enumerate() {
        // A total's rule, except straight under the header's own.
        if r.kind == RowKind::Total && i > 0 {
            line("-".repeat(rule_w));
        }
        let label = format!("{}{}", " ".repeat(indent(r.kind)), r.label);
        let mut text = format!("{label:<label_w$}");
        for (&v, w) in r.values.iter().zip(col_w) {
            text.push_str(&format!("  {:>w$}", format_value(v, t.unit)));
        }
        line(text);
    }
    for n in &t.notes {
        line(n.clone());
    }
    out
}

fn indent(kind: RowKind) -> usize {
    match kind {
        RowKind::Line => 2,
        _ => 0,
    }
}

/// Renders several tables separated by blank lines; tables with the same columns
/// share their widths, so a row common to two of them (Table 1 and Table 3's
/// return on investment) lines up.
pub fn render_all(tables: &[Table]) -> String {
    let layouts: Vec<Layout> = tables.iter().map(Layout::of).collect();
    tables
        .iter()
        .map(|t| {
            let mut layout = Layout::of(t);
            for (other, l) in tables.iter().zip(&layouts) {
                if other.columns == t.columns {
                    layout.widen(l);
                }
            }
            render_in(t, &layout)
        })
        .collect::<Vec<_>>()
        .join("\n")
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

/// Text in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A warning as lines of at most `width` characters, each starting "!! ", as
/// the terminal shows one beside a table.
pub fn flagged(text: &str, width: usize) -> String {
    wrap(text, width.max(20) - 3)
        .iter()
        .map(|l| format!("!! {l}\n"))
        .collect()
}

/// A warning in a box of `!`, wrapped to 78 columns, for stderr: what nobody
/// running the command should miss (the default-costs warning).
pub fn banner(text: &str) -> String {
    const WIDTH: usize = 78;
    let inner = WIDTH - 6;
    let rule = "!".repeat(WIDTH);
    let mut out = format!("{rule}\n");
    for l in wrap(text, inner) {
        let pad = inner.saturating_sub(l.chars().count());
        out.push_str(&format!("!! {l}{} !!\n", " ".repeat(pad)));
    }
    out.push_str(&rule);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_banner_wraps_inside_its_box() {
        let b = super::banner(
            "DEFAULT UNIT COSTS: a warning long enough to need two lines of the box, so it wraps at a word.",
        );
        let lines: Vec<&str> = b.lines().collect();
        assert_eq!(lines.len(), 4, "{b}");
        assert!(lines.iter().all(|l| l.chars().count() == 78), "{b}");
        assert!(lines[1].starts_with("!! DEFAULT UNIT COSTS: a warning"));
    }
}
