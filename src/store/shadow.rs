//! The adaptive policy's window controller: miniature simulations (Waldspurger et al.,
//! "Cache Modeling and Optimization using Miniature Simulations", USENIX ATC'17). A few
//! scaled-down W-TinyLFU caches, each with another window share, replay a hash-sampled part of
//! the request stream; every epoch the main cache takes the window of the one that hit most.
//!
//! Memory is bounded: each simulation holds at most [`SHADOW_MAX`] key hashes (about 28 bytes
//! each), so all of them take at most `CANDIDATES.len() * SHADOW_MAX * 28` bytes (~100 KiB)
//! plus one shared sketch, whatever the cache's size; a cache of fewer entries simulates at its
//! own size (every request sampled). Each request costs one hash test; a sampled one a map
//! look-up and a few list moves per simulation: O(1).

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

const NONE: u32 = u32::MAX;
const WINDOW: u8 = 0;
const PROBATION: u8 = 1;
const PROTECTED: u8 = 2;

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

#[derive(Clone, Copy)]
struct Node {
    hash: u32,
    prev: u32,
    next: u32,
    segment: u8,
}

#[derive(Clone, Copy)]
struct List {
    head: u32,
    tail: u32,
    len: usize,
}

const EMPTY: List = List {
    head: NONE,
    tail: NONE,
    len: 0,
};

/// One scaled-down W-TinyLFU cache of `capacity` key hashes with a window of `window` of them.
#[derive(Clone)]
struct Simulation {
    window: usize,
    protected_max: usize,
    capacity: usize,
    nodes: Vec<Node>,
    free: Vec<u32>,
    lists: [List; 3],
    map: HashMap<u32, u32, BuildHasherDefault<Identity>>,
    hits: u32,
    score: f64,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("window", &self.window)
            .field("score", &self.score)
            .finish()
    }
}

impl Simulation {
    fn new(capacity: usize, share: f64) -> Self {
        let window = ((capacity as f64 * share).round() as usize).clamp(1, capacity);
        Simulation {
            window,
            protected_max: (PROTECTED_SHARE * (capacity - window) as f64) as usize,
            capacity,
            nodes: Vec::with_capacity(capacity + 1),
            free: Vec::new(),
            lists: [EMPTY; 3],
            map: HashMap::with_capacity_and_hasher(capacity + 1, BuildHasherDefault::default()),
            hits: 0,
            score: 0.0,
        }
    }

    fn unlink(&mut self, id: u32) {
        let Node {
            prev,
            next,
            segment,
            ..
        } = self.nodes[id as usize];
        let list = &mut self.lists[usize::from(segment)];
        if prev == NONE {
            list.head = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NONE {
            list.tail = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
        list.len -= 1;
    }

    fn push_front(&mut self, id: u32, segment: u8) {
        let list = &mut self.lists[usize::from(segment)];
        let head = list.head;
        list.head = id;
        if head == NONE {
            list.tail = id;
        }
        list.len += 1;
        if head != NONE {
            self.nodes[head as usize].prev = id;
        }
        let node = &mut self.nodes[id as usize];
        node.prev = NONE;
        node.next = head;
        node.segment = segment;
    }

    fn move_front(&mut self, id: u32, segment: u8) {
        self.unlink(id);
        self.push_front(id, segment);
    }

    fn remove(&mut self, id: u32) {
        self.unlink(id);
        self.map.remove(&self.nodes[id as usize].hash);
        self.free.push(id);
    }

    /// Replays one request of `hash`; `sketch` already counted it.
    fn access(&mut self, hash: u32, sketch: &Sketch) {
        if let Some(&id) = self.map.get(&hash) {
            self.hits += 1;
            match self.nodes[id as usize].segment {
                PROBATION => {
                    self.move_front(id, PROTECTED);
                    if self.lists[usize::from(PROTECTED)].len > self.protected_max {
                        let tail = self.lists[usize::from(PROTECTED)].tail;
                        self.move_front(tail, PROBATION);
                    }
                }
                segment => self.move_front(id, segment),
            }
            return;
        }
        let node = Node {
            hash,
            prev: NONE,
            next: NONE,
            segment: WINDOW,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.nodes[id as usize] = node;
                id
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.map.insert(hash, id);
        self.push_front(id, WINDOW);
        if self.lists[usize::from(WINDOW)].len <= self.window {
            return;
        }
        // The window's eldest goes to main, or competes with main's victim when main is full.
        let candidate = self.lists[usize::from(WINDOW)].tail;
        self.move_front(candidate, PROBATION);
        if self.map.len() <= self.capacity {
            return;
        }
        let victim = [PROBATION, PROTECTED]
            .into_iter()
            .map(|s| self.lists[usize::from(s)].tail)
            .find(|&t| t != NONE && t != candidate)
            .unwrap_or(candidate);
        let [c, v] = [candidate, victim].map(|i| sketch.frequency(self.nodes[i as usize].hash));
        self.remove(if c > v { victim } else { candidate });
    }
}

/// The simulations of one cache and what they say the window should be.
#[derive(Debug, Clone)]
pub(super) struct Shadows {
    simulations: Vec<Simulation>,
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

impl Shadows {
    /// Simulations for a cache of `capacity` entries.
    pub(super) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let size = capacity.min(SHADOW_MAX);
        let rate = size as f64 / capacity as f64;
        Shadows {
            simulations: CANDIDATES
                .iter()
                .map(|&w| Simulation::new(size, w))
                .collect(),
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

    /// Bytes the simulations occupy at most.
    pub(super) fn bytes(&self) -> usize {
        let per = SHADOW_MAX.min(self.simulations.first().map_or(0, |s| s.capacity)) * 28;
        self.simulations.len() * per + self.sketch.bytes()
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
        let filled = self.simulations.first().map_or(0, |s| s.map.len());
        if self.counting || 2 * filled >= self.size {
            self.counting = true;
            self.sketch.increment(hash);
        }
        for s in &mut self.simulations {
            s.access(hash, &self.sketch);
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
            assert!(s.map.len() <= SHADOW_MAX);
        }
        assert!(shadows.bytes() < 200 * 1024);
    }
}
