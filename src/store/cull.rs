//! Django's cull without its pause: the `k` least recent entries leave the store at once
//! (counts, bytes and lookups see them gone) but their memory is freed a few at a time by
//! later inserts. Finding them costs whole recency buckets plus at most one bucket's walk,
//! not a walk over all `k`.

use super::{Store, DEAD, EMPTY, NIL, WINDOW};

/// Culled entries each new insert frees first: more than the one it allocates, so memory does
/// not grow, and few enough to keep the insert cheap; a cull of a third of a full store is
/// freed within the first quarter of the inserts that refill it.
pub(super) const FREED_PER_INSERT: usize = 4;

impl Store {
    /// Removes the `count` least recently used entries at once (LRU; the adaptive policy
    /// evicts them one by one). Their memory is released by later inserts. The count removed.
    ///
    /// ```
    /// use edgecache::Store;
    /// let mut store = Store::with_seed(1);
    /// for k in [b"a", b"b", b"c", b"d"] {
    ///     store.insert(k, b"v", f64::INFINITY);
    /// }
    /// assert_eq!(store.cull(3), 3);
    /// assert_eq!(store.len(), 1);
    /// assert!(store.peek(b"c").is_none());
    /// assert!(store.peek(b"d").is_some());
    /// store.insert(b"a", b"again", f64::INFINITY);
    /// assert_eq!(store.peek(b"a").map(|e| e.value), Some(&b"again"[..]));
    /// ```
    pub fn cull(&mut self, count: usize) -> usize {
        if self.adaptive.is_some() {
            return (0..count).take_while(|_| self.pop_lru()).count();
        }
        let count = count.min(self.len);
        if count == 0 {
            return 0;
        }
        let boundary = self.buckets.boundary(count);
        // The boundary bucket's oldest entries go one by one, marked dead.
        let mut first_live = self.buckets.oldest_of(boundary.bucket);
        let mut walked_bytes = 0;
        for _ in 0..boundary.walk {
            let s = &mut self.slots[first_live as usize];
            walked_bytes += s.size();
            s.bucket = DEAD;
            first_live = s.prev;
        }
        let bytes = boundary.bytes + walked_bytes;
        // The culled run is the list's tail up to `first_live`: cut it off whole.
        let list = &mut self.lists[usize::from(WINDOW)];
        let (run_newest, run_oldest) = match first_live {
            NIL => (list.head, list.tail),
            id => (self.slots[id as usize].next, list.tail),
        };
        match first_live {
            NIL => *list = EMPTY,
            id => {
                list.tail = id;
                list.len -= count;
                list.bytes -= bytes;
                self.slots[id as usize].next = NIL;
            }
        }
        self.slots[run_newest as usize].prev = NIL;
        // The graveyard keeps its oldest at the tail, so freeing goes oldest first.
        let graveyard = &mut self.graveyard;
        match graveyard.head {
            NIL => graveyard.tail = run_oldest,
            head => {
                self.slots[run_oldest as usize].next = head;
                self.slots[head as usize].prev = run_oldest;
            }
        }
        graveyard.head = run_newest;
        graveyard.len += count;
        graveyard.bytes += bytes;
        self.len -= count;
        self.bytes -= bytes;
        self.buckets.cull(boundary, walked_bytes, first_live);
        count
    }

    /// Culled entries not yet freed, and their accounted bytes.
    pub fn culled(&self) -> (usize, usize) {
        (self.graveyard.len, self.graveyard.bytes)
    }

    /// Frees up to `max` culled entries, oldest first.
    pub(super) fn free_culled(&mut self, max: usize) {
        if self.graveyard.len == 0 {
            return;
        }
        for _ in 0..max {
            let id = self.graveyard.tail;
            if id == NIL {
                break;
            }
            let (newer, size) = {
                let s = &self.slots[id as usize];
                (s.prev, s.size())
            };
            match newer {
                NIL => self.graveyard.head = NIL,
                n => self.slots[n as usize].next = NIL,
            }
            self.graveyard.tail = newer;
            self.graveyard.len -= 1;
            self.graveyard.bytes -= size;
            self.release(id);
        }
        if self.graveyard.len == 0 {
            self.buckets.recycle_culled();
        }
    }
}
