//! The adoption pathway of each partner as a monthly stock and flow.
//!
//! Stocks: children with a placement order waiting for a match, children
//! matched but not yet moved in, children placed awaiting an adoption order,
//! and approved adopter households waiting. Each month, from the stocks at its
//! start: waiting children are matched or their plan changes (competing risks,
//! drawn as conditional binomials); matched children move in; placed children
//! are adopted; adopter households withdraw or are matched with a child from
//! outside the region. Matches a regional adopter could suit are made with the
//! partner's own adopters first, then (in a partnership) with other partners'
//! spare adopters, and otherwise bought in from other agencies. New placement
//! orders and approvals join the stocks at the month's end.
//!
//! [`Draw::Expected`] replaces every draw by its mean (the expected-value
//! mode); [`Draw::Random`] draws Poisson and binomial flows from one
//! `Xoshiro256PlusPlus` per (seed, path, partner, stream kind). This module
//! owns every random draw of the partnership model and performs no I/O.

use rand::SeedableRng;
use rand_distr::{Binomial, Distribution, Normal, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

/// Days in a month, on average.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// A partner's pathway inputs, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct PathwayParams {
    /// Placement orders in the first year.
    pub placement_orders_per_year: f64,
    /// Yearly growth of placement orders.
    pub growth: f64,
    /// Standard deviation of the yearly growth between paths.
    pub growth_sd: f64,
    /// Monthly probability of a match.
    pub match_rate: f64,
    /// Monthly probability of a change of plan.
    pub plan_change_rate: f64,
    /// Monthly probability that a matched child moves in.
    pub move_in_rate: f64,
    /// Monthly probability of an adoption order.
    pub order_rate: f64,
    /// Share of matches a regional adopter could suit.
    pub in_region_fit: f64,
    /// Share of bought-in matches from voluntary agencies.
    pub external_voluntary_share: f64,
    /// Share of bought-in council/RAA matches from London agencies.
    pub external_london_share: f64,
    /// Adopter households approved a year.
    pub adopters_approved_per_year: f64,
    /// Monthly probability that a household withdraws.
    pub adopter_withdrawal_rate: f64,
    /// Monthly probability that a household adopts a child from outside the region.
    pub outside_match_rate: f64,
    /// Mean days from entering care to the placement order.
    pub days_care_to_placement_order: f64,
    /// Stocks at the start.
    pub start: Stocks,
}

/// The stocks of one partner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stocks {
    /// Children with a placement order, not matched.
    pub waiting: f64,
    /// Children matched, not moved in.
    pub matched: f64,
    /// Children placed, no adoption order yet.
    pub placed: f64,
    /// Approved adopter households waiting.
    pub adopters: f64,
}

/// One partner's flows in one month.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Flows {
    /// Placement orders granted.
    pub placement_orders: f64,
    /// Children matched (in-region and bought in).
    pub matches: f64,
    /// Matched with the partner's own adopters.
    pub own_matches: f64,
    /// Matched with another partner's adopters, by the partner whose adopters they were.
    pub from_partner: Vec<f64>,
    /// Children bought in from councils/RAAs outside the partnership (outside London).
    pub bought_la: f64,
    /// Children bought in from London councils/RAAs outside the partnership.
    pub bought_la_london: f64,
    /// Children bought in from voluntary agencies.
    pub bought_vaa: f64,
    /// Plans changed (left without a match).
    pub plan_changes: f64,
    /// Children moved in with their adoptive family.
    pub moved_in: f64,
    /// Adoption orders granted.
    pub adoption_orders: f64,
    /// Households approved.
    pub approvals: f64,
    /// Households withdrawn.
    pub withdrawals: f64,
    /// Households matched with children from outside the partnership.
    pub outside_matches: f64,
}

/// What every random draw is for: one generator per kind, partner and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum StreamKind {
    /// The path's growth rate.
    Growth = 1,
    /// New placement orders.
    PlacementOrders = 2,
    /// Matches and changes of plan.
    Matching = 3,
    /// Whether a regional adopter could suit the child, and where bought-in children come from.
    Sourcing = 4,
    /// Moves in and adoption orders.
    Placement = 5,
    /// Withdrawals and outside matches of adopters.
    Adopters = 6,
    /// Approvals of adopter households.
    Approvals = 7,
}

const KINDS: usize = 7;

/// The generators of one path: one per (partner, stream kind).
#[derive(Debug, Clone)]
pub struct Streams {
    rngs: Vec<Xoshiro256PlusPlus>,
}

