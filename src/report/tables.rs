//! Builds the paper-shaped tables from a run's results.

use super::table::{RowKind, Table, Unit, warn_money};
use crate::finance::BreakEven;
use crate::placement::Placement;
use crate::results::Deterministic;
use crate::scenario::Scenario;
use crate::scenario::validate::fmt_rate;

fn neg(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| -x).collect()
}

/// The council of the reference paper (`scenarios/staffordshire-2019/`).
pub const PAPER_AUTHORITY: &str = "Staffordshire County Council";

/// The reference paper, as its scenarios give `[authority] source`.
pub const PAPER_SOURCE: &str =
    "Children and Families System Transformation Part 2, Cabinet 20 November 2019";

/// Whether the tables carry the paper's labels ("Table 1", "Appendix 4", ...):
/// only for the paper's own scenarios, Staffordshire with the paper as its
/// source, on their own unit costs. Every other scenario (a calibrated county,
/// a council's own plan) is titled with its council and scenario instead.
pub fn paper_labels(s: &Scenario) -> bool {
    s.authority == PAPER_AUTHORITY
        && s.source.as_deref() == Some(PAPER_SOURCE)
        && !s.unit_cost_source.is_default()
}

/// A table's title: `paper` (the paper's label and title) for the paper's own
/// scenario, otherwise "COUNCIL, SCENARIO TITLE: `own`" (see [`paper_labels`]).
pub fn title(s: &Scenario, paper: &str, own: &str) -> String {
    if paper_labels(s) {
        paper.to_string()
    } else {
        format!("{}, {}: {own}", s.authority, s.title)
    }
}

/// Every table for a deterministic run, in the order a report shows them;
/// each money table carries the default-costs warning when the scenario's unit
/// costs are borrowed.
pub fn all(s: &Scenario, r: &Deterministic) -> Vec<Table> {
    let mut out = Vec::new();
    if let Some(t) = table1(s, r) {
        out.push(t);
    }
    if let Some(t) = table3(s, r) {
        out.push(t);
    }
    out.push(placement_mix(s, r));
    out.push(placement_cost(s, r));
    out.push(unit_costs(s));
    out.push(do_nothing_numbers(s, r));
    if let Some(t) = uasc_lac(s) {
        out.push(t);
    }
    if let Some(t) = do_nothing_budget(s, r) {
        out.push(t);
    }
    warn_money(&mut out, crate::scenario::costs::warning(s).as_deref());
    out
}

/// Table 1: investment, savings and return on investment (£'000s, savings negative).
pub fn table1(s: &Scenario, r: &Deterministic) -> Option<Table> {
    let f = r.plan.as_ref()?;
    let title = title(
        s,
        "Table 1: Finance table showing cumulative full investment, savings and net position",
        "Investment, savings and net position",
    );
    let title = if s.optimism_bias.applies() {
        format!("{title} (optimism bias: {})", s.optimism_bias.describe())
    } else {
        title
    };
    let mut t = Table::new("table1", &title, Unit::Thousands, s.year_labels());
    for g in &f.investment {
        t.heading(&g.name);
        for l in &g.lines {
            t.row(
                RowKind::Line,
                format!("investment.{}", l.id),
                &l.name,
                l.values.clone(),
            );
        }
        t.row(
            RowKind::Subtotal,
            format!("investment_group.{}", super::table::slug(&g.total_label)),
            &g.total_label,
            g.total.clone(),
        );
    }
    t.row(
        RowKind::Total,
        "investment_total",
        "Investment Total",
        f.investment_total.clone(),
    );
    t.heading("Savings");
    t.row(
        RowKind::Line,
        "savings.avoided_growth",
        "Avoidance of Growth",
        neg(&f.avoided_growth),
    );
    t.row(
        RowKind::Line,
        "savings.placements",
        "Placements",
        neg(&f.placements),
    );
    for l in &f.given {
        t.row(
            RowKind::Line,
            format!("savings.{}", l.id),
            &l.name,
            neg(&l.values),
        );
    }
    t.row(
        RowKind::Subtotal,
        "savings_total",
        "Savings Total",
        neg(&f.savings_total),
    );
    t.row(
        RowKind::Total,
        "return_on_investment",
        "Return on Investment: (Surplus)/Deficit",
        f.return_on_investment.clone(),
    );
    t.row(
        RowKind::Line,
        "cumulative_net",
        "Cumulative net position",
        f.cumulative_net.clone(),
    );
    Some(t)
}

