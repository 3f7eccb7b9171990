//! Django's LocMemCache over a [`Store`]: timeouts, expiry on read, culling, a byte budget
//! and stats. Keys here are *made* keys (`prefix:version:key`); see [`crate::make_key`].

use super::clock::Clock;
use super::key::write_key;
use super::meta::{self, WriteMeta, MARK};
use super::removal::{Listener, Removal};
use super::rng::{jittered, Rng};
use super::stats::{Counters, Stats};
use super::timeout::{is_expired, Timeout};
use crate::codec::Numeric;
use crate::error::{Error, Result};
use crate::store::{entry_size, Lookup, Policy, Store};
use std::cell::RefCell;
use std::rc::Rc;

/// A cache's settings (Django's TIMEOUT, KEY_PREFIX, VERSION, MAX_ENTRIES, CULL_FREQUENCY).
#[derive(Debug, Clone, PartialEq)]
pub struct CacheConfig {
    /// Default timeout in seconds; `None` = never expire. Django: 300.
    pub default_timeout: Option<f64>,
    /// Prefix of every made key. Django: `""`.
    pub key_prefix: String,
    /// Default key version. Django: 1.
    pub version: i64,
    /// Culling starts when the store holds this many entries. Django: 300.
    pub max_entries: usize,
    /// A cull removes `len / cull_frequency` entries; 0 clears the store. Django: 3.
    pub cull_frequency: usize,
    /// Exact byte budget (see [`entry_size`]); `None` for no budget.
    pub max_bytes: Option<usize>,
    /// Spread of each write's timeout, a fraction in `[0, 1]`: 0.1 = up to ±10%. Default 0.
    pub jitter: f64,
    /// Seed of the random source (jitter, early refresh); `None` seeds from the OS.
    pub seed: Option<u64>,
    /// Which entry a full cache gives up: LRU with Django's culling, or adaptive. Default LRU.
    pub policy: EvictionPolicy,
}

/// The eviction policy of a [`LocMemCache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EvictionPolicy {
    /// Django's: cull `len / cull_frequency` least recently used entries when full.
    #[default]
    Lru,
    /// W-TinyLFU with an adaptive window: evicts one entry at a time, by frequency and
    /// recency, keeping at most `max_entries` entries (see [`crate::Policy::Adaptive`]).
    Adaptive,
}

impl CacheConfig {
    /// The store policy this configuration asks for.
    pub fn store_policy(&self) -> Policy {
        match self.policy {
            EvictionPolicy::Lru => Policy::Lru,
            EvictionPolicy::Adaptive => Policy::Adaptive {
                max_entries: self.max_entries,
                max_bytes: self.max_bytes,
            },
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            default_timeout: Some(300.0),
            key_prefix: String::new(),
            version: 1,
            max_entries: 300,
            cull_frequency: 3,
            max_bytes: None,
            jitter: 0.0,
            seed: None,
            policy: EvictionPolicy::Lru,
        }
    }
}

/// One remembered entry, for views of the store (the demo page).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryInfo {
    /// The made key.
    pub key: String,
    /// Seconds left, `None` for never; zero or less when expired.
    pub ttl: Option<f64>,
    /// Accounted bytes.
    pub bytes: usize,
    /// The value bytes.
    pub value: Vec<u8>,
}

