//! The record: what the async `Cache` writes to a KV store for one value.
//!
//! Self-describing, versioned and checksummed, so bytes read back from a shared store are
//! trusted only after [`decode`] accepts them. Layout (integers little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 3 | magic `ECR` |
//! | 1 | format version ([`FORMAT`]) |
//! | 1 | flags: bit 0 compressed payload, bit 1 chunk manifest |
//! | 1 | value type: the first byte of the value encoding ([`crate::codec`]) |
//! | 8 | created, ms since the epoch (f64) |
//! | 8 | logical expiry, ms (f64; +infinity = never) |
//! | 8 | stale-until, ms (f64): the value may be served stale until then |
//! | 4 | compute time, ms (f32): how long the value took to make (XFetch) |
//! | 2 + n | tag count, then each tag as a u16 length and UTF-8 bytes |
//! | 4 + n | payload length and payload: the value encoding (maybe deflated), or a manifest |
//! | 8 | checksum: [`crate::hash_key`] of every byte before it, seeded with the hash of the full made key the record was written under (see [`key_seed`]) |
//!
//! The checksum binds a record to its key: a record read back under any other key (another
//! key, prefix, tenant or version; a store or proxy that mixes answers up; two long keys
//! whose shortened store keys collide) fails it, and reads as a miss. Format 3 added this;
//! records of older formats read as misses too.
//!
//! A manifest payload (a value split into chunks stored under derived keys) is the chunk
//! count (u32), the total body length (u32) and the hash of the whole body (u64).

use crate::error::{Error, Result};
use crate::store::hash::hash_key;

/// The three magic bytes that open every record.
pub const MAGIC: [u8; 3] = *b"ECR";
/// The record format version this build writes and reads.
pub const FORMAT: u8 = 3;
/// Fixed seed of the record checksum (records outlive processes: never change it).
pub const CHECKSUM_SEED: u64 = 0x6564_6765_6361_6368;
/// Bytes a record adds around its payload when it has no tags.
pub const OVERHEAD: usize = 3 + 1 + 1 + 1 + 24 + 4 + 2 + 4 + 8;

const COMPRESSED: u8 = 1;
const MANIFEST: u8 = 2;

/// Where a record's value is.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The value bytes inline (deflated when `compressed`).
    Inline(Vec<u8>),
    /// The value bytes split into chunks stored under derived keys.
    Chunked(Manifest),
}

/// How a chunked body is reassembled and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manifest {
    /// Number of chunks.
    pub chunks: u32,
    /// Total length of the body once the chunks are joined.
    pub length: u32,
    /// [`crate::hash_key`] of the joined body with [`CHECKSUM_SEED`].
    pub hash: u64,
}

/// One decoded record.
///
/// ```
/// use edgecache::record::{self, Body, Record};
/// let r = Record::new(b"\x01hi".to_vec(), 1000.0, 61_000.0);
/// let bytes = record::encode(&r, ":1:greeting");
/// assert_eq!(record::decode(&bytes, ":1:greeting"), Ok(r));
/// // Bound to its key: under any other key it does not decode.
/// assert!(record::decode(&bytes, ":2:greeting").is_err());
/// let mut corrupt = bytes.clone();
/// corrupt[40] ^= 1;
/// assert!(record::decode(&corrupt, ":1:greeting").is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The first byte of the value encoding (string, binary or structured).
    pub value_type: u8,
    /// Whether the body is deflated.
    pub compressed: bool,
    /// Creation time, ms.
    pub created: f64,
    /// Logical expiry, ms; `f64::INFINITY` for never.
    pub expires: f64,
    /// End of the serve-stale window, ms (equal to `expires` without one).
    pub stale_until: f64,
    /// Milliseconds the value took to compute (0 when unknown).
    pub delta: f32,
    /// Tags for tag invalidation.
    pub tags: Vec<String>,
    /// The value.
    pub body: Body,
}

impl Record {
    /// An uncompressed, untagged record of the value encoding `value`.
    pub fn new(value: Vec<u8>, created: f64, expires: f64) -> Record {
        Record {
            value_type: value.first().copied().unwrap_or(0),
            compressed: false,
            created,
            expires,
            stale_until: expires,
            delta: 0.0,
            tags: Vec::new(),
            body: Body::Inline(value),
        }
    }

    /// True when the logical expiry is at or before `now_ms` (Django's rule).
    pub fn is_expired(&self, now_ms: f64) -> bool {
        self.expires <= now_ms
    }
}

/// The checksum seed of a record written under the made key `key`.
pub fn key_seed(key: &str) -> u64 {
    hash_key(key.as_bytes(), CHECKSUM_SEED)
}

