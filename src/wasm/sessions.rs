//! The session rules of the core for js/sessions.js: keys, the cookie lines, expiry and the
//! middleware's decisions. Internal: not part of the typed public API.

use super::errors::IntoJs;
use crate::web::http::{cookie_value, CookieSettings};
use crate::{
    cookie_keeps_key, is_session_key, new_session_key, session_plan, SessionExpiry, SessionFacts,
};
use wasm_bindgen::prelude::*;

/// Plan bits returned by `plan`.
const VARY: u8 = 1;
const DELETE: u8 = 2;
const SAVE: u8 = 4;
const DROP: u8 = 8;

/// The session cookie of one `sessions()` wrapper.
#[wasm_bindgen(js_name = __SessionCookie, skip_typescript)]
pub struct SessionCookie {
    settings: CookieSettings,
}

#[wasm_bindgen(js_class = __SessionCookie)]
impl SessionCookie {
    /// Checks the cookie settings (name, `SameSite`, no `;` in domain or path).
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: &str,
        domain: Option<String>,
        path: &str,
        secure: bool,
        http_only: bool,
        same_site: Option<String>,
    ) -> Result<SessionCookie, JsValue> {
        let settings = CookieSettings::new(
            name,
            domain.as_deref(),
            path,
            secure,
            http_only,
            same_site.as_deref(),
        )
        .js()?;
        Ok(SessionCookie { settings })
    }

    /// The cookie's value in a `Cookie` header, if the header has the cookie.
    pub fn read(&self, header: Option<String>) -> Option<String> {
        cookie_value(header.as_deref()?, &self.settings.name)
    }

    /// The `Set-Cookie` line for `key`: `maxAge` seconds (undefined: a browser-session cookie).
    #[wasm_bindgen(js_name = setCookie)]
    pub fn set_cookie(&self, key: &str, max_age: Option<f64>, now_seconds: f64) -> String {
        self.settings.set_cookie(key, max_age, now_seconds)
    }

    /// The `Set-Cookie` line deleting the cookie.
    #[wasm_bindgen(js_name = deleteCookie)]
    pub fn delete_cookie(&self) -> String {
        self.settings.delete_cookie()
    }
}

/// A new random session key.
#[wasm_bindgen(js_name = __newSessionKey, skip_typescript)]
pub fn new_key() -> String {
    new_session_key()
}

/// Whether `key` has the session key form.
#[wasm_bindgen(js_name = __isSessionKey, skip_typescript)]
pub fn is_key(key: &str) -> bool {
    is_session_key(key)
}

/// Whether Django keeps the cookie's `value` as the session key until it loads.
#[wasm_bindgen(js_name = __sessionCookieKeepsKey, skip_typescript)]
pub fn cookie_keeps(value: &str) -> bool {
    cookie_keeps_key(value)
}

/// `kind` 0 default, 1 seconds, 2 a moment in ms (`value`).
fn expiry(kind: u8, value: f64) -> SessionExpiry {
    match kind {
        1 if value.is_finite() => SessionExpiry::Seconds(value),
        2 if value.is_finite() => SessionExpiry::At(value),
        _ => SessionExpiry::Default,
    }
}

/// Django's `get_expiry_age` in seconds.
#[wasm_bindgen(js_name = __sessionExpiryAge, skip_typescript)]
pub fn expiry_age(kind: u8, value: f64, cookie_age: f64, now_ms: f64) -> f64 {
    expiry(kind, value).age(cookie_age as i64, now_ms)
}

/// Django's `get_expire_at_browser_close`.
#[wasm_bindgen(js_name = __sessionAtBrowserClose, skip_typescript)]
pub fn at_browser_close(kind: u8, value: f64, default: bool) -> bool {
    expiry(kind, value).at_browser_close(default)
}

/// `SessionMiddleware.process_response`'s decisions as bits: 1 vary, 2 delete cookie, 4 save,
/// 8 delete the stored data.
#[wasm_bindgen(js_name = __sessionPlan, skip_typescript)]
#[allow(clippy::too_many_arguments)] // flat numbers across the boundary, not an object
pub fn plan(
    had_cookie: bool,
    cookie_key: bool,
    has_key: bool,
    has_data: bool,
    accessed: bool,
    modified: bool,
    save_every_request: bool,
    status: u16,
) -> u8 {
    let p = session_plan(SessionFacts {
        had_cookie,
        cookie_key,
        has_key,
        has_data,
        accessed,
        modified,
        save_every_request,
        status,
    });
    (if p.vary_cookie { VARY } else { 0 })
        | (if p.delete_cookie { DELETE } else { 0 })
        | (if p.save { SAVE } else { 0 })
        | (if p.delete_data { DROP } else { 0 })
}
