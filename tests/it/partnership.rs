//! Regional partnerships: the papers' figures, the formula rules, and the CLI with bad input.

use lacsim::partnership::{self, Loaded};
use std::path::Path;

fn load(rel: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(rel);
    partnership::load(&path, &|p: &Path| std::fs::read_to_string(p))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn print_t4c() {
    let l = load("together4children/partnership.toml");
    let r = partnership::run_expected(&l.partnership);
    for (i, p) in l.partnership.partners.iter().enumerate() {
        let y = &r.partners[i][0];
        eprintln!(
            "{} {:?} share {:.3} a2 {:.0} a10 {:.0}",
            p.id, y.flows, y.in_region_share, y.a2_days, y.a10_days
        );
    }
    let tot = |f: &dyn Fn(&partnership::PartnerYear) -> f64| -> f64 {
        r.partners.iter().map(|p| f(&p[0])).sum()
    };
    eprintln!(
        "po {} placed {} orders {} inreg {}",
        tot(&|y| y.flows.placement_orders),
        tot(&|y| y.flows.placed),
        tot(&|y| y.flows.adoption_orders),
        tot(&|y| y.flows.matched_in_region) / tot(&|y| y.flows.matched)
    );
    panic!();
}
