//! The hot path for string keys and string values: JS writes the bytes into a scratch buffer
//! in linear memory (js/fast.js), so these calls carry only numbers. Each JsValue inspection
//! (`as_string`, `is_undefined`, ...) is an import call and passing a string needs a malloc;
//! this path avoids both. Semantics are those of the general methods, which remain the
//! fallback for every other argument shape.

use super::errors::IntoJs;
use super::memory_cache::MemoryCache;
use super::values;
use crate::codec::encode_string;
use crate::{Error, Timeout};
use std::cell::UnsafeCell;
use wasm_bindgen::prelude::*;

struct Scratch(UnsafeCell<Vec<u8>>);

// SAFETY: wasm32 without atomics is single-threaded.
unsafe impl Sync for Scratch {}

static SCRATCH: Scratch = Scratch(UnsafeCell::new(Vec::new()));

fn scratch_bytes(len: usize) -> Result<&'static [u8], JsValue> {
    // SAFETY: single-threaded; the buffer is only resized by `scratch`, never during a read.
    let buffer = unsafe { &*SCRATCH.0.get() };
    buffer.get(..len).ok_or_else(|| {
        super::errors::to_js(Error::invalid(
            "INVALID_ARGUMENT",
            "scratch length out of range",
        ))
    })
}

fn scratch_str(start: usize, len: usize) -> Result<&'static str, JsValue> {
    let bytes = scratch_bytes(start + len)?;
    std::str::from_utf8(&bytes[start..])
        .map_err(|_| super::errors::to_js(Error::invalid("INVALID_KEY", "key is not valid UTF-8")))
}

/// Makes room for `capacity` bytes and returns the scratch buffer's address.
#[wasm_bindgen(js_name = __scratch)]
pub fn scratch(capacity: usize) -> *mut u8 {
    // SAFETY: single-threaded; JS re-reads the address after every call.
    let buffer = unsafe { &mut *SCRATCH.0.get() };
    if buffer.len() < capacity {
        buffer.resize(capacity.next_power_of_two(), 0);
    }
    buffer.as_mut_ptr()
}

fn timeout(kind: u32, seconds: f64) -> Timeout {
    match kind {
        0 => Timeout::Default,
        1 => Timeout::Never,
        _ => Timeout::Seconds(seconds),
    }
}

/// `get(key)` for a key of `key_len` bytes in the scratch buffer; `undefined` on a miss.
#[wasm_bindgen(js_name = __getStr)]
pub fn get_str(cache: &mut MemoryCache, key_len: usize) -> Result<JsValue, JsValue> {
    let raw = scratch_str(0, key_len)?;
    let (core, made) = cache.parts(raw, None)?;
    match core.get_with(made, values::read) {
        Some(read) => values::finish(read).js(),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// `has(key)` for a key in the scratch buffer.
#[wasm_bindgen(js_name = __hasStr)]
pub fn has_str(cache: &mut MemoryCache, key_len: usize) -> Result<bool, JsValue> {
    let raw = scratch_str(0, key_len)?;
    let (core, made) = cache.parts(raw, None)?;
    Ok(core.contains(made))
}

/// `set(key, value, timeout)` for a key and a string value in the scratch buffer (value
/// bytes right after the key); `timeout_kind` 0 = default, 1 = never, 2 = `seconds`.
#[wasm_bindgen(js_name = __setStr)]
pub fn set_str(
    cache: &mut MemoryCache,
    key_len: usize,
    value_len: usize,
    timeout_kind: u32,
    seconds: f64,
) -> Result<(), JsValue> {
    let raw = scratch_str(0, key_len)?;
    let value = scratch_str(key_len, value_len)?;
    let encoded = encode_string(value);
    let (core, made) = cache.parts(raw, None)?;
    core.insert(made, &encoded, timeout(timeout_kind, seconds));
    Ok(())
}
