//! Questions about points: which country, province and district each is in
//! ([`Locator`]), which side of the Durand Line ([`Locator::durand_side`]),
//! and how far each is from the features of a layer ([`DistanceIndex`]).

mod clearance;
mod conformal;
pub mod distance;
mod locator;
mod sphere;

pub use distance::{DistanceIndex, Hit};
pub use locator::{COUNTRY_SNAP_M, Location, Locator, Side, is_durand_line};
