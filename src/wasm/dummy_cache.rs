//! `DummyCache`: Django's dummy backend. Stores nothing, but still makes and validates keys.

use super::args;
use super::errors::{to_js, IntoJs};
use super::iterables;
use super::keys::KeyRules;
use super::memory_cache::stats_object;
use super::options;
use crate::{CacheConfig, Error, Stats};
use js_sys::{Array, Function, Map};
use wasm_bindgen::prelude::*;

/// A cache that caches nothing (Django's DummyCache), for development and tests.
#[wasm_bindgen]
pub struct DummyCache {
    config: CacheConfig,
    keys: KeyRules,
}

impl DummyCache {
    fn check(&self, key: &JsValue, version: Option<i64>) -> Result<String, JsValue> {
        self.keys.make(&self.config, key, version)
    }

    fn check_all(&self, keys: &[JsValue], version: Option<i64>) -> Result<(), JsValue> {
        for key in keys {
            self.check(key, version)?;
        }
        Ok(())
    }
}

#[wasm_bindgen]
impl DummyCache {
    /// Creates a dummy cache; takes the same options as MemoryCache.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "MemoryCacheOptions")] options: JsValue,
    ) -> Result<DummyCache, JsValue> {
        let o = options::parse(&options).js()?;
        Ok(DummyCache {
            config: o.config,
            keys: KeyRules::new(o.key_function, o.on_warning, o.strict_keys),
        })
    }

    /// Always `defaultValue`.
    #[wasm_bindgen(unchecked_return_type = "CacheValue | undefined")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CacheValue")] default_value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Ok(default_value)
    }

    /// Stores nothing.
    pub fn set(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CacheValue")] _value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<(), JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.check(&key, version)?;
        Ok(())
    }

    /// Always true (Django's dummy `add`).
    pub fn add(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CacheValue")] value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue> {
        self.set(key, value, timeout_or_options)?;
        Ok(true)
    }

    /// The default (a factory is called every time).
    #[wasm_bindgen(js_name = getOrSet, unchecked_return_type = "CacheValue")]
    pub fn get_or_set(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CacheValue | (() => CacheValue)")]
        default_or_factory: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue> {
        args::required_default(&default_or_factory).js()?;
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.check(&key, version)?;
        match default_or_factory.dyn_ref::<Function>() {
            Some(factory) => factory.call0(&JsValue::NULL),
            None => Ok(default_or_factory),
        }
    }

    /// An empty Map (keys are still validated).
    #[wasm_bindgen(js_name = getMany, unchecked_return_type = "Map<CacheKey, CacheValue>")]
    pub fn get_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Iterable<CacheKey>")] keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<Map, JsValue> {
        let version = args::key_options(&options).js()?;
        self.check_all(&iterables::items(&keys, "keys")?, version)?;
        Ok(Map::new())
    }

    /// Stores nothing; returns `[]`.
    #[wasm_bindgen(js_name = setMany, unchecked_return_type = "CacheKey[]")]
    pub fn set_many(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "Map<CacheKey, CacheValue> | Record<string, CacheValue> | Iterable<readonly [CacheKey, CacheValue]>"
        )]
        entries: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<Array, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        let keys: Vec<JsValue> = iterables::pairs(&entries)?
            .into_iter()
            .map(|p| p.0)
            .collect();
        self.check_all(&keys, version)?;
        Ok(Array::new())
    }

    /// Always false.
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<bool, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Ok(false)
    }

    /// Validates the keys; removes nothing.
    #[wasm_bindgen(js_name = deleteMany)]
    pub fn delete_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Iterable<CacheKey>")] keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        let version = args::key_options(&options).js()?;
        self.check_all(&iterables::items(&keys, "keys")?, version)
    }

    /// Always false.
    pub fn has(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<bool, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Ok(false)
    }

    /// Always false.
    pub fn touch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeoutOrOptions")]
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.check(&key, version)?;
        Ok(false)
    }

    /// Always throws `Key '<key>' not found` (code KEY_NOT_FOUND).
    #[wasm_bindgen(unchecked_return_type = "number | bigint")]
    pub fn incr(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        args::delta(&delta).js()?;
        self.not_found(key, options)
    }

    /// Always throws `Key '<key>' not found`.
    #[wasm_bindgen(unchecked_return_type = "number | bigint")]
    pub fn decr(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.incr(key, delta, options)
    }

    /// Always throws `Key '<key>' not found`.
    #[wasm_bindgen(js_name = incrVersion)]
    pub fn incr_version(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<f64, JsValue> {
        args::version_delta(&delta).js()?;
        self.not_found(key, options).map(|_| 0.0)
    }

    /// Always throws `Key '<key>' not found`.
    #[wasm_bindgen(js_name = decrVersion)]
    pub fn decr_version(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] delta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> Result<f64, JsValue> {
        self.incr_version(key, delta, options)
    }

    fn not_found(&self, key: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Err(to_js(Error::KeyNotFound(args::key(&key).js()?)))
    }

    /// Does nothing.
    pub fn clear(&self) {}

    /// The key this cache would use.
    #[wasm_bindgen(js_name = makeKey)]
    pub fn make_key(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        // Django's make_key neither validates nor warns.
        self.keys.make_unchecked(&self.config, &raw, version)
    }

    /// All zero.
    #[wasm_bindgen(unchecked_return_type = "CacheStats")]
    pub fn stats(&self) -> JsValue {
        stats_object(&Stats {
            counters: Default::default(),
            entries: 0,
            bytes: 0,
            max_bytes: self.config.max_bytes,
        })
    }

    /// Always 0.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        0
    }
}
