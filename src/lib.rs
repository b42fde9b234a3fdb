//! tosguard (work in progress)
#![forbid(unsafe_code)]

mod normalize;
pub use normalize::NormalizeOptions;
