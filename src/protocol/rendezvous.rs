//! Which of many memcached servers holds a key: rendezvous (highest random weight) hashing as
//! pymemcache's `HashClient` does it, the client of Django's `PyMemcacheCache`. So a key lands
//! on the server where a Django site with the same server list puts it, and adding or removing
//! one of N servers moves only the keys that server wins or held (about 1/N of them).
//!
//! Chosen over ketama (libmemcached, pylibmc) because Django's recommended memcached backend
//! uses this one, and it needs no ring: O(servers) per key, nothing to rebuild.

/// MurmurHash3 (x86, 32-bit) over the low 8 bits of each character of `text`, with the length
/// in characters: what pymemcache's pure-Python `murmur3_32` computes for a `str` (for ASCII,
/// the standard hash of the bytes).
///
/// ```
/// use edgecache::protocol::rendezvous::murmur3_32;
/// assert_eq!(murmur3_32("", 0), 0);
/// assert_eq!(murmur3_32("hello", 0), 0x248b_fa47);
/// ```
pub fn murmur3_32(text: &str, seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mix = |k: u32| k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    let mut h = seed;
    let mut length: u32 = 0;
    let mut block = [0u8; 4];
    for c in text.chars() {
        block[(length % 4) as usize] = c as u32 as u8;
        length = length.wrapping_add(1);
        if length % 4 == 0 {
            h ^= mix(u32::from_le_bytes(block));
            h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
        }
    }
    let tail = (length % 4) as usize;
    if tail > 0 {
        let mut k = 0u32;
        for (i, &b) in block[..tail].iter().enumerate() {
            k |= u32::from(b) << (8 * i);
        }
        h ^= mix(k);
    }
    h ^= length;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The index in `servers` (each `"host:port"`, as pymemcache names them) of the server that
/// holds `key`: the highest `murmur3_32("{server}-{key}")`, a tie going to the greater name.
/// `None` when there is no server.
///
/// ```
/// use edgecache::protocol::rendezvous::server_for;
/// let servers = ["10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211"];
/// let i = server_for("user:1", &servers).unwrap();
/// // Removing another server does not move the key.
/// let others: Vec<&str> = servers.iter().copied().filter(|s| *s != servers[(i + 1) % 3]).collect();
/// assert_eq!(others[server_for("user:1", &others).unwrap()], servers[i]);
/// assert_eq!(server_for::<&str>("k", &[]), None);
/// ```
pub fn server_for<S: AsRef<str>>(key: &str, servers: &[S]) -> Option<usize> {
    let mut best: Option<(u32, usize)> = None;
    let mut joined = String::new();
    for (i, server) in servers.iter().enumerate() {
        joined.clear();
        joined.push_str(server.as_ref());
        joined.push('-');
        joined.push_str(key);
        let score = murmur3_32(&joined, 0);
        best = match best {
            Some((top, j))
                if top > score || (top == score && servers[j].as_ref() >= server.as_ref()) =>
            {
                Some((top, j))
            }
            _ => Some((score, i)),
        };
    }
    best.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_vectors_for_ascii() {
        // Published MurmurHash3_x86_32 test vectors.
        assert_eq!(murmur3_32("", 1), 0x514e_28b7);
        assert_eq!(murmur3_32("", 0xffff_ffff), 0x81f1_6f39);
        assert_eq!(murmur3_32("test", 0), 0xba6b_d213);
        assert_eq!(murmur3_32("Hello, world!", 0x9747_b28c), 0x2488_4cba);
        assert_eq!(
            murmur3_32("The quick brown fox jumps over the lazy dog", 0x9747_b28c),
            0x2fa8_26cd
        );
    }

    #[test]
    fn non_ascii_characters_count_once_by_their_low_byte() {
        // pymemcache hashes a str by code point: "é" (U+00E9) as the one byte 0xE9.
        assert_eq!(murmur3_32("é", 0), murmur3_32("\u{1e9}", 0));
        assert_ne!(murmur3_32("é", 0), murmur3_32("Ã©", 0));
    }

    #[test]
    fn adding_a_server_moves_about_a_quarter_of_the_keys() {
        let three = ["a:1", "b:1", "c:1"];
        let four = ["a:1", "b:1", "c:1", "d:1"];
        let moved = (0..10_000)
            .filter(|i| {
                let key = format!("key:{i}");
                three[server_for(&key, &three).unwrap()] != four[server_for(&key, &four).unwrap()]
            })
            .count();
        assert!((2_000..3_000).contains(&moved), "{moved}");
    }
}
