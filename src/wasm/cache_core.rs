//! `CacheCore`: the synchronous half of the async `Cache` (js/cache.js). It makes keys,
//! seals values into records, opens records read back from a store, and keeps the memory
//! tier; the JS side only awaits the store between these calls.

use super::args::{self, prop};
use super::errors::{to_js, IntoJs};
use super::keys::KeyRules;
use super::memory_cache::{stats_object, MemoryCache};
use super::options::{self, bad};
use super::values;
use crate::cache::meta::WriteMeta;
use crate::persist::record::{self, Record};
use crate::persist::{self, Opened, Sealed, StoreLimits};
use crate::{codec::Numeric, CacheConfig, Clock, Error, LocMemCache, Rng, Timeout};
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

const KNOWN: [&str; 14] = [
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
];

/// A memory-tier entry that says "deleted here": reads miss without asking the store.
const TOMBSTONE: &[u8] = &[0];

/// Keys, records and the memory tier of one async Cache (internal: js/cache.js wraps it).
#[wasm_bindgen(skip_typescript)]
pub struct CacheCore {
    config: CacheConfig,
    keys: KeyRules,
    clock: Rc<dyn Clock>,
    /// The memory tier. Every method takes `&self` and borrows this (and `rng`, `stamps`)
    /// only while no JS runs, so callbacks may use the cache and no throw leaves it taken.
    tier: RefCell<Option<LocMemCache>>,
    limits: StoreLimits,
    local_timeout: f64,
    rng: RefCell<Rng>,
    /// Tag invalidation stamps read from the store: tag -> (stamp ms, when read, s).
    stamps: RefCell<HashMap<String, (f64, f64)>>,
}

/// A record that passed its checks, and whether its timeout has passed.
enum Live {
    Fresh(Record),
    Stale(Record),
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
    /// The time of a stamp record.
    fn read_stamp(&self, tag: &str, bytes: &[u8]) -> Result<f64, Error> {
        let r = record::decode(bytes, &self.stamp_made(tag))?;
        match persist::open(&self.stamp_made(tag), &r, &self.limits)? {
            Opened::Value(v) => match Numeric::from_value(&v) {
                Some(Numeric::Float(at)) if at.is_finite() => Ok(at),
                _ => Err(Error::Corrupt("tag stamp is not a time".into())),
            },
            Opened::Chunks(_) => Err(Error::Corrupt("tag stamp is chunked".into())),
        }
    }

    fn now_ms(&self) -> f64 {
        self.clock.now() * 1000.0
    }

    /// The JS object of a sealed record: `{ record, chunks: [[key, bytes]], ttl }`; the
    /// store keeps it until `keep_ms` (the end of its serve-stale window).
    fn sealed_object(&self, sealed: Sealed, expires_ms: f64, keep_ms: f64) -> JsValue {
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
        let ttl = persist::physical_ttl(keep_ms.max(expires_ms), now, self.limits.min_ttl);
        set(
            &out,
            "ttl",
            &ttl.map_or(JsValue::UNDEFINED, JsValue::from_f64),
        );
        out.into()
    }

    fn seal_record(&self, made: &str, record: Record) -> Result<JsValue, JsValue> {
        let (expires, keep) = (record.expires, record.stale_until);
        let sealed = persist::seal(made, record, &self.limits).js()?;
        Ok(self.sealed_object(sealed, expires, keep))
    }

