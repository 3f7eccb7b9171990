//! Records back to values: opening (and assembling chunked) records read back, which are
//! untrusted, retiming and incrementing them, and keeping the memory tier in step. Sealing a
//! value into a record is seal.rs.

use super::{set, CacheCore, Live, TOMBSTONE};
use crate::cache::meta::WriteMeta;
use crate::interop::django;
use crate::persist::record::{self, Record};
use crate::persist::{self, Opened};
use crate::wasm::args;
use crate::wasm::boundary;
use crate::wasm::errors::{to_js, IntoJs};
use crate::wasm::values;
use crate::{codec::Numeric, Error, Timeout};
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

impl CacheCore {
    /// Copies a live value into the memory tier for at most `localTimeout` seconds, with
    /// the record's tags (so invalidation finds it) and timing (so XFetch can use it).
    pub(super) fn fill(&self, made: &str, value: &[u8], r: &Record) {
        // No tier, no clock read (a call into JS). The clock is read before the tier is
        // borrowed: a user's clock may call back into the cache.
        if self.tier.borrow().is_none() {
            return;
        }
        self.fill_at(made, value, r, self.clock.now());
    }

    /// [`CacheCore::fill`] at `now` (seconds), a clock reading the caller already took: the
    /// tier shares this cache's clock.
    pub(super) fn fill_at(&self, made: &str, value: &[u8], r: &Record, now: f64) {
        let until = persist::tier_expiry(r.expires, now, self.local_timeout);
        let mut tier = self.tier.borrow_mut();
        let Some(tier) = tier.as_mut() else {
            return;
        };
        let timeout = Timeout::Seconds(until - now);
        if r.tags.is_empty() && r.delta == 0.0 {
            tier.insert_at(made, value, timeout, now);
        } else {
            let m = WriteMeta {
                tags: r.tags.clone(),
                stale: 0.0,
                delta: f64::from(r.delta) / 1000.0,
            };
            tier.fill_with(made, value, timeout, r.expires / 1000.0, &m);
        }
    }

    /// Decodes a record: `None` when absent or past its serve-stale window, `Err` when
    /// corrupt.
    pub(super) fn live(&self, made: &str, bytes: Option<Vec<u8>>) -> Result<Option<Live>, Error> {
        self.live_for(made, bytes, None)
    }

    /// [`Self::live`] with the seconds the store says the key has left (`store_ttl`), the
    /// expiry of a value in Django's format, whose bytes carry none.
    fn live_for(
        &self,
        made: &str,
        bytes: Option<Vec<u8>>,
        store_ttl: Option<f64>,
    ) -> Result<Option<Live>, Error> {
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let now = self.now_ms();
        let r = match self.django {
            // Django's value has no envelope: the store's own TTL is its expiry.
            Some(backend) => {
                let mut r = Record::new(
                    django::value_of_with(backend, &bytes, args::JS_FLOATS)?,
                    now,
                    store_ttl
                        .filter(|t| *t >= 0.0)
                        .map_or(f64::INFINITY, |t| now + t * 1000.0),
                );
                // The TTL unknown (not asked, or not answered): marked so that the memory tier
                // does not keep it; a never-expiring key's TTL is an infinity.
                if store_ttl.is_none() {
                    r.expires = f64::NAN;
                }
                r
            }
            None => record::decode(&bytes, made)?,
        };
        Ok(if !r.is_expired(now) {
            Some(Live::Fresh(r))
        } else if r.stale_until > now {
            Some(Live::Stale(r))
        } else {
            None
        })
    }

    /// A fresh record (stale ones read as absent).
    pub(super) fn fresh(
        &self,
        made: &str,
        bytes: Option<Vec<u8>>,
    ) -> Result<Option<Record>, Error> {
        Ok(match self.live(made, bytes)? {
            Some(Live::Fresh(r)) => Some(r),
            _ => None,
        })
    }

    pub(super) fn hit(value: JsValue) -> JsValue {
        boundary::hit_of(&value)
    }

    pub(super) fn corrupt(error: Error) -> JsValue {
        let out = Object::new();
        set(&out, "corrupt", &to_js(error));
        out.into()
    }

