//! Store keys: the made key as written to a KV store, shortened to the store's key limit
//! so that two different made keys never share a store key.
//!
//! A made key is used unchanged when it fits and cannot be mistaken for a shortened key.
//! Otherwise it becomes a readable prefix, `#`, and the md5 hex of the whole made key:
//! an unchanged key never ends in `#` + 32 hex digits, and two shortened keys differ
//! whenever their md5 differ. Chunk keys hash a different domain (`chunk\0<i>\0<key>`),
//! so they cannot collide with a shortened key either; lease keys likewise (`lease\0<key>`).

use md5::{Digest, Md5};

/// Length of the `#<md5 hex>` suffix of a shortened key.
const SUFFIX: usize = 33;
/// The smallest key limit this scheme supports (a suffix plus a little prefix).
pub const MIN_KEY_LIMIT: usize = SUFFIX + 8;

/// The lowercase hex md5 of `bytes` (Django's `md5(...).hexdigest()`).
///
/// ```
/// assert_eq!(edgecache::md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
/// ```
pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

/// Lowercase hex of a digest.
pub(crate) fn hex(digest: &[u8]) -> String {
    let mut out = String::with_capacity(digest.len() * 2);
    for &b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

fn looks_shortened(key: &str) -> bool {
    let b = key.as_bytes();
    b.len() >= SUFFIX
        && b[b.len() - SUFFIX] == b'#'
        && b[b.len() - 32..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// The prefix of `key` that fits in `max` bytes, cut on a character boundary.
fn head(key: &str, max: usize) -> &str {
    let mut end = max.min(key.len());
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    &key[..end]
}

/// The store key for a made key under a limit of `max_bytes` (UTF-8 bytes).
///
/// ```
/// use edgecache::store_key;
/// assert_eq!(store_key(":1:user", 512), ":1:user");
/// let long = format!(":1:{}", "x".repeat(600));
/// let short = store_key(&long, 512);
/// assert_eq!(short.len(), 512);
/// assert!(short.starts_with(":1:xxx"));
/// assert_ne!(short, store_key(&format!("{long}y"), 512));
/// ```
pub fn store_key(made: &str, max_bytes: usize) -> String {
    let max = max_bytes.max(MIN_KEY_LIMIT);
    // Workers KV refuses "", "." and ".."; hashing them keeps every store happy.
    let reserved = matches!(made, "" | "." | "..");
    if made.len() <= max && !reserved && !looks_shortened(made) {
        return made.to_string();
    }
    shortened(made, made.as_bytes(), max)
}

/// The store key of chunk `index` of the value stored under `made`.
///
/// ```
/// let a = edgecache::chunk_key(":1:big", 0, 512);
/// assert!(a.starts_with(":1:big#"));
/// assert_ne!(a, edgecache::chunk_key(":1:big", 1, 512));
/// ```
pub fn chunk_key(made: &str, index: u32, max_bytes: usize) -> String {
    let max = max_bytes.max(MIN_KEY_LIMIT);
    let mut domain = format!("chunk\0{index}\0").into_bytes();
    domain.extend_from_slice(made.as_bytes());
    shortened(made, &domain, max)
}

/// The store key of the lease on the value stored under `made` (see `persist::lease`).
///
/// ```
/// let lease = edgecache::persist::lease_key(":1:hot", 512);
/// assert!(lease.starts_with(":1:hot#"));
/// assert_ne!(lease, edgecache::chunk_key(":1:hot", 0, 512));
/// ```
pub fn lease_key(made: &str, max_bytes: usize) -> String {
    let max = max_bytes.max(MIN_KEY_LIMIT);
    let mut domain = b"lease\0".to_vec();
    domain.extend_from_slice(made.as_bytes());
    shortened(made, &domain, max)
}

fn shortened(readable: &str, hashed: &[u8], max: usize) -> String {
    let mut out = String::with_capacity(max);
    out.push_str(head(readable, max - SUFFIX));
    out.push('#');
    out.push_str(&md5_hex(hashed));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_known_vectors() {
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn keys_that_look_shortened_are_hashed_so_they_cannot_collide() {
        let long = "k".repeat(100);
        let short = store_key(&long, 64);
        assert_eq!(short.len(), 64);
        // A user key equal to another key's shortened form is itself shortened.
        assert_ne!(store_key(&short, 64), short);
        assert_ne!(store_key(&short, 64), store_key(&long, 64));
    }

    #[test]
    fn multibyte_prefixes_are_cut_on_char_boundaries() {
        let key = "é".repeat(300);
        let short = store_key(&key, 512);
        assert!(short.len() <= 512);
        assert!(short.starts_with("éé"));
    }

    #[test]
    fn reserved_names_are_hashed_and_chunks_differ_from_keys() {
        assert_ne!(store_key(".", 512), ".");
        assert_ne!(chunk_key(":1:a", 0, 512), store_key(":1:a", 512));
    }
}
