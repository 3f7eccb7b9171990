//! `CacheCore`: the synchronous half of the async `Cache` (js/cache.js). It makes keys,
//! seals values into records, opens records read back from a store, and keeps the memory
//! tier; the JS side only awaits the store between these calls.

use super::args::{self};
use super::errors::{to_js, IntoJs};
use super::keys::KeyRules;
use super::memory_cache::{stats_object, MemoryCache};
use super::options::{self};
use super::values;
use crate::persist::record::Record;
use crate::persist::StoreLimits;
use crate::{CacheConfig, Clock, Error, LocMemCache, Rng, Timeout};
use js_sys::{Array, Object};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod limits;
use crate::interop::django::Backend;
use limits::{parse_limits, KNOWN};
mod lease;
mod records;
mod seal;
mod stamps;

/// A memory-tier entry that says "deleted here": reads miss without asking the store.
const TOMBSTONE: &[u8] = &[0];

/// Keys, records and the memory tier of one async Cache (internal: js/cache.js wraps it).
#[wasm_bindgen(skip_typescript)]
pub struct CacheCore {
    config: CacheConfig,
    keys: KeyRules,
    clock: Rc<dyn Clock>,
    /// The memory tier. Every method takes `&self` and borrows this (and `rng`, `stamps`)
    /// only while no JS runs, so callbacks may use the cache and no throw leaves it taken.
    tier: RefCell<Option<LocMemCache>>,
    limits: StoreLimits,
    local_timeout: f64,
    rng: RefCell<Rng>,
    /// Tag invalidation stamps read from the store: tag -> (stamp ms, when read, s).
    stamps: RefCell<HashMap<String, (f64, f64)>>,
    /// `format: "django"`: the store holds what this Django backend writes, not records.
    django: Option<Backend>,
}

/// A record that passed its checks, and whether its timeout has passed.
enum Live {
    Fresh(Record),
    Stale(Record),
}

fn set(object: &Object, name: &str, value: &JsValue) {
    super::boundary::define_own(object, name, value);
}

impl CacheCore {
    pub(super) fn now_ms(&self) -> f64 {
        self.clock.now() * 1000.0
    }
}

