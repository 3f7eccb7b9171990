//! The hot path for string keys and string values: JS writes the bytes into a scratch buffer
//! in linear memory (js/fast.js), so these calls carry only numbers. Each JsValue inspection
//! (`as_string`, `is_undefined`, ...) is an import call and passing a string needs a malloc;
//! this path avoids both. Semantics are those of the general methods, which remain the
//! fallback for every other argument shape.

use super::memory_cache::MemoryCache;
use crate::codec::{self, BinaryKind, Value};
use crate::{Error, Timeout};
use std::cell::{Cell, RefCell, UnsafeCell};
use wasm_bindgen::prelude::*;

struct Scratch(UnsafeCell<Vec<u8>>);

// SAFETY: wasm32 without atomics is single-threaded.
unsafe impl Sync for Scratch {}

static SCRATCH: Scratch = Scratch(UnsafeCell::new(Vec::new()));
// Where js/encode.js writes structured values: set_encoded stores them from here, with no
// copy made in JS. Separate from SCRATCH, which a getter's own cache calls reuse mid-encode.
static ENCODED: Scratch = Scratch(UnsafeCell::new(Vec::new()));

/// Grows `buffer` to at least `capacity` bytes (a power of two, contents kept); its address,
/// or null when wasm memory cannot grow that far (then the buffer is as it was: JS throws
/// OUT_OF_MEMORY or encodes in its own memory, where an allocation failure here would trap).
fn grown(buffer: &Scratch, capacity: usize) -> *mut u8 {
    // SAFETY: single-threaded; JS re-reads the address after every call, and no Rust frame
    // holds a reference into either buffer across a call into JS.
    let buffer = unsafe { &mut *buffer.0.get() };
    if buffer.len() < capacity {
        let Some(size) = capacity.checked_next_power_of_two() else {
            return std::ptr::null_mut();
        };
        // A large growth (a value's) may be refused near the end of memory; a key's may not.
        let more = size - buffer.len();
        let reserved = if size > 4096 {
            crate::headroom::refusable(|| buffer.try_reserve_exact(more))
        } else {
            buffer.try_reserve_exact(more)
        };
        if reserved.is_err() {
            return std::ptr::null_mut();
        }
        buffer.resize(size, 0);
    }
    buffer.as_mut_ptr()
}

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

pub(super) fn scratch_str(start: usize, len: usize) -> Result<&'static str, JsValue> {
    let bytes = &scratch_bytes(start + len)?[start..];
    // Most keys are short ASCII, which this loop checks in fewer steps than `from_utf8`.
    if bytes.len() <= 64 && bytes.iter().all(u8::is_ascii) {
        // SAFETY: ASCII bytes are valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes)
        .map_err(|_| super::errors::to_js(Error::invalid("INVALID_KEY", "key is not valid UTF-8")))
}

/// Makes room for `capacity` bytes and returns the scratch buffer's address (null: out of memory).
#[wasm_bindgen(js_name = __scratch)]
pub fn scratch(capacity: usize) -> *mut u8 {
    grown(&SCRATCH, capacity)
}

/// Makes room for `capacity` bytes in the encoder's region (keeping what it holds) and returns
/// its address (null: out of memory).
#[wasm_bindgen(js_name = __encodedRegion)]
pub fn encoded_region(capacity: usize) -> *mut u8 {
    grown(&ENCODED, capacity)
}

fn timeout(kind: u32, seconds: f64) -> Timeout {
    match kind {
        0 => Timeout::Default,
        1 => Timeout::Never,
        _ => Timeout::Seconds(seconds),
    }
}

// What the fast calls return besides a length (a hit's payload) or a boolean.
pub(super) const MISS: i32 = -1;
pub(super) const THROW: i32 = -3;

// Where a hit's payload is: `[address, form]`, read by JS from linear memory.
struct Out(UnsafeCell<[u32; 2]>);

// SAFETY: wasm32 without atomics is single-threaded.
unsafe impl Sync for Out {}

static OUT: Out = Out(UnsafeCell::new([0; 2]));

/// A payload JS decodes itself: an ASCII string, any UTF-8 string, Uint8Array bytes, or a
/// whole encoded value (structured, or binary of another kind) for js/decode.js.
const FORM_ASCII: u32 = 0;
const FORM_UTF8: u32 = 1;
const FORM_BYTES: u32 = 2;
const FORM_VALUE: u32 = 3;

