//! Making and validating keys: the default key function or the user's, then Django's
//! memcached warnings to `onWarning` (or `InvalidCacheKey` under `strictKeys`).

use super::args;
use super::errors::to_js;
use crate::{key_warnings, needs_warning, CacheConfig, Error, KeyWriter};
use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
}

/// The key rules of one cache.
pub struct KeyRules {
    key_function: Option<Function>,
    on_warning: Option<Function>,
    strict: bool,
    /// The default key function's output.
    writer: KeyWriter,
    /// The user's key function's output.
    custom: String,
}

impl KeyRules {
    /// Rules with an optional key function, warning callback and strictness.
    pub fn new(key_function: Option<Function>, on_warning: Option<Function>, strict: bool) -> Self {
        KeyRules {
            key_function,
            on_warning,
            strict,
            writer: KeyWriter::default(),
            custom: String::new(),
        }
    }

    /// The made and validated key for a JS key argument (borrowed from an internal buffer).
    pub fn make(
        &mut self,
        config: &CacheConfig,
        key: &JsValue,
        version: Option<i64>,
    ) -> Result<&str, JsValue> {
        let raw = args::key(key).map_err(to_js)?;
        self.make_raw(config, &raw, version)
    }

    /// [`KeyRules::make`] for a key already read as a string.
    pub fn make_raw(
        &mut self,
        config: &CacheConfig,
        raw: &str,
        version: Option<i64>,
    ) -> Result<&str, JsValue> {
        let version = version.unwrap_or(config.version);
        let made = match &self.key_function {
            None => self.writer.write(raw, &config.key_prefix, version),
            Some(f) => {
                let made = f.call3(
                    &JsValue::NULL,
                    &JsValue::from_str(raw),
                    &JsValue::from_str(&config.key_prefix),
                    &JsValue::from_f64(version as f64),
                )?;
                self.custom = made.as_string().ok_or_else(|| {
                    to_js(Error::invalid(
                        "INVALID_KEY_FUNCTION_RESULT",
                        format!(
                            "keyFunction must return a string, got {}",
                            args::type_name(&made)
                        ),
                    ))
                })?;
                &self.custom
            }
        };
        if needs_warning(made) {
            warn(made, self.strict, self.on_warning.as_ref())?;
        }
        Ok(made)
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
                f.call1(&JsValue::NULL, &JsValue::from_str(&message))?;
            }
            None => console_warn(&message),
        }
    }
    Ok(())
}
