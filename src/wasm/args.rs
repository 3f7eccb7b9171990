//! Argument parsing at the boundary: every bad argument is a `TypeError` naming it.

use crate::cache::meta::WriteMeta;
use crate::codec::Numeric;
use crate::{py_number_str_from_ecma, Error, Timeout};
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

const MAX_SAFE: f64 = crate::codec::MAX_SAFE_INTEGER as f64;

/// `typeof`, with `null` and arrays named as such, for messages.
pub fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if super::boundary::is_array(v) {
        "array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    // js_sys's Object.keys and Object.entries are not `catch`: on a revoked Proxy, or one whose
    // traps throw, they would throw through wasm frames. These come back as an `Err`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(value: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// The own enumerable string keys of an options object (`code` when they cannot be read).
pub fn option_names(obj: &JsValue, code: &'static str) -> Result<Vec<String>, Error> {
    let keys = object_keys(obj)
        .map_err(|_| Error::invalid(code, "the options object could not be read"))?;
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// `Object.entries` of an options object (`code` when it cannot be read).
pub fn option_entries(obj: &JsValue, code: &'static str) -> Result<Vec<(String, JsValue)>, Error> {
    let pairs = object_entries(obj)
        .map_err(|_| Error::invalid(code, "the options object could not be read"))?;
    Ok(pairs
        .iter()
        .map(|pair| {
            // A fresh array Object.entries made: its elements are data, no caller code runs.
            let pair: js_sys::Array = pair.unchecked_into();
            (pair.get(0).as_string().unwrap_or_default(), pair.get(1))
        })
        .collect())
}

/// A property of an options object (`undefined` when absent).
pub fn prop(obj: &JsValue, name: &str) -> Result<JsValue, Error> {
    Reflect::get(obj, &JsValue::from_str(name))
        .map_err(|_| Error::invalid("INVALID_OPTIONS", format!("cannot read option '{name}'")))
}

/// A cache key: a string, or a number printed as Python's `str()` would.
pub fn key(v: &JsValue) -> Result<String, Error> {
    if let Some((s, lossless)) = super::boundary::string_of(v) {
        // A lone surrogate would become U+FFFD: two different JS strings, one entry.
        if !lossless {
            return Err(Error::invalid(
                "INVALID_KEY",
                "key must be a well-formed string: it has a lone UTF-16 surrogate",
            ));
        }
        return Ok(s);
    }
    match v.as_f64() {
        Some(x) => Ok(number_str(x)),
        None => Err(Error::invalid(
            "INVALID_KEY",
            format!("key must be a string or a number, got {}", type_name(v)),
        )),
    }
}

/// Python's `str()` of a JS number, with JS's shortest digits (so Rust's float formatting is
/// not linked; see `py_number_str_from_ecma`).
pub fn number_str(x: f64) -> String {
    py_number_str_from_ecma(x, || js_number_text(x))
}

/// JSON's floats through JS (`String(x)` laid out as Python's repr, `parseFloat`): the
/// django-redis JSON format without Rust's float formatting and parsing.
#[cfg(feature = "full")]
pub const JS_FLOATS: crate::interop::json::Floats = crate::interop::json::Floats {
    text: number_str,
    parse: |s| Some(js_sys::Number::parse_float(s)).filter(|x| !x.is_nan()),
};

/// `String(x)`: JS's own text of a number.
fn js_number_text(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// A timeout: `undefined` = the default, `null` = forever, else seconds.
pub fn timeout(v: &JsValue) -> Result<Timeout, Error> {
    if v.is_undefined() {
        return Ok(Timeout::Default);
    }
    if v.is_null() {
        return Ok(Timeout::Never);
    }
    match v.as_f64() {
        Some(t) if !t.is_nan() => Ok(Timeout::Seconds(t)),
        _ => Err(Error::invalid(
            "INVALID_TIMEOUT",
            format!(
                "timeout must be a number of seconds or null, got {}",
                describe(v)
            ),
        )),
    }
}

/// A key version: `undefined` = the cache's, else a safe integer.
pub fn version(v: &JsValue) -> Result<Option<i64>, Error> {
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() <= MAX_SAFE => Ok(Some(x as i64)),
        _ => Err(Error::invalid(
            "INVALID_VERSION",
            format!("version must be an integer, got {}", describe(v)),
        )),
    }
}

/// The options of reads and deletes.
const KEY_OPTIONS: &[&str] = &["version"];
/// The options of writes, and of getOrSet (whose options reach its write), so a misspelt one
/// (`staleWhileRevalidat`) is refused rather than ignored.
const WRITE_OPTIONS: &[&str] = &[
    "timeout",
    "version",
    "tags",
    "staleWhileRevalidate",
    "staleIfError",
    "computeTime",
    "beta",
    "waitUntil",
    "lock",
];

/// `UNKNOWN_OPTION` for an own key of the options object `v` not in `known`.
pub fn known_options(v: &JsValue, known: &[&str]) -> Result<(), Error> {
    // A Proxy's ownKeys trap may throw: that is a bad options object, not a crash.
    let keys = js_sys::Reflect::own_keys(v)
        .map_err(|_| Error::invalid("INVALID_OPTIONS", "the options object could not be read"))?;
    // Symbols are not options.
    let names: Vec<String> = keys.iter().filter_map(|k| k.as_string()).collect();
    refuse_instance(v, &names, known)?;
    refuse_unknown(names, known)
}

/// `INVALID_ARGUMENT` for an instance (a Map, a Date, a cache) where an options object goes:
/// it read as no options (a Map's `version` is not a property) or named its internals. Asked
/// only when the names are none or unknown, so well-formed options cost nothing more.
pub fn refuse_instance(v: &JsValue, names: &[String], known: &[&str]) -> Result<(), Error> {
    if !names.is_empty() && names.iter().all(|n| known.contains(&n.as_str())) {
        return Ok(());
    }
    match class_name(v) {
        Some(class) => Err(Error::invalid(
            "INVALID_ARGUMENT",
            format!("options must be a plain object, got an instance of {class} (a cache goes in its own option: cache, using or store)"),
        )),
        None => Ok(()),
    }
}

/// `UNKNOWN_OPTION` for the first of `names` not in `known`.
pub fn refuse_unknown(
    names: impl IntoIterator<Item = String>,
    known: &[&str],
) -> Result<(), Error> {
    match names
        .into_iter()
        .find(|name| !known.contains(&name.as_str()))
    {
        Some(name) => Err(Error::invalid(
            "UNKNOWN_OPTION",
            match crate::django_option_hint(&name, known) {
                Some(hint) => format!("unknown option '{name}': use {hint}"),
                None => format!("unknown option '{name}' (known: {})", known.join(", ")),
            },
        )),
        None => Ok(()),
    }
}

/// `{ version }` options of reads and deletes.
pub fn key_options(v: &JsValue) -> Result<Option<i64>, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if !v.is_object() {
        return Err(Error::invalid(
            "INVALID_OPTIONS",
            format!(
                "options must be an object like {{ version }}, got {}",
                type_name(v)
            ),
        ));
    }
    known_options(v, KEY_OPTIONS)?;
    version(&prop(v, "version")?)
}

/// The `timeoutOrOptions` argument of writes: a timeout, or `{ timeout, version }`.
pub fn write_options(v: &JsValue) -> Result<(Timeout, Option<i64>), Error> {
    if v.is_object() && !super::boundary::is_array(v) {
        known_options(v, WRITE_OPTIONS)?;
        return Ok((
            timeout(&prop(v, "timeout")?)?,
            version(&prop(v, "version")?)?,
        ));
    }
    Ok((timeout(v)?, None))
}

/// The tags and serve-stale window of a write's options object (empty for a bare timeout).
pub fn write_meta(v: &JsValue) -> Result<WriteMeta, Error> {
    if !v.is_object() || super::boundary::is_array(v) {
        return Ok(WriteMeta::default());
    }
    let tags = tags(&prop(v, "tags")?)?;
    let stale = seconds(v, "staleWhileRevalidate")?.max(seconds(v, "staleIfError")?);
    Ok(WriteMeta {
        tags,
        stale,
        delta: seconds(v, "computeTime")?,
    })
}

/// A list of tags: `undefined` = none, else an array of strings within the limits.
pub fn tags(v: &JsValue) -> Result<Vec<String>, Error> {
    if v.is_undefined() {
        return Ok(Vec::new());
    }
    let bad = || {
        Error::invalid(
            "INVALID_TAGS",
            format!("tags must be an array of strings, got {}", describe(v)),
        )
    };
    if !super::boundary::is_array(v) {
        return Err(bad());
    }
    // Element reads through Reflect: a getter or Proxy trap that throws is an Err here.
    let length = Reflect::get(v, &"length".into())
        .ok()
        .and_then(|n| n.as_f64())
        .ok_or_else(bad)?;
    let mut out = Vec::new();
    for i in 0..length as u32 {
        let tag = Reflect::get_u32(v, i).map_err(|_| bad())?;
        // A lone surrogate would make two tags one.
        match super::boundary::string_of(&tag) {
            Some((s, true)) => out.push(s),
            _ => return Err(bad()),
        }
    }
    crate::cache::meta::check_tags(&out)?;
    Ok(out)
}

/// An optional non-negative number of seconds in an options object (0 when absent).
pub fn seconds(v: &JsValue, name: &str) -> Result<f64, Error> {
    let x = prop(v, name)?;
    if x.is_undefined() {
        return Ok(0.0);
    }
    match x.as_f64() {
        Some(t) if t >= 0.0 => Ok(t),
        _ => Err(Error::invalid(
            "INVALID_OPTIONS",
            format!(
                "{name} must be a non-negative number of seconds, got {}",
                describe(&x)
            ),
        )),
    }
}

/// The serve-stale and early-refresh options of `getOrSet`.
pub fn refresh_policy(v: &JsValue) -> Result<crate::RefreshPolicy, Error> {
    if !v.is_object() || super::boundary::is_array(v) {
        return Ok(crate::RefreshPolicy::default());
    }
    let beta = prop(v, "beta")?;
    let beta = if beta.is_undefined() {
        None
    } else {
        match beta.as_f64() {
            Some(b) if b > 0.0 && b.is_finite() => Some(b),
            _ => {
                return Err(Error::invalid(
                    "INVALID_OPTIONS",
                    format!("beta must be a positive number, got {}", describe(&beta)),
                ))
            }
        }
    };
    Ok(crate::RefreshPolicy {
        stale_while_revalidate: seconds(v, "staleWhileRevalidate")?,
        stale_if_error: seconds(v, "staleIfError")?,
        beta,
    })
}

/// `{ value, state }` for a read that found something to serve.
pub fn served(value: JsValue, state: crate::Serve) -> JsValue {
    let out = Object::new().into();
    super::boundary::define_own(&out, "value", &value);
    super::boundary::define_own(&out, "state", &state.as_str().into())
}

/// getOrSet's second argument is required (Django raises TypeError without it).
pub fn required_default(v: &JsValue) -> Result<(), Error> {
    if v.is_undefined() {
        return Err(Error::invalid(
            "MISSING_ARGUMENT",
            "getOrSet() missing 1 required argument: 'defaultOrFactory'",
        ));
    }
    Ok(())
}

/// The `delta` of incr/decr: `undefined` = 1, a number, or a bigint.
pub fn delta(v: &JsValue) -> Result<Numeric, Error> {
    if v.is_undefined() {
        return Ok(Numeric::Float(1.0));
    }
    if let Some(x) = v.as_f64() {
        if !x.is_nan() {
            return Ok(Numeric::Float(x));
        }
    }
    if v.is_bigint() {
        return bigint_bytes(v).map(Numeric::Big);
    }
    Err(Error::invalid(
        "INVALID_DELTA",
        format!("delta must be a number or a bigint, got {}", describe(v)),
    ))
}

/// The integer delta of incrVersion/decrVersion.
pub fn version_delta(v: &JsValue) -> Result<i64, Error> {
    if v.is_undefined() {
        return Ok(1);
    }
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() <= MAX_SAFE => Ok(x as i64),
        _ => Err(Error::invalid(
            "INVALID_DELTA",
            format!("delta must be an integer, got {}", describe(v)),
        )),
    }
}

