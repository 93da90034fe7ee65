//! Discounting at the HM Treasury Green Book rate.

/// The Green Book's real discount rate for the first 30 years.
pub const GREEN_BOOK_RATE: f64 = 0.035;

/// Net present value of yearly amounts, the first year undiscounted.
pub fn npv(values: &[f64], rate: f64) -> f64 {
    values
        .iter()
        .enumerate()
        .map(|(t, v)| v / (1.0 + rate).powi(t as i32))
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
}
