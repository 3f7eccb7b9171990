//! Stored values back into JS values (`crate::codec`'s encoding). Decoding happens in JS
//! (js/decode.js, over a view of wasm memory: no per-field crossing), as encoding does
//! (js/encode.js, through `super::boundary`).

use crate::codec::{self, BinaryKind, Value};
use crate::Error;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/decode.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = decodeBytes)]
    fn decode_bytes(bytes: &[u8]) -> Result<JsValue, JsValue>;
}

/// What a read produces while the store is borrowed: strings and Uint8Arrays are built at
/// once (no user code can run); other values are copied out and decoded after the borrow.
pub enum Read {
    /// A finished value.
    Ready(JsValue),
    /// Encoded bytes to decode with [`decode`].
    Copied(Vec<u8>),
}

/// The fast half of decoding, safe to call while the store is borrowed.
pub fn read(bytes: &[u8]) -> Read {
    match codec::decode(bytes) {
        Ok(Value::String(s)) => Read::Ready(JsValue::from_str(s)),
        Ok(Value::Binary(BinaryKind::Uint8Array, b)) => Read::Ready(Uint8Array::from(b).into()),
        _ => Read::Copied(bytes.to_vec()),
    }
}

/// Finishes a [`Read`].
pub fn finish(read: Read) -> Result<JsValue, Error> {
    match read {
        Read::Ready(v) => Ok(v),
        Read::Copied(bytes) => decode(&bytes),
    }
}

/// Decodes a stored value into a new JS value (`CORRUPT_VALUE` for bytes that are not one).
pub fn decode(bytes: &[u8]) -> Result<JsValue, Error> {
    // The JS decoder checks every bound itself and refuses exactly what `codec::validate`
    // refuses (tests/js/codec-agreement.test.mjs), so the bytes are not walked twice.
    decode_bytes(bytes).map_err(|e| {
        let message = e
            .dyn_ref::<js_sys::Error>()
            .map_or_else(|| "undecodable".into(), |e| String::from(e.message()));
        Error::Corrupt(message.trim_start_matches("corrupt value: ").to_string())
    })
}

/// The canonical bytes of an encoded value, re-encoded by the Rust codec (for the test that
/// the JS and Rust codecs agree byte for byte).
#[wasm_bindgen(js_name = __reencode, skip_typescript)]
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    codec::reencode(bytes).map_err(super::errors::to_js)
}
