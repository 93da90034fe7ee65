//! Checks a partnership file and resolves it into a [`Partnership`].
//!
//! Like the scenario checker, every problem is collected: each names the file
//! and line, the field path (`partners[1].pathway.match_rate`), the partner
//! when there is one, and what is allowed. A partner's own scenario, when
//! named, is validated with [`crate::scenario::load`] and its problems are
//! listed under the partner.

use super::file::{PartnerFile, PartnershipFile};
use super::pathway::{PathwayParams, Stocks};
use super::{
    Attribution, Fees, Function, Hub, HubKind, Measure, Overspend, Partner, Partnership, Rule,
};
use crate::scenario::source::Loaded;
use crate::scenario::values::MAX_CHILDREN;
use crate::scenario::{Problem, SourceFiles};
use crate::year::FinancialYear;
use std::path::Path;

/// Longest horizon accepted, in years.
pub const MAX_YEARS: i64 = 50;

/// Tolerance on shares summing to 1.
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// Collects problems, locating each field in the file.
struct Checker<'a> {
    loaded: &'a Loaded,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn push(&mut self, field: &str, message: impl Into<String>) {
        let (file, line) = self.loaded.locate(field);
        self.problems.push(Problem {
            file,
            line,
            field: Some(field.to_string()),
            message: message.into(),
        });
    }

    /// A rate within [0, 1].
    fn rate(&mut self, field: &str, who: &str, v: f64) -> f64 {
        if !v.is_finite() || !(0.0..=1.0).contains(&v) {
            self.push(
                field,
                format!("{who}a rate must be between 0 and 1 (0.25 is 25%), got {v}"),
            );
        }
        v
    }

    /// A number of zero or more (days, pounds), at most a billion: beyond
    /// is a slip of zeros, not a partnership.
    fn non_negative(&mut self, field: &str, who: &str, what: &str, v: f64) -> f64 {
        if !v.is_finite() || v < 0.0 {
            self.push(field, format!("{who}{what} must be 0 or more, got {v}"));
        } else if v > 1e9 {
            self.push(
                field,
                format!("{who}{what} must be at most 1,000,000,000, got {v}"),
            );
        }
        v
    }

    /// Children or households a year, 0 to [`MAX_CHILDREN`] (more than all
    /// the children in care in England).
    fn per_year(&mut self, field: &str, who: &str, what: &str, v: f64) -> f64 {
        if v.is_finite() && v > MAX_CHILDREN {
            self.push(
                field,
                format!("{who}{what} must be at most 100,000, got {v}"),
            );
            return v;
        }
        self.non_negative(field, who, what, v)
    }

    /// A whole number of children or households, zero or more.
    fn count(&mut self, field: &str, who: &str, v: f64) -> f64 {
        if !v.is_finite() || v < 0.0 {
            self.push(field, format!("{who}a count must be 0 or more, got {v}"));
        } else if v.fract() != 0.0 {
            self.push(
                field,
                format!("{who}a count must be a whole number, got {v}"),
            );
        }
        v
    }

    fn identifier(&mut self, field: &str, id: &str, seen: &mut Vec<String>, what: &str) {
        if !is_identifier(id) {
            self.push(
                field,
                format!("`{id}` is not a valid id: use lower-case letters, digits and underscores, starting with a letter"),
            );
        } else if seen.iter().any(|s| s == id) {
            self.push(
                field,
                format!("{what} id `{id}` is used twice; each needs its own"),
            );
        }
        seen.push(id.to_string());
    }

    fn partner(&mut self, field: &str, id: &str, ids: &[String]) -> Option<usize> {
        let i = ids.iter().position(|p| p == id);
        if i.is_none() {
            self.push(
                field,
                format!(
                    "no partner is called `{id}`; partners are: {}",
                    ids.join(", ")
                ),
            );
        }
        i
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reads the merged document as a [`PartnershipFile`] as scenarios are read:
/// an unknown key is set aside and the rest read again, so a typo does not
/// hide the other problems; the file, with the problems of reading it.
fn read_tolerant(loaded: &Loaded) -> Result<(PartnershipFile, Vec<Problem>), Vec<Problem>> {
    let read = crate::scenario::validate::read::<PartnershipFile>(loaded)?;
    Ok((read.file, read.problems))
}

/// Reads the merged document as a [`PartnershipFile`]: every problem of
/// reading it, or the file.
pub fn read_file(loaded: &Loaded) -> Result<PartnershipFile, Vec<Problem>> {
    match read_tolerant(loaded)? {
        (file, problems) if problems.is_empty() => Ok(file),
        (_, problems) => Err(problems),
    }
}

/// Deserialises the file, checks it, validates partner scenarios through `files`, and resolves it.
pub fn resolve(loaded: &Loaded, files: &dyn SourceFiles) -> Result<Partnership, Vec<Problem>> {
    // The keys set aside are listed with every other problem.
    let (f, problems) = read_tolerant(loaded)?;
    let mut c = Checker { loaded, problems };

    let count = if (1..=MAX_YEARS).contains(&f.years.count) {
        f.years.count as usize
    } else {
        c.push(
            "years.count",
            format!(
                "must be between 1 and {MAX_YEARS} years, got {}",
                f.years.count
            ),
        );
        1
    };
    let years: Vec<FinancialYear> = (0..count as i32).map(|i| f.years.first.plus(i)).collect();
    let budget_year = f.years.budget_year.unwrap_or(FinancialYear(2019));
    if budget_year > years[0] {
        c.push(
            "years.budget_year",
            format!(
                "the budget year {budget_year} must not be after the first year {}",
                years[0]
            ),
        );
    }

    let fees = fees(&mut c, &f, &years);
    let budget_uplift = match f.finance.budget_uplift {
        Some(u) => c.rate("finance.budget_uplift", "", u),
        None => 0.0,
    };

    let mut function_ids = Vec::new();
    if f.functions.is_empty() {
        c.push(
            "functions",
            "give at least one pooled budget line ([[functions]] with id and name)",
        );
    }
    let functions: Vec<Function> = f
        .functions
        .iter()
        .enumerate()
        .map(|(i, x)| {
            c.identifier(
                &format!("functions[{i}].id"),
                &x.id,
                &mut function_ids,
                "function",
            );
            Function {
                id: x.id.clone(),
                name: x.name.clone(),
            }
        })
        .collect();

    let mut ids = Vec::new();
    if f.partners.len() < 2 {
        c.push(
            "partners",
            format!(
                "a partnership needs at least two partners, got {}",
                f.partners.len()
            ),
        );
    }
    for (i, p) in f.partners.iter().enumerate() {
        c.identifier(&format!("partners[{i}].id"), &p.id, &mut ids, "partner");
    }
    let dir = loaded.files[0]
        .path
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let partners: Vec<Partner> = f
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| partner(&mut c, i, p, &functions, &dir, files))
        .collect();

    let hubs: Vec<Hub> = f
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let field = format!("hubs[{i}]");
            let kind = match h.kind.as_str() {
                "central" => HubKind::Central,
                "locality" => HubKind::Locality,
                other => {
                    c.push(
                        &format!("{field}.kind"),
                        format!("unknown hub kind `{other}`; allowed: central, locality"),
                    );
                    HubKind::Central
                }
            };
            let host = c
                .partner(&format!("{field}.host"), &h.host, &ids)
                .unwrap_or(0);
            let who = format!("hub `{}`: ", h.id);
            Hub {
                id: h.id.clone(),
                name: h.name.clone(),
                kind,
                host,
                budget: c.non_negative(
                    &format!("{field}.budget"),
                    &who,
                    "a budget (pounds)",
                    h.budget,
                ),
                fixed_cost: c.non_negative(
                    &format!("{field}.fixed_cost"),
                    &who,
                    "a cost (pounds)",
                    h.fixed_cost,
                ),
                cost_per_match: c.non_negative(
                    &format!("{field}.cost_per_match"),
                    &who,
                    "a cost (pounds)",
                    h.cost_per_match,
                ),
            }
        })
        .collect();

    let formula = formula(&mut c, &f, &years, &ids);

    let overspends: Vec<Overspend> = f
        .overspends
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let field = format!("overspends[{i}]");
            let year = match years.iter().position(|&y| y == o.year) {
                Some(y) => y,
                None => {
                    c.push(
                        &format!("{field}.year"),
                        format!("{} is outside the years simulated ({} to {})", o.year, years[0], years[years.len() - 1]),
                    );
                    0
                }
            };
            let hub = match hubs.iter().position(|h| h.id == o.hub) {
                Some(h) => h,
                None => {
                    let known: Vec<&str> = hubs.iter().map(|h| h.id.as_str()).collect();
                    c.push(
                        &format!("{field}.hub"),
                        format!("no hub is called `{}`; hubs are: {}", o.hub, if known.is_empty() { "(none: add [[hubs]])".to_string() } else { known.join(", ") }),
                    );
                    0
                }
            };
            let attributed_to = match o.attributed_to.as_deref() {
                None => Attribution::None,
                Some("partnership") => Attribution::Partnership,
                Some(id) => match ids.iter().position(|p| p == id) {
                    Some(p) => Attribution::Partner(p),
                    None => {
                        c.push(
                            &format!("{field}.attributed_to"),
                            format!("no partner is called `{id}`; give a partner ({}) or \"partnership\"", ids.join(", ")),
                        );
                        Attribution::None
                    }
                },
            };
            Overspend {
                year,
                hub,
                amount: c.non_negative(&format!("{field}.amount"), "", "an overspend (pounds)", o.amount),
                attributed_to,
            }
        })
        .collect();

    if !c.problems.is_empty() {
        // The keys set aside while reading and the checks' problems, in file order.
        crate::scenario::validate::sort_problems(loaded, &mut c.problems);
        return Err(c.problems);
    }
    Ok(Partnership {
        title: f
            .partnership
            .title
            .clone()
            .unwrap_or_else(|| format!("{}: contributions and adoption flows", f.partnership.name)),
        name: f.partnership.name,
        source: f.partnership.source,
        years,
        budget_year,
        budget_uplift,
        fees,
        functions,
        partners,
        hubs,
        formula,
        overspends,
    })
}

