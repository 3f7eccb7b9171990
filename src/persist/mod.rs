//! The rules of persistence: how a value becomes a record (compressed, chunked) for a store
//! with given limits, how a record read back becomes a value again, and the lifetimes a
//! store and the memory tier give it.
//!
//! Owns the record format (`record`), leases (`lease`), store keys (`store_key`) and what a store's limits
//! mean. May use the codec and the store's key hash; never touches a cache or JS: the
//! binding carries records between the memory tier and the store.

pub mod lease;
pub mod record;
pub(crate) mod store_key;

use crate::codec;
use crate::error::{Error, Result};
use crate::store::hash::hash_key;
use record::{Body, Manifest, Record, CHECKSUM_SEED, OVERHEAD};
use store_key::chunk_key;
pub use store_key::lease_key;

/// What a store accepts and how values are prepared for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreLimits {
    /// Longest store key, UTF-8 bytes (Workers KV 512, Deno KV 2048).
    pub max_key_bytes: usize,
    /// Largest value the store takes, bytes (Workers KV 25 MiB, Deno KV 64 KiB).
    pub max_value_bytes: usize,
    /// Shortest physical TTL, seconds (Workers KV 60); shorter logical TTLs are raised.
    pub min_ttl: f64,
    /// Split values over the limit into chunks (else refuse them).
    pub chunking: bool,
    /// Deflate values of at least this many bytes (`None`: never).
    pub compress_threshold: Option<usize>,
    /// Deflate level, 0-10.
    pub compress_level: u8,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            max_key_bytes: 512,
            max_value_bytes: 25 * 1024 * 1024,
            min_ttl: 0.0,
            chunking: true,
            compress_threshold: None,
            compress_level: 6,
        }
    }
}

/// A record ready to write: the main record, then the chunks (written first) if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    /// The bytes for the main key.
    pub record: Vec<u8>,
    /// `(store key, bytes)` of each chunk, for values over the store's value limit.
    pub chunks: Vec<(String, Vec<u8>)>,
}

/// What a record read from a store holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// The value encoding, ready for the memory tier and the caller.
    Value(Vec<u8>),
    /// The chunks to fetch (their store keys) and join with [`assemble`].
    Chunks(Vec<String>),
}

/// Turns the value encoding `value` into a record with `limits`.
///
/// ```
/// use edgecache::persist::{open, seal, Opened, StoreLimits};
/// let limits = StoreLimits { max_value_bytes: 1024, ..StoreLimits::default() };
/// let value = edgecache::codec::encode_string(&"x".repeat(3000));
/// let record = edgecache::record::Record::new(value.clone(), 0.0, f64::INFINITY);
/// let sealed = seal(":1:k", record, &limits).unwrap();
/// assert_eq!(sealed.chunks.len(), 3);
/// let decoded = edgecache::record::decode(&sealed.record, ":1:k").unwrap();
/// let Ok(Opened::Chunks(keys)) = open(":1:k", &decoded, &limits) else { panic!() };
/// let parts: Vec<&[u8]> = sealed.chunks.iter().map(|(_, b)| b.as_slice()).collect();
/// assert_eq!(keys[0], sealed.chunks[0].0);
/// assert_eq!(edgecache::persist::assemble(&decoded, &parts), Ok(value));
/// ```
pub fn seal(made: &str, mut record: Record, limits: &StoreLimits) -> Result<Sealed> {
    let Body::Inline(value) = &record.body else {
        return Ok(Sealed {
            record: record::encode(&record, made),
            chunks: Vec::new(),
        });
    };
    if let Some(threshold) = limits.compress_threshold {
        if value.len() >= threshold {
            let deflated = deflate(value, limits.compress_level);
            if deflated.len() < value.len() {
                record.compressed = true;
                record.body = Body::Inline(deflated);
            }
        }
    }
    let Body::Inline(body) = &record.body else {
        unreachable!("the body is inline until chunked below")
    };
    let tags: usize = record.tags.iter().map(|t| 2 + t.len()).sum();
    let size = OVERHEAD + tags + body.len();
    if size <= limits.max_value_bytes {
        return Ok(Sealed {
            record: record::encode(&record, made),
            chunks: Vec::new(),
        });
    }
    if !limits.chunking || body.len() > u32::MAX as usize {
        return Err(Error::ValueTooLarge {
            size,
            limit: limits.max_value_bytes,
        });
    }
    let chunk_size = limits.max_value_bytes.max(1);
    let chunks: Vec<(String, Vec<u8>)> = body
        .chunks(chunk_size)
        .enumerate()
        .map(|(i, c)| (chunk_key(made, i as u32, limits.max_key_bytes), c.to_vec()))
        .collect();
    record.body = Body::Chunked(Manifest {
        chunks: chunks.len() as u32,
        length: body.len() as u32,
        hash: hash_key(body, CHECKSUM_SEED),
    });
    Ok(Sealed {
        record: record::encode(&record, made),
        chunks,
    })
}

/// The value of a decoded record, or the chunk keys to fetch for it.
pub fn open(made: &str, record: &Record, limits: &StoreLimits) -> Result<Opened> {
    match &record.body {
        Body::Inline(body) => finish(record, body.clone()).map(Opened::Value),
        Body::Chunked(m) => Ok(Opened::Chunks(
            (0..m.chunks)
                .map(|i| chunk_key(made, i, limits.max_key_bytes))
                .collect(),
        )),
    }
}

