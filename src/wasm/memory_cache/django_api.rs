//! Django's low-level cache API on MemoryCache (the methods `sync_cache_api!` exports):
//! arguments converted at the boundary, every rule applied by the core LocMemCache.

use super::{stats_object, MemoryCache};
use crate::wasm::api::SyncCache;
use crate::wasm::args;
use crate::wasm::boundary;
use crate::wasm::errors::{to_js, IntoJs};
use crate::wasm::iterables;
use js_sys::{Array, Function, Map};
use wasm_bindgen::prelude::*;

impl SyncCache for MemoryCache {
    fn get(
        &self,
        key: JsValue,
        default_value: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.made(&key, version)?;
        Ok(self.read(&made)?.unwrap_or(default_value))
    }

    fn set(
        &self,
        key: JsValue,
        value: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<(), JsValue> {
        self.write(&key, &value, &timeout_or_options, false)?;
        Ok(())
    }

    fn add(
        &self,
        key: JsValue,
        value: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue> {
        self.write(&key, &value, &timeout_or_options, true)
    }

    fn get_or_set(
        &self,
        key: JsValue,
        default_or_factory: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue> {
        args::required_default(&default_or_factory).js()?;
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        let made = self.made(&key, version)?;
        if let Some(hit) = self.read(&made)? {
            return Ok(hit);
        }
        let value = match default_or_factory.dyn_ref::<Function>() {
            Some(factory) => {
                let value = factory.call0(&JsValue::NULL)?;
                if value.has_type::<js_sys::Promise>() {
                    // Nothing else will await it: its rejection must not go unhandled.
                    boundary::quiet(&value, "getOrSet factory", None);
                    return Err(to_js(crate::Error::Unserializable(
                        "getOrSet's factory returned a Promise: a MemoryCache stores values as they are \
                         made; give an async factory refresh options (e.g. { timeout, \
                         staleWhileRevalidate }) to get a Promise back, or use the async Cache"
                            .into(),
                    )));
                }
                value
            }
            None => default_or_factory,
        };
        // Django's add and second get validate the key again (warnings included).
        let made = self.made(&key, version)?;
        match self.encode(&value)? {
            Some(bytes) => {
                let failure = self.with_core(|core| {
                    core.add_with(&made, &bytes, timeout, &meta);
                    core.take_failure()
                })?;
                if let Some(error) = failure {
                    return Err(to_js(error));
                }
            }
            None => {
                self.with_core(|core| core.refuse(&made, true))?;
            }
        }
        let made = self.made(&key, version)?;
        Ok(self.read(&made)?.unwrap_or(value))
    }

    fn get_many(&self, keys: JsValue, options: JsValue) -> Result<Map, JsValue> {
        let version = args::key_options(&options).js()?;
        let keys = iterables::items(&keys, "keys")?;
        let mut made = Vec::with_capacity(keys.len());
        for key in &keys {
            made.push(self.made(key, version)?);
        }
        let found = Map::new();
        for (key, made) in keys.iter().zip(&made) {
            if let Some(value) = self.read(made)? {
                found.set(key, &value);
            }
        }
        Ok(found)
    }

    fn set_many(&self, entries: JsValue, timeout_or_options: JsValue) -> Result<Array, JsValue> {
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        // Make every key and encode every value first: a bad one changes nothing.
        let mut prepared = Vec::new();
        for (key, value) in iterables::pairs(&entries)? {
            let made = self.made(&key, version)?;
            prepared.push((key, made, self.encode(&value)?));
        }
        let failed = Array::new();
        for (key, made, bytes) in prepared {
            let stored = self.with_core(|core| match &bytes {
                Some(bytes) => core.insert_with(&made, bytes, timeout, &meta),
                None => core.refuse(&made, false),
            })?;
            if !stored {
                failed.push(&key);
            }
        }
        Ok(failed)
    }

    fn delete(&self, key: JsValue, options: JsValue) -> Result<bool, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.made(&key, version)?;
        self.with_core(|core| core.remove(&made))
    }

    fn delete_many(&self, keys: JsValue, options: JsValue) -> Result<(), JsValue> {
        let version = args::key_options(&options).js()?;
        let mut made = Vec::new();
        for key in iterables::items(&keys, "keys")? {
            made.push(self.made(&key, version)?);
        }
        self.with_core(|core| {
            for key in made {
                core.remove(&key);
            }
        })
    }

    fn has(&self, key: JsValue, options: JsValue) -> Result<bool, JsValue> {
        let version = args::key_options(&options).js()?;
        let made = self.made(&key, version)?;
        self.with_core(|core| core.contains(&made))
    }

    fn touch(&self, key: JsValue, timeout_or_options: JsValue) -> Result<bool, JsValue> {
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let made = self.made(&key, version)?;
        self.with_core(|core| core.touch(&made, timeout))
    }

    fn incr(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let delta = args::delta(&delta).js()?;
        self.add_delta(key, delta, options)
    }

    fn decr(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let delta = args::delta(&delta).js()?.negated();
        self.add_delta(key, delta, options)
    }

    fn incr_version(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<f64, JsValue> {
        let delta = args::version_delta(&delta).js()?;
        self.shift_version(key, delta, options)
    }

    fn decr_version(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<f64, JsValue> {
        let delta = args::version_delta(&delta).js()?;
        self.shift_version(key, -delta, options)
    }

    fn clear(&self) -> Result<(), JsValue> {
        self.with_core(|core| core.clear())
    }

    fn make_key(&self, key: JsValue, version: JsValue) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        self.keys.make_unchecked(&self.config, &raw, version)
    }

    fn stats(&self) -> Result<JsValue, JsValue> {
        let stats = self.with_core(|core| core.stats())?;
        let object = stats_object(&stats);
        let errors = JsValue::from_f64(self.hook_errors.get() as f64);
        super::boundary::define_own(&object, "hookErrors", &errors);
        Ok(object)
    }

    fn size(&self) -> Result<u32, JsValue> {
        self.with_core(|core| core.live_len() as u32)
    }
}