    /// Copies a live value into the memory tier for at most `localTimeout` seconds, with
    /// the record's tags (so invalidation finds it) and timing (so XFetch can use it).
    fn fill(&self, made: &str, value: &[u8], r: &Record) {
        let now = self.clock.now();
        let until = persist::tier_expiry(r.expires, now, self.local_timeout);
        let mut tier = self.tier.borrow_mut();
        let Some(tier) = tier.as_mut() else {
            return;
        };
        let timeout = Timeout::Seconds(until - now);
        if r.tags.is_empty() && r.delta == 0.0 {
            tier.insert(made, value, timeout);
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
    fn live(&self, made: &str, bytes: Option<Vec<u8>>) -> Result<Option<Live>, Error> {
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let r = record::decode(&bytes, made)?;
        let now = self.now_ms();
        Ok(if !r.is_expired(now) {
            Some(Live::Fresh(r))
        } else if r.stale_until > now {
            Some(Live::Stale(r))
        } else {
            None
        })
    }

    /// A fresh record (stale ones read as absent).
    fn fresh(&self, made: &str, bytes: Option<Vec<u8>>) -> Result<Option<Record>, Error> {
        Ok(match self.live(made, bytes)? {
            Some(Live::Fresh(r)) => Some(r),
            _ => None,
        })
    }

    /// The tags of `r` whose stamps this instance has not read within `localTimeout`.
    fn unknown_stamps(&self, r: &Record) -> Vec<String> {
        let now = self.clock.now();
        r.tags
            .iter()
            .filter(|t| {
                self.stamps
                    .borrow()
                    .get(*t)
                    .is_none_or(|&(_, read)| read + self.local_timeout <= now)
            })
            .cloned()
            .collect()
    }

    /// True when a tag of `r` was invalidated at or after `r` was written.
    fn invalidated(&self, r: &Record) -> bool {
        r.tags.iter().any(|t| {
            self.stamps
                .borrow()
                .get(t)
                .is_some_and(|&(at, _)| r.created <= at)
        })
    }

    /// The latest known invalidation of any of `tags`, ms (0 when none).
    fn latest_stamp(&self, tags: &[String]) -> f64 {
        tags.iter()
            .filter_map(|t| self.stamps.borrow().get(t).map(|&(at, _)| at))
            .fold(0.0, f64::max)
    }

    /// The made key of a tag's invalidation stamp.
    fn stamp_made(&self, tag: &str) -> String {
        format!("{}:tag:{tag}", self.config.key_prefix)
    }

    /// The store key of a tag's invalidation stamp.
    fn stamp_key(&self, tag: &str) -> String {
        crate::store_key(&self.stamp_made(tag), self.limits.max_key_bytes)
    }

    /// `{ stamps: [[tag, storeKey]] }`: what to fetch before a tagged record can be judged.
    fn need_stamps(&self, tags: Vec<String>) -> JsValue {
        let list: Array = tags
            .into_iter()
            .map(|t| {
                let key = self.stamp_key(&t);
                JsValue::from(Array::of2(&t.into(), &key.into()))
            })
            .collect();
        let out = Object::new();
        set(&out, "stamps", &list.into());
        out.into()
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

    fn finish_value(&self, made: &str, value: Vec<u8>, live: &Live, options: &JsValue) -> JsValue {
        let decoded = match values::decode(&value) {
            Ok(v) => v,
            Err(e) => return Self::corrupt(e),
        };
        let r = match live {
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
    fn judge(&self, made: &str, bytes: Option<Vec<u8>>) -> Result<Option<Live>, JsValue> {
        let live = match self.live(made, bytes) {
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
            keys: KeyRules::new(o.key_function, o.on_warning, o.strict_keys),
            clock: Rc::new(o.clock),
            rng: RefCell::new(o.config.seed.map_or_else(Rng::from_entropy, Rng::new)),
            config: o.config,
            tier: RefCell::new(None),
            limits,
            local_timeout,
            stamps: RefCell::default(),
        })
    }

    /// Uses `memory`'s store as the memory tier (its culling rules apply).
    #[wasm_bindgen(js_name = useMemory)]
    pub fn use_memory(&self, memory: &MemoryCache) -> Result<(), JsValue> {
        let store = memory.store()?;
        *self.tier.borrow_mut() = Some(LocMemCache::with_store(
            memory.config().clone(),
            Rc::clone(&self.clock),
            store,
        ));
        Ok(())
    }

    /// The made key of a raw key at the default version, then `f` on the memory tier with it.
    pub(super) fn with_tier<R>(
        &self,
        raw: &str,
        f: impl FnOnce(Option<&mut LocMemCache>, &str) -> R,
    ) -> Result<R, JsValue> {
        self.keys.with_key(&self.config, raw, None, |made| {
            f(self.tier.borrow_mut().as_mut(), made)
        })
    }

    /// The made key for a read (`options`: `{ version }`).
    pub fn key(&self, key: JsValue, options: JsValue) -> Result<String, JsValue> {
        let version = args::key_options(&options).js()?;
        self.keys.make(&self.config, &key, version)
    }

    /// The made key for a write (`timeoutOrOptions`: a timeout or `{ timeout, version }`).
    #[wasm_bindgen(js_name = writeKey)]
    pub fn write_key(&self, key: JsValue, timeout_or_options: JsValue) -> Result<String, JsValue> {
        let (_, version) = args::write_options(&timeout_or_options).js()?;
        self.keys.make(&self.config, &key, version)
    }

    /// `makeKey(key, version?)`.
    #[wasm_bindgen(js_name = makeKey)]
    pub fn make_key(&self, key: JsValue, version: JsValue) -> Result<String, JsValue> {
        let version = args::version(&version).js()?;
        let raw = args::key(&key).js()?;
        self.keys.make_unchecked(&self.config, &raw, version)
    }

    /// The made key of `key` at its version, that version and version + `delta` (the
    /// target's key is made only once the source is found: Django gets before it sets).
    #[wasm_bindgen(js_name = versionKeys)]
    pub fn version_keys(
        &self,
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
        let from = self.keys.make_raw(&self.config, &raw, Some(version))?;
        Ok(Array::of3(
            &from.into(),
            &JsValue::from_f64(version as f64),
            &JsValue::from_f64((version + delta) as f64),
        ))
    }

    /// The made (validated, warned) key of `key` at `version`.
    #[wasm_bindgen(js_name = versionKey)]
    pub fn version_key(&self, key: JsValue, version: f64) -> Result<String, JsValue> {
        let raw = args::key(&key).js()?;
        self.keys.make_raw(&self.config, &raw, Some(version as i64))
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
    pub fn local(&self, made: &str) -> Result<JsValue, JsValue> {
        let read = match self.tier.borrow_mut().as_mut() {
            Some(tier) => tier.get_with(made, values::read),
            None => return Ok(JsValue::UNDEFINED),
        };
        match read {
            None => Ok(JsValue::UNDEFINED),
            Some(values::Read::Copied(b)) if b == TOMBSTONE => Ok(JsValue::NULL),
            Some(read) => Ok(Self::hit(values::finish(read).js()?)),
        }
    }

    /// Encodes `value` into a record with the write's timeout: `{ record, chunks, ttl }`.
    /// With `remember`, the memory tier keeps the value (read-your-writes).
    pub fn seal(
        &self,
        made: &str,
        value: JsValue,
        timeout_or_options: JsValue,
        remember: bool,
    ) -> Result<JsValue, JsValue> {
        let (timeout, _) = args::write_options(&timeout_or_options).js()?;
        let meta = args::write_meta(&timeout_or_options).js()?;
        let bytes = match super::boundary::encode(&value, usize::MAX)? {
            super::boundary::Encoded::Bytes(bytes) => bytes,
            super::boundary::Encoded::TooLarge(size) => {
                return Err(to_js(Error::OutOfMemory(size)))
            }
        };
        // Sealing copies the value a few times (record, chunks, the memory tier): make sure
        // wasm memory can hold that much first, so running out is a coded error, not a trap.
        drop(super::boundary::reserve(bytes.len().saturating_mul(4))?);
        let now = self.clock.now();
        let mut expires = timeout.expires_at(self.config.default_timeout, now);
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
        let out = self.seal_record(made, r.clone())?;
        if remember {
            self.fill(made, &bytes, &r);
        }
        Ok(out)
    }

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
    /// `{ value, state }` and a stale one inside its windows is served too.
    pub fn open(&self, made: &str, bytes: Option<Vec<u8>>, options: JsValue) -> JsValue {
        let live = match self.judge(made, bytes) {
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
        let live = match self.judge(made, Some(bytes)) {
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
        r.expires = timeout.expires_at(self.config.default_timeout, now) * 1000.0;
        r.stale_until = r.expires;
        r.body = record::Body::Inline(value.clone());
        r.compressed = false;
        let out = self.seal_record(made, r.clone())?;
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
        let Ok(Some(mut r)) = self.fresh(made, bytes) else {
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
        let out = self.seal_record(made, r.clone())?;
        self.fill(made, &value, &r);
        set(out.unchecked_ref(), "value", &args::numeric_value(&sum));
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

    /// Records tag stamps read from the store (`pairs`: `[tag, bytes | null]`); a newer
    /// stamp drops the tag's entries from the memory tier. Returns the corrupt stamps as
    /// Errors (each read as "invalidated now").
    #[wasm_bindgen(js_name = learnStamps)]
    pub fn learn_stamps(&self, pairs: Array) -> Array {
        let now = self.clock.now();
        let corrupt = Array::new();
        for pair in pairs.iter() {
            let pair: Array = pair.unchecked_into();
            let Some(tag) = pair.get(0).as_string() else {
                continue;
            };
            let bytes = pair
                .get(1)
                .dyn_into::<Uint8Array>()
                .ok()
                .map(|b| b.to_vec());
            let stamp = match bytes.map(|b| self.read_stamp(&tag, &b)) {
                None => 0.0,
                Some(Ok(at)) => at,
                Some(Err(e)) => {
                    corrupt.push(&to_js(e));
                    self.now_ms()
                }
            };
            let newer = self
                .stamps
                .borrow()
                .get(&tag)
                .is_none_or(|&(at, _)| stamp > at);
            self.stamps.borrow_mut().insert(tag.clone(), (stamp, now));
            if newer && stamp > 0.0 {
                if let Some(tier) = self.tier.borrow_mut().as_mut() {
                    tier.invalidate_tags(&[tag]);
                }
            }
        }
        corrupt
    }

    /// Marks `tags` invalidated now: drops them from the memory tier and returns the stamp
    /// records to write, `[[storeKey, bytes]]` (stored without expiry).
    #[wasm_bindgen(js_name = stampTags)]
    pub fn stamp_tags(&self, tags: JsValue) -> Result<Array, JsValue> {
        let tags = args::tags(&tags).js()?;
        let now = self.clock.now();
        let at = self.now_ms().max(self.latest_stamp(&tags) + 0.001);
        let out = Array::new();
        for tag in &tags {
            self.stamps.borrow_mut().insert(tag.clone(), (at, now));
            let value = Numeric::Float(at).to_value();
            let key = self.stamp_key(tag);
            let record = record::encode(
                &Record::new(value, at, f64::INFINITY),
                &self.stamp_made(tag),
            );
            out.push(&Array::of2(
                &key.into(),
                &Uint8Array::from(&record[..]).into(),
            ));
        }
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.invalidate_tags(&tags);
        }
        Ok(out)
    }

    /// Notes a delete in the memory tier: reads miss for `localTimeout` seconds without
    /// asking a store that may still return the old value (read-your-writes).
    pub fn tombstone(&self, made: &str) {
        let local = self.local_timeout;
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.insert(made, TOMBSTONE, Timeout::Seconds(local));
        }
    }

    /// Drops `made` from the memory tier.
    pub fn forget(&self, made: &str) {
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.remove(made);
        }
    }

    /// Empties the memory tier.
    #[wasm_bindgen(js_name = clearLocal)]
    pub fn clear_local(&self) {
        if let Some(tier) = self.tier.borrow_mut().as_mut() {
            tier.clear();
        }
    }

    /// The memory tier's stats, or `null` without a tier.
    #[wasm_bindgen(js_name = tierStats)]
    pub fn tier_stats(&self) -> JsValue {
        let stats = self.tier.borrow().as_ref().map(|t| t.stats());
        stats.map_or(JsValue::NULL, |s| stats_object(&s))
    }
}
