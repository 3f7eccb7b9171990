//! The adaptive policy's frequencies: a resident entry counts its own uses in its slot (the
//! top 4 bits of `Slot::bucket`, beside its 28-bit hash), a key not resident counts in the
//! count-min [`super::Sketch`]. A hit thus touches no sketch line (a cache miss on every read
//! before: ~4 points of the get's time against LRU); the slot is in the CPU's cache already.
//! An entry that leaves raises its key's sketch counters to its own count (a conservative
//! update: nothing counted twice), and a new entry starts from the sketch's estimate. Both age
//! together: the sketch's halving halves every slot's counter. Admission compares two resident
//! entries, so it reads their slots.

use super::{Store, FREQ_SHIFT, HASH_MASK, NIL};

impl Store {
    /// One access of resident entry `id`: its slot's counter goes up (to 15), and the sketch
    /// counts the increment towards its aging, which halves the slots' counters too.
    #[inline]
    pub(super) fn count_resident(&mut self, id: u32) {
        let Some(sketch) = self.adaptive.as_deref_mut().and_then(|a| a.sketch.as_mut()) else {
            return;
        };
        let slot = &mut self.slots[id as usize];
        if slot.frequency() < 15 {
            slot.bucket += 1 << FREQ_SHIFT;
            if sketch.tick() {
                self.age_residents();
            }
        }
    }

    /// Halves every resident entry's counter, as the sketch's aging just halved its own.
    pub(super) fn age_residents(&mut self) {
        for slot in &mut self.slots {
            let halved = u32::from(slot.frequency() >> 1);
            slot.bucket = (slot.bucket & HASH_MASK) | halved << FREQ_SHIFT;
        }
    }

    /// Counts, in the sketch, an access of a key not resident (aging the residents with it).
    pub(super) fn count_absent(&mut self, hash: u32) {
        let aged = self
            .adaptive
            .as_deref_mut()
            .and_then(|a| a.sketch.as_mut())
            .is_some_and(|s| s.increment(hash));
        if aged {
            self.age_residents();
        }
    }

    /// Entry `id` leaves: the sketch keeps what its slot counted, so the key's history
    /// outlives its stay.
    pub(super) fn keep_frequency(&mut self, id: u32) {
        let slot = &self.slots[id as usize];
        let (hash, frequency) = (slot.bucket & HASH_MASK, slot.frequency());
        if let Some(sketch) = self.adaptive.as_deref_mut().and_then(|a| a.sketch.as_mut()) {
            sketch.raise(hash, frequency);
        }
    }

    /// [`Store::keep_frequency`] of every entry (before a clear).
    pub(super) fn keep_frequencies(&mut self) {
        let Some(sketch) = self.adaptive.as_deref_mut().and_then(|a| a.sketch.as_mut()) else {
            return;
        };
        for list in &self.lists {
            let mut id = list.head;
            while id != NIL {
                let slot = &self.slots[id as usize];
                sketch.raise(slot.bucket & HASH_MASK, slot.frequency());
                id = slot.next;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Policy, Store};

    fn store(n: usize) -> Store {
        let policy = Policy::Adaptive {
            max_entries: n,
            max_bytes: None,
        };
        Store::with_policy_seed(policy, 1)
    }

    /// Fills a store of `n` entries with `k0`..; from half full on, the sketch counts.
    fn filled(n: usize) -> Store {
        let mut s = store(n);
        for i in 0..n {
            s.insert(format!("k{i}").as_bytes(), b"v", f64::INFINITY);
            s.make_room(n, None, None, |_| {});
        }
        s
    }

    fn frequency(s: &mut Store, key: &[u8]) -> u8 {
        let id = s.find(key).expect("resident");
        s.slots[id as usize].frequency()
    }

    fn sketched(s: &mut Store, key: &[u8]) -> u8 {
        let h = s.hash(key);
        s.policy_state()
            .sketch
            .as_ref()
            .map_or(0, |k| k.frequency(h))
    }

    #[test]
    fn hits_count_in_the_slot_up_to_fifteen() {
        let mut s = filled(100);
        let before = frequency(&mut s, b"k90");
        for _ in 0..3 {
            assert!(s.get(b"k90").is_some());
        }
        assert_eq!(frequency(&mut s, b"k90"), before + 3);
        for _ in 0..40 {
            s.get(b"k90");
        }
        assert_eq!(frequency(&mut s, b"k90"), 15);
    }

    #[test]
    fn a_departing_entry_leaves_its_count_in_the_sketch() {
        let mut s = filled(100);
        for _ in 0..6 {
            s.get(b"k90");
        }
        let counted = frequency(&mut s, b"k90");
        assert!(counted >= 6);
        assert!(s.remove(b"k90"));
        assert_eq!(sketched(&mut s, b"k90"), counted);
        // Back again, it starts from that history (plus the insert's own count).
        s.insert(b"k90", b"v", f64::INFINITY);
        assert_eq!(frequency(&mut s, b"k90"), counted + 1);
    }

    #[test]
    fn clear_keeps_the_counts() {
        let mut s = filled(100);
        for _ in 0..5 {
            s.get(b"k70");
        }
        let counted = frequency(&mut s, b"k70");
        s.clear();
        assert_eq!(sketched(&mut s, b"k70"), counted);
    }

    #[test]
    fn aging_halves_the_slots_with_the_sketch() {
        let mut s = filled(16); // the sketch's minimum: 256 entries, aged every 2,560 counts
        for _ in 0..9 {
            s.get(b"k15");
        }
        let before = frequency(&mut s, b"k15");
        // Misses of absent keys count in the sketch until it ages.
        let mut i = 0;
        while frequency(&mut s, b"k15") == before {
            s.get(format!("absent{i}").as_bytes());
            i += 1;
            assert!(i < 10_000, "never aged");
        }
        assert_eq!(frequency(&mut s, b"k15"), before / 2);
    }

    #[test]
    fn admission_compares_the_residents_counts() {
        // A window of one entry: each newcomer competes with probation's eldest.
        let mut s = filled(100);
        for _ in 0..5 {
            s.get(b"k0");
        }
        for i in 100..400 {
            s.insert(format!("n{i}").as_bytes(), b"v", f64::INFINITY);
            s.make_room(100, None, None, |_| {});
        }
        assert!(s.peek(b"k0").is_some(), "the frequent entry stayed");
    }
}
