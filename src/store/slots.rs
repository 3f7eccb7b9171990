//! The slab of slots and the intrusive doubly linked recency lists threaded through it:
//! placing a slot, unlinking, linking at a list's front, moving between lists.

use super::hash::widen;
use super::{Slot, Store, NIL};

impl Store {
    pub(super) fn alloc_slot(&mut self, slot: Slot) -> u32 {
        place(&mut self.slots, &mut self.free, slot, |s| s.next)
    }

    pub(super) fn remove_id(&mut self, id: u32) {
        self.unlink(id);
        self.bytes -= self.slots[id as usize].size();
        self.len -= 1;
        self.release(id);
    }

    /// Takes slot `id` (already out of its list and counts) out of the index and frees it.
    pub(super) fn release(&mut self, id: u32) {
        if self.adaptive.is_some() {
            self.keep_frequency(id);
        }
        let h = self.slot_hash(id);
        if let Ok(found) = self.index.find_entry(widen(h), |&i| i == id) {
            found.remove();
        }
        let slot = &mut self.slots[id as usize];
        slot.data = Box::default();
        slot.key_len = 0;
        slot.next = self.free;
        self.free = id;
    }

    pub(super) fn unlink(&mut self, id: u32) {
        let (prev, next, segment, size, bucket) = {
            let s = &self.slots[id as usize];
            (s.prev, s.next, s.segment(), s.size(), s.bucket)
        };
        if self.adaptive.is_none() {
            self.buckets.unlink(bucket, id, size, prev);
        }
        let list = &mut self.lists[usize::from(segment)];
        list.len -= 1;
        list.bytes -= size;
        match prev {
            NIL => list.head = next,
            p => self.slots[p as usize].next = next,
        }
        let list = &mut self.lists[usize::from(segment)];
        match next {
            NIL => list.tail = prev,
            n => self.slots[n as usize].prev = prev,
        }
        let s = &mut self.slots[id as usize];
        s.prev = NIL;
        s.next = NIL;
    }

    pub(super) fn link_front(&mut self, id: u32, segment: u8) {
        let list = &mut self.lists[usize::from(segment)];
        let old = list.head;
        list.head = id;
        list.len += 1;
        if old == NIL {
            list.tail = id;
        }
        let s = &mut self.slots[id as usize];
        s.prev = NIL;
        s.next = old;
        s.set_segment(segment);
        let size = s.size();
        list.bytes += size;
        if old != NIL {
            self.slots[old as usize].prev = id;
        }
        if self.adaptive.is_none() {
            self.slots[id as usize].bucket = self.buckets.link(id, size);
        }
    }

    pub(super) fn move_to_front(&mut self, id: u32) {
        let segment = self.slots[id as usize].segment();
        if self.lists[usize::from(segment)].head != id {
            self.unlink(id);
            self.link_front(id, segment);
        }
    }

    /// Moves `id` to the front of `segment`.
    pub(super) fn move_to(&mut self, id: u32, segment: u8) {
        self.unlink(id);
        self.link_front(id, segment);
    }
}

/// Puts `item` into the first free place of `slab` (free places chained from `free` through
/// `next_free`), or at its end; the id it got.
pub(super) fn place<T>(
    slab: &mut Vec<T>,
    free: &mut u32,
    item: T,
    next_free: impl Fn(&T) -> u32,
) -> u32 {
    if *free == NIL {
        slab.push(item);
        return (slab.len() - 1) as u32;
    }
    let id = *free;
    *free = next_free(&slab[id as usize]);
    slab[id as usize] = item;
    id
}

pub(super) fn join(key: &[u8], value: &[u8]) -> Box<[u8]> {
    let mut data = Vec::with_capacity(key.len() + value.len());
    data.extend_from_slice(key);
    data.extend_from_slice(value);
    data.into_boxed_slice()
}
