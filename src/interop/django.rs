//! What Django 5.2's own cache backends keep under a key, so edgecache and a Django site share
//! entries: `RedisCache` (and django-redis's default serializer) store an `int` as its decimal
//! text (so `INCR` works on both sides) and anything else pickled; `PyMemcacheCache`
//! (pymemcache's pickle serde) stores bytes, text, an int or a pickle, told apart by the item's
//! client flags.

use super::json::{json_to_value, value_to_json, Floats};
use super::{pickle_to_value, python_int, value_to_pickle, write_int};
use crate::codec::{self, bigint, Encoder, Token, Value};
use crate::error::{Error, Result};
use crate::Timeout;

/// Which of Django's backends shares the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// `django.core.cache.backends.redis.RedisCache` (and django-redis's default serializer).
    Redis,
    /// django-redis with its `JSONSerializer`: ints as text, anything else as JSON.
    RedisJson,
    /// `django.core.cache.backends.memcached.PyMemcacheCache`: store bytes are the item's
    /// client flags (4 bytes, big-endian) then its data, as the memcached adapter frames them.
    Memcached,
}

impl Backend {
    /// The expiry (seconds) `backend` gives a write at `now`: Django's Redis and memcached
    /// backends keep whole seconds (`int(timeout)`, the default timeout too), so a timeout of
    /// 0.5 is already expired there (Redis deletes the key, memcached stores it with -1);
    /// django-redis keeps milliseconds, as edgecache's own records.
    ///
    /// ```
    /// use edgecache::interop::django::Backend;
    /// use edgecache::Timeout;
    /// assert_eq!(Backend::Redis.expires_at(Timeout::Seconds(1.9), None, 100.0), 101.0);
    /// assert!(Backend::Memcached.expires_at(Timeout::Seconds(0.5), None, 100.0) <= 100.0); // expired
    /// assert_eq!(Backend::Memcached.expires_at(Timeout::Default, Some(2.5), 100.0), 102.0);
    /// assert_eq!(Backend::RedisJson.expires_at(Timeout::Seconds(0.5), None, 100.0), 100.5);
    /// assert_eq!(Backend::Redis.expires_at(Timeout::Never, Some(5.0), 100.0), f64::INFINITY);
    /// ```
    pub fn expires_at(self, timeout: Timeout, default: Option<f64>, now: f64) -> f64 {
        match self {
            Backend::RedisJson => timeout.expires_at(default, now),
            Backend::Redis | Backend::Memcached => {
                let whole = match timeout {
                    Timeout::Seconds(s) => Timeout::Seconds(s.trunc()),
                    other => other,
                };
                whole.expires_at(default.map(f64::trunc), now)
            }
        }
    }
}

/// The bytes the store keeps for a value (the codec's bytes) in `backend`'s format.
///
/// ```
/// use edgecache::interop::django::{store_bytes, value_of, Backend};
/// let text = b"\x01hello".to_vec(); // the codec's bytes of "hello"
/// let kept = store_bytes(Backend::Memcached, &text).unwrap();
/// assert_eq!(kept, b"\x00\x00\x00\x10hello"); // flags 16 (text), then UTF-8
/// assert_eq!(value_of(Backend::Memcached, &kept).unwrap(), b"\x03\x16\x05hello");
/// ```
pub fn store_bytes(backend: Backend, value: &[u8]) -> Result<Vec<u8>> {
    store_bytes_with(backend, value, Floats::RUST)
}

/// [`store_bytes`] with the float text of `floats` (for JSON).
pub fn store_bytes_with(backend: Backend, value: &[u8], floats: Floats) -> Result<Vec<u8>> {
    match backend {
        Backend::Redis => redis_encode(value),
        Backend::RedisJson => match as_int(value) {
            Some(twos) => Ok(decimal(&twos).into_bytes()),
            None => value_to_json(value, floats),
        },
        Backend::Memcached => {
            let (data, item_flags) = memcached_encode(value)?;
            let mut out = item_flags.to_be_bytes().to_vec();
            out.extend_from_slice(&data);
            Ok(out)
        }
    }
}

