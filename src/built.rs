//! What the build script (`build.rs`) writes in `OUT_DIR`, embedded. The build script
//! compiles this crate's modules itself (to compile the built-in policy) with a `built`
//! module and a `built_packs!` of its own, where these are made when it runs; the tests
//! and benchmarks that compile `normalize` from its source include this file.

/// The segmentation word list, packed (`normalize::words`).
pub(crate) static SEGMENT_WORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/segment.words"));
/// Where each block of [`SEGMENT_WORDS`] starts.
pub(crate) static SEGMENT_BLOCKS: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/segment.blocks"));
/// The common words by shape (`normalize::common`), a little-endian `u64` each.
pub(crate) static COMMON_SHAPES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common.shapes"));
/// The common words that are function words (`normalize::common`), a little-endian
/// `u32` each.
pub(crate) static COMMON_FUNCTION_WORDS: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/common.function"));
/// The built-in baseline policy's stored form ([`crate::Policy::to_bytes`]), compressed
/// as one LZ4 frame; empty when the build script could not compile the packs (then
/// [`crate::Policy::baseline`] compiles them and returns the errors).
pub(crate) static BASELINE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/baseline.lz4"));
