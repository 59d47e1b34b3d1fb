//! Sampling designs for parameter sweeps, on the unit hypercube `[0, 1]^D`: a full grid, Latin
//! hypercube samples, Morris elementary-effects trajectories and Saltelli's sample for Sobol
//! indices. Every random draw comes from the caller's seeded ChaCha8 generator, so a design is
//! the same bytes on every machine.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A point of the unit hypercube: one coordinate in `[0, 1]` per parameter.
pub type UnitPoint = Vec<f64>;

/// Every combination of levels: parameter `i` takes levels `0..levels[i]`. Points are in
/// row-major order, the last parameter varying fastest, so the point with levels
/// `(k_0, …, k_{D−1})` has index `Σ k_i · Π_{j>i} levels[j]`.
pub fn full_grid(levels: &[usize]) -> Vec<Vec<usize>> {
    let mut points = vec![Vec::new()];
    for &count in levels {
        points = points
            .into_iter()
            .flat_map(|prefix| {
                (0..count).map(move |level| {
                    let mut point = prefix.clone();
                    point.push(level);
                    point
                })
            })
            .collect();
    }
    points
}

/// `samples` Latin hypercube points in `dimensions` dimensions (McKay, Beckman & Conover 1979,
/// "A comparison of three methods for selecting values of input variables in the analysis of
/// output from a computer code", Technometrics 21(2), 239–245): each axis is cut into `samples`
/// equal strata and each stratum holds exactly one point, placed uniformly within it.
///
/// Draws, per dimension in order: a Fisher–Yates permutation of the strata (for `i` from the
/// last down to 1, swap `i` with a uniform `j ≤ i`), then one uniform offset per point.
pub fn latin_hypercube(samples: usize, dimensions: usize, rng: &mut ChaCha8Rng) -> Vec<UnitPoint> {
    let mut points = vec![vec![0.0; dimensions]; samples];
    for d in 0..dimensions {
        let strata = permutation(samples, rng);
        for (point, stratum) in points.iter_mut().zip(strata) {
            point[d] = (stratum as f64 + rng.random::<f64>()) / samples as f64;
        }
    }
    points
}