/// The codec's bytes of what the store keeps in `backend`'s format; an error for anything
/// Django would not have written or this reader does not allow (a miss to the caller).
pub fn value_of(backend: Backend, stored: &[u8]) -> Result<Vec<u8>> {
    value_of_with(backend, stored, Floats::RUST)
}

/// [`value_of`] with the float parse of `floats` (for JSON).
pub fn value_of_with(backend: Backend, stored: &[u8], floats: Floats) -> Result<Vec<u8>> {
    match backend {
        Backend::Redis => redis_decode(stored),
        Backend::RedisJson => match py_int(stored) {
            Some(twos) => Ok(int_value(&twos)),
            None => json_to_value(stored, floats),
        },
        Backend::Memcached => {
            let (head, data) = stored
                .split_at_checked(4)
                .ok_or_else(|| Error::Corrupt("a memcached item without its flags".into()))?;
            memcached_decode(
                data,
                u32::from_be_bytes([head[0], head[1], head[2], head[3]]),
            )
        }
    }
}

/// pymemcache's client flags.
pub mod flags {
    /// Raw bytes (`bytes`).
    pub const BYTES: u32 = 0;
    /// A pickle.
    pub const PICKLE: u32 = 1;
    /// An `int` as decimal text.
    pub const INTEGER: u32 = 1 << 1;
    /// A Python 2 `long` as decimal text.
    pub const LONG: u32 = 1 << 2;
    /// zlib-compressed (not written by Django's settings; read as unsupported).
    pub const COMPRESSED: u32 = 1 << 3;
    /// UTF-8 text (`str`).
    pub const TEXT: u32 = 1 << 4;
}

/// The int a value is when Django would store it as one: a safe-integer number (not -0) or a
/// bigint, as two's-complement bytes.
fn as_int(value: &[u8]) -> Option<Vec<u8>> {
    let Ok(Value::Structured(mut d)) = codec::decode(value) else {
        return None;
    };
    let token = d.next_token().ok()?;
    if !d.is_done() {
        return None;
    }
    match token {
        Token::Number(x) => python_int(x).map(bigint::from_i64),
        Token::BigInt(twos) => Some(twos.to_vec()),
        _ => None,
    }
}

pub(super) fn decimal(twos: &[u8]) -> String {
    let (negative, hex) = bigint::to_hex(twos);
    let mut digits = vec![0u8]; // base 10, little-endian
    for c in hex.bytes() {
        let nibble = char::from(c).to_digit(16).unwrap_or(0);
        let mut carry = nibble;
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 16 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    let mut out = String::with_capacity(digits.len() + 1);
    if negative && !(digits.len() == 1 && digits[0] == 0) {
        out.push('-');
    }
    out.extend(digits.iter().rev().map(|&d| char::from(b'0' + d)));
    out
}

/// Python's `int(text)` of bytes: surrounding whitespace, a sign, digits with single
/// underscores between them. `None` when Python would raise ValueError.
///
/// ```
/// use edgecache::interop::py_int;
/// assert!(py_int(b" 42\n").is_some());
/// assert!(py_int(b"1_000").is_some());
/// assert!(py_int(b"1__0").is_none());
/// assert!(py_int(b"\x80\x05").is_none());
/// ```
pub fn py_int(text: &[u8]) -> Option<Vec<u8>> {
    let trimmed = text.trim_ascii();
    let (negative, digits) = match trimmed.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, trimmed),
    };
    if digits.is_empty()
        || digits[0] == b'_'
        || digits[digits.len() - 1] == b'_'
        || digits.windows(2).any(|w| w == b"__")
    {
        return None;
    }
    let mut value: Vec<u8> = Vec::new(); // two's complement LE, non-negative while building
    for &c in digits {
        if c == b'_' {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        // value = value * 10 + digit, on little-endian bytes.
        let mut carry = u32::from(c - b'0');
        for byte in value.iter_mut() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            value.push(carry as u8);
            carry >>= 8;
        }
        if value.len() > 4096 {
            return None; // Python limits int() of text to 4300 digits
        }
    }
    value.push(0); // the sign byte
    let value = bigint::add(&value, &[]);
    Some(if negative {
        bigint::negate(&value)
    } else {
        value
    })
}