/// The bytes of `record`, bound to the made key `key`.
pub fn encode(record: &Record, key: &str) -> Vec<u8> {
    // The manifest is built here; an inline payload is copied once, into the output.
    let mut manifest = [0u8; 16];
    let payload: &[u8] = match &record.body {
        Body::Inline(bytes) => bytes,
        Body::Chunked(m) => {
            manifest[..4].copy_from_slice(&m.chunks.to_le_bytes());
            manifest[4..8].copy_from_slice(&m.length.to_le_bytes());
            manifest[8..].copy_from_slice(&m.hash.to_le_bytes());
            &manifest
        }
    };
    let tag_bytes: usize = record.tags.iter().map(|t| 2 + t.len()).sum();
    let mut out = Vec::with_capacity(OVERHEAD + tag_bytes + payload.len());
    out.extend_from_slice(&MAGIC);
    out.push(FORMAT);
    let mut flags = 0;
    if record.compressed {
        flags |= COMPRESSED;
    }
    if matches!(record.body, Body::Chunked(_)) {
        flags |= MANIFEST;
    }
    out.push(flags);
    out.push(record.value_type);
    out.extend_from_slice(&record.created.to_le_bytes());
    out.extend_from_slice(&record.expires.to_le_bytes());
    out.extend_from_slice(&record.stale_until.to_le_bytes());
    out.extend_from_slice(&record.delta.to_le_bytes());
    out.extend_from_slice(&(record.tags.len() as u16).to_le_bytes());
    for tag in &record.tags {
        out.extend_from_slice(&(tag.len() as u16).to_le_bytes());
        out.extend_from_slice(tag.as_bytes());
    }
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = hash_key(&out, key_seed(key));
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// True when `bytes` opens like a record of any format version (used to tell "foreign"
/// from "corrupt" in error reports).
pub fn looks_like_record(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// Decodes and verifies a record read under the made key `key`. Never panics; anything but
/// an intact record of this format written under `key` is an [`Error::Corrupt`] whose
/// message says what was wrong.
pub fn decode(bytes: &[u8], key: &str) -> Result<Record> {
    if !looks_like_record(bytes) {
        return Err(corrupt("not an edgecache record (foreign bytes)"));
    }
    if bytes.len() < OVERHEAD {
        return Err(corrupt("truncated record"));
    }
    if bytes[3] != FORMAT {
        return Err(corrupt(if bytes[3] < FORMAT {
            "record of an older format version (read as a miss)"
        } else {
            "unknown record format version"
        }));
    }
    let (content, sum) = bytes.split_at(bytes.len() - 8);
    if read_u64(sum) != Some(hash_key(content, key_seed(key))) {
        return Err(corrupt(
            "checksum mismatch: damaged, or written under another key",
        ));
    }
    let mut r = Reader {
        bytes: content,
        at: 4,
    };
    let flags = r.byte()?;
    if flags & !(COMPRESSED | MANIFEST) != 0 {
        return Err(corrupt("unknown record flags"));
    }
    let value_type = r.byte()?;
    let created = r.f64()?;
    let expires = r.f64()?;
    let stale_until = r.f64()?;
    let delta = f32::from_le_bytes(
        r.take(4)?
            .try_into()
            .map_err(|_| corrupt("truncated record"))?,
    );
    if expires.is_nan() || created.is_nan() || stale_until.is_nan() || delta.is_nan() {
        return Err(corrupt("record time is not a number"));
    }
    let tag_count = r.u16()?;
    let mut tags = Vec::with_capacity(usize::from(tag_count).min(64));
    for _ in 0..tag_count {
        let n = usize::from(r.u16()?);
        let tag = std::str::from_utf8(r.take(n)?).map_err(|_| corrupt("tag is not UTF-8"))?;
        tags.push(tag.to_string());
    }
    let length = r.u32()? as usize;
    let payload = r.take(length)?;
    if r.at != content.len() {
        return Err(corrupt("trailing bytes in record"));
    }
    let body = if flags & MANIFEST != 0 {
        let mut m = Reader {
            bytes: payload,
            at: 0,
        };
        let manifest = Manifest {
            chunks: m.u32()?,
            length: m.u32()?,
            hash: m.u64()?,
        };
        if m.at != payload.len() {
            return Err(corrupt("bad chunk manifest"));
        }
        Body::Chunked(manifest)
    } else {
        Body::Inline(payload.to_vec())
    };
    Ok(Record {
        value_type,
        compressed: flags & COMPRESSED != 0,
        created,
        expires,
        stale_until,
        delta,
        tags,
        body,
    })
}

fn corrupt(why: &str) -> Error {
    Error::Corrupt(why.to_string())
}

fn read_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| corrupt("truncated record"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64> {
        read_u64(self.take(8)?).ok_or_else(|| corrupt("truncated record"))
    }
    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
}

#[cfg(test)]
mod tests {
    const K: &str = "site:1:key";
    use super::*;

    fn sample() -> Record {
        let mut r = Record::new(b"\x01hello".to_vec(), 5.0, f64::INFINITY);
        r.tags = vec!["a".into(), "bé".into()];
        r
    }

    #[test]
    fn round_trips_tags_infinity_and_manifests() {
        let r = sample();
        assert_eq!(decode(&encode(&r, K), K), Ok(r));
        let mut m = Record::new(Vec::new(), 1.0, 2.0);
        m.body = Body::Chunked(Manifest {
            chunks: 3,
            length: 9,
            hash: 7,
        });
        m.compressed = true;
        assert_eq!(decode(&encode(&m, K), K), Ok(m));
    }

    #[test]
    fn every_truncation_and_bit_flip_is_rejected() {
        let bytes = encode(&sample(), K);
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n], K).is_err(), "truncated to {n}");
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                assert!(decode(&b, K).is_err(), "flip {i}:{bit}");
            }
        }
    }

    #[test]
    fn foreign_bytes_are_rejected() {
        assert!(decode(b"{\"value\":1}", K).is_err());
        assert!(decode(b"", K).is_err());
        let mut other = encode(&sample(), K);
        other[3] = FORMAT + 1;
        assert!(decode(&other, K).is_err());
    }

    #[test]
    fn a_record_reads_only_under_its_own_key() {
        let bytes = encode(&sample(), K);
        for other in [
            "site:1:other",
            "site:2:key",
            "other:1:key",
            "",
            "site:1:key ",
        ] {
            assert!(decode(&bytes, other).is_err(), "{other}");
        }
        assert!(decode(&bytes, K).is_ok());
    }
}
