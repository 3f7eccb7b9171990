//! Core errors as JS errors: `TypeError` for bad arguments and values, `Error` otherwise,
//! each with a stable `code` property.

use crate::Error;
use wasm_bindgen::{JsCast, JsValue};

/// The JS error for a core error.
pub fn to_js(error: Error) -> JsValue {
    let message = error.to_string();
    let js: js_sys::Error = if error.is_type_error() {
        js_sys::TypeError::new(&message).unchecked_into()
    } else {
        js_sys::Error::new(&message)
    };
    if matches!(error, Error::InvalidCacheKey(_)) {
        js.set_name("InvalidCacheKey");
    }
    super::boundary::define_own(&js, "code", &error.code().into())
}

/// Shorthand: a core result into a JS result.
pub trait IntoJs<T> {
    /// Converts the error side to a JS error.
    fn js(self) -> Result<T, JsValue>;
}

impl<T> IntoJs<T> for Result<T, Error> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(to_js)
    }
}
