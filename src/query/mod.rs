//! Questions about points: which country, province and district each is in
//! ([`Locator`]), which side of the Durand Line ([`Locator::durand_side`]),
//! and how far each is from the features of a layer ([`DistanceIndex`]).

mod clearance;
mod conformal;
pub mod distance;
mod locator;
mod piece;
mod rank;
mod regional;
mod sphere;

pub use distance::{DistanceIndex, Hit, MAX_K};
pub use locator::{COUNTRY_SNAP_M, Location, Locator, Side, is_durand_line};

/// A seeded generator of numbers in [0, 1) for test data: the crate's one
/// generator ([`crate::rng::Rng`]).
#[cfg(test)]
pub(crate) fn test_uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut rng = crate::rng::Rng::new(seed, 0);
    move || rng.f64()
}
