//! Django's template fragment keys and the `{% cache %}` tag's timeout, for JS values.

use super::args::type_name;
use super::boundary;
use super::errors::IntoJs;
use crate::{fragment_key, fragment_timeout, py_repr, Error, FragmentTimeout};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// Python's `str()` of a JS value as Django would print the matching Python value.
fn py_str(v: &JsValue) -> Result<String, JsValue> {
    py_value(v, false)
}

/// `str()` (top level) or `repr()` (inside a list) of a value. A string with a lone
/// surrogate is refused: it would print as U+FFFD, the same key as another string.
fn py_value(v: &JsValue, nested: bool) -> Result<String, JsValue> {
    if let Some((s, lossless)) = boundary::string_of(v) {
        if !lossless {
            return Err(Error::invalid(
                "INVALID_KEY",
                "a varyOn string has a lone UTF-16 surrogate",
            ))
            .js();
        }
        return Ok(if nested { py_repr(&s) } else { s });
    }
    if v.is_null() || v.is_undefined() {
        return Ok("None".into());
    }
    if let Some(b) = v.as_bool() {
        return Ok(if b { "True" } else { "False" }.into());
    }
    if let Some(x) = v.as_f64() {
        return Ok(super::args::number_str(x));
    }
    if v.is_bigint() {
        // Python's str() of an int: decimal.
        let big: &js_sys::BigInt = v.unchecked_ref();
        return big
            .to_string(10)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| Error::invalid("INVALID_VARY_ON", "unreadable bigint"))
            .js();
    }
    if boundary::is_array(v) {
        let length = Reflect::get(v, &"length".into())?.as_f64().unwrap_or(0.0);
        let mut items = Vec::new();
        for i in 0..length as u32 {
            items.push(py_value(&Reflect::get_u32(v, i)?, true)?);
        }
        return Ok(format!("[{}]", items.join(", ")));
    }
    // Date and other objects: their JS string form (what their toString throws, rethrown).
    boundary::text(v)
}

/// Django's `make_template_fragment_key(name, varyOn)`: `template.cache.<name>.<md5>`.
#[wasm_bindgen(js_name = makeTemplateFragmentKey)]
pub fn make_template_fragment_key(
    #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    #[wasm_bindgen(
        js_name = "varyOn",
        unchecked_optional_param_type = "readonly unknown[]"
    )]
    vary_on: JsValue,
) -> Result<String, JsValue> {
    let name = match boundary::string_of(&name) {
        Some((s, true)) => s,
        _ => {
            return Err(Error::invalid(
                "INVALID_KEY",
                "the fragment name must be a well-formed string",
            ))
            .js()
        }
    };
    let name = name.as_str();
    if vary_on.is_undefined() || vary_on.is_null() {
        return Ok(fragment_key::<&str>(name, &[]));
    }
    if !boundary::is_array(&vary_on) {
        return Err(Error::invalid(
            "INVALID_VARY_ON",
            format!("varyOn must be an array, got {}", type_name(&vary_on)),
        ))
        .js();
    }
    let length = Reflect::get(&vary_on, &"length".into())?
        .as_f64()
        .unwrap_or(0.0);
    let mut args = Vec::new();
    for i in 0..length as u32 {
        args.push(py_str(&Reflect::get_u32(&vary_on, i)?)?);
    }
    Ok(fragment_key(name, &args))
}

/// The `{% cache %}` timeout: `null` (forever) or whole seconds; Django's error otherwise.
#[wasm_bindgen(js_name = __fragmentTimeout, skip_typescript)]
pub fn fragment_timeout_js(timeout: JsValue) -> Result<JsValue, JsValue> {
    let text = timeout.as_string();
    let input = if timeout.is_null() {
        FragmentTimeout::None
    } else if let Some(s) = &text {
        FragmentTimeout::Text(s)
    } else if let Some(x) = timeout.as_f64() {
        FragmentTimeout::Number(x)
    } else if let Some(b) = timeout.as_bool() {
        FragmentTimeout::Number(f64::from(u8::from(b)))
    } else if timeout.is_undefined() {
        // An undefined template variable resolves to "".
        FragmentTimeout::Text("")
    } else {
        FragmentTimeout::Other(py_value(&timeout, true)?)
    };
    let seconds = fragment_timeout(&input).js()?;
    Ok(seconds.map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64)))
}
