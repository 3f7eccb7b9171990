//! Hashes the JS side needs: file names of the file-system store, Redis Cluster slots.

use wasm_bindgen::prelude::*;

/// The lowercase hex md5 of the UTF-8 bytes of `text`.
#[wasm_bindgen(js_name = md5Hex)]
pub fn md5_hex(text: &str) -> String {
    crate::md5_hex(text.as_bytes())
}

/// The Redis Cluster hash slot of each key (of its UTF-8 bytes, as clients send a string).
#[wasm_bindgen(js_name = __redisSlots, skip_typescript)]
pub fn redis_slots(keys: Vec<String>) -> Vec<u16> {
    keys.iter()
        .map(|k| crate::redis_slot(k.as_bytes()))
        .collect()
}