    pub(super) fn finish_value(
        &self,
        made: &str,
        value: Vec<u8>,
        live: &Live,
        options: &JsValue,
    ) -> JsValue {
        let decoded = match values::decode(&value) {
            Ok(v) => v,
            Err(e) => return Self::corrupt(e),
        };
        let r = match live {
            // A value in Django's format whose TTL the store did not say (an add's or a touch's
            // read) is not kept: the tier would not know when it expires.
            Live::Fresh(r) if self.django.is_some() && r.expires.is_nan() => r,
            Live::Fresh(r) => {
                self.fill(made, &value, r);
                r
            }
            Live::Stale(r) => r,
        };
        if options.is_undefined() {
            return match live {
                Live::Fresh(_) => Self::hit(decoded),
                Live::Stale(_) => JsValue::UNDEFINED,
            };
        }
        let policy = match args::refresh_policy(options) {
            Ok(p) => p,
            Err(e) => return Self::corrupt(e),
        };
        let state = crate::serve_state(
            self.clock.now(),
            r.expires / 1000.0,
            f64::from(r.delta) / 1000.0,
            &policy,
            &mut self.rng.borrow_mut(),
        );
        if state == crate::Serve::Miss {
            return JsValue::UNDEFINED;
        }
        args::served(decoded, state)
    }

    /// The checks every record read passes before its body: tags, then expiry.
    pub(super) fn judge(
        &self,
        made: &str,
        bytes: Option<Vec<u8>>,
        store_ttl: Option<f64>,
    ) -> Result<Option<Live>, JsValue> {
        let live = match self.live_for(made, bytes, store_ttl) {
            Ok(Some(l)) => l,
            Ok(None) => return Ok(None),
            Err(e) => return Err(Self::corrupt(e)),
        };
        let (Live::Fresh(r) | Live::Stale(r)) = &live;
        if !r.tags.is_empty() {
            let unknown = self.unknown_stamps(r);
            if !unknown.is_empty() {
                return Err(self.need_stamps(unknown));
            }
            if self.invalidated(r) {
                let out = Object::new();
                set(&out, "invalidated", &JsValue::TRUE);
                return Err(out.into());
            }
        }
        Ok(Some(live))
    }
}

#[wasm_bindgen]
impl CacheCore {
    /// Keeps a record this cache just wrote in the memory tier (after a successful `add`).
    pub fn remember(&self, made: &str, bytes: Vec<u8>) {
        if let Ok(Some(r)) = self.fresh(made, Some(bytes)) {
            if let Ok(Opened::Value(value)) = persist::open(made, &r, &self.limits) {
                self.fill(made, &value, &r);
            }
        }
    }

    /// Opens a record read from the store: `undefined` (absent or expired), `{ value }`
    /// (also kept in the memory tier), `{ chunks }` (store keys to fetch, then
    /// [`CacheCore::assemble`]), `{ stamps }` (tag stamps to fetch, then
    /// [`CacheCore::learn_stamps`] and open again), `{ invalidated }` (a miss) or
    /// `{ corrupt }` (an Error to report; a miss). With getOrSet's `options`, a value is
    /// `{ value, state }` and a stale one inside its windows is served too. `store_ttl`: the
    /// seconds the store says the key has left, the expiry of a value in Django's format.
    pub fn open(
        &self,
        made: &str,
        bytes: Option<Vec<u8>>,
        options: JsValue,
        store_ttl: Option<f64>,
    ) -> JsValue {
        let live = match self.judge(made, bytes, store_ttl) {
            Ok(Some(l)) => l,
            Ok(None) => return JsValue::UNDEFINED,
            Err(answer) => return answer,
        };
        let (Live::Fresh(r) | Live::Stale(r)) = &live;
        match persist::open(made, r, &self.limits) {
            Ok(Opened::Value(value)) => self.finish_value(made, value, &live, &options),
            Ok(Opened::Chunks(keys)) => {
                let out = Object::new();
                let list: Array = keys.into_iter().map(JsValue::from).collect();
                set(&out, "chunks", &list.into());
                out.into()
            }
            Err(e) => Self::corrupt(e),
        }
    }

    /// Joins the chunks of a chunked record (`null` for a missing chunk): `{ value }`,
    /// `undefined` or `{ corrupt }` as [`CacheCore::open`].
    pub fn assemble(&self, made: &str, bytes: Vec<u8>, chunks: Array, options: JsValue) -> JsValue {
        let live = match self.judge(made, Some(bytes), None) {
            Ok(Some(l)) => l,
            Ok(None) => return JsValue::UNDEFINED,
            Err(answer) => return answer,
        };
        let (Live::Fresh(r) | Live::Stale(r)) = &live;
        let mut parts = Vec::with_capacity(chunks.length() as usize);
        for c in chunks.iter() {
            match c.dyn_into::<Uint8Array>() {
                Ok(a) => parts.push(a.to_vec()),
                Err(_) => return Self::corrupt(Error::Corrupt("missing chunk".into())),
            }
        }
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        match persist::assemble(r, &refs) {
            Ok(value) => self.finish_value(made, value, &live, &options),
            Err(e) => Self::corrupt(e),
        }
    }

