//! Reading a scenario and the files it extends, merging them, and finding the
//! line on which any field was written so that problems can name it.
//!
//! The library opens no files itself: the caller passes a [`SourceFiles`] that
//! returns a file's text (the command line reads the disk; the built-in
//! scenarios come from the binary).

use super::builtin;
use super::problem::Problem;
use std::io;
use std::path::{Component, Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Somewhere scenario files can be read from.
pub trait SourceFiles {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<String>;
}

impl<F: Fn(&Path) -> io::Result<String>> SourceFiles for F {
    fn read(&self, path: &Path) -> io::Result<String> {
        self(path)
    }
}

/// One file of a scenario's `extends` chain, kept for locating fields.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Where the file came from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// The merged document and the chain of files it came from, child first.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged TOML table (child values override base values).
    pub merged: toml::Table,
    /// The files, the one named by the user first, then what it extends.
    pub files: Vec<LoadedFile>,
}

const MAX_EXTENDS_DEPTH: usize = 8;

/// Reads `path` and every file it extends, and merges them.
pub fn load(path: &Path, files: &dyn SourceFiles) -> Result<Loaded, Vec<Problem>> {
    let mut chain: Vec<LoadedFile> = Vec::new();
    let mut tables: Vec<toml::Table> = Vec::new();
    let mut next = Some(normalise(path));
    while let Some(current) = next.take() {
        let shown = current.display().to_string();
        if chain.iter().any(|f| f.path == current) {
            return Err(vec![Problem::file(
                &shown,
                "`extends` makes a cycle: this file extends itself through its base files",
            )]);
        }
        if chain.len() >= MAX_EXTENDS_DEPTH {
            return Err(vec![Problem::file(
                &shown,
                format!("`extends` chain is deeper than {MAX_EXTENDS_DEPTH} files"),
            )]);
        }
        let text = files.read(&current).map_err(|e| {
            let why = match e.kind() {
                // The built-ins' own message lists the names there are.
                io::ErrorKind::NotFound if shown.starts_with(builtin::PREFIX) => e.to_string(),
                io::ErrorKind::NotFound => "no such file".to_string(),
                io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
                _ => e.to_string(),
            };
            // A missing base is the fault of the file that names it.
            match chain.last() {
                Some(child) => vec![Problem {
                    file: child.path.display().to_string(),
                    line: field_line(&child.text, "extends"),
                    field: Some("extends".into()),
                    message: format!("cannot read the base scenario {shown}: {why}"),
                }],
                None => vec![Problem::file(
                    &shown,
                    format!("cannot read the scenario file: {why}"),
                )],
            }
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| line_of(&text, s.start));
            vec![Problem {
                file: shown.clone(),
                line,
                field: None,
                message: format!("not valid TOML: {}", e.message().trim()),
            }]
        })?;
        if let Some(ext) = table.get("extends") {
            let Some(rel) = ext.as_str() else {
                let line = field_line(&text, "extends");
                return Err(vec![Problem {
                    file: shown,
                    line,
                    field: Some("extends".into()),
                    message:
                        "must be a string: the path of the base scenario, relative to this file"
                            .into(),
                }]);
            };
            // A built-in base is named the same from anywhere.
            let base = if rel.starts_with(builtin::PREFIX) {
                PathBuf::from(rel)
            } else {
                current.parent().unwrap_or(Path::new("")).join(rel)
            };
            next = Some(normalise(&base));
        }
        let mut table = table;
        if !chain.is_empty() {
            rebase_partner_scenarios(&mut table, &current);
        }
        chain.push(LoadedFile {
            path: current,
            text,
        });
        tables.push(table);
    }
    let mut merged = toml::Table::new();
    for table in tables.into_iter().rev() {
        merge(&mut merged, table);
    }
    merged.remove("extends");
    Ok(Loaded {
        merged,
        files: chain,
    })
}

