//! The async Cache's memory-tier read for string keys, as MemoryCache's fast get (fast.rs):
//! the key in the scratch buffer, numbers back, the value decoded by JS where it lies.

use super::cache_core::CacheCore;
use super::fast::{leave, locate, point, scratch_str, MISS, THROW};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// A tier entry that says "deleted here" (CacheCore's tombstone): a miss, store not asked.
const DELETED: i32 = -4;

thread_local! {
    // The made key of the last `__localFast` that missed, for the store read that follows.
    static LAST: RefCell<String> = const { RefCell::new(String::new()) };
}

/// `local(key)` for a raw key of `key_len` bytes in the scratch buffer, without options: the
/// payload length of a tier hit (address and form at `__fastOut`), `-1` when the tier does not
/// hold it (the made key then waits in `__lastMade`), `-4` when it was deleted here, `-3` for
/// an error to fetch with `__take`. `now_ms`: `Date.now()` as JS read it, used only when the
/// tier's clock is the system one (a tier entry expires after `localTimeout`, so a hit needs
/// the time, and a call out of wasm for it cost ~6% of a hit); NaN to read the clock here.
#[wasm_bindgen(js_name = __localFast, skip_typescript)]
pub fn local_fast(core: &CacheCore, key_len: usize, now_ms: f64) -> i32 {
    let found = scratch_str(0, key_len).and_then(|raw| {
        core.with_tier(raw, |tier, made| {
            let hit = tier.and_then(|t| {
                let now = (now_ms.is_finite() && t.clock_is_pure()).then_some(now_ms / 1000.0);
                t.get_with_at(made, now, |bytes| (bytes == [0], locate(bytes)))
            });
            if hit.is_none() {
                LAST.with(|last| {
                    let mut last = last.borrow_mut();
                    last.clear();
                    last.push_str(made);
                });
            }
            hit
        })
    });
    match found {
        Ok(None) => MISS,
        Ok(Some((true, _))) => DELETED,
        Ok(Some((false, found))) => point(found),
        Err(error) => leave(error, THROW),
    }
}

/// The made key of the last `__localFast` that missed.
#[wasm_bindgen(js_name = __lastMade, skip_typescript)]
pub fn last_made() -> String {
    LAST.with(|last| last.borrow().clone())
}

/// The store key of the last `__localFast` that missed (`core.storeKey(__lastMade())`), or
/// `undefined` when it is the made key itself (most keys: one string crosses, not two).
#[wasm_bindgen(js_name = __lastStoreKey, skip_typescript)]
pub fn last_store_key(core: &CacheCore) -> Option<String> {
    LAST.with(|last| {
        let made = last.borrow();
        let key = core.store_key(&made);
        (key != *made).then_some(key)
    })
}
