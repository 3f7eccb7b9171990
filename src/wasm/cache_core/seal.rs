//! Sealing a value into a record for the store: its bytes, the store key, chunks and the
//! physical TTL, and keeping the memory tier in step with what was written.

use super::{CacheCore, Record};
use crate::interop::django::{self, Backend};
use crate::persist::{self, record, Sealed};
use crate::wasm::args;
use crate::wasm::boundary;
use crate::wasm::errors::{to_js, IntoJs};
use crate::{Error, Timeout};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

/// Django's bytes for a record's value: no envelope, so what a record carries beyond the value
/// (tags, a serve-stale window, chunks) cannot be kept and is refused. A factory's measured
/// cost (`delta`, kept for early refresh) is only a hint: left out (`beta` is refused instead).
fn django_sealed(
    backend: Backend,
    record: &Record,
    limits: &persist::StoreLimits,
) -> Result<Sealed, Error> {
    if !record.tags.is_empty() || record.stale_until > record.expires {
        return Err(Error::invalid(
            "UNSUPPORTED_OPERATION",
            "format \"django\" stores Django's own values: tags, serve-stale windows and early refresh have nowhere to go",
        ));
    }
    let record::Body::Inline(value) = &record.body else {
        return Err(Error::Corrupt(
            "a chunked record in format \"django\"".into(),
        ));
    };
    let bytes = django::store_bytes_with(backend, value, args::JS_FLOATS)?;
    if bytes.len() > limits.max_value_bytes {
        return Err(Error::ValueTooLarge {
            size: bytes.len(),
            limit: limits.max_value_bytes,
        });
    }
    Ok(Sealed {
        record: bytes,
        chunks: Vec::new(),
    })
}

impl CacheCore {
    /// The expiry (seconds) of a write at `now`: in Django's format, as its backend keeps it.
    pub(super) fn expires_at(&self, timeout: Timeout, now: f64) -> f64 {
        match self.django {
            Some(backend) => backend.expires_at(timeout, self.config.default_timeout, now),
            None => timeout.expires_at(self.config.default_timeout, now),
        }
    }

    /// The JS object of a sealed record: `{ key, record, chunks: [[key, bytes]], expired, ttl }`
    /// (`key`: the store key of `made`); the store keeps it until `keep_ms` (the end of its
    /// serve-stale window).
    pub(super) fn sealed_object(
        &self,
        made: &str,
        sealed: Sealed,
        times: (f64, f64, f64),
        echo: bool,
    ) -> JsValue {
        let (expires_ms, keep_ms, now) = times;
        let chunks = if sealed.chunks.is_empty() {
            JsValue::NULL
        } else {
            let list = Array::new();
            for (key, bytes) in &sealed.chunks {
                list.push(&Array::of2(
                    &key.into(),
                    &Uint8Array::from(&bytes[..]).into(),
                ));
            }
            list.into()
        };
        let ttl = persist::physical_ttl(keep_ms.max(expires_ms), now, self.limits.min_ttl);
        let key = crate::store_key(made, self.limits.max_key_bytes);
        boundary::sealed_record(
            echo.then_some(made),
            (!echo || key != made).then_some(&key),
            &sealed.record,
            chunks,
            expires_ms <= now,
            ttl.unwrap_or(f64::NAN),
        )
    }

    /// `now`: the caller's clock reading (ms), so a write reads the clock once; `echo`: the
    /// object carries `made` too (for a caller that has not had it).
    pub(super) fn seal_record(
        &self,
        made: &str,
        record: Record,
        now: f64,
        echo: bool,
    ) -> Result<JsValue, JsValue> {
        let (expires, keep) = (record.expires, record.stale_until);
        let sealed = match self.django {
            Some(backend) => django_sealed(backend, &record, &self.limits).js()?,
            None => persist::seal(made, record, &self.limits).js()?,
        };
        Ok(self.sealed_object(made, sealed, (expires, keep, now), echo))
    }
}

#[wasm_bindgen]
impl CacheCore {
    /// Encodes `value` into a record with the write's timeout: `{ key, record, chunks,
    /// expired, ttl }`. With `remember`, the memory tier keeps the value (read-your-writes).
    pub fn seal(
        &self,
        made: &str,
        value: JsValue,
        timeout_or_options: JsValue,
        remember: bool,
    ) -> Result<JsValue, JsValue> {
        let (timeout, _) = args::write_options(&timeout_or_options).js()?;
        self.seal_with(made, &value, timeout, &timeout_or_options, remember, false)
    }

    /// `writeKey(key, timeout)` then `seal(made, value, timeout, true)` in one call: the
    /// sealed record also carries `made`, which then never crosses back into wasm (a set).
    #[wasm_bindgen(js_name = sealNew)]
    pub fn seal_new(
        &self,
        key: JsValue,
        value: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue> {
        // The options are read once, for the key's version and the record's timeout.
        let (timeout, version) = args::write_options(&timeout_or_options).js()?;
        let made = self.keys.make(&self.config, &key, version)?;
        self.seal_with(&made, &value, timeout, &timeout_or_options, true, true)
    }
}

impl CacheCore {
    /// `seal` with the write's `timeout` already read from `timeout_or_options` (which still
    /// gives the tags and windows).
    fn seal_with(
        &self,
        made: &str,
        value: &JsValue,
        timeout: Timeout,
        timeout_or_options: &JsValue,
        remember: bool,
        echo: bool,
    ) -> Result<JsValue, JsValue> {
        let meta = args::write_meta(timeout_or_options).js()?;
        // Early refresh reads the factory's cost from the record, which Django's bytes lack.
        if self.django.is_some()
            && args::refresh_policy(timeout_or_options)
                .js()?
                .beta
                .is_some()
        {
            return Err(to_js(Error::invalid(
                "UNSUPPORTED_OPERATION",
                "format \"django\" stores Django's own values: early refresh (beta) needs the factory's cost, which they cannot carry",
            )));
        }
        let bytes = match super::super::boundary::encode(value, usize::MAX)? {
            super::super::boundary::Encoded::Bytes(bytes) => bytes,
            super::super::boundary::Encoded::TooLarge(size) => {
                return Err(to_js(Error::OutOfMemory(size)))
            }
        };
        // Sealing copies the value a few times (record, chunks, the memory tier): make sure
        // wasm memory can hold that much first, so running out is a coded error, not a trap.
        drop(super::super::boundary::reserve(
            bytes.len().saturating_mul(4),
        )?);
        let now = self.clock.now();
        let mut expires = self.expires_at(timeout, now);
        if self.config.jitter > 0.0 && expires.is_finite() && expires > now {
            expires = now
                + crate::jittered(
                    expires - now,
                    self.config.jitter,
                    &mut self.rng.borrow_mut(),
                );
        }
        let expires = expires * 1000.0;
        let mut r = Record::new(bytes.clone(), now * 1000.0, expires);
        if expires > now * 1000.0 {
            r.stale_until = expires + meta.stale * 1000.0;
        }
        r.delta = (meta.delta * 1000.0) as f32;
        // Written after the last invalidation of its tags that this instance knows of, even
        // within the same millisecond.
        r.created = r.created.max(self.latest_stamp(&meta.tags) + 0.001);
        r.tags = meta.tags;
        let out = self.seal_record(made, r.clone(), now * 1000.0, echo)?;
        if remember {
            self.fill_at(made, &bytes, &r, now);
        }
        Ok(out)
    }
}
