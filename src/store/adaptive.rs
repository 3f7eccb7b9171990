//! The adaptive policy: W-TinyLFU with a hill-climbing window (Einziger, Friedman & Manes;
//! the adaptive window as in Caffeine). New entries enter a small LRU window; an entry
//! leaving the window must have been used more often (by the counts of `frequency.rs`: its
//! slot's while resident, the [`Sketch`]'s while not) than the entry the main segment would
//! give up, or it is dropped instead. The main segment is a segmented LRU (probation, then
//! protected once hit again). The window's share follows miniature simulations of the same
//! policy with other shares ([`Shadows`]): recency-heavy traces get a large window (towards
//! LRU), frequency-heavy ones a small one. The sketch counts from half full on, as Caffeine's.
//! Every step is O(1) amortised.

use super::shadow::Shadows;
use super::{Policy, Sketch, Store, NIL, PROBATION, PROTECTED, WINDOW};

/// The sketch counts at least this many entries' worth (2 KiB): tiny caches then remember
/// frequencies over more than a handful of requests.
const SKETCH_MIN: usize = 256;
/// The protected segment's share of the main segment.
const PROTECTED_SHARE: f64 = 0.8;
/// Candidates this frequent are admitted at random 1/128 of the time even when not more
/// frequent than the victim: a crafted key cannot keep its place forever (HashDoS).
const HASHDOS_FREQUENCY: u8 = 6;

/// The adaptive policy's counters and segment sizes.
#[derive(Debug, Clone)]
pub(super) struct Adaptive {
    /// The frequency sketch, made once the cache is half full (as Caffeine allocates it then):
    /// a cache with room admits everything, and warm-up traffic left in the counts misled
    /// admission for the rest of a trace (cloudphysics at 4,897 entries: 20.7 % against 26.2 %).
    /// A cache given a large maxEntries it never fills never pays for one (8 bytes per entry).
    pub(super) sketch: Option<Sketch>,
    /// The entries the sketch is made for.
    sketch_entries: usize,
    max_entries: usize,
    max_bytes: Option<usize>,
    /// The capacity in the unit segments are sized in: bytes with a byte limit, else entries.
    capacity: f64,
    window_max: f64,
    protected_max: f64,
    /// The simulations that choose the window's share.
    shadows: Shadows,
    /// An epoch of the simulations ended: the window follows their choice.
    retune: bool,
    /// The hash of the last read miss: the insert that usually follows is not counted twice.
    last_miss: Option<u32>,
    rng: u64,
}

impl Adaptive {
    pub(super) fn new(max_entries: usize, max_bytes: Option<usize>, seed: u64) -> Self {
        let max_entries = max_entries.max(1);
        // Sized for the entries the limits allow (a byte limit bounds them by ENTRY_OVERHEAD).
        let entries = max_bytes.map_or(max_entries, |b| {
            max_entries.min(b / super::ENTRY_OVERHEAD + 1)
        });
        let capacity = max_bytes.unwrap_or(max_entries) as f64;
        let shadows = Shadows::new(entries);
        let window_max = (capacity * shadows.share()).max(1.0);
        Adaptive {
            sketch: None,
            sketch_entries: entries.max(SKETCH_MIN),
            max_entries,
            max_bytes,
            capacity,
            window_max,
            protected_max: PROTECTED_SHARE * (capacity - window_max),
            shadows,
            retune: false,
            last_miss: None,
            rng: seed | 1,
        }
    }

    pub(super) fn policy(&self) -> Policy {
        Policy::Adaptive {
            max_entries: self.max_entries,
            max_bytes: self.max_bytes,
        }
    }

    pub(super) fn bytes(&self) -> usize {
        self.sketch.as_ref().map_or(0, Sketch::bytes) + self.shadows.bytes()
    }

    /// The window's share of the capacity now.
    pub(super) fn window_share(&self) -> f64 {
        self.window_max / self.capacity
    }

    /// One request of `hash` for the simulations (most are not sampled: that test is inlined).
    #[inline]
    fn simulate(&mut self, hash: u32) {
        if self.shadows.sampled(hash) && self.shadows.access(hash) {
            self.retune = true;
        }
    }

    fn random(&mut self) -> u64 {
        // xorshift64: only for the HashDoS coin, no quality needed beyond that.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }

    /// How far the window moves now: to the simulations' choice once an epoch ended.
    fn adjustment(&mut self) -> f64 {
        if !std::mem::take(&mut self.retune) {
            return 0.0;
        }
        let target = (self.capacity * self.shadows.share()).max(1.0);
        target - self.window_max
    }
}

impl Store {
    pub(super) fn policy_state(&mut self) -> &mut Adaptive {
        self.adaptive
            .as_deref_mut()
            .expect("adaptive policy calls need the adaptive state")
    }

