//! The collection arguments of getMany/setMany/deleteMany, read in JS (js/boundary.js):
//! what an iterator or getter throws comes back as an `Err` (engine errors coded, a
//! caller's own unchanged), never unwinding through wasm frames.

use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/boundary.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = itemsOf)]
    fn items_of(value: &JsValue, name: &str) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_name = pairsOf)]
    fn pairs_of(value: &JsValue) -> Result<Array, JsValue>;
}

/// The items of any iterable (arrays, Sets, generators).
pub fn items(v: &JsValue, name: &str) -> Result<Vec<JsValue>, JsValue> {
    Ok(items_of(v, name)?.iter().collect())
}

/// The pairs of a Map, an iterable of `[key, value]` pairs, or a plain object's own entries.
pub fn pairs(v: &JsValue) -> Result<Vec<(JsValue, JsValue)>, JsValue> {
    // Each pair is a real array (checked in JS): element reads run no caller code.
    Ok(pairs_of(v)?
        .iter()
        .map(|pair| {
            let pair: Array = pair.unchecked_into();
            (pair.get(0), pair.get(1))
        })
        .collect())
}
