//! Hashes the JS side needs (file names of the file-system store).

use wasm_bindgen::prelude::*;

/// The lowercase hex md5 of the UTF-8 bytes of `text`.
#[wasm_bindgen(js_name = md5Hex)]
pub fn md5_hex(text: &str) -> String {
    crate::md5_hex(text.as_bytes())
}
