//! Tag invalidation across a fleet: each tag has a stamp record in the store (when it was
//! last invalidated); a record written before a stamp of one of its tags reads as a miss.

use super::{set, CacheCore};
use crate::persist::record::{self, Record};
use crate::persist::{self, Opened};
use crate::wasm::args;
use crate::wasm::errors::{to_js, IntoJs};
use crate::{codec::Numeric, Error};
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

impl CacheCore {
    /// The time of a stamp record.
    pub(super) fn read_stamp(&self, tag: &str, bytes: &[u8]) -> Result<f64, Error> {
        let r = record::decode(bytes, &self.stamp_made(tag))?;
        match persist::open(&self.stamp_made(tag), &r, &self.limits)? {
            Opened::Value(v) => match Numeric::from_value(&v) {
                Some(Numeric::Float(at)) if at.is_finite() => Ok(at),
                _ => Err(Error::Corrupt("tag stamp is not a time".into())),
            },
            Opened::Chunks(_) => Err(Error::Corrupt("tag stamp is chunked".into())),
        }
    }

    /// The tags of `r` whose stamps this instance has not read within `localTimeout`.
    pub(super) fn unknown_stamps(&self, r: &Record) -> Vec<String> {
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
    pub(super) fn invalidated(&self, r: &Record) -> bool {
        r.tags.iter().any(|t| {
            self.stamps
                .borrow()
                .get(t)
                .is_some_and(|&(at, _)| r.created <= at)
        })
    }

    /// The latest known invalidation of any of `tags`, ms (0 when none).
    pub(super) fn latest_stamp(&self, tags: &[String]) -> f64 {
        tags.iter()
            .filter_map(|t| self.stamps.borrow().get(t).map(|&(at, _)| at))
            .fold(0.0, f64::max)
    }

    /// The made key of a tag's invalidation stamp.
    pub(super) fn stamp_made(&self, tag: &str) -> String {
        format!("{}:tag:{tag}", self.config.key_prefix)
    }

    /// The store key of a tag's invalidation stamp.
    pub(super) fn stamp_key(&self, tag: &str) -> String {
        crate::store_key(&self.stamp_made(tag), self.limits.max_key_bytes)
    }

    /// `{ stamps: [[tag, storeKey]] }`: what to fetch before a tagged record can be judged.
    pub(super) fn need_stamps(&self, tags: Vec<String>) -> JsValue {
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
}

#[wasm_bindgen]
impl CacheCore {
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
        if self.django.is_some() {
            return Err(to_js(Error::invalid(
                "UNSUPPORTED_OPERATION",
                "format \"django\" stores Django's own values: there are no tags to invalidate",
            )));
        }
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
}