    /// A live record with a new expiry from now (`touch`): `{ record, chunks, ttl }`,
    /// `undefined` when absent or expired, `null` for a chunked record (rewrite it whole),
    /// `{ corrupt }` for bytes that are not a record.
    pub fn retime(
        &self,
        made: &str,
        bytes: Option<Vec<u8>>,
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (timeout, _) = args::write_options(&timeout_or_options).js()?;
        let mut r = match self.fresh(made, bytes) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(JsValue::UNDEFINED),
            Err(e) => return Ok(Self::corrupt(e)),
        };
        let Ok(Opened::Value(value)) = persist::open(made, &r, &self.limits) else {
            return Ok(JsValue::NULL);
        };
        let now = self.clock.now();
        r.expires = self.expires_at(timeout, now) * 1000.0;
        r.stale_until = r.expires;
        r.body = record::Body::Inline(value.clone());
        r.compressed = false;
        let out = self.seal_record(made, r.clone(), now * 1000.0, false)?;
        self.fill(made, &value, &r);
        Ok(out)
    }

    /// `incr` on a record read from the store, keeping its expiry: `{ record, chunks, ttl,
    /// value }`. Throws Django's errors for a missing key or a value that is not a number.
    pub fn incr(
        &self,
        made: &str,
        bytes: Option<Vec<u8>>,
        delta: JsValue,
        negate: bool,
    ) -> Result<JsValue, JsValue> {
        let delta = args::delta(&delta).js()?;
        let delta = if negate { delta.negated() } else { delta };
        // Django's own Redis and memcached backends increment in the server (INCRBY, incr),
        // which counts only what Django stored as an int: decided on the stored bytes.
        let in_server = match (self.django, bytes.as_deref()) {
            (Some(backend), Some(stored)) => {
                crate::interop::counters::server_incr(backend, stored, &delta, made)
            }
            _ => None,
        };
        let Ok(Some(mut r)) = self.fresh(made, bytes) else {
            return Err(to_js(Error::KeyNotFound(made.to_string())));
        };
        let sum = match in_server {
            Some(sum) => sum.map_err(to_js)?,
            None => {
                let current = match persist::open(made, &r, &self.limits) {
                    Ok(Opened::Value(value)) => Numeric::counter(&value),
                    _ => None,
                };
                // django-redis reads, adds and writes Python numbers: ints of any size, an int
                // added to a float is a float.
                let python = current.as_ref().and_then(|c| c.python_add(&delta));
                match (self.django, python) {
                    (Some(_), Some(sum)) => sum,
                    _ => Numeric::add_stored(current, &delta, made).map_err(to_js)?,
                }
            }
        };
        let value = sum.to_value();
        r.value_type = value[0];
        r.body = record::Body::Inline(value.clone());
        r.compressed = false;
        let out = self.seal_record(made, r.clone(), self.now_ms(), false)?;
        set(out.unchecked_ref(), "value", &args::numeric_value(&sum));
        if self.django.is_some() {
            // Django's bytes carry no expiry: the store keeps the key's own TTL, as Redis's
            // INCRBY and memcached's incr do (a write without one made the key live for good),
            // and the memory tier, which does not know it, forgets the key (the next read asks
            // the store, with its TTL).
            set(out.unchecked_ref(), "keepTtl", &JsValue::TRUE);
            self.forget(made);
        } else {
            self.fill(made, &value, &r);
        }
        Ok(out)
    }

    /// The memory tier's answer for getOrSet with refresh options: `undefined` (ask the
    /// store), `null` (deleted here) or `{ value, state }`.
    #[wasm_bindgen(js_name = localStale)]
    pub fn local_stale(&self, made: &str, options: JsValue) -> Result<JsValue, JsValue> {
        let policy = args::refresh_policy(&options).js()?;
        let now = self.clock.now();
        let read = match self.tier.borrow_mut().as_mut() {
            Some(tier) => tier.get_stale(made),
            None => return Ok(JsValue::UNDEFINED),
        };
        let Some(read) = read else {
            return Ok(JsValue::UNDEFINED);
        };
        if read.value == TOMBSTONE {
            return Ok(JsValue::NULL);
        }
        let state = crate::serve_state(
            now,
            read.expires,
            read.delta,
            &policy,
            &mut self.rng.borrow_mut(),
        );
        if state != crate::Serve::Fresh && state != crate::Serve::Early {
            // Stale windows are judged on the store's record.
            return Ok(JsValue::UNDEFINED);
        }
        Ok(args::served(values::decode(&read.value).js()?, state))
    }
}
