//! Same scenario and seed, same results: run to run and whatever the number of threads.

use crate::common::{on_threads, shipped};

#[test]
fn a_run_is_identical_for_the_same_seed_and_differs_for_another() {
    let scenario = shipped("platform_collapse", &["population.users=3000", "horizon_days=120"]);
    let a = trustsim::experiment::run::simulate(&scenario, None, 5).unwrap();
    let b = trustsim::experiment::run::simulate(&scenario, None, 5).unwrap();
    let c = trustsim::experiment::run::simulate(&scenario, None, 6).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.series, c.series);
}

#[test]
fn ensembles_do_not_depend_on_the_thread_count() {
    let scenario = shipped("baseline", &["population.users=2000", "horizon_days=60"]);
    let seeds: Vec<u64> = (1..=6).collect();
    let run = || trustsim::experiment::run::simulate_many(&scenario, None, &seeds).unwrap();
    assert_eq!(on_threads(1, run), on_threads(2, run));
}

#[test]
fn a_single_run_is_identical_whatever_the_thread_count() {
    // Enough users for several chunks of the users' day, so that the chunks run in parallel.
    let scenario = shipped("platform_collapse", &["population.users=20000", "horizon_days=60"]);
    let run = || trustsim::experiment::run::simulate(&scenario, None, 4).unwrap();
    assert_eq!(on_threads(1, run), on_threads(2, run));
}
