//! Reading a scenario and the files it extends, merging them, and finding the
//! line on which any field was written so that problems can name it.
//!
//! The library opens no files itself: the caller passes a [`SourceFiles`] that
//! returns a file's text (the command line reads the disk; the built-in
//! scenarios come from the binary).

use super::builtin;
use super::problem::Problem;
use std::collections::BTreeMap;
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
    /// Where each value of `merged` was written, shaped like it.
    pub origins: Origins,
}

/// Where a merged value was written: a file of the chain and the value's path
/// in that file's own document.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// Index of the file in [`Loaded::files`].
    pub file: usize,
    /// The value's path in that file, e.g. `investment[1].lines[0]`: after a
    /// merge by name it can differ from the value's path in the merged document.
    pub path: String,
}

/// The origin of every value of a merged document, shaped like the document.
#[derive(Debug, Clone)]
pub struct Origins {
    /// Where this value was written (for a table merged from several files,
    /// the last file that wrote it: the one nearest the user's).
    pub origin: Origin,
    children: Children,
}

#[derive(Debug, Clone)]
enum Children {
    Leaf,
    Table(BTreeMap<String, Origins>),
    Array(Vec<Origins>),
}

impl Origins {
    /// Every value of `value` as written at `path` in file `file`.
    fn of(value: &toml::Value, file: usize, path: String) -> Origins {
        let children = match value {
            toml::Value::Table(t) => Children::Table(Self::entries(t, file, &path)),
            toml::Value::Array(a) => Children::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Origins::of(v, file, format!("{path}[{i}]")))
                    .collect(),
            ),
            _ => Children::Leaf,
        };
        Origins {
            origin: Origin { file, path },
            children,
        }
    }

    /// A whole file's document.
    fn of_file(table: &toml::Table, file: usize) -> Origins {
        Origins {
            origin: Origin {
                file,
                path: String::new(),
            },
            children: Children::Table(Self::entries(table, file, "")),
        }
    }

    fn entries(t: &toml::Table, file: usize, path: &str) -> BTreeMap<String, Origins> {
        t.iter()
            .map(|(k, v)| (k.clone(), Origins::of(v, file, join(path, k))))
            .collect()
    }

    fn key_mut(&mut self, key: &str) -> Option<&mut Origins> {
        match &mut self.children {
            Children::Table(m) => m.get_mut(key),
            _ => None,
        }
    }

    /// The origin of the value at `steps` in the merged document, or of its
    /// deepest parent there, and how many steps were followed.
    fn find(&self, steps: &[Step]) -> (&Origin, usize) {
        let mut here = self;
        let mut used = 0;
        for step in steps {
            let next = match (step, &here.children) {
                (Step::Key(k), Children::Table(m)) => m.get(*k),
                (Step::Index(i), Children::Array(a)) => a.get(*i),
                _ => None,
            };
            let Some(next) = next else { break };
            here = next;
            used += 1;
        }
        (&here.origin, used)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
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
                io::ErrorKind::IsADirectory => {
                    "it is a folder; name a scenario file (.toml) in it".to_string()
                }
                io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
                _ => e.to_string(),
            };
            // A missing base is the fault of the file that names it.
            match chain.last() {
                Some(child) => vec![Problem::at(
                    &child.path.display().to_string(),
                    field_line(&child.text, "extends"),
                    "extends",
                    format!("cannot read the base scenario {shown}: {why}"),
                )],
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
                return Err(vec![Problem::at(
                    &shown,
                    line,
                    "extends",
                    "must be a string: the path of the base scenario, relative to this file",
                )]);
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
    let mut origins = Origins::of_file(&merged, tables.len() - 1);
    let mut problems = Vec::new();
    for (i, mut table) in tables.into_iter().enumerate().rev() {
        // What a file removes, it removes from what its bases give.
        if let Some(remove) = table.remove(REMOVE) {
            problems.extend(apply_removals(
                &mut merged,
                &mut origins,
                &remove,
                &chain[i],
            ));
        }
        let over = Origins::of_file(&table, i);
        merge_table(&mut merged, &mut origins, table, over, "");
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    merged.remove("extends");
    Ok(Loaded {
        merged,
        files: chain,
        origins,
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

/// How an array of tables merges by name: the key that names an element,
/// whether two elements of the same name merge key by key (investment groups,
/// whose lines then merge by id) or the file's element replaces the base's whole,
/// and where the file's elements go.
#[derive(Debug, Clone, Copy)]
struct Named {
    key: &'static str,
    deep: bool,
    /// The file's own elements first, in its order, then the base's others:
    /// for arrays whose order means nothing (interventions, caps, holds), so
    /// that in a file extending one base `interventions[0]` in a problem is the
    /// file's own first. Otherwise (rows of Table 1) a replaced element keeps
    /// the base's place and a new one goes at the end.
    own_first: bool,
}

/// The arrays of named tables, by their path in the document (`[]`: each element).
fn named(shape: &str) -> Option<Named> {
    let (key, deep, own_first) = match shape {
        "investment" => ("group", true, false),
        "investment[].lines" | "savings.given" => ("id", false, false),
        "stochastic.interventions" => ("id", false, true),
        "stochastic.caps" | "plan.hold" => ("placement", false, true),
        _ => return None,
    };
    Some(Named {
        key,
        deep,
        own_first,
    })
}

/// The top-level table of names to drop from the base files.
pub const REMOVE: &str = "remove";

/// `[remove]` keys: the array they drop from, the key that names its elements, and what they are.
const REMOVABLE: [(&str, &str, &str, &str); 6] = [
    (
        "investment_groups",
        "investment",
        "group",
        "investment group",
    ),
    ("investment", "investment[].lines", "id", "investment line"),
    ("savings", "savings.given", "id", "given savings line"),
    (
        "interventions",
        "stochastic.interventions",
        "id",
        "intervention",
    ),
    ("caps", "stochastic.caps", "placement", "cap"),
    ("holds", "plan.hold", "placement", "hold"),
];

fn name_of(v: &toml::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|n| n.as_str()).map(str::to_string)
}

/// Deep-merges `over` into `base`: tables merge key by key, arrays of named
/// tables merge by name, anything else is replaced; `origins` follows.
fn merge_table(
    base: &mut toml::Table,
    origins: &mut Origins,
    over: toml::Table,
    over_origins: Origins,
    shape: &str,
) {
    origins.origin = over_origins.origin.clone();
    let mut theirs = match over_origins.children {
        Children::Table(m) => m,
        _ => BTreeMap::new(),
    };
    if !matches!(origins.children, Children::Table(_)) {
        origins.children = Children::Table(BTreeMap::new());
    }
    let Children::Table(mine) = &mut origins.children else {
        return;
    };
    for (key, value) in over {
        let here = join(shape, &key);
        let o = theirs.remove(&key).unwrap_or_else(|| {
            Origins::of(
                &value,
                over_origins.origin.file,
                join(&over_origins.origin.path, &key),
            )
        });
        let rule = named(&here);
        match (base.get_mut(&key), mine.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), Some(bo), toml::Value::Table(v)) => {
                merge_table(b, bo, v, o, &here)
            }
            (Some(toml::Value::Array(b)), Some(bo), toml::Value::Array(v))
                if rule.is_some() && b.iter().chain(&v).all(toml::Value::is_table) =>
            {
                if let Some(rule) = rule {
                    merge_named(b, bo, v, o, &here, rule);
                }
            }
            (_, _, v) => {
                base.insert(key.clone(), v);
                mine.insert(key, o);
            }
        }
    }
}

/// Merges an array of named tables: a new name is added at the end, a name the
/// base has replaces (or, for investment groups, merges into) the base's element.
fn merge_named(
    base: &mut Vec<toml::Value>,
    origins: &mut Origins,
    over: Vec<toml::Value>,
    over_origins: Origins,
    shape: &str,
    rule: Named,
) {
    origins.origin = over_origins.origin.clone();
    let theirs = match over_origins.children {
        Children::Array(a) => a,
        _ => Vec::new(),
    };
    let Children::Array(mine) = &mut origins.children else {
        return;
    };
    // An element is matched once: two of one name in a file both stay, and validation names them.
    let mut taken = vec![false; base.len()];
    let mut landed = Vec::new();
    for (v, o) in over.into_iter().zip(theirs) {
        let name = name_of(&v, rule.key);
        let at = name.as_deref().and_then(|n| {
            (0..base.len())
                .find(|&i| !taken[i] && name_of(&base[i], rule.key).as_deref() == Some(n))
        });
        match at {
            Some(i) => {
                taken[i] = true;
                landed.push(i);
                match (&mut base[i], v) {
                    (toml::Value::Table(b), toml::Value::Table(t)) if rule.deep => {
                        merge_table(b, &mut mine[i], t, o, &format!("{shape}[]"));
                    }
                    (slot, v) => {
                        *slot = v;
                        mine[i] = o;
                    }
                }
            }
            None => {
                landed.push(base.len());
                base.push(v);
                mine.push(o);
                taken.push(true);
            }
        }
    }
    if rule.own_first {
        let order: Vec<usize> = landed
            .iter()
            .copied()
            .chain((0..base.len()).filter(|i| !taken[*i]))
            .collect();
        let mut values: Vec<Option<toml::Value>> = base.drain(..).map(Some).collect();
        let mut origins: Vec<Option<Origins>> = mine.drain(..).map(Some).collect();
        for i in order {
            if let (Some(v), Some(o)) = (values[i].take(), origins[i].take()) {
                base.push(v);
                mine.push(o);
            }
        }
    }
}

/// Applies one file's `[remove]` table to what its bases give.
fn apply_removals(
    merged: &mut toml::Table,
    origins: &mut Origins,
    remove: &toml::Value,
    file: &LoadedFile,
) -> Vec<Problem> {
    let shown = file.path.display().to_string();
    let allowed = REMOVABLE
        .iter()
        .map(|r| format!("`{}` ({}s)", r.0, r.3))
        .collect::<Vec<_>>()
        .join(", ");
    let problem = |field: &str, message: String| {
        Problem::at(&shown, field_line(&file.text, field), field, message)
    };
    let Some(table) = remove.as_table() else {
        return vec![problem(
            REMOVE,
            format!(
                "must be a table of lists of names, e.g. `[remove]` then `investment = [\"digital_review\"]`; keys: {allowed}"
            ),
        )];
    };
    let mut problems = Vec::new();
    for (key, names) in table {
        let field = format!("{REMOVE}.{key}");
        let Some(&(_, shape, name_key, what)) = REMOVABLE.iter().find(|r| r.0 == key) else {
            problems.push(problem(
                &field,
                format!("unknown list `{key}`; allowed: {allowed}"),
            ));
            continue;
        };
        let Some(names) = names.as_array() else {
            problems.push(problem(
                &field,
                format!("must be a list of {what} names, e.g. [\"name\"]"),
            ));
            continue;
        };
        let shape: Vec<&str> = shape.split('.').collect();
        for (j, n) in names.iter().enumerate() {
            let field = format!("{field}[{j}]");
            let Some(n) = n.as_str() else {
                problems.push(problem(
                    &field,
                    format!("must be the name of a {what} (a string), got {n}"),
                ));
                continue;
            };
            if !remove_named(merged, origins, &shape, name_key, n) {
                problems.push(problem(
                    &field,
                    format!(
                        "no {what} with {name_key} `{n}` in the scenarios this file extends, so nothing to remove"
                    ),
                ));
            }
        }
    }
    problems
}

/// Drops the elements named `name` from the array at `shape`; whether any was.
fn remove_named(
    table: &mut toml::Table,
    origins: &mut Origins,
    shape: &[&str],
    key: &str,
    name: &str,
) -> bool {
    let Some((first, rest)) = shape.split_first() else {
        return false;
    };
    let (k, each) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (*first, false),
    };
    let (Some(value), Some(o)) = (table.get_mut(k), origins.key_mut(k)) else {
        return false;
    };
    if !each && !rest.is_empty() {
        return match value {
            toml::Value::Table(t) => remove_named(t, o, rest, key, name),
            _ => false,
        };
    }
    let (toml::Value::Array(a), Children::Array(oa)) = (value, &mut o.children) else {
        return false;
    };
    if rest.is_empty() {
        let before = a.len();
        let mut i = 0;
        while i < a.len() {
            if name_of(&a[i], key).as_deref() == Some(name) {
                a.remove(i);
                if i < oa.len() {
                    oa.remove(i);
                }
            } else {
                i += 1;
            }
        }
        return a.len() < before;
    }
    let mut any = false;
    for (e, eo) in a.iter_mut().zip(oa.iter_mut()) {
        if let toml::Value::Table(t) = e {
            any |= remove_named(t, eo, rest, key, name);
        }
    }
    any
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
    // `.` is the current folder, not an empty name (which would be shown as
    // nothing in a message).
    if out.as_os_str().is_empty() {
        out.push(".");
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
    /// The file and line where `path` (or its deepest written parent) is
    /// written: the file each merged value came from, through any depth of
    /// `extends`, and the value's own place in that file (after a merge by
    /// name, `investment[2]` here may be `investment[0]` there).
    pub fn locate(&self, path: &str) -> (String, Option<usize>) {
        let steps = steps(path);
        let (origin, used) = self.origins.find(&steps);
        let mut local = origin.path.clone();
        for step in &steps[used..] {
            match step {
                Step::Key(k) => local = join(&local, k),
                Step::Index(i) => local.push_str(&format!("[{i}]")),
            }
        }
        let Some(f) = self.files.get(origin.file).or(self.files.first()) else {
            return (String::new(), None);
        };
        (
            f.path.display().to_string(),
            locate(&f.text, &local).map(|(line, _)| line),
        )
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

    fn chain(files: &[(&str, &str)]) -> Result<Loaded, Vec<Problem>> {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let read = move |p: &Path| -> io::Result<String> {
            files
                .iter()
                .find(|(name, _)| Path::new(name) == p)
                .map(|(_, t)| t.clone())
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        };
        load(Path::new("c.toml"), &read)
    }

    #[test]
    fn named_tables_merge_by_name_and_keep_their_origins() {
        let base = "[[stochastic.interventions]]\nid = \"a\"\nx = 1\n\n[[stochastic.interventions]]\nid = \"b\"\nx = 2\n";
        let mid = "extends = \"b.toml\"\n[[stochastic.interventions]]\nid = \"c\"\nx = 3\n";
        let child = "extends = \"m.toml\"\n[[stochastic.interventions]]\nid = \"b\"\ny = 4\n[remove]\ninterventions = [\"a\"]\n";
        let l = chain(&[("b.toml", base), ("m.toml", mid), ("c.toml", child)]).unwrap();
        let ids: Vec<&str> = l.merged["stochastic"]["interventions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap())
            .collect();
        // The child's own first, then what its bases give that it does not replace.
        assert_eq!(ids, ["b", "c"]);
        assert!(
            l.merged["stochastic"]["interventions"][0]
                .get("x")
                .is_none()
        );
        assert!(!l.merged.contains_key(REMOVE));
        assert_eq!(
            l.locate("stochastic.interventions[0].y"),
            ("c.toml".into(), Some(4))
        );
        assert_eq!(
            l.locate("stochastic.interventions[1].x"),
            ("m.toml".into(), Some(4))
        );
        // A field not written anywhere points at its deepest written parent,
        // here the `[[stochastic.interventions]]` header of the element.
        assert_eq!(
            l.locate("stochastic.interventions[1].kind"),
            ("m.toml".into(), Some(2))
        );
        let bad = "extends = \"m.toml\"\n[remove]\ninterventions = [\"zz\"]\n";
        let e = chain(&[("b.toml", base), ("m.toml", mid), ("c.toml", bad)]).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].file.as_str(), e[0].line), ("c.toml", Some(3)));
    }

    #[test]
    fn normalise_resolves_parent_dirs() {
        assert_eq!(
            normalise(Path::new("a/b/../c.toml")),
            PathBuf::from("a/c.toml")
        );
        assert_eq!(normalise(Path::new("./x.toml")), PathBuf::from("x.toml"));
        assert_eq!(normalise(Path::new(".")), PathBuf::from("."));
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