thread_local! {
    // An error for JS to fetch with `__take` after a call returned THROW.
    static TAKEN: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// The address of the `[address, form]` pair a hit fills in.
#[wasm_bindgen(js_name = __fastOut)]
pub fn fast_out() -> *const u32 {
    OUT.0.get() as *const u32
}

/// The value or error a fast call left behind (then forgotten).
#[wasm_bindgen(js_name = __take, skip_typescript)]
pub fn take() -> JsValue {
    TAKEN.with(|t| t.replace(JsValue::UNDEFINED))
}

pub(super) fn leave(value: JsValue, code: i32) -> i32 {
    TAKEN.with(|t| *t.borrow_mut() = value);
    code
}

/// Where a hit's payload lies: address, length and form.
pub(super) type Found = (*const u8, usize, u32);

pub(super) fn locate(bytes: &[u8]) -> Found {
    let at = |payload: &[u8], form| (payload.as_ptr(), payload.len(), form);
    // The insert checked the bytes (`set_fast` decodes what it stores), and JS decodes them
    // as Latin-1 without making a `&str`: no scan on the hit path.
    if let Some((&codec::TAG_ASCII, payload)) = bytes.split_first() {
        if payload.len() <= i32::MAX as usize {
            return at(payload, FORM_ASCII);
        }
    }
    match codec::decode(bytes) {
        Ok(Value::String(s)) if s.len() <= i32::MAX as usize => at(
            s.as_bytes(),
            if s.is_ascii() { FORM_ASCII } else { FORM_UTF8 },
        ),
        Ok(Value::Binary(BinaryKind::Uint8Array, b)) if b.len() <= i32::MAX as usize => {
            at(b, FORM_BYTES)
        }
        // Validated when stored (`set_fast` and the general path check every value).
        _ => at(bytes, FORM_VALUE),
    }
}

/// `get(key)` for a key of `key_len` bytes in the scratch buffer: the payload length of a
/// hit JS decodes (its address and form in [`fast_out`]), `-1` on a miss, `-3` for an error
/// to fetch and throw.
#[wasm_bindgen(js_name = __getFast)]
pub fn get_fast(cache: &MemoryCache, key_len: usize) -> i32 {
    let found = scratch_str(0, key_len)
        .and_then(|raw| cache.with_key(raw, None, |core, made| core.get_with(made, locate)));
    match found {
        Ok(None) => MISS,
        Ok(Some(found)) => point(found),
        Err(error) => leave(error, THROW),
    }
}

/// Leaves a hit's address and form for JS (the pair at [`fast_out`]); returns its length.
pub(super) fn point((address, len, form): Found) -> i32 {
    // SAFETY: single-threaded; JS reads the pair before the next call.
    unsafe { *OUT.0.get() = [address as u32, form] };
    len as i32
}

/// `has(key)` for a key in the scratch buffer: 1 or 0, `-3` for an error to fetch and throw.
#[wasm_bindgen(js_name = __hasFast)]
pub fn has_fast(cache: &MemoryCache, key_len: usize) -> i32 {
    let found = scratch_str(0, key_len)
        .and_then(|raw| cache.with_key(raw, None, |core, made| core.contains(made)));
    match found {
        Ok(found) => i32::from(found),
        Err(error) => leave(error, THROW),
    }
}

/// Set on `timeout_kind` when the value is not after the key but at the start of the
/// encoder's region ([`encoded_region`]), where js/encode.js wrote a structured value.
const IN_REGION: u32 = 4;

/// `set(key, value, timeout)` for a key and an encoded value in the scratch buffer (the value
/// right after the key, already in the codec's string, ASCII string or Uint8Array form: JS
/// writes the tag bytes), or in the encoder's region (`IN_REGION`); `timeout_kind` 0 = default,
/// 1 = never, 2 = `seconds`. Returns 0, or `-3` for an error to fetch and throw.
#[wasm_bindgen(js_name = __setFast)]
pub fn set_fast(
    cache: &MemoryCache,
    key_len: usize,
    value_len: usize,
    timeout_kind: u32,
    seconds: f64,
) -> i32 {
    let value = if timeout_kind & IN_REGION == 0 {
        scratch_bytes(key_len + value_len).map(|bytes| &bytes[key_len..])
    } else {
        // SAFETY: single-threaded; copied out by set_held before any call that could reach JS.
        let region = unsafe { &*ENCODED.0.get() };
        region.get(..value_len).ok_or_else(|| {
            super::errors::to_js(Error::invalid(
                "INVALID_ARGUMENT",
                "encoded length out of range",
            ))
        })
    };
    let timeout = timeout(timeout_kind & !IN_REGION, seconds);
    set_held(cache, key_len, value, timeout)
}

/// Stores `value` under the scratch buffer's key of `key_len` bytes; 0, or `-3` (to fetch).
fn set_held(
    cache: &MemoryCache,
    key_len: usize,
    value: Result<&[u8], JsValue>,
    timeout: Timeout,
) -> i32 {
    let done = value.and_then(|value| {
        // Copied before the key is made: a key function, warning, clock or eviction callback
        // may call back into the cache and reuse the scratch buffer (or the encoder's region).
        // Into a buffer kept for it (no allocation per set); taken out while in use, so a set
        // made by a callback finds it empty and grows its own.
        let mut encoded = HELD.take();
        encoded.clear();
        if crate::headroom::refusable(|| encoded.try_reserve(value.len())).is_err() {
            HELD.set(encoded);
            return Err(super::errors::to_js(Error::OutOfMemory(value.len())));
        }
        encoded.extend_from_slice(value);
        let result =
            scratch_str(0, key_len).and_then(|raw| store_encoded(cache, raw, &encoded, timeout));
        HELD.set(encoded);
        result
    });
    match done {
        Ok(()) => 0,
        Err(error) => leave(error, THROW),
    }
}

thread_local! {
    // The buffer set_fast copies a value into.
    static HELD: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Checks the bytes JS encoded (js/encode.js) whole and stores them under `raw`'s made key.
/// (JS sends only short values this way: a long one goes to the general path, which refuses
/// over-budget values before copying them in.)
fn store_encoded(
    cache: &MemoryCache,
    raw: &str,
    encoded: &[u8],
    timeout: Timeout,
) -> Result<(), JsValue> {
    let checked = match encoded.split_first() {
        Some((&codec::TAG_ASCII, text)) => text.is_ascii(),
        _ => codec::validate(encoded).is_ok(),
    };
    if !checked {
        return Err(super::errors::to_js(Error::invalid(
            "INVALID_ARGUMENT",
            "scratch value is not a valid encoded value",
        )));
    }
    let failure = cache.with_key(raw, None, |core, made| {
        core.insert(made, encoded, timeout);
        core.take_failure()
    })?;
    failure.map_or(Ok(()), |error| Err(super::errors::to_js(error)))
}
