//! `MemoryCache`: Django's LocMemCache API for JS over the core [`LocMemCache`].

use super::args;
use super::errors::{to_js, IntoJs};
use super::events;
use super::iterables;
use super::keys::KeyRules;
use super::options::{self, Options};
use super::values;
use crate::{shared_store, CacheConfig, Error, LocMemCache};
use js_sys::{Array, Function, Map, Object, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// An LRU/TTL cache in WebAssembly memory with Django's low-level cache API.
#[wasm_bindgen]
pub struct MemoryCache {
    core: LocMemCache,
    keys: KeyRules,
}

/// The JS object for a core stats snapshot (`maxBytes` is null without a budget).
pub fn stats_object(s: &crate::Stats) -> JsValue {
    let c = s.counters;
    let object = Object::new();
    let max_bytes = s
        .max_bytes
        .map_or(JsValue::NULL, |b| JsValue::from_f64(b as f64));
    let fields = [
        ("hits", JsValue::from_f64(c.hits as f64)),
        ("misses", JsValue::from_f64(c.misses as f64)),
        ("sets", JsValue::from_f64(c.sets as f64)),
        ("adds", JsValue::from_f64(c.adds as f64)),
        ("deletes", JsValue::from_f64(c.deletes as f64)),
        ("evictions", JsValue::from_f64(c.evictions as f64)),
        ("expirations", JsValue::from_f64(c.expirations as f64)),
        ("rejected", JsValue::from_f64(c.rejected as f64)),
        ("invalidations", JsValue::from_f64(c.invalidations as f64)),
        ("entries", JsValue::from_f64(s.entries as f64)),
        ("bytes", JsValue::from_f64(s.bytes as f64)),
        ("maxBytes", max_bytes),
        ("hitRatio", JsValue::from_f64(s.hit_ratio())),
    ];
    for (name, value) in fields {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &name.into(), &value);
    }
    object.into()
}

impl MemoryCache {
    /// A cache from parsed options.
    pub fn from_options(o: Options) -> MemoryCache {
        let clock = Rc::new(o.clock);
        let mut core = match &o.location {
            Some(location) => {
                let store = shared_store(location, o.config.store_policy());
                LocMemCache::with_store(o.config, clock, store)
            }
            None => LocMemCache::new(o.config, clock),
        };
        core.set_listener(o.on_evict.map(events::listener));
        MemoryCache {
            core,
            keys: KeyRules::new(o.key_function, o.on_warning, o.strict_keys),
        }
    }

    /// The core cache (for a memory tier sharing its store).
    pub fn core(&self) -> &LocMemCache {
        &self.core
    }

    fn config(&self) -> &CacheConfig {
        self.core.config()
    }

    /// The core and the made, validated key for a raw string key (the fast path's entry).
    pub fn parts(
        &mut self,
        raw: &str,
        version: Option<i64>,
    ) -> Result<(&mut LocMemCache, &str), JsValue> {
        let made = self.keys.make_raw(self.core.config(), raw, version)?;
        Ok((&mut self.core, made))
    }

    /// Reads a made key: the decoded value, or `None` on a miss.
    fn read(&mut self, made: &str) -> Result<Option<JsValue>, JsValue> {
        match self.core.get_with(made, values::read) {
            Some(r) => values::finish(r).map(Some).js(),
            None => Ok(None),
        }
    }
}

