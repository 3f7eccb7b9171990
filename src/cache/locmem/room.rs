//! The write path (Django's `_set` and `_cull`) and the byte budget: what a write
//! replaces, what it evicts and how the listener hears of it.

use super::LocMemCache;
use crate::cache::removal::Removal;
use crate::cache::timeout::is_expired;
use crate::error::Error;
use crate::store::{entry_size, Policy, Store};
use std::rc::Rc;

impl LocMemCache {
    /// The write path of `set` and a successful `add` (Django's `_set`), plus the byte budget.
    pub(super) fn write(&mut self, key: &str, value: &[u8], expires: f64, now: f64) -> bool {
        self.failure = None;
        // A handle of our own, so evicting (which counts into self) can hold the borrow.
        let shared = Rc::clone(&self.store);
        let mut store = shared.borrow_mut();
        let size = entry_size(key.len(), value.len());
        if self.config.max_bytes.is_some_and(|max| size > max) {
            self.replace(&mut store, key, now);
            self.counters.rejected += 1;
            return false;
        }
        // Every allocation the write needs, before anything changes: out of memory leaves
        // the store as it was (and is reported by `take_failure`).
        let Some(data) = store.prepare(key.as_bytes(), value) else {
            self.failure = Some(Error::OutOfMemory(size));
            return false;
        };
        if store.policy() != Policy::Lru {
            // The adaptive policy admits or evicts after the insert, one entry at a time.
            self.replace(&mut store, key, now);
            store.insert_data(key.as_bytes(), data, expires);
            self.make_room(&mut store, None);
            return true;
        }
        // Django culls before every write, even an overwrite.
        if store.len() >= self.config.max_entries {
            let cull = match self.config.cull_frequency {
                0 => store.len(),
                f => store.len() / f,
            };
            if self.listener.is_some() {
                // Each key is told to the listener, so they go one by one.
                for _ in 0..cull {
                    self.pop_lru(&mut store);
                }
            } else {
                self.counters.evictions += store.cull(cull) as u64;
            }
        }
        // The old value goes first: it is replaced, not evicted.
        self.replace(&mut store, key, now);
        if let Some(max) = self.config.max_bytes {
            while store.bytes() + size > max && self.pop_lru(&mut store) {}
        }
        store.insert_data(key.as_bytes(), data, expires);
        true
    }

    /// Removes the old entry of a key being written, telling the listener.
    pub(super) fn replace(&self, store: &mut Store, key: &str, now: f64) {
        if self.listener.is_none() {
            if self.config.max_bytes.is_some() {
                store.remove(key.as_bytes());
            }
            return;
        }
        let why = match store.peek(key.as_bytes()) {
            Some(e) if is_expired(e.expires, now) => Removal::Expire,
            Some(_) => Removal::Set,
            None => return,
        };
        store.remove(key.as_bytes());
        self.emit(key.as_bytes(), why);
    }

    /// Evicts by the store's policy down to the limits (never `keep`), counting and telling
    /// the listener.
    pub(super) fn make_room(&mut self, store: &mut Store, keep: Option<&[u8]>) {
        let mut evicted = Vec::new();
        let listening = self.listener.is_some();
        let count = store.make_room(
            self.config.max_entries,
            self.config.max_bytes,
            keep,
            |key| {
                if listening {
                    evicted.push(key.to_vec());
                }
            },
        );
        self.counters.evictions += count as u64;
        for key in evicted {
            self.emit(&key, Removal::Evict);
        }
    }

    /// Evicts the least recently used entry, counting and telling the listener.
    pub(super) fn pop_lru(&mut self, store: &mut Store) -> bool {
        let key = match (&self.listener, store.lru_key()) {
            (_, None) => return false,
            (Some(_), Some(k)) => Some(k.to_vec()),
            (None, Some(_)) => None,
        };
        store.pop_lru();
        self.counters.evictions += 1;
        if let Some(key) = key {
            self.emit(&key, Removal::Evict);
        }
        true
    }
}