impl Streams {
    /// Generators for `partners` partners, derived from (seed, path, partner, kind).
    pub fn new(seed: u64, path: u64, partners: usize) -> Streams {
        let mut rngs = Vec::with_capacity(partners * KINDS);
        for p in 0..partners as u64 {
            for k in 1..=KINDS as u64 {
                rngs.push(stream(seed, path, p, k));
            }
        }
        Streams { rngs }
    }

    fn rng(&mut self, partner: usize, kind: StreamKind) -> &mut Xoshiro256PlusPlus {
        &mut self.rngs[partner * KINDS + kind as usize - 1]
    }
}

/// SplitMix64 finaliser over (seed, path, partner, kind): distinct, well-mixed seeds.
fn stream(seed: u64, path: u64, partner: u64, kind: u64) -> Xoshiro256PlusPlus {
    let mut z = seed
        ^ path.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ partner.wrapping_mul(0xD1B5_4A32_D192_ED03)
        ^ kind.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

/// Expected values, or random draws from named streams.
pub enum Draw<'a> {
    /// Every flow is its mean.
    Expected,
    /// Flows are drawn from these streams.
    Random(&'a mut Streams),
}

impl Draw<'_> {
    /// Whether counts are whole children.
    pub fn whole(&self) -> bool {
        matches!(self, Draw::Random(_))
    }

    /// Poisson with this mean (0 when the mean is 0).
    pub fn poisson(&mut self, partner: usize, kind: StreamKind, mean: f64) -> f64 {
        match self {
            Draw::Expected => mean,
            Draw::Random(s) => {
                if mean <= 0.0 {
                    return 0.0;
                }
                Poisson::new(mean)
                    .map(|d| d.sample(s.rng(partner, kind)))
                    .unwrap_or(mean.round())
            }
        }
    }

    /// Binomial with `n` trials of probability `p` (0 when either is 0).
    pub fn binomial(&mut self, partner: usize, kind: StreamKind, n: f64, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match self {
            Draw::Expected => n * p,
            Draw::Random(s) => {
                let n = n.round().max(0.0) as u64;
                if n == 0 || p == 0.0 {
                    return 0.0;
                }
                Binomial::new(n, p)
                    .map(|d| d.sample(s.rng(partner, kind)) as f64)
                    .unwrap_or(0.0)
            }
        }
    }

    /// The path's yearly growth: `mean`, or drawn from Normal(mean, sd) and kept above -99%.
    pub fn growth(&mut self, partner: usize, mean: f64, sd: f64) -> f64 {
        match self {
            Draw::Expected => mean,
            Draw::Random(s) => {
                if sd <= 0.0 {
                    return mean;
                }
                Normal::new(mean, sd)
                    .map(|d| d.sample(s.rng(partner, StreamKind::Growth)))
                    .unwrap_or(mean)
                    .max(-0.99)
            }
        }
    }
}

/// Splits `total` in proportion to `weights`; whole children by largest remainder
/// (ties to the earlier partner) when `whole`.
pub fn allocate(total: f64, weights: &[f64], whole: bool) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || total <= 0.0 {
        return vec![0.0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total * w / sum).collect();
    if !whole {
        return exact;
    }
    let mut out: Vec<f64> = exact.iter().map(|x| x.floor()).collect();
    let left = (total.round() - out.iter().sum::<f64>()).max(0.0) as usize;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - out[b])
            .total_cmp(&(exact[a] - out[a]))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(left) {
        out[i] += 1.0;
    }
    out
}