/// A bigint as two's-complement bytes, through its hex text.
pub fn bigint_bytes(v: &JsValue) -> Result<Vec<u8>, Error> {
    let big: &js_sys::BigInt = v.unchecked_ref();
    big.to_string(16)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| crate::codec::bigint::from_hex(&s))
        .ok_or_else(|| Error::invalid("INVALID_DELTA", "unreadable bigint"))
}

/// Two's-complement bytes as a JS bigint.
pub fn bigint_value(bytes: &[u8]) -> JsValue {
    let (negative, hex) = crate::codec::bigint::to_hex(bytes);
    let text = JsValue::from_str(&format!("0x{hex}"));
    let magnitude = js_sys::BigInt::new(&text).unwrap_or_else(|_| js_sys::BigInt::from(0u32));
    if negative {
        (-magnitude).into()
    } else {
        magnitude.into()
    }
}

/// A number as JS sees it: a JS number or bigint.
pub fn numeric_value(n: &Numeric) -> JsValue {
    match n {
        Numeric::Float(x) => JsValue::from_f64(*x),
        Numeric::Big(b) => bigint_value(b),
    }
}

/// A value for a message: its type, and the value itself when it is short and printable.
fn describe(v: &JsValue) -> String {
    match v.as_string() {
        Some(s) if s.chars().count() <= 40 => format!("string {}", crate::py_repr(&s)),
        // JS's own text of a number (Rust's float formatting is not linked: see number_str).
        _ if v.as_f64().is_some() => js_number_text(v.as_f64().unwrap_or_default()),
        _ => type_name(v),
    }
}

