//! `CacheCore`: the synchronous half of the async `Cache` (js/cache.js). It makes keys,
//! seals values into records, opens records read back from a store, and keeps the memory
//! tier; the JS side only awaits the store between these calls.

use super::args::{self, prop};
use super::errors::{to_js, IntoJs};
use super::keys::KeyRules;
use super::memory_cache::{stats_object, MemoryCache};
use super::options::{self, bad};
use super::values;
use crate::persist::{self, Opened, Sealed, StoreLimits};
use crate::record::{self, Record};
use crate::{codec::Numeric, CacheConfig, Clock, Error, LocMemCache, Timeout};
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

const KNOWN: [&str; 12] = [
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
];

/// A memory-tier entry that says "deleted here": reads miss without asking the store.
const TOMBSTONE: &[u8] = &[0];

/// Keys, records and the memory tier of one async Cache (internal: js/cache.js wraps it).
#[wasm_bindgen(skip_typescript)]
pub struct CacheCore {
    config: CacheConfig,
    keys: KeyRules,
    clock: Rc<dyn Clock>,
    tier: Option<LocMemCache>,
    limits: StoreLimits,
    local_timeout: f64,
}

fn set(object: &Object, name: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(object, &name.into(), value);
}

fn number(options: &JsValue, name: &str, default: f64, min: f64) -> Result<f64, Error> {
    let v = prop(options, name)?;
    if v.is_undefined() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(x) if x >= min && x.is_finite() => Ok(x),
        _ => Err(bad(name, &format!("a number of at least {min}"), &v)),
    }
}

