//! The adaptive policy's window controller: miniature simulations (Waldspurger et al.,
//! "Cache Modeling and Optimization using Miniature Simulations", USENIX ATC'17). A few
//! scaled-down W-TinyLFU caches, each with another window share, replay a hash-sampled part of
//! the request stream; every epoch the main cache takes the window of the one that hit most.
//!
//! The simulations see the same requests, so they share one index and one record per key
//! (its hash, its segment and links in each simulation): a sampled request costs one look-up,
//! then a few list moves per simulation (rather than seven look-ups, one per simulation).
//! Memory is bounded: each simulation holds at most [`SHADOW_MAX`] keys,
//! so at most `CANDIDATES.len() * SHADOW_MAX + 1` records (36 bytes, and their index) live at
//! once: with the vectors' and the index's growth, at most ~230 KiB, plus a 4 KiB sketch,
//! whatever the cache's size (measured on the shared traces: 50-110 KiB, as the ~120 KiB of
//! seven separate simulations); a cache of fewer entries simulates at its own size (every
//! request sampled). Each request costs one hash test: O(1).
//!
//! (Over ~400 lines with its tests: the shared records and the seven simulations' lists are
//! one structure, and splitting it would expose their links across modules.)

use super::Sketch;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The window shares simulated: from frequency-biased (1 %) to recency-biased (95 %).
pub(super) const CANDIDATES: [f64; 7] = [0.01, 0.05, 0.1, 0.2, 0.4, 0.7, 0.95];
/// Entries per simulation at most: a larger cache is simulated on a sample of its keys.
pub(super) const SHADOW_MAX: usize = 512;
/// A simulation's sketch counts at least this many entries' worth (as the main cache's).
const SKETCH_MIN: usize = 256;
/// The protected segment's share of a simulation's main segment (as the main cache's).
const PROTECTED_SHARE: f64 = 0.8;
/// Sampled requests per epoch: one simulation's size, at least this many (so a tiny cache's
/// choice rests on more than a handful of hits).
const EPOCH_MIN: usize = 500;
/// The share before the first epoch ends: Caffeine's start (a frequency-biased workload, the
/// common case of caches, is served well at once; a recency-biased one is found in an epoch).
const START: f64 = 0.01;
/// Each epoch's hits count this much of the running score; the older epochs the rest (a
/// workload's phases move the choice, one noisy epoch does not).
const FRESH_WEIGHT: f64 = 0.25;
/// The window moves only to a simulation that beats the current one by this share.
const MARGIN: f64 = 0.02;

const SIMS: usize = CANDIDATES.len();
/// Record ids fit 16 bits: at most `SIMS * SHADOW_MAX + 1` records live at once.
const _: () = assert!(SIMS * SHADOW_MAX < u16::MAX as usize);
/// A record is 36 bytes (the module doc's memory bound).
const _: () = assert!(std::mem::size_of::<Record>() == 36);
const NONE: u16 = u16::MAX;
const WINDOW: u16 = 0;
const PROBATION: u16 = 1;
const PROTECTED: u16 = 2;
/// The segment code of a key a simulation does not hold.
const ABSENT: u16 = 3;
/// Every simulation's segment code ABSENT (2 bits each).
const NOWHERE: u16 = (1 << (2 * SIMS)) - 1;

/// The hash is already well mixed: hashing it again would only cost time.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// One key of the sample: its hash, and where each simulation keeps it.
#[derive(Clone, Copy)]
struct Record {
    /// Per simulation, the newer and older neighbours in its segment's list.
    links: [[u16; 2]; SIMS],
    /// Per simulation, 2 bits: its segment, or ABSENT.
    segments: u16,
    hash: u32,
}

#[derive(Clone, Copy, Debug)]
struct List {
    head: u16,
    tail: u16,
    len: u16,
}

const EMPTY: List = List {
    head: NONE,
    tail: NONE,
    len: 0,
};

/// One scaled-down W-TinyLFU cache's sizes, lists and hits; its keys are in the shared records.
#[derive(Clone, Debug)]
struct Simulation {
    window: u16,
    protected_max: u16,
    len: u16,
    lists: [List; 3],
    hits: u32,
    score: f64,
}

impl Simulation {
    fn new(capacity: usize, share: f64) -> Self {
        let window = ((capacity as f64 * share).round() as usize).clamp(1, capacity);
        Simulation {
            window: window as u16,
            protected_max: (PROTECTED_SHARE * (capacity - window) as f64) as u16,
            len: 0,
            lists: [EMPTY; 3],
            hits: 0,
            score: 0.0,
        }
    }
}

/// The simulations of one cache and what they say the window should be.
#[derive(Clone)]
pub(super) struct Shadows {
    simulations: [Simulation; SIMS],
    records: Vec<Record>,
    free: Vec<u16>,
    index: HashMap<u32, u16, BuildHasherDefault<Identity>>,
    sketch: Sketch,
    /// A request is simulated when its mixed hash is below this (out of 2^32).
    threshold: u64,
    /// Sampled requests per epoch, and so far in this one.
    epoch: u32,
    seen: u32,
    /// The candidate the main cache follows.
    best: usize,
    /// Entries per simulation, and whether the sketch counts yet (from half full on).
    size: usize,
    counting: bool,
}