/// One month for every partner: `pooled` shares spare adopters across partners.
/// `orders_per_month` is each partner's expected placement orders this month.
pub fn step(
    params: &[PathwayParams],
    orders_per_month: &[f64],
    state: &mut [Stocks],
    pooled: bool,
    draw: &mut Draw<'_>,
) -> Vec<Flows> {
    let n = params.len();
    let whole = draw.whole();
    let mut flows: Vec<Flows> = (0..n)
        .map(|_| Flows {
            from_partner: vec![0.0; n],
            ..Flows::default()
        })
        .collect();
    let mut suited = vec![0.0; n];
    let mut free = vec![0.0; n];
    for i in 0..n {
        let (p, s, f) = (&params[i], &state[i], &mut flows[i]);
        f.matches = draw.binomial(i, StreamKind::Matching, s.waiting, p.match_rate);
        let rest = 1.0 - p.match_rate;
        let change = if rest > 0.0 {
            p.plan_change_rate / rest
        } else {
            0.0
        };
        f.plan_changes = draw.binomial(i, StreamKind::Matching, s.waiting - f.matches, change);
        f.moved_in = draw.binomial(i, StreamKind::Placement, s.matched, p.move_in_rate);
        f.adoption_orders = draw.binomial(i, StreamKind::Placement, s.placed, p.order_rate);
        f.withdrawals = draw.binomial(
            i,
            StreamKind::Adopters,
            s.adopters,
            p.adopter_withdrawal_rate,
        );
        let rest = 1.0 - p.adopter_withdrawal_rate;
        let outside = if rest > 0.0 {
            p.outside_match_rate / rest
        } else {
            0.0
        };
        f.outside_matches =
            draw.binomial(i, StreamKind::Adopters, s.adopters - f.withdrawals, outside);
        suited[i] = draw.binomial(i, StreamKind::Sourcing, f.matches, p.in_region_fit);
        free[i] = s.adopters - f.withdrawals - f.outside_matches;
        f.own_matches = suited[i].min(free[i]);
    }
    if pooled {
        let spare: Vec<f64> = (0..n).map(|i| free[i] - flows[i].own_matches).collect();
        let short: Vec<f64> = (0..n).map(|i| suited[i] - flows[i].own_matches).collect();
        let crossed = spare.iter().sum::<f64>().min(short.iter().sum());
        let give = allocate(crossed, &spare, whole);
        let take = allocate(crossed, &short, whole);
        for (j, row) in cross_matrix(&give, &take, whole).iter().enumerate() {
            flows[j].from_partner = row.clone();
        }
    }
    for i in 0..n {
        let p = &params[i];
        let received: f64 = flows[i].from_partner.iter().sum();
        let given: f64 = flows.iter().map(|f| f.from_partner[i]).sum();
        let f = &mut flows[i];
        let bought = (f.matches - f.own_matches - received).max(0.0);
        f.bought_vaa = draw.binomial(i, StreamKind::Sourcing, bought, p.external_voluntary_share);
        let la = bought - f.bought_vaa;
        f.bought_la_london = draw.binomial(i, StreamKind::Sourcing, la, p.external_london_share);
        f.bought_la = la - f.bought_la_london;
        f.placement_orders = draw.poisson(i, StreamKind::PlacementOrders, orders_per_month[i]);
        f.approvals = draw.poisson(
            i,
            StreamKind::Approvals,
            p.adopters_approved_per_year / 12.0,
        );
        let s = &mut state[i];
        s.waiting += f.placement_orders - f.matches - f.plan_changes;
        s.matched += f.matches - f.moved_in;
        s.placed += f.moved_in - f.adoption_orders;
        s.adopters += f.approvals - f.withdrawals - f.outside_matches - f.own_matches - given;
        // Guard against rounding dust in the expected-value mode.
        for v in [
            &mut s.waiting,
            &mut s.matched,
            &mut s.placed,
            &mut s.adopters,
        ] {
            if *v < 0.0 && *v > -1e-9 {
                *v = 0.0;
            }
        }
    }
    flows
}

/// Who uses whose adopters: `m[j][i]` children of partner `j` matched with partner
/// `i`'s adopters, given what each gives and takes. Proportional in the
/// expected-value mode; filled in partner order (north-west corner) for whole children.
fn cross_matrix(give: &[f64], take: &[f64], whole: bool) -> Vec<Vec<f64>> {
    let n = give.len();
    let total: f64 = give.iter().sum();
    let mut m = vec![vec![0.0; n]; n];
    if total <= 0.0 {
        return m;
    }
    if !whole {
        for j in 0..n {
            for i in 0..n {
                m[j][i] = take[j] * give[i] / total;
            }
        }
        return m;
    }
    let (mut g, mut t) = (give.to_vec(), take.to_vec());
    let (mut i, mut j) = (0, 0);
    while i < n && j < n {
        let x = g[i].min(t[j]);
        m[j][i] += x;
        g[i] -= x;
        t[j] -= x;
        if g[i] <= 0.0 {
            i += 1;
        }
        if t[j] <= 0.0 {
            j += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocate_whole_children_by_largest_remainder() {
        assert_eq!(allocate(5.0, &[1.0, 1.0, 1.0], true), vec![2.0, 2.0, 1.0]);
        assert_eq!(allocate(3.0, &[2.0, 0.0, 1.0], true), vec![2.0, 0.0, 1.0]);
        assert_eq!(allocate(0.0, &[2.0, 1.0], true), vec![0.0, 0.0]);
    }

    #[test]
    fn cross_matrix_keeps_row_and_column_totals() {
        let m = cross_matrix(&[3.0, 0.0, 2.0], &[0.0, 4.0, 1.0], true);
        let given: Vec<f64> = (0..3).map(|i| m.iter().map(|r| r[i]).sum()).collect();
        let taken: Vec<f64> = m.iter().map(|r| r.iter().sum()).collect();
        assert_eq!(given, vec![3.0, 0.0, 2.0]);
        assert_eq!(taken, vec![0.0, 4.0, 1.0]);
    }
}
