//! `DummyCache`: Django's dummy backend. Stores nothing, but still makes and validates keys.

use super::api::{sync_cache_api, SyncCache};
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

    fn not_found(&self, key: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Err(to_js(Error::KeyNotFound(args::key(&key).js()?)))
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
}

sync_cache_api!(DummyCache);

impl SyncCache for DummyCache {
    fn get(
        &self,
        key: JsValue,
        default_value: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Ok(default_value)
    }

    fn set(
        &self,
        key: JsValue,
        _value: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<(), JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.check(&key, version)?;
        Ok(())
    }

    fn add(
        &self,
        key: JsValue,
        value: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue> {
        self.set(key, value, timeout_or_options)?;
        Ok(true)
    }

    fn get_or_set(
        &self,
        key: JsValue,
        default_or_factory: JsValue,
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

    fn get_many(&self, keys: JsValue, options: JsValue) -> Result<Map, JsValue> {
        let version = args::key_options(&options).js()?;
        self.check_all(&iterables::items(&keys, "keys")?, version)?;
        Ok(Map::new())
    }

    fn set_many(&self, entries: JsValue, timeout_or_options: JsValue) -> Result<Array, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        let keys: Vec<JsValue> = iterables::pairs(&entries)?
            .into_iter()
            .map(|p| p.0)
            .collect();
        self.check_all(&keys, version)?;
        Ok(Array::new())
    }

    fn delete(&self, key: JsValue, options: JsValue) -> Result<bool, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Ok(false)
    }

    fn delete_many(&self, keys: JsValue, options: JsValue) -> Result<(), JsValue> {
        let version = args::key_options(&options).js()?;
        self.check_all(&iterables::items(&keys, "keys")?, version)
    }

    fn has(&self, key: JsValue, options: JsValue) -> Result<bool, JsValue> {
        self.check(&key, args::key_options(&options).js()?)?;
        Ok(false)
    }

    fn touch(&self, key: JsValue, timeout_or_options: JsValue) -> Result<bool, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.check(&key, version)?;
        Ok(false)
    }

    fn incr(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        args::delta(&delta).js()?;
        self.not_found(key, options)
    }

    fn decr(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        self.incr(key, delta, options)
    }

    fn incr_version(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<f64, JsValue> {
        args::version_delta(&delta).js()?;
        self.not_found(key, options).map(|_| 0.0)
    }

    fn decr_version(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<f64, JsValue> {
        self.incr_version(key, delta, options)
    }

    fn clear(&self) -> Result<(), JsValue> {
        Ok(())
    }

    fn make_key(&self, key: JsValue, version: JsValue) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        // Django's make_key neither validates nor warns.
        self.keys.make_unchecked(&self.config, &raw, version)
    }

    fn stats(&self) -> Result<JsValue, JsValue> {
        Ok(stats_object(&Stats {
            counters: Default::default(),
            entries: 0,
            bytes: 0,
            max_bytes: self.config.max_bytes,
            window: None,
        }))
    }

    fn size(&self) -> Result<u32, JsValue> {
        Ok(0)
    }
}