/// The step of a Morris design with `levels` levels: `Δ = levels / (2 (levels − 1))` (Morris
/// 1991, section 3), as SALib uses.
pub fn morris_delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `trajectories` Morris trajectories of `dimensions + 1` points each (Morris 1991, "Factorial
/// sampling plans for preliminary computational experiments", Technometrics 33(2), 161–174), on
/// the grid `{0, 1/(p−1), …, 1}` of `levels` = p levels (p even, at least 2).
///
/// Each trajectory is Morris's randomised matrix B* (as SALib's `morris.sample` builds it): a
/// base point `x*` whose coordinates are drawn from `{0, 1/(p−1), …, 1 − Δ}`, a random
/// direction per parameter (start at `x*_i` and step `+Δ`, or start at `x*_i + Δ` and step
/// `−Δ`) and a random order in which the parameters step, one per point. Consecutive points
/// thus differ in exactly one coordinate, by `±Δ`. Points are listed trajectory by trajectory.
///
/// Draws, per trajectory: the base levels (one uniform integer per parameter), the directions
/// (one uniform bit per parameter), then the order (a Fisher–Yates permutation).
pub fn morris(trajectories: usize, dimensions: usize, levels: usize, rng: &mut ChaCha8Rng) -> Vec<UnitPoint> {
    assert!(
        levels >= 2 && levels.is_multiple_of(2),
        "Morris levels must be even and at least 2, got {levels}"
    );
    let delta = morris_delta(levels);
    let step = 1.0 / (levels as f64 - 1.0);
    let base_levels = (levels / 2) as u64;
    let mut points = Vec::with_capacity(trajectories * (dimensions + 1));
    for _ in 0..trajectories {
        let base: Vec<f64> = (0..dimensions)
            .map(|_| rng.random_range(0..base_levels) as f64 * step)
            .collect();
        let upward: Vec<bool> = (0..dimensions).map(|_| rng.random::<bool>()).collect();
        let order = permutation(dimensions, rng);
        let mut point: Vec<f64> = base
            .iter()
            .zip(&upward)
            .map(|(&x, &up)| if up { x } else { x + delta })
            .collect();
        points.push(point.clone());
        for &parameter in &order {
            point[parameter] += if upward[parameter] { delta } else { -delta };
            points.push(point.clone());
        }
    }
    points
}

/// Saltelli's sample for first-order and total Sobol indices (Saltelli 2002, "Making best use of
/// model evaluations to compute sensitivity indices", Computer Physics Communications 145,
/// 280–297; Saltelli et al. 2010, "Variance based sensitivity analysis of model output. Design
/// and estimator for the total sensitivity index", Computer Physics Communications 181,
/// 259–270): `base_samples` = N rows of two independent matrices A and B, and for every
/// parameter i the matrix `AB_i`, which is A with column i taken from B.
///
/// Returns N(D + 2) points in SALib's order with `calc_second_order=False`: for each row j,
/// `A_j`, then `AB_1j … AB_Dj`, then `B_j`. (The N(2D + 2) scheme adds `BA_i` for second-order
/// indices, which this crate does not estimate; leaving it out saves N·D model runs.)
///
/// A and B are pseudo-random (ChaCha8), not a Sobol' sequence as in SALib: the estimators are
/// the same, their Monte Carlo error somewhat larger at a given N. Draws: row j of A (D
/// uniforms), then row j of B, for j in order.
pub fn saltelli(base_samples: usize, dimensions: usize, rng: &mut ChaCha8Rng) -> Vec<UnitPoint> {
    let mut points = Vec::with_capacity(base_samples * (dimensions + 2));
    for _ in 0..base_samples {
        let a: UnitPoint = (0..dimensions).map(|_| rng.random::<f64>()).collect();
        let b: UnitPoint = (0..dimensions).map(|_| rng.random::<f64>()).collect();
        points.push(a.clone());
        for i in 0..dimensions {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
        }
        points.push(b);
    }
    points
}

/// A uniformly random permutation of `0..n` (Fisher–Yates, drawing `j` uniform in `0..=i` for
/// `i` from `n − 1` down to 1).
pub(crate) fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut items: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i as u64) as usize;
        items.swap(i, j);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(7)
    }

    #[test]
    fn grid_lists_every_combination_last_parameter_fastest() {
        assert_eq!(
            full_grid(&[2, 3]),
            vec![vec![0, 0], vec![0, 1], vec![0, 2], vec![1, 0], vec![1, 1], vec![1, 2]]
        );
        assert_eq!(full_grid(&[]), vec![Vec::<usize>::new()]);
        assert_eq!(full_grid(&[4, 0]).len(), 0);
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_every_stratum_of_every_axis() {
        let points = latin_hypercube(10, 3, &mut rng());
        assert_eq!(points.len(), 10);
        for d in 0..3 {
            let mut strata: Vec<usize> = points.iter().map(|p| (p[d] * 10.0).floor() as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>(), "axis {d}");
        }
        assert_eq!(points, latin_hypercube(10, 3, &mut rng()), "seeded, so repeatable");
    }

    #[test]
    fn morris_trajectories_step_one_parameter_at_a_time_on_the_grid() {
        let (levels, dimensions) = (4, 3);
        let delta = morris_delta(levels);
        assert!((delta - 2.0 / 3.0).abs() < 1e-15);
        let points = morris(20, dimensions, levels, &mut rng());
        assert_eq!(points.len(), 20 * (dimensions + 1));
        for trajectory in points.chunks(dimensions + 1) {
            let mut stepped = vec![false; dimensions];
            for pair in trajectory.windows(2) {
                let changed: Vec<usize> = (0..dimensions).filter(|&i| pair[0][i] != pair[1][i]).collect();
                assert_eq!(changed.len(), 1, "{pair:?}");
                let i = changed[0];
                assert!(((pair[1][i] - pair[0][i]).abs() - delta).abs() < 1e-12);
                assert!(!stepped[i], "parameter {i} stepped twice");
                stepped[i] = true;
            }
            for x in trajectory.iter().flatten() {
                let level = x * (levels as f64 - 1.0);
                assert!(
                    (level - level.round()).abs() < 1e-9 && (-1e-12..=1.0 + 1e-12).contains(x),
                    "{x}"
                );
            }
        }
    }

    #[test]
    fn saltelli_rows_are_a_then_each_ab_then_b() {
        let (n, d) = (5, 3);
        let points = saltelli(n, d, &mut rng());
        assert_eq!(points.len(), n * (d + 2));
        for block in points.chunks(d + 2) {
            let (a, b) = (&block[0], &block[d + 1]);
            for i in 0..d {
                let ab = &block[i + 1];
                for k in 0..d {
                    assert_eq!(ab[k], if k == i { b[k] } else { a[k] });
                }
            }
        }
    }

    #[test]
    fn permutations_hold_each_item_once() {
        let mut items = permutation(50, &mut rng());
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        items.sort();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
    }
}
