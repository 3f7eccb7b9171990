//! Counters kept per cache instance, and the stats snapshot.

/// Event counts of one cache instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Reads that found a live entry.
    pub hits: u64,
    /// Reads that found nothing, or an expired entry.
    pub misses: u64,
    /// Values stored by `set` (and by `getOrSet`/`setMany`/`incrVersion` through it).
    pub sets: u64,
    /// Successful `add`s.
    pub adds: u64,
    /// Entries removed by `delete`.
    pub deletes: u64,
    /// Entries removed to make room: culls (entry limit) and byte-budget evictions.
    pub evictions: u64,
    /// Expired entries removed when a read met them.
    pub expirations: u64,
    /// Writes refused because one entry exceeds the byte budget.
    pub rejected: u64,
    /// Entries removed by tag invalidation.
    pub invalidations: u64,
}

/// A snapshot of a cache's counters and occupancy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// The event counters.
    pub counters: Counters,
    /// Entries in the store (expired ones included until met).
    pub entries: usize,
    /// Accounted bytes in the store.
    pub bytes: usize,
    /// The byte budget, if any.
    pub max_bytes: Option<usize>,
    /// The adaptive policy's window, as a share of the capacity (`None` under LRU).
    pub window: Option<f64>,
}

impl Stats {
    /// hits / (hits + misses), 0 before any read.
    pub fn hit_ratio(&self) -> f64 {
        let reads = self.counters.hits + self.counters.misses;
        if reads == 0 {
            0.0
        } else {
            self.counters.hits as f64 / reads as f64
        }
    }
}
