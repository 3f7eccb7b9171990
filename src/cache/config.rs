//! A cache's settings and what its reads report: [`CacheConfig`] (Django's TIMEOUT,
//! KEY_PREFIX, VERSION and OPTIONS), the eviction policy, entry views and stale reads.

use crate::store::Policy;

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
    /// Exact byte budget (see [`crate::entry_size`]); `None` for no budget.
    pub max_bytes: Option<usize>,
    /// Spread of each write's timeout, a fraction in `[0, 1]`: 0.1 = up to ±10%. Default 0.
    pub jitter: f64,
    /// Seed of the random source (jitter, early refresh) and of a private store's key hash
    /// (eviction order); `None` seeds both from the OS.
    pub seed: Option<u64>,
    /// Which entry a full cache gives up: LRU with Django's culling, or adaptive. Default LRU.
    pub policy: EvictionPolicy,
}

/// The eviction policy of a [`crate::LocMemCache`].
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

/// A read that may be stale ([`crate::LocMemCache::get_stale`]).
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

/// What a Django settings name given as an option means here: `"KEY_PREFIX"` is `keyPrefix`,
/// and `OPTIONS`' entries are options themselves. `None` for a name that is not Django's form
/// of a known option.
///
/// ```
/// use edgecache::django_option_hint;
/// let known = ["timeout", "keyPrefix", "maxEntries"];
/// assert_eq!(django_option_hint("KEY_PREFIX", &known).as_deref(), Some("keyPrefix (Django's KEY_PREFIX)"));
/// assert!(django_option_hint("OPTIONS", &known).unwrap().contains("maxEntries"));
/// assert_eq!(django_option_hint("colour", &known), None);
/// ```
pub fn django_option_hint(name: &str, known: &[&str]) -> Option<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return None;
    }
    if name == "OPTIONS" {
        return Some(
            "its entries as options of their own (MAX_ENTRIES is maxEntries, CULL_FREQUENCY is \
             cullFrequency)"
                .into(),
        );
    }
    // KEY_PREFIX -> keyPrefix, MAX_ENTRIES -> maxEntries.
    let mut camel = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            camel.push(c);
            upper = false;
        } else {
            camel.push(c.to_ascii_lowercase());
        }
    }
    known
        .contains(&camel.as_str())
        .then(|| format!("{camel} (Django's {name})"))
}
