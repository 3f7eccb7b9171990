//! Django's LocMemCache over a [`Store`]: timeouts, expiry on read, culling, a byte budget
//! and stats. Keys here are *made* keys (`prefix:version:key`); see [`crate::make_key`].

use crate::clock::Clock;
use crate::codec::Numeric;
use crate::error::{Error, Result};
use crate::key::write_key;
use crate::stats::{Counters, Stats};
use crate::store::{entry_size, Lookup, Store};
use crate::timeout::{is_expired, Timeout};
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
        Self::with_store(config, clock, Rc::new(RefCell::new(Store::new())))
    }

    /// A cache over `store`, which other caches may share (Django's LOCATION).
    pub fn with_store(
        config: CacheConfig,
        clock: Rc<dyn Clock>,
        store: Rc<RefCell<Store>>,
    ) -> Self {
        LocMemCache {
            store,
            config,
            clock,
            counters: Counters::default(),
        }
    }

    /// The store, to share it with another cache (a memory tier over a user's cache).
    pub fn store(&self) -> Rc<RefCell<Store>> {
        Rc::clone(&self.store)
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
    /// expired entry is deleted. Counts a hit or a miss.
    pub fn get_with<R>(&mut self, key: &str, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let eager = self.eager_now();
        let clock = &self.clock;
        let now = || eager.unwrap_or_else(|| clock.now());
        match self.store.borrow_mut().get_live_with(key.as_bytes(), now) {
            Lookup::Hit(entry) => {
                self.counters.hits += 1;
                Some(read(entry.value))
            }
            Lookup::Expired => {
                self.counters.expirations += 1;
                self.counters.misses += 1;
                None
            }
            Lookup::Missing => {
                self.counters.misses += 1;
                None
            }
        }
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
        match store.peek(key.as_bytes()).map(|e| e.expires) {
            Some(f64::INFINITY) => true,
            Some(exp) if !is_expired(exp, eager.unwrap_or_else(|| self.clock.now())) => true,
            Some(_) => {
                store.remove(key.as_bytes());
                self.counters.expirations += 1;
                false
            }
            None => false,
        }
    }

    /// Django's `set`. Returns false when the value alone exceeds the byte budget: then
    /// nothing is stored, any old value of `key` is removed, and `rejected` is counted.
    pub fn insert(&mut self, key: &str, value: &[u8], timeout: Timeout) -> bool {
        let expires = timeout.expires_at(self.config.default_timeout, self.clock.now());
        let stored = self.write(key, value, expires);
        if stored {
            self.counters.sets += 1;
        }
        stored
    }

    /// Django's `add`: writes only when `key` is missing or expired; true if it wrote.
    pub fn add(&mut self, key: &str, value: &[u8], timeout: Timeout) -> bool {
        let now = self.clock.now();
        let live = {
            let store = self.store.borrow();
            store
                .peek(key.as_bytes())
                .is_some_and(|e| !is_expired(e.expires, now))
        };
        if live {
            return false;
        }
        let expires = timeout.expires_at(self.config.default_timeout, now);
        let stored = self.write(key, value, expires);
        if stored {
            self.counters.adds += 1;
        }
        stored
    }

    /// Django's `touch`: a new expiry from now for a live key; recency unchanged.
    pub fn touch(&mut self, key: &str, timeout: Timeout) -> bool {
        let now = self.clock.now();
        let mut store = self.store.borrow_mut();
        match store.peek(key.as_bytes()).map(|e| e.expires) {
            Some(exp) if !is_expired(exp, now) => {
                let expires = timeout.expires_at(self.config.default_timeout, now);
                store.set_expires(key.as_bytes(), expires)
            }
            _ => false,
        }
    }

    /// Django's `delete`: true if an entry was stored, even an expired one.
    pub fn remove(&mut self, key: &str) -> bool {
        let removed = self.store.borrow_mut().remove(key.as_bytes());
        if removed {
            self.counters.deletes += 1;
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
        let mut store = self.store.borrow_mut();
        let current = match store.peek(key.as_bytes()) {
            Some(e) if !is_expired(e.expires, now) => Numeric::from_value(e.value),
            Some(_) => {
                store.remove(key.as_bytes());
                self.counters.expirations += 1;
                return Err(Error::KeyNotFound(key.to_string()));
            }
            None => return Err(Error::KeyNotFound(key.to_string())),
        };
        let current = current.ok_or_else(|| Error::NotANumber(key.to_string()))?;
        let sum = current
            .checked_add(delta)
            .ok_or_else(|| Error::NotANumber(key.to_string()))?;
        store.replace_value(key.as_bytes(), &sum.to_value());
        store.promote(key.as_bytes());
        // A bigint can grow: keep the budget by evicting others, never the counter itself.
        if let Some(max) = self.config.max_bytes {
            while store.bytes() > max && store.lru_key() != Some(key.as_bytes()) {
                store.pop_lru();
                self.counters.evictions += 1;
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
        let Some(value) = self.get(from) else {
            return false;
        };
        self.insert(to, &value, Timeout::Default);
        self.remove(from);
        true
    }

    /// Django's `clear`: empties the whole store, whatever the prefix or version.
    pub fn clear(&mut self) {
        self.store.borrow_mut().clear();
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
                value: e.value.to_vec(),
            })
            .collect()
    }

    /// The write path of `set` and a successful `add` (Django's `_set`), plus the byte budget.
    fn write(&mut self, key: &str, value: &[u8], expires: f64) -> bool {
        let mut store = self.store.borrow_mut();
        let size = entry_size(key.len(), value.len());
        if self.config.max_bytes.is_some_and(|max| size > max) {
            store.remove(key.as_bytes());
            self.counters.rejected += 1;
            return false;
        }
        // Django culls before every write, even an overwrite.
        if store.len() >= self.config.max_entries {
            let cull = match self.config.cull_frequency {
                0 => store.len(),
                f => store.len() / f,
            };
            for _ in 0..cull {
                store.pop_lru();
            }
            self.counters.evictions += cull as u64;
        }
        if let Some(max) = self.config.max_bytes {
            // The old value goes first: it is replaced, not evicted.
            store.remove(key.as_bytes());
            while store.bytes() + size > max && store.pop_lru() {
                self.counters.evictions += 1;
            }
        }
        store.insert(key.as_bytes(), value, expires);
        true
    }
}