fn fees(c: &mut Checker<'_>, f: &PartnershipFile, years: &[FinancialYear]) -> Fees {
    let interagency = c.non_negative("fees.interagency", "", "a fee (pounds)", f.fees.interagency);
    let london_uplift = c.rate("fees.london_uplift", "", f.fees.london_uplift);
    let index = c.rate("fees.voluntary_index", "", f.fees.voluntary_index);
    let mut given: Vec<(FinancialYear, f64)> = Vec::new();
    for (i, v) in f.fees.voluntary.iter().enumerate() {
        c.non_negative(
            &format!("fees.voluntary[{i}].fee"),
            "",
            "a fee (pounds)",
            v.fee,
        );
        if given.last().is_some_and(|(y, _)| *y >= v.from) {
            c.push(
                &format!("fees.voluntary[{i}].from"),
                "voluntary fees must be listed in order of `from`, one per year",
            );
        }
        given.push((v.from, v.fee));
    }
    if given.first().is_none_or(|(y, _)| *y > years[0]) {
        c.push(
            "fees.voluntary",
            format!("give a voluntary agency fee from {} or earlier", years[0]),
        );
        return Fees {
            interagency,
            london_uplift,
            voluntary: vec![0.0; years.len()],
            abolish_between_partners: f.fees.abolish_between_partners,
        };
    }
    // A given fee holds until the next; after the last, each April uprates it by the index.
    let last = given[given.len() - 1].0;
    let voluntary = years
        .iter()
        .map(|&y| {
            let (from, fee) = given
                .iter()
                .rev()
                .find(|(g, _)| *g <= y)
                .copied()
                .unwrap_or(given[0]);
            if from == last {
                fee * (1.0 + index).powi(y.start_year() - from.start_year())
            } else {
                fee
            }
        })
        .collect();
    Fees {
        interagency,
        london_uplift,
        voluntary,
        abolish_between_partners: f.fees.abolish_between_partners,
    }
}

