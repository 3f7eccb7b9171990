//! Metadata a memory entry may carry ahead of its value: tags, a soft expiry (the value is
//! stale after it but kept for serve-stale until the entry's real expiry) and the seconds
//! the value took to compute (for XFetch). Entries without any of these carry nothing.
//!
//! Layout: [`MARK`], soft expiry (f64 s, +inf = none), compute time (f32 s), tag count
//! (u8), each tag as a u8 length and UTF-8 bytes, then the value encoding. No value
//! encoding starts with [`MARK`] ([`crate::codec`] tags are below 0x20).

use crate::error::{Error, Result};

/// The first byte of an entry with metadata.
pub const MARK: u8 = 0xEC;
/// Most tags one entry may carry.
pub const MAX_TAGS: usize = 16;
/// Longest tag, in UTF-8 bytes.
pub const MAX_TAG_BYTES: usize = 128;

/// What a write attaches to a value besides its timeout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteMeta {
    /// Tags for [`crate::LocMemCache::invalidate_tags`] (checked by [`check_tags`]).
    pub tags: Vec<String>,
    /// Seconds after the timeout during which the stale value may still be served.
    pub stale: f64,
    /// Seconds the value took to compute (XFetch weighs early refresh by it).
    pub delta: f64,
}

impl WriteMeta {
    /// True when the entry needs no header.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.stale <= 0.0 && self.delta <= 0.0
    }
}

/// Checks a tag list against the documented limits.
///
/// ```
/// use edgecache::meta::check_tags;
/// assert!(check_tags(&["posts".to_string()]).is_ok());
/// assert_eq!(check_tags(&["".to_string()]).unwrap_err().code(), "INVALID_TAGS");
/// ```
pub fn check_tags(tags: &[String]) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(Error::invalid(
            "INVALID_TAGS",
            format!("at most {MAX_TAGS} tags per entry, got {}", tags.len()),
        ));
    }
    for tag in tags {
        if tag.is_empty() || tag.len() > MAX_TAG_BYTES {
            return Err(Error::invalid(
                "INVALID_TAGS",
                format!(
                    "a tag must be 1 to {MAX_TAG_BYTES} bytes of UTF-8, got {} bytes",
                    tag.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Prefixes `payload` with the header of `meta` (soft expiry `soft_expires`, seconds).
///
/// ```
/// use edgecache::meta::{self, WriteMeta};
/// let m = WriteMeta { tags: vec!["a".into()], stale: 5.0, delta: 0.25 };
/// let bytes = meta::encode(&m, 10.0, b"\x01v");
/// let view = meta::parse(&bytes).unwrap();
/// assert_eq!((view.soft_expires, view.delta, view.payload), (10.0, 0.25, &b"\x01v"[..]));
/// assert_eq!(view.tags().collect::<Vec<_>>(), ["a"]);
/// assert_eq!(meta::payload(b"\x01v"), b"\x01v");
/// ```
pub fn encode(meta: &WriteMeta, soft_expires: f64, payload: &[u8]) -> Vec<u8> {
    let tag_bytes: usize = meta.tags.iter().map(|t| t.len() + 1).sum();
    let mut out = Vec::with_capacity(14 + tag_bytes + payload.len());
    out.push(MARK);
    out.extend_from_slice(&soft_expires.to_le_bytes());
    out.extend_from_slice(&(meta.delta as f32).to_le_bytes());
    out.push(meta.tags.len().min(MAX_TAGS) as u8);
    for tag in meta.tags.iter().take(MAX_TAGS) {
        let bytes = &tag.as_bytes()[..tag.len().min(255)];
        out.push(bytes.len() as u8);
        out.extend_from_slice(bytes);
    }
    out.extend_from_slice(payload);
    out
}

/// A parsed header and the value after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View<'a> {
    /// When the value turns stale, seconds (+inf = only at the entry's expiry).
    pub soft_expires: f64,
    /// Seconds the value took to compute.
    pub delta: f64,
    tags: &'a [u8],
    /// The value encoding.
    pub payload: &'a [u8],
}

impl<'a> View<'a> {
    /// The entry's tags.
    pub fn tags(&self) -> impl Iterator<Item = &'a str> + 'a {
        let mut rest = self.tags;
        std::iter::from_fn(move || {
            let (&len, tail) = rest.split_first()?;
            let (tag, tail) = tail.split_at(usize::from(len).min(tail.len()));
            rest = tail;
            std::str::from_utf8(tag).ok()
        })
    }

    /// True when one of the entry's tags is in `tags`.
    pub fn has_any_tag(&self, tags: &[String]) -> bool {
        self.tags().any(|t| tags.iter().any(|x| x == t))
    }
}

/// The header of an entry value, or `None` when it has none.
pub fn parse(value: &[u8]) -> Option<View<'_>> {
    if value.first() != Some(&MARK) || value.len() < 14 {
        return None;
    }
    let soft_expires = f64::from_le_bytes(value[1..9].try_into().ok()?);
    let delta = f64::from(f32::from_le_bytes(value[9..13].try_into().ok()?));
    let count = usize::from(value[13]);
    let mut at = 14;
    for _ in 0..count {
        at += 1 + usize::from(*value.get(at)?);
    }
    Some(View {
        soft_expires,
        delta,
        tags: value.get(14..at)?,
        payload: value.get(at..)?,
    })
}

/// The value encoding of an entry value, header or not.
pub fn payload(value: &[u8]) -> &[u8] {
    parse(value).map_or(value, |v| v.payload)
}

/// True when the entry's soft expiry has passed at `now` (seconds).
pub fn is_stale(value: &[u8], now: f64) -> bool {
    value.first() == Some(&MARK) && parse(value).is_some_and(|v| v.soft_expires <= now)
}
