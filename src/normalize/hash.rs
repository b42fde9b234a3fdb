//! The word hasher of the compiler's tables and of the matcher.

/// A fast, non-cryptographic [`std::hash::Hasher`] (FxHash's multiply-rotate over
/// 8-byte words), for the compiler's tables of patterns and words (hundreds of
/// thousands of short strings, where SipHash dominated compile time).
#[derive(Clone, Copy, Default)]
pub(crate) struct BuildWordHasher;

/// See [`BuildWordHasher`].
pub(crate) struct WordHasher(u64);

impl std::hash::BuildHasher for BuildWordHasher {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher(0)
    }
}

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = mix(self.0, bytes);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// Folds `bytes` into `h`, 8 bytes at a time.
#[inline]
pub(crate) fn mix(mut h: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    h ^= bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The last bytes zero-padded, little-endian, as `u64::from_le_bytes` reads
        // them: assembled in place, since copying a slice of varying length is a call
        // to `memcpy` (about a twentieth of the scan's instructions, hashing tokens).
        let mut w = 0u64;
        for (i, &b) in rest.iter().enumerate() {
            w |= u64::from(b) << (8 * i);
        }
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::mix;

    /// The tail is read as the zero-padded little-endian word it always was: the
    /// tables built with the hash and the fingerprint do not move.
    #[test]
    fn tail_reads_as_zero_padded_little_endian() {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let reference = |bytes: &[u8]| {
            let mut h = bytes.len() as u64;
            for c in bytes.chunks(8) {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
            }
            h
        };
        for s in [
            "",
            "a",
            "kill",
            "sous-développé",
            "abcdefgh",
            "abcdefghi",
            "ĳ€\u{FDD0}",
        ] {
            assert_eq!(mix(0, s.as_bytes()), reference(s.as_bytes()), "{s:?}");
        }
    }
}
