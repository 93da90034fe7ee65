//! The money rules of a partnership: contributions under each formula, how hub
//! overspends are split, and inter-agency fees (spend and income) including the
//! settlement of sufficiency deficits between partners. Pure functions of
//! their inputs; amounts in pounds.

use super::pathway::Flows;
use super::{Attribution, Fees, HubKind, Measure, Rule};

/// Each partner's contribution under `rule`.
///
/// `budgets` are the partners' in-scope budgets for the year (the pool is their
/// sum); `demand` is each partner's measure (used by a demand-led rule; when it
/// is all zero, the pool is split like the budgets).
pub fn contributions(rule: &Rule, budgets: &[f64], demand: &[f64]) -> Vec<f64> {
    let pool: f64 = budgets.iter().sum();
    let split = |weights: &[f64]| -> Vec<f64> {
        let sum: f64 = weights.iter().sum();
        if sum > 0.0 {
            weights.iter().map(|w| pool * w / sum).collect()
        } else {
            budgets.to_vec()
        }
    };
    match rule {
        Rule::InScopeBudget { share_of_budget } => {
            budgets.iter().map(|b| b * share_of_budget).collect()
        }
        Rule::DemandLed { .. } => split(demand),
        Rule::PooledBudget { shares } if shares.is_empty() => budgets.to_vec(),
        Rule::PooledBudget { shares } => shares.iter().map(|s| pool * s).collect(),
    }
}

/// The measure a demand-led rule reads, from a partner's flows over a year.
pub fn measure(m: Measure, placement_orders: f64, adoptions: f64) -> f64 {
    match m {
        Measure::PlacementOrders => placement_orders,
        Measure::Adoptions => adoptions,
    }
}

/// Who pays an overspend of `amount` at a hub of `kind` hosted by partner `host`,
/// among `n` partners.
///
/// Central hub: split equally (25% each for four partners) unless evidenced to be
/// caused by one partner, who then pays it all. Locality hub: the host pays unless
/// it is caused by another partner (that partner pays) or by the wider partnership
/// (split equally). Together4Children, Cabinet 18 December 2019, paragraph 42.
pub fn split_overspend(
    amount: f64,
    kind: HubKind,
    host: usize,
    attributed: Attribution,
    n: usize,
) -> Vec<f64> {
    let mut out = vec![0.0; n];
    let equal = |out: &mut Vec<f64>| out.iter_mut().for_each(|x| *x = amount / n as f64);
    match (kind, attributed) {
        (_, Attribution::Partner(p)) => out[p] = amount,
        (HubKind::Central, _) | (HubKind::Locality, Attribution::Partnership) => equal(&mut out),
        (HubKind::Locality, Attribution::None) => out[host] = amount,
    }
    out
}

/// The fee a council or RAA charges: the England inter-agency fee, plus the London uplift.
pub fn council_fee(fees: &Fees, london: bool) -> f64 {
    fees.interagency
        * if london {
            1.0 + fees.london_uplift
        } else {
            1.0
        }
}

/// Inter-agency money over some months: what each partner spent and received.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InterAgency {
    /// Fees paid to outside agencies and (unless abolished) to other partners, pounds.
    pub spend: Vec<f64>,
    /// Fees received from outside agencies and (unless abolished) from other partners, pounds.
    pub income: Vec<f64>,
    /// Of `spend`, paid to other partners to settle sufficiency deficits, pounds.
    pub settlement_paid: Vec<f64>,
}

/// Fees for one month of `flows` in year `y`: bought-in matches at the council,
/// London or voluntary fee; matches with another partner's adopters at that
/// partner's fee unless fees between partners are abolished; outside matches of
/// a partner's adopters as income. Fees fall due in the month of the match.
pub fn interagency(fees: &Fees, y: usize, london: &[bool], flows: &[Flows]) -> InterAgency {
    let n = flows.len();
    let mut out = InterAgency {
        spend: vec![0.0; n],
        income: vec![0.0; n],
        settlement_paid: vec![0.0; n],
    };
    let la = council_fee(fees, false);
    let la_london = council_fee(fees, true);
    for (j, f) in flows.iter().enumerate() {
        out.spend[j] +=
            f.bought_la * la + f.bought_la_london * la_london + f.bought_vaa * fees.voluntary[y];
        out.income[j] += f.outside_matches * council_fee(fees, london[j]);
        if !fees.abolish_between_partners {
            for (i, &x) in f.from_partner.iter().enumerate() {
                if i != j && x > 0.0 {
                    let fee = x * council_fee(fees, london[i]);
                    out.spend[j] += fee;
                    out.settlement_paid[j] += fee;
                    out.income[i] += fee;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fees(abolish: bool) -> Fees {
        Fees {
            interagency: 27_000.0,
            london_uplift: 0.10,
            voluntary: vec![31_620.0],
            abolish_between_partners: abolish,
        }
    }

    #[test]
    fn london_fee_is_ten_percent_more() {
        assert!((council_fee(&fees(false), true) - 29_700.0).abs() < 1e-9);
    }

    #[test]
    fn partner_matches_pay_the_providing_partners_fee_unless_abolished() {
        let mut a = Flows {
            from_partner: vec![0.0, 0.0],
            ..Flows::default()
        };
        let b = Flows {
            from_partner: vec![2.0, 0.0],
            bought_vaa: 1.0,
            ..Flows::default()
        };
        a.outside_matches = 1.0;
        let london = [true, false];
        let kept = interagency(&fees(false), 0, &london, &[a.clone(), b.clone()]);
        assert!((kept.spend[1] - (2.0 * 29_700.0 + 31_620.0)).abs() < 1e-6);
        assert!((kept.income[0] - 3.0 * 29_700.0).abs() < 1e-6);
        let abolished = interagency(&fees(true), 0, &london, &[a, b]);
        assert!((abolished.spend[1] - 31_620.0).abs() < 1e-6);
        assert!((abolished.income[0] - 29_700.0).abs() < 1e-6);
    }
}
