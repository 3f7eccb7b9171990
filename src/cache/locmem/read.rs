//! The read path: `get` (and its stale-serving form) and `has_key`, with Django's expiry on
//! read and hit/miss counting.

use super::LocMemCache;
use crate::cache::config::StaleRead;
use crate::cache::meta::{self, MARK};
use crate::cache::removal::Removal;
use crate::cache::timeout::is_expired;
use crate::store::Lookup;

impl LocMemCache {
    /// Reads `key`: a hit moves it to the front and passes the value bytes to `read`; an
    /// expired entry is deleted; a stale one (kept for serve-stale) misses. Counts a hit or
    /// a miss.
    pub fn get_with<R>(&mut self, key: &str, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
        self.get_with_at(key, None, read)
    }

    /// [`LocMemCache::get_with`] at `now` (seconds) when the caller has just read this cache's
    /// clock (the wasm binding reads `Date.now()` in JS, cheaper than a call out of wasm);
    /// `None` reads the clock here, and only if an entry can expire.
    ///
    /// ```
    /// use edgecache::{CacheConfig, LocMemCache, ManualClock, Timeout};
    /// use std::rc::Rc;
    /// let mut cache = LocMemCache::new(CacheConfig::default(), Rc::new(ManualClock::new(0.0)));
    /// cache.insert(":1:k", b"\x01v", Timeout::Seconds(10.0));
    /// assert_eq!(cache.get_with_at(":1:k", Some(5.0), |v| v.to_vec()), Some(b"\x01v".to_vec()));
    /// assert_eq!(cache.get_with_at(":1:k", Some(11.0), |v| v.to_vec()), None);
    /// ```
    pub fn get_with_at<R>(
        &mut self,
        key: &str,
        now: Option<f64>,
        read: impl FnOnce(&[u8]) -> R,
    ) -> Option<R> {
        let eager = now.or_else(|| self.eager_now());
        let clock = &self.clock;
        let now = || eager.unwrap_or_else(|| clock.now());
        match self.store.borrow_mut().get_live_with(key.as_bytes(), now) {
            Lookup::Hit(entry) if entry.value.first() == Some(&MARK) => {
                match meta::parse(entry.value) {
                    Some(v) if v.soft_expires <= now() => {
                        self.counters.misses += 1;
                        None
                    }
                    view => {
                        self.counters.hits += 1;
                        Some(read(view.map_or(entry.value, |v| v.payload)))
                    }
                }
            }
            Lookup::Hit(entry) => {
                self.counters.hits += 1;
                Some(read(entry.value))
            }
            Lookup::Expired => {
                self.counters.expirations += 1;
                self.counters.misses += 1;
                self.emit(key.as_bytes(), Removal::Expire);
                None
            }
            Lookup::Missing => {
                self.counters.misses += 1;
                None
            }
        }
    }

    /// Reads `key` even when stale (past its timeout but inside its serve-stale window), with
    /// when it expires and what it cost to compute. A stale read counts as a miss.
    ///
    /// ```
    /// use edgecache::{meta::WriteMeta, CacheConfig, LocMemCache, ManualClock, Timeout};
    /// use std::rc::Rc;
    /// let clock = ManualClock::new(0.0);
    /// let mut cache = LocMemCache::new(CacheConfig::default(), Rc::new(clock.clone()));
    /// let m = WriteMeta { stale: 30.0, ..WriteMeta::default() };
    /// cache.insert_with(":1:k", b"\x01v", Timeout::Seconds(10.0), &m);
    /// clock.advance(20.0);
    /// assert_eq!(cache.get(":1:k"), None);
    /// let read = cache.get_stale(":1:k").unwrap();
    /// assert!(read.stale && read.expires == 10.0);
    /// clock.advance(20.0);
    /// assert_eq!(cache.get_stale(":1:k"), None);
    /// ```
    pub fn get_stale(&mut self, key: &str) -> Option<StaleRead> {
        let now = self.clock.now();
        let read = match self.store.borrow_mut().get_live(key.as_bytes(), now) {
            Lookup::Hit(e) => {
                let (value, expires, delta) = match meta::parse(e.value) {
                    Some(v) => (v.payload, v.soft_expires, v.delta),
                    None => (e.value, e.expires, 0.0),
                };
                let stale = is_expired(expires, now);
                Some(StaleRead {
                    value: value.to_vec(),
                    expires,
                    delta,
                    stale,
                })
            }
            Lookup::Expired => {
                self.counters.expirations += 1;
                self.emit(key.as_bytes(), Removal::Expire);
                None
            }
            Lookup::Missing => None,
        };
        match &read {
            Some(r) if !r.stale => self.counters.hits += 1,
            _ => self.counters.misses += 1,
        }
        read
    }

    /// The value bytes of `key`, copied (see [`LocMemCache::get_with`]).
    pub fn get(&mut self, key: &str) -> Option<Vec<u8>> {
        self.get_with(key, <[u8]>::to_vec)
    }

    /// The time, read now unless the clock is pure (then it is read only when needed).
    fn eager_now(&self) -> Option<f64> {
        (!self.clock.is_pure()).then(|| self.clock.now())
    }

    /// Django's `has_key`: true when live; deletes an expired entry; recency unchanged.
    pub fn contains(&mut self, key: &str) -> bool {
        let eager = self.eager_now();
        let mut store = self.store.borrow_mut();
        let now = || eager.unwrap_or_else(|| self.clock.now());
        match store.peek(key.as_bytes()) {
            Some(e) if e.expires == f64::INFINITY && e.value.first() != Some(&MARK) => true,
            Some(e) if !is_expired(e.expires, now()) => !meta::is_stale(e.value, now()),
            Some(_) => {
                store.remove(key.as_bytes());
                self.counters.expirations += 1;
                self.emit(key.as_bytes(), Removal::Expire);
                false
            }
            None => false,
        }
    }

    /// True when `key` holds a value that is neither expired nor stale.
    pub(super) fn is_live(&self, key: &str, now: f64) -> bool {
        let store = self.store.borrow();
        store
            .peek(key.as_bytes())
            .is_some_and(|e| !is_expired(e.expires, now) && !meta::is_stale(e.value, now))
    }
}
