//! The random source of the wasm build (hash seeds, jitter, session keys): getrandom's custom
//! backend, filled by js/boundary.js. A loader may install a faster source than
//! `crypto.getRandomValues` there: loading Node's WebCrypto costs ~3 ms of start-up.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/boundary.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = fillRandom)]
    fn fill_random(bytes: &mut [u8]) -> Result<(), JsValue>;
}

/// Fills `bytes` from the JS source; a source that throws reports the OS source unavailable.
fn js_random(bytes: &mut [u8]) -> Result<(), getrandom::Error> {
    fill_random(bytes).map_err(|_| getrandom::Error::UNSUPPORTED)
}

getrandom::register_custom_getrandom!(js_random);
