//! The collection arguments of getMany/setMany/deleteMany.

use super::args::{is_plain_object, type_name};
use crate::Error;
use js_sys::{Array, Map, Object};
use wasm_bindgen::{JsCast, JsValue};

fn not_iterable(name: &str, wanted: &str, v: &JsValue) -> Error {
    Error::invalid(
        "INVALID_ARGUMENT",
        format!("{name} must be {wanted}, got {}", type_name(v)),
    )
}

/// The items of any iterable (arrays, Sets, generators).
pub fn items(v: &JsValue, name: &str) -> Result<Vec<JsValue>, JsValue> {
    if !v.is_object() {
        return Err(super::errors::to_js(not_iterable(
            name,
            "an iterable of keys",
            v,
        )));
    }
    let iter = js_sys::try_iter(v)?
        .ok_or_else(|| super::errors::to_js(not_iterable(name, "an iterable of keys", v)))?;
    iter.collect()
}

/// The pairs of a Map, an iterable of `[key, value]` pairs, or a plain object's own entries.
pub fn pairs(v: &JsValue) -> Result<Vec<(JsValue, JsValue)>, JsValue> {
    let wanted = "a Map, an object or an iterable of [key, value] pairs";
    if !v.is_object() {
        return Err(super::errors::to_js(not_iterable("entries", wanted, v)));
    }
    let list: Vec<JsValue> = if let Some(map) = v.dyn_ref::<Map>() {
        map.entries().into_iter().collect::<Result<_, _>>()?
    } else if let Some(iter) = js_sys::try_iter(v)? {
        iter.collect::<Result<_, _>>()?
    } else if is_plain_object(v) {
        Object::entries(v.unchecked_ref()).iter().collect()
    } else {
        return Err(super::errors::to_js(not_iterable("entries", wanted, v)));
    };
    list.into_iter()
        .map(|pair| {
            if !Array::is_array(&pair) {
                return Err(super::errors::to_js(not_iterable(
                    "each entry",
                    "a [key, value] pair",
                    &pair,
                )));
            }
            let pair: Array = pair.unchecked_into();
            Ok((pair.get(0), pair.get(1)))
        })
        .collect()
}
