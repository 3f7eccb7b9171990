//! Sharing a cache with a Django site: Python's pickle (an allowlist reader and a protocol-4
//! writer), JSON as django-redis's JSONSerializer writes it, and what Django's Redis and memcached backends keep under a key, converted to and
//! from the codec's value bytes (so the JS codecs read and write them as any other value).
//!
//! Owns the pickle subset and Django's store formats. Depends on the codec only; never touches
//! a cache, a record or JS. Data read back is untrusted: anything outside the allowlist is an
//! error, which the caller counts as a miss.

pub mod counters;
pub mod django;
pub mod json;
mod pickle_globals;
mod pickle_read;
mod pickle_write;

pub use django::py_int;
pub use pickle_read::pickle_to_value;
pub use pickle_write::value_to_pickle;

use crate::codec::{bigint, Encoder};

/// The Python int a JS number stands for: a whole number within 2^53, not -0 (Python has no
/// negative zero int). Every writer for Django uses this one rule.
fn python_int(x: f64) -> Option<i64> {
    (x.fract() == 0.0
        && x.abs() <= crate::codec::MAX_SAFE_INTEGER as f64
        && !(x == 0.0 && x.is_sign_negative()))
    .then_some(x as i64)
}

/// Writes a Python int read from Django: a number within 2^53, else a bigint.
fn write_int(out: &mut Encoder, twos: &[u8]) {
    match bigint::to_i128(twos) {
        Some(v) if v.unsigned_abs() < (1u128 << 53) => out.number(v as f64),
        _ => out.bigint(twos),
    }
}
