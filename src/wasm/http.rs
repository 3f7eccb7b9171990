//! The HTTP rules of `crate::web::http` for js/http.js, over header strings (the JS side reads
//! and writes the `Headers` objects). Internal: not part of the typed public API.

use super::args::{prop, type_name};
use super::errors::IntoJs;
use crate::web::http::{self, DirectiveValue, KeySuffix, ResponseFacts, StorePolicy};
use crate::Error;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// A JS directive name as Django's kwarg: camelCase humps become `-` (`maxAge` ->
/// `max-age`); `_` becomes `-` in the core.
fn directive_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A JS directive value as Django prints it: `true` bare, `false` "False", `null` "None".
fn directive_value(v: &JsValue) -> Result<DirectiveValue, Error> {
    if v.as_bool() == Some(true) {
        return Ok(DirectiveValue::Bare);
    }
    if let Some(b) = v.as_bool() {
        return Ok(DirectiveValue::Text(
            if b { "True" } else { "False" }.into(),
        ));
    }
    if v.is_null() {
        return Ok(DirectiveValue::Text("None".into()));
    }
    if let Some(x) = v.as_f64() {
        return Ok(DirectiveValue::Text(super::args::number_str(x)));
    }
    v.as_string().map(DirectiveValue::Text).ok_or_else(|| {
        Error::invalid(
            "INVALID_DIRECTIVE",
            format!(
                "a Cache-Control directive must be true, a number or a string, got {}",
                type_name(v)
            ),
        )
    })
}

/// `patchCacheControl`'s new header value.
#[wasm_bindgen(js_name = __patchCacheControl, skip_typescript)]
pub fn patch_cache_control(
    existing: Option<String>,
    directives: JsValue,
) -> Result<String, JsValue> {
    let mut list = Vec::new();
    if !directives.is_undefined() {
        if !directives.is_object() {
            return Err(super::errors::to_js(Error::invalid(
                "INVALID_DIRECTIVE",
                format!(
                    "directives must be an object, got {}",
                    type_name(&directives)
                ),
            )));
        }
        for (name, value) in super::args::option_entries(&directives, "INVALID_DIRECTIVE").js()? {
            list.push((directive_name(&name), directive_value(&value).js()?));
        }
    }
    Ok(http::patch_cache_control(existing.as_deref(), &list))
}

/// Django's `get_max_age` of a `Cache-Control` value.
#[wasm_bindgen(js_name = __maxAge, skip_typescript)]
pub fn max_age(cache_control: Option<String>) -> Option<f64> {
    http::max_age(cache_control.as_deref()).map(|m| m as f64)
}

/// `patchVaryHeaders`'s new header value.
#[wasm_bindgen(js_name = __patchVary, skip_typescript)]
pub fn patch_vary(existing: Option<String>, names: Vec<String>) -> String {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    http::patch_vary_headers(existing.as_deref(), &names)
}

/// `hasVaryHeader` over a `Vary` value.
#[wasm_bindgen(js_name = __hasVary, skip_typescript)]
pub fn has_vary(vary: Option<String>, name: &str) -> bool {
    http::has_vary_header(vary.as_deref(), name)
}

/// Django's `http_date` of seconds since the epoch.
#[wasm_bindgen(js_name = __httpDate, skip_typescript)]
pub fn http_date(seconds: f64) -> Result<String, JsValue> {
    // NaN too (not below the bound).
    if seconds.is_nan() || seconds >= http::NO_HTTP_DATE {
        return Err(super::errors::to_js(Error::invalid(
            "INVALID_TIMEOUT",
            "the timeout makes an Expires past year 9999, which no HTTP date can name (Django raises ValueError)",
        )));
    }
    Ok(http::http_date(seconds))
}

fn suffix(language: Option<String>, time_zone: Option<String>) -> KeySuffix {
    KeySuffix {
        language,
        time_zone,
    }
}

/// The header-list key of a URL.
#[wasm_bindgen(js_name = __headerKey, skip_typescript)]
pub fn header_key(
    prefix: &str,
    url: &str,
    language: Option<String>,
    time_zone: Option<String>,
) -> String {
    http::header_key(prefix, url, &suffix(language, time_zone))
}

/// The page key of a request: `values` are the learned headers' values (`null` if absent).
#[wasm_bindgen(js_name = __pageKey, skip_typescript)]
pub fn page_key(
    prefix: &str,
    method: &str,
    url: &str,
    values: Array,
    language: Option<String>,
    time_zone: Option<String>,
    django_format: bool,
) -> String {
    let owned: Vec<Option<String>> = values.iter().map(|v| v.as_string()).collect();
    let refs: Vec<Option<&str>> = owned.iter().map(Option::as_deref).collect();
    let format = if django_format {
        http::KeyFormat::Django
    } else {
        http::KeyFormat::Unambiguous
    };
    http::page_key(
        prefix,
        method,
        url,
        &refs,
        &suffix(language, time_zone),
        format,
    )
}