/// Joins the chunks of a chunked record and checks them against its manifest.
pub fn assemble(record: &Record, chunks: &[&[u8]]) -> Result<Vec<u8>> {
    let Body::Chunked(m) = &record.body else {
        return Err(Error::Corrupt("not a chunked record".into()));
    };
    if chunks.len() != m.chunks as usize {
        return Err(Error::Corrupt("missing chunk".into()));
    }
    // The manifest is untrusted: size the body by the chunks, not by its claim.
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    if total != m.length as usize {
        return Err(Error::Corrupt("chunks do not match the manifest".into()));
    }
    let mut body = Vec::with_capacity(total);
    for c in chunks {
        body.extend_from_slice(c);
    }
    if body.len() != m.length as usize || hash_key(&body, CHECKSUM_SEED) != m.hash {
        return Err(Error::Corrupt("chunks do not match the manifest".into()));
    }
    finish(record, body)
}

/// Inflates if needed and checks that the bytes are a value of the type the record names.
fn finish(record: &Record, body: Vec<u8>) -> Result<Vec<u8>> {
    let value = if record.compressed {
        inflate(&body)?
    } else {
        body
    };
    if value.first() != Some(&record.value_type) {
        return Err(Error::Corrupt(
            "value type does not match the record".into(),
        ));
    }
    codec::validate(&value)?;
    Ok(value)
}

/// Deflate with the raw length in front, so inflating can be bounded exactly.
fn deflate(value: &[u8], level: u8) -> Vec<u8> {
    let mut out = (value.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(value, level.min(10)));
    out
}

fn inflate(body: &[u8]) -> Result<Vec<u8>> {
    let bad = || Error::Corrupt("bad compressed value".into());
    let (len, stream) = body.split_first_chunk::<4>().ok_or_else(bad)?;
    let len = u32::from_le_bytes(*len) as usize;
    // Deflate cannot shrink data by more than about 1032:1: a larger claim is a bomb.
    if len > stream.len().saturating_mul(1032).saturating_add(64) {
        return Err(bad());
    }
    let out = miniz_oxide::inflate::decompress_to_vec_with_limit(stream, len).map_err(|_| bad())?;
    if out.len() != len {
        return Err(bad());
    }
    Ok(out)
}

/// The TTL to give the store, in whole seconds: the logical one rounded up and raised to
/// the store's minimum; `None` for a value that never expires.
///
/// ```
/// use edgecache::persist::physical_ttl;
/// assert_eq!(physical_ttl(10_500.0, 0.0, 60.0), Some(60.0)); // Workers KV's minimum
/// assert_eq!(physical_ttl(90_200.0, 0.0, 60.0), Some(91.0));
/// assert_eq!(physical_ttl(f64::INFINITY, 0.0, 60.0), None);
/// ```
pub fn physical_ttl(expires_ms: f64, now_ms: f64, min_ttl: f64) -> Option<f64> {
    if expires_ms == f64::INFINITY {
        return None;
    }
    let seconds = ((expires_ms - now_ms) / 1000.0).ceil();
    Some(seconds.max(min_ttl).max(1.0))
}

/// The expiry (seconds) of a memory-tier copy of a record: never after the record's own
/// expiry, never more than `local_timeout` seconds from now.
///
/// ```
/// use edgecache::persist::tier_expiry;
/// assert_eq!(tier_expiry(5_000.0, 1.0, 60.0), 5.0);
/// assert_eq!(tier_expiry(f64::INFINITY, 1.0, 60.0), 61.0);
/// ```
pub fn tier_expiry(expires_ms: f64, now: f64, local_timeout: f64) -> f64 {
    (expires_ms / 1000.0).min(now + local_timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> StoreLimits {
        StoreLimits {
            compress_threshold: Some(100),
            ..StoreLimits::default()
        }
    }

    #[test]
    fn compressible_values_are_deflated_and_restored() {
        let value = codec::encode_string(&"abc".repeat(1000));
        let sealed = seal(":1:k", Record::new(value.clone(), 0.0, 1.0), &limits()).unwrap();
        assert!(sealed.record.len() < 200);
        let r = record::decode(&sealed.record, ":1:k").unwrap();
        assert!(r.compressed);
        assert_eq!(open(":1:k", &r, &limits()), Ok(Opened::Value(value)));
    }

    #[test]
    fn incompressible_values_stay_raw() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let bytes: Vec<u8> = (0..500)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let value = codec::encode_binary(codec::BinaryKind::Uint8Array, &bytes);
        let sealed = seal(":1:k", Record::new(value, 0.0, 1.0), &limits()).unwrap();
        assert!(!record::decode(&sealed.record, ":1:k").unwrap().compressed);
    }

    #[test]
    fn oversized_values_are_refused_without_chunking() {
        let l = StoreLimits {
            max_value_bytes: 100,
            chunking: false,
            ..StoreLimits::default()
        };
        let value = codec::encode_string(&"x".repeat(200));
        assert!(matches!(
            seal(":1:k", Record::new(value, 0.0, 1.0), &l),
            Err(Error::ValueTooLarge { limit: 100, .. })
        ));
    }

    #[test]
    fn swapped_or_missing_chunks_are_corrupt() {
        let l = StoreLimits {
            max_value_bytes: 64,
            ..StoreLimits::default()
        };
        let value = codec::encode_string(&"0123456789".repeat(20));
        let sealed = seal(":1:k", Record::new(value, 0.0, 1.0), &l).unwrap();
        let r = record::decode(&sealed.record, ":1:k").unwrap();
        let mut parts: Vec<&[u8]> = sealed.chunks.iter().map(|(_, b)| b.as_slice()).collect();
        parts.swap(0, 1);
        assert!(assemble(&r, &parts).is_err());
        parts.pop();
        assert!(assemble(&r, &parts).is_err());
    }

    #[test]
    fn a_forged_length_cannot_inflate_past_it() {
        let mut body = 4u32.to_le_bytes().to_vec();
        body.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(&[1u8; 10_000], 6));
        assert!(inflate(&body).is_err());
    }
}
