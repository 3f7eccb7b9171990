//! The synchronous cache API that MemoryCache and DummyCache both export, declared once:
//! [`sync_cache_api!`] writes the `#[wasm_bindgen]` methods (JS names, TypeScript types and
//! docs), each calling the type's [`SyncCache`] implementation of it.

use wasm_bindgen::prelude::*;

/// What a synchronous cache does for each method of Django's low-level API, over JS values
/// as they arrive (the declarations in [`sync_cache_api!`] give their JS types).
pub trait SyncCache {
    fn get(
        &self,
        key: JsValue,
        default_value: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue>;
    fn set(&self, key: JsValue, value: JsValue, timeout_or_options: JsValue)
        -> Result<(), JsValue>;
    fn add(
        &self,
        key: JsValue,
        value: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<bool, JsValue>;
    fn get_or_set(
        &self,
        key: JsValue,
        default_or_factory: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue>;
    fn get_many(&self, keys: JsValue, options: JsValue) -> Result<js_sys::Map, JsValue>;
    fn set_many(
        &self,
        entries: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<js_sys::Array, JsValue>;
    fn delete(&self, key: JsValue, options: JsValue) -> Result<bool, JsValue>;
    fn delete_many(&self, keys: JsValue, options: JsValue) -> Result<(), JsValue>;
    fn has(&self, key: JsValue, options: JsValue) -> Result<bool, JsValue>;
    fn touch(&self, key: JsValue, timeout_or_options: JsValue) -> Result<bool, JsValue>;
    fn incr(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<JsValue, JsValue>;
    fn decr(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<JsValue, JsValue>;
    fn incr_version(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<f64, JsValue>;
    fn decr_version(&self, key: JsValue, delta: JsValue, options: JsValue) -> Result<f64, JsValue>;
    fn clear(&self) -> Result<(), JsValue>;
    fn make_key(&self, key: JsValue, version: JsValue) -> Result<String, JsValue>;
    fn stats(&self) -> Result<JsValue, JsValue>;
    fn size(&self) -> Result<u32, JsValue>;
}

/// The exported methods of Django's low-level cache API for `$ty`, which implements
/// [`SyncCache`]. (A macro because `#[wasm_bindgen]` exports inherent methods only.)
macro_rules! sync_cache_api {
    ($ty:ident) => {
        #[wasm_bindgen]
        impl $ty {
            /// The value of `key`, or `defaultValue` (else `undefined`) when missing or
            /// expired. (DummyCache: always `defaultValue`.)
            #[wasm_bindgen(unchecked_return_type = "CacheValue | undefined")]
            pub fn get(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(js_name = "defaultValue", unchecked_optional_param_type = "CacheValue")] default_value: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                $crate::wasm::api::SyncCache::get(self, key, default_value, options)
            }

            /// Stores `value` under `key` (overwrites), with a timeout or
            /// `{ timeout, version }`. (DummyCache: stores nothing.)
            pub fn set(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_param_type = "CacheValue")] value: JsValue,
                #[wasm_bindgen(js_name = "timeout", unchecked_optional_param_type = "TimeoutOrOptions")]
                timeout_or_options: JsValue,
            ) -> Result<(), JsValue> {
                $crate::wasm::api::SyncCache::set(self, key, value, timeout_or_options)
            }

            /// Stores `value` only if `key` is missing or expired; true if it stored.
            /// (DummyCache: always true.)
            pub fn add(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_param_type = "CacheValue")] value: JsValue,
                #[wasm_bindgen(js_name = "timeout", unchecked_optional_param_type = "TimeoutOrOptions")]
                timeout_or_options: JsValue,
            ) -> Result<bool, JsValue> {
                $crate::wasm::api::SyncCache::add(self, key, value, timeout_or_options)
            }

            /// The value of `key`; on a miss, stores `defaultOrFactory` (called if a function)
            /// with `add` and returns what is then cached, or the default if nothing could be
            /// stored. The factory may use this cache. (DummyCache: the default, every time.)
            #[wasm_bindgen(js_name = getOrSet, unchecked_return_type = "CacheValue")]
            pub fn get_or_set(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(js_name = "defaultOrFactory", unchecked_param_type = "CacheValue | (() => CacheValue)")]
                default_or_factory: JsValue,
                #[wasm_bindgen(js_name = "timeout", unchecked_optional_param_type = "TimeoutOrOptions")]
                timeout_or_options: JsValue,
            ) -> Result<JsValue, JsValue> {
                $crate::wasm::api::SyncCache::get_or_set(self, key, default_or_factory, timeout_or_options)
            }

            /// The hits among `keys`, as a Map from the caller's key to the value, in request
            /// order. (DummyCache: an empty Map; the keys are still validated.)
            #[wasm_bindgen(js_name = getMany, unchecked_return_type = "Map<CacheKey, CacheValue>")]
            pub fn get_many(
                &self,
                #[wasm_bindgen(unchecked_param_type = "Iterable<CacheKey>")] keys: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<js_sys::Map, JsValue> {
                $crate::wasm::api::SyncCache::get_many(self, keys, options)
            }

            /// Stores every pair; returns the keys that could not be stored (over the byte
            /// budget). (DummyCache: stores nothing, returns `[]`.)
            #[wasm_bindgen(js_name = setMany, unchecked_return_type = "CacheKey[]")]
            pub fn set_many(
                &self,
                #[wasm_bindgen(
                    unchecked_param_type = "Map<CacheKey, CacheValue> | Record<string, CacheValue> | Iterable<readonly [CacheKey, CacheValue]>"
                )]
                entries: JsValue,
                #[wasm_bindgen(js_name = "timeout", unchecked_optional_param_type = "TimeoutOrOptions")]
                timeout_or_options: JsValue,
            ) -> Result<js_sys::Array, JsValue> {
                $crate::wasm::api::SyncCache::set_many(self, entries, timeout_or_options)
            }

            /// Removes `key`; true if something was stored (even if expired). (DummyCache:
            /// always false.)
            pub fn delete(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<bool, JsValue> {
                $crate::wasm::api::SyncCache::delete(self, key, options)
            }

            /// Removes every key in `keys`. (DummyCache: validates them, removes nothing.)
            #[wasm_bindgen(js_name = deleteMany)]
            pub fn delete_many(
                &self,
                #[wasm_bindgen(unchecked_param_type = "Iterable<CacheKey>")] keys: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<(), JsValue> {
                $crate::wasm::api::SyncCache::delete_many(self, keys, options)
            }

            /// True when `key` is live (does not change its recency). (DummyCache: false.)
            pub fn has(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<bool, JsValue> {
                $crate::wasm::api::SyncCache::has(self, key, options)
            }

            /// Gives a live `key` a new timeout counted from now; true if the key was live.
            /// (DummyCache: false.)
            pub fn touch(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(js_name = "timeout", unchecked_optional_param_type = "TimeoutOrOptions")]
                timeout_or_options: JsValue,
            ) -> Result<bool, JsValue> {
                $crate::wasm::api::SyncCache::touch(self, key, timeout_or_options)
            }

            /// Adds `delta` (default 1) to a number or bigint value, keeping its expiry;
            /// throws `KEY_NOT_FOUND` when missing (DummyCache: always).
            #[wasm_bindgen(unchecked_return_type = "number | bigint")]
            pub fn incr(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] delta: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                $crate::wasm::api::SyncCache::incr(self, key, delta, options)
            }

            /// Subtracts `delta` (default 1); `incr(key, -delta)`.
            #[wasm_bindgen(unchecked_return_type = "number | bigint")]
            pub fn decr(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] delta: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                $crate::wasm::api::SyncCache::decr(self, key, delta, options)
            }