fn int_value(twos: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new();
    write_int(&mut e, twos);
    e.finish()
}

/// What Django's `RedisCache` stores for a value (`value`: the codec's bytes).
pub fn redis_encode(value: &[u8]) -> Result<Vec<u8>> {
    match as_int(value) {
        Some(twos) => Ok(decimal(&twos).into_bytes()),
        None => value_to_pickle(value),
    }
}

/// The codec's bytes of what Django's `RedisCache` stored: `int(data)`, else a pickle.
pub fn redis_decode(stored: &[u8]) -> Result<Vec<u8>> {
    match py_int(stored) {
        Some(twos) => Ok(int_value(&twos)),
        None => pickle_to_value(stored),
    }
}

/// What `PyMemcacheCache` stores for a value: the bytes and their client flags.
pub fn memcached_encode(value: &[u8]) -> Result<(Vec<u8>, u32)> {
    if let Some(twos) = as_int(value) {
        return Ok((decimal(&twos).into_bytes(), flags::INTEGER));
    }
    Ok(match codec::decode(value)? {
        Value::String(s) => (s.as_bytes().to_vec(), flags::TEXT),
        Value::Binary(_, b) => (b.to_vec(), flags::BYTES),
        Value::Structured(_) => (value_to_pickle(value)?, flags::PICKLE),
    })
}

/// The codec's bytes of what `PyMemcacheCache` stored with `flags`.
pub fn memcached_decode(stored: &[u8], item_flags: u32) -> Result<Vec<u8>> {
    if item_flags == flags::BYTES {
        let mut e = Encoder::new();
        e.binary(codec::BinaryKind::Uint8Array, stored);
        return Ok(e.finish());
    }
    if item_flags & flags::TEXT != 0 {
        let text = std::str::from_utf8(stored)
            .map_err(|_| Error::Corrupt("memcached text that is not UTF-8".into()))?;
        let mut e = Encoder::new();
        e.string(text);
        return Ok(e.finish());
    }
    if item_flags & (flags::INTEGER | flags::LONG) != 0 {
        return py_int(stored)
            .map(|t| int_value(&t))
            .ok_or_else(|| Error::Corrupt("memcached integer that is not a number".into()));
    }
    if item_flags & flags::PICKLE != 0 {
        return pickle_to_value(stored);
    }
    Err(Error::Corrupt(format!(
        "memcached client flags {item_flags} are not Django's"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(x: f64) -> Vec<u8> {
        let mut e = Encoder::new();
        e.number(x);
        e.finish()
    }

    #[test]
    fn ints_as_text_both_ways() {
        assert_eq!(redis_encode(&number(42.0)).unwrap(), b"42");
        assert_eq!(redis_encode(&number(-7.0)).unwrap(), b"-7");
        assert_eq!(redis_decode(b"42").unwrap(), number(42.0));
        let big = py_int(b"123456789012345678901234567890").unwrap();
        assert_eq!(decimal(&big), "123456789012345678901234567890");
        assert_eq!(decimal(&py_int(b"-0").unwrap()), "0");
        assert_eq!(decimal(&py_int(b"-256").unwrap()), "-256");
        // A float is pickled, not text.
        assert_eq!(redis_encode(&number(1.5)).unwrap()[0], 0x80);
        assert_eq!(redis_encode(&number(-0.0)).unwrap()[0], 0x80);
    }

    #[test]
    fn memcached_flags() {
        assert_eq!(
            memcached_encode(&number(3.0)).unwrap(),
            (b"3".to_vec(), flags::INTEGER)
        );
        assert_eq!(
            memcached_encode(b"\x01hi").unwrap(),
            (b"hi".to_vec(), flags::TEXT)
        );
        assert_eq!(
            memcached_decode(b"hi", flags::TEXT).unwrap(),
            b"\x03\x16\x02hi".to_vec()
        );
        assert!(memcached_decode(b"x", flags::COMPRESSED).is_err());
    }
}
