//! Cache keys: Django's default key function and memcached-style key validation.

use crate::codec::pystr::py_repr;

/// The longest key, in code points, that memcached accepts.
pub const MAX_KEY_LENGTH: usize = 250;

/// `incr_version`'s target: `version + delta`, or `INVALID_VERSION` past
/// [`MAX_SAFE_INTEGER`](crate::codec::MAX_SAFE_INTEGER) either way (JS could not name that version again: the value would be moved out of reach).
///
/// ```
/// use edgecache::{codec::MAX_SAFE_INTEGER, shifted_version};
/// assert_eq!(shifted_version(1, 1), Ok(2));
/// assert_eq!(shifted_version(MAX_SAFE_INTEGER, 1).unwrap_err().code(), "INVALID_VERSION");
/// ```
pub fn shifted_version(version: i64, delta: i64) -> crate::error::Result<i64> {
    version
        .checked_add(delta)
        .filter(|v| v.abs() <= crate::codec::MAX_SAFE_INTEGER)
        .ok_or_else(|| {
            crate::error::Error::invalid(
                "INVALID_VERSION",
                format!("version {version} moved by {delta} is past ±(2^53 - 1), which JS numbers cannot name"),
            )
        })
}

/// Django's default key function: `"<prefix>:<version>:<key>"`.
///
/// ```
/// assert_eq!(edgecache::make_key("foo", "", 1), ":1:foo");
/// assert_eq!(edgecache::make_key("foo", "site1", 2), "site1:2:foo");
/// ```
pub fn make_key(key: &str, prefix: &str, version: i64) -> String {
    let mut out = String::with_capacity(prefix.len() + key.len() + 4);
    write_key(&mut out, key, prefix, version);
    out
}

/// [`make_key`] into a reused buffer (the hot path allocates nothing).
pub fn write_key(out: &mut String, key: &str, prefix: &str, version: i64) {
    out.clear();
    out.push_str(prefix);
    out.push(':');
    push_decimal(out, version);
    out.push(':');
    out.push_str(key);
}

/// A reused buffer for made keys that keeps the `"<prefix>:<version>:"` head of the last
/// one, so a run of keys with the same prefix and version copies two strings and prints no
/// digits (the key-making half of every call).
///
/// ```
/// let mut keys = edgecache::KeyWriter::default();
/// assert_eq!(keys.write("foo", "site1", 2), "site1:2:foo");
/// assert_eq!(keys.write("bar", "site1", 2), "site1:2:bar");
/// assert_eq!(keys.write("bar", "site", 12), "site:12:bar");
/// ```
#[derive(Debug, Default)]
pub struct KeyWriter {
    buf: String,
    head: String,
    /// The prefix length and version `head` was made for (the prefix bytes are checked too).
    head_of: Option<(usize, i64)>,
}

impl KeyWriter {
    /// [`make_key`] into the reused buffer.
    pub fn write(&mut self, key: &str, prefix: &str, version: i64) -> &str {
        let fits = self.head_of == Some((prefix.len(), version))
            && self.head.as_bytes().starts_with(prefix.as_bytes());
        if !fits {
            write_key(&mut self.head, "", prefix, version);
            self.head_of = Some((prefix.len(), version));
        }
        self.buf.clear();
        self.buf.push_str(&self.head);
        self.buf.push_str(key);
        &self.buf
    }
}

/// Appends `n` in decimal without the formatting machinery (this is on every call's path).
fn push_decimal(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// True when [`key_warnings`] would report something (a fast byte scan).
pub fn needs_warning(key: &str) -> bool {
    // A key of at most 250 bytes has at most 250 code points.
    (key.len() > MAX_KEY_LENGTH && key.chars().count() > MAX_KEY_LENGTH)
        || key.bytes().any(|b| b <= 0x20 || b == 0x7f)
}

/// Django's `memcache_key_warnings`: the messages for a key, in Django's order.
///
/// ```
/// let long = "a".repeat(251);
/// let warnings = edgecache::key_warnings(&long);
/// assert_eq!(warnings[0], format!("Cache key will cause errors if used with memcached: '{long}' (longer than 250)"));
/// assert_eq!(
///     edgecache::key_warnings("a b"),
///     ["Cache key contains characters that will cause errors if used with memcached: 'a b'"]
/// );
/// assert!(edgecache::key_warnings("清").is_empty());
/// ```
pub fn key_warnings(key: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    if !needs_warning(key) {
        return warnings;
    }
    if key.chars().count() > MAX_KEY_LENGTH {
        warnings.push(format!(
            "Cache key will cause errors if used with memcached: {} (longer than {MAX_KEY_LENGTH})",
            py_repr(key)
        ));
    }
    if key.chars().any(|c| (c as u32) <= 0x20 || c as u32 == 0x7f) {
        warnings.push(format!(
            "Cache key contains characters that will cause errors if used with memcached: {}",
            py_repr(key)
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_code_points_not_bytes() {
        let key = "清".repeat(250);
        assert!(key_warnings(&key).is_empty());
        let key = "清".repeat(251);
        assert_eq!(key_warnings(&key).len(), 1);
    }

    #[test]
    fn both_warnings_in_order() {
        let key = format!("{} ", "x".repeat(250));
        let w = key_warnings(&key);
        assert_eq!(w.len(), 2);
        assert!(w[0].ends_with("(longer than 250)"));
        assert!(w[1].starts_with("Cache key contains characters"));
    }

    #[test]
    fn versions_print_like_python_ints() {
        for v in [0, 1, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(make_key("k", "p", v), format!("p:{v}:k"));
        }
    }

    #[test]
    fn the_writer_remakes_its_head_when_prefix_or_version_change() {
        let mut keys = KeyWriter::default();
        let cases = [
            ("a", "", 1),
            ("b", "", 1),
            ("b", "", 2),
            ("c", "x", 2),
            ("c", "y", 2),
        ];
        let more = [
            ("c", "xy", 2),
            ("c", ":2", 2),
            ("d", "", -1),
            ("清", "p", 1),
        ];
        for (key, prefix, version) in cases.into_iter().chain(more) {
            assert_eq!(
                keys.write(key, prefix, version),
                make_key(key, prefix, version)
            );
        }
    }

    #[test]
    fn control_and_delete_characters_warn() {
        for key in ["a\x00", "a\x7f", "a\n", "a\t", "\x20"] {
            assert_eq!(key_warnings(key).len(), 1, "{key:?}");
        }
        assert!(key_warnings("\u{a0}").is_empty());
    }
}