/// The header list `learnCacheKey` stores for a response's `Vary`.
#[wasm_bindgen(js_name = __learnList, skip_typescript)]
pub fn learn_list(vary: Option<String>, language: bool) -> Vec<String> {
    http::learn_header_list(vary.as_deref(), language)
}

fn text(facts: &JsValue, name: &str) -> Result<Option<String>, Error> {
    Ok(prop(facts, name)?.as_string())
}

fn flag(facts: &JsValue, name: &str) -> Result<bool, Error> {
    Ok(prop(facts, name)?.is_truthy())
}

/// The UpdateCache decision: `null` (return the response untouched) or
/// `{ timeout, varyAuthorization, store, stripSetCookie }`.
#[wasm_bindgen(js_name = __storePolicy, skip_typescript)]
pub fn store_policy(facts: JsValue) -> Result<JsValue, JsValue> {
    let page_timeout = prop(&facts, "pageTimeout").js()?;
    let f = ResponseFacts {
        status: prop(&facts, "status").js()?.as_f64().unwrap_or(0.0) as u16,
        streaming: flag(&facts, "streaming").js()?,
        sets_cookie: flag(&facts, "setsCookie").js()?,
        cache_control: text(&facts, "cacheControl").js()?,
        vary: text(&facts, "vary").js()?,
        authorization: flag(&facts, "authorization").js()?,
        cookie: flag(&facts, "cookie").js()?,
        page_timeout: page_timeout.as_f64(),
        cache_timeout: prop(&facts, "cacheTimeout").js()?.as_f64().unwrap_or(600.0),
        strip_set_cookie: flag(&facts, "stripSetCookie").js()?,
        unkeyed_override: flag(&facts, "unkeyedOverride").js()?,
        has_expires: flag(&facts, "hasExpires").js()?,
        now: prop(&facts, "now").js()?.as_f64().unwrap_or(0.0),
    };
    Ok(match http::store_policy(&f) {
        StorePolicy::Untouched => JsValue::NULL,
        StorePolicy::Patch {
            timeout,
            vary_authorization,
            store,
            strip_set_cookie,
        } => {
            let out = Object::new();
            for (name, value) in [
                ("timeout", JsValue::from_f64(timeout)),
                ("varyAuthorization", JsValue::from_bool(vary_authorization)),
                ("store", JsValue::from_bool(store)),
                ("stripSetCookie", JsValue::from_bool(strip_set_cookie)),
            ] {
                super::boundary::define_own(&out, name, &value);
            }
            out.into()
        }
    })
}

/// The instant (seconds) at which a stored response's Age is 0, or `undefined`.
#[wasm_bindgen(js_name = __ageOrigin, skip_typescript)]
pub fn age_origin(cache_control: Option<String>, expires: Option<String>) -> Option<f64> {
    http::age_origin(cache_control.as_deref(), expires.as_deref()).map(|o| o as f64)
}

/// The Age at `now` (seconds) of a response whose age is 0 at `origin`.
#[wasm_bindgen(js_name = __ageAt, skip_typescript)]
pub fn age_at(origin: f64, now: f64) -> f64 {
    http::age_at(origin as i64, now) as f64
}

/// Whether a stored response (its Cache-Control and Vary) may answer a request.
#[wasm_bindgen(js_name = __mayServe, skip_typescript)]
pub fn may_serve(authorization: bool, cache_control: Option<String>, vary: Option<String>) -> bool {
    http::may_serve(authorization, cache_control.as_deref(), vary.as_deref())
}

/// True when the request's validators match the cached response (answer 304).
#[wasm_bindgen(js_name = __notModified, skip_typescript)]
pub fn not_modified(
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
) -> bool {
    http::not_modified(
        if_none_match.as_deref(),
        if_modified_since.as_deref(),
        etag.as_deref(),
        last_modified.as_deref(),
    )
}

/// Where a stored response stands: 0 fresh, 1 stale (serve, refresh), 2 stale if error, 3 expired.
#[wasm_bindgen(js_name = __freshness, skip_typescript)]
pub fn freshness(now: f64, fresh_until: f64, swr: f64, sie: f64) -> u8 {
    http::freshness(now, fresh_until, swr, sie) as u8
}

/// `[staleWhileRevalidate, staleIfError]` of a response, the options as defaults.
#[wasm_bindgen(js_name = __staleWindows, skip_typescript)]
pub fn stale_windows(cache_control: Option<String>, swr: f64, sie: f64, timeout: f64) -> Vec<f64> {
    let (swr, sie) = http::stale_windows(cache_control.as_deref(), swr, sie);
    vec![swr, sie, http::kept_for(timeout, swr, sie)]
}

/// A strong ETag for a body.
#[wasm_bindgen(js_name = __etag, skip_typescript)]
pub fn etag(body: &[u8]) -> String {
    http::etag_for(body)
}
