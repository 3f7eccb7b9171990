//! Recency buckets of the LRU list: consecutive runs of entries linked at the front during the
//! same [`LINKS_PER_BUCKET`] links, each with its length, bytes and least recent entry. A cull
//! of the `k` least recent entries then counts whole buckets from the old end and walks at
//! most one bucket's entries, instead of walking all `k`.
//!
//! Buckets live in a slab with stable ids (an entry stores its bucket's id) and are chained
//! from newest to oldest. A bucket that empties is recycled at once, so the ledger holds at
//! most one bucket per live entry plus the culled buckets still waiting to be freed.

use super::NIL;

/// Links at the front per bucket: the most entries a cull walks at its boundary.
const LINKS_PER_BUCKET: u32 = 256;
/// The bucket id of entries culled one by one at a cull's boundary: always dead.
pub(super) const DEAD: u32 = 0;

/// One run of entries of the LRU list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bucket {
    pub(super) len: usize,
    pub(super) bytes: usize,
    /// The least recent entry of the run; NIL when empty.
    pub(super) oldest: u32,
    /// The neighbouring buckets towards the newer and the older end; NIL at the ends.
    newer: u32,
    older: u32,
    /// Culled: its entries wait in the graveyard.
    pub(super) dead: bool,
}

const FRESH: Bucket = Bucket {
    len: 0,
    bytes: 0,
    oldest: NIL,
    newer: NIL,
    older: NIL,
    dead: false,
};

/// The buckets of one LRU list.
#[derive(Debug)]
pub(super) struct Buckets {
    slab: Vec<Bucket>,
    /// Recycled bucket ids, chained through `older`.
    free: u32,
    /// The bucket new links join, and the oldest live bucket.
    newest: u32,
    oldest: u32,
    /// Links into `newest` so far.
    links: u32,
    /// Culled buckets, chained through `older`: recycled when the graveyard is empty.
    culled: u32,
}

/// Where a cull stops: the buckets before it are culled whole, then `walk` more entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Boundary {
    /// The bucket holding the boundary (NIL when the whole list is culled).
    pub(super) bucket: u32,
    /// Entries of whole buckets culled, and their bytes.
    pub(super) len: usize,
    pub(super) bytes: usize,
    /// Entries to cull one by one from the boundary bucket's oldest.
    pub(super) walk: usize,
}

impl Default for Buckets {
    fn default() -> Self {
        Buckets::new()
    }
}

impl Buckets {
    /// A ledger with the dead sentinel and one empty bucket to link into.
    pub(super) fn new() -> Self {
        let dead = Bucket {
            dead: true,
            ..FRESH
        };
        Buckets {
            slab: vec![dead, FRESH],
            free: NIL,
            newest: 1,
            oldest: 1,
            links: 0,
            culled: NIL,
        }
    }

    /// Whether entries of `bucket` were culled.
    pub(super) fn is_dead(&self, bucket: u32) -> bool {
        self.slab[bucket as usize].dead
    }

    /// The least recent entry of `bucket` (NIL for NIL).
    pub(super) fn oldest_of(&self, bucket: u32) -> u32 {
        match bucket {
            NIL => NIL,
            b => self.slab[b as usize].oldest,
        }
    }

    /// An entry of `size` bytes linked at the front: the bucket it joins.
    pub(super) fn link(&mut self, entry: u32, size: usize) -> u32 {
        if self.links == LINKS_PER_BUCKET {
            self.open();
        }
        self.links += 1;
        let b = &mut self.slab[self.newest as usize];
        b.len += 1;
        b.bytes += size;
        if b.oldest == NIL {
            b.oldest = entry;
        }
        self.newest
    }

    /// An entry of `size` bytes left `bucket`; `newer` is its newer neighbour in the list.
    pub(super) fn unlink(&mut self, bucket: u32, entry: u32, size: usize, newer: u32) {
        let b = &mut self.slab[bucket as usize];
        b.len -= 1;
        b.bytes -= size;
        if b.len == 0 {
            b.oldest = NIL;
            if bucket != self.newest {
                self.detach(bucket);
                self.recycle(bucket);
            }
        } else if b.oldest == entry {
            // A bucket's entries are consecutive: the next newer one is still in it.
            b.oldest = newer;
        }
    }

    /// The entry in `bucket` changed from `old` to `new` bytes.
    pub(super) fn resize(&mut self, bucket: u32, old: usize, new: usize) {
        let b = &mut self.slab[bucket as usize];
        b.bytes = b.bytes - old + new;
    }

    /// Where a cull of the `count` least recent entries stops (`count` <= the list's length).
    pub(super) fn boundary(&self, count: usize) -> Boundary {
        let mut at = Boundary {
            bucket: self.oldest,
            len: 0,
            bytes: 0,
            walk: 0,
        };
        while at.bucket != NIL {
            let b = &self.slab[at.bucket as usize];
            if at.len + b.len > count {
                at.walk = count - at.len;
                return at;
            }
            at.len += b.len;
            at.bytes += b.bytes;
            at.bucket = b.newer;
        }
        at
    }

    /// Marks the buckets older than `boundary` culled; the boundary bucket loses `walked`
    /// entries of `walked_bytes` and now starts at `first_live`.
    pub(super) fn cull(&mut self, boundary: Boundary, walked_bytes: usize, first_live: u32) {
        while self.oldest != boundary.bucket && self.oldest != NIL {
            let id = self.oldest;
            self.detach(id);
            let b = &mut self.slab[id as usize];
            b.dead = true;
            b.older = self.culled;
            self.culled = id;
        }
        if boundary.bucket == NIL {
            // Everything went: start again with one empty bucket.
            self.newest = self.take();
            self.oldest = self.newest;
            self.links = 0;
            return;
        }
        let b = &mut self.slab[boundary.bucket as usize];
        b.len -= boundary.walk;
        b.bytes -= walked_bytes;
        b.oldest = first_live;
    }

    /// The graveyard is empty: culled buckets can be reused.
    pub(super) fn recycle_culled(&mut self) {
        while self.culled != NIL {
            let id = self.culled;
            self.culled = self.slab[id as usize].older;
            self.recycle(id);
        }
    }

    /// Starts a new newest bucket (an empty one is simply reused).
    fn open(&mut self) {
        self.links = 0;
        if self.slab[self.newest as usize].len == 0 {
            return;
        }
        let id = self.take();
        self.slab[id as usize].older = self.newest;
        self.slab[self.newest as usize].newer = id;
        self.newest = id;
    }

    /// A fresh bucket id (not chained).
    fn take(&mut self) -> u32 {
        super::slots::place(&mut self.slab, &mut self.free, FRESH, |b| b.older)
    }

    /// Takes `id` out of the chain of live buckets.
    fn detach(&mut self, id: u32) {
        let Bucket { newer, older, .. } = self.slab[id as usize];
        match newer {
            NIL => self.newest = older,
            n => self.slab[n as usize].older = older,
        }
        match older {
            NIL => self.oldest = newer,
            o => self.slab[o as usize].newer = newer,
        }
    }

    fn recycle(&mut self, id: u32) {
        self.slab[id as usize] = Bucket {
            older: self.free,
            ..FRESH
        };
        self.free = id;
    }

    /// Bytes of the ledger itself.
    pub(super) fn heap_bytes(&self) -> usize {
        self.slab.capacity() * std::mem::size_of::<Bucket>()
    }
}
