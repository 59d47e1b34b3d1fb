//! Portable samplers for the non-uniform draws: standard normal, gamma (and its logarithm), beta
//! and Poisson. Each is built from uniform draws, IEEE arithmetic (`+ − × ÷`, `sqrt`) and the
//! `libm` crate's `log` and `exp` (a port of musl's), never the platform's libm, whose last bits
//! differ between systems (and, in glibc, between processors with and without FMA): the same
//! seed gives the same bits on every machine.

use rand::Rng;

/// A uniform draw in [0, 1): the top 53 bits of one `next_u64`, times 2^-53.
#[inline]
fn uniform(rng: &mut impl Rng) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw by Marsaglia's polar method (Marsaglia & Bray 1964): draw
/// x = 2u₁ − 1 and y = 2u₂ − 1 until 0 < s = x² + y² < 1, then return x·√(−2 ln s / s). The second
/// normal the method yields, y·√(…), is not used, so each draw stands alone.
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    loop {
        let x = 2.0 * uniform(rng) - 1.0;
        let y = 2.0 * uniform(rng) - 1.0;
        let s = x * x + y * y;
        if s > 0.0 && s < 1.0 {
            return x * (-2.0 * libm::log(s) / s).sqrt();
        }
    }
}

/// A Gamma(`shape`, 1) draw, `shape` ≥ 1, by Marsaglia & Tsang (2000): with d = a − 1/3 and
/// c = 1/√(9d), draw a standard normal z, set v = (1 + cz)³ (drawing again while 1 + cz ≤ 0),
/// then a uniform u; accept d·v if u < 1 − 0.0331 z⁴ or ln u < z²/2 + d(1 − v + ln v), else
/// start again.
///
/// # Panics
///
/// If `shape` is below 1 (use [`ln_gamma`]).
pub fn gamma(shape: f64, rng: &mut impl Rng) -> f64 {
    assert!(shape >= 1.0, "gamma shape {shape} below 1");
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = standard_normal(rng);
        let t = 1.0 + c * z;
        if t <= 0.0 {
            continue;
        }
        let v = t * t * t;
        let u = uniform(rng);
        let z2 = z * z;
        if u < 1.0 - 0.0331 * z2 * z2 || libm::log(u) < 0.5 * z2 + d * (1.0 - v + libm::log(v)) {
            return d * v;
        }
    }
}

/// The natural logarithm of a Gamma(`shape`, 1) draw, `shape` > 0: ln of [`gamma`]'s draw for
/// a ≥ 1; for a < 1, ln G + ln(u)/a with G this function's draw for a + 1, then u = 1 − (a
/// uniform) in (0, 1] (Marsaglia & Tsang 2000). The logarithm keeps very small shapes, whose
/// draws underflow to 0, usable.
pub fn ln_gamma(shape: f64, rng: &mut impl Rng) -> f64 {
    if shape >= 1.0 {
        return libm::log(gamma(shape, rng));
    }
    let ln_g = ln_gamma(shape + 1.0, rng);
    let u = 1.0 - uniform(rng);
    ln_g + libm::log(u) / shape
}

/// A Beta(`alpha`, `beta`) draw, both > 0: X / (X + Y) for X ~ Gamma(α) and Y ~ Gamma(β), drawn in
/// that order. When a shape is below 1 its gamma draw can underflow, so the ratio is then
/// computed from the logarithms ([`ln_gamma`]) as 1 / (1 + exp(ln Y − ln X)).
pub fn beta(alpha: f64, beta: f64, rng: &mut impl Rng) -> f64 {
    if alpha >= 1.0 && beta >= 1.0 {
        let x = gamma(alpha, rng);
        let y = gamma(beta, rng);
        return x / (x + y);
    }
    let ln_x = ln_gamma(alpha, rng);
    let ln_y = ln_gamma(beta, rng);
    1.0 / (1.0 + libm::exp(ln_y - ln_x))
}

