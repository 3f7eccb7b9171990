//! Making and validating keys: the default key function or the user's, then Django's
//! memcached warnings to `onWarning` (or `InvalidCacheKey` under `strictKeys`).

use super::args;
use super::boundary;
use super::errors::to_js;
use crate::{key_warnings, needs_warning, CacheConfig, Error, KeyWriter};
use js_sys::Function;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
}

/// The key rules of one cache.
///
/// Every method takes `&self` and holds no borrow while a key function or `onWarning` runs:
/// those may call the cache they belong to (re-entrant calls work).
pub struct KeyRules {
    key_function: Option<Function>,
    on_warning: Option<Function>,
    strict: bool,
    /// The default key function's reused output buffer.
    writer: RefCell<KeyWriter>,
}

impl KeyRules {
    /// Rules with an optional key function, warning callback and strictness.
    pub fn new(key_function: Option<Function>, on_warning: Option<Function>, strict: bool) -> Self {
        KeyRules {
            key_function,
            on_warning,
            strict,
            writer: RefCell::default(),
        }
    }

    /// The made and validated key for a JS key argument.
    pub fn make(
        &self,
        config: &CacheConfig,
        key: &JsValue,
        version: Option<i64>,
    ) -> Result<String, JsValue> {
        let raw = args::key(key).map_err(to_js)?;
        self.make_raw(config, &raw, version)
    }

    /// [`KeyRules::make`] for a key already read as a string.
    pub fn make_raw(
        &self,
        config: &CacheConfig,
        raw: &str,
        version: Option<i64>,
    ) -> Result<String, JsValue> {
        self.with_key(config, raw, version, str::to_string)
    }

    /// Calls `f` with the made and validated key. `f` runs with no JS callback pending and
    /// must not call into JS; the default key function's buffer is reused (no allocation).
    pub fn with_key<R>(
        &self,
        config: &CacheConfig,
        raw: &str,
        version: Option<i64>,
        f: impl FnOnce(&str) -> R,
    ) -> Result<R, JsValue> {
        let version = version.unwrap_or(config.version);
        let made = match &self.key_function {
            None => {
                // Only a re-entrant call from `f` could find the buffer taken; it gets its own.
                let Ok(mut writer) = self.writer.try_borrow_mut() else {
                    let made = crate::make_key(raw, &config.key_prefix, version);
                    return self.checked(made, f);
                };
                let made = writer.write(raw, &config.key_prefix, version);
                if !needs_warning(made) {
                    return Ok(f(made));
                }
                made.to_string()
            }
            Some(function) => self.call(function, raw, &config.key_prefix, version)?,
        };
        self.checked(made, f)
    }

    /// The made key without validation or warnings (Django's `make_key`).
    pub fn make_unchecked(
        &self,
        config: &CacheConfig,
        raw: &str,
        version: Option<i64>,
    ) -> Result<String, JsValue> {
        let version = version.unwrap_or(config.version);
        match &self.key_function {
            None => Ok(crate::make_key(raw, &config.key_prefix, version)),
            Some(function) => self.call(function, raw, &config.key_prefix, version),
        }
    }

    fn call(
        &self,
        function: &Function,
        raw: &str,
        prefix: &str,
        version: i64,
    ) -> Result<String, JsValue> {
        let made = function.call3(
            &JsValue::NULL,
            &JsValue::from_str(raw),
            &JsValue::from_str(prefix),
            &JsValue::from_f64(version as f64),
        )?;
        boundary::quiet(&made, "keyFunction", None);
        match boundary::string_of(&made) {
            Some((s, true)) => Ok(s),
            _ => Err(to_js(Error::invalid(
                "INVALID_KEY_FUNCTION_RESULT",
                format!(
                    "keyFunction must return a well-formed string, got {}",
                    args::type_name(&made)
                ),
            ))),
        }
    }

    fn checked<R>(&self, made: String, f: impl FnOnce(&str) -> R) -> Result<R, JsValue> {
        if needs_warning(&made) {
            warn(&made, self.strict, self.on_warning.as_ref())?;
        }
        Ok(f(&made))
    }
}

/// Reports Django's warnings for `made`: to `on_warning` (else `console.warn`), or as
/// `InvalidCacheKey` when `strict`.
fn warn(made: &str, strict: bool, on_warning: Option<&Function>) -> Result<(), JsValue> {
    for message in key_warnings(made) {
        if strict {
            return Err(to_js(Error::InvalidCacheKey(message)));
        }
        match on_warning {
            Some(f) => {
                let answer = f.call1(&JsValue::NULL, &JsValue::from_str(&message))?;
                boundary::quiet(&answer, "onWarning", None);
            }
            None => console_warn(&message),
        }
    }
    Ok(())
}
