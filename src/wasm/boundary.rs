//! The imports that read a caller's values (js/encode.js, js/boundary.js). Each is declared
//! `catch`, so what a caller's getter, Proxy trap or detached buffer throws comes back as an
//! `Err` and unwinds nothing: no borrow or half-done state can be left behind by it.

use crate::Error;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/encode.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = encodeInto)]
    fn encode_into(value: &JsValue, limit: f64, dest: &mut [u8]) -> Result<f64, JsValue>;
    #[wasm_bindgen(js_name = takeEncoded)]
    fn take_encoded(dest: &mut [u8]);
    /// Gives `object` the own data property `name` as an object literal would: never through
    /// a setter a host put on Object.prototype. Cannot throw on a fresh, extensible object.
    #[wasm_bindgen(js_name = defineOwn)]
    pub fn define_own(object: &JsValue, name: &str, value: &JsValue) -> JsValue;
}

/// Bytes offered to JS to encode a value into: most values fit, and the rest take a second call.
const INLINE: usize = 512;

#[wasm_bindgen(module = "/js/boundary.js")]
extern "C" {
    /// `Array.isArray` that is false (not a throw) for a revoked Proxy.
    #[wasm_bindgen(js_name = isArraySafe)]
    pub fn is_array(value: &JsValue) -> bool;
    #[wasm_bindgen(catch, js_name = toText)]
    fn to_text(value: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = isWellFormed)]
    fn is_well_formed(value: &JsValue) -> Result<bool, JsValue>;
    /// Gives a promise a callback returned `on_rejected` (default: console.error). Catches
    /// everything itself, whatever the callback returned.
    #[wasm_bindgen(js_name = quiet)]
    fn quiet_js(result: &JsValue, name: &str, on_rejected: Option<&js_sys::Function>);
    /// `{ made, key, record, chunks, expired, ttl }` made in one call (`made` undefined unless
    /// echoed; `key` undefined when it is `made`, which then crosses once; `chunks` null for
    /// none; `ttl` NaN for none); JS copies `record` out of wasm memory.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = sealedRecord)]
    pub fn sealed_record(
        made: Option<&str>,
        key: Option<&str>,
        record: &[u8],
        chunks: JsValue,
        expired: bool,
        ttl: f64,
    ) -> JsValue;
    /// `{ value }` made in one call.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = hitOf)]
    pub fn hit_of(value: &JsValue) -> JsValue;
}

/// What encoding a value gave: its bytes, or the length it would have had over `limit`.
pub enum Encoded {
    /// The codec bytes.
    Bytes(Vec<u8>),
    /// Longer than the limit: refused before being copied into wasm memory. (Only the async
    /// tier reports the length.)
    TooLarge(#[cfg_attr(not(feature = "full"), allow(dead_code))] usize),
}

/// Encodes `value` in JS and copies the bytes in, refusing (without copying) what would be
/// longer than `limit` bytes. The bytes are validated: nothing malformed enters the store.
pub fn encode(value: &JsValue, limit: usize) -> Result<Encoded, JsValue> {
    let mut bytes = reserve(INLINE)?;
    bytes.resize(INLINE, 0);
    // No borrow is held across the call: a getter may use the cache.
    let n = encode_into(value, limit as f64, &mut bytes)?;
    if n > limit as f64 {
        return Ok(Encoded::TooLarge(n as usize));
    }
    if n >= 0.0 {
        bytes.truncate(n as usize);
    } else {
        let len = -n as usize;
        bytes = reserve(len)?;
        bytes.resize(len, 0);
        take_encoded(&mut bytes);
    }
    crate::codec::validate(&bytes).map_err(super::errors::to_js)?;
    Ok(Encoded::Bytes(bytes))
}

/// An empty Vec with room for `len` bytes, or `OUT_OF_MEMORY`.
pub fn reserve(len: usize) -> Result<Vec<u8>, JsValue> {
    let mut bytes = Vec::new();
    crate::headroom::refusable(|| bytes.try_reserve_exact(len))
        .map_err(|_| super::errors::to_js(Error::OutOfMemory(len)))?;
    Ok(bytes)
}

/// True when a JS string converts to UTF-8 losslessly (no lone surrogate).
fn well_formed(value: &JsValue) -> bool {
    is_well_formed(value).unwrap_or(false)
}

/// Makes what a user callback (`name`) returned safe to drop: a promise it returned gets a
/// rejection handler (`on_rejected`, else console.error), so an async callback that rejects is
/// never an unhandled rejection, which ends a Node process. Other values do not cross.
pub fn quiet(result: &JsValue, name: &str, on_rejected: Option<&js_sys::Function>) {
    if result.is_object() || result.is_function() {
        quiet_js(result, name, on_rejected);
    }
}

/// The string `value` holds (`None` for another type), and whether it converted losslessly:
/// a lone surrogate becomes U+FFFD, so only a string with U+FFFD is asked about in JS (a call
/// into JS per key cost 3 % of a Cache.set).
pub fn string_of(value: &JsValue) -> Option<(String, bool)> {
    let s = value.as_string()?;
    let lossless = !s.contains('\u{FFFD}') || well_formed(value);
    Some((s, lossless))
}

/// `String(value)`, or the error its `toString` threw.
pub fn text(value: &JsValue) -> Result<String, JsValue> {
    to_text(value)
}