#[wasm_bindgen]
impl MemoryCache {
    /// Creates a cache. Options: `timeout` (seconds, default 300, `null` = forever),
    /// `maxEntries` (300), `cullFrequency` (3), `maxBytes`, `keyPrefix` (""), `version` (1),
    /// `keyFunction`, `location`, `onWarning`, `strictKeys`, `clock`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "MemoryCacheOptions")] options: JsValue,
    ) -> Result<MemoryCache, JsValue> {
        Ok(MemoryCache::from_options(options::parse(&options).js()?))
    }

    /// The value of `key`, or `defaultValue` (else `undefined`) when missing or expired.
    #[wasm_bindgen(unchecked_return_type = "CacheValue | undefined")]
    pub fn get(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CacheValue")] default_value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        match self.core.get_with(made, values::read) {
            Some(r) => values::finish(r).js(),
            None => Ok(default_value),
        }
    }

    /// Stores `value` under `key` (overwrites), with a timeout or `{ timeout, version }`.
    pub fn set(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CacheValue")] value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<(), JsValue> {
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        let bytes = values::encode(&value).js()?;
        self.core.insert_with(made, &bytes, timeout, &meta);
        Ok(())
    }

    /// Stores `value` only if `key` is missing or expired; true if it stored.
    pub fn add(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CacheValue")] value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue> {
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        let bytes = values::encode(&value).js()?;
        Ok(self.core.add_with(made, &bytes, timeout, &meta))
    }

    /// The value of `key`; on a miss, stores `defaultOrFactory` (called if a function) with
    /// `add` and returns what is then cached, or the default if nothing could be stored.
    #[wasm_bindgen(js_name = getOrSet, unchecked_return_type = "CacheValue")]
    pub fn get_or_set(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CacheValue | (() => CacheValue)")]
        default_or_factory: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue> {
        args::required_default(&default_or_factory).js()?;
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        let made = self
            .keys
            .make(self.core.config(), &key, version)?
            .to_string();
        if let Some(hit) = self.read(&made)? {
            return Ok(hit);
        }
        let value = match default_or_factory.dyn_ref::<Function>() {
            Some(factory) => factory.call0(&JsValue::NULL)?,
            None => default_or_factory,
        };
        let bytes = values::encode(&value).js()?;
        self.core.add_with(&made, &bytes, timeout, &meta);
        Ok(self.read(&made)?.unwrap_or(value))
    }

    /// The hits among `keys`, as a Map from the caller's key to the value, in request order.
    #[wasm_bindgen(js_name = getMany, unchecked_return_type = "Map<CacheKey, CacheValue>")]
    pub fn get_many(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Iterable<CacheKey>")] keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<Map, JsValue> {
        let version = args::key_options(&options).js()?;
        let keys = iterables::items(&keys, "keys")?;
        let mut made = Vec::with_capacity(keys.len());
        for key in &keys {
            made.push(
                self.keys
                    .make(self.core.config(), key, version)?
                    .to_string(),
            );
        }
        let found = Map::new();
        for (key, made) in keys.iter().zip(&made) {
            if let Some(value) = self.read(made)? {
                found.set(key, &value);
            }
        }
        Ok(found)
    }

    /// Stores every pair; returns the keys that could not be stored (over the byte budget).
    #[wasm_bindgen(js_name = setMany, unchecked_return_type = "CacheKey[]")]
    pub fn set_many(
        &mut self,
        #[wasm_bindgen(
            unchecked_param_type = "Map<CacheKey, CacheValue> | Record<string, CacheValue> | Iterable<readonly [CacheKey, CacheValue]>"
        )]
        entries: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<Array, JsValue> {
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        // Make every key and encode every value first: a bad one changes nothing.
        let mut prepared = Vec::new();
        for (key, value) in iterables::pairs(&entries)? {
            let made = self
                .keys
                .make(self.core.config(), &key, version)?
                .to_string();
            prepared.push((key, made, values::encode(&value).js()?));
        }
        let failed = Array::new();
        for (key, made, bytes) in prepared {
            if !self.core.insert_with(&made, &bytes, timeout, &meta) {
                failed.push(&key);
            }
        }
        Ok(failed)
    }

    /// Removes every entry tagged with one of `tags` (at once: a scan of the store); returns
    /// how many.
    #[wasm_bindgen(js_name = invalidateTags)]
    pub fn invalidate_tags(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<u32, JsValue> {
        let tags = args::tags(&tags).js()?;
        Ok(self.core.invalidate_tags(&tags) as u32)
    }

    /// For `getOrSet` with refresh options (js/refresh.js): `undefined`, or `{ value, state }`
    /// with state `fresh | early | revalidate | ifError` (see `serve_state`).
    #[wasm_bindgen(js_name = __readStale, skip_typescript)]
    pub fn read_stale(&mut self, key: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let (_, version) = args::write_options(&options).js()?;
        let policy = args::refresh_policy(&options).js()?;
        let made = self
            .keys
            .make(self.core.config(), &key, version)?
            .to_string();
        let Some(read) = self.core.get_stale(&made) else {
            return Ok(JsValue::UNDEFINED);
        };
        let now = self.core.now();
        let state = crate::serve_state(now, read.expires, read.delta, &policy, self.core.rng());
        if state == crate::Serve::Miss {
            return Ok(JsValue::UNDEFINED);
        }
        let value = values::decode(&read.value).js()?;
        Ok(args::served(value, state))
    }

    /// Removes `key`; true if something was stored (even if expired).
    pub fn delete(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<bool, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        Ok(self.core.remove(made))
    }

    /// Removes every key in `keys`.
    #[wasm_bindgen(js_name = deleteMany)]
    pub fn delete_many(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Iterable<CacheKey>")] keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        let version = args::key_options(&options).js()?;
        let mut made = Vec::new();
        for key in iterables::items(&keys, "keys")? {
            made.push(
                self.keys
                    .make(self.core.config(), &key, version)?
                    .to_string(),
            );
        }
        for key in made {
            self.core.remove(&key);
        }
        Ok(())
    }

    /// True when `key` is live (does not change its recency).
    pub fn has(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<bool, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        Ok(self.core.contains(made))
    }

    /// Gives a live `key` a new timeout counted from now; true if the key was live.
    pub fn touch(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue> {
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        Ok(self.core.touch(made, timeout))
    }

    /// Adds `delta` (default 1) to a number or bigint value, keeping its expiry.
    #[wasm_bindgen(unchecked_return_type = "number | bigint")]
    pub fn incr(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let delta = args::delta(&delta).js()?;
        self.add_delta(key, delta, options)
    }

    /// Subtracts `delta` (default 1); `incr(key, -delta)`.
    #[wasm_bindgen(unchecked_return_type = "number | bigint")]
    pub fn decr(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let delta = args::delta(&delta).js()?.negated();
        self.add_delta(key, delta, options)
    }

    fn add_delta(
        &mut self,
        key: JsValue,
        delta: crate::codec::Numeric,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.keys.make(self.core.config(), &key, version)?;
        let sum = self.core.incr(made, &delta).js()?;
        Ok(args::numeric_value(&sum))
    }

    /// Moves `key` to version `version + delta` (default timeout); returns the new version.
    #[wasm_bindgen(js_name = incrVersion)]
    pub fn incr_version(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<f64, JsValue> {
        let delta = args::version_delta(&delta).js()?;
        self.shift_version(key, delta, options)
    }

    /// `incrVersion(key, -delta)`.
    #[wasm_bindgen(js_name = decrVersion)]
    pub fn decr_version(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<f64, JsValue> {
        let delta = args::version_delta(&delta).js()?;
        self.shift_version(key, -delta, options)
    }

    fn shift_version(
        &mut self,
        key: JsValue,
        delta: i64,
        options: JsValue,
    ) -> Result<f64, JsValue> {
        let version = args::key_options(&options)
            .js()?
            .unwrap_or(self.config().version);
        let raw = args::key(&key).js()?;
        let config = self.core.config().clone();
        let from = self
            .keys
            .make_raw(&config, &raw, Some(version))?
            .to_string();
        let to = self
            .keys
            .make_raw(&config, &raw, Some(version + delta))?
            .to_string();
        if !self.core.move_version(&from, &to) {
            return Err(to_js(Error::KeyNotFound(raw)));
        }
        Ok((version + delta) as f64)
    }

    /// Empties the store (every key, whatever its prefix or version).
    pub fn clear(&mut self) {
        self.core.clear();
    }

    /// The key this cache stores `key` under (`prefix:version:key` or the keyFunction's).
    #[wasm_bindgen(js_name = makeKey)]
    pub fn make_key(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        Ok(self
            .keys
            .make_raw(self.core.config(), &raw, version)?
            .to_string())
    }

    /// Counters and occupancy: hits, misses, sets, adds, deletes, evictions, expirations,
    /// rejected, entries, bytes, maxBytes, hitRatio.
    #[wasm_bindgen(unchecked_return_type = "CacheStats")]
    pub fn stats(&self) -> JsValue {
        stats_object(&self.core.stats())
    }

    /// Live (unexpired) entries.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.core.live_len() as u32
    }

    /// Every stored entry, most recently used first: `{ key, ttl, bytes, value }` with `ttl`
    /// in seconds (`null` = forever, <= 0 = expired but not yet removed). For inspection.
    #[wasm_bindgen(unchecked_return_type = "CacheEntry[]")]
    pub fn entries(&self) -> Result<Array, JsValue> {
        let out = Array::new();
        for e in self.core.entries() {
            let item = Object::new();
            let ttl = e.ttl.map_or(JsValue::NULL, JsValue::from_f64);
            let value = values::decode(&e.value).js()?;
            for (k, v) in [
                ("key", JsValue::from_str(&e.key)),
                ("ttl", ttl),
                ("bytes", JsValue::from_f64(e.bytes as f64)),
                ("value", value),
            ] {
                Reflect::set(&item, &k.into(), &v)?;
            }
            out.push(&item);
        }
        Ok(out)
    }
}
