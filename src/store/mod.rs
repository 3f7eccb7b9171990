//! The entry store: key and value bytes in one allocation per entry, a slab of fixed-size
//! slots, a hash index of `u32` slot ids and intrusive doubly linked recency lists: one for
//! LRU, three (window, probation, protected) for the adaptive policy ([`Policy`]).
//!
//! The store knows nothing of Django: no timeouts, and no rule for when or how much to cull
//! ([`Store::cull`] only removes what it is told). [`crate::LocMemCache`] adds them.
//!
//! Over ~400 lines on purpose: the Store's methods keep one set of invariants together (each
//! slot in the index and in exactly one list, `bytes` exact); the list mechanics are in
//! `slots.rs`, the policies in `adaptive.rs` (its counts in `frequency.rs`), `cull.rs` and
//! `buckets.rs`.

mod adaptive;
mod buckets;
mod cull;
mod frequency;
mod shadow;
mod slots;
use slots::join;
pub(crate) mod hash;
mod sketch;

use adaptive::Adaptive;
use buckets::{Buckets, DEAD};
use hash::{hash_key, widen};
use hashbrown::HashTable;
pub use sketch::Sketch;

const NIL: u32 = u32::MAX;
/// The LRU list (the only one under [`Policy::Lru`]); the adaptive policy's admission window.
const WINDOW: u8 = 0;
/// The adaptive policy's probation segment (main, seen once since admission).
const PROBATION: u8 = 1;
/// The adaptive policy's protected segment (main, hit again).
const PROTECTED: u8 = 2;
/// Key lengths use the low 30 bits of `Slot::key_len`; the segment the top 2.
const KEY_LEN_MASK: u32 = (1 << 30) - 1;
/// Key hashes keep 28 bits: under the adaptive policy a slot's `bucket` holds the hash and,
/// in its top 4 bits, the entry's frequency (so a hit counts without touching the sketch).
const HASH_MASK: u32 = (1 << 28) - 1;
/// Where a slot's 4-bit frequency starts in `bucket`.
const FREQ_SHIFT: u32 = 28;

/// Which entry a full store gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// Least recently used (Django's LocMemCache).
    #[default]
    Lru,
    /// W-TinyLFU with a hill-climbing window (as Caffeine): frequency-aware admission for a
    /// store of at most `max_entries` entries and `max_bytes` accounted bytes.
    Adaptive {
        /// The entry limit the segments are sized from.
        max_entries: usize,
        /// The byte limit, if any: segments are then sized in bytes.
        max_bytes: Option<usize>,
    },
}

/// Head, tail and totals of one recency list.
#[derive(Debug, Clone, Copy)]
struct Ends {
    /// Most recently used.
    head: u32,
    /// Least recently used.
    tail: u32,
    len: usize,
    bytes: usize,
}

const EMPTY: Ends = Ends {
    head: NIL,
    tail: NIL,
    len: 0,
    bytes: 0,
};

/// Accounted bytes per entry beyond its key and value: the 32-byte slot (as laid out on
/// wasm32), 8 bytes for the index (a 4-byte id and a control byte at 7/8 load, rounded up)
/// and dlmalloc's 4-byte chunk header. [`entry_size`] also rounds the allocation to 8 bytes.
pub const ENTRY_OVERHEAD: usize = 32 + 8;

/// The accounted size of an entry, in bytes, as the wasm allocator really uses it.
///
/// ```
/// // 20 B key + 100 B value: 120 payload + 4 header rounded to 128, plus 40 of overhead.
/// assert_eq!(edgecache::entry_size(20, 100), 168);
/// ```
pub fn entry_size(key_len: usize, value_len: usize) -> usize {
    // dlmalloc: 4-byte header, 8-byte granularity, 16-byte minimum chunk.
    let chunk = ((key_len + value_len + 4).div_ceil(8) * 8).max(16);
    chunk + ENTRY_OVERHEAD
}

#[derive(Debug)]
struct Slot {
    /// Key bytes followed by value bytes.
    data: Box<[u8]>,
    /// Absolute expiry in seconds; infinity for never.
    expires: f64,
    prev: u32,
    next: u32,
    /// The recency bucket under LRU (see [`Buckets`]); under the adaptive policy the key's
    /// hash (low 28 bits: admission and removals would otherwise hash the key again) and its
    /// estimated frequency (top 4 bits, counted here while resident rather than in the sketch).
    bucket: u32,
    /// Key length (low 30 bits) and list segment (top 2 bits).
    key_len: u32,
}