/// A partner's `scenario` path is relative to the file that names it: in a base
/// file (reached through `extends`) rebase it on that file's folder, so the file
/// that extends it can live anywhere: absolute on disk, `builtin:` for a built-in
/// base. Paths that are built-in already stay as they are.
fn rebase_partner_scenarios(table: &mut toml::Table, file: &Path) {
    let dir = file.parent().unwrap_or(Path::new(""));
    let Some(toml::Value::Array(partners)) = table.get_mut("partners") else {
        return;
    };
    for p in partners {
        if let Some(toml::Value::String(rel)) = p.get_mut("scenario") {
            if rel.starts_with(builtin::PREFIX) {
                continue;
            }
            let joined = dir.join(&*rel);
            let rebased = if file.to_string_lossy().starts_with(builtin::PREFIX) {
                Some(normalise(&joined))
            } else {
                std::path::absolute(&joined).ok().map(|a| normalise(&a))
            };
            if let Some(r) = rebased {
                *rel = r.display().to_string();
            }
        }
    }
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else is replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    // `builtin:a/../b.toml` is `builtin:b.toml`: the prefix is not a folder.
    if let Some(rest) = path.to_str().and_then(|p| p.strip_prefix(builtin::PREFIX)) {
        let inner = normalise(Path::new(rest));
        return PathBuf::from(format!("{}{}", builtin::PREFIX, inner.display()));
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            // `..` cancels a name before it, never another `..` or the root.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One step of a field path such as `investment[0].lines[2].amounts`.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(Step::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

/// Line of the deepest part of `path` written in `text`, and how many steps matched.
fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let doc = DeTable::parse(text).ok()?;
    let steps = steps(path);
    let mut best: Option<(usize, usize)> = None;
    let mut table: Option<&DeTable> = Some(doc.get_ref());
    let mut value: Option<&DeValue> = None;
    for (depth, step) in steps.iter().enumerate() {
        let found = match (step, table, value) {
            (Step::Key(k), Some(t), _) => t
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == *k)
                .map(|(key, v)| (key.span().start, v)),
            (Step::Index(i), _, Some(DeValue::Array(a))) => a.get(*i).map(|v| (v.span().start, v)),
            _ => None,
        };
        let Some((at, v)) = found else { break };
        best = Some((line_of(text, at), depth + 1));
        value = Some(v.get_ref());
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    best
}

/// The line on which a top-level or dotted `field` is written in `text`, if it is.
pub fn field_line(text: &str, field: &str) -> Option<usize> {
    locate(text, field).map(|(line, _)| line)
}

impl Loaded {
    /// The file and line where `path` (or its deepest written parent) is written.
    pub fn locate(&self, path: &str) -> (String, Option<usize>) {
        let mut best: Option<(&LoadedFile, usize, usize)> = None;
        for f in &self.files {
            if let Some((line, depth)) = locate(&f.text, path) {
                if best.is_none_or(|(_, _, d)| depth > d) {
                    best = Some((f, line, depth));
                }
            }
        }
        match best {
            Some((f, line, _)) => (f.path.display().to_string(), Some(line)),
            None => (self.files[0].path.display().to_string(), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_split_keys_and_indices() {
        assert_eq!(
            steps("investment[0].lines[2].amounts"),
            vec![
                Step::Key("investment"),
                Step::Index(0),
                Step::Key("lines"),
                Step::Index(2),
                Step::Key("amounts")
            ]
        );
    }

    #[test]
    fn locates_nested_fields_and_array_items() {
        let text = "a = 1\n[cohort.by_type]\nifa = 3\n\n[[investment]]\ngroup = \"x\"\nlines = [\n  { id = \"a\" },\n  { id = \"b\" },\n]\n";
        assert_eq!(locate(text, "cohort.by_type.ifa"), Some((3, 3)));
        assert_eq!(
            locate(text, "investment[0].lines[1].id").map(|l| l.0),
            Some(9)
        );
        assert_eq!(locate(text, "cohort.by_type.nope"), Some((2, 2)));
    }

    #[test]
    fn normalise_resolves_parent_dirs() {
        assert_eq!(
            normalise(Path::new("a/b/../c.toml")),
            PathBuf::from("a/c.toml")
        );
        assert_eq!(normalise(Path::new("./x.toml")), PathBuf::from("x.toml"));
        assert_eq!(
            normalise(Path::new("../../x.toml")),
            PathBuf::from("../../x.toml")
        );
        assert_eq!(normalise(Path::new("/../x.toml")), PathBuf::from("/x.toml"));
        assert_eq!(
            normalise(Path::new("builtin:t4c/../s/base.toml")),
            PathBuf::from("builtin:s/base.toml")
        );
    }
}
