//! Making and validating keys: the default key function or the user's, then Django's
//! memcached warnings to `onWarning` (or `InvalidCacheKey` under `strictKeys`).

use super::args;
use super::errors::to_js;
use crate::{key_warnings, needs_warning, write_key, CacheConfig, Error};
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
    buf: String,
    /// `"<prefix>:<version>:"` for the last prefix and version made, reused while they last.
    head: String,
    head_of: Option<(usize, i64)>,
}

impl KeyRules {
    /// Rules with an optional key function, warning callback and strictness.
    pub fn new(key_function: Option<Function>, on_warning: Option<Function>, strict: bool) -> Self {
        KeyRules {
            key_function,
            on_warning,
            strict,
            buf: String::new(),
            head: String::new(),
            head_of: None,
        }
    }

    /// The default key function through the reused head: two copies, no digits to print.
    fn write_default(&mut self, raw: &str, prefix: &str, version: i64) {
        let fits = self.head_of == Some((prefix.len(), version))
            && self.head.as_bytes().starts_with(prefix.as_bytes());
        if !fits {
            write_key(&mut self.head, "", prefix, version);
            self.head_of = Some((prefix.len(), version));
        }
        self.buf.clear();
        self.buf.push_str(&self.head);
        self.buf.push_str(raw);
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
        match &self.key_function {
            None => self.write_default(raw, &config.key_prefix, version),
            Some(f) => {
                let made = f.call3(
                    &JsValue::NULL,
                    &JsValue::from_str(raw),
                    &JsValue::from_str(&config.key_prefix),
                    &JsValue::from_f64(version as f64),
                )?;
                self.buf = made.as_string().ok_or_else(|| {
                    to_js(Error::invalid(
                        "INVALID_KEY_FUNCTION_RESULT",
                        format!(
                            "keyFunction must return a string, got {}",
                            args::type_name(&made)
                        ),
                    ))
                })?;
            }
        }
        if needs_warning(&self.buf) {
            self.warn()?;
        }
        Ok(&self.buf)
    }

    fn warn(&self) -> Result<(), JsValue> {
        for message in key_warnings(&self.buf) {
            if self.strict {
                return Err(to_js(Error::InvalidCacheKey(message)));
            }
            match &self.on_warning {
                Some(f) => {
                    f.call1(&JsValue::NULL, &JsValue::from_str(&message))?;
                }
                None => console_warn(&message),
            }
        }
        Ok(())
    }
}
