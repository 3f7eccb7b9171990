//! Django's template fragment keys and the `{% cache %}` tag's timeout, for JS values.

use super::args::type_name;
use super::errors::IntoJs;
use crate::{fragment_key, fragment_timeout, py_number_str, py_repr, Error, FragmentTimeout};
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// Python's `str()` of a JS value as Django would print the matching Python value.
fn py_str(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        return s;
    }
    py_value(v, false)
}

/// `str()` (top level) or `repr()` (inside a list) of a non-string value.
fn py_value(v: &JsValue, nested: bool) -> String {
    if let Some(s) = v.as_string() {
        return if nested { py_repr(&s) } else { s };
    }
    if v.is_null() || v.is_undefined() {
        return "None".into();
    }
    if let Some(b) = v.as_bool() {
        return if b { "True" } else { "False" }.into();
    }
    if let Some(x) = v.as_f64() {
        return py_number_str(x);
    }
    if let Some(array) = v.dyn_ref::<Array>() {
        let items: Vec<String> = array.iter().map(|x| py_value(&x, true)).collect();
        return format!("[{}]", items.join(", "));
    }
    // bigint, Date and other objects: their JS string form.
    js_sys::JsString::from(v.clone()).into()
}

/// Django's `make_template_fragment_key(name, varyOn)`: `template.cache.<name>.<md5>`.
#[wasm_bindgen(js_name = makeTemplateFragmentKey)]
pub fn make_template_fragment_key(
    name: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "readonly unknown[]")] vary_on: JsValue,
) -> Result<String, JsValue> {
    if vary_on.is_undefined() || vary_on.is_null() {
        return Ok(fragment_key::<&str>(name, &[]));
    }
    let Some(list) = vary_on.dyn_ref::<Array>() else {
        return Err(Error::invalid(
            "INVALID_VARY_ON",
            format!("varyOn must be an array, got {}", type_name(&vary_on)),
        ))
        .js();
    };
    let args: Vec<String> = list.iter().map(|v| py_str(&v)).collect();
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
        FragmentTimeout::Other(py_value(&timeout, true))
    };
    let seconds = fragment_timeout(&input).js()?;
    Ok(seconds.map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64)))
}