fn parse_limits(options: &JsValue, store: &JsValue) -> Result<(StoreLimits, f64), Error> {
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

impl CacheCore {
    fn now_ms(&self) -> f64 {
        self.clock.now() * 1000.0
    }

    /// The JS object of a sealed record: `{ record, chunks: [[key, bytes]], ttl }`.
    fn sealed_object(&self, sealed: Sealed, expires_ms: f64) -> JsValue {
        let out = Object::new();
        set(&out, "record", &Uint8Array::from(&sealed.record[..]).into());
        let chunks = Array::new();
        for (key, bytes) in &sealed.chunks {
            let pair = Array::of2(&key.into(), &Uint8Array::from(&bytes[..]).into());
            chunks.push(&pair);
        }
        set(&out, "chunks", &chunks.into());
        let now = self.now_ms();
        set(&out, "expired", &JsValue::from_bool(expires_ms <= now));
        let ttl = persist::physical_ttl(expires_ms, now, self.limits.min_ttl);
        set(
            &out,
            "ttl",
            &ttl.map_or(JsValue::UNDEFINED, JsValue::from_f64),
        );
        out.into()
    }

    fn seal_record(&self, made: &str, record: Record) -> Result<JsValue, JsValue> {
        let expires = record.expires;
        let sealed = persist::seal(made, record, &self.limits).js()?;
        Ok(self.sealed_object(sealed, expires))
    }

    /// Copies a live value into the memory tier for at most `localTimeout` seconds.
    fn fill(&mut self, made: &str, value: &[u8], expires_ms: f64) {
        let now = self.clock.now();
        let until = persist::tier_expiry(expires_ms, now, self.local_timeout);
        if let Some(tier) = &mut self.tier {
            tier.insert(made, value, Timeout::Seconds(until - now));
        }
    }

    /// A live record's value, or `None` when absent, expired or corrupt (`Err`).
    fn live(&self, bytes: Option<Vec<u8>>) -> Result<Option<Record>, Error> {
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let r = record::decode(&bytes)?;
        Ok((!r.is_expired(self.now_ms())).then_some(r))
    }

    fn hit(value: JsValue) -> JsValue {
        let out = Object::new();
        set(&out, "value", &value);
        out.into()
    }

    fn corrupt(error: Error) -> JsValue {
        let out = Object::new();
        set(&out, "corrupt", &to_js(error));
        out.into()
    }

    fn finish_value(&mut self, made: &str, value: Vec<u8>, expires: f64) -> JsValue {
        match values::decode(&value) {
            Ok(v) => {
                self.fill(made, &value, expires);
                Self::hit(v)
            }
            Err(e) => Self::corrupt(e),
        }
    }
}

#[wasm_bindgen]
impl CacheCore {
    /// Parses the Cache options (`limits`: the store adapter's `maxKeyBytes`,
    /// `maxValueBytes`, `minTtl`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, limits: JsValue) -> Result<CacheCore, JsValue> {
        let o = options::parse_with(&options, &KNOWN).js()?;
        let (limits, local_timeout) = if options.is_undefined() || options.is_null() {
            parse_limits(&Object::new().into(), &limits).js()?
        } else {
            parse_limits(&options, &limits).js()?
        };
        Ok(CacheCore {
            config: o.config,
            keys: KeyRules::new(o.key_function, o.on_warning, o.strict_keys),
            clock: Rc::new(o.clock),
            tier: None,
            limits,
            local_timeout,
        })
    }

    /// Uses `memory`'s store as the memory tier (its culling rules apply).
    #[wasm_bindgen(js_name = useMemory)]
    pub fn use_memory(&mut self, memory: &MemoryCache) {
        let config = memory.core().config().clone();
        self.tier = Some(LocMemCache::with_store(
            config,
            Rc::clone(&self.clock),
            memory.core().store(),
        ));
    }

    /// The made key for a read (`options`: `{ version }`).
    pub fn key(&mut self, key: JsValue, options: JsValue) -> Result<String, JsValue> {
        let version = args::key_options(&options).js()?;
        Ok(self.keys.make(&self.config, &key, version)?.to_string())
    }

    /// The made key for a write (`timeoutOrOptions`: a timeout or `{ timeout, version }`).
    #[wasm_bindgen(js_name = writeKey)]
    pub fn write_key(
        &mut self,
        key: JsValue,
        timeout_or_options: JsValue,
    ) -> Result<String, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        Ok(self.keys.make(&self.config, &key, version)?.to_string())
    }

    /// `makeKey(key, version?)`.
    #[wasm_bindgen(js_name = makeKey)]
    pub fn make_key(&mut self, key: JsValue, version: JsValue) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        Ok(self.keys.make_raw(&self.config, &raw, version)?.to_string())
    }

    /// The made keys of `key` at its version and at version + `delta`, and the new version.
    #[wasm_bindgen(js_name = versionKeys)]
    pub fn version_keys(
        &mut self,
        key: JsValue,
        delta: JsValue,
        negate: bool,
        options: JsValue,
    ) -> Result<Array, JsValue> {
        let delta = args::version_delta(&delta).js()?;
        let delta = if negate { -delta } else { delta };
        let version = args::key_options(&options)
            .js()?
            .unwrap_or(self.config.version);
        let raw = args::key(&key).js()?;
        let from = self
            .keys
            .make_raw(&self.config, &raw, Some(version))?
            .to_string();
        let to = self
            .keys
            .make_raw(&self.config, &raw, Some(version + delta))?
            .to_string();
        Ok(Array::of3(
            &from.into(),
            &to.into(),
            &JsValue::from_f64((version + delta) as f64),
        ))
    }

    /// Checks getOrSet's required second argument.
    #[wasm_bindgen(js_name = checkDefault)]
    pub fn check_default(&self, value: JsValue) -> Result<(), JsValue> {
        args::required_default(&value).js()
    }

    /// Django's error for incrVersion on a missing key (named by the caller's key).
    #[wasm_bindgen(js_name = missingKey)]
    pub fn missing_key(&self, key: JsValue) -> JsValue {
        to_js(Error::KeyNotFound(args::key(&key).unwrap_or_default()))
    }

    /// The key written to the store for a made key.
    #[wasm_bindgen(js_name = storeKey)]
    pub fn store_key(&self, made: &str) -> String {
        crate::store_key(made, self.limits.max_key_bytes)
    }

    /// The store-key prefix shared by every key of this cache (what `clear()` lists).
    #[wasm_bindgen(getter, js_name = listPrefix)]
    pub fn list_prefix(&self) -> String {
        format!("{}:", self.config.key_prefix)
    }

    /// The memory tier's answer: `undefined` (ask the store), `null` (deleted here) or
    /// `{ value }`.
    pub fn local(&mut self, made: &str) -> Result<JsValue, JsValue> {
        let Some(tier) = &mut self.tier else {
            return Ok(JsValue::UNDEFINED);
        };
        match tier.get_with(made, values::read) {
            None => Ok(JsValue::UNDEFINED),
            Some(values::Read::Copied(b)) if b == TOMBSTONE => Ok(JsValue::NULL),
            Some(read) => Ok(Self::hit(values::finish(read).js()?)),
        }
    }

    /// Encodes `value` into a record with the write's timeout: `{ record, chunks, ttl }`.
    /// With `remember`, the memory tier keeps the value (read-your-writes).
    pub fn seal(
        &mut self,
        made: &str,
        value: JsValue,
        timeout_or_options: JsValue,
        remember: bool,
    ) -> Result<JsValue, JsValue> {
        let (timeout, _) = args::write_options(&timeout_or_options).js()?;
        let bytes = values::encode(&value).js()?;
        let now = self.clock.now();
        let expires = timeout.expires_at(self.config.default_timeout, now) * 1000.0;
        let out = self.seal_record(made, Record::new(bytes.clone(), now * 1000.0, expires))?;
        if remember {
            self.fill(made, &bytes, expires);
        }
        Ok(out)
    }

    /// Keeps a record this cache just wrote in the memory tier (after a successful `add`).
    pub fn remember(&mut self, made: &str, bytes: Vec<u8>) {
        if let Ok(Some(r)) = self.live(Some(bytes)) {
            if let Ok(Opened::Value(value)) = persist::open(made, &r, &self.limits) {
                self.fill(made, &value, r.expires);
            }
        }
    }

    /// Opens a record read from the store: `undefined` (absent or expired), `{ value }`
    /// (also kept in the memory tier), `{ chunks }` (store keys to fetch, then
    /// [`CacheCore::assemble`]) or `{ corrupt }` (an Error to report; a miss).
    pub fn open(&mut self, made: &str, bytes: Option<Vec<u8>>) -> JsValue {
        let r = match self.live(bytes) {
            Ok(Some(r)) => r,
            Ok(None) => return JsValue::UNDEFINED,
            Err(e) => return Self::corrupt(e),
        };
        match persist::open(made, &r, &self.limits) {
            Ok(Opened::Value(value)) => self.finish_value(made, value, r.expires),
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
    pub fn assemble(&mut self, made: &str, bytes: Vec<u8>, chunks: Array) -> JsValue {
        let r = match self.live(Some(bytes)) {
            Ok(Some(r)) => r,
            Ok(None) => return JsValue::UNDEFINED,
            Err(e) => return Self::corrupt(e),
        };
        let mut parts = Vec::with_capacity(chunks.length() as usize);
        for c in chunks.iter() {
            match c.dyn_into::<Uint8Array>() {
                Ok(a) => parts.push(a.to_vec()),
                Err(_) => return Self::corrupt(Error::Corrupt("missing chunk".into())),
            }
        }
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        match persist::assemble(&r, &refs) {
            Ok(value) => self.finish_value(made, value, r.expires),
            Err(e) => Self::corrupt(e),
        }
    }

    /// A live record with a new expiry from now (`touch`): `{ record, chunks, ttl }`,
    /// `undefined` when absent or expired, `null` for a chunked record (rewrite it whole),
    /// `{ corrupt }` for bytes that are not a record.
    pub fn retime(
        &mut self,
        made: &str,
        bytes: Option<Vec<u8>>,
        timeout_or_options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (timeout, _) = args::write_options(&timeout_or_options).js()?;
        let mut r = match self.live(bytes) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(JsValue::UNDEFINED),
            Err(e) => return Ok(Self::corrupt(e)),
        };
        let Ok(Opened::Value(value)) = persist::open(made, &r, &self.limits) else {
            return Ok(JsValue::NULL);
        };
        let now = self.clock.now();
        r.expires = timeout.expires_at(self.config.default_timeout, now) * 1000.0;
        r.stale_until = r.expires;
        r.body = record::Body::Inline(value.clone());
        r.compressed = false;
        let expires = r.expires;
        let out = self.seal_record(made, r)?;
        self.fill(made, &value, expires);
        Ok(out)
    }

    /// `incr` on a record read from the store, keeping its expiry: `{ record, chunks, ttl,
    /// value }`. Throws Django's errors for a missing key or a value that is not a number.
    pub fn incr(
        &mut self,
        made: &str,
        bytes: Option<Vec<u8>>,
        delta: JsValue,
        negate: bool,
    ) -> Result<JsValue, JsValue> {
        let delta = args::delta(&delta).js()?;
        let delta = if negate { delta.negated() } else { delta };
        let Ok(Some(mut r)) = self.live(bytes) else {
            return Err(to_js(Error::KeyNotFound(made.to_string())));
        };
        let current = match persist::open(made, &r, &self.limits) {
            Ok(Opened::Value(value)) => Numeric::from_value(&value),
            _ => None,
        };
        let sum = current
            .and_then(|c| c.checked_add(&delta))
            .ok_or_else(|| to_js(Error::NotANumber(made.to_string())))?;
        let value = sum.to_value();
        r.value_type = value[0];
        r.body = record::Body::Inline(value.clone());
        r.compressed = false;
        let expires = r.expires;
        let out = self.seal_record(made, r)?;
        self.fill(made, &value, expires);
        set(out.unchecked_ref(), "value", &args::numeric_value(&sum));
        Ok(out)
    }

    /// Notes a delete in the memory tier: reads miss for `localTimeout` seconds without
    /// asking a store that may still return the old value (read-your-writes).
    pub fn tombstone(&mut self, made: &str) {
        let local = self.local_timeout;
        if let Some(tier) = &mut self.tier {
            tier.insert(made, TOMBSTONE, Timeout::Seconds(local));
        }
    }

    /// Drops `made` from the memory tier.
    pub fn forget(&mut self, made: &str) {
        if let Some(tier) = &mut self.tier {
            tier.remove(made);
        }
    }

    /// Empties the memory tier.
    #[wasm_bindgen(js_name = clearLocal)]
    pub fn clear_local(&mut self) {
        if let Some(tier) = &mut self.tier {
            tier.clear();
        }
    }

    /// The memory tier's stats, or `null` without a tier.
    #[wasm_bindgen(js_name = tierStats)]
    pub fn tier_stats(&self) -> JsValue {
        self.tier
            .as_ref()
            .map_or(JsValue::NULL, |t| stats_object(&t.stats()))
    }
}