/// A read that may be stale ([`LocMemCache::get_stale`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StaleRead {
    /// The value encoding.
    pub value: Vec<u8>,
    /// When the value turned or turns stale, seconds (+inf = never).
    pub expires: f64,
    /// Seconds the value took to compute (0 when unknown).
    pub delta: f64,
    /// True when past `expires` (kept only for serve-stale).
    pub stale: bool,
}

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
        let store = Store::with_policy(config.store_policy());
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

    /// Reads `key`: a hit moves it to the front and passes the value bytes to `read`; an
    /// expired entry is deleted; a stale one (kept for serve-stale) misses. Counts a hit or
    /// a miss.
    pub fn get_with<R>(&mut self, key: &str, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let eager = self.eager_now();
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

    /// Django's `set`. Returns false when the value alone exceeds the byte budget: then
    /// nothing is stored, any old value of `key` is removed, and `rejected` is counted.
    pub fn insert(&mut self, key: &str, value: &[u8], timeout: Timeout) -> bool {
        let now = self.clock.now();
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

    /// True when `key` holds a value that is neither expired nor stale.
    fn is_live(&self, key: &str, now: f64) -> bool {
        let store = self.store.borrow();
        store
            .peek(key.as_bytes())
            .is_some_and(|e| !is_expired(e.expires, now) && !meta::is_stale(e.value, now))
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
                (Numeric::from_value(payload), header)
            }
            Some(_) => {
                store.remove(key.as_bytes());
                self.counters.expirations += 1;
                self.emit(key.as_bytes(), Removal::Expire);
                return Err(Error::KeyNotFound(key.to_string()));
            }
            None => return Err(Error::KeyNotFound(key.to_string())),
        };
        let current = current.ok_or_else(|| Error::NotANumber(key.to_string()))?;
        let sum = current
            .checked_add(delta)
            .ok_or_else(|| Error::NotANumber(key.to_string()))?;
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

    /// The write path of `set` and a successful `add` (Django's `_set`), plus the byte budget.
    fn write(&mut self, key: &str, value: &[u8], expires: f64, now: f64) -> bool {
        self.failure = None;
        // A handle of our own, so evicting (which counts into self) can hold the borrow.
        let shared = Rc::clone(&self.store);
        let mut store = shared.borrow_mut();
        let size = entry_size(key.len(), value.len());
        if self.config.max_bytes.is_some_and(|max| size > max) {
            self.replace(&mut store, key, now);
            self.counters.rejected += 1;
            return false;
        }
        // Every allocation the write needs, before anything changes: out of memory leaves
        // the store as it was (and is reported by `take_failure`).
        let Some(data) = store.prepare(key.as_bytes(), value) else {
            self.failure = Some(Error::OutOfMemory(size));
            return false;
        };
        if store.policy() != Policy::Lru {
            // The adaptive policy admits or evicts after the insert, one entry at a time.
            self.replace(&mut store, key, now);
            store.insert_data(key.as_bytes(), data, expires);
            self.make_room(&mut store, None);
            return true;
        }
        // Django culls before every write, even an overwrite.
        if store.len() >= self.config.max_entries {
            let cull = match self.config.cull_frequency {
                0 => store.len(),
                f => store.len() / f,
            };
            if self.listener.is_some() {
                // Each key is told to the listener, so they go one by one.
                for _ in 0..cull {
                    self.pop_lru(&mut store);
                }
            } else {
                self.counters.evictions += store.cull(cull) as u64;
            }
        }
        // The old value goes first: it is replaced, not evicted.
        self.replace(&mut store, key, now);
        if let Some(max) = self.config.max_bytes {
            while store.bytes() + size > max && self.pop_lru(&mut store) {}
        }
        store.insert_data(key.as_bytes(), data, expires);
        true
    }

    /// Removes the old entry of a key being written, telling the listener.
    fn replace(&self, store: &mut Store, key: &str, now: f64) {
        if self.listener.is_none() {
            if self.config.max_bytes.is_some() {
                store.remove(key.as_bytes());
            }
            return;
        }
        let why = match store.peek(key.as_bytes()) {
            Some(e) if is_expired(e.expires, now) => Removal::Expire,
            Some(_) => Removal::Set,
            None => return,
        };
        store.remove(key.as_bytes());
        self.emit(key.as_bytes(), why);
    }

    /// Evicts by the store's policy down to the limits (never `keep`), counting and telling
    /// the listener.
    fn make_room(&mut self, store: &mut Store, keep: Option<&[u8]>) {
        let mut evicted = Vec::new();
        let listening = self.listener.is_some();
        let count = store.make_room(
            self.config.max_entries,
            self.config.max_bytes,
            keep,
            |key| {
                if listening {
                    evicted.push(key.to_vec());
                }
            },
        );
        self.counters.evictions += count as u64;
        for key in evicted {
            self.emit(&key, Removal::Evict);
        }
    }

    /// Evicts the least recently used entry, counting and telling the listener.
    fn pop_lru(&mut self, store: &mut Store) -> bool {
        let key = match (&self.listener, store.lru_key()) {
            (_, None) => return false,
            (Some(_), Some(k)) => Some(k.to_vec()),
            (None, Some(_)) => None,
        };
        store.pop_lru();
        self.counters.evictions += 1;
        if let Some(key) = key {
            self.emit(&key, Removal::Evict);
        }
        true
    }
}
