//! Django's LocMemCache over a [`Store`]: timeouts, expiry on read, culling, a byte budget
//! and stats. Keys here are *made* keys (`prefix:version:key`); see [`crate::make_key`].

use super::clock::Clock;
use super::config::{CacheConfig, EntryInfo};
use super::key::write_key;
use super::meta::{self, WriteMeta};
use super::removal::{Listener, Removal};
use super::rng::{jittered, Rng};
use super::stats::{Counters, Stats};
use super::timeout::{is_expired, Timeout};
use crate::error::Error;
use crate::store::{entry_size, Store};
use std::cell::RefCell;
use std::rc::Rc;

mod read;
mod room;
mod update;

/// Django's LocMemCache semantics on encoded values.
///
/// ```
/// use edgecache::{CacheConfig, LocMemCache, ManualClock, Timeout};
/// use std::rc::Rc;
/// let clock = ManualClock::new(0.0);
/// let mut cache = LocMemCache::new(CacheConfig::default(), Rc::new(clock.clone()));
/// let key = cache.make_key("greeting", None);
/// assert_eq!(key, ":1:greeting");
/// cache.insert(&key, b"hello", Timeout::Seconds(10.0));
/// assert_eq!(cache.get(&key), Some(b"hello".to_vec()));
/// clock.advance(10.0); // expiry is `exp <= now`
/// assert_eq!(cache.get(&key), None);
/// ```
pub struct LocMemCache {
    store: Rc<RefCell<Store>>,
    config: CacheConfig,
    clock: Rc<dyn Clock>,
    counters: Counters,
    rng: Rng,
    listener: Option<Listener>,
    /// Why the last write stored nothing, when it was not the byte budget (out of memory).
    failure: Option<Error>,
}

