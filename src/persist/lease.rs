//! Leases: the short claim one instance of a fleet puts in the store before it computes a
//! missing value, so the others wait for its result instead of calling the origin too.
//!
//! A lease is 28 bytes: the magic `ecL1`, its expiry (Unix ms, u64 big-endian) and 16 random
//! bytes that tell holders apart. The expiry travels inside the lease because some stores
//! (Deno KV, IndexedDB, localStorage, files) remove expired entries late or never: a lease
//! past its expiry, or anything that is not a lease, may be taken over by compare-and-swap.

use crate::error::{Error, Result};

const MAGIC: &[u8; 4] = b"ecL1";
/// Length of a lease in bytes.
pub const LEASE_LEN: usize = 28;
/// Lease lifetime when `lock: true` (seconds).
pub const DEFAULT_TTL: f64 = 10.0;
/// Longest wait for another holder's value when `lock: true` (seconds).
pub const DEFAULT_WAIT: f64 = 5.0;

/// How long a lease lives and how long others wait for its holder's value (seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeasePolicy {
    /// Seconds a lease lives: a holder that dies frees the key after this.
    pub ttl: f64,
    /// Seconds a waiter polls for the holder's value before computing it itself.
    pub wait: f64,
}

impl Default for LeasePolicy {
    fn default() -> Self {
        LeasePolicy {
            ttl: DEFAULT_TTL,
            wait: DEFAULT_WAIT,
        }
    }
}

impl LeasePolicy {
    /// A policy from optional `ttl` and `wait` (seconds), checked.
    ///
    /// ```
    /// use edgecache::persist::lease::LeasePolicy;
    /// assert_eq!(LeasePolicy::new(Some(2.0), None).unwrap().wait, 5.0);
    /// assert!(LeasePolicy::new(Some(0.0), None).is_err());
    /// ```
    pub fn new(ttl: Option<f64>, wait: Option<f64>) -> Result<Self> {
        let ttl = ttl.unwrap_or(DEFAULT_TTL);
        let wait = wait.unwrap_or(DEFAULT_WAIT);
        // A day bounds both: a lease is a short claim, and a longer one is a bug in the caller.
        if !(ttl > 0.0 && ttl <= 86_400.0) {
            return Err(Error::invalid(
                "INVALID_OPTIONS",
                format!(
                    "lock.ttl must be a number of seconds above 0 and at most 86400, got {ttl}"
                ),
            ));
        }
        if !(0.0..=86_400.0).contains(&wait) {
            return Err(Error::invalid(
                "INVALID_OPTIONS",
                format!("lock.wait must be a number of seconds from 0 to 86400, got {wait}"),
            ));
        }
        Ok(LeasePolicy { ttl, wait })
    }

    /// The TTL to give the store (whole seconds, at least the store's minimum).
    pub fn store_ttl(&self, min_ttl: f64) -> f64 {
        self.ttl.ceil().max(min_ttl)
    }
}

/// A new lease expiring `ttl` seconds after `now_ms`, told apart by `token`.
///
/// ```
/// use edgecache::persist::lease::{grant, is_live};
/// let lease = grant(1_000.0, 2.0, [7; 16]);
/// assert!(is_live(&lease, 2_999.0));
/// assert!(!is_live(&lease, 3_000.0));
/// ```
pub fn grant(now_ms: f64, ttl: f64, token: [u8; 16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(LEASE_LEN);
    out.extend_from_slice(MAGIC);
    let expiry = (now_ms + ttl * 1000.0).max(0.0).min(u64::MAX as f64) as u64;
    out.extend_from_slice(&expiry.to_be_bytes());
    out.extend_from_slice(&token);
    out
}

/// True when `bytes` is a well-formed lease not expired at `now_ms`. Anything else (expired,
/// truncated, foreign bytes) may be replaced by a new lease.
pub fn is_live(bytes: &[u8], now_ms: f64) -> bool {
    if bytes.len() != LEASE_LEN || &bytes[..4] != MAGIC {
        return false;
    }
    let mut expiry = [0u8; 8];
    expiry.copy_from_slice(&bytes[4..12]);
    (u64::from_be_bytes(expiry) as f64) > now_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_or_truncated_bytes_are_not_live() {
        let lease = grant(0.0, 10.0, [1; 16]);
        assert!(is_live(&lease, 0.0));
        assert!(!is_live(&lease[..27], 0.0));
        assert!(!is_live(b"", 0.0));
        let mut other = lease.clone();
        other[0] = b'x';
        assert!(!is_live(&other, 0.0));
    }

    #[test]
    fn store_ttl_is_whole_seconds_above_the_minimum() {
        let p = LeasePolicy::new(Some(0.25), Some(0.0)).unwrap();
        assert_eq!(p.store_ttl(0.0), 1.0);
        assert_eq!(p.store_ttl(60.0), 60.0);
        assert!(LeasePolicy::new(None, Some(-1.0)).is_err());
        assert!(LeasePolicy::new(Some(f64::NAN), None).is_err());
    }
}
