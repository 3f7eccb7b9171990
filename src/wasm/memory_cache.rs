//! `MemoryCache`: Django's LocMemCache API for JS over the core [`LocMemCache`].

use super::api::sync_cache_api;
use super::args;
use super::boundary;
use super::errors::{to_js, IntoJs};
use super::events;
use super::keys::KeyRules;
use super::options::{self, Options};
use super::values;
use crate::{shared_store, CacheConfig, Error, LocMemCache};
use js_sys::{Array, Object};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod django_api;

/// An LRU/TTL cache in WebAssembly memory with Django's low-level cache API.
///
/// Every exported method takes `&self`, and the core is borrowed only while no JS runs: a
/// JS exception thrown through wasm frames does not unwind Rust, so a borrow held across a
/// call into JS (a key function, a value's getter) would stay taken for good.
#[wasm_bindgen]
pub struct MemoryCache {
    core: RefCell<LocMemCache>,
    /// The core's settings (fixed at construction), readable while the core is borrowed.
    config: CacheConfig,
    keys: KeyRules,
    /// How many times `onEvict` threw (reported to `console.error`, never rethrown).
    hook_errors: Rc<Cell<u64>>,
    /// The `onEvict` option, kept to combine with an event observer (`__observeRemovals`).
    on_evict: Option<js_sys::Function>,
    /// The name events carry.
    name: RefCell<String>,
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
        ("window", s.window.map_or(JsValue::NULL, JsValue::from_f64)),
    ];
    for (name, value) in fields {
        boundary::define_own(&object, name, &value);
    }
    object.into()
}

impl MemoryCache {
    /// Names the cache `alias` unless its options named it (the registry's instances).
    pub fn name_if_unset(&self, alias: &str, options: &JsValue) {
        let named = options.is_object()
            && super::args::prop(options, "name").is_ok_and(|v| !v.is_undefined());
        if !named {
            *self.name.borrow_mut() = alias.to_string();
        }
    }

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
        let hook_errors = Rc::new(Cell::new(0));
        core.set_listener(
            o.on_evict
                .clone()
                .map(|hook| events::listener(vec![hook], Rc::clone(&hook_errors))),
        );
        MemoryCache {
            hook_errors,
            on_evict: o.on_evict,
            name: RefCell::new(
                o.name
                    .or(o.location)
                    .unwrap_or_else(|| "default".to_string()),
            ),
            config: core.config().clone(),
            core: RefCell::new(core),
            keys: KeyRules::new(o.key_function, o.on_warning, o.strict_keys),
        }
    }

    /// The core cache's store (for a memory tier sharing it).
    pub fn store(&self) -> Result<Rc<RefCell<crate::store::Store>>, JsValue> {
        self.with_core(|core| core.store())
    }

    /// The settings.
    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// Runs `f` on the core. No JS may run inside `f`; only a re-entrant call from the
    /// clock could find the core taken, and it gets a coded error.
    pub fn with_core<R>(&self, f: impl FnOnce(&mut LocMemCache) -> R) -> Result<R, JsValue> {
        let mut core = self.core.try_borrow_mut().map_err(|_| to_js(busy()))?;
        Ok(f(&mut core))
    }

    /// Runs `f` on the core and the made, validated key for a raw string key.
    pub fn with_key<R>(
        &self,
        raw: &str,
        version: Option<i64>,
        f: impl FnOnce(&mut LocMemCache, &str) -> R,
    ) -> Result<R, JsValue> {
        self.keys.with_key(&self.config, raw, version, |made| {
            self.with_core(|core| f(core, made))
        })?
    }

    fn made(&self, key: &JsValue, version: Option<i64>) -> Result<String, JsValue> {
        self.keys.make(&self.config, key, version)
    }

    /// Reads a made key: the decoded value, or `None` on a miss.
    fn read(&self, made: &str) -> Result<Option<JsValue>, JsValue> {
        match self.with_core(|core| core.get_with(made, values::read))? {
            Some(r) => values::finish(r).map(Some).js(),
            None => Ok(None),
        }
    }

    /// The largest value this cache could hold (its byte budget), for refusing before copying.
    fn value_limit(&self) -> usize {
        self.config.max_bytes.unwrap_or(usize::MAX)
    }

    /// Encodes a value; `None` when it is over the budget (refused without being copied in).
    fn encode(&self, value: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
        match boundary::encode(value, self.value_limit())? {
            boundary::Encoded::Bytes(bytes) => Ok(Some(bytes)),
            boundary::Encoded::TooLarge(_) => Ok(None),
        }
    }
}