/// Table 3: the MTFS position and the break-even year.
pub fn table3(s: &Scenario, r: &Deterministic) -> Option<Table> {
    let f = r.plan.as_ref()?;
    let mut t = Table::new(
        "table3",
        title(s, "Table 3: MTFS Position", "MTFS position and break-even"),
        Unit::Thousands,
        s.year_labels(),
    );
    t.row(
        RowKind::Line,
        "return_on_investment",
        "Return on Investment: (Surplus)/Deficit",
        f.return_on_investment.clone(),
    );
    t.row(
        RowKind::Line,
        "mtfs_undelivered",
        "MTFS Still to be delivered",
        f.mtfs_undelivered.clone(),
    );
    t.row(
        RowKind::Line,
        "forecast_overspend",
        "Forecast overspend at Q2 & FYE",
        f.forecast_overspend.clone(),
    );
    t.row(RowKind::Line, "growth", "Growth", f.growth.clone());
    t.row(
        RowKind::Total,
        "mtfs_impact",
        "Break Even Point/Impact on MTFS",
        f.mtfs_impact.clone(),
    );
    t.notes.push(BreakEven::sentence(f.break_even));
    t.notes.extend(BreakEven::rules_differ(
        f.break_even,
        f.break_even_first_negative,
    ));
    Some(t)
}

fn mix_columns(s: &Scenario) -> Vec<String> {
    let mut cols = vec!["Current".to_string()];
    cols.extend(s.years.iter().map(|y| y.march_label()));
    cols
}

/// Appendix 4: children by placement type, today and at each 31 March.
pub fn placement_mix(s: &Scenario, r: &Deterministic) -> Table {
    let p = &r.projection;
    let title = if s.plan.is_some() {
        title(
            s,
            "Appendix 4: Looked after children by placement (plan)",
            "Children in care by placement at 31 March (plan)",
        )
    } else {
        title(
            s,
            "Looked after children by placement (do nothing, today's mix scaled)",
            "Children in care by placement at 31 March (do nothing, today's mix scaled)",
        )
    };
    let mut t = Table::new("placement_mix", title, Unit::Children, mix_columns(s));
    for pl in Placement::ALL {
        let mut v = vec![s.cohort[pl]];
        v.extend(p.by_type.iter().map(|m| m[pl]));
        t.row(RowKind::Line, format!("lac.{}", pl.key()), pl.label(), v);
    }
    let mut total = vec![p.baseline_total];
    total.extend(&p.total);
    t.row(RowKind::Total, "lac.total", "Total", total);
    t.notes.push(
        "Counts are today's mix scaled to each year's total (fractional children, shown rounded)."
            .into(),
    );
    t
}

/// Appendix 4: yearly cost of the children at each 31 March, pounds.
pub fn placement_cost(s: &Scenario, r: &Deterministic) -> Table {
    let p = &r.projection;
    let mut t = Table::new(
        "placement_cost",
        title(
            s,
            "Appendix 4: Annual cost of placements",
            "Annual cost of placements at 31 March",
        ),
        Unit::Pounds,
        mix_columns(s),
    );
    for pl in Placement::ALL {
        let mut v = vec![s.cohort[pl] * s.unit_costs[0][pl]];
        v.extend(p.cost_by_type.iter().map(|m| m[pl]));
        t.row(RowKind::Line, format!("cost.{}", pl.key()), pl.label(), v);
    }
    let mut total = vec![p.baseline_cost];
    total.extend(&p.cost_total);
    t.row(RowKind::Total, "cost.total", "Total", total);
    t
}

/// Unit costs by placement type for each year, pounds per child a year, after
/// the uplift (by type where the scenario gives one).
pub fn unit_costs(s: &Scenario) -> Table {
    let mut t = Table::new(
        "unit_costs",
        title(
            s,
            "Appendix 4: Average costs - yearly, by financial year",
            "Unit costs by placement type (pounds per child a year)",
        ),
        Unit::Pounds,
        s.year_labels(),
    );
    for pl in Placement::ALL {
        t.row(
            RowKind::Line,
            format!("unit_cost.{}", pl.key()),
            pl.label(),
            s.unit_costs.iter().map(|c| c[pl]).collect(),
        );
    }
    t.notes.push(uplift_note(s));
    t
}

