//! The Cache options CacheCore knows and the store limits it reads from them and the adapter.

use crate::interop::django::Backend;
use crate::persist::StoreLimits;
use crate::wasm::args::prop;
use crate::wasm::options::bad;
use crate::Error;
use wasm_bindgen::prelude::*;

pub(super) const KNOWN: [&str; 15] = [
    "jitter",
    "seed",
    "timeout",
    "keyPrefix",
    "version",
    "keyFunction",
    "onWarning",
    "strictKeys",
    "clock",
    "localTimeout",
    "compress",
    "chunking",
    "backend",
    "store",
    "format",
];

/// The `format` js/cache.js passes: absent (records), or which Django backend's values the
/// store holds (`"django-redis"`, `"django-memcached"`: js/cache.js checks the user's
/// `format: "django"` against the store adapter first).
pub(super) fn parse_format(options: &JsValue) -> Result<Option<Backend>, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let format = prop(options, "format")?;
    match format.as_string().as_deref() {
        _ if format.is_undefined() => Ok(None),
        Some("django-redis") => Ok(Some(Backend::Redis)),
        Some("django-json") => Ok(Some(Backend::RedisJson)),
        Some("django-memcached") => Ok(Some(Backend::Memcached)),
        _ => Err(bad("format", "\"django\"", &format)),
    }
}

fn number(options: &JsValue, name: &str, default: f64, min: f64) -> Result<f64, Error> {
    let v = prop(options, name)?;
    if v.is_undefined() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(x) if x >= min && x.is_finite() => Ok(x),
        _ => Err(bad(
            name,
            &format!("a number of at least {}", min as i64),
            &v,
        )),
    }
}

pub(super) fn parse_limits(
    options: &JsValue,
    store: &JsValue,
) -> Result<(StoreLimits, f64), Error> {
    let defaults = StoreLimits::default();
    let compress = prop(options, "compress")?;
    let (compress_threshold, compress_level) = if compress.is_undefined() || compress == false {
        (None, defaults.compress_level)
    } else if compress == true {
        (Some(1024), defaults.compress_level)
    } else if compress.is_object() {
        let threshold = number(&compress, "threshold", 1024.0, 0.0)?;
        let level = number(&compress, "level", 6.0, 0.0)?;
        if level > 10.0 || level.fract() != 0.0 {
            return Err(bad(
                "compress.level",
                "an integer from 0 to 10",
                &level.into(),
            ));
        }
        (Some(threshold as usize), level as u8)
    } else {
        return Err(bad(
            "compress",
            "a boolean or { threshold, level }",
            &compress,
        ));
    };
    let chunking = prop(options, "chunking")?;
    let chunking = if chunking.is_undefined() {
        true
    } else {
        chunking
            .as_bool()
            .ok_or_else(|| bad("chunking", "a boolean", &chunking))?
    };
    let limits = StoreLimits {
        max_key_bytes: number(store, "maxKeyBytes", 512.0, crate::MIN_KEY_LIMIT as f64)? as usize,
        max_value_bytes: number(
            store,
            "maxValueBytes",
            defaults.max_value_bytes as f64,
            64.0,
        )? as usize,
        min_ttl: number(store, "minTtl", 0.0, 0.0)?,
        chunking,
        compress_threshold,
        compress_level,
    };
    Ok((limits, number(options, "localTimeout", 60.0, 0.0)?))
}