fn busy() -> Error {
    Error::invalid(
        "REENTRANT_CALL",
        "the cache was called from inside its own clock, which must not use it",
    )
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

    /// The name events carry: option `name`, else the registry alias, `location`, "default".
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.borrow().clone()
    }

    /// Internal (js/memory-events.js): also hands every removal to `observer(key, reason)`
    /// (undefined stops it), after `onEvict`.
    #[wasm_bindgen(js_name = __observeRemovals, skip_typescript)]
    pub fn observe_removals(&self, observer: Option<js_sys::Function>) -> Result<(), JsValue> {
        let hooks: Vec<js_sys::Function> = self.on_evict.iter().cloned().chain(observer).collect();
        let listener =
            (!hooks.is_empty()).then(|| events::listener(hooks, Rc::clone(&self.hook_errors)));
        self.with_core(|core| core.set_listener(listener))
    }

    /// Removes every entry tagged with one of `tags` (at once: a scan of the store); returns
    /// how many.
    #[wasm_bindgen(js_name = invalidateTags)]
    pub fn invalidate_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<u32, JsValue> {
        let tags = args::tags(&tags).js()?;
        self.with_core(|core| core.invalidate_tags(&tags) as u32)
    }

    /// For `getOrSet` with refresh options (js/refresh.js): `undefined`, or `{ value, state }`
    /// with state `fresh | early | revalidate | ifError` (see `serve_state`).
    #[wasm_bindgen(js_name = __readStale, skip_typescript)]
    pub fn read_stale(&self, key: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let (_, version) = args::write_options(&options).js()?;
        let policy = args::refresh_policy(&options).js()?;
        let made = self.made(&key, version)?;
        let read = self.with_core(|core| {
            let read = core.get_stale(&made)?;
            let now = core.now();
            let state = crate::serve_state(now, read.expires, read.delta, &policy, core.rng());
            Some((read.value, state))
        })?;
        match read {
            Some((value, state)) if state != crate::Serve::Miss => {
                Ok(args::served(values::decode(&value).js()?, state))
            }
            _ => Ok(JsValue::UNDEFINED),
        }
    }

    fn add_delta(
        &self,
        key: JsValue,
        delta: crate::codec::Numeric,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.made(&key, version)?;
        let sum = self.with_core(|core| core.incr(&made, &delta))?.js()?;
        Ok(args::numeric_value(&sum))
    }

    fn shift_version(&self, key: JsValue, delta: i64, options: JsValue) -> Result<f64, JsValue> {
        let version = args::key_options(&options)
            .js()?
            .unwrap_or(self.config().version);
        let raw = args::key(&key).js()?;
        // Django gets the source key (which validates and warns for it) before it sets the
        // target: a missing key warns for the source only.
        let from = self.keys.make_raw(&self.config, &raw, Some(version))?;
        // A target JS cannot name is a bad argument, checked first (as the async Cache does).
        let target = crate::shifted_version(version, delta).js()?;
        if !self.with_core(|core| core.contains(&from))? {
            return Err(to_js(Error::KeyNotFound(raw)));
        }
        let to = self.keys.make_raw(&self.config, &raw, Some(target))?;
        if !self.with_core(|core| core.move_version(&from, &to))? {
            return Err(to_js(Error::KeyNotFound(raw)));
        }
        // Django's delete of the source key validates it once more.
        self.keys.make_raw(&self.config, &raw, Some(version))?;
        Ok(target as f64)
    }

    /// Every stored entry, most recently used first: `{ key, ttl, bytes, value }` with `ttl`
    /// in seconds (`null` = forever, <= 0 = expired but not yet removed). For inspection.
    #[wasm_bindgen(unchecked_return_type = "CacheEntry[]")]
    pub fn entries(&self) -> Result<Array, JsValue> {
        let out = Array::new();
        for e in self.with_core(|core| core.entries())? {
            let item = Object::new();
            let ttl = e.ttl.map_or(JsValue::NULL, JsValue::from_f64);
            let value = values::decode(&e.value).js()?;
            for (k, v) in [
                ("key", JsValue::from_str(&e.key)),
                ("ttl", ttl),
                ("bytes", JsValue::from_f64(e.bytes as f64)),
                ("value", value),
            ] {
                boundary::define_own(&item, k, &v);
            }
            out.push(&item);
        }
        Ok(out)
    }
}

sync_cache_api!(MemoryCache);

impl MemoryCache {
    /// `set` (`only_if_absent` false) or `add`: encodes, then writes under one short borrow.
    fn write(
        &self,
        key: &JsValue,
        value: &JsValue,
        timeout_or_options: &JsValue,
        only_if_absent: bool,
    ) -> Result<bool, JsValue> {
        let (timeout, version) = args::write_options(timeout_or_options).js()?;
        let meta = args::write_meta(timeout_or_options).js()?;
        let made = self.made(key, version)?;
        let Some(bytes) = self.encode(value)? else {
            return self.with_core(|core| core.refuse(&made, only_if_absent));
        };
        let (stored, failure) = self.with_core(|core| {
            let stored = if only_if_absent {
                core.add_with(&made, &bytes, timeout, &meta)
            } else {
                core.insert_with(&made, &bytes, timeout, &meta)
            };
            (stored, core.take_failure())
        })?;
        match failure {
            Some(error) => Err(to_js(error)),
            None => Ok(stored),
        }
    }
}
