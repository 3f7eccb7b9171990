//! The constructor options of MemoryCache and DummyCache, checked one by one.

use super::args::{prop, type_name};
use super::clock::JsClock;
use crate::{CacheConfig, Error, EvictionPolicy};
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

const KNOWN: [&str; 17] = [
    "name",
    "policy",
    "jitter",
    "seed",
    "onEvict",
    "timeout",
    "maxEntries",
    "cullFrequency",
    "maxBytes",
    "keyPrefix",
    "version",
    "keyFunction",
    "location",
    "onWarning",
    "strictKeys",
    "clock",
    "backend",
];

/// `policy`: "lru" (default) or "adaptive".
fn policy(options: &JsValue) -> Result<EvictionPolicy, Error> {
    let v = prop(options, "policy")?;
    match v.as_string().as_deref() {
        _ if v.is_undefined() => Ok(EvictionPolicy::Lru),
        Some("lru") => Ok(EvictionPolicy::Lru),
        Some("adaptive") => Ok(EvictionPolicy::Adaptive),
        _ => Err(bad("policy", "\"lru\" or \"adaptive\"", &v)),
    }
}

/// Parsed options.
pub struct Options {
    pub config: CacheConfig,
    pub location: Option<String>,
    pub key_function: Option<Function>,
    pub on_warning: Option<Function>,
    pub strict_keys: bool,
    pub clock: JsClock,
    pub on_evict: Option<Function>,
    /// The name events carry (`name`; the registry gives its alias).
    pub name: Option<String>,
}

pub fn bad(name: &str, wanted: &str, got: &JsValue) -> Error {
    Error::invalid(
        "INVALID_OPTION",
        format!("option '{name}' must be {wanted}, got {}", type_name(got)),
    )
}

fn count(options: &JsValue, name: &str, default: usize, min: f64) -> Result<usize, Error> {
    let v = prop(options, name)?;
    if v.is_undefined() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x >= min && x <= 4_294_967_295.0 => Ok(x as usize),
        _ => Err(bad(
            name,
            &format!("an integer of at least {}", min as i64),
            &v,
        )),
    }
}

fn function(options: &JsValue, name: &str) -> Result<Option<Function>, Error> {
    let v = prop(options, name)?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|v| bad(name, "a function", &v))
}

fn fraction(options: &JsValue, name: &str) -> Result<f64, Error> {
    let v = prop(options, name)?;
    if v.is_undefined() {
        return Ok(0.0);
    }
    match v.as_f64() {
        Some(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(bad(name, "a fraction from 0 to 1", &v)),
    }
}

fn seed(options: &JsValue) -> Result<Option<u64>, Error> {
    let v = prop(options, "seed")?;
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(x)
            if x.fract() == 0.0 && (0.0..=crate::codec::MAX_SAFE_INTEGER as f64).contains(&x) =>
        {
            Ok(Some(x as u64))
        }
        _ => Err(bad("seed", "a non-negative integer", &v)),
    }
}

/// Reads and checks an options object (`undefined` means all defaults).
pub fn parse(options: &JsValue) -> Result<Options, Error> {
    parse_with(options, &KNOWN)
}

/// [`parse`] accepting the option names `known` (other options are refused).
pub fn parse_with(options: &JsValue, known: &[&str]) -> Result<Options, Error> {
    let defaults = CacheConfig::default();
    if options.is_undefined() || options.is_null() {
        return Ok(Options {
            config: defaults,
            location: None,
            key_function: None,
            on_warning: None,
            strict_keys: false,
            clock: JsClock::system(),
            on_evict: None,
            name: None,
        });
    }
    if !options.is_object() {
        return Err(Error::invalid(
            "INVALID_OPTIONS",
            format!("options must be an object, got {}", type_name(options)),
        ));
    }
    // Object.keys here (enumerable names only), where known_options takes every own name.
    let names = super::args::option_names(options, "INVALID_OPTIONS")?;
    super::args::refuse_instance(options, &names, known)?;
    super::args::refuse_unknown(names, known)?;
    let timeout = prop(options, "timeout")?;
    let default_timeout = if timeout.is_undefined() {
        defaults.default_timeout
    } else if timeout.is_null() {
        None
    } else {
        // Django's BaseCache.__init__ does int(TIMEOUT): 2.5 is 2 s (per-call timeouts keep
        // their fractions).
        match timeout.as_f64() {
            Some(t) if t.is_finite() => Some(t.trunc()),
            Some(t) if !t.is_nan() => Some(t),
            _ => return Err(bad("timeout", "a number of seconds or null", &timeout)),
        }
    };
    let max_bytes = prop(options, "maxBytes")?;
    let max_bytes = if max_bytes.is_undefined() || max_bytes.is_null() {
        None
    } else {
        match max_bytes.as_f64() {
            Some(x) if x.fract() == 0.0 && (1.0..=4_294_967_295.0).contains(&x) => Some(x as usize),
            _ => return Err(bad("maxBytes", "a positive integer (bytes)", &max_bytes)),
        }
    };
    let string = |name: &str, default: &str| -> Result<String, Error> {
        let v = prop(options, name)?;
        if v.is_undefined() {
            return Ok(default.to_string());
        }
        match super::boundary::string_of(&v) {
            Some((s, true)) => Ok(s),
            _ => Err(bad(name, "a well-formed string", &v)),
        }
    };
    let version_value = prop(options, "version")?;
    let version = super::args::version(&version_value)
        .map_err(|_| bad("version", "an integer", &version_value))?
        .unwrap_or(defaults.version);
    let location = prop(options, "location")?;
    let location = if location.is_undefined() {
        None
    } else {
        Some(
            super::boundary::string_of(&location)
                .and_then(|(s, lossless)| lossless.then_some(s))
                .ok_or_else(|| bad("location", "a well-formed string", &location))?,
        )
    };
    let strict = prop(options, "strictKeys")?;
    let strict_keys = if strict.is_undefined() {
        false
    } else {
        strict
            .as_bool()
            .ok_or_else(|| bad("strictKeys", "a boolean", &strict))?
    };
    let clock = prop(options, "clock")?;
    let clock = if clock.is_undefined() {
        JsClock::system()
    } else {
        JsClock::from_object(&clock).ok_or_else(|| bad("clock", "an object with now()", &clock))?
    };
    Ok(Options {
        config: CacheConfig {
            default_timeout,
            key_prefix: string("keyPrefix", "")?,
            version,
            max_entries: count(options, "maxEntries", defaults.max_entries, 0.0)?,
            cull_frequency: count(options, "cullFrequency", defaults.cull_frequency, 0.0)?,
            max_bytes,
            jitter: fraction(options, "jitter")?,
            seed: seed(options)?,
            policy: policy(options)?,
        },
        location,
        key_function: function(options, "keyFunction")?,
        on_warning: function(options, "onWarning")?,
        strict_keys,
        clock,
        on_evict: function(options, "onEvict")?,
        name: {
            let v = prop(options, "name")?;
            if v.is_undefined() {
                None
            } else {
                Some(string("name", "")?)
            }
        },
    })
}
