//! `extends` chains: arrays of named tables merge by name (add, replace,
//! `[remove]`), and every problem names the file and line that holds it,
//! however deep in the chain.

use crate::common::lacsim;
use lacsim::scenario::{self, Loaded, Problems, builtin};
use predicates::prelude::*;
use std::path::Path;

fn read(p: &Path) -> std::io::Result<String> {
    if p.to_string_lossy().starts_with(builtin::PREFIX) {
        builtin::read(p)
    } else {
        std::fs::read_to_string(p)
    }
}

fn load(path: &Path) -> Result<Loaded, Problems> {
    scenario::load(path, &read)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_with(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in the file"))
        + 1
}

const MIDDLE: &str = r#"# extends the built-in plan: one line replaced, one added, one intervention replaced
extends = "builtin:staffordshire-2019/investment-plan.toml"

[[investment]]
group = "Model Investment"
lines = [
  { id = "asw", name = "ASW (revised)", amounts = [0, 0, 700, 700] },
  { id = "edge_of_care", name = "Edge of Care", amounts = [50, 100, 100] },
]

[[plan.hold]]
placement = "homes_hostels"
count = 90
from = "2023/24"
absorbed_by = "ifa"

[[stochastic.interventions]]
id = "fgc"
kind = "family_group_conferencing"
line = "fgc"
start = "2020-01"
ramp_months = 12
effects.entries = -0.1
"#;

const CHILD: &str = r#"extends = "middle.toml"

[savings]
given = [
  { id = "commissioning", name = "Commissioning", amounts = [0, 100, 200] },
]

[[investment]]
group = "Prevention"
total_label = "Prevention Total"
lines = [
  { id = "early_help", name = "Early Help", amounts = [10, 20] },
]

[remove]
investment = ["digital_review"]
caps = ["homes_hostels"]
interventions = ["cluster_model"]
"#;

fn ids<'a>(values: impl Iterator<Item = &'a toml::Value>, key: &str) -> Vec<String> {
    values
        .map(|v| v[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn named_tables_are_added_replaced_and_removed_through_a_three_file_chain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("middle.toml"), MIDDLE).unwrap();
    std::fs::write(dir.path().join("child.toml"), CHILD).unwrap();
    let loaded = load(&dir.path().join("child.toml")).unwrap_or_else(|e| panic!("{e}"));
    let s = &loaded.scenario;

    // Investment groups merge by `group`, their lines by `id`.
    let groups: Vec<&str> = s.investment.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        groups,
        ["Stabilisation Investment", "Model Investment", "Prevention"]
    );
    assert_eq!(s.investment[0].lines.len(), 7, "the base's lines all kept");
    let model = &s.investment[1];
    assert_eq!(model.total_label, "Ongoing Total", "the base's label kept");
    let model_ids: Vec<&str> = model.lines.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        model_ids,
        ["restorative_practice", "asw", "edge_of_care"],
        "a replaced line keeps its row, a new one is added at the end"
    );
    assert_eq!(model.lines[1].name, "ASW (revised)");
    assert_eq!(model.lines[1].amounts[..4], [0.0, 0.0, 700.0, 700.0]);
    assert_eq!(model.lines[2].amounts[..3], [50.0, 100.0, 100.0]);
    assert_eq!(s.investment[2].total_label, "Prevention Total");

    // Given savings merge by `id`.
    let given: Vec<&str> = s.given_savings.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(given, ["workforce", "commissioning"]);

    // Holds by `placement`: replaced, not doubled.
    let plan = s.plan.as_ref().unwrap();
    assert_eq!(plan.holds.len(), 1);
    assert_eq!(plan.holds[0].count, 90.0);

    // Interventions by `id`, caps by `placement`.
    let st = loaded.source.merged["stochastic"].as_table().unwrap();
    let interventions = st["interventions"].as_array().unwrap();
    let names = ids(interventions.iter(), "id");
    assert!(!names.contains(&"cluster_model".to_string()), "{names:?}");
    assert!(names.contains(&"court_team".to_string()), "{names:?}");
    assert_eq!(names.iter().filter(|n| *n == "fgc").count(), 1);
    assert_eq!(names[0], "fgc", "the file's own interventions come first");
    let fgc = &interventions[0];
    assert_eq!(fgc["start"].as_str(), Some("2020-01"));
    assert!(
        fgc.get("delay_months").is_none(),
        "the child's table replaces the base's whole"
    );
    assert!(
        st.get("caps")
            .is_none_or(|c| c.as_array().unwrap().is_empty())
    );
    assert!(!loaded.source.merged.contains_key("remove"));

    // The built-in plan itself is unchanged by all this.
    let plain = load(Path::new("builtin:staffordshire-2019/investment-plan.toml")).unwrap();
    assert_eq!(plain.scenario.investment[1].lines.len(), 3);

    // And the command line runs the chain.
    lacsim()
        .arg("run")
        .arg(dir.path().join("child.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Edge of Care"))
        .stdout(predicate::str::contains("Early Help"))
        .stdout(predicate::str::contains("Digital Review").not());
}

