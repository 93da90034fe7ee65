//! A problem found in a scenario: which file, which line, which field, and what is allowed.

use std::fmt;

/// One problem with a scenario file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// The file in which the field is written.
    pub file: String,
    /// The 1-based line, when the field is written in the file.
    pub line: Option<usize>,
    /// The field path, e.g. `cohort.by_type.ifa`.
    pub field: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    /// A problem with a whole file rather than one field.
    pub fn file(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem with `field`, written at `line` of `file` (when it is written there).
    pub fn at(file: &str, line: Option<usize>, field: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            line,
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a scenario, in file order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", render(.0))]
pub struct Problems(pub Vec<Problem>);

fn render(problems: &[Problem]) -> String {
    let n = problems.len();
    let mut out = format!(
        // Said of scenario and partnership files alike.
        "{n} problem{} in the file:",
        if n == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}