fn partner(
    c: &mut Checker<'_>,
    i: usize,
    p: &PartnerFile,
    functions: &[Function],
    dir: &Path,
    files: &dyn SourceFiles,
) -> Partner {
    let field = format!("partners[{i}]");
    let who = format!("partner `{}`: ", p.id);
    for key in p.budget.keys() {
        if !functions.iter().any(|f| &f.id == key) {
            let known: Vec<&str> = functions.iter().map(|f| f.id.as_str()).collect();
            c.push(
                &format!("{field}.budget.{key}"),
                format!(
                    "{who}no pooled function is called `{key}`; functions are: {}",
                    known.join(", ")
                ),
            );
        }
    }
    let budget = functions
        .iter()
        .map(|func| match p.budget.get(&func.id) {
            Some(&v) => c.non_negative(
                &format!("{field}.budget.{}", func.id),
                &who,
                "a budget (pounds)",
                v,
            ),
            None => {
                c.push(
                    &format!("{field}.budget"),
                    format!(
                        "{who}missing the budget for `{}`: give every function ({})",
                        func.id,
                        functions
                            .iter()
                            .map(|f| f.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                0.0
            }
        })
        .collect();
    let staff_costs = c.non_negative(
        &format!("{field}.staff_costs"),
        &who,
        "staff costs (pounds)",
        p.staff_costs,
    );
    if let Some(rel) = &p.scenario {
        // A built-in is named the same from anywhere.
        let path = if rel.starts_with(crate::scenario::builtin::PREFIX) {
            std::path::PathBuf::from(rel)
        } else {
            dir.join(rel)
        };
        if let Err(e) = crate::scenario::load(&path, files) {
            c.push(
                &format!("{field}.scenario"),
                format!(
                    "{who}its scenario {} is not valid ({} problem{}, listed below)",
                    path.display(),
                    e.0.len(),
                    if e.0.len() == 1 { "" } else { "s" }
                ),
            );
            c.problems.extend(e.0);
        }
    }
    let w = &p.pathway;
    let pf = format!("{field}.pathway");
    let f = |k: &str| format!("{pf}.{k}");
    let params = PathwayParams {
        placement_orders_per_year: c.per_year(
            &f("placement_orders_per_year"),
            &who,
            "placement orders a year",
            w.placement_orders_per_year,
        ),
        growth: {
            if !w.growth.is_finite() || !(-1.0..=1.0).contains(&w.growth) {
                c.push(
                    &f("growth"),
                    format!(
                        "{who}a yearly growth rate must be between -1 and 1, got {}",
                        w.growth
                    ),
                );
            }
            w.growth
        },
        growth_sd: c.rate(&f("growth_sd"), &who, w.growth_sd),
        match_rate: c.rate(&f("match_rate"), &who, w.match_rate),
        plan_change_rate: c.rate(&f("plan_change_rate"), &who, w.plan_change_rate),
        move_in_rate: c.rate(&f("move_in_rate"), &who, w.move_in_rate),
        order_rate: c.rate(&f("order_rate"), &who, w.order_rate),
        in_region_fit: c.rate(&f("in_region_fit"), &who, w.in_region_fit),
        external_voluntary_share: c.rate(
            &f("external_voluntary_share"),
            &who,
            w.external_voluntary_share,
        ),
        external_london_share: c.rate(&f("external_london_share"), &who, w.external_london_share),
        adopters_approved_per_year: c.per_year(
            &f("adopters_approved_per_year"),
            &who,
            "approvals a year",
            w.adopters_approved_per_year,
        ),
        adopter_withdrawal_rate: c.rate(
            &f("adopter_withdrawal_rate"),
            &who,
            w.adopter_withdrawal_rate,
        ),
        outside_match_rate: c.rate(&f("outside_match_rate"), &who, w.outside_match_rate),
        days_care_to_placement_order: c.non_negative(
            &f("days_care_to_placement_order"),
            &who,
            "days",
            w.days_care_to_placement_order,
        ),
        start: Stocks {
            waiting: c.count(&f("start.waiting"), &who, w.start.waiting),
            matched: c.count(&f("start.matched"), &who, w.start.matched),
            placed: c.count(&f("start.placed"), &who, w.start.placed),
            adopters: c.count(&f("start.adopters"), &who, w.start.adopters),
        },
    };
    if params.match_rate + params.plan_change_rate > 1.0 {
        c.push(&f("plan_change_rate"), format!("{who}match_rate + plan_change_rate must be at most 1 (they share the waiting children each month)"));
    }
    if params.adopter_withdrawal_rate + params.outside_match_rate > 1.0 {
        c.push(
            &f("outside_match_rate"),
            format!("{who}adopter_withdrawal_rate + outside_match_rate must be at most 1"),
        );
    }
    Partner {
        id: p.id.clone(),
        name: p.name.clone(),
        london: p.london,
        scenario: p.scenario.clone(),
        budget,
        staff_costs,
        pathway: params,
    }
}

fn formula(
    c: &mut Checker<'_>,
    f: &PartnershipFile,
    years: &[FinancialYear],
    ids: &[String],
) -> Vec<Rule> {
    if f.formula.is_empty() {
        c.push(
            "formula",
            "give at least one [[formula]] with `from` and `rule`",
        );
    }
    let mut rules: Vec<(FinancialYear, Rule)> = Vec::new();
    for (i, x) in f.formula.iter().enumerate() {
        let field = format!("formula[{i}]");
        if rules.last().is_some_and(|(y, _)| *y >= x.from) {
            c.push(
                &format!("{field}.from"),
                "formulas must be listed in order of `from`, one per year",
            );
        }
        let rule = match x.rule.as_str() {
            "in_scope_budget" => Rule::InScopeBudget {
                share_of_budget: match x.share_of_budget {
                    Some(s) => c.rate(&format!("{field}.share_of_budget"), "", s),
                    None => 1.0,
                },
            },
            "demand_led" => {
                let measure = match x.measure.as_deref() {
                    Some(m) => match Measure::from_key(m) {
                        Some(m) => m,
                        None => {
                            c.push(
                                &format!("{field}.measure"),
                                format!("unknown measure `{m}`; allowed: {}", Measure::KEYS),
                            );
                            Measure::Adoptions
                        }
                    },
                    None => {
                        c.push(
                            &format!("{field}.measure"),
                            format!("rule \"demand_led\" needs a measure: {}", Measure::KEYS),
                        );
                        Measure::Adoptions
                    }
                };
                Rule::DemandLed { measure }
            }
            "pooled_budget" => {
                let shares = match &x.shares {
                    None => Vec::new(),
                    Some(map) => {
                        for (k, v) in map {
                            let sf = format!("{field}.shares.{k}");
                            if c.partner(&sf, k, ids).is_some() {
                                c.rate(&sf, &format!("partner `{k}`: "), *v);
                            }
                        }
                        for id in ids {
                            if !map.contains_key(id) {
                                c.push(&format!("{field}.shares"), format!("partner `{id}` has no share: give every partner a share ({})", ids.join(", ")));
                            }
                        }
                        let sum: f64 = map.values().sum();
                        if (sum - 1.0).abs() > SHARE_TOLERANCE {
                            c.push(
                                &format!("{field}.shares"),
                                format!("shares must sum to 1, got {sum}"),
                            );
                        }
                        ids.iter()
                            .map(|id| map.get(id).copied().unwrap_or(0.0))
                            .collect()
                    }
                };
                Rule::PooledBudget { shares }
            }
            other => {
                c.push(&format!("{field}.rule"), format!("unknown rule `{other}`; allowed: in_scope_budget, demand_led, pooled_budget"));
                Rule::InScopeBudget {
                    share_of_budget: 1.0,
                }
            }
        };
        let stray = [
            (
                "measure",
                x.measure.is_some() && x.rule != "demand_led",
                "demand_led",
            ),
            (
                "shares",
                x.shares.is_some() && x.rule != "pooled_budget",
                "pooled_budget",
            ),
            (
                "share_of_budget",
                x.share_of_budget.is_some() && x.rule != "in_scope_budget",
                "in_scope_budget",
            ),
        ];
        for (key, bad, rule) in stray {
            if bad {
                c.push(
                    &format!("{field}.{key}"),
                    format!("`{key}` is only read with rule = \"{rule}\""),
                );
            }
        }
        rules.push((x.from, rule));
    }
    if rules.first().is_some_and(|(y, _)| *y > years[0]) {
        c.push(
            "formula[0].from",
            format!("the first formula must apply from {} or earlier", years[0]),
        );
    }
    years
        .iter()
        .map(|&y| {
            rules
                .iter()
                .rev()
                .find(|(from, _)| *from <= y)
                .or(rules.first())
                .map(|(_, r)| r.clone())
                .unwrap_or(Rule::InScopeBudget {
                    share_of_budget: 1.0,
                })
        })
        .collect()
}
