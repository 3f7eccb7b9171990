//! Changes to stored values in place: `incr`/`decr` (Django's locmem `incr`), moving a
//! key to another version (`incr_version`) and invalidating tags.

use super::LocMemCache;
use crate::cache::meta::{self, WriteMeta};
use crate::cache::removal::Removal;
use crate::cache::timeout::{is_expired, Timeout};
use crate::codec::Numeric;
use crate::error::{Error, Result};
use crate::store::Policy;
use std::rc::Rc;

impl LocMemCache {
    /// Django's locmem `incr`: adds `delta`, keeps the expiry, moves to the front, never culls.
    ///
    /// ```
    /// use edgecache::{codec::Numeric, CacheConfig, Error, LocMemCache, SystemClock, Timeout};
    /// use std::rc::Rc;
    /// let mut cache = LocMemCache::new(CacheConfig::default(), Rc::new(SystemClock));
    /// cache.insert(":1:n", &Numeric::Float(1.0).to_value(), Timeout::Default);
    /// assert_eq!(cache.incr(":1:n", &Numeric::Float(2.0)), Ok(Numeric::Float(3.0)));
    /// assert_eq!(cache.incr(":1:nope", &Numeric::Float(1.0)), Err(Error::KeyNotFound(":1:nope".into())));
    /// ```
    pub fn incr(&mut self, key: &str, delta: &Numeric) -> Result<Numeric> {
        let now = self.clock.now();
        let shared = Rc::clone(&self.store);
        let mut store = shared.borrow_mut();
        let (current, header) = match store.peek(key.as_bytes()) {
            Some(e) if meta::is_stale(e.value, now) && !is_expired(e.expires, now) => {
                return Err(Error::KeyNotFound(key.to_string()));
            }
            Some(e) if !is_expired(e.expires, now) => {
                let payload = meta::payload(e.value);
                let header = e.value[..e.value.len() - payload.len()].to_vec();
                (Numeric::counter(payload), header)
            }
            Some(_) => {
                store.remove(key.as_bytes());
                self.counters.expirations += 1;
                self.emit(key.as_bytes(), Removal::Expire);
                return Err(Error::KeyNotFound(key.to_string()));
            }
            None => return Err(Error::KeyNotFound(key.to_string())),
        };
        let sum = Numeric::add_stored(current, delta, key)?;
        let mut bytes = header;
        bytes.extend_from_slice(&sum.to_value());
        store.replace_value(key.as_bytes(), &bytes);
        store.promote(key.as_bytes());
        // A bigint can grow: keep the budget by evicting others, never the counter itself.
        if let Some(max) = self.config.max_bytes {
            if store.policy() == Policy::Lru {
                while store.bytes() > max && store.lru_key() != Some(key.as_bytes()) {
                    self.pop_lru(&mut store);
                }
            } else {
                self.make_room(&mut store, Some(key.as_bytes()));
            }
        }
        Ok(sum)
    }

    /// Django's `incr_version` after the keys are made: moves the value of `from` to `to`
    /// with the default timeout. False (and nothing changes) when `from` misses.
    ///
    /// ```
    /// use edgecache::{CacheConfig, LocMemCache, SystemClock, Timeout};
    /// use std::rc::Rc;
    /// let mut cache = LocMemCache::new(CacheConfig::default(), Rc::new(SystemClock));
    /// cache.insert(":1:k", b"v", Timeout::Never);
    /// assert!(cache.move_version(":1:k", ":2:k"));
    /// assert_eq!((cache.get(":1:k"), cache.get(":2:k")), (None, Some(b"v".to_vec())));
    /// ```
    pub fn move_version(&mut self, from: &str, to: &str) -> bool {
        let Some(read) = self.get_stale(from).filter(|r| !r.stale) else {
            return false;
        };
        // Tags move with the value; the timeout becomes the default, as in Django.
        let tags = {
            let store = self.store.borrow();
            store
                .peek(from.as_bytes())
                .and_then(|e| meta::parse(e.value))
                .map(|v| v.tags().map(String::from).collect())
                .unwrap_or_default()
        };
        let m = WriteMeta {
            tags,
            ..WriteMeta::default()
        };
        self.insert_with(to, &read.value, Timeout::Default, &m);
        self.remove(from);
        true
    }

    /// Removes every entry carrying one of `tags`; returns how many (a scan of the store).
    ///
    /// ```
    /// use edgecache::{meta::WriteMeta, CacheConfig, LocMemCache, SystemClock, Timeout};
    /// use std::rc::Rc;
    /// let mut cache = LocMemCache::new(CacheConfig::default(), Rc::new(SystemClock));
    /// let posts = WriteMeta { tags: vec!["posts".into()], ..WriteMeta::default() };
    /// cache.insert_with(":1:a", b"\x01a", Timeout::Never, &posts);
    /// cache.insert(":1:b", b"\x01b", Timeout::Never);
    /// assert_eq!(cache.invalidate_tags(&["posts".into()]), 1);
    /// assert_eq!((cache.get(":1:a"), cache.get(":1:b")), (None, Some(b"\x01b".to_vec())));
    /// ```
    pub fn invalidate_tags(&mut self, tags: &[String]) -> usize {
        let mut store = self.store.borrow_mut();
        let doomed: Vec<Vec<u8>> = store
            .iter()
            .filter(|e| meta::parse(e.value).is_some_and(|v| v.has_any_tag(tags)))
            .map(|e| e.key.to_vec())
            .collect();
        for key in &doomed {
            store.remove(key);
            self.emit(key, Removal::Invalidate);
        }
        self.counters.invalidations += doomed.len() as u64;
        doomed.len()
    }
}