#[cfg(target_arch = "wasm32")]
const _: () = assert!(std::mem::size_of::<Slot>() == 32);

impl Slot {
    fn key_len(&self) -> usize {
        (self.key_len & KEY_LEN_MASK) as usize
    }
    fn segment(&self) -> u8 {
        (self.key_len >> 30) as u8
    }
    fn set_segment(&mut self, segment: u8) {
        self.key_len = (self.key_len & KEY_LEN_MASK) | (u32::from(segment) << 30);
    }
    fn key(&self) -> &[u8] {
        &self.data[..self.key_len()]
    }
    fn value(&self) -> &[u8] {
        &self.data[self.key_len()..]
    }
    fn size(&self) -> usize {
        entry_size(self.key_len(), self.data.len() - self.key_len())
    }
    /// The adaptive policy's frequency of the entry (0-15).
    fn frequency(&self) -> u8 {
        (self.bucket >> FREQ_SHIFT) as u8
    }
}

/// The 28-bit hash of `key` the index, the slots and the sketch use.
fn short_hash(key: &[u8], seed: u64) -> u32 {
    hash_key(key, seed) as u32 & HASH_MASK
}

/// A borrowed view of one stored entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry<'a> {
    /// The stored key.
    pub key: &'a [u8],
    /// The stored value bytes.
    pub value: &'a [u8],
    /// Absolute expiry in seconds (`f64::INFINITY` = never).
    pub expires: f64,
}

/// The outcome of [`Store::get_live`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lookup<'a> {
    /// A live entry, now the most recently used.
    Hit(Entry<'a>),
    /// An expired entry, which was removed.
    Expired,
    /// No entry.
    Missing,
}

/// An LRU-ordered map from key bytes to value bytes with an expiry and exact byte accounting.
///
/// ```
/// use edgecache::Store;
/// let mut store = Store::with_seed(1);
/// store.insert(b"a", b"1", f64::INFINITY);
/// store.insert(b"b", b"2", f64::INFINITY);
/// assert_eq!(store.get(b"a").map(|e| e.value), Some(&b"1"[..])); // moves "a" to the front
/// assert_eq!(store.lru_key(), Some(&b"b"[..]));
/// assert!(store.remove(b"b"));
/// assert_eq!(store.len(), 1);
/// ```
#[derive(Debug)]
pub struct Store {
    slots: Vec<Slot>,
    index: HashTable<u32>,
    /// The recency lists, indexed by segment.
    lists: [Ends; 3],
    /// Free slots, linked through `next`.
    free: u32,
    len: usize,
    bytes: usize,
    seed: u64,
    /// The adaptive policy's state; None under LRU.
    adaptive: Option<Box<Adaptive>>,
    /// Recency buckets of the LRU list (unused by the adaptive policy).
    buckets: Buckets,
    /// Culled entries not yet freed (see [`Store::cull`]): out of every list and count, still
    /// in the index, where lookups skip them.
    graveyard: Ends,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl Store {
    /// An empty store with a random hash seed (HashDoS: keys often come from requests).
    pub fn new() -> Self {
        let mut seed = [0u8; 8];
        // A failed seed read leaves a fixed seed: still correct, only less collision-proof.
        let _ = getrandom::getrandom(&mut seed);
        Store::with_seed(u64::from_le_bytes(seed))
    }

    /// An empty store with a fixed hash seed (deterministic tests).
    pub fn with_seed(seed: u64) -> Self {
        Store {
            slots: Vec::new(),
            index: HashTable::new(),
            lists: [EMPTY; 3],
            free: NIL,
            len: 0,
            bytes: 0,
            seed,
            adaptive: None,
            buckets: Buckets::new(),
            graveyard: EMPTY,
        }
    }

    /// An empty store under `policy` with a random hash seed.
    ///
    /// ```
    /// use edgecache::{Policy, Store};
    /// let store = Store::with_policy(Policy::Adaptive { max_entries: 100, max_bytes: None });
    /// assert_eq!(store.policy(), Policy::Adaptive { max_entries: 100, max_bytes: None });
    /// ```
    pub fn with_policy(policy: Policy) -> Self {
        let mut store = Store::new();
        store.set_policy(policy);
        store
    }

    /// An empty store under `policy` with a fixed hash seed: the same requests give the same
    /// evictions (benchmarks, tests).
    ///
    /// ```
    /// use edgecache::{Policy, Store};
    /// let store = Store::with_policy_seed(Policy::Lru, 7);
    /// assert_eq!(store.policy(), Policy::Lru);
    /// ```
    pub fn with_policy_seed(policy: Policy, seed: u64) -> Self {
        let mut store = Store::with_seed(seed);
        store.set_policy(policy);
        store
    }

    /// The eviction policy.
    pub fn policy(&self) -> Policy {
        self.adaptive.as_ref().map_or(Policy::Lru, |a| a.policy())
    }

    /// Switches to `policy` (on an empty store: entries keep their lists otherwise).
    fn set_policy(&mut self, policy: Policy) {
        self.adaptive = match policy {
            Policy::Lru => None,
            Policy::Adaptive {
                max_entries,
                max_bytes,
            } => Some(Box::new(Adaptive::new(max_entries, max_bytes, self.seed))),
        };
    }

    /// Bytes of policy state outside the entries (the adaptive policy's frequency sketch,
    /// or LRU's recency buckets).
    pub fn policy_bytes(&self) -> usize {
        self.adaptive
            .as_ref()
            .map_or_else(|| self.buckets.heap_bytes(), |a| a.bytes())
    }

    /// The adaptive policy's window as a share of its capacity; `None` under LRU.
    pub fn window_share(&self) -> Option<f64> {
        self.adaptive.as_ref().map(|a| a.window_share())
    }

    /// Number of entries, expired ones included until they are removed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Accounted bytes of all entries (see [`entry_size`]).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn hash(&self, key: &[u8]) -> u32 {
        // Slots store 28 bits ([`HASH_MASK`]); `widen` restores a full-width hash.
        short_hash(key, self.seed)
    }