/// The uplift the unit costs carry, e.g. "Yearly uplift: 2%; Homes and
/// Hostels 5%, Residential School 5%." (types with a rate of their own named).
pub fn uplift_note(s: &Scenario) -> String {
    let up = &s.unit_cost_uplift;
    // The commonest rate is "every other type"'s; ties go to the first type's.
    let mut common = up[Placement::ALL[0]];
    let mut most = 0;
    for &p in &Placement::ALL {
        let n = Placement::ALL.iter().filter(|&&q| up[q] == up[p]).count();
        if n > most {
            (common, most) = (up[p], n);
        }
    }
    let others: Vec<String> = Placement::ALL
        .iter()
        .filter(|&&p| up[p] != common)
        .map(|&p| format!("{} {}%", p.label(), fmt_rate(up[p])))
        .collect();
    if others.is_empty() {
        format!("Yearly uplift of every type: {}%.", fmt_rate(common))
    } else {
        format!(
            "Yearly uplift: {}; every other type {}%.",
            others.join(", "),
            fmt_rate(common)
        )
    }
}

/// Appendix 5: projected children at the scenario's do-nothing growth rate.
pub fn do_nothing_numbers(s: &Scenario, r: &Deterministic) -> Table {
    let rate = fmt_rate(s.do_nothing.growth_rate);
    let mut t = Table::new(
        "do_nothing_lac",
        title(
            s,
            &format!("Appendix 5: Projected LAC increase, do nothing at {rate}%"),
            &format!("Projected children in care, do nothing at {rate}%"),
        ),
        Unit::Children,
        s.year_labels(),
    );
    t.row(
        RowKind::Line,
        "do_nothing.lac",
        format!("LAC @{rate}%"),
        r.do_nothing_total.clone(),
    );
    t.row(
        RowKind::Line,
        "do_nothing.lac_exc_uasc",
        format!("LAC (exc UASC) @{rate}%"),
        r.do_nothing_exc_uasc.clone(),
    );
    t
}

/// The id of the UASC table ([`uasc_lac`]).
pub const UASC_TABLE: &str = "uasc_lac";

/// Children in care at 31 March with the UASC apart, on the engine's
/// expected-value model ([`crate::uasc`]); `None` without a `[uasc]` section.
pub fn uasc_lac(s: &Scenario) -> Option<Table> {
    let f = crate::uasc::forecast(s)?;
    let own = "Children in care at 31 March, UASC forecast apart (expected values)";
    let mut t = Table::new(
        UASC_TABLE,
        title(s, own, own),
        Unit::Children,
        s.year_labels(),
    );
    t.row(
        RowKind::Line,
        "lac_expected",
        "All children (expected value)",
        f.total.clone(),
    );
    t.row(
        RowKind::Line,
        "lac_uasc",
        "of which UASC (expected value)",
        f.uasc.clone(),
    );
    t.row(
        RowKind::Line,
        "lac_exc_uasc",
        "Excluding UASC (expected value)",
        f.excluding_uasc.clone(),
    );
    t.row(
        RowKind::Line,
        "uasc_entries",
        "UASC entering care in the year (expected value)",
        f.uasc_entries.clone(),
    );
    t.notes.push(format!(
        "Opening census: {} UASC among {} children on 1 April {}.",
        super::table::group_thousands(f.opening_uasc, 0),
        super::table::group_thousands(
            s.stochastic
                .as_ref()
                .map_or(0.0, crate::engine::census::total),
            0
        ),
        s.years[0].start_year()
    ));
    t.notes.push(crate::uasc::BASIS.into());
    Some(t)
}

/// Appendix 5: the do-nothing budget table, £m.
pub fn do_nothing_budget(s: &Scenario, r: &Deterministic) -> Option<Table> {
    let b = r.budget.as_ref()?;
    let rate = fmt_rate(b.growth_rate);
    let m = |v: &[f64]| v.iter().map(|x| x / 1000.0).collect::<Vec<_>>();
    let mut t = Table::new(
        "do_nothing_budget",
        title(
            s,
            &format!("Appendix 5: {} budget, do nothing at {rate}%", b.name),
            &format!("{} budget, do nothing at {rate}%", b.name),
        ),
        Unit::Millions,
        s.year_labels(),
    );
    t.row(RowKind::Line, "budget", "Budget", m(&b.budget));
    t.row(RowKind::Line, "standstill", "Standstill", m(&b.standstill));
    t.row(
        RowKind::Line,
        "growth_in_numbers",
        "Growth in Numbers",
        m(&b.growth_in_numbers),
    );
    t.row(RowKind::Line, "prices", "Prices", m(&b.prices));
    t.row(
        RowKind::Total,
        "total",
        // Spaced as the paper prints it.
        format!("{rate} % Growth + new price pressure"),
        m(&b.total),
    );
    t.row(
        RowKind::Total,
        "gap",
        format!("Gap {rate}% Growth"),
        m(&b.gap),
    );
    Some(t)
}
