//! Django's CACHES: `configureCaches({ alias: { backend, ...options } })` and `getCache(alias)`.

use super::args::{is_plain_object, prop, type_name};
use super::dummy_cache::DummyCache;
use super::errors::{to_js, IntoJs};
use super::memory_cache::MemoryCache;
use super::options;
use crate::Error;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[derive(Clone, Copy)]
enum Backend {
    Memory,
    Dummy,
    /// The async Cache over `settings.store`, built by the JS factory.
    Kv,
}

thread_local! {
    /// `None` until configured: then only `default`, a MemoryCache, exists.
    static CONFIG: RefCell<Option<HashMap<String, (Backend, JsValue)>>> = const { RefCell::new(None) };
    static INSTANCES: RefCell<HashMap<String, JsValue>> = RefCell::new(HashMap::new());
    /// `(settings) => new Cache(settings)`, set by js/api.js (Cache is written in JS).
    static KV_FACTORY: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Registers the constructor of `backend: "kv"` caches (called once by the package entry).
#[wasm_bindgen(js_name = __setKvFactory)]
pub fn set_kv_factory(factory: js_sys::Function) {
    KV_FACTORY.with(|f| *f.borrow_mut() = Some(factory));
}

fn backend(options: &JsValue) -> Result<Backend, Error> {
    let name = prop(options, "backend")?;
    match name.as_string().as_deref() {
        None if name.is_undefined() => Ok(Backend::Memory),
        Some("memory") => Ok(Backend::Memory),
        Some("dummy") => Ok(Backend::Dummy),
        // Only the full entry registers the async Cache: fail at configuration, not first use.
        Some("kv") if KV_FACTORY.with(|f| f.borrow().is_none()) => Err(Error::invalid(
            "UNKNOWN_BACKEND",
            "backend \"kv\" needs the async Cache: import from \"edgecache\", not \"edgecache/memory\"",
        )),
        Some("kv") => Ok(Backend::Kv),
        Some(other) => Err(Error::invalid(
            "UNKNOWN_BACKEND",
            format!("Could not find backend '{other}': use \"memory\", \"dummy\" or \"kv\""),
        )),
        None => Err(Error::invalid(
            "UNKNOWN_BACKEND",
            format!("backend must be a string, got {}", type_name(&name)),
        )),
    }
}

/// Replaces the cache configuration; existing instances are forgotten.
#[wasm_bindgen(js_name = configureCaches)]
pub fn configure_caches(
    #[wasm_bindgen(unchecked_param_type = "CachesConfig")] caches: JsValue,
) -> Result<(), JsValue> {
    if !is_plain_object(&caches) {
        return Err(to_js(Error::invalid(
            "INVALID_ARGUMENT",
            format!(
                "caches must be an object of aliases, got {}",
                type_name(&caches)
            ),
        )));
    }
    let mut parsed = HashMap::new();
    for (alias, settings) in super::args::option_entries(&caches, "INVALID_ARGUMENT").js()? {
        if !settings.is_object() {
            return Err(to_js(Error::invalid(
                "INVALID_ARGUMENT",
                format!(
                    "cache '{alias}' must be an options object, got {}",
                    type_name(&settings)
                ),
            )));
        }
        // A cache instance read as options named its internals ("unknown option '__wbg_ptr'").
        if let Some(class) = super::args::class_name(&settings) {
            return Err(to_js(Error::invalid(
                "INVALID_ARGUMENT",
                format!(
                    "cache '{alias}' must be an options object (as a Django CACHES entry), got a {class}: give its options here, or pass the instance itself where a cache is asked for (cachePage's `cache`, cacheFragment's `using`)"
                ),
            )));
        }
        let backend = backend(&settings).js()?;
        if matches!(backend, Backend::Kv) {
            if !prop(&settings, "store").js()?.is_object() {
                return Err(to_js(Error::invalid(
                    "INVALID_STORE",
                    format!("cache '{alias}' has backend \"kv\" but no 'store' adapter"),
                )));
            }
        } else {
            options::parse(&settings).js()?; // fail now, not at first use
        }
        parsed.insert(alias, (backend, settings));
    }
    if !parsed.contains_key("default") {
        return Err(to_js(Error::invalid(
            "MISSING_DEFAULT_CACHE",
            "You must define a 'default' cache in your CACHES setting.",
        )));
    }
    CONFIG.with(|c| *c.borrow_mut() = Some(parsed));
    INSTANCES.with(|i| i.borrow_mut().clear());
    Ok(())
}

/// The cache for `alias`, created on first use; the same instance every time.
#[cfg_attr(
    feature = "full",
    wasm_bindgen(js_name = getCache, unchecked_return_type = "MemoryCache | DummyCache | import(\"./cache.js\").Cache")
)]
#[cfg_attr(
    not(feature = "full"),
    wasm_bindgen(js_name = getCache, unchecked_return_type = "MemoryCache | DummyCache")
)]
pub fn get_cache(
    #[wasm_bindgen(unchecked_param_type = "string")] alias: JsValue,
) -> Result<JsValue, JsValue> {
    // Taken as a JsValue and checked: a `&str` parameter given another type reads garbage.
    let Some(alias) = alias.as_string() else {
        return Err(to_js(Error::invalid(
            "INVALID_ARGUMENT",
            "a cache alias is a string",
        )));
    };
    let alias = alias.as_str();
    if let Some(existing) = INSTANCES.with(|i| i.borrow().get(alias).cloned()) {
        return Ok(existing);
    }
    let settings = CONFIG.with(|c| match &*c.borrow() {
        Some(config) => config.get(alias).cloned(),
        None if alias == "default" => Some((Backend::Memory, JsValue::UNDEFINED)),
        None => None,
    });
    // No borrow is held from here on: option getters are user code.
    let (backend, settings) =
        settings.ok_or_else(|| to_js(Error::UnknownAlias(alias.to_string())))?;
    let instance: JsValue = match backend {
        Backend::Memory => {
            let cache = MemoryCache::new(settings.clone())?;
            cache.name_if_unset(alias, &settings);
            cache.into()
        }
        Backend::Dummy => DummyCache::new(settings)?.into(),
        Backend::Kv => {
            // `backend` refused "kv" at configuration while no factory was registered.
            let factory = KV_FACTORY.with(|f| f.borrow().clone()).ok_or_else(|| {
                to_js(Error::invalid(
                    "UNKNOWN_BACKEND",
                    "backend \"kv\" is unavailable",
                ))
            })?;
            factory.call2(&JsValue::NULL, &settings, &alias.into())?
        }
    };
    INSTANCES.with(|i| i.borrow_mut().insert(alias.to_string(), instance.clone()));
    Ok(instance)
}