/// A complete scenario of its own, with a bad amount in the second line of a group.
const BASE: &str = r#"[authority]
name = "Testshire"

[years]
first = "2024/25"
count = 3

[cohort.by_type]
relative_friend_foster = 10
in_house_foster = 20
ifa = 30
homes_hostels = 5
placed_with_parents = 3
placed_for_adoption = 2
independent_living = 4
residential_school = 1
mother_baby = 0
other = 0

[unit_costs.yearly]
relative_friend_foster = 15000
in_house_foster = 20000
ifa = 45000
homes_hostels = 250000
placed_with_parents = 5000
placed_for_adoption = 5000
independent_living = 40000
residential_school = 150000
mother_baby = 80000
other = 30000

[do_nothing]
start_total = 75
growth_rate = 0.03

[[investment]]
group = "Early help"
lines = [
  { id = "first", name = "First", amounts = [10, 10] },
  { id = "bad", name = "Bad", amounts = [-5, 10] },
]
"#;

#[test]
fn a_problem_three_files_deep_names_that_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), BASE).unwrap();
    // The middle file renames the first line; the child removes it, so the bad
    // line is the group's first in the merged scenario and its second in base.toml.
    std::fs::write(
        dir.path().join("middle.toml"),
        "extends = \"base.toml\"\n\n[[investment]]\ngroup = \"Early help\"\nlines = [\n  { id = \"first\", name = \"First (renamed)\", amounts = [1] },\n]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("child.toml"),
        "extends = \"middle.toml\"\n\n[do_nothing]\ngrowth_rate = 0.04\n\n[remove]\ninvestment = [\"first\"]\n",
    )
    .unwrap();
    let child = dir.path().join("child.toml");
    let Err(Problems(problems)) = load(&child) else {
        panic!("a negative amount is refused");
    };
    let line = line_with(BASE, "id = \"bad\"");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert!(p.file.ends_with("base.toml"), "{p}");
    assert_eq!(p.line, Some(line), "{p}");
    assert_eq!(
        p.field.as_deref(),
        Some("investment[0].lines[0].amounts[0]")
    );

    lacsim()
        .arg("validate")
        .arg(&child)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "base.toml:{line}: investment[0].lines[0].amounts[0]"
        )))
        .stderr(predicate::str::contains("read as a scenario file"));

    // A value the middle file replaced is found in the middle file.
    std::fs::write(
        dir.path().join("middle.toml"),
        "extends = \"base.toml\"\n\n[[investment]]\ngroup = \"Early help\"\nlines = [\n  { id = \"bad\", name = \"Fixed\", amounts = [5] },\n  { id = \"new\", name = \"New\", amounts = [1, -2] },\n]\n",
    )
    .unwrap();
    let Err(Problems(problems)) = load(&child) else {
        panic!("a negative amount is refused");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].file.ends_with("middle.toml"), "{}", problems[0]);
    assert_eq!(problems[0].line, Some(7), "{}", problems[0]);
    assert_eq!(
        problems[0].field.as_deref(),
        Some("investment[0].lines[1].amounts[1]")
    );
}

#[test]
fn removing_what_the_base_does_not_have_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("child.toml"),
        "extends = \"builtin:staffordshire-2019/investment-plan.toml\"\n\n[remove]\ninvestment = [\"asw\",\n  \"no_such_line\"]\nholdz = [\"ifa\"]\n",
    )
    .unwrap();
    let Err(Problems(problems)) = load(&dir.path().join("child.toml")) else {
        panic!("refused");
    };
    let text = problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(problems.len(), 2, "{text}");
    assert!(
        text.contains(
            "child.toml:5: remove.investment[1]: no investment line with id `no_such_line`"
        ),
        "{text}"
    );
    assert!(
        text.contains("child.toml:6: remove.holdz: unknown list `holdz`"),
        "{text}"
    );
}

#[test]
fn a_replaced_group_keeps_its_place_and_takes_the_new_label() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("child.toml"),
        "extends = \"builtin:staffordshire-2019/investment-plan.toml\"\n\n[[investment]]\ngroup = \"Stabilisation Investment\"\ntotal_label = \"First Total\"\nlines = []\n\n[remove]\ninvestment_groups = [\"Model Investment\"]\n",
    )
    .unwrap();
    let loaded = load(&dir.path().join("child.toml")).unwrap_or_else(|e| panic!("{e}"));
    let inv = &loaded.scenario.investment;
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0].total_label, "First Total");
    assert_eq!(
        inv[0].lines.len(),
        7,
        "lines merge by id: an empty list adds none"
    );
}