impl std::fmt::Debug for Shadows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shadows")
            .field("size", &self.size)
            .field("best", &self.best)
            .field("records", &self.index.len())
            .finish()
    }
}

impl Shadows {
    /// Simulations for a cache of `capacity` entries.
    pub(super) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let size = capacity.min(SHADOW_MAX);
        let rate = size as f64 / capacity as f64;
        Shadows {
            simulations: CANDIDATES.map(|w| Simulation::new(size, w)),
            records: Vec::new(),
            free: Vec::new(),
            index: HashMap::default(),
            sketch: Sketch::new(size.max(SKETCH_MIN)),
            threshold: (rate * 4_294_967_296.0) as u64,
            epoch: size.max(EPOCH_MIN) as u32,
            seen: 0,
            best: CANDIDATES.iter().position(|&w| w >= START).unwrap_or(0),
            size,
            counting: false,
        }
    }

    /// The window share the simulations currently favour.
    pub(super) fn share(&self) -> f64 {
        CANDIDATES[self.best]
    }

    /// Bytes the simulations occupy (their records and index grow to at most
    /// `(CANDIDATES.len() * SHADOW_MAX + 1) * RECORD_BYTES`).
    pub(super) fn bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<Record>()
            + self.index.capacity() * 8 / 7 * 9
            + self.free.capacity() * 2
            + self.sketch.bytes()
    }

    /// Whether a request of `hash` is in the simulations' sample.
    #[inline]
    pub(super) fn sampled(&self, hash: u32) -> bool {
        // A mix independent of the sketch's and the store's use of the hash.
        let mixed = u64::from(hash.wrapping_mul(0x85EB_CA6B).rotate_left(13) ^ 0x2545_F491);
        mixed < self.threshold
    }

    /// One sampled request of `hash` ([`Shadows::sampled`]); true when an epoch ended (the
    /// share may have changed).
    #[inline(never)]
    pub(super) fn access(&mut self, hash: u32) -> bool {
        // As the main cache, the sketch counts once the simulations are half full.
        if self.counting || 2 * usize::from(self.simulations[0].len) >= self.size {
            self.counting = true;
            self.sketch.increment(hash);
        }
        let id = match self.index.get(&hash) {
            Some(&id) => id,
            None => {
                let id = self.new_record(hash);
                self.index.insert(hash, id);
                id
            }
        };
        for sim in 0..SIMS {
            self.replay(sim, id);
        }
        self.seen += 1;
        if self.seen < self.epoch {
            return false;
        }
        self.seen = 0;
        for s in &mut self.simulations {
            s.score = (1.0 - FRESH_WEIGHT) * s.score + FRESH_WEIGHT * f64::from(s.hits);
            s.hits = 0;
        }
        // The best score wins; the current one keeps its place on a tie.
        let mut best = self.best;
        for (i, s) in self.simulations.iter().enumerate() {
            if s.score > self.simulations[best].score {
                best = i;
            }
        }
        // A window change costs the main cache its tuned segments: only a clear lead moves it.
        if self.simulations[best].score <= self.simulations[self.best].score * (1.0 + MARGIN) {
            best = self.best;
        }
        self.best = best;
        true
    }

    fn new_record(&mut self, hash: u32) -> u16 {
        let record = Record {
            links: [[NONE; 2]; SIMS],
            segments: NOWHERE,
            hash,
        };
        match self.free.pop() {
            Some(id) => {
                self.records[usize::from(id)] = record;
                id
            }
            None => {
                self.records.push(record);
                (self.records.len() - 1) as u16
            }
        }
    }

    fn segment(&self, id: u16, sim: usize) -> u16 {
        (self.records[usize::from(id)].segments >> (2 * sim)) & 3
    }

    fn set_segment(&mut self, id: u16, sim: usize, segment: u16) {
        let r = &mut self.records[usize::from(id)];
        r.segments = (r.segments & !(3 << (2 * sim))) | (segment << (2 * sim));
    }

    fn unlink(&mut self, sim: usize, id: u16) {
        let [prev, next] = self.records[usize::from(id)].links[sim];
        let segment = self.segment(id, sim);
        let list = &mut self.simulations[sim].lists[usize::from(segment)];
        list.len -= 1;
        if prev == NONE {
            list.head = next;
        } else {
            self.records[usize::from(prev)].links[sim][1] = next;
        }
        let list = &mut self.simulations[sim].lists[usize::from(segment)];
        if next == NONE {
            list.tail = prev;
        } else {
            self.records[usize::from(next)].links[sim][0] = prev;
        }
    }

    fn push_front(&mut self, sim: usize, id: u16, segment: u16) {
        let list = &mut self.simulations[sim].lists[usize::from(segment)];
        let head = list.head;
        list.head = id;
        if head == NONE {
            list.tail = id;
        }
        list.len += 1;
        if head != NONE {
            self.records[usize::from(head)].links[sim][0] = id;
        }
        self.records[usize::from(id)].links[sim] = [NONE, head];
        self.set_segment(id, sim, segment);
    }

    fn move_front(&mut self, sim: usize, id: u16, segment: u16) {
        self.unlink(sim, id);
        self.push_front(sim, id, segment);
    }

    /// Simulation `sim` drops record `id`; a record no simulation holds is freed.
    fn remove(&mut self, sim: usize, id: u16) {
        self.unlink(sim, id);
        self.set_segment(id, sim, ABSENT);
        self.simulations[sim].len -= 1;
        let record = self.records[usize::from(id)];
        if record.segments == NOWHERE {
            self.index.remove(&record.hash);
            self.free.push(id);
        }
    }

    /// Replays one request of record `id` in simulation `sim`; the sketch already counted it.
    fn replay(&mut self, sim: usize, id: u16) {
        match self.segment(id, sim) {
            ABSENT => {}
            PROBATION => {
                self.simulations[sim].hits += 1;
                self.move_front(sim, id, PROTECTED);
                let s = &self.simulations[sim];
                if s.lists[usize::from(PROTECTED)].len > s.protected_max {
                    let tail = s.lists[usize::from(PROTECTED)].tail;
                    self.move_front(sim, tail, PROBATION);
                }
                return;
            }
            segment => {
                self.simulations[sim].hits += 1;
                self.move_front(sim, id, segment);
                return;
            }
        }
        self.push_front(sim, id, WINDOW);
        self.simulations[sim].len += 1;
        let s = &self.simulations[sim];
        if s.lists[usize::from(WINDOW)].len <= s.window {
            return;
        }
        // The window's eldest goes to main, or competes with main's victim when main is full.
        let candidate = s.lists[usize::from(WINDOW)].tail;
        self.move_front(sim, candidate, PROBATION);
        let s = &self.simulations[sim];
        if usize::from(s.len) <= self.size {
            return;
        }
        let victim = [PROBATION, PROTECTED]
            .into_iter()
            .map(|seg| s.lists[usize::from(seg)].tail)
            .find(|&t| t != NONE && t != candidate)
            .unwrap_or(candidate);
        let [c, v] =
            [candidate, victim].map(|i| self.sketch.frequency(self.records[usize::from(i)].hash));
        self.remove(sim, if c > v { victim } else { candidate });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream: xorshift over `n` keys.
    fn stream(seed: u64) -> impl FnMut(u32) -> u32 {
        let mut x = seed | 1;
        move |n| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % u64::from(n)) as u32
        }
    }

    fn hash(key: u32) -> u32 {
        key.wrapping_mul(0x9E37_79B9).rotate_left(7) ^ 0x5bd1_e995
    }

    #[test]
    fn a_recency_biased_stream_gets_a_large_window() {
        // Each key is requested a few times close together, then never again: only recency
        // pays, so the simulations with the largest windows hit most.
        let mut shadows = Shadows::new(100);
        recency_phase(&mut shadows);
        assert!(shadows.share() >= 0.7, "{}", shadows.share());
    }

    /// A request as the store makes it: simulated when sampled.
    fn request(shadows: &mut Shadows, hash: u32) {
        if shadows.sampled(hash) {
            shadows.access(hash);
        }
    }

    fn recency_phase(shadows: &mut Shadows) {
        for key in 0..20_000u32 {
            for _ in 0..3 {
                request(shadows, hash(key));
                request(shadows, hash(key.saturating_sub(20)));
            }
        }
    }

    #[test]
    fn the_window_follows_a_shift_to_a_frequency_biased_stream() {
        let mut shadows = Shadows::new(100);
        recency_phase(&mut shadows);
        assert!(shadows.share() >= 0.7, "{}", shadows.share());
        // Then a fixed hot set of 90 keys, drowned in one-off keys: only a main segment of 90
        // or more (a window of 10 % or less) keeps it.
        let mut next = stream(7);
        for one_off in 0..60_000u32 {
            request(&mut shadows, hash(1_000_000 + one_off));
            request(&mut shadows, hash(next(90)));
        }
        assert!(shadows.share() <= 0.1, "{}", shadows.share());
    }

    #[test]
    fn a_large_cache_is_simulated_on_a_bounded_sample() {
        let mut shadows = Shadows::new(1_000_000);
        for key in 0..200_000u32 {
            request(&mut shadows, hash(key));
        }
        for s in &shadows.simulations {
            assert!(usize::from(s.len) <= SHADOW_MAX);
        }
        assert!(shadows.index.len() <= SIMS * SHADOW_MAX);
        assert!(shadows.bytes() < 200 * 1024);
    }
}