    /// Whether the policy sizes segments in bytes (a byte limit is set) rather than entries.
    fn by_bytes(&self) -> bool {
        self.adaptive
            .as_ref()
            .is_some_and(|a| a.max_bytes.is_some())
    }

    /// Weight of a segment in the policy's unit.
    fn weight(&self, segment: u8) -> f64 {
        let list = &self.lists[usize::from(segment)];
        (if self.by_bytes() {
            list.bytes
        } else {
            list.len
        }) as f64
    }

    /// Entry `id` of `hash` was used, by a read, a write or an incr (all count): counted in
    /// its slot (a resident entry keeps its frequency there, so a hit touches no sketch line)
    /// and moved up its segments.
    pub(super) fn adaptive_hit(&mut self, id: u32, hash: u32) {
        self.count_resident(id);
        let a = self.policy_state();
        a.simulate(hash);
        a.last_miss = None;
        let (retune, by_entries, max) = (a.retune, a.max_bytes.is_none(), a.protected_max);
        match self.slots[id as usize].segment() {
            PROBATION => {
                self.move_to(id, PROTECTED);
                let protected = &self.lists[usize::from(PROTECTED)];
                if !by_entries {
                    self.demote_protected();
                } else if protected.len as f64 > max {
                    // One entry came in, so at most one goes (a window change demotes in `climb`).
                    let tail = protected.tail;
                    self.move_to(tail, PROBATION);
                }
            }
            _ => self.move_to_front(id),
        }
        // Only the end of an epoch moves the window (most hits skip the climber).
        if retune {
            self.climb();
        }
    }

    /// A read missed the key of `hash`.
    pub(super) fn adaptive_miss(&mut self, hash: u32) {
        self.count_absent(hash);
        let a = self.policy_state();
        a.simulate(hash);
        a.last_miss = Some(hash);
        self.climb();
    }

    /// A new key of `hash` is being inserted (counted unless its read miss just was): the
    /// frequency its slot starts from (the sketch's estimate, its history while absent).
    pub(super) fn adaptive_insert(&mut self, hash: u32) -> u8 {
        // Half full with this insert (its bytes are not counted yet: by entries, it is).
        let half = if self.by_bytes() {
            self.bytes as f64 >= self.policy_state().capacity / 2.0
        } else {
            (self.len + 1) as f64 >= self.policy_state().capacity / 2.0
        };
        let a = self.policy_state();
        let missed = a.last_miss.take() == Some(hash);
        if !missed {
            a.simulate(hash);
        }
        let aged = match a.sketch.as_mut() {
            None if half => {
                // The request that fills the cache to half is the first one counted. Where
                // wasm memory cannot hold a full-size sketch, a small one still counts.
                let sketch =
                    Sketch::try_new(a.sketch_entries).unwrap_or_else(|| Sketch::new(SKETCH_MIN));
                a.sketch.insert(sketch).increment(hash)
            }
            Some(sketch) if !missed => sketch.increment(hash),
            _ => false,
        };
        if aged {
            self.age_residents();
        }
        let a = self.policy_state();
        a.sketch.as_ref().map_or(0, |s| s.frequency(hash))
    }

    /// Protected entries over the protected share go back to probation.
    fn demote_protected(&mut self) {
        let max = self.policy_state().protected_max;
        while self.weight(PROTECTED) > max && self.lists[usize::from(PROTECTED)].len > 0 {
            let tail = self.lists[usize::from(PROTECTED)].tail;
            self.move_to(tail, PROBATION);
        }
    }

    /// Applies the hill climber's adjustment at the end of a sample.
    fn climb(&mut self) {
        let a = self.policy_state();
        let amount = a.adjustment();
        if amount == 0.0 {
            return;
        }
        // Not `clamp`: it panics on bounds it cannot order (and links float formatting).
        a.window_max = (a.window_max + amount).min(a.capacity).max(1.0);
        a.protected_max = PROTECTED_SHARE * (a.capacity - a.window_max);
        self.demote_protected();
        // A grown window takes the eldest main entries; a shrunk one gives its eldest back.
        let window_max = self.policy_state().window_max;
        while amount > 0.0 && self.weight(WINDOW) < window_max {
            let from = [PROBATION, PROTECTED]
                .into_iter()
                .find(|s| self.lists[usize::from(*s)].len > 0);
            let Some(from) = from else { break };
            let tail = self.lists[usize::from(from)].tail;
            let w = self.unit_weight(tail);
            if self.weight(WINDOW) + w > window_max {
                break;
            }
            self.move_to(tail, WINDOW);
        }
        self.shrink_window();
    }

    /// Weight of entry `id` in the policy's unit.
    fn unit_weight(&self, id: u32) -> f64 {
        if self.by_bytes() {
            self.slots[id as usize].size() as f64
        } else {
            1.0
        }
    }