/// A Poisson(`mean`) count, 0 ≤ `mean` ≤ 700, by multiplying uniforms (Knuth 1997, §3.4.1): the
/// number of uniforms multiplied before the product first falls to e^−mean or below, less one.
/// Its cost grows with the mean; the model draws it once a day with a mean of at most 274.
///
/// # Panics
///
/// If `mean` is outside [0, 700] (e^−mean would underflow beyond).
pub fn poisson(mean: f64, rng: &mut impl Rng) -> u64 {
    assert!((0.0..=700.0).contains(&mean), "Poisson mean {mean} outside [0, 700]");
    let limit = libm::exp(-mean);
    let mut product = uniform(rng);
    let mut count = 0;
    while product > limit {
        product *= uniform(rng);
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// Mean and variance of `n` draws.
    fn moments(n: usize, mut draw: impl FnMut() -> f64) -> (f64, f64) {
        let values: Vec<f64> = (0..n).map(|_| draw()).collect();
        let mean = values.iter().sum::<f64>() / n as f64;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, variance)
    }

    /// Asserts that a sample mean is within five standard errors of `expected` and the sample
    /// variance within 3% of `variance`.
    fn assert_moments(n: usize, (mean, var): (f64, f64), expected: f64, variance: f64) {
        let se = (variance / n as f64).sqrt();
        assert!(
            (mean - expected).abs() < 5.0 * se,
            "mean {mean}, expected {expected} ± {se}"
        );
        assert!(
            (var / variance - 1.0).abs() < 0.03,
            "variance {var}, expected {variance}"
        );
    }

    #[test]
    fn standard_normal_has_unit_moments_and_normal_tails() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 200_000;
        let values: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mut iter = values.iter().copied();
        assert_moments(n, moments(n, || iter.next().unwrap()), 0.0, 1.0);
        // P(|Z| > 1.96) = 0.05, with a standard error of 0.0005 here.
        let beyond = values.iter().filter(|z| z.abs() > 1.96).count() as f64 / n as f64;
        assert!((beyond - 0.05).abs() < 0.0025, "{beyond}");
    }

    #[test]
    fn gamma_and_beta_match_their_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let n = 100_000;
        for shape in [1.0, 3.5] {
            assert_moments(n, moments(n, || gamma(shape, &mut rng)), shape, shape);
        }
        for shape in [0.3, 1.0, 3.5] {
            let draws = moments(n, || libm::exp(ln_gamma(shape, &mut rng)));
            assert_moments(n, draws, shape, shape);
        }
        for (a, b) in [(2.0, 5.0), (0.5, 0.5), (1.0, 1.0), (8.0, 2.0), (0.7, 3.0)] {
            let mean = a / (a + b);
            let variance = a * b / ((a + b) * (a + b) * (a + b + 1.0));
            assert_moments(n, moments(n, || beta(a, b, &mut rng)), mean, variance);
        }
    }

    #[test]
    fn beta_with_tiny_shapes_stays_in_the_unit_interval() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let draws: Vec<f64> = (0..20_000).map(|_| beta(0.001, 0.001, &mut rng)).collect();
        assert!(draws.iter().all(|x| (0.0..=1.0).contains(x)));
        // Nearly all mass at the ends, split evenly.
        let ones = draws.iter().filter(|&&x| x > 0.5).count() as f64 / draws.len() as f64;
        assert!((ones - 0.5).abs() < 0.02, "{ones}");
    }

    #[test]
    fn poisson_matches_its_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let n = 100_000;
        for mean in [0.05, 1.0, 40.0] {
            let draws = moments(n, || poisson(mean, &mut rng) as f64);
            assert_moments(n, draws, mean, mean);
        }
        assert_eq!(poisson(0.0, &mut rng), 0);
    }

    /// The exact bits of the first draws from seed 7: the same on every platform, which is the
    /// point of these samplers. A change here changes every scenario's results.
    #[test]
    fn draws_are_pinned_to_the_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let bits = [
            standard_normal(&mut rng).to_bits(),
            ln_gamma(0.4, &mut rng).to_bits(),
            beta(2.0, 5.0, &mut rng).to_bits(),
            beta(0.5, 2.0, &mut rng).to_bits(),
            poisson(3.0, &mut rng),
        ];
        assert_eq!(
            bits,
            [
                13822680498293869672,
                13821607941233707240,
                4596578352577114552,
                4599041351671941326,
                1
            ]
        );
    }
}
