//! The JS clock: `Date.now()`, or the user's `{ now(): number }` (milliseconds).

use crate::Clock;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Reads milliseconds from JS and gives the core seconds.
pub struct JsClock {
    user: Option<(Object, Function)>,
}

impl JsClock {
    /// `Date.now()`.
    pub fn system() -> Self {
        JsClock { user: None }
    }

    /// The user's clock object, whose `now()` returns milliseconds like `Date.now()`.
    pub fn from_object(clock: &JsValue) -> Option<Self> {
        let now = Reflect::get(clock, &"now".into()).ok()?;
        let now: Function = now.dyn_into().ok()?;
        Some(JsClock {
            user: Some((clock.clone().unchecked_into(), now)),
        })
    }
}

impl Clock for JsClock {
    fn now(&self) -> f64 {
        let ms = match &self.user {
            None => js_sys::Date::now(),
            // A clock that throws or returns a non-number, NaN or an infinity falls back to
            // the wall clock (NaN would make every expiry test false).
            Some((this, now)) => now
                .call0(this)
                .ok()
                .and_then(|v| {
                    super::boundary::quiet(&v, "clock", None);
                    v.as_f64()
                })
                .filter(|ms| ms.is_finite())
                .unwrap_or_else(js_sys::Date::now),
        };
        ms / 1000.0
    }
    fn is_pure(&self) -> bool {
        self.user.is_none()
    }
}
