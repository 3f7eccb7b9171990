//! Increments as the servers behind Django's Redis and memcached backends do them: Django
//! increments there (`INCRBY`, memcached's `incr`/`decr`), so what counts is decided on the
//! stored bytes, not on the value they decode to (a pickled float 1e300 is integral, and still
//! not a counter to Redis).

use super::django::{flags, Backend};
use super::py_int;
use crate::codec::{self, bigint};
use crate::error::{Error, Result};

/// `incr` as the server behind Django's Redis or memcached backend does it on the key's
/// `stored` bytes (Django increments there, by `INCRBY` or memcached's `incr`/`decr`): what the
/// server counts is what Django stored as an `int`, never a pickled float or boolean, however
/// integral. Redis: the text of a signed 64-bit integer (its `string2ll`), a delta and a sum
/// within that range; memcached: an unsigned 64-bit integer, `decr` stopping at 0, `incr`
/// wrapping. `NOT_A_NUMBER` for a value the server refuses, `INVALID_DELTA` for a delta or a
/// sum it refuses; `None` for django-redis's JSON format, which adds as LocMemCache.
///
/// ```
/// use edgecache::codec::Numeric::{Big, Float};
/// use edgecache::interop::counters::server_incr;
/// use edgecache::interop::django::Backend;
/// assert_eq!(server_incr(Backend::Redis, b"41", &Float(1.0), "k"), Some(Ok(Float(42.0))));
/// let mut e = edgecache::codec::Encoder::new();
/// e.number(1e300); // integral, but a Python float: pickled, and Redis cannot count it
/// let float = edgecache::interop::django::store_bytes(Backend::Redis, &e.finish()).unwrap();
/// let refused = server_incr(Backend::Redis, &float, &Float(1.0), "k").unwrap();
/// assert_eq!(refused.unwrap_err().code(), "NOT_A_NUMBER");
/// let past = server_incr(Backend::Redis, b"9223372036854775807", &Float(1.0), "k").unwrap();
/// assert_eq!(past.unwrap_err().code(), "INVALID_DELTA");
/// let item = [&2u32.to_be_bytes()[..], b"5"].concat(); // flags 2 (int), "5"
/// assert_eq!(server_incr(Backend::Memcached, &item, &Float(-7.0), "k"), Some(Ok(Float(0.0))));
/// assert_eq!(server_incr(Backend::RedisJson, b"1", &Big(vec![1]), "k"), None);
/// ```
pub fn server_incr(
    backend: Backend,
    stored: &[u8],
    delta: &codec::Numeric,
    key: &str,
) -> Option<Result<codec::Numeric>> {
    use codec::Numeric;
    let not_a_number = || Error::NotANumber(key.to_string());
    let refused = |why: &str| Error::invalid("INVALID_DELTA", format!("key '{key}': {why}"));
    let delta = delta.to_i128();
    Some(match backend {
        Backend::RedisJson => return None,
        Backend::Redis => redis_counter(stored)
            .ok_or_else(not_a_number)
            .and_then(|value| {
                let delta = delta
                    .filter(|d| i64::try_from(*d).is_ok())
                    .ok_or_else(|| refused("Redis's INCRBY takes a signed 64-bit integer delta"))?;
                i64::try_from(i128::from(value) + delta)
                    .map(|sum| Numeric::from_i128(i128::from(sum)))
                    .map_err(|_| {
                        refused("the sum passes a signed 64-bit integer, as Redis refuses")
                    })
            }),
        Backend::Memcached => {
            let value = memcached_counter(stored).ok_or_else(not_a_number);
            value.and_then(|value| {
                let delta = delta
                    .filter(|d| d.unsigned_abs() <= u128::from(u64::MAX))
                    .ok_or_else(|| refused("memcached takes an unsigned 64-bit integer delta"))?;
                Numeric::from_i128(i128::from(value))
                    .memcached_add(&Numeric::from_i128(delta))
                    .ok_or_else(not_a_number)
            })
        }
    })
}

/// The integer Redis's `INCRBY` reads (`string2ll`): an optional `-`, then digits with no
/// leading zero, within a signed 64-bit integer.
fn redis_counter(stored: &[u8]) -> Option<i64> {
    let (negative, digits) = match stored.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, stored),
    };
    if digits.is_empty()
        || digits.len() > 19
        || !digits.iter().all(u8::is_ascii_digit)
        || (digits[0] == b'0' && (digits.len() > 1 || negative))
    {
        return None;
    }
    let magnitude = digits
        .iter()
        .fold(0i128, |v, d| v * 10 + i128::from(d - b'0'));
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// The integer memcached's `incr` reads in an item Django stored as an `int` (flags, then
/// data): unsigned 64-bit. A negative int, or anything pickled, is "non-numeric" there.
fn memcached_counter(stored: &[u8]) -> Option<u64> {
    let (head, data) = stored.split_at_checked(4)?;
    let item_flags = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    if item_flags & (flags::INTEGER | flags::LONG) == 0 {
        return None;
    }
    bigint::to_i128(&py_int(data)?).and_then(|v| u64::try_from(v).ok())
}