            /// Moves `key` to version `version + delta` (default timeout); returns the new
            /// version; throws `KEY_NOT_FOUND` when missing (DummyCache: always).
            #[wasm_bindgen(js_name = incrVersion)]
            pub fn incr_version(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number")] delta: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<f64, JsValue> {
                $crate::wasm::api::SyncCache::incr_version(self, key, delta, options)
            }

            /// `incrVersion(key, -delta)`.
            #[wasm_bindgen(js_name = decrVersion)]
            pub fn decr_version(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number")] delta: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> Result<f64, JsValue> {
                $crate::wasm::api::SyncCache::decr_version(self, key, delta, options)
            }

            /// Empties the store (every key, whatever its prefix or version). (DummyCache:
            /// nothing to do.)
            pub fn clear(&self) -> Result<(), JsValue> {
                $crate::wasm::api::SyncCache::clear(self)
            }

            /// The key this cache stores `key` under (`prefix:version:key` or the
            /// keyFunction's). Like Django's `make_key`, it neither validates nor warns.
            #[wasm_bindgen(js_name = makeKey)]
            pub fn make_key(
                &self,
                #[wasm_bindgen(unchecked_param_type = "CacheKey")] key: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
            ) -> Result<String, JsValue> {
                $crate::wasm::api::SyncCache::make_key(self, key, version)
            }

            /// Counters and occupancy: hits, misses, sets, adds, deletes, evictions,
            /// expirations, rejected, entries, bytes, maxBytes, hitRatio. (DummyCache: zeros.)
            #[wasm_bindgen(unchecked_return_type = "CacheStats")]
            pub fn stats(&self) -> Result<JsValue, JsValue> {
                $crate::wasm::api::SyncCache::stats(self)
            }

            /// Live (unexpired) entries. (DummyCache: 0.)
            #[wasm_bindgen(getter)]
            pub fn size(&self) -> Result<u32, JsValue> {
                $crate::wasm::api::SyncCache::size(self)
            }
        }
    };
}

pub(crate) use sync_cache_api;