impl std::fmt::Debug for LocMemCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocMemCache")
            .field("config", &self.config)
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl LocMemCache {
    /// A cache with a private store.
    pub fn new(config: CacheConfig, clock: Rc<dyn Clock>) -> Self {
        // A given seed fixes the store's hash too: the same requests, the same evictions.
        let store = match config.seed {
            Some(seed) => Store::with_policy_seed(config.store_policy(), seed),
            None => Store::with_policy(config.store_policy()),
        };
        Self::with_store(config, clock, Rc::new(RefCell::new(store)))
    }

    /// A cache over `store`, which other caches may share (Django's LOCATION).
    pub fn with_store(
        config: CacheConfig,
        clock: Rc<dyn Clock>,
        store: Rc<RefCell<Store>>,
    ) -> Self {
        let rng = config.seed.map_or_else(Rng::from_entropy, Rng::new);
        LocMemCache {
            store,
            config,
            clock,
            counters: Counters::default(),
            rng,
            listener: None,
            failure: None,
        }
    }

    /// The store, to share it with another cache (a memory tier over a user's cache).
    pub fn store(&self) -> Rc<RefCell<Store>> {
        Rc::clone(&self.store)
    }

    /// Calls `listener` with every key this cache removes, and why (`None` stops it).
    pub fn set_listener(&mut self, listener: Option<Listener>) {
        self.listener = listener;
    }

    fn emit(&self, key: &[u8], why: Removal) {
        if let Some(listener) = &self.listener {
            listener(key, why);
        }
    }

    /// Why the last write that returned false stored nothing, if not the byte budget
    /// ([`Error::OutOfMemory`]); cleared by reading it.
    pub fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }

    /// A write of a value measured (before it was copied) at `size` bytes over the byte
    /// budget: as [`LocMemCache::insert`] of it would, removes the old value of `key` and
    /// counts it rejected. With `only_if_absent` (`add`), a live value stays and nothing is
    /// counted. Returns false (nothing is stored).
    pub fn refuse(&mut self, key: &str, only_if_absent: bool) -> bool {
        let now = self.clock.now();
        if only_if_absent && self.is_live(key, now) {
            return false;
        }
        let shared = Rc::clone(&self.store);
        let mut store = shared.borrow_mut();
        self.replace(&mut store, key, now);
        self.counters.rejected += 1;
        false
    }

    /// The cache's random source (jitter, early refresh).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// The absolute expiry of a write at `now`, jittered by the config.
    fn expiry(&mut self, timeout: Timeout, now: f64) -> f64 {
        let expires = timeout.expires_at(self.config.default_timeout, now);
        if self.config.jitter > 0.0 && expires.is_finite() && expires > now {
            now + jittered(expires - now, self.config.jitter, &mut self.rng)
        } else {
            expires
        }
    }

    /// The settings.
    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// The current time from the injected clock.
    pub fn now(&self) -> f64 {
        self.clock.now()
    }

    /// Whether the injected clock runs no user code (the system clock): then a caller may
    /// read the same time source itself and pass it in ([`LocMemCache::get_with_at`]).
    pub fn clock_is_pure(&self) -> bool {
        self.clock.is_pure()
    }

    /// Django's default key function with this cache's prefix and `version` (or its default).
    pub fn make_key(&self, key: &str, version: Option<i64>) -> String {
        let mut out = String::new();
        self.write_key(&mut out, key, version);
        out
    }

    /// [`LocMemCache::make_key`] into a reused buffer.
    pub fn write_key(&self, out: &mut String, key: &str, version: Option<i64>) {
        write_key(
            out,
            key,
            &self.config.key_prefix,
            version.unwrap_or(self.config.version),
        );
    }

    /// Django's `set`. Returns false when the value alone exceeds the byte budget: then
    /// nothing is stored, any old value of `key` is removed, and `rejected` is counted.
    pub fn insert(&mut self, key: &str, value: &[u8], timeout: Timeout) -> bool {
        // A write that never expires, with no listener to tell why an old value went, needs no
        // time: the clock (a call into JS in the wasm build) is not read.
        let timeless = match timeout {
            Timeout::Never => true,
            Timeout::Default => self.config.default_timeout.is_none(),
            Timeout::Seconds(t) => t == f64::INFINITY,
        };
        let now = if timeless && self.listener.is_none() {
            f64::NAN
        } else {
            self.clock.now()
        };
        self.insert_at(key, value, timeout, now)
    }

    /// [`LocMemCache::insert`] at `now`, a reading of this cache's clock the caller already
    /// took (a write through the async tier reads it once).
    pub fn insert_at(&mut self, key: &str, value: &[u8], timeout: Timeout, now: f64) -> bool {
        let expires = self.expiry(timeout, now);
        let stored = self.write(key, value, expires, now);
        if stored {
            self.counters.sets += 1;
        }
        stored
    }

    /// [`LocMemCache::insert`] with tags, a serve-stale window or a compute time.
    pub fn insert_with(
        &mut self,
        key: &str,
        value: &[u8],
        timeout: Timeout,
        m: &WriteMeta,
    ) -> bool {
        if m.is_empty() {
            return self.insert(key, value, timeout);
        }
        let now = self.clock.now();
        let (bytes, expires) = self.with_meta(value, timeout, m, now);
        let stored = self.write(key, &bytes, expires, now);
        if stored {
            self.counters.sets += 1;
        }
        stored
    }

    /// Stores a copy of a value known to expire at `soft_expires` (seconds) for `timeout`
    /// with its metadata, without jitter: a memory tier's copy of a store record.
    pub fn fill_with(
        &mut self,
        key: &str,
        value: &[u8],
        timeout: Timeout,
        soft_expires: f64,
        m: &WriteMeta,
    ) -> bool {
        let now = self.clock.now();
        let expires = timeout.expires_at(self.config.default_timeout, now);
        let stored = self.write(key, &meta::encode(m, soft_expires, value), expires, now);
        if stored {
            self.counters.sets += 1;
        }
        stored
    }

    /// The entry bytes and real expiry of a write with metadata.
    fn with_meta(
        &mut self,
        value: &[u8],
        timeout: Timeout,
        m: &WriteMeta,
        now: f64,
    ) -> (Vec<u8>, f64) {
        let soft = self.expiry(timeout, now);
        let expires = if soft > now && m.stale > 0.0 {
            soft + m.stale
        } else {
            soft
        };
        (meta::encode(m, soft, value), expires)
    }

    /// Django's `add`: writes only when `key` is missing or expired; true if it wrote.
    pub fn add(&mut self, key: &str, value: &[u8], timeout: Timeout) -> bool {
        self.add_with(key, value, timeout, &WriteMeta::default())
    }

    /// [`LocMemCache::add`] with metadata (see [`LocMemCache::insert_with`]).
    pub fn add_with(&mut self, key: &str, value: &[u8], timeout: Timeout, m: &WriteMeta) -> bool {
        let now = self.clock.now();
        if self.is_live(key, now) {
            return false;
        }
        let stored = if m.is_empty() {
            let expires = self.expiry(timeout, now);
            self.write(key, value, expires, now)
        } else {
            let (bytes, expires) = self.with_meta(value, timeout, m, now);
            self.write(key, &bytes, expires, now)
        };
        if stored {
            self.counters.adds += 1;
        }
        stored
    }

    /// Django's `touch`: a new expiry from now for a live key; recency unchanged.
    pub fn touch(&mut self, key: &str, timeout: Timeout) -> bool {
        let now = self.clock.now();
        if !self.is_live(key, now) {
            return false;
        }
        let expires = self.expiry(timeout, now);
        let mut store = self.store.borrow_mut();
        // An entry with a serve-stale window keeps its window after the new soft expiry.
        let rewrite = store.peek(key.as_bytes()).and_then(|e| {
            let v = meta::parse(e.value)?;
            let window = (e.expires - v.soft_expires).max(0.0);
            let header = &e.value[..e.value.len() - v.payload.len()];
            let mut bytes = header.to_vec();
            bytes[1..9].copy_from_slice(&expires.to_le_bytes());
            bytes.extend_from_slice(v.payload);
            Some((bytes, window))
        });
        match rewrite {
            Some((bytes, window)) if expires > now => {
                store.replace_value(key.as_bytes(), &bytes);
                store.set_expires(key.as_bytes(), expires + window)
            }
            _ => store.set_expires(key.as_bytes(), expires),
        }
    }

    /// Django's `delete`: true if an entry was stored, even an expired one.
    pub fn remove(&mut self, key: &str) -> bool {
        let removed = self.store.borrow_mut().remove(key.as_bytes());
        if removed {
            self.counters.deletes += 1;
            self.emit(key.as_bytes(), Removal::Delete);
        }
        removed
    }

    /// Django's `clear`: empties the whole store, whatever the prefix or version.
    pub fn clear(&mut self) {
        let mut store = self.store.borrow_mut();
        let keys: Vec<Vec<u8>> = match self.listener {
            Some(_) => store.iter().map(|e| e.key.to_vec()).collect(),
            None => Vec::new(),
        };
        store.clear();
        for key in &keys {
            self.emit(key, Removal::Clear);
        }
    }

    /// Entries in the store, expired ones included until met.
    pub fn len(&self) -> usize {
        self.store.borrow().len()
    }

    /// True when the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries that are not expired (a scan).
    pub fn live_len(&self) -> usize {
        let now = self.clock.now();
        self.store
            .borrow()
            .iter()
            .filter(|e| !is_expired(e.expires, now))
            .count()
    }

    /// A stats snapshot.
    pub fn stats(&self) -> Stats {
        let store = self.store.borrow();
        Stats {
            counters: self.counters,
            entries: store.len(),
            bytes: store.bytes(),
            max_bytes: self.config.max_bytes,
            window: store.window_share(),
        }
    }

    /// Every stored entry from most to least recently used, with its remaining lifetime.
    pub fn entries(&self) -> Vec<EntryInfo> {
        let now = self.clock.now();
        self.store
            .borrow()
            .iter()
            .map(|e| EntryInfo {
                key: String::from_utf8_lossy(e.key).into_owned(),
                ttl: e.expires.is_finite().then_some(e.expires - now),
                bytes: entry_size(e.key.len(), e.value.len()),
                value: meta::payload(e.value).to_vec(),
            })
            .collect()
    }
}
