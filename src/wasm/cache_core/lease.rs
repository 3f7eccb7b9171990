//! The binding of leases (`persist::lease`): getOrSet's `lock` option, lease keys and the
//! lease bytes js/lease.js puts in the store by compare-and-swap.

use super::CacheCore;
use crate::persist::lease::{self, LeasePolicy};
use crate::wasm::args::{known_options, prop};
use crate::wasm::errors::IntoJs;
use crate::Error;
use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;

/// `lock`: absent or `false` (no lease), `true` (the defaults) or `{ ttl, wait }` (seconds).
pub(crate) fn lock_policy(options: &JsValue) -> Result<Option<LeasePolicy>, Error> {
    if !options.is_object() {
        return Ok(None);
    }
    let lock = prop(options, "lock")?;
    if lock.is_undefined() || lock.is_null() || lock == JsValue::FALSE {
        return Ok(None);
    }
    if lock == JsValue::TRUE {
        return Ok(Some(LeasePolicy::default()));
    }
    if !lock.is_object() || super::super::boundary::is_array(&lock) {
        return Err(Error::invalid(
            "INVALID_OPTIONS",
            "lock must be true, false or { ttl, wait } (seconds)",
        ));
    }
    known_options(&lock, &["ttl", "wait"])?;
    let number = |name: &str| -> Result<Option<f64>, Error> {
        let v = prop(&lock, name)?;
        if v.is_undefined() {
            return Ok(None);
        }
        v.as_f64().map(Some).ok_or_else(|| {
            Error::invalid(
                "INVALID_OPTIONS",
                format!("lock.{name} must be a number of seconds"),
            )
        })
    };
    LeasePolicy::new(number("ttl")?, number("wait")?).map(Some)
}

/// Checks a `lock` option where it is given (the HTTP helpers, at construction).
#[wasm_bindgen(js_name = __checkLock, skip_typescript)]
pub fn check_lock(lock: JsValue) -> Result<(), JsValue> {
    let options: JsValue = Object::new().into();
    crate::wasm::boundary::define_own(&options, "lock", &lock);
    lock_policy(&options).js()?;
    Ok(())
}

#[wasm_bindgen]
impl CacheCore {
    /// `[ttl, wait, storeTtl]` (seconds) of the `lock` option of `options`, or undefined.
    #[wasm_bindgen(js_name = leasePolicy)]
    pub fn lease_policy(&self, options: &JsValue) -> Result<JsValue, JsValue> {
        Ok(match lock_policy(options).js()? {
            None => JsValue::UNDEFINED,
            Some(p) => {
                let out = js_sys::Float64Array::new_with_length(3);
                out.copy_from(&[p.ttl, p.wait, p.store_ttl(self.limits.min_ttl)]);
                out.into()
            }
        })
    }

    /// The store key of the lease on a made key.
    #[wasm_bindgen(js_name = leaseKey)]
    pub fn lease_key(&self, made: &str) -> String {
        crate::persist::lease_key(made, self.limits.max_key_bytes)
    }

    /// A new lease of `ttl` seconds from now (the cache's clock), with a random token.
    #[wasm_bindgen(js_name = leaseGrant)]
    pub fn lease_grant(&self, ttl: f64) -> Result<Uint8Array, JsValue> {
        let mut token = [0u8; 16];
        getrandom::getrandom(&mut token)
            .map_err(|_| {
                Error::invalid(
                    "UNSUPPORTED_OPERATION",
                    "no random source for a lease token",
                )
            })
            .js()?;
        Ok(Uint8Array::from(
            &lease::grant(self.now_ms(), ttl, token)[..],
        ))
    }

    /// True when `bytes` (read from the lease key) is a lease another holder still holds.
    #[wasm_bindgen(js_name = leaseLive)]
    pub fn lease_live(&self, bytes: &[u8]) -> bool {
        lease::is_live(bytes, self.now_ms())
    }
}