    /// Window entries over the window's share move to probation (the eviction candidates);
    /// the count moved.
    fn shrink_window(&mut self) -> usize {
        let max = self.policy_state().window_max;
        let mut moved = 0;
        // A newcomer bigger than the whole window leaves it first, alone, rather than
        // pushing the window's other entries out ahead of it.
        let head = self.lists[usize::from(WINDOW)].head;
        if head != NIL && self.unit_weight(head) > max && self.lists[usize::from(WINDOW)].len > 1 {
            self.move_to(head, PROBATION);
            moved += 1;
        }
        while self.lists[usize::from(WINDOW)].len > 1 && self.weight(WINDOW) > max {
            let tail = self.lists[usize::from(WINDOW)].tail;
            self.move_to(tail, PROBATION);
            moved += 1;
        }
        moved
    }

    /// TinyLFU's admission: the candidate replaces the victim only if used more often.
    fn admit(&mut self, candidate: u32, victim: u32) -> bool {
        let (cf, vf) = (
            self.slots[candidate as usize].frequency(),
            self.slots[victim as usize].frequency(),
        );
        let a = self.policy_state();
        if cf > vf {
            return true;
        }
        cf >= HASHDOS_FREQUENCY && a.random() & 127 == 0
    }

    /// Evicts until at most `max_len` entries and `max_bytes` bytes remain, never `keep`;
    /// `on_evict` sees each key first. The count evicted.
    ///
    /// ```
    /// use edgecache::{Policy, Store};
    /// let mut store = Store::with_policy(Policy::Adaptive { max_entries: 2, max_bytes: None });
    /// for k in [b"a", b"b", b"c"] {
    ///     store.insert(k, b"v", f64::INFINITY);
    ///     store.make_room(2, None, None, |_| {});
    /// }
    /// assert_eq!(store.len(), 2);
    /// ```
    pub fn make_room(
        &mut self,
        max_len: usize,
        max_bytes: Option<usize>,
        keep: Option<&[u8]>,
        mut on_evict: impl FnMut(&[u8]),
    ) -> usize {
        if self.adaptive.is_none() {
            // Plain LRU: the tail goes, as `pop_lru`, until under the limits or at `keep`.
            let mut evicted = 0;
            let keep = keep.and_then(|k| self.find(k));
            while let Some(tail) = self.lru_tail().filter(|&t| Some(t) != keep) {
                if !self.over(max_len, max_bytes) {
                    break;
                }
                on_evict(self.slots[tail as usize].key());
                self.remove_id(tail);
                evicted += 1;
            }
            return evicted;
        }
        let keep = keep.and_then(|k| self.find(k)).unwrap_or(NIL);
        let mut candidates = self.shrink_window();
        let mut evicted = 0;
        let mut victim_queue = PROBATION;
        let mut candidate_queue = PROBATION;
        let mut victim = self.lists[usize::from(PROBATION)].tail;
        let mut candidate = if candidates > 0 {
            self.lists[usize::from(PROBATION)].head
        } else {
            NIL
        };
        let capacity = self.policy_state().capacity;
        // Moves toward the newer (victims) or older (candidates) end of a list.
        let newer = |s: &Store, id: u32| s.slots[id as usize].prev;
        let older = |s: &Store, id: u32| s.slots[id as usize].next;
        while self.over(max_len, max_bytes) {
            if candidates == 0 && candidate_queue == PROBATION {
                candidate = self.lists[usize::from(WINDOW)].tail;
                candidate_queue = WINDOW;
            }
            if candidate == NIL && victim == NIL {
                victim_queue = match victim_queue {
                    PROBATION => PROTECTED,
                    PROTECTED => WINDOW,
                    _ => break,
                };
                victim = self.lists[usize::from(victim_queue)].tail;
                continue;
            }
            if victim != NIL && victim == keep {
                victim = newer(self, victim);
                continue;
            }
            if candidate != NIL && candidate == keep {
                candidate = older(self, candidate);
                candidates = candidates.saturating_sub(1);
                continue;
            }
            let evict = if victim == NIL {
                let out = candidate;
                candidate = older(self, candidate);
                candidates = candidates.saturating_sub(1);
                out
            } else if candidate == NIL {
                let out = victim;
                victim = newer(self, victim);
                out
            } else if candidate == victim {
                let out = victim;
                victim = newer(self, victim);
                candidate = NIL;
                candidates = candidates.saturating_sub(1);
                out
            } else {
                candidates = candidates.saturating_sub(1);
                if self.unit_weight(candidate) > capacity || !self.admit(candidate, victim) {
                    let out = candidate;
                    candidate = older(self, candidate);
                    out
                } else {
                    let out = victim;
                    victim = newer(self, victim);
                    out
                }
            };
            on_evict(self.slots[evict as usize].key());
            self.remove_id(evict);
            evicted += 1;
        }
        evicted
    }

    fn over(&self, max_len: usize, max_bytes: Option<usize>) -> bool {
        self.len > max_len || max_bytes.is_some_and(|m| self.bytes > m)
    }
}