#[wasm_bindgen]
impl CacheCore {
    /// Parses the Cache options (`limits`: the store adapter's `maxKeyBytes`,
    /// `maxValueBytes`, `minTtl`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, limits: JsValue) -> Result<CacheCore, JsValue> {
        let o = options::parse_with(&options, &KNOWN).js()?;
        let (limits, local_timeout) = if options.is_undefined() || options.is_null() {
            parse_limits(&Object::new().into(), &limits).js()?
        } else {
            parse_limits(&options, &limits).js()?
        };
        Ok(CacheCore {
            keys: KeyRules::new(o.key_function, o.on_warning, o.strict_keys),
            clock: Rc::new(o.clock),
            rng: RefCell::new(o.config.seed.map_or_else(Rng::from_entropy, Rng::new)),
            config: o.config,
            tier: RefCell::new(None),
            limits,
            local_timeout,
            stamps: RefCell::default(),
            django: limits::parse_format(&options).js()?,
        })
    }

    /// Uses `memory`'s store as the memory tier (its culling rules apply).
    #[wasm_bindgen(js_name = useMemory)]
    pub fn use_memory(&self, memory: &MemoryCache) -> Result<(), JsValue> {
        let store = memory.store()?;
        *self.tier.borrow_mut() = Some(LocMemCache::with_store(
            memory.config().clone(),
            Rc::clone(&self.clock),
            store,
        ));
        Ok(())
    }

    /// The made key of a raw key at the default version, then `f` on the memory tier with it.
    pub(super) fn with_tier<R>(
        &self,
        raw: &str,
        f: impl FnOnce(Option<&mut LocMemCache>, &str) -> R,
    ) -> Result<R, JsValue> {
        self.keys.with_key(&self.config, raw, None, |made| {
            f(self.tier.borrow_mut().as_mut(), made)
        })
    }

    /// The made key for a read (`options`: `{ version }`).
    pub fn key(&self, key: JsValue, options: JsValue) -> Result<String, JsValue> {
        let version = args::key_options(&options).js()?;
        self.keys.make(&self.config, &key, version)
    }

    /// The made key for a write (`timeoutOrOptions`: a timeout or `{ timeout, version }`).
    #[wasm_bindgen(js_name = writeKey)]
    pub fn write_key(&self, key: JsValue, timeout_or_options: JsValue) -> Result<String, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.keys.make(&self.config, &key, version)
    }

    /// `makeKey(key, version?)`.
    #[wasm_bindgen(js_name = makeKey)]
    pub fn make_key(&self, key: JsValue, version: JsValue) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        self.keys.make_unchecked(&self.config, &raw, version)
    }

    /// The made key of `key` at its version, that version and version + `delta` (the
    /// target's key is made only once the source is found: Django gets before it sets).
    #[wasm_bindgen(js_name = versionKeys)]
    pub fn version_keys(
        &self,
        key: JsValue,
        delta: JsValue,
        negate: bool,
        options: JsValue,
    ) -> Result<Array, JsValue> {
        let delta = args::version_delta(&delta).js()?;
        let delta = if negate { -delta } else { delta };
        let version = args::key_options(&options)
            .js()?
            .unwrap_or(self.config.version);
        let raw = args::key(&key).js()?;
        let from = self.keys.make_raw(&self.config, &raw, Some(version))?;
        let target = crate::shifted_version(version, delta).js()?;
        Ok(Array::of3(
            &from.into(),
            &JsValue::from_f64(version as f64),
            &JsValue::from_f64(target as f64),
        ))
    }

    /// The made (validated, warned) key of `key` at `version`.
    #[wasm_bindgen(js_name = versionKey)]
    pub fn version_key(&self, key: JsValue, version: f64) -> Result<String, JsValue> {
        let raw = args::key(&key).js()?;
        self.keys.make_raw(&self.config, &raw, Some(version as i64))
    }

    /// Checks getOrSet's required second argument.
    #[wasm_bindgen(js_name = checkDefault)]
    pub fn check_default(&self, value: JsValue) -> Result<(), JsValue> {
        args::required_default(&value).js()
    }

    /// Django's error for incrVersion on a missing key (named by the caller's key).
    #[wasm_bindgen(js_name = missingKey)]
    pub fn missing_key(&self, key: JsValue) -> JsValue {
        to_js(Error::KeyNotFound(args::key(&key).unwrap_or_default()))
    }

    /// The key written to the store for a made key.
    #[wasm_bindgen(js_name = storeKey)]
    pub fn store_key(&self, made: &str) -> String {
        crate::store_key(made, self.limits.max_key_bytes)
    }

    /// The store-key prefix shared by every key of this cache (what `clear()` lists).
    #[wasm_bindgen(getter, js_name = listPrefix)]
    pub fn list_prefix(&self) -> String {
        format!("{}:", self.config.key_prefix)
    }

    /// The memory tier's answer: `undefined` (ask the store), `null` (deleted here) or
    /// `{ value }`.
    pub fn local(&self, made: &str) -> Result<JsValue, JsValue> {
        let read = match self.tier.borrow_mut().as_mut() {
            Some(tier) => tier.get_with(made, values::read),
            None => return Ok(JsValue::UNDEFINED),
        };
        match read {
            None => Ok(JsValue::UNDEFINED),
            Some(values::Read::Copied(b)) if b == TOMBSTONE => Ok(JsValue::NULL),
            Some(read) => Ok(Self::hit(values::finish(read).js()?)),
        }
    }

    /// Notes a delete in the memory tier: reads miss for `localTimeout` seconds without
    /// asking a store that may still return the old value (read-your-writes).
    pub fn tombstone(&self, made: &str) {
        let local = self.local_timeout;
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.insert(made, TOMBSTONE, Timeout::Seconds(local));
        }
    }

    /// Drops `made` from the memory tier.
    pub fn forget(&self, made: &str) {
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.remove(made);
        }
    }

    /// Empties the memory tier.
    #[wasm_bindgen(js_name = clearLocal)]
    pub fn clear_local(&self) {
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.clear();
        }
    }

    /// The memory tier's stats, or `null` without a tier.
    #[wasm_bindgen(js_name = tierStats)]
    pub fn tier_stats(&self) -> JsValue {
        let stats = self.tier.borrow().as_ref().map(|t| t.stats());
        stats.map_or(JsValue::NULL, |s| stats_object(&s))
    }
}
