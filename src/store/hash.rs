//! A seeded word-at-a-time key hash (wasm32 has no 128-bit multiply, so no foldhash).

const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// Hashes `bytes` with `seed`: 8 bytes per step, finished with murmur3's fmix64.
///
/// ```
/// let a = edgecache::hash_key(b"user:42", 7);
/// assert_eq!(a, edgecache::hash_key(b"user:42", 7));
/// assert_ne!(a, edgecache::hash_key(b"user:43", 7));
/// ```
pub fn hash_key(bytes: &[u8], seed: u64) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    fmix64(h)
}

/// murmur3's 64-bit finalizer: every input bit affects every output bit.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Spreads a stored 32-bit hash back to the 64 bits the hash table wants.
pub(crate) fn widen(h: u32) -> u64 {
    (h as u64).wrapping_mul(K) ^ h as u64
}