    /// The hash of the entry in slot `id`: kept in the slot under the adaptive policy, else
    /// from its key (LRU's slots hold their recency bucket there).
    fn slot_hash(&self, id: u32) -> u32 {
        let slot = &self.slots[id as usize];
        if self.adaptive.is_some() {
            slot.bucket & HASH_MASK
        } else {
            self.hash(slot.key())
        }
    }

    fn find(&self, key: &[u8]) -> Option<u32> {
        self.find_hashed(key, self.hash(key))
    }

    /// `find` for a key whose hash the caller has (a read hashes once, not per use).
    fn find_hashed(&self, key: &[u8], h: u32) -> Option<u32> {
        let (slots, buckets) = (&self.slots, &self.buckets);
        // Culled entries linger in the index until freed: only then can a key match one.
        let culled = self.graveyard.len > 0;
        self.index
            .find(widen(h), |&id| {
                let s = &slots[id as usize];
                s.key() == key && !(culled && buckets.is_dead(s.bucket))
            })
            .copied()
    }

    fn entry(&self, id: u32) -> Entry<'_> {
        let s = &self.slots[id as usize];
        Entry {
            key: s.key(),
            value: s.value(),
            expires: s.expires,
        }
    }

    /// The entry for `key`, leaving its recency unchanged.
    pub fn peek(&self, key: &[u8]) -> Option<Entry<'_>> {
        self.find(key).map(|id| self.entry(id))
    }

    /// The entry for `key`, moved to the front (most recently used).
    pub fn get(&mut self, key: &[u8]) -> Option<Entry<'_>> {
        let h = self.hash(key);
        let Some(id) = self.find_hashed(key, h) else {
            self.record_miss(h);
            return None;
        };
        self.on_use(id, h);
        Some(self.entry(id))
    }

    /// One lookup for a read at `now`: a live entry is moved to the front and returned, an
    /// expired one is removed (Django's expiry test, `expires <= now`).
    ///
    /// ```
    /// use edgecache::{Lookup, Store};
    /// let mut store = Store::with_seed(1);
    /// store.insert(b"k", b"v", 10.0);
    /// assert!(matches!(store.get_live(b"k", 9.0), Lookup::Hit(_)));
    /// assert!(matches!(store.get_live(b"k", 10.0), Lookup::Expired));
    /// assert!(matches!(store.get_live(b"k", 10.0), Lookup::Missing));
    /// ```
    pub fn get_live(&mut self, key: &[u8], now: f64) -> Lookup<'_> {
        self.get_live_with(key, || now)
    }

    /// [`Store::get_live`] reading the time only for an entry that can expire.
    pub fn get_live_with(&mut self, key: &[u8], now: impl FnOnce() -> f64) -> Lookup<'_> {
        let h = self.hash(key);
        let Some(id) = self.find_hashed(key, h) else {
            self.record_miss(h);
            return Lookup::Missing;
        };
        let expires = self.slots[id as usize].expires;
        // Only +Infinity never expires (it needs no clock); -Infinity and NaN read as expired.
        if expires != f64::INFINITY && (expires.is_nan() || expires <= now()) {
            self.remove_id(id);
            self.record_miss(h);
            return Lookup::Expired;
        }
        self.on_use(id, h);
        Lookup::Hit(self.entry(id))
    }

    /// Moves `key` to the front (a use, not a read, under the adaptive policy); false when absent.
    pub fn promote(&mut self, key: &[u8]) -> bool {
        let h = self.hash(key);
        match self.find_hashed(key, h) {
            Some(id) => {
                self.on_use(id, h);
                true
            }
            None => false,
        }
    }

    /// Entry `id` (of hash `h`) was used, by a read or a write: LRU moves it to the front;
    /// the adaptive policy counts it.
    fn on_use(&mut self, id: u32, h: u32) {
        if self.adaptive.is_some() {
            self.adaptive_hit(id, h);
        } else {
            self.move_to_front(id);
        }
    }

    /// A read missed the key of hash `h`.
    fn record_miss(&mut self, h: u32) {
        if self.adaptive.is_some() {
            self.adaptive_miss(h);
        }
    }

    /// Inserts or replaces `key` at the front with `value` and `expires`.
    pub fn insert(&mut self, key: &[u8], value: &[u8], expires: f64) {
        self.insert_data(key, join(key, value), expires);
    }

    /// Makes room for one more entry of `key` and `value` before anything changes: slot and
    /// index capacity, and the entry's buffer (for [`Store::insert_data`]). `None` when the
    /// allocator cannot: then the store is as it was. An insert after this cannot run out.
    pub fn prepare(&mut self, key: &[u8], value: &[u8]) -> Option<Box<[u8]>> {
        // Refusable: at the end of memory, entries never take the reserve (crate::headroom).
        crate::headroom::refusable(|| {
            let mut data = Vec::new();
            data.try_reserve_exact(key.len() + value.len()).ok()?;
            data.extend_from_slice(key);
            data.extend_from_slice(value);
            if self.free == NIL {
                self.slots.try_reserve(1).ok()?;
            }
            let (slots, seed) = (&self.slots, self.seed);
            self.index
                .try_reserve(1, |&i| widen(short_hash(slots[i as usize].key(), seed)))
                .ok()?;
            Some(data.into_boxed_slice())
        })
    }

    /// [`Store::insert`] of a buffer holding the key then the value (from [`Store::prepare`]).
    pub fn insert_data(&mut self, key: &[u8], data: Box<[u8]>, expires: f64) {
        let h = self.hash(key);
        match self.find_hashed(key, h) {
            Some(id) => {
                let segment = self.slots[id as usize].segment();
                self.unlink(id);
                let slot = &mut self.slots[id as usize];
                self.bytes -= slot.size();
                slot.data = data;
                slot.expires = expires;
                self.bytes += self.slots[id as usize].size();
                self.link_front(id, segment);
                self.on_use(id, h);
            }
            None => {
                let frequency = if self.adaptive.is_some() {
                    self.adaptive_insert(h)
                } else {
                    0
                };
                self.free_culled(cull::FREED_PER_INSERT);
                let slot = Slot {
                    data,
                    expires,
                    prev: NIL,
                    next: NIL,
                    bucket: if self.adaptive.is_some() {
                        h | u32::from(frequency) << FREQ_SHIFT
                    } else {
                        DEAD
                    },
                    key_len: key.len() as u32,
                };
                self.bytes += slot.size();
                let id = self.alloc_slot(slot);
                let (slots, seed) = (&self.slots, self.seed);
                // A resize rehashes from the keys (a slot has no room to keep its hash).
                self.index.insert_unique(widen(h), id, |&i| {
                    widen(short_hash(slots[i as usize].key(), seed))
                });
                self.link_front(id, WINDOW);
                self.len += 1;
            }
        }
    }

    /// Replaces the value of an existing `key`, keeping its expiry and recency; false when absent.
    pub fn replace_value(&mut self, key: &[u8], value: &[u8]) -> bool {
        let Some(id) = self.find(key) else {
            return false;
        };
        let slot = &mut self.slots[id as usize];
        let (old, segment) = (slot.size(), slot.segment());
        if slot.value().len() == value.len() {
            let start = slot.key_len();
            slot.data[start..].copy_from_slice(value);
        } else {
            slot.data = join(key, value);
        }
        let new = self.slots[id as usize].size();
        self.bytes = self.bytes - old + new;
        let list = &mut self.lists[usize::from(segment)];
        list.bytes = list.bytes - old + new;
        if self.adaptive.is_none() {
            self.buckets
                .resize(self.slots[id as usize].bucket, old, new);
        }
        true
    }

    /// Sets the expiry of an existing `key` without changing recency; false when absent.
    pub fn set_expires(&mut self, key: &[u8], expires: f64) -> bool {
        match self.find(key) {
            Some(id) => {
                self.slots[id as usize].expires = expires;
                true
            }
            None => false,
        }
    }

    /// Removes `key`; true if it was present.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        match self.find(key) {
            Some(id) => {
                self.remove_id(id);
                true
            }
            None => false,
        }
    }

    /// The slot of the least recently used entry (of the window, under the adaptive policy).
    fn lru_tail(&self) -> Option<u32> {
        let tail = self.lists[usize::from(WINDOW)].tail;
        (tail != NIL).then_some(tail)
    }

    /// The least recently used key (LRU; under the adaptive policy, of the window).
    pub fn lru_key(&self) -> Option<&[u8]> {
        self.lru_tail().map(|tail| self.slots[tail as usize].key())
    }

    /// Removes the least recently used entry; false when empty.
    pub fn pop_lru(&mut self) -> bool {
        let Some(tail) = self.lru_tail() else {
            return false;
        };
        self.remove_id(tail);
        true
    }

    /// Removes every entry and releases the memory (the adaptive policy's counts stay).
    pub fn clear(&mut self) {
        self.keep_frequencies();
        self.slots = Vec::new();
        self.index = HashTable::new();
        self.lists = [EMPTY; 3];
        self.free = NIL;
        self.len = 0;
        self.bytes = 0;
        self.buckets = Buckets::new();
        self.graveyard = EMPTY;
    }

    /// Entries from most to least recently used (adaptive: the window, then the protected
    /// and the probation segments, each most recent first).
    pub fn iter(&self) -> impl Iterator<Item = Entry<'_>> + '_ {
        let heads = [WINDOW, PROTECTED, PROBATION].map(|s| self.lists[usize::from(s)].head);
        let mut list = 0;
        let mut id = heads[0];
        std::iter::from_fn(move || {
            while id == NIL {
                list += 1;
                id = *heads.get(list)?;
            }
            let entry = self.entry(id);
            id = self.slots[id as usize].next;
            Some(entry)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(store: &Store) -> Vec<String> {
        store
            .iter()
            .map(|e| String::from_utf8_lossy(e.key).into_owned())
            .collect()
    }

    #[test]
    fn insert_get_and_recency() {
        let mut s = Store::with_seed(0);
        for k in ["a", "b", "c"] {
            s.insert(k.as_bytes(), b"v", 1.0);
        }
        assert_eq!(keys(&s), ["c", "b", "a"]);
        s.get(b"a");
        assert_eq!(keys(&s), ["a", "c", "b"]);
        s.peek(b"b");
        assert_eq!(keys(&s), ["a", "c", "b"]);
        assert!(s.pop_lru());
        assert_eq!(keys(&s), ["a", "c"]);
    }

    #[test]
    fn bytes_are_exact_through_every_change() {
        let mut s = Store::with_seed(0);
        s.insert(b"key", b"value", 1.0);
        assert_eq!(s.bytes(), entry_size(3, 5));
        s.insert(b"key", &[0u8; 100], 1.0);
        assert_eq!(s.bytes(), entry_size(3, 100));
        s.replace_value(b"key", b"x");
        assert_eq!(s.bytes(), entry_size(3, 1));
        s.insert(b"k2", b"", 1.0);
        assert_eq!(s.bytes(), entry_size(3, 1) + entry_size(2, 0));
        s.remove(b"key");
        assert_eq!(s.bytes(), entry_size(2, 0));
        s.clear();
        assert_eq!((s.bytes(), s.len()), (0, 0));
    }

    #[test]
    fn slots_are_reused_after_removal() {
        let mut s = Store::with_seed(0);
        for i in 0..100u32 {
            s.insert(&i.to_le_bytes(), b"v", 1.0);
        }
        for i in 0..100u32 {
            assert!(s.remove(&i.to_le_bytes()));
        }
        for i in 100..200u32 {
            s.insert(&i.to_le_bytes(), b"v", 1.0);
        }
        assert_eq!(s.slots.len(), 100);
        assert_eq!(s.len(), 100);
        for i in 100..200u32 {
            assert!(s.peek(&i.to_le_bytes()).is_some());
        }
    }
}
