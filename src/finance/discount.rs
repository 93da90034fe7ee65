//! Discounting at the HM Treasury Green Book rate.

/// The Green Book's real discount rate for the first 30 years.
pub const GREEN_BOOK_RATE: f64 = 0.035;

/// The Green Book's schedule (Annex A6): the rate for each band of years,
/// as (first year of the band, rate); 3.5% for years 0 to 30, then it
/// declines as the horizon lengthens.
pub const GREEN_BOOK_SCHEDULE: [(u32, f64); 3] = [(0, 0.035), (31, 0.030), (76, 0.025)];

/// Net present value of yearly amounts at one rate, the first year undiscounted.
pub fn npv(values: &[f64], rate: f64) -> f64 {
    values
        .iter()
        .enumerate()
        .map(|(t, v)| v / (1.0 + rate).powi(t as i32))
        .sum()
}

/// What £1 in year `t` (0: the first, undiscounted) is worth today on the
/// Green Book's schedule: each year is discounted at the rate of its band.
pub fn green_book_factor(t: usize) -> f64 {
    let mut factor = 1.0;
    for year in 1..=t as u32 {
        let rate = GREEN_BOOK_SCHEDULE
            .iter()
            .rev()
            .find(|(from, _)| year >= *from)
            .map_or(GREEN_BOOK_RATE, |&(_, r)| r);
        factor /= 1.0 + rate;
    }
    factor
}

/// Net present value of yearly amounts on the Green Book's schedule, the
/// first year undiscounted (the same as [`npv`] at 3.5% up to 31 years).
pub fn green_book_npv(values: &[f64]) -> f64 {
    values
        .iter()
        .enumerate()
        .map(|(t, v)| v * green_book_factor(t))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npv_discounts_from_year_one() {
        let v = npv(&[100.0, 103.5], GREEN_BOOK_RATE);
        assert!((v - 200.0).abs() < 1e-9);
    }

    #[test]
    fn the_green_book_rate_falls_to_3_percent_from_year_31() {
        // Up to year 30 the schedule is 3.5% throughout.
        let thirty = green_book_factor(30);
        assert!((thirty - 1.035f64.powi(-30)).abs() < 1e-15);
        assert!((green_book_factor(31) - thirty / 1.03).abs() < 1e-15);
        assert!((green_book_factor(50) - thirty / 1.03f64.powi(20)).abs() < 1e-15);
        let seven = [10.0, -4.0, 3.0, 8.0, 1.0, 2.0, 5.0];
        assert!((green_book_npv(&seven) - npv(&seven, GREEN_BOOK_RATE)).abs() < 1e-12);
        // A £1 a year stream over 50 years is worth more than at a flat 3.5%.
        let ones = [1.0; 50];
        assert!(green_book_npv(&ones) > npv(&ones, GREEN_BOOK_RATE) + 0.1);
    }
}