/// True for objects whose prototype is Object.prototype or null.
pub fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() {
        return false;
    }
    // A revoked Proxy throws here: not a plain object.
    let Ok(proto) = Reflect::get_prototype_of(v) else {
        return false;
    };
    let proto: JsValue = proto.into();
    proto.is_null() || OBJECT_PROTOTYPE.with(|p| proto == *p)
}

/// The class of an object made by one (`MemoryCache`, `Cache`, a user's class), or `None` for
/// a plain object (of this realm or another: its constructor is named `Object`) and for
/// anything that cannot be read.
pub fn class_name(v: &JsValue) -> Option<String> {
    if is_plain_object(v) {
        return None;
    }
    let proto: JsValue = Reflect::get_prototype_of(v).ok()?.into();
    let constructor = Reflect::get(&proto, &JsValue::from_str("constructor")).ok()?;
    let name = Reflect::get(&constructor, &JsValue::from_str("name"))
        .ok()?
        .as_string()?;
    (!name.is_empty() && name != "Object").then_some(name)
}

thread_local! {
    static OBJECT_PROTOTYPE: JsValue = Object::get_prototype_of(&Object::new()).into();
}

/// Checks a write's options object where it is not written at once (warm runs its loaders
/// first: a misspelt option should fail the call, not every write).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = __checkWriteOptions, skip_typescript)]
pub fn check_write_options(options: JsValue) -> Result<(), JsValue> {
    use super::errors::IntoJs;
    write_options(&options).js()?;
    write_meta(&options).js()?;
    Ok(())
}
